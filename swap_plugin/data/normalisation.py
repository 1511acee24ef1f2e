"""Per-dataset channel mean/std (the values NB201 / the official SWAP code use)."""
from .names import canonical_dataset

MEAN_STD = {
    "cifar10": ((0.49139968, 0.48215827, 0.44653124), (0.24703233, 0.24348505, 0.26158768)),
    "cifar100": ((0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762)),
    "ImageNet16-120": ((0.481098, 0.45749, 0.407882), (0.247922, 0.240235, 0.255255)),
    "imagenet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
}
NATIVE_SIZE = {"cifar10": 32, "cifar100": 32, "ImageNet16-120": 16, "imagenet": 224}


def canonical(dataset: str) -> str:
    """:func:`~swap_plugin.data.canonical_dataset` of an image dataset this module has a
    normalisation for; a ValueError otherwise."""
    name = canonical_dataset(dataset, strict=False)
    if name not in MEAN_STD:
        raise ValueError(f"unknown dataset {dataset!r}; use one of {sorted(MEAN_STD)} "
                         "or pass mean/std explicitly")
    return name
