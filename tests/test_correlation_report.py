"""The correlation table (swap_plugin.studies.correlation_report, scripts/correlation_report.py
and scripts/run_correlations.py): the report names a command that rewrites it."""
import json

import pytest

from swap_plugin.studies import correlation_report


def _tree(root, rhos):
    for seed, rho in enumerate(rhos):
        f = root / "correlation" / "nb201" / "cifar10" / "swap" / str(seed) / "scores.json"
        f.parent.mkdir(parents=True)
        f.write_text(json.dumps([{"samples": 16, "build": {"C": 16, "N": 5}},
                                 {"spearman": rho, "query_time": 0.1, "n": 1000}]))


def test_written_by_line_reproduces_the_report_with_its_command_file(tmp_path, monkeypatch, script_main):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path / "runs", [0.8, 0.9])
    (tmp_path / "cmds.txt").write_text("swap-nas correlate --space nb201 --out runs\n")
    out = tmp_path / "r.md"
    script_main("correlation_report")(["--runs", "runs", "--out", str(out), "--command-file", "cmds.txt"])
    text = out.read_text()
    assert f"Written by `python scripts/correlation_report.py --runs runs --out {out} --command-file cmds.txt`" in text
    assert "```\nswap-nas correlate --space nb201 --out runs\n```" in text
    assert "| nb201 | cifar10 | 1000 | 0,1 | C=16, N=5; S=16 | 0.850 ± 0.050 | 0.87-0.90 | 0.100 |" in text
    # rerunning the recorded command rewrites the same file
    first = text
    correlation_report.write(out, ["runs"], f"python scripts/correlation_report.py --runs runs --out {out} "
                                            "--command-file cmds.txt", ["swap-nas correlate --space nb201 --out runs"])
    assert out.read_text() == first
    # the AZ-NAS anchor comes from the reference data
    assert "AZ-NAS reports 0.913 / 0.900 / 0.886 on the full NB201 space." in text


def test_command_and_command_file_exclude_each_other(tmp_path, script_main, capsys):
    with pytest.raises(SystemExit) as end:
        script_main("correlation_report")(["--runs", str(tmp_path), "--command", "x", "--command-file", "y"])
    assert end.value.code == 2 and "not both" in capsys.readouterr().err


@pytest.mark.needs_data
def test_run_correlations_writes_a_report_that_names_both_commands(tmp_path, script_main):
    out, md = tmp_path / "runs", tmp_path / "report.md"
    argv = ["--tasks", "nb201:cifar10", "--seeds", "0", "--n", "6", "--workers", "1",
            "--proxies", "swap", "params", "--out", str(out), "--report", str(md)]
    script_main("run_correlations")(argv)
    text = md.read_text()
    run_cmd = "python scripts/run_correlations.py " + " ".join(argv)
    assert f"```\n{run_cmd}\n```" in text
    assert "Written by `python scripts/correlation_report.py --runs" in text and "--command" in text
    scores = json.loads((out / "correlation" / "nb201" / "cifar10" / "swap" / "0" / "scores.json").read_text())
    assert scores[1]["n"] == 6 and len(scores[1]["full_ytest"]) == 6
    assert f"| {scores[1]['spearman']:.3f} |" in text  # the report shows the study's own ρ
