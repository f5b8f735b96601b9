"""Issue 20: the attention page's inputs are bounded, and core checks the work before it starts."""

from __future__ import annotations

import pytest
import torch

import core.attention._seq2seq as seq2seq
import ui.attention as att
from core.attention import DateTask, LocalAttention, ModelConfig, build_model, train_model
from core.budget import LIMITS, OverBudget


def test_training_steps_times_parameters_checked_before_a_step(monkeypatch):
    task = DateTask()
    model = build_model(ModelConfig("bahdanau", embed_size=8, encoder_size=8, decoder_size=8), task, seed=0)
    parameters = sum(p.numel() for p in model.parameters())

    def no_step(*args, **kwargs):
        raise AssertionError("a training step ran over budget")

    monkeypatch.setattr(seq2seq, "run_steps", no_step)
    monkeypatch.setitem(LIMITS, "step_parameters", 10 * parameters)
    with pytest.raises(OverBudget) as caught:
        train_model(model, task, steps=11, batch_size=4)
    assert caught.value.amount == 11 * parameters and caught.value.input_name == "steps"


def test_a_huge_window_is_refused_before_its_keys_are_gathered():
    local = LocalAttention(4, 4, 1, "monotonic")
    query, keys = torch.zeros(2, 4), torch.zeros(2, 5, 4)
    with pytest.raises(OverBudget) as caught:
        local.attend(query, keys, keys, position=3, window=10**9)
    # (B, 2D+1, key features)
    assert caught.value.amount == 2 * (2 * 10**9 + 1) * 4
    assert local.attend(query, keys, keys, position=3, window=12).weights.shape == (2, 5)


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (att.retrain_date, ("bahdanau", 10**6, 0)),
        (att.retrain_date, ("bahdanau", 100, 10**9)),
        (att.retrain_date, ("bahdanau", float("inf"), 0)),
        (att.retrain_long, ("reverse", 10**6)),
        (att.retrain_long, ("sideways", 100)),
        (att.long_demo, ("reverse", 10**7, 0)),
        (att.long_demo, ("reverse", 40, float("nan"))),
    ],
)
def test_the_shared_computations_refuse_values_the_widgets_cannot_give(call, args):
    # refused at the door with a sentence, before any model is trained or decoded
    with pytest.raises(ValueError, match="must be"):
        call(*args)


def test_the_local_view_refuses_a_window_the_slider_cannot_give():
    entry = att.read_input("2026-11-27")
    with pytest.raises(ValueError, match="window"):
        att.local_view("local-m", entry, 10**6)
