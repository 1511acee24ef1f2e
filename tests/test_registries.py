"""One registry per concept: proxy names, space names and dataset names each resolve in one
place, and the tables derived from them say what the literal tables they replace said."""
import json
import warnings

import pytest

from swap_plugin.data import canonical_dataset
from swap_plugin.proxies import get_proxy, list_proxies, name_in_file, per_arch_names, resolve_name
from swap_plugin.spaces import canonical_space, get_space, paper_presets, space_for_naslib


def test_dataset_names_resolve_in_one_place_and_imagenet_is_imagenet_1k():
    for name in ("cifar10", "C10", " cifar-10 ", "cifar_10"):
        assert canonical_dataset(name) == "cifar10"
    for name in ("in16", "ImageNet16", "imagenet16-120", "IMAGENET16_120", "ImageNet16-120"):
        assert canonical_dataset(name) == "ImageNet16-120"
    for name in ("imagenet", "ImageNet-1k", "in1k"):
        assert canonical_dataset(name) == "imagenet"
    with pytest.raises(ValueError, match="unknown dataset 'mnist'"):
        canonical_dataset("mnist")
    assert canonical_dataset("class_scene", strict=False) == "class_scene"
    # where a benchmark has ImageNet16-120 and no ImageNet-1k, the old reading holds, deprecated
    with pytest.warns(FutureWarning, match="write ImageNet16-120"):
        assert canonical_dataset("imagenet", among=("cifar10", "ImageNet16-120")) == "ImageNet16-120"
    with pytest.warns(FutureWarning):
        assert get_space("nb201").dataset("imagenet") == "ImageNet16-120"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert get_space("darts").dataset("imagenet-1k") == "imagenet"  # DARTS has ImageNet-1k
        assert get_space("nb201").dataset("cifar10-valid") == "cifar10"  # NB201's own name
    with pytest.raises(ValueError, match="has no dataset 'cifar100'"):
        get_space("nb101").dataset("cifar100")


def test_space_names_are_the_spaces_own():
    assert canonical_space("NASBench201") == canonical_space("nats_tss") == "nb201"
    assert canonical_space("nas_bench_101") == "nb101" and canonical_space("swap_darts") == "darts_swap"
    assert canonical_space("transnas_macro") == "tnb101_macro" and get_space("tnb_micro").name == "tnb101_micro"
    with pytest.raises(ValueError, match="'tnb101' is ambiguous: use 'tnb101_micro' or 'tnb101_macro'"):
        canonical_space("tnb101")
    with pytest.raises(ValueError, match="unknown search space 'nb202'"):
        get_space("nb202")
    # NASLib's names: its files call NB301 "darts" too; ours is the DARTS sampling domain
    assert canonical_space("darts") == "darts" and space_for_naslib("darts") == "nb301"
    assert space_for_naslib("nasbench301") == "nb301" and space_for_naslib("transbench101_micro") == "tnb101_micro"
    assert space_for_naslib("nasbench999") is None


def test_derived_tables_say_what_the_literal_tables_said():
    from swap_plugin.benchmarks.keys import DARTS_SPACES, NASLIB_SPACE_NAMES, naslib_zc_filename
    from swap_plugin.naslib import DEFAULT_MU_SIGMA
    from swap_plugin.studies import PAPER_PRESETS_M
    from swap_plugin.studies.heatmap import canon_dataset, canon_space, column_label

    assert PAPER_PRESETS_M == paper_presets() == {"nb101": 40.0, "nb201": 1.5, "nb301": 1.8, "darts": 1.8}
    assert DEFAULT_MU_SIGMA == {"nasbench101": (40.0, 40.0), "nasbench201": (1.5, 1.5), "nasbench301": (1.8, 1.8)}
    assert NASLIB_SPACE_NAMES == {"nb201": "nasbench201", "nb101": "nasbench101", "nb301": "nasbench301",
                                  "darts": "nasbench301", "darts_swap": "nasbench301",
                                  "tnb101_micro": "transbench101_micro", "tnb101_macro": "transbench101_macro"}
    assert sorted(DARTS_SPACES) == ["darts", "darts_swap", "nb301"]
    assert naslib_zc_filename("nasbench201") == "zc_nasbench201.json"
    # the heatmap: names in NASLib's and our files, and the paper's labels
    assert [canon_space(s) for s in ("nasbench201", "nb101", "darts", "darts_swap", "transbench101_macro")] \
        == ["nb201", "nb101", "nb301", "darts_swap", "tnb101_macro"]
    assert canon_dataset("cifar-100", "nb201") == "cifar100" and canon_dataset("jigsaw", "tnb101_micro") == "jigsaw"
    assert column_label("tnb101_micro", "class_scene", 711) == "TNB-Micro\nScene\nn=711"
    assert column_label("darts_swap", "cifar10") == "darts_swap\nC10"


def test_proxy_names_and_stored_values_never_collide():
    assert list_proxies() == ["swap", "reg_swap", "reg_swap_auto", "activation_patterns", "params", "flops",
                              "synflow", "jacov", "expressivity", "progressivity", "swap_ensemble"]
    assert list_proxies(family="swap") == ["swap", "reg_swap", "reg_swap_auto", "swap_ensemble"]
    assert resolve_name("synflow") == "synflow" and resolve_name("zc:synflow") == "zc:synflow"
    with pytest.warns(FutureWarning, match="write zc:nwot"):
        assert resolve_name("nwot") == "zc:nwot"
    with pytest.raises(ValueError, match="unknown proxy 'nwot'"):
        get_proxy("nwot")
    # what a study computes per arch for the set proxies
    assert per_arch_names(["swap_ensemble"]) == ["swap", "params", "synflow", "jacov", "progressivity"]
    assert per_arch_names(["reg_swap_auto", "zc:nwot"]) == ["swap", "params"]
    assert get_proxy("expressivity").needs_blocks and not get_proxy("synflow").needs_labels


def test_older_study_trees_read_their_bare_stored_names_as_stored(tmp_path):
    from swap_plugin.studies.heatmap import collect

    def scores(proxy, conf):
        path = tmp_path / "correlation" / "nb201" / "cifar10" / proxy / "0" / "scores.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps([{"search_space": "nb201", "dataset": "cifar10", "predictor": proxy,
                                     "seed": 0, **conf}, {"spearman": 0.5}]))

    old = {"mu_used": 1.5}  # our study, before the registry: stored values had bare names
    scores("synflow", old)
    scores("reg_swap", old)
    scores("jacov", {**old, "values_from": "swap_plugin.proxies.jacov"})  # ours, computed
    scores("nwot", {})  # a NASLib run's own proxy
    assert name_in_file(old, "synflow") == "zc:synflow" and name_in_file(old, "zc:synflow") == "zc:synflow"
    assert sorted(r.proxy for r in collect([tmp_path])) == ["jacov", "nwot", "reg_swap", "zc:synflow"]


def test_naslib_runner_names_come_from_the_space_registry():
    from swap_plugin.naslib.runners import our_space

    old_table = {"nasbench201": "nb201", "nasbench101": "nb101", "nasbench301": "nb301",
                 "transbench101_micro": "tnb101_micro", "transbench101_macro": "tnb101_macro"}
    assert {n: our_space(n) for n in old_table} == old_table
    assert our_space("darts") == "darts" and our_space("asr") == "asr"  # unclaimed: passed through
