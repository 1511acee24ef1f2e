"""Paper Table 3: |A| (standard patterns) vs Ψ (SWAP) vs Ψ' at input sizes 3, 15, 32.

    python scripts/ablation_table3.py --n 1000 --out runs/ablation_t3 --results results

NB201 / CIFAR-10, S=32 images, one seed; Spearman with val_accuracy. Writes
results/ablation_table3.csv and .png (resumable through the study store).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from swap_plugin.studies.report import command_line, write_figure, write_text_report  # noqa: E402
from swap_plugin.studies import StudyConfig, config_path, run_study  # noqa: E402


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
    rows = []
    for size in a.sizes:
        cfg = StudyConfig.from_yaml(config_path("nb201"), dataset="cifar10", n=a.n, seeds=[a.seed],
                                    samples=a.samples, input_size=size, workers=a.workers,
                                    out=f"{a.out}/size{size}",
                                    proxies=["activation_patterns", "swap", "reg_swap"])
        s = run_study(cfg)
        rows.append((size, *(s[p][a.seed]["spearman"] for p in ("activation_patterns", "swap", "reg_swap"))))
    res = Path(a.results)
    res.mkdir(parents=True, exist_ok=True)
    cmd = command_line(__file__, argv)
    lines = [f"# written by: {cmd}", "input_size,activation_patterns_A,swap_psi,reg_swap_psi_prime"]
    lines += [f"{r[0]},{r[1]:.4f},{r[2]:.4f},{r[3]:.4f}" for r in rows]
    write_text_report(res / "ablation_table3.csv", "\n".join(lines) + "\n")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.4))
    for i, name in enumerate(["|A| (Def 3.1)", "Ψ SWAP", "Ψ' reg. SWAP"]):
        ax.plot([r[0] for r in rows], [r[i + 1] for r in rows], "o-", label=name)
    ax.set_xlabel("input size (pixels per side)")
    ax.set_ylabel("Spearman ρ (NB201, CIFAR-10)")
    ax.set_title(f"Table 3 ablation, {a.n} archs, S={a.samples}")
    ax.legend()
    fig.tight_layout()
    write_figure(fig, res / "ablation_table3.png", dpi=130)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
