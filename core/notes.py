"""The study notes claim by claim: the catalog ``data/notes/claims.json`` and the notes' outline.

The catalog is data, one object per claim of the notes (``../shared/notes/dl-notes.zh.md``, which
the app does not ship: a claim carries its own short quote):

``{"id", "section": [the notes' headings from the top, as written], "quote": an exact substring of the
notes, "quote_en": its English rendering, "verdict": "right" | "loose" | "wrong" | "typo", "en", "zh":
the verified statement in our words (Markdown with $LaTeX$), "page": the URL path of the topic page that
shows it live, "anchor": the section's anchor on that page or null, "params": the URL state that shows
it ({} for the default view), "test": the pytest node id that settles the verdict, or null}``.

``data/notes/sections.json`` titles every heading of the notes in both languages and gives it the anchor
the Notes page uses. Claims are listed in the notes' order (the position of their quote).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CLAIMS_PATH",
    "SECTIONS_PATH",
    "VERDICTS",
    "Claim",
    "Heading",
    "Section",
    "load_claims",
    "load_sections",
    "notes_outline",
]

_DATA = Path(__file__).resolve().parent.parent / "data" / "notes"
CLAIMS_PATH = _DATA / "claims.json"
SECTIONS_PATH = _DATA / "sections.json"
VERDICTS: tuple[str, ...] = ("right", "loose", "wrong", "typo")
_FIELDS = {"id", "section", "quote", "quote_en", "verdict", "en", "zh", "page", "anchor", "params", "test"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Claim:
    id: str
    section: tuple[str, ...]
    quote: str
    quote_en: str
    verdict: str
    en: str
    zh: str
    page: str
    anchor: str | None
    params: tuple[tuple[str, str], ...]
    test: str | None


@dataclass(frozen=True)
class Section:
    """A heading of the notes: its path from the top, its titles, and its anchor on the Notes page."""

    section: tuple[str, ...]
    en: str
    zh: str
    anchor: str


@dataclass(frozen=True)
class Heading:
    """A heading as the notes' Markdown has it: path from the top, 1-based line, own text or not."""

    section: tuple[str, ...]
    line: int
    has_text: bool


def _claim(entry: dict) -> Claim:
    missing, extra = _FIELDS - set(entry), set(entry) - _FIELDS
    if missing or extra:
        raise ValueError(f"claim {entry.get('id')!r}: missing {sorted(missing)}, unknown {sorted(extra)}")
    if not isinstance(entry["id"], str) or not _ID.match(entry["id"]):
        raise ValueError(f"claim id must be lower-case words joined by '-', got {entry['id']!r}")
    if entry["verdict"] not in VERDICTS:
        raise ValueError(f"claim {entry['id']}: verdict must be one of {VERDICTS}, got {entry['verdict']!r}")
    texts = ("quote", "quote_en", "en", "zh", "page")
    if not all(isinstance(entry[k], str) and entry[k].strip() for k in texts):
        raise ValueError(f"claim {entry['id']}: {', '.join(texts)} must be non-empty strings")
    section = entry["section"]
    if not isinstance(section, list) or not section or not all(isinstance(h, str) for h in section):
        raise ValueError(f"claim {entry['id']}: section must be a non-empty list of headings")
    params = entry["params"]
    if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
        raise ValueError(f"claim {entry['id']}: params must map URL keys to strings")
    return Claim(
        id=entry["id"],
        section=tuple(section),
        quote=entry["quote"],
        quote_en=entry["quote_en"],
        verdict=entry["verdict"],
        en=entry["en"],
        zh=entry["zh"],
        page=entry["page"],
        anchor=entry["anchor"],
        params=tuple(params.items()),
        test=entry["test"],
    )


def load_claims(path: Path = CLAIMS_PATH) -> tuple[Claim, ...]:
    """Every claim of the catalog, checked field by field (``ValueError`` naming the claim); ids unique."""
    claims = tuple(_claim(entry) for entry in json.loads(path.read_text(encoding="utf-8")))
    ids = [c.id for c in claims]
    if len(set(ids)) != len(ids):
        raise ValueError(f"claim ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    return claims


def load_sections(path: Path = SECTIONS_PATH) -> tuple[Section, ...]:
    """The notes' headings in order, with their titles in both languages and their anchors."""
    return tuple(
        Section(tuple(e["section"]), e["en"], e["zh"], e["anchor"])
        for e in json.loads(path.read_text(encoding="utf-8"))
    )


def notes_outline(markdown: str) -> list[Heading]:
    """The headings of the notes' Markdown, each with its path from the top (trailing spaces of a heading
    dropped) and whether text of its own (not only blank lines or images) stands under it before the next
    heading. Lines inside ``$$`` blocks and fenced code are text, never headings."""
    headings: list[Heading] = []
    path: list[str] = []
    own_text: list[bool] = []
    fenced = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if line.strip().startswith(("```", "$$")) and line.strip().count("$$") != 2:
            fenced = not fenced
        match = None if fenced else re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if match:
            level = len(match.group(1))
            path = [*path[: level - 1], match.group(2)]
            headings.append(Heading(tuple(path), number, False))
            own_text.append(False)
        elif headings and line.strip() and not re.fullmatch(r"!\[[^\]]*\]\([^)]*\)", line.strip()):
            own_text[-1] = True
    return [Heading(h.section, h.line, text) for h, text in zip(headings, own_text, strict=True)]
