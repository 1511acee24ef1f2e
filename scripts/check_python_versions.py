"""Run the test suite under several Python interpreters, each in its own venv, and write
results/python_versions.md (swap_plugin.tools.python_versions). Resumable: each
interpreter's record is kept in --venv-root.

    python scripts/check_python_versions.py \\
        --python ~/.pyenv/versions/3.10.13/bin/python ~/.pyenv/versions/3.13.0/bin/python
"""
import argparse
import sys

from swap_plugin.tools import python_versions as pv


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python", nargs="+", required=True, help="interpreters to test (paths)")
    ap.add_argument("--venv-root", default="/tmp/swap_plugin_venvs", help="where the venvs and per-interpreter JSONs live")
    ap.add_argument("--torch", default="torch==2.14.1",
                    help="torch requirement for the venvs (2.13.0 exists on this disk for 3.11 only)")
    ap.add_argument("--data-dir", default=pv.default_data_dir())
    ap.add_argument("--out", default="results/python_versions.md")
    a = ap.parse_args(argv)
    return pv.run(a.python, a.venv_root, a.torch, a.data_dir, a.out)


if __name__ == "__main__":
    sys.exit(main())
