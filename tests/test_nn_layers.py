"""sigconv.nn layers, losses and optimisers against naive loops and torch (API.md §4).

torch is an oracle only: every forward and backward is compared with ``torch.nn.functional``
and ``torch.autograd`` on identical weights; SGD/Adam trajectories with ``torch.optim``.
"""

from __future__ import annotations

import warnings

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigconv import nn
from sigconv._jit import run_parts
from sigconv._kernels.nn import gemm
from sigconv.nn import base as nn_base
from tests.conftest import assert_close
from tests.reference import conv1d_nn_naive, pool1d_naive

torch = pytest.importorskip("torch")
F = torch.nn.functional
torch.set_num_threads(2)

DTYPES = [np.float32, np.float64]


def _t(a, grad=False):
    return torch.tensor(np.array(a), requires_grad=grad)


def _close(actual, expected, dtype, n_terms=1):
    """float64 agrees to ~1e-13 relative, float32 to ~1e-6 relative (scaled by the sum length)."""
    expected = expected.detach().numpy() if hasattr(expected, "detach") else np.asarray(expected)
    assert np.asarray(actual).dtype == np.dtype(dtype)
    assert_close(actual, expected, dtype=dtype, n_terms=n_terms, k=16.0)


# ------------------------------------------------------------------------------------- Conv1D

CONV_GRID = [
    # (in, out, k, length, stride, padding, dilation, bias)
    (1, 1, 1, 5, 1, 0, 1, True),
    (3, 4, 3, 17, 1, 0, 1, True),
    (2, 5, 4, 20, 2, 1, 1, False),
    (3, 2, 3, 23, 3, 2, 2, True),
    (4, 3, 5, 30, 1, "same", 1, True),
    (2, 3, 4, 19, 1, "same", 3, False),
    (2, 2, 2, 9, 1, "valid", 4, True),
    (5, 6, 7, 40, 4, 5, 1, True),
    (1, 3, 6, 6, 1, 0, 1, True),  # output length 1
    (2, 2, 3, 4, 5, 1, 1, True),  # stride larger than the input
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CONV_GRID, ids=lambda c: "-".join(map(str, c)))
def test_conv1d_matches_torch(case, dtype, rng):
    c_in, c_out, k, length, stride, padding, dilation, bias = case
    conv = nn.Conv1D(c_in, c_out, k, stride=stride, padding=padding, dilation=dilation, bias=bias,
                     dtype=dtype, random_state=7)
    x = rng.standard_normal((3, c_in, length)).astype(dtype)
    out = conv.forward(x)
    g = rng.standard_normal(out.shape).astype(dtype)
    gx = conv.backward(g)

    xt = _t(x, True)
    wt = _t(conv.params["weight"], True)
    bt = _t(conv.params["bias"], True) if bias else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's note on 'same' with even spans
        ref = F.conv1d(xt, wt, bt, stride=stride, padding=padding, dilation=dilation)
    ref.backward(_t(g))
    terms = c_in * k
    _close(out, ref, dtype, terms)
    _close(gx, xt.grad, dtype, terms)
    _close(conv.grads["weight"], wt.grad, dtype, out.shape[0] * out.shape[2])
    if bias:
        _close(conv.grads["bias"], bt.grad, dtype, out.shape[0] * out.shape[2])
    left, right = conv.pads()
    naive = conv1d_nn_naive(x, conv.params["weight"], conv.params.get("bias"), stride, left, right, dilation)
    _close(out, naive, dtype, terms)


@pytest.mark.parametrize("dtype", DTYPES)
def test_threaded_path_equals_serial_path(dtype, rng, monkeypatch):
    """Small layers run serially; forcing the batch-parallel path (weight and bias gradients
    summed over per-chunk buffers, one im2col buffer per thread) gives the same numbers."""

    conv = nn.Conv1D(3, 4, 5, stride=2, padding=3, dilation=2, dtype=dtype, random_state=0)
    pool = nn.MaxPool1D(3, 2)
    x = rng.standard_normal((9, 3, 41)).astype(dtype)

    def run():
        for grad in conv.grads.values():
            grad.fill(0)
        out = conv.forward(x)
        pooled = pool.forward(out)
        gx = conv.backward(pool.backward(np.ones_like(pooled)))
        return out, pooled, gx, conv.grads["weight"].copy(), conv.forward(x, training=False)

    serial = run()
    monkeypatch.setattr(nn_base, "PARALLEL_MIN_WORK", 0)
    assert nn_base._threads_for(1, 9) == min(9, numba.get_num_threads())
    threaded = run()
    for a, b in zip(serial, threaded, strict=True):
        assert_close(b, a, dtype=dtype, n_terms=9 * 41)
    np.testing.assert_array_equal(threaded[4], threaded[0])



@numba.njit
def _call_gemm(a, b, c, beta):
    gemm(a, b, c, beta)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layouts", ["CC", "CF", "FC", "FF"])
def test_gemm_intrinsic_matches_numpy(layouts, dtype, rng):
    """The bare BLAS call behind Conv1D: ``c = a @ b + beta * c`` for C- and F-ordered operands
    (transposed views), beta 0 (c overwritten, even where it holds NaN) and 1 (accumulated)."""
    m, k, n = 5, 7, 3
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    if layouts[0] == "F":
        a = np.ascontiguousarray(a.T).T
    if layouts[1] == "F":
        b = np.ascontiguousarray(b.T).T
    c0 = rng.standard_normal((m, n)).astype(dtype)
    c = c0.copy()
    _call_gemm(a, b, c, 1.0)
    assert_close(c, a.astype(np.float64) @ b.astype(np.float64) + c0, dtype=dtype, n_terms=k + 1)
    c[:] = np.nan
    _call_gemm(a, b, c, 0.0)
    assert_close(c, a.astype(np.float64) @ b.astype(np.float64), dtype=dtype, n_terms=k)
    assert c.dtype == dtype


def test_run_parts_runs_every_part_once_in_order():
    seen = []

    def kernel(tag, part, parts):
        seen.append((part, parts))
        return tag * 10 + part

    assert run_parts(kernel, (1,), 1) == [10]
    assert run_parts(kernel, (2,), 4) == [20, 21, 22, 23]
    assert sorted(seen) == [(0, 1), (0, 4), (1, 4), (2, 4), (3, 4)]


def test_serial_and_threaded_pair_equal_and_combined(rng):
    """A kernel split into parts (sigconv._jit.serial_and_threaded): every part on threads gives
    the serial result, and the per-part returns are combined (the count of non-finite samples)."""
    from sigconv._jit import threads
    from sigconv._kernels import centring

    x = rng.standard_normal((7, 50))
    x[[0, 3, 3, 6], [1, 2, 9, 49]] = [np.nan, np.inf, -np.inf, np.nan]
    centre = rng.standard_normal(7)
    a, b = np.empty_like(x), np.empty_like(x)
    assert centring.centre_serial(x, centre, a) == 4
    with threads(3):
        assert centring.centre_parallel(x, centre, b) == 4
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, np.where(np.isfinite(x), x - centre[:, None], 0.0))

def test_conv1d_backward_accumulates_and_init_like_torch():
    conv = nn.Conv1D(4, 3, 5, dtype=np.float64, random_state=0)
    bound = 1 / np.sqrt(4 * 5)
    assert conv.params["weight"].shape == (3, 4, 5)
    assert np.abs(conv.params["weight"]).max() <= bound
    assert np.abs(conv.params["bias"]).max() <= bound
    assert conv.params["weight"].std() > bound / 4  # not degenerate
    x = np.random.default_rng(1).standard_normal((2, 4, 12))
    out = conv.forward(x)
    conv.backward(np.ones_like(out))
    first = conv.grads["weight"].copy()
    conv.forward(x)
    conv.backward(np.ones_like(out))
    np.testing.assert_allclose(conv.grads["weight"], 2 * first, rtol=1e-14)


@pytest.mark.parametrize("dtype", DTYPES)
def test_conv1d_inference_forward_equals_training_forward(dtype, rng):
    conv = nn.Conv1D(3, 4, 5, stride=2, padding=2, dilation=2, dtype=dtype, random_state=1)
    x = rng.standard_normal((7, 3, 33)).astype(dtype)
    train = conv.forward(x)
    np.testing.assert_array_equal(conv.forward(x, training=False), train)
    with pytest.raises(RuntimeError, match="training=True"):
        conv.backward(np.ones_like(train))


def test_conv1d_input_gradient_is_full_convolution_with_flipped_kernel(rng):
    """Single channel, stride 1: the input gradient is ``np.convolve(g, w, 'full')``."""
    conv = nn.Conv1D(1, 1, 6, bias=False, dtype=np.float64, random_state=3)
    x = rng.standard_normal((1, 1, 40))
    out = conv.forward(x)
    g = rng.standard_normal(out.shape)
    gx = conv.backward(g)
    expected = np.convolve(g[0, 0], conv.params["weight"][0, 0], mode="full")
    assert_close(gx[0, 0], expected, n_terms=6)
    expected_w = np.correlate(x[0, 0], g[0, 0], mode="valid")
    assert_close(conv.grads["weight"][0, 0], expected_w, n_terms=out.shape[2])


@settings(max_examples=25, deadline=None)
@given(length=st.integers(1, 30), k=st.integers(1, 6), stride=st.integers(1, 4), dilation=st.integers(1, 3),
       padding=st.integers(0, 4))
def test_conv1d_output_length_property(length, k, stride, dilation, padding):
    conv = nn.Conv1D(1, 2, k, stride=stride, padding=padding, dilation=dilation, dtype=np.float64,
                     random_state=0)
    x = np.linspace(-1, 1, length)[None, None, :]
    expected = (length + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    if expected < 1:
        with pytest.raises(ValueError, match="`x`"):
            conv.forward(x)
        return
    out = conv.forward(x)
    assert out.shape == (1, 2, expected)
    assert conv.backward(np.ones_like(out)).shape == x.shape


def test_conv1d_nan_stays_local():
    conv = nn.Conv1D(2, 3, 4, stride=2, padding=2, dilation=2, dtype=np.float64, random_state=0)
    x = np.ones((2, 2, 30))
    x[1, 0, 13] = np.nan
    out = conv.forward(x)
    t = np.arange(out.shape[2])
    covers = np.any([(t * 2 + j * 2 - 2) == 13 for j in range(4)], axis=0)
    assert np.all(np.isnan(out[1][:, covers])) and np.all(np.isfinite(out[1][:, ~covers]))
    assert np.all(np.isfinite(out[0]))


# ------------------------------------------------------------------------------------ pooling

POOL_GRID = [(2, None, 10), (3, 1, 11), (3, 2, 12), (4, 3, 17), (1, 1, 5), (5, 5, 5)]


def _pool_torch(how, xt, k, s):
    if how == "max":
        return F.max_pool1d(xt, k, s)
    if how == "min":
        return -F.max_pool1d(-xt, k, s)
    return F.avg_pool1d(xt, k, s)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("how", ["max", "min", "mean"])
@pytest.mark.parametrize(("k", "stride", "length"), POOL_GRID)
def test_pool_matches_torch(how, k, stride, length, dtype, rng):
    layer = {"max": nn.MaxPool1D, "min": nn.MinPool1D, "mean": nn.AvgPool1D}[how](k, stride)
    # rounded values make ties, where the gradient must go to the first extreme as in torch
    x = np.round(rng.standard_normal((2, 3, length)), 1).astype(dtype)
    out = layer.forward(x)
    g = rng.standard_normal(out.shape).astype(dtype)
    gx = layer.backward(g)
    xt = _t(x, True)
    ref = _pool_torch(how, xt, k, stride if stride is not None else k)
    ref.backward(_t(g))
    _close(out, ref, dtype, k)
    _close(gx, xt.grad, dtype, k)
    naive, _ = pool1d_naive(x, k, stride or k, how)
    _close(out, naive, dtype, k)


@settings(max_examples=25, deadline=None)
@given(length=st.integers(1, 20), k=st.integers(1, 5), stride=st.integers(1, 4),
       how=st.sampled_from(["max", "min", "mean"]))
def test_pool_gradient_conserves_mass(length, k, stride, how):
    """Every output's gradient lands inside its window and none is lost or created."""
    layer = {"max": nn.MaxPool1D, "min": nn.MinPool1D, "mean": nn.AvgPool1D}[how](k, stride)
    x = np.random.default_rng(length * 31 + k).standard_normal((2, 2, length))
    if length < k:
        with pytest.raises(ValueError, match="`x`"):
            layer.forward(x)
        return
    out = layer.forward(x)
    assert out.shape == (2, 2, (length - k) // stride + 1)
    g = np.arange(1.0, out.size + 1).reshape(out.shape)
    gx = layer.backward(g)
    np.testing.assert_allclose(gx.sum(axis=2), g.sum(axis=2), rtol=1e-12)
    last = (out.shape[2] - 1) * stride + k
    assert not gx[:, :, last:].any()


def test_maxpool_nan_wins_like_torch():
    x = np.array([[[1.0, np.nan, 3.0, 2.0, 0.0, -1.0]]])
    layer = nn.MaxPool1D(3)
    out = layer.forward(x)
    xt = _t(x, True)
    ref = F.max_pool1d(xt, 3)
    np.testing.assert_array_equal(out, ref.detach().numpy())
    ref.backward(torch.ones_like(ref))
    np.testing.assert_array_equal(layer.backward(np.ones_like(out)), xt.grad.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_global_pools_flatten_linear_match_torch(dtype, rng):
    x = np.round(rng.standard_normal((4, 3, 9)), 1).astype(dtype)
    for layer, ref_fn in [(nn.GlobalAvgPool1D(), lambda t: t.mean(dim=2)),
                          (nn.GlobalMaxPool1D(), lambda t: F.adaptive_max_pool1d(t, 1)[:, :, 0]),
                          (nn.Flatten(), lambda t: t.reshape(t.shape[0], -1))]:
        out = layer.forward(x)
        g = rng.standard_normal(out.shape).astype(dtype)
        xt = _t(x, True)
        ref = ref_fn(xt)
        ref.backward(_t(g))
        _close(out, ref, dtype, 9)
        _close(layer.backward(g), xt.grad, dtype, 9)
    lin = nn.Linear(27, 5, dtype=dtype, random_state=2)
    x2 = x.reshape(4, 27)
    out = lin.forward(x2)
    g = rng.standard_normal(out.shape).astype(dtype)
    gx = lin.backward(g)
    xt, wt, bt = _t(x2, True), _t(lin.params["weight"], True), _t(lin.params["bias"], True)
    ref = F.linear(xt, wt, bt)
    ref.backward(_t(g))
    _close(out, ref, dtype, 27)
    _close(gx, xt.grad, dtype, 5)
    _close(lin.grads["weight"], wt.grad, dtype, 4)
    _close(lin.grads["bias"], bt.grad, dtype, 4)
    assert np.abs(lin.params["weight"]).max() <= 1 / np.sqrt(27)


ACTIVATIONS = [
    (nn.ReLU(), F.relu),
    (nn.LeakyReLU(), lambda t: F.leaky_relu(t, 0.01)),
    (nn.LeakyReLU(0.3), lambda t: F.leaky_relu(t, 0.3)),
    (nn.Tanh(), torch.tanh),
    (nn.Sigmoid(), torch.sigmoid),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("layer", "ref_fn"), ACTIVATIONS,
                         ids=lambda a: repr(a) if isinstance(a, nn.Layer) else "")
def test_activations_match_torch(layer, ref_fn, dtype, rng):
    x = rng.standard_normal((3, 2, 11)).astype(dtype) * 4
    x[0, 0, :3] = [0.0, 50.0, -50.0]  # the kink and saturated values
    out = layer.forward(x)
    g = rng.standard_normal(out.shape).astype(dtype)
    xt = _t(x, True)
    ref = ref_fn(xt)
    ref.backward(_t(g))
    _close(out, ref, dtype)
    _close(layer.backward(g), xt.grad, dtype, 2)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("layer", "ref_fn"), ACTIVATIONS[:3], ids=["relu", "leaky-0.01", "leaky-0.3"])
def test_relu_kernels_special_values_like_torch(layer, ref_fn, dtype):
    """The one-pass (Leaky)ReLU kernels follow torch on special values: a NaN input passes
    forward (and, for ReLU, its gradient), NaN/inf output gradients on inactive units (ReLU
    sends exactly 0 there), signed zeros and infinities; 1-D and 2-D inputs."""
    x = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, -2.5, 3.0, 1e-30, -1e-30], dtype=dtype)
    g = np.array([1.0, np.nan, 2.0, np.inf, -np.inf, np.nan, 5.0, -1.0, np.inf], dtype=dtype)
    xt = _t(x, True)
    ref = ref_fn(xt)
    ref.backward(_t(g))
    out = layer.forward(x)
    np.testing.assert_array_equal(out, ref.detach().numpy())
    np.testing.assert_array_equal(layer.backward(g), xt.grad.numpy())
    x2 = np.stack([x, -x])  # 2-D: the kernels run on the flattened array
    xt = _t(x2, True)
    ref = ref_fn(xt)
    ref.backward(_t(np.stack([g, g])))
    np.testing.assert_array_equal(layer.forward(x2), ref.detach().numpy())
    np.testing.assert_array_equal(layer.backward(np.stack([g, g])), xt.grad.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_dropout(dtype, rng):
    x = rng.standard_normal((8, 4, 50)).astype(dtype) + 3
    layer = nn.Dropout(0.25, random_state=0)
    out = layer.forward(x)
    assert out.dtype == dtype
    kept = out != 0
    assert 0.65 < kept.mean() < 0.85
    np.testing.assert_allclose(out[kept], x[kept] / 0.75, rtol=4 * np.finfo(dtype).eps)
    g = np.ones_like(out)
    np.testing.assert_array_equal(layer.backward(g) != 0, kept)
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    np.testing.assert_array_equal(layer.backward(g), g)
    assert np.all(nn.Dropout(1.0).forward(x) == 0)


# ------------------------------------------------------------------------------------- losses


@pytest.mark.parametrize("dtype", DTYPES)
def test_losses_match_torch(dtype, rng):
    logits = (rng.standard_normal((6, 4)) * 3).astype(dtype)
    labels = rng.integers(0, 4, 6)
    value, grad = nn.CrossEntropyLoss()(logits, labels)
    lt = _t(logits, True)
    ref = F.cross_entropy(lt, torch.tensor(labels))
    ref.backward()
    assert value == pytest.approx(ref.item(), rel=1e-12 if dtype == np.float64 else 1e-5)
    _close(grad, lt.grad, dtype, 4)
    pred = rng.standard_normal((5, 3, 2)).astype(dtype)
    target = rng.standard_normal((5, 3, 2)).astype(dtype)
    value, grad = nn.MSELoss()(pred, target)
    pt = _t(pred, True)
    ref = F.mse_loss(pt, _t(target))
    ref.backward()
    assert value == pytest.approx(ref.item(), rel=1e-12 if dtype == np.float64 else 1e-5)
    _close(grad, pt.grad, dtype)


def test_cross_entropy_is_stable_for_huge_logits():
    value, grad = nn.CrossEntropyLoss()(np.array([[1000.0, -1000.0], [0.0, 800.0]]), np.array([0, 0]))
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert value == pytest.approx(400.0)


# --------------------------------------------------------------------------------- optimisers


def _twin_layers(dtype):
    ours = [nn.Conv1D(2, 3, 3, dtype=dtype, random_state=0), nn.Linear(4, 2, dtype=dtype, random_state=1)]
    theirs = [_t(a, True) for layer in ours for a in layer.params.values()]
    return ours, theirs


OPTIMISERS = [
    ("sgd", {"lr": 0.05}),
    ("sgd", {"lr": 0.05, "momentum": 0.9}),
    ("sgd", {"lr": 0.02, "momentum": 0.5, "weight_decay": 0.1}),
    ("adam", {"lr": 0.01}),
    ("adam", {"lr": 0.003, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.05}),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("name", "kwargs"), OPTIMISERS, ids=lambda v: str(v))
def test_optimiser_trajectory_matches_torch(name, kwargs, dtype):
    ours, theirs = _twin_layers(dtype)
    opt = (nn.SGD if name == "sgd" else nn.Adam)(**kwargs)
    topt = (torch.optim.SGD if name == "sgd" else torch.optim.Adam)(theirs, **kwargs)
    rng = np.random.default_rng(5)
    for _ in range(60):
        opt.zero_grad(ours)
        topt.zero_grad()
        for layer in ours:
            for grad in layer.grads.values():
                grad += rng.standard_normal(grad.shape).astype(dtype)
        for p, grad in zip(theirs, [g for layer in ours for g in layer.grads.values()], strict=True):
            p.grad = _t(grad)
        opt.step(ours)
        topt.step()
    mine = [a for layer in ours for a in layer.params.values()]
    for a, b in zip(mine, theirs, strict=True):
        assert a.dtype == dtype
        # errors of rounding accumulate over the steps: 60 steps of a few eps each
        assert_close(a, b.detach().numpy(), dtype=dtype, scale=max(1.0, np.abs(a).max()),
                     n_terms=60 ** 2, k=8)


@pytest.mark.parametrize("dtype", DTYPES)
def test_adam_updates_non_contiguous_parameters_in_place(dtype):
    """Contiguous parameters take the fused Adam kernel; any other layout takes the numpy
    expressions, with the same result, still in place."""
    class Holder:
        def __init__(self, base, grad):
            self.params, self.grads = {"w": base}, {"w": grad}

    rng = np.random.default_rng(2)
    base = rng.standard_normal((4, 6)).astype(dtype)
    strided, start = np.asfortranarray(base), base.copy()
    grads = [rng.standard_normal((4, 6)).astype(dtype) for _ in range(5)]
    fused, plain = Holder(base, np.zeros_like(base)), Holder(strided, np.zeros((4, 6), dtype, order="F"))
    opts = nn.Adam(0.01, weight_decay=0.1), nn.Adam(0.01, weight_decay=0.1)
    for g in grads:
        for holder, opt in zip((fused, plain), opts, strict=True):
            holder.grads["w"][...] = g
            opt.step([holder])
    assert fused.params["w"] is base and plain.params["w"] is strided and not strided.flags.c_contiguous
    assert_close(strided, base, dtype=dtype, n_terms=25)
    assert np.abs(base - start).min() > 0  # every entry moved


def test_sgd_zero_grad_and_state_per_parameter():
    layer = nn.Linear(3, 2, dtype=np.float64, random_state=0)
    layer.grads["weight"][:] = 1.0
    opt = nn.SGD(0.1, momentum=0.9)
    opt.step([layer])
    opt.step([layer])
    assert len(opt.state) == 2  # weight and bias
    opt.zero_grad([layer])
    assert not any(g.any() for g in layer.grads.values())


# ------------------------------------------------------------------------- gradient checks


def _finite_difference(f, arr, eps=1e-6):
    grad = np.zeros_like(arr)
    it = np.nditer(arr, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = arr[i]
        arr[i] = old + eps
        up = f()
        arr[i] = old - eps
        down = f()
        arr[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


def test_finite_difference_gradients_of_a_small_network(rng):
    model = nn.Sequential(
        nn.Conv1D(2, 3, 3, stride=2, padding=1, dilation=1, dtype=np.float64, random_state=0), nn.Tanh(),
        nn.AvgPool1D(2), nn.Conv1D(3, 2, 2, padding="same", dilation=2, dtype=np.float64, random_state=1),
        nn.LeakyReLU(0.1), nn.MaxPool1D(2, 1), nn.Flatten(),
        nn.Linear(4, 3, dtype=np.float64, random_state=2),
        nn.Sigmoid())
    x = rng.standard_normal((2, 2, 11))
    target = rng.standard_normal((2, 3))
    loss = nn.MSELoss()

    def f():
        return loss(model.forward(x), target)[0]

    value, grad = loss(model.forward(x), target)
    gx = model.backward(grad)
    assert_close(gx, _finite_difference(f, x), scale=1, k=1e6)  # central differences: ~1e-9
    for key, param in model.params.items():
        assert_close(model.grads[key], _finite_difference(f, param), scale=1, k=1e6)


# ------------------------------------------------------------------ dtypes, immutability, errors


@pytest.mark.parametrize("layer", [nn.Conv1D(2, 2, 3, random_state=0), nn.MaxPool1D(2), nn.MinPool1D(2, 1),
                                   nn.AvgPool1D(3), nn.GlobalAvgPool1D(), nn.GlobalMaxPool1D(), nn.Flatten(),
                                   nn.ReLU(), nn.LeakyReLU(), nn.Tanh(), nn.Sigmoid(), nn.Dropout(0.5)],
                         ids=repr)
def test_input_not_modified_and_float32_stays_float32(layer):
    x = np.random.default_rng(0).standard_normal((2, 2, 8)).astype(np.float32)
    x.flags.writeable = False
    before = x.copy()
    out = layer.forward(x)
    g = np.ones_like(out)
    g.flags.writeable = False
    gx = layer.backward(g)
    np.testing.assert_array_equal(x, before)
    assert out.dtype == np.float32 and gx.dtype == np.float32
    assert gx.shape == x.shape and gx.flags.c_contiguous


def test_int_input_to_parameter_free_layers_gives_float64():
    assert nn.ReLU().forward(np.arange(6).reshape(1, 2, 3)).dtype == np.float64
    assert nn.Conv1D(1, 1, 2, dtype=np.float64).forward(np.ones((1, 1, 4), dtype=int)).dtype == np.float64


BAD = [
    (lambda: nn.Conv1D(0, 2, 3), ValueError, "in_channels"),
    (lambda: nn.Conv1D(1, 2, 0), ValueError, "kernel_size"),
    (lambda: nn.Conv1D(1, 2, 3, stride=0), ValueError, "stride"),
    (lambda: nn.Conv1D(1, 2, 3, dilation=-1), ValueError, "dilation"),
    (lambda: nn.Conv1D(1, 2, 3, padding=-1), ValueError, "padding"),
    (lambda: nn.Conv1D(1, 2, 3, padding="full"), ValueError, "padding"),
    (lambda: nn.Conv1D(1, 2, 3, padding=1.5), TypeError, "padding"),
    (lambda: nn.Conv1D(1, 2, 3, stride=2, padding="same"), ValueError, "padding"),
    (lambda: nn.Conv1D(1, 2, 3, dtype=np.int32), TypeError, "dtype"),
    (lambda: nn.Conv1D(1, 2, 3, bias="yes"), TypeError, "bias"),
    (lambda: nn.Conv1D(2.5, 2, 3), TypeError, "in_channels"),
    (lambda: nn.Conv1D(1, 2, 3).forward(np.ones((1, 2, 8))), ValueError, "x"),
    (lambda: nn.Conv1D(1, 2, 3).forward(np.ones((1, 8))), ValueError, "x"),
    (lambda: nn.Conv1D(1, 2, 5).forward(np.ones((1, 1, 3))), ValueError, "x"),
    (lambda: nn.Conv1D(1, 2, 3).forward(np.ones((1, 1, 8), dtype=complex)), TypeError, "x"),
    (lambda: nn.Conv1D(1, 2, 3).backward(np.ones((1, 2, 6))), RuntimeError, "forward"),
    (lambda: nn.Conv1D(1, 2, 3).forward(np.ones((0, 1, 8))), ValueError, "x"),
    (lambda: nn.GlobalAvgPool1D().forward(np.ones((2, 1, 0))), ValueError, "x"),
    (lambda: nn.Linear(3, 2).forward(np.ones((2, 4))), ValueError, "x"),
    (lambda: nn.Linear(3, 0), ValueError, "out_features"),
    (lambda: nn.MaxPool1D(0), ValueError, "kernel_size"),
    (lambda: nn.AvgPool1D(2, stride=0), ValueError, "stride"),
    (lambda: nn.MaxPool1D(4).forward(np.ones((1, 1, 3))), ValueError, "x"),
    (lambda: nn.LeakyReLU("a"), TypeError, "negative_slope"),
    (lambda: nn.Dropout(1.5), ValueError, "p"),
    (lambda: nn.Dropout(-0.1), ValueError, "p"),
    (lambda: nn.ReLU().forward(np.ones(3), training="no"), TypeError, "training"),
    (lambda: nn.SGD(0.0), ValueError, "lr"),
    (lambda: nn.SGD(0.1, momentum=-1), ValueError, "momentum"),
    (lambda: nn.Adam(betas=(0.9, 1.0)), ValueError, "betas"),
    (lambda: nn.Adam(betas=0.9), TypeError, "betas"),
    (lambda: nn.Adam(eps=-1.0), ValueError, "eps"),
    (lambda: nn.Adam(weight_decay=-1.0), ValueError, "weight_decay"),
    (lambda: nn.SGD(0.1).step(3), TypeError, "model"),
    (lambda: nn.MSELoss()(np.ones(3), np.ones(4)), ValueError, "target"),
    (lambda: nn.CrossEntropyLoss()(np.ones((2, 3)), np.array([0, 3])), ValueError, "target"),
    (lambda: nn.CrossEntropyLoss()(np.ones((2, 3)), np.array([0.5, 1])), TypeError, "target"),
    (lambda: nn.CrossEntropyLoss()(np.ones((2, 3)), np.array([0, 1, 2])), ValueError, "target"),
    (lambda: nn.CrossEntropyLoss()(np.ones(3), np.array([0])), ValueError, "pred"),
]


@pytest.mark.parametrize(("call", "error", "name"), BAD, ids=[f"{i}-{b[2]}" for i, b in enumerate(BAD)])
def test_bad_input_raises_clear_error(call, error, name):
    with pytest.raises(error, match=f"`{name}" if error is not RuntimeError else name):
        call()


def test_grad_shape_checked():
    conv = nn.Conv1D(1, 2, 3)
    conv.forward(np.ones((1, 1, 8), dtype=np.float32))
    with pytest.raises(ValueError, match="`grad_out`"):
        conv.backward(np.ones((1, 2, 5)))
