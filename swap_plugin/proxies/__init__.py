"""Other training-free proxies, for combining with Ψ' (one small file per family).

SWAP itself lives in :mod:`swap_plugin.metric`; these are the proxies that the rank
ensemble of :mod:`swap_plugin.proxies.ensemble` combines with it: NAS-Bench-Suite-Zero's
SynFlow and Jacobian covariance, written to give the values of NASLib's measures on the
same network (tests/test_naslib_measures.py), and AZ-NAS's expressivity / progressivity.
Every proxy takes ``(model, inputs)``, never changes the model, and returns a float.
"""
from .az_nas import expressivity_score, progressivity_score
from .ensemble import ENSEMBLE_MEMBERS, ReferenceEnsemble, log_rank_ensemble
from .jacov import jacov_score
from .synflow import synflow_score

PROXIES = {"synflow": synflow_score, "jacov": jacov_score, "expressivity": expressivity_score,
           "progressivity": progressivity_score}

__all__ = ["ENSEMBLE_MEMBERS", "PROXIES", "ReferenceEnsemble", "expressivity_score", "jacov_score", "log_rank_ensemble",
           "progressivity_score", "synflow_score"]
