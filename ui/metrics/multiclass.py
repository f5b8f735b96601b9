"""The metrics page's multiclass view (anchor ``multiclass``): a score file with a label column of K values
and K score columns, one per class (``core.metrics.detect_multiclass``), evaluated by
``core.metrics.evaluate_multiclass``.

Views (frames, Altair charts, the live check) and their drawing are both here, so the page only asks
:func:`recognised` and calls :func:`section`. A bundled example is read and evaluated once for every visitor
(``ui.compute.shared``); an upload once per session (``ui.state.session_memo``): its rows stay in the
session while it is shown, as the one-vs-one AUC and the thresholded rule need them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from core.metrics import (
    MULTICLASS_EXAMPLES,
    MulticlassEvaluation,
    MulticlassGuess,
    decimate_curve,
    decision_figures,
    detect_multiclass,
    evaluate_multiclass,
    multiclass_report,
    multiclass_report_html,
    multiclass_report_json,
    read_multiclass,
)
from ui.charts import show_chart
from ui.compute import shared
from ui.i18n import translator
from ui.layout import error_box, notes_corrections, reference_check
from ui.state import mirror_into_url, seed_from_url, session_memo, url_choice

NS = "metrics"
CURVES = ["roc", "pr", "reliability"]
RULES = ["argmax", "threshold"]
MAX_POINTS = 2000
#: the live check against scikit-learn runs on at most this many rows (the first ones) of a large file:
#: scikit-learn's one-vs-one AUC alone takes seconds per million rows
CHECK_ROWS = 200_000


@dataclass(frozen=True, eq=False)
class Evaluated:
    """A multiclass file read and evaluated: its class codes and scores (rows) and the evaluation."""

    name: str
    codes: np.ndarray
    proba: np.ndarray
    evaluation: MulticlassEvaluation
    check: tuple[str, float]


def recognised(source: Any) -> MulticlassGuess | None:
    """The multiclass layout of the chosen source (a bundled multiclass example or an upload), else None:
    a binary file goes on to the binary report as before."""
    if source is None:
        return None
    if source.kind == "example":
        if source.example not in MULTICLASS_EXAMPLES.values():
            return None
        return shared(detect_multiclass, source.example)
    if source.kind == "upload":
        return session_memo("multiclass_guess", source.source_id, lambda: detect_multiclass(source.open()))
    return None  # files on the server: binary only (the one-vs-one AUC needs the rows in memory)


def evaluate_file(
    data: Any, name: str, label: str, columns: tuple[str, ...], classes: tuple[str, ...]
) -> Evaluated:
    """Read the file with these columns, evaluate it, and check it against scikit-learn (max |diff|)."""
    labels, proba = read_multiclass(data, label, columns, classes)
    evaluation = evaluate_multiclass(labels, proba, classes=list(classes))
    lookup = {c: i for i, c in enumerate(evaluation.classes)}
    codes = np.array([lookup[v] for v in labels.tolist()], dtype=np.int64)
    if codes.size <= CHECK_ROWS:
        return Evaluated(name, codes, proba, evaluation, _check(codes, proba, evaluation))
    # a large file: the live check compares ours and scikit-learn's on its first CHECK_ROWS rows
    head = evaluate_multiclass(codes[:CHECK_ROWS], proba[:CHECK_ROWS], classes=list(range(len(classes))))
    label_text, diff = _check(codes[:CHECK_ROWS], proba[:CHECK_ROWS], head)
    return Evaluated(name, codes, proba, evaluation, (f"{label_text}, first {CHECK_ROWS:,} rows", diff))


def _check(codes: np.ndarray, proba: np.ndarray, e: MulticlassEvaluation) -> tuple[str, float]:
    """Largest |difference| from scikit-learn over the OvR and OvO AUCs, the averaged F1s, accuracy, top-k
    and log loss, on the same rows."""
    from sklearn import metrics as sk  # the reference, on the page's live check only

    k = e.k
    predicted = np.argmax(proba, axis=1)
    report = sk.classification_report(
        codes, predicted, labels=list(range(k)), output_dict=True, zero_division=0
    )
    pairs = [
        (e.averages["macro"][2], report["macro avg"]["f1-score"]),
        (e.averages["weighted"][2], report["weighted avg"]["f1-score"]),
        (e.accuracy, sk.accuracy_score(codes, predicted)),
        (e.log_loss, sk.log_loss(codes, proba, labels=list(range(k)))),
    ]
    present = np.isin(np.arange(k), codes)
    if present.all():
        normalised = proba / proba.sum(axis=1, keepdims=True)
        if np.allclose(normalised, proba):
            pairs.append((e.auc_macro, sk.roc_auc_score(codes, proba, multi_class="ovr")))
            pairs.append(
                (e.auc_weighted, sk.roc_auc_score(codes, proba, multi_class="ovr", average="weighted"))
            )
            if e.ovo_macro is not None:
                pairs.append((e.ovo_macro, sk.roc_auc_score(codes, proba, multi_class="ovo")))
    for index in np.flatnonzero(present & ~np.isnan(e.ovr_auc)):
        pairs.append((e.ovr_auc[index], sk.roc_auc_score(codes == index, proba[:, index])))
    for top, value in e.top_k.items():
        if top < k:
            pairs.append((value, sk.top_k_accuracy_score(codes, proba, k=top, labels=list(range(k)))))
    diff = max(abs(float(a) - float(b)) for a, b in pairs)
    return (
        "sklearn.metrics (roc_auc_score ovr/ovo, classification_report, top_k_accuracy_score, log_loss)",
        diff,
    )


# ---------------------------------------------------------------- views


def confusion_view(e: MulticlassEvaluation, confusion: np.ndarray) -> tuple[alt.Chart, pd.DataFrame]:
    """The K x K heat map: counts, and each cell's share of its true class (row)."""
    tr = translator(NS)
    k = e.k
    rows = confusion.sum(axis=1, keepdims=True)
    share = np.divide(confusion, rows, out=np.zeros(confusion.shape), where=rows != 0)
    true_names, predicted_names = np.meshgrid(e.classes, e.classes, indexing="ij")
    frame = pd.DataFrame(
        {
            "true_class": true_names.ravel(),
            "predicted_class": predicted_names.ravel(),
            "count": confusion.ravel(),
            "row_share": share.ravel(),
        }
    )
    frame["text"] = [
        f"{c:,.0f}\n{s:.0%}" if c else "" for c, s in zip(frame["count"], frame["row_share"], strict=True)
    ]
    order = list(e.classes)
    base = alt.Chart(frame).encode(
        x=alt.X("predicted_class:N", sort=order, title=tr("mc_predicted")),
        y=alt.Y("true_class:N", sort=order, title=tr("mc_true")),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "row_share:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title=tr("mc_row_share")
        ),
        tooltip=[
            alt.Tooltip("true_class:N", title=tr("mc_true")),
            alt.Tooltip("predicted_class:N", title=tr("mc_predicted")),
            alt.Tooltip("count:Q", title=tr("mc_count"), format=",.4~f"),
            alt.Tooltip("row_share:Q", title=tr("mc_row_share"), format=".1%"),
        ],
    )
    size = 11 if k <= 10 else 8
    text = base.mark_text(fontSize=size, lineBreak="\n").encode(
        text=alt.Text("text:N"),
        color=alt.condition("datum.row_share > 0.5", alt.value("white"), alt.value("black")),
    )
    side = min(560, 48 * k + 60)
    return (cells + text).properties(width=side, height=side), frame.drop(columns="text")


def averages_table(e: MulticlassEvaluation, figures: dict[str, Any]) -> pd.DataFrame:
    """Per class and averaged precision, recall, F1, support, OvR AUC and AP (classification_report's
    rows, with the rule's figures)."""
    tr = translator(NS)
    rows = []
    for i, name in enumerate(e.classes):
        rows.append(
            (name, figures["precision"][i], figures["recall"][i], figures["f1"][i], figures["support"][i],
             e.ovr_auc[i], e.ovr_ap[i])
        )  # fmt: skip
    for how in ("micro", "macro", "weighted"):
        p, r, f = figures["averages"][how]
        auc = {"macro": e.auc_macro, "weighted": e.auc_weighted}.get(how, np.nan)
        ap = _mean(e.ovr_ap, e.support, how)
        rows.append((tr(f"mc_avg_{how}"), p, r, f, float(np.sum(figures["support"])), auc, ap))
    columns = ["mc_class", "mc_precision", "mc_recall", "mc_f1", "mc_support", "mc_auc", "mc_ap"]
    table = pd.DataFrame(rows, columns=[tr(c) for c in columns])
    for column in table.columns[5:]:  # no AUC / AP for micro (or a class without rows): shown as text, "—"
        table[column] = [("—" if np.isnan(v) else f"{v:.4f}") for v in table[column]]
    return table


def _mean(values: np.ndarray, support: np.ndarray, how: str) -> float:
    defined = ~np.isnan(values)
    if how == "micro" or not defined.any():
        return float("nan")
    if how == "weighted":
        return float(np.average(values[defined], weights=support[defined]))
    return float(values[defined].mean())


def curve_view(e: MulticlassEvaluation, index: int, curve: str) -> tuple[alt.Chart, pd.DataFrame] | None:
    """The chosen class's one-vs-rest ROC or PR curve, or its reliability curve (at most 2,000 points)."""
    tr = translator(NS)
    if e.tables[index] is None:
        return None
    if curve == "roc":
        x, y, _ = e.roc(index)
        names = ("fpr", "tpr")
    elif curve == "pr":
        y, x, _ = e.pr(index)
        names = ("recall", "precision")
    else:
        y, x = e.reliability(index, 10)
        names = ("mean_predicted", "observed_share")
    keep = decimate_curve(x, y, MAX_POINTS)
    frame = pd.DataFrame({names[0]: np.asarray(x)[keep], names[1]: np.asarray(y)[keep]})
    title_x, title_y = (tr(f"mc_axis_{n}") for n in names)
    line = (
        alt.Chart(frame)
        .mark_line(point=curve == "reliability")
        .encode(
            x=alt.X(f"{names[0]}:Q", title=title_x, scale=alt.Scale(domain=[0, 1])),
            y=alt.Y(f"{names[1]}:Q", title=title_y, scale=alt.Scale(domain=[0, 1])),
            order=alt.Order(f"{names[0]}:Q") if curve == "reliability" else alt.Undefined,
        )
    )
    if curve != "pr":
        diagonal = alt.Chart(pd.DataFrame({"a": [0.0, 1.0]})).mark_line(strokeDash=[4, 4], color="gray")
        line = line + diagonal.encode(x=alt.X("a:Q"), y=alt.Y("a:Q"))
    return line.properties(height=360), frame


def headline(e: MulticlassEvaluation, figures: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, value, help) of the figures over the K classes."""
    tr = translator(NS)
    items = [
        (tr("mc_accuracy"), f"{figures['accuracy']:.4f}", tr("mc_accuracy_help")),
        (tr("mc_auc_macro"), f"{e.auc_macro:.4f}", tr("mc_auc_macro_help", weighted=f"{e.auc_weighted:.4f}")),
    ]
    if e.ovo_macro is not None:
        items.append(
            (tr("mc_ovo"), f"{e.ovo_macro:.4f}", tr("mc_ovo_help", weighted=f"{e.ovo_weighted:.4f}"))
        )
    tops = [f"{k}: {v:.4f}" for k, v in e.top_k.items() if k > 1]
    items.append((tr("mc_log_loss"), f"{e.log_loss:.4f}", tr("mc_log_loss_help")))
    if tops:
        items.append((tr("mc_top_k"), tops[0].split(": ")[1], tr("mc_top_k_help", all=", ".join(tops))))
    return items


# ---------------------------------------------------------------- drawing


def _mapping(guess: MulticlassGuess) -> tuple[str, ...]:
    """The score column of each class: found by name, or chosen by the user (the numeric columns)."""
    tr = translator(NS)
    if guess.names_match:
        return guess.score_columns
    st.info(tr("mc_map_hint", k=len(guess.classes)))
    chosen = []
    columns = st.columns(min(5, len(guess.classes)))
    for i, name in enumerate(guess.classes):
        options = list(guess.numeric_columns)
        chosen.append(
            columns[i % len(columns)].selectbox(
                tr("mc_map_class", name=name),
                options=options,
                index=options.index(guess.score_columns[i]),
                key=f"metrics_mc_column_{i}",
            )
        )
    return tuple(chosen)


def _evaluated(source: Any, guess: MulticlassGuess, columns: tuple[str, ...]) -> Evaluated:
    if source.kind == "example":
        return shared(evaluate_file, source.example, source.name, guess.label, columns, guess.classes)
    key = (source.source_id, columns)
    return session_memo(
        "multiclass",
        key,
        lambda: evaluate_file(source.open(), source.name, guess.label, columns, guess.classes),
    )


def _valid_threshold(value: object) -> bool:
    return isinstance(value, float) and 0.0 <= value <= 1.0


def _rule(ev: Evaluated) -> tuple[dict[str, Any], tuple[int, float] | None]:
    """The decision rule's widgets (URL state) and its figures."""
    tr = translator(NS)
    e = ev.evaluation
    c1, c2 = st.columns([1, 2])
    url_choice("metrics_mc_rule", RULES, "argmax")
    rule = c1.segmented_control(
        tr("mc_rule"), options=RULES, format_func=lambda r: tr(f"mc_rule_{r}"), key="metrics_mc_rule"
    )
    if rule != "threshold":
        return _as_figures(e), None
    seed_from_url("metrics_mc_threshold", 0.5, float, _valid_threshold)
    threshold = c2.slider(
        tr("mc_threshold", name=st.session_state.get("metrics_mc_class", e.classes[0])),
        min_value=0.0,
        max_value=1.0,
        step=0.01,
        key="metrics_mc_threshold",
        help=tr("mc_threshold_help"),
    )
    mirror_into_url("metrics_mc_threshold", defaults={"metrics_mc_threshold": 0.5})
    chosen = e.classes.index(st.session_state.get("metrics_mc_class", e.classes[0]))
    decision = (chosen, float(threshold))
    return decision_figures(ev.codes, ev.proba, decision), decision


def _as_figures(e: MulticlassEvaluation) -> dict[str, Any]:
    return {
        "confusion": e.confusion,
        "precision": e.precision,
        "recall": e.recall,
        "f1": e.f1,
        "support": e.support,
        "accuracy": e.accuracy,
        "averages": e.averages,
    }


def section(source: Any, guess: MulticlassGuess) -> None:
    """The multiclass view of a recognised file (anchor ``multiclass``)."""
    tr = translator(NS)
    st.header(tr("mc_header"), anchor="multiclass")
    notes_corrections(NS, "multiclass")
    st.markdown(tr("mc_intro", k=len(guess.classes), label=guess.label))
    columns = _mapping(guess)
    try:
        with st.spinner(tr("loading")):  # a large file: reading, evaluating and the live check take seconds
            ev = _evaluated(source, guess, columns)
    except ValueError as err:
        error_box(err)
        return
    e = ev.evaluation
    st.caption(tr("mc_loaded", name=ev.name, n=f"{e.n:,}", k=e.k))
    for i, name in enumerate(e.classes):
        if e.tables[i] is None:
            st.warning(tr("mc_class_no_rows" if e.support[i] == 0 else "mc_class_all_rows", name=name))
    url_choice("metrics_mc_class", list(e.classes), e.classes[0])
    figures, decision = _rule(ev)
    for col, (label, value, help_text) in zip(st.columns(5), headline(e, figures), strict=False):
        col.metric(label, value, help=help_text)
    st.subheader(tr("mc_confusion"), anchor="multiclass-confusion")
    chart, data = confusion_view(e, figures["confusion"])
    show_chart(chart, data, key="multiclass_confusion")
    st.caption(tr("mc_confusion_caption"))
    st.subheader(tr("mc_averages"), anchor="multiclass-averages")
    table = averages_table(e, figures)
    st.dataframe(table, hide_index=True, width="stretch", height=35 * (len(table) + 1) + 3)  # every row
    st.caption(tr("mc_averages_caption"))
    st.subheader(tr("mc_curves"), anchor="multiclass-curves")
    c1, c2 = st.columns([1, 2])
    name = c1.selectbox(tr("mc_class_picker"), options=list(e.classes), key="metrics_mc_class")
    url_choice("metrics_mc_curve", CURVES, "roc")
    curve = c2.segmented_control(
        tr("mc_curve"), options=CURVES, format_func=lambda c: tr(f"mc_curve_{c}"), key="metrics_mc_curve"
    )
    index = e.classes.index(name)
    view = curve_view(e, index, curve or "roc")
    if view is None:
        st.info(tr("mc_no_curve", name=name))
    else:
        show_chart(view[0], view[1], key=f"multiclass_{curve or 'roc'}")
        st.caption(
            tr("mc_curve_caption", name=name, auc=f"{e.ovr_auc[index]:.4f}", ap=f"{e.ovr_ap[index]:.4f}")
        )
    reference_check(*ev.check, 1e-10)
    downloads(ev, decision, figures if decision is not None else None)
    st.caption(tr("mc_rows_note"))


def html_labels() -> dict[str, str]:
    """The HTML report's headings in the page's language."""
    tr = translator(NS)
    keys = {
        "title": "mc_header",
        "file": "mc_html_file",
        "rows": "mc_html_rows",
        "classes": "mc_html_classes",
        "accuracy": "mc_accuracy",
        "confusion": "mc_confusion",
        "per_class": "mc_averages",
        "class": "mc_class",
        "precision": "mc_precision",
        "recall": "mc_recall",
        "f1": "mc_f1",
        "support": "mc_support",
        "roc_auc_ovr": "mc_auc",
        "average_precision": "mc_ap",
        "averages": "mc_averages",
        "auc": "mc_auc",
        "top_k": "mc_top_k_name",
        "log_loss": "mc_log_loss",
    }
    return {k: tr(v) for k, v in keys.items()}


def downloads(ev: Evaluated, decision: tuple[int, float] | None, figures: dict[str, Any] | None) -> None:
    """The report as JSON and as HTML (built when clicked), with the rule shown."""
    tr = translator(NS)
    e, labels = ev.evaluation, html_labels()
    left, right = st.columns(2)
    left.download_button(
        tr("mc_download_json"),
        data=lambda: multiclass_report_json(e, name=ev.name, decision=decision, figures=figures),
        file_name="multiclass.json",
        mime="application/json",
        key="metrics_mc_download_json",
        icon=":material/data_object:",
        on_click="ignore",
    )
    right.download_button(
        tr("mc_download_html"),
        data=lambda: multiclass_report_html(
            multiclass_report(e, name=ev.name, decision=decision, figures=figures), labels
        ),
        file_name="multiclass.html",
        mime="text/html",
        key="metrics_mc_download_html",
        icon=":material/description:",
        on_click="ignore",
    )
