"""scripts/compare_naslib_graph.py on the real NB-Suite-Zero NB201 file."""
import json

import numpy as np
import pytest
from scipy import stats
from script_loader import load_script

from swap_plugin.benchmarks import add_proxy_scores
from swap_plugin.benchmarks.zc_json import load_zc_json
from swap_plugin.paths import data_file
from swap_plugin.spaces import get_space

pytestmark = pytest.mark.needs_data
compare = load_script("compare_naslib_graph")


@pytest.fixture()
def two_sides(tmp_path):
    """NASLib's side: 30 archs of the real 725-arch file with 'swap' := their stored
    synflow; ours: records of 25 of them with 'swap' := their stored jacov."""
    src = data_file("nb201/zc/naslib_zc_nasbench201_725.json")
    gt, space = load_zc_json(src, "nb201"), get_space("nb201")
    archs = gt.archs("cifar10")[:30]
    dst = tmp_path / "scored.json"
    add_proxy_scores(src, dst, "swap", {a: gt.proxy(a, "cifar10", "synflow") for a in archs},
                     space="nb201", dataset="cifar10")
    records = tmp_path / "records_seed0.jsonl"
    records.write_text("".join(json.dumps({"key": space.hash(a), "swap": gt.proxy(a, "cifar10", "jacov")}) + "\n"
                               for a in archs[5:]))
    want = [(gt.proxy(a, "cifar10", "jacov"), gt.proxy(a, "cifar10", "synflow"), gt.lookup(a, "cifar10"))
            for a in archs[5:]]
    return dst, records, [np.array(c) for c in zip(*want)]


def test_matched_pairs_the_archs_scored_on_both_sides(two_sides):
    dst, records, (ours, theirs, acc) = two_sides
    got = compare.matched("nb201", "cifar10", str(dst), str(records), "swap")
    assert len(got[0]) == 25
    # each arch's three values stay together
    assert set(zip(*got)) == set(zip(ours, theirs, acc))


def test_report_row_and_no_overlap_error(two_sides, tmp_path):
    dst, records, (ours, theirs, acc) = two_sides
    out = tmp_path / "report.md"
    compare.main(["--pair", "nb201", "cifar10", str(dst), str(records), "--boot", "50", "--report", str(out)])
    row = [l for l in out.read_text().splitlines() if l.startswith("| nb201")][0].split("|")
    assert row[3].strip() == "?"  # no records_seed0.key.json beside these records
    assert row[4].strip() == "25"
    assert float(row[5]) == pytest.approx(stats.spearmanr(ours, acc)[0], abs=5e-4)
    assert float(row[6]) == pytest.approx(stats.spearmanr(theirs, acc)[0], abs=5e-4)
    assert float(row[8]) == pytest.approx(stats.spearmanr(ours, theirs)[0], abs=5e-4)
    lo_hi = row[7].split("(")[1].rstrip(") ").split(",")
    apart = float(lo_hi[0]) > 0 or float(lo_hi[1]) < 0
    assert out.read_text().rstrip().endswith("nb201 cifar10 (?)." if apart else "excludes 0: none.")
    records.with_suffix(".key.json").write_text(json.dumps(
        {"build": {"stem_channels": 32}, "samples": 16, "input_size": 64, "images": "imagenet"}))
    assert compare.scoring_setup(str(records)) == "stem_channels=32; S=16, 64 px, imagenet images"
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(SystemExit, match="share 0 archs"):
        compare.matched("nb201", "cifar10", str(dst), str(empty), "swap")
