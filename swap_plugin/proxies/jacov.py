"""Jacobian covariance (Mellor et al., "NAS without training" v1) as NAS-Bench-Suite-Zero
computes it (NASLib ``jacov``): the input gradients of the summed logits, one row per
sample, their correlation matrix C, and -Σ_i [log(λ_i + k) + 1/(λ_i + k)] over C's
eigenvalues λ_i, k = 1e-5. Scored in train mode (batch statistics), like the other proxies.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn

from .registry import register_proxy

K = 1e-5


@register_proxy("jacov", family="naslib")
def jacov_score(model: nn.Module, inputs: torch.Tensor) -> float:
    """Jacobian covariance of ``model`` on the batch ``inputs`` (S ≥ 2 samples); NaN when
    the correlation matrix is undefined (a sample with a constant gradient)."""
    if inputs.shape[0] < 2:
        raise ValueError("jacov needs at least 2 samples: it correlates their input gradients")
    net = copy.deepcopy(model).train()  # a copy: train-mode BatchNorm would update the caller's statistics
    x = inputs.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        out = net(x)
        out = out[-1] if isinstance(out, (tuple, list)) else out
        out.backward(torch.ones_like(out))
    jac = x.grad.reshape(x.shape[0], -1).double().cpu().numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(jac)
        if not np.isfinite(corr).all():
            return float("nan")
        v = np.linalg.eigvalsh(corr)
        return float(-np.sum(np.log(v + K) + 1.0 / (v + K)))
