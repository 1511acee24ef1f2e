"""The rank ensemble of several proxies as a fitness for Algorithm 1, for any space.

Algorithm 1 needs a fitness that does not change as the search scores more archs, while
the log-rank ensemble is relative to a set. :class:`EnsembleFitness` fixes the set: a
reference sample of random archs, scored on first use, against which every arch's member
values are ranked (:class:`swap_plugin.proxies.ReferenceEnsemble`). The standalone NB201
search script and NASLib's SwapEvolution both use it, with their own ``values``.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

import numpy as np

from ..proxies import ENSEMBLE_MEMBERS, ReferenceEnsemble

#: the reference sample of search seed s is drawn from default_rng(REFERENCE_SEED + s)
REFERENCE_SEED = 30_000


class EnsembleFitness:
    """``arch -> float``: the :class:`ReferenceEnsemble` score of ``values(arch)`` (a dict
    with every member of ``ENSEMBLE_MEMBERS``) against ``reference`` distinct archs drawn by
    ``sample`` (distinct by ``key``) from ``default_rng(REFERENCE_SEED + seed)``."""

    def __init__(self, values: Callable[[Any], Dict[str, float]], sample: Callable[[np.random.Generator], Any],
                 key: Callable[[Any], str], reference: int = 200, seed: int = 0):
        if reference < 2:
            raise ValueError(f"the ensemble fitness needs a reference of at least 2 archs, got {reference}")
        self.values, self.sample, self.key = values, sample, key
        self.reference, self.seed = reference, seed
        self._ranker: Optional[ReferenceEnsemble] = None

    @property
    def ready(self) -> bool:
        """Whether the reference sample has been scored."""
        return self._ranker is not None

    def ranker(self) -> ReferenceEnsemble:
        """The reference ranking (scores the reference sample on first use)."""
        if self._ranker is None:
            rng, archs = np.random.default_rng(REFERENCE_SEED + self.seed), {}
            while len(archs) < self.reference:
                a = self.sample(rng)
                archs.setdefault(self.key(a), a)
            rows = [self.values(a) for a in archs.values()]
            self._ranker = ReferenceEnsemble({m: [r[m] for r in rows] for m in ENSEMBLE_MEMBERS})
        return self._ranker

    def __call__(self, arch) -> float:
        return self.ranker()(self.values(arch))
