"""The fine-tuning topic's settings, tables and result records: everything a page reads without
training (no torch: ``core/lazy.py``). The modules that train import them from here."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core._validation import check_whole
from core.attention import MONTHS

STRATEGIES = ("scratch", "linear_probe", "full", "head_lr", "discriminative")
#: the layers that hold parameters, from the input to the output; the last one is the head
BACKBONE_LAYERS = ("conv1", "conv2", "fc")
LAYERS = (*BACKBONE_LAYERS, "head")
#: discriminative fine-tuning: each layer below the top one learns this many times slower (ULMFiT's 2.6)
DISCRIMINATIVE_DECAY = 2.6
FEATURES = 64  # width of the backbone's output, the head's input


@dataclass(frozen=True)
class LayerRow:
    """One layer of the parameter table."""

    name: str
    shape: str
    formula_count: int  # from the layer's shape: c_out (c_in k^2 + 1) or out (in + 1)
    torch_count: int  # sum of numel() over the layer's parameters
    trainable: bool
    lr: float | None


@dataclass(frozen=True)
class TrainPlan:
    """How one run trains (the shipped sweep and the page's live run use the same plan)."""

    steps: int = 200  # optimizer steps (Adam)
    batch_size: int = 64  # a smaller training set is used whole at every step
    eval_every: int = 10  # test accuracy every this many steps (and at step 0 and the last step)


@dataclass
class TrainLog:
    """What a run recorded: at each evaluation point, the step, the mean training loss since the
    previous point and the test accuracy; plus the CPU time of the run."""

    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0


Progress = Callable[[int, int, float], None]  # (step, steps, loss of that step)


#: month names by language, January first, written in ASCII (accents dropped: fevrier, aout, maerz)
MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "fr": tuple(
        "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split()
    ),
    "de": tuple(
        "januar februar maerz april mai juni juli august september oktober november dezember".split()
    ),
    "es": tuple(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split()
    ),
    "it": (
        *"gennaio febbraio marzo aprile maggio giugno".split(),
        *"luglio agosto settembre ottobre novembre dicembre".split(),
    ),
    "roman": tuple("i ii iii iv v vi vii viii ix x xi xii".split()),
}

_ORDINALS_1_19 = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
).split()


def ordinal_words(n: int) -> str:
    """A day of the month as an English ordinal in words: 1 -> first, 20 -> twentieth, 27 ->
    twenty-seventh, 31 -> thirty-first.

    Raises
    ------
    ValueError
        If ``n`` is not a whole number from 1 to 31.
    """
    n = check_whole("n", n, low=1, high=31)
    if n < 20:
        return _ORDINALS_1_19[n - 1]
    tens, ones = divmod(n, 10)
    # 20 -> twentieth, 30 -> thirtieth; 2x -> twenty-<ordinal x>
    stem = ("twenty", "thirty")[tens - 2]
    return stem[:-1] + "ieth" if ones == 0 else f"{stem}-{_ORDINALS_1_19[ones - 1]}"


@dataclass(frozen=True)
class TargetFormat:
    """One way of writing a date that the source never read: a name and how it renders a date."""

    name: str
    render: Callable[[dt.date], str]

    def example(self) -> str:
        return self.render(dt.date(2026, 11, 27))


TARGET_FORMATS: tuple[TargetFormat, ...] = (
    TargetFormat("fr", lambda d: f"{d.day} {MONTH_NAMES['fr'][d.month - 1]} {d.year}"),
    TargetFormat("de", lambda d: f"{d.day}. {MONTH_NAMES['de'][d.month - 1]} {d.year}"),
    TargetFormat("es", lambda d: f"{d.day} de {MONTH_NAMES['es'][d.month - 1]} de {d.year}"),
    TargetFormat("it", lambda d: f"{d.day} {MONTH_NAMES['it'][d.month - 1]} {d.year}"),
    TargetFormat("roman", lambda d: f"{d.day}.{MONTH_NAMES['roman'][d.month - 1]}.{d.year}"),
    TargetFormat("dd-mm-yyyy", lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}"),
    TargetFormat("yyyy mm dd", lambda d: f"{d.year} {d.month:02d} {d.day:02d}"),
    TargetFormat("words", lambda d: f"the {ordinal_words(d.day)} of {MONTHS[d.month - 1].lower()}, {d.year}"),
)

# --------------------------------------------------------------------------------------------------
# The task: month of a date, fixed test set of held-out dates, pool of training dates
# --------------------------------------------------------------------------------------------------

NUM_MONTHS = 12
DATES_TEST_PER_FORMAT = 5  # per month and format: 5 x 8 = 40 test strings per month, 480 in all
DATES_POOL_PER_FORMAT = 25  # per month and format: the pool holds 200 per month
DATES_POOL_PER_CLASS = DATES_POOL_PER_FORMAT * len(TARGET_FORMATS)
DATES_SPLIT_SEED = 2026
#: labelled examples per month in the comparison; "all" is the whole pool (200 per month)
DATES_SIZES: tuple[int | str, ...] = (1, 2, 5, 10, 20, 50, "all")


DATES_SOURCE_VARIANT = "bahdanau"
#: the layers that hold parameters, from the input to the output; the last one is the head
DATES_BACKBONE_LAYERS = ("embed", "rnn")
DATES_LAYERS = (*DATES_BACKBONE_LAYERS, "head")
DATES_LR = 3e-3
DATES_HEAD_LR_MULT = 10.0
DATES_PLAN = TrainPlan(steps=200, batch_size=64, eval_every=10)

RESULTS_PATH = Path(__file__).resolve().parents[2] / "data" / "finetune" / "results.json"
#: the dates experiment's shipped sweep (``scripts/train_finetune_dates.py``)
DATES_RESULTS_PATH = RESULTS_PATH.parent / "dates" / "results.json"
#: the base learning rate eta of the comparison (Adam) and the head multiplier m
DEFAULT_LR = 1e-3
DEFAULT_HEAD_LR_MULT = 10.0
FINETUNE_PLAN = TrainPlan(steps=200, batch_size=64, eval_every=10)
PRETRAIN_PLAN = TrainPlan(steps=1500, batch_size=64, eval_every=100)
PRETRAIN_LR = 3e-3


def load_results(path: Path | None = None) -> dict:
    """The shipped sweep (``data/finetune/results.json``, written by ``scripts/train_finetune.py``)."""
    return json.loads((RESULTS_PATH if path is None else Path(path)).read_text(encoding="utf-8"))


def load_date_results(path: Path | None = None) -> dict:
    """The dates experiment's shipped sweep (``data/finetune/dates/results.json``, written by
    ``scripts/train_finetune_dates.py``)."""
    return json.loads((DATES_RESULTS_PATH if path is None else Path(path)).read_text(encoding="utf-8"))
