"""One input batch of real images for scoring: seeded, normalised, (S, 3, H, W) float32.

Sources, by what ``source`` points at:
  * ``.npz`` file with ``images`` uint8 (N, H, W, 3) (as in ../shared/data/images)
  * a CIFAR root holding ``cifar-10-batches-py`` / ``cifar-100-python`` (read directly;
    ``download=True`` fetches it through torchvision for users with internet)
  * an ImageNet16 root holding ``train_data_batch_*`` / ``val_data`` pickles
  * any other folder: images (ImageFolder layout or flat), read with Pillow
  * None: the default real images under ``SWAP_DATA_DIR`` (see :data:`DEFAULT_FILES`);
    with no data directory at all, CIFAR-10 uses the 64 test images embedded in the
    package (:data:`EMBEDDED`, see ``default_images/README.txt``)

:func:`describe_input` says in one line which of these a call reads.
"""
from __future__ import annotations

import os
import pickle
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np
import torch
import torch.nn.functional as F

from ..paths import ENV_VAR, data_dir, data_file
from .normalisation import MEAN_STD, canonical

#: default image file (under SWAP_DATA_DIR) per dataset; IN16 is a labelled stand-in
DEFAULT_FILES = {
    "cifar10": ("images/cifar10_test_1000_jpeg.npz", "images"),
    "cifar100": ("images/cifar100_test_first20_foolbox.npz", "images"),
    "ImageNet16-120": ("images/imagenet16_120_standin_120.npz", "images"),
    "imagenet": ("images/imagenet16_120_standin_120.npz", "images32"),
}
#: images shipped inside the package, used when no data directory exists
EMBEDDED_DIR = Path(__file__).resolve().parent / "default_images"
EMBEDDED = {"cifar10": EMBEDDED_DIR / "cifar10_test_64.npz"}
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".ppm", ".tif", ".tiff"}
_IMAGES_HOW = ("point --data (API: source=) at an .npz of uint8 images (N, H, W, 3), a CIFAR / "
               "ImageNet16 root or an image folder (only CIFAR-10 has images embedded in the package)")


@dataclass(frozen=True)
class ImageSource:
    """What a ``(dataset, source)`` pair reads: ``kind`` is embedded | default (a file of the
    data directory) | npz | cifar | imagenet16 | folder."""

    kind: str
    path: Path
    key: str = "images"


def load_batch(dataset: str = "cifar10", n: int = 32, *, source: Union[str, Path, None] = None,
               seed: int = 0, size: Optional[int] = None, split: str = "test",
               normalize: bool = True, download: bool = False,
               mean: Optional[Sequence[float]] = None, std: Optional[Sequence[float]] = None) -> torch.Tensor:
    """``n`` images of ``dataset`` chosen with ``seed``, as a normalised float batch.

    ``size`` resizes (bilinear, antialiased) to size x size; default keeps the source's
    size. ``split`` selects train/test files where a source has both.

    >>> x = load_batch("cifar10", 4, seed=0)  # 4 of the default (or embedded) CIFAR-10 test images
    >>> x.shape, x.dtype
    (torch.Size([4, 3, 32, 32]), torch.float32)
    """
    name = canonical(dataset) if mean is None else dataset
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive number of images, got {n!r}")
    images = read_images(name, source=source, split=split, download=download)
    if len(images) < n:
        raise ValueError(f"{dataset}: asked for {n} images but the source has only {len(images)} "
                         f"({describe_input(name, source=source, split=split, download=download)[7:]}); "
                         "lower n or point --data (API: source=) at a larger set")
    idx = np.random.default_rng(seed).choice(len(images), size=n, replace=False)
    x = torch.from_numpy(np.ascontiguousarray(images[idx])).permute(0, 3, 1, 2).float() / 255.0
    if size is not None and (x.shape[-1] != size or x.shape[-2] != size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    if normalize:
        m, s = (mean, std) if mean is not None else MEAN_STD[name]
        x = (x - torch.tensor(m).view(1, 3, 1, 1)) / torch.tensor(s).view(1, 3, 1, 1)
    return x.contiguous()


def resolve_source(dataset: str, source=None, download: bool = False) -> ImageSource:
    """Which images :func:`read_images` reads for ``dataset`` and ``source``; raises the
    error that says what is missing and how to point to it."""
    if source is None:
        rel, key = DEFAULT_FILES.get(dataset, (None, None))
        if rel is None:
            raise ValueError(f"no default images for {dataset!r}; pass source=")
        if data_dir(required=False) is None and dataset in EMBEDDED:
            return ImageSource("embedded", EMBEDDED[dataset])
        return ImageSource("default", data_file(*rel.split("/"), how=_IMAGES_HOW), key)
    path = Path(source).expanduser()
    if path.suffix == ".npz":
        return ImageSource("npz", path)
    if dataset in ("cifar10", "cifar100"):
        sub = path / ("cifar-10-batches-py" if dataset == "cifar10" else "cifar-100-python")
        if sub.is_dir() or download:
            return ImageSource("cifar", path)
    if dataset == "ImageNet16-120" and (path / "val_data").exists():
        return ImageSource("imagenet16", path)
    if path.is_dir():
        return ImageSource("folder", path)
    raise FileNotFoundError(f"image source {path} not found: give an .npz file, a CIFAR / ImageNet16 "
                            "root, or an image folder (or download=True for CIFAR)")


def read_images(dataset: str, *, source=None, split: str = "test", download: bool = False) -> np.ndarray:
    """All images of a source as uint8 (N, H, W, 3)."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    src = resolve_source(dataset, source, download)
    if src.kind in ("embedded", "default", "npz"):
        return _npz(src.path, src.key)
    if src.kind == "cifar":
        return _cifar(src.path, dataset, split, download)
    if src.kind == "imagenet16":
        return _imagenet16(src.path, split)
    return _folder(src.path)


def describe_input(dataset: str = "cifar10", n: Optional[int] = None, *, source=None,
                   split: str = "test", download: bool = False) -> str:
    """One line naming the images :func:`load_batch` with these arguments reads, e.g.
    ``input: 32 of 64 embedded CIFAR-10 test images (.../cifar10_test_64.npz; no data
    directory)``. Counts come from file headers, not from decoding the images."""
    name = canonical(dataset) if dataset not in DEFAULT_FILES else dataset
    src = resolve_source(name, source, download)
    total = _count(src, name, split)
    some = f"{n} of {total}" if n is not None and total is not None else (
        str(n) if n is not None else (f"{total}" if total is not None else "the"))
    if src.kind == "embedded":
        rel = src.path.relative_to(EMBEDDED_DIR.parents[2]).as_posix()
        return (f"input: {some} embedded CIFAR-10 test images ({rel}; no data directory: "
                f"{ENV_VAR} unset, no shared/data found)")
    if src.kind == "default":
        how = f"{ENV_VAR}" if os.environ.get(ENV_VAR) else "the shared/data found beside the checkout"
        return f"input: {some} {name} images of {src.path}{'' if src.key == 'images' else f':{src.key}'} ({how})"
    if src.kind == "cifar":
        folder = "cifar-10-batches-py" if name == "cifar10" else "cifar-100-python"
        return f"input: {some} {name} {split} images of {src.path / folder}"
    if src.kind == "imagenet16":
        return f"input: {some} ImageNet16-120 {split} images of {src.path}"
    return f"input: {some} images of {src.path}"


def _count(src: ImageSource, dataset: str, split: str) -> Optional[int]:
    """The number of images a source holds, where that is cheap to know."""
    if src.kind in ("embedded", "default", "npz"):
        try:
            with zipfile.ZipFile(src.path) as zf, zf.open(f"{src.key}.npy") as f:
                version = np.lib.format.read_magic(f)
                shape = (np.lib.format.read_array_header_1_0(f) if version == (1, 0)
                         else np.lib.format.read_array_header_2_0(f))[0]
            return int(shape[0])
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            return int(len(_npz(src.path, src.key)))  # raises the loader's clear error
    if src.kind == "cifar":
        return 50000 if split == "train" else 10000
    if src.kind == "folder":
        return sum(1 for p in src.path.rglob("*") if p.suffix.lower() in _IMAGE_SUFFIXES)
    return None


def open_npz(path: Path, *, needs: str = "uint8 images (N, H, W, 3)"):
    """``np.load(path)`` of an ``.npz`` archive, or a ``ValueError`` that names the file and
    says what is wrong with it (empty, text, a bare ``.npy``, damaged zip) and what to do;
    never numpy's ``allow_pickle`` advice. ``needs`` says what the archive should hold."""
    what = (f"is not a valid .npz of {needs} ({{err}}); write one with "
            "numpy.savez(path, images=uint8_array, ...), or point --data (API: source=) at a CIFAR "
            "root or an image folder instead")
    with open(path, "rb") as f:
        head = f.read(64)
    problem = ("the file is empty" if not head else
               "it holds a single .npy array, not an .npz archive" if head.startswith(b"\x93NUMPY") else
               None if head.startswith(b"PK") else
               "it is a text file, not an .npz (zip) archive" if _is_text(head) else
               f"it is not an .npz (zip) archive: it starts with {head[:8]!r}")
    if problem is None:
        try:
            return np.load(path, allow_pickle=False)
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as err:
            problem = f"a damaged archive: {type(err).__name__}: {err}"
    raise ValueError(f"{path} " + what.format(err=problem))


def read_npz_array(z, path: Path, key: str) -> np.ndarray:
    """Array ``key`` of an open archive; a damaged member is an error naming the file."""
    try:
        return z[key]
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as err:
        raise ValueError(f"{path}: its '{key}' array is unreadable ({type(err).__name__}: {err}); "
                         "the .npz is damaged: write it again with numpy.savez") from None


def _npz(path: Path, key: str) -> np.ndarray:
    if not path.exists():
        raise FileNotFoundError(f"image file {path} not found; {_IMAGES_HOW}, or set {ENV_VAR}")
    z = open_npz(path)
    with z:
        if key not in z and "images" in z:
            key = "images"
        if key not in z:
            raise ValueError(f"{path} has no '{key}' array (keys: {list(z.keys())}); expected "
                             "uint8 images of shape (N, H, W, 3)")
        arr = read_npz_array(z, path, key)
    if arr.dtype != np.uint8 or arr.ndim != 4 or arr.shape[-1] != 3:
        raise ValueError(f"{path}:{key} must be uint8 (N, H, W, 3), got {arr.dtype} {arr.shape}")
    return arr


def _is_text(head: bytes) -> bool:
    """Whether a file's first bytes read as text (a character cut at the end is allowed)."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(head) - 3:
            return False
        text = head[:err.start].decode("utf-8")
    return all(c.isprintable() or c.isspace() for c in text)


def _cifar(root: Path, dataset: str, split: str, download: bool) -> np.ndarray:
    """The python-pickle CIFAR release that torchvision also reads."""
    if download:
        try:
            import torchvision  # noqa: F401  lazily: only users who download need it
            from torchvision import datasets
        except Exception as err:  # pragma: no cover - depends on the user's install
            raise ImportError("download=True needs torchvision (pip install 'swap_plugin[naslib]')") from err
        cls = datasets.CIFAR10 if dataset == "cifar10" else datasets.CIFAR100
        return np.asarray(cls(str(root), train=split == "train", download=True).data)
    if dataset == "cifar10":
        files = [f"data_batch_{i}" for i in range(1, 6)] if split == "train" else ["test_batch"]
        folder = root / "cifar-10-batches-py"
    else:
        files, folder = [split], root / "cifar-100-python"
    chunks = []
    for f in files:
        with open(folder / f, "rb") as fh:
            d = pickle.load(fh, encoding="latin1")
        chunks.append(np.asarray(d["data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
    return np.concatenate(chunks).transpose(0, 2, 3, 1)


def _imagenet16(root: Path, split: str, n_classes: int = 120) -> np.ndarray:
    """NB201's ImageNet16 pickles (labels 1..1000; ImageNet16-120 keeps labels <= 120)."""
    files = sorted(root.glob("train_data_batch_*")) if split == "train" else [root / "val_data"]
    chunks = []
    for f in files:
        with open(f, "rb") as fh:
            d = pickle.load(fh, encoding="latin1")
        data = np.asarray(d["data"], dtype=np.uint8).reshape(-1, 3, 16, 16)
        keep = np.asarray(d["labels"]) <= n_classes
        chunks.append(data[keep])
    return np.concatenate(chunks).transpose(0, 2, 3, 1)


def _folder(root: Path) -> np.ndarray:
    try:
        from PIL import Image
    except ImportError as err:  # pragma: no cover
        raise ImportError("reading an image folder needs Pillow: pip install pillow") from err
    paths = sorted(p for p in root.rglob("*") if p.suffix.lower() in _IMAGE_SUFFIXES)
    if not paths:
        raise FileNotFoundError(f"no images ({sorted(_IMAGE_SUFFIXES)}) under {root}")
    arrays = [np.asarray(Image.open(p).convert("RGB")) for p in paths]
    if len({a.shape for a in arrays}) > 1:
        h = min(a.shape[0] for a in arrays)
        w = min(a.shape[1] for a in arrays)
        arrays = [np.asarray(Image.open(p).convert("RGB").resize((w, h), Image.BILINEAR)) for p in paths]
    return np.stack(arrays)
