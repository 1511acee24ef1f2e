"""The search-space protocol every space implements, and the space registry.

An architecture (``arch``) is always an immutable, hashable value: the space's
NASLib compact encoding as nested tuples of plain ``int`` (never numpy ints), so it
can be a dict key, a JSON value and ``str()``-matched against NB-Suite-Zero keys.
The evolution code and the studies see only this protocol.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, Dict, Hashable, Iterator, Optional, Type

import numpy as np
import torch.nn as nn

Arch = Hashable


class SearchSpace(ABC):
    """One benchmark search space (NB201, NB101, DARTS, ...)."""

    #: registry name, e.g. "nb201"
    name: str = ""
    #: datasets / tasks this space can build networks for
    datasets: tuple = ()

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
        """Inverse of :meth:`encode`; accepts lists / numpy ints and normalises."""
        return to_plain(encoding)

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


_SPACES: Dict[str, Callable[..., SearchSpace]] = {}


def register_space(name: str) -> Callable[[Type[SearchSpace]], Type[SearchSpace]]:
    """Class decorator: ``@register_space("nb201")``."""

    def deco(cls):
        if name in _SPACES:
            raise ValueError(f"search space {name!r} is registered twice")
        cls.name = name
        _SPACES[name] = cls
        return cls

    return deco


def get_space(name: str, **kwargs: Any) -> SearchSpace:
    """Instantiate a registered space by name: ``get_space("nb201")``."""
    from . import _load_all  # noqa: F401  (imports every space module once)

    _load_all()
    try:
        cls = _SPACES[name]
    except KeyError:
        raise ValueError(
            f"unknown search space {name!r}; choose one of {sorted(_SPACES)}"
        ) from None
    return cls(**kwargs)


def list_spaces() -> list:
    from . import _load_all

    _load_all()
    return sorted(_SPACES)
