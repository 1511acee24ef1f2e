"""Training throughput (images/s) of the DARTS CIFAR-10 evaluation network at protocol size.

A few SGD steps (forward, main + auxiliary loss, backward, grad clip, SGD) of the
C=36, 20-cell network with batch 96 on 32x32 real CIFAR-10 images through the real
augmentation pipeline (crop, flip, cutout, drop path 0.2 as at the last epoch),
after ``--warmup`` untimed steps. Writes a markdown table to ``--out`` naming the
command that produced it, with the time one 50,000-image epoch and 600 epochs would
take at that rate (``scripts/bench_train.py``).
"""
from __future__ import annotations

import datetime
import os
import platform
import time
from typing import Optional

import torch

from ..train import get_protocol
from ..train.datasets import AugmentedDataset, EpochSampler, make_transforms, read_split
from ..train.genotype import load_genotype
from ..train.loop import build_network, seed_everything, training_loss


def run(command: str, genotype: str = "DARTS_V2", data: Optional[str] = None, batch_size: int = 96,
        channels: int = 36, layers: int = 20, steps: int = 3, warmup: int = 1, device: str = "cpu",
        threads: Optional[int] = None) -> list:
    """``warmup`` untimed and ``steps`` timed SGD steps; the report's lines (``command``:
    what it names as its producer). ``data`` None: the data directory's CIFAR-10 images."""
    if threads:
        torch.set_num_threads(threads)
    if data is None:
        from ..paths import data_file

        data = str(data_file("images", "cifar10_test_1000_jpeg.npz"))
    device = torch.device(device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    p = get_protocol("cifar10", batch_size=batch_size, channels=channels, layers=layers)
    seed_everything(0)
    arch, _ = load_genotype(genotype)
    images, _ = read_split("cifar10", data, "train")
    train_tf, _ = make_transforms(p, "cifar10")
    ds = AugmentedDataset(images, train_tf, seed=0)
    sampler = EpochSampler(len(ds), seed=0)
    loader = torch.utils.data.DataLoader(ds, batch_size=p.batch_size, sampler=sampler, drop_last=True)
    need = warmup + steps
    if len(loader) < need:
        raise ValueError(f"{data}: {len(ds)} images give {len(loader)} batches of {p.batch_size}; "
                         f"need {need}")
    model = build_network(arch, "cifar10", p, 10, 32).to(device)
    model.drop_path_prob = p.drop_path_at(p.epochs - 1)
    from ..metric.params import count_parameters

    params = count_parameters(model, "M")
    opt = torch.optim.SGD(model.parameters(), lr=p.lr, momentum=p.momentum, weight_decay=p.weight_decay)
    model.train()

    load0 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    data_s, step_s = [], []
    it = iter(loader)
    for step in range(need):
        t0 = time.perf_counter()
        x, y = next(it)
        t1 = time.perf_counter()
        x, y = x.to(device), y.to(device)
        opt.zero_grad(set_to_none=True)
        loss = training_loss(model(x), model.aux_logits, y, p)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), p.grad_clip)
        opt.step()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        t2 = time.perf_counter()
        if step >= warmup:
            data_s.append(t1 - t0)
            step_s.append(t2 - t0)
        print(f"step {step + 1}/{need}{' (warm-up)' if step < warmup else ''}: "
              f"{t2 - t0:.2f} s (data {t1 - t0:.3f} s), loss {loss.item():.3f}", flush=True)

    total = sum(step_s)
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    try:
        import resource

        peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20  # KiB on Linux
    except ImportError:  # pragma: no cover - Windows
        peak_gb = float("nan")
    ips = steps * p.batch_size / total
    epoch_s = 50000 / ips
    cmd = command
    hw = (torch.cuda.get_device_name(device) if device.type == "cuda"
          else f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs, "
               f"{torch.get_num_threads()} torch threads")
    lines = [
        "# Training throughput, DARTS CIFAR-10 evaluation network",
        "",
        f"Produced by `{cmd}` on {datetime.date.today().isoformat()}.",
        "",
        "| setting | value |",
        "|---|---|",
        f"| genotype | {genotype} |",
        f"| network | C={p.channels}, {p.layers} cells, auxiliary head (weight {p.auxiliary_weight}), "
        f"{params:.3f} M params (aux excluded) |",
        f"| batch | {p.batch_size} x 3 x 32 x 32, crop + flip + cutout {p.cutout}, drop path {model.drop_path_prob:.3f} |",
        f"| device | {device} ({hw}); torch {torch.__version__} |",
        f"| machine load | 1-min load average {load0:.1f} before, {load1:.1f} after the timed steps "
        f"(other jobs share the machine when this exceeds the thread count) |",
        f"| peak process memory | {peak_gb:.1f} GiB |",
        f"| steps | {warmup} warm-up + {steps} timed (SGD step incl. data loading, 0 workers) |",
        f"| mean step time | {total / steps:.3f} s (data {sum(data_s) / steps:.3f} s) |",
        f"| **training throughput** | **{ips:.1f} images/s** |",
        f"| one 50,000-image epoch at this rate | {epoch_s / 3600:.2f} h |",
        f"| 600 epochs (DARTS protocol) at this rate | {600 * epoch_s / 86400:.1f} days |",
        "",
        "Evaluation passes (10,000 test images per epoch, forward only) are not included.",
        "",
    ]
    return lines
