"""The size regulariser f(Θ) of the regularised SWAP-Score Ψ' = Ψ · f(Θ)."""
from __future__ import annotations

import math
import numbers
from typing import Iterable, Tuple

import numpy as np

FORMULAS = ("paper", "official")


def regulariser(theta: float, mu: float, sigma: float, formula: str = "paper") -> float:
    """f(Θ) for parameter count ``theta`` in the same unit as ``mu`` and ``sigma``.

    ``formula="paper"``: exp(-((Θ-μ)/σ)²) (ICLR 2024 paper, Eq. 2).
    ``formula="official"``: exp(-(Θ-μ)²/σ) (pym1024/SWAP ``cal_regular_factor``).

    >>> regulariser(1.5, 1.5, 1.5)
    1.0
    >>> round(regulariser(3.0, 1.5, 1.5), 6)  # exp(-1)
    0.367879
    >>> round(regulariser(3.0, 1.5, 1.5, formula="official"), 6)  # exp(-1.5)
    0.22313
    """
    if formula not in FORMULAS:
        raise ValueError(f"unknown regulariser formula {formula!r}; use one of {FORMULAS}")
    check_mu_sigma(mu, sigma)
    if not _finite(theta):
        raise ValueError(f"theta (the parameter count Θ) must be a finite number, got {theta!r}")
    if formula == "paper":
        return math.exp(-(((theta - mu) / sigma) ** 2))
    return math.exp(-((theta - mu) ** 2) / sigma)


def check_mu_sigma(mu, sigma) -> None:
    """Raise ValueError, naming ``mu=`` or ``sigma=``, unless μ is a finite number and σ a
    finite number > 0 (both in the unit of Θ).

    >>> check_mu_sigma(1.5, float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: sigma=nan: σ must be a finite number > 0 (the width of the size prior, in the unit of Θ)
    """
    if not _finite(mu):
        raise ValueError(f"mu={mu!r}: μ must be a finite number (the centre of the size prior, "
                         "in the unit of Θ)")
    if not _finite(sigma) or sigma <= 0:
        raise ValueError(f"sigma={sigma!r}: σ must be a finite number > 0 (the width of the size "
                         "prior, in the unit of Θ)")


def _finite(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)


def auto_mu_sigma(sizes: Iterable[float], quantile: float = 0.99) -> Tuple[float, float]:
    """The automatic rule (ours, stated): μ = σ = the ``quantile`` of the sizes Θ of the
    sampled archs (same unit as the sizes). The paper picks μ, σ near the top of each
    space's size range, so a high quantile gives its presets without knowing the space.

    >>> auto_mu_sigma([1.0, 2.0, 3.0], 0.5)
    (2.0, 2.0)
    """
    arr = np.asarray(list(sizes), dtype=float)
    if arr.size == 0:
        raise ValueError("auto μ/σ needs the sizes of at least one architecture")
    if not 0 < quantile <= 1:
        raise ValueError(f"quantile must be in (0, 1], got {quantile}")
    v = float(np.quantile(arr, quantile))
    return v, v
