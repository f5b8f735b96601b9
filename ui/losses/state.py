"""The loss-functions page's controls: their defaults, their checks when read from a link, the URL."""

from __future__ import annotations

import re
from typing import Any

from core import losses as L
from ui.i18n import t
from ui.state import mirror_into_url, seed_from_url

NS = "losses"
MARGIN_NAMES = list(L.MARGIN_LOSSES)  # zero_one hinge logistic exponential squared
RESIDUAL_NAMES = list(L.RESIDUAL_LOSSES)  # squared absolute huber
MARGIN_RANGE = (-3.0, 3.0)
GRID_POINTS = 241  # per curve: steps of 0.025, on which every kink (m = 0, 1; r = ±δ) and slider value lies
FIT_LAMBDA = 1e-2  # the L2 strength of the fits section (the SVM section has its own slider)
SVM_LAMBDAS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]  # below 1e-3 subgradient descent is too slow
AB_ROUNDS = 200  # the AdaBoost section's most rounds (ours and scikit-learn's: 0.2 s)
SCALES = [1, 10, 100, 1000, 10_000]
REDUCTIONS = ["mean", "sum", "none"]  # torch's reduction= values
DIGITS_TRAIN = 500  # load_digits rows used for training (the rest is the test set)
METRICS_PAGE = "app_pages/metrics.py"
METRICS_KEY = "metrics_incoming"
BOX = (-5.0, 10.0)  # the fits chart's view of the 2-D plane (both axes)

# a fixed colour per loss, the same in every chart of the page
COLOURS = {
    "zero_one": "#7f7f7f",
    "hinge": "#1f77b4",
    "logistic": "#ff7f0e",
    "exponential": "#d62728",
    "squared": "#2ca02c",
    "absolute": "#9467bd",
    "huber": "#8c564b",
}

DEFAULTS: dict[str, Any] = {
    "ls_m": 0.5,
    "ls_delta": 1.0,
    "ls_noise": 0.0,
    "ls_outliers": 0,
    "ls_svm_lam": 0.01,
    "ls_reg_outliers": 4,
    "ls_ce_logits": "2.0, 1.0, 0.1\n0.5, 2.5, -1.0\n-1.0, 0.0, 3.0\n1.2, 1.1, 1.0",
    "ls_ce_target": "0, 1, 2, 2",
    "ls_ce_reduction": "mean",
    "ls_ce_smoothing": 0.0,
    "ls_ce_ignore": -100,
    "ls_ce_weight": "",
    "ls_scale": 1,
    "ls_epochs": 50,
    "ls_ab_noise": 0.1,
    "ls_ab_rounds": 50,
    **{f"ls_show_{name}": True for name in MARGIN_NAMES},
}


#: the longest text each cross-entropy box takes (its widget's max_chars, and a link's bound)
MAX_CHARS = {"ls_ce_logits": 2000, "ls_ce_target": 500, "ls_ce_weight": 500}


WHOLE_ITEM = re.compile(r"[+-]?\d{1,4}")  # a class index or ignore_index (within +-1000)


def _bool(raw: str) -> bool:
    if raw not in ("True", "False"):
        raise ValueError(raw)
    return raw == "True"


_VALID = {
    "ls_m": (float, lambda v: MARGIN_RANGE[0] <= v <= MARGIN_RANGE[1]),
    "ls_delta": (float, lambda v: 0.1 <= v <= 3.0),
    "ls_noise": (float, lambda v: 0.0 <= v <= 0.4),
    "ls_outliers": (int, lambda v: 0 <= v <= 30),
    "ls_svm_lam": (float, lambda v: v in SVM_LAMBDAS),
    "ls_reg_outliers": (int, lambda v: 0 <= v <= 15),
    # a link's batch is taken as typed text (bounded like its box): the section reads it strictly and says
    # what is wrong with it in one sentence, as it does for what a visitor types
    "ls_ce_logits": (str, lambda v: len(v) <= MAX_CHARS["ls_ce_logits"]),
    "ls_ce_target": (str, lambda v: len(v) <= MAX_CHARS["ls_ce_target"]),
    "ls_ce_reduction": (str, lambda v: v in REDUCTIONS),
    "ls_ce_smoothing": (float, lambda v: 0.0 <= v <= 1.0),
    "ls_ce_ignore": (int, lambda v: -1000 <= v <= 1000),
    "ls_ce_weight": (str, lambda v: len(v) <= MAX_CHARS["ls_ce_weight"]),
    "ls_scale": (int, lambda v: v in SCALES),
    "ls_epochs": (int, lambda v: 1 <= v <= 200),
    "ls_ab_noise": (float, lambda v: 0.0 <= v <= 0.4),
    "ls_ab_rounds": (int, lambda v: 1 <= v <= AB_ROUNDS),
    **{f"ls_show_{name}": (_bool, lambda v: isinstance(v, bool)) for name in MARGIN_NAMES},
}


def seed_state() -> None:
    """Every control's starting value: the kept one, else the URL's, else the default."""
    for key, default in DEFAULTS.items():
        parse, valid = _VALID[key]
        seed_from_url(key, default, parse, valid)


def write_url() -> None:
    """Mirror every control into the URL (a control at its default is left out: a clean link)."""
    mirror_into_url(*DEFAULTS, defaults=DEFAULTS)


def loss_label(name: str) -> str:
    return t(f"{NS}.loss_{name}")


def reduction_labels() -> dict[str, str]:
    """torch's ``reduction=`` values, as the page's language names them."""
    return {value: t(f"{NS}.reduction_{value}") for value in REDUCTIONS}
