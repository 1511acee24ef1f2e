"""Paper Tables 4-6: Spearman of Ψ' over a μ/σ grid, from already scored study records
(swap_plugin.studies.mu_sigma_ablation): one CSV of every grid cell, one figure with a
panel per task, one markdown table (grid oracle and cross-validated μ/σ per task).

    python scripts/ablation_mu_sigma.py --runs runs/paper runs/zc --results results
"""
import argparse

from swap_plugin.studies import mu_sigma_ablation
from swap_plugin.studies.report import command_line


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", nargs="+", default=["runs/paper"], help="study roots (swap-nas correlate --out)")
    ap.add_argument("--results", default="results",
                    help="folder of the three outputs: ablation_mu_sigma.csv, .png and .md")
    ap.add_argument("--groups", type=int, default=5)
    ap.add_argument("--summary", default=None,
                    help="the markdown table per task (Ψ, Θ, automatic μ/σ, grid oracle, 5-fold "
                         "cross-validated μ/σ) at this path instead of RESULTS/ablation_mu_sigma.md")
    ap.add_argument("--runs-command", action="append", default=[],
                    help="the command that produced --runs, named in the summary (repeatable)")
    a = ap.parse_args(argv)
    try:
        mu_sigma_ablation.run(a.runs, a.results, command_line(__file__, argv), a.groups, a.summary, a.runs_command)
    except ValueError as err:  # no studies, or one task in two roots: nothing was written
        ap.error(str(err))


if __name__ == "__main__":
    main()
