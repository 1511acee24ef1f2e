"""μ and σ of the regulariser: the paper's presets and the automatic rule.

Presets (paper, millions of parameters as NASLib counts them): NB101 μ=σ=40,
NB201 μ=σ=1.5, NB301 μ=σ=1.8.

Automatic rule (ours, stated): μ = σ = the ``quantile`` (default 0.99) of Θ over the
sampled architectures. The paper picks μ, σ near the top of each space's size range
(NB201: max 1.53 M → 1.5; NB101: 99th percentile 38.9 M → 40), so a high quantile
reproduces its presets without knowing the space, and rewards the larger (usually
more accurate) networks while still penalising the few outsized ones.
"""
from __future__ import annotations

from typing import Iterable, Tuple

import numpy as np

from ..metric.params import SIZE_UNITS

PAPER_PRESETS_M = {"nb101": 40.0, "nb201": 1.5, "nb301": 1.8, "darts": 1.8}


def auto_mu_sigma(sizes: Iterable[float], quantile: float = 0.99) -> Tuple[float, float]:
    """μ = σ = ``quantile`` of the sizes (same unit as the sizes)."""
    arr = np.asarray(list(sizes), dtype=float)
    if arr.size == 0:
        raise ValueError("auto μ/σ needs the sizes of at least one architecture")
    if not 0 < quantile <= 1:
        raise ValueError(f"quantile must be in (0, 1], got {quantile}")
    v = float(np.quantile(arr, quantile))
    return v, v


def resolve_mu_sigma(mu, sigma, space: str, sizes: Iterable[float], quantile: float = 0.99,
                     size_unit: str = "M"):
    """``"auto"`` → the rule above, ``"paper"`` → the preset; numbers pass through.
    ``sizes`` and the result are in ``size_unit``."""
    if mu == "paper" or sigma == "paper":
        if space not in PAPER_PRESETS_M:
            raise ValueError(f"the paper gives no μ/σ for {space!r}; use 'auto' or numbers")
        v = PAPER_PRESETS_M[space] * SIZE_UNITS["M"] / SIZE_UNITS[size_unit]
        return v, v
    if mu == "auto" or sigma == "auto":
        return auto_mu_sigma(sizes, quantile)
    return float(mu), float(sigma)
