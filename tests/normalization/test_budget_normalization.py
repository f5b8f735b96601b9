"""Issue 20: the normalization demos check the work their inputs ask for before they start."""

from __future__ import annotations

import math

import pytest

import core.normalization as nz
import core.normalization._demos as demos
from core.budget import LIMITS, OverBudget


def test_explorer_shape_over_budget_is_refused_before_anything_is_drawn(monkeypatch):
    def no_rng(*args, **kwargs):
        raise AssertionError("a tensor was drawn for a shape over budget")

    monkeypatch.setattr(demos.np.random, "default_rng", no_rng)
    with pytest.raises(OverBudget) as caught:
        nz.explore("layer", "image", (1000, 1000, 100, 100))
    assert caught.value.amount == 1000 * 1000 * 100 * 100 and caught.value.input_name == "shape"


@pytest.mark.parametrize("shape", [(2, 3.0, 2, 2), (2, True, 2, 2), (2, float("inf"), 2, 2), (2, "3", 2, 2)])
def test_explorer_sizes_are_whole_numbers(shape):
    with pytest.raises(ValueError, match="positive sizes"):
        nz.explore("layer", "image", shape)


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), 10**30, 2.5])
def test_running_statistics_and_mode_effect_refuse_crafted_numbers(bad):
    # int(inf) used to be reached (an OverflowError, not a sentence)
    with pytest.raises(ValueError):
        nz.running_statistics(0.1, bad, 8)
    with pytest.raises(ValueError):
        nz.running_statistics(0.1, 10, bad)
    with pytest.raises(ValueError):
        nz.train_mode_effect(bad)


def test_running_statistics_budget_is_batches_times_batch_size():
    with pytest.raises(OverBudget) as caught:
        nz.running_statistics(0.1, 2000, 10**6)
    assert caught.value.amount == 2000 * 10**6


def test_train_cell_budget_counts_the_steps_it_runs(monkeypatch):
    data = nz.digits_split()
    config = nz.TrainConfig(epochs=1)
    result = nz.train_cell("group", 64, 0, config, data=data)
    parameters = sum(p.numel() for p in nz.build_model("group").parameters())
    monkeypatch.setitem(LIMITS, "step_parameters", result.steps * parameters - 1)
    with pytest.raises(OverBudget) as caught:
        nz.train_cell("group", 64, 0, config, data=data)
    assert caught.value.amount == result.steps * parameters
    assert result.steps == math.ceil(len(data[0]) / 64) or len(data[0]) % 64 == 1
