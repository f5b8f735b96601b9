"""core._validation: one rule per kind of parameter, the same in every topic, one sentence per failure."""

from __future__ import annotations

import numpy as np
import pytest

from core._validation import check_choice, check_number, check_whole


@pytest.mark.parametrize("value", [True, False, 3.0, "3", None, 2.5, np.float64(3.0)])
def test_a_whole_number_is_an_integer_and_never_a_bool_or_a_float(value):
    with pytest.raises(ValueError, match=r"n must be a whole number, got"):
        check_whole("n", value)


@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3)])
def test_integers_of_any_kind_are_whole_numbers(value):
    assert check_whole("n", value) == 3 and type(check_whole("n", value)) is int


def test_the_bounds_are_in_the_sentence():
    with pytest.raises(ValueError, match=r"^steps must be a positive whole number, got 0\.$"):
        check_whole("steps", 0, low=1)
    with pytest.raises(ValueError, match=r"^decimals must be a whole number from 0 to 15, got 16\.$"):
        check_whole("decimals", 16, low=0, high=15)
    with pytest.raises(ValueError, match=r"^max_rows must be None or a whole number >= 2, got 1\.$"):
        check_whole("max_rows", 1, low=2, none_ok=True)
    assert check_whole("max_rows", None, low=2, none_ok=True) is None
    assert check_whole("decimals", 15, low=0, high=15) == 15


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), "0.5", None])
def test_a_number_is_real_finite_and_never_a_bool(value):
    with pytest.raises(ValueError, match="x must be a finite number"):
        check_number("x", value)


def test_open_and_closed_bounds():
    assert check_number("lr", 10, low=0, high=10, low_open=True) == 10.0
    with pytest.raises(ValueError, match=r"^lr must be a number in \(0, 10\], got 0\.$"):
        check_number("lr", 0, low=0, high=10, low_open=True)
    with pytest.raises(ValueError, match="level must be a number strictly between 0 and 1, got 1"):
        check_number("level", 1, low=0, high=1, low_open=True, high_open=True)
    with pytest.raises(ValueError, match=r"beta must be a number in \[0, 1\), got 1\.0"):
        check_number("beta", 1.0, low=0, high=1, high_open=True)
    with pytest.raises(ValueError, match="alpha must be a positive number, got -1"):
        check_number("alpha", -1, low=0, low_open=True)
    assert check_number("beta", np.float32(0.5), low=0, high=1) == 0.5


def test_a_choice_is_one_of_the_options():
    assert check_choice("method", "delong", ("delong", "bootstrap")) == "delong"
    with pytest.raises(ValueError, match=r"^method must be one of delong, bootstrap, got 'x'\.$"):
        check_choice("method", "x", ("delong", "bootstrap"))
    with pytest.raises(ValueError, match="got True"):
        check_choice("k", True, (1, 2))  # True == 1, but a flag is not a choice of number


def test_every_topic_refuses_the_same_values():
    # the same rule at the doors of two topics: a count given as True or 3.0 is refused by both
    from core.metrics import auc_confidence_interval
    from core.optimizers._batched import RunSpec
    from core.optimizers._surfaces import SURFACES, run_trajectories

    y, s = np.array([0, 1, 0, 1]), np.array([0.1, 0.8, 0.3, 0.6])
    for bad in (True, 3.0):
        with pytest.raises(ValueError, match="n_bootstraps must be a whole number >= 2"):
            auc_confidence_interval(y, s, method="bootstrap", n_bootstraps=bad)
        with pytest.raises(ValueError, match="steps must be a positive whole number"):
            run_trajectories(next(iter(SURFACES.values())), [RunSpec("SGD", {"lr": 0.1})], steps=bad)
