"""|A|: the number of distinct standard activation patterns (paper Def. 3.1, Table 3)."""
from __future__ import annotations

from ..metric import SwapScorer
from .registry import register_proxy


@register_proxy("activation_patterns", family="patterns")
def activation_patterns(model, inputs, *, scorer=None, **_) -> float:
    """|A| on ``inputs`` (at most S), with the run's scorer (repeats, init, mode) if given."""
    return (scorer if scorer is not None else SwapScorer(inputs)).activation_patterns(model)
