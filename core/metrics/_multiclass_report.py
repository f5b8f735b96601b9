"""The multiclass report as a self-contained HTML page, and the command line's multiclass path.

``python -m core.metrics FILE`` on a file that :func:`~core.metrics._multiclass_file.detect_multiclass`
recognises (a label column with 3 or more classes and a score column per class) prints
:func:`~core.metrics._multiclass.multiclass_report` as JSON instead of the binary report; ``--html OUT``
also writes :func:`multiclass_report_html`. ``--label`` and ``--score`` (one column per class, in the
classes' sorted order) override the detected columns. The memory engine only: the one-vs-one AUC pairs
rows.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from core.metrics._multiclass import evaluate_multiclass, multiclass_report
from core.metrics._multiclass_file import MulticlassGuess, detect_multiclass, read_multiclass

__all__ = ["multiclass_cli_report", "multiclass_report_html"]

#: the report's headings in English (the page passes its own language's)
LABELS = {
    "title": "Multiclass classifier report",
    "file": "File",
    "rows": "rows",
    "classes": "classes",
    "accuracy": "Accuracy",
    "confusion": "Confusion matrix (rows: true class, columns: predicted class)",
    "per_class": "Per-class figures",
    "class": "Class",
    "precision": "Precision",
    "recall": "Recall",
    "f1": "F1",
    "support": "Support",
    "roc_auc_ovr": "ROC AUC (one-vs-rest)",
    "average_precision": "Average precision",
    "averages": "Averages",
    "auc": "ROC AUC",
    "top_k": "Top-k accuracy",
    "log_loss": "Log loss",
}


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.6g}"
    return html.escape(str(value))


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def multiclass_report_html(report: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """One HTML document from :func:`multiclass_report`'s data: the confusion matrix shaded by row share,
    the per-class table, the averages and the AUCs. Every name from the file is HTML-escaped."""
    s = {**LABELS, **(labels or {})}
    classes = report["classes"]
    matrix = report["confusion"]["matrix"]
    cells = []
    for name, row in zip(classes, matrix, strict=True):
        total = sum(row) or 1
        tds = "".join(
            f'<td style="background: rgba(31, 119, 180, {v / total:.3f})">{_cell(float(v))}</td>' for v in row
        )
        cells.append(f"<tr><th>{html.escape(name)}</th>{tds}</tr>")
    header = "".join(f"<th>{html.escape(c)}</th>" for c in classes)
    confusion = f"<table><thead><tr><th></th>{header}</tr></thead><tbody>{''.join(cells)}</tbody></table>"
    keys = ("class", "precision", "recall", "f1", "support", "roc_auc_ovr", "average_precision")
    per_class = _table([s[k] for k in keys], [[row[k] for k in keys] for row in report["per_class"]])
    averages = _table(
        ["", s["precision"], s["recall"], s["f1"]],
        [[how, v["precision"], v["recall"], v["f1"]] for how, v in report["averages"].items()],
    )
    aucs = _table(["", s["auc"]], [[k, v] for k, v in report["roc_auc"].items()])
    tops = _table(["k", s["top_k"]], [[k, v] for k, v in report["top_k_accuracy"].items()])
    style = (
        "body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:0.25em 0.5em;text-align:right}"
    )
    return "".join(
        [
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(s["title"])}</title>',
            f"<style>{style}</style></head><body><h1>{html.escape(s['title'])}</h1>",
            f"<p>{html.escape(s['file'])}: <code>{html.escape(str(report['file']))}</code> · "
            f"{report['n']:,} {html.escape(s['rows'])} · {len(classes)} {html.escape(s['classes'])} · "
            f"{html.escape(s['accuracy'])} {report['accuracy']:.6g} · {html.escape(s['log_loss'])} "
            f"{report['log_loss']:.6g}</p>",
            f"<h2>{html.escape(s['confusion'])}</h2>{confusion}",
            f"<h2>{html.escape(s['per_class'])}</h2>{per_class}",
            f"<h2>{html.escape(s['averages'])}</h2>{averages}{aucs}{tops}",
            "</body></html>",
        ]
    )


def multiclass_cli_report(
    path: str, label: str | None = None, scores: Sequence[str] | None = None
) -> dict[str, Any] | None:
    """The command line's multiclass report of one file, or None when the file is not multiclass (then
    the binary report is made as before). ``label`` / ``scores`` override the detected columns."""
    guess = detect_multiclass(path)
    if guess is None or (label is not None and label != guess.label):
        return None
    columns = tuple(scores) if scores else guess.score_columns
    if len(columns) != len(guess.classes):
        raise ValueError(
            f"--score names {len(columns)} columns but the label {guess.label!r} has {len(guess.classes)} "
            f"classes ({', '.join(guess.classes)}): give one score column per class, in that order."
        )
    return _report(path, guess, columns)


def _report(path: str, guess: MulticlassGuess, columns: tuple[str, ...]) -> dict[str, Any]:
    labels, proba = read_multiclass(path, guess.label, columns, guess.classes)
    evaluation = evaluate_multiclass(labels, proba, classes=list(guess.classes))
    report = multiclass_report(evaluation, name=path)
    report["label_column"] = guess.label
    report["score_columns"] = list(columns)
    return report
