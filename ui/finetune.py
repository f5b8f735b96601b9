"""The fine-tuning page's views: widgets' URL state, shared core calls, each section's display-ready
frames and checks, and Altair charts.

Nothing here computes a result: training, counts, drift and the PCA come from :mod:`core.finetune`,
through :func:`ui.compute.shared` (once for all visitors); the checks recompute the page's figures
with scikit-learn and numpy.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from sklearn.decomposition import PCA
from sklearn.metrics import accuracy_score
from sklearn.neighbors import NearestCentroid

import core.finetune as ft
from core.budget import check_budget
from ui.compute import shared
from ui.format import fmt_fixed, fmt_pct
from ui.i18n import t
from ui.state import mirror_into_url, seed_from_url

NS = "finetune"
PAGE = "finetune"  # the page's URL path: the notes' claims it shows name it
STRATEGIES = ft.STRATEGIES
SIZES = ft.SIZES
SIZE_OPTIONS = [str(s) for s in ft.SIZES]  # "1" ... "20", "all"
LR_OPTIONS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2]
MULT_OPTIONS = [1.0, 3.0, 10.0, 30.0]
MAX_SEED = 99
MAX_LIVE_TEXT = 100  # a link's list of live strategies ("scratch,linear_probe,...": all five fit)
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


def strategy_name(strategy: str) -> str:
    """A strategy as the page names it (a radio option, a table row, a legend entry); its id stays in the
    URL and the code."""
    return t(f"{NS}.name_{strategy}")


def layer_name(layer: str) -> str:
    """A layer of the model as the page names it (a table row, a diagram node, an axis label)."""
    return t(f"{NS}.layer_{layer}")


def _strategy_color(df: pd.DataFrame) -> alt.Color:
    """The strategy colour, same in every chart; the legend lists only the strategies drawn (the frame's
    ``strategy`` column holds their names)."""
    drawn = set(df["strategy"])
    shown = [s for s in COLORS if strategy_name(s) in drawn]
    return alt.Color(
        "strategy:N",
        scale=alt.Scale(domain=[strategy_name(s) for s in shown], range=[COLORS[s] for s in shown]),
        legend=alt.Legend(title=None, orient="bottom", columns=3, labelLimit=200),
    )


def _live_list(raw: str) -> list[str]:
    if len(raw) > MAX_LIVE_TEXT:
        raise ValueError
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
# shared computations (``ui.compute.shared``: once for all visitors, results read-only)
# --------------------------------------------------------------------------------------------------


def pretrained() -> ft.DigitNet:
    """The shipped source model (read-only: every computation copies it before training)."""
    return shared(ft.load_pretrained)


def results() -> dict:
    """The shipped sweep (read-only)."""
    return shared(ft.load_results)


def _sweep_summary() -> pd.DataFrame:
    runs = pd.DataFrame(results()["runs"])
    runs["size"] = runs["per_class"].astype(str)
    summary = (
        runs.groupby(["strategy", "size"], sort=False)["accuracy"]
        .agg(mean="mean", std="std", low="min", high="max", seeds="count")
        .reset_index()
    )
    return summary


def sweep_summary() -> pd.DataFrame:
    """Mean, standard deviation, min and max test accuracy over the seeds, per strategy and size
    (shared: read-only)."""
    return shared(_sweep_summary)


def _layer_rows(strategy: str, lr: float, mult: float) -> list[ft.LayerRow]:
    model, groups = ft.finetune_model(pretrained(), strategy, 5, lr=lr, head_lr_mult=mult)
    return ft.layer_table(model, groups)


def layer_rows(strategy: str, lr: float, mult: float) -> list[ft.LayerRow]:
    """The target model's layers for ``strategy``: shape, counts, trainable, learning rate."""
    return shared(_layer_rows, strategy, float(lr), float(mult))


def _feature_projection(
    seed: int,
) -> tuple[pd.DataFrame, float, dict[str, list[float]], dict[str, float], float]:
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


def feature_projection(
    seed: int,
) -> tuple[pd.DataFrame, float, dict[str, list[float]], dict[str, float], float]:
    """The target's backbone features, pretrained vs random backbone (``seed``): the PCA points of the
    test set, max |diff| against scikit-learn's PCA (after matching each component's sign), the
    explained variance ratios, the nearest-centroid test accuracy (class means from the whole pool),
    and its max |diff| against scikit-learn's NearestCentroid."""
    return shared(_feature_projection, int(seed))


def _live_run(
    strategy: str, size: str, seed: int, lr: float, mult: float, progress: Callable[..., None]
) -> dict:
    """One live fine-tuning run and the page's two figures recomputed by the reference libraries."""
    result = ft.run_strategy(
        pretrained(),
        strategy,
        per_class_value(size),
        seed,
        lr=lr,
        head_lr_mult=mult,
        progress=lambda step, steps, loss: progress(step, steps, loss=loss),
    )
    # accuracy against scikit-learn, the drift formula against numpy.linalg.norm
    task = ft.target_task()
    y_hat = ft.predict(result.model, task.x_test).numpy()
    accuracy_diff = abs(result.accuracy - accuracy_score(task.y_test.numpy(), y_hat))
    drift_diff = 0.0
    for layer, value in result.drift.items():
        now = np.concatenate([p.detach().numpy().ravel() for p in result.model.layer(layer).parameters()])
        then = np.concatenate([p.detach().numpy().ravel() for p in pretrained().layer(layer).parameters()])
        now, then = now.astype(np.float64), then.astype(np.float64)
        drift_diff = max(drift_diff, abs(value - np.linalg.norm(now - then) / np.linalg.norm(then)))
    return {
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


def live_run(strategy: str, size: str, seed: int, lr: float, mult: float) -> dict:
    """One live fine-tuning run, trained once for all visitors; a progress bar (step, loss) shows to
    every visitor waiting for it."""

    def describe(step: int, steps: int, info: dict) -> str:
        if steps == 0:
            return t(f"{NS}.training", strategy=strategy_name(strategy))
        loss = fmt_fixed(info.get("loss", float("nan")))
        return t(f"{NS}.training_step", strategy=strategy_name(strategy), step=step, steps=steps, loss=loss)

    return shared(_live_run, strategy, size, int(seed), float(lr), float(mult), describe=describe)


def _whole_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def live_runs(names: list[str], size: str, seed: int, lr: float, mult: float) -> dict[str, dict]:
    """The live runs of the strategies ``names`` (each trained once for all visitors). Values no
    widget offers are a ValueError, and the runs' training steps x parameters in all are checked
    against the server's budget (input ``ft_live``) before any of them starts."""
    offered = (
        len(set(names)) == len(names)
        and all(name in STRATEGIES for name in names)
        and size in SIZE_OPTIONS
        and _whole_in(seed, 0, MAX_SEED)
        and lr in LR_OPTIONS
        and mult in MULT_OPTIONS
    )
    if not offered:
        given = f"`{names}`, `{size!r}`, `{seed!r}`, `{lr!r}`, `{mult!r}`"
        raise ValueError(t(f"{NS}.live_not_offered", given=given))
    parameters = sum(p.numel() for p in pretrained().parameters())  # at most all of them train
    check_budget("ft_live", "step_parameters", len(names) * ft.FINETUNE_PLAN.steps * parameters)
    return {name: live_run(name, size, seed, lr, mult) for name in names}


def shipped_accuracy(strategy: str, size: str, seed: int) -> float | None:
    for run in results()["runs"]:
        if run["strategy"] == strategy and str(run["per_class"]) == size and run["seed"] == seed:
            return run["accuracy"]
    return None


# --------------------------------------------------------------------------------------------------
# views: what each section of the page draws, display-ready
# --------------------------------------------------------------------------------------------------


def size_label(size: str) -> str:
    """A size option as the page writes it ("all" -> "all (N)")."""
    return t(f"{NS}.size_all", n=len(ft.target_task().x_train)) if size == "all" else size


@dataclass(frozen=True)
class RecipeView:
    """The recipe of one strategy: its diagram, parameter counts, layer table and the count check."""

    dot: str
    trainable: str
    frozen: str
    groups: int
    table: pd.DataFrame
    count_diff: float


def recipe_view(strategy: str, lr: float, mult: float) -> RecipeView:
    rows = layer_rows(strategy, lr, mult)
    names = ("source", "target", "copy", "no_copy", "new_head", "dropped", "frozen")
    table = pd.DataFrame(
        {
            t(f"{NS}.col_layer"): [layer_name(r.name) for r in rows],
            t(f"{NS}.col_shape"): [r.shape for r in rows],
            t(f"{NS}.col_params"): [r.formula_count for r in rows],
            t(f"{NS}.col_numel"): [r.torch_count for r in rows],
            t(f"{NS}.col_requires_grad"): [r.trainable for r in rows],
            t(f"{NS}.col_lr"): [f"{r.lr:.3g}" if r.lr is not None else "—" for r in rows],
        }
    )
    return RecipeView(
        dot=recipe_dot(rows, {k: t(f"{NS}.dot_{k}") for k in (*names, "lr")}, strategy),
        trainable=f"{sum(r.torch_count for r in rows if r.trainable):,}",
        frozen=f"{sum(r.torch_count for r in rows if not r.trainable):,}",
        groups=sum(r.trainable for r in rows),
        table=table,
        # the formula c_out (c_in k^2 + 1) / n_out (n_in + 1) against torch's numel()
        count_diff=float(max(abs(r.formula_count - r.torch_count) for r in rows)),
    )


def sweep_intro_values() -> dict[str, object]:
    """The figures the comparison's introduction quotes."""
    shipped = results()
    plan = shipped["plan"]
    return {
        "seeds": len(plan["seeds"]),
        "steps": plan["steps"],
        "lr": f"{plan['lr']:g}",
        "mult": f"{plan['head_lr_mult']:g}",
        "test": 5 * shipped["target"]["test_per_class"],
        "pool": sum(shipped["target"]["pool_per_class"]),
    }


@dataclass(frozen=True)
class SweepView:
    """The shipped comparison: its chart (and CSV), the mean ± std table and the reading's figures."""

    chart: alt.LayerChart
    data: pd.DataFrame
    table: pd.DataFrame
    caption: dict[str, object]
    reading: dict[str, str]


def sweep_view() -> SweepView:
    summary = sweep_summary()
    shown = summary.assign(strategy=summary["strategy"].map(strategy_name))
    chart = sweep_chart(shown, {"x": t(f"{NS}.axis_per_class"), "y": t(f"{NS}.axis_accuracy")})
    cells = [f"{100 * m:.1f} ± {100 * s:.1f}" for m, s in zip(summary["mean"], summary["std"], strict=True)]
    table = summary.assign(cell=cells).pivot(index="strategy", columns="size", values="cell")
    table = table.reindex(index=list(ft.STRATEGIES))[SIZE_OPTIONS].rename(columns={"all": size_label("all")})
    table = table.rename(index=strategy_name).rename_axis(index=t(f"{NS}.col_strategy"), columns=None)
    mean = summary.set_index(["strategy", "size"])["mean"]
    tuned = [s for s in ft.STRATEGIES if s != "scratch"]
    best_1 = max(tuned, key=lambda s: mean[(s, "1")])
    reading = {
        "scratch_1": fmt_pct(mean[("scratch", "1")]),
        "best_1_name": strategy_name(best_1),
        "best_1": fmt_pct(mean[(best_1, "1")]),
        "probe_1": fmt_pct(mean[("linear_probe", "1")]),
        "scratch_all": fmt_pct(mean[("scratch", "all")]),
        "full_all": fmt_pct(mean[("full", "all")]),
        "probe_all": fmt_pct(mean[("linear_probe", "all")]),
    }
    caption = {"cpu": results()["sweep_cpu_seconds"], "runs": len(results()["runs"])}
    return SweepView(chart, summary, table, caption, reading)


@dataclass(frozen=True)
class LiveView:
    """The live runs: their table, the curves and drift charts (with their data), the two checks."""

    table: pd.DataFrame
    accuracy_diff: float
    curves: pd.DataFrame
    accuracy_chart: alt.Chart
    losses: pd.DataFrame
    loss_chart: alt.Chart
    drift: pd.DataFrame
    drift_chart: alt.Chart
    drift_diff: float
    probe_moved: float | None
    has_scratch: bool


def live_view(runs: dict[str, dict], size: str, seed: int, lr: float, mult: float) -> LiveView:
    """``runs`` (strategy -> :func:`live_run`) as the page shows them beside the shipped sweep."""
    plan = results()["plan"]
    defaults = float(lr) == plan["lr"] and float(mult) == plan["head_lr_mult"]
    summary = sweep_summary()
    rows = []
    for name, run in runs.items():
        ship = shipped_accuracy(name, size, seed) if defaults else None
        stats = summary[(summary["strategy"] == name) & (summary["size"] == size)].iloc[0]
        rows.append(
            {
                t(f"{NS}.col_strategy"): strategy_name(name),
                t(f"{NS}.col_live"): fmt_pct(run["accuracy"]),
                t(f"{NS}.col_shipped_seed"): fmt_pct(ship) if ship is not None else "—",
                t(f"{NS}.col_shipped_mean"): f"{100 * stats['mean']:.1f} ± {100 * stats['std']:.1f}%",
                t(f"{NS}.col_trainable"): f"{run['trainable']:,}",
                t(f"{NS}.col_cpu"): f"{run['cpu']:.2f}",
            }
        )
    curves = pd.DataFrame(
        [
            {"strategy": strategy_name(name), "step": s, "accuracy": a, "loss": loss}
            for name, run in runs.items()
            for s, a, loss in zip(run["steps"], run["test_accuracy"], run["train_loss"], strict=True)
        ]
    )
    losses = curves[(curves["step"] > 0) & (curves["loss"] > 0)]  # a log axis: no 0, no NaN
    drift = pd.DataFrame(
        [
            {"strategy": strategy_name(name), "layer": layer_name(layer), "drift": value}
            for name, run in runs.items()
            for layer, value in run["drift"].items()
        ]
    )
    step_axis = t(f"{NS}.axis_step")
    return LiveView(
        table=pd.DataFrame(rows),
        accuracy_diff=max(run["accuracy_diff"] for run in runs.values()),
        curves=curves,
        accuracy_chart=curve_chart(curves, "accuracy", {"x": step_axis, "y": t(f"{NS}.axis_accuracy")}),
        losses=losses,
        loss_chart=curve_chart(losses, "loss", {"x": step_axis, "y": t(f"{NS}.axis_loss")}, log_y=True),
        drift=drift,
        drift_chart=drift_chart(drift, {"x": t(f"{NS}.col_layer"), "y": t(f"{NS}.axis_drift")}),
        drift_diff=max(run["drift_diff"] for run in runs.values()),
        probe_moved=max(runs["linear_probe"]["drift"].values()) if "linear_probe" in runs else None,
        has_scratch="scratch" in runs,
    )


@dataclass(frozen=True)
class FeaturesView:
    """Pretrained vs random backbone: the PCA points and chart, the explained variance and nearest
    centroid accuracies as the page writes them, and the two checks."""

    points: pd.DataFrame
    chart: alt.FacetChart
    explained: dict[str, str]
    pca_diff: float
    centroid: dict[str, str]
    centroid_diff: float


def features_view(seed: int) -> FeaturesView:
    points, pca_diff, explained, centroid, centroid_diff = feature_projection(seed)
    names = {"pretrained": t(f"{NS}.backbone_pretrained"), "random": t(f"{NS}.backbone_random", seed=seed)}
    points = points.assign(backbone=points["backbone"].map(names))
    return FeaturesView(
        points=points,
        chart=pca_chart(points, {"digit": t(f"{NS}.digit")}, list(names.values())),
        explained={name: " + ".join(fmt_pct(v) for v in ratios) for name, ratios in explained.items()},
        pca_diff=pca_diff,
        centroid={name: fmt_pct(value) for name, value in centroid.items()},
        centroid_diff=centroid_diff,
    )


# --------------------------------------------------------------------------------------------------
# charts
# --------------------------------------------------------------------------------------------------


def recipe_dot(rows: list[ft.LayerRow], labels: dict[str, str], strategy: str) -> str:
    """The recipe as a Graphviz diagram: the source model, the copy of all but its head, the new head,
    training; each target layer coloured trainable (green) or frozen (grey), with its learning rate."""

    def node(row: ft.LayerRow) -> str:
        fill = "#c7e9c0" if row.trainable else "#e0e0e0"
        rate = f"{labels['lr']} {row.lr:.2g}" if row.lr is not None else labels["frozen"]
        return (
            f'"t_{row.name}" [label="{layer_name(row.name)}\\n{row.shape}\\n{row.torch_count:,} · {rate}", '
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
            f'"s_{r.name}" [label="{layer_name(r.name)}\\n{r.shape}", '
            f'fillcolor="{_SOURCE_FILL[r.name == "head"]}"];'
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
            x=alt.X(
                "layer:N",
                sort=[layer_name(n) for n in ft.BACKBONE_LAYERS],
                title=titles["x"],
                axis=alt.Axis(labelAngle=0),
            ),
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
