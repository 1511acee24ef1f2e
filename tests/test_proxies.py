"""synflow / jacov / the log-rank ensemble: hand-computed cases and the study integration.
Their equality with NASLib's own measures is in tests/test_naslib_measures.py."""
import json
import math

import numpy as np
import pytest
import torch
from scipy import stats
from torch import nn

from swap_plugin.benchmarks import get_ground_truth
from swap_plugin.data import load_batch
from swap_plugin.metric import regulariser
from swap_plugin.paths import data_dir
from swap_plugin.proxies import ENSEMBLE_MEMBERS, jacov_score, log_rank_ensemble, synflow_score
from swap_plugin.spaces import get_space
from swap_plugin.studies import StudyConfig, run_study, sample_archs
from swap_plugin.studies.correlate import seeded_network

needs_data = pytest.mark.skipif(data_dir(required=False) is None, reason="benchmark data (SWAP_DATA_DIR) not found")


def two_layer():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))


def test_synflow_of_a_two_layer_net_by_hand():
    net = two_layer()
    W, b = net[0].weight.detach().abs().double(), net[0].bias.detach().abs().double()
    v = net[2].weight.detach().abs().double()[0]
    # all-ones input, |weights|: h_j = Σ_i |W_ji| + |b_j| (> 0, so ReLU passes it), R = Σ_j |v_j| h_j + |c|
    h = W.sum(1) + b
    want = float((W * v[:, None]).sum() + (v * h).sum())  # Σ|W ⊙ ∂R/∂W| + Σ|v ⊙ ∂R/∂v|
    before = {k: t.clone() for k, t in net.state_dict().items()}
    assert synflow_score(net, torch.randn(5, 3)) == pytest.approx(want, rel=1e-12)
    assert all(torch.equal(t, before[k]) for k, t in net.state_dict().items())  # signs kept, float32 kept


def test_synflow_ignores_batchnorm():
    torch.manual_seed(1)
    conv, head = nn.Conv2d(3, 4, 3), nn.Linear(4, 2)
    plain = nn.Sequential(conv, nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), head)
    with_bn = nn.Sequential(conv, nn.BatchNorm2d(4), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), head)
    with torch.no_grad():
        with_bn[1].weight.fill_(3.0)  # would change R if BatchNorm were kept
    x = torch.randn(2, 3, 8, 8)
    assert synflow_score(with_bn, x) == synflow_score(plain, x) > 0


def test_jacov_of_a_linear_model_by_hand():
    # y = Wx: every sample's input gradient is Σ_k W_k, so all rows correlate perfectly and the
    # correlation matrix (all ones) has eigenvalues S and 0 (S-1 times)
    s, k = 6, 1e-5
    net = nn.Sequential(nn.Flatten(), nn.Linear(12, 3))
    x = torch.randn(s, 3, 2, 2)
    want = -((math.log(s + k) + 1 / (s + k)) + (s - 1) * (math.log(k) + 1 / k))
    assert jacov_score(net, x) == pytest.approx(want, rel=1e-6)


def test_jacov_leaves_batchnorm_statistics_alone_and_needs_two_samples():
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten())
    before = net[1].running_mean.clone()
    jacov_score(net, torch.randn(4, 3, 6, 6))
    assert torch.equal(net[1].running_mean, before)
    with pytest.raises(ValueError, match="at least 2 samples"):
        jacov_score(net, torch.randn(1, 3, 6, 6))


def test_log_rank_ensemble_by_hand():
    got = log_rank_ensemble({"a": [1.0, 2.0, 3.0], "b": [30.0, 20.0, 10.0]})
    want = [math.log(1 / 3) + 0.0, 2 * math.log(2 / 3), 0.0 + math.log(1 / 3)]
    assert np.allclose(got, want)
    # a NaN ranks last for its member; ties share the mean rank
    got = log_rank_ensemble({"a": [float("nan"), 5.0, 5.0]})
    assert np.allclose(got, [math.log(1 / 3), math.log(2.5 / 3), math.log(2.5 / 3)])
    with pytest.raises(ValueError, match="same archs"):
        log_rank_ensemble({"a": [1, 2], "b": [1]})


@needs_data
def test_study_swap_ensemble_equals_the_members_computed_directly(tmp_path):
    cfg = StudyConfig.from_dict(dict(space="nb201", dataset="cifar10", n=10, seeds=[3], out=str(tmp_path),
                                     proxies=["swap", "swap_ensemble"], samples=8, input_size=8,
                                     build={"C": 4, "N": 1}, mu=0.5, sigma=0.4))
    run_study(cfg, progress=False)
    space, gt = get_space("nb201"), get_ground_truth("nb201", "cifar10")
    archs = sample_archs(gt, "cifar10", 10, 3)
    x = load_batch("cifar10", 8, seed=3, size=8)
    _, swap = json.loads((tmp_path / "correlation/nb201/cifar10/swap/3/scores.json").read_text())
    members = {"reg_swap": [s * regulariser(space.num_params(a, "cifar10"), 0.5, 0.4)
                            for a, s in zip(archs, swap["full_testpred"])]}
    for a in archs:
        net = seeded_network(space, a, "cifar10", 3, {"C": 4, "N": 1})
        members.setdefault("synflow", []).append(synflow_score(net, x))
        members.setdefault("jacov", []).append(jacov_score(net, x))
    want = log_rank_ensemble({m: members[m] for m in ENSEMBLE_MEMBERS})
    conf, res = json.loads((tmp_path / "correlation/nb201/cifar10/swap_ensemble/3/scores.json").read_text())
    assert np.allclose(res["full_testpred"], want)
    assert res["spearman"] == pytest.approx(stats.spearmanr(want, res["full_ytest"])[0])
    assert res["query_time"] > 0
    with pytest.warns(UserWarning, match="chosen and tested on NB201"):
        run_study(StudyConfig.from_dict({**cfg.as_dict(), "space": "nb101", "dataset": "cifar10", "n": 2,
                                         "build": {"stem_channels": 4}, "out": str(tmp_path / "nb101")}),
                  progress=False)
    # records scored without the members are not silently mixed with an ensemble run
    plain = StudyConfig.from_dict({**cfg.as_dict(), "proxies": ["swap"]})
    with pytest.raises(ValueError, match="other settings"):
        run_study(plain, progress=False)
