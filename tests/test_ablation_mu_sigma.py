"""scripts/ablation_mu_sigma.py: μ/σ grids from stored study records (no re-scoring)."""
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from script_loader import load_script

ROOT = Path(__file__).resolve().parents[1]


def test_grid_equals_direct_spearman_of_stored_records(tmp_path):
    from swap_plugin.benchmarks import get_ground_truth
    from swap_plugin.metric import regulariser
    from swap_plugin.studies import RecordStore, StudyConfig, run_study

    cfg = StudyConfig.from_yaml(ROOT / "configs" / "nb201.yaml", dataset="cifar10", n=12, seeds=[0],
                                out=str(tmp_path / "study"), proxies=["swap"], workers=1,
                                build={"C": 8, "N": 1})
    try:
        run_study(cfg, progress=False)
    except (FileNotFoundError, ValueError) as e:
        pytest.skip(f"NB201 data not available: {e}")
    abl = load_script("ablation_mu_sigma")
    study = tmp_path / "study" / "correlation" / "nb201" / "cifar10"
    assert abl.study_config(study)["metric"] == "val_accuracy"
    abl.main(["--runs", str(tmp_path / "study"), "--results", str(tmp_path / "res"), "--groups", "2"])
    rows = [r.split(",") for r in (tmp_path / "res" / "ablation_mu_sigma_nb201_cifar10.csv").read_text()
            .splitlines() if r and not r.startswith(("#", "mu_M"))]
    assert len(rows) == 36 and (tmp_path / "res" / "ablation_mu_sigma_nb201_cifar10.png").exists()
    # one cell by hand: the same 2 groups, Spearman of Ψ·f(Θ) against val_accuracy
    recs = list(RecordStore(study / "records_seed0.jsonl"))
    gt = get_ground_truth("nb201", "cifar10")
    y = np.array([gt.lookup(r["arch"], "cifar10", "val_accuracy") for r in recs])
    pred = np.array([r["swap"] * regulariser(r["params"], 1.0, 1.5) for r in recs])
    groups = np.array_split(np.random.default_rng(0).permutation(len(recs)), 2)
    want = np.mean([stats.spearmanr(y[g], pred[g])[0] for g in groups])
    got = next(float(r[2]) for r in rows if (float(r[0]), float(r[1])) == (1.0, 1.5))
    assert got == pytest.approx(want, abs=1e-4)
