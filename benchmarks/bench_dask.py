"""sigconv.dask (API.md §9) on a ``distributed.LocalCluster``: two worker processes on
loopback, one thread each.  Every row, both sides:

* run on the same cluster, on the same input array with the same chunks, persisted on the
  workers before anything is timed;
* keep the result on the cluster (``persist`` + ``wait``, then released): nothing is gathered
  through TCP into the client, as in a pipeline whose next step runs on the workers too;
* include building the graph (each run builds a new one: the kernel is scaled by 1 + i·2⁻²⁰ so
  the keys are new and the scheduler cannot hand back a previous run's blocks);
* are timed in alternation (one run of each side per round, so that a slow phase of a shared
  machine hits both), the minimum over the rounds; one untimed run of each side first.

Rows:

* convolve vs ``dask_image.ndfilters.convolve`` on equal work ('same'-size output, mirrored
  ends, odd kernels so both centre alike): 1D kernels of 15, 255, 1,001 and 4,095 taps, 2D of
  15, 255, 1,023 and 4,095 taps (3×5 .. 63×65); target: faster at every size, 10× from 1,000
  taps.  dask-image runs ``scipy.ndimage.convolve``, direct only, whose cost grows as N·K, so
  the 4,095-tap rows run on a 4× smaller array in 4× smaller chunks.  Full form: chunks of
  32 MiB (1D) and 16 MiB (2D, float32), as Dask recommends (tens of MiB; 8 and 4 MiB for the
  4,095-tap rows); the quick form uses 8 MiB / 4 MiB chunks (2 MiB / 1 MiB at 4,095 taps).
* scaling: the same graph on one worker (pinned, its input held by that worker alone), then on
  both (the input spread over both); compute-bound: K=4,095 (the
  FFT work per chunk, ~40 ms a 16 MiB chunk, dominates the per-task costs), 8 chunks of
  16 MiB (quick) / 16 of 32 MiB (full) so both workers stay busy; target 1.6×.
* overhead vs in-memory ``sigconv.convolve`` on an array that fits in memory, 64 MiB chunks,
  compute-bound (K=4,095): two pairings with the same thread count, (a) one worker × one
  thread (the graph pinned to it, its input held by that worker) against in-memory ``workers=1``, (b) two workers × one
  thread against in-memory ``workers=2``; target 0.87× (less than 15 % overhead).  The
  in-memory side runs in the client process on a NumPy copy of the same data.  The
  memory-bound K=31 case is reported too, without target: the in-memory call does ~3 ns a
  sample there, so the Dask per-task costs are what it measures.
* graph: tasks for 64 chunks against 8 (the columns hold task counts / 8-chunk count × 10:
  target 1×, i.e. growth ≤ 10× for 8× the chunks).

On a shared machine the scaling and overhead (b) rows need both cores free: quote them with
the load (``uptime``) of the run.
"""

from __future__ import annotations

import time

import numpy as np

from benchmarks._harness import Row, have, keep_freed_memory


def _on_cluster(client, make, kernel, workers=None):
    """A run: build ``make(kernel')``'s graph with new keys, run it on the cluster (on
    ``workers`` only, if given) and wait for every block; the blocks stay on the workers and
    are released afterwards."""
    from distributed import wait

    runs = iter(range(1, 10 ** 6))

    def once():
        y = make(kernel * (1 + next(runs) * 2.0 ** -20))
        y = client.persist(y) if workers is None else client.persist(y, workers=workers,
                                                                     allow_other_workers=False)
        wait(y)
        del y

    return once


def _on_one_worker(client, x):
    """``x``'s data held by the first worker alone (new keys), so that the one-worker side reads
    its input locally, as the two-worker side does (otherwise half of it crosses TCP)."""
    from distributed import wait

    worker = sorted(client.scheduler_info()["workers"])[:1]
    x1 = client.persist(x + 0, workers=worker, allow_other_workers=False)
    wait(x1)
    return x1, worker


def _alternated(fns, rounds: int) -> list[float]:
    """Minimum wall time of each function over ``rounds`` rounds, the functions timed in
    alternation within each round, after one untimed run of each."""
    for fn in fns:
        fn()
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            t = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - t)
    return best


def _versus_dask_image(client, quick: bool, rng) -> list[Row]:
    if not have("dask_image"):
        return []
    import dask.array as da
    from dask_image.ndfilters import convolve as di_convolve

    import sigconv.dask as sd

    rows = []
    for m in (15, 255, 1001, 4095):
        # full: 32 MiB chunks; quick: 8 MiB; the 4,095-tap row on a 4x shorter signal in 4x
        # shorter chunks
        n, chunk = (2 ** 23, 2 ** 22) if not quick else (2 ** 22, 2 ** 20)
        if m > 4000:
            n, chunk = n // 4, chunk // 4
        x = client.persist(da.from_array(rng.standard_normal(n), chunks=chunk))
        k = rng.standard_normal(m)
        ours, peer = _alternated([_on_cluster(client, lambda k: sd.convolve(x, k, "same", boundary="symmetric"), k),
                                  _on_cluster(client, lambda k: di_convolve(x, k, mode="reflect"), k)],
                                 rounds=3 if m < 1000 else 2)
        rows.append(Row("dask convolve 1D", f"N=2^{n.bit_length() - 1} chunks=2^{chunk.bit_length() - 1} "
                        f"({chunk * 8 >> 20} MiB) K={m} float64", "dask_image.ndfilters.convolve", ours, peer,
                        target=10 if m >= 1000 else 1))
    for kh, kw in ((3, 5), (15, 17), (31, 33), (63, 65)):
        # float32; full: 4096² in 2048² chunks (16 MiB); quick: 2048² in 1024² (4 MiB); the
        # 4,095-tap row on a 4x smaller image (chunks 4x smaller)
        side, c = (4096, 2048) if not quick else (2048, 1024)
        if kh * kw > 4000:
            side, c = side // 2, c // 2
        image = client.persist(da.from_array(rng.standard_normal((side, side)).astype(np.float32), chunks=c))
        k = rng.standard_normal((kh, kw)).astype(np.float32)
        ours, peer = _alternated([_on_cluster(client, lambda k: sd.convolve2d(image, k, "same", boundary="symm"), k),
                                  _on_cluster(client, lambda k: di_convolve(image, k, mode="reflect"), k)],
                                 rounds=3 if kh * kw < 1000 else 2)
        rows.append(Row("dask convolve 2D", f"{side}² chunks={c}² ({c * c * 4 >> 20} MiB) K={kh}×{kw}={kh * kw} "
                        "float32", "dask_image.ndfilters.convolve", ours, peer, target=10 if kh * kw >= 1000 else 1))
    return rows


def _scaling(client, quick: bool, rng) -> list[Row]:
    import dask.array as da

    import sigconv.dask as sd

    n, chunk = (2 ** 24, 2 ** 21) if quick else (2 ** 26, 2 ** 22)     # 16 / 32 MiB chunks
    x = client.persist(da.random.default_rng(1).standard_normal(n, chunks=chunk))   # made on the workers
    k = rng.standard_normal(4095)
    x1, worker = _on_one_worker(client, x)

    two, one = _alternated([_on_cluster(client, lambda k: sd.convolve(x, k, "same"), k),
                            _on_cluster(client, lambda k: sd.convolve(x1, k, "same"), k, workers=worker)],
                           rounds=3)
    return [Row("dask scaling", f"N=2^{n.bit_length() - 1} in {n // chunk} chunks of 2^{chunk.bit_length() - 1} "
                "K=4095 (compute-bound)", "the same graph on 1 worker", two, one, target=1.6)]


def _overhead(client, quick: bool, rng) -> list[Row]:
    import dask.array as da

    import sigconv
    import sigconv.dask as sd

    chunk = 2 ** 23                     # 64 MiB of float64
    n = chunk * (4 if quick else 8)
    x = client.persist(da.random.default_rng(0).standard_normal(n, chunks=chunk))   # made on the workers
    data = x.compute()                  # the same data in the client, for the in-memory side
    x1, worker = _on_one_worker(client, x)
    rows = []
    for m, target in ((4095, 0.87), (31, None)):
        k = rng.standard_normal(m)

        def memory(w):
            return lambda: sigconv.convolve(data, k, "same", workers=w)

        one, mem1, two, mem2 = _alternated([_on_cluster(client, lambda k: sd.convolve(x1, k, "same"), k,
                                                        workers=worker), memory(1),
                                            _on_cluster(client, lambda k: sd.convolve(x, k, "same"), k), memory(2)],
                                           rounds=3)
        case = f"N=2^{n.bit_length() - 1} in 64 MiB chunks K={m} float64"
        kind = "compute-bound" if target else "memory-bound, no target"
        rows += [Row("dask overhead", f"{case}, 1 worker × 1 thread", "in-memory sigconv.convolve workers=1",
                     one, mem1, target=target, note=kind),
                 Row("dask overhead", f"{case}, 2 workers × 1 thread", "in-memory sigconv.convolve workers=2",
                     two, mem2, target=target, note=kind)]
    return rows


def _graph(rng) -> list[Row]:
    import dask.array as da

    import sigconv.dask as sd

    x = rng.standard_normal(2 ** 16)
    k = rng.standard_normal(65)
    rows = []
    for name, make in (("convolve halo", lambda xd: sd.convolve(xd, k, "same")),
                       ("convolve overlap-add", lambda xd: sd.convolve(xd, k, "same", blocks="overlap-add")),
                       ("match_template", lambda xd: sd.match_template(xd, x[:65])),
                       ("ewma", lambda xd: sd.ewma(xd, alpha=0.1))):
        tasks = {c: len(dict(make(da.from_array(x, chunks=x.size // c)).__dask_graph__())) for c in (8, 64)}
        rows.append(Row("dask graph growth 8→64 chunks", f"{name}: {tasks[8]} → {tasks[64]} tasks",
                        "10 × the 8-chunk graph", tasks[64] / tasks[8], 10.0, target=1,
                        note="columns: growth factor"))
    return rows


def run(quick: bool = False) -> list[Row]:
    if not (have("dask") and have("distributed")):
        return []
    from distributed import Client, LocalCluster

    rng = np.random.default_rng(0)
    rows = _graph(rng)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
    client = Client(cluster)
    client.run(keep_freed_memory)        # the workers keep freed memory too, as this process does
    try:
        rows += _versus_dask_image(client, quick, rng)
        rows += _scaling(client, quick, rng)
        rows += _overhead(client, quick, rng)
    finally:
        client.close()
        cluster.close()
    return rows


if __name__ == "__main__":
    import argparse

    from benchmarks._harness import markdown_table

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    print(markdown_table(run(quick=parser.parse_args().quick)))
