"""Widgets' defaults, cached core calls, data frames and Altair charts of the PyTorch basics page.

No arithmetic on tensors lives here: the page reads its widgets, calls core through the cached wrappers
below, and draws with the chart builders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from ui.i18n import t

NS = "pytorch_basics"
KIND_LABELS = {
    "list": "Python list",
    "modulelist": "nn.ModuleList",
    "sequential": "nn.Sequential",
    "moduledict": "nn.ModuleDict",
}
DATASET_DEFAULT = "digits"
EPOCHS = (10, 150, 60)  # low, high, default
LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1]
LR_DEFAULT = 0.01
HIDDEN = 32
DEFAULT_CHAIN = "Linear(64, 32)\nReLU\nLinear(32, 16)\nReLU\nLinear(16, 10)\nSoftmax(-1)"
DEFAULT_CHAIN_INPUT = "8, 64"
BROKEN_CHAIN = "Linear(64, 32)\nReLU\nLinear(31, 10)"
BROKEN_INPUT = (8, 64)
# the repeat-family section
MAX_IN_SIZE = 4  # per input dimension
MAX_COUNT = 4  # per size / rep / repeat count
MAX_OUT_CELLS = 1_500  # cells drawn in one grid
MAP_DEFAULTS = {
    "pb_in_shape": "2, 3",
    "pb_repeat": "2, 1, 2",
    "pb_tile": "2",
    "pb_ri_repeats": "1, 0, 2",
    "pb_ri_dim": "-1",
    "pb_expand": "2, 2, 3",
}
CHAIN_DEFAULTS = {"pb_chain": DEFAULT_CHAIN, "pb_chain_input": DEFAULT_CHAIN_INPUT}
TRAIN_DEFAULTS = {"pb_dataset": DATASET_DEFAULT, "pb_epochs": EPOCHS[2], "pb_lr": LR_DEFAULT}


# --- cached core calls ------------------------------------------------------------------------------------
@st.cache_data(show_spinner=False)
def cached_facts(in_features: int, out_features: int) -> dict:
    from core.pytorch_basics import KINDS, container_facts

    return {k: container_facts(k, in_features, HIDDEN, out_features) for k in KINDS}


@st.cache_resource(show_spinner=False)
def _training_store() -> dict:
    """Training results shared by all sessions, keyed by (dataset, epochs, lr); at most 16 kept.

    Not ``st.cache_data``: the run reports progress to a bar drawn outside it, and a cached function
    would record that element and fail to replay it on the next hit. The results are never mutated.
    """
    return {}


MAX_TRAINING_RESULTS = 16


def cached_training(dataset: str, epochs: int, lr: float, progress: Callable[[float], None] | None = None):
    """``train_containers`` once per (dataset, epochs, lr) for the whole server (~1-4 s on one core)."""
    from core.pytorch_basics import train_containers

    store = _training_store()
    key = (dataset, int(epochs), float(lr))
    if key not in store:
        result = train_containers(dataset, hidden=HIDDEN, epochs=epochs, lr=lr, progress=progress)
        while len(store) >= MAX_TRAINING_RESULTS:
            store.pop(next(iter(store)), None)
        store[key] = result
    return store[key]


@st.cache_data(show_spinner=False, max_entries=64)
def cached_flow(chain_text: str, shape: tuple[int, ...]):
    """(layers, predicted flow, torch's flow); a ValueError for a chain that does not parse."""
    from core.pytorch_basics import parse_layers, predict_shape_flow, torch_shape_flow

    layers = parse_layers(chain_text)
    return layers, predict_shape_flow(layers, shape), torch_shape_flow(layers, shape)


@st.cache_data(show_spinner=False)
def cached_notes_sample():
    from core.pytorch_basics import notes_sample_check

    return notes_sample_check()


@dataclass(frozen=True)
class MapResult:
    ours: np.ndarray
    torch: np.ndarray
    predicted: object  # core Layout
    measured: object  # core Layout

    @property
    def map_diff(self) -> float:
        if self.ours.shape != self.torch.shape:
            return float("inf")
        return float(np.max(np.abs(self.ours - self.torch))) if self.ours.size else 0.0

    @property
    def layout_matches(self) -> bool:
        return self.predicted == self.measured


@st.cache_data(show_spinner=False, max_entries=256)
def cached_map(operation: str, shape: tuple[int, ...], sizes: tuple[int, ...], dim: int | None) -> MapResult:
    from core.pytorch_basics import operation_map, predicted_layout, torch_layout, torch_map

    ours = operation_map(operation, shape, sizes, dim)  # raises the ValueError the page shows
    return MapResult(
        ours,
        torch_map(operation, shape, sizes, dim),
        predicted_layout(operation, shape, sizes, dim, itemsize=4),
        torch_layout(operation, shape, sizes, dim, "float32"),
    )


# --- frames and charts ------------------------------------------------------------------------------------
def training_frames(result, labels: dict[str, str]) -> pd.DataFrame:
    rows = []
    for kind, run in result.runs.items():
        for epoch, (loss, acc) in enumerate(zip(run.train_loss, run.test_accuracy, strict=True)):
            rows.append({"container": labels[kind], "epoch": epoch, "loss": loss, "accuracy": acc})
    return pd.DataFrame(rows)


def curve_chart(df: pd.DataFrame, y: str, y_title: str, *, log: bool = False) -> alt.Chart:
    order = list(dict.fromkeys(df["container"]))
    scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    return (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("epoch:Q", title=t(f"{NS}.axis_epoch")),
            y=alt.Y(f"{y}:Q", title=y_title, scale=scale),
            color=alt.Color(
                "container:N",
                sort=order,
                legend=alt.Legend(title=None, orient="bottom", columns=2, labelLimit=200),
            ),
            strokeDash=alt.StrokeDash("container:N", sort=order, legend=None),
            tooltip=["container", "epoch", alt.Tooltip(f"{y}:Q", format=".4f")],
        )
        .properties(height=300)
    )


def flow_frame(flow, layers, input_label: str) -> pd.DataFrame:
    """One node per stage: the input, then every layer with the shape it hands on (or its status)."""
    rows = [{"step": 0, "layer": input_label, "shape": str(tuple(flow.input_shape)), "status": "ok"}]
    failed = flow.failed_at
    for index, layer in enumerate(layers):
        if index < len(flow.shapes):
            status, shape = "ok", str(flow.shapes[index])
        elif index == failed:
            status, shape = "broken", "✗"
        else:
            status, shape = "not_run", "–"
        rows.append({"step": index + 1, "layer": layer.text, "shape": shape, "status": status})
    return pd.DataFrame(rows)


def flow_chart(df: pd.DataFrame, status_labels: dict[str, str]) -> alt.LayerChart:
    colors = alt.Scale(
        domain=[status_labels[s] for s in ("ok", "broken", "not_run")],
        range=["#4c78a8", "#e45756", "#bab0ac"],
    )
    data = df.assign(state=df["status"].map(status_labels))
    base = alt.Chart(data).encode(x=alt.X("step:O", axis=None))
    line = (
        alt.Chart(data)
        .mark_rule(color="#888", strokeWidth=2)
        .encode(x=alt.X("min(step):O", axis=None), x2=alt.X2("max(step):O"))
    )
    boxes = base.mark_square(size=7000, opacity=0.9).encode(
        color=alt.Color("state:N", scale=colors, legend=alt.Legend(title=None, orient="bottom")),
        tooltip=["layer", "shape", "state"],
    )
    names = base.mark_text(dy=-10, color="white", fontWeight="bold", fontSize=11).encode(text="layer:N")
    shapes = base.mark_text(dy=10, color="white", fontSize=11).encode(text="shape:N")
    width = max(120 * len(df), 300)
    return (
        alt.layer(line, boxes, names, shapes)
        .properties(height=150, width=width)
        .configure_view(strokeWidth=0)
    )


def grid_frame(source: np.ndarray) -> pd.DataFrame:
    """Cells of a 1- to 4-D map laid out as 2-D panels: the last dimension across, the one before it
    down, and one panel per index of the leading dimensions."""
    arr = np.asarray(source)
    if arr.ndim == 1:
        arr = arr[None, :]
        leading: tuple[int, ...] = ()
    else:
        leading = arr.shape[:-2]
    rows = []
    for lead in np.ndindex(*leading) if leading else [()]:
        panel = "[" + ", ".join(str(i) for i in lead) + ", :, :]" if lead else "[:, :]"
        block = arr[lead] if lead else arr
        for r in range(block.shape[0]):
            for c in range(block.shape[1]):
                rows.append({"panel": panel, "row": r, "col": c, "source": int(block[r, c])})
    return pd.DataFrame(rows, columns=["panel", "row", "col", "source"])


def grid_chart(df: pd.DataFrame, numel: int, *, cell: int = 36) -> alt.Chart:
    """Each cell coloured by the flat index of the input cell it came from (same colours in every grid)."""
    n_cols = int(df["col"].max()) + 1 if len(df) else 1
    n_rows = int(df["row"].max()) + 1 if len(df) else 1
    color = alt.Color(
        "source:Q",
        # the domain reaches past both ends: turbo's dark ends would hide the black cell numbers
        scale=alt.Scale(scheme="turbo", domain=[-0.3 * max(numel - 1, 1), 1.3 * max(numel - 1, 1)]),
        legend=None,
    )
    base = alt.Chart().encode(
        x=alt.X("col:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("row:O", title=None),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=color, tooltip=["panel", "row", "col", "source"]
    )
    text = base.mark_text(fontSize=11, color="black").encode(text="source:Q")
    layered = alt.layer(rect, text, data=df).properties(width=cell * n_cols, height=cell * n_rows)
    panels = df["panel"].nunique()
    return layered.facet(facet=alt.Facet("panel:N", title=None, sort=None), columns=min(panels, 4))
