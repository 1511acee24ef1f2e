"""scripts/correlation_intervals.py on a real (tiny) NB201 study and two real zc samples."""
import json
import shutil

import pytest
from scipy import stats
from script_loader import load_script

from swap_plugin.studies import StudyConfig, run_study, spearman_interval

intervals = load_script("correlation_intervals")
FAST = dict(samples=8, input_size=8, build={"C": 4, "N": 1})


def test_paper_ranges_and_verdicts():
    assert intervals.paper_range("0.87-0.90") == (0.87, 0.90)
    assert intervals.paper_range("0.75") == (0.75, 0.75)
    assert intervals.verdict(0.60, 0.70, (0.75, 0.75)) == " ↓"
    assert intervals.verdict(0.60, 0.80, (0.75, 0.75)) == " ≈"
    assert intervals.verdict(0.91, 0.95, (0.87, 0.90)) == " ↑"
    assert intervals.verdict(0.80, 0.88, (0.87, 0.90)) == " ≈"  # overlaps the range's low end
    assert intervals.verdict(0.1, 0.2, None) == ""


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """One study run on NB201's table and one on its NB-Suite-Zero archs (cifar10, seed 0),
    and a copy of the first under a second root (the same study held twice)."""
    root = tmp_path_factory.mktemp("runs")
    for name, source in (("table", None), ("zc", "zc")):
        run_study(StudyConfig.from_dict(dict(space="nb201", dataset="cifar10", n=40, seeds=[0], out=str(root / name),
                                             proxies=["swap", "reg_swap", "params"], gt_source=source, **FAST)),
                  progress=False)
    shutil.copytree(root / "table", root / "copy")
    return root


@pytest.mark.needs_data
def test_each_study_is_one_row_with_its_rho_and_interval(two_runs, tmp_path):
    out = tmp_path / "ci.md"
    intervals.main(["--runs", str(two_runs / "table"), str(two_runs / "zc"), str(two_runs / "copy"),
                    "--boot", "60", "--report", str(out)])
    rows = [l.split("|")[1:-1] for l in out.read_text().splitlines() if l.startswith("| nb201")]
    assert [(r[3].strip(), r[4].strip()) for r in rows] == [("NB-Suite-Zero", "C=4, N=1; S=8, 8 px"),
                                                            ("table", "C=4, N=1; S=8, 8 px")]
    for row, name in zip(rows, ("zc", "table")):
        assert row[2].strip() == "40" and row[5].strip() == "0.87-0.90"
        assert row[8].strip() == "—"  # reg_swap_auto was not run
        for cell, proxy in ((row[6], "swap"), (row[7], "reg_swap"), (row[9], "params")):
            _, res = json.loads((two_runs / name / "correlation/nb201/cifar10" / proxy / "0/scores.json").read_text())
            rho = stats.spearmanr(res["full_testpred"], res["full_ytest"])[0]
            lo, hi = spearman_interval(res["full_ytest"], res["full_testpred"], n_boot=60, seed=0)
            mark = "" if proxy == "params" else intervals.verdict(lo, hi, (0.87, 0.90))
            assert cell.strip() == f"{rho:.3f} ({lo:.3f}, {hi:.3f}){mark}"
    below = [r for r in rows if "↑" not in r[6] + r[7] and "≈" not in r[6] + r[7]]
    summary = out.read_text().rstrip().splitlines()[-1]
    assert summary.startswith("Every SWAP column below the paper")
    assert summary.count("nb201 cifar10") == len(below)


def test_a_root_without_studies_is_an_error(tmp_path):
    with pytest.raises(SystemExit, match="no correlation/.*/0/scores.json under"):
        intervals.main(["--runs", str(tmp_path), "--report", str(tmp_path / "x.md")])
