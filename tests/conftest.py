import pytest
import torch

# Tiny test networks are 20-60x slower with 2 intra-op threads on a busy 2-core machine;
# one thread keeps the suite fast and its timings stable.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def nb201_gt():
    """The NB201 table of SWAP_DATA_DIR (all 15,625 archs); skips when it is absent."""
    from swap_plugin.benchmarks import get_ground_truth

    try:
        return get_ground_truth("nb201")
    except Exception as e:  # noqa: BLE001
        pytest.skip(f"NB201 ground-truth table not available: {e}")
