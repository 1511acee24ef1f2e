"""Algorithm 1: determinism, elitism, resume; the standalone search end to end."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from swap_plugin.data import EMBEDDED
from swap_plugin.search import Evolution, EvolutionConfig
from swap_plugin.spaces import get_space

NB201 = get_space("nb201")


def size(arch):
    """A data-free fitness: the arch's closed-form NB201 parameter count (few ties)."""
    return NB201.num_params(arch, "cifar10")


@pytest.fixture(scope="module")
def truth(nb201_gt):
    """Fitness = the arch's real NB201 CIFAR-10 accuracy (needs the data directory)."""
    return lambda arch: nb201_gt.lookup(arch, "cifar10")


CFG = EvolutionConfig(population_size=10, cycles=30, sample_size=4, mutation_times=3, crossover_prob=0.5)


def test_same_seed_same_search_and_elitism(truth):
    a = Evolution(NB201, truth, CFG, seed=1)
    mins, bests = [], []

    def watch(e):
        fits = [f for _, f in e.population]
        assert len(fits) == CFG.population_size
        mins.append(min(fits))
        bests.append(max(fits))

    best = a.run(watch)
    b = Evolution(NB201, truth, CFG, seed=1).run()
    assert best == b
    # elitism: the worst member leaves each cycle, so neither the worst nor the best drops
    assert all(x <= y for x, y in zip(mins, mins[1:]))
    assert all(x <= y for x, y in zip(bests, bests[1:]))
    assert a.evaluations <= CFG.population_size + CFG.cycles * (CFG.mutation_times + 2)
    # evolution on true accuracy beats the initial random population's best
    assert best[1] >= bests[0]


def test_resume_from_checkpoint_equals_uninterrupted(tmp_path):
    full = Evolution(NB201, size, CFG, seed=3)
    full.run()
    part = Evolution(NB201, size, CFG, seed=3)
    part.initialise()
    for _ in range(12):
        part.step()
    part.save(tmp_path / "ckpt.json")
    resumed = Evolution(NB201, size, CFG, seed=3)
    assert resumed.load(tmp_path / "ckpt.json") and resumed.cycle == 12
    resumed.run()
    assert json.loads(json.dumps(resumed.state_dict())) == json.loads(json.dumps(full.state_dict()))
    other = Evolution(NB201, size, EvolutionConfig(population_size=5), seed=3)
    with pytest.raises(ValueError, match="other evolution settings"):
        other.load(tmp_path / "ckpt.json")


def test_crossover_always_and_bad_config():
    e = Evolution(NB201, size, EvolutionConfig(population_size=6, cycles=5, sample_size=6,
                                               mutation_times=1, crossover_prob=1.0), seed=0)
    e.run()
    assert e.cycle == 5
    for bad in (dict(population_size=1), dict(sample_size=30), dict(crossover_prob=2.0),
                dict(mutation_times=0)):
        with pytest.raises(ValueError):
            EvolutionConfig(**bad).validate()


SEARCH = [sys.executable, "-m", "swap_plugin.cli", "search", "--quiet", "--population", "6",
          "--cycles", "14", "--samples", "8", "--repeats", "1", "--seed", "5"]


def test_search_cli_killed_and_resumed_equals_uninterrupted(tmp_path):
    ref = tmp_path / "ref"
    subprocess.run(SEARCH + ["--out", str(ref)], check=True, capture_output=True)
    killed = tmp_path / "killed"
    proc = subprocess.Popen(SEARCH + ["--out", str(killed)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    ckpt = killed / "checkpoint.json"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if json.loads(ckpt.read_text())["cycle"] >= 3:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (killed / "result.json").exists()
    subprocess.run(SEARCH + ["--out", str(killed)], check=True, capture_output=True)
    a = json.loads((ref / "result.json").read_text())
    b = json.loads((killed / "result.json").read_text())
    for k in ("arch", "fitness_reg_swap", "genotype", "evaluations", "eval_params_M"):
        assert a[k] == b[k], k
    space = get_space("darts")
    arch = space.from_str(a["genotype"])
    assert tuple(map(tuple, map(lambda c: map(tuple, c), a["arch"]))) == arch
    assert a["eval_params_M"] == pytest.approx(space.num_params(arch, "cifar10"))
    assert arch[0] == arch[1]  # default: one searched cell used as normal and reduce


def test_search_refuses_to_mix_settings(tmp_path):
    subprocess.run(SEARCH + ["--out", str(tmp_path), "--cycles", "1"], check=True, capture_output=True)
    r = subprocess.run(SEARCH + ["--out", str(tmp_path), "--cycles", "2", "--mu", "0.9"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "other settings" in r.stderr


def test_search_names_mu_when_the_default_sigma_is_not_positive(tmp_path):
    r = subprocess.run(SEARCH + ["--out", str(tmp_path), "--cycles", "1", "--mu", "-1"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "σ defaults to μ, and --mu -1.0 is not > 0" in r.stderr
    assert not (tmp_path / "result.json").exists()


def test_imagenet_search_uses_its_units_and_eval_size(tmp_path):
    cmd = [sys.executable, "-m", "swap_plugin.cli", "search", "--quiet", "--dataset", "imagenet", "--population", "3",
           "--sample-size", "2", "--mutation-times", "1", "--cycles", "1", "--samples", "8", "--repeats", "1",
           "--out", str(tmp_path), "--data", str(EMBEDDED["cifar10"])]  # any real images serve here
    subprocess.run(cmd, check=True, capture_output=True)
    r = json.loads((tmp_path / "result.json").read_text())
    assert r["mu"] == r["sigma"] == 25.0 and r["size_unit"] == "K"
    space = get_space("darts")
    arch = space.from_str(r["genotype"])
    assert r["eval_params_M"] == pytest.approx(space.num_params(arch, "imagenet"))
    # the 1000-class scoring network holds 25-27.5 thousand parameters, as in the paper
    from swap_plugin.metric import count_parameters
    k = count_parameters(space.build_scoring_network(arch, num_classes=1000), unit="K")
    assert 25.0 < k < 27.7


def test_scoring_network_is_configurable(tmp_path):
    cmd = SEARCH[:4] + ["--quiet", "--population", "3", "--sample-size", "2", "--mutation-times", "1",
                        "--cycles", "1", "--samples", "8", "--repeats", "1", "--scoring-channels", "4",
                        "--scoring-cells", "2", "--image-size", "16", "--out", str(tmp_path)]
    subprocess.run(cmd, check=True, capture_output=True)
    settings = json.loads((tmp_path / "settings.json").read_text())
    assert settings["scoring_net"] == {"C": 4, "layers": 2} and settings["input_size"] == 16


def test_search_without_a_data_directory_runs_on_the_embedded_images_and_says_so(no_data_env, tmp_path):
    cwd, env = no_data_env
    cmd = [sys.executable, "-m", "swap_plugin.cli", "search", "--cycles", "2", "--population", "4",
           "--sample-size", "2", "--mutation-times", "1", "--samples", "8", "--repeats", "1",
           "--out", str(tmp_path / "run")]
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    line = ("input: 8 of 64 embedded CIFAR-10 test images (swap_plugin/data/default_images/cifar10_test_64.npz; "
            "no data directory: SWAP_DATA_DIR unset, no shared/data found)")
    assert r.stdout.count("input: ") == 1 and line in r.stdout.splitlines()
    result = json.loads((tmp_path / "run" / "result.json").read_text())
    assert result["input"] == line and result["cycles"] == 2
    # the same search pointed at the embedded file by hand finds the same arch
    subprocess.run(cmd[:-1] + [str(tmp_path / "by_hand"), "--quiet", "--data", str(EMBEDDED["cifar10"])],
                   check=True, capture_output=True)
    by_hand = json.loads((tmp_path / "by_hand" / "result.json").read_text())
    assert by_hand["genotype"] == result["genotype"] and by_hand["fitness_reg_swap"] == result["fitness_reg_swap"]
    assert by_hand["input"] == f"input: 8 of 64 images of {EMBEDDED['cifar10']}"
