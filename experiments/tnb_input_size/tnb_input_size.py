"""TransNAS-Bench-101: Spearman ρ at the benchmark's 256x256 input vs reduced ones, per S.

configs/tnb101_*.yaml score at the benchmark's input (256; jigsaw 192, cut into 64-pixel
tiles). Our CPU study passes --input-size 64 (16x less compute): 1,000 archs x 14 tasks
x 5 seeds at 256 does not fit a 2-core machine. This scores the same archs (seed 0) at
each size, so what the reduction changes is on record. At 256 most archs reach Ψ = 2**S
with S = 16, where Ψ ranks nothing; ``--samples 16 32`` also asks whether more images lift
that ceiling.

    python experiments/tnb_input_size/tnb_input_size.py --n 150 --workers 2 --out runs/explore_tnb_size
    python experiments/tnb_input_size/tnb_input_size.py --sizes 64 128 256 --samples 16 32 ...
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

from swap_plugin.studies import RecordStore, StudyConfig, config_path, run_study
from swap_plugin.studies.correlate import study_dir
from swap_plugin.studies.report import report_head, rho_text, write_report

TASKS = [("tnb101_micro", "room_layout"), ("tnb101_micro", "autoencoder"),
         ("tnb101_micro", "class_scene"), ("tnb101_macro", "room_layout"),
         ("tnb101_macro", "autoencoder")]
SIZES = (64, 256)
SAMPLES = (16,)
PROXIES = ["swap", "reg_swap_auto", "params"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tasks", nargs="+", help="space:task, default: " + " ".join(f"{s}:{t}" for s, t in TASKS))
    ap.add_argument("--sizes", nargs="+", type=int, default=list(SIZES), help="input sides, pixels")
    ap.add_argument("--samples", nargs="+", type=int, default=list(SAMPLES), help="images per score (S)")
    ap.add_argument("--out", default="runs/explore_tnb_size")
    ap.add_argument("--report", default=str(Path(__file__).with_name("report.md")))
    a = ap.parse_args(argv)
    tasks = [tuple(t.split(":", 1)) for t in a.tasks] if a.tasks else TASKS
    rows = []
    for space, task in tasks:
        for size, n_images in [(z, k) for z in a.sizes for k in a.samples]:
            run = f"size{size}" + ("" if n_images == 16 else f"_s{n_images}")  # S = 16: the first runs' folders
            cfg = StudyConfig.from_yaml(config_path(space), dataset=task, n=a.n, seeds=[0],
                                        input_size=size, samples=n_images, workers=a.workers,
                                        proxies=PROXIES, out=str(Path(a.out) / run))
            s = run_study(cfg)
            # Ψ cannot exceed 2**S: the share of archs at that ceiling, where Ψ ranks nothing
            psi = [r["swap"] for r in RecordStore(study_dir(cfg) / "records_seed0.jsonl")]
            ceiling = sum(v >= 0.99 * 2 ** cfg.samples for v in psi) / len(psi)
            rows.append((space, task, size, n_images, *(s[p][0]["spearman"] for p in PROXIES), ceiling,
                         s["swap"][0]["query_time"]))
            print(rows[-1], flush=True)
    title = ("TransNAS-Bench-101: input 256x256 (benchmark) vs 64x64 (our CPU study), seed 0" if
             (sorted(a.sizes), a.samples) == (list(SIZES), list(SAMPLES)) else
             "TransNAS-Bench-101: input size and S, seed 0")
    lines = report_head(title, __file__, argv) + [
             f"{a.n} archs per task (the same archs in every row), S ImageNet stand-in images (32x32 "
             "copies) resized to the input size (no Taskonomy images exist offline), train mode, the "
             "benchmark network; "
             "ground truth: the benchmark's final validation metric. reg_swap_auto: μ = σ = the 0.99 "
             "quantile of Θ. s / arch: build + score on this 2-core CPU.", "",
             "| space | task | input | S | swap ρ | reg_swap_auto ρ | params ρ | archs with Ψ ≥ 0.99·2^S | s / arch |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {sp} | {t} | {sz} | {k} | {rho_text(sw)} | {rho_text(rs)} | {rho_text(p)} | {100 * c:.0f} % | {q:.2f} |"
              for sp, t, sz, k, sw, rs, p, c, q in rows]
    if any(math.isnan(r[4]) for r in rows):
        lines += ["", "n/a: every arch scored Ψ = 2^S (each S-bit pattern occurs), so Ψ ranks nothing."]
    write_report(a.report, lines)


if __name__ == "__main__":
    main()
