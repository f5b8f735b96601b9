"""The PyTorch basics page's widgets' defaults, its shared computations, and its views: display-ready
frames, Altair charts, texts and checks.

No arithmetic on tensors lives here: core computes, :func:`ui.compute.shared` computes it once for every
visitor, and the view functions below turn the results into what the page draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from core.errors import InputError
from core.pytorch_basics import (
    KINDS,
    ContainerFacts,
    LayerSpec,
    Layout,
    NotesSampleCheck,
    ShapeFlow,
    TrainingResult,
    container_facts,
    notes_sample_check,
    operation_map,
    parse_layers,
    parse_shape,
    parse_sizes,
    predict_shape_flow,
    predicted_layout,
    shape_flow_diff,
    torch_layout,
    torch_map,
    torch_shape_flow,
    train_containers,
)
from core.pytorch_basics import OPERATIONS as OPERATIONS  # the radio's operations, in core's order
from ui.compute import shared
from ui.format import fmt_pct
from ui.i18n import current_language, load_strings, t, translator
from ui.layout import Check

NS = "pytorch_basics"
PAGE = "pytorch_basics"  # the page's URL path: the notes' claims it shows name it
DATASETS = ("digits", "breast_cancer")
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
SMALLEST_SIZE = {"repeat": 0, "repeat_interleave": 0, "tile": 0, "expand": -1}  # expand: -1 keeps a size
MAP_DEFAULTS = {
    "pb_in_shape": "2, 3",
    "pb_repeat": "2, 1, 2",
    "pb_tile": "2",
    "pb_ri_repeats": "1, 0, 2",
    "pb_ri_dim": "-1",
    "pb_expand": "2, 2, 3",
}
#: the text input of each operation's sizes
SIZE_KEYS = {
    "repeat": "pb_repeat",
    "tile": "pb_tile",
    "repeat_interleave": "pb_ri_repeats",
    "expand": "pb_expand",
}
CHAIN_DEFAULTS = {"pb_chain": DEFAULT_CHAIN, "pb_chain_input": DEFAULT_CHAIN_INPUT}
MAX_TEXT = 400  # characters of the chain (12 layers fit)
MAX_SHAPE_TEXT = 40  # characters of a shape or sizes
#: a link's chain or input shape is used when it is short enough; the work it implies (with the other
#: key's value) is checked by core before torch runs, and said over the chain
CHAIN_VALID = {"pb_chain": lambda v: len(v) <= MAX_TEXT, "pb_chain_input": lambda v: len(v) <= MAX_SHAPE_TEXT}
TRAIN_DEFAULTS = {"pb_dataset": DATASET_DEFAULT, "pb_epochs": EPOCHS[2], "pb_lr": LR_DEFAULT}


# --- the shared computations (module-level: ui.compute.shared keys them by name and arguments) -------------
def facts(in_features: int, out_features: int) -> dict[str, ContainerFacts]:
    """What torch sees of each of the four models."""
    return {k: container_facts(k, in_features, HIDDEN, out_features) for k in KINDS}


#: the progress steps of a training as the bar counts them (core reports a fraction)
_PROGRESS_STEPS = 1000


def train(
    dataset: str, epochs: int, lr: float, *, progress: Callable[..., None] | None = None
) -> TrainingResult:
    """``train_containers`` on ``dataset`` (~1-4 s on one core), reporting ``progress(done, total)``."""
    report = None if progress is None else lambda f: progress(round(f * _PROGRESS_STEPS), _PROGRESS_STEPS)
    return train_containers(dataset, hidden=HIDDEN, epochs=epochs, lr=lr, progress=report)


def flow(chain_text: str, shape: tuple[int, ...]) -> tuple[list[LayerSpec], ShapeFlow, ShapeFlow]:
    """(layers, predicted flow, torch's flow); a ValueError for a chain that does not parse."""
    layers = parse_layers(chain_text)
    return layers, predict_shape_flow(layers, shape), torch_shape_flow(layers, shape)


@dataclass(frozen=True)
class MapResult:
    ours: np.ndarray
    torch: np.ndarray
    predicted: Layout
    measured: Layout

    @property
    def map_diff(self) -> float:
        """max |ours - torch| over the cells (inf when the shapes differ)."""
        if self.ours.shape != self.torch.shape:
            return float("inf")
        return float(np.max(np.abs(self.ours - self.torch))) if self.ours.size else 0.0

    @property
    def layout_matches(self) -> bool:
        return self.predicted == self.measured


def index_map(operation: str, shape: tuple[int, ...], sizes: tuple[int, ...], dim: int | None) -> MapResult:
    """Our map and layout of ``operation`` and torch's."""
    ours = operation_map(operation, shape, sizes, dim)  # raises the ValueError the page shows
    return MapResult(
        ours,
        torch_map(operation, shape, sizes, dim),
        predicted_layout(operation, shape, sizes, dim, itemsize=4),
        torch_layout(operation, shape, sizes, dim, "float32"),
    )


# --- views: what each section draws ------------------------------------------------------------------------
def kind_labels() -> dict[str, str]:
    """Each container's name as the page writes it (a column, a legend entry), in the page's language."""
    tr = translator(NS)
    return {kind: tr(f"kind_{kind}") for kind in KINDS}


def code_label(name: str) -> str:
    """An operation's name as an option shows it: code."""
    return f"`{name}`"


def dim_label(option: str) -> str:
    """repeat_interleave's dim option as the select box shows it ("None" said in words)."""
    return translator(NS)("dim_none") if option == "None" else option


def error_text(error: Exception) -> str:
    """Core's sentence for a refused input in the page's language (``error_box`` says the same, boxed)."""
    if isinstance(error, InputError) and error.locale_key in load_strings(current_language()):
        return t(error.locale_key, **error.values)
    return str(error)


def _code(text: str) -> str:
    """A value a static table shows as code (a table cell is Markdown)."""
    return f"`{text}`" if text else text


def _yes_no(tr: Callable[..., str], value: bool) -> str:
    return tr("yes") if value else tr("no")


def facts_table() -> pd.DataFrame:
    """The containers' table: one row per question, one column per container, every cell read from torch."""
    tr = translator(NS)
    found = shared(facts, 64, 10)
    questions: dict[str, Callable[[ContainerFacts], str]] = {
        "q_parameters": lambda f: tr("n_tensors", n=f.parameter_tensors, count=f"{f.parameter_count:,}"),
        "q_state_dict": lambda f: ", ".join(_code(k) for k in f.state_dict_keys),
        "q_children": lambda f: ", ".join(_code(c) for c in f.children),
        "q_to": lambda f: _code(f.hidden_dtype_after_to),
        "q_forward_after_to": lambda f: _code(f.forward_after_to_error or "") or tr("runs"),
        "q_eval": lambda f: _yes_no(tr, f.hidden_training_after_eval),
        "q_optimizer": lambda f: tr(
            "n_opt", n=f.optimizer_tensors, hidden=_yes_no(tr, f.hidden_in_optimizer)
        ),
        "q_call": lambda f: _code(f.container_call_error or "") or tr("runs"),
    }
    labels = kind_labels()
    rows = [
        {tr("col_question"): tr(q), **{labels[k]: show(found[k]) for k in labels}}
        for q, show in questions.items()
    ]
    return pd.DataFrame(rows).set_index(tr("col_question"))


@dataclass(frozen=True)
class TrainingView:
    curves: pd.DataFrame  # container, epoch, loss, accuracy
    loss_chart: alt.Chart
    accuracy_chart: alt.Chart
    summary: pd.DataFrame  # one row per container, display-ready
    result_text: str
    checks: tuple[Check, ...]
    hidden_csv: Callable[[], str]  # the list model's hidden weight before / after, built when downloaded


def hidden_weight_csv(result: TrainingResult) -> str:
    listed = result.runs["list"]
    frame = pd.DataFrame({"before": listed.hidden_before.ravel(), "after": listed.hidden_after.ravel()})
    return frame.to_csv(index=False)


def training_view(dataset: str, epochs: int, lr: float) -> TrainingView:
    """The four models trained on ``dataset`` (once for all visitors; a progress bar while it runs, for
    every visitor waiting for it). A ValueError for inputs core refuses."""
    tr = translator(NS)
    result = shared(
        train, dataset, int(epochs), float(lr), describe=lambda done, total, info: tr("training_progress")
    )
    labels = kind_labels()
    curves = training_frames(result, labels)
    summary = pd.DataFrame(
        [
            {
                tr("col_container"): labels[k],
                tr("col_loss"): f"{run.train_loss[-1]:.4f}",
                tr("col_accuracy"): fmt_pct(run.test_accuracy[-1]),
                tr("col_unchanged"): _yes_no(tr, run.hidden_unchanged),
                tr("col_change"): f"{run.hidden_max_change:.3g}",
            }
            for k, run in result.runs.items()
        ]
    )
    listed, best = result.runs["list"], result.runs["sequential"]
    text = tr(
        "training_result",
        n=listed.hidden_before.size,
        acc_list=f"{100 * listed.test_accuracy[-1]:.1f}",
        acc_reg=f"{100 * best.test_accuracy[-1]:.1f}",
        train=result.train_size,
        test=result.test_size,
    )
    checks = (
        Check(tr("check_frozen"), result.frozen_reference_diff, 1e-12),
        Check(tr("check_registered"), result.registered_spread, 1e-12),
    )
    return TrainingView(
        curves,
        curve_chart(curves, "loss", tr("axis_loss"), log=True),
        curve_chart(curves, "accuracy", tr("axis_accuracy")),
        summary,
        text,
        checks,
        lambda: hidden_weight_csv(result),
    )


def parse_chain_input(text: str) -> tuple[int, ...]:
    """The chain's input shape from its text box; a ValueError with the sentence to show."""
    return parse_shape(text, name=translator(NS)("chain_input_name"))


@dataclass(frozen=True)
class FlowView:
    """A chain of layers as the page draws it: the shape after each layer (torch's forward hooks), and
    either the output shape or where it breaks (torch's error, and why by our rules)."""

    frame: pd.DataFrame
    chart: alt.LayerChart
    holds: str | None  # the success text when the chain holds
    broken: str | None  # where it breaks
    error: str | None  # torch's own error text
    why: str | None  # why, by the layers' shape rules
    check: Check  # our rules against torch's hooks


def flow_view(chain_text: str, shape: tuple[int, ...]) -> FlowView:
    """A ValueError for a chain that does not parse."""
    tr = translator(NS)
    layers, predicted, measured = shared(flow, chain_text, tuple(shape))
    frame = flow_frame(measured, layers, tr("input_node"))
    chart = flow_chart(frame, {s: tr(f"status_{s}") for s in ("ok", "broken", "not_run")})
    check = Check(tr("check_flow"), shape_flow_diff(predicted, measured), 0.0)
    if measured.error is None:
        return FlowView(frame, chart, tr("chain_ok", shape=str(measured.shapes[-1])), None, None, None, check)
    broken = tr("chain_broken", index=measured.failed_at + 1, layer=layers[measured.failed_at].text)
    why = None
    if predicted.broken is not None:
        b = predicted.broken
        why = tr(
            f"why_{b.what}",
            index=b.index + 1,
            layer=layers[b.index].text,
            expected=b.expected,
            got=b.got,
            before=str(measured.shapes[-1]) if measured.shapes else str(tuple(shape)),
        )
    return FlowView(frame, chart, None, broken, measured.error, why, check)


def parse_input_shape(text: str) -> tuple[int, ...]:
    """The repeat family's input shape; a ValueError with the sentence to show."""
    name = translator(NS)("in_shape_name")
    return parse_sizes(text, name=name, minimum=1, maximum=MAX_IN_SIZE, max_items=3)


def dim_options(in_shape: tuple[int, ...] | None) -> list[str]:
    """repeat_interleave's dim choices for the input (all of them while the shape is invalid)."""
    ndim = len(in_shape) if in_shape is not None else 3
    return ["None", *(str(d) for d in range(-ndim, ndim))]


@dataclass(frozen=True)
class GridView:
    """One colour grid, or the sentence shown instead of it."""

    info: str | None = None
    warning: str | None = None
    frame: pd.DataFrame | None = None
    chart: alt.FacetChart | None = None


def grid_view(source: np.ndarray, numel: int) -> GridView:
    tr = translator(NS)
    if source.size == 0:
        return GridView(info=tr("empty_output"))
    if source.size > MAX_OUT_CELLS:
        return GridView(warning=tr("too_many_cells", n=f"{source.size:,}", limit=f"{MAX_OUT_CELLS:,}"))
    frame = grid_frame(source)
    return GridView(frame=frame, chart=grid_chart(frame, numel))


def call_text(op: str, sizes: tuple[int, ...], dim: int | None) -> str:
    """The call as a user writes it."""
    args = ", ".join(str(s) for s in sizes)
    return {
        "repeat": f"x.repeat({args})",
        "tile": f"torch.tile(x, {sizes})",
        "expand": f"x.expand({args})",
        "repeat_interleave": f"x.repeat_interleave(torch.tensor({list(sizes)}), dim={dim})",
    }[op]


def layout_line(layout: Layout) -> str:
    tr = translator(NS)
    return tr(
        "layout",
        shape=str(tuple(layout.shape)),
        strides=str(tuple(layout.strides)),
        shares=_yes_no(tr, layout.shares_memory),
        bytes=f"{layout.bytes_allocated:,}",
    )


@dataclass(frozen=True)
class OpView:
    """One operation with valid sizes: its call, the sentences about its sizes, its result."""

    call: str
    notes: tuple[str, ...]  # how the sizes were aligned with the input's dimensions
    result: MapResult
    numel: int  # the input's cells (the grids' colour scale)

    def grid(self) -> GridView:
        return grid_view(self.result.ours, self.numel)

    @property
    def layout(self) -> str:
        return layout_line(self.result.predicted)


@dataclass(frozen=True)
class MapsView:
    input_text: str
    input_grid: GridView
    ops: dict[str, OpView]  # the operations whose sizes are valid
    problems: dict[str, ValueError]  # the others
    memory: pd.DataFrame | None  # one row per valid operation
    check: Check | None  # our maps against torch's
    mismatches: tuple[str, ...]  # a layout torch does not confirm

    def other_problems(self, shown: str) -> list[str]:
        """Warnings for the operations with bad sizes other than ``shown`` (left out of the table)."""
        tr = translator(NS)
        return [
            tr("other_op_problem", op=op, error=error_text(e))
            for op, e in self.problems.items()
            if op != shown
        ]


def _size_notes(op: str, sizes: tuple[int, ...], in_shape: tuple[int, ...]) -> tuple[str, ...]:
    tr = translator(NS)
    ndim = len(in_shape)
    if op in ("repeat", "tile") and len(sizes) > ndim:
        extra = len(sizes) - ndim
        padded = str((1,) * extra + in_shape)
        return (tr("new_leading", k=extra, sizes=str(sizes), shape=str(in_shape), padded=padded),)
    if op == "tile" and len(sizes) < ndim:
        return (tr("tile_padded", k=ndim - len(sizes)),)
    return ()


def maps_view(in_shape: tuple[int, ...], size_texts: Mapping[str, str], dim: int | None) -> MapsView:
    """All four operations on an input of ``in_shape`` with the sizes typed for each (``dim`` for
    repeat_interleave); an operation whose sizes core refuses is left out with its error."""
    tr = translator(NS)
    numel = math.prod(in_shape)
    ops: dict[str, OpView] = {}
    problems: dict[str, ValueError] = {}
    for op, minimum in SMALLEST_SIZE.items():
        op_dim = dim if op == "repeat_interleave" else None
        try:
            sizes = parse_sizes(size_texts[op], name=tr(f"{op}_sizes"), minimum=minimum, maximum=MAX_COUNT)
            result = shared(index_map, op, in_shape, sizes, op_dim)
        except ValueError as error:
            problems[op] = error
            continue
        ops[op] = OpView(call_text(op, sizes, op_dim), _size_notes(op, sizes, in_shape), result, numel)
    identity = shared(index_map, "repeat", in_shape, (1,) * len(in_shape), None)
    input_text = tr("input_grid", shape=str(in_shape), bytes=f"{4 * numel:,}")
    if not ops:
        return MapsView(input_text, grid_view(identity.ours, numel), ops, problems, None, None, ())
    memory = pd.DataFrame(
        [
            {
                tr("col_call"): _code(view.call),
                tr("col_shape"): _code(str(tuple(view.result.predicted.shape))),
                tr("col_strides"): _code(str(tuple(view.result.predicted.strides))),
                tr("col_shares"): _yes_no(tr, view.result.predicted.shares_memory),
                tr("col_bytes"): view.result.predicted.bytes_allocated,
                tr("col_torch_agrees"): _yes_no(tr, view.result.layout_matches),
            }
            for view in ops.values()
        ]
    )
    check = Check(
        ", ".join(view.call for view in ops.values()), max(view.result.map_diff for view in ops.values()), 0.0
    )
    mismatches = tuple(
        tr("layout_mismatch", torch=layout_line(view.result.measured))
        for view in ops.values()
        if not view.result.layout_matches
    )
    return MapsView(input_text, grid_view(identity.ours, numel), ops, problems, memory, check, mismatches)


def notes_checks() -> tuple[Check, Check]:
    """The notes' code sample run: its two versions agree, and its two Linear layers merge into one."""
    tr = translator(NS)
    sample: NotesSampleCheck = shared(notes_sample_check)
    return (
        Check(tr("check_sample_same"), sample.sequential_vs_modulelist, 0.0),
        Check(tr("check_sample_merged"), sample.collapsed_vs_sequential, 1e-12),
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
            tooltip=[alt.Tooltip("container"), alt.Tooltip("epoch"), alt.Tooltip(f"{y}:Q", format=".4f")],
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
        tooltip=[alt.Tooltip("layer"), alt.Tooltip("shape"), alt.Tooltip("state")],
    )
    names = base.mark_text(dy=-10, color="white", fontWeight="bold", fontSize=11).encode(
        text=alt.Text("layer:N")
    )
    shapes = base.mark_text(dy=10, color="white", fontSize=11).encode(text=alt.Text("shape:N"))
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
        color=color,
        tooltip=[alt.Tooltip("panel"), alt.Tooltip("row"), alt.Tooltip("col"), alt.Tooltip("source")],
    )
    text = base.mark_text(fontSize=11, color="black").encode(text=alt.Text("source:Q"))
    layered = alt.layer(rect, text, data=df).properties(width=cell * n_cols, height=cell * n_rows)
    panels = df["panel"].nunique()
    return layered.facet(facet=alt.Facet("panel:N", title=None, sort=None), columns=min(panels, 4))
