"""swap-nas heatmap: scores.json trees → table → PNG/PDF/CSV (+ markdown record)."""
import json
import math
import warnings

import pandas as pd
import pytest

from swap_plugin.cli import main
from swap_plugin.studies.heatmap import build_table, collect, column_key, plot_heatmap, write_outputs


def ours_file(root, space, dataset, proxy, seed, rho, n=1000, requested=1000, gt=None):
    """A scores.json exactly as swap_plugin.studies.correlate writes it."""
    path = root / "correlation" / space / dataset / proxy / str(seed) / "scores.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    conf = {"space": space, "dataset": dataset, "n": requested, "seeds": [seed], "gt_source": gt,
            "search_space": space, "predictor": proxy, "seed": seed, "test_size": n}
    res = {"spearman": rho, "kendalltau": rho / 2, "n": n, "full_ytest": [0.0] * 3}
    path.write_text(json.dumps([conf, res]))
    return path


@pytest.fixture
def tree(tmp_path):
    """NB201 C10 (2 seeds) and C100 (1 seed), NB101; 'synflow' lacks NB101."""
    root = tmp_path / "runs"
    vals = {  # proxy: {(space, dataset): [rho per seed]}
        "swap": {("nb201", "cifar10"): [0.80, 0.84], ("nb201", "cifar100"): [0.82],
                 ("nb101", "cifar10"): [0.40]},
        "reg_swap": {("nb201", "cifar10"): [0.88, 0.86], ("nb201", "cifar100"): [0.90],
                     ("nb101", "cifar10"): [0.50]},
        "synflow": {("nb201", "cifar10"): [0.74, 0.78], ("nb201", "cifar100"): [0.76]},
        "params": {("nb201", "cifar10"): [0.70, 0.72], ("nb201", "cifar100"): [0.73],
                   ("nb101", "cifar10"): [0.45]},
    }
    for proxy, tasks in vals.items():
        for (space, ds), rhos in tasks.items():
            for seed, rho in enumerate(rhos):
                ours_file(root, space, ds, proxy, seed, rho)
    (root / "correlation" / "nb201" / "cifar10" / "records_seed0.jsonl").write_text("{}\n")
    return root


def test_table_means_sort_and_missing(tree):
    recs = collect([tree])
    assert len(recs) == 2 * 4 + 4 + 3  # seeds 0/1 on C10, one elsewhere
    table, meta = build_table(recs)
    c10, c100, nb101 = (column_key(s, d, 1000) for s, d in
                        [("nb201", "cifar10"), ("nb201", "cifar100"), ("nb101", "cifar10")])
    assert list(table.columns) == [nb101, c10, c100]  # NB101 before NB201, C10 before C100
    assert table.loc["swap", c10] == pytest.approx(0.82)
    assert table.loc["reg_swap", c10] == pytest.approx(0.87)
    assert table.loc["params", c100] == pytest.approx(0.73)
    assert math.isnan(table.loc["synflow", nb101])
    # rows by mean over the tasks each has: synflow (0.76) > reg_swap (0.7567) > params > swap
    means = {"reg_swap": (0.87 + 0.90 + 0.50) / 3, "synflow": 0.76,
             "params": (0.71 + 0.73 + 0.45) / 3, "swap": (0.82 + 0.82 + 0.40) / 3}
    assert list(table.index) == sorted(means, key=means.get, reverse=True)
    assert meta.loc[c10, "seeds"] == [0, 1] and meta.loc[c100, "seeds"] == [0]
    assert meta.loc[c10, "label"] == "NB201\nC10\nn=1000"
    assert meta.loc[c10, "archs"] == "1,000 sampled archs"

    only, _ = build_table(collect([tree], proxies=["swap", "synflow"]))
    assert set(only.index) == {"swap", "synflow"}


@pytest.mark.filterwarnings("ignore:heatmap:UserWarning")
def test_lenient_layouts(tmp_path):
    """Zerocost-branch trees: no correlation/ folder, NASLib names, list-of-dicts files,
    config keys overriding the path, a seed-less folder, and unreadable files skipped."""
    root = tmp_path / "zc_branch"
    a = root / "nasbench201" / "ImageNet16-120" / "jacov" / "3" / "scores.json"
    a.parent.mkdir(parents=True)
    a.write_text(json.dumps([{"search_space": "nasbench201", "dataset": "ImageNet16-120",
                              "predictor": "jacov", "seed": 3, "test_size": 500},
                             {"spearman": 0.6}, {"spearman": 0.7}]))  # trials averaged
    b = root / "whatever" / "here" / "x" / "9" / "scores.json"  # the config says what it is
    b.parent.mkdir(parents=True)
    b.write_text(json.dumps([{"search_space": "transbench101_micro", "dataset": "jigsaw",
                              "predictor": "nwot", "seed": 1}, {"spearman": 0.25,
                              "full_ytest": [1, 2, 3, 4]}]))
    c = root / "nasbench301" / "cifar10" / "snip" / "scores.json"  # path only, no seed folder
    c.parent.mkdir(parents=True)
    c.write_text(json.dumps({"spearman": -0.1}))
    torn = root / "nasbench301" / "cifar10" / "fisher" / "0" / "scores.json"
    torn.parent.mkdir(parents=True)
    torn.write_text('[{"predictor": "fisher"}, {"spear')
    nan = root / "nasbench301" / "cifar10" / "grasp" / "0" / "scores.json"
    nan.parent.mkdir(parents=True)
    nan.write_text(json.dumps([{}, {"spearman": float("nan")}]))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        recs = {r.proxy: r for r in collect([root, tmp_path / "absent"])}
    said = " ".join(str(w.message) for w in caught)
    assert "absent does not exist" in said and "cannot read" in said and "no finite" in said
    assert set(recs) == {"jacov", "nwot", "snip"}
    j, w, s = recs["jacov"], recs["nwot"], recs["snip"]
    assert (j.space, j.dataset, j.seed, j.n, j.spearman) == ("nb201", "ImageNet16-120", 3, 500,
                                                             pytest.approx(0.65))
    assert (w.space, w.dataset, w.seed, w.n) == ("tnb101_micro", "jigsaw", 1, 4)
    assert (s.space, s.dataset, s.seed, s.n, s.spearman) == ("nb301", "cifar10", 0, None, -0.1)

    # our layout (correlation/ below the root) and the zerocost one read together
    ours = ours_file(tmp_path / "ours", "nb201", "ImageNet16-120", "swap", 0, 0.79, n=500)
    table, meta = build_table(collect([tmp_path / "ours", root]))
    assert list(table.columns) == ["nb201/ImageNet16-120@500", "nb301/cifar10",
                                   "tnb101_micro/jigsaw@4"]
    assert table.loc["swap", "nb201/ImageNet16-120@500"] == pytest.approx(0.79)
    assert table.loc["jacov", "nb201/ImageNet16-120@500"] == pytest.approx(0.65)
    assert meta.loc["nb301/cifar10", "label"] == "NB301\nC10"
    assert collect([ours])[0].proxy == "swap"  # a file given directly


def test_arch_sets_split_or_merged(tmp_path):
    """The same task on the 725 NB-Suite-Zero archs and on 1,000 sampled archs."""
    zc, paper = tmp_path / "zc", tmp_path / "paper"
    for proxy, rho in [("swap", 0.75), ("synflow", 0.77), ("reg_swap_auto", 0.80)]:
        ours_file(zc, "nb201", "cifar10", proxy, 0, rho, n=725, requested=725, gt="zc")
    ours_file(paper, "nb201", "cifar10", "swap", 0, 0.83)
    ours_file(paper, "nb201", "cifar10", "swap", 1, 0.81)

    table, meta = build_table(collect([zc, paper]))
    assert list(table.columns) == ["nb201/cifar10@725", "nb201/cifar10@1000"]
    assert table.loc["swap", "nb201/cifar10@725"] == pytest.approx(0.75)
    assert table.loc["swap", "nb201/cifar10@1000"] == pytest.approx(0.82)
    assert math.isnan(table.loc["synflow", "nb201/cifar10@1000"])
    assert "reg_swap_auto" in table.index  # its own row
    assert meta.loc["nb201/cifar10@725", "archs"] == "NB-Suite-Zero archs (725)"
    assert meta.loc["nb201/cifar10@1000", "archs"] == "1,000 sampled archs"

    merged, _ = build_table(collect([zc, paper]), split_by_n=False)
    assert list(merged.columns) == ["nb201/cifar10"]
    # seed 0 from the first root (zc), seed 1 only in paper
    assert merged.loc["swap", "nb201/cifar10"] == pytest.approx((0.75 + 0.81) / 2)


def test_outputs_written(tree, tmp_path):
    table, meta = build_table(collect([tree]))
    fig = plot_heatmap(table, meta, title="t")
    out = write_outputs(fig, table, str(tmp_path / "figs" / "fig4"))
    assert out["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out["pdf"].read_bytes()[:5] == b"%PDF-"
    back = pd.read_csv(out["csv"], index_col=0)
    assert list(back.index) == list(table.index)
    assert back.loc["swap", column_key("nb201", "cifar10", 1000)] == pytest.approx(0.82)
    # bold labels for our rows only
    labels = {t.get_text(): t.get_fontweight() for t in fig.axes[0].get_yticklabels()}
    assert labels["swap"] == "bold" and labels["reg_swap"] == "bold"
    assert labels["synflow"] == "normal"
    with pytest.raises(ValueError):
        plot_heatmap(pd.DataFrame(dtype=float))


def _png_width(path) -> int:
    return int.from_bytes(path.read_bytes()[16:20], "big")  # IHDR width


def test_png_dpi_scales_the_raster(tree, tmp_path, capsys):
    table, meta = build_table(collect([tree]))
    fig = plot_heatmap(table, meta)
    lo = write_outputs(fig, table, str(tmp_path / "lo"), dpi=50)["png"]
    hi = write_outputs(fig, table, str(tmp_path / "hi"), dpi=100)["png"]
    assert _png_width(hi) == pytest.approx(2 * _png_width(lo), rel=0.03)  # tight bbox rounds
    assert main(["heatmap", "--runs", str(tree), "--out", str(tmp_path / "x"), "--dpi", "0"]) == 2
    assert "--dpi 0 is too low" in capsys.readouterr().err


def test_cli_heatmap_with_report(tree, tmp_path, capsys):
    stem = tmp_path / "res" / "fig4_heatmap"
    rc = main(["heatmap", "--runs", str(tree), str(tmp_path / "not_yet"), "--out", str(stem),
               "--proxies", "swap", "reg_swap", "synflow", "--title", "Fig. 4", "--report"])
    assert rc == 0
    for ext in ("png", "pdf", "csv", "md"):
        assert (stem.parent / f"fig4_heatmap.{ext}").stat().st_size > 0
    md = (stem.parent / "fig4_heatmap.md").read_text()
    assert f"swap-nas heatmap --runs {tree} {tmp_path / 'not_yet'} --out {stem}" in md
    assert "--proxies swap reg_swap synflow --title 'Fig. 4' --report" in md
    assert "1,000 sampled archs" in md and "(not found when this was written)" in md
    assert "| **reg_swap** |" in md and "params" not in md.split("Table")[1]
    assert "swap" in capsys.readouterr().out

    assert main(["heatmap", "--runs", str(tmp_path / "empty"), "--out", str(stem)]) == 2


def test_report_lists_the_commands_that_produced_the_runs(tree, tmp_path, capsys):
    stem, cmds = tmp_path / "fig", tmp_path / "cmds.txt"
    cmds.write_text("swap-nas correlate --space nb201 --out a\n\nswap-nas correlate --space nb101 --out a\n")
    assert main(["heatmap", "--runs", str(tree), "--out", str(stem), "--report",
                 "--runs-commands", str(cmds)]) == 0
    md = (tmp_path / "fig.md").read_text()
    assert f"--report --runs-commands {cmds}\n```" in md  # the regenerate command keeps the flag
    assert f"--out {stem} --overwrite " in md  # and replaces the files it made
    block = md.split("Runs produced by:\n\n```\n")[1].split("\n```")[0]
    assert block.splitlines() == ["swap-nas correlate --space nb201 --out a",
                                  "swap-nas correlate --space nb101 --out a"]
    # without the flag the report has no such block; a missing file or no --report is an error
    pdf, md = (tmp_path / "fig.pdf").read_bytes(), (tmp_path / "fig.md").read_text()
    capsys.readouterr()
    # the same command again: every file is byte-identical, so nothing needs --overwrite
    assert main(["heatmap", "--runs", str(tree), "--out", str(stem), "--report",
                 "--runs-commands", str(cmds)]) == 0
    assert capsys.readouterr().out.count("unchanged ") == 4
    # another command would change fig.md: refused, nothing written, until --overwrite
    assert main(["heatmap", "--runs", str(tree), "--out", str(stem), "--report"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'fig.md'} already exists with other content; pass --overwrite" in err
    assert (tmp_path / "fig.md").read_text() == md
    assert main(["heatmap", "--runs", str(tree), "--out", str(stem), "--report", "--overwrite"]) == 0
    assert "replaced " in capsys.readouterr().out
    assert "Runs produced by" not in (tmp_path / "fig.md").read_text()
    assert (tmp_path / "fig.pdf").read_bytes() == pdf  # no creation date: a rerun is the same file
    assert main(["heatmap", "--runs", str(tree), "--out", str(stem), "--report",
                 "--runs-commands", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt: no such file" in capsys.readouterr().err
    assert main(["heatmap", "--runs", str(tree), "--out", str(stem), "--runs-commands", str(cmds)]) == 2
    assert "add --report" in capsys.readouterr().err


@pytest.mark.needs_data
def test_report_names_ensemble_members_from_the_study_files(tmp_path):
    from swap_plugin.proxies import ENSEMBLE_MEMBERS
    from swap_plugin.studies import StudyConfig, run_study

    root = tmp_path / "runs"
    cfg = StudyConfig.from_dict(dict(space="nb201", dataset="cifar10", n=5, seeds=[0], out=str(root),
                                     proxies=["swap_ensemble"], samples=8, input_size=8, build={"C": 4, "N": 1}))
    run_study(cfg, progress=False)
    (rec,) = collect([str(root)])
    assert rec.proxy == "swap_ensemble" and rec.members == " + ".join(ENSEMBLE_MEMBERS)
    # an older tree whose files do not name their members: both sets are reported
    old = ours_file(tmp_path / "old", "nb201", "cifar100", "swap_ensemble", 0, 0.9)
    stem = tmp_path / "res" / "fig"
    assert main(["heatmap", "--runs", str(root), str(old.parents[5]), "--out", str(stem), "--report"]) == 0
    md = (stem.parent / "fig.md").read_text()
    assert (f"`swap_ensemble` members (from the files' configs): `{' + '.join(ENSEMBLE_MEMBERS)}`; "
            "`not recorded` — different sets") in md


def test_heatmap_has_no_default_output_and_never_replaces_other_files(tree, tmp_path, capsys):
    """Without --out nothing is written anywhere (the committed results/fig4_heatmap.* were
    once overwritten by a default); an existing figure from other runs is left alone."""
    import os

    work = tmp_path / "work"
    work.mkdir()
    cwd = os.getcwd()
    os.chdir(work)
    try:
        with pytest.raises(SystemExit) as exit_:
            main(["heatmap", "--runs", str(tree)])
    finally:
        os.chdir(cwd)
    assert exit_.value.code == 2 and "--out" in capsys.readouterr().err
    assert sorted(p.name for p in work.iterdir()) == []
    other = work / "fig4_heatmap.png"
    other.write_bytes(b"someone else's figure")
    assert main(["heatmap", "--runs", str(tree), "--out", str(work / "fig4_heatmap")]) == 2
    assert "fig4_heatmap.png already exists with other content" in capsys.readouterr().err
    assert other.read_bytes() == b"someone else's figure"
    assert sorted(p.name for p in work.iterdir()) == ["fig4_heatmap.png"]  # no pdf/csv either
