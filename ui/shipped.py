"""Results computed ahead: what every page's default view asks :func:`ui.compute.shared` for, shipped.

A page's default view does not change between visits, so the computations behind it (trainings, fits,
sweeps, the live checks against torch and scikit-learn) are run once by ``scripts/precompute_defaults.py``
and written to ``data/defaults/<module>.pkl``, one file per module of the functions that were asked for
(``ui.optimizers.live.pkl`` holds the results of ``ui.optimizers.live``'s functions). Each entry is the
shared store's key (the function's module and name and its arguments) and the result.

:func:`ui.compute.shared` looks a key up here before it computes: the default view is drawn from the file,
with nothing to train and (when the results' classes live in light modules) without importing torch or
scikit-learn; any other input is computed live as before, with progress. A file is read the first time a
function of its module is asked for. ``tests/test_shipped_defaults.py`` holds every entry equal to what
the live code computes, and holds each page's default view to the shipped entries (no live computation).

The files are pickles written by this project's own script (never from a visitor): reading one runs no
code but the constructors of the project's own result classes, numpy's and pandas'.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Hashable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = ROOT / "data" / "defaults"
_ROOT_MARK = "<root>"

#: False while ``scripts/precompute_defaults.py`` records the live results
enabled = True

_lock = threading.Lock()
_files: dict[str, dict[Hashable, Any]] = {}  # module -> {portable key: result}, read once each


def portable(value: Any) -> Any:
    """``value`` with every path under the project's folder written relative to it (``<root>/data/...``),
    through tuples, so a key does not depend on where the project is checked out."""
    if isinstance(value, Path):
        try:
            return Path(_ROOT_MARK) / value.resolve().relative_to(ROOT)
        except ValueError:
            return value
    if isinstance(value, tuple):
        return tuple(portable(item) for item in value)
    return value


def file_of(module: str) -> Path:
    return DIRECTORY / f"{module}.pkl"


def _entries(module: str) -> dict[Hashable, Any]:
    with _lock:
        entries = _files.get(module)
        if entries is None:
            path = file_of(module)
            entries = {}
            if path.is_file():
                with path.open("rb") as handle:
                    entries = dict(pickle.load(handle))
            _files[module] = entries
        return entries


def lookup(key: tuple) -> tuple[bool, Any]:
    """``(True, result)`` when ``key`` (:func:`ui.compute.key_of`'s) was computed ahead, else ``(False,
    None)``."""
    if not enabled:
        return False, None
    module = key[0]
    entries = _entries(module)
    if not entries:
        return False, None
    try:
        here = portable(key)
        return (True, entries[here]) if here in entries else (False, None)
    except TypeError:  # an argument that cannot be compared with the shipped keys
        return False, None
