"""Input batches from the real images in ../shared/data and from files in real formats."""
import pickle

import numpy as np
import pytest
import torch

from swap_plugin.data import MEAN_STD, load_batch, read_images
from swap_plugin.paths import data_file

C10 = data_file("images", "cifar10_test_first20_foolbox.npz")


def test_npz_batch_is_seeded_and_normalised():
    raw = np.load(C10)["images"]
    x = load_batch("cifar10", 8, source=C10, seed=3)
    idx = np.random.default_rng(3).choice(20, size=8, replace=False)
    mean, std = MEAN_STD["cifar10"]
    expect = (torch.from_numpy(raw[idx]).permute(0, 3, 1, 2).float() / 255 - torch.tensor(mean).view(1, 3, 1, 1)) \
        / torch.tensor(std).view(1, 3, 1, 1)
    assert x.shape == (8, 3, 32, 32) and x.dtype == torch.float32
    assert torch.allclose(x, expect)
    assert torch.equal(x, load_batch("cifar10", 8, source=C10, seed=3))
    assert not torch.equal(x, load_batch("cifar10", 8, source=C10, seed=4))


def test_default_sources_and_sizes():
    assert load_batch("cifar10", 32).shape == (32, 3, 32, 32)  # the 1,000-image JPEG set
    assert load_batch("ImageNet16-120", 16).shape == (16, 3, 16, 16)
    assert load_batch("imagenet", 4, size=64).shape == (4, 3, 64, 64)
    assert load_batch("c100", 4).shape == (4, 3, 32, 32)  # alias


def test_resize_keeps_constant_images_constant():
    x = load_batch("cifar10", 2, source=C10, size=3, normalize=False)
    assert x.shape == (2, 3, 3, 3) and 0 <= float(x.min()) and float(x.max()) <= 1


def test_errors_say_what_to_do(tmp_path):
    with pytest.raises(ValueError, match="only 20"):
        load_batch("cifar10", 21, source=C10)
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
        pickle.dump({"data": raw.transpose(0, 3, 1, 2).reshape(20, -1), "labels": list(range(20))}, fh)
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
