"""The project's bad-input table (issue #14 item 4; API.md conventions).

Every row calls a public function with one wrong argument and asserts, through
:func:`tests.badinput.check`, the exception class, that the message names the parameter in
backticks (or the ``--flag`` on the command line), that no Numba error escapes and that the
inputs are unchanged.

Layout: one section per area, each a module-level list of :class:`~tests.badinput.Bad` rows
with its own parametrized test.  The engine's sections come first; other areas append their
own section at the END of this file.
"""

from __future__ import annotations

import numpy as np
import pytest

import sigconv
from tests.badinput import Bad, check

X = np.linspace(-1.0, 1.0, 32)
K = np.array([0.25, 0.5, 0.25])
IMG = np.arange(64.0).reshape(8, 8)
K2 = np.ones((3, 3)) / 9.0
NAN_X = np.array([1.0, np.nan, 3.0])
CPLX = X + 1j * X
STRS = np.array(["a", "b", "c"])


# --- engine: convolve / correlate / convolve2d / correlate2d / choose_method -----------------

def _engine_rows() -> list[Bad]:
    rows: list[Bad] = []
    one_d = [("convolve", sigconv.convolve), ("correlate", sigconv.correlate)]
    two_d = [("convolve2d", sigconv.convolve2d), ("correlate2d", sigconv.correlate2d)]
    for name, f in one_d:
        rows += [
            Bad(f"{name} x None", f, (None, K), {}, TypeError, "x"),
            Bad(f"{name} x strings", f, (STRS, K), {}, TypeError, "x"),
            Bad(f"{name} x empty", f, (np.array([]), K), {}, ValueError, "x"),
            Bad(f"{name} x ragged", f, ([[1.0, 2.0], [3.0]], K), {}, ValueError, "x"),
            Bad(f"{name} x datetime", f, (np.arange(3).astype("datetime64[s]"), K), {}, TypeError, "x"),
            Bad(f"{name} kernel None", f, (X, None), {}, TypeError, "kernel"),
            Bad(f"{name} kernel strings", f, (X, STRS), {}, TypeError, "kernel"),
            Bad(f"{name} kernel empty", f, (X, np.array([])), {}, ValueError, "kernel"),
            Bad(f"{name} kernel bank mismatch", f, (np.ones((2, 32)), K2), {}, ValueError, "kernel"),
            Bad(f"{name} mode unknown", f, (X, K, "bogus"), {}, ValueError, "mode"),
            Bad(f"{name} mode int", f, (X, K, 3), {}, TypeError, "mode"),
            Bad(f"{name} method unknown", f, (X, K), {"method": "bogus"}, ValueError, "method"),
            Bad(f"{name} method None", f, (X, K), {"method": None}, TypeError, "method"),
            Bad(f"{name} axis float", f, (X, K), {"axis": 0.5}, TypeError, "axis"),
            Bad(f"{name} axis out of range", f, (X, K), {"axis": 3}, ValueError, "axis"),
            Bad(f"{name} boundary unknown", f, (X, K), {"boundary": "bogus"}, ValueError, "boundary"),
            Bad(f"{name} fill_value string", f, (X, K), {"fill_value": "a"}, TypeError, "fill_value"),
            Bad(f"{name} stride zero", f, (X, K), {"stride": 0}, ValueError, "stride"),
            Bad(f"{name} stride float", f, (X, K), {"stride": 1.5}, TypeError, "stride"),
            Bad(f"{name} stride negative", f, (X, K), {"stride": -2}, ValueError, "stride"),
            Bad(f"{name} dilation zero", f, (X, K), {"dilation": 0}, ValueError, "dilation"),
            Bad(f"{name} dilation string", f, (X, K), {"dilation": "2"}, TypeError, "dilation"),
            Bad(f"{name} workers zero", f, (X, K), {"workers": 0}, ValueError, "workers"),
            Bad(f"{name} workers float", f, (X, K), {"workers": 1.5}, TypeError, "workers"),
        ]
    for name, f in two_d:
        rows += [
            Bad(f"{name} x None", f, (None, K2), {}, TypeError, "x"),
            Bad(f"{name} x 1d", f, (X, K2), {}, ValueError, "x"),
            Bad(f"{name} x strings", f, (np.array([["a", "b"], ["c", "d"]]), K2), {}, TypeError, "x"),
            Bad(f"{name} x empty", f, (np.empty((0, 4)), K2), {}, ValueError, "x"),
            Bad(f"{name} kernel 1d", f, (IMG, K), {}, ValueError, "kernel"),
            Bad(f"{name} kernel empty", f, (IMG, np.empty((0, 3))), {}, ValueError, "kernel"),
            Bad(f"{name} kernel strings", f, (IMG, np.array([["a"]])), {}, TypeError, "kernel"),
            Bad(f"{name} mode unknown", f, (IMG, K2, "bogus"), {}, ValueError, "mode"),
            Bad(f"{name} method unknown", f, (IMG, K2), {"method": "bogus"}, ValueError, "method"),
            Bad(f"{name} axes length", f, (IMG, K2), {"axes": (0,)}, ValueError, "axes"),
            Bad(f"{name} axes repeated", f, (IMG, K2), {"axes": (1, 1)}, ValueError, "axes"),
            Bad(f"{name} axes out of range", f, (IMG, K2), {"axes": (0, 5)}, ValueError, "axes"),
            Bad(f"{name} axes not a tuple", f, (IMG, K2), {"axes": "ab"}, TypeError, "axes"),
            Bad(f"{name} boundary unknown", f, (IMG, K2), {"boundary": "bogus"}, ValueError, "boundary"),
            Bad(f"{name} fill_value nan-list", f, (IMG, K2), {"fill_value": [1.0]}, TypeError, "fill_value"),
            Bad(f"{name} stride zero", f, (IMG, K2), {"stride": 0}, ValueError, "stride"),
            Bad(f"{name} stride 3-tuple", f, (IMG, K2), {"stride": (1, 1, 1)}, ValueError, "stride"),
            Bad(f"{name} stride tuple float", f, (IMG, K2), {"stride": (1, 1.5)}, TypeError, "stride"),
            Bad(f"{name} dilation zero", f, (IMG, K2), {"dilation": (1, 0)}, ValueError, "dilation"),
            Bad(f"{name} dilation None", f, (IMG, K2), {"dilation": None}, TypeError, "dilation"),
            Bad(f"{name} workers negative", f, (IMG, K2), {"workers": -5}, ValueError, "workers"),
        ]
    cm = sigconv.choose_method
    rows += [
        Bad("choose_method x None", cm, (None, K), {}, TypeError, "x"),
        Bad("choose_method kernel empty", cm, (X, np.array([])), {}, ValueError, "kernel"),
        Bad("choose_method mode unknown", cm, (X, K, "bogus"), {}, ValueError, "mode"),
        Bad("choose_method axis and axes", cm, (IMG, K2), {"axis": 0, "axes": (0, 1)}, TypeError, "axis"),
        Bad("choose_method axis out of range", cm, (X, K), {"axis": 4}, ValueError, "axis"),
        Bad("choose_method stride zero", cm, (X, K), {"stride": 0}, ValueError, "stride"),
        Bad("choose_method dilation negative", cm, (X, K), {"dilation": -1}, ValueError, "dilation"),
        Bad("choose_method workers zero", cm, (X, K), {"workers": 0}, ValueError, "workers"),
    ]
    return rows


ENGINE_ROWS = _engine_rows()


@pytest.mark.parametrize("row", ENGINE_ROWS, ids=lambda r: r.id)
def test_engine_bad_input(row):
    check(row)
