"""The searches the NB201 study compares: SWAP-NAS (Algorithm 1) and two baselines with
the same number of architecture evaluations — random search on the same fitness, and
regularised (ageing) evolution on the benchmark's true validation accuracy."""
from __future__ import annotations

import collections
import time
from typing import Callable, List, Tuple

import numpy as np

from .evolution import Evolution, EvolutionConfig


def swap_nas(space, fitness, cfg: EvolutionConfig, seed: int):
    """Algorithm 1 on ``fitness``: (arch, fitness, distinct archs evaluated, wall seconds,
    the fitness's scoring seconds)."""
    t0 = time.perf_counter()
    evo = Evolution(space, fitness, cfg, seed=seed)
    arch, fit = evo.run()
    overhead = time.perf_counter() - t0
    return arch, fit, evo.evaluations, overhead, fitness.seconds


def random_search(space, fitness, n: int, seed: int):
    """The best of ``n`` distinct uniformly random archs: (arch, fitness, wall seconds,
    the fitness's scoring seconds)."""
    rng = np.random.default_rng(10_000 + seed)
    seen, best = set(), None
    t0 = time.perf_counter()
    while len(seen) < n:
        arch = space.sample(rng)
        if arch in seen:
            continue
        seen.add(arch)
        f = fitness(arch)
        if best is None or f > best[1]:
            best = (arch, f)
    return best[0], best[1], time.perf_counter() - t0, fitness.seconds


def regularized_evolution(space, val_acc: Callable, n: int, population_size: int,
                          sample_size: int, seed: int):
    """Ageing evolution (Real et al.): mutate the best of a random sample, drop the oldest.

    ``n`` benchmark queries in all (the first ``population_size`` random); returns the
    queried arch with the best validation accuracy (as NASLib's get_final_architecture).
    """
    rng = np.random.default_rng(20_000 + seed)
    population = collections.deque(maxlen=population_size)
    history: List[Tuple[tuple, float]] = []
    t0 = time.perf_counter()
    while len(history) < n:
        if len(history) < population_size:
            arch = space.sample(rng)
        else:
            idx = rng.choice(len(population), size=min(sample_size, len(population)), replace=False)
            parent = max((population[i] for i in idx), key=lambda m: m[1])[0]
            arch = space.mutate(parent, rng)
        member = (arch, float(val_acc(arch)))
        population.append(member)
        history.append(member)
    best = max(history, key=lambda m: m[1])
    return best[0], best[1], time.perf_counter() - t0
