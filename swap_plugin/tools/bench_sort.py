"""The scorer's final sort: numpy's in-place sort (what ``SampleWisePatterns.count`` uses
on CPU) against ``torch.sort`` on 1 and 2 threads, interleaved in one run.

Ψ for 21 ≤ S ≤ 64 ends in one sort of the V one-word patterns (int32 for S ≤ 32, int64
above). numpy sorts them with its SIMD sort (AVX2 / AVX-512 where the CPU has them);
``torch.sort`` with a parallel radix sort whose 2-thread time is bimodal on a shared
2-vCPU VM. Patterns of 2 and 4 int64 words (65 ≤ S ≤ 256) are counted as distinct rows:
``unique_rows`` (numpy, each row sorted as one opaque value) against
``torch.unique(dim=0)``. Every arm works on a fresh copy of the same words; the arms
alternate in one loop for ``seconds`` per case, so load drift hits them alike
(``scripts/bench_sort.py``).
"""
from __future__ import annotations

import platform
import statistics
import time
from typing import Sequence

import torch

from ..metric.patterns import sort_words_, unique_rows

BASELINE = "numpy (scorer)"


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def time_arms(words: torch.Tensor, arms: dict, seconds: float) -> dict:
    """{arm: [seconds per call]}; every call gets a fresh copy of ``words``."""
    work = torch.empty_like(words)
    times = {k: [] for k in arms}
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for name, run in arms.items():
            work.copy_(words)
            t = time.perf_counter()
            run(work)
            times[name].append(time.perf_counter() - t)
    return times


def on_threads(threads: int, fn):
    def run(work):
        torch.set_num_threads(threads)
        fn(work)
    return run


def one_word_arms(words: torch.Tensor) -> dict:
    out = (torch.empty_like(words), torch.empty(words.shape, dtype=torch.int64))

    def torch_sort(work):  # into kept buffers, as the scorer's CUDA path does
        torch.sort(work, out=out)
    return {BASELINE: sort_words_, "torch.sort, 1 thread": on_threads(1, torch_sort),
            "torch.sort, 2 threads": on_threads(2, torch_sort)}


def multi_word_arms() -> dict:
    def torch_unique(work):
        torch.unique(work, dim=0)
    return {BASELINE: unique_rows, "torch.unique(dim=0), 2 threads": on_threads(2, torch_unique)}


def run(units: Sequence[int], multi_word_units: int, seconds: float, command: str) -> list:
    """Every arm on random words of each size, ``seconds`` per case; the report's lines
    (``command``: the command it names)."""
    if seconds <= 0 or min(list(units) + [multi_word_units]) < 2:
        raise ValueError("--seconds must be > 0 and every --units / --multi-word-units >= 2")
    saved = torch.get_num_threads()
    g = torch.Generator().manual_seed(0)
    rows = []
    try:
        torch.set_num_threads(2)
        for dtype in (torch.int32, torch.int64):
            for n in units:
                words = torch.randint(-2**31, 2**31 - 1, (n,), generator=g).to(dtype)
                assert torch.equal(sort_words_(words.clone()), torch.sort(words).values)
                rows.append((str(dtype).split(".")[-1], n, time_arms(words, one_word_arms(words), seconds)))
        for n_words in (2, 4):
            words = torch.randint(-2**62, 2**62, (multi_word_units, n_words), generator=g)
            words[::3] = 0  # repeats, as all-zero patterns are
            assert unique_rows(words.clone()).shape == torch.unique(words, dim=0).shape
            rows.append((f"{n_words} × int64", multi_word_units,
                         time_arms(words, multi_word_arms(), seconds)))
    finally:
        torch.set_num_threads(saved)
    lines = ["# Final sort of the scorer: numpy vs torch", "",
             f"Command: `{command}`  ",
             f"CPU ({platform.processor() or platform.machine()}), torch {torch.__version__}. "
             "Random words (int32: 21 ≤ S ≤ 32, int64: 33 ≤ S ≤ 64; 2 / 4 × int64: 65 ≤ S ≤ 256, a "
             "third of those rows all zero), the arms alternated in one loop (ms); 'vs numpy' is "
             "the arm's median over numpy's median.", "",
             "| words | keys | arm | calls | p10 | median | p90 | vs numpy |",
             "|---|---:|---|---:|---:|---:|---:|---:|"]
    for kind, n, times in rows:
        base = statistics.median(times[BASELINE])
        for arm, ts in times.items():
            med = statistics.median(ts)
            lines.append(f"| {kind} | {n:,} | {arm} | {len(ts)} | {1e3 * percentile(ts, 0.1):.2f} | "
                         f"{1e3 * med:.2f} | {1e3 * percentile(ts, 0.9):.2f} | {med / base:.2f}× |")
    return lines
