"""The search-space protocol every space implements, and the space registry.

An architecture (``arch``) is always an immutable, hashable value: the space's
NASLib compact encoding as nested tuples of plain ``int`` (never numpy ints), so it
can be a dict key, a JSON value and ``str()``-matched against NB-Suite-Zero keys.
The evolution code and the studies see only this protocol.

A space owns everything about its names: the names it answers to (``aliases``), its
NASLib name, the paper's μ/σ for it, the label of its figures, and :meth:`decode` of every
form of an arch it accepts. Adding a space is one file with one ``@register_space``
class (in this package, or outside it as a plugin: :mod:`swap_plugin.plugins`).
"""
from __future__ import annotations

import ast
import re
from abc import ABC, abstractmethod
from typing import Any, Callable, Dict, Hashable, Iterator, List, Mapping, Optional, Tuple, Type

import numpy as np
import torch.nn as nn

from ..plugins import load_env_plugins

Arch = Hashable


class SearchSpace(ABC):
    """One benchmark search space (NB201, NB101, DARTS, ...)."""

    #: registry name, e.g. "nb201"
    name: str = ""
    #: datasets / tasks this space can build networks for (canonical names)
    datasets: tuple = ()
    #: other names this space answers to (NASLib's, spelled out); a name two spaces claim
    #: is ambiguous and names neither
    aliases: tuple = ()
    #: NASLib's / NAS-Bench-Suite-Zero's name of the benchmark (``graph.get_type()``,
    #: ``zc_<naslib_name>.json``); None where NASLib has none
    naslib_name: Optional[str] = None
    #: other names NASLib's files give this space's benchmark (read from NASLib results only)
    naslib_aliases: tuple = ()
    #: the paper's μ, σ in millions of parameters; None where the paper gives none
    paper_mu_sigma: Optional[Tuple[float, float]] = None
    #: short label for figures (default: the name)
    label: str = ""
    #: dataset names only this space's benchmark uses -> canonical dataset
    dataset_aliases: Mapping[str, str] = {}

    @abstractmethod
    def sample(self, rng: np.random.Generator) -> Arch:
        """A uniformly random valid architecture."""

    @abstractmethod
    def mutate(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """One random mutation; always returns a valid architecture != arch."""

    @abstractmethod
    def crossover(self, a: Arch, b: Arch, rng: np.random.Generator) -> Arch:
        """A valid child combining parts of ``a`` and ``b``."""

    @abstractmethod
    def build(self, arch: Arch, dataset: str, **kwargs: Any) -> nn.Module:
        """The untrained network the benchmark trained for this arch and dataset."""

    def encode(self, arch: Arch) -> Arch:
        """NASLib compact encoding (the arch itself by convention)."""
        return arch

    def decode(self, encoding: Any) -> Arch:
        """Any form of an arch this space accepts -> its canonical form: the compact
        encoding as lists, numpy arrays or ints, integral floats, the NASLib tuple string
        (numpy-2 reprs such as ``np.int64(3)`` included), or the benchmark's own string
        (:meth:`from_str`)."""
        if isinstance(encoding, str):
            text = strip_numpy_repr(encoding.strip())
            if text[:1] in ("(", "["):
                return self.decode_value(parse_literal(text))
            return self.from_str(text)
        return self.decode_value(encoding)

    def decode_value(self, value: Any) -> Arch:
        """A non-string form (numpy, lists, integral floats, structured forms) -> canonical."""
        return integral(value)

    def zc_key(self, arch: Arch) -> str:
        """The key of ``arch`` in NAS-Bench-Suite-Zero json files (``str(arch.get_hash())``
        in NASLib)."""
        return str(self.decode(arch))

    @classmethod
    def dataset(cls, name: str) -> str:
        """The canonical name of dataset / task ``name`` for this space (the aliases of
        :func:`swap_plugin.data.canonical_dataset` and :attr:`dataset_aliases`); a ValueError
        naming the space's datasets otherwise."""
        from ..data import canonical_dataset

        if name in cls.datasets:
            return name
        own = {k.lower(): v for k, v in cls.dataset_aliases.items()}.get(str(name).strip().lower())
        found = own or canonical_dataset(name, among=cls.datasets, strict=False)
        if found in cls.datasets:
            return found
        raise ValueError(f"search space {cls.name!r} has no dataset {name!r}; its datasets: {list(cls.datasets)}")

    def hash(self, arch: Arch) -> str:
        """Stable string key (isomorphism-aware where the benchmark is)."""
        return str(to_plain(arch))

    def to_str(self, arch: Arch) -> str:
        """The benchmark's own string form (NB201 arch_str, DARTS Genotype, ...)."""
        return str(arch)

    def from_str(self, text: str) -> Arch:
        """Parse the benchmark's own string form (and the NASLib tuple string)."""
        raise NotImplementedError(f"{self.name}: from_str is not supported")

    def __iter__(self) -> Iterator[Arch]:
        raise TypeError(f"search space {self.name!r} is not enumerable")

    def input_side(self, dataset: str) -> Optional[int]:
        """Side (pixels) of the images the benchmark fed its networks on ``dataset``;
        None: the dataset's own images as they are (CIFAR 32, ImageNet16-120 16)."""
        return None

    def num_params(self, arch: Arch, dataset: str, *, unit: str = "M") -> float:
        from ..metric.params import count_parameters

        return count_parameters(self.build(arch, dataset), unit=unit)


_NP_SCALAR = re.compile(r"np\.(?:u?int\d*|float\d*|bool_?)\(\s*([^()]*?)\s*\)")


def strip_numpy_repr(text: str) -> str:
    """``'(np.int64(3), np.int64(0))'`` -> ``'(3, 0)'`` (numpy-2 reprs in older keys)."""
    return _NP_SCALAR.sub(r"\1", text)


def parse_literal(text: str) -> Any:
    """A Python literal (tuple / list string) of an arch; ValueError naming the text."""
    try:
        return ast.literal_eval(strip_numpy_repr(text.strip()))
    except (ValueError, SyntaxError):
        raise ValueError(f"cannot parse an arch from {text[:120]!r}") from None


def integral(x: Any) -> Any:
    """:func:`to_plain`, and integral floats (``2.0``) made ints: benchmark files have
    always been read that way. Other objects (dicts, named tuples) pass unchanged."""
    t = type(x)
    if t is int:
        return x
    if t is tuple or t is list:
        return tuple(integral(v) for v in x)
    if t is np.ndarray:
        return integral(x.tolist())
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, (float, np.floating)):
        f = float(x)
        return int(f) if f.is_integer() else f
    return x


def to_plain(x: Any) -> Any:
    """Nested lists/tuples/numpy scalars -> nested tuples of plain int/float/str."""
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return tuple(to_plain(v) for v in x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    return x


_SPACES: Dict[str, Type[SearchSpace]] = {}


def register_space(name: str) -> Callable[[Type[SearchSpace]], Type[SearchSpace]]:
    """Class decorator: ``@register_space("nb201")``."""

    def deco(cls):
        if name in _SPACES:
            raise ValueError(f"search space {name!r} is registered twice ({_SPACES[name].__module__} and "
                             f"{cls.__module__}): pick another name")
        # names are the class's own, never a parent space's
        cls.aliases = tuple(cls.__dict__.get("aliases", ()))
        cls.naslib_aliases = tuple(cls.__dict__.get("naslib_aliases", ()))
        cls.label = cls.__dict__.get("label") or name
        taken = [a for a in cls.aliases if a.lower() in _SPACES or a.lower() == name]
        if taken:
            raise ValueError(f"search space {name!r}: alias(es) {taken} are names of registered spaces")
        if any(name in {a.lower() for a in c.aliases} for c in _SPACES.values()):
            raise ValueError(f"search space {name!r}: that name is an alias of a registered space")
        cls.name = name
        _SPACES[name] = cls
        return cls

    return deco


def _registry() -> Dict[str, Type[SearchSpace]]:
    load_env_plugins()
    return _SPACES


def _claims(name: str, naslib: bool) -> List[str]:
    """The spaces that answer to ``name`` (lower case) as an alias (or a NASLib name)."""
    out = []
    for sp, cls in _registry().items():
        names = {a.lower() for a in cls.aliases}
        if naslib:
            names |= {a.lower() for a in cls.naslib_aliases}
        if name in names:
            out.append(sp)
    return out


def canonical_space(name: str, *, naslib: bool = False) -> str:
    """The registered name of space ``name`` (a registered name or an alias, any case:
    ``"nasbench201"`` -> ``"nb201"``); a ValueError listing the spaces otherwise, or saying
    which spaces an ambiguous name could be. ``naslib=True`` reads a name from NASLib's
    files, where NASLib's names of a benchmark win (NASLib calls NB301 ``darts`` too)."""
    reg = _registry()
    if not naslib and name in reg:  # a registered name is never another space's alias
        return name
    key = str(name).strip().lower()
    claims = _claims(key, naslib)
    if naslib and len(claims) == 1:
        return claims[0]
    if key in reg:
        return key
    if len(claims) == 1:
        return claims[0]
    if claims:
        raise ValueError(f"search space {name!r} is ambiguous: use {' or '.join(repr(c) for c in claims)}")
    aliases = sorted({a for cls in reg.values() for a in cls.aliases})
    raise ValueError(f"unknown search space {name!r}; choose one of {sorted(reg)} (aliases: {aliases})")


def space_class(name: str) -> Type[SearchSpace]:
    """The registered class of space ``name`` (or an alias of it)."""
    return _registry()[canonical_space(name)]


def get_space(name: str, **kwargs: Any) -> SearchSpace:
    """Instantiate a registered space by name or alias: ``get_space("nb201")``."""
    try:
        cls = space_class(name)
    except ValueError as err:
        if "ambiguous" in str(err):
            raise
        raise ValueError(f"unknown search space {name!r}; choose one of {sorted(_registry())}") from None
    return cls(**kwargs)


def list_spaces() -> list:
    return sorted(_registry())


def space_for_naslib(name: Optional[str]) -> Optional[str]:
    """The space of a NASLib search-space name (``graph.get_type()``: ``"nasbench201"``),
    None when no registered space has it."""
    if not name:
        return None
    try:
        return canonical_space(name, naslib=True)
    except ValueError:
        return None


def paper_presets() -> Dict[str, float]:
    """``{space: the paper's μ (= σ), millions}`` for the spaces the paper gives one for."""
    return {n: cls.paper_mu_sigma[0] for n, cls in _registry().items() if cls.paper_mu_sigma}
