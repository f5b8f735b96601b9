r"""Out of core: a CSV or Parquet file (or several, or a glob) aggregated in DuckDB into score tables.

Every ranking figure needs only the (weighted) positives and negatives at each distinct score
(``core.metrics._counts``), so the rows never have to be in this process at once: DuckDB (embedded, no
server) streams the files and runs, in one scan for every score column,

.. code-block:: sql

    SELECT model, score, label, COUNT(*) AS rows, SUM(weight) AS weight
    FROM (UNPIVOT (SELECT label, score_a, score_b, ... FROM read_csv([...])) ON score_a, score_b, ...)
    GROUP BY ALL

(``ROUND(score, k)`` with ``decimals=k``), memory bounded by its ``memory_limit`` (it spills to disk
beyond it). Memory in this process is O(distinct scores): the result of the ``GROUP BY``.

The mapping (label column, positive value, weight and score columns) is decided as the in-memory reader
decides it, by :func:`core.scores.detect_columns` on samples of the first file, and the labels are then
matched in SQL by the reader's rules (case and spaces ignored, ``1`` equals ``1.0``). Rows with a missing
or unexpected label, or a missing, non-numeric or infinite score or weight, make an error (counted, with
what to do) unless ``drop_invalid`` is set, when they are dropped and counted in ``n_dropped``. What this
engine does not do that the in-memory reader does: name the first bad row, read GBK-encoded files, and
keep the rows (no bootstrap interval, no DeLong comparison of two models, which pair rows).
"""

from __future__ import annotations

import glob as globbing
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core._validation import check_whole
from core.metrics._columns import canonical
from core.metrics._counts import ScoreCounts, counts_from_table
from core.metrics._score_file import ScoreFileError
from core.metrics._scores import detect_columns
from core.metrics._sources import is_parquet

__all__ = ["AggregatedScores", "aggregate_files", "expand_sources", "first_with_rows"]

# DuckDB's own memory cap for the GROUP BY (it spills to its temp directory beyond it)
DEFAULT_MEMORY_LIMIT = "512MB"
# one thread: one hash table of the groups (see aggregate_files)
DEFAULT_THREADS = 1
# the encodings DuckDB's CSV reader decodes itself (the reader's other one, GBK, is not among them)
_DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16"}


@dataclass
class AggregatedScores:
    """What :func:`aggregate_files` read: one :class:`ScoreCounts` per score column and the file's mapping.

    The attributes a report header needs have the names of :class:`core.scores.ScoreTable`'s
    (``n_rows``, ``n_dropped``, ``n_positive``, ``n_negative``, ``label_column`` ...), so
    ``core.metrics.file_fields`` takes either.
    """

    counts: dict[str, ScoreCounts]
    label_column: str
    weight_column: str | None
    pos_label: str
    neg_label: str
    n_rows: int
    n_dropped: int
    n_positive: int
    n_negative: int
    encoding: str
    delimiter: str
    decimal: str
    files: list[str] = field(default_factory=list)
    # every weight (of the rows kept) is a whole number: the weight column is a count column, standing
    # for rows (True without a weight column)
    whole_weights: bool = True

    @property
    def score_columns(self) -> list[str]:
        """Names of the score columns (the models), in file order."""
        return list(self.counts)


def expand_sources(sources: str | Sequence[str], *, root: str | os.PathLike[str] | None = None) -> list[str]:
    """Paths from paths and glob patterns (``*``, ``?``, ``[...]``, ``**``), sorted per pattern; a
    pattern that matches nothing, a missing path or a folder is a :class:`ScoreFileError`.

    ``root``: a folder the files must be in (the page's data folder, named by whoever runs the app;
    the patterns come from visitors). Paths and patterns are then relative to it; an absolute path is
    accepted only inside it, and a ``..`` part is refused before the disk is looked at, so nothing
    outside the folder is globbed, probed or named in a message. Matches are looked for inside the
    folder only, and a file whose real path is outside (a symbolic link leading out) is left out of a
    glob's matches and refused when named. The paths returned are absolute. A file named twice (by two
    patterns, or through a linked folder that ``**`` walks into) is returned once: its rows are read
    once."""
    if isinstance(sources, str | os.PathLike):
        sources = [os.fspath(sources)]
    if root is None:
        paths = [path for source in sources for path in _expand(os.fspath(source))]
    else:
        base = os.path.realpath(os.fspath(root))
        if not os.path.isdir(base):
            raise ScoreFileError(
                "metrics.no_data_folder",
                f"The data folder '{os.fspath(root)}' does not exist.",
                folder=os.fspath(root),
            )
        given = os.path.abspath(os.fspath(root))
        paths = []
        for source in sources:
            relative = _relative_to_folder(os.fspath(source), (base, given))
            paths.extend(_expand_in_folder(relative, base))
    if not paths:
        raise ScoreFileError(
            "metrics.no_file_given", "No file given: name a CSV or Parquet file, several, or a glob pattern."
        )
    return _once_each(paths)


def _once_each(paths: list[str]) -> list[str]:
    """``paths`` without the files already named (by their real path), in order."""
    seen: set[str] = set()
    unique = []
    for path in paths:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def _expand(source: str) -> list[str]:
    """The files a path or pattern names (anywhere: the command line's user names their own files)."""
    if globbing.has_magic(source):
        matched = sorted(p for p in globbing.glob(source, recursive=True) if os.path.isfile(p))
        if not matched:
            raise ScoreFileError("metrics.no_match", f"No file matches {source!r}.", pattern=repr(source))
        return matched
    _check_file(source, source)
    return [source]


def _check_file(path: str, shown: str) -> None:
    if os.path.isdir(path):
        raise ScoreFileError(
            "metrics.is_a_folder",
            f"'{shown}' is a folder: name its files, e.g. '{shown.rstrip('/')}/*.parquet' or "
            f"'{shown.rstrip('/')}/**/*.csv'.",
            path=shown,
            folder=shown.rstrip("/"),
        )
    if not os.path.isfile(path):
        raise ScoreFileError(
            "metrics.no_such_file", f"Cannot read the file '{shown}': no such file.", path=shown
        )


_OUTSIDE = "Only files inside the data folder can be read: give a path relative to it, without '..'."


def _relative_to_folder(source: str, folders: tuple[str, ...]) -> str:
    """``source`` relative to the data folder, checked on the text alone (the disk is not touched)."""
    if os.path.isabs(source):
        normal = os.path.normpath(source)
        inside = [f for f in folders if normal == f or normal.startswith(f.rstrip(os.sep) + os.sep)]
        if not inside:
            raise ScoreFileError("metrics.outside_folder", _OUTSIDE)
        source = os.path.relpath(normal, inside[0])
    if ".." in Path(source).parts:
        raise ScoreFileError("metrics.outside_folder", _OUTSIDE)
    return source


def _expand_in_folder(relative: str, base: str) -> list[str]:
    """The files ``relative`` names inside ``base`` whose real path is inside it too."""

    def inside(path: str) -> bool:
        return os.path.commonpath([base, os.path.realpath(path)]) == base

    if globbing.has_magic(relative):
        matched = sorted(globbing.glob(relative, root_dir=base, recursive=True))
        files = [p for p in (os.path.join(base, m) for m in matched) if os.path.isfile(p) and inside(p)]
        if not files:
            raise ScoreFileError(
                "metrics.no_match_in_folder",
                f"No file in the data folder matches {relative!r}.",
                pattern=repr(relative),
            )
        return files
    path = os.path.join(base, relative)
    _check_file(path, relative)
    if not inside(path):
        raise ScoreFileError("metrics.outside_folder", _OUTSIDE)
    return [path]


def first_with_rows(paths: Sequence[str]) -> str:
    """The first of ``paths`` with a data row (a Parquet file with rows, a CSV file with a line after
    its header), where columns are best guessed: a folder of parts written by Spark or DuckDB often
    starts with an empty one. The first path when none has rows (reading it says why)."""
    for path in paths:
        try:
            if is_parquet(path):
                import pyarrow.parquet as pq

                if pq.ParquetFile(path).metadata.num_rows > 0:
                    return path
            else:
                with open(path, "rb") as handle:
                    head = handle.read(1 << 16)
                if sum(1 for line in head.splitlines() if line.strip()) >= 2:
                    return path
        except Exception:  # an unreadable file: reading it gives the error in its own words
            return path
    return paths[0]


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source_sql(paths: list[str], parquet: bool, guess: Any, typed: bool, text: Sequence[str] = ()) -> str:
    """``read_parquet([...])`` or ``read_csv([...], ...)`` with the reader's delimiter and decimal mark.

    ``typed``: score and weight columns read as DOUBLE by DuckDB (fast; a non-numeric value is an
    error); otherwise as text and cast with TRY_CAST (to drop invalid rows). ``text``: more columns read
    as text (a segment column)."""
    files = "[" + ", ".join(_quote_text(p) for p in paths) + "]"
    if parquet:
        return f"read_parquet({files}, union_by_name = true)"
    encoding = _DUCKDB_ENCODINGS.get(guess.encoding)
    if encoding is None:
        raise ScoreFileError(
            f"The file is encoded as {guess.encoding}, which the DuckDB engine cannot decode: convert it to "
            "UTF-8 or use --engine memory."
        )
    numeric = [*guess.scores, *([guess.weight] if guess.weight else [])]
    kind = "DOUBLE" if typed else "VARCHAR"
    types = (
        "{"
        + ", ".join(f"{_quote_text(c)}: '{kind}'" for c in numeric)
        + "".join(f", {_quote_text(c)}: 'VARCHAR'" for c in text)
        + f", {_quote_text(guess.label)}: 'VARCHAR'}}"
    )
    options = [
        "header = true",
        f"delim = {_quote_text(guess.delimiter)}",
        "quote = '\"'",
        f"types = {types}",
        f"encoding = {_quote_text(encoding)}",
        "union_by_name = true",
    ]
    if guess.decimal != ".":
        options.append(f"decimal_separator = {_quote_text(guess.decimal)}")
    return f"read_csv({files}, {', '.join(options)})"


def aggregate_files(
    sources: str | Sequence[str],
    *,
    root: str | os.PathLike[str] | None = None,
    label: str | None = None,
    score: str | Sequence[str] | None = None,
    weight: str | None = None,
    pos_label: Any = None,
    drop_invalid: bool = False,
    decimals: int | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int | None = DEFAULT_THREADS,
) -> AggregatedScores:
    """Aggregate score files in DuckDB, out of core, into one :class:`ScoreCounts` per score column.

    ``sources``: a path, a glob, or a list of them; all CSV or all Parquet, with the same columns; with
    ``root``, inside that folder only (see :func:`expand_sources`). The columns are guessed on the first
    file with rows.
    ``label``, ``score``, ``weight``, ``pos_label``, ``drop_invalid``: as :func:`core.scores.load_scores`.
    ``decimals``: round the scores to this many places in SQL (``ROUND``, half away from zero) before
    grouping, for files with too many distinct scores; each table then carries the AUC bound
    (:meth:`ScoreCounts.rounded`). ``memory_limit`` caps DuckDB's memory (it spills the GROUP BY to a
    temporary folder beyond it). ``threads``: 1 by default, because each thread builds its own hash
    table of the groups before they are merged: a 100M-row CSV with a million distinct scores runs out
    of 512 MB with two threads and fits with one (peak RSS 630 MiB here); with more memory, more
    threads (``None``: DuckDB's choice, the cores) are faster on an idle machine.

    Unweighted, ``evaluate_counts`` on the result equals ``evaluate`` on the rows (the same counts);
    with a weight column the sums are DuckDB's, equal to float64 rounding.
    """
    import duckdb

    check_whole("decimals", decimals, low=0, high=15, none_ok=True)
    paths = expand_sources(sources, root=root)
    for path in paths:
        # DuckDB globs '*', '?' and '[' (glob's own magic characters) even in the name of a file that exists
        if globbing.has_magic(path):
            raise ScoreFileError(
                "metrics.path_is_a_pattern",
                f"The file '{_shown(path, root)}' has '*', '?' or '[' in its path, which DuckDB reads as a "
                "pattern: rename it (or read it with the memory engine, --engine memory).",
                path=_shown(path, root),
            )
    kinds = {is_parquet(p) for p in paths}
    if len(kinds) > 1:
        raise ScoreFileError("metrics.mixed_kinds", "The files mix CSV and Parquet: give files of one kind.")
    parquet = kinds.pop()
    sample = first_with_rows(paths)
    guess = detect_columns(sample, label=label, score=score, weight=weight, pos_label=pos_label)
    if guess.label is None or guess.pos_label is None or not guess.scores:
        raise ScoreFileError(" ".join(guess.notes) or "The label or score columns cannot be guessed.")
    y = _quote_identifier(guess.label)
    source = _source_sql(paths, parquet, guess, typed=not drop_invalid)
    models = [_quote_identifier(c) for c in guess.scores]
    # dropping invalid rows: a cell that is not a number becomes NULL (CSV cells are read as text then)
    as_double = (lambda c: f"TRY_CAST({c} AS DOUBLE)") if drop_invalid else (lambda c: c)
    weight_sql = as_double(_quote_identifier(guess.weight)) if guess.weight else "1.0"
    columns = ", ".join(f"CAST({as_double(c)} AS DOUBLE) AS {c}" for c in models)
    finite = " AND ".join(f"isfinite({c})" for c in models)
    rounded = "s" if decimals is None else f"round(s, {decimals})"
    if len(models) == 1:
        long = f"SELECT ok, y_raw, w, {models[0]} AS s, {_quote_text(guess.scores[0])} AS model FROM checked"
    else:
        long = f"SELECT * FROM checked UNPIVOT INCLUDE NULLS (s FOR model IN ({', '.join(models)}))"
    # The label is grouped by its raw value (a handful of distinct values) and mapped to positive /
    # negative here, by the reader's rules: no string work per row in SQL.
    sql = f"""
        WITH src AS (
            SELECT {y} AS y_raw, CAST({weight_sql} AS DOUBLE) AS w, {columns} FROM {source}
        ),
        checked AS (
            SELECT coalesce(isfinite(w) AND {finite}, false) AS ok, * FROM src
        ),
        long AS ({long})
        SELECT model, ok, y_raw, CASE WHEN ok THEN {rounded} END AS s,
               count(*) AS n, sum(CASE WHEN ok THEN w END) AS w, min(CASE WHEN ok THEN w END) AS min_w,
               max(CASE WHEN ok THEN abs(w - round(w)) END) AS frac_w
        FROM long GROUP BY ALL
    """
    fast = len(models) == 1 and guess.weight is None
    if fast:
        # One score column and no weight (the common large file): only COUNT(*) per (label, score);
        # a row is invalid exactly when its score is (NULL, NaN or infinite: checked on the groups).
        score_sql = f"CAST({as_double(models[0])} AS DOUBLE)"
        if decimals is not None:
            score_sql = f"round({score_sql}, {decimals})"
        sql = f"""
            SELECT {y} AS y_raw, {score_sql} AS s, count(*) AS n
            FROM {source} GROUP BY ALL
        """
    # DuckDB spills its GROUP BY to disk beyond memory_limit, into a temporary folder of our own
    spill = tempfile.mkdtemp(prefix="metrics-duckdb-")
    connection = duckdb.connect(
        config={"memory_limit": memory_limit, "preserve_insertion_order": False, "temp_directory": spill}
    )
    try:
        # no progress bar: DuckDB would draw it on the terminal, into the command line's JSON
        connection.execute("SET enable_progress_bar = false")
        if threads is not None:
            connection.execute(f"SET threads = {int(threads)}")
        result = connection.execute(sql).fetchnumpy()
        if fast:
            result = _fast_result(result, guess.scores[0])
    except duckdb.Error as exc:
        raise _read_error(str(exc), root) from None
    finally:
        connection.close()
        shutil.rmtree(spill, ignore_errors=True)
    return _tables(result, guess, paths, parquet, drop_invalid, decimals)


_CSV_CONVERSION = re.compile(
    r'CSV Error on Line: (?P<line>\d+).*?converting column "(?P<column>.*?)"\. '
    r'Could not convert string "(?P<value>.*?)"',
    re.S,
)
_CAST_CONVERSION = re.compile(
    r"Could not convert string '(?P<value>.*?)' to \w+ when casting from source column (?P<column>.+?)$", re.M
)
_FIX_INVALID = "fix it, or drop invalid rows (drop_invalid=True, --drop-invalid) to skip every such row."


def _shown(path: str, root: str | os.PathLike[str] | None) -> str:
    """A file as a message names it: relative to the data folder (nothing of the server outside it)."""
    return os.path.relpath(path, os.path.realpath(os.fspath(root))) if root is not None else path


def _read_error(message: str, root: str | os.PathLike[str] | None) -> ScoreFileError:
    """One sentence for DuckDB's error ``message`` (which goes on with its reader's every option)."""
    if "Out of Memory" in message:
        return ScoreFileError(
            "metrics.duckdb_out_of_memory",
            "DuckDB ran out of memory grouping the scores: give it more (memory_limit, --duckdb-memory) or "
            "round the scores to fewer decimals (decimals, --decimals).",
        )
    if (found := _CSV_CONVERSION.search(message)) is not None:
        file = re.search(r"^\s*file = (.*)$", message, re.M)
        line, column, value = f"{int(found['line']):,}", repr(found["column"]), repr(found["value"])
        text = f"The column {column} has {value}, which is not a number, in line {line}"
        if file is None:
            return ScoreFileError(
                "metrics.duckdb_not_a_number_at",
                f"{text}: {_FIX_INVALID}",
                column=column,
                value=value,
                line=line,
            )
        shown = _shown(file[1], root)
        return ScoreFileError(
            "metrics.duckdb_not_a_number_in",
            f"{text} of '{shown}': {_FIX_INVALID}",
            column=column,
            value=value,
            line=line,
            file=shown,
        )
    if (found := _CAST_CONVERSION.search(message)) is not None:
        column = found["column"].strip()
        return ScoreFileError(
            "metrics.duckdb_not_a_number",
            f"The column {column!r} has {found['value']!r}, which is not a number: {_FIX_INVALID}",
            column=repr(column),
            value=repr(found["value"]),
        )
    first = message.strip().split("\n\n")[0]  # the error itself, before DuckDB's notes and options
    detail = " ".join(first.split())
    return ScoreFileError(
        "metrics.duckdb_unreadable", f"DuckDB cannot read the files: {detail}", detail=detail
    )


def _fast_result(result: dict[str, Any], name: str) -> dict[str, Any]:
    """The fast query's groups in the general query's columns (model, ok, y_raw, s, n, w, min_w, frac_w)."""
    n = np.asarray(result["n"], dtype=np.int64)
    s = np.ma.filled(np.ma.asarray(result["s"], dtype=np.float64), np.nan)
    ok = np.isfinite(s)
    return {
        "model": np.full(n.size, name, dtype=object),
        "ok": ok,
        "y_raw": result["y_raw"],
        "s": np.where(ok, s, np.nan),
        "n": n,
        "w": np.where(ok, n, 0).astype(np.float64),
        "min_w": np.where(ok, 1.0, np.nan),
        "frac_w": np.where(ok, 0.0, np.nan),
    }


def _label_codes(raw: Any, guess: Any) -> np.ndarray:
    """1 / 0 for the positive / negative label value (the reader's rules: case, spaces, 1 = 1.0), -1 for
    anything else or a missing label."""
    positive = canonical(str(guess.pos_label), guess.decimal)
    negative = canonical(str(guess.neg_label), guess.decimal)
    values = np.ma.asarray(raw)
    missing = np.ma.getmaskarray(values)
    # one comparison per distinct raw value (pandas' hash factorisation of the groups' labels)
    index, distinct = pd.factorize(np.asarray(values.data), use_na_sentinel=True)
    mapped = np.array(
        [
            1 if text == positive else 0 if text == negative else -1
            for text in (canonical(str(value), guess.decimal) for value in distinct.tolist())
        ]
        + [-1],
        dtype=np.int64,
    )
    # index -1 (a missing value) picks the appended -1
    codes = mapped[index]
    codes[missing] = -1
    return codes


def _tables(
    result: dict[str, np.ndarray],
    guess: Any,
    paths: list[str],
    parquet: bool,
    drop_invalid: bool,
    decimals: int | None,
) -> AggregatedScores:
    """Score tables from the GROUP BY's rows; the invalid rows counted (an error unless dropped)."""
    model = np.asarray(result["model"]).astype(str)
    rows = np.asarray(result["n"], dtype=np.int64)
    labels = _label_codes(result["y_raw"], guess)
    # a row is valid with a finite score (every model) and weight, and a label of the two classes
    ok = np.asarray(result["ok"], dtype=bool) & (labels >= 0)
    # the rows of one model stand for every row of the files (UNPIVOT INCLUDE NULLS keeps them all)
    first = model == guess.scores[0]
    n_total = int(rows[first].sum())
    n_bad = int(rows[first & ~ok].sum())
    if n_bad and not drop_invalid:
        raise invalid_rows_error(n_bad, n_total, guess)
    min_weight = np.ma.masked_invalid(np.ma.asarray(result["min_w"], dtype=np.float64)).min()
    if guess.weight is not None and min_weight is not np.ma.masked and float(min_weight) < 0:
        raise ScoreFileError(
            "metrics.negative_weights",
            f"The weight column {guess.weight!r} has negative values (the smallest is "
            f"{float(min_weight):g}): weights and counts must be zero or more.",
            column=repr(guess.weight),
            smallest=f"{float(min_weight):g}",
        )
    n_valid = n_total - n_bad
    if n_valid == 0:
        raise ScoreFileError(
            "metrics.no_row_left", "No row is left to evaluate: every row has a missing or invalid value."
        )
    scores = np.asarray(np.ma.filled(np.ma.asarray(result["s"], dtype=np.float64), np.nan), dtype=np.float64)
    weights = np.asarray(np.ma.filled(np.ma.asarray(result["w"], dtype=np.float64), 0.0), dtype=np.float64)
    keep = first & ok
    n_positive = int(rows[keep & (labels == 1)].sum())
    # max |w - round(w)| over every group of valid rows: 0 when each weight is a whole number
    fractions = np.ma.masked_invalid(np.ma.asarray(result["frac_w"], dtype=np.float64)[ok]).max()
    whole_weights = fractions is np.ma.masked or float(fractions) == 0.0
    counts = {}
    for name in guess.scores:
        mine = (model == name) & ok
        if guess.weight is None:
            table = counts_from_table(scores[mine], labels[mine], rows[mine], weighted=False)
        else:
            table = counts_from_table(
                scores[mine], labels[mine], weights[mine], weighted=True, n_rows=n_valid
            )
        counts[name] = table.rounded(decimals) if decimals is not None else table
    return AggregatedScores(
        counts=counts,
        label_column=guess.label,
        weight_column=guess.weight,
        pos_label=guess.pos_label,
        neg_label=guess.neg_label,
        n_rows=n_valid,
        n_dropped=n_bad,
        n_positive=n_positive,
        n_negative=n_valid - n_positive,
        encoding="parquet" if parquet else guess.encoding,
        delimiter=guess.delimiter,
        decimal=guess.decimal,
        files=paths,
        whole_weights=whole_weights,
    )


def invalid_rows_error(n_bad: int, n_total: int, guess) -> ScoreFileError:
    """The error for rows with a missing or unexpected label, or a missing or infinite score or weight."""
    return ScoreFileError(
        "metrics.invalid_rows",
        f"{n_bad:,} of {n_total:,} rows have a missing or unexpected label (not {guess.pos_label!r} or "
        f"{guess.neg_label!r}) or a missing or infinite score or weight: fix them, or drop invalid rows "
        "(drop_invalid=True, --drop-invalid) to skip every such row.",
        bad=f"{n_bad:,}",
        total=f"{n_total:,}",
        positive=repr(guess.pos_label),
        negative=repr(guess.neg_label),
    )
