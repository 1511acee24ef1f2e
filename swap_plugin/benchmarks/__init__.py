"""Benchmark ground truth: real accuracies and NB-Suite-Zero proxy scores, by arch.

>>> from swap_plugin.benchmarks import get_ground_truth
>>> gt = get_ground_truth("nb201", "cifar10")               # 15,625-arch table
>>> gt.lookup((2, 2, 0, 4, 2, 0), "cifar10")                 # NB-Suite-Zero val acc
90.39
>>> zc = get_ground_truth("nb201", "cifar100", source="zc")  # naslib_zc_nasbench201_725.json
>>> zc.proxy((0, 2, 3, 2, 3, 1), "cifar100", "synflow")      # doctest: +SKIP

Spaces: ``nb201``, ``nb101``, ``nb301`` (= ``darts``), ``darts_swap``, ``tnb101_micro``,
``tnb101_macro`` (NASLib names such as ``nasbench201`` are accepted).
``list_sources()`` lists every file format / location per space. Files are read once
per process (:func:`load_ground_truth` caches; :func:`clear_cache` forgets).
"""
from .base import (PROXY_NAMES, UNIFIED_METRICS, ArchNotFoundError, GroundTruth,
                   MissingValueError, RecordGroundTruth, UnknownDatasetError,
                   UnknownMetricError, clear_cache, default_source, get_ground_truth,
                   list_sources, load_ground_truth, lookup, register_source, sniff_source)
from .keys import (DARTS_NONE, DARTS_OPS, NASLIB_SPACE_NAMES, NB101_OPS, NB201_OPS,
                   canonical_space, darts_from_genotype, darts_to_genotype_str,
                   naslib_zc_filename, nb101_from_spec, nb101_hash, nb101_to_spec,
                   nb201_from_str, nb201_to_str, normalise_arch, tnb101_to_str, zc_key)
from .zc_json import (ZcUpdate, add_proxy_scores, check_zc_destination, read_zc_json,
                      to_current_layout, write_zc_json)
from .tables import NB201_TEST_COLUMNS, nb201_params_m
from . import tables, nb101_json, naslib_pickle, nb201_api  # noqa: F401,E402  (register)

__all__ = [
    "GroundTruth", "RecordGroundTruth", "get_ground_truth", "load_ground_truth", "lookup",
    "list_sources", "default_source", "register_source", "sniff_source", "clear_cache",
    "ArchNotFoundError", "MissingValueError", "UnknownDatasetError", "UnknownMetricError",
    "PROXY_NAMES", "UNIFIED_METRICS",
    "normalise_arch", "zc_key", "canonical_space", "naslib_zc_filename", "NASLIB_SPACE_NAMES",
    "NB201_TEST_COLUMNS", "nb201_to_str", "nb201_from_str", "NB201_OPS", "nb201_params_m", "nb101_from_spec", "nb101_to_spec",
    "nb101_hash", "NB101_OPS", "darts_from_genotype", "darts_to_genotype_str", "DARTS_OPS",
    "DARTS_NONE", "tnb101_to_str",
    "read_zc_json", "write_zc_json", "add_proxy_scores", "check_zc_destination", "to_current_layout", "ZcUpdate",
]
