"""experiments/: a smoke run of each exploration, as a user runs it (``python
experiments/NAME/NAME.py``, in a subprocess, importing only the installed package).

Experiments are not part of the package and are not tested beyond this: each one starts
and parses its arguments, and the cheap ones run on real inputs."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXPERIMENTS = REPO / "experiments"
NAMES = sorted(p.parent.name for p in EXPERIMENTS.glob("*/*.py") if p.stem == p.parent.name)


def run(script: Path, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """``python script args`` with this checkout's package first on the path (as an
    installed package would be), the way a user runs an experiment."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, str(script), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_every_experiment_folder_has_script_report_readme_and_an_index_row():
    assert len(NAMES) >= 14
    index = (EXPERIMENTS / "INDEX.md").read_text()
    for name in NAMES:
        folder = EXPERIMENTS / name
        readme = (folder / "README.md").read_text().splitlines()
        assert [line.split(":**")[0] for line in readme] == ["- **Question", "- **Answer", "- **Rerun"], name
        assert f"]({name}/README.md)" in index, name
        reports = sorted(folder.glob("*.md"))
        assert any(r.name != "README.md" for r in reports), name
        src = (folder / f"{name}.py").read_text()
        # run as scripts: they import the package, never each other or scripts/ through sys.path
        assert "sys.path" not in src and not re.search(r"^(from|import) (_report|scripts)\b", src, re.M), name
    # every report names the command that wrote it, with the script's new path
    for report in EXPERIMENTS.glob("*/*.md"):
        if report.name in ("README.md",) or report.parent == EXPERIMENTS:
            continue
        command = re.search(r"^Command: `python ([^\s`]+)", report.read_text(), re.M)
        assert command, report
        assert (REPO / command.group(1)).is_file(), (report, command.group(1))


# every experiment's --help in ONE interpreter (the imports of torch & co. once, not 14
# times): each script runs as __main__ with its own argv, as `python SCRIPT --help` would
HELP_ALL = """
import contextlib, io, json, runpy, sys, traceback
out = {}
for path in sys.argv[1:]:
    sys.argv, buf, code = [path, "--help"], io.StringIO(), "returned"
    try:
        with contextlib.redirect_stdout(buf):
            runpy.run_path(path, run_name="__main__")
    except SystemExit as e:
        code = e.code
    except BaseException:
        code = traceback.format_exc()
    out[path] = [code, buf.getvalue()]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def helps():
    scripts = [str(EXPERIMENTS / n / f"{n}.py") for n in NAMES]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    res = subprocess.run([sys.executable, "-c", HELP_ALL, *scripts], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return {Path(k).stem: v for k, v in json.loads(res.stdout.splitlines()[-1]).items()}


@pytest.mark.parametrize("name", NAMES)
def test_help(helps, name):
    code, text = helps[name]
    assert code in (0, None), code
    assert text.startswith("usage:"), text


def test_search_variants_summary_rebuilds_its_report_from_the_committed_jsons(tmp_path):
    """The summary reads only JSONs that are in the repository: rebuilt, it equals the
    committed report below the command line."""
    out = tmp_path / "summary.md"
    res = run(EXPERIMENTS / "search_nb201_variants" / "search_nb201_variants.py", "--out", str(out))
    assert res.returncode == 0, res.stderr
    committed = (EXPERIMENTS / "search_nb201_variants" / "report.md").read_text().splitlines()
    rebuilt = out.read_text().splitlines()
    assert rebuilt[2] == f"Command: `python experiments/search_nb201_variants/search_nb201_variants.py --out {out}`"
    assert rebuilt[:2] + rebuilt[3:] == committed[:2] + committed[3:]


@pytest.mark.needs_data
def test_tnb_structure_on_the_real_micro_table(tmp_path):
    out = tmp_path / "r.md"
    res = run(EXPERIMENTS / "tnb_structure" / "tnb_structure.py", "--spaces", "tnb101_micro",
              "--tasks", "autoencoder", "--report", str(out))
    assert res.returncode == 0, res.stderr
    committed = (EXPERIMENTS / "tnb_structure" / "report.md").read_text()
    row = next(line for line in out.read_text().splitlines() if line.startswith("| autoencoder"))
    # the committed row has a swap column (from runs) after the same structure columns
    assert row.rstrip(" |") in committed
