"""The metric: Ψ, Ψ', |A|. Knows only torch — nothing of search spaces or NASLib."""
from .params import SIZE_UNITS, count_parameters
from .regulariser import regulariser
from .scorer import (NoActivationError, ScoreResult, SwapScorer, activation_pattern_score,
                     reg_swap_score, swap_score)
from .reference import naive_swap_score

__all__ = ["SIZE_UNITS", "NoActivationError", "ScoreResult", "SwapScorer", "activation_pattern_score",
           "count_parameters", "naive_swap_score", "reg_swap_score", "regulariser", "swap_score"]
