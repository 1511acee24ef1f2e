"""Same integers on every run and on CPU and CUDA (the CUDA half skips without a GPU)."""
import copy

import pytest
import torch

from swap_plugin import SwapScorer
from swap_plugin.metric import naive_swap_score
from swap_plugin.metric.scorer import exact_backends
from swap_plugin.spaces import get_space

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")


def nb201_net(seed=0):
    torch.manual_seed(seed)
    return get_space("nb201").build((2, 3, 0, 2, 4, 3), "cifar10", C=8, N=1)


def batch(s=16):
    return torch.randn(s, 3, 32, 32, generator=torch.Generator().manual_seed(1))


def test_float64_scores_a_copy_and_equals_the_float64_reference():
    net = nb201_net().train()
    x = batch()
    before = {k: v.clone() for k, v in net.state_dict().items()}
    r = SwapScorer(x, precision="float64").score(net)
    assert next(net.parameters()).dtype == torch.float32  # the caller's model is not cast
    assert all(torch.equal(v, before[k]) for k, v in net.state_dict().items())
    assert r.swap == naive_swap_score(copy.deepcopy(net).double(), x.double())


def test_float64_gaussian_repeats_use_the_float32_draws():
    """Re-initialised weights do not depend on precision: float64 scoring of repeat r
    equals the float64 reference on the float32-initialised copy of repeat r."""
    from swap_plugin.metric.init import gaussian_init_

    net = nb201_net().train()
    x = batch()
    r = SwapScorer(x, init="gaussian", repeats=3, seed=5, precision="float64").score(net)
    for k in range(3):
        ref = gaussian_init_(copy.deepcopy(net), 5, k).double()
        assert naive_swap_score(ref, x.double()) == r.per_repeat[k]


def test_bad_precision_is_an_error():
    with pytest.raises(ValueError, match="unknown precision"):
        SwapScorer(batch(2), precision="half")


def test_exact_backends_is_a_no_op_on_cpu():
    flags = (torch.backends.cudnn.allow_tf32, torch.backends.cudnn.benchmark)
    with exact_backends(torch.device("cpu")):
        assert (torch.backends.cudnn.allow_tf32, torch.backends.cudnn.benchmark) == flags


@needs_cuda
def test_cuda_runs_repeat_and_restore_backend_flags():
    torch.backends.cudnn.benchmark = True
    net = nb201_net().cuda().train()
    scorer = SwapScorer(batch())
    a, b = scorer.score(net), scorer.score(net)
    assert a.swap == b.swap and a.units == b.units
    assert torch.backends.cudnn.benchmark and torch.backends.cudnn.allow_tf32


@needs_cuda
@pytest.mark.parametrize("kw", [{"precision": "float64"},
                                {"precision": "float64", "init": "gaussian", "repeats": 4, "seed": 3}])
def test_cpu_and_cuda_give_the_same_integers(kw):
    net = nb201_net(seed=2).train()
    x = batch()
    cpu = SwapScorer(x, **kw).score(net)
    gpu = SwapScorer(x, device="cuda", **kw).score(net)
    assert cpu.per_repeat == gpu.per_repeat
