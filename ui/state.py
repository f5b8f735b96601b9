"""Session-scoped memo for the heavy results of one user's data.

``st.cache_data`` would hash a 100 MB upload on every rerun and hand back a pickled copy of a
10-million-row result; ``st.cache_resource`` would share one user's upload with every session.
Uploaded data must stay in its session, so large results live in ``st.session_state``: one slot per
kind of result, holding only the latest key and value (a new file replaces the old one, memory stays
bounded).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
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
