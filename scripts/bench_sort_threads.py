"""The scorer's final sort on 1 vs 2 torch threads, interleaved in one run.

Ψ for 21 ≤ S ≤ 64 ends in one ``torch.sort`` of the V one-word patterns (parallel radix
sort on CPU). On a shared 2-vCPU VM its 2-thread time is bimodal, so the scorer's
overhead over the bare forward moves between benchmark runs. This times the same sort,
alternating 1 and 2 threads, for ``--seconds``, and reports the spread of each.

    python scripts/bench_sort_threads.py            # writes results/bench_sort_threads.md
"""
from __future__ import annotations

import argparse
import platform
import statistics
import time

import torch

from _report import command_line, write_report


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, nargs="+", default=[300_000, 471_040, 757_760],
                    help="keys per sort (V after repeat skipping; 471,040 and 757,760 are bench archs' V)")
    ap.add_argument("--seconds", type=float, default=20.0, help="per key count")
    ap.add_argument("--out", default="results/bench_sort_threads.md")
    a = ap.parse_args(argv)
    if a.seconds <= 0 or min(a.units) < 2:
        raise SystemExit("--seconds must be > 0 and every --units >= 2")
    saved = torch.get_num_threads()
    g = torch.Generator().manual_seed(0)
    rows = []
    try:
        for n in a.units:
            words = torch.randint(-2**31, 2**31 - 1, (n,), dtype=torch.int32, generator=g)
            out = (torch.empty(n, dtype=torch.int32), torch.empty(n, dtype=torch.int64))
            times = {1: [], 2: []}
            end = time.perf_counter() + a.seconds
            while time.perf_counter() < end:
                for threads in (1, 2):
                    torch.set_num_threads(threads)
                    t = time.perf_counter()
                    torch.sort(words, out=out)
                    times[threads].append(time.perf_counter() - t)
            rows.append((n, times))
    finally:
        torch.set_num_threads(saved)
    lines = ["# Final sort of the scorer: 1 vs 2 torch threads", "",
             f"Command: `{command_line(__file__, argv)}`  ",
             f"CPU ({platform.processor() or platform.machine()}), torch {torch.__version__}. "
             "`torch.sort(int32 words, out=...)` as in `SampleWisePatterns.count`, random words, "
             "1 and 2 threads alternated in one loop (ms).", "",
             "| keys | threads | sorts | p10 | median | p90 |", "|---:|---:|---:|---:|---:|---:|"]
    for n, times in rows:
        for threads, ts in times.items():
            lines.append(f"| {n:,} | {threads} | {len(ts)} | {1e3 * percentile(ts, 0.1):.2f} | "
                         f"{1e3 * statistics.median(ts):.2f} | {1e3 * percentile(ts, 0.9):.2f} |")
    write_report(a.out, lines)


if __name__ == "__main__":
    main()
