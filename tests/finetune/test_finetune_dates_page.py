"""AppTest of the fine-tuning page's experiment picker (issue 23): both experiments in both languages, the
``ft_exp`` link, a live run of the dates experiment, bad links, and the Chinese dates view."""

from __future__ import annotations

import pytest

import core.finetune as ft
from tests.apptest import assert_clean, open_link, open_page, success_texts
from tests.test_chinese_text import english_words, page_texts
from ui.i18n import load_strings

PAGE = "app_pages/finetune.py"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("exp", ["digits", "dates"])
def test_both_experiments_open_clean_in_both_languages(exp, lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang, ft_exp=exp, ft_live="linear_probe", ft_size="2")
    assert at.session_state["ft_exp"] == exp
    # parameter formula vs numel, live accuracy vs sklearn, drift vs numpy, PCA and nearest centroid vs
    # sklearn: all pass in either experiment
    assert len(success_texts(at)) == 5
    headers = [h.value for h in at.header]
    assert strings["finetune.compare_title"] in headers and strings["finetune.sweep_title"] in headers
    sizes = ft.DATES_SIZES if exp == "dates" else ft.SIZES
    assert at.dataframe[1].value.shape == (len(ft.STRATEGIES), len(sizes))
    # the side-by-side table: one column per experiment, in the page's language
    compare = at.dataframe[-1].value
    assert list(compare.columns) == [
        strings["finetune.experiment_digits"],
        strings["finetune.experiment_dates"],
    ]
    # the sweep's reading is the experiment's own
    reading = strings["finetune.dates_sweep_reading" if exp == "dates" else "finetune.sweep_reading"]
    assert any(m.value.startswith(reading.split("{")[0]) for m in at.markdown)
    # the digits view's link carries no ft_exp (its links stay as they were)
    assert ("ft_exp" in at.query_params) == (exp == "dates")


def test_a_dates_link_reproduces_the_view():
    at = open_page(PAGE, "en", ft_exp="dates", ft_strategy="linear_probe", ft_size="50", ft_live="scratch")
    assert at.radio(key="ft_exp@en").value == "dates"
    assert at.session_state["ft_size"] == "50" and at.session_state["ft_lr"] == ft.DATES_LR
    metrics = {m.label: m.value for m in at.metric}
    source = ft.load_date_source()
    head = 1 * (2 * source.config.encoder_size + 1) + ft.NUM_MONTHS * (2 * source.config.encoder_size + 1)
    assert metrics["Trainable parameters"] == f"{head:,}"
    assert metrics["Frozen parameters"] == f"{sum(p.numel() for p in source.encoder.parameters()):,}"
    layers = list(at.dataframe[0].value["Layer"])
    assert layers == ["embed", "rnn", "head"]
    # the sweep's rates are the dates experiment's default: the link need not carry them
    assert "ft_lr" not in at.query_params and at.query_params["ft_size"] == "50"


def test_picking_an_experiment_switches_the_view_and_the_url():
    at = open_page(PAGE, "en", ft_live="linear_probe", ft_size="1")
    assert "ft_exp" not in at.query_params
    at.radio(key="ft_exp@en").set_value("dates").run()
    assert_clean(at)
    assert at.query_params["ft_exp"] == "dates"
    assert at.session_state["ft_lr"] == ft.DATES_LR and "ft_lr" not in at.query_params
    assert [r for r in at.dataframe[0].value["Layer"]] == ["embed", "rnn", "head"]
    at.select_slider(key="ft_size@en").set_value("50").run()
    assert_clean(at)
    # back to digits: its own rates, and a size it offers (it has no 50)
    at.radio(key="ft_exp@en").set_value("digits").run()
    assert_clean(at)
    assert "ft_exp" not in at.query_params and "ft_lr" not in at.query_params
    assert at.session_state["ft_lr"] == ft.DEFAULT_LR and at.session_state["ft_size"] == "5"


def test_a_dates_live_run_shows_its_result_and_reproduces_the_shipped_run():
    at = open_page(PAGE, "en", ft_exp="dates", ft_live="head_lr", ft_size="1", ft_seed="2")
    live = at.dataframe[3].value.iloc[0]
    assert live["Strategy"] == "head_lr"
    shipped = next(
        r["accuracy"]
        for r in ft.load_date_results()["runs"]
        if r["strategy"] == "head_lr" and r["per_class"] == 1 and r["seed"] == 2
    )
    assert live["Live test accuracy"] == live["Shipped, same seed"] == f"{100 * shipped:.1f}%"
    # the accuracy per target format, one row per format
    per_format = at.dataframe[4].value  # after the shipped sweep's table and its per-format table
    assert len(per_format) == len(ft.TARGET_FORMATS) and list(per_format.columns)[1:] == ["head_lr"]
    shipped_per_format = at.dataframe[2].value
    assert list(shipped_per_format.columns)[1:] == list(ft.STRATEGIES)


@pytest.mark.parametrize(
    ("params", "exp", "size"),
    [
        ({"ft_exp": "imagenet"}, "digits", "5"),
        ({"ft_exp": "dates" * 1000}, "digits", "5"),
        ({"ft_exp": "digits", "ft_size": "50"}, "digits", "5"),  # 50 is a dates size only
        ({"ft_exp": "dates", "ft_size": "1000"}, "dates", "5"),
    ],
)
def test_a_bad_experiment_link_is_ignored(params, exp, size):
    at = open_page(PAGE, "en", ft_live="", **params)
    assert at.session_state["ft_exp"] == exp and at.session_state["ft_size"] == size
    assert at.toast, "a note says the link's value was ignored"


def test_the_chinese_dates_view_shows_no_english_words():
    at = open_link(
        PAGE, "zh", params={"ft_exp": "dates", "ft_live": "scratch,linear_probe", "ft_size": "all"}
    )
    assert not at.exception, [e.value for e in at.exception]
    found = {text: english_words(text) for text in page_texts(at) if english_words(text)}
    assert not found


def test_the_experiment_survives_a_language_switch():
    at = open_page(PAGE, "en", ft_exp="dates", ft_live="linear_probe", ft_size="50")
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert_clean(at)
    assert at.session_state["ft_exp"] == "dates" and at.session_state["ft_size"] == "50"
    assert at.radio(key="ft_exp@zh").value == "dates"
    assert at.query_params["ft_exp"] == "dates"
