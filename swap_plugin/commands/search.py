"""swap-nas search: SWAP-NAS (Algorithm 1) on the DARTS space."""
from __future__ import annotations

from . import argtypes as at


def add_parser(sub, add_scoring_flags) -> None:
    p = sub.add_parser("search", help="SWAP-NAS evolution with Ψ' fitness (DARTS space)",
                       description="Default: CIFAR-10, μ=σ=1.5 thousand parameters of the scoring "
                                   "network (SWAP-NAS-C). Resumes from --out/checkpoint.json.")
    p.add_argument("--space", default="darts", help="search space (default darts)")
    p.add_argument("--dataset", default="cifar10", help="cifar10 | cifar100 | imagenet")
    p.add_argument("--data", default=None, help="image source: .npz, CIFAR root or ImageNet ImageFolder path "
                   "(default: the CIFAR-10 / ImageNet stand-in images under SWAP_DATA_DIR)")
    p.add_argument("--mu", type=at.number(what="μ in --size-unit"), default=None, help="μ in --size-unit (default: CIFAR 1.5 K, SWAP-NAS-C "
                   "(A: 0.9, B: 1.2); ImageNet 25 K, whose 1000-class scoring network has 25-27.5 K parameters)")
    p.add_argument("--sigma", type=at.number(0, above=True, what="σ in --size-unit"), default=None,
                   help="σ > 0 in --size-unit (default: equal to μ)")
    p.add_argument("--size-unit", choices=["K", "M"], default="K", help="unit of the scoring network's Θ, μ, σ (default K = thousands)")
    p.add_argument("--formula", choices=["paper", "official"], default="paper")
    p.add_argument("--samples", type=at.integer(1, what="S, images per batch"), default=16,
                   help="S images per batch (default 16)")
    p.add_argument("--repeats", type=at.integer(1, what="re-initialisations per fitness"), default=4,
                   help="Gaussian re-inits averaged per fitness (default 4)")
    p.add_argument("--image-size", type=at.integer(1, what="pixels per side"), default=None,
                   help="input side in pixels (default 32)")
    p.add_argument("--population", type=at.integer(2, what="archs kept"), default=20, help="(default 20)")
    p.add_argument("--cycles", type=at.NON_NEGATIVE_INT, default=50, help="(default 50)")
    p.add_argument("--sample-size", type=at.integer(1, what="members sampled per cycle"), default=5,
                   help="members sampled per cycle, at most --population (default 5)")
    p.add_argument("--mutation-times", type=at.POSITIVE_INT, default=4, help="(default 4)")
    p.add_argument("--crossover-prob", type=at.PROBABILITY, default=0.5, help="in [0, 1] (default 0.5)")
    p.add_argument("--scoring-channels", type=at.POSITIVE_INT, default=3, help="C of the scoring network (default 3, official)")
    p.add_argument("--scoring-cells", type=at.POSITIVE_INT, default=None,
                   help="cells of the scoring network (default 1; 3 with --untied so both cells are seen)")
    p.add_argument("--untied", action="store_true", help="search normal and reduce cells separately "
                   "(the scoring network then has 3 cells; μ, σ scale up accordingly)")
    p.add_argument("--allow-none", action="store_true", help="allow the 'none' op")
    p.add_argument("--seed", type=at.SEED, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=at.POSITIVE_INT, default=1, help="torch threads (default 1: the scoring nets are tiny)")
    p.add_argument("--out", default="runs/search", help="run directory (checkpoint, result.json, genotype.txt)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    import torch

    from ..search import EvolutionConfig, SearchConfig, run_search

    if args.sample_size > args.population:
        raise ValueError(f"--sample-size {args.sample_size} is larger than --population {args.population}: "
                         "each cycle samples that many members of the population")
    torch.set_num_threads(args.threads)
    default = 25.0 if args.dataset == "imagenet" else 1.5  # paper: thousands of parameters
    if args.size_unit == "M":
        default /= 1e3
    mu = args.mu if args.mu is not None else default
    sigma = args.sigma if args.sigma is not None else (args.mu if args.mu is not None else default)
    if args.sigma is None and sigma <= 0:
        raise ValueError(f"σ defaults to μ, and --mu {args.mu} is not > 0: give a positive --mu "
                         "(the centre of the size prior) or an explicit --sigma")
    cfg = SearchConfig(
        space=args.space, dataset=args.dataset, mu=mu, sigma=sigma, size_unit=args.size_unit,
        formula=args.formula, samples=args.samples, repeats=args.repeats, image_source=args.data,
        input_size=args.image_size, seed=args.seed, device=args.device, out=args.out,
        scoring_net={"C": args.scoring_channels,
                     "layers": args.scoring_cells or (3 if args.untied else 1)},
        space_options={"tied_cells": not args.untied, "allow_none": args.allow_none},
        evolution=EvolutionConfig(population_size=args.population, cycles=args.cycles,
                                  sample_size=args.sample_size, mutation_times=args.mutation_times,
                                  crossover_prob=args.crossover_prob))
    r = run_search(cfg, progress=not args.quiet)
    print(f"genotype        {r['genotype']}")
    print(f"fitness Ψ'      {r['fitness_reg_swap']:.1f}  (μ=σ={cfg.mu} {cfg.size_unit} of the scoring network, {cfg.formula} formula)")
    print(f"eval params     {r['eval_params_M']:.3f} M  ({r['eval_network']}, auxiliary excluded)")
    print(f"search time     {r['search_seconds']:.1f} s, {r['evaluations']} evaluations, {r['cycles']} cycles")
    print(f"written         {cfg.out}/result.json, {cfg.out}/genotype.txt")
    return 0
