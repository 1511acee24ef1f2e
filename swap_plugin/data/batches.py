"""One input batch of real images for scoring: seeded, normalised, (S, 3, H, W) float32.

Sources, by what ``source`` points at:
  * ``.npz`` file with ``images`` uint8 (N, H, W, 3) (as in ../shared/data/images)
  * a CIFAR root holding ``cifar-10-batches-py`` / ``cifar-100-python`` (read directly;
    ``download=True`` fetches it through torchvision for users with internet)
  * an ImageNet16 root holding ``train_data_batch_*`` / ``val_data`` pickles
  * any other folder: images (ImageFolder layout or flat), read with Pillow
  * None: the default real images under ``SWAP_DATA_DIR`` (see :data:`DEFAULT_FILES`)
"""
from __future__ import annotations

import pickle
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np
import torch
import torch.nn.functional as F

from ..paths import data_dir
from .normalisation import MEAN_STD, canonical

#: default image file (under SWAP_DATA_DIR) per dataset; IN16 is a labelled stand-in
DEFAULT_FILES = {
    "cifar10": ("images/cifar10_test_1000_jpeg.npz", "images"),
    "cifar100": ("images/cifar100_test_first20_foolbox.npz", "images"),
    "ImageNet16-120": ("images/imagenet16_120_standin_120.npz", "images"),
    "imagenet": ("images/imagenet16_120_standin_120.npz", "images32"),
}
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".ppm", ".tif", ".tiff"}


def load_batch(dataset: str = "cifar10", n: int = 32, *, source: Union[str, Path, None] = None,
               seed: int = 0, size: Optional[int] = None, split: str = "test",
               normalize: bool = True, download: bool = False,
               mean: Optional[Sequence[float]] = None, std: Optional[Sequence[float]] = None) -> torch.Tensor:
    """``n`` images of ``dataset`` chosen with ``seed``, as a normalised float batch.

    ``size`` resizes (bilinear, antialiased) to size x size; default keeps the source's
    size. ``split`` selects train/test files where a source has both.

    >>> x = load_batch("cifar10", 4, seed=0)  # 4 of the default CIFAR-10 test images
    >>> x.shape, x.dtype
    (torch.Size([4, 3, 32, 32]), torch.float32)
    """
    name = canonical(dataset) if mean is None else dataset
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive number of images, got {n!r}")
    images = read_images(name, source=source, split=split, download=download)
    if len(images) < n:
        raise ValueError(f"{dataset}: asked for {n} images but the source has only {len(images)}; "
                         "lower n or point source= at a larger set")
    idx = np.random.default_rng(seed).choice(len(images), size=n, replace=False)
    x = torch.from_numpy(np.ascontiguousarray(images[idx])).permute(0, 3, 1, 2).float() / 255.0
    if size is not None and (x.shape[-1] != size or x.shape[-2] != size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    if normalize:
        m, s = (mean, std) if mean is not None else MEAN_STD[name]
        x = (x - torch.tensor(m).view(1, 3, 1, 1)) / torch.tensor(s).view(1, 3, 1, 1)
    return x.contiguous()


def read_images(dataset: str, *, source=None, split: str = "test", download: bool = False) -> np.ndarray:
    """All images of a source as uint8 (N, H, W, 3)."""
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if source is None:
        rel, key = DEFAULT_FILES.get(dataset, (None, None))
        if rel is None:
            raise ValueError(f"no default images for {dataset!r}; pass source=")
        return _npz(data_dir() / rel, key)
    path = Path(source).expanduser()
    if path.suffix == ".npz":
        return _npz(path, "images")
    if dataset in ("cifar10", "cifar100"):
        sub = path / ("cifar-10-batches-py" if dataset == "cifar10" else "cifar-100-python")
        if sub.is_dir() or download:
            return _cifar(path, dataset, split, download)
    if dataset == "ImageNet16-120" and (path / "val_data").exists():
        return _imagenet16(path, split)
    if path.is_dir():
        return _folder(path)
    raise FileNotFoundError(f"image source {path} not found: give an .npz file, a CIFAR / ImageNet16 "
                            "root, or an image folder (or download=True for CIFAR)")


def _npz(path: Path, key: str) -> np.ndarray:
    if not path.exists():
        raise FileNotFoundError(f"image file {path} not found; set SWAP_DATA_DIR or pass source=")
    with np.load(path) as z:
        if key not in z and "images" in z:
            key = "images"
        if key not in z:
            raise ValueError(f"{path} has no '{key}' array (keys: {list(z.keys())}); expected "
                             "uint8 images of shape (N, H, W, 3)")
        arr = z[key]
    if arr.dtype != np.uint8 or arr.ndim != 4 or arr.shape[-1] != 3:
        raise ValueError(f"{path}:{key} must be uint8 (N, H, W, 3), got {arr.dtype} {arr.shape}")
    return arr


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
