"""The attention page's sections as scripts' PARAMS / EXPECTED (see :mod:`ui.reproduce`)."""

from __future__ import annotations

from typing import Any

from core.attention import attend_by_hand, parse_vector, playground_parameters
from ui.reproduce import register

PLAYGROUND_DEFAULT = ("additive", "1, 0, -1", "1, 2, 0\n0, 1, 1\n-1, 0, 2\n2, -1, 1", 3)
PLAYGROUND_OTHER = ("general", "0.5, -1, 2", "1, 0, 0\n0, 1, 0\n0.5, 0.5, -2", 7)


def _playground(score: str, query: str, keys: str, seed: int):
    from ui.attention import playground_view

    inputs = {"score": score, "query_text": query, "keys_text": keys, "seed": seed}
    return playground_view(score, query, keys, seed), inputs


@register(
    "attention",
    "score-playground",
    default=lambda: _playground(*PLAYGROUND_DEFAULT),
    other=lambda: _playground(*PLAYGROUND_OTHER),
)
def playground(view: Any, *, score: str, query_text: str, keys_text: str, seed: int):
    """``view``: the section's :class:`ui.attention.PlaygroundView`; EXPECTED: the hand working's scores and
    weights (the view's table) and its context vector."""
    query = parse_vector(query_text, 3)
    keys = [parse_vector(line, 3) for line in keys_text.splitlines() if line.strip()]
    matrices = playground_parameters(int(seed))
    hand = attend_by_hand(score, query, keys, matrices)
    table = view.compare  # s, hand score, module score, hand weight, module weight
    params = {"score": score, "query": query, "keys": keys, **matrices}
    expected = {
        "scores": table.iloc[:, 1].tolist(),
        "weights": table.iloc[:, 3].tolist(),
        "context": list(hand.context),
    }
    return params, expected
