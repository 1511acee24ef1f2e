"""``swap-nas``: score, correlate, search, train, heatmap. Each command parses its flags
and calls one library function; no logic lives here.

``--plugin SPEC`` (any command, repeatable) and ``SWAP_PLUGINS`` load modules that register
your own proxies and spaces (:mod:`swap_plugin.plugins`) before the flags are read, so
``--proxies`` and ``--space`` accept them."""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from .commands import argtypes as at
from .commands import correlate, heatmap, naslib, search, train
from .plugins import PluginError, load_plugins

PLUGIN_HELP = ("a module that registers proxies or spaces: a .py file or a module name (repeatable; "
               "also SWAP_PLUGINS, comma-separated)")


class _DeprecatedAlias(argparse.Action):
    """An old flag name that still works, with a warning on stderr naming the new one."""

    def __init__(self, option_strings, dest, new: str = "", **kwargs):
        self.new = new
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"{parser.prog}: warning: {option_string} is deprecated and will be removed; use {self.new} "
              "(the same value)", file=sys.stderr)
        setattr(namespace, self.dest, values)


def _add_scoring_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("scoring")
    g.add_argument("--dataset", default="cifar10", help="cifar10 | cifar100 | ImageNet16-120 (in16) | imagenet (ImageNet-1k): normalisation, default images")
    images = at.integer(1, what="S, images per batch")
    g.add_argument("--samples", type=images, default=32, help="S, number of input images (default 32)")
    g.add_argument("--n", dest="samples", type=images, default=argparse.SUPPRESS, action=_DeprecatedAlias,
                   new="--samples", help="deprecated name of --samples")
    g.add_argument("--data", default=None, help="image source: .npz, CIFAR/ImageNet16 root or image folder (default: SWAP_DATA_DIR images; "
                   "without a data directory, CIFAR-10's 64 embedded test images)")
    g.add_argument("--image-size", type=at.integer(1, what="pixels per side"), default=None,
                   help="resize inputs to this many pixels per side")
    g.add_argument("--seed", type=at.SEED, default=0, help="seed for image choice and re-initialisation")
    g.add_argument("--repeats", type=at.integer(1, what="scorings averaged"), default=1,
                   help="scorings averaged (re-initialised when --init gaussian); a progress bar on "
                        "stderr once they take over 2 s")
    g.add_argument("--init", choices=["none", "gaussian"], default="none", help="none: current weights; gaussian: official re-init")
    g.add_argument("--mode", choices=["model", "train", "eval"], default="train",
                   help="BatchNorm mode while scoring (paper/official: train = batch statistics)")
    g.add_argument("--mu", type=at.number(what="μ in --size-unit"), default=None, help="regulariser centre μ, in --size-unit")
    g.add_argument("--sigma", type=at.number(0, above=True, what="σ in --size-unit"), default=None,
                   help="regulariser width σ > 0, in --size-unit")
    g.add_argument("--formula", choices=["paper", "official"], default="paper", help="paper: exp(-((Θ-μ)/σ)²); official: exp(-(Θ-μ)²/σ)")
    g.add_argument("--size-unit", choices=["M", "K"], default="M", help="unit of Θ, μ, σ: M millions (paper, NASLib), K thousands (official code)")
    g.add_argument("--include-smooth", action="store_true",
                   help="also hook GELU/SiLU/Hardswish/Mish/ELU/CELU/SELU/Softplus modules (pre-activation sign)")
    g.add_argument("--device", default=None, help="cpu | cuda (default: where the model is, cpu)")


def _load_callable(spec: str):
    from .plugins import import_module

    if ":" not in spec:
        raise ValueError(f"--model must look like package.module:callable, got {spec!r}")
    mod, attr = spec.split(":", 1)
    try:
        obj = import_module(mod)  # installed, on PYTHONPATH, or in the current folder
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as err:
        raise ValueError(f"--model {spec!r}: cannot import it ({err}); run from the folder "
                         "that holds the module or install its package")
    return obj


def _model_kwargs(text: Optional[str]) -> dict:
    if text is None:
        return {}
    try:
        kwargs = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"--model-kwargs must be a JSON object such as '{{\"width\": 16}}': {err}")
    if not isinstance(kwargs, dict):
        raise ValueError(f"--model-kwargs must be a JSON object such as '{{\"width\": 16}}', got {text!r}")
    return kwargs


def _space_model(args, kwargs: dict):
    """--space's network for --arch (a random one without --arch); --model-kwargs are the
    space's build keyword arguments, checked against its signature."""
    import inspect

    import numpy as np

    from .spaces import get_space

    space = get_space(args.space)
    if args.arch is not None and not args.arch.strip():
        raise ValueError(f"--arch is empty: give an architecture of {args.space} in its string form, or leave "
                         "--arch out to score a random one (seeded by --seed)")
    arch = space.decode(args.arch) if args.arch is not None else space.sample(np.random.default_rng(args.seed))
    accepted = [n for n, p in inspect.signature(space.build).parameters.items()
                if p.kind is inspect.Parameter.KEYWORD_ONLY]
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        raise ValueError(f"--model-kwargs {unknown}: with --space {args.space} these are the network's build "
                         f"arguments, and it takes {', '.join(accepted) or 'none'}")
    try:
        model = space.build(arch, args.task or args.dataset, **kwargs)
    except (TypeError, ValueError) as err:
        raise ValueError(f"--model-kwargs {json.dumps(kwargs)}: {args.space} cannot build its network with "
                         f"them ({err})")
    return model, f"{args.space} {space.to_str(arch)}" + (f" {json.dumps(kwargs)}" if kwargs else "")


def cmd_score(args) -> int:
    import torch

    from .data import describe_input, load_batch
    from .metric import NoActivationError, SwapScorer

    torch.manual_seed(args.seed)  # the untrained weights are part of what is scored
    kwargs = _model_kwargs(args.model_kwargs)
    if args.model and args.space:
        raise ValueError("give either --model (your own network) or --space (a benchmark arch), not both")
    if args.model:
        for flag, value in (("--arch", args.arch), ("--task", args.task)):
            if value is not None:
                raise ValueError(f"{flag} belongs to --space; with --model pass the network's arguments "
                                 "in --model-kwargs")
        try:
            model = _load_callable(args.model)(**kwargs)
        except TypeError as err:
            raise ValueError(f"--model {args.model} with --model-kwargs {json.dumps(kwargs)}: {err}")
        what = args.model
    elif args.space:
        model, what = _space_model(args, kwargs)
    else:
        raise ValueError("give --model package.module:callable or --space NAME [--arch ...]")
    x = load_batch(args.dataset, args.samples, source=args.data, seed=args.seed, size=args.image_size)
    source_line = describe_input(args.dataset, args.samples, source=args.data)
    scorer = SwapScorer(x, repeats=args.repeats, init=None if args.init == "none" else args.init,
                        seed=args.seed, device=args.device, mode=None if args.mode == "model" else args.mode,
                        mu=args.mu, sigma=args.sigma, formula=args.formula, size_unit=args.size_unit,
                        precision=args.precision, include_smooth=args.include_smooth)
    try:
        r = scorer.score(model)
    except NoActivationError as err:  # its hint names the flag, not the keyword
        raise ValueError(f"{what}: {err.message('--include-smooth')}") from None
    except RuntimeError as err:  # the model's own forward rejected the batch (shape, dtype, device)
        raise ValueError(f"{what}: its forward pass failed on the input batch of shape {tuple(x.shape)} "
                         f"({err}); choose --dataset / --image-size / --data to fit the model") from err
    if args.json:
        print(json.dumps({"model": what, "input": source_line, **r.as_dict()}, indent=2))
    else:
        print(f"model     {what}")
        print(f"input     {source_line.split(': ', 1)[1]}")
        print(f"swap Ψ    {r.swap:.2f}   (S={r.samples} images, V={r.units} units, {r.repeats} repeat(s))")
        if r.reg_swap is not None:
            print(f"reg_swap  {r.reg_swap:.2f}   (f(Θ)={r.regulariser:.4f}, μ={args.mu}, σ={args.sigma} {args.size_unit}, {args.formula} formula)")
        from .metric.params import SIZE_UNITS
        print(f"params Θ  {r.params:.6g} {args.size_unit} ({round(r.params * SIZE_UNITS[args.size_unit])} parameters, auxiliary excluded)")
        print(f"time      {r.seconds * 1000:.1f} ms")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .spaces import list_spaces

    parser = argparse.ArgumentParser(prog="swap-nas", description="SWAP-Score and SWAP-NAS (ICLR 2024)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("score", help="score one model: Ψ, Ψ', Θ, time")
    p.add_argument("--model", help="package.module:callable returning an nn.Module")
    p.add_argument("--model-kwargs", default=None,
                   help="JSON object of keyword arguments: for --model, its callable's; for --space, the "
                        "space's network build arguments (e.g. nb201 '{\"C\": 8, \"N\": 1}', nb101 "
                        "'{\"stem_channels\": 32}', darts '{\"C\": 16, \"layers\": 8}')")
    p.add_argument("--space", help=f"a search space ({', '.join(list_spaces())}; aliases and plugins' spaces too)")
    p.add_argument("--arch", help="architecture in the space's own string form (default: a random one, "
                                  "seeded by --seed)")
    p.add_argument("--task", help="dataset/task the network is built for (default --dataset)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--precision", choices=["float64"], default=None,
                   help="score a float64 copy: the same integers on CPU and CUDA (~2x the time)")
    _add_scoring_flags(p)
    p.set_defaults(func=cmd_score)

    for mod in (correlate, search, train, heatmap, naslib):
        mod.add_parser(sub, _add_scoring_flags)
    for p in (parser, *sub.choices.values()):  # accepted before or after the command
        p.add_argument("--plugin", action="append", default=argparse.SUPPRESS, metavar="SPEC", help=PLUGIN_HELP)
    return parser


def plugin_specs(argv: List[str]) -> List[str]:
    """The ``--plugin`` values of ``argv`` (``--plugin X`` and ``--plugin=X``)."""
    out = []
    for i, a in enumerate(argv):
        if a == "--plugin" and i + 1 < len(argv):
            out.append(argv[i + 1])
        elif a.startswith("--plugin="):
            out.append(a.split("=", 1)[1])
    return out


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:  # before the parser is built: its --proxies / --space help lists the plugins' names
        load_plugins(plugin_specs(argv))
    except PluginError as err:
        print(f"swap-nas: error: {err}", file=sys.stderr)
        return 2
    args = build_parser().parse_args(argv)
    try:  # argparse also takes an abbreviation (--plug X), which the scan above does not see
        load_plugins(getattr(args, "plugin", []))
    except PluginError as err:
        print(f"swap-nas: error: {err}", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, KeyError, TypeError) as err:
        print(f"swap-nas {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
