"""The attention page's views: each section's display-ready texts, frames, charts and checks.

Behind it: ``_live`` (shipped models and results, decoding, evaluation and retraining, each computed once
for all visitors through :func:`ui.compute.shared`) and ``_charts`` (Altair, Graphviz, LaTeX). The page
reads its widgets, asks for a view here and draws it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core.attention import (
    DATE_FORMATS,
    DATE_PLAN,
    FIRST_DATE,
    LAST_DATE,
    LONG_PLAN,
    PLAYGROUND_SCORES,
    Explanation,
    ModelConfig,
    attend_by_hand,
    attend_with_module,
    date_input_problem,
    is_heldout,
    max_difference,
    normalize_text,
    parse_vector,
    playground_parameters,
    read_date,
    vector_problem,
)
from core.lazy import LazyModule
from ui.attention._charts import (
    attention_heatmap,
    context_chart,
    dataflow_dot,
    heatmap_frame,
    length_chart,
    loss_chart,
    playground_latex,
    step_weights_chart,
)
from ui.attention._live import (
    DATE_STEPS,
    HELDOUT_SUBSET,
    LONG_KINDS,
    LONG_STEPS,
    LONG_VARIANTS,
    RETRAIN_SEEDS,
    Retrained,
    attention_parameters,
    date_task,
    explain_date,
    explain_shipped,
    follow_retrain_date,
    follow_retrain_long,
    heldout_subset,
    is_long_retrained,
    is_retrained,
    long_task,
    retrain_date,
    retrain_long,
    shipped_model,
    shipped_results,
    start_retrain_date,
    start_retrain_long,
    subset_accuracy,
    whole_in,
)
from ui.compute import Describe, shared
from ui.format import fmt_fixed, fmt_pct
from ui.i18n import t

torch = LazyModule("torch")  # imported when live work needs it (core/lazy.py)

NS = "attention"
MAIN_VARIANTS = ("bahdanau", "luong-dot", "luong-general", "luong-concat", "none")
LOCAL_VARIANTS = ("local-m", "local-p")
DEFAULT_TEXT = {"en": "Friday, November 27, 2026", "zh": "2026年11月27日 星期五"}
DEFAULT_DATE = dt.date(2026, 11, 27)
TRAINED_WINDOW = ModelConfig("local-m").window
DATE_PLAN_STEPS = DATE_PLAN.steps  # the shipped date models' training steps
HARD_MODES = ((None, "soft"), ("argmax", "argmax"), ("sample", "sample"))
_PCT = 2  # the page's percentages: two decimals
#: the inputs' bounds (the widgets' ranges; links and core's doors use them too)
MAX_TEXT = 200  # characters of a typed date (core reads at most MAX_DATE_INPUT after normalising)
MAX_VECTOR_TEXT = 200  # the playground's query
MAX_KEYS_TEXT = 600  # the playground's keys
MAX_WINDOW = 12  # local attention's half-width D on the page
MAX_SEED = 9999
LONG_DEMO_LENGTHS = (5, 60)

Chart = alt.TopLevelMixin


def label(variant: str) -> str:
    """A variant's name on the page ("luong-dot" -> "Luong dot")."""
    return t(f"{NS}.variant_{variant.replace('-', '_')}")


def pct(fraction: float) -> str:
    return fmt_pct(fraction, _PCT)


def mark(ok: bool | None) -> str:
    """A right / wrong icon for markdown (nothing when there is nothing to compare with)."""
    return "" if ok is None else (":material/check_circle:" if ok else ":material/cancel:")


def date_format_example(index: int) -> str:
    return DATE_FORMATS[index].example()


def render_date(picked: dt.date, index: int) -> str:
    return DATE_FORMATS[index].render(picked)


# --- the input the date sections use -------------------------------------------------------------------


@dataclass(frozen=True)
class InputView:
    """The typed or rendered date: its problem (an error text) or its normalised text, and the date
    the reader finds in it (None: not a known format)."""

    error: str | None
    text: str
    truth: dt.date | None
    split: str  # "held-out" / "training" as the page writes it ('' without a date)

    def ok(self, output: str) -> bool | None:
        """Whether ``output`` is the reader's date (None without one)."""
        return None if self.truth is None else output == self.truth.isoformat()


def read_input(raw_text: str) -> InputView:
    problem = date_input_problem(raw_text)
    if problem is not None:
        code, values = problem
        return InputView(t(f"{NS}.input_{code}", **values), normalize_text(raw_text), None, "")
    truth = read_date(raw_text)
    split = "" if truth is None else t(f"{NS}.split_heldout" if is_heldout(truth) else f"{NS}.split_train")
    return InputView(None, normalize_text(raw_text), truth, split)


def chosen_retrained(variant: str) -> Retrained | None:
    """The model retrained on the page for ``variant``, if the visitor chose to use it (and it is still
    kept), else None."""
    key = st.session_state.get("att_retrained_key")
    if key is None or key[1] != variant or not st.session_state.get("att_use_retrained"):
        return None
    return (key[1], key[2], key[3]) if is_retrained(key[1], key[2], key[3]) else None


def decode(variant: str, entry: InputView) -> Explanation:
    """The input decoded by the chosen date model (the one retrained here, if the visitor uses it)."""
    return explain_date(variant, entry.text, chosen_retrained(variant))


# --- 1. output and heatmap --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateView:
    explanation: Explanation
    output: str
    expected: str
    accuracy_label: str
    accuracy: str
    heatmap: tuple[Chart, pd.DataFrame] | None


def date_view(variant: str, entry: InputView) -> DateView:
    retrained = chosen_retrained(variant)
    expl = explain_date(variant, entry.text, retrained)
    if retrained is None:
        accuracy_label = t(f"{NS}.heldout_accuracy")
        accuracy = pct(shipped_results()["dates"][variant]["heldout_exact_match"])
    else:
        accuracy_label = t(f"{NS}.heldout_accuracy_retrained", n=len(heldout_subset()))
        accuracy = pct(retrain_date(*retrained, _training_text(variant))["accuracy"])
    heatmap = None if expl.weights is None else (attention_heatmap(expl), heatmap_frame(expl))
    expected = entry.truth.isoformat() if entry.truth else "?"
    return DateView(expl, expl.output or "∅", expected, accuracy_label, accuracy, heatmap)


def all_models_frame(entry: InputView) -> pd.DataFrame:
    """Every shipped date model's output for the input, right or not, and its held-out accuracy."""
    results = shipped_results()["dates"]
    rows = []
    for v in (*MAIN_VARIANTS, *LOCAL_VARIANTS):
        out = explain_shipped("dates", v, entry.text).output
        ok = entry.ok(out)
        rows.append(
            {
                t(f"{NS}.col_model"): label(v),
                t(f"{NS}.col_output"): out,
                t(f"{NS}.col_right"): "" if ok is None else ("✓" if ok else "✗"),
                t(f"{NS}.col_heldout"): pct(results[v]["heldout_exact_match"]),
            }
        )
    return pd.DataFrame(rows)


def by_format_frame() -> pd.DataFrame:
    """Held-out exact match per date format and model."""
    results = shipped_results()["dates"]
    return pd.DataFrame(
        [
            {
                t(f"{NS}.col_format"): fmt.example(),
                **{
                    label(v): pct(results[v]["per_format"][fmt.template])
                    for v in (*MAIN_VARIANTS, *LOCAL_VARIANTS)
                },
            }
            for fmt in DATE_FORMATS
        ]
    )


def retrain_intro(variant: str) -> str:
    cpu = shipped_results()["dates"][variant]["cpu_seconds"]
    return t(f"{NS}.retrain_intro", steps=DATE_PLAN.steps, batch=DATE_PLAN.batch_size, cpu=cpu)


def _training_text(variant: str) -> Describe:
    """The progress bar's text of a date model's retraining."""

    def describe(step: int, total: int, info: dict) -> str:
        if total == 0:
            return t(f"{NS}.training", model=label(variant))
        return t(f"{NS}.training_step", step=step, steps=total, loss=fmt_fixed(info["loss"]))

    return describe


def retrain_date_model(variant: str, steps: int, seed: int) -> bool:
    """Start the retraining (once for all visitors) and choose its model for when it is done; returns at
    once (False: this visitor's last computation still runs, nothing started). The training runs on the
    server's pool while the page stays usable: :func:`follow_date_retraining` shows its progress."""
    if not start_retrain_date(variant, steps, seed):
        return False
    st.session_state["att_retrained_key"] = ("dates", variant, int(steps), int(seed))
    st.session_state["att_use_retrained"] = True
    return True


def follow_date_retraining() -> None:
    """The progress bar of this visitor's last date-model retraining while it runs (any visitor's run of
    the same settings counts); the page reruns when it ends, and then decodes with the new model."""
    key = st.session_state.get("att_retrained_key")
    if key is not None:
        follow_retrain_date(key[1], key[2], key[3], _training_text(key[1]))


@dataclass(frozen=True)
class RetrainedView:
    message: str
    loss: tuple[Chart, pd.DataFrame]


def retrained_view(variant: str, steps: int, seed: int) -> RetrainedView | None:
    """What a retraining with these settings gave, if it is kept, else None."""
    if not is_retrained(variant, steps, seed):
        return None
    done = retrain_date(variant, steps, seed, _training_text(variant))  # kept: no retraining
    message = t(
        f"{NS}.retrained",
        model=label(variant),
        steps=int(steps),
        cpu=f"{done['cpu']:.1f}",
        acc=pct(done["accuracy"]),
        n=len(heldout_subset()),
    )
    return RetrainedView(message, loss_chart(done["loss"]))


# --- 2. long inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LongView:
    chart: Chart
    data: pd.DataFrame
    caption: str
    table: pd.DataFrame


def long_view(kind: str, metric: str, here_steps: int | None) -> LongView:
    """Accuracy by input length of the shipped models (and of those retrained here for ``here_steps``)."""
    shipped = shipped_results()["long"][kind]
    rows = [
        {"model": label(v), "run": t(f"{NS}.run_shipped"), **r}
        for v, res in shipped.items()
        for r in res["by_length"]
    ]
    if here_steps is not None and is_long_retrained(kind, here_steps):
        here = retrain_long(kind, here_steps, _long_training_text)  # kept: no retraining
        rows += [
            {"model": label(v), "run": t(f"{NS}.run_here", steps=here["steps"]), **r}
            for v, by_length in here["rows"].items()
            for r in by_length
        ]
    frame = pd.DataFrame(rows)
    cpu = ", ".join(f"{label(v)} {shipped[v]['cpu_seconds']:.0f} s" for v in shipped)
    caption = t(f"{NS}.long_caption", steps=LONG_PLAN.steps, batch=LONG_PLAN.batch_size, cpu=cpu)
    shipped_rows = frame[frame["run"] == t(f"{NS}.run_shipped")]
    table = shipped_rows.pivot(index="length", columns="model", values=metric)
    table.index.name = t(f"{NS}.long_length")
    table.columns.name = None
    return LongView(length_chart(frame, metric), frame, caption, (100 * table).round(1))


@dataclass(frozen=True)
class LongDemo:
    code: str  # input and target
    outputs: list[tuple[str, str, str]]  # per model: heading with its mark, output, right characters
    heatmap: tuple[Chart, pd.DataFrame]


def long_demo(kind: str, length: int, seed: int) -> LongDemo:
    if kind not in LONG_KINDS or not (whole_in(length, *LONG_DEMO_LENGTHS) and whole_in(seed, 0, MAX_SEED)):
        raise ValueError(f"kind must be one of {LONG_KINDS}, length a whole number in {LONG_DEMO_LENGTHS}.")
    digits = "".join(map(str, np.random.default_rng(int(seed)).integers(0, 10, int(length))))
    target = long_task(kind).target(digits)
    code = f"{t(f'{NS}.long_input')}: {digits}\n{t(f'{NS}.long_target')}: {target}"
    outputs = []
    for v in LONG_VARIANTS:
        out = explain_shipped(kind, v, digits).output
        right = sum(a == b for a, b in zip(out, target, strict=False))
        outputs.append(
            (
                f"**{label(v)}** {mark(out == target)}",
                out or "∅",
                t(f"{NS}.long_right_chars", right=right, n=len(target)),
            )
        )
    demo = explain_shipped(kind, "bahdanau", digits)
    return LongDemo(code, outputs, (attention_heatmap(demo, height_per_row=12), heatmap_frame(demo)))


def _long_training_text(done: int, total: int, info: dict) -> str:
    """The progress bar's text of the long-input retraining: the model in training, its step and loss."""
    if total == 0:
        return ""
    model, loss = label(info["model"]), fmt_fixed(info["loss"], 3)
    return t(f"{NS}.training_step_model", model=model, step=info["step"], steps=info["steps"], loss=loss)


def retrain_long_models(kind: str, steps: int) -> bool:
    """Start the long-input models' retraining (once for all visitors) and show them here when done;
    returns at once (False: this visitor's last computation still runs, nothing started)."""
    if not start_retrain_long(kind, steps):
        return False
    st.session_state[f"att_long_trained_{kind}"] = int(steps)
    return True


def follow_long_retraining(kind: str) -> None:
    """The progress bar of this visitor's last retraining of ``kind``'s long-input models while it runs;
    the page reruns when it ends."""
    steps = long_trained_here(kind)
    if steps is not None:
        follow_retrain_long(kind, steps, _long_training_text)


def long_trained_here(kind: str) -> int | None:
    """The steps of this visitor's last retraining of ``kind``'s models (None: none)."""
    return st.session_state.get(f"att_long_trained_{kind}")


# --- 3. step by step --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    dot: str
    query_caption: str
    top: pd.DataFrame
    weights: tuple[Chart, pd.DataFrame] | None
    context: tuple[Chart, pd.DataFrame]
    context_size: int
    context_same: str | None  # the baseline: max |c_t - c_1| (one context for every step)


def step_view(variant: str, expl: Explanation, step: int) -> StepView:
    """Output step ``step`` (1-based) of ``expl``: data flow, likeliest tokens, weights, context."""
    i = step - 1
    previous = "<s>" if i == 0 else expl.output_tokens[i - 1]
    top_input = None if expl.weights is None else expl.source[int(np.argmax(expl.weights[i]))]
    top = pd.DataFrame(
        [{t(f"{NS}.col_token"): tok, t(f"{NS}.col_probability"): f"{p:.3f}"} for tok, p in expl.top[i]]
    )
    same = None
    if variant == "none":
        same = f"{float(np.abs(expl.contexts - expl.contexts[0]).max()):.1e}"
    return StepView(
        dot=dataflow_dot(variant, step, previous, expl.output_tokens[i], top_input),
        query_caption=t(f"{NS}.query_{'none' if variant == 'none' else variant.split('-')[0]}"),
        top=top,
        weights=None if expl.weights is None else step_weights_chart(expl, i),
        context=context_chart(expl.contexts[i]),
        context_size=len(expl.contexts[i]),
        context_same=same,
    )


# --- 4. soft vs hard --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HardRow:
    name: str
    line: str  # "**Soft**: `2026-11-27` ✓"
    heatmap: tuple[Chart, pd.DataFrame]


def hard_view(variant: str, entry: InputView, hard_seed: int) -> tuple[list[HardRow], pd.DataFrame]:
    """Soft, argmax and sampled attention on the input, and each one's held-out accuracy: shipped, or
    measured live on the first held-out dates (another seed, or the model retrained here)."""
    retrained = chosen_retrained(variant)
    shipped = shipped_results()["dates"][variant]
    n = len(heldout_subset())
    rows, summary = [], []
    for mode, name in HARD_MODES:
        expl = explain_date(variant, entry.text, retrained, hard=mode, seed=int(hard_seed))
        line = f"**{t(f'{NS}.hard_{name}')}**: `{expl.output or '∅'}` {mark(entry.ok(expl.output))}"
        rows.append(HardRow(name, line, (attention_heatmap(expl, height_per_row=16), heatmap_frame(expl))))
        if retrained is not None or (mode == "sample" and int(hard_seed) != 0):
            live = subset_accuracy(variant, mode, None, int(hard_seed), retrained)
            accuracy = t(f"{NS}.hard_live", acc=pct(live), n=n)
        elif mode is None:
            accuracy = pct(shipped["heldout_exact_match"])
        else:
            accuracy = pct(shipped[f"hard_{mode}_exact_match"])
        summary.append(
            {
                t(f"{NS}.col_mode"): t(f"{NS}.hard_{name}"),
                t(f"{NS}.col_output"): expl.output,
                t(f"{NS}.col_heldout_all", n=shipped["heldout_size"]): accuracy,
            }
        )
    return rows, pd.DataFrame(summary)


# --- 5. local attention -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalView:
    output: str
    accuracy_label: str
    accuracy: str
    scores_per_step: str
    trained: str  # the mark and the window the models were trained with
    heatmap: tuple[Chart, pd.DataFrame]


def local_view(local_variant: str, entry: InputView, window: int) -> LocalView:
    if not whole_in(window, 1, MAX_WINDOW):
        raise ValueError(f"window must be a whole number from 1 to {MAX_WINDOW}, got {window!r}.")
    expl = explain_shipped("dates", local_variant, entry.text, window=int(window))
    shipped = shipped_results()["dates"][local_variant]
    n = len(entry.text)
    return LocalView(
        output=expl.output or "∅",
        accuracy_label=t(f"{NS}.local_accuracy", d=window, n=shipped["heldout_size"]),
        accuracy=pct(shipped["by_window"][str(int(window))]),
        scores_per_step=f"{min(2 * window + 1, n)} / {n}",  # 2D + 1 scores, at most all S
        trained=f"{mark(entry.ok(expl.output))} {t(f'{NS}.local_trained', d=TRAINED_WINDOW)}",
        heatmap=(attention_heatmap(expl, window=int(window)), heatmap_frame(expl)),
    )


def local_parameters_frame() -> pd.DataFrame:
    """Parameters of a global general-score attention and of the two local ones."""
    counts = attention_parameters()
    names = (t(f"{NS}.local_global"), label("local-m"), label("local-p"))
    return pd.DataFrame(
        list(zip(names, counts, strict=True)), columns=[t(f"{NS}.col_attention"), t(f"{NS}.col_parameters")]
    )


# --- 6. score playground ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaygroundView:
    latex: list[str]
    compare: pd.DataFrame
    checks: list[tuple[str, float]]  # (reference, max |diff|), each within 1e-12


def playground_view(score: str, query_text: str, keys_text: str, seed: int) -> PlaygroundView | str:
    """The score worked by hand against the attention module (and, for the dot score, against torch's
    scaled_dot_product_attention), or the text of the first problem of the input."""
    lines = [line for line in keys_text.splitlines() if line.strip()]
    named = [
        (query_text, t(f"{NS}.pg_query_name")),
        *((ln, t(f"{NS}.pg_key_name", s=i + 1)) for i, ln in enumerate(lines)),
    ]
    problems = [(name, vector_problem(text, 3)) for text, name in named]
    bad = next(((name, p) for name, p in problems if p is not None), None)
    if not 1 <= len(lines) <= 6:
        return t(f"{NS}.pg_keys_count", n=len(lines))
    if bad is not None:
        name, (code, values) = bad
        return t(f"{NS}.pg_bad_{code}", name=name, **values)
    q = parse_vector(query_text, 3)
    keys = [parse_vector(line, 3) for line in lines]
    params = playground_parameters(int(seed))
    hand = attend_by_hand(score, q, keys, params)
    module, sdpa_diff = shared(_module_side, score, tuple(q), tuple(map(tuple, keys)), int(seed))
    compare = pd.DataFrame(
        {
            "s": range(1, len(keys) + 1),
            t(f"{NS}.pg_hand_score"): hand.scores,
            t(f"{NS}.pg_module_score"): module.scores,
            t(f"{NS}.pg_hand_weight"): hand.weights,
            t(f"{NS}.pg_module_weight"): module.weights,
        }
    )
    module_name = "AdditiveAttention" if score == "additive" else f"LuongAttention(score='{score}')"
    checks = [(f"core.attention.{module_name}", max_difference(hand, module))]
    if sdpa_diff is not None:
        checks.append(("torch.nn.functional.scaled_dot_product_attention(scale=1)", sdpa_diff))
    return PlaygroundView(playground_latex(score, q, keys, params, hand), compare, checks)


def _module_side(score: str, q: tuple, keys: tuple, seed: int) -> tuple[object, float | None]:
    """The playground's step by the torch module, and (dot score) the max |diff| of torch's
    scaled_dot_product_attention against the hand working; through the shared store, so the default
    playground's is computed ahead (``ui/shipped.py``)."""
    q, keys = list(q), [list(k) for k in keys]
    params = playground_parameters(seed)
    module = attend_with_module(score, q, keys, params)
    if score != "dot":
        return module, None
    hand = attend_by_hand(score, q, keys, params)
    sdpa = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor([[q]], dtype=torch.float64),
        torch.tensor([keys], dtype=torch.float64),
        torch.tensor([keys], dtype=torch.float64),
        scale=1.0,
    )[0, 0].tolist()
    return module, max(abs(a - b) for a, b in zip(sdpa, hand.context, strict=True))


def retrain_spec_matches(variant: str) -> bool:
    """Whether the visitor's last retraining is of ``variant`` (the toggle to use it is shown)."""
    key = st.session_state.get("att_retrained_key")
    return bool(key) and key[1] == variant


__all__ = [
    "DATE_FORMATS",
    "DATE_PLAN_STEPS",
    "DATE_STEPS",
    "DEFAULT_DATE",
    "DEFAULT_TEXT",
    "FIRST_DATE",
    "HELDOUT_SUBSET",
    "LAST_DATE",
    "LOCAL_VARIANTS",
    "LONG_DEMO_LENGTHS",
    "LONG_KINDS",
    "LONG_STEPS",
    "LONG_VARIANTS",
    "MAIN_VARIANTS",
    "MAX_KEYS_TEXT",
    "MAX_SEED",
    "MAX_TEXT",
    "MAX_VECTOR_TEXT",
    "MAX_WINDOW",
    "PLAYGROUND_SCORES",
    "RETRAIN_SEEDS",
    "TRAINED_WINDOW",
    "InputView",
    "all_models_frame",
    "attention_heatmap",
    "by_format_frame",
    "context_chart",
    "dataflow_dot",
    "date_format_example",
    "date_task",
    "date_view",
    "decode",
    "explain_date",
    "explain_shipped",
    "follow_date_retraining",
    "follow_long_retraining",
    "hard_view",
    "heatmap_frame",
    "heldout_subset",
    "label",
    "length_chart",
    "local_parameters_frame",
    "local_view",
    "long_demo",
    "long_task",
    "long_trained_here",
    "long_view",
    "loss_chart",
    "playground_latex",
    "playground_view",
    "read_input",
    "render_date",
    "retrain_date_model",
    "retrain_intro",
    "retrain_long_models",
    "retrain_spec_matches",
    "retrained_view",
    "shipped_model",
    "shipped_results",
    "step_view",
    "step_weights_chart",
    "subset_accuracy",
]
