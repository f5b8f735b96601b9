"""Issue 20: the fine-tuning runs check their steps x parameters, and the live runs their inputs, before
any training starts."""

from __future__ import annotations

import pytest

import core.finetune._training as training
import ui.finetune as w
from core.budget import LIMITS, OverBudget
from core.finetune import TrainPlan, finetune_model, load_pretrained, target_task, train
from tests.apptest import open_link


@pytest.fixture(scope="module")
def pretrained():
    return load_pretrained()


def _no_steps(*args, **kwargs):
    raise AssertionError("a training step ran")


def test_training_checks_steps_times_the_parameters_it_updates(pretrained, monkeypatch):
    model, groups = finetune_model(pretrained, "linear_probe", 5, lr=1e-3, seed=0)
    head = sum(p.numel() for p in model.head.parameters())  # a linear probe trains the head only
    task = target_task()
    monkeypatch.setattr(training, "run_steps", _no_steps)
    monkeypatch.setitem(LIMITS, "step_parameters", 7 * head - 1)
    with pytest.raises(OverBudget) as caught:
        train(model, groups, task.x_train[:20], task.y_train[:20], plan=TrainPlan(steps=7))
    assert caught.value.amount == 7 * head


@pytest.mark.parametrize(
    "plan",
    [
        TrainPlan(steps=float("nan")),
        TrainPlan(steps=2.5),
        TrainPlan(batch_size=True),
        TrainPlan(steps=10**30),
    ],
)
def test_a_crafted_plan_is_a_sentence(pretrained, plan, monkeypatch):
    model, groups = finetune_model(pretrained, "full", 5, lr=1e-3, seed=0)
    task = target_task()
    monkeypatch.setattr(training, "run_steps", _no_steps)  # nan steps used to start training
    with pytest.raises(ValueError):
        train(model, groups, task.x_train[:20], task.y_train[:20], plan=plan)


@pytest.mark.parametrize(
    "args",
    [
        (["full", "full"], "5", 0, 1e-3, 10.0),
        (["freeze"], "5", 0, 1e-3, 10.0),
        (["full"], "1000", 0, 1e-3, 10.0),
        (["full"], "5", 10**6, 1e-3, 10.0),
        (["full"], "5", 0, 7.0, 10.0),
    ],
)
def test_live_runs_refuse_values_no_widget_offers(args):
    with pytest.raises(ValueError):
        w.live_runs(*args)


def test_live_runs_over_budget_say_so_and_the_page_goes_on(monkeypatch):
    monkeypatch.setitem(LIMITS, "step_parameters", 1000)
    at = open_link("app_pages/finetune.py", "zh", ft_live="scratch")
    assert not at.exception
    assert len(at.error) == 1 and "`ft_live`" not in at.error[0].value
    assert "1,000" in at.error[0].value
    # the features section after the live runs still drew its checks
    assert any("sklearn.decomposition.PCA" in s.value for s in at.success)
