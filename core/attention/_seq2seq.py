r"""Encoder-decoder models with and without attention: the encoder, the decoders, training, evaluation,
shipped weights and one input explained. The tasks they learn are in ``_tasks``.

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
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from core._validation import check_number, check_whole
from core.attention._modules import AdditiveAttention, LocalAttention, LuongAttention, hard_attention
from core.attention._settings import (
    ATTENTION_VARIANTS as ATTENTION_VARIANTS,
)
from core.attention._settings import (
    DATA_DIR as DATA_DIR,
)
from core.attention._settings import (
    DATE_PLAN as DATE_PLAN,
)
from core.attention._settings import (
    LONG_LENGTHS as LONG_LENGTHS,
)
from core.attention._settings import (
    LONG_PLAN as LONG_PLAN,
)
from core.attention._settings import (
    RESULTS_PATH as RESULTS_PATH,
)
from core.attention._settings import (  # the light part (no torch), re-exported
    VARIANTS as VARIANTS,
)
from core.attention._settings import (
    WEIGHTS_DIR as WEIGHTS_DIR,
)
from core.attention._settings import (
    Evaluation as Evaluation,
)
from core.attention._settings import (
    Explanation as Explanation,
)
from core.attention._settings import (
    ModelConfig as ModelConfig,
)
from core.attention._settings import (
    TrainingLog as TrainingLog,
)
from core.attention._settings import (
    TrainingPlan as TrainingPlan,
)
from core.attention._settings import (
    date_input_problem as date_input_problem,
)
from core.attention._settings import (
    load_results as load_results,
)
from core.attention._settings import (
    shipped_weights_path as shipped_weights_path,
)
from core.attention._tasks import (
    BOS,
    EOS,
    PAD,
    Batch,
    Example,
    SequenceTask,
    Task,
    Vocab,
    make_batch,
)
from core.budget import check_budget
from core.torch_init import seeded_module
from core.training import run_steps

# --------------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------------


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


def build_model(
    config: ModelConfig, task: Task, seed: int = 0, *, generator: torch.Generator | None = None
) -> Seq2Seq:
    """A freshly initialised model for ``task``; the same seed gives the same weights (those
    ``torch.random.manual_seed(seed)`` gave), drawn from ``generator`` (default: one seeded with ``seed``)
    without touching the global random state."""
    return seeded_module(lambda: Seq2Seq(config, task.src_vocab, task.tgt_vocab), seed, generator=generator)


# --------------------------------------------------------------------------------------------------
# Training and evaluation
# --------------------------------------------------------------------------------------------------


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
    check_whole("steps", steps, low=1)
    check_whole("batch_size", batch_size, low=1)
    check_number("learning_rate", learning_rate, low=0.0, high=1.0, low_open=True, high_open=True)
    check_budget("steps", "step_parameters", steps * sum(p.numel() for p in model.parameters()))
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    # cosine decay of the learning rate over the planned steps, down to 5% of the start
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
        optimizer, T_max=steps, eta_min=0.05 * learning_rate
    )
    model.train()
    log = TrainingLog(steps=0, seconds=0.0, cpu_seconds=0.0)
    start, cpu_start = time.perf_counter(), time.thread_time()

    def loss_of(_step: int) -> torch.Tensor:
        return model.loss(make_batch(task.sample(rng, batch_size), task.src_vocab, task.tgt_vocab))

    def after_step(step: int, value: float) -> bool:
        log.losses.append(value)
        log.steps = step
        log.seconds = time.perf_counter() - start
        log.cpu_seconds = time.thread_time() - cpu_start
        return time_limit is not None and log.cpu_seconds >= time_limit  # out of time: stop

    report = None if progress is None else (lambda done, total, loss: progress(done, total, loss))
    run_steps(
        optimizer,
        loss_of,
        steps,
        clip=(model.parameters(), clip_norm),
        schedule=schedule,
        after_step=after_step,
        progress=report,
        progress_every=progress_every,
    )
    model.eval()
    return log


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


def load_shipped(task: Task, variant: str) -> Seq2Seq:
    """The shipped float16 checkpoint of ``variant`` for ``task`` (its ``name`` picks the file), float32,
    eval mode."""
    return load_model(shipped_weights_path(task.name, variant), task)


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
