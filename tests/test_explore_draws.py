"""scripts/explore_draws.py on real studies: a 12-arch slice of the NB-Suite-Zero NB201 file."""
import itertools
import json

import numpy as np
import pytest
from scipy import stats
from script_loader import load_script

from swap_plugin.paths import data_file
from swap_plugin.studies import StudyConfig, run_study

pytestmark = pytest.mark.needs_data
explore = load_script("explore_draws")
FAST = dict(samples=8, input_size=8, build={"C": 4, "N": 1})


def small_zc_file(path, n=12):
    """The first n archs of the real 725-arch file, CIFAR-10 only, in its own format."""
    full = json.loads(data_file("nb201/zc/naslib_zc_nasbench201_725.json").read_text())
    path.write_text(json.dumps({"cifar10": dict(list(full["cifar10"].items())[:n])}))
    return path


def study(tmp_path, name, n, seeds, gt):
    cfg = StudyConfig.from_dict(dict(space="nb201", dataset="cifar10", n=n, seeds=seeds, out=str(tmp_path / name),
                                     proxies=["swap", "reg_swap"], gt_source=str(gt), mu=0.5, sigma=0.4, **FAST))
    run_study(cfg, progress=False)
    return tmp_path / name / "correlation" / "nb201" / "cifar10"


def test_k_draw_rows_equal_a_naive_average_of_the_seeds_scores(tmp_path):
    gt = small_zc_file(tmp_path / "zc12.json")
    base = study(tmp_path, "all", "all", [0, 1, 2], gt)
    study(tmp_path, "sampled", 6, [0, 1], gt)  # seeds drew other archs: nothing to average, left out
    out = tmp_path / "draws.md"
    explore.main(["--runs", str(tmp_path / "all"), str(tmp_path / "sampled"), "--out", str(out)])
    rows = [line for line in out.read_text().splitlines() if line.startswith("| nb201 ")]
    assert len(rows) == 3  # k = 1, 2, 3 of the one study that qualifies

    def scores(proxy, seed):
        return json.loads((base / proxy / str(seed) / "scores.json").read_text())[1]

    y = scores("swap", 0)["full_ytest"]
    assert all(scores("swap", s)["full_ytest"] == y for s in (1, 2))  # the same archs in the same order
    means = {}
    for k, row in zip((1, 2, 3), rows):
        cells = [c.strip() for c in row.split("|")[1:-1]]
        subsets = list(itertools.combinations(range(3), k))
        assert cells[2] == "12" and cells[5] == "0.5, 0.4 M" and cells[6] == f"{k} ({len(subsets)})"
        for proxy, cell in (("swap", cells[7]), ("reg_swap", cells[8])):
            # f(Θ) is the same in every draw, so the mean of the seeds' Ψ' is Ψ' of the mean Ψ
            rhos = [stats.spearmanr(np.mean([scores(proxy, s)["full_testpred"] for s in c], axis=0), y)[0]
                    for c in subsets]
            assert cell == f"{np.mean(rhos):.3f} ± {np.std(rhos):.3f}"
            means[proxy, k] = np.mean(rhos)
    gain = means["swap", 3] - means["swap", 1]
    last = out.read_text().splitlines()[-1]
    assert last == f"ρ(Ψ) with all draws against one draw: nb201 cifar10 (NB-Suite-Zero) {gain:+.3f}."


def test_no_study_with_shared_archs_is_a_clear_error(tmp_path):
    gt = small_zc_file(tmp_path / "zc12.json")
    study(tmp_path, "sampled", 6, [0, 1], gt)
    with pytest.raises(SystemExit, match="same archs"):
        explore.main(["--runs", str(tmp_path / "sampled"), "--out", str(tmp_path / "draws.md")])
