"""Other training-free proxies, for combining with Ψ' (one small file each).

SWAP itself lives in :mod:`swap_plugin.metric`; these are the NAS-Bench-Suite-Zero proxies
that the rank ensemble of :mod:`swap_plugin.proxies.ensemble` combines with it, written to
give the values of NASLib's measures on the same network (tests/test_naslib_measures.py).
Every proxy takes ``(model, inputs)``, never changes the model, and returns a float.
"""
from .ensemble import ENSEMBLE_MEMBERS, log_rank_ensemble
from .jacov import jacov_score
from .synflow import synflow_score

PROXIES = {"synflow": synflow_score, "jacov": jacov_score}

__all__ = ["ENSEMBLE_MEMBERS", "PROXIES", "jacov_score", "log_rank_ensemble", "synflow_score"]
