"""Ψ, Ψ' and Ψ' with μ/σ from the sample: the paper's proxies, from the SWAP scorer.

In a study Ψ and Θ come from one :class:`~swap_plugin.metric.SwapScorer` call per arch
(the record), and Ψ' is computed over the sample: its μ/σ may come from the sample's
sizes (``auto``). One network alone gets Ψ' from ``mu``/``sigma`` in ``ctx`` or from a
scorer made with them (NASLib's ``reg_swap`` measure).
"""
from __future__ import annotations

from typing import Mapping, Sequence

from ..metric import SwapScorer, regulariser
from ..metric.params import SIZE_UNITS
from ..metric.regulariser import auto_mu_sigma
from .registry import register_proxy, register_set_proxy


def _result(model, inputs, scorer=None, score=None, **_):
    if score is not None:
        return score
    return (scorer if scorer is not None else SwapScorer(inputs)).score(model)


@register_proxy("swap", family="swap")
def swap(model, inputs, **ctx) -> float:
    """Ψ: the number of distinct sample-wise activation patterns (paper Def. 3.2)."""
    return _result(model, inputs, **ctx).swap


def _reg_swap_of(values: Mapping[str, Sequence[float]], *, mu, sigma, formula: str = "paper",
                 size_unit: str = "M", **_) -> list:
    """Ψ · f(Θ) of each arch; ``values["params"]`` in millions, μ/σ in ``size_unit``."""
    scale = SIZE_UNITS["M"] / SIZE_UNITS[size_unit]
    return [s * regulariser(p * scale, mu, sigma, formula) for s, p in zip(values["swap"], values["params"])]


@register_proxy("reg_swap", family="swap", over_set=_reg_swap_of, needs=("swap", "params"))
def reg_swap(model, inputs, *, mu=None, sigma=None, formula: str = "paper", size_unit: str = "M", **ctx) -> float:
    """Ψ' = Ψ · f(Θ) (paper Eq. 2); μ/σ from ``ctx`` or the scorer's own."""
    r = _result(model, inputs, **ctx)
    if mu is None and r.reg_swap is not None:
        return r.reg_swap
    if mu is None or sigma is None:
        raise ValueError("reg_swap needs the size prior: give mu= and sigma= (in size_unit), or a "
                         "SwapScorer made with them")
    theta = r.params * SIZE_UNITS[r.size_unit] / SIZE_UNITS[size_unit]
    return r.swap * regulariser(theta, mu, sigma, formula)


@register_set_proxy("reg_swap_auto", needs=("swap", "params"), family="swap")
def reg_swap_auto(values: Mapping[str, Sequence[float]], *, mu_quantile: float = 0.99, size_unit: str = "M",
                  formula: str = "paper", **_) -> list:
    """Ψ' with μ = σ = the ``mu_quantile`` of Θ over the sample, whatever μ/σ the run sets."""
    scale = SIZE_UNITS["M"] / SIZE_UNITS[size_unit]
    mu, sigma = auto_mu_sigma([p * scale for p in values["params"]], mu_quantile)
    return _reg_swap_of(values, mu=mu, sigma=sigma, formula=formula, size_unit=size_unit)
