"""The scratch pool (:mod:`sigconv._workspace`) and the one-call matchers that use it."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from sigconv import _workspace
from sigconv.match import Matcher, match_template


@pytest.fixture(autouse=True)
def _empty_pool():
    _workspace.clear()
    yield
    _workspace.clear()


def test_buffers_are_aligned_and_reused_after_the_block():
    with _workspace.scratch() as ws:
        a = ws.empty((300, 257), np.complex64)
        assert a.shape == (300, 257) and a.dtype == np.complex64 and a.flags.c_contiguous
        assert a.ctypes.data % 64 == 0
        first = a.ctypes.data
    assert _workspace.idle_bytes() >= a.nbytes
    with _workspace.scratch() as ws:   # the same size class: the same memory
        b = ws.empty((300, 257), np.complex64)
        c = ws.empty((300, 257), np.complex64)   # taken while b is in use: other memory
        assert b.ctypes.data == first and not np.may_share_memory(b, c)
    small = _workspace.Scratch().empty(10, np.float64)   # below MIN_BYTES: plain numpy
    assert small.shape == (10,) and small.base is None


def test_zeros_are_zero_even_on_reused_memory():
    with _workspace.scratch() as ws:
        ws.empty((1 << 15,), np.float64).fill(7.0)
    with _workspace.scratch() as ws:
        assert not ws.zeros((1 << 15,), np.float64).any()


def test_keep_copies_what_shares_a_buffer():
    with _workspace.scratch() as ws:
        a = ws.empty((1 << 14,), np.float64)
        a[:] = 1.0
        view = ws.keep(a[::2])
        own = np.ones(3)
        assert ws.keep(own) is own
    assert not np.may_share_memory(view, a) and view.sum() == 1 << 13
    with _workspace.scratch() as ws:   # the buffer handed out again does not change the kept copy
        ws.empty((1 << 14,), np.float64).fill(-5.0)
    assert np.all(view == 1.0)


def test_idle_bytes_stay_under_the_cap(monkeypatch):
    monkeypatch.setattr(_workspace, "IDLE_BYTES", 1 << 20)
    with _workspace.scratch() as ws:
        for _ in range(6):
            ws.empty((1 << 15,), np.float64)   # 256 KiB each
        ws.empty((1 << 17,), np.float64)       # 1 MiB: above half the cap, never kept
    assert _workspace.idle_bytes() <= 1 << 20


def test_concurrent_blocks_never_share_a_buffer():
    seen, errors = [], []
    barrier = threading.Barrier(4)

    def work(k):
        try:
            with _workspace.scratch() as ws:
                a = ws.empty((1 << 16,), np.float32)
                a.fill(k)
                barrier.wait()
                seen.append((k, a.ctypes.data))
                barrier.wait()
                assert np.all(a == k)
        except Exception as exc:   # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({address for _, address in seen}) == 4


@pytest.mark.parametrize("mask", [False, True])
def test_one_call_results_own_their_memory(mask):
    """match_template reuses its scratch between calls: a result must not change when the
    next call runs, and equal a Matcher's, which caches fresh arrays."""
    rng = np.random.default_rng(0)
    image = rng.standard_normal((300, 280)).astype(np.float32)
    disc = np.add.outer(np.arange(-12, 13) ** 2, np.arange(-12, 13) ** 2) <= 144 if mask else None
    first = match_template(image, image[100:125, 40:65], mask=disc)
    kept = first.copy()
    second = match_template(image[::-1].copy(), image[10:35, 200:225], mask=disc)
    assert np.array_equal(first, kept)
    assert not np.may_share_memory(first, second)
    np.testing.assert_array_equal(first, Matcher(image).match(image[100:125, 40:65], mask=disc))
    assert np.unravel_index(np.argmax(first), first.shape) == (100, 40)


def test_prepared_signal_centres_lazily_and_falls_back_on_non_finite():
    """A finite signal's centred copy is made on first use, centred by its mean; its mean
    square needs no copy (unless a DC offset would cancel it); a non-finite one is centred at
    once by the mean of its finite samples, with its map of bad samples."""
    from sigconv.match.windows import _prepare

    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 40, 50)) + np.array([0.0, 5.0, -2.0])[:, None, None]
    prep = _prepare(x, True, 2)
    assert not prep.has_xc and prep.bad is None and prep.shape == x.shape
    centre = x.reshape(3, -1).mean(axis=1)
    np.testing.assert_allclose(prep.centre, centre, rtol=1e-12)
    xc = x - prep.centre[:, None, None]
    assert prep.mean_square == pytest.approx(np.mean(xc ** 2), rel=1e-12)
    assert not prep.has_xc
    np.testing.assert_array_equal(prep.xc, xc)
    big = (rng.standard_normal((1, 1000)) + 1e9)   # sum of squares 1e21: the mean square from xc
    assert _prepare(big, True, 1).mean_square == pytest.approx(np.var(big), rel=1e-6)
    bad = x.copy()
    bad[1, 3, 4] = np.nan
    bad[2, 0, 0] = np.inf
    prep = _prepare(bad, True, 2)
    assert prep.has_xc and prep.bad is not None and prep.bad.sum() == 2
    assert prep.xc[1, 3, 4] == 0 and prep.xc[2, 0, 0] == 0
    finite = np.where(np.isfinite(bad), bad, np.nan).reshape(3, -1)
    np.testing.assert_allclose(prep.centre, np.nanmean(finite, axis=1), rtol=1e-12)
