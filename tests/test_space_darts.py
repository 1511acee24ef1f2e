"""DARTS / NB301 space: encodings, operators and networks against real data.

Data (read-only, by path; tests marked ``needs_data``): NB301 rows from
NAS-Bench-Suite-Zero (compact + genotype + params), the official SWAP
``DARTS_archs_CIFAR10.csv`` and published DARTS genotypes. DARTS V2 and the first SWAP
row are also written out below, so the tests of operators and networks need no data.
"""
import ast
import csv
import json
from functools import lru_cache

import numpy as np
import pytest
import torch
import torch.nn as nn

from swap_plugin.metric.params import count_parameters
from swap_plugin.paths import data_file
from swap_plugin.spaces import get_space, list_spaces
from swap_plugin.spaces.darts import (
    NO_EDGE, OP_NAMES, canonical, check_compact, compact_to_genotype, from_op_matrix,
    genotype_to_compact, genotype_to_json, genotype_to_str, json_to_genotype,
    parse_genotype, to_op_matrix,
)
from swap_plugin.spaces.darts_ops import FactorizedReduce, Identity, count_params, drop_path

#: DARTS V2 (Liu et al. 2019) as known_darts_genotypes.json holds it (checked below)
DARTS_V2 = ("Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
            "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), "
            "('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), "
            "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
            "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])")
#: the first genotype of the official SWAP DARTS_archs_CIFAR10.csv ('none', a repeated input)
SWAP_ROW0 = ("Genotype(normal=[('none', 0), ('dil_conv_5x5', 0), ('sep_conv_5x5', 0), ('sep_conv_3x3', 1), "
             "('sep_conv_3x3', 1), ('dil_conv_5x5', 2), ('sep_conv_5x5', 3), ('skip_connect', 4)], "
             "normal_concat=[2, 3, 4, 5], reduce=[('none', 0), ('dil_conv_5x5', 0), ('sep_conv_5x5', 0), "
             "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('dil_conv_5x5', 2), ('sep_conv_5x5', 3), "
             "('skip_connect', 4)], reduce_concat=[2, 3, 4, 5])")


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    # many tiny convs: intra-op threads only add overhead (and oversubscribe CI CPUs)
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@lru_cache(maxsize=None)
def nb301_rows():
    with open(data_file("nb301", "nb301_naslib_zc_decoded_1225rows.csv")) as f:
        return tuple(csv.DictReader(f))


@lru_cache(maxsize=None)
def nb301_distinct():
    """{compact arch: row} for the 1,218 distinct genotypes."""
    return {check_compact(ast.literal_eval(r["compact"])): r for r in nb301_rows()}


@lru_cache(maxsize=None)
def swap_rows():
    with open(data_file("nb301", "swap_DARTS_archs_CIFAR10.csv")) as f:
        return tuple((g, float(acc)) for g, acc in csv.reader(f))


@lru_cache(maxsize=None)
def known():
    with open(data_file("darts", "known_darts_genotypes.json")) as f:
        return json.load(f)


# ------------------------------------------------------------------ encodings
def test_registry():
    assert {"darts", "nb301", "darts_swap"} <= set(list_spaces())
    assert get_space("nb301").EVAL_SIZES == {"cifar10": (32, 8, 10)}
    assert get_space("darts").allow_none is False
    sw = get_space("darts_swap")
    assert (sw.allow_none, sw.distinct_inputs, sw.tied_cells) == (True, False, True)


@pytest.mark.needs_data
def test_nb301_compact_matches_genotype_strings():
    """Pair j -> node 2 + j//2, op idx per NASLib: checked on every NB301 row."""
    sp = get_space("nb301")
    archs = nb301_distinct()
    assert len(archs) == 1218
    for arch, row in archs.items():
        assert all(type(v) is int for cell in arch for p in cell for v in p)
        assert sp.to_str(arch) == row["genotype"]              # exact NB301 string
        assert sp.from_str(row["genotype"]) == arch
        assert sp.from_str(row["compact"]) == arch
        assert sp.is_valid(arch)                                # 7 ops, distinct inputs
        g = compact_to_genotype(arch)
        for j, (op, inp) in enumerate(g.normal + g.reduce):
            pair = arch[j // 8][j % 8]
            assert (OP_NAMES[pair[1]], pair[0]) == (op, inp)
            assert inp < 2 + (j % 8) // 2


@pytest.mark.needs_data
def test_nb301_json_and_op_matrix_round_trip():
    sp = get_space("nb301")
    for arch in nb301_distinct():
        d = json.loads(json.dumps(sp.to_json(arch)))
        assert sp.from_json(d) == arch
        for numeric in (False, True):
            m = to_op_matrix(arch, numeric=numeric)
            back = from_op_matrix(m)
            assert back == canonical(arch)
            assert to_op_matrix(back, numeric=numeric) == m
            assert from_op_matrix(np.array(m, dtype=object if not numeric else int)) == back
        normal, reduce = to_op_matrix(arch)
        for c, mat in enumerate((normal, reduce)):
            for j in range(6):
                col = [mat[i][j] for i in range(6) if mat[i][j] is not None]
                assert len(col) == (2 if j >= 2 else 0)
                assert all(mat[i][j] is None for i in range(j, 6))   # upper triangle only
        assert canonical(canonical(arch)) == canonical(arch)


def test_op_matrix_layout_example():
    v2 = get_space("darts").from_str(DARTS_V2)
    normal, reduce = to_op_matrix(v2)
    # DARTS V2 normal node 5 = skip_connect from c_{k-2} and dil_conv_3x3 from node 2
    assert normal[0][5] == "skip_connect" and normal[2][5] == "dil_conv_3x3"
    assert normal[0][2] == normal[1][2] == "sep_conv_3x3"
    assert reduce[0][2] == reduce[1][2] == "max_pool_3x3"
    num = to_op_matrix(v2, numeric=True)[0]
    assert num[0][5] == 2 and num[3][4] == NO_EDGE
    with pytest.raises(ValueError, match="exactly 2"):
        bad = [row[:] for row in normal]
        bad[1][5] = "sep_conv_3x3"
        from_op_matrix((bad, reduce))
    with pytest.raises(ValueError, match="not allowed"):
        bad = [row[:] for row in normal]
        bad[3][2] = "sep_conv_3x3"
        from_op_matrix((bad, reduce))


def test_genotype_parsing_variants_and_safety():
    text = ("Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
            "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), "
            "('dil_conv_3x3', 2)], normal_concat=range(2, 6), reduce=[('max_pool_3x3', 0), "
            "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
            "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], "
            "reduce_concat=range(2, 6))")
    sp = get_space("darts")
    v2 = sp.from_str(DARTS_V2)
    assert sp.from_str(text) == v2
    assert sp.from_str("genotypes." + text) == v2
    g = parse_genotype(text)
    positional = f"Genotype({g.normal!r}, [2, 3, 4, 5], {g.reduce!r}, (2, 3, 4, 5))"
    assert sp.from_str(positional) == v2
    assert genotype_to_compact(json_to_genotype(genotype_to_json(g))) == v2
    assert parse_genotype(genotype_to_str(g)) == compact_to_genotype(v2)
    assert sp.decode(np.array(v2)) == v2 and type(sp.decode(np.array(v2))[0][0][0]) is int
    assert sp.decode(g) == v2 and sp.decode(sp.to_json(v2)) == v2
    for bad in ("__import__('os').system('true')", "Genotype(normal=__import__('os'))",
                text.replace("range(2, 6)", "[2, 3, 4]", 1),       # concat must be 2..5
                text.replace("'sep_conv_3x3', 0", "'conv_7x1_1x7', 0", 1),
                text.replace("('dil_conv_3x3', 2)", "('dil_conv_3x3', 5)"),  # input >= node
                "[[(0, 0)], [(0, 0)]]"):
        with pytest.raises(ValueError):
            sp.from_str(bad)


@pytest.mark.needs_data
def test_swap_csv_parses_round_trips_and_builds_scoring_network():
    """All 1,000 official SWAP genotypes: 'none' allowed, inputs may repeat, normal ==
    reduce; each builds the official scoring network (1 reduction cell, 24 features)."""
    sw, nb = get_space("darts_swap"), get_space("darts")
    rows = swap_rows()
    assert len(rows) == 1000 and rows[0][0] == SWAP_ROW0
    x = torch.randn(2, 3, 8, 8)
    n_none = n_dup = 0
    with torch.no_grad():
        for text, acc in rows:
            arch = sw.from_str(text)
            assert sw.to_str(arch) == text and sw.is_valid(arch) and 0 < acc < 100
            has_none = any(op == 7 for _, op in arch[0])
            dup = any(arch[0][2 * k][0] == arch[0][2 * k + 1][0] for k in range(4))
            n_none, n_dup = n_none + has_none, n_dup + dup
            # outside the DARTS / NB301 domain exactly when it uses none or repeats an input
            assert nb.is_valid(arch) == (not has_none and not dup)
            if dup:
                with pytest.raises(ValueError, match="two edges"):
                    to_op_matrix(arch)
            else:
                assert from_op_matrix(to_op_matrix(arch)) == canonical(arch)
            net = sw.build_scoring_network(arch).eval()
            out = net(x)
            assert out.shape == (2, 24) and torch.isfinite(out).all()
    assert n_none > 400 and n_dup > 500  # the csv really uses both relaxations


def test_scoring_network_semantics():
    """layers=1: the single cell is a reduction cell built from the REDUCE genotype."""
    sp = get_space("darts")
    arch = sp.sample(np.random.default_rng(3))
    net = sp.build_scoring_network(arch)
    (cell,) = net.cells
    assert cell.reduction and cell._indices == [i for i, _ in arch[1]]
    assert cell.preprocess0.op[1].in_channels == 3 and cell.preprocess0.op[1].out_channels == 6
    assert net.classifier.in_features == 24
    n = count_parameters(net, unit="1")
    assert n == count_params(compact_to_genotype(arch), "scoring", 3, 10, 1)
    assert net(torch.randn(2, 3, 32, 32)).shape == (2, 24)
    logits = sp.build_scoring_network(arch, return_logits=True)(torch.randn(2, 3, 8, 8))
    assert logits.shape == (2, 10)
    deeper = sp.build_scoring_network(arch, C=8, layers=5)
    assert [c.reduction for c in deeper.cells] == [False, True, False, True, False]
    assert deeper(torch.randn(2, 3, 16, 16)).shape == (2, 4 * 32)
    assert all(not m.inplace for m in deeper.modules() if isinstance(m, nn.ReLU))


# ----------------------------------------------------------------- operators
@pytest.mark.parametrize("name", ["darts", "nb301", "darts_swap"])
def test_operators_always_valid_and_different(name):
    sp = get_space(name)
    for seed in range(300):
        rng = np.random.default_rng(seed)
        a, b = sp.sample(rng), sp.sample(rng)
        assert sp.is_valid(a) and sp.is_valid(b) and a == sp.decode(a)
        for op in (sp.mutate, sp.mutate_op, sp.mutate_edge):
            child = op(a, rng)
            assert sp.is_valid(child), (name, seed, op.__name__)
            assert canonical(child) != canonical(a)
            flat_a = [p for cell in a for p in cell]
            flat_c = [p for cell in child for p in cell]
            changed = [(p, q) for p, q in zip(flat_a, flat_c) if p != q]
            assert len(changed) == (2 if sp.tied_cells else 1)   # one edge (x2 if tied)
            if op is sp.mutate_op:
                assert all(p[0] == q[0] for p, q in changed)
            if op is sp.mutate_edge:
                assert all(p[1] == q[1] for p, q in changed)
        child = sp.crossover(a, b, rng)
        assert sp.is_valid(child) and canonical(child) != canonical(a)
        for c in range(2):
            for k in range(4):
                node = child[c][2 * k: 2 * k + 2]
                assert node in (a[c][2 * k: 2 * k + 2], b[c][2 * k: 2 * k + 2])
        assert sp.crossover(a, a, rng) == a
    # a parent outside the sampling domain (duplicate inputs) still mutates validly
    dup = get_space("darts_swap").from_str(SWAP_ROW0)
    for seed in range(20):
        child = sp.mutate(dup, np.random.default_rng(seed))
        check_compact(child)
        assert canonical(child) != canonical(dup)


def test_sampling_distribution():
    rng = np.random.default_rng(0)
    nb, sw = get_space("darts"), get_space("darts_swap")
    archs = [nb.sample(rng) for _ in range(2000)]
    ops = np.bincount([p[1] for a in archs for c in a for p in c], minlength=8)
    assert ops[7] == 0 and ops[:7].min() > 0.9 * ops[:7].mean()
    first = [a[0][0][0] for a in archs]           # node 2, first edge: 0 or 1, 50/50
    assert 0.45 < np.mean(first) < 0.55
    assert all(a[0] != a[1] for a in archs[:50])   # normal and reduce independent
    swaps = [sw.sample(rng) for _ in range(2000)]
    ops = np.bincount([p[1] for a in swaps for p in a[0]], minlength=8)
    assert ops.min() > 0.85 * ops.mean()            # none included uniformly
    dup2 = np.mean([a[0][0][0] == a[0][1][0] for a in swaps])
    assert 0.45 < dup2 < 0.55                       # with replacement, as the SWAP csv
    assert all(a[0] == a[1] for a in swaps)


# ------------------------------------------------------------------ networks
@pytest.mark.needs_data
def test_all_nb301_genotypes_build_and_forward():
    """Every distinct NB301 genotype builds (3 cells: normal, reduce, reduce after a
    reduction so FactorizedReduce preprocessing runs) and gives finite logits."""
    sp = get_space("nb301")
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        for arch in nb301_distinct():
            net = sp.build(arch, "cifar10", C=4, layers=3).eval()
            y = net(x)
            assert y.shape == (2, 10) and torch.isfinite(y).all()


@pytest.mark.needs_data
def test_nb301_params_equal_suite_zero_for_all_rows():
    """NAS-Bench-Suite-Zero's NB301 ``params`` is the NB301-size (C=32, 8 cells) network
    with non-affine op BNs (NASLib's graph), auxiliary excluded: exact for all rows."""
    sp = get_space("nb301")
    for row in nb301_rows():
        g = compact_to_genotype(ast.literal_eval(row["compact"]))
        assert count_params(g, "cifar", 32, 10, 8, affine=False) / 1e6 == pytest.approx(
            float(row["params"]), abs=1e-6)
    for arch in list(nb301_distinct())[:4]:   # the fast count equals a real build
        row = nb301_distinct()[arch]
        net = sp.build(arch, "cifar10", affine=False)
        assert count_parameters(net, unit="M") == pytest.approx(float(row["params"]), abs=1e-6)
        assert sp.num_params(arch, "cifar10", unit="1") == count_parameters(
            sp.build(arch, "cifar10"), unit="1")


# name -> (CIFAR-10 params M, ImageNet params M) as published (1 decimal); DARTS V2's
# exact counts are those the DARTS training logs print (param size = 3.349342MB /
# 4.718752MB)
PUBLISHED = {
    "DARTS_V2": (3.3, 4.7),          # Liu et al. 2019, Tables 1 and 3
    "PC_DARTS_cifar": (3.6, None),   # Xu et al. 2020
    "PC_DARTS_image": (None, 5.3),
    "PDARTS": (3.4, 4.9),            # Chen et al. 2019
    "DrNAS_cifar10": (4.1, None),    # Chen et al. 2021
    "DrNAS_imagenet": (None, 5.7),
    "TENAS_imagenet": (None, 5.4),   # Chen et al. 2021 (TE-NAS)
}


@pytest.mark.needs_data
def test_published_param_counts():
    sp = get_space("darts")
    v2 = sp.from_json(known()["DARTS_V2"])
    assert v2 == sp.from_str(DARTS_V2)
    assert sp.num_params(v2, "cifar10", unit="1") == 3_349_342
    assert sp.num_params(v2, "imagenet", unit="1") == 4_718_752
    for name, (cifar, imagenet) in PUBLISHED.items():
        arch = sp.from_json(known()[name])
        if cifar is not None:
            assert round(sp.num_params(arch, "cifar10"), 1) == cifar, name
        if imagenet is not None:
            assert round(sp.num_params(arch, "imagenet"), 1) == imagenet, name
    assert sp.num_params(v2, "cifar10", unit="K") == pytest.approx(3349.342)
    with pytest.raises(ValueError, match="unknown dataset"):
        sp.num_params(v2, "mnist")


def test_eval_size_networks_forward_and_auxiliary():
    sp = get_space("darts")
    v2 = sp.from_str(DARTS_V2)
    net = sp.build(v2, "cifar10", auxiliary=True)      # C=36, 20 cells
    assert len(net.cells) == 20 and net.stem[0].out_channels == 108
    assert [i for i, c in enumerate(net.cells) if c.reduction] == [6, 13]
    # auxiliary params exist but are excluded from Θ
    assert sum(p.numel() for p in net.parameters()) > count_parameters(net, unit="1") == 3_349_342
    net.train()
    y = net(torch.randn(2, 3, 32, 32))
    assert y.shape == (2, 10) and net.aux_logits.shape == (2, 10)
    net.eval()
    with torch.no_grad():
        assert net(torch.randn(1, 3, 32, 32)).shape == (1, 10) and net.aux_logits is None
    img = sp.build(v2, "imagenet", auxiliary=True)     # C=48, 14 cells
    assert len(img.cells) == 14 and img.cells[0].preprocess0.__class__ is FactorizedReduce
    assert count_parameters(img, unit="1") == 4_718_752
    with torch.no_grad():
        assert img.eval()(torch.randn(1, 3, 64, 64)).shape == (1, 1000)
    small = sp.build(v2, "cifar100", C=8, layers=8, auxiliary=True, drop_path_prob=0.2).train()
    out = small(torch.randn(2, 3, 32, 32))
    out.sum().backward()                               # drop path is autograd-safe
    assert out.shape == (2, 100) and small.aux_logits.shape == (2, 100)


def test_drop_path_is_per_sample_and_scaled():
    torch.manual_seed(0)
    x = torch.ones(4000, 2, 3, 3)
    y = drop_path(x, 0.25)
    per_sample = y.flatten(1)
    assert ((per_sample == 0).all(1) | (per_sample == 1 / 0.75).all(1)).all()
    assert abs(y.mean().item() - 1.0) < 0.05
    assert drop_path(x, 0.0) is x
    # an Identity (skip) edge is never dropped; eval mode never drops
    sp = get_space("darts")
    net = sp.build(sp.from_str(DARTS_V2), "cifar10", C=4, layers=3,
                   drop_path_prob=0.9)
    assert any(isinstance(m, Identity) for m in net.modules())
    net.eval()
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        assert torch.equal(net(x), net(x))


def test_factorized_reduce_equals_darts_slicing_on_even_sizes():
    fr = FactorizedReduce(4, 6).eval()
    x = torch.randn(2, 4, 8, 8)
    with torch.no_grad():
        r = torch.relu(x)
        darts = fr.bn(torch.cat([fr.conv_1(r), fr.conv_2(r[:, :, 1:, 1:])], dim=1))
        assert torch.equal(fr(x), darts)
        assert fr(torch.randn(2, 4, 7, 7)).shape == (2, 6, 4, 4)   # odd sizes work too
