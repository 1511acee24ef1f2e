"""What every test shares: one thread, and one rule for tests that need the data directory.

A test that reads benchmark tables (or images other than the package's embedded CIFAR-10
test images) is marked ``@pytest.mark.needs_data`` (or asks for the ``data_root`` /
``nb201_gt`` fixtures): without a data directory (``SWAP_DATA_DIR``, or ``shared/data``
beside the checkout, found by :func:`swap_plugin.paths.data_dir`) it is skipped with
:data:`NO_DATA`; with one it runs, and a missing file there is a failure, not a skip.
"""
import pytest
import torch

from swap_plugin.paths import data_dir

# Tiny test networks are 20-60x slower with 2 intra-op threads on a busy 2-core machine;
# one thread keeps the suite fast and its timings stable.
torch.set_num_threads(1)

NO_DATA = ("needs the benchmark data directory (SWAP_DATA_DIR, or shared/data beside the "
           "checkout), and none was found")


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_data: reads the data directory's benchmark tables or "
                                       "images; skipped when there is no data directory")


def pytest_collection_modifyitems(config, items):
    if data_dir(required=False) is not None:
        return
    skip = pytest.mark.skip(reason=NO_DATA)
    for item in items:
        if "needs_data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def data_root():
    """The data directory; skips the test when there is none."""
    root = data_dir(required=False)
    if root is None:
        pytest.skip(NO_DATA)
    return root


@pytest.fixture(scope="session")
def nb201_gt(data_root):
    """The NB201 table of the data directory (all 15,625 archs)."""
    from swap_plugin.benchmarks import get_ground_truth

    return get_ground_truth("nb201")


@pytest.fixture(scope="session")
def no_data_env(tmp_path_factory):
    """``(cwd, env)`` for a subprocess that sees this checkout's package but no data
    directory: ``swap_plugin`` and ``configs`` copied to a fresh folder with no shared/data beside it,
    ``SWAP_DATA_DIR`` removed — a pip user's first run, also on a machine that has data."""
    import os
    import shutil
    from pathlib import Path

    root = tmp_path_factory.mktemp("nodata") / "checkout"
    for part in ("swap_plugin", "configs"):
        shutil.copytree(Path(__file__).resolve().parents[1] / part, root / part,
                        ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "SWAP_DATA_DIR"}
    env["PYTHONPATH"] = str(root)
    assert not (root.parent / "shared").exists() and not (root / "shared").exists()
    return root, env


@pytest.fixture(scope="session")
def script_main():
    """``script_main(name)``: the ``main`` of ``scripts/<name>.py``, run from its file as
    Python runs a script (runpy; sys.path is not touched, the package is this checkout's)."""
    import runpy
    from pathlib import Path

    scripts = Path(__file__).resolve().parents[1] / "scripts"
    return lambda name: runpy.run_path(str(scripts / f"{name}.py"), run_name=f"scripts.{name}")["main"]
