"""NASLib ``dataset_api`` pickles, for users who have them (multi-GB; not bundled).

Formats, as NASLib's ``naslib/utils/get_dataset_api.py`` loads and the spaces'
``query()`` read them:

* NB201 ``nb201_{cifar10,cifar100,ImageNet16,ninapro}_full_training.pickle``:
  ``{arch_str: {inner_dataset: {"eval_acc1es": [...], "train_acc1es": [...],
  "eval_losses": [...], "train_losses": [...], "cost_info": {"train_time": ..},
  ...}}}`` where ``inner_dataset`` is ``"cifar10-valid"`` for CIFAR-10 and the dataset
  name otherwise. NASLib's ``VAL_ACCURACY`` *and* ``TEST_ACCURACY`` both read
  ``eval_acc1es[-1]``; so do ``val_accuracy`` / ``test_accuracy`` here.
* NB101 ``nasbench_only108.pkl`` (``naslib.utils.nb101_api``): ``{module_hash:
  (fixed_stats, computed_stats)}``, ``computed_stats[epochs]`` = one dict per repeat
  with ``final_{validation,test,train}_accuracy`` (fractions), ``final_training_time``.
  NASLib's query samples a random repeat; here ``val_accuracy`` etc. are the *mean*
  over the repeats (x100), deterministic.
* NB301 ``nb301_full_training.pickle``: ``{compact: {"val_accuracies": [...],
  "train_losses": [...], "runtime": ..}}`` for the ~5k archs NB301 really trained.

Pass the file (or, for NB201, the folder holding the per-dataset pickles) as
``path=``; with NASLib installed, ``source="pickle"`` alone finds ``naslib/data/``.
Files are read lazily, one dataset at a time.
"""
from __future__ import annotations

import importlib.util
import pickle
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .base import GroundTruth, RecordGroundTruth, register_source
from .keys import nb101_from_spec, nb101_hash, normalise_arch

#: NASLib's file names (get_nasbench201_api)
NB201_PICKLES = {
    "cifar10": "nb201_cifar10_full_training.pickle",
    "cifar100": "nb201_cifar100_full_training.pickle",
    "ImageNet16-120": "nb201_ImageNet16_full_training.pickle",
    "ninapro": "nb201_ninapro_full_training.pickle",
}
#: dataset -> the key inside each arch record (NASLib query: cifar10 -> cifar10-valid)
NB201_INNER = {"cifar10": "cifar10-valid"}
NB101_PICKLE = "nasbench_only108.pkl"
NB301_PICKLE = "nb301_full_training.pickle"


def _read_pickle(path: Path) -> Any:
    with open(path, "rb") as f:
        return pickle.load(f)


def naslib_data_dir() -> Optional[Path]:
    """``naslib/data`` of an installed NASLib (without importing it), else None."""
    try:
        spec = importlib.util.find_spec("naslib")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    d = Path(list(spec.submodule_search_locations)[0]) / "data"
    return d if d.is_dir() else None


def _find_in_naslib(space: str) -> Optional[Path]:
    d = naslib_data_dir()
    if d is None:
        return None
    if space == "nb201":
        return d if any((d / f).exists() for f in NB201_PICKLES.values()) else None
    name = NB101_PICKLE if space == "nb101" else NB301_PICKLE
    return d / name if (d / name).exists() else None


# ------------------------------------------------------------------ NB201
def _cost(key: str):
    def get(rec: Mapping[str, Any]) -> Any:
        if key in rec:
            return rec[key]
        return rec["cost_info"][key]
    return get


NB201_ALIASES = {
    "val_accuracy": "eval_acc1es", "test_accuracy": "eval_acc1es",
    "train_accuracy": "train_acc1es", "val_loss": "eval_losses", "train_loss": "train_losses",
    "train_time": _cost("train_time"), "params": _cost("params"), "flops": _cost("flop"),
    "latency": _cost("latency"),
}


class Nb201PickleGroundTruth(RecordGroundTruth):
    """NASLib's NB201 ``*_full_training.pickle`` files (one per dataset)."""

    def __init__(self, path: Path, space: str) -> None:
        path = Path(path)
        if path.is_dir():
            files = {ds: path / fn for ds, fn in NB201_PICKLES.items() if (path / fn).exists()}
            if not files:
                raise FileNotFoundError(f"no NASLib NB201 pickles ({sorted(NB201_PICKLES.values())})"
                                        f" in {path}")
            preloaded: Dict[str, Any] = {}
        else:
            ds = next((d for d, fn in NB201_PICKLES.items() if path.name == fn), None)
            preloaded = {}
            if ds is None:  # any other name: the inner keys tell the dataset
                raw = _read_pickle(path)
                inner = next(iter(next(iter(raw.values())).keys()))
                ds = {v: k for k, v in NB201_INNER.items()}.get(inner, inner)
                preloaded[ds] = raw
            files = {ds: path}
        super().__init__(space, "pickle", path, datasets=tuple(files),
                         aliases={ds: dict(NB201_ALIASES) for ds in files})
        self.files = files
        for ds, raw in preloaded.items():
            self._data[ds] = self._convert(ds, raw)

    def _convert(self, ds: str, raw: Mapping[str, Any]) -> Dict[Any, Mapping[str, Any]]:
        inner = NB201_INNER.get(ds, ds)
        table: Dict[Any, Mapping[str, Any]] = {}
        for arch_str, rec in raw.items():
            if inner in rec:
                r = rec[inner]
            elif ds in rec:
                r = rec[ds]
            elif len(rec) == 1:
                r = next(iter(rec.values()))
            else:
                raise KeyError(f"{self.files[ds]}: record of {arch_str!r} has no {inner!r} "
                               f"entry (keys {sorted(rec)})")
            table[normalise_arch("nb201", arch_str)] = r
        return table

    def _load(self, dataset: str) -> None:
        self._data[dataset] = self._convert(dataset, _read_pickle(self.files[dataset]))


def load_nb201_pickle(path: Path, space: str) -> GroundTruth:
    return Nb201PickleGroundTruth(path, space)


# ------------------------------------------------------------------ NB101
class Nb101PickleGroundTruth(GroundTruth):
    """``nasbench_only108.pkl``: looked up by the NAS-Bench-101 graph hash of the arch."""

    def __init__(self, path: Path, space: str) -> None:
        super().__init__(space, "pickle", path)
        self._raw: Optional[Dict[str, Tuple[Mapping, Mapping]]] = None
        self._recs: Dict[str, Dict[str, float]] = {}
        self._arch_list: Optional[List[Any]] = None

    @property
    def datasets(self) -> Tuple[str, ...]:
        return ("cifar10",)

    @property
    def raw(self) -> Dict[str, Tuple[Mapping, Mapping]]:
        if self._raw is None:
            self._raw = _read_pickle(self.path)
        return self._raw

    def _record(self, h: str) -> Optional[Dict[str, float]]:
        if h in self._recs:
            return self._recs[h]
        entry = self.raw.get(h)
        if entry is None:
            return None
        fixed, computed = entry
        rec: Dict[str, float] = {}
        if "trainable_parameters" in fixed:
            rec["trainable_parameters"] = float(fixed["trainable_parameters"])
            rec["params"] = float(fixed["trainable_parameters"]) / 1e6
        for epochs, runs in computed.items():
            runs = list(runs)
            if not runs:
                continue
            for field_, name in (("final_validation_accuracy", "val_accuracy"),
                                 ("final_test_accuracy", "test_accuracy"),
                                 ("final_train_accuracy", "train_accuracy")):
                vals = [r[field_] for r in runs if field_ in r]
                if vals:
                    rec[f"{name}_{epochs}"] = 100.0 * sum(vals) / len(vals)
            times = [r["final_training_time"] for r in runs if "final_training_time" in r]
            if times:
                rec[f"train_time_{epochs}"] = sum(times) / len(times)
        top = max(computed) if computed else None
        for name in ("val_accuracy", "test_accuracy", "train_accuracy", "train_time"):
            if top is not None and f"{name}_{top}" in rec:
                rec[name] = rec[f"{name}_{top}"]
        self._recs[h] = rec
        return rec

    def _records(self, arch: Any, dataset: str) -> List[Mapping[str, Any]]:
        h = nb101_hash(arch)
        rec = self._record(h) if h is not None else None
        return [rec] if rec is not None else []

    def _archs(self, dataset: str) -> List[Any]:
        if self._arch_list is None:
            self._arch_list = [nb101_from_spec(f["module_adjacency"], f["module_operations"])
                               for f, _ in self.raw.values()]
        return self._arch_list

    def _columns(self, dataset: str) -> Sequence[str]:
        first = next(iter(self.raw), None)
        return tuple(self._record(first)) if first is not None else ()

    def _aliases(self, dataset: str) -> Mapping[str, str]:
        return {m: m for m in ("val_accuracy", "test_accuracy", "params")}


def load_nb101_pickle(path: Path, space: str) -> GroundTruth:
    return Nb101PickleGroundTruth(path, space)


# ------------------------------------------------------------------ NB301
class Nb301PickleGroundTruth(RecordGroundTruth):
    """``nb301_full_training.pickle`` (compact-keyed learning curves)."""

    def __init__(self, path: Path, space: str) -> None:
        super().__init__(space, "pickle", path, datasets=("cifar10",), aliases={"cifar10": {
            "val_accuracy": "val_accuracies", "test_accuracy": "val_accuracies",
            "train_loss": "train_losses", "train_time": "runtime"}})

    def _load(self, dataset: str) -> None:
        raw = _read_pickle(self.path)
        self._data[dataset] = {normalise_arch(self.space, k): v for k, v in raw.items()}


def load_nb301_pickle(path: Path, space: str) -> GroundTruth:
    return Nb301PickleGroundTruth(path, space)


register_source("pickle", load_nb201_pickle, ["nb201"], finder=_find_in_naslib,
                description="NASLib nb201_<dataset>_full_training.pickle (path= file or folder)")
register_source("pickle", load_nb101_pickle, ["nb101"], finder=_find_in_naslib,
                description="NASLib nasbench_only108.pkl (path=)")
register_source("pickle", load_nb301_pickle, ["nb301", "darts", "darts_swap"], finder=_find_in_naslib,
                description="NASLib nb301_full_training.pickle (path=)")
