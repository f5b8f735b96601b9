"""Attention: Bahdanau and Luong decoders trained on dates, long inputs, soft/hard and local attention."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ui.layout import page_header

# the title and introduction first: the imports below load torch (seconds on a fresh server)
page_header("attention")

from ui import attention as att
from ui.charts import show_chart
from ui.i18n import current_language, t, translator
from ui.layout import notes_corrections, reference_check
from ui.reproduce import reproduce_expander
from ui.sections import choose_section, draw_sections, shows
from ui.state import mirror_into_url, seed_from_url, translated_choice

tr = translator("attention")
LANG = current_language()
PAGE = "attention"


def section(title: str, anchor: str) -> None:
    """A section's header with its anchor (the same in both languages: the Notes page links to it), and
    right under it what the notes get wrong or loose about it."""
    st.subheader(tr(title), anchor=anchor)
    notes_corrections(PAGE, anchor)


def read_widgets() -> tuple[str, str]:
    """The input the date sections use: a typed date, or a picked date in a picked format; and the model."""
    default_text = att.DEFAULT_TEXT.get(LANG, att.DEFAULT_TEXT["en"])
    seed_from_url("att_text", default_text, str, lambda v: len(v) <= att.MAX_TEXT)
    seed_from_url("att_model", "bahdanau", str, lambda v: v in att.MAIN_VARIANTS)
    seed_from_url("att_input_mode", "type", str, lambda v: v in ("type", "pick"))
    seed_from_url(
        "att_date", att.DEFAULT_DATE, dt.date.fromisoformat, lambda v: att.FIRST_DATE <= v <= att.LAST_DATE
    )
    seed_from_url("att_format", 4, int, lambda v: 0 <= v < len(att.DATE_FORMATS))
    with st.container(border=True):
        left, right = st.columns([3, 2])
        with left:
            modes = ["type", "pick"]
            labels = {m: tr(f"input_mode_{m}") for m in modes}
            mode = translated_choice(
                st.radio, tr("input_mode"), modes, labels, horizontal=True, key="att_input_mode"
            )
            if mode == "type":
                raw_text = st.text_input(
                    tr("input_text"), key="att_text", help=tr("input_text_help"), max_chars=att.MAX_TEXT
                )
            else:
                c1, c2 = st.columns(2)
                picked = c1.date_input(
                    tr("input_date"), min_value=att.FIRST_DATE, max_value=att.LAST_DATE, key="att_date"
                )
                fmt_index = c2.selectbox(
                    tr("input_format"),
                    range(len(att.DATE_FORMATS)),
                    format_func=att.date_format_example,
                    key="att_format",
                )
                raw_text = att.render_date(picked, fmt_index)
                st.caption(tr("input_rendered", text=raw_text))
        with right:
            variant = translated_choice(
                st.radio,
                tr("model"),
                att.MAIN_VARIANTS,
                {v: att.label(v) for v in att.MAIN_VARIANTS},
                key="att_model",
                help=tr("model_help"),
            )
    mirror_into_url("att_text", "att_model", "att_input_mode", "att_date", "att_format")
    return raw_text, variant


def heatmap_section(variant: str, entry: att.InputView) -> None:
    section("heatmap_title", "output-heatmap")
    st.markdown(tr("heatmap_intro"))
    if entry.error is None:
        view = att.date_view(variant, entry)
        c1, c2, c3 = st.columns(3)
        c1.metric(tr("output"), view.output)
        c2.metric(tr("expected"), view.expected)
        c3.metric(view.accuracy_label, view.accuracy)
        ok = entry.ok(view.explanation.output)
        if ok is not None:
            (st.success if ok else st.warning)(tr("right" if ok else "wrong"))
        if view.heatmap is None:
            st.info(tr("no_attention_heatmap"), icon=":material/info:")
        else:
            show_chart(*view.heatmap, key="attention_heatmap")
            st.caption(tr("heatmap_caption"))
        with st.expander(tr("all_models"), expanded=False):
            st.dataframe(att.all_models_frame(entry), hide_index=True, width="stretch")
    with st.expander(tr("by_format"), expanded=False):
        st.dataframe(att.by_format_frame(), hide_index=True, width="stretch")
        st.caption(tr("by_format_caption"))
    with st.expander(tr("retrain_title"), expanded=False, icon=":material/model_training:"):
        retrain_date(variant)


def retrain_date(variant: str) -> None:
    """Retrain the chosen date model from the page, and use it in every section."""
    st.markdown(att.retrain_intro(variant))
    r1, r2 = st.columns(2)
    steps = r1.slider(tr("retrain_steps"), *att.DATE_STEPS, att.DATE_PLAN_STEPS, 20, key="att_retrain_steps")
    seed = r2.number_input(tr("retrain_seed"), *att.RETRAIN_SEEDS, 0, key="att_retrain_seed")
    if st.button(
        tr("retrain_button", model=att.label(variant)), key="att_retrain", icon=":material/play_arrow:"
    ):
        if not att.retrain_date_model(variant, int(steps), int(seed)):
            st.info(t("common.job_busy"))
    att.follow_date_retraining()  # its progress; the page reruns with the new model when it is done
    done = att.retrained_view(variant, int(steps), int(seed))
    if done is not None:
        st.success(done.message)
        show_chart(*done.loss, key="attention_retrain_loss")
    if att.retrain_spec_matches(variant):
        st.toggle(tr("use_retrained"), key="att_use_retrained")


def long_section() -> None:
    section("long_title", "long-inputs")
    st.markdown(tr("long_intro"))
    seed_from_url("att_long_task", "reverse", str, lambda v: v in att.LONG_KINDS)
    seed_from_url("att_long_metric", "exact_match", str, lambda v: v in ("exact_match", "char_accuracy"))
    mirror_into_url("att_long_task", "att_long_metric")
    l1, l2 = st.columns(2)
    kind = translated_choice(
        l1.radio,
        tr("long_task"),
        att.LONG_KINDS,
        {k: tr(f"long_{k}") for k in att.LONG_KINDS},
        horizontal=True,
        key="att_long_task",
    )
    metrics = ["exact_match", "char_accuracy"]
    metric = translated_choice(
        l2.radio,
        tr("long_metric"),
        metrics,
        {m: tr(f"metric_{m}") for m in metrics},
        horizontal=True,
        key="att_long_metric",
    )
    view = att.long_view(kind, metric, att.long_trained_here(kind))
    show_chart(view.chart, view.data, key="attention_accuracy_by_length")
    st.caption(view.caption)
    st.dataframe(view.table, width="stretch")

    st.subheader(tr("long_demo"), anchor="long-demo")
    d1, d2 = st.columns(2)
    length = d1.slider(tr("long_length"), *att.LONG_DEMO_LENGTHS, 40, key="att_long_length")
    digits_seed = d2.number_input(tr("long_seed"), 0, att.MAX_SEED, 0, key="att_long_seed")
    demo = att.long_demo(kind, int(length), int(digits_seed))
    st.code(demo.code, language=None)
    for col, (heading, output, right) in zip(st.columns(len(demo.outputs)), demo.outputs, strict=True):
        col.markdown(heading)
        col.code(output, language=None)
        col.caption(right)
    show_chart(*demo.heatmap, key="attention_long_heatmap")
    st.caption(tr("long_heatmap_caption"))

    with st.expander(tr("long_retrain_title"), expanded=False, icon=":material/model_training:"):
        st.markdown(tr("long_retrain_intro"))
        long_steps = st.slider(tr("retrain_steps"), *att.LONG_STEPS, 200, 50, key="att_long_steps")
        if st.button(tr("long_retrain_button"), key="att_long_retrain", icon=":material/play_arrow:"):
            if not att.retrain_long_models(kind, int(long_steps)):
                st.info(t("common.job_busy"))
        att.follow_long_retraining(kind)


def steps_section(variant: str, entry: att.InputView) -> None:
    section("steps_title", "step-by-step")
    st.markdown(tr("steps_intro"))
    if entry.error is not None:
        return
    expl = att.decode(variant, entry)
    n_steps = len(expl.output_tokens)
    seed_from_url("att_step", 1, int, lambda v: 1 <= v <= 11)
    if st.session_state["att_step"] > n_steps:
        st.session_state["att_step"] = n_steps
    step = st.slider(tr("step"), 1, max(n_steps, 2), key="att_step", disabled=n_steps < 2)
    mirror_into_url("att_step")
    view = att.step_view(variant, expl, step)
    g1, g2 = st.columns([3, 2])
    with g1:
        st.graphviz_chart(view.dot)
        st.caption(view.query_caption)
    with g2:
        st.markdown(tr("step_top"))
        st.dataframe(view.top, hide_index=True)
    if view.weights is not None:
        st.markdown(tr("step_weights", t=step))
        show_chart(*view.weights, key="attention_step_weights")
    st.markdown(tr("step_context", t=step, n=view.context_size))
    show_chart(*view.context, key="attention_step_context")
    if view.context_same is not None:
        st.caption(tr("context_same", diff=view.context_same))


def hard_section(variant: str, entry: att.InputView) -> None:
    section("hard_title", "soft-hard")
    st.markdown(tr("hard_intro"))
    if variant == "none":
        st.info(tr("hard_none"), icon=":material/info:")
        return
    if entry.error is not None:
        return
    seed_from_url("att_hard_seed", 0, int, lambda v: 0 <= v <= att.MAX_SEED)
    hard_seed = st.number_input(tr("hard_seed"), 0, att.MAX_SEED, key="att_hard_seed")
    mirror_into_url("att_hard_seed")
    rows, summary = att.hard_view(variant, entry, int(hard_seed))
    for row in rows:
        st.markdown(row.line)
        show_chart(*row.heatmap, key=f"attention_hard_{row.name}")
    st.dataframe(summary, hide_index=True, width="stretch")
    st.caption(tr("hard_caption"))


def local_section(entry: att.InputView) -> None:
    section("local_title", "local-attention")
    st.markdown(tr("local_intro"))
    seed_from_url("att_local_mode", "local-p", str, lambda v: v in att.LOCAL_VARIANTS)
    seed_from_url("att_window", att.TRAINED_WINDOW, int, lambda v: 1 <= v <= att.MAX_WINDOW)
    k1, k2 = st.columns(2)
    local_variant = translated_choice(
        k1.radio,
        tr("local_mode"),
        att.LOCAL_VARIANTS,
        {v: att.label(v) for v in att.LOCAL_VARIANTS},
        horizontal=True,
        key="att_local_mode",
    )
    window = k2.slider(tr("local_window"), 1, att.MAX_WINDOW, key="att_window", help=tr("local_window_help"))
    mirror_into_url("att_local_mode", "att_window")
    if entry.error is None:
        view = att.local_view(local_variant, entry, int(window))
        m1, m2, m3 = st.columns(3)
        m1.metric(tr("output"), view.output, help=None)
        m2.metric(view.accuracy_label, view.accuracy)
        m3.metric(tr("local_scores_per_step"), view.scores_per_step)
        st.markdown(view.trained)
        show_chart(*view.heatmap, key="attention_local_heatmap")
        st.caption(tr("local_caption"))
    st.markdown(tr("local_params_title"))
    st.dataframe(att.local_parameters_frame(), hide_index=True)
    st.caption(tr("local_params_caption"))


def playground_section() -> None:
    section("playground_title", "score-playground")
    st.markdown(tr("pg_intro"))
    seed_from_url("att_pg_score", "additive", str, lambda v: v in att.PLAYGROUND_SCORES)
    seed_from_url("att_pg_query", "1, 0, -1", str, lambda v: len(v) <= att.MAX_VECTOR_TEXT)
    seed_from_url(
        "att_pg_keys", "1, 2, 0\n0, 1, 1\n-1, 0, 2\n2, -1, 1", str, lambda v: len(v) <= att.MAX_KEYS_TEXT
    )
    seed_from_url("att_pg_seed", 3, int, lambda v: 0 <= v <= att.MAX_SEED)
    p1, p2 = st.columns([2, 1])
    with p1:
        score = translated_choice(
            st.radio,
            tr("pg_score"),
            att.PLAYGROUND_SCORES,
            {s: tr(f"pg_score_{s}") for s in att.PLAYGROUND_SCORES},
            horizontal=True,
            key="att_pg_score",
        )
        query_text = st.text_input(tr("pg_query"), key="att_pg_query", max_chars=att.MAX_VECTOR_TEXT)
        keys_text = st.text_area(tr("pg_keys"), height=120, key="att_pg_keys", max_chars=att.MAX_KEYS_TEXT)
    with p2:
        pg_seed = st.number_input(tr("pg_seed"), 0, att.MAX_SEED, key="att_pg_seed")
    mirror_into_url("att_pg_score", "att_pg_query", "att_pg_keys", "att_pg_seed")
    view = att.playground_view(score, query_text, keys_text, int(pg_seed))
    if isinstance(view, str):
        st.error(view, icon=":material/error:")
        return
    for line in view.latex:
        st.latex(line)
    if score == "dot":
        st.caption(tr("pg_no_params"))
    st.dataframe(view.compare, hide_index=True, width="stretch")
    for reference, diff in view.checks:
        reference_check(reference, diff, 1e-12)
    if score in ("additive", "concat"):
        st.caption(tr("pg_same_function"))
    inputs = {"score": score, "query_text": query_text, "keys_text": keys_text, "seed": int(pg_seed)}
    reproduce_expander("attention", "score-playground", view, **inputs)


def date_input() -> tuple[str, att.InputView]:
    """The date and the model the date sections use, and what the reader finds in the date."""
    raw_text, variant = read_widgets()
    entry = att.read_input(raw_text)
    if entry.error is not None:
        st.error(entry.error, icon=":material/error:")
    elif entry.truth is None:
        st.warning(tr("not_a_known_format"), icon=":material/help:")
    else:
        st.caption(tr("reader_says", iso=entry.truth.isoformat(), where=entry.split))
    return variant, entry


chosen = choose_section(PAGE)
if any(shows(chosen, name) for name in ("heatmap", "steps", "hard", "local")):  # the date's sections
    variant, entry = date_input()
draw_sections(
    PAGE,
    chosen,
    {  # called only when shown: the date's sections then have the date read above
        "heatmap": lambda: heatmap_section(variant, entry),
        "long": long_section,
        "steps": lambda: steps_section(variant, entry),
        "hard": lambda: hard_section(variant, entry),
        "local": lambda: local_section(entry),
        "playground": playground_section,
    },
)
