"""What does TransNAS-Bench-101's ground truth reward? Op and module counts vs each task's metric.

Ψ counts distinct activation patterns, so it grows with the ReLU units an arch adds. Where a
task's metric rewards the opposite (identity paths, full resolution), no expressivity count
can rank it. This reads only the benchmark's own tables (every arch, no scoring): Spearman ρ
of simple structural counts against each task's final validation metric.

* micro (4,096 archs): how many of the 6 cell edges are none / skip / conv1x1 / conv3x3.
* macro (3,256 archs): modules, downsampling modules (codes 3, 4), width-doubling
  modules (codes 2, 4).

With ``--runs`` (`swap-nas correlate` output trees) the report adds our swap ρ for the task,
the mean over the seeds found there, for contrast; ``--command-file`` lists the commands
that produced them.

    python experiments/tnb_structure/tnb_structure.py --runs runs/corr15 runs/tnb_macro_s32 \
        --command-file runs/tnb_structure_cmds.txt
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from scipy import stats

from swap_plugin.benchmarks import get_ground_truth
from swap_plugin.spaces.tnb101 import TASKS, macro_counts, unpad
from swap_plugin.studies.heatmap import collect, mean_spearman
from swap_plugin.studies.report import produced_by, read_commands, report_head, write_report

FEATURES = {
    "tnb101_micro": ["none", "skip", "conv1x1", "conv3x3"],
    "tnb101_macro": ["modules", "downsampling", "width-doubling"],
}


def structure(space: str, arch) -> List[int]:
    """The counts of ``FEATURES[space]`` for one arch (micro: 6 op indices 0-3)."""
    if space == "tnb101_micro":
        return [sum(op == i for op in arch) for i in range(4)]
    return list(macro_counts(unpad(arch)))


def task_row(space: str, task: str) -> Dict[str, float]:
    """{feature: ρ against the task's metric} over every arch of the benchmark."""
    gt = get_ground_truth(space, task)
    archs = gt.archs(task)
    y = np.array([gt.lookup(a, task) for a in archs])
    counts = np.array([structure(space, a) for a in archs])
    row = {f: float(stats.spearmanr(counts[:, i], y)[0]) for i, f in enumerate(FEATURES[space])}
    row["archs"] = len(archs)
    return row


def swap_means(runs: Sequence[Path]) -> Dict[tuple, float]:
    """{(space, task): mean swap ρ over the seeds under the ``runs`` roots} ({} without
    runs); the trees are read once for every task."""
    if not runs:
        return {}
    return mean_spearman(collect([str(r) for r in runs], proxies=["swap"]), "space", "dataset")


def main(argv: Optional[Sequence[str]] = None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spaces", nargs="+", default=list(FEATURES), choices=list(FEATURES))
    ap.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    ap.add_argument("--runs", type=Path, nargs="+", default=[],
                    help="correlate output trees; adds their mean swap ρ per task")
    ap.add_argument("--command-file", default=None,
                    help="text file with the commands that produced --runs, listed in the report")
    ap.add_argument("--report", default=str(Path(__file__).with_name("report.md")))
    a = ap.parse_args(argv)
    if a.command_file and not a.runs:
        ap.error("--command-file lists the commands behind --runs: give --runs too")
    means = swap_means(a.runs)
    lines = report_head("TransNAS-Bench-101: what the ground truth rewards (structure vs metric)",
                        __file__, argv)
    lines += ["Spearman ρ of structural counts against each task's final validation metric, over "
              "every arch in the benchmark table (no scoring, no sampling). A count that ranks a "
              "task well while Ψ does not marks a task whose metric rewards something other than "
              "expressivity."
              + (" swap: mean ρ over the seeds in " + ", ".join(f"`{r}`" for r in a.runs)
                 + " (1,000 sampled archs each)." if a.runs else ""),
              ""]
    if a.command_file:
        lines += produced_by(read_commands(a.command_file))
    for space in a.spaces:
        feats = FEATURES[space]
        extra = ["swap"] if a.runs else []
        lines += [f"## {space}", "",
                  "| task | archs | " + " | ".join(f"ρ({f})" for f in feats + extra) + " |",
                  "|---|---:|" + "---:|" * (len(feats) + len(extra))]
        for task in a.tasks:
            row = task_row(space, task)
            vals = [f"{row[f]:+.2f}" for f in feats]
            if a.runs:
                vals.append(f"{means[(space, task)]:+.2f}" if (space, task) in means else "—")
            lines.append(f"| {task} | {row['archs']} | " + " | ".join(vals) + " |")
        lines.append("")
    write_report(a.report, lines)


if __name__ == "__main__":
    main()
