"""Parameter checks shared by every topic: one rule per kind of value, one sentence per failure.

In the spirit of scikit-learn's ``_param_validation``: a public function checks each parameter at its
door with one of these and raises ``ValueError`` naming the parameter, the values it takes and the value
it got. The same rule holds everywhere:

- a *whole number* is a Python ``int`` or a numpy integer, never a ``bool`` (``True`` is not a count)
  and never a float (``3.0`` is refused: a float that happens to be whole is a caller's slip);
- a *number* is an ``int``, ``float`` or numpy real, never a ``bool``, and finite unless the bounds
  say otherwise (NaN is never a number here);
- a *choice* is one of a fixed tuple of values.

Sentences are English here; a page shows them under its translated error prefix, and its own checks of
widget and URL values come first, in the page's language.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TypeVar

__all__ = ["check_choice", "check_number", "check_whole"]

T = TypeVar("T")


def _is_whole(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _whole_range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"a whole number from {low} to {high}"
    if low == 1:
        return "a positive whole number"
    if low is not None:
        return f"a whole number >= {low}"
    if high is not None:
        return f"a whole number <= {high}"
    return "a whole number"


def check_whole(
    name: str,
    value: object,
    *,
    low: int | None = None,
    high: int | None = None,
    none_ok: bool = False,
) -> int | None:
    """``value`` as an ``int`` if it is a whole number in ``[low, high]`` (either bound may be open-ended),
    ``None`` if it is ``None`` and ``none_ok``; else ``ValueError``:
    ``"steps must be a positive whole number, got 0."``."""
    if value is None and none_ok:
        return None
    if not _is_whole(value) or (low is not None and value < low) or (high is not None and value > high):
        wanted = ("None or " if none_ok else "") + _whole_range(low, high)
        raise ValueError(f"{name} must be {wanted}, got {value!r}.")
    return int(value)


def _number_range(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        if low_open and high_open:
            return f"a number strictly between {low:g} and {high:g}"
        return f"a number in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        if low == 0 and low_open:
            return "a positive number"
        return f"a number above {low:g}" if low_open else f"a number >= {low:g}"
    if high is not None:
        return f"a number below {high:g}" if high_open else f"a number <= {high:g}"
    return "a finite number"


def check_number(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a ``float`` if it is a finite number within the bounds (``low_open``: ``value > low``
    instead of ``>=``; the same for ``high``); else ``ValueError``:
    ``"lr must be a number in (0, 10], got 0.0."``."""
    ok = _is_number(value) and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        raise ValueError(f"{name} must be {_number_range(low, high, low_open, high_open)}, got {value!r}.")
    return float(value)


def check_choice(name: str, value: T, options: Sequence[T]) -> T:
    """``value`` if it is one of ``options``; else ``ValueError``:
    ``"method must be one of delong, hanley-mcneil, bootstrap, got 'x'."``."""
    if isinstance(value, bool) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(str, options))}, got {value!r}.")
    return value
