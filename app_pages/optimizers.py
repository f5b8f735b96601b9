"""Optimizers: SGD to AdamW on 2-D surfaces and on a real model, checked against torch.optim."""

import numpy as np
import pandas as pd
import streamlit as st

from ui.layout import page_header

# the title and introduction first: the imports below load torch (seconds on a fresh server)
page_header("optimizers")

from core.optimizers import FRAMEWORK, SURFACES, RunSpec, full_hyperparameters
from ui import optimizers as w
from ui.charts import show_chart
from ui.i18n import t
from ui.layout import about_the_notes, reference_check
from ui.state import translated_choice

NS = "optimizers"
TOLERANCE = 1e-10

ignored = w.restore_state()
if ignored:
    st.warning(t(f"{NS}.url_ignored", items=", ".join(ignored)))

# --- the view's main controls ----------------------------------------------------------------------------
c1, c2 = st.columns([1, 3])
with c1:
    surface_key = translated_choice(
        st.selectbox,
        t(f"{NS}.surface"),
        list(SURFACES),
        {k: t(f"{NS}.surface_{k}") for k in SURFACES},
        key="opt_surface",
        on_change=w.reset_learning_rates,
    )
with c2:
    names = st.multiselect(t(f"{NS}.optimizers"), w.NAMES, key="opt_names")
surface = SURFACES[surface_key]
c1, c2, c3, c4 = st.columns(4)
previous_steps = st.session_state.get("opt_previous_steps", st.session_state["opt_steps"])
with c1:
    steps = int(st.number_input(t(f"{NS}.steps"), 1, w.MAX_STEPS, step=100, key="opt_steps"))
with c2:
    x0 = st.number_input(
        t(f"{NS}.start_x"), -w.START_LIMIT, w.START_LIMIT, step=0.1, format="%g", key="opt_x0"
    )
with c3:
    y0 = st.number_input(
        t(f"{NS}.start_y"), -w.START_LIMIT, w.START_LIMIT, step=0.1, format="%g", key="opt_y0"
    )
with c4:
    st.write("")
    fair = st.toggle(t(f"{NS}.fair"), key="opt_fair", help=t(f"{NS}.fair_help"))
st.latex(surface.latex)

with st.expander(t(f"{NS}.hyperparameters"), icon=":material/tune:"):
    st.caption(t(f"{NS}.hyperparameters_caption"))
    w.hyperparameter_widgets()
    st.button(t(f"{NS}.reset_lr"), key="opt_reset_lr", on_click=w.reset_learning_rates)

# every chosen optimizer with its settings; a bad setting is reported and that optimizer left out
specs: list[RunSpec] = []
for name in names:
    hyper = w.hyperparameters_of(name)
    try:
        full_hyperparameters(name, hyper)
    except ValueError as error:
        st.error(f"{t('common.error_prefix')} {name}: {error}")
        continue
    specs.append(RunSpec(name, hyper))
start = (float(x0), float(y0))

if not specs:
    st.info(t(f"{NS}.choose_one"))
else:
    tuning = None
    if fair:
        with st.spinner(t(f"{NS}.tuning_spinner")):
            tuning = w.cached_tuning(surface_key, w.spec_key(specs), steps, start)
        specs = [
            RunSpec(s.optimizer, {**s.hyperparameters, "lr": float(lr)})
            for s, lr in zip(specs, tuning.best_lr, strict=True)
        ]
    with st.spinner(t(f"{NS}.running_spinner")):
        run = w.cached_run(surface_key, w.spec_key(specs), steps, start)

    # the step slider: if it was at the end, it stays at the end when the number of steps changes
    if st.session_state.get("opt_t", steps) > steps or st.session_state.get("opt_t") == previous_steps:
        st.session_state["opt_t"] = steps
    st.session_state["opt_previous_steps"] = steps
    shown = st.slider(t(f"{NS}.step_slider"), 0, steps, key="opt_t")

    paths = {name: run["positions"][:, r] for r, name in enumerate(run["names"])}
    path_df = w.paths_frame(paths, upto=shown)
    current = pd.DataFrame(
        [
            {
                "label": name,
                "step": shown,
                "x": run["positions"][shown, r, 0],
                "y": run["positions"][shown, r, 1],
            }
            for r, name in enumerate(run["names"])
            if np.isfinite(run["positions"][shown, r]).all()
        ]
    )
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t(f"{NS}.paths_title"))
        show_chart(
            w.contour_chart(surface_key, path_df, current=current, start=start), path_df, key="opt_paths"
        )
    with right:
        st.subheader(t(f"{NS}.loss_title"))
        gap_df = w.gap_frame(run["names"], run["gap"])
        chart = w.log_line_chart(
            gap_df, "step", "gap", x_title=t(f"{NS}.axis_step"), y_title=t(f"{NS}.axis_gap"), rule_at=shown
        )
        show_chart(chart, gap_df, key="opt_loss")
        st.caption(t(f"{NS}.loss_caption", floor=w.fmt(w.GAP_FLOOR)))

    rows = []
    for r, spec in enumerate(specs):
        gap = run["gap"][:, r]
        reached = np.flatnonzero(gap <= 1e-3)
        rows.append(
            {
                t(f"{NS}.col_optimizer"): spec.optimizer,
                "lr": w.fmt(spec.hyperparameters["lr"]),
                t(f"{NS}.col_gap_at", step=shown): w.fmt(gap[shown]),
                t(f"{NS}.col_gap_end"): w.fmt(gap[-1]) if np.isfinite(gap[-1]) else t(f"{NS}.diverged"),
                t(f"{NS}.col_reach"): str(reached[0]) if reached.size else "—",
                t(f"{NS}.col_check"): f"{run['check'][r]:.1e}",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    checked_names = dict.fromkeys(s.optimizer for s in specs)
    reference_check(
        "torch.optim." + ", ".join(w.check_name(n) for n in checked_names),
        float(run["check"].max()),
        TOLERANCE,
    )
    st.caption(t(f"{NS}.check_caption", checked=run["checked"]))
    if "NAdam" in checked_names:
        st.caption(t(f"{NS}.nadam_check_note"))

    if tuning is not None:
        st.subheader(t(f"{NS}.fair_title"))
        best = int(np.argmin(tuning.best_score))
        st.markdown(
            t(
                f"{NS}.fair_found",
                steps=steps,
                low=w.fmt(tuning.grid[0]),
                high=w.fmt(tuning.grid[-1]),
                n=tuning.grid.size,
                best=tuning.optimizers[best],
                lr=w.fmt(tuning.best_lr[best]),
                score=w.fmt(tuning.best_score[best]),
            )
        )
        edge = [n for n, e in zip(tuning.optimizers, tuning.at_edge, strict=True) if e]
        if edge:
            st.warning(t(f"{NS}.fair_edge", names=", ".join(edge)))
        score_df = pd.DataFrame(
            [
                {"label": name, "lr": lr, "score": max(score, w.GAP_FLOOR)}
                for name, scores in zip(tuning.optimizers, tuning.scores, strict=True)
                for lr, score in zip(tuning.grid, scores, strict=True)
                if np.isfinite(score)
            ]
        )
        chart = w.log_line_chart(
            score_df, "lr", "score", x_title="lr", y_title=t(f"{NS}.axis_score"), log_x=True, height=280
        )
        show_chart(chart, score_df, key="opt_tuning")

# --- the framework ----------------------------------------------------------------------------------------
st.header(t(f"{NS}.framework_title"))
st.markdown(t(f"{NS}.framework_intro"))
table = [
    f"| {t(f'{NS}.col_optimizer')} | $m_t$ | $V_t$ | $\\eta_t$ |",
    "|---|---|---|---|",
    *(f"| {name} | ${m}$ | ${v}$ | ${eta}$ |" for name, (m, v, eta) in FRAMEWORK.items()),
]
st.markdown("\n".join(table))
st.caption(t(f"{NS}.framework_caption"))

# --- the notes' forms against torch's ---------------------------------------------------------------------
st.header(t(f"{NS}.forms_title"))
form = translated_choice(
    st.radio,
    t(f"{NS}.forms_pick"),
    w.FORMS,
    {k: t(f"{NS}.tab_{k}") for k in w.FORMS},
    horizontal=True,
    key="opt_form",
)
exp_steps = min(steps, 500)


def error_box(error: ValueError) -> None:
    st.error(f"{t('common.error_prefix')} {error}")


def divergence_box(diverged: dict[str, int | None], labels: dict[str, str]) -> None:
    """Name the runs that diverged and where (differences are measured only before that step)."""
    items = [t(f"{NS}.diverged_item", name=labels[k], step=s) for k, s in diverged.items() if s is not None]
    if items:
        st.warning(
            t(f"{NS}.diverged_runs", items=t(f"{NS}.diverged_separator").join(items)),
            icon=":material/trending_up:",
        )


def show_momentum() -> None:
    st.markdown(t(f"{NS}.momentum_intro"))
    c1, c2 = st.columns(2)
    alpha = c1.number_input("α", format="%g", key="mom_alpha", **w.input_range("mom_alpha"))
    beta = c2.number_input("β", format="%g", key="mom_beta", **w.input_range("mom_beta"))
    try:
        mom = w.cached_momentum(surface_key, float(alpha), float(beta), exp_steps, start)
    except ValueError as error:
        return error_box(error)
    labels = {k: t(f"{NS}.label_{k}") for k in ("notes_ema", "torch_scaled", "torch_dampened")}
    paths = (mom.notes, mom.torch_scaled, mom.torch_dampened)
    df = w.paths_frame(dict(zip(labels.values(), paths, strict=True)))
    show_chart(
        w.contour_chart(surface_key, df, start=start, height=400, overlapping=True), df, key="opt_momentum"
    )
    divergence_box(mom.diverged, labels)
    label = f"torch.optim.SGD(lr=α(1-β), momentum=β) vs {labels['notes_ema']}"
    reference_check(label, mom.scaled_diff, 1e-9)
    st.caption(t(f"{NS}.forms_check_caption", checked=mom.checked))
    values = {
        "diff": w.fmt(mom.dampened_diff),
        "ratio": w.fmt(mom.first_step_ratio),
        "steps": mom.dampened_compared,
    }
    st.markdown(t(f"{NS}.momentum_result", **values))


def show_nesterov() -> None:
    st.markdown(t(f"{NS}.nesterov_intro"))
    alpha, beta = st.session_state["mom_alpha"], st.session_state["mom_beta"]
    st.caption(f"α = {w.fmt(alpha)}, β = {w.fmt(beta)}")
    try:
        nest = w.cached_nesterov(surface_key, float(alpha), float(beta), exp_steps, start)
    except ValueError as error:
        return error_box(error)
    keys = ("classical", "torch_nesterov", "corrected_lookahead", "notes_lookahead")
    labels = {k: t(f"{NS}.label_{k}") for k in keys}
    # phi (classical, torch) and theta (the corrected look-ahead, which the notes' path is measured
    # against) are different variables: both are drawn, so the figures below can be seen on the chart
    paths = (nest.lookahead_points, nest.torch, nest.corrected, nest.notes)
    df = w.paths_frame(dict(zip(labels.values(), paths, strict=True)))
    show_chart(
        w.contour_chart(surface_key, df, start=start, height=400, overlapping=True), df, key="opt_nesterov"
    )
    divergence_box(nest.diverged, labels)
    reference_check("torch.optim.SGD(nesterov=True) vs θ + μv", nest.change_of_variable_diff, 1e-9)
    st.caption(t(f"{NS}.forms_check_caption", checked=nest.checked))
    values = {
        "overshoot": f"{100 * nest.overshoot:.1f}",
        "diff": w.fmt(nest.notes_vs_corrected),
        "gap_notes": w.fmt(nest.gap_notes),
        "gap_right": w.fmt(nest.gap_corrected),
        "steps": nest.notes_compared,
    }
    st.markdown(t(f"{NS}.nesterov_result", **values))


def show_bias() -> None:
    st.markdown(t(f"{NS}.bias_intro"))
    h = w.hyperparameters_of("Adam")
    try:
        bias = w.cached_bias(
            surface_key, float(h["lr"]), tuple(h["betas"]), float(h["eps"]), exp_steps, start
        )
    except ValueError as error:
        return error_box(error)
    c1, c2 = st.columns(2)
    with c1:
        paths = {t(f"{NS}.label_corrected"): bias.corrected, t(f"{NS}.label_uncorrected"): bias.uncorrected}
        df = w.paths_frame(paths)
        show_chart(w.contour_chart(surface_key, df, start=start, height=340), df, key="opt_bias_paths")
    with c2:
        idx = w.decimate_indices(exp_steps, w.MAX_BROWSER_POINTS)
        df = pd.DataFrame({"label": t(f"{NS}.label_ratio"), "step": idx + 1, "ratio": bias.step_ratio[idx]})
        titles = {"x_title": t(f"{NS}.axis_step"), "y_title": t(f"{NS}.axis_ratio")}
        show_chart(
            w.log_line_chart(df, "step", "ratio", log_x=True, height=340, **titles), df, key="opt_bias_ratio"
        )
    divergence_box(bias.diverged, {k: t(f"{NS}.label_{k}") for k in bias.diverged})
    reference_check("torch.optim.Adam vs " + t(f"{NS}.label_corrected"), bias.corrected_vs_torch, 1e-9)
    st.caption(t(f"{NS}.forms_check_caption", checked=bias.checked))
    peak = int(np.argmax(bias.step_ratio))
    values = {"first": w.fmt(bias.step_ratio[0]), "peak": w.fmt(bias.step_ratio[peak]), "at": peak + 1}
    st.markdown(t(f"{NS}.bias_result", **values))


def show_adagrad() -> None:
    st.markdown(t(f"{NS}.adagrad_intro"))
    rms = {**w.hyperparameters_of("RMSprop"), "centered": False}
    runs = [RunSpec("Adagrad", w.hyperparameters_of("Adagrad")), RunSpec("RMSprop", rms)]
    try:
        effective = w.cached_effective_lr(surface_key, w.spec_key(runs), steps, start)
    except ValueError as error:
        return error_box(error)
    rates = effective.rates
    idx = w.decimate_indices(steps, w.MAX_BROWSER_POINTS // 2)
    df = pd.concat(
        [
            pd.DataFrame({"label": f"{name} ({coord})", "step": idx + 1, "rate": rates[idx, r, c]})
            for r, name in enumerate(("Adagrad", "RMSprop"))
            for c, coord in enumerate("xy")
        ],
        ignore_index=True,
    )
    df = df[np.isfinite(df["rate"]) & (df["rate"] > 0)]
    titles = {"x_title": t(f"{NS}.axis_step"), "y_title": t(f"{NS}.axis_rate")}
    show_chart(w.log_line_chart(df, "step", "rate", log_x=True, **titles), df, key="opt_adagrad")
    reference_check(t(f"{NS}.adagrad_check"), float(effective.torch_diff.max()), TOLERANCE)
    st.caption(t(f"{NS}.check_caption", checked=effective.checked))
    values = {
        "first": w.fmt(float(rates[0, 0].min())),
        "last": w.fmt(float(rates[-1, 0].min())),
        "steps": steps,
    }
    st.markdown(t(f"{NS}.adagrad_result", **values))


def show_amsgrad() -> None:
    st.markdown(t(f"{NS}.amsgrad_intro"))
    c1, c2, c3 = st.columns(3)
    big = c1.number_input("C", format="%g", key="ams_c", **w.input_range("ams_c"))
    lr = c2.number_input("lr", format="%g", key="ams_lr", **w.input_range("ams_lr"))
    n = int(c3.number_input(t(f"{NS}.steps"), key="ams_steps", **w.input_range("ams_steps")))
    try:
        ce = w.cached_counterexample(float(big), float(lr), n)
    except ValueError as error:
        return error_box(error)
    idx = w.decimate_indices(n + 1, w.MAX_BROWSER_POINTS)
    df = pd.concat(
        [
            pd.DataFrame({"label": "Adam", "step": idx, "x": ce.adam[idx]}),
            pd.DataFrame({"label": "Adam (amsgrad=True)", "step": idx, "x": ce.amsgrad[idx]}),
        ],
        ignore_index=True,
    )
    chart = w.line_chart(df, "step", "x", x_title=t(f"{NS}.axis_step"), y_title="x")
    show_chart(chart, df, key="opt_amsgrad")
    reference_check("torch.optim.Adam (amsgrad=False/True)", ce.torch_diff, 1e-9)
    values = {
        "beta2": w.fmt(1 / (1 + big * big)),
        "adam_end": w.fmt(ce.adam[-1]),
        "ams_end": w.fmt(ce.amsgrad[-1]),
        "adam_regret": w.fmt(ce.adam_regret),
        "ams_regret": w.fmt(ce.amsgrad_regret),
    }
    st.markdown(t(f"{NS}.amsgrad_result", **values))


def show_adamw() -> None:
    st.markdown(t(f"{NS}.adamw_intro"))
    c1, c2, c3 = st.columns(3)
    lr = c1.number_input("lr", format="%g", key="wd_lr", **w.input_range("wd_lr"))
    wd = c2.number_input("weight_decay", format="%g", key="wd_lambda", **w.input_range("wd_lambda"))
    n = int(c3.number_input(t(f"{NS}.steps"), key="wd_steps", **w.input_range("wd_steps")))
    try:
        res = w.cached_weight_decay(surface_key, float(lr), float(wd), n, start)
    except ValueError as error:
        return error_box(error)
    labels = {"adam_l2": "Adam (weight_decay)", "adamw": "AdamW"}
    paths = {labels["adam_l2"]: res.adam_l2, labels["adamw"]: res.adamw}
    df = w.paths_frame(paths)
    ends = pd.DataFrame(
        [
            {"label": k, "step": n, "x": p[-1, 0], "y": p[-1, 1]}
            for k, p in paths.items()
            if np.isfinite(p[-1]).all()
        ]
    )
    point = None
    if np.isfinite(res.l2_minimum).all():
        point = pd.DataFrame([res.l2_minimum], columns=["x", "y"]).assign(what=t(f"{NS}.label_l2_minimum"))
    chart = w.contour_chart(
        surface_key, df, current=ends, start=start, extra_points=point, height=400, overlapping=True
    )
    show_chart(chart, df, key="opt_adamw")
    divergence_box(res.diverged, labels)
    reference_check(t(f"{NS}.adamw_check"), res.torch_diff, TOLERANCE)
    st.caption(t(f"{NS}.check_caption", checked=res.checked))
    if res.diverged["adam_l2"] is not None:
        st.markdown(t(f"{NS}.adamw_result_diverged"))
        return None
    values = {
        "x": w.fmt(res.l2_minimum[0], 4),
        "y": w.fmt(res.l2_minimum[1], 4),
        "adam": w.fmt(res.adam_l2_to_minimum),
        "adamw": w.fmt(res.adamw_to_minimum),
        "adam_spread": w.fmt(res.adam_l2_spread),
        "adamw_spread": w.fmt(res.adamw_spread),
        "grad_adam": w.fmt(res.adam_l2_gradient),
        "grad_adamw": w.fmt(res.adamw_gradient),
    }
    which = "settled" if res.adam_l2_settled else "unsettled"
    st.markdown(t(f"{NS}.adamw_result_{which}", **values))


{
    "momentum": show_momentum,
    "nesterov": show_nesterov,
    "bias": show_bias,
    "adagrad": show_adagrad,
    "amsgrad": show_amsgrad,
    "adamw": show_adamw,
}[form]()

# --- a real model -----------------------------------------------------------------------------------------
st.header(t(f"{NS}.model_title"))
st.markdown(t(f"{NS}.model_intro"))
c1, c2 = st.columns(2)
epochs_range = w.EXPERIMENT_INPUTS["model_epochs"]
epochs = int(c1.slider(t(f"{NS}.epochs"), epochs_range.low, epochs_range.high, key="model_epochs"))
batch_size = int(c2.select_slider(t(f"{NS}.batch_size"), w.MODEL_BATCH_SIZES, key="model_batch"))
if names:
    model_specs = []
    for name, column in zip(names, st.columns(len(names)), strict=True):
        key = f"model_lr_{name}"
        lr = column.number_input(f"{name} lr", format="%g", key=key, **w.input_range(key))
        model_specs.append(RunSpec(name, {**w.hyperparameters_of(name), "lr": float(lr)}))
    try:
        with st.spinner(t(f"{NS}.model_spinner")):
            model = w.cached_logistic(w.spec_key(model_specs), epochs, batch_size)
    except ValueError as error:
        error_box(error)
    else:
        splits = ((t(f"{NS}.split_train"), model.train_loss), (t(f"{NS}.split_test"), model.test_loss))
        loss_df = pd.concat(
            [
                pd.DataFrame(
                    {"label": name, "split": split, "epoch": np.arange(epochs + 1), "loss": losses[r]}
                )
                for r, name in enumerate(model.names)
                for split, losses in splits
            ],
            ignore_index=True,
        )
        loss_df = loss_df[np.isfinite(loss_df["loss"])]
        titles = {"x_title": t(f"{NS}.axis_epoch"), "y_title": t(f"{NS}.axis_loss")}
        show_chart(
            w.log_line_chart(loss_df, "epoch", "loss", dash="split", **titles), loss_df, key="opt_model"
        )
        summary = pd.DataFrame(
            {
                t(f"{NS}.col_optimizer"): model.names,
                t(f"{NS}.col_train"): [w.fmt(v, 4) for v in model.train_loss[:, -1]],
                t(f"{NS}.col_test"): [w.fmt(v, 4) for v in model.test_loss[:, -1]],
                t(f"{NS}.col_accuracy"): [f"{100 * a:.1f}%" for a in model.test_accuracy],
            }
        )
        st.dataframe(summary, hide_index=True, width="stretch")
        st.caption(t(f"{NS}.model_reference", loss=w.fmt(model.reference_train_loss, 4), steps=model.steps))
        model_names = ", ".join(w.check_name(n) for n in model.names)
        reference_check(f"torch.optim ({model_names})", model.torch_diff, TOLERANCE)
        if "NAdam" in model.names:
            st.caption(t(f"{NS}.nadam_check_note"))
else:
    st.info(t(f"{NS}.choose_one"))

about_the_notes([(t(f"{NS}.notes_{i}_said"), t(f"{NS}.notes_{i}_verified")) for i in range(1, 9)])
w.save_state()
w.write_url()
