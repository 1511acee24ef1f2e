"""scripts/explore_search_plateau.py: the pieces that need no scoring."""
import json

import numpy as np
import pytest
from script_loader import load_script

plateau = load_script("explore_search_plateau")


def test_top_of_cache_ranks_seed0_reg_swap_and_skips_other_draws(tmp_path):
    cache = tmp_path / "c.jsonl"
    lines = [{"dataset": "cifar10", "arch": [2] * 6, "swap": 100.0, "params": 1.5, "seconds": 0.1},
             {"dataset": "cifar10", "arch": [1] * 6, "swap": 120.0, "params": 3.0, "seconds": 0.1},  # far from μ
             {"dataset": "cifar10", "arch": [3] * 6, "swap": 90.0, "params": 1.5, "seconds": 0.1},
             {"dataset": "cifar10", "arch": [4] * 6, "swap": 999.0, "params": 1.5, "seconds": 0.1, "init_seed": 3},
             {"dataset": "cifar100", "arch": [0] * 6, "swap": 999.0, "params": 1.5, "seconds": 0.1}]
    cache.write_text("\n".join(json.dumps(x) for x in lines) + '\n{"dataset": "cif')
    # reg_swap = Ψ·exp(-((Θ-1.5)/1.5)²): 100, 120·e^-1 ≈ 44.1, 90
    assert plateau.top_of_cache(cache, "cifar10", 3, 1.5, 1.5) == [(2,) * 6, (3,) * 6, (1,) * 6]
    with pytest.raises(SystemExit, match="fewer than --top 4"):
        plateau.top_of_cache(cache, "cifar10", 4, 1.5, 1.5)


def test_winners_of_means_uses_disjoint_blocks():
    scores = np.array([[5, 0, 5, 0, 1, 1],
                       [0, 4, 0, 4, 9, 0]], dtype=float)
    assert plateau.winners_of_means(scores, 1) == [0, 1, 0, 1, 1, 0]
    assert plateau.winners_of_means(scores, 2) == [0, 0, 1]   # means (2.5, 2), (2.5, 2), (1, 4.5)
    assert plateau.winners_of_means(scores, 4) == [0]         # the last 2 draws do not fill a block
