"""The numpydoc Examples of every public docstring run as doctests (issue #14 item 8).

Collected with :class:`doctest.DocTestFinder` from the names each public module exports in
``__all__`` (classes with their methods) and from the public modules' own docstrings.  Each
docstring is one test, run with a fresh namespace (an example imports what it uses), numpy's
print options fixed, ``ELLIPSIS | NORMALIZE_WHITESPACE``, and warnings as errors as everywhere.
"""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

#: public modules: their docstring and every name in their ``__all__``
PUBLIC_MODULES = ("sigconv", "sigconv.filters", "sigconv.nn", "sigconv.features", "sigconv.accessor",
                  "sigconv.datasets", "sigconv.stream", "sigconv.dask", "sigconv.compile")
#: the fewest examples that must run: a guard against a collection that silently finds nothing
MIN_EXAMPLES = 150
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _modules():
    for name in PUBLIC_MODULES:
        try:
            yield importlib.import_module(name)
        except ImportError as e:  # sigconv.dask needs the `dask` extra
            if name == "sigconv.dask" and "dask" in str(e).lower():
                continue
            raise


def collect() -> list[doctest.DocTest]:
    """Every doctest with examples, once each, in a stable order."""
    finder = doctest.DocTestFinder(recurse=True, exclude_empty=True)
    found: dict[str, doctest.DocTest] = {}
    for module in _modules():
        tests = finder.find(module, module.__name__, module=False, globs={})
        tests = [t for t in tests if t.name == module.__name__]  # the module's own docstring
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if isinstance(obj, (str, int, float)):
                continue
            qual = f"{getattr(obj, '__module__', module.__name__)}.{getattr(obj, '__qualname__', name)}"
            tests += finder.find(obj, qual, module=False, globs={})
        for t in tests:
            if t.examples and not t.name.split(".")[-1].startswith("_"):
                found.setdefault(t.name, t)
    return [found[k] for k in sorted(found)]


TESTS = collect()


@pytest.fixture
def print_options():
    saved = np.get_printoptions()
    np.set_printoptions(precision=8, linewidth=75, threshold=1000, suppress=False, legacy=False)
    try:
        yield
    finally:
        np.set_printoptions(**saved)


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.name)
def test_docstring_examples(test, print_options):
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    test.globs = {}
    result = runner.run(test, out=report.append, clear_globs=True)
    assert result.attempted == len(test.examples)
    assert result.failed == 0, "".join(report)


def test_enough_examples():
    examples = sum(len(t.examples) for t in TESTS)
    assert len(TESTS) >= 40 and examples >= MIN_EXAMPLES, (len(TESTS), examples)
