"""A topic page one section at a time: a segmented control under the page's introduction picks one of its
sections, or all of them, and the URL keeps the choice (``?<key>=<section>``), so a link opens the
section it was copied from and a claim's "see it live" link opens the section that shows it.

Why: a whole topic page is 5-12 charts, up to 200 formulas and 13k elements for the browser to lay out,
3-4.6 s before the first visitor of a fresh server sees it drawn; one section is a fraction of that. A
section's controls that another section also uses (the data of the fits, the Huber δ, ...) keep their
value in session state and in the URL while their own section is hidden (``ui.state.seed_from_url``).

Each section lists the anchors (``st.header`` / ``st.subheader``) it draws: the Notes page's live links
name the section of a claim's anchor (``ui.notes.live_link``), and ``tests/test_sections.py`` holds the
list to what each section draws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st

from ui.i18n import t
from ui.state import url_segmented_choice

ALL = "all"  # every section, one after another (the page as one long read)


@dataclass(frozen=True)
class Section:
    name: str  # its value in the URL; its label is the locale string <page>.section_<name>
    anchors: tuple[str, ...]  # the anchors of the headings it draws


@dataclass(frozen=True)
class PageSections:
    key: str  # the session-state key and URL parameter of the page's choice
    sections: tuple[Section, ...]
    above: tuple[str, ...] = ()  # anchors drawn above the sections, whichever is shown

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.sections]

    def of_anchor(self, anchor: str) -> str | None:
        """The section that draws ``anchor`` (None: no section does)."""
        return next((s.name for s in self.sections if anchor in s.anchors), None)


def _sections(*sections: tuple[str, tuple[str, ...]]) -> tuple[Section, ...]:
    return tuple(Section(name, anchors) for name, anchors in sections)


# Every topic page's sections in the page's order (the metrics page: its binary report's).
PAGE_SECTIONS: dict[str, PageSections] = {
    "attention": PageSections(
        "att_tab",  # the name the page's tabs had: links written before still open their section
        _sections(
            ("heatmap", ("output-heatmap",)),
            ("long", ("long-inputs", "long-demo")),
            ("steps", ("step-by-step",)),
            ("hard", ("soft-hard",)),
            ("local", ("local-attention",)),
            ("playground", ("score-playground",)),
        ),
    ),
    "pytorch_basics": PageSections(
        "pb_section",
        _sections(
            ("containers", ("containers", "training")),
            ("sequential", ("sequential", "broken-chain")),
            ("repeat", ("repeat", "memory")),
            ("notes-sample", ("notes-sample",)),
        ),
    ),
    "normalization": PageSections(
        "norm_section",
        _sections(
            ("axes", ("axes",)),
            ("signatures", ("signatures",)),
            ("epsilon", ("epsilon",)),
            ("running-statistics", ("running-statistics", "train-vs-eval")),
            ("batch-size", ("batch-size", "retrain")),
            ("transformers", ("transformers",)),
        ),
    ),
    "finetune": PageSections(
        "ft_section",
        _sections(
            ("recipe", ("recipe",)),
            ("when-it-pays", ("when-it-pays",)),
            ("live-runs", ("live-runs", "drift")),
            ("features", ("features",)),
            ("side-by-side", ("side-by-side",)),
            ("resnet-bert", ("resnet-bert",)),
        ),
    ),
    "losses": PageSections(
        "ls_section",
        _sections(
            ("curves", ("curves",)),
            ("fits", ("fits", "log-loss-chain", "adaboost")),
            ("regression", ("regression",)),
            ("svm", ("svm",)),
            ("risk", ("risk", "capacity")),
            ("cross-entropy", ("cross-entropy", "softmax-twice", "overflow")),
            ("binary-vs-categorical", ("binary-vs-categorical",)),
        ),
    ),
    "optimizers": PageSections(
        "opt_section",
        _sections(
            ("runs", ("runs",)),
            ("framework", ("framework",)),
            (
                "forms",
                (
                    "forms",
                    "momentum",
                    "nesterov",
                    "bias-correction",
                    "adam-step",
                    "adagrad",
                    "amsgrad",
                    "adamw",
                ),
            ),
            ("model", ("model",)),
            ("batch-size", ("batch-size", "noisy-ravine")),
            ("adam-then-sgd", ("adam-then-sgd",)),
        ),
    ),
    "metrics": PageSections(
        "metrics_section",
        _sections(
            ("threshold", ("threshold-explorer", "curves", "downloads")),
            ("decisions", ("decisions",)),
            ("auc", ("auc-three-ways",)),
            ("gains-calibration", ("gains", "calibration")),
            ("models-segments", ("segments", "stability", "model-comparison")),  # comparison: 2+ models
        ),
        above=("uncertainty",),  # the bootstrap's switch: its intervals show in the headline and sections
    ),
}


def section_link_params(page: str, anchor: str | None) -> dict[str, str]:
    """The URL parameter that opens the section of ``page`` drawing ``anchor`` ({} when none does)."""
    spec = PAGE_SECTIONS.get(page)
    name = spec.of_anchor(anchor) if spec is not None and anchor else None
    return {spec.key: name} if spec is not None and name is not None else {}


def section_labels(page: str) -> dict[str, str]:
    """Each section's label in the page's language, and :data:`ALL`'s."""
    return {name: t(f"{page}.section_{name}") for name in PAGE_SECTIONS[page].names} | {
        ALL: t("common.section_all")
    }


def choose_section(page: str) -> str:
    """Draw the page's section picker and return the section to draw (or :data:`ALL`): from the URL on a
    first visit (a value that is not a section is ignored with a note), the visitor's choice after that,
    written back into the URL; the first section by default."""
    spec = PAGE_SECTIONS[page]
    options = [*spec.names, ALL]
    return url_segmented_choice(
        t("common.section"), options, section_labels(page), key=spec.key, default=options[0]
    )


def draw_sections(page: str, chosen: str, draws: Mapping[str, Callable[[], None]]) -> None:
    """Draw the sections ``chosen`` shows, in the page's order: ``draws`` maps each of the page's sections
    (exactly those of :data:`PAGE_SECTIONS`, in its order) to the function that draws it."""
    names = PAGE_SECTIONS[page].names
    if list(draws) != names:
        raise ValueError(f"{page} draws the sections {list(draws)}, its sections are {names}")
    for name, draw in draws.items():
        if shows(chosen, name):
            draw()


def shows(chosen: str, name: str) -> bool:
    """Whether the section ``name`` is drawn when ``chosen`` is picked."""
    return chosen in (name, ALL)


def settings_from(page: str, chosen: str, source: str, settings: str) -> None:
    """In a section that uses controls of the section ``source``: when that section is hidden, say which
    of its settings this one uses (``settings``, e.g. "noise 0.1, 10 outliers")."""
    if not shows(chosen, source):
        st.caption(t("common.settings_from", section=section_labels(page)[source], settings=settings))
