"""Paper Fig. 4 / NAS-Bench-Suite-Zero heatmap: Spearman ρ of every proxy on every task.

Pure functions, in pipeline order:

* :func:`collect` finds every ``scores.json`` below some roots and returns one record per
  file (proxy, space, dataset, seed, arch count, Spearman), inferring what it can from the
  path and the config dict (NASLib layouts, ours and the zerocost branch's);
* :func:`build_table` averages over seeds into a proxies × tasks DataFrame, rows sorted by
  their mean over tasks (best on top), columns in the paper's task order;
* :func:`plot_heatmap` draws the figure; :func:`write_outputs` saves PNG, PDF and CSV;
* :func:`describe` writes the markdown record of how the figure was made.
"""
from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from ..proxies import name_in_file

# ---------------------------------------------------------------- names and order

# Space and dataset names are the registries' (swap_plugin.spaces, swap_plugin.data); the
# order of the columns and the dataset labels are this figure's (the paper's Fig. 4).
SPACE_ORDER = ("nb101", "nb201", "nb301", "tnb101_micro", "tnb101_macro")
DATASET_ORDER = ("cifar10", "cifar100", "ImageNet16-120", "class_scene", "class_object",
                 "jigsaw", "room_layout", "segmentsemantic", "normal", "autoencoder")
DATASET_LABELS = {"cifar10": "C10", "cifar100": "C100", "ImageNet16-120": "IN16",
                  "class_scene": "Scene", "class_object": "Object", "jigsaw": "Jigsaw",
                  "room_layout": "Layout", "segmentsemantic": "Segm.", "normal": "Normal",
                  "autoencoder": "Autoenc."}


def canon_space(name: str) -> str:
    """The registered space of a name in a results file (NASLib's names included: its
    ``darts`` is NB301); a name no space has is kept as it is."""
    from ..spaces import space_for_naslib

    return space_for_naslib(str(name)) or str(name)


def canon_dataset(name: str, space: Optional[str] = None) -> str:
    """The canonical dataset name (``swap_plugin.data.canonical_dataset``); in a file of a
    registered space, ``imagenet`` means that space's ImageNet (NB201: ImageNet16-120)."""
    from ..data import canonical_dataset
    from ..spaces import list_spaces, space_class

    among = space_class(space).datasets if space in list_spaces() else None
    return canonical_dataset(name, among=among, strict=False)


def space_label(space: str) -> str:
    from ..spaces import list_spaces, space_class

    return space_class(space).label if space in list_spaces() else space


def is_ours(proxy: str) -> bool:
    """Drawn bold: the paper's proxies (registry family ``swap``) and their variants
    (``reg_swap_mu1``, ...)."""
    from ..proxies import list_proxies

    return any(proxy == o or proxy.startswith(o + "_") for o in list_proxies(family="swap"))


# ---------------------------------------------------------------- collect

@dataclass
class Record:
    """One scores.json: one proxy on one task for one seed."""
    proxy: str
    space: str
    dataset: str
    seed: int
    spearman: float
    n: Optional[int]           # archs correlated (None when the file does not say)
    requested_n: Optional[int]  # archs asked for (config ``n``); > n means "the whole table"
    gt_source: Optional[str]
    root: str
    path: str
    members: Optional[str] = None  # an ensemble's members, when its config names them


def _int_or_none(v) -> Optional[int]:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _from_path(path: Path, root: Path) -> Dict[str, object]:
    """space/dataset/proxy/seed from ``[correlation/]{space}/{dataset}/{proxy}/{seed}/scores.json``.

    A non-numeric folder above scores.json is taken as the proxy (no seed folder)."""
    rel = path.relative_to(root) if path.is_relative_to(root) else path
    parts = list(rel.parts[:-1])
    if "correlation" in parts:
        parts = parts[len(parts) - 1 - parts[::-1].index("correlation") + 1:]
    out: Dict[str, object] = {}
    if parts and _int_or_none(parts[-1]) is not None:
        out["seed"] = int(parts.pop())
    for key in ("proxy", "dataset", "space"):
        if parts:
            out[key] = parts.pop()
    return out


def _parse_file(data) -> Tuple[dict, List[dict]]:
    """(config, [result dicts holding 'spearman']) from ``[config, results]``, a list of
    dicts (config first or merged in), or one dict."""
    items = data if isinstance(data, list) else [data]
    items = [d for d in items if isinstance(d, dict)]
    results = [d for d in items if "spearman" in d]
    configs = [d for d in items if "spearman" not in d]
    config = configs[0] if configs else (results[0] if results else {})
    return config, results


def _n_of(res: dict, conf: dict) -> Optional[int]:
    # the sampled arch set (test_size) names the column; a proxy missing a value for a
    # few archs (n < test_size) still belongs to it
    for v in (conf.get("test_size"), res.get("n")):
        if _int_or_none(v) is not None:
            return int(v)
    if isinstance(res.get("full_ytest"), list):
        return len(res["full_ytest"])
    return None


def collect(roots: Sequence[str], proxies: Optional[Iterable[str]] = None) -> List[Record]:
    """Every readable ``scores.json`` below ``roots`` (a file given directly also counts).

    Config keys ``predictor``, ``search_space``, ``dataset``, ``seed`` win over the path;
    files without a finite Spearman are skipped with a warning."""
    keep = set(proxies) if proxies else None
    records: List[Record] = []
    for root in roots:
        root = Path(root)
        if not root.exists():
            warnings.warn(f"heatmap: {root} does not exist; skipped")
            continue
        files = [root] if root.is_file() else sorted(root.rglob("scores.json"))
        base = root.parent if root.is_file() else root
        for path in files:
            try:
                conf, results = _parse_file(json.loads(path.read_text()))
            except (OSError, json.JSONDecodeError) as err:  # a file being written
                warnings.warn(f"heatmap: cannot read {path} ({err}); skipped")
                continue
            vals = [float(r["spearman"]) for r in results
                    if r.get("spearman") is not None and math.isfinite(float(r["spearman"]))]
            if not vals:
                warnings.warn(f"heatmap: no finite spearman in {path}; skipped")
                continue
            guess = _from_path(path, base)
            proxy = conf.get("predictor") or guess.get("proxy")
            if proxy:  # an older study of ours named stored values without zc:
                proxy = name_in_file(conf, str(proxy))
            space = conf.get("search_space") or conf.get("space") or guess.get("space")
            dataset = conf.get("dataset") or guess.get("dataset")
            seed = _int_or_none(conf.get("seed"))
            seed = seed if seed is not None else guess.get("seed", 0)
            if not (proxy and space and dataset):
                warnings.warn(f"heatmap: cannot tell proxy/space/dataset of {path}; skipped")
                continue
            if keep is not None and proxy not in keep:
                continue
            gt = conf.get("gt_source")
            records.append(Record(
                proxy=str(proxy), space=canon_space(space), dataset=canon_dataset(dataset, canon_space(space)),
                seed=int(seed), spearman=float(np.mean(vals)), n=_n_of(results[0], conf),
                requested_n=_int_or_none(conf.get("n")), gt_source=None if gt is None else str(gt),
                root=str(root), path=str(path),
                members=" + ".join(conf["ensemble_members"]) if conf.get("ensemble_members") else None))
    return records


def ensemble_members(records: Sequence[Record]) -> Dict[str, List[str]]:
    """``{proxy: [member sets]}`` for every proxy some file names members of
    ("not recorded" for its files that do not)."""
    named = {r.proxy for r in records if r.members}
    out: Dict[str, List[str]] = {}
    for r in records:
        if r.proxy in named:
            sets = out.setdefault(r.proxy, [])
            m = r.members or "not recorded"
            if m not in sets:
                sets.append(m)
    return out


def mean_spearman(records: Iterable[Record], *fields: str) -> Dict[tuple, float]:
    """``{(values of fields): mean Spearman}`` over the records sharing them (e.g. the
    seeds of a task: ``mean_spearman(records, "space", "dataset")``). None is a key value
    like any other (a ``gt_source`` of None: the default ground truth)."""
    by: Dict[tuple, list] = {}
    for r in records:
        by.setdefault(tuple(getattr(r, f) for f in fields), []).append(r.spearman)
    return {k: float(np.mean(v)) for k, v in by.items()}


def records_frame(records: Sequence[Record]) -> pd.DataFrame:
    cols = list(Record.__dataclass_fields__)
    return pd.DataFrame([r.__dict__ for r in records], columns=cols)


# ---------------------------------------------------------------- table

def _task_sort_key(space: str, dataset: str, n) -> tuple:
    si = SPACE_ORDER.index(space) if space in SPACE_ORDER else len(SPACE_ORDER)
    di = DATASET_ORDER.index(dataset) if dataset in DATASET_ORDER else len(DATASET_ORDER)
    return (si, space, di, dataset, -1 if n is None or pd.isna(n) else int(n))


def column_key(space: str, dataset: str, n=None) -> str:
    """Column name in the table/CSV: ``nb201/cifar10`` or ``nb201/cifar10@725``."""
    base = f"{space}/{dataset}"
    return base if n is None or pd.isna(n) else f"{base}@{int(n)}"


def column_label(space: str, dataset: str, n=None) -> str:
    """Tick label: ``NB201\\nC10\\nn=725``."""
    lab = f"{space_label(space)}\n{DATASET_LABELS.get(dataset, dataset)}"
    return lab if n is None or pd.isna(n) else f"{lab}\nn={int(n)}"


def dedupe(df: pd.DataFrame, split_by_n: bool = True) -> pd.DataFrame:
    """One row per (proxy, task[, n], seed): a duplicate from a later root is dropped."""
    if df.empty:
        return df
    df = df.copy()
    df["n_key"] = df["n"] if split_by_n else np.nan
    df["root_rank"] = df["root"].map({r: i for i, r in enumerate(dict.fromkeys(df["root"]))})
    df = df.sort_values(["root_rank", "path"], kind="stable")
    keys = ["proxy", "space", "dataset", "n_key", "seed"]
    return df.drop_duplicates(subset=keys, keep="first").drop(columns="root_rank")


def build_table(records: Sequence[Record], split_by_n: bool = True,
                proxies: Optional[Sequence[str]] = None) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """(table, meta): table = mean Spearman over seeds, proxies × tasks (NaN where missing),
    rows sorted by their mean over the tasks they have (best first), columns in paper order.
    meta has one row per column: space, dataset, n, label, seeds, roots.

    With ``split_by_n`` a task scored on two arch sets of different size (e.g. the 725
    NB-Suite-Zero archs and 1,000 sampled ones) gets two columns; without it the first root
    wins for each (proxy, task, seed)."""
    df = dedupe(records_frame(records), split_by_n)
    if proxies:
        df = df[df["proxy"].isin(proxies)] if not df.empty else df
    if df.empty:
        return pd.DataFrame(dtype=float), pd.DataFrame(
            columns=["space", "dataset", "n", "label", "seeds", "roots", "archs"])
    df["col"] = [column_key(s, d, n) for s, d, n in zip(df["space"], df["dataset"], df["n_key"])]
    cell = df.groupby(["proxy", "col"])["spearman"].mean()
    table = cell.unstack("col")
    cols = sorted(df.groupby("col").first()[["space", "dataset", "n_key"]].itertuples(),
                  key=lambda r: _task_sort_key(r.space, r.dataset, r.n_key))
    order_cols = [c.Index for c in cols]
    table = table.reindex(columns=order_cols)
    rows = list(proxies) if proxies else list(table.index)
    table = table.reindex(index=[p for p in rows if p in table.index])
    mean = table.mean(axis=1, skipna=True)
    table = table.loc[sorted(table.index, key=lambda p: (-mean[p], p))]
    table.index.name, table.columns.name = "proxy", "task"
    meta_rows = []
    for c in cols:
        sub = df[df["col"] == c.Index]
        meta_rows.append(dict(
            column=c.Index, space=c.space, dataset=c.dataset,
            n=None if pd.isna(c.n_key) else int(c.n_key),
            label=column_label(c.space, c.dataset, c.n_key),
            seeds=sorted(int(s) for s in sub["seed"].unique()),
            roots=list(dict.fromkeys(sub["root"])),
            archs=describe_archs(sub)))
    meta = pd.DataFrame(meta_rows).set_index("column")
    return table, meta


def describe_archs(sub: pd.DataFrame) -> str:
    """'NB-Suite-Zero archs (725)', '1,000 sampled archs' or 'N archs' for one column."""
    ns = sorted({int(n) for n in sub["n"].dropna()})
    if not ns:
        return "arch count not recorded"
    n_txt = "/".join(f"{n:,}" for n in ns)
    gts = {str(g).lower() for g in sub["gt_source"].dropna()}
    if any("zc" in g or "zero" in g for g in gts):
        return f"NB-Suite-Zero archs ({n_txt})"
    req = {int(r) for r in sub["requested_n"].dropna()}
    if req and all(r > max(ns) for r in req):
        return f"all {n_txt} archs of the benchmark table"
    if req:
        return f"{n_txt} sampled archs"
    return f"{n_txt} archs"


# ---------------------------------------------------------------- figure

def plot_heatmap(table: pd.DataFrame, meta: Optional[pd.DataFrame] = None,
                 title: Optional[str] = None, cmap: str = "viridis",
                 vmin: Optional[float] = None, vmax: Optional[float] = None):
    """The heatmap as a matplotlib Figure: cells annotated with 2 decimals, missing cells
    grey and blank, our rows (swap, reg_swap, reg_swap_*) with bold labels and a frame.

    Colour limits default to [min(0, lowest value rounded down to 0.1), 1]."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    nrows, ncols = table.shape
    if nrows == 0 or ncols == 0:
        raise ValueError("nothing to plot: no scores.json with a spearman value was found")
    labels = [meta.loc[c, "label"] if meta is not None and c in meta.index else c
              for c in table.columns]
    width = max(4.5, 1.6 + 0.78 * ncols)
    height = max(2.8, 1.5 + 0.36 * nrows)
    fig, ax = plt.subplots(figsize=(width, height))
    cm = matplotlib.colormaps[cmap].with_extremes(bad="#d9d9d9")
    finite = table.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    if vmin is None:
        vmin = min(0.0, math.floor(finite.min() * 10) / 10) if finite.size else 0.0
    if vmax is None:
        vmax = 1.0
    norm = Normalize(vmin=vmin, vmax=vmax)
    data = np.ma.masked_invalid(table.to_numpy(dtype=float))
    im = ax.imshow(data, cmap=cm, norm=norm, aspect="auto", interpolation="nearest")
    for i in range(nrows):
        for j in range(ncols):
            v = table.iat[i, j]
            if pd.isna(v):
                continue
            r, g, b, _ = cm(norm(v))
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8.5,
                    color="white" if dark else "black",
                    fontweight="bold" if is_ours(table.index[i]) else "normal")
    ax.set_xticks(range(ncols), labels, fontsize=8.5)
    ax.set_yticks(range(nrows), list(table.index), fontsize=9)
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    for lab, proxy in zip(ax.get_yticklabels(), table.index):
        if is_ours(proxy):
            lab.set_fontweight("bold")
    # thin white grid between cells, a black frame round each of our rows
    ax.set_xticks(np.arange(-0.5, ncols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, nrows, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.2)
    ax.tick_params(which="minor", length=0)
    for s in ax.spines.values():
        s.set_visible(False)
    for i, proxy in enumerate(table.index):
        if is_ours(proxy):
            ax.add_patch(plt.Rectangle((-0.5, i - 0.5), ncols, 1, fill=False, edgecolor="black",
                                       linewidth=1.3, clip_on=False, zorder=4))
    # separators between search spaces
    spaces = [meta.loc[c, "space"] if meta is not None and c in meta.index else c.split("/")[0]
              for c in table.columns]
    for j in range(1, ncols):
        if spaces[j] != spaces[j - 1]:
            ax.axvline(j - 0.5, color="black", linewidth=1.0, zorder=4)
    cbar = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
    cbar.set_label("Spearman ρ (mean over seeds)", fontsize=8.5)
    cbar.ax.tick_params(labelsize=8)
    if title:
        ax.set_title(title, fontsize=10.5, pad=8)
    fig.tight_layout()
    return fig


PNG_DPI = 130  # keeps a 20-column figure under ~0.5 MB; the PDF is vector


def output_paths(stem: str) -> Dict[str, Path]:
    """``{"png": STEM.png, "pdf": STEM.pdf, "csv": STEM.csv}``."""
    stem_p = Path(stem)
    return {ext: stem_p.with_name(stem_p.name + "." + ext) for ext in ("png", "pdf", "csv")}


def render_outputs(fig, table: pd.DataFrame, dpi: Optional[int] = None) -> Dict[str, bytes]:
    """The bytes of the PNG (``dpi``, default :data:`PNG_DPI`), the vector PDF and the CSV
    (the table to 4 decimals); the same records give the same bytes."""
    import io

    png, pdf = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=PNG_DPI if dpi is None else dpi, bbox_inches="tight")
    # no creation date: the same records give the same bytes, so a rerun shows no change
    fig.savefig(pdf, format="pdf", bbox_inches="tight", metadata={"CreationDate": None})
    csv = table.to_csv(float_format="%.4f")
    return {"png": png.getvalue(), "pdf": pdf.getvalue(), "csv": csv.encode()}


def write_outputs(fig, table: pd.DataFrame, stem: str, dpi: Optional[int] = None,
                  overwrite: bool = False) -> Dict[str, Path]:
    """Write ``stem``.png, .pdf and .csv (:func:`render_outputs`), each atomically. An
    existing file with other content is replaced only when ``overwrite``; otherwise
    :class:`~swap_plugin.files.OutputExistsError` names it and nothing is written."""
    from ..files import write_outputs_guarded

    out, data = output_paths(stem), render_outputs(fig, table, dpi)
    write_outputs_guarded({out[e]: data[e] for e in out}, overwrite=overwrite)
    return out


def describe(command: str, roots: Sequence[str], table: pd.DataFrame, meta: pd.DataFrame,
             outputs: Dict[str, Path], n_files: int, members: Optional[Dict[str, List[str]]] = None,
             run_commands: Optional[Sequence[str]] = None) -> str:
    """Markdown record of how the figure was made (written by the command, not by hand).
    ``members``: :func:`ensemble_members` of the records, named under the table;
    ``run_commands``: the commands that produced the roots, listed after them."""
    lines = ["# Fig. 4 heatmap: Spearman ρ of proxies vs. benchmark accuracy", "",
             "Written by `swap-nas heatmap --report`; regenerate with:", "",
             "```", command, "```", "",
             "Roots read (every `scores.json` below them, " + f"{n_files} files used):", ""]
    lines += [f"- `{r}`" + ("" if Path(r).exists() else " (not found when this was written)")
              for r in roots]
    if run_commands:
        lines += ["", "Runs produced by:", "", "```", *run_commands, "```"]
    lines += ["", "Outputs: " + ", ".join(f"`{p}`" for p in outputs.values()), "",
              "Each cell is the Spearman ρ averaged over the seeds listed for its column "
              "(the union over its proxies); grey cells have no result. Rows are sorted by their mean over the columns they have "
              "(so rows with few columns are not comparable in rank). Our proxies (swap, "
              "reg_swap, reg_swap_*) are bold.", "",
              "| column | space | dataset | archs per seed | seeds | proxies | roots |",
              "|---|---|---|---|---|---|---|"]
    for col, m in meta.iterrows():
        have = int(table[col].notna().sum()) if col in table else 0
        lines.append(f"| {col} | {m['space']} | {m['dataset']} | {m['archs']} | "
                     f"{','.join(map(str, m['seeds']))} | {have} | "
                     f"{', '.join('`' + r + '`' for r in m['roots'])} |")
    lines += ["", "Table (also in the CSV):", "", _markdown_table(table), ""]
    for proxy, sets in (members or {}).items():
        lines.append(f"`{proxy}` members (from the files' configs): " + "; ".join(f"`{m}`" for m in sets)
                     + (" — different sets: its cells average over them" if len(sets) > 1 else "") + "\n")
    return "\n".join(lines)


def _markdown_table(table: pd.DataFrame) -> str:
    head = "| proxy | " + " | ".join(table.columns) + " | mean |"
    sep = "|---|" + "---|" * (len(table.columns) + 1)
    rows = [head, sep]
    for p, row in table.iterrows():
        cells = ["" if pd.isna(v) else f"{v:.2f}" for v in row]
        m = row.mean(skipna=True)
        name = f"**{p}**" if is_ours(p) else p
        rows.append(f"| {name} | " + " | ".join(cells) + f" | {'' if pd.isna(m) else f'{m:.2f}'} |")
    return "\n".join(rows)
