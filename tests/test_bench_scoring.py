"""scripts/bench_scoring.py's bootstrap interval of the summed overhead over archs."""
import pytest

from swap_plugin.tools import bench_scoring as bench


def _row(fwd, ours):  # (arch, forward s, scorer s, ...) as bench_nb201 returns them
    return ("arch", fwd, ours)


def test_identical_archs_give_a_zero_width_interval():
    rows = [_row(0.05, 0.055)] * 7
    lo, hi = bench.bootstrap_total(rows, seed=0)
    assert lo == pytest.approx(1.1) and hi == pytest.approx(1.1)


def test_interval_spans_the_archs_and_holds_the_plain_total():
    rows = [_row(0.1, 0.1), _row(0.1, 0.12), _row(0.05, 0.06), _row(0.2, 0.21)]
    total = sum(r[2] for r in rows) / sum(r[1] for r in rows)
    lo, hi = bench.bootstrap_total(rows, seed=0)
    # every resample's total is a weighted mean of the per-arch ratios 1.0 ... 1.2
    assert 1.0 <= lo < total < hi <= 1.2
    assert bench.bootstrap_total(rows, seed=0) == (lo, hi)  # seeded: reproducible
