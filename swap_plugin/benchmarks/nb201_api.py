"""NAS-Bench-201 / NATS-Bench (topology) benchmark files through their own APIs.

``NAS-Bench-201-v1_*.pth`` is read with ``nas_201_api`` (``pip install nas-bench-201``),
a NATS-Bench ``tss`` file / fast-mode folder with ``nats_bench`` (``pip install
nats_bench``); both are imported only when such a file is opened.

Metrics (200-epoch schedule, deterministic ``is_random=False`` = mean over seeds):

* ``val_accuracy``: CIFAR-10 -> ``cifar10-valid`` ``valid-accuracy``; CIFAR-100 /
  ImageNet16-120 -> ``valid-accuracy`` (the x-valid split).  NOTE: this is the NB201
  API's validation accuracy, which differs slightly from the NB-Suite-Zero
  ``val_accuracy`` (``source="table"``'s ``nbsz_val_acc_*``) the SWAP paper uses.
* ``test_accuracy``: CIFAR-10 -> the ``cifar10`` (train+valid) run's ``test-accuracy``;
  others -> ``test-accuracy`` (x-test).
* ``train_accuracy``, ``params`` (M), ``flops`` (M), ``latency`` (s) from
  ``get_cost_info``; the API's own keys (``valid-accuracy`` ...) are raw metrics.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .base import GroundTruth, register_source
from .keys import nb201_to_str, normalise_arch

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")


def _create_api(path: Path) -> Any:
    """Open ``path`` with nas_201_api or nats_bench, whichever fits and is installed."""
    try:
        import nas_201_api  # noqa: F401
        have_201 = True
    except ImportError:
        have_201 = False
    try:
        import nats_bench  # noqa: F401
        have_nats = True
    except ImportError:
        have_nats = False
    natsy = path.is_dir() or "NATS" in path.name
    if have_nats and (natsy or not have_201):
        from nats_bench import create

        return create(str(path), "tss", fast_mode=path.is_dir(), verbose=False)
    if have_201:
        from nas_201_api import NASBench201API

        return NASBench201API(str(path), verbose=False)
    raise ImportError(
        f"reading {path} needs the NAS-Bench-201 API: `pip install nas-bench-201` "
        f"(module nas_201_api) for NAS-Bench-201-v1_*.pth, or `pip install nats_bench` for "
        f"NATS-Bench tss files; alternatively use the bundled table "
        f"(get_ground_truth('nb201')) or NASLib's pickles (source='pickle')")


class Nb201ApiGroundTruth(GroundTruth):
    def __init__(self, path: Path, space: str, api: Any = None) -> None:
        super().__init__(space, "api", path)
        self._api = api
        self._cache: Dict[Tuple[Any, str], Optional[Dict[str, float]]] = {}
        self._lock = threading.Lock()

    @property
    def api(self) -> Any:
        if self._api is None:
            with self._lock:
                if self._api is None:
                    self._api = _create_api(Path(self.path))
        return self._api

    @property
    def datasets(self) -> Tuple[str, ...]:
        return DATASETS

    def _more(self, index: int, dataset: str) -> Mapping[str, Any]:
        try:
            return self.api.get_more_info(index, dataset, iepoch=None, hp="200", is_random=False)
        except TypeError:  # NAS-Bench-201 v1_0: (index, dataset, iepoch, use_12epochs_result, is_random)
            return self.api.get_more_info(index, dataset, None, False, False)

    def _build(self, arch: Any, ds: str) -> Optional[Dict[str, float]]:
        index = self.api.query_index_by_arch(nb201_to_str(arch))
        if index is None or index < 0:
            return None
        rec: Dict[str, float] = {}
        if ds == "cifar10":
            valid = self._more(index, "cifar10-valid")
            full = self._more(index, "cifar10")
            rec.update({f"cifar10-valid/{k}": v for k, v in valid.items()})
            rec.update({k: v for k, v in full.items()})
            rec["val_accuracy"] = valid["valid-accuracy"]
            rec["test_accuracy"] = full["test-accuracy"]
            rec["train_accuracy"] = full["train-accuracy"]
        else:
            info = self._more(index, ds)
            rec.update(dict(info))
            rec["val_accuracy"] = info["valid-accuracy"]
            rec["test_accuracy"] = info["test-accuracy"]
            rec["train_accuracy"] = info["train-accuracy"]
        try:
            cost = self.api.get_cost_info(index, ds)
        except TypeError:
            cost = self.api.get_cost_info(index, ds, hp="200")
        for k in ("params", "flops", "latency"):
            if k in cost:
                rec[k] = cost[k]
        return {k: v for k, v in rec.items() if isinstance(v, (int, float))}

    def _records(self, arch: Any, dataset: str) -> List[Mapping[str, Any]]:
        key = (arch, dataset)
        if key not in self._cache:
            self._cache[key] = self._build(arch, dataset)
        rec = self._cache[key]
        return [rec] if rec is not None else []

    def _archs(self, dataset: str) -> List[Any]:
        strs = getattr(self.api, "meta_archs", None)
        if strs is None:
            strs = [self.api.arch(i) for i in range(len(self.api))]
        return [normalise_arch("nb201", s) for s in strs]

    def _columns(self, dataset: str) -> Sequence[str]:
        return ("val_accuracy", "test_accuracy", "train_accuracy", "params", "flops", "latency",
                "valid-accuracy", "test-accuracy", "train-accuracy")

    def _aliases(self, dataset: str) -> Mapping[str, str]:
        return {m: m for m in ("val_accuracy", "test_accuracy", "params")}


def load_nb201_api(path: Path, space: str) -> GroundTruth:
    gt = Nb201ApiGroundTruth(path, space)
    gt.api  # open now: a missing package is reported at load time, clearly
    return gt


register_source("api", load_nb201_api, ["nb201"],
                description="NAS-Bench-201 .pth via nas_201_api, or NATS-Bench tss via "
                            "nats_bench (path=; lazy import)")
