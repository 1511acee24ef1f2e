"""What every report-writing script in scripts/ shares: the command that reproduces its
report (named inside the report) and writing the file."""
from __future__ import annotations

import math
import shlex
import sys
from pathlib import Path
from typing import Optional, Sequence


def command_line(script: str, argv: Optional[Sequence[str]] = None) -> str:
    """``python scripts/NAME.py ARGS``: ``argv`` as given to ``main`` (None: this process's)."""
    args = sys.argv[1:] if argv is None else list(argv)
    return " ".join(["python", f"scripts/{Path(script).name}", *map(shlex.quote, args)])


def report_head(title: str, script: str, argv: Optional[Sequence[str]] = None) -> list:
    """The lines every report starts with: its title and the command that reproduces it."""
    return [f"# {title}", "", f"Command: `{command_line(script, argv)}`", ""]


def produced_by(commands: Sequence[str], what: str = "Runs") -> list:
    """The report lines that list the commands which produced a report's inputs."""
    return [f"{what} produced by:", "", "```", *commands, "```", ""]


def read_commands(path) -> list:
    """The commands listed in a text file, one per line (blank lines skipped)."""
    return [line for line in Path(path).read_text().splitlines() if line.strip()]


def rho_text(value: float) -> str:
    """A Spearman ρ as a report cell: three decimals, ``n/a`` where it is undefined (NaN:
    a constant score)."""
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def network_label(build: Optional[dict]) -> str:
    """A study's scoring network as a report names it: its ``build`` options, or "benchmark"."""
    return ", ".join(f"{k}={v}" for k, v in (build or {}).items()) or "benchmark"


def scoring_label(key: dict) -> str:
    """A study's scoring setup from its records key or scores.json config: network, S and,
    when set, the input side."""
    side = f", {key['input_size']} px" if key.get("input_size") else ""
    return f"{network_label(key.get('build'))}; S={key.get('samples')}{side}"


def write_report(path, lines: Sequence[str], echo: Optional[int] = None) -> Path:
    """Write ``lines`` (one trailing newline) to ``path``, creating its folder; print the
    first ``echo`` lines (all by default)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines if echo is None else lines[:echo]))
    return path
