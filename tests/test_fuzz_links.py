"""Hostile links and inputs on every page: no exception, no traceback, bounded time and memory.

A public app's link is written by anyone. For every page this test finds the URL keys the page reads (it
records every key the page asks ``st.query_params`` for while it opens), then opens the page from links
that give those keys hostile values (huge, zero, negative, NaN, infinite, 1e308, empty, very long,
non-ASCII, HTML and script, wrong types, several keys at once), and types hostile text into every text
input the page shows. Each case must leave the page without an exception element and without a
traceback in any element, within AppTest's timeout, and without the test process's peak memory growing
by more than :data:`MAX_PEAK_GROWTH_MB`.

The cases are drawn from a seeded generator: :data:`CASES` per page in CI; ``DLNOTES_FUZZ_CASES=N``
runs more (``DLNOTES_FUZZ_SEED`` another draw).
"""

from __future__ import annotations

import os
import random
import re
import resource
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from streamlit.runtime.state.query_params_proxy import QueryParamsProxy
from streamlit.testing.v1 import AppTest

from tests.apptest import open_link
from ui.navigation import PAGES

CASES = int(os.environ.get("DLNOTES_FUZZ_CASES", "6"))  # links per page and language, besides text inputs
SEED = int(os.environ.get("DLNOTES_FUZZ_SEED", "0"))
TIMEOUT = 120  # seconds one run of a page may take (AppTest fails the run past it)
MAX_PEAK_GROWTH_MB = 1500  # a case that makes the process allocate more than this is unbounded work

#: values a link or a text input may hold, written by anyone
HOSTILE = [
    "",
    "0",
    "-1",
    "-0",
    "1e308",
    "-1e308",
    "1e-320",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "4096",
    "99999999999999999999999999",
    "9" * 400,
    "1.5",
    "3.0",
    "0x10",
    " 7 ",
    "true",
    "None",
    "[1, 2]",
    "1,2,3",
    "1000, 1000, 1000",
    "Linear(1, 4096)",
    "Linear(4096, 4096), Linear(4096, 4096)",
    "中文字符",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[link](javascript:alert(1))",
    "'; DROP TABLE t; --",
    "../../etc/passwd",
    "*",
    "a" * 5000,
    "\x00",
    "\u202e",
]


@contextmanager
def recording_url_keys() -> Iterator[set[str]]:
    """Every key asked of ``st.query_params`` (``get``, ``in`` and ``[]`` all go through
    ``__getitem__``) while the block runs."""
    asked: set[str] = set()
    original = QueryParamsProxy.__getitem__

    def recording(self: QueryParamsProxy, key: str) -> str:
        asked.add(key)
        return original(self, key)

    QueryParamsProxy.__getitem__ = recording  # type: ignore[method-assign]
    try:
        yield asked
    finally:
        QueryParamsProxy.__getitem__ = original  # type: ignore[method-assign]


def open_with_link(page: str, lang: str, params: dict[str, str]) -> AppTest:
    """The page as a link opens it (:func:`tests.apptest.open_link`), within :data:`TIMEOUT`."""
    return open_link(page, lang, timeout=TIMEOUT, params=params)


def problems(at: AppTest) -> list[str]:
    """What a visitor must never see: an exception element, or a traceback in any text."""
    found = [f"exception: {e.value}"[:300] for e in at.exception]
    for element in [*at.main, *at.sidebar]:
        text = getattr(element, "value", None)
        if isinstance(text, str) and "Traceback (most recent call last)" in text:
            found.append(f"traceback in {type(element).__name__}: {text[:300]}")
    return found


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB (Linux)


def grown(default: object) -> list[str]:
    """Values shaped like a key's default but far larger: its numbers scaled up, its list repeated."""
    text = str(default)
    values = [re.sub(r"\d+", n, text) for n in ("1000", "4096", "1000000")]
    if "," in text:
        values.append(", ".join([text] * 200))
    if isinstance(default, int | float) and not isinstance(default, bool):
        values += [repr(default * 1000), repr(-default), f"{default}{'0' * 30}"]
    return values


def link_cases(
    keys: list[str], defaults: dict[str, object], rng: random.Random, count: int
) -> list[dict[str, str]]:
    """``count`` links: every other one sets a single key, the rest several keys at once; a value is a
    hostile one or a grown form of the key's default (half and half)."""
    cases = []
    for i in range(count):
        if i % 2 == 0 or len(keys) == 1:
            chosen = [rng.choice(keys)]
        else:
            chosen = rng.sample(keys, k=min(len(keys), rng.randint(2, 5)))
        all_grown = rng.random() < 0.5  # every key grown at once: the work of one multiplies the other's
        case = {}
        for key in chosen:
            pool = grown(defaults[key]) if key in defaults and (all_grown or rng.random() < 0.5) else HOSTILE
            case[key] = rng.choice(pool)
        cases.append(case)
    return cases


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.slug)
def test_hostile_links_and_text_leave_the_page_usable(spec, lang):
    with recording_url_keys() as asked:
        at = open_with_link(spec.path, lang, {})
    assert not problems(at), problems(at)
    keys = sorted(asked)
    defaults = {key: at.session_state[key] for key in keys if key in at.session_state}
    rng = random.Random(f"{SEED}-{spec.slug}-{lang}")
    failures = []
    for params in link_cases(keys, defaults, rng, CASES) if keys else []:
        before = peak_mb()
        try:
            at = open_with_link(spec.path, lang, params)
        except Exception as error:  # AppTest's timeout, or the run itself failing
            failures.append((params, [f"{type(error).__name__}: {error}"[:300]]))
            continue
        found = problems(at)
        if peak_mb() - before > MAX_PEAK_GROWTH_MB:
            found.append(f"peak memory grew by {peak_mb() - before:.0f} MB")
        if found:
            failures.append((params, found))
    # hostile text typed into every text input and text area of the page as it opens
    at = open_with_link(spec.path, lang, {})
    boxes = [("text_input", i) for i in range(len(at.text_input))]
    boxes += [("text_area", i) for i in range(len(at.text_area))]
    for kind, index in boxes:
        for text in rng.sample(HOSTILE, k=min(len(HOSTILE), max(2, CASES // 2))):
            try:
                getattr(at, kind)[index].set_value(text)
                at.run()
                found = problems(at)
            except Exception as error:
                found = [f"{type(error).__name__}: {error}"[:300]]
                at = open_with_link(spec.path, lang, {})
            if found:
                failures.append(({f"{kind}[{index}]": text}, found))
    assert not failures, failures
