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

from .registry import register_set_proxy

# chosen on the 725-arch NB-Suite-Zero NB201 sets: the highest mean ρ over the three datasets
# among the ensembles of Ψ' with up to three other proxies
ENSEMBLE_MEMBERS = ("reg_swap", "synflow", "jacov", "progressivity")


def log_rank_ensemble(values: Dict[str, Sequence[float]]) -> np.ndarray:
    """``{member: values over the same n archs}`` -> n ensemble scores (higher is better).
    A NaN value ranks last for its member."""
    cols = [np.asarray(v, dtype=float) for v in values.values()]
    if not cols or len({len(c) for c in cols}) != 1:
        raise ValueError("give every member's values over the same archs")
    n = len(cols[0])
    total = np.zeros(n)
    for c in cols:
        total += np.log(rankdata(_ranked(c)) / n)
    return total


@register_set_proxy("swap_ensemble", needs=ENSEMBLE_MEMBERS, family="swap")
def swap_ensemble(values: Dict[str, Sequence[float]], **_) -> list:
    """The log-rank ensemble of Ψ' (the run's μ/σ) and the other members over the sample."""
    return list(log_rank_ensemble({m: values[m] for m in ENSEMBLE_MEMBERS}))


class ReferenceEnsemble:
    """The log-rank ensemble as a fixed score of one arch, for a search (Algorithm 1 needs
    a fitness that does not change as it scores more archs): each member's value is ranked
    against that member's values on a reference sample of n archs, scored once the same
    way. The score is the arch's :func:`log_rank_ensemble` score had it joined the
    reference: Σ_members log(r / (n + 1)), r its mid-rank among the n + 1 values. A NaN
    value ranks last.

    >>> ens = ReferenceEnsemble({"a": [1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0]})
    >>> round(ens({"a": 2.5, "b": 2.5}), 4)  # rank 3 of 4 on a and on b: 2 log(3/4)
    -0.5754
    """

    def __init__(self, reference: Dict[str, Sequence[float]]):
        if not reference or len({len(v) for v in reference.values()}) != 1 or not len(next(iter(reference.values()))):
            raise ValueError("give every member's values over the same, non-empty reference sample")
        self.members = tuple(reference)
        self._sorted = {m: np.sort(_ranked(v)) for m, v in reference.items()}
        self.n = len(next(iter(reference.values())))

    def __call__(self, values: Dict[str, float]) -> float:
        missing = [m for m in self.members if m not in values]
        if missing:
            raise KeyError(f"no value for member(s) {missing}")
        total = 0.0
        for m, ref in self._sorted.items():
            v = float(_ranked([values[m]])[0])
            below = np.searchsorted(ref, v, "left")
            equal = np.searchsorted(ref, v, "right") - below
            total += np.log((below + 0.5 * equal + 1.0) / (self.n + 1))
        return float(total)


def _ranked(values) -> np.ndarray:
    """Values as floats with NaN as -inf, so a NaN ranks below every number."""
    v = np.asarray(values, dtype=float)
    return np.where(np.isnan(v), -np.inf, v)
