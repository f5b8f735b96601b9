"""The score reader's errors in the page's language: every ``ScoreFileError("metrics.<name>", ...)`` raised in
core has its sentence ``metrics.error_<name>`` in both languages, using only the values it is raised with
(``tests/test_i18n.py`` does the same for ``InputError(...)`` calls), and an upload's error is said in Chinese
on the Chinese page."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from core.metrics import _sniff
from core.scores import ScoreFileError, load_scores
from tests.apptest import open_page
from ui.i18n import load_strings

CORE = Path(__file__).resolve().parents[2] / "core" / "metrics"
# codes built from a name (f"metrics.no_{role}_column"): every name they are raised with
DYNAMIC = {
    "metrics.{kind}": {f"metrics.{kind}" for _magic, kind, _what in _sniff._MAGIC},
    "metrics.no_{role}_column": {f"metrics.no_{role}_column" for role in ("label", "score", "weight")},
    "metrics.score_is_{role}": {"metrics.score_is_label", "metrics.score_is_weight"},
    "code": {"metrics.width", "metrics.width_decimal_comma"},  # width_error: a variable named code
    "metrics.cell_{role}_{problem}": {
        f"metrics.cell_{role}_{problem}"
        for role in ("score", "weight")
        for problem in ("empty", "missing", "infinite", "not_number", "decimal_comma")
    },
}


def _template(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):  # a code chosen before the call: DYNAMIC names its values
        return node.id
    if isinstance(node, ast.JoinedStr):
        parts = [
            v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}" for v in node.values
        ]
        return "".join(parts)
    return None


def _coded_calls() -> dict[str, set[str]]:
    """Each code ``ScoreFileError(code, message, **values)`` is raised with, and its keyword names."""
    codes: dict[str, set[str]] = {}
    for path in CORE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "ScoreFileError"
                and len(node.args) == 2
            ):
                template = _template(node.args[0])
                assert template is not None, ast.unparse(node)
                assert template.startswith("metrics.") or template in DYNAMIC, ast.unparse(node)
                for code in DYNAMIC.get(template, {template}):
                    codes.setdefault(code, set()).update(k.arg for k in node.keywords if k.arg)
    return codes


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_coded_score_file_error_has_its_sentence_in_both_languages():
    codes = _coded_calls()
    assert len(codes) > 30 and "metrics.one_class" in codes and "metrics.looks_like_pdf" in codes
    for lang in ("en", "zh"):
        strings = load_strings(lang)
        for code, values in codes.items():
            key = ScoreFileError(code, "").locale_key
            assert key in strings, (lang, code)
            assert _placeholders(strings[key]) <= values, (lang, code, _placeholders(strings[key]), values)


def test_a_coded_error_keeps_its_english_message_and_an_uncoded_one_its_text():
    with pytest.raises(ScoreFileError, match="only one value") as caught:
        load_scores(b"label,score\n1,0.5\n1,0.7\n")
    assert caught.value.code == "metrics.one_class"
    assert caught.value.values == {"column": "'label'", "value": "'1'", "rows": "2"}
    with pytest.raises(ScoreFileError, match=r"row 2 \(line 3 of the file\)") as caught:
        load_scores(b"label,score\n1,0.5\n0,abc\n0,0.2\n")
    assert caught.value.code == "metrics.cell_score_not_number"
    assert caught.value.values == {"column": "'score'", "row": "2", "value": "'abc'"}
    assert str(ScoreFileError("a sentence")) == "a sentence"
    assert ScoreFileError("a sentence").code == "metrics.score_file"  # no locale sentence: shown as it is
    assert "metrics.error_score_file" not in load_strings("en")


def test_an_upload_error_is_said_in_the_pages_language():
    at = open_page("app_pages/metrics.py", "zh")
    at.segmented_control(key="metrics_source").set_value("upload").run()
    at.file_uploader(key="metrics_upload").upload("one.csv", b"label,score\n1,0.5\n1,0.7\n", "text/csv").run()
    zh = load_strings("zh")["metrics.error_one_class"].format(column="'label'", value="'1'", rows="2")
    assert any(zh in e.value for e in at.error), [e.value for e in at.error]
