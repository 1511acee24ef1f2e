"""NAS-Bench-Suite-Zero-style correlation studies, resumable, in NASLib's file layout.

For each seed: sample ``n`` archs of the ground-truth table with that seed, score each
(one JSONL line per arch, the resume point), then write
``{out}/correlation/{space}/{dataset}/{proxy}/{seed}/scores.json`` as
``[config, results]`` — the layout NASLib's zerocost branch writes and its plots read.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
import warnings
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import torch

from ..files import CorruptFileError, atomic_write_json, read_json, settings_diff
from ..metric.params import SIZE_UNITS
from .config import StudyConfig
from .mu_sigma import resolve_mu_sigma
from .stats import correlations
from . import tree
from .store import RecordStore

# per-process state of a scoring worker (built once, reused for every arch)
_STATE: dict = {}


def study_inputs(cfg: StudyConfig, seed: int) -> torch.Tensor:
    """The image batch every arch of a seed is scored on."""
    from ..data import load_batch

    return load_batch(cfg.images or cfg.dataset, cfg.samples, source=cfg.image_source, seed=seed,
                      size=cfg.input_size)


def _init_worker(cfg_dict: dict, seed: int, threads: Optional[int], x: torch.Tensor,
                 plugins: tuple = ()) -> None:
    from ..metric import SwapScorer
    from ..plugins import load_plugins
    from ..spaces import get_space

    if threads:
        torch.set_num_threads(threads)
    load_plugins(plugins)  # a spawned worker has not loaded the parent's --plugin modules
    cfg = StudyConfig.from_dict(cfg_dict)
    _STATE.update(cfg=cfg, space=get_space(cfg.space), seed=seed, extra=extra_names(cfg.proxies),
                  scorer=SwapScorer(x, repeats=cfg.repeats, init=cfg.init, seed=seed,
                                    mode=cfg.mode, device=cfg.device, progress=False))


def _score_arch(arch) -> dict:
    """One arch → its record: Ψ, Θ (millions), timings, and the value of every other
    per-arch proxy the study's proxies need (its seconds in ``proxy_seconds``)."""
    from ..spaces.base import to_plain

    cfg, space, scorer = _STATE["cfg"], _STATE["space"], _STATE["scorer"]
    arch = to_plain(arch)
    key = space.hash(arch)
    t0 = time.perf_counter()
    net = seeded_network(space, arch, cfg.dataset, _STATE["seed"], cfg.build)
    built = time.perf_counter()
    r = scorer.score(net)
    scored = r.params / _from_m(r.size_unit)
    # a reduced scoring network (e.g. fewer channels): Θ, and so the regulariser and the
    # params proxy, stay those of the network the benchmark trained
    params = space.num_params(arch, cfg.dataset, unit="M") if cfg.build else scored
    rec = {"key": key, "arch": arch, "swap": r.swap, "params": params, "scored_params": scored,
           "units": r.units, "per_repeat": list(r.per_repeat),
           "build_seconds": built - t0, "score_seconds": r.seconds}
    return _add_values(rec, net, arch, r, _missing(rec, _STATE["extra"]))


def _fill_arch(item) -> dict:
    """An already scored arch whose record lacks per-arch values the study now needs
    (a proxy added on resume): its network again (the same seeded weights), the missing
    values computed and added to the record."""
    arch, rec = item
    cfg, space = _STATE["cfg"], _STATE["space"]
    net = seeded_network(space, arch, cfg.dataset, _STATE["seed"], cfg.build)
    return _add_values(dict(rec), net, arch, None, _missing(rec, _STATE["extra"]))


# per-arch values every record holds (from the SWAP scorer), whatever the proxies
_CORE = ("swap", "params")


def extra_names(proxies) -> List[str]:
    """The per-arch proxies that ``proxies`` need beyond the scorer's own values (resolved
    once per study and worker, not per record)."""
    from ..proxies import per_arch_names

    return [n for n in per_arch_names(proxies) if n not in _CORE]


def _missing(rec: dict, extra: List[str]) -> List[str]:
    """The proxies of ``extra`` (:func:`extra_names`) that ``rec`` lacks."""
    return [n for n in extra if record_value(rec, n, None) is None]


def _add_values(rec: dict, net, arch, result, names: List[str]) -> dict:
    """``rec`` with each proxy of ``names`` computed on ``net`` with the study's scorer and
    batch (in registry order: the order the proxies were always computed in)."""
    from ..proxies import get_proxy

    cfg, scorer = _STATE["cfg"], _STATE["scorer"]
    seconds = dict(rec.get("proxy_seconds", {}))
    ctx = dict(scorer=scorer, dataset=cfg.dataset, space=cfg.space, arch=arch)
    if result is not None:
        ctx["score"] = result
    for name in names:
        t = time.perf_counter()
        rec[name] = get_proxy(name)(net, scorer.inputs, **ctx)
        seconds[name] = time.perf_counter() - t
    if seconds:
        rec["proxy_seconds"] = seconds
    return rec


_RAISE = object()


def record_value(rec: dict, name: str, default=_RAISE):
    """The per-arch value of proxy ``name`` in a record (records written before the
    registry kept the ensemble's members under ``members``); ``default`` when the record
    has none, or a KeyError naming the proxy when no default is given."""
    if name in rec:
        return rec[name]
    if name in rec.get("members", {}):
        return rec["members"][name]
    if default is _RAISE:
        raise KeyError(f"record of arch {rec.get('key')} has no value of proxy {name!r}")
    return default


def record_seconds(rec: dict, names) -> float:
    """Seconds a record spent on the per-arch values ``names`` beyond Ψ and Θ (older
    records: ``ensemble_seconds`` for the ensemble's members together)."""
    secs = rec.get("proxy_seconds", {})
    total = sum(secs.get(n, 0.0) for n in names)
    if any(n not in secs and n in rec.get("members", {}) for n in names):
        total += rec.get("ensemble_seconds", 0.0)
    return total


def seeded_network(space, arch, dataset: str, seed: int, build: Optional[dict] = None) -> torch.nn.Module:
    """The untrained network of ``arch``; its weights depend only on (seed, arch hash), so
    any order, any worker, a resumed run or the NB201 search script get the same network.

    ``build``: ``space.build`` keyword arguments; with ``scoring_network: true`` the rest go
    to ``space.build_scoring_network`` instead (DARTS spaces: the official SWAP
    correlation.py network, ``configs/darts_swap.yaml``)."""
    opts = dict(build or {})
    official = opts.pop("scoring_network", False)
    if official and not hasattr(space, "build_scoring_network"):
        raise ValueError(f"build.scoring_network: space {space.name!r} has no official scoring "
                         "network (the DARTS spaces have: nb301, darts, darts_swap)")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(arch_seed(seed, space.hash(arch)))
        if official:
            return space.build_scoring_network(arch, **opts)
        return space.build(arch, dataset, **opts)


def arch_seed(seed: int, key: str) -> int:
    """A torch seed from the study seed and the arch's hash (stable across processes)."""
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "little") & ((1 << 63) - 1)


def _from_m(unit: str) -> float:
    """Multiply millions by this to get ``unit``."""
    return SIZE_UNITS["M"] / SIZE_UNITS[unit]


def sample_archs(gt, dataset: str, n, seed: int) -> list:
    """n archs of the table drawn with ``seed`` (all of them, in table order, if n >= size
    or n is ``"all"``)."""
    pool = gt.archs(dataset)
    if n == "all" or n >= len(pool):
        return list(pool)
    idx = np.random.default_rng(seed).choice(len(pool), size=n, replace=False)
    return [pool[i] for i in idx]


def with_benchmark_input(cfg: StudyConfig, space) -> StudyConfig:
    """``cfg`` with ``input_size`` None made the benchmark's own side (TransNAS: 256), so
    records say which input they were scored on; other spaces keep None (native size)."""
    if cfg.input_size is not None:
        return cfg
    return dataclasses.replace(cfg, input_size=space.input_side(cfg.dataset))


def study_dir(cfg: StudyConfig) -> Path:
    return tree.study_path(cfg.out, cfg.space, cfg.dataset)


def score_seed(cfg: StudyConfig, seed: int, archs: list, progress: bool = True) -> RecordStore:
    """Score every arch not yet in the seed's store; resumable at any point."""
    from tqdm import tqdm

    from ..spaces import get_space
    space = get_space(cfg.space)
    cfg = with_benchmark_input(cfg, space)
    base = study_dir(cfg)
    # the batch is loaded here, not in the workers: a pool whose initializer raises
    # respawns workers forever instead of failing
    x = study_inputs(cfg, seed)
    store = RecordStore(tree.records_path(base, seed))
    _check_resume_key(tree.key_path(base, seed), cfg, store)
    todo, fill, seen, extra = [], [], set(), extra_names(cfg.proxies)
    for a in archs:
        k = space.hash(a)
        if k in seen:
            continue
        seen.add(k)
        if k not in store:
            todo.append(a)
        elif _missing(store.get(k), extra):
            fill.append((a, store.get(k)))
    bar = tqdm(total=len(archs), initial=len(archs) - len(todo) - len(fill), disable=not progress,
               desc=f"{cfg.space}/{cfg.dataset} seed {seed}", unit="arch", dynamic_ncols=True)
    jobs = [(_fill_arch, fill), (_score_arch, todo)]
    if cfg.workers == 1:
        _init_worker(cfg.as_dict(), seed, None, x)
        for fn, items in jobs:
            for item in items:
                store.append(fn(item))
                bar.update()
    else:
        import multiprocessing as mp

        from ..plugins import loaded

        ctx = mp.get_context("spawn" if cfg.device.startswith("cuda") else "fork")
        threads = max(1, (os.cpu_count() or 1) // cfg.workers)
        with ctx.Pool(cfg.workers, initializer=_init_worker,
                      initargs=(cfg.as_dict(), seed, threads, x, tuple(loaded()))) as pool:
            for fn, items in jobs:
                for rec in pool.imap_unordered(fn, items, chunksize=4):
                    store.append(rec)
                    bar.update()
    bar.close()
    return store


def _check_resume_key(path: Path, cfg: StudyConfig, store: RecordStore) -> None:
    """Refuse to mix records scored with different settings into one store: ``path`` (the
    store's ``.key.json``) records the settings its records were scored with."""
    key = json.loads(json.dumps(cfg.scoring_key()))
    records = store.path
    todo = (f"Restore it (e.g. from a backup or a copy of this study), or move {records} "
            "elsewhere to rescore its archs from scratch; nothing was deleted")
    if path.exists():
        try:
            old = read_json(path, "the scoring settings of the records in " + records.name, todo)
        except CorruptFileError:
            if len(store) == 0:  # it guards no record: write it anew
                warnings.warn(f"{path} was unreadable and guards no records: rewritten", stacklevel=3)
                atomic_write_json(path, key, sort_keys=True)
                return
            raise
        if old != key:
            diff = settings_diff(old, key)
            raise ValueError(f"{path.parent} holds records scored with other settings "
                             f"({'; '.join(diff) or old}); use another --out, or move "
                             f"{records.name} and {path.name} elsewhere to rescore")
    elif len(store):
        raise CorruptFileError(f"{path} is missing, but {records} holds {len(store)} records: the "
                               f"file records the settings they were scored with. {todo}")
    else:
        atomic_write_json(path, key, sort_keys=True)


def run_study(cfg: StudyConfig, progress: bool = True) -> Dict[str, Dict[int, dict]]:
    """Score, correlate and write the NASLib tree; returns {proxy: {seed: results}}."""
    from ..benchmarks import get_ground_truth
    from ..spaces import get_space

    from ..proxies import get_proxy, is_stored, per_arch_names

    gt = get_ground_truth(cfg.space, cfg.dataset, source=cfg.gt_source)
    space = get_space(cfg.space)
    cfg = with_benchmark_input(cfg, space)
    if "swap_ensemble" in cfg.proxies and cfg.space != "nb201":
        warnings.warn(f"swap_ensemble's members were chosen and tested on NB201; on {cfg.space} they may "
                      "rank worse than reg_swap alone (on NB101 and NB301 they do)",
                      stacklevel=2)
    summary: Dict[str, Dict[int, dict]] = {p: {} for p in cfg.proxies}
    _check_proxies(gt, cfg)  # fail before minutes of scoring, not after
    for seed in cfg.seeds:
        archs = sample_archs(gt, cfg.dataset, cfg.n, seed)
        store = score_seed(cfg, seed, archs, progress)
        recs = [store.get(space.hash(a)) for a in archs]
        y = [gt.lookup(a, cfg.dataset, cfg.metric) for a in archs]
        mu, sigma = resolve_mu_sigma(cfg.mu, cfg.sigma, cfg.space,
                                     [r["params"] * _from_m(cfg.size_unit) for r in recs],
                                     cfg.mu_quantile, cfg.size_unit)
        for proxy in cfg.proxies:
            pred = proxy_values(proxy, recs, archs, gt, cfg, mu, sigma)
            # a baseline file may lack a value for an arch: correlate on the archs it has
            keep = [i for i, v in enumerate(pred) if v is not None]
            res = correlations([y[i] for i in keep], [pred[i] for i in keep])
            extra = [n for n in per_arch_names([proxy]) if n not in _CORE]
            res["query_time"] = None if is_stored(proxy) else float(np.mean(
                [r["build_seconds"] + r["score_seconds"] + record_seconds(r, extra) for r in recs]))
            res["n"] = len(keep)
            res["n_missing"] = len(archs) - len(keep)
            conf = {**cfg.as_dict(), "search_space": cfg.space, "predictor": proxy, "seed": seed,
                    "test_size": len(archs), "mu_used": mu, "sigma_used": sigma,
                    # computed by this package, or read from the ground-truth file (zc:<name>)
                    "values_from": "ground truth file" if is_stored(proxy) else get_proxy(proxy).module}
            if proxy == "swap_ensemble":  # what the name stood for when this was scored
                conf["ensemble_members"] = cfg.scoring_key()["ensemble_members"]
            write_scores(tree.scores_path(study_dir(cfg), proxy, seed), conf, res)
            summary[proxy][seed] = {k: v for k, v in res.items() if not k.startswith("full_")}
            summary[proxy][seed].update(mu=mu, sigma=sigma)
    return summary


def write_scores(path: Path, conf: dict, res: dict) -> None:
    """Write one NASLib-layout ``[config, results]`` file atomically. These files are
    derived from the records (a rerun rewrites them); replacing one written with other
    study settings (e.g. another ``--n`` or μ) says which, on stderr."""
    if path.exists():
        try:
            old_conf = json.loads(path.read_text())[0]
        except (ValueError, IndexError, KeyError, UnicodeDecodeError):
            old_conf = None
        if isinstance(old_conf, dict):
            if "values_from" not in old_conf and "values_from" in conf:  # written before the registry
                from ..proxies import is_stored, name_in_file

                stored = is_stored(name_in_file(old_conf, str(old_conf.get("predictor"))))
                old_conf = {**old_conf, "values_from": "ground truth file" if stored else conf["values_from"]}
            skip = {"out", "workers", "device", "seeds", "proxies"}  # no effect on this file's numbers
            diff = settings_diff({k: v for k, v in old_conf.items() if k not in skip},
                                 {k: v for k, v in conf.items() if k not in skip})
            if diff:
                warnings.warn(f"replacing {path}, written with other settings: {'; '.join(diff)}",
                              stacklevel=3)
    atomic_write_json(path, [conf, res], separators=(",", ":"))


def proxy_values(proxy: str, recs: List[dict], archs: list, gt, cfg: StudyConfig, mu, sigma) -> list:
    """The values of ``proxy`` over the sample: a per-arch proxy's from the records, a set
    proxy's from its ``over_set`` (μ/σ the study's), a stored one (``zc:<name>``) from the
    ground-truth file (None where the file leaves it empty)."""
    from ..proxies import get_proxy, is_stored, stored_key

    if is_stored(proxy):  # an NB-Suite-Zero baseline
        return [gt.proxy(a, cfg.dataset, stored_key(proxy), missing=None) for a in archs]
    ctx = dict(mu=mu, sigma=sigma, formula=cfg.formula, size_unit=cfg.size_unit, mu_quantile=cfg.mu_quantile,
               space=cfg.space, dataset=cfg.dataset)

    def values(name: str) -> list:
        p = get_proxy(name)
        if p.per_arch:
            return [record_value(r, name) for r in recs]
        return list(p.over_set({n: values(n) for n in p.needs}, **ctx))

    return values(proxy)


def _check_proxies(gt, cfg: StudyConfig) -> None:
    """Raise now if a requested proxy cannot run in a study (it needs labels), or a stored
    one is not in the ground truth (an entry left empty for this arch is fine)."""
    from ..benchmarks import UnknownMetricError
    from ..proxies import get_proxy, is_stored, list_proxies, per_arch_names, stored_key

    for name in per_arch_names(cfg.proxies):
        if get_proxy(name).needs_labels:
            raise ValueError(f"proxy {name!r} needs the labels of the input batch, and a study scores on "
                             "unlabelled images; run it through NASLib (swap-nas naslib zc) instead")
    first = gt.archs(cfg.dataset)[0]
    for proxy in cfg.proxies:
        if is_stored(proxy):
            try:
                gt.proxy(first, cfg.dataset, stored_key(proxy), missing=None)
            except UnknownMetricError as err:
                raise UnknownMetricError(f"{err}; proxies this package computes: {', '.join(list_proxies())}") \
                    from None
