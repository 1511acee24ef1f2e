"""The fitness of the standalone NB201 search (:mod:`swap_plugin.search.nb201`), cached.

:class:`ScoreCache` keeps Ψ and Θ per (dataset, init seed, arch) in a JSONL file, so
seeds reuse them and a killed run resumes; :class:`RegSwapFitness` is Ψ' of the
correlation study's network (the same seeded weights and batch, so study records can fill
the cache); :class:`CachedEnsembleFitness` the rank ensemble of Ψ' and the other members.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Callable, Dict, Optional, Tuple

from ..metric import regulariser
from ..studies import RecordStore, StudyConfig, config_path
from ..studies.correlate import seeded_network
from ..studies.tree import key_path, records_path, study_path
from ..files import read_json


class ScoreCache:
    """Ψ and Θ (millions) per (dataset, init seed, arch), persisted as JSONL lines
    {dataset, init_seed, arch, swap, params, seconds} (init_seed 0 when absent);
    reg_swap is computed from them for any μ/σ."""

    def __init__(self, path: Optional[Path]):
        self.path = path
        self.data: Dict[Tuple[str, int, tuple], Tuple[float, float, float]] = {}
        self._cut = False  # the file ends inside a line (a kill mid-write)
        if path is not None and path.exists():
            text = path.read_text()
            self._cut = bool(text) and not text.endswith("\n")
            skipped = []
            for no, line in enumerate(text.splitlines(), 1):
                try:
                    r = json.loads(line)
                    key = (r["dataset"], int(r.get("init_seed", 0)), tuple(r["arch"]))
                    self.data[key] = (float(r["swap"]), float(r["params"]), float(r["seconds"]))
                except (json.JSONDecodeError, KeyError, TypeError, ValueError):  # cut by a kill, old format
                    if line.strip():
                        skipped.append(no)
            if skipped:  # left in the file (nothing is deleted); those archs are scored again
                print(f"warning: {path}: skipped unreadable line(s) {', '.join(map(str, skipped[:10]))}"
                      + (f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""),
                      file=sys.stderr, flush=True)

    def get(self, dataset: str, arch, init_seed: int = 0) -> Optional[Tuple[float, float, float]]:
        return self.data.get((dataset, init_seed, tuple(arch)))

    def put(self, dataset: str, arch, swap: float, params: float, seconds: float, init_seed: int = 0) -> None:
        self.data[(dataset, init_seed, tuple(arch))] = (swap, params, seconds)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            line = {"dataset": dataset, "arch": list(arch), "swap": swap, "params": params,
                    "seconds": round(seconds, 4)}
            if init_seed:
                line["init_seed"] = init_seed
            with open(self.path, "a") as f:
                f.write(("\n" if self._cut else "") + json.dumps(line) + "\n")
            self._cut = False

    def warm_from_study(self, dataset: str, root: Path, samples: int, init_seed: int = 0) -> int:
        """Adopt the seed-``init_seed`` records of a correlation study under ``root`` (its
        ``--out``) scored exactly as this search scores (configs/nb201.yaml, S = ``samples``)."""
        cfg = StudyConfig.from_yaml(config_path("nb201"), dataset=dataset, samples=samples,
                                    out=str(root))
        study = study_path(cfg.out, cfg.space, cfg.dataset)
        key_file = key_path(study, init_seed)
        if not key_file.exists():
            return 0
        key = read_json(key_file, "the scoring settings of the study's records",
                        "Restore it, or pass another --from-study")
        want = json.loads(json.dumps(cfg.scoring_key()))
        if key != want:
            raise ValueError(f"{key_file.parent} was scored with {key}, not with this search's settings {want}")
        n = 0
        for r in RecordStore(records_path(study, init_seed)):
            if self.get(dataset, r["arch"], init_seed) is None:
                self.put(dataset, tuple(r["arch"]), float(r["swap"]), float(r["params"]),
                         float(r["build_seconds"] + r["score_seconds"]), init_seed)
                n += 1
        return n


class RegSwapFitness:
    """reg_swap of ``space.build(arch, dataset)`` (weights seeded by (batch_seed, arch)) on
    the batch ``load_batch(dataset, samples, seed=batch_seed)``."""

    def __init__(self, space, dataset: str, cache: ScoreCache, samples: int = 16, mu: float = 1.5,
                 sigma: float = 1.5, batch_seed: int = 0, score_fn: Optional[Callable] = None):
        self.space, self.dataset, self.cache = space, dataset, cache
        self.samples, self.mu, self.sigma, self.batch_seed = samples, mu, sigma, batch_seed
        self._scorer = None
        self._score_fn = score_fn  # tests inject a cheap function of the arch: (Ψ, Θ)
        self.seconds = 0.0         # scoring seconds of the archs asked for (cache hits included)

    def scorer(self):
        if self._scorer is None:
            from ..data import load_batch
            from ..metric import SwapScorer

            x = load_batch(self.dataset, self.samples, seed=self.batch_seed)
            self._scorer = SwapScorer(x, mode="train")
        return self._scorer

    def __call__(self, arch) -> float:
        hit = self.cache.get(self.dataset, arch, self.batch_seed)
        if hit is None:
            t0 = time.perf_counter()
            if self._score_fn is not None:
                swap, params = self._score_fn(arch)
            else:
                # the correlation study's network, so its records can fill this cache
                net = seeded_network(self.space, arch, self.dataset, self.batch_seed)
                r = self.scorer().score(net)
                swap, params = float(r.swap), float(r.params)
            hit = (swap, params, time.perf_counter() - t0)
            self.cache.put(self.dataset, arch, *hit, init_seed=self.batch_seed)
        self.seconds += hit[2]
        return hit[0] * regulariser(hit[1], self.mu, self.sigma)


class CachedEnsembleFitness(RegSwapFitness):
    """The rank ensemble of ``swap_plugin.proxies.ENSEMBLE_MEMBERS`` (Ψ' + synflow + jacov +
    progressivity) as a fixed fitness (:class:`swap_plugin.search.ensemble_fitness.EnsembleFitness`):
    each member ranked against its values on ``reference`` random archs of the search's
    draw, scored on the same networks and batch as Ψ'. The members beside Ψ' are cached in
    ``members`` (a RecordStore); their seconds count as scoring."""

    def __init__(self, space, dataset: str, cache: ScoreCache, members: RecordStore, reference: int,
                 samples: int = 16, mu: float = 1.5, sigma: float = 1.5, batch_seed: int = 0):
        from .ensemble_fitness import EnsembleFitness as Ranked

        super().__init__(space, dataset, cache, samples, mu, sigma, batch_seed)
        self.store = members
        self.ranked = Ranked(self.values, space.sample, space.hash, reference, batch_seed)
        self.reference_seconds = 0.0  # scoring the reference sample (once per fitness)

    def values(self, arch) -> dict:
        """{member: value} of ``arch``."""
        from ..proxies import ensemble_member_values

        key = f"{self.dataset}|{self.batch_seed}|{list(arch)}"
        if key not in self.store:
            t0 = time.perf_counter()
            net = seeded_network(self.space, arch, self.dataset, self.batch_seed)
            x = self.scorer().inputs
            self.store.append({"key": key, **ensemble_member_values(net, x), "seconds": time.perf_counter() - t0})
        rec = self.store.get(key)
        self.seconds += rec["seconds"]
        return {"reg_swap": RegSwapFitness.__call__(self, arch), **{m: v for m, v in rec.items()
                                                                    if m not in ("key", "seconds")}}

    def __call__(self, arch) -> float:
        if not self.ranked.ready:  # the reference's scoring time is kept apart from the search's
            before = self.seconds
            self.ranked.ranker()
            self.reference_seconds, self.seconds = self.seconds - before, before
        return self.ranked(arch)
