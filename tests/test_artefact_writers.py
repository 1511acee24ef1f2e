"""The writers of Table 3 (studies.input_size_ablation) and Fig. 5 (search.size_control)
on given rows: exact CSV / table lines, hand-computed Spearman, figures written."""
import json

import numpy as np
import pytest

from swap_plugin.files import OutputExistsError
from swap_plugin.search import size_control
from swap_plugin.studies import input_size_ablation


def test_table3_csv_and_figure(tmp_path):
    rows = [(4, 0.19671, 0.77924, 0.82286), (32, float("nan"), 0.5, -0.25)]
    lines = input_size_ablation.write(rows, tmp_path, "python scripts/ablation_table3.py --n 8", 8, 16)
    assert (tmp_path / "ablation_table3.csv").read_text().splitlines() == lines == [
        "# written by: python scripts/ablation_table3.py --n 8",
        "input_size,activation_patterns_A,swap_psi,reg_swap_psi_prime",
        "4,0.1967,0.7792,0.8229", "32,nan,0.5000,-0.2500"]
    assert (tmp_path / "ablation_table3.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(OutputExistsError):  # another command's table is not replaced
        input_size_ablation.write(rows, tmp_path, "python scripts/ablation_table3.py --n 9", 9, 16)


def test_size_control_report_from_finished_searches(tmp_path):
    g = "Genotype(normal=[], normal_concat=[], reduce=[], reduce_concat=[])"
    runs = tmp_path / "runs"
    for mu, seed, size in ((0.5, 0, 1.0), (0.5, 1, 2.0), (0.9, 0, 4.0), (0.9, 1, 3.0)):
        (runs / f"mu{mu}_seed{seed}").mkdir(parents=True)
        (runs / f"mu{mu}_seed{seed}" / "result.json").write_text(json.dumps(
            {"eval_params_M": size, "search_seconds": 10.0 * (seed + 1), "genotype": g}))
    rows = size_control.run([0.5, 0.9], 2, runs)  # finished: read, not searched again
    assert [r[:4] for r in rows] == [(0.5, 0, 1.0, 10.0), (0.5, 1, 2.0, 20.0), (0.9, 0, 4.0, 10.0), (0.9, 1, 3.0, 20.0)]
    lines = size_control.write(rows, [0.5, 0.9], tmp_path / "res", "python scripts/size_control.py --runs 2")
    # Spearman with ties: Pearson of the average ranks (1.5, 1.5, 3.5, 3.5) and (1, 2, 4, 3)
    rho = np.corrcoef([1.5, 1.5, 3.5, 3.5], [1, 2, 4, 3])[0, 1]
    assert f"**Spearman(μ, size) = {rho:.3f}** over 4 searches." in lines
    assert "| 0.5 | 2 | 1.500 | 1.000-2.000 | 15.0 |" in lines and "| 0.9 | 1 | 3.000 | `" + g + "` |" in lines
    assert (tmp_path / "res" / "size_control.md").read_text() == "\n".join(lines) + "\n"
    assert (tmp_path / "res" / "size_control.png").read_bytes()[:4] == b"\x89PNG"
