"""swap-nas naslib nas|zc: NASLib's NAS and zero-cost runners with SWAP added
(:mod:`swap_plugin.naslib.runners`). Every argument after ``nas`` / ``zc`` goes to the
runner as NASLib's own runner takes it (``--config-file``, ``--resume``, ``key value``
overrides; zc also ``--zc-json``, ``--add-scores``, ...)."""
from __future__ import annotations

import argparse
import json

RUNNERS = {"nas": ("run_nas", "NASLib's NAS runner (Trainer.search + evaluate) with swap_evolution"),
           "zc": ("run_zc", "NASLib's zero-cost runner with scipy correlations and --add-scores")}


def add_parser(sub, _add_scoring_flags) -> None:
    p = sub.add_parser("naslib", help="NASLib's runners with SWAP-NAS and the SWAP measures (needs NASLib)",
                       description=__doc__.split("\n\n")[0])
    runners = p.add_subparsers(dest="runner", required=True, metavar="{nas,zc}")
    for name, (_, help_text) in RUNNERS.items():
        # every token, flags included, is the runner's: NASLib's parser reads them
        r = runners.add_parser(name, help=help_text, prefix_chars="\0", add_help=False)
        r.add_argument("runner_args", nargs=argparse.REMAINDER)
        r.set_defaults(func=run)


def run(args) -> int:
    from ..naslib import runners

    if args.runner_args in (["-h"], ["--help"]) and not _naslib_available():
        print(runners.__doc__)
        return 0
    fn, _ = RUNNERS[args.runner]
    try:
        result = getattr(runners, fn)(args.runner_args)
    except ImportError as err:  # NASLib absent or broken: say so, no traceback
        raise ValueError(str(err)) from None
    print(json.dumps(result, default=float))
    return 0


def _naslib_available() -> bool:
    from ..naslib import naslib_available

    return naslib_available()
