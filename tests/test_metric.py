"""Ψ, Ψ', |A|: hand-computed cases, equality with the naive reference, invariants."""
import copy
import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st

from swap_plugin import (SwapScorer, activation_pattern_score, count_parameters, reg_swap_score,
                         regulariser, swap_score)
from swap_plugin.metric import naive_swap_score
from swap_plugin.metric.patterns import pack_columns, StandardPatterns, SampleWisePatterns, Workspace


def small_net(c=4, bn=True, act=nn.ReLU):
    layers = [nn.Conv2d(3, c, 3, padding=1), act()]
    if bn:
        layers = [nn.Conv2d(3, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), act()]
    return nn.Sequential(*layers, nn.Conv2d(c, c, 3, stride=2, padding=1), act(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 5), act())


# ---- hand-computed -----------------------------------------------------------
def linear_relu(weight):
    net = nn.Sequential(nn.Linear(len(weight[0]), len(weight), bias=False), nn.ReLU())
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(weight, dtype=torch.float32))
    return net


def test_hand_computed_patterns():
    # units: x0, x1, -x0, x0+x1 ; samples (1,-1), (-1,1), (2,2)
    net = linear_relu([[1, 0], [0, 1], [-1, 0], [1, 1]])
    x = torch.tensor([[1., -1.], [-1., 1.], [2., 2.]])
    # sample-wise patterns: x0>0 -> (1,0,1); x1>0 -> (0,1,1); -x0>0 -> (0,1,0); x0+x1>0 -> (0,0,1)
    assert swap_score(net, x) == 4.0
    # standard patterns per sample: (1,0,0,0), (0,1,1,0), (1,1,0,1) -> 3 distinct
    assert activation_pattern_score(net, x) == 3.0
    # duplicate unit (same weights twice) does not add a pattern
    assert swap_score(linear_relu([[1, 0], [1, 0]]), x) == 1.0


def test_zero_is_inactive():
    # a unit that is exactly 0 on every sample has the all-zero pattern, like a negative one
    net = linear_relu([[0, 0], [-1, -1]])
    assert swap_score(net, torch.tensor([[1., 1.], [2., 3.]])) == 1.0


def test_pack_columns_bits():
    bits = torch.zeros(70, 2, dtype=torch.bool)
    bits[0, 0] = bits[63, 0] = bits[64, 1] = bits[69, 1] = True
    words = pack_columns(bits)
    assert words.shape == (2, 2)
    assert words[0].tolist() == [1 | -(1 << 63), 0]  # bits 0 and 63 (int64 sign bit)
    assert pack_columns(bits[:32]).dtype == torch.int32 and pack_columns(bits[:9]).dtype == torch.int16
    assert words[1].tolist() == [0, 1 | (1 << 5)]


# ---- equality with the naive reference ---------------------------------------
@settings(max_examples=25, deadline=None)
@given(s=st.integers(1, 256), c=st.integers(1, 6), hw=st.integers(1, 6), seed=st.integers(0, 10**6),
       bn=st.booleans())
def test_equals_naive_reference(s, c, hw, seed, bn):
    torch.manual_seed(seed)
    net = small_net(c, bn).train(s > 1)  # train-mode BatchNorm needs two samples
    x = torch.randn(s, 3, hw, hw)
    assert swap_score(net, x) == naive_swap_score(net, x)


@settings(max_examples=15, deadline=None)
@given(s=st.integers(1, 130), u=st.integers(1, 300), p=st.floats(0.05, 0.95), seed=st.integers(0, 10**6))
def test_pattern_sets_equal_torch_unique(s, u, p, seed):
    g = torch.Generator().manual_seed(seed)
    bits = torch.rand(s, u, generator=g) < p
    expected = torch.unique(bits.T.to(torch.uint8), dim=0).shape[0]
    ws = Workspace()
    ws.take("words", (4 * u, 3), torch.int64, "cpu").fill_(-1)  # stale, larger, other dtype
    for workspace in (None, ws, ws):  # a reused workspace holds the previous count's words
        sw = SampleWisePatterns(s, workspace=workspace)
        sw.add(bits[:, : u // 2])
        sw.add(bits[:, u // 2:])
        assert sw.count() == expected and sw.count() == expected
        if workspace is not None and 20 < s <= 64:  # the patterns lived in scratch memory
            with pytest.raises(RuntimeError, match="new SampleWisePatterns"):
                sw.add(bits)
        else:  # owned memory: more layers may follow
            sw.add(~bits)
            assert sw.count() == torch.unique(torch.cat([bits, ~bits], 1).T.to(torch.uint8), dim=0).shape[0]
    sp = StandardPatterns(s)
    sp.add(bits[:, :3])
    sp.add(bits[:, 3:])
    assert sp.count() == torch.unique(bits.to(torch.uint8), dim=0).shape[0]


def test_one_scorer_many_models_reuses_scratch_memory_exactly():
    """The scorer keeps its scratch tensors between models: growing and shrinking
    networks (and a pickled copy, as a process pool makes) still equal the reference."""
    import pickle
    x = torch.randn(32, 3, 8, 8)
    scorer = SwapScorer(x)
    for seed, c in enumerate([6, 2, 9, 1, 6]):
        torch.manual_seed(seed)
        net = small_net(c, bn=False)
        assert scorer.score(net).swap == naive_swap_score(net, x)
    clone = pickle.loads(pickle.dumps(scorer))
    assert clone.score(net).swap == naive_swap_score(net, x)


class FanOut(nn.Module):
    """One tensor feeds three ReLU branches (as an NB201/DARTS node feeds its edges);
    ``bump`` modifies it in place between the second and third branch."""
    def __init__(self, bump=False, inplace_first=False):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, padding=1)
        self.r1, self.r2, self.r3 = nn.ReLU(inplace=inplace_first), nn.ReLU6(), nn.ReLU()
        self.convs = nn.ModuleList(nn.Conv2d(4, 4, 1) for _ in range(3))
        self.bump = bump

    def forward(self, x):
        h = self.stem(x)
        a = self.convs[0](self.r1(h))
        b = self.convs[1](self.r2(h))
        if self.bump:
            h.sub_(0.1)
        c = self.convs[2](self.r3(h))
        return a + b + c


@pytest.mark.parametrize("bump, inplace_first, packed_layers", [
    (False, False, 1),  # r2, r3 repeat r1's input: packed once
    (True, False, 2),   # h changed in place before r3: r3 is new
    (False, True, 2),   # r1 rewrote h in place: r2 sees new values (not a repeat), r3 repeats r2
])
def test_repeated_relu_inputs_are_packed_once_with_the_same_score(bump, inplace_first, packed_layers):
    from swap_plugin.metric.activations import capture_activations
    torch.manual_seed(0)
    net = FanOut(bump, inplace_first)
    x = torch.randn(24, 3, 5, 5)
    packed, repeats = [], []
    with torch.no_grad(), capture_activations(net, packed.append, on_repeat=repeats.append):
        net(x)
    assert len(packed) == packed_layers and len(packed) + len(repeats) == 3
    assert all(v == 24 * 4 * 5 * 5 for v in repeats)  # values over all 24 samples
    r = SwapScorer(x).score(net)
    assert r.swap == naive_swap_score(net, x)
    assert r.units == 3 * 4 * 5 * 5  # V still counts every hooked unit
    assert activation_pattern_score(net, x) == torch.unique(
        torch.cat([o.reshape(24, -1) > 0 for o in _relu_outputs(net, x)], 1).to(torch.uint8), dim=0).shape[0]


def _relu_outputs(net, x):
    outs = []
    hs = [m.register_forward_hook(lambda _m, _i, o: outs.append(o.clone()))
          for m in net.modules() if isinstance(m, (nn.ReLU, nn.ReLU6))]
    with torch.no_grad():
        net(x)
    for h in hs:
        h.remove()
    return outs


def test_functional_relu_is_captured():
    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 4, 3)

        def forward(self, x):
            return torch.relu(F.relu(self.conv(x)) - 0.1).relu_()

    torch.manual_seed(0)
    f = Functional()
    moduled = nn.Sequential(f.conv, nn.ReLU())
    x = torch.randn(8, 3, 5, 5)
    # three functional relus; the first equals the module version, later ones add subsets
    assert swap_score(f, x) >= swap_score(moduled, x) > 0


class _PerTile(nn.Module):
    """Runs the encoder on each of the 9 tiles in turn (the standalone jigsaw network)."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, x):  # (S, 9, C, H, W)
        return torch.cat([self.encoder(x[:, i]) for i in range(x.shape[1])], dim=1)


class _Folded(_PerTile):
    """Folds the tiles into the batch, as NASLib's StemJigsaw does: (S, 9, ...) -> (9S, ...)."""

    def forward(self, x):
        return self.encoder(x.reshape(-1, *x.shape[2:]))


class _TwoReluEncoder(nn.Module):
    """conv -> ReLU -> conv, whose output feeds two ReLUs (the second a repeat, only counted)."""

    def __init__(self):
        super().__init__()
        self.c1, self.c2, self.r1, self.r2, self.r3 = (nn.Conv2d(3, 2, 3), nn.Conv2d(2, 2, 1),
                                                       nn.ReLU(), nn.ReLU(), nn.ReLU())

    def forward(self, x):
        h = self.c2(self.r1(self.c1(x)))
        return torch.cat([self.r2(h), self.r3(h)], dim=1)


def test_tiles_folded_into_the_batch_count_as_units_of_their_sample():
    torch.manual_seed(0)
    enc = _TwoReluEncoder()
    x = torch.randn(12, 9, 3, 4, 4)
    # reference: every (tile, unit) column over the 12 samples, as the per-tile network has them
    acts = []
    hooks = [m.register_forward_hook(lambda _m, _i, o: acts.append(o.reshape(12, -1)))
             for m in enc.modules() if isinstance(m, nn.ReLU)]
    with torch.no_grad():
        _PerTile(enc)(x)
    for h in hooks:
        h.remove()
    naive = torch.unique(torch.sign(torch.cat(acts, 1)).T, dim=0).shape[0]
    folded = SwapScorer(x, folded_batch=True).score(_Folded(enc))
    per_tile = SwapScorer(x, folded_batch=True).score(_PerTile(enc))  # nothing to unfold: as is
    assert folded.swap == per_tile.swap == SwapScorer(x).score(_PerTile(enc)).swap == naive
    assert folded.units == per_tile.units == 9 * 3 * (2 * 2 * 2)  # 3 ReLUs of 2x2x2 per tile
    assert activation_pattern_score(_Folded(enc), x, folded_batch=True) == \
        activation_pattern_score(_PerTile(enc), x)
    # opt-in: unasked, a folded batch is an error that names the option
    with pytest.raises(ValueError, match=r"batch 108, expected the 12 input samples \(9 per sample.*folded_batch=True"):
        SwapScorer(x).score(_Folded(enc))


def test_activation_batch_not_a_multiple_of_the_samples_is_an_error():
    class Drops(nn.Module):
        def forward(self, x):
            return torch.relu(x[:-1])

    for folded in (False, True):
        with pytest.raises(ValueError, match="batch 7, expected the 8 input samples$"):
            swap_score(Drops(), torch.randn(8, 3), folded_batch=folded)


def test_smooth_activations_use_preactivation_sign():
    torch.manual_seed(1)
    gelu = small_net(3, bn=False, act=nn.GELU)
    relu = small_net(3, bn=False, act=nn.ReLU)
    relu.load_state_dict(gelu.state_dict())
    x = torch.randn(10, 3, 4, 4)
    with pytest.raises(ValueError, match="no ReLU-family activation"):
        swap_score(gelu, x)
    # first layer: GELU pre-activation sign == ReLU post-activation sign
    g1, r1 = nn.Sequential(*list(gelu)[:2]), nn.Sequential(*list(relu)[:2])
    assert swap_score(g1, x, include_smooth=True) == swap_score(r1, x)


# ---- repeats, init, determinism ----------------------------------------------
def test_gaussian_repeats_batched_equals_loop_and_is_seeded():
    torch.manual_seed(0)
    net = small_net(6)
    x = torch.randn(16, 3, 8, 8)
    loop = SwapScorer(x, repeats=6, init="gaussian", seed=3, mode="train", batch_repeats=False).score(net)
    vm = SwapScorer(x, repeats=6, init="gaussian", seed=3, mode="train", batch_repeats=True).score(net)
    assert loop.per_repeat == vm.per_repeat
    assert loop.swap == sum(loop.per_repeat) / 6
    again = SwapScorer(x, repeats=6, init="gaussian", seed=3, mode="train").score(net)
    other = SwapScorer(x, repeats=6, init="gaussian", seed=4, mode="train").score(net)
    assert again.per_repeat == loop.per_repeat
    assert other.per_repeat != loop.per_repeat
    # each repeat equals the naive reference on the same re-initialised weights
    from swap_plugin.metric.init import gaussian_init_
    import copy
    for r in range(6):
        m = gaussian_init_(copy.deepcopy(net).train(), 3, r)
        assert naive_swap_score(m, x) == loop.per_repeat[r]


def test_model_is_left_untouched():
    torch.manual_seed(0)
    net = small_net(4).eval()
    net[1].running_mean.fill_(0.5)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    x = torch.randn(12, 3, 6, 6)
    for kw in ({}, {"mode": "train"}, {"init": "gaussian", "repeats": 3}):
        swap_score(net, x, **kw)
        assert not net.training
        for k, v in net.state_dict().items():
            assert torch.equal(v, before[k]), (kw, k)
    net.train()
    swap_score(net, x)
    assert net.training and torch.equal(net[1].running_mean, before["1.running_mean"])


def test_hooks_removed_when_forward_raises():
    class Boom(nn.Module):
        def __init__(self):
            super().__init__()
            self.act = nn.ReLU()

        def forward(self, x):
            self.act(x)
            raise RuntimeError("boom")

    b = Boom()
    with pytest.raises(RuntimeError, match="boom"):
        swap_score(b, torch.randn(2, 3))
    assert not b.act._forward_hooks


def test_train_vs_eval_mode_differs_as_documented():
    torch.manual_seed(0)
    net = small_net(8).eval()
    x = torch.randn(16, 3, 8, 8) * 3 + 1
    assert swap_score(net, x, mode="train") == naive_swap_score(net.train(), x)


# ---- regulariser, parameters, errors ------------------------------------------
def test_regulariser_formulas_and_reg_score():
    assert regulariser(2.0, 1.0, 0.5) == pytest.approx(math.exp(-4))
    assert regulariser(2.0, 1.0, 0.5, formula="official") == pytest.approx(math.exp(-2))
    net = nn.Sequential(nn.Linear(10, 10), nn.ReLU())  # 110 parameters
    x = torch.randn(7, 10)
    psi = swap_score(net, x)
    assert reg_swap_score(net, x, mu=110e-6, sigma=1e-6) == pytest.approx(psi)
    assert reg_swap_score(net, x, mu=0.1, sigma=0.2, size_unit="K") == pytest.approx(
        psi * math.exp(-((0.11 - 0.1) / 0.2) ** 2))
    assert reg_swap_score(net, x, mu=0.1, sigma=0.2, size_unit="K", formula="official") == pytest.approx(
        psi * math.exp(-((0.11 - 0.1) ** 2) / 0.2))


def test_count_parameters_excludes_auxiliary():
    class WithAux(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Linear(4, 4)          # 20
            self.auxiliary_head = nn.Linear(4, 2)  # 10, excluded
    m = WithAux()
    assert count_parameters(m, unit="1") == 20
    assert count_parameters(m, unit="K") == pytest.approx(0.02)
    assert count_parameters(m) == pytest.approx(20e-6)


def test_scorer_params_equal_named_parameters_sum():
    """The scorer counts Θ from its own module walk; it must equal the plain definition,
    also with a shared (tied) layer, a nested auxiliary head and a None bias."""
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 3)                   # 12
            self.b = self.a                            # shared: counted once
            self.c = nn.Linear(3, 2, bias=False)       # 6
            self.head = nn.Sequential(nn.ReLU(), nn.Linear(2, 2))  # 6
            self.head.auxiliary = nn.Linear(2, 9)     # 27, excluded
        def forward(self, x):
            return self.head(self.c(self.b(self.a(x))))
    m = Tied()
    expected = sum(p.numel() for n, p in m.named_parameters() if "auxiliary" not in n)
    assert expected == 24
    r = SwapScorer(torch.randn(4, 3)).score(m)
    assert r.params == pytest.approx(expected / 1e6)
    assert SwapScorer(torch.randn(4, 3), size_unit="1", init="gaussian", repeats=2).score(m).params == 24


@pytest.mark.parametrize("inputs, err", [
    (torch.empty(0, 3, 4, 4), "empty batch"),
    (torch.ones(3), "batch dimension"),
    (torch.ones(2, 3, 4, 4, dtype=torch.uint8), "floating point"),
    (torch.tensor([[float("nan"), 1.0]]), "NaN or inf"),
    ([[1.0]], "torch.Tensor"),
])
def test_bad_inputs(inputs, err):
    with pytest.raises((ValueError, TypeError), match=err):
        swap_score(small_net(), inputs)


@pytest.mark.parametrize("kw, err", [
    ({"mu": 1.0, "sigma": 0.0}, r"sigma=0.0: σ must be a finite number > 0"),
    ({"mu": 1.0, "sigma": -1.0}, r"sigma=-1.0: σ must be a finite number > 0"),
    ({"mu": float("nan"), "sigma": 1.0}, r"mu=nan: μ must be a finite number"),
    ({"mu": 1.0, "sigma": float("inf")}, r"sigma=inf: σ must be a finite number > 0"),
    ({"mu": 1.0, "sigma": 1.0, "formula": "nope"}, "unknown regulariser formula"),
    ({"mu": 1.0, "sigma": 1.0, "size_unit": "G"}, "unknown size unit"),
])
def test_bad_regulariser_options(kw, err):
    with pytest.raises(ValueError, match=err):
        reg_swap_score(small_net(), torch.randn(2, 3, 4, 4), **kw)


def test_model_without_activations_is_an_error():
    with pytest.raises(ValueError, match="no ReLU-family activation"):
        swap_score(nn.Sequential(nn.Conv2d(3, 2, 1)), torch.randn(2, 3, 4, 4))


def test_mixed_modes_are_restored_per_module():
    torch.manual_seed(0)
    net = small_net(4).train()
    net[1].eval()  # a frozen BatchNorm inside a training model
    swap_score(net, torch.randn(6, 3, 5, 5), mode="eval")
    assert net.training and not net[1].training and net[2].training


@pytest.mark.parametrize("s", [63, 64, 65, 128, 129, 256])
def test_multi_word_patterns_equal_naive(s):
    torch.manual_seed(s)
    net = small_net(5)
    x = torch.randn(s, 3, 6, 6)
    assert swap_score(net, x) == naive_swap_score(net, x)


class _CountingBuffer(nn.Module):
    """A non-BatchNorm module that updates a buffer in forward (must be restored)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("calls", torch.zeros(()))

    def forward(self, x):
        self.calls += 1
        return x


@pytest.mark.parametrize("raise_in_forward", [False, True])
def test_train_mode_state_and_tracking_flags_restored(raise_in_forward):
    torch.manual_seed(0)
    bn_cumulative = nn.BatchNorm2d(4, momentum=None)  # cumulative average variant
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), _CountingBuffer(),
                        nn.Conv2d(4, 4, 1), bn_cumulative, nn.ReLU()).train()
    if raise_in_forward:
        net.append(nn.Linear(7, 7))  # shape error after the activations
    before = {k: v.clone() for k, v in net.state_dict().items()}
    x = torch.randn(6, 3, 6, 6)
    if raise_in_forward:
        with pytest.raises(RuntimeError):
            swap_score(net, x)
    else:
        # equal to the naive reference, which lets BatchNorm update its statistics
        assert swap_score(net, x) == naive_swap_score(copy.deepcopy(net), x)
    for k, v in net.state_dict().items():
        assert torch.equal(v, before[k]), k
    assert all(m.track_running_stats for m in net.modules() if isinstance(m, nn.BatchNorm2d))
    assert not any(m._forward_hooks for m in net.modules())


@pytest.mark.parametrize("s", [1, 7, 8, 13, 16, 20, 32, 33, 64, 100, 256])
def test_pack_columns_bit_layout(s):
    """Bit s of unit u's pattern is sample s (bit s mod 64 of word s // 64), for every
    word size; the word dtype is the smallest that fits."""
    bits = torch.rand(s, 37, generator=torch.Generator().manual_seed(s)) > 0.5
    words = pack_columns(bits)
    want = torch.uint8 if s <= 8 else torch.int16 if s <= 16 else torch.int32 if s <= 32 else torch.int64
    assert words.dtype == want and words.shape == (37, 1 if s <= 64 else -(-s // 64))
    for u in (0, 17, 36):
        got = [bool((int(words[u, i // 64]) >> (i % 64)) & 1) for i in range(s)]
        assert got == bits[:, u].tolist()


def test_counts_above_the_workspace_cap_allocate_and_stay_open(monkeypatch):
    import swap_plugin.metric.patterns as patterns
    monkeypatch.setattr(patterns, "WORKSPACE_MAX_UNITS", 40)
    g = torch.Generator().manual_seed(3)
    bits = torch.rand(32, 50, generator=g) < 0.3
    ws = Workspace()
    sw = SampleWisePatterns(32, workspace=ws)
    sw.add(bits)
    assert sw.count() == torch.unique(bits.T.to(torch.uint8), dim=0).shape[0]
    assert not ws._bufs  # nothing kept for a network above the cap
    sw.add(~bits)  # not final: more layers may follow
    assert sw.count() == torch.unique(torch.cat([bits, ~bits], 1).T.to(torch.uint8), dim=0).shape[0]


@pytest.mark.parametrize("dtype", [torch.int32, torch.int64])
def test_sort_words_in_place_equals_torch_sort(dtype):
    """The CPU count sorts through numpy in place; same order as torch.sort, same memory."""
    from swap_plugin.metric.patterns import count_steps, sort_words_
    g = torch.Generator().manual_seed(0)
    words = torch.randint(-2**31, 2**31 - 1, (5000,), generator=g).to(dtype)
    words[::3] = 0  # repeats, as all-zero patterns are
    expected = torch.sort(words).values
    ptr = words.data_ptr()
    out = sort_words_(words)
    assert out.data_ptr() == ptr and torch.equal(out, expected)
    assert count_steps(out) == torch.unique(expected).numel()


def test_bench_sort_report_times_every_arm_on_the_same_words():
    from swap_plugin.tools import bench_sort as bench
    lines = bench.run([1000, 2000], 500, 0.05, "python scripts/bench_sort.py --x")
    assert "Command: `python scripts/bench_sort.py --x`  " in lines
    rows = [line.split("|")[1:-1] for line in lines if line.startswith(("| int", "| 2 ×", "| 4 ×"))]
    cases = [(r[0].strip(), r[1].strip()) for r in rows if r[2].strip() == "numpy (scorer)"]
    assert cases == [("int32", "1,000"), ("int32", "2,000"), ("int64", "1,000"), ("int64", "2,000"),
                     ("2 × int64", "500"), ("4 × int64", "500")]
    assert [r[2].strip() for r in rows[:3]] == ["numpy (scorer)", "torch.sort, 1 thread", "torch.sort, 2 threads"]
    assert [r[2].strip() for r in rows[-2:]] == ["numpy (scorer)", "torch.unique(dim=0), 2 threads"]
    assert all(r[7].strip() == "1.00×" for r in rows if r[2].strip() == "numpy (scorer)")
    assert all(int(r[3]) > 0 for r in rows)  # every arm ran
    with pytest.raises(ValueError, match="--seconds"):
        bench.run([1000], 500, 0, "x")


@pytest.mark.parametrize("n_words", [2, 4])
def test_unique_rows_equals_torch_unique_dim0(n_words):
    from swap_plugin.metric.patterns import unique_rows
    g = torch.Generator().manual_seed(n_words)
    words = torch.randint(-2**62, 2**62, (3000, n_words), generator=g)
    words[::4] = 0  # repeated all-zero rows
    words[1::4, 1:] = 0  # rows equal in their first word only must stay apart
    words[5::7] = words[6::7][: len(words[5::7])]  # repeats of non-zero rows
    got = unique_rows(words)
    want = torch.unique(words, dim=0)
    assert got.dtype == words.dtype and got.shape == want.shape
    assert torch.equal(torch.unique(got, dim=0), want)  # the same set of rows
    one = words[:1]
    assert torch.equal(unique_rows(one), one)


@pytest.mark.parametrize("s", [32, 48, 100])
def test_intermediate_dedupes_of_very_large_networks_keep_the_count(monkeypatch, s):
    """Above DEDUPE_EVERY pending / kept words the accumulator reads and dedupes early
    (bounded memory); the count is the same set's."""
    import swap_plugin.metric.patterns as patterns
    monkeypatch.setattr(patterns, "DEDUPE_EVERY", 50)
    g = torch.Generator().manual_seed(s)
    layers = [torch.rand(s, u, generator=g) < 0.5 for u in (40, 70, 30, 90, 60)]
    layers += [layers[1], ~layers[3]]  # repeated patterns across layers
    merges = []
    merge = patterns.SampleWisePatterns._merge
    monkeypatch.setattr(patterns.SampleWisePatterns, "_merge", lambda self: merges.append(1) or merge(self))
    acc = patterns.SampleWisePatterns(s)
    for bits in layers:
        acc.add(bits)
    assert len(merges) >= 2  # deduped before the end
    want = torch.unique(torch.cat(layers, 1).T.to(torch.uint8), dim=0).shape[0]
    assert acc.count() == want


def test_unique_words_equals_torch_unique():
    from swap_plugin.metric.patterns import unique_words
    g = torch.Generator().manual_seed(0)
    words = torch.randint(-50, 50, (2000,), generator=g, dtype=torch.int64).to(torch.int32)
    assert torch.equal(unique_words(words.clone()), torch.unique(words))


def test_torch_fallback_for_old_numpy_counts_the_same(monkeypatch):
    """With numpy < 2 (no AVX2 sort) the count sorts with torch: the same integers."""
    import swap_plugin.metric.patterns as patterns
    g = torch.Generator().manual_seed(5)
    for s in (32, 48, 100):
        bits = torch.rand(s, 500, generator=g) < 0.5
        bits[:, 250:] = bits[:, :250]  # repeats
        counts = []
        for fast in (True, False):
            monkeypatch.setattr(patterns, "NUMPY_SORTS_FAST", fast)
            for ws in (None, patterns.Workspace()):
                acc = patterns.SampleWisePatterns(s, workspace=ws)
                acc.add(bits)
                counts.append(acc.count())
        assert counts == [torch.unique(bits.T.to(torch.uint8), dim=0).shape[0]] * 4
