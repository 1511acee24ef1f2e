"""Fig. 5: μ=σ steer the size of the architecture SWAP-NAS finds (DARTS, CIFAR-10;
swap_plugin.search.size_control).

    python scripts/size_control.py --mus 0.5 0.9 1.3 1.7 2.1 2.5 --runs 5 --out runs/size_control

For each μ=σ (thousands of parameters of the scoring network) and seed, runs the default
search (resumable; finished runs are reused), then writes results/size_control.md and
results/size_control.png: Spearman(μ, evaluation-size parameters, C=36 / 20 cells).
"""
import argparse

from swap_plugin.search import size_control
from swap_plugin.studies.report import command_line


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mus", nargs="+", type=float, default=[0.5, 0.9, 1.3, 1.7, 2.1, 2.5])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default="runs/size_control")
    ap.add_argument("--results", default="results")
    a = ap.parse_args(argv)
    rows = size_control.run(a.mus, a.runs, a.out)
    print("\n".join(size_control.write(rows, a.mus, a.results, command_line(__file__, argv))[:8]))


if __name__ == "__main__":
    main()
