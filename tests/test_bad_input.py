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


# --- filters (API.md §2) ------------------------------------------------------------------

def _filter_rows() -> list[Bad]:
    f = sigconv
    y = np.sin(np.arange(64) / 3.0)
    rows = []
    for name, fn, extra in [("moving_average", f.moving_average, (3,)), ("autocorr", f.autocorr, ()),
                            ("ar_filter", f.ar_filter, ([0.5],)), ("arma_filter", f.arma_filter, ([0.5],)),
                            ("ar_predict", f.ar_predict, ([0.5],)), ("fit_ar", f.fit_ar, (2,))]:
        p = "x" if name in ("moving_average", "autocorr") else ("y" if name in ("ar_predict", "fit_ar") else "e")
        rows += [
            Bad(f"{name} {p} None", fn, (None, *extra), {}, TypeError, p),
            Bad(f"{name} {p} strings", fn, (STRS, *extra), {}, TypeError, p),
            Bad(f"{name} {p} empty", fn, (np.array([]), *extra), {}, ValueError, p),
            Bad(f"{name} {p} complex", fn, (CPLX, *extra), {}, TypeError, p),
            Bad(f"{name} {p} ragged", fn, ([[1.0, 2.0], [3.0]], *extra), {}, ValueError, p),
        ]
    ma = f.moving_average
    rows += [
        Bad("moving_average window zero", ma, (y, 0), {}, ValueError, "window"),
        Bad("moving_average window float", ma, (y, 2.5), {}, TypeError, "window"),
        Bad("moving_average window string", ma, (y, "3"), {}, TypeError, "window"),
        Bad("moving_average weights bogus", ma, (y, 3), {"weights": "bogus"}, ValueError, "weights"),
        Bad("moving_average weights int", ma, (y, 3), {"weights": 7}, ValueError, "weights"),
        Bad("moving_average weights wrong length", ma, (y, 3), {"weights": np.ones(4)}, ValueError, "weights"),
        Bad("moving_average weights nan", ma, (y, 3), {"weights": np.array([1.0, np.nan, 1.0])},
            ValueError, "weights"),
        Bad("moving_average weights sum zero", ma, (y, 2), {"weights": np.array([1.0, -1.0])},
            ValueError, "weights"),
        Bad("moving_average align unknown", ma, (y, 3), {"align": "left"}, ValueError, "align"),
        Bad("moving_average align int", ma, (y, 3), {"align": 0}, TypeError, "align"),
        Bad("moving_average nan_policy unknown", ma, (y, 3), {"nan_policy": "drop"}, ValueError, "nan_policy"),
        Bad("moving_average nan_policy raise", ma, (NAN_X, 2), {"nan_policy": "raise"}, ValueError, "x"),
        Bad("moving_average min_periods negative", ma, (y, 3), {"min_periods": -1}, ValueError, "min_periods"),
        Bad("moving_average min_periods above window", ma, (y, 3), {"min_periods": 4}, ValueError, "min_periods"),
        Bad("moving_average min_periods float", ma, (y, 3), {"min_periods": 1.5}, TypeError, "min_periods"),
        Bad("moving_average axis out of range", ma, (y, 3), {"axis": 2}, ValueError, "axis"),
        Bad("moving_average gaussian std missing", ma, (y, 5), {"weights": "gaussian"}, ValueError, "std"),
        Bad("moving_average gaussian std negative", ma, (y, 5), {"weights": "gaussian", "std": -1.0},
            ValueError, "std"),
        Bad("moving_average unknown parameter", ma, (y, 5), {"weights": "uniform", "beta": 2.0},
            TypeError, "beta"),
    ]
    ww = f.window_weights
    rows += [
        Bad("window_weights kind unknown", ww, ("bogus", 3), {}, ValueError, "kind"),
        Bad("window_weights kind None", ww, (None, 3), {}, TypeError, "kind"),
        Bad("window_weights window zero", ww, ("uniform", 0), {}, ValueError, "window"),
        Bad("window_weights window float", ww, ("uniform", 2.0), {}, TypeError, "window"),
        Bad("window_weights gaussian std inf", ww, ("gaussian", 5), {"std": np.inf}, ValueError, "std"),
        Bad("window_weights ewma alpha zero", ww, ("ewma", 5), {"alpha": 0.0}, ValueError, "alpha"),
        Bad("window_weights ewma alpha above one", ww, ("ewma", 5), {"alpha": 1.5}, ValueError, "alpha"),
    ]
    ew = f.ewma
    rows += [
        Bad("ewma x None", ew, (None,), {"alpha": 0.5}, TypeError, "x"),
        Bad("ewma x complex", ew, (CPLX,), {"alpha": 0.5}, TypeError, "x"),
        Bad("ewma x empty", ew, (np.array([]),), {"alpha": 0.5}, ValueError, "x"),
        Bad("ewma no decay parameter", ew, (y,), {}, ValueError, "alpha"),
        Bad("ewma two decay parameters", ew, (y,), {"alpha": 0.5, "span": 3}, ValueError, "span"),
        Bad("ewma alpha zero", ew, (y,), {"alpha": 0.0}, ValueError, "alpha"),
        Bad("ewma alpha above one", ew, (y,), {"alpha": 1.2}, ValueError, "alpha"),
        Bad("ewma alpha nan", ew, (y,), {"alpha": np.nan}, ValueError, "alpha"),
        Bad("ewma alpha string", ew, (y,), {"alpha": "0.5"}, TypeError, "alpha"),
        Bad("ewma span below one", ew, (y,), {"span": 0.5}, ValueError, "span"),
        Bad("ewma halflife zero", ew, (y,), {"halflife": 0.0}, ValueError, "halflife"),
        Bad("ewma com negative", ew, (y,), {"com": -1.0}, ValueError, "com"),
        Bad("ewma min_periods negative", ew, (y,), {"alpha": 0.5, "min_periods": -1}, ValueError, "min_periods"),
        Bad("ewma adjust string", ew, (y,), {"alpha": 0.5, "adjust": "yes"}, TypeError, "adjust"),
        Bad("ewma axis out of range", ew, (y,), {"alpha": 0.5, "axis": 1}, ValueError, "axis"),
    ]
    rows += [
        Bad("ar_filter ar strings", f.ar_filter, (y, STRS), {}, TypeError, "ar"),
        Bad("ar_filter ar 2d", f.ar_filter, (y, np.ones((2, 2))), {}, ValueError, "ar"),
        Bad("ar_filter ar nan", f.ar_filter, (y, [np.nan]), {}, ValueError, "ar"),
        Bad("ar_filter ar complex", f.ar_filter, (y, [0.5j]), {}, TypeError, "ar"),
        Bad("ar_filter zi wrong length", f.ar_filter, (y, [0.5, 0.1]), {"zi": np.ones(3)}, ValueError, "zi"),
        Bad("ar_filter zi strings", f.ar_filter, (y, [0.5]), {"zi": STRS[:1]}, TypeError, "zi"),
        Bad("ar_filter axis float", f.ar_filter, (y, [0.5]), {"axis": 0.0}, TypeError, "axis"),
        Bad("arma_filter ma strings", f.arma_filter, (y, [0.5], STRS), {}, TypeError, "ma"),
        Bad("arma_filter ma inf", f.arma_filter, (y, [0.5], [np.inf]), {}, ValueError, "ma"),
        Bad("arma_filter ma 2d", f.arma_filter, (y, [0.5], np.ones((2, 2))), {}, ValueError, "ma"),
        Bad("arma_filter axis out of range", f.arma_filter, (y, [0.5]), {"axis": -3}, ValueError, "axis"),
        Bad("arma_impulse_response ar strings", f.arma_impulse_response, (STRS,), {}, TypeError, "ar"),
        Bad("arma_impulse_response ma nan", f.arma_impulse_response, ([0.5], [np.nan]), {}, ValueError, "ma"),
        Bad("arma_impulse_response n zero", f.arma_impulse_response, ([0.5],), {"n": 0}, ValueError, "n"),
        Bad("arma_impulse_response n float", f.arma_impulse_response, ([0.5],), {"n": 2.5}, TypeError, "n"),
        Bad("arma_generate n negative", f.arma_generate, (-1, [0.5]), {}, ValueError, "n"),
        Bad("arma_generate n string", f.arma_generate, ("10", [0.5]), {}, TypeError, "n"),
        Bad("arma_generate ar non-stationary", f.arma_generate, (10, [1.5]), {}, ValueError, "ar"),
        Bad("arma_generate sigma negative", f.arma_generate, (10, [0.5]), {"sigma": -1.0}, ValueError, "sigma"),
        Bad("arma_generate sigma nan", f.arma_generate, (10, [0.5]), {"sigma": np.nan}, ValueError, "sigma"),
        Bad("arma_generate burnin negative", f.arma_generate, (10, [0.5]), {"burnin": -1}, ValueError, "burnin"),
        Bad("arma_generate noise wrong length", f.arma_generate, (10, [0.5]), {"noise": np.ones(3)},
            ValueError, "noise"),
        Bad("arma_generate noise strings", f.arma_generate, (3, [0.5]), {"noise": STRS}, TypeError, "noise"),
        Bad("arma_generate random_state string", f.arma_generate, (10, [0.5]), {"random_state": "seed"},
            TypeError, "random_state"),
        Bad("ar_predict ar strings", f.ar_predict, (y, STRS), {}, TypeError, "ar"),
        Bad("ar_predict const string", f.ar_predict, (y, [0.5]), {"const": "1"}, TypeError, "const"),
        Bad("ar_predict const inf", f.ar_predict, (y, [0.5]), {"const": np.inf}, ValueError, "const"),
        Bad("fit_ar order zero", f.fit_ar, (y, 0), {}, ValueError, "order"),
        Bad("fit_ar order float", f.fit_ar, (y, 1.5), {}, TypeError, "order"),
        Bad("fit_ar order too large", f.fit_ar, (y[:5], 10), {}, ValueError, "order"),
        Bad("fit_ar method unknown", f.fit_ar, (y, 2), {"method": "burg"}, ValueError, "method"),
        Bad("fit_ar y 2d", f.fit_ar, (np.ones((2, 8)), 1), {}, ValueError, "y"),
        Bad("fit_ar y nan", f.fit_ar, (np.r_[y, np.nan], 2), {}, ValueError, "y"),
        Bad("autocorr max_lag negative", f.autocorr, (y, -1), {}, ValueError, "max_lag"),
        Bad("autocorr max_lag too large", f.autocorr, (y, 64), {}, ValueError, "max_lag"),
        Bad("autocorr max_lag float", f.autocorr, (y, 2.5), {}, TypeError, "max_lag"),
        Bad("autocorr axis out of range", f.autocorr, (y,), {"axis": 1}, ValueError, "axis"),
        Bad("xcorr x None", f.xcorr, (None, y), {}, TypeError, "x"),
        Bad("xcorr y strings", f.xcorr, (y, STRS), {}, TypeError, "y"),
        Bad("xcorr y empty", f.xcorr, (y, np.array([])), {}, ValueError, "y"),
        Bad("xcorr y complex", f.xcorr, (y, y + 1j), {}, TypeError, "y"),
        Bad("xcorr length mismatch", f.xcorr, (y, y[:10]), {}, ValueError, "y"),
        Bad("xcorr max_lag negative", f.xcorr, (y, y, -2), {}, ValueError, "max_lag"),
        Bad("xcorr max_lag string", f.xcorr, (y, y, "3"), {}, TypeError, "max_lag"),
        Bad("xcorr axis out of range", f.xcorr, (y, y), {"axis": 5}, ValueError, "axis"),
    ]
    return rows


FILTER_ROWS = _filter_rows()


@pytest.mark.parametrize("row", FILTER_ROWS, ids=lambda r: r.id)
def test_filters_bad_input(row):
    check(row)


# --- template matching (API.md §3) ----------------------------------------------------------

def _match_rows() -> list[Bad]:
    mt, fp, lc = sigconv.match_template, sigconv.find_peaks, sigconv.locate
    sig = np.sin(np.arange(64) / 4.0)
    tpl = sig[10:18].copy()
    scores = np.cos(np.arange(40) / 3.0)
    rows = []
    for name, fn in (("match_template", mt), ("locate", lc)):
        rows += [
            Bad(f"{name} x None", fn, (None, tpl), {}, TypeError, "x"),
            Bad(f"{name} x strings", fn, (STRS, tpl), {}, TypeError, "x"),
            Bad(f"{name} x empty", fn, (np.array([]), tpl), {}, ValueError, "x"),
            Bad(f"{name} x complex", fn, (CPLX, tpl), {}, TypeError, "x"),
            Bad(f"{name} template None", fn, (sig, None), {}, TypeError, "template"),
            Bad(f"{name} template empty", fn, (sig, np.array([])), {}, ValueError, "template"),
            Bad(f"{name} template complex", fn, (sig, tpl + 1j), {}, TypeError, "template"),
            Bad(f"{name} template longer than x", fn, (sig[:5], tpl), {}, ValueError, "template"),
            Bad(f"{name} template more dims than x", fn, (sig, np.ones((2, 2))), {}, ValueError, "template"),
            Bad(f"{name} template constant zncc", fn, (sig, np.ones(4)), {}, ValueError, "template"),
            Bad(f"{name} template nan", fn, (sig, np.r_[tpl, np.nan]), {}, ValueError, "template"),
            Bad(f"{name} score unknown", fn, (sig, tpl), {"score": "mad"}, ValueError, "score"),
            Bad(f"{name} score None", fn, (sig, tpl), {"score": None}, TypeError, "score"),
            Bad(f"{name} mode unknown", fn, (sig, tpl), {"mode": "full"}, ValueError, "mode"),
            Bad(f"{name} workers zero", fn, (sig, tpl), {"workers": 0}, ValueError, "workers"),
        ]
    rows += [
        Bad("match_template same with template larger than x", mt, (sig[:5], tpl), {"mode": "same"},
            ValueError, "template"),
        Bad("match_template method unknown", mt, (sig, tpl), {"method": "bogus"}, ValueError, "method"),
        Bad("match_template axes wrong count", mt, (IMG, np.eye(2)), {"axes": (0,)}, ValueError, "axes"),
        Bad("match_template axes repeated", mt, (IMG, np.eye(2)), {"axes": (1, 1)}, ValueError, "axes"),
        Bad("match_template axes out of range", mt, (IMG, np.eye(2)), {"axes": (0, 4)}, ValueError, "axes"),
        Bad("find_peaks scores None", fp, (None,), {}, TypeError, "scores"),
        Bad("find_peaks scores strings", fp, (STRS,), {}, TypeError, "scores"),
        Bad("find_peaks scores empty", fp, (np.array([]),), {}, ValueError, "scores"),
        Bad("find_peaks scores complex", fp, (CPLX,), {}, TypeError, "scores"),
        Bad("find_peaks scores 4d", fp, (np.ones((2, 2, 2, 2)),), {}, ValueError, "scores"),
        Bad("find_peaks threshold string", fp, (scores,), {"threshold": "high"}, TypeError, "threshold"),
        Bad("find_peaks threshold nan", fp, (scores,), {"threshold": np.nan}, ValueError, "threshold"),
        Bad("find_peaks min_distance zero", fp, (scores,), {"min_distance": 0}, ValueError, "min_distance"),
        Bad("find_peaks min_distance float", fp, (scores,), {"min_distance": 1.5}, TypeError, "min_distance"),
        Bad("find_peaks max_peaks zero", fp, (scores,), {"max_peaks": 0}, ValueError, "max_peaks"),
        Bad("find_peaks max_peaks string", fp, (scores,), {"max_peaks": "3"}, TypeError, "max_peaks"),
        Bad("find_peaks exclude_border negative", fp, (scores,), {"exclude_border": -1}, ValueError,
            "exclude_border"),
        Bad("find_peaks exclude_border string", fp, (scores,), {"exclude_border": "yes"}, TypeError,
            "exclude_border"),
        Bad("locate threshold string", lc, (sig, tpl), {"threshold": "0.8"}, TypeError, "threshold"),
        Bad("locate min_distance zero", lc, (sig, tpl), {"min_distance": 0}, ValueError, "min_distance"),
        Bad("locate max_matches negative", lc, (sig, tpl), {"max_matches": -1}, ValueError, "max_matches"),
        Bad("Matcher x None", sigconv.Matcher, (None,), {}, TypeError, "x"),
        Bad("Matcher x empty", sigconv.Matcher, (np.array([]),), {}, ValueError, "x"),
        Bad("Matcher mode unknown", sigconv.Matcher, (sig,), {"mode": "full"}, ValueError, "mode"),
        Bad("Matcher workers zero", sigconv.Matcher, (sig,), {"workers": 0}, ValueError, "workers"),
    ]
    return rows


MATCH_ROWS = _match_rows()


@pytest.mark.parametrize("row", MATCH_ROWS, ids=lambda r: r.id)
def test_match_bad_input(row):
    check(row)
