"""NAS-Bench-101: cells of <= 7 vertices / <= 9 edges, built with ``nasbench-pytorch``.

Arch = NASLib 56-tuple: the 49 entries of the *unpruned* 7x7 upper-triangular
adjacency matrix (row-major), then 7 op indices ``OPS`` (NASLib's
``convert_spec_to_tuple`` order: 0 input, 1 output, 2 maxpool3x3, 3 conv1x1,
4 conv3x3).  Vertices not on an input->output path are pruned before building and
hashing, as NAS-Bench-101 does, so different tuples can be the same network; the
:meth:`NB101Space.hash` is the benchmark's isomorphism-invariant graph hash.

Networks come from ``nasbench_pytorch`` (PyPI ``nasbench-pytorch``, Apache-2.0),
with two fixes applied after construction (see :func:`build_network`).
"""
from __future__ import annotations

import json
import re
from typing import Any, Optional, Sequence, Tuple

import numpy as np
import torch.nn as nn
from nasbench_pytorch.model import ModelSpec, Network
from nasbench_pytorch.model import graph_util
from nasbench_pytorch.model.model import Placeholder, compute_vertex_channels

from .base import SearchSpace, integral, parse_literal, register_space, to_plain

NUM_VERTICES = 7
MAX_EDGES = 9
#: op index -> NB101 op name (NASLib tuple order)
OPS = ("input", "output", "maxpool3x3", "conv1x1-bn-relu", "conv3x3-bn-relu")
#: the benchmark's ``available_ops`` order; the graph hash labels ops by this index
CANONICAL_OPS = ("conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3")
_OP_ALIASES = {"conv3x3": "conv3x3-bn-relu", "conv1x1": "conv1x1-bn-relu",
               "maxpool": "maxpool3x3", "max_pool_3x3": "maxpool3x3"}
#: TF's BN momentum 0.997 in PyTorch's convention (weight of the new batch)
BN_MOMENTUM = 1.0 - 0.997
NUM_CLASSES = {"cifar10": 10}
_UPPER = [(i, j) for i in range(NUM_VERTICES) for j in range(i + 1, NUM_VERTICES)]

Arch = Tuple[int, ...]


# ----------------------------------------------------------------- encodings
def _op_name(op: Any) -> str:
    if isinstance(op, (int, np.integer)) and not isinstance(op, bool):
        if not 0 <= op < len(OPS):
            raise ValueError(f"NB101 op index must be in 0..{len(OPS) - 1}, got {op}")
        return OPS[int(op)]
    op = _OP_ALIASES.get(op, op)
    if op not in OPS:
        raise ValueError(f"unknown NB101 op {op!r}; use one of {OPS}")
    return op


def to_spec(arch: Arch) -> Tuple[np.ndarray, list]:
    """56-tuple -> (7x7 int adjacency matrix, 7 op names), unpruned."""
    arch = to_plain(arch)
    if not isinstance(arch, tuple) or len(arch) != NUM_VERTICES ** 2 + NUM_VERTICES:
        raise ValueError(f"an NB101 arch is a 56-tuple, got {arch!r}")
    matrix = np.array(arch[: NUM_VERTICES ** 2], dtype=np.int64).reshape(NUM_VERTICES, NUM_VERTICES)
    if not np.isin(matrix, (0, 1)).all() or np.tril(matrix).any():
        raise ValueError("NB101 adjacency must be 0/1 and strictly upper triangular")
    ops = [_op_name(o) for o in arch[NUM_VERTICES ** 2:]]
    if ops[0] != "input" or ops[-1] != "output" or {"input", "output"} & set(ops[1:-1]):
        raise ValueError(f"NB101 ops must be input, 5 interior ops, output; got {ops}")
    return matrix, ops


def from_spec(matrix: Any, ops: Sequence[Any]) -> Arch:
    """(adjacency, ops) -> 56-tuple.  ``ops`` may be names ('conv3x3-bn-relu',
    'conv3x3', 'maxpool3x3', ...) or NASLib indices.  A pruned spec with fewer than 7
    vertices is padded with isolated ``conv3x3-bn-relu`` vertices just before the output,
    exactly as NASLib's ``convert_to_cell`` does (pruning removes them again, so network
    and hash are unchanged)."""
    m = np.asarray(matrix, dtype=np.int64)
    ops = [_op_name(o) for o in ops]
    v = len(ops)
    if m.shape != (v, v) or not 2 <= v <= NUM_VERTICES:
        raise ValueError(f"matrix {m.shape} and {v} ops must be VxV and V with 2 <= V <= 7")
    full = np.zeros((NUM_VERTICES, NUM_VERTICES), dtype=np.int64)
    idx = list(range(v - 1)) + [NUM_VERTICES - 1]  # keep the output vertex last
    full[np.ix_(idx, idx)] = m
    full_ops = ops[:-1] + ["conv3x3-bn-relu"] * (NUM_VERTICES - v) + [ops[-1]]
    arch = tuple(int(x) for x in full.flatten()) + tuple(OPS.index(o) for o in full_ops)
    to_spec(arch)  # validates shape, triangularity and op placement
    return arch


def prune(arch: Arch) -> Optional[Tuple[np.ndarray, list]]:
    """The benchmark's pruned (matrix, ops), or None when input cannot reach output."""
    matrix, ops = to_spec(arch)
    reach = {0}
    for i in range(NUM_VERTICES):  # vertices are topologically ordered
        if i in reach:
            reach.update(int(j) for j in np.flatnonzero(matrix[i]))
    if NUM_VERTICES - 1 not in reach:
        return None  # nasbench_pytorch's ModelSpec would crash on this (torch.tensor(None))
    spec = ModelSpec(matrix, ops)
    return spec.matrix.numpy().astype(np.int64), list(spec.ops)


def is_valid(arch: Arch) -> bool:
    """In the benchmark: connected, <= 7 vertices and <= 9 edges after pruning."""
    pruned = prune(arch)
    return pruned is not None and int(pruned[0].sum()) <= MAX_EDGES


def graph_hash(arch: Arch) -> str:
    """NAS-Bench-101's isomorphism-invariant MD5 graph hash (its ``unique_hash``)."""
    pruned = prune(arch)
    if pruned is None:
        raise ValueError("NB101 arch has no input->output path")
    matrix, ops = pruned
    labeling = [-1] + [CANONICAL_OPS.index(o) for o in ops[1:-1]] + [-2]
    return graph_util.hash_module(matrix, labeling)


# ------------------------------------------------------------------ network
def build_network(arch: Arch, num_classes: int = 10, stem_channels: int = 128,
                  num_stacks: int = 3, cells_per_stack: int = 3) -> nn.Module:
    """The NB101 network (benchmark defaults); ``forward`` returns logits.

    Fixes to ``nasbench_pytorch.Network``: (1) its ``Placeholder`` stand-ins for
    missing edges each carry a dummy scalar parameter, which would inflate the
    parameter count, so they become ``nn.Identity``; (2) it passes TF's BN momentum
    0.997 to PyTorch (where it means the opposite) for some BNs and 0.1 to others,
    so every BN gets ``BN_MOMENTUM`` = 0.003.  Its ReLUs are already ``nn.ReLU``.
    """
    pruned = prune(arch)
    if pruned is None:
        raise ValueError("NB101 arch has no input->output path")
    net = Network(pruned, num_labels=num_classes, stem_out_channels=stem_channels,
                  num_stacks=num_stacks, num_modules_per_stack=cells_per_stack)
    for module in list(net.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, Placeholder):
                module._modules[name] = nn.Identity()  # also covers Cell.last_inop
        if isinstance(module, nn.BatchNorm2d):
            module.momentum = BN_MOMENTUM
    return net


def param_count(arch: Arch, num_classes: int = 10, stem_channels: int = 128,
                num_stacks: int = 3, cells_per_stack: int = 3) -> int:
    """Closed-form trainable-parameter count of :func:`build_network` (raw count).

    Uses nasbench's own channel assignment: each conv vertex at width c has
    k*k*c*c conv weights + 2c BN affine; each input->vertex edge is a 1x1
    projection (c_in*c + 2c).  Tests check it equals counting real builds.
    """
    pruned = prune(arch)
    if pruned is None:
        raise ValueError("NB101 arch has no input->output path")
    matrix, ops = pruned
    kernel = {"conv3x3-bn-relu": 3, "conv1x1-bn-relu": 1}
    total = 3 * 9 * stem_channels + 2 * stem_channels  # stem ConvBnRelu
    c_in = c_out = stem_channels
    for stack in range(num_stacks):
        if stack > 0:
            c_out *= 2  # after each max-pool downsampling
        for _ in range(cells_per_stack):
            ch = compute_vertex_channels(c_in, c_out, matrix)
            for t in range(1, len(ops)):
                if ops[t] in kernel:
                    total += kernel[ops[t]] ** 2 * ch[t] ** 2 + 2 * ch[t]
                if matrix[0, t]:
                    total += c_in * ch[t] + 2 * ch[t]
            c_in = c_out
    return total + c_out * num_classes + num_classes


def _random_spec(rng: np.random.Generator) -> Arch:
    """One draw of NAS-Bench-101 / NASLib sampling: each upper edge with p=1/2,
    interior ops uniform (validity is checked by the caller)."""
    matrix = np.triu(rng.integers(0, 2, size=(NUM_VERTICES, NUM_VERTICES)), 1)
    ops = [0] + [int(o) for o in rng.integers(2, len(OPS), size=NUM_VERTICES - 2)] + [1]
    return tuple(int(x) for x in matrix.flatten()) + tuple(ops)


# -------------------------------------------------------------------- space
@register_space("nb101")
class NB101Space(SearchSpace):
    """NAS-Bench-101 (423,624 unique cells; not enumerated here)."""

    datasets = tuple(NUM_CLASSES)
    aliases = ("nasbench101", "nas-bench-101", "nas_bench_101")
    naslib_name = "nasbench101"
    paper_mu_sigma = (40.0, 40.0)
    label = "NB101"

    def __init__(self, max_tries: int = 10_000):
        self.max_tries = max_tries

    def sample(self, rng: np.random.Generator) -> Arch:
        """Rejection sampling as NAS-Bench-101's own random search / NASLib."""
        for _ in range(self.max_tries):
            arch = _random_spec(rng)
            if is_valid(arch):
                return arch
        raise RuntimeError("NB101: no valid sample found")

    def mutate(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """Flip one upper-triangular edge or change one interior op, retrying until
        the result is valid and a different network (different graph hash)."""
        arch = self.decode(arch)
        parent = graph_hash(arch) if is_valid(arch) else None
        sites = len(_UPPER) + NUM_VERTICES - 2
        for _ in range(self.max_tries):
            child = list(arch)
            site = int(rng.integers(sites))
            if site < len(_UPPER):
                i, j = _UPPER[site]
                child[i * NUM_VERTICES + j] = 1 - child[i * NUM_VERTICES + j]
            else:
                k = NUM_VERTICES ** 2 + 1 + site - len(_UPPER)
                choices = [o for o in range(2, len(OPS)) if o != child[k]]
                child[k] = choices[int(rng.integers(len(choices)))]
            child = tuple(child)
            if is_valid(child) and graph_hash(child) != parent:
                return child
        raise RuntimeError(f"NB101: no valid mutation of {arch}")

    def crossover(self, a: Arch, b: Arch, rng: np.random.Generator) -> Arch:
        """Uniform crossover of edges and ops; falls back to a's edges with mixed
        ops (validity depends on the edges only, so that child is always valid)."""
        a, b = self.decode(a), self.decode(b)
        n = NUM_VERTICES ** 2

        def mix(lo, hi):
            take_b = rng.random(hi - lo) < 0.5
            return tuple(b[lo + k] if t else a[lo + k] for k, t in enumerate(take_b))

        for _ in range(100):
            child = mix(0, n) + mix(n, len(a))
            if is_valid(child):
                return child
        return a[:n] + mix(n, len(a))

    def build(self, arch: Arch, dataset: str = "cifar10", *, num_classes: Optional[int] = None,
              stem_channels: int = 128, num_stacks: int = 3, cells_per_stack: int = 3) -> nn.Module:
        """The untrained NB101 network as benchmarked (CIFAR-10, stem 128, 3x3 cells)."""
        if num_classes is None:
            if dataset not in NUM_CLASSES:
                raise ValueError(f"NB101 was trained on {sorted(NUM_CLASSES)} only, got "
                                 f"{dataset!r}; pass num_classes= to build anyway")
            num_classes = NUM_CLASSES[dataset]
        return build_network(self.decode(arch), num_classes, stem_channels, num_stacks,
                             cells_per_stack)

    def num_params(self, arch: Arch, dataset: str = "cifar10", *, unit: str = "M") -> float:
        """Θ in ``unit`` (closed form, no network is built)."""
        from ..metric.params import check_unit

        if dataset not in NUM_CLASSES:
            raise ValueError(f"NB101 was trained on {sorted(NUM_CLASSES)} only, got {dataset!r}")
        return param_count(self.decode(arch), NUM_CLASSES[dataset]) / check_unit(unit)

    def decode_value(self, value: Any) -> Arch:
        """The 56-tuple (also as numpy / lists / integral floats), ``{"matrix", "ops"}``, or
        the n*n + n tuple of a smaller spec (NASLib ``convert_tuple_to_spec``)."""
        if isinstance(value, dict):
            matrix = value["matrix"]
            return from_spec(matrix if isinstance(matrix, np.ndarray) else integral(matrix),
                             [integral(o) for o in value["ops"]])
        arch = integral(value)
        if isinstance(arch, tuple) and len(arch) != NUM_VERTICES ** 2 + NUM_VERTICES:
            n = int(round(-0.5 + np.sqrt(0.25 + len(arch))))
            if 2 <= n < NUM_VERTICES and n * n + n == len(arch):
                return from_spec(np.array(arch[: n * n]).reshape(n, n), arch[n * n:])
        to_spec(arch)  # validates length, adjacency and op placement
        return arch

    def hash(self, arch: Arch) -> str:
        return graph_hash(self.decode(arch))

    def to_str(self, arch: Arch) -> str:
        return str(self.decode(arch))

    def from_str(self, text: str) -> Arch:
        """Parse the 56-tuple string, or JSON ``{"matrix": [[...]], "ops": [...]}``."""
        s = text.strip()
        if s.startswith("{"):
            try:
                d = json.loads(s)
            except json.JSONDecodeError:
                d = parse_literal(s)  # a Python dict repr
            return self.decode_value(d)
        if not re.fullmatch(r"[\(\[][\d\s,]*[\)\]]", s):
            raise ValueError(f"cannot parse NB101 arch {text!r}; give the 56-int tuple (NASLib encoding) or JSON "
                             "'{\"matrix\": [[0, 1, ...], ...], \"ops\": [\"input\", \"conv3x3-bn-relu\", ..., \"output\"]}'")
        return self.decode(tuple(int(x) for x in re.findall(r"\d+", s)))

    @staticmethod
    def from_spec(matrix: Any, ops: Sequence[Any]) -> Arch:
        return from_spec(matrix, ops)

    @staticmethod
    def to_spec(arch: Arch) -> Tuple[np.ndarray, list]:
        return to_spec(arch)
