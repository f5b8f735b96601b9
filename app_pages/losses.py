"""Loss functions: the notes' losses on one chart, what each does to a live fit, the SVM as L2 + hinge,
and cross-entropy taken apart, every number checked against torch / scikit-learn."""

import numpy as np
import pandas as pd
import streamlit as st

from ui.layout import page_header

# the title and introduction first: the imports below load torch (seconds on a fresh server)
page_header("losses")

from core import losses as L
from ui import losses as w
from ui.charts import show_chart
from ui.i18n import t
from ui.layout import about_the_notes, reference_check

NS = "losses"
SVM_TOLERANCE = 1e-2  # relative gap of the structural risk: subgradient descent converges slowly
w.seed_state()


def error_box(error: ValueError) -> None:
    st.error(f"{t('common.error_prefix')} {error}")


# --- 1. every loss on one chart -----------------------------------------------------------------------
st.header(t(f"{NS}.curves_title"))
st.markdown(t(f"{NS}.curves_intro"))
for name, column in zip(w.MARGIN_NAMES, st.columns(len(w.MARGIN_NAMES)), strict=True):
    column.toggle(w.loss_label(name), key=f"ls_show_{name}")
shown = [name for name in w.MARGIN_NAMES if st.session_state[f"ls_show_{name}"]]
m = float(st.slider(t(f"{NS}.margin_point"), *w.MARGIN_RANGE, step=0.05, key="ls_m"))
with st.spinner(t(f"{NS}.spinner_check")):
    curves, margin_diff = w.margin_curves()
if shown:
    picked = curves[curves["loss"].isin(shown)]
    left, right = st.columns(2)
    with left:
        st.subheader(t(f"{NS}.margin_loss_title"))
        chart = w.curve_chart(
            picked, "margin", "value", x_title="m = y·f(x)", y_title="L", y_domain=(0.0, 5.0), rule_at=m
        )
        show_chart(chart, picked[["loss", "margin", "value"]], key="ls_margin_loss")
    with right:
        st.subheader(t(f"{NS}.margin_grad_title"))
        chart = w.curve_chart(
            picked,
            "margin",
            "gradient",
            x_title="m = f(x), y = +1",
            y_title="∂L/∂f",
            y_domain=(-4.0, 1.0),
            rule_at=m,
        )
        show_chart(chart, picked[["loss", "margin", "gradient"]], key="ls_margin_grad")
else:
    st.info(t(f"{NS}.choose_one"))
st.markdown(t(f"{NS}.curves_read"))

delta = float(st.slider(t(f"{NS}.delta"), 0.1, 3.0, step=0.1, key="ls_delta"))
residual, residual_diff = w.residual_curves(delta)
left, right = st.columns(2)
with left:
    st.subheader(t(f"{NS}.residual_loss_title"))
    chart = w.curve_chart(
        residual, "residual", "value", x_title="r = ŷ − y", y_title="L", y_domain=(0.0, 5.0), rule_at=m
    )
    show_chart(chart, residual[["loss", "residual", "value"]], key="ls_residual_loss")
with right:
    st.subheader(t(f"{NS}.residual_grad_title"))
    chart = w.curve_chart(
        residual,
        "residual",
        "gradient",
        x_title="r = ŷ − y",
        y_title="∂L/∂ŷ",
        y_domain=(-4.0, 4.0),
        rule_at=m,
    )
    show_chart(chart, residual[["loss", "residual", "gradient"]], key="ls_residual_grad")
st.markdown(t(f"{NS}.readout_title", m=w.fmt(m, 3)))
st.dataframe(w.readout(m, delta), hide_index=True, width="stretch")
reference_check(t(f"{NS}.curves_check"), max(margin_diff, residual_diff), 1e-12)

# --- 2. what each loss does to a fit ------------------------------------------------------------------
st.header(t(f"{NS}.fits_title"))
st.markdown(t(f"{NS}.fits_intro", lam=w.FIT_LAMBDA))
c1, c2 = st.columns(2)
noise = float(c1.slider(t(f"{NS}.noise"), 0.0, 0.4, step=0.05, key="ls_noise"))
outliers = int(c2.slider(t(f"{NS}.outliers"), 0, 30, key="ls_outliers"))
with st.spinner(t(f"{NS}.spinner_fit")):
    fits = w.classifier_fits(noise, outliers)
data = fits.data
points = w.points_frame(data.x_train, data.y_train, data.flipped, data.outlier)
labels = {k: w.loss_label(k) for k in L.FIT_LOSSES}
segments = {k: (w.boundary_points(f.w, f.b), "solid") for k, f in fits.fits.items()}
lines = w.lines_frame(segments, labels)
chart = w.plane_chart(points, lines, {labels[k]: w.COLOURS[k] for k in L.FIT_LOSSES})
show_chart(chart, pd.concat([points, lines], ignore_index=True), key="ls_fits")
rows = []
for k, fit in fits.fits.items():
    rows.append(
        {
            t(f"{NS}.col_loss"): labels[k],
            t(f"{NS}.col_train_acc"): f"{100 * fits.train_accuracy[k]:.1f}%",
            t(f"{NS}.col_test_acc"): f"{100 * fits.test_accuracy[k]:.1f}%",
            "w": w.row_text(fit.w, 3),
            "b": w.fmt(fit.b, 3),
            t(f"{NS}.col_risk"): w.fmt(fit.objective, 4),
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
st.caption(t(f"{NS}.fits_caption", n=len(data.y_train), n_test=len(data.y_test)))
reference_check("sklearn LogisticRegression (logistic), Ridge (squared): w, b", fits.check_sklearn, 1e-6)
reference_check(t(f"{NS}.exp_check"), fits.check_torch, 1e-8)
reference_check(t(f"{NS}.svc_check"), fits.check_svc, SVM_TOLERANCE)
st.markdown(t(f"{NS}.fits_read"))
if st.button(t(f"{NS}.open_metrics"), key="ls_open_metrics", icon=":material/insights:"):
    w.open_in_metrics(fits, noise, outliers)
st.caption(t(f"{NS}.open_metrics_caption"))

# --- 3. regression with outliers ----------------------------------------------------------------------
st.header(t(f"{NS}.reg_title"))
st.markdown(t(f"{NS}.reg_intro"))
reg_outliers = int(st.slider(t(f"{NS}.reg_outliers"), 0, 15, key="ls_reg_outliers"))
reg = w.regression_fits(reg_outliers, delta)
chart, download = w.regression_chart(reg.data, reg.lines)
show_chart(chart, download, key="ls_regression")
st.dataframe(
    pd.DataFrame(
        [
            {
                t(f"{NS}.col_loss"): w.loss_label(k),
                t(f"{NS}.col_slope"): w.fmt(a, 4),
                t(f"{NS}.col_intercept"): w.fmt(c, 4),
                t(f"{NS}.col_slope_error"): w.fmt(a - L.TRUE_SLOPE, 3),
            }
            for k, (a, c) in reg.lines.items()
        ]
    ),
    hide_index=True,
    width="stretch",
)
st.caption(t(f"{NS}.reg_caption", delta=w.fmt(delta, 3)))
reference_check("numpy.polyfit (squared)", reg.check_lstsq, 1e-9)
reference_check(
    "sklearn QuantileRegressor(quantile=0.5, solver='highs') (absolute): mean |r|", reg.check_lad, 1e-9
)
reference_check(t(f"{NS}.huber_check"), reg.check_huber, 1e-8)

# --- 4. SVM = L2 + hinge (a fragment: moving lambda reruns this section only) -------------------------


@st.fragment
def svm_section(noise: float, outliers: int) -> None:
    data = w.classifier_fits(noise, outliers).data
    st.header(t(f"{NS}.svm_title"))
    st.markdown(t(f"{NS}.svm_intro"))
    lam = float(st.select_slider(t(f"{NS}.svm_lambda"), w.SVM_LAMBDAS, key="ls_svm_lam", format_func=w.fmt))
    svm = w.svm_view(noise, outliers, lam)
    ref_w, ref_b = svm.reference
    segments = {
        "ours": (w.boundary_points(svm.fit.w, svm.fit.b), "solid"),
        "ours+1": (w.boundary_points(svm.fit.w, svm.fit.b, shift=1.0), "margin"),
        "ours-1": (w.boundary_points(svm.fit.w, svm.fit.b, shift=-1.0), "margin"),
        "svc": (w.boundary_points(ref_w, ref_b), "reference"),
    }
    ours_label, svc_label, margin_label = t(f"{NS}.svm_ours"), "sklearn SVC", t(f"{NS}.svm_margin")
    model_of = {"ours": ours_label, "ours+1": margin_label, "ours-1": margin_label, "svc": svc_label}
    svm_lines = w.lines_frame(segments, model_of)
    svm_points = w.points_frame(data.x_train, data.y_train, data.flipped, data.outlier)
    svm_points.loc[svm.support, "kind"] = t(f"{NS}.kind_support")
    chart = w.plane_chart(
        svm_points, svm_lines, {ours_label: "#1f77b4", margin_label: "#9ecae1", svc_label: "#111111"}
    )
    show_chart(chart, pd.concat([svm_points, svm_lines], ignore_index=True), key="ls_svm")
    values = {
        "lam": w.fmt(lam, 3),
        "c": w.fmt(svm.c, 4),
        "width": w.fmt(svm.width, 4),
        "support": int(svm.support.sum()),
        "n": len(data.y_train),
        "empirical": w.fmt(svm.empirical_risk, 5),
        "regulariser": w.fmt(svm.regulariser, 5),
        "structural": w.fmt(svm.fit.objective, 5),
        "reference": w.fmt(svm.reference_objective, 5),
        "notes_form": w.fmt(svm.fit.objective * svm.c * len(data.y_train), 5),
        "test": w.fmt(svm.test_risk, 5),
    }
    st.markdown(t(f"{NS}.svm_result", **values))
    gap = (svm.fit.objective - svm.reference_objective) / svm.reference_objective
    reference_check(t(f"{NS}.svc_check"), gap, SVM_TOLERANCE)
    w_diff = float(np.abs(svm.fit.w - ref_w).max())
    st.caption(
        t(
            f"{NS}.svm_caption",
            steps=svm.fit.iterations,
            w_diff=f"{w_diff:.1e}",
            b_diff=f"{abs(svm.fit.b - ref_b):.1e}",
        )
    )

    w.write_url()


svm_section(noise, outliers)

# --- 5. cross-entropy taken apart (a fragment: its inputs rerun this section only) --------------------


@st.fragment
def cross_entropy_section() -> None:
    st.header(t(f"{NS}.ce_title"))
    st.markdown(t(f"{NS}.ce_intro"))
    c1, c2 = st.columns([3, 2])
    logits_text = c1.text_area(t(f"{NS}.ce_logits"), key="ls_ce_logits", height=140)
    target_text = c2.text_input(t(f"{NS}.ce_target"), key="ls_ce_target")
    weight_text = c2.text_input(t(f"{NS}.ce_weight"), key="ls_ce_weight", placeholder="1, 1, 1")
    c1, c2, c3 = st.columns(3)
    reduction = c1.selectbox("reduction", ["mean", "sum", "none"], key="ls_ce_reduction")
    smoothing = float(c2.slider("label_smoothing", 0.0, 1.0, step=0.05, key="ls_ce_smoothing"))
    ignore_index = int(c3.number_input("ignore_index", -1000, 1000, step=1, key="ls_ce_ignore"))
    batch = None
    try:
        logits = w.parse_logits(logits_text)
        target = w.parse_targets(target_text, logits.shape[0])
        weight = w.parse_weight(weight_text, logits.shape[1])
        result = L.cross_entropy(logits, target, reduction, weight, ignore_index, smoothing)
        batch = (logits, target)
    except ValueError as error:
        error_box(error)
    if batch is not None:
        logits, target = batch
        plain = target.copy()
        usable = (plain >= 0) & (plain < logits.shape[1])
        steps = L.cross_entropy_steps(logits[usable], plain[usable]) if usable.any() else None
        if steps is not None:
            step_rows = []
            for i, (row, y) in enumerate(zip(logits[usable], plain[usable], strict=True)):
                step_rows.append(
                    {
                        "n": i,
                        "z": w.row_text(row, 3),
                        "max z": w.fmt(steps["shift"][i], 4),
                        "log Σ exp z": w.fmt(steps["logsumexp"][i], 5),
                        "log softmax": w.row_text(steps["log_softmax"][i], 4),
                        "softmax": w.row_text(steps["softmax"][i], 3),
                        "y": int(y),
                        "log p_y": w.fmt(steps["picked"][i], 5),
                        "−log p_y": w.fmt(steps["losses"][i], 5),
                    }
                )
            st.dataframe(pd.DataFrame(step_rows), hide_index=True, width="stretch")
            st.markdown(t(f"{NS}.ce_plain_mean", mean=w.fmt(steps["mean"], 6)))
        shown_result = w.row_text(np.asarray(result), 5) if reduction == "none" else w.fmt(float(result), 8)
        st.markdown(t(f"{NS}.ce_result", reduction=reduction, value=shown_result))
        ours_arr = np.asarray(result, dtype=np.float64)
        ref_arr = np.asarray(
            w.torch_cross_entropy(logits, target, reduction, weight, ignore_index, smoothing)
        )
        nan = np.isnan(ours_arr)
        if (nan != np.isnan(ref_arr)).any():
            ce_diff = np.inf  # NaN in one and not the other
        else:
            ce_diff = float(np.abs(ours_arr[~nan] - ref_arr[~nan]).max()) if (~nan).any() else 0.0
        if nan.all():
            st.warning(t(f"{NS}.ce_all_ignored"))
        reference_check("torch.nn.functional.cross_entropy", ce_diff, 1e-12)

        st.subheader(t(f"{NS}.mistake_title"))
        probs = L.softmax(logits, axis=1)
        keep = (target >= 0) & (target < logits.shape[1])
        if keep.any():
            right = L.cross_entropy(logits[keep], target[keep])
            wrong = L.cross_entropy(probs[keep], target[keep])
            low, uniform = L.softmax_twice_bounds(logits.shape[1])
            st.markdown(
                t(
                    f"{NS}.mistake_batch",
                    right=w.fmt(right, 5),
                    wrong=w.fmt(wrong, 5),
                    low=w.fmt(low, 4),
                    uniform=w.fmt(uniform, 4),
                    c=logits.shape[1],
                )
            )
        epochs = int(st.slider(t(f"{NS}.epochs"), 1, 200, key="ls_epochs"))
        with st.spinner(t(f"{NS}.spinner_train")):
            sm = w.softmax_view(epochs)
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
        left, right_col = st.columns(2)
        with left:
            chart = w.training_chart(
                loss_df, "loss", t(f"{NS}.axis_loss"), list(names.values()), ["#1f77b4", "#d62728", "#ff9896"]
            )
            show_chart(chart, loss_df, key="ls_mistake_loss")
        with right_col:
            chart = w.training_chart(
                acc_df,
                "accuracy",
                t(f"{NS}.axis_accuracy"),
                [names["right"], names["mistake"]],
                ["#1f77b4", "#d62728"],
            )
            show_chart(chart, acc_df, key="ls_mistake_accuracy")
        st.markdown(
            t(
                f"{NS}.mistake_result",
                epochs=epochs,
                n=sm.n_train,
                n_test=sm.n_test,
                right_loss=w.fmt(run.loss_right[-1], 4),
                wrong_loss=w.fmt(run.loss_mistake[-1], 4),
                reported=w.fmt(run.reported_mistake[-1], 4),
                right_acc=f"{100 * run.accuracy_right[-1]:.1f}%",
                wrong_acc=f"{100 * run.accuracy_mistake[-1]:.1f}%",
            )
        )
        reference_check(t(f"{NS}.mistake_check"), sm.check, 1e-10)

        st.subheader(t(f"{NS}.overflow_title"))
        st.markdown(t(f"{NS}.overflow_intro"))
        scale = int(
            st.select_slider(t(f"{NS}.scale"), w.SCALES, key="ls_scale", format_func=lambda v: f"×{v:,}")
        )
        scaled = logits[:1] * scale
        naive = L.softmax_naive(scaled)[0]
        stable = L.softmax(scaled, axis=1)[0]
        st.dataframe(
            pd.DataFrame(
                {
                    t(f"{NS}.overflow_col_what"): [
                        t(f"{NS}.overflow_logits"),
                        t(f"{NS}.overflow_naive"),
                        t(f"{NS}.overflow_stable"),
                    ],
                    t(f"{NS}.overflow_col_values"): [
                        w.row_text(scaled[0], 5),
                        w.row_text(naive, 4),
                        w.row_text(stable, 4),
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        if np.isnan(naive).any():
            st.warning(t(f"{NS}.overflow_nan"), icon=":material/warning:")
        else:
            st.caption(t(f"{NS}.overflow_fine"))

    w.write_url()


cross_entropy_section()

# --- 6. binary vs categorical cross-entropy -----------------------------------------------------------
st.header(t(f"{NS}.bce_title"))
st.markdown(t(f"{NS}.bce_intro"))
bce_df, between, bce_vs_torch = w.binary_vs_categorical()
show_chart(w.bce_chart(bce_df), bce_df, key="ls_bce")
st.markdown(t(f"{NS}.bce_result", diff=f"{between:.1e}"))
reference_check("torch binary_cross_entropy_with_logits, cross_entropy", bce_vs_torch, 1e-12)

about_the_notes([(t(f"{NS}.notes_{i}_said"), t(f"{NS}.notes_{i}_verified")) for i in range(1, 11)])
w.write_url()
