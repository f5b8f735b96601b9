"""The metrics page's data source: a bundled example, an upload (or a table another page hands over), or
files on the server; the column mapping the widgets start from; and reading a source into what the
session keeps (``ui.metrics.kept``).

The session keeps what the page draws, never the rows: an upload is read once, its summary is kept under
:data:`KEPT` and the file itself is let go (``ui.server.forget_upload``). :data:`PENDING` holds the bytes
of an upload only until it has been read (so that a column mapping can be fixed after a failed read). A
bundled example is read and summarised once for every visitor (``ui.compute.shared``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from core.metrics import (
    EXAMPLES,
    MULTICLASS_EXAMPLES,
    ColumnGuess,
    aggregate_files,
    detect_columns,
    expand_sources,
    first_with_rows,
    load_scores,
)
from ui.compute import shared
from ui.i18n import translator
from ui.metrics.data_folder import (
    MAPPING_PARAMS,
    files_id,
    human_size,
    mapping_from_url,
    total_size,
)
from ui.metrics.kept import KeptSource, example_summary, summarize, summarize_counts
from ui.metrics.segment_data import keep_upload_segments
from ui.server import forget_upload, release_memory
from ui.state import session_memo

NS = "metrics"
KEPT = "metrics_kept"  # KeptSource of the user's data (an upload, or a table another page handed over)
KEPT_FILES = "metrics_kept_files"  # KeptSource of files on the server, aggregated by DuckDB
PENDING = "metrics_pending"  # (file id, name, bytes) of an upload not read yet
INCOMING = "metrics_incoming"  # {"name": ..., "table": ScoreTable} set by another page before switch_page
RELEASE_AFTER_RUN = "metrics_release_after_run"  # a file was just read: give memory back once drawn
EXAMPLE_NAMES = [*EXAMPLES, *MULTICLASS_EXAMPLES]  # a multiclass example is drawn by ui.metrics.multiclass
DECIMALS = ["exact", *map(str, range(16))]  # the files' scores rounded before grouping, or not
UPLOAD_TYPES = ["csv", "tsv", "txt", "parquet", "parq", "pq"]
NONE = "—"  # the weight widget's "no weight column"

#: (label, scores, weight, positive label, drop invalid rows): the columns a file is read with
ColumnMapping = tuple[Any, ...]


@dataclass(frozen=True)
class Source:
    """A score source not read yet: what it is, its id and name, and how to open it."""

    kind: str  # "example", "upload" or "files"
    source_id: str
    name: str
    example: Path | None = None  # a bundled example's file
    folder: Path | None = None  # files on the server: the data folder,
    pattern: str = ""  # the pattern in it,
    rounding: str = "exact"  # the decimals the scores are rounded to before grouping,
    paths: tuple[str, ...] = ()  # the files it matches now,
    size: str = ""  # and their size together

    def open(self) -> Any:
        """What the column detection reads: the upload's bytes, the first part with rows, the example."""
        if self.kind == "upload":
            return io.BytesIO(st.session_state[PENDING][2])
        if self.kind == "files":
            return first_with_rows(self.paths)  # a folder of parts may start with an empty one
        return self.example


def source_options(folder: Path | None) -> list[str]:
    """Files on the server only when whoever runs the app names a data folder (ui.metrics.data_folder)."""
    return ["example", "upload", *(["files"] if folder is not None else [])]


# ---------------------------------------------------------------- reading into the session


def _progress_bar() -> tuple[Any, Callable[[float, str], None]]:
    tr = translator(NS)
    bar = st.progress(0.0, text=tr("evaluating"))
    return bar, lambda done, model: bar.progress(done, text=tr("evaluating_model", model=model))


def keep(compute: Callable[[Callable[[float, str], None]], KeptSource], slot: str = KEPT) -> None:
    """Summarise a source (``compute(progress)`` -> KeptSource) into this session; give the memory back."""
    bar, progress = _progress_bar()
    try:
        st.session_state[slot] = compute(progress)
    finally:
        bar.empty()
        release_memory()


def take_incoming() -> dict[str, Any] | None:
    """A table another page handed over (read once, then gone): the source becomes the user's data."""
    incoming = st.session_state.pop(INCOMING, None)
    if incoming is not None:
        st.session_state["metrics_source"] = "upload"  # the user's own data
    return incoming


def keep_incoming(incoming: dict[str, Any]) -> None:
    """Summarise a handed-over table into the session. Raises ValueError (one class only, ...), and then
    keeps nothing."""
    st.session_state.pop(PENDING, None)
    st.session_state["metrics_incoming_count"] = count = st.session_state.get("metrics_incoming_count", 0) + 1
    table, name = incoming["table"], str(incoming["name"])
    try:
        keep(
            lambda progress: summarize(
                table, source_id=f"incoming:{count}", name=name, mapping=(), progress=progress
            )
        )
    except ValueError:
        st.session_state.pop(KEPT, None)
        raise
    st.session_state[RELEASE_AFTER_RUN] = True


def forget_removed_upload() -> None:
    """on_change of the uploader: a file the user removed is not kept."""
    if st.session_state.get("metrics_upload") is None:
        st.session_state.pop(KEPT, None)
        st.session_state.pop(PENDING, None)


def take_upload(upload: object) -> None:
    """A new file from the uploader: take its bytes, and take them out of Streamlit's uploaded-file store
    (which would keep a copy for as long as the server runs); the uploader then hands back a
    ``DeletedFile``, which is not a file (``io.BytesIO``), and is left alone, as is a file already held."""
    held = {st.session_state[PENDING][0]} if PENDING in st.session_state else set()
    if KEPT in st.session_state:
        held.add(st.session_state[KEPT].source_id.removeprefix("upload:"))
    if isinstance(upload, io.BytesIO) and upload.file_id not in held:
        st.session_state[PENDING] = (upload.file_id, upload.name, upload.getvalue())
        st.session_state.pop(KEPT, None)
        forget_upload(upload.file_id, upload, st.session_state.get("metrics_upload"))


def upload_source() -> tuple[KeptSource | None, Source | None]:
    """The kept summary of the user's data, else the upload not read yet, else (None, None)."""
    kept = st.session_state.get(KEPT)
    pending = st.session_state.get(PENDING)
    if kept is not None or pending is None:
        return kept, None
    return None, Source("upload", f"upload:{pending[0]}", pending[1])


#: a path or glob typed or linked for the files on the server: its length, and how many ``**`` it may have
#: (each ``**`` walks every folder below it again: three of them on a deep folder are minutes of globbing)
MAX_PATTERN_CHARS = 500
MAX_GLOBSTARS = 2


def pattern_usable(pattern: str) -> bool:
    """A link's path or glob the page takes (else it is ignored with a note)."""
    return isinstance(pattern, str) and len(pattern) <= MAX_PATTERN_CHARS and "\0" not in pattern


def files_source(folder: Path, pattern: str, rounding: str) -> Source:
    """The files ``pattern`` matches in ``folder`` now. Raises ValueError (ScoreFileError, or a pattern too
    long or with too many ``**``, said in the page's language) or OSError."""
    if not pattern_usable(pattern):
        raise ValueError(translator("metrics")("files_pattern_too_long", most=MAX_PATTERN_CHARS))
    if pattern.count("**") > MAX_GLOBSTARS:
        raise ValueError(translator("metrics")("files_pattern_globstars", most=MAX_GLOBSTARS))
    paths = tuple(expand_sources(pattern, root=folder))
    source_id = f"files:{files_id(paths)}"  # these files as they are now (size, modification time)
    size = human_size(total_size(paths))
    return Source(
        "files", source_id, pattern, folder=folder, pattern=pattern, rounding=rounding, paths=paths, size=size
    )


def example_source(example: str) -> Source:
    path = EXAMPLES[example] if example in EXAMPLES else MULTICLASS_EXAMPLES[example]
    return Source("example", f"example:{example}", path.name, example=path)


# ---------------------------------------------------------------- the column mapping


def guess_of(source: Source) -> ColumnGuess:
    """The columns detected in the source (a bundled example's once for everyone). Raises ScoreFileError."""
    if source.kind == "example":
        return shared(detect_columns, source.example)
    return session_memo("guess", source.source_id, lambda: detect_columns(source.open()))


def start_mapping(source: Source, guess: ColumnGuess) -> ColumnMapping:
    """The mapping the widgets start from: the guess; files on the server start from a link's mapping, or
    from the one they were read with (Streamlit forgets a widget's value when the user looks at another
    source or page, and the summary kept for that mapping would then be hidden behind the guess's).

    A new source also drops the mapping widgets' values: its own guess, not the previous file's choices."""
    if st.session_state.get("metrics_mapping_for") != source.source_id:
        for k in MAPPING_PARAMS:  # the mapping widgets' keys
            st.session_state.pop(k, None)
        st.session_state["metrics_mapping_for"] = source.source_id
    start = (guess.label, tuple(guess.scores), guess.weight, guess.pos_label, False)
    held = st.session_state.get(KEPT_FILES) if source.kind == "files" else None
    if source.kind == "files" and (linked := mapping_from_url(guess)) is not None:
        return linked
    if held is not None and held.source_id.startswith(f"{source.source_id}:"):
        return held.mapping
    return start


def position(options: Sequence[Any], value: Any) -> int:
    """Where ``value`` is among a select box's ``options`` (the first when it is not there)."""
    return list(options).index(value) if value in options else 0


def score_options(guess: ColumnGuess, label: str) -> list[str]:
    return [c for c in guess.columns if c != label]


def kept_in(columns: Sequence[str], offered: Sequence[str]) -> list[str]:
    """The columns of ``columns`` still offered (a multiselect's default must be among its options)."""
    return [c for c in columns if c in offered]


def weight_options(scores_offered: Sequence[str], scores: Sequence[str]) -> list[str]:
    return [NONE, *[c for c in scores_offered if c not in scores]]


def label_values(guess: ColumnGuess, label: str) -> list[Any]:
    """The positive-label choices: the guessed label column's values (none for another column)."""
    return list(guess.label_values) if label == guess.label else []


def mapping_of(
    label: str, scores: Sequence[str], weight: str, pos_label: Any, drop_invalid: bool
) -> ColumnMapping:
    return (label, tuple(scores), None if weight == NONE else weight, pos_label, drop_invalid)


# ---------------------------------------------------------------- reading


def files_kept(source: Source, mapping: ColumnMapping) -> KeptSource | None:
    """The files' summary kept for these files and choices, or None (read on request)."""
    held = st.session_state.get(KEPT_FILES)
    if held is not None and (held.source_id, held.mapping) == (
        f"{source.source_id}:{source.rounding}",
        mapping,
    ):
        return held
    return None


def read_files(source: Source, guess: ColumnGuess, mapping: ColumnMapping) -> None:
    """Aggregate the files by DuckDB and keep their summary in the session. Raises ValueError."""
    decimals = None if source.rounding == "exact" else int(source.rounding)

    def read(progress: Callable[[float, str], None]) -> KeptSource:
        aggregated = aggregate_files(
            source.pattern,  # expanded again, inside the folder (the file names are not patterns)
            root=source.folder,
            label=mapping[0],
            score=list(mapping[1]),
            weight=mapping[2],
            pos_label=mapping[3],
            drop_invalid=mapping[4],
            decimals=decimals,
        )
        return summarize_counts(
            aggregated,
            source_id=f"{source.source_id}:{source.rounding}",
            name=source.name,
            mapping=mapping,
            guess=guess,
            progress=progress,
        )

    keep(read, KEPT_FILES)


def read_upload(source: Source, guess: ColumnGuess, mapping: ColumnMapping) -> None:
    """Read the pending upload with ``mapping`` and keep its summary; its bytes go. Raises ValueError."""

    def read(progress: Callable[[float, str], None]) -> KeptSource:
        table = load_scores(
            source.open(),
            label=mapping[0],
            score=list(mapping[1]),
            weight=mapping[2],
            pos_label=mapping[3],
            drop_invalid=mapping[4],
        )
        keep_upload_segments(source.source_id, source.open, table, mapping)  # the segment columns' tables
        return summarize(
            table,
            source_id=source.source_id,
            name=source.name,
            mapping=mapping,
            guess=guess,
            progress=progress,
        )

    keep(read)
    st.session_state.pop(PENDING, None)  # read: the bytes go
    release_memory()
    st.session_state[RELEASE_AFTER_RUN] = True


def example_kept(source: Source, mapping: ColumnMapping) -> KeptSource:
    """A bundled example's summary, shared by every visitor (read-only). Raises ValueError."""
    return shared(example_summary, source.example, mapping)


def release_after_run() -> None:
    """Once the report of a file just read is drawn: give back what drawing it freed (frames, messages)."""
    if st.session_state.pop(RELEASE_AFTER_RUN, False):
        release_memory()
