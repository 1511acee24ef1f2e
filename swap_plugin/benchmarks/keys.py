"""Arch normalisation and NB-Suite-Zero key strings for every benchmark file.

Every provider stores and returns archs in one *canonical* form per space: the NASLib
compact encoding as nested tuples of plain ``int`` (see ``swap_plugin/spaces/base.py``).
:func:`normalise_arch` turns anything a user may hold into that form: numpy arrays /
numpy ints, lists, the NASLib tuple string (also with numpy-2 ``np.int64(3)`` reprs),
and each benchmark's own string (NB201 ``arch_str``, DARTS ``Genotype(...)``,
TransNAS-Bench ``64-41414-1_23_...`` / ``64-1234-basic``), NB101 ``{matrix, ops}``.

Canonical forms:

* ``nb201``        6-tuple, ops 0 skip, 1 none, 2 conv3x3, 3 conv1x1, 4 avgpool.
* ``nb101``        56-tuple: 49 flattened 7x7 adjacency + 7 op indices (0 input,
                   1 output, 2 maxpool3x3, 3 conv1x1, 4 conv3x3). A pruned spec with
                   V < 7 vertices is padded exactly like NASLib's
                   ``NasBench101SearchSpace.convert_to_cell``: the first V-1 vertices keep
                   their rows/columns, the output moves to vertex 6, the padding vertices
                   are isolated ``conv3x3-bn-relu`` (op 4). Different 56-tuples can be the
                   same network; :func:`nb101_hash` is the benchmark's isomorphism-invariant
                   graph hash (NAS-Bench-101 ``ModelSpec.hash_spec``, reproduced exactly).
* ``nb301`` / ``darts`` / ``darts_swap``
                   ``(normal, reduce)``, each 8 ``(input_node, op)`` pairs; ops 0 max_pool,
                   1 avg_pool, 2 skip, 3 sep3, 4 sep5, 5 dil3, 6 dil5, and **7 none** (this
                   project's extension, used only by the SWAP DARTS csv).
* ``tnb101_micro`` 6-tuple, ops 0 none, 1 skip, 2 conv1x1, 3 conv3x3.
* ``tnb101_macro`` 6-tuple of the macro op codes 1..4, right-padded with 0 to length 6
                   (NASLib's ``get_hash``); unpadded 4/5-tuples are accepted. Only the
                   3,256 benchmark skeletons pass (1-4 downsampling, 1-3 width-doubling
                   modules: ``spaces.tnb101.check_macro``).

The encodings themselves live in ``swap_plugin/spaces`` (nb201, nb101, darts, tnb101);
this module only dispatches to them (benchmarks -> spaces, never the reverse).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..spaces import darts as _darts
from ..spaces import nb101 as _nb101
from ..spaces import nb201 as _nb201
from ..spaces import tnb101 as _tnb101
from ..spaces.base import _registry as _space_registry
from ..spaces.base import canonical_space, to_plain

# ------------------------------------------------------------------ spaces
# Space names, aliases and NASLib names belong to the spaces (swap_plugin.spaces):
# canonical_space() is the registry's; the tables below are derived from it.


def naslib_name(space: str) -> str:
    """The NASLib / NB-Suite-Zero search-space name of ``space`` (``"nasbench201"``)."""
    cls = _space_registry()[canonical_space(space)]
    if not cls.naslib_name:
        raise ValueError(f"search space {cls.name!r} has no NASLib name")
    return cls.naslib_name


def _derived(attr: str) -> Dict[str, Any]:
    return {n: getattr(c, attr) for n, c in _space_registry().items() if getattr(c, attr)}


#: canonical space -> its aliases (the registry's, at import)
SPACE_ALIASES: Dict[str, Tuple[str, ...]] = {n: (n, *c.aliases) for n, c in _space_registry().items()}
#: canonical space -> the NASLib / NB-Suite-Zero search-space name (``zc_<name>.json``), at import
NASLIB_SPACE_NAMES: Dict[str, str] = _derived("naslib_name")
#: spaces sharing the DARTS compact encoding
DARTS_SPACES = tuple(n for n, c in _space_registry().items() if issubclass(c, _darts.DartsSpace))


def naslib_zc_filename(space: str) -> str:
    """The file name NASLib's ``get_zc_benchmark_api`` reads: ``zc_nasbench201.json``..."""
    return f"zc_{naslib_name(space)}.json"


@lru_cache(maxsize=None)
def _space(name: str, registered: int):
    from ..spaces import get_space

    return get_space(name)


def space_of(space: str):
    """The (shared) instance of registered space ``space`` that parses its archs."""
    return _space(canonical_space(space), len(_space_registry()))


# ------------------------------------------------------------------ NB201
# (encoding owned by swap_plugin/spaces/nb201.py)
NB201_OPS = _nb201.OPS
NB201_EDGES = _nb201.EDGES


def nb201_to_str(arch: Sequence[int]) -> str:
    """6-tuple -> NB201 ``|a~0|+|b~0|d~1|+|c~0|e~1|f~2|`` (NASLib convert_op_indices_to_str)."""
    return _nb201.arch_to_str(normalise_arch("nb201", arch))


def nb201_from_str(text: str) -> Tuple[int, ...]:
    """NB201 arch_str (or a tuple string) -> 6-tuple."""
    return _nb201.str_to_arch(text)


# ------------------------------------------------------------------ NB101
# (encoding, pruning and graph hash owned by swap_plugin/spaces/nb101.py)
NB101_OPS = _nb101.OPS
NB101_CANONICAL_OPS = _nb101.CANONICAL_OPS


def nb101_from_spec(matrix: Any, ops: Sequence[Any]) -> Tuple[int, ...]:
    """(V x V adjacency, V ops) -> 56-tuple, padded as NASLib's ``convert_to_cell``."""
    return space_of("nb101").decode_value({"matrix": matrix, "ops": ops})


def nb101_to_spec(arch: Sequence[int]) -> Tuple[np.ndarray, List[str]]:
    """56-tuple -> (7x7 matrix, 7 op names), unpruned."""
    return _nb101.to_spec(normalise_arch("nb101", arch))


def nb101_prune(matrix: np.ndarray, ops: Sequence[str]) -> Tuple[Optional[np.ndarray], Optional[list]]:
    """NAS-Bench-101 ``ModelSpec._prune``: drop vertices not on an input->output path.
    Returns (None, None) when the input cannot reach the output."""
    pruned = _nb101.prune(nb101_from_spec(matrix, ops))
    return (None, None) if pruned is None else pruned


def nb101_hash(arch: Any) -> Optional[str]:
    """The NAS-Bench-101 module hash (the key of ``nasbench_only108.pkl``) of any NB101
    form; None for a spec whose input does not reach its output."""
    return _nb101_hash(normalise_arch("nb101", arch))


@lru_cache(maxsize=1 << 16)
def _nb101_hash(arch: Tuple[int, ...]) -> Optional[str]:
    if _nb101.prune(arch) is None:
        return None
    return _nb101.graph_hash(arch)


# ------------------------------------------------------------------ DARTS / NB301
# (encoding owned by swap_plugin/spaces/darts.py)
DARTS_OPS = _darts.OP_NAMES
#: compact op index of ``none`` (outside NB301; only the SWAP DARTS csv uses it)
DARTS_NONE = _darts.NONE_IDX


def darts_from_genotype(genotype: Any) -> Tuple[Tuple[Tuple[int, int], ...], ...]:
    """A DARTS Genotype (object, string or ``{"normal": [[op, input], ...]}``) -> compact."""
    if isinstance(genotype, str):
        return _darts.genotype_to_compact(_darts.parse_genotype(genotype))
    return space_of("darts").decode_value(genotype)


def darts_to_genotype_str(arch: Any) -> str:
    """compact -> ``Genotype(normal=[('op', input), ...], normal_concat=[2, 3, 4, 5], ...)``."""
    return _darts.genotype_to_str(_darts.compact_to_genotype(normalise_arch("darts", arch)))


# ------------------------------------------------------------------ TransNAS-Bench-101
def tnb101_to_str(space: str, arch: Any) -> str:
    """The TransNAS-Bench-101 API string (NASLib convert_op_indices_m*_to_str)."""
    sp = space_of(space)
    if not isinstance(sp, _tnb101._TNB101Space):
        raise ValueError(f"{space!r} is not a TransNAS-Bench-101 space")
    return sp.to_str(sp.decode(arch))


# ------------------------------------------------------------------ entry points
def normalise_arch(space: str, arch: Any) -> Any:
    """Any supported form of an arch -> the canonical nested tuple of plain ints
    (the space's :meth:`~swap_plugin.spaces.SearchSpace.decode`)."""
    return space_of(space).decode(arch)


def zc_key(space: str, arch: Any) -> str:
    """The NB-Suite-Zero json key NASLib looks up with ``str(arch.get_hash())``
    (the space's :meth:`~swap_plugin.spaces.SearchSpace.zc_key`)."""
    return space_of(space).zc_key(arch)


def arch_label(arch: Any) -> str:
    """A short printable form of whatever the caller passed (for error messages)."""
    try:
        text = str(to_plain(arch)) if not isinstance(arch, str) else arch
    except Exception:  # noqa: BLE001
        text = repr(arch)
    return text if len(text) <= 200 else text[:197] + "..."
