"""The on-disk tree of correlation studies, read in one place.

``swap-nas correlate --out ROOT`` writes, per study (one space and dataset)::

    ROOT/correlation/{space}/{dataset}/
        records_seed{seed}.jsonl        per-arch records (:class:`RecordStore`)
        records_seed{seed}.key.json     the scoring settings of those records
        {proxy}/{seed}/scores.json      NASLib layout: [config, results]
        summary.json                    {proxy: {seed: results without full_*}}

:func:`studies` finds the studies under roots, :class:`Study` reads one, :class:`Scores`
is one ``scores.json``. Reports read a tree through these only, so the layout is spelled
out here and in the writer (:mod:`swap_plugin.studies.correlate`, which takes its paths
from the functions below). Paths are always visited in sorted order, so a report over the
same tree lists its rows in the same order.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Union

from ..files import read_json
from .store import RecordStore

PathLike = Union[str, Path]
CORRELATION = "correlation"

_WHAT = {"scores.json": "a NASLib-layout [config, results] pair of a correlation study",
         ".key.json": "the scoring settings of a study's records",
         "result.json": "the result of a search or training run"}


def read_json_file(path: PathLike) -> object:
    """The JSON in ``path``; a cut, empty or garbled file raises an error naming it and
    saying what to do (:func:`swap_plugin.files.read_json`)."""
    name = Path(path).name
    what = next((w for end, w in _WHAT.items() if name.endswith(end)), "JSON")
    return read_json(path, what, "Rerun the command that wrote it (swap-nas correlate rewrites "
                     "scores.json from its records), or restore it from a copy")


# ---------------------------------------------------------------- the layout
def study_path(out: PathLike, space: str, dataset: str) -> Path:
    """The folder of one study under ``out`` (``swap-nas correlate --out``)."""
    return Path(out) / CORRELATION / space / dataset


def records_path(study: PathLike, seed: int) -> Path:
    return Path(study) / f"records_seed{seed}.jsonl"


def key_path(study: PathLike, seed: int) -> Path:
    return Path(study) / f"records_seed{seed}.key.json"


def scores_path(study: PathLike, proxy: str, seed: int) -> Path:
    return Path(study) / proxy / str(seed) / "scores.json"


def summary_path(study: PathLike) -> Path:
    return Path(study) / "summary.json"


def records_key_path(records: PathLike) -> Path:
    """``records_seed{seed}.key.json`` beside a ``records_seed{seed}.jsonl``."""
    return Path(records).with_suffix(".key.json")


# ---------------------------------------------------------------- reading
@dataclass(frozen=True)
class Scores:
    """One ``scores.json``: one proxy of one study for one seed."""
    path: Path
    space: str
    dataset: str
    proxy: str
    seed: int
    config: dict
    results: dict

    @property
    def spearman(self) -> float:
        return self.results["spearman"]


def read_scores(path: PathLike) -> Scores:
    """A ``{space}/{dataset}/{proxy}/{seed}/scores.json`` (names from its path)."""
    path = Path(path)
    conf, res = read_json_file(path)
    return Scores(path, path.parents[3].name, path.parents[2].name, path.parents[1].name,
                  int(path.parent.name), conf, res)


@dataclass(frozen=True)
class Study:
    """One study folder, ``{root}/correlation/{space}/{dataset}``."""
    path: Path

    @property
    def space(self) -> str:
        return self.path.parent.name

    @property
    def dataset(self) -> str:
        return self.path.name

    def records_paths(self) -> List[Path]:
        """Every ``records_seed*.jsonl``, sorted by name."""
        return sorted(self.path.glob("records_seed*.jsonl"))

    def records(self, seed: int) -> RecordStore:
        return RecordStore(records_path(self.path, seed))

    def key(self, seed: int) -> Optional[dict]:
        """The scoring settings of seed ``seed``'s records (None: no key file)."""
        path = key_path(self.path, seed)
        return read_json_file(path) if path.exists() else None

    def keys(self) -> List[dict]:
        """Every ``records_seed*.key.json``, sorted by name."""
        return [read_json_file(p) for p in sorted(self.path.glob("records_seed*.key.json"))]

    def scores(self, proxy: str = "*", seed: Union[int, str] = "*") -> List[Scores]:
        """The ``scores.json`` of ``proxy`` and ``seed`` (globs; default all), sorted by path."""
        return [read_scores(p) for p in sorted(self.path.glob(f"{proxy}/{seed}/scores.json"))]

    def seeds(self, proxy: str = "*") -> List[int]:
        """The seeds with a ``scores.json`` of ``proxy``, ascending."""
        return sorted({int(p.parent.name) for p in self.path.glob(f"{proxy}/*/scores.json")})

    def config(self, seed: int = 0) -> dict:
        """The study's settings as ``swap-nas correlate`` stores them in each ``scores.json``
        (of the first proxy with seed ``seed``; {} when there is none)."""
        for path in sorted(self.path.glob(f"*/{seed}/scores.json")):
            return read_json_file(path)[0]
        return {}

    def summary(self) -> Optional[dict]:
        path = summary_path(self.path)
        return read_json_file(path) if path.exists() else None


def studies(roots: Union[PathLike, Sequence[PathLike]], space: str = "*", dataset: str = "*") -> List[Study]:
    """The studies under each root (``swap-nas correlate --out``), roots in the order
    given, studies sorted by path; ``space`` / ``dataset`` are globs."""
    roots = [roots] if isinstance(roots, (str, Path)) else roots
    return [Study(p) for root in roots for p in sorted(Path(root).glob(f"{CORRELATION}/{space}/{dataset}"))
            if p.is_dir()]


def scores(roots: Union[PathLike, Sequence[PathLike]], proxy: str = "*", seed: Union[int, str] = "*",
           space: str = "*", dataset: str = "*") -> Iterator[Scores]:
    """Every ``scores.json`` under ``roots`` matching the globs, in sorted path order per root."""
    roots = [roots] if isinstance(roots, (str, Path)) else roots
    for root in roots:
        pattern = f"{CORRELATION}/{space}/{dataset}/{proxy}/{seed}/scores.json"
        for path in sorted(Path(root).glob(pattern)):
            yield read_scores(path)


def records_paths(roots: Union[PathLike, Sequence[PathLike]], seed: Union[int, str] = "*",
                  space: str = "*", dataset: str = "*") -> List[Path]:
    """Every ``records_seed{seed}.jsonl`` under ``roots``, sorted by path per root."""
    roots = [roots] if isinstance(roots, (str, Path)) else roots
    return [p for root in roots
            for p in sorted(Path(root).glob(f"{CORRELATION}/{space}/{dataset}/records_seed{seed}.jsonl"))]


def key_paths(roots: Union[PathLike, Sequence[PathLike]], seed: Union[int, str] = "*",
              space: str = "*", dataset: str = "*") -> List[Path]:
    """Every ``records_seed{seed}.key.json`` under ``roots``, sorted by path per root."""
    roots = [roots] if isinstance(roots, (str, Path)) else roots
    return [p for root in roots
            for p in sorted(Path(root).glob(f"{CORRELATION}/{space}/{dataset}/records_seed{seed}.key.json"))]


def study_of(records: PathLike) -> Study:
    """The study a ``records_seed*.jsonl`` belongs to."""
    return Study(Path(records).parent)
