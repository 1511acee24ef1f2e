"""Study configs: one set of files for every install, every study space has one, the one
used is printed and stored."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from swap_plugin.spaces import list_spaces
from swap_plugin.studies import StudyConfig, config_path, study_config
from swap_plugin.studies.config import NO_STUDY, config_dir

ROOT = Path(__file__).resolve().parent.parent

# what an install's copy of swap_plugin reports: its configs and every space's settings
DUMP = r"""
import hashlib, importlib.resources, json
import swap_plugin
from swap_plugin.spaces import list_spaces
from swap_plugin.studies.config import config_dir, study_config

base = config_dir()
try:  # a checkout run in place, not installed, has no importable swap_plugin.configs
    resources = str(importlib.resources.files("swap_plugin.configs"))
except ModuleNotFoundError:
    resources = None
out = {"package": swap_plugin.__file__, "config_dir": str(base), "resources": resources,
       "files": {str(p.relative_to(base)): hashlib.sha256(p.read_bytes()).hexdigest()
                 for p in sorted(base.rglob("*.yaml"))},
       "spaces": {}}
for space in list_spaces():
    try:
        cfg = study_config(space).as_dict()
        cfg["config_file"] = str(__import__("pathlib").Path(cfg["config_file"]).relative_to(base))
        out["spaces"][space] = cfg
    except FileNotFoundError as err:
        out["spaces"][space] = "error: " + str(err)
print(json.dumps(out))
"""


def _dump(python: str, env: dict, cwd: Path) -> dict:
    r = subprocess.run([python, "-c", DUMP], capture_output=True, text=True, env=env, cwd=cwd)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _source_copy(dest: Path) -> Path:
    """The files a build reads, copied, so building writes nothing into the checkout."""
    dest.mkdir()
    for name in ("setup.py", "setup.cfg", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "swap_plugin", dest / "swap_plugin", ignore=skip)
    shutil.copytree(ROOT / "configs", dest / "configs", ignore=skip)
    return dest


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return {**env, "PYTHONNOUSERSITE": "1"}


def test_every_study_space_has_its_config_and_darts_is_an_explicit_error():
    configs = {p.stem: yaml.safe_load(p.read_text()) for p in config_dir().glob("*.yaml")}
    for space in list_spaces():
        if space in NO_STUDY:
            assert not (config_dir() / f"{space}.yaml").exists()
            with pytest.raises(FileNotFoundError, match=rf"configs/{space}\.yaml.*nb301.*darts_swap.*--config"):
                study_config(space)
        else:
            cfg = study_config(space)
            assert cfg.space == space and cfg.config_file == str(config_path(space))
            assert configs[space]["space"] == space
    # every config file is a study of a registered space (nb101_benchmark_net: of nb101)
    assert {c["space"] for c in configs.values()} <= set(list_spaces())
    assert set(configs) >= set(list_spaces()) - set(NO_STUDY)


def test_study_config_errors_name_the_file_or_the_option(tmp_path):
    with pytest.raises(ValueError, match="unknown space 'nb202'"):
        study_config("nb202")
    with pytest.raises(FileNotFoundError, match="study config .*nope.yaml does not exist"):
        study_config("nb201", tmp_path / "nope.yaml")
    with pytest.raises(ValueError, match=r"nb101\.yaml is a study of space 'nb101', not 'nb201'"):
        study_config("nb201", config_path("nb101"))
    bad = tmp_path / "bad.yaml"
    for text, says in (("space: nb201\nsamples: 0\n", r": samples \(S, images per batch\) must be an integer >= 1, got 0"),
                       ("space: nb201\nsigma: .nan\nmu: 1\n", r": sigma must be a finite number > 0"),
                       ("- nb201\n", r" must be a mapping of study options"),
                       ("space: [nb201\n", r" is not valid YAML")):
        bad.write_text(text)
        with pytest.raises(ValueError, match=r"bad\.yaml" + says):
            study_config("nb201", bad)
    with pytest.raises(ValueError, match=r"seeds \[1, 1\] name a seed twice"):
        StudyConfig.from_dict({"seeds": [1, 1]})
    with pytest.raises(ValueError, match="seeds: give at least one seed"):
        StudyConfig.from_dict({"seeds": []})
    # flags override the file; the file is recorded
    cfg = study_config("nb201", samples=8, seeds=[3])
    assert (cfg.samples, cfg.seeds, cfg.build) == (8, [3], {"C": 16, "N": 5})
    assert cfg.config_file == str(config_dir() / "nb201.yaml")


def test_wheel_installed_elsewhere_reads_the_same_configs_as_the_checkout(tmp_path):
    """A non-editable install (wheel into a fresh folder, run from outside the checkout)
    finds the packaged configs and gives every space the checkout's settings."""
    src = _source_copy(tmp_path / "src")
    wheels, fresh, elsewhere = tmp_path / "wheels", tmp_path / "fresh", tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _clean_env()
    for step in (["wheel", "--no-build-isolation", "-w", str(wheels), str(src)],
                 ["install", "--target", str(fresh), "WHEEL"]):
        step = [str(next(wheels.glob("swap_plugin-*.whl"))) if a == "WHEEL" else a for a in step]
        r = subprocess.run([sys.executable, "-m", "pip", step[0], "-q", "--no-deps", *step[1:]], capture_output=True,
                           text=True, env=env, cwd=elsewhere)
        assert r.returncode == 0, f"pip {step[0]}: {r.stderr}"
    installed = _dump(sys.executable, {**env, "PYTHONPATH": str(fresh)}, elsewhere)
    checkout = _dump(sys.executable, {**env, "PYTHONPATH": str(ROOT)}, elsewhere)

    assert installed["package"] == str(fresh / "swap_plugin" / "__init__.py")
    assert installed["config_dir"] == installed["resources"] == str(fresh / "swap_plugin" / "configs")
    assert checkout["config_dir"] == str(ROOT / "configs")
    assert installed["files"] == checkout["files"] and "naslib/zc_swap_nb201.yaml" in installed["files"]
    assert installed["spaces"] == checkout["spaces"]
    assert installed["spaces"]["nb201"]["samples"] == yaml.safe_load((ROOT / "configs/nb201.yaml").read_text())["samples"]
    assert installed["spaces"]["darts"].startswith("error: space 'darts' has no study config")


def test_editable_install_maps_the_same_configs(tmp_path):
    """pip install -e (PEP 660): importlib.resources finds the top-level configs/ folder."""
    src = _source_copy(tmp_path / "src")
    venv, elsewhere = tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _clean_env()
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
                   check=True, capture_output=True)
    python = str(venv / "bin" / "python")
    r = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", str(src)],
                       capture_output=True, text=True, env=env, cwd=elsewhere)
    if r.returncode != 0:
        pytest.skip(f"pip cannot make an editable install here: {r.stderr.strip()[-300:]}")
    editable = _dump(python, env, elsewhere)
    assert editable["package"] == str(src / "swap_plugin" / "__init__.py")
    assert editable["resources"] == editable["config_dir"] == str(src / "configs")
    checkout = _dump(sys.executable, {**env, "PYTHONPATH": str(ROOT)}, elsewhere)
    assert editable["files"] == checkout["files"] and editable["spaces"] == checkout["spaces"]


def test_correlate_prints_and_stores_the_config_it_used(tmp_path, capsys, nb201_gt):
    from swap_plugin.cli import main

    out = tmp_path / "run"
    assert main(["correlate", "--space", "nb201", "--n", "3", "--seeds", "1", "--samples", "4", "--input-size", "8",
                 "--proxies", "swap", "params", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    path = config_path("nb201")
    assert printed.startswith(f"config    {path} (overridden by --proxies, --n, --seeds, --out, --samples, "
                              "--input-size)\nsettings  space=\"nb201\"")
    assert 'samples=4' in printed and 'build={"C": 16, "N": 5}' in printed and 'mu="paper"' in printed
    for proxy in ("swap", "params"):
        conf, _ = json.loads((out / "correlation/nb201/cifar10" / proxy / "1/scores.json").read_text())
        assert conf["config_file"] == str(path) and conf["predictor"] == proxy
        assert {k: conf[k] for k in ("samples", "seeds", "n", "build", "mode", "mu")} == \
            {"samples": 4, "seeds": [1], "n": 3, "build": {"C": 16, "N": 5}, "mode": "train", "mu": "paper"}
