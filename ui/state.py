"""Session-scoped memo for the heavy results of one user's data.

``st.cache_data`` would hash a 100 MB upload on every rerun and hand back a pickled copy of a
10-million-row result; ``st.cache_resource`` would share one user's upload with every session.
Uploaded data must stay in its session, so large results live in ``st.session_state``: one slot per
kind of result, holding only the latest key and value (a new file replaces the old one, memory stays
bounded).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

import streamlit as st

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


def url_choice(key: str, options: Sequence[str], default: str) -> None:
    """Let the widget ``key`` start from ``?key=...`` in the URL, and keep the URL in step with it.

    For choice widgets whose labels are translated (``format_func``): Streamlit's
    ``bind="query-params"`` would put the *label* in the URL, so a link would depend on the language.
    This stores the option itself. Call it just before creating the widget with ``key=key`` and no
    default; the widget's value then comes from session state.
    """
    if key not in st.session_state or st.session_state[key] not in options:
        from_url = st.query_params.get(key)
        st.session_state[key] = from_url if from_url in options else default
    if st.session_state[key] == default:
        st.query_params.pop(key, None)  # a clean URL for the default view
    else:
        st.query_params[key] = st.session_state[key]
