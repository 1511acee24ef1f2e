"""What a correlation study runs: one dataclass, loadable from configs/*.yaml."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import yaml

OUR_PROXIES = ("swap", "reg_swap", "reg_swap_auto", "params", "flops", "activation_patterns",
               "swap_ensemble")


@dataclass
class StudyConfig:
    space: str = "nb201"
    dataset: str = "cifar10"           # benchmark dataset / TransNAS task
    proxies: List[str] = field(default_factory=lambda: ["swap", "reg_swap"])
    n: Union[int, str] = 1000          # archs per seed, or "all" (all when the table has fewer)
    seeds: List[int] = field(default_factory=lambda: [0])
    out: str = "run"
    metric: str = "val_accuracy"       # ground-truth metric correlated against
    gt_source: Optional[str] = None    # ground-truth source name or file (default per space)
    # scoring
    samples: int = 32                  # S images
    images: Optional[str] = None       # dataset whose images are fed (default: dataset)
    image_source: Optional[str] = None  # .npz / folder / root (default: SWAP_DATA_DIR)
    input_size: Optional[int] = None   # resize images to this many pixels per side
    repeats: int = 1
    init: Optional[str] = None         # None or "gaussian"
    mode: str = "train"                # BatchNorm with batch statistics, as the paper
    mu: Union[float, str] = "auto"     # number (size_unit), "auto" or "paper"
    sigma: Union[float, str] = "auto"
    mu_quantile: float = 0.99
    formula: str = "paper"
    size_unit: str = "M"
    build: Dict[str, Any] = field(default_factory=dict)  # space.build keyword arguments
    workers: int = 1
    device: str = "cpu"

    @classmethod
    def from_yaml(cls, path, **overrides) -> "StudyConfig":
        data = yaml.safe_load(Path(path).read_text()) or {}
        return cls.from_dict({**data, **{k: v for k, v in overrides.items() if v is not None}})

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "StudyConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown study option(s) {sorted(unknown)}; valid: {sorted(known)}")
        cfg = cls(**data)
        cfg.validate()
        return cfg

    def validate(self) -> None:
        if self.n != "all" and (isinstance(self.n, bool) or not isinstance(self.n, int) or self.n < 2):
            raise ValueError("n must be an integer >= 2 (a correlation needs two archs) or 'all', "
                             f"got {self.n!r}")
        if not self.seeds:
            raise ValueError("give at least one seed")
        if self.workers < 1:
            raise ValueError("workers must be >= 1")

    def scoring_key(self) -> Dict[str, Any]:
        """Options that change a per-arch record: a resumed run must match them."""
        keys = ("space", "dataset", "samples", "images", "image_source", "input_size",
                "repeats", "init", "mode", "build")
        key = {k: getattr(self, k) for k in keys}
        if "swap_ensemble" in self.proxies:  # its other members are computed per arch
            from ..proxies import ENSEMBLE_MEMBERS

            key["ensemble_members"] = list(ENSEMBLE_MEMBERS)
        return key

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


def parse_seeds(text: Union[str, List[int], int]) -> List[int]:
    """"0-4" → [0..4]; "0,3,7" → [0, 3, 7]; lists and ints pass through."""
    if isinstance(text, int):
        return [text]
    if isinstance(text, list):
        return [int(t) for t in text]
    out: List[int] = []
    for part in str(text).split(","):
        if "-" in part.strip()[1:]:
            a, b = part.split("-", 1)
            out.extend(range(int(a), int(b) + 1))
        elif part.strip():
            out.append(int(part))
    return out
