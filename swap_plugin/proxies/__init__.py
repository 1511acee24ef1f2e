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
BLOCK_PROXIES = ("expressivity", "progressivity")  # these also take blocks=[...]


def ensemble_member_values(model, inputs, blocks=None) -> dict:
    """``{member: value}`` of the :data:`ENSEMBLE_MEMBERS` other than reg_swap (the SWAP
    scorer gives that) on one network; ``blocks`` (default: the network's stem + cells or
    layers) go to the block-feature proxies."""
    extra = {} if blocks is None else {"blocks": blocks}
    return {m: PROXIES[m](model, inputs, **(extra if m in BLOCK_PROXIES else {}))
            for m in ENSEMBLE_MEMBERS if m in PROXIES}

__all__ = ["BLOCK_PROXIES", "ENSEMBLE_MEMBERS", "PROXIES", "ReferenceEnsemble", "ensemble_member_values",
           "expressivity_score", "jacov_score", "log_rank_ensemble", "progressivity_score", "synflow_score"]
