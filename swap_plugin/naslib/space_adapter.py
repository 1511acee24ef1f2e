"""A NASLib search-space graph seen through swap_plugin's search-space protocol.

:class:`swap_plugin.search.Evolution` needs ``sample(rng)``, ``mutate(arch, rng)``,
``crossover(a, b, rng)``, ``hash(arch)`` and ``decode(encoded)``.
:class:`NaslibSpaceAdapter` provides them for any NASLib graph (``NasBench201SearchSpace``,
``NasBench301SearchSpace``, ``NasBench101SearchSpace``, TransNAS-Bench-101, ...):

* an *arch* is the graph's ``get_hash()`` (NB201/TNB101: op-index tuple, NB301: compact,
  NB101: NASLib's spec tuple) as nested tuples of plain ``int`` — hashable, JSON-able and
  ``str()``-equal to NAS-Bench-Suite-Zero keys;
* ``sample`` = ``graph.clone(); sample_random_architecture(dataset_api=...)`` and
  ``mutate`` = NASLib's own ``child.mutate(parent, dataset_api=...)``. NASLib draws from
  the global ``numpy.random`` / ``random`` state; the adapter seeds both from the
  ``rng`` it is given first, so a search is reproducible from its seed;
* ``crossover``: NASLib spaces have none.
  - ``nasbench201`` and ``transbench101_micro`` (one op per cell edge): uniform per
    edge — each position of the op tuple comes from either parent with prob. 1/2;
  - ``nasbench301``: SWAP-NAS's crossover (paper Fig. 14) as in
    :class:`swap_plugin.spaces.darts.DartsSpace`: one node of one cell takes both
    incoming edges from the other parent;
  - every other space: a mutation of the first (fitter) parent — ``Evolution`` passes
    the better of the two as ``a`` — so the step stays an evolutionary move;
* ``to_graph(arch)``: a fresh clone with ``set_spec(arch)`` and ``parse()`` — a
  network NASLib's ``ZeroCost(...).query(graph, loader)`` and ``graph.query`` accept.

Nothing here imports NASLib; the graph is duck-typed, which is how the tests cover
it without NASLib.
"""
from __future__ import annotations

import random
from typing import Any, Optional

import numpy as np

from ..spaces.base import to_plain

#: spaces whose arch is one op index per cell edge: uniform crossover per edge
UNIFORM_CROSSOVER_SPACES = ("nasbench201", "transbench101_micro")
#: spaces with SWAP-NAS's node crossover (our DARTS space implements it)
NODE_CROSSOVER_SPACES = ("nasbench301",)
#: how many NASLib mutations to try before accepting one that equals its parent
MAX_MUTATION_TRIES = 20


def seed_naslib_rng(rng: np.random.Generator) -> int:
    """Seed ``numpy.random`` and ``random`` (what NASLib samples with) from ``rng``."""
    s = int(rng.integers(0, 2 ** 31 - 1))
    np.random.seed(s)
    random.seed(s)
    return s


class NaslibSpaceAdapter:
    """``Evolution``'s space protocol on top of a NASLib search-space graph.

    ``graph``: an unsampled NASLib search space (it is cloned, never changed).
    ``dataset_api``: passed to NASLib's sample / mutate / set_spec (None where the
    space does not need one, e.g. NB201).
    """

    def __init__(self, graph, dataset_api: Optional[dict] = None):
        self.graph = graph
        self.dataset_api = dataset_api
        get_type = getattr(graph, "get_type", None)
        self.space_type = get_type() if callable(get_type) else None
        self.name = f"naslib:{self.space_type}"
        self._node_space = None

    # ---- arch <-> graph ----------------------------------------------------------
    def arch_of(self, graph) -> Any:
        """The plain-int nested-tuple arch of a sampled NASLib graph."""
        return to_plain(graph.get_hash())

    def decode(self, encoded: Any) -> Any:
        """JSON lists / numpy ints / a tuple string -> the arch (nested tuples of int)."""
        if isinstance(encoded, str):
            import ast

            encoded = ast.literal_eval(encoded.strip())
        return to_plain(encoded)

    def encode(self, arch: Any) -> Any:
        return to_plain(arch)

    def hash(self, arch: Any) -> str:
        return str(to_plain(arch))

    def to_graph(self, arch: Any, parse: bool = True, instantiate_model: Optional[bool] = None):
        """A fresh NASLib graph with ``set_spec(arch)``; parsed unless ``parse=False``.

        ``instantiate_model=False`` gives a cheap graph that only knows its spec (enough
        for ``mutate``'s parent and for ``query``); None keeps the graph's own setting.
        """
        g = self.graph.clone()
        if instantiate_model is not None and hasattr(g, "instantiate_model"):
            g.instantiate_model = instantiate_model
        g.set_spec(self.decode(arch), dataset_api=self.dataset_api)
        if parse and getattr(g, "instantiate_model", True):
            g.parse()
        return g

    # ---- the protocol ---------------------------------------------------------------
    def sample(self, rng: np.random.Generator) -> Any:
        g = self.graph.clone()
        seed_naslib_rng(rng)
        g.sample_random_architecture(dataset_api=self.dataset_api)
        return self.arch_of(g)

    def mutate(self, arch: Any, rng: np.random.Generator) -> Any:
        """NASLib's mutation of ``arch``; retried (up to 20 times) until the child differs."""
        arch = self.decode(arch)
        parent = self.to_graph(arch, parse=False, instantiate_model=False)
        child_arch = arch
        for _ in range(MAX_MUTATION_TRIES):
            child = self.graph.clone()
            seed_naslib_rng(rng)
            child.mutate(parent, dataset_api=self.dataset_api)
            child_arch = self.arch_of(child)
            if child_arch != arch:
                break
        return child_arch

    def crossover(self, a: Any, b: Any, rng: np.random.Generator) -> Any:
        a, b = self.decode(a), self.decode(b)
        if self.space_type in UNIFORM_CROSSOVER_SPACES:
            if len(a) != len(b):
                raise ValueError(f"parents of different length: {a!r} / {b!r}")
            return tuple(y if rng.random() < 0.5 else x for x, y in zip(a, b))
        if self.space_type in NODE_CROSSOVER_SPACES:
            return to_plain(self._darts().crossover(a, b, rng))
        return self.mutate(a, rng)  # documented fallback: no crossover for this space

    def _darts(self):
        if self._node_space is None:
            from ..spaces import get_space

            self._node_space = get_space("nb301")
        return self._node_space

    def __repr__(self) -> str:
        return f"NaslibSpaceAdapter({self.space_type!r})"
