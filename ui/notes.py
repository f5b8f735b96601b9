"""The Notes page's view, and the corrections each topic page draws beside the section they correct.

The catalog (``data/notes/claims.json``, read by :mod:`core.notes`) is the one source: the Notes page
lists every claim under its heading of the notes; a topic page asks :func:`corrections` for the claims
it corrects at one of its sections (verdict other than "right") and draws them with
``ui.layout.notes_corrections``. Links: a claim's live check opens its topic page at its section with the
claim's URL state; a correction links back to its claim on the Notes page (``?claim=<id>``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple
from urllib.parse import urlencode

from core.notes import VERDICTS, Claim, Section, load_claims, load_sections
from ui.compute import shared
from ui.i18n import load_strings
from ui.sections import section_link_params

NOTES_SLUG = "notes"  # the Notes page's URL path
CLAIM_KEY = "claim"  # ?claim=<id>: the claim the Notes page shows first (a link from a topic page)
CHAPTER_KEY = "notes_chapter"  # ?notes_chapter=<anchor of a top heading>, or ALL: the part of the notes shown
ALL = "all"
_GLOSSARY = re.compile(r"^(?P<ns>[a-z_]+)\.glossary_(?P<term>[a-z0-9_]+)_name$")


def catalog() -> tuple[Claim, ...]:
    return shared(load_claims)


def sections() -> tuple[Section, ...]:
    return shared(load_sections)


def blockquote(text: str) -> str:
    """``text`` as a Markdown blockquote: the notes' own words (which mix in English terms and code) are
    set apart from ours, and a Chinese page's language check leaves quotes out."""
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


VERDICT_COLOURS = {"right": "green", "loose": "orange", "wrong": "red", "typo": "gray"}


def claim_markdown(claim: Claim, lang: str) -> str:
    """One claim as one Markdown block: its verdict badge, the notes' words (and their English rendering on
    the English page), the verified version, the link to its live check and the test that settles it.

    One element per claim instead of six: the page draws 197 claims, and the browser's first draw of the
    page was 1.5-3 s of rendering those elements (measured in Chromium's profiler)."""
    tr = load_strings(lang)
    label = tr[f"notes.verdict_{claim.verdict}"]
    parts = [
        f":{VERDICT_COLOURS[claim.verdict]}-badge[{label}]",
        f"**{tr['notes.quote_original']}**\n\n{blockquote(claim.quote)}",
    ]
    if lang == "en":
        parts.append(f"**{tr['notes.quote_english']}**\n\n{blockquote(claim.quote_en)}")
    parts.append(f"**{tr['notes.verified']}** {claim.zh if lang == 'zh' else claim.en}")
    parts.append(f"[{tr['notes.live_check']} →]({live_link(claim, lang)})")
    if claim.test:
        parts.append(f":small[{tr['notes.settled_by'].format(test=claim.test)}]")
    return "\n\n".join(parts)


def claim_by_id(claim_id: str) -> Claim | None:
    return next((c for c in catalog() if c.id == claim_id), None)


def live_link(claim: Claim, lang: str) -> str:
    """The topic page that shows the claim live: its URL state, the language, the page's section that draws
    the claim's anchor (``ui.sections``), the anchor."""
    query = urlencode({"lang": lang, **section_link_params(claim.page, claim.anchor), **dict(claim.params)})
    return f"/{claim.page}?{query}" + (f"#{claim.anchor}" if claim.anchor else "")


def notes_link(claim: Claim, lang: str) -> str:
    """The claim on the Notes page: shown first there (``?claim=``), under its heading's anchor."""
    anchor = next((s.anchor for s in sections() if s.section == claim.section), "")
    query = urlencode({"lang": lang, CLAIM_KEY: claim.id})
    return f"/{NOTES_SLUG}?{query}" + (f"#{anchor}" if anchor else "")


def corrections(page: str, anchor: str | None) -> list[Claim]:
    """The claims a topic page corrects at its section ``anchor``: every verdict but "right"."""
    return [c for c in catalog() if c.page == page and c.anchor == anchor and c.verdict != "right"]


class SectionView(NamedTuple):
    section: Section
    level: int  # 1 for a top heading of the notes, 2 below it, ...
    claims: list[Claim]


class NotesView(NamedTuple):
    sections: list[SectionView]
    verdict_counts: dict[str, int]  # every verdict of VERDICTS, in that order
    total: int


def chapters() -> list[str]:
    """The anchors of the notes' top headings (one per topic), in the notes' order: the Notes page shows
    one chapter at a time, or all of them (:data:`ALL`)."""
    return [s.anchor for s in sections() if len(s.section) == 1]


def chapter_titles(lang: str) -> dict[str, str]:
    """Each chapter's heading in ``lang``, and :data:`ALL`'s label."""
    titles = {s.anchor: s.zh if lang == "zh" else s.en for s in sections() if len(s.section) == 1}
    return {**titles, ALL: load_strings(lang)["notes.chapter_all"]}


def chapter_of(section: tuple[str, ...]) -> str:
    """The anchor of the top heading the heading ``section`` (its path of titles) is under."""
    return next(s.anchor for s in sections() if s.section == section[:1])


def notes_view(verdicts: tuple[str, ...] = VERDICTS, chapter: str = ALL) -> NotesView:
    """The notes heading by heading (those of ``chapter``, or all), each with its claims whose verdict is
    in ``verdicts``, in the notes' order (the catalog's). The counts are of the whole catalog."""
    claims, wanted = catalog(), set(verdicts)
    counts = Counter(c.verdict for c in claims)
    views = [
        SectionView(s, len(s.section), [c for c in claims if c.section == s.section and c.verdict in wanted])
        for s in sections()
        if chapter == ALL or chapter_of(s.section) == chapter
    ]
    return NotesView(views, {v: counts.get(v, 0) for v in VERDICTS}, len(claims))


def contents(view: NotesView, lang: str, shown: str = ALL) -> str:
    """The outline of ``view``, each heading with its claims by verdict (headings without claims of their
    own, e.g. a title over its subsections, show just the title). The headings of the chapter ``shown``
    link to their anchor below; the others are plain text, their chapter one click away in the chapter
    control (a Markdown link that is not an anchor would open a new tab)."""
    strings = load_strings(lang)
    lines = []
    for item in view.sections:
        title = item.section.zh if lang == "zh" else item.section.en
        counts = Counter(c.verdict for c in item.claims)
        tally = ", ".join(f"{strings[f'notes.verdict_{v}']} {counts[v]}" for v in VERDICTS if counts[v])
        indent = "    " * (item.level - 1)
        here = shown in (ALL, chapter_of(item.section.section))
        entry = f"[{title}](#{item.section.anchor})" if here else title
        lines.append(f"{indent}- {entry}" + (f": {tally}" if tally else ""))
    return "\n".join(lines)


class Term(NamedTuple):
    term: str  # its anchor on the Notes page is glossary-<term>
    name: str
    definition: str


def glossary(lang: str) -> list[Term]:
    """Every term of art the pages use, defined once: the locale strings ``<page>.glossary_<term>_name``
    and ``..._def``, sorted by name. A page links a term's first use to ``/notes?lang=..#glossary-<term>``."""
    strings = load_strings(lang)
    terms = [
        Term(m["term"], strings[key], strings[f"{m['ns']}.glossary_{m['term']}_def"])
        for key in strings
        if (m := _GLOSSARY.match(key))
    ]
    return sorted(terms, key=lambda term: term.name.lower())
