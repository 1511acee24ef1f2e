"""Expressivity and progressivity, two of AZ-NAS's proxies (Lee & Ham, CVPR 2024).

For each block output (the stem and every cell, in forward order) the features of all
samples and positions form a (S·H·W) x C matrix; its channel covariance has eigenvalues
λ_1..λ_C. The block's expressivity is the entropy of λ / Σλ: high when the features spread
over many directions (isotropic), 0 when they collapse onto one.

- ``expressivity_score``: the sum over blocks.
- ``progressivity_score``: the smallest increase from one block to the next. It is
  negative when some block loses expressivity; higher is better.

The official code computes the eigenvalues in float32. Here they are computed in float64,
and rounding negatives are clipped to 0 (a covariance has no negative eigenvalues), so
the entropy is always defined. A block whose features are all constant (e.g. an NB201
cell whose edges are all ``none``) has no spread: the scores are NaN, which the rank
ensemble ranks last. Scored in train mode on a copy, like the other proxies.
"""
from __future__ import annotations

import copy
from typing import List, Optional, Sequence

import numpy as np
import torch
from torch import nn

from .registry import register_proxy


def default_blocks(model: nn.Module) -> List[nn.Module]:
    """The blocks of the cell networks this package builds: ``stem`` + ``cells`` (NB201,
    DARTS / NB301) or the ``layers`` list of nasbench-pytorch's NB101 network (stem, cells
    and the pools between stacks)."""
    stem, cells, layers = (getattr(model, a, None) for a in ("stem", "cells", "layers"))
    if isinstance(stem, nn.Module) and isinstance(cells, nn.ModuleList):
        return [stem, *cells]
    if isinstance(layers, nn.ModuleList):
        return list(layers)
    raise ValueError(f"{type(model).__name__} has neither `stem` + `cells` nor a `layers` list to take block "
                     "features from; pass blocks=[...] (the modules whose outputs are the features, in forward order)")


def block_features(model: nn.Module, inputs: torch.Tensor,
                   blocks: Optional[Sequence[nn.Module]] = None) -> List[torch.Tensor]:
    """The outputs of ``blocks`` (default :func:`default_blocks`) in the order the forward
    produces them, from a train-mode copy of ``model``. Each block's ``forward`` is wrapped
    in the copy rather than hooked: NASLib's graphs call ``op.forward`` directly, which
    forward hooks never see."""
    net = copy.deepcopy(model).train()  # train-mode BatchNorm would update the caller's statistics
    if blocks is None:
        mods = default_blocks(net)
    else:  # the same modules inside the copy
        where = {id(m): name for name, m in model.named_modules()}
        missing = [b for b in blocks if id(b) not in where]
        if missing:
            raise ValueError(f"blocks must be modules of the model; {len(missing)} are not")
        copies = dict(net.named_modules())
        mods = [copies[where[id(b)]] for b in blocks]
    feats: List[torch.Tensor] = []
    for m in mods:  # the copy is thrown away after this forward: nothing to restore
        m.forward = _recording(m.forward, feats)
    with torch.no_grad():
        net(inputs)
    return feats


def _recording(forward, feats: List[torch.Tensor]):
    def recorded(*args, **kwargs):
        out = forward(*args, **kwargs)
        feats.append(out.detach())
        return out
    return recorded


def feature_entropy(feat: torch.Tensor) -> float:
    """Entropy of the normalised eigenvalues of the channel covariance of ``(S, C, ...)``
    features; NaN when every channel is constant."""
    f = feat.double().movedim(1, -1).reshape(-1, feat.shape[1])
    f = f - f.mean(0, keepdim=True)
    eig = torch.linalg.eigvalsh(f.T @ f / f.shape[0]).clamp_min(0)
    total = eig.sum()
    if not total > 0:
        return float("nan")
    p = eig / total
    return float(-(p * torch.log(p + 1e-8)).sum())


def expressivity_profile(model: nn.Module, inputs: torch.Tensor,
                         blocks: Optional[Sequence[nn.Module]] = None) -> np.ndarray:
    """Each block's expressivity (:func:`feature_entropy`), in forward order."""
    return np.array([feature_entropy(f) for f in block_features(model, inputs, blocks)])


@register_proxy("expressivity", needs_blocks=True, family="az_nas")
def expressivity_score(model: nn.Module, inputs: torch.Tensor,
                       blocks: Optional[Sequence[nn.Module]] = None) -> float:
    """Σ over blocks of the block's expressivity (higher is better)."""
    return float(expressivity_profile(model, inputs, blocks).sum())


@register_proxy("progressivity", needs_blocks=True, family="az_nas")
def progressivity_score(model: nn.Module, inputs: torch.Tensor,
                        blocks: Optional[Sequence[nn.Module]] = None) -> float:
    """The smallest block-to-block change of expressivity (higher is better); needs two
    blocks."""
    return progressivity_of(expressivity_profile(model, inputs, blocks))


def progressivity_of(profile: Sequence[float]) -> float:
    """Progressivity from an :func:`expressivity_profile` (NaN if any block is NaN)."""
    if len(profile) < 2:
        raise ValueError("progressivity compares consecutive blocks: give at least two")
    return float(np.min(np.diff(profile)))
