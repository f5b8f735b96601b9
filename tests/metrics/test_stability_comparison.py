"""Issue 25's contracts against brute force and the two-model test: psi (np.histogram on the expected
quantile edges, shares floored), band_table (a pandas groupby; its largest KS is the evaluation's when
every distinct score is a band), delong_matrix (each pair is delong_test) and Holm's correction
(statsmodels' formula written out)."""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pandas as pd
import pytest

import core.metrics._stability as stability_module
from core.metrics import (
    band_table,
    delong_matrix,
    delong_test,
    evaluate,
    evaluate_counts,
    holm,
    pairwise_delong,
    psi,
    psi_from_counts,
    score_counts,
)


def brute_psi(expected, actual, bins=10, edges=None, eps=1e-4):
    expected = np.asarray(expected, dtype=float)
    actual = np.asarray(actual, dtype=float)
    cuts = np.unique(np.quantile(expected, np.linspace(0, 1, bins + 1)) if edges is None else edges)
    # open-ended outer bins: every score of both samples falls inside
    wide = cuts.copy()
    wide[0] = min(expected.min(), actual.min(), cuts[0])
    wide[-1] = max(expected.max(), actual.max(), cuts[-1])
    e = np.histogram(expected, bins=wide)[0] / expected.size
    a = np.histogram(actual, bins=wide)[0] / actual.size
    e, a = np.maximum(e, eps), np.maximum(a, eps)
    return float(np.sum((a - e) * np.log(a / e))), e, a


@pytest.mark.parametrize("kind", ["continuous", "tied", "shifted", "empty_bins"])
@pytest.mark.parametrize("bins", [4, 10, 20])
def test_psi_equals_brute_force(kind, bins):
    rng = np.random.default_rng(bins)
    expected = rng.normal(size=3000)
    actual = rng.normal(0.3, 1.2, size=2000)
    if kind == "tied":
        expected, actual = np.round(expected, 1), np.round(actual, 1)
    elif kind == "shifted":
        actual = actual + 3.0  # most actual rows beyond the expected's top edge
    elif kind == "empty_bins":
        actual = np.full(500, np.median(expected))  # every bin but one empty: the eps floor
    value, table = psi(expected, actual, bins=bins)
    reference, e, a = brute_psi(expected, actual, bins=bins)
    assert value == pytest.approx(reference, rel=1e-12, abs=1e-14)
    np.testing.assert_allclose(table["expected_share"], e, rtol=1e-12)
    np.testing.assert_allclose(table["actual_share"], a, rtol=1e-12)
    assert table["contribution"].sum() == pytest.approx(value, rel=1e-12)
    assert table["actual"].sum() == actual.size and table["expected"].sum() == expected.size


def test_psi_fixed_edges_and_counts():
    rng = np.random.default_rng(5)
    expected = np.round(rng.random(4000), 2)
    actual = np.round(rng.random(3000) ** 1.5, 2)
    edges = [0.0, 0.1, 0.25, 0.5, 0.75, 1.0]
    value, _ = psi(expected, actual, edges=edges)
    assert value == pytest.approx(brute_psi(expected, actual, edges=np.array(edges))[0], rel=1e-12)
    # from aggregated (score, count) tables: the same figure as from the rows
    e_scores, e_counts = np.unique(expected, return_counts=True)
    a_scores, a_counts = np.unique(actual, return_counts=True)
    for bins in (3, 10, 17):
        rows = psi(expected, actual, bins=bins)[0]
        table = psi_from_counts(e_scores, e_counts, a_scores, a_counts, bins=bins)[0]
        assert table == pytest.approx(rows, rel=1e-13, abs=1e-15)


def test_psi_same_sample_is_zero_and_bad_input():
    x = np.arange(100.0)
    assert psi(x, x)[0] == 0.0
    with pytest.raises(ValueError):
        psi([], x)
    with pytest.raises(ValueError):
        psi(x, [1.0, np.nan])
    with pytest.raises(ValueError):
        psi(x, x, bins=0)


def brute_bands(y, s, n_bands):
    """pandas: bands by the cumulative rows of each distinct score (descending), then a groupby."""
    frame = pd.DataFrame({"y": y.astype(int), "s": s})
    per_score = frame.groupby("s")["y"].agg(["sum", "count"]).sort_index(ascending=False)
    cumulative = per_score["count"].cumsum()
    if n_bands >= len(per_score):
        per_score["band"] = np.arange(len(per_score))
    else:
        per_score["band"] = np.ceil(n_bands * cumulative / len(frame) - 1e-12).astype(int) - 1
    grouped = (
        per_score.reset_index()
        .groupby("band")
        .agg(min_score=("s", "min"), max_score=("s", "max"), rows=("count", "sum"), positives=("sum", "sum"))
    )
    grouped["negatives"] = grouped["rows"] - grouped["positives"]
    grouped["positive_rate"] = grouped["positives"] / grouped["rows"]
    grouped["cum_positives_share"] = grouped["positives"].cumsum() / y.sum()
    grouped["cum_negatives_share"] = grouped["negatives"].cumsum() / (~y).sum()
    grouped["ks"] = (grouped["cum_positives_share"] - grouped["cum_negatives_share"]).abs()
    return grouped.reset_index(drop=True)


@pytest.mark.parametrize("n_bands", [1, 5, 10, 37])
@pytest.mark.parametrize("tied", [False, True])
def test_band_table_equals_groupby(n_bands, tied):
    rng = np.random.default_rng(n_bands)
    y = rng.random(5000) < 0.2
    s = rng.normal(size=5000) + y
    if tied:
        s = np.round(s, 1)
    table = band_table(evaluate(y, s), n_bands=n_bands)
    reference = brute_bands(y, s, n_bands)
    assert list(table.columns) == list(stability_module.BAND_COLUMNS)
    for column in reference.columns:
        np.testing.assert_allclose(table[column], reference[column], rtol=1e-12, atol=1e-15)
    assert table["rows"].sum() == y.size and (np.diff(table["max_score"]) < 0).all()


@pytest.mark.parametrize("inverted", [False, True])
def test_band_table_ks_is_the_evaluations_when_every_score_is_a_band(inverted):
    rng = np.random.default_rng(3)
    y = rng.random(3000) < 0.4
    s = np.round(rng.normal(size=3000) + (-1 if inverted else 1) * y, 2)
    ev = evaluate(y, s)
    table = band_table(ev, n_bands=ev.thresholds.size)
    assert len(table) == ev.thresholds.size
    assert table["ks"].max() == pytest.approx(ev.ks, abs=1e-15)
    # and from the aggregated table
    assert band_table(evaluate_counts(score_counts(y, s)), n_bands=10).equals(band_table(ev, n_bands=10))


def test_band_table_weighted():
    rng = np.random.default_rng(4)
    y = rng.random(1000) < 0.3
    s = rng.normal(size=1000) + y
    w = rng.random(1000) * 3
    table = band_table(evaluate(y, s, sample_weight=w), n_bands=4)
    assert table["rows"].sum() == pytest.approx(w.sum(), rel=1e-12)
    assert table["positives"].sum() == pytest.approx(w[y].sum(), rel=1e-12)


def brute_holm(p):
    """statsmodels' multipletests(method="holm") written out."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(p)
    m = p.size
    sorted_adjusted = np.minimum(1.0, np.maximum.accumulate([(m - i) * p[k] for i, k in enumerate(order)]))
    out = np.empty(m)
    out[order] = sorted_adjusted
    return out


def test_holm_against_its_formula():
    rng = np.random.default_rng(0)
    for m in (1, 2, 6, 15, 45):
        p = rng.random(m) ** 3
        np.testing.assert_allclose(holm(p), brute_holm(p), rtol=0, atol=1e-15)
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03, 0.5]), [0.04, 0.09, 0.09, 0.5])
    with pytest.raises(ValueError):
        holm([0.5, 1.5])


@pytest.mark.parametrize("k", [2, 3, 5])
def test_delong_matrix_each_pair_is_delong_test(k):
    rng = np.random.default_rng(k)
    n = 3000
    y = rng.random(n) < 0.3
    base = rng.normal(size=n) + y
    scores = {f"m{i}": base + rng.normal(scale=0.5 + i, size=n) for i in range(k)}
    scores["m0"] = np.round(scores["m0"], 1)  # ties
    diff, p = delong_matrix(y, scores)
    names = list(scores)
    raw_pairs = []
    for a, b in itertools.combinations(names, 2):
        test = delong_test(y, scores[a], scores[b])
        assert diff.loc[a, b] == pytest.approx(test.difference, abs=1e-15)
        assert diff.loc[b, a] == pytest.approx(-test.difference, abs=1e-15)
        assert p["raw"].loc[a, b] == pytest.approx(test.p_value, rel=1e-9, abs=1e-300)
        assert p["raw"].loc[b, a] == p["raw"].loc[a, b]
        raw_pairs.append(p["raw"].loc[a, b])
    holm_pairs = [p["holm"].loc[a, b] for a, b in itertools.combinations(names, 2)]
    np.testing.assert_allclose(holm_pairs, brute_holm(raw_pairs), rtol=1e-15, atol=0)
    assert np.isnan(np.diag(p["raw"].to_numpy())).all() and (np.diag(diff.to_numpy()) == 0).all()
    pairs = pairwise_delong(y, scores)
    assert len(pairs) == k * (k - 1) // 2 and (pairs["p_holm"] >= pairs["p_value"]).all()


def test_delong_matrix_needs_two_models():
    with pytest.raises(ValueError):
        delong_matrix([0, 1, 0, 1], {"a": [0.1, 0.2, 0.3, 0.4]})


def test_doctests():
    assert doctest.testmod(stability_module).failed == 0
