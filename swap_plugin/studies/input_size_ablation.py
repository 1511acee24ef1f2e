"""Paper Table 3: |A| (standard activation patterns) vs Ψ (SWAP) vs Ψ' at several input
sizes, NB201 / CIFAR-10, one seed, Spearman with val_accuracy (``scripts/ablation_table3.py``).

Each size is one correlation study (resumable through its records)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Sequence, Tuple

from .config import StudyConfig, config_path
from .correlate import run_study
from .report import finish_figure, write_text_report

PROXIES = ("activation_patterns", "swap", "reg_swap")


def run(n: int, sizes: Sequence[int], samples: int, workers: int, seed: int, out) -> List[Tuple]:
    """[(size, ρ |A|, ρ Ψ, ρ Ψ')]: one study per input size under ``out``/size{size}."""
    rows = []
    for size in sizes:
        cfg = StudyConfig.from_yaml(config_path("nb201"), dataset="cifar10", n=n, seeds=[seed],
                                    samples=samples, input_size=size, workers=workers,
                                    out=f"{out}/size{size}", proxies=list(PROXIES))
        s = run_study(cfg)
        rows.append((size, *(s[p][seed]["spearman"] for p in PROXIES)))
    return rows


def write(rows: Sequence[Tuple], results, command: str, n: int, samples: int) -> list:
    """``results``/ablation_table3.csv and .png; returns the CSV's lines."""
    res = Path(results)
    res.mkdir(parents=True, exist_ok=True)
    lines = [f"# written by: {command}", "input_size,activation_patterns_A,swap_psi,reg_swap_psi_prime"]
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
    finish_figure(fig, ax, res / "ablation_table3.png", title=f"Table 3 ablation, {n} archs, S={samples}")
    return lines
