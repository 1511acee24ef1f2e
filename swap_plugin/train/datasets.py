"""Labelled images and the DARTS augmentation pipelines, in plain torch (no torchvision).

Sources (``read_split``), by what ``source`` points at:

* an ``.npz`` with uint8 ``images`` (N, H, W, 3) (or another key, ``key=``) and integer
  ``labels``: one set, used for both splits (``class_names`` kept when present);
* a CIFAR root holding ``cifar-10-batches-py`` / ``cifar-100-python`` (or that folder
  itself): ``data_batch_1..5`` / ``test_batch`` (``train`` / ``test``), read directly;
  ``download=True`` lets torchvision fetch the archive first (the only torchvision use);
* an ImageFolder root with ``train/`` and ``val/`` (or ``test/``) sub-folders of class
  folders (ImageNet's layout), decoded lazily with Pillow; a root whose sub-folders are
  the classes themselves is one set used for both splits.

Augmentation (per sample, on uint8 CHW tensors; randomness from a numpy generator
seeded by ``(seed, epoch, index)``, so a sample's augmentation does not depend on the
number of loader workers, the batch it lands in, or a resume):

* CIFAR (DARTS ``_data_transforms_cifar10``): zero-pad 4 + random 32x32 crop, horizontal
  flip (p=0.5), scale to [0, 1], normalise, cutout (a ``length`` square centred on a
  uniform pixel, clipped at the borders, set to 0 after normalisation, as DARTS' Cutout);
* ImageNet (DARTS ``train_imagenet.py``): RandomResizedCrop (scale 0.08-1, ratio 3/4-4/3,
  10 tries then a centre crop, as torchvision) resized bilinearly with antialiasing,
  flip, ColorJitter(brightness 0.4, contrast 0.4, saturation 0.4, hue 0.2) in a random
  order, normalise; evaluation: shorter side to ``size * 256 / 224``, centre crop.
"""
from __future__ import annotations

import math
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset, Sampler

from ..data import MEAN_STD
from ..data.batches import open_npz, read_npz_array

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".ppm", ".tif", ".tiff"}
NATIVE_CLASSES = {"cifar10": 10, "cifar100": 100, "imagenet": 1000}


# ===================================================================== readers
@dataclass
class ImageSet:
    """Labelled images: in memory (``images`` uint8 N x H x W x 3) or as files (``paths``)."""

    labels: np.ndarray
    images: Optional[np.ndarray] = None
    paths: Optional[List[Path]] = None
    classes: Optional[List[str]] = None
    source: str = ""

    def __post_init__(self) -> None:
        self.labels = np.asarray(self.labels, dtype=np.int64).reshape(-1)
        n = len(self.images) if self.images is not None else len(self.paths or [])
        if n != len(self.labels):
            raise ValueError(f"{self.source}: {n} images but {len(self.labels)} labels")
        if n == 0:
            raise ValueError(f"{self.source}: no images")
        if self.labels.min() < 0:
            raise ValueError(f"{self.source}: negative labels")

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def num_classes(self) -> int:
        return len(self.classes) if self.classes else int(self.labels.max()) + 1

    def load(self, i: int) -> torch.Tensor:
        """Image ``i`` as a uint8 (3, H, W) tensor."""
        if self.images is not None:
            return torch.from_numpy(np.ascontiguousarray(self.images[i])).permute(2, 0, 1)
        from PIL import Image

        with Image.open(self.paths[i]) as im:
            arr = np.asarray(im.convert("RGB"))
        return torch.from_numpy(arr.copy()).permute(2, 0, 1)

    def subset(self, n: int) -> "ImageSet":
        """The first ``n`` images (for quick runs)."""
        return ImageSet(self.labels[:n], None if self.images is None else self.images[:n],
                        None if self.paths is None else self.paths[:n], self.classes, self.source)


def read_split(dataset: str, source: Union[str, Path], split: str, *, key: str = "images",
               download: bool = False) -> Tuple[ImageSet, bool]:
    """``(images, has_split)``: the ``split`` ("train" / "test") of ``source``;
    ``has_split`` is False when the source has no separate splits (both are the same set)."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    path = Path(source).expanduser()
    if path.suffix == ".npz":
        return read_npz(path, key), False
    if dataset in ("cifar10", "cifar100"):
        root = _cifar_folder(path, dataset)
        if root is None and download:
            _download_cifar(path, dataset)
            root = _cifar_folder(path, dataset)
        if root is not None:
            return read_cifar(root, dataset, split), True
    if path.is_dir():
        return read_image_folder(path, split)
    raise FileNotFoundError(f"training data {path} not found: give an .npz with images and labels, a CIFAR "
                            "root (cifar-10-batches-py), or an ImageFolder root with train/ and val/")


def read_npz(path: Path, key: str = "images") -> ImageSet:
    if not path.exists():
        raise FileNotFoundError(f"{path} not found")
    with open_npz(path, needs="uint8 images (N, H, W, 3) and integer labels") as z:
        if key not in z:
            raise ValueError(f"{path} has no {key!r} array (keys: {list(z.keys())})")
        if "labels" not in z:
            raise ValueError(f"{path} has no 'labels' array; training needs labels (keys: {list(z.keys())})")
        images, labels = read_npz_array(z, path, key), read_npz_array(z, path, "labels")
        classes = [str(c) for c in read_npz_array(z, path, "class_names")] if "class_names" in z else None
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"{path}:{key} must be uint8 (N, H, W, 3), got {images.dtype} {images.shape}")
    return ImageSet(labels, images=images, classes=classes, source=f"{path}:{key}")


def _cifar_folder(path: Path, dataset: str) -> Optional[Path]:
    name = "cifar-10-batches-py" if dataset == "cifar10" else "cifar-100-python"
    marker = "test_batch" if dataset == "cifar10" else "test"
    for cand in (path / name, path):
        if (cand / marker).is_file():
            return cand
    return None


def read_cifar(folder: Path, dataset: str, split: str) -> ImageSet:
    """The python-pickle CIFAR release (the files torchvision reads)."""
    if dataset == "cifar10":
        files = [f"data_batch_{i}" for i in range(1, 6)] if split == "train" else ["test_batch"]
        label_key, meta, meta_key = "labels", "batches.meta", "label_names"
    else:
        files, label_key, meta, meta_key = [split], "fine_labels", "meta", "fine_label_names"
    images, labels = [], []
    for f in files:
        with open(folder / f, "rb") as fh:
            d = pickle.load(fh, encoding="latin1")
        images.append(np.asarray(d["data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
        labels.append(np.asarray(d[label_key], dtype=np.int64))
    classes = None
    if (folder / meta).is_file():
        with open(folder / meta, "rb") as fh:
            classes = list(pickle.load(fh, encoding="latin1")[meta_key])
    return ImageSet(np.concatenate(labels), images=np.concatenate(images).transpose(0, 2, 3, 1),
                    classes=classes, source=f"{folder} ({split})")


def _download_cifar(root: Path, dataset: str) -> None:
    try:
        from torchvision import datasets
    except Exception as err:  # pragma: no cover - depends on the user's install
        raise ImportError("--download needs torchvision (pip install torchvision)") from err
    cls = datasets.CIFAR10 if dataset == "cifar10" else datasets.CIFAR100
    for train in (True, False):
        cls(str(root), train=train, download=True)


def _class_dirs(root: Path) -> List[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def _images_under(folder: Path) -> List[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in _IMAGE_SUFFIXES)


def read_image_folder(root: Path, split: str) -> Tuple[ImageSet, bool]:
    """ImageFolder layout: ``root/{train,val|test}/<class>/<image>``; classes are the
    sorted folder names of ``train/`` (as torchvision's ImageFolder)."""
    train_dir = root / "train"
    test_dir = next((root / d for d in ("val", "test") if (root / d).is_dir()), None)
    has_split = train_dir.is_dir() and test_dir is not None
    class_root = train_dir if has_split else root
    classes = [p.name for p in _class_dirs(class_root)]
    if not classes:
        raise FileNotFoundError(f"{root}: no class folders (expected train/<class>/... and val/<class>/...)")
    folder = (train_dir if split == "train" else test_dir) if has_split else root
    index = {c: i for i, c in enumerate(classes)}
    paths, labels = [], []
    for cdir in _class_dirs(folder):
        if cdir.name not in index:
            raise ValueError(f"{cdir}: class {cdir.name!r} is not among the training classes")
        files = _images_under(cdir)
        paths += files
        labels += [index[cdir.name]] * len(files)
    if not paths:
        raise FileNotFoundError(f"no images ({sorted(_IMAGE_SUFFIXES)}) under {folder}")
    return ImageSet(np.asarray(labels), paths=paths, classes=classes, source=f"{folder}"), has_split


# ================================================================ transforms
def _normalise(x: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    return (x - torch.tensor(mean).view(3, 1, 1)) / torch.tensor(std).view(3, 1, 1)


def random_crop(img: torch.Tensor, size: int, padding: int, rng: np.random.Generator) -> torch.Tensor:
    """Zero-pad ``padding`` pixels on every side, then a uniform ``size`` x ``size`` crop."""
    if padding:
        img = F.pad(img, (padding, padding, padding, padding))
    h, w = img.shape[-2:]
    if h < size or w < size:
        raise ValueError(f"crop {size} larger than the padded image {h}x{w}")
    top = int(rng.integers(0, h - size + 1))
    left = int(rng.integers(0, w - size + 1))
    return img[..., top:top + size, left:left + size]


def random_flip(img: torch.Tensor, rng: np.random.Generator, p: float = 0.5) -> torch.Tensor:
    return img.flip(-1) if rng.random() < p else img


def cutout(img: torch.Tensor, length: int, rng: np.random.Generator) -> torch.Tensor:
    """DARTS Cutout: zero a ``length`` square centred on a uniform pixel (clipped)."""
    if length <= 0:
        return img
    h, w = img.shape[-2:]
    y, x = int(rng.integers(h)), int(rng.integers(w))
    y1, y2 = max(y - length // 2, 0), min(y + length // 2, h)
    x1, x2 = max(x - length // 2, 0), min(x + length // 2, w)
    img = img.clone()
    img[..., y1:y2, x1:x2] = 0.0
    return img


def resize(img: torch.Tensor, size: Tuple[int, int]) -> torch.Tensor:
    """Bilinear, antialiased (like PIL when shrinking), float (C, H, W) -> (C, *size)."""
    if tuple(img.shape[-2:]) == tuple(size):
        return img
    return F.interpolate(img[None], size=size, mode="bilinear", align_corners=False,
                         antialias=True)[0]


def resized_crop_params(h: int, w: int, scale: Sequence[float], ratio: Sequence[float],
                        rng: np.random.Generator) -> Tuple[int, int, int, int]:
    """torchvision ``RandomResizedCrop.get_params``: ``(top, left, height, width)``."""
    area = h * w
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(10):
        target = area * rng.uniform(scale[0], scale[1])
        aspect = math.exp(rng.uniform(*log_ratio))
        cw = int(round(math.sqrt(target * aspect)))
        ch = int(round(math.sqrt(target / aspect)))
        if 0 < cw <= w and 0 < ch <= h:
            return int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1)), ch, cw
    in_ratio = w / h
    if in_ratio < min(ratio):
        cw, ch = w, int(round(w / min(ratio)))
    elif in_ratio > max(ratio):
        ch, cw = h, int(round(h * max(ratio)))
    else:
        cw, ch = w, h
    return (h - ch) // 2, (w - cw) // 2, ch, cw


def _gray(img: torch.Tensor) -> torch.Tensor:
    return (0.2989 * img[0] + 0.587 * img[1] + 0.114 * img[2]).unsqueeze(0)


def _blend(a: torch.Tensor, b: torch.Tensor, ratio: float) -> torch.Tensor:
    return (ratio * a + (1.0 - ratio) * b).clamp_(0.0, 1.0)


def rgb_to_hsv(img: torch.Tensor) -> torch.Tensor:
    r, g, b = img.unbind(0)
    maxc, _ = img.max(0)
    minc, _ = img.min(0)
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    crd = torch.where(eqc, ones, cr)
    rc, gc, bc = (maxc - r) / crd, (maxc - g) / crd, (maxc - b) / crd
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = torch.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return torch.stack((h, s, maxc))


def hsv_to_rgb(img: torch.Tensor) -> torch.Tensor:
    h, s, v = img.unbind(0)
    i = torch.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.to(torch.int64) % 6
    p = (v * (1.0 - s)).clamp(0.0, 1.0)
    q = (v * (1.0 - s * f)).clamp(0.0, 1.0)
    t = (v * (1.0 - s * (1.0 - f))).clamp(0.0, 1.0)
    table = torch.stack((torch.stack((v, q, p, p, t, v)),    # r for sector 0..5
                         torch.stack((t, v, v, q, p, p)),    # g
                         torch.stack((p, p, t, v, v, q))))   # b, shape (3, 6, H, W)
    return table.gather(1, i.expand(3, 1, *i.shape)).squeeze(1)


def color_jitter(img: torch.Tensor, jitter: Sequence[float], rng: np.random.Generator) -> torch.Tensor:
    """torchvision ColorJitter(brightness, contrast, saturation, hue) on a float [0, 1]
    image: factors uniform in [max(0, 1 - x), 1 + x] (hue in [-x, x]), random order."""
    b, c, s, hue = (float(v) for v in jitter)
    if not any((b, c, s, hue)):
        return img
    for k in rng.permutation(4):
        if k == 0 and b > 0:
            img = (img * rng.uniform(max(0.0, 1 - b), 1 + b)).clamp_(0.0, 1.0)
        elif k == 1 and c > 0:
            img = _blend(img, _gray(img).mean(), rng.uniform(max(0.0, 1 - c), 1 + c))
        elif k == 2 and s > 0:
            img = _blend(img, _gray(img), rng.uniform(max(0.0, 1 - s), 1 + s))
        elif k == 3 and hue > 0:
            hsv = rgb_to_hsv(img)
            hsv[0] = torch.remainder(hsv[0] + rng.uniform(-hue, hue), 1.0)
            img = hsv_to_rgb(hsv)
    return img


class CifarTrainTransform:
    """Random crop with zero padding, flip, [0, 1], normalise, cutout."""

    random = True

    def __init__(self, mean, std, *, size: Optional[int] = None, padding: int = 4, cutout: int = 16):
        self.mean, self.std, self.size, self.padding, self.cutout = mean, std, size, padding, cutout

    def __call__(self, img: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
        size = self.size or img.shape[-1]
        if img.shape[-1] != size or img.shape[-2] != size:
            img = resize(img.float(), (size, size)).round().clamp(0, 255).to(torch.uint8)
        img = random_flip(random_crop(img, size, self.padding, rng), rng)
        x = _normalise(img.float() / 255.0, self.mean, self.std)
        return cutout(x, self.cutout, rng)


class ImageNetTrainTransform:
    """RandomResizedCrop, flip, colour jitter, normalise."""

    random = True

    def __init__(self, mean, std, *, size: int = 224, scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3),
                 jitter=(0.4, 0.4, 0.4, 0.2)):
        self.mean, self.std, self.size = mean, std, size
        self.scale, self.ratio, self.jitter = scale, ratio, jitter

    def __call__(self, img: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
        top, left, h, w = resized_crop_params(img.shape[-2], img.shape[-1], self.scale, self.ratio, rng)
        x = resize(img[..., top:top + h, left:left + w].float(), (self.size, self.size)) / 255.0
        x = random_flip(x.clamp_(0.0, 1.0), rng)
        x = color_jitter(x, self.jitter, rng)
        return _normalise(x, self.mean, self.std)


class EvalTransform:
    """Normalise; with ``size``: shorter side to ``round(size * resize_ratio)``, centre crop
    (ImageNet ``Resize(256)`` + ``CenterCrop(224)``); images already size x size are kept."""

    random = False

    def __init__(self, mean, std, *, size: Optional[int] = None, resize_ratio: float = 256 / 224):
        self.mean, self.std, self.size, self.resize_ratio = mean, std, size, resize_ratio

    def __call__(self, img: torch.Tensor, rng=None) -> torch.Tensor:
        x = img.float()
        h, w = x.shape[-2:]
        if self.size and (h, w) != (self.size, self.size):
            short = int(round(self.size * self.resize_ratio))
            nh, nw = (short, int(short * w / h)) if h <= w else (int(short * h / w), short)
            x = resize(x, (nh, nw))
            top, left = int(round((nh - self.size) / 2)), int(round((nw - self.size) / 2))
            x = x[..., top:top + self.size, left:left + self.size]
        return _normalise(x.clamp(0, 255) / 255.0, self.mean, self.std)


def make_transforms(protocol, dataset: str) -> Tuple[Callable, Callable]:
    """``(train, eval)`` transforms of a :class:`~swap_plugin.train.protocol.TrainProtocol`."""
    mean, std = MEAN_STD["imagenet" if dataset == "imagenet" else dataset]
    if protocol.augment == "cifar":
        train = CifarTrainTransform(mean, std, size=protocol.image_size, padding=protocol.crop_padding,
                                    cutout=protocol.cutout)
        test = EvalTransform(mean, std, size=protocol.image_size, resize_ratio=1.0)
    else:
        size = protocol.image_size or 224
        train = ImageNetTrainTransform(mean, std, size=size, scale=protocol.resize_scale,
                                       ratio=protocol.resize_ratio, jitter=protocol.color_jitter)
        if protocol.cutout:
            train = _WithCutout(train, protocol.cutout)
        test = EvalTransform(mean, std, size=size, resize_ratio=protocol.eval_resize)
    return train, test


class _WithCutout:
    random = True

    def __init__(self, inner, length):
        self.inner, self.length = inner, length

    def __call__(self, img, rng):
        return cutout(self.inner(img, rng), self.length, rng)


# ======================================================== dataset and sampler
def sample_rng(seed: int, epoch: int, index: int) -> np.random.Generator:
    """The generator of one sample's augmentation in one epoch."""
    return np.random.default_rng([int(seed), 1, int(epoch), int(index)])


class AugmentedDataset(Dataset):
    """``ImageSet`` + transform. Keys are ``(index, epoch)`` pairs (from
    :class:`EpochSampler`) or plain indices (epoch 0)."""

    def __init__(self, data: ImageSet, transform: Callable, seed: int = 0):
        self.data, self.transform, self.seed = data, transform, int(seed)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, key):
        i, epoch = key if isinstance(key, tuple) else (int(key), 0)
        rng = sample_rng(self.seed, epoch, i) if getattr(self.transform, "random", True) else None
        return self.transform(self.data.load(i), rng), int(self.data.labels[i])


class EpochSampler(Sampler):
    """Yields ``(index, epoch)``; with ``shuffle`` a permutation seeded by (seed, epoch)."""

    def __init__(self, n: int, *, seed: int = 0, shuffle: bool = True):
        self.n, self.seed, self.shuffle, self.epoch = int(n), int(seed), shuffle, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def order(self) -> np.ndarray:
        if not self.shuffle:
            return np.arange(self.n)
        return np.random.default_rng([self.seed, 0, self.epoch]).permutation(self.n)

    def __iter__(self) -> Iterator[Tuple[int, int]]:
        return iter([(int(i), self.epoch) for i in self.order()])

    def __len__(self) -> int:
        return self.n


__all__ = ["ImageSet", "read_split", "read_npz", "read_cifar", "read_image_folder",
           "random_crop", "random_flip", "cutout", "resize", "resized_crop_params", "color_jitter",
           "rgb_to_hsv", "hsv_to_rgb", "CifarTrainTransform", "ImageNetTrainTransform",
           "EvalTransform", "make_transforms", "AugmentedDataset", "EpochSampler", "sample_rng",
           "NATIVE_CLASSES"]
