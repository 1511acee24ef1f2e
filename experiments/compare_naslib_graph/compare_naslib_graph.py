"""Does the standalone network score like NASLib's graph of the same arch? (recorded)

NAS-Bench-Suite-Zero computed its proxies on NASLib's graphs; our studies build the
networks with ``swap_plugin.spaces``. If the two differed (stem, cell wiring, which ReLUs
exist), the gap to the paper could come from the builder. This compares, arch by arch,
a proxy computed on NASLib's graph (the copy of a zc json that ``swap-nas naslib zc
--add-scores`` writes) with the same proxy in a correlation study's records, both
against the benchmark's accuracy stored in that zc json.

The weights differ (NASLib's init vs the study's seeded one), so the scores are not
equal; the question is whether they rank archs alike and correlate alike with accuracy.
The ρ difference gets a paired bootstrap interval over archs (seeded).

    export PYTHONPATH=/path/to/NASLib   # NASLib on PYTHONPATH, only for the --add-scores step
    swap-nas naslib zc --config-file CFG --zc-json ZC --add-scores OUT.json \\
        --limit 300 test_size 300
    python experiments/compare_naslib_graph/compare_naslib_graph.py --pair nb301 cifar10 OUT.json RUN/records_seed0.jsonl
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy import stats

from swap_plugin.benchmarks.zc_json import load_zc_json
from swap_plugin.spaces import get_space
from swap_plugin.studies import RecordStore, bootstrap_spearman
from swap_plugin.studies.report import (produced_by, read_commands, read_json_file, report_head,
                                        scoring_label, write_report)


def matched(space_name: str, dataset: str, zc_path: str, records_path: str, proxy: str):
    """(ours, NASLib's, accuracy) arrays over the archs scored on both sides."""
    space = get_space(space_name)
    gt = load_zc_json(Path(zc_path), space_name)
    if not Path(records_path).exists():
        raise SystemExit(f"no records file {records_path}: pass a study's records_seed*.jsonl")
    ours = {rec["key"]: rec[proxy] for rec in RecordStore(records_path) if proxy in rec}
    rows = []
    for arch in gt.archs(dataset):
        theirs = gt.proxy(arch, dataset, proxy, missing=None)
        key = space.hash(arch)
        if theirs is not None and key in ours:
            rows.append((ours[key], theirs, gt.lookup(arch, dataset)))
    if len(rows) < 3:
        raise SystemExit(f"{zc_path} and {records_path} share {len(rows)} archs scored with "
                         f"{proxy!r}: score the same archs on both sides (see --help)")
    return tuple(np.array(c, dtype=float) for c in zip(*rows))


def scoring_setup(records_path: str) -> str:
    """Our side's scoring network, S and input, from the study's ``records_seed*.key.json``."""
    key = Path(records_path).with_suffix(".key.json")
    if not key.exists():
        return "?"
    k = read_json_file(key)
    images = f", {k['images']} images" if k.get("images") else ""
    return scoring_label(k) + images


def paired_bootstrap(a, b, y, n_boot: int, seed: int):
    """95 % interval of ρ(a, y) - ρ(b, y), resampling archs with replacement."""
    rho = bootstrap_spearman(y, a, b, n_boot=n_boot, seed=seed)
    return np.percentile(rho[:, 0] - rho[:, 1], [2.5, 97.5])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pair", nargs=4, action="append", required=True,
                    metavar=("SPACE", "DATASET", "NASLIB_ZC_JSON", "RECORDS_JSONL"),
                    help="one comparison (repeatable): a zc json scored on NASLib's graphs "
                         "and a study's records for the same space and dataset")
    ap.add_argument("--proxy", default="swap")
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--command-file", default=None,
                    help="a text file with the commands that produced the inputs (listed in the report)")
    ap.add_argument("--report", default=str(Path(__file__).with_name("report.md")))
    a = ap.parse_args(argv)
    lines = report_head("Standalone networks vs NASLib's graphs: the same archs, scored both ways",
                        __file__, argv)
    if a.command_file:
        lines += produced_by(read_commands(a.command_file), "Inputs")
    lines += [f"Proxy `{a.proxy}`; ρ: Spearman against the zc json's val_accuracy. "
              "NASLib's side: its graph of each arch, its own init, scored by this package's "
              "NASLib measure. Ours: the study's network and seeded weights. "
              f"Interval: paired bootstrap over archs, {a.boot} resamples, seed {a.seed}.", "",
              "| space | dataset | our network | archs | ρ ours | ρ NASLib graph | ρ ours − NASLib (95 % interval) "
              "| ρ(ours, NASLib) | median score ours / NASLib |",
              "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    apart = []  # rows whose interval excludes 0: the two sides rank differently
    for space, dataset, zc_path, records in a.pair:
        ours, theirs, acc = matched(space, dataset, zc_path, records, a.proxy)
        r_ours, r_theirs = stats.spearmanr(ours, acc)[0], stats.spearmanr(theirs, acc)[0]
        lo, hi = paired_bootstrap(ours, theirs, acc, a.boot, a.seed)
        setup = scoring_setup(records)
        lines.append(f"| {space} | {dataset} | {setup} | {len(acc)} | {r_ours:.3f} | {r_theirs:.3f} | "
                     f"{r_ours - r_theirs:+.3f} ({lo:+.3f}, {hi:+.3f}) | "
                     f"{stats.spearmanr(ours, theirs)[0]:.3f} | "
                     f"{np.median(ours):.0f} / {np.median(theirs):.0f} |")
        print(lines[-1], flush=True)
        if lo > 0 or hi < 0:
            apart.append(f"{space} {dataset} ({setup})")
    lines += ["", "Rows whose interval excludes 0: " + ("; ".join(apart) if apart else "none") + "."]
    write_report(a.report, lines)


if __name__ == "__main__":
    main()
