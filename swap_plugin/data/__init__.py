"""Input batches: real images, seeded selection, each dataset's normalisation."""
from .batches import DEFAULT_FILES, EMBEDDED, ImageSource, describe_input, load_batch, read_images, resolve_source
from .loaders import fixed_batch_loader, one_batch_loader
from .names import DATASET_ALIASES, canonical_dataset
from .normalisation import MEAN_STD, NATIVE_SIZE, canonical

__all__ = ["DATASET_ALIASES", "DEFAULT_FILES", "EMBEDDED", "ImageSource", "MEAN_STD", "NATIVE_SIZE", "canonical", "canonical_dataset", "describe_input",
           "fixed_batch_loader", "load_batch", "one_batch_loader", "read_images", "resolve_source"]
