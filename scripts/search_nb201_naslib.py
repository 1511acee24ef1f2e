#!/usr/bin/env python
"""SWAP-NAS on NAS-Bench-201 under NASLib's ``Trainer`` (NASLib graphs, NASLib seeds): one
``swap-nas naslib nas`` run per (seed, dataset), resumable, the found archs looked up in the
NB201 table (:mod:`swap_plugin.naslib.nb201_sweep`). Needs NASLib on PYTHONPATH.

    python scripts/search_nb201_naslib.py --seeds 3 --out experiments/search_nb201_variants/search_nb201_naslib.md \\
        --runs runs/naslib_nb201 -- search.epochs 16 search.swap_mu 1.5 search.swap_sigma 1.5
"""
import argparse
import sys
from pathlib import Path

from swap_plugin.naslib import nb201_sweep as nb

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    own, extra = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=3, help="how many seeds")
    p.add_argument("--first-seed", type=int, default=0,
                   help="run seeds first-seed .. first-seed+seeds-1 (split a sweep over processes)")
    p.add_argument("--datasets", nargs="+", default=list(nb.DATASETS), choices=nb.DATASETS)
    p.add_argument("--config", default=str(nb.default_config()))
    p.add_argument("--runs", type=Path, default=Path("runs/naslib_nb201"))
    p.add_argument("--out", type=Path, default=ROOT / "experiments" / "search_nb201_variants" / "search_nb201_naslib.md")
    a = p.parse_args(own)
    rows = nb.sweep(range(a.first_seed, a.first_seed + a.seeds), a.datasets, a.config, a.runs, extra)
    command = ("python scripts/search_nb201_naslib.py " + " ".join(argv)).strip()
    print("\n".join(nb.write_report(a.out, rows, a.datasets, a.config, extra, command)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
