"""Fine-tuning: pretrain on digits 0-4, replace the head, fine-tune on 5-9, and when it pays."""

from __future__ import annotations

import streamlit as st

from ui.i18n import translator
from ui.layout import page_header

NS = "finetune"
page_header(NS)  # title and introduction before torch is imported

from ui import finetune as w
from ui.charts import show_chart
from ui.format import fmt_pct
from ui.layout import error_box, notes_corrections, reference_check
from ui.reproduce import reproduce_expander
from ui.sections import choose_section, draw_sections, settings_from, shows
from ui.state import translated_choice

tr = translator(NS)
w.restore_state()
labels = {s: tr(f"strategy_{s}") for s in w.STRATEGIES}
chosen = choose_section(w.PAGE)

# --- the experiment ------------------------------------------------------------------------------------
exp = translated_choice(
    st.radio,
    tr("experiment"),
    w.EXPERIMENT_IDS,
    {e: tr(f"experiment_pick_{e}") for e in w.EXPERIMENT_IDS},
    key="ft_exp",
    horizontal=True,
    help=tr("experiment_help"),
    on_change=w.experiment_changed,
)


def tx(name: str, /, **values: object) -> str:
    """The page's text ``name`` as the chosen experiment says it."""
    return tr(w.key(exp, name), **values)


# --- the learning rates of the recipe and of the live runs ---------------------------------------------
if shows(chosen, "recipe") or shows(chosen, "live-runs"):
    c1, c2 = st.columns(2)
    with c1:  # the rates drive the recipe and the live runs: a change reruns the page
        st.select_slider(tr("lr_label"), w.LR_OPTIONS, format_func=lambda v: f"{v:g}", key="ft_lr")
    with c2:
        st.select_slider(tr("head_mult"), w.MULT_OPTIONS, format_func=lambda v: f"{v:g}", key="ft_mult")
lr, mult = float(st.session_state["ft_lr"]), float(st.session_state["ft_mult"])


# --- the recipe ---------------------------------------------------------------------------------------
def recipe_section() -> None:
    st.header(tr("recipe_title"), anchor="recipe")
    notes_corrections(w.PAGE, "recipe")
    if exp == "dates":
        source = w.results(exp)["source"]
        st.markdown(
            tx(
                "recipe_intro",
                n=f"{source['train_examples']:,}",
                exact=fmt_pct(source["heldout_exact_match"], 2),
            )
        )
        st.markdown(w.formats_list())
        st.markdown(tr("dates_recipe_pick"))
    else:
        st.markdown(tr("recipe_intro", source_acc=fmt_pct(w.results()["source"]["accuracy"])))
    recipe(lr, mult)


@st.fragment
def recipe(lr: float, mult: float) -> None:
    """The strategy and what it trains: a fragment, so picking a strategy redraws only this part."""
    strategy = st.radio(
        tr("strategy"),
        w.STRATEGIES,
        horizontal=True,
        key="ft_strategy",
        help=tr("strategy_help"),
        format_func=w.strategy_name,
    )
    st.markdown(tr("strategy_line", name=w.strategy_name(strategy), description=labels[strategy]))
    view = w.recipe_view(strategy, lr, mult, exp)
    st.graphviz_chart(view.dot, width="stretch")
    m1, m2, m3 = st.columns(3)
    m1.metric(tr("trainable"), view.trainable)
    m2.metric(tr("frozen"), view.frozen)
    m3.metric(tr("groups"), view.groups)
    st.dataframe(view.table, hide_index=True, width="stretch")
    st.markdown(tx("count_formula"))
    reference_check("sum(p.numel() for p in layer.parameters())", view.count_diff, 0.0)
    st.caption(tx("groups_caption"))
    if exp == "digits":  # the dates experiment's model is not written as a script yet
        reproduce_expander(w.PAGE, "recipe", view, strategy=strategy, lr=lr, mult=mult)
    w.write_url()  # a fragment run does not reach the end of the page


# --- the comparison -----------------------------------------------------------------------------------
def sweep_section() -> None:
    st.header(tr("sweep_title"), anchor="when-it-pays")
    notes_corrections(w.PAGE, "when-it-pays")
    st.markdown(tx("sweep_intro", **w.sweep_intro_values(exp)))
    sweep = w.sweep_view(exp)
    show_chart(sweep.chart, sweep.data, key="ft_sweep")
    st.dataframe(sweep.table, width="stretch")
    st.caption(tx("sweep_caption", **sweep.caption))
    st.markdown(tx("sweep_reading", **sweep.reading))
    if exp == "dates":  # where the encoder helps: the shipped accuracy per format where the gain peaks
        per_format, values = w.sweep_per_format(w.peak_size(exp))
        st.markdown(tr("sweep_per_format_title", **values))
        st.dataframe(per_format, hide_index=True, width="stretch")
        st.caption(tr("sweep_per_format_caption"))


# --- live runs ---------------------------------------------------------------------------------------
def live_section(live: list[str], size: str, seed: int, lr: float, mult: float) -> None:
    """The chosen strategies' live runs: the table, the curves and the drift."""
    if not live:
        st.info(tr("choose_one"))
        return
    try:  # each run is trained once for all visitors; its progress bar shows while it trains
        runs = w.live_runs(live, size, seed, lr, mult, exp)
    except ValueError as error:  # the rest of the page still draws
        error_box(error, label=tr("live_strategies"))
        return
    view = w.live_view(runs, size, seed, lr, mult, exp)
    st.dataframe(view.table, hide_index=True, width="stretch")
    reference_check("sklearn.metrics.accuracy_score", view.accuracy_diff, 1e-12)
    st.caption(tr("live_caption"))
    if view.per_format is not None:
        st.markdown(tr("per_format_title"))
        st.dataframe(view.per_format, hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left:
        st.subheader(tr("curve_accuracy"))
        show_chart(view.accuracy_chart, view.curves, key="ft_curve_acc")
    with right:
        st.subheader(tr("curve_loss"))
        show_chart(view.loss_chart, view.losses, key="ft_curve_loss")

    st.subheader(tr("drift_title"), anchor="drift")
    notes_corrections(w.PAGE, "drift")
    st.markdown(tr("drift_intro"))
    st.latex(r"\frac{\lVert \theta_l - \theta_l^{(0)} \rVert_2}{\lVert \theta_l^{(0)} \rVert_2}")
    show_chart(view.drift_chart, view.drift, key="ft_drift")
    reference_check("numpy.linalg.norm", view.drift_diff, 1e-9)
    if view.probe_moved is not None:
        st.caption(tr("drift_probe", value=f"{view.probe_moved:g}"))
    if view.has_scratch:
        st.caption(tr("drift_scratch"))


def live_runs_section() -> None:
    st.header(tr("live_title"), anchor="live-runs")
    st.markdown(tx("live_intro"))
    c1, c2, c3 = st.columns([2, 2, 1])
    with c1:
        live = st.multiselect(
            tr("live_strategies"), w.STRATEGIES, key="ft_live_list", format_func=w.strategy_name
        )
    with c2:
        size = translated_choice(
            st.select_slider,
            tx("per_class"),
            list(w.experiment(exp).sizes),
            {s: w.size_label(s, exp) for s in w.experiment(exp).sizes},
            key="ft_size",
        )
    with c3:
        seed = int(st.number_input(tr("seed"), 0, w.MAX_SEED, step=1, key="ft_seed"))
    live_section(live, size, seed, lr, mult)


# --- the features ------------------------------------------------------------------------------------
def features_section() -> None:
    seed = int(st.session_state["ft_seed"])  # the live runs' seed
    st.header(tr("features_title"), anchor="features")
    notes_corrections(w.PAGE, "features")
    settings_from(w.PAGE, chosen, "live-runs", f"{tr('seed')} {seed}")
    st.markdown(tx("features_intro", seed=seed))
    features = w.features_view(seed, exp)
    show_chart(features.chart, features.points, key="ft_pca")
    st.caption(
        tr("features_caption", pre=features.explained["pretrained"], rand=features.explained["random"])
    )
    reference_check("sklearn.decomposition.PCA", features.pca_diff, 1e-8)
    st.markdown(
        tx(
            "centroid_result",
            pre=features.centroid["pretrained"],
            rand=features.centroid["random"],
            seed=seed,
        )
    )
    reference_check("sklearn.neighbors.NearestCentroid", features.centroid_diff, 1e-12)
    st.markdown(tx("features_reading"))


# --- the two experiments side by side ---------------------------------------------------------------------
def compare_section() -> None:
    st.header(tr("compare_title"), anchor="side-by-side")
    compare = w.compare_view()
    st.markdown(tr("compare_intro", **compare.reading))
    st.dataframe(compare.table, width="stretch")
    st.markdown(tr("compare_reading", **compare.reading))


# --- ResNet and BERT ---------------------------------------------------------------------------------
def big_models_section() -> None:
    st.header(tr("big_title"), anchor="resnet-bert")
    notes_corrections(w.PAGE, "resnet-bert")
    st.markdown(tr("big_intro"))
    st.markdown(tr("resnet_title"))
    st.code(tr("code_resnet"), language="python")
    st.markdown(tr("bert_title"))
    st.code(tr("code_bert"), language="python")
    st.caption(tr("big_caption"))


draw_sections(
    w.PAGE,
    chosen,
    {
        "recipe": recipe_section,
        "when-it-pays": sweep_section,
        "live-runs": live_runs_section,
        "features": features_section,
        "side-by-side": compare_section,
        "resnet-bert": big_models_section,
    },
)

w.write_url()
