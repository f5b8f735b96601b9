r"""Binary-classification metrics in numpy: ROC, PR, AUC, KS, Gini, confusion matrix, confidence intervals,
the score-file reader, the report schema and the command line (``python -m core.metrics FILE``).

The notes' chapter on the confusion matrix, made exact and fast. Every function takes

* ``y_true``: binary labels, ``0/1``, ``False/True`` or ``-1/1`` (the positive class is ``1``/``True``);
* ``y_score``: one finite real score per row, higher meaning "more likely positive";
* ``sample_weight`` (where offered): one non-negative weight per row.

and validates them at the door (``_validation._validate``), which raises :class:`ValueError` with a sentence
naming the problem.

One building block serves everything, as in scikit-learn's ``_ranking.py``: the distinct scores in
descending order :math:`t_1 > t_2 > \dots > t_U` and the cumulative (weighted) counts

.. math::

    \mathrm{TP}_k = \sum_{i:\, s_i \ge t_k} w_i\, [y_i = 1], \qquad
    \mathrm{FP}_k = \sum_{i:\, s_i \ge t_k} w_i\, [y_i = 0],

i.e. the confusion matrix of the rule "predict positive where ``score >= t_k``" at every distinct
threshold at once (``_ranking._threshold_counts``). ROC, PR, AUC, AP, KS, the best thresholds, gains and the
threshold table are all arithmetic on these arrays. :func:`evaluate` sorts once and returns an
:class:`Evaluation` holding them, so a threshold slider only does a binary search.

Conventions (the same as scikit-learn's where it has the metric):

* a ratio that is undefined (0/0) is reported as ``0.0``, as scikit-learn's default ``zero_division``;
* ``roc_curve`` starts at the threshold ``inf`` (nothing predicted positive) and drops collinear points
  by scikit-learn's rule; ``precision_recall_curve`` ends at ``precision=1, recall=0``;
* KS is two-sided, :math:`\max_t |\mathrm{TPR}(t) - \mathrm{FPR}(t)|`, equal to ``scipy.stats.ks_2samp``
  (unweighted) for every model; ``Evaluation.ks_direction`` is ``-1`` when the negatives score higher
  (an inverted model, AUC < 0.5) and ``+1`` otherwise.

Where each part lives (this package's public API is this module; the modules behind it are private):

* ``_validation``: labels, scores, weights and thresholds checked at the door;
* ``_ranking``: the cumulative counts and everything computed from them (curves, AUC, AP, KS, Gini) and
  the notes' two AUC methods (``auc_pairwise``, ``auc_rank``);
* ``_averaging``: the four scikit-learn functions' full interface (``pos_label``, multiclass one-vs-rest and
  one-vs-one, multilabel averages, McClish's partial AUC) on the binary figures of ``_ranking``;
* ``_multiclass``: :func:`evaluate_multiclass` (K x K confusion, per-class and averaged precision / recall /
  F1, one-vs-rest curves and AUCs from per-class tables, one-vs-one AUC from the rows, top-k, log loss);
* ``_multiclass_file`` / ``_multiclass_report``: multiclass score files recognised and read, the report as
  HTML and the command line's multiclass path;
* ``_confidence``: AUC confidence intervals and DeLong's test;
* ``_counts``: the aggregated score table (:class:`ScoreCounts`: positives and negatives per distinct
  score), built from rows, from a ``(score, label, count)`` table or rounded to ``k`` decimals with the
  exact bound on the AUC's change, and :func:`evaluate_counts` (= :func:`evaluate` on the rows);
* ``_calibration``: reliability curve, Brier score, log loss, expected calibration error (rows or table);
* ``_bootstrap``: a stratified bootstrap drawn from the table (intervals, ROC and PR bands);
* ``_decisions``: from scores to decisions (the cost of every threshold, the best threshold under a
  constraint, net benefit), from the table;
* ``_duckdb``: the out-of-core engine (``GROUP BY score, label`` in DuckDB into the table above);
* ``_evaluation``: the confusion matrix, display helpers and :func:`evaluate`;
* ``_scores``: the score-file reader (also importable as ``core.scores``, the documented path), composed
  of ``_sources`` (paths, bytes, file objects), ``_sniff`` (encoding, delimiter, decimal mark, header),
  ``_columns`` (column guessing, positive class), ``_csv_parser``, ``_parquet_parser`` (columns guessed
  from the schema and typed values), ``_batches`` (the arrays both fill) and ``_score_file``
  (``ScoreTable``, ``ScoreFileError``, what a cell means);
* ``_report``: display tables and the JSON/HTML report schema shared by the page and the command line;
* ``_cli`` (run by ``__main__``): ``python -m core.metrics FILE [FILE ...]``.
"""

from core.metrics._averaging import (
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from core.metrics._bootstrap import (
    BOOTSTRAP_METRICS,
    THRESHOLD_METRICS,
    Bootstrap,
    bootstrap,
    bootstrap_ci,
    bootstrap_replicates,
    curve_points,
    threshold_intervals,
)
from core.metrics._calibration import (
    brier_score_loss,
    calibration_bin_rows,
    calibration_curve,
    expected_calibration_error,
    log_loss,
)
from core.metrics._comparison import delong_matrix, holm, pairwise_delong
from core.metrics._confidence import MAX_BOOTSTRAP_DRAWS, DeLongTest, auc_confidence_interval, delong_test
from core.metrics._counts import (
    ScoreCounts,
    auc_three_ways,
    counts_from_table,
    counts_of,
    evaluate_counts,
    round_scores,
    score_counts,
)
from core.metrics._decision_report import decision_blocks, row_counts
from core.metrics._decisions import (
    CONSTRAINTS,
    cost_curve,
    min_cost_threshold,
    net_benefit,
    threshold_for,
    treat_all_net_benefit,
)
from core.metrics._duckdb import AggregatedScores, aggregate_files, expand_sources, first_with_rows
from core.metrics._evaluation import (
    Confusion,
    Curve,
    Evaluation,
    confusion_at,
    decimate_curve,
    evaluate,
    score_histogram,
)
from core.metrics._multiclass import (
    MAX_CLASSES,
    MulticlassEvaluation,
    decision_figures,
    evaluate_multiclass,
    multiclass_report,
    multiclass_report_json,
)
from core.metrics._multiclass_file import (
    MULTICLASS_EXAMPLES,
    MulticlassGuess,
    detect_multiclass,
    read_multiclass,
)
from core.metrics._multiclass_report import multiclass_report_html
from core.metrics._ranking import (
    MAX_PAIRWISE_PAIRS,
    PAIRWISE_BLOCK_PAIRS,
    auc_pairwise,
    auc_rank,
    gini,
    ks_statistic,
)
from core.metrics._report import (
    MAX_POINTS,
    METRIC_CURVES,
    AucThreeWays,
    comparison_frame,
    confusion_frame,
    curve_frame,
    file_fields,
    gains_frame,
    histogram_frame,
    jsonable,
    ks_frame,
    ks_gap,
    metrics_frame,
    model_entry,
    report_document,
    report_json,
    summary_row,
)
from core.metrics._scores import (
    EXAMPLES,
    ColumnGuess,
    ScoreFileError,
    ScoreTable,
    detect_columns,
    load_scores,
)
from core.metrics._segments import (
    MISSING_SEGMENT,
    SegmentReport,
    SegmentTables,
    aggregate_segments,
    evaluate_segments,
    read_segment_column,
    segment_candidates,
    segment_tables,
)
from core.metrics._stability import (
    BAND_COLUMNS,
    PSI_COLUMNS,
    band_table,
    psi,
    psi_from_counts,
    quantile_edges,
)

__all__ = [
    "BAND_COLUMNS",
    "BOOTSTRAP_METRICS",
    "CONSTRAINTS",
    "EXAMPLES",
    "MAX_BOOTSTRAP_DRAWS",
    "MAX_CLASSES",
    "MAX_PAIRWISE_PAIRS",
    "MAX_POINTS",
    "METRIC_CURVES",
    "MISSING_SEGMENT",
    "MULTICLASS_EXAMPLES",
    "PAIRWISE_BLOCK_PAIRS",
    "PSI_COLUMNS",
    "THRESHOLD_METRICS",
    "AggregatedScores",
    "AucThreeWays",
    "Bootstrap",
    "ColumnGuess",
    "Confusion",
    "Curve",
    "DeLongTest",
    "Evaluation",
    "MulticlassEvaluation",
    "MulticlassGuess",
    "ScoreCounts",
    "ScoreFileError",
    "ScoreTable",
    "SegmentReport",
    "SegmentTables",
    "aggregate_files",
    "aggregate_segments",
    "auc_confidence_interval",
    "auc_pairwise",
    "auc_rank",
    "auc_three_ways",
    "average_precision_score",
    "band_table",
    "bootstrap",
    "bootstrap_ci",
    "bootstrap_replicates",
    "brier_score_loss",
    "calibration_bin_rows",
    "calibration_curve",
    "comparison_frame",
    "confusion_at",
    "confusion_frame",
    "cost_curve",
    "counts_from_table",
    "counts_of",
    "curve_frame",
    "curve_points",
    "decimate_curve",
    "decision_blocks",
    "decision_figures",
    "delong_matrix",
    "delong_test",
    "detect_columns",
    "detect_multiclass",
    "evaluate",
    "evaluate_counts",
    "evaluate_multiclass",
    "evaluate_segments",
    "expand_sources",
    "expected_calibration_error",
    "file_fields",
    "first_with_rows",
    "gains_frame",
    "gini",
    "histogram_frame",
    "holm",
    "jsonable",
    "ks_frame",
    "ks_gap",
    "ks_statistic",
    "load_scores",
    "log_loss",
    "metrics_frame",
    "min_cost_threshold",
    "model_entry",
    "multiclass_report",
    "multiclass_report_html",
    "multiclass_report_json",
    "net_benefit",
    "pairwise_delong",
    "precision_recall_curve",
    "psi",
    "psi_from_counts",
    "quantile_edges",
    "read_multiclass",
    "read_segment_column",
    "report_document",
    "report_json",
    "roc_auc_score",
    "roc_curve",
    "round_scores",
    "row_counts",
    "score_counts",
    "score_histogram",
    "segment_candidates",
    "segment_tables",
    "summary_row",
    "threshold_for",
    "threshold_intervals",
    "treat_all_net_benefit",
]
