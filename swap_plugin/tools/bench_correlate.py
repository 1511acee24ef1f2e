"""Throughput of a correlation study: NB201, n archs, C=16 N=5, S images, one seed.

Times `run_study` end to end (building every network, scoring, correlating, writing the
NASLib tree) in a fresh temporary directory, with a process pool of --workers and with
one process, so the table holds both and their ratio from the same run.

    python scripts/bench_correlate.py --n 1000 --samples 32 --workers 2   # writes results/bench_correlate.md
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swap_plugin.studies.report import command_line, write_report  # noqa: E402
from swap_plugin.studies import StudyConfig, config_path, run_study  # noqa: E402


def timed_study(n: int, samples: int, workers: int, device: str, dataset: str) -> tuple:
    with tempfile.TemporaryDirectory() as out:
        cfg = StudyConfig.from_yaml(config_path("nb201"), dataset=dataset, n=n, seeds=[0],
                                    out=out, workers=workers, proxies=["swap", "reg_swap"],
                                    samples=samples, device=device)
        t0 = time.perf_counter()
        summary = run_study(cfg, progress=False)
        return time.perf_counter() - t0, summary["reg_swap"][0]["spearman"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--samples", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dataset", default="cifar10")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--skip-single", action="store_true", help="do not time the 1-process run")
    ap.add_argument("--out", default="results/bench_correlate.md")
    a = ap.parse_args(argv)
    rows = [(a.workers, *timed_study(a.n, a.samples, a.workers, a.device, a.dataset))]
    if not a.skip_single and a.workers != 1:
        torch.set_num_threads(os.cpu_count() or 1)
        rows.append((1, *timed_study(a.n, a.samples, 1, a.device, a.dataset)))
    dev = torch.cuda.get_device_name() if a.device.startswith("cuda") else \
        f"CPU ({platform.machine()}, {os.cpu_count()} cores)"
    cmd = command_line(__file__, argv)
    lines = ["# Correlation-study throughput", "",
             f"Command: `{cmd.strip()}`  ",
             f"Device: {dev}; torch {torch.__version__}. NB201 {a.dataset}, C=16 N=5, S={a.samples}, "
             f"{a.n} archs, one seed, proxies swap + reg_swap (build + score + correlate + write).", "",
             "| processes | wall s | s / arch | Spearman reg_swap |", "|---:|---:|---:|---:|"]
    lines += [f"| {w} | {t:.1f} | {t / a.n:.3f} | {rho:.3f} |" for w, t, rho in rows]
    if len(rows) == 2:
        lines += ["", f"Speed-up of {rows[0][0]} processes over 1: {rows[1][1] / rows[0][1]:.2f}×"]
    write_report(a.out, lines)


if __name__ == "__main__":
    main()
