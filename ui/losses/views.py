"""The loss-functions page's sections as views: display-ready tables, charts with the data they draw,
the figures of the texts, and the live checks. The page only draws them.

The heavy parts (curves, fits, training) come from :mod:`ui.losses.live` through ``ui.compute.shared``,
computed once for every visitor; what is built here (tables, charts, texts) is cheap and in the
visitor's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core import losses as L
from core.scores import ScoreTable
from ui.charts import Figure
from ui.compute import shared
from ui.format import fmt, fmt_pct
from ui.i18n import t
from ui.layout import Check
from ui.losses import charts, live
from ui.losses.state import MARGIN_NAMES, METRICS_KEY, METRICS_PAGE, NS, loss_label

#: the SVM checks' bound on (J_ours - J_SVC) / J_SVC, the structural risk's relative gap to SVC at the
#: tests' tolerance (ui.losses.live.SVC_TOL). Measured over the page's whole range (label noise 0 to 0.4
#: by 0.05, 0 to 30 outliers, every lambda of the slider: 2,232 fits, and the fits section's 279 at
#: lambda = 0.01): the worst is 6.5e-4 at lambda = 1e-3 (noise 0.4, 17 outliers: subgradient descent
#: converges like 1/(lambda T), and T stops at 5,000 steps there); every lambda >= 3e-3 is within 2.1e-5.
#: Where SVC stops at its iteration cap it is within 5.3e-5 of ours from above (a negative gap).
SVM_TOLERANCE = 1e-3


def row_text(values: np.ndarray, digits: int = 4) -> str:
    return "[" + ", ".join(fmt(float(v), digits) for v in values) + "]"


# --- 1. every loss on one chart ---------------------------------------------------------------------------


def margin_view(shown: list[str], m: float) -> tuple[Figure, Figure] | None:
    """The shown margin losses and their gradients (for y = +1), a rule at ``m``; None if none is shown."""
    curves, _ = shared(live.margin_curves)
    if not shown:
        return None
    picked = curves[curves["loss"].isin(shown)]
    loss = charts.curve_chart(
        picked, "margin", "value", x_title="m = y·f(x)", y_title="L", y_domain=(0.0, 5.0), rule_at=m
    )
    grad = charts.curve_chart(
        picked,
        "margin",
        "gradient",
        x_title="m = f(x), y = +1",
        y_title="∂L/∂f",
        y_domain=(-4.0, 1.0),
        rule_at=m,
    )
    return Figure(loss, picked[["loss", "margin", "value"]]), Figure(
        grad, picked[["loss", "margin", "gradient"]]
    )


@dataclass(frozen=True)
class ResidualView:
    loss: Figure
    gradient: Figure
    readout: pd.DataFrame  # every loss and its gradient at m
    check: Check  # the margin and the residual curves against torch autograd / scikit-learn


def residual_view(delta: float, m: float) -> ResidualView:
    """Squared, absolute and Huber(delta) against the residual, the readout at ``m``, the curves' check."""
    _, margin_diff = shared(live.margin_curves)
    residual, residual_diff = shared(live.residual_curves, delta)
    loss = charts.curve_chart(
        residual, "residual", "value", x_title="r = ŷ − y", y_title="L", y_domain=(0.0, 5.0), rule_at=m
    )
    grad = charts.curve_chart(
        residual,
        "residual",
        "gradient",
        x_title="r = ŷ − y",
        y_title="∂L/∂ŷ",
        y_domain=(-4.0, 4.0),
        rule_at=m,
    )
    return ResidualView(
        Figure(loss, residual[["loss", "residual", "value"]]),
        Figure(grad, residual[["loss", "residual", "gradient"]]),
        readout(m, delta),
        Check(t(f"{NS}.curves_check"), max(margin_diff, residual_diff), 1e-12),
    )


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


# --- 2. what each loss does to a fit ---------------------------------------------------------------------


@dataclass(frozen=True)
class FitsView:
    plane: Figure
    table: pd.DataFrame
    n_train: int
    n_test: int
    checks: tuple[Check, ...]
    fits: live.ClassifierFits  # for the metrics page hand-off


def fits_view(noise: float, outliers: int) -> FitsView:
    """One linear classifier per loss on the same noisy data: the plane, the table, three checks."""
    fits = shared(live.classifier_fits, noise, outliers)
    data = fits.data
    points = charts.points_frame(data.x_train, data.y_train, data.flipped, data.outlier)
    labels = {k: loss_label(k) for k in L.FIT_LOSSES}
    segments = {k: (charts.boundary_points(f.w, f.b), "solid") for k, f in fits.fits.items()}
    lines = charts.lines_frame(segments, labels)
    chart = charts.plane_chart(points, lines, {labels[k]: charts.COLOURS[k] for k in L.FIT_LOSSES})
    table = pd.DataFrame(
        [
            {
                t(f"{NS}.col_loss"): labels[k],
                t(f"{NS}.col_train_acc"): fmt_pct(fits.train_accuracy[k]),
                t(f"{NS}.col_test_acc"): fmt_pct(fits.test_accuracy[k]),
                "w": row_text(fit.w, 3),
                "b": fmt(fit.b, 3),
                t(f"{NS}.col_risk"): fmt(fit.objective, 4),
            }
            for k, fit in fits.fits.items()
        ]
    )
    checks = (
        Check("sklearn LogisticRegression (logistic), Ridge (squared): w, b", fits.check_sklearn, 1e-6),
        Check(t(f"{NS}.exp_check"), fits.check_torch, 1e-8),
        Check(t(f"{NS}.svc_check"), fits.check_svc, SVM_TOLERANCE),
    )
    plane = Figure(chart, pd.concat([points, lines], ignore_index=True))
    return FitsView(plane, table, len(data.y_train), len(data.y_test), checks, fits)


def score_table(fits: live.ClassifierFits) -> ScoreTable:
    """The live classifiers' test-set scores f(x) as the metrics page's ScoreTable (positive: y = +1)."""
    data = fits.data
    # copies: the shared result is read-only, and the metrics page owns what it is handed
    scores = {loss_label(k): np.array(v, dtype=np.float64) for k, v in fits.test_scores.items()}
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


def open_in_metrics(fits: live.ClassifierFits, noise: float, outliers: int) -> None:
    """Hand the test-set scores to the metrics page and open it."""
    st.session_state[METRICS_KEY] = {
        "name": t(f"{NS}.metrics_name", noise=fmt(noise, 3), outliers=outliers),
        "table": score_table(fits),
    }
    st.switch_page(METRICS_PAGE)


# --- 3. regression with outliers -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegressionView:
    figure: Figure
    table: pd.DataFrame
    checks: tuple[Check, ...]


def regression_view(outliers: int, delta: float) -> RegressionView:
    """A line by squared, absolute and Huber loss through data with ``outliers``, and three checks."""
    reg = shared(live.regression_fits, outliers, delta)
    table = pd.DataFrame(
        [
            {
                t(f"{NS}.col_loss"): loss_label(k),
                t(f"{NS}.col_slope"): fmt(a, 4),
                t(f"{NS}.col_intercept"): fmt(c, 4),
                t(f"{NS}.col_slope_error"): fmt(a - L.TRUE_SLOPE, 3),
            }
            for k, (a, c) in reg.lines.items()
        ]
    )
    checks = (
        Check("numpy.polyfit (squared)", reg.check_lstsq, 1e-9),
        Check(
            "sklearn QuantileRegressor(quantile=0.5, solver='highs') (absolute): mean |r|",
            reg.check_lad,
            1e-9,
        ),
        Check(t(f"{NS}.huber_check"), reg.check_huber, 1e-8),
    )
    return RegressionView(Figure(*charts.regression_chart(reg.data, reg.lines)), table, checks)


# --- 4. SVM = L2 + hinge ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SvmView:
    plane: Figure
    values: dict[str, Any]  # the figures of the result text (losses.svm_result)
    check: Check
    caption: dict[str, Any]  # the figures of the caption (losses.svm_caption)


def svm_view(noise: float, outliers: int, lam: float) -> SvmView:
    """Our subgradient-descent SVM at strength ``lam`` beside scikit-learn's SVC, on the fits' data."""
    data = shared(live.classifier_fits, noise, outliers).data
    svm = shared(live.svm_fit, noise, outliers, lam)
    ref_w, ref_b = svm.reference
    segments = {
        "ours": (charts.boundary_points(svm.fit.w, svm.fit.b), "solid"),
        "ours+1": (charts.boundary_points(svm.fit.w, svm.fit.b, shift=1.0), "margin"),
        "ours-1": (charts.boundary_points(svm.fit.w, svm.fit.b, shift=-1.0), "margin"),
        "svc": (charts.boundary_points(ref_w, ref_b), "reference"),
    }
    ours_label, svc_label, margin_label = t(f"{NS}.svm_ours"), "sklearn SVC", t(f"{NS}.svm_margin")
    model_of = {"ours": ours_label, "ours+1": margin_label, "ours-1": margin_label, "svc": svc_label}
    lines = charts.lines_frame(segments, model_of)
    points = charts.points_frame(data.x_train, data.y_train, data.flipped, data.outlier)
    points.loc[svm.support, "kind"] = t(f"{NS}.kind_support")
    colours = {ours_label: "#1f77b4", margin_label: "#9ecae1", svc_label: "#111111"}
    plane = Figure(charts.plane_chart(points, lines, colours), pd.concat([points, lines], ignore_index=True))
    n = len(data.y_train)
    values = {
        "lam": fmt(lam, 3),
        "c": fmt(svm.c, 4),
        "width": fmt(svm.width, 4),
        "support": int(svm.support.sum()),
        "n": n,
        "empirical": fmt(svm.empirical_risk, 5),
        "regulariser": fmt(svm.regulariser, 5),
        "structural": fmt(svm.fit.objective, 5),
        "reference": fmt(svm.reference_objective, 5),
        "notes_form": fmt(svm.fit.objective * svm.c * n, 5),
        "test": fmt(svm.test_risk, 5),
    }
    gap = (svm.fit.objective - svm.reference_objective) / svm.reference_objective
    caption = {
        "steps": svm.fit.iterations,
        "w_diff": f"{float(np.abs(svm.fit.w - ref_w).max()):.1e}",
        "b_diff": f"{abs(svm.fit.b - ref_b):.1e}",
    }
    return SvmView(plane, values, Check(t(f"{NS}.svc_check"), gap, SVM_TOLERANCE), caption)


# --- 5. loss, risk and generalisation --------------------------------------------------------------------


@dataclass(frozen=True)
class RiskView:
    table: pd.DataFrame
    values: dict[str, Any]  # the figures of losses.risk_read
    check: Check


def risk_view(noise: float, outliers: int) -> RiskView:
    """The fits section's classifiers: empirical, structural, test and expected risk, the generalisation
    gap, and their error rates (the 0-1 loss) on the same three footings."""
    r = shared(live.risks, noise, outliers)
    table = pd.DataFrame(
        [
            {
                t(f"{NS}.col_loss"): loss_label(k),
                t(f"{NS}.col_empirical"): fmt(r.empirical[k], 4),
                t(f"{NS}.col_structural"): fmt(r.structural[k], 4),
                t(f"{NS}.col_test_risk"): fmt(r.test[k], 4),
                t(f"{NS}.col_expected"): fmt(r.expected[k], 4),
                t(f"{NS}.col_gap"): fmt(r.expected[k] - r.empirical[k], 3),
                t(f"{NS}.col_error_train"): fmt_pct(r.error_train[k]),
                t(f"{NS}.col_error_test"): fmt_pct(r.error_test[k]),
                t(f"{NS}.col_error_expected"): fmt_pct(r.error_expected[k]),
            }
            for k in L.FIT_LOSSES
        ]
    )
    k = "logistic"
    values = {
        "empirical": fmt(r.empirical[k], 4),
        "test": fmt(r.test[k], 4),
        "expected": fmt(r.expected[k], 4),
        "gap": fmt(r.expected[k] - r.empirical[k], 3),
    }
    return RiskView(table, values, Check(t(f"{NS}.risk_check"), r.check, 1e-9))


# --- 5. the softmax-twice mistake, trained -----------------------------------------------------------------


@dataclass(frozen=True)
class MistakeView:
    loss: Figure
    accuracy: Figure
    values: dict[str, Any]  # the figures of the result text (losses.mistake_result)
    check: Check


def mistake_view(epochs: int) -> MistakeView:
    """Softmax regression on the digits trained with the right loss and with softmax applied twice."""
    sm = shared(live.softmax_training, epochs)
    run = sm.run
    e = np.arange(epochs + 1)
    names = {
        "right": t(f"{NS}.curve_right"),
        "mistake": t(f"{NS}.curve_mistake"),
        "reported": t(f"{NS}.curve_reported"),
    }
    loss_df = pd.concat(
        [
            pd.DataFrame({"curve": names["right"], "epoch": e, "loss": run.loss_right}),
            pd.DataFrame({"curve": names["mistake"], "epoch": e, "loss": run.loss_mistake}),
            pd.DataFrame({"curve": names["reported"], "epoch": e, "loss": run.reported_mistake}),
        ],
        ignore_index=True,
    )
    acc_df = pd.concat(
        [
            pd.DataFrame({"curve": names["right"], "epoch": e, "accuracy": run.accuracy_right}),
            pd.DataFrame({"curve": names["mistake"], "epoch": e, "accuracy": run.accuracy_mistake}),
        ],
        ignore_index=True,
    )
    loss_chart = charts.training_chart(
        loss_df, "loss", t(f"{NS}.axis_loss"), list(names.values()), ["#1f77b4", "#d62728", "#ff9896"]
    )
    acc_chart = charts.training_chart(
        acc_df,
        "accuracy",
        t(f"{NS}.axis_accuracy"),
        [names["right"], names["mistake"]],
        ["#1f77b4", "#d62728"],
    )
    values = {
        "epochs": epochs,
        "n": sm.n_train,
        "n_test": sm.n_test,
        "right_loss": fmt(run.loss_right[-1], 4),
        "wrong_loss": fmt(run.loss_mistake[-1], 4),
        "reported": fmt(run.reported_mistake[-1], 4),
        "right_acc": fmt_pct(run.accuracy_right[-1]),
        "wrong_acc": fmt_pct(run.accuracy_mistake[-1]),
    }
    check = Check(t(f"{NS}.mistake_check"), sm.check, 1e-10)
    return MistakeView(Figure(loss_chart, loss_df), Figure(acc_chart, acc_df), values, check)


# --- 6. binary vs categorical cross-entropy ----------------------------------------------------------------


def bce_view() -> tuple[Figure, str, Check]:
    """BCE-with-logits(z, y) beside CE([0, z], y): the chart, their max |diff|, the check against torch."""
    bce_df, between, vs_torch = shared(live.binary_vs_categorical)
    check = Check("torch binary_cross_entropy_with_logits, cross_entropy", vs_torch, 1e-12)
    return Figure(charts.bce_chart(bce_df), bce_df), f"{between:.1e}", check


def curve_labels() -> list[tuple[str, str]]:
    """(key, label) of every margin loss's toggle."""
    return [(name, loss_label(name)) for name in MARGIN_NAMES]


def formula_table(kind: str) -> str:
    """The margin (``kind="margin"``) or residual losses as a Markdown table: each loss's formula and its
    gradient with respect to f, with the domain of y and f said above it (LaTeX, in the page's language)."""
    if kind == "margin":
        names, prefix = MARGIN_NAMES, ""
    elif kind == "residual":
        names, prefix = list(L.RESIDUAL_LOSSES), "r"
    else:
        raise ValueError(f"kind must be 'margin' or 'residual', got {kind!r}")
    head = (t(f"{NS}.col_loss"), t(f"{NS}.col_formula"), t(f"{NS}.col_grad_formula"))
    lines = [
        t(f"{NS}.formulas_{kind}"),
        "",
        "| " + " | ".join(head) + " |",
        "| --- | --- | --- |",
    ]
    for name in names:
        formula, grad = t(f"{NS}.{prefix}formula_{name}"), t(f"{NS}.{prefix}grad_{name}")
        lines.append(f"| {loss_label(name)} | {formula} | {grad} |")
    return "\n".join(lines)


# --- the log-loss chain ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainView:
    rows: pd.DataFrame  # the first training examples, each step of the chain
    values: dict[str, Any]  # the figures of losses.chain_result
    checks: tuple[Check, ...]


def log_chain_view(noise: float, outliers: int) -> ChainView:
    """-ln P(y|x) = ln(1 + e^{-yf}) = log_loss on the fits' training set, and LogisticRegression."""
    c = shared(live.log_loss_chain, noise, outliers)
    r = c.rows
    rows = pd.DataFrame(
        {
            "y": r["y"],
            "f(x)": [fmt(v, 4) for v in r["f"]],
            t(f"{NS}.col_p_label"): [fmt(v, 4) for v in r["P(y|x)"]],
            t(f"{NS}.col_chain_nll"): [fmt(v, 6) for v in r["nll"]],
            t(f"{NS}.col_chain_logistic"): [fmt(v, 6) for v in r["logistic"]],
        }
    )
    (w, b), (w_ref, b_ref) = c.ours, c.sklearn
    values = {
        "mean": fmt(c.mean_logistic, 6),
        "sklearn": fmt(c.sklearn_log_loss, 6),
        "c": fmt(c.c, 4),
        "w": row_text(w, 6),
        "b": fmt(b, 6),
        "w_ref": row_text(w_ref, 6),
        "b_ref": fmt(b_ref, 6),
        "j": fmt(c.objective_ours, 8),
        "j_ref": fmt(c.objective_sklearn, 8),
    }
    checks = (
        Check(t(f"{NS}.chain_check_nll"), c.nll_vs_logistic, 1e-12),
        Check("sklearn.metrics.log_loss(y, σ(f)): mean ln(1 + e^{−y f})", c.log_loss_diff, 1e-12),
        Check(t(f"{NS}.chain_check_lr"), c.param_diff, 1e-6),
    )
    return ChainView(rows, values, checks)


# --- AdaBoost ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BoostView:
    curves: Figure  # exponential loss, train and test error against the round
    stumps: pd.DataFrame  # the first rounds' stumps and weights
    values: dict[str, Any]  # the figures of losses.ab_result
    checks: tuple[Check, ...]


def boost_view(noise: float, rounds: int) -> BoostView:
    """Our AdaBoost against scikit-learn's, round by round, and where the weights went."""
    run = shared(live.adaboost_run, noise, rounds)
    names = {
        "exp_loss": t(f"{NS}.ab_exp_loss"),
        "train_error": t(f"{NS}.ab_train_error"),
        "test_error": t(f"{NS}.ab_test_error"),
    }
    long = run.rounds.melt("round", list(names), var_name="curve", value_name="value")
    long["curve"] = long["curve"].map(names)
    chart = charts.training_chart(
        long.rename(columns={"round": "epoch"}),
        "value",
        t(f"{NS}.ab_axis"),
        list(names.values()),
        ["#d62728", "#1f77b4", "#ff7f0e"],
    ).encode(x=alt.X("epoch:Q", title=t(f"{NS}.ab_round")))
    s = run.stumps.head(8)
    stumps = pd.DataFrame(
        {
            t(f"{NS}.ab_round"): s["round"],
            t(f"{NS}.ab_feature"): [f"x{'₁₂'[j]}" for j in s["feature"]],
            t(f"{NS}.ab_threshold"): [fmt(v, 6) for v in s["threshold"]],
            "ε": [fmt(v, 4) for v in s["error"]],
            t(f"{NS}.ab_col_beta"): [fmt(v, 5) for v in s["beta"]],
            t(f"{NS}.ab_col_alpha"): [fmt(v, 5) for v in s["alpha"]],
        }
    )
    last = run.rounds.iloc[-1]
    values = {
        "rounds": run.n_rounds,
        "loss": fmt(float(last["exp_loss"]), 4),
        "train": fmt_pct(run.train_accuracy),
        "test": fmt_pct(run.test_accuracy),
        "flipped": fmt_pct(run.flipped_share),
        "weight": fmt_pct(run.flipped_weight),
        "top": fmt_pct(run.top_flipped),
    }
    sk = "sklearn AdaBoostClassifier(DecisionTreeClassifier(max_depth=1))"
    checks = (
        Check(t(f"{NS}.ab_check_stumps", sk=sk), run.stump_diff, 1e-12),
        Check(t(f"{NS}.ab_check_weights"), max(run.weight_diff, run.alpha_diff / 2), 1e-12),
        Check(t(f"{NS}.ab_check_decision"), run.decision_diff, 1e-12),
    )
    data = run.rounds.merge(run.stumps, on="round", how="left")
    return BoostView(Figure(chart, data), stumps, values, checks)


# --- risk with a capacity knob -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CapacityView:
    figure: Figure
    values: dict[str, Any]  # the figures of losses.capacity_read
    checks: tuple[Check, ...]


def capacity_view(noise: float, outliers: int) -> CapacityView:
    """Empirical, structural, held-out, expected risk and the gap of the logistic classifier over lambda."""
    frame, check_sklearn, check_quad = shared(live.capacity_risks, noise, outliers)
    names = {k: t(f"{NS}.cap_{k}") for k in ("empirical", "structural", "held_out", "expected", "gap")}
    long = frame.melt("lambda", list(names), var_name="curve", value_name="risk")
    long["curve"] = long["curve"].map(names)
    chart = (
        alt.Chart(long)
        .mark_line(strokeWidth=2.2, point=True)
        .encode(
            x=alt.X("lambda:Q", scale=alt.Scale(type="log"), title="λ"),
            y=alt.Y("risk:Q", title=t(f"{NS}.cap_axis")),
            color=alt.Color(
                "curve:N",
                scale=alt.Scale(
                    domain=list(names.values()), range=["#1f77b4", "#9ecae1", "#ff7f0e", "#d62728", "#2ca02c"]
                ),
                legend=alt.Legend(title=None, orient="bottom", columns=2, labelLimit=400),
            ),
            tooltip=[
                alt.Tooltip("curve:N"),
                alt.Tooltip("lambda:Q", format=".1e"),
                alt.Tooltip("risk:Q", format=".4f"),
            ],
        )
        .properties(height=320)
    )
    best_held, best_exp = frame.loc[frame["held_out"].idxmin()], frame.loc[frame["expected"].idxmin()]
    values = {
        "lam_held": fmt(float(best_held["lambda"]), 2),
        "held": fmt(float(best_held["held_out"]), 4),
        "lam_exp": fmt(float(best_exp["lambda"]), 2),
        "exp": fmt(float(best_exp["expected"]), 4),
        "gap_low": fmt(float(frame["gap"].iloc[0]), 3),
        "gap_high": fmt(float(frame["gap"].iloc[-1]), 3),
    }
    checks = (
        Check("sklearn LogisticRegression(C = 1/(λn)) at λ = 1e-4, 1e-3, …, 10: w, b", check_sklearn, 1e-6),
        Check(t(f"{NS}.cap_check_quad"), check_quad, 1e-9),
    )
    return CapacityView(Figure(chart, frame), values, checks)
