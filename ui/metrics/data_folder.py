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
