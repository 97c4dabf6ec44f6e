"""Extra memory of a convolution call (tracemalloc peak beyond the inputs), issue 14 item 9."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import sigconv

MIB = 2**20


def _extra_peak(fn) -> int:
    fn()   # compile and fill caches outside the measurement
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        out = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
        del out
    finally:
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("method", ["direct", "overlap-add", "auto"])
def test_1d_extra_peak_within_output_and_a_few_mib(method):
    """Direct (lane layout in segments of columns) and overlap-add (blocks added straight into
    the output a chunk at a time) need the output and a few MiB of scratch."""
    x = np.random.default_rng(0).standard_normal(1_500_000)
    peak = _extra_peak(lambda: sigconv.convolve(x, np.hanning(1001), "same", method=method))
    assert peak <= 1.25 * x.nbytes + 8 * MIB, peak / x.nbytes


def test_1d_fft_peak_and_no_full_size_nan_masks():
    """One transform of the whole signal would hold a padded copy, its spectrum and the
    kernel's (about 3x the output): above the bound ``method="fft"`` transforms blocks, so the
    call needs the output and a few MiB; the NaN bookkeeping adds no full-size mask when every
    sample is finite, and a NaN still stays local."""
    x = np.random.default_rng(1).standard_normal(1_000_000)
    h = np.hanning(1001)
    peak = _extra_peak(lambda: sigconv.convolve(x, h, "same", method="fft"))
    assert peak <= 1.25 * x.nbytes + 8 * MIB, peak / x.nbytes
    x[500_000] = np.nan
    y = sigconv.convolve(x, h, "same", method="fft")
    assert np.isnan(y).sum() == 1001   # the outputs whose window covers it (NaN * 0 is NaN)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
def test_fft_in_blocks_equals_one_transform(rng, dtype, monkeypatch):
    """Above the memory bound the fft method's blocks give the one transform's result to
    rounding (1D and 2D, 'full'/'same'/'valid', a kernel bank), and its peak stays bounded."""
    from sigconv import _fft
    x = rng.standard_normal((2, 40_000)).astype(dtype)
    bank = rng.standard_normal((3, 1, 257)).astype(dtype)
    img = rng.standard_normal((600, 520)).astype(dtype)   # more points than one tile
    k2 = rng.standard_normal((17, 9)).astype(dtype)
    calls = {
        "1d": lambda mode: sigconv.convolve(x, bank, mode, method="fft"),
        "2d": lambda mode: sigconv.convolve2d(img, k2, mode, method="fft"),
    }
    for name, call in calls.items():
        for mode in ("full", "same", "valid"):
            whole = call(mode)
            ran = []
            with monkeypatch.context() as m:
                m.setattr(_fft, "FFT_SCRATCH_BYTES", -(1 << 40))   # every transform too large
                for run in ("overlap_add_convolve", "overlap_save_convolve"):
                    m.setattr(_fft, run, _counted(getattr(_fft, run), ran))
                blocks = call(mode)
            assert ran, (name, mode)   # the blocks ran
            scale = np.abs(whole).max()
            tol = 1e-4 if dtype == np.float32 else 1e-11
            assert blocks.shape == whole.shape and blocks.dtype == whole.dtype, (name, mode)
            np.testing.assert_allclose(blocks, whole, rtol=0, atol=tol * scale, err_msg=f"{name} {mode}")


def test_2d_fft_extra_peak_within_output_and_a_few_mib(rng):
    img, k = rng.standard_normal((1024, 1024)), rng.standard_normal((31, 31))
    peak = _extra_peak(lambda: sigconv.convolve2d(img, k, "same", method="fft", workers=2))
    assert peak <= 1.25 * img.nbytes + 4 * MIB, peak / img.nbytes


def test_2d_overlap_save_writes_the_exact_output(rng):
    """2D overlap-save fills an output of the requested size (no tile-rounded copy): the
    result owns its memory and is C-contiguous."""
    img, k = rng.standard_normal((300, 333)), rng.standard_normal((31, 31))
    y = sigconv.convolve2d(img, k, "same", method="overlap-add")
    assert y.flags.c_contiguous and y.flags.owndata and y.shape == img.shape


def test_2d_direct_lane_layout_in_bands(rng):
    """Long kernel rows on an image: the lane layout packs a band of rows at a time and reads
    the boundary itself (no extended copy of the image)."""
    img = rng.standard_normal((1024, 1024))
    k = rng.standard_normal((31, 31))
    peak = _extra_peak(lambda: sigconv.convolve2d(img, k, "same", method="direct", boundary="symm"))
    assert peak <= 1.25 * img.nbytes + 4 * MIB, peak / img.nbytes


def test_2d_overlap_save_scratch_within_a_few_mib(rng):
    """2D overlap-save's tiles are capped (sigconv._fft.TILE_MAX_POINTS), so the chunks in
    flight on two threads need a few MiB beyond the output."""
    img, k = rng.standard_normal((1024, 1024)), rng.standard_normal((31, 31))
    peak = _extra_peak(lambda: sigconv.convolve2d(img, k, "same", method="overlap-add", workers=2))
    assert peak <= 1.25 * img.nbytes + 4 * MIB, peak / img.nbytes


def _counted(func, calls: list):
    """``func``, appending to ``calls`` on each call."""
    def wrapper(*args, **kwargs):
        calls.append(1)
        return func(*args, **kwargs)
    return wrapper
