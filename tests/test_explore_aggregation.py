"""scripts/explore_aggregation.py: its per-layer / per-stage counts against a naive reference."""
import math

import numpy as np
import pytest
import torch
from script_loader import load_script

from swap_plugin.data import load_batch
from swap_plugin.metric.activations import RELU_FAMILY
from swap_plugin.metric.reference import naive_swap_score
from swap_plugin.spaces import get_space

explore = load_script("explore_aggregation")


@pytest.mark.parametrize("space, arch, build", [
    ("nb201", (2, 2, 3, 0, 4, 2), {"C": 4, "N": 1}),
    ("nb101", None, {"stem_channels": 8}),
])
def test_counts_equal_torch_unique_per_layer_and_per_stage(space, arch, build):
    sp = get_space(space)
    arch = arch or sp.sample(np.random.default_rng(3))
    torch.manual_seed(0)
    net = sp.build(arch, "cifar10", **build).train()
    x = load_batch("cifar10", 8, seed=0)
    feats = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: feats.append(out.detach().reshape(8, -1)))
             for m in net.modules() if isinstance(m, RELU_FAMILY)]
    with torch.no_grad():
        net(x)
    for h in hooks:
        h.remove()

    def distinct(a):  # the official count: unique sign rows of the transposed S x V matrix
        return torch.unique(torch.sign(a).T, dim=0).size(0)

    per_layer = [distinct(a) for a in feats]
    stages = {}
    for a in feats:
        stages.setdefault(a.shape[1], []).append(a)
    per_stage = [distinct(torch.cat(s, dim=1)) for s in stages.values()]
    got = explore._counts(net, x)
    assert got["global"] == naive_swap_score(net, x) == distinct(torch.cat(feats, dim=1))
    assert got["n_layers"] == len(feats) > 1
    assert got["sum_layers"] == sum(per_layer)
    assert got["log_layers"] == pytest.approx(sum(math.log(c) for c in per_layer))
    assert got["sum_stages"] == sum(per_stage)
    assert got["log_stages"] == pytest.approx(sum(math.log(c) for c in per_stage))
