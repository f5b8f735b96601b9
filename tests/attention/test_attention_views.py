"""The attention page's views (ui.attention): the input, the tables, the step view, the playground's checks
against torch, outside Streamlit's script runner."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import torch

from core.attention import count_parameters, parse_vector
from ui import attention as att
from ui.i18n import load_strings

EN = load_strings("en")


def test_read_input_finds_the_date_and_its_split():
    entry = att.read_input("27 Nov 2026")
    assert entry.error is None and entry.truth == dt.date(2026, 11, 27)
    assert entry.split in (EN["attention.split_heldout"], EN["attention.split_train"])
    assert entry.ok("2026-11-27") is True and entry.ok("2026-11-28") is False
    unknown = att.read_input("hello")
    assert unknown.error is None and unknown.truth is None and unknown.ok("2026-11-27") is None
    empty = att.read_input("   ")
    assert empty.error == EN["attention.input_empty"]


def test_shipped_tables_show_the_shipped_accuracies_with_two_decimals():
    results = att.shipped_results()["dates"]
    frame = att.by_format_frame()
    assert frame.shape == (len(att.DATE_FORMATS), 1 + len(att.MAIN_VARIANTS) + len(att.LOCAL_VARIANTS))
    first = att.DATE_FORMATS[0].template
    assert frame.iloc[0][att.label("bahdanau")] == f"{100 * results['bahdanau']['per_format'][first]:.2f}%"
    models = att.all_models_frame(att.read_input("27 Nov 2026"))
    assert list(models[EN["attention.col_model"]]) == [
        att.label(v) for v in (*att.MAIN_VARIANTS, *att.LOCAL_VARIANTS)
    ]
    assert set(models[EN["attention.col_right"]]) <= {"✓", "✗"}


def test_step_view_of_the_baseline_has_one_context_for_every_step():
    expl = att.explain_shipped("dates", "none", "27 nov 2026")
    view = att.step_view("none", expl, 1)
    assert view.weights is None
    assert float(view.context_same) == 0.0  # c = [h→_S; h←_1] at every step
    assert len(view.top) == 3 and view.context_size == expl.contexts.shape[1]


def test_long_demo_counts_the_characters_in_the_right_place():
    demo = att.long_demo("reverse", 12, 5)
    digits = "".join(map(str, np.random.default_rng(5).integers(0, 10, 12)))
    assert demo.code.endswith(digits[::-1])
    for (_, output, right), variant in zip(demo.outputs, att.LONG_VARIANTS, strict=True):
        shipped = att.explain_shipped("reverse", variant, digits).output
        assert output == (shipped or "∅")
        hits = sum(a == b for a, b in zip(shipped, digits[::-1], strict=False))
        assert right == EN["attention.long_right_chars"].format(right=hits, n=12)


def test_local_parameters_are_the_modules_numel():
    frame = att.local_parameters_frame()
    counts = list(frame[EN["attention.col_parameters"]])
    for count, variant in zip(counts[1:], att.LOCAL_VARIANTS, strict=True):
        module = att.shipped_model("dates", variant).decoder.attention
        assert count == sum(p.numel() for p in module.parameters()) == count_parameters(module)


@pytest.mark.parametrize("score", ["additive", "dot", "general", "concat"])
def test_playground_view_agrees_with_torch(score):
    query, keys = "1, 0, -1", "1, 2, 0\n0, 1, 1\n-1, 0, 2"
    view = att.playground_view(score, query, keys, 3)
    assert not isinstance(view, str)
    assert len(view.checks) == (2 if score == "dot" else 1)
    assert all(diff <= 1e-12 for _, diff in view.checks)
    if score == "dot":  # softmax(q k_s) by torch, independently of the page
        q = torch.tensor(parse_vector(query, 3), dtype=torch.float64)
        k = torch.tensor([parse_vector(line, 3) for line in keys.splitlines()], dtype=torch.float64)
        weights = torch.softmax(k @ q, dim=0).numpy()
        np.testing.assert_allclose(view.compare[EN["attention.pg_hand_weight"]], weights, rtol=0, atol=1e-12)


def test_playground_view_names_the_first_problem():
    assert att.playground_view("dot", "1, 0, -1", "", 3) == EN["attention.pg_keys_count"].format(n=0)
    problem = att.playground_view("dot", "1, two, -1", "1, 2, 0", 3)
    assert isinstance(problem, str) and "two" in problem
