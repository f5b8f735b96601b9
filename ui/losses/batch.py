"""The cross-entropy section's editable batch: parsing what the visitor typed, and the section's views.

The batch is small (at most 20 x 10 logits), so its figures are computed on each run, not shared.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core import losses as L
from ui.compute import shared
from ui.format import fmt
from ui.i18n import t
from ui.layout import Check
from ui.losses.state import NS, WHOLE_ITEM
from ui.losses.views import row_text

# --------------------------------------------------------------------------------------------------
# Parsing the editable batch
# --------------------------------------------------------------------------------------------------

_SPLIT = re.compile(r"[,\s;]+")


def parse_numbers(text: str, what: str) -> list[float]:
    items = [s for s in _SPLIT.split(text.strip()) if s]
    values = []
    for item in items:
        try:
            values.append(float(item))
        except ValueError:
            raise ValueError(t(f"{NS}.parse_not_number", what=what, item=item[:20])) from None
    return values


def parse_logits(text: str) -> np.ndarray:
    rows = [parse_numbers(line, t(f"{NS}.what_logits")) for line in text.strip().splitlines() if line.strip()]
    if not rows:
        raise ValueError(t(f"{NS}.parse_empty"))
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        raise ValueError(t(f"{NS}.parse_ragged", widths=", ".join(str(len(r)) for r in rows)))
    logits = np.array(rows)
    if logits.shape[1] < 2 or logits.shape[0] > 20 or logits.shape[1] > 10:
        raise ValueError(t(f"{NS}.parse_size", n=logits.shape[0], c=logits.shape[1]))
    if not np.isfinite(logits).all():  # NaN, inf, or a number past float64 ("9" * 400)
        raise ValueError(t(f"{NS}.parse_nan"))
    return logits


def parse_targets(text: str, n: int, c: int, ignore_index: int) -> np.ndarray:
    """One class index per row: a whole number written as one (``2``, not ``2.0``, ``1e30`` or ``inf``),
    0..c-1 or ``ignore_index``, checked on the text before any conversion (``int(inf)`` is never
    reached)."""
    items = [s for s in _SPLIT.split(text.strip()) if s]
    for item in items:
        if not WHOLE_ITEM.fullmatch(item) or (int(item) not in range(c) and int(item) != ignore_index):
            raise ValueError(t(f"{NS}.parse_target_item", item=item[:20], top=c - 1, ignore=ignore_index))
    if len(items) != n:
        raise ValueError(t(f"{NS}.parse_targets", n=n, got=len(items)))
    return np.array([int(item) for item in items], dtype=np.int64)


def parse_weight(text: str, c: int) -> np.ndarray | None:
    if not text.strip():
        return None
    values = parse_numbers(text, t(f"{NS}.what_weight"))
    if len(values) != c or not all(math.isfinite(v) and v >= 0 for v in values):
        raise ValueError(t(f"{NS}.parse_weight", c=c, got=len(values)))
    return np.array(values)


def torch_cross_entropy(logits, target, reduction, weight, ignore_index, smoothing):
    import torch
    import torch.nn.functional as F

    out = F.cross_entropy(
        torch.tensor(logits, dtype=torch.float64),
        torch.tensor(target),
        weight=None if weight is None else torch.tensor(weight, dtype=torch.float64),
        ignore_index=ignore_index,
        reduction=reduction,
        label_smoothing=smoothing,
    )
    return out.numpy() if reduction == "none" else float(out)


def _torch_cross_entropy_of(logits: tuple, target: tuple, reduction, weight, ignore_index, smoothing):
    """:func:`torch_cross_entropy` of a batch given as (hashable) tuples."""
    w = None if weight is None else np.array(weight, dtype=np.float64)
    out = torch_cross_entropy(
        np.array(logits, dtype=np.float64),
        np.array(target, dtype=np.int64),
        reduction,
        w,
        ignore_index,
        smoothing,
    )
    return np.asarray(out)


# --- the section's views -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrossEntropyView:
    logits: np.ndarray  # the parsed batch (N, C)
    steps: pd.DataFrame | None  # every intermediate per example (None if no target is a class)
    plain_mean: str | None  # their mean, the unweighted, unsmoothed cross-entropy
    result: str  # F.cross_entropy with the chosen options
    all_ignored: bool  # every target ignored: the mean is NaN, as in torch
    check: Check
    mistake: dict[str, Any] | None  # the figures of losses.mistake_batch (None if no target is a class)


def cross_entropy_view(
    logits_text: str,
    target_text: str,
    weight_text: str,
    reduction: str,
    smoothing: float,
    ignore_index: int,
) -> CrossEntropyView:
    """The typed batch taken apart and checked against torch; ValueError (one sentence) for bad input."""
    logits = parse_logits(logits_text)
    target = parse_targets(target_text, logits.shape[0], logits.shape[1], ignore_index)
    weight = parse_weight(weight_text, logits.shape[1])
    result = L.cross_entropy(logits, target, reduction, weight, ignore_index, smoothing)
    # the examples whose target is a class (the others are ignored or refused)
    usable = (target >= 0) & (target < logits.shape[1])
    steps_table, plain_mean, mistake = None, None, None
    if usable.any():
        steps = L.cross_entropy_steps(logits[usable], target[usable])
        steps_table = _steps_table(logits[usable], target[usable], steps)
        plain_mean = fmt(steps["mean"], 6)
        right = L.cross_entropy(logits[usable], target[usable])
        wrong = L.cross_entropy(L.softmax(logits, axis=1)[usable], target[usable])
        low, uniform = L.softmax_twice_bounds(logits.shape[1])
        mistake = {
            "right": fmt(right, 5),
            "wrong": fmt(wrong, 5),
            "low": fmt(low, 4),
            "high": fmt(low + 1.0, 4),  # certain and wrong: ln(e + C - 1)
            "uniform": fmt(uniform, 4),
            "c": logits.shape[1],
        }
    shown = row_text(np.asarray(result), 5) if reduction == "none" else fmt(float(result), 8)
    ours = np.asarray(result, dtype=np.float64)
    ref = np.asarray(  # through the shared store: the default batch's is computed ahead (ui/shipped.py)
        shared(
            _torch_cross_entropy_of,
            tuple(map(tuple, logits.tolist())),
            tuple(target.tolist()),
            reduction,
            None if weight is None else tuple(weight.tolist()),
            ignore_index,
            smoothing,
        )
    )
    nan = np.isnan(ours)
    if (nan != np.isnan(ref)).any():
        diff = np.inf  # NaN in one and not the other
    else:
        diff = float(np.abs(ours[~nan] - ref[~nan]).max()) if (~nan).any() else 0.0
    check = Check("torch.nn.functional.cross_entropy", diff, 1e-12)
    return CrossEntropyView(logits, steps_table, plain_mean, shown, bool(nan.all()), check, mistake)


def _steps_table(logits: np.ndarray, target: np.ndarray, steps: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "n": i,
                "z": row_text(row, 3),
                t(f"{NS}.col_max_z"): fmt(steps["shift"][i], 4),
                t(f"{NS}.col_lse"): fmt(steps["logsumexp"][i], 5),
                t(f"{NS}.col_log_softmax"): row_text(steps["log_softmax"][i], 4),
                t(f"{NS}.col_softmax"): row_text(steps["softmax"][i], 3),
                "y": int(y),
                t(f"{NS}.col_picked"): fmt(steps["picked"][i], 5),
                t(f"{NS}.col_nll"): fmt(steps["losses"][i], 5),
            }
            for i, (row, y) in enumerate(zip(logits, target, strict=True))
        ]
    )


def overflow_view(logits: np.ndarray, scale: int) -> tuple[pd.DataFrame, bool]:
    """The batch's first row times ``scale`` through the naive and the stable softmax; whether the naive
    one broke (NaN)."""
    scaled = logits[:1] * scale
    naive = L.softmax_naive(scaled)[0]
    stable = L.softmax(scaled, axis=1)[0]
    table = pd.DataFrame(
        {
            t(f"{NS}.overflow_col_what"): [
                t(f"{NS}.overflow_logits"),
                t(f"{NS}.overflow_naive"),
                t(f"{NS}.overflow_stable"),
            ],
            t(f"{NS}.overflow_col_values"): [row_text(scaled[0], 5), row_text(naive, 4), row_text(stable, 4)],
        }
    )
    return table, bool(np.isnan(naive).any())
