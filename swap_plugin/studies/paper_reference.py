"""The reference numbers of the paper, the official code and the anchors, read from
``paper_reference.yaml`` (package data) — the one place they are written down."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

PATH = Path(__file__).with_name("paper_reference.yaml")


@functools.lru_cache(maxsize=1)
def load() -> dict:
    """The whole file as a dict (read once)."""
    return yaml.safe_load(PATH.read_text(encoding="utf-8"))


def fig4_reg_swap(space: str, dataset: str) -> Optional[Tuple[float, float]]:
    """The paper's Fig. 4 Spearman of Ψ' as (low, high) (equal for one value); None where
    the paper gives none."""
    value = load()["paper"]["fig4_reg_swap_spearman"].get(space, {}).get(dataset)
    if value is None:
        return None
    lo, hi = (value, value) if isinstance(value, (int, float)) else value
    return float(lo), float(hi)


def fig4_reg_swap_text(space: str, dataset: str) -> Optional[str]:
    """:func:`fig4_reg_swap` as a report cell: ``"0.87-0.90"`` or ``"0.75"``."""
    ref = fig4_reg_swap(space, dataset)
    if ref is None:
        return None
    return f"{ref[0]:.2f}" if ref[0] == ref[1] else f"{ref[0]:.2f}-{ref[1]:.2f}"


def mu_sigma_grids_m() -> Dict[str, List[float]]:
    """Tables 4-6: ``{space: μ (= σ) values in millions}``."""
    return {k: list(v) for k, v in load()["paper"]["mu_sigma_grid_M"].items()}


def search_nb201_targets() -> Dict[str, float]:
    """Mean test accuracy (%) the NB201 search should reach, per dataset."""
    return dict(load()["search_nb201_targets"])


def official_darts_spearman() -> float:
    return float(load()["official_code"]["darts_correlation_spearman"])


def anchor(name: str) -> dict:
    """One anchor method's entry (e.g. ``"az_nas"``: its citation and figures)."""
    anchors = load()["anchors"]
    if name not in anchors:
        raise KeyError(f"no anchor {name!r} in {PATH}; it has {', '.join(sorted(anchors))}")
    return anchors[name]
