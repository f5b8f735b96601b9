"""AppTest of the optimizers page: its controls, both languages, bad settings, the URL."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.optimizers import SURFACES, adam_then_sgd
from tests.apptest import assert_clean, open_page, success_texts
from ui.i18n import load_strings

PAGE = "app_pages/optimizers.py"


# shorter runs for the two comparisons that have their own step counts (keeps the suite fast)
SHORT = {"ams_steps": 300, "wd_steps": 500}
OPEN = "opt_hyperparameters_open"  # the hyperparameters' expander (ui.layout.lazy_expander)


def _open(lang: str, **params: str) -> AppTest:
    """The page with SHORT's shorter runs, unless the link sets them (in ``xp``), and the hyperparameters
    open (closed, their widgets are not drawn)."""
    state = {key: value for key, value in SHORT.items() if key not in params.get("xp", "")}
    state[OPEN] = True
    return open_page(PAGE, lang, state=state, **params)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_controls_change_the_view_without_errors(lang):
    strings = load_strings(lang)
    at = _open(lang)
    assert at.title[0].value == strings["optimizers.title"]
    assert len(success_texts(at)) >= 2  # the surface runs and the model are checked against torch.optim

    at.multiselect(key="opt_names").set_value(["Adam", "SGD", "AdamW", "Adadelta"]).run()
    assert_clean(at)
    assert "torch.optim.Adam, SGD, AdamW, Adadelta" in success_texts(at)[0]

    at.number_input(key="opt_Adam_lr").set_value(0.05).run()
    assert_clean(at)
    at.checkbox(key="opt_Adam_amsgrad").check().run()
    assert_clean(at)

    at.selectbox(key=f"opt_surface@{lang}").set_value("beale").run()
    assert_clean(at)
    # a new surface brings its own learning rates and start point
    assert at.number_input(key="opt_SGD_lr").value == SURFACES["beale"].learning_rates["SGD"]
    assert at.number_input(key="opt_x0").value == SURFACES["beale"].start[0]

    at.slider(key="opt_t").set_value(100).run()
    assert_clean(at)
    assert at.query_params["t"] == "100"
    assert at.query_params["surface"] == "beale"


def test_every_comparison_and_the_fair_mode():
    at = _open("en", steps="200")
    for form in ("nesterov", "bias", "adagrad", "amsgrad", "adamw", "momentum"):
        at.radio(key="opt_form@en").set_value(form).run()
        assert_clean(at)
        # every comparison shows its live check against torch.optim, and it passes
        expected = {
            "momentum": "torch.optim.SGD(lr=α(1-β)",
            "nesterov": "torch.optim.SGD(nesterov=True)",
            "bias": "torch.optim.Adam vs",
            "adagrad": "torch.optim.Adagrad, torch.optim.RMSprop",
            "amsgrad": "torch.optim.Adam (amsgrad",
            "adamw": "torch.optim.Adam(weight_decay), torch.optim.AdamW",
        }[form]
        assert any(expected in c and "max |diff|" in c for c in success_texts(at)), (form, success_texts(at))
    at.toggle(key="opt_fair").set_value(True).run()
    assert_clean(at)
    assert any(strings in md.value for md in at.markdown for strings in ("Best overall",))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_diverging_comparisons_say_so_and_pass_their_check(lang):
    """α = 0.05 on Rosenbrock: all momentum paths explode within ten steps. The checks compare the steps
    before that (no false "check failed"), and the page names the runs that diverged and where."""
    strings = load_strings(lang)
    at = _open(lang, steps="300", form="momentum", xp="mom_alpha:0.05")
    assert at.number_input(key="mom_alpha").value == 0.05
    marker = strings["optimizers.diverged_runs"].split("{items}")[0]
    for form in ("momentum", "nesterov"):
        at.radio(key=f"opt_form@{lang}").set_value(form).run()
        assert_clean(at)  # no st.error: no failed check
        warnings = [w.value for w in at.warning]
        assert any(marker in w for w in warnings), warnings
        label = strings[
            "optimizers.label_notes_ema" if form == "momentum" else "optimizers.label_notes_lookahead"
        ]
        step = strings["optimizers.diverged_item"].split("{step}")[0].format(name=label)
        assert any(step in w for w in warnings), warnings
        assert any("torch.optim.SGD" in c for c in success_texts(at))


def test_zh_comparisons():
    at = _open("zh", steps="150", form="amsgrad")
    assert at.radio(key="opt_form@zh").value == "amsgrad"
    at.number_input(key="ams_c").set_value(5.0).run()
    assert_clean(at)
    at.radio(key="opt_form@zh").set_value("adamw").run()
    assert_clean(at)


def test_a_bad_setting_is_reported_and_the_rest_still_runs():
    at = _open("en", steps="100")
    at.checkbox(key="opt_SGD_nesterov").check().run()  # momentum is 0
    assert not at.exception
    assert any("Nesterov momentum requires a momentum" in e.value for e in at.error)
    # the other optimizers still run and are checked
    assert any("torch.optim.Adagrad" in c for c in success_texts(at))


def test_the_url_reproduces_the_view():
    at = _open(
        "en",
        surface="himmelblau",
        opt="Adam,SGD",
        steps="300",
        t="120",
        hp="Adam.lr:0.05;SGD.momentum:0.9;Adam.amsgrad:1",
        form="bias",
        xp="mom_alpha:0.002;mom_beta:0.8;ams_c:5;ams_lr:0.01;ams_steps:200;wd_lr:0.02;wd_lambda:0.3;"
        "wd_steps:400;model_epochs:5;model_batch:32;model_lr_SGD:0.2",
    )
    assert at.selectbox(key="opt_surface@en").value == "himmelblau"
    assert at.multiselect(key="opt_names").value == ["Adam", "SGD"]
    assert at.number_input(key="opt_steps").value == 300
    assert at.slider(key="opt_t").value == 120
    assert at.number_input(key="opt_Adam_lr").value == 0.05
    assert at.number_input(key="opt_SGD_momentum").value == 0.9
    assert at.checkbox(key="opt_Adam_amsgrad").value is True
    assert at.radio(key="opt_form@en").value == "bias"
    expected = {
        "mom_alpha": 0.002,
        "mom_beta": 0.8,
        "ams_c": 5.0,
        "ams_lr": 0.01,
        "ams_steps": 200,
        "wd_lr": 0.02,
        "wd_lambda": 0.3,
        "wd_steps": 400,
        "model_lr_SGD": 0.2,
    }
    for key, value in expected.items():  # the comparisons' inputs exist only while their tab is shown
        assert at.session_state[key] == value, key
    assert at.number_input(key="model_lr_SGD").value == 0.2
    assert at.slider(key="model_epochs").value == 5
    assert at.select_slider(key="model_batch").value == 32
    # and the page writes the same view back
    assert at.query_params["hp"] == "SGD.momentum:0.9;Adam.lr:0.05;Adam.amsgrad:1"
    assert at.query_params["xp"] == (
        "mom_alpha:0.002;mom_beta:0.8;ams_c:5;ams_lr:0.01;ams_steps:200;wd_lr:0.02;wd_lambda:0.3;"
        "wd_steps:400;model_epochs:5;model_batch:32;model_lr_SGD:0.2"
    )
    # a changed input goes into the link, and back to the default drops it
    at.radio(key="opt_form@en").set_value("adamw").run()
    assert at.number_input(key="wd_lambda").value == 0.3
    at.number_input(key="wd_lambda").set_value(0.1).run()
    assert "wd_lambda" not in at.query_params["xp"] and "wd_lr:0.02" in at.query_params["xp"]


def test_a_bad_url_is_ignored_with_a_warning():
    at = _open(
        "en",
        surface="moon",
        opt="Adam,Lion",
        hp="Adam.lr:-3;Adam.nope:1;Adam.amsgrad:yes",
        steps="abc",
        xp="mom_beta:1.5;ams_steps:2.5;model_batch:7;nope:1;wd_lr:nan;mom_alpha:0.01",
    )
    warnings = " ".join(w.value for w in at.warning)
    for item in (
        "surface=moon",
        "opt=Lion",
        "hp=Adam.lr:-3",
        "hp=Adam.nope:1",
        "hp=Adam.amsgrad:yes",
        "steps=abc",
        "xp=mom_beta:1.5",
        "xp=ams_steps:2.5",
        "xp=model_batch:7",
        "xp=nope:1",
        "xp=wd_lr:nan",
    ):
        assert item in warnings, item
    assert "mom_alpha" not in warnings
    assert at.number_input(key="mom_alpha").value == 0.01
    assert at.checkbox(key="opt_Adam_amsgrad").value is False
    assert at.selectbox(key="opt_surface@en").value == "rosenbrock"
    assert at.multiselect(key="opt_names").value == ["Adam"]


def test_choices_survive_a_language_switch():
    """The translated choice widgets have a key per language (ui.state.translated_choice): the chosen
    surface and comparison carry over to the other language, and a surface change still resets the
    learning rates."""
    at = _open("en", steps="100")
    at.selectbox(key="opt_surface@en").set_value("himmelblau").run()
    at.radio(key="opt_form@en").set_value("nesterov").run()
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert_clean(at)
    assert at.selectbox(key="opt_surface@zh").value == "himmelblau"
    assert at.radio(key="opt_form@zh").value == "nesterov"
    at.selectbox(key="opt_surface@zh").set_value("beale").run()
    assert_clean(at)
    assert at.number_input(key="opt_SGD_lr").value == SURFACES["beale"].learning_rates["SGD"]
    at.sidebar.radio(key="lang").set_value("en").run()
    assert_clean(at)
    assert at.selectbox(key="opt_surface@en").value == "beale"
    assert at.query_params["surface"] == "beale" and at.query_params["form"] == "nesterov"


def test_a_link_naming_an_optimizer_twice_shows_it_once():
    at = _open("en", opt="Adam,SGD,Adam", steps="50")
    assert_clean(at)
    assert at.multiselect(key="opt_names").value == ["Adam", "SGD"]


def test_a_start_point_far_outside_the_plot_is_ignored_from_a_link():
    at = _open("en", x0="1e200", y0="-3", steps="50")
    assert_clean(at)
    assert "x0=1e200" in " ".join(w.value for w in at.warning)
    assert at.number_input(key="opt_y0").value == -3


def test_the_runs_are_shared_by_every_visitor():
    """The comparisons' runs and the heat maps go through ui.compute.shared: after one visit they are
    stored for every visitor, keyed by their arguments."""
    from ui.compute import is_stored
    from ui.optimizers import live

    surface = SURFACES["himmelblau"]
    start = (float(surface.start[0]), float(surface.start[1]))
    at = _open("en", surface="himmelblau", steps="200", form="amsgrad")
    assert_clean(at)
    assert is_stored(live.surface_grid, "himmelblau")
    assert is_stored(live.counterexample, 3.0, 0.02, SHORT["ams_steps"])
    at.radio(key="opt_form@en").set_value("momentum").run()
    assert_clean(at)
    assert is_stored(live.momentum, "himmelblau", float(surface.learning_rates["SGD"]), 0.9, 200, start)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_adam_step_comparison_and_its_link(lang):
    """form=adam_step with a scale from the link: its section's anchor, its check against torch.optim,
    and the result naming the bound."""
    at = _open(lang, steps="200", form="adam_step", xp="step_scale:1e-06")
    assert at.number_input(key="step_scale").value == 1e-6
    assert "adam-step" in {h.proto.anchor for h in at.subheader}
    assert any("torch.optim.Adam vs" in c for c in success_texts(at))
    assert any("3.16" in md.value for md in at.markdown)


def test_the_learning_rate_comparison_includes_adadelta():
    at = _open("en", steps="200", form="adagrad")
    assert any("torch.optim.Adadelta" in c for c in success_texts(at))
    assert any("Adadelta's smallest rate" in md.value for md in at.markdown)


def _glossary_links() -> dict[str, set[str]]:
    """Every glossary term the optimizers page's strings and the catalog's optimizer claims link to, per
    language."""
    import json
    import re

    from core.notes import load_claims
    from ui.i18n import LOCALES_DIR

    links: dict[str, set[str]] = {"en": set(), "zh": set()}
    pattern = re.compile(r"\(/notes\?lang=(en|zh)#glossary-([a-z0-9_]+)\)")
    locales = [json.loads((LOCALES_DIR / lang / "optimizers.json").read_text()) for lang in ("en", "zh")]
    texts = [
        *(v for strings in locales for v in strings.values()),
        *(text for c in load_claims() if c.page == "optimizers" for text in (c.en, c.zh)),
    ]
    for text in texts:
        for lang, term in pattern.findall(text):
            links[lang].add(term)
    return links


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_glossary_link_opens_its_term_on_the_notes_page(lang):
    strings = load_strings(lang)
    links = _glossary_links()[lang]
    assert links, "the page links its terms of art to the glossary"
    for term in links:
        assert f"optimizers.glossary_{term}_name" in strings, term  # defined once, on this page
    at = open_page("app_pages/notes.py", lang)
    anchors = {h.proto.anchor for h in at.subheader}
    assert {f"glossary-{term}" for term in links} <= anchors, sorted(links)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_batch_size_section_and_its_link(lang):
    """The batch-size section from a link (2 epochs, lr 0.5): its inputs, its passing torch check."""
    at = _open(lang, xp="bs_epochs:2;bs_lr:0.5")
    assert_clean(at)
    assert at.number_input(key="bs_epochs").value == 2
    assert at.number_input(key="bs_lr").value == 0.5
    assert any("torch.optim.SGD + torch.utils.data.DataLoader" in c for c in success_texts(at))
    strings = load_strings(lang)
    assert any(h.value == strings["optimizers.bs_title"] for h in at.header)
    at.number_input(key="bs_epochs").set_value(3).run()
    assert_clean(at)
    assert "bs_epochs:3" in at.query_params["xp"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_noisy_ravine_section_and_its_link(lang):
    at = _open(lang, xp="rv_lr:0.05;rv_beta:0.8;rv_noise:2;rv_steps:500;rv_seed:7")
    assert_clean(at)
    assert at.number_input(key="rv_noise").value == 2.0
    assert at.number_input(key="rv_seed").value == 7
    assert any("torch.optim.SGD, torch.optim.SGD(momentum=β)" in c for c in success_texts(at))
    at.number_input(key="rv_noise").set_value(0.5).run()
    assert_clean(at)
    assert "rv_noise:0.5" in at.query_params["xp"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_adam_then_sgd_section_and_its_link(lang):
    at = _open(lang, xp="sw_epochs:12;sw_switch:4;sw_sgd_lr:0.2;sw_seed:3")
    assert_clean(at)
    assert at.number_input(key="sw_switch").value == 4
    assert at.number_input(key="sw_seed").value == 3
    assert any("torch.optim.Adam → torch.optim.SGD" in c for c in success_texts(at))
    strings = load_strings(lang)
    assert any(h.value == strings["optimizers.sw_title"] for h in at.header)
    # SWATS's own test along the Adam run, as core measures it (the Adam run ignores k and SGD's lr)
    sw = adam_then_sgd(0, epochs=12, adam_lr=0.01, sgd_lr=1.0, seed=3)
    assert sw.swats_step is None
    never = strings["optimizers.sw_swats_never"].split("{rule}")[1].split("{updates}")[0]
    swats = [m.value for m in at.markdown if never in m.value]
    assert len(swats) == 1 and f"{sw.swats_min_gap:.2g}" in swats[0] and str(sw.updates) in swats[0]
    at.number_input(key="sw_switch").set_value(20).run()  # after the last epoch: Adam throughout, no error
    assert_clean(at)
    assert "sw_switch:20" in at.query_params["xp"]


def test_the_hyperparameters_are_drawn_only_while_open_and_keep_their_values():
    at = open_page(PAGE, "en", state=SHORT, section="runs")
    assert_clean(at)
    assert not [n for n in at.number_input if n.key == "opt_Adam_lr"]  # closed: not drawn
    at.session_state[OPEN] = True
    at.session_state["lang"] = "en"
    at.run()
    at.number_input(key="opt_Adam_lr").set_value(0.05).run()
    at.session_state[OPEN] = False
    at.run()
    assert not [n for n in at.number_input if n.key == "opt_Adam_lr"]
    assert "Adam.lr:0.05" in at.query_params["hp"]  # the closed widget's value still drives the view
    at.session_state[OPEN] = True
    at.run()
    assert at.number_input(key="opt_Adam_lr").value == 0.05
