"""The NASLib Trainer sweep's report and per-seed JSON (swap_plugin.naslib.nb201_sweep,
scripts/search_nb201_naslib.py; (the JSON is read by experiments/search_nb201_variants/,
smoke-run in test_experiments_smoke.py).

The Trainer sweep only reads runs that already finished, so these need no NASLib: the
runs here are NASLib's ``final_architecture.json`` files, written as the runner writes them.
"""
import json

import pytest

from swap_plugin.naslib import nb201_sweep as sweep

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
    rows = sweep.sweep(range(len(archs)), [DS], sweep.default_config(), runs)
    extra = ["search.proxy", "swap_ensemble", "search.ensemble_reference", "50"]
    lines = sweep.write_report(out, rows, [DS], sweep.default_config(), extra, "cmd")
    assert "Config `configs/naslib/swap_evolution_nb201.yaml` with overrides `search.proxy swap_ensemble" in lines[4]
    test = [r[4] for r in rows]
    assert lines[-1] == (f"| {DS} | {len(archs)} | {250 + (len(archs) - 1) / 2:.1f} | {sum(test) / len(test):.2f} ± "
                         f"{abs(test[0] - test[-1]) / 2 if len(test) == 2 else 0:.2f} | "
                         f"{100 * (len(archs) + 1) / 2:.0f} | {', '.join(sorted(''.join(map(str, a)) for a in archs))} |")
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
