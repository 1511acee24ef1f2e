"""The README's API example ("Score your own model") runs, with or without a data directory, and prints its
input and its results."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("where", ["checkout", "no data directory"])
def test_readme_api_example_prints_its_results(where, no_data_env):
    """In the checkout (the data directory's images, where there is one) and on a first run
    with no data directory (the embedded images); the first line names the input."""
    from swap_plugin.data import EMBEDDED, describe_input
    from swap_plugin.metric import count_parameters
    from swap_plugin.spaces import get_space

    text = (ROOT / "README.md").read_text()
    code = re.search(r"## Score your own model\n\n```python\n(.*?)```", text, re.S).group(1)
    assert "repeats=32" in code and code.count("print(") == 5
    # the same lines on fewer images and repeats, so the test is quick
    small = {'load_batch("cifar10", 32': 'load_batch("cifar10", 8', 'describe_input("cifar10", 32)':
             'describe_input("cifar10", 8)', "repeats=32": "repeats=2", '"cifar10")\n': '"cifar10", C=4, N=1)\n'}
    for old, new in small.items():
        assert code.count(old) == 1, old
        code = code.replace(old, new)
    cwd, env = (ROOT, None) if where == "checkout" else no_data_env
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env, check=True)
    lines = r.stdout.splitlines()
    if where == "checkout":
        assert lines[0] == describe_input("cifar10", 8)
    else:
        assert lines[0] == (f"input: 8 of 64 embedded CIFAR-10 test images ({EMBEDDED['cifar10'].relative_to(ROOT)}; "
                            "no data directory: SWAP_DATA_DIR unset, no shared/data found)")
    lines = lines[1:]
    assert [ln.split()[0] for ln in lines[:3]] == ["Ψ", "Ψ'", "|A|"] and len(lines) == 4
    psi, reg, a = (float(ln.split()[1]) for ln in lines[:3])
    assert 1 <= a <= 8 and 0 < reg <= psi <= 2 ** 8
    swap, reg_swap, params, units, seconds, unit = lines[3].split()
    net = get_space("nb201").build((2, 2, 2, 0, 2, 2), "cifar10", C=4, N=1)
    assert float(params) == count_parameters(net) and unit == "s" and 0 < float(reg_swap) <= float(swap) <= 2 ** 8
