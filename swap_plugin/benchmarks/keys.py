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

import ast
import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..spaces import darts as _darts
from ..spaces import nb101 as _nb101
from ..spaces import nb201 as _nb201
from ..spaces import tnb101 as _tnb101
from ..spaces.base import to_plain

# ------------------------------------------------------------------ spaces
#: canonical space name -> its aliases (NASLib names included)
SPACE_ALIASES: Dict[str, Tuple[str, ...]] = {
    "nb201": ("nb201", "nasbench201", "nas-bench-201", "nats_tss", "nats-tss"),
    "nb101": ("nb101", "nasbench101", "nas-bench-101"),
    "nb301": ("nb301", "nasbench301", "nas-bench-301"),
    "darts": ("darts",),
    "darts_swap": ("darts_swap", "swap_darts"),
    "tnb101_micro": ("tnb101_micro", "transbench101_micro", "tnb101-micro"),
    "tnb101_macro": ("tnb101_macro", "transbench101_macro", "tnb101-macro"),
}
#: spaces sharing the DARTS compact encoding
DARTS_SPACES = ("nb301", "darts", "darts_swap")
#: canonical space -> the NASLib / NB-Suite-Zero search-space name (``zc_<name>.json``)
NASLIB_SPACE_NAMES = {
    "nb201": "nasbench201", "nb101": "nasbench101", "nb301": "nasbench301",
    "darts": "nasbench301", "darts_swap": "nasbench301",
    "tnb101_micro": "transbench101_micro", "tnb101_macro": "transbench101_macro",
}
_ALIAS_TO_SPACE = {a: s for s, al in SPACE_ALIASES.items() for a in al}


def canonical_space(space: str) -> str:
    """``"nasbench201"`` -> ``"nb201"`` etc.; a clear error for unknown names."""
    key = str(space).strip().lower()
    if key in _ALIAS_TO_SPACE:
        return _ALIAS_TO_SPACE[key]
    if key in ("tnb101", "transbench101"):
        raise ValueError(f"search space {space!r} is ambiguous: use 'tnb101_micro' or "
                         f"'tnb101_macro'")
    raise ValueError(f"unknown search space {space!r}; choose one of {sorted(SPACE_ALIASES)}"
                     f" (aliases: {sorted(_ALIAS_TO_SPACE)})")


def naslib_zc_filename(space: str) -> str:
    """The file name NASLib's ``get_zc_benchmark_api`` reads: ``zc_nasbench201.json``..."""
    return f"zc_{NASLIB_SPACE_NAMES[canonical_space(space)]}.json"


# ------------------------------------------------------------------ helpers
_NP_SCALAR = re.compile(r"np\.(?:u?int\d*|float\d*|bool_?)\(\s*([^()]*?)\s*\)")


def strip_numpy_repr(text: str) -> str:
    """``'(np.int64(3), np.int64(0))'`` -> ``'(3, 0)'`` (numpy 2 reprs in old keys)."""
    return _NP_SCALAR.sub(r"\1", text)


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(strip_numpy_repr(text.strip()))
    except (ValueError, SyntaxError):
        raise ValueError(f"cannot parse an arch from {text[:120]!r}") from None


def _ints(x: Any) -> Any:
    """Nested plain tuples with integral floats (``2.0``) made ints; the spaces' checks
    reject floats, the benchmark keys have always accepted them."""
    x = to_plain(x)
    if isinstance(x, tuple):
        return tuple(_ints(v) for v in x)
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


# ------------------------------------------------------------------ NB201
# (encoding owned by swap_plugin/spaces/nb201.py)
NB201_OPS = _nb201.OPS
NB201_EDGES = _nb201.EDGES


def nb201_to_str(arch: Sequence[int]) -> str:
    """6-tuple -> NB201 ``|a~0|+|b~0|d~1|+|c~0|e~1|f~2|`` (NASLib convert_op_indices_to_str)."""
    return _nb201.arch_to_str(_check_nb201(arch))


def nb201_from_str(text: str) -> Tuple[int, ...]:
    """NB201 arch_str (or a tuple string) -> 6-tuple."""
    return _nb201.str_to_arch(text)


def _check_nb201(arch: Any) -> Tuple[int, ...]:
    return _nb201.check_arch(_ints(arch))


# ------------------------------------------------------------------ NB101
# (encoding, pruning and graph hash owned by swap_plugin/spaces/nb101.py)
NB101_OPS = _nb101.OPS
NB101_CANONICAL_OPS = _nb101.CANONICAL_OPS


def nb101_from_spec(matrix: Any, ops: Sequence[Any]) -> Tuple[int, ...]:
    """(V x V adjacency, V ops) -> 56-tuple, padded as NASLib's ``convert_to_cell``."""
    m = matrix if isinstance(matrix, np.ndarray) else to_plain(matrix)
    return _nb101.from_spec(m, [_ints(o) for o in ops])


def nb101_to_spec(arch: Sequence[int]) -> Tuple[np.ndarray, List[str]]:
    """56-tuple -> (7x7 matrix, 7 op names), unpruned."""
    return _nb101.to_spec(_check_nb101(arch))


def _check_nb101(arch: Any) -> Tuple[int, ...]:
    a = _ints(arch)
    if isinstance(a, tuple) and len(a) != 56:
        # NASLib convert_tuple_to_spec also handles n*n + n for n < 7
        n = int(round(-0.5 + np.sqrt(0.25 + len(a))))
        if 2 <= n < 7 and n * n + n == len(a):
            return nb101_from_spec(np.array(a[: n * n]).reshape(n, n), a[n * n:])
    _nb101.to_spec(a)  # validates length, adjacency and op placement
    return a


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
        g = _darts.parse_genotype(genotype)
    elif isinstance(genotype, dict):
        g = _darts.json_to_genotype(genotype)
    else:  # a Genotype, or any object with .normal / .reduce (concat optional)
        g = _darts.json_to_genotype({f: getattr(genotype, f) for f in _darts.Genotype._fields
                                     if hasattr(genotype, f)})
    return _darts.genotype_to_compact(g)


def darts_to_genotype_str(arch: Any) -> str:
    """compact -> ``Genotype(normal=[('op', input), ...], normal_concat=[2, 3, 4, 5], ...)``."""
    return _darts.genotype_to_str(_darts.compact_to_genotype(_check_darts(arch)))


def _check_darts(arch: Any) -> Tuple[Tuple[Tuple[int, int], ...], ...]:
    return _darts.check_compact(_ints(arch))


# ------------------------------------------------------------------ TransNAS-Bench-101
# (encodings owned by swap_plugin/spaces/tnb101.py)
def _check_tnb_micro(arch: Any) -> Tuple[int, ...]:
    return _tnb101.check_micro(_ints(arch))


def _check_tnb_macro(arch: Any) -> Tuple[int, ...]:
    return _tnb101.check_macro(_ints(arch))


def tnb101_to_str(space: str, arch: Any) -> str:
    """The TransNAS-Bench-101 API string (NASLib convert_op_indices_m*_to_str)."""
    space = canonical_space(space)
    a = normalise_arch(space, arch)
    return _tnb101.micro_to_str(a) if space == "tnb101_micro" else _tnb101.macro_to_str(a)


# ------------------------------------------------------------------ entry points
def normalise_arch(space: str, arch: Any) -> Any:
    """Any supported form of an arch -> the canonical nested tuple of plain ints."""
    space = canonical_space(space)
    if isinstance(arch, np.ndarray):
        arch = arch.tolist()
    if isinstance(arch, str):
        s = arch.strip()
        if space == "nb201" and s.startswith("|"):
            return nb201_from_str(s)
        if space in DARTS_SPACES and s.startswith("Genotype"):
            return darts_from_genotype(s)
        if space == "tnb101_micro" and s.startswith("64-41414-"):
            return _tnb101.micro_from_str(s)
        if space == "tnb101_macro" and s.startswith("64-") and s.endswith("-basic"):
            return _tnb101.macro_from_str(s)
        arch = _literal(s)
    if space == "nb101" and isinstance(arch, dict):
        return nb101_from_spec(arch["matrix"], arch["ops"])
    if space in DARTS_SPACES and (isinstance(arch, dict) or hasattr(arch, "normal")):
        return darts_from_genotype(arch)
    if space == "nb201":
        return _check_nb201(arch)
    if space == "nb101":
        return _check_nb101(arch)
    if space in DARTS_SPACES:
        return _check_darts(arch)
    if space == "tnb101_micro":
        return _check_tnb_micro(arch)
    return _check_tnb_macro(arch)


def zc_key(space: str, arch: Any) -> str:
    """The NB-Suite-Zero json key NASLib looks up with ``str(arch.get_hash())``.

    Plain-int ``str(tuple)`` for every space except NB301/DARTS, whose files (written
    from NASLib's list-based compact) use ``[[(0, 1), ...], [(...), ...]]``.
    """
    space = canonical_space(space)
    a = normalise_arch(space, arch)
    if space in DARTS_SPACES:
        return str([list(a[0]), list(a[1])])
    return str(a)


def arch_label(arch: Any) -> str:
    """A short printable form of whatever the caller passed (for error messages)."""
    try:
        text = str(to_plain(arch)) if not isinstance(arch, str) else arch
    except Exception:  # noqa: BLE001
        text = repr(arch)
    return text if len(text) <= 200 else text[:197] + "..."
