"""``search.proxy: swap_ensemble``: SwapEvolution's fitness = the rank ensemble of
``swap_plugin.proxies.ENSEMBLE_MEMBERS`` on NASLib graphs.

Every member is computed on the same seeded, parsed graph and batch: reg_swap with this
plugin's NASLib measure, synflow and jacov with this package's implementations (equal to
NASLib's measures on NASLib graphs, tests/test_naslib_measures.py), progressivity on the
graph's main chain of blocks. SwapEvolution ranks them against a reference sample of
random archs scored the same way (:class:`swap_plugin.search.ensemble_fitness.EnsembleFitness`),
so the fitness of an arch does not change as the search scores more.
"""
from __future__ import annotations

from typing import Dict, List

import torch
from torch import nn

from ..proxies import ensemble_member_values
from .measures import measure_value


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
    return {"reg_swap": measure_value(graph, inputs, "reg_swap"),
            **ensemble_member_values(graph, inputs, blocks=chain_blocks(graph))}
