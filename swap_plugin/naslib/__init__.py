"""NASLib plugin: the ``swap`` and ``reg_swap`` zero-cost measures.

>>> import swap_plugin.naslib as sn          # registers them when NASLib is importable
>>> sn.configure(repeats=1)["repeats"]      # NASLib passes no config to measures
1

Then ``naslib.predictors.ZeroCost(method_type="swap").query(graph, dataloader)`` works
like any other NASLib proxy (also ``"reg_swap"``). Importing this package never
fails without NASLib; :func:`register` then raises an ImportError that says how to
install NASLib.
"""
from __future__ import annotations

import importlib.util
import warnings

from .measures import (DEFAULT_MU_SIGMA, MEASURE_NAMES, compute_reg_swap, compute_swap, configure,
                       configure_from_config, get_config, is_registered, measure_value,
                       mu_sigma_for, register, registry_module, reset_config, scorer_for, space_of)

__all__ = ["DEFAULT_MU_SIGMA", "MEASURE_NAMES", "compute_reg_swap", "compute_swap", "configure",
           "configure_from_config", "get_config", "is_registered", "measure_value", "mu_sigma_for",
           "naslib_available", "register", "registry_module", "reset_config", "scorer_for",
           "space_of"]


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
