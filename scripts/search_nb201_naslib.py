#!/usr/bin/env python
"""SWAP-NAS on NAS-Bench-201 under NASLib's ``Trainer`` (NASLib graphs, NASLib seeds).

Runs ``scripts/naslib_nas_runner.py`` (optimizer ``swap_evolution``) once per (seed,
dataset) in a subprocess, skips runs whose ``final_architecture.json`` exists (so a
killed sweep resumes), looks the found arch up in the NB201 table of SWAP_DATA_DIR
(NASLib's own dataset_api pickles are not needed) and writes a markdown table, with the
per-seed rows in a JSON beside it (read by ``experiments/search_nb201_variants/search_nb201_variants.py``).

Needs NASLib importable (its source on PYTHONPATH, e.g. ``source /work/naslib-dev/env.sh``).

    python scripts/search_nb201_naslib.py --seeds 3 --out experiments/search_nb201_variants/search_nb201_naslib.md \\
        --runs runs/naslib_nb201 -- search.epochs 16 search.swap_mu 1.5 search.swap_sigma 1.5
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from swap_plugin.studies.report import atomic_write_text, read_json_file, write_text_report  # noqa: E402
from swap_plugin.benchmarks import NB201_TEST_COLUMNS, get_ground_truth  # noqa: E402

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
TEST_COLUMN = NB201_TEST_COLUMNS


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    own = argv[:argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=3, help="how many seeds")
    p.add_argument("--first-seed", type=int, default=0,
                   help="run seeds first-seed .. first-seed+seeds-1 (split a sweep over processes)")
    p.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    p.add_argument("--config", default=str(ROOT / "configs" / "naslib" / "swap_evolution_nb201.yaml"))
    p.add_argument("--runs", type=Path, default=Path("runs/naslib_nb201"))
    p.add_argument("--out", type=Path,
                   default=ROOT / "experiments" / "search_nb201_variants" / "search_nb201_naslib.md")
    a = p.parse_args(own)
    gt = get_ground_truth("nb201")
    rows = []
    for seed in range(a.first_seed, a.first_seed + a.seeds):
        for ds in a.datasets:
            run_dir = a.runs / "nasbench201" / ds / "swap_evolution" / str(seed)
            final = run_dir / "final_architecture.json"
            if not final.exists():
                t0 = time.time()
                cmd = [sys.executable, str(ROOT / "scripts" / "naslib_nas_runner.py"), "--config-file", a.config,
                       "seed", str(seed), "dataset", ds, "out_dir", str(a.runs), *extra]
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                atomic_write_text(run_dir / "wall_seconds.txt", f"{time.time() - t0:.1f}\n")
            r = read_json_file(final)
            wall = float((run_dir / "wall_seconds.txt").read_text()) if (run_dir / "wall_seconds.txt").exists() else float("nan")
            test = gt.lookup(tuple(r["arch"]), ds, TEST_COLUMN[ds])
            rows.append((ds, seed, tuple(r["arch"]), r["evaluations"], test, wall))
            print(f"seed {seed} {ds}: {r['arch']} E={r['evaluations']} test={test:.2f} ({wall:.0f}s)", flush=True)
    cmd = "python scripts/search_nb201_naslib.py " + " ".join(argv)
    lines = ["# SWAP-NAS on NAS-Bench-201 under NASLib's Trainer", "",
             f"Command: `{cmd.strip()}` (NASLib source on PYTHONPATH)", "",
             f"Config `{Path(a.config).relative_to(ROOT) if Path(a.config).is_relative_to(ROOT) else a.config}` "
             f"with overrides `{' '.join(extra) or 'none'}`. NASLib builds and initialises the networks "
             "(its NB201 graph, its seeding), `swap_plugin.naslib.SwapEvolution` evolves them; the found "
             "arch's 200-epoch test accuracy (%) is looked up in the NB201 table of SWAP_DATA_DIR. "
             "Wall time includes NASLib's start-up and graph building on this CPU.", "",
             "| dataset | seeds | E (mean) | test accuracy | wall s per search | archs found |",
             "|---|---:|---:|---|---:|---|"]
    for ds in a.datasets:
        rs = [r for r in rows if r[0] == ds]
        t = np.array([r[4] for r in rs])
        found = ", ".join(sorted({"".join(map(str, r[2])) for r in rs}))
        lines.append(f"| {ds} | {len(rs)} | {np.mean([r[3] for r in rs]):.1f} | {t.mean():.2f} ± {t.std():.2f} | "
                     f"{np.nanmean([r[5] for r in rs]):.0f} | {found} |")
    write_text_report(a.out, "\n".join(lines) + "\n")
    search = yaml.safe_load(Path(a.config).read_text())["search"]
    search.update({k.split(".", 1)[1]: yaml.safe_load(v) for k, v in zip(extra[::2], extra[1::2])
                   if k.startswith("search.")})
    record = {"command": cmd.strip(), "overrides": extra,
              "settings": {**{k: search.get(k) for k in ("population_size", "epochs", "sample_size", "mutation_times",
                                                         "crossover_prob", "proxy", "swap_mu", "swap_sigma")},
                           "ensemble_reference": search.get("ensemble_reference", 200)},
              "rows": [{"seed": r[1], "dataset": r[0], "arch": list(r[2]), "evaluations": r[3], "test": r[4],
                        "wall_seconds": r[5]} for r in rows]}
    atomic_write_text(a.out.with_suffix(".json"), json.dumps(record, indent=1) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
