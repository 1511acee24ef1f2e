"""Every proxy of :mod:`swap_plugin.proxies` as a NASLib zero-cost measure.

Each registered proxy of one network (``swap``, ``reg_swap``, ``activation_patterns``,
``expressivity``, ... and your plugins' proxies) becomes a measure of the same name;
names NASLib already has (its own ``synflow``, ``jacov``, ``params``, ``flops``) are left
to NASLib.

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
value for the graph's search space (``graph.get_type()``: the space registry's
``paper_mu_sigma``, see :data:`DEFAULT_MU_SIGMA`). A measure gets NASLib's batch, its
labels (``targets``, for proxies that need them) and, for block-feature proxies, the
graph's main chain of blocks.

This module imports NASLib only inside :func:`register`.
"""
from __future__ import annotations

import importlib
from typing import Any, Dict, List, Optional, Tuple

import torch

from ..metric.params import SIZE_UNITS, check_unit

#: registry modules, newest layout first: (module, branch it belongs to)
REGISTRY_MODULES = (
    ("naslib.predictors.utils.pruners.measures", "Develop"),
    ("naslib.predictors.pruners.measures", "zerocost"),
)



def measure_names() -> Tuple[str, ...]:
    """The measures this module registers: every registered proxy of one network."""
    from ..proxies import get_proxy, list_proxies

    return tuple(n for n in list_proxies() if get_proxy(n).compute is not None)


def default_mu_sigma() -> Dict[str, Tuple[float, float]]:
    """μ, σ per NASLib search space (``graph.get_type()``), in millions of parameters, for
    ``formula="paper"``: the paper's, from the space registry. Spaces without one
    (TransNAS-Bench-101, ...) need an explicit ``configure(mu=..., sigma=...)``."""
    from ..spaces import list_spaces, space_class, space_for_naslib

    out = {}
    for name in list_spaces():
        cls = space_class(name)
        if cls.naslib_name and cls.paper_mu_sigma and space_for_naslib(cls.naslib_name) == name:
            out[cls.naslib_name] = tuple(cls.paper_mu_sigma)
    return dict(sorted(out.items()))


def __getattr__(name):
    if name == "MEASURE_NAMES":  # the registry's, plugins included
        return measure_names()
    if name == "DEFAULT_MU_SIGMA":
        return default_mu_sigma()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

INSTALL_HINT = (
    "NASLib is not importable. NASLib is not on PyPI and its setup.py refuses Python > 3.9: "
    "clone https://github.com/automl/NASLib (branch Develop, or zerocost), put the clone on "
    "PYTHONPATH (export PYTHONPATH=/path/to/NASLib) and install the packages it imports "
    "(pip install 'swap_plugin[naslib]' plus those listed in the README), then call "
    "swap_plugin.naslib.register() again."
)

_DEFAULTS: Dict[str, Any] = {
    "mu": None,          # None: the paper's for graph.get_type() (default_mu_sigma())
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
    defaults = default_mu_sigma()
    if space not in defaults:
        raise ValueError(
            f"reg_swap has no default mu/sigma for search space {space!r} (defaults exist for "
            f"{sorted(defaults)}); call swap_plugin.naslib.configure(mu=..., sigma=...) "
            f"with values in size_unit={cfg['size_unit']!r}")
    scale = SIZE_UNITS["M"] / SIZE_UNITS[cfg["size_unit"]]
    mu, sigma = defaults[space]
    return mu * scale, sigma * scale


# ---- the measures --------------------------------------------------------------
def scorer_for(net, inputs: torch.Tensor, name: str = "swap", cfg: Optional[Dict[str, Any]] = None):
    """The :class:`swap_plugin.SwapScorer` the measure ``name`` uses for ``net``/``inputs``."""
    from ..metric.scorer import SwapScorer

    cfg = _config if cfg is None else cfg
    names = measure_names()
    if name not in names:
        raise ValueError(f"unknown measure {name!r}; use one of {names}")
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


def measure_value(net, inputs: torch.Tensor, name: str = "swap", targets=None) -> float:
    """The float the measure ``name`` reports for ``net`` on ``inputs`` (``targets``:
    their labels, for proxies that need them)."""
    from ..proxies import get_proxy

    proxy = get_proxy(name)
    scorer = scorer_for(net, inputs, name)
    ctx: Dict[str, Any] = {"scorer": scorer}
    if targets is not None:
        ctx["targets"] = targets[:len(scorer.inputs)]
    elif proxy.needs_labels:
        raise ValueError(f"measure {name!r} needs the labels of NASLib's batch; none were given")
    if proxy.needs_blocks:
        ctx["blocks"] = _blocks(net)
    return proxy(net, scorer.inputs, **ctx)


def _blocks(net):
    """A NASLib graph's main chain of blocks, or None (the proxy's own default) for a
    module that has none."""
    if not callable(getattr(net, "has_edge", None)):
        return None
    from .ensemble import chain_blocks

    return chain_blocks(net)


def _as_naslib_return(value: float) -> List[torch.Tensor]:
    # find_measures: sum(torch.sum(t) for t in arr).item(); float64 keeps the value exact
    return [torch.tensor(value, dtype=torch.float64)]


def naslib_measure(name: str):
    """The NASLib measure function of registered proxy ``name``."""

    def compute(net, inputs, targets=None, split_data=1, loss_fn=None, **_):
        return _as_naslib_return(measure_value(net, inputs, name, targets))

    compute.__name__ = f"compute_{name}"
    compute.__doc__ = f"NASLib measure ``{name}``: proxy {name!r} of swap_plugin.proxies on NASLib's batch."
    return compute


#: NASLib measure ``swap``: Ψ of ``net`` on NASLib's batch (targets, loss unused)
compute_swap = naslib_measure("swap")
#: NASLib measure ``reg_swap``: Ψ' = Ψ · f(Θ), μ/σ from :func:`configure` or the space
compute_reg_swap = naslib_measure("reg_swap")


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
    """Register every proxy of :func:`measure_names` with NASLib's ``@measure`` registry.

    Idempotent: names already registered (NASLib's own synflow, jacov, ...) are left
    alone; call it again after loading a plugin to add its proxies. Returns the registry
    module's name. Raises ImportError (with install instructions) without NASLib.
    """
    mod = registry_module()
    impls = getattr(mod, "_measure_impls", None)
    if impls is None or not callable(getattr(mod, "measure", None)):
        raise ImportError(f"{mod.__name__} has no measure()/_measure_impls: unsupported NASLib version")
    for name in measure_names():
        if name not in impls:
            # bn=True: BatchNorm stays as it is (SWAP sees the network as built);
            # copy_net=True: NASLib scores a deep copy moved to ZeroCost.device
            mod.measure(name, bn=True, copy_net=True)(naslib_measure(name))
    _registered[mod.__name__] = dict(REGISTRY_MODULES).get(mod.__name__, "?")
    return mod.__name__


def is_registered() -> bool:
    """Whether NASLib (already imported) has every measure of :func:`measure_names`."""
    import sys

    names = measure_names()
    for mod_name, _ in REGISTRY_MODULES:
        mod = sys.modules.get(mod_name)
        if mod is not None and all(n in getattr(mod, "_measure_impls", {}) for n in names):
            return True
    return False
