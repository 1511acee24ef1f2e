#!/usr/bin/env python
"""NASLib's NAS runner (``naslib/runners/nas/runner.py``) with SWAP-NAS added.

Same flow: config -> search space -> optimizer -> ``Trainer.search`` + ``Trainer.evaluate``.
Differences: the optimizer comes from :data:`swap_plugin.naslib.OPTIMIZERS` (NASLib's
rs, re, ls, bananas, npenas, darts, drnas, gdas plus ``swap_evolution``), the search
space from ``naslib.search_spaces.get_search_space(name, dataset)`` (right class count
per dataset), and a missing benchmark ``dataset_api`` (e.g. NB201's NASLib pickles) is
not fatal for optimizers that do not need it: ``swap_evolution`` then searches on the
proxy alone, reports -1 for benchmark accuracies and logs the final architecture
instead of querying its test accuracy.

    source /work/naslib-dev/env.sh      # NASLib on PYTHONPATH
    python scripts/naslib_nas_runner.py --config-file configs/naslib/swap_evolution_nb201.yaml
    python scripts/naslib_nas_runner.py --config-file configs/naslib/swap_evolution_nb201.yaml \
        search.epochs 4 search.population_size 5 out_dir /tmp/run

Arguments are NASLib's (``--config-file``, ``--resume``, trailing ``key value`` overrides).
Writes ``{out_dir}/{search_space}/{dataset}/{optimizer}/{seed}/`` (NASLib's layout:
``log.log``, ``errors.json``, ``search/``) plus ``final_architecture.json``.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


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


def main(argv=None) -> dict:
    from naslib import utils
    from naslib.defaults.trainer import Trainer
    from naslib.search_spaces import get_search_space
    from naslib.utils import setup_logger

    import swap_plugin.naslib as sn

    args = utils.parse_args(args=sys.argv[1:] if argv is None else list(argv))
    config = utils.get_config_from_args(args=args, config_type="nas")
    logger = setup_logger(config.save + "/log.log")
    logger.setLevel(logging.INFO)
    utils.log_args(config)

    optimizers = sn.OPTIMIZERS
    if config.optimizer not in optimizers:
        raise SystemExit(f"unknown optimizer {config.optimizer!r}; choose one of {sorted(optimizers)}")
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
    from swap_plugin.files import atomic_write_json

    atomic_write_json(os.path.join(config.save, "final_architecture.json"), result, indent=1, default=float)
    return result


if __name__ == "__main__":
    print(json.dumps(main(), default=float))
