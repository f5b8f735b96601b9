"""AppTest of issue 25's sections of the metrics page (model comparison, segments, stability), in both
languages, from a bundled example, an upload and a link; their figures against scikit-learn."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from core.scores import EXAMPLES
from tests.apptest import open_page
from ui.i18n import load_strings

PAGE = "app_pages/metrics.py"


def frame_with(at, column_key: str, lang: str = "en") -> pd.DataFrame:
    header = load_strings(lang)[f"metrics.{column_key}"]
    return next(df.value for df in at.dataframe if header in df.value.columns)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sections_of_two_models_and_their_segments(lang):
    at = open_page(PAGE, lang, metrics_example="two_models")
    strings = load_strings(lang)
    titles = [s.value for s in at.subheader]
    for key in ("metrics.compare", "metrics.segments", "metrics.stability"):
        assert strings[key] in titles
    # per-segment AUCs equal scikit-learn's on the example's rows of each segment
    rows = pd.read_csv(EXAMPLES["two_models"])
    table = frame_with(at, "col_segment", lang)
    auc = table[strings["metrics.col_roc_auc"]].to_numpy()
    names = table[strings["metrics.col_segment"]].tolist()
    model = at.selectbox(key="metrics_model").value
    for name, value in zip(names, auc, strict=True):
        part = rows[rows["sex"] == name]
        assert value == pytest.approx(roc_auc_score(part["label"], part[model]), abs=1e-12)
    # the ranked comparison, the Holm column, the band table and the PSI are shown with their checks
    assert strings["metrics.col_p_holm"] in frame_with(at, "col_p_holm", lang).columns
    assert len(frame_with(at, "col_band", lang)) == 10
    assert any(m.label == strings["metrics.psi_value"] for m in at.metric)
    assert len(at.success) >= 5


def test_a_link_reproduces_a_segment_column_a_cutoff_and_bands():
    at = open_page(
        PAGE,
        metrics_example="two_models",
        metrics_segment="age_band",
        metrics_psi_mode="cutoff",
        metrics_psi_cut="60_and_over",
        metrics_score_bands="5",
    )
    assert at.selectbox(key="metrics_segment").value == "age_band"
    assert at.selectbox(key="metrics_psi_cut").value == "60_and_over"
    assert len(frame_with(at, "col_band")) == 5
    assert sorted(frame_with(at, "col_segment")["Segment"]) == ["40_to_59", "60_and_over", "under_40"]


def test_bad_link_values_are_ignored():
    at = open_page(PAGE, metrics_example="two_models", metrics_segment="nope", metrics_score_bands="7")
    assert at.selectbox(key="metrics_segment").value == "sex"


def test_an_upload_with_a_segment_column():
    rng = np.random.default_rng(11)
    n = 3000
    region = rng.choice(["north", "south", "east"], n)
    y = rng.random(n) < 0.3
    a = np.round(rng.normal(size=n) + y, 3)
    b = np.round(rng.normal(size=n) + 0.5 * y, 3)
    region[:3] = "tiny"  # a segment too small: listed with its reason
    data = "label,a,b,region\n" + "".join(
        f"{int(p)},{q},{r},{s}\n" for p, q, r, s in zip(y, a, b, region, strict=True)
    )
    at = open_page(PAGE)
    at.segmented_control(key="metrics_source").set_value("upload").run()
    at.file_uploader(key="metrics_upload").upload("mine.csv", data.encode(), "text/csv").run()
    assert not at.exception and not at.error, [e.value for e in at.exception]
    table = frame_with(at, "col_segment")
    for name, value in zip(table["Segment"], table["ROC AUC"], strict=True):
        mine = region == name
        assert value == pytest.approx(roc_auc_score(y[mine], a[mine]), abs=1e-12)
    assert any("tiny" in c.value for c in at.caption)
