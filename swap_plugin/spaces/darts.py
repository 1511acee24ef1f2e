"""The DARTS / NAS-Bench-301 cell search space: encodings, variation operators, networks.

Architecture (``arch``) = NASLib's compact encoding ``(normal, reduce)``; each cell is
8 ``(input_node, op_idx)`` pairs of plain ints. Pair ``j`` is an incoming edge of
intermediate node ``2 + j // 2`` (pairs 0,1 -> node 2; 2,3 -> node 3; 4,5 -> node 4;
6,7 -> node 5); nodes 0 and 1 are the cell inputs c_{k-2} and c_{k-1}; the cell output
concatenates nodes 2..5. Op indices follow NASLib / NB301 (:data:`OP_NAMES`):

    0 max_pool_3x3  1 avg_pool_3x3  2 skip_connect  3 sep_conv_3x3
    4 sep_conv_5x5  5 dil_conv_3x3  6 dil_conv_5x5  7 none   (7 is this project's
    extension for the ``none`` op, which NB301 / NASLib exclude)

Other forms, all lossless except where noted:

* DARTS ``Genotype`` (namedtuple of op names; :func:`compact_to_genotype`) and its
  string ``Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=[2, 3, 4, 5], ...)``
  (:func:`genotype_to_str` / :func:`parse_genotype`, parsed with ``ast``, never ``eval``;
  ``range(2, 6)`` concat accepted);
* JSON dict ``{"normal": [[op, input], ...], "normal_concat": [2, 3, 4, 5], ...}``;
* the SWAP-NAS paper's op matrix (Appendix C, Fig. 12), see :func:`to_op_matrix`. A
  matrix does not record the order of a node's two edges, nor two edges from the
  same input, so it round-trips up to :func:`canonical`.

Three registered spaces share this code: ``darts`` (the DARTS / NB301 sampling domain:
7 ops, two distinct inputs per node, independent normal / reduce cells), ``nb301``
(same domain; networks default to the NB301 training size) and ``darts_swap`` (the
domain of the official SWAP ``DARTS_archs_CIFAR10.csv``: 8 ops incl. ``none``, inputs
drawn with replacement, normal == reduce).
"""
from __future__ import annotations

import ast
import json
from typing import Any, List, Optional, Tuple

import numpy as np
import torch.nn as nn

from .base import Arch, SearchSpace, integral, register_space, to_plain
from .darts_ops import Genotype, NetworkCIFAR, NetworkImageNet, ScoringNetwork, count_params

#: compact op index -> DARTS op name (index 7 ``none`` is outside NB301)
OP_NAMES = ("max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
            "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5", "none")
OP_INDEX = {name: i for i, name in enumerate(OP_NAMES)}
NONE_IDX = 7
NUM_NB301_OPS = 7          # ops 0..6: the NB301 / DARTS operation set without none
NUM_STEPS = 4              # intermediate nodes per cell
NUM_PAIRS = 2 * NUM_STEPS  # incoming edges per cell
NUM_NODES = 2 + NUM_STEPS  # 2 cell inputs + intermediate nodes (op-matrix side)
CONCAT = (2, 3, 4, 5)      # the cell output concatenates every intermediate node
CELL_NAMES = ("normal", "reduce")


def pair_node(j: int) -> int:
    """The intermediate node that compact pair ``j`` (0..7) feeds."""
    return 2 + j // 2


# ----------------------------------------------------------------- validation
def check_compact(arch: Any, *, allow_none: bool = True, distinct_inputs: bool = False) -> Arch:
    """Normalise ``arch`` to nested tuples of ints and check it, else ``ValueError``.

    Always: 2 cells x 8 pairs, input of pair j in [0, node), op in [0, 7] (or [0, 6]
    when ``allow_none=False``). With ``distinct_inputs``: a node's 2 inputs differ.
    """
    arch = to_plain(arch)
    if not (isinstance(arch, tuple) and len(arch) == 2):
        raise ValueError(f"DARTS arch must be (normal, reduce), got {arch!r}")
    n_ops = len(OP_NAMES) if allow_none else NUM_NB301_OPS
    for c, cell in enumerate(arch):
        if not (isinstance(cell, tuple) and len(cell) == NUM_PAIRS):
            raise ValueError(f"{CELL_NAMES[c]} cell must have {NUM_PAIRS} pairs, got {cell!r}")
        for j, pair in enumerate(cell):
            if not (isinstance(pair, tuple) and len(pair) == 2
                    and all(isinstance(v, int) and not isinstance(v, bool) for v in pair)):
                raise ValueError(f"{CELL_NAMES[c]} pair {j} must be (input, op) ints: {pair!r}")
            inp, op = pair
            if not 0 <= inp < pair_node(j):
                raise ValueError(f"{CELL_NAMES[c]} pair {j} feeds node {pair_node(j)}: "
                                 f"input {inp} not in 0..{pair_node(j) - 1}")
            if not 0 <= op < n_ops:
                raise ValueError(f"{CELL_NAMES[c]} pair {j}: op index {op} not in 0..{n_ops - 1}")
        if distinct_inputs:
            for k in range(NUM_STEPS):
                if cell[2 * k][0] == cell[2 * k + 1][0]:
                    raise ValueError(f"{CELL_NAMES[c]} node {k + 2}: both edges come from "
                                     f"node {cell[2 * k][0]}")
    return arch


def canonical(arch: Arch) -> Arch:
    """Same network, unique form: each node's two pairs sorted by (input, op).

    A node sums its two edges, so their order does not change the network
    (it only permutes the cell's ModuleList).
    """
    return tuple(
        tuple(p for k in range(NUM_STEPS) for p in sorted(cell[2 * k: 2 * k + 2]))
        for cell in to_plain(arch)
    )


# ------------------------------------------------------------------ genotype
def compact_to_genotype(arch: Arch) -> Genotype:
    """Compact -> DARTS Genotype (op names; concat ``[2, 3, 4, 5]`` as NB301 prints)."""
    arch = check_compact(arch)
    normal, reduce = ([(OP_NAMES[op], inp) for inp, op in cell] for cell in arch)
    return Genotype(normal=normal, normal_concat=list(CONCAT),
                    reduce=reduce, reduce_concat=list(CONCAT))


def genotype_to_compact(genotype: Any) -> Arch:
    """DARTS Genotype (namedtuple, or anything with the four fields) -> compact."""
    cells = []
    for name in CELL_NAMES:
        concat = tuple(int(v) for v in getattr(genotype, f"{name}_concat"))
        if concat != CONCAT:
            raise ValueError(f"{name}_concat must be {list(CONCAT)} (range(2, 6)), "
                             f"got {list(concat)}")
        pairs = []
        for item in getattr(genotype, name):
            op, inp = item
            if op not in OP_INDEX:
                raise ValueError(f"unknown DARTS op {op!r}; known: {list(OP_NAMES)}")
            pairs.append((int(inp), OP_INDEX[op]))
        cells.append(pairs)
    return check_compact(cells)


def genotype_to_str(genotype: Genotype) -> str:
    """The DARTS / NB301 string, e.g. as in NASLib's zc_nasbench301.json."""
    norm = Genotype(*(
        [(str(op), int(i)) for op, i in getattr(genotype, f)] if f in CELL_NAMES
        else [int(v) for v in getattr(genotype, f)]
        for f in Genotype._fields
    ))
    return repr(norm)


def _literal(node: ast.AST) -> Any:
    """A literal, or ``range(a, b[, s])`` with literal args (DARTS' concat form)."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "range" and not node.keywords):
        return list(range(*(ast.literal_eval(a) for a in node.args)))
    return ast.literal_eval(node)


def parse_genotype(text: str) -> Genotype:
    """Parse ``Genotype(normal=[...], normal_concat=..., reduce=[...], reduce_concat=...)``
    safely (``ast``; positional fields, ``range(2, 6)``, ``genotypes.Genotype`` ok)."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as err:
        raise ValueError(f"not a Genotype string: {text[:80]!r} ({err})") from None
    func = getattr(node, "func", None)
    fname = getattr(func, "id", None) or getattr(func, "attr", None)
    if not isinstance(node, ast.Call) or fname != "Genotype":
        raise ValueError(f"not a Genotype(...) call: {text[:80]!r}")
    if len(node.args) > len(Genotype._fields):
        raise ValueError("Genotype takes at most 4 positional fields")
    fields = dict(zip(Genotype._fields, node.args))
    for kw in node.keywords:
        if kw.arg not in Genotype._fields or kw.arg in fields:
            raise ValueError(f"bad or repeated Genotype field {kw.arg!r}")
        fields[kw.arg] = kw.value
    try:
        values = {k: _literal(v) for k, v in fields.items()}
    except (ValueError, TypeError, SyntaxError) as err:
        raise ValueError(f"Genotype fields must be literals: {err}") from None
    for name in CELL_NAMES:
        if name not in values:
            raise ValueError(f"Genotype string lacks the {name!r} field")
        values.setdefault(f"{name}_concat", list(CONCAT))  # DARTS' default concat
        values[name] = [tuple(p) for p in values[name]]
    return Genotype(**values)


# ----------------------------------------------------------------------- json
def genotype_to_json(genotype: Genotype) -> dict:
    """Genotype -> JSON-ready dict (pairs as ``[op_name, input]`` lists)."""
    return {f: ([[str(op), int(i)] for op, i in getattr(genotype, f)] if f in CELL_NAMES
                else [int(v) for v in getattr(genotype, f)])
            for f in Genotype._fields}


def json_to_genotype(d: dict) -> Genotype:
    """Inverse of :func:`genotype_to_json`; extra keys (e.g. ``source``) are ignored."""
    return Genotype(
        normal=[tuple(p) for p in d["normal"]],
        normal_concat=list(d.get("normal_concat", CONCAT)),
        reduce=[tuple(p) for p in d["reduce"]],
        reduce_concat=list(d.get("reduce_concat", CONCAT)),
    )


# ---------------------------------------------------------------- op matrix
NO_EDGE = -1  # numeric op-matrix entry for "no edge" (distinct from op 7 ``none``)


def to_op_matrix(arch: Arch, *, numeric: bool = False) -> Tuple[list, list]:
    """The SWAP-NAS paper's cell matrices (Appendix C, Fig. 12), ``(normal, reduce)``.

    Each is a 6x6 list of lists over nodes 0..5 (0 = c_{k-2}, 1 = c_{k-1}, 2..5 the
    intermediate nodes, in order). Entry ``[i][j]`` is the op on edge i -> j: an op
    name, or ``None`` for "no edge" (``numeric=True``: the op index, ``NO_EDGE`` = -1).
    Only the strict upper triangle with j >= 2 can hold edges; each column j >= 2 holds
    exactly two. The output node (concat of 2..5) is implicit. Raises ``ValueError``
    for a node with two edges from one input (allowed in ``darts_swap``), which a
    matrix cannot hold.
    """
    empty = NO_EDGE if numeric else None
    out = []
    for c, cell in enumerate(check_compact(arch)):
        m = [[empty] * NUM_NODES for _ in range(NUM_NODES)]
        for j, (inp, op) in enumerate(cell):
            node = pair_node(j)
            if m[inp][node] != empty:
                raise ValueError(f"{CELL_NAMES[c]} node {node} has two edges from node "
                                 f"{inp}; an op matrix cannot represent that")
            m[inp][node] = op if numeric else OP_NAMES[op]
        out.append(m)
    return out[0], out[1]


def from_op_matrix(matrices: Any) -> Arch:
    """Inverse of :func:`to_op_matrix` (names or numeric; also a dict with ``normal`` /
    ``reduce`` or numpy arrays). Pairs come out in :func:`canonical` order."""
    if isinstance(matrices, dict):
        matrices = (matrices["normal"], matrices["reduce"])
    cells = []
    for c, m in enumerate(matrices):
        m = m.tolist() if isinstance(m, np.ndarray) else m
        if len(m) != NUM_NODES or any(len(row) != NUM_NODES for row in m):
            raise ValueError(f"{CELL_NAMES[c]} op matrix must be {NUM_NODES}x{NUM_NODES}")
        pairs = []
        for j in range(NUM_NODES):
            edges = []
            for i in range(NUM_NODES):
                v = m[i][j]
                if v is None or v == NO_EDGE:
                    continue
                if i >= j or j < 2:
                    raise ValueError(f"{CELL_NAMES[c]} matrix: edge {i}->{j} is not allowed "
                                     f"(only i < j, j >= 2)")
                op = OP_INDEX[v] if isinstance(v, str) else int(v)
                edges.append((i, op))
            if j >= 2 and len(edges) != 2:
                raise ValueError(f"{CELL_NAMES[c]} matrix: node {j} needs exactly 2 "
                                 f"incoming edges, has {len(edges)}")
            pairs.extend(edges)
        cells.append(pairs)
    return canonical(check_compact(cells))


# --------------------------------------------------------------------- space
@register_space("darts")
class DartsSpace(SearchSpace):
    """DARTS cell space (NB301 domain by default).

    Flags: ``allow_none`` lets sampling / mutation use op 7 ``none``;
    ``distinct_inputs`` (default) keeps a node's two inputs different, as DARTS and
    NB301 do; ``tied_cells`` samples and varies one cell used as both normal and
    reduce (the official SWAP DARTS csv). Parsing accepts every structurally valid
    arch regardless of flags; :meth:`is_valid` checks the flags.
    """

    datasets = ("cifar10", "cifar100", "imagenet")
    naslib_name = "nasbench301"  # NASLib's DARTS graph; zc_nasbench301.json keys
    paper_mu_sigma = (1.8, 1.8)
    #: dataset -> (C, layers, num_classes) of the evaluation network (DARTS paper)
    EVAL_SIZES = {"cifar10": (36, 20, 10), "cifar100": (36, 20, 100),
                  "imagenet": (48, 14, 1000)}

    def __init__(self, *, allow_none: bool = False, distinct_inputs: bool = True,
                 tied_cells: bool = False):
        self.allow_none = allow_none
        self.distinct_inputs = distinct_inputs
        self.tied_cells = tied_cells

    @property
    def op_choices(self) -> Tuple[int, ...]:
        """Op indices sampling / mutation may use."""
        return tuple(range(len(OP_NAMES) if self.allow_none else NUM_NB301_OPS))

    # ----------------------------------------------------------- validity
    def is_valid(self, arch: Arch) -> bool:
        try:
            arch = check_compact(arch, allow_none=self.allow_none,
                                 distinct_inputs=self.distinct_inputs)
        except ValueError:
            return False
        return not self.tied_cells or arch[0] == arch[1]

    def _pack(self, cells: List[list]) -> Arch:
        """List cells -> arch (copying the normal cell into reduce when tied)."""
        if self.tied_cells:
            cells = [cells[0], cells[0]]
        return check_compact(cells)

    # ---------------------------------------------------------- operators
    def _sample_cell(self, rng: np.random.Generator) -> list:
        cell = []
        for k in range(NUM_STEPS):
            n_in = k + 2
            inputs = (rng.choice(n_in, 2, replace=False) if self.distinct_inputs
                      else rng.integers(0, n_in, 2))
            ops = rng.choice(self.op_choices, 2)
            cell += [(int(inputs[0]), int(ops[0])), (int(inputs[1]), int(ops[1]))]
        return cell

    def sample(self, rng: np.random.Generator) -> Arch:
        """Uniform as NASLib's NB301 sampler: per node, an ordered pair of inputs
        (distinct unless ``distinct_inputs=False``) and two independent uniform ops."""
        return self._pack([self._sample_cell(rng), self._sample_cell(rng)])

    def _cells_to_vary(self, arch: Arch) -> Tuple[List[list], Tuple[int, ...]]:
        cells = [list(c) for c in check_compact(arch)]
        return cells, ((0,) if self.tied_cells else (0, 1))

    def mutate_op(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """Change the op of one random edge to a different allowed op."""
        cells, which = self._cells_to_vary(arch)
        c = int(rng.choice(which))
        j = int(rng.integers(NUM_PAIRS))
        inp, op = cells[c][j]
        cells[c][j] = (inp, int(rng.choice([o for o in self.op_choices if o != op])))
        return self._pack(cells)

    def _edge_moves(self, cell: list, j: int) -> List[int]:
        """Inputs pair j may move to: earlier nodes other than its own input and,
        with ``distinct_inputs``, other than its sibling's."""
        sib = cell[j ^ 1][0]
        return [i for i in range(pair_node(j)) if i != cell[j][0]
                and not (self.distinct_inputs and i == sib)]

    def mutate_edge(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """Re-wire one edge to another valid input of its node (node 2's edges cannot
        move when inputs must be distinct, so they are never picked)."""
        cells, which = self._cells_to_vary(arch)
        movable = [(c, j) for c in which for j in range(NUM_PAIRS)
                   if self._edge_moves(cells[c], j)]
        c, j = movable[int(rng.integers(len(movable)))]
        moves = self._edge_moves(cells[c], j)
        cells[c][j] = (int(moves[int(rng.integers(len(moves)))]), cells[c][j][1])
        return self._pack(cells)

    def mutate(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """:meth:`mutate_op` or :meth:`mutate_edge` with probability 1/2 each.
        The child always differs from the parent, even up to :func:`canonical`."""
        if rng.random() < 0.5:
            return self.mutate_op(arch, rng)
        return self.mutate_edge(arch, rng)

    def crossover(self, a: Arch, b: Arch, rng: np.random.Generator) -> Arch:
        """SWAP-NAS crossover (paper Fig. 14): the child is ``a`` with the incoming edges
        (both pairs) of one node of one cell taken from ``b``. The node is drawn among
        those where the parents differ (up to edge order), so the child differs from
        ``a`` whenever ``canonical(a) != canonical(b)``; it equals ``b`` only when the
        parents differ in a single node. Validity is kept: nodes are independent."""
        ca, which = self._cells_to_vary(a)
        cb, _ = self._cells_to_vary(b)
        diff = [(c, k) for c in which for k in range(NUM_STEPS)
                if sorted(ca[c][2 * k: 2 * k + 2]) != sorted(cb[c][2 * k: 2 * k + 2])]
        if not diff:
            return self._pack(ca)
        c, k = diff[int(rng.integers(len(diff)))]
        ca[c][2 * k: 2 * k + 2] = cb[c][2 * k: 2 * k + 2]
        return self._pack(ca)

    # --------------------------------------------------------- conversions
    def decode_value(self, value: Any) -> Arch:
        """Compact (lists / tuples / numpy / integral floats), a Genotype (or any object
        with ``.normal`` / ``.reduce``) or its JSON dict."""
        if isinstance(value, dict):
            return self.from_json(value)
        if hasattr(value, "normal") and hasattr(value, "reduce"):
            return genotype_to_compact(json_to_genotype({f: getattr(value, f) for f in Genotype._fields
                                                         if hasattr(value, f)}))
        return check_compact(integral(value))

    def zc_key(self, arch: Arch) -> str:
        """NB-Suite-Zero's NB301 files were written from NASLib's list-based compact:
        ``[[(0, 1), ...], [(...), ...]]``."""
        a = self.decode(arch)
        return str([list(a[0]), list(a[1])])

    def to_genotype(self, arch: Arch) -> Genotype:
        return compact_to_genotype(arch)

    def to_str(self, arch: Arch) -> str:
        """DARTS Genotype string (the form of NB301 / the SWAP csv)."""
        return genotype_to_str(compact_to_genotype(arch))

    def from_str(self, text: str) -> Arch:
        """A Genotype string, a JSON object, or the NASLib compact tuple/list string."""
        text = text.strip()
        if "Genotype" in text[:40]:
            return genotype_to_compact(parse_genotype(text))
        if text.startswith("{"):
            return self.from_json(json.loads(text))
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            raise ValueError(f"cannot parse a DARTS arch from {text[:80]!r}; give a 'Genotype(normal=[...], "
                             "normal_concat=[2, 3, 4, 5], reduce=[...], reduce_concat=[2, 3, 4, 5])' string, "
                             "the NASLib compact tuple or a JSON object") from None
        return check_compact(value)

    def to_json(self, arch: Arch) -> dict:
        return genotype_to_json(compact_to_genotype(arch))

    def from_json(self, d: dict) -> Arch:
        return genotype_to_compact(json_to_genotype(d))

    to_op_matrix = staticmethod(to_op_matrix)
    from_op_matrix = staticmethod(from_op_matrix)
    canonical = staticmethod(canonical)

    # ------------------------------------------------------------ networks
    def _size(self, dataset: str) -> Tuple[int, int, int]:
        try:
            return self.EVAL_SIZES[self.dataset(dataset)]
        except ValueError:
            raise ValueError(f"{self.name}: unknown dataset {dataset!r}; "
                             f"choose one of {sorted(self.EVAL_SIZES)}") from None

    def build(self, arch: Arch, dataset: str = "cifar10", *, C: Optional[int] = None,
              layers: Optional[int] = None, auxiliary: bool = False,
              drop_path_prob: float = 0.0, num_classes: Optional[int] = None,
              affine: bool = True) -> nn.Module:
        """The DARTS evaluation network (``NetworkCIFAR`` / ``NetworkImageNet``).

        Defaults per :attr:`EVAL_SIZES`: CIFAR C=36 initial channels, 20 cells;
        ImageNet C=48, 14 cells (224x224 input). ``forward`` returns logits; with
        ``auxiliary`` the training-mode aux logits are in ``net.aux_logits``. Set
        ``net.drop_path_prob`` per epoch as DARTS does (linear ramp to e.g. 0.2).
        ``affine=False`` drops the BN affine weights inside cell ops, as NASLib's DARTS
        graph does (NAS-Bench-Suite-Zero's NB301 ``params`` = ``nb301`` size with
        ``affine=False``, auxiliary excluded).
        """
        C0, L0, n0 = self._size(dataset)
        cls = NetworkImageNet if self.dataset(dataset) == "imagenet" else NetworkCIFAR
        return cls(C if C is not None else C0, num_classes or n0,
                   layers if layers is not None else L0, auxiliary,
                   compact_to_genotype(arch), drop_path_prob=drop_path_prob, affine=affine)

    def build_scoring_network(self, arch: Arch, *, C: int = 3, layers: int = 1,
                              num_classes: int = 10, return_logits: bool = False,
                              in_channels: int = 3) -> nn.Module:
        """The official SWAP scoring network (see :class:`ScoringNetwork`): no stem,
        default one cell which is a REDUCTION cell (uses ``arch[1]``) on 2*C = 6
        channels; ``forward`` returns pooled features of width 4*2*C = 24."""
        return ScoringNetwork(C, num_classes, layers, compact_to_genotype(arch),
                              return_logits=return_logits, in_channels=in_channels)

    def num_params(self, arch: Arch, dataset: str = "cifar10", *, unit: str = "M") -> float:
        """Θ of the evaluation-size network, auxiliary head excluded (``unit`` as
        :func:`~swap_plugin.metric.params.count_parameters`: "M", "K" or "1")."""
        from ..metric.params import check_unit

        C, layers, n_cls = self._size(dataset)
        net = "imagenet" if self.dataset(dataset) == "imagenet" else "cifar"
        # exact count without building the network (equal to count_parameters(build()))
        return count_params(compact_to_genotype(arch), net, C, n_cls, layers) / check_unit(unit)


@register_space("nb301")
class NB301Space(DartsSpace):
    """NAS-Bench-301: the DARTS space on CIFAR-10; ``build`` defaults to the size NB301
    trained (C=32, 8 cells) rather than the DARTS evaluation size."""

    datasets = ("cifar10",)
    EVAL_SIZES = {"cifar10": (32, 8, 10)}
    aliases = ("nasbench301", "nas-bench-301", "nas_bench_301")
    naslib_aliases = ("darts",)  # NASLib's get_dataset_api reads "darts" as NB301
    label = "NB301"


@register_space("darts_swap")
class DartsSwapSpace(DartsSpace):
    """The domain of the official SWAP ``DARTS_archs_CIFAR10.csv``: 8 ops incl. ``none``,
    a node's inputs drawn independently (may coincide), normal cell == reduce cell."""

    aliases = ("swap_darts",)
    paper_mu_sigma = None  # the paper's DARTS μ/σ is NB301's; this set is the SWAP authors' own

    def __init__(self, *, allow_none: bool = True, distinct_inputs: bool = False,
                 tied_cells: bool = True):
        super().__init__(allow_none=allow_none, distinct_inputs=distinct_inputs,
                         tied_cells=tied_cells)


__all__ = [
    "OP_NAMES", "OP_INDEX", "NONE_IDX", "NO_EDGE", "CONCAT", "Genotype",
    "DartsSpace", "NB301Space", "DartsSwapSpace", "check_compact", "canonical",
    "compact_to_genotype", "genotype_to_compact", "genotype_to_str", "parse_genotype",
    "genotype_to_json", "json_to_genotype", "to_op_matrix", "from_op_matrix", "pair_node",
]
