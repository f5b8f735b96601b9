"""The documented path of the score-file reader: ``from core.scores import load_scores, ScoreFileError``.

The code lives with the rest of the metrics topic, in ``core/metrics/_scores.py`` (which composes the
reader's parts: sources, sniffing, column guessing, the CSV and Parquet parsers); this module only
re-exports it (the same objects, so ``except core.scores.ScoreFileError`` catches what
``core.metrics.load_scores`` raises).
"""

from core.metrics._scores import (
    EXAMPLES,
    ColumnGuess,
    ScoreFileError,
    ScoreTable,
    detect_columns,
    load_scores,
)

__all__ = ["EXAMPLES", "ColumnGuess", "ScoreFileError", "ScoreTable", "detect_columns", "load_scores"]
