"""What a correlation study runs: one dataclass, loadable from configs/*.yaml.

The configs live in the repository's top-level ``configs/`` folder, and setup.py ships
that same folder inside the package as ``swap_plugin.configs``: a source checkout, an
editable install and a wheel read one set of files (:func:`config_dir`). A study of a
space reads that space's config or stops (:func:`study_config`); there are no built-in
fallback settings.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import yaml

# spaces registered in swap_plugin.spaces that have no study config, on purpose, and why
NO_STUDY = {
    "darts": "the DARTS search space's studies are nb301 (NB301 accuracy, configs/nb301.yaml) "
             "and darts_swap (the official correlation.py set, configs/darts_swap.yaml)",
}


@dataclass
class StudyConfig:
    space: str = "nb201"
    dataset: str = "cifar10"           # benchmark dataset / TransNAS task
    # registered proxies (swap_plugin.proxies) and values stored in the ground truth (zc:<name>)
    proxies: List[str] = field(default_factory=lambda: ["swap", "reg_swap"])
    n: Union[int, str] = 1000          # archs per seed, or "all" (all when the table has fewer)
    seeds: List[int] = field(default_factory=lambda: [0])
    out: str = "run"
    metric: str = "val_accuracy"       # ground-truth metric correlated against
    gt_source: Optional[str] = None    # ground-truth source name or file (default per space)
    # scoring
    samples: int = 32                  # S images
    images: Optional[str] = None       # dataset whose images are fed (default: dataset)
    image_source: Optional[str] = None  # .npz / folder / root (default: SWAP_DATA_DIR)
    input_size: Optional[int] = None   # resize images to this many pixels per side
    repeats: int = 1
    init: Optional[str] = None         # None or "gaussian"
    mode: str = "train"                # BatchNorm with batch statistics, as the paper
    mu: Union[float, str] = "auto"     # number (size_unit), "auto" or "paper"
    sigma: Union[float, str] = "auto"
    mu_quantile: float = 0.99
    formula: str = "paper"
    size_unit: str = "M"
    build: Dict[str, Any] = field(default_factory=dict)  # space.build keyword arguments
    workers: int = 1
    device: str = "cpu"
    config_file: Optional[str] = None  # the YAML these settings were read from (None: code)

    @classmethod
    def from_yaml(cls, path, **overrides) -> "StudyConfig":
        """The settings of a YAML file, with ``overrides`` (None values ignored) on top;
        ``config_file`` records the file."""
        path = Path(path).expanduser()
        data = _read_yaml(path)
        given = {k: v for k, v in overrides.items() if v is not None}
        try:
            return cls.from_dict({**data, **given, "config_file": str(path.resolve())})
        except ValueError as err:
            raise ValueError(f"study config {path}: {err}") from None

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "StudyConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown study option(s) {sorted(unknown)}; valid: {sorted(known)}")
        cfg = cls(**data)
        cfg.validate()
        return cfg

    def validate(self) -> None:
        """Every option in its domain, or a ValueError naming the option (the config key;
        on the command line the flag of the same name, ``--input-size`` for input_size)."""
        from ..metric.init import INITS
        from ..metric.params import SIZE_UNITS
        from ..metric.regulariser import FORMULAS

        from ..proxies import resolve_name

        if not isinstance(self.proxies, list) or not self.proxies:
            raise ValueError(f"proxies: give at least one proxy, e.g. [swap, reg_swap], got {self.proxies!r}")
        self.proxies = [resolve_name(p) for p in self.proxies]  # deprecated bare stored names -> zc:<name>
        twice = sorted({p for p in self.proxies if self.proxies.count(p) > 1})
        if twice:
            raise ValueError(f"proxies {twice} named twice: each proxy's results go to its own folder")
        if self.n != "all" and (not _is_int(self.n) or self.n < 2):
            raise ValueError("n must be an integer >= 2 (a correlation needs two archs) or 'all', "
                             f"got {self.n!r}")
        if not isinstance(self.seeds, list) or not self.seeds:
            raise ValueError(f"seeds: give at least one seed, e.g. [0, 1, 2] (--seeds 0-2 or 0,3,7), "
                             f"got {self.seeds!r}")
        bad = [s for s in self.seeds if not _is_int(s) or s < 0]
        if bad:
            raise ValueError(f"seeds must be integers >= 0, got {bad}")
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds {self.seeds} name a seed twice: each seed's results go to its own folder")
        for name, lo, what in (("samples", 1, "S, images per batch"), ("repeats", 1, "scorings per arch"),
                               ("workers", 1, "scoring processes")):
            v = getattr(self, name)
            if not _is_int(v) or v < lo:
                raise ValueError(f"{name} ({what}) must be an integer >= {lo}, got {v!r}")
        if self.input_size is not None and (not _is_int(self.input_size) or self.input_size < 1):
            raise ValueError(f"input_size must be a number of pixels >= 1 or null (the benchmark's "
                             f"own), got {self.input_size!r}")
        for name, lo in (("mu", None), ("sigma", 0)):
            v = getattr(self, name)
            if v in ("auto", "paper"):
                continue
            if not _is_number(v) or (lo is not None and v <= lo):
                need = "a finite number > 0" if lo is not None else "a finite number"
                raise ValueError(f"{name} must be {need} (in size_unit), 'auto' or 'paper', got {v!r}")
        if not _is_number(self.mu_quantile) or not 0 < self.mu_quantile <= 1:
            raise ValueError(f"mu_quantile must be in (0, 1], got {self.mu_quantile!r}")
        for name, allowed in (("init", INITS), ("mode", ("train", "eval", None)), ("formula", FORMULAS),
                              ("size_unit", tuple(SIZE_UNITS))):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {list(allowed)}, got {getattr(self, name)!r}")
        if not isinstance(self.build, dict):
            raise ValueError(f"build must be a mapping of the space's build keyword arguments, "
                             f"e.g. {{C: 16, N: 5}}, got {self.build!r}")

    def scoring_key(self) -> Dict[str, Any]:
        """Options that change a per-arch record: a resumed run must match them."""
        keys = ("space", "dataset", "samples", "images", "image_source", "input_size",
                "repeats", "init", "mode", "build")
        key = {k: getattr(self, k) for k in keys}
        if "swap_ensemble" in self.proxies:  # its other members are computed per arch
            from ..proxies import ENSEMBLE_MEMBERS

            key["ensemble_members"] = list(ENSEMBLE_MEMBERS)
        return key

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


SEED_FORMS = "a range such as 0-4, a list such as 0,3,7, or both (0-2,7)"


def parse_seeds(text: Union[str, List[int], int]) -> List[int]:
    """"0-4" → [0..4]; "0,3,7" → [0, 3, 7]; lists and ints pass through. Seeds are
    integers >= 0, each once; anything else is a ValueError that says what is wrong.

    >>> parse_seeds("0-2,7")
    [0, 1, 2, 7]
    >>> parse_seeds("3-1")
    Traceback (most recent call last):
    ...
    ValueError: '3-1' is a descending range: write the lower seed first (1-3)
    """
    if isinstance(text, int) and not isinstance(text, bool):
        parts: List[Any] = [text]
    elif isinstance(text, list):
        parts = list(text)
    elif not str(text).strip():
        raise ValueError(f"no seed given: give {SEED_FORMS}")
    else:
        parts = [p.strip() for p in str(text).split(",")]
    out: List[int] = []
    for part in parts:
        if _is_int(part):
            seeds = [part]
        elif _digits(part):
            seeds = [int(part)]
        elif isinstance(part, str) and part.count("-") == 1 and all(_digits(h.strip()) for h in part.split("-")):
            a, b = (int(h) for h in part.split("-"))
            if a > b:
                raise ValueError(f"{part!r} is a descending range: write the lower seed first ({b}-{a})")
            seeds = list(range(a, b + 1))
        elif part == "":
            raise ValueError(f"{text!r} has an empty entry: give {SEED_FORMS}")
        else:
            raise ValueError(f"{part!r} is not a seed or a range of seeds: give {SEED_FORMS} "
                             "(seeds are integers >= 0)")
        out.extend(seeds)
    negative = [s for s in out if s < 0]
    if negative:
        raise ValueError(f"seeds must be integers >= 0, got {negative}: give {SEED_FORMS}")
    twice = sorted({s for s in out if out.count(s) > 1})
    if twice:
        raise ValueError(f"seed(s) {twice} given twice in {text!r}: give each seed once")
    if not out:
        raise ValueError(f"no seed in {text!r}: give {SEED_FORMS}")
    return out


def _read_yaml(path: Path) -> Dict[str, Any]:
    """A study config file's options; errors name the file."""
    if not path.is_file():
        raise FileNotFoundError(f"study config {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        raise ValueError(f"study config {path} is not valid YAML: {err}") from None
    if data is None:  # an empty file would silently run on built-in defaults
        raise ValueError(f"study config {path} is empty: it must be a mapping of study options "
                         "(space: nb201, n: 1000, ...); copy one from configs/ to start from")
    if not isinstance(data, dict):
        raise ValueError(f"study config {path} must be a mapping of study options (space: nb201, "
                         f"n: 1000, ...), got a {type(data).__name__}")
    return data


def _digits(v) -> bool:
    return isinstance(v, str) and v.isascii() and v.isdigit()


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def config_dir() -> Path:
    """The folder of this install's study configs.

    A source checkout (run in place, on PYTHONPATH or installed editable) reads the
    ``configs/`` beside its ``swap_plugin/`` (the files of the code that runs, whichever
    checkout another editable install maps); an installed wheel reads its packaged copy,
    ``importlib.resources.files("swap_plugin.configs")``. Neither: FileNotFoundError."""
    import importlib.resources

    root = Path(__file__).resolve().parents[2]
    checkout = root / "configs"
    if (root / "setup.py").is_file() and (checkout / "__init__.py").is_file():
        return checkout
    try:
        packaged = importlib.resources.files("swap_plugin.configs")
    except ModuleNotFoundError:
        packaged = None
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    raise FileNotFoundError(
        f"the study configs are missing from this install: neither {checkout} (a source checkout) "
        "nor the package data swap_plugin/configs (a wheel) exists; reinstall swap_plugin "
        "(pip install . from the repository), or pass a config file with --config")


def config_path(name: str) -> Path:
    """``configs/<name>.yaml`` of this install (``name`` may end in .yaml or name a file in
    a sub-folder, e.g. ``naslib/zc_swap_nb201``); FileNotFoundError listing those there."""
    base = config_dir()
    path = base / (name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if not path.is_file():
        have = sorted(p.stem for p in base.glob("*.yaml"))
        raise FileNotFoundError(f"no study config {path}; this install has {', '.join(have)}")
    return path


def study_config(space: str, config: Union[str, Path, None] = None, **overrides) -> StudyConfig:
    """The settings a study of ``space`` runs: the YAML file ``config`` or else
    ``configs/<space>.yaml`` of this install, with ``overrides`` (None: keep the file's)
    on top. A space without a config is an error, never built-in defaults; those without
    one on purpose (NO_STUDY) say which study to run instead."""
    from ..spaces import canonical_space, list_spaces

    try:
        space = canonical_space(space)  # an alias (nasbench201) is the space it names
    except ValueError as err:
        raise ValueError(f"unknown space {space!r}; the spaces are {', '.join(list_spaces())}"
                         + (f" ({err})" if "ambiguous" in str(err) else "")) from None
    if config is not None:
        path = Path(config).expanduser()
        named = _read_yaml(path).get("space")
        if named not in (None, space):
            raise ValueError(f"config {path} is a study of space {named!r}, not {space!r}: "
                             f"pass --space {named} or another config")
        return StudyConfig.from_yaml(path, space=space, **overrides)
    if space in NO_STUDY:
        raise FileNotFoundError(f"space {space!r} has no study config (configs/{space}.yaml, by design): "
                                f"{NO_STUDY[space]}; or give your own file with --config")
    try:
        path = config_path(space)
    except FileNotFoundError as err:
        raise FileNotFoundError(f"space {space!r}: {err}; give a config file with --config") from None
    return StudyConfig.from_yaml(path, space=space, **overrides)
