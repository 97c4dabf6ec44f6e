"""The bad-input table's row type and its one checker (used by ``tests/test_bad_input.py``).

A row names a public callable, the arguments that are wrong, the exception class expected and
the parameter the message must name.  :func:`check` asserts all of the contract's rules for bad
input at once (API.md, conventions):

* the exception is exactly of the expected class (``ValueError`` or ``TypeError``, or a subclass);
* its message names the parameter (in backticks, as ``_validate`` writes it, or ``--flag`` for
  the command line);
* no Numba error escapes (neither its class nor its text);
* the inputs are unchanged (every array argument is compared with a copy taken before the call).

Rows are plain values, so a section of the table reads as data::

    Bad("moving_average weights", sigconv.moving_average, (x, 3), {"weights": "bogus"},
        ValueError, "weights")
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest


@dataclass(frozen=True)
class Bad:
    """One row: ``func(*args, **kwargs)`` must raise ``exc`` whose message names ``param``."""

    id: str
    func: Callable[..., Any]
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    exc: type = ValueError
    param: str = ""


def _arrays(value, found):
    """Collect the numpy arrays (and pandas objects) held by ``value``, recursively."""
    if isinstance(value, np.ndarray):
        found.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _arrays(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _arrays(v, found)
    elif hasattr(value, "to_numpy") and hasattr(value, "index"):
        found.append(value)
    return found


def _same(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return before.dtype == after.dtype and before.shape == after.shape and bool(
            np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"))
    return before.equals(after)


def check(row: Bad) -> None:
    """Assert every bad-input rule for ``row`` (see the module docstring)."""
    inputs = _arrays((row.args, row.kwargs), [])
    saved = [copy.deepcopy(a) for a in inputs]
    with pytest.raises(row.exc) as info:
        row.func(*row.args, **row.kwargs)
    err = info.value
    text = str(err)
    module = type(err).__module__ or ""
    assert not module.startswith("numba"), f"a Numba error escaped: {type(err).__name__}: {text}"
    assert "numba" not in text.lower(), f"the message mentions Numba: {text}"
    if row.param:
        named = (f"`{row.param}`" in text) or (row.param.startswith("-") and row.param in text)
        assert named, f"the message does not name `{row.param}`: {text!r}"
    for before, after in zip(saved, inputs):
        assert _same(before, after), "an input was modified"
