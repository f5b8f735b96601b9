r"""The attention scores worked out by hand, in plain Python floats, for the page's playground.

:func:`attend_by_hand` follows the equations step by step (no torch) and keeps every intermediate
number so a page can print the working; :func:`module_for` builds the :mod:`core.attention` module with
the same parameters, so the two can be compared.

.. math::
    \text{additive / concat:}\ e_s = v^\top \tanh(W_q q + W_k k_s), \qquad
    \text{dot:}\ e_s = q^\top k_s, \qquad
    \text{general:}\ e_s = q^\top (W_a k_s)

    \alpha = \operatorname{softmax}(e), \qquad c = \sum_s \alpha_s k_s

Bahdanau's additive score and Luong's concat score are the same function
(:math:`W_a[q; k] = W_q q + W_k k`); what differs between the two papers is which decoder state plays
:math:`q` (:math:`s_{t-1}` or :math:`h_t`). Here they share parameters and give the same numbers.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from core._validation import check_whole
from core.errors import InputError
from core.lazy import LazyModule

torch = LazyModule("torch")  # imported when a module is run (core/lazy.py)
nn = LazyModule("torch.nn")
_modules = LazyModule("core.attention._modules")

PLAYGROUND_SCORES: tuple[str, ...] = ("additive", "dot", "general", "concat")

Matrix = list[list[float]]


class HandWorking(NamedTuple):
    """Every intermediate number of one attention step computed by hand."""

    score: str
    projected_query: list[float] | None  # W_q q (additive, concat)
    projected_keys: Matrix | None  # W_k k_s (additive, concat) or W_a k_s (general), one row per key
    hidden: Matrix | None  # W_q q + W_k k_s (additive, concat), one row per key
    activated: Matrix | None  # tanh(W_q q + W_k k_s), one row per key
    scores: list[float]  # e_s
    weights: list[float]  # alpha_s
    context: list[float]  # c


def playground_parameters(seed: int, size: int = 3, hidden: int = 2) -> dict[str, Matrix]:
    """Small parameter matrices with one decimal (readable in LaTeX), the same for a given seed.

    ``W_q``, ``W_k`` (hidden x size) and ``v`` (1 x hidden) serve the additive and concat scores,
    ``W_a`` (size x size) the general score.
    """
    check_whole("seed", seed, low=0)
    rng = np.random.default_rng(seed)

    def draw(rows: int, cols: int) -> Matrix:
        # + 0.0 turns a rounded -0.0 into 0.0
        return (np.round(rng.uniform(-1, 1, (rows, cols)), 1) + 0.0).tolist()

    return {
        "W_q": draw(hidden, size),
        "W_k": draw(hidden, size),
        "v": draw(1, hidden),
        "W_a": draw(size, size),
    }


def _matvec(matrix: Matrix, vector: list[float]) -> list[float]:
    # (W x)_i = sum_j W_ij x_j
    return [sum(w * x for w, x in zip(row, vector, strict=True)) for row in matrix]


def _dot(a: list[float], b: list[float]) -> float:
    # a^T b = sum_j a_j b_j
    return sum(x * y for x, y in zip(a, b, strict=True))


def attend_by_hand(score: str, query: list[float], keys: Matrix, params: dict[str, Matrix]) -> HandWorking:
    """One attention step in plain Python: scores, softmax weights and context (values = keys)."""
    if score not in PLAYGROUND_SCORES:
        raise ValueError(f"score must be one of {', '.join(PLAYGROUND_SCORES)}, got {score!r}.")
    if not keys:
        raise ValueError("keys must hold at least one vector.")
    if any(len(k) != len(query) for k in keys):
        raise ValueError(f"every key must have the query's size {len(query)}.")
    projected_query = projected_keys = hidden = activated = None
    if score in ("additive", "concat"):
        # W_q q
        projected_query = _matvec(params["W_q"], query)
        # W_k k_s
        projected_keys = [_matvec(params["W_k"], k) for k in keys]
        # W_q q + W_k k_s
        hidden = [[a + b for a, b in zip(projected_query, pk, strict=True)] for pk in projected_keys]
        # tanh(W_q q + W_k k_s)
        activated = [[math.tanh(h) for h in row] for row in hidden]
        # e_s = v^T tanh(W_q q + W_k k_s)
        scores = [_dot(params["v"][0], h) for h in activated]
    elif score == "dot":
        # e_s = q^T k_s
        scores = [_dot(query, k) for k in keys]
    else:
        # W_a k_s
        projected_keys = [_matvec(params["W_a"], k) for k in keys]
        # e_s = q^T (W_a k_s)
        scores = [_dot(query, pk) for pk in projected_keys]
    # alpha_s = exp(e_s - max e) / sum_s' exp(e_s' - max e)
    top = max(scores)
    exps = [math.exp(e - top) for e in scores]
    weights = [x / sum(exps) for x in exps]
    # c = sum_s alpha_s k_s
    context = [sum(a * k[j] for a, k in zip(weights, keys, strict=True)) for j in range(len(query))]
    return HandWorking(score, projected_query, projected_keys, hidden, activated, scores, weights, context)


def module_for(score: str, params: dict[str, Matrix], size: int = 3) -> nn.Module:
    """The :mod:`core.attention` module of ``score`` holding ``params`` (float64)."""
    if score not in PLAYGROUND_SCORES:
        raise ValueError(f"score must be one of {', '.join(PLAYGROUND_SCORES)}, got {score!r}.")
    hidden = len(params["v"][0])
    if score == "additive":
        module: nn.Module = _modules.AdditiveAttention(size, size, hidden)
    else:
        module = _modules.LuongAttention(size, size, score, hidden_size=hidden if score == "concat" else None)  # type: ignore[arg-type]
    module = module.double()
    with torch.no_grad():
        if score in ("additive", "concat"):
            module.query_proj.weight.copy_(torch.tensor(params["W_q"], dtype=torch.float64))
            module.key_proj.weight.copy_(torch.tensor(params["W_k"], dtype=torch.float64))
            module.score_proj.weight.copy_(torch.tensor(params["v"], dtype=torch.float64))
        elif score == "general":
            module.key_proj.weight.copy_(torch.tensor(params["W_a"], dtype=torch.float64))
    return module


class ModuleResult(NamedTuple):
    scores: list[float]
    weights: list[float]
    context: list[float]


def attend_with_module(
    score: str, query: list[float], keys: Matrix, params: dict[str, Matrix]
) -> ModuleResult:
    """The same step computed by the torch module (float64)."""
    module = module_for(score, params, size=len(query))
    q = torch.tensor([query], dtype=torch.float64)
    k = torch.tensor([keys], dtype=torch.float64)
    with torch.no_grad():
        scores = module.score(q, k)[0]
        context, weights = module(q, k)
    return ModuleResult(scores.tolist(), weights[0].tolist(), context[0].tolist())


def max_difference(hand: HandWorking, module: ModuleResult) -> float:
    """Largest absolute difference between the hand working and the module over scores, weights, context."""
    pairs = [
        *zip(hand.scores, module.scores, strict=True),
        *zip(hand.weights, module.weights, strict=True),
        *zip(hand.context, module.context, strict=True),
    ]
    return max(abs(a - b) for a, b in pairs)


def vector_problem(text: str, size: int) -> tuple[str, dict[str, object]] | None:
    """Why ``text`` is not ``size`` comma-separated numbers, as (code, values), or None if it is.

    Codes: ``"not_numbers"`` (values ``text``), ``"count"`` (``size``, ``got``), ``"range"``.
    """
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return "not_numbers", {"text": text}
    if len(values) != size:
        return "count", {"size": size, "got": len(values)}
    if not all(math.isfinite(v) and abs(v) <= 100 for v in values):
        return "range", {}
    return None


def parse_vector(text: str, size: int, name: str = "vector") -> list[float]:
    """'1, -0.5, 2' -> [1.0, -0.5, 2.0]; an :class:`~core.errors.InputError` (a ValueError) naming the
    problem for anything else."""
    problem = vector_problem(text, size)
    if problem is not None:
        code, values = problem
        if code == "not_numbers":
            raise InputError(
                "attention.vector_not_numbers",
                f"{name} must be numbers separated by commas, got {text!r}.",
                name=name,
                text=repr(text),
            )
        if code == "count":
            got = values["got"]
            raise InputError(
                "attention.vector_count",
                f"{name} needs exactly {size} numbers, got {got}.",
                name=name,
                size=size,
                got=got,
            )
        raise InputError(
            "attention.vector_range", f"{name} must hold finite numbers between -100 and 100.", name=name
        )
    return [float(p) for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
