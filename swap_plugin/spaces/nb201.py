"""NAS-Bench-201: the 15,625-arch cell space and the TinyNetwork it was trained as.

Arch = NASLib ``naslib_ops`` 6-tuple of op indices on the edges
``EDGES = (1->2, 1->3, 1->4, 2->3, 2->4, 3->4)`` (NASLib node numbers; node 1 is
the cell input, node 4 its output).  The NB201 string names node j+1 as ``j`` and
lists the incoming edges per node, so NASLib edge (i -> j) is ``op~{i-1}`` in the
``{j-1}``-th ``|...|`` group:

    (a, b, c, d, e, f)  <->  |a~0|+|b~0|d~1|+|c~0|e~1|f~2|

The network re-implements xautodl's ``TinyNetwork`` / ``InferCell`` /
``ResNetBasicblock`` (xautodl pins numpy<=1.19.5, so it cannot be a dependency),
keeping its module names so NATS-Bench state dicts line up.  Two deliberate
differences: ``forward`` returns only the logits (xautodl returns
``(features, logits)``), and every ReLU is a non-inplace ``nn.ReLU`` module (the
SWAP metric hooks ReLU modules; inplace changes nothing numerically).
"""
from __future__ import annotations

import itertools
import re
from typing import Any, Iterator, List, Optional, Tuple

import numpy as np
import torch.nn as nn

from .base import SearchSpace, integral, register_space, to_plain

#: op index -> NB201 op name (NASLib ``naslib_ops`` order)
OPS = ("skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3")
#: tuple position -> (from, to) in NASLib node numbers
EDGES = ((1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4))
#: tuple positions of the incoming edges of NASLib nodes 2, 3, 4 (for crossover)
NODE_EDGES = ((0,), (1, 3), (2, 4, 5))
#: tuple positions in arch_str order: |0|+|1|3|+|2|4|5|
STR_ORDER = tuple(i for group in NODE_EDGES for i in group)

NUM_CLASSES = {"cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}

Arch = Tuple[int, int, int, int, int, int]


# ----------------------------------------------------------------- encodings
def check_arch(arch: Any) -> Arch:
    """Normalise to a 6-tuple of plain ints in 0..4, or raise ValueError."""
    arch = to_plain(arch)
    if (not isinstance(arch, tuple) or len(arch) != 6
            or not all(isinstance(o, int) and not isinstance(o, bool) and 0 <= o < len(OPS)
                       for o in arch)):
        raise ValueError(f"an NB201 arch is 6 op indices in 0..4, got {arch!r}")
    return arch


def arch_to_str(arch: Arch) -> str:
    """NASLib 6-tuple -> NB201 arch_str ``|a~0|+|b~0|d~1|+|c~0|e~1|f~2|``."""
    arch = check_arch(arch)
    groups = []
    for pos in NODE_EDGES:
        groups.append("|" + "|".join(f"{OPS[arch[i]]}~{EDGES[i][0] - 1}" for i in pos) + "|")
    return "+".join(groups)


def str_to_arch(text: str) -> Arch:
    """Parse an NB201 arch_str or a tuple string such as ``"(2, 2, 0, 4, 2, 0)"``."""
    s = text.strip()
    if "~" not in s:  # a tuple / list of op indices
        if not re.fullmatch(r"[\(\[]?[\d\s,]+[\)\]]?", s):
            raise ValueError(f"cannot parse NB201 arch {text!r}; give an arch_str such as "
                             "'|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|' "
                             "or its 6 op indices 0-4 (NASLib order) '(2, 2, 0, 2, 2, 2)'")
        return check_arch(tuple(int(n) for n in re.findall(r"\d+", s)))
    nodes = s.split("+")
    if len(nodes) != 3:
        raise ValueError(f"an NB201 arch_str has 3 '+'-separated nodes, got {text!r}")
    ops = [None] * 6
    for to_node, node in enumerate(nodes, start=1):  # arch_str node numbering
        for item in filter(None, node.split("|")):
            try:
                name, src = item.split("~")
                src = int(src)
            except ValueError:
                raise ValueError(f"bad edge {item!r} in {text!r}") from None
            if name not in OPS or not 0 <= src < to_node:
                raise ValueError(f"bad edge {item!r} in {text!r}")
            pos = EDGES.index((src + 1, to_node + 1))
            if ops[pos] is not None:
                raise ValueError(f"edge {src}->{to_node} given twice in {text!r}")
            ops[pos] = OPS.index(name)
    if None in ops:
        raise ValueError(f"NB201 arch_str must name all 6 edges: {text!r}")
    return tuple(ops)


def genotype(arch: Arch) -> List[Tuple[Tuple[str, int], ...]]:
    """xautodl genotype: per cell node 1..3 the ``(op_name, input_node)`` pairs."""
    arch = check_arch(arch)
    return [tuple((OPS[arch[i]], EDGES[i][0] - 1) for i in pos) for pos in NODE_EDGES]


def dataset_classes(dataset: str) -> int:
    """Number of classes NB201 trained ``dataset`` with (aliases such as cifar10-valid ok)."""
    return NUM_CLASSES[NB201Space.dataset(dataset)]


# ------------------------------------------------------------------ network
class ReLUConvBN(nn.Module):
    """ReLU -> Conv (no bias) -> BN(affine), the NB201 conv op."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel, stride, padding, bias=False),
            nn.BatchNorm2d(c_out, affine=True, track_running_stats=True),
        )

    def forward(self, x):
        return self.op(x)


class Zero(nn.Module):
    """The ``none`` op (inside the cells C_in == C_out and stride == 1)."""

    def forward(self, x):
        return x.mul(0.0)


class AvgPool(nn.Module):
    """``avg_pool_3x3``, stride 1, padding not counted (xautodl ``POOLING``)."""

    def __init__(self):
        super().__init__()
        self.op = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)

    def forward(self, x):
        return self.op(x)


def make_op(index: int, channels: int) -> nn.Module:
    name = OPS[index]
    if name == "skip_connect":
        return nn.Identity()
    if name == "none":
        return Zero()
    if name == "nor_conv_3x3":
        return ReLUConvBN(channels, channels, 3, 1, 1)
    if name == "nor_conv_1x1":
        return ReLUConvBN(channels, channels, 1, 1, 0)
    return AvgPool()


class InferCell(nn.Module):
    """The 4-node NB201 cell; ``layers`` in arch_str order, as xautodl."""

    def __init__(self, arch: Arch, channels: int):
        super().__init__()
        self.layers = nn.ModuleList(make_op(arch[i], channels) for i in STR_ORDER)
        # per cell node: (layer index, input node) pairs
        self.node_inputs = []
        k = 0
        for pos in NODE_EDGES:
            self.node_inputs.append(tuple((k + j, EDGES[i][0] - 1) for j, i in enumerate(pos)))
            k += len(pos)

    def forward(self, x):
        nodes = [x]
        for inputs in self.node_inputs:
            nodes.append(sum(self.layers[li](nodes[src]) for li, src in inputs))
        return nodes[-1]


class ResNetBasicblock(nn.Module):
    """Stride-2 residual block between stages (fixed, not searched)."""

    def __init__(self, c_in: int, c_out: int):
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, 2, 1)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, 1, 1)
        self.downsample = nn.Sequential(
            nn.AvgPool2d(kernel_size=2, stride=2, padding=0),
            nn.Conv2d(c_in, c_out, kernel_size=1, stride=1, padding=0, bias=False),
        )

    def forward(self, x):
        return self.downsample(x) + self.conv_b(self.conv_a(x))


class TinyNetwork(nn.Module):
    """NB201 macro skeleton: stem, 3 stages of N cells (C, 2C, 4C channels) joined by
    ResNet reduction blocks, BN+ReLU, global average pool, linear classifier."""

    def __init__(self, arch: Arch, num_classes: int, C: int = 16, N: int = 5):
        super().__init__()
        arch = check_arch(arch)
        self.arch = arch
        self.stem = nn.Sequential(nn.Conv2d(3, C, kernel_size=3, padding=1, bias=False),
                                  nn.BatchNorm2d(C))
        channels = [C] * N + [C * 2] + [C * 2] * N + [C * 4] + [C * 4] * N
        reductions = [False] * N + [True] + [False] * N + [True] + [False] * N
        self.cells = nn.ModuleList()
        c_prev = C
        for c, reduce in zip(channels, reductions):
            self.cells.append(ResNetBasicblock(c_prev, c) if reduce else InferCell(arch, c))
            c_prev = c
        self.lastact = nn.Sequential(nn.BatchNorm2d(c_prev), nn.ReLU(inplace=False))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)

    def forward(self, x):
        x = self.stem(x)
        for cell in self.cells:
            x = cell(x)
        x = self.global_pooling(self.lastact(x)).flatten(1)
        return self.classifier(x)


def param_count(arch: Arch, num_classes: int, C: int = 16, N: int = 5) -> int:
    """Closed-form trainable-parameter count of :class:`TinyNetwork` (raw count).

    Only the conv ops carry weights: a ``nor_conv_kxk`` edge at width c has
    k*k*c*c conv weights + 2c BN affine, and every cell repeats N times per stage.
    Tests check it equals counting a real build.
    """
    arch = check_arch(arch)
    n3 = sum(o == OPS.index("nor_conv_3x3") for o in arch)
    n1 = sum(o == OPS.index("nor_conv_1x1") for o in arch)
    total = 3 * 9 * C + 2 * C  # stem conv + BN
    for c in (C, 2 * C, 4 * C):
        total += N * (n3 * (9 * c * c + 2 * c) + n1 * (c * c + 2 * c))
    for c_in in (C, 2 * C):  # the two ResNet reduction blocks
        c_out = 2 * c_in
        total += 9 * c_in * c_out + 2 * c_out + 9 * c_out * c_out + 2 * c_out + c_in * c_out
    total += 2 * 4 * C + 4 * C * num_classes + num_classes  # lastact BN + classifier
    return total


# -------------------------------------------------------------------- space
@register_space("nb201")
class NB201Space(SearchSpace):
    """NAS-Bench-201 (all 5^6 = 15,625 cells; not isomorphism-deduplicated).

    ``crossover_mode``: ``"uniform"`` picks each edge's op from either parent;
    ``"node"`` picks all incoming edges of each cell node from one parent.
    """

    datasets = tuple(NUM_CLASSES)
    aliases = ("nasbench201", "nas-bench-201", "nas_bench_201", "nats_tss", "nats-tss")
    naslib_name = "nasbench201"
    paper_mu_sigma = (1.5, 1.5)
    label = "NB201"
    dataset_aliases = {"cifar10-valid": "cifar10"}  # NB201's own name of its CIFAR-10 split

    def __init__(self, crossover_mode: str = "uniform"):
        if crossover_mode not in ("uniform", "node"):
            raise ValueError(f"crossover_mode must be 'uniform' or 'node', got {crossover_mode!r}")
        self.crossover_mode = crossover_mode

    def __iter__(self) -> Iterator[Arch]:
        return iter(itertools.product(range(len(OPS)), repeat=len(EDGES)))

    def __len__(self) -> int:
        return len(OPS) ** len(EDGES)

    def sample(self, rng: np.random.Generator) -> Arch:
        return tuple(int(o) for o in rng.integers(0, len(OPS), size=len(EDGES)))

    def mutate(self, arch: Arch, rng: np.random.Generator) -> Arch:
        """Change one random edge to a different op (NASLib's NB201 mutation)."""
        arch = list(check_arch(arch))
        pos = int(rng.integers(len(EDGES)))
        choices = [o for o in range(len(OPS)) if o != arch[pos]]
        arch[pos] = int(choices[int(rng.integers(len(choices)))])
        return tuple(arch)

    def crossover(self, a: Arch, b: Arch, rng: np.random.Generator) -> Arch:
        a, b = check_arch(a), check_arch(b)
        child = list(a)
        groups = NODE_EDGES if self.crossover_mode == "node" else tuple((i,) for i in range(6))
        for group in groups:
            if rng.random() < 0.5:
                for i in group:
                    child[i] = b[i]
        return tuple(child)

    def build(self, arch: Arch, dataset: str = "cifar10", *, C: int = 16, N: int = 5,
              num_classes: Optional[int] = None) -> nn.Module:
        """The untrained NB201 TinyNetwork (C=16, N=5 as benchmarked); returns logits."""
        k = num_classes if num_classes is not None else dataset_classes(dataset)
        return TinyNetwork(arch, k, C=C, N=N)

    def num_params(self, arch: Arch, dataset: str = "cifar10", *, unit: str = "M",
                   C: int = 16, N: int = 5) -> float:
        """Θ in ``unit`` (closed form, no network is built)."""
        from ..metric.params import check_unit

        return param_count(arch, dataset_classes(dataset), C=C, N=N) / check_unit(unit)

    def decode_value(self, value: Any) -> Arch:
        return check_arch(integral(value))

    def hash(self, arch: Arch) -> str:
        return str(check_arch(arch))

    def to_str(self, arch: Arch) -> str:
        return arch_to_str(arch)

    def from_str(self, text: str) -> Arch:
        return str_to_arch(text)
