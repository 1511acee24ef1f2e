"""Bad values: each error names the flag (or keyword) and says what is accepted."""
import json
import math

import pytest
import torch
import torch.nn as nn

from swap_plugin.cli import build_parser, main
from swap_plugin.metric import NoActivationError, SwapScorer, regulariser, swap_score
from swap_plugin.studies import parse_seeds

ARCH = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"
TRAIN = ["train", "--genotype", "DARTS_V2", "--data", "nowhere"]


def parse_error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    assert exc.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize("text, says", [
    ("abc", "argument --seeds: 'abc' is not a seed or a range of seeds: give a range such as 0-4, "
            "a list such as 0,3,7, or both (0-2,7) (seeds are integers >= 0)"),
    ("3-1", "argument --seeds: '3-1' is a descending range: write the lower seed first (1-3)"),
    ("0,,2", "argument --seeds: '0,,2' has an empty entry: give a range such as 0-4"),
    ("-1", "argument --seeds: '-1' is not a seed or a range of seeds"),
    ("0-2,1", "argument --seeds: seed(s) [1] given twice in '0-2,1': give each seed once"),
])
def test_seeds_errors_name_the_flag_and_the_forms(text, says, capsys):
    assert says in parse_error(["correlate", "--space", "nb201", "--seeds", text], capsys)


def test_seeds_forms():
    assert parse_seeds("0-4") == [0, 1, 2, 3, 4]
    assert parse_seeds("0,3,7") == [0, 3, 7]
    assert parse_seeds(" 0-2, 7 ") == [0, 1, 2, 7]
    assert parse_seeds([2, 5]) == [2, 5] and parse_seeds(4) == [4]
    assert build_parser().parse_args(["correlate", "--space", "nb201", "--seeds", "2-4"]).seeds == [2, 3, 4]


@pytest.mark.parametrize("argv, says", [
    (["correlate", "--space", "nb201", "--samples", "0"],
     "argument --samples: must be an integer >= 1 (S, images per batch), got '0'"),
    (["search", "--samples", "0"], "argument --samples: must be an integer >= 1 (S, images per batch), got '0'"),
    (["score", "--samples", "0"], "argument --samples: must be an integer >= 1 (S, images per batch), got '0'"),
    (["score", "--samples", "many"], "argument --samples: must be an integer >= 1 (S, images per batch), got 'many'"),
    (["score", "--n", "0"], "argument --n: must be an integer >= 1 (S, images per batch), got '0'"),
    (["score", "--mu", "nan", "--sigma", "1"], "argument --mu: must be a finite number (μ in --size-unit), got 'nan'"),
    (["score", "--mu", "1", "--sigma", "0"], "argument --sigma: must be a finite number > 0 (σ in --size-unit), got '0'"),
    (["score", "--mu", "1", "--sigma", "inf"], "argument --sigma: must be a finite number > 0"),
    (["score", "--repeats", "0"], "argument --repeats: must be an integer >= 1 (scorings averaged), got '0'"),
    (["score", "--image-size", "-3"], "argument --image-size: must be an integer >= 1 (pixels per side)"),
    (["score", "--seed", "-1"], "argument --seed: must be an integer >= 0 (a random seed), got '-1'"),
    (["correlate", "--space", "nb201", "--mu", "nan"],
     "argument --mu: must be a finite number (μ in --size-unit) or 'auto' or 'paper', got 'nan'"),
    (["correlate", "--space", "nb201", "--sigma", "0"],
     "argument --sigma: must be a finite number > 0 (σ in --size-unit) or 'auto' or 'paper', got '0'"),
    (["correlate", "--space", "nb201", "--workers", "0"], "argument --workers: must be an integer >= 1, got '0'"),
    (["correlate", "--space", "nb201", "--repeats", "0"], "argument --repeats: must be an integer >= 1"),
    (["correlate", "--space", "nb201", "--input-size", "0"], "argument --input-size: must be an integer >= 1"),
    (["correlate", "--space", "nb201", "--n", "1"], "argument --n: must be a number of archs >= 2"),
    (["search", "--mu", "nan"], "argument --mu: must be a finite number (μ in --size-unit), got 'nan'"),
    (["search", "--sigma", "-1"], "argument --sigma: must be a finite number > 0 (σ in --size-unit), got '-1'"),
    (["search", "--crossover-prob", "1.5"],
     "argument --crossover-prob: must be a finite number >= 0 and <= 1 (a probability), got '1.5'"),
    (["search", "--population", "1"], "argument --population: must be an integer >= 2 (archs kept), got '1'"),
    (["search", "--cycles", "-1"], "argument --cycles: must be an integer >= 0, got '-1'"),
    (["search", "--repeats", "0"], "argument --repeats: must be an integer >= 1"),
    (["search", "--threads", "0"], "argument --threads: must be an integer >= 1"),
    (TRAIN + ["--drop-path", "1"], "argument --drop-path: must be a finite number >= 0 and < 1 (a probability), got '1'"),
    (TRAIN + ["--lr", "0"], "argument --lr: must be a finite number > 0, got '0'"),
    (TRAIN + ["--epochs", "0"], "argument --epochs: must be an integer >= 1, got '0'"),
    (TRAIN + ["--num-classes", "1"], "argument --num-classes: must be an integer >= 2 (classes), got '1'"),
    (["heatmap", "--runs", "r", "--vmin", "nan"], "argument --vmin: must be a finite number, got 'nan'"),
])
def test_numeric_flags_out_of_range_name_the_flag(argv, says, capsys):
    assert says in parse_error(argv, capsys)


def test_search_sample_size_above_population_names_both_flags(capsys):
    assert main(["search", "--population", "4", "--sample-size", "5", "--cycles", "0"]) == 2
    assert "--sample-size 5 is larger than --population 4" in capsys.readouterr().err


def test_mu_sigma_api_errors_name_the_keyword():
    x = torch.randn(2, 3, 4, 4)
    with pytest.raises(ValueError, match=r"^mu=nan: μ must be a finite number"):
        SwapScorer(x, mu=math.nan, sigma=1.0)
    with pytest.raises(ValueError, match=r"^sigma=nan: σ must be a finite number > 0"):
        SwapScorer(x, mu=1.0, sigma=math.nan)
    with pytest.raises(ValueError, match=r"^mu=inf"):
        regulariser(1.0, math.inf, 1.0)
    with pytest.raises(ValueError, match=r"^theta \(the parameter count Θ\) must be a finite number, got nan"):
        regulariser(math.nan, 1.0, 1.0)
    assert regulariser(1.0, 1.0, 2.0) == 1.0


def test_include_smooth_hint_only_where_it_helps():
    x = torch.randn(4, 3, 5, 5)
    gelu = nn.Sequential(nn.Conv2d(3, 2, 1), nn.GELU())
    with pytest.raises(NoActivationError) as err:
        swap_score(gelu, x)
    assert str(err.value).endswith("it has GELU modules: pass include_smooth=True to hook them (pre-activation sign)")
    assert err.value.message("--include-smooth").endswith("pass --include-smooth to hook them (pre-activation sign)")
    assert 1 <= swap_score(gelu, x, include_smooth=True) <= 2 * 25  # hooked: 2 channels x 25 positions
    with pytest.raises(NoActivationError) as err:  # already passed: nothing to suggest
        swap_score(nn.Sequential(nn.Conv2d(3, 2, 1)), x, include_smooth=True)
    assert "include_smooth" not in str(err.value) and "no ReLU-family or smooth (GELU/SiLU/...) activation" in str(err.value)
    with pytest.raises(NoActivationError) as err:  # no smooth module: the option would not help
        swap_score(nn.Sequential(nn.Conv2d(3, 2, 1)), x)
    assert "include_smooth" not in str(err.value)


def test_cli_include_smooth_flag_and_hint(tmp_path, capsys, monkeypatch):
    (tmp_path / "smoothnets.py").write_text(
        "import torch.nn as nn\n"
        "def net():\n    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.SiLU())\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    x = tmp_path / "x.npz"
    import numpy as np

    np.savez(x, images=np.random.default_rng(0).integers(0, 256, (8, 6, 6, 3), dtype=np.uint8))
    base = ["score", "--model", "smoothnets:net", "--samples", "4", "--data", str(x)]
    assert main(base) == 2
    err = capsys.readouterr().err
    assert "it has SiLU modules: pass --include-smooth to hook them" in err and "include_smooth=True" not in err
    assert main(base + ["--include-smooth", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    from swap_plugin.data import load_batch
    import smoothnets

    torch.manual_seed(0)
    ref = SwapScorer(load_batch("cifar10", 4, source=str(x), seed=0), mode="train",
                     include_smooth=True).score(smoothnets.net())
    assert out["swap"] == ref.swap and out["units"] == 4 * 4 * 4


def test_score_arch_and_model_kwargs_rules(capsys):
    assert main(["score", "--space", "nb201", "--arch", ""]) == 2
    assert "--arch is empty: give an architecture of nb201 in its string form, or leave --arch out" \
        in capsys.readouterr().err
    assert main(["score", "--space", "nb201", "--arch", "  "]) == 2
    assert "--arch is empty" in capsys.readouterr().err
    assert main(["score", "--space", "nb201", "--model-kwargs", '{"D": 3}']) == 2
    assert "--model-kwargs ['D']: with --space nb201 these are the network's build arguments, and it takes " \
           "C, N, num_classes" in capsys.readouterr().err
    assert main(["score", "--space", "nb201", "--model-kwargs", "[1]"]) == 2
    assert "--model-kwargs must be a JSON object" in capsys.readouterr().err
    assert main(["score", "--space", "nb201", "--model", "torch.nn:ReLU"]) == 2
    assert "give either --model (your own network) or --space (a benchmark arch), not both" in capsys.readouterr().err
    assert main(["score", "--model", "torch.nn:ReLU", "--arch", ARCH]) == 2
    assert "--arch belongs to --space" in capsys.readouterr().err
    assert main(["score", "--model", "torch.nn:Conv2d", "--model-kwargs", '{"channels": 3}']) == 2
    assert "--model torch.nn:Conv2d with --model-kwargs {\"channels\": 3}:" in capsys.readouterr().err


def test_score_model_kwargs_with_space_build_that_network(capsys, tmp_path):
    import numpy as np

    from swap_plugin.data import load_batch
    from swap_plugin.spaces import get_space

    x = tmp_path / "x.npz"
    np.savez(x, images=np.random.default_rng(1).integers(0, 256, (8, 8, 8, 3), dtype=np.uint8))
    assert main(["score", "--space", "nb201", "--arch", ARCH, "--model-kwargs", '{"C": 4, "N": 1}',
                 "--samples", "8", "--data", str(x), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    space = get_space("nb201")
    torch.manual_seed(0)
    net = space.build(space.from_str(ARCH), "cifar10", C=4, N=1)
    ref = SwapScorer(load_batch("cifar10", 8, source=str(x), seed=0), mode="train").score(net)
    assert out["swap"] == ref.swap and out["params"] == ref.params and out["units"] == ref.units
    assert out["model"] == f"nb201 {ARCH} {{\"C\": 4, \"N\": 1}}"
    full = space.build(space.from_str(ARCH), "cifar10")
    assert sum(p.numel() for p in net.parameters()) < sum(p.numel() for p in full.parameters())


def test_score_n_is_a_deprecated_alias_of_samples(capsys, tmp_path):
    import numpy as np

    x = tmp_path / "x.npz"
    np.savez(x, images=np.random.default_rng(2).integers(0, 256, (8, 8, 8, 3), dtype=np.uint8))
    common = ["score", "--space", "nb201", "--arch", ARCH, "--model-kwargs", '{"C": 4, "N": 1}', "--data", str(x),
              "--json"]
    assert main(common + ["--samples", "6"]) == 0
    new = capsys.readouterr()
    assert main(common + ["--n", "6"]) == 0
    old = capsys.readouterr()
    assert json.loads(old.out) == {**json.loads(new.out), "seconds": json.loads(old.out)["seconds"]}
    assert json.loads(old.out)["samples"] == 6
    assert "warning: --n is deprecated and will be removed; use --samples" in old.err and "deprecated" not in new.err
    assert build_parser().parse_args(["score"]).samples == 32


def _slow_enough_net():
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Conv2d(4, 4, 3), nn.ReLU())


def test_progress_bar_over_repeats(capsys, monkeypatch):
    import swap_plugin.metric.scorer as scorer_mod

    x = torch.randn(6, 3, 8, 8)
    net = _slow_enough_net()
    ref = SwapScorer(x, repeats=3, init="gaussian", progress=False).score(net)
    assert capsys.readouterr().err == ""
    r = SwapScorer(x, repeats=3, init="gaussian", progress=True).score(net)
    assert "SWAP repeats" in capsys.readouterr().err and r.per_repeat == ref.per_repeat
    r = SwapScorer(x, repeats=3, init="gaussian", progress=True, batch_repeats=False).score(net)
    assert "SWAP repeats" in capsys.readouterr().err and r.per_repeat == ref.per_repeat
    # default: a bar only for calls with repeats that run past the delay (quick ones print nothing)
    SwapScorer(x, repeats=3, init="gaussian").score(net)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(scorer_mod, "PROGRESS_DELAY_S", 0.0)
    SwapScorer(x, repeats=3, init="gaussian").score(net)
    assert "SWAP repeats" in capsys.readouterr().err
    SwapScorer(x).score(net)  # one repeat: never a bar by default
    assert capsys.readouterr().err == ""
    with pytest.raises(ValueError, match="progress must be None"):
        SwapScorer(x, progress="yes")


@pytest.mark.parametrize("content, says", [
    ("", "is empty; it should hold a Genotype(...) line"),
    ("garbage here\n", "cannot parse a DARTS arch from 'garbage here'"),
    ('{"normal": ', "not valid JSON"),
])
def test_genotype_file_errors_name_the_file(tmp_path, content, says):
    from swap_plugin.train.genotype import load_genotype

    path = tmp_path / ("geno.json" if content.startswith("{") else "geno.txt")
    path.write_text(content)
    with pytest.raises(ValueError) as err:
        load_genotype(str(path))
    assert f"--genotype {path}" in str(err.value) and says in str(err.value)


def test_empty_study_config_is_an_error_not_the_defaults(tmp_path, capsys):
    cfg = tmp_path / "empty.yaml"
    cfg.write_text("")
    assert main(["correlate", "--space", "nb201", "--config", str(cfg), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert f"study config {cfg} is empty" in err
    assert not (tmp_path / "r").exists()
