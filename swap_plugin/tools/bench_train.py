"""Training throughput (images/s) of the DARTS CIFAR-10 evaluation network at protocol size.

A few SGD steps (forward, main + auxiliary loss, backward, grad clip, SGD) of the
C=36, 20-cell network with batch 96 on 32x32 real CIFAR-10 images through the real
augmentation pipeline (crop, flip, cutout, drop path 0.2 as at the last epoch),
after ``--warmup`` untimed steps. Writes a markdown table to ``--out`` naming the
command that produced it, with the time one 50,000-image epoch and 600 epochs would
take at that rate.

    python scripts/bench_train.py --steps 3 --device cpu
    python scripts/bench_train.py --steps 50 --warmup 5 --device cuda --out results/train_throughput_cuda.md
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from swap_plugin.studies.report import write_text_report  # noqa: E402
from swap_plugin.train import get_protocol  # noqa: E402
from swap_plugin.train.datasets import AugmentedDataset, EpochSampler, make_transforms, read_split  # noqa: E402
from swap_plugin.train.genotype import load_genotype  # noqa: E402
from swap_plugin.train.loop import build_network, seed_everything, training_loss  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--genotype", default="DARTS_V2")
    ap.add_argument("--data", default=None, help="CIFAR-10 source (default SWAP_DATA_DIR/images/cifar10_test_1000_jpeg.npz)")
    ap.add_argument("--batch-size", type=int, default=96)
    ap.add_argument("--channels", type=int, default=36)
    ap.add_argument("--layers", type=int, default=20)
    ap.add_argument("--steps", type=int, default=3, help="timed steps")
    ap.add_argument("--warmup", type=int, default=1, help="untimed steps first")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads (default torch's)")
    ap.add_argument("--out", default="results/train_throughput.md")
    args = ap.parse_args(argv)

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.data is None:
        from swap_plugin.paths import data_file

        args.data = str(data_file("images", "cifar10_test_1000_jpeg.npz"))
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    p = get_protocol("cifar10", batch_size=args.batch_size, channels=args.channels, layers=args.layers)
    seed_everything(0)
    arch, genotype = load_genotype(args.genotype)
    images, _ = read_split("cifar10", args.data, "train")
    train_tf, _ = make_transforms(p, "cifar10")
    ds = AugmentedDataset(images, train_tf, seed=0)
    sampler = EpochSampler(len(ds), seed=0)
    loader = torch.utils.data.DataLoader(ds, batch_size=p.batch_size, sampler=sampler, drop_last=True)
    need = args.warmup + args.steps
    if len(loader) < need:
        raise SystemExit(f"{args.data}: {len(ds)} images give {len(loader)} batches of {p.batch_size}; "
                         f"need {need}")
    model = build_network(arch, "cifar10", p, 10, 32).to(device)
    model.drop_path_prob = p.drop_path_at(p.epochs - 1)
    from swap_plugin.metric.params import count_parameters

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
        if step >= args.warmup:
            data_s.append(t1 - t0)
            step_s.append(t2 - t0)
        print(f"step {step + 1}/{need}{' (warm-up)' if step < args.warmup else ''}: "
              f"{t2 - t0:.2f} s (data {t1 - t0:.3f} s), loss {loss.item():.3f}", flush=True)

    total = sum(step_s)
    load1 = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    try:
        import resource

        peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 20  # KiB on Linux
    except ImportError:  # pragma: no cover - Windows
        peak_gb = float("nan")
    ips = args.steps * p.batch_size / total
    epoch_s = 50000 / ips
    cmd = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(__file__)] + sys.argv[1:]) \
        if argv is None else "bench_train.main(" + repr(argv) + ")"
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
        f"| genotype | {args.genotype} |",
        f"| network | C={p.channels}, {p.layers} cells, auxiliary head (weight {p.auxiliary_weight}), "
        f"{params:.3f} M params (aux excluded) |",
        f"| batch | {p.batch_size} x 3 x 32 x 32, crop + flip + cutout {p.cutout}, drop path {model.drop_path_prob:.3f} |",
        f"| device | {device} ({hw}); torch {torch.__version__} |",
        f"| machine load | 1-min load average {load0:.1f} before, {load1:.1f} after the timed steps "
        f"(other jobs share the machine when this exceeds the thread count) |",
        f"| peak process memory | {peak_gb:.1f} GiB |",
        f"| steps | {args.warmup} warm-up + {args.steps} timed (SGD step incl. data loading, 0 workers) |",
        f"| mean step time | {total / args.steps:.3f} s (data {sum(data_s) / args.steps:.3f} s) |",
        f"| **training throughput** | **{ips:.1f} images/s** |",
        f"| one 50,000-image epoch at this rate | {epoch_s / 3600:.2f} h |",
        f"| 600 epochs (DARTS protocol) at this rate | {600 * epoch_s / 86400:.1f} days |",
        "",
        "Evaluation passes (10,000 test images per epoch, forward only) are not included.",
        "",
    ]
    write_text_report(args.out, "\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
