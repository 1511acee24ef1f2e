"""swap_plugin: SWAP-Score, regularised SWAP-Score and SWAP-NAS.

Peng et al., "SWAP-NAS: Sample-Wise Activation Patterns for Ultra-fast NAS", ICLR 2024.
"""
from .metric import (ScoreResult, SwapScorer, activation_pattern_score, count_parameters,
                     reg_swap_score, regulariser, swap_score)

__version__ = "0.1.0"
__all__ = ["ScoreResult", "SwapScorer", "activation_pattern_score", "count_parameters",
           "reg_swap_score", "regulariser", "swap_score", "__version__"]
