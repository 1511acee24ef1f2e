"""Input batches: real images, seeded selection, each dataset's normalisation."""
from .batches import DEFAULT_FILES, load_batch, read_images
from .loaders import fixed_batch_loader, one_batch_loader
from .normalisation import MEAN_STD, NATIVE_SIZE, canonical

__all__ = ["DEFAULT_FILES", "MEAN_STD", "NATIVE_SIZE", "canonical", "fixed_batch_loader", "load_batch", "one_batch_loader",
           "read_images"]
