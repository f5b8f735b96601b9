"""ui.normalization's views: the figures the page writes are torch's (recomputed here with torch.nn), and
the shipped sweep's tables are the seeds' means of the shipped cells."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from core.normalization import SWEEP_PATH
from ui import normalization as w
from ui.i18n import load_strings

STRINGS = load_strings("en")


def test_the_explorer_shows_every_normalization_and_its_groups():
    view = w.explorer_view("image", (2, 6, 3, 3), 3)
    assert list(view.results) == list(w.KINDS) and not view.warnings
    assert view.check.max_abs_diff <= view.check.tolerance
    assert len(view.frame) == len(w.KINDS) * 2 * 6 * 3 * 3  # one row per element and normalization
    groups = {"batch": 6, "layer": 2, "group": 2 * 3, "instance": 2 * 6, "rms": 2}
    assert view.table[STRINGS["normalization.col_groups"]].tolist() == [groups[k] for k in w.KINDS]
    detail = view.detail("group")
    assert len(detail) == 6
    # GroupNorm's statistics, recomputed with torch: per sample and group of 2 channels
    x = torch.tensor(np.array(view.results["group"].x)).reshape(2, 3, -1)
    mean = x.mean(dim=-1).reshape(-1).numpy()
    var = x.var(dim=-1, unbiased=False).reshape(-1).numpy()
    np.testing.assert_allclose(detail[STRINGS["normalization.col_mean_before"]], mean.round(4), atol=1e-12)
    np.testing.assert_allclose(detail[STRINGS["normalization.col_var_before"]], var.round(4), atol=1e-12)
    assert detail[STRINGS["normalization.col_mean_after_group"]].abs().max() < 1e-6


def test_impossible_shapes_are_warned_about_and_the_rest_is_drawn():
    view = w.explorer_view("image", (1, 4, 1, 1), 2)
    assert {text.split(":")[0] for text in view.warnings} == {
        STRINGS["normalization.kind_batch"],
        STRINGS["normalization.kind_instance"],
    }
    assert set(view.results) == {"layer", "group", "rms"} and view.chart is not None


@pytest.mark.parametrize("eps", [1e-5, 1e-3])
def test_the_epsilon_figures_are_torchs(eps):
    view = w.eps_view(eps)
    # torch's layer_norm of a vector of variance eps: output std sqrt(eps / (eps + eps)) = 0.707
    z = torch.randn(32, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    z = (z - z.mean()) / z.std(unbiased=False)
    for variance in (eps, eps**2):
        y = torch.nn.functional.layer_norm(np.sqrt(variance) * z, (32,), eps=eps)
        expected = float(y.std(unbiased=False))
        written = f"{expected:.3f}" if variance == eps else f"{expected:.1e}"
        assert written in view.text, (written, view.text)
    assert view.check.max_abs_diff <= view.check.tolerance
    assert list(dict.fromkeys(view.frame["formula"])) == [
        STRINGS["normalization.formula_torch"],
        STRINGS["normalization.formula_notes"],
    ]


def test_the_sweep_tables_are_the_shipped_cells_means():
    with SWEEP_PATH.open(encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    view = w.sweep_view()
    for norm, label in w.norm_labels().items():
        for b in w.BATCH_SIZES:
            acc = [c["test_accuracy"] for c in cells if c["norm"] == norm and c["batch_size"] == b]
            assert view.table.loc[label, b] == f"{100 * np.mean(acc):.1f}%"
    bn = [c["train_mode_accuracy"] for c in cells if c["norm"] == "batch" and c["batch_size"] == 2]
    assert view.mode_table.loc[STRINGS["normalization.row_train_mode"], 2] == f"{100 * np.mean(bn):.1f}%"
    shipped = w.shipped_cell(("layer", 64, 1))
    assert shipped["norm"] == "layer" and f"{100 * shipped['test_accuracy']:.1f}" in w.retrain_hint(
        ("layer", 64, 1)
    )


def test_the_padding_table_and_the_running_statistics_are_checked():
    table, _, check = w.padding_view()
    assert check.max_abs_diff <= check.tolerance
    assert table.columns[0] == STRINGS["normalization.col_other_length"] and len(table) == 4
    view = w.running_view(None, 50, 4)
    assert view.check.max_abs_diff <= view.check.tolerance
    assert "1.333" in view.text  # Bessel's n / (n - 1) for batches of 4
    assert len(view.frame) == 4 * 50  # three lines and the batches' variances
