"""Rank ensemble of Ψ' with other cheap proxies, scored over a set of architectures.

Each member's values are ranked over the set (1 = worst) and the ensemble score is
Σ_members log(rank / n), the aggregation AZ-NAS (Lee & Ham, CVPR 2024) uses for its four
proxies: an arch must rank well on every member, a weak member rank costs more than a
strong one gains. Scores are relative to the set, so they rank archs within it (a study's
sample, an NB-Suite-Zero file) and are not comparable across sets.
"""
from __future__ import annotations

from typing import Dict, Sequence

import numpy as np
from scipy.stats import rankdata

# chosen on the 725-arch NB-Suite-Zero NB201 sets (results/explore_ensemble.md)
ENSEMBLE_MEMBERS = ("reg_swap", "synflow", "jacov")


def log_rank_ensemble(values: Dict[str, Sequence[float]]) -> np.ndarray:
    """``{member: values over the same n archs}`` -> n ensemble scores (higher is better).
    A NaN value ranks last for its member."""
    cols = [np.asarray(v, dtype=float) for v in values.values()]
    if not cols or len({len(c) for c in cols}) != 1:
        raise ValueError("give every member's values over the same archs")
    n = len(cols[0])
    total = np.zeros(n)
    for c in cols:
        filled = np.where(np.isfinite(c), c, -np.inf)
        total += np.log(rankdata(filled) / n)
    return total
