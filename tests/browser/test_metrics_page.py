"""The metrics page in a real browser: upload, threshold explorer, downloads, bad files, shared links.

Every figure the page shows is compared with what ``core.metrics`` computes on the same rows. One
tab uploads the test file once (the module-scoped ``uploaded`` fixture) and the upload, threshold
and download tests read it in turn; the bad-file and link tests open tabs of their own.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from core.metrics import confusion_at, ks_statistic, roc_auc_score
from core.scores import EXAMPLES, load_scores
from tests.browser import harness
from ui.i18n import load_strings
from ui.navigation import PAGES

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

EN, ZH = load_strings("en"), load_strings("zh")
METRICS = next(spec for spec in PAGES if spec.slug == "metrics")
# A name with HTML's special characters: the report must show it escaped, never as markup.
UPLOAD_NAME = "q&a <b>scores<i> 'v2'.csv"
# The page shows the AUC with 4 decimals.
SHOWN_AUC_TOL = 5e-5
# Rows of the explorer's metrics table -> attributes of core.metrics.Confusion.
TABLE_ROWS = {
    "m_accuracy": "accuracy",
    "m_precision": "precision",
    "m_recall": "recall",
    "m_specificity": "specificity",
    "m_fpr": "fpr",
    "m_f1": "f1",
    "m_mcc": "mcc",
}
REPORT_CHARTS = 5  # ROC, PR, KS, histograms, gains


def _score_rows(n: int = 2_000, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Labels and scores on a 0.01 grid from 0 to 1: many ties, and the slider spans exactly [0, 1]."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.4
    s = np.round(np.clip(rng.normal(0.45 + 0.15 * y, 0.18), 0.0, 1.0), 2)
    s[:2] = 0.0, 1.0  # both ends present whatever the draw
    return y, s


def _csv(y: np.ndarray, s: np.ndarray) -> str:
    return "label,score\n" + "".join(f"{int(a)},{b:.2f}\n" for a, b in zip(y, s, strict=True))


def _upload(page: Page, path: Path) -> None:
    uploader = page.locator('[data-testid="stFileUploader"] input[type=file]')
    harness.rerun_after(page, lambda: uploader.set_input_files(path))


def _choose_source(page: Page, option_key: str, lang: str = "en") -> None:
    """Click an option of the page's data-source segmented control (``metrics_source``)."""
    strings = EN if lang == "en" else ZH
    option = harness.widget(page, "metrics_source").get_by_role(
        "radio", name=strings[f"metrics.{option_key}"], exact=True
    )
    harness.rerun_after(page, option.click)


def _selected(select: Locator) -> str:
    """The option an ``st.selectbox`` shows (its combobox input's text)."""
    return select.locator("input").input_value()


def _shown_auc(page: Page) -> float:
    return float(harness.metric_value(page, EN["metrics.auc"]))


def _shown_threshold(page: Page) -> float:
    thumb = harness.widget(page, "metrics_threshold").locator('[data-testid="stSliderThumbValue"]')
    return float(thumb.inner_text())


def _metrics_table(page: Page) -> dict[str, float]:
    """The explorer's table (Metric, Value, Formula) as metric name -> value."""
    header = [EN["metrics.metric"], EN["metrics.value"], EN["metrics.formula"]]
    frames = page.locator('[data-testid="stDataFrame"]')
    for i in range(frames.count()):
        cells = harness.dataframe_cells(frames.nth(i))
        if cells[0] == header:
            return {row[0]: float(row[1]) for row in cells[1:]}
    raise AssertionError(f"{page.url} shows no table with the columns {header}")


def _confusion_cells(page: Page) -> dict[str, int]:
    """The confusion-matrix chart's cells: "TP" / "FN" / "FP" / "TN" -> the count it shows."""
    chart = harness.shown_chart(page, "confusion")
    cells = {}
    for text in harness.chart_texts(chart):
        name, count, _rate = text.split("\n")
        cells[name] = int(count.replace(",", ""))
    assert set(cells) == {"TP", "FN", "FP", "TN"}, f"the confusion matrix shows {cells}"
    return cells


def _assert_unambiguous(threshold: float, s: np.ndarray) -> None:
    # The slider shows 4 decimals: no score may lie within rounding of the shown value unless it is
    # the value itself, or the confusion matrix at the shown value could differ from the page's.
    near = np.abs(s - threshold) < 5e-5
    assert not np.any(near & (s != threshold)), f"scores too close to the threshold {threshold}"


def _assert_explorer_shows(page: Page, y: np.ndarray, s: np.ndarray, threshold: float) -> None:
    """The confusion matrix and the metrics table are core's ``confusion_at`` at ``threshold``."""
    _assert_unambiguous(threshold, s)
    expected = confusion_at(y, s, threshold)
    cells = _confusion_cells(page)
    assert cells == {"TP": expected.tp, "FN": expected.fn, "FP": expected.fp, "TN": expected.tn}, (
        f"at threshold {threshold} the confusion matrix shows {cells}, core.metrics.confusion_at gives "
        f"TP={expected.tp} FN={expected.fn} FP={expected.fp} TN={expected.tn}"
    )
    table = _metrics_table(page)
    for row, attribute in TABLE_ROWS.items():
        assert table[EN[f"metrics.{row}"]] == pytest.approx(getattr(expected, attribute), abs=1e-12), (
            f"{attribute} at threshold {threshold}: page {table[EN[f'metrics.{row}']]}, "
            f"core {getattr(expected, attribute)}"
        )


def _download(page: Page, key: str) -> str:
    with page.expect_download() as info:
        harness.widget(page, key).locator("button").click()
    download = info.value
    assert download.failure() is None, f"the download {key} failed: {download.failure()}"
    text = Path(download.path()).read_text(encoding="utf-8")
    harness.wait_for_app_idle(page)
    return text


class _Tables(HTMLParser):
    """Every <table> of an HTML document as rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


@dataclass
class Uploaded:
    page: Page
    y: np.ndarray
    s: np.ndarray


@pytest.fixture(scope="module")
def uploaded(warm_app_server, browser_context, tmp_path_factory):
    """One tab on the metrics page with the test file uploaded through the real file input."""
    y, s = _score_rows()
    path = tmp_path_factory.mktemp("metrics-upload") / UPLOAD_NAME
    path.write_text(_csv(y, s), encoding="utf-8")
    page = harness.new_page(browser_context)
    try:
        # Straight to the upload form by its link (the segmented control is clicked in the other tests).
        harness.open_app_page(page, warm_app_server.url, METRICS, "en", {"metrics_source": "upload"})
        _upload(page, path)
        yield Uploaded(page, y, s)
    finally:
        page.close()


def test_uploaded_csv_shows_cores_auc(uploaded):
    page, y, s = uploaded.page, uploaded.y, uploaded.s
    harness.screenshot(page, "metrics-upload-en")
    harness.assert_no_exception(page)
    harness.assert_charts_visible(page)
    assert (
        harness.rendered(EN["metrics.loaded"].format(rows=f"{len(y):,}", pos="1", models="score", weight="—"))
        in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    ), "the caption does not describe the uploaded file (2,000 rows, positive label 1, model 'score')"
    assert len(np.unique(s)) < len(s) / 10, "the test file must have many tied scores"
    shown = harness.metric_value(page, EN["metrics.auc"])
    assert re.fullmatch(r"0\.\d{4}", shown), f"the AUC is shown as {shown!r}, not with 4 decimals"
    assert float(shown) == pytest.approx(roc_auc_score(y, s), abs=SHOWN_AUC_TOL)


def test_threshold_moves_update_the_confusion_matrix_and_the_table(uploaded):
    page, y, s = uploaded.page, uploaded.y, uploaded.s
    start = _shown_threshold(page)
    _assert_explorer_shows(page, y, s, start)

    # Two steps of the slider with the keyboard (step = range / 1000 = 0.001), one rerun each.
    thumb = harness.widget(page, "metrics_threshold").locator("input[type=range]")

    def press_right() -> None:
        thumb.focus()
        page.keyboard.press("ArrowRight")

    for _ in range(2):
        harness.rerun_after(page, press_right)
    moved = _shown_threshold(page)
    assert moved == pytest.approx(start + 0.002, abs=1e-9), f"the slider went from {start} to {moved}"
    assert confusion_at(y, s, moved).tp != confusion_at(y, s, start).tp, "test data: the move must matter"
    _assert_explorer_shows(page, y, s, moved)
    assert re.search(rf"metrics_threshold={moved}\b", page.url), f"the URL does not hold it: {page.url}"

    # The KS jump button: the threshold becomes the score where TPR - FPR is largest.
    harness.rerun_after(page, harness.widget(page, "metrics_jump_ks").locator("button").first.click)
    _ks, ks_threshold = ks_statistic(y, s)
    jumped = _shown_threshold(page)
    assert jumped == pytest.approx(ks_threshold, abs=5e-5), f"KS is reached at {ks_threshold}, shown {jumped}"
    _assert_explorer_shows(page, y, s, jumped)
    harness.screenshot(page, "metrics-upload-threshold-ks-en")
    harness.assert_no_exception(page)


def test_html_report_download(uploaded):
    page, y, s = uploaded.page, uploaded.y, uploaded.s
    threshold = _shown_threshold(page)
    report = _download(page, "metrics_download_html")

    assert report.startswith("<!DOCTYPE html>") and re.search(r"<html[^>]*>", report), report[:200]
    for part in ('<meta charset="utf-8">', "<head>", "</head>", "<body>", "<title>"):
        assert part in report, f"the report lacks {part}"
    assert report.rstrip().endswith("</body></html>"), report[-200:]
    assert "<script" not in report.lower(), "the report must not contain scripts"
    assert report.count("<svg") == report.count("</svg>") == REPORT_CHARTS, (
        f"{report.count('<svg')} inline <svg> charts, expected {REPORT_CHARTS}"
    )
    assert html.escape(UPLOAD_NAME) in report, "the uploaded file's name is not shown (escaped)"
    assert "<b>scores<i>" not in report, "the uploaded file's name reached the report as markup"
    shown_threshold = re.search(rf"{EN['metrics.threshold']} = ([-+.\deE]+)", report)
    assert shown_threshold and float(shown_threshold.group(1)) == pytest.approx(threshold, abs=5e-5)

    parser = _Tables()
    parser.feed(report)
    header, *rows = parser.tables[0]
    assert len(rows) == 1, f"the summary table has {len(rows)} rows for one model"
    summary = dict(zip(header, rows[0], strict=True))
    # The report writes 6 significant digits.
    assert float(summary[EN["metrics.col_roc_auc"]]) == pytest.approx(roc_auc_score(y, s), abs=5e-7)
    expected = confusion_at(y, s, threshold)
    for cell in ("tp", "fp", "fn", "tn"):
        column = EN[f"metrics.col_{cell}"]  # the report's tables have the page's column names
        assert float(summary[column]) == getattr(expected, cell), f"{cell}: report {summary[column]}"

    metrics = json.loads(_download(page, "metrics_download_json"))
    assert list(metrics["models"]) == ["score"]
    model = metrics["models"]["score"]
    assert model["roc_auc"] == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert model["confusion"]["threshold"] == pytest.approx(threshold, abs=5e-5)
    assert [model["confusion"][c] for c in ("tp", "fp", "fn", "tn")] == [
        expected.tp,
        expected.fp,
        expected.fn,
        expected.tn,
    ]
    harness.assert_no_exception(page)


BAD_FILES = {
    "junk.csv": bytes(range(256)) * 8,  # binary data with a .csv name
    "one_class.csv": b"label,score\n" + b"".join(b"1,0.%d\n" % i for i in range(1, 10)),
}


def test_a_bad_file_shows_a_clear_error_and_the_page_stays_usable(warm_app_server, page, tmp_path):
    harness.open_app_page(page, warm_app_server.url, METRICS, "en", {"metrics_source": "upload"})
    for name, content in BAD_FILES.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ValueError) as core_error:
            load_scores(content)
        _upload(page, path)  # a second upload replaces the first
        harness.screenshot(page, f"metrics-bad-file-{path.stem}-en")
        assert not harness.exception_texts(page), f"{name}: a bad file must not show an exception box"
        assert not harness.javascript_errors(page), f"{name}: {harness.javascript_errors(page)}"
        alerts = page.locator('[data-testid="stAlert"]').filter(
            has=page.locator('[data-testid="stAlertContentError"]')
        )
        assert alerts.all_inner_texts() == [f"{EN['common.error_prefix']} {core_error.value}"], name
        assert not page.locator('[data-testid="stMetric"]').count(), f"{name}: metrics shown for a bad file"

    _choose_source(page, "source_example")
    harness.assert_no_exception(page)
    example = load_scores(EXAMPLES["balanced"])
    (scores,) = example.scores.values()
    assert _shown_auc(page) == pytest.approx(roc_auc_score(example.y_true, scores), abs=SHOWN_AUC_TOL)


def _checked_option(group: Locator) -> str:
    return group.locator('[role="radio"][aria-checked="true"]').inner_text().strip()


def test_a_link_reproduces_the_two_model_ks_view_in_chinese(warm_app_server, page):
    link = {"metrics_example": "two_models", "metrics_view": "ks"}
    harness.open_app_page(page, warm_app_server.url, METRICS, "zh", link)
    harness.screenshot(page, "metrics-link-two-models-ks-zh")
    harness.assert_no_exception(page)
    harness.assert_charts_visible(page)

    assert harness.main_headings(page)[0] == ZH["metrics.title"]
    assert _checked_option(harness.widget(page, "metrics_source")) == ZH["metrics.source_example"]
    assert _selected(harness.widget(page, "metrics_example")) == ZH["metrics.example_two_models"]
    table = load_scores(EXAMPLES["two_models"])
    models = list(table.scores)
    assert len(models) == 2
    caption = harness.rendered(ZH["metrics.loaded"]).format(
        rows=f"{table.n_rows:,}", pos=table.pos_label, models=", ".join(models), weight="—"
    )
    captions = page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
    assert caption in captions, f"no caption {caption!r} among {captions}"

    assert _checked_option(harness.widget(page, "metrics_view")) == ZH["metrics.tab_ks"]
    assert harness.shown_chart(page, "ks").count() == 1, "no KS chart"
    assert not harness.shown_chart(page, "roc").count(), "the ROC chart is shown instead of the KS chart"
    model = _selected(harness.widget(page, "metrics_model"))
    assert model in models
    ks, ks_threshold = ks_statistic(table.y_true, table.scores[model])
    assert ZH["metrics.ks_caption"].format(ks=f"{ks:.4f}", threshold=f"{ks_threshold:.4g}") in captions
    assert float(harness.metric_value(page, ZH["metrics.ks"])) == pytest.approx(ks, abs=5e-5)
    assert ZH["metrics.compare"] in harness.main_headings(page), "no model comparison for two models"


def test_uploading_after_the_example_starts_at_the_default_threshold(warm_app_server, page, tmp_path):
    y, s = _score_rows()
    path = tmp_path / "scores.csv"
    path.write_text(_csv(y, s), encoding="utf-8")
    harness.open_app_page(page, warm_app_server.url, METRICS, "en")
    assert _shown_threshold(page) == 0.5
    _choose_source(page, "source_upload")
    _upload(page, path)
    harness.assert_no_exception(page)
    # Scores span [0, 1]: the page's default threshold 0.5, as a fresh link to this view shows.
    assert _shown_threshold(page) == 0.5, (
        f"after the upload the threshold is {_shown_threshold(page)}; the link {page.url} opens at 0.5"
    )


def test_the_ks_chart_labels_are_not_truncated(warm_app_server, page):
    harness.open_app_page(page, warm_app_server.url, METRICS, "en", {"metrics_view": "ks"})
    assert harness.shown_chart(page, "ks").count() == 1
    assert not harness.truncated_chart_labels(page)


def test_the_report_one_section_at_a_time_keeps_the_threshold_through_a_section_switch(warm_app_server, page):
    """A plain link opens the report's first section (the threshold explorer and curves); another section
    replaces it and is written into the URL; the decisions alone draw the explorer's threshold above them,
    also after a reload; back at the first, the threshold moved before is still the one shown, in the
    slider and in the URL."""
    harness.open_app_page(page, warm_app_server.url, METRICS, "en", section=None)
    harness.assert_charts_visible(page)
    assert page.locator("#curves").count() == 1
    assert page.locator("#decisions").count() == 0 and page.locator("#gains").count() == 0
    thumb = harness.widget(page, "metrics_threshold").locator("input[type=range]")

    def press_right() -> None:
        thumb.focus()
        page.keyboard.press("ArrowRight")

    start = _shown_threshold(page)
    for _ in range(3):
        harness.rerun_after(page, press_right)
    moved = _shown_threshold(page)
    assert moved != start

    def pick(name: str) -> None:
        option = page.get_by_role("radio", name=EN[f"metrics.section_{name}"], exact=True)
        harness.rerun_after(page, option.click)

    pick("auc")
    assert page.locator("#auc-three-ways").count() == 1 and page.locator("#threshold-explorer").count() == 0
    assert "metrics_section=auc" in page.url
    # the decisions alone: the explorer's threshold drawn above them, kept in the link (reload: new session)
    pick("decisions")
    assert page.locator("#decisions").count() == 1 and page.locator("#threshold-explorer").count() == 0
    assert _shown_threshold(page) == moved
    page.reload()
    harness.wait_for_app_idle(page)
    assert page.locator("#decisions").count() == 1
    assert _shown_threshold(page) == moved, f"a reload of {page.url} shows {_shown_threshold(page)}"
    pick("threshold")
    harness.assert_no_exception(page)
    assert _shown_threshold(page) == moved, f"the threshold {moved} became {_shown_threshold(page)}"
    in_url = parse_qs(urlsplit(page.url).query)
    assert float(in_url["metrics_threshold"][0]) == pytest.approx(moved, abs=5e-5), page.url  # shown: 4 dp
    assert "metrics_section" not in in_url  # the first section: a clean link
