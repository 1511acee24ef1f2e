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
from swap_plugin.proxies import ENSEMBLE_MEMBERS, PROXIES, jacov_score, log_rank_ensemble, synflow_score
from swap_plugin.proxies.az_nas import expressivity_profile, expressivity_score, progressivity_score
from swap_plugin.proxies.ensemble import ReferenceEnsemble
from swap_plugin.spaces import get_space
from swap_plugin.studies import StudyConfig, run_study, sample_archs
from swap_plugin.studies.correlate import seeded_network


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


@pytest.mark.needs_data
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
    assert ENSEMBLE_MEMBERS[0] == "reg_swap" and set(ENSEMBLE_MEMBERS[1:]) <= set(PROXIES)
    for a in archs:
        net = seeded_network(space, a, "cifar10", 3, {"C": 4, "N": 1})
        for m in ENSEMBLE_MEMBERS[1:]:
            members.setdefault(m, []).append(PROXIES[m](net, x))
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


class _Blocks(nn.Module):
    """stem = identity, cell 0 = identity, cell 1 zeroes channel 1: covariances diag(1, 1),
    diag(1, 1), diag(1, 0) on the batch below."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Identity()
        self.cells = nn.ModuleList([nn.Identity(), nn.Conv2d(2, 2, 1, bias=False)])
        with torch.no_grad():
            self.cells[1].weight.copy_(torch.tensor([1.0, 0.0, 0.0, 0.0]).view(2, 2, 1, 1))

    def forward(self, x):
        x = self.stem(x)
        for c in self.cells:
            x = c(x)
        return x


def test_expressivity_and_progressivity_by_hand():
    # channel 0: +1 -1 +1 -1, channel 1: +1 +1 -1 -1: centred, uncorrelated, variance 1 each
    x = torch.tensor([[1.0, 1.0], [-1.0, 1.0], [1.0, -1.0], [-1.0, -1.0]]).view(4, 2, 1, 1)
    net = _Blocks()
    profile = expressivity_profile(net, x)
    # eigenvalues (1, 1): p = (1/2, 1/2), entropy ln 2; eigenvalues (1, 0): p = (1, 0), entropy ~0
    assert profile == pytest.approx([math.log(2), math.log(2), 0.0], abs=1e-7)
    assert expressivity_score(net, x) == pytest.approx(2 * math.log(2), abs=1e-7)
    assert progressivity_score(net, x) == pytest.approx(-math.log(2), abs=1e-7)
    # the first cell only: no loss from the stem to it
    assert progressivity_score(net, x, blocks=[net.stem, net.cells[0]]) == pytest.approx(0.0, abs=1e-7)
    # constant features have no spread: NaN, which the ensemble ranks last
    assert math.isnan(expressivity_score(net, torch.ones(4, 2, 1, 1)))


def test_block_proxies_need_blocks_and_leave_the_model_alone():
    with pytest.raises(ValueError, match="pass blocks="):
        expressivity_score(nn.Sequential(nn.Conv2d(3, 2, 1), nn.ReLU()), torch.randn(2, 3, 4, 4))
    net = _Blocks()
    with pytest.raises(ValueError, match="modules of the model"):
        expressivity_score(net, torch.randn(4, 2, 1, 1), blocks=[nn.Identity()])
    with pytest.raises(ValueError, match="at least two"):
        progressivity_score(net, torch.randn(4, 2, 1, 1), blocks=[net.stem])
    bn = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    bn.eval()
    before = bn[1].running_mean.clone()
    expressivity_score(bn, torch.randn(4, 3, 6, 6), blocks=[bn[0], bn[2]])
    assert torch.equal(bn[1].running_mean, before) and not bn.training


def test_expressivity_profile_of_nb201_equals_a_direct_computation():
    """The hooked block features equal running the stem and cells by hand, and each
    entropy equals numpy's eigenvalues of the covariance."""
    space = get_space("nb201")
    x = load_batch("cifar10", 8, seed=0)
    for arch in [(2, 3, 1, 4, 2, 3), (1,) * 6]:  # the second: every edge `none`
        torch.manual_seed(0)
        net = space.build(arch, "cifar10", C=4, N=1)
        want = []
        with torch.no_grad():
            h = net.train().stem(x)
            feats = [h]
            for cell in net.cells:
                h = cell(h)
                feats.append(h)
        for f in feats:
            m = f.permute(0, 2, 3, 1).reshape(-1, f.shape[1]).double().numpy()
            lam = np.clip(np.linalg.eigvalsh(np.cov(m, rowvar=False, bias=True)), 0, None)
            p = lam / lam.sum() if lam.sum() > 0 else lam * np.nan  # constant features: NaN
            want.append(float(-(p * np.log(p + 1e-8)).sum()))
        torch.manual_seed(0)
        net = space.build(arch, "cifar10", C=4, N=1)
        assert expressivity_profile(net, x) == pytest.approx(want, rel=1e-9, abs=1e-12, nan_ok=True)
        assert len(want) == 1 + 3 * 1 + 2  # stem, 3 stages of N=1 cells, 2 reduction blocks
        # all-none cells output zeros: every block after the stem is NaN
        assert np.isfinite(want[0]) and np.isnan(want[1:]).all() == (arch == (1,) * 6)


def test_reference_ensemble_is_the_log_rank_score_of_an_arch_joining_the_reference():
    rng = np.random.default_rng(0)
    ref = {"a": rng.integers(0, 5, 30).astype(float), "b": rng.normal(size=30), "c": rng.normal(size=30)}
    ref["c"][3] = np.nan
    ens = ReferenceEnsemble(ref)
    for x in [{"a": 2.0, "b": 0.1, "c": -0.3}, {"a": 9.0, "b": -5.0, "c": np.nan}, {"a": 0.0, "b": 9.0, "c": 0.0}]:
        joined = log_rank_ensemble({m: list(v) + [x[m]] for m, v in ref.items()})
        assert ens(x) == pytest.approx(joined[-1], rel=1e-12)  # ties (integer a) and NaN included
    with pytest.raises(KeyError, match="member"):
        ens({"a": 1.0, "b": 1.0})
    with pytest.raises(ValueError, match="same, non-empty"):
        ReferenceEnsemble({"a": [1.0], "b": [1.0, 2.0]})
