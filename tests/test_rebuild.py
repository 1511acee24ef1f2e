"""swap_plugin.tools.rebuild (scripts/rebuild_all.py): the plan is read back from the
artefacts' own files, runs first and each once, and it runs in order."""
from pathlib import Path

import pytest

from swap_plugin.tools import rebuild

ROOT = Path(__file__).resolve().parents[1]


def _results(tmp_path):
    res = tmp_path / "results"
    res.mkdir()
    (res / "correlation.md").write_text(
        "# Correlation\n\nWritten by `echo corr > corr.out --command-file cmds/corr.txt`.\n\nRuns produced by:\n\n"
        "```\necho run1 >> runs.log\necho run2 >> runs.log\n```\n\n| table |\n")
    (res / "ablation_table3.csv").write_text("# written by: echo t3 > t3.out\ninput_size,a\n4,0.1\n")
    (res / "ablation_table3.png").write_bytes(b"\x89PNG")
    (res / "fig4_heatmap.md").write_text(
        "# Fig. 4\n\nWritten by `swap-nas heatmap --report`; regenerate with:\n\n```\necho fig >> runs.log\n```\n\n"
        "Runs produced by:\n\n```\necho run2 >> runs.log\necho run3 >> runs.log\n```\n")
    (res / "bench_sort.md").write_text("# Sort\n\nCommand: `echo bench > bench.out`  \n")
    (res / "notes.md").write_text("# my notes, no command\n")
    return res


def test_plan_reads_each_artefacts_command_and_its_runs_once(tmp_path):
    res = _results(tmp_path)
    arts = rebuild.artefacts(res)
    assert [p.name for p in arts["ablation_table3"].files] == ["ablation_table3.csv", "ablation_table3.png"]
    assert arts["fig4_heatmap"].command == "echo fig >> runs.log" and arts["notes"].command is None
    runs, reports = rebuild.plan(res)
    assert runs == ["echo run1 >> runs.log", "echo run2 >> runs.log", "echo run3 >> runs.log"]
    assert [a.name for a, _ in reports] == ["correlation", "fig4_heatmap", "ablation_table3"]  # PAPER order
    assert [a.name for a, _ in rebuild.plan(res, everything=True)[1]][-1] == "bench_sort"
    assert rebuild.plan(res, only=["bench_sort"]) == ([], [(rebuild.artefacts(res)["bench_sort"], "echo bench > bench.out")])
    with pytest.raises(ValueError, match="no artefact with a recorded command named notes"):
        rebuild.plan(res, only=["notes"])


def test_run_executes_in_order_and_writes_a_missing_command_file(tmp_path):
    res = _results(tmp_path)
    printed = []
    assert rebuild.run(res, tmp_path, dry_run=True, echo=printed.append) == 0
    assert not (tmp_path / "runs.log").exists() and printed[1] == "echo run1 >> runs.log"
    assert rebuild.run(res, tmp_path, echo=lambda s: None) == 0
    assert (tmp_path / "runs.log").read_text().split() == ["run1", "run2", "run3", "fig"]
    assert (tmp_path / "cmds" / "corr.txt").read_text() == "echo run1 >> runs.log\necho run2 >> runs.log\n"
    assert (tmp_path / "t3.out").read_text() == "t3\n"
    (tmp_path / "cmds" / "corr.txt").write_text("mine\n")  # an existing list is never replaced
    assert rebuild.run(res, tmp_path, only=["correlation"], skip_runs=True, echo=lambda s: None) == 0
    assert (tmp_path / "cmds" / "corr.txt").read_text() == "mine\n"
    (res / "ablation_table3.csv").write_text("# written by: exit 3\n")
    assert rebuild.run(res, tmp_path, only=["ablation_table3", "correlation"], echo=lambda s: None) == 3


def test_the_committed_results_name_their_commands(script_main, capsys):
    """Every paper artefact in results/ names the command that rebuilds it."""
    runs, reports = rebuild.plan(ROOT / "results")
    assert {a.name for a, _ in reports} == set(rebuild.PAPER) & set(rebuild.artefacts(ROOT / "results"))
    assert all(c.startswith(("python scripts/", "swap-nas ")) for c in runs + [c for _, c in reports])
    assert script_main("rebuild_all")(["--dry-run", "--skip-runs"]) == 0
    assert capsys.readouterr().out.splitlines()[1::2] == [c for _, c in reports]
