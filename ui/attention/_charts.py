"""The attention page's drawings: heatmaps and bar charts (Altair), the decoder's data flow (Graphviz),
the score playground's working (LaTeX)."""

from __future__ import annotations

import html
import json

import altair as alt
import numpy as np
import pandas as pd

from core.attention import Explanation, HandWorking, Matrix
from ui.i18n import t

SPACE = "␣"

# --------------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------------


def _show(ch: str) -> str:
    return SPACE if ch == " " else ch


def _label_expr(labels: list[str]) -> str:
    # a Vega expression that maps an integer axis value to its character
    return f"{json.dumps(labels, ensure_ascii=False)}[datum.value]"


def heatmap_frame(expl: Explanation) -> pd.DataFrame:
    """One row per (output step, input character) with the weight."""
    rows = []
    for i, out_tok in enumerate(expl.output_tokens):
        for j, ch in enumerate(expl.source):
            rows.append(
                {
                    "output_step": i,
                    "output": out_tok,
                    "input_position": j,
                    "input": ch,
                    "weight": float(expl.weights[i, j]),
                }
            )
    return pd.DataFrame(rows)


def attention_heatmap(
    expl: Explanation, *, window: int | None = None, height_per_row: int = 22
) -> alt.LayerChart:
    """Input characters (x) x output characters (y); local attention adds its window and p_t."""
    frame = heatmap_frame(expl)
    frame["x0"] = frame["input_position"] - 0.5
    frame["x1"] = frame["input_position"] + 0.5
    in_labels = [_show(c) for c in expl.source]
    out_labels = list(expl.output_tokens)
    x_axis = alt.Axis(
        values=list(range(len(in_labels))),
        labelExpr=_label_expr(in_labels),
        title=t("attention.axis_input"),
        labelAngle=0,
        grid=False,
        labelFontSize=min(12, height_per_row),
        labelOverlap=False,
    )
    y_axis = alt.Axis(
        labelExpr=_label_expr(out_labels),
        title=t("attention.axis_output"),
        labelFontSize=min(12, height_per_row),
        labelOverlap=False,
    )
    x_scale = alt.Scale(domain=[-0.5, len(in_labels) - 0.5], nice=False, zero=False)
    y = alt.Y("output_step:O", axis=y_axis)
    cells = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("x0:Q", axis=x_axis, scale=x_scale),
            x2=alt.X2("x1:Q"),
            y=y,
            color=alt.Color(
                "weight:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title=t("attention.axis_weight")
            ),
            tooltip=[
                alt.Tooltip("output:N", title=t("attention.axis_output")),
                alt.Tooltip("input:N", title=t("attention.axis_input")),
                alt.Tooltip("weight:Q", format=".3f", title=t("attention.axis_weight")),
            ],
        )
    )
    layers = [cells]
    if expl.centers is not None and window is not None:
        n = len(expl.source)
        centers = pd.DataFrame(
            {
                "output_step": range(len(out_labels)),
                "p_t": expl.centers,
                "lo": [max(round(float(c)) - window, 0) - 0.5 for c in expl.centers],
                "hi": [min(round(float(c)) + window, n - 1) + 0.5 for c in expl.centers],
            }
        )
        layers.append(
            alt.Chart(centers)
            .mark_rect(fill=None, stroke="#d84315", strokeWidth=1.5)
            .encode(x=alt.X("lo:Q", scale=x_scale, axis=x_axis), x2=alt.X2("hi:Q"), y=y)
        )
        layers.append(
            alt.Chart(centers)
            .mark_point(shape="diamond", filled=True, color="#d84315", size=70)
            .encode(
                x=alt.X("p_t:Q", scale=x_scale, axis=x_axis),
                y=y,
                tooltip=[alt.Tooltip("p_t:Q", format=".2f", title="pₜ")],
            )
        )
    # Streamlit fits the whole chart (axes included) into the height
    return alt.layer(*layers).properties(height=height_per_row * max(len(out_labels), 1) + 70)


def step_weights_chart(expl: Explanation, step: int) -> tuple[alt.Chart, pd.DataFrame]:
    """Bar chart of alpha_t over the input characters at one output step."""
    frame = pd.DataFrame(
        {
            "input_position": range(len(expl.source)),
            "input": [_show(c) for c in expl.source],
            "weight": expl.weights[step],
        }
    )
    axis = alt.Axis(
        labelExpr=_label_expr(list(frame["input"])), labelAngle=0, title=t("attention.axis_input")
    )
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#1565c0")
        .encode(
            x=alt.X("input_position:O", axis=axis),
            y=alt.Y("weight:Q", title="α", scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("input:N"), alt.Tooltip("weight:Q", format=".3f")],
        )
        .properties(height=180)
    )
    return chart, frame


def context_chart(context: np.ndarray) -> tuple[alt.Chart, pd.DataFrame]:
    """The context vector's components as a strip of bars (first half: forward GRU, second: backward)."""
    half = len(context) // 2
    frame = pd.DataFrame(
        {
            "component": range(len(context)),
            "value": context,
            "half": [
                t("attention.forward_half") if i < half else t("attention.backward_half")
                for i in range(len(context))
            ],
        }
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "component:O", axis=alt.Axis(labels=False, ticks=False, title=t("attention.axis_component"))
            ),
            y=alt.Y("value:Q", title=t("attention.axis_value"), scale=alt.Scale(domain=[-1, 1])),
            color=alt.Color(
                "half:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                sort=[t("attention.forward_half"), t("attention.backward_half")],
            ),
            tooltip=[alt.Tooltip("component:O"), alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(height=160)
    )
    return chart, frame


def loss_chart(losses: list[float]) -> tuple[alt.Chart, pd.DataFrame]:
    """Training loss per step of a model retrained on the page (log scale)."""
    frame = pd.DataFrame({"step": range(1, len(losses) + 1), "loss": losses})
    chart = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("step:Q", title=t("attention.axis_step")),
            y=alt.Y("loss:Q", title=t("attention.axis_loss"), scale=alt.Scale(type="log")),
            tooltip=[alt.Tooltip("step:Q"), alt.Tooltip("loss:Q", format=".4f")],
        )
        .properties(height=180)
    )
    return chart, frame


def length_chart(frame: pd.DataFrame, metric: str) -> alt.Chart:
    """Accuracy vs input length, one line per model (dashed: trained on this page)."""
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("length:Q", title=t("attention.axis_length"), scale=alt.Scale(domain=[0, 62])),
            y=alt.Y(
                f"{metric}:Q",
                title=t(f"attention.metric_{metric}"),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("model:N", title=t("attention.axis_model")),
            strokeDash=alt.StrokeDash("run:N", title=t("attention.axis_run")),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("run:N"),
                alt.Tooltip("length:Q"),
                alt.Tooltip(f"{metric}:Q", format=".1%"),
            ],
        )
        .properties(height=320)
    )


# --------------------------------------------------------------------------------------------------
# Data-flow diagrams (Graphviz, rendered in the browser)
# --------------------------------------------------------------------------------------------------

_QUERY = "#ef6c00"


def _html(text: str) -> str:
    return html.escape(text, quote=True)


def dataflow_dot(variant: str, step: int, previous: str, produced: str, top_input: str | None) -> str:
    """The decoder's data flow at output step ``step`` (1-based) for one architecture.

    The state the score uses is drawn in orange: s_{t-1} (Bahdanau) or h_t (Luong).
    """
    prev, out = _html(_show(previous)), _html(_show(produced))
    enc = _html(t("attention.dot_encoder"))
    score = _html(t("attention.dot_score"))
    nxt = _html(t("attention.dot_next"))
    focus = _html(t("attention.dot_focus", char=_show(top_input))) if top_input is not None else ""
    head = [
        "digraph {",
        'rankdir=TB; bgcolor="transparent"; nodesep=0.35; ranksep=0.35;',
        'node [shape=box, style="rounded,filled", fillcolor="#f5f5f5", fontname="Helvetica", fontsize=14];',
        'edge [color="#616161"];',
        f'y [label=<yₜ₋₁ = "{prev}">];',
        f'out [label=<ŷₜ = "{out}"<BR/><FONT POINT-SIZE="10">t = {step}</FONT>>, fillcolor="#e8f5e9"];',
    ]
    if variant == "none":
        body = [
            f'enc [label=<{enc}<BR/>h̄₁ … h̄ₛ>, fillcolor="#e3f2fd"];',
            'c [label=<c = [&#8594;h<SUB>S</SUB> ; &#8592;h<SUB>1</SUB>]<BR/><FONT POINT-SIZE="10">'
            + _html(t("attention.dot_one_vector"))
            + '</FONT>>, fillcolor="#fff9c4"];',
            "prev [label=<sₜ₋₁>];",
            'gru [label="GRU", shape=circle];',
            "s [label=<sₜ>];",
            "enc -> c; c -> gru; y -> gru; prev -> gru; gru -> s; s -> out; c -> out; y -> out;",
            f'nxt [label="{nxt}", shape=plaintext, fillcolor="transparent"]; s -> nxt [style=dashed];',
        ]
    elif variant == "bahdanau":
        body = [
            f'enc [label=<{enc}<BR/>h̄₁ … h̄ₛ>, fillcolor="#e3f2fd"];',
            f'prev [label=<sₜ₋₁>, fillcolor="#ffe0b2", color="{_QUERY}", penwidth=2];',
            f"score [label=<{score}<BR/>vᵀ tanh(W sₜ₋₁ + U h̄ₛ)>, shape=ellipse];",
            f'alpha [label=<αₜ = softmax<BR/><FONT POINT-SIZE="10">{focus}</FONT>>];',
            'ctx [label=<cₜ = Σₛ αₜₛ h̄ₛ>, fillcolor="#fff9c4"];',
            'gru [label="GRU", shape=circle];',
            "s [label=<sₜ>];",
            f'prev -> score [color="{_QUERY}", penwidth=2.5]; enc -> score; score -> alpha; alpha -> ctx;',
            'enc -> ctx [style=dashed]; ctx -> gru [label=" [e(y); c]", fontsize=10]; y -> gru; prev -> gru;',
            "gru -> s; s -> out; ctx -> out; y -> out;",
            f'nxt [label="{nxt}", shape=plaintext, fillcolor="transparent"]; s -> nxt [style=dashed];',
        ]
    else:
        local = variant.startswith("local")
        score_text = {
            "luong-dot": "hₜᵀ h̄ₛ",
            "luong-general": "hₜᵀ Wₐ h̄ₛ",
            "luong-concat": "vᵀ tanh(Wₐ[hₜ; h̄ₛ])",
        }.get(variant, "hₜᵀ Wₐ h̄ₛ")
        window = _html(t("attention.dot_window")) if local else ""
        body = [
            f'enc [label=<{enc}<BR/>h̄₁ … h̄ₛ>, fillcolor="#e3f2fd"];',
            "prev [label=<hₜ₋₁>];",
            "feed [label=<h̃ₜ₋₁>];",
            'gru [label="GRU", shape=circle];',
            f'h [label=<hₜ>, fillcolor="#ffe0b2", color="{_QUERY}", penwidth=2];',
            f'score [label=<{score}<BR/>{score_text}<BR/><FONT POINT-SIZE="10">{window}</FONT>>, '
            "shape=ellipse];",
            f'alpha [label=<αₜ = softmax<BR/><FONT POINT-SIZE="10">{focus}</FONT>>];',
            'ctx [label=<cₜ = Σₛ αₜₛ h̄ₛ>, fillcolor="#fff9c4"];',
            "comb [label=<h̃ₜ = tanh(W<SUB>c</SUB>[cₜ; hₜ])>];",
            "y -> gru; prev -> gru; feed -> gru; gru -> h;",
            f'h -> score [color="{_QUERY}", penwidth=2.5]; enc -> score; score -> alpha; alpha -> ctx;',
            "enc -> ctx [style=dashed]; ctx -> comb; h -> comb; comb -> out;",
            f'nxt [label="{nxt}", shape=plaintext, fillcolor="transparent"]; comb -> nxt [style=dashed];',
        ]
    return "\n".join([*head, *body, "}"])


# --------------------------------------------------------------------------------------------------
# The score playground's working, as LaTeX lines
# --------------------------------------------------------------------------------------------------

PLAYGROUND_FORMULAS = {
    "additive": r"e_s = v^\top \tanh(W_q\, q + W_k\, k_s)\quad\text{(Bahdanau)}",
    "dot": r"e_s = q^\top k_s",
    "general": r"e_s = q^\top W_a\, k_s",
    "concat": r"e_s = v^\top \tanh(W_a [q; k_s]) = v^\top \tanh(W_q\, q + W_k\, k_s)",
}


def _vec(v: list[float]) -> str:
    return r"\begin{pmatrix}" + r"\\ ".join(f"{x:.4g}" for x in v) + r"\end{pmatrix}"


def _mat(m: Matrix) -> str:
    return (
        r"\begin{pmatrix}" + r"\\ ".join(" & ".join(f"{x:.4g}" for x in row) for row in m) + r"\end{pmatrix}"
    )


def playground_latex(
    score: str, q: list[float], keys: Matrix, params: dict[str, Matrix], hand: HandWorking
) -> list[str]:
    """The parameters, the formula and every key's score with its numbers, then softmax and context."""
    lines = []
    if score in ("additive", "concat"):
        lines.append(
            rf"W_q = {_mat(params['W_q'])},\quad W_k = {_mat(params['W_k'])},\quad v = {_vec(params['v'][0])}"
        )
    elif score == "general":
        lines.append(rf"W_a = {_mat(params['W_a'])}")
    lines.append(PLAYGROUND_FORMULAS[score])
    for s, k in enumerate(keys):
        ks, es = f"k_{{{s + 1}}}", f"e_{{{s + 1}}}"
        if score == "dot":
            terms = " + ".join(f"({a:.4g})({b:.4g})" for a, b in zip(q, k, strict=True))
            lines.append(rf"{es} = q^\top {ks} = {terms} = {hand.scores[s]:.6g}")
        elif score == "general":
            wk = hand.projected_keys[s]
            terms = " + ".join(f"({a:.4g})({b:.4g})" for a, b in zip(q, wk, strict=True))
            lines.append(
                rf"W_a {ks} = {_vec(wk)},\quad {es} = q^\top (W_a {ks}) = {terms} = {hand.scores[s]:.6g}"
            )
        else:
            pre = hand.hidden[s]
            terms = " + ".join(f"({a:.4g})\\tanh({b:.4g})" for a, b in zip(params["v"][0], pre, strict=True))
            lines.append(
                rf"W_q q + W_k {ks} = {_vec(hand.projected_query)} + {_vec(hand.projected_keys[s])}"
                rf" = {_vec(pre)},\quad {es} = {terms} = {hand.scores[s]:.6g}"
            )
    weights = ", ".join(f"{w:.4f}" for w in hand.weights)
    lines.append(rf"\alpha = \operatorname{{softmax}}(e) = ({weights})")
    lines.append(rf"c = \sum_s \alpha_s k_s = {_vec(hand.context)}")
    return lines
