r"""Attention for sequence-to-sequence models: Bahdanau, Luong (dot / general / concat), local and hard.

Every module answers the same question. A decoder state (the *query*) looks at the encoder's states
(the *keys*, and the *values* it averages, by default the same encoder states) and returns

* the attention weights :math:`\alpha_t \in \mathbb{R}^{T}` over the :math:`T` input positions, and
* the context vector :math:`c_t = \sum_s \alpha_{ts} \bar{h}_s`, a weighted average of the values.

Keys and values are the ENCODER's states; only the query comes from the decoder.

Shapes (``B`` batch, ``T`` input positions)::

    query  (B, Dq)      the decoder state: s_{t-1} for Bahdanau, h_t for Luong
    keys   (B, T, Dk)   encoder states  \bar{h}_1 ... \bar{h}_T
    values (B, T, Dv)   what is averaged (defaults to keys)
    mask   (B, T) bool  True = a real input position, False = padding (gets weight exactly 0)
    ->  context (B, Dv), weights (B, T)

For speed, a decoder that attends to the same keys at every step can call ``prepare_keys(keys)`` once
and pass the result as ``prepared_keys=``: the key-side projection (:math:`U_a \bar{h}_s`,
:math:`W_a \bar{h}_s`) is then computed once per sentence instead of once per output step.

References: Bahdanau, Cho, Bengio (2015) "Neural machine translation by jointly learning to align and
translate"; Luong, Pham, Manning (2015) "Effective approaches to attention-based neural machine
translation"; Xu et al. (2015) "Show, attend and tell" (hard attention).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

import torch
from torch import nn

from core._validation import check_whole
from core.budget import check_budget

Score = Literal["dot", "general", "concat"]
LocalMode = Literal["monotonic", "predictive"]
HardMode = Literal["argmax", "sample"]

SCORES: tuple[str, ...] = ("dot", "general", "concat")
LOCAL_MODES: tuple[str, ...] = ("monotonic", "predictive")


class AttentionOutput(NamedTuple):
    """What one attention step produces; ``center`` is local attention's :math:`p_t` (else None)."""

    context: torch.Tensor  # (B, Dv)
    weights: torch.Tensor  # (B, T)
    center: torch.Tensor | None = None  # (B,) float, local attention only


# --------------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------------


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    r"""Softmax over the last axis that gives padded positions exactly zero weight.

    .. math:: \alpha_s = \frac{m_s\, e^{e_s}}{\sum_{s'} m_{s'}\, e^{e_{s'}}}, \quad m_s \in \{0, 1\}

    Parameters
    ----------
    scores : (B, T) tensor
        Raw scores :math:`e_s`.
    mask : (B, T) bool tensor, optional
        True where the position is real. Every row must keep at least one position.

    Returns
    -------
    (B, T) tensor whose rows sum to 1 over the kept positions and are 0 elsewhere.
    """
    if mask is None:
        return torch.softmax(scores, dim=-1)
    if mask.shape != scores.shape:
        raise ValueError(f"mask has shape {tuple(mask.shape)} but the scores have {tuple(scores.shape)}.")
    if mask.dtype != torch.bool:
        raise ValueError(f"mask must be a bool tensor (True = keep), got dtype {mask.dtype}.")
    empty = ~mask.any(dim=-1)
    if bool(empty.any()):
        row = int(empty.nonzero()[0, 0])
        raise ValueError(f"mask hides every position of row {row}: at least one position must be kept.")
    # e_s -> -inf where m_s = 0, so exp(e_s - max) is exactly 0 there
    masked = scores.masked_fill(~mask, float("-inf"))
    # softmax subtracts the row maximum first (stable for scores of any size)
    return torch.softmax(masked, dim=-1)


def hard_attention(
    weights: torch.Tensor, mode: HardMode = "argmax", generator: torch.Generator | None = None
) -> torch.Tensor:
    r"""Turn soft attention weights into one-hot weights: attend to exactly one position.

    * ``"argmax"``: :math:`\tilde{\alpha}_s = [s = \arg\max_{s'} \alpha_{s'}]` (deterministic);
    * ``"sample"``: :math:`s^\ast \sim \mathrm{Categorical}(\alpha)`, :math:`\tilde{\alpha}_s = [s = s^\ast]`,
      the stochastic hard attention of Xu et al. (2015).

    The context becomes a single encoder state, :math:`c_t = \bar{h}_{s^\ast}`. Choosing a position is not
    differentiable, which is why hard attention is trained with sampling-based (REINFORCE-style)
    estimators rather than plain backpropagation.

    Parameters
    ----------
    weights : (B, T) tensor
        Non-negative weights (rows need not sum to 1: sampling uses them normalised).
    mode : {"argmax", "sample"}
    generator : torch.Generator, optional
        Source of randomness for ``"sample"`` (for reproducible draws).

    Returns
    -------
    (B, T) tensor of zeros with a single 1 per row, same dtype as ``weights``.
    """
    if mode not in ("argmax", "sample"):
        raise ValueError(f"mode must be 'argmax' or 'sample', got {mode!r}.")
    if weights.dim() != 2:
        raise ValueError(f"weights must have shape (batch, positions), got {tuple(weights.shape)}.")
    if bool((weights < 0).any()) or not bool(torch.isfinite(weights).all()):
        raise ValueError("weights must be finite and non-negative to choose a position from them.")
    if bool((weights.sum(dim=-1) <= 0).any()):
        raise ValueError("every row of weights needs a positive total to choose a position from it.")
    if mode == "argmax":
        # s* = argmax_s alpha_s (the first one on ties)
        chosen = weights.argmax(dim=-1)
    else:
        # s* ~ Categorical(alpha)
        chosen = torch.multinomial(weights, 1, generator=generator).squeeze(-1)
    return nn.functional.one_hot(chosen, weights.shape[-1]).to(weights.dtype)


def _check_inputs(
    name: str,
    query: torch.Tensor,
    keys: torch.Tensor,
    values: torch.Tensor | None,
    mask: torch.Tensor | None,
    query_size: int,
    key_size: int,
) -> torch.Tensor:
    """Validate shapes at the door; returns the values (keys when none are given)."""
    if query.dim() != 2:
        raise ValueError(f"{name}: query must have shape (batch, {query_size}), got {tuple(query.shape)}.")
    if keys.dim() != 3:
        raise ValueError(
            f"{name}: keys must have shape (batch, positions, {key_size}), got {tuple(keys.shape)}."
        )
    if query.shape[1] != query_size:
        raise ValueError(f"{name}: query has size {query.shape[1]} but query_size is {query_size}.")
    if keys.shape[2] != key_size:
        raise ValueError(f"{name}: keys have size {keys.shape[2]} but key_size is {key_size}.")
    if keys.shape[0] != query.shape[0]:
        raise ValueError(f"{name}: query has batch {query.shape[0]} but keys have batch {keys.shape[0]}.")
    if values is None:
        values = keys
    elif values.dim() != 3 or values.shape[:2] != keys.shape[:2]:
        raise ValueError(
            f"{name}: values must have shape (batch, positions, Dv) = {tuple(keys.shape[:2])} + (Dv,), "
            f"got {tuple(values.shape)}."
        )
    if mask is not None and mask.shape != keys.shape[:2]:
        raise ValueError(f"{name}: mask must have shape {tuple(keys.shape[:2])}, got {tuple(mask.shape)}.")
    return values


def _positive_int(name: str, value: object) -> int:
    return check_whole(name, value, low=1)


def _weighted_sum(weights: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    # c_t = sum_s alpha_ts * v_s : (B, 1, T) @ (B, T, Dv) -> (B, Dv)
    return torch.bmm(weights.unsqueeze(1), values).squeeze(1)


# --------------------------------------------------------------------------------------------------
# Global attention
# --------------------------------------------------------------------------------------------------


class _GlobalAttention(nn.Module):
    """What Bahdanau's and Luong's global attention share: scores for every position, a masked softmax,
    the weighted sum of the values. A subclass defines ``prepare_keys`` (the key side of its score,
    computed once per sentence) and ``_score``."""

    query_size: int
    key_size: int

    def prepare_keys(self, keys: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _score(self, query: torch.Tensor, prepared: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def score(
        self, query: torch.Tensor, keys: torch.Tensor, *, prepared_keys: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Raw scores :math:`e_{ts}` before the softmax: (B, Dq), (B, T, Dk) -> (B, T)."""
        _check_inputs(type(self).__name__, query, keys, None, None, self.query_size, self.key_size)
        return self._score(query, self.prepare_keys(keys) if prepared_keys is None else prepared_keys)

    def attend(
        self,
        query: torch.Tensor,
        keys: torch.Tensor,
        values: torch.Tensor | None = None,
        mask: torch.Tensor | None = None,
        *,
        prepared_keys: torch.Tensor | None = None,
    ) -> AttentionOutput:
        """Like :meth:`forward`, returning an :class:`AttentionOutput`."""
        values = _check_inputs(type(self).__name__, query, keys, values, mask, self.query_size, self.key_size)
        prepared = self.prepare_keys(keys) if prepared_keys is None else prepared_keys
        # alpha_t = softmax(e_t) over the real positions: (B, T)
        weights = masked_softmax(self._score(query, prepared), mask)
        return AttentionOutput(_weighted_sum(weights, values), weights)

    def forward(
        self,
        query: torch.Tensor,
        keys: torch.Tensor,
        values: torch.Tensor | None = None,
        mask: torch.Tensor | None = None,
        *,
        prepared_keys: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Context (B, Dv) and weights (B, T)."""
        out = self.attend(query, keys, values, mask, prepared_keys=prepared_keys)
        return out.context, out.weights


class AdditiveAttention(_GlobalAttention):
    r"""Bahdanau's additive attention: a one-hidden-layer network scores each (query, key) pair.

    .. math::
        e_{ts} = v_a^\top \tanh(W_a\, s_{t-1} + U_a\, \bar{h}_s), \qquad
        \alpha_t = \operatorname{softmax}(e_t), \qquad
        c_t = \sum_s \alpha_{ts} \bar{h}_s

    :math:`W_a` (``query_proj``), :math:`U_a` (``key_proj``) and :math:`v_a` (``score_proj``) have no bias,
    as in the paper. In the row-vector form of the notes this is
    :math:`\operatorname{softmax}(\tanh(s_{t-1} W_\text{decoder} + X W_\text{encoder}) W_\text{alignment})`.

    Parameters
    ----------
    query_size : int
        Size of the decoder state :math:`s_{t-1}`.
    key_size : int
        Size of an encoder state :math:`\bar{h}_s`.
    hidden_size : int
        Width of the hidden layer (rows of :math:`W_a`, :math:`U_a`).

    Shape
    -----
    query (B, Dq), keys (B, T, Dk), values (B, T, Dv), mask (B, T) -> context (B, Dv), weights (B, T).
    """

    def __init__(self, query_size: int, key_size: int, hidden_size: int) -> None:
        super().__init__()
        self.query_size = _positive_int("query_size", query_size)
        self.key_size = _positive_int("key_size", key_size)
        self.hidden_size = _positive_int("hidden_size", hidden_size)
        self.query_proj = nn.Linear(query_size, hidden_size, bias=False)  # W_a
        self.key_proj = nn.Linear(key_size, hidden_size, bias=False)  # U_a
        self.score_proj = nn.Linear(hidden_size, 1, bias=False)  # v_a

    def prepare_keys(self, keys: torch.Tensor) -> torch.Tensor:
        """:math:`U_a \\bar{h}_s` for every position: (B, T, Dk) -> (B, T, H)."""
        return self.key_proj(keys)

    def _score(self, query: torch.Tensor, prepared: torch.Tensor) -> torch.Tensor:
        # W_a s_{t-1}: (B, Dq) -> (B, 1, H), broadcast over the T positions
        q = self.query_proj(query).unsqueeze(1)
        # e_ts = v_a^T tanh(W_a s_{t-1} + U_a h_s): (B, T, H) -> (B, T)
        return self.score_proj(torch.tanh(q + prepared)).squeeze(-1)


class LuongAttention(_GlobalAttention):
    r"""Luong's global attention with the three content-based scores of the paper.

    .. math::
        \operatorname{score}(h_t, \bar{h}_s) =
        \begin{cases}
            h_t^\top \bar{h}_s & \text{dot} \\
            h_t^\top W_a \bar{h}_s & \text{general} \\
            v_a^\top \tanh(W_a [h_t; \bar{h}_s]) & \text{concat}
        \end{cases}
        \qquad
        \alpha_t = \operatorname{softmax}(\operatorname{score}(h_t, \bar{h}_\cdot)), \qquad
        c_t = \sum_s \alpha_{ts} \bar{h}_s

    ``dot`` and ``general`` are multiplicative; ``concat`` is additive (Bahdanau's form applied to
    :math:`h_t`): :math:`W_a [h_t; \bar{h}_s] = W_q h_t + W_k \bar{h}_s` with :math:`W_a = [W_q\ W_k]`.

    Parameters
    ----------
    query_size : int
        Size of the decoder state :math:`h_t`.
    key_size : int
        Size of an encoder state :math:`\bar{h}_s` (must equal ``query_size`` for ``dot``).
    score : {"dot", "general", "concat"}
    hidden_size : int, optional
        Rows of :math:`W_a` for ``concat`` (required there, unused otherwise).

    Shape
    -----
    query (B, Dq), keys (B, T, Dk), values (B, T, Dv), mask (B, T) -> context (B, Dv), weights (B, T).
    """

    def __init__(self, query_size: int, key_size: int, score: Score = "dot", hidden_size: int | None = None):
        super().__init__()
        self.query_size = _positive_int("query_size", query_size)
        self.key_size = _positive_int("key_size", key_size)
        if score not in SCORES:
            raise ValueError(f"score must be one of 'dot', 'general', 'concat', got {score!r}.")
        self.score_name = score
        if score == "dot" and query_size != key_size:
            raise ValueError(
                f"the dot score needs query_size == key_size, got {query_size} and {key_size}; "
                "use score='general' to compare vectors of different sizes."
            )
        if score == "concat":
            if hidden_size is None:
                raise ValueError("the concat score needs hidden_size (the rows of W_a).")
            self.hidden_size = _positive_int("hidden_size", hidden_size)
            self.query_proj = nn.Linear(query_size, hidden_size, bias=False)  # W_a, the h_t columns
            self.key_proj = nn.Linear(key_size, hidden_size, bias=False)  # W_a, the h_s columns
            self.score_proj = nn.Linear(hidden_size, 1, bias=False)  # v_a
        else:
            if hidden_size is not None:
                raise ValueError(f"hidden_size is only used by the concat score, not by {score!r}.")
            self.hidden_size = None
            if score == "general":
                self.key_proj = nn.Linear(key_size, query_size, bias=False)  # W_a

    def prepare_keys(self, keys: torch.Tensor) -> torch.Tensor:
        """The key side of the score, computed once per sentence: (B, T, Dk) -> (B, T, *)."""
        if self.score_name == "dot":
            return keys
        # general: W_a h_s (B, T, Dq);  concat: W_k h_s (B, T, H)
        return self.key_proj(keys)

    def _score(self, query: torch.Tensor, prepared: torch.Tensor) -> torch.Tensor:
        if self.score_name == "concat":
            # v_a^T tanh(W_q h_t + W_k h_s): (B, 1, H) + (B, T, H) -> (B, T)
            return self.score_proj(torch.tanh(self.query_proj(query).unsqueeze(1) + prepared)).squeeze(-1)
        # dot: h_t^T h_s;  general: h_t^T (W_a h_s) : (B, T, Dq) @ (B, Dq, 1) -> (B, T)
        return torch.bmm(prepared, query.unsqueeze(-1)).squeeze(-1)


# --------------------------------------------------------------------------------------------------
# Local attention
# --------------------------------------------------------------------------------------------------


class LocalAttention(nn.Module):
    r"""Luong's local attention: score only a window of :math:`2D+1` positions around a centre :math:`p_t`.

    * local-m (``mode="monotonic"``): :math:`p_t = t`, the decoder step (clamped to the last input
      position so the window is never empty);
    * local-p (``mode="predictive"``): the model predicts the centre and favours positions near it,

    .. math::
        p_t = (S - 1)\,\sigma\!\left(v_p^\top \tanh(W_p h_t)\right), \qquad
        a_t(s) = \operatorname{align}(h_t, \bar{h}_s)\,
                 \exp\!\left(-\frac{(s - p_t)^2}{2\sigma_D^2}\right), \quad \sigma_D = \frac{D}{2}

    where :math:`S` is the real length of the input and positions count from 0 (the paper counts from
    1 and scales by :math:`S`). ``align`` is the softmax of a Luong score over the window positions
    :math:`\operatorname{round}(p_t) - D \le s \le \operatorname{round}(p_t) + D`; every other position gets
    weight 0. With local-p the Gaussian factor makes the weights sum to less than 1, as in the paper.

    Only the window's :math:`2D+1` scores are computed at each step (that is the saving: computation,
    not parameters). local-m has exactly the parameters of the global score; local-p adds
    :math:`W_p` and :math:`v_p`.

    Parameters
    ----------
    query_size, key_size : int
        Sizes of :math:`h_t` and :math:`\bar{h}_s`.
    window : int
        :math:`D \ge 1`, the half-width of the window.
    mode : {"monotonic", "predictive"}
    score : {"dot", "general", "concat"}
        The align score inside the window (default ``"general"``, the paper's best with local-p).
    hidden_size : int, optional
        Rows of :math:`W_a` for the concat score, and of :math:`W_p` for local-p (default ``query_size``).

    Shape
    -----
    query (B, Dq), keys (B, T, Dk), values (B, T, Dv), mask (B, T), position: int or (B,) (local-m)
    -> context (B, Dv), weights (B, T).
    """

    def __init__(
        self,
        query_size: int,
        key_size: int,
        window: int,
        mode: LocalMode = "monotonic",
        score: Score = "general",
        hidden_size: int | None = None,
    ) -> None:
        super().__init__()
        self.window = _positive_int("window", window)
        if mode not in LOCAL_MODES:
            raise ValueError(f"mode must be 'monotonic' (local-m) or 'predictive' (local-p), got {mode!r}.")
        self.mode = mode
        self.align = LuongAttention(
            query_size, key_size, score, hidden_size=hidden_size if score == "concat" else None
        )
        self.query_size, self.key_size = query_size, key_size
        if mode == "predictive":
            p_hidden = query_size if hidden_size is None else _positive_int("hidden_size", hidden_size)
            self.position_proj = nn.Linear(query_size, p_hidden, bias=False)  # W_p
            self.position_score = nn.Linear(p_hidden, 1, bias=False)  # v_p

    def prepare_keys(self, keys: torch.Tensor) -> torch.Tensor:
        """The key side of the align score, once per sentence."""
        return self.align.prepare_keys(keys)

    def center(
        self,
        query: torch.Tensor,
        lengths: torch.Tensor,
        position: int | torch.Tensor | None = None,
    ) -> torch.Tensor:
        r"""The window centre :math:`p_t` (B,) as floats: ``position`` for local-m, predicted for local-p."""
        last = (lengths - 1).to(query.dtype)
        if self.mode == "monotonic":
            if position is None:
                raise ValueError("local-m (mode='monotonic') needs position=t, the decoder step.")
            t = torch.as_tensor(position, dtype=query.dtype).expand(query.shape[0])
            if bool((t < 0).any()):
                raise ValueError(f"position must be >= 0, got {position!r}.")
            # p_t = t, clamped to the last real input position
            return torch.minimum(t, last)
        # p_t = (S - 1) * sigmoid(v_p^T tanh(W_p h_t)): (B,)
        return last * torch.sigmoid(self.position_score(torch.tanh(self.position_proj(query)))).squeeze(-1)

    def attend(
        self,
        query: torch.Tensor,
        keys: torch.Tensor,
        values: torch.Tensor | None = None,
        mask: torch.Tensor | None = None,
        position: int | torch.Tensor | None = None,
        *,
        prepared_keys: torch.Tensor | None = None,
        window: int | None = None,
    ) -> AttentionOutput:
        """Like :meth:`forward`, returning an :class:`AttentionOutput` that includes :math:`p_t`.

        ``window`` overrides the module's D for this call (to see a trained model with another D).
        """
        D = self.window if window is None else _positive_int("window", window)
        values = _check_inputs("LocalAttention", query, keys, values, mask, self.query_size, self.key_size)
        batch, steps = keys.shape[:2]
        if mask is None:
            mask = torch.ones(batch, steps, dtype=torch.bool, device=keys.device)
        lengths = mask.sum(dim=1)
        if bool((lengths == 0).any()):
            raise ValueError("mask hides every position of some row: at least one position must be kept.")
        prepared = self.prepare_keys(keys) if prepared_keys is None else prepared_keys
        # the window's keys, (B, 2D+1, *), before they are gathered
        check_budget("window", "elements", batch * (2 * D + 1) * prepared.shape[-1])
        # p_t: (B,)
        center = self.center(query, lengths, position)
        # the 2D+1 window positions round(p_t) - D ... round(p_t) + D: (B, W)
        offsets = torch.arange(-D, D + 1, device=keys.device)
        positions = torch.round(center).long().unsqueeze(1) + offsets
        inside = (positions >= 0) & (positions < steps)
        index = positions.clamp(0, steps - 1)
        keep = inside & mask.gather(1, index)
        # only the window's keys are scored: (B, W, *)
        window_keys = prepared.gather(1, index.unsqueeze(-1).expand(-1, -1, prepared.shape[-1]))
        # align(h_t, h_s) = softmax over the window of score(h_t, h_s): (B, W)
        local = masked_softmax(self.align._score(query, window_keys), keep)
        if self.mode == "predictive":
            # a_t(s) = align(h_t, h_s) * exp(-(s - p_t)^2 / (2 sigma^2)),  sigma = D / 2
            sigma = gaussian_sigma(D)
            local = local * torch.exp(
                -((positions.to(local.dtype) - center.unsqueeze(1)) ** 2) / (2 * sigma**2)
            )
        # scatter the window back to all T positions (0 outside the window): (B, T)
        weights = torch.zeros(batch, steps, dtype=local.dtype, device=keys.device)
        weights = weights.scatter_add(1, index, local * keep)
        return AttentionOutput(_weighted_sum(weights, values), weights, center)

    def forward(
        self,
        query: torch.Tensor,
        keys: torch.Tensor,
        values: torch.Tensor | None = None,
        mask: torch.Tensor | None = None,
        position: int | torch.Tensor | None = None,
        *,
        prepared_keys: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Context (B, Dv) and weights (B, T) (zero outside the window)."""
        out = self.attend(query, keys, values, mask, position, prepared_keys=prepared_keys)
        return out.context, out.weights


def gaussian_sigma(window: int) -> float:
    """The paper's :math:`\\sigma = D/2` for a window half-width :math:`D`."""
    return _positive_int("window", window) / 2


def count_parameters(module: nn.Module) -> int:
    """Number of trainable scalars in ``module``."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


__all__ = [
    "LOCAL_MODES",
    "SCORES",
    "AdditiveAttention",
    "AttentionOutput",
    "LocalAttention",
    "LuongAttention",
    "count_parameters",
    "gaussian_sigma",
    "hard_attention",
    "masked_softmax",
]
