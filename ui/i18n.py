"""English and Chinese strings for every page.

Strings live in ``locales/<lang>/<namespace>.json``; a key is ``"<namespace>.<name>"``
(``t("home.title")`` reads ``locales/en/home.json["title"]``). One JSON file per page keeps
pages independent. ``tests/test_i18n.py`` checks that both languages have the same keys and
the same ``{placeholders}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import streamlit as st

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES: dict[str, str] = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"
_STATE_KEY = "lang"


@cache
def load_strings(lang: str) -> dict[str, str]:
    """All strings of one language, flattened to ``namespace.name`` keys."""
    strings: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.json")):
        with path.open(encoding="utf-8") as f:
            for name, text in json.load(f).items():
                strings[f"{path.stem}.{name}"] = text
    return strings


def language_from_locale(locale: str | None) -> str:
    """'zh-CN', 'zh_TW', 'zh' -> 'zh'; anything else (or nothing) -> 'en'."""
    if locale and locale.lower().replace("_", "-").split("-")[0] == "zh":
        return "zh"
    return DEFAULT_LANGUAGE


def current_language() -> str:
    lang = st.session_state.get(_STATE_KEY)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, /, **values: object) -> str:
    """The string ``key`` in the current language, with ``{placeholders}`` filled from ``values``."""
    text = load_strings(current_language())[key]
    return text.format(**values) if values else text


def translator(namespace: str) -> Callable[..., str]:
    """``t`` for one page's strings (``tr("title")`` reads ``<namespace>.title``), bound to this run's
    language: widgets call their format functions after the run too (AppTest does), when the session's
    language may no longer be readable."""
    strings = load_strings(current_language())

    def tr(name: str, /, **values: object) -> str:
        text = strings[f"{namespace}.{name}"]
        return text.format(**values) if values else text

    return tr


def init_language() -> str:
    """The session's language, set before ``st.navigation``: on the first visit from ``?lang=`` in the
    URL, else from the browser's locale."""
    if _STATE_KEY not in st.session_state:
        from_url = st.query_params.get(_STATE_KEY)
        st.session_state[_STATE_KEY] = (
            from_url if from_url in LANGUAGES else language_from_locale(st.context.locale)
        )
    return current_language()


def language_selector() -> str:
    """Sidebar switch English / 中文 (see :func:`mirror_language_into_url` for the URL).

    Draw it after ``st.navigation`` (and after :func:`init_language`): drawn before, the radio gets
    another widget id in a server's very first script run than in later ones, and the first click
    of the first session after a server start is lost.
    """
    lang = st.sidebar.radio(
        "Language / 语言",
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        horizontal=True,
        key=_STATE_KEY,
    )
    return lang


def mirror_language_into_url() -> None:
    """``?lang=`` follows the switch. Called after the page has run: a page that writes query
    parameters of its own after an earlier write of ``lang`` in the same run can leave the old
    ``lang`` in the browser's URL (seen with Streamlit 1.67)."""
    st.query_params[_STATE_KEY] = current_language()
