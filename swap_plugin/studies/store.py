"""Append-only JSONL store of per-arch records: the resume point of every long run.

Each line is one finished arch. A run killed mid-write leaves at most a torn last line,
so ``kill -9`` loses at most the arch being scored. A line that is not a complete record
(not JSON, not an object with a ``"key"``, or cut off at the end) is skipped with a
warning naming the file and its line numbers; every other record is kept, wherever it
sits in the file. Reading never changes the file, so a report may read a store that a
running study is still appending to.

At the first append after such lines were found, the skipped lines are copied byte for
byte into a new side file ``<store>.unreadable-<time>`` (never an existing one) and the
store is rewritten atomically with its complete records only, then appended to. Nothing
is deleted: the archs of the skipped lines are simply missing, so a study rescores them.
"""
from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

from ..files import atomic_write_bytes, write_aside


class RecordStore:
    def __init__(self, path: os.PathLike):
        self.path = Path(path)
        self._records: Dict[str, dict] = {}
        self._bad: List[Tuple[int, bytes, str]] = []  # (1-based line, raw bytes, why)
        self._newline_missing = False              # last line a complete record without "\n"
        self._writable = False  # folder made and skipped lines set aside: done at the first append
        self._read()

    def _read(self) -> None:
        if not self.path.exists():
            return
        with open(self.path, "rb") as fh:
            for no, raw in enumerate(fh, 1):  # streamed: only a file's last line lacks "\n"
                if not raw.strip():
                    continue  # a blank line holds nothing
                why = None
                try:
                    rec = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    why = "not JSON" if raw.endswith(b"\n") else "cut off at the end of the file"
                else:
                    if not isinstance(rec, dict) or not isinstance(rec.get("key"), str):
                        why = 'no "key"'
                if why is not None:
                    self._bad.append((no, raw, why))
                    continue
                if not raw.endswith(b"\n"):
                    self._newline_missing = True
                self._records[rec["key"]] = rec
        if self._bad:
            warnings.warn(f"{self.path}: skipped {describe_lines(self._bad)}; every other record is "
                          "kept, the archs of these lines count as not scored, and the lines are "
                          "moved to a side file when this store is next written", stacklevel=3)

    @property
    def skipped_lines(self) -> List[int]:
        """1-based numbers of the lines that were not complete records."""
        return [no for no, _, _ in self._bad]

    def __contains__(self, key: str) -> bool:
        return key in self._records

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[dict]:
        return iter(self._records.values())

    def get(self, key: str) -> dict:
        return self._records[key]

    def _make_writable(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._bad:
            side = write_aside(self.path, "unreadable", b"".join(
                raw if raw.endswith(b"\n") else raw + b"\n" for _, raw, _ in self._bad))
            skipped = set(self.skipped_lines)
            with open(self.path, "rb") as fh:  # the complete record lines, read again
                good = [raw if raw.endswith(b"\n") else raw + b"\n"
                        for no, raw in enumerate(fh, 1) if no not in skipped and raw.strip()]
            atomic_write_bytes(self.path, b"".join(good))
            warnings.warn(f"{self.path}: moved {describe_lines(self._bad)} to {side} "
                          f"({len(good)} complete records kept in place)", stacklevel=3)
            self._bad = []
        elif self._newline_missing:
            with open(self.path, "ab") as fh:  # complete the last record's line
                fh.write(b"\n")
        self._newline_missing = False
        self._writable = True

    def append(self, record: dict) -> None:
        """Write one record durably (flush + fsync) before it counts as done."""
        line = json.dumps(record, separators=(",", ":"), sort_keys=True) + "\n"
        if not self._writable:
            self._make_writable()
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        self._records[record["key"]] = record


def describe_lines(bad: List[Tuple[int, bytes, str]]) -> str:
    """``"line 50 (not JSON), line 101 (cut off ...)"``, at most 10 named."""
    parts = [f"{no} ({why})" for no, _, why in bad[:10]]
    more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
    return ("line " if len(bad) == 1 else "lines ") + ", ".join(parts) + more
