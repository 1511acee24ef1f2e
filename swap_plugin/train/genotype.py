"""Resolve what ``--genotype`` names into a DARTS-space architecture."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Tuple

from ..spaces import get_space


def _from_json_obj(obj: Any, where: str):
    space = get_space("darts")
    if isinstance(obj, str):
        return space.from_str(obj)
    if isinstance(obj, dict):
        if "genotype" in obj and isinstance(obj["genotype"], str):  # swap-nas search result.json
            return space.from_str(obj["genotype"])
        if "genotype_json" in obj:
            return space.from_json(obj["genotype_json"])
        if "normal" in obj and "reduce" in obj:
            return space.from_json(obj)
        if "arch" in obj:
            return space.decode(obj["arch"])
    raise ValueError(f"{where}: no genotype found (expected a 'genotype' string, a 'genotype_json' "
                     "object or normal/reduce lists)")


def _from_file(path: Path, space):
    """The genotype a file holds; every failure names the file and what it should hold."""
    what = ("should hold a Genotype(...) line (swap-nas search's genotype.txt), a search "
            "result.json or a JSON genotype")
    try:
        body = path.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise ValueError(f"--genotype {path}: not a text file; it {what}") from None
    if not body:
        raise ValueError(f"--genotype {path} is empty; it {what}")
    try:
        if path.suffix == ".json" or body.startswith("{"):
            try:
                obj = json.loads(body)
            except json.JSONDecodeError as err:
                raise ValueError(f"not valid JSON ({err.msg} at line {err.lineno})") from None
            return _from_json_obj(obj, str(path))
        try:
            return space.from_str(body)
        except ValueError:  # e.g. a genotype line followed by notes
            return space.from_str(body.splitlines()[0])
    except (ValueError, KeyError, IndexError, TypeError) as err:
        msg = str(err)
        if str(path) in msg:
            raise ValueError(msg) from None
        raise ValueError(f"--genotype {path}: {msg[:200]}; the file {what}") from None


def load_genotype(spec: str) -> Tuple[Any, str]:
    """``(arch, genotype_string)`` from a ``Genotype(...)`` string, a JSON object string,
    a path to ``genotype.txt`` / ``result.json`` (``swap-nas search`` output) / any JSON
    genotype, or the name of a published genotype in
    ``SWAP_DATA_DIR/darts/known_darts_genotypes.json`` (e.g. ``DARTS_V2``)."""
    space = get_space("darts")
    text = str(spec).strip()
    if not text:
        raise ValueError("empty --genotype")
    path = Path(text).expanduser()
    if len(text) < 4096 and "(" not in text and "{" not in text and path.is_file():
        arch = _from_file(path, space)
        return arch, space.to_str(arch)
    if text[0] in "{[(" or text.startswith("Genotype") or "Genotype(" in text[:40]:
        arch = space.from_str(text)
        return arch, space.to_str(arch)
    from ..paths import data_dir

    root = data_dir(required=False)
    known = root / "darts" / "known_darts_genotypes.json" if root else None
    if known is not None and known.is_file():
        table = json.loads(known.read_text())
        if text in table:
            arch = space.from_json(table[text])
            return arch, space.to_str(arch)
        hint = f"; known names: {', '.join(sorted(table)[:8])}, ..."
    else:
        from ..paths import ENV_VAR, origin

        where = f"{known} does not exist" if known is not None else f"no data directory was found ({ENV_VAR})"
        hint = (f"; names of published genotypes (DARTS_V2, PC-DARTS ...) are looked up in "
                f"darts/known_darts_genotypes.json ({origin('darts/known_darts_genotypes.json')}), but "
                f"{where}: set {ENV_VAR}, or pass the Genotype(...) string or a genotype file")
    raise ValueError(f"--genotype {text[:80]!r} is neither a Genotype(...) string, a JSON genotype, "
                     f"an existing file nor a known genotype name{hint}")


__all__ = ["load_genotype"]
