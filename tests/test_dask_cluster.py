"""sigconv.dask on a real ``distributed.LocalCluster``: two worker processes on loopback, one
thread each (started once for the module, closed at its end).

* equality with the in-memory result on the distributed scheduler (data pickled between
  processes, state objects carried between workers);
* the memory test: a signal generated on the workers, larger than twice a worker's memory
  limit, streamed (never materialised on the client) through ``convolve``, ``ewma`` and
  ``match_template``; per-block checksums equal a block-streamed in-memory reference (the
  :mod:`sigconv.stream` objects fed the same blocks on the client), and no worker paused,
  spilled or restarted.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

import cloudpickle  # noqa: E402
import scipy.signal  # noqa: E402

import sigconv  # noqa: E402
import sigconv.dask as sd  # noqa: E402
from sigconv import stream  # noqa: E402
from tests.conftest import assert_close  # noqa: E402

# the workers run this module's functions without importing it
cloudpickle.register_pickle_by_value(sys.modules[__name__])

#: the memory test's size (env SIGCONV_DASK_GIB scales it): 2 GiB of float64 in 32 MiB chunks
#: through workers limited to 960 MiB each (a worker's imports alone take about 350 MiB)
SIGNAL_GIB = float(os.environ.get("SIGCONV_DASK_GIB", "2"))
CHUNK = 4 * 2 ** 20                  # samples per chunk (32 MiB of float64)
WORKER_LIMIT = "960MiB"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, memory_limit=WORKER_LIMIT)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def test_equal_on_distributed(client, rng):
    x = rng.standard_normal((3, 500))
    x[1, 123] = np.nan
    xd = da.from_array(x, chunks=(2, (100, 3, 250, 147)))
    k = rng.standard_normal(9)
    sos = scipy.signal.butter(4, 0.1, output="sos")
    lazies = [sd.convolve(xd, k, "same", boundary="reflect"), sd.convolve(xd, k, "full", blocks="overlap-add"),
              sd.ewma(xd, alpha=0.05), sd.sos_filter(sos, np.nan_to_num(xd)),
              sd.moving_average(xd, 20, align="centered", min_periods=1), sd.match_template(xd, x[0, 200:240])]
    got = client.compute(lazies, sync=True)
    assert_close(got[0], sigconv.convolve(x, k, "same", boundary="reflect"), n_terms=9)
    assert_close(got[1], sigconv.convolve(x, k, "full"), n_terms=9)
    np.testing.assert_array_equal(got[2], sigconv.ewma(x, alpha=0.05))
    assert_close(got[3], sigconv.sos_filter(sos, np.nan_to_num(x)), n_terms=500)
    assert_close(got[4], sigconv.moving_average(x, 20, align="centered", min_periods=1), n_terms=20, k=32)
    assert_close(got[5], sigconv.match_template(x, x[0, 200:240]), n_terms=40, k=64)
    image = rng.standard_normal((70, 90)).astype(np.float32)
    imd = da.from_array(image, chunks=(25, 40))
    y = sd.convolve2d(imd, np.ones((5, 5), np.float32) / 25, "same", boundary="symm").compute()
    assert_close(y, sigconv.convolve2d(image, np.ones((5, 5), np.float32) / 25, "same", boundary="symm"), n_terms=25)
    p = sd.locate(imd, image[30:38, 50:60], threshold=0.5)
    q = sigconv.locate(image, image[30:38, 50:60], threshold=0.5)
    np.testing.assert_array_equal(p.positions, q.positions)


# ----------------------------------------------------------------------------- the memory test
def _block(start: int, stop: int) -> np.ndarray:
    """Samples ``start .. stop`` of the generated signal: a sawtooth and uniform noise seeded by
    position, so the workers and the client produce the same blocks independently (cheap: the
    test measures sigconv, not the generator)."""
    ramp = (np.arange(start, stop) % 4001) * 5e-4
    return ramp + np.random.default_rng(start).random(stop - start) - 0.5


def _generated(block, block_info=None):
    lo, hi = block_info[None]["array-location"][-1]
    return _block(lo, hi)


def _sums(block):
    return np.array([[np.sum(block), np.sum(block * block)]])


def _checksums(y):
    """Per output block: (sum, sum of squares), computed on the workers."""
    return y.map_blocks(_sums, chunks=((1,) * y.numblocks[0], (2,)), new_axis=1, dtype=np.float64)


class _BlockMatcher:
    """In-memory ``match_template`` on each block with the previous block's last ``m - 1``
    samples: the scores of the windows each block completes (``stream.Matcher``'s layout)."""

    def __init__(self, template):
        self.template, self.tail = template, np.zeros(0)

    def push(self, block):
        both = np.concatenate([self.tail, block])
        self.tail = both[both.size - self.template.size + 1:]
        return sigconv.match_template(both, self.template) if both.size >= self.template.size else both[:0]

    def flush(self):
        return np.zeros(0)


def _worker_health(dask_worker):
    spilled = dask_worker.data.spilled_total if hasattr(dask_worker.data, "spilled_total") else None
    return {"pid": os.getpid(), "status": dask_worker.status.name,
            "spilled": 0 if spilled is None else int(spilled.disk)}


@pytest.mark.slow
def test_signal_larger_than_workers_streams(client):
    n_chunks = max(4, int(SIGNAL_GIB * 2 ** 30 / 8 / CHUNK))
    n = n_chunks * CHUNK
    limit = dask.utils.parse_bytes(WORKER_LIMIT)
    assert n * 8 > 2 * limit, "the signal must exceed twice a worker's memory limit"
    kernel = scipy.signal.firwin(33, 0.05)
    template = _block(10_000, 10_256)
    x = da.zeros(n, chunks=CHUNK, dtype=np.float64).map_blocks(_generated, dtype=np.float64)
    before = client.run(_worker_health)
    pipelines = {
        "convolve": (sd.convolve(x, kernel, "full"), stream.FIR(kernel)),
        "ewma": (sd.ewma(x, span=500), stream.EWMA(span=500)),
        "match_template": (sd.match_template(x, template), _BlockMatcher(template)),
    }
    sums, cluster_s = {}, {}
    for name, (lazy, _) in pipelines.items():
        start = time.perf_counter()
        sums[name] = client.compute(_checksums(lazy), sync=True)    # one pipeline at a time
        cluster_s[name] = round(time.perf_counter() - start, 1)
    after = client.run(_worker_health)
    logs = client.get_worker_logs()
    # the block-streamed in-memory reference: the stream objects fed the same blocks here
    start = time.perf_counter()
    for i in range(n_chunks):
        block = _block(i * CHUNK, (i + 1) * CHUNK)
        for name, (lazy, carrier) in pipelines.items():
            out = carrier.push(block)
            if i == n_chunks - 1:
                out = np.concatenate([out, carrier.flush()])
            got = sums[name][lazy.numblocks[0] - n_chunks + i]
            want = _sums(out)[0]
            if name == "ewma":              # the same state, the same kernel: bit for bit
                np.testing.assert_array_equal(got, want)
            else:
                np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-6 * out.size ** 0.5)
    client_s = time.perf_counter() - start
    assert before.keys() == after.keys()
    for addr in before:
        assert before[addr]["pid"] == after[addr]["pid"], "a worker restarted"
        assert after[addr]["status"] == "running"
        assert after[addr]["spilled"] == 0, f"worker {addr} spilled {after[addr]['spilled']} bytes"
    for lines in logs.values():
        text = " ".join(str(line) for line in lines)
        assert "Pausing worker" not in text and "Spilling" not in text, text[-2000:]
    print(f"\n{n * 8 / 2 ** 30:.2f} GiB through 2 workers of {WORKER_LIMIT}: cluster {cluster_s} s, "
          f"client reference {client_s:.1f} s")
