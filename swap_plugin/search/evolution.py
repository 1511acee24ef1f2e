"""Algorithm 1 of the paper (SWAP-NAS): elitist evolution driven by a training-free fitness.

One implementation serves the standalone search (``swap-nas search``) and NASLib's
``SwapEvolution`` optimizer. It needs only a space with ``sample``, ``mutate``,
``crossover`` and ``hash`` (the :class:`~swap_plugin.spaces.SearchSpace` protocol) and
a ``fitness(arch) -> float`` (by default Ψ' of the arch's scoring network).

Each cycle:
  1. sample ``sample_size`` members of the population P;
  2. parent = the best of them, or — with probability ``crossover_prob`` — the fitter of
     the two children made by crossing over the best two (a node's incoming edges swap);
  3. make ``mutation_times`` children, each one mutation of the parent (op or edge);
  4. add the best child to P and remove the worst member of P (elitism, not ageing).
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from ..files import CorruptFileError, atomic_write_json, read_json, settings_diff
from ..spaces.base import to_plain


@dataclass
class EvolutionConfig:
    """Defaults: the paper's DARTS setting scaled to minutes on a CPU (see README)."""

    population_size: int = 20
    cycles: int = 50             # paper: C
    sample_size: int = 5         # paper: S (candidates drawn from P each cycle)
    mutation_times: int = 4      # children per cycle
    crossover_prob: float = 0.5

    def validate(self) -> None:
        if self.population_size < 2:
            raise ValueError("population_size must be >= 2")
        if not 1 <= self.sample_size <= self.population_size:
            raise ValueError("sample_size must be between 1 and population_size")
        if self.cycles < 0 or self.mutation_times < 1:
            raise ValueError("cycles must be >= 0 and mutation_times >= 1")
        if not 0.0 <= self.crossover_prob <= 1.0:
            raise ValueError("crossover_prob must be in [0, 1]")


Member = Tuple[Any, float]  # (arch, fitness)


class Evolution:
    """Stateful Algorithm 1: ``initialise()`` then ``step()`` per cycle, or ``run()``."""

    def __init__(self, space, fitness: Callable[[Any], float], config: EvolutionConfig = EvolutionConfig(),
                 seed: int = 0):
        config.validate()
        self.space, self.fitness_fn, self.config, self.seed = space, fitness, config, seed
        self.rng = np.random.default_rng(seed)
        self.population: List[Member] = []
        self.cycle = 0
        self.evaluations = 0
        self.history: List[dict] = []
        self._cache: Dict[str, float] = {}

    # ---- fitness ----------------------------------------------------------------
    def evaluate(self, arch) -> float:
        """Fitness with a cache keyed by the space's hash (isomorphism-aware where it is)."""
        key = self.space.hash(arch)
        if key not in self._cache:
            self._cache[key] = float(self.fitness_fn(arch))
            self.evaluations += 1
        return self._cache[key]

    # ---- the algorithm --------------------------------------------------------------
    def initialise(self) -> None:
        while len(self.population) < self.config.population_size:
            arch = self.space.sample(self.rng)
            self.population.append((arch, self.evaluate(arch)))
        self._log("init")

    def step(self) -> Member:
        """One cycle; returns the child added to the population."""
        if not self.population:
            self.initialise()
        cfg = self.config
        idx = self.rng.choice(len(self.population), size=cfg.sample_size, replace=False)
        candidates = sorted((self.population[i] for i in idx), key=lambda m: m[1], reverse=True)
        parent = candidates[0][0]
        if len(candidates) > 1 and self.rng.random() < cfg.crossover_prob:
            a, b = candidates[0][0], candidates[1][0]
            kids = [self.space.crossover(a, b, self.rng), self.space.crossover(b, a, self.rng)]
            parent = max(kids, key=self.evaluate)
        children = [self.space.mutate(parent, self.rng) for _ in range(cfg.mutation_times)]
        best_child = max(((c, self.evaluate(c)) for c in children), key=lambda m: m[1])
        self.population.append(best_child)
        worst = min(range(len(self.population)), key=lambda i: self.population[i][1])
        self.population.pop(worst)
        self.cycle += 1
        self._log("cycle")
        return best_child

    def run(self, callback: Optional[Callable[["Evolution"], None]] = None) -> Member:
        if not self.population:
            self.initialise()
            if callback:
                callback(self)
        while self.cycle < self.config.cycles:
            self.step()
            if callback:
                callback(self)
        return self.best

    @property
    def best(self) -> Member:
        return max(self.population, key=lambda m: m[1])

    def _log(self, event: str) -> None:
        arch, fit = self.best
        self.history.append({"event": event, "cycle": self.cycle, "evaluations": self.evaluations,
                             "best_fitness": fit, "best_arch": to_plain(arch)})

    # ---- checkpoints ----------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {"config": asdict(self.config), "seed": self.seed, "cycle": self.cycle,
                "evaluations": self.evaluations, "rng": self.rng.bit_generator.state,
                "population": [[to_plain(a), f] for a, f in self.population],
                "cache": self._cache, "history": self.history}

    def load_state_dict(self, state: dict) -> None:
        old = {"config": state["config"], "seed": state["seed"]}
        diff = settings_diff(old, {"config": asdict(self.config), "seed": self.seed})
        if diff:
            raise ValueError(f"checkpoint was written with other evolution settings ({'; '.join(diff)}); "
                             "start a new run directory")
        self.cycle, self.evaluations = state["cycle"], state["evaluations"]
        self.rng.bit_generator.state = state["rng"]
        self.population = [(self.space.decode(a), f) for a, f in state["population"]]
        self._cache = dict(state["cache"])
        self.history = list(state["history"])

    def save(self, path: os.PathLike) -> None:
        """Atomic write: a kill mid-save leaves the previous checkpoint intact."""
        atomic_write_json(path, self.state_dict(), default=_json_default)

    def load(self, path: os.PathLike) -> bool:
        """Resume from ``path`` if it exists; returns whether it did. A cut, empty or
        foreign file raises :class:`~swap_plugin.files.CorruptFileError` naming it."""
        path = Path(path)
        if not path.exists():
            return False
        todo = ("Restore it, or move it away to start this search again from its first "
                "population (nothing was deleted)")
        state = read_json(path, "a SWAP-NAS search checkpoint", todo)
        try:
            self.load_state_dict(state)
        except (KeyError, TypeError, IndexError) as err:
            raise CorruptFileError(f"{path} is not a SWAP-NAS search checkpoint (no usable "
                                   f"{err}); {todo}") from None
        return True


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    raise TypeError(f"cannot serialise {type(o).__name__}")
