"""AppTest of the PyTorch basics page: both languages, every live check passes, controls, bad input, URL."""

from __future__ import annotations

import pytest

from tests.apptest import assert_clean, open_page, success_texts
from ui.i18n import load_strings

PAGE = "app_pages/pytorch_basics.py"
CODE_OPEN = "pb_code_open"  # the notes' code sample's expander (ui.layout.lazy_expander)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_runs_and_every_live_check_passes(lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang)
    assert_clean(at)
    assert at.title[0].value == strings["pytorch_basics.title"]
    checks = success_texts(at)
    # training (2), chain + broken chain (2), the four maps (1), the notes' sample (2), chain ok (1)
    assert len(checks) == 8, checks
    assert any(strings["pytorch_basics.check_frozen"] in c for c in checks)
    # the broken example is shown as a warning with torch's own error text in a code block
    assert [w.value for w in at.warning] == [
        strings["pytorch_basics.chain_broken"].format(index=3, layer="Linear(31, 10)")
    ]
    codes = [c.value for c in at.code]
    assert "RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x32 and 31x10)" in codes
    # the notes' code sample is drawn only while its expander is open (its highlighter is the frontend's
    # biggest chunk after Plotly's: a first visit does not load it)
    sample = strings["pytorch_basics.code_sample"]
    assert sample not in codes
    at.session_state[CODE_OPEN] = True
    at.run()
    assert_clean(at)
    assert sample in [c.value for c in at.code]
    # the facts table is read from torch: the list model holds 2 parameter tensors, the others 4
    table = at.table[0].value
    kinds = ("list", "modulelist", "sequential", "moduledict")
    assert list(table.columns) == [strings[f"pytorch_basics.kind_{k}"] for k in kinds]
    if lang == "en":
        assert list(table.columns) == ["Python list", "nn.ModuleList", "nn.Sequential", "nn.ModuleDict"]
    cell = strings["pytorch_basics.n_tensors"].format
    assert table.iloc[0].tolist() == [cell(n=2, count="330")] + [cell(n=4, count="2,410")] * 3


def test_maps_follow_the_controls_and_the_url():
    at = open_page(PAGE, "en")
    at.text_input(key="pb_in_shape").set_value("2, 1, 3").run()
    at.text_input(key="pb_expand").set_value("2, 2, 4, 3").run()
    at.text_input(key="pb_ri_repeats").set_value("2").run()
    at.selectbox(key="pb_ri_dim").set_value("None").run()
    assert_clean(at)
    checks = success_texts(at)
    assert any("x.expand(2, 2, 4, 3)" in c for c in checks)
    assert any("x.repeat_interleave(torch.tensor([2]), dim=None)" in c for c in checks)
    assert at.query_params["pb_in_shape"] == "2, 1, 3"
    assert at.query_params["pb_ri_dim"] == "None"
    for op in ("repeat_interleave", "tile", "expand", "repeat"):
        at.radio(key="pb_op").set_value(op).run()
        assert_clean(at)
        assert len(at.code) >= 3  # the chosen call is shown as code
    assert "pb_op" not in at.query_params  # back at the default
    at.radio(key="pb_op").set_value("expand").run()
    assert at.query_params["pb_op"] == "expand"
    assert any("x.expand(2, 2, 4, 3)" == c.value for c in at.code)
    # an invalid shape, then a valid one again: the other inputs kept their values
    at.text_input(key="pb_in_shape").set_value("2, 5").run()
    assert_clean(at, errors=None)
    assert any("use whole numbers from 1 to 4" in e.value for e in at.error)
    at.text_input(key="pb_in_shape").set_value("2, 1, 3").run()
    assert_clean(at)
    assert at.text_input(key="pb_expand").value == "2, 2, 4, 3"
    # a link reproduces the view
    linked = open_page(PAGE, "en", pb_in_shape="3", pb_repeat="2, 2", pb_tile="3")
    assert_clean(linked)
    assert linked.text_input(key="pb_in_shape").value == "3"
    assert any("x.repeat(2, 2)" in c for c in success_texts(linked))
    assert any(linked.info), "more sizes than dimensions is explained"


def test_bad_input_gets_a_sentence_and_the_page_stays_usable():
    at = open_page(PAGE, "en")
    at.text_input(key="pb_repeat").set_value("2").run()  # fewer sizes than dimensions
    assert_clean(at, errors=None)
    assert any("at least one size per dimension" in e.value for e in at.error)
    at.text_input(key="pb_in_shape").set_value("2, nine").run()
    assert_clean(at, errors=None)
    assert any("not a whole number" in e.value for e in at.error)
    at.text_area(key="pb_chain").set_value("Linear(64, 32)\nConv9(3)").run()
    assert_clean(at, errors=None)
    assert any("is not one of the known layers" in e.value for e in at.error)
    at.text_input(key="pb_chain_input").set_value("8, 0").run()
    assert_clean(at, errors=None)
    assert any("sizes are whole numbers from 1 to 4096" in e.value for e in at.error)
    # the rest of the page is still drawn, down to its last section
    assert at.header[-1].value == load_strings("en")["pytorch_basics.sample_title"]


def test_a_user_chain_that_breaks_is_located():
    at = open_page(PAGE, "en")
    at.text_area(key="pb_chain").set_value("Flatten\nLinear(12, 6)\nBatchNorm1d(5)").run()
    at.text_input(key="pb_chain_input").set_value("2, 3, 4").run()
    assert_clean(at)
    assert len(at.warning) == 2  # the user's chain and the fixed example
    assert "layer 3, BatchNorm1d(5)" in at.warning[0].value
    assert any("running_mean should contain 6 elements not 5" in c.value for c in at.code)


def test_training_on_the_other_dataset():
    at = open_page(PAGE, "en")
    at.selectbox(key="pb_dataset@en").set_value("breast_cancer").run()
    at.slider(key="pb_epochs").set_value(30).run()
    assert_clean(at)
    assert at.query_params["pb_dataset"] == "breast_cancer"
    assert at.query_params["pb_epochs"] == "30"
    result = [m.value for m in at.markdown if "bit for bit the same" in m.value]
    assert result and "(426 training, 143 test samples)" in result[0]
