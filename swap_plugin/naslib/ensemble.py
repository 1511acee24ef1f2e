"""``search.proxy: swap_ensemble``: SwapEvolution's fitness = the rank ensemble of
``swap_plugin.proxies.ENSEMBLE_MEMBERS`` on NASLib graphs.

Every member is computed on the same seeded, parsed graph and batch: reg_swap with this
plugin's NASLib measure, synflow and jacov with this package's implementations (equal to
NASLib's measures on NASLib graphs, tests/test_naslib_measures.py), progressivity on the
graph's main chain of blocks. The ensemble is ranked against a reference sample of random
archs scored the same way (:class:`swap_plugin.proxies.ReferenceEnsemble`), so the fitness
of an arch does not change as the search scores more.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import numpy as np
import torch
from torch import nn

from ..proxies import ENSEMBLE_MEMBERS, PROXIES, ReferenceEnsemble
from ..proxies.az_nas import expressivity_score, progressivity_score
from .measures import measure_value

# members computed from block features: they need the graph's blocks
_BLOCK_PROXIES = {"expressivity": expressivity_score, "progressivity": progressivity_score}


def chain_blocks(graph) -> List[nn.Module]:
    """The ops on a NASLib macro graph's main chain (edges 1→2→3…), in forward order,
    without the last one (the classifier head): NB201's stem, cells and reduction blocks."""
    blocks, i = [], 1
    while graph.has_edge(i, i + 1):
        blocks.append(graph.edges[i, i + 1]["op"])
        i += 1
    if len(blocks) < 3:
        raise ValueError(f"{type(graph).__name__} has no main chain of blocks (edges 1→2→3…) to take "
                         "features from; swap_ensemble supports NASLib's NB201 graph")
    return blocks[:-1]


def member_values(graph, inputs: torch.Tensor) -> Dict[str, float]:
    """``{member: value}`` of one parsed NASLib graph on ``inputs``."""
    values = {"reg_swap": measure_value(graph, inputs, "reg_swap")}
    for m in ENSEMBLE_MEMBERS[1:]:
        if m in _BLOCK_PROXIES:
            values[m] = _BLOCK_PROXIES[m](graph, inputs, blocks=chain_blocks(graph))
        else:
            values[m] = PROXIES[m](graph, inputs)
    return values


class EnsembleFitness:
    """``arch -> float``: the :class:`ReferenceEnsemble` score of ``values(arch)`` against
    ``reference`` distinct archs drawn by ``sample`` from ``default_rng(30_000 + seed)``
    (scored on first use)."""

    def __init__(self, values: Callable[[Any], Dict[str, float]], sample: Callable[[np.random.Generator], Any],
                 key: Callable[[Any], str], reference: int = 200, seed: int = 0):
        if reference < 2:
            raise ValueError(f"search.ensemble_reference must be at least 2 archs, got {reference}")
        self.values, self.sample, self.key = values, sample, key
        self.reference, self.seed = reference, seed
        self._ranker: Optional[ReferenceEnsemble] = None

    def ranker(self) -> ReferenceEnsemble:
        if self._ranker is None:
            rng, archs = np.random.default_rng(30_000 + self.seed), {}
            while len(archs) < self.reference:
                a = self.sample(rng)
                archs.setdefault(self.key(a), a)
            rows = [self.values(a) for a in archs.values()]
            self._ranker = ReferenceEnsemble({m: [r[m] for r in rows] for m in ENSEMBLE_MEMBERS})
        return self._ranker

    def __call__(self, arch) -> float:
        return self.ranker()(self.values(arch))
