"""Numba kernels behind :mod:`sigconv.nn` (1D convolution and pooling, forward and backward).

Contract shared by every kernel here (the wrappers in :mod:`sigconv.nn.layers` guarantee it):

* arrays are C-contiguous ``(batch, channels, length)`` of one float dtype, float32 or float64,
  and every float array passed to one call has that dtype (no float64 constants are mixed
  into float32 arithmetic);
* integer arguments are already validated (``kernel_size, stride, dilation >= 1``,
  ``0 <= pad_left``, output lengths >= 1 and consistent with the input);
* the kernels allocate nothing: they write every element of their output argument;
* NaN and inf are not checked; they propagate through the sums (and max/min pooling keeps a
  NaN, as PyTorch does).

The convolution runs per sample as ``im2col`` + one GEMM (``np.dot`` inside Numba, BLAS on one
thread: the batch is the parallel axis, so BLAS and Numba thread pools never compete).  Its
backward pass uses one GEMM for the weight gradient (the correlation of input and output
gradient) and ``col2im``: scattering ``weight.T @ grad`` back onto the input positions is the
full convolution of the (stride-dilated) output gradient with the flipped kernel, evaluated as
a matrix product.  Every kernel runs its outermost ``prange`` over the batch (or batch chunks
with private weight-gradient buffers), so threads never write to the same element.
"""

from __future__ import annotations

import numpy as np

from sigconv._jit import jit, jit_parallel, prange

#: pooling modes understood by :func:`pool_forward` / :func:`pool_backward`
POOL_MAX = 0
POOL_MIN = 1
POOL_AVG = 2


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
        for j in range(kernel_size):
            row = c * kernel_size + j
            off = j * dilation - pad_left
            t_lo, t_hi = _valid_range(off, stride, length, l_out)
            for t in range(t_lo):
                cols[row, t] = 0
            if stride == 1:
                cols[row, t_lo:t_hi] = x[c, t_lo + off:t_hi + off]
            else:
                for t in range(t_lo, t_hi):
                    cols[row, t] = x[c, t * stride + off]
            for t in range(t_hi, l_out):
                cols[row, t] = 0


@jit
def col2im(dcols, kernel_size, stride, dilation, pad_left, grad_x):
    """Adjoint of :func:`im2col` for one sample: fold column gradients back onto the input.

    ``dcols`` is ``(C * kernel_size, L_out)``; ``grad_x`` is ``(C, L)``.  Writes every element
    of ``grad_x``: the sum of ``dcols[c*K + j, t]`` over all ``(j, t)`` with
    ``t*stride + j*dilation - pad_left == i`` (positions in the padding are dropped).
    """
    n_chan, length = grad_x.shape
    l_out = dcols.shape[1]
    grad_x[:, :] = 0
    for c in range(n_chan):
        for j in range(kernel_size):
            row = c * kernel_size + j
            off = j * dilation - pad_left
            t_lo, t_hi = _valid_range(off, stride, length, l_out)
            if stride == 1:
                for t in range(t_lo, t_hi):
                    grad_x[c, t + off] += dcols[row, t]
            else:
                for t in range(t_lo, t_hi):
                    grad_x[c, t * stride + off] += dcols[row, t]


@jit_parallel
def conv_forward(x, weight2d, bias, kernel_size, stride, dilation, pad_left, cols, out):
    """Cross-correlation layer, parallel over the batch: per sample ``im2col`` and one GEMM.

    ``x`` ``(N, C, L)``; ``weight2d`` ``(O, C*K)`` (the weight reshaped); ``bias`` ``(O,)``
    (zeros for a layer without bias); ``out`` ``(N, O, L_out)``.  ``cols`` is scratch for the
    unfolded input, either ``(N, C*K, L_out)`` (every sample kept for :func:`conv_backward`) or
    ``(P, C*K, L_out)`` with ``P < N`` (inference: the batch runs in ``P`` chunks that reuse one
    slice each).  Writes all of ``out``: ``out[n] = weight2d @ im2col(x[n]) + bias[:, None]``.
    The caller limits BLAS to one thread (the batch is the parallel axis).
    """
    n_batch = x.shape[0]
    n_out, l_out = out.shape[1], out.shape[2]
    keep = cols.shape[0] == n_batch
    n_parts = cols.shape[0]
    for p in prange(n_parts):
        lo = p * n_batch // n_parts
        hi = (p + 1) * n_batch // n_parts
        for n in range(lo, hi):
            ci = n
            if not keep:
                ci = lo - lo + p  # as int64: the prange index may be unsigned, and a mixed
                #                   signed/unsigned choice would unify to float64
            im2col(x[n], kernel_size, stride, dilation, pad_left, cols[ci])
            np.dot(weight2d, cols[ci], out[n])
            for o in range(n_out):
                b = bias[o]
                for t in range(l_out):
                    out[n, o, t] += b


@jit_parallel
def conv_backward(cols, weight2d, grad_out, kernel_size, stride, dilation, pad_left,
                  grad_w_part, dcols, grad_x):
    """Gradients of :func:`conv_forward`, parallel over ``P = grad_w_part.shape[0]`` batch chunks.

    ``cols`` is the forward's unfolded input ``(N, C*K, L_out)``; ``grad_w_part`` ``(P, O, C*K)``
    must be zero on entry: chunk ``p`` adds the weight gradient of its samples,
    ``grad_out[n] @ cols[n].T`` (the correlation of input and output gradient), so the caller
    sums over axis 0; ``dcols`` ``(P, C*K, L_out)`` is scratch.  Writes all of ``grad_x``
    ``(N, C, L)``: ``col2im(weight2d.T @ grad_out[n])``, which is the full convolution of the
    (stride-dilated) output gradient with the flipped kernel.  BLAS limited to one thread.
    """
    n_batch = grad_out.shape[0]
    n_parts = grad_w_part.shape[0]
    w_t = weight2d.T
    for p in prange(n_parts):
        lo = p * n_batch // n_parts
        hi = (p + 1) * n_batch // n_parts
        for n in range(lo, hi):
            grad_w_part[p] += np.dot(grad_out[n], cols[n].T)
            np.dot(w_t, grad_out[n], dcols[p])
            col2im(dcols[p], kernel_size, stride, dilation, pad_left, grad_x[n])


@jit_parallel
def pool_forward(x, kernel_size, stride, mode, divisor, out, index):
    """Max (``mode=0``), min (1) or average (2) pooling over windows ``[t*stride, t*stride+k)``.

    ``x`` is ``(N, C, L)``, ``out`` ``(N, C, L_out)`` with every window inside ``x`` (floor
    semantics, no padding); ``divisor`` is ``kernel_size`` as a scalar of ``x``'s dtype.
    Writes all of ``out``; for max/min also all of ``index`` (int64, same shape as ``out``):
    the position in ``x`` of the selected element, the first one among ties, and a NaN wins
    (the last NaN of the window), exactly PyTorch's CPU rule.  ``index`` is untouched for
    averaging.
    """
    n_batch, n_chan, _ = x.shape
    l_out = out.shape[2]
    for n in prange(n_batch):
        for c in range(n_chan):
            for t in range(l_out):
                start = t * stride
                best = x[n, c, start]
                if mode == POOL_AVG:
                    for j in range(1, kernel_size):
                        best += x[n, c, start + j]
                    out[n, c, t] = best / divisor
                    continue
                where = start
                for j in range(1, kernel_size):
                    v = x[n, c, start + j]
                    better = v > best if mode == POOL_MAX else v < best
                    if better or v != v:
                        best = v
                        where = start + j
                out[n, c, t] = best
                index[n, c, t] = where


@jit_parallel
def pool_backward(grad_out, index, kernel_size, stride, mode, divisor, grad_x):
    """Gradient of :func:`pool_forward`: route ``grad_out`` through ``index`` (max/min) or
    spread ``grad_out / divisor`` over each window (average).  Writes all of ``grad_x``."""
    n_batch, n_chan, l_out = grad_out.shape
    for n in prange(n_batch):
        grad_x[n] = 0
        for c in range(n_chan):
            for t in range(l_out):
                if mode == POOL_AVG:
                    g = grad_out[n, c, t] / divisor
                    start = t * stride
                    for j in range(kernel_size):
                        grad_x[n, c, start + j] += g
                else:
                    grad_x[n, c, index[n, c, t]] += grad_out[n, c, t]

