"""The one-row specialisations of the direct kernel (:func:`sigconv._kernels.conv.direct_kernel`)
give the general kernel's results for every tap count, and ``locate`` checks its arguments first."""

import numpy as np
import pytest

from sigconv._kernels import conv


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("K", [1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 23, 31])
def test_row_variant_matches_general(K, dtype):
    rng = np.random.default_rng(K)
    x = rng.standard_normal((2, 1, 300)).astype(dtype)
    w = rng.standard_normal((2, 1, K)).astype(dtype)
    xi = wi = np.arange(2, dtype=np.int64)
    W = 300 + K - 1
    tol = 1e-5 if dtype == np.float32 else 1e-13
    general, special = np.empty((2, 1, W), dtype), np.empty((2, 1, W), dtype)
    geometry = (1, 1, 1, 1, 0, -(K - 1), conv.ZERO)
    conv.conv_direct(x, w, xi, wi, general, *geometry)
    kernel = conv.direct_kernel(1, K, 1, 1, False)
    assert kernel is not conv.conv_direct
    kernel(x, w, xi, wi, special, *geometry)
    np.testing.assert_allclose(special, general, rtol=tol, atol=tol)   # FMA contraction may differ
    conv.conv_direct_parallel(x, w, xi, wi, general, *geometry)
    conv.direct_kernel(1, K, 1, 1, True)(x, w, xi, wi, special, *geometry)
    np.testing.assert_allclose(special, general, rtol=tol, atol=tol)   # FMA contraction may differ


def test_general_kernel_elsewhere():
    assert conv.direct_kernel(2, 8, 1, 1, False) is conv.conv_direct
    assert conv.direct_kernel(1, 8, 2, 1, True) is conv.conv_direct_parallel
    assert conv.direct_kernel(1, 8, 1, 2, False) is conv.conv_direct


def test_locate_checks_threshold_before_scoring(monkeypatch):
    from sigconv.match import api, matcher

    def fail(*args, **kwargs):   # pragma: no cover - reached only if the check comes late
        raise AssertionError("scored before checking the arguments")

    monkeypatch.setattr(matcher.Matcher, "match", fail)
    with pytest.raises(TypeError, match="threshold"):
        api.locate(np.zeros(50), np.ones(5), threshold="high")
    with pytest.raises(ValueError, match="min_distance"):
        matcher.Matcher(np.zeros(50)).locate(np.ones(5), min_distance=0)
