"""Parameter count Θ with an explicit unit."""
from __future__ import annotations

import torch.nn as nn

#: divisor for each size unit: "M" = millions (NASLib's "MB"), "K" = thousands
#: (the official SWAP code), "1" = raw count
SIZE_UNITS = {"M": 1e6, "K": 1e3, "1": 1.0}


def check_unit(unit: str) -> float:
    try:
        return SIZE_UNITS[unit]
    except KeyError:
        raise ValueError(
            f"unknown size unit {unit!r}; use 'M' (millions, as NASLib), "
            f"'K' (thousands, as the official SWAP code) or '1' (raw count)"
        ) from None


def count_parameters(model: nn.Module, unit: str = "M") -> float:
    """Θ: trainable parameters, excluding any whose name contains "auxiliary".

    >>> import torch.nn as nn
    >>> count_parameters(nn.Linear(10, 5), unit="1")
    55.0
    >>> count_parameters(nn.Linear(1000, 1000), unit="M")
    1.001
    """
    div = check_unit(unit)
    return parameter_total(model.named_modules()) / div


def parameter_total(named_modules) -> int:
    """Raw Θ from ``model.named_modules()`` pairs: the same count as summing
    ``named_parameters()`` (shared tensors once, names with "auxiliary" skipped), for a
    caller that already walked the modules (the scorer: saves a second traversal)."""
    seen, n = set(), 0
    for prefix, m in named_modules:
        for name, p in m._parameters.items():
            if p is None or id(p) in seen:
                continue
            seen.add(id(p))
            if "auxiliary" not in name and "auxiliary" not in prefix:
                n += p.numel()
    return n
