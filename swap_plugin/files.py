"""Writing and reading this project's own files so that no user's work is lost.

The lowest layer of the package (standard library only), so every other layer may use it:

* :func:`atomic_output` / :func:`atomic_write_bytes` / :func:`atomic_write_text` /
  :func:`atomic_write_json`: the new content goes to a temporary file beside the target,
  is flushed to disk and then ``os.replace``-d over it, so a kill, a full disk or an
  exception mid-write leaves the old file or the new one, never a cut one;
* :func:`write_outputs_guarded`: write a set of output files, refusing (before writing
  any of them) to replace an existing file whose content would change unless asked;
* :func:`write_aside`: keep bytes a reader could not use in a new side file (never an
  existing one), so repairing a file moves lines aside instead of deleting them;
* :func:`read_json`: a cut, empty or garbled JSON file raises :class:`CorruptFileError`
  naming the file, what it holds and what to do, instead of ``Expecting value ...``;
* :func:`settings_diff`: which settings differ between a run on disk and the one asked for.
"""
from __future__ import annotations

import json
import os
import secrets
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional


class CorruptFileError(ValueError):
    """A file this project wrote (or reads) is empty, cut off or not in its format."""


class OutputExistsError(FileExistsError, ValueError):
    """Writing would replace an existing file that belongs to another run or command."""


@contextmanager
def atomic_output(path: os.PathLike, mode: str = "wb", **open_kw) -> Iterator[Any]:
    """``with atomic_output(p, "w") as fh: ...`` writes ``p`` all-or-nothing: into a
    temporary file in ``p``'s folder, fsync-ed, then renamed over ``p``. On an exception
    the temporary file is removed and ``p`` is untouched. Creates ``p``'s folder."""
    if "w" not in mode:
        raise ValueError(f"atomic_output writes whole files: mode must contain 'w', not {mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # umask applies, as for open()
    try:
        with os.fdopen(fd, mode, **open_kw) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: os.PathLike, data: bytes) -> Path:
    with atomic_output(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def atomic_write_text(path: os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    with atomic_output(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
    return Path(path)


def atomic_write_json(path: os.PathLike, obj: Any, **dumps_kw) -> Path:
    """``json.dumps(obj, **dumps_kw)`` written atomically (no trailing newline added)."""
    return atomic_write_text(path, json.dumps(obj, **dumps_kw))


def write_outputs_guarded(outputs: Mapping[os.PathLike, bytes], overwrite: bool = False,
                          how: str = "pass --overwrite to replace them, or choose another output path"
                          ) -> Dict[Path, str]:
    """Write every ``{path: bytes}`` atomically. An existing file whose bytes would change
    is replaced only when ``overwrite``; otherwise :class:`OutputExistsError` lists them
    all and nothing is written. Returns ``{path: "new" | "unchanged" | "replaced"}``."""
    outputs = {Path(p): bytes(b) for p, b in outputs.items()}
    state = {}
    for p, data in outputs.items():
        if not p.exists():
            state[p] = "new"
        elif p.is_file() and p.read_bytes() == data:
            state[p] = "unchanged"
        else:
            state[p] = "replaced"
    clash = [str(p) for p, s in state.items() if s == "replaced"]
    if clash and not overwrite:
        raise OutputExistsError(f"{', '.join(clash)} already exist{'s' if len(clash) == 1 else ''} "
                                f"with other content; {how} (nothing was written)")
    for p, data in outputs.items():
        if state[p] != "unchanged":
            atomic_write_bytes(p, data)
    return state


def write_aside(path: os.PathLike, tag: str, data: bytes) -> Path:
    """Write ``data`` to a new file ``<path>.<tag>-<UTC time>[-k]`` beside ``path``; an
    existing file is never replaced (exclusive create). Returns the side file."""
    path = Path(path)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    for k in range(10_000):
        side = path.with_name(f"{path.name}.{tag}-{stamp}" + (f"-{k}" if k else ""))
        try:
            fd = os.open(side, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        return side
    raise OutputExistsError(f"no free side-file name for {path} (10,000 {tag} files exist)")


def read_json(path: os.PathLike, what: str, todo: str) -> Any:
    """The JSON in ``path``; an empty, cut or garbled file raises :class:`CorruptFileError`
    saying which file, that it should hold ``what`` and ``todo`` (what the user can do)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise CorruptFileError(f"{path} is not a text file ({err.reason} at byte {err.start}); "
                               f"it should hold {what}. {todo}") from None
    if not text.strip():
        raise CorruptFileError(f"{path} is empty; it should hold {what}. {todo}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        where = err.msg if err.msg.endswith(" at") else err.msg + " at"
        raise CorruptFileError(f"{path} is not valid JSON ({where} line {err.lineno} column "
                               f"{err.colno}: cut off or edited?); it should hold {what}. {todo}") from None


def _flat(d: Mapping, prefix: str = "") -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, Mapping) and v:
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


_MISSING = object()


def settings_diff(old: Optional[Mapping], new: Mapping) -> List[str]:
    """``["mu: 1.5 (stored) vs 0.9 (now)", ...]`` for every (nested, dotted) setting that
    differs; empty when they agree."""
    a, b = _flat(old or {}), _flat(new)
    lines = []
    for k in sorted(set(a) | set(b)):
        va, vb = a.get(k, _MISSING), b.get(k, _MISSING)
        if va != vb:
            sa = "absent" if va is _MISSING else json.dumps(va, default=str)
            sb = "absent" if vb is _MISSING else json.dumps(vb, default=str)
            lines.append(f"{k}: {sa} (stored) vs {sb} (now)")
    return lines
