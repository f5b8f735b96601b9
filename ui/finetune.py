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
from typing import TYPE_CHECKING

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import core.finetune as ft
from core.budget import check_budget
from core.lazy import LazyModule
from ui.compute import shared
from ui.format import fmt_fixed, fmt_pct
from ui.i18n import t
from ui.state import keep_widget_value, mirror_into_url, seed_from_url

if TYPE_CHECKING:
    from core.attention import Seq2Seq

# imported when the live work needs them: the default view is drawn from results computed ahead
torch = LazyModule("torch")
_decomposition = LazyModule("sklearn.decomposition")
_sk_metrics = LazyModule("sklearn.metrics")
_neighbors = LazyModule("sklearn.neighbors")

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
    "ft_exp": "digits",
}
#: one colour per strategy in every chart
COLORS = dict(zip(ft.STRATEGIES, ["#7f7f7f", "#1f77b4", "#2ca02c", "#d62728", "#9467bd"], strict=True))
_SOURCE_FILL = {False: "#dbe9f6", True: "#fde0c5"}  # source layers: backbone blue, head orange


@dataclass(frozen=True)
class Experiment:
    """One fine-tuning experiment as the page draws it: its id (the URL's ``ft_exp``), the size options
    of its sweep, its copied layers, the sweep's rates, the number of target classes, and the locale key
    prefix of the texts that differ from the digits experiment's (:data:`DATES_TEXTS`)."""

    id: str
    sizes: tuple[str, ...]
    layers: tuple[str, ...]
    lr: float
    mult: float
    num_classes: int
    prefix: str


EXPERIMENTS: dict[str, Experiment] = {
    "digits": Experiment(
        "digits", tuple(SIZE_OPTIONS), ft.BACKBONE_LAYERS, ft.DEFAULT_LR, ft.DEFAULT_HEAD_LR_MULT, 5, ""
    ),
    "dates": Experiment(
        "dates",
        tuple(str(s) for s in ft.DATES_SIZES),
        ft.DATES_BACKBONE_LAYERS,
        ft.DATES_LR,
        ft.DATES_HEAD_LR_MULT,
        ft.NUM_MONTHS,
        "dates_",
    ),
}
EXPERIMENT_IDS = list(EXPERIMENTS)
#: the page's texts that the dates experiment says its own way (``finetune.dates_<name>``)
DATES_TEXTS = frozenset(
    {
        "recipe_intro",
        "dot_source",
        "dot_target",
        "dot_new_head",
        "dot_dropped",
        "count_formula",
        "groups_caption",
        "sweep_intro",
        "sweep_caption",
        "sweep_reading",
        "live_intro",
        "per_class",
        "axis_per_class",
        "features_intro",
        "centroid_result",
        "features_reading",
        "digit",
    }
)
#: the accuracy gain (points) the issue asks of the best fine-tuning over scratch at 20 or fewer per class
BAR_POINTS = 15.0


def experiment(exp: str) -> Experiment:
    return EXPERIMENTS[exp]


def key(exp: str, name: str) -> str:
    """The locale key (without the page's namespace) of the text ``name`` in experiment ``exp``."""
    return f"{experiment(exp).prefix}{name}" if name in DATES_TEXTS else name


def text(exp: str, name: str, **values: object) -> str:
    return t(f"{NS}.{key(exp, name)}", **values)


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
    value of the last visit, else its default; a value that is not one the widget offers is ignored.
    The experiment (``ft_exp``) comes first: the rates' defaults and the sizes offered are its own."""
    seed_from_url("ft_exp", DEFAULTS["ft_exp"], str, lambda v: v in EXPERIMENTS)
    exp = experiment(st.session_state["ft_exp"])
    seed_from_url("ft_strategy", DEFAULTS["ft_strategy"], str, lambda v: v in ft.STRATEGIES)
    seed_from_url("ft_lr", exp.lr, float, lambda v: v in LR_OPTIONS)
    seed_from_url("ft_mult", exp.mult, float, lambda v: v in MULT_OPTIONS)
    seed_from_url("ft_size", DEFAULTS["ft_size"], str, lambda v: v in exp.sizes)
    seed_from_url("ft_seed", DEFAULTS["ft_seed"], int, lambda v: 0 <= v <= MAX_SEED)
    if "ft_live_list" not in st.session_state:
        seed_from_url("ft_live", DEFAULTS["ft_live"], str, lambda v: bool(_live_list(v)) or v == "")
        st.session_state["ft_live_list"] = _live_list(st.session_state["ft_live"])
    else:
        keep_widget_value("ft_live_list")  # drawn only with the live runs' section


def write_url() -> None:
    st.session_state["ft_live"] = ",".join(st.session_state.get("ft_live_list", []))
    exp = experiment(st.session_state.get("ft_exp", "digits"))
    mirror_into_url(*DEFAULTS, defaults={**DEFAULTS, "ft_lr": exp.lr, "ft_mult": exp.mult})


def experiment_changed() -> None:
    """A newly picked experiment starts from its own sweep's rates, and from the default size when
    the size shown is not one it offers."""
    exp = experiment(st.session_state["ft_exp"])
    st.session_state["ft_lr"], st.session_state["ft_mult"] = exp.lr, exp.mult
    if st.session_state.get("ft_size") not in exp.sizes:
        st.session_state["ft_size"] = DEFAULTS["ft_size"]


def per_class_value(size: str) -> int | str:
    return size if size == "all" else int(size)


# --------------------------------------------------------------------------------------------------
# shared computations (``ui.compute.shared``: once for all visitors, results read-only)
# --------------------------------------------------------------------------------------------------


def pretrained(exp: str = "digits") -> ft.DigitNet | Seq2Seq:
    """The shipped source model (read-only: every computation copies it before training): the digits
    CNN, or the attention page's date model whose encoder the dates experiment copies."""
    return shared(ft.load_date_source) if exp == "dates" else shared(ft.load_pretrained)


def results(exp: str = "digits") -> dict:
    """The shipped sweep of ``exp`` (read-only)."""
    return shared(ft.load_date_results) if exp == "dates" else shared(ft.load_results)


def _target(exp: str) -> ft.Task | ft.DatesTask:
    return ft.dates_target_task() if exp == "dates" else ft.target_task()


def _sweep_summary(exp: str) -> pd.DataFrame:
    runs = pd.DataFrame(results(exp)["runs"])
    runs["size"] = runs["per_class"].astype(str)
    summary = (
        runs.groupby(["strategy", "size"], sort=False)["accuracy"]
        .agg(mean="mean", std="std", low="min", high="max", seeds="count")
        .reset_index()
    )
    return summary


def sweep_summary(exp: str = "digits") -> pd.DataFrame:
    """Mean, standard deviation, min and max test accuracy over the seeds, per strategy and size
    (shared: read-only)."""
    return shared(_sweep_summary, exp)


def _layer_rows(strategy: str, lr: float, mult: float, exp: str) -> list[ft.LayerRow]:
    if exp == "dates":
        model, groups = ft.date_finetune_model(
            pretrained(exp), strategy, ft.NUM_MONTHS, lr=lr, head_lr_mult=mult
        )
        return ft.date_layer_table(model, groups)
    model, groups = ft.finetune_model(pretrained(), strategy, 5, lr=lr, head_lr_mult=mult)
    return ft.layer_table(model, groups)


def layer_rows(strategy: str, lr: float, mult: float, exp: str = "digits") -> list[ft.LayerRow]:
    """The target model's layers for ``strategy``: shape, counts, trainable, learning rate."""
    return shared(_layer_rows, strategy, float(lr), float(mult), exp)


def _backbones(exp: str, seed: int) -> tuple[dict[str, object], Callable[..., np.ndarray], list[str]]:
    """The two backbones whose features the page compares (pretrained, random from ``seed``), the
    function that reads their features, and each test example's class as the legend writes it."""
    task = _target(exp)
    if exp == "dates":
        source = pretrained(exp)
        random, _ = ft.date_finetune_model(source, "scratch", ft.NUM_MONTHS, lr=ft.DATES_LR, seed=seed)
        labels = [str(k + 1) for k in task.y_test.tolist()]  # the month's number, January = 1
        return {"pretrained": source, "random": random.eval()}, ft.date_features, labels
    labels = [str(task.digits[k]) for k in task.y_test.tolist()]
    return {"pretrained": pretrained(), "random": ft.new_model(task.num_classes, seed)}, ft.features, labels


def _feature_projection(
    seed: int, exp: str
) -> tuple[pd.DataFrame, float, dict[str, list[float]], dict[str, float], float]:
    task = _target(exp)
    backbones, read, labels = _backbones(exp, seed)
    frames, worst, explained, centroid, centroid_diff = [], 0.0, {}, {}, 0.0
    for name, model in backbones.items():
        data = read(model.eval() if exp == "digits" else model, task.x_test)
        scores, ratio = ft.pca_2d(data)
        reference = _decomposition.PCA(n_components=2, svd_solver="full").fit_transform(data)
        signs = np.sign((scores * reference).sum(axis=0))  # a component is defined up to its sign
        worst = max(worst, float(np.abs(scores * signs - reference).max()))
        explained[name] = ratio.tolist()
        pool = read(model, task.x_train)
        centroid[name] = ft.nearest_centroid_accuracy(pool, task.y_train.numpy(), data, task.y_test.numpy())
        with warnings.catch_warnings():  # dead ReLU units have zero spread: sklearn warns, harmlessly
            warnings.simplefilter("ignore", UserWarning)
            sk = _neighbors.NearestCentroid().fit(pool, task.y_train.numpy()).score(data, task.y_test.numpy())
        centroid_diff = max(centroid_diff, abs(centroid[name] - sk))
        frames.append(
            pd.DataFrame({"backbone": name, "pc1": scores[:, 0], "pc2": scores[:, 1], "digit": labels})
        )
    return pd.concat(frames, ignore_index=True), worst, explained, centroid, centroid_diff


def feature_projection(
    seed: int, exp: str = "digits"
) -> tuple[pd.DataFrame, float, dict[str, list[float]], dict[str, float], float]:
    """The target's backbone features, pretrained vs random backbone (``seed``): the PCA points of the
    test set, max |diff| against scikit-learn's PCA (after matching each component's sign), the
    explained variance ratios, the nearest-centroid test accuracy (class means from the whole pool),
    and its max |diff| against scikit-learn's NearestCentroid."""
    return shared(_feature_projection, int(seed), exp)


def _source_layer(exp: str, layer: str) -> torch.nn.Module:
    """A copied layer as the source model holds it."""
    return getattr(pretrained(exp).encoder, layer) if exp == "dates" else pretrained().layer(layer)


def _train(
    strategy: str, size: str, seed: int, lr: float, mult: float, exp: str, progress: Callable[..., None]
):
    run = ft.run_date_strategy if exp == "dates" else ft.run_strategy
    return run(
        pretrained(exp),
        strategy,
        per_class_value(size),
        seed,
        lr=lr,
        head_lr_mult=mult,
        progress=lambda step, steps, loss: progress(step, steps, loss=loss),
    )


def _live_run(
    strategy: str, size: str, seed: int, lr: float, mult: float, exp: str, progress: Callable[..., None]
) -> dict:
    """One live fine-tuning run and the page's two figures recomputed by the reference libraries."""
    result = _train(strategy, size, seed, lr, mult, exp, progress)
    # accuracy against scikit-learn, the drift formula against numpy.linalg.norm
    task = _target(exp)
    y_hat = ft.predict(result.model, task.x_test).numpy()
    accuracy_diff = abs(result.accuracy - _sk_metrics.accuracy_score(task.y_test.numpy(), y_hat))
    drift_diff = 0.0
    for layer, value in result.drift.items():
        now = np.concatenate([p.detach().numpy().ravel() for p in result.model.layer(layer).parameters()])
        then = np.concatenate([p.detach().numpy().ravel() for p in _source_layer(exp, layer).parameters()])
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
        "per_format": getattr(result, "per_format", None),
    }


def live_run(strategy: str, size: str, seed: int, lr: float, mult: float, exp: str = "digits") -> dict:
    """One live fine-tuning run, trained once for all visitors; a progress bar (step, loss) shows to
    every visitor waiting for it."""

    def describe(step: int, steps: int, info: dict) -> str:
        if steps == 0:
            return t(f"{NS}.training", strategy=strategy_name(strategy))
        loss = fmt_fixed(info.get("loss", float("nan")))
        return t(f"{NS}.training_step", strategy=strategy_name(strategy), step=step, steps=steps, loss=loss)

    return shared(_live_run, strategy, size, int(seed), float(lr), float(mult), exp, describe=describe)


def _whole_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def live_runs(
    names: list[str], size: str, seed: int, lr: float, mult: float, exp: str = "digits"
) -> dict[str, dict]:
    """The live runs of the strategies ``names`` (each trained once for all visitors). Values no
    widget offers are a ValueError, and the runs' training steps x parameters in all are checked
    against the server's budget (input ``ft_live``) before any of them starts."""
    offered = (
        exp in EXPERIMENTS
        and len(set(names)) == len(names)
        and all(name in STRATEGIES for name in names)
        and size in experiment(exp).sizes
        and _whole_in(seed, 0, MAX_SEED)
        and lr in LR_OPTIONS
        and mult in MULT_OPTIONS
    )
    if not offered:
        given = f"`{names}`, `{size!r}`, `{seed!r}`, `{lr!r}`, `{mult!r}`"
        raise ValueError(t(f"{NS}.live_not_offered", given=given))
    if exp == "dates":  # at most the encoder and the new head train
        parameters, steps = sum(r.torch_count for r in layer_rows("full", lr, mult, exp)), ft.DATES_PLAN.steps
    else:
        parameters, steps = shared(_source_parameters), ft.FINETUNE_PLAN.steps
    check_budget("ft_live", "step_parameters", len(names) * steps * parameters)
    return {name: live_run(name, size, seed, lr, mult, exp) for name in names}


def _source_parameters() -> int:
    """The parameters of the shipped source model (the budget of a live run)."""
    return sum(p.numel() for p in pretrained().parameters())


def shipped_accuracy(strategy: str, size: str, seed: int, exp: str = "digits") -> float | None:
    for run in results(exp)["runs"]:
        if run["strategy"] == strategy and str(run["per_class"]) == size and run["seed"] == seed:
            return run["accuracy"]
    return None


# --------------------------------------------------------------------------------------------------
# views: what each section of the page draws, display-ready
# --------------------------------------------------------------------------------------------------


def size_label(size: str, exp: str = "digits") -> str:
    """A size option as the page writes it ("all" -> "all (N)", N the pool's size)."""
    return t(f"{NS}.size_all", n=shared(_pool_size, exp)) if size == "all" else size


def _pool_size(exp: str) -> int:
    return len(_target(exp).x_train)


@dataclass(frozen=True)
class RecipeView:
    """The recipe of one strategy: its diagram, parameter counts, layer table and the count check."""

    dot: str
    trainable: str
    frozen: str
    groups: int
    table: pd.DataFrame
    count_diff: float


def recipe_view(strategy: str, lr: float, mult: float, exp: str = "digits") -> RecipeView:
    rows = layer_rows(strategy, lr, mult, exp)
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
    dot_labels = {k: text(exp, f"dot_{k}") for k in (*names, "lr")}
    if exp == "dates":  # the source's top is its decoder, not a head like the target's
        dot_labels["source_head"] = t(f"{NS}.dates_dot_source_head")
    return RecipeView(
        dot=recipe_dot(rows, dot_labels, strategy),
        trainable=f"{sum(r.torch_count for r in rows if r.trainable):,}",
        frozen=f"{sum(r.torch_count for r in rows if not r.trainable):,}",
        groups=sum(r.trainable for r in rows),
        table=table,
        # the formula c_out (c_in k^2 + 1) / n_out (n_in + 1) against torch's numel()
        count_diff=float(max(abs(r.formula_count - r.torch_count) for r in rows)),
    )


def sweep_intro_values(exp: str = "digits") -> dict[str, object]:
    """The figures the comparison's introduction quotes."""
    shipped = results(exp)
    plan = shipped["plan"]
    return {
        "seeds": len(plan["seeds"]),
        "steps": plan["steps"],
        "lr": f"{plan['lr']:g}",
        "mult": f"{plan['head_lr_mult']:g}",
        "test": experiment(exp).num_classes * shipped["target"]["test_per_class"],
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


def gains(exp: str = "digits") -> pd.DataFrame:
    """Per size of the sweep: scratch's mean accuracy, the best fine-tuning strategy (highest mean over
    the seeds) and its mean, and the gain in points (100 x the difference of the means)."""
    summary = sweep_summary(exp)
    mean = summary.set_index(["strategy", "size"])["mean"]
    tuned = [s for s in ft.STRATEGIES if s != "scratch"]
    rows = []
    for size in experiment(exp).sizes:
        best = max(tuned, key=lambda s: mean[(s, size)])
        scratch = mean[("scratch", size)]
        rows.append({"size": size, "scratch": scratch, "best": best, "best_mean": mean[(best, size)]})
    frame = pd.DataFrame(rows)
    return frame.assign(gain=100 * (frame["best_mean"] - frame["scratch"]))


def _bar_sizes(exp: str) -> tuple[list[str], list[str]]:
    """The sizes of 20 or fewer labelled examples per class where the best fine-tuning beats scratch by
    at least :data:`BAR_POINTS` points (mean over the seeds), and those where it does not."""
    few = gains(exp)[[s != "all" and int(s) <= 20 for s in experiment(exp).sizes]]
    met = few["gain"] >= BAR_POINTS
    return list(few.loc[met, "size"]), list(few.loc[~met, "size"])


def _dates_reading(exp: str) -> dict[str, str]:
    gain = gains(exp).set_index("size")
    met, missed = _bar_sizes(exp)
    return {
        "scratch_1": fmt_pct(gain.loc["1", "scratch"]),
        "best_1_name": strategy_name(gain.loc["1", "best"]),
        "best_1": fmt_pct(gain.loc["1", "best_mean"]),
        "gains": " · ".join(f"{size}: {g:+.1f}" for size, g in gain["gain"].items() if size != "all"),
        "bar": f"{BAR_POINTS:g}",
        "met": ", ".join(met) or "—",
        "missed": ", ".join(missed) or "—",
        "scratch_all": fmt_pct(gain.loc["all", "scratch"]),
        "best_all": fmt_pct(gain.loc["all", "best_mean"]),
    }


def sweep_view(exp: str = "digits") -> SweepView:
    summary = sweep_summary(exp)
    sizes = list(experiment(exp).sizes)
    shown = summary.assign(strategy=summary["strategy"].map(strategy_name))
    titles = {"x": text(exp, "axis_per_class"), "y": t(f"{NS}.axis_accuracy")}
    chart = sweep_chart(shown, titles, sizes)
    cells = [f"{100 * m:.1f} ± {100 * s:.1f}" for m, s in zip(summary["mean"], summary["std"], strict=True)]
    table = summary.assign(cell=cells).pivot(index="strategy", columns="size", values="cell")
    table = table.reindex(index=list(ft.STRATEGIES))[sizes].rename(columns={"all": size_label("all", exp)})
    table = table.rename(index=strategy_name).rename_axis(index=t(f"{NS}.col_strategy"), columns=None)
    if exp == "dates":
        reading = _dates_reading(exp)
    else:
        mean = summary.set_index(["strategy", "size"])["mean"]
        best_1 = gains(exp).set_index("size").loc["1", "best"]
        reading = {
            "scratch_1": fmt_pct(mean[("scratch", "1")]),
            "best_1_name": strategy_name(best_1),
            "best_1": fmt_pct(mean[(best_1, "1")]),
            "probe_1": fmt_pct(mean[("linear_probe", "1")]),
            "scratch_all": fmt_pct(mean[("scratch", "all")]),
            "full_all": fmt_pct(mean[("full", "all")]),
            "probe_all": fmt_pct(mean[("linear_probe", "all")]),
        }
    caption = {"cpu": results(exp)["sweep_cpu_seconds"], "runs": len(results(exp)["runs"])}
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
    per_format: pd.DataFrame | None = None


def live_view(
    runs: dict[str, dict], size: str, seed: int, lr: float, mult: float, exp: str = "digits"
) -> LiveView:
    """``runs`` (strategy -> :func:`live_run`) as the page shows them beside the shipped sweep."""
    plan = results(exp)["plan"]
    defaults = float(lr) == plan["lr"] and float(mult) == plan["head_lr_mult"]
    summary = sweep_summary(exp)
    rows = []
    for name, run in runs.items():
        ship = shipped_accuracy(name, size, seed, exp) if defaults else None
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
        drift_chart=drift_chart(
            drift, {"x": t(f"{NS}.col_layer"), "y": t(f"{NS}.axis_drift")}, experiment(exp).layers
        ),
        drift_diff=max(run["drift_diff"] for run in runs.values()),
        probe_moved=max(runs["linear_probe"]["drift"].values()) if "linear_probe" in runs else None,
        has_scratch="scratch" in runs,
        per_format=per_format_table(runs) if exp == "dates" else None,
    )


def formats_list() -> str:
    """The dates experiment's target formats as a Markdown list, each with its example (in code: the
    example is data, written as the format writes it)."""
    return "\n".join(f"- {format_name(f.name)}: `{f.example()}`" for f in ft.TARGET_FORMATS)


def format_name(name: str) -> str:
    """A target format of the dates experiment as the page names it."""
    return t(f"{NS}.format_{name.replace(' ', '_').replace('-', '_')}")


def _sweep_per_format(size: str) -> pd.DataFrame:
    runs = [r for r in results("dates")["runs"] if str(r["per_class"]) == size]
    frame = pd.DataFrame([{"strategy": r["strategy"], **r["per_format"]} for r in runs])
    return frame.groupby("strategy", sort=False).mean()


def sweep_per_format(size: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The shipped dates sweep's test accuracy per target format at ``size`` labelled examples per month
    (mean over the seeds; one row per format, one column per strategy), and the figures its caption
    quotes (shared: read-only)."""
    if size not in experiment("dates").sizes:
        raise ValueError(t(f"{NS}.live_not_offered", given=f"`{size!r}`"))
    means = shared(_sweep_per_format, size)
    table = pd.DataFrame({t(f"{NS}.col_format"): [format_name(f.name) for f in ft.TARGET_FORMATS]})
    for strategy in ft.STRATEGIES:
        table[strategy_name(strategy)] = [fmt_pct(means.loc[strategy, f.name]) for f in ft.TARGET_FORMATS]
    return table, {"size": size, "seeds": str(len(results("dates")["plan"]["seeds"]))}


def peak_size(exp: str = "dates") -> str:
    """The size at which the best fine-tuning strategy's gain over scratch is largest."""
    gain = gains(exp)
    return str(gain.loc[gain["gain"].idxmax(), "size"])


def per_format_table(runs: dict[str, dict]) -> pd.DataFrame:
    """The dates runs' test accuracy per target format (one row per format, one column per strategy)."""
    table = pd.DataFrame({t(f"{NS}.col_format"): [format_name(f.name) for f in ft.TARGET_FORMATS]})
    for name, run in runs.items():
        table[strategy_name(name)] = [fmt_pct(run["per_format"][f.name]) for f in ft.TARGET_FORMATS]
    return table


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


def features_view(seed: int, exp: str = "digits") -> FeaturesView:
    points, pca_diff, explained, centroid, centroid_diff = feature_projection(seed, exp)
    names = {"pretrained": t(f"{NS}.backbone_pretrained"), "random": t(f"{NS}.backbone_random", seed=seed)}
    points = points.assign(backbone=points["backbone"].map(names))
    return FeaturesView(
        points=points,
        chart=pca_chart(points, {"digit": text(exp, "digit")}, list(names.values())),
        explained={name: " + ".join(fmt_pct(v) for v in ratios) for name, ratios in explained.items()},
        pca_diff=pca_diff,
        centroid={name: fmt_pct(value) for name, value in centroid.items()},
        centroid_diff=centroid_diff,
    )


@dataclass(frozen=True)
class CompareView:
    """The two experiments side by side: a table (one row per aspect, one column per experiment) and
    the figures the reading quotes."""

    table: pd.DataFrame
    reading: dict[str, str]


def _points(gain: float) -> str:
    return t(f"{NS}.cmp_points", gain=f"{gain:+.1f}")


def _compare_column(exp: str) -> dict[str, str]:
    """One experiment's cells of the side-by-side table, from its shipped files and shared computations
    (the nearest class mean with the random backbone of seed 0)."""
    source = results(exp)["source"]
    size = source["train_examples"] if exp == "dates" else source["train_size"]
    rows = layer_rows("head_lr", experiment(exp).lr, experiment(exp).mult, exp)
    centroid = feature_projection(0, exp)[3]
    gain = gains(exp).set_index("size")
    few = gain[[s != "all" and int(s) <= 20 for s in gain.index]]
    top = few["gain"].idxmax()
    cells = {name: t(f"{NS}.cmp_{name}_{exp}", n=f"{size:,}") for name in ("source", "target", "related")}
    return {
        **cells,
        "copied": f"{sum(r.torch_count for r in rows if r.name != 'head'):,}",
        "centroid": t(
            f"{NS}.cmp_centroid_cell", pre=fmt_pct(centroid["pretrained"]), rand=fmt_pct(centroid["random"])
        ),
        "gain_1": _points(gain.loc["1", "gain"]),
        "gain_top": t(f"{NS}.cmp_gain_top_cell", gain=_points(few.loc[top, "gain"]), size=top),
        "gain_all": _points(gain.loc["all", "gain"]),
        "verdict": t(f"{NS}.cmp_verdict_{exp}"),
    }


def compare_view() -> CompareView:
    columns = {exp: _compare_column(exp) for exp in EXPERIMENTS}
    aspects = list(columns["digits"])
    table = pd.DataFrame(
        {t(f"{NS}.experiment_{exp}"): [column[a] for a in aspects] for exp, column in columns.items()},
        index=[t(f"{NS}.cmp_row_{a}") for a in aspects],
    ).rename_axis(index=t(f"{NS}.cmp_aspect"))
    sources = {exp: results(exp)["source"] for exp in EXPERIMENTS}
    digits_n, dates_n = sources["digits"]["train_size"], sources["dates"]["train_examples"]
    centroid = {exp: feature_projection(0, exp)[3] for exp in EXPERIMENTS}
    reading = {
        "dates_n": f"{dates_n:,}",
        "digits_n": f"{digits_n:,}",
        "ratio": f"{dates_n / digits_n:.0f}",
        "dates_pre": fmt_pct(centroid["dates"]["pretrained"]),
        "dates_rand": fmt_pct(centroid["dates"]["random"]),
        "digits_pre": fmt_pct(centroid["digits"]["pretrained"]),
        "digits_rand": fmt_pct(centroid["digits"]["random"]),
        "digits_lr": f"{results('digits')['plan']['lr']:g}",
        "dates_lr": f"{results('dates')['plan']['lr']:g}",
    }
    return CompareView(table, reading)


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

    def source_label(row: ft.LayerRow) -> str:
        if row.name == "head" and "source_head" in labels:
            return labels["source_head"]
        return f"{layer_name(row.name)}\\n{row.shape}"

    top = rows[-2].name  # the top copied layer carries the edge's label
    lines = [
        "digraph recipe {",
        'rankdir=LR; node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=10];',
        'edge [fontname="sans-serif", fontsize=9];',
        f'subgraph cluster_s {{ label="{labels["source"]}"; style=rounded; color="#999999";',
        *(
            f'"s_{r.name}" [label="{source_label(r)}", fillcolor="{_SOURCE_FILL[r.name == "head"]}"];'
            for r in rows
        ),
        f"{source}; }}",
        f'subgraph cluster_t {{ label="{labels["target"]}"; style=rounded; color="#999999";',
        *(node(r) for r in rows),
        f"{target}; }}",
        *(
            f'"s_{r.name}" -> "t_{r.name}" [style={copied}, color="#555555", label="{copy_label}"];'
            for r in rows
            if r.name == top
        ),
        *(
            f'"s_{r.name}" -> "t_{r.name}" [style={copied}, color="#555555"];'
            for r in rows
            if r.name not in (top, "head")
        ),
        f'"new" [label="{labels["new_head"]}", shape=note, fillcolor="#fff2cc"];',
        '"new" -> "t_head" [color="#b8860b"];',
        f'"s_head" -> "drop" [style=dotted, color="#999999"]; "drop" [label="{labels["dropped"]}", '
        'shape=plaintext, style="", fontcolor="#999999"];',
        "}",
    ]
    return "\n".join(lines)


def sweep_chart(
    summary: pd.DataFrame, titles: dict[str, str], sizes: list[str] = SIZE_OPTIONS
) -> alt.LayerChart:
    """Mean test accuracy against labelled examples per class (ordinal axis), one line per strategy,
    with the seeds' min-max band."""
    base = alt.Chart(summary).encode(
        x=alt.X("size:O", sort=sizes, title=titles["x"], axis=alt.Axis(labelAngle=0)),
        color=_strategy_color(summary),
    )
    band = base.mark_area(opacity=0.12).encode(
        y=alt.Y("low:Q", title=titles["y"], scale=alt.Scale(zero=False), axis=alt.Axis(format="%")),
        y2=alt.Y2("high:Q"),
    )
    line = base.mark_line(point=True).encode(
        y=alt.Y("mean:Q", axis=alt.Axis(format="%")),
        tooltip=[
            alt.Tooltip("strategy"),
            alt.Tooltip("size"),
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
            tooltip=[alt.Tooltip("strategy"), alt.Tooltip("step"), alt.Tooltip(f"{y}:Q", format=".4f")],
        )
        .properties(height=260)
    )


def drift_chart(
    df: pd.DataFrame, titles: dict[str, str], layers: tuple[str, ...] = ft.BACKBONE_LAYERS
) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "layer:N",
                sort=[layer_name(n) for n in layers],
                title=titles["x"],
                axis=alt.Axis(labelAngle=0),
            ),
            xOffset=alt.XOffset("strategy:N"),
            y=alt.Y("drift:Q", title=titles["y"]),
            color=_strategy_color(df),
            tooltip=[alt.Tooltip("strategy"), alt.Tooltip("layer"), alt.Tooltip("drift:Q", format=".3g")],
        )
        .properties(height=260)
    )


def _class_color(df: pd.DataFrame, title: str) -> alt.Color:
    """The class colour of the PCA points (the ``digit`` column: a digit or a month's number); twelve
    months need a scheme of more than ten colours, in the classes' numeric order."""
    legend = alt.Legend(title=title, orient="right")
    classes = sorted(set(df["digit"]), key=int)
    if len(classes) <= 10:  # the digits: the default scheme, as before
        return alt.Color("digit:N", legend=legend)
    return alt.Color("digit:N", legend=legend, sort=classes, scale=alt.Scale(scheme="tableau20"))


def pca_chart(df: pd.DataFrame, titles: dict[str, str], order: list[str]) -> alt.FacetChart:
    return (
        alt.Chart(df)
        .mark_circle(size=28, opacity=0.8)
        .encode(
            x=alt.X("pc1:Q", title="PC 1"),
            y=alt.Y("pc2:Q", title="PC 2"),
            color=_class_color(df, titles["digit"]),
            tooltip=[
                alt.Tooltip("backbone"),
                alt.Tooltip("digit"),
                alt.Tooltip("pc1:Q", format=".3f"),
                alt.Tooltip("pc2:Q", format=".3f"),
            ],
        )
        .properties(width=300, height=280)
        .facet(column=alt.Column("backbone:N", title=None, sort=order))
        .resolve_scale(x="independent", y="independent")
    )
