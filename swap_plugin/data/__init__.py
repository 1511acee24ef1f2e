"""Input batches: real images, seeded selection, each dataset's normalisation."""
from .batches import DEFAULT_FILES, load_batch, read_images
from .normalisation import MEAN_STD, NATIVE_SIZE, canonical

__all__ = ["DEFAULT_FILES", "MEAN_STD", "NATIVE_SIZE", "canonical", "load_batch", "read_images"]
