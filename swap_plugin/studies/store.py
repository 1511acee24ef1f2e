"""Append-only JSONL store of per-arch records: the resume point of every long run.

Each line is one finished arch. A run killed mid-write leaves at most a torn last
line, which is ignored (and cut off by the next append), so ``kill -9`` loses at most
the arch being scored. Reading never changes the file, so a report may read a store
that a running study is still appending to.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Dict, Iterator


class RecordStore:
    def __init__(self, path: os.PathLike):
        self.path = Path(path)
        self._records: Dict[str, dict] = {}
        self._cut_to = None  # size of the whole lines read, when a torn tail follows them
        self._writable = False  # folder made and torn tail cut: done once, at the first append
        self._read()

    def _read(self) -> None:
        if not self.path.exists():
            return
        good_bytes = 0
        with open(self.path, "rb") as fh:
            for raw in fh:
                try:
                    rec = json.loads(raw)
                except json.JSONDecodeError:
                    break  # torn tail of a killed run
                if not raw.endswith(b"\n"):
                    break
                self._records[rec["key"]] = rec
                good_bytes += len(raw)
        if good_bytes != self.path.stat().st_size:
            self._cut_to = good_bytes

    def __contains__(self, key: str) -> bool:
        return key in self._records

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[dict]:
        return iter(self._records.values())

    def get(self, key: str) -> dict:
        return self._records[key]

    def append(self, record: dict) -> None:
        """Write one record durably (flush + fsync) before it counts as done."""
        line = json.dumps(record, separators=(",", ":"), sort_keys=True) + "\n"
        if not self._writable:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._cut_to is not None:  # resuming after a kill: drop the torn tail first
                with open(self.path, "r+b") as fh:
                    fh.truncate(self._cut_to)
            self._writable = True
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        self._records[record["key"]] = record
