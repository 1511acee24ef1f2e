#!/usr/bin/env python
"""Write the package's embedded default input: 64 real CIFAR-10 test images, class-balanced,
byte-for-byte reproducible, with a README.txt stating source, sha256 and licence
(swap_plugin.tools.default_images).

    python scripts/make_default_images.py                       # from SWAP_DATA_DIR
    python scripts/make_default_images.py --source ~/data        # ~/data/cifar-10-batches-py
    python scripts/make_default_images.py --download ~/data      # needs torchvision + internet
"""
import argparse
import sys
from pathlib import Path

from swap_plugin.tools import default_images as di


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--source", help="CIFAR-10 test set: a CIFAR root, its cifar-10-batches-py folder or an .npz "
                     "(default: images/cifar10_test_1000_jpeg.npz under SWAP_DATA_DIR)")
    src.add_argument("--download", metavar="ROOT", help="fetch the official release into ROOT with torchvision")
    ap.add_argument("--out", default=str(di.OUT_DIR), help="output folder (default swap_plugin/data/default_images)")
    ap.add_argument("--force", action="store_true", help="replace existing files that differ")
    args = ap.parse_args(argv)
    try:
        done = di.make(Path(args.source) if args.source else None, args.download, Path(args.out), args.force)
    except (ValueError, ImportError, FileExistsError) as err:
        raise SystemExit(f"make_default_images: error: {err}")
    for status, path in done:
        print(f"{status:<9} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
