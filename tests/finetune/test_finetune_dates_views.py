"""The fine-tuning page's views of the dates experiment (ui.finetune with ``exp="dates"``) and the
side-by-side comparison, against core and brute force, outside Streamlit's script runner."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

import core.finetune as ft
from ui import finetune as w
from ui.i18n import load_strings

EN = load_strings("en")
TUNED = [s for s in ft.STRATEGIES if s != "scratch"]


@pytest.fixture(scope="module")
def source():
    return ft.load_date_source()


@pytest.fixture(scope="module")
def means() -> pd.Series:
    """Mean test accuracy over the shipped seeds, by (strategy, size as text), by brute force."""
    out = {}
    for run in ft.load_date_results()["runs"]:
        out.setdefault((run["strategy"], str(run["per_class"])), []).append(run["accuracy"])
    return pd.Series({k: sum(v) / len(v) for k, v in out.items()})


@pytest.mark.parametrize("strategy", ft.STRATEGIES)
def test_recipe_view_counts_what_torch_counts(source, strategy):
    view = w.recipe_view(strategy, ft.DATES_LR, ft.DATES_HEAD_LR_MULT, "dates")
    model, groups = ft.date_finetune_model(source, strategy, ft.NUM_MONTHS, lr=ft.DATES_LR)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    assert view.trainable == f"{trainable:,}" and view.frozen == f"{frozen:,}"
    assert view.groups == len(groups) and view.count_diff == 0.0
    assert list(view.table[EN["finetune.col_layer"]]) == ["embed", "rnn", "head"]
    # the diagram's source top is the decoder, which is dropped; the target's head is the new one
    assert EN["finetune.dates_dot_source_head"] in view.dot and EN["finetune.dates_dot_dropped"] in view.dot


def test_sweep_view_is_the_mean_and_sample_std_of_the_shipped_seeds():
    runs = pd.DataFrame(ft.load_date_results()["runs"])
    view = w.sweep_view("dates")
    assert list(view.table.index) == list(ft.STRATEGIES) and view.table.shape[1] == len(ft.DATES_SIZES)
    for strategy in ft.STRATEGIES:
        for size in ft.DATES_SIZES:
            accuracies = runs[(runs["strategy"] == strategy) & (runs["per_class"] == size)]["accuracy"]
            assert len(accuracies) == 5
            mean, std = np.mean(accuracies), np.std(accuracies, ddof=1)
            column = w.size_label("all", "dates") if size == "all" else str(size)
            assert view.table.loc[strategy, column] == f"{100 * mean:.1f} ± {100 * std:.1f}"
    assert w.size_label("all", "dates") == "all (2400)"


def test_the_bar_is_met_where_the_page_says_and_nowhere_else(means):
    """The issue's bar: the best fine-tuning strategy beats scratch by at least 15 points (mean over the
    seeds) at 20 or fewer labelled examples per class. Met at 2, 5 and 10 per month; not at 1 or 20."""
    gain = {}
    for size in ("1", "2", "5", "10", "20"):
        best = max(means[(s, size)] for s in TUNED)
        gain[size] = 100 * (best - means[("scratch", size)])
    assert w._bar_sizes("dates") == (["2", "5", "10"], ["1", "20"])
    assert [s for s, g in gain.items() if g >= 15] == ["2", "5", "10"]
    reading = w.sweep_view("dates").reading
    assert reading["met"] == "2, 5, 10" and reading["missed"] == "1, 20"
    shown = dict(part.split(": ") for part in reading["gains"].split(" · "))
    for size, value in shown.items():
        if size in gain:
            assert float(value) == pytest.approx(gain[size], abs=0.05)
    # the digits experiment meets the bar nowhere
    assert w._bar_sizes("digits")[0] == []


def test_the_readings_claims_hold_on_the_shipped_sweep(means):
    sizes = [str(s) for s in ft.DATES_SIZES]
    gains = [100 * (max(means[(s, size)] for s in TUNED) - means[("scratch", size)]) for size in sizes]
    peak = int(np.argmax(gains))
    # "it rises, peaks and shrinks"
    assert 0 < peak < len(gains) - 1
    assert all(a < b for a, b in pairwise(gains[: peak + 1]))
    assert all(a > b for a, b in pairwise(gains[peak:]))
    # "the linear probe ... beats training from scratch at every size up to 20 per month"
    for size in ("1", "2", "5", "10", "20"):
        assert means[("linear_probe", size)] > means[("scratch", size)]


def test_features_reading_numbers(source):
    """The reading's range of the random encoders (seeds 0 to 19) and the source's score, recomputed."""
    task = ft.dates_target_task()

    def score(model) -> float:
        pool, test = ft.date_features(model, task.x_train), ft.date_features(model, task.x_test)
        return ft.nearest_centroid_accuracy(pool, task.y_train.numpy(), test, task.y_test.numpy())

    randoms = [
        score(ft.date_finetune_model(source, "scratch", ft.NUM_MONTHS, lr=ft.DATES_LR, seed=s)[0].eval())
        for s in range(20)
    ]
    pre = score(source)
    assert f"{100 * min(randoms):.1f}%" == "41.5%" and f"{100 * max(randoms):.1f}%" == "54.8%"
    assert f"{100 * pre:.1f}%" == "55.2%" and max(randoms) < pre
    view = w.features_view(0, "dates")
    assert view.centroid == {"pretrained": "55.2%", "random": f"{100 * randoms[0]:.1f}%"}
    assert view.pca_diff < 1e-8 and view.centroid_diff < 1e-12
    assert len(view.points) == 2 * len(task.y_test)
    assert set(view.points["digit"]) == {str(m) for m in range(1, 13)}
    # the texts' counts: 480 test strings, 128 pooled numbers (mean and max of 2H-wide states), 60 per format
    assert len(task.y_test) == 480 and ft.date_features(source, task.x_test[:1]).shape[1] == 128
    assert ft.DATES_TEST_PER_FORMAT * ft.NUM_MONTHS == 60
    assert ft.DATES_LR == 0.003 and ft.DATES_HEAD_LR_MULT == 10  # the live section's "η = 0.003, m = 10"


def test_compare_view_against_the_shipped_files_and_core(means):
    view = w.compare_view()
    digits, dates = (EN[f"finetune.experiment_{e}"] for e in ("digits", "dates"))
    row = {a: EN[f"finetune.cmp_row_{a}"] for a in ("source", "copied", "centroid", "gain_1", "gain_all")}
    assert "701" in view.table.loc[row["source"], digits]
    assert "64,000" in view.table.loc[row["source"], dates]
    model = ft.load_pretrained()
    assert view.table.loc[row["copied"], digits] == f"{sum(p.numel() for p in model.backbone.parameters()):,}"
    assert (
        view.table.loc[row["copied"], dates]
        == f"{sum(p.numel() for p in ft.load_date_source().encoder.parameters()):,}"
    )
    shipped = ft.load_date_results()["features"]["nearest_centroid"]
    pre, rand = (f"{100 * shipped[k]:.1f}%" for k in ("pretrained", "random"))
    assert view.table.loc[row["centroid"], dates] == f"{pre} vs {rand}" == "55.2% vs 44.0%"
    gain_1 = 100 * (max(means[(s, "1")] for s in TUNED) - means[("scratch", "1")])
    assert view.table.loc[row["gain_1"], dates] == f"{gain_1:+.1f} points"
    digits_runs = pd.DataFrame(ft.load_results()["runs"])
    digits_means = digits_runs.groupby(["strategy", "per_class"])["accuracy"].mean()
    digits_gain = 100 * (max(digits_means[(s, 1)] for s in TUNED) - digits_means[("scratch", 1)])
    assert view.table.loc[row["gain_1"], digits] == f"{digits_gain:+.1f} points"
    assert view.reading["ratio"] == f"{64000 / 701:.0f}"
    # the two sweeps' protocols: the same but for the base rate, which the intro quotes
    plans = {
        e: (ft.load_results() if e == "digits" else ft.load_date_results())["plan"] for e in w.EXPERIMENTS
    }
    for field in ("steps", "batch_size", "head_lr_mult", "optimizer", "seeds", "strategies"):
        assert plans["digits"][field] == plans["dates"][field]
    assert (view.reading["digits_lr"], view.reading["dates_lr"]) == ("0.001", "0.003")
    # the digits features: the page's own computation, pretrained below random at seed 0
    digits_centroid = w.feature_projection(0, "digits")[3]
    assert view.reading["digits_pre"] == f"{100 * digits_centroid['pretrained']:.1f}%"
    assert digits_centroid["pretrained"] < digits_centroid["random"]


def _run(accuracy: float) -> dict:
    return {
        "accuracy": accuracy,
        "accuracy_diff": 0.0,
        "drift_diff": 0.0,
        "steps": [0, 10],
        "test_accuracy": [0.1, accuracy],
        "train_loss": [float("nan"), 0.4],
        "drift": {"embed": 0.0, "rnn": 0.0},
        "trainable": 845,
        "frozen": 12672,
        "cpu": 1.0,
        "per_format": {f.name: i / 10 for i, f in enumerate(ft.TARGET_FORMATS)},
    }


def test_live_view_of_the_dates_runs():
    view = w.live_view({"linear_probe": _run(0.5)}, "50", 0, 1e-3, 10.0, "dates")
    assert view.probe_moved == 0.0 and list(view.drift["layer"]) == ["embed", "rnn"]
    assert list(view.table[EN["finetune.col_shipped_seed"]]) == ["—"]  # not the sweep's rates
    table = view.per_format
    assert list(table[EN["finetune.col_format"]]) == [w.format_name(f.name) for f in ft.TARGET_FORMATS]
    assert list(table["linear_probe"]) == [f"{i * 10:.1f}%" for i in range(len(ft.TARGET_FORMATS))]
    # the digits view has no per-format table
    assert (
        w.live_view({"full": {**_run(0.5), "drift": {"conv1": 0.1}}}, "5", 0, 1e-3, 10.0).per_format is None
    )


@pytest.mark.parametrize(
    ("args", "exp"),
    [
        ((["full"], "50", 0, 1e-3, 10.0), "digits"),  # 50 per class is a dates size only
        ((["full"], "200", 0, 3e-3, 10.0), "dates"),
        ((["full"], "5", 0, 3e-3, 10.0), "imagenet"),
        ((["full", "full"], "5", 0, 3e-3, 10.0), "dates"),
    ],
)
def test_live_runs_refuse_values_no_widget_offers(args, exp):
    with pytest.raises(ValueError):
        w.live_runs(*args, exp)


def test_formats_list_shows_each_example_as_code():
    lines = w.formats_list().splitlines()
    assert len(lines) == len(ft.TARGET_FORMATS)
    for line, fmt in zip(lines, ft.TARGET_FORMATS, strict=True):
        assert line.endswith(f"`{fmt.example()}`")


def test_sweep_per_format_is_the_mean_of_the_shipped_seeds_and_its_caption_holds():
    runs = [r for r in ft.load_date_results()["runs"] if r["per_class"] == 5]
    assert w.peak_size("dates") == "5"  # the gain (the reading's list) peaks at 5 per month
    table, values = w.sweep_per_format("5")
    assert values == {"size": "5", "seeds": "5"}
    assert list(table[EN["finetune.col_format"]]) == [w.format_name(f.name) for f in ft.TARGET_FORMATS]
    mean = {
        (s, f.name): np.mean([r["per_format"][f.name] for r in runs if r["strategy"] == s])
        for s in ft.STRATEGIES
        for f in ft.TARGET_FORMATS
    }
    for i, fmt in enumerate(ft.TARGET_FORMATS):
        for s in ft.STRATEGIES:
            assert table.loc[i, s] == f"{100 * mean[(s, fmt.name)]:.1f}%"
    # the caption: the largest gains are on the two all-number formats; none on Roman-numeral months
    gain = {
        f.name: max(mean[(s, f.name)] for s in TUNED) - mean[("scratch", f.name)] for f in ft.TARGET_FORMATS
    }
    assert set(sorted(gain, key=gain.get)[-2:]) == {"dd-mm-yyyy", "yyyy mm dd"}
    assert gain["roman"] <= 0
    with pytest.raises(ValueError):
        w.sweep_per_format("3")
