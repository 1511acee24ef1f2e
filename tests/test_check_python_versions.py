"""swap_plugin.tools.python_versions (scripts/check_python_versions.py): resume from kept
per-interpreter records, report rows."""
import json
import re

from swap_plugin.tools import python_versions as cpv


def test_resumes_from_kept_records_without_touching_venvs(tmp_path):
    pythons = ["/opt/py/3.13/bin/python", "/opt/py/3.10/bin/python"]
    recs = [
        {"python": "3.13.0", "torch": "2.14.1", "numpy": "2.5.5", "scipy": "1.18.1", "pandas": "3.1.1",
         "returncode": 0, "summary": "239 passed, 29 skipped, 14 warnings in 149.83s",
         "counts": {"passed": 239, "skipped": 29}, "seconds": 150.0},
        {"python": "3.10.13", "torch": "2.14.1", "numpy": "2.2.6", "scipy": "1.15.3", "pandas": "2.3.3",
         "returncode": 1, "summary": "230 passed, 2 failed, 1 error, 29 skipped in 140s",
         "counts": {"passed": 230, "failed": 2, "error": 1, "skipped": 29}, "seconds": 140.0},
    ]
    for py, rec in zip(pythons, recs):
        tag = re.sub(r"[^A-Za-z0-9.]+", "_", py)
        (tmp_path / f"{tag}.json").write_text(json.dumps(rec))
    out = tmp_path / "report.md"
    rc = cpv.run(pythons, tmp_path, "torch==2.14.1", "/no/data", out)
    assert rc == 1  # one interpreter failed
    assert not [p for p in tmp_path.iterdir() if p.is_dir()]  # nothing was (re)built
    rows = [l for l in out.read_text().splitlines() if l.startswith("| 3.")]
    assert rows[0].startswith("| 3.10.13 |") and rows[1].startswith("| 3.13.0 |")  # by version
    assert rows[0].split("|")[6:10] == [" 230 ", " 29 ", " 3 ", " 1 "]
    assert "--python /opt/py/3.13/bin/python /opt/py/3.10/bin/python" in out.read_text()
