"""scripts/search_nb201_naslib.py's per-seed JSON and scripts/search_nb201_summary.py's table.

The Trainer sweep only reads runs that already finished, so these need no NASLib: the
runs here are NASLib's ``final_architecture.json`` files, written as the runner writes them.
"""
import json

import numpy as np
import pytest

from script_loader import load_script

sweep = load_script("search_nb201_naslib")
summary = load_script("search_nb201_summary")
DS = "ImageNet16-120"


@pytest.fixture(scope="module")
def gt(nb201_gt):
    return nb201_gt


def _finished_run(runs, seed, arch, evaluations, wall):
    d = runs / "nasbench201" / DS / "swap_evolution" / str(seed)
    d.mkdir(parents=True)
    (d / "final_architecture.json").write_text(json.dumps(
        {"optimizer": "swap_evolution", "dataset": DS, "seed": seed, "arch": arch, "evaluations": evaluations}))
    (d / "wall_seconds.txt").write_text(f"{wall}\n")


def _trainer_json(tmp_path, archs):
    runs = tmp_path / "runs"
    for seed, arch in enumerate(archs):
        _finished_run(runs, seed, arch, 250 + seed, 100.0 * (seed + 1))
    out = tmp_path / "results" / "search_nb201_naslib_in16_ensemble.md"
    sweep.main(["--datasets", DS, "--seeds", str(len(archs)), "--runs", str(runs), "--out", str(out),
                "--", "search.proxy", "swap_ensemble", "search.ensemble_reference", "50"])
    return out.with_suffix(".json")


def test_trainer_sweep_writes_per_seed_json(tmp_path, gt):
    archs = [[3, 3, 0, 2, 2, 2], [2, 2, 2, 2, 2, 2]]
    rec = json.loads(_trainer_json(tmp_path, archs).read_text())
    # the config's keys with the command's overrides applied
    assert rec["settings"]["proxy"] == "swap_ensemble"
    assert rec["settings"]["ensemble_reference"] == 50
    assert rec["settings"]["swap_mu"] == 1.5 and rec["settings"]["population_size"] == 40
    assert [r["arch"] for r in rec["rows"]] == archs
    assert [r["evaluations"] for r in rec["rows"]] == [250, 251]
    assert [r["wall_seconds"] for r in rec["rows"]] == [100.0, 200.0]
    for r, arch in zip(rec["rows"], archs):
        assert r["test"] == gt.lookup(tuple(arch), DS, "test_acc_ImageNet16-120_200ep")
    assert rec["rows"][0]["test"] == pytest.approx(47.31, abs=0.01)  # the best IN16 arch in NB201


def test_summary_rows_and_target_verdicts(tmp_path, gt):
    archs = [[3, 3, 0, 2, 2, 2], [2, 2, 2, 2, 2, 2]]
    _trainer_json(tmp_path, archs)
    results = tmp_path / "results"
    standalone = {"settings": {"population_size": 40, "cycles": 100, "mu": 1.0, "sigma": 1.0, "init_per_seed": True},
                  "rows": [{"dataset": DS, "evaluations": e,
                            "swap_nas": {"test": t, "seconds": 10.0},
                            "random_regswap": {"test": 40.0}, "re_val_acc": {"test": 46.0}}
                           for e, t in ((300, 44.0), (310, 45.0))]}
    (results / "search_nb201_in16_mu1.json").write_text(json.dumps(standalone))
    out = tmp_path / "summary.md"
    summary.main(["--results", str(results), "--out", str(out)])
    rows = [line for line in out.read_text().splitlines() if line.startswith(f"| {DS}")]
    assert len(rows) == 2
    alone, trainer = ([c.strip() for c in r.strip("|").split("|")] for r in rows)
    # standalone: mean 44.5 < 45, with its baselines and E
    assert alone[2] == "standalone" and alone[3] == "Ψ', μ = σ = 1 M" and alone[7] == "305"
    assert alone[8] == "44.50 ± 0.50" and alone[9] == "no" and alone[10] == "40.00 ± 0.00"
    tests = np.array([gt.lookup(tuple(a), DS, "test_acc_ImageNet16-120_200ep") for a in archs])
    assert trainer[2] == "NASLib Trainer" and trainer[3].startswith("rank ensemble, 50-arch reference")
    assert trainer[8] == f"{tests.mean():.2f} ± {tests.std():.2f}"
    assert trainer[9] == ("yes" if tests.mean() >= 45 else "no") and trainer[10] == "—"
    assert trainer[12] == "150"  # mean wall seconds
    assert "search_nb201.json" in out.read_text().splitlines()[-1]  # the missing reports are named


def test_summary_without_any_report_says_what_to_run(tmp_path):
    with pytest.raises(SystemExit, match="run scripts/search_nb201.py"):
        summary.main(["--results", str(tmp_path), "--out", str(tmp_path / "s.md")])
