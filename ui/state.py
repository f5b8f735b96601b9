"""Session state helpers: a session-scoped memo for the heavy results of one user's data, and choice
widgets that keep their value in the URL or across language switches.

Why a memo of our own: ``st.cache_data`` would hash a 100 MB upload on every rerun and hand back a
pickled copy of a 10-million-row result; ``st.cache_resource`` would share one user's upload with
every session.
Uploaded data must stay in its session, so large results live in ``st.session_state``: one slot per
kind of result, holding only the latest key and value (a new file replaces the old one, memory stays
bounded).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

import streamlit as st

from ui.i18n import current_language, t

T = TypeVar("T")
_PREFIX = "_memo_"


def session_memo(slot: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per ``key`` in this session; the slot keeps only the latest result.

    An exception from ``compute`` propagates and leaves the slot as it was.
    """
    name = _PREFIX + slot
    held = st.session_state.get(name)
    if held is not None and held[0] == key:
        return held[1]
    value = compute()
    st.session_state[name] = (key, value)
    return value


_KEPT = "_kept_"  # session-state prefix of the values mirror_into_url keeps for a later visit


def seed_from_url(
    key: str,
    default: object,
    parse: Callable[[str], Any] = str,
    valid: Callable[[Any], bool] = lambda v: True,
) -> None:
    """Give ``st.session_state[key]`` its starting value before its widget is drawn (once a value is
    there, it is left alone): on a page's first visit from ``?<key>=`` (when it parses and is
    ``valid``; else a note says the link's value was ignored), else ``default``; on a later visit the
    value :func:`mirror_into_url` kept, because Streamlit forgets a widget's value, and the browser
    drops the query parameters, when the user goes to another page (a kept value that is no longer
    ``valid``, e.g. a column of another file, is not used)."""
    if key in st.session_state:
        keep_widget_value(key)
        return
    kept = st.session_state.get(_KEPT + key)
    if kept is not None and valid(kept):
        st.session_state[key] = kept
        return
    value = default
    raw = st.query_params.get(key)
    if raw is not None:
        try:
            parsed = parse(raw)
            usable = bool(valid(parsed))
        except (TypeError, ValueError, OverflowError):  # int(float('inf')) is an OverflowError
            usable = False
        if usable:
            value = parsed
        else:  # a link anyone can write: its bad value is ignored, with a note
            link_value_ignored(key)
    st.session_state[key] = value


def keep_widget_value(key: str) -> None:
    """Make the current value of the widget ``key`` the page's own, before its widget is drawn (Streamlit's
    way to keep a widget's value through runs that do not draw it).

    When a run does not draw a widget (its section hidden, its expander closed), Streamlit drops the
    widget's value at the end of the run, and a value set through ``st.session_state`` before the widget
    was first drawn (a link's, a default) would come back in its place."""
    st.session_state[key] = st.session_state[key]


def link_value_ignored(key: str) -> None:
    """Tell the visitor that the link's value of ``key`` was ignored (its value is not shown: a link's
    text is anyone's, and a toast renders Markdown)."""
    st.toast(t("common.link_value_ignored", key=key), icon=":material/link_off:")


def mirror_into_url(*keys: str, defaults: Mapping[str, object] | None = None) -> None:
    """Write the values of ``keys`` into the URL, so that a link reproduces the view, and keep them for
    the page's next visit (see :func:`seed_from_url`). A key at its value in ``defaults`` is left out of
    the URL (a clean link for the default view)."""
    for key in keys:
        if key not in st.session_state:
            continue
        value = st.session_state[key]
        st.session_state[_KEPT + key] = value
        if defaults is not None and key in defaults and value == defaults[key]:
            st.query_params.pop(key, None)
        elif st.query_params.get(key) != str(value):  # each write sends the whole URL to the browser
            st.query_params[key] = str(value)


def url_choice(key: str, options: Sequence[str], default: str) -> None:
    """Let the choice widget ``key`` start from ``?key=...`` (or its value on the last visit), and keep
    the URL in step with it.

    For choice widgets whose labels are translated (``format_func``): Streamlit's
    ``bind="query-params"`` would put the *label* in the URL, so a link would depend on the language.
    This stores the option itself. A value that is not an option (after a language switch the browser
    sends the old language's label back) is replaced by the last one kept. Call it just before creating
    the widget with ``key=key`` and no default; the widget's value then comes from session state.
    """
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]
    seed_from_url(key, default, str, lambda v: v in options)
    mirror_into_url(key, defaults={key: default})


def translated_choice(
    widget: Callable[..., Any],
    label: str,
    options: Sequence[str],
    labels: Mapping[str, str],
    *,
    key: str,
    on_change: Callable[[], None] | None = None,
    **kwargs: Any,
) -> str:
    """A choice widget (``st.selectbox``, ``st.radio``, ...) over ``options`` shown as ``labels``
    (already translated), whose option stays in ``st.session_state[key]`` across language switches.

    The browser holds a choice widget's value as its *label*. After a language switch it sends the
    old language's label back, which matches none of the new labels: Streamlit then hands the label
    itself to the script as the value and calls ``on_change``. So the widget gets a key per language
    (``<key>@<lang>``, a fresh widget in the browser), starts from ``st.session_state[key]`` (the
    first option if that is unset or not an option) and copies the user's choice back there before
    ``on_change`` runs.
    """
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    widget_key = f"{key}@{current_language()}"
    if st.session_state.get(widget_key) != st.session_state[key]:
        st.session_state[widget_key] = st.session_state[key]

    def copy_back() -> None:
        st.session_state[key] = st.session_state[widget_key]
        if on_change is not None:
            on_change()

    shown = dict(labels)  # a dict, not a call of t(): AppTest calls format_func after the run
    widget(label, options, format_func=shown.__getitem__, key=widget_key, on_change=copy_back, **kwargs)
    return st.session_state[key]


def url_segmented_choice(
    label: str, options: Sequence[str], labels: Mapping[str, str], *, key: str, default: str
) -> str:
    """A segmented control over ``options`` (shown as ``labels``, translated) that always holds one: its
    option starts from ``?key=`` or the last visit (:func:`url_choice`; ``default`` is left out of the
    URL) and stays across language switches (:func:`translated_choice`). The Notes page's chapter, a
    topic page's section."""
    url_choice(key, options, default)
    return translated_choice(st.segmented_control, label, options, labels, key=key, required=True)
