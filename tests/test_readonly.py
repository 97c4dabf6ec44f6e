"""Read-only inputs (pandas 3's ``to_numpy()``) run the kernels writable inputs compiled.

Numba types a read-only array apart from a writable one, so without
:func:`sigconv._validate.writable_view` every kernel a read-only input meets compiles a second
time (seconds on a first call).  Each check calls a public function on a writable input, then on
a read-only view of the same data, and asserts that the second call compiled nothing new with a
read-only argument, gave the same result and left the input's flags as they were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numba.core import types

import sigconv
from sigconv import nn
from sigconv._validate import as_array, writable_view
from sigconv.compile import profile_compiles
from sigconv.features import KernelFeatures, MiniRocket


def _readonly(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False
    return view


def test_writable_view_shares_memory_and_leaves_the_input_alone():
    x = np.arange(6.0)
    ro = _readonly(x)
    v = writable_view(ro)
    assert v.flags.writeable and np.shares_memory(v, x)
    assert not ro.flags.writeable
    assert writable_view(x) is x
    s = pd.Series(x).to_numpy()   # read-only under pandas >= 3
    assert as_array("x", s).flags.writeable
    owner = np.arange(3.0)
    owner.flags.writeable = False   # memory that is read-only itself: returned as is, no copy
    assert writable_view(owner) is owner
    frozen = np.frombuffer(b"\0" * 16)
    assert writable_view(frozen) is frozen


def _no_readonly_compiles(call, x) -> None:
    call(x)   # compiles (or loads) what a writable input needs
    expected = []
    writable = {(k.kernel, k.args) for k in profile_compiles(lambda: expected.append(call(x)))}
    ro = _readonly(x)
    compiled = profile_compiles(lambda: np.testing.assert_array_equal(call(ro), expected[0]))
    # a kernel built afresh on every call (a closure) compiles again whatever the input: only
    # a signature that the writable call did not compile counts
    again = [k for k in compiled if "readonly" in k.args and (k.kernel, k.args) not in writable]
    assert not again, again
    assert not ro.flags.writeable


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_convolve_and_filters_readonly_input(dtype, rng):
    x = rng.standard_normal((2, 300)).astype(dtype)   # a batch: the general path of make_plan
    k = rng.standard_normal(9).astype(dtype)
    _no_readonly_compiles(lambda v: sigconv.convolve(v, k), x)
    _no_readonly_compiles(lambda v: sigconv.convolve(x, v), k)
    _no_readonly_compiles(lambda v: sigconv.moving_average(v, 5, "triangular"), x[0])
    _no_readonly_compiles(lambda v: sigconv.ewma(v, alpha=0.3), x[0])


def test_nn_and_features_readonly_input(rng):
    x = rng.standard_normal((4, 2, 40)).astype(np.float32)
    conv = nn.Conv1D(2, 3, 5, random_state=0)
    _no_readonly_compiles(lambda v: conv.forward(v), x)
    mr = MiniRocket(n_features=168, random_state=0, n_jobs=1).fit(x)
    _no_readonly_compiles(lambda v: mr.transform(v), x)
    _no_readonly_compiles(lambda v: MiniRocket(n_features=168, random_state=0, n_jobs=1).fit(v).biases_, x)
    kf = KernelFeatures(dilations=(1, 2)).fit(x)
    _no_readonly_compiles(lambda v: kf.transform(v), x)


def test_sliding_kernels_never_see_a_readonly_array(rng):
    """The matching kernels get writable views of read-only arguments (a broadcast template
    norm, a pandas 3 signal), so these calls add no read-only signature (memory that is
    read-only itself, a read-only memmap in another test, may still add one)."""
    from sigconv._kernels import sliding

    kernels = [v.kernel for v in vars(sliding).values() if hasattr(v, "kernel")]
    assert kernels
    before = {k: set(k.signatures) for k in kernels}
    x = rng.standard_normal(400)
    ro = _readonly(x)
    for signal in (x, ro, _readonly(np.stack([x, -x]))):
        sigconv.match_template(signal, x[50:80].copy())
    sigconv.locate(ro, x[50:80].copy())
    for kernel in kernels:
        added = set(kernel.signatures) - before[kernel]
        readonly = [s for s in added if any(isinstance(a, types.Array) and not a.mutable for a in s)]
        assert not readonly, kernel
