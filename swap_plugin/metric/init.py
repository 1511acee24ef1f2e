"""Re-initialisation used by the official SWAP code before each repeat.

Conv/Linear weights ~ N(0, 1), their biases 0; BatchNorm/GroupNorm weight 1, bias 0
(pym1024/SWAP ``network_weight_gaussian_init``). Draws come from a CPU generator seeded
by ``(seed, repeat)``, so a repeat gets the same weights on every device.
"""
from __future__ import annotations

from typing import Dict

import numpy as np
import torch
import torch.nn as nn

INITS = (None, "gaussian")
_CONV_LINEAR = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear)
_NORMS = (nn.modules.batchnorm._BatchNorm, nn.GroupNorm)


def repeat_generator(seed: int, repeat: int) -> torch.Generator:
    """A CPU generator for one repeat; (seed, repeat) pairs never collide."""
    state = np.random.SeedSequence([int(seed), int(repeat)]).generate_state(2, dtype=np.uint32)
    return torch.Generator().manual_seed(int(state[0]) << 32 | int(state[1]))


def gaussian_parameters(model: nn.Module, generator: torch.Generator) -> Dict[str, torch.Tensor]:
    """New values for every re-initialised parameter, by name (others are left out)."""
    new: Dict[str, torch.Tensor] = {}
    for mod_name, m in model.named_modules():
        prefix = f"{mod_name}." if mod_name else ""
        if isinstance(m, _CONV_LINEAR):
            w = m.weight
            # drawn in float32 whatever the model's dtype: a float64 copy gets the same weights
            new[prefix + "weight"] = torch.randn(w.shape, generator=generator).to(w.device, w.dtype)
            if m.bias is not None:
                new[prefix + "bias"] = torch.zeros_like(m.bias)
        elif isinstance(m, _NORMS) and m.weight is not None:
            new[prefix + "weight"] = torch.ones_like(m.weight)
            new[prefix + "bias"] = torch.zeros_like(m.bias)
    return new


@torch.no_grad()
def gaussian_init_(model: nn.Module, seed: int, repeat: int = 0) -> nn.Module:
    """Re-initialise ``model`` in place for one repeat; returns it."""
    params = dict(model.named_parameters())
    for name, value in gaussian_parameters(model, repeat_generator(seed, repeat)).items():
        params[name].copy_(value)
    return model
