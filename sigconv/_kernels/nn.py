"""Numba kernels behind :mod:`sigconv.nn`: 1D convolution and pooling (forward and backward),
(Leaky)ReLU, global average pooling and the fused Adam update.

Contract shared by every kernel here (the wrappers in :mod:`sigconv.nn.layers` guarantee it):

* arrays are C-contiguous ``(batch, channels, length)`` (flat 1-D for the element-wise
  kernels) of one float dtype, float32 or float64,
  and every float array passed to one call has that dtype (no float64 constants are mixed
  into float32 arithmetic);
* integer arguments are already validated (``kernel_size, stride, dilation >= 1``,
  ``0 <= pad_left``, output lengths >= 1 and consistent with the input);
* the kernels write every element of their output argument (the batch-chunked ones: the
  elements of their chunk) and allocate nothing;
* NaN and inf are not checked; they propagate through the sums (and max/min pooling keeps a
  NaN, as PyTorch does).

The convolution runs per sample as ``im2col`` + one GEMM (:func:`gemm`, a bare BLAS call, BLAS on
one thread: the batch is the parallel axis, so BLAS and our threads never compete).  The batch
is split into one contiguous chunk per thread, and each chunk unfolds its samples one
after the other into a single ``(C*K, L_out)`` buffer that stays in the core's cache; the
backward pass unfolds the input again rather than keeping the whole batch unfolded (``C*K``
times the input, written and read back from memory, costs more than a second ``im2col``).
Backward uses one GEMM for the weight gradient (the correlation of input and output gradient)
and ``col2im``: scattering ``weight.T @ grad`` back onto the input positions is the full
convolution of the (stride-dilated) output gradient with the flipped kernel, evaluated as a
matrix product.  Threads never write to the same element (private per-chunk gradient buffers).
The batch-chunked kernels (convolution, pooling) are serial kernels that take their chunk
``part`` of ``n_parts`` as arguments, run on Python threads by :func:`sigconv._jit.run_parts`
(they release the GIL): one compiled copy each, where a ``prange`` twin would cost about
0.5 s more to compile on a first call.

Inner loops run over 1-D row views with a loop index that is provably non-negative, so Numba
emits no negative-index wrap-around test and LLVM vectorises them (indexing ``a[c, t + off]``
directly measured 3-6x slower for ``im2col``/``col2im``).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic
from numba.np.linalg import check_blas_return, ensure_blas, get_blas_kind

from sigconv._jit import jit

#: pooling modes understood by :func:`pool_forward` / :func:`pool_backward`
POOL_MAX = 0
POOL_MIN = 1
POOL_AVG = 2


@intrinsic
def gemm(typingctx, a, b, c, beta):
    """``c = a @ b + beta * c``: one BLAS ``xgemm`` call (the one Numba's ``np.dot`` makes).

    ``a`` ``(m, k)``, ``b`` ``(k, n)`` and ``c`` ``(m, n)`` are 2-D arrays of one float dtype,
    each contiguous in C or F order (a transposed view is F order), ``c`` in C order, every
    dimension >= 1; ``beta`` a number.  Nothing is checked at run time (kernels trust their
    inputs): ``np.dot(a, b, out)`` in a kernel also compiles its shape checks and their error
    messages, and ``c += np.dot(a, b)`` the broadcasting checks of ``+=``, about 2 s of compile
    time for the convolution layer's kernels, against a few ms for this call.
    """
    arrays = (a, b, c)
    if not all(isinstance(t, types.Array) and t.ndim == 2 and t.layout in "CF" for t in arrays) \
            or c.layout != "C" or not a.dtype == b.dtype == c.dtype or a.dtype not in (types.float32, types.float64) \
            or not isinstance(beta, (types.Float, types.Integer)):
        return None
    dtype = a.dtype

    def codegen(context, builder, signature, args):
        ensure_blas()
        a_arr, b_arr, c_arr = (context.make_array(t)(context, builder, v) for t, v in zip(arrays, args[:3]))
        m, k = cgutils.unpack_tuple(builder, a_arr.shape)
        n = cgutils.unpack_tuple(builder, b_arr.shape)[1]
        char, intp, void_p = ir.IntType(8), context.get_value_type(types.intp), cgutils.voidptr_t
        fnty = ir.FunctionType(ir.IntType(32), [char, char, char, intp, intp, intp, void_p, void_p, intp,
                                                void_p, intp, void_p, void_p, intp])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "numba_xxgemm")
        alpha_slot = cgutils.alloca_once_value(builder, context.get_constant(dtype, 1.0))
        beta_slot = cgutils.alloca_once_value(builder, context.cast(builder, args[3], signature.args[3], dtype))

        def operand(ty, arr):
            # column-major BLAS computes c.T = b.T @ a.T: a C-order operand is its own transpose
            trans = ir.Constant(char, ord("n" if ty.layout == "C" else "t"))
            shape = cgutils.unpack_tuple(builder, arr.shape)
            return trans, builder.bitcast(arr.data, void_p), shape[1] if ty.layout == "C" else shape[0]

        trans_b, data_b, ld_b = operand(b, b_arr)
        trans_a, data_a, ld_a = operand(a, a_arr)
        kind = ir.Constant(char, ord(get_blas_kind(dtype)))
        res = builder.call(fn, (kind, trans_b, trans_a, n, m, k, builder.bitcast(alpha_slot, void_p),
                                data_b, ld_b, data_a, ld_a, builder.bitcast(beta_slot, void_p),
                                builder.bitcast(c_arr.data, void_p), n))
        check_blas_return(context, builder, res)
        return context.get_dummy_value()

    return types.none(a, b, c, beta), codegen


@jit
def _valid_range(off, stride, length, l_out):
    """Output positions ``t`` in ``[t_lo, t_hi)`` whose input index ``t*stride + off`` lies in
    ``[0, length)``, clipped to ``[0, l_out]`` (``t_lo <= t_hi``)."""
    t_lo = 0
    if off < 0:
        t_lo = (-off + stride - 1) // stride
    t_hi = 0
    if length - 1 - off >= 0:
        t_hi = (length - 1 - off) // stride + 1
    t_lo = min(t_lo, l_out)
    t_hi = min(max(t_hi, t_lo), l_out)
    return t_lo, t_hi


@jit
def im2col(x, kernel_size, stride, dilation, pad_left, cols):
    """Unfold one (implicitly zero-padded) sample into the columns of a matrix product.

    ``x`` is ``(C, L)``; ``cols`` is ``(C * kernel_size, L_out)`` of the same dtype.  Writes
    every element of ``cols``: ``cols[c*K + j, t] = x[c, t*stride + j*dilation - pad_left]``,
    or 0 where that index falls outside ``[0, L)`` (the zero padding).
    """
    n_chan, length = x.shape
    l_out = cols.shape[1]
    for c in range(n_chan):
        x_row = x[c]
        for j in range(kernel_size):
            row = cols[c * kernel_size + j]
            off = j * dilation - pad_left
            t_lo, t_hi = _valid_range(off, stride, length, l_out)
            for t in range(t_lo):
                row[t] = 0
            if stride == 1:
                # 1-D views and a loop index >= 0: no negative-index wrap-around, so it vectorises
                dst, src = row[t_lo:t_hi], x_row[t_lo + off:t_hi + off]
                for t in range(t_hi - t_lo):
                    dst[t] = src[t]
            else:
                for t in range(t_lo, t_hi):
                    row[t] = x_row[t * stride + off]
            for t in range(t_hi, l_out):
                row[t] = 0


@jit
def col2im(dcols, kernel_size, stride, dilation, pad_left, grad_x):
    """Adjoint of :func:`im2col` for one sample: fold column gradients back onto the input.

    ``dcols`` is ``(C * kernel_size, L_out)``; ``grad_x`` is ``(C, L)``.  Writes every element
    of ``grad_x``: the sum of ``dcols[c*K + j, t]`` over all ``(j, t)`` with
    ``t*stride + j*dilation - pad_left == i`` (positions in the padding are dropped).
    """
    n_chan, length = grad_x.shape
    l_out = dcols.shape[1]
    for c in range(n_chan):
        g_row = grad_x[c]
        for i in range(length):   # a loop, not grad_x[:] = 0: no broadcasting code to compile
            g_row[i] = 0
        for j in range(kernel_size):
            row = dcols[c * kernel_size + j]
            off = j * dilation - pad_left
            t_lo, t_hi = _valid_range(off, stride, length, l_out)
            if stride == 1:
                dst, src = g_row[t_lo + off:t_hi + off], row[t_lo:t_hi]  # as in im2col
                for t in range(t_hi - t_lo):
                    dst[t] += src[t]
            else:
                for t in range(t_lo, t_hi):
                    g_row[t * stride + off] += row[t]


@jit
def conv_forward(x, weight2d, bias, kernel_size, stride, dilation, pad_left, cols, out, part, n_parts):
    """Cross-correlation layer as ``im2col`` + one GEMM per sample: part ``part`` of ``n_parts``.

    ``x`` ``(N, C, L)``; ``weight2d`` ``(O, C*K)`` (the weight reshaped); ``bias`` ``(O,)``
    (zeros for a layer without bias); ``out`` ``(N, O, L_out)``.  The batch runs in ``n_parts``
    contiguous chunks (one per thread, :func:`sigconv._jit.run_parts`); this call does chunk
    ``part``, unfolding its samples one after the other into its scratch ``cols[part]``
    (``cols`` is ``(n_parts, C*K, L_out)``: one sample's unfolded input stays in the core's cache).
    Writes the chunk's rows of ``out``: ``out[n] = weight2d @ im2col(x[n]) + bias[:, None]``.
    The caller limits BLAS to one thread (the batch is the parallel axis).
    """
    n_batch = x.shape[0]
    n_out, l_out = out.shape[1], out.shape[2]
    buf = cols[part]
    for n in range(part * n_batch // n_parts, (part + 1) * n_batch // n_parts):
        im2col(x[n], kernel_size, stride, dilation, pad_left, buf)
        gemm(weight2d, buf, out[n], 0.0)
        for o in range(n_out):
            b, row = bias[o], out[n, o]
            for t in range(l_out):
                row[t] += b


@jit
def conv_backward(x, weight2d, grad_out, kernel_size, stride, dilation, pad_left,
                  grad_wt_part, grad_b_part, cols, dcols, grad_x, part, n_parts):
    """Gradients of :func:`conv_forward` for chunk ``part`` of ``n_parts`` of the batch.

    The chunk unfolds each of its samples again into ``cols[part]`` (cheaper than keeping the
    whole batch unfolded from the forward pass: ``C*K`` times the input, out of cache) and
    adds into its private buffers, which must be zero on entry (the caller sums over axis 0):
    ``grad_wt_part[part]`` ``(C*K, O)`` the *transposed* weight gradient ``im2col(x[n]) @
    grad_out[n].T`` (the correlation of input and output gradient; this operand order is the
    faster GEMM), ``grad_b_part[part]`` ``(O,)`` the sum of ``grad_out[n]`` over time.
    ``dcols`` ``(n_parts, C*K, L_out)`` is scratch.  Writes the chunk's samples of ``grad_x``
    ``(N, C, L)``: ``col2im(weight2d.T @ grad_out[n])``, the full convolution of the
    (stride-dilated) output gradient with the flipped kernel.  BLAS limited to one thread.
    """
    n_batch, n_out, l_out = grad_out.shape
    w_t = weight2d.T
    buf, dbuf, gw, gb = cols[part], dcols[part], grad_wt_part[part], grad_b_part[part]
    for n in range(part * n_batch // n_parts, (part + 1) * n_batch // n_parts):
        im2col(x[n], kernel_size, stride, dilation, pad_left, buf)
        gemm(buf, grad_out[n].T, gw, 1.0)
        gemm(w_t, grad_out[n], dbuf, 0.0)
        col2im(dbuf, kernel_size, stride, dilation, pad_left, grad_x[n])
        for o in range(n_out):
            s, row = gb[o], grad_out[n, o]
            for t in range(l_out):
                s += row[t]
            gb[o] = s


@jit
def pool_forward(x, kernel_size, stride, mode, divisor, out, index, part, n_parts):
    """Max (``mode=0``), min (1) or average (2) pooling over windows ``[t*stride, t*stride+k)``,
    for the samples of chunk ``part`` of ``n_parts`` of the batch.

    ``x`` is ``(N, C, L)``, ``out`` ``(N, C, L_out)`` with every window inside ``x`` (floor
    semantics, no padding); ``divisor`` is ``kernel_size`` as a scalar of ``x``'s dtype.
    Writes all of ``out``; for max/min also all of ``index`` (int64, same shape as ``out``):
    the position in ``x`` of the selected element, the first one among ties, and a NaN wins
    (the last NaN of the window), exactly PyTorch's CPU rule.  ``index`` is untouched for
    averaging.
    """
    n_batch, n_chan, _ = x.shape
    l_out = out.shape[2]
    for n in range(part * n_batch // n_parts, (part + 1) * n_batch // n_parts):
        for c in range(n_chan):
            src, dst = x[n, c], out[n, c]
            if mode == POOL_AVG:
                for t in range(l_out):
                    start = t * stride
                    s = src[start]
                    for j in range(1, kernel_size):
                        s += src[start + j]
                    dst[t] = s / divisor
                continue
            where_row = index[n, c]
            for t in range(l_out):
                start = t * stride
                best = src[start]
                where = start
                for j in range(1, kernel_size):
                    v = src[start + j]
                    if mode == POOL_MAX:
                        take = v > best or v != v
                    else:
                        take = v < best or v != v
                    if take:
                        best = v
                        where = start + j
                dst[t] = best
                where_row[t] = where


@jit
def pool_backward(grad_out, index, kernel_size, stride, mode, divisor, grad_x, part, n_parts):
    """Gradient of :func:`pool_forward`: route ``grad_out`` through ``index`` (max/min) or
    spread ``grad_out / divisor`` over each window (average).  Writes the samples of chunk
    ``part`` of ``n_parts`` of ``grad_x``."""
    n_batch, n_chan, l_out = grad_out.shape
    for n in range(part * n_batch // n_parts, (part + 1) * n_batch // n_parts):
        for c in range(n_chan):
            src, dst = grad_out[n, c], grad_x[n, c]
            dst[:] = 0
            if mode == POOL_AVG:
                for t in range(l_out):
                    g = src[t] / divisor
                    start = t * stride
                    for j in range(kernel_size):
                        dst[start + j] += g
            else:
                where_row = index[n, c]
                for t in range(l_out):
                    dst[where_row[t]] += src[t]


@jit
def leaky_relu_forward(x, slope, relu, out, mask):
    """``out = x`` where ``x > 0`` or ``x`` is NaN, else ``slope * x`` (exactly 0 for ``relu``).

    ``mask`` gets the units whose gradient passes unscaled, PyTorch's rules: ``x > 0`` for
    LeakyReLU, ``not x <= 0`` for ReLU (``threshold_backward``: a NaN input passes its gradient).
    Flat arrays of one length, ``slope`` a scalar of ``x``'s dtype.
    """
    for i in range(x.shape[0]):
        v = x[i]
        if relu:
            mask[i] = not v <= 0
            out[i] = v if not v <= 0 else 0
        else:
            mask[i] = v > 0
            out[i] = v if v > 0 or v != v else v * slope


@jit
def leaky_relu_backward(grad_out, mask, slope, relu, grad_x):
    """``grad_x = grad_out`` where ``mask``, else ``slope * grad_out`` (exactly 0 for ``relu``,
    which keeps a NaN or inf gradient out of the inactive units, as PyTorch).  Flat arrays."""
    for i in range(grad_out.shape[0]):
        g = grad_out[i]
        if mask[i]:
            grad_x[i] = g
        elif relu:
            grad_x[i] = 0
        else:
            grad_x[i] = g * slope


@jit
def global_avg_forward(x, divisor, out):
    """``out[n, c] = mean(x[n, c, :])``: ``x`` ``(N, C, L)`` with ``L >= 1``, ``out`` ``(N, C)``,
    ``divisor`` is ``L`` as a scalar of ``x``'s dtype."""
    n_batch, n_chan, length = x.shape
    for n in range(n_batch):
        for c in range(n_chan):
            row = x[n, c]
            s = row[0]
            for t in range(1, length):
                s += row[t]
            out[n, c] = s / divisor


@jit
def global_avg_backward(grad_out, divisor, grad_x):
    """``grad_x[n, c, :] = grad_out[n, c] / divisor`` (the gradient of :func:`global_avg_forward`)."""
    n_batch, n_chan, length = grad_x.shape
    for n in range(n_batch):
        for c in range(n_chan):
            g = grad_out[n, c] / divisor
            row = grad_x[n, c]
            for t in range(length):
                row[t] = g


@jit
def adam_update(param, grad, exp_avg, exp_avg_sq, one_minus_beta1, beta2, one_minus_beta2,
                bias_correction2_sqrt, eps, step_size):
    """One Adam step on flat arrays, in place, in the order of operations of ``torch.optim.Adam``
    (``grad`` already includes weight decay): ``m += (1-b1)*(g-m)``, ``v = b2*v + (1-b2)*g*g``,
    ``param -= step_size * m / (sqrt(v)/bias_correction2_sqrt + eps)`` with
    ``step_size = lr / bias_correction1``.  Scalars have the arrays' dtype."""
    for i in range(param.shape[0]):
        g = grad[i]
        m = exp_avg[i]
        m += one_minus_beta1 * (g - m)
        v = exp_avg_sq[i] * beta2
        v += one_minus_beta2 * g * g
        exp_avg[i] = m
        exp_avg_sq[i] = v
        param[i] -= step_size * (m / (np.sqrt(v) / bias_correction2_sqrt + eps))
