"""scripts/device_check.sh (the one command a GPU session runs) works, here on the CPU in
its QUICK mode, so it is known good before a session is lent a GPU."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from swap_plugin.paths import data_dir

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.needs_data
def test_device_check_runs_its_three_steps_on_cpu(tmp_path):
    env = {**os.environ, "DEVICE": "cpu", "QUICK": "1", "OUT": str(tmp_path), "PYTHON": sys.executable,
           "SWAP_DATA_DIR": str(data_dir())}
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "device_check.sh")], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = (tmp_path / "pytest_cpu.log").read_text()
    assert " passed" in log and "failed" not in log
    bench = (tmp_path / "bench_scoring_cpu.md").read_text()
    assert "All scores identical to the naive reference" in bench and "## (b)" in bench
    corr = (tmp_path / "bench_correlate_cpu.md").read_text()
    rows = [line for line in corr.splitlines() if line.startswith("| 1 |")]
    assert len(rows) == 1 and -1 <= float(rows[0].split("|")[4]) <= 1
