"""Input batches from real CIFAR-10 test images (the 64 embedded in the package, and the
data directory's files where there is one) and from files in real formats."""
import hashlib
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from swap_plugin.data import EMBEDDED, MEAN_STD, describe_input, load_batch, read_images

C10 = EMBEDDED["cifar10"]  # 64 real CIFAR-10 test images shipped with the package
ROOT = Path(__file__).resolve().parents[1]


def test_npz_batch_is_seeded_and_normalised():
    raw = np.load(C10)["images"]
    x = load_batch("cifar10", 8, source=C10, seed=3)
    idx = np.random.default_rng(3).choice(64, size=8, replace=False)
    mean, std = MEAN_STD["cifar10"]
    expect = (torch.from_numpy(raw[idx]).permute(0, 3, 1, 2).float() / 255 - torch.tensor(mean).view(1, 3, 1, 1)) \
        / torch.tensor(std).view(1, 3, 1, 1)
    assert x.shape == (8, 3, 32, 32) and x.dtype == torch.float32
    assert torch.allclose(x, expect)
    assert torch.equal(x, load_batch("cifar10", 8, source=C10, seed=3))
    assert not torch.equal(x, load_batch("cifar10", 8, source=C10, seed=4))


@pytest.mark.needs_data
def test_default_sources_and_sizes():
    assert load_batch("cifar10", 32).shape == (32, 3, 32, 32)  # the 1,000-image JPEG set
    assert load_batch("ImageNet16-120", 16).shape == (16, 3, 16, 16)
    assert load_batch("imagenet", 4, size=64).shape == (4, 3, 64, 64)
    assert load_batch("c100", 4).shape == (4, 3, 32, 32)  # alias


def test_resize_keeps_constant_images_constant():
    x = load_batch("cifar10", 2, source=C10, size=3, normalize=False)
    assert x.shape == (2, 3, 3, 3) and 0 <= float(x.min()) and float(x.max()) <= 1


def test_errors_say_what_to_do(tmp_path):
    with pytest.raises(ValueError, match="only 64"):
        load_batch("cifar10", 65, source=C10)
    with pytest.raises(ValueError, match="unknown dataset"):
        load_batch("mnist", 2)
    with pytest.raises(FileNotFoundError, match="not found"):
        load_batch("cifar10", 2, source=tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    np.savez(bad, images=np.zeros((3, 8, 8), np.float32))
    with pytest.raises(ValueError, match="uint8"):
        load_batch("cifar10", 2, source=bad)


def test_cifar_pickles_in_the_release_format(tmp_path):
    raw = np.load(C10)["images"]
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    with open(folder / "test_batch", "wb") as fh:
        pickle.dump({"data": raw.transpose(0, 3, 1, 2).reshape(64, -1), "labels": list(range(64))}, fh)
    assert np.array_equal(read_images("cifar10", source=tmp_path), raw)
    assert torch.equal(load_batch("cifar10", 5, source=tmp_path, seed=1), load_batch("cifar10", 5, source=C10, seed=1))


def test_imagenet16_pickles_keep_first_120_classes(tmp_path):
    imgs = np.arange(4 * 3 * 16 * 16, dtype=np.int64).reshape(4, -1) % 251
    with open(tmp_path / "val_data", "wb") as fh:
        pickle.dump({"data": imgs.astype(np.uint8), "labels": [1, 500, 120, 121]}, fh)
    out = read_images("ImageNet16-120", source=tmp_path)
    assert out.shape == (2, 16, 16, 3)
    assert np.array_equal(out[1], imgs[2].astype(np.uint8).reshape(3, 16, 16).transpose(1, 2, 0))


def test_image_folder(tmp_path):
    from PIL import Image
    raw = np.load(C10)["images"]
    for i in range(4):
        (tmp_path / f"c{i % 2}").mkdir(exist_ok=True)
        Image.fromarray(raw[i]).save(tmp_path / f"c{i % 2}" / f"{i}.png")
    out = read_images("cifar10", source=tmp_path)
    assert out.shape == (4, 32, 32, 3)
    assert np.array_equal(out[0], raw[0])  # lossless PNG round trip, sorted order c0/0, c0/2, ...


def test_fixed_batch_loader_draws_one_seeded_batch_of_a_shuffling_loader():
    from swap_plugin.data import fixed_batch_loader

    x = load_batch("cifar10", 40, seed=0)
    labels = torch.arange(40)
    shuffling = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, labels), batch_size=32, shuffle=True)
    # a training loader reshuffles: two iterations give other images
    assert not torch.equal(next(iter(shuffling))[1], next(iter(shuffling))[1])
    state = torch.get_rng_state()
    a = fixed_batch_loader(shuffling, 16, seed=3)
    assert torch.equal(torch.get_rng_state(), state)  # the caller's RNG is left alone
    xa, ya = next(iter(a))
    assert xa.shape == (16, 3, 32, 32) and len(a) == 1
    # every iteration yields the same images, with their own labels
    xa2, ya2 = next(iter(a))
    assert torch.equal(xa, xa2) and torch.equal(ya, ya2) and torch.equal(xa, x[ya])
    # the same seed draws the same batch, another seed (almost surely) another one
    assert torch.equal(next(iter(fixed_batch_loader(shuffling, 16, seed=3)))[1], ya)
    assert not torch.equal(next(iter(fixed_batch_loader(shuffling, 16, seed=4)))[1], ya)
    with pytest.raises(ValueError, match="raise its batch size"):
        fixed_batch_loader(shuffling, 33)
    with pytest.raises(ValueError, match="at least one image"):
        fixed_batch_loader(shuffling, 0)


def test_embedded_images_are_64_class_balanced_cifar10_test_images_under_1mb():
    assert C10.stat().st_size < 1_000_000
    with np.load(C10) as z:
        images, labels, names = z["images"], z["labels"], list(z["class_names"])
    assert images.dtype == np.uint8 and images.shape == (64, 32, 32, 3)
    assert names[:3] == ["airplane", "automobile", "bird"] and len(names) == 10
    # rank-major, class-minor: 7 of classes 0-3, 6 of classes 4-9
    assert labels.tolist() == [i % 10 for i in range(64)]
    assert np.bincount(labels).tolist() == [7, 7, 7, 7, 6, 6, 6, 6, 6, 6]
    note = (C10.parent / "README.txt").read_text()
    assert hashlib.sha256(C10.read_bytes()).hexdigest() in note  # the note describes this very file
    assert "Licence" in note and "sha256" in note and "cifar10_test_1000_jpeg.npz" in note
    # the shipped bytes are what every build installs (package_data)
    assert "default_images/*.npz" in (ROOT / "setup.py").read_text()


@pytest.mark.needs_data
def test_make_default_images_rewrites_identical_bytes_from_its_source(tmp_path, script_main, capsys):
    """The shipped file is exactly what scripts/make_default_images.py writes from the
    source its note names (the first 64 rows of the 1,000-image JPEG set)."""
    from swap_plugin.paths import data_file

    src = data_file("images", "cifar10_test_1000_jpeg.npz")
    make = script_main("make_default_images")
    assert make(["--source", str(src), "--out", str(tmp_path)]) == 0
    for name in ("cifar10_test_64.npz", "README.txt"):
        assert (tmp_path / name).read_bytes() == (C10.parent / name).read_bytes(), name
    with np.load(src) as z:
        assert np.array_equal(np.load(C10)["images"], z["images"][:64])
    # a second run leaves the files as they are and says so
    capsys.readouterr()
    assert make(["--source", str(src), "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("unchanged") == 2


def test_make_default_images_reads_the_official_release_and_balances_classes(tmp_path):
    """From a cifar-10-batches-py/test_batch (the official format, here holding the embedded
    images in another order) the script picks, per rank, one image of each class."""
    from swap_plugin.tools import default_images as mk
    with np.load(C10) as z:
        raw, labels = z["images"], z["labels"]
    order = np.random.default_rng(0).permutation(64)
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    with open(folder / "test_batch", "wb") as fh:
        pickle.dump({"data": raw[order].transpose(0, 3, 1, 2).reshape(64, -1),
                     "labels": labels[order].tolist()}, fh)
    rows = mk.select(labels[order], count=60)
    assert [int(labels[order][r]) for r in rows] == [i % 10 for i in range(60)]
    for c in range(10):  # within a class, source order is kept
        mine = [r for r in rows if labels[order][r] == c]
        assert mine == sorted(mine)
    with pytest.raises(ValueError, match="only 6 images of class 4"):
        mk.select(labels[order], count=64 + 10)
    data, note = mk.build(tmp_path)
    assert "official CIFAR-10 python release" in note and "test_batch" in note
    out = tmp_path / "out.npz"
    out.write_bytes(data)
    with np.load(out) as z:
        assert np.array_equal(z["images"], raw[order][z["source_row"]])
        assert z["labels"].tolist() == [i % 10 for i in range(64)]
    assert mk.build(tmp_path)[0] == data  # deterministic bytes
    # an existing, different file is never replaced silently
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "README.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="--force"):
        mk.make(tmp_path, out=tmp_path / "o")
    assert (tmp_path / "o" / "README.txt").read_text() == "mine"
    assert not (tmp_path / "o" / "cifar10_test_64.npz").exists()  # checked before anything is written


def test_without_a_data_directory_cifar10_falls_back_to_the_embedded_images(no_data_env):
    cwd, env = no_data_env
    code = """
import json
from swap_plugin.data import describe_input, load_batch
out = {"line": describe_input("cifar10", 8), "x": load_batch("cifar10", 8, seed=2).tolist()}
for ds in ("cifar100", "ImageNet16-120", "imagenet"):
    try:
        load_batch(ds, 2)
    except FileNotFoundError as err:
        out[ds] = str(err)
print(json.dumps(out))
"""
    r = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    import json

    out = json.loads(r.stdout)
    assert out["line"].startswith("input: 8 of 64 embedded CIFAR-10 test images (swap_plugin/data/default_images/"
                                  "cifar10_test_64.npz")
    assert torch.equal(torch.tensor(out["x"]), load_batch("cifar10", 8, seed=2, source=C10))
    for ds, fname, where in (("cifar100", "images/cifar100_test_first20_foolbox.npz", "foolbox"),
                             ("ImageNet16-120", "images/imagenet16_120_standin_120.npz", "stand-in"),
                             ("imagenet", "images/imagenet16_120_standin_120.npz", "image folder")):
        for part in (f"missing data file {fname}", "no data directory was found", where, "SWAP_DATA_DIR",
                     "--data", "source="):
            assert part in out[ds], (ds, part)


def test_describe_input_names_the_file_that_is_read(tmp_path):
    assert describe_input("cifar10", 5, source=C10) == f"input: 5 of 64 images of {C10}"
    folder = tmp_path / "imgs"
    folder.mkdir()
    from PIL import Image
    for i in range(3):
        Image.fromarray(np.load(C10)["images"][i]).save(folder / f"{i}.png")
    assert describe_input("cifar10", 2, source=folder) == f"input: 2 of 3 images of {folder}"


@pytest.mark.needs_data
def test_with_a_data_directory_the_default_files_are_unchanged(data_root):
    x = load_batch("cifar10", 16, seed=0)
    src = data_root / "images" / "cifar10_test_1000_jpeg.npz"
    assert torch.equal(x, load_batch("cifar10", 16, seed=0, source=src))
    assert describe_input("cifar10", 16).startswith(f"input: 16 of 1000 cifar10 images of {src}")
    how = "SWAP_DATA_DIR" if os.environ.get("SWAP_DATA_DIR") else "the shared/data found beside the checkout"
    stand_in = data_root / "images" / "imagenet16_120_standin_120.npz"
    assert describe_input("imagenet", 4) == f"input: 4 of 120 imagenet images of {stand_in}:images32 ({how})"


def test_a_file_that_is_not_an_npz_gets_a_clear_error(tmp_path, monkeypatch):
    from swap_plugin.train.datasets import read_npz

    cases = {"text.npz": b"airplane,automobile\n1,2\n", "empty.npz": b"",
             "cut.npz": C10.read_bytes()[:50_000], "noise.npz": bytes(range(128, 256))}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
    np.save(tmp_path / "single.npy", np.zeros((2, 4, 4, 3), np.uint8))
    (tmp_path / "single.npy").rename(tmp_path / "single.npz")
    expect = {"text.npz": "it is a text file", "empty.npz": "the file is empty", "cut.npz": "a damaged archive",
              "noise.npz": "not an .npz (zip) archive", "single.npz": "single .npy array"}
    for name, why in expect.items():
        with pytest.raises(ValueError) as err:
            load_batch("cifar10", 2, source=tmp_path / name)
        msg = str(err.value)
        assert str(tmp_path / name) in msg and why in msg and "allow_pickle" not in msg
        assert "not a valid .npz of uint8 images (N, H, W, 3)" in msg and "numpy.savez" in msg
        with pytest.raises(ValueError) as err:  # the training reader (images and labels) says the same
            read_npz(tmp_path / name)
        msg = str(err.value)
        assert str(tmp_path / name) in msg and why in msg and "allow_pickle" not in msg
        assert "not a valid .npz of uint8 images (N, H, W, 3) and integer labels" in msg


def test_download_without_torchvision_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torchvision", None)  # as on an install without it
    with pytest.raises(ImportError, match=r"download=True needs torchvision \(pip install"):
        read_images("cifar10", source=tmp_path, download=True)

