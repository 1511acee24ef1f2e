"""swap_plugin.studies.mu_sigma_ablation (scripts/ablation_mu_sigma.py): μ/σ grids from stored
study records (no re-scoring)."""
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from swap_plugin.files import OutputExistsError
from swap_plugin.studies import mu_sigma_ablation as abl

ROOT = Path(__file__).resolve().parents[1]
CMD = "python scripts/ablation_mu_sigma.py --runs study"


def nb201_study(out: Path, n: int, build: dict) -> None:
    """A small seed-0 NB201 cifar10 study with swap under ``out`` (needs the data directory)."""
    from swap_plugin.studies import StudyConfig, run_study

    cfg = StudyConfig.from_yaml(ROOT / "configs" / "nb201.yaml", dataset="cifar10", n=n, seeds=[0],
                                out=str(out), proxies=["swap"], workers=1, build=build)
    run_study(cfg, progress=False)


@pytest.mark.needs_data
def test_grid_equals_direct_spearman_of_stored_records(tmp_path):
    from swap_plugin.benchmarks import get_ground_truth
    from swap_plugin.metric import regulariser
    from swap_plugin.studies import RecordStore

    nb201_study(tmp_path / "study", n=12, build={"C": 8, "N": 1})
    study = tmp_path / "study" / "correlation" / "nb201" / "cifar10"
    assert abl.study_config(study)["metric"] == "val_accuracy"
    abl.run([tmp_path / "study"], tmp_path / "res", CMD, groups=2)
    assert sorted(p.name for p in (tmp_path / "res").iterdir()) == [
        "ablation_mu_sigma.csv", "ablation_mu_sigma.md", "ablation_mu_sigma.png"]
    lines = (tmp_path / "res" / "ablation_mu_sigma.csv").read_text().splitlines()
    assert lines[2] == abl.CSV_HEADER
    rows = [r.split(",")[5:] for r in lines[3:]]
    assert {tuple(r.split(",")[:5]) for r in lines[3:]} == {("nb201", "cifar10", "", "val_accuracy", "12")}
    assert len(rows) == 36
    # one cell by hand: the same 2 groups, Spearman of Ψ·f(Θ) against val_accuracy
    recs = sorted(RecordStore(study / "records_seed0.jsonl"), key=lambda r: r["key"])
    gt = get_ground_truth("nb201", "cifar10")
    y = np.array([gt.lookup(r["arch"], "cifar10", "val_accuracy") for r in recs])
    pred = np.array([r["swap"] * regulariser(r["params"], 1.0, 1.5) for r in recs])
    groups = np.array_split(np.random.default_rng(0).permutation(len(recs)), 2)
    want = np.mean([stats.spearmanr(y[g], pred[g])[0] for g in groups])
    got = next(float(r[2]) for r in rows if (float(r[0]), float(r[1])) == (1.0, 1.5))
    assert got == pytest.approx(want, abs=1e-4)
    # workers append records in the order they finish: another order, the same report
    store = study / "records_seed0.jsonl"
    lines = store.read_text().splitlines()
    store.write_text("\n".join(lines[::-1]) + "\n")
    csv, md = tmp_path / "res" / "ablation_mu_sigma.csv", tmp_path / "res" / "ablation_mu_sigma.md"
    before = csv.read_text(), md.read_text()
    abl.run([tmp_path / "study"], tmp_path / "res", CMD, groups=2)
    assert (csv.read_text(), md.read_text()) == before
    assert md.read_text().rstrip().endswith(
        "Every task's whole grid (mean and std of ρ per μ/σ cell): `ablation_mu_sigma.csv`; "
        "one heatmap panel per task: `ablation_mu_sigma.png`.")


def test_one_csv_one_figure_one_report_for_all_tasks(tmp_path):
    """Tables 4-6 as three files: the cells of every task in one CSV (task order kept), one
    panel per task in one figure, the table in one report; nothing else is written."""
    grids = [abl.TaskGrid("nb201", "cifar10", None, "val_accuracy", 9, [0.5, 1.0], [0.5, 1.0, 1.5],
                          np.arange(6.0).reshape(2, 3) / 10, np.full((2, 3), 0.01)),
             abl.TaskGrid("tnb101_micro", "jigsaw", "zc", "valid_top1", 7, [1.0], [2.0, 4.0],
                          np.array([[0.25, -0.5]]), np.array([[0.125, 0.0]]))]
    paths = abl.output_paths(tmp_path / "res")
    abl.write_outputs(paths, grids, ["# T", "", "Command: `python scripts/ablation_mu_sigma.py --x`", ""],
                      "python scripts/ablation_mu_sigma.py --x", 3)
    assert sorted(p.name for p in (tmp_path / "res").iterdir()) == [
        "ablation_mu_sigma.csv", "ablation_mu_sigma.md", "ablation_mu_sigma.png"]
    lines = paths["csv"].read_text().splitlines()
    assert lines[0] == "# written by: python scripts/ablation_mu_sigma.py --x"
    assert "over 3 random groups" in lines[1] and lines[2] == abl.CSV_HEADER
    assert lines[3:] == ["nb201,cifar10,,val_accuracy,9,0.5,0.5,0.0000,0.0100",
                         "nb201,cifar10,,val_accuracy,9,0.5,1.0,0.1000,0.0100",
                         "nb201,cifar10,,val_accuracy,9,0.5,1.5,0.2000,0.0100",
                         "nb201,cifar10,,val_accuracy,9,1.0,0.5,0.3000,0.0100",
                         "nb201,cifar10,,val_accuracy,9,1.0,1.0,0.4000,0.0100",
                         "nb201,cifar10,,val_accuracy,9,1.0,1.5,0.5000,0.0100",
                         "tnb101_micro,jigsaw,zc,valid_top1,7,1.0,2.0,0.2500,0.1250",
                         "tnb101_micro,jigsaw,zc,valid_top1,7,1.0,4.0,-0.5000,0.0000"]
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(paths["png"]) as im:  # stored with a palette: the 23-panel figure stays small
        assert im.mode == "P" and len(im.getpalette()) // 3 <= 256
    fig = abl.grids_figure(grids)
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == ["nb201 cifar10", "tnb101_micro jigsaw (zc archs)"]
    assert [t.get_text() for t in panels[1].texts] == ["0.25", "-0.50"]
    # another command's CSV is never replaced, and then nothing is written
    other = tmp_path / "other"
    paths = abl.output_paths(other)
    other.mkdir()
    paths["csv"].write_text("# written by: python scripts/ablation_mu_sigma.py --y\n")
    with pytest.raises(OutputExistsError):
        abl.write_outputs(paths, grids, ["# T"], "python scripts/ablation_mu_sigma.py --x", 3)
    assert sorted(p.name for p in other.iterdir()) == ["ablation_mu_sigma.csv"]


def test_cross_validated_choice_equals_a_naive_loop():
    rng = np.random.default_rng(1)
    y = rng.normal(size=40)
    preds = np.stack([y + rng.normal(scale=s, size=40) for s in (3.0, 0.5, 1.5)])
    groups = np.array_split(rng.permutation(40), 4)
    rhos, picks = abl.cross_validated(y, preds, groups)
    for g, test in enumerate(groups):
        train = np.setdiff1d(np.arange(40), test)
        scores = [stats.spearmanr(y[train], p[train])[0] for p in preds]
        assert picks[g] == int(np.argmax(scores))
        assert rhos[g] == pytest.approx(stats.spearmanr(y[test], preds[picks[g]][test])[0])


def test_grid_from_sizes_for_spaces_without_a_paper_grid():
    theta = np.array([1.0, 2.0, 3.0, 4.0, 6.0])
    mus, sigmas = abl.grid_for("tnb101_micro", theta)
    assert mus == [1.0, 1.4, 1.8, 2.2, 2.6, 3.0, 3.4, 3.8, 4.4, 5.2, 6.0]  # 0, 10, ..., 100 % quantiles
    assert sigmas == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0]  # 0.05-6.4 x the range (5)
    assert abl.grid_for("nb201", theta) == (abl.GRIDS_M["nb201"], abl.GRIDS_M["nb201"])
    # log Ψ' ranks as Ψ·f(Θ) where f does not underflow, and still ranks where it does
    from swap_plugin.metric import regulariser
    psi = np.array([10.0, 30.0, 20.0, 40.0, 5.0])
    prod = psi * np.array([regulariser(t, 2.0, 3.0) for t in theta])
    assert (np.argsort(abl.log_reg_swap(psi, theta, 2.0, 3.0)) == np.argsort(prod)).all()
    assert len(set(abl.log_reg_swap(psi, theta * 100, 2.0, 0.01))) == 5  # f would be 0 for all


@pytest.mark.needs_data
def test_summary_on_a_transnas_study(tmp_path):
    from swap_plugin.benchmarks import get_ground_truth
    from swap_plugin.studies import RecordStore, StudyConfig, run_study

    cfg = StudyConfig.from_yaml(ROOT / "configs" / "tnb101_micro.yaml", dataset="autoencoder", n=15,
                                seeds=[0], out=str(tmp_path / "study"), proxies=["swap"], workers=1,
                                input_size=32)
    run_study(cfg, progress=False)
    summary = tmp_path / "summary.md"
    abl.run([tmp_path / "study"], tmp_path / "res", CMD, groups=3, summary=summary)
    row = next(r for r in summary.read_text().splitlines() if r.startswith("| tnb101_micro"))
    cols = [c.strip() for c in row.strip("|").split("|")]
    assert cols[:3] == ["tnb101_micro", "autoencoder", "15"]
    recs = sorted(RecordStore(tmp_path / "study" / "correlation" / "tnb101_micro" / "autoencoder"
                              / "records_seed0.jsonl"), key=lambda r: r["key"])
    gt = get_ground_truth("tnb101_micro", "autoencoder")
    y = np.array([gt.lookup(r["arch"], "autoencoder", cfg.metric) for r in recs])
    groups = np.array_split(np.random.default_rng(0).permutation(15), 3)
    psi = np.array([r["swap"] for r in recs])
    want = np.mean([stats.spearmanr(y[g], psi[g])[0] for g in groups])
    assert float(cols[3].split(" ± ")[0]) == pytest.approx(want, abs=1e-3)
    # the oracle is the grid CSV's best cell
    grid = [r.split(",")[5:] for r in (tmp_path / "res" / "ablation_mu_sigma.csv").read_text().splitlines()
            if r.startswith("tnb101_micro,autoencoder,")]
    assert len(grid) == 11 * 8
    best = max(grid, key=lambda r: float(r[2]))
    assert cols[6] == f"{float(best[2]):.3f} ({float(best[0]):g}/{float(best[1]):g})"
    picks = cols[8].split(", ")
    assert len(picks) == 3 and all(p.count("/") == 1 for p in picks)  # one μ/σ per group


@pytest.mark.needs_data
def test_the_same_task_in_two_roots_is_refused(tmp_path):
    for root in ("a", "b"):
        nb201_study(tmp_path / root, n=4, build={"C": 4, "N": 1})
    with pytest.raises(ValueError, match=r"nb201/cifar10 \(ground truth default\) is in two studies"):
        abl.run([tmp_path / "a", tmp_path / "b"], tmp_path / "res", CMD)
    assert not (tmp_path / "res").exists()
    with pytest.raises(ValueError, match="no correlation/<space>/<dataset>/records_seed0.jsonl under"):
        abl.run([tmp_path / "res"], tmp_path / "res", CMD)
    abl.run([tmp_path / "a"], tmp_path / "res", CMD, groups=2)
    assert (tmp_path / "res" / "ablation_mu_sigma.csv").exists()
