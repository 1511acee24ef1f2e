"""Does Ψ rank better per layer, per stage, or averaged over draws? (recorded)

Two hypotheses for the gap to the strongest proxies, tested on the seed-0 sample of the
correlation study (same archs, scoring network, weights and images as configs/{space}.yaml;
NB201 by default, `--space nb301` for the 1,218 NB301 genotypes, `--space nb101` for its 1,000):

* Aggregation. Ψ counts distinct S-bit patterns over ALL units at once; at S=16 the best
  archs sit near the 2**16 ceiling. Counting per layer or per stage (layers of one
  activation size) and summing, or summing logs, lifts that ceiling.
* Noise. Ψ of one draw (weights, image batch) vs the mean over R draws: draw r uses the
  weights and images of correlation-study seed r.

Per arch, one forward per draw; the per-layer patterns come from the same hooks the
scorer uses. Records go to OUT/{dataset}_draws{R}.jsonl as they are computed (a killed run
resumes). Ψ over all units of draw 0 is the study's swap for the same arch and seed.

    python experiments/aggregation/aggregation.py --out runs/explore_agg
    python experiments/aggregation/aggregation.py --space nb301 --draws 1 --out runs/explore_agg \
        --report experiments/aggregation/report_nb301.md
    python experiments/aggregation/aggregation.py --space nb101 --draws 1 --gt-sources table zc \
        --out runs/explore_agg --report experiments/aggregation/report_nb101.md
"""
from __future__ import annotations

import argparse
import math
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import torch
from scipy import stats
from tqdm import tqdm

from swap_plugin.benchmarks import get_ground_truth
from swap_plugin.data import load_batch
from swap_plugin.metric import regulariser
from swap_plugin.metric.activations import capture_activations
from swap_plugin.metric.patterns import SampleWisePatterns
from swap_plugin.spaces import get_space
from swap_plugin.studies import PAPER_PRESETS_M, RecordStore, StudyConfig, config_path, sample_archs
from swap_plugin.studies.correlate import seeded_network
from swap_plugin.studies.report import report_head, write_report


SETS = {"zc": "NB-Suite-Zero"}


def study_config(space: str) -> StudyConfig:
    """configs/{space}.yaml: the study whose seed-0 sample, S and scoring network are explored."""
    return StudyConfig.from_yaml(config_path(space))


def _counts(net: torch.nn.Module, x: torch.Tensor) -> dict:
    """Ψ over all units, and per layer / per stage (stage = layers with one unit count)."""
    s = x.shape[0]
    whole = SampleWisePatterns(s)
    layers, stages = [], {}

    def sink(bits):
        whole.add(bits)
        one = SampleWisePatterns(s)
        one.add(bits)
        layers.append(one.count())
        stages.setdefault(bits.shape[1], SampleWisePatterns(s)).add(bits)

    with torch.no_grad(), capture_activations(net, sink):
        net(x)
    per_stage = [s.count() for s in stages.values()]
    return {"global": whole.count(), "n_layers": len(layers), "sum_layers": sum(layers),
            "log_layers": sum(math.log(c) for c in layers), "sum_stages": sum(per_stage),
            "log_stages": sum(math.log(c) for c in per_stage)}


def _work(job) -> dict:
    space_name, dataset, arch, key, draws = job
    torch.set_num_threads(1)
    space, cfg = get_space(space_name), study_config(space_name)
    rec = {"key": key, "params": space.num_params(arch, dataset, unit="M")}
    for r in range(draws):
        net = seeded_network(space, arch, dataset, r, cfg.build).train()
        counts = _counts(net, load_batch(dataset, cfg.samples, seed=r))
        if r == 0:
            rec.update(counts)
        rec[f"draw{r}"] = counts["global"]
    return rec


FITNESS = [  # (label, value from a record); reg_ variants multiply f(Θ) in the report
    ("Ψ over all units (paper), draw 0", lambda r, d: r["global"]),
    ("Σ over layers of Ψ_layer", lambda r, d: r["sum_layers"]),
    ("Π over layers of Ψ_layer (Σ log)", lambda r, d: r["log_layers"]),
    ("Σ over stages of Ψ_stage", lambda r, d: r["sum_stages"]),
    ("Π over stages of Ψ_stage (Σ log)", lambda r, d: r["log_stages"]),
    ("Ψ, mean over draws", lambda r, d: np.mean([r[f"draw{i}"] for i in range(d)])),
    ("hooked layers (a count, no patterns)", lambda r, d: r["n_layers"]),
]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--space", default="nb201", choices=["nb201", "nb301", "nb101"])
    ap.add_argument("--datasets", nargs="+", default=None,
                    help="default: nb201 cifar10 cifar100 ImageNet16-120; nb301, nb101 cifar10")
    ap.add_argument("--n", type=int, default=None, help="the first n archs of the sample (default: all)")
    ap.add_argument("--gt-sources", nargs="+", default=["table"],
                    help="arch sets: table (the space's default) and/or zc (the NB-Suite-Zero archs)")
    ap.add_argument("--draws", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="runs/explore_agg")
    ap.add_argument("--report", default=str(Path(__file__).with_name("report.md")))
    a = ap.parse_args(argv)
    if a.draws < 1 or (a.n is not None and a.n < 3):
        raise SystemExit("--draws must be >= 1 and --n >= 3 (a rank correlation needs archs)")
    space, cfg = get_space(a.space), study_config(a.space)
    mu = sigma = PAPER_PRESETS_M[a.space]
    datasets = a.datasets or (["cifar10", "cifar100", "ImageNet16-120"] if a.space == "nb201" else ["cifar10"])
    n = cfg.n if a.n is None else a.n
    rows = []
    for ds, src in [(ds, src) for ds in datasets for src in a.gt_sources]:
        gt = get_ground_truth(a.space, ds, source=None if src == "table" else src)
        archs = sample_archs(gt, ds, cfg.n, 0)[:n]  # the study's sample (or its first n)
        prefix = "" if a.space == "nb201" else f"{a.space}_"  # NB201 records keep their names
        suffix = "" if src == "table" else f"_{src}"
        label = f"{ds} ({len(archs)} archs{'' if src == 'table' else ', ' + SETS.get(src, src)})"
        store = RecordStore(Path(a.out) / f"{prefix}{ds}{suffix}_draws{a.draws}.jsonl")
        keys = [space.hash(arch) for arch in archs]
        todo = [(a.space, ds, arch, key, a.draws) for arch, key in zip(archs, keys) if key not in store]
        with Pool(a.workers) as pool:
            for rec in tqdm(pool.imap_unordered(_work, todo, chunksize=4), total=len(todo), desc=ds):
                store.append(rec)
        recs = [store.get(key) for key in keys]
        val = np.array([gt.lookup(arch, ds) for arch in archs])
        f = np.array([regulariser(r["params"], mu, sigma, "paper") for r in recs])
        for name, get in FITNESS:
            v = np.array([get(r, a.draws) for r in recs], dtype=float)
            lin = np.exp(v - v.max()) if "Σ log" in name else v  # a product, scaled to stay finite
            rows.append((label, name, stats.spearmanr(v, val)[0], stats.spearmanr(lin * f, val)[0]))
            print(rows[-1], flush=True)
    net = ", ".join(f"{k}={v}" for k, v in (cfg.build or {}).items()) or "benchmark network"
    title = f"{a.space.upper()}: Ψ per layer, per stage, and averaged over draws (seed-0 sample)"
    lines = report_head(title, __file__, argv) + [
             f"The seed-0 sample of the correlation study (its first {n} archs where --n is given; "
             f"the number is after each dataset); {net}, S={cfg.samples}, "
             f"train mode, PyTorch default init. ρ: Spearman against the benchmark's {cfg.metric}. "
             f"Ψ' multiplies the paper's f(Θ) with μ = σ = {mu} M (for the products: exp(Σ log − max), "
             f"the same ranking). A stage is the set of layers with one unit count. Draw r = weights "
             f"and image batch of correlation-study seed r, r < {a.draws}."
             + (" ImageNet16-120 uses the stand-in images." if "ImageNet16-120" in datasets else ""), "",
             "| dataset | score | ρ | ρ of score · f(Θ) |", "|---|---|---:|---:|"]
    lines += [f"| {label} | {name} | {r:.3f} | {rr:.3f} |" for label, name, r, rr in rows]
    write_report(a.report, lines)


if __name__ == "__main__":
    main()
