"""Correlation studies: sampling, resumable scoring, NASLib-layout results."""
from .config import StudyConfig, config_path, parse_seeds, study_config
from .correlate import run_study, sample_archs, score_seed
from .mu_sigma import auto_mu_sigma, resolve_mu_sigma
from .stats import bootstrap_spearman, correlations, spearman_interval
from .store import RecordStore

__all__ = ["PAPER_PRESETS_M", "RecordStore", "StudyConfig", "auto_mu_sigma",
           "bootstrap_spearman", "config_path", "correlations", "parse_seeds", "resolve_mu_sigma",
           "run_study", "sample_archs", "score_seed", "spearman_interval", "study_config"]


def __getattr__(name):
    if name == "PAPER_PRESETS_M":  # {space: the paper's μ = σ, millions}, from the space registry
        from . import mu_sigma

        return mu_sigma.PAPER_PRESETS_M
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
