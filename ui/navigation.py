"""The one list of the app's pages: app.py builds st.navigation from it, the home page links it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # script, relative to the project root
    slug: str  # url path and locale key: nav.<slug>, home.<slug>_blurb
    icon: str


HOME = PageSpec("app_pages/home.py", "home", ":material/home:")
NOTES = PageSpec("app_pages/notes.py", "notes", ":material/menu_book:")  # the notes claim by claim

# in the notes' order: attention, PyTorch basics, normalization, fine-tuning, losses, optimizers, metrics
TOPICS: list[PageSpec] = [
    PageSpec("app_pages/attention.py", "attention", ":material/visibility:"),
    PageSpec("app_pages/pytorch_basics.py", "pytorch_basics", ":material/view_module:"),
    PageSpec("app_pages/normalization.py", "normalization", ":material/equalizer:"),
    PageSpec("app_pages/finetune.py", "finetune", ":material/transfer_within_a_station:"),
    PageSpec("app_pages/losses.py", "losses", ":material/functions:"),
    PageSpec("app_pages/optimizers.py", "optimizers", ":material/speed:"),
    PageSpec("app_pages/metrics.py", "metrics", ":material/insights:"),
]

PAGES: list[PageSpec] = [HOME, NOTES, *TOPICS]
