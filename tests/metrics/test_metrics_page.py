"""AppTest of the metrics page: examples, upload, bad files, threshold controls, several models."""

import dataclasses
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from streamlit.testing.v1 import AppTest

from core.scores import EXAMPLES, ScoreTable, load_scores
from ui.i18n import load_strings
from ui.sections import ALL

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "app_pages/metrics.py"
EN = load_strings("en")


def open_page(lang: str = "en", example: str | None = None) -> AppTest:
    """The metrics page, its report with all its sections (ui.sections)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["metrics_section"] = ALL
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    if example is not None:
        at.selectbox(key="metrics_example").set_value(example).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_value(at: AppTest, label_key: str) -> str:
    label = EN[f"metrics.{label_key}"]
    return next(m.value for m in at.metric if m.label == label)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.segmented_control(key="metrics_source").set_value("upload").run()
    at.file_uploader(key="metrics_upload").upload(name, data, "text/csv").run()
    return at


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_each_example_shows_sklearns_auc(example):
    at = open_page()
    at.selectbox(key="metrics_example").set_value(example).run()
    assert not at.exception, [e.value for e in at.exception]
    table = load_scores(EXAMPLES[example])
    first = next(iter(table.scores.values()))
    if len(table.scores) > 1:
        first = table.scores[at.selectbox(key="metrics_model").value]
    assert float(metric_value(at, "auc")) == pytest.approx(roc_auc_score(table.y_true, first), abs=5e-5)
    assert at.success, "the live scikit-learn check is shown"


def test_upload_csv_is_evaluated():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 500)
    s = np.round(rng.normal(y * 0.8, 1.0), 3)
    data = "truth,model_score\n" + "".join(f"{a},{b}\n" for a, b in zip(y, s, strict=True))
    at = upload(open_page(), "mine.csv", data.encode())
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert float(metric_value(at, "auc")) == pytest.approx(roc_auc_score(y, s), abs=5e-5)


def test_bad_file_gives_a_sentence_and_the_page_stays_usable():
    at = upload(open_page(), "junk.csv", b"\x00\x01\x02binary\xff\xfe junk")
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and len(at.error[0].value) > 20
    # Back to an example: the page works again.
    at.segmented_control(key="metrics_source").set_value("example").run()
    assert not at.exception and not at.error
    assert metric_value(at, "auc")


def test_one_class_file_is_explained():
    at = upload(open_page(), "one.csv", b"label,score\n1,0.2\n1,0.9\n1,0.4\n")
    assert not at.exception
    assert at.error and "class" in at.error[0].value.lower()


def test_threshold_moves_the_confusion_matrix_and_jump_buttons_work():
    at = open_page(example="balanced")
    slider = at.slider(key="metrics_threshold")
    low, high = slider.min, slider.max
    slider.set_value(low).run()
    assert not at.exception
    at.button(key="metrics_jump_ks").click().run()
    assert not at.exception
    table = load_scores(EXAMPLES["balanced"])
    from core.metrics import ks_statistic

    _, ks_threshold = ks_statistic(table.y_true, next(iter(table.scores.values())))
    assert at.slider(key="metrics_threshold").value == pytest.approx(ks_threshold)
    assert low <= at.slider(key="metrics_threshold").value <= high


def test_two_models_show_delong_comparison():
    at = open_page(example="two_models")
    assert not at.exception
    models = at.selectbox(key="metrics_model").options
    assert len(models) == 2
    at.selectbox(key="metrics_model").set_value(models[1]).run()
    assert not at.exception
    assert any(EN["metrics.col_p_value"] in df.value.columns for df in at.dataframe)  # DeLong's p-value
    assert at.query_params["metrics_model"] == models[1]
    # kept across a visit to another page, which drops the URL's parameters
    at.switch_page("app_pages/home.py").run()
    for key in [k for k in at.query_params if k != "lang"]:
        del at.query_params[key]
    at.switch_page(PAGE).run()
    assert at.selectbox(key="metrics_model").value == models[1]
    # a link to a model that the file does not have falls back to the first one
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["metrics_section"] = ALL
    at.query_params["lang"] = "en"
    at.query_params["metrics_example"] = "two_models"
    at.query_params["metrics_model"] = "no_such_model"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="metrics_model").value == models[0]


def test_chinese_page_runs():
    at = open_page("zh")
    assert at.title[0].value == load_strings("zh")["metrics.title"]


def test_a_link_reproduces_the_view_in_any_language():
    """The URL holds the options themselves (not their translated labels)."""
    for lang in ("zh", "en"):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["lang"] = lang
        at.run()
        at.query_params["metrics_example"] = "two_models"
        at.query_params["metrics_view"] = "ks"
        at.switch_page(PAGE).run()
        assert not at.exception
        assert at.selectbox(key="metrics_example").value == "two_models"
        assert at.segmented_control(key="metrics_view").value == "ks"
    at.selectbox(key="metrics_example").set_value("imbalanced").run()
    assert at.query_params["metrics_example"] in ("imbalanced", ["imbalanced"])
    at.selectbox(key="metrics_example").set_value("balanced").run()
    assert "metrics_example" not in at.query_params  # the default view keeps a clean URL


def test_the_chosen_example_and_view_survive_a_visit_to_another_page():
    at = open_page("en", example="imbalanced")
    at.segmented_control(key="metrics_view").set_value("ks").run()
    at.switch_page("app_pages/home.py").run()
    # the browser drops the page's query parameters when the user goes to another page
    for key in [k for k in at.query_params if k != "lang"]:
        del at.query_params[key]
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="metrics_example").value == "imbalanced"
    assert at.segmented_control(key="metrics_view").value == "ks"
    assert at.query_params["metrics_example"] == "imbalanced"


def test_an_upload_survives_a_visit_to_another_page_and_a_removed_one_is_forgotten():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 300)
    s = np.round(rng.normal(y * 0.8, 1.0), 3)
    data = "label,score\n" + "".join(f"{a},{b}\n" for a, b in zip(y, s, strict=True))
    at = upload(open_page(), "kept.csv", data.encode())
    at.switch_page("app_pages/home.py").run()
    for key in [k for k in at.query_params if k != "lang"]:  # the browser drops them on a page switch
        del at.query_params[key]
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    assert at.segmented_control(key="metrics_source").value == "upload"
    assert float(metric_value(at, "auc")) == pytest.approx(roc_auc_score(y, s), abs=5e-5)
    assert any("kept.csv" in c.value for c in at.caption)
    # the user uploads again and removes the file: nothing is kept, the page asks for a file
    at = upload(at, "kept.csv", data.encode())
    at.file_uploader(key="metrics_upload").clear().run()
    assert not at.exception
    assert not any(m.label == EN["metrics.auc"] for m in at.metric)
    assert any(EN["metrics.upload_hint"].split("\n")[0] in i.value for i in at.info)


# ---------------------------------------------------------------- what a session keeps (issue 15)


def _rows(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores on a 0.01 grid: at most 101 distinct values, far fewer than ``n`` rows."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return y, np.round(np.clip(rng.normal(0.4 + 0.2 * y, 0.2), 0, 1), 2)


def _kept_arrays(value: object, depth: int = 0) -> list[np.ndarray]:
    """Every numpy array inside ``value`` (containers, dataclasses, objects' attributes, a few levels)."""
    if isinstance(value, np.ndarray):
        return [value]
    if depth > 6 or isinstance(value, (str, bytes, int, float, type(None))):
        return []
    if isinstance(value, dict):
        items = list(value.values())
    elif isinstance(value, (list, tuple, set)):
        items = list(value)
    elif isinstance(value, pd.DataFrame):
        return [value.to_numpy()]
    elif hasattr(value, "__dict__"):
        items = list(vars(value).values())
    else:
        return []
    return [a for item in items for a in _kept_arrays(item, depth + 1)]


def _session_values(at: AppTest) -> list[object]:
    return list(at.session_state.values())


def _assert_no_rows_kept(at: AppTest, n_rows: int, data: bytes | None = None) -> None:
    values = _session_values(at)
    assert not any(isinstance(v, ScoreTable) for v in values), "a ScoreTable (the rows) is kept"
    long = [a.shape for a in _kept_arrays(values) if a.size >= n_rows]
    assert not long, f"arrays as long as the file ({n_rows} rows) are kept: {long}"
    if data is not None:
        assert not any(isinstance(v, bytes) for v in values)
        # the uploader's own UploadedFile (Streamlit keeps it in the widget's state) holds nothing
        assert all(len(v.getvalue()) == 0 for v in values if isinstance(v, io.BytesIO))
        blobs = [
            b for v in values if isinstance(v, tuple) for b in v if isinstance(b, bytes) and len(b) > 1000
        ]
        assert not blobs, "the file's bytes are kept"


def test_an_upload_keeps_its_summary_not_its_rows_and_says_so():
    n = 6_000
    y, s = _rows(n, 5)
    data = ("label,score\n" + "".join(f"{a},{b}\n" for a, b in zip(y, s, strict=True))).encode()
    at = upload(open_page(), "big.csv", data)
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert float(metric_value(at, "auc")) == pytest.approx(roc_auc_score(y, s), abs=5e-5)
    _assert_no_rows_kept(at, n, data)
    captions = [c.value for c in at.caption]
    assert EN["metrics.kept_summary"].format(name="big.csv") in captions, captions
    assert EN["metrics.loaded"].format(rows=f"{n:,}", pos="1", models="score", weight="—") in captions
    # later runs (the uploader now hands back a DeletedFile) still draw the report from the summary
    at.button(key="metrics_jump_ks").click().run()
    assert not at.exception and not at.error
    assert float(metric_value(at, "auc")) == pytest.approx(roc_auc_score(y, s), abs=5e-5)
    assert at.success, "the live scikit-learn check (computed when the rows were read) is shown"
    # the mapping the file was read with is shown, not offered (the rows are gone)
    assert not [w for w in at.selectbox if w.key == "metrics_label"]
    assert any("label" in m.value and "score" in m.value for m in at.markdown)


def test_another_page_can_hand_over_a_score_table():
    """The losses page sets metrics_incoming and switches here: evaluated like an upload, then gone."""
    n = 3_000
    y, s = _rows(n, 6)
    two = np.round(np.clip(s + np.random.default_rng(7).normal(0, 0.1, n), 0, 1), 2)
    data = "label,a,b\n" + "".join(f"{p},{q},{r}\n" for p, q, r in zip(y, s, two, strict=True))
    table = load_scores(data.encode())
    at = open_page()
    at.session_state["metrics_incoming"] = {"name": "losses: logistic", "table": table}
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    assert "metrics_incoming" not in at.session_state, "the handed-over table is not kept"
    assert at.segmented_control(key="metrics_source").value == "upload"
    assert float(metric_value(at, "auc")) == pytest.approx(roc_auc_score(y, s), abs=5e-5)
    assert any("losses: logistic" in c.value for c in at.caption)
    p_value = EN["metrics.col_p_value"]  # DeLong's p-value, under its translated header
    assert any(p_value in df.value.columns for df in at.dataframe), "two models are compared"
    del table
    _assert_no_rows_kept(at, n)
    # still there after a visit to another page, like an upload
    at.switch_page("app_pages/home.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert float(metric_value(at, "auc")) == pytest.approx(roc_auc_score(y, s), abs=5e-5)


def test_a_handed_over_table_with_one_class_is_explained():
    # load_scores refuses such a file; another page's table might still have one class only
    table = dataclasses.replace(load_scores(b"label,score\n1,0.2\n0,0.9\n1,0.4\n"), y_true=np.ones(3, bool))
    at = open_page()
    at.session_state["metrics_incoming"] = {"name": "one class", "table": table}
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.error and "class" in at.error[0].value.lower()
    at.segmented_control(key="metrics_source").set_value("example").run()
    assert not at.exception and not at.error
    assert metric_value(at, "auc")
