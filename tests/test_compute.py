"""ui.compute: one shared store, each key computed once under its lock, bounded, frozen results."""

from __future__ import annotations

import string
import threading
import time

import numpy as np
import pandas as pd
import pytest

from ui.compute import Progress, SharedResults, freeze, key_of
from ui.format import fmt, fmt_fixed, fmt_pct, markdown_table, markdown_text, round_up


def test_each_key_is_computed_once_for_concurrent_callers():
    store = SharedResults(max_entries=8, workers=2)
    calls = []
    started = threading.Event()

    def compute(progress: Progress) -> int:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return 42

    results = []
    callers = [threading.Thread(target=lambda: results.append(store.get("k", compute))) for _ in range(6)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert results == [42] * 6
    assert len(calls) == 1
    assert store.get("k", compute) == 42 and len(calls) == 1  # stored


def test_the_store_is_a_bounded_lru():
    store = SharedResults(max_entries=3, workers=1)
    for k in "abc":
        store.get(k, lambda p, k=k: k)
    assert store.lookup("a") == (True, "a")  # a is now the most recent
    store.get("d", lambda p: "d")
    assert len(store) == 3
    assert "b" not in store and "a" in store and "d" in store


def test_an_exception_reaches_every_caller_and_is_not_stored():
    store = SharedResults(max_entries=4, workers=1)
    calls = []

    def fail(progress: Progress) -> None:
        calls.append(1)
        raise ValueError("the sentence a user reads")

    with pytest.raises(ValueError, match="the sentence a user reads"):
        store.get("bad", fail)
    assert "bad" not in store
    with pytest.raises(ValueError):
        store.get("bad", fail)
    assert len(calls) == 2  # tried again, not remembered


def test_a_job_that_needs_another_result_does_not_deadlock_a_full_pool():
    store = SharedResults(max_entries=8, workers=1)

    def inner(progress: Progress) -> int:
        return 1

    def outer(progress: Progress) -> int:
        return store.get("inner", inner) + 1

    assert store.job("outer", outer).result(timeout=10) == 2
    assert "inner" in store


def test_progress_is_visible_while_the_job_runs():
    store = SharedResults(max_entries=4, workers=1)
    release = threading.Event()

    def compute(progress: Progress) -> str:
        progress.report(3, 10, loss=0.5)
        release.wait(5)
        return "done"

    future = store.job("p", compute)
    deadline = time.monotonic() + 5
    while store.progress_of("p").state[0] != 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert store.progress_of("p").state == (3, 10, {"loss": 0.5})
    assert store.progress_of("p").fraction == pytest.approx(0.3)
    assert store.future_of("p") is future  # a job started without waiting can be found again
    release.set()
    assert future.result(timeout=5) == "done"
    assert store.progress_of("p") is None
    assert store.future_of("p") is None  # done: it is stored, not running


def test_stored_arrays_are_read_only():
    store = SharedResults(max_entries=4, workers=1)
    value = store.get("arrays", lambda p: {"a": np.zeros(3), "b": [np.ones(2), (np.arange(2),)]})
    for array in (value["a"], value["b"][0], value["b"][1][0]):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 5


def test_freeze_reaches_dataclass_fields():
    from dataclasses import dataclass

    @dataclass
    class View:
        x: np.ndarray

    view = freeze(View(np.zeros(2)))
    assert not view.x.flags.writeable


def test_a_key_names_the_function_and_its_arguments():
    def f(a, b=1):
        return a

    def g(a, b=1):
        return a

    assert key_of(f, (1,), {"b": 2}) == key_of(f, (1,), {"b": 2})
    assert key_of(f, (1,), {"b": 2}) != key_of(f, (1,), {"b": 3})
    assert key_of(f, (1,), {}) != key_of(g, (1,), {})
    with pytest.raises(TypeError):
        key_of(f, ([1],), {})


def test_workers_run_torch_on_one_thread():
    torch = pytest.importorskip("torch")
    store = SharedResults(max_entries=4, workers=2)
    assert store.get("threads", lambda p: torch.get_num_threads()) == 1


def test_number_formats():
    assert fmt(float("nan")) == "—" and fmt(None) == "—"
    assert fmt(float("inf")) == "∞" and fmt(float("-inf")) == "-∞"
    assert fmt(0.123456) == "0.1235" and fmt(0.123456, 3) == "0.123"
    assert fmt_fixed(0.5) == "0.5000" and fmt_fixed(float("inf")) == "—"
    assert fmt_pct(0.1234) == "12.3%" and fmt_pct(0.1234, 2) == "12.34%"
    assert round_up(0.01234) == pytest.approx(0.013) and round_up(0.012) == pytest.approx(0.012)


def _unescaped(markdown: str) -> str:
    """CommonMark's reading of backslash escapes: a backslash before ASCII punctuation is dropped."""
    out, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown) and markdown[i + 1] in string.punctuation:
            i += 1
        out.append(markdown[i])
        i += 1
    return "".join(out)


def test_markdown_text_escapes_every_ascii_punctuation_and_reads_back_as_itself():
    text = "max |diff| vs torch.optim: f − f* ≤ 1e-3, $x$ _b_ `c` <i> [l](u) # \\ 已发散 ~~s~~"
    escaped = markdown_text(text)
    assert _unescaped(escaped) == text
    unescaped_punctuation = [  # every ASCII punctuation character comes right after a backslash
        c for i, c in enumerate(escaped) if c in string.punctuation and c != "\\" and escaped[i - 1] != "\\"
    ]
    assert unescaped_punctuation == []
    assert markdown_text("line one\nline two") == "line one line two"
    assert markdown_text(string.punctuation) == "".join(f"\\{c}" for c in string.punctuation)


def test_markdown_table_has_a_header_a_rule_and_a_line_per_row():
    frame = pd.DataFrame({"a|b": ["1.5", "-∞"], "f*": ["x", "—"]})
    lines = markdown_table(frame).split("\n")
    assert lines == ["| a\\|b | f\\* |", "|---|---|", "| 1\\.5 | x |", "| \\-∞ | — |"]


_EVENTS: list[str] = []


def _second(name: str) -> str:
    _EVENTS.append(f"{name} started")
    return name


def test_a_visitor_has_one_job_in_the_pool_at_a_time():
    # the visitor's last job still runs (their script was rerun mid-training): their next computation
    # waits for it before it is submitted, so reruns cannot queue unbounded work
    import streamlit as st

    from ui import compute

    release, events = threading.Event(), _EVENTS
    events.clear()

    def first(progress: Progress) -> str:
        release.wait(10)
        events.append("first done")
        return "first"

    st.session_state[compute._LAST_JOB] = compute._results().job(("test", "first"), first)
    caller = threading.Thread(target=lambda: events.append(compute.shared(_second, "second")))
    caller.start()
    time.sleep(0.3)
    assert events == []  # not submitted while the first one runs
    release.set()
    caller.join(10)
    assert events == ["first done", "second started", "second"]
