"""The metrics page's multiclass view (ui/metrics/multiclass.py, anchor ``multiclass``): the bundled digits
example in both languages, a link that reproduces a non-default view, an upload whose score columns must be
mapped, and its figures against scikit-learn."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from core.metrics import MULTICLASS_EXAMPLES
from tests.apptest import open_link, open_page


def _digits():
    frame = pd.read_csv(MULTICLASS_EXAMPLES["digits"])
    return frame["digit"].to_numpy(), frame[[str(d) for d in range(10)]].to_numpy()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_digits_example_in_both_languages(lang):
    at = open_link("app_pages/metrics.py", lang, params={"metrics_example": "digits"})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.header) == 1 and len(at.subheader) == 3
    y, p = _digits()
    accuracy = sk.accuracy_score(y, p.argmax(axis=1))
    ovr = sk.roc_auc_score(y, p, multi_class="ovr")
    values = [m.value for m in at.metric]
    assert values[:2] == [f"{accuracy:.4f}", f"{ovr:.4f}"]
    assert any("max |diff|" in s.value or "最大 |差值|" in s.value for s in at.success)
    table = at.dataframe[0].value
    assert len(table) == 13  # 10 classes and three averages
    report = sk.classification_report(y, p.argmax(axis=1), output_dict=True)
    assert abs(table.iloc[11, 3] - report["macro avg"]["f1-score"]) <= 1e-12
    assert table.iloc[10, 5] == "—" and table.iloc[11, 5] == f"{ovr:.4f}"  # micro average: no AUC


def test_a_link_reproduces_a_non_default_view():
    params = {
        "metrics_example": "digits",
        "metrics_mc_class": "8",
        "metrics_mc_curve": "pr",
        "metrics_mc_rule": "threshold",
        "metrics_mc_threshold": "0.3",
    }
    at = open_link("app_pages/metrics.py", "en", params=params)
    assert not at.exception and not at.error
    assert at.selectbox(key="metrics_mc_class").value == "8"
    assert at.slider(key="metrics_mc_threshold").value == pytest.approx(0.3)
    y, p = _digits()
    others = p.copy()
    others[:, 8] = -np.inf
    predicted = np.where(p[:, 8] >= 0.3, 8, others.argmax(axis=1))
    assert at.metric[0].value == f"{sk.accuracy_score(y, predicted):.4f}"
    assert "Class 8 against the rest" in " ".join(c.value for c in at.caption)
    for key, value in params.items():
        assert at.query_params[key] == [value] or at.query_params[key] == value


def test_an_upload_with_unnamed_score_columns_is_mapped_by_the_user():
    rng = np.random.default_rng(0)
    y = rng.choice(["cat", "dog", "owl"], size=300)
    p = rng.dirichlet([1, 1, 1], size=300)
    frame = pd.DataFrame({"label": y, "s1": p[:, 0], "s2": p[:, 1], "s3": p[:, 2]})
    at = open_page("app_pages/metrics.py", "en")
    at.segmented_control(key="metrics_source").set_value("upload").run()
    at.file_uploader(key="metrics_upload").upload(
        "pets.csv", frame.to_csv(index=False).encode(), "text/csv"
    ).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.header[0].value == "Multiclass classifier"
    # the columns in file order: s1 -> cat, s2 -> dog, s3 -> owl; the user swaps dog and owl
    at.selectbox(key="metrics_mc_column_1").set_value("s3")
    at.selectbox(key="metrics_mc_column_2").set_value("s2").run()
    assert not at.exception and not at.error
    swapped = p[:, [0, 2, 1]]
    want = sk.roc_auc_score(y, swapped, multi_class="ovr")
    assert at.metric[1].value == f"{want:.4f}"


def test_the_json_download_holds_the_report():
    from core.metrics import evaluate_multiclass, multiclass_report_json

    y, p = _digits()
    report = json.loads(multiclass_report_json(evaluate_multiclass(y, p), name="digits.csv"))
    assert report["task"] == "multiclass" and report["classes"] == [str(d) for d in range(10)]
    assert np.array_equal(report["confusion"]["matrix"], sk.confusion_matrix(y, p.argmax(axis=1)))
    assert abs(report["roc_auc"]["ovo_macro"] - sk.roc_auc_score(y, p, multi_class="ovo")) <= 1e-12


def test_a_large_files_live_check_runs_on_its_first_rows(monkeypatch):
    from ui.metrics import multiclass

    monkeypatch.setattr(multiclass, "CHECK_ROWS", 300)
    names = tuple(str(d) for d in range(10))
    ev = multiclass.evaluate_file(MULTICLASS_EXAMPLES["digits"], "digits.csv", "digit", names, names)
    assert ev.check[0].endswith("first 300 rows") and ev.check[1] <= 1e-12
    assert ev.evaluation.n == 899  # the figures themselves are of every row


def test_hostile_links_to_the_multiclass_view_are_ignored_with_a_note():
    from tests.test_fuzz_links import HOSTILE

    keys = ("metrics_mc_class", "metrics_mc_curve", "metrics_mc_rule", "metrics_mc_threshold")
    for value in HOSTILE:
        params = {"metrics_example": "digits", **dict.fromkeys(keys, value)}
        if value == "8":  # a real class: the link is taken
            continue
        at = open_link("app_pages/metrics.py", "en", params=params)
        assert not at.exception, (value, [e.value for e in at.exception])
        assert at.selectbox(key="metrics_mc_class").value == "0", value


@pytest.mark.parametrize("rule", ["argmax", "threshold"])
def test_the_chinese_multiclass_view_shows_no_english_words(rule):
    from tests.test_chinese_text import english_words, page_texts

    params = {"metrics_example": "digits", "metrics_mc_rule": rule, "metrics_mc_curve": "reliability"}
    at = open_link("app_pages/metrics.py", "zh", params=params)
    assert not at.exception
    found = {text[:120]: words for text in page_texts(at) if (words := english_words(text))}
    assert not found, found


def test_binary_files_are_not_taken_for_multiclass_ones():
    from core.metrics import EXAMPLES, detect_multiclass

    for path in EXAMPLES.values():
        assert detect_multiclass(path) is None, path
    # a two-valued label beside a column with a few values (named like a label) and several numbers
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {
            "label": rng.integers(0, 2, 50),
            "category": rng.integers(0, 4, 50),
            **{f"m{i}": rng.random(50) for i in range(5)},
        }
    )
    assert detect_multiclass(frame.to_csv(index=False).encode()) is None
    assert detect_multiclass(b"\x00\x01 not a table") is None
    guess = detect_multiclass(MULTICLASS_EXAMPLES["digits"])
    assert guess.label == "digit" and guess.names_match and guess.score_columns == tuple(map(str, range(10)))
