"""AppTest of the metrics page's "files on the server" source (issue 14's large-file path): offered only
with a data folder (DLNOTES_DATA_DIR), paths confined to it, files and globs aggregated by DuckDB, the
figures equal to scikit-learn's on the rows, rounding with its AUC bound beside the AUC."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics as skm
from streamlit.testing.v1 import AppTest

from core.metrics import aggregate_files
from tests.apptest import assert_clean, open_page, success_texts
from ui.i18n import load_strings
from ui.metrics.data_folder import DATA_FOLDER_ENV, human_size

PAGE = "app_pages/metrics.py"
EN = load_strings("en")


def rows(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    return pd.DataFrame(
        {
            "label": np.where(y, "churn", "stay"),
            "p": 1 / (1 + np.exp(-(rng.normal(size=n) + 1.4 * y - 0.6))),  # raw floats: all distinct
            "q": np.round(rng.random(n) * 0.5 + 0.4 * y, 2),
        }
    )


@pytest.fixture
def folder(tmp_path, monkeypatch):
    data = rows(12_000)
    (tmp_path / "parts").mkdir()
    for i, part in enumerate(np.array_split(np.arange(len(data)), 3)):
        data.iloc[part].to_parquet(tmp_path / "parts" / f"part-{i}.parquet")
    data.to_csv(tmp_path / "all.csv", index=False)
    (tmp_path.parent / "outside.csv").write_text("label,score\n1,0.5\n0,0.4\n")
    monkeypatch.setenv(DATA_FOLDER_ENV, str(tmp_path))
    return tmp_path, data


def choose(at: AppTest, pattern: str, decimals: str = "exact") -> AppTest:
    at.segmented_control(key="metrics_source").set_value("files").run()
    at.selectbox(key="metrics_decimals").set_value(decimals)
    at.text_input(key="metrics_files").input(pattern).run()
    return at


def read(at: AppTest) -> AppTest:
    label = EN["metrics.files_read"].split("{")[0]
    button = next(b for b in at.button if b.label.startswith(label))
    button.click().run()
    assert_clean(at)
    return at


def metric(at: AppTest, key: str):
    return next(m for m in at.metric if m.label == EN[f"metrics.{key}"])


def test_no_data_folder_no_files_option(monkeypatch):
    monkeypatch.delenv(DATA_FOLDER_ENV, raising=False)
    at = open_page(PAGE, metrics_source="files")  # a link naming the option falls back to the example
    assert at.segmented_control(key="metrics_source").options == [
        EN["metrics.source_example"],
        EN["metrics.source_upload"],
    ]
    assert at.segmented_control(key="metrics_source").value == "example"


def test_a_glob_of_parquet_parts_is_evaluated_by_duckdb(folder):
    root, data = folder
    at = choose(open_page(PAGE), "parts/part-*.parquet")
    assert_clean(at)
    size = sum(p.stat().st_size for p in (root / "parts").iterdir())
    assert any(EN["metrics.files_matched"].format(n=3, size=human_size(size)) in c.value for c in at.caption)
    assert not at.metric, "nothing is read before the button"
    at = read(at)
    y = (data["label"] == "churn").to_numpy()
    auc = float(metric(at, "auc").value)
    assert auc == pytest.approx(skm.roc_auc_score(y, data["p"]), abs=5e-5)
    assert not metric(at, "auc").delta  # exact scores: no bound
    assert any(EN["metrics.files_kept"].split("{")[0] in c.value for c in at.caption)
    passing = " ".join(success_texts(at))
    assert EN["metrics.check_reference_table"].split("{")[0] in passing
    assert at.query_params["metrics_files"] == "parts/part-*.parquet"
    # the second model, and DeLong's comparison is explained, not computed
    at.selectbox(key="metrics_model").set_value("q").run()
    assert float(metric(at, "auc").value) == pytest.approx(skm.roc_auc_score(y, data["q"]), abs=5e-5)
    assert any(EN["metrics.delong_aggregated"][:40] in i.value for i in at.info)


def test_rounding_shows_the_bound_beside_the_auc(folder):
    _, data = folder
    at = read(choose(open_page(PAGE), "all.csv", decimals="1"))
    y = (data["label"] == "churn").to_numpy()
    exact = skm.roc_auc_score(y, data["p"])
    rounded = skm.roc_auc_score(y, np.round(data["p"], 1))
    shown = float(metric(at, "auc").value)
    assert shown == pytest.approx(rounded, abs=5e-5)
    bound = float(metric(at, "auc").delta.removeprefix("± "))
    assert 0 < bound < 0.5 and abs(exact - rounded) <= bound  # shown rounded up: never smaller
    assert at.session_state["metrics_kept_files"].auc_bounds["p"] <= bound
    assert any(EN["metrics.auc_bound"].split("{")[0] in c.value for c in at.caption)
    # changing the rounding asks for a new read; going back to exact gives the exact AUC
    at.selectbox(key="metrics_decimals").set_value("exact").run()
    assert not at.metric
    at = read(at)
    assert float(metric(at, "auc").value) == pytest.approx(exact, abs=5e-5)


def test_the_kept_summary_carries_the_rounding_and_no_rows(folder):
    at = read(choose(open_page(PAGE), "all.csv", decimals="2"))
    root, _ = folder
    expected = aggregate_files(root / "all.csv", pos_label="churn", decimals=2).counts["p"].auc_bound
    kept = at.session_state["metrics_kept_files"]
    assert kept.decimals == 2 and kept.auc_bounds["p"] == expected
    assert json.loads(json.dumps(kept.fields))["rows"] == 12_000
    assert kept.nbytes() < 12_000 * 8, "the kept tables are smaller than one column of the rows"


@pytest.mark.parametrize(
    ("pattern", "sentence"),
    [
        ("../outside.csv", "Only files inside the data folder can be read"),
        ("*.txt", "No file in the data folder matches '*.txt'."),
        ("missing.csv", "Cannot read the file 'missing.csv': no such file."),
    ],
)
def test_bad_paths_are_one_sentence_and_nothing_is_lost(folder, pattern, sentence):
    at = read(choose(open_page(PAGE), "all.csv"))
    auc = metric(at, "auc").value
    at.text_input(key="metrics_files").input(pattern).run()
    assert_clean(at, errors=1)
    message = at.error[0].value
    assert sentence in message and "outside" not in message.replace("outside the", ""), message
    # back to the file read before: its summary is still kept, no new read needed
    at.text_input(key="metrics_files").input("all.csv").run()
    assert_clean(at)
    assert metric(at, "auc").value == auc


def test_a_bad_file_is_an_error_sentence(folder):
    root, _ = folder
    (root / "junk.csv").write_text("label,score\n1,0.5\n0,abc\n1,0.7\n")
    at = read(choose(open_page(PAGE), "all.csv"))
    at.text_input(key="metrics_files").input("junk.csv").run()
    label = EN["metrics.files_read"].split("{")[0]
    next(b for b in at.button if b.label.startswith(label)).click().run()
    assert_clean(at, errors=1)
    assert "The column 'score' has 'abc', which is not a number, in line 3 of 'junk.csv'" in at.error[0].value
    assert str(root) not in at.error[0].value, "the server's folder is not named"
    assert at.session_state["metrics_kept_files"].name == "all.csv", "the last good read is kept"


def test_a_chosen_mapping_survives_a_visit_to_another_source(folder):
    at = choose(open_page(PAGE), "all.csv")
    at.multiselect(key="metrics_scores").set_value(["q"]).run()
    at = read(at)
    auc = metric(at, "auc").value
    at.segmented_control(key="metrics_source").set_value("example").run()
    at.segmented_control(key="metrics_source").set_value("files").run()
    assert_clean(at)
    assert at.multiselect(key="metrics_scores").value == ["q"], "the mapping the files were read with"
    assert metric(at, "auc").value == auc, "shown again without a new read"
    assert not at.warning, [w.value for w in at.warning]


def test_a_link_gives_the_files_mapping(folder):
    _, data = folder
    at = open_page(PAGE, metrics_source="files", metrics_files="all.csv", metrics_scores="q")
    assert at.multiselect(key="metrics_scores").value == ["q"]
    at = read(at)
    y = (data["label"] == "churn").to_numpy()
    assert float(metric(at, "auc").value) == pytest.approx(skm.roc_auc_score(y, data["q"]), abs=5e-5)
    # the mapping chosen goes into the link; a link naming a column the files lack is ignored
    at.multiselect(key="metrics_scores").set_value(["p", "q"]).run()
    assert at.query_params["metrics_scores"] == ["p", "q"] and at.query_params["metrics_label"] == "label"
    at = open_page(PAGE, metrics_source="files", metrics_files="all.csv", metrics_scores="nope")
    assert at.multiselect(key="metrics_scores").value == ["p", "q"]
    at.segmented_control(key="metrics_source").set_value("example").run()
    assert "metrics_scores" not in at.query_params, "only the files' mapping is in a link"


def test_a_link_with_a_positive_label_the_files_lack_keeps_the_guessed_one(folder):
    root, data = folder
    y = (data["label"] == "churn").to_numpy()
    # labels 0 and 1, the negatives first: '0' is the first value the positive label's widget offers
    binary = data.assign(label=y.astype(int)).iloc[np.argsort(y, kind="stable")]
    binary.to_csv(root / "binary.csv", index=False)
    at = read(open_page(PAGE, metrics_source="files", metrics_files="binary.csv", metrics_pos_label="yes"))
    # the guess's positive label, not the first value offered, which would swap the classes
    assert at.selectbox(key="metrics_pos_label").value == "1"
    assert float(metric(at, "auc").value) == pytest.approx(skm.roc_auc_score(y, data["p"]), abs=5e-5)
