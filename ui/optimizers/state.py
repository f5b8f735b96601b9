"""The optimizers page's controls: every widget's range and default, the URL state, the widgets of the
hyperparameters, and the step slider."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.optimizers import OPTIMIZERS, SURFACES, full_hyperparameters
from ui.i18n import t
from ui.state import keep_widget_value

NAMES = list(OPTIMIZERS)
SURFACE_NAMES = list(SURFACES)
DEFAULT_SELECTION = ["SGD", "Adagrad", "RMSprop", "Adam", "NAdam"]
DEFAULT_SURFACE = "rosenbrock"
DEFAULT_STEPS = 500
#: the notes-vs-torch comparisons, in the order the page offers them
FORMS = ("momentum", "nesterov", "bias", "adam_step", "adagrad", "amsgrad", "adamw")
#: each comparison's section anchor on the page (a link opens it with ``?form=<form>#<anchor>``)
FORM_ANCHORS = {
    "momentum": "momentum",
    "nesterov": "nesterov",
    "bias": "bias-correction",
    "adam_step": "adam-step",
    "adagrad": "adagrad",
    "amsgrad": "amsgrad",
    "adamw": "adamw",
}
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
#: batch sizes the batch-size section compares: stochastic (1), three mini-batches, the full batch (398)
BATCH_SIZES = (1, 8, 32, 128, 398)


@dataclass(frozen=True)
class Param:
    """One hyperparameter widget: torch's name, its kind, and the widget's range and step."""

    name: str
    kind: str  # "float" or "bool"
    low: float | None = 0.0
    high: float | None = None
    step: float = 0.01


#: Every number a widget or a link sets is bounded above too: a link anyone writes could ask for
#: lr=1e308, and a run from it is only overflow (the first step leaves float64). The bounds are far above
#: what the page's surfaces and model use (learning rates up to 1, eps 1e-8 to 1e-6, decays below 1):
#: at the bounds a run diverges, and the page says so ("diverged").
MAX_LR = 100.0
_LR = Param("lr", "float", 0.0, MAX_LR, 1e-4)
_EPS = Param("eps", "float", 0.0, 1.0, 1e-8)
_WD = Param("weight_decay", "float", 0.0, 100.0, 1e-3)
_MAX = Param("maximize", "bool")
_BETA1 = Param("beta1", "float", 0.0, 0.9999, 0.01)
_BETA2 = Param("beta2", "float", 0.0, 0.99999, 0.001)

WIDGETS: dict[str, list[Param]] = {
    "SGD": [
        _LR,
        Param("momentum", "float", 0.0, 1.0, 0.05),
        Param("dampening", "float", -1.0, 1.0, 0.05),
        _WD,
        Param("nesterov", "bool"),
        _MAX,
    ],
    "Adagrad": [
        _LR,
        Param("lr_decay", "float", 0.0, 100.0, 1e-3),
        _WD,
        Param("initial_accumulator_value", "float", 0.0, 1e6),
        _EPS,
        _MAX,
    ],
    "Adadelta": [_LR, Param("rho", "float", 0.0, 1.0, 0.01), _EPS, _WD, _MAX],
    "RMSprop": [
        _LR,
        Param("alpha", "float", 0.0, 1.0, 0.01),
        _EPS,
        _WD,
        Param("momentum", "float", 0.0, 1.0, 0.05),
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
        Param("momentum_decay", "float", 0.0, 1.0, 1e-3),
        Param("decoupled_weight_decay", "bool"),
        _MAX,
    ],
    "AdamW": [_LR, _BETA1, _BETA2, _EPS, _WD, Param("amsgrad", "bool"), _MAX],
}


#: the comparisons' and the model section's own inputs (widget key -> kind and range), mirrored into the
#: URL parameter ``xp`` when they differ from their defaults
EXPERIMENT_INPUTS: dict[str, Param] = {
    "mom_alpha": Param("mom_alpha", "float", 1e-6, MAX_LR, 1e-3),
    "mom_beta": Param("mom_beta", "float", 0.0, 0.999, 0.05),
    "step_scale": Param("step_scale", "float", 1e-6, 1e6, 10.0),
    "ams_c": Param("ams_c", "float", 2.1, 50.0, 0.5),
    "ams_lr": Param("ams_lr", "float", 1e-4, 1.0, 0.005),
    "ams_steps": Param("ams_steps", "int", 10, 5000, 100),
    "wd_lr": Param("wd_lr", "float", 1e-5, MAX_LR, 0.005),
    "wd_lambda": Param("wd_lambda", "float", 1e-4, 100.0, 0.05),
    "wd_steps": Param("wd_steps", "int", 10, 10000, 500),
    "model_epochs": Param("model_epochs", "int", 1, 100, 1),
    "model_batch": Param("model_batch", "choice"),
    **{f"model_lr_{n}": Param(f"model_lr_{n}", "float", 0.0, MAX_LR, 1e-3) for n in MODEL_LEARNING_RATES},
    # the batch-size section: 15 epochs of every batch size is 6,990 updates, each replayed in torch
    "bs_epochs": Param("bs_epochs", "int", 1, 15, 1),
    "bs_lr": Param("bs_lr", "float", 1e-4, 10.0, 0.01),
    # the noisy ravine: lr below 2/25 (the steep curvature's limit), 5,000 steps take about a second
    "rv_lr": Param("rv_lr", "float", 1e-4, 0.079, 0.005),
    "rv_beta": Param("rv_beta", "float", 0.0, 0.99, 0.05),
    "rv_noise": Param("rv_noise", "float", 0.0, 10.0, 0.5),
    "rv_steps": Param("rv_steps", "int", 10, 5000, 100),
    "rv_seed": Param("rv_seed", "int", 0, 1000, 1),
    # Adam then SGD: three runs of 100 epochs of 13 batches is 3,900 updates, each replayed in torch
    "sw_epochs": Param("sw_epochs", "int", 1, 100, 1),
    "sw_switch": Param("sw_switch", "int", 0, 100, 1),
    "sw_adam_lr": Param("sw_adam_lr", "float", 1e-4, 1.0, 1e-3),
    "sw_sgd_lr": Param("sw_sgd_lr", "float", 1e-4, 10.0, 0.01),
    "sw_seed": Param("sw_seed", "int", 0, 20, 1),
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
        "step_scale": 1000.0,
        "ams_c": 3.0,
        "ams_lr": 0.02,
        "ams_steps": 1500,
        "wd_lr": 0.01,
        "wd_lambda": 0.1,
        "wd_steps": 3000,
        "model_epochs": 30,
        "model_batch": 64,
        **{f"model_lr_{name}": lr for name, lr in MODEL_LEARNING_RATES.items()},
        "bs_epochs": 5,
        "bs_lr": 0.1,
        "rv_lr": 0.07,
        "rv_beta": 0.9,
        "rv_noise": 1.0,
        "rv_steps": 300,
        "rv_seed": 0,
        "sw_epochs": 40,
        "sw_switch": 5,
        "sw_adam_lr": 0.01,
        "sw_sgd_lr": 0.1,
        "sw_seed": 0,
    }


def _parse_input(spec: Param, raw: str) -> float | int | bool:
    """A URL value for a widget of kind ``spec``; ValueError if it is not one the widget accepts."""
    if spec.kind == "bool":
        if raw not in ("0", "1"):
            raise ValueError
        return raw == "1"
    if spec.kind == "choice":
        value = int(raw[:40])
        if value not in MODEL_BATCH_SIZES:
            raise ValueError
        return value
    if len(raw) > 40:  # no setting of the page is written longer (and int('9' * 400) is not finite)
        raise ValueError
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
                if (kind is int and not params[name].strip().isdecimal()) or len(params[name]) > 40:
                    raise ValueError  # a count is written as one, and a number is short
                value = kind(params[name])
                if not math.isfinite(value) or (name in ("x0", "y0") and abs(value) > START_LIMIT):
                    raise ValueError
                if name == "steps" and not 1 <= value <= MAX_STEPS:
                    raise ValueError
            except (ValueError, OverflowError):
                ignored.append(f"{name}={params[name]}")
                value = default
        state[key] = value
    state["opt_fair"] = params.get("fair") == "1"
    if params.get("fair", "0") not in ("0", "1"):
        ignored.append(f"fair={params['fair']}")
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
            shown = int(params["t"])
            if not 0 <= shown <= state["opt_steps"]:
                raise ValueError
            state["opt_t"] = shown
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


def ignored_text(ignored: list[str], *, width: int = 40, most: int = 12) -> str:
    """The link's ignored items as the page shows them: each as code (a link's text is anyone's: never
    rendered as Markdown), cut to ``width`` characters, at most ``most`` of them."""
    items = [item[:width].replace("`", "'") + ("…" if len(item) > width else "") for item in ignored]
    shown = ", ".join(f"`{item}`" for item in dict.fromkeys(items[:most]))
    return shown + (", …" if len(items) > most else "")


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
        else:
            keep_widget_value(key)  # its widget may not be drawn (a hidden section, a closed expander)
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
                        f"`{p.name}`",
                        min_value=p.low,
                        max_value=p.high,
                        step=p.step,
                        format="%g",
                        key=widget_key(name, p.name),
                        help=t(f"optimizers.help_{p.name}"),
                    )
            for column, p in zip(st.columns(4), [p for p in WIDGETS[name] if p.kind == "bool"], strict=False):
                with column:
                    st.checkbox(
                        f"`{p.name}`", key=widget_key(name, p.name), help=t(f"optimizers.help_{p.name}")
                    )


# --- the step slider -------------------------------------------------------------------------------------


def previous_steps() -> int:
    """The number of steps of the last run (read before the steps widget is drawn)."""
    return st.session_state.get("opt_previous_steps", st.session_state["opt_steps"])


def follow_steps(steps: int, previous: int) -> None:
    """Before the step slider is drawn: if it was at the end, it stays at the end when the number of
    steps changes (and it never points past the end)."""
    if st.session_state.get("opt_t", steps) > steps or st.session_state.get("opt_t") == previous:
        st.session_state["opt_t"] = steps
    st.session_state["opt_previous_steps"] = steps
