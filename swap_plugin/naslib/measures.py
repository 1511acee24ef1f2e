"""``swap`` and ``reg_swap`` as NASLib zero-cost measures.

NASLib keeps its zero-cost proxies in a registry filled by the decorator
``measure(name, bn=True, copy_net=True, force_clean=True, **impl_args)``:

* Develop branch (NAS-Bench-Suite-Zero):  ``naslib.predictors.utils.pruners.measures``
* ``zerocost`` branch:                     ``naslib.predictors.pruners.measures``

``ZeroCost(method_type=name).query(graph, dataloader)`` calls
``predictive.find_measures``, which takes one batch from the loader, moves it to
``ZeroCost.device``, and calls the registered function as
``func(net_copy, inputs, targets, loss_fn=..., split_data=...)`` (``net_copy`` is a
deep copy of the graph on that device, because ``copy_net=True``). Apart from a few
names it special-cases (jacov, epe_nas, nwot, zen) it then sums the returned value
with ``for i in range(len(arr)): total += torch.sum(arr[i])`` and calls ``.item()``:
a measure must return a *list of tensors*, a bare float raises ``TypeError``. We
return ``[torch.tensor(score, dtype=torch.float64)]`` so the float comes back exactly.

NASLib hands no config to measures, so μ, σ and the scoring options live here:
:func:`configure` (or :func:`configure_from_config` for a NASLib ``CfgNode`` with
``search.swap_*`` keys). Without an explicit μ/σ, ``reg_swap`` uses the paper's
value for the graph's search space (``graph.get_type()``), see
:data:`DEFAULT_MU_SIGMA`.

This module imports NASLib only inside :func:`register`.
"""
from __future__ import annotations

import importlib
from typing import Any, Dict, List, Optional, Tuple

import torch

from ..metric.params import SIZE_UNITS, check_unit

#: the measure names this module registers
MEASURE_NAMES = ("swap", "reg_swap")

#: registry modules, newest layout first: (module, branch it belongs to)
REGISTRY_MODULES = (
    ("naslib.predictors.utils.pruners.measures", "Develop"),
    ("naslib.predictors.pruners.measures", "zerocost"),
)

#: μ = σ per NASLib search space (``graph.get_type()``), in millions of parameters,
#: for ``formula="paper"``; converted when ``size_unit`` is not "M". Spaces missing
#: here (TransNAS-Bench-101, ...) need an explicit ``configure(mu=..., sigma=...)``.
DEFAULT_MU_SIGMA: Dict[str, Tuple[float, float]] = {
    "nasbench101": (40.0, 40.0),
    "nasbench201": (1.5, 1.5),
    "nasbench301": (1.8, 1.8),
}

INSTALL_HINT = (
    "NASLib is not importable. NASLib is not on PyPI and its setup.py refuses Python > 3.9: "
    "clone https://github.com/automl/NASLib (branch Develop, or zerocost), put the clone on "
    "PYTHONPATH (export PYTHONPATH=/path/to/NASLib) and install the packages it imports "
    "(pip install 'swap_plugin[naslib]' plus those listed in the README), then call "
    "swap_plugin.naslib.register() again."
)

_DEFAULTS: Dict[str, Any] = {
    "mu": None,          # None: DEFAULT_MU_SIGMA[graph.get_type()]
    "sigma": None,
    "formula": "paper",  # "paper": exp(-((Θ-μ)/σ)²); "official": exp(-(Θ-μ)²/σ)
    "size_unit": "M",    # unit of Θ, μ and σ
    "repeats": 1,        # NASLib style: one forward pass on the graph's current weights
    "init": None,        # "gaussian" (with repeats=32, mode="train") = official SWAP protocol
    "seed": 0,
    "mode": None,        # None: the graph's own train/eval mode (NASLib graphs: train)
    "samples": None,     # use the first N images of NASLib's batch; None = the whole batch
}
_config: Dict[str, Any] = dict(_DEFAULTS)

# where register() put the measures: module name -> branch
_registered: Dict[str, str] = {}


# ---- configuration -------------------------------------------------------------
def configure(**options) -> Dict[str, Any]:
    """Set options of the ``swap`` / ``reg_swap`` measures; returns the new config.

    Keys: ``mu``, ``sigma`` (both or neither; None = per-space default), ``formula``,
    ``size_unit``, ``repeats``, ``init``, ``seed``, ``mode``, ``samples``. Options not
    given keep their value.

    >>> cfg = configure(mu=2.0, sigma=2.0)
    >>> cfg["mu"], cfg["sigma"], cfg["formula"]
    (2.0, 2.0, 'paper')
    >>> configure(mu=1.0)
    Traceback (most recent call last):
    ...
    ValueError: configure mu and sigma together (both numbers, or both None for the per-space defaults)
    >>> _ = reset_config()
    """
    unknown = set(options) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown option(s) {sorted(unknown)}; known: {sorted(_DEFAULTS)}")
    new = {**_config, **options}
    if ("mu" in options) != ("sigma" in options) or (new["mu"] is None) != (new["sigma"] is None):
        raise ValueError("configure mu and sigma together (both numbers, or both None "
                         "for the per-space defaults)")
    _validate(new)
    _config.clear()
    _config.update(new)
    return dict(_config)


def configure_from_config(config) -> Dict[str, Any]:
    """Read ``search.swap_<option>`` keys from a NASLib config (fvcore ``CfgNode``).

    E.g. ``search: {swap_mu: 1.5, swap_sigma: 1.5, swap_repeats: 32, swap_init: gaussian}``.
    Keys that are absent keep their current value.
    """
    search = getattr(config, "search", config)
    found = {k: getattr(search, f"swap_{k}") for k in _DEFAULTS if hasattr(search, f"swap_{k}")}
    return configure(**found) if found else get_config()


def get_config() -> Dict[str, Any]:
    """A copy of the current options."""
    return dict(_config)


def reset_config() -> Dict[str, Any]:
    """Back to the defaults; returns them."""
    _config.clear()
    _config.update(_DEFAULTS)
    return dict(_config)


def _validate(cfg: Dict[str, Any]) -> None:
    # the scorer validates mu/sigma/formula/init/mode itself; catch what it cannot
    check_unit(cfg["size_unit"])
    if not isinstance(cfg["repeats"], int) or cfg["repeats"] < 1:
        raise ValueError(f"repeats must be a positive int, got {cfg['repeats']!r}")
    if cfg["samples"] is not None and (not isinstance(cfg["samples"], int) or cfg["samples"] < 1):
        raise ValueError(f"samples must be None or a positive int, got {cfg['samples']!r}")
    from ..metric.scorer import SwapScorer
    SwapScorer(torch.zeros(1, 1), repeats=cfg["repeats"], init=cfg["init"], seed=cfg["seed"],
               mode=cfg["mode"], mu=cfg["mu"], sigma=cfg["sigma"], formula=cfg["formula"],
               size_unit=cfg["size_unit"])


def space_of(net) -> Optional[str]:
    """NASLib's search-space type of ``net`` ("nasbench201", ...), or None."""
    get_type = getattr(net, "get_type", None)
    if callable(get_type):
        try:
            return get_type()
        except Exception:  # a graph that cannot tell its type
            pass
    return getattr(net, "space_name", None)


def mu_sigma_for(net, cfg: Optional[Dict[str, Any]] = None) -> Tuple[float, float]:
    """(μ, σ) in ``cfg["size_unit"]``: the configured pair, else the space's default."""
    cfg = _config if cfg is None else cfg
    if cfg["mu"] is not None:
        return float(cfg["mu"]), float(cfg["sigma"])
    space = space_of(net)
    if space not in DEFAULT_MU_SIGMA:
        raise ValueError(
            f"reg_swap has no default mu/sigma for search space {space!r} (defaults exist for "
            f"{sorted(DEFAULT_MU_SIGMA)}); call swap_plugin.naslib.configure(mu=..., sigma=...) "
            f"with values in size_unit={cfg['size_unit']!r}")
    scale = SIZE_UNITS["M"] / SIZE_UNITS[cfg["size_unit"]]
    mu, sigma = DEFAULT_MU_SIGMA[space]
    return mu * scale, sigma * scale


# ---- the measures --------------------------------------------------------------
def scorer_for(net, inputs: torch.Tensor, name: str = "swap", cfg: Optional[Dict[str, Any]] = None):
    """The :class:`swap_plugin.SwapScorer` the measure ``name`` uses for ``net``/``inputs``."""
    from ..metric.scorer import SwapScorer

    cfg = _config if cfg is None else cfg
    if name not in MEASURE_NAMES:
        raise ValueError(f"unknown measure {name!r}; use one of {MEASURE_NAMES}")
    if cfg["samples"] is not None:
        if inputs.shape[0] < cfg["samples"]:
            raise ValueError(f"configured samples={cfg['samples']} but NASLib's batch has only "
                             f"{inputs.shape[0]} images; raise the loader's batch size")
        inputs = inputs[:cfg["samples"]]
    mu = sigma = None
    if name == "reg_swap":
        mu, sigma = mu_sigma_for(net, cfg)
    # a batch of tiles (N, 9, C, H, W) is TransNAS jigsaw: NASLib's graph form folds the
    # tiles into the batch (StemJigsaw: x.reshape(-1, C, H, W)), so allow that fold
    return SwapScorer(inputs, repeats=cfg["repeats"], init=cfg["init"], seed=cfg["seed"],
                      mode=cfg["mode"], mu=mu, sigma=sigma, formula=cfg["formula"],
                      size_unit=cfg["size_unit"], folded_batch=inputs.dim() == 5)


def measure_value(net, inputs: torch.Tensor, name: str = "swap") -> float:
    """The float the measure ``name`` reports for ``net`` on ``inputs``."""
    result = scorer_for(net, inputs, name).score(net)
    return float(result.swap if name == "swap" else result.reg_swap)


def _as_naslib_return(value: float) -> List[torch.Tensor]:
    # find_measures: sum(torch.sum(t) for t in arr).item(); float64 keeps the value exact
    return [torch.tensor(value, dtype=torch.float64)]


def compute_swap(net, inputs, targets=None, split_data=1, loss_fn=None, **_):
    """NASLib measure ``swap``: Ψ of ``net`` on NASLib's batch (targets, loss unused)."""
    return _as_naslib_return(measure_value(net, inputs, "swap"))


def compute_reg_swap(net, inputs, targets=None, split_data=1, loss_fn=None, **_):
    """NASLib measure ``reg_swap``: Ψ' = Ψ · f(Θ), μ/σ from :func:`configure` or the space."""
    return _as_naslib_return(measure_value(net, inputs, "reg_swap"))


_FUNCS = {"swap": compute_swap, "reg_swap": compute_reg_swap}


# ---- registration --------------------------------------------------------------
def registry_module():
    """NASLib's measures module, whichever layout is installed; ImportError if none."""
    try:
        importlib.import_module("naslib")
    except ModuleNotFoundError as e:
        if e.name == "naslib":
            raise ImportError(INSTALL_HINT) from e
        raise ImportError(f"NASLib was found but failed to import: missing package {e.name!r}. "
                          "Install what NASLib imports (see the README's NASLib section).") from e
    errors = []
    for mod_name, _branch in REGISTRY_MODULES:
        try:
            return importlib.import_module(mod_name)
        except ModuleNotFoundError as e:
            if e.name and (mod_name == e.name or mod_name.startswith(e.name + ".")):  # layout absent
                errors.append(f"{mod_name}: absent")
                continue
            raise ImportError(
                f"NASLib was found but {mod_name} failed to import: missing package "
                f"{e.name!r}. Install what NASLib imports (see the README's NASLib section)."
            ) from e
    raise ImportError("this NASLib has no zero-cost measure registry where swap_plugin "
                      f"expects one ({'; '.join(errors)}); use branch Develop or zerocost")


def register() -> str:
    """Register ``swap`` and ``reg_swap`` with NASLib's ``@measure`` registry.

    Idempotent: names already registered are left alone. Returns the registry
    module's name. Raises ImportError (with install instructions) without NASLib.
    """
    mod = registry_module()
    impls = getattr(mod, "_measure_impls", None)
    if impls is None or not callable(getattr(mod, "measure", None)):
        raise ImportError(f"{mod.__name__} has no measure()/_measure_impls: unsupported NASLib version")
    for name in MEASURE_NAMES:
        if name not in impls:
            # bn=True: BatchNorm stays as it is (SWAP sees the network as built);
            # copy_net=True: NASLib scores a deep copy moved to ZeroCost.device
            mod.measure(name, bn=True, copy_net=True)(_FUNCS[name])
    _registered[mod.__name__] = dict(REGISTRY_MODULES).get(mod.__name__, "?")
    return mod.__name__


def is_registered() -> bool:
    """Whether NASLib (already imported) has both measures registered."""
    import sys

    for mod_name, _ in REGISTRY_MODULES:
        mod = sys.modules.get(mod_name)
        if mod is not None and all(n in getattr(mod, "_measure_impls", {}) for n in MEASURE_NAMES):
            return True
    return False
