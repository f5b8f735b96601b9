"""A Chinese page is written in Chinese: no English word outside code and proper names.

Every page is opened in Chinese at its default view and at one other state (``OTHER_STATES``: a link
that changes what the page shows), every text the visitor can read is collected (titles, Markdown,
captions, alerts, widget labels, options and help, tab and expander labels, metric labels, table
headers and text cells, chart titles and legend values), code, formulas and quotes of the notes are taken
out (code spans, ``$...$``, link targets, icons, blockquotes), and what is left must hold no Latin-script
word but the proper names, units and symbols of ``ALLOWED`` (and capitalised abbreviations: AUC, SGD).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pandas as pd
import pytest

from tests.apptest import open_link
from ui.navigation import PAGES

# A link per page that changes what it shows (URL keys as the page writes them).
OTHER_STATES: dict[str, dict[str, str]] = {
    "home": {},
    "notes": {"claim": "no-such-claim", "notes_chapter": "all"},  # every claim of the catalog
    "attention": {
        "att_tab": "local",
        "att_model": "luong-general",
        "att_local_mode": "local-m",
        "att_pg_score": "general",
        "att_text": "2026年11月27日",
    },
    # a chain that breaks, bad sizes for repeat, repeat_interleave without dim, the expand grid
    "pytorch_basics": {
        "pb_chain": "Flatten\nLinear(12, 6)\nBatchNorm1d(5)",
        "pb_chain_input": "2, 3, 4",
        "pb_repeat": "2",
        "pb_ri_dim": "None",
        "pb_op": "expand",
    },
    "normalization": {"norm_layout": "sequence", "norm_n": "1", "norm_l": "1"},
    "finetune": {
        "ft_strategy": "discriminative",
        "ft_live": "full,linear_probe,discriminative",
        "ft_size": "all",
    },
    "losses": {"ls_outliers": "20", "ls_scale": "1000", "ls_ce_reduction": "none", "ls_ce_smoothing": "0.3"},
    "optimizers": {"form": "amsgrad", "opt": "SGD,Adadelta,AdamW", "surface": "quadratic"},
    "metrics": {
        "metrics_example": "imbalanced",
        "metrics_view": "pr",
        "metrics_calibration_strategy": "quantile",
        "metrics_bootstrap": "True",
        "metrics_constraint": "top_fraction",
    },
}

# Proper names (libraries, people, models, APIs written as names), units and symbols a Chinese text keeps.
ALLOWED = {
    # libraries and tools
    "Python",
    "PyTorch",
    "torch",
    "scikit",
    "learn",
    "sklearn",
    "NumPy",
    "numpy",
    "SciPy",
    "scipy",
    "pandas",
    "Streamlit",
    "Altair",
    "Parquet",
    "DuckDB",
    "Spark",
    "MXNet",
    "Gluon",
    "OpenBLAS",
    "Playwright",
    "Chromium",
    # people and methods named after them
    "Bahdanau",
    "Luong",
    "Nesterov",
    "Adam",
    "AdamW",
    "AdaGrad",
    "Adagrad",
    "AdaDelta",
    "Adadelta",
    "RMSProp",
    "RMSprop",
    "Nadam",
    "NAdam",
    "Youden",
    "DeLong",
    "Hanley",
    "McNeil",
    "Kolmogorov",
    "Smirnov",
    "Huber",
    "Hinge",
    "hinge",
    "Brier",
    "Platt",
    "Gini",
    "Matthews",
    "Cohen",
    "Kappa",
    "McClish",
    "Holm",
    "Xavier",
    "Kaiming",
    "He",
    "Glorot",
    "Bengio",
    "Cho",
    "Kingma",
    "Ba",
    "Ioffe",
    "Szegedy",
    "Wu",
    "Loshchilov",
    "Hutter",
    "Dozat",
    "Zeiler",
    "Duchi",
    "Hinton",
    "Tieleman",
    "Vapnik",
    "Kiros",
    "Santurkar",
    "Goyal",
    "AdaBoost",
    "Freund",
    "Schapire",
    "Vickers",
    "Elkin",
    "Efron",
    "Friedman",
    "Hastie",
    "Tibshirani",
    "Servedio",
    "Long",
    "Guo",
    "Lin",
    "Himmelblau",
    "Reddi",
    "Kale",
    "Kumar",
    "Sutskever",
    "AMSGrad",
    "Delta",
    "Polyak",
    "Robbins",
    "Monro",
    "Jacobs",
    "Rprop",
    "Riedmiller",
    "Braun",
    "Dauphin",
    "Wilson",
    "Keskar",
    "Socher",
    "Howard",
    "Ruder",
    "Devlin",
    "Xu",
    "REINFORCE",
    # models, datasets and API names used as names
    "ULMFiT",
    "ResNet",
    "BERT",
    "LLaMA",
    "Bert",
    "ImageNet",
    "LayerNorm",
    "BatchNorm",
    "GroupNorm",
    "InstanceNorm",
    "RMSNorm",
    "ModuleList",
    "ModuleDict",
    "Sequential",
    "Transformer",
    "seq2seq",
    "softmax",
    "sigmoid",
    "tanh",
    "ReLU",
    "GELU",
    "logit",
    "logits",
    "maxout",
    "Maxout",
    "Sobol",
    "Rosenbrock",
    "Rastrigin",
    "Beale",
    # units
    "ms",
    "MB",
    "GB",
    "KB",
    "kB",
}
_CODE = [
    re.compile(r"^\s*>.*$", re.M),  # blockquotes: the notes' own words, quoted (ui.notes.blockquote)
    re.compile(r"```.*?```", re.S),  # fenced code
    re.compile(r"`[^`]*`"),  # code spans
    re.compile(r"\$\$.*?\$\$", re.S),  # display formulas
    re.compile(r"\$[^$]*\$"),  # inline formulas
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"https?://\S+"),
    re.compile(r":material/[a-z_]+:"),  # icons
    re.compile(r"<[^>]+>"),  # HTML tags
]
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*[A-Za-z0-9]")  # seq2seq is one word, repeat_interleave too
_ABBREVIATION = re.compile(r"^[A-Z][A-Z0-9]{0,6}s?$")  # AUC, SGD, CSV, KS, PR, ROC, TPRs
_TEXT_FIELDS = {"label", "body", "help", "placeholder", "options", "caption", "title", "text", "default"}


def _proto_texts(message) -> Iterator[str]:
    for field, value in message.ListFields():
        repeated = isinstance(value, (list, tuple)) or type(value).__name__.startswith("Repeated")
        values = list(value) if repeated else [value]
        for item in values:
            if hasattr(item, "ListFields"):
                yield from _proto_texts(item)
            elif field.name in _TEXT_FIELDS and isinstance(item, str):
                yield item


def _chart_texts(spec: dict, datasets: dict[str, pd.DataFrame]) -> Iterator[str]:
    """Titles anywhere in a Vega-Lite spec, and the values of the nominal fields a legend shows."""
    stack: list = [spec]
    legend_fields = set()
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    yield value
                elif key == "title" and isinstance(value, list):
                    yield from (v for v in value if isinstance(v, str))
                elif key in ("color", "strokeDash", "shape") and isinstance(value, dict) and "field" in value:
                    legend_fields.add(value["field"])
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    for frame in datasets.values():
        for column in legend_fields & set(frame.columns):
            yield from (v for v in frame[column].unique() if isinstance(v, str))


def _frame_texts(frame: pd.DataFrame) -> Iterator[str]:
    yield from (str(c) for c in frame.columns)
    for column in frame.columns:
        if frame[column].dtype == object:
            yield from (v for v in frame[column].unique()[:200] if isinstance(v, str))


def _dot_texts(dot: str) -> Iterator[str]:
    """The labels of a Graphviz chart: quoted ones as written, HTML-like ones with their tags taken out."""
    for match in re.finditer(r"label\s*=\s*", dot):
        rest = dot[match.end() :]
        if rest.startswith('"'):
            end = re.search(r'(?<!\\)"', rest[1:])
            label = rest[1 : 1 + end.start()] if end else rest[1:]
            yield label.replace("\\n", " ")  # DOT's line break
        elif rest.startswith("<"):
            depth = 0
            for end, ch in enumerate(rest):
                depth += {"<": 1, ">": -1}.get(ch, 0)
                if depth == 0:
                    yield html.unescape(re.sub(r"<[^>]*>", " ", rest[1:end]))
                    break


def _walk(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def page_texts(at) -> Iterator[str]:
    """Every text the visitor can read on the page (code blocks and the language switch left out)."""
    for node in _walk(at._tree):
        kind = type(node).__name__
        proto = getattr(node, "proto", None)
        if kind in ("Code", "Latex") or proto is None:
            continue
        if kind == "Radio" and getattr(node, "key", None) == "lang":
            continue  # "Language / 语言", English / 中文: the switch speaks both on purpose
        if kind == "Dataframe":
            yield from _frame_texts(node.value)
            continue
        if getattr(node, "type", None) == "graphviz_chart":
            yield from _dot_texts(proto.spec)
            continue
        if getattr(node, "type", None) == "arrow_vega_lite_chart" or kind == "UnknownElement":
            spec = getattr(proto, "spec", None)
            if spec:
                yield from _chart_texts(json.loads(spec), {})
            continue
        yield from _proto_texts(proto)


# Streamlit's Markdown directives: a badge (st.badge's Markdown) and small text; their text is read, the
# directive's name (a colour, "small") not
_BADGE = re.compile(r":(?:[a-z]+-badge|small)\[([^\]]*)\]")


def english_words(text: str) -> list[str]:
    text = _BADGE.sub(r" \1 ", text)
    for pattern in _CODE:
        text = pattern.sub(" ", text)
    return [word for word in _WORD.findall(text) if word not in ALLOWED and not _ABBREVIATION.match(word)]


def _cases() -> list[tuple[str, dict[str, str]]]:
    cases = []
    for spec in PAGES:
        cases.append((spec.slug, {}))
        if OTHER_STATES[spec.slug]:
            cases.append((spec.slug, OTHER_STATES[spec.slug]))
    return cases


def test_every_page_has_another_state_to_check():
    assert set(OTHER_STATES) == {spec.slug for spec in PAGES}


@pytest.mark.parametrize(
    ("slug", "params"), _cases(), ids=lambda v: v if isinstance(v, str) else ("link" if v else "default")
)
def test_a_chinese_page_shows_no_english_words(slug, params):
    path = next(spec.path for spec in PAGES if spec.slug == slug)
    at = open_link(path, "zh", params=params)
    assert not at.exception, [e.value for e in at.exception]
    found = {}
    for text in page_texts(at):
        words = english_words(text)
        if words:
            found[text[:120]] = words
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
