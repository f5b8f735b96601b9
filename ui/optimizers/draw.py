"""Drawing helpers of the optimizers page's later sections (the page itself is near its line limit):
each reads its widgets, asks :mod:`ui.optimizers.views` for its view and draws it."""

from __future__ import annotations

import streamlit as st

from ui.charts import show_chart
from ui.i18n import translator
from ui.layout import error_box, reference_check
from ui.optimizers.state import input_range
from ui.optimizers.views import ravine_view, switch_view
from ui.reproduce import reproduce_expander


def ravine_section() -> None:
    """The ravine with noisy gradients: its inputs, the paths, v across the valley, the table and check."""
    tr = translator("optimizers")
    c1, c2, c3, c4, c5 = st.columns(5)
    lr = c1.number_input("`lr`", format="%g", key="rv_lr", **input_range("rv_lr"))
    beta = c2.number_input("β", format="%g", key="rv_beta", **input_range("rv_beta"))
    noise = c3.number_input(tr("rv_noise"), format="%g", key="rv_noise", **input_range("rv_noise"))
    steps = c4.number_input(tr("steps"), key="rv_steps", **input_range("rv_steps"))
    seed = c5.number_input(tr("rv_seed"), key="rv_seed", **input_range("rv_seed"))
    try:
        view = ravine_view(float(lr), float(beta), float(noise), int(steps), int(seed))
    except ValueError as error:
        return error_box(error)
    left, right = st.columns([3, 2])
    with left:
        show_chart(*view.paths, key="opt_ravine_paths")
    with right:
        show_chart(*view.across, key="opt_ravine_across")
        st.caption(tr("rv_across_caption"))
    st.dataframe(view.table, hide_index=True, width="stretch")
    reference_check(*view.check)
    st.caption(tr("rv_check_caption"))
    st.markdown(view.result)


def switch_section() -> None:
    """Adam then SGD: its inputs, the losses and accuracy per epoch, the table, the check and the result."""
    tr = translator("optimizers")
    c1, c2, c3, c4, c5 = st.columns(5)
    epochs = c1.number_input(tr("epochs"), key="sw_epochs", **input_range("sw_epochs"))
    switch = c2.number_input(tr("sw_switch"), key="sw_switch", **input_range("sw_switch"))
    adam_lr = c3.number_input(tr("sw_adam_lr"), format="%g", key="sw_adam_lr", **input_range("sw_adam_lr"))
    sgd_lr = c4.number_input(tr("sw_sgd_lr"), format="%g", key="sw_sgd_lr", **input_range("sw_sgd_lr"))
    seed = c5.number_input(tr("sw_seed"), key="sw_seed", help=tr("sw_seed_help"), **input_range("sw_seed"))
    try:
        with st.spinner(tr("model_spinner")):
            view = switch_view(int(switch), int(epochs), float(adam_lr), float(sgd_lr), int(seed))
    except ValueError as error:
        return error_box(error, label=tr("epochs"))
    left, right = st.columns([3, 2])
    with left:
        show_chart(*view.losses, key="opt_switch_losses")
    with right:
        show_chart(*view.accuracy, key="opt_switch_accuracy")
    st.dataframe(view.table, hide_index=True, width="stretch")
    reference_check(*view.check)
    st.caption(tr("sw_check_caption"))
    st.markdown(view.result)
    st.markdown(view.swats)
    inputs = {
        "switch": int(switch),
        "epochs": int(epochs),
        "adam_lr": float(adam_lr),
        "sgd_lr": float(sgd_lr),
    }
    reproduce_expander("optimizers", "adam-then-sgd", view, **inputs, seed=int(seed))
