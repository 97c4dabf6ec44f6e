"""``sigconv compile`` and the compile-time profiler (issue #14 item 6)."""

from __future__ import annotations

import numba
import pytest

from sigconv.cli import main
from sigconv.compile import WARMUPS, compile_all, profile_compiles


@numba.njit
def _inner(v):
    return v * 2.0 + 1.0


@numba.njit
def _outer(v):
    return _inner(v) - 1.0


def test_profile_compiles_nests_callees():
    found = profile_compiles(lambda: _outer(1.5))
    names = [k.kernel.rsplit(".", 1)[-1] for k in found]
    assert sorted(names) == ["_inner", "_outer"]
    outer, inner = (next(k for k in found if k.kernel.endswith(n)) for n in ("_outer", "_inner"))
    assert inner.args == "float64" and outer.args == "float64"
    assert 0 < inner.inclusive <= outer.inclusive
    assert outer.exclusive == pytest.approx(outer.inclusive - inner.inclusive)
    assert profile_compiles(lambda: _outer(2.5)) == []  # compiled already: nothing new


def test_compile_all_one_area_in_process():
    lines = []
    times = compile_all(1, areas=["filters"], report=lines.append)
    assert set(times) == {"filters", "total"}
    assert times["total"] >= times["filters"] > 0
    assert len(lines) == 1 and lines[0].startswith("filters")


def test_compile_all_on_two_processes():
    lines = []
    times = compile_all(2, areas=["filters", "filters"], report=lines.append)  # the pool's path
    assert set(times) == {"filters", "total"} and len(lines) == 2


def test_compile_all_bad_input():
    with pytest.raises(ValueError, match="`areas`"):
        compile_all(1, areas=["everything"])
    with pytest.raises(ValueError, match="`jobs`"):
        compile_all(0, areas=["filters"])
    with pytest.raises(TypeError, match="`jobs`"):
        compile_all(1.5, areas=["filters"])


def test_cli_compile(capsys):
    assert main(["compile", "--jobs", "1", "--only", "filters"]) == 0
    out = capsys.readouterr().out
    assert "filters" in out and "done in" in out
    assert main(["compile", "--profile", "3", "--only", "filters"]) == 0
    assert "filters:" in capsys.readouterr().out


def test_every_area_has_a_warmup():
    assert set(WARMUPS) == {"engine 1D", "engine 2D", "filters", "match", "nn", "features"}
