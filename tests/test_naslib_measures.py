"""The NASLib adapter: ``swap`` / ``reg_swap`` as NASLib zero-cost measures.

The first group runs everywhere (no NASLib needed). The integration tests import the
real NASLib (Develop or zerocost branch on PYTHONPATH, see the README) and are
skipped, with the reason, where it is absent or cannot be imported. They sample real
NASLib graphs (NB201, NB101, NB301, TransNAS-Bench-101 micro/macro), score them with
``ZeroCost(method_type=...).query(graph, dataloader)`` on real CIFAR-10 test images,
and require the exact value our own scorer gives for the same module and batch.
"""
from __future__ import annotations

import random
import sys
import types

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

import swap_plugin.naslib as sn
from swap_plugin import SwapScorer, reg_swap_score, swap_score
from swap_plugin.data import EMBEDDED
from swap_plugin.data.normalisation import MEAN_STD

N_IMAGES = 16


@pytest.fixture(autouse=True)
def _fresh_config():
    sn.reset_config()
    yield
    sn.reset_config()


def small_net():
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.Conv2d(8, 8, 3, stride=2, padding=1), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10))


def fake_graph(space):
    """A plain module that reports a NASLib search-space type, like a NASLib graph."""
    net = small_net()
    net.get_type = lambda: space
    return net


# ---- without NASLib ------------------------------------------------------------------
def test_import_never_needs_naslib():
    assert callable(sn.register) and callable(sn.configure)
    from swap_plugin.proxies import get_proxy, list_proxies

    # every registered proxy of one network, in registry order; the set proxies are not
    assert sn.MEASURE_NAMES == tuple(n for n in list_proxies() if get_proxy(n).compute is not None)
    assert sn.MEASURE_NAMES[:2] == ("swap", "reg_swap") and "expressivity" in sn.MEASURE_NAMES
    assert "swap_ensemble" not in sn.MEASURE_NAMES and "reg_swap_auto" not in sn.MEASURE_NAMES
    assert sn.DEFAULT_MU_SIGMA == {"nasbench101": (40.0, 40.0), "nasbench201": (1.5, 1.5),
                                   "nasbench301": (1.8, 1.8)}


def test_register_without_naslib_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "naslib", None)  # makes `import naslib` fail
    with pytest.raises(ImportError, match="PYTHONPATH"):
        sn.register()


def test_measure_returns_what_find_measures_sums():
    torch.manual_seed(0)
    net, x = small_net(), torch.randn(12, 3, 8, 8)
    out = sn.compute_swap(net, x, torch.zeros(12, dtype=torch.long), split_data=1, loss_fn=None)
    # find_measures iterates len(arr), adds torch.sum(arr[i]) to 0.0 and calls .item()
    assert isinstance(out, list) and len(out) == 1
    assert torch.is_tensor(out[0]) and out[0].dtype == torch.float64 and out[0].dim() == 0
    total = 0.0
    for t in out:
        total += torch.sum(t)
    assert total.item() == swap_score(net, x)


def test_reg_swap_uses_per_space_defaults_and_configure():
    torch.manual_seed(0)
    x = torch.randn(10, 3, 8, 8)
    for space, (mu, sigma) in sn.DEFAULT_MU_SIGMA.items():
        net = fake_graph(space)
        got = sn.compute_reg_swap(net, x)[0].item()
        assert got == reg_swap_score(net, x, mu=mu, sigma=sigma)
    net = fake_graph("transbench101_micro")
    with pytest.raises(ValueError, match="configure"):
        sn.compute_reg_swap(net, x)
    sn.configure(mu=0.001, sigma=0.002, formula="official")
    assert sn.compute_reg_swap(net, x)[0].item() == reg_swap_score(
        net, x, mu=0.001, sigma=0.002, formula="official")


def test_default_mu_sigma_follow_size_unit():
    sn.configure(size_unit="K")
    assert sn.mu_sigma_for(fake_graph("nasbench201")) == (1500.0, 1500.0)


def test_configure_validates_and_passes_options():
    with pytest.raises(ValueError):
        sn.configure(mu=1.0)
    with pytest.raises(ValueError):
        sn.configure(repeats=0)
    with pytest.raises(ValueError):
        sn.configure(init="xavier")
    with pytest.raises(TypeError):
        sn.configure(swap_mu=1.0)
    assert sn.get_config()["repeats"] == 1  # failed calls change nothing
    torch.manual_seed(0)
    net, x = small_net(), torch.randn(12, 3, 8, 8)
    sn.configure(repeats=3, init="gaussian", seed=5, mode="train", samples=8)
    want = SwapScorer(x[:8], repeats=3, init="gaussian", seed=5, mode="train").score(net).swap
    assert sn.compute_swap(net, x)[0].item() == want


def test_configure_from_naslib_style_config():
    cfg = types.SimpleNamespace(search=types.SimpleNamespace(
        swap_mu=2.0, swap_sigma=3.0, swap_repeats=4, batch_size=64))
    got = sn.configure_from_config(cfg)
    assert (got["mu"], got["sigma"], got["repeats"]) == (2.0, 3.0, 4)


# ---- with the real NASLib ------------------------------------------------------------
@pytest.fixture(scope="module")
def naslib():
    pytest.importorskip("naslib", reason="NASLib not on PYTHONPATH; see README")
    try:
        from naslib.predictors import ZeroCost
        from naslib import search_spaces
        import naslib.utils.nb101_api as nb101_api
    except ImportError as e:
        pytest.skip(f"NASLib is on PYTHONPATH but does not import here ({e}); see README")
    registry = sn.register()
    return types.SimpleNamespace(ZeroCost=ZeroCost, spaces=search_spaces, nb101_api=nb101_api,
                                 registry=sys.modules[registry])


@pytest.fixture(scope="module")
def batch():
    d = np.load(EMBEDDED["cifar10"])  # real CIFAR-10 test images shipped with the package
    x = torch.from_numpy(d["images"][:N_IMAGES]).permute(0, 3, 1, 2).float() / 255.0
    mean, std = MEAN_STD["cifar10"]
    x = (x - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)
    y = torch.from_numpy(d["labels"][:N_IMAGES].astype(np.int64))
    return x.contiguous(), y


def loader(batch):
    x, y = batch
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=len(x))


def offline_nb101_api(naslib):
    """NASLib's own NB101 validity check (ModelSpec + NASBench._check_spec) without the
    multi-GB nasbench_only108.pkl, which sample_random_architecture needs only for it."""
    class OfflineNASBench(naslib.nb101_api.NASBench):
        def __init__(self):
            self.config = {"module_vertices": 7, "max_edges": 9,
                           "available_ops": ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"]}
    return {"api": naslib.nb101_api, "nb101_data": OfflineNASBench()}


SPACES = ["nb201", "nb101", "nb301", "tnb101_micro", "tnb101_macro"]


def make_graph(naslib, space, seed=0):
    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)
    ss = naslib.spaces
    if space == "nb201":
        g, api = ss.NasBench201SearchSpace(n_classes=10), None
    elif space == "nb101":
        g, api = ss.NasBench101SearchSpace(n_classes=10), offline_nb101_api(naslib)
    elif space == "nb301":
        g, api = ss.NasBench301SearchSpace(n_classes=10), None
    elif space == "tnb101_micro":
        g, api = ss.TransBench101SearchSpaceMicro(dataset="class_scene", create_graph=True), None
    elif space == "tnb101_macro":
        g, api = ss.TransBench101SearchSpaceMacro(dataset="class_scene"), None
    g.sample_random_architecture(dataset_api=api)
    g.parse()
    return g


def test_register_is_idempotent(naslib):
    assert sn.register() == naslib.registry.__name__
    assert sn.is_registered()
    for name in sn.MEASURE_NAMES:
        assert name in naslib.registry._measure_impls
        assert naslib.registry.available_measures.count(name) == 1


@pytest.mark.parametrize("space", SPACES)
def test_zerocost_swap_equals_direct_scorer(naslib, batch, space):
    g = make_graph(naslib, space)
    x, _ = batch
    got = naslib.ZeroCost(method_type="swap").query(g, dataloader=loader(batch))
    want = SwapScorer(x).score(g)
    assert isinstance(got, float)
    assert got == want.swap == swap_score(g, x)
    assert 1 <= got <= 2 ** N_IMAGES


@pytest.mark.parametrize("space", ["nb201", "nb101", "nb301"])
def test_zerocost_reg_swap_equals_direct_scorer(naslib, batch, space):
    g = make_graph(naslib, space)
    x, _ = batch
    mu, sigma = sn.mu_sigma_for(g)
    assert (mu, sigma) == sn.DEFAULT_MU_SIGMA[g.get_type()]
    got = naslib.ZeroCost(method_type="reg_swap").query(g, dataloader=loader(batch))
    assert got == SwapScorer(x, mu=mu, sigma=sigma).score(g).reg_swap
    assert got == reg_swap_score(g, x, mu=mu, sigma=sigma)


def test_zerocost_reg_swap_needs_mu_sigma_on_tnb101(naslib, batch):
    g = make_graph(naslib, "tnb101_micro")
    x, _ = batch
    with pytest.raises(ValueError, match="configure"):
        naslib.ZeroCost(method_type="reg_swap").query(g, dataloader=loader(batch))
    sn.configure(mu=0.5, sigma=0.5)
    got = naslib.ZeroCost(method_type="reg_swap").query(g, dataloader=loader(batch))
    assert got == reg_swap_score(g, x, mu=0.5, sigma=0.5)


def test_zerocost_uses_configured_protocol(naslib, batch):
    g = make_graph(naslib, "nb201", seed=1)
    x, _ = batch
    sn.configure(repeats=2, init="gaussian", seed=3, mode="train", samples=8)
    got = naslib.ZeroCost(method_type="swap").query(g, dataloader=loader(batch))
    assert got == SwapScorer(x[:8], repeats=2, init="gaussian", seed=3, mode="train").score(g).swap
    assert 1 <= got <= 2 ** 8


class _CountRelu(TorchFunctionMode):
    FUNCS = {F.relu, F.relu_, torch.relu, torch.relu_, torch.Tensor.relu, torch.Tensor.relu_}

    def __init__(self):
        super().__init__()
        self.calls = 0

    def __torch_function__(self, func, types_, args=(), kwargs=None):
        if func in self.FUNCS:
            self.calls += 1
        return func(*args, **(kwargs or {}))


@pytest.mark.parametrize("space", SPACES)
def test_graph_relus_are_all_modules(naslib, batch, space):
    """SWAP hooks nn.ReLU modules; a functional relu beside them would go unseen."""
    g = make_graph(naslib, space)
    x, _ = batch
    fired = []
    handles = [m.register_forward_hook(lambda *_: fired.append(1))
               for m in g.modules() if isinstance(m, nn.ReLU)]
    counter = _CountRelu()
    try:
        with torch.no_grad(), counter:
            g(x)
    finally:
        for h in handles:
            h.remove()
    assert fired and counter.calls == len(fired)


@pytest.mark.parametrize("space", ["nb201", "nb101", "nb301"])
def test_our_synflow_and_jacov_equal_naslibs_measures(naslib, batch, space):
    """The members of swap_plugin.proxies' ensemble give NASLib's values on NASLib's graphs
    (ZeroCost reports log(synflow))."""
    from swap_plugin.proxies import jacov_score, synflow_score

    g = make_graph(naslib, space)
    x, _ = batch
    torch.manual_seed(0)
    syn = naslib.ZeroCost(method_type="synflow").query(g, dataloader=loader(batch))
    assert np.log(synflow_score(g, x)) == pytest.approx(syn, rel=1e-9)
    torch.manual_seed(0)
    jac = naslib.ZeroCost(method_type="jacov").query(g, dataloader=loader(batch))
    assert jacov_score(g, x) == pytest.approx(jac, rel=1e-9)


@pytest.mark.needs_data  # the ImageNet stand-in of the data directory
@pytest.mark.parametrize("task", ["jigsaw", "autoencoder", "room_layout"])
def test_offline_loader_feeds_transnas_graphs(naslib, task):
    """Without Taskonomy images, NASLib's TransNAS graphs get the ImageNet stand-in at the
    task's input (jigsaw: the (N, 9, 3, h, w) tiles NASLib's StemJigsaw folds into the
    batch); the jigsaw graph's 9 tiles count as units of their image, as in the standalone
    network."""
    from naslib.search_spaces import get_search_space

    from swap_plugin.data import load_batch
    from swap_plugin.naslib.optimizer import swap_loader
    from swap_plugin.naslib.space_adapter import NaslibSpaceAdapter
    from swap_plugin.spaces.tnb101_models import image_to_tiles

    side = 192 if task == "jigsaw" else 64  # NASLib's jigsaw graph form needs 64-pixel tiles
    loader = swap_loader(task, 4, seed=1, size=side)
    x, _ = next(iter(loader))
    image = load_batch("imagenet", 4, seed=1, size=side)
    assert torch.equal(x, image_to_tiles(image) if task == "jigsaw" else image)
    assert x.shape == ((4, 9, 3, 64, 64) if task == "jigsaw" else (4, 3, 64, 64))
    torch.manual_seed(0)
    adapter = NaslibSpaceAdapter(get_search_space("transbench101_micro", task))  # NASLib's own setup
    arch = adapter.sample(np.random.default_rng(0))
    g = adapter.to_graph(arch)
    got = naslib.ZeroCost(method_type="swap").query(g, dataloader=loader)
    want = SwapScorer(x).score(g)
    assert got == want.swap and 1 <= got <= 2 ** 4
    if task == "jigsaw":  # the graph form folds the 9 tiles into the batch (StemJigsaw)
        g = naslib.spaces.TransBench101SearchSpaceMicro(dataset=task, create_graph=True)
        g.set_op_indices(list(arch))
        g.parse()
        got = naslib.ZeroCost(method_type="swap").query(g, dataloader=loader)
        assert got == SwapScorer(x, folded_batch=True).score(g).swap and 1 <= got <= 2 ** 4
        with pytest.raises(ValueError, match="folded_batch=True"):  # the measure set it for tiles
            SwapScorer(x).score(g)
        rows = []
        hooks = [m.register_forward_hook(lambda _m, _i, o: rows.append(o.shape[0]))
                 for m in g.modules() if isinstance(m, nn.ReLU)]
        with torch.no_grad():
            g.train()(x)
        for h in hooks:
            h.remove()
        assert rows and set(rows) == {36}
