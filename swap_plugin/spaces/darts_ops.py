"""DARTS-space torch modules: the candidate operations, the cell and three networks.

Re-implemented after the DARTS paper code (quark0/darts ``cnn/operations.py`` and
``cnn/model.py``, Apache-2.0) and the official SWAP scoring network (pym1024/SWAP
``src/search_space/networks.py``). Parameter counts and forward semantics match
those; deliberate differences, all parameter-neutral:

* every ReLU is an ``nn.ReLU(inplace=False)`` module (the SWAP metric hooks ``nn.ReLU``;
  DARTS' in-place ReLUs in the stems / auxiliary heads always feed another ReLU, so
  out-of-place gives the same values);
* :class:`FactorizedReduce` pads the shifted path (as the SWAP code does) instead of
  slicing ``x[:, :, 1:, 1:]`` (as DARTS does): identical on even sizes, and odd
  sizes (e.g. 7x7 maps from small ImageNet inputs) work too;
* :func:`drop_path` is a real per-sample drop path (the SWAP code calls element-wise
  ``dropout`` instead), out of place so autograd is safe;
* :class:`NetworkImageNet` pools with ``AdaptiveAvgPool2d(1)`` (= DARTS' ``AvgPool2d(7)``
  at 224x224 input) so small test inputs run;
* networks return logits only; the auxiliary logits of a training forward are kept
  in ``net.aux_logits`` (``None`` otherwise).

A *genotype* here is a :class:`Genotype` of op names, as in DARTS.
"""
from __future__ import annotations

from collections import namedtuple
from functools import lru_cache
from typing import Callable, Dict, Tuple

import torch
import torch.nn as nn

Genotype = namedtuple("Genotype", "normal normal_concat reduce reduce_concat")


# --------------------------------------------------------------------------- ops
class ReLUConvBN(nn.Module):
    """ReLU -> Conv2d(no bias) -> BN."""

    def __init__(self, C_in, C_out, kernel_size, stride, padding, affine=True):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(C_in, C_out, kernel_size, stride=stride, padding=padding, bias=False),
            nn.BatchNorm2d(C_out, affine=affine),
        )

    def forward(self, x):
        return self.op(x)


class DilConv(nn.Module):
    """ReLU -> dilated depthwise conv -> pointwise conv -> BN."""

    def __init__(self, C_in, C_out, kernel_size, stride, padding, dilation, affine=True):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(C_in, C_in, kernel_size, stride=stride, padding=padding,
                      dilation=dilation, groups=C_in, bias=False),
            nn.Conv2d(C_in, C_out, 1, padding=0, bias=False),
            nn.BatchNorm2d(C_out, affine=affine),
        )

    def forward(self, x):
        return self.op(x)


class SepConv(nn.Module):
    """Two stacked (ReLU, depthwise, pointwise, BN) blocks; only the first is strided."""

    def __init__(self, C_in, C_out, kernel_size, stride, padding, affine=True):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(C_in, C_in, kernel_size, stride=stride, padding=padding,
                      groups=C_in, bias=False),
            nn.Conv2d(C_in, C_in, 1, padding=0, bias=False),
            nn.BatchNorm2d(C_in, affine=affine),
            nn.ReLU(inplace=False),
            nn.Conv2d(C_in, C_in, kernel_size, stride=1, padding=padding,
                      groups=C_in, bias=False),
            nn.Conv2d(C_in, C_out, 1, padding=0, bias=False),
            nn.BatchNorm2d(C_out, affine=affine),
        )

    def forward(self, x):
        return self.op(x)


class Identity(nn.Module):
    def forward(self, x):
        return x


class Zero(nn.Module):
    """The ``none`` op: zeros of the (strided) input's shape."""

    def __init__(self, stride):
        super().__init__()
        self.stride = stride

    def forward(self, x):
        if self.stride == 1:
            return x.mul(0.0)
        return x[:, :, :: self.stride, :: self.stride].mul(0.0)


class FactorizedReduce(nn.Module):
    """Stride-2 reduction: ReLU, two 1x1 stride-2 convs on x and on x shifted by one
    pixel, concatenated (C_out/2 channels each), BN."""

    def __init__(self, C_in, C_out, affine=True):
        super().__init__()
        if C_out % 2:
            raise ValueError(f"FactorizedReduce needs an even C_out, got {C_out}")
        self.relu = nn.ReLU(inplace=False)
        self.conv_1 = nn.Conv2d(C_in, C_out // 2, 1, stride=2, padding=0, bias=False)
        self.conv_2 = nn.Conv2d(C_in, C_out // 2, 1, stride=2, padding=0, bias=False)
        self.bn = nn.BatchNorm2d(C_out, affine=affine)
        # pad right/bottom by one so the shifted path has ceil(H/2) outputs like conv_1
        self.pad = nn.ConstantPad2d((0, 1, 0, 1), 0.0)

    def forward(self, x):
        x = self.relu(x)
        shifted = self.pad(x)[:, :, 1:, 1:]
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(shifted)], dim=1))


#: op name -> builder(C, stride, affine); the DARTS operation set (+ ``none``)
OPS: Dict[str, Callable[[int, int, bool], nn.Module]] = {
    "none": lambda C, stride, affine: Zero(stride),
    "avg_pool_3x3": lambda C, stride, affine: nn.AvgPool2d(
        3, stride=stride, padding=1, count_include_pad=False),
    "max_pool_3x3": lambda C, stride, affine: nn.MaxPool2d(3, stride=stride, padding=1),
    "skip_connect": lambda C, stride, affine: (
        Identity() if stride == 1 else FactorizedReduce(C, C, affine=affine)),
    "sep_conv_3x3": lambda C, stride, affine: SepConv(C, C, 3, stride, 1, affine=affine),
    "sep_conv_5x5": lambda C, stride, affine: SepConv(C, C, 5, stride, 2, affine=affine),
    "dil_conv_3x3": lambda C, stride, affine: DilConv(C, C, 3, stride, 2, 2, affine=affine),
    "dil_conv_5x5": lambda C, stride, affine: DilConv(C, C, 5, stride, 4, 2, affine=affine),
}


def drop_path(x: torch.Tensor, drop_prob: float) -> torch.Tensor:
    """Zero whole samples with probability ``drop_prob``, scale survivors by 1/keep."""
    if drop_prob <= 0.0:
        return x
    keep = 1.0 - drop_prob
    mask = torch.empty(x.size(0), 1, 1, 1, dtype=x.dtype, device=x.device).bernoulli_(keep)
    return x / keep * mask


# -------------------------------------------------------------------------- cell
class Cell(nn.Module):
    """A discrete DARTS cell: 2 inputs, ``len(ops)//2`` nodes of 2 edges each,
    output = channel concat of the ``concat`` nodes (4*C channels)."""

    def __init__(self, genotype: Genotype, C_prev_prev: int, C_prev: int, C: int,
                 reduction: bool, reduction_prev: bool, affine: bool = True):
        super().__init__()
        # s0 is at twice s1's resolution after a reduction cell
        if reduction_prev:
            self.preprocess0 = FactorizedReduce(C_prev_prev, C)
        else:
            self.preprocess0 = ReLUConvBN(C_prev_prev, C, 1, 1, 0)
        self.preprocess1 = ReLUConvBN(C_prev, C, 1, 1, 0)
        pairs, concat = ((genotype.reduce, genotype.reduce_concat) if reduction
                         else (genotype.normal, genotype.normal_concat))
        op_names, indices = zip(*pairs)
        self.reduction = reduction
        self._steps = len(op_names) // 2
        self._concat = list(concat)
        self.multiplier = len(self._concat)
        self._indices = list(indices)
        self._ops = nn.ModuleList(
            # only edges from the two cell inputs are strided in a reduction cell
            OPS[name](C, 2 if reduction and index < 2 else 1, affine)
            for name, index in zip(op_names, indices)
        )

    def forward(self, s0, s1, drop_prob: float = 0.0):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for i in range(self._steps):
            hs = []
            for k in (2 * i, 2 * i + 1):
                op = self._ops[k]
                h = op(states[self._indices[k]])
                if self.training and drop_prob > 0.0 and not isinstance(op, Identity):
                    h = drop_path(h, drop_prob)
                hs.append(h)
            states.append(hs[0] + hs[1])
        return torch.cat([states[i] for i in self._concat], dim=1)


def cell_plan(genotype: Genotype, layers: int, C_prev_prev: int, C_prev: int, C_curr: int,
              reduction_prev: bool):
    """The DARTS macro skeleton: reductions (channels x2) at cells layers//3 and
    2*layers//3. Returns ``(plan, C_prev, C_aux)``: ``plan`` lists each cell's
    ``(C_prev_prev, C_prev, C, reduction, reduction_prev)``, ``C_prev`` is the last
    cell's output width and ``C_aux`` that of cell 2*layers//3 (auxiliary head input)."""
    plan, C_aux = [], None
    for i in range(layers):
        reduction = i in (layers // 3, 2 * layers // 3)
        if reduction:
            C_curr *= 2
        plan.append((C_prev_prev, C_prev, C_curr, reduction, reduction_prev))
        reduction_prev = reduction
        mult = len(genotype.reduce_concat if reduction else genotype.normal_concat)
        C_prev_prev, C_prev = C_prev, mult * C_curr
        if i == 2 * layers // 3:
            C_aux = C_prev
    return plan, C_prev, C_aux


def _make_cells(genotype, layers, C_prev_prev, C_prev, C_curr, reduction_prev, affine=True):
    """``(ModuleList of cells, C_prev, C_aux)`` per :func:`cell_plan`. ``affine`` applies
    to the BNs inside the cell ops only (preprocessing BNs stay affine, as DARTS)."""
    plan, C_prev, C_aux = cell_plan(genotype, layers, C_prev_prev, C_prev, C_curr,
                                    reduction_prev)
    cells = nn.ModuleList(Cell(genotype, *spec, affine=affine) for spec in plan)
    return cells, C_prev, C_aux


def _cifar_stem(C_stem: int) -> nn.Module:
    return nn.Sequential(nn.Conv2d(3, C_stem, 3, padding=1, bias=False), nn.BatchNorm2d(C_stem))


def _imagenet_stems(C: int) -> Tuple[nn.Module, nn.Module]:
    stem0 = nn.Sequential(
        nn.Conv2d(3, C // 2, 3, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(C // 2),
        nn.ReLU(inplace=False),
        nn.Conv2d(C // 2, C, 3, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(C),
    )
    stem1 = nn.Sequential(
        nn.ReLU(inplace=False),
        nn.Conv2d(C, C, 3, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(C),
    )
    return stem0, stem1


# ---------------------------------------------------------------------- networks
class AuxiliaryHeadCIFAR(nn.Module):
    """Auxiliary classifier on the 8x8 map after the second reduction."""

    def __init__(self, C, num_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.AvgPool2d(5, stride=3, padding=0, count_include_pad=False),  # 8x8 -> 2x2
            nn.Conv2d(C, 128, 1, bias=False),
            nn.BatchNorm2d(128),
            nn.ReLU(inplace=False),
            nn.Conv2d(128, 768, 2, bias=False),
            nn.BatchNorm2d(768),
            nn.ReLU(inplace=False),
        )
        self.classifier = nn.Linear(768, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class AuxiliaryHeadImageNet(nn.Module):
    """Auxiliary classifier on the 14x14 map (no BN after the 2x2 conv, as DARTS)."""

    def __init__(self, C, num_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.AvgPool2d(5, stride=2, padding=0, count_include_pad=False),
            nn.Conv2d(C, 128, 1, bias=False),
            nn.BatchNorm2d(128),
            nn.ReLU(inplace=False),
            nn.Conv2d(128, 768, 2, bias=False),
            nn.ReLU(inplace=False),
        )
        self.classifier = nn.Linear(768, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class _CellNetwork(nn.Module):
    """Shared forward of the two evaluation networks."""

    drop_path_prob: float
    aux_logits = None

    def _run_cells(self, s0, s1):
        self.aux_logits = None
        for i, cell in enumerate(self.cells):
            s0, s1 = s1, cell(s0, s1, self.drop_path_prob)
            if i == self._aux_at and self._auxiliary and self.training:
                self.aux_logits = self.auxiliary_head(s1)
        return self.classifier(self.global_pooling(s1).flatten(1))


class NetworkCIFAR(_CellNetwork):
    """DARTS evaluation network for 32x32 inputs: 3x3 stem conv (3*C channels) + BN,
    ``layers`` cells, global average pooling, linear classifier."""

    def __init__(self, C: int, num_classes: int, layers: int, auxiliary: bool,
                 genotype: Genotype, drop_path_prob: float = 0.0, affine: bool = True):
        super().__init__()
        self._layers, self._auxiliary, self._aux_at = layers, auxiliary, 2 * layers // 3
        self.drop_path_prob = drop_path_prob
        C_stem = 3 * C  # DARTS stem_multiplier
        self.stem = _cifar_stem(C_stem)
        self.cells, C_prev, C_aux = _make_cells(genotype, layers, C_stem, C_stem, C, False, affine)
        if auxiliary:
            self.auxiliary_head = AuxiliaryHeadCIFAR(C_aux, num_classes)
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(C_prev, num_classes)

    def forward(self, x):
        s = self.stem(x)
        return self._run_cells(s, s)


class NetworkImageNet(_CellNetwork):
    """DARTS evaluation network for 224x224 inputs: two stride-2 stems (x8 total
    downsampling before the cells), ``layers`` cells, average pooling, classifier."""

    def __init__(self, C: int, num_classes: int, layers: int, auxiliary: bool,
                 genotype: Genotype, drop_path_prob: float = 0.0, affine: bool = True):
        super().__init__()
        self._layers, self._auxiliary, self._aux_at = layers, auxiliary, 2 * layers // 3
        self.drop_path_prob = drop_path_prob
        self.stem0, self.stem1 = _imagenet_stems(C)
        # stem0 output is at twice stem1's resolution, hence reduction_prev=True
        self.cells, C_prev, C_aux = _make_cells(genotype, layers, C, C, C, True, affine)
        if auxiliary:
            self.auxiliary_head = AuxiliaryHeadImageNet(C_aux, num_classes)
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(C_prev, num_classes)

    def forward(self, x):
        s0 = self.stem0(x)
        return self._run_cells(s0, self.stem1(s0))


class ScoringNetwork(nn.Module):
    """The official SWAP scoring network (pym1024/SWAP ``Network(C, num_classes, layers,
    genotype)``): NO stem; the first cell reads the image (C_prev_prev = C_prev =
    ``in_channels``; the official code uses C, so it needs C == 3) and cells follow
    the DARTS skeleton with reductions at i in {layers//3, 2*layers//3}. So with the
    official ``layers=1`` the only cell is a REDUCTION cell of width 2*C (it uses
    ``genotype.reduce``), output 4*2*C channels.

    ``forward`` returns the globally pooled features (N, 4*C_last), not logits, as the
    official code does; the classifier exists (and counts in Θ) but is unused unless
    ``return_logits=True``. No drop path (the official value is always 0).
    """

    def __init__(self, C: int, num_classes: int, layers: int, genotype: Genotype,
                 return_logits: bool = False, in_channels: int = 3):
        super().__init__()
        self._layers = layers
        self.return_logits = return_logits
        # the official code starts from C_prev_prev = C_prev = C, which only runs on
        # images when C == 3; in_channels makes other widths usable (same for C=3)
        self.cells, C_prev, _ = _make_cells(genotype, layers, in_channels, in_channels, C, False)
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(C_prev, num_classes)

    def forward(self, x):
        s0 = s1 = x
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1, 0.0)
        out = self.global_pooling(s1).flatten(1)
        return self.classifier(out) if self.return_logits else out



# ------------------------------------------------------------ fast param count
def _n(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@lru_cache(maxsize=None)
def _part_params(kind: str, *args) -> int:
    """Parameters of one building block, built once per signature (exact, cached)."""
    if kind == "op":
        name, C, stride, affine = args
        return _n(OPS[name](C, stride, affine))
    if kind == "pre":
        C_in, C_out, factorized = args
        return _n(FactorizedReduce(C_in, C_out) if factorized
                  else ReLUConvBN(C_in, C_out, 1, 1, 0))
    if kind == "cifar_stem":
        return _n(_cifar_stem(*args))
    if kind == "imagenet_stems":
        return sum(_n(m) for m in _imagenet_stems(*args))
    raise ValueError(kind)


def count_params(genotype: Genotype, network: str, C: int, num_classes: int, layers: int,
                 affine: bool = True, in_channels: int = 3) -> int:
    """Exact trainable-parameter count (raw number, auxiliary head excluded) of
    ``network`` in {"cifar", "imagenet", "scoring"} without building it: the same
    skeleton as the constructors, block counts cached. ~100x faster than building."""
    if network == "scoring":
        affine = True  # the official network keeps affine BNs
    if network == "cifar":
        total, plan_args = _part_params("cifar_stem", 3 * C), (3 * C, 3 * C, C, False)
    elif network == "imagenet":
        total, plan_args = _part_params("imagenet_stems", C), (C, C, C, True)
    elif network == "scoring":
        total, plan_args = 0, (in_channels, in_channels, C, False)
    else:
        raise ValueError(f"network must be cifar, imagenet or scoring, got {network!r}")
    plan, C_prev, _ = cell_plan(genotype, layers, *plan_args)
    for C_pp, C_p, C_c, reduction, reduction_prev in plan:
        total += _part_params("pre", C_pp, C_c, reduction_prev)
        total += _part_params("pre", C_p, C_c, False)
        for name, index in (genotype.reduce if reduction else genotype.normal):
            stride = 2 if reduction and index < 2 else 1
            total += _part_params("op", name, C_c, stride, affine)
    return total + C_prev * num_classes + num_classes  # + linear classifier
