"""The DARTS evaluation protocols (train a found cell from scratch), as dataclasses.

Numbers are those of the DARTS paper (Liu et al., ICLR 2019, Sec. 3.2 / A.2) and its
code (quark0/darts ``cnn/train.py``, ``cnn/train_imagenet.py``), which SWAP-NAS follows
for its CIFAR-10 and ImageNet results:

=================  =========================  ==========================================
                   ``cifar10`` (also C-100)   ``imagenet`` (mobile setting)
=================  =========================  ==========================================
epochs             600                        250
batch / lr         96 / 0.025                 128 / 0.1
schedule           cosine to 0 (per epoch)    x0.97 per epoch (StepLR(1, 0.97))
SGD                momentum 0.9, wd 3e-4      momentum 0.9, wd 3e-5
network            C=36, 20 cells             C=48, 14 cells, 224x224
auxiliary weight   0.4                        0.4
drop path          0.2 (linear ramp)          0 (DARTS' default)
label smoothing    --                         0.1 (training loss, main and aux)
augmentation       crop 32 pad 4, flip,       RandomResizedCrop 224, flip,
                   cutout 16                  ColorJitter(0.4, 0.4, 0.4, 0.2)
grad clip          5 (global L2 norm)         5
=================  =========================  ==========================================

``imagenet-pdarts`` is the large-batch variant of P-DARTS / PC-DARTS (batch 1024, lr
0.5, 5 warm-up epochs, linear decay to 0 with P-DARTS' gentler last 5 epochs), for
users with 8 GPUs; everything else as ``imagenet``.

Epoch indices are 0-based. The learning rate of epoch ``e`` is the value DARTS used
(its ``scheduler.step()`` ran before each epoch on PyTorch 0.3/0.4, whose schedulers
started at ``last_epoch = -1``, so epoch 0 trains at the initial lr):

* cosine: ``lr_min + (lr - lr_min) * (1 + cos(pi * e / epochs)) / 2``
* step:   ``lr * gamma ** (e // step)``
* linear (P-DARTS ``adjust_lr``): ``lr * (E - 5 - e) / (E - 5)`` while ``E - e > 5``,
  then ``lr * (e - E + 6) / (5 * (E - 5))``

times ``(e + 1) / warmup_epochs`` during warm-up. Drop-path probability of epoch ``e``:
``drop_path * e / epochs`` (0 in epoch 0).

Batch size and lr: when only the batch size is changed (:meth:`TrainProtocol.with_overrides`
with ``scale_lr=True``, the CLI default) the lr follows the linear scaling rule
``lr * batch / lr_reference_batch`` from the protocol's own (batch, lr) pair, e.g.
ImageNet ``0.1 * 256 / 128 = 0.2``; an explicit lr is used as given.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Dict, Optional, Tuple


@dataclass(frozen=True)
class TrainProtocol:
    """Every hyper-parameter of one evaluation protocol (see the module docstring)."""

    name: str
    augment: str                      # "cifar" | "imagenet": which augmentation pipeline
    epochs: int
    batch_size: int
    lr: float
    lr_schedule: str                  # "cosine" | "step" | "linear"
    lr_reference_batch: int           # the batch size `lr` was tuned for (linear scaling)
    momentum: float = 0.9
    weight_decay: float = 3e-4
    grad_clip: float = 5.0
    channels: int = 36                # C, initial channels
    layers: int = 20                  # cells
    auxiliary_weight: float = 0.4     # 0 disables the auxiliary head
    drop_path: float = 0.2            # final drop-path probability of the linear ramp
    cutout: int = 16                  # cutout side in pixels (0: none)
    label_smoothing: float = 0.0      # training loss only; evaluation uses plain CE
    lr_min: float = 0.0               # cosine floor (DARTS: 0)
    lr_gamma: float = 0.97            # step schedule factor
    lr_step: int = 1                  # step schedule period in epochs
    warmup_epochs: int = 0            # linear warm-up (P-DARTS: 5 when batch > 256)
    image_size: Optional[int] = None  # training crop side; None: the images' own (CIFAR 32)
    crop_padding: int = 4             # CIFAR random-crop zero padding
    color_jitter: Tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # b, c, s, hue
    resize_scale: Tuple[float, float] = (0.08, 1.0)        # RandomResizedCrop area range
    resize_ratio: Tuple[float, float] = (3 / 4, 4 / 3)     # RandomResizedCrop aspect range
    eval_resize: float = 256 / 224    # ImageNet eval: shorter side -> size * this, centre crop

    def __post_init__(self) -> None:
        if self.lr_schedule not in ("cosine", "step", "linear"):
            raise ValueError(f"lr_schedule must be cosine, step or linear, got {self.lr_schedule!r}")
        if self.augment not in ("cifar", "imagenet"):
            raise ValueError(f"augment must be 'cifar' or 'imagenet', got {self.augment!r}")
        for k in ("epochs", "batch_size", "channels", "layers", "lr_reference_batch", "lr_step"):
            if int(getattr(self, k)) < 1:
                raise ValueError(f"{k} must be >= 1, got {getattr(self, k)!r}")
        if self.lr <= 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")
        if not 0.0 <= self.drop_path < 1.0:
            raise ValueError(f"drop_path must be in [0, 1), got {self.drop_path}")
        if self.cutout < 0 or self.auxiliary_weight < 0 or self.warmup_epochs < 0:
            raise ValueError("cutout, auxiliary_weight and warmup_epochs must be >= 0")
        if not 0.0 <= self.label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), got {self.label_smoothing}")

    # ---------------------------------------------------------------- schedules
    def lr_at(self, epoch: int) -> float:
        """Learning rate used throughout 0-based ``epoch``."""
        e, E = int(epoch), self.epochs
        if self.lr_schedule == "cosine":
            lr = self.lr_min + (self.lr - self.lr_min) * (1 + math.cos(math.pi * e / E)) / 2
        elif self.lr_schedule == "step":
            lr = self.lr * self.lr_gamma ** (e // self.lr_step)
        else:  # P-DARTS / PC-DARTS adjust_lr
            tail = min(5, E - 1)
            if E - e > tail:
                lr = self.lr * (E - tail - e) / (E - tail)
            else:
                lr = self.lr * (e - E + tail + 1) / ((E - tail) * tail)
        if e < self.warmup_epochs:
            lr *= (e + 1) / self.warmup_epochs
        return lr

    def drop_path_at(self, epoch: int) -> float:
        """DARTS' linear ramp ``drop_path * epoch / epochs``."""
        return self.drop_path * int(epoch) / self.epochs

    @property
    def auxiliary(self) -> bool:
        return self.auxiliary_weight > 0

    # ---------------------------------------------------------------- overrides
    def with_overrides(self, *, scale_lr: bool = True, **changes) -> "TrainProtocol":
        """A copy with ``changes`` (``None`` values ignored). Changing ``batch_size``
        without ``lr`` rescales the lr linearly when ``scale_lr`` (see module doc)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"unknown protocol fields {sorted(unknown)}")
        if scale_lr and "batch_size" in changes and "lr" not in changes \
                and changes["batch_size"] != self.batch_size:
            changes["lr"] = self.scaled_lr(changes["batch_size"])
        for k in ("color_jitter", "resize_scale", "resize_ratio"):
            if k in changes:
                changes[k] = tuple(float(v) for v in changes[k])
        return dataclasses.replace(self, **changes)

    def scaled_lr(self, batch_size: int) -> float:
        """Linear scaling rule from the protocol's (lr_reference_batch, lr) pair."""
        return self.lr * batch_size / self.lr_reference_batch

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}

    @classmethod
    def from_dict(cls, d: dict) -> "TrainProtocol":
        names = {f.name for f in dataclasses.fields(cls)}
        kw = {k: tuple(v) if isinstance(v, list) else v for k, v in d.items() if k in names}
        return cls(**kw)


#: DARTS CIFAR-10 (also used unchanged for CIFAR-100), ``cnn/train.py``
DARTS_CIFAR = TrainProtocol(
    name="cifar10", augment="cifar", epochs=600, batch_size=96, lr=0.025,
    lr_schedule="cosine", lr_reference_batch=96, momentum=0.9, weight_decay=3e-4,
    grad_clip=5.0, channels=36, layers=20, auxiliary_weight=0.4, drop_path=0.2, cutout=16,
    label_smoothing=0.0, image_size=None,
)

#: DARTS ImageNet mobile setting, ``cnn/train_imagenet.py`` with the paper's numbers
DARTS_IMAGENET = TrainProtocol(
    name="imagenet", augment="imagenet", epochs=250, batch_size=128, lr=0.1,
    lr_schedule="step", lr_gamma=0.97, lr_step=1, lr_reference_batch=128, momentum=0.9,
    weight_decay=3e-5, grad_clip=5.0, channels=48, layers=14, auxiliary_weight=0.4,
    drop_path=0.0, cutout=0, label_smoothing=0.1, image_size=224,
    color_jitter=(0.4, 0.4, 0.4, 0.2),
)

#: P-DARTS / PC-DARTS ImageNet: batch 1024 on 8 GPUs, lr 0.5, 5 warm-up epochs, linear decay
PDARTS_IMAGENET = dataclasses.replace(
    DARTS_IMAGENET, name="imagenet-pdarts", batch_size=1024, lr=0.5, lr_schedule="linear",
    lr_reference_batch=1024, warmup_epochs=5,
)

PROTOCOLS: Dict[str, TrainProtocol] = {p.name: p for p in (DARTS_CIFAR, DARTS_IMAGENET, PDARTS_IMAGENET)}
PROTOCOLS["cifar100"] = dataclasses.replace(DARTS_CIFAR, name="cifar100")

#: dataset -> its default protocol
DEFAULT_PROTOCOL = {"cifar10": "cifar10", "cifar100": "cifar100", "imagenet": "imagenet"}


def get_protocol(name: str, **overrides) -> TrainProtocol:
    """A protocol by name (``cifar10``, ``cifar100``, ``imagenet``, ``imagenet-pdarts``),
    with :meth:`TrainProtocol.with_overrides` applied."""
    key = name.lower()
    if key not in PROTOCOLS:
        raise ValueError(f"unknown training protocol {name!r}; choose one of {sorted(PROTOCOLS)}")
    return PROTOCOLS[key].with_overrides(**overrides) if overrides else PROTOCOLS[key]


__all__ = ["TrainProtocol", "PROTOCOLS", "DEFAULT_PROTOCOL", "DARTS_CIFAR", "DARTS_IMAGENET",
           "PDARTS_IMAGENET", "get_protocol"]
