"""Optimizers: SGD to AdamW on 2-D surfaces and on a real model, checked against torch.optim.

The page only draws: every section's view (tables, charts, figures, checks) comes from ``ui.optimizers``."""

import streamlit as st

from ui.layout import page_header

# the title and introduction first: the views below run torch (seconds on a fresh server)
page_header("optimizers")

from ui import optimizers as w
from ui.charts import show_chart
from ui.i18n import translator
from ui.layout import error_box, lazy_expander, notes_corrections, reference_check, static_table
from ui.reproduce import reproduce_expander
from ui.sections import choose_section, draw_sections, shows
from ui.state import translated_choice

tr = translator("optimizers")
PAGE = "optimizers"  # this page's slug: the catalog's claims it corrects are drawn under their sections

ignored = w.restore_state()
if ignored:
    st.warning(tr("url_ignored", items=w.ignored_text(ignored)))

# --- the main controls: surface, optimizers, start; the runs, the forms and the model use them ------------


def setup_controls() -> None:
    """The surface, the optimizers, the steps, the start point and the hyperparameters (their values stay
    in session state while no section that uses them is shown)."""
    c1, c2 = st.columns([1, 3])
    with c1:
        translated_choice(
            st.selectbox,
            tr("surface"),
            w.SURFACE_NAMES,
            {k: tr(f"surface_{k}") for k in w.SURFACE_NAMES},
            key="opt_surface",
            on_change=w.reset_learning_rates,
        )
    with c2:
        st.multiselect(tr("optimizers"), w.NAMES, key="opt_names")
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        st.number_input(tr("steps"), 1, w.MAX_STEPS, step=100, key="opt_steps")
    with c2:
        st.number_input(tr("start_x"), -w.START_LIMIT, w.START_LIMIT, step=0.1, format="%g", key="opt_x0")
    with c3:
        st.number_input(tr("start_y"), -w.START_LIMIT, w.START_LIMIT, step=0.1, format="%g", key="opt_y0")
    with c4:
        st.write("")
        st.toggle(tr("fair"), key="opt_fair", help=tr("fair_help"))
    st.latex(w.surface_latex(st.session_state["opt_surface"]))
    # drawn only while open (~35 inputs to lay out); closed, their values stay in session state
    box = lazy_expander(tr("hyperparameters"), "opt_hyperparameters_open", icon=":material/tune:")
    if box is not None:
        with box:
            st.caption(tr("hyperparameters_caption"))
            w.hyperparameter_widgets()
            st.button(tr("reset_lr"), key="opt_reset_lr", on_click=w.reset_learning_rates)


chosen = choose_section(PAGE)
previous_steps = w.previous_steps()
uses_setup = any(shows(chosen, name) for name in ("runs", "forms", "model"))  # the sections that use them
if uses_setup:
    setup_controls()
state = st.session_state
surface, names, steps = state["opt_surface"], list(state["opt_names"]), int(state["opt_steps"])
start, fair = (float(state["opt_x0"]), float(state["opt_y0"])), bool(state["opt_fair"])

# every chosen optimizer with its settings; a bad setting is reported and that optimizer left out
specs, bad_settings = w.chosen_specs(names)
if uses_setup:
    for error in bad_settings:
        error_box(error)


def draw_runs() -> None:
    """The chosen optimizers on the surface (their learning rates tuned in the fair mode)."""
    tuning = None
    if fair:
        with st.spinner(tr("tuning_spinner")):
            tuning = w.tuned(surface, specs, steps, start)
    with st.spinner(tr("running_spinner")):
        runs = w.surface_runs(surface, specs, steps, start, tuning)
    w.follow_steps(steps, previous_steps)
    shown = st.slider(tr("step_slider"), 0, steps, key="opt_t")
    view = w.paths_view(surface, runs, shown, start)
    left, right = st.columns([3, 2])
    with left:
        st.subheader(tr("paths_title"))
        show_chart(*view.paths, key="opt_paths")
    with right:
        st.subheader(tr("loss_title"))
        show_chart(*view.gap, key="opt_loss")
        st.caption(view.gap_caption)
    static_table(view.table)  # the first section's only table: no data grid on a first visit
    reference_check(*view.check)
    st.caption(tr("check_caption", checked=view.checked))
    if view.nadam_note:
        st.caption(tr("nadam_check_note"))
    if tuning is not None:
        st.subheader(tr("fair_title"))
        search = w.fair_view(tuning, steps)
        st.markdown(search.found)
        if search.edge:
            st.warning(search.edge)
        show_chart(*search.scores, key="opt_tuning")
    reproduce_expander(PAGE, "runs", runs, surface=surface, steps=steps, start=start)


def runs_section() -> None:
    st.header(tr("runs_title"), anchor="runs")
    notes_corrections(PAGE, "runs")
    st.markdown(tr("runs_intro"))
    if specs:
        try:
            draw_runs()
        except ValueError as error:  # over the server's budget (the widgets' bounds keep a learner below it)
            error_box(error, label=tr("steps"))
    else:
        st.info(tr("choose_one"))


# --- the framework ----------------------------------------------------------------------------------------
def framework_section() -> None:
    st.header(tr("framework_title"), anchor="framework")
    notes_corrections(PAGE, "framework")
    st.markdown(tr("framework_intro"))
    st.markdown(w.framework_table())
    st.caption(tr("framework_caption"))


# --- the notes' forms against torch's ---------------------------------------------------------------------
exp_steps = min(steps, 500)


def momentum() -> w.FormView:
    st.markdown(tr("momentum_intro"))
    c1, c2 = st.columns(2)
    alpha = c1.number_input("α", format="%g", key="mom_alpha", **w.input_range("mom_alpha"))
    beta = c2.number_input("β", format="%g", key="mom_beta", **w.input_range("mom_beta"))
    return w.momentum_view(surface, float(alpha), float(beta), exp_steps, start)


def nesterov() -> w.FormView:
    st.markdown(tr("nesterov_intro"))
    alpha, beta = st.session_state["mom_alpha"], st.session_state["mom_beta"]
    st.caption(w.nesterov_settings(alpha, beta))
    return w.nesterov_view(surface, float(alpha), float(beta), exp_steps, start)


def bias() -> w.FormView:
    st.markdown(tr("bias_intro"))
    return w.bias_view(surface, exp_steps, start)


def adam_step() -> w.FormView:
    st.markdown(tr("adam_step_intro"))
    scale = st.number_input(tr("scale"), format="%g", key="step_scale", **w.input_range("step_scale"))
    return w.adam_step_view(surface, float(scale), exp_steps, start)


def adagrad() -> w.FormView:
    st.markdown(tr("adagrad_intro"))
    return w.adagrad_view(surface, steps, start)


def amsgrad() -> w.FormView:
    st.markdown(tr("amsgrad_intro"))
    c1, c2, c3 = st.columns(3)
    big = c1.number_input("C", format="%g", key="ams_c", **w.input_range("ams_c"))
    lr = c2.number_input("`lr`", format="%g", key="ams_lr", **w.input_range("ams_lr"))
    n = int(c3.number_input(tr("steps"), key="ams_steps", **w.input_range("ams_steps")))
    return w.amsgrad_view(float(big), float(lr), n)


def adamw() -> w.FormView:
    st.markdown(tr("adamw_intro"))
    c1, c2, c3 = st.columns(3)
    lr = c1.number_input("`lr`", format="%g", key="wd_lr", **w.input_range("wd_lr"))
    wd = c2.number_input("`weight_decay`", format="%g", key="wd_lambda", **w.input_range("wd_lambda"))
    n = int(c3.number_input(tr("steps"), key="wd_steps", **w.input_range("wd_steps")))
    return w.adamw_view(surface, float(lr), float(wd), n, start)


def draw_form(form: str) -> None:
    """One comparison: its inputs, its charts, the runs that diverged, the check and the result."""
    inputs = {
        "momentum": momentum,
        "nesterov": nesterov,
        "bias": bias,
        "adam_step": adam_step,
        "adagrad": adagrad,
        "amsgrad": amsgrad,
        "adamw": adamw,
    }
    st.subheader(tr(f"tab_{form}"), anchor=w.FORM_ANCHORS[form])
    notes_corrections(PAGE, w.FORM_ANCHORS[form])
    try:
        view = inputs[form]()
    except ValueError as error:
        return error_box(error)
    if form == "bias":  # the paths and the ratio of the steps side by side
        keys = ("opt_bias_paths", "opt_bias_ratio")
        for column, figure, key in zip(st.columns(2), view.figures, keys, strict=True):
            with column:
                show_chart(*figure, key=key)
    else:
        show_chart(*view.figures[0], key=f"opt_{form}")
    if view.diverged:
        st.warning(view.diverged, icon=":material/trending_up:")
    reference_check(*view.check)
    if view.caption:
        st.caption(view.caption)
    st.markdown(view.result)
    if form == "amsgrad":  # its inputs as amsgrad() read them
        ams = {"big": float(st.session_state["ams_c"]), "lr": float(st.session_state["ams_lr"])}
        reproduce_expander(PAGE, "amsgrad", view, **ams, n=int(st.session_state["ams_steps"]))


def forms_section() -> None:
    st.header(tr("forms_title"), anchor="forms")
    form = translated_choice(
        st.radio,
        tr("forms_pick"),
        w.FORMS,
        {k: tr(f"tab_{k}") for k in w.FORMS},
        horizontal=True,
        key="opt_form",
    )
    draw_form(form)


# --- a real model -----------------------------------------------------------------------------------------
def draw_model(epochs: int, batch_size: int) -> None:
    """Logistic regression trained by every chosen optimizer, each with its own learning rate."""
    model_specs = []
    for name, column in zip(names, st.columns(len(names)), strict=True):
        key = f"model_lr_{name}"
        lr = column.number_input(tr("model_lr", name=name), format="%g", key=key, **w.input_range(key))
        model_specs.append(w.model_spec(name, lr))
    try:
        with st.spinner(tr("model_spinner")):
            model = w.model_view(model_specs, epochs, batch_size)
    except ValueError as error:
        return error_box(error, label=tr("epochs"))
    if model.diverged:
        st.warning(model.diverged, icon=":material/trending_up:")
    show_chart(*model.losses, key="opt_model")
    st.dataframe(model.table, hide_index=True, width="stretch")
    st.caption(model.reference)
    reference_check(*model.check)
    reproduce_expander(PAGE, "model", model, specs=model_specs, epochs=epochs, batch_size=batch_size)
    if model.nadam_note:
        st.caption(tr("nadam_check_note"))


def model_section() -> None:
    st.header(tr("model_title"), anchor="model")
    notes_corrections(PAGE, "model")
    st.markdown(tr("model_intro"))
    c1, c2 = st.columns(2)
    epochs_range = w.EXPERIMENT_INPUTS["model_epochs"]
    epochs = int(c1.slider(tr("epochs"), epochs_range.low, epochs_range.high, key="model_epochs"))
    batch_size = int(c2.select_slider(tr("batch_size"), w.MODEL_BATCH_SIZES, key="model_batch"))
    if names:
        draw_model(epochs, batch_size)
    else:
        st.info(tr("choose_one"))


# --- batch, stochastic and mini-batch gradient descent -----------------------------------------------------
def draw_batch_sizes(bs_epochs: int, bs_lr: float) -> None:
    """Plain SGD with every batch size, the same epochs and learning rate: losses, spread, check."""
    try:
        view = w.batch_view(bs_epochs, bs_lr)
    except ValueError as error:
        return error_box(error, label=tr("bs_epochs"))
    st.subheader(tr("bs_epoch_title"))
    show_chart(*view.by_epoch, key="opt_bs_epochs")
    left, right = st.columns(2)
    with left:
        st.subheader(tr("bs_samples_title"))
        show_chart(*view.by_samples, key="opt_bs_samples")
    with right:
        st.subheader(tr("bs_updates_title"))
        show_chart(*view.by_updates, key="opt_bs_updates")
    st.dataframe(view.table, hide_index=True, width="stretch")
    st.caption(tr("bs_spread_caption"))
    reference_check(*view.check)
    st.caption(tr("bs_check_caption"))
    st.markdown(view.result)


def batch_size_section() -> None:
    st.header(tr("bs_title"), anchor="batch-size")
    notes_corrections(PAGE, "batch-size")
    st.markdown(tr("bs_intro"))
    c1, c2 = st.columns(2)
    bs_epochs = int(c1.number_input(tr("bs_epochs"), key="bs_epochs", **w.input_range("bs_epochs")))
    bs_lr = float(c2.number_input(tr("bs_lr"), format="%g", key="bs_lr", **w.input_range("bs_lr")))
    draw_batch_sizes(bs_epochs, bs_lr)

    st.subheader(tr("rv_title"), anchor="noisy-ravine")
    notes_corrections(PAGE, "noisy-ravine")
    st.markdown(tr("rv_intro"))
    st.latex(w.surface_latex("quadratic"))
    w.ravine_section()


# --- Adam then SGD ----------------------------------------------------------------------------------------
def switch_section() -> None:
    st.header(tr("sw_title"), anchor="adam-then-sgd")
    notes_corrections(PAGE, "adam-then-sgd")
    st.markdown(tr("sw_intro"))
    w.switch_section()


draw_sections(
    PAGE,
    chosen,
    {
        "runs": runs_section,
        "framework": framework_section,
        "forms": forms_section,
        "model": model_section,
        "batch-size": batch_size_section,
        "adam-then-sgd": switch_section,
    },
)

w.save_state()
w.write_url()
