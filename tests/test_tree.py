"""studies.tree (the one reader of a study tree) and studies.paper_reference (the reference
numbers), on hand-made trees: no data needed."""
import json

import numpy as np
import pytest

from swap_plugin.files import CorruptFileError
from swap_plugin.studies import paper_reference, tree
from swap_plugin.studies.store import RecordStore


def _scores(root, space, dataset, proxy, seed, rho):
    path = tree.scores_path(tree.study_path(root, space, dataset), proxy, seed)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps([{"space": space, "seed": seed, "samples": 16}, {"spearman": rho, "n": 10}]))
    return path


def test_the_layout_written_by_correlate_is_the_one_read(tmp_path):
    from swap_plugin.studies.correlate import study_dir

    study = tree.study_path(tmp_path, "nb201", "cifar10")
    assert study == tmp_path / "correlation" / "nb201" / "cifar10"
    assert tree.records_path(study, 3).name == "records_seed3.jsonl"
    assert tree.key_path(study, 3) == tree.records_key_path(tree.records_path(study, 3))
    assert tree.scores_path(study, "swap", 3) == study / "swap" / "3" / "scores.json"

    class Cfg:
        out, space, dataset = str(tmp_path), "nb201", "cifar10"
    assert study_dir(Cfg) == study


def test_studies_scores_and_records_in_sorted_path_order(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for seed, rho in ((10, 0.1), (2, 0.2)):  # "10" sorts before "2" as a path
        _scores(a, "nb201", "cifar10", "swap", seed, rho)
    _scores(a, "nb201", "cifar10", "params", 0, 0.5)
    _scores(a, "nb101", "cifar10", "swap", 0, 0.3)
    _scores(b, "nb201", "cifar100", "swap", 0, 0.4)
    got = [(s.space, s.dataset, s.proxy, s.seed, s.spearman) for s in tree.scores([a, b])]
    assert got == [("nb101", "cifar10", "swap", 0, 0.3), ("nb201", "cifar10", "params", 0, 0.5),
                   ("nb201", "cifar10", "swap", 10, 0.1), ("nb201", "cifar10", "swap", 2, 0.2),
                   ("nb201", "cifar100", "swap", 0, 0.4)]
    assert [s.seed for s in tree.scores(a, proxy="swap", seed=2)] == [2]
    studies = tree.studies([a, b])
    assert [(s.space, s.dataset) for s in studies] == [("nb101", "cifar10"), ("nb201", "cifar10"), ("nb201", "cifar100")]
    nb201 = studies[1]
    assert nb201.seeds() == [0, 2, 10] and nb201.seeds("swap") == [2, 10]
    assert nb201.config(0) == {"space": "nb201", "seed": 0, "samples": 16} and nb201.config(7) == {}
    assert nb201.summary() is None and nb201.key(0) is None and nb201.records_paths() == []
    store = RecordStore(tree.records_path(nb201.path, 0))
    store.append({"key": "x", "swap": 5.0})
    tree.key_path(nb201.path, 0).write_text(json.dumps({"samples": 16, "ensemble_members": ["reg_swap", "jacov"]}))
    assert [r["swap"] for r in nb201.records(0)] == [5.0]
    assert tree.records_paths([a, b], seed=0) == [tree.records_path(nb201.path, 0)]
    assert tree.study_of(tree.records_path(nb201.path, 0)) == nb201
    assert nb201.key(0)["ensemble_members"] == ["reg_swap", "jacov"] and nb201.keys() == [nb201.key(0)]
    assert tree.key_paths(a) == [tree.key_path(nb201.path, 0)]


def test_a_damaged_scores_file_is_an_error_naming_it(tmp_path):
    path = _scores(tmp_path, "nb201", "cifar10", "swap", 0, 0.5)
    path.write_text('[{"space": "nb201"}, {"spear')
    with pytest.raises(CorruptFileError, match=f"{path}.*NASLib-layout"):
        list(tree.scores(tmp_path))


def test_paper_reference_numbers():
    assert paper_reference.fig4_reg_swap("nb201", "ImageNet16-120") == (0.87, 0.90)
    assert paper_reference.fig4_reg_swap("nb301", "cifar10") == (0.63, 0.63)
    assert paper_reference.fig4_reg_swap("nb201", "no-such-task") is None
    assert [paper_reference.fig4_reg_swap_text(*t) for t in
            (("nb201", "cifar10"), ("nb101", "cifar10"), ("tnb101_macro", "jigsaw"), ("tnb101_micro", "normal"))] \
        == ["0.87-0.90", "0.75", "0.68-0.86", "0.47-0.67"]
    grids = paper_reference.mu_sigma_grids_m()
    assert grids["nb201"] == [0.5, 1.0, 1.5, 2.0, 2.5, 3.0] and np.allclose(np.diff(grids["nb101"]), 10)
    assert paper_reference.search_nb201_targets() == {"cifar10": 93.5, "cifar100": 71.0, "ImageNet16-120": 45.0}
    assert paper_reference.official_darts_spearman() == 0.93
    assert paper_reference.anchor("az_nas")["nb201_spearman"] == {"cifar10": 0.913, "cifar100": 0.900,
                                                                  "ImageNet16-120": 0.886}
    with pytest.raises(KeyError, match="no anchor 'vkdnw'.*it has az_nas"):
        paper_reference.anchor("vkdnw")
