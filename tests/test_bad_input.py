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


# --- feature transformers (API.md §5; the package is imported when a row runs) --------------

def _est(cls: str, method: str = "fit", **params):
    """A callable ``f(X)`` that builds ``sigconv.features.<cls>(**params)`` and calls ``method``."""
    def call(X, *rest):
        import sigconv.features as features

        est = getattr(features, cls)(**params)
        if method == "transform":  # fitted on good data first
            est.fit(np.random.default_rng(0).standard_normal((4, 24)))
        return getattr(est, method)(X, *rest)
    call.__name__ = f"{cls}.{method}"
    return call


def _feature_rows() -> list[Bad]:
    good = np.random.default_rng(1).standard_normal((4, 24))
    bad_x = {
        "strings": (np.array([["1.0", "x"], ["2.0", "y"]]), ValueError),
        "complex": (good + 1j, ValueError),
        "1d": (good[0], ValueError),
        "nan": (np.where(np.eye(4, 24) > 0, np.nan, good), ValueError),
        "inf": (np.where(np.eye(4, 24) > 0, np.inf, good), ValueError),
        "ragged": ([[1.0, 2.0, 3.0], [1.0]], ValueError),
        "4d": (good.reshape(1, 1, 4, 24), ValueError),
    }
    rows = []
    for cls, params in (("KernelFeatures", {}), ("MiniRocket", {"n_features": 84, "random_state": 0})):
        for method in ("fit", "transform"):
            for what, (X, exc) in bad_x.items():
                rows.append(Bad(f"{cls}.{method} X {what}", _est(cls, method, **params), (X,), {}, exc, "X"))
        rows.append(Bad(f"{cls}.transform X other length", _est(cls, "transform", **params),
                        (good[:, :10],), {}, ValueError, "X"))
    rows += [
        Bad("KernelFeatures kernels bogus", _est("KernelFeatures", kernels="bogus"), (good,), {},
            ValueError, "kernels"),
        Bad("KernelFeatures kernels empty", _est("KernelFeatures", kernels={}), (good,), {}, ValueError,
            "kernels"),
        Bad("KernelFeatures kernels nan", _est("KernelFeatures", kernels={"k": np.array([1.0, np.nan])}),
            (good,), {}, ValueError, "kernels['k']"),
        Bad("KernelFeatures stats unknown", _est("KernelFeatures", stats=("mean", "median2")), (good,), {},
            ValueError, "stats"),
        Bad("KernelFeatures stats empty", _est("KernelFeatures", stats=()), (good,), {}, ValueError, "stats"),
        Bad("KernelFeatures dilations zero", _est("KernelFeatures", dilations=(0,)), (good,), {}, ValueError,
            "dilations"),
        Bad("KernelFeatures dilations float", _est("KernelFeatures", dilations=(1.5,)), (good,), {}, TypeError,
            "dilations"),
        Bad("MiniRocket n_features zero", _est("MiniRocket", n_features=0), (good,), {}, ValueError,
            "n_features"),
        Bad("MiniRocket n_features string", _est("MiniRocket", n_features="many"), (good,), {}, TypeError,
            "n_features"),
        Bad("MiniRocket max_dilations_per_kernel zero", _est("MiniRocket", max_dilations_per_kernel=0),
            (good,), {}, ValueError, "max_dilations_per_kernel"),
        Bad("MiniRocket random_state string", _est("MiniRocket", random_state="seed"), (good,), {}, TypeError,
            "random_state"),
        Bad("MiniRocket n_jobs zero", _est("MiniRocket", n_jobs=0), (good,), {}, ValueError, "n_jobs"),
        Bad("CNNFeatures model not a Sequential", _est("CNNFeatures", model="cnn"), (good,), {}, TypeError,
            "model"),
    ]
    return rows


FEATURE_ROWS = _feature_rows()


@pytest.mark.parametrize("row", FEATURE_ROWS, ids=lambda r: r.id)
def test_features_bad_input(row):
    check(row)


# --- 1D CNN layers (API.md §4) -----------------------------------------------------------------

def _layer(cls: str, *args, **params):
    """A callable that builds ``sigconv.nn.<cls>(*args, **params)``."""
    def build():
        import sigconv.nn as nn

        return getattr(nn, cls)(*args, **params)
    build.__name__ = cls
    return build


def _forward(cls: str, *args, **params):
    """A callable ``f(x)``: ``sigconv.nn.<cls>(*args, **params).forward(x)``."""
    def call(x):
        import sigconv.nn as nn

        return getattr(nn, cls)(*args, **params).forward(x)
    call.__name__ = f"{cls}.forward"
    return call


def _nn_rows() -> list[Bad]:
    x3 = np.ones((2, 3, 16), dtype=np.float32)
    rows = [
        Bad("Conv1D in_channels zero", _layer("Conv1D", 0, 4, 3), (), {}, ValueError, "in_channels"),
        Bad("Conv1D out_channels float", _layer("Conv1D", 3, 4.0, 3), (), {}, TypeError, "out_channels"),
        Bad("Conv1D kernel_size zero", _layer("Conv1D", 3, 4, 0), (), {}, ValueError, "kernel_size"),
        Bad("Conv1D stride zero", _layer("Conv1D", 3, 4, 3, stride=0), (), {}, ValueError, "stride"),
        Bad("Conv1D padding negative", _layer("Conv1D", 3, 4, 3, padding=-1), (), {}, ValueError, "padding"),
        Bad("Conv1D padding unknown", _layer("Conv1D", 3, 4, 3, padding="full"), (), {}, ValueError, "padding"),
        Bad("Conv1D dilation zero", _layer("Conv1D", 3, 4, 3, dilation=0), (), {}, ValueError, "dilation"),
        Bad("Conv1D bias string", _layer("Conv1D", 3, 4, 3, bias="yes"), (), {}, TypeError, "bias"),
        Bad("Conv1D dtype int", _layer("Conv1D", 3, 4, 3, dtype=np.int32), (), {}, TypeError, "dtype"),
        Bad("Conv1D random_state string", _layer("Conv1D", 3, 4, 3, random_state="a"), (), {}, TypeError,
            "random_state"),
        Bad("Conv1D forward 2d", _forward("Conv1D", 3, 4, 3), (x3[0],), {}, ValueError, "x"),
        Bad("Conv1D forward channels", _forward("Conv1D", 2, 4, 3), (x3,), {}, ValueError, "x"),
        Bad("Conv1D forward strings", _forward("Conv1D", 3, 4, 3), (np.array([[["a"]]]),), {}, TypeError, "x"),
        Bad("Conv1D forward complex", _forward("Conv1D", 3, 4, 3), (x3 + 1j,), {}, TypeError, "x"),
        Bad("Conv1D forward too short", _forward("Conv1D", 3, 4, 5), (x3[:, :, :2],), {}, ValueError, "x"),
        Bad("Linear in_features zero", _layer("Linear", 0, 2), (), {}, ValueError, "in_features"),
        Bad("Linear out_features string", _layer("Linear", 3, "2"), (), {}, TypeError, "out_features"),
        Bad("Linear dtype string", _layer("Linear", 3, 2, dtype="float16"), (), {}, TypeError, "dtype"),
        Bad("Linear forward 3d", _forward("Linear", 3, 2), (x3,), {}, ValueError, "x"),
        Bad("Linear forward features", _forward("Linear", 5, 2), (np.ones((2, 3)),), {}, ValueError, "x"),
        Bad("MaxPool1D kernel_size zero", _layer("MaxPool1D", 0), (), {}, ValueError, "kernel_size"),
        Bad("MaxPool1D stride zero", _layer("MaxPool1D", 2, 0), (), {}, ValueError, "stride"),
        Bad("AvgPool1D kernel_size float", _layer("AvgPool1D", 2.5), (), {}, TypeError, "kernel_size"),
        Bad("MinPool1D forward 2d", _forward("MinPool1D", 2), (x3[0],), {}, ValueError, "x"),
        Bad("MaxPool1D forward too short", _forward("MaxPool1D", 40), (x3,), {}, ValueError, "x"),
        Bad("GlobalAvgPool1D forward 2d", _forward("GlobalAvgPool1D"), (x3[0],), {}, ValueError, "x"),
        Bad("ReLU forward strings", _forward("ReLU"), (STRS,), {}, TypeError, "x"),
        Bad("LeakyReLU negative_slope string", _layer("LeakyReLU", "a"), (), {}, TypeError, "negative_slope"),
        Bad("LeakyReLU negative_slope nan", _layer("LeakyReLU", np.nan), (), {}, ValueError, "negative_slope"),
        Bad("Dropout p above one", _layer("Dropout", 1.5), (), {}, ValueError, "p"),
        Bad("Dropout p negative", _layer("Dropout", -0.1), (), {}, ValueError, "p"),
        Bad("Dropout p string", _layer("Dropout", "half"), (), {}, TypeError, "p"),
        Bad("SGD lr negative", _layer("SGD", -1.0), (), {}, ValueError, "lr"),
        Bad("SGD lr string", _layer("SGD", "fast"), (), {}, TypeError, "lr"),
        Bad("SGD momentum negative", _layer("SGD", 0.1, momentum=-0.5), (), {}, ValueError, "momentum"),
        Bad("SGD weight_decay negative", _layer("SGD", 0.1, weight_decay=-1.0), (), {}, ValueError,
            "weight_decay"),
        Bad("Adam lr zero", _layer("Adam", 0.0), (), {}, ValueError, "lr"),
        Bad("Adam betas one", _layer("Adam", betas=(0.9, 1.0)), (), {}, ValueError, "betas[1]"),
        Bad("Adam betas length", _layer("Adam", betas=(0.9,)), (), {}, TypeError, "betas"),
        Bad("Adam eps negative", _layer("Adam", eps=-1e-8), (), {}, ValueError, "eps"),
        Bad("Sequential non-layer", _layer("Sequential", "relu"), (), {}, TypeError, "layers[0]"),
    ]
    return rows


NN_ROWS = _nn_rows()


@pytest.mark.parametrize("row", NN_ROWS, ids=lambda r: r.id)
def test_nn_bad_input(row):
    check(row)


# --- the pandas accessor (API.md §6) ---------------------------------------------------------

def _accessor_rows() -> list[Bad]:
    import pandas as pd

    s = pd.Series(np.sin(np.arange(40) / 3.0), name="v")
    df = pd.DataFrame({"a": s, "b": np.cos(np.arange(40) / 3.0)})
    rows = []
    for what, obj in (("Series", s), ("DataFrame", df)):
        acc = obj.sigconv
        rows += [
            Bad(f"{what}.convolve kernel empty", acc.convolve, (np.array([]),), {}, ValueError, "kernel"),
            Bad(f"{what}.convolve kernel strings", acc.convolve, (STRS,), {}, TypeError, "kernel"),
            Bad(f"{what}.convolve kernel 2d", acc.convolve, (K2,), {}, ValueError, "kernel"),
            Bad(f"{what}.convolve align unknown", acc.convolve, (K,), {"align": "left"}, ValueError, "align"),
            Bad(f"{what}.moving_average window zero", acc.moving_average, (0,), {}, ValueError, "window"),
            Bad(f"{what}.moving_average weights bogus", acc.moving_average, (3, "bogus"), {}, ValueError,
                "weights"),
            Bad(f"{what}.moving_average align unknown", acc.moving_average, (3,), {"align": "x"}, ValueError,
                "align"),
            Bad(f"{what}.ewma alpha above one", acc.ewma, (), {"alpha": 2.0}, ValueError, "alpha"),
            Bad(f"{what}.ewma no decay parameter", acc.ewma, (), {}, ValueError, "alpha"),
            Bad(f"{what}.ar_filter ar strings", acc.ar_filter, (STRS,), {}, TypeError, "ar"),
            Bad(f"{what}.ar_filter ar nan", acc.ar_filter, ([np.nan],), {}, ValueError, "ar"),
            Bad(f"{what}.arma_filter ma nan", acc.arma_filter, ([0.5], [np.nan]), {}, ValueError, "ma"),
            Bad(f"{what}.ar_predict const string", acc.ar_predict, ([0.5], "c"), {}, TypeError, "const"),
            Bad(f"{what}.autocorr max_lag negative", acc.autocorr, (-1,), {}, ValueError, "max_lag"),
            Bad(f"{what}.autocorr max_lag float", acc.autocorr, (1.5,), {}, TypeError, "max_lag"),
            Bad(f"{what}.fit_ar order zero", acc.fit_ar, (0,), {}, ValueError, "order"),
            Bad(f"{what}.fit_ar method unknown", acc.fit_ar, (2,), {"method": "burg"}, ValueError, "method"),
            Bad(f"{what}.match template empty", acc.match, (np.array([]),), {}, ValueError, "template"),
            Bad(f"{what}.match template longer", acc.match, (np.ones(50),), {}, ValueError, "template"),
            Bad(f"{what}.match threshold string", acc.match, (np.arange(5.0),), {"threshold": "x"}, TypeError,
                "threshold"),
            Bad(f"{what}.match min_distance zero", acc.match, (np.arange(5.0),), {"min_distance": 0},
                ValueError, "min_distance"),
        ]
    rows += [
        Bad("Series.xcorr other strings", s.sigconv.xcorr, (pd.Series(["a"] * 40),), {}, TypeError, "other"),
        Bad("Series.xcorr other length", s.sigconv.xcorr, (s[:10],), {}, ValueError, "other"),
        Bad("Series.xcorr max_lag negative", s.sigconv.xcorr, (s, -1), {}, ValueError, "max_lag"),
    ]
    return rows


ACCESSOR_ROWS = _accessor_rows()


@pytest.mark.parametrize("row", ACCESSOR_ROWS, ids=lambda r: r.id)
def test_accessor_bad_input(row):
    check(row)


# --- the command line (API.md §7): exit status 2 and a message that names the flag ----------

def _cli(*argv):
    """Run ``sigconv <argv>`` in-process; a failing exit becomes a ``ValueError`` holding stderr."""
    import contextlib
    import io

    from sigconv.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as e:  # argparse's errors
            code = e.code
    if code not in (0, None):
        raise ValueError(f"exit status {code}: {err.getvalue()}")
    return code


def _cli_rows() -> list[Bad]:
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="sigconv-badinput-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    sig = np.sin(np.arange(400) / 5.0) + 0.1 * np.cos(np.arange(400) / 1.7)
    tpl, s, img, long_t, txt = (folder / n for n in ("t.npy", "s.npy", "img.npy", "long.npy", "notes.txt"))
    np.save(tpl, sig[100:140])
    np.save(s, sig)
    np.save(img, np.outer(sig[:20], sig[:30]))
    np.save(long_t, np.r_[sig, sig])
    txt.write_text("not a signal")
    m = ("match", tpl, s)
    return [
        Bad("cli match --threshold text", _cli, (*m, "--threshold", "high"), {}, ValueError, "--threshold"),
        Bad("cli match --threshold nan", _cli, (*m, "--threshold", "nan"), {}, ValueError, "--threshold"),
        Bad("cli match --min-distance float", _cli, (*m, "--min-distance", "1.5"), {}, ValueError,
            "--min-distance"),
        Bad("cli match --min-distance zero", _cli, (*m, "--min-distance", "0"), {}, ValueError,
            "--min-distance"),
        Bad("cli match --max-matches text", _cli, (*m, "--max-matches", "all"), {}, ValueError,
            "--max-matches"),
        Bad("cli match --max-matches negative", _cli, (*m, "--max-matches", "-1"), {}, ValueError,
            "--max-matches"),
        Bad("cli match --score unknown", _cli, (*m, "--score", "mad"), {}, ValueError, "--score"),
        Bad("cli match TEMPLATE missing", _cli, ("match", folder / "none.npy", s), {}, ValueError, "TEMPLATE"),
        Bad("cli match SIGNAL missing", _cli, ("match", tpl, folder / "none.npy"), {}, ValueError, "SIGNAL"),
        Bad("cli match SIGNAL unknown suffix", _cli, ("match", tpl, txt), {}, ValueError, "SIGNAL"),
        Bad("cli match TEMPLATE longer than SIGNAL", _cli, ("match", long_t, s), {}, ValueError, "TEMPLATE"),
        Bad("cli match TEMPLATE 2D, SIGNAL 1D", _cli, ("match", img, s), {}, ValueError, "TEMPLATE"),
        Bad("cli demo --out is a file", _cli, ("demo", "--out", txt), {}, ValueError, "--out"),
        Bad("cli bench --quick takes no value", _cli, ("bench", "--quick=yes"), {}, ValueError, "--quick"),
        Bad("cli compile --jobs zero", _cli, ("compile", "--jobs", "0"), {}, ValueError, "--jobs"),
        Bad("cli compile --jobs text", _cli, ("compile", "--jobs", "all"), {}, ValueError, "--jobs"),
        Bad("cli compile --only unknown", _cli, ("compile", "--only", "everything"), {}, ValueError, "--only"),
        Bad("cli compile --profile text", _cli, ("compile", "--profile", "many"), {}, ValueError, "--profile"),
    ]


CLI_ROWS = _cli_rows()


@pytest.mark.parametrize("row", CLI_ROWS, ids=lambda r: r.id)
def test_cli_bad_input(row):
    check(row)


def test_table_size():
    """The engine's sections cover the public API with at least 200 rows (issue #14)."""
    total = sum(len(r) for r in (ENGINE_ROWS, FILTER_ROWS, MATCH_ROWS, FEATURE_ROWS, NN_ROWS,
                                 ACCESSOR_ROWS, CLI_ROWS))
    assert total >= 200
    ids = [r.id for r in (*ENGINE_ROWS, *FILTER_ROWS, *MATCH_ROWS, *FEATURE_ROWS, *NN_ROWS,
                          *ACCESSOR_ROWS, *CLI_ROWS)]
    assert len(ids) == len(set(ids)), "row ids must be unique"


# ============================================================================================
# Other areas append their sections below this line (a list of rows and its own test each).
# ============================================================================================


# --- filters pack (issue 17): sos_filter, savgol, gaussian, bk/cf/hp, seasonal_decompose, cwt ---

SOS = np.array([[0.2, 0.4, 0.2, 1.0, -0.3, 0.1]])


def _filters_pack_rows() -> list[Bad]:
    sos_f = sigconv.filters.sos_filter
    rows = [
        Bad("sos_filter sos shape", sos_f, (np.ones((2, 5)), X), {}, ValueError, "sos"),
        Bad("sos_filter sos 3D", sos_f, (np.ones((1, 2, 6)), X), {}, ValueError, "sos"),
        Bad("sos_filter sos a0", sos_f, (SOS * 2, X), {}, ValueError, "sos"),
        Bad("sos_filter sos nan", sos_f, (np.where(SOS == 1.0, 1.0, np.nan), X), {}, ValueError, "sos"),
        Bad("sos_filter sos strings", sos_f, (STRS, X), {}, TypeError, "sos"),
        Bad("sos_filter x complex", sos_f, (SOS, CPLX), {}, TypeError, "x"),
        Bad("sos_filter x empty", sos_f, (SOS, np.array([])), {}, ValueError, "x"),
        Bad("sos_filter zi shape", sos_f, (SOS, X), {"zi": np.zeros((2, 2))}, ValueError, "zi"),
        Bad("sos_filter zi nan", sos_f, (SOS, X), {"zi": np.full((1, 2), np.nan)}, ValueError, "zi"),
        Bad("sos_filter zi with zero_phase", sos_f, (SOS, X), {"zi": np.zeros((1, 2)), "zero_phase": True},
            ValueError, "zi"),
        Bad("sos_filter zero_phase type", sos_f, (SOS, X), {"zero_phase": "yes"}, TypeError, "zero_phase"),
        Bad("sos_filter zero_phase short x", sos_f, (SOS, X[:5]), {"zero_phase": True}, ValueError, "x"),
        Bad("sos_filter nan_policy", sos_f, (SOS, X), {"nan_policy": "omit"}, ValueError, "nan_policy"),
        Bad("sos_filter axis", sos_f, (SOS, X), {"axis": 1}, ValueError, "axis"),
    ]
    f = sigconv.filters
    rows += [
        Bad("savgol window 0", f.savgol, (X, 0, 0), {}, ValueError, "window"),
        Bad("savgol polyorder >= window", f.savgol, (X, 5, 5), {}, ValueError, "polyorder"),
        Bad("savgol polyorder negative", f.savgol, (X, 5, -1), {}, ValueError, "polyorder"),
        Bad("savgol polyorder float", f.savgol, (X, 5, 2.5), {}, TypeError, "polyorder"),
        Bad("savgol deriv negative", f.savgol, (X, 5, 2), {"deriv": -1}, ValueError, "deriv"),
        Bad("savgol delta 0", f.savgol, (X, 5, 2), {"delta": 0.0}, ValueError, "delta"),
        Bad("savgol mode", f.savgol, (X, 5, 2), {"mode": "reflect101"}, ValueError, "mode"),
        Bad("savgol interp window > n", f.savgol, (X[:4], 5, 2), {}, ValueError, "window"),
        Bad("savgol x complex", f.savgol, (CPLX, 5, 2), {}, TypeError, "x"),
        Bad("savgol x strings", f.savgol, (STRS, 3, 1), {}, TypeError, "x"),
        Bad("gaussian sigma 0", f.gaussian, (X, 0.0), {}, ValueError, "sigma"),
        Bad("gaussian sigma negative", f.gaussian, (X, -1.0), {}, ValueError, "sigma"),
        Bad("gaussian sigma nan", f.gaussian, (X, np.nan), {}, ValueError, "sigma"),
        Bad("gaussian order negative", f.gaussian, (X, 1.0), {"order": -1}, ValueError, "order"),
        Bad("gaussian mode", f.gaussian, (X, 1.0), {"mode": "symmetric"}, ValueError, "mode"),
        Bad("gaussian truncate negative", f.gaussian, (X, 1.0), {"truncate": -1.0}, ValueError, "truncate"),
        Bad("gaussian radius negative", f.gaussian, (X, 1.0), {"radius": -2}, ValueError, "radius"),
        Bad("gaussian x empty", f.gaussian, (np.array([]), 1.0), {}, ValueError, "x"),
        Bad("bk_filter low < 2", f.bk_filter, (X, 1.5, 32, 3), {}, ValueError, "low"),
        Bad("bk_filter high <= low", f.bk_filter, (X, 8, 6, 3), {}, ValueError, "high"),
        Bad("bk_filter K 0", f.bk_filter, (X, 6, 32, 0), {}, ValueError, "K"),
        Bad("bk_filter x too short", f.bk_filter, (X, 6, 32, 16), {}, ValueError, "x"),
        Bad("bk_filter x complex", f.bk_filter, (CPLX,), {"K": 3}, TypeError, "x"),
        Bad("cf_filter low < 2", f.cf_filter, (X, 1.0, 32), {}, ValueError, "low"),
        Bad("cf_filter high < low", f.cf_filter, (X, 6, 3), {}, ValueError, "high"),
        Bad("cf_filter drift", f.cf_filter, (X,), {"drift": "yes"}, TypeError, "drift"),
        Bad("cf_filter one sample", f.cf_filter, (X[:1],), {}, ValueError, "x"),
        Bad("hp_filter lamb 0", f.hp_filter, (X, 0.0), {}, ValueError, "lamb"),
        Bad("hp_filter lamb negative", f.hp_filter, (X, -5.0), {}, ValueError, "lamb"),
        Bad("hp_filter lamb inf", f.hp_filter, (X, np.inf), {}, ValueError, "lamb"),
        Bad("hp_filter one_sided", f.hp_filter, (X,), {"one_sided": 1}, TypeError, "one_sided"),
        Bad("hp_filter x strings", f.hp_filter, (STRS,), {}, TypeError, "x"),
        Bad("seasonal_decompose period 0", f.seasonal_decompose, (X, 0), {}, ValueError, "period"),
        Bad("seasonal_decompose period negative", f.seasonal_decompose, (X, -4), {}, ValueError, "period"),
        Bad("seasonal_decompose model", f.seasonal_decompose, (X, 4), {"model": "log"}, ValueError, "model"),
        Bad("seasonal_decompose two_sided", f.seasonal_decompose, (X, 4), {"two_sided": "no"}, TypeError,
            "two_sided"),
        Bad("seasonal_decompose extrapolate negative", f.seasonal_decompose, (X, 4), {"extrapolate_trend": -1},
            ValueError, "extrapolate_trend"),
        Bad("seasonal_decompose extrapolate string", f.seasonal_decompose, (X, 4), {"extrapolate_trend": "all"},
            ValueError, "extrapolate_trend"),
        Bad("seasonal_decompose x short", f.seasonal_decompose, (X, 17), {}, ValueError, "x"),
        Bad("seasonal_decompose multiplicative negative", f.seasonal_decompose, (X, 4),
            {"model": "multiplicative"}, ValueError, "x"),
        Bad("cwt widths negative", f.cwt, (X, [1.0, -2.0]), {}, ValueError, "widths"),
        Bad("cwt widths zero", f.cwt, (X, [0, 1]), {}, ValueError, "widths"),
        Bad("cwt widths 2D", f.cwt, (X, np.ones((2, 2))), {}, ValueError, "widths"),
        Bad("cwt widths empty", f.cwt, (X, []), {}, ValueError, "widths"),
        Bad("cwt widths strings", f.cwt, (X, STRS), {}, TypeError, "widths"),
        Bad("cwt wavelet", f.cwt, (X, [1, 2], "morlet"), {}, ValueError, "wavelet"),
        Bad("cwt w 0", f.cwt, (X, [1, 2], "morlet2"), {"w": 0.0}, ValueError, "w"),
        Bad("cwt x complex", f.cwt, (CPLX, [1, 2]), {}, TypeError, "x"),
    ]
    import pandas as pd

    s = pd.Series(X)
    rows += [
        Bad("Series.bk_filter K 0", s.sigconv.bk_filter, (6, 32, 0), {}, ValueError, "K"),
        Bad("Series.cwt wavelet", s.sigconv.cwt, ([1, 2], "haar"), {}, ValueError, "wavelet"),
        Bad("Series.seasonal_decompose period", s.sigconv.seasonal_decompose, (0,), {}, ValueError, "period"),
        Bad("Series.savgol polyorder", s.sigconv.savgol, (3, 4), {}, ValueError, "polyorder"),
    ]
    return rows


FILTERS_PACK_ROWS = _filters_pack_rows()


@pytest.mark.parametrize("row", FILTERS_PACK_ROWS, ids=lambda r: r.id)
def test_filters_pack_bad_input(row):
    check(row)


# --- streaming (issue 15): sigconv.stream constructors and push(chunk) -------------------------

def _pushed(make, first, bad):
    """A stream from ``make()`` fed ``first``, then pushed ``bad`` (which must be refused)."""
    s = make()
    if first is not None:
        s.push(first)
    return s.push(bad)


def _stream_rows() -> list[Bad]:
    st = sigconv.stream
    sos4 = np.array([[0.2, 0.4, 0.2, 1.0, -0.3, 0.1]] * 2)
    makers = {"FIR": lambda: st.FIR(K), "MovingAverage": lambda: st.MovingAverage(3),
              "EWMA": lambda: st.EWMA(alpha=0.5), "ARMA": lambda: st.ARMA([0.5], [0.1]),
              "SOS": lambda: st.SOS(sos4), "Matcher": lambda: st.Matcher(X[:5])}
    batch = np.ones((2, 8))
    rows = []
    for name, make in makers.items():
        rows += [
            Bad(f"stream.{name} chunk batch shape", _pushed, (make, batch, np.ones((3, 8))), {}, ValueError, "chunk"),
            Bad(f"stream.{name} chunk ndim", _pushed, (make, batch, np.ones((1, 2, 8))), {}, ValueError, "chunk"),
            Bad(f"stream.{name} chunk complex", _pushed, (make, X, CPLX), {}, TypeError, "chunk"),
            Bad(f"stream.{name} chunk int after float", _pushed, (make, X, np.arange(4)), {}, TypeError, "chunk"),
            Bad(f"stream.{name} chunk float after int", _pushed, (make, np.arange(4), X), {}, TypeError, "chunk"),
            Bad(f"stream.{name} chunk scalar", _pushed, (make, None, np.float64(1.0)), {}, ValueError, "chunk"),
            Bad(f"stream.{name} chunk None", _pushed, (make, None, None), {}, TypeError, "chunk"),
            Bad(f"stream.{name} chunk strings", _pushed, (make, None, STRS), {}, TypeError, "chunk"),
            Bad(f"stream.{name} chunk ragged", _pushed, (make, None, [[1.0], [2.0, 3.0]]), {}, ValueError, "chunk"),
        ]
    rows += [
        Bad("stream.FIR kernel None", st.FIR, (None,), {}, TypeError, "kernel"),
        Bad("stream.FIR kernel empty", st.FIR, (np.array([]),), {}, ValueError, "kernel"),
        Bad("stream.FIR kernel 2D", st.FIR, (K2,), {}, ValueError, "kernel"),
        Bad("stream.FIR kernel nan", st.FIR, (NAN_X,), {}, ValueError, "kernel"),
        Bad("stream.FIR kernel complex", st.FIR, (CPLX,), {}, TypeError, "kernel"),
        Bad("stream.FIR method", st.FIR, (K,), {"method": "fft"}, ValueError, "method"),
        Bad("stream.FIR method type", st.FIR, (K,), {"method": 3}, TypeError, "method"),
        Bad("stream.FIR block too large", st.FIR, (K,), {"method": "partitioned", "block": 3}, ValueError, "block"),
        Bad("stream.FIR block zero", st.FIR, (K,), {"method": "partitioned", "block": 0}, ValueError, "block"),
        Bad("stream.FIR block float", st.FIR, (K,), {"method": "partitioned", "block": 1.5}, TypeError, "block"),
        Bad("stream.FIR block without partitioned", st.FIR, (K,), {"block": 1}, ValueError, "block"),
        Bad("stream.MovingAverage window zero", st.MovingAverage, (0,), {}, ValueError, "window"),
        Bad("stream.MovingAverage weights", st.MovingAverage, (3,), {"weights": "bogus"}, ValueError, "kind"),
        Bad("stream.MovingAverage min_periods", st.MovingAverage, (3,), {"min_periods": 4}, ValueError,
            "min_periods"),
        Bad("stream.MovingAverage nan_policy", st.MovingAverage, (3,), {"nan_policy": "skip"}, ValueError,
            "nan_policy"),
        Bad("stream.MovingAverage raise on NaN chunk", _pushed, (lambda: st.MovingAverage(3, nan_policy="raise"),
                                                                 X, NAN_X), {}, ValueError, "chunk"),
        Bad("stream.EWMA no parameter", st.EWMA, (), {}, ValueError, "alpha"),
        Bad("stream.EWMA alpha", st.EWMA, (), {"alpha": 1.5}, ValueError, "alpha"),
        Bad("stream.EWMA span", st.EWMA, (), {"span": 0.5}, ValueError, "span"),
        Bad("stream.EWMA adjust", st.EWMA, (), {"alpha": 0.5, "adjust": "yes"}, TypeError, "adjust"),
        Bad("stream.EWMA min_periods", st.EWMA, (), {"alpha": 0.5, "min_periods": -1}, ValueError, "min_periods"),
        Bad("stream.ARMA ar nan", st.ARMA, (NAN_X,), {}, ValueError, "ar"),
        Bad("stream.ARMA ma 2D", st.ARMA, ([0.5], K2), {}, ValueError, "ma"),
        Bad("stream.ARMA ar strings", st.ARMA, (STRS,), {}, TypeError, "ar"),
        Bad("stream.ARMA zi length", st.ARMA, ([0.5, 0.1],), {"zi": [1.0]}, ValueError, "zi"),
        Bad("stream.ARMA zi nan", st.ARMA, ([0.5],), {"zi": [np.nan]}, ValueError, "zi"),
        Bad("stream.ARMA zi batch", _pushed, (lambda: st.ARMA([0.5], zi=np.zeros((3, 1))), None, np.ones((2, 4))),
            {}, ValueError, "zi"),
        Bad("stream.SOS sos shape", st.SOS, (np.ones((2, 5)),), {}, ValueError, "sos"),
        Bad("stream.SOS sos a0", st.SOS, (sos4 * 2,), {}, ValueError, "sos"),
        Bad("stream.SOS zi shape", st.SOS, (sos4,), {"zi": np.zeros((1, 2))}, ValueError, "zi"),
        Bad("stream.SOS zi nan", st.SOS, (sos4,), {"zi": np.full((2, 2), np.nan)}, ValueError, "zi"),
        Bad("stream.SOS zi batch", _pushed, (lambda: st.SOS(sos4, zi=np.zeros((2, 3, 2))), None, np.ones((2, 4))),
            {}, ValueError, "zi"),
        Bad("stream.Matcher template 2D", st.Matcher, (IMG,), {}, ValueError, "template"),
        Bad("stream.Matcher template constant", st.Matcher, (np.ones(4),), {}, ValueError, "template"),
        Bad("stream.Matcher template nan", st.Matcher, (NAN_X,), {}, ValueError, "template"),
        Bad("stream.Matcher template complex", st.Matcher, (CPLX,), {}, TypeError, "template"),
        Bad("stream.Matcher score", st.Matcher, (X[:5],), {"score": "mse"}, ValueError, "score"),
        Bad("stream.Matcher threshold type", st.Matcher, (X[:5],), {"threshold": "high"}, TypeError, "threshold"),
        Bad("stream.Matcher threshold nan", st.Matcher, (X[:5],), {"threshold": np.nan}, ValueError, "threshold"),
        Bad("stream.Matcher min_distance", st.Matcher, (X[:5],), {"min_distance": 0}, ValueError, "min_distance"),
        Bad("stream.Matcher threshold with a batch", _pushed, (lambda: st.Matcher(X[:5], threshold=0.5), None,
                                                               np.ones((2, 8))), {}, ValueError, "chunk"),
    ]
    return rows


def _stream_cli_rows() -> list[Bad]:
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    from scipy.io import wavfile

    folder = Path(tempfile.mkdtemp(prefix="sigconv-badinput-stream-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    sig = (np.sin(np.arange(4000) / 5.0) * 3000).astype(np.int16)
    wav, tpl, npy = folder / "s.wav", folder / "t.wav", folder / "s.npy"
    wavfile.write(wav, 8000, sig)
    wavfile.write(tpl, 8000, sig[100:180])
    np.save(npy, sig)
    np.save(folder / "flat.npy", np.ones(50))
    m = ("match", tpl, wav, "--stream")
    return [
        Bad("cli match --stream --chunk-ms zero", _cli, (*m, "--chunk-ms", "0"), {}, ValueError, "--chunk-ms"),
        Bad("cli match --stream --chunk-ms text", _cli, (*m, "--chunk-ms", "soon"), {}, ValueError, "--chunk-ms"),
        Bad("cli match --stream --max-matches", _cli, (*m, "--max-matches", "2"), {}, ValueError, "--max-matches"),
        Bad("cli match --stream --threshold nan", _cli, (*m, "--threshold", "nan"), {}, ValueError, "--threshold"),
        Bad("cli match --stream --min-distance", _cli, (*m, "--min-distance", "0"), {}, ValueError, "--min-distance"),
        Bad("cli match --stream SIGNAL not wav", _cli, ("match", tpl, npy, "--stream"), {}, ValueError, "SIGNAL"),
        Bad("cli match --stream TEMPLATE constant", _cli, ("match", folder / "flat.npy", wav, "--stream"), {},
            ValueError, "TEMPLATE"),
    ]


STREAM_ROWS = _stream_rows() + _stream_cli_rows()


@pytest.mark.parametrize("row", STREAM_ROWS, ids=lambda r: r.id)
def test_stream_bad_input(row):
    check(row)


# --- template matching extras (issue 19): mask, nan_policy, subpixel, match_many, CLI --mask ---

def _match_extras_rows() -> list[Bad]:
    mt, fp, lc = sigconv.match_template, sigconv.find_peaks, sigconv.locate
    img = np.sin(np.arange(400.0) / 7.0).reshape(20, 20)
    tpl = img[3:8, 4:9].copy()
    disc = np.array([[0, 1, 1, 1, 0]] + [[1] * 5] * 3 + [[0, 1, 1, 1, 0]], dtype=bool)
    many = sigconv.Matcher(img).match_many
    rows = []
    for name, fn in (("match_template", mt), ("locate", lc)):
        rows += [
            Bad(f"{name} mask wrong shape", fn, (img, tpl), {"mask": np.ones((4, 5), bool)}, ValueError, "mask"),
            Bad(f"{name} mask value 2", fn, (img, tpl), {"mask": disc * 2}, ValueError, "mask"),
            Bad(f"{name} mask nan", fn, (img, tpl), {"mask": np.where(disc, 1.0, np.nan)}, ValueError, "mask"),
            Bad(f"{name} mask strings", fn, (img, tpl), {"mask": np.full((5, 5), "y")}, TypeError, "mask"),
            Bad(f"{name} mask complex", fn, (img, tpl), {"mask": disc + 0j}, TypeError, "mask"),
            Bad(f"{name} mask all False", fn, (img, tpl), {"mask": np.zeros((5, 5), bool)}, ValueError, "mask"),
            Bad(f"{name} mask all zero ints", fn, (img, tpl), {"mask": np.zeros((5, 5), int)}, ValueError, "mask"),
            Bad(f"{name} template constant over mask", fn, (img, np.where(disc, 1.0, tpl)), {"mask": disc},
                ValueError, "template"),
            Bad(f"{name} nan_policy unknown", fn, (img, tpl), {"nan_policy": "raise"}, ValueError, "nan_policy"),
            Bad(f"{name} nan_policy None", fn, (img, tpl), {"nan_policy": None}, TypeError, "nan_policy"),
        ]
    rows += [
        Bad("match_template ncc template zero over mask", mt, (img, np.where(disc, 0.0, 1.0)),
            {"mask": disc, "score": "ncc"}, ValueError, "template"),
        Bad("locate subpixel string", lc, (img, tpl), {"subpixel": "yes"}, TypeError, "subpixel"),
        Bad("locate subpixel int", lc, (img, tpl), {"subpixel": 1}, TypeError, "subpixel"),
        Bad("find_peaks subpixel None", fp, (img,), {"subpixel": None}, TypeError, "subpixel"),
        Bad("find_peaks subpixel array", fp, (img,), {"subpixel": np.ones(2, bool)}, TypeError, "subpixel"),
        Bad("match_many templates empty", many, ([],), {}, ValueError, "templates"),
        Bad("match_many templates string", many, ("tpl",), {}, TypeError, "templates"),
        Bad("match_many templates 1d array", many, (np.ones(3),), {}, ValueError, "templates"),
        Bad("match_many one mask for two shapes", many, ([tpl, img[:4, :4]],), {"mask": disc}, ValueError, "mask"),
        Bad("match_many mask list too short", many, ([tpl, tpl],), {"mask": [disc]}, ValueError, "mask"),
        Bad("match_many mask wrong shape in list", many, ([tpl, tpl],), {"mask": [disc, np.ones((3, 3), bool)]},
            ValueError, "mask"),
        Bad("match_many nan_policy unknown", many, ([tpl],), {"nan_policy": "drop"}, ValueError, "nan_policy"),
        Bad("match_many score unknown", many, ([tpl],), {"score": "l1"}, ValueError, "score"),
    ]
    return rows


def _match_extras_cli_rows() -> list[Bad]:
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    from PIL import Image

    folder = Path(tempfile.mkdtemp(prefix="sigconv-badinput-mask-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    scene = (np.add.outer(np.arange(40), np.arange(50)) * 37 % 251).astype(np.uint8)
    Image.fromarray(scene).save(folder / "scene.png")
    Image.fromarray(scene[5:15, 10:20]).save(folder / "t.png")
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(folder / "black.png")
    Image.fromarray(np.full((6, 6), 255, np.uint8)).save(folder / "small.png")
    m = ("match", folder / "t.png", folder / "scene.png")
    return [
        Bad("cli match --mask missing file", _cli, (*m, "--mask", folder / "none.png"), {}, ValueError, "--mask"),
        Bad("cli match --mask wrong shape", _cli, (*m, "--mask", folder / "small.png"), {}, ValueError, "--mask"),
        Bad("cli match --mask all black", _cli, (*m, "--mask", folder / "black.png"), {}, ValueError, "--mask"),
        Bad("cli match --mask bad suffix", _cli, (*m, "--mask", folder / "m.gif"), {}, ValueError, "--mask"),
        Bad("cli match --subpixel with --stream", _cli, (*m, "--subpixel", "--stream"), {}, ValueError,
            "--subpixel"),
    ]


MATCH_EXTRAS_ROWS = _match_extras_rows() + _match_extras_cli_rows()


@pytest.mark.parametrize("row", MATCH_EXTRAS_ROWS, ids=lambda r: r.id)
def test_match_extras_bad_input(row):
    check(row)


# --- MultiRocket, Hydra, MultiRocketHydra (API.md §5b) ----------------------------------------

def _sota_feature_rows() -> list[Bad]:
    good = np.random.default_rng(1).standard_normal((4, 24))
    bad_x = {
        "strings": (np.array([["1.0", "x"], ["2.0", "y"]]), "X"),
        "complex": (good + 1j, "X"),
        "nan": (np.where(np.eye(4, 24) > 0, np.nan, good), "X"),
        "ragged": ([[1.0, 2.0, 3.0], [1.0]], "X"),
        "4d": (good.reshape(1, 1, 4, 24), "X"),
    }
    small = {"MultiRocket": {"n_features": 672, "random_state": 0},
             "Hydra": {"n_kernels": 2, "n_groups": 4, "random_state": 0},
             "MultiRocketHydra": {"random_state": 0}}
    rows = []
    for cls, params in small.items():
        for method in ("fit", "transform"):
            for what, (X, param) in bad_x.items():
                rows.append(Bad(f"{cls}.{method} X {what}", _est(cls, method, **params), (X,), {}, ValueError, param))
        rows.append(Bad(f"{cls}.transform X other length", _est(cls, "transform", **params), (good[:, :10],), {},
                        ValueError, "X"))
        rows += [Bad(f"{cls} random_state string", _est(cls, random_state="seed"), (good,), {}, TypeError,
                     "random_state"),
                 Bad(f"{cls} n_jobs zero", _est(cls, n_jobs=0), (good,), {}, ValueError, "n_jobs")]
    rows += [
        Bad("MultiRocket n_features below 672", _est("MultiRocket", n_features=671), (good,), {}, ValueError,
            "n_features"),
        Bad("MultiRocket n_features string", _est("MultiRocket", n_features="many"), (good,), {}, TypeError,
            "n_features"),
        Bad("MultiRocket max_dilations_per_kernel zero", _est("MultiRocket", max_dilations_per_kernel=0),
            (good,), {}, ValueError, "max_dilations_per_kernel"),
        Bad("Hydra n_kernels zero", _est("Hydra", n_kernels=0), (good,), {}, ValueError, "n_kernels"),
        Bad("Hydra n_kernels float", _est("Hydra", n_kernels=2.5), (good,), {}, TypeError, "n_kernels"),
        Bad("Hydra n_groups zero", _est("Hydra", n_groups=0), (good,), {}, ValueError, "n_groups"),
        Bad("Hydra n_groups negative", _est("Hydra", n_groups=-4), (good,), {}, ValueError, "n_groups"),
    ]
    return rows


SOTA_FEATURE_ROWS = _sota_feature_rows()


@pytest.mark.parametrize("row", SOTA_FEATURE_ROWS, ids=lambda r: r.id)
def test_sota_features_bad_input(row):
    check(row)


# ----------------------------------------------------------------------------- Dask twins (§9)
def _dask_rows():
    """Bad input to the Dask twins is refused when the call is made (before any compute), with
    the in-memory function's messages, plus the twins' own parameters."""
    da = pytest.importorskip("dask.array")
    dd = pytest.importorskip("dask.dataframe")
    import pandas as pd
    import scipy.signal

    import sigconv.dask as sd

    x = da.from_array(np.arange(20.0), chunks=6)
    image = da.ones((8, 8), chunks=3)
    unknown = x[x > 3]                                   # chunk sizes unknown until computed
    sos = scipy.signal.butter(2, 0.2, output="sos")
    frame = dd.from_pandas(pd.DataFrame({"a": np.arange(10.0)}), npartitions=3)
    k = np.ones(3)
    return [
        Bad("dask convolve blocks", sd.convolve, (x, k), {"blocks": "tiles"}, ValueError, "blocks"),
        Bad("dask convolve blocks type", sd.convolve, (x, k), {"blocks": 2}, TypeError, "blocks"),
        Bad("dask convolve kernel dask", sd.convolve, (x, da.ones(3)), {}, TypeError, "kernel"),
        Bad("dask convolve mode", sigconv.convolve, (x, k, "middle"), {}, ValueError, "mode"),
        Bad("dask convolve method", sd.convolve, (x, k), {"method": "winograd"}, ValueError, "method"),
        Bad("dask convolve boundary", sd.convolve, (x, k), {"boundary": "mirror"}, ValueError, "boundary"),
        Bad("dask convolve stride", sd.convolve, (x, k), {"stride": 0}, ValueError, "stride"),
        Bad("dask convolve axis", sd.convolve, (x, k), {"axis": 3}, ValueError, "axis"),
        Bad("dask convolve empty kernel", sd.convolve, (x, np.ones(0)), {}, ValueError, "kernel"),
        Bad("dask convolve unknown chunks", sd.convolve, (unknown, k), {}, ValueError, "x"),
        Bad("dask convolve2d axes", sd.convolve2d, (image, np.ones((2, 2))), {"axes": (0, 0)}, ValueError, "axes"),
        Bad("dask correlate2d valid mixed", sd.correlate2d, (image, np.ones((9, 2)), "valid"), {}, ValueError,
            "x"),
        Bad("dask moving_average window", sd.moving_average, (x, 0), {}, ValueError, "window"),
        Bad("dask moving_average align", sd.moving_average, (x, 3), {"align": "left"}, ValueError, "align"),
        Bad("dask moving_average nan_policy", sd.moving_average, (x, 3), {"nan_policy": "drop"}, ValueError,
            "nan_policy"),
        Bad("dask ewma alpha", sd.ewma, (x,), {"alpha": 1.5}, ValueError, "alpha"),
        Bad("dask ewma adjust", sd.ewma, (x,), {"alpha": 0.5, "adjust": "yes"}, TypeError, "adjust"),
        Bad("dask ar_filter ar", sd.ar_filter, (x, [np.nan]), {}, ValueError, "ar"),
        Bad("dask ar_filter zi", sd.ar_filter, (x, [0.5, 0.1]), {"zi": [1.0]}, ValueError, "zi"),
        Bad("dask arma_filter ma", sd.arma_filter, (x, [0.5], [np.inf]), {}, ValueError, "ma"),
        Bad("dask sos_filter sos", sd.sos_filter, (np.ones((2, 5)), x), {}, ValueError, "sos"),
        Bad("dask sos_filter zero_phase chunked", sd.sos_filter, (sos, x), {"zero_phase": True}, ValueError,
            "zero_phase"),
        Bad("dask sos_filter segments chunked", sd.sos_filter, (sos, x), {"nan_policy": "segments"}, ValueError,
            "nan_policy"),
        Bad("dask match_template score", sd.match_template, (x, np.arange(4.0)), {"score": "sad"}, ValueError,
            "score"),
        Bad("dask match_template too long", sd.match_template, (x, np.arange(30.0)), {}, ValueError, "template"),
        Bad("dask match_template constant", sd.match_template, (x, np.ones(4)), {}, ValueError, "template"),
        Bad("dask match_template template dask", sd.match_template, (x, da.arange(4.0, chunks=2)), {}, TypeError,
            "template"),
        Bad("dask locate min_distance", sd.locate, (x, np.arange(4.0)), {"min_distance": 0}, ValueError,
            "min_distance"),
        Bad("dask locate threshold", sd.locate, (x, np.arange(4.0)), {"threshold": "high"}, TypeError, "threshold"),
        Bad("dask locate ndim", sd.locate, (image, np.arange(4.0)), {}, ValueError, "template"),
        Bad("dask transform X 1D", sd.transform, (None, x), {}, ValueError, "X"),
        Bad("dask frame moving_average window", frame.sigconv.moving_average, (0,), {}, ValueError, "window"),
        Bad("dask frame ewma", frame.sigconv.ewma, (), {"span": 0.5}, ValueError, "span"),
        Bad("dask frame ar_filter", frame.sigconv.ar_filter, ([np.nan],), {}, ValueError, "ar"),
    ]


DASK_ROWS = _dask_rows()


@pytest.mark.parametrize("row", DASK_ROWS, ids=lambda r: r.id)
def test_dask_bad_input(row):
    check(row)
