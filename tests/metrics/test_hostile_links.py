"""Issue 20 on the metrics page: the threshold a link gives is a finite number within the slider's range
or it is ignored with a note; the files' path or glob is bounded (length, ``**``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.apptest import assert_clean, open_page
from ui.i18n import load_strings
from ui.metrics.data_folder import DATA_FOLDER_ENV
from ui.metrics.source import MAX_GLOBSTARS, MAX_PATTERN_CHARS

PAGE = "app_pages/metrics.py"


def _note(lang: str, key: str) -> str:
    return load_strings(lang)["common.link_value_ignored"].format(key=key)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "-1e308", "abc", "9" * 400, "5"])
def test_a_threshold_that_is_not_on_the_slider_is_ignored_with_a_note(value):
    at = open_page(PAGE, "en", metrics_threshold=value)
    assert _note("en", "metrics_threshold") in [toast.value for toast in at.toast]
    slider = at.slider(key="metrics_threshold")
    assert np.isfinite(slider.value) and slider.min <= slider.value <= slider.max
    assert at.query_params.get("metrics_threshold") in (None, str(slider.value))


def test_a_threshold_on_the_slider_is_taken_without_a_note():
    at = open_page(PAGE, "zh", metrics_threshold="0.3")
    assert _note("zh", "metrics_threshold") not in [toast.value for toast in at.toast]
    assert at.slider(key="metrics_threshold").value == pytest.approx(0.3)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    pd.DataFrame({"label": rng.random(200) < 0.3, "p": rng.random(200)}).to_csv(
        tmp_path / "a.csv", index=False
    )
    monkeypatch.setenv(DATA_FOLDER_ENV, str(tmp_path))
    return tmp_path


def test_a_linked_path_too_long_is_ignored_with_a_note(folder):
    at = open_page(PAGE, "en", metrics_source="files", metrics_files="a" * (MAX_PATTERN_CHARS + 1))
    assert _note("en", "metrics_files") in [toast.value for toast in at.toast]
    assert at.text_input(key="metrics_files").value == ""
    assert at.text_input(key="metrics_files").max_chars == MAX_PATTERN_CHARS


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_glob_with_too_many_globstars_gets_the_sentence(folder, lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang, metrics_source="files")
    at.text_input(key="metrics_files").input("**/" * (MAX_GLOBSTARS + 1) + "*.csv").run()
    assert_clean(at, errors=1)
    assert strings["metrics.files_pattern_globstars"].format(most=MAX_GLOBSTARS) in at.error[0].value
    at.text_input(key="metrics_files").input("a.csv").run()
    assert_clean(at)


def test_a_linked_mapping_the_files_do_not_have_is_ignored_with_a_note(folder):
    at = open_page(PAGE, "en", metrics_source="files", metrics_files="a.csv", metrics_label="<b>nope</b>")
    assert _note("en", "metrics_label") in [toast.value for toast in at.toast]
    assert_clean(at)
