"""Files on the server for the metrics page: a folder the person running the app names, read out of core.

A browser upload has to fit in the server's memory and under ``server.maxUploadSize``; a file of 1e8
rows or a folder of Parquet parts does not. When the app runs where the data is (``streamlit run
app.py`` on one's own machine or a team server), ``DLNOTES_DATA_DIR=/path/to/scores`` makes the page
offer "Files on the server": a path or glob inside that folder, aggregated by DuckDB
(``core.metrics.aggregate_files``) with only the score table in memory. Unset (Community Cloud, the
default), the option is not shown: a public app must not let visitors read the server's files. Paths
are confined to the folder by ``core.metrics.expand_sources(root=...)`` (``..`` and links leading out
are refused).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DATA_FOLDER_ENV = "DLNOTES_DATA_DIR"


def data_folder() -> Path | None:
    """The folder named by ``DLNOTES_DATA_DIR``, or None when the variable is unset or empty."""
    value = os.environ.get(DATA_FOLDER_ENV, "").strip()
    return Path(value).expanduser() if value else None


def files_id(paths: Sequence[str]) -> str:
    """A short id of these files as they are now (path, size, modification time): a file rewritten since
    it was read is read again."""
    digest = hashlib.sha256()
    for path in paths:
        stat = os.stat(path)
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def total_size(paths: Sequence[str]) -> int:
    """Bytes of the files together."""
    return sum(os.path.getsize(path) for path in paths)


def human_size(n_bytes: int) -> str:
    """``1.1 GB``, ``250 MB``, ``12 KB`` (powers of 1000, as file managers show them)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.3g} {unit}"
    return f"{n_bytes} B"


# The column mapping of files on the server is part of a link (the files are there for everyone who opens
# it); an upload's is not (the file is not in the link).
MAPPING_PARAMS = (
    "metrics_label",
    "metrics_scores",
    "metrics_weight",
    "metrics_pos_label",
    "metrics_drop_invalid",
)


def mapping_from_url(guess: Any) -> tuple[str, tuple[str, ...], str | None, str | None, bool] | None:
    """The mapping a link gives (label, scores, weight, positive label, drop invalid; what it leaves out
    is the guess's), or None when it gives none or names columns the files do not have. A positive label
    the guessed label column does not have is the guess's (any other would silently swap the classes)."""
    import streamlit as st

    params = st.query_params
    if not any(key in params for key in MAPPING_PARAMS):
        return None
    mapping = _linked_mapping(params, guess)
    given = tuple((key, tuple(params.get_all(key))) for key in MAPPING_PARAMS)
    refused = mapping is None or params.get("metrics_drop_invalid", "1") not in ("0", "1")
    if refused and st.session_state.get("metrics_mapping_link_noted") != given:
        from ui.state import link_value_ignored

        st.session_state["metrics_mapping_link_noted"] = given  # said once, not on every rerun
        for key in MAPPING_PARAMS:  # a link's mapping the files cannot take is not used: a note says so
            if key in params:
                link_value_ignored(key)
    return mapping


def _linked_mapping(
    params: Any, guess: Any
) -> tuple[str, tuple[str, ...], str | None, str | None, bool] | None:
    columns = guess.columns
    label = params.get("metrics_label", guess.label)
    scores = tuple(params.get_all("metrics_scores")) or tuple(guess.scores)
    weight = params.get("metrics_weight", guess.weight) or None
    if label not in columns or not scores or len(set(scores)) < len(scores):
        return None
    if any(s not in columns or s == label for s in scores):
        return None
    if weight is not None and (weight not in columns or weight == label or weight in scores):
        return None
    drop = params.get("metrics_drop_invalid") == "1"
    pos_label = params.get("metrics_pos_label", guess.pos_label)
    if label == guess.label and pos_label not in guess.label_values:
        pos_label = guess.pos_label
    return label, scores, weight, pos_label, drop


def mirror_mapping(mapping: tuple[str, tuple[str, ...], str | None, str | None, bool] | None) -> None:
    """Write the files' mapping into the URL (None: take it out, for the other sources)."""
    import streamlit as st

    params = st.query_params
    if mapping is None:
        for key in MAPPING_PARAMS:
            params.pop(key, None)
        return
    label, scores, weight, pos_label, drop = mapping
    wanted: dict[str, str | list[str] | None] = {
        "metrics_label": label,
        "metrics_scores": list(scores),
        "metrics_weight": weight or "",  # empty: no weight column (absent: the guess's)
        "metrics_pos_label": pos_label,
        "metrics_drop_invalid": "1" if drop else None,
    }
    for key, value in wanted.items():
        current = params.get_all(key)
        if value is None:
            if current:
                params.pop(key, None)
        elif current != (value if isinstance(value, list) else [value]):  # each write sends the URL
            params[key] = value
