"""Sample-wise activation patterns (Def 3.2) as packed bits, and their distinct count.

A layer's binarised activations arrive as a ``(S, U)`` bool tensor: S samples, U units.
Each unit's column is its sample-wise pattern, an S-bit vector. We pack each column
into ``W = ceil(S / 64)`` int64 words right away, so the float ``V x S`` matrix of the
naive approach never exists, and count distinct rows over all layers at the end.
"""
from __future__ import annotations

from typing import List

import torch

# bit weights of one byte, shaped to multiply a (bytes, 8, units) uint8 view
_BYTE_WEIGHTS = torch.tensor([1, 2, 4, 8, 16, 32, 64, 128], dtype=torch.uint8).view(1, 8, 1)

# words kept before an intermediate dedupe (bounds memory on very large networks)
DEDUPE_EVERY = 32 * 2**20

# below this many samples a bitmap of all 2**S patterns is cheaper than sorting
BITMAP_MAX_SAMPLES = 20


_WORD_DTYPES = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}


def _word_bytes(n_samples: int) -> int:
    """Bytes per packed pattern: the smallest of 1, 2, 4 or a multiple of 8 that fits S."""
    n = -(-n_samples // 8)
    if n <= 4:
        return 4 if n == 3 else n
    return -(-n // 8) * 8


def pack_columns(bits: torch.Tensor) -> torch.Tensor:
    """``(S, U)`` bool -> ``(U, W)`` integer words; bit s of unit u's pattern is sample s
    (bit s mod 64 of word s // 64).

    Words are uint8 / int16 / int32 for S ≤ 8 / 16 / 32, else ``ceil(S/64)`` int64.
    Zero padding up to the word size is the same for every unit, so it never merges or
    splits patterns.

    >>> b = torch.tensor([[True, False, True], [True, True, False]])  # S=2, U=3
    >>> pack_columns(b).flatten().tolist()  # unit0: 0b11, unit1: 0b10, unit2: 0b01
    [3, 2, 1]
    """
    if bits.dtype != torch.bool or bits.dim() != 2:
        raise TypeError("pack_columns expects a 2-D bool tensor (samples, units)")
    s, u = bits.shape
    n_bytes = _word_bytes(s)
    b = bits.view(torch.uint8)
    if n_bytes * 8 != s:
        b = torch.cat([b, b.new_zeros(n_bytes * 8 - s, u)])
    weights = _BYTE_WEIGHTS.to(b.device)
    packed = (b.view(n_bytes, 8, u) * weights).sum(1, dtype=torch.uint8)  # (bytes, U)
    # assemble words from byte rows with shifts: cheaper than transposing the bytes
    dtype = _WORD_DTYPES[min(n_bytes, 8)]
    per_word = min(n_bytes, 8)
    words = []
    for w in range(0, n_bytes, per_word):
        word = packed[w].to(dtype)
        for j in range(1, per_word):
            word = word | (packed[w + j].to(dtype) << (8 * j))
        words.append(word)
    return torch.stack(words, dim=1)  # (U, W)


def pack_rows(bits: torch.Tensor) -> torch.Tensor:
    """``(S, U)`` bool -> ``(S, ceil(U/8))`` uint8: one packed vector per sample (Def 3.1)."""
    s, u = bits.shape
    pad = -u % 8
    b = bits.view(torch.uint8)
    if pad:
        b = torch.cat([b, b.new_zeros(s, pad)], dim=1)
    weights = _BYTE_WEIGHTS.to(b.device).view(1, 1, 8)
    return (b.view(s, -1, 8) * weights).sum(2, dtype=torch.uint8)


class SampleWisePatterns:
    """Accumulates the sample-wise patterns of many layers; ``count()`` gives Ψ.

    All hooked units of all layers form ONE set, as the official code concatenates
    every layer's activations before ``torch.unique``.
    """

    def __init__(self, n_samples: int, device: torch.device | str = "cpu"):
        if n_samples < 1:
            raise ValueError("need at least one sample")
        self.n_samples = n_samples
        self.units = 0
        self._bitmap = None
        self._chunks: List[torch.Tensor] = []
        self._kept = 0
        if n_samples <= BITMAP_MAX_SAMPLES:
            # every pattern is an index into 2**S flags: O(V), no sort at all
            self._bitmap = torch.zeros(1 << n_samples, dtype=torch.bool, device=device)

    def add(self, bits: torch.Tensor) -> None:
        """Add one layer's ``(S, U)`` binarised activations."""
        if bits.shape[0] != self.n_samples:
            raise ValueError(f"expected {self.n_samples} samples, got {bits.shape[0]}")
        words = pack_columns(bits)
        self.units += words.shape[0]
        if self._bitmap is not None:
            # sign-extended int16/int32 words: mask back to the S pattern bits
            self._bitmap[words[:, 0].long() & (self._bitmap.numel() - 1)] = True
        else:
            # one sort at the end is ~3x cheaper than one per layer; dedupe early only
            # when the kept words grow large
            self._chunks.append(words[:, 0] if words.shape[1] == 1 else words)
            self._kept += words.shape[0]
            if self._kept > DEDUPE_EVERY:
                self._merge()

    def _merge(self) -> None:
        merged = torch.cat(self._chunks)
        merged = torch.unique(merged) if merged.dim() == 1 else torch.unique(merged, dim=0)
        self._chunks, self._kept = [merged], merged.shape[0]

    def count(self) -> int:
        """Ψ: the number of distinct sample-wise patterns added so far."""
        if self._bitmap is not None:
            return int(self._bitmap.sum().item())
        if not self._chunks:
            return 0
        self._merge()
        return int(self._chunks[0].shape[0])


class StandardPatterns:
    """Accumulates standard activation patterns (Def 3.1): one V-bit vector per sample."""

    def __init__(self, n_samples: int, device: torch.device | str = "cpu"):
        self.n_samples = n_samples
        self.units = 0
        self._chunks: List[torch.Tensor] = []

    def add(self, bits: torch.Tensor) -> None:
        self.units += bits.shape[1]
        self._chunks.append(pack_rows(bits))

    def count(self) -> int:
        """|A| ≤ S: distinct per-sample patterns over all units."""
        if not self._chunks:
            return 0
        return int(torch.unique(torch.cat(self._chunks, dim=1), dim=0).shape[0])
