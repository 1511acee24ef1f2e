"""NASLib's two runners with SWAP added, as ``swap-nas naslib nas`` and ``swap-nas naslib zc``.

Both need NASLib importable (its source on PYTHONPATH; README, NASLib section) and import
it only when run; without it they raise an error that says so.

**nas** (:func:`run_nas`, NASLib's ``naslib/runners/nas/runner.py``): config -> search
space -> optimizer -> ``Trainer.search`` + ``Trainer.evaluate``. The optimizer comes from
:data:`swap_plugin.naslib.OPTIMIZERS` (NASLib's rs, re, ls, bananas, npenas, darts, drnas,
gdas plus ``swap_evolution``), the search space from
``naslib.search_spaces.get_search_space(name, dataset)`` (right class count per dataset),
and a missing benchmark ``dataset_api`` (e.g. NB201's NASLib pickles) is not fatal for
optimizers that do not need it: ``swap_evolution`` then searches on the proxy alone,
reports -1 for benchmark accuracies and logs the final architecture instead of querying
its test accuracy. Arguments are NASLib's (``--config-file``, ``--resume``, trailing
``key value`` overrides). Writes ``{out_dir}/{search_space}/{dataset}/{optimizer}/{seed}/``
(NASLib's layout: ``log.log``, ``errors.json``, ``search/``) plus ``final_architecture.json``::

    swap-nas naslib nas --config-file configs/naslib/swap_evolution_nb201.yaml \
        search.epochs 4 search.population_size 5 out_dir /tmp/run

**zc** (:func:`run_zc`, NASLib's ``naslib/runners/zc/runner.py``) with scipy correlations
and a way to add ``swap`` / ``reg_swap`` to a NAS-Bench-Suite-Zero ``zc_*.json``.
Same flow as NASLib's: config -> the zc file's labelled archs -> ``test_size`` of them
with their ``val_accuracy`` -> predictions of ``ZeroCost(method_type=config.predictor)``
(read from the zc file when ``search.use_zc_api`` / ``--use-zc-api``, else computed on
the parsed graph) -> correlations. Differences:

* the ``test_size`` archs are a seeded choice WITHOUT replacement: NASLib's
  ``ZeroCostPredictorEvaluator`` draws with replacement even with
  ``sample_without_replacement`` (it pops from a clone's list), so duplicates enter its
  correlations;
* correlations by scipy (``spearmanr``, ``kendalltau``, ``pearsonr``): NASLib's
  ``compute_scores`` returns NaN for them with scikit-learn >= 1.6; its other metrics
  are kept beside them;
* output ``{out_dir}/{search_space}/{dataset}/{predictor}/{seed}/scores.json``
  (NASLib's list layout: ``[config, results]``);
* ``--zc-json PATH`` reads any NB-Suite-Zero file (old layouts converted) instead of
  ``naslib/data/zc_{space}.json``;
* ``--add-scores DST``: compute the predictor for the file's archs (``--limit N`` of
  them, seeded) and write a COPY with ``{"score", "time"}`` entries
  (:func:`swap_plugin.benchmarks.add_proxy_scores`, ``layout="current"``); the
  evaluation then runs on DST with ``use_zc_api`` over the scored archs — so NASLib's
  ``ZeroCostPredictorEvaluator(use_zc_api=True)`` can use ``swap`` like its own proxies;
* without the torchvision / ImageNet16 files under ``config.data`` (NASLib would try to
  download them) the proxy batch is ``search.swap_batch_size`` images of
  :func:`swap_plugin.data.load_batch`. NASLib's own ``ZeroCostPredictorEvaluator``
  builds loaders even when every score comes from the zc file; to drive it offline,
  wrap it in :func:`offline_loaders`, which hands it that batch while active (the
  runner uses it too; ``--naslib-loaders`` turns it off).

    swap-nas naslib zc --config-file configs/naslib/zc_swap_nb201.yaml \\
        --zc-json ../shared/data/nb201/zc/naslib_zc_nasbench201_725.json \\
        --add-scores /tmp/zc_nb201_swap.json --limit 100 test_size 100
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import time
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from ..files import atomic_write_json

logger = logging.getLogger("swap_plugin.zc_runner")

def our_space(naslib_name: str) -> str:
    """The registered space of a NASLib ``search_space`` name (``nasbench201`` -> ``nb201``;
    the space registry owns the names); a name no space claims is passed through."""
    from ..spaces import canonical_space

    try:
        return canonical_space(naslib_name)
    except ValueError:
        return naslib_name


def require_naslib() -> None:
    """Raise an ImportError that says how to make NASLib importable, when it is not."""
    from . import naslib_available
    from .measures import INSTALL_HINT

    if not naslib_available():
        raise ImportError(INSTALL_HINT.replace(
            ", then call swap_plugin.naslib.register() again", ""))


# ---- nas --------------------------------------------------------------------------------
def load_dataset_api(search_space: str, dataset: str, required: bool):
    """NASLib's ``get_dataset_api``; None (with a warning) when its files are missing and
    the optimizer can do without."""
    from naslib.utils import get_dataset_api

    try:
        return get_dataset_api(search_space, dataset)
    except (FileNotFoundError, AssertionError, OSError, ImportError) as e:
        if required:
            raise
        logging.getLogger(__name__).warning(
            f"no dataset_api for {search_space}/{dataset} ({type(e).__name__}: {e}); "
            "searching without benchmark look-ups")
        return None


def run_nas(argv: Sequence[str]) -> dict:
    """NASLib's NAS runner on ``argv`` (its flags and ``key value`` overrides); returns what
    it writes to ``final_architecture.json``."""
    require_naslib()
    from naslib import utils
    from naslib.defaults.trainer import Trainer
    from naslib.search_spaces import get_search_space
    from naslib.utils import setup_logger

    import swap_plugin.naslib as sn

    args = utils.parse_args(args=list(argv))
    config = utils.get_config_from_args(args=args, config_type="nas")
    logger = setup_logger(config.save + "/log.log")
    logger.setLevel(logging.INFO)
    utils.log_args(config)

    optimizers = sn.OPTIMIZERS
    if config.optimizer not in optimizers:
        raise ValueError(f"unknown optimizer {config.optimizer!r}; choose one of {sorted(optimizers)}")
    proxy_only = config.optimizer == "swap_evolution"
    dataset_api = load_dataset_api(config.search_space, config.dataset, required=not proxy_only)
    utils.set_seed(config.seed)

    search_space = get_search_space(config.search_space, config.dataset)
    optimizer = optimizers[config.optimizer](config)
    optimizer.adapt_search_space(search_space, dataset_api=dataset_api)

    if config.dataset in ["class_object", "class_scene"]:
        from naslib.search_spaces.transbench101.loss import SoftmaxCrossEntropyWithLogits

        optimizer.loss = SoftmaxCrossEntropyWithLogits()
    elif config.dataset == "autoencoder":
        import torch

        optimizer.loss = torch.nn.L1Loss()

    trainer = Trainer(optimizer, config, lightweight_output=True)
    resume = utils.get_last_checkpoint(config) if getattr(config, "resume", False) else ""
    trainer.search(resume_from=resume)

    final = optimizer.get_final_architecture()
    result = {"optimizer": config.optimizer, "search_space": config.search_space,
              "dataset": config.dataset, "seed": int(config.seed),
              "arch": sn.NaslibSpaceAdapter(search_space).arch_of(final), "test_accuracy": None}
    if proxy_only:
        evo = optimizer.evolution
        result.update(proxy=optimizer.proxy, fitness=evo.best[1], evaluations=evo.evaluations,
                      cycles=evo.cycle)
    if dataset_api is not None:
        result["test_accuracy"] = trainer.evaluate(resume_from="", dataset_api=dataset_api)
    else:
        logger.info(f"final architecture {result['arch']} (no dataset_api: test accuracy not queried)")
    atomic_write_json(os.path.join(config.save, "final_architecture.json"), result, indent=1, default=float)
    return result


# ---- zc: correlations -------------------------------------------------------------------
def scipy_correlations(ytest: Sequence[float], preds: Sequence[float]) -> Dict[str, float]:
    """Spearman / Kendall / Pearson by scipy (NaN only for a constant input)."""
    from scipy import stats

    y, p = np.asarray(ytest, float), np.asarray(preds, float)
    if len(y) < 2:
        return {"spearman": float("nan"), "kendalltau": float("nan"), "pearson": float("nan")}
    with np.errstate(all="ignore"):
        return {"spearman": float(stats.spearmanr(y, p)[0]),
                "kendalltau": float(stats.kendalltau(y, p)[0]),
                "pearson": float(stats.pearsonr(y, p)[0])}


def all_scores(ytest, preds) -> Dict[str, Any]:
    """NASLib's ``compute_scores`` (where it works) overridden by the scipy correlations."""
    out: Dict[str, Any] = {}
    try:
        from naslib.utils import compute_scores

        out.update({k: v for k, v in compute_scores(list(ytest), list(preds)).items()
                    if k not in ("full_ytest", "full_testpred")})
    except Exception as e:  # noqa: BLE001  (NASLib's metrics are extras here)
        out["naslib_compute_scores_error"] = f"{type(e).__name__}: {e}"
    out.update(scipy_correlations(ytest, preds))
    return {k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in out.items()}


# ---- loaders ------------------------------------------------------------------------------
@contextlib.contextmanager
def offline_loaders(config, enabled: bool = True):
    """While active, ``naslib.utils.get_train_val_loaders`` returns our one-batch loader
    (train, valid, test) when NASLib's own dataset files are absent; restored on exit."""
    import naslib.utils as nu

    from swap_plugin.naslib.optimizer import build_train_loader, naslib_data_present

    if not enabled or naslib_data_present(config):
        yield False
        return
    loader = build_train_loader(config, kind="swap")
    original = nu.get_train_val_loaders

    def get_train_val_loaders(cfg, mode="train"):
        return loader, loader, loader, None, None

    nu.get_train_val_loaders = get_train_val_loaders
    try:
        yield True
    finally:
        nu.get_train_val_loaders = original


# ---- zc files ---------------------------------------------------------------------------
def load_zc_api(zc_json: Optional[str], search_space: str, dataset: str) -> dict:
    """``{arch key: record}`` of ``dataset``: from ``zc_json`` (any layout) or NASLib's file."""
    if zc_json is None:
        from naslib.utils import get_zc_benchmark_api

        return get_zc_benchmark_api(search_space, dataset)
    from swap_plugin.benchmarks import read_zc_json, to_current_layout

    return to_current_layout(read_zc_json(zc_json), our_space(search_space))[dataset]


def proxy_scores(config, keys: Sequence[str], proxy: str, loader=None) -> Dict[str, tuple]:
    """``{key: (score, seconds)}``: NASLib's ``ZeroCost(proxy).query`` on each key's graph."""
    import torch
    from naslib.predictors import ZeroCost
    from naslib.search_spaces import get_search_space
    from tqdm import tqdm

    import swap_plugin.naslib as sn

    sn.register()
    sn.configure_from_config(config)
    if loader is None:
        loader = sn.build_train_loader(config)
    space = get_search_space(config.search_space, config.dataset)
    adapter = sn.NaslibSpaceAdapter(space)
    predictor = ZeroCost(method_type=proxy)
    out = {}
    for i, key in enumerate(tqdm(keys, desc=f"{proxy} on {config.search_space}/{config.dataset}")):
        torch.manual_seed(int(config.seed) + i)
        graph = adapter.to_graph(adapter.decode(key))
        t0 = time.perf_counter()
        score = predictor.query(graph, dataloader=loader)
        out[key] = (float(score), time.perf_counter() - t0)
    return out


def add_scores_to_copy(config, src: str, dst: str, proxy: str, limit: Optional[int] = None,
                       loader=None, overwrite: bool = False) -> List[str]:
    """Score ``limit`` (seeded choice; None = all) archs of ``src``'s ``config.dataset`` and
    write a copy to ``dst`` with ``proxy`` added (current layout). Returns the scored keys.
    An existing ``dst`` that is not an earlier copy of ``src`` is replaced only with
    ``overwrite`` (:func:`swap_plugin.benchmarks.add_proxy_scores`)."""
    from swap_plugin.benchmarks import add_proxy_scores, check_zc_destination

    space = our_space(config.search_space)
    if not overwrite:  # before minutes of scoring, not after
        check_zc_destination(src, dst, proxy, space=space, layout="current")
    zc = load_zc_api(src, config.search_space, config.dataset)
    keys = sorted(zc)
    if limit is not None and limit < len(keys):
        idx = np.random.default_rng(int(config.seed)).choice(len(keys), size=limit, replace=False)
        keys = [keys[i] for i in sorted(idx)]
    scores = proxy_scores(config, keys, proxy, loader)
    add_proxy_scores(src, dst, proxy, {k: v for k, v in scores.items()},
                     space=space, dataset=config.dataset, layout="current", overwrite=overwrite)
    return keys


# ---- the run --------------------------------------------------------------------------------
def parse_zc(argv: Sequence[str]):
    """(our flags, NASLib's arguments) of ``swap-nas naslib zc``."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--zc-json", default=None, help="NB-Suite-Zero file (default NASLib's zc_{space}.json)")
    p.add_argument("--add-scores", default=None, metavar="DST",
                   help="write a copy of the zc json with the predictor's scores to DST")
    p.add_argument("--limit", type=int, default=None, help="with --add-scores: score N archs")
    p.add_argument("--overwrite", action="store_true",
                   help="with --add-scores: replace DST even when it is not an earlier copy of --zc-json "
                        "(without it such a file is left alone and nothing is written)")
    p.add_argument("--use-zc-api", action="store_true", help="read predictions from the zc json")
    p.add_argument("--naslib-loaders", action="store_true",
                   help="always use NASLib's get_train_val_loaders (needs its dataset files)")
    return p.parse_known_args(list(argv))


def run_zc(argv: Sequence[str]) -> dict:
    """NASLib's zero-cost runner on ``argv`` (the flags of :func:`parse_zc` and NASLib's);
    returns the results it writes to ``scores.json``."""
    require_naslib()
    from naslib import utils
    from naslib.utils import setup_logger

    import swap_plugin.naslib as sn

    ours, rest = parse_zc(argv)
    config = utils.get_config_from_args(args=utils.parse_args(args=rest), config_type="zc")
    config.save = "{}/{}/{}/{}/{}".format(config.out_dir, config.search_space, config.dataset,
                                          config.predictor, config.seed)
    os.makedirs(config.save, exist_ok=True)
    utils.set_seed(config.seed)
    log = setup_logger(config.save + "/log.log")
    log.setLevel(logging.INFO)
    utils.log_args(config)
    sn.register()
    sn.configure_from_config(config)

    zc_path = ours.zc_json
    use_zc_api = bool(ours.use_zc_api or getattr(config.search, "use_zc_api", False))
    scored_keys = None
    with offline_loaders(config, enabled=not ours.naslib_loaders):
        if ours.add_scores:
            if zc_path is None:
                raise ValueError("--add-scores needs --zc-json (the file to copy)")
            scored_keys = add_scores_to_copy(config, zc_path, ours.add_scores, config.predictor,
                                             ours.limit, overwrite=ours.overwrite)
            zc_path, use_zc_api = ours.add_scores, True
        zc_api = load_zc_api(zc_path, config.search_space, config.dataset)

        keys = scored_keys if scored_keys is not None else list(zc_api)
        if use_zc_api:
            keys = [k for k in keys if config.predictor in zc_api[k]]
            if not keys:
                raise ValueError(f"no arch in the zc file has a {config.predictor!r} score")
        # test_size labelled archs WITHOUT replacement (NASLib's evaluator draws with
        # replacement: its sample_without_replacement pops from a clone's list)
        n = min(int(config.test_size), len(keys))
        idx = np.random.default_rng(int(config.seed)).choice(len(keys), size=n, replace=False)
        xtest = [keys[i] for i in sorted(idx)]
        ytest = [float(zc_api[k]["val_accuracy"]) for k in xtest]
        t0 = time.perf_counter()
        if use_zc_api:
            preds = [zc_api[k][config.predictor]["score"] for k in xtest]
        else:
            fresh = proxy_scores(config, xtest, config.predictor,
                                 loader=sn.build_train_loader(config))
            preds = [fresh[k][0] for k in xtest]
        preds = [-1e9 if p == float("-inf") else 1e9 if p == float("inf") else p for p in preds]
        results = all_scores(ytest, preds)
        results["query_time"] = (time.perf_counter() - t0) / max(len(xtest), 1)
        results.update(n=len(xtest), use_zc_api=use_zc_api, zc_json=zc_path,
                       predictor=config.predictor, dataset=config.dataset,
                       search_space=config.search_space)
    log.info("dataset: {}, predictor: {}, spearman {:.4f}, kendalltau {:.4f} (n={})".format(
        config.dataset, config.predictor, results["spearman"], results["kendalltau"], len(xtest)))
    cfg_plain = json.loads(json.dumps(config, default=str))
    atomic_write_json(os.path.join(config.save, "scores.json"), [cfg_plain, results], default=float)
    return results

