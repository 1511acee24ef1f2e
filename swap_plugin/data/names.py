"""Dataset names: the one place that turns what a user types into the canonical name.

Canonical names and the spellings accepted for them (case and surrounding blanks ignored):

* ``cifar10``  -- c10, cifar-10, cifar_10
* ``cifar100`` -- c100, cifar-100, cifar_100
* ``ImageNet16-120`` (NB201's 16x16 down-sampled ImageNet, 120 classes) -- in16,
  imagenet16, imagenet16-120, imagenet16_120
* ``imagenet`` (ImageNet-1k: the DARTS evaluation, its normalisation) -- imagenet1k,
  imagenet-1k, imagenet_1k, in1k

``imagenet`` always means ImageNet-1k. Older tables of this package also read it as
ImageNet16-120 where a benchmark has no ImageNet-1k (NB201): :func:`canonical_dataset`
given the datasets of such a benchmark (``among``) still does, with a FutureWarning that
says to write ``ImageNet16-120``. Other names (TransNAS-Bench tasks, a benchmark's own
splits) are not aliased here.
"""
from __future__ import annotations

import warnings
from typing import Iterable, Optional

IMAGENET16 = "ImageNet16-120"
IMAGENET1K = "imagenet"

#: canonical name -> the other spellings of it
DATASET_ALIASES = {
    "cifar10": ("c10", "cifar-10", "cifar_10"),
    "cifar100": ("c100", "cifar-100", "cifar_100"),
    IMAGENET16: ("in16", "imagenet16", "imagenet16-120", "imagenet16_120"),
    IMAGENET1K: ("imagenet1k", "imagenet-1k", "imagenet_1k", "in1k"),
}
_LOOKUP = {a.lower(): c for c, al in DATASET_ALIASES.items() for a in (c, *al)}


def canonical_dataset(name: str, among: Optional[Iterable[str]] = None, *, strict: bool = True) -> str:
    """The canonical name of dataset ``name``.

    ``among``: the datasets of the benchmark or space asking; ``imagenet`` among datasets
    that have ImageNet16-120 but no ImageNet-1k is read as ImageNet16-120 (deprecated, with
    a FutureWarning). A name that is no alias: returned as given unless ``strict``, then a
    ValueError listing the known names.

    >>> canonical_dataset("C10"), canonical_dataset("in16"), canonical_dataset("imagenet-1k")
    ('cifar10', 'ImageNet16-120', 'imagenet')
    """
    text = str(name).strip()
    found = _LOOKUP.get(text.lower())
    if found is None:
        if strict:
            raise ValueError(f"unknown dataset {name!r}; use one of {list(DATASET_ALIASES)} "
                             f"(also accepted: {', '.join(a for al in DATASET_ALIASES.values() for a in al)})")
        return text
    if found == IMAGENET1K and among is not None:
        have = set(among)
        if IMAGENET1K not in have and IMAGENET16 in have:
            warnings.warn(f"dataset {name!r} read as {IMAGENET16}, as before; 'imagenet' means ImageNet-1k and "
                          f"this reading is deprecated: write {IMAGENET16} (or in16)", FutureWarning, stacklevel=3)
            return IMAGENET16
    return found
