"""sigconv on Dask: the chunked twins of the in-memory functions (API.md §9).

``import sigconv`` never imports dask; the top-level functions hand a Dask array to the twin
of the same name here (see :mod:`sigconv._dispatch`), which returns a lazy Dask array equal to
the in-memory result on the computed array, for every chunking.  ``import sigconv.dask``
also registers the ``.sigconv`` accessor on Dask Series and DataFrames (``convolve``,
``moving_average``, ``ewma``, ``ar_filter``).

How each family runs (every task calls the in-memory function with ``workers=1``):

==========================  ==========================================================
functions                   blocks
==========================  ==========================================================
convolve, correlate,        halo of ``K - 1`` samples per axis (trailing for 'full' /
convolve2d, correlate2d     'valid', split for 'same'), gathered from as many
                            neighbours as it takes, the outer blocks extended by
                            ``boundary``; or chunk-level overlap-add for kernels longer
                            than a chunk (``blocks=``)
moving_average,             halo of ``window - 1`` / the template's extent, the
match_template              in-memory function on each haloed block
ewma, ar_filter,            the recursion's exact state (a :mod:`sigconv.stream`
arma_filter, sos_filter     object) carried chunk by chunk, in order; batch blocks in
                            parallel
locate                      candidates per score block (halo ``min_distance``), one
                            global greedy suppression: returns computed ``Peaks``
transform                   transformers block by block over samples
==========================  ==========================================================

Chunks are never changed behind the user's back: output chunks follow the input's along
every axis ('full' and 'valid' grow or shrink only the edge chunks), batch axes keep theirs.
The task graph is linear in the number of chunks.

Examples
--------
>>> import numpy as np, dask.array as da, sigconv
>>> x = da.arange(12.0, chunks=5)
>>> y = sigconv.convolve(x, [1.0, 1.0, 1.0], mode="same")       # lazy
>>> y.chunks
((5, 5, 2),)
>>> y.compute()
array([ 1.,  3.,  6.,  9., 12., 15., 18., 21., 24., 27., 30., 21.])
"""

from __future__ import annotations

from sigconv.dask import _array, _match, _recursive
from sigconv.dask._dataframe import register as _register
from sigconv.dask._transform import transform

__all__ = ["ar_filter", "arma_filter", "convolve", "convolve2d", "correlate", "correlate2d", "ewma", "locate",
           "match_template", "moving_average", "sos_filter", "transform"]


def convolve(x, kernel, mode="full", *, method="auto", axis=-1, boundary="fill", fill_value=0.0, stride=1,
             dilation=1, workers=None, blocks="auto"):
    """Lazy :func:`sigconv.convolve` of a Dask array along ``axis`` (any chunking).

    Parameters are those of :func:`sigconv.convolve` (``workers`` is ignored: each task is
    single-threaded), plus

    blocks : {"auto", "halo", "overlap-add"}
        "halo": each output chunk convolves its input chunk with ``K - 1`` neighbouring samples
        ('valid'); "overlap-add": each chunk is convolved 'full' with the whole kernel and the
        ``C + K - 1`` outputs added into the chunks they reach (memory per task O(C + K));
        "auto": the halo unless it is longer than the shortest chunk.

    Returns
    -------
    dask.array.Array
        Output chunks follow the input's; 'full' grows the last chunk, 'valid' shrinks the first.

    Examples
    --------
    >>> import dask.array as da, sigconv.dask
    >>> x = da.ones(10, chunks=3)
    >>> sigconv.dask.convolve(x, [1.0, 2.0], mode="valid").compute()
    array([3., 3., 3., 3., 3., 3., 3., 3., 3.])
    """
    return _array.conv(x, kernel, mode, nd=1, axes=(axis,), flip=True, method=method, boundary=boundary,
                       fill_value=fill_value, stride=stride, dilation=dilation, blocks=blocks)


def correlate(x, kernel, mode="full", *, method="auto", axis=-1, boundary="fill", fill_value=0.0, stride=1,
              dilation=1, workers=None, blocks="auto"):
    """Lazy :func:`sigconv.correlate` of a Dask array (parameters as :func:`convolve`).

    Examples
    --------
    >>> import dask.array as da, sigconv.dask
    >>> sigconv.dask.correlate(da.arange(6.0, chunks=2), [1.0, -1.0], mode="valid").compute()
    array([-1., -1., -1., -1., -1.])
    """
    return _array.conv(x, kernel, mode, nd=1, axes=(axis,), flip=False, method=method, boundary=boundary,
                       fill_value=fill_value, stride=stride, dilation=dilation, blocks=blocks)


def convolve2d(x, kernel, mode="full", *, method="auto", axes=(-2, -1), boundary="fill", fill_value=0.0,
               stride=1, dilation=1, workers=None, blocks="auto"):
    """Lazy :func:`sigconv.convolve2d` of a Dask array chunked over both axes (halos over both,
    corners included; parameters as :func:`convolve`).

    Examples
    --------
    >>> import dask.array as da, sigconv.dask
    >>> image = da.ones((6, 6), chunks=(4, 3))
    >>> sigconv.dask.convolve2d(image, [[1.0, 1.0], [1.0, 1.0]], mode="same", boundary="symm").sum().compute()
    np.float64(144.0)
    """
    return _array.conv(x, kernel, mode, nd=2, axes=axes, flip=True, method=method, boundary=boundary,
                       fill_value=fill_value, stride=stride, dilation=dilation, blocks=blocks)


def correlate2d(x, kernel, mode="full", *, method="auto", axes=(-2, -1), boundary="fill", fill_value=0.0,
                stride=1, dilation=1, workers=None, blocks="auto"):
    """Lazy :func:`sigconv.correlate2d` of a Dask array (parameters as :func:`convolve2d`).

    Examples
    --------
    >>> import dask.array as da, sigconv.dask
    >>> image = da.arange(16.0, chunks=3).reshape(4, 4)
    >>> sigconv.dask.correlate2d(image, [[0.0, 1.0]], mode="valid").compute()[0]
    array([1., 2., 3.])
    """
    return _array.conv(x, kernel, mode, nd=2, axes=axes, flip=False, method=method, boundary=boundary,
                       fill_value=fill_value, stride=stride, dilation=dilation, blocks=blocks)


def moving_average(x, window, weights="uniform", *, align="trailing", min_periods=None, nan_policy="propagate",
                   axis=-1, **params):
    """Lazy :func:`sigconv.moving_average` of a Dask array (chunks of any length).

    Examples
    --------
    >>> import dask.array as da, sigconv.dask
    >>> sigconv.dask.moving_average(da.arange(6.0, chunks=1), 3).compute()
    array([nan, nan,  1.,  2.,  3.,  4.])
    """
    return _array.moving_average(x, window, weights, align=align, min_periods=min_periods, nan_policy=nan_policy,
                                 axis=axis, **params)


def ewma(x, *, alpha=None, span=None, halflife=None, com=None, adjust=True, min_periods=0, axis=-1):
    """Lazy :func:`sigconv.ewma` of a Dask array: the state (mean, old weight, observations)
    carried chunk by chunk, bit for bit the one-pass result.

    Examples
    --------
    >>> import dask.array as da, sigconv.dask
    >>> sigconv.dask.ewma(da.from_array([1.0, 2.0, 3.0], chunks=1), alpha=0.5, adjust=False).compute()
    array([1.  , 1.5 , 2.25])
    """
    return _recursive.ewma(x, alpha=alpha, span=span, halflife=halflife, com=com, adjust=adjust,
                           min_periods=min_periods, axis=axis)


def ar_filter(e, ar, *, zi=None, axis=-1):
    """Lazy :func:`sigconv.ar_filter` of a Dask array, ``zi`` (the last p outputs) carried.

    Examples
    --------
    >>> import dask.array as da, sigconv.dask
    >>> sigconv.dask.ar_filter(da.from_array([1.0, 0.0, 0.0, 0.0], chunks=1), [0.5]).compute()
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    return _recursive.ar_filter(e, ar, zi=zi, axis=axis)


def arma_filter(e, ar, ma=(), *, axis=-1):
    """Lazy :func:`sigconv.arma_filter` of a Dask array (last q inputs and p outputs carried).

    Examples
    --------
    >>> import dask.array as da, sigconv.dask
    >>> sigconv.dask.arma_filter(da.from_array([1.0, 0.0, 0.0], chunks=1), [0.5], [1.0]).compute()
    array([1.  , 1.5 , 0.75])
    """
    return _recursive.arma_filter(e, ar, ma, axis=axis)


def sos_filter(sos, x, *, zi=None, zero_phase=False, nan_policy="propagate", axis=-1):
    """Lazy :func:`sigconv.sos_filter` of a Dask array: the sections' state carried chunk by
    chunk (with ``zi``: returns ``(y, zf)``, both lazy).  ``zero_phase`` and
    ``nan_policy="segments"`` need each series in one chunk along ``axis``.

    Examples
    --------
    >>> import numpy as np, dask.array as da, scipy.signal, sigconv.dask
    >>> sos = scipy.signal.butter(2, 0.2, output="sos")
    >>> np.round(sigconv.dask.sos_filter(sos, da.ones(5, chunks=2)).compute(), 3)
    array([0.067, 0.279, 0.561, 0.796, 0.948])
    """
    return _recursive.sos_filter(sos, x, zi=zi, zero_phase=zero_phase, nan_policy=nan_policy, axis=axis)


def match_template(x, template, *, mode="valid", score="zncc", method="auto", axes=None, workers=None, mask=None,
                   nan_policy="propagate"):
    """Lazy :func:`sigconv.match_template` of a Dask signal or image: the in-memory matcher on
    each chunk with a halo of the template's extent (window statistics computed inside each
    block, never across chunks).

    Examples
    --------
    >>> import numpy as np, dask.array as da, sigconv.dask
    >>> x = np.sin(np.arange(40) / 3.0)
    >>> s = sigconv.dask.match_template(da.from_array(x, chunks=7), x[10:18])
    >>> int(s.argmax().compute()), s.chunks
    (10, ((7, 7, 7, 7, 5),))
    """
    return _match.match_template(x, template, mode=mode, score=score, method=method, axes=axes, workers=workers,
                                 mask=mask, nan_policy=nan_policy)


def locate(x, template, *, threshold=0.8, min_distance=None, max_matches=None, score="zncc", mode="valid",
           workers=None, mask=None, nan_policy="propagate", subpixel=False):
    """:func:`sigconv.locate` on a Dask signal or image: returns the computed
    :class:`~sigconv.Peaks`, the same as in memory (peaks owned by one block each, global
    positions, ties broken by global index).

    Examples
    --------
    >>> import numpy as np, dask.array as da, sigconv.dask
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(2000)
    >>> t = x[500:600].copy()
    >>> x[1500:1600] += t
    >>> sigconv.dask.locate(da.from_array(x, chunks=300), t, threshold=0.6).positions.ravel().tolist()
    [500, 1500]
    """
    return _match.locate(x, template, threshold=threshold, min_distance=min_distance, max_matches=max_matches,
                         score=score, mode=mode, workers=workers, mask=mask, nan_policy=nan_policy,
                         subpixel=subpixel)


_register()
