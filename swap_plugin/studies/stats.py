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
