"""Both languages complete: same keys, same placeholders, no empty string."""

import json
import string

import pytest

from ui.i18n import LOCALES_DIR, language_from_locale, load_strings


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_same_files_in_both_languages():
    en = sorted(p.name for p in (LOCALES_DIR / "en").glob("*.json"))
    zh = sorted(p.name for p in (LOCALES_DIR / "zh").glob("*.json"))
    assert en == zh


def test_same_keys_and_placeholders():
    en, zh = load_strings("en"), load_strings("zh")
    assert set(en) == set(zh), sorted(set(en) ^ set(zh))
    for key in en:
        assert en[key].strip() and zh[key].strip(), key
        assert _placeholders(en[key]) == _placeholders(zh[key]), key


@pytest.mark.parametrize(
    "path", sorted(LOCALES_DIR.glob("*/*.json")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_locale_files_are_flat_string_maps(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert all(isinstance(v, str) for v in data.values())


@pytest.mark.parametrize(
    ("locale", "lang"),
    [("zh-CN", "zh"), ("zh_TW", "zh"), ("ZH", "zh"), ("en-US", "en"), ("de", "en"), (None, "en"), ("", "en")],
)
def test_language_from_browser_locale(locale, lang):
    assert language_from_locale(locale) == lang
