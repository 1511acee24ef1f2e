"""scripts/explore_full_space.py on a synthetic full-space study (no scoring): the draws are
aligned by arch, partial seeds are skipped, and ranks / tops equal a naive computation."""
import itertools
import json

import numpy as np
import pytest
from scipy.stats import spearmanr
from script_loader import load_script

full = load_script("explore_full_space")
DS = "ImageNet16-120"


@pytest.fixture(scope="module")
def gt(nb201_gt):
    return nb201_gt


ARCHS = list(itertools.product(range(5), repeat=6))


def _study(tmp_path, gt, psi=None):
    """Seed 0 in space order, seed 1 reversed with other Ψ, seed 2 partial."""
    archs = ARCHS
    rng = np.random.default_rng(0)
    psi = psi or {0: rng.integers(1000, 50000, len(archs)), 1: rng.integers(1000, 50000, len(archs))}
    theta = np.array([gt.lookup(a, DS, "params") for a in archs], float)
    folder = tmp_path / "correlation" / "nb201" / DS
    folder.mkdir(parents=True)
    for seed, order in ((0, range(len(archs))), (1, reversed(range(len(archs)))), (2, range(10))):
        with open(folder / f"records_seed{seed}.jsonl", "w") as f:
            for i in order:
                f.write(json.dumps({"key": str(archs[i]), "arch": list(archs[i]), "swap": float(psi[min(seed, 1)][i]),
                                    "params": theta[i]}) + "\n")
    return archs, psi, theta


def test_draws_aligned_ranks_and_tops_equal_naive(tmp_path, gt):
    archs, psi, theta = _study(tmp_path, gt)
    draws = full.load_draws(tmp_path, DS)
    assert sorted(draws) == [0, 1]  # the 10-record seed 2 is not a full space
    assert draws[1][0][0] == archs[-1] and draws[1][1][0] == psi[1][-1]

    fit = psi[1] * np.exp(-(((theta - 1.0) / 1.0) ** 2))
    order = np.argsort(-fit)
    search = tmp_path / "search.json"
    search.write_text(json.dumps({
        "settings": {"init_per_seed": True, "mu": 1.0, "sigma": 1.0, "cycles": 3, "population_size": 4},
        "rows": [{"seed": 1, "dataset": DS, "evaluations": 7,
                  "swap_nas": {"arch": list(archs[order[2]]), "test": 40.0}},
                 {"seed": 5, "dataset": DS, "evaluations": 7,  # no full draw 5: left out
                  "swap_nas": {"arch": list(archs[0]), "test": 40.0}}]}))
    out = tmp_path / "r.md"
    assert full.main(["--runs", str(tmp_path), "--dataset", DS, "--mus", "1.0",
                      "--search", str(search), "--out", str(out)]) == 0
    text = out.read_text()
    val = np.array([gt.lookup(a, DS, "val_accuracy") for a in archs])
    test = np.array([gt.lookup(a, DS, "test_acc_ImageNet16-120_200ep") for a in archs])
    rhos = [spearmanr(p, val)[0] for p in psi.values()]
    assert f"| Ψ | {np.mean(rhos):.3f} ± {np.std(rhos, ddof=1):.3f} |" in text
    tops = [np.argmax(p * np.exp(-(((theta - 1.0) / 1.0) ** 2))) for p in psi.values()]
    assert f"| {', '.join(f'{test[t]:.2f}' for t in tops)} |" in text
    mean_fit = np.mean([p * np.exp(-(((theta - 1.0) / 1.0) ** 2)) for p in psi.values()], axis=0)
    top = np.argsort(-mean_fit)
    assert f"| 1 | {test[top[0]]:.2f} | {test[top[:5]].mean():.2f} | {test[top[:20]].mean():.2f} |" in text
    rows = [line for line in text.splitlines() if line.startswith("| 1 | 1 | 7 |")]
    assert rows == [f"| 1 | 1 | 7 | `{''.join(map(str, archs[order[2]]))}` | 3 | 40.00 | {test[order[0]]:.2f} |"]
    assert "| 5 | 5 | 7 |" not in text
    # a search on one shared draw: every seed is ranked on draw 0
    shared = json.loads(search.read_text())
    del shared["settings"]["init_per_seed"]
    search.write_text(json.dumps(shared))
    full.main(["--runs", str(tmp_path), "--dataset", DS, "--mus", "1.0", "--search", str(search), "--out", str(out)])
    fit0 = psi[0] * np.exp(-(((theta - 1.0) / 1.0) ** 2))
    rank0 = 1 + int(np.sum(fit0 > fit0[order[2]]))
    assert f"| 1 | 0 | 7 | `{''.join(map(str, archs[order[2]]))}` | {rank0} |" in out.read_text()
    assert "| 5 | 0 | 7 | `000000` |" in out.read_text()


def test_no_full_draw_says_what_to_run(tmp_path):
    with pytest.raises(SystemExit, match="--n all"):
        full.load_draws(tmp_path, DS)


def test_simulated_search_climbs_a_unimodal_landscape(tmp_path, gt):
    # Ψ' grows with the number of conv-3x3 ops (index 3) and Θ is flat around μ = 1.5, so
    # the unique maximum is (3,)*6: 10 random archs almost never hold it, a climb always finds it
    theta = np.array([gt.lookup(a, DS, "params") for a in ARCHS], float)
    threes = np.array([a.count(3) for a in ARCHS], float)
    psi = (1 + threes) * 1e6 / np.exp(-(((theta - 1.5) / 1.5) ** 2))
    _study(tmp_path, gt, {0: psi, 1: psi})
    search = tmp_path / "search.json"
    search.write_text(json.dumps({"settings": {"init_per_seed": True, "mu": 1.5, "sigma": 1.5, "cycles": 60,
                                               "population_size": 10, "sample_size": 3, "mutation_times": 4,
                                               "crossover_prob": 0.5}, "rows": []}))
    out = tmp_path / "r.md"
    full.main(["--runs", str(tmp_path), "--dataset", DS, "--mus", "1.5", "--search", str(search),
               "--simulate-cycles", "0", "60", "--simulate-seeds", "4", "--out", str(out)])
    rows = {line.split(" | ")[1]: line.split(" | ") for line in out.read_text().splitlines()
            if line.startswith("| 10 | ")}
    assert rows["0"][2] == rows["60"][2] == "8"   # 4 seeds x 2 draws
    assert rows["0"][3] == "10" and rows["0"][4] == "0%"
    top = ARCHS.index((3,) * 6)
    test = gt.lookup(ARCHS[top], DS, "test_acc_ImageNet16-120_200ep")
    assert rows["60"][4:7] == ["100%", "1.0", f"{test:.2f} ± 0.00 |"]
