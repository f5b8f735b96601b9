"""Layout pieces every topic page uses, so pages look alike and stay thin."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.budget import OverBudget
from core.errors import InputError
from ui.format import markdown_table
from ui.i18n import current_language, load_strings, t

if TYPE_CHECKING:
    import pandas as pd


def page_header(namespace: str) -> None:
    """Title and one-paragraph introduction from ``<namespace>.title`` / ``<namespace>.intro``."""
    st.title(t(f"{namespace}.title"))
    st.markdown(t(f"{namespace}.intro"))


def static_table(frame: pd.DataFrame) -> None:
    """A small table of display texts (a few rows, no sorting or scrolling needed), drawn as Markdown.

    ``st.dataframe``'s grid is the frontend's biggest code after Plotly's (1.2 MB with its Arrow
    formatting, which ``st.table`` needs too), compiled on the first visit that draws one: a first section
    with a static table instead draws ~0.15 s sooner (optimizers, losses: 5 interleaved runs each)."""
    st.markdown(markdown_table(frame))


def lazy_expander(label: str, kept: str, *, icon: str) -> DeltaGenerator | None:
    """An expander whose content is drawn only while it is open: the expander if it is, else None (opening
    it reruns the page, or the fragment it is in). Closed, its content costs the browser nothing to lay out.

    Streamlit keys an expander's state by its (translated) label as well as its key, so the open state is
    kept in ``st.session_state[kept]`` and the expander has a key per language (``<kept>@<lang>``) that
    starts from it: a language switch leaves an open expander open."""
    key = f"{kept}@{current_language()}"

    def keep() -> None:
        st.session_state[kept] = st.session_state[key]

    opened = bool(st.session_state.get(kept, False))
    box = st.expander(label, expanded=opened, icon=icon, key=key, on_change=keep)
    return box if box.open else None


def notes_corrections(page: str, anchor: str | None) -> None:
    """Beside a section of a topic page: every claim of the notes it corrects there (``ui.notes``), visible,
    each with the notes' words, our verdict, the verified version and a link to the claim on the Notes
    page."""
    from ui import notes  # the catalog's view; imported here so ui.layout stays light

    lang = current_language()
    for claim in notes.corrections(page, anchor):
        said = t("common.notes_correction", verdict=t(f"notes.verdict_{claim.verdict}"))
        quote = notes.blockquote(claim.quote if lang == "zh" else claim.quote_en)
        body = f"{said}\n\n{quote}\n\n{claim.zh if lang == 'zh' else claim.en}"
        link = f"[{t('common.see_claim')}]({notes.notes_link(claim, lang)})"
        box = st.warning if claim.verdict == "wrong" else st.info
        box(f"{body}\n\n{link}", icon=":material/fact_check:")


def error_box(error: Exception, *, label: str | None = None) -> None:
    """A bad input's sentence under the page's error prefix, in the page's language: an input over the
    server's budget (:class:`core.budget.OverBudget`) names the input by ``label`` (the widget's label)
    or by its code name; core's :class:`core.errors.InputError` is said by the locale string of its code.
    Any other error (a ``ValueError`` a page raised with its own translated sentence) is shown as it is."""
    if isinstance(error, OverBudget):
        text = t(
            "common.over_budget",
            input=label or f"`{error.input_name}`",
            quantity=t(f"common.quantity_{error.quantity}"),
            amount=f"{error.amount:,.0f}",
            limit=f"{error.limit:,.0f}",
        )
    elif isinstance(error, InputError) and error.locale_key in load_strings(current_language()):
        text = t(error.locale_key, **error.values)
    else:
        text = str(error)
    st.error(f"{t('common.error_prefix')} {text}")


class Check(NamedTuple):
    """A live check of one of our figures against the reference library, as a view hands it to a page:
    ``reference_check(*check)`` draws it."""

    label: str  # what the figure was checked against, e.g. 'torch.nn.LayerNorm'
    max_abs_diff: float
    tolerance: float


def reference_check(label: str, max_abs_diff: float, tolerance: float) -> None:
    """Show a live check against the reference library, e.g. 'sklearn.metrics.roc_auc_score'."""
    text = t("common.check", reference=label, diff=f"{max_abs_diff:.1e}")
    if max_abs_diff <= tolerance:
        st.success(text, icon=":material/check_circle:")
    else:
        st.error(t("common.check_failed", text=text, tol=f"{tolerance:.0e}"))
