"""swap-nas score end to end, and its errors."""
import json
import os
import subprocess
import sys
from pathlib import Path

import torch

from swap_plugin.cli import main
from swap_plugin.data import EMBEDDED, describe_input, load_batch
from swap_plugin.metric import SwapScorer
from swap_plugin.spaces import get_space

CLI = [sys.executable, "-m", "swap_plugin.cli"]
# the runs below with cwd elsewhere still run this checkout's swap_plugin
ROOT = Path(__file__).resolve().parent.parent
HERE = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
ARCH = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|"


def test_score_space_arch_json_matches_library():
    r = subprocess.run(CLI + ["score", "--space", "nb201", "--arch", ARCH, "--samples", "8", "--image-size", "8",
                              "--mu", "1.5", "--sigma", "1.5", "--json"], capture_output=True, text=True, check=True)
    out = json.loads(r.stdout)
    space = get_space("nb201")
    torch.manual_seed(0)
    net = space.build(space.from_str(ARCH), "cifar10")
    x = load_batch("cifar10", 8, seed=0, size=8)
    ref = SwapScorer(x, mode="train", mu=1.5, sigma=1.5).score(net)
    assert out["swap"] == ref.swap and out["reg_swap"] == ref.reg_swap
    assert out["params"] == ref.params and out["samples"] == 8 and out["size_unit"] == "M"



def test_model_module_in_the_current_folder_without_it_on_sys_path(tmp_path, monkeypatch, capsys):
    """The console script (unlike python -m) does not put the current folder on sys.path;
    --model still finds a module or package there, and sys.path is left as it was."""
    (tmp_path / "cwdnets").mkdir()
    (tmp_path / "cwdnets" / "__init__.py").write_text("")
    (tmp_path / "cwdnets" / "convs.py").write_text(
        "import torch.nn as nn\ndef net(c=4):\n    return nn.Sequential(nn.Conv2d(3, c, 3), nn.ReLU())\n")
    monkeypatch.chdir(tmp_path)
    before = list(sys.path)
    assert str(tmp_path) not in before
    try:
        assert main(["score", "--model", "cwdnets.convs:net", "--model-kwargs", '{"c": 2}', "--samples", "4"]) == 0
    finally:
        for name in ("cwdnets", "cwdnets.convs"):
            sys.modules.pop(name, None)
    assert "(56 parameters" in capsys.readouterr().out and sys.path == before

def test_score_model_callable_and_errors(tmp_path):
    (tmp_path / "mynets.py").write_text(
        "import torch.nn as nn\n"
        "def net(c=4):\n    return nn.Sequential(nn.Conv2d(3, c, 3), nn.ReLU())\n"
        "def linear():\n    return nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 2))\n")
    ok = subprocess.run(CLI + ["score", "--model", "mynets:net", "--model-kwargs", '{"c": 2}', "--samples", "4"],
                        capture_output=True, text=True, cwd=tmp_path, env=HERE)
    assert ok.returncode == 0 and "swap Ψ" in ok.stdout and "(56 parameters" in ok.stdout
    bad = subprocess.run(CLI + ["score", "--model", "mynets:linear", "--samples", "4"], capture_output=True, text=True,
                         cwd=tmp_path, env=HERE)
    assert bad.returncode == 2 and "no ReLU-family activation" in bad.stderr
    missing = subprocess.run(CLI + ["score", "--model", "nowhere:net"], capture_output=True, text=True, cwd=tmp_path, env=HERE)
    assert missing.returncode != 0 and "cannot import" in missing.stderr
    sigma = subprocess.run(CLI + ["score", "--model", "mynets:net", "--mu", "1", "--sigma", "0", "--samples", "4"],
                           capture_output=True, text=True, cwd=tmp_path, env=HERE)
    assert sigma.returncode == 2 and "argument --sigma: must be a finite number > 0" in sigma.stderr
    shape = subprocess.run(CLI + ["score", "--model", "torch.nn:Linear", "--model-kwargs",
                                  '{"in_features": 3, "out_features": 2}', "--samples", "4"],
                           capture_output=True, text=True, cwd=tmp_path, env=HERE)
    assert shape.returncode == 2 and "forward pass failed on the input batch of shape (4, 3, 32, 32)" \
        in shape.stderr and "Traceback" not in shape.stderr
    kwargs = subprocess.run(CLI + ["score", "--model", "mynets:net", "--model-kwargs", "{c: 2}"],
                            capture_output=True, text=True, cwd=tmp_path, env=HERE)
    assert kwargs.returncode != 0 and "--model-kwargs must be a JSON object" in kwargs.stderr


def test_score_precision_float64_matches_library():
    r = subprocess.run(CLI + ["score", "--space", "nb201", "--arch", ARCH, "--samples", "8", "--image-size", "8",
                              "--precision", "float64", "--json"], capture_output=True, text=True, check=True)
    space = get_space("nb201")
    torch.manual_seed(0)
    net = space.build(space.from_str(ARCH), "cifar10")
    x = load_batch("cifar10", 8, seed=0, size=8)
    assert json.loads(r.stdout)["swap"] == SwapScorer(x, mode="train", precision="float64").score(net).swap


def test_arch_parse_errors_name_forms_that_parse():
    """Each space's parse error quotes the accepted forms; every complete example parses."""
    import re

    import pytest

    for name in ("nb201", "nb101", "darts", "tnb101_micro", "tnb101_macro"):
        space = get_space(name)
        with pytest.raises(ValueError) as err:
            space.from_str("bogus")
        examples = [e for e in re.findall(r"'([^']+)'", str(err.value)) if e != "bogus" and "..." not in e]
        if name in ("nb201", "tnb101_micro", "tnb101_macro"):
            assert len(examples) >= 2, str(err.value)
        for e in examples:
            space.from_str(e)  # raises if an example in the message were wrong


def test_score_without_a_data_directory_uses_the_embedded_images_and_says_so(no_data_env):
    cwd, env = no_data_env
    r = subprocess.run(CLI + ["score", "--space", "nb201", "--arch", ARCH, "--samples", "8", "--image-size", "8"],
                       cwd=cwd, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stdout.splitlines() if line.startswith("input")]
    assert lines == ["input     8 of 64 embedded CIFAR-10 test images (swap_plugin/data/default_images/"
                     "cifar10_test_64.npz; no data directory: SWAP_DATA_DIR unset, no shared/data found)"]
    torch.manual_seed(0)
    space = get_space("nb201")
    net = space.build(space.from_str(ARCH), "cifar10")
    ref = SwapScorer(load_batch("cifar10", 8, seed=0, size=8, source=EMBEDDED["cifar10"]), mode="train").score(net)
    assert f"swap Ψ    {ref.swap:.2f}   (S=8 images" in r.stdout
    # other datasets have no embedded images: the error names the file, its origin and the flags
    c100 = subprocess.run(CLI + ["score", "--space", "nb201", "--arch", ARCH, "--dataset", "cifar100"],
                          cwd=cwd, env=env, capture_output=True, text=True)
    assert c100.returncode == 2 and "Traceback" not in c100.stderr
    for part in ("missing data file images/cifar100_test_first20_foolbox.npz", "no data directory was found",
                 "foolbox", "SWAP_DATA_DIR", "--data"):
        assert part in c100.stderr, part


def test_score_names_its_input_and_rejects_a_file_that_is_not_an_npz(tmp_path, capsys, monkeypatch):
    args = ["score", "--space", "nb201", "--arch", ARCH, "--samples", "4", "--image-size", "8"]
    assert main(args + ["--data", str(EMBEDDED["cifar10"])]) == 0
    assert f"input     4 of 64 images of {EMBEDDED['cifar10']}\n" in capsys.readouterr().out
    assert main(args + ["--json"]) == 0
    assert json.loads(capsys.readouterr().out)["input"] == describe_input("cifar10", 4)
    (tmp_path / "labels.npz").write_text("0,1,2\n")
    assert main(args + ["--data", str(tmp_path / "labels.npz")]) == 2
    err = capsys.readouterr().err
    assert "allow_pickle" not in err and f"{tmp_path / 'labels.npz'} is not a valid .npz of uint8 images" in err
    monkeypatch.setenv("SWAP_DATA_DIR", str(tmp_path / "nowhere"))
    assert main(args) == 2
    assert f"SWAP_DATA_DIR={str(tmp_path / 'nowhere')!r} is not a directory" in capsys.readouterr().err
