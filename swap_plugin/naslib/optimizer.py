"""``SwapEvolution``: SWAP-NAS (Algorithm 1) as a NASLib discrete optimizer.

NASLib's ``Trainer`` drives a discrete optimizer (``using_step_function = False``) as::

    optimizer.adapt_search_space(search_space, dataset_api=dataset_api)
    trainer = Trainer(optimizer, config)          # calls get_model_size()
    trainer.search()   # before_training(); get_checkpointables(); for e in range(epochs):
                       #   new_epoch(e); train_statistics(report_incumbent); test_statistics()
    trainer.evaluate(dataset_api=...)             # get_final_architecture().query(TEST_ACCURACY)

Epoch 0 fills the population (``search.population_size`` fitness evaluations); every
later epoch is one :meth:`swap_plugin.search.Evolution.step` (one cycle of Algorithm 1:
sample ``sample_size`` members, optional crossover of the best two with probability
``crossover_prob``, ``mutation_times`` mutants, keep the best child, drop the worst
member). So ``search.epochs`` = 1 + the number of cycles.

Fitness = a registered NASLib zero-cost proxy (``search.proxy``, default ``reg_swap``):
``ZeroCost(method_type=proxy).query(graph, dataloader)`` on the parsed graph (weights
seeded by (seed, arch), so fitness is reproducible and resumable). The loader
(``search.swap_loader``) always yields one fixed batch of ``search.swap_batch_size``
(default 16) images, so every arch is scored on the same images, also after a resume:
``"naslib"`` = the first of them of one batch of ``utils.get_train_val_loaders(config)``,
drawn once under the seed (needs the torchvision / ImageNet16 files under
``config.data``; torchvision otherwise tries to download them), ``"swap"`` = images
from :func:`swap_plugin.data.load_batch`, ``"auto"`` (default) = NASLib's loader when its
files exist under ``config.data``, else ours.

``search.proxy: swap_ensemble`` (NB201 graphs) makes the fitness the rank ensemble of
Ψ' + synflow + jacov + progressivity on the same seeded graph and batch, ranked against
``search.ensemble_reference`` (default 200) random archs scored first
(:mod:`swap_plugin.naslib.ensemble`).

Config keys (``search.``): ``population_size``, ``sample_size``, ``mutation_times``
(default 4), ``crossover_prob`` (default 0.5), ``epochs``, ``proxy``, ``seed``, ``ensemble_reference``,
``swap_mu`` / ``swap_sigma`` and the other ``swap_*`` options of
:func:`swap_plugin.naslib.configure_from_config`, ``swap_loader``, ``swap_batch_size``,
``swap_image_size`` (side of the ``"swap"`` images; default the dataset's own, TransNAS
256 / jigsaw 192).

``train_statistics`` reports the incumbent's benchmark accuracies through
``graph.query(Metric...., dataset, dataset_api)``; without a ``dataset_api`` (NB201's
NASLib pickles are not shipped) it reports -1 for each, as NASLib does for missing
values, and ``test_statistics`` returns None.

Checkpoints: NASLib's Checkpointer only saves the ``"model"`` checkpointable, so the
evolution state (population, RNG, fitness cache, history) is written as JSON to
``{config.save}/search/swap_evolution.json`` after every epoch; a resumed
``Trainer.search(resume_from=...)`` reloads it in ``new_epoch`` and continues at the
right cycle.

This module imports NASLib; ``swap_plugin.naslib`` exposes it lazily.
"""
from __future__ import annotations

import logging
import os
import zlib
from pathlib import Path
from typing import Any, Callable, Optional

import torch

from naslib.optimizers.core.metaclasses import MetaOptimizer
from naslib.search_spaces.core.query_metrics import Metric

from ..data import fixed_batch_loader
from ..search.ensemble_fitness import EnsembleFitness
from ..search.evolution import Evolution, EvolutionConfig
from .ensemble import member_values
from .measures import configure_from_config, register
from .space_adapter import NaslibSpaceAdapter

logger = logging.getLogger(__name__)

#: files NASLib's get_train_val_loaders reads under config.data, per dataset
NASLIB_DATA_FILES = {"cifar10": "cifar-10-batches-py", "cifar100": "cifar-100-python",
                     "ImageNet16-120": "ImageNet16-120"}
CHECKPOINT_NAME = "swap_evolution.json"


def _get(node, key: str, default: Any) -> Any:
    return getattr(node, key, default) if node is not None else default


def swap_loader(dataset: str, batch_size: int = 16, seed: int = 0, size: Optional[int] = None):
    """One batch of ``load_batch(dataset, batch_size)`` as a DataLoader (labels are 0:
    SWAP ignores them; label-based NASLib proxies would not be meaningful on it).

    A TransNAS-Bench-101 task (no Taskonomy images offline) gets the ImageNet stand-in
    images at the task's side (256; jigsaw 192), or ``size``, as the standalone study
    does; for jigsaw cut into the ``(N, 9, 3, side/3, side/3)`` tiles NASLib's graph reads."""
    from ..data import load_batch, one_batch_loader
    from ..spaces import get_space, tnb101

    if dataset not in tnb101.TASKS:
        return one_batch_loader(load_batch(dataset, batch_size, seed=seed, size=size))
    side = size or get_space("tnb101_micro").input_side(dataset)
    x = load_batch("imagenet", batch_size, seed=seed, size=side)
    if dataset == "jigsaw":
        from ..spaces.tnb101_models import image_to_tiles

        x = image_to_tiles(x)
    return one_batch_loader(x)


def naslib_data_present(config) -> bool:
    """Whether NASLib's loader would find ``config.dataset`` under ``config.data``."""
    data = _get(config, "data", None)
    name = NASLIB_DATA_FILES.get(_get(config, "dataset", None))
    return bool(data and name and os.path.exists(os.path.join(data, name)))


def build_train_loader(config, kind: Optional[str] = None):
    """The loader zero-cost fitness uses (see the module doc for ``swap_loader``)."""
    search = _get(config, "search", None)
    kind = kind or _get(search, "swap_loader", "auto")
    if kind not in ("auto", "naslib", "swap"):
        raise ValueError(f"search.swap_loader must be auto, naslib or swap, got {kind!r}")
    n, seed = int(_get(search, "swap_batch_size", 16)), int(_get(search, "seed", _get(config, "seed", 0)))
    size = _get(search, "swap_image_size", None)
    if kind == "naslib" or (kind == "auto" and naslib_data_present(config)):
        from naslib import utils

        # one batch for every arch, drawn once under the seed: NASLib's loader reshuffles
        return fixed_batch_loader(utils.get_train_val_loaders(config, mode="train")[0], n, seed)
    return swap_loader(config.dataset, n, seed, None if size is None else int(size))


class SwapEvolution(MetaOptimizer):
    """SWAP-NAS evolution (paper Algorithm 1) driven by a zero-cost proxy."""

    using_step_function = False

    def __init__(self, config, fitness: Optional[Callable[[Any], float]] = None):
        """``fitness``: optional ``arch -> float`` replacing the proxy (tests, custom use)."""
        super().__init__()
        self.config = config
        s = config.search
        self.epochs = int(s.epochs)
        self.dataset = config.dataset
        self.seed = int(_get(s, "seed", _get(config, "seed", 0)))
        self.proxy = str(_get(s, "proxy", "reg_swap"))
        self.evolution_config = EvolutionConfig(
            population_size=int(_get(s, "population_size", 20)),
            cycles=max(self.epochs - 1, 0),
            sample_size=int(_get(s, "sample_size", 5)),
            mutation_times=int(_get(s, "mutation_times", 4)),
            crossover_prob=float(_get(s, "crossover_prob", 0.5)))
        self.evolution_config.validate()
        self.performance_metric = Metric.VAL_ACCURACY
        self._custom_fitness = fitness
        self.train_loader = None
        self.search_space = self.adapter = self.evolution = None
        self.dataset_api = None
        self._graphs = {}
        self._ensemble = None
        self.reference = int(_get(s, "ensemble_reference", 200))
        from ..proxies import list_proxies

        if self.proxy in list_proxies():  # ours (plugins included): NASLib must know the measure
            register()
            configure_from_config(config)

    # ---- set-up --------------------------------------------------------------------
    def adapt_search_space(self, search_space, scope: str = None, dataset_api: dict = None):
        self.search_space = search_space.clone()
        self.scope = scope if scope else getattr(search_space, "OPTIMIZER_SCOPE", None)
        self.dataset_api = dataset_api
        self.adapter = NaslibSpaceAdapter(self.search_space, dataset_api)
        self.evolution = Evolution(self.adapter, self.fitness, self.evolution_config, seed=self.seed)
        self._graphs = {}
        if self.proxy == "swap_ensemble":
            self._ensemble = EnsembleFitness(self.member_values, self.adapter.sample, self.adapter.hash,
                                             self.reference, self.seed)

    def fitness(self, arch) -> float:
        """The proxy's score of ``arch`` (weights seeded by seed and arch)."""
        if self._custom_fitness is not None:
            return float(self._custom_fitness(arch))
        if self._ensemble is not None:
            return float(self._ensemble(arch))
        from naslib.predictors import ZeroCost

        graph = self.seeded_graph(arch)
        return float(ZeroCost(method_type=self.proxy).query(graph, dataloader=self.train_loader))

    def seeded_graph(self, arch):
        """The parsed graph of ``arch``, its weights seeded by (seed, arch)."""
        if self.train_loader is None:
            self.train_loader = build_train_loader(self.config)
        torch.manual_seed(zlib.crc32(self.adapter.hash(arch).encode()) ^ self.seed)
        return self.adapter.to_graph(arch)

    def member_values(self, arch) -> dict:
        """``swap_ensemble``'s member values of ``arch`` (one seeded graph, the loader's first batch)."""
        graph = self.seeded_graph(arch)
        return member_values(graph, next(iter(self.train_loader))[0])

    # ---- the epochs ------------------------------------------------------------------
    def new_epoch(self, epoch: int):
        evo = self.evolution
        if evo is None:
            raise RuntimeError("call adapt_search_space() before new_epoch()")
        if not evo.population and epoch > 0 and self._load_checkpoint():
            logger.info(f"SwapEvolution: resumed at cycle {evo.cycle} from {self.checkpoint_path}")
        if not evo.population:
            evo.initialise()
            logger.info(f"SwapEvolution: population of {len(evo.population)} initialised "
                        f"({evo.evaluations} {self.proxy} evaluations)")
        while evo.cycle < epoch:
            evo.step()
        arch, fit = evo.best
        logger.info(f"SwapEvolution epoch {epoch}: cycle {evo.cycle}, {evo.evaluations} "
                    f"evaluations, best {self.proxy}={fit:.6g} arch={arch}")
        self._save_checkpoint()

    @property
    def checkpoint_path(self) -> Optional[Path]:
        save = _get(self.config, "save", None)
        return Path(save) / "search" / CHECKPOINT_NAME if save else None

    def _save_checkpoint(self) -> None:
        if self.checkpoint_path is not None:
            self.evolution.save(self.checkpoint_path)

    def _load_checkpoint(self) -> bool:
        return self.checkpoint_path is not None and self.evolution.load(self.checkpoint_path)

    # ---- what the Trainer reads --------------------------------------------------------
    def graph_of(self, arch):
        key = self.adapter.hash(arch)
        if key not in self._graphs:
            self._graphs = {key: self.adapter.to_graph(arch)}  # keep only the latest one
        return self._graphs[key]

    def train_statistics(self, report_incumbent: bool = True):
        if self.dataset_api is None:
            return -1, -1, -1, -1
        if report_incumbent or not self.evolution.population:
            graph = self.get_final_architecture()
        else:
            graph = self.graph_of(self.evolution.population[-1][0])
        q = lambda m: graph.query(m, self.dataset, dataset_api=self.dataset_api)  # noqa: E731
        return (q(Metric.TRAIN_ACCURACY), q(Metric.VAL_ACCURACY), q(Metric.TEST_ACCURACY),
                q(Metric.TRAIN_TIME))

    def test_statistics(self):
        if self.dataset_api is None:
            return None
        return self.get_final_architecture().query(Metric.RAW, self.dataset,
                                                   dataset_api=self.dataset_api)

    def get_final_architecture(self):
        """The parsed NASLib graph of the fittest member of the population."""
        if self.evolution is None or not self.evolution.population:
            raise RuntimeError("no architecture yet: run the search first")
        return self.graph_of(self.evolution.best[0])

    @property
    def best_arch(self):
        return self.evolution.best[0] if self.evolution and self.evolution.population else None

    def get_op_optimizer(self):
        raise NotImplementedError()

    def get_checkpointables(self):
        # NASLib's Checkpointer stores only "model"; the evolution state is the JSON file
        return {"model": torch.nn.Module()}

    def get_model_size(self):
        return 0.0


#: NASLib's runner name -> class name in ``naslib.optimizers`` (runners/nas/runner.py)
NASLIB_OPTIMIZER_NAMES = {
    "rs": "RandomSearch", "re": "RegularizedEvolution", "bananas": "Bananas",
    "npenas": "Npenas", "ls": "LocalSearch", "darts": "DARTSOptimizer",
    "drnas": "DrNASOptimizer", "gdas": "GDASOptimizer",
}


def naslib_optimizers() -> dict:
    """``{runner name: optimizer class}``: NASLib's own (those this NASLib has) plus
    ``"swap_evolution": SwapEvolution``. Instantiate with ``cls(config)``."""
    import naslib.optimizers as nopt

    found = {k: getattr(nopt, v) for k, v in NASLIB_OPTIMIZER_NAMES.items() if hasattr(nopt, v)}
    found["swap_evolution"] = SwapEvolution
    return found


OPTIMIZERS = naslib_optimizers()
