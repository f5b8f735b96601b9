"""AppTest of the loss-functions page: both languages, controls, bad input, the URL, the metrics hand-off."""

from __future__ import annotations

import pytest

from tests.apptest import assert_clean, open_page, static_tables, success_texts
from ui.i18n import load_strings

PAGE = "app_pages/losses.py"
N_CHECKS = 20  # live checks against torch / scikit-learn / scipy on the default view


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_opens_with_every_check_passing(lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang)
    assert_clean(at)
    assert at.title[0].value == strings["losses.title"]
    assert len(success_texts(at)) == N_CHECKS  # a failing check is an st.error, counted by _ok
    headers = [h.value for h in at.header]
    assert strings["losses.ce_title"] in headers and strings["losses.bce_title"] in headers
    assert strings["losses.risk_title"] in headers
    # every section has its anchor (the Notes page links to them), the same in both languages
    anchors = {h.proto.anchor for h in [*at.header, *at.subheader]}
    assert {
        "curves",
        "fits",
        "log-loss-chain",
        "regression",
        "svm",
        "risk",
        "capacity",
        "adaboost",
        "cross-entropy",
        "binary-vs-categorical",
    } <= anchors
    # the corrections stand under their sections, none folded away (the only expanders: the scripts)
    assert all(e.label == strings["common.reproduce_title"] for e in at.expander)


def test_controls_change_the_view_and_the_url():
    at = open_page(PAGE, "en")
    for name in ("zero_one", "hinge", "logistic", "exponential", "squared"):
        at.toggle(key=f"ls_show_{name}").set_value(False).run()
    assert_clean(at)
    assert load_strings("en")["losses.choose_one"] in [i.value for i in at.info]
    assert at.query_params["ls_show_hinge"] == "False"
    at.toggle(key="ls_show_hinge").set_value(True).run()
    at.slider(key="ls_m").set_value(-1.5).run()
    assert_clean(at)
    readout = static_tables(at)[0]  # the first section's readout: a static table, no data grid
    hinge_row = readout[readout.iloc[:, 1] == "hinge"].iloc[0]
    assert hinge_row["L"] == "2.5" and hinge_row.iloc[3] == "-1"
    at.slider(key="ls_delta").set_value(0.5).run()
    at.slider(key="ls_noise").set_value(0.2).run()
    at.slider(key="ls_outliers").set_value(10).run()
    at.select_slider(key="ls_svm_lam").set_value(0.1).run()
    at.slider(key="ls_reg_outliers").set_value(8).run()
    at.slider(key="ls_epochs").set_value(20).run()
    assert_clean(at)
    assert len(success_texts(at)) == N_CHECKS
    for key, value in {
        "ls_m": "-1.5",
        "ls_delta": "0.5",
        "ls_noise": "0.2",
        "ls_outliers": "10",
        "ls_svm_lam": "0.1",
        "ls_reg_outliers": "8",
        "ls_epochs": "20",
    }.items():
        assert at.query_params[key] == value, key
    assert "ls_scale" not in at.query_params  # a default stays out of the link


def test_a_link_reproduces_the_view_and_bad_values_are_ignored():
    at = open_page(
        PAGE, "en", ls_noise="0.3", ls_outliers="12", ls_svm_lam="1.0", ls_show_exponential="False", ls_m="9"
    )
    assert_clean(at)
    assert at.slider(key="ls_noise").value == pytest.approx(0.3)
    assert at.slider(key="ls_outliers").value == 12
    assert at.select_slider(key="ls_svm_lam").value == 1.0
    assert at.toggle(key="ls_show_exponential").value is False
    assert at.slider(key="ls_m").value == 0.5  # 9 is off the axis: the default is used


def test_cross_entropy_options_and_bad_input():
    at = open_page(PAGE, "en")
    strings = load_strings("en")
    at.selectbox(key="ls_ce_reduction@en").set_value("none").run()
    at.slider(key="ls_ce_smoothing").set_value(0.3).run()
    at.text_input(key="ls_ce_weight").input("1, 2, 0.5").run()
    at.number_input(key="ls_ce_ignore").set_value(2).run()
    assert_clean(at)
    assert any("torch.nn.functional.cross_entropy" in c for c in success_texts(at))
    # every target ignored: NaN in torch and here, said plainly
    at.text_input(key="ls_ce_target").input("2, 2, 2, 2").run()
    at.selectbox(key="ls_ce_reduction@en").set_value("mean").run()
    assert_clean(at)
    assert strings["losses.ce_all_ignored"] in [w.value for w in at.warning]
    # bad input: one clear sentence, the rest of the page still drawn
    at.text_area(key="ls_ce_logits").input("1, 2, 3\n4, x, 6").run()
    assert_clean(at, errors=1)
    assert "“x”" in at.error[0].value
    assert at.header[-1].value == strings["losses.bce_title"]
    at.text_area(key="ls_ce_logits").input("1, 2, 3\n4, 5").run()
    assert_clean(at, errors=1)
    assert "3, 2" in at.error[0].value
    at.text_area(key="ls_ce_logits").input("1, 2, 3\n4, 5, 6").run()
    at.text_input(key="ls_ce_target").input("0, 7").run()
    assert_clean(at, errors=1)
    at.text_input(key="ls_ce_target").input("0, 1").run()
    at.text_input(key="ls_ce_weight").input("1, -2, 1").run()
    assert_clean(at, errors=1)
    at.text_input(key="ls_ce_weight").input("").run()
    assert_clean(at)


def test_overflow_demo_warns_when_the_naive_softmax_breaks():
    at = open_page(PAGE, "en")
    strings = load_strings("en")
    assert strings["losses.overflow_nan"] not in [w.value for w in at.warning]
    at.select_slider(key="ls_scale").set_value(1000).run()
    assert_clean(at)
    assert strings["losses.overflow_nan"] in [w.value for w in at.warning]


def test_the_scores_open_on_the_metrics_page():
    at = open_page(PAGE, "en", ls_noise="0.1", ls_outliers="5")
    at.button(key="ls_open_metrics").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == load_strings("en")["metrics.title"]  # the metrics page is shown
    # the metrics page took the hand-off (and let go of it), keeping what it keeps of an upload
    assert "metrics_incoming" not in at.session_state
    kept = at.session_state["metrics_kept"]
    assert kept.name.startswith("losses page: test set")
    assert kept.models == ["hinge", "logistic (log)", "exponential", "squared"]
    assert kept.n_rows == 2000 and not kept.weighted
    for ev in kept.evaluations.values():
        assert ev.n == 2000 and 0 < ev.n_pos < ev.n
        assert 0.5 < ev.roc_auc <= 1.0  # every loss separates the clean test set better than chance


def test_the_live_computations_are_shared_by_every_visitor():
    """The curves, fits and training go through ui.compute.shared: after one visit they are stored for
    every visitor, keyed by their arguments (the page's default view)."""
    from ui.compute import is_stored
    from ui.losses import live

    open_page(PAGE, "en")
    assert is_stored(live.margin_curves)
    assert is_stored(live.residual_curves, 1.0)
    assert is_stored(live.classifier_fits, 0.0, 0)
    assert is_stored(live.svm_fit, 0.0, 0, 0.01)
    assert is_stored(live.regression_fits, 4, 1.0)
    assert is_stored(live.softmax_training, 50)
    assert is_stored(live.binary_vs_categorical)
    assert is_stored(live.risks, 0.0, 0)
    assert not is_stored(live.softmax_training, 51)


def test_every_glossary_link_of_the_page_opens_its_term_on_the_notes_page():
    """Each term of art the page links (``/notes?lang=..#glossary-<term>``) is defined in both languages and
    has its anchor on the Notes page; every term the page defines is linked from it."""
    import re

    for lang in ("en", "zh"):
        strings = load_strings(lang)
        linked = {
            m.group(1)
            for key, text in strings.items()
            if key.startswith("losses.") and "glossary_" not in key
            for m in re.finditer(rf"\(/notes\?lang={lang}#glossary-([a-z0-9_]+)\)", text)
        }
        name_key = re.compile(r"losses\.glossary_([a-z0-9_]+)_name$")
        defined = {m.group(1) for key in strings if (m := name_key.match(key))}
        assert linked == defined, sorted(linked ^ defined)
        at = open_page("app_pages/notes.py", lang)
        anchors = {h.proto.anchor for h in at.subheader}
        assert {f"glossary-{term}" for term in linked} <= anchors, sorted(linked)


def test_core_errors_are_said_in_the_pages_language():
    """core.losses raises InputError with a code and values; each has its sentence in both languages."""
    from core import losses as L
    from core.errors import InputError

    cases = [
        lambda: L.cross_entropy([[1.0, 2.0]], [0], label_smoothing=2.0),
        lambda: L.cross_entropy([[1.0, 2.0]], [5]),
        lambda: L.cross_entropy([[1.0, 2.0]], [0], reduction="avg"),
        lambda: L.classification_data(label_noise=0.9),
        lambda: L.huber(0.0, 1.0, delta=-1.0),
    ]
    for case in cases:
        with pytest.raises(InputError) as raised:
            case()
        for lang in ("en", "zh"):
            sentence = load_strings(lang)[raised.value.locale_key].format(**raised.value.values)
            assert sentence.strip() and "{" not in sentence


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_loss_has_its_formula_beside_its_curve(lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang)
    markdown = [m.value for m in at.markdown]
    margin = next(m for m in markdown if m.startswith(strings["losses.formulas_margin"]))
    residual = next(m for m in markdown if m.startswith(strings["losses.formulas_residual"]))
    for name in ("zero_one", "hinge", "logistic", "exponential", "squared"):
        assert strings[f"losses.formula_{name}"] in margin and strings[f"losses.grad_{name}"] in margin
    for name in ("squared", "absolute", "huber"):
        assert strings[f"losses.rformula_{name}"] in residual
    assert "y \\in \\{-1, +1\\}" in margin and "r = y - f" in residual


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_log_loss_chain_is_shown_and_follows_a_link(lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang, ls_noise="0.25", ls_outliers="7")
    assert_clean(at)
    assert strings["losses.chain_title"] in [h.value for h in at.subheader]
    checks = success_texts(at)
    assert any(strings["losses.chain_check_nll"] in c for c in checks)
    assert any(strings["losses.chain_check_lr"] in c for c in checks)
    assert any("sklearn.metrics.log_loss" in c for c in checks)
    nll, logistic = strings["losses.col_chain_nll"], strings["losses.col_chain_logistic"]
    table = next(d.value for d in at.dataframe if nll in d.value.columns)
    assert (table[nll] == table[logistic]).all()  # equal to the digits shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_adaboost_section_follows_a_link_and_mirrors_its_controls(lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang, ls_ab_noise="0.2", ls_ab_rounds="120")
    assert_clean(at)
    assert strings["losses.ab_title"] in [h.value for h in at.subheader]
    assert at.slider(key="ls_ab_noise").value == pytest.approx(0.2)
    assert at.slider(key="ls_ab_rounds").value == 120
    assert len(success_texts(at)) == N_CHECKS
    assert any("AdaBoostClassifier" in c for c in success_texts(at))
    at.slider(key="ls_ab_rounds").set_value(7).run()
    assert_clean(at)
    assert at.query_params["ls_ab_rounds"] == "7" and at.query_params["ls_ab_noise"] == "0.2"
    stumps = next(d.value for d in at.dataframe if strings["losses.ab_col_beta"] in d.value.columns)
    assert len(stumps) == 7


def test_the_capacity_chart_follows_the_fits_sliders():
    strings = load_strings("zh")
    at = open_page(PAGE, "zh", ls_noise="0.4", ls_outliers="30")
    assert_clean(at)
    assert strings["losses.cap_title"] in [h.value for h in at.subheader]
    assert len(success_texts(at)) == N_CHECKS
    assert any(strings["losses.cap_check_quad"] in c for c in success_texts(at))
