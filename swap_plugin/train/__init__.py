"""Train a found DARTS cell from scratch: the DARTS evaluation protocols (CIFAR-10:
600 epochs, C=36, 20 cells; ImageNet: 250 epochs, C=48, 14 cells), resumable.

>>> from swap_plugin.train import get_protocol
>>> p = get_protocol("cifar10")
>>> (p.epochs, p.batch_size, p.lr, p.channels, p.layers, p.cutout, p.drop_path)
(600, 96, 0.025, 36, 20, 16, 0.2)
"""
from .protocol import (DARTS_CIFAR, DARTS_IMAGENET, DEFAULT_PROTOCOL, PDARTS_IMAGENET, PROTOCOLS,
                       TrainProtocol, get_protocol)


def __getattr__(name):  # the loop imports torch.utils.data / tqdm: load it on first use
    if name in ("TrainConfig", "run_training"):
        from . import loop

        return getattr(loop, name)
    raise AttributeError(name)


__all__ = ["TrainProtocol", "PROTOCOLS", "DEFAULT_PROTOCOL", "DARTS_CIFAR", "DARTS_IMAGENET",
           "PDARTS_IMAGENET", "get_protocol", "TrainConfig", "run_training"]
