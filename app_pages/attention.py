"""Attention: Bahdanau and Luong decoders trained on dates, long inputs, soft/hard and local attention."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import streamlit as st

from ui.layout import page_header

# the title and introduction first: the imports below load torch (seconds on a fresh server)
page_header("attention")
import torch

from core.attention import (
    DATE_FORMATS,
    DATE_PLAN,
    FIRST_DATE,
    LAST_DATE,
    LONG_LENGTHS,
    LONG_PLAN,
    PLAYGROUND_SCORES,
    DateTask,
    Explanation,
    LuongAttention,
    ModelConfig,
    accuracy_by_length,
    attend_by_hand,
    attend_with_module,
    build_model,
    count_parameters,
    date_input_problem,
    evaluate,
    explain,
    is_heldout,
    max_difference,
    normalize_text,
    parse_vector,
    playground_parameters,
    read_date,
    train_model,
    vector_problem,
)
from ui.attention import (
    LONG_KINDS,
    LONG_VARIANTS,
    attention_heatmap,
    context_chart,
    dataflow_dot,
    date_models,
    date_task,
    explain_shipped,
    heatmap_frame,
    heldout_subset,
    length_chart,
    long_task,
    loss_chart,
    playground_latex,
    remember,
    shipped_results,
    step_weights_chart,
    trained_here,
)
from ui.charts import show_chart
from ui.i18n import current_language, load_strings, t
from ui.layout import about_the_notes, reference_check
from ui.state import mirror_into_url, seed_from_url, session_memo, translated_choice

NS = "attention"
LANG = current_language()
MAIN_VARIANTS = ("bahdanau", "luong-dot", "luong-general", "luong-concat", "none")
LOCAL_VARIANTS = ("local-m", "local-p")
DEFAULT_TEXT = {"en": "Friday, November 27, 2026", "zh": "2026年11月27日 星期五"}


def tr(name: str) -> str:
    """``t`` bound to this run's language: widget format functions are also called outside the run."""
    return load_strings(LANG)[f"{NS}.{name}"]


def label(variant: str) -> str:
    return tr(f"variant_{variant.replace('-', '_')}")


def fmt_pct(x: float) -> str:
    return f"{100 * x:.2f}%"


@st.cache_data(show_spinner=False)
def subset_accuracy(variant: str, hard: str | None = None, window: int | None = None, seed: int = 0) -> float:
    """Exact match of a shipped date model on the first held-out dates, with decoding options."""
    return evaluate(date_models()[variant], heldout_subset(), hard=hard, window=window, seed=seed).exact_match


def retrained_result(variant: str) -> dict | None:
    """What the page's retraining of ``variant`` left (model, accuracy, cpu, loss) if the user chose
    to use it, else None."""
    key = st.session_state.get("att_retrained_key")
    chosen = key is not None and key[1] == variant and st.session_state.get("att_use_retrained")
    return trained_here().get(key) if chosen else None  # .get: another session may evict it meanwhile


def retrained(variant: str):
    """The model retrained on this page for ``variant`` if the user chose to use it, else None."""
    result = retrained_result(variant)
    return None if result is None else result["model"]


def explain_date(variant: str, source: str, **options) -> Explanation:
    """Decode ``source`` with the chosen date model (cached for the shipped ones)."""
    model = retrained(variant)
    if model is None:
        return explain_shipped("dates", variant, source, **options)
    return explain(model, source, DateTask.max_target_length + 1, **options)


results = shipped_results()

# ------------------------------------------------------------------ the input every tab uses
seed_from_url("att_text", DEFAULT_TEXT.get(LANG, DEFAULT_TEXT["en"]), str, lambda v: len(v) <= 200)
seed_from_url("att_model", "bahdanau", str, lambda v: v in MAIN_VARIANTS)
seed_from_url("att_input_mode", "type", str, lambda v: v in ("type", "pick"))
seed_from_url(
    "att_date", dt.date(2026, 11, 27), dt.date.fromisoformat, lambda v: FIRST_DATE <= v <= LAST_DATE
)
seed_from_url("att_format", 4, int, lambda v: 0 <= v < len(DATE_FORMATS))

with st.container(border=True):
    left, right = st.columns([3, 2])
    with left:
        mode = translated_choice(
            st.radio,
            t(f"{NS}.input_mode"),
            ["type", "pick"],
            {m: tr(f"input_mode_{m}") for m in ("type", "pick")},
            horizontal=True,
            key="att_input_mode",
        )
        if mode == "type":
            raw_text = st.text_input(t(f"{NS}.input_text"), key="att_text", help=t(f"{NS}.input_text_help"))
        else:
            c1, c2 = st.columns(2)
            picked = c1.date_input(
                t(f"{NS}.input_date"),
                min_value=FIRST_DATE,
                max_value=LAST_DATE,
                key="att_date",
            )
            fmt_index = c2.selectbox(
                t(f"{NS}.input_format"),
                range(len(DATE_FORMATS)),
                format_func=lambda i: DATE_FORMATS[i].example(),
                key="att_format",
            )
            raw_text = DATE_FORMATS[fmt_index].render(picked)
            st.caption(t(f"{NS}.input_rendered", text=raw_text))
    with right:
        variant = translated_choice(
            st.radio,
            t(f"{NS}.model"),
            MAIN_VARIANTS,
            {v: label(v) for v in MAIN_VARIANTS},
            key="att_model",
            help=t(f"{NS}.model_help"),
        )
mirror_into_url("att_text", "att_model", "att_input_mode", "att_date", "att_format")

problem = date_input_problem(raw_text)
text = normalize_text(raw_text)
truth = read_date(raw_text) if problem is None else None
if problem is not None:
    code, values = problem
    st.error(t(f"{NS}.input_{code}", **values), icon=":material/error:")
else:
    if truth is None:
        st.warning(t(f"{NS}.not_a_known_format"), icon=":material/help:")
    else:
        where = t(f"{NS}.split_heldout") if is_heldout(truth) else t(f"{NS}.split_train")
        st.caption(t(f"{NS}.reader_says", iso=truth.isoformat(), where=where))

tabs = st.tabs(
    [
        t(f"{NS}.tab_heatmap"),
        t(f"{NS}.tab_long"),
        t(f"{NS}.tab_steps"),
        t(f"{NS}.tab_hard"),
        t(f"{NS}.tab_local"),
        t(f"{NS}.tab_playground"),
    ]
)


def verdict(output: str) -> str:
    """✓ / ✗ against the reader's date (empty when the input is not a known date)."""
    if truth is None:
        return ""
    return "✓" if output == truth.isoformat() else "✗"


def mark(ok: bool | None) -> str:
    """A coloured ✓ / ✗ for markdown."""
    return "" if ok is None else (":green[**✓**]" if ok else ":red[**✗**]")


# ------------------------------------------------------------------ 1. output and heatmap
with tabs[0]:
    st.markdown(t(f"{NS}.heatmap_intro"))
    if problem is None:
        expl = explain_date(variant, text)
        c1, c2, c3 = st.columns(3)
        c1.metric(t(f"{NS}.output"), expl.output or "∅")
        c2.metric(t(f"{NS}.expected"), truth.isoformat() if truth else "?")
        in_use = retrained_result(variant)
        if in_use is None:
            c3.metric(t(f"{NS}.heldout_accuracy"), fmt_pct(results["dates"][variant]["heldout_exact_match"]))
        else:
            n_subset = len(heldout_subset())
            c3.metric(t(f"{NS}.heldout_accuracy_retrained", n=n_subset), fmt_pct(in_use["accuracy"]))
        if truth is not None:
            ok = expl.output == truth.isoformat()
            (st.success if ok else st.warning)(t(f"{NS}.right" if ok else f"{NS}.wrong"))
        if expl.weights is None:
            st.info(t(f"{NS}.no_attention_heatmap"), icon=":material/info:")
        else:
            show_chart(attention_heatmap(expl), heatmap_frame(expl), key="attention_heatmap")
            st.caption(t(f"{NS}.heatmap_caption"))
        with st.expander(t(f"{NS}.all_models"), expanded=False):
            rows = []
            for v in (*MAIN_VARIANTS, *LOCAL_VARIANTS):
                out = explain_shipped("dates", v, text).output
                rows.append(
                    {
                        t(f"{NS}.col_model"): label(v),
                        t(f"{NS}.col_output"): out,
                        t(f"{NS}.col_right"): verdict(out),
                        t(f"{NS}.col_heldout"): fmt_pct(results["dates"][v]["heldout_exact_match"]),
                    }
                )
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    with st.expander(t(f"{NS}.by_format"), expanded=False):
        per_format = [
            {
                t(f"{NS}.col_format"): fmt.example(),
                **{
                    label(v): fmt_pct(results["dates"][v]["per_format"][fmt.template])
                    for v in (*MAIN_VARIANTS, *LOCAL_VARIANTS)
                },
            }
            for fmt in DATE_FORMATS
        ]
        st.dataframe(pd.DataFrame(per_format), hide_index=True, width="stretch")
        st.caption(t(f"{NS}.by_format_caption"))
    with st.expander(t(f"{NS}.retrain_title"), expanded=False, icon=":material/model_training:"):
        st.markdown(
            t(
                f"{NS}.retrain_intro",
                steps=DATE_PLAN.steps,
                batch=DATE_PLAN.batch_size,
                cpu=results["dates"][variant]["cpu_seconds"],
            )
        )
        r1, r2 = st.columns(2)
        steps = r1.slider(t(f"{NS}.retrain_steps"), 20, 600, DATE_PLAN.steps, 20, key="att_retrain_steps")
        seed = r2.number_input(t(f"{NS}.retrain_seed"), 0, 999, 0, key="att_retrain_seed")
        key = ("dates", variant, int(steps), int(seed))
        if st.button(
            t(f"{NS}.retrain_button", model=label(variant)), key="att_retrain", icon=":material/play_arrow:"
        ):
            if key not in trained_here():
                bar = st.progress(0.0, text=t(f"{NS}.training", model=label(variant)))
                fresh = build_model(ModelConfig(variant), date_task(), seed=int(seed))
                log = train_model(
                    fresh,
                    date_task(),
                    steps=int(steps),
                    batch_size=DATE_PLAN.batch_size,
                    learning_rate=DATE_PLAN.learning_rate,
                    seed=int(seed),
                    progress=lambda s, n, loss: bar.progress(
                        s / n, text=t(f"{NS}.training_step", step=s, steps=n, loss=f"{loss:.4f}")
                    ),
                )
                bar.empty()
                accuracy = evaluate(fresh, heldout_subset()).exact_match
                remember(
                    key, {"model": fresh, "accuracy": accuracy, "cpu": log.cpu_seconds, "loss": log.losses}
                )
            st.session_state["att_retrained_key"] = key
            st.session_state["att_use_retrained"] = True
            st.rerun()  # the output and heatmap above were drawn with the previous model
        done = trained_here().get(key)
        if done is not None:
            st.success(
                t(
                    f"{NS}.retrained",
                    model=label(variant),
                    steps=key[2],
                    cpu=f"{done['cpu']:.1f}",
                    acc=fmt_pct(done["accuracy"]),
                    n=len(heldout_subset()),
                )
            )
            show_chart(*loss_chart(done["loss"]), key="attention_retrain_loss")
        if st.session_state.get("att_retrained_key") and st.session_state["att_retrained_key"][1] == variant:
            st.toggle(t(f"{NS}.use_retrained"), key="att_use_retrained")

# ------------------------------------------------------------------ 2. long inputs
with tabs[1]:
    st.markdown(t(f"{NS}.long_intro"))
    seed_from_url("att_long_task", "reverse", str, lambda v: v in LONG_KINDS)
    seed_from_url("att_long_metric", "exact_match", str, lambda v: v in ("exact_match", "char_accuracy"))
    mirror_into_url("att_long_task", "att_long_metric")
    l1, l2 = st.columns(2)
    kind = translated_choice(
        l1.radio,
        t(f"{NS}.long_task"),
        LONG_KINDS,
        {k: tr(f"long_{k}") for k in LONG_KINDS},
        horizontal=True,
        key="att_long_task",
    )
    metric = translated_choice(
        l2.radio,
        t(f"{NS}.long_metric"),
        ["exact_match", "char_accuracy"],
        {m: tr(f"metric_{m}") for m in ("exact_match", "char_accuracy")},
        horizontal=True,
        key="att_long_metric",
    )
    rows = []
    for v, res in results["long"][kind].items():
        for r in res["by_length"]:
            rows.append({"model": label(v), "run": t(f"{NS}.run_shipped"), **r})
    here = trained_here().get(("long", kind))
    if here is not None:
        for v, by_length in here["rows"].items():
            for r in by_length:
                rows.append({"model": label(v), "run": t(f"{NS}.run_here", steps=here["steps"]), **r})
    frame = pd.DataFrame(rows)
    show_chart(length_chart(frame, metric), frame, key="attention_accuracy_by_length")
    shipped = results["long"][kind]
    st.caption(
        t(
            f"{NS}.long_caption",
            steps=LONG_PLAN.steps,
            batch=LONG_PLAN.batch_size,
            cpu=", ".join(f"{label(v)} {shipped[v]['cpu_seconds']:.0f} s" for v in shipped),
        )
    )
    table = frame[frame["run"] == t(f"{NS}.run_shipped")].pivot(
        index="length", columns="model", values=metric
    )
    table.index.name = t(f"{NS}.long_length")
    table.columns.name = None
    st.dataframe((100 * table).round(1), width="stretch")

    st.subheader(t(f"{NS}.long_demo"))
    d1, d2 = st.columns(2)
    length = d1.slider(t(f"{NS}.long_length"), 5, 60, 40, key="att_long_length")
    digits_seed = d2.number_input(t(f"{NS}.long_seed"), 0, 9999, 0, key="att_long_seed")
    digits = "".join(map(str, np.random.default_rng(int(digits_seed)).integers(0, 10, int(length))))
    target = long_task(kind).target(digits)
    st.code(f"{t(f'{NS}.long_input')}: {digits}\n{t(f'{NS}.long_target')}: {target}", language=None)
    demo_cols = st.columns(len(LONG_VARIANTS))
    for col, v in zip(demo_cols, LONG_VARIANTS, strict=True):
        out = explain_shipped(kind, v, digits)
        right = sum(a == b for a, b in zip(out.output, target, strict=False))
        col.markdown(f"**{label(v)}** {mark(out.output == target)}")
        col.code(out.output or "∅", language=None)
        col.caption(t(f"{NS}.long_right_chars", right=right, n=len(target)))
    attention_demo = explain_shipped(kind, "bahdanau", digits)
    show_chart(
        attention_heatmap(attention_demo, height_per_row=12),
        heatmap_frame(attention_demo),
        key="attention_long_heatmap",
    )
    st.caption(t(f"{NS}.long_heatmap_caption"))

    with st.expander(t(f"{NS}.long_retrain_title"), expanded=False, icon=":material/model_training:"):
        st.markdown(t(f"{NS}.long_retrain_intro"))
        long_steps = st.slider(t(f"{NS}.retrain_steps"), 50, 800, 200, 50, key="att_long_steps")
        if st.button(t(f"{NS}.long_retrain_button"), key="att_long_retrain", icon=":material/play_arrow:"):
            store_key = ("long", kind)
            old = trained_here().get(store_key)
            if old is None or old["steps"] != long_steps:
                task = long_task(kind)
                by_model = {}
                bar = st.progress(0.0)
                for i, v in enumerate(LONG_VARIANTS):
                    fresh = build_model(ModelConfig(v), task, seed=LONG_PLAN.seed)

                    def report(s, n, loss, i=i, v=v):
                        bar.progress(
                            (i + s / n) / len(LONG_VARIANTS),
                            text=t(
                                f"{NS}.training_step_model",
                                model=label(v),
                                step=s,
                                steps=n,
                                loss=f"{loss:.3f}",
                            ),
                        )

                    train_model(
                        fresh,
                        task,
                        steps=int(long_steps),
                        batch_size=LONG_PLAN.batch_size,
                        learning_rate=LONG_PLAN.learning_rate,
                        seed=LONG_PLAN.seed,
                        progress=report,
                    )
                    by_model[v] = accuracy_by_length(fresh, task, LONG_LENGTHS, per_length=30, seed=2)
                bar.empty()
                remember(store_key, {"steps": int(long_steps), "rows": by_model})
            st.rerun()

# ------------------------------------------------------------------ 3. step by step
with tabs[2]:
    st.markdown(t(f"{NS}.steps_intro"))
    if problem is None:
        expl = explain_date(variant, text)
        n_steps = len(expl.output_tokens)
        seed_from_url("att_step", 1, int, lambda v: 1 <= v <= 11)
        if st.session_state["att_step"] > n_steps:
            st.session_state["att_step"] = n_steps
        step = st.slider(t(f"{NS}.step"), 1, max(n_steps, 2), key="att_step", disabled=n_steps < 2)
        mirror_into_url("att_step")
        i = step - 1
        previous = "<s>" if i == 0 else expl.output_tokens[i - 1]
        top_input = None if expl.weights is None else expl.source[int(np.argmax(expl.weights[i]))]
        g1, g2 = st.columns([3, 2])
        with g1:
            st.graphviz_chart(dataflow_dot(variant, step, previous, expl.output_tokens[i], top_input))
            st.caption(t(f"{NS}.query_{'none' if variant == 'none' else variant.split('-')[0]}"))
        with g2:
            st.markdown(t(f"{NS}.step_top"))
            st.dataframe(
                pd.DataFrame(
                    [
                        {t(f"{NS}.col_token"): tok, t(f"{NS}.col_probability"): f"{p:.3f}"}
                        for tok, p in expl.top[i]
                    ]
                ),
                hide_index=True,
            )
        if expl.weights is not None:
            st.markdown(t(f"{NS}.step_weights", t=step))
            chart, data = step_weights_chart(expl, i)
            show_chart(chart, data, key="attention_step_weights")
        st.markdown(t(f"{NS}.step_context", t=step, n=len(expl.contexts[i])))
        chart, data = context_chart(expl.contexts[i])
        show_chart(chart, data, key="attention_step_context")
        if variant == "none":
            same = float(np.abs(expl.contexts - expl.contexts[0]).max())
            st.caption(t(f"{NS}.context_same", diff=f"{same:.1e}"))

# ------------------------------------------------------------------ 4. soft vs hard
with tabs[3]:
    st.markdown(t(f"{NS}.hard_intro"))
    if variant == "none":
        st.info(t(f"{NS}.hard_none"), icon=":material/info:")
    elif problem is None:
        seed_from_url("att_hard_seed", 0, int, lambda v: 0 <= v <= 9999)
        hard_seed = st.number_input(t(f"{NS}.hard_seed"), 0, 9999, key="att_hard_seed")
        mirror_into_url("att_hard_seed")
        modes = [(None, "soft"), ("argmax", "argmax"), ("sample", "sample")]
        in_use = retrained_result(variant)  # the model retrained on the page, if the user chose it
        summary = []
        for mode_value, name in modes:
            expl = explain_date(variant, text, hard=mode_value, seed=int(hard_seed))
            ok = None if truth is None else expl.output == truth.isoformat()
            st.markdown(f"**{t(f'{NS}.hard_{name}')}**: `{expl.output or '∅'}` {mark(ok)}")
            show_chart(
                attention_heatmap(expl, height_per_row=16), heatmap_frame(expl), key=f"attention_hard_{name}"
            )
            shipped = results["dates"][variant]
            if in_use is not None:  # measured live for the retrained model on the first held-out dates
                live = session_memo(
                    f"att_hard_{name}",
                    (st.session_state["att_retrained_key"], int(hard_seed)),
                    lambda mode=mode_value: (
                        evaluate(
                            in_use["model"], heldout_subset(), hard=mode, seed=int(hard_seed)
                        ).exact_match
                    ),
                )
                accuracy = t(f"{NS}.hard_live", acc=fmt_pct(live), n=len(heldout_subset()))
            elif mode_value is None:
                accuracy = fmt_pct(shipped["heldout_exact_match"])
            elif mode_value == "argmax" or int(hard_seed) == 0:
                accuracy = fmt_pct(shipped[f"hard_{mode_value}_exact_match"])
            else:  # another seed: measured live on the first held-out dates
                live = subset_accuracy(variant, mode_value, None, int(hard_seed))
                accuracy = t(f"{NS}.hard_live", acc=fmt_pct(live), n=len(heldout_subset()))
            summary.append(
                {
                    t(f"{NS}.col_mode"): t(f"{NS}.hard_{name}"),
                    t(f"{NS}.col_output"): expl.output,
                    t(f"{NS}.col_heldout_all", n=shipped["heldout_size"]): accuracy,
                }
            )
        st.dataframe(pd.DataFrame(summary), hide_index=True, width="stretch")
        st.caption(t(f"{NS}.hard_caption"))

# ------------------------------------------------------------------ 5. local attention
with tabs[4]:
    st.markdown(t(f"{NS}.local_intro"))
    trained_window = ModelConfig("local-m").window
    seed_from_url("att_local_mode", "local-p", str, lambda v: v in LOCAL_VARIANTS)
    seed_from_url("att_window", trained_window, int, lambda v: 1 <= v <= 12)
    k1, k2 = st.columns(2)
    local_variant = translated_choice(
        k1.radio,
        t(f"{NS}.local_mode"),
        LOCAL_VARIANTS,
        {v: label(v) for v in LOCAL_VARIANTS},
        horizontal=True,
        key="att_local_mode",
    )
    window = k2.slider(t(f"{NS}.local_window"), 1, 12, key="att_window", help=t(f"{NS}.local_window_help"))
    mirror_into_url("att_local_mode", "att_window")
    if problem is None:
        expl = explain_shipped("dates", local_variant, text, window=int(window))
        m1, m2, m3 = st.columns(3)
        m1.metric(t(f"{NS}.output"), expl.output or "∅", help=None)
        m2.metric(
            t(f"{NS}.local_accuracy", d=window, n=results["dates"][local_variant]["heldout_size"]),
            fmt_pct(results["dates"][local_variant]["by_window"][str(int(window))]),
        )
        m3.metric(t(f"{NS}.local_scores_per_step"), f"{min(2 * window + 1, len(text))} / {len(text)}")
        ok = None if truth is None else expl.output == truth.isoformat()
        st.markdown(f"{mark(ok)} {t(f'{NS}.local_trained', d=trained_window)}")
        show_chart(
            attention_heatmap(expl, window=int(window)), heatmap_frame(expl), key="attention_local_heatmap"
        )
        st.caption(t(f"{NS}.local_caption"))
    st.markdown(t(f"{NS}.local_params_title"))
    size = 2 * ModelConfig("local-m").encoder_size
    param_rows = [
        (t(f"{NS}.local_global"), count_parameters(LuongAttention(size, size, "general"))),
        (label("local-m"), count_parameters(date_models()["local-m"].decoder.attention)),
        (label("local-p"), count_parameters(date_models()["local-p"].decoder.attention)),
    ]
    st.dataframe(
        pd.DataFrame(param_rows, columns=[t(f"{NS}.col_attention"), t(f"{NS}.col_parameters")]),
        hide_index=True,
    )
    st.caption(t(f"{NS}.local_params_caption"))

# ------------------------------------------------------------------ 6. score playground
with tabs[5]:
    st.markdown(t(f"{NS}.pg_intro"))
    seed_from_url("att_pg_score", "additive", str, lambda v: v in PLAYGROUND_SCORES)
    seed_from_url("att_pg_query", "1, 0, -1", str, lambda v: len(v) <= 200)
    seed_from_url("att_pg_keys", "1, 2, 0\n0, 1, 1\n-1, 0, 2\n2, -1, 1", str, lambda v: len(v) <= 600)
    seed_from_url("att_pg_seed", 3, int, lambda v: 0 <= v <= 9999)
    p1, p2 = st.columns([2, 1])
    with p1:
        score_kind = translated_choice(
            st.radio,
            t(f"{NS}.pg_score"),
            PLAYGROUND_SCORES,
            {s: tr(f"pg_score_{s}") for s in PLAYGROUND_SCORES},
            horizontal=True,
            key="att_pg_score",
        )
        query_text = st.text_input(t(f"{NS}.pg_query"), key="att_pg_query")
        keys_text = st.text_area(t(f"{NS}.pg_keys"), height=120, key="att_pg_keys")
    with p2:
        pg_seed = st.number_input(t(f"{NS}.pg_seed"), 0, 9999, key="att_pg_seed")
    mirror_into_url("att_pg_score", "att_pg_query", "att_pg_keys", "att_pg_seed")
    lines = [line for line in keys_text.splitlines() if line.strip()]
    named = [
        (query_text, t(f"{NS}.pg_query_name")),
        *((ln, t(f"{NS}.pg_key_name", s=i + 1)) for i, ln in enumerate(lines)),
    ]
    problems = [(name, vector_problem(text_, 3)) for text_, name in named]
    bad = next(((name, p) for name, p in problems if p is not None), None)
    if not 1 <= len(lines) <= 6:
        st.error(t(f"{NS}.pg_keys_count", n=len(lines)), icon=":material/error:")
    elif bad is not None:
        name, (code, values) = bad
        st.error(t(f"{NS}.pg_bad_{code}", name=name, **values), icon=":material/error:")
    else:
        q = parse_vector(query_text, 3)
        keys = [parse_vector(line, 3) for line in lines]
        params = playground_parameters(int(pg_seed))
        hand = attend_by_hand(score_kind, q, keys, params)
        module = attend_with_module(score_kind, q, keys, params)

        for line in playground_latex(score_kind, q, keys, params, hand):
            st.latex(line)
        if score_kind == "dot":
            st.caption(t(f"{NS}.pg_no_params"))
        compare = pd.DataFrame(
            {
                "s": range(1, len(keys) + 1),
                t(f"{NS}.pg_hand_score"): hand.scores,
                t(f"{NS}.pg_module_score"): module.scores,
                t(f"{NS}.pg_hand_weight"): hand.weights,
                t(f"{NS}.pg_module_weight"): module.weights,
            }
        )
        st.dataframe(compare, hide_index=True, width="stretch")
        module_name = (
            "AdditiveAttention" if score_kind == "additive" else f"LuongAttention(score='{score_kind}')"
        )
        reference_check(f"core.attention.{module_name}", max_difference(hand, module), 1e-12)
        if score_kind == "dot":
            sdpa = torch.nn.functional.scaled_dot_product_attention(
                torch.tensor([[q]], dtype=torch.float64),
                torch.tensor([keys], dtype=torch.float64),
                torch.tensor([keys], dtype=torch.float64),
                scale=1.0,
            )[0, 0].tolist()
            diff = max(abs(a - b) for a, b in zip(sdpa, hand.context, strict=True))
            reference_check("torch.nn.functional.scaled_dot_product_attention(scale=1)", diff, 1e-12)
        if score_kind in ("additive", "concat"):
            st.caption(t(f"{NS}.pg_same_function"))

# ------------------------------------------------------------------ about the notes
about_the_notes([(t(f"{NS}.notes_{i}_said"), t(f"{NS}.notes_{i}_verified")) for i in range(1, 9)])
