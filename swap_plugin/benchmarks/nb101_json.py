"""The decoded NAS-Bench-101 json (a list of ``{hash, matrix, ops, params, val_acc_108,
val_acc_36, val_acc_12, val_acc_4, train_time_108}``), e.g. ``nb101/nb101_1000_decoded.json``.

Matrices there are *pruned* (4-7 vertices); archs are stored as NASLib 56-tuples
padded like NASLib's ``convert_to_cell`` (see :mod:`.keys`). Lookups are
isomorphism-aware: any 56-tuple / ``{matrix, ops}`` of the same network (same
NAS-Bench-101 graph hash) finds the row, e.g. the unpruned 7x7 keys of the
NB-Suite-Zero ``zc_nasbench101.json``.

Metrics (accuracies in percent, params in millions, as NB-Suite-Zero):
``val_accuracy`` (= ``val_accuracy_108``), ``val_accuracy_{4,12,36,108}``, ``params``,
``trainable_parameters`` (raw count), ``train_time_108``, and the raw fractions
``val_acc_{4,12,36,108}``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict

from .base import RecordGroundTruth, register_source
from .keys import nb101_from_spec, nb101_hash

EPOCHS = (4, 12, 36, 108)


def load_nb101_decoded_json(path: Path, space: str) -> RecordGroundTruth:
    with open(path) as f:
        rows = json.load(f)
    if not isinstance(rows, list):
        raise ValueError(f"{path}: expected a list of {{matrix, ops, ...}} records")
    table: Dict[Any, Dict[str, float]] = {}
    hashes: Dict[Any, str] = {}
    dups = []
    for r in rows:
        key = nb101_from_spec(r["matrix"], r["ops"])
        rec: Dict[str, float] = {}
        for e in EPOCHS:
            if f"val_acc_{e}" in r and r[f"val_acc_{e}"] is not None:
                rec[f"val_acc_{e}"] = float(r[f"val_acc_{e}"])
                rec[f"val_accuracy_{e}"] = 100.0 * float(r[f"val_acc_{e}"])
        if "val_accuracy_108" in rec:
            rec["val_accuracy"] = rec["val_accuracy_108"]
        if r.get("params") is not None:
            rec["trainable_parameters"] = float(r["params"])
            rec["params"] = float(r["params"]) / 1e6
        if r.get("train_time_108") is not None:
            rec["train_time_108"] = float(r["train_time_108"])
        if key in table:
            dups.append(key)
            continue
        table[key] = rec
        if "hash" in r:
            hashes[key] = r["hash"]
    cols = ("val_accuracy", "params", "trainable_parameters", "train_time_108") + tuple(
        f"val_accuracy_{e}" for e in EPOCHS) + tuple(f"val_acc_{e}" for e in EPOCHS)
    gt = RecordGroundTruth(space, "table", path, datasets=("cifar10",), data={"cifar10": table},
                           aliases={"cifar10": {"val_accuracy": "val_accuracy",
                                                "params": "params"}},
                           columns={"cifar10": cols}, iso_hash=nb101_hash)
    #: stored arch -> the file's own NAS-Bench-101 module hash
    gt.hashes = hashes
    gt.duplicates = dups
    return gt


register_source("table", load_nb101_decoded_json, ["nb101"],
                default=("nb101", "nb101_1000_decoded.json"), default_for=["nb101"],
                description="1,000 NB101 archs: val acc at 4/12/36/108 epochs, params "
                            "(isomorphism-aware lookups)")
