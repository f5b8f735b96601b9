"""The loss-functions page's side of the UI: its controls and URL (:mod:`.state`), its live computations
shared by every visitor (:mod:`.live`), its charts (:mod:`.charts`), and the views the page draws, one
per section (:mod:`.views`, and :mod:`.batch` for the editable cross-entropy batch)."""

from ui.losses.batch import CrossEntropyView, cross_entropy_view, overflow_view
from ui.losses.state import (
    AB_ROUNDS,
    FIT_LAMBDA,
    MARGIN_RANGE,
    MAX_CHARS,
    REDUCTIONS,
    SCALES,
    SVM_LAMBDAS,
    reduction_labels,
    seed_state,
    write_url,
)
from ui.losses.views import (
    bce_view,
    boost_view,
    capacity_view,
    curve_labels,
    fits_view,
    formula_table,
    log_chain_view,
    margin_view,
    mistake_view,
    open_in_metrics,
    regression_view,
    residual_view,
    risk_view,
    svm_view,
)

__all__ = [
    "AB_ROUNDS",
    "FIT_LAMBDA",
    "MARGIN_RANGE",
    "MAX_CHARS",
    "REDUCTIONS",
    "SCALES",
    "SVM_LAMBDAS",
    "CrossEntropyView",
    "bce_view",
    "boost_view",
    "capacity_view",
    "cross_entropy_view",
    "curve_labels",
    "fits_view",
    "formula_table",
    "log_chain_view",
    "margin_view",
    "mistake_view",
    "open_in_metrics",
    "overflow_view",
    "reduction_labels",
    "regression_view",
    "residual_view",
    "risk_view",
    "seed_state",
    "svm_view",
    "write_url",
]
