"""The proxy registry: every training-free proxy this project computes, by name.

A registered proxy is a function ``f(model, inputs, **ctx) -> float`` (higher is better
unless registered otherwise) that never changes the model, plus what a caller must know
to use it::

    from swap_plugin.proxies import register_proxy

    @register_proxy("my_proxy")
    def my_proxy(model, inputs, **ctx):
        return float(...)

That is all a new proxy needs: ``swap-nas correlate --proxies my_proxy``, the heatmap and
the NASLib measures (``ZeroCost(method_type="my_proxy")``) look it up here. A proxy
defined outside the package is loaded as a plugin (:mod:`swap_plugin.plugins`).

``ctx`` holds what the caller knows; a proxy takes what it needs and ignores the rest:

* ``scorer`` -- the :class:`~swap_plugin.metric.SwapScorer` of the run (its repeats,
  init, mode, μ/σ); ``score`` -- that scorer's result on this model, when already computed;
* ``targets`` -- the labels of ``inputs`` (only NASLib's loaders have them: a proxy that
  needs them is registered with ``needs_labels=True`` and studies refuse it);
* ``blocks`` -- the modules whose outputs are the block features (``needs_blocks=True``);
* ``mu``, ``sigma``, ``formula``, ``size_unit`` -- the size prior of Ψ';
* ``space``, ``dataset``, ``arch`` -- what the network is, where known.

Some proxies are defined over a set of archs, not one network: the rank ensemble, Ψ' with
μ/σ from the sample's sizes. They register ``over_set(values, **ctx) -> [float]`` and the
names whose per-arch values it reads (``needs``, themselves registered proxies); a study
computes those per arch and calls ``over_set`` on the whole sample.

Values read from a benchmark file (NB-Suite-Zero's stored ``synflow``, ``nwot``, ...) are
not proxies of this registry: they are named ``zc:<name>`` (:func:`resolve_name`), so a
stored value and one this package computes never share a name.
"""
from __future__ import annotations

import inspect
import sys
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from ..plugins import load_env_plugins

#: prefix of a value read from the ground-truth file instead of computed
STORED_PREFIX = "zc:"

#: the names a study computed before the registry existed: an older study tree's file
#: with another bare name holds a stored value (:func:`name_in_file`)
COMPUTED_BEFORE_REGISTRY = ("swap", "reg_swap", "reg_swap_auto", "params", "flops",
                            "activation_patterns", "swap_ensemble")


@dataclass(frozen=True)
class Proxy:
    """One registered proxy (see the module docstring for the contract)."""

    name: str
    compute: Optional[Callable[..., float]]        # f(model, inputs, **ctx) -> float
    over_set: Optional[Callable[..., Sequence[float]]] = None  # f(values, **ctx) -> one value per arch
    needs: Tuple[str, ...] = ()                    # proxies whose per-arch values over_set reads
    needs_labels: bool = False
    needs_blocks: bool = False
    higher_is_better: bool = True
    family: str = ""                               # "swap": this paper's proxies (drawn bold)
    description: str = ""
    module: str = field(default="", compare=False)  # where it is defined: module, or plugin file

    @property
    def per_arch(self) -> bool:
        """Whether its value is a function of one network (else of the whole sample)."""
        return self.over_set is None

    def __call__(self, model, inputs, **ctx) -> float:
        """The value of ``model`` on ``inputs``; ``ctx`` keys the function does not take
        are left out, so ``f(model, inputs)`` or ``f(model, inputs, blocks=None)`` register
        as they are."""
        if self.compute is None:
            raise TypeError(f"proxy {self.name!r} is defined over a set of archs, not one network: "
                            f"use its over_set on the values of {list(self.needs)}")
        return float(self.compute(model, inputs, **_taken(self.compute, ctx)))


_PROXIES: Dict[str, Proxy] = {}


def _taken(fn, ctx: dict) -> dict:
    """The part of ``ctx`` that ``fn`` accepts (all of it with ``**kwargs``)."""
    if not ctx:
        return ctx
    names = _keywords(fn)
    return ctx if names is None else {k: v for k, v in ctx.items() if k in names}


@lru_cache(maxsize=None)
def _keywords(fn) -> Optional[frozenset]:
    params = list(inspect.signature(fn).parameters.values())[2:]
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    return frozenset(p.name for p in params if p.kind in (inspect.Parameter.KEYWORD_ONLY,
                                                         inspect.Parameter.POSITIONAL_OR_KEYWORD))


def register_proxy(name: str, *, over_set: Optional[Callable[..., Sequence[float]]] = None,
                   needs: Sequence[str] = (), needs_labels: bool = False, needs_blocks: bool = False,
                   higher_is_better: bool = True, family: str = "", description: str = ""):
    """Decorator: register ``f(model, inputs, **ctx) -> float`` as proxy ``name``.

    With ``over_set`` (and ``needs``) the proxy is a function of the whole sample and the
    decorated function its per-network form, for callers that have one network (NASLib).
    :func:`register_set_proxy` registers a proxy that has only the set form."""

    def deco(fn):
        _add(name, fn, over_set, needs, needs_labels, needs_blocks, higher_is_better, family, description, fn)
        return fn

    return deco


def register_set_proxy(name: str, *, needs: Sequence[str], higher_is_better: bool = True,
                       family: str = "", description: str = ""):
    """Decorator: register ``f(values, **ctx) -> [one value per arch]`` as proxy ``name``,
    defined over a sample of archs; ``values`` maps each name of ``needs`` to its values
    over the sample."""

    def deco(fn):
        _add(name, None, fn, needs, False, False, higher_is_better, family, description, fn)
        return fn

    return deco


def _add(name, compute, over_set, needs, needs_labels, needs_blocks, higher_is_better, family,
         description, source) -> None:
    if not isinstance(name, str) or not name or name.startswith(STORED_PREFIX) or any(c.isspace() for c in name):
        raise ValueError(f"a proxy name is a non-empty word without spaces that does not start with "
                         f"{STORED_PREFIX!r} (those name stored values), got {name!r}")
    if (over_set is None) != (not needs):
        raise ValueError(f"proxy {name!r}: a set proxy gives over_set and the names it reads (needs=); "
                         "a per-network proxy gives neither")
    module = getattr(source, "__module__", "?")
    module = getattr(sys.modules.get(module), "__swap_plugin_file__", module)  # a plugin file: its path
    if name in _PROXIES:
        raise ValueError(f"proxy {name!r} is registered twice ({_PROXIES[name].module} and {module}): "
                         "pick another name")
    doc = description or (source.__doc__ or "").strip().split("\n")[0]
    _PROXIES[name] = Proxy(name=name, compute=compute, over_set=over_set, needs=tuple(needs),
                           needs_labels=needs_labels, needs_blocks=needs_blocks,
                           higher_is_better=higher_is_better, family=family, description=doc, module=module)


def _registry() -> Dict[str, Proxy]:
    load_env_plugins()
    return _PROXIES


def get_proxy(name: str) -> Proxy:
    """The registered proxy ``name``; a ValueError listing the registered ones otherwise."""
    reg = _registry()
    try:
        return reg[name]
    except KeyError:
        raise ValueError(f"unknown proxy {name!r}; registered proxies: {', '.join(reg)} (values stored in a "
                         f"benchmark file are named {STORED_PREFIX}<name>, e.g. {STORED_PREFIX}nwot; your own "
                         "proxy: a module with @register_proxy, loaded with --plugin or SWAP_PLUGINS)") from None


def list_proxies(*, family: Optional[str] = None, per_arch: Optional[bool] = None) -> List[str]:
    """Registered proxy names in registration order, optionally filtered."""
    return [n for n, p in _registry().items()
            if (family is None or p.family == family) and (per_arch is None or p.per_arch == per_arch)]


def is_registered(name: str) -> bool:
    return name in _registry()


def is_stored(name: str) -> bool:
    """Whether ``name`` names a value read from a benchmark file (``zc:<name>``)."""
    return isinstance(name, str) and name.startswith(STORED_PREFIX)


def stored_key(name: str) -> str:
    """``"zc:synflow"`` -> ``"synflow"`` (the key in the file)."""
    return name[len(STORED_PREFIX):] if is_stored(name) else name


def resolve_name(name: str, *, where: str = "proxies") -> str:
    """A proxy name as a study records it: a registered name as is, ``zc:<name>`` as is,
    and (deprecated) a bare name that is not registered as ``zc:<name>``, with a
    FutureWarning: before the registry, bare names fell through to the stored values."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: a proxy name must be a non-empty string, got {name!r}")
    if is_stored(name):
        if not stored_key(name):
            raise ValueError(f"{where}: {name!r} names no stored value; write {STORED_PREFIX}<name>, "
                             f"e.g. {STORED_PREFIX}nwot")
        return name
    if is_registered(name):
        return name
    warnings.warn(f"{where}: {name!r} is not a registered proxy; reading the value stored in the benchmark "
                  f"file as before, but that bare name is deprecated: write {STORED_PREFIX}{name} "
                  f"(registered proxies: {', '.join(list_proxies())})", FutureWarning, stacklevel=3)
    return STORED_PREFIX + name


def per_arch_names(names: Iterable[str]) -> List[str]:
    """The registered per-arch proxies whose values ``names`` need (their ``needs``,
    followed through set proxies), in registry order; stored names need none."""
    want: set = set()

    def add(n: str, chain: Tuple[str, ...]) -> None:
        if n in chain:
            raise ValueError(f"proxy {n!r} needs itself: {' -> '.join(chain + (n,))}")
        p = get_proxy(n)
        if p.per_arch:
            want.add(n)
        for m in p.needs:
            add(m, chain + (n,))

    for n in names:
        if not is_stored(n):
            add(n, ())
    return [n for n in _registry() if n in want]


def name_in_file(conf: dict, predictor: str) -> str:
    """The proxy name a ``scores.json`` stands for. A file this package's studies wrote
    before the registry (it has ``mu_used`` but no ``values_from``) used bare names for
    the stored values too: those read as ``zc:<name>``."""
    if (isinstance(conf, dict) and "mu_used" in conf and "values_from" not in conf
            and predictor not in COMPUTED_BEFORE_REGISTRY and not is_stored(predictor)):
        return STORED_PREFIX + predictor
    return predictor
