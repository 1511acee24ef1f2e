"""A search space defined outside swap_plugin: all a new space needs is this one file.

Archs are ``(depth, width)``: ``depth`` 3x3 convolutions with ReLU, ``width`` channels
each, then a linear classifier; the string form is ``d<depth>w<width>``. The file also
registers a made-up benchmark table for it (the accuracy below), so a correlation study
runs on it: ``swap-nas --plugin tests/plugins/toy_space.py correlate --space toy ...``.
tests/test_plugins.py scores, correlates and searches it.
"""
import itertools
import re
from pathlib import Path

import numpy as np
import torch.nn as nn

from swap_plugin.benchmarks import RecordGroundTruth, register_source
from swap_plugin.spaces import SearchSpace, register_space

DEPTHS = (1, 2, 3)
WIDTHS = (2, 4, 8, 16)


@register_space("toy")
class ToySpace(SearchSpace):
    """Conv chains of 1-3 layers of 2-16 channels (12 archs)."""

    datasets = ("cifar10",)
    aliases = ("toy_chain",)
    label = "Toy"

    def __iter__(self):
        return iter(itertools.product(DEPTHS, WIDTHS))

    def sample(self, rng):
        return int(rng.choice(DEPTHS)), int(rng.choice(WIDTHS))

    def mutate(self, arch, rng):
        """Change the depth or the width."""
        near = [a for a in self if a != arch and (a[0] == arch[0] or a[1] == arch[1])]
        return near[int(rng.integers(len(near)))]

    def crossover(self, a, b, rng):
        return (a[0], b[1]) if rng.random() < 0.5 else (b[0], a[1])

    def build(self, arch, dataset="cifar10"):
        depth, width = self.decode(arch)
        layers, c = [], 3
        for _ in range(depth):
            layers += [nn.Conv2d(c, width, 3, padding=1), nn.ReLU()]
            c = width
        return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(width, 10))

    def decode_value(self, value):
        arch = super().decode_value(value)
        if arch not in set(self):
            raise ValueError(f"a toy arch is (depth in {DEPTHS}, width in {WIDTHS}), got {value!r}")
        return arch

    def to_str(self, arch):
        return "d{}w{}".format(*self.decode(arch))

    def from_str(self, text):
        m = re.fullmatch(r"d(\d+)w(\d+)", text.strip())
        if not m:
            raise ValueError(f"a toy arch string is d<depth>w<width>, e.g. d2w8, got {text!r}")
        return self.decode_value((int(m[1]), int(m[2])))


def accuracy(arch) -> float:
    """The made-up benchmark accuracy: wider and deeper is better."""
    depth, width = arch
    return round(50 + 8 * np.log2(width) + 4 * depth - 0.5 * depth * np.log2(width), 3)


def _table(path, space):
    data = {a: {"val_accuracy": accuracy(a)} for a in ToySpace()}
    return RecordGroundTruth(space, "table", path, datasets=ToySpace.datasets, data={"cifar10": data})


register_source("table", _table, ["toy"], finder=lambda space: Path(__file__), default_for=["toy"],
                description="the toy space's made-up accuracies (computed)")
