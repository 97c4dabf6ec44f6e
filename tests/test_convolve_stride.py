"""Strided and dilated direct convolution through the step tiles and the polyphase form
(sigconv._polyphase) against the naive oracle of tests/reference.py and scipy's stride-1
result sliced, each path forced on and off."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest
import scipy.signal as ss
from hypothesis import given, settings
from hypothesis import strategies as st

import sigconv
from sigconv import _cost
from sigconv._plan import phase_geometry
from tests.conftest import assert_close
from tests.reference import conv_reference

ENGINE = sys.modules["sigconv.convolve"]
BOUNDARIES = ("fill", "wrap", "symmetric", "reflect", "edge")


def _spy(monkeypatch, name):
    """Count the calls of the engine's ``name`` (the shapes of their outputs)."""
    calls = []
    original = getattr(ENGINE, name)

    def spy(*args, **kwargs):
        calls.append(args[4].shape)
        return original(*args, **kwargs)

    monkeypatch.setattr(ENGINE, name, spy)
    return calls


@pytest.fixture(params=["step tiles", "phases", "strided loop"])
def forced(request, monkeypatch):
    """Run every direct call in the step tiles where they apply (else the polyphase form),
    in the polyphase form where it applies, or in neither; returns whether the forced path is
    on and the calls that took it."""
    tiles, phases = request.param == "step tiles", request.param != "strided loop"
    tile_calls, phase_calls = _spy(monkeypatch, "step_tiles"), _spy(monkeypatch, "phase_direct")
    monkeypatch.setattr(_cost, "step_tiles_pay", lambda plan, workers: tiles and _cost.step_tiles_apply(plan))
    monkeypatch.setattr(_cost, "phases_pay", lambda plan, workers: phases and _cost.phases_apply(plan))
    return request.param, tile_calls if tiles else phase_calls


def _random(rng, shape, dtype):
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
@pytest.mark.parametrize("correlate", [False, True])
def test_1d_stride_dilation_equal_definition(correlate, dtype, forced, rng):
    path, calls = forced
    func = sigconv.correlate if correlate else sigconv.convolve
    grid = itertools.product((5, 40), (1, 3, 11), ("full", "same", "valid"), BOUNDARIES, (2, 3, 8), (1, 2))
    for n, m, mode, boundary, stride, dilation in grid:
        x, k = _random(rng, n, dtype), _random(rng, m, dtype)
        fill = 0.5 if m == 3 else 0.0
        got = func(x, k, mode, method="direct", boundary=boundary, fill_value=fill, stride=stride,
                   dilation=dilation)
        want = conv_reference(x, k, mode, boundary=boundary, fill_value=fill, stride=stride, dilation=dilation,
                              correlate=correlate)
        assert got.dtype == np.dtype(dtype)
        assert_close(got, want, dtype=dtype, scale=max(1.0, float(np.abs(want).max())), n_terms=m * 4)
    # complex data never take the step tiles (real register tiles)
    assert bool(calls) == (path == "phases" or (path == "step tiles" and np.dtype(dtype).kind == "f"))


@pytest.mark.parametrize("correlate", [False, True])
def test_2d_stride_dilation_equal_definition(correlate, forced, rng):
    path, calls = forced
    func = sigconv.correlate2d if correlate else sigconv.convolve2d
    grid = itertools.product([(6, 5), (9, 31)], [(3, 2), (1, 4), (2, 5)], ("full", "same", "valid"),
                             ("fill", "wrap", "symm"), [1, (2, 3), (1, 2)], [1, (2, 1), (1, 2)])
    for xs, ks, mode, boundary, stride, dilation in grid:
        x, k = rng.standard_normal(xs), rng.standard_normal(ks)
        me = [(m - 1) * d + 1 for m, d in zip(ks, (dilation,) * 2 if np.isscalar(dilation) else dilation)]
        if mode == "valid" and not (all(a >= b for a, b in zip(xs, me)) or all(a <= b for a, b in zip(xs, me))):
            continue
        got = func(x, k, mode, method="direct", boundary=boundary, fill_value=-1.0, stride=stride,
                   dilation=dilation)
        want = conv_reference(x, k, mode, boundary=boundary, fill_value=-1.0, stride=stride, dilation=dilation,
                              correlate=correlate, nd=2)
        assert_close(got, want, scale=max(1.0, float(np.abs(want).max())), n_terms=64)
    assert bool(calls) == (path != "strided loop")


def test_batches_banks_and_threads(forced, rng):
    """Several output phases (dilation) and a stride over batches of signals and a kernel
    bank, on one thread and two, blocks of outputs longer than one task."""
    x = rng.standard_normal((3, 1, 5000)).astype(np.float32)
    bank = rng.standard_normal((4, 7)).astype(np.float32)
    for stride, dilation, workers in itertools.product((1, 3), (1, 2), (1, 2)):
        got = sigconv.convolve(x, bank, "same", method="direct", stride=stride, dilation=dilation, workers=workers)
        assert got.shape == (3, 4, len(range(0, 5000, stride)))
        for b, f in itertools.product(range(3), range(4)):
            want = conv_reference(x[b, 0].astype(float), bank[f].astype(float), "same", stride=stride,
                                  dilation=dilation)
            assert_close(got[b, f], want, dtype=np.float32, scale=float(np.abs(want).max()), n_terms=7)


def test_long_kernels_through_the_lane_layout(forced, rng):
    """Long kernels: the phase signals go through the lane layout (one packed copy)."""
    x, k = rng.standard_normal(20_000), rng.standard_normal(301)
    for stride, dilation in ((2, 1), (4, 1), (1, 2), (2, 3)):
        got = sigconv.correlate(x, k, "valid", method="direct", stride=stride, dilation=dilation, workers=1)
        want = conv_reference(x, k, "valid", stride=stride, dilation=dilation, correlate=True)
        assert_close(got, want, scale=float(np.abs(x).max() * np.abs(k).max()), n_terms=301)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_stays_local_with_padded_tap_phases(bad, forced, rng):
    """Seven taps in three tap phases: the zero-padded phase would meet the NaN; the call
    recomputes without the polyphase form and the NaN stays local."""
    x, k = rng.standard_normal(300), rng.standard_normal(7)
    x[150] = bad
    for stride, dilation in ((3, 1), (2, 1), (1, 2)):
        got = sigconv.convolve(x, k, "same", method="direct", stride=stride, dilation=dilation)
        want = conv_reference(x, k, "same", stride=stride, dilation=dilation)
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
        assert_close(got, want, scale=10.0, n_terms=7)


def test_phase_geometry():
    # stride 2, dilation 3: six samples per phase step, three output phases, two tap phases
    assert phase_geometry(2, 3, 5, 10) == (6, 3, 2, 3, 4)
    assert phase_geometry(4, 1, 16, 9) == (4, 1, 4, 4, 9)
    assert phase_geometry(1, 4, 16, 9) == (4, 4, 1, 16, 3)


def test_cost_model_takes_the_polyphase_form_for_strides(rng):
    x, k = rng.standard_normal(100_000), rng.standard_normal(64)
    for stride, dilation in ((2, 1), (8, 1)):
        plan, _, _ = ENGINE.make_plan(x, k, nd=1, axes=(-1,), mode="valid", boundary="fill", fill_value=0,
                                      stride=stride, dilation=dilation, flip=True)
        assert _cost.phases_pay(plan, 1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64])
def test_3x3_one_pass_equals_definition(dtype, rng):
    """3×3 kernels take one pass of three row pointers (edge rows, row dilation and stride,
    every boundary)."""
    x, k = _random(rng, (37, 150), dtype), _random(rng, (3, 3), dtype)
    for mode, boundary, stride, dilation in itertools.product(("full", "same", "valid"), BOUNDARIES,
                                                              (1, (2, 1)), (1, (2, 1))):
        got = sigconv.convolve2d(x, k, mode, method="direct", boundary=boundary, fill_value=0.5, stride=stride,
                                 dilation=dilation)
        want = conv_reference(x, k, mode, boundary=boundary, fill_value=0.5, stride=stride, dilation=dilation, nd=2)
        assert_close(got, want, dtype=dtype, scale=max(1.0, float(np.abs(want).max())), n_terms=9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lane_layout_in_segments_equals_definition(dtype, rng, monkeypatch):
    """Long rows through the lane layout in several segments of columns (the smallest the
    kernel allows), 1D and 2D, boundaries read in the packed copy."""
    lanes_module = sys.modules["sigconv._kernels.lanes"]
    monkeypatch.setattr(lanes_module, "SEGMENT_BYTES", 1)
    monkeypatch.setattr(_cost, "lanes_pay", lambda plan, threads: True)
    for xs, ks, boundary in (((9000,), (9,), "fill"), ((9000,), (40,), "reflect"), ((3, 4000), (2, 17), "wrap")):
        x, k = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ks).astype(dtype)
        nd = len(xs)
        func = sigconv.correlate if nd == 1 else sigconv.correlate2d
        got = func(x[None] if nd == 1 else x, k, "same", method="direct", boundary=boundary, workers=2)
        want = conv_reference(x.astype(float), k.astype(float), "same", boundary=boundary, correlate=True, nd=nd)
        assert_close(got[0] if nd == 1 else got, want, dtype=dtype, scale=float(np.abs(want).max()), n_terms=k.size)


def test_lane_layout_in_row_bands_equals_definition(rng, monkeypatch):
    """Images through the lane layout a band of output rows at a time (the smallest bands),
    with row stride and dilation, every boundary."""
    lanes_module = sys.modules["sigconv._kernels.lanes"]
    monkeypatch.setattr(lanes_module, "SEGMENT_BYTES", 1)
    monkeypatch.setattr(_cost, "lanes_pay", lambda plan, threads: True)
    x, k = rng.standard_normal((61, 700)), rng.standard_normal((3, 20))
    for boundary, stride, dilation in itertools.product(BOUNDARIES, (1, (2, 1)), (1, (3, 1))):
        got = sigconv.correlate2d(x, k, "same", method="direct", boundary=boundary, fill_value=0.5,
                                  stride=stride, dilation=dilation)
        want = conv_reference(x, k, "same", boundary=boundary, fill_value=0.5, stride=stride, dilation=dilation,
                              correlate=True, nd=2)
        assert_close(got, want, scale=float(np.abs(want).max()), n_terms=60)


def test_parallel_phase_kernels_equal_definition(forced, rng):
    """Enough work for threads: the parallel phase tiles (a stride) and the parallel packed
    copy (a dilation: several output phases), two threads against one."""
    x, k = rng.standard_normal(300_000), rng.standard_normal(64)
    for stride, dilation in ((2, 1), (1, 2)):
        two = sigconv.correlate(x, k, "valid", method="direct", stride=stride, dilation=dilation, workers=2)
        want = conv_reference(x, k, "valid", stride=stride, dilation=dilation, correlate=True)
        assert_close(two, want, scale=float(np.abs(x).max() * np.abs(k).max()), n_terms=64)


# ----------------------------------------------------------------------------- step tiles
@pytest.fixture
def step_tiles(monkeypatch):
    """Every real stride-only or dilation-only direct call in the step tiles; their calls."""
    monkeypatch.setattr(_cost, "step_tiles_pay", lambda plan, workers: _cost.step_tiles_apply(plan))
    return _spy(monkeypatch, "step_tiles")


def _scipy_sliced(x, k, mode, stride, dilation):
    """scipy's stride-1 convolution with the dilated kernel, sliced: API.md's definition."""
    dilated = np.zeros((len(k) - 1) * dilation + 1, k.dtype)
    dilated[::dilation] = k
    return ss.convolve(x, dilated, mode, method="direct")[::stride]


#: (taps, stride, dilation): whole tiles and their rest, every tap phase count, steps
#: compiled as constants (2, 3, 8) and read at run time (11), dilations whose phases share a
#: tile (2, 4) or not (3, 11)
STEP_CASES = [(64, 2, 1), (7, 3, 1), (64, 8, 1), (129, 11, 1), (5, 8, 1), (64, 1, 2), (13, 1, 3), (5, 1, 11),
              (33, 1, 4)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_step_tiles_equal_definition_and_scipy(dtype, step_tiles, rng):
    """Signals of several tiles (and a rest) per phase, every mode, zero fill and a boundary
    read by the bounds-checked edges: the naive loop and scipy's stride-1 result sliced.
    float32 takes the steps the other tests compile for it (each step is a compiled copy)."""
    x = rng.standard_normal(3001).astype(dtype)
    cases = STEP_CASES if dtype == np.float64 else [c for c in STEP_CASES if c[1:] in ((2, 1), (3, 1), (8, 1), (1, 2))]
    for (m, stride, dilation), mode in itertools.product(cases, ("full", "same", "valid")):
        k = rng.standard_normal(m).astype(dtype)
        got = sigconv.convolve(x, k, mode, method="direct", stride=stride, dilation=dilation, workers=1)
        assert got.dtype == np.dtype(dtype)
        scale = float(np.abs(x).max() * np.abs(k).max())
        want = conv_reference(x, k, mode, stride=stride, dilation=dilation)
        assert_close(got, want, dtype=dtype, scale=scale, n_terms=m)
        sliced = _scipy_sliced(x.astype(float), k.astype(float), mode, stride, dilation)
        assert_close(got, sliced, dtype=dtype, scale=scale, n_terms=m)
        reflected = sigconv.correlate(x, k, mode, method="direct", boundary="reflect", stride=stride,
                                      dilation=dilation)
        want = conv_reference(x, k, mode, boundary="reflect", stride=stride, dilation=dilation, correlate=True)
        assert_close(reflected, want, dtype=dtype, scale=scale, n_terms=m)
    assert len(step_tiles) == 2 * 3 * len(cases)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_step_tiles_keep_non_finite_local(bad, step_tiles, rng):
    """A non-finite sample reaches exactly the outputs whose window covers it (the masked
    first and last steps of every phase), also next to a non-finite tap."""
    x = rng.standard_normal(2000)
    x[[3, 700, 701, 1990]] = bad
    def ignore():   # the oracles' inf - inf
        return np.errstate(invalid="ignore")

    for m, stride, dilation in ((64, 2, 1), (7, 3, 1), (64, 1, 2), (9, 1, 3)):
        k = rng.standard_normal(m)
        got = sigconv.convolve(x, k, "same", method="direct", stride=stride, dilation=dilation, workers=1)
        with ignore():
            want = conv_reference(x, k, "same", stride=stride, dilation=dilation)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
        assert_close(got, want, scale=float(np.abs(k).max()) * 5, n_terms=m)
        k[m // 2] = bad   # a non-finite tap meets only the samples of x (scipy's direct sums)
        finite = x[10:690]
        got = sigconv.convolve(finite, k, "full", method="direct", stride=stride, dilation=dilation)
        with ignore():
            want = _scipy_sliced(finite, k, "full", stride, dilation)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    assert step_tiles


def test_step_tiles_batches_banks_images_and_threads(step_tiles, rng):
    """Several blocks of outputs per row on two threads, a batch against a kernel bank, and
    images with a row stride / dilation besides the column one."""
    x, k = rng.standard_normal((2, 40_000)), rng.standard_normal((3, 1, 33))
    for stride, dilation in ((2, 1), (1, 3)):
        got = sigconv.convolve(x, k, "valid", method="direct", stride=stride, dilation=dilation, workers=2)
        assert got.shape[:2] == (3, 2)
        for f, b in itertools.product(range(3), range(2)):
            want = conv_reference(x[b], k[f, 0], "valid", stride=stride, dilation=dilation)
            assert_close(got[f, b], want, scale=float(np.abs(x).max() * np.abs(k).max()), n_terms=33)
    img, k2 = rng.standard_normal((40, 700)).astype(np.float32), rng.standard_normal((3, 20)).astype(np.float32)
    cases = (((2, 3), 1, "symm"), ((1, 2), (2, 1), "symm"), (1, (3, 2), "symm"), ((2, 1), (1, 2), "symm"),
             (1, (2, 2), "fill"), ((2, 1), (2, 2), "fill"))   # zero fill: edge rows of one kernel row
    for (stride, dilation, boundary), mode in itertools.product(cases, ("same", "full")):
        got = sigconv.correlate2d(img, k2, mode, method="direct", boundary=boundary, stride=stride,
                                  dilation=dilation)
        want = conv_reference(img, k2, mode, boundary=boundary, stride=stride, dilation=dilation, correlate=True,
                              nd=2)
        assert_close(got, want, dtype=np.float32, scale=float(np.abs(want).max()), n_terms=60)
    assert len(step_tiles) == 2 + 2 * len(cases)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 400), m=st.integers(1, 40), mode=st.sampled_from(["full", "same", "valid"]),
       step=st.sampled_from([(2, 1), (3, 1), (1, 2)]), f32=st.booleans())
def test_step_tiles_any_length(n, m, mode, step, f32):
    """Never a crash, the documented shape and the definition's values for any length."""
    dtype = np.float32 if f32 else np.float64
    rng = np.random.default_rng(n * 41 + m)
    x, k = rng.standard_normal(n).astype(dtype), rng.standard_normal(m).astype(dtype)
    saved = _cost.step_tiles_pay
    _cost.step_tiles_pay = lambda plan, workers: _cost.step_tiles_apply(plan)
    try:
        got = sigconv.convolve(x, k, mode, method="direct", stride=step[0], dilation=step[1])
    finally:
        _cost.step_tiles_pay = saved
    want = conv_reference(x, k, mode, stride=step[0], dilation=step[1])
    assert got.shape == want.shape
    assert_close(got, want, dtype=dtype, scale=max(1.0, float(np.abs(x).max() * np.abs(k).max())), n_terms=m)


def test_cost_model_takes_the_step_tiles(rng):
    """The benchmark's strided and dilated calls run in the step tiles; complex data and a
    stride with a dilation do not (they cannot)."""
    for n, m, stride, dilation, dtype in ((1_000_000, 64, 2, 1, np.float64), (100_000, 1001, 8, 1, np.float64),
                                          (1_000_000, 64, 1, 2, np.float32), (1_000_000, 64, 1, 4, np.float64)):
        x, k = np.empty(n, dtype), np.empty(m, dtype)
        plan, _, _ = ENGINE.make_plan(x, k, nd=1, axes=(-1,), mode="valid", boundary="fill", fill_value=0,
                                      stride=stride, dilation=dilation, flip=True)
        assert _cost.step_tiles_pay(plan, 1)
        assert sigconv.choose_method(x, k, "valid", stride=stride, dilation=dilation) == "direct"
    for stride, dilation, dtype in ((2, 1, np.complex128), (2, 2, np.float64)):
        plan, _, _ = ENGINE.make_plan(np.empty(10_000, dtype), np.empty(64, dtype), nd=1, axes=(-1,), mode="valid",
                                      boundary="fill", fill_value=0, stride=stride, dilation=dilation, flip=True)
        assert not _cost.step_tiles_apply(plan)
