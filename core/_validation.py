"""Parameter checks shared by every topic: one rule per kind of value, one sentence per failure.

In the spirit of scikit-learn's ``_param_validation``: a public function checks each parameter at its
door with one of these and raises ``ValueError`` naming the parameter, the values it takes and the value
it got. The same rule holds everywhere:

- a *whole number* is a Python ``int`` or a numpy integer, never a ``bool`` (``True`` is not a count)
  and never a float (``3.0`` is refused: a float that happens to be whole is a caller's slip);
- a *number* is an ``int``, ``float`` or numpy real, never a ``bool``, and finite unless the bounds
  say otherwise (NaN is never a number here);
- a *choice* is one of a fixed tuple of values.

Each failure is a :class:`core.errors.InputError` with a code (``common.whole_between``, ...) and the
values of its sentence: ``str(error)`` is the English sentence, a page says the locale's
``common.error_<name>``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TypeVar

from core.errors import InputError

__all__ = ["CODES", "check_choice", "check_number", "check_whole"]

#: every code these checks raise (``common.<code>``; the sentences are ``common.error_<code>``)
CODES: tuple[str, ...] = tuple(
    f"common.{code}{suffix}"
    for code in ("whole_between", "whole_positive", "whole_at_least", "whole_at_most", "whole")
    for suffix in ("", "_or_none")
) + tuple(
    f"common.{code}"
    for code in (
        "number_strictly_between",
        "number_in",
        "number_positive",
        "number_above",
        "number_at_least",
        "number_below",
        "number_at_most",
        "number_finite",
        "one_of",
    )
)

T = TypeVar("T")


def _is_whole(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _whole_range(low: int | None, high: int | None) -> tuple[str, str]:
    """The code and English words of the whole numbers ``[low, high]``."""
    if low is not None and high is not None:
        return "whole_between", f"a whole number from {low} to {high}"
    if low == 1:
        return "whole_positive", "a positive whole number"
    if low is not None:
        return "whole_at_least", f"a whole number >= {low}"
    if high is not None:
        return "whole_at_most", f"a whole number <= {high}"
    return "whole", "a whole number"


def check_whole(
    name: str,
    value: object,
    *,
    low: int | None = None,
    high: int | None = None,
    none_ok: bool = False,
) -> int | None:
    """``value`` as an ``int`` if it is a whole number in ``[low, high]`` (either bound may be open-ended),
    ``None`` if it is ``None`` and ``none_ok``; else :class:`InputError`:
    ``"steps must be a positive whole number, got 0."``."""
    if value is None and none_ok:
        return None
    if not _is_whole(value) or (low is not None and value < low) or (high is not None and value > high):
        code, wanted = _whole_range(low, high)
        if none_ok:
            code, wanted = code + "_or_none", "None or " + wanted
        raise InputError(
            f"common.{code}",
            f"{name} must be {wanted}, got {value!r}.",
            name=name,
            low=low,
            high=high,
            got=repr(value),
        )
    return int(value)


def _number_range(
    low: float | None, high: float | None, low_open: bool, high_open: bool
) -> tuple[str, str, str]:
    """The code, English words and interval text (``(0, 10]``) of the numbers within the bounds."""
    interval = ""
    if low is not None and high is not None:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        if low_open and high_open:
            return "number_strictly_between", f"a number strictly between {low:g} and {high:g}", interval
        return "number_in", f"a number in {interval}", interval
    if low is not None:
        if low == 0 and low_open:
            return "number_positive", "a positive number", interval
        if low_open:
            return "number_above", f"a number above {low:g}", interval
        return "number_at_least", f"a number >= {low:g}", interval
    if high is not None:
        if high_open:
            return "number_below", f"a number below {high:g}", interval
        return "number_at_most", f"a number <= {high:g}", interval
    return "number_finite", "a finite number", interval


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
    ``"lr must be a number in (0, 10], got 0.0."``: :class:`InputError`."""
    ok = _is_number(value) and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        code, wanted, interval = _number_range(low, high, low_open, high_open)
        raise InputError(
            f"common.{code}",
            f"{name} must be {wanted}, got {value!r}.",
            name=name,
            low=f"{low:g}" if low is not None else "",
            high=f"{high:g}" if high is not None else "",
            interval=interval,
            got=repr(value),
        )
    return float(value)


def check_choice(name: str, value: T, options: Sequence[T]) -> T:
    """``value`` if it is one of ``options``; else ``ValueError``:
    ``"method must be one of delong, hanley-mcneil, bootstrap, got 'x'."`` (:class:`InputError`)."""
    if isinstance(value, bool) or value not in options:
        listed = ", ".join(map(str, options))
        raise InputError(
            "common.one_of",
            f"{name} must be one of {listed}, got {value!r}.",
            name=name,
            options=listed,
            got=repr(value),
        )
    return value
