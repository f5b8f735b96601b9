""" "The same in plain PyTorch / scikit-learn": each experiment section's standalone script, filled in with
the view on screen.

A section registers (in ``ui/reproduce/<page>.py``) how its view and its inputs become the script's
``PARAMS`` and ``EXPECTED`` (the figures the view computed) and how to build its view at the page's default
state without a browser (what ``scripts/export_experiments.py`` writes and the tests run). The page calls
:func:`reproduce_expander` once, at the end of the section, with the view it drew and its inputs.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.reproduce import script, sections
from ui.i18n import t
from ui.layout import lazy_expander

#: ``(view, **inputs) -> (PARAMS, EXPECTED)``, or None when the view has no script
Make = Callable[..., tuple[dict[str, Any], dict[str, Any]] | None]
#: ``() -> (view, inputs)``: a section's view at some state, built as the page builds it
State = Callable[[], tuple[Any, dict[str, Any]]]


@dataclass(frozen=True)
class Section:
    make: Make
    default: State  # the page's default state
    other: State | None = None  # another state the tests run (one per page at least)


_REGISTRY: dict[tuple[str, str], Section] = {}


def register(
    page: str, section: str, *, default: State, other: State | None = None
) -> Callable[[Make], Make]:
    """Decorator: ``make`` is the (page, section) script's PARAMS / EXPECTED from the view and inputs."""

    def add(make: Make) -> Make:
        _REGISTRY[(page, section)] = Section(make, default, other)
        return make

    return add


def registry() -> dict[tuple[str, str], Section]:
    """Every registered section (each with a template in ``experiments/``)."""
    for module in pkgutil.iter_modules(__path__):  # ui/reproduce/<page>.py registers the page's sections
        importlib.import_module(f"{__name__}.{module.name}")
    missing = set(_REGISTRY) - set(sections())
    if missing:  # pragma: no cover - a developer's slip, caught by the tests
        raise KeyError(f"sections without a template in experiments/: {sorted(missing)}")
    return _REGISTRY


def reproduction(page: str, section: str, view: Any, /, **inputs: Any) -> str | None:
    """The section's script for this view and these inputs (None: this view has none, e.g. a report of a
    visitor's own file)."""
    made = registry()[(page, section)].make(view, **inputs)
    return None if made is None else script(page, section, *made)


def at_state(page: str, section: str, which: str = "default") -> str:
    """The section's script at its default state (``which="default"``) or at its other tested state."""
    entry = registry()[(page, section)]
    state = entry.default if which == "default" else entry.other
    if state is None:
        raise KeyError(f"{page}/{section} has no other state")
    view, inputs = state()
    code = reproduction(page, section, view, **inputs)
    if code is None:  # pragma: no cover - a developer's slip, caught by the tests
        raise ValueError(f"{page}/{section} has no script at its {which} state")
    return code


def reproduce_expander(page: str, section: str, view: Any, /, **inputs: Any) -> None:
    """An expander with the section's plain PyTorch / scikit-learn script for the view on screen, and a
    download button of the ``.py``.

    The script (a few ms to write) is sent only while the expander is open: opening it reruns the page, or
    the fragment it is in. The browser's syntax highlighting of the losses page's four scripts, closed, was
    0.15-0.2 s of its first draw. Its open state is kept in ``reproduce_open_<page>_<section>``
    (:func:`ui.layout.lazy_expander`)."""
    try:
        code = reproduction(page, section, view, **inputs)
    except (ValueError, TypeError):  # a value no literal can hold (not a number): no script for this view
        return
    if code is None:
        return
    kept = f"reproduce_open_{page}_{section}"
    box = lazy_expander(t("common.reproduce_title"), kept, icon=":material/code:")
    if box is None:
        return
    with box:
        st.caption(t("common.reproduce_caption", name=f"{page}__{section}.py"))
        st.code(code, language="python", line_numbers=True, wrap_lines=True)
        st.download_button(
            t("common.reproduce_download"),
            code,
            file_name=f"{page}__{section}.py",
            mime="text/x-python",
            icon=":material/download:",
            key=f"reproduce_{page}_{section}",
        )
