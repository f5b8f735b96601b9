"""AppTest of the metrics page's bootstrap intervals and bands (issue 24): both languages, a link that
reproduces replicates and seed, the intervals equal to core.metrics.bootstrap's, the live check."""

from __future__ import annotations

import pytest

from core.metrics import bootstrap, evaluate, threshold_intervals
from core.scores import EXAMPLES, load_scores
from tests.apptest import open_page
from ui.i18n import load_strings

PAGE = "app_pages/metrics.py"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_intervals_open_in_both_languages(lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang, metrics_bootstrap="True")
    assert strings["metrics.uncertainty"] in [s.value for s in at.subheader]
    assert at.toggle(key="metrics_bootstrap").value is True
    assert any("glossary-stratified_bootstrap" in m.value for m in at.markdown)
    assert any("sklearn.metrics.roc_auc_score" in s.value and "285" in s.value for s in at.success)
    prefix = strings["metrics.boot_threshold"].split("{")[0]
    assert any(c.value.startswith(prefix) for c in at.caption)


def test_off_by_default():
    at = open_page(PAGE)
    assert at.toggle(key="metrics_bootstrap").value is False
    assert not any(df.value.shape == (3, 4) for df in at.dataframe)


def test_a_link_reproduces_replicates_and_seed():
    at = open_page(
        PAGE,
        metrics_example="imbalanced",
        metrics_bootstrap="True",
        metrics_n_boot="200",
        metrics_boot_seed="7",
        metrics_bands="False",
    )
    assert at.segmented_control(key="metrics_n_boot").value == "200"
    assert at.number_input(key="metrics_boot_seed").value == 7
    assert at.toggle(key="metrics_bands").value is False
    table = load_scores(EXAMPLES["imbalanced"])
    ev = evaluate(table.y_true, next(iter(table.scores.values())))
    expected = bootstrap(ev, ("roc_auc", "average_precision", "ks"), n_boot=200, seed=7).intervals
    frame = next(df.value for df in at.dataframe if df.value.shape == (3, 4))
    shown = frame.iloc[:, 2].tolist()
    for text, metric in zip(shown, ("roc_auc", "average_precision", "ks"), strict=True):
        low, high = expected[metric]
        assert text == f"[{low:.4f}, {high:.4f}]"
    # the threshold metrics' intervals at the explorer's threshold (0.5)
    f1 = threshold_intervals(ev, 0.5, n_boot=200, seed=7)["f1"]
    assert any(f"[{f1[0]:.4f}, {f1[1]:.4f}]" in c.value for c in at.caption)


def test_bad_link_values_are_ignored():
    at = open_page(PAGE, metrics_bootstrap="yes", metrics_n_boot="100000", metrics_boot_seed="-3")
    assert at.toggle(key="metrics_bootstrap").value is False
    assert at.segmented_control(key="metrics_n_boot").value == "1000"
    assert at.number_input(key="metrics_boot_seed").value == 0
