"""The ``sigconv`` command: ``demo``, ``match``, ``bench`` and ``compile`` (API.md §7).

    sigconv demo [--out DIR]
    sigconv match TEMPLATE SIGNAL [--threshold T] [--min-distance D] [--max-matches K] [--score S]
                  [--mask MASK] [--subpixel] [--stream [--chunk-ms MS]]
    sigconv bench [--quick] [--only NAME ...]
    sigconv compile [--jobs N] [--profile [N]]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _demo(args) -> int:
    from sigconv.demo import run_demo

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"sigconv demo: `--out` {str(out)!r} exists and is not a folder", file=sys.stderr)
        return 2
    run_demo(out)
    return 0


#: how the command line names the parameters of :func:`sigconv.locate` in its error messages
_MATCH_NAMES = {"`x`": "`SIGNAL`", "`template`": "`TEMPLATE`", "`threshold`": "`--threshold`",
                "`min_distance`": "`--min-distance`", "`max_matches`": "`--max-matches`",
                "`score`": "`--score`", "`mask`": "`--mask`"}


def _cli_message(e: Exception) -> str:
    text = str(e)
    for name, flag in _MATCH_NAMES.items():
        text = text.replace(name, flag)
    return text


def _format_position(pos, rate) -> str:
    """A match's place: seconds for sound, row/column for images; sub-sample positions (floats)
    with two decimals."""
    text = [f"{p:.2f}" if isinstance(p, float) else str(p) for p in pos]
    if rate is not None and len(pos) == 1:
        return f"{pos[0] / rate:.{5 if isinstance(pos[0], float) else 3}f} s (sample {text[0]})"
    if len(pos) == 2:
        return f"row {text[0]}, column {text[1]}"
    return "sample " + ", ".join(text)


def _match(args) -> int:
    from sigconv.match import load_signal, locate

    loaded = []
    files = (("TEMPLATE", args.template), ("SIGNAL", args.signal))
    for name, path in files[:1] if args.stream else files:   # --stream never loads SIGNAL whole
        try:
            loaded.append(load_signal(path))
        except (OSError, ValueError) as e:
            print(f"sigconv match: `{name}`: {str(e).replace('`path` ', '')}", file=sys.stderr)
            return 2
    if args.stream and (args.mask is not None or args.subpixel):
        print("sigconv match: `--mask` and `--subpixel` are not available with `--stream`", file=sys.stderr)
        return 2
    if args.stream:
        from sigconv.stream._cli import match_stream

        return match_stream(args, *loaded[0], _cli_message)
    (template, t_rate), (signal, s_rate) = loaded
    if template.ndim != signal.ndim:
        print(f"sigconv match: `TEMPLATE` is {template.ndim}D but `SIGNAL` is {signal.ndim}D; "
              "give two sound/1D files or two images", file=sys.stderr)
        return 2
    if t_rate is not None and s_rate is not None and t_rate != s_rate:
        print(f"sigconv match: sample rates differ (`TEMPLATE` {t_rate} Hz, `SIGNAL` {s_rate} Hz)",
              file=sys.stderr)
        return 2
    mask = None
    if args.mask is not None:
        try:
            mask = load_signal(args.mask)[0] != 0      # nonzero (a white pixel) = the target
        except (OSError, ValueError) as e:
            print(f"sigconv match: `--mask`: {str(e).replace('`path` ', '')}", file=sys.stderr)
            return 2
    try:
        peaks = locate(signal, template, threshold=args.threshold, min_distance=args.min_distance,
                       max_matches=args.max_matches, score=args.score, mask=mask, subpixel=args.subpixel)
    except (ValueError, TypeError) as e:
        print(f"sigconv match: {_cli_message(e)}", file=sys.stderr)
        return 2
    print(f"{len(peaks.scores)} match(es) of {args.template} in {args.signal} "
          f"(score={args.score}, threshold={args.threshold}):")
    for pos, score in zip(peaks.positions, peaks.scores):
        cast = float if args.subpixel else int
        print(f"  {_format_position(tuple(cast(p) for p in pos), s_rate)}  score {score:.4f}")
    return 0


def _bench(args) -> int:
    root = Path(__file__).resolve().parents[1]
    if (root / "benchmarks" / "__main__.py").exists() and str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        from benchmarks.__main__ import main as bench_main
    except ImportError:
        print("sigconv bench: the benchmarks/ folder is not available (it ships with the source "
              "checkout, not the wheel); run it from a clone of the repository", file=sys.stderr)
        return 2
    argv = (["--quick"] if args.quick else []) + (["--only", *args.only] if args.only else [])
    return bench_main(argv)


def _compile(args) -> int:
    from sigconv.compile import WARMUPS, compile_all, profile_compiles

    if args.jobs is not None and args.jobs < 1:
        print(f"sigconv compile: `--jobs` must be >= 1; got {args.jobs}", file=sys.stderr)
        return 2
    if args.profile:
        for name in args.only or WARMUPS:
            warm = WARMUPS[name]
            found = profile_compiles(warm)
            print(f"{name}: {len(found)} compilations, {sum(k.exclusive for k in found):.1f} s")
            for k in found[: args.profile]:
                print(f"  {k.exclusive:6.2f} s  {k.kernel}({k.args})")
        return 0
    print(f"compiling sigconv's kernels into the cache, {args.jobs or 'one job per core'} ...", flush=True)
    times = compile_all(args.jobs, areas=args.only)
    print(f"done in {times['total']:.1f} s (seconds per area are each worker's own)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sigconv", description="Convolution as a signal operation.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the offline showcase, write plots and a report")
    demo.add_argument("--out", default="sigconv-demo", help="output folder (default: %(default)s)")
    demo.set_defaults(func=_demo)

    match = sub.add_parser("match", help="find TEMPLATE in SIGNAL (WAV, NPY, CSV, PNG, JPEG)")
    match.add_argument("template")
    match.add_argument("signal")
    match.add_argument("--threshold", type=float, default=0.8,
                       help="score a match must exceed (an upper bound for sqdiff/zdist)")
    match.add_argument("--min-distance", type=int, default=None,
                       help="samples between matches (default: the template's size)")
    match.add_argument("--max-matches", type=int, default=None)
    match.add_argument("--score", default="zncc", choices=("zncc", "ncc", "ccorr", "sqdiff", "zdist"))
    match.add_argument("--mask", default=None, metavar="MASK",
                       help="an image (or NPY/CSV array) of TEMPLATE's shape: nonzero pixels are the target, "
                            "the others are ignored")
    match.add_argument("--subpixel", action="store_true",
                       help="refine each match to a fraction of a sample (3-point parabola per axis)")
    match.add_argument("--stream", action="store_true",
                       help="read a WAV SIGNAL block by block, printing each match as it is found")
    match.add_argument("--chunk-ms", type=float, default=10.0,
                       help="with --stream: milliseconds per block (default: %(default)s)")
    match.set_defaults(func=_match)

    bench = sub.add_parser("bench", help="time sigconv against the installed peers")
    bench.add_argument("--quick", action="store_true", help="small grid (under 3 minutes)")
    bench.add_argument("--only", nargs="*", default=None, help="benchmark modules, e.g. bench_convolve")
    bench.set_defaults(func=_bench)

    comp = sub.add_parser("compile", help="compile every kernel ahead of use, on all cores, into the cache")
    comp.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    comp.add_argument("--profile", type=int, nargs="?", const=10, default=0, metavar="N",
                      help="instead: compile in this process and list the N costliest kernels per area")
    from sigconv.compile import WARMUPS

    comp.add_argument("--only", nargs="+", default=None, choices=tuple(WARMUPS), metavar="AREA",
                      help="these areas only, among: " + ", ".join(map(repr, WARMUPS)))
    comp.set_defaults(func=_compile)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
