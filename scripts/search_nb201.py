#!/usr/bin/env python
"""SWAP-NAS search quality on NAS-Bench-201, offline and without NASLib: SWAP-NAS, random
search and RE on true validation accuracy with the same budget (:mod:`swap_plugin.search.nb201`).

    python scripts/search_nb201.py                 # 10 seeds x 3 datasets -> results/search_nb201.md
    python scripts/search_nb201.py --seeds 2 --datasets cifar10 --out /tmp/s.md
    python scripts/search_nb201.py --init-per-seed --out experiments/search_nb201_variants/search_nb201_init_per_seed.md
"""
import argparse
import dataclasses
import sys
from pathlib import Path

from swap_plugin.search import nb201

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--datasets", nargs="+", default=list(nb201.DATASETS), choices=nb201.DATASETS)
    p.add_argument("--population-size", type=int, default=40)
    p.add_argument("--cycles", type=int, default=100)
    p.add_argument("--sample-size", type=int, default=5)
    p.add_argument("--mutation-times", type=int, default=4)
    p.add_argument("--crossover-prob", type=float, default=0.5)
    p.add_argument("--samples", type=int, default=16)
    p.add_argument("--mu", type=float, default=1.5, help="μ of reg_swap, millions of params")
    p.add_argument("--sigma", type=float, default=None, help="σ of reg_swap, millions (default: μ)")
    p.add_argument("--from-study", type=Path, default=None,
                   help="a correlation-study root (swap-nas correlate --out) whose seed-0 NB201 records, "
                        "scored with the same settings, pre-fill the score cache")
    p.add_argument("--init-per-seed", action="store_true",
                   help="seed the networks' weights and the image batch with the search seed (as the "
                        "NASLib runner does) instead of seed 0 for every search: each search then sees "
                        "its own draw of the fitness landscape")
    p.add_argument("--fitness", choices=("reg_swap", "ensemble"), default="reg_swap",
                   help="reg_swap (the paper), or the rank ensemble of Ψ' + synflow + jacov + progressivity "
                        "against --reference random archs (swap_plugin.proxies.ReferenceEnsemble)")
    p.add_argument("--reference", type=int, default=200,
                   help="archs in the ensemble fitness's reference sample (scored once per search seed)")
    p.add_argument("--out", type=Path, default=ROOT / "results" / "search_nb201.md")
    p.add_argument("--cache", type=Path, default=None,
                   help="score cache JSONL (default: <out>.scores.jsonl)")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    if args.fitness == "ensemble" and args.reference < 2:
        p.error("--reference must be at least 2 archs")
    given = sys.argv[1:] if argv is None else list(argv)
    command = " ".join(["python scripts/search_nb201.py", *given])
    out = nb201.run(nb201.NB201Search(**{f.name: getattr(args, f.name) for f in dataclasses.fields(nb201.NB201Search)}),
                    command)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
