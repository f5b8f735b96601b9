"""The loss-functions page's state, cached core calls, live checks against torch / scikit-learn, and charts.

No loss arithmetic lives here: every value comes from :mod:`core.losses`; this module only calls it,
calls the reference libraries for the page's checks, and draws.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import losses as L
from core.scores import ScoreTable
from ui.i18n import t
from ui.state import mirror_into_url, seed_from_url

NS = "losses"
MARGIN_NAMES = list(L.MARGIN_LOSSES)  # zero_one hinge logistic exponential squared
RESIDUAL_NAMES = list(L.RESIDUAL_LOSSES)  # squared absolute huber
MARGIN_RANGE = (-3.0, 3.0)
GRID_POINTS = 601  # per curve (the browser limit is ~2,000)
FIT_LAMBDA = 1e-2  # the L2 strength of the fits section (the SVM section has its own slider)
SVM_LAMBDAS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]  # below 1e-3 subgradient descent is too slow
SCALES = [1, 10, 100, 1000, 10_000]
DIGITS_TRAIN = 500  # load_digits rows used for training (the rest is the test set)
METRICS_PAGE = "app_pages/metrics.py"
METRICS_KEY = "metrics_incoming"
BOX = (-5.0, 10.0)  # the fits chart's view of the 2-D plane (both axes)

# a fixed colour per loss, the same in every chart of the page
COLOURS = {
    "zero_one": "#7f7f7f",
    "hinge": "#1f77b4",
    "logistic": "#ff7f0e",
    "exponential": "#d62728",
    "squared": "#2ca02c",
    "absolute": "#9467bd",
    "huber": "#8c564b",
}

DEFAULTS: dict[str, Any] = {
    "ls_m": 0.5,
    "ls_delta": 1.0,
    "ls_noise": 0.0,
    "ls_outliers": 0,
    "ls_svm_lam": 0.01,
    "ls_reg_outliers": 4,
    "ls_ce_logits": "2.0, 1.0, 0.1\n0.5, 2.5, -1.0\n-1.0, 0.0, 3.0\n1.2, 1.1, 1.0",
    "ls_ce_target": "0, 1, 2, 2",
    "ls_ce_reduction": "mean",
    "ls_ce_smoothing": 0.0,
    "ls_ce_ignore": -100,
    "ls_ce_weight": "",
    "ls_scale": 1,
    "ls_epochs": 50,
    **{f"ls_show_{name}": True for name in MARGIN_NAMES},
}


def _bool(raw: str) -> bool:
    if raw not in ("True", "False"):
        raise ValueError(raw)
    return raw == "True"


_VALID = {
    "ls_m": (float, lambda v: MARGIN_RANGE[0] <= v <= MARGIN_RANGE[1]),
    "ls_delta": (float, lambda v: 0.1 <= v <= 3.0),
    "ls_noise": (float, lambda v: 0.0 <= v <= 0.4),
    "ls_outliers": (int, lambda v: 0 <= v <= 30),
    "ls_svm_lam": (float, lambda v: v in SVM_LAMBDAS),
    "ls_reg_outliers": (int, lambda v: 0 <= v <= 15),
    "ls_ce_logits": (str, lambda v: len(v) <= 2000),
    "ls_ce_target": (str, lambda v: len(v) <= 500),
    "ls_ce_reduction": (str, lambda v: v in ("mean", "sum", "none")),
    "ls_ce_smoothing": (float, lambda v: 0.0 <= v <= 1.0),
    "ls_ce_ignore": (int, lambda v: -1000 <= v <= 1000),
    "ls_ce_weight": (str, lambda v: len(v) <= 500),
    "ls_scale": (int, lambda v: v in SCALES),
    "ls_epochs": (int, lambda v: 1 <= v <= 200),
    **{f"ls_show_{name}": (_bool, lambda v: isinstance(v, bool)) for name in MARGIN_NAMES},
}


def seed_state() -> None:
    """Every control's starting value: the kept one, else the URL's, else the default."""
    for key, default in DEFAULTS.items():
        parse, valid = _VALID[key]
        seed_from_url(key, default, parse, valid)


def write_url() -> None:
    """Mirror every control into the URL (a control at its default is left out: a clean link)."""
    mirror_into_url(*DEFAULTS, defaults=DEFAULTS)


def fmt(value: float, digits: int = 4) -> str:
    """A number for text: '—' for NaN, '∞' for infinity, else ``digits`` significant digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.{digits}g}"


def loss_label(name: str) -> str:
    return t(f"{NS}.loss_{name}")


# --------------------------------------------------------------------------------------------------
# Curves of the losses (cached; checked against torch autograd)
# --------------------------------------------------------------------------------------------------


def _torch_margin(name: str, y, f):
    import torch
    import torch.nn.functional as F

    return {
        "hinge": lambda: torch.clamp(1 - y * f, min=0),
        "logistic": lambda: F.softplus(-y * f),
        "exponential": lambda: torch.exp(-y * f),
        "squared": lambda: (1 - y * f) ** 2,
    }[name]()


@st.cache_data(show_spinner=False)
def margin_curves() -> tuple[pd.DataFrame, float]:
    """Every margin loss and its gradient (w.r.t. f, for y = +1) on a grid of margins, and the max
    |diff| against torch autograd (the 0-1 loss, whose gradient is 0, against scikit-learn's
    ``zero_one_loss``)."""
    import torch
    from sklearn.metrics import zero_one_loss

    m = np.linspace(*MARGIN_RANGE, GRID_POINTS)
    y = np.ones_like(m)
    frames, diff = [], 0.0
    for name, (loss, grad) in L.MARGIN_LOSSES.items():
        value, slope = loss(y, m), grad(y, m)
        frames.append(pd.DataFrame({"loss": name, "margin": m, "value": value, "gradient": slope}))
        if name == "zero_one":
            # scikit-learn's zero_one_loss of the predictions sign(f) (a score of 0 predicts -1: an error)
            predicted = np.where(m > 0, 1.0, -1.0)
            diff = max(diff, abs(float(value.mean()) - zero_one_loss(y, predicted)))
            continue
        f = torch.tensor(m, dtype=torch.float64, requires_grad=True)
        ref = _torch_margin(name, torch.tensor(y), f)
        ref.sum().backward()
        diff = max(diff, float(np.abs(value - ref.detach().numpy()).max()))
        diff = max(diff, float(np.abs(slope - f.grad.numpy()).max()))
    return pd.concat(frames, ignore_index=True), diff


@st.cache_data(show_spinner=False, max_entries=64)
def residual_curves(delta: float) -> tuple[pd.DataFrame, float]:
    """Squared, absolute and Huber(delta) loss and gradient against the residual r = y_pred - y_true,
    with the max |diff| against torch's ``mse_loss``, ``l1_loss``, ``huber_loss`` and their autograd."""
    import torch
    import torch.nn.functional as F

    r = np.linspace(*MARGIN_RANGE, GRID_POINTS)
    zero = np.zeros_like(r)
    references = {"squared": F.mse_loss, "absolute": F.l1_loss, "huber": F.huber_loss}
    frames, diff = [], 0.0
    for name, (loss, grad) in L.RESIDUAL_LOSSES.items():
        kwargs = {"delta": delta} if name == "huber" else {}
        value, slope = loss(zero, r, **kwargs), grad(zero, r, **kwargs)
        frames.append(pd.DataFrame({"loss": name, "residual": r, "value": value, "gradient": slope}))
        p = torch.tensor(r, dtype=torch.float64, requires_grad=True)
        ref = references[name](p, torch.zeros_like(p), reduction="none", **kwargs)
        ref.sum().backward()
        diff = max(diff, float(np.abs(value - ref.detach().numpy()).max()))
        diff = max(diff, float(np.abs(slope - p.grad.numpy()).max()))
    return pd.concat(frames, ignore_index=True), diff


def readout(m: float, delta: float) -> pd.DataFrame:
    """Each loss and its gradient at one margin (classification) / residual (regression) value."""
    rows = []
    for name, (loss, grad) in L.MARGIN_LOSSES.items():
        rows.append((t(f"{NS}.kind_margin"), loss_label(name), float(loss(1.0, m)), float(grad(1.0, m))))
    for name, (loss, grad) in L.RESIDUAL_LOSSES.items():
        kwargs = {"delta": delta} if name == "huber" else {}
        rows.append(
            (
                t(f"{NS}.kind_residual"),
                loss_label(name),
                float(loss(0.0, m, **kwargs)),
                float(grad(0.0, m, **kwargs)),
            )
        )
    return pd.DataFrame(
        [
            {t(f"{NS}.col_kind"): k, t(f"{NS}.col_loss"): n, "L": fmt(v), t(f"{NS}.col_grad"): fmt(g)}
            for k, n, v, g in rows
        ]
    )


# --------------------------------------------------------------------------------------------------
# Fits (cached) with their live checks
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassifierFits:
    data: L.ClassificationData
    fits: dict[str, L.LinearFit]
    train_accuracy: dict[str, float]
    test_accuracy: dict[str, float]
    test_scores: dict[str, np.ndarray]
    check_sklearn: float  # logistic vs LogisticRegression, squared vs Ridge (max |diff| of w, b)
    check_torch: float  # max |dJ/dtheta| by torch autograd at the exponential fit
    check_svc: float  # (J_ours - J_SVC) / J_SVC for the hinge fit vs SVC(kernel="linear")


@st.cache_data(show_spinner=False, max_entries=64)
def classifier_fits(noise: float, outliers: int) -> ClassifierFits:
    """One linear classifier per loss on the same noisy training set, and the checks."""
    import torch
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.svm import SVC

    data = L.classification_data(label_noise=noise, n_outliers=outliers)
    fits = L.fit_all_classifiers(data, lam=FIT_LAMBDA)
    x, y = data.x_train, data.y_train
    n = len(y)
    logistic = LogisticRegression(C=1 / (FIT_LAMBDA * n), tol=1e-12, max_iter=10_000).fit(x, y)
    ridge = Ridge(alpha=FIT_LAMBDA * n / 2).fit(x, y)
    check_sklearn = max(
        _param_diff(fits["logistic"], logistic.coef_[0], logistic.intercept_[0]),
        _param_diff(fits["squared"], ridge.coef_, float(ridge.intercept_)),
    )
    svc = SVC(kernel="linear", C=1 / (FIT_LAMBDA * n), tol=1e-10).fit(x, y)
    svc_objective = L.structural_risk(x, y, svc.coef_[0], svc.intercept_[0], "hinge", FIT_LAMBDA)
    check_svc = (fits["hinge"].objective - svc_objective) / svc_objective
    exp_fit = fits["exponential"]
    theta = torch.tensor(np.append(exp_fit.w, exp_fit.b), dtype=torch.float64, requires_grad=True)
    xt, yt = torch.tensor(x), torch.tensor(y)
    objective = torch.exp(-yt * (xt @ theta[:2] + theta[2])).mean() + FIT_LAMBDA / 2 * (theta[:2] ** 2).sum()
    objective.backward()
    return ClassifierFits(
        data=data,
        fits=fits,
        train_accuracy={k: L.accuracy(f, x, y) for k, f in fits.items()},
        test_accuracy={k: L.accuracy(f, data.x_test, data.y_test) for k, f in fits.items()},
        test_scores={k: f.decision_function(data.x_test) for k, f in fits.items()},
        check_sklearn=check_sklearn,
        check_torch=float(theta.grad.abs().max()),
        check_svc=check_svc,
    )


def _param_diff(fit: L.LinearFit, w: np.ndarray, b: float) -> float:
    return float(max(np.abs(fit.w - w).max(), abs(fit.b - b)))


@dataclass(frozen=True)
class SvmView:
    fit: L.LinearFit
    reference: tuple[np.ndarray, float]  # SVC's (w, b)
    reference_objective: float
    c: float
    empirical_risk: float
    regulariser: float
    test_risk: float
    support: np.ndarray  # bool: margin <= 1 (on or inside the margin)
    width: float


@st.cache_data(show_spinner=False, max_entries=64)
def svm_view(noise: float, outliers: int, lam: float) -> SvmView:
    """Our subgradient-descent SVM at strength ``lam`` on the fits section's data, beside SVC."""
    from sklearn.svm import SVC

    data = L.classification_data(label_noise=noise, n_outliers=outliers)
    x, y = data.x_train, data.y_train
    fit = L.fit_svm(x, y, lam=lam)
    c = 1.0 / (lam * len(y))
    svc = SVC(kernel="linear", C=c, tol=1e-10).fit(x, y)
    w_ref, b_ref = svc.coef_[0], float(svc.intercept_[0])
    empirical = float(L.hinge(y, fit.decision_function(x)).mean())
    return SvmView(
        fit=fit,
        reference=(w_ref, b_ref),
        reference_objective=L.structural_risk(x, y, w_ref, b_ref, "hinge", lam),
        c=c,
        empirical_risk=empirical,
        regulariser=float(0.5 * lam * fit.w @ fit.w),
        test_risk=float(L.hinge(data.y_test, fit.decision_function(data.x_test)).mean()),
        support=y * fit.decision_function(x) <= 1 + 1e-9,
        width=L.svm_margin_width(fit) if np.linalg.norm(fit.w) > 0 else math.inf,
    )


@dataclass(frozen=True)
class RegressionFits:
    data: L.RegressionData
    lines: dict[str, tuple[float, float]]
    check_lstsq: float  # squared vs numpy.polyfit
    check_lad: float  # mean |r| of ours minus QuantileRegressor's (exact LP)
    check_huber: float  # max |grad| of torch's huber_loss at our line


@st.cache_data(show_spinner=False, max_entries=64)
def regression_fits(outliers: int, delta: float) -> RegressionFits:
    import torch
    import torch.nn.functional as F
    from sklearn.linear_model import QuantileRegressor

    data = L.regression_data(n_outliers=outliers)
    lines = {loss: L.fit_line(data.x, data.y, loss, delta=delta) for loss in ("squared", "absolute", "huber")}
    check_lstsq = float(np.abs(np.array(lines["squared"]) - np.polyfit(data.x, data.y, 1)).max())
    ref = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(data.x[:, None], data.y)
    ref_risk = L.regression_risk(data.x, data.y, ref.coef_[0], float(ref.intercept_), "absolute")
    check_lad = abs(L.regression_risk(data.x, data.y, *lines["absolute"], "absolute") - ref_risk)
    theta = torch.tensor(lines["huber"], dtype=torch.float64, requires_grad=True)
    F.huber_loss(theta[0] * torch.tensor(data.x) + theta[1], torch.tensor(data.y), delta=delta).backward()
    return RegressionFits(data, lines, check_lstsq, check_lad, float(theta.grad.abs().max()))


@dataclass(frozen=True)
class SoftmaxView:
    run: L.SoftmaxTraining
    check: float  # |ours - torch| of the final losses (right CE, and the mistake's reported CE)
    n_train: int
    n_test: int


@st.cache_data(show_spinner=False, max_entries=16)
def softmax_view(epochs: int) -> SoftmaxView:
    """Softmax regression on scikit-learn's bundled digits, right vs softmax-twice, checked by torch."""
    import torch
    import torch.nn.functional as F
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = x / 16.0
    n = DIGITS_TRAIN
    run = L.train_softmax_regression(x[:n], y[:n], x[n:], y[n:], epochs=epochs, lr=1.0)
    a = torch.tensor(np.column_stack([x[:n], np.ones(n)]))
    target = torch.tensor(y[:n])
    right = F.cross_entropy(a @ torch.tensor(run.weights_right), target).item()
    mistake = F.cross_entropy(F.softmax(a @ torch.tensor(run.weights_mistake), dim=1), target).item()
    check = max(abs(right - run.loss_right[-1]), abs(mistake - run.reported_mistake[-1]))
    return SoftmaxView(run, check, n, len(y) - n)


def torch_cross_entropy(logits, target, reduction, weight, ignore_index, smoothing):
    import torch
    import torch.nn.functional as F

    out = F.cross_entropy(
        torch.tensor(logits, dtype=torch.float64),
        torch.tensor(target),
        weight=None if weight is None else torch.tensor(weight, dtype=torch.float64),
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=smoothing,
    )
    return out.numpy() if reduction == "none" else float(out)


@st.cache_data(show_spinner=False)
def binary_vs_categorical() -> tuple[pd.DataFrame, float, float]:
    """BCE-with-logits(z, y) and CE([0, z], y) for y in {0, 1} over z in [-10, 10]; max |diff| between
    the two forms, and of both against torch."""
    import torch
    import torch.nn.functional as F

    z = np.linspace(-10, 10, 401)
    frames, between, vs_torch = [], 0.0, 0.0
    for y in (0, 1):
        target = np.full_like(z, y)
        bce = L.binary_cross_entropy_with_logits(z, target, "none")
        ce = L.cross_entropy(np.column_stack([np.zeros_like(z), z]), target.astype(int), "none")
        between = max(between, float(np.abs(bce - ce).max()))
        ref_bce = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(target), reduction="none")
        ref_ce = F.cross_entropy(
            torch.tensor(np.column_stack([np.zeros_like(z), z])),
            torch.tensor(target.astype(int)),
            reduction="none",
        )
        vs_torch = max(
            vs_torch, float(np.abs(bce - ref_bce.numpy()).max()), float(np.abs(ce - ref_ce.numpy()).max())
        )
        frames.append(pd.DataFrame({"z": z, "y": y, "form": "BCEWithLogits(z, y)", "loss": bce}))
        frames.append(pd.DataFrame({"z": z, "y": y, "form": "CrossEntropy([0, z], y)", "loss": ce}))
    return pd.concat(frames, ignore_index=True), between, vs_torch


# --------------------------------------------------------------------------------------------------
# Parsing the editable batch
# --------------------------------------------------------------------------------------------------

_SPLIT = re.compile(r"[,\s;]+")


def parse_numbers(text: str, what: str) -> list[float]:
    items = [s for s in _SPLIT.split(text.strip()) if s]
    values = []
    for item in items:
        try:
            values.append(float(item))
        except ValueError:
            raise ValueError(t(f"{NS}.parse_not_number", what=what, item=item[:20])) from None
    return values


def parse_logits(text: str) -> np.ndarray:
    rows = [parse_numbers(line, t(f"{NS}.what_logits")) for line in text.strip().splitlines() if line.strip()]
    if not rows:
        raise ValueError(t(f"{NS}.parse_empty"))
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        raise ValueError(t(f"{NS}.parse_ragged", widths=", ".join(str(len(r)) for r in rows)))
    logits = np.array(rows)
    if logits.shape[1] < 2 or logits.shape[0] > 20 or logits.shape[1] > 10:
        raise ValueError(t(f"{NS}.parse_size", n=logits.shape[0], c=logits.shape[1]))
    if np.isnan(logits).any():
        raise ValueError(t(f"{NS}.parse_nan"))
    return logits


def parse_targets(text: str, n: int) -> np.ndarray:
    values = parse_numbers(text, t(f"{NS}.what_targets"))
    if len(values) != n or any(v != int(v) for v in values if math.isfinite(v)):
        raise ValueError(t(f"{NS}.parse_targets", n=n, got=len(values)))
    return np.array([int(v) for v in values])


def parse_weight(text: str, c: int) -> np.ndarray | None:
    if not text.strip():
        return None
    values = parse_numbers(text, t(f"{NS}.what_weight"))
    if len(values) != c or not all(math.isfinite(v) and v >= 0 for v in values):
        raise ValueError(t(f"{NS}.parse_weight", c=c, got=len(values)))
    return np.array(values)


def row_text(values: np.ndarray, digits: int = 4) -> str:
    return "[" + ", ".join(fmt(float(v), digits) for v in values) + "]"


# --------------------------------------------------------------------------------------------------
# The metrics page hand-off
# --------------------------------------------------------------------------------------------------


def score_table(fits: ClassifierFits) -> ScoreTable:
    """The live classifiers' test-set scores f(x) as the metrics page's ScoreTable (positive: y = +1)."""
    data = fits.data
    scores = {loss_label(k): np.asarray(v, dtype=np.float64) for k, v in fits.test_scores.items()}
    n = len(data.y_test)
    return ScoreTable(
        y_true=data.y_test > 0,
        scores=scores,
        weight=None,
        label_column="y",
        weight_column=None,
        pos_label="1",
        neg_label="-1",
        n_rows=n,
        n_dropped=0,
        encoding="text",
        delimiter=",",
        decimal=".",
        columns=["y", *scores],
    )


def open_in_metrics(fits: ClassifierFits, noise: float, outliers: int) -> None:
    st.session_state[METRICS_KEY] = {
        "name": t(f"{NS}.metrics_name", noise=fmt(noise, 3), outliers=outliers),
        "table": score_table(fits),
    }
    st.switch_page(METRICS_PAGE)


# --------------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------------


def _colour(names: list[str], labels: dict[str, str] | None = None) -> alt.Scale:
    labels = labels or {n: loss_label(n) for n in names}
    return alt.Scale(domain=[labels[n] for n in names], range=[COLOURS[n] for n in names])


def curve_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    *,
    x_title: str,
    y_title: str,
    y_domain: tuple[float, float],
    rule_at: float,
) -> alt.LayerChart:
    """Lines of ``y`` against ``x`` per ``label`` (colour per loss), clipped to ``y_domain``, with a rule
    and a dot per curve at ``rule_at``."""
    names = list(dict.fromkeys(df["loss"]))
    data = df.assign(label=df["loss"].map(loss_label))
    colour = alt.Color("label:N", scale=_colour(names), legend=alt.Legend(title=None, orient="bottom"))
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=2.2, clip=True)
        .encode(
            x=alt.X(f"{x}:Q", title=x_title),
            y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(domain=list(y_domain))),
            color=colour,
            tooltip=["label:N", alt.Tooltip(f"{x}:Q", format=".3f"), alt.Tooltip(f"{y}:Q", format=".4g")],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({x: [rule_at]})).mark_rule(color="#444", strokeDash=[4, 3]).encode(x=f"{x}:Q")
    )
    at = data.loc[np.isclose(data[x], data[x].iloc[(data[x] - rule_at).abs().argmin()])]
    at = at[(at[y] >= y_domain[0]) & (at[y] <= y_domain[1])]
    dots = alt.Chart(at).mark_point(filled=True, size=70).encode(x=f"{x}:Q", y=f"{y}:Q", color=colour)
    return alt.layer(lines, rule, dots).properties(height=300)


def boundary_points(
    w: np.ndarray, b: float, box: tuple[float, float] = BOX, shift: float = 0.0
) -> np.ndarray:
    """Points of the line w.x + b = shift inside the square ``box`` (empty if w = 0)."""
    norm = float(np.linalg.norm(w))
    if norm < 1e-12:
        return np.empty((0, 2))
    # closest point to the origin, and the line's direction
    p0 = (shift - b) * w / norm**2
    direction = np.array([-w[1], w[0]]) / norm
    s = np.linspace(-40, 40, 801)
    pts = p0 + s[:, None] * direction
    inside = (pts >= box[0]).all(1) & (pts <= box[1]).all(1)
    return pts[inside]


def plane_chart(points: pd.DataFrame, lines: pd.DataFrame, line_colours: dict[str, str], height: int = 420):
    """Training points (colour = label, shape = clean / flipped / outlier) and lines (colour per line,
    dash per ``dash`` column)."""
    pts = (
        alt.Chart(points)
        .mark_point(filled=True, opacity=0.65, size=36, clip=True)
        .encode(
            x=alt.X("x1:Q", scale=alt.Scale(domain=list(BOX), nice=False), title="x₁"),
            y=alt.Y("x2:Q", scale=alt.Scale(domain=list(BOX), nice=False), title="x₂"),
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=["+1", "-1"], range=["#4c78a8", "#e45756"]),
                legend=alt.Legend(title="y", orient="right"),
            ),
            shape=alt.Shape("kind:N", legend=alt.Legend(title=None, orient="right")),
            tooltip=[
                "label:N",
                "kind:N",
                alt.Tooltip("x1:Q", format=".2f"),
                alt.Tooltip("x2:Q", format=".2f"),
            ],
        )
    )
    names = list(line_colours)
    line = (
        alt.Chart(lines)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(
            x="x1:Q",
            y="x2:Q",
            detail="line:N",
            color=alt.Color(
                "model:N",
                scale=alt.Scale(domain=names, range=list(line_colours.values())),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=320),
            ),
            strokeDash=alt.StrokeDash("dash:N", legend=None),
            order="s:Q",
        )
    )
    return alt.layer(pts, line).resolve_scale(color="independent").properties(height=height)


def points_frame(x: np.ndarray, y: np.ndarray, flipped: np.ndarray, outlier: np.ndarray) -> pd.DataFrame:
    kind = np.where(
        outlier, t(f"{NS}.kind_outlier"), np.where(flipped, t(f"{NS}.kind_flipped"), t(f"{NS}.kind_clean"))
    )
    return pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "label": np.where(y > 0, "+1", "-1"), "kind": kind})


def lines_frame(segments: dict[str, tuple[np.ndarray, str]], model_of: dict[str, str]) -> pd.DataFrame:
    frames = []
    for line, (pts, dash) in segments.items():
        if len(pts):
            frames.append(
                pd.DataFrame(
                    {
                        "line": line,
                        "model": model_of[line],
                        "dash": dash,
                        "s": np.arange(len(pts)),
                        "x1": pts[:, 0],
                        "x2": pts[:, 1],
                    }
                )
            )
    columns = ["line", "model", "dash", "s", "x1", "x2"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def regression_chart(
    data: L.RegressionData, lines: dict[str, tuple[float, float]]
) -> tuple[alt.LayerChart, pd.DataFrame]:
    kinds = np.where(data.outlier, t(f"{NS}.kind_outlier"), t(f"{NS}.kind_clean"))
    pts = pd.DataFrame({"x": data.x, "y": data.y, "kind": kinds})
    xs = np.array([0.0, 10.0])
    labels = {k: loss_label(k) for k in lines}
    truth = t(f"{NS}.true_line")
    line_df = pd.concat(
        [pd.DataFrame({"model": labels[k], "x": xs, "y": a * xs + c}) for k, (a, c) in lines.items()]
        + [pd.DataFrame({"model": truth, "x": xs, "y": L.TRUE_SLOPE * xs + L.TRUE_INTERCEPT})],
        ignore_index=True,
    )
    names = [*labels.values(), truth]
    colours = [COLOURS[k] for k in lines] + ["#999999"]
    chart = alt.layer(
        alt.Chart(pts)
        .mark_point(filled=True, size=40, opacity=0.7, color="#555")
        .encode(
            x=alt.X("x:Q", title="x"),
            y=alt.Y("y:Q", title="y"),
            shape=alt.Shape("kind:N", legend=alt.Legend(title=None, orient="right")),
            tooltip=[alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", format=".2f"), "kind:N"],
        ),
        alt.Chart(line_df)
        .mark_line(strokeWidth=2.5)
        .encode(
            x="x:Q",
            y="y:Q",
            color=alt.Color(
                "model:N",
                scale=alt.Scale(domain=names, range=colours),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            strokeDash=alt.condition(alt.datum.model == truth, alt.value([5, 4]), alt.value([1, 0])),
        ),
    ).properties(height=380)
    download = pd.concat([pts.assign(model="data"), line_df.assign(kind="line")], ignore_index=True)
    return chart, download


def training_chart(
    df: pd.DataFrame, y: str, y_title: str, domain: list[str], colours: list[str]
) -> alt.Chart:
    return (
        alt.Chart(df)
        .mark_line(strokeWidth=2.2)
        .encode(
            x=alt.X("epoch:Q", title=t(f"{NS}.axis_epoch")),
            y=alt.Y(f"{y}:Q", title=y_title),
            color=alt.Color(
                "curve:N",
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(title=None, orient="bottom", columns=1, labelLimit=400),
            ),
            tooltip=["curve:N", "epoch:Q", alt.Tooltip(f"{y}:Q", format=".4f")],
        )
        .properties(height=300)
    )


def bce_chart(df: pd.DataFrame) -> alt.Chart:
    return (
        alt.Chart(df.assign(series=df["form"] + ", y = " + df["y"].astype(str)))
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("z:Q", title="z"),
            y=alt.Y("loss:Q", title=t(f"{NS}.axis_loss")),
            color=alt.Color(
                "y:N",
                scale=alt.Scale(domain=[0, 1], range=["#e45756", "#4c78a8"]),
                legend=alt.Legend(title="y", orient="right"),
            ),
            strokeDash=alt.StrokeDash(
                "form:N", legend=alt.Legend(title=None, orient="bottom", labelLimit=300)
            ),
            detail="series:N",
            tooltip=["form:N", "y:N", alt.Tooltip("z:Q", format=".2f"), alt.Tooltip("loss:Q", format=".4f")],
        )
        .properties(height=300)
    )
