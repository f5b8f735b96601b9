r"""The second fine-tuning experiment: a source that is large and related to the target.

Source: the encoder of the attention page's date model (``data/attention/weights/dates-bahdanau.pt``,
an embedding and a bidirectional GRU, 12,672 parameters), trained by this project on 64,000 dates
written in 23 English, Chinese and numeric formats to write them as ISO dates. To do that it had to
learn where the month is in a string and which month it names.

Target: the MONTH (12 classes) of a date written in 8 formats the source never saw
(:data:`TARGET_FORMATS`): French, German, Spanish and Italian month names, Roman-numeral months
("27.xi.2026"), day-first numbers with dashes, year-first numbers with spaces, and spelled-out English
ordinals ("the twenty-seventh of november, 2026"). Every string uses only characters of the source's
vocabulary (ASCII), so the copied embedding covers it.

Model (:class:`DateReader`): the encoder, then a new head on its states :math:`\bar h_s` (64 wide),
attention pooling with one learned query and a linear layer (:class:`AttentionPoolHead`, 845
parameters for 12 classes). The source's decoder read the encoder through attention too, so the head
reads it the way it was trained to be read.

Data: the dates are those of the attention task (1969-2068). The fixed test set uses only the dates
the source held out (it never read them, in any format): 40 per month, 5 in each target format. The
labelled examples are drawn from a pool of 200 per month (25 per format) of the source's training dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
from torch import nn

from core._validation import check_choice, check_number, check_whole
from core.attention import (
    MAX_DATE_INPUT,
    PAD,
    DateTask,
    Encoder,
    EncoderOutput,
    Seq2Seq,
    all_dates,
    is_heldout,
    load_shipped,
    normalize_text,
)
from core.finetune._model import STRATEGIES, LayerRow, layer_learning_rates, parameter_counts
from core.finetune._settings import (  # the light part (no torch), re-exported
    DATES_BACKBONE_LAYERS as DATES_BACKBONE_LAYERS,
)
from core.finetune._settings import (
    DATES_HEAD_LR_MULT as DATES_HEAD_LR_MULT,
)
from core.finetune._settings import (
    DATES_LAYERS as DATES_LAYERS,
)
from core.finetune._settings import (
    DATES_LR as DATES_LR,
)
from core.finetune._settings import (
    DATES_PLAN as DATES_PLAN,
)
from core.finetune._settings import (
    DATES_POOL_PER_CLASS as DATES_POOL_PER_CLASS,
)
from core.finetune._settings import (
    DATES_POOL_PER_FORMAT as DATES_POOL_PER_FORMAT,
)
from core.finetune._settings import (
    DATES_SIZES as DATES_SIZES,
)
from core.finetune._settings import (
    DATES_SOURCE_VARIANT as DATES_SOURCE_VARIANT,
)
from core.finetune._settings import (
    DATES_SPLIT_SEED as DATES_SPLIT_SEED,
)
from core.finetune._settings import (
    DATES_TEST_PER_FORMAT as DATES_TEST_PER_FORMAT,
)
from core.finetune._settings import (
    MONTH_NAMES as MONTH_NAMES,
)
from core.finetune._settings import (
    NUM_MONTHS as NUM_MONTHS,
)
from core.finetune._settings import (
    TARGET_FORMATS as TARGET_FORMATS,
)
from core.finetune._settings import (
    TargetFormat as TargetFormat,
)
from core.finetune._settings import (
    ordinal_words as ordinal_words,
)
from core.finetune._training import Progress, TrainLog, TrainPlan, predict, train
from core.torch_init import seeded_module

__all__ = [
    "DATES_BACKBONE_LAYERS",
    "DATES_HEAD_LR_MULT",
    "DATES_LAYERS",
    "DATES_LR",
    "DATES_PLAN",
    "DATES_POOL_PER_CLASS",
    "DATES_SIZES",
    "DATES_SOURCE_VARIANT",
    "DATES_TEST_PER_FORMAT",
    "MONTH_NAMES",
    "NUM_MONTHS",
    "TARGET_FORMATS",
    "AttentionPoolHead",
    "DateReader",
    "DateRunResult",
    "DatesTask",
    "TargetFormat",
    "date_features",
    "date_finetune_model",
    "date_formula_count",
    "date_labelled_subset",
    "date_layer_table",
    "dates_drift",
    "dates_target_task",
    "encode_dates",
    "load_date_source",
    "ordinal_words",
    "run_date_strategy",
]

# --------------------------------------------------------------------------------------------------
# The target formats (ASCII tables written here; the source read none of them)
# --------------------------------------------------------------------------------------------------


def encode_dates(texts: list[str]) -> torch.Tensor:
    """Strings -> ``(N, MAX_DATE_INPUT)`` int64 ids of the source's vocabulary, padded with ``PAD``
    (what :class:`DateReader` reads; texts are normalised as the source's inputs were).

    Raises
    ------
    ValueError
        For an empty list, an empty or too long text, or a character the source never saw.
    """
    if not texts:
        raise ValueError("texts is empty: give at least one date.")
    vocab = DateTask.src_vocab
    rows = []
    for text in texts:
        ids = vocab.encode(normalize_text(text))
        if not 1 <= len(ids) <= MAX_DATE_INPUT:
            raise ValueError(f"each text must have 1 to {MAX_DATE_INPUT} characters, got {text!r}.")
        rows.append(ids + [PAD] * (MAX_DATE_INPUT - len(ids)))
    return torch.tensor(rows, dtype=torch.long)


@dataclass(frozen=True)
class DatesTask:
    """The target task: month of a date written in one of :data:`TARGET_FORMATS`.

    Attributes
    ----------
    texts_train, texts_test : the pool's and the test set's strings.
    x_train, y_train : the pool, ids ``(N, MAX_DATE_INPUT)`` and labels 0-11 (January = 0).
    x_test, y_test : the fixed test set (held-out dates only).
    format_train, format_test : the index in :data:`TARGET_FORMATS` of each string's format.
    """

    texts_train: tuple[str, ...]
    texts_test: tuple[str, ...]
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    format_train: np.ndarray
    format_test: np.ndarray
    name: str = "dates"

    @property
    def num_classes(self) -> int:
        return NUM_MONTHS

    def pool_per_class(self) -> np.ndarray:
        """How many strings each month has in the pool."""
        return np.bincount(self.y_train.numpy(), minlength=NUM_MONTHS)


def _draw(dates: list[dt.date], per_format: int, rng: np.random.Generator) -> list[tuple[str, int, int]]:
    """For each month and format, ``per_format`` distinct dates of that month: (text, month, format)."""
    by_month = [[d for d in dates if d.month == m] for m in range(1, NUM_MONTHS + 1)]
    rows = []
    for month, pool in enumerate(by_month):
        for f, fmt in enumerate(TARGET_FORMATS):
            for i in rng.choice(len(pool), size=per_format, replace=False):
                rows.append((normalize_text(fmt.render(pool[i])), month, f))
    return rows


@cache
def dates_target_task() -> DatesTask:
    """The fixed target task (built once): test strings from the source's held-out dates, pool
    strings from its training dates, both drawn with :data:`DATES_SPLIT_SEED`."""
    rng = np.random.default_rng(DATES_SPLIT_SEED)
    dates = all_dates()
    test = _draw([d for d in dates if is_heldout(d)], DATES_TEST_PER_FORMAT, rng)
    pool = _draw([d for d in dates if not is_heldout(d)], DATES_POOL_PER_FORMAT, rng)

    def tensors(rows: list[tuple[str, int, int]]) -> tuple:
        texts = tuple(r[0] for r in rows)
        return (
            texts,
            encode_dates(list(texts)),
            torch.tensor([r[1] for r in rows], dtype=torch.long),
            np.array([r[2] for r in rows], dtype=np.int64),
        )

    texts_train, x_train, y_train, f_train = tensors(pool)
    texts_test, x_test, y_test, f_test = tensors(test)
    return DatesTask(texts_train, texts_test, x_train, y_train, x_test, y_test, f_train, f_test)


def date_labelled_subset(
    task: DatesTask, per_class: int | str, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """``per_class`` pool strings of each month drawn with ``seed`` (``"all"``: the whole pool).

    Raises
    ------
    ValueError
        If ``per_class`` is neither ``"all"`` nor a whole number from 1 to the pool's 200 per month.
    """
    check_whole("seed", seed, low=0)
    if per_class == "all":
        return task.x_train, task.y_train
    per_class = check_whole("per_class", per_class, low=1, high=int(task.pool_per_class().min()))
    rng = np.random.default_rng(seed)
    labels = task.y_train.numpy()
    chosen = np.concatenate(
        [
            rng.choice(np.flatnonzero(labels == k), size=per_class, replace=False)
            for k in range(task.num_classes)
        ]
    )
    index = torch.from_numpy(chosen)
    return task.x_train[index], task.y_train[index]


# --------------------------------------------------------------------------------------------------
# The model: the source's encoder and a new head
# --------------------------------------------------------------------------------------------------


class AttentionPoolHead(nn.Module):
    r"""The new head: attention pooling of the encoder's states, then a linear layer.

    .. math:: e_s = w^\top \bar h_s + b_e,\quad \alpha = \operatorname{softmax}_s(e)\ \text{(real
              positions only)},\quad c = \textstyle\sum_s \alpha_s \bar h_s,\quad
              \text{logits} = W c + b

    The source's decoder read the encoder the same way, through attention over its states; here one
    learned query picks the positions that tell the month.
    """

    def __init__(self, width: int, num_classes: int) -> None:
        super().__init__()
        self.score = nn.Linear(width, 1)  # e_s = w^T h_s + b_e
        self.out = nn.Linear(width, num_classes)  # W c + b

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        # e_s: (N, S), -inf on padding so that softmax gives it weight 0
        scores = self.score(states).squeeze(-1).masked_fill(~mask, float("-inf"))
        # alpha = softmax_s(e): (N, S)
        weights = torch.softmax(scores, dim=-1)
        # c = sum_s alpha_s h_s: (N, 2H)
        context = torch.bmm(weights.unsqueeze(1), states).squeeze(1)
        return self.out(context)


class DateReader(nn.Module):
    r"""The source's encoder (embedding + bidirectional GRU) and a new :class:`AttentionPoolHead`.

    Shape: ids ``(N, S)`` (``PAD`` after each string) -> embed ``(N, S, E)`` -> GRU states
    :math:`\bar h_s` ``(N, S, 2H)`` -> attention pooling ``(N, 2H)`` -> logits ``(N, num_classes)``.
    No dropout: train and eval mode compute the same function, so a frozen encoder gives the same states
    throughout training.
    """

    def __init__(self, num_classes: int, vocab_size: int, embed_size: int = 24, hidden_size: int = 32):
        super().__init__()
        self.encoder = Encoder(vocab_size, embed_size, hidden_size)
        self.head = AttentionPoolHead(2 * hidden_size, num_classes)

    def encode(self, ids: torch.Tensor) -> EncoderOutput:
        """The encoder's states of ``ids``; each row's length is the count of its non-``PAD`` ids."""
        lengths = (ids != PAD).sum(dim=1)
        return self.encoder(ids, lengths)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        enc = self.encode(ids)
        return self.head(enc.states, enc.mask)

    def layer(self, name: str) -> nn.Module:
        """The module of one of :data:`DATES_LAYERS`."""
        return self.head if name == "head" else getattr(self.encoder, name)


@cache
def _shipped_source() -> Seq2Seq:
    return load_shipped(DateTask(), DATES_SOURCE_VARIANT)


def load_date_source() -> Seq2Seq:
    """The shipped date model whose encoder is the source (a fresh copy each call, eval mode)."""
    source = _shipped_source()
    model = Seq2Seq(source.config, source.src_vocab, source.tgt_vocab)
    model.load_state_dict(source.state_dict())
    return model.eval()


def _new_reader(pretrained: Seq2Seq, num_classes: int, seed: int) -> DateReader:
    config = pretrained.config
    return seeded_module(
        lambda: DateReader(num_classes, pretrained.src_vocab.size, config.embed_size, config.encoder_size),
        seed,
    )


def date_finetune_model(
    pretrained: Seq2Seq,
    strategy: str,
    num_classes: int = NUM_MONTHS,
    *,
    lr: float,
    head_lr_mult: float = 10.0,
    seed: int = 0,
) -> tuple[DateReader, list[dict]]:
    r"""A new :class:`DateReader` for ``strategy`` and its parameter groups for ``torch.optim``.

    The recipe as on digits (:func:`core.finetune.finetune_model`): copy the source's encoder (all of
    the source but its decoder, which writes ISO dates), put a new random head with ``num_classes``
    outputs on top; ``scratch`` draws the encoder at random too. The rates per layer are
    :func:`core.finetune.layer_learning_rates` over the layers ``embed, rnn, head``: ``discriminative``
    trains ``rnn`` at :math:`\eta` and ``embed`` at :math:`\eta/2.6`. For one ``seed`` every strategy
    gets the same new head. ``pretrained`` is left untouched.

    Raises
    ------
    ValueError
        For an unknown strategy, a ``num_classes`` below 1, a non-positive rate, or a ``pretrained``
        that is not a :class:`core.attention.Seq2Seq`.
    """
    check_choice("strategy", strategy, STRATEGIES)
    lr = check_number("lr", lr, low=0.0, low_open=True)
    head_lr_mult = check_number("head_lr_mult", head_lr_mult, low=0.0, low_open=True)
    num_classes = check_whole("num_classes", num_classes, low=1)
    seed = check_whole("seed", seed, low=0)
    if not isinstance(pretrained, Seq2Seq):
        raise ValueError(
            f"pretrained must be a Seq2Seq (see load_date_source), got {type(pretrained).__name__}."
        )
    rates = layer_learning_rates(strategy, lr, head_lr_mult, backbone_layers=DATES_BACKBONE_LAYERS)
    model = _new_reader(pretrained, num_classes, seed)
    if strategy != "scratch":
        # copy the encoder: all of the source but its decoder
        model.encoder.load_state_dict(pretrained.encoder.state_dict())
    if strategy == "linear_probe":
        model.encoder.requires_grad_(False)
    model.train()
    groups = [
        {"params": list(model.layer(name).parameters()), "lr": rate, "name": name}
        for name, rate in rates.items()
    ]
    return model, groups


def dates_drift(pretrained: Seq2Seq, model: DateReader) -> dict[str, float]:
    r"""How far each copied layer moved: :math:`\lVert\theta_l - \theta_l^{(0)}\rVert_2 /
    \lVert\theta_l^{(0)}\rVert_2` over its weights and biases (0 for a layer that did not change)."""
    drift = {}
    for name in DATES_BACKBONE_LAYERS:
        now = torch.cat([p.detach().flatten() for p in model.layer(name).parameters()]).double()
        before = torch.cat([p.detach().flatten() for p in getattr(pretrained.encoder, name).parameters()])
        before = before.double()
        # ||theta - theta0|| / ||theta0||
        drift[name] = float(torch.linalg.vector_norm(now - before) / torch.linalg.vector_norm(before))
    return drift


def date_formula_count(module: nn.Module) -> int:
    r"""Parameters of a layer of :class:`DateReader` from its shape:

    - embedding: :math:`V E` (one row per character id, the padding row included);
    - bidirectional GRU: :math:`2 \cdot 3H(E + H + 2)` (per direction, the reset, update and new gates
      each have :math:`W_{i} \in \mathbb{R}^{H\times E}`, :math:`W_{h} \in \mathbb{R}^{H\times H}` and
      two biases);
    - :class:`AttentionPoolHead` on :math:`D = 2H` wide states: :math:`(D + 1) + C(D + 1)`.

    Raises
    ------
    ValueError
        For any other module.
    """
    if isinstance(module, nn.Embedding):
        # V E
        return module.num_embeddings * module.embedding_dim
    if isinstance(module, nn.GRU):
        directions = 2 if module.bidirectional else 1
        h, e = module.hidden_size, module.input_size
        # directions * layers * 3H (E + H + 2), one layer here
        return directions * module.num_layers * 3 * h * (e + h + 2)
    if isinstance(module, AttentionPoolHead):
        d, c = module.score.in_features, module.out.out_features
        # (D + 1) for e_s = w^T h_s + b_e, C (D + 1) for W c + b
        return (d + 1) + c * (d + 1)
    raise ValueError(
        f"module must be an Embedding, a GRU or an AttentionPoolHead, got {type(module).__name__}."
    )


def date_layer_table(model: DateReader, param_groups: list[dict]) -> list[LayerRow]:
    """Per layer of :data:`DATES_LAYERS`: its shape, parameter count (formula and torch), whether it
    trains and its learning rate as read back from ``param_groups`` (as :func:`core.finetune.layer_table`
    does for the digits CNN).

    Raises
    ------
    ValueError
        If ``model`` is not a :class:`DateReader`.
    """
    if not isinstance(model, DateReader):
        raise ValueError(f"model must be a DateReader, got {type(model).__name__}.")
    rate_of = {id(p): g["lr"] for g in param_groups for p in g["params"]}
    rows = []
    for name in DATES_LAYERS:
        module = model.layer(name)
        params = list(module.parameters())
        trainable = all(p.requires_grad for p in params) and all(id(p) in rate_of for p in params)
        if isinstance(module, nn.Embedding):
            shape = f"{module.num_embeddings}×{module.embedding_dim}"
        elif isinstance(module, nn.GRU):
            shape = f"{module.input_size}→2×{module.hidden_size}"
        else:
            shape = f"{module.score.in_features}→{module.out.out_features}"
        rows.append(
            LayerRow(
                name,
                shape,
                date_formula_count(module),
                sum(p.numel() for p in params),
                trainable,
                rate_of[id(params[0])] if trainable else None,
            )
        )
    return rows


@torch.no_grad()
def date_features(model: DateReader | Seq2Seq, x: torch.Tensor) -> np.ndarray:
    r"""What the encoder's states say about each string, without any trained head: the mean and the
    maximum of :math:`\bar h_s` over the real positions, float64 ``(N, 4H)``. ``model`` may be a
    :class:`DateReader` or the source :class:`core.attention.Seq2Seq` itself (its encoder).

    .. math:: z = [\tfrac{1}{S}\textstyle\sum_s \bar h_s;\ \max_s \bar h_s]
    """
    if not isinstance(model, DateReader | Seq2Seq):
        raise ValueError(f"model must be a DateReader or a Seq2Seq, got {type(model).__name__}.")
    encoder = model.encoder
    lengths = (x != PAD).sum(dim=1)
    enc = encoder(x, lengths)
    # mean_s h_s = sum_s h_s / S (the states are 0 on padding)
    mean = enc.states.sum(dim=1) / lengths.unsqueeze(1).to(enc.states.dtype)
    # max_s h_s over the real positions only
    peak = enc.states.masked_fill(~enc.mask.unsqueeze(-1), float("-inf")).amax(dim=1)
    return torch.cat([mean, peak], dim=-1).double().numpy()


# --------------------------------------------------------------------------------------------------
# One run (what the script sweeps and the page runs live)
# --------------------------------------------------------------------------------------------------

#: the protocol, fixed before the sweep and the same for every strategy (see README)


@dataclass
class DateRunResult:
    """One strategy at one size and seed: the trained model, its log, the final test accuracy (overall
    and per target format), the copied layers' movement and the trainable / frozen counts."""

    strategy: str
    per_class: int | str
    seed: int
    model: DateReader
    log: TrainLog
    accuracy: float
    per_format: dict[str, float]
    drift: dict[str, float]
    trainable: int
    frozen: int


def run_date_strategy(
    pretrained: Seq2Seq,
    strategy: str,
    per_class: int | str,
    seed: int = 0,
    *,
    lr: float = DATES_LR,
    head_lr_mult: float = DATES_HEAD_LR_MULT,
    plan: TrainPlan = DATES_PLAN,
    progress: Progress | None = None,
) -> DateRunResult:
    """Fine-tune the source's encoder on ``per_class`` labelled strings per month (drawn with ``seed``,
    which also draws the new head and the batch order) and evaluate on the fixed test set.

    Raises
    ------
    ValueError
        For an unknown strategy, an impossible ``per_class`` or seed, or a non-positive rate.
    """
    check_choice("strategy", strategy, STRATEGIES)
    task = dates_target_task()
    x, y = date_labelled_subset(task, per_class, seed)
    model, groups = date_finetune_model(
        pretrained, strategy, task.num_classes, lr=lr, head_lr_mult=head_lr_mult, seed=seed
    )
    trainable, frozen = parameter_counts(model)
    log = train(model, groups, x, y, plan=plan, seed=seed, test=(task.x_test, task.y_test), progress=progress)
    model.eval()
    right = (predict(model, task.x_test) == task.y_test).numpy()
    per_format = {
        fmt.name: float(right[task.format_test == f].mean()) for f, fmt in enumerate(TARGET_FORMATS)
    }
    return DateRunResult(
        strategy,
        per_class,
        seed,
        model,
        log,
        log.test_accuracy[-1],
        per_format,
        dates_drift(pretrained, model),
        trainable,
        frozen,
    )
