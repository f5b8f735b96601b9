"""The one list of the app's pages: app.py builds st.navigation from it, the home page links it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # script, relative to the project root
    slug: str  # url path and locale key: nav.<slug>, home.<slug>_blurb
    icon: str


HOME = PageSpec("pages/home.py", "home", ":material/home:")

TOPICS: list[PageSpec] = [
    PageSpec("pages/attention.py", "attention", ":material/visibility:"),
]

PAGES: list[PageSpec] = [HOME, *TOPICS]
