"""argparse ``type=`` functions for flags with a domain.

A value outside it is refused by argparse itself, which names the flag and exits with
status 2: ``swap-nas correlate: error: argument --samples: must be an integer >= 1 (S,
images per batch), got '0'``.
"""
from __future__ import annotations

import argparse
import math
from typing import Callable, Optional


def integer(lo: Optional[int] = None, hi: Optional[int] = None, what: str = "") -> Callable[[str], int]:
    """An int in [lo, hi] (either bound optional); ``what`` says what it counts."""
    need = "an integer" + _bounds(lo, hi, ">=", "<=") + (f" ({what})" if what else "")

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {need}, got {text!r}") from None
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise argparse.ArgumentTypeError(f"must be {need}, got {text!r}")
        return v

    parse.__name__ = "integer"
    return parse


def number(lo: Optional[float] = None, hi: Optional[float] = None, *, above: bool = False,
           below: bool = False, what: str = "") -> Callable[[str], float]:
    """A finite float in [lo, hi]; ``above``/``below`` make a bound strict (lo < v, v < hi)."""
    need = ("a finite number" + _bounds(lo, hi, ">" if above else ">=", "<" if below else "<=")
            + (f" ({what})" if what else ""))

    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {need}, got {text!r}") from None
        if not math.isfinite(v) or (lo is not None and (v <= lo if above else v < lo)) \
                or (hi is not None and (v >= hi if below else v > hi)):
            raise argparse.ArgumentTypeError(f"must be {need}, got {text!r}")
        return v

    parse.__name__ = "number"
    parse.need = need
    return parse


def number_or_word(words, **bounds) -> Callable[[str], object]:
    """One of ``words`` (e.g. 'auto', 'paper') or a number as :func:`number`."""
    as_number = number(**bounds)
    need = f"{as_number.need} or " + " or ".join(repr(w) for w in words)

    def parse(text: str):
        if text in words:
            return text
        try:
            return as_number(text)
        except argparse.ArgumentTypeError:
            raise argparse.ArgumentTypeError(f"must be {need}, got {text!r}") from None

    parse.__name__ = "number_or_word"
    return parse


def seeds(text: str):
    """``--seeds``: a range such as 0-4, a list such as 0,3,7, or both."""
    from ..studies.config import parse_seeds

    try:
        return parse_seeds(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _bounds(lo, hi, lo_op: str, hi_op: str) -> str:
    if lo is not None and hi is not None:
        return f" {lo_op} {lo} and {hi_op} {hi}"
    if lo is not None:
        return f" {lo_op} {lo}"
    if hi is not None:
        return f" {hi_op} {hi}"
    return ""


POSITIVE_INT = integer(1)
NON_NEGATIVE_INT = integer(0)
SEED = integer(0, what="a random seed")
FINITE = number()
POSITIVE = number(0, above=True)
NON_NEGATIVE = number(0)
PROBABILITY = number(0, 1, what="a probability")
