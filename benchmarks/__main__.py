"""Run every ``bench_*`` module and print the markdown ratio table.

``python -m benchmarks [--quick] [--only NAME ...]``
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time

import benchmarks
from benchmarks._harness import markdown_table

PEERS = ("scipy", "pandas", "statsmodels", "skimage", "cv2", "stumpy", "torch", "sktime")


def discover() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small grid (a few minutes)")
    parser.add_argument("--only", nargs="*", default=None, help="module names (e.g. bench_convolve)")
    args = parser.parse_args(argv)
    from benchmarks._harness import have, keep_freed_memory

    keep_freed_memory()

    missing = [p for p in PEERS if not have(p)]
    if missing:
        print(f"peers not installed (their rows are skipped): {', '.join(missing)}")
    rows = []
    start = time.perf_counter()
    for name in discover():
        if args.only and name not in args.only:
            continue
        module = importlib.import_module(f"benchmarks.{name}")
        t0 = time.perf_counter()
        rows.extend(module.run(quick=args.quick))
        print(f"# {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    print(markdown_table(rows))
    print(f"\n{len(rows)} rows in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
