"""AppTest of the fine-tuning page: both languages, every strategy, live runs, the URL, bad links."""

from __future__ import annotations

import pytest

import core.finetune as ft
from tests.apptest import assert_clean, open_page, success_texts
from ui.i18n import load_strings

PAGE = "app_pages/finetune.py"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_opens_with_its_checks_in_both_languages(lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang, ft_live="linear_probe", ft_size="2")
    assert at.title[0].value == strings["finetune.title"]
    checks = success_texts(at)
    # parameter formula vs numel, live accuracy vs sklearn, drift vs numpy, PCA and nearest centroid vs
    # sklearn: all pass
    assert len(checks) == 5
    assert any("sklearn.metrics.accuracy_score" in c for c in checks)
    assert any("numpy.linalg.norm" in c for c in checks)
    assert any("sklearn.decomposition.PCA" in c for c in checks)
    headers = [h.value for h in at.header]
    assert strings["finetune.sweep_title"] in headers and strings["finetune.big_title"] in headers
    # the shipped accuracy table: one row per strategy, one column per size
    table = at.dataframe[1].value
    # (the strategies by their names in the page's language; in English the names are the ids)
    names = [strings[f"finetune.name_{s}"] for s in ft.STRATEGIES]
    assert list(table.index) == names and table.shape[1] == len(ft.SIZES)
    if lang == "en":
        assert list(table.index) == list(ft.STRATEGIES)
    # the linear probe's backbone did not move
    assert strings["finetune.drift_probe"].format(value="0") in [c.value for c in at.caption]


def test_strategy_changes_the_trainable_counts_and_the_url():
    at = open_page(PAGE, "en", ft_live="linear_probe", ft_size="1")
    model = ft.load_pretrained()
    backbone = sum(p.numel() for p in model.backbone.parameters())
    head = 5 * (ft.FEATURES + 1)
    at.radio(key="ft_strategy").set_value("linear_probe").run()
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Trainable parameters"] == f"{head:,}"
    assert metrics["Frozen parameters"] == f"{backbone:,}"
    assert metrics["Optimizer parameter groups"] == "1"
    assert at.query_params["ft_strategy"] == "linear_probe"
    at.radio(key="ft_strategy").set_value("discriminative").run()
    assert_clean(at)
    table = at.dataframe[0].value
    rates = dict(zip(table["Layer"], table["lr"].astype(float), strict=True))
    assert rates["head"] == pytest.approx(1e-2) and rates["fc"] == pytest.approx(1e-3)
    assert rates["conv1"] == pytest.approx(1e-3 / ft.DISCRIMINATIVE_DECAY**2, rel=1e-2)
    assert {m.label: m.value for m in at.metric}["Frozen parameters"] == "0"


def test_live_run_reproduces_the_shipped_run_of_its_seed():
    at = open_page(PAGE, "en", ft_live="head_lr", ft_size="1", ft_seed="2")
    live = at.dataframe[2].value.iloc[0]
    assert live["Strategy"] == "head_lr"
    assert live["Live test accuracy"] == live["Shipped, same seed"]
    # another size and strategy, chosen from the widgets
    at.multiselect(key="ft_live_list").set_value(["full", "scratch"]).run()
    assert_clean(at)
    assert list(at.dataframe[2].value["Strategy"]) == ["full", "scratch"]
    assert at.query_params["ft_live"] == "full,scratch"
    at.multiselect(key="ft_live_list").set_value([]).run()
    assert_clean(at)
    assert at.info[0].value == load_strings("en")["finetune.choose_one"]


def test_a_bad_link_is_ignored_and_the_page_stays_usable():
    at = open_page(
        PAGE, "en", ft_strategy="freeze_everything", ft_size="1000", ft_seed="-3", ft_lr="7", ft_live="nope"
    )
    assert at.radio(key="ft_strategy").value == "head_lr"
    assert at.number_input(key="ft_seed").value == 0
    assert at.session_state["ft_size"] == "5"
    assert at.multiselect(key="ft_live_list").value == ["scratch", "linear_probe", "head_lr"]
