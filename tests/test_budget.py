"""core.budget: work checked before it starts; the page says it in its own language."""

from __future__ import annotations

import math

import pytest

from core.budget import LIMITS, OverBudget, check_budget


def test_under_the_limit_passes_and_over_it_raises_with_the_figures():
    check_budget("shape", "elements", LIMITS["elements"])
    with pytest.raises(OverBudget, match=r"shape asks for 16,384,000,000 elements") as caught:
        check_budget("shape", "elements", 16_384_000_000)
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.input_name, error.quantity, error.amount, error.limit) == (
        "shape",
        "elements",
        16_384_000_000,
        LIMITS["elements"],
    )


@pytest.mark.parametrize("amount", [math.nan, math.inf])
def test_nan_and_infinity_are_over_budget(amount):
    with pytest.raises(OverBudget):
        check_budget("steps", "step_parameters", amount)


def test_every_limit_has_its_words_in_both_languages():
    from ui.i18n import load_strings

    for lang in ("en", "zh"):
        strings = load_strings(lang)
        for quantity in LIMITS:
            assert strings[f"common.quantity_{quantity}"]
