"""Train a DARTS-space genotype from scratch under a :class:`TrainProtocol`, resumably.

``run_training(TrainConfig(...))`` is what ``swap-nas train`` calls. Per epoch ``e``
(0-based): lr = ``protocol.lr_at(e)``, ``net.drop_path_prob = protocol.drop_path_at(e)``;
one pass over the shuffled training set (loss = CE(main) + w * CE(aux), label-smoothed
when the protocol says so; gradients clipped to global L2 norm ``grad_clip``; SGD with
momentum and weight decay on every parameter, as DARTS); then top-1 / top-5 accuracy and
plain CE on the test split in eval mode.

Files in ``out/``:

* ``checkpoint.pt`` after every epoch, written to a temporary file and ``os.replace``-d
  (a kill loses at most the running epoch): model, optimizer (momentum buffers),
  schedule position, epochs done, best accuracy, the torch / CUDA / numpy / python RNG
  states and the run settings;
* ``log.csv``, one row per epoch (see :data:`LOG_FIELDS`; accuracies in %); rows past
  the checkpoint are dropped on resume, so each epoch appears once;
* ``best.pt`` (weights of the best test accuracy), ``settings.json``, and
  ``result.json`` when the run is complete; every file but ``log.csv`` (appended one
  row at a time) is written whole to a temporary file and renamed.

Starting again (``resume=False``, or no checkpoint) moves an earlier run's files into
a new ``out/previous-<time>/`` folder instead of deleting them.

Resuming (the default when ``checkpoint.pt`` exists) requires the same settings
(genotype, data, protocol, seed...) and continues with the next epoch; on CPU the final
weights are bitwise those of an uninterrupted run, for any number of loader workers,
because each sample's augmentation is seeded by (seed, epoch, index) and the epoch order
by (seed, epoch) (see :mod:`swap_plugin.train.datasets`).
"""
from __future__ import annotations

import csv
import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader

from ..files import CorruptFileError, atomic_output, atomic_write_json, read_json, settings_diff
from .datasets import NATIVE_CLASSES, AugmentedDataset, EpochSampler, make_transforms, read_split
from .genotype import load_genotype
from .protocol import DEFAULT_PROTOCOL, TrainProtocol, get_protocol

LOG_FIELDS = ("epoch", "lr", "drop_path", "train_loss", "train_acc", "test_loss", "test_acc",
              "test_acc5", "best_acc", "train_images", "images_per_s", "train_seconds",
              "epoch_seconds")
CHECKPOINT_FORMAT = 1


@dataclass
class TrainConfig:
    """One training run. ``protocol`` defaults to the dataset's DARTS protocol."""

    genotype: str                              # see load_genotype
    dataset: str = "cifar10"                   # cifar10 | cifar100 | imagenet
    data: Optional[str] = None                 # .npz / CIFAR root / ImageFolder root
    protocol: Optional[TrainProtocol] = None
    test_data: Optional[str] = None            # default: the test split of `data`
    npz_key: str = "images"
    num_classes: Optional[int] = None          # default: 10 / 100, or the ImageNet classes found
    out: str = "runs/train"
    seed: int = 0
    workers: int = 0
    device: Optional[str] = None               # default cuda when available
    max_steps_per_epoch: Optional[int] = None  # cap on train (and test) batches per epoch
    resume: bool = True
    stop_after: Optional[int] = None           # run at most this many epochs now, then return
    download: bool = False                     # CIFAR through torchvision
    progress: bool = True

    def __post_init__(self) -> None:
        self.dataset = self.dataset.lower().replace("-", "")
        if self.dataset not in DEFAULT_PROTOCOL:
            raise ValueError(f"dataset must be one of {sorted(DEFAULT_PROTOCOL)}, got {self.dataset!r}")
        if self.protocol is None:
            self.protocol = get_protocol(DEFAULT_PROTOCOL[self.dataset])
        if self.data is None:
            raise ValueError("training needs --data: an .npz with images and labels, a CIFAR root "
                             "(cifar-10-batches-py) or an ImageFolder root with train/ and val/")

    def settings(self, genotype_str: str) -> dict:
        """What a resumed run must share with the interrupted one."""
        def norm(p):
            return None if p is None else str(Path(p).expanduser().resolve())

        return {"genotype": genotype_str, "dataset": self.dataset, "protocol": self.protocol.as_dict(),
                "data": norm(self.data), "test_data": norm(self.test_data), "npz_key": self.npz_key,
                "num_classes": self.num_classes, "seed": self.seed,
                "max_steps_per_epoch": self.max_steps_per_epoch}


# ================================================================== network
def aux_input_size(image_size: int, layers: int, imagenet: bool) -> int:
    """Side of the feature map the auxiliary head sees (after cell ``2*layers//3``)."""
    s = image_size
    if imagenet:
        for _ in range(3):  # stem0 (two stride-2 convs) and stem1
            s = (s + 1) // 2
    for _ in range(len({layers // 3, 2 * layers // 3})):
        s = (s + 1) // 2
    return s


def build_network(arch, dataset: str, protocol: TrainProtocol, num_classes: int,
                  image_size: int) -> nn.Module:
    from ..spaces import get_space

    imagenet = dataset == "imagenet"
    if protocol.auxiliary:
        side, need = aux_input_size(image_size, protocol.layers, imagenet), (7 if imagenet else 8)
        if side < need:
            raise ValueError(f"the auxiliary head needs a {need}x{need} map but gets {side}x{side} at "
                             f"{image_size}px with {protocol.layers} cells; use a larger --image-size "
                             "or --auxiliary-weight 0")
    return get_space("darts").build(arch, dataset, C=protocol.channels, layers=protocol.layers,
                                    auxiliary=protocol.auxiliary, drop_path_prob=0.0,
                                    num_classes=num_classes)


# ===================================================================== data
@dataclass
class Data:
    train: DataLoader
    sampler: EpochSampler
    test: DataLoader
    num_classes: int
    train_source: str
    test_source: str
    notes: List[str] = field(default_factory=list)


def make_data(cfg: TrainConfig, device: torch.device) -> Data:
    p = cfg.protocol
    train_set, has_split = read_split(cfg.dataset, cfg.data, "train", key=cfg.npz_key, download=cfg.download)
    notes = []
    if cfg.test_data is not None:
        test_set, _ = read_split(cfg.dataset, cfg.test_data, "test", key=cfg.npz_key)
    elif has_split:
        test_set, _ = read_split(cfg.dataset, cfg.data, "test", key=cfg.npz_key)
    else:
        test_set = train_set
        notes.append(f"{train_set.source} has no test split: evaluating on the training images "
                     "(pass --test-data for a real test set)")
    if cfg.num_classes is not None:
        n_cls = int(cfg.num_classes)
    elif cfg.dataset in ("cifar10", "cifar100"):
        n_cls = NATIVE_CLASSES[cfg.dataset]
    else:
        n_cls = train_set.num_classes
    for s in (train_set, test_set):
        if int(s.labels.max()) >= n_cls:
            raise ValueError(f"{s.source}: label {int(s.labels.max())} >= {n_cls} classes; "
                             "pass --num-classes")
    train_tf, test_tf = make_transforms(p, cfg.dataset)
    sampler = EpochSampler(len(train_set), seed=cfg.seed, shuffle=True)
    common = dict(batch_size=p.batch_size, num_workers=cfg.workers, pin_memory=device.type == "cuda",
                  persistent_workers=cfg.workers > 0)
    # private generators: creating loader iterators must not draw from the global torch RNG
    train = DataLoader(AugmentedDataset(train_set, train_tf, cfg.seed), sampler=sampler,
                       generator=torch.Generator().manual_seed(cfg.seed), **common)
    test = DataLoader(AugmentedDataset(test_set, test_tf, cfg.seed), shuffle=False,
                      generator=torch.Generator().manual_seed(cfg.seed), **common)
    return Data(train, sampler, test, n_cls, train_set.source, test_set.source, notes)


# ==================================================================== steps
def training_loss(logits: torch.Tensor, aux_logits: Optional[torch.Tensor], target: torch.Tensor,
                  protocol: TrainProtocol) -> torch.Tensor:
    """DARTS' objective: ``CE_s(logits) + auxiliary_weight * CE_s(aux_logits)`` where CE_s is
    cross-entropy against ``(1 - eps) * one_hot + eps / K`` (eps = ``label_smoothing``;
    DARTS ImageNet's ``CrossEntropyLabelSmooth``, batch mean)."""
    ls, w = protocol.label_smoothing, protocol.auxiliary_weight
    loss = F.cross_entropy(logits, target, label_smoothing=ls)
    if w > 0 and aux_logits is not None:
        loss = loss + w * F.cross_entropy(aux_logits, target, label_smoothing=ls)
    return loss


def train_one_epoch(model: nn.Module, loader, optimizer: torch.optim.Optimizer, protocol: TrainProtocol,
                    device: torch.device, max_steps: Optional[int] = None, bar=None) -> Dict[str, float]:
    """One DARTS training epoch; returns mean loss (main + w*aux), top-1 %, images, seconds."""
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    loss_sum = torch.zeros((), dtype=torch.float64, device=device)
    correct = torch.zeros((), dtype=torch.int64, device=device)
    n = 0
    t0 = time.perf_counter()
    for step, (x, y) in enumerate(loader):
        if max_steps is not None and step >= max_steps:
            break
        if x.size(0) < 2:  # BatchNorm cannot train on one sample (a last batch of size 1)
            continue
        x = x.to(device, non_blocking=True)
        y = y.to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        logits = model(x)
        loss = training_loss(logits, getattr(model, "aux_logits", None), y, protocol)
        loss.backward()
        if protocol.grad_clip and protocol.grad_clip > 0:
            nn.utils.clip_grad_norm_(params, protocol.grad_clip)
        optimizer.step()
        b = y.size(0)
        n += b
        loss_sum += loss.detach().double() * b
        correct += (logits.detach().argmax(1) == y).sum()
        if bar is not None:
            bar.update(1)
            if step % 10 == 0 or device.type == "cpu":
                bar.set_postfix(loss=f"{loss_sum.item() / n:.3f}", acc=f"{100.0 * correct.item() / n:.1f}",
                                img_s=f"{n / (time.perf_counter() - t0):.0f}")
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    seconds = time.perf_counter() - t0
    if n == 0:
        raise ValueError("no training batch ran (empty data or --max-steps-per-epoch 0)")
    return {"train_loss": loss_sum.item() / n, "train_acc": 100.0 * correct.item() / n,
            "train_images": n, "train_seconds": seconds, "images_per_s": n / seconds}


@torch.no_grad()
def evaluate(model: nn.Module, loader, device: torch.device, max_steps: Optional[int] = None) -> Dict[str, float]:
    """Eval-mode plain CE, top-1 and top-5 accuracy (%)."""
    model.eval()
    loss_sum, c1, c5, n = 0.0, 0, 0, 0
    for step, (x, y) in enumerate(loader):
        if max_steps is not None and step >= max_steps:
            break
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        logits = model(x)
        loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
        top = logits.topk(min(5, logits.size(1)), dim=1).indices
        c1 += (top[:, 0] == y).sum().item()
        c5 += (top == y[:, None]).any(1).sum().item()
        n += y.size(0)
    if n == 0:
        return {"test_loss": float("nan"), "test_acc": float("nan"), "test_acc5": float("nan")}
    return {"test_loss": loss_sum / n, "test_acc": 100.0 * c1 / n, "test_acc5": 100.0 * c5 / n}


# =============================================================== checkpoint
def rng_state() -> dict:
    np_state = np.random.get_state()
    state = {"torch": torch.get_rng_state(), "python": random.getstate(),
             "numpy": (np_state[0], torch.from_numpy(np_state[1].astype(np.int64)), int(np_state[2]),
                       int(np_state[3]), float(np_state[4]))}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    torch.set_rng_state(state["torch"])
    v, internal, gauss = state["python"]
    random.setstate((v, tuple(internal), gauss))
    name, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((name, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_atomic(obj, path: Path) -> None:
    """``torch.save`` to a temporary file beside ``path``, fsync, then ``os.replace``:
    the old file survives a kill."""
    with atomic_output(path, "wb") as fh:
        torch.save(obj, fh)


def load_checkpoint(path: Path, device: Optional[torch.device] = None) -> dict:
    """A checkpoint written by :func:`run_training` (plain tensors and containers only,
    so ``weights_only=True``), on the CPU unless ``device`` is given. A cut, empty or
    foreign file raises :class:`~swap_plugin.files.CorruptFileError` naming it."""
    try:
        return torch.load(path, map_location=device or torch.device("cpu"), weights_only=True)
    except (FileNotFoundError, IsADirectoryError):
        raise
    except Exception as err:  # noqa: BLE001 - torch raises RuntimeError, EOFError, UnpicklingError...
        raise CorruptFileError(
            f"{path} cannot be read as a training checkpoint ({type(err).__name__}: "
            f"{str(err).splitlines()[0] if str(err) else 'no detail'}); it is cut off or not a "
            "checkpoint of swap-nas train. Restore it, or pass --no-resume to train from epoch 1 "
            "(the old files are then kept in a previous-<time> folder, not deleted)") from None


def _epoch_of(row: dict) -> Optional[int]:
    try:
        return int(row["epoch"])
    except (KeyError, TypeError, ValueError):
        return None  # a row cut by a kill mid-write


def _read_log(path: Path) -> List[dict]:
    if not path.exists():
        return []
    with open(path, newline="") as fh:
        return [r for r in csv.DictReader(fh) if _epoch_of(r) is not None]


def _write_log(path: Path, rows: List[dict]) -> None:
    with atomic_output(path, "w", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=LOG_FIELDS)
        wr.writeheader()
        wr.writerows(rows)


#: the files a run writes in its folder (kept aside, not deleted, when a run starts again)
RUN_FILES = ("checkpoint.pt", "log.csv", "best.pt", "result.json", "settings.json")


def _holds_only(out: Path, settings: dict) -> bool:
    """Whether ``out`` holds no run file but a settings.json equal to ``settings`` (a run
    killed before its first checkpoint): nothing to keep aside."""
    if any((out / f).exists() for f in RUN_FILES if f != "settings.json"):
        return False
    try:
        return json.loads((out / "settings.json").read_text()) == settings
    except (OSError, ValueError):
        return False


def set_aside_run(out: Path) -> Optional[Path]:
    """Move an earlier run's files (:data:`RUN_FILES`) into a new ``out/previous-<time>``
    folder; returns it, or None when there was nothing to move."""
    present = [f for f in RUN_FILES if (out / f).exists()]
    if not present:
        return None
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for k in range(10_000):
        dest = out / (f"previous-{stamp}" + (f"-{k}" if k else ""))
        try:
            dest.mkdir()
            break
        except FileExistsError:
            continue
    for f in present:
        os.replace(out / f, dest / f)
    return dest


def _append_log(path: Path, row: dict) -> None:
    new = not path.exists()
    with open(path, "a", newline="") as fh:
        wr = csv.DictWriter(fh, fieldnames=LOG_FIELDS)
        if new:
            wr.writeheader()
        wr.writerow(row)


def _fmt(v):
    return f"{v:.6g}" if isinstance(v, float) else v


# ====================================================================== run
def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device


def run_training(cfg: TrainConfig, log: Optional[Callable[[str], None]] = None) -> dict:
    """Train (or resume) ``cfg``; returns the result dict (also ``out/result.json`` once
    all epochs are done). ``log`` receives one summary line per epoch (default: print
    when ``cfg.progress``)."""
    from tqdm import tqdm

    from ..metric.params import count_parameters

    if log is None:
        log = (lambda s: tqdm.write(s)) if cfg.progress else (lambda s: None)
    p = cfg.protocol
    device = torch.device(cfg.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    arch, genotype_str = load_genotype(cfg.genotype)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    ckpt_path, log_path, settings_path = out / "checkpoint.pt", out / "log.csv", out / "settings.json"
    settings = json.loads(json.dumps(cfg.settings(genotype_str)))
    resuming = cfg.resume and ckpt_path.exists()
    if resuming:
        if not settings_path.exists():
            raise CorruptFileError(f"{ckpt_path} has no settings.json beside it, so it cannot be "
                                   "checked against this run's settings; restore settings.json, pass "
                                   "another --out, or --no-resume to start again (the old files are "
                                   "then kept in a previous-<time> folder)")
        old = read_json(settings_path, f"the settings of the training run in {out}",
                        "Restore it, pass another --out, or --no-resume to start again (the old "
                        "files are then kept in a previous-<time> folder)")
        diff = settings_diff(old, settings)
        if diff:
            raise ValueError(f"{out} holds a training run with other settings ({'; '.join(diff)}); "
                             "pass another --out, or --no-resume to start it again (the old files "
                             "are then kept in a previous-<time> folder)")
    else:
        kept = None if _holds_only(out, settings) else set_aside_run(out)
        if kept is not None:
            log(f"note: starting again; the earlier run's files are kept in {kept}")
    atomic_write_json(settings_path, settings, indent=1)

    seed_everything(cfg.seed)
    data = make_data(cfg, device)
    image_size = p.image_size or int(data.train.dataset.data.load(0).shape[-1])
    model = build_network(arch, cfg.dataset, p, data.num_classes, image_size).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=p.lr_at(0), momentum=p.momentum,
                                weight_decay=p.weight_decay)
    start, best, best_epoch, elapsed = 0, 0.0, 0, 0.0
    if resuming:
        ck = load_checkpoint(ckpt_path)  # on CPU: RNG states must stay CPU tensors
        if ck.get("format") != CHECKPOINT_FORMAT:
            raise ValueError(f"{ckpt_path}: unknown checkpoint format {ck.get('format')!r}")
        model.load_state_dict(ck["model"])
        optimizer.load_state_dict(ck["optimizer"])
        start, best, best_epoch = int(ck["epoch"]), float(ck["best_acc"]), int(ck["best_epoch"])
        elapsed = float(ck.get("elapsed", 0.0))
        set_rng_state(ck["rng"])
        _write_log(log_path, [r for r in _read_log(log_path) if _epoch_of(r) <= start])
    params_m = count_parameters(model, "M")
    for note in data.notes:
        log(f"note: {note}")
    log(f"training {genotype_str}")
    log(f"{cfg.dataset} protocol {p.name}: {p.epochs} epochs, batch {p.batch_size}, lr {p.lr:g} "
        f"({p.lr_schedule}), C={p.channels}, {p.layers} cells, {params_m:.3f} M params "
        f"(aux excluded), {data.num_classes} classes, {len(data.train.dataset)} train / "
        f"{len(data.test.dataset)} test images, device {device}"
        + (f"; resuming after epoch {start}" if resuming else ""))

    steps = len(data.train) if cfg.max_steps_per_epoch is None else min(len(data.train), cfg.max_steps_per_epoch)
    end = p.epochs if cfg.stop_after is None else min(p.epochs, start + int(cfg.stop_after))
    row: Dict[str, object] = {}
    for epoch in range(start, end):
        t0 = time.perf_counter()
        lr = p.lr_at(epoch)
        for group in optimizer.param_groups:
            group["lr"] = lr
        model.drop_path_prob = p.drop_path_at(epoch)
        data.sampler.set_epoch(epoch)
        bar = tqdm(total=steps, desc=f"epoch {epoch + 1}/{p.epochs}", leave=False, unit="step",
                   disable=not cfg.progress, dynamic_ncols=True)
        tr = train_one_epoch(model, data.train, optimizer, p, device, cfg.max_steps_per_epoch, bar)
        bar.close()
        te = evaluate(model, data.test, device, cfg.max_steps_per_epoch)
        if te["test_acc"] > best or epoch == 0:
            best, best_epoch = te["test_acc"], epoch + 1
            save_atomic({"model": model.state_dict(), "epoch": epoch + 1, "test_acc": best,
                         "genotype": genotype_str}, out / "best.pt")
        seconds = time.perf_counter() - t0
        elapsed += seconds
        row = {"epoch": epoch + 1, "lr": lr, "drop_path": model.drop_path_prob, **tr, **te,
               "best_acc": best, "epoch_seconds": seconds}
        _append_log(log_path, {k: _fmt(row[k]) for k in LOG_FIELDS})
        save_atomic({"format": CHECKPOINT_FORMAT, "epoch": epoch + 1, "model": model.state_dict(),
                     "optimizer": optimizer.state_dict(),
                     "scheduler": {"schedule": p.lr_schedule, "last_epoch": epoch, "last_lr": lr},
                     "best_acc": best, "best_epoch": best_epoch, "rng": rng_state(),
                     "elapsed": elapsed, "settings": settings}, ckpt_path)
        log(f"epoch {epoch + 1:>4}/{p.epochs}  lr {lr:.5f}  drop {model.drop_path_prob:.3f}  "
            f"train loss {tr['train_loss']:.4f} acc {tr['train_acc']:.2f}  test loss {te['test_loss']:.4f} "
            f"acc {te['test_acc']:.2f} (top5 {te['test_acc5']:.2f}, best {best:.2f})  "
            f"{tr['images_per_s']:.1f} img/s  {seconds:.1f}s")

    done = end if end > start else start
    rows = _read_log(log_path)
    last = rows[-1] if rows else {}
    result = {"genotype": genotype_str, "dataset": cfg.dataset, "protocol": p.as_dict(),
              "epochs_done": done, "finished": done >= p.epochs, "params_M": params_m,
              "num_classes": data.num_classes, "train_source": data.train_source,
              "test_source": data.test_source,
              "final_test_acc": float(last["test_acc"]) if last else None,
              "final_test_acc5": float(last["test_acc5"]) if last else None,
              "best_test_acc": best if rows else None, "best_epoch": best_epoch if rows else None,
              "train_seconds": elapsed, "device": str(device), "seed": cfg.seed,
              "out": str(out)}
    if rows:
        ips = [float(r["images_per_s"]) for r in rows if r.get("images_per_s")]
        result["mean_images_per_s"] = sum(ips) / len(ips) if ips else None
    if result["finished"]:
        atomic_write_json(out / "result.json", result, indent=1)
    return result


__all__ = ["TrainConfig", "run_training", "train_one_epoch", "training_loss", "evaluate", "build_network",
           "make_data", "aux_input_size", "save_atomic", "load_checkpoint", "rng_state",
           "set_rng_state", "seed_everything", "LOG_FIELDS"]
