"""Correlation studies: sampling, resumable scoring, NASLib-layout results."""
from .config import OUR_PROXIES, StudyConfig, config_path, parse_seeds, study_config
from .correlate import run_study, sample_archs, score_seed
from .mu_sigma import PAPER_PRESETS_M, auto_mu_sigma, resolve_mu_sigma
from .stats import bootstrap_spearman, correlations, spearman_interval
from .store import RecordStore

__all__ = ["OUR_PROXIES", "PAPER_PRESETS_M", "RecordStore", "StudyConfig", "auto_mu_sigma",
           "bootstrap_spearman", "config_path", "correlations", "parse_seeds", "resolve_mu_sigma",
           "run_study", "sample_archs", "score_seed", "spearman_interval", "study_config"]
