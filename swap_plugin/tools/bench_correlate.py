"""Throughput of a correlation study: NB201, n archs, C=16 N=5, S images, one seed.

Times `run_study` end to end (building every network, scoring, correlating, writing the
NASLib tree) in a fresh temporary directory, with a process pool of --workers and with
one process, so the table holds both and their ratio from the same run
(``scripts/bench_correlate.py``).
"""
from __future__ import annotations

import os
import platform
import tempfile
import time

import torch

from ..studies import StudyConfig, config_path, run_study


def timed_study(n: int, samples: int, workers: int, device: str, dataset: str) -> tuple:
    with tempfile.TemporaryDirectory() as out:
        cfg = StudyConfig.from_yaml(config_path("nb201"), dataset=dataset, n=n, seeds=[0],
                                    out=out, workers=workers, proxies=["swap", "reg_swap"],
                                    samples=samples, device=device)
        t0 = time.perf_counter()
        summary = run_study(cfg, progress=False)
        return time.perf_counter() - t0, summary["reg_swap"][0]["spearman"]


def run(n: int, samples: int, workers: int, dataset: str, device: str, skip_single: bool, command: str) -> list:
    """Time the study with ``workers`` processes and (unless ``skip_single``) with one; the
    report's lines (``command``: the command it names)."""
    rows = [(workers, *timed_study(n, samples, workers, device, dataset))]
    if not skip_single and workers != 1:
        torch.set_num_threads(os.cpu_count() or 1)
        rows.append((1, *timed_study(n, samples, 1, device, dataset)))
    dev = torch.cuda.get_device_name() if device.startswith("cuda") else \
        f"CPU ({platform.machine()}, {os.cpu_count()} cores)"
    cmd = command
    lines = ["# Correlation-study throughput", "",
             f"Command: `{cmd.strip()}`  ",
             f"Device: {dev}; torch {torch.__version__}. NB201 {dataset}, C=16 N=5, S={samples}, "
             f"{n} archs, one seed, proxies swap + reg_swap (build + score + correlate + write).", "",
             "| processes | wall s | s / arch | Spearman reg_swap |", "|---:|---:|---:|---:|"]
    lines += [f"| {w} | {t:.1f} | {t / n:.3f} | {rho:.3f} |" for w, t, rho in rows]
    if len(rows) == 2:
        lines += ["", f"Speed-up of {rows[0][0]} processes over 1: {rows[1][1] / rows[0][1]:.2f}×"]
    return lines
