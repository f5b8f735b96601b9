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


def _raised_error_codes() -> dict[str, set[str]]:
    """Every ``InputError("<namespace>.<name>", message, **values)`` in core with a literal code, and the
    keyword names it is raised with (``**`` unpacking adds none)."""
    import ast
    from pathlib import Path

    from core._validation import CODES

    codes: dict[str, set[str]] = {code: set() for code in CODES}
    for path in (Path(__file__).resolve().parent.parent / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "InputError"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                codes.setdefault(node.args[0].value, set()).update(k.arg for k in node.keywords if k.arg)
    return codes


def test_every_error_core_raises_has_its_sentence_in_both_languages():
    """A page says core's error in its own language: the sentence of code ``ns.name`` is the locale
    string ``ns.error_name``, and it uses only the values the error is raised with."""
    from core.errors import InputError

    codes = _raised_error_codes()
    assert codes["common.one_of"] == {"name", "options", "got"}  # the scan reads literal calls
    for lang in ("en", "zh"):
        strings = load_strings(lang)
        for code, values in codes.items():
            key = InputError(code, "").locale_key
            assert key in strings, (lang, code)
            if values:  # literal calls: the sentence may use only what is passed
                assert _placeholders(strings[key]) <= values, (lang, code, _placeholders(strings[key]))
