"""Normalization: which axes BatchNorm / LayerNorm / GroupNorm / InstanceNorm / RMSNorm average over,
the notes' two signatures beside torch's and MXNet Gluon's, epsilon's placement, train vs eval, the batch-size
experiment, and why transformers use LayerNorm; each section with the notes' claims it corrects. The page only
draws: ``ui.normalization`` computes (once for every visitor) and builds each section's view."""

from __future__ import annotations

import streamlit as st

from ui.i18n import translator
from ui.layout import lazy_expander, notes_corrections, page_header, reference_check, static_table
from ui.sections import choose_section, draw_sections
from ui.state import mirror_into_url, seed_from_url, translated_choice

NS = "normalization"
tr = translator(NS)

page_header(NS)  # drawn before torch is imported (a few seconds on a cold server)

from ui import normalization as w
from ui.charts import show_chart
from ui.reproduce import reproduce_expander


def explorer_inputs() -> tuple[str, tuple[int, ...], int]:
    """The explorer's widgets: (layout, shape, groups)."""
    seed_from_url("norm_layout", "image", str, lambda v: v in w.LAYOUTS)
    layout = translated_choice(
        st.radio,
        tr("layout"),
        list(w.LAYOUTS),
        {k: tr(f"layout_{k}") for k in w.LAYOUTS},
        key="norm_layout",
        horizontal=True,
    )
    sizes = w.IMAGE_SIZES if layout == "image" else w.SEQUENCE_SIZES
    for key, (_, low, high, default) in {**w.IMAGE_SIZES, **w.SEQUENCE_SIZES}.items():
        seed_from_url(key, default, int, lambda v, lo=low, hi=high: lo <= v <= hi)
    columns = st.columns(len(sizes) + 1)
    shape = []
    for column, (key, (name, low, high, _)) in zip(columns, sizes.items(), strict=False):
        shape.append(int(column.slider(name, low, high, key=key)))
    channels = shape[1] if layout == "image" else shape[2]
    options = w.divisors(channels)
    seed_from_url("norm_groups", 2, int, lambda v: 1 <= v <= w.MAX_CHANNELS)
    if st.session_state["norm_groups"] not in options:
        st.session_state["norm_groups"] = 2 if 2 in options else 1
    groups = int(columns[-1].selectbox(tr("groups"), options, key="norm_groups"))
    size_defaults = {key: spec[3] for key, spec in sizes.items()}
    defaults = {"norm_layout": "image", "norm_groups": 2, **size_defaults}
    mirror_into_url("norm_layout", *sizes, "norm_groups", defaults=defaults)
    st.caption(tr(f"layout_caption_{layout}"))
    return layout, tuple(shape), groups


def explorer_section() -> None:
    st.header(tr("explorer_title"), anchor="axes")
    notes_corrections(NS, "axes")
    st.markdown(tr("explorer_intro"))
    layout, shape, groups = explorer_inputs()
    view = w.explorer_view(layout, shape, groups)
    for text in view.warnings:
        st.warning(text)
    if not view.results:
        return
    show_chart(view.chart, view.frame, key="norm_explorer")
    st.caption(tr("explorer_caption"))
    static_table(view.table)  # one row per normalization: no data grid on a first visit
    st.caption(tr("explorer_table_caption"))
    # the groups' table (one row per group: a grid) is drawn only while its expander is open
    box = lazy_expander(tr("detail_title"), "norm_detail_open", icon=":material/table_view:")
    if box is not None:
        with box:
            detail = translated_choice(
                st.selectbox, tr("col_norm"), list(view.results), view.labels, key="norm_detail"
            )
            st.dataframe(view.detail(detail), hide_index=True, width="stretch")
            st.caption(tr("detail_caption"))
    reference_check(*view.check)


def signatures_section() -> None:
    """The notes' LayerNorm and BatchNorm signatures, argument by argument."""
    st.header(tr("sig_title"), anchor="signatures")
    notes_corrections(NS, "signatures")
    st.markdown(tr("sig_intro"))
    for which in ("layer", "batch"):
        table, live = w.signature_view(which)
        st.markdown(tr(f"sig_{which}_title"))
        st.markdown(table)
        st.code(live, language="python", wrap_lines=True)
    st.caption(tr("sig_caption"))


def eps_section() -> None:
    st.header(tr("eps_title"), anchor="epsilon")
    notes_corrections(NS, "epsilon")
    st.markdown(tr("eps_intro"))
    c1, c2 = st.columns(2)
    c1.markdown(tr("eps_torch_label"))
    c1.latex(
        r"y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x] {\color{#d62728} + \epsilon}}}\,\gamma + \beta"
    )
    c2.markdown(tr("eps_notes_label"))
    c2.latex(
        r"y = \frac{x - \mathrm{E}[x]}{\sqrt{\mathrm{Var}[x]}\; {\color{#d62728} + \epsilon}}\,\gamma + \beta"
    )
    seed_from_url("norm_eps", 1e-5, float, lambda v: v in w.EPS_CHOICES)
    eps = float(st.select_slider("ε", w.EPS_CHOICES, key="norm_eps", format_func=lambda v: f"{v:.0e}"))
    mirror_into_url("norm_eps", defaults={"norm_eps": 1e-5})
    view = w.eps_view(eps)
    show_chart(view.chart, view.frame, key="norm_eps_curves")
    st.markdown(view.text)
    reference_check(*view.check)
    reproduce_expander(NS, "epsilon", view, eps=eps)


def running_section() -> None:
    """Running statistics batch after batch, and what train mode does to one sample."""
    st.header(tr("running_title"), anchor="running-statistics")
    notes_corrections(NS, "running-statistics")
    st.markdown(tr("running_intro"))
    seed_from_url("norm_momentum", 0.1, float, lambda v: 0.01 <= v <= 1.0)
    seed_from_url("norm_cumulative", False, lambda v: v == "True", lambda v: isinstance(v, bool))
    seed_from_url("norm_batch", 8, int, lambda v: 2 <= v <= 64)
    seed_from_url("norm_batches", 100, int, lambda v: 10 <= v <= 400)
    c1, c3, c4 = st.columns(3)
    cumulative = c1.toggle(tr("cumulative"), key="norm_cumulative", help=tr("cumulative_help"))
    momentum = float(
        c1.slider(tr("momentum"), 0.01, 1.0, step=0.01, key="norm_momentum", disabled=cumulative)
    )
    batch_size = int(c3.slider(tr("batch_size"), 2, 64, key="norm_batch"))
    batches = int(c4.slider(tr("batches"), 10, 400, step=10, key="norm_batches"))
    mirror_into_url(
        "norm_momentum",
        "norm_cumulative",
        "norm_batch",
        "norm_batches",
        defaults={"norm_momentum": 0.1, "norm_cumulative": False, "norm_batch": 8, "norm_batches": 100},
    )
    view = w.running_view(None if cumulative else momentum, batches, batch_size)
    show_chart(view.chart, view.frame, key="norm_running")
    st.caption(tr("running_caption"))
    st.markdown(view.text)
    reference_check(*view.check)
    inputs = {"momentum": None if cumulative else momentum, "batches": batches, "batch_size": batch_size}
    reproduce_expander(NS, "running-statistics", view, **inputs)

    st.subheader(tr("mode_title"), anchor="train-vs-eval")
    notes_corrections(NS, "train-vs-eval")
    text, one, errors = w.mode_view(batch_size)
    st.markdown(text)
    st.markdown(one)
    st.code(errors, wrap_lines=True)


def sweep_section() -> None:
    st.header(tr("sweep_title"), anchor="batch-size")
    st.markdown(tr("sweep_intro"))
    view = w.sweep_view()
    show_chart(view.chart, view.summary, key="norm_sweep")
    st.dataframe(view.table, width="stretch")
    st.caption(view.caption)
    st.markdown(view.text)
    st.markdown(tr("train_mode_intro"))
    st.dataframe(view.mode_table, width="stretch")


def retrain_section() -> None:
    """Retrain one cell of the shipped sweep here, on a click."""
    st.subheader(tr("retrain_title"), anchor="retrain")
    seed_from_url("norm_cell_norm", "batch", str, lambda v: v in w.NORMS)
    seed_from_url("norm_cell_batch", 2, int, lambda v: v in w.BATCH_SIZES)
    seed_from_url("norm_cell_seed", 0, int, lambda v: v in w.SEEDS)
    c1, c2, c3 = st.columns(3)
    with c1:
        labels = w.norm_labels()
        cell_norm = translated_choice(
            st.selectbox, tr("cell_norm"), list(w.NORMS), labels, key="norm_cell_norm"
        )
    cell_batch = int(c2.select_slider(tr("batch_size"), list(w.BATCH_SIZES), key="norm_cell_batch"))
    cell_seed = int(c3.selectbox(tr("seed"), list(w.SEEDS), key="norm_cell_seed"))
    mirror_into_url(
        "norm_cell_norm",
        "norm_cell_batch",
        "norm_cell_seed",
        defaults={"norm_cell_norm": "batch", "norm_cell_batch": 2, "norm_cell_seed": 0},
    )
    cell = (cell_norm, cell_batch, cell_seed)
    # the cell this visitor last asked to retrain (its result is kept by ui.compute, for every visitor)
    if st.button(tr("retrain_button"), key="norm_retrain", icon=":material/play_arrow:"):
        st.session_state["norm_live_cell"] = cell
    if st.session_state.get("norm_live_cell") != cell:
        st.caption(w.retrain_hint(cell))
        return
    view = w.retrain_view(cell)  # a progress bar while it trains
    st.markdown(view.text)
    show_chart(view.chart, view.frame, key="norm_cell_loss")
    st.caption(tr("retrain_caption"))


def transformers_section() -> None:
    st.header(tr("nlp_title"), anchor="transformers")
    st.markdown(tr("nlp_intro"))
    table, text, check = w.padding_view()
    st.dataframe(table, hide_index=True, width="stretch")
    st.markdown(text)
    reference_check(*check)
    reproduce_expander(NS, "transformers", (table, text, check))
    st.latex(r"\mathrm{RMSNorm}(x) = \frac{x}{\sqrt{\tfrac{1}{D}\sum_{i} x_i^2 + \epsilon}}\,\gamma")
    st.markdown(tr("rms_text"))


def batch_size_section() -> None:
    sweep_section()
    retrain_section()  # retrain one cell of the sweep


chosen = choose_section(NS)
draw_sections(
    NS,
    chosen,
    {
        "axes": explorer_section,
        "signatures": signatures_section,
        "epsilon": eps_section,
        "running-statistics": running_section,
        "batch-size": batch_size_section,
        "transformers": transformers_section,
    },
)
