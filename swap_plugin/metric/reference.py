"""The naive reference: the official approach, kept for tests and benchmarks only.

Concatenates every hooked layer's float activations into an S x V matrix and counts
``torch.unique(torch.sign(A).T, dim=0)`` rows (pym1024/SWAP ``calSWAP``).
"""
from __future__ import annotations

from typing import List

import torch
import torch.nn as nn

from .activations import RELU_FAMILY


@torch.no_grad()
def naive_swap_score(model: nn.Module, inputs: torch.Tensor) -> int:
    feats: List[torch.Tensor] = []
    handles = [m.register_forward_hook(lambda _m, _i, out: feats.append(out.detach()))
               for m in model.modules() if isinstance(m, RELU_FAMILY)]
    try:
        model(inputs)
    finally:
        for h in handles:
            h.remove()
    a = torch.cat([f.reshape(inputs.shape[0], -1) for f in feats], dim=1)
    return torch.unique(torch.sign(a).T, dim=0).size(0)
