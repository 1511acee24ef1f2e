"""The size regulariser f(Θ) of the regularised SWAP-Score Ψ' = Ψ · f(Θ)."""
from __future__ import annotations

import math

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
    for label, v in (("theta", theta), ("mu", mu), ("sigma", sigma)):
        if not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ValueError(f"{label} must be a finite number, got {v!r}")
    if sigma <= 0:
        raise ValueError(f"sigma must be > 0 (it is a width in parameter units), got {sigma}")
    if formula == "paper":
        return math.exp(-(((theta - mu) / sigma) ** 2))
    return math.exp(-((theta - mu) ** 2) / sigma)
