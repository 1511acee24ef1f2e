"""The scorer's final sort: numpy's in-place sort (what ``SampleWisePatterns.count`` uses
on CPU) against ``torch.sort`` on 1 and 2 threads, interleaved in one run.

Ψ for 21 ≤ S ≤ 64 ends in one sort of the V one-word patterns (int32 for S ≤ 32, int64
above). numpy sorts them with its SIMD sort (AVX2 / AVX-512 where the CPU has them);
``torch.sort`` with a parallel radix sort whose 2-thread time is bimodal on a shared
2-vCPU VM. Each arm sorts a fresh copy of the same words; the three arms alternate in
one loop for ``--seconds`` per key count, so load drift hits them alike.

    python scripts/bench_sort.py            # writes results/bench_sort.md
"""
from __future__ import annotations

import argparse
import platform
import statistics
import time

import torch

from _report import command_line, write_report
from swap_plugin.metric.patterns import sort_words_


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def time_arms(words: torch.Tensor, seconds: float) -> dict:
    """{arm: [seconds per sort]}; every arm sorts a fresh copy of ``words``."""
    n = words.numel()
    work = torch.empty_like(words)
    out = (torch.empty_like(words), torch.empty(n, dtype=torch.int64))

    def torch_sort(threads):
        def run():
            torch.set_num_threads(threads)
            torch.sort(work, out=out)
        return run

    arms = {"numpy (scorer)": lambda: sort_words_(work),
            "torch.sort, 1 thread": torch_sort(1), "torch.sort, 2 threads": torch_sort(2)}
    times = {k: [] for k in arms}
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for name, run in arms.items():
            work.copy_(words)
            t = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t)
    assert torch.equal(sort_words_(words.clone()), torch.sort(words).values)
    return times


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, nargs="+", default=[300_000, 471_040, 757_760],
                    help="keys per sort (V after repeat skipping; 471,040 and 757,760 are bench archs' V)")
    ap.add_argument("--seconds", type=float, default=10.0, help="per key count and word type")
    ap.add_argument("--out", default="results/bench_sort.md")
    a = ap.parse_args(argv)
    if a.seconds <= 0 or min(a.units) < 2:
        raise SystemExit("--seconds must be > 0 and every --units >= 2")
    saved = torch.get_num_threads()
    g = torch.Generator().manual_seed(0)
    rows = []
    try:
        for dtype in (torch.int32, torch.int64):
            for n in a.units:
                words = torch.randint(-2**31, 2**31 - 1, (n,), generator=g).to(dtype)
                rows.append((dtype, n, time_arms(words, a.seconds)))
    finally:
        torch.set_num_threads(saved)
    lines = ["# Final sort of the scorer: numpy vs torch.sort", "",
             f"Command: `{command_line(__file__, argv)}`  ",
             f"CPU ({platform.processor() or platform.machine()}), torch {torch.__version__}. "
             "Random words (int32: 21 ≤ S ≤ 32, int64: 33 ≤ S ≤ 64), the arms alternated in one "
             "loop (ms); 'vs numpy' is the arm's median over numpy's median.", "",
             "| words | keys | arm | sorts | p10 | median | p90 | vs numpy |",
             "|---|---:|---|---:|---:|---:|---:|---:|"]
    for dtype, n, times in rows:
        base = statistics.median(times["numpy (scorer)"])
        for arm, ts in times.items():
            med = statistics.median(ts)
            lines.append(f"| {str(dtype).split('.')[-1]} | {n:,} | {arm} | {len(ts)} | "
                         f"{1e3 * percentile(ts, 0.1):.2f} | {1e3 * med:.2f} | "
                         f"{1e3 * percentile(ts, 0.9):.2f} | {med / base:.2f}× |")
    write_report(a.out, lines)


if __name__ == "__main__":
    main()
