"""Paper Table 3: |A| (standard patterns) vs Ψ (SWAP) vs Ψ' at input sizes 3, 15, 32
(swap_plugin.studies.input_size_ablation).

    python scripts/ablation_table3.py --n 1000 --out runs/ablation_t3 --results results

NB201 / CIFAR-10, S=32 images, one seed; Spearman with val_accuracy. Writes
results/ablation_table3.csv and .png (resumable through the study store).
"""
import argparse

from swap_plugin.studies import input_size_ablation as t3
from swap_plugin.studies.report import command_line


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--sizes", nargs="+", type=int, default=[3, 15, 32])
    ap.add_argument("--samples", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="runs/ablation_t3")
    ap.add_argument("--results", default="results")
    a = ap.parse_args(argv)
    rows = t3.run(a.n, a.sizes, a.samples, a.workers, a.seed, a.out)
    print("\n".join(t3.write(rows, a.results, command_line(__file__, argv), a.n, a.samples)))


if __name__ == "__main__":
    main()
