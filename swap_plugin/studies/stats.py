"""Correlation statistics with scipy (NASLib's sklearn path returns NaN on sklearn >= 1.6)."""
from __future__ import annotations

import numpy as np
from scipy import stats


def correlations(y_true, y_pred) -> dict:
    """The keys NASLib's ``compute_scores`` writes that the NB-Suite-Zero plots read."""
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    if len(y) != len(p) or len(y) < 2:
        raise ValueError(f"need two equally long series of >= 2 values, got {len(y)} and {len(p)}")
    p = np.nan_to_num(p, nan=-1e9, posinf=1e9, neginf=-1e9)  # NASLib maps ±inf the same way
    const = np.all(p == p[0]) or np.all(y == y[0])
    out = {
        "spearman": float("nan") if const else float(stats.spearmanr(y, p)[0]),
        "kendalltau": float("nan") if const else float(stats.kendalltau(y, p)[0]),
        "pearson": float("nan") if const else float(abs(np.corrcoef(y, p)[0, 1])),
        "mae": float(np.mean(np.abs(p - y))),
        "rmse": float(np.sqrt(np.mean((p - y) ** 2))),
        "kt_2dec": float("nan") if const else float(stats.kendalltau(y, np.round(p, 2))[0]),
        "kt_1dec": float("nan") if const else float(stats.kendalltau(y, np.round(p, 1))[0]),
    }
    out["full_ytest"] = y.tolist()
    out["full_testpred"] = p.tolist()
    return out


def bootstrap_spearman(y, *preds, n_boot: int = 1000, seed: int = 0) -> np.ndarray:
    """``(n_boot, len(preds))`` Spearman ρ of each prediction series against ``y`` on
    ``n_boot`` resamples of the archs (with replacement, the same resample for every series,
    so differences between them are paired). Seeded: the same call gives the same values.

    A study's ρ comes from one sample of archs; the paper's from another. The spread of the
    resampled ρ says how far a second sample of the same size could move it.
    """
    y = np.asarray(y, dtype=float)
    ps = [np.asarray(p, dtype=float) for p in preds]
    if not ps or any(len(p) != len(y) for p in ps) or len(y) < 3:
        raise ValueError("give ≥ 1 prediction series, each as long as y (≥ 3 archs)")
    rng = np.random.default_rng(seed)
    out = np.empty((n_boot, len(ps)))
    for b in range(n_boot):
        i = rng.integers(0, len(y), len(y))
        out[b] = [stats.spearmanr(p[i], y[i])[0] for p in ps]
    return out


def spearman_interval(y, pred, *, n_boot: int = 1000, seed: int = 0, level: float = 0.95):
    """Percentile bootstrap interval of ρ(pred, y) over archs: ``(low, high)``."""
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(bootstrap_spearman(y, pred, n_boot=n_boot, seed=seed)[:, 0], [tail, 100 - tail])
    return float(lo), float(hi)
