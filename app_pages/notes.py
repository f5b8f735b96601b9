"""The notes, claim by claim: each heading of the study notes with its claims, their verdicts, the
verified versions and links to the live checks; then the glossary of the terms the pages use."""

import streamlit as st

from ui import notes
from ui.i18n import current_language, translator
from ui.layout import page_header
from ui.state import url_segmented_choice

tr = translator("notes")
lang = current_language()


def draw_claim(claim) -> None:
    with st.container(border=True):
        st.markdown(notes.claim_markdown(claim, lang))


page_header("notes")
came_from = st.query_params.get(notes.CLAIM_KEY)
linked = notes.claim_by_id(came_from) if came_from is not None else None
# one chapter at a time (the first, or the one of the claim a link names): the whole catalog is 197
# claims, seconds of drawing; the contents below outline every chapter and link the shown one's headings
options = [*notes.chapters(), notes.ALL]
start = notes.chapter_of(linked.section) if linked else options[0]
# in the URL but at the chapter the rest of the link already opens
chapter = url_segmented_choice(
    tr("chapter"), options, notes.chapter_titles(lang), key=notes.CHAPTER_KEY, default=start
)
shown = st.pills(
    tr("filter"),
    list(notes.VERDICTS),
    selection_mode="multi",
    default=list(notes.VERDICTS),
    format_func=lambda v: tr(f"verdict_{v}"),
    help="\n\n".join(f"**{tr(f'verdict_{v}')}**: {tr(f'verdict_help_{v}')}" for v in notes.VERDICTS),
    key="notes_verdicts",
)
verdicts = tuple(shown or ())
view = notes.notes_view(verdicts, chapter)
st.caption(
    tr("counts", total=view.total)
    + " · "
    + " · ".join(f"{tr(f'verdict_{v}')} {n}" for v, n in view.verdict_counts.items())
)

with st.expander(tr("contents"), expanded=True, icon=":material/toc:"):
    st.markdown(notes.contents(notes.notes_view(verdicts), lang, chapter))

if came_from is not None:
    if linked is None:
        st.info(tr("unknown_claim"))
    else:
        st.subheader(tr("from_page"), anchor=False)
        draw_claim(linked)

for section_view in view.sections:
    heading = st.header if section_view.level == 1 else st.subheader
    section = section_view.section
    heading(section.zh if lang == "zh" else section.en, anchor=section.anchor)
    for claim in section_view.claims:
        draw_claim(claim)

st.header(tr("glossary"), anchor="glossary")
st.caption(tr("glossary_intro"))
for term in notes.glossary(lang):
    st.subheader(term.name, anchor=f"glossary-{term.term}")
    st.markdown(term.definition)
