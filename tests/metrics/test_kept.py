"""The metrics page's kept summary from DuckDB's aggregated tables (``summarize_counts``) against the one
from the rows (``summarize``): the same figures, intervals, three AUC methods and live checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.metrics import aggregate_files, load_scores
from ui.metrics.kept import CHECK_SAMPLE, _rows_drawn, summarize, summarize_counts


def write(tmp_path, n: int, *, weights: str | None = None, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    data = {
        "label": y.astype(int),
        "p": np.round(1 / (1 + np.exp(-(rng.normal(size=n) + 1.5 * y))), 3),  # probabilities with ties
        "raw": rng.normal(size=n) + y,  # raw floats, not probabilities
    }
    if weights == "counts":
        data["n"] = rng.integers(0, 5, size=n)
    elif weights == "fractional":
        data["n"] = rng.random(n) * 3
    path = tmp_path / f"s{n}{weights}.csv"
    pd.DataFrame(data).to_csv(path, index=False)
    return path


def both(path, **options):
    weight = "n" if "n" in pd.read_csv(path, nrows=1).columns else None
    rows = summarize(
        load_scores(path, label="label", weight=weight), source_id="r", name="f", mapping=()
    )  # fmt: skip
    tables = summarize_counts(
        aggregate_files(path, label="label", weight=weight, **options), source_id="t", name="f", mapping=()
    )
    return rows, tables


@pytest.mark.parametrize("weights", [None, "counts"])
def test_aggregated_summary_equals_the_rows_summary(tmp_path, weights):
    path = write(tmp_path, 20_000, weights=weights)
    rows, tables = both(path)
    # the live checks run on every row the table stands for (fewer than CHECK_SAMPLE here)
    stands_for = 20_000 if weights is None else int(pd.read_csv(path)["n"].sum())
    assert tables.models == rows.models == ["p", "raw"]
    assert tables.aggregated and not rows.aggregated
    assert tables.count_column == rows.count_column == ("n" if weights else None)
    assert tables.fields == rows.fields
    for model in rows.models:
        a, b = rows.evaluations[model], tables.evaluations[model]
        np.testing.assert_array_equal(a.thresholds, b.thresholds)
        np.testing.assert_array_equal(a.tps, b.tps)
        np.testing.assert_array_equal(a.fps, b.fps)
        assert (a.roc_auc, a.average_precision, a.ks, a.n) == (b.roc_auc, b.average_precision, b.ks, b.n)
        assert rows.three_ways[model] == tables.three_ways[model]
        np.testing.assert_allclose(rows.cis[model], tables.cis[model], rtol=1e-12)
        diff, n_checked = tables.checks[model]
        assert diff <= 1e-10
        assert n_checked == stands_for
        assert set(tables.calibration_checks[model]) == set(rows.calibration_checks[model])
        assert all(d <= 1e-10 for d, _ in tables.calibration_checks[model].values())
    assert tables.auc_bounds == {"p": 0.0, "raw": 0.0} and tables.decimals is None
    # the comparison of two models pairs rows: only from the rows
    assert len(rows.comparison) == (1 if weights is None else 0) and tables.comparison.empty


def test_fractional_weights_have_no_row_methods_but_are_checked(tmp_path):
    rows, tables = both(write(tmp_path, 5_000, weights="fractional"))
    assert tables.count_column is None and tables.weighted
    assert tables.three_ways == {} == rows.three_ways and tables.cis == {} == rows.cis
    for model in rows.models:
        np.testing.assert_allclose(
            tables.evaluations[model].roc_auc, rows.evaluations[model].roc_auc, rtol=1e-12
        )
        diff, n_checked = tables.checks[model]
        assert diff <= 1e-10 and n_checked <= 2 * tables.evaluations[model].thresholds.size


def test_a_large_table_is_checked_on_a_sample_of_its_rows(tmp_path):
    n = CHECK_SAMPLE + 50_000
    _, tables = both(write(tmp_path, n))
    for model in tables.models:
        diff, n_checked = tables.checks[model]
        assert (diff <= 1e-10, n_checked) == (True, CHECK_SAMPLE)
    calibration = tables.calibration_checks
    assert calibration["raw"] == {}  # not probabilities: no calibration section
    assert all(d <= 1e-10 and m == CHECK_SAMPLE for d, m in calibration["p"].values())


def test_a_count_table_of_billions_of_rows_is_checked_on_a_sample(tmp_path):
    # a warehouse's (score, label, count) table standing for ~2e9 rows, read by DuckDB
    rng = np.random.default_rng(3)
    scores = np.round(np.linspace(0.0, 1.0, 400), 4)
    table = pd.DataFrame(
        {
            "score": np.concatenate([scores, scores]),
            "label": np.repeat([1, 0], scores.size),
            # positives lean to high scores, negatives to low ones
            "count": np.concatenate(
                [
                    rng.integers(1, 5_000_000, scores.size) * (1 + scores),
                    rng.integers(1, 5_000_000, scores.size) * (2 - scores),
                ]
            ).astype(np.int64),
        }
    )
    path = tmp_path / "billions.csv"
    table.to_csv(path, index=False)
    total = int(table["count"].sum())
    assert total > 1_000_000_000
    kept = summarize_counts(aggregate_files(path), source_id="t", name="f", mapping=())
    assert kept.count_column == "count" and kept.n_rows == 2 * scores.size
    diff, n_checked = kept.checks["score"]
    assert diff <= 1e-10 and n_checked == CHECK_SAMPLE
    # the rows drawn are a subset of the rows the table stands for, in its proportions
    labels, drawn, _ = _rows_drawn(next(iter(aggregate_files(path).counts.values())))
    assert labels.size == CHECK_SAMPLE
    share = (table["label"] * table["count"]).sum() / total
    assert abs(labels.mean() - share) < 5 * np.sqrt(share * (1 - share) / CHECK_SAMPLE)
    for label in (True, False):
        values, times = np.unique(drawn[labels == label], return_counts=True)
        group = table[table["label"] == int(label)].set_index("score")["count"]
        assert (times <= group.loc[values].to_numpy()).all()


def test_rounded_scores_carry_the_auc_bound(tmp_path):
    path = write(tmp_path, 20_000)
    exact, rounded = both(path, decimals=1)
    assert rounded.decimals == 1
    for model in exact.models:
        bound = rounded.auc_bounds[model]
        assert 0 < bound < 1
        # the true AUC lies within the bound of the rounded one
        assert abs(rounded.evaluations[model].roc_auc - exact.evaluations[model].roc_auc) <= bound
