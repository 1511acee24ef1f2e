"""SWAP-NAS on NAS-Bench-201 under NASLib's ``Trainer`` (NASLib graphs, NASLib seeds).

:func:`sweep` runs ``swap-nas naslib nas`` (optimizer ``swap_evolution``) once per (seed,
dataset) in a subprocess, skips runs whose ``final_architecture.json`` exists (so a
killed sweep resumes) and looks the found arch up in the NB201 table of SWAP_DATA_DIR
(NASLib's own dataset_api pickles are not needed); :func:`write_report` writes a markdown
table, with the per-seed rows in a JSON beside it. Needs NASLib importable (its source on
PYTHONPATH) for the runs, not for reading finished ones.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Sequence, Tuple

import numpy as np
import yaml

from ..benchmarks import NB201_TEST_COLUMNS, get_ground_truth
from ..files import atomic_write_text
from ..studies.config import config_dir
from ..studies.report import read_json_file, write_text_report

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
#: (dataset, seed, arch, evaluations, test accuracy, wall seconds) of one search
Row = Tuple[str, int, tuple, int, float, float]


def default_config() -> Path:
    return config_dir() / "naslib" / "swap_evolution_nb201.yaml"


def _runner_env() -> dict:
    """This process's environment with this package first on PYTHONPATH, so the runner
    subprocess runs the same code (NASLib stays on the path after it)."""
    here = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)}


def sweep(seeds: Sequence[int], datasets: Sequence[str], config, runs, extra: Sequence[str] = ()) -> List[Row]:
    """One ``swap_evolution`` search per (seed, dataset) under ``runs`` (NASLib's out_dir),
    ``extra``: NASLib ``key value`` overrides. Finished runs are read, not rerun."""
    gt = get_ground_truth("nb201")
    rows = []
    for seed in seeds:
        for ds in datasets:
            run_dir = Path(runs) / "nasbench201" / ds / "swap_evolution" / str(seed)
            final = run_dir / "final_architecture.json"
            if not final.exists():
                t0 = time.time()
                cmd = [sys.executable, "-m", "swap_plugin.cli", "naslib", "nas", "--config-file", str(config),
                       "seed", str(seed), "dataset", ds, "out_dir", str(runs), *extra]
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=_runner_env())
                atomic_write_text(run_dir / "wall_seconds.txt", f"{time.time() - t0:.1f}\n")
            r = read_json_file(final)
            wall = float((run_dir / "wall_seconds.txt").read_text()) if (run_dir / "wall_seconds.txt").exists() else float("nan")
            test = gt.lookup(tuple(r["arch"]), ds, NB201_TEST_COLUMNS[ds])
            rows.append((ds, seed, tuple(r["arch"]), r["evaluations"], test, wall))
            print(f"seed {seed} {ds}: {r['arch']} E={r['evaluations']} test={test:.2f} ({wall:.0f}s)", flush=True)
    return rows


def report_lines(rows: Sequence[Row], datasets: Sequence[str], config, extra: Sequence[str], command: str) -> list:
    base = config_dir().parent
    shown = Path(config).relative_to(base) if Path(config).is_relative_to(base) else config
    lines = ["# SWAP-NAS on NAS-Bench-201 under NASLib's Trainer", "",
             f"Command: `{command}` (NASLib source on PYTHONPATH)", "",
             f"Config `{shown}` "
             f"with overrides `{' '.join(extra) or 'none'}`. NASLib builds and initialises the networks "
             "(its NB201 graph, its seeding), `swap_plugin.naslib.SwapEvolution` evolves them; the found "
             "arch's 200-epoch test accuracy (%) is looked up in the NB201 table of SWAP_DATA_DIR. "
             "Wall time includes NASLib's start-up and graph building on this CPU.", "",
             "| dataset | seeds | E (mean) | test accuracy | wall s per search | archs found |",
             "|---|---:|---:|---|---:|---|"]
    for ds in datasets:
        rs = [r for r in rows if r[0] == ds]
        t = np.array([r[4] for r in rs])
        found = ", ".join(sorted({"".join(map(str, r[2])) for r in rs}))
        lines.append(f"| {ds} | {len(rs)} | {np.mean([r[3] for r in rs]):.1f} | {t.mean():.2f} ± {t.std():.2f} | "
                     f"{np.nanmean([r[5] for r in rs]):.0f} | {found} |")
    return lines


def rows_record(rows: Sequence[Row], config, extra: Sequence[str], command: str) -> dict:
    """The JSON beside the report: the search settings (config + overrides) and every row."""
    search = yaml.safe_load(Path(config).read_text())["search"]
    search.update({k.split(".", 1)[1]: yaml.safe_load(v) for k, v in zip(extra[::2], extra[1::2])
                   if k.startswith("search.")})
    return {"command": command, "overrides": list(extra),
            "settings": {**{k: search.get(k) for k in ("population_size", "epochs", "sample_size", "mutation_times",
                                                       "crossover_prob", "proxy", "swap_mu", "swap_sigma")},
                         "ensemble_reference": search.get("ensemble_reference", 200)},
            "rows": [{"seed": r[1], "dataset": r[0], "arch": list(r[2]), "evaluations": r[3], "test": r[4],
                      "wall_seconds": r[5]} for r in rows]}


def write_report(out, rows: Sequence[Row], datasets: Sequence[str], config, extra: Sequence[str],
                 command: str) -> list:
    """``out`` (markdown) and ``out`` with suffix .json (the rows); returns the report lines."""
    out = Path(out)
    lines = report_lines(rows, datasets, config, extra, command)
    write_text_report(out, "\n".join(lines) + "\n")
    atomic_write_text(out.with_suffix(".json"), json.dumps(rows_record(rows, config, extra, command), indent=1) + "\n")
    return lines
