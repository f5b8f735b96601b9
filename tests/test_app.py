"""AppTest: every page runs without an exception, in both languages."""

import pytest

from tests.apptest import open_page
from ui.i18n import load_strings
from ui.navigation import HOME, PAGES


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.slug)
def test_every_page_runs(spec, lang):
    open_page(spec.path, lang)  # asserts no exception and no st.error


def test_home_links_every_topic_in_the_chosen_language():
    at = open_page(HOME.path, "zh")
    assert at.title[0].value == load_strings("zh")["common.app_title"]
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == load_strings("en")["common.app_title"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_link_value_the_page_cannot_use_is_ignored_with_a_note(lang):
    at = open_page("app_pages/finetune.py", lang, ft_seed="inf", ft_size="1e308")
    assert at.session_state["ft_seed"] == 0 and at.session_state["ft_size"] == "5"  # the defaults
    notes = [toast.value for toast in at.toast]
    for key in ("ft_seed", "ft_size"):
        assert load_strings(lang)["common.link_value_ignored"].format(key=key) in notes
