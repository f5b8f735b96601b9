"""Issue 20 on the optimizers page: every hyperparameter a link or a widget sets is finite and bounded,
a run's work is checked before it starts, and a link's text is never rendered as Markdown."""

from __future__ import annotations

import numpy as np
import pytest

from core.budget import LIMITS, OverBudget
from core.optimizers import RunSpec, logistic_regression
from core.optimizers._batched import BatchedOptimizers
from tests.apptest import assert_clean, open_link, open_page
from ui.optimizers.state import EXPERIMENT_INPUTS, MAX_LR, WIDGETS, ignored_text

PAGE = "app_pages/optimizers.py"


def test_every_number_a_link_or_widget_sets_has_an_upper_bound():
    for name, params in WIDGETS.items():
        for p in params:
            if p.kind == "float":
                assert p.low is not None and p.high is not None, (name, p.name)
    for key, spec in EXPERIMENT_INPUTS.items():
        if spec.kind in ("float", "int"):
            assert spec.low is not None and spec.high is not None, key


@pytest.mark.parametrize(
    "params, item",
    [
        ({"hp": "Adam.lr:1e308"}, "hp=Adam.lr:1e308"),
        ({"hp": "SGD.momentum:1e300"}, "hp=SGD.momentum:1e300"),
        ({"hp": "Adagrad.lr_decay:1e308"}, "hp=Adagrad.lr_decay:1e308"),
        ({"hp": "SGD.dampening:-1e308"}, "hp=SGD.dampening:-1e308"),
        ({"xp": "model_lr_Adam:1e308"}, "xp=model_lr_Adam:1e308"),
        ({"xp": "wd_lambda:1e308"}, "xp=wd_lambda:1e308"),
        ({"steps": "99999"}, "steps=99999"),
        ({"steps": "9" * 400}, "steps=" + "9" * 20),
        ({"t": "-5"}, "t=-5"),
        ({"fair": "yes"}, "fair=yes"),
    ],
)
def test_a_link_past_the_bounds_is_ignored_with_a_warning(params, item):
    opened = {"opt_hyperparameters_open": True}  # the hyperparameters' expander, so its inputs are drawn
    at = open_page(PAGE, "en", state=opened, steps=params.pop("steps", "50"), **params)
    assert_clean(at)
    assert item in " ".join(w.value for w in at.warning)
    assert at.number_input(key="opt_Adam_lr").value <= MAX_LR
    assert at.number_input(key="opt_steps").value <= 5000


def test_a_links_text_is_shown_as_code_cut_short():
    text = ignored_text(["opt=[link](javascript:alert(1))", "surface=" + "a" * 500, "x=`y`"])
    assert "`opt=[link](javascript:alert(1))`" in text
    assert "a" * 32 + "…`" in text and "a" * 40 not in text
    assert "`x='y'`" in text
    assert ignored_text([f"opt=n{i}" for i in range(50)]).endswith(", …")


def test_the_batched_run_is_checked_against_the_budget_before_it_allocates():
    x = np.zeros((7, 2))
    specs = [RunSpec("SGD", {"lr": 0.1})] * 7
    steps = int(LIMITS["elements"] // x.size) + 1
    with pytest.raises(OverBudget) as info:
        BatchedOptimizers(x, specs, steps)  # its tables would be (steps, 7) floats, five of them
    assert info.value.amount == steps * x.size  # the paths it would keep: steps x runs x coordinates
    BatchedOptimizers(x, specs, 1000)  # a learner's run is far below


def test_the_model_is_checked_against_the_budget_before_it_trains():
    with pytest.raises(OverBudget) as info:
        logistic_regression([RunSpec("SGD", {"lr": 0.1})], epochs=10**8, batch_size=1, check_with_torch=False)
    # brute force: the steps the training would take (398 training rows, one a batch) x 31 parameters
    assert info.value.amount == 10**8 * 398 * 31
    assert info.value.quantity == "step_parameters"


def test_the_torch_replay_of_the_model_is_checked_against_its_steps():
    specs = [RunSpec(name, {"lr": 0.01}) for name in ("SGD", "Adam", "AdamW")]
    with pytest.raises(OverBudget) as info:
        logistic_regression(specs, epochs=100, batch_size=8)
    # brute force: 398 training rows in batches of 8 (50 a epoch), 100 epochs, 3 optimizers
    assert info.value.amount == 100 * 50 * 3 and info.value.quantity == "optimizer_steps"
    assert 30 * 50 * 7 <= LIMITS["optimizer_steps"]  # a learner's batch of 8 for 30 epochs, every optimizer


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_largest_model_says_it_is_over_budget_and_the_page_stays_usable(lang):
    from ui.i18n import load_strings

    strings = load_strings(lang)
    every = "SGD,Adagrad,Adadelta,RMSprop,Adam,NAdam,AdamW"
    at = open_link(PAGE, lang, steps="50", opt=every, xp="model_epochs:100;model_batch:8")
    assert_clean(at, errors=1)
    assert strings["common.quantity_optimizer_steps"] in at.error[0].value
    assert strings["optimizers.epochs"] in at.error[0].value
    assert strings["optimizers.model_title"] in [h.value for h in at.header]  # the page goes on below it
    at.slider(key="model_epochs").set_value(20).run()
    assert_clean(at)
