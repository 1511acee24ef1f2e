"""swap-nas train: the DARTS evaluation protocols, augmentation, loop, checkpoints, CLI.

Real images: the package's 64 embedded CIFAR-10 test images (with labels), also rewritten
into the real on-disk formats (CIFAR python pickles, an ImageFolder) in tmp_path; the
data directory's 120-image ImageNet stand-in and published genotype names where a test
needs those (marked ``needs_data``).
"""
import csv
import json
import math
import pickle

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from swap_plugin.cli import main as cli_main
from swap_plugin.data import EMBEDDED, MEAN_STD
from swap_plugin.paths import data_file
from swap_plugin.train import DARTS_CIFAR, DARTS_IMAGENET, PDARTS_IMAGENET, get_protocol
from swap_plugin.train.datasets import (
    AugmentedDataset, CifarTrainTransform, EpochSampler, EvalTransform, ImageNetTrainTransform,
    color_jitter, cutout, hsv_to_rgb, random_crop, random_flip, read_split, resized_crop_params,
    rgb_to_hsv,
)
from swap_plugin.train.genotype import load_genotype
from swap_plugin.train.loop import (
    LOG_FIELDS, TrainConfig, aux_input_size, build_network, load_checkpoint, run_training,
    seed_everything, training_loss,
)

V2 = ("Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), "
      "('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), "
      "('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), "
      "('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
      "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])")


def embedded():
    """The 64 embedded CIFAR-10 test images: images, labels, class_names."""
    with np.load(EMBEDDED["cifar10"]) as z:
        return {k: z[k] for k in z.files}


@pytest.fixture(scope="module")
def c10_20(tmp_path_factory):
    """The first 20 embedded CIFAR-10 test images (2 per class) with labels, as an .npz."""
    z = embedded()
    path = tmp_path_factory.mktemp("c10") / "cifar10_test_20.npz"
    np.savez(path, images=z["images"][:20], labels=z["labels"][:20], class_names=z["class_names"])
    return str(path)


def tiny(**kw):
    """Tiny CIFAR protocol: C=4, 2 cells (aux head still fits at 32 px), batch 10."""
    base = dict(epochs=2, batch_size=10, lr=0.05, channels=4, layers=2)
    base.update(kw)
    return get_protocol("cifar10", **base)


def read_log(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


# ================================================================ protocol
def test_protocol_defaults_are_darts():
    p = get_protocol("cifar10")
    assert p is DARTS_CIFAR
    assert (p.epochs, p.batch_size, p.lr, p.lr_schedule, p.lr_min) == (600, 96, 0.025, "cosine", 0.0)
    assert (p.momentum, p.weight_decay, p.grad_clip) == (0.9, 3e-4, 5.0)
    assert (p.channels, p.layers, p.auxiliary_weight, p.drop_path, p.cutout) == (36, 20, 0.4, 0.2, 16)
    assert (p.crop_padding, p.label_smoothing, p.augment) == (4, 0.0, "cifar")
    q = get_protocol("imagenet")
    assert q is DARTS_IMAGENET
    assert (q.epochs, q.batch_size, q.lr, q.lr_schedule, q.lr_gamma, q.lr_step) == (250, 128, 0.1, "step", 0.97, 1)
    assert (q.momentum, q.weight_decay, q.grad_clip, q.label_smoothing) == (0.9, 3e-5, 5.0, 0.1)
    assert (q.channels, q.layers, q.auxiliary_weight, q.drop_path, q.image_size) == (48, 14, 0.4, 0.0, 224)
    assert q.color_jitter == (0.4, 0.4, 0.4, 0.2) and q.cutout == 0
    r = get_protocol("imagenet-pdarts")
    assert r is PDARTS_IMAGENET
    assert (r.batch_size, r.lr, r.lr_schedule, r.warmup_epochs, r.epochs, r.channels) == (1024, 0.5, "linear", 5, 250, 48)
    assert get_protocol("cifar100").epochs == 600
    with pytest.raises(ValueError, match="unknown training protocol"):
        get_protocol("mnist")


def test_lr_schedules_hand_computed():
    p = get_protocol("cifar10")
    expect = {0: 0.025, 150: 0.025 * (1 + math.sqrt(0.5)) / 2, 300: 0.0125,
              450: 0.025 * (1 - math.sqrt(0.5)) / 2, 599: 0.025 * (1 + math.cos(math.pi * 599 / 600)) / 2}
    for e, v in expect.items():
        assert p.lr_at(e) == pytest.approx(v, rel=1e-12, abs=1e-15)
    assert 0 < p.lr_at(599) < 2e-7
    q = get_protocol("imagenet")
    assert q.lr_at(0) == 0.1 and q.lr_at(1) == pytest.approx(0.097)
    assert q.lr_at(10) == pytest.approx(0.1 * 0.97 ** 10) == pytest.approx(0.07374241)
    assert q.lr_at(249) == pytest.approx(0.1 * 0.97 ** 249)
    r = get_protocol("imagenet-pdarts")  # warm-up x (e+1)/5, then P-DARTS adjust_lr
    assert r.lr_at(0) == pytest.approx(0.5 * 245 / 245 / 5)
    assert r.lr_at(4) == pytest.approx(0.5 * 241 / 245)
    assert r.lr_at(5) == pytest.approx(0.5 * 240 / 245)
    assert r.lr_at(245) == pytest.approx(0.5 * 1 / (245 * 5))
    assert r.lr_at(249) == pytest.approx(0.5 * 5 / (245 * 5))


def test_batch_size_override_scales_lr_linearly():
    assert get_protocol("imagenet", batch_size=256).lr == pytest.approx(0.2)
    assert get_protocol("imagenet", batch_size=1024).lr == pytest.approx(0.8)
    assert get_protocol("cifar10", batch_size=192).lr == pytest.approx(0.05)
    assert get_protocol("cifar10", batch_size=192, lr=0.1).lr == 0.1            # explicit lr wins
    assert DARTS_CIFAR.with_overrides(scale_lr=False, batch_size=48).lr == 0.025
    assert DARTS_CIFAR.with_overrides(epochs=None).epochs == 600                 # None = keep
    with pytest.raises(ValueError):
        DARTS_CIFAR.with_overrides(bogus=1)
    with pytest.raises(ValueError):
        DARTS_CIFAR.with_overrides(drop_path=1.0)


def test_drop_path_linear_ramp():
    p = get_protocol("cifar10")
    assert [p.drop_path_at(e) for e in (0, 300, 599)] == [0.0, 0.1, pytest.approx(0.2 * 599 / 600)]
    assert get_protocol("imagenet").drop_path_at(100) == 0.0


# ============================================================ augmentation
class FixedRng:
    """Stand-in generator returning preset integers (for exact geometric checks)."""

    def __init__(self, ints, randoms=()):
        self.ints, self.randoms = list(ints), list(randoms)

    def integers(self, lo, hi=None):
        return self.ints.pop(0)

    def random(self):
        return self.randoms.pop(0)


def test_cutout_zeroes_a_16_square_clipped_at_borders():
    x = torch.ones(3, 32, 32)
    y = cutout(x, 16, FixedRng([16, 20]))       # centre (16, 20): rows 8:24, cols 12:28
    assert (y == 0).sum() == 3 * 16 * 16 and torch.all(y[:, 8:24, 12:28] == 0)
    assert torch.all(x == 1)                    # input untouched
    y = cutout(x, 16, FixedRng([2, 30]))        # rows 0:10, cols 22:32
    assert (y == 0).sum() == 3 * 10 * 10 and torch.all(y[:, 0:10, 22:32] == 0)
    for seed in range(20):                      # random centres: the DARTS clipped area
        y = cutout(x, 16, np.random.default_rng(seed))
        r2 = np.random.default_rng(seed)
        cy, cx = int(r2.integers(32)), int(r2.integers(32))
        area = (min(cy + 8, 32) - max(cy - 8, 0)) * (min(cx + 8, 32) - max(cx - 8, 0))
        assert (y == 0).sum().item() == 3 * area
    assert torch.equal(cutout(x, 0, FixedRng([])), x)


def test_random_crop_and_flip_are_exact_and_seeded(c10_20):
    img = torch.arange(3 * 32 * 32, dtype=torch.int32).reshape(3, 32, 32) % 251 + 1
    out = random_crop(img, 32, 4, FixedRng([0, 8]))        # top 0, left 8 of the padded image
    assert out.shape == (3, 32, 32)
    assert torch.all(out[:, :4] == 0) and torch.equal(out[:, 4:, :28], img[:, :28, 4:])
    assert torch.all(out[:, :, 28:] == 0)
    assert torch.equal(random_crop(img, 32, 4, FixedRng([4, 4])), img)
    assert torch.equal(random_flip(img, FixedRng([], [0.3])), img.flip(-1))
    assert torch.equal(random_flip(img, FixedRng([], [0.7])), img)

    raw = np.load(c10_20)["images"]
    mean, std = MEAN_STD["cifar10"]
    tf = CifarTrainTransform(mean, std, cutout=16)
    u8 = torch.from_numpy(raw[0]).permute(2, 0, 1)
    a = tf(u8, np.random.default_rng(1))
    assert a.shape == (3, 32, 32) and a.dtype == torch.float32
    assert torch.equal(a, tf(u8, np.random.default_rng(1)))
    assert not torch.equal(a, tf(u8, np.random.default_rng(2)))
    # every output pixel is a normalised source pixel, a zero-padding pixel or cutout 0
    padded = F.pad(u8, (4, 4, 4, 4)).float() / 255
    norm = (padded - torch.tensor(mean).view(3, 1, 1)) / torch.tensor(std).view(3, 1, 1)
    for c in range(3):
        assert set(a[c].flatten().tolist()) <= set(norm[c].flatten().tolist()) | {0.0}


def test_dataset_augmentation_depends_only_on_seed_epoch_index(c10_20):
    from swap_plugin.train.datasets import read_npz
    from pathlib import Path

    data = read_npz(Path(c10_20))
    mean, std = MEAN_STD["cifar10"]
    ds = AugmentedDataset(data, CifarTrainTransform(mean, std), seed=0)
    x0, y0 = ds[(3, 0)]
    assert y0 == int(np.load(c10_20)["labels"][3])
    assert torch.equal(x0, ds[(3, 0)][0])
    assert not torch.equal(x0, ds[(3, 1)][0])
    assert not torch.equal(x0, AugmentedDataset(data, CifarTrainTransform(mean, std), seed=1)[(3, 0)][0])
    s = EpochSampler(20, seed=0)
    e0 = list(s)
    assert sorted(i for i, _ in e0) == list(range(20)) and {e for _, e in e0} == {0}
    assert [i for i, _ in e0] == [i for i, _ in EpochSampler(20, seed=0)]
    s.set_epoch(1)
    assert [i for i, _ in s] != [i for i, _ in e0]
    ev = AugmentedDataset(data, EvalTransform(mean, std), seed=0)
    assert torch.equal(ev[(3, 0)][0], ev[(3, 7)][0])          # evaluation is not random


def test_imagenet_transforms():
    u8 = torch.from_numpy(embedded()["images"][5]).permute(2, 0, 1)
    mean, std = MEAN_STD["imagenet"]
    tf = ImageNetTrainTransform(mean, std, size=64)
    a = tf(u8, np.random.default_rng(0))
    assert a.shape == (3, 64, 64) and torch.isfinite(a).all()
    assert torch.equal(a, tf(u8, np.random.default_rng(0)))
    for seed in range(50):
        t, l, h, w = resized_crop_params(32, 48, (0.08, 1.0), (3 / 4, 4 / 3), np.random.default_rng(seed))
        assert 0 <= t and t + h <= 32 and 0 <= l and l + w <= 48 and h > 0 and w > 0
    # 10 failed tries -> torchvision's centre-crop fallback
    assert resized_crop_params(10, 100, (0.99, 1.0), (1.0, 1.0), np.random.default_rng(0)) == (0, 45, 10, 10)
    ev = EvalTransform(mean, std, size=56, resize_ratio=64 / 56)(u8)   # 32 -> 64 -> centre 56
    assert ev.shape == (3, 56, 56)
    x = u8.float() / 255
    assert torch.allclose(hsv_to_rgb(rgb_to_hsv(x)), x, atol=1e-5)
    j = color_jitter(x, (0.4, 0.4, 0.4, 0.2), np.random.default_rng(3))
    assert j.shape == x.shape and j.min() >= 0 and j.max() <= 1 and not torch.equal(j, x)
    assert torch.equal(color_jitter(x, (0, 0, 0, 0), np.random.default_rng(3)), x)


# ================================================================== readers
def _write_cifar_root(root, n_train=50, n_test=20):
    """The embedded images in the official pickle layout: train = the first n_train, test =
    the last n_test (64 in all, so the two overlap; the readers do not care)."""
    z = embedded()
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    imgs = z["images"].transpose(0, 3, 1, 2).reshape(len(z["images"]), -1)
    per = n_train // 5
    for b in range(5):
        sl = slice(b * per, (b + 1) * per)
        with open(folder / f"data_batch_{b + 1}", "wb") as fh:
            pickle.dump({"data": imgs[sl], "labels": z["labels"][sl].tolist()}, fh)
    with open(folder / "test_batch", "wb") as fh:
        pickle.dump({"data": imgs[-n_test:], "labels": z["labels"][-n_test:].tolist()}, fh)
    with open(folder / "batches.meta", "wb") as fh:
        pickle.dump({"label_names": [str(c) for c in z["class_names"]]}, fh)
    return z


def _write_image_folder(root, n_classes=8):
    from PIL import Image

    z = embedded()  # image i is of class i (i < 10)
    for i in range(n_classes):
        for split, img in (("train", z["images"][i]), ("train", z["images"][i][:, ::-1]),
                           ("val", z["images"][i])):
            d = root / split / str(z["class_names"][i])
            d.mkdir(parents=True, exist_ok=True)
            Image.fromarray(np.ascontiguousarray(img)).save(d / f"{len(list(d.iterdir()))}.png")
    return z


def test_cifar_root_reader_with_labels(tmp_path):
    z = _write_cifar_root(tmp_path)
    tr, has = read_split("cifar10", tmp_path, "train")
    te, _ = read_split("cifar10", tmp_path / "cifar-10-batches-py", "test")
    assert has and len(tr) == 50 and len(te) == 20 and tr.classes[0] == "airplane"
    assert np.array_equal(tr.images, z["images"][:50]) and np.array_equal(tr.labels, z["labels"][:50])
    assert np.array_equal(te.images, z["images"][44:]) and np.array_equal(te.labels, z["labels"][44:])


def test_image_folder_reader(tmp_path):
    z = _write_image_folder(tmp_path)
    tr, has = read_split("imagenet", tmp_path, "train")
    va, _ = read_split("imagenet", tmp_path, "test")
    assert has and len(tr) == 16 and len(va) == 8 and tr.num_classes == 8
    assert tr.classes == sorted(str(w) for w in z["class_names"][:8])
    k = tr.classes.index(str(z["class_names"][2]))
    first = [i for i in range(len(va)) if va.labels[i] == k][0]
    assert torch.equal(va.load(first), torch.from_numpy(z["images"][2]).permute(2, 0, 1))
    with pytest.raises(FileNotFoundError):
        read_split("imagenet", tmp_path / "nope", "train")


# ===================================================================== loss
def test_label_smoothing_loss_hand_computed():
    logits = torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.0, -0.5]])
    y = torch.tensor([2, 0])
    lse = [math.log(math.exp(1) + math.exp(2) + math.exp(3)), math.log(math.exp(0.5) + 1 + math.exp(-0.5))]
    logp = [[1 - lse[0], 2 - lse[0], 3 - lse[0]], [0.5 - lse[1], -lse[1], -0.5 - lse[1]]]
    eps, K = 0.1, 3
    # DARTS CrossEntropyLabelSmooth: targets (1-eps)*onehot + eps/K, -sum(t*logp), batch mean
    hand = sum(-sum(((1 - eps) * (c == t) + eps / K) * logp[i][c] for c in range(K))
               for i, t in enumerate([2, 0])) / 2
    p = get_protocol("imagenet", auxiliary_weight=0.4)
    assert training_loss(logits, None, y, p).item() == pytest.approx(hand, rel=1e-6)
    aux = logits.flip(1)
    lsa = training_loss(aux, None, y, p).item()
    assert training_loss(logits, aux, y, p).item() == pytest.approx(hand + 0.4 * lsa, rel=1e-6)
    plain = get_protocol("cifar10")
    assert training_loss(logits, None, y, plain).item() == pytest.approx(F.cross_entropy(logits, y).item())


# ===================================================================== loop
def test_aux_head_size_check():
    assert aux_input_size(32, 20, False) == 8 and aux_input_size(224, 14, True) == 7
    assert aux_input_size(64, 2, True) == 2
    arch, _ = load_genotype(V2)
    with pytest.raises(ValueError, match="auxiliary head"):
        build_network(arch, "imagenet", get_protocol("imagenet", channels=4, layers=2, image_size=64), 8, 64)


def test_two_epoch_tiny_cifar_run_logs_checkpoints_and_learns(tmp_path, c10_20):
    p = tiny()
    cfg = TrainConfig(genotype=V2, data=c10_20, protocol=p, out=str(tmp_path / "run"), progress=False)
    r = run_training(cfg)
    rows = read_log(tmp_path / "run" / "log.csv")
    assert [int(x["epoch"]) for x in rows] == [1, 2] and list(rows[0]) == list(LOG_FIELDS)
    assert all(math.isfinite(float(x[k])) for x in rows for k in LOG_FIELDS)
    assert [float(x["lr"]) for x in rows] == [pytest.approx(p.lr_at(0)), pytest.approx(p.lr_at(1))]
    assert [float(x["drop_path"]) for x in rows] == [0.0, 0.1]
    assert all(int(x["train_images"]) == 20 for x in rows)
    assert r["finished"] and r["epochs_done"] == 2 and r["final_test_acc"] == float(rows[-1]["test_acc"])
    assert json.loads((tmp_path / "run" / "result.json").read_text())["epochs_done"] == 2
    ck = load_checkpoint(tmp_path / "run" / "checkpoint.pt", torch.device("cpu"))
    assert ck["epoch"] == 2 and {"model", "optimizer", "scheduler", "rng", "best_acc"} <= set(ck)
    assert not [p for p in (tmp_path / "run").iterdir() if p.name.endswith(".tmp")]  # no temporary file left
    # training lowered the loss on a fixed batch (the 20 images, no augmentation)
    z = np.load(c10_20)
    mean, std = MEAN_STD["cifar10"]
    x = (torch.from_numpy(z["images"]).permute(0, 3, 1, 2).float() / 255 - torch.tensor(mean).view(1, 3, 1, 1)) \
        / torch.tensor(std).view(1, 3, 1, 1)
    y = torch.from_numpy(z["labels"])
    seed_everything(0)
    net = build_network(load_genotype(V2)[0], "cifar10", p, 10, 32)   # the run's initial weights
    net.train()

    def fixed_loss():
        with torch.no_grad():
            return training_loss(net(x), net.aux_logits, y, p).item()

    before = fixed_loss()
    net.load_state_dict(ck["model"])
    after = fixed_loss()
    assert after < before - 0.3, (before, after)


def test_resume_is_bitwise_equal_to_uninterrupted(tmp_path, c10_20):
    p = tiny(epochs=3)
    common = dict(genotype=V2, data=c10_20, protocol=p, progress=False, workers=0)
    run_training(TrainConfig(out=str(tmp_path / "a"), **common))
    r1 = run_training(TrainConfig(out=str(tmp_path / "b"), stop_after=1, **common))
    assert not r1["finished"] and r1["epochs_done"] == 1 and not (tmp_path / "b" / "result.json").exists()
    # a kill after the log row of epoch 2 but before its checkpoint: that row is dropped
    with open(tmp_path / "b" / "log.csv", "a") as fh:
        fh.write("2,9,9,9,9,9,9,9,9,9,9,9,9\n")
    r2 = run_training(TrainConfig(out=str(tmp_path / "b"), **common))
    assert r2["finished"] and r2["epochs_done"] == 3
    a = load_checkpoint(tmp_path / "a" / "checkpoint.pt", torch.device("cpu"))
    b = load_checkpoint(tmp_path / "b" / "checkpoint.pt", torch.device("cpu"))
    assert a["model"].keys() == b["model"].keys()
    for k in a["model"]:
        assert torch.equal(a["model"][k], b["model"][k]), k
    for k, st in a["optimizer"]["state"].items():
        assert torch.equal(st["momentum_buffer"], b["optimizer"]["state"][k]["momentum_buffer"])
    assert torch.equal(a["rng"]["torch"], b["rng"]["torch"]) and a["best_acc"] == b["best_acc"]
    ra, rb = read_log(tmp_path / "a" / "log.csv"), read_log(tmp_path / "b" / "log.csv")
    same = ("epoch", "lr", "drop_path", "train_loss", "train_acc", "test_loss", "test_acc", "best_acc")
    assert [[x[k] for k in same] for x in ra] == [[x[k] for k in same] for x in rb]
    # finished: running again trains nothing; other settings are refused
    assert run_training(TrainConfig(out=str(tmp_path / "b"), **common))["epochs_done"] == 3
    with pytest.raises(ValueError, match="other settings"):
        run_training(TrainConfig(out=str(tmp_path / "b"), **{**common, "seed": 1}))


def test_damaged_or_other_run_files_are_named_and_never_deleted(tmp_path, c10_20):
    from swap_plugin.files import CorruptFileError

    common = dict(genotype=V2, data=c10_20, protocol=tiny(), progress=False, workers=0,
                  max_steps_per_epoch=1)
    out = tmp_path / "run"
    run_training(TrainConfig(out=str(out), stop_after=1, **common))
    ck, settings = out / "checkpoint.pt", out / "settings.json"
    good, good_settings = ck.read_bytes(), settings.read_text()
    ck.write_bytes(good[: len(good) // 2])  # cut by a full disk or a copy
    with pytest.raises(CorruptFileError) as err:
        run_training(TrainConfig(out=str(out), **common))
    assert str(err.value).startswith(f"{ck} cannot be read as a training checkpoint (")
    assert "Restore it, or pass --no-resume to train from epoch 1 (the old files are then kept" in str(err.value)
    assert len(ck.read_bytes()) == len(good) // 2  # left as it was
    ck.write_bytes(good)
    settings.write_text(good_settings[:40])
    with pytest.raises(CorruptFileError, match=f"{settings} is not valid JSON .*Restore it, pass another --out"):
        run_training(TrainConfig(out=str(out), **common))
    settings.write_text(good_settings)
    with pytest.raises(ValueError, match=r"other settings \(seed: 0 \(stored\) vs 1 \(now\)\)"):
        run_training(TrainConfig(out=str(out), **{**common, "seed": 1}))
    # starting again keeps the earlier run's files in a previous-<time> folder
    r = run_training(TrainConfig(out=str(out), resume=False, **{**common, "seed": 1}))
    assert r["finished"] and r["seed"] == 1
    (kept,) = out.glob("previous-*")
    assert sorted(p.name for p in kept.iterdir()) == ["best.pt", "checkpoint.pt", "log.csv", "settings.json"]
    assert (kept / "checkpoint.pt").read_bytes() == good and (kept / "settings.json").read_text() == good_settings
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))


def test_imagenet_protocol_on_image_folder(tmp_path):
    _write_image_folder(tmp_path / "inet")
    p = get_protocol("imagenet", epochs=2, batch_size=4, channels=4, layers=2, image_size=64,
                     auxiliary_weight=0.0)
    r = run_training(TrainConfig(genotype=V2, dataset="imagenet", data=str(tmp_path / "inet"),
                                 protocol=p, out=str(tmp_path / "run"), progress=False))
    rows = read_log(tmp_path / "run" / "log.csv")
    assert r["finished"] and r["num_classes"] == 8 and len(rows) == 2
    assert [float(x["lr"]) for x in rows] == [pytest.approx(0.1 * 4 / 128), pytest.approx(0.1 * 4 / 128 * 0.97)]
    assert all(math.isfinite(float(x["train_loss"])) and int(x["train_images"]) == 16 for x in rows)
    ck = load_checkpoint(tmp_path / "run" / "checkpoint.pt", torch.device("cpu"))
    assert ck["model"]["classifier.weight"].shape[0] == 8


@pytest.mark.needs_data
def test_imagenet_protocol_on_standin_npz_with_aux_at_224(tmp_path):
    npz = data_file("images", "imagenet16_120_standin_120.npz")
    p = get_protocol("imagenet", epochs=1, batch_size=4, channels=4, layers=2)
    r = run_training(TrainConfig(genotype="DARTS_V2", dataset="imagenet", data=str(npz), npz_key="images32",
                                 protocol=p, out=str(tmp_path / "run"), progress=False,
                                 max_steps_per_epoch=2))
    row = read_log(tmp_path / "run" / "log.csv")[0]
    assert r["num_classes"] == 120 and int(row["train_images"]) == 8 and math.isfinite(float(row["train_loss"]))


# ================================================================ genotypes
def test_genotype_inputs(tmp_path):
    arch, s = load_genotype(V2)
    assert s == V2
    (tmp_path / "genotype.txt").write_text(V2 + "\n")
    assert load_genotype(str(tmp_path / "genotype.txt")) == (arch, s)
    (tmp_path / "result.json").write_text(json.dumps({"genotype": V2, "fitness_reg_swap": 1.0}))
    assert load_genotype(str(tmp_path / "result.json")) == (arch, s)
    with pytest.raises(ValueError):
        load_genotype("NOT_A_GENOTYPE")


@pytest.mark.needs_data
def test_published_genotypes_by_name():
    assert load_genotype("DARTS_V2") == load_genotype(V2)


# ====================================================================== CLI
def test_cli_train_end_to_end(tmp_path, capsys):
    _write_cifar_root(tmp_path / "c10")
    (tmp_path / "genotype.txt").write_text(V2 + "\n")
    argv = ["train", "--genotype", str(tmp_path / "genotype.txt"), "--dataset", "cifar10",
            "--data", str(tmp_path / "c10"), "--out", str(tmp_path / "run"), "--epochs", "2",
            "--channels", "4", "--layers", "2", "--batch-size", "10", "--workers", "0",
            "--max-steps-per-epoch", "2", "--stop-after", "1", "--quiet", "--json"]
    assert cli_main(argv) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["epochs_done"] == 1 and not r["finished"] and r["protocol"]["lr"] == pytest.approx(0.025 * 10 / 96)
    assert r["protocol"]["cutout"] == 16 and r["test_source"].endswith("(test)")
    argv.remove("--stop-after"), argv.remove("1")
    assert cli_main(argv) == 0                      # resumes epoch 2
    r = json.loads(capsys.readouterr().out)
    assert r["finished"] and r["epochs_done"] == 2
    rows = read_log(tmp_path / "run" / "log.csv")
    assert [int(x["epoch"]) for x in rows] == [1, 2] and all(int(x["train_images"]) == 20 for x in rows)
    assert cli_main(["train", "--genotype", "nonsense", "--data", str(tmp_path / "c10"),
                     "--out", str(tmp_path / "r2"), "--quiet"]) == 2
