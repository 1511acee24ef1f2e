"""SynFlow (Tanaka et al., NeurIPS 2020) as NAS-Bench-Suite-Zero computes it.

R = sum of the network's output for an all-ones input, with every weight replaced by its
absolute value, in float64 and without BatchNorm; the score is Σ |θ ⊙ ∂R/∂θ| over the
weights of every Conv and Linear layer (NASLib ``synflow``, ``bn=False``).
"""
from __future__ import annotations

import copy

import torch
from torch import nn

from .registry import register_proxy

_NORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def _without_batchnorm(model: nn.Module) -> nn.Module:
    for name, child in model.named_children():
        if isinstance(child, _NORMS):
            setattr(model, name, nn.Identity())
        else:
            _without_batchnorm(child)
    return model


@register_proxy("synflow", family="naslib")
def synflow_score(model: nn.Module, inputs: torch.Tensor) -> float:
    """SynFlow of ``model`` for inputs shaped like ``inputs[0]`` (only the shape is used)."""
    net = _without_batchnorm(copy.deepcopy(model)).double()
    with torch.no_grad():
        for p in net.state_dict().values():
            p.abs_()
    net.zero_grad()
    ones = torch.ones((1, *inputs.shape[1:]), dtype=torch.float64, device=inputs.device)
    with torch.enable_grad():
        out = net(ones)
        torch.sum(out[-1] if isinstance(out, (tuple, list)) else out).backward()
    total = 0.0
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)) and m.weight.grad is not None:
            total += float((m.weight.detach() * m.weight.grad).abs().sum())
    return total
