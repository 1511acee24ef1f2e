"""scripts/explore_tnb_structure.py on the real TransNAS-Bench-101 tables."""
import ast
import json

import pandas as pd
import pytest
from scipy import stats
from script_loader import load_script

from swap_plugin.paths import data_dir, data_file

explore = load_script("explore_tnb_structure")


def test_structure_counts_by_hand():
    # micro: 6 edges, ops 0 none / 1 skip / 2 conv1x1 / 3 conv3x3
    assert explore.structure("tnb101_micro", (2, 3, 2, 3, 2, 3)) == [0, 0, 3, 3]
    assert explore.structure("tnb101_micro", (0, 1, 1, 3, 0, 0)) == [3, 2, 0, 1]
    # macro (padded to 6 with 0): 5 modules; 3/4 downsample, 2/4 double the width
    assert explore.structure("tnb101_macro", (4, 1, 3, 2, 1, 0)) == [5, 2, 2]


def test_swap_means_average_the_seeds_found(tmp_path):
    for seed, rho in [(0, 0.5), (3, 0.7)]:
        f = tmp_path / "correlation" / "tnb101_macro" / "jigsaw" / "swap" / str(seed) / "scores.json"
        f.parent.mkdir(parents=True)
        f.write_text(json.dumps([{}, {"spearman": rho}]))
    means = explore.swap_means(tmp_path)
    assert means[("tnb101_macro", "jigsaw")] == pytest.approx(0.6)
    assert ("tnb101_macro", "normal") not in means
    assert explore.swap_means(None) == {}


@pytest.mark.skipif(data_dir(required=False) is None, reason="benchmark data (../shared/data) not found")
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


@pytest.mark.skipif(data_dir(required=False) is None, reason="benchmark data (../shared/data) not found")
def test_report_has_every_task_of_both_spaces(tmp_path):
    out = tmp_path / "r.md"
    explore.main(["--tasks", "autoencoder", "room_layout", "--report", str(out)])
    text = out.read_text()
    assert text.startswith("# TransNAS-Bench-101")
    assert "python scripts/explore_tnb_structure.py --tasks autoencoder room_layout" in text
    rows = [ln for ln in text.splitlines() if ln.startswith("| autoencoder") or ln.startswith("| room_layout")]
    assert len(rows) == 4 and "ρ(swap)" not in text  # no --runs: no swap column
