"""scripts/explore_tnb_structure.py on the real TransNAS-Bench-101 tables."""
import ast
import json

import pandas as pd
import pytest
from scipy import stats
from script_loader import load_script

from swap_plugin.paths import data_file

explore = load_script("explore_tnb_structure")


def test_structure_counts_by_hand():
    # micro: 6 edges, ops 0 none / 1 skip / 2 conv1x1 / 3 conv3x3
    assert explore.structure("tnb101_micro", (2, 3, 2, 3, 2, 3)) == [0, 0, 3, 3]
    assert explore.structure("tnb101_micro", (0, 1, 1, 3, 0, 0)) == [3, 2, 0, 1]
    # macro (padded to 6 with 0): 5 modules; 3/4 downsample, 2/4 double the width
    assert explore.structure("tnb101_macro", (4, 1, 3, 2, 1, 0)) == [5, 2, 2]


def _scores(root, space, task, seed, rho):
    f = root / "correlation" / space / task / "swap" / str(seed) / "scores.json"
    f.parent.mkdir(parents=True)
    f.write_text(json.dumps([{}, {"spearman": rho}]))


def test_swap_means_average_the_seeds_found(tmp_path):
    for seed, rho in [(0, 0.5), (3, 0.7)]:
        _scores(tmp_path, "tnb101_macro", "jigsaw", seed, rho)
    means = explore.swap_means([tmp_path])
    assert means[("tnb101_macro", "jigsaw")] == pytest.approx(0.6)
    assert ("tnb101_macro", "normal") not in means
    assert explore.swap_means([]) == {}


def test_swap_means_read_several_roots(tmp_path):
    micro, macro = tmp_path / "micro", tmp_path / "macro"
    _scores(micro, "tnb101_micro", "normal", 0, 0.4)
    for seed, rho in [(0, 0.7), (1, 0.8)]:
        _scores(macro, "tnb101_macro", "normal", seed, rho)
    means = explore.swap_means([micro, macro])
    assert means == {("tnb101_micro", "normal"): pytest.approx(0.4),
                     ("tnb101_macro", "normal"): pytest.approx(0.75)}


@pytest.mark.needs_data
def test_micro_autoencoder_row_equals_a_pandas_reference_on_the_csv():
    # independent path: the CSV itself, ops parsed from its string column
    df = pd.read_csv(data_file("tnb101/transbench101_micro_all4096_ground_truth.csv"))
    ops = df["naslib_ops"].map(ast.literal_eval)
    row = explore.task_row("tnb101_micro", "autoencoder")
    assert row["archs"] == len(df) == 4096
    for i, name in enumerate(explore.FEATURES["tnb101_micro"]):
        ref = stats.spearmanr(ops.map(lambda a: a.count(i)), df["val_autoencoder"])[0]
        assert row[name] == pytest.approx(ref, abs=1e-12)
    # the finding the report records: SSIM rises with skip edges, not with conv3x3
    assert row["skip"] > 0.5 and abs(row["conv3x3"]) < 0.05


@pytest.mark.needs_data
def test_report_has_every_task_of_both_spaces(tmp_path):
    out = tmp_path / "r.md"
    explore.main(["--tasks", "autoencoder", "room_layout", "--report", str(out)])
    text = out.read_text()
    assert text.startswith("# TransNAS-Bench-101")
    assert "python scripts/explore_tnb_structure.py --tasks autoencoder room_layout" in text
    rows = [ln for ln in text.splitlines() if ln.startswith("| autoencoder") or ln.startswith("| room_layout")]
    assert len(rows) == 4 and "ρ(swap)" not in text  # no --runs: no swap column


@pytest.mark.needs_data
def test_report_lists_the_run_commands_and_fills_the_swap_column(tmp_path):
    _scores(tmp_path / "runs", "tnb101_macro", "autoencoder", 0, 0.68)
    cmds = tmp_path / "cmds.txt"
    cmds.write_text("swap-nas correlate --space tnb101_macro --dataset autoencoder --out runs\n\n")
    out = tmp_path / "r.md"
    explore.main(["--spaces", "tnb101_macro", "--tasks", "autoencoder", "room_layout",
                  "--runs", str(tmp_path / "runs"), "--command-file", str(cmds), "--report", str(out)])
    text = out.read_text()
    assert "Runs produced by:\n\n```\nswap-nas correlate --space tnb101_macro --dataset autoencoder --out runs\n```" in text
    row = {ln.split(" | ")[0]: ln for ln in text.splitlines() if ln.startswith("| ")}
    assert row["| autoencoder"].endswith("| +0.68 |") and row["| room_layout"].endswith("| — |")


def test_command_file_without_runs_is_an_error(tmp_path):
    with pytest.raises(SystemExit):
        explore.main(["--command-file", str(tmp_path / "c.txt"), "--report", str(tmp_path / "r.md")])
