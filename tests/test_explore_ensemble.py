"""scripts/explore_ensemble.py: the proxy values it computes and caches are the package's
proxies on the study's own networks and batch."""
import pytest
from script_loader import load_script

from swap_plugin.benchmarks import get_ground_truth
from swap_plugin.proxies import PROXIES
from swap_plugin.spaces import get_space
from swap_plugin.studies import StudyConfig, run_study, sample_archs
from swap_plugin.studies.correlate import seeded_network, study_inputs

pytestmark = pytest.mark.needs_data


def test_computed_values_equal_the_proxies_on_the_study_networks_and_are_cached(tmp_path):
    ens = load_script("explore_ensemble")
    cfg = StudyConfig.from_dict(dict(space="nb201", dataset="cifar10", n=6, seeds=[2], out=str(tmp_path / "run"),
                                     proxies=["swap"], samples=8, input_size=8, build={"C": 4, "N": 1}))
    run_study(cfg, progress=False)
    records = tmp_path / "run/correlation/nb201/cifar10/records_seed2.jsonl"
    study = ens.study_of(records)
    assert study.scoring_key() == cfg.scoring_key()
    archs = sample_archs(get_ground_truth("nb201", "cifar10"), "cifar10", 6, 2)
    names = ("synflow", "expressivity", "progressivity")  # the last two share one profile
    got = ens.computed(study, 2, archs, names, tmp_path / "cache", workers=1)
    x = study_inputs(cfg, 2)
    for i, a in enumerate(archs):
        net = seeded_network(get_space("nb201"), a, "cifar10", 2, cfg.build)
        for n in names:
            want = PROXIES[n](net, x)
            assert got[n][i] == pytest.approx(want, rel=1e-12, nan_ok=True), (a, n)
    files = sorted((tmp_path / "cache").rglob("*.jsonl"))
    assert [f.parent.name for f in files] == sorted(names)
    sizes = [f.stat().st_size for f in files]
    again = ens.computed(study, 2, archs, names, tmp_path / "cache", workers=1)
    assert again == got and [f.stat().st_size for f in files] == sizes  # read back, nothing rescored


def test_ensemble_scores_json_is_read_by_the_heatmap(tmp_path):
    import json

    import numpy as np
    from scipy.stats import spearmanr

    from swap_plugin.proxies import ENSEMBLE_MEMBERS
    from swap_plugin.studies.heatmap import collect

    ens = load_script("explore_ensemble")
    y, e = [90.0, 91.5, 89.0, 93.0], [-3.0, -1.0, -2.5, -0.5]
    path = ens.write_scores_json(tmp_path, "cifar100", 3, y, e, 4)
    assert path == tmp_path / "correlation/nb201/cifar100/swap_ensemble/3/scores.json"
    (rec,) = collect([str(tmp_path)])
    assert (rec.proxy, rec.space, rec.dataset, rec.seed, rec.n) == ("swap_ensemble", "nb201", "cifar100", 3, 4)
    assert rec.spearman == spearmanr(y, e)[0] == pytest.approx(0.8)  # ranks 2,3,1,4 vs 1,3,2,4: 1 - 6·2/60
    config, result = json.loads(path.read_text())
    assert config["ensemble_members"] == list(ENSEMBLE_MEMBERS)
    assert rec.members == " + ".join(ENSEMBLE_MEMBERS)  # the heatmap report names them
    assert np.allclose(result["full_testpred"], e) and result["full_ytest"] == y
