"""NAS-Bench-Suite-Zero ``zc_<space>.json`` files: reader, writer and proxy updater.

Two layouts exist (both read):

* current (what NASLib's ``get_zc_benchmark_api(space, dataset)`` returns one
  dataset of): ``{dataset: {str(arch): {"idx": .., "arch": .., "<proxy>": {"score": s,
  "time": t}, ..., "val_accuracy": acc}}}``;
* old (early NB-Suite-Zero blobs): ``{"nasbench201": {dataset: {str(arch):
  {"<proxy>": score, ..., "val_accuracy": acc}}}}``.

Keys are ``str(arch.get_hash())`` with plain ints (``zc_key``); NB301's are
``[[(0, 1), ...], [...]]``. Keys are parsed into canonical archs, so lookups work with
any arch form; writing keeps each existing key string byte-for-byte so NASLib's
``ZeroCostPredictorEvaluator(use_zc_api=True)`` finds the same entries.

Lookups: ``val_accuracy``; ``params`` / ``flops`` (the proxies' scores); every proxy
name as a raw metric; ``proxy(arch, dataset, name)`` / ``proxy_time(...)``.
"""
from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

import numpy as np

from ..files import CorruptFileError, OutputExistsError, atomic_output, read_json
from .base import (ArchNotFoundError, GroundTruth, PathLike, RecordGroundTruth,
                   UnknownDatasetError, clear_cache, register_source)
from ..spaces import space_class as _space_class
from ..spaces.base import strip_numpy_repr
from .keys import (NASLIB_SPACE_NAMES, arch_label, canonical_space, nb101_hash,
                   normalise_arch, to_plain, zc_key)

_META_KEYS = ("idx", "arch")
_OLD_TOP = frozenset(NASLIB_SPACE_NAMES.values())


# ------------------------------------------------------------------ reading
def read_zc_json(path: PathLike) -> dict:
    """The raw json (either layout). A cut, empty or garbled file raises
    :class:`~swap_plugin.files.CorruptFileError` naming it and what to do."""
    todo = ("Replace it with a complete copy (NB-Suite-Zero's zc_<space>.json, as in NASLib's "
            "data files), or point --gt-source (API: source= / path=) at another file")
    raw = read_json(Path(path).expanduser(), "NB-Suite-Zero zero-cost scores "
                    "({dataset: {arch: {proxy: {score, time}}}})", todo)
    if not isinstance(raw, dict):
        raise CorruptFileError(f"{path} holds a JSON {type(raw).__name__}, not the "
                               f"{{dataset: {{arch: record}}}} object of an NB-Suite-Zero file. {todo}")
    return raw


def _layout(raw: Mapping[str, Any], space: Optional[str]) -> Tuple[str, Dict[str, dict], Optional[str]]:
    """-> (``"current"`` | ``"old"``, {dataset: {key: record}}, old-layout top key)."""
    if raw and set(raw) <= _OLD_TOP:
        want = _space_class(space).naslib_name if space else None
        if want is not None and want in raw:
            top = want
        elif len(raw) == 1:
            top = next(iter(raw))
        else:
            raise ValueError(f"old-layout zc json holds {sorted(raw)}; pass space=...")
        return "old", raw[top], top
    return "current", dict(raw), None


def _proxy_names(table: Mapping[Any, Mapping[str, Any]], layout: str) -> Tuple[str, ...]:
    seen: Dict[str, None] = {}
    for rec in table.values():
        for k, v in rec.items():
            if k in _META_KEYS or k == "val_accuracy" or k in seen:
                continue
            if (isinstance(v, Mapping) and "score" in v) or \
                    (layout == "old" and isinstance(v, (int, float)) and not isinstance(v, bool)):
                seen.setdefault(k)
    return tuple(sorted(seen))


def load_zc_json(path: Path, space: str) -> RecordGroundTruth:
    raw = read_zc_json(path)
    layout, per_ds, _ = _layout(raw, space)
    data: Dict[str, Dict[Any, Mapping[str, Any]]] = {}
    keymap: Dict[str, Dict[Any, str]] = {}
    dups: Dict[str, List[str]] = {}
    for ds, entries in per_ds.items():
        table: Dict[Any, Mapping[str, Any]] = {}
        km: Dict[Any, str] = {}
        for k, rec in entries.items():
            a = normalise_arch(space, k)
            if a in table:
                dups.setdefault(ds, []).append(k)
                continue
            table[a] = rec
            km[a] = k
        data[ds] = table
        keymap[ds] = km
    proxies = {ds: _proxy_names(t, layout) for ds, t in data.items()}
    aliases = {ds: {"val_accuracy": "val_accuracy",
                    **{m: m for m in ("params", "flops") if m in proxies[ds]}}
               for ds in data}
    columns = {ds: ("val_accuracy",) + proxies[ds] for ds in data}
    gt = RecordGroundTruth(space, "zc", path, datasets=tuple(data), data=data, aliases=aliases,
                           columns=columns, proxies=proxies,
                           iso_hash=nb101_hash if canonical_space(space) == "nb101" else None)
    #: "current" or "old" layout
    gt.layout = layout
    #: dataset -> canonical arch -> the key string in the file
    gt.key_strings = keymap
    #: dataset -> key strings that normalise to an arch already seen
    gt.duplicates = dups
    return gt


# ------------------------------------------------------------------ writing
def _json_default(o: Any) -> Any:
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"{type(o).__name__} is not JSON serialisable")


def _key_str(k: Any, space: Optional[str]) -> str:
    if isinstance(k, str):
        return strip_numpy_repr(k)
    if space is not None:
        return zc_key(space, k)
    a = to_plain(k)
    darts_like = isinstance(a, tuple) and len(a) == 2 and all(
        isinstance(c, tuple) and len(c) == 8 and all(isinstance(p, tuple) for p in c) for c in a)
    return str([list(a[0]), list(a[1])]) if darts_like else str(a)


def _normalised(data: Mapping[str, Any], space: Optional[str]) -> Dict[str, Any]:
    """``data`` as :func:`write_zc_json` writes it: string keys, same layout."""
    layout, per_ds, top = _layout(data, space)
    out_ds = {ds: {_key_str(k, space): rec for k, rec in entries.items()}
              for ds, entries in per_ds.items()}
    for ds, entries in per_ds.items():
        if len(out_ds[ds]) != len(entries):
            raise ValueError(f"dataset {ds!r}: two archs map to the same key string")
    return {top: out_ds} if layout == "old" else out_ds


def _without(data: Mapping[str, Any], name: str, space: Optional[str]) -> Any:
    """``data`` (as written) with proxy ``name`` removed from every record."""
    data = json.loads(json.dumps(data, default=_json_default))
    _, per_ds, _ = _layout(data, space)
    for entries in per_ds.values():
        for rec in entries.values() if isinstance(entries, dict) else ():
            if isinstance(rec, dict):
                rec.pop(name, None)
    return data


def write_zc_json(path: PathLike, data: Mapping[str, Any], *, space: Optional[str] = None,
                  indent: Optional[int] = None) -> Path:
    """Write NB-Suite-Zero data (``{dataset: {arch or key: record}}``, or the old
    ``{space: {dataset: ...}}`` layout) with normalised plain-int keys, atomically.
    Non-string keys become :func:`zc_key` strings; numpy values become plain numbers."""
    out = _normalised(data, space)
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=indent, default=_json_default)
    clear_cache(path)
    return path


def to_current_layout(raw: Mapping[str, Any], space: Optional[str] = None) -> Dict[str, Any]:
    """Old-layout data -> the current ``{dataset: {key: {proxy: {score, time}}}}`` that
    NASLib's zc code indexes (``zc_api[key][proxy]["score"]``); flat scores get
    ``"time": None`` (unknown). Current-layout data is returned as a deep copy."""
    layout, per_ds, _ = _layout(raw, space)
    out = copy.deepcopy(dict(per_ds))
    if layout == "current":
        return out
    for entries in out.values():
        for rec in entries.values():
            for k, v in list(rec.items()):
                if k not in _META_KEYS and k != "val_accuracy" and \
                        isinstance(v, (int, float)) and not isinstance(v, bool):
                    rec[k] = {"score": v, "time": None}
    return out


@dataclass
class ZcUpdate:
    """What :func:`add_proxy_scores` did."""

    path: Path
    dataset: str
    proxy: str
    updated: int = 0
    added: int = 0
    skipped: List[Any] = field(default_factory=list)


Score = Union[float, Tuple[float, float], Mapping[str, float]]


def _score_time(v: Any, default_time: float) -> Tuple[float, float]:
    if isinstance(v, Mapping):
        return float(v["score"]), float(v.get("time", default_time))
    if isinstance(v, (tuple, list)) and len(v) == 2:
        return float(v[0]), float(v[1])
    return float(v), float(default_time)


def add_proxy_scores(src: Union[PathLike, Mapping[str, Any], None], dst: PathLike, name: str,
                     scores: Union[Mapping[Any, Score], List[Tuple[Any, Score]]], *, space: str,
                     dataset: Optional[str] = None, missing: str = "error",
                     val_accuracy: Union[GroundTruth, Mapping[Any, float],
                                         Callable[[Any], float], None] = None,
                     default_time: float = 0.0, layout: Optional[str] = None,
                     indent: Optional[int] = None, overwrite: bool = False) -> ZcUpdate:
    """Copy an NB-Suite-Zero file (path / loaded dict / None for a new one) to ``dst``
    with proxy ``name`` set for the given archs: ``{"score": s, "time": t}`` (current
    layout) or a flat score (old layout).

    ``scores``: ``{arch: score | (score, time) | {"score", "time"}}`` in any arch form.
    Archs already in the file keep their exact key (NB101: also every isomorphic key,
    since a proxy is a function of the network). Archs not in the file:
    ``missing="error"`` (default) raises :class:`ArchNotFoundError`, ``"skip"`` leaves
    them out (listed in ``ZcUpdate.skipped``), ``"add"`` creates ``zc_key`` entries,
    which need ``val_accuracy`` (a GroundTruth, a mapping or a function of the arch)
    because NASLib reads ``[key]["val_accuracy"]`` for every arch it samples.
    ``layout``: None keeps the source's layout; ``"current"`` converts an old-layout
    file (e.g. ``naslib_zc_nasbench101_500.json``) to what current NASLib reads.
    An existing ``dst`` (other than ``src`` itself) is replaced only when it is an earlier
    copy of the same source with other ``name`` scores, or with ``overwrite=True``;
    otherwise :class:`~swap_plugin.files.OutputExistsError` names it.
    """
    if missing not in ("error", "skip", "add"):
        raise ValueError("missing must be 'error', 'skip' or 'add'")
    sp = canonical_space(space)
    if src is None:
        raw: Dict[str, Any] = {}
    elif isinstance(src, Mapping):
        raw = copy.deepcopy(dict(src))
    else:
        raw = read_zc_json(src)
    if layout not in (None, "current"):
        raise ValueError("layout must be None (keep the source's) or 'current'")
    if raw and layout == "current":
        raw = to_current_layout(raw, sp)
    layout, per_ds, top = _layout(raw, sp) if raw else ("current", raw, None)
    if dataset is None:
        if len(per_ds) != 1:
            raise UnknownDatasetError(f"pass dataset=...; the file holds {sorted(per_ds)}")
        dataset = next(iter(per_ds))
    if dataset not in per_ds:
        if missing != "add":
            raise UnknownDatasetError(f"dataset {dataset!r} is not in the zc file; valid "
                                      f"datasets: {sorted(per_ds)} (missing='add' creates it)")
        per_ds[dataset] = {}
    entries: Dict[str, Any] = per_ds[dataset]

    index: Dict[Any, List[str]] = {}
    iso: Dict[str, List[str]] = {}
    for k in entries:
        a = normalise_arch(sp, k)
        index.setdefault(a, []).append(k)
        if sp == "nb101":
            h = nb101_hash(a)
            if h is not None:
                iso.setdefault(h, []).append(k)

    items = scores.items() if isinstance(scores, Mapping) else scores
    result = ZcUpdate(path=Path(dst), dataset=dataset, proxy=name)
    not_found = []
    for arch, value in items:
        a = normalise_arch(sp, arch)
        score, t = _score_time(value, default_time)
        new_val: Any = {"score": score, "time": t} if layout == "current" else score
        keys = index.get(a) or (iso.get(nb101_hash(a) or "", []) if sp == "nb101" else [])
        if keys:
            for k in keys:
                entries[k][name] = copy.deepcopy(new_val)
            result.updated += 1
            continue
        if missing == "skip":
            result.skipped.append(a)
            continue
        if missing == "error":
            not_found.append(a)
            continue
        acc = _val_acc(val_accuracy, a, dataset, sp)
        k = zc_key(sp, a)
        entries[k] = {"val_accuracy": acc, name: new_val}
        index[a] = [k]
        result.added += 1
    if not_found:
        where = src if isinstance(src, (str, os.PathLike)) else "<data>"
        raise ArchNotFoundError(
            f"{len(not_found)} arch(s) are not in zc file {where} for dataset {dataset!r}, e.g. "
            f"{arch_label(not_found[0])}; pass missing='skip' or missing='add'")
    out = {top: per_ds} if layout == "old" else per_ds
    if not overwrite:
        _check_dst(src, Path(dst).expanduser(), name, _normalised(out, sp), sp)
    result.path = write_zc_json(dst, out, space=sp, indent=indent)
    return result


def check_zc_destination(src: PathLike, dst: PathLike, name: str, *, space: str,
                         layout: Optional[str] = None) -> None:
    """Before scoring: raise as :func:`add_proxy_scores` would if ``dst`` may not be
    replaced by a copy of ``src`` with proxy ``name`` set (``missing`` other than "add")."""
    sp = canonical_space(space)
    raw = read_zc_json(src)
    if raw and layout == "current":
        raw = to_current_layout(raw, sp)
    _check_dst(src, Path(dst).expanduser(), name, _normalised(raw, sp), sp)


def _check_dst(src: Any, dst: Path, name: str, new: Mapping[str, Any], space: str) -> None:
    """Raise unless ``dst`` is absent, is ``src`` itself (an in-place update), or differs
    from ``new`` in proxy ``name``'s scores only (the same command's earlier output)."""
    if not dst.exists() or (isinstance(src, (str, os.PathLike)) and Path(src).expanduser().exists()
                            and os.path.samefile(src, dst)):
        return
    try:
        same = _without(read_zc_json(dst), name, space) == _without(new, name, space)
    except ValueError:  # unreadable, or another layout: not an earlier copy
        same = False
    if not same:
        raise OutputExistsError(f"{dst} already exists and is not an earlier copy of this source "
                                f"with other {name!r} scores; choose another destination, or pass "
                                "overwrite=True (--overwrite) to replace it (nothing was written)")


def _val_acc(source: Any, arch: Any, dataset: str, space: str) -> float:
    if source is None:
        raise ValueError("missing='add' needs val_accuracy= (a GroundTruth, mapping or "
                         "function): NASLib reads val_accuracy for every zc entry")
    if isinstance(source, GroundTruth):
        return source.lookup(arch, dataset, "val_accuracy")
    if callable(source):
        return float(source(arch))
    for k, v in source.items():
        if normalise_arch(space, k) == arch:
            return float(v)
    raise ArchNotFoundError(f"no val_accuracy given for new arch {arch_label(arch)}")


register_source("zc", load_zc_json, ["nb201", "nb101", "nb301", "darts", "darts_swap",
                                     "tnb101_micro", "tnb101_macro"],
                default_by_space={
                    "nb201": ("nb201", "zc", "naslib_zc_nasbench201_725.json"),
                    "nb101": ("nb101", "naslib_zc_nasbench101_500.json"),
                    "nb301": ("nb301", "naslib_zc_nasbench301_725.json"),
                    "darts": ("nb301", "naslib_zc_nasbench301_725.json"),
                    "darts_swap": ("nb301", "naslib_zc_nasbench301_725.json"),
                    "tnb101_micro": ("tnb101", "zc", "naslib_zc_transbench101_micro_711.json"),
                    "tnb101_macro": ("tnb101", "zc", "naslib_zc_transbench101_macro_662-725.json")},
                description="NAS-Bench-Suite-Zero zc json: val_accuracy + proxies {score, time}")
register_source("zc_old", load_zc_json, ["nb201", "nb301", "darts", "darts_swap"],
                default_by_space={
                    "nb201": ("nb201", "zc", "naslib_zc_nasbench201_491_old.json"),
                    "nb301": ("nb301", "naslib_zc_nasbench301_500_old.json"),
                    "darts": ("nb301", "naslib_zc_nasbench301_500_old.json"),
                    "darts_swap": ("nb301", "naslib_zc_nasbench301_500_old.json")},
                description="older NB-Suite-Zero blob (flat proxy scores, no times)")
