"""NASLib plugin: ``swap``, ``reg_swap`` and every other proxy of
:mod:`swap_plugin.proxies` as NASLib zero-cost measures.

>>> import swap_plugin.naslib as sn          # registers them when NASLib is importable
>>> sn.configure(repeats=1)["repeats"]      # NASLib passes no config to measures
1

Then ``naslib.predictors.ZeroCost(method_type="swap").query(graph, dataloader)`` works
like any other NASLib proxy (also ``"reg_swap"``, ``"expressivity"``, your plugins'
proxies: :func:`~.measures.measure_names`). Importing this package never
fails without NASLib; :func:`register` then raises an ImportError that says how to
install NASLib.

The optimizer (SWAP-NAS, Algorithm 1, for NASLib's ``Trainer``) is loaded on first use,
so it too needs NASLib only when touched::

    from swap_plugin.naslib import SwapEvolution, OPTIMIZERS   # OPTIMIZERS["swap_evolution"]

:class:`NaslibSpaceAdapter` (a NASLib graph as swap_plugin's search-space protocol)
needs no NASLib import of its own.
"""
from __future__ import annotations

import importlib.util
import warnings

from .measures import (compute_reg_swap, compute_swap, configure, configure_from_config, default_mu_sigma,
                       get_config, is_registered, measure_names, measure_value, mu_sigma_for, naslib_measure,
                       register, registry_module, reset_config, scorer_for, space_of)

from .space_adapter import NaslibSpaceAdapter

#: names loaded from .optimizer (which imports NASLib) on first access
_LAZY = {"SwapEvolution": "SwapEvolution", "OPTIMIZERS": "OPTIMIZERS",
         "naslib_optimizers": "naslib_optimizers", "build_train_loader": "build_train_loader"}

__all__ = ["NaslibSpaceAdapter", "DEFAULT_MU_SIGMA", "MEASURE_NAMES", "compute_reg_swap", "compute_swap", "configure",
           "configure_from_config", "default_mu_sigma", "get_config", "is_registered", "measure_names",
           "measure_value", "mu_sigma_for", "naslib_available", "naslib_measure", "register", "registry_module",
           "reset_config", "scorer_for", "space_of"]


def __getattr__(name):
    if name in ("MEASURE_NAMES", "DEFAULT_MU_SIGMA"):  # read from the registries at each access
        from . import measures

        return getattr(measures, name)
    if name in _LAZY:
        if not naslib_available():
            from .measures import INSTALL_HINT

            raise ImportError(f"swap_plugin.naslib.{name} needs NASLib. {INSTALL_HINT}")
        from . import optimizer

        return getattr(optimizer, _LAZY[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def naslib_available() -> bool:
    """Whether a top-level ``naslib`` package can be found (nothing is imported)."""
    try:
        return importlib.util.find_spec("naslib") is not None
    except (ImportError, ValueError):
        return False


if naslib_available():
    try:
        register()
    except ImportError as _e:  # NASLib found but broken: stay importable, say why
        warnings.warn(f"swap_plugin.naslib: measures not registered: {_e}", RuntimeWarning,
                      stacklevel=2)
