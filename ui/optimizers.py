"""Widgets, URL state, cached core calls and Altair charts for the optimizers page.

The page reads widgets through :func:`hyperparameter_widgets` and friends, calls core through the
cached wrappers below, and draws with the chart builders. No arithmetic on the optimizers lives here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core.optimizers import (
    OPTIMIZERS,
    SURFACES,
    EffectiveRates,
    RunSpec,
    Tuning,
    adam_bias_correction,
    adam_counterexample,
    decimate_indices,
    effective_learning_rates,
    full_hyperparameters,
    grid_values,
    logistic_regression,
    momentum_forms,
    nesterov_forms,
    replay_check,
    run_trajectories,
    tune_learning_rates,
    weight_decay_forms,
)
from ui.charts import MAX_BROWSER_POINTS
from ui.i18n import t

NAMES = list(OPTIMIZERS)
DEFAULT_SELECTION = ["SGD", "Adagrad", "RMSprop", "Adam", "NAdam"]
DEFAULT_SURFACE = "rosenbrock"
DEFAULT_STEPS = 500
#: the notes-vs-torch comparisons, in the order the page offers them
FORMS = ("momentum", "nesterov", "bias", "adagrad", "amsgrad", "adamw")
MAX_STEPS = 5000
#: learning rates of the model section (logistic regression), per optimizer
MODEL_LEARNING_RATES = {
    "SGD": 0.1,
    "Adagrad": 0.1,
    "Adadelta": 1.0,
    "RMSprop": 0.01,
    "Adam": 0.01,
    "NAdam": 0.01,
    "AdamW": 0.01,
}
#: batch sizes offered in the model section
MODEL_BATCH_SIZES = [8, 16, 32, 64, 128, 398]
# a fixed colour per optimizer, so a colour means the same optimizer in every chart
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]
GAP_FLOOR = 1e-16  # f - f* below this is drawn at this value on log scales
_BOTTOM = alt.Legend(title=None, orient="bottom", columns=4, labelLimit=260)
_BOTTOM_NARROW = alt.Legend(title=None, orient="bottom", columns=3, labelLimit=260)


@dataclass(frozen=True)
class Param:
    """One hyperparameter widget: torch's name, its kind, and the widget's range and step."""

    name: str
    kind: str  # "float" or "bool"
    low: float | None = 0.0
    high: float | None = None
    step: float = 0.01


_LR = Param("lr", "float", 0.0, None, 1e-4)
_EPS = Param("eps", "float", 0.0, None, 1e-8)
_WD = Param("weight_decay", "float", 0.0, None, 1e-3)
_MAX = Param("maximize", "bool")
_BETA1 = Param("beta1", "float", 0.0, 0.9999, 0.01)
_BETA2 = Param("beta2", "float", 0.0, 0.99999, 0.001)

WIDGETS: dict[str, list[Param]] = {
    "SGD": [
        _LR,
        Param("momentum", "float", 0.0, None, 0.05),
        Param("dampening", "float", None, None, 0.05),
        _WD,
        Param("nesterov", "bool"),
        _MAX,
    ],
    "Adagrad": [
        _LR,
        Param("lr_decay", "float", 0.0, None, 1e-3),
        _WD,
        Param("initial_accumulator_value", "float"),
        _EPS,
        _MAX,
    ],
    "Adadelta": [_LR, Param("rho", "float", 0.0, 1.0, 0.01), _EPS, _WD, _MAX],
    "RMSprop": [
        _LR,
        Param("alpha", "float", 0.0, 1.0, 0.01),
        _EPS,
        _WD,
        Param("momentum", "float", 0.0, None, 0.05),
        Param("centered", "bool"),
        _MAX,
    ],
    "Adam": [
        _LR,
        _BETA1,
        _BETA2,
        _EPS,
        _WD,
        Param("amsgrad", "bool"),
        Param("decoupled_weight_decay", "bool"),
        _MAX,
    ],
    "NAdam": [
        _LR,
        _BETA1,
        _BETA2,
        _EPS,
        _WD,
        Param("momentum_decay", "float", 0.0, None, 1e-3),
        Param("decoupled_weight_decay", "bool"),
        _MAX,
    ],
    "AdamW": [_LR, _BETA1, _BETA2, _EPS, _WD, Param("amsgrad", "bool"), _MAX],
}


#: the comparisons' and the model section's own inputs (widget key -> kind and range), mirrored into the
#: URL parameter ``xp`` when they differ from their defaults
EXPERIMENT_INPUTS: dict[str, Param] = {
    "mom_alpha": Param("mom_alpha", "float", 1e-6, None, 1e-3),
    "mom_beta": Param("mom_beta", "float", 0.0, 0.999, 0.05),
    "ams_c": Param("ams_c", "float", 2.1, 50.0, 0.5),
    "ams_lr": Param("ams_lr", "float", 1e-4, 1.0, 0.005),
    "ams_steps": Param("ams_steps", "int", 10, 5000, 100),
    "wd_lr": Param("wd_lr", "float", 1e-5, None, 0.005),
    "wd_lambda": Param("wd_lambda", "float", 1e-4, None, 0.05),
    "wd_steps": Param("wd_steps", "int", 10, 10000, 500),
    "model_epochs": Param("model_epochs", "int", 1, 100, 1),
    "model_batch": Param("model_batch", "choice"),
    **{f"model_lr_{n}": Param(f"model_lr_{n}", "float", 0.0, None, 1e-3) for n in MODEL_LEARNING_RATES},
}


def input_range(key: str) -> dict[str, Any]:
    """``min_value``, ``max_value`` and ``step`` of a comparison's or the model's number input."""
    spec = EXPERIMENT_INPUTS[key]
    if spec.kind == "int":
        return {"min_value": int(spec.low), "max_value": int(spec.high), "step": int(spec.step)}
    return {"min_value": spec.low, "max_value": spec.high, "step": spec.step}


def experiment_defaults(surface: str) -> dict[str, Any]:
    """The comparisons' and the model's inputs at their defaults (α of the momentum tabs: the SGD preset)."""
    return {
        "mom_alpha": SURFACES[surface].learning_rates["SGD"],
        "mom_beta": 0.9,
        "ams_c": 3.0,
        "ams_lr": 0.02,
        "ams_steps": 1500,
        "wd_lr": 0.01,
        "wd_lambda": 0.1,
        "wd_steps": 3000,
        "model_epochs": 30,
        "model_batch": 64,
        **{f"model_lr_{name}": lr for name, lr in MODEL_LEARNING_RATES.items()},
    }


def _parse_input(spec: Param, raw: str) -> float | int | bool:
    """A URL value for a widget of kind ``spec``; ValueError if it is not one the widget accepts."""
    if spec.kind == "bool":
        if raw not in ("0", "1"):
            raise ValueError
        return raw == "1"
    if spec.kind == "choice":
        value = int(raw)
        if value not in MODEL_BATCH_SIZES:
            raise ValueError
        return value
    value = int(raw) if spec.kind == "int" else float(raw)
    if (
        not math.isfinite(value)
        or (spec.low is not None and value < spec.low)
        or (spec.high is not None and value > spec.high)
    ):
        raise ValueError
    return value


def widget_key(name: str, param: str) -> str:
    return f"opt_{name}_{param}"


def default_value(name: str, param: str, surface: str) -> float | bool:
    """torch's default, except the learning rate: the surface's preset."""
    if param == "lr":
        return SURFACES[surface].learning_rates[name]
    defaults = full_hyperparameters(name)
    if param in ("beta1", "beta2"):
        return float(defaults["betas"][param == "beta2"])
    value = defaults[param]
    return value if isinstance(value, bool) else float(value)


def hyperparameters_of(name: str) -> dict[str, Any]:
    """The widget values of ``name`` as torch keyword arguments (betas put back into a pair)."""
    values = {p.name: st.session_state[widget_key(name, p.name)] for p in WIDGETS[name]}
    if "beta1" in values:
        values["betas"] = (values.pop("beta1"), values.pop("beta2"))
    return values


def check_name(name: str) -> str:
    """An optimizer's name in a torch check's label; NAdam's says its mu_product is float64 there."""
    return f"{name} ({t('optimizers.nadam_label')})" if name == "NAdam" else name


def reset_learning_rates() -> None:
    """on_change of the surface: its preset learning rates and start point."""
    surface = SURFACES[st.session_state["opt_surface"]]
    for name in NAMES:
        st.session_state[widget_key(name, "lr")] = surface.learning_rates[name]
    st.session_state["opt_x0"], st.session_state["opt_y0"] = surface.start
    st.session_state["mom_alpha"] = surface.learning_rates["SGD"]


# --- URL state -------------------------------------------------------------------------------------------


#: a start point's coordinates stay within +-START_LIMIT (the surfaces are plotted within about +-5; much
#: farther out, the first gradients overflow float64 and every figure turns into NaN)
START_LIMIT = 1_000.0


def _format_number(value: float) -> str:
    return f"{value:.6g}"


def state_from_url() -> tuple[dict[str, Any], list[str]]:
    """Every widget's starting value: from the URL where given and valid, else its default.

    Returns ``(values by widget key, the URL items that were ignored)``.
    """
    params = st.query_params
    ignored: list[str] = []
    state: dict[str, Any] = {}
    surface = params.get("surface", DEFAULT_SURFACE)
    if surface not in SURFACES:
        ignored.append(f"surface={surface}")
        surface = DEFAULT_SURFACE
    state["opt_surface"] = surface
    selection = DEFAULT_SELECTION
    if "opt" in params:
        asked = list(dict.fromkeys(n for n in params["opt"].split(",") if n))  # each name once
        selection = [n for n in asked if n in OPTIMIZERS]
        ignored += [f"opt={n}" for n in asked if n not in OPTIMIZERS]
    state["opt_names"] = selection
    numbers = {
        "opt_steps": ("steps", DEFAULT_STEPS, int),
        "opt_x0": ("x0", SURFACES[surface].start[0], float),
        "opt_y0": ("y0", SURFACES[surface].start[1], float),
    }
    for key, (name, default, kind) in numbers.items():
        value = default
        if name in params:
            try:
                value = kind(params[name])
                if not math.isfinite(value) or (name in ("x0", "y0") and abs(value) > START_LIMIT):
                    raise ValueError
            except ValueError:
                ignored.append(f"{name}={params[name]}")
                value = default
        state[key] = value
    state["opt_steps"] = int(min(max(state["opt_steps"], 1), MAX_STEPS))
    state["opt_fair"] = params.get("fair") == "1"
    for name in NAMES:
        for p in WIDGETS[name]:
            state[widget_key(name, p.name)] = default_value(name, p.name, surface)
    for item in params.get("hp", "").split(";"):
        if not item:
            continue
        try:
            target, raw = item.split(":", 1)
            name, param = target.split(".", 1)
            spec = next(p for p in WIDGETS[name] if p.name == param)
            value = _parse_input(spec, raw)
        except (ValueError, KeyError, StopIteration):
            ignored.append(f"hp={item}")
            continue
        state[widget_key(name, param)] = value
    state["opt_form"] = FORMS[0]
    if "form" in params:
        if params["form"] in FORMS:
            state["opt_form"] = params["form"]
        else:
            ignored.append(f"form={params['form']}")
    state["opt_t"] = state["opt_steps"]
    if "t" in params:
        try:
            state["opt_t"] = int(min(max(int(params["t"]), 0), state["opt_steps"]))
        except ValueError:
            ignored.append(f"t={params['t']}")
    # the comparisons' and the model's own inputs
    state.update(experiment_defaults(surface))
    for item in params.get("xp", "").split(";"):
        if not item:
            continue
        try:
            key, raw = item.split(":", 1)
            value = _parse_input(EXPERIMENT_INPUTS[key], raw)
        except (ValueError, KeyError):
            ignored.append(f"xp={item}")
            continue
        state[key] = value
    return state, ignored


_SAVED = "opt_saved_view"


def restore_state() -> list[str]:
    """Give every widget of the page its value before it is drawn; returns the ignored URL items.

    First visit: from the URL (or defaults). Later visits: from the copy :func:`save_state` keeps,
    because Streamlit forgets a widget's value when its page is not shown.
    """
    ignored: list[str] = []
    saved = st.session_state.get(_SAVED)
    if saved is None:
        saved, ignored = state_from_url()
    for key, value in saved.items():
        if key not in st.session_state:
            st.session_state[key] = value
    return ignored


def save_state() -> None:
    """Keep a copy of every widget value of the page (see :func:`restore_state`)."""
    keys = state_from_url()[0].keys()
    st.session_state[_SAVED] = {key: st.session_state[key] for key in keys if key in st.session_state}


def write_url() -> None:
    """Mirror the view into the URL: surface, optimizers, steps, start, step shown, mode, changed settings
    (``hp``: the optimizers' hyperparameters; ``xp``: the comparisons' and the model's inputs)."""
    state = st.session_state
    surface = state["opt_surface"]
    changed = []
    for name in NAMES:
        for p in WIDGETS[name]:
            value = state[widget_key(name, p.name)]
            if value != default_value(name, p.name, surface):
                shown = ("1" if value else "0") if p.kind == "bool" else _format_number(value)
                changed.append(f"{name}.{p.name}:{shown}")
    view = {
        "surface": surface,
        "opt": ",".join(state["opt_names"]),
        "steps": str(state["opt_steps"]),
        "x0": _format_number(state["opt_x0"]),
        "y0": _format_number(state["opt_y0"]),
        "t": str(state["opt_t"]),
        "fair": "1" if state["opt_fair"] else "0",
        "form": state["opt_form"],
    }
    if changed:
        view["hp"] = ";".join(changed)
    defaults = experiment_defaults(surface)
    inputs = [
        f"{key}:{_format_number(state[key]) if spec.kind == 'float' else int(state[key])}"
        for key, spec in EXPERIMENT_INPUTS.items()
        if key in state and state[key] != defaults[key]
    ]
    if inputs:
        view["xp"] = ";".join(inputs)
    for key, value in view.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    for key in ("hp", "xp"):
        if key not in view and key in st.query_params:
            del st.query_params[key]


# --- widgets ---------------------------------------------------------------------------------------------


def hyperparameter_widgets() -> None:
    """One tab per optimizer with every hyperparameter (torch's names); values land in session_state."""
    tabs = st.tabs(NAMES)
    for name, tab in zip(NAMES, tabs, strict=True):
        with tab:
            floats = [p for p in WIDGETS[name] if p.kind == "float"]
            columns = st.columns(len(floats))
            for p, column in zip(floats, columns, strict=True):
                with column:
                    st.number_input(
                        p.name,
                        min_value=p.low,
                        max_value=p.high,
                        step=p.step,
                        format="%g",
                        key=widget_key(name, p.name),
                        help=t(f"optimizers.help_{p.name}"),
                    )
            for column, p in zip(st.columns(4), [p for p in WIDGETS[name] if p.kind == "bool"], strict=False):
                with column:
                    st.checkbox(p.name, key=widget_key(name, p.name), help=t(f"optimizers.help_{p.name}"))


# --- cached core calls -----------------------------------------------------------------------------------

SpecKey = tuple[tuple[str, tuple[tuple[str, Any], ...], str], ...]


def spec_key(specs: list[RunSpec]) -> SpecKey:
    """A hashable form of run specs, for st.cache_data."""
    return tuple((s.optimizer, tuple(sorted(s.hyperparameters.items())), s.label) for s in specs)


def specs_from_key(key: SpecKey) -> list[RunSpec]:
    return [RunSpec(name, dict(items), label) for name, items, label in key]


@st.cache_data(max_entries=32, show_spinner=False)
def cached_run(surface: str, key: SpecKey, steps: int, start: tuple[float, float]) -> dict[str, Any]:
    """Trajectories of every spec, plus the torch.optim replay check of every run."""
    surf = SURFACES[surface]
    result = run_trajectories(surf, specs_from_key(key), steps, start, record_states=True)
    worst, checked = replay_check(surf, result, max_checks=100)
    return {
        "positions": result.positions,
        "gap": result.gap,
        "names": result.names,
        "check": worst,
        "checked": checked,
    }


@st.cache_data(max_entries=16, show_spinner=False)
def cached_tuning(surface: str, key: SpecKey, steps: int, start: tuple[float, float]) -> Tuning:
    return tune_learning_rates(SURFACES[surface], specs_from_key(key), steps, start)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_grid(surface: str) -> pd.DataFrame:
    """The heat-map background: a grid (60 x 60, finer for Rastrigin) of log10(f - f* + 1e-3) cells."""
    xs, ys, gap = grid_values(SURFACES[surface], SURFACES[surface].grid_points)
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    xx, yy = np.meshgrid(xs, ys)
    return pd.DataFrame(
        {
            "x": (xx - dx / 2).ravel(),
            # cells overlap by 2% so no hairline gaps show between them
            "x2": (xx + 0.52 * dx).ravel(),
            "y": (yy - dy / 2).ravel(),
            "y2": (yy + 0.52 * dy).ravel(),
            "level": np.log10(np.maximum(gap, 0.0) + 1e-3).ravel(),
        }
    )


@st.cache_data(max_entries=16, show_spinner=False)
def cached_momentum(surface: str, alpha: float, beta: float, steps: int, start: tuple[float, float]):
    return momentum_forms(SURFACES[surface], alpha, beta, steps, start)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_nesterov(surface: str, alpha: float, beta: float, steps: int, start: tuple[float, float]):
    return nesterov_forms(SURFACES[surface], alpha, beta, steps, start)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_bias(surface: str, lr: float, betas: tuple[float, float], eps: float, steps: int, start):
    return adam_bias_correction(SURFACES[surface], lr, betas, eps, steps, start)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_effective_lr(surface: str, key: SpecKey, steps: int, start: tuple[float, float]) -> EffectiveRates:
    return effective_learning_rates(SURFACES[surface], specs_from_key(key), steps, start)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_counterexample(c: float, lr: float, steps: int):
    return adam_counterexample(c, lr, steps)


@st.cache_data(max_entries=16, show_spinner=False)
def cached_weight_decay(surface: str, lr: float, weight_decay: float, steps: int, start: tuple[float, float]):
    return weight_decay_forms(SURFACES[surface], lr, weight_decay, steps, start)


@st.cache_data(max_entries=8, show_spinner=False)
def cached_logistic(key: SpecKey, epochs: int, batch_size: int):
    return logistic_regression(specs_from_key(key), epochs=epochs, batch_size=batch_size)


# --- charts ----------------------------------------------------------------------------------------------


def colour_scale(names: list[str]) -> alt.Scale:
    """Colours for the labels present: an optimizer always gets its own colour, other labels strong ones."""
    others = iter(["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#17becf", "#000000"])
    colours = [PALETTE[NAMES.index(n)] if n in NAMES else next(others, "#7f7f7f") for n in names]
    return alt.Scale(domain=names, range=colours)


def paths_frame(paths: dict[str, np.ndarray], upto: int | None = None) -> pd.DataFrame:
    """Long table (label, step, x, y) of paths cut at ``upto`` steps, each at most ~2,000 points."""
    frames = []
    for label, path in paths.items():
        path = path[: (upto + 1) if upto is not None else None]
        idx = decimate_indices(len(path), MAX_BROWSER_POINTS)
        keep = np.isfinite(path[idx]).all(axis=1)
        frames.append(
            pd.DataFrame(
                {"label": label, "step": idx[keep], "x": path[idx][keep, 0], "y": path[idx][keep, 1]}
            )
        )
    return (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["label", "step", "x", "y"])
    )


def contour_chart(
    surface: str,
    paths: pd.DataFrame,
    *,
    current: pd.DataFrame | None = None,
    start: tuple[float, float] | None = None,
    extra_points: pd.DataFrame | None = None,
    height: int = 460,
    overlapping: bool = False,
) -> alt.LayerChart:
    """Heat map of log10(f - f* + 1e-3) with paths (label, step, x, y), start point and minima.

    ``overlapping``: paths expected to coincide get decreasing line widths, so each stays visible.
    """
    surf = SURFACES[surface]
    x_scale = alt.Scale(domain=list(surf.x_range), nice=False, zero=False)
    y_scale = alt.Scale(domain=list(surf.y_range), nice=False, zero=False)
    heat = (
        alt.Chart(cached_grid(surface))
        .mark_rect(strokeWidth=0)
        .encode(
            x=alt.X("x:Q", scale=x_scale, title="x"),
            x2="x2:Q",
            y=alt.Y("y:Q", scale=y_scale, title="y"),
            y2="y2:Q",
            color=alt.Color(
                "level:Q",
                scale=alt.Scale(range=["#fafafa", "#5f5f5f"]),
                legend=alt.Legend(title=t("optimizers.chart_level"), orient="right"),
            ),
        )
    )
    names = list(dict.fromkeys(paths["label"])) if len(paths) else []
    # the comparisons' long labels in two columns, so the legend of the marks still fits beside them
    legend = alt.Legend(title=None, orient="bottom", columns=2, labelLimit=300) if overlapping else _BOTTOM
    colour = alt.Color("label:N", scale=colour_scale(names), legend=legend)
    tooltip = ["label:N", "step:Q", alt.Tooltip("x:Q", format=".4g"), alt.Tooltip("y:Q", format=".4g")]

    def line_layer(data: pd.DataFrame, width: float, legend: bool = True) -> alt.Chart:
        return (
            alt.Chart(data)
            .mark_line(clip=True, strokeWidth=width)
            .encode(
                x=alt.X("x:Q", scale=x_scale),
                y=alt.Y("y:Q", scale=y_scale),
                color=colour if legend else alt.Color("label:N", scale=colour_scale(names), legend=None),
                order="step:Q",
                detail="label:N",
                tooltip=tooltip,
            )
        )

    if overlapping:
        # one layer per path, the first widest and at the bottom, so coinciding paths all show
        lines = [
            line_layer(paths[paths["label"] == n], max(1.5, 6.0 - 2.0 * i), legend=i == 0)
            for i, n in enumerate(names)
        ]
    else:
        lines = [line_layer(paths, 2.5)]
    layers: list[alt.Chart] = [heat, *lines]
    if current is not None and len(current):
        layers.append(
            alt.Chart(current)
            .mark_point(filled=True, size=90, stroke="white", strokeWidth=1, clip=True)
            .encode(
                x=alt.X("x:Q", scale=x_scale),
                y=alt.Y("y:Q", scale=y_scale),
                color=alt.Color("label:N", scale=colour_scale(names), legend=None),
                tooltip=["label:N", "step:Q"],
            )
        )
    minima = pd.DataFrame(surf.minima, columns=["x", "y"]).assign(what=t("optimizers.chart_minimum"))
    marks = [minima]
    if start is not None:
        marks.append(pd.DataFrame([start], columns=["x", "y"]).assign(what=t("optimizers.chart_start")))
    if extra_points is not None:
        marks.append(extra_points)
    layers.append(
        alt.Chart(pd.concat(marks, ignore_index=True))
        .mark_point(shape="diamond", size=140, filled=True, color="#111111", stroke="white", clip=True)
        .encode(
            x=alt.X("x:Q", scale=x_scale),
            y=alt.Y("y:Q", scale=y_scale),
            shape=alt.Shape("what:N", legend=_BOTTOM),
            tooltip=["what:N", "x:Q", "y:Q"],
        )
    )
    return (
        alt.layer(*layers).resolve_scale(color="independent", shape="independent").properties(height=height)
    )


def gap_frame(names: list[str], gap: np.ndarray) -> pd.DataFrame:
    """Long table (label, step, gap) with at most ~2,000 points per run; gaps floored for the log scale."""
    idx = decimate_indices(gap.shape[0], MAX_BROWSER_POINTS)
    frames = []
    for r, name in enumerate(names):
        values = gap[idx, r]
        keep = np.isfinite(values)
        frames.append(
            pd.DataFrame({"label": name, "step": idx[keep], "gap": np.maximum(values[keep], GAP_FLOOR)})
        )
    return pd.concat(frames, ignore_index=True)


def log_line_chart(
    data: pd.DataFrame,
    x: str,
    y: str,
    *,
    x_title: str,
    y_title: str,
    log_x: bool = False,
    rule_at: float | None = None,
    dash: str | None = None,
    height: int = 320,
) -> alt.LayerChart:
    """Lines of ``y`` (log scale) against ``x``, one per ``label``, with an optional vertical rule."""
    names = list(dict.fromkeys(data["label"]))
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(type="log") if log_x else alt.Scale(zero=False)),
        "y": alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(type="log")),
        "color": alt.Color(
            "label:N", scale=colour_scale(names), legend=alt.Legend(title=None, orient="bottom")
        ),
        "tooltip": ["label:N", alt.Tooltip(f"{x}:Q", format=".4g"), alt.Tooltip(f"{y}:Q", format=".3e")],
    }
    if dash:
        kinds = list(dict.fromkeys(data[dash]))
        dashes = alt.Scale(domain=kinds, range=[[1, 0], [6, 4], [2, 2]][: len(kinds)])
        encoding["strokeDash"] = alt.StrokeDash(f"{dash}:N", scale=dashes, legend=_BOTTOM)
    layers: list[alt.Chart] = [alt.Chart(data).mark_line(strokeWidth=2).encode(**encoding)]
    if rule_at is not None:
        layers.append(
            alt.Chart(pd.DataFrame({x: [rule_at]}))
            .mark_rule(color="#555", strokeDash=[4, 3])
            .encode(x=f"{x}:Q")
        )
    return alt.layer(*layers).properties(height=height)


def line_chart(
    data: pd.DataFrame, x: str, y: str, *, x_title: str, y_title: str, height: int = 300
) -> alt.Chart:
    """Plain lines of ``y`` against ``x``, one per ``label``."""
    names = list(dict.fromkeys(data["label"]))
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title),
            y=alt.Y(f"{y}:Q", title=y_title),
            color=alt.Color(
                "label:N", scale=colour_scale(names), legend=alt.Legend(title=None, orient="bottom")
            ),
            tooltip=["label:N", alt.Tooltip(f"{x}:Q", format=".4g"), alt.Tooltip(f"{y}:Q", format=".4g")],
        )
        .properties(height=height)
    )


def fmt(value: float, digits: int = 3) -> str:
    """A number for text: '—' for NaN, '∞' for infinity, else ``digits`` significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "∞"
    return f"{value:.{digits}g}"
