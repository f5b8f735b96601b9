"""Widgets' URL state, cached core calls and Altair charts of the fine-tuning page.

Nothing here computes a result: training, counts, drift and the PCA come from :mod:`core.finetune`.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from sklearn.decomposition import PCA
from sklearn.metrics import accuracy_score
from sklearn.neighbors import NearestCentroid

import core.finetune as ft
from core.torch_threads import one_torch_thread
from ui.state import mirror_into_url, seed_from_url

NS = "finetune"
SIZE_OPTIONS = [str(s) for s in ft.SIZES]  # "1" ... "20", "all"
LR_OPTIONS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2]
MULT_OPTIONS = [1.0, 3.0, 10.0, 30.0]
MAX_SEED = 99
DEFAULTS: dict[str, object] = {
    "ft_strategy": "head_lr",
    "ft_lr": ft.DEFAULT_LR,
    "ft_mult": ft.DEFAULT_HEAD_LR_MULT,
    "ft_size": "5",
    "ft_seed": 0,
    "ft_live": "scratch,linear_probe,head_lr",
}
#: one colour per strategy in every chart
COLORS = dict(zip(ft.STRATEGIES, ["#7f7f7f", "#1f77b4", "#2ca02c", "#d62728", "#9467bd"], strict=True))
_SOURCE_FILL = {False: "#dbe9f6", True: "#fde0c5"}  # source layers: backbone blue, head orange


def _strategy_color(df: pd.DataFrame) -> alt.Color:
    """The strategy colour, same in every chart; the legend lists only the strategies drawn."""
    shown = [s for s in COLORS if s in set(df["strategy"])]
    return alt.Color(
        "strategy:N",
        scale=alt.Scale(domain=shown, range=[COLORS[s] for s in shown]),
        legend=alt.Legend(title=None, orient="bottom", columns=3, labelLimit=200),
    )


def _live_list(raw: str) -> list[str]:
    names = [n for n in raw.split(",") if n]
    if len(set(names)) != len(names) or any(n not in ft.STRATEGIES for n in names):
        raise ValueError
    return names


def restore_state() -> None:
    """Every main control starts from the link (``?ft_size=10&ft_live=full,scratch`` ...), else the
    value of the last visit, else its default; a value that is not one the widget offers is ignored."""
    seed_from_url("ft_strategy", DEFAULTS["ft_strategy"], str, lambda v: v in ft.STRATEGIES)
    seed_from_url("ft_lr", DEFAULTS["ft_lr"], float, lambda v: v in LR_OPTIONS)
    seed_from_url("ft_mult", DEFAULTS["ft_mult"], float, lambda v: v in MULT_OPTIONS)
    seed_from_url("ft_size", DEFAULTS["ft_size"], str, lambda v: v in SIZE_OPTIONS)
    seed_from_url("ft_seed", DEFAULTS["ft_seed"], int, lambda v: 0 <= v <= MAX_SEED)
    if "ft_live_list" not in st.session_state:
        seed_from_url("ft_live", DEFAULTS["ft_live"], str, lambda v: bool(_live_list(v)) or v == "")
        st.session_state["ft_live_list"] = _live_list(st.session_state["ft_live"])


def write_url() -> None:
    st.session_state["ft_live"] = ",".join(st.session_state.get("ft_live_list", []))
    mirror_into_url(*DEFAULTS, defaults=DEFAULTS)


def per_class_value(size: str) -> int | str:
    return size if size == "all" else int(size)


# --------------------------------------------------------------------------------------------------
# cached core calls
# --------------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def pretrained() -> ft.DigitNet:
    return ft.load_pretrained()


@st.cache_data(show_spinner=False)
def results() -> dict:
    return ft.load_results()


@st.cache_data(show_spinner=False)
def sweep_summary() -> pd.DataFrame:
    """Mean, standard deviation, min and max test accuracy over the seeds, per strategy and size."""
    runs = pd.DataFrame(results()["runs"])
    runs["size"] = runs["per_class"].astype(str)
    summary = (
        runs.groupby(["strategy", "size"], sort=False)["accuracy"]
        .agg(mean="mean", std="std", low="min", high="max", seeds="count")
        .reset_index()
    )
    return summary


@st.cache_data(show_spinner=False, max_entries=32)
def layer_rows(strategy: str, lr: float, mult: float) -> list[ft.LayerRow]:
    model, groups = ft.finetune_model(pretrained(), strategy, 5, lr=lr, head_lr_mult=mult)
    return ft.layer_table(model, groups)


@st.cache_data(show_spinner=False, max_entries=16)
def feature_projection(
    seed: int,
) -> tuple[pd.DataFrame, float, dict[str, list[float]], dict[str, float], float]:
    """The target's backbone features, pretrained vs random backbone (``seed``): the PCA points of the
    test set, max |diff| against scikit-learn's PCA (after matching each component's sign), the
    explained variance ratios, the nearest-centroid test accuracy (class means from the whole pool),
    and its max |diff| against scikit-learn's NearestCentroid."""
    task = ft.target_task()
    backbones = {"pretrained": pretrained(), "random": ft.new_model(task.num_classes, seed)}
    frames, worst, explained, centroid, centroid_diff = [], 0.0, {}, {}, 0.0
    for name, model in backbones.items():
        data = ft.features(model.eval(), task.x_test)
        scores, ratio = ft.pca_2d(data)
        reference = PCA(n_components=2, svd_solver="full").fit_transform(data)
        signs = np.sign((scores * reference).sum(axis=0))  # a component is defined up to its sign
        worst = max(worst, float(np.abs(scores * signs - reference).max()))
        explained[name] = ratio.tolist()
        pool = ft.features(model, task.x_train)
        centroid[name] = ft.nearest_centroid_accuracy(pool, task.y_train.numpy(), data, task.y_test.numpy())
        with warnings.catch_warnings():  # dead ReLU units have zero spread: sklearn warns, harmlessly
            warnings.simplefilter("ignore", UserWarning)
            sk = NearestCentroid().fit(pool, task.y_train.numpy()).score(data, task.y_test.numpy())
        centroid_diff = max(centroid_diff, abs(centroid[name] - sk))
        frames.append(
            pd.DataFrame(
                {
                    "backbone": name,
                    "pc1": scores[:, 0],
                    "pc2": scores[:, 1],
                    "digit": [str(task.digits[k]) for k in task.y_test.tolist()],
                }
            )
        )
    return pd.concat(frames, ignore_index=True), worst, explained, centroid, centroid_diff


@st.cache_resource(show_spinner=False)
def _live_store() -> OrderedDict:
    """Live runs, shared by the sessions (the 64 most recent); a run is deterministic in its key."""
    return OrderedDict()


def live_run(
    strategy: str, size: str, seed: int, lr: float, mult: float, progress: Callable[[int, int, float], None]
) -> dict:
    """One live fine-tuning run (remembered: the same settings are not trained twice)."""
    key = (strategy, size, seed, lr, mult)
    store = _live_store()
    if key in store:
        store.move_to_end(key)
        return store[key]
    with one_torch_thread():  # as the sweep ran (tiny tensors gain nothing from more threads)
        result = ft.run_strategy(
            pretrained(), strategy, per_class_value(size), seed, lr=lr, head_lr_mult=mult, progress=progress
        )
    # the page's two figures recomputed by the reference libraries: accuracy and the drift formula
    task = ft.target_task()
    y_hat = ft.predict(result.model, task.x_test).numpy()
    accuracy_diff = abs(result.accuracy - accuracy_score(task.y_test.numpy(), y_hat))
    drift_diff = 0.0
    for layer, value in result.drift.items():
        now = np.concatenate([p.detach().numpy().ravel() for p in result.model.layer(layer).parameters()])
        then = np.concatenate([p.detach().numpy().ravel() for p in pretrained().layer(layer).parameters()])
        now, then = now.astype(np.float64), then.astype(np.float64)
        drift_diff = max(drift_diff, abs(value - np.linalg.norm(now - then) / np.linalg.norm(then)))
    value = {
        "accuracy_diff": accuracy_diff,
        "drift_diff": drift_diff,
        "accuracy": result.accuracy,
        "steps": result.log.steps,
        "train_loss": result.log.train_loss,
        "test_accuracy": result.log.test_accuracy,
        "drift": result.drift,
        "trainable": result.trainable,
        "frozen": result.frozen,
        "cpu": result.log.cpu_seconds,
    }
    store[key] = value
    while len(store) > 64:
        store.popitem(last=False)
    return value


def is_remembered(strategy: str, size: str, seed: int, lr: float, mult: float) -> bool:
    return (strategy, size, seed, lr, mult) in _live_store()


def shipped_accuracy(strategy: str, size: str, seed: int) -> float | None:
    for run in results()["runs"]:
        if run["strategy"] == strategy and str(run["per_class"]) == size and run["seed"] == seed:
            return run["accuracy"]
    return None


# --------------------------------------------------------------------------------------------------
# charts
# --------------------------------------------------------------------------------------------------


def recipe_dot(rows: list[ft.LayerRow], labels: dict[str, str], strategy: str) -> str:
    """The recipe as a Graphviz diagram: the source model, the copy of all but its head, the new head,
    training; each target layer coloured trainable (green) or frozen (grey), with its learning rate."""

    def node(row: ft.LayerRow) -> str:
        fill = "#c7e9c0" if row.trainable else "#e0e0e0"
        rate = f"lr {row.lr:.2g}" if row.lr is not None else labels["frozen"]
        return (
            f'"t_{row.name}" [label="{row.name}\\n{row.shape}\\n{row.torch_count:,} · {rate}", '
            f'fillcolor="{fill}"];'
        )

    source = " -> ".join(f'"s_{r.name}"' for r in rows)
    target = " -> ".join(f'"t_{r.name}"' for r in rows)
    copied = "dashed" if strategy == "scratch" else "solid"
    copy_label = labels["no_copy"] if strategy == "scratch" else labels["copy"]
    lines = [
        "digraph recipe {",
        'rankdir=LR; node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=10];',
        'edge [fontname="sans-serif", fontsize=9];',
        f'subgraph cluster_s {{ label="{labels["source"]}"; style=rounded; color="#999999";',
        *(
            f'"s_{r.name}" [label="{r.name}\\n{r.shape}", fillcolor="{_SOURCE_FILL[r.name == "head"]}"];'
            for r in rows
        ),
        f"{source}; }}",
        f'subgraph cluster_t {{ label="{labels["target"]}"; style=rounded; color="#999999";',
        *(node(r) for r in rows),
        f"{target}; }}",
        *(
            f'"s_{r.name}" -> "t_{r.name}" [style={copied}, color="#555555", label="{copy_label}"];'
            for r in rows
            if r.name == "fc"
        ),
        *(
            f'"s_{r.name}" -> "t_{r.name}" [style={copied}, color="#555555"];'
            for r in rows
            if r.name not in ("fc", "head")
        ),
        f'"new" [label="{labels["new_head"]}", shape=note, fillcolor="#fff2cc"];',
        '"new" -> "t_head" [color="#b8860b"];',
        f'"s_head" -> "drop" [style=dotted, color="#999999"]; "drop" [label="{labels["dropped"]}", '
        'shape=plaintext, style="", fontcolor="#999999"];',
        "}",
    ]
    return "\n".join(lines)


def sweep_chart(summary: pd.DataFrame, titles: dict[str, str]) -> alt.LayerChart:
    """Mean test accuracy against labelled examples per class (ordinal axis), one line per strategy,
    with the seeds' min-max band."""
    base = alt.Chart(summary).encode(
        x=alt.X("size:O", sort=SIZE_OPTIONS, title=titles["x"], axis=alt.Axis(labelAngle=0)),
        color=_strategy_color(summary),
    )
    band = base.mark_area(opacity=0.12).encode(
        y=alt.Y("low:Q", title=titles["y"], scale=alt.Scale(zero=False), axis=alt.Axis(format="%")),
        y2="high:Q",
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", axis=alt.Axis(format="%")),
        tooltip=[
            "strategy",
            "size",
            alt.Tooltip("mean:Q", format=".1%"),
            alt.Tooltip("std:Q", format=".1%"),
            alt.Tooltip("low:Q", format=".1%"),
            alt.Tooltip("high:Q", format=".1%"),
        ],
    )
    return (band + line).properties(height=340)


def curve_chart(df: pd.DataFrame, y: str, titles: dict[str, str], *, log_y: bool = False) -> alt.Chart:
    scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    axis = alt.Axis(format="%") if y == "accuracy" else alt.Axis()
    return (
        alt.Chart(df)
        .mark_line()
        .encode(
            x=alt.X("step:Q", title=titles["x"]),
            y=alt.Y(f"{y}:Q", title=titles["y"], scale=scale, axis=axis),
            color=_strategy_color(df),
            tooltip=["strategy", "step", alt.Tooltip(f"{y}:Q", format=".4f")],
        )
        .properties(height=260)
    )


def drift_chart(df: pd.DataFrame, titles: dict[str, str]) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("layer:N", sort=list(ft.BACKBONE_LAYERS), title=titles["x"], axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("strategy:N"),
            y=alt.Y("drift:Q", title=titles["y"]),
            color=_strategy_color(df),
            tooltip=["strategy", "layer", alt.Tooltip("drift:Q", format=".3g")],
        )
        .properties(height=260)
    )


def pca_chart(df: pd.DataFrame, titles: dict[str, str], order: list[str]) -> alt.FacetChart:
    return (
        alt.Chart(df)
        .mark_circle(size=28, opacity=0.8)
        .encode(
            x=alt.X("pc1:Q", title="PC 1"),
            y=alt.Y("pc2:Q", title="PC 2"),
            color=alt.Color("digit:N", legend=alt.Legend(title=titles["digit"], orient="right")),
            tooltip=[
                "backbone",
                "digit",
                alt.Tooltip("pc1:Q", format=".3f"),
                alt.Tooltip("pc2:Q", format=".3f"),
            ],
        )
        .properties(width=300, height=280)
        .facet(column=alt.Column("backbone:N", title=None, sort=order))
        .resolve_scale(x="independent", y="independent")
    )
