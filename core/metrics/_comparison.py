r"""Many models on the same rows: their ranking table and the pairwise DeLong matrix with Holm's
correction for the number of pairs compared.

DeLong's covariance of :math:`k` AUCs (``_confidence._delong_covariance``) is computed once for all the
models; each pair's test is then :math:`z = (A_a - A_b) / \sqrt{S_{aa} + S_{bb} - 2 S_{ab}}`, the same
figure as :func:`core.metrics.delong_test` on that pair. With :math:`m = k(k-1)/2` tests, Holm's
step-down correction (Holm 1979) keeps the chance of any false rejection at the level: with the raw
p-values sorted, :math:`p_{(1)} \le \dots \le p_{(m)}`,

.. math::

    \tilde p_{(i)} = \max_{j \le i} \min\big(1, (m - j + 1)\, p_{(j)}\big).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from core.metrics._confidence import _delong_components, _delong_covariance
from core.metrics._ranking import _auc_from_counts, _threshold_counts
from core.metrics._validation import _validate

__all__ = ["delong_matrix", "holm", "pairwise_delong"]


def holm(p_values: ArrayLike) -> np.ndarray:
    r"""Holm's step-down adjusted p-values, in the order given:
    :math:`\tilde p_{(i)} = \max_{j \le i} \min(1, (m - j + 1) p_{(j)})` over the sorted p-values."""
    p = np.asarray(p_values, dtype=np.float64).reshape(-1)
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("p-values must be numbers from 0 to 1.")
    m = p.size
    order = np.argsort(p, kind="stable")
    # (m - j + 1) p_(j), j = 1..m, capped at 1, then the running maximum
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted


def pairwise_delong(y_true: ArrayLike, scores: Mapping[str, ArrayLike]) -> pd.DataFrame:
    """DeLong's test of every pair of models (in the order given), with Holm's adjusted p-value: columns
    ``model_a model_b auc_a auc_b difference se z p_value p_holm`` (difference = auc_a - auc_b)."""
    if not isinstance(scores, Mapping) or len(scores) < 2:
        raise ValueError("scores must map at least two model names to their scores.")
    names = [str(name) for name in scores]
    if len(set(names)) != len(names):
        raise ValueError("the models need different names.")
    labels = None
    columns = []
    for name, values in scores.items():
        labels, column, _ = _validate(y_true, values, metric="DeLong's test", score_name=str(name))
        columns.append(column)
    assert labels is not None
    stacked = np.vstack(columns)
    v10, v01 = _delong_components(stacked[:, labels], stacked[:, ~labels])
    covariance = _delong_covariance(v10, v01)
    aucs = [_auc_from_counts(*_threshold_counts(labels, column, None)[1:]) for column in columns]
    rows = []
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            difference = aucs[i] - aucs[j]
            # Var(A_a - A_b) = S_aa + S_bb - 2 S_ab
            variance = float(covariance[i, i] + covariance[j, j] - 2.0 * covariance[i, j])
            se = math.sqrt(max(variance, 0.0))
            if se > 0:
                z = difference / se
                # p = 2 (1 - Phi(|z|))
                p_value = math.erfc(abs(z) / math.sqrt(2.0))
            elif difference == 0:
                z, p_value = 0.0, 1.0
            else:
                z, p_value = math.copysign(math.inf, difference), 0.0
            rows.append(
                {
                    "model_a": a,
                    "model_b": names[j],
                    "auc_a": aucs[i],
                    "auc_b": aucs[j],
                    "difference": difference,
                    "se": se,
                    "z": z,
                    "p_value": p_value,
                }
            )
    frame = pd.DataFrame(rows)
    frame["p_holm"] = holm(frame["p_value"].to_numpy())
    return frame


def delong_matrix(y_true: ArrayLike, scores: Mapping[str, ArrayLike]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """DeLong's test of every pair of models scored on the same (unweighted) rows, as matrices.

    Returns ``(auc_diff, p_value)``: ``auc_diff.loc[a, b] = AUC_a - AUC_b`` (0 on the diagonal), and
    ``p_value`` with two blocks of columns side by side, ``p_value["raw"].loc[a, b]`` (DeLong's
    two-sided p-value, equal to ``delong_test(y_true, scores[a], scores[b]).p_value``) and
    ``p_value["holm"].loc[a, b]`` (Holm-adjusted over the ``k(k-1)/2`` pairs); both symmetric, NaN on
    the diagonal.
    """
    pairs = pairwise_delong(y_true, scores)
    names = [str(name) for name in scores]
    diff = pd.DataFrame(0.0, index=names, columns=names)
    raw = pd.DataFrame(np.nan, index=names, columns=names)
    adjusted = pd.DataFrame(np.nan, index=names, columns=names)
    for row in pairs.itertuples(index=False):
        diff.loc[row.model_a, row.model_b] = row.difference
        diff.loc[row.model_b, row.model_a] = -row.difference
        for frame, value in ((raw, row.p_value), (adjusted, row.p_holm)):
            frame.loc[row.model_a, row.model_b] = frame.loc[row.model_b, row.model_a] = value
    return diff, pd.concat({"raw": raw, "holm": adjusted}, axis=1)
