"""Training-free proxies, one registry: every proxy this project computes, by name.

:func:`register_proxy` (:mod:`.registry`) defines what a proxy is; one small file per
proxy or family registers it: Ψ, Ψ' and Ψ' with the automatic μ/σ (:mod:`.swap`), |A|
(:mod:`.activation_patterns`), Θ and FLOPs (:mod:`.size`), NAS-Bench-Suite-Zero's SynFlow
and Jacobian covariance (:mod:`.synflow`, :mod:`.jacov`, written to give the values of
NASLib's measures on the same network), AZ-NAS's expressivity / progressivity
(:mod:`.az_nas`) and the rank ensemble of Ψ' with them (:mod:`.ensemble`). Studies, the
NASLib measures, the heatmap and the CLI read :func:`list_proxies` / :func:`get_proxy`.

The modules are imported here, in this order (the order a study computes them in); a
proxy module that fails to import is an error. Your own proxies: :mod:`swap_plugin.plugins`.
"""
from collections.abc import Mapping

from .registry import (COMPUTED_BEFORE_REGISTRY, STORED_PREFIX, Proxy, get_proxy, is_registered, is_stored,
                       list_proxies, name_in_file, per_arch_names, register_proxy, register_set_proxy,
                       resolve_name, stored_key)
from . import swap, activation_patterns, size  # noqa: E402,F401  (register, in this order)
from .synflow import synflow_score
from .jacov import jacov_score
from .az_nas import expressivity_score, progressivity_score
from .ensemble import ENSEMBLE_MEMBERS, ReferenceEnsemble, log_rank_ensemble


#: families whose proxies are not "other proxies" to combine with Ψ'
_OWN_FAMILIES = ("swap", "patterns", "size")


class _OtherProxies(Mapping):
    """``{name: proxy}`` of the registered proxies of one network other than Ψ, |A| and the
    size proxies (plugins included): the candidates to combine with Ψ', each callable as
    ``proxy(model, inputs, **ctx)``."""

    def _names(self):
        return [n for n in list_proxies(per_arch=True) if get_proxy(n).family not in _OWN_FAMILIES]

    def __getitem__(self, name):
        if name not in self._names():
            raise KeyError(name)
        return get_proxy(name)

    def __iter__(self):
        return iter(self._names())

    def __len__(self):
        return len(self._names())


PROXIES = _OtherProxies()
#: the proxies that take ``blocks=[...]`` (block features)
BLOCK_PROXIES = tuple(n for n in list_proxies() if get_proxy(n).needs_blocks)


def ensemble_member_values(model, inputs, blocks=None) -> dict:
    """``{member: value}`` of the :data:`ENSEMBLE_MEMBERS` that are values of one network
    (all but reg_swap, which the SWAP scorer gives) on ``model``; ``blocks`` (default: the
    network's stem + cells or layers) go to the block-feature proxies."""
    ctx = {} if blocks is None else {"blocks": blocks}
    return {m: get_proxy(m)(model, inputs, **ctx) for m in ENSEMBLE_MEMBERS if get_proxy(m).per_arch}


__all__ = ["BLOCK_PROXIES", "COMPUTED_BEFORE_REGISTRY", "ENSEMBLE_MEMBERS", "PROXIES", "Proxy",
           "ReferenceEnsemble", "STORED_PREFIX", "ensemble_member_values", "expressivity_score", "get_proxy",
           "is_registered", "is_stored", "jacov_score", "list_proxies", "log_rank_ensemble", "name_in_file",
           "per_arch_names", "progressivity_score", "register_proxy", "register_set_proxy", "resolve_name",
           "stored_key", "synflow_score"]
