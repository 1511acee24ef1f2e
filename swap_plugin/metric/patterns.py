"""Sample-wise activation patterns (Def 3.2) as packed bits, and their distinct count.

A layer's binarised activations arrive as a ``(S, U)`` bool tensor: S samples, U units
(``(k*S, U)``, opt-in, from a network that folds k tiles per image into the batch: see
:func:`per_sample`).
Each unit's column is its sample-wise pattern, an S-bit vector. Each hook packs its
layer's columns into bytes right away (S/8 per unit, rounded up to a word), so the float
``V x S`` matrix of the naive approach never exists; at the end the byte rows of all
layers are read as words (``ceil(S / 64)`` int64, or one int8/16/32 for S ≤ 32) and the
distinct words counted: a 2**S bitmap for S ≤ 20, else one sort (multi-word patterns: of
whole rows). On CPU the sorts are numpy's: its SIMD sort (AVX2/AVX-512) beats a
2-thread ``torch.sort`` on one-word patterns, and sorting rows as opaque values beats
``torch.unique(dim=0)`` on multi-word ones (``scripts/bench_sort.py`` times both).
"""
from __future__ import annotations

import math
from typing import List, Optional

import numpy as np
import torch

# bit weights of one byte, shaped to multiply a (bytes, 8, units) uint8 view
_BYTE_WEIGHTS = torch.tensor([1, 2, 4, 8, 16, 32, 64, 128], dtype=torch.uint8).view(1, 8, 1)

# words kept before an intermediate dedupe (bounds memory on very large networks)
DEDUPE_EVERY = 32 * 2**20

# above this many units the final count allocates instead of growing the workspace, which
# keeps ~25 bytes per unit between scorings (8M units: ~200 MB)
WORKSPACE_MAX_UNITS = 8 * 2**20

# below this many samples a bitmap of all 2**S patterns is cheaper than sorting
BITMAP_MAX_SAMPLES = 20


_WORD_DTYPES = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}


def _word_bytes(n_samples: int) -> int:
    """Bytes per packed pattern: the smallest of 1, 2, 4 or a multiple of 8 that fits S."""
    n = -(-n_samples // 8)
    if n <= 4:
        return 4 if n == 3 else n
    return -(-n // 8) * 8


def pack_bytes(bits: torch.Tensor) -> torch.Tensor:
    """``(S, U)`` bool -> ``(B, U)`` uint8, B = the word size in bytes for S (see
    :func:`pack_columns`); bit k of byte j of unit u is sample 8j + k. This is all a hook
    does per layer: the per-layer byte rows are joined and read as words once, at the end."""
    s, u = bits.shape
    n_bytes = _word_bytes(s)
    b = bits.view(torch.uint8)
    if n_bytes * 8 != s:
        b = torch.cat([b, b.new_zeros(n_bytes * 8 - s, u)])
    return (b.view(n_bytes, 8, u) * _byte_weights(b.device)).sum(1, dtype=torch.uint8)


def words_from_bytes(packed: torch.Tensor, workspace: Optional["Workspace"] = None) -> torch.Tensor:
    """``(B, U)`` uint8 from :func:`pack_bytes` -> ``(U, W)`` words: byte j of a word in
    bits 8j.. (int8/16/32 for B ≤ 4, else B/8 int64). Shifts and ORs on whole byte rows:
    ~10x faster than transposing the bytes to read them as words (a strided byte copy).
    With a ``workspace`` the words live in its reused memory (valid until its next use)."""
    n_bytes, u = packed.shape
    per_word = min(n_bytes, 8)
    dtype = _WORD_DTYPES[per_word]
    n_words = n_bytes // per_word
    if workspace is None:
        words = torch.empty(u, n_words, dtype=dtype, device=packed.device)
        tmp = torch.empty(u, dtype=dtype, device=packed.device)
    else:
        words = workspace.take("words", (u, n_words), dtype, packed.device)
        tmp = workspace.take("shifted", (u,), dtype, packed.device)
    for w in range(n_words):
        word = words[:, w]
        word.copy_(packed[w * per_word])
        for j in range(1, per_word):
            tmp.copy_(packed[w * per_word + j]).bitwise_left_shift_(8 * j)
            word.bitwise_or_(tmp)
    return words


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
    return words_from_bytes(pack_bytes(bits))


_WEIGHTS_ON: dict = {}


def _byte_weights(device: torch.device) -> torch.Tensor:
    if device not in _WEIGHTS_ON:
        _WEIGHTS_ON[device] = _BYTE_WEIGHTS.to(device)
    return _WEIGHTS_ON[device]


def pack_rows(bits: torch.Tensor) -> torch.Tensor:
    """``(S, U)`` bool -> ``(S, ceil(U/8))`` uint8: one packed vector per sample (Def 3.1)."""
    s, u = bits.shape
    pad = -u % 8
    b = bits.view(torch.uint8)
    if pad:
        b = torch.cat([b, b.new_zeros(s, pad)], dim=1)
    weights = _byte_weights(b.device).view(1, 1, 8)
    return (b.view(s, -1, 8) * weights).sum(2, dtype=torch.uint8)


# numpy ≥ 2 sorts integers with SIMD (AVX2 / AVX-512); older numpy only with AVX-512
NUMPY_SORTS_FAST = int(np.__version__.split(".")[0]) >= 2


def _numpy_sorts(t: torch.Tensor) -> bool:
    """Whether ``t``'s words are sorted through numpy (CPU memory, a numpy with SIMD sorts)."""
    return t.device.type == "cpu" and NUMPY_SORTS_FAST


def sort_words_(words: torch.Tensor) -> torch.Tensor:
    """Sort 1-D integer ``words`` in place and return them; on CPU through numpy (its
    SIMD sort is faster than ``torch.sort``), in the same memory."""
    if _numpy_sorts(words):
        words.numpy().sort()
    else:
        words.copy_(torch.sort(words).values)
    return words


def unique_words(words: torch.Tensor) -> torch.Tensor:
    """The distinct values of 1-D ``words`` (sorted, through :func:`sort_words_`; the
    input's memory is sorted in place)."""
    ordered = sort_words_(words)
    keep = torch.ones(ordered.shape, dtype=torch.bool, device=ordered.device)
    torch.ne(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def unique_rows(words: torch.Tensor) -> torch.Tensor:
    """The distinct rows of a 2-D ``(U, W)`` word tensor, in no useful order. On CPU each
    row is sorted as one opaque W·8-byte numpy value, much faster than
    ``torch.unique(dim=0)``."""
    if words.shape[0] < 2 or not _numpy_sorts(words):
        return torch.unique(words, dim=0)
    a = words.contiguous().numpy()
    rows = np.sort(a.view(np.dtype((np.void, a.shape[1] * a.itemsize))).ravel())
    keep = np.empty(rows.shape[0], dtype=bool)
    keep[0] = True
    keep[1:] = rows[1:] != rows[:-1]  # void values: the operator, not the ufunc, compares them
    return torch.from_numpy(rows[keep].view(a.dtype).reshape(-1, a.shape[1]))


def count_steps(ordered: torch.Tensor, steps: Optional[torch.Tensor] = None) -> int:
    """Distinct values of a sorted 1-D tensor (≥ 1 element); ``steps``: a bool buffer of
    ``len - 1`` for the comparisons (scratch memory), else one is allocated."""
    return int(torch.count_nonzero(torch.ne(ordered[1:], ordered[:-1], out=steps))) + 1


def per_sample(bits: torch.Tensor, n_samples: int, folded: bool = False) -> torch.Tensor:
    """``(S, U)`` bits as they are. With ``folded``, ``(k*S, U)`` bits from a network that
    folds an extra input axis into the batch (``x.reshape(-1, ...)`` of ``(S, k, ...)``,
    e.g. NASLib's jigsaw graph with 9 tiles per image) become ``(S, k*U)``: rows
    b*k..b*k+k-1 belong to sample b, so each (tile, unit) is one unit with an S-bit
    pattern, as when a network runs its encoder on each tile in turn. Opt-in: a network
    that stacks views block-wise (``torch.cat([x, x2])``) would be grouped wrongly."""
    rows = bits.shape[0]
    if rows == n_samples:
        return bits
    multiple = rows > 0 and rows % n_samples == 0
    if folded and multiple:
        return bits.reshape(n_samples, -1)
    hint = (f" ({rows // n_samples} per sample: if the network folds an extra input axis into "
            "the batch as x.reshape(-1, ...) does, pass folded_batch=True)" if multiple else "")
    raise ValueError(f"an activation has batch {rows}, expected the {n_samples} input samples{hint}")


class Workspace:
    """Scratch tensors reused from one forward to the next.

    Fresh multi-megabyte tensors on every scoring are fresh pages for the OS to fault in:
    on the 2-core VM of ``scripts/bench_scoring.py`` that was ~4 ms of a ~70 ms NB201
    forward at V = 471k units. Not thread-safe: keep one per thread (the scorer does).
    """

    def __init__(self):
        self._bufs: dict = {}

    def take(self, name: str, shape: tuple, dtype: torch.dtype, device) -> torch.Tensor:
        """A tensor of ``shape`` (contents undefined) in memory kept under ``name``."""
        n = math.prod(shape)
        key = (name, dtype, torch.device(device))
        buf = self._bufs.get(key)
        if buf is None or buf.numel() < n:
            buf = self._bufs[key] = torch.empty(n, dtype=dtype, device=device)
        return buf[:n].view(shape)


class SampleWisePatterns:
    """Accumulates the sample-wise patterns of many layers; ``count()`` gives Ψ.

    All hooked units of all layers form ONE set, as the official code concatenates
    every layer's activations before ``torch.unique``. With a :class:`Workspace` the
    final join, words and sort use its reused memory; for one-word patterns (21 ≤ S ≤ 64)
    that ends the accumulator: ``count()`` keeps returning Ψ, ``add()`` refuses.
    """

    def __init__(self, n_samples: int, device: torch.device | str = "cpu",
                 workspace: Optional[Workspace] = None, folded_batch: bool = False):
        if n_samples < 1:
            raise ValueError("need at least one sample")
        self.n_samples = n_samples
        self.folded_batch = folded_batch
        self.workspace = workspace
        self._final = None  # Ψ once a workspace count has consumed the patterns
        self.units = 0
        self._bitmap = None
        self._chunks: List[torch.Tensor] = []
        self._kept = 0
        self._pending: List[torch.Tensor] = []  # (B, U) byte rows not yet read as words
        self._pending_units = 0
        if n_samples <= BITMAP_MAX_SAMPLES:
            # every pattern is an index into 2**S flags: O(V), no sort at all
            self._bitmap = torch.zeros(1 << n_samples, dtype=torch.bool, device=device)

    def add(self, bits: torch.Tensor) -> None:
        """Add one layer's ``(S, U)`` binarised activations."""
        if self._final is not None:
            raise RuntimeError("count() with a workspace ended this accumulator (its patterns "
                               "lived in scratch memory); start a new SampleWisePatterns")
        bits = per_sample(bits, self.n_samples, self.folded_batch)
        # the hook only packs bytes; joining layers and reading words happens in _flush,
        # once per forward instead of per layer (per-layer torch calls dominate on small nets)
        packed = pack_bytes(bits)
        self.units += packed.shape[1]
        self._pending.append(packed)
        self._pending_units += packed.shape[1]
        if self._pending_units > DEDUPE_EVERY:
            self._flush()

    def add_repeat(self, values: int) -> None:
        """Count the units of ``values`` activation values (over all samples) whose
        patterns repeat an added layer's: V grows, the set of patterns does not."""
        self.units += values // self.n_samples

    def _flush(self) -> None:
        if not self._pending:
            return
        words = words_from_bytes(torch.cat(self._pending, dim=1))
        self._pending, self._pending_units = [], 0
        self._keep(words)

    def _keep(self, words: torch.Tensor) -> None:
        if self._bitmap is not None:
            # sign-extended int16/int32 words: mask back to the S pattern bits
            self._bitmap[words[:, 0].long() & (self._bitmap.numel() - 1)] = True
            return
        self._chunks.append(words[:, 0] if words.shape[1] == 1 else words)
        self._kept += words.shape[0]
        if self._kept > DEDUPE_EVERY:  # bound memory on very large networks
            self._merge()

    def _merge(self) -> None:
        merged = torch.cat(self._chunks)  # owned memory: unique_words may sort it in place
        merged = unique_words(merged) if merged.dim() == 1 else unique_rows(merged)
        self._chunks, self._kept = [merged], merged.shape[0]

    def count(self) -> int:
        """Ψ: the number of distinct sample-wise patterns added so far."""
        if self._final is not None:
            return self._final
        if self.workspace is not None and self._pending and not self._chunks \
                and self._pending_units <= WORKSPACE_MAX_UNITS:
            # the patterns live only in scratch memory that the next scoring reuses:
            # remember Ψ and accept no more layers (the scorer counts once per forward)
            n = self._count_in_workspace()
            if self.workspace is not None:  # still set: the one-word path consumed them
                self._final = n
            return n
        self._flush()
        if self._bitmap is not None:
            return int(self._bitmap.sum().item())
        if not self._chunks:
            return 0
        if self._chunks[0].dim() == 1:
            # one-word patterns: sort + count the steps (cheaper than torch.unique); sorting
            # the kept words in place is harmless, their order never matters
            words = self._chunks[0] if len(self._chunks) == 1 else torch.cat(self._chunks)
            return count_steps(sort_words_(words))
        self._merge()
        return int(self._chunks[0].shape[0])

    def _count_in_workspace(self) -> int:
        """``count`` when every pattern is still pending (one flush, the usual case): the
        joined bytes, words, sorted words and steps all live in the reused workspace."""
        ws, u = self.workspace, self._pending_units
        if u == 0:
            self._pending, self.workspace = [], None
            return 0
        dev = self._pending[0].device
        joined = ws.take("bytes", (self._pending[0].shape[0], u), torch.uint8, dev)
        torch.cat(self._pending, dim=1, out=joined)
        self._pending, self._pending_units = [], 0
        words = words_from_bytes(joined, ws)
        if self._bitmap is not None or words.shape[1] > 1:
            self._keep(words.clone() if words.shape[1] > 1 else words)
            self.workspace = None  # what is kept is owned memory: counting goes on as usual
            return self.count()
        words = words[:, 0]
        if _numpy_sorts(words):
            ordered = sort_words_(words)  # the words are scratch memory: sort them in place
        else:
            ordered = ws.take("sorted", (u,), words.dtype, dev)
            torch.sort(words, out=(ordered, ws.take("order", (u,), torch.int64, dev)))
        return count_steps(ordered, ws.take("steps", (u - 1,), torch.bool, dev))


class StandardPatterns:
    """Accumulates standard activation patterns (Def 3.1): one V-bit vector per sample."""

    def __init__(self, n_samples: int, device: torch.device | str = "cpu", workspace=None,
                 folded_batch: bool = False):
        self.n_samples = n_samples
        self.folded_batch = folded_batch
        self.units = 0
        self._chunks: List[torch.Tensor] = []

    def add(self, bits: torch.Tensor) -> None:
        bits = per_sample(bits, self.n_samples, self.folded_batch)
        self.units += bits.shape[1]
        self._chunks.append(pack_rows(bits))

    def add_repeat(self, values: int) -> None:
        """Repeated units leave every sample's pattern distinctness unchanged: two
        samples agree on a copy of some units exactly where they agree on the units."""
        self.units += values // self.n_samples

    def count(self) -> int:
        """|A| ≤ S: distinct per-sample patterns over all units."""
        if not self._chunks:
            return 0
        return int(torch.unique(torch.cat(self._chunks, dim=1), dim=0).shape[0])
