"""The attention topic's settings and result records: the variants and their sizes, the training plans,
the shipped files' places, one explained input; everything a page reads without running a model (no
torch: ``core/lazy.py``). ``_seq2seq`` builds, trains and runs the models; it re-exports these."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from core._validation import check_whole
from core.attention._tasks import MAX_DATE_INPUT, DateTask, normalize_text

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
            check_whole(name, value, low=1)

    def to_dict(self) -> dict[str, int | str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, int | str]) -> ModelConfig:
        return cls(**data)  # type: ignore[arg-type]


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


class Evaluation(NamedTuple):
    exact_match: float  # fraction of outputs equal to the target
    char_accuracy: float  # fraction of target characters right at their position
    predictions: list[str]


#: the shipped checkpoints ``<task>-<variant>.pt`` and their measured accuracies
#: (``scripts/train_attention.py`` writes both)
DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "attention"
WEIGHTS_DIR = DATA_DIR / "weights"
RESULTS_PATH = DATA_DIR / "results.json"


def shipped_weights_path(task_name: str, variant: str) -> Path:
    """Where the shipped checkpoint of ``variant`` trained on ``task_name`` ("dates", "reverse",
    "copy") lives."""
    return WEIGHTS_DIR / f"{task_name}-{variant}.pt"


def load_results(path: Path | None = None) -> dict:
    """The accuracies measured on the shipped checkpoints (``data/attention/results.json``)."""
    return json.loads((path or RESULTS_PATH).read_text(encoding="utf-8"))


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
