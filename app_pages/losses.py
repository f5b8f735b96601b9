"""Loss functions: the notes' losses on one chart, what each does to a live fit, the SVM as L2 + hinge,
and cross-entropy taken apart, every number checked against torch / scikit-learn.

The page only draws: every section's view (tables, charts, figures, checks) comes from ``ui.losses``."""

from functools import partial

import streamlit as st

from ui.layout import page_header

# the title and introduction first: the views below call torch and scikit-learn (seconds on a fresh server)
page_header("losses")

from ui import losses as w
from ui.charts import show_chart
from ui.format import fmt
from ui.i18n import translator
from ui.layout import error_box, notes_corrections, reference_check, static_table
from ui.reproduce import reproduce_expander
from ui.sections import choose_section, draw_sections, settings_from
from ui.state import translated_choice

PAGE = "losses"
tr = translator(PAGE)
w.seed_state()
chosen = choose_section(PAGE)


# --- 1. every loss on one chart -----------------------------------------------------------------------
def curves_section() -> None:
    st.header(tr("curves_title"), anchor="curves")
    notes_corrections("losses", "curves")
    st.markdown(tr("curves_intro"))
    curves = w.curve_labels()
    for (name, label), column in zip(curves, st.columns(len(curves)), strict=True):
        column.toggle(label, key=f"ls_show_{name}")
    shown = [name for name, _ in curves if st.session_state[f"ls_show_{name}"]]
    m = float(st.slider(tr("margin_point"), *w.MARGIN_RANGE, step=0.05, key="ls_m"))
    with st.spinner(tr("spinner_check")):
        margin = w.margin_view(shown, m)
    if margin is not None:
        left, right = st.columns(2)
        with left:
            st.subheader(tr("margin_loss_title"))
            show_chart(*margin[0], key="ls_margin_loss")
        with right:
            st.subheader(tr("margin_grad_title"))
            show_chart(*margin[1], key="ls_margin_grad")
    else:
        st.info(tr("choose_one"))
    st.markdown(w.formula_table("margin"))
    st.markdown(tr("curves_read"))

    delta = float(st.slider(tr("delta"), 0.1, 3.0, step=0.1, key="ls_delta"))
    residual = w.residual_view(delta, m)
    left, right = st.columns(2)
    with left:
        st.subheader(tr("residual_loss_title"))
        show_chart(*residual.loss, key="ls_residual_loss")
    with right:
        st.subheader(tr("residual_grad_title"))
        show_chart(*residual.gradient, key="ls_residual_grad")
    st.markdown(w.formula_table("residual"))
    st.markdown(tr("readout_title", m=fmt(m, 3)))
    static_table(residual.readout)
    reference_check(*residual.check)


# --- 2. what each loss does to a fit ------------------------------------------------------------------
def fits_section() -> None:
    st.header(tr("fits_title"), anchor="fits")
    notes_corrections("losses", "fits")
    st.markdown(tr("fits_intro", lam=w.FIT_LAMBDA))
    c1, c2 = st.columns(2)
    noise = float(c1.slider(tr("noise"), 0.0, 0.4, step=0.05, key="ls_noise"))
    outliers = int(c2.slider(tr("outliers"), 0, 30, key="ls_outliers"))
    with st.spinner(tr("spinner_fit")):
        fits = w.fits_view(noise, outliers)
    show_chart(*fits.plane, key="ls_fits")
    st.dataframe(fits.table, hide_index=True, width="stretch")
    st.caption(tr("fits_caption", n=fits.n_train, n_test=fits.n_test))
    for check in fits.checks:
        reference_check(*check)
    reproduce_expander("losses", "fits", fits, noise=noise, outliers=outliers)
    st.markdown(tr("fits_read"))
    if st.button(tr("open_metrics"), key="ls_open_metrics", icon=":material/insights:"):
        w.open_in_metrics(fits.fits, noise, outliers)
    st.caption(tr("open_metrics_caption"))

    st.subheader(tr("chain_title"), anchor="log-loss-chain")
    notes_corrections("losses", "log-loss-chain")
    st.markdown(tr("chain_intro"))
    chain = w.log_chain_view(noise, outliers)
    st.dataframe(chain.rows, hide_index=True, width="stretch")
    st.markdown(tr("chain_result", **chain.values))
    for check in chain.checks:
        reference_check(*check)
    adaboost_section()


@st.fragment
def adaboost_section() -> None:
    st.subheader(tr("ab_title"), anchor="adaboost")
    notes_corrections("losses", "adaboost")
    st.markdown(tr("ab_intro"))
    c1, c2 = st.columns(2)
    ab_noise = float(c1.slider(tr("ab_noise"), 0.0, 0.4, step=0.05, key="ls_ab_noise"))
    rounds = int(c2.slider(tr("ab_rounds"), 1, w.AB_ROUNDS, key="ls_ab_rounds"))
    with st.spinner(tr("spinner_fit")):
        boost = w.boost_view(ab_noise, rounds)
    show_chart(*boost.curves, key="ls_adaboost")
    st.dataframe(boost.stumps, hide_index=True, width="stretch")
    st.markdown(tr("ab_result", **boost.values))
    for check in boost.checks:
        reference_check(*check)
    st.markdown(tr("ab_read"))
    w.write_url()


# --- 3. regression with outliers ----------------------------------------------------------------------
def regression_section() -> None:
    delta = float(st.session_state["ls_delta"])  # the curves section's slider
    st.header(tr("reg_title"), anchor="regression")
    notes_corrections("losses", "regression")
    settings_from(PAGE, chosen, "curves", f"δ = {fmt(delta, 3)}")
    st.markdown(tr("reg_intro"))
    reg_outliers = int(st.slider(tr("reg_outliers"), 0, 15, key="ls_reg_outliers"))
    regression = w.regression_view(reg_outliers, delta)
    show_chart(*regression.figure, key="ls_regression")
    st.dataframe(regression.table, hide_index=True, width="stretch")
    st.caption(tr("reg_caption", delta=fmt(delta, 3)))
    for check in regression.checks:
        reference_check(*check)
    reproduce_expander("losses", "regression", regression, outliers=reg_outliers, delta=delta)


# --- 4. SVM = L2 + hinge (a fragment: moving lambda reruns this section only) -------------------------


@st.fragment
def svm_section(noise: float, outliers: int) -> None:
    st.header(tr("svm_title"), anchor="svm")
    notes_corrections("losses", "svm")
    settings_from(PAGE, chosen, "fits", tr("fits_settings", noise=fmt(noise, 3), outliers=outliers))
    st.markdown(tr("svm_intro"))
    lam = float(st.select_slider(tr("svm_lambda"), w.SVM_LAMBDAS, key="ls_svm_lam", format_func=fmt))
    svm = w.svm_view(noise, outliers, lam)
    show_chart(*svm.plane, key="ls_svm")
    st.markdown(tr("svm_result", **svm.values))
    reference_check(*svm.check)
    st.caption(tr("svm_caption", **svm.caption))
    reproduce_expander("losses", "svm", svm, noise=noise, outliers=outliers, lam=lam)
    w.write_url()


# --- 5. loss, risk and generalisation -----------------------------------------------------------------
def risk_section(noise: float, outliers: int) -> None:
    st.header(tr("risk_title"), anchor="risk")
    notes_corrections("losses", "risk")
    settings_from(PAGE, chosen, "fits", tr("fits_settings", noise=fmt(noise, 3), outliers=outliers))
    st.markdown(tr("risk_intro"))
    risk = w.risk_view(noise, outliers)
    st.dataframe(risk.table, hide_index=True, width="stretch")
    st.markdown(tr("risk_read", **risk.values))
    reference_check(*risk.check)
    st.subheader(tr("cap_title"), anchor="capacity")
    st.markdown(tr("cap_intro"))
    with st.spinner(tr("spinner_fit")):
        capacity = w.capacity_view(noise, outliers)
    show_chart(*capacity.figure, key="ls_capacity")
    st.markdown(tr("cap_read", **capacity.values))
    for check in capacity.checks:
        reference_check(*check)


# --- 6. cross-entropy taken apart (a fragment: its inputs rerun this section only) --------------------


def draw_batch(batch: w.CrossEntropyView, reduction: str) -> None:
    """The typed batch step by step, F.cross_entropy's value with the options, and the check."""
    if batch.steps is not None:
        st.dataframe(batch.steps, hide_index=True, width="stretch")
        st.markdown(tr("ce_plain_mean", mean=batch.plain_mean))
    st.markdown(tr("ce_result", reduction=reduction, value=batch.result))
    if batch.all_ignored:
        st.warning(tr("ce_all_ignored"))
    reference_check(*batch.check)


def draw_mistake(batch: w.CrossEntropyView) -> None:
    """Softmax applied twice: on the typed batch, then in a training on the digits."""
    st.subheader(tr("mistake_title"), anchor="softmax-twice")
    if batch.mistake is not None:
        st.markdown(tr("mistake_batch", **batch.mistake))
    epochs = int(st.slider(tr("epochs"), 1, 200, key="ls_epochs"))
    with st.spinner(tr("spinner_train")):
        mistake = w.mistake_view(epochs)
    left, right = st.columns(2)
    with left:
        show_chart(*mistake.loss, key="ls_mistake_loss")
    with right:
        show_chart(*mistake.accuracy, key="ls_mistake_accuracy")
    st.markdown(tr("mistake_result", **mistake.values))
    reference_check(*mistake.check)


def draw_overflow(batch: w.CrossEntropyView) -> None:
    """The batch's first row scaled up, through the naive and the stable softmax."""
    st.subheader(tr("overflow_title"), anchor="overflow")
    st.markdown(tr("overflow_intro"))
    scale = int(st.select_slider(tr("scale"), w.SCALES, key="ls_scale", format_func=lambda v: f"×{v:,}"))
    table, naive_broke = w.overflow_view(batch.logits, scale)
    st.dataframe(table, hide_index=True, width="stretch")
    if naive_broke:
        st.warning(tr("overflow_nan"), icon=":material/warning:")
    else:
        st.caption(tr("overflow_fine"))


@st.fragment
def cross_entropy_section() -> None:
    st.header(tr("ce_title"), anchor="cross-entropy")
    notes_corrections("losses", "cross-entropy")
    st.markdown(tr("ce_intro"))
    c1, c2 = st.columns([3, 2])
    logits_text = c1.text_area(
        tr("ce_logits"), key="ls_ce_logits", height=140, max_chars=w.MAX_CHARS["ls_ce_logits"]
    )
    target_text = c2.text_input(tr("ce_target"), key="ls_ce_target", max_chars=w.MAX_CHARS["ls_ce_target"])
    weight_text = c2.text_input(
        tr("ce_weight"), key="ls_ce_weight", placeholder="1, 1, 1", max_chars=w.MAX_CHARS["ls_ce_weight"]
    )
    c1, c2, c3 = st.columns(3)
    reduction = translated_choice(
        c1.selectbox, tr("ce_reduction"), w.REDUCTIONS, w.reduction_labels(), key="ls_ce_reduction"
    )
    smoothing = float(c2.slider(tr("ce_smoothing"), 0.0, 1.0, step=0.05, key="ls_ce_smoothing"))
    ignore_index = int(c3.number_input(tr("ce_ignore"), -1000, 1000, step=1, key="ls_ce_ignore"))
    try:
        batch = w.cross_entropy_view(
            logits_text, target_text, weight_text, reduction, smoothing, ignore_index
        )
    except ValueError as error:
        error_box(error)
    else:
        draw_batch(batch, reduction)
        texts = {"logits_text": logits_text, "target_text": target_text, "weight_text": weight_text}
        options = {"reduction": reduction, "smoothing": smoothing, "ignore_index": ignore_index}
        reproduce_expander("losses", "cross-entropy", batch, **texts, **options)
        draw_mistake(batch)
        draw_overflow(batch)
    w.write_url()


# --- 7. binary vs categorical cross-entropy -----------------------------------------------------------
def bce_section() -> None:
    st.header(tr("bce_title"), anchor="binary-vs-categorical")
    notes_corrections("losses", "binary-vs-categorical")
    st.markdown(tr("bce_intro"))
    bce, between, bce_check = w.bce_view()
    show_chart(*bce, key="ls_bce")
    st.markdown(tr("bce_result", diff=between))
    reference_check(*bce_check)


# the fits section's data: its sliders' values (kept in session state while that section is hidden)
noise, outliers = float(st.session_state["ls_noise"]), int(st.session_state["ls_outliers"])
draw_sections(
    PAGE,
    chosen,
    {
        "curves": curves_section,
        "fits": fits_section,
        "regression": regression_section,
        "svm": partial(svm_section, noise, outliers),
        "risk": partial(risk_section, noise, outliers),
        "cross-entropy": cross_entropy_section,
        "binary-vs-categorical": bce_section,
    },
)

w.write_url()
