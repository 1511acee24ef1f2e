"""Standalone SWAP-NAS: Algorithm 1 with Ψ' fitness, checkpointed every cycle.

``run_search`` is what ``swap-nas search`` calls. Fitness = Ψ' of the arch's *scoring
network* (DARTS: the official SWAP network, small enough that Θ is a few thousand
parameters, so μ and σ are in thousands, "K"), scored on S real images with the
official Gaussian re-initialisation averaged over ``repeats``.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional

from ..files import (CorruptFileError, OutputExistsError, atomic_write_json, atomic_write_text,
                     read_json, settings_diff)
from .evolution import Evolution, EvolutionConfig


@dataclass
class SearchConfig:
    space: str = "darts"
    dataset: str = "cifar10"            # cifar10 | imagenet (ImageFolder path via image_source)
    mu: float = 1.5                      # regulariser centre, in size_unit of the scoring net
    sigma: float = 1.5
    size_unit: str = "K"                 # scoring-network parameters in thousands (paper)
    formula: str = "paper"
    samples: int = 16                    # S images per batch
    repeats: int = 4                     # Gaussian re-inits averaged per fitness
    image_source: Optional[str] = None
    input_size: Optional[int] = None     # default: 32 (CIFAR) / 32 (ImageNet stand-in resized)
    # the official SWAP scoring network: C=3, one cell (0.4-2.6 K parameters on DARTS)
    scoring_net: Dict[str, Any] = field(default_factory=lambda: {"C": 3, "layers": 1})
    # one cell searched and used as both normal and reduce cell, as the official SWAP
    # DARTS archs are: the one-cell scoring network then sees the whole genotype
    space_options: Dict[str, Any] = field(default_factory=lambda: {"tied_cells": True})
    evolution: EvolutionConfig = field(default_factory=EvolutionConfig)
    seed: int = 0
    device: str = "cpu"
    out: str = "runs/search"

    def as_dict(self) -> dict:
        return asdict(self)


def _fitness(space, scorer, cfg: SearchConfig):
    n_classes = 1000 if cfg.dataset == "imagenet" else (100 if cfg.dataset == "cifar100" else 10)

    def fitness(arch) -> float:
        if hasattr(space, "build_scoring_network"):
            net = space.build_scoring_network(arch, num_classes=n_classes, **cfg.scoring_net)
        else:
            net = space.build(arch, cfg.dataset, **cfg.scoring_net)
        return scorer.score(net).reg_swap

    return fitness


def run_search(cfg: SearchConfig, progress: bool = True) -> dict:
    """Run (or resume) a search; writes ``out/checkpoint.json`` each cycle and
    ``out/result.json`` + ``out/genotype.txt`` at the end. Returns the result dict."""
    from tqdm import tqdm

    from ..data import describe_input, load_batch
    from ..metric import SwapScorer
    from ..spaces import get_space

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    space = get_space(cfg.space, **cfg.space_options)
    images = "imagenet" if cfg.dataset == "imagenet" else cfg.dataset
    x = load_batch(images, cfg.samples, source=cfg.image_source, seed=cfg.seed,
                   size=cfg.input_size or 32)
    source_line = describe_input(images, cfg.samples, source=cfg.image_source)
    if progress:
        print(source_line, flush=True)
    scorer = SwapScorer(x, repeats=cfg.repeats, init="gaussian", seed=cfg.seed, mode="train",
                        mu=cfg.mu, sigma=cfg.sigma, formula=cfg.formula, size_unit=cfg.size_unit,
                        device=cfg.device)
    evo = Evolution(space, _fitness(space, scorer, cfg), cfg.evolution, seed=cfg.seed)
    ckpt = out / "checkpoint.json"
    settings = out / "settings.json"
    # the images themselves belong to the search: the same flags read other images once a data
    # directory appears (or moves), and a resumed search must not switch to them silently
    current = {**cfg.as_dict(), "input_sha256": batch_sha256(x), "input": source_line}
    check_search_dir(out, current)
    atomic_write_json(settings, current, indent=1)
    resumed = evo.load(ckpt)
    elapsed0 = evo.history[-1].get("elapsed", 0.0) if resumed and evo.history else 0.0
    t0 = time.perf_counter()
    total = cfg.evolution.cycles
    bar = tqdm(total=total, initial=evo.cycle, disable=not progress, unit="cycle",
               desc=f"SWAP-NAS {cfg.space}/{cfg.dataset} μ=σ={cfg.mu}{cfg.size_unit}", dynamic_ncols=True)

    def checkpoint(e: Evolution) -> None:
        e.history[-1]["elapsed"] = elapsed0 + time.perf_counter() - t0
        e.save(ckpt)
        bar.n = e.cycle
        bar.set_postfix(best=f"{e.best[1]:.1f}", evals=e.evaluations)
        bar.refresh()

    arch, fit = evo.run(callback=checkpoint)
    bar.close()
    seconds = elapsed0 + time.perf_counter() - t0
    result = {"space": cfg.space, "dataset": cfg.dataset, "arch": arch, "fitness_reg_swap": fit,
              "mu": cfg.mu, "sigma": cfg.sigma, "size_unit": cfg.size_unit, "formula": cfg.formula,
              "search_seconds": seconds, "evaluations": evo.evaluations, "cycles": evo.cycle,
              "seed": cfg.seed, "genotype": space.to_str(arch), "input": source_line}
    if hasattr(space, "to_json"):
        result["genotype_json"] = space.to_json(arch)
    eval_ds = "imagenet" if cfg.dataset == "imagenet" else "cifar10"
    result["eval_params_M"] = space.num_params(arch, eval_ds, unit="M")
    result["eval_network"] = "C=48, 14 cells (ImageNet mobile)" if eval_ds == "imagenet" else "C=36, 20 cells"
    atomic_write_json(out / "result.json", result, indent=1)
    atomic_write_text(out / "genotype.txt", result["genotype"] + "\n")
    return result


#: settings that do not change a search's numbers: its place on disk (a moved run resumes) and
#: the description of its input (the images are compared by ``input_sha256``)
NOT_IDENTITY = ("out", "input")


def batch_sha256(x) -> str:
    """sha256 of an input batch's float32 bytes: which images a search scores on."""
    import hashlib

    return hashlib.sha256(x.detach().cpu().contiguous().numpy().tobytes()).hexdigest()


def search_identity(settings: dict) -> dict:
    """What a resumed search must share with the stored one: every setting but ``out``."""
    return {k: v for k, v in json.loads(json.dumps(settings)).items() if k not in NOT_IDENTITY}


def check_search_dir(out: Path, current: dict) -> None:
    """Raise unless ``out`` is empty of search files or holds this very search (same
    settings and input images, wherever the folder now is). ``current``: this search's
    settings as stored in settings.json. Errors name the file and the differing settings."""
    ckpt, settings = out / "checkpoint.json", out / "settings.json"
    if ckpt.exists() and not settings.exists():
        raise CorruptFileError(f"{ckpt} has no settings.json beside it, so it cannot be checked "
                               "against this search's settings; restore settings.json, or pass "
                               "another --out (nothing was deleted)")
    if not settings.exists():
        for name in ("result.json", "genotype.txt"):
            if (out / name).exists():
                raise OutputExistsError(f"{out / name} exists but {out} holds no search checkpoint "
                                        "(checkpoint.json, settings.json); pass another --out, or "
                                        "move the file away (nothing was written)")
        return
    try:
        old = read_json(settings, f"the settings of the search in {out}",
                        "Restore it, or pass another --out (nothing was deleted)")
    except CorruptFileError:
        if ckpt.exists():
            raise
        old = None  # never checkpointed (killed during the first population): nothing to lose
    if not ckpt.exists() and not (isinstance(old, dict) and {"space", "evolution"} <= set(old)):
        if old is None:
            return
        raise OutputExistsError(f"{settings} exists and is not a search's settings file; pass "
                                "another --out, or move the file away (nothing was written)")
    if ckpt.exists():
        now = search_identity(current)
        if "input_sha256" not in old:  # written before the input was recorded: compare the flags
            now.pop("input_sha256", None)
        diff = settings_diff(search_identity(old), now)
        if any(d.startswith("input_sha256") for d in diff):
            diff = [d for d in diff if not d.startswith("input_sha256")] + [
                f"input images: {old.get('input', 'other images')} (stored) vs {current.get('input')} (now)"]
        if diff:
            raise ValueError(f"{out} holds a search with other settings ({'; '.join(diff)}); pass "
                             "another --out, or the stored settings to resume it")
