"""swap-nas train: train a genotype from scratch with the DARTS evaluation protocol."""
from __future__ import annotations

import json

from . import argtypes as at

# CLI flag -> TrainProtocol field (None: not given, keep the protocol's value)
_OVERRIDES = {"epochs": "epochs", "batch_size": "batch_size", "lr": "lr", "channels": "channels",
              "layers": "layers", "cutout": "cutout", "auxiliary_weight": "auxiliary_weight",
              "drop_path": "drop_path", "label_smoothing": "label_smoothing",
              "weight_decay": "weight_decay", "momentum": "momentum", "grad_clip": "grad_clip",
              "image_size": "image_size", "warmup_epochs": "warmup_epochs"}


def add_parser(sub, add_scoring_flags) -> None:
    p = sub.add_parser(
        "train", help="train a genotype from scratch (DARTS protocol: CIFAR-10 600 epochs / ImageNet 250)",
        description="Trains a DARTS-space genotype with the DARTS evaluation protocol. CIFAR-10: 600 epochs, "
                    "batch 96, SGD lr 0.025 cosine to 0, momentum 0.9, wd 3e-4, C=36, 20 cells, auxiliary "
                    "0.4, drop path 0.2, cutout 16, grad clip 5. ImageNet: 250 epochs, batch 128, lr 0.1 "
                    "x0.97 per epoch, wd 3e-5, C=48, 14 cells, label smoothing 0.1, auxiliary 0.4, 224 px "
                    "(--protocol imagenet-pdarts: batch 1024, lr 0.5, 5 warm-up epochs, linear decay). "
                    "Changing --batch-size alone scales the lr linearly. Writes OUT/checkpoint.pt every "
                    "epoch and OUT/log.csv; resumes from the checkpoint when it exists.")
    p.add_argument("--genotype", required=True,
                   help="Genotype(...) string, path to genotype.txt / result.json (swap-nas search output) "
                        "or a JSON genotype, or a published name such as DARTS_V2")
    p.add_argument("--dataset", default="cifar10", choices=["cifar10", "cifar100", "imagenet"])
    p.add_argument("--data", required=True,
                   help="CIFAR root (holding cifar-10-batches-py), ImageNet ImageFolder root (train/, val/), "
                        "or an .npz with images and labels")
    p.add_argument("--test-data", default=None, help="separate test/validation source (default: the test split of --data)")
    p.add_argument("--npz-key", default="images", help="image array in an .npz (default images)")
    p.add_argument("--download", action="store_true", help="download CIFAR into --data through torchvision")
    p.add_argument("--num-classes", type=at.integer(2, what="classes"), default=None, help="default 10 / 100 / the ImageNet classes found")
    p.add_argument("--protocol", default=None, help="cifar10 | cifar100 | imagenet | imagenet-pdarts (default: --dataset's)")
    g = p.add_argument_group("protocol overrides (default: the protocol's value)")
    g.add_argument("--epochs", type=at.POSITIVE_INT)
    g.add_argument("--batch-size", type=at.POSITIVE_INT)
    g.add_argument("--lr", type=at.POSITIVE, help="initial lr (default: the protocol's, linearly scaled to --batch-size)")
    g.add_argument("--no-lr-scaling", action="store_true", help="keep the protocol lr when --batch-size changes")
    g.add_argument("--channels", type=at.POSITIVE_INT, help="C, initial channels (36 / 48)")
    g.add_argument("--layers", type=at.POSITIVE_INT, help="cells (20 / 14)")
    g.add_argument("--cutout", type=at.NON_NEGATIVE_INT, help="cutout side, 0 = off (16 / 0)")
    g.add_argument("--auxiliary-weight", type=at.NON_NEGATIVE, help="0 = no auxiliary head (0.4)")
    g.add_argument("--drop-path", type=at.number(0, 1, below=True, what="a probability"),
                   help="final drop-path probability in [0, 1) (0.2 / 0)")
    g.add_argument("--label-smoothing", type=at.number(0, 1, below=True), help="in [0, 1) (0 / 0.1)")
    g.add_argument("--weight-decay", type=at.NON_NEGATIVE, help="(3e-4 / 3e-5)")
    g.add_argument("--momentum", type=at.number(0, 1, below=True), help="in [0, 1) (0.9)")
    g.add_argument("--grad-clip", type=at.NON_NEGATIVE, help="global L2 norm, 0 = off (5)")
    g.add_argument("--image-size", type=at.POSITIVE_INT, help="training crop side (CIFAR: the images' own, ImageNet 224)")
    g.add_argument("--warmup-epochs", type=at.NON_NEGATIVE_INT, help="linear lr warm-up epochs (0 / pdarts 5)")
    r = p.add_argument_group("run")
    r.add_argument("--out", default="runs/train", help="run directory (checkpoint.pt, log.csv, result.json)")
    r.add_argument("--seed", type=at.SEED, default=0)
    r.add_argument("--workers", type=at.NON_NEGATIVE_INT, default=2,
                   help="data-loader processes, 0 = load in the main process (default 2, as DARTS CIFAR)")
    r.add_argument("--device", default=None, help="cpu | cuda | cuda:N (default cuda when available)")
    r.add_argument("--threads", type=at.POSITIVE_INT, default=None, help="torch CPU threads")
    r.add_argument("--max-steps-per-epoch", type=at.POSITIVE_INT, default=None,
                   help="cap train and test batches per epoch (smoke runs)")
    r.add_argument("--stop-after", type=at.POSITIVE_INT, default=None,
                   help="train at most this many epochs in this invocation, then exit (resume later)")
    r.add_argument("--no-resume", action="store_true", help="start again even if OUT/checkpoint.pt exists (the earlier run's "
                   "files are moved into OUT/previous-<time>/, not deleted)")
    r.add_argument("--json", action="store_true", help="print the result as JSON")
    r.add_argument("--quiet", action="store_true", help="no progress bar or per-epoch lines")
    p.set_defaults(func=run)


def run(args) -> int:
    import torch

    from ..train import DEFAULT_PROTOCOL, get_protocol
    from ..train.loop import TrainConfig, run_training

    if args.threads:
        torch.set_num_threads(args.threads)
    dataset = args.dataset
    proto = get_protocol(args.protocol or DEFAULT_PROTOCOL[dataset])
    if (proto.augment == "imagenet") != (dataset == "imagenet"):
        raise ValueError(f"protocol {proto.name!r} does not fit dataset {dataset!r}")
    overrides = {field: getattr(args, flag) for flag, field in _OVERRIDES.items()}
    proto = proto.with_overrides(scale_lr=not args.no_lr_scaling, **overrides)
    cfg = TrainConfig(genotype=args.genotype, dataset=dataset, data=args.data, protocol=proto,
                      test_data=args.test_data, npz_key=args.npz_key, num_classes=args.num_classes,
                      out=args.out, seed=args.seed, workers=args.workers, device=args.device,
                      max_steps_per_epoch=args.max_steps_per_epoch, resume=not args.no_resume,
                      stop_after=args.stop_after, download=args.download, progress=not args.quiet)
    r = run_training(cfg)
    if args.json:
        print(json.dumps(r, indent=1))
        return 0
    state = "finished" if r["finished"] else f"stopped after epoch {r['epochs_done']} (run again to resume)"
    print(f"genotype        {r['genotype']}")
    print(f"network         C={proto.channels}, {proto.layers} cells, {r['params_M']:.3f} M params (auxiliary excluded)")
    if r["final_test_acc"] is not None:
        print(f"test accuracy   {r['final_test_acc']:.2f} % final, {r['best_test_acc']:.2f} % best (epoch {r['best_epoch']})")
    print(f"epochs          {r['epochs_done']}/{proto.epochs}, {state}, {r['train_seconds']:.1f} s")
    print(f"written         {cfg.out}/checkpoint.pt, {cfg.out}/log.csv" + (f", {cfg.out}/result.json" if r["finished"] else ""))
    return 0
