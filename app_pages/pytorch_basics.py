"""PyTorch basics: list vs ModuleList vs Sequential vs ModuleDict, and repeat vs repeat_interleave vs tile
vs expand, every fact read from torch and every map checked against torch."""

import math

import pandas as pd
import streamlit as st

from ui.layout import page_header

# the title and introduction first: the imports below load torch (seconds on a fresh server)
page_header("pytorch_basics")

from ui import pytorch_basics as w
from ui.charts import show_chart
from ui.i18n import t
from ui.layout import about_the_notes, reference_check
from ui.state import mirror_into_url, seed_from_url, translated_choice

NS = w.NS


def tr(key: str, **values: object) -> str:
    return t(f"{NS}.{key}", **values)


def yes_no(value: bool) -> str:
    return tr("yes") if value else tr("no")


def error_box(error: ValueError) -> None:
    st.error(f"{t('common.error_prefix')} {error}", icon=":material/error:")


# --- URL state --------------------------------------------------------------------------------------------
seed_from_url("pb_dataset", w.DATASET_DEFAULT, str, lambda v: v in ("digits", "breast_cancer"))
seed_from_url("pb_epochs", w.EPOCHS[2], int, lambda v: w.EPOCHS[0] <= v <= w.EPOCHS[1])
seed_from_url("pb_lr", w.LR_DEFAULT, float, lambda v: v in w.LEARNING_RATES)

# === 1. containers ========================================================================================
st.header(tr("containers_title"))
st.markdown(tr("containers_intro"))
with st.expander(tr("code_title"), icon=":material/code:"):
    st.code(tr("code_sample"), language="python")

facts = w.cached_facts(64, 10)
kinds = list(w.KIND_LABELS)
questions = {
    "q_parameters": lambda f: tr("n_tensors", n=f.parameter_tensors, count=f"{f.parameter_count:,}"),
    "q_state_dict": lambda f: ", ".join(f.state_dict_keys),
    "q_children": lambda f: ", ".join(f.children),
    "q_to": lambda f: f.hidden_dtype_after_to,
    "q_forward_after_to": lambda f: f.forward_after_to_error or tr("runs"),
    "q_eval": lambda f: yes_no(f.hidden_training_after_eval),
    "q_optimizer": lambda f: tr("n_opt", n=f.optimizer_tensors, hidden=yes_no(f.hidden_in_optimizer)),
    "q_call": lambda f: f.container_call_error or tr("runs"),
}
table = pd.DataFrame(
    [
        {tr("col_question"): tr(q), **{w.KIND_LABELS[k]: show(facts[k]) for k in kinds}}
        for q, show in questions.items()
    ]
).set_index(tr("col_question"))
st.table(table)  # a static table wraps torch's long error texts instead of cutting them
st.caption(tr("facts_caption"))

# --- training on real data ----------------------------------------------------------------------------------
st.subheader(tr("training_title"))
st.markdown(tr("training_intro"))
c1, c2, c3 = st.columns(3)
with c1:
    dataset = translated_choice(
        st.selectbox,
        tr("dataset"),
        ["digits", "breast_cancer"],
        {d: tr(f"dataset_{d}") for d in ("digits", "breast_cancer")},
        key="pb_dataset",
    )
with c2:
    epochs = int(st.slider(tr("epochs"), w.EPOCHS[0], w.EPOCHS[1], step=10, key="pb_epochs"))
with c3:
    lr = float(st.select_slider(tr("lr"), w.LEARNING_RATES, key="pb_lr"))
mirror_into_url("pb_dataset", "pb_epochs", "pb_lr", defaults=w.TRAIN_DEFAULTS)

bar = st.progress(0.0, text=tr("training_progress"))
try:
    result = w.cached_training(
        dataset, epochs, lr, progress=lambda f: bar.progress(f, text=tr("training_progress"))
    )
except ValueError as error:
    bar.empty()
    error_box(error)
else:
    bar.empty()
    labels = w.KIND_LABELS
    curves = w.training_frames(result, labels)
    left, right = st.columns(2)
    with left:
        show_chart(w.curve_chart(curves, "loss", tr("axis_loss"), log=True), curves, key="pb_loss")
    with right:
        show_chart(w.curve_chart(curves, "accuracy", tr("axis_accuracy")), curves, key="pb_accuracy")
    st.caption(tr("curves_caption"))
    summary = pd.DataFrame(
        [
            {
                tr("col_container"): labels[k],
                tr("col_loss"): f"{run.train_loss[-1]:.4f}",
                tr("col_accuracy"): f"{100 * run.test_accuracy[-1]:.1f}%",
                tr("col_unchanged"): yes_no(run.hidden_unchanged),
                tr("col_change"): f"{run.hidden_max_change:.3g}",
            }
            for k, run in result.runs.items()
        ]
    )
    st.dataframe(summary, hide_index=True, width="stretch")
    listed = result.runs["list"]
    best = result.runs["sequential"]
    st.markdown(
        tr(
            "training_result",
            n=listed.hidden_before.size,
            acc_list=f"{100 * listed.test_accuracy[-1]:.1f}",
            acc_reg=f"{100 * best.test_accuracy[-1]:.1f}",
            train=result.train_size,
            test=result.test_size,
        )
    )
    reference_check(tr("check_frozen"), result.frozen_reference_diff, 1e-12)
    reference_check(tr("check_registered"), result.registered_spread, 1e-12)
    st.download_button(
        tr("download_hidden"),
        data=lambda: pd.DataFrame(
            {"before": listed.hidden_before.ravel(), "after": listed.hidden_after.ravel()}
        ).to_csv(index=False),
        file_name="list_model_hidden_weight.csv",
        mime="text/csv",
        on_click="ignore",
        key="pb_download_hidden",
        icon=":material/download:",
    )

# === 2. nn.Sequential's chain ==============================================================================
st.header(tr("sequential_title"))
st.markdown(tr("sequential_intro"))
STATUS = {s: tr(f"status_{s}") for s in ("ok", "broken", "not_run")}


def show_flow(chain_text: str, shape: tuple[int, ...], key: str) -> None:
    """The shape after each layer (torch's forward hooks), where it breaks, and our rules' check."""
    from core.pytorch_basics import shape_flow_diff

    try:
        layers, predicted, measured = w.cached_flow(chain_text, shape)
    except ValueError as error:
        error_box(error)
        return
    df = w.flow_frame(measured, layers, tr("input_node"))
    show_chart(w.flow_chart(df, STATUS), df, key=key)
    if measured.error is None:
        st.success(tr("chain_ok", shape=str(measured.shapes[-1])), icon=":material/check:")
    else:
        layer = layers[measured.failed_at]
        st.warning(
            tr("chain_broken", index=measured.failed_at + 1, layer=layer.text), icon=":material/link_off:"
        )
        st.code(measured.error, language="text")
        if predicted.broken is not None:
            b = predicted.broken
            st.markdown(
                tr(
                    f"why_{b.what}",
                    index=b.index + 1,
                    layer=layers[b.index].text,
                    expected=b.expected,
                    got=b.got,
                    before=str(measured.shapes[-1]) if measured.shapes else str(shape),
                )
            )
    reference_check(tr("check_flow"), shape_flow_diff(predicted, measured), 0.0)


@st.fragment
def user_chain() -> None:
    """The user's chain: a fragment, so editing it reruns this part only."""
    from core.pytorch_basics import parse_shape

    for key, default in w.CHAIN_DEFAULTS.items():
        seed_from_url(key, default, str, lambda v: len(v) <= 400)
    c1, c2 = st.columns([3, 2])
    with c1:
        chain_text = st.text_area(tr("chain"), key="pb_chain", height=170, help=tr("chain_help"))
    with c2:
        shape_text = st.text_input(tr("chain_input"), key="pb_chain_input", help=tr("chain_input_help"))
    mirror_into_url("pb_chain", "pb_chain_input", defaults=w.CHAIN_DEFAULTS)
    try:
        chain_shape = parse_shape(shape_text, name=tr("chain_input_name"))
    except ValueError as error:
        error_box(error)
    else:
        show_flow(chain_text, chain_shape, "pb_flow")


user_chain()

st.subheader(tr("broken_title"))
st.markdown(tr("broken_intro"))
st.code(w.BROKEN_CHAIN.replace("\n", "  ->  "), language="text")
show_flow(w.BROKEN_CHAIN, w.BROKEN_INPUT, "pb_flow_broken")

# === 3. repeat / repeat_interleave / tile / expand ==========================================
st.header(tr("maps_title"))
st.markdown(tr("maps_intro"))
SMALLEST_SIZE = {"repeat": 0, "repeat_interleave": 0, "tile": 0, "expand": -1}  # expand: -1 keeps a size


def draw_grid(source, numel: int, key: str) -> None:
    if source.size == 0:
        st.info(tr("empty_output"))
        return
    if source.size > w.MAX_OUT_CELLS:
        st.warning(tr("too_many_cells", n=f"{source.size:,}", limit=f"{w.MAX_OUT_CELLS:,}"))
        return
    df = w.grid_frame(source)
    show_chart(w.grid_chart(df, numel), df, key=key)


def layout_line(layout) -> str:
    return tr(
        "layout",
        shape=str(tuple(layout.shape)),
        strides=str(tuple(layout.strides)),
        shares=yes_no(layout.shares_memory),
        bytes=f"{layout.bytes_allocated:,}",
    )


def call_text(op: str, sizes: tuple[int, ...], dim: int | None) -> str:
    args = ", ".join(str(s) for s in sizes)
    return {
        "repeat": f"x.repeat({args})",
        "tile": f"torch.tile(x, {sizes})",
        "expand": f"x.expand({args})",
        "repeat_interleave": f"x.repeat_interleave(torch.tensor({list(sizes)}), dim={dim})",
    }[op]


@st.fragment
def maps_section() -> None:
    """Inputs of all four operations, one colour grid at a time, and the memory table of all four.
    A fragment: a change here reruns this section only."""
    from core.pytorch_basics import OPERATIONS, parse_sizes

    # seeded here, not only at the top: a fragment rerun does not run the top of the page
    for key, default in w.MAP_DEFAULTS.items():
        seed_from_url(key, default, str, lambda v: len(v) <= 400)
    seed_from_url("pb_op", "repeat", str, lambda v: v in SMALLEST_SIZE)
    c1, c2, c3 = st.columns([2, 2, 2])
    in_shape_text = c1.text_input(tr("in_shape"), key="pb_in_shape", help=tr("in_shape_help"))
    try:
        in_shape = parse_sizes(
            in_shape_text, name=tr("in_shape_name"), minimum=1, maximum=w.MAX_IN_SIZE, max_items=3
        )
    except ValueError as error:
        in_shape, shape_error = None, error
    # dim's options follow the input's number of dimensions (all of them while the shape is invalid)
    ndim = len(in_shape) if in_shape is not None else 3
    dims = ["None", *(str(d) for d in range(-ndim, ndim))]
    if st.session_state.get("pb_ri_dim") not in dims:
        st.session_state["pb_ri_dim"] = "-1"
    texts = {"repeat": c2.text_input(tr("repeat_sizes"), key="pb_repeat", help=tr("repeat_help"))}
    texts["tile"] = c3.text_input(tr("tile_sizes"), key="pb_tile", help=tr("tile_help"))
    c1, c2, c3 = st.columns([2, 1, 2])
    texts["repeat_interleave"] = c1.text_input(
        tr("repeat_interleave_sizes"), key="pb_ri_repeats", help=tr("repeat_interleave_help")
    )
    dim_text = c2.selectbox("repeat_interleave: dim", dims, key="pb_ri_dim")
    texts["expand"] = c3.text_input(tr("expand_sizes"), key="pb_expand", help=tr("expand_help"))
    mirror_into_url(*w.MAP_DEFAULTS, defaults=w.MAP_DEFAULTS)
    if in_shape is None:
        error_box(shape_error)
        return
    numel = math.prod(in_shape)
    dim = None if dim_text == "None" else int(dim_text)

    results, sizes_of, problems = {}, {}, {}
    for op, minimum in SMALLEST_SIZE.items():
        try:
            sizes_of[op] = parse_sizes(
                texts[op], name=tr(f"{op}_sizes"), minimum=minimum, maximum=w.MAX_COUNT
            )
            results[op] = w.cached_map(op, in_shape, sizes_of[op], dim if op == "repeat_interleave" else None)
        except ValueError as error:
            problems[op] = error

    left, right = st.columns([1, 3])
    with left:
        st.markdown(tr("input_grid", shape=str(in_shape), bytes=f"{4 * numel:,}"))
        draw_grid(w.cached_map("repeat", in_shape, (1,) * ndim, None).ours, numel, "pb_grid_input")
    with right:
        op = st.radio(tr("show_op"), OPERATIONS, horizontal=True, key="pb_op")
        mirror_into_url("pb_op", defaults={"pb_op": "repeat"})
        st.markdown(tr(f"{op}_intro"))
        if op in problems:
            error_box(problems[op])
        else:
            sizes, res = sizes_of[op], results[op]
            st.code(call_text(op, sizes, dim if op == "repeat_interleave" else None), language="python")
            if op in ("repeat", "tile") and len(sizes) > ndim:
                extra = len(sizes) - ndim
                padded = str((1,) * extra + in_shape)
                st.info(tr("new_leading", k=extra, sizes=str(sizes), shape=str(in_shape), padded=padded))
            if op == "tile" and len(sizes) < ndim:
                st.info(tr("tile_padded", k=ndim - len(sizes)))
            draw_grid(res.ours, numel, "pb_grid_output")
            st.markdown(layout_line(res.predicted))
    for op, error in problems.items():  # the grid not shown: a warning, its row is left out below
        if op != st.session_state["pb_op"]:
            st.warning(tr("other_op_problem", op=op, error=str(error)), icon=":material/warning:")
    if not results:
        return
    calls = {op: call_text(op, sizes_of[op], dim if op == "repeat_interleave" else None) for op in results}
    st.subheader(tr("memory_title"))
    rows = [
        {
            tr("col_call"): calls[op],
            tr("col_shape"): str(tuple(res.predicted.shape)),
            tr("col_strides"): str(tuple(res.predicted.strides)),
            tr("col_shares"): yes_no(res.predicted.shares_memory),
            tr("col_bytes"): res.predicted.bytes_allocated,
            tr("col_torch_agrees"): yes_no(res.layout_matches),
        }
        for op, res in results.items()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(tr("memory_caption"))
    reference_check(", ".join(calls.values()), max(res.map_diff for res in results.values()), 0.0)
    for res in results.values():
        if not res.layout_matches:
            st.error(tr("layout_mismatch", torch=layout_line(res.measured)))


maps_section()

# === 4. the notes ==========================================================================================
st.header(tr("sample_title"))
sample = w.cached_notes_sample()
st.markdown(tr("sample_intro"))
reference_check(tr("check_sample_same"), sample.sequential_vs_modulelist, 0.0)
reference_check(tr("check_sample_merged"), sample.collapsed_vs_sequential, 1e-12)

about_the_notes([(tr(f"notes_{i}_said"), tr(f"notes_{i}_verified")) for i in range(1, 7)])
