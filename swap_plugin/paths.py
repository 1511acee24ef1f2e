"""Where the real benchmark data lives (never copied into this repository).

``SWAP_DATA_DIR`` wins; otherwise the first existing ``shared/data`` beside the
current directory or beside this checkout (the layout of the development machines).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

ENV_VAR = "SWAP_DATA_DIR"


def data_dir(required: bool = True) -> Optional[Path]:
    """The root holding ``nb201/``, ``images/``, ... (see ../shared/data/README.md)."""
    env = os.environ.get(ENV_VAR)
    if env:
        p = Path(env).expanduser()
        if not p.is_dir():
            raise FileNotFoundError(f"{ENV_VAR}={env!r} is not a directory")
        return p
    repo = Path(__file__).resolve().parent.parent
    for cand in (Path.cwd() / ".." / "shared" / "data", repo.parent / "shared" / "data",
                 Path.cwd() / "shared" / "data"):
        if cand.is_dir():
            return cand.resolve()
    if required:
        raise FileNotFoundError(
            "benchmark data not found: set SWAP_DATA_DIR to the folder holding nb201/, "
            "nb101/, images/ ... (see ../shared/data/README.md), or pass an explicit path"
        )
    return None


def data_file(*parts: str) -> Path:
    """A file under :func:`data_dir`, with a clear error when it is missing."""
    p = data_dir().joinpath(*parts)
    if not p.exists():
        raise FileNotFoundError(f"missing data file {p}; check {ENV_VAR} or pass a path")
    return p
