"""The bad-input matrix (swap_plugin.reliability, scripts/reliability.py) for real: the quick subset of the bad-input matrix, each case the
real CLI in a subprocess (no mocks), must end as a clear error or a recovery with nothing
lost or overwritten; and the harness's own rules on hand-made inputs."""
import json

import numpy as np
import pytest

from swap_plugin import reliability as rel


@pytest.fixture(scope="module")
def quick():
    return {o.case.name: o for o in rel.run_matrix(rel.select(quick=True))}


@pytest.mark.parametrize("name", rel.QUICK)
def test_quick_case_ends_as_a_clear_error_or_a_recovery(quick, name):
    o = quick[name]
    if o.outcome == "skipped":
        pytest.skip(f"{name} needs benchmark data (SWAP_DATA_DIR or ../shared/data)")
    assert o.outcome in ("error", "recovered"), f"{name}: {o.detail} | stderr: {o.message}"
    assert (o.lost, o.overwritten) == (0, [])


def test_quick_subset_has_several_cases_without_data():
    assert len(rel.QUICK) >= 8 and len(rel.CASES) >= 30
    assert sum(not c.data for c in rel.select(quick=True)) >= 5


def test_an_error_that_does_not_name_the_flag_is_a_fail(tmp_path):
    probe = rel.Case("probe", ["score", "--space", "nb201", "--data", "missing.npz"], "error", ("--no-such-flag",))
    o = rel.Harness(tmp_path).run(probe)
    assert (o.outcome, o.detail) == ("FAIL", "stderr does not name --no-such-flag")
    assert "missing.npz" in o.message  # the message excerpt is the CLI's own error line


@pytest.mark.parametrize("rc, err, expect, outcome", [
    (2, "swap-nas correlate: error: --seeds: give ...", "error", "error"),
    (2, "swap-nas correlate: error: invalid literal for int()", "error", "FAIL"),
    (1, "Traceback (most recent call last):\n  ...\nValueError: --seeds", "error", "FAIL"),
    (2, "usage: ...\nswap-nas: error: unrecognized arguments: --seeds 3", "error", "FAIL"),
    (-9, "", "either", "FAIL"),
    (0, "", "error", "FAIL"),
    (0, "", "either", "recovered"),
    (2, "error: --seeds", "recovered", "FAIL"),
])
def test_classify(rc, err, expect, outcome):
    assert rel.classify(rel.Case("c", [], expect, ("--seeds",)), rc, err)[0] == outcome


def test_a_record_deleted_and_rescored_counts_as_lost(tmp_path):
    f = tmp_path / "run" / "records_seed0.jsonl"
    f.parent.mkdir()
    lines = [json.dumps({"key": k, "swap": s, "score_seconds": 0.1}) + "\n" for k, s in (("a", 1), ("b", 2))]
    f.write_text("".join(lines) + '{"key": "c", "sw')  # torn tail: not a complete record
    before = rel.complete_records(tmp_path)
    assert len(before) == 2
    f.write_text(lines[0] + json.dumps({"key": "b", "swap": 2, "score_seconds": 0.2}) + "\n")
    assert [json.loads(rec) for _, rec in before - rel.complete_records(tmp_path)] == [json.loads(lines[1])]


def test_changed_files_skips_only_allowed_outputs():
    before = {"run/checkpoint.json": "1", "images.npz": "2", "study.yaml": "3"}
    after = {"run/checkpoint.json": "9", "images.npz": "8"}
    assert rel.changed_files(before, after, ["*/checkpoint.json"]) == ["images.npz", "study.yaml"]


def test_mangle_middle_keeps_the_other_lines(tmp_path):
    f = tmp_path / "r.jsonl"
    f.write_bytes(b"".join(b'{"key": %d}\n' % i for i in range(5)))
    bad = rel.mangle(f, "middle", np.random.default_rng(0))
    lines = f.read_bytes().splitlines()
    assert len(lines) == 5 and lines[2] == b'{"key": 2}' + bad and lines[1] == b'{"key": 1}' and lines[3] == b'{"key": 3}'


def test_report_is_not_written_over_a_file_the_script_did_not_write(tmp_path, script_main, capsys):
    mine = tmp_path / "notes.md"
    mine.write_text("# my notes\n")
    for argv, why in (([str(mine), "flag-seeds-abc"], "was not written by this script"),
                      ([str(tmp_path / "r.md"), "no-such-case"], "matches no case")):
        with pytest.raises(SystemExit) as end:
            script_main("reliability")(["--out", argv[0], "--cases", argv[1]])
        assert end.value.code == 2 and why in capsys.readouterr().err
    assert mine.read_text() == "# my notes\n" and not (tmp_path / "r.md").exists()
