"""AppTest of the normalization page: every section in both languages, its controls, the URL, bad
links, and the live retrain of one cell."""

from __future__ import annotations

import re

import pytest

from core import normalization as nz
from core.notes import load_claims
from tests.apptest import assert_clean, open_page, static_tables, success_texts
from ui.i18n import load_strings
from ui.normalization import TOLERANCE

PAGE = "app_pages/normalization.py"
CORRECTION_ICON = ":material/fact_check:"  # ui.layout.notes_corrections' boxes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_runs_and_every_check_passes(lang):
    strings = load_strings(lang)
    at = open_page(PAGE, lang)
    assert at.title[0].value == strings["normalization.title"]
    checks = success_texts(at)
    # explorer, epsilon, running statistics, padded sequences: all checked live against torch
    assert len(checks) == 4
    assert "torch.nn.BatchNorm2d, LayerNorm, GroupNorm, InstanceNorm2d, RMSNorm" in checks[0]
    # no impossible-size warning (the notes' corrections beside their sections are not warnings of ours)
    assert not [w.value for w in at.warning if w.icon != CORRECTION_ICON]
    headers = [h.value for h in at.header]
    for key in ("explorer_title", "sig_title", "eps_title", "running_title", "sweep_title", "nlp_title"):
        assert strings[f"normalization.{key}"] in headers


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_notes_corrections_stand_beside_their_sections(lang):
    """Every claim of the notes this page corrects (verdict not "right") is drawn, visible, under its
    section, with a link to the claim on the Notes page; the old folded "about the notes" box is gone."""
    at = open_page(PAGE, lang)
    boxes = [b.value for kind in ("warning", "info") for b in at.get(kind) if b.icon == CORRECTION_ICON]
    corrected = [c for c in load_claims() if c.page == "normalization" and c.verdict != "right"]
    assert corrected and len(boxes) == len(corrected)
    for claim in corrected:
        text = claim.zh if lang == "zh" else claim.en
        assert any(text in box and f"claim={claim.id}" in box for box in boxes), claim.id
    anchors = {h.proto.anchor for kind in ("header", "subheader") for h in at.get(kind)}
    assert {c.anchor for c in corrected} <= anchors


def test_glossary_links_open_their_terms_on_the_notes_page():
    """Every glossary link in the page's strings names a term defined in both languages, and the Notes page
    has its anchor."""
    links = set()
    for lang in ("en", "zh"):
        strings = load_strings(lang)
        texts = [v for k, v in strings.items() if k.startswith("normalization.")]
        texts += [c.en if lang == "en" else c.zh for c in load_claims() if c.id.startswith("norm-")]
        for text in texts:
            for link_lang, term in re.findall(r"\]\(/notes\?lang=(en|zh)#glossary-([a-z0-9_]+)\)", text):
                assert link_lang == lang, (lang, term)
                assert f"normalization.glossary_{term}_name" in strings or any(
                    k.endswith(f".glossary_{term}_name") for k in strings
                ), (lang, term)
                links.add(term)
    assert {"running_statistics", "bessel_correction", "linear_scaling_rule", "machine_epsilon"} <= links
    at = open_page("app_pages/notes.py", "en")
    anchors = {h.proto.anchor for h in at.subheader}
    assert {f"glossary-{term}" for term in links} <= anchors


def test_controls_change_the_view_and_the_url():
    at = open_page(PAGE, "en")
    at.slider(key="norm_c").set_value(6).run()
    assert_clean(at)
    assert at.selectbox(key="norm_groups").options == ["1", "2", "3", "6"]
    at.selectbox(key="norm_groups").set_value(3).run()
    assert_clean(at)
    assert at.query_params["norm_c"] == ["6"] or at.query_params["norm_c"] == "6"
    # the table of the normalizations is static; the groups' table is drawn once its expander is open
    strings = load_strings("en")
    table = static_tables(at)[0]
    assert table.iloc[:, 0].tolist() == [strings[f"normalization.kind_{k}"] for k in nz.KINDS]
    assert all(float(diff) <= TOLERANCE for diff in table[strings["normalization.col_check"]])
    assert "norm_detail@en" not in [s.key for s in at.selectbox]
    at.session_state["norm_detail_open"] = True
    at.run()
    at.selectbox(key="norm_detail@en").set_value("instance").run()
    assert_clean(at)
    detail = at.dataframe[0].value
    assert len(detail) == 2 * 6  # N x C groups of InstanceNorm
    assert detail["Mean after"].abs().max() < 1e-6
    at.radio(key="norm_layout@en").set_value("sequence").run()
    assert_clean(at)
    assert "torch.nn.BatchNorm1d, LayerNorm, GroupNorm, InstanceNorm1d, RMSNorm" in success_texts(at)[0]
    at.select_slider(key="norm_eps").set_value(1e-3).run()
    assert_clean(at)
    at.slider(key="norm_momentum").set_value(0.5).run()
    at.slider(key="norm_batch").set_value(2).run()
    assert_clean(at)
    at.toggle(key="norm_cumulative").set_value(True).run()
    assert_clean(at)
    assert len(success_texts(at)) == 4
    assert str(at.query_params.get("norm_cumulative")).strip("[]'") == "True"


def test_impossible_sizes_warn_and_the_page_stays_usable():
    # one sample of 1x1 pixels: BatchNorm has one value per channel, InstanceNorm one spatial element
    at = open_page(PAGE, "en", norm_n="1", norm_h="1", norm_w="1")
    warnings = [w.value for w in at.warning]
    assert any("BatchNorm" in w and "more than 1 value per channel" in w for w in warnings)
    assert any("InstanceNorm" in w and "spatial" in w for w in warnings)
    assert len(success_texts(at)) == 4  # the other layers are drawn and checked


def test_a_link_reproduces_the_view_and_bad_values_are_ignored():
    at = open_page(
        PAGE, "zh", norm_layout="sequence", norm_l="7", norm_d="6", norm_groups="3", norm_eps="0.001"
    )
    assert at.slider(key="norm_l").value == 7
    assert at.slider(key="norm_d").value == 6
    assert at.selectbox(key="norm_groups").value == 3
    assert at.select_slider(key="norm_eps").value == 1e-3
    bad = open_page(
        PAGE, "en", norm_c="99", norm_groups="5", norm_eps="abc", norm_cell_norm="weight", norm_batch="1"
    )
    assert bad.slider(key="norm_c").value == 4
    assert bad.selectbox(key="norm_groups").value == 2
    assert bad.select_slider(key="norm_eps").value == 1e-5
    assert bad.slider(key="norm_batch").value == 8


def test_live_retrain_of_one_cell():
    at = open_page(PAGE, "en", norm_cell_norm="layer", norm_cell_batch="64", norm_cell_seed="1")
    assert any("Shipped result for this cell" in c.value for c in at.caption)
    at.button(key="norm_retrain").click().run()
    assert_clean(at)
    result = next(m.value for m in at.markdown if "Retrained here" in m.value)
    # same code, seed and data on one thread: the shipped accuracy comes back
    live = re.search(r"test accuracy \*\*([0-9.]+)%\*\* \(shipped: ([0-9.]+)%\)", result)
    assert live is not None and live.group(1) == live.group(2), result
