"""swap-nas correlate: a NAS-Bench-Suite-Zero-style correlation study."""
from __future__ import annotations

import argparse
import json
import textwrap

from . import argtypes as at


def proxies_help() -> str:
    """``--proxies`` help: the registry's proxies (plugins included) and the stored ones."""
    from ..proxies import ENSEMBLE_MEMBERS, STORED_PREFIX, list_proxies

    names = " ".join(list_proxies())
    return (f"registered proxies ({names}; swap_ensemble = log-rank of {' + '.join(ENSEMBLE_MEMBERS)}) and/or "
            f"values stored in the ground-truth file as {STORED_PREFIX}<name> ({STORED_PREFIX}synflow, "
            f"{STORED_PREFIX}nwot, ...; with --gt-source zc); your own proxy: --plugin")


def add_parser(sub, add_scoring_flags) -> None:
    from ..spaces import list_spaces

    p = sub.add_parser("correlate", help="Spearman/Kendall of proxies vs benchmark accuracy",
                       description="Example: swap-nas correlate --space nb201 --dataset cifar100 "
                                   "--proxies swap reg_swap params flops --n 1000 --seeds 0-4 --out run/")
    p.add_argument("--config", help="YAML study config (default: the configs/<space>.yaml of this install; "
                   "a space without one is an error). Flags given override its values")
    p.add_argument("--space", required=True, help=" | ".join(list_spaces()) + " (darts_swap: the official "
                   "correlation.py set; darts: none, its studies are nb301 and darts_swap)")
    p.add_argument("--dataset", help="benchmark dataset or TransNAS task (default from the config)")
    p.add_argument("--proxies", nargs="+", help=proxies_help())
    p.add_argument("--n", type=arch_count, help="archs per seed (default 1000), or 'all': the whole table")
    p.add_argument("--seeds", type=at.seeds, help="a range such as 0-4, a list such as 0,3,7, or both (0-2,7)")
    p.add_argument("--out", help="output root (NASLib layout under out/correlation/...)")
    p.add_argument("--metric", help="ground-truth metric (default val_accuracy)")
    p.add_argument("--gt-source", help="ground-truth source name or file")
    p.add_argument("--samples", type=at.integer(1, what="S, images per batch"), help="S, images per batch")
    p.add_argument("--images", help="dataset whose images are fed (default: --dataset)")
    p.add_argument("--image-source", help=".npz / folder / dataset root")
    p.add_argument("--input-size", type=at.integer(1, what="pixels per side"),
                   help="resize images to this many pixels per side")
    p.add_argument("--repeats", type=at.integer(1, what="scorings per arch"))
    p.add_argument("--init", choices=["none", "gaussian"])
    p.add_argument("--mu", type=at.number_or_word(("auto", "paper"), what="μ in --size-unit"),
                   help="μ in --size-unit, 'auto' (quantile rule) or 'paper' (preset)")
    p.add_argument("--sigma", type=at.number_or_word(("auto", "paper"), lo=0, above=True, what="σ in --size-unit"),
                   help="σ in --size-unit (> 0), 'auto' or 'paper'")
    p.add_argument("--formula", choices=["paper", "official"])
    p.add_argument("--size-unit", choices=["M", "K"])
    p.add_argument("--workers", type=at.POSITIVE_INT, help="scoring processes (default 1)")
    p.add_argument("--device", help="cpu | cuda")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def arch_count(text: str):
    """``--n``: a number of archs >= 2, or 'all'."""
    if text == "all":
        return "all"
    try:
        n = int(text)
    except ValueError:
        n = None
    if n is None or n < 2:
        raise argparse.ArgumentTypeError(f"must be a number of archs >= 2 (a correlation needs two) or "
                                         f"'all' (the whole table), got {text!r}")
    return n


def run(args) -> int:
    from ..spaces import get_space
    from ..studies import run_study
    from ..studies.config import study_config
    from ..studies.correlate import with_benchmark_input

    overrides = dict(dataset=args.dataset, proxies=args.proxies, n=args.n, seeds=args.seeds, out=args.out,
                     metric=args.metric, gt_source=args.gt_source, samples=args.samples,
                     images=args.images, image_source=args.image_source, input_size=args.input_size,
                     repeats=args.repeats, init=None if args.init == "none" else args.init,
                     mu=args.mu, sigma=args.sigma, formula=args.formula, size_unit=args.size_unit,
                     workers=args.workers, device=args.device)
    cfg = study_config(args.space, args.config, **overrides)
    cfg = with_benchmark_input(cfg, get_space(cfg.space))
    print(describe_config(cfg, [k for k, v in overrides.items() if v is not None]), flush=True)
    summary = run_study(cfg, progress=not args.quiet)
    print(f"{'proxy':<22}" + "".join(f"{'seed ' + str(s):>12}" for s in cfg.seeds) + f"{'mean':>10}")
    for proxy, per_seed in summary.items():
        vals = [per_seed[s]["spearman"] for s in cfg.seeds]
        print(f"{proxy:<22}" + "".join(f"{v:>12.4f}" for v in vals) + f"{sum(vals) / len(vals):>10.4f}")
    from ..files import atomic_write_text
    from ..studies import tree

    study = tree.study_path(cfg.out, cfg.space, cfg.dataset)
    print(f"scores.json tree: {study}")
    atomic_write_text(tree.summary_path(study), json.dumps(summary, indent=1, default=str))
    return 0


def describe_config(cfg, overridden) -> str:
    """The config file a study reads, the flags that override it, and every effective
    setting (what each scores.json stores as its config)."""
    flags = ", ".join("--" + k.replace("_", "-") for k in overridden)
    head = f"config    {cfg.config_file}" + (f" (overridden by {flags})" if flags else "")
    settings = " ".join(f"{k}={json.dumps(v)}" for k, v in cfg.as_dict().items() if k != "config_file")
    return head + "\n" + textwrap.fill(settings, width=100, initial_indent="settings  ",
                                       subsequent_indent=" " * 10, break_on_hyphens=False)
