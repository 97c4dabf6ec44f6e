"""sigconv.dask (API.md §9) on a ``distributed.LocalCluster``: two worker processes on
loopback, one thread each, the inputs persisted on the workers before anything is timed.

* convolve vs ``dask_image.ndfilters.convolve`` on equal work (same array, chunks and cluster,
  'same'-size output, odd kernels so both centre alike): 1D kernels of 15, 255, 1,001 and 4,095
  taps, 2D kernels of 15, 255, 1,023 and 4,095 taps (3×5 .. 63×65); target: faster at every size
  (1×), 10× from 1,000 taps (dask-image runs ``scipy.ndimage.convolve``, direct only, whose
  cost grows as N·K: the 4,095-tap kernel runs on a 4× shorter signal to keep its row short);
* scaling: the same graph on one worker, then on two (target 1.6×, compute-bound: 255 taps);
* overhead: in-memory ``sigconv.convolve`` on the whole array (every core) against the Dask
  twin in 64 MiB chunks on the cluster (target 0.87×, i.e. less than 15 % overhead), and the
  same against the floor of any Dask version (``map_blocks`` of the in-memory call, no halo);
* graph: tasks for 64 chunks against 8 (the columns hold task counts / 8-chunk count × 10:
  target 1×, i.e. growth ≤ 10× for 8× the chunks).

Quick mode runs small arrays (the 4,095-tap dask-image rows take most of its time; dask-image,
plain scipy, is timed once without a warm-up run).  On a shared machine the scaling and
overhead rows need both cores free: quote them from a quiet run.
"""

from __future__ import annotations

import numpy as np

from benchmarks._harness import Row, best_time, have, keep_freed_memory


def _time(client, make, kernel, *, repeat: int, warmup: bool = True) -> float:
    """Best wall time of building ``make(kernel)``'s graph, running it on the cluster and waiting
    for every block (results stay on the workers, as they would in a pipeline).  Each run scales
    the kernel by 1 + i·2⁻²⁰ (a float32 kernel changes too), so its graph has new keys: Dask
    would otherwise hand back the blocks of a previous run still held by the scheduler."""
    from distributed import wait

    runs = iter(range(1, 1000))

    def once():
        y = client.persist(make(kernel * (1 + next(runs) * 2.0 ** -20)))
        wait(y)
        del y

    return best_time(once, repeat=repeat, min_time=0.0, warmup=warmup)


def _versus_dask_image(client, quick: bool, rng) -> list[Row]:
    if not have("dask_image"):
        return []
    import dask.array as da
    from dask_image.ndfilters import convolve as di_convolve

    import sigconv.dask as sd

    rows = []
    for m in (15, 255, 1001, 4095):
        # dask-image's direct loop costs N·K: the long kernels run on a shorter signal
        n, chunk = (2 ** 21, 2 ** 18) if m < 4000 else (2 ** 19, 2 ** 16)
        if not quick:
            n, chunk = n * 4, chunk * 4
        x = client.persist(da.from_array(rng.standard_normal(n), chunks=chunk))
        k = rng.standard_normal(m)
        ours = _time(client, lambda k: sd.convolve(x, k, "same", boundary="symmetric"), k, repeat=3)
        peer = _time(client, lambda k: di_convolve(x, k, mode="reflect"), k, repeat=1, warmup=False)
        rows.append(Row("dask convolve 1D", f"N=2^{n.bit_length() - 1} chunks=2^{chunk.bit_length() - 1} K={m} "
                        "float64", "dask_image.ndfilters.convolve", ours, peer, target=10 if m >= 1000 else 1))
    for kh, kw in ((3, 5), (15, 17), (31, 33), (63, 65)):
        side, c = (1024, 256) if kh * kw < 1000 else (512, 128)
        if not quick:
            side, c = side * 2, c * 2
        image = client.persist(da.from_array(rng.standard_normal((side, side)).astype(np.float32), chunks=c))
        k = rng.standard_normal((kh, kw)).astype(np.float32)
        ours = _time(client, lambda k: sd.convolve2d(image, k, "same", boundary="symm"), k, repeat=3)
        peer = _time(client, lambda k: di_convolve(image, k, mode="reflect"), k, repeat=1, warmup=False)
        rows.append(Row("dask convolve 2D", f"{side}² chunks={c}² K={kh}×{kw}={kh * kw} float32",
                        "dask_image.ndfilters.convolve", ours, peer, target=10 if kh * kw >= 1000 else 1))
    return rows


def _scaling(client, quick: bool, rng) -> list[Row]:
    import dask.array as da

    import sigconv.dask as sd

    n, chunk = (2 ** 22, 2 ** 19) if quick else (2 ** 24, 2 ** 20)
    x = client.persist(da.from_array(rng.standard_normal(n), chunks=chunk))
    k = rng.standard_normal(255)
    workers = sorted(client.scheduler_info()["workers"])
    from distributed import wait

    runs = iter(range(1, 1000))

    def on(allowed):
        def run():
            kernel = k * (1 + next(runs) * 2.0 ** -20)     # new keys each run (see _time)
            y = client.persist(sd.convolve(x, kernel, "same", method="direct"), workers=allowed,
                               allow_other_workers=False)
            wait(y)
            del y
        return run

    one = best_time(on(workers[:1]), repeat=3, min_time=0.0)
    two = best_time(on(workers), repeat=3, min_time=0.0)
    return [Row("dask scaling", f"N=2^{n.bit_length() - 1} chunks=2^{chunk.bit_length() - 1} K=255 direct",
                "the same graph on 1 worker", two, one, target=1.6)]


def _overhead(client, quick: bool, rng) -> list[Row]:
    import dask.array as da

    import sigconv
    import sigconv.dask as sd

    chunk = 2 ** 23                     # 64 MiB of float64
    n = chunk * (2 if quick else 8)
    data = rng.standard_normal(n)
    x = client.persist(da.random.default_rng(0).standard_normal(n, chunks=chunk))   # made on the workers
    k = rng.standard_normal(31)
    ours = _time(client, lambda k: sd.convolve(x, k, "same"), k, repeat=3)
    memory = best_time(lambda: sigconv.convolve(data, k, "same"), repeat=3, min_time=0.0)
    # the floor of any Dask version: each chunk convolved alone by map_blocks (no halo, so wrong
    # at the chunk edges), the same chunks, cluster and in-memory engine
    floor = _time(client, lambda k: x.map_blocks(_alone, k, dtype=x.dtype), k, repeat=3)
    case = f"N=2^{n.bit_length() - 1} in 64 MiB chunks K=31 float64"
    return [Row("dask overhead", case, "in-memory sigconv.convolve (every core)", ours, memory, target=0.87),
            Row("dask overhead", case, "dask map_blocks of in-memory convolve, no halo (Dask's floor)", ours, floor,
                target=0.87)]


def _alone(block, k):
    import sigconv

    return sigconv.convolve(block, k, "same", workers=1)


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
