"""The metrics page's "Decisions" section (issue 24): from the scores to a threshold someone can live with.

* costs of TP, FP, FN and TN -> the mean cost per row at every threshold, its minimum, and what the
  explorer's threshold costs beside it;
* one constraint (min recall, min precision, max FPR, a review capacity) -> the best threshold meeting
  it, its confusion matrix, and a button that moves the explorer there;
* the decision curve (net benefit against treating all and none) when the scores are probabilities.

Everything is computed by ``core.metrics`` from the model's aggregated table (O(distinct scores)), and
each figure is checked live: the confusion matrix against ``sklearn.metrics.confusion_matrix`` on the
bundled example's rows (a visitor's rows are not kept: against a brute force over the per-score counts),
the costs and net benefits against a brute force over the counts. The section is drawn inside the
threshold explorer's fragment, so its widgets and the explorer's slider rerun only the fragment.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core.errors import InputError
from core.metrics import (
    CONSTRAINTS,
    Confusion,
    Evaluation,
    ScoreCounts,
    confusion_frame,
    cost_curve,
    counts_of,
    decimate_curve,
    decision_blocks,
    jsonable,
    load_scores,
    net_benefit,
    threshold_for,
    treat_all_net_benefit,
)
from ui.charts import show_chart
from ui.compute import shared
from ui.format import fmt_fixed, fmt_pct
from ui.i18n import t, translator
from ui.layout import notes_corrections, reference_check
from ui.metrics import charts, uncertainty
from ui.metrics.uncertainty import Keyed, table_of
from ui.state import mirror_into_url, seed_from_url, url_choice

NS = "metrics"
ANCHOR = "decisions"
COSTS = ("tp", "fp", "fn", "tn")
COST_DEFAULTS = {"tp": 0.0, "fp": 1.0, "fn": 5.0, "tn": 0.0}
COST_LIMIT = 1e9  # |cost| accepted from a widget or a link
CONSTRAINT_DEFAULTS = {"min_recall": 0.9, "min_precision": 0.9, "max_fpr": 0.01, "top_fraction": 0.05}
MAX_CHART_POINTS = 2000
PRESELECT = 200_000  # a cost curve of more distinct scores is thinned to this many before its decimation
BRUTE_CANDIDATES = 2000  # thresholds the live brute force checks (all of them below this)
BRUTE_CELLS = 10_000_000  # points x distinct scores a live brute force may sum (fewer points for big tables)
NB_GRID = np.round(np.linspace(0.0, 0.99, 100), 2)  # the decision curve's probability thresholds
TOLERANCE = 1e-9
MODEL_COLOUR = "#1f77b4"  # the model's line, as the first model's on the curves


# ---------------------------------------------------------------- brute force over the counts


def _brute_counts(table: ScoreCounts, threshold: float) -> tuple[float, float, float, float]:
    """TP, FP, FN, TN of ``score >= threshold`` by summing the per-score counts (no cumulative sums)."""
    at_or_above = table.scores >= threshold
    tp = float(table.positives[at_or_above].sum())
    fp = float(table.negatives[at_or_above].sum())
    return tp, fp, float(table.positives.sum()) - tp, float(table.negatives.sum()) - fp


def _brute_visits(size: int, most: int) -> int:
    """How many points a brute force of O(U) each may visit: at most ``most``, fewer for a big table."""
    return max(5, min(most, BRUTE_CELLS // max(size, 1)))


def _brute_candidates(thresholds: np.ndarray, keep: int) -> np.ndarray:
    """Indices of the candidates the brute force visits: all, or evenly spread ones and ``keep``."""
    visits = _brute_visits(thresholds.size, BRUTE_CANDIDATES)
    if thresholds.size <= visits:
        return np.arange(thresholds.size)
    spread = np.round(np.linspace(0, thresholds.size - 1, visits)).astype(np.int64)
    return np.unique(np.concatenate((spread, [keep])))


# ---------------------------------------------------------------- costs


@dataclass(frozen=True)
class CostView:
    chart: alt.TopLevelMixin
    data: pd.DataFrame
    summary: str
    check: tuple[str, float]


def cost_figures(keyed: Keyed, costs: tuple[float, float, float, float]) -> dict[str, Any]:
    """The cost curve (decimated), its minimum and the brute-force check (shared: no threshold in it)."""
    ev = keyed.evaluation
    c_tp, c_fp, c_fn, c_tn = costs
    kwargs = {"cost_tp": c_tp, "cost_fp": c_fp, "cost_fn": c_fn, "cost_tn": c_tn}
    thresholds, cost = cost_curve(ev, **kwargs)
    # min_cost_threshold is this argmin (the first: the highest threshold); its own tests hold it
    best = int(np.argmin(cost))
    best_threshold, best_cost = float(thresholds[best]), float(cost[best])
    # brute force: each visited candidate's cost from its own sums of the per-score counts
    visited = _brute_candidates(thresholds, best)
    table = counts_of(ev)
    n = ev.n_pos + ev.n_neg
    brute = np.array(
        [np.dot(costs, _brute_counts(table, float(thresholds[k]))) / n for k in visited.tolist()]
    )
    diff = max(float(np.max(np.abs(brute - cost[visited]))), abs(float(brute.min()) - best_cost))
    # the chart: the finite thresholds (predict none is said in words), decimated, the minimum kept
    # (a big table is first thinned to PRESELECT evenly spread points, the minimum kept)
    finite = np.arange(1, thresholds.size)
    if finite.size > PRESELECT:
        finite = np.unique(np.concatenate((np.round(np.linspace(1, thresholds.size - 1, PRESELECT)), [best])))
        finite = finite[finite > 0].astype(np.int64)
    keep = np.flatnonzero(finite == best).tolist()
    idx = decimate_curve(thresholds[finite], cost[finite], MAX_CHART_POINTS, keep_indices=keep)
    frame = pd.DataFrame({"threshold": thresholds[finite][idx], "cost": cost[finite][idx]})
    best_c = ev.confusion_at(best_threshold)
    return {
        "frame": frame,
        "best_threshold": best_threshold,
        "best_cost": best_cost,
        "best_flagged": (best_c.tp + best_c.fp) / n,
        "diff": diff,
        "visited": int(visited.size),
        "n": n,
    }


def cost_view(report: Any, costs: tuple[float, float, float, float], threshold: float) -> CostView:
    tr = translator(NS)
    f = shared(cost_figures, table_of(report), costs)
    current = report.evaluation.confusion_at(threshold)
    # the explorer threshold's mean cost: O(log U), no shared computation per slider move
    current_cost = float(np.dot(costs, (current.tp, current.fp, current.fn, current.tn)) / f["n"])
    titles = {"x": tr("threshold"), "y": tr("cost_per_row")}
    points = []
    if math.isfinite(f["best_threshold"]):
        points.append((f["best_threshold"], f["best_cost"], tr("cost_least")))
    points.append((threshold, current_cost, tr("point", threshold=f"{threshold:.4g}")))
    chart = _cost_chart(f["frame"], titles, points)
    extra = current_cost - f["best_cost"]
    common = {
        "best": fmt_fixed(f["best_cost"]),
        "current": fmt_fixed(current_cost),
        "current_threshold": f"{threshold:.4g}",
        "extra": fmt_fixed(extra),
        "total": f"{extra * f['n']:,.0f}",
        "rows": f"{f['n']:,.0f}",
    }
    if math.isfinite(f["best_threshold"]):
        summary = tr(
            "cost_summary",
            threshold=f"{f['best_threshold']:.4g}",
            flagged=fmt_pct(f["best_flagged"]),
            **common,
        )
    else:
        summary = tr("cost_summary_none", **common)
    check = (tr("check_costs", n=f"{f['visited']:,}"), f["diff"])
    return CostView(chart, f["frame"], summary, check)


def _cost_chart(frame: pd.DataFrame, titles: dict[str, str], points: list[tuple[float, float, str]]):
    line = (
        alt.Chart(frame)
        .mark_line(interpolate="step-before")
        .encode(
            x=alt.X("threshold:Q", title=titles["x"]),
            y=alt.Y("cost:Q", title=titles["y"]),
            tooltip=[alt.Tooltip("threshold:Q", format=".4g"), alt.Tooltip("cost:Q", format=".4f")],
        )
    )
    marks = pd.DataFrame(points, columns=["threshold", "cost", "label"])
    base = alt.Chart(marks).encode(x=alt.X("threshold:Q"), y=alt.Y("cost:Q"))
    dots = base.mark_point(size=110, filled=True, color=charts.THRESHOLD_COLOUR).encode(
        shape=alt.Shape("label:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=0))
    )
    text = base.mark_text(align="left", dx=8, dy=-8).encode(text=alt.Text("label:N"))
    return alt.layer(line, dots, text).properties(height=charts.HEIGHT)


# ---------------------------------------------------------------- constraints


@dataclass(frozen=True)
class ConstraintView:
    threshold: float | None  # None: no threshold meets it
    confusion: Confusion | None
    sentence: str  # what was found, or why nothing was
    check: tuple[str, float] | None


def example_rows_confusion(
    path: Path, mapping: tuple[Any, ...], model: str, threshold: float
) -> tuple[int, ...]:
    """``sklearn.metrics.confusion_matrix`` of a bundled example's rows at ``threshold``: (tn, fp, fn, tp)."""
    from sklearn.metrics import confusion_matrix

    table = load_scores(
        path, label=mapping[0], score=list(mapping[1]), weight=mapping[2], pos_label=mapping[3],
        drop_invalid=mapping[4],
    )  # fmt: skip
    matrix = confusion_matrix(table.y_true, table.scores[model] >= threshold, labels=[False, True])
    return tuple(int(v) for v in matrix.ravel())


def constraint_figures(keyed: Keyed, name: str, value: float) -> dict[str, Any]:
    """``threshold_for``'s answer (or the error's code and values) and the brute force's confusion matrix
    at its threshold (shared: O(U))."""
    try:
        threshold, c = threshold_for(keyed.evaluation, **{name: value})
    except InputError as err:  # no threshold meets it: said, not an error
        return {"error": (err.locale_key, dict(err.values))}
    tp, fp, fn, tn = _brute_counts(counts_of(keyed.evaluation), threshold)
    return {"threshold": threshold, "confusion": c, "brute": (tn, fp, fn, tp)}


def constraint_view(report: Any, name: str, value: float) -> ConstraintView:
    tr = translator(NS)
    ev = report.evaluation
    f = shared(constraint_figures, table_of(report), name, float(value))
    if "error" in f:
        key, values = f["error"]
        return ConstraintView(None, None, t(key, **values), None)
    threshold, c = f["threshold"], f["confusion"]
    if not math.isfinite(threshold):
        return ConstraintView(threshold, c, tr("constraint_none", constraint=tr(f"constraint_{name}")), None)
    sentence = tr(
        "constraint_found",
        threshold=f"{threshold:.4g}",
        precision=fmt_fixed(c.precision),
        recall=fmt_fixed(c.recall),
        fpr=fmt_fixed(c.fpr),
        flagged=fmt_pct((c.tp + c.fp) / c.total),
    )
    ours = (c.tn, c.fp, c.fn, c.tp)
    if report.example is not None and not ev.weighted:
        reference = shared(
            example_rows_confusion, report.example, report.kept.mapping, report.model, threshold
        )
        label = tr("check_confusion_rows", n=f"{ev.n:,}")
    else:
        reference = f["brute"]
        label = tr("check_confusion_counts", n=f"{ev.thresholds.size:,}")
    diff = float(np.max(np.abs(np.subtract(ours, reference))))
    return ConstraintView(threshold, c, sentence, (label, diff))


def confusion_chart(c: Confusion) -> tuple[alt.TopLevelMixin, pd.DataFrame]:
    tr = translator(NS)
    labels = {k: tr(k) for k in ("actual_pos", "actual_neg", "predicted_pos", "predicted_neg")}
    frame = confusion_frame(c, labels)
    titles = {"actual": tr("actual"), "predicted": tr("predicted")}
    return charts.confusion_chart(frame, titles=titles), frame


# ---------------------------------------------------------------- decision curve


def probabilities(ev: Evaluation) -> bool:
    return bool(ev.thresholds[-1] >= 0.0 and ev.thresholds[0] <= 1.0)


def decision_figures(keyed: Keyed, names: tuple[str, str, str]) -> tuple[pd.DataFrame, float, int]:
    """Net benefit of the model, treat all and treat none (``names``) on ``NB_GRID``, long format, and the
    brute-force check's max |diff| and points (each point's TP and FP summed from the per-score counts)."""
    ev = keyed.evaluation
    model_nb = net_benefit(ev, NB_GRID)
    all_nb = treat_all_net_benefit(ev, NB_GRID)
    n = ev.n_pos + ev.n_neg
    table = counts_of(ev)
    visits = _brute_visits(ev.thresholds.size, NB_GRID.size)
    checked = np.unique(np.round(np.linspace(0, NB_GRID.size - 1, visits)).astype(np.int64))
    brute = []
    for pt in NB_GRID[checked].tolist():
        tp, fp, _, _ = _brute_counts(table, pt)
        brute.append(tp / n - fp / n * pt / (1.0 - pt))
    diff = float(np.max(np.abs(np.asarray(brute) - model_nb[checked])))
    model, everyone, nobody = names
    frame = pd.concat(
        [
            pd.DataFrame({"threshold": NB_GRID, "net_benefit": model_nb, "strategy": model}),
            pd.DataFrame({"threshold": NB_GRID, "net_benefit": all_nb, "strategy": everyone}),
            pd.DataFrame({"threshold": NB_GRID, "net_benefit": 0.0, "strategy": nobody}),
        ],
        ignore_index=True,
    )
    return frame, diff, int(checked.size)


def decision_chart(frame: pd.DataFrame, prevalence: float, threshold: float) -> alt.TopLevelMixin:
    tr = translator(NS)
    strategies = list(dict.fromkeys(frame["strategy"]))  # the model, treat all, treat none
    low = -0.05 if prevalence > 0.05 else -prevalence
    lines = (
        alt.Chart(frame)
        .mark_line(clip=True)
        .encode(
            x=alt.X("threshold:Q", title=tr("nb_threshold"), scale=alt.Scale(domain=[0, 1])),
            y=alt.Y(
                "net_benefit:Q", title=tr("net_benefit"), scale=alt.Scale(domain=[low, prevalence * 1.05])
            ),
            color=alt.Color(
                "strategy:N",
                title=None,
                scale=alt.Scale(domain=strategies, range=[MODEL_COLOUR, "#888888", "#111111"]),
                legend=alt.Legend(orient="bottom", labelLimit=0),
            ),
            strokeDash=alt.StrokeDash(
                "strategy:N", scale=alt.Scale(domain=strategies, range=[[1, 0], [6, 3], [2, 2]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("strategy:N"),
                alt.Tooltip("threshold:Q", format=".2f"),
                alt.Tooltip("net_benefit:Q", format=".4f"),
            ],
        )
    )
    layers = [lines]
    if 0.0 <= threshold < 1.0:
        rule = pd.DataFrame({"threshold": [threshold]})
        layers.append(
            alt.Chart(rule)
            .mark_rule(color=charts.THRESHOLD_COLOUR, strokeDash=[4, 3])
            .encode(x=alt.X("threshold:Q"))
        )
    return alt.layer(*layers).properties(height=charts.HEIGHT)


# ---------------------------------------------------------------- the section


def _number(value: str) -> float:
    number = float(value)
    if not (math.isfinite(number) and abs(number) <= COST_LIMIT):
        raise ValueError(value)
    return number


def _share(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:  # NaN fails too
        raise ValueError(value)
    return number


def _move(report: Any, value: float) -> None:
    st.session_state["metrics_threshold"] = report.clamp(value)


def section(report: Any, threshold: float) -> None:
    """The Decisions section (inside the explorer's fragment: ``threshold`` is the explorer's)."""
    tr = translator(NS)
    ev = report.evaluation
    st.subheader(tr("decisions"), anchor=ANCHOR)
    notes_corrections(NS, ANCHOR)
    st.markdown(tr("decisions_intro"))
    costs_part(report, threshold)
    constraints_part(report, ev)
    if probabilities(ev):
        decision_part(report, threshold)
    else:
        st.info(tr("nb_not_probabilities", low=f"{ev.thresholds[-1]:.4g}", high=f"{ev.thresholds[0]:.4g}"))


def costs_part(report: Any, threshold: float) -> None:
    tr = translator(NS)
    st.markdown(f"**{tr('costs')}**")
    columns = st.columns(4)
    keys = [f"metrics_cost_{k}" for k in COSTS]
    for col, name, key in zip(columns, COSTS, keys, strict=True):
        seed_from_url(key, COST_DEFAULTS[name], _number)
        col.number_input(
            tr(f"cost_{name}"),
            min_value=-COST_LIMIT,
            max_value=COST_LIMIT,
            step=1.0,
            key=key,
            help=tr("costs_help"),
        )
    mirror_into_url(*keys, defaults={f"metrics_cost_{k}": v for k, v in COST_DEFAULTS.items()})
    costs = tuple(float(st.session_state[key]) for key in keys)
    view = cost_view(report, costs, threshold)
    show_chart(view.chart, view.data, key="decisions_cost")
    st.markdown(view.summary)
    reference_check(*view.check, TOLERANCE)


def constraints_part(report: Any, ev: Evaluation) -> None:
    tr = translator(NS)
    st.markdown(f"**{tr('constraints')}**")
    left, right = st.columns([2, 1])
    url_choice("metrics_constraint", list(CONSTRAINTS), "min_recall")
    name = left.selectbox(
        tr("constraint"),
        options=list(CONSTRAINTS),
        format_func=lambda v: tr(f"constraint_{v}"),
        key="metrics_constraint",
    )
    key = f"metrics_{name}"
    seed_from_url(key, CONSTRAINT_DEFAULTS[name], _share)
    value = right.number_input(
        tr(f"constraint_{name}"), min_value=0.0, max_value=1.0, step=0.01, format="%.4f", key=key
    )
    mirror_into_url(key, defaults={key: CONSTRAINT_DEFAULTS[name]})
    view = constraint_view(report, name, float(value))
    if view.confusion is None or view.threshold is None or not math.isfinite(view.threshold):
        st.warning(view.sentence, icon=":material/block:")
        return
    left, right = st.columns([2, 3])
    with left:
        chart, frame = confusion_chart(view.confusion)
        show_chart(chart, frame, key="decisions_confusion")
    with right:
        st.markdown(view.sentence)
        st.button(
            tr("constraint_move", threshold=f"{view.threshold:.4g}"),
            key="metrics_constraint_move",
            on_click=_move,
            args=(report, view.threshold),
            icon=":material/arrow_upward:",
        )
    if view.check is not None:
        reference_check(*view.check, 0.0)


def decision_part(report: Any, threshold: float) -> None:
    tr = translator(NS)
    ev = report.evaluation
    st.markdown(f"**{tr('decision_curve')}**")
    st.markdown(tr("decision_intro"))
    names = (report.model, tr("treat_all"), tr("treat_none"))
    frame, diff, checked = shared(decision_figures, table_of(report), names)
    show_chart(decision_chart(frame, ev.prevalence, threshold), frame, key="decisions_net_benefit")
    st.caption(tr("decision_caption", prevalence=fmt_pct(ev.prevalence)))
    reference_check(tr("check_net_benefit", n=checked), diff, TOLERANCE)


# ---------------------------------------------------------------- the report's blocks


def _page_choices() -> tuple[dict[str, float], tuple[str, float]]:
    """The costs and the constraint as the section's widgets hold them (their defaults before it is drawn)."""
    costs = {f"cost_{k}": float(st.session_state.get(f"metrics_cost_{k}", COST_DEFAULTS[k])) for k in COSTS}
    name = st.session_state.get("metrics_constraint")
    name = name if name in CONSTRAINTS else "min_recall"
    return costs, (name, float(st.session_state.get(f"metrics_{name}", CONSTRAINT_DEFAULTS[name])))


HTML_STRINGS = ("decisions", "model", "cost_least", "threshold", "m_precision", "m_recall", "metric")
HTML_STRINGS += ("boot_interval", "boot_n", "boot_seed", *(f"constraint_{name}" for name in CONSTRAINTS))


def with_report_blocks(
    downloads: list[dict[str, Any]], report: Any, threshold: float
) -> list[dict[str, Any]]:
    """The page's downloads with each model's ``"cost"`` and ``"constraint"`` blocks
    (``core.metrics.decision_blocks``, the command line's) and the shown model's ``"bootstrap"`` block (the
    page's intervals, when on) in the JSON report, and a Decisions section in the HTML report.

    The choices, texts and bootstrap intervals are resolved now; the blocks themselves (O(distinct scores)
    per model) are computed when a download is clicked, on Streamlit's download thread."""
    costs, constraint = _page_choices()
    evaluations = dict(report.kept.evaluations)
    boot = {report.model: uncertainty.report_block(report, threshold)}
    strings = {key: translator(NS)(key) for key in HTML_STRINGS}

    def blocks() -> dict[str, dict[str, Any]]:
        out = {m: decision_blocks(ev, costs=costs, constraint=constraint) for m, ev in evaluations.items()}
        for model, block in boot.items():
            if block is not None:
                out[model]["bootstrap"] = block
        return jsonable(out)

    wrapped = []
    for download in downloads:
        build = download["data"]
        if download["key"] == "metrics_download_json":
            download = download | {"data": lambda build=build: _merge_json(build(), blocks())}
        elif download["key"] == "metrics_download_html":
            download = download | {
                "data": lambda build=build: _insert_html(build(), _html_section(blocks(), strings))
            }
        wrapped.append(download)
    return wrapped


def _html_section(blocks: dict[str, dict[str, Any]], s: dict[str, str]) -> str:
    """The HTML report's Decisions section: one row per model, then the bootstrap intervals."""
    rows = []
    for model, block in blocks.items():
        cost, limit = block["cost"], block["constraint"]
        found = "error" not in limit and limit["threshold"] is not None
        limit_name = f"{s['constraint_' + limit['name']]} {limit['value']:g}"
        rows.append(
            {
                s["model"]: model,
                s["cost_least"]: cost["mean_cost"],
                s["threshold"]: cost["threshold"] if cost["threshold"] is not None else math.nan,
                limit_name: limit["threshold"] if found else math.nan,
                s["m_precision"]: limit["confusion"]["precision"] if found else math.nan,
                s["m_recall"]: limit["confusion"]["recall"] if found else math.nan,
            }
        )
    number = lambda x: f"{x:.6g}"  # noqa: E731
    table = pd.DataFrame(rows).to_html(index=False, float_format=number, border=0, na_rep="—")
    parts = [f"<h2>{html.escape(s['decisions'])}</h2>", table]
    for model, block in blocks.items():
        boot = block.get("bootstrap")
        if boot is None:
            continue
        frame = pd.DataFrame(
            [(metric, b["low"], b["high"]) for metric, b in boot["intervals"].items()],
            columns=[s["metric"], "low", "high"],
        )
        replicates = f"{s['boot_n']} {boot['n_boot']:,} · {s['boot_seed']} {boot['seed']}"
        title = f"{s['boot_interval']} · {model} · {replicates}"
        parts += [f"<h2>{html.escape(title)}</h2>", frame.to_html(index=False, border=0, float_format=number)]
    return "\n".join(parts)


def _insert_html(document: str, section_html: str) -> str:
    end = "</body></html>"
    return document.replace(end, section_html + end) if document.endswith(end) else document + section_html


def _merge_json(text: str, blocks: dict[str, dict[str, Any]]) -> str:
    document = json.loads(text)
    for model, block in blocks.items():
        document["models"][model] |= block
    return json.dumps(document, indent=2, ensure_ascii=False)
