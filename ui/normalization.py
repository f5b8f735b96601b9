"""The normalization page's widgets' ranges, its shared computations, and its views: display-ready
frames, Altair charts, texts and checks.

No arithmetic on the normalizations lives here: it is all in :mod:`core.normalization`; every call goes
through :func:`ui.compute.shared` (computed once for every visitor), and the view functions below turn
the results into what the page draws. ``LAYOUTS``, ``NORMS``, ``BATCH_SIZES`` and ``SEEDS`` are core's,
re-exported for the page's widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from core.errors import InputError
from core.normalization import BATCH_SIZES as BATCH_SIZES
from core.normalization import (
    KINDS,
    NORMS,
    TRUE_MEAN,
    TRUE_STD,
    CellResult,
    Explored,
    TrainConfig,
    compare_signature,
    epsilon_curves,
    explore,
    load_sweep,
    padding_effect,
    running_statistics,
    summarize,
    train_cell,
    train_mode_effect,
)
from core.normalization import LAYOUTS as LAYOUTS
from core.normalization import SEEDS as SEEDS
from ui.compute import shared
from ui.format import fmt_pct
from ui.i18n import current_language, load_strings, t, translator
from ui.layout import Check

NS = "normalization"
TOLERANCE = 1e-10  # every live check against torch.nn, in float64
#: the explorer's sizes: widget key -> (label, low, high, default)
IMAGE_SIZES = {
    "norm_n": ("N", 1, 4, 2),
    "norm_c": ("C", 1, 8, 4),
    "norm_h": ("H", 1, 4, 3),
    "norm_w": ("W", 1, 4, 3),
}
SEQUENCE_SIZES = {"norm_n": ("N", 1, 4, 2), "norm_l": ("L", 1, 8, 5), "norm_d": ("D", 1, 8, 4)}
MAX_CHANNELS = max(IMAGE_SIZES["norm_c"][2], SEQUENCE_SIZES["norm_d"][2])  # groups divide the channels
EPS_CHOICES = [1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2]
NORM_COLOURS = {"batch": "#d62728", "group": "#1f77b4", "layer": "#2ca02c", "none": "#7f7f7f"}
_BOTTOM = alt.Legend(title=None, orient="bottom")


def said(error: ValueError) -> str:
    """Core's error in this run's language: the locale sentence of an :class:`InputError`'s code."""
    if isinstance(error, InputError) and error.locale_key in load_strings(current_language()):
        return t(error.locale_key, **error.values)
    return str(error)


def divisors(n: int) -> list[int]:
    return [g for g in range(1, n + 1) if n % g == 0]


def kind_labels() -> dict[str, str]:
    """The five normalizations' names in this run's language."""
    tr = translator(NS)
    return {k: tr(f"kind_{k}") for k in KINDS}


def norm_labels() -> dict[str, str]:
    """The experiment's networks' names in this run's language."""
    tr = translator(NS)
    return {k: tr(f"net_{k}") for k in NORMS}


# --- the explorer -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExplorerView:
    warnings: tuple[str, ...]  # the normalizations that cannot run on this shape, and why
    results: dict[str, Explored]  # the others
    labels: dict[str, str]  # their names
    frame: pd.DataFrame | None = None  # one row per element and normalization
    chart: alt.FacetChart | None = None
    table: pd.DataFrame | None = None  # one row per normalization
    check: Check | None = None

    def detail(self, kind: str) -> pd.DataFrame:
        """One row per group of ``kind``: its mean and variance before and after."""
        tr = translator(NS)
        res = self.results[kind]
        return pd.DataFrame(
            {
                tr("col_group"): np.arange(res.group_mean.size),
                tr("col_mean_before"): res.group_mean_before.round(4),
                tr("col_var_before"): res.group_var_before.round(4),
                tr("col_mean_after_group"): res.group_mean.round(6),
                tr("col_var_after_group"): res.group_var.round(6),
                tr("col_ms_after_group"): res.group_mean_square.round(6),
            }
        )


def _explorer_row(tr: Callable[..., str], label: str, res: Explored) -> dict[str, Any]:
    return {
        tr("col_norm"): label,
        tr("col_groups"): int(res.group_mean.size),
        tr("col_group_size"): res.group_size,
        tr("col_stats_shape"): str(res.statistics_shape),
        tr("col_param_shape"): str(res.parameter_shape),
        tr("col_mean_after"): f"{np.abs(res.group_mean).max():.1e}",
        tr("col_var_after"): f"{res.group_var.min():.4f} … {res.group_var.max():.4f}",
        tr("col_ms_after"): f"{res.group_mean_square.min():.4f} … {res.group_mean_square.max():.4f}",
        tr("col_check"): f"{res.torch_diff:.1e}",
    }


def explorer_view(layout: str, shape: tuple[int, ...], groups: int) -> ExplorerView:
    """The five normalizations on one tensor of ``shape`` (laid out as ``layout``)."""
    tr = translator(NS)
    labels = kind_labels()
    results: dict[str, Explored] = {}
    warnings = []
    for kind in KINDS:
        try:
            results[kind] = shared(explore, kind, layout, tuple(shape), groups)
        except ValueError as error:
            warnings.append(f"{labels[kind]}: {said(error)}")
    shown = {k: labels[k] for k in results}
    if not results:
        return ExplorerView(tuple(warnings), results, shown)
    frame = explorer_frame(results, labels, layout)
    table = pd.DataFrame([_explorer_row(tr, labels[kind], res) for kind, res in results.items()])
    check = Check(
        "torch.nn." + ", ".join(tr(f"torch_{k}_{layout}") for k in results),
        max(r.torch_diff for r in results.values()),
        TOLERANCE,
    )
    chart = explorer_chart(frame, list(shown.values()))
    return ExplorerView(tuple(warnings), results, shown, frame, chart, table, check)


# --- epsilon, running statistics, train vs eval -----------------------------------------------------------
@dataclass(frozen=True)
class SectionView:
    """A section's chart (with the data its CSV offers), its sentence of figures and its check."""

    frame: pd.DataFrame
    chart: alt.TopLevelMixin
    text: str
    check: Check


def eps_view(eps: float) -> SectionView:
    """Output std against input variance for torch's placement of epsilon and the notes'."""
    tr = translator(NS)
    curves = shared(epsilon_curves, eps)
    frame = pd.concat(
        [
            pd.DataFrame({"formula": tr(f"formula_{f}"), "variance": curves.variance, "output_std": std})
            for f, std in (("torch", curves.torch_std), ("notes", curves.notes_std))
        ],
        ignore_index=True,
    )
    # the curves' points nearest to variance = eps and to variance = eps^2 (nearest on a log scale)
    at_eps = int(np.argmin(np.abs(np.log(curves.variance / eps))))
    at_eps2 = int(np.argmin(np.abs(np.log(curves.variance / eps**2))))
    text = tr(
        "eps_result",
        eps=f"{eps:.0e}",
        eps2=f"{eps * eps:.0e}",
        torch_at_eps=f"{curves.torch_std[at_eps]:.3f}",
        notes_at_eps=f"{curves.notes_std[at_eps]:.3f}",
        torch_at_eps2=f"{curves.torch_std[at_eps2]:.1e}",
        notes_at_eps2=f"{curves.notes_std[at_eps2]:.3f}",
        gain_torch=f"{1 / np.sqrt(eps):.3g}",
        gain_notes=f"{1 / eps:.3g}",
    )
    chart = eps_chart(frame, eps, tr("axis_variance"), tr("axis_output_std"))
    return SectionView(
        frame, chart, text, Check("torch.nn.functional.layer_norm", curves.torch_diff, TOLERANCE)
    )


def running_view(momentum: float | None, batches: int, batch_size: int) -> SectionView:
    """BatchNorm's running statistics batch after batch (``momentum`` None: the cumulative average)."""
    tr = translator(NS)
    stats = shared(running_statistics, momentum, batches, batch_size)
    steps = np.arange(1, batches + 1)
    series = {
        tr("series_running_mean"): stats.running_mean,
        tr("series_running_var"): stats.running_var,
        tr("series_if_biased"): stats.running_var_if_biased,
    }
    lines = pd.concat(
        [pd.DataFrame({"series": name, "batch": steps, "value": values}) for name, values in series.items()],
        ignore_index=True,
    )
    dots = pd.DataFrame({"series": tr("series_batch_var"), "batch": steps, "value": stats.batch_var_biased})
    truth = {tr("true_mean"): TRUE_MEAN, tr("true_var"): TRUE_STD**2}
    text = tr(
        "running_result",
        mean=f"{stats.running_mean[-1]:.3f}",
        var=f"{stats.running_var[-1]:.3f}",
        biased=f"{np.mean(stats.batch_var_biased):.3f}",
        if_biased=f"{stats.running_var_if_biased[-1]:.3f}",
        unbiased=f"{np.mean(stats.batch_var_unbiased):.3f}",
        ratio=f"{batch_size / (batch_size - 1):.3f}",  # Bessel's factor n / (n - 1)
        n=batch_size,
    )
    return SectionView(
        pd.concat([lines, dots], ignore_index=True),
        running_chart(lines, truth, tr("axis_batch"), points=dots),
        text,
        Check("torch.nn.BatchNorm1d (running_mean, running_var, output)", stats.torch_diff, TOLERANCE),
    )


def mode_view(batch_size: int) -> tuple[str, str, str]:
    """(the sentence of train vs eval outputs of one sample, the sentence on batches of one sample, the
    errors for one value per channel as code)."""
    tr = translator(NS)
    effect = shared(train_mode_effect, batch_size)
    text = tr(
        "mode_result",
        n=batch_size,
        eval_out=f"{effect.eval_output:.3f}",
        low=f"{effect.train_outputs.min():.3f}",
        high=f"{effect.train_outputs.max():.3f}",
        std=f"{effect.train_outputs.std():.3f}",
        trials=effect.train_outputs.size,
    )
    one = tr("batch_of_one", shape=str(effect.image_shape), diff=f"{effect.image_diff:.1e}")
    code = (
        f"core.normalization.BatchNorm: {effect.batch_of_one_error}\n"
        f"torch.nn.BatchNorm1d: {effect.torch_error}"
    )
    return text, one, code


# --- the notes' signatures --------------------------------------------------------------------------------
def signature_view(which: str) -> tuple[str, str]:
    """(a Markdown table of the notes' ``which`` signature ('layer' or 'batch') argument by argument beside
    the installed torch's and MXNet Gluon's, the installed torch's constructor as code)."""
    tr = translator(NS)
    comparison = shared(compare_signature, which)

    def cell(value: str | None) -> str:
        return "—" if value is None else f"`{value}`"

    head = [tr("sig_col_notes"), tr("sig_col_torch", version=comparison.torch_version), tr("sig_col_gluon")]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += [f"| {cell(r.notes)} | {cell(r.torch)} | {cell(r.gluon)} |" for r in comparison.rows]
    return "\n".join(lines), f"torch.nn.{comparison.torch_signature}"


# --- the batch-size experiment ----------------------------------------------------------------------------
def shipped_sweep() -> dict:
    """The shipped sweep (read once for every visitor; read-only)."""
    return shared(load_sweep)


@dataclass(frozen=True)
class SweepView:
    summary: pd.DataFrame  # per (norm, batch size): mean, min, max accuracy over the seeds
    chart: alt.LayerChart
    table: pd.DataFrame  # mean accuracy, norms x batch sizes, display-ready
    caption: str
    text: str
    mode_table: pd.DataFrame  # BatchNorm's accuracy in eval mode and in train mode, display-ready


def sweep_view() -> SweepView:
    tr = translator(NS)
    record = shipped_sweep()
    config = record["config"]
    labels = norm_labels()
    summary = pd.DataFrame(summarize(record))
    summary["normalization"] = summary["norm"].map(labels)
    table = summary.pivot(index="normalization", columns="batch_size", values="mean").reindex(
        [labels[k] for k in NORMS]
    )
    table.index.name = tr("col_norm")
    caption = tr(
        "sweep_caption",
        epochs=config["epochs"],
        lr=config["lr_at_32"],
        momentum=config["momentum"],
        train=record["train_size"],
        test=record["test_size"],
        seeds=len({c["seed"] for c in record["cells"]}),
        cpu=f"{record['cpu_seconds']:.0f}",
        torch=record["torch_version"],
    )
    mean = summary.set_index(["norm", "batch_size"])["mean"]
    text = tr(
        "sweep_result",
        bn2=f"{100 * mean['batch', 2]:.1f}",
        gn2=f"{100 * mean['group', 2]:.1f}",
        bn32=f"{100 * mean['batch', 32]:.1f}",
    )
    bn_rows = summary[summary["norm"] == "batch"].set_index("batch_size").sort_index()
    mode_table = pd.DataFrame(
        [bn_rows["mean"], bn_rows["train_mode_mean"]], index=[tr("row_eval_mode"), tr("row_train_mode")]
    )
    return SweepView(
        summary,
        sweep_chart(summary, tr("axis_batch_size"), tr("axis_accuracy")),
        table.map(fmt_pct),
        caption,
        text,
        mode_table.map(fmt_pct),
    )


def shipped_cell(cell: tuple[str, int, int]) -> dict:
    """The shipped result of the cell (norm, batch size, seed)."""
    return next(c for c in shipped_sweep()["cells"] if (c["norm"], c["batch_size"], c["seed"]) == cell)


def retrain_hint(cell: tuple[str, int, int]) -> str:
    """The caption under the retrain button before this visitor retrained the cell."""
    shipped = shipped_cell(cell)
    return translator(NS)(
        "retrain_hint", shipped=f"{100 * shipped['test_accuracy']:.1f}", cpu=f"{shipped['seconds']:.1f}"
    )


@dataclass(frozen=True)
class RetrainView:
    text: str  # the live accuracy beside the shipped one
    frame: pd.DataFrame  # the live and the shipped training loss per epoch
    chart: alt.LayerChart


def retrain_view(cell: tuple[str, int, int]) -> RetrainView:
    """Retrain one cell of the shipped sweep with the shipped recipe (once for every visitor; a progress
    bar while it runs, for every visitor waiting for it), beside the shipped result."""
    tr = translator(NS)
    shipped = shipped_cell(cell)

    def describe(done: int, total: int, info: dict) -> str:
        return tr("training_step", step=done, total=total) if total else tr("training")

    config = TrainConfig(**shipped_sweep()["config"])
    live: CellResult = shared(train_cell, *cell, config, describe=describe)
    text = tr(
        "retrain_result",
        acc=f"{100 * live.test_accuracy:.1f}",
        train_mode=f"{100 * live.train_mode_accuracy:.1f}",
        shipped=f"{100 * shipped['test_accuracy']:.1f}",
        steps=live.steps,
        cpu=f"{live.seconds:.1f}",
    )
    epochs = len(live.train_loss)
    frame = pd.DataFrame(
        {
            "series": [tr("series_live")] * epochs + [tr("series_shipped")] * epochs,
            "batch": list(range(1, epochs + 1)) * 2,
            "value": list(live.train_loss) + list(shipped["train_loss"]),
        }
    )
    return RetrainView(text, frame, running_chart(frame, {}, tr("axis_epoch")))


# --- transformers -----------------------------------------------------------------------------------------
def padding_view() -> tuple[pd.DataFrame, str, Check]:
    """(how much one sentence's outputs change with its batch's other sentence, per normalization; the
    sentence of figures; the check against torch.nn)."""
    tr = translator(NS)
    labels = kind_labels()
    pad = shared(padding_effect)
    table = pd.DataFrame(
        {
            tr("col_other_length"): pad.lengths,
            labels["layer"]: [f"{v:.1e}" for v in pad.layer_change],
            labels["rms"]: [f"{v:.1e}" for v in pad.rms_change],
            labels["batch"]: [f"{v:.3f}" for v in pad.batch_change],
        }
    )
    text = tr(
        "nlp_result",
        batch=f"{pad.batch_change.max():.2f}",
        rms_vs_layer=f"{pad.rms_vs_layer:.2f}",
        token_mean=f"{pad.token_mean:.2f}",
    )
    return table, text, Check("torch.nn.LayerNorm, RMSNorm, BatchNorm1d", pad.torch_diff, TOLERANCE)


# --- frames and charts ------------------------------------------------------------------------------------
def explorer_frame(results: dict[str, Explored], labels: dict[str, str], layout: str) -> pd.DataFrame:
    """One row per element and normalization: where it is drawn, its group, its value before/after."""
    frames = []
    for kind, res in results.items():
        idx = np.indices(res.x.shape).reshape(res.x.ndim, -1)
        if layout == "image":
            n, c, h, w = idx
            width, height = res.x.shape[3], res.x.shape[2]
            col, row = c * (width + 1) + w, n * (height + 1) + h
        else:
            n, pos, d = idx
            col, row = d, n * (res.x.shape[1] + 1) + pos
        frames.append(
            pd.DataFrame(
                {
                    "normalization": labels[kind],
                    "col": col,
                    "row": row,
                    "index": [str(tuple(i)) for i in idx.T],
                    "group": res.groups.reshape(-1),
                    "before": res.x.reshape(-1).round(4),
                    "after": res.y.reshape(-1).round(4),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def explorer_chart(df: pd.DataFrame, order: list[str]) -> alt.Chart:
    """Every element a square, coloured by the group that shares its mean and variance."""
    base = (
        alt.Chart(df)
        .transform_calculate(col2="datum.col + 0.92", row2="datum.row + 0.92")
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("col:Q", axis=None, scale=alt.Scale(nice=False)),
            x2=alt.X2("col2:Q"),
            y=alt.Y("row:Q", axis=None, scale=alt.Scale(nice=False, reverse=True)),
            y2=alt.Y2("row2:Q"),
            color=alt.Color("group:N", legend=None, scale=alt.Scale(scheme="tableau20")),
            tooltip=[
                alt.Tooltip("normalization"),
                alt.Tooltip("index"),
                alt.Tooltip("group"),
                alt.Tooltip("before"),
                alt.Tooltip("after"),
            ],
        )
        .properties(width=150, height=130)
    )
    return base.facet(
        facet=alt.Facet("normalization:N", sort=order, title=None, header=alt.Header(labelFontSize=13)),
        columns=5,
    ).resolve_scale(color="independent")


def eps_chart(df: pd.DataFrame, eps: float, x_title: str, y_title: str) -> alt.LayerChart:
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("variance:Q", scale=alt.Scale(type="log"), title=x_title, axis=alt.Axis(format=".0e")),
            y=alt.Y("output_std:Q", scale=alt.Scale(type="log"), title=y_title),
            # torch's formula first and blue, the notes' red and dashed, in every language
            color=alt.Color(
                "formula:N",
                legend=_BOTTOM,
                sort=None,
                scale=alt.Scale(domain=list(dict.fromkeys(df["formula"])), range=["#1f77b4", "#d62728"]),
            ),
            strokeDash=alt.StrokeDash(
                "formula:N",
                legend=None,
                sort=None,
                scale=alt.Scale(domain=list(dict.fromkeys(df["formula"]))),
            ),
            tooltip=[
                alt.Tooltip("formula"),
                alt.Tooltip("variance:Q", format=".2e"),
                alt.Tooltip("output_std:Q", format=".4g"),
            ],
        )
    )
    marks = pd.DataFrame({"variance": [eps, eps * eps], "what": ["ε", "ε²"]})
    rules = alt.Chart(marks).mark_rule(strokeDash=[2, 3], color="gray").encode(x=alt.X("variance:Q"))
    text = (
        alt.Chart(marks)
        .mark_text(align="left", baseline="top", dx=4, color="gray", fontSize=13)
        .encode(x=alt.X("variance:Q"), y=alt.value(4), text=alt.Text("what:N"))
    )
    return (lines + rules + text).properties(height=320)


def running_chart(
    df: pd.DataFrame, truth: dict[str, float], x_title: str, points: pd.DataFrame | None = None
) -> alt.LayerChart:
    """Lines of ``df`` (series, batch, value), dashed rules at ``truth``, faint dots for ``points``."""
    legend = alt.Legend(title=None, orient="bottom", columns=2, labelLimit=400)
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("batch:Q", title=x_title),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("series:N", legend=legend, sort=None),
            tooltip=[alt.Tooltip("series"), alt.Tooltip("batch"), alt.Tooltip("value:Q", format=".4f")],
        )
    )
    if points is not None:
        lines = (
            alt.Chart(points)
            .mark_circle(size=14, opacity=0.35, color="gray")
            .encode(
                x=alt.X("batch:Q"),
                y=alt.Y("value:Q"),
                tooltip=[alt.Tooltip("series"), alt.Tooltip("batch"), alt.Tooltip("value:Q", format=".4f")],
            )
            + lines
        )
    rules = (
        alt.Chart(pd.DataFrame({"value": list(truth.values()), "label": list(truth)}))
        .mark_rule(strokeDash=[4, 4], color="black")
        .encode(y=alt.Y("value:Q"), tooltip=[alt.Tooltip("label"), alt.Tooltip("value")])
    )
    return (lines + rules).properties(height=300)


def sweep_chart(df: pd.DataFrame, x_title: str, y_title: str) -> alt.LayerChart:
    colour = alt.Color(
        "normalization:N",
        legend=_BOTTOM,
        scale=alt.Scale(domain=list(df["normalization"].unique()), range=list(NORM_COLOURS.values())),
    )
    x = alt.X(
        "batch_size:Q",
        scale=alt.Scale(type="log", base=2),
        title=x_title,
        axis=alt.Axis(values=[2, 4, 8, 16, 32, 64]),
    )
    band = (
        alt.Chart(df)
        .mark_area(opacity=0.18)
        .encode(x=x, y=alt.Y("min:Q", title=y_title), y2=alt.Y2("max:Q"), color=colour)
    )
    line = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("mean:Q", scale=alt.Scale(zero=False)),
            color=colour,
            tooltip=[
                alt.Tooltip("normalization"),
                alt.Tooltip("batch_size"),
                alt.Tooltip("mean:Q", format=".3f"),
                alt.Tooltip("min:Q", format=".3f"),
                alt.Tooltip("max:Q", format=".3f"),
            ],
        )
    )
    # the line layer first: the legend takes its symbols (solid), not the pale band's
    return (line + band).properties(height=340)
