"""One fixed batch as a DataLoader: what zero-cost fitness should score every arch on.

A training loader reshuffles on every ``iter()``, so ``next(iter(loader))`` per arch (what
NASLib's ``ZeroCost.query`` does) scores each arch on other images and makes the fitness
of an arch depend on when it was evaluated. The paper, the official code and our
studies score all archs on one batch.
"""
from __future__ import annotations

from typing import Iterable

import torch


def one_batch_loader(images: torch.Tensor, labels: torch.Tensor = None) -> torch.utils.data.DataLoader:
    """A DataLoader that yields exactly ``(images, labels)`` (labels 0 when not given)."""
    if labels is None:
        labels = torch.zeros(len(images), dtype=torch.long)
    ds = torch.utils.data.TensorDataset(images, labels)
    return torch.utils.data.DataLoader(ds, batch_size=len(images), shuffle=False)


def fixed_batch_loader(loader: Iterable, n: int, seed: int = 0) -> torch.utils.data.DataLoader:
    """The first ``n`` images and labels of one batch of ``loader``, drawn with torch's RNG
    seeded by ``seed`` (the caller's RNG state is left as it was), as a one-batch loader."""
    if n < 1:
        raise ValueError(f"need at least one image per batch, got n={n}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        images, labels = next(iter(loader))[:2]
    if len(images) < n:
        raise ValueError(f"the loader's batches hold {len(images)} images, fewer than the {n} asked for: "
                         "raise its batch size (NASLib: search.batch_size) or ask for fewer")
    return one_batch_loader(images[:n].clone(), labels[:n].clone())
