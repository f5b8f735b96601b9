"""One torch thread for the pages' small live trainings, shared by every topic that trains live.

The models the pages train are tiny: torch's default thread pool spends far more time waiting for
cores than computing on a shared machine (measured 20x slower here). The thread count is
process-wide, and a Streamlit server runs every visitor's session in one process, so concurrent
users are counted: the first saves the count and sets one thread, the last restores it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["one_torch_thread"]

_LOCK = threading.Lock()
_STATE = {"users": 0, "saved": 1}


@contextmanager
def one_torch_thread() -> Iterator[None]:
    """Run the body with ``torch.set_num_threads(1)``; the count before the first user is restored after
    the last one leaves."""
    with _LOCK:
        if _STATE["users"] == 0:
            _STATE["saved"] = torch.get_num_threads()
            torch.set_num_threads(1)
        _STATE["users"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _STATE["users"] -= 1
            if _STATE["users"] == 0:
                torch.set_num_threads(_STATE["saved"])
