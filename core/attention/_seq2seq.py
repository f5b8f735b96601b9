r"""Encoder-decoder models with and without attention, and the two tasks they are trained on.

Models (all share one encoder, a bidirectional GRU whose state at input position :math:`s` is
:math:`\bar{h}_s = [\overrightarrow{h}_s; \overleftarrow{h}_s]`):

* ``"none"``: the baseline of Cho et al. (2014). The whole input is squeezed into ONE context vector
  :math:`c = [\overrightarrow{h}_S; \overleftarrow{h}_1]`, fed to the decoder at every step.
* ``"bahdanau"``: the score uses the PREVIOUS decoder state :math:`s_{t-1}`; the context joins the
  RNN's input.

  .. math::
      \alpha_t = \operatorname{softmax}_s\!\big(v_a^\top \tanh(W_a s_{t-1} + U_a \bar{h}_s)\big),\quad
      c_t = \textstyle\sum_s \alpha_{ts}\bar{h}_s,\quad
      s_t = \operatorname{GRU}([e(y_{t-1}); c_t],\, s_{t-1}),\quad
      p(y_t) = \operatorname{softmax}(W_o [s_t; c_t; e(y_{t-1})])

* ``"luong-dot" | "luong-general" | "luong-concat"`` and the local variants ``"local-m" | "local-p"``:
  the score uses the CURRENT decoder state :math:`h_t`, and an extra layer makes the attentional
  state :math:`\tilde{h}_t` that predicts the output (and is fed to the next step: "input feeding").

  .. math::
      h_t = \operatorname{GRU}([e(y_{t-1}); \tilde{h}_{t-1}],\, h_{t-1}),\quad
      \alpha_t = \operatorname{softmax}_s(\operatorname{score}(h_t, \bar{h}_s)),\quad
      \tilde{h}_t = \tanh(W_c [c_t; h_t]),\quad
      p(y_t) = \operatorname{softmax}(W_s \tilde{h}_t)

Every decoder starts from :math:`s_0 = \tanh(W_{init} [\overrightarrow{h}_S; \overleftarrow{h}_1])`, so
the variants differ only in how they use attention (Bahdanau et al. start from
:math:`\overleftarrow{h}_1` alone).

Tasks:

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
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from core.attention import AdditiveAttention, LocalAttention, LuongAttention, hard_attention

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
            raise ValueError(f"the model has never seen the character(s) {shown}.") from None

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
        raise ValueError("an input is empty: type at least one character.")
    # one tensor call per field: pad the Python lists first
    width_src = max(len(s) for s in src)
    width_tgt = max(len(t) for t in tgt) + 1
    source = torch.tensor([s + [PAD] * (width_src - len(s)) for s in src], dtype=torch.long)
    lengths = torch.tensor([len(s) for s in src], dtype=torch.long)
    target_in = torch.tensor([[BOS, *t] + [PAD] * (width_tgt - 1 - len(t)) for t in tgt], dtype=torch.long)
    target_out = torch.tensor([[*t, EOS] + [PAD] * (width_tgt - 1 - len(t)) for t in tgt], dtype=torch.long)
    return Batch(source, lengths, target_in, target_out)


# --------------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------------

VARIANTS: tuple[str, ...] = (
    "bahdanau",
    "luong-dot",
    "luong-general",
    "luong-concat",
    "local-m",
    "local-p",
    "none",
)
ATTENTION_VARIANTS = tuple(v for v in VARIANTS if v != "none")


@dataclass(frozen=True)
class ModelConfig:
    """Sizes of an encoder-decoder model (defaults: 50-65 thousand parameters, ~120 KB in float16)."""

    variant: str
    embed_size: int = 24  # character embedding e(y)
    encoder_size: int = 32  # per direction; encoder states are 2 * encoder_size wide
    decoder_size: int = 64  # = 2 * encoder_size so that the dot score compares equal sizes
    attention_size: int = 32  # hidden width of the additive / concat scores
    window: int = 5  # local attention's half-width D

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}; got {self.variant!r}.")
        for name in ("embed_size", "encoder_size", "decoder_size", "attention_size", "window"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}.")

    def to_dict(self) -> dict[str, int | str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, int | str]) -> ModelConfig:
        return cls(**data)  # type: ignore[arg-type]


class EncoderOutput(NamedTuple):
    states: torch.Tensor  # (B, S, 2H) the keys and values \bar{h}_s
    final: torch.Tensor  # (B, 2H) [->h_S ; <-h_1], the baseline's single context vector
    mask: torch.Tensor  # (B, S) bool, True on real positions
    lengths: torch.Tensor  # (B,)


class Encoder(nn.Module):
    r"""Embedding + bidirectional GRU: :math:`\bar{h}_s = [\overrightarrow{h}_s; \overleftarrow{h}_s]`."""

    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=PAD)
        self.rnn = nn.GRU(embed_size, hidden_size, batch_first=True, bidirectional=True)

    def forward(self, source: torch.Tensor, lengths: torch.Tensor) -> EncoderOutput:
        # e(x_s): (B, S) -> (B, S, E)
        embedded = self.embed(source)
        # packing makes the backward GRU start at each input's real last character
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, last = self.rnn(packed)
        # \bar{h}_s: (B, S, 2H), zeros on padding
        states, _ = pad_packed_sequence(out, batch_first=True, total_length=source.shape[1])
        # [->h_S ; <-h_1]: (B, 2H)
        final = torch.cat([last[0], last[1]], dim=-1)
        mask = torch.arange(source.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        return EncoderOutput(states, final, mask, lengths)


class StepOutput(NamedTuple):
    logits: torch.Tensor  # (B, V)
    state: tuple[torch.Tensor, ...]
    query: torch.Tensor | None  # (B, Dq) the state the score used (s_{t-1} or h_t); None without attention
    weights: torch.Tensor | None  # (B, S)
    context: torch.Tensor  # (B, Dv) c_t (the baseline's fixed c)
    center: torch.Tensor | None  # (B,) local attention's p_t


HardMode = Literal["argmax", "sample"] | None


def _apply_hard(
    context: torch.Tensor,
    weights: torch.Tensor,
    values: torch.Tensor,
    hard: HardMode,
    generator: torch.Generator | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    if hard is None:
        return context, weights
    onehot = hard_attention(weights, hard, generator)
    # c_t = h_{s*}: the chosen encoder state
    return torch.bmm(onehot.unsqueeze(1), values).squeeze(1), onehot


class BahdanauDecoder(nn.Module):
    """Attend with :math:`s_{t-1}`; the context joins the GRU input (see the module docstring)."""

    query_name = "s_{t-1}"

    def __init__(self, vocab_size: int, config: ModelConfig) -> None:
        super().__init__()
        key = 2 * config.encoder_size
        self.embed = nn.Embedding(vocab_size, config.embed_size, padding_idx=PAD)
        self.init = nn.Linear(key, config.decoder_size)
        self.attention = AdditiveAttention(config.decoder_size, key, config.attention_size)
        self.cell = nn.GRUCell(config.embed_size + key, config.decoder_size)
        self.out = nn.Linear(config.decoder_size + key + config.embed_size, vocab_size)

    def start(self, enc: EncoderOutput) -> tuple[torch.Tensor, ...]:
        # s_0 = tanh(W_init [->h_S ; <-h_1])
        return (torch.tanh(self.init(enc.final)),)

    def prepare(self, enc: EncoderOutput) -> torch.Tensor:
        return self.attention.prepare_keys(enc.states)

    def step(
        self,
        y_prev: torch.Tensor,
        state: tuple[torch.Tensor, ...],
        enc: EncoderOutput,
        prepared: torch.Tensor,
        t: int,
        hard: HardMode = None,
        generator: torch.Generator | None = None,
        window: int | None = None,
    ) -> StepOutput:
        (s_prev,) = state
        # alpha_t from s_{t-1}; c_t = sum_s alpha_ts h_s : (B, 2H)
        att = self.attention.attend(s_prev, enc.states, mask=enc.mask, prepared_keys=prepared)
        context, weights = _apply_hard(att.context, att.weights, enc.states, hard, generator)
        emb = self.embed(y_prev)
        # s_t = GRU([e(y_{t-1}); c_t], s_{t-1})
        s_t = self.cell(torch.cat([emb, context], dim=-1), s_prev)
        # p(y_t) = softmax(W_o [s_t; c_t; e(y_{t-1})])
        logits = self.out(torch.cat([s_t, context, emb], dim=-1))
        return StepOutput(logits, (s_t,), s_prev, weights, context, None)


class LuongDecoder(nn.Module):
    """Attend with :math:`h_t`; :math:`\\tilde{h}_t = \\tanh(W_c[c_t; h_t])` predicts and is fed back."""

    query_name = "h_t"

    def __init__(self, vocab_size: int, config: ModelConfig) -> None:
        super().__init__()
        key, hidden = 2 * config.encoder_size, config.decoder_size
        self.embed = nn.Embedding(vocab_size, config.embed_size, padding_idx=PAD)
        self.init = nn.Linear(key, hidden)
        if config.variant.startswith("local"):
            mode = "monotonic" if config.variant == "local-m" else "predictive"
            self.attention: nn.Module = LocalAttention(hidden, key, config.window, mode, score="general")
        else:
            score = config.variant.removeprefix("luong-")
            size = config.attention_size if score == "concat" else None
            self.attention = LuongAttention(hidden, key, score, hidden_size=size)  # type: ignore[arg-type]
        self.cell = nn.GRUCell(config.embed_size + hidden, hidden)
        self.combine = nn.Linear(key + hidden, hidden, bias=False)  # W_c
        self.out = nn.Linear(hidden, vocab_size)  # W_s

    def start(self, enc: EncoderOutput) -> tuple[torch.Tensor, ...]:
        # h_0 = tanh(W_init [->h_S ; <-h_1]);  \tilde{h}_0 = 0
        h0 = torch.tanh(self.init(enc.final))
        return h0, torch.zeros_like(h0)

    def prepare(self, enc: EncoderOutput) -> torch.Tensor:
        return self.attention.prepare_keys(enc.states)

    def step(
        self,
        y_prev: torch.Tensor,
        state: tuple[torch.Tensor, ...],
        enc: EncoderOutput,
        prepared: torch.Tensor,
        t: int,
        hard: HardMode = None,
        generator: torch.Generator | None = None,
        window: int | None = None,
    ) -> StepOutput:
        h_prev, feed = state
        # h_t = GRU([e(y_{t-1}); \tilde{h}_{t-1}], h_{t-1})   (input feeding)
        h_t = self.cell(torch.cat([self.embed(y_prev), feed], dim=-1), h_prev)
        # alpha_t from h_t; c_t = sum_s alpha_ts h_s
        if isinstance(self.attention, LocalAttention):
            att = self.attention.attend(
                h_t, enc.states, mask=enc.mask, position=t, prepared_keys=prepared, window=window
            )
        else:
            att = self.attention.attend(h_t, enc.states, mask=enc.mask, prepared_keys=prepared)
        context, weights = _apply_hard(att.context, att.weights, enc.states, hard, generator)
        # \tilde{h}_t = tanh(W_c [c_t; h_t])
        h_tilde = torch.tanh(self.combine(torch.cat([context, h_t], dim=-1)))
        # p(y_t) = softmax(W_s \tilde{h}_t)
        return StepOutput(self.out(h_tilde), (h_t, h_tilde), h_t, weights, context, att.center)


class PlainDecoder(nn.Module):
    """No attention: the same single context vector :math:`c` at every step."""

    query_name = ""

    def __init__(self, vocab_size: int, config: ModelConfig) -> None:
        super().__init__()
        key = 2 * config.encoder_size
        self.embed = nn.Embedding(vocab_size, config.embed_size, padding_idx=PAD)
        self.init = nn.Linear(key, config.decoder_size)
        self.cell = nn.GRUCell(config.embed_size + key, config.decoder_size)
        self.out = nn.Linear(config.decoder_size + key + config.embed_size, vocab_size)

    def start(self, enc: EncoderOutput) -> tuple[torch.Tensor, ...]:
        return (torch.tanh(self.init(enc.final)),)

    def prepare(self, enc: EncoderOutput) -> torch.Tensor:
        return enc.final

    def step(
        self,
        y_prev: torch.Tensor,
        state: tuple[torch.Tensor, ...],
        enc: EncoderOutput,
        prepared: torch.Tensor,
        t: int,
        hard: HardMode = None,
        generator: torch.Generator | None = None,
        window: int | None = None,
    ) -> StepOutput:
        (s_prev,) = state
        # c = [->h_S ; <-h_1] at every step
        context = enc.final
        emb = self.embed(y_prev)
        # s_t = GRU([e(y_{t-1}); c], s_{t-1})
        s_t = self.cell(torch.cat([emb, context], dim=-1), s_prev)
        # p(y_t) = softmax(W_o [s_t; c; e(y_{t-1})])
        logits = self.out(torch.cat([s_t, context, emb], dim=-1))
        return StepOutput(logits, (s_t,), None, None, context, None)


class Decoded(NamedTuple):
    """Greedy decoding of a batch, step by step (L steps, cut at each row's first </s> in ``texts``)."""

    texts: list[str]
    tokens: torch.Tensor  # (B, L)
    probabilities: torch.Tensor  # (B, L, V)
    weights: torch.Tensor | None  # (B, L, S)
    contexts: torch.Tensor  # (B, L, Dv)
    queries: torch.Tensor | None  # (B, L, Dq): the decoder state each score used
    centers: torch.Tensor | None  # (B, L): p_t of local attention


class Seq2Seq(nn.Module):
    """Encoder + decoder of one of :data:`VARIANTS`, with teacher-forced training and greedy decoding."""

    def __init__(self, config: ModelConfig, src_vocab: Vocab, tgt_vocab: Vocab) -> None:
        super().__init__()
        self.config, self.src_vocab, self.tgt_vocab = config, src_vocab, tgt_vocab
        self.encoder = Encoder(src_vocab.size, config.embed_size, config.encoder_size)
        if config.variant == "bahdanau":
            self.decoder: nn.Module = BahdanauDecoder(tgt_vocab.size, config)
        elif config.variant == "none":
            self.decoder = PlainDecoder(tgt_vocab.size, config)
        else:
            self.decoder = LuongDecoder(tgt_vocab.size, config)

    def forward(self, source: torch.Tensor, lengths: torch.Tensor, target_in: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: logits (B, L, V) for every target position given the true previous ones."""
        enc = self.encoder(source, lengths)
        prepared = self.decoder.prepare(enc)
        state = self.decoder.start(enc)
        logits = []
        for t in range(target_in.shape[1]):
            out = self.decoder.step(target_in[:, t], state, enc, prepared, t)
            logits.append(out.logits)
            state = out.state
        return torch.stack(logits, dim=1)

    def loss(self, batch: Batch) -> torch.Tensor:
        """Mean cross-entropy over the real target tokens (padding ignored)."""
        logits = self(batch.source, batch.lengths, batch.target_in)
        return nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), batch.target_out.reshape(-1), ignore_index=PAD
        )

    @torch.no_grad()
    def decode(
        self,
        source: torch.Tensor,
        lengths: torch.Tensor,
        max_length: int,
        *,
        hard: HardMode = None,
        generator: torch.Generator | None = None,
        window: int | None = None,
    ) -> Decoded:
        """Greedy decoding for ``max_length`` steps, feeding back the model's own outputs.

        ``hard`` replaces the soft weights by one-hot ones at every step (:func:`hard_attention`);
        ``window`` overrides local attention's D.
        """
        enc = self.encoder(source, lengths)
        prepared = self.decoder.prepare(enc)
        state = self.decoder.start(enc)
        y = torch.full((source.shape[0],), BOS, dtype=torch.long)
        steps: list[StepOutput] = []
        tokens = []
        for t in range(max_length):
            out = self.decoder.step(y, state, enc, prepared, t, hard, generator, window)
            y = out.logits.argmax(dim=-1)
            steps.append(out)
            tokens.append(y)
            state = out.state
        token_tensor = torch.stack(tokens, dim=1)
        has_attention = steps[0].weights is not None
        return Decoded(
            texts=[self.tgt_vocab.decode(row.tolist()) for row in token_tensor],
            tokens=token_tensor,
            probabilities=torch.softmax(torch.stack([s.logits for s in steps], dim=1), dim=-1),
            weights=torch.stack([s.weights for s in steps], dim=1) if has_attention else None,
            contexts=torch.stack([s.context for s in steps], dim=1),
            queries=torch.stack([s.query for s in steps], dim=1) if has_attention else None,
            centers=torch.stack([s.center for s in steps], dim=1) if steps[0].center is not None else None,
        )


def build_model(config: ModelConfig, task: Task, seed: int = 0) -> Seq2Seq:
    """A freshly initialised model for ``task``; the same seed gives the same weights."""
    torch.manual_seed(seed)
    return Seq2Seq(config, task.src_vocab, task.tgt_vocab)


# --------------------------------------------------------------------------------------------------
# Training and evaluation
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingPlan:
    """How the shipped models were trained (the same plan for every variant of a task)."""

    steps: int
    batch_size: int
    learning_rate: float
    seed: int = 0


# dates: 500 batches of 128 (64,000 examples), ~45 CPU-seconds per attention model on one thread here
DATE_PLAN = TrainingPlan(steps=500, batch_size=128, learning_rate=6e-3)
# digit strings: 800 batches of 64 (51,200 strings of length 5-60) for the baseline and attention alike
LONG_PLAN = TrainingPlan(steps=800, batch_size=64, learning_rate=6e-3)
LONG_LENGTHS = tuple(range(5, 61, 5))


@dataclass
class TrainingLog:
    steps: int
    seconds: float  # wall-clock time
    cpu_seconds: float  # CPU time of this process (what the 60 s budget counts on a shared machine)
    losses: list[float] = field(default_factory=list)


ProgressCallback = Callable[[int, int, float], None]


def train_model(
    model: Seq2Seq,
    task: Task,
    *,
    steps: int,
    batch_size: int = 128,
    learning_rate: float = 3e-3,
    seed: int = 0,
    clip_norm: float = 1.0,
    time_limit: float | None = None,
    progress: ProgressCallback | None = None,
    progress_every: int = 10,
) -> TrainingLog:
    """Teacher-forced training with Adam and gradient clipping.

    Parameters
    ----------
    steps : int
        Number of batches; the learning rate decays over them (cosine).
    time_limit : float, optional
        Stop early once this process has used this many CPU seconds (CPU time, not wall time, so
        that other programs on a shared machine do not shorten the run).
    progress : callable, optional
        Called as ``progress(step, steps, loss)`` every ``progress_every`` steps and at the end.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}.")
    if not 0 < learning_rate < 1:
        raise ValueError(f"learning_rate must be in (0, 1), got {learning_rate!r}.")
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    # cosine decay of the learning rate over the planned steps, down to 5% of the start
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=steps, eta_min=0.05 * learning_rate
    )
    model.train()
    log = TrainingLog(steps=0, seconds=0.0, cpu_seconds=0.0)
    start, cpu_start = time.perf_counter(), time.process_time()
    for step in range(1, steps + 1):
        batch = make_batch(task.sample(rng, batch_size), task.src_vocab, task.tgt_vocab)
        loss = model.loss(batch)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        optimizer.step()
        schedule.step()
        log.losses.append(loss.item())
        log.steps = step
        log.seconds = time.perf_counter() - start
        log.cpu_seconds = time.process_time() - cpu_start
        out_of_time = time_limit is not None and log.cpu_seconds >= time_limit
        if progress is not None and (step % progress_every == 0 or step == steps or out_of_time):
            progress(step, steps, log.losses[-1])
        if out_of_time:
            break
    model.eval()
    return log


class Evaluation(NamedTuple):
    exact_match: float  # fraction of outputs equal to the target
    char_accuracy: float  # fraction of target characters right at their position
    predictions: list[str]


def evaluate(
    model: Seq2Seq,
    examples: Sequence[Example],
    batch_size: int = 512,
    *,
    hard: HardMode = None,
    window: int | None = None,
    seed: int = 0,
) -> Evaluation:
    """Greedy-decode ``examples`` and compare with their targets.

    ``hard`` and ``window`` are passed to :meth:`Seq2Seq.decode`; ``seed`` fixes hard sampling.
    """
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    predictions: list[str] = []
    for i in range(0, len(examples), batch_size):
        chunk = examples[i : i + batch_size]
        batch = make_batch(chunk, model.src_vocab, model.tgt_vocab)
        longest = max(len(e.target) for e in chunk)
        predictions += model.decode(
            batch.source, batch.lengths, longest + 1, hard=hard, generator=generator, window=window
        ).texts
    exact = sum(p == e.target for p, e in zip(predictions, examples, strict=True))
    right = sum(
        sum(a == b for a, b in zip(p, e.target, strict=False))
        for p, e in zip(predictions, examples, strict=True)
    )
    total = sum(len(e.target) for e in examples)
    return Evaluation(exact / len(examples), right / total, predictions)


def accuracy_by_length(
    model: Seq2Seq, task: SequenceTask, lengths: Sequence[int], per_length: int = 100, seed: int = 1
) -> list[dict[str, float]]:
    """Exact match and character accuracy of ``model`` on fresh strings of each length."""
    rng = np.random.default_rng(seed)
    rows = []
    for length in lengths:
        result = evaluate(model, task.examples_of_length(length, per_length, rng))
        rows.append(
            {"length": length, "exact_match": result.exact_match, "char_accuracy": result.char_accuracy}
        )
    return rows


# --------------------------------------------------------------------------------------------------
# Shipped weights
# --------------------------------------------------------------------------------------------------


def save_model(model: Seq2Seq, path: str | Path, task_name: str) -> None:
    """Write a small checkpoint: the config, the vocabularies and the weights in float16."""
    torch.save(
        {
            "config": model.config.to_dict(),
            "task": task_name,
            "src_vocab": model.src_vocab.chars,
            "tgt_vocab": model.tgt_vocab.chars,
            "state_dict": {k: v.detach().to(torch.float16) for k, v in model.state_dict().items()},
        },
        path,
    )


def load_model(path: str | Path, task: Task) -> Seq2Seq:
    """Load a checkpoint written by :func:`save_model` (``weights_only=True``: tensors and plain data)."""
    data = torch.load(path, map_location="cpu", weights_only=True)
    if data["src_vocab"] != task.src_vocab.chars or data["tgt_vocab"] != task.tgt_vocab.chars:
        raise ValueError(f"{path} was trained with another vocabulary than the task {task.name!r}.")
    model = Seq2Seq(ModelConfig.from_dict(data["config"]), task.src_vocab, task.tgt_vocab)
    model.load_state_dict({k: v.to(torch.float32) for k, v in data["state_dict"].items()})
    model.eval()
    return model


# --------------------------------------------------------------------------------------------------
# One input, explained (what the page draws)
# --------------------------------------------------------------------------------------------------


def date_input_problem(text: str) -> tuple[str, dict[str, object]] | None:
    """Why ``text`` cannot be fed to the date models, as (code, values), or None if it can.

    Codes: ``"empty"``; ``"too_long"`` (values ``length``, ``limit``); ``"unknown"`` (values ``chars``).
    A page turns the code into a sentence in its language.
    """
    norm = normalize_text(text)
    if not norm:
        return "empty", {}
    if len(norm) > MAX_DATE_INPUT:
        return "too_long", {"length": len(norm), "limit": MAX_DATE_INPUT}
    unknown = sorted({ch for ch in norm if ch not in DateTask.src_vocab.index})
    if unknown:
        return "unknown", {"chars": " ".join(unknown)}
    return None


class Explanation(NamedTuple):
    """Greedy decoding of one input, ready to draw (``L`` output steps, ``S`` input characters)."""

    source: str
    output: str  # the decoded text (up to </s>)
    output_tokens: list[str]  # one printable token per step shown, ending with </s> if produced
    weights: np.ndarray | None  # (L, S) attention weights of each output step
    centers: np.ndarray | None  # (L,) local attention's p_t
    contexts: np.ndarray  # (L, Dv) c_t
    queries: np.ndarray | None  # (L, Dq) the state each score used
    top: list[list[tuple[str, float]]]  # the 3 likeliest tokens at each step


def explain(
    model: Seq2Seq,
    source: str,
    max_length: int,
    *,
    hard: HardMode = None,
    seed: int = 0,
    window: int | None = None,
) -> Explanation:
    """Decode one (normalised) input for at most ``max_length`` steps, keeping each step's numbers.

    ``hard`` ("argmax" / "sample", drawn with ``seed``) and ``window`` are passed to
    :meth:`Seq2Seq.decode`.
    """
    batch = make_batch([Example(source, "")], model.src_vocab, model.tgt_vocab)
    out = model.decode(
        batch.source,
        batch.lengths,
        max_length,
        hard=hard,
        generator=torch.Generator().manual_seed(seed),
        window=window,
    )
    ids = out.tokens[0].tolist()
    shown = ids.index(EOS) + 1 if EOS in ids else len(ids)
    probs, order = out.probabilities[0, :shown].sort(dim=-1, descending=True)
    top = [
        [(model.tgt_vocab.token(int(i)), float(p)) for p, i in zip(prow[:3], orow[:3], strict=True)]
        for prow, orow in zip(probs, order, strict=True)
    ]
    return Explanation(
        source=source,
        output=out.texts[0],
        output_tokens=[model.tgt_vocab.token(i) for i in ids[:shown]],
        weights=None if out.weights is None else out.weights[0, :shown].numpy(),
        centers=None if out.centers is None else out.centers[0, :shown].numpy(),
        contexts=out.contexts[0, :shown].numpy(),
        queries=None if out.queries is None else out.queries[0, :shown].numpy(),
        top=top,
    )
