"""The README and docs/ say only what is true: every command in them runs or at least
parses, every path they name exists, every relative link resolves, docs/cli.md's flag
tables are the parsers' own, and the README's paper-vs-ours table copies its reports.

Commands are read from ```bash blocks and from inline code that starts with ``swap-nas``,
``python scripts/``, ``python experiments/`` or ``bash scripts/``. The README's cheap
commands (:data:`CHEAP`) run for real in a scratch folder; every other ``swap-nas``
command is parsed by the CLI's own parser, and every script command by the script's own
parser (stopped right after parsing). The flag tables of docs/cli.md are rewritten
instead of checked with ``SWAP_UPDATE_DOCS=1 python -m pytest tests/test_readme_commands.py``.
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
CLI_DOC = ROOT / "docs" / "cli.md"
PLUGINS = ROOT / "tests" / "plugins"

#: README commands cheap enough to run for real (a prefix each, matched against the command
#: as written), and whether they read the data directory (skipped without one)
CHEAP = {
    "swap-nas score --model mypkg.nets:build": False,
    "swap-nas score --space nb201": False,
    "python scripts/rebuild_all.py --dry-run": False,
    "swap-nas --plugin tests/plugins/toy_space.py score": False,
}

#: README commands that are not the package's: the set-up line is checked against setup.py,
#: the suite's own command is what runs this test
NOT_RUN = {"python -m pytest -q"}

#: a module the README's ``--model mypkg.nets:build`` example imports (the user's own code)
MYPKG = '''import torch.nn as nn


def build(width=8):
    return nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.ReLU(), nn.Conv2d(width, width, 3, padding=1),
                         nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, 10))
'''

_INLINE = re.compile(r"`((?:swap-nas|python scripts/|python experiments/|bash scripts/)[^`]*)`")
_PATH = re.compile(r"^(?:configs|scripts|experiments|tests|results|docs|swap_plugin)/[\w./-]*\w$")


# ---- reading the markdown ------------------------------------------------------------------
def code_blocks(text: str, lang: str) -> list:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, re.S | re.M)


def commands(path: Path) -> list:
    """The shell commands a markdown file shows: one per line of its bash blocks
    (backslash continuations joined, ``&&`` chains split, comments dropped) and its inline
    command spans; each as a token list, in order, without duplicates."""
    text = path.read_text(encoding="utf-8")
    lines = []
    for block in code_blocks(text, "bash"):
        lines += block.replace("\\\n", " ").splitlines()
    # inline spans: whole commands only, not placeholders (`swap-nas <command>`, `nas|zc`) nor
    # a command's name in prose (`swap-nas correlate`)
    lines += [s for s in _INLINE.findall(re.sub(r"^```.*?^```", "", text, flags=re.S | re.M))
              if not re.search(r"[<\[|]|\.\.\.", s) and (" --" in s or not s.startswith("swap-nas"))]
    found = []
    for line in lines:
        tokens = shlex.split(line, comments=True)
        while tokens:
            cut = tokens.index("&&") if "&&" in tokens else len(tokens)
            if tokens[:cut] and tokens[:cut] not in found:
                found.append(tokens[:cut])
            tokens = tokens[cut + 1:]
    return found


def env_and_argv(tokens: list):
    """``VAR=value ... cmd args`` -> ({VAR: value}, [cmd, args])."""
    env = {}
    while tokens and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", tokens[0]):
        key, value = tokens[0].split("=", 1)
        env[key] = value
        tokens = tokens[1:]
    return env, tokens


def slug(heading: str) -> str:
    """GitHub's anchor of a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    return {slug(h) for h in re.findall(r"^#+ (.*)$", text, re.M)}


def links(path: Path) -> list:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    return re.findall(r"\]\(([^)\s]+)\)", text)


# ---- the flag tables of docs/cli.md --------------------------------------------------------
def _cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def flag_table(parser: argparse.ArgumentParser) -> str:
    """A markdown table of a parser's options: flag, default, meaning (its ``help``)."""
    rows = ["| flag | default | meaning |", "|---|---|---|"]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                rows.append(f"| `{choice.dest}` | | {_cell(choice.help or '')} |")
            continue
        flag = ", ".join(action.option_strings) or action.dest
        if action.choices and not isinstance(action.choices, dict):
            flag += " {" + ",".join(map(str, action.choices)) + "}"
        elif action.nargs not in (0, None):
            flag += f" {action.metavar or action.dest.upper()} ..." if action.nargs in ("+", "*") else ""
        default = action.default
        shown = ("" if default is None or default is False or default == argparse.SUPPRESS or isinstance(action, argparse._StoreTrueAction)
                 else f"`{' '.join(map(str, default)) if isinstance(default, list) else default}`")
        if action.required:
            shown = "required"
        rows.append(f"| `{flag}` | {shown} | {_cell(action.help or '')} |")
    return "\n".join(rows)


def cli_tables() -> dict:
    """``{"swap-nas": table, "swap-nas score": table, ...}`` from the CLI's parser."""
    from swap_plugin.cli import build_parser

    top = build_parser()
    tables = {"swap-nas": flag_table(top)}
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    for name, parser in sub.choices.items():
        tables[f"swap-nas {name}"] = flag_table(parser)
    return tables


def space_table() -> str:
    """The registered spaces: names, NASLib's name, the paper's μ/σ, datasets or tasks."""
    from swap_plugin.spaces import list_spaces, space_class

    rows = ["| space | also answers to | NASLib name | paper μ = σ (M) | datasets / tasks |", "|---|---|---|---|---|"]
    for name in list_spaces():
        c = space_class(name)
        mu = f"{c.paper_mu_sigma[0]:g}" if c.paper_mu_sigma else "—"
        rows.append(f"| `{name}` | {', '.join(c.aliases) or '—'} | {c.naslib_name or '—'} | {mu} | "
                    f"{', '.join(c.datasets)} |")
    return "\n".join(rows)


def _marked(name: str, kind: str = "flags"):
    return re.compile(rf"(<!-- {kind}: {re.escape(name)} -->\n)((?:(?!<!--).)*?)(<!-- /{kind} -->)", re.S)


def _check_generated(path: Path, kind: str, tables: dict):
    """``path`` holds each generated table between its markers, as generated today
    (SWAP_UPDATE_DOCS=1 rewrites them)."""
    text = path.read_text(encoding="utf-8")
    if os.environ.get("SWAP_UPDATE_DOCS"):
        for name, table in tables.items():
            text = _marked(name, kind).sub(lambda m: m[1] + "\n" + table + "\n\n" + m[3], text)
        path.write_text(text, encoding="utf-8")
    for name, table in tables.items():
        m = _marked(name, kind).search(text)
        assert m, f"{path.name} has no '<!-- {kind}: {name} -->' table; add the markers"
        assert m[2] == "\n" + table + "\n\n", f"{path.name}: the {kind} of {name!r} changed; rerun with SWAP_UPDATE_DOCS=1"
    assert set(re.findall(rf"<!-- {kind}: (.*?) -->", text)) == set(tables)


def test_cli_doc_flag_tables_are_the_parsers():
    """docs/cli.md holds one generated table per command, equal to what the parser says."""
    _check_generated(CLI_DOC, "flags", cli_tables())


def test_spaces_doc_names_the_registered_spaces():
    """docs/spaces.md's table of names is the space registry's."""
    _check_generated(ROOT / "docs" / "spaces.md", "table", {"spaces": space_table()})


# ---- links ---------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(path):
    """Every relative link names an existing file, and its #anchor a heading there."""
    bad = []
    for link in links(path):
        if re.match(r"[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        dest = (path.parent / target).resolve() if target else path
        if not dest.exists():
            bad.append(f"{link}: no {dest}")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            bad.append(f"{link}: no heading #{anchor} in {dest.name}")
    assert not bad, f"{path.name}: " + "; ".join(bad)


def test_docs_exist_and_readme_is_short():
    names = {p.name for p in DOCS}
    assert {"semantics.md", "cli.md", "naslib.md", "spaces.md", "findings.md", "extending.md"} <= names
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 150
    linked = {Path(link.partition("#")[0]).name for link in links(README)}
    assert names <= linked, f"README links no {sorted(names - linked)}"


# ---- commands ------------------------------------------------------------------------------
def _id(tokens) -> str:
    return " ".join(tokens)[:80]


README_COMMANDS = commands(README)
DOC_COMMANDS = [(p, c) for p in DOCS for c in commands(p) if c not in README_COMMANDS]


def test_readme_shows_the_two_commands_exactly():
    """CI and users run these two lines as they are."""
    block = code_blocks(README.read_text(encoding="utf-8"), "bash")[0].splitlines()
    assert block[:2] == ['pip install "torch==2.13.0" -e ".[dev]" && swap-nas search',
                         'pip install "torch==2.13.0" -e ".[dev]" && python -m pytest -q']


def test_every_cheap_prefix_still_names_a_readme_command():
    shown = [" ".join(c) for c in README_COMMANDS]
    for prefix in CHEAP:
        assert any(s.startswith(prefix) for s in shown), f"CHEAP lists {prefix!r}, which the README no longer shows"


def _paths_exist(argv):
    missing = [t for t in argv if _PATH.match(t) and not (ROOT / t).exists()
               and not t.startswith(("results/", "docs/"))]
    missing += [t for t in argv if t.startswith(("results/", "docs/")) and "." in t and not (ROOT / t).exists()
                and argv[argv.index(t) - 1] not in ("--out", "--summary")]
    assert not missing, f"{' '.join(argv)}: no such file in the checkout: {missing}"


def _parse_swap_nas(argv):
    from swap_plugin.cli import build_parser

    args = argv[1:]
    if "--plugin" in args:  # the plugin flag loads code: check the file, parse the rest
        i = args.index("--plugin")
        assert (ROOT / args[i + 1]).exists(), args[i + 1]
    try:
        build_parser().parse_args(args)
    except SystemExit as stop:
        if stop.code == 0 and ("--help" in args or "-h" in args):
            return
        pytest.fail(f"{' '.join(argv)}: the CLI's parser refuses it (exit {stop.code})")


#: runs each script's own argument parser on its arguments and stops before the work
_PARSE_ONLY = r"""
import argparse, json, runpy, sys
class Parsed(BaseException):
    pass
parse = argparse.ArgumentParser.parse_args
def stop(self, args=None, namespace=None):
    parse(self, args, namespace)
    raise Parsed()
argparse.ArgumentParser.parse_args = stop
failed = []
for argv in json.loads(sys.argv[1]):
    sys.argv = argv
    try:
        runpy.run_path(argv[0], run_name="__main__")
        failed.append([argv, "never parsed its arguments"])
    except Parsed:
        pass
    except SystemExit as e:
        failed.append([argv, f"exit {e.code}"])
print(json.dumps(failed))
"""


def _check_scripts(cmds):
    """Script commands: the file exists and its parser accepts the arguments."""
    import json

    runs = []
    for argv in cmds:
        env, argv = env_and_argv(argv)
        if argv[0] == "bash":
            script = ROOT / argv[1]
            assert script.exists(), f"{' '.join(argv)}: no {argv[1]}"
            subprocess.run(["bash", "-n", str(script)], check=True)
        elif argv[0] == "python" and len(argv) > 1 and argv[1].endswith(".py"):
            assert (ROOT / argv[1]).exists(), f"{' '.join(argv)}: no {argv[1]}"
            _paths_exist(argv)
            runs.append(argv[1:])
    if not runs:
        return
    r = subprocess.run([sys.executable, "-c", _PARSE_ONLY, json.dumps(runs)], cwd=ROOT, capture_output=True,
                       text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stderr[-3000:]
    failed = json.loads(r.stdout.strip().splitlines()[-1])
    assert not failed, f"scripts whose parser refuses the documented arguments: {failed}\n{r.stderr[-2000:]}"


def _run_for_real(argv, tmp_path):
    """A cheap README command, as written, in a scratch folder that holds what it names
    (the README's --model example module; tests/ and configs/ of this checkout)."""
    env, argv = env_and_argv(argv)
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    (tmp_path / "mypkg" / "nets.py").write_text(MYPKG)
    for part in ("tests", "configs", "scripts"):
        (tmp_path / part).symlink_to(ROOT / part)
    environ = {**os.environ, **env, "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)])}
    program = [sys.executable, "-m", "swap_plugin.cli"] if argv[0] == "swap-nas" else [sys.executable]
    r = subprocess.run(program + argv[1:], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"{' '.join(argv)} failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    return r.stdout


def _cheap(tokens):
    text = " ".join(tokens)
    return next((needs for prefix, needs in CHEAP.items() if text.startswith(prefix)), None)


@pytest.mark.parametrize("tokens", [
    pytest.param(c, marks=[pytest.mark.needs_data] if _cheap(c) else [], id=_id(c))
    for c in README_COMMANDS if _cheap(c) is not None])
def test_cheap_readme_command_runs(tokens, tmp_path):
    """Runs as written; a score command scores the network it names (its Θ is that network's),
    the rebuild's dry run lists a command for every artefact the README's table names."""
    out = _run_for_real(tokens, tmp_path)
    if "rebuild_all.py" in tokens[1]:
        table = README.read_text(encoding="utf-8").split("## Reproduce the paper", 1)[1].split("\n## ", 1)[0]
        stems = set(re.findall(r"\]\(results/(\w+)\.\w+\)", table))
        listed = set(re.findall(r"^# (\w+)$", out, re.M))
        assert stems and stems <= listed, f"the dry run lists no command for {sorted(stems - listed)}"
        return
    assert re.search(r"^swap Ψ +\d+\.\d\d ", out, re.M), out
    if "--model" in tokens:
        import importlib.util
        import json

        spec = importlib.util.spec_from_loader("readme_mypkg_nets", loader=None)
        module = importlib.util.module_from_spec(spec)
        exec(MYPKG, module.__dict__)
        net = module.build(**json.loads(tokens[tokens.index("--model-kwargs") + 1]))
    elif "--plugin" in tokens:
        # the toy space's d<depth>w<width>: depth 3x3 convolutions of width channels, then a
        # 10-class linear layer (counted by hand, not by importing the plugin into this process)
        depth, width = map(int, re.fullmatch(r"d(\d+)w(\d+)", tokens[tokens.index("--arch") + 1]).groups())
        params = (3 * 9 + 1) * width + (depth - 1) * (width * 9 + 1) * width + (width + 1) * 10
        assert f"({params} parameters, auxiliary excluded)" in out, out
        return
    else:
        from swap_plugin.spaces import get_space

        space = get_space(tokens[tokens.index("--space") + 1])
        arch = tokens[tokens.index("--arch") + 1]
        net = space.build(space.from_str(arch), "cifar10")
    params = sum(p.numel() for p in net.parameters())
    assert f"({params} parameters, auxiliary excluded)" in out, out
    if "--mu" in tokens:
        assert re.search(r"^reg_swap +\d+\.\d\d .*μ=1\.5, σ=1\.5 M", out, re.M), out


def test_every_other_readme_command_parses():
    """Not cheap: parsed by its own parser; pip's extras exist; scripts exist."""
    from swap_plugin.cli import build_parser  # noqa: F401  (fails here, not in a loop, if broken)

    setup = (ROOT / "setup.py").read_text(encoding="utf-8")
    scripts = []
    for tokens in README_COMMANDS:
        env, argv = env_and_argv(tokens)
        text = " ".join(tokens)
        if _cheap(tokens) is not None or text in NOT_RUN:
            continue
        if argv[:2] == ["pip", "install"]:
            extras = re.findall(r"\.\[([\w,]+)\]", text)
            for extra in ",".join(extras).split(","):
                assert f'"{extra}":' in setup, f"{text}: setup.py has no extra {extra!r}"
        elif argv[0] == "swap-nas":
            _paths_exist(argv)
            _parse_swap_nas(argv)
        elif argv[0] in ("python", "bash"):
            scripts.append(tokens)
        else:
            pytest.fail(f"README command {text!r} is neither run, parsed nor known here: add it to the test")
    _check_scripts(scripts)


def test_docs_commands_parse():
    """docs/: the same checks for every swap-nas and script command (set-up commands of
    other projects, such as NASLib's git clone, are not checked)."""
    scripts = []
    for path, tokens in DOC_COMMANDS:
        env, argv = env_and_argv(tokens)
        if argv[0] == "swap-nas":
            _paths_exist(argv)
            _parse_swap_nas(argv)
        elif argv[0] in ("python", "bash") and len(argv) > 1 and argv[1].startswith(("scripts/", "experiments/")):
            scripts.append(tokens)
    _check_scripts(scripts)


# ---- numbers are copied, not typed ---------------------------------------------------------
PAPER = ROOT / "swap_plugin" / "studies" / "paper_reference.yaml"


def _table_rows(text: str, heading: str) -> list:
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [r for r in section.splitlines() if r.startswith("|") and not r.startswith("|---")]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", r.strip().strip("|"))] for r in rows[1:]]


def _numbers(cell: str) -> list:
    return re.findall(r"-?\d+\.\d+", cell)


def test_readme_table_copies_its_reports():
    """Each row of the paper-vs-ours table: the paper's numbers are those of
    paper_reference.yaml, ours those of the report the row links."""
    paper = PAPER.read_text(encoding="utf-8")
    rows = _table_rows(README.read_text(encoding="utf-8"), "The paper and this reproduction")
    assert len(rows) >= 6
    for result, ref, ours, report in rows:
        source = (ROOT / re.search(r"\]\(([^)]+)\)", report)[1]).read_text(encoding="utf-8")
        assert _numbers(ours), result
        for number in _numbers(ours):
            assert number in source, f"README, {result!r}: {number} is not in {report}"
        for number in _numbers(ref):
            assert number.lstrip("-") in paper, f"README, {result!r}: paper's {number} is not in {PAPER.name}"


def test_findings_table_copies_its_report():
    text = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    source = (ROOT / "experiments" / "correlation_intervals" / "report.md").read_text(encoding="utf-8")
    paper = PAPER.read_text(encoding="utf-8")
    rows = _table_rows(text, "The gaps at a glance")
    assert len(rows) >= 6
    for task, ref, reg, swap, _ in rows:
        for number in _numbers(reg) + _numbers(swap):
            assert number in source, f"findings.md, {task!r}: {number} is not in the intervals report"
        for number in _numbers(ref):
            assert number.lstrip("-") in paper, f"findings.md, {task!r}: paper's {number}"


def test_extending_shows_the_toy_plugins_as_they_are():
    """docs/extending.md shows the two toy plugin files verbatim."""
    blocks = code_blocks((ROOT / "docs" / "extending.md").read_text(encoding="utf-8"), "python")
    for name in ("toy_proxy.py", "toy_space.py"):
        assert (PLUGINS / name).read_text(encoding="utf-8").rstrip() + "\n" in blocks, name


def test_reproduce_table_names_each_artefacts_own_command():
    """Each row of the README's reproduce table runs the program its report says wrote it."""
    rows = _table_rows(README.read_text(encoding="utf-8"), "Reproduce the paper")
    checked = 0
    for artefact, command, files in rows:
        program = re.match(r"`(swap-nas \w+|python scripts/\w+\.py)", command)
        stem = re.search(r"\]\(results/(\w+)\.\w+\)", files)
        assert program, f"README, {artefact}: no command"
        if stem and (ROOT / "results" / f"{stem[1]}.md").exists():
            head = "\n".join((ROOT / "results" / f"{stem[1]}.md").read_text(encoding="utf-8").splitlines()[:8])
            assert program[1].replace("python ", "") in head, f"README, {artefact}: results/{stem[1]}.md was not written by {program[1]}"
            checked += 1
    assert checked >= 5
