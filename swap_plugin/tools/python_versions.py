"""Run the test suite under several Python interpreters, each in its own venv.

The README promises Python 3.10-3.13; the machine's default interpreter is only one of
them. For each ``--python`` this makes (or reuses) a venv under ``--venv-root``,
installs ``--torch`` and this project with ``[dev]`` into it, runs the README's test
command there and records the interpreter, torch, numpy, pandas and scipy versions with
the pytest summary. One JSON per interpreter is kept in the venv root, so a killed run
resumes with the interpreters still missing; the report is rebuilt from all of them
(``scripts/check_python_versions.py``).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Sequence

from ..files import atomic_write_text
from ..studies.report import write_text_report

ROOT = Path(__file__).resolve().parents[2]  # the checkout whose suite runs
VERSIONS = ("import sys, torch, numpy, scipy, pandas; print(sys.version.split()[0], torch.__version__, "
            "numpy.__version__, scipy.__version__, pandas.__version__)")


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def prepare(python: str, venv: Path, torch_spec: str) -> None:
    """Create the venv and install torch plus this project, unless already done."""
    marker = venv / ".swap_plugin_installed"
    if marker.exists():
        return
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv_python(venv)), "-m", "pip", "install", "-q"]
    subprocess.run(pip + [torch_spec], check=True)
    subprocess.run(pip + ["-e", f"{ROOT}[dev]"], check=True)
    atomic_write_text(marker, torch_spec)


def run_suite(venv: Path, data_dir: str) -> dict:
    env = dict(os.environ, SWAP_DATA_DIR=data_dir)
    py = str(venv_python(venv))
    versions = subprocess.run([py, "-c", VERSIONS], capture_output=True, text=True, check=True).stdout.split()
    t = time.time()
    proc = subprocess.run([py, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|skipped|errors?|warnings?)", summary)}
    return {"python": versions[0], "torch": versions[1], "numpy": versions[2], "scipy": versions[3],
            "pandas": versions[4], "returncode": proc.returncode, "summary": summary, "counts": counts,
            "seconds": round(time.time() - t, 1)}


def report(records: list, command: str) -> str:
    lines = ["# Test suite across Python versions", "",
             f"Written by `{command}`.", "",
             "Each interpreter runs the README's test command (`python -m pytest -q`) in its own venv "
             "with the listed torch build; the data come from `../shared/data`.", "",
             "| Python | torch | numpy | scipy | pandas | passed | skipped | failed | exit | seconds |",
             "|---|---|---|---|---|---:|---:|---:|---:|---:|"]
    for r in sorted(records, key=lambda r: [int(p) for p in r["python"].split(".")]):
        c = r["counts"]
        lines.append(f"| {r['python']} | {r['torch']} | {r['numpy']} | {r['scipy']} | {r['pandas']} | "
                     f"{c.get('passed', 0)} | {c.get('skipped', 0)} | {c.get('failed', 0) + c.get('error', 0) + c.get('errors', 0)} | "
                     f"{r['returncode']} | {r['seconds']} |")
    failing = [(r["python"], f) for r in records for f in r.get("failures", [])]
    if failing:
        lines += ["", "Failures:", ""] + [f"- Python {p}: `{f}`" for p, f in failing]
    return "\n".join(lines) + "\n"


def default_data_dir() -> str:
    return os.environ.get("SWAP_DATA_DIR", str(ROOT.parent / "shared" / "data"))


def run(pythons: Sequence[str], venv_root, torch_spec: str, data_dir: str, out) -> int:
    """Each interpreter's suite (kept records reused), then the report ``out`` (relative:
    to the checkout); 0 when every suite passed, else 1."""
    root = Path(venv_root)
    root.mkdir(parents=True, exist_ok=True)
    records = []
    for python in pythons:
        tag = re.sub(r"[^A-Za-z0-9.]+", "_", str(Path(python).resolve()))
        done = root / f"{tag}.json"
        if done.exists():
            records.append(json.loads(done.read_text()))
            continue
        venv = root / tag
        print(f"[{python}] preparing {venv}", flush=True)
        prepare(python, venv, torch_spec)
        print(f"[{python}] running the test suite", flush=True)
        rec = run_suite(venv, data_dir)
        print(f"[{python}] {rec['summary']}", flush=True)
        atomic_write_text(done, json.dumps(rec, indent=1))
        records.append(rec)
    command = "python scripts/check_python_versions.py --python " + " ".join(pythons)
    out = ROOT / out if not Path(out).is_absolute() else Path(out)
    write_text_report(out, report(records, command))
    print(out.read_text())
    return 0 if all(r["returncode"] == 0 for r in records) else 1
