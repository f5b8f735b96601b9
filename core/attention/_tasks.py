r"""The two tasks the encoder-decoder models are trained on, their vocabularies and batches.

* :class:`DateTask`: normalise a date written in one of many English, Chinese or numeric formats
  ("27 Nov 2026", "Friday, November 27, 2026", "2026年11月27日", "11/27/26") to ISO "2026-11-27".
  The dates run from 1969-01-01 to 2068-12-31 (two-digit years follow Python's ``%y``: 69-99 ->
  19xx, 00-68 -> 20xx); a fixed 10% of the DATES (chosen by a hash of the date) is held out, in every
  format.
* :class:`SequenceTask`: copy or reverse a digit string of length 5 to 60, where a single context
  vector has to carry up to 60 digits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal, NamedTuple

import numpy as np

from core.errors import InputError
from core.lazy import LazyModule

torch = LazyModule("torch")  # imported when first used (core/lazy.py)

# --------------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------------

PAD, BOS, EOS = 0, 1, 2
SPECIAL_TOKENS = ("<pad>", "<s>", "</s>")


@dataclass(frozen=True)
class Vocab:
    """Characters <-> integer ids; ids 0, 1, 2 are padding, begin and end of sequence."""

    chars: str

    def __post_init__(self) -> None:
        if len(set(self.chars)) != len(self.chars):
            raise ValueError(f"vocabulary characters must be unique, got {self.chars!r}.")

    @property
    def size(self) -> int:
        return len(SPECIAL_TOKENS) + len(self.chars)

    @property
    def index(self) -> dict[str, int]:
        return _char_index(self.chars)

    def encode(self, text: str) -> list[int]:
        """Ids of the characters of ``text``; a character outside the vocabulary raises ValueError."""
        index = self.index
        try:
            return [index[ch] for ch in text]
        except KeyError:
            unknown = sorted({ch for ch in text if ch not in index})
            shown = ", ".join(repr(ch) for ch in unknown)
            raise InputError(
                "attention.unknown_chars", f"the model has never seen the character(s) {shown}.", chars=shown
            ) from None

    def decode(self, ids: Sequence[int]) -> str:
        """Characters of ``ids`` up to the first end-of-sequence id; special ids are skipped."""
        out = []
        for i in ids:
            if i == EOS:
                break
            if i >= len(SPECIAL_TOKENS):
                out.append(self.chars[i - len(SPECIAL_TOKENS)])
        return "".join(out)

    def token(self, i: int) -> str:
        """Printable name of id ``i``."""
        return SPECIAL_TOKENS[i] if i < len(SPECIAL_TOKENS) else self.chars[i - len(SPECIAL_TOKENS)]


@cache
def _char_index(chars: str) -> dict[str, int]:
    return {ch: i + len(SPECIAL_TOKENS) for i, ch in enumerate(chars)}


# --------------------------------------------------------------------------------------------------
# Dates in many human formats
# --------------------------------------------------------------------------------------------------

FIRST_DATE = dt.date(1969, 1, 1)
LAST_DATE = dt.date(2068, 12, 31)
HELDOUT_PER_MILLE = 100  # 10% of the dates are held out

MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
ZH_DIGITS = "〇一二三四五六七八九"
ZH_WEEKDAYS = "一二三四五六日"


def chinese_number(n: int) -> str:
    """1..31 in Chinese numerals: 5 -> 五, 10 -> 十, 17 -> 十七, 20 -> 二十, 31 -> 三十一."""
    if not 1 <= n <= 31:
        raise ValueError(f"chinese_number covers 1..31, got {n}.")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else ZH_DIGITS[tens] + "十")
    return head + (ZH_DIGITS[ones] if ones else "")


def ordinal(n: int) -> str:
    """1 -> 1st, 2 -> 2nd, 3 -> 3rd, 11 -> 11th, 22 -> 22nd."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# token -> (render(date), regex of what it reads)
_TOKENS: dict[str, tuple[Callable[[dt.date], str], str]] = {
    "Y": (lambda d: f"{d.year:04d}", r"(?P<Y>\d{4})"),
    "y": (lambda d: f"{d.year % 100:02d}", r"(?P<y>\d{2})"),
    "m": (lambda d: str(d.month), r"(?P<m>\d{1,2})"),
    "mm": (lambda d: f"{d.month:02d}", r"(?P<m>\d{2})"),
    "d": (lambda d: str(d.day), r"(?P<d>\d{1,2})"),
    "dd": (lambda d: f"{d.day:02d}", r"(?P<d>\d{2})"),
    "do": (lambda d: ordinal(d.day), r"(?P<d>\d{1,2})(?:st|nd|rd|th)"),
    "b": (lambda d: MONTHS[d.month - 1][:3], r"(?P<b>[a-z]{3})"),
    "B": (lambda d: MONTHS[d.month - 1], r"(?P<B>[a-z]+)"),
    "a": (lambda d: WEEKDAYS[d.weekday()][:3], r"(?P<a>[a-z]{3})"),
    "A": (lambda d: WEEKDAYS[d.weekday()], r"(?P<A>[a-z]+)"),
    "zhY": (
        lambda d: "".join(ZH_DIGITS[int(c)] for c in f"{d.year:04d}"),
        r"(?P<zhY>[〇一二三四五六七八九]{4})",
    ),
    "zhm": (lambda d: chinese_number(d.month), r"(?P<zhm>[一二三四五六七八九十]{1,3})"),
    "zhd": (lambda d: chinese_number(d.day), r"(?P<zhd>[一二三四五六七八九十]{1,3})"),
    "zha": (lambda d: ZH_WEEKDAYS[d.weekday()], r"(?P<zha>[一二三四五六日])"),
}
_TOKEN_RE = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class DateFormat:
    """One way of writing a date: a template of ``{tokens}`` (see ``_TOKENS``) and literal text."""

    template: str
    language: Literal["en", "zh", "numeric"]

    def render(self, date: dt.date) -> str:
        """The date written in this format, e.g. ``{B} {d}, {Y}`` -> 'November 27, 2026'."""
        return "".join(
            part if render is None else render(date) for part, render in _template_parts(self.template)
        )

    @property
    def pattern(self) -> re.Pattern[str]:
        return _format_pattern(self.template)

    def example(self) -> str:
        return self.render(dt.date(2026, 11, 27))


@cache
def _template_parts(template: str) -> tuple[tuple[str, Callable[[dt.date], str] | None], ...]:
    """'{B} {d}, {Y}' -> ((None-literal or token renderer) ...), split once per template."""
    parts: list[tuple[str, Callable[[dt.date], str] | None]] = []
    last = 0
    for m in _TOKEN_RE.finditer(template):
        parts.append((template[last : m.start()], None))
        parts.append((m.group(1), _TOKENS[m.group(1)][0]))
        last = m.end()
    parts.append((template[last:], None))
    return tuple(p for p in parts if p[0])


@cache
def _format_pattern(template: str) -> re.Pattern[str]:
    parts, last = [], 0
    for m in _TOKEN_RE.finditer(template):
        parts.append(re.escape(template[last : m.start()].lower()))
        parts.append(_TOKENS[m.group(1)][1])
        last = m.end()
    parts.append(re.escape(template[last:].lower()))
    return re.compile("".join(parts))


DATE_FORMATS: tuple[DateFormat, ...] = (
    DateFormat("{d} {b} {Y}", "en"),
    DateFormat("{d} {B} {Y}", "en"),
    DateFormat("{b} {d}, {Y}", "en"),
    DateFormat("{B} {d}, {Y}", "en"),
    DateFormat("{A}, {B} {d}, {Y}", "en"),
    DateFormat("{a}, {d} {b} {Y}", "en"),
    DateFormat("{A} {d} {B} {Y}", "en"),
    DateFormat("{B} {do}, {Y}", "en"),
    DateFormat("the {do} of {B}, {Y}", "en"),
    DateFormat("{d}-{b}-{Y}", "en"),
    DateFormat("{m}/{d}/{y}", "numeric"),
    DateFormat("{mm}/{dd}/{Y}", "numeric"),
    DateFormat("{dd}.{mm}.{Y}", "numeric"),
    DateFormat("{Y}/{mm}/{dd}", "numeric"),
    DateFormat("{Y}-{mm}-{dd}", "numeric"),
    DateFormat("{Y}{mm}{dd}", "numeric"),
    DateFormat("{Y}.{m}.{d}", "numeric"),
    DateFormat("{Y}年{m}月{d}日", "zh"),
    DateFormat("{Y}年{m}月{d}日 星期{zha}", "zh"),
    DateFormat("{Y}年{m}月{d}日（周{zha}）", "zh"),
    DateFormat("{Y}年{m}月{d}号", "zh"),
    DateFormat("{y}年{m}月{d}日", "zh"),
    DateFormat("{zhY}年{zhm}月{zhd}日", "zh"),
)

# Every character a date input may contain (after normalize_text); a test checks the formats' closure.
DATE_INPUT_CHARS = " ,-./0123456789abcdefghijklmnopqrstuvwxyz（）〇一七三九二五八六十号四年日星月期周"
ISO_CHARS = "0123456789-"
MAX_DATE_INPUT = 40


def normalize_text(text: str) -> str:
    """What the date models read: lower case, outer spaces stripped, runs of spaces made one."""
    return re.sub(r"\s+", " ", text.strip().lower())


def all_dates() -> list[dt.date]:
    """Every date of the task, 1969-01-01 ... 2068-12-31."""
    n = (LAST_DATE - FIRST_DATE).days + 1
    return [FIRST_DATE + dt.timedelta(days=i) for i in range(n)]


def is_heldout(date: dt.date) -> bool:
    """True for the fixed 10% of dates never shown in training (Knuth's multiplicative hash)."""
    return (date.toordinal() * 2654435761) % 2**32 % 1000 < HELDOUT_PER_MILLE


def read_date(text: str) -> dt.date | None:
    """The date that ``text`` writes in one of :data:`DATE_FORMATS`, or None if it is none of them.

    This is the project's rule-based reader, used to tell whether a typed input is a real date and
    what the right answer is; the neural models never see it.
    """
    norm = normalize_text(text)
    for fmt in DATE_FORMATS:
        m = fmt.pattern.fullmatch(norm)
        if m is None:
            continue
        date = _date_from_match(m.groupdict())
        if date is not None and FIRST_DATE <= date <= LAST_DATE:
            return date
    return None


def _date_from_match(g: dict[str, str]) -> dt.date | None:
    months = [name.lower() for name in MONTHS]
    weekdays = [name.lower() for name in WEEKDAYS]
    if "Y" in g:
        year = int(g["Y"])
    elif "y" in g:
        # Python's %y rule: 69..99 -> 1969..1999, 00..68 -> 2000..2068
        year = int(g["y"]) + (1900 if int(g["y"]) >= 69 else 2000)
    else:
        year = int("".join(str(ZH_DIGITS.index(c)) for c in g["zhY"]))
    if "m" in g:
        month = int(g["m"])
    elif "b" in g:
        month = next((i + 1 for i, name in enumerate(months) if name[:3] == g["b"]), 0)
    elif "B" in g:
        month = months.index(g["B"]) + 1 if g["B"] in months else 0
    else:
        month = _from_chinese_number(g["zhm"])
    day = int(g["d"]) if "d" in g else _from_chinese_number(g["zhd"])
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    weekday = None
    if "A" in g:
        weekday = weekdays.index(g["A"]) if g["A"] in weekdays else -1
    elif "a" in g:
        weekday = next((i for i, name in enumerate(weekdays) if name[:3] == g["a"]), -1)
    elif "zha" in g:
        weekday = ZH_WEEKDAYS.index(g["zha"])
    if weekday is not None and weekday != date.weekday():
        return None  # "Monday, November 27, 2026" names the wrong weekday
    return date


def _from_chinese_number(text: str) -> int:
    for n in range(1, 32):
        if chinese_number(n) == text:
            return n
    return 0


class Example(NamedTuple):
    source: str  # what the model reads (normalised)
    target: str  # what it must write


class DateTask:
    """Dates in :data:`DATE_FORMATS` -> ISO 'YYYY-MM-DD', with a fixed held-out set of dates."""

    name = "dates"
    src_vocab = Vocab(DATE_INPUT_CHARS)
    tgt_vocab = Vocab(ISO_CHARS)
    max_target_length = 10

    def __init__(self) -> None:
        dates = all_dates()
        self.train_dates = [d for d in dates if not is_heldout(d)]
        self.heldout_dates = [d for d in dates if is_heldout(d)]

    @staticmethod
    def example(date: dt.date, fmt: DateFormat) -> Example:
        return Example(normalize_text(fmt.render(date)), date.isoformat())

    def sample(self, rng: np.random.Generator, n: int) -> list[Example]:
        """``n`` training examples: a random training date in a random format."""
        days = rng.integers(0, len(self.train_dates), n)
        formats = rng.integers(0, len(DATE_FORMATS), n)
        return [
            self.example(self.train_dates[i], DATE_FORMATS[f]) for i, f in zip(days, formats, strict=True)
        ]

    def heldout_plan(self) -> list[tuple[dt.date, DateFormat]]:
        """The fixed evaluation set: every held-out date once, in a format fixed by a seeded draw."""
        rng = np.random.default_rng(7)
        formats = rng.integers(0, len(DATE_FORMATS), len(self.heldout_dates))
        return [(d, DATE_FORMATS[f]) for d, f in zip(self.heldout_dates, formats, strict=True)]

    def heldout_examples(self) -> list[Example]:
        """:meth:`heldout_plan` as examples (input text, ISO date)."""
        return [self.example(d, fmt) for d, fmt in self.heldout_plan()]


class SequenceTask:
    """Copy or reverse a string of random digits whose length is uniform in [min_length, max_length]."""

    def __init__(
        self, kind: Literal["copy", "reverse"] = "reverse", min_length: int = 5, max_length: int = 60
    ):
        if kind not in ("copy", "reverse"):
            raise ValueError(f"kind must be 'copy' or 'reverse', got {kind!r}.")
        if not 1 <= min_length <= max_length:
            raise ValueError(f"need 1 <= min_length <= max_length, got {min_length} and {max_length}.")
        self.kind, self.min_length, self.max_length = kind, min_length, max_length
        self.max_target_length = max_length
        self.name = kind
        self.src_vocab = self.tgt_vocab = Vocab("0123456789")

    def target(self, source: str) -> str:
        return source if self.kind == "copy" else source[::-1]

    def examples_of_length(self, length: int, n: int, rng: np.random.Generator) -> list[Example]:
        digits = rng.integers(0, 10, (n, length))
        return [Example(s, self.target(s)) for s in ("".join(map(str, row)) for row in digits)]

    def sample(self, rng: np.random.Generator, n: int) -> list[Example]:
        """A batch of ``n`` strings of ONE length drawn uniformly (no decoding step is spent on padding)."""
        length = int(rng.integers(self.min_length, self.max_length + 1))
        return self.examples_of_length(length, n, rng)


Task = DateTask | SequenceTask


class Batch(NamedTuple):
    source: torch.Tensor  # (B, S) ids, PAD after the end
    lengths: torch.Tensor  # (B,) int64
    target_in: torch.Tensor  # (B, L) <s> y_1 ... y_n
    target_out: torch.Tensor  # (B, L) y_1 ... y_n </s>


def make_batch(examples: Sequence[Example], src_vocab: Vocab, tgt_vocab: Vocab) -> Batch:
    """Pad a list of examples into tensors (teacher forcing: decoder input is the target shifted right)."""
    if not examples:
        raise ValueError("make_batch needs at least one example.")
    src = [src_vocab.encode(e.source) for e in examples]
    tgt = [tgt_vocab.encode(e.target) for e in examples]
    if any(len(s) == 0 for s in src):
        raise InputError("attention.empty_input", "an input is empty: type at least one character.")
    # one tensor call per field: pad the Python lists first
    width_src = max(len(s) for s in src)
    width_tgt = max(len(t) for t in tgt) + 1
    source = torch.tensor([s + [PAD] * (width_src - len(s)) for s in src], dtype=torch.long)
    lengths = torch.tensor([len(s) for s in src], dtype=torch.long)
    target_in = torch.tensor([[BOS, *t] + [PAD] * (width_tgt - 1 - len(t)) for t in tgt], dtype=torch.long)
    target_out = torch.tensor([[*t, EOS] + [PAD] * (width_tgt - 1 - len(t)) for t in tgt], dtype=torch.long)
    return Batch(source, lengths, target_in, target_out)
