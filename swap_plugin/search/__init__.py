"""SWAP-NAS: Algorithm 1 (one evolution module for standalone and NASLib use)."""
from .evolution import Evolution, EvolutionConfig
from .runner import SearchConfig, run_search

__all__ = ["Evolution", "EvolutionConfig", "SearchConfig", "run_search"]
