"""What every report writer shares: the command that reproduces its report (named inside
the report) and writing the file.

A report is written atomically, and replaces an existing file only when that file is the
earlier output of the same command (the command each report names), so rerunning a
report's own command refreshes it, while another command's default output path never
overwrites it."""
from __future__ import annotations

import math
import re
import shlex
import sys
from pathlib import Path
from typing import Optional, Sequence

from ..files import OutputExistsError, atomic_write_bytes, atomic_write_text
from .tree import read_json_file  # noqa: F401  (re-exported: reports read their inputs with it)


def script_path(script: str) -> str:
    """A script as the command in its reports names it, from the repository root:
    ``experiments/NAME/NAME.py`` for a file in an ``experiments/NAME/`` folder, else
    ``scripts/NAME.py``."""
    p = Path(script)
    if p.parent.parent.name == "experiments":
        return f"experiments/{p.parent.name}/{p.name}"
    return f"scripts/{p.name}"


def command_line(script: str, argv: Optional[Sequence[str]] = None) -> str:
    """``python scripts/NAME.py ARGS`` (or ``experiments/NAME/NAME.py``, :func:`script_path`):
    ``argv`` as given to ``main`` (None: this process's)."""
    args = sys.argv[1:] if argv is None else list(argv)
    return " ".join(["python", script_path(script), *map(shlex.quote, args)])


def head_lines(title: str, command: str) -> list:
    """The lines every report starts with: its title and the command that reproduces it."""
    return [f"# {title}", "", f"Command: `{command}`", ""]


def report_head(title: str, script: str, argv: Optional[Sequence[str]] = None) -> list:
    """:func:`head_lines` with the command of ``script`` run with ``argv`` (:func:`command_line`)."""
    return head_lines(title, command_line(script, argv))


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


_COMMAND = re.compile(r"python ((?:scripts|experiments/[\w.-]+)/[\w.-]+\.py)[^`\n]*")


def report_command(text: str, script: Optional[str] = None) -> Optional[str]:
    """The first ``python scripts/NAME.py ...`` (or ``experiments/NAME/NAME.py``) command
    named in ``text`` (of the script at that path when ``script`` is given): the command a
    report says reproduces it."""
    for m in _COMMAND.finditer(text):
        if script is None or m.group(1) == script:
            return m.group(0).rstrip(" .")
    return None


def check_report_target(path, text: str, any_args: bool = False) -> None:
    """Refuse to replace ``path`` unless it is the earlier output of the very command that
    wrote ``text`` (the first command ``text`` names; with ``any_args``, of the same script,
    for scripts that check their runs' identity themselves) or already holds ``text``: a
    report of another command, another script's file or a hand-written one is never
    overwritten."""
    path = Path(path)
    if not path.exists():
        return
    old = path.read_text(encoding="utf-8", errors="replace")
    if old == text:
        return
    new = report_command(text)
    mine = report_command(old, _COMMAND.match(new).group(1)) if new else None
    same = mine is not None and (any_args or mine == new)
    if new is None or not same:
        said = f"the report of `{mine}`" if mine else "no report of this script"
        raise OutputExistsError(
            f"{path} exists and holds {said}; this is `{new or 'a command it does not name'}`. "
            "Write to another --out / --report, or move the file away first (nothing was written)")


def write_text_report(path, text: str, any_args: bool = False) -> Path:
    """:func:`check_report_target`, then write ``text`` atomically (folder created)."""
    check_report_target(path, text, any_args)
    return atomic_write_text(path, text)


def write_figure(fig, path, *, palette: bool = False, **savefig_kw) -> Path:
    """``fig.savefig`` into memory, then written atomically (call after the report or CSV
    it belongs to passed :func:`check_report_target`). ``palette=True`` stores a PNG with a
    256-colour palette: a third of the bytes for a large many-panel figure, same look."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format=Path(path).suffix.lstrip(".") or "png", **savefig_kw)
    data = buf.getvalue()
    if palette:
        from PIL import Image

        out = io.BytesIO()
        Image.open(buf).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            out, format="PNG", optimize=True)
        data = out.getvalue()
    return atomic_write_bytes(path, data)


def finish_figure(fig, ax, path, *, title: str, dpi: int = 130) -> Path:
    """Title, legend and tight layout for a one-axes figure, then :func:`write_figure` and
    close it (the last steps every artefact plot shares)."""
    import matplotlib.pyplot as plt

    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    out = write_figure(fig, path, dpi=dpi)
    plt.close(fig)
    return out


def write_report(path, lines: Sequence[str], echo: Optional[int] = None) -> Path:
    """Write ``lines`` (one trailing newline) to ``path`` (:func:`write_text_report`);
    print the first ``echo`` lines (all by default)."""
    path = write_text_report(path, "\n".join(lines) + "\n")
    print("\n".join(lines if echo is None else lines[:echo]))
    return path
