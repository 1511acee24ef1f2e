"""Size proxies: Θ and the forward FLOPs of one input."""
from __future__ import annotations

import torch

from ..metric.params import count_parameters
from .registry import register_proxy


@register_proxy("params", family="size")
def params(model, inputs, **_) -> float:
    """Θ in millions (auxiliary heads excluded; a study records the benchmark network's)."""
    return count_parameters(model, unit="M")


@register_proxy("flops", family="size")
def flops(model, inputs, **_) -> float:
    """Forward MFLOPs of one input (``inputs[:1]``) in eval mode; the model's own mode is
    restored."""
    from torch.utils.flop_counter import FlopCounterMode

    modes = [(m, m.training) for m in model.modules()]
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as fc:
            model.eval()(inputs[:1])
    finally:
        for m, training in modes:
            m.training = training
    return fc.get_total_flops() / 1e6
