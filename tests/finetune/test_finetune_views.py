"""The fine-tuning page's views (ui.finetune): the recipe, the shipped comparison and the live table,
outside Streamlit's script runner."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import core.finetune as ft
from ui import finetune as w
from ui.i18n import load_strings

EN = load_strings("en")


def test_recipe_view_counts_what_torch_counts():
    view = w.recipe_view("linear_probe", 1e-3, 10.0)
    model, groups = ft.finetune_model(ft.load_pretrained(), "linear_probe", 5, lr=1e-3, head_lr_mult=10.0)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    assert view.trainable == f"{trainable:,}" and view.frozen == f"{frozen:,}"
    assert view.groups == len(groups) == 1
    assert view.count_diff == 0.0
    assert list(view.table["numel()"]) == [r.torch_count for r in w.layer_rows("linear_probe", 1e-3, 10.0)]


def test_sweep_view_is_the_mean_and_sample_std_of_the_shipped_seeds():
    runs = pd.DataFrame(ft.load_results()["runs"])
    view = w.sweep_view()
    assert list(view.table.index) == list(ft.STRATEGIES) and view.table.shape[1] == len(ft.SIZES)
    for strategy in ft.STRATEGIES:
        for size in ft.SIZES:
            accuracies = runs[(runs["strategy"] == strategy) & (runs["per_class"] == size)]["accuracy"]
            mean, std = np.mean(accuracies), np.std(accuracies, ddof=1)
            column = w.size_label("all") if size == "all" else str(size)
            assert view.table.loc[strategy, column] == f"{100 * mean:.1f} ± {100 * std:.1f}"
    scratch_1 = runs[(runs["strategy"] == "scratch") & (runs["per_class"] == 1)]["accuracy"].mean()
    assert view.reading["scratch_1"] == f"{100 * scratch_1:.1f}%"


def _run(accuracy: float, drift: dict[str, float]) -> dict:
    return {
        "accuracy": accuracy,
        "accuracy_diff": 0.0,
        "drift_diff": 1e-12,
        "steps": [0, 10, 20],
        "test_accuracy": [0.2, 0.5, accuracy],
        "train_loss": [float("nan"), 0.9, 0.4],
        "drift": drift,
        "trainable": 1234,
        "frozen": 0,
        "cpu": 0.5,
    }


@pytest.mark.parametrize(("lr", "shipped_shown"), [(ft.DEFAULT_LR, True), (3e-3, False)])
def test_live_view_tables_and_curves(lr, shipped_shown):
    runs = {
        "linear_probe": _run(0.8, {"conv1": 0.0, "conv2": 0.0, "fc": 0.0}),
        "full": _run(0.9, {"conv1": 0.1, "conv2": 0.2, "fc": 0.3}),
    }
    view = w.live_view(runs, "1", 0, lr, ft.DEFAULT_HEAD_LR_MULT)
    table = view.table
    assert list(table[EN["finetune.col_strategy"]]) == ["linear_probe", "full"]
    assert list(table[EN["finetune.col_live"]]) == ["80.0%", "90.0%"]
    shipped = table[EN["finetune.col_shipped_seed"]]
    assert (shipped != "—").all() if shipped_shown else (shipped == "—").all()
    assert len(view.curves) == 6 and len(view.losses) == 4  # step 0 (no loss yet) is not on the log axis
    assert view.probe_moved == 0.0 and not view.has_scratch
    assert view.drift_diff == 1e-12 and len(view.drift) == 6
