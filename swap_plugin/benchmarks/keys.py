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
                   (NASLib's ``get_hash``); unpadded 4/5-tuples are accepted.
"""
from __future__ import annotations

import ast
import hashlib
import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

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


def _int_tuple(x: Any, what: str) -> Tuple[int, ...]:
    x = to_plain(x)
    if not isinstance(x, tuple):
        raise ValueError(f"{what}: expected a sequence of ints, got {x!r}")
    out = []
    for v in x:
        if isinstance(v, bool) or not isinstance(v, int):
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            else:
                raise ValueError(f"{what}: expected ints, got {v!r} in {x!r}")
        out.append(v)
    return tuple(out)


# ------------------------------------------------------------------ NB201
NB201_OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
NB201_EDGES = ((1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4))


def nb201_to_str(arch: Sequence[int]) -> str:
    """6-tuple -> NB201 ``|a~0|+|b~0|d~1|+|c~0|e~1|f~2|`` (NASLib convert_op_indices_to_str)."""
    a = _check_nb201(arch)
    ops = {e: NB201_OPS[o] for e, o in zip(NB201_EDGES, a)}
    parts = ["{}~{}".format(ops[(i, j)], i - 1) for i, j in sorted(ops, key=lambda e: e[1])]
    return "|{}|+|{}|{}|+|{}|{}|{}|".format(*parts)


def nb201_from_str(text: str) -> Tuple[int, ...]:
    nodes = [n for n in text.strip().split("+")]
    if len(nodes) != 3:
        raise ValueError(f"not an NB201 arch_str: {text!r}")
    ops: Dict[Tuple[int, int], int] = {}
    for j, node in enumerate(nodes, start=2):
        for tok in [t for t in node.split("|") if t]:
            name, _, src = tok.partition("~")
            if name not in NB201_OPS or not src.isdigit():
                raise ValueError(f"not an NB201 arch_str: {text!r}")
            ops[(int(src) + 1, j)] = NB201_OPS.index(name)
    if set(ops) != set(NB201_EDGES):
        raise ValueError(f"not an NB201 arch_str: {text!r}")
    return tuple(ops[e] for e in NB201_EDGES)


def _check_nb201(arch: Any) -> Tuple[int, ...]:
    a = _int_tuple(arch, "nb201")
    if len(a) != 6 or not all(0 <= v < 5 for v in a):
        raise ValueError(f"an NB201 arch is 6 op indices in 0..4, got {a!r}")
    return a


# ------------------------------------------------------------------ NB101
NB101_OPS = ("input", "output", "maxpool3x3", "conv1x1-bn-relu", "conv3x3-bn-relu")
NB101_CANONICAL_OPS = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
_NB101_OP_ALIASES = {"conv3x3": "conv3x3-bn-relu", "conv1x1": "conv1x1-bn-relu",
                     "maxpool": "maxpool3x3", "max_pool_3x3": "maxpool3x3"}


def _nb101_op(op: Any) -> str:
    op = to_plain(op)
    if isinstance(op, int) and not isinstance(op, bool):
        if not 0 <= op < len(NB101_OPS):
            raise ValueError(f"NB101 op index {op} out of range 0..4")
        return NB101_OPS[op]
    op = _NB101_OP_ALIASES.get(op, op)
    if op not in NB101_OPS:
        raise ValueError(f"unknown NB101 op {op!r}; use one of {NB101_OPS}")
    return op


def nb101_from_spec(matrix: Any, ops: Sequence[Any]) -> Tuple[int, ...]:
    """(V x V adjacency, V ops) -> 56-tuple, padded as NASLib's ``convert_to_cell``."""
    m = np.asarray(to_plain(matrix) if not isinstance(matrix, np.ndarray) else matrix)
    ops = [_nb101_op(o) for o in ops]
    n = len(ops)
    if m.shape != (n, n) or not 2 <= n <= 7:
        raise ValueError(f"NB101 matrix {m.shape} and {n} ops must be VxV and V, 2<=V<=7")
    if n == 7:
        full, full_ops = m.astype(np.int64), ops
    else:
        full = np.zeros((7, 7), dtype=np.int64)
        for i in range(n):
            for j in range(n):
                if j < n - 1:
                    full[i][j] = m[i][j]
                else:  # the output column moves to vertex 6
                    full[i][6] = m[i][j]
        full_ops = [ops[i] if i < n - 1 else ("conv3x3-bn-relu" if i < 6 else "output")
                    for i in range(7)]
        if ops[-1] != "output":
            raise ValueError(f"NB101 ops must end with 'output', got {ops}")
    arch = tuple(int(x) for x in full.flatten()) + tuple(NB101_OPS.index(o) for o in full_ops)
    return _check_nb101(arch)


def nb101_to_spec(arch: Sequence[int]) -> Tuple[np.ndarray, List[str]]:
    """56-tuple -> (7x7 matrix, 7 op names), unpruned."""
    a = _check_nb101(arch)
    return np.array(a[:49], dtype=np.int64).reshape(7, 7), [NB101_OPS[o] for o in a[49:]]


def _check_nb101(arch: Any) -> Tuple[int, ...]:
    a = _int_tuple(arch, "nb101")
    if len(a) != 56:
        # NASLib convert_tuple_to_spec also handles n*n + n for n < 7
        n = int(round(-0.5 + np.sqrt(0.25 + len(a))))
        if 2 <= n < 7 and n * n + n == len(a):
            return nb101_from_spec(np.array(a[: n * n]).reshape(n, n), a[n * n:])
        raise ValueError(f"an NB101 arch is a 56-tuple (49 adjacency + 7 ops), got length {len(a)}")
    m = np.array(a[:49]).reshape(7, 7)
    if not np.isin(m, (0, 1)).all() or np.tril(m).any():
        raise ValueError("NB101 adjacency must be 0/1 and strictly upper triangular")
    ops = a[49:]
    if not all(0 <= o < 5 for o in ops) or ops[0] != 0 or ops[-1] != 1 or \
            any(o in (0, 1) for o in ops[1:-1]):
        raise ValueError(f"NB101 op indices must be input(0), 5 of 2..4, output(1): {ops}")
    return a


def nb101_prune(matrix: np.ndarray, ops: Sequence[str]) -> Tuple[Optional[np.ndarray], Optional[list]]:
    """NAS-Bench-101 ``ModelSpec._prune``: drop vertices not on an input->output path.
    Returns (None, None) when the input cannot reach the output."""
    m = np.asarray(matrix)
    n = m.shape[0]
    seen_in, frontier = {0}, [0]
    while frontier:
        top = frontier.pop()
        for v in range(top + 1, n):
            if m[top, v] and v not in seen_in:
                seen_in.add(v)
                frontier.append(v)
    seen_out, frontier = {n - 1}, [n - 1]
    while frontier:
        top = frontier.pop()
        for v in range(0, top):
            if m[v, top] and v not in seen_out:
                seen_out.add(v)
                frontier.append(v)
    extraneous = set(range(n)) - (seen_in & seen_out)
    if len(extraneous) > n - 2:
        return None, None
    keep = [i for i in range(n) if i not in extraneous]
    return m[np.ix_(keep, keep)], [ops[i] for i in keep]


def _hash_module(matrix: np.ndarray, labeling: Sequence[int]) -> str:
    """NAS-Bench-101 ``graph_util.hash_module`` (md5 Weisfeiler-Lehman), verbatim logic."""
    vertices = np.shape(matrix)[0]
    in_edges = np.sum(matrix, axis=0).tolist()
    out_edges = np.sum(matrix, axis=1).tolist()
    hashes = [hashlib.md5(str(h).encode("utf-8")).hexdigest()
              for h in zip(out_edges, in_edges, labeling)]
    for _ in range(vertices):
        new = []
        for v in range(vertices):
            ins = [hashes[w] for w in range(vertices) if matrix[w, v]]
            outs = [hashes[w] for w in range(vertices) if matrix[v, w]]
            new.append(hashlib.md5(("".join(sorted(ins)) + "|" + "".join(sorted(outs)) + "|"
                                    + hashes[v]).encode("utf-8")).hexdigest())
        hashes = new
    return hashlib.md5(str(sorted(hashes)).encode("utf-8")).hexdigest()


def nb101_hash(arch: Any) -> Optional[str]:
    """The NAS-Bench-101 module hash (the key of ``nasbench_only108.pkl``) of any NB101
    form; None for a spec whose input does not reach its output."""
    return _nb101_hash(normalise_arch("nb101", arch))


@lru_cache(maxsize=1 << 16)
def _nb101_hash(arch: Tuple[int, ...]) -> Optional[str]:
    matrix, ops = nb101_to_spec(arch)
    pm, po = nb101_prune(matrix, ops)
    if pm is None:
        return None
    labeling = [-1] + [NB101_CANONICAL_OPS.index(o) for o in po[1:-1]] + [-2]
    return _hash_module(pm, labeling)


# ------------------------------------------------------------------ DARTS / NB301
DARTS_OPS = ("max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
             "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5", "none")
#: compact op index of ``none`` (outside NB301; only the SWAP DARTS csv uses it)
DARTS_NONE = 7
_CELL_RE = {c: re.compile(c + r"\s*=\s*(\[[^\]]*\])") for c in ("normal", "reduce")}


def darts_from_genotype(genotype: Any) -> Tuple[Tuple[Tuple[int, int], ...], ...]:
    """A DARTS Genotype (object, string or ``{"normal": [[op, input], ...]}``) -> compact."""
    if isinstance(genotype, str):
        cells = []
        for c in ("normal", "reduce"):
            m = _CELL_RE[c].search(genotype)
            if m is None:
                raise ValueError(f"not a DARTS Genotype string: {genotype[:120]!r}")
            cells.append(ast.literal_eval(m.group(1)))
    elif isinstance(genotype, dict):
        cells = [genotype["normal"], genotype["reduce"]]
    else:
        cells = [genotype.normal, genotype.reduce]
    out = []
    for cell in cells:
        pairs = []
        for op, inp in cell:
            if op not in DARTS_OPS:
                raise ValueError(f"unknown DARTS op {op!r}; use one of {DARTS_OPS}")
            pairs.append((int(inp), DARTS_OPS.index(op)))
        out.append(tuple(pairs))
    return _check_darts(tuple(out))


def darts_to_genotype_str(arch: Any) -> str:
    """compact -> ``Genotype(normal=[('op', input), ...], normal_concat=[2, 3, 4, 5], ...)``."""
    a = _check_darts(to_plain(arch))
    cells = [[(DARTS_OPS[op], inp) for inp, op in cell] for cell in a]
    return (f"Genotype(normal={cells[0]!r}, normal_concat=[2, 3, 4, 5], "
            f"reduce={cells[1]!r}, reduce_concat=[2, 3, 4, 5])")


def _check_darts(arch: Any) -> Tuple[Tuple[Tuple[int, int], ...], ...]:
    a = to_plain(arch)
    ok = isinstance(a, tuple) and len(a) == 2 and all(
        isinstance(c, tuple) and len(c) == 8 and all(isinstance(p, tuple) and len(p) == 2 for p in c)
        for c in a)
    if not ok:
        raise ValueError(f"a DARTS/NB301 arch is (normal, reduce) of 8 (input, op) pairs, got {a!r}")
    cells = []
    for cell in a:
        pairs = []
        for j, pair in enumerate(cell):
            inp, op = _int_tuple(pair, "darts")
            if not 0 <= inp < 2 + j // 2 or not 0 <= op < len(DARTS_OPS):
                raise ValueError(f"bad DARTS pair {pair!r} at position {j} (input < {2 + j // 2},"
                                 f" op in 0..7)")
            pairs.append((inp, op))
        cells.append(tuple(pairs))
    return tuple(cells)


# ------------------------------------------------------------------ TransNAS-Bench-101
def _check_tnb_micro(arch: Any) -> Tuple[int, ...]:
    a = _int_tuple(arch, "tnb101_micro")
    if len(a) != 6 or not all(0 <= v < 4 for v in a):
        raise ValueError(f"a TNB101 micro arch is 6 op indices in 0..3, got {a!r}")
    return a


def _check_tnb_macro(arch: Any) -> Tuple[int, ...]:
    a = _int_tuple(arch, "tnb101_macro")
    core = tuple(v for v in a if v != 0)
    if not 4 <= len(core) <= 6 or not all(1 <= v <= 4 for v in core) or \
            (0 in a and a[a.index(0):] != (0,) * (len(a) - a.index(0))):
        raise ValueError(f"a TNB101 macro arch is 4-6 codes in 1..4 (0-padded to 6), got {a!r}")
    return core + (0,) * (6 - len(core))


def tnb101_to_str(space: str, arch: Any) -> str:
    """The TransNAS-Bench-101 API string (NASLib convert_op_indices_m*_to_str)."""
    space = canonical_space(space)
    a = normalise_arch(space, arch)
    if space == "tnb101_micro":
        return "64-41414-{}_{}{}_{}{}{}".format(*a)
    return "64-{}-basic".format("".join(str(v) for v in a if v != 0))


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
            return _check_tnb_micro(tuple(int(c) for c in s[len("64-41414-"):] if c.isdigit()))
        if space == "tnb101_macro" and s.startswith("64-") and s.endswith("-basic"):
            return _check_tnb_macro(tuple(int(c) for c in s[3:-6]))
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
