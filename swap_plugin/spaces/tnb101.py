"""TransNAS-Bench-101 (Duan et al., CVPR 2021): the micro (cell) and macro
(skeleton) spaces, with the seven Taskonomy task networks the benchmark trained.

Registered spaces: ``"tnb101_micro"`` (4,096 archs) and ``"tnb101_macro"`` (3,256).

Encodings (NASLib's, which index the benchmark by the TransNAS string)
-----------------------------------------------------------------------
* micro: a 6-tuple of op digits ``(a, b, c, d, e, f)``, op 0 none, 1 skip_connect,
  2 conv1x1, 3 conv3x3, <-> ``"64-41414-a_bc_def"`` (NASLib
  ``convert_op_indices_micro_to_str``).  In the TransNAS cell (node 0 = input) node 1
  is ``a(n0)``, node 2 is ``b(n0) + c(n1)``, node 3 (the output) is
  ``d(n0) + e(n1) + f(n2)``: tuple position -> edge is :data:`MICRO_EDGES`.  This is
  *not* the NB201 position order, and it is not the edge labelling of NASLib's own
  graph (``create_graph=True``) either; the benchmark's numbers belong to the string,
  so networks are built from the string (the NB-Suite-Zero parameter counts confirm
  it; see tests).
* macro: module-type digits (1 normal, 2 channels x2, 3 resolution /2, 4 both),
  4 to 6 modules, 1 to 4 of them downsampling (3 or 4) and 1 to 3 doubling the width
  (2 or 4): 210 + 750 + 2,296 = 3,256 archs.  The canonical arch is NASLib's tuple
  zero-padded to length 6, e.g. ``(1, 2, 4, 2, 0, 0)`` <-> ``"64-1242-basic"``, the
  key form of the NB-Suite-Zero ``zc_transbench101_macro.json``; the ground-truth
  csv (NASLib zen benchmark) writes it unpadded, ``(1, 2, 4, 2)`` -- :func:`unpad`,
  and ``decode`` / ``from_str`` accept both.

Networks (see :mod:`.tnb101_models`)
------------------------------------
backbone: stem (/4) + one 2-cell module per skeleton digit, base width 64 (micro
skeleton fixed to ``41414``: final width 512 at 1/32 resolution).  Heads per task:

============== ===================== =========================== =================
task            input (per sample)    head                        output
============== ===================== =========================== =================
class_scene     3x256x256             avgpool + linear            47 logits
class_object    3x256x256             avgpool + linear            75 logits
room_layout     3x256x256             avgpool + linear            9
jigsaw          9x3x64x64 (tiles)     siamese: cat 9 tiles, fc    1000 logits
segmentsemantic 3x256x256             SegmentationDecoder         17x256x256
normal          3x256x256             GenerativeDecoder (tanh)    3x256x256
autoencoder     3x256x256             GenerativeDecoder (tanh)    3x256x256
============== ===================== =========================== =================

Class counts: the release configs (``configs/train_from_scratch/*``, the
``final5k`` split the benchmark was trained on) use 47 scene / 75 object classes
(``classes="transnas"``, the default).  NASLib's ``create_model`` (and so the
NB-Suite-Zero ``params`` / ``flops`` entries) uses 63 / 100 (``classes="naslib"``).
Only the last linear layer differs.  Jigsaw: images resized to 255x255, 0.9 centre
crop resized back, cut into 3x3 tiles of 64x64 (the tiles are the network input).
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch.nn as nn

from .base import SearchSpace, integral, register_space, to_plain
from .tnb101_models import (GAN, STEM_REDUCTION, Discriminator, FeedForwardNet, FFDecoder,
                            GenerativeDecoder, MacroNet, Segmentation, SegmentationDecoder,
                            SiameseDecoder, SiameseNet, skeleton_plan)

TASKS = ("class_scene", "class_object", "jigsaw", "room_layout", "segmentsemantic",
         "normal", "autoencoder")
#: class counts of the two classification tasks per label set
NUM_CLASSES = {
    "transnas": {"class_scene": 47, "class_object": 75},  # release configs (final5k)
    "naslib": {"class_scene": 63, "class_object": 100},  # NASLib create_model / NB-Suite-Zero
}
JIGSAW_CLASSES = 1000  # permutations
JIGSAW_GRID = 3  # tiles per side
JIGSAW_PIECES = JIGSAW_GRID ** 2
ROOM_LAYOUT_DIM = 9
SEGMENT_CLASSES = 17
IMAGE_SIZE = 256  # every task but jigsaw: 256x256 RGB (Resize((256, 256)))
JIGSAW_TILE = 64  # jigsaw: 9 tiles of 64x64 cut from a 255x255 image
BASE_CHANNEL = 64
BLOCKS_PER_MODULE = 2

MICRO_OPS = ("none", "skip_connect", "conv1x1", "conv3x3")
MICRO_SKELETON = "41414"
#: micro tuple position -> (from, to) in TransNAS cell nodes (0 = input, 3 = output)
MICRO_EDGES = ((0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3))
#: tuple positions of the incoming edges of nodes 1, 2, 3
MICRO_NODE_EDGES = ((0,), (1, 2), (3, 4, 5))

MACRO_OPS = {1: "normal", 2: "channel x2", 3: "resolution /2", 4: "channel x2 & resolution /2"}
MACRO_MIN_LEN, MACRO_MAX_LEN = 4, 6
MACRO_DOWNSAMPLE = (1, 4)  # allowed number of modules of type 3 or 4
MACRO_CHANNEL_X2 = (1, 3)  # allowed number of modules of type 2 or 4

MicroArch = Tuple[int, int, int, int, int, int]
MacroArch = Tuple[int, int, int, int, int, int]


# ------------------------------------------------------------------ tasks
def check_task(task: str) -> str:
    if task not in TASKS:
        raise ValueError(f"TransNAS-Bench-101 task must be one of {TASKS}, got {task!r}")
    return task


def num_classes(task: str, classes: str = "transnas") -> int:
    """Output width of the linear heads (``classes``: "transnas" or "naslib")."""
    check_task(task)
    if classes not in NUM_CLASSES:
        raise ValueError(f"classes must be one of {sorted(NUM_CLASSES)}, got {classes!r}")
    if task in NUM_CLASSES[classes]:
        return NUM_CLASSES[classes][task]
    if task == "jigsaw":
        return JIGSAW_CLASSES
    if task == "room_layout":
        return ROOM_LAYOUT_DIM
    raise ValueError(f"{task} has a dense output, not classes")


def input_shape(task: str, size: Optional[int] = None) -> Tuple[int, ...]:
    """Per-sample input shape the benchmark trained with: ``(3, 256, 256)``, or
    ``(9, 3, 64, 64)`` jigsaw tiles.  ``size`` overrides the side (e.g. a smaller
    input for fast CPU checks; every arch runs on any multiple of 64)."""
    check_task(task)
    if task == "jigsaw":
        s = JIGSAW_TILE if size is None else int(size)
        return (JIGSAW_PIECES, 3, s, s)
    s = IMAGE_SIZE if size is None else int(size)
    return (3, s, s)


def output_shape(task: str, classes: str = "transnas", size: Optional[int] = None,
                 num_downsample: Optional[int] = None) -> Tuple[int, ...]:
    """Per-sample output shape for an input of :func:`input_shape` ``(task, size)``.
    Dense outputs equal the input side when it is a multiple of the backbone's
    reduction (``4 * 2**num_downsample``; always true at 256)."""
    check_task(task)
    if task in ("segmentsemantic", "normal", "autoencoder"):
        s = IMAGE_SIZE if size is None else int(size)
        if num_downsample is not None:
            r = STEM_REDUCTION * 2 ** num_downsample
            s = (s // r) * r
        return (SEGMENT_CLASSES if task == "segmentsemantic" else 3, s, s)
    return (num_classes(task, classes),)


# -------------------------------------------------------------- encodings
_FORMS = {"TNB101 micro": "'64-41414-3_33_333', a bare cell '3_33_333' or 6 op indices '(3, 3, 3, 3, 3, 3)'",
          "TNB101 macro": "'64-1242-basic', a bare skeleton '1242' or its ints '(1, 2, 4, 2)'"}


def _ints(text: str, what: str) -> Tuple[int, ...]:
    s = text.strip()
    if not re.fullmatch(r"[\(\[]?\s*(\d+\s*,\s*)*\d+\s*,?\s*[\)\]]?", s):
        raise ValueError(f"cannot parse {what} arch {text!r}; give {_FORMS[what]}")
    return tuple(int(n) for n in re.findall(r"\d+", s))


def _is_int(o) -> bool:
    return isinstance(o, int) and not isinstance(o, bool)


def check_micro(arch: Any) -> MicroArch:
    """Normalise to a 6-tuple of plain ints in 0..3, or raise ValueError."""
    arch = to_plain(arch)
    if (not isinstance(arch, tuple) or len(arch) != 6
            or not all(_is_int(o) and 0 <= o < len(MICRO_OPS) for o in arch)):
        raise ValueError(f"a TNB101 micro arch is 6 op indices in 0..3, got {arch!r}")
    return arch


def micro_to_str(arch: MicroArch) -> str:
    """``(a, b, c, d, e, f)`` -> ``"64-41414-a_bc_def"``."""
    a = check_micro(arch)
    return f"{BASE_CHANNEL}-{MICRO_SKELETON}-{a[0]}_{a[1]}{a[2]}_{a[3]}{a[4]}{a[5]}"


def micro_from_str(text: str) -> MicroArch:
    """Parse ``"64-41414-3_33_333"``, the bare cell ``"3_33_333"`` or a tuple string."""
    s = text.strip()
    if "_" in s:
        parts = s.split("-")
        if len(parts) == 3:
            if parts[0] != str(BASE_CHANNEL) or parts[1] != MICRO_SKELETON:
                raise ValueError(f"a TNB101 micro net is '64-41414-...', got {text!r}")
            cell = parts[2]
        elif len(parts) == 1:
            cell = s
        else:
            raise ValueError(f"cannot parse TNB101 micro arch {text!r}; give {_FORMS['TNB101 micro']}")
        if not re.fullmatch(r"[0-3]_[0-3]{2}_[0-3]{3}", cell):
            raise ValueError(f"a TNB101 micro cell is 'a_bc_def' with digits 0..3, got {text!r}")
        return tuple(int(ch) for ch in cell.replace("_", ""))
    return check_micro(_ints(s, "TNB101 micro"))


def micro_cell_code(arch: MicroArch) -> List[str]:
    """``['', 'a', 'bc', 'def']`` (TransNAS ``MicroCell`` code)."""
    s = micro_to_str(arch).split("-")[2]
    return [""] + s.split("_")


def macro_counts(ops: Sequence[int]) -> Tuple[int, int, int]:
    """(modules, downsampling modules, width-doubling modules) of unpadded ops."""
    return (len(ops), sum(o in (3, 4) for o in ops), sum(o in (2, 4) for o in ops))


def unpad(arch: Any) -> Tuple[int, ...]:
    """Padded macro arch -> the unpadded op tuple (the ground-truth csv form)."""
    return tuple(o for o in check_macro(arch) if o != 0)


def check_macro(arch: Any) -> MacroArch:
    """Normalise a macro arch (padded or not) to the zero-padded 6-tuple, or raise."""
    arch = to_plain(arch)
    if not isinstance(arch, tuple) or not all(_is_int(o) for o in arch):
        raise ValueError(f"a TNB101 macro arch is a tuple of ints, got {arch!r}")
    ops = list(arch)
    while ops and ops[-1] == 0:
        ops.pop()
    n, down, wide = macro_counts(ops)
    if (len(arch) > MACRO_MAX_LEN or not MACRO_MIN_LEN <= n <= MACRO_MAX_LEN
            or not all(1 <= o <= 4 for o in ops)
            or not MACRO_DOWNSAMPLE[0] <= down <= MACRO_DOWNSAMPLE[1]
            or not MACRO_CHANNEL_X2[0] <= wide <= MACRO_CHANNEL_X2[1]):
        raise ValueError(
            f"a TNB101 macro arch is 4-6 module types in 1..4 (zero-padded to 6), with 1-4 "
            f"downsampling (3/4) and 1-3 width-doubling (2/4) modules; got {arch!r}")
    return tuple(ops) + (0,) * (MACRO_MAX_LEN - n)


def is_valid_macro(arch: Any) -> bool:
    try:
        check_macro(arch)
        return True
    except ValueError:
        return False


def macro_to_str(arch: MacroArch) -> str:
    """``(1, 2, 4, 2, 0, 0)`` -> ``"64-1242-basic"``."""
    return f"{BASE_CHANNEL}-{''.join(map(str, unpad(arch)))}-basic"


def macro_from_str(text: str) -> MacroArch:
    """Parse ``"64-1242-basic"``, a bare skeleton ``"1242"`` or a tuple string."""
    s = text.strip()
    if "-" in s:
        parts = s.split("-")
        if len(parts) != 3 or parts[0] != str(BASE_CHANNEL) or parts[2] != "basic":
            raise ValueError(f"a TNB101 macro net is '64-<skeleton>-basic', got {text!r}")
        s = parts[1]
    if re.fullmatch(r"[1-4]+", s):
        return check_macro(tuple(int(ch) for ch in s))
    return check_macro(_ints(s, "TNB101 macro"))


@lru_cache(maxsize=None)
def all_macro_archs() -> Tuple[MacroArch, ...]:
    """The 3,256 macro archs: by length 4, 5, 6, then lexicographic."""
    out = []
    for n in range(MACRO_MIN_LEN, MACRO_MAX_LEN + 1):
        for ops in itertools.product(range(1, 5), repeat=n):
            if is_valid_macro(ops):
                out.append(check_macro(ops))
    return tuple(out)


# -------------------------------------------------------------- networks
def net_code(arch: Any, space: str) -> str:
    if space == "micro":
        return micro_to_str(arch)
    if space == "macro":
        return macro_to_str(arch)
    raise ValueError(f"space must be 'micro' or 'macro', got {space!r}")


def build_encoder(arch: Any, space: str) -> MacroNet:
    """The TransNAS backbone (kaiming-initialised like the release)."""
    return MacroNet(net_code(arch, space), blocks_per_module=BLOCKS_PER_MODULE)


def build_network(arch: Any, space: str, task: str, *, classes: str = "transnas",
                  num_classes_override: Optional[int] = None,
                  discriminator: bool = False) -> nn.Module:
    """Encoder + the task's decoder, as TransNAS ``create_model`` / the task configs.

    ``discriminator=True`` attaches the Pix2Pix discriminator to the normal /
    autoencoder models like the release (it is trained alongside but never on the
    forward path; off by default so parameter counts cover the task network only).
    """
    check_task(task)
    encoder = build_encoder(arch, space)
    c = encoder.out_channels
    n_up = 2 + encoder.num_downsample  # == release int(log2(256 / feature width))
    if task in ("class_scene", "class_object", "room_layout"):
        k = num_classes_override if num_classes_override is not None else num_classes(task, classes)
        return FeedForwardNet(encoder, FFDecoder(c, k))
    if task == "jigsaw":
        k = num_classes_override if num_classes_override is not None else JIGSAW_CLASSES
        return SiameseNet(encoder, SiameseDecoder(c, k, num_pieces=JIGSAW_PIECES))
    if task == "segmentsemantic":
        return Segmentation(encoder, SegmentationDecoder(c, n_up, SEGMENT_CLASSES))
    return GAN(encoder, GenerativeDecoder(c, n_up, 3), Discriminator() if discriminator else None)


# ------------------------------------------------------ closed-form params
def _bn(c):  # BatchNorm2d affine weights
    return 2 * c


def _micro_op_params(op: int, c_in: int, c_out: int, stride: int) -> int:
    if op == 0 or (op == 1 and stride == 1 and c_in == c_out):
        return 0
    if op in (1, 2):  # FactorizedReduce (two 1x1 halves) or conv1x1, + BN
        return c_in * c_out + _bn(c_out)
    return 9 * c_in * c_out + _bn(c_out)


def _micro_cell_params(arch: MicroArch, c_in: int, c_out: int, stride: int) -> int:
    total = 0
    for pos, (src, _dst) in enumerate(MICRO_EDGES):
        if src == 0:
            total += _micro_op_params(arch[pos], c_in, c_out, stride)
        else:
            total += _micro_op_params(arch[pos], c_out, c_out, 1)
    return total


def _basic_block_params(c_in: int, c_out: int, stride: int) -> int:
    total = 9 * c_in * c_out + _bn(c_out) + 9 * c_out * c_out + _bn(c_out)
    if stride != 1 or c_in != c_out:
        total += c_in * c_out + _bn(c_out)
    return total


def _conv(ci, co, k=3, bn=True):  # ConvLayer / DeconvLayer: conv with bias (+ BN)
    return ci * co * k * k + co + (_bn(co) if bn else 0)


def decoder_params(task: str, c: int, num_downsample: int, classes: str = "transnas") -> int:
    """Parameters of the task head on a backbone of final width ``c``."""
    check_task(task)
    n = 2 + num_downsample
    if task in ("class_scene", "class_object", "room_layout"):
        k = num_classes(task, classes)
        return c * k + k
    if task == "jigsaw":
        return JIGSAW_PIECES * c * JIGSAW_CLASSES + JIGSAW_CLASSES
    if task == "segmentsemantic":
        total, w = _conv(c, 1024), 1024
        for _ in range(6 - n):
            total, w = total + _conv(w, w // 2), w // 2
        for _ in range(n - 1):
            total, w = total + _conv(w, w // 2), w // 2
        return total + _conv(w, w) + _conv(w, SEGMENT_CLASSES, bn=False)
    layers = [(c, 1024), (1024, 1024), (1024, 512), (512, 512), (512, 256), (256, 128),
              (128, 64), (64, 64), (64, 32), (32, 32), (32, 16), (16, 32), (32, 16)]
    return sum(_conv(ci, co) for ci, co in layers) + _conv(16, 3, bn=False)


def encoder_params(arch: Any, space: str) -> Tuple[int, int, int]:
    """(parameters, final width, number of downsampling modules) of the backbone."""
    if space == "micro":
        arch, skeleton = check_micro(arch), MICRO_SKELETON
    else:
        arch = check_macro(arch)
        skeleton = "".join(map(str, unpad(arch)))
    c = BASE_CHANNEL
    total = 3 * (c // 2) * 9 + _bn(c // 2) + (c // 2) * c * 9 + _bn(c)  # stem
    for c_in, c_out, stride in skeleton_plan(c, skeleton):
        for i in range(BLOCKS_PER_MODULE):
            ci, s = (c_in, stride) if i == 0 else (c_out, 1)
            if space == "micro":
                total += _micro_cell_params(arch, ci, c_out, s)
            else:
                total += _basic_block_params(ci, c_out, s)
        c = c_out
    return total, c, sum(int(ch) > 2 for ch in skeleton)


def param_count(arch: Any, space: str, task: str, classes: str = "transnas") -> int:
    """Closed-form raw parameter count of :func:`build_network` (no discriminator)."""
    enc, c, down = encoder_params(arch, space)
    return enc + decoder_params(task, c, down, classes)


# ------------------------------------------------------------------ spaces
class _TNB101Space(SearchSpace):
    datasets = TASKS
    kind = ""

    def input_shape(self, task: str, size: Optional[int] = None) -> Tuple[int, ...]:
        return input_shape(task, size)

    def input_side(self, dataset: str) -> int:
        """256, or 192 for jigsaw: the network cuts a 192-pixel image into the 3x3 tiles
        of 64 pixels the benchmark trained on."""
        check_task(dataset)
        return JIGSAW_GRID * JIGSAW_TILE if dataset == "jigsaw" else IMAGE_SIZE

    def output_shape(self, arch: Any, task: str, classes: str = "transnas",
                     size: Optional[int] = None) -> Tuple[int, ...]:
        down = encoder_params(arch, self.kind)[2]
        return output_shape(task, classes, size, num_downsample=down)

    def build(self, arch: Any, dataset: str = "class_scene", *, classes: str = "transnas",
              num_classes: Optional[int] = None, discriminator: bool = False) -> nn.Module:
        """The untrained TransNAS encoder + ``dataset`` (task) decoder; see the module
        doc for the inputs and outputs."""
        return build_network(arch, self.kind, dataset, classes=classes,
                             num_classes_override=num_classes, discriminator=discriminator)

    def num_params(self, arch: Any, dataset: str = "class_scene", *, unit: str = "M",
                   classes: str = "transnas") -> float:
        """Θ in ``unit`` (closed form, no network is built; equals counting a build)."""
        from ..metric.params import check_unit

        return param_count(arch, self.kind, dataset, classes) / check_unit(unit)

    def decode_value(self, value: Any) -> Any:
        return self._check(integral(value))

    def encode(self, arch: Any) -> Any:
        return self._check(arch)

    def hash(self, arch: Any) -> str:
        return str(self._check(arch))

    def _check(self, arch: Any):
        raise NotImplementedError


@register_space("tnb101_micro")
class TNB101MicroSpace(_TNB101Space):
    """TransNAS-Bench-101 micro (cell-level) space: 4^6 = 4,096 cells, skeleton
    ``64-41414``.  ``crossover_mode``: ``"uniform"`` (each edge from either parent) or
    ``"node"`` (all incoming edges of each cell node from one parent)."""

    kind = "micro"
    aliases = ("transbench101_micro", "tnb101-micro", "transnas_micro", "tnb_micro",
               "tnb101", "transbench101")  # the last two: shared with macro, so ambiguous
    naslib_name = "transbench101_micro"
    label = "TNB-Micro"

    def __init__(self, crossover_mode: str = "uniform"):
        if crossover_mode not in ("uniform", "node"):
            raise ValueError(f"crossover_mode must be 'uniform' or 'node', got {crossover_mode!r}")
        self.crossover_mode = crossover_mode

    def _check(self, arch):
        return check_micro(arch)

    def __iter__(self) -> Iterator[MicroArch]:
        return iter(itertools.product(range(len(MICRO_OPS)), repeat=6))

    def __len__(self) -> int:
        return len(MICRO_OPS) ** 6

    def sample(self, rng: np.random.Generator) -> MicroArch:
        return tuple(int(o) for o in rng.integers(0, len(MICRO_OPS), size=6))

    def mutate(self, arch: MicroArch, rng: np.random.Generator) -> MicroArch:
        """One random edge to a different op (NASLib's TNB101 micro mutation)."""
        arch = list(check_micro(arch))
        pos = int(rng.integers(6))
        choices = [o for o in range(len(MICRO_OPS)) if o != arch[pos]]
        arch[pos] = int(choices[int(rng.integers(len(choices)))])
        return tuple(arch)

    def crossover(self, a: MicroArch, b: MicroArch, rng: np.random.Generator) -> MicroArch:
        a, b = check_micro(a), check_micro(b)
        child = list(a)
        groups = MICRO_NODE_EDGES if self.crossover_mode == "node" else tuple((i,) for i in range(6))
        for group in groups:
            if rng.random() < 0.5:
                for i in group:
                    child[i] = b[i]
        return tuple(child)

    def to_str(self, arch: MicroArch) -> str:
        return micro_to_str(arch)

    def from_str(self, text: str) -> MicroArch:
        return micro_from_str(text)


@register_space("tnb101_macro")
class TNB101MacroSpace(_TNB101Space):
    """TransNAS-Bench-101 macro (skeleton-level) space: 3,256 skeletons of ResNet
    basic blocks.

    ``mutation="local"`` (default): uniformly one of the valid archs one edit away
    (change one module's type, insert a module, or delete one).  ``mutation="naslib"``:
    NASLib's move -- change one of (modules, downsamplings, doublings) and draw a
    random arrangement with those counts.  Crossover: the child takes its length
    from one parent and each module type from either parent (where it has one),
    redrawn until valid (falls back to a parent after 100 tries)."""

    kind = "macro"
    aliases = ("transbench101_macro", "tnb101-macro", "transnas_macro", "tnb_macro",
               "tnb101", "transbench101")  # the last two: shared with micro, so ambiguous
    naslib_name = "transbench101_macro"
    label = "TNB-Macro"

    def __init__(self, mutation: str = "local"):
        if mutation not in ("local", "naslib"):
            raise ValueError(f"mutation must be 'local' or 'naslib', got {mutation!r}")
        self.mutation = mutation

    def _check(self, arch):
        return check_macro(arch)

    def __iter__(self) -> Iterator[MacroArch]:
        return iter(all_macro_archs())

    def __len__(self) -> int:
        return len(all_macro_archs())

    def sample(self, rng: np.random.Generator) -> MacroArch:
        archs = all_macro_archs()
        return archs[int(rng.integers(len(archs)))]

    def neighbours(self, arch: MacroArch) -> List[MacroArch]:
        """Valid archs one edit (change / insert / delete a module) away, sorted."""
        ops = list(unpad(arch))
        cands = set()
        for i in range(len(ops)):
            for o in range(1, 5):
                if o != ops[i]:
                    cands.add(tuple(ops[:i] + [o] + ops[i + 1:]))
            cands.add(tuple(ops[:i] + ops[i + 1:]))
        for i in range(len(ops) + 1):
            for o in range(1, 5):
                cands.add(tuple(ops[:i] + [o] + ops[i:]))
        me = check_macro(arch)
        out = {check_macro(c) for c in cands if is_valid_macro(c)}
        out.discard(me)
        return sorted(out)

    def mutate(self, arch: MacroArch, rng: np.random.Generator) -> MacroArch:
        arch = check_macro(arch)
        if self.mutation == "naslib":
            return self._mutate_naslib(arch, rng)
        nbrs = self.neighbours(arch)
        return nbrs[int(rng.integers(len(nbrs)))]

    @staticmethod
    def _mutate_naslib(arch: MacroArch, rng: np.random.Generator) -> MacroArch:
        counts = list(macro_counts(unpad(arch)))  # r, p, q
        ranges = [range(MACRO_MIN_LEN, MACRO_MAX_LEN + 1),
                  range(MACRO_DOWNSAMPLE[0], MACRO_DOWNSAMPLE[1] + 1),
                  range(MACRO_CHANNEL_X2[0], MACRO_CHANNEL_X2[1] + 1)]
        which = int(rng.integers(3))
        choices = [v for v in ranges[which] if v != counts[which]]
        counts[which] = int(choices[int(rng.integers(len(choices)))])
        r, p, q = counts
        ops = [1 + 2 * int(i < p) + int(i < q) for i in range(r)]
        ops = [int(o) for o in rng.permutation(ops)]
        return check_macro(tuple(ops))

    def crossover(self, a: MacroArch, b: MacroArch, rng: np.random.Generator) -> MacroArch:
        pa, pb = unpad(a), unpad(b)
        for _ in range(100):
            n = len(pa) if rng.random() < 0.5 else len(pb)
            child = []
            for i in range(n):
                opts = [p[i] for p in (pa, pb) if i < len(p)]
                child.append(opts[int(rng.integers(len(opts)))])
            if is_valid_macro(child):
                return check_macro(tuple(child))
        return check_macro(pa if rng.random() < 0.5 else pb)

    def to_str(self, arch: MacroArch) -> str:
        return macro_to_str(arch)

    def from_str(self, text: str) -> MacroArch:
        return macro_from_str(text)


__all__ = [
    "TASKS", "NUM_CLASSES", "MICRO_OPS", "MICRO_EDGES", "MACRO_OPS", "TNB101MicroSpace",
    "TNB101MacroSpace", "input_shape", "output_shape", "num_classes", "check_micro",
    "check_macro", "unpad", "micro_to_str", "micro_from_str", "macro_to_str", "macro_from_str",
    "all_macro_archs", "build_encoder", "build_network", "param_count", "encoder_params",
    "decoder_params",
]
