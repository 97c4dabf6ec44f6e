"""Template matching against skimage, OpenCV and stumpy (issue: template matching).

Groups (ratios are peer time / sigconv time, measured in the same run, all threads):

* ``match 2D zncc``: ``match_template(image, template)`` on float32 images against
  ``skimage.feature.match_template`` (target 3×) and ``cv2.matchTemplate(...,
  TM_CCOEFF_NORMED)`` (target 0.67×, i.e. within 1.5×);
* ``match 1D``: a 1e6-sample signal, 'zdist' (float64) against ``stumpy.mass`` (target 5×) and
  'zncc' (float32) against OpenCV on a 1×N image (target 1×).

* ``match 2D masked``: zncc with a 64² disc mask on a 1024² float32 image against OpenCV's
  masked ``TM_CCORR_NORMED`` (target 1×, all threads and one thread; it needs two
  correlations where masked zncc needs three), against OpenCV's masked ``TM_CCOEFF_NORMED``
  (the same score as masked zncc; no target, for information) and against sigconv's own
  unmasked zncc (target: within 3×, i.e. ratio ≥ 0.33);
* ``match_many``: 8 templates of 48² on one 1024² float32 image, ``Matcher(x).match_many``
  against eight ``match_template`` calls (target 2×), with one disc mask and without.

Each OpenCV comparison is also made on one thread for both sides ("1 thread" rows): on a
shared, oversubscribed machine, threaded timings mostly measure the scheduler.  Numba's OpenMP
workers spin after each parallel region and slow scipy.fft's own threads down (measured 2-5x
on the all-threads rows); ``OMP_WAIT_POLICY=PASSIVE`` in the environment removes that.  Timings on a
shared 2-core machine are noisy: the sides of a row are timed in alternation (every round times
each side once) and the minimum over rounds is reported (stumpy's seconds-long calls are timed
once, apart).
"""

from __future__ import annotations

import numpy as np

from benchmarks._harness import Row, best_time, best_times, have
from sigconv.match import Matcher, match_template


def _timer(quick: bool):
    def t(fn):
        return best_time(fn, repeat=t.repeat, min_time=t.min_time)
    t.repeat, t.min_time = (3, 0.05) if quick else (5, 0.2)
    return t


def _image(n: int, rng) -> np.ndarray:
    # a smooth random field plus texture: realistic for template matching, not white noise
    base = rng.standard_normal((n, n)).astype(np.float32)
    return (np.cumsum(np.cumsum(base, axis=0), axis=1) / n + base).astype(np.float32)


def _alternated(t, fns: dict, one_thread: bool = False) -> dict:
    """Minimum times of ``fns`` (name -> callable) timed in alternation; with ``one_thread``
    OpenCV is held to one thread meanwhile."""
    import contextlib

    names = list(fns)
    with contextlib.ExitStack() as stack:
        if one_thread and have("cv2"):
            import cv2

            before = cv2.getNumThreads()
            cv2.setNumThreads(1)
            stack.callback(cv2.setNumThreads, before)
        times = best_times([fns[k] for k in names], repeat=t.repeat, min_time=t.min_time)
    return dict(zip(names, times, strict=True))


def _match_2d(quick: bool, t) -> list[Row]:
    rows = []
    rng = np.random.default_rng(0)
    grid = ((1024, (32, 128)),) if quick else ((1024, (16, 32, 64, 128)), (2048, (16, 32, 64, 128)))
    for n, sizes in grid:
        image = _image(n, rng)
        for m in sizes:
            tpl = image[n // 3:n // 3 + m, n // 2:n // 2 + m].copy()
            case = f"{n}² float32, template {m}²"
            fns = {"ours": lambda image=image, tpl=tpl: match_template(image, tpl)}
            if have("skimage"):
                from skimage.feature import match_template as sk_match

                fns["skimage"] = lambda image=image, tpl=tpl: sk_match(image, tpl)
            if have("cv2"):
                import cv2

                fns["cv2"] = lambda image=image, tpl=tpl: cv2.matchTemplate(image, tpl, cv2.TM_CCOEFF_NORMED)
            got = _alternated(t, fns)
            if "skimage" in got:
                rows.append(Row("match 2D zncc", case, "skimage.match_template", got["ours"], got["skimage"], 3.0))
            if "cv2" in got:
                rows.append(Row("match 2D zncc", case, "cv2 TM_CCOEFF_NORMED", got["ours"], got["cv2"], 0.67))
                one = _alternated(t, {"ours": lambda image=image, tpl=tpl: match_template(image, tpl, workers=1),
                                      "cv2": fns["cv2"]}, one_thread=True)
                rows.append(Row("match 2D zncc, 1 thread", case, "cv2 TM_CCOEFF_NORMED 1 thread", one["ours"],
                                one["cv2"], 0.67))
    return rows


def _match_1d(quick: bool, t) -> list[Row]:
    rows = []
    rng = np.random.default_rng(1)
    n = 1_000_000
    x = np.cumsum(rng.standard_normal(n)) * 0.01 + rng.standard_normal(n)
    for m in ((256,) if quick else (256, 16000)):
        tpl = x[n // 2:n // 2 + m].copy()
        if have("stumpy"):
            import stumpy

            ours = t(lambda tpl=tpl: match_template(x, tpl, score="zdist"))   # stumpy: too slow to alternate
            if m > 1000:  # stumpy.mass takes minutes here (its sliding dot product is direct): once
                peer = best_time(lambda tpl=tpl: stumpy.mass(tpl, x), repeat=1, min_time=0.0, warmup=False)
            else:  # seconds per call: one timed call after the JIT warm-up
                peer = best_time(lambda tpl=tpl: stumpy.mass(tpl, x), repeat=1 if quick else 3, min_time=0.0)
            rows.append(Row("match 1D zdist", f"N=1e6 float64, m={m}", "stumpy.mass", ours, peer, 5.0))
        if have("cv2"):
            import cv2

            x32 = x.astype(np.float32)
            t32 = tpl.astype(np.float32)

            def peer(x32=x32, t32=t32):
                return cv2.matchTemplate(x32[None, :], t32[None, :], cv2.TM_CCOEFF_NORMED)

            got = _alternated(t, {"ours": lambda x32=x32, t32=t32: match_template(x32, t32), "cv2": peer})
            rows.append(Row("match 1D zncc", f"N=1e6 float32, m={m}", "cv2 TM_CCOEFF_NORMED 1×N",
                            got["ours"], got["cv2"], 1.0))
            one = _alternated(t, {"ours": lambda x32=x32, t32=t32: match_template(x32, t32, workers=1),
                                  "cv2": peer}, one_thread=True)
            rows.append(Row("match 1D zncc, 1 thread", f"N=1e6 float32, m={m}",
                            "cv2 TM_CCOEFF_NORMED 1×N 1 thread", one["ours"], one["cv2"], 1.0))
    return rows


def _disc(n: int) -> np.ndarray:
    yy, xx = np.mgrid[:n, :n]
    return (yy - (n - 1) / 2) ** 2 + (xx - (n - 1) / 2) ** 2 <= (n / 2) ** 2


def _match_masked(quick: bool) -> list[Row]:
    rows = []
    repeat, min_time = (3, 0.05) if quick else (5, 0.2)
    image = _image(1024, np.random.default_rng(2))
    tpl = image[400:464, 300:364].copy()
    mask = _disc(64)
    case = "1024² float32, template 64², disc mask"

    def ours(workers=None):
        return lambda: match_template(image, tpl, mask=mask, workers=workers)

    plain, masked = best_times([lambda: match_template(image, tpl), ours()], repeat=repeat, min_time=min_time)
    rows.append(Row("match 2D masked", case, "sigconv unmasked zncc", masked, plain, 1 / 3,
                    note="masked zncc within 3x of unmasked"))
    if have("cv2"):
        import cv2

        mask32 = mask.astype(np.float32)

        def peer(flag):
            return lambda: cv2.matchTemplate(image, tpl, flag, mask=mask32)

        for threads, workers, suffix in ((None, None, ""), (1, 1, ", 1 thread")):
            before = cv2.getNumThreads()
            if threads is not None:
                cv2.setNumThreads(threads)
            try:   # both peers and ours in alternation, in one run
                ccorr, ccoeff, mine = best_times([peer(cv2.TM_CCORR_NORMED), peer(cv2.TM_CCOEFF_NORMED),
                                                  ours(workers)], repeat=repeat, min_time=min_time)
            finally:
                cv2.setNumThreads(before)
            rows.append(Row("match 2D masked" + suffix, case, "cv2 TM_CCORR_NORMED masked" + suffix[1:], mine,
                            ccorr, 1.0))
            rows.append(Row("match 2D masked" + suffix, case, "cv2 TM_CCOEFF_NORMED masked" + suffix[1:], mine,
                            ccoeff, None, note="the same score as masked zncc; for information"))
    return rows


def _match_many(quick: bool) -> list[Row]:
    rows = []
    repeat, min_time = (2, 0.0) if quick else (5, 0.2)   # one round of 8 templates takes 0.1-0.5 s
    image = _image(1024, np.random.default_rng(3))
    templates = [image[100 * i + 50:100 * i + 98, 90 * i + 30:90 * i + 78].copy() for i in range(8)]
    for mask, label in ((_disc(48), "one disc mask"), (None, "no mask")):
        separate, many = best_times([
            lambda mask=mask: [match_template(image, t, mask=mask) for t in templates],
            lambda mask=mask: Matcher(image).match_many(templates, mask=mask)], repeat=repeat, min_time=min_time)
        rows.append(Row("match_many", f"1024² float32, 8 templates 48², {label}", "8 match_template calls",
                        many, separate, 2.0))
    return rows


def run(quick: bool) -> list[Row]:
    t = _timer(quick)
    return _match_2d(quick, t) + _match_1d(quick, t) + _match_masked(quick) + _match_many(quick)
