"""Rebuild every artefact in ``results/`` from the commands its own files name
(``scripts/rebuild_all.py``).

Every report names the command that reproduces it ("Command:", "Written by", "Produced
by", a CSV's "# written by:", the heatmap's "regenerate with:" block) and lists the
commands that produced its runs ("Runs produced by:"). :func:`plan` reads them back: the
run commands of all artefacts, each once and in the order first listed, then each
artefact's own command. So the plan is what produced the committed files, with no second
copy of those commands to drift from them. A report command that reads its run commands
from a file (``--command-file`` / ``--runs-commands``) gets that file written from the
report's list when it is missing (an existing file is never touched).
"""
from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

#: the paper's artefacts, in build order (size_control's searches before search_darts reads them)
PAPER = ("correlation", "fig4_heatmap", "ablation_table3", "ablation_mu_sigma", "size_control",
         "search_darts", "search_nb201")

_OWN = [re.compile(p) for p in (r"^Command: `([^`]+)`", r"^Written by `([^`]+)`\.$", r"^Written by `([^`]+)`\.?\s*$",
                                r"^Produced by `([^`]+)`", r"^# written by: (.+)$")]
_LIST_FILE = re.compile(r"--(?:command-file|runs-commands) (\S+)")


@dataclass
class Artefact:
    """One artefact: the files of ``results/`` that share a stem, the command that writes
    them and the commands that produced its inputs."""
    name: str
    files: List[Path] = field(default_factory=list)
    command: Optional[str] = None
    inputs: List[str] = field(default_factory=list)


def _fenced_after(lines: Sequence[str], i: int) -> List[str]:
    """The lines of the ``` block that starts at or after line ``i``."""
    start = next((j for j in range(i, min(i + 3, len(lines))) if lines[j].strip() == "```"), None)
    if start is None:
        return []
    end = next((j for j in range(start + 1, len(lines)) if lines[j].strip() == "```"), len(lines))
    return [line for line in lines[start + 1:end] if line.strip()]


def read_commands(path: Path) -> tuple:
    """(own command or None, input commands) named in one report file."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    own, inputs = None, []
    for i, line in enumerate(lines):
        if own is None and line.endswith("regenerate with:"):
            block = _fenced_after(lines, i + 1)
            own = block[0] if block else None
        if own is None and i < 5:
            own = next((m.group(1).strip() for p in _OWN for m in [p.match(line)] if m), None)
        if line.endswith("produced by:"):
            inputs += [c for c in _fenced_after(lines, i + 1) if c not in inputs]
    return own, inputs


def artefacts(results) -> Dict[str, Artefact]:
    """``{stem: Artefact}`` of every file in ``results`` (a report's command and inputs
    come from its markdown or CSV; figures and JSONs join the stem they share)."""
    found: Dict[str, Artefact] = {}
    for path in sorted(Path(results).iterdir()):
        if not path.is_file():
            continue
        art = found.setdefault(path.name.split(".")[0], Artefact(path.name.split(".")[0]))
        art.files.append(path)
        if path.suffix in (".md", ".csv"):
            own, inputs = read_commands(path)
            art.command = art.command or own
            art.inputs += [c for c in inputs if c not in art.inputs]
    return found


def plan(results, only: Sequence[str] = (), everything: bool = False) -> tuple:
    """(run commands, [(artefact, its command)]) for the artefacts named in ``only``, else
    the paper's (:data:`PAPER`) or, with ``everything``, every one that names its command
    (benchmarks too)."""
    arts = artefacts(results)
    names = list(only) or [n for n in PAPER if n in arts] + (
        [n for n in arts if n not in PAPER and arts[n].command] if everything else [])
    missing = [n for n in names if n not in arts or not arts[n].command]
    if missing:
        have = ", ".join(n for n in arts if arts[n].command)
        raise ValueError(f"no artefact with a recorded command named {', '.join(missing)} in {results}; "
                         f"it has {have}")
    runs = []
    for n in names:
        runs += [c for c in arts[n].inputs if c not in runs]
    return runs, [(arts[n], arts[n].command) for n in names]


def command_lists(art: Artefact) -> List[Path]:
    """The files of commands the artefact's command reads (``--command-file``, ``--runs-commands``)."""
    return [Path(m.group(1)) for m in _LIST_FILE.finditer(art.command or "")]


def run(results, cwd, only: Sequence[str] = (), everything: bool = False, dry_run: bool = False,
        skip_runs: bool = False, echo=print) -> int:
    """Run (or with ``dry_run`` only print) the plan in ``cwd`` (the checkout: commands name
    ``scripts/`` and ``results/`` relative to it); stops at the first command that fails
    and returns its exit status (0: all done)."""
    runs, reports = plan(results, only, everything)
    steps = [] if skip_runs else [("run", c) for c in runs]
    steps += [(art.name, c) for art, c in reports]
    for i, (what, cmd) in enumerate(steps, 1):
        echo(f"# [{i}/{len(steps)}] {what}" if not dry_run else f"# {what}")
        echo(cmd)
        if dry_run:
            continue
        art = next((a for a, c in reports if c == cmd), None)
        for lst in command_lists(art) if art else []:
            target = lst if lst.is_absolute() else Path(cwd) / lst
            if not target.exists():  # the commands its report lists, so the rerun lists them again
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text("\n".join(art.inputs) + "\n")
        rc = subprocess.run(["bash", "-c", cmd], cwd=cwd).returncode
        if rc != 0:
            echo(f"# failed (exit {rc}): {shlex.split(cmd)[0]} ...; later steps not run")
            return rc
    return 0
