"""μ and σ of the regulariser: the paper's presets and the automatic rule.

Presets: each search space's ``paper_mu_sigma`` (millions of parameters as NASLib counts
them; :func:`swap_plugin.spaces.paper_presets`). Automatic rule:
:func:`swap_plugin.metric.regulariser.auto_mu_sigma` (μ = σ = a high quantile of Θ over
the sampled archs).
"""
from __future__ import annotations

from typing import Iterable

from ..metric.params import SIZE_UNITS
from ..metric.regulariser import auto_mu_sigma


def __getattr__(name):
    if name == "PAPER_PRESETS_M":  # {space: μ = σ in millions}, from the space registry
        from ..spaces import paper_presets

        return paper_presets()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def resolve_mu_sigma(mu, sigma, space: str, sizes: Iterable[float], quantile: float = 0.99,
                     size_unit: str = "M"):
    """``"auto"`` → the rule above, ``"paper"`` → the space's preset; numbers pass through.
    ``sizes`` and the result are in ``size_unit``."""
    if mu == "paper" or sigma == "paper":
        from ..spaces import space_class

        preset = space_class(space).paper_mu_sigma
        if preset is None:
            raise ValueError(f"the paper gives no μ/σ for {space!r}; use 'auto' or numbers")
        return tuple(v * SIZE_UNITS["M"] / SIZE_UNITS[size_unit] for v in preset)
    if mu == "auto" or sigma == "auto":
        return auto_mu_sigma(sizes, quantile)
    return float(mu), float(sigma)


__all__ = ["auto_mu_sigma", "resolve_mu_sigma"]
