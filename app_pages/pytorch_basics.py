"""PyTorch basics: list vs ModuleList vs Sequential vs ModuleDict, and repeat vs repeat_interleave vs tile
vs expand, every fact read from torch and every map checked against torch. The page only draws:
``ui.pytorch_basics`` computes (once for every visitor) and builds each section's view."""

import streamlit as st

from ui.layout import page_header

# the title and introduction first: the imports below load torch (seconds on a fresh server)
page_header("pytorch_basics")

from ui import pytorch_basics as w
from ui.charts import show_chart
from ui.i18n import translator
from ui.layout import error_box, lazy_expander, notes_corrections, reference_check
from ui.reproduce import reproduce_expander
from ui.sections import choose_section, draw_sections
from ui.state import mirror_into_url, seed_from_url, translated_choice

tr = translator(w.NS)


def containers_section() -> None:
    st.header(tr("containers_title"), anchor="containers")
    notes_corrections(w.PAGE, "containers")
    st.markdown(tr("containers_intro"))
    box = lazy_expander(tr("code_title"), "pb_code_open", icon=":material/code:")
    if box is not None:
        box.code(tr("code_sample"), language="python")
    st.table(w.facts_table())  # a static table wraps torch's long error texts instead of cutting them
    st.caption(tr("facts_caption"))


def training_section() -> None:
    """The four models trained on real data, with the widgets that choose the run."""
    seed_from_url("pb_dataset", w.DATASET_DEFAULT, str, lambda v: v in w.DATASETS)
    seed_from_url("pb_epochs", w.EPOCHS[2], int, lambda v: w.EPOCHS[0] <= v <= w.EPOCHS[1])
    seed_from_url("pb_lr", w.LR_DEFAULT, float, lambda v: v in w.LEARNING_RATES)
    st.subheader(tr("training_title"), anchor="training")
    st.markdown(tr("training_intro"))
    c1, c2, c3 = st.columns(3)
    with c1:
        labels = {d: tr(f"dataset_{d}") for d in w.DATASETS}
        dataset = translated_choice(st.selectbox, tr("dataset"), list(w.DATASETS), labels, key="pb_dataset")
    with c2:
        epochs = int(st.slider(tr("epochs"), w.EPOCHS[0], w.EPOCHS[1], step=10, key="pb_epochs"))
    with c3:
        lr = float(st.select_slider(tr("lr"), w.LEARNING_RATES, key="pb_lr"))
    mirror_into_url("pb_dataset", "pb_epochs", "pb_lr", defaults=w.TRAIN_DEFAULTS)
    try:
        view = w.training_view(dataset, epochs, lr)  # a progress bar while it trains
    except ValueError as error:
        error_box(error, label=tr("epochs"))
        return
    left, right = st.columns(2)
    with left:
        show_chart(view.loss_chart, view.curves, key="pb_loss")
    with right:
        show_chart(view.accuracy_chart, view.curves, key="pb_accuracy")
    st.caption(tr("curves_caption"))
    st.dataframe(view.summary, hide_index=True, width="stretch")
    st.markdown(view.result_text)
    for check in view.checks:
        reference_check(*check)
    reproduce_expander(w.PAGE, "training", view, dataset=dataset, epochs=epochs, lr=lr)
    st.download_button(
        tr("download_hidden"),
        data=view.hidden_csv,
        file_name="list_model_hidden_weight.csv",
        mime="text/csv",
        on_click="ignore",
        key="pb_download_hidden",
        icon=":material/download:",
    )


def show_flow(chain_text: str, shape: tuple[int, ...], key: str) -> None:
    """The shape after each layer (torch's forward hooks), where it breaks, and our rules' check."""
    try:
        view = w.flow_view(chain_text, shape)
    except ValueError as error:  # an OverBudget names the chain by its label
        error_box(error, label=tr("chain"))
        return
    show_chart(view.chart, view.frame, key=key)
    if view.holds is not None:
        st.success(view.holds, icon=":material/check:")
    else:
        st.warning(view.broken, icon=":material/link_off:")
        st.code(view.error, language="text")
        if view.why is not None:
            st.markdown(view.why)
    reference_check(*view.check)
    if key == "pb_flow":  # the learner's own chain (the broken one below is fixed)
        reproduce_expander(w.PAGE, "sequential", view, chain_text=chain_text, shape=shape)


@st.fragment
def user_chain() -> None:
    """The user's chain: a fragment, so editing it reruns this part only."""
    for key, default in w.CHAIN_DEFAULTS.items():
        seed_from_url(key, default, str, w.CHAIN_VALID[key])
    c1, c2 = st.columns([3, 2])
    with c1:
        chain_text = st.text_area(
            tr("chain"), key="pb_chain", height=170, help=tr("chain_help"), max_chars=w.MAX_TEXT
        )
    with c2:
        shape_text = st.text_input(
            tr("chain_input"), key="pb_chain_input", help=tr("chain_input_help"), max_chars=w.MAX_SHAPE_TEXT
        )
    mirror_into_url("pb_chain", "pb_chain_input", defaults=w.CHAIN_DEFAULTS)
    try:
        chain_shape = w.parse_chain_input(shape_text)
    except ValueError as error:
        error_box(error)
    else:
        show_flow(chain_text, chain_shape, "pb_flow")


def draw_grid(grid: w.GridView, key: str) -> None:
    if grid.info is not None:
        st.info(grid.info)
    elif grid.warning is not None:
        st.warning(grid.warning)
    else:
        show_chart(grid.chart, grid.frame, key=key)


def short_text(column, label: str, key: str, help_key: str | None = None) -> str:
    """A shape or sizes text box (a few characters)."""
    help_text = tr(help_key or f"{label}_help")
    return column.text_input(tr(label), key=key, help=help_text, max_chars=w.MAX_SHAPE_TEXT)


def map_inputs() -> tuple[tuple[int, ...] | None, ValueError | None, dict[str, str], str]:
    """The repeat family's text inputs: (input shape or None, its error, each operation's sizes, dim)."""
    # seeded here, not only at the top: a fragment rerun does not run the top of the page
    for key, default in w.MAP_DEFAULTS.items():
        seed_from_url(key, default, str, lambda v: len(v) <= w.MAX_SHAPE_TEXT)
    seed_from_url("pb_op", "repeat", str, lambda v: v in w.OPERATIONS)
    c1, c2, c3 = st.columns([2, 2, 2])
    in_shape_text = short_text(c1, "in_shape", "pb_in_shape")
    in_shape, shape_error = None, None
    try:
        in_shape = w.parse_input_shape(in_shape_text)
    except ValueError as error:
        shape_error = error
    # dim's options follow the input's number of dimensions
    dims = w.dim_options(in_shape)
    if st.session_state.get("pb_ri_dim") not in dims:
        st.session_state["pb_ri_dim"] = "-1"
    texts = {"repeat": short_text(c2, "repeat_sizes", "pb_repeat", "repeat_help")}
    texts["tile"] = short_text(c3, "tile_sizes", "pb_tile", "tile_help")
    c1, c2, c3 = st.columns([2, 1, 2])
    texts["repeat_interleave"] = short_text(
        c1, "repeat_interleave_sizes", "pb_ri_repeats", "repeat_interleave_help"
    )
    dim_text = c2.selectbox(tr("ri_dim"), dims, key="pb_ri_dim", format_func=w.dim_label)
    texts["expand"] = short_text(c3, "expand_sizes", "pb_expand", "expand_help")
    mirror_into_url(*w.MAP_DEFAULTS, defaults=w.MAP_DEFAULTS)
    return in_shape, shape_error, texts, dim_text


@st.fragment
def maps_section() -> None:
    """Inputs of all four operations, one colour grid at a time, and the memory table of all four.
    A fragment: a change here reruns this section only."""
    in_shape, shape_error, texts, dim_text = map_inputs()
    if in_shape is None:
        error_box(shape_error)
        return
    view = w.maps_view(in_shape, texts, None if dim_text == "None" else int(dim_text))
    left, right = st.columns([1, 3])
    with left:
        st.markdown(view.input_text)
        draw_grid(view.input_grid, "pb_grid_input")
    with right:
        op = st.radio(tr("show_op"), w.OPERATIONS, horizontal=True, key="pb_op", format_func=w.code_label)
        mirror_into_url("pb_op", defaults={"pb_op": "repeat"})
        st.markdown(tr(f"{op}_intro"))
        if op in view.problems:
            error_box(view.problems[op])
        else:
            shown = view.ops[op]
            st.code(shown.call, language="python")
            for note in shown.notes:
                st.info(note)
            draw_grid(shown.grid(), "pb_grid_output")
            st.markdown(shown.layout)
    for text in view.other_problems(op):  # the grid not shown: a warning, its row is left out below
        st.warning(text, icon=":material/warning:")
    if view.memory is None:
        return
    st.subheader(tr("memory_title"), anchor="memory")
    st.table(view.memory, hide_index=True)  # a static table: its calls, shapes and strides are code
    st.caption(tr("memory_caption"))
    reference_check(*view.check)
    for text in view.mismatches:
        st.error(text)
    dim = None if dim_text == "None" else int(dim_text)
    reproduce_expander(w.PAGE, "repeat", view, in_shape=in_shape, texts=texts, dim=dim)


# === 2. nn.Sequential's chain ==============================================================================
def sequential_section() -> None:
    st.header(tr("sequential_title"), anchor="sequential")
    notes_corrections(w.PAGE, "sequential")
    st.markdown(tr("sequential_intro"))
    user_chain()
    st.subheader(tr("broken_title"), anchor="broken-chain")
    st.markdown(tr("broken_intro"))
    st.code(w.BROKEN_CHAIN.replace("\n", "  ->  "), language="text")
    show_flow(w.BROKEN_CHAIN, w.BROKEN_INPUT, "pb_flow_broken")


# === 3. repeat / repeat_interleave / tile / expand ==========================================
def repeat_section() -> None:
    st.header(tr("maps_title"), anchor="repeat")
    notes_corrections(w.PAGE, "repeat")
    st.markdown(tr("maps_intro"))
    maps_section()


# === 4. the notes ==========================================================================================
def sample_section() -> None:
    st.header(tr("sample_title"), anchor="notes-sample")
    notes_corrections(w.PAGE, "notes-sample")
    st.markdown(tr("sample_intro"))
    for check in w.notes_checks():
        reference_check(*check)


def containers_and_training_section() -> None:  # === 1. containers
    containers_section()
    training_section()


chosen = choose_section(w.PAGE)
draw_sections(
    w.PAGE,
    chosen,
    {
        "containers": containers_and_training_section,
        "sequential": sequential_section,
        "repeat": repeat_section,
        "notes-sample": sample_section,
    },
)
