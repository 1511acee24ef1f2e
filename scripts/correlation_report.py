"""Collect scores.json trees into results/correlation.md (the paper's Fig. 4 columns;
swap_plugin.studies.correlation_report).

    python scripts/correlation_report.py --runs runs/paper runs/zc --out results/correlation.md \
        --command-file runs/commands.txt   # the commands that produced runs/ (recorded)
"""
import argparse

from swap_plugin.studies import correlation_report
from swap_plugin.studies.report import command_line, read_commands


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", nargs="+", required=True, help="study output roots (paper protocol first)")
    ap.add_argument("--out", default="results/correlation.md")
    ap.add_argument("--command", default=None, help="the command line that produced the runs (recorded)")
    ap.add_argument("--command-file", default=None,
                    help="a text file holding the commands that produced the runs (recorded)")
    a = ap.parse_args(argv)
    if a.command and a.command_file:
        ap.error("give --command or --command-file, not both")
    commands = read_commands(a.command_file) if a.command_file else [a.command] if a.command else []
    # the "Written by" line names every option given, so rerunning it rewrites this report
    correlation_report.write(a.out, a.runs, command_line(__file__, argv), commands)


if __name__ == "__main__":
    main()
