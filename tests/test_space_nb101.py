"""NB101 space: NASLib encoding, the benchmark graph hash, nasbench-pytorch builds and
their parameter counts, checked against the real tables of the data directory's nb101/
(those tests need it) and against a benchmark row written out here (those need nothing)."""
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
from swap_plugin.spaces.nb101 import (BN_MOMENTUM, from_spec, graph_hash, is_valid,
                                      param_count, prune, to_spec)


@pytest.fixture(scope="module")
def space():
    return get_space("nb101")


#: the first row of nb101_1000_decoded.json (test_hash_matches_benchmark_for_all_1000 checks it)
ROW0 = {"hash": "00005c142e6f48ac74fdcf73e3439874", "params": 8555530,
        "matrix": [[0, 1, 0, 0, 1, 1, 0], [0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 1, 0],
                   [0, 0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]],
        "ops": ["input", "conv3x3-bn-relu", "maxpool3x3", "conv3x3-bn-relu", "conv3x3-bn-relu",
                "conv1x1-bn-relu", "output"]}


@pytest.fixture(scope="module")
def table(data_root):
    """1,000 benchmark rows (pruned matrix, op names, params, hash) + their archs."""
    with open(data_file("nb101", "nb101_1000_decoded.json")) as f:
        rows = json.load(f)
    return [(r, from_spec(r["matrix"], r["ops"])) for r in rows]


def _arch(edges, ops):
    """7-vertex arch from an edge list and the 5 interior op names."""
    m = np.zeros((7, 7), dtype=int)
    for i, j in edges:
        m[i, j] = 1
    return from_spec(m, ["input", *ops, "output"])


def test_registered():
    assert "nb101" in list_spaces()


@pytest.mark.needs_data
def test_encoding_matches_naslib(space):
    """(unpruned matrix, op names) -> the NASLib tuple, for NAS-Bench-Suite-Zero keys."""
    with open(data_file("nb101", "nb101_naslib_zc_500_decoded.csv")) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 500
    for r in rows:
        arch = from_spec(json.loads(r["matrix_7x7_unpruned"]), json.loads(r["ops"]))
        assert str(arch) == r["naslib_tuple"]
        assert space.from_str(r["naslib_tuple"]) == arch
        matrix, ops = to_spec(arch)
        assert matrix.tolist() == json.loads(r["matrix_7x7_unpruned"])
        assert ops == json.loads(r["ops"])
        assert all(type(x) is int for x in arch)


def test_from_spec_and_parsing(space):
    # 3-vertex spec padded to 7: output stays last, padding vertices are isolated
    arch = from_spec([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "conv3x3", "output"])
    matrix, ops = to_spec(arch)
    assert matrix[0, 1] == matrix[0, 6] == matrix[1, 6] == 1 and matrix.sum() == 3
    # padding op conv3x3, as NASLib's convert_to_cell
    assert ops == ["input", "conv3x3-bn-relu"] + ["conv3x3-bn-relu"] * 4 + ["output"]
    assert arch[49:] == (0, 4, 4, 4, 4, 4, 1)
    pm, po = prune(arch)
    assert pm.tolist() == [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
    assert po == ["input", "conv3x3-bn-relu", "output"]
    assert from_spec(pm, [0, 4, 1]) == arch  # NASLib op indices work too
    assert space.from_str(json.dumps({"matrix": pm.tolist(), "ops": po})) == arch
    assert space.decode({"matrix": pm, "ops": po}) == arch
    assert space.from_str(space.to_str(arch)) == arch
    assert space.from_spec(pm, po) == arch
    for bad in ([[0, 1], [1, 0]], [[0, 1, 0], [0, 0, 1]]):
        with pytest.raises(ValueError):
            from_spec(bad, ["input", "output"])
    with pytest.raises(ValueError):
        from_spec([[0, 1, 1], [0, 0, 1], [0, 0, 0]], ["input", "conv5x5", "output"])
    with pytest.raises(ValueError):
        space.decode(arch[:-1])
    with pytest.raises(ValueError):
        space.decode(arch[:-1] + (5,))
    with pytest.raises(ValueError):  # output op in the middle
        space.decode(arch[:50] + (1,) + arch[51:])
    with pytest.raises(ValueError):
        space.from_str("not an arch")


def test_hash_matches_benchmark_for_all_1000(table, space):
    for row, arch in table:
        assert space.hash(arch) == row["hash"]
    assert {k: table[0][0][k] for k in ROW0} == ROW0


def test_hash_is_isomorphism_invariant():
    row, arch = ROW0, from_spec(ROW0["matrix"], ROW0["ops"])
    matrix, ops = to_spec(arch)
    # relabel interior vertices by every permutation keeping the matrix upper triangular
    seen = 0
    for perm in itertools.permutations(range(1, 6)):
        p = [0, *perm, 6]
        m2 = np.zeros_like(matrix)
        m2[np.ix_(p, p)] = matrix
        if np.tril(m2).any() or (m2 == matrix).all():
            continue
        ops2 = [None] * 7
        for old, new in enumerate(p):
            ops2[new] = ops[old]
        other = from_spec(m2, ops2)
        assert other != arch and graph_hash(other) == row["hash"]
        seen += 1
    assert seen > 0
    # two parallel branches: swapping their ops is the same network...
    a = _arch([(0, 1), (0, 2), (1, 6), (2, 6)], ["conv3x3", "conv1x1", "maxpool3x3", "maxpool3x3", "maxpool3x3"])
    b = _arch([(0, 1), (0, 2), (1, 6), (2, 6)], ["conv1x1", "conv3x3", "conv3x3", "conv3x3", "conv3x3"])
    assert a != b and graph_hash(a) == graph_hash(b)
    # ...in series it is not
    c = _arch([(0, 1), (1, 2), (2, 6)], ["conv3x3", "conv1x1", "maxpool3x3", "maxpool3x3", "maxpool3x3"])
    d = _arch([(0, 1), (1, 2), (2, 6)], ["conv1x1", "conv3x3", "maxpool3x3", "maxpool3x3", "maxpool3x3"])
    assert graph_hash(c) != graph_hash(d)
    # a dangling vertex (3 feeds nothing) does not change the hash
    e = _arch([(0, 1), (1, 2), (2, 6), (0, 3)], ["conv3x3", "conv1x1", "conv3x3", "maxpool3x3", "maxpool3x3"])
    assert graph_hash(e) == graph_hash(c)


def test_param_count_by_hand():
    # input->output only: each cell is a 1x1 projection + BN (c_in*c_out + 2 c_out).
    # stem 3*9*128+256; stack 1: 3 x 16,640; stack 2: 33,280 + 2 x 66,048;
    # stack 3: 132,096 + 2 x 263,168; classifier 512*10+10
    arch = from_spec([[0, 1], [0, 0]], ["input", "output"])
    expect = 3712 + 3 * 16640 + 33280 + 2 * 66048 + 132096 + 2 * 263168 + 5130
    assert param_count(arch) == expect == 882570
    assert count_parameters(get_space("nb101").build(arch), unit="1") == expect
    # input -> conv3x3 -> output adds a 9 c^2 + 2c conv per cell
    chain = from_spec([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ["input", "conv3x3", "output"])
    assert param_count(chain) == 10177674


def test_params_match_benchmark_for_all_1000(table, space):
    for row, arch in table:
        assert space.num_params(arch, unit="1") == row["params"]
    assert space.num_params(table[0][1]) == table[0][0]["params"] / 1e6


def test_closed_form_equals_real_builds(table, space):
    """Real nasbench-pytorch builds (Placeholders removed) count the same, on rows
    with 4, 5, 6 and 7 vertices, the smallest and a truncating channel split."""
    by_size = {}
    for row, arch in table:
        by_size.setdefault(len(row["ops"]), []).append((row, arch))
    picks = [by_size[4][0], *by_size[5][:2], *by_size[6][:2], *by_size[7][:3],
             min(table, key=lambda t: t[0]["params"])]
    for row, arch in picks:
        net = space.build(arch)
        assert count_parameters(net, unit="1") == row["params"] == param_count(arch)


@pytest.mark.needs_data
def test_params_match_naslib_suite_zero(space):
    with open(data_file("nb101", "naslib_zc_nasbench101_500.json")) as f:
        recs = json.load(f)["nasbench101"]["cifar10"]
    for key, rec in recs.items():
        assert abs(space.num_params(space.from_str(key)) - rec["params"]) < 5e-7


def test_network_forward_and_modules(space):
    torch.manual_seed(0)
    arch = from_spec(ROW0["matrix"], ROW0["ops"])  # 7 vertices: 3 conv3x3, 1 conv1x1, 1 maxpool, 3 input edges
    net = space.build(arch)
    assert count_parameters(net, unit="1") == ROW0["params"] == param_count(arch)
    out = net(torch.randn(2, 3, 32, 32))
    assert out.shape == (2, 10) and torch.isfinite(out).all()
    assert net.classifier.in_features == 512
    # nn.ReLU modules: stem + per cell (4 conv vertices + 3 input projections) x 9
    relus = [m for m in net.modules() if isinstance(m, nn.ReLU)]
    assert len(relus) == 1 + 9 * (4 + 3)
    assert not any(type(m).__name__ == "Placeholder" for m in net.modules())
    assert {m.momentum for m in net.modules() if isinstance(m, nn.BatchNorm2d)} == {BN_MOMENTUM}
    with pytest.raises(ValueError):
        space.build(arch, "cifar100")
    assert space.build(arch, "cifar100", num_classes=100).classifier.out_features == 100


def test_validity():
    no_path = _arch([(0, 1), (2, 6)], ["conv3x3"] * 5)
    assert prune(no_path) is None and not is_valid(no_path)
    with pytest.raises(ValueError):
        graph_hash(no_path)
    with pytest.raises(ValueError):
        get_space("nb101").build(no_path)
    dense = _arch([(i, j) for i in range(7) for j in range(i + 1, 7)], ["conv3x3"] * 5)
    assert prune(dense) is not None and not is_valid(dense)  # 21 edges > 9
    nine = _arch([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (0, 2), (0, 3), (0, 6)],
                 ["conv3x3"] * 5)
    assert is_valid(nine)
    assert not is_valid(_arch([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (0, 2), (0, 3),
                               (0, 6), (1, 6)], ["conv3x3"] * 5))


def test_sample_mutate_crossover(space):
    rng = np.random.default_rng(0)
    samples = [space.sample(rng) for _ in range(300)]
    assert all(is_valid(a) and len(a) == 56 and all(type(x) is int for x in a) for a in samples)
    # uniform over valid *encodings* (as nasbench's random_spec / NASLib), which
    # over-represents small cells: about 1 in 10 prunes to the bare input->output
    assert len({space.hash(a) for a in samples}) > 150
    assert 10 < sum(len(prune(a)[1]) == 2 for a in samples) < 60
    assert space.sample(np.random.default_rng(3)) == space.sample(np.random.default_rng(3))
    for a in samples[:100]:
        m = space.mutate(a, rng)
        assert is_valid(m) and space.hash(m) != space.hash(a)
        # exactly one edge flipped or one op changed
        assert sum(x != y for x, y in zip(a, m)) == 1
    for a, b in zip(samples[:100], samples[100:200]):
        c = space.crossover(a, b, rng)
        assert is_valid(c)
        assert all(x in (y, z) for x, y, z in zip(c, a, b))
