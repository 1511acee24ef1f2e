"""swap-nas correlate: a NAS-Bench-Suite-Zero-style correlation study."""
from __future__ import annotations

import json
from pathlib import Path

from ..proxies.ensemble import ENSEMBLE_MEMBERS

CONFIG_DIR = Path(__file__).resolve().parent.parent.parent / "configs"


def add_parser(sub, add_scoring_flags) -> None:
    p = sub.add_parser("correlate", help="Spearman/Kendall of proxies vs benchmark accuracy",
                       description="Example: swap-nas correlate --space nb201 --dataset cifar100 "
                                   "--proxies swap reg_swap params flops --n 1000 --seeds 0-4 --out run/")
    p.add_argument("--config", help="YAML study config (default: configs/<space>.yaml when present)")
    p.add_argument("--space", required=True, help="nb201 | nb101 | nb301 | tnb101_micro | tnb101_macro | darts_swap (the official correlation.py set)")
    p.add_argument("--dataset", help="benchmark dataset or TransNAS task (default from the config)")
    p.add_argument("--proxies", nargs="+", help="swap reg_swap params flops activation_patterns "
                   f"swap_ensemble ({' + '.join(ENSEMBLE_MEMBERS)}, log-rank) and/or NB-Suite-Zero baselines "
                   "(synflow, nwot, ...) read from zc files")
    p.add_argument("--n", type=arch_count, help="archs per seed (default 1000), or 'all': the whole table")
    p.add_argument("--seeds", help="e.g. 0-4 or 0,3,7")
    p.add_argument("--out", help="output root (NASLib layout under out/correlation/...)")
    p.add_argument("--metric", help="ground-truth metric (default val_accuracy)")
    p.add_argument("--gt-source", help="ground-truth source name or file")
    p.add_argument("--samples", type=int, help="S, images per batch")
    p.add_argument("--images", help="dataset whose images are fed (default: --dataset)")
    p.add_argument("--image-source", help=".npz / folder / dataset root")
    p.add_argument("--input-size", type=int, help="resize images to this many pixels per side")
    p.add_argument("--repeats", type=int)
    p.add_argument("--init", choices=["none", "gaussian"])
    p.add_argument("--mu", help="μ in --size-unit, 'auto' (quantile rule) or 'paper' (preset)")
    p.add_argument("--sigma", help="σ in --size-unit, 'auto' or 'paper'")
    p.add_argument("--formula", choices=["paper", "official"])
    p.add_argument("--size-unit", choices=["M", "K"])
    p.add_argument("--workers", type=int, help="scoring processes (default 1)")
    p.add_argument("--device", help="cpu | cuda")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def arch_count(text: str):
    return "all" if text == "all" else int(text)


def _number_or_word(v):
    if v is None or v in ("auto", "paper"):
        return v
    return float(v)


def run(args) -> int:
    from ..studies import StudyConfig, parse_seeds, run_study

    overrides = dict(space=args.space, dataset=args.dataset, proxies=args.proxies, n=args.n,
                     seeds=parse_seeds(args.seeds) if args.seeds else None, out=args.out,
                     metric=args.metric, gt_source=args.gt_source, samples=args.samples,
                     images=args.images, image_source=args.image_source, input_size=args.input_size,
                     repeats=args.repeats, init=None if args.init == "none" else args.init,
                     mu=_number_or_word(args.mu), sigma=_number_or_word(args.sigma),
                     formula=args.formula, size_unit=args.size_unit, workers=args.workers,
                     device=args.device)
    path = Path(args.config) if args.config else CONFIG_DIR / f"{args.space}.yaml"
    if args.config or path.exists():
        cfg = StudyConfig.from_yaml(path, **overrides)
    else:
        cfg = StudyConfig.from_dict({k: v for k, v in overrides.items() if v is not None})
    summary = run_study(cfg, progress=not args.quiet)
    print(f"{'proxy':<22}" + "".join(f"{'seed ' + str(s):>12}" for s in cfg.seeds) + f"{'mean':>10}")
    for proxy, per_seed in summary.items():
        vals = [per_seed[s]["spearman"] for s in cfg.seeds]
        print(f"{proxy:<22}" + "".join(f"{v:>12.4f}" for v in vals) + f"{sum(vals) / len(vals):>10.4f}")
    print(f"scores.json tree: {Path(cfg.out) / 'correlation' / cfg.space / cfg.dataset}")
    from ..files import atomic_write_text

    atomic_write_text(Path(cfg.out) / "correlation" / cfg.space / cfg.dataset / "summary.json",
                      json.dumps(summary, indent=1, default=str))
    return 0
