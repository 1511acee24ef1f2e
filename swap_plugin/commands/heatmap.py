"""swap-nas heatmap: the paper's Fig. 4 / NB-Suite-Zero heatmap from scores.json trees."""
from __future__ import annotations

import shlex
import sys
import warnings
from pathlib import Path

from . import argtypes as at


def add_parser(sub, add_scoring_flags) -> None:
    p = sub.add_parser("heatmap", help="Fig. 4 heatmap: mean Spearman of each proxy on each task",
                       description="Example: swap-nas heatmap --runs runs/zc runs/paper "
                                   "--out results/fig4_heatmap --report")
    p.add_argument("--runs", nargs="+", required=True, metavar="ROOT",
                   help="roots holding scores.json files (NASLib layout "
                        "{root}/correlation/{space}/{dataset}/{proxy}/{seed}/scores.json or the "
                        "zerocost branch's {root}/{space}/{dataset}/{proxy}/{seed}/scores.json); "
                        "for a cell found under two roots the first root wins")
    p.add_argument("--out", required=True, metavar="STEM",
                   help="output stem, required (no default, so a figure never lands in the source "
                        "tree or over another figure by accident): writes STEM.png, STEM.pdf, "
                        "STEM.csv (e.g. --out figs/fig4_heatmap)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace existing STEM.* (and --report) files whose content would change; "
                        "without it such files are left alone and nothing is written")
    p.add_argument("--proxies", nargs="+", help="only these proxies (rows), e.g. swap reg_swap synflow")
    p.add_argument("--title", help="figure title")
    p.add_argument("--merge-archsets", action="store_true",
                   help="one column per task even when roots scored different numbers of archs "
                        "(default: a column per task and arch count, e.g. 725 vs 1000)")
    p.add_argument("--cmap", default="viridis", help="matplotlib colormap (default viridis)")
    p.add_argument("--vmin", type=at.FINITE, help="colour scale low end (default min(0, lowest ρ))")
    p.add_argument("--vmax", type=at.FINITE, help="colour scale high end (default 1)")
    p.add_argument("--dpi", type=int,
                   help="PNG resolution (default 130, under ~0.5 MB for 20 columns; the PDF is vector)")
    p.add_argument("--report", nargs="?", const="", default=None, metavar="FILE",
                   help="also write a markdown record of the command, roots and columns "
                        "(default FILE: STEM.md; an existing one is replaced only with --overwrite)")
    p.add_argument("--runs-commands", metavar="FILE",
                   help="a text file of the commands that produced the roots (one per line), "
                        "listed in the --report under 'Runs produced by'")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..files import write_outputs_guarded
    from ..studies.heatmap import (build_table, collect, describe, ensemble_members, output_paths,
                                   plot_heatmap, render_outputs)

    run_commands = None
    if args.runs_commands is not None:
        if args.report is None:
            raise ValueError("--runs-commands lists commands in the report: add --report")
        path = Path(args.runs_commands)
        if not path.is_file():
            raise FileNotFoundError(f"--runs-commands {path}: no such file (one command per line)")
        run_commands = [line for line in path.read_text().splitlines() if line.strip()]
    if args.dpi is not None and args.dpi < 10:
        raise ValueError(f"--dpi {args.dpi} is too low to read; leave the default (130) or use e.g. 200")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        records = collect(args.runs, proxies=args.proxies)
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    if not records:
        raise FileNotFoundError(f"no scores.json with a spearman value below {' '.join(args.runs)}")
    table, meta = build_table(records, split_by_n=not args.merge_archsets, proxies=args.proxies)
    fig = plot_heatmap(table, meta, title=args.title, cmap=args.cmap, vmin=args.vmin, vmax=args.vmax)
    outputs, data = output_paths(args.out), render_outputs(fig, table, dpi=args.dpi)
    if args.report is not None:
        report = Path(args.report) if args.report else Path(args.out + ".md")
        data["md"] = describe(_command_line(args), args.runs, table, meta, dict(outputs), len(records),
                              ensemble_members(records), run_commands).encode()
        outputs["md"] = report
    state = write_outputs_guarded({outputs[k]: data[k] for k in outputs}, overwrite=args.overwrite,
                                  how="pass --overwrite to replace them, or another --out / --report")
    with __import__("pandas").option_context("display.width", 200, "display.max_columns", 50):
        print(table.round(2).to_string(na_rep="-"))
    for p in outputs.values():
        print({"new": "wrote", "replaced": "replaced", "unchanged": "unchanged"}[state[p]], p)
    return 0


def _command_line(args) -> str:
    """The command that reproduces this run, rebuilt from the parsed options."""
    q = shlex.quote
    # --overwrite: the regenerate command replaces the very files it made
    parts = ["swap-nas", "heatmap", "--runs", *map(q, args.runs), "--out", q(args.out), "--overwrite"]
    if args.proxies:
        parts += ["--proxies", *map(q, args.proxies)]
    if args.title:
        parts += ["--title", q(args.title)]
    if args.merge_archsets:
        parts.append("--merge-archsets")
    if args.cmap != "viridis":
        parts += ["--cmap", q(args.cmap)]
    for flag in ("vmin", "vmax"):
        if getattr(args, flag) is not None:
            parts += [f"--{flag}", str(getattr(args, flag))]
    if args.dpi is not None:
        parts += ["--dpi", str(args.dpi)]
    parts.append("--report")
    if args.report:
        parts.append(q(args.report))
    if args.runs_commands:
        parts += ["--runs-commands", q(args.runs_commands)]
    return " ".join(parts)
