"""AppTest: every page runs without an exception, in both languages."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import load_strings
from ui.navigation import PAGES

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _run(lang: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.slug)
def test_every_page_runs(spec, lang):
    at = _run(lang, spec.path)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_home_links_every_topic_in_the_chosen_language():
    at = _run("zh")
    assert at.title[0].value == load_strings("zh")["common.app_title"]
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == load_strings("en")["common.app_title"]
