"""Per-segment evaluation (issue 25): the memory engine and DuckDB's GROUP BY segment, score, label give
the same tables, and every segment's figures equal scikit-learn's on that segment's rows; one-class and
too-small segments are listed with a reason, never an error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from core.metrics import (
    MISSING_SEGMENT,
    aggregate_segments,
    auc_confidence_interval,
    detect_columns,
    evaluate,
    evaluate_segments,
    ks_statistic,
    read_segment_column,
    segment_candidates,
    segment_tables,
)


def make_frame(n=6000, seed=0):
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east", "west"], size=n, p=[0.4, 0.3, 0.2, 0.1])
    y = rng.random(n) < np.where(region == "south", 0.1, 0.3)
    frame = pd.DataFrame(
        {
            "label": y.astype(int),
            "model_a": np.round(rng.normal(size=n) + y, 3),
            "model_b": np.round(rng.normal(size=n) + 0.5 * y, 2),
            "region": region,
        }
    )
    # one segment with only negatives, one too small
    frame.loc[:9, "region"] = "tiny_one_class"
    frame.loc[:9, "label"] = 0
    frame.loc[10:13, "region"] = "small"
    frame.loc[10:11, "label"] = 1
    frame.loc[12:13, "label"] = 0
    return frame


def sklearn_segments(frame, model):
    out = {}
    for name, part in frame.groupby("region"):
        y, s = part["label"].to_numpy().astype(bool), part[model].to_numpy()
        if y.all() or not y.any() or min(y.sum(), (~y).sum()) < 5:
            continue
        out[name] = (roc_auc_score(y, s), average_precision_score(y, s), ks_statistic(y, s)[0], y, s)
    return out


def check_against_sklearn(tables, frame):
    for model in ("model_a", "model_b"):
        report = evaluate_segments(tables.tables[model])
        reference = sklearn_segments(frame, model)
        assert sorted(report.frame["segment"]) == sorted(reference)
        for row in report.frame.itertuples(index=False):
            auc, ap, ks, y, s = reference[row.segment]
            assert row.roc_auc == pytest.approx(auc, abs=1e-12)
            assert row.average_precision == pytest.approx(ap, abs=1e-12)
            assert row.ks == pytest.approx(ks, abs=1e-12)
            assert row.rows == y.size and row.positives == y.sum()
            low, high, se = auc_confidence_interval(y, s, method="delong")
            assert (row.auc_low, row.auc_high, row.auc_se) == pytest.approx((low, high, se), abs=1e-12)
        skipped = dict(zip(report.skipped["segment"], report.skipped["reason"], strict=True))
        assert skipped == {"tiny_one_class": "one_class", "small": "too_small"}


def test_memory_engine_equals_sklearn_per_segment():
    frame = make_frame()
    scores = {m: frame[m].to_numpy() for m in ("model_a", "model_b")}
    tables = segment_tables(frame["label"].to_numpy(), scores, frame["region"].to_numpy(), column="region")
    check_against_sklearn(tables, frame)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_duckdb_equals_memory_engine(tmp_path, kind):
    frame = make_frame(seed=1)
    path = tmp_path / f"scores.{kind}"
    if kind == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.astype({"region": "category"}).to_parquet(path, index=False)  # a dictionary column
    aggregated = aggregate_segments(str(path), "region", score=["model_a", "model_b"])
    check_against_sklearn(aggregated, frame)
    column = read_segment_column(str(path), "region")
    memory = segment_tables(
        frame["label"].to_numpy(), {m: frame[m].to_numpy() for m in ("model_a", "model_b")}, column
    )
    assert aggregated.segments == memory.segments
    for model in ("model_a", "model_b"):
        for segment in memory.segments:
            a, b = aggregated.tables[model][segment], memory.tables[model][segment]
            np.testing.assert_array_equal(a.scores, b.scores)
            np.testing.assert_array_equal(a.positives, b.positives)
            np.testing.assert_array_equal(a.negatives, b.negatives)
            assert a.n_rows == b.n_rows


def test_segment_candidates_and_missing(tmp_path):
    frame = make_frame(n=500, seed=2)
    frame["id"] = np.arange(len(frame))
    frame.loc[20:24, "region"] = ""
    path = tmp_path / "s.csv"
    frame.to_csv(path, index=False)
    guess = detect_columns(str(path), score=["model_a", "model_b"])
    assert segment_candidates(str(path), guess, exclude=guess.scores) == ["region"]
    column = read_segment_column(str(path), "region")
    tables = segment_tables(frame["label"].to_numpy(), {"a": frame["model_a"].to_numpy()}, column)
    assert MISSING_SEGMENT in tables.segments
    assert tables.tables["a"][MISSING_SEGMENT].n_rows == 5
    duck = aggregate_segments(str(path), "region", score=["model_a", "model_b"])
    assert duck.segments == tables.segments


def test_weighted_segments_have_no_interval():
    rng = np.random.default_rng(3)
    y = rng.random(400) < 0.5
    s = rng.normal(size=400) + y
    w = rng.random(400) + 0.5
    seg = np.where(rng.random(400) < 0.5, "a", "b")
    tables = segment_tables(y, {"m": s}, seg, sample_weight=w)
    report = evaluate_segments(tables.tables["m"])
    assert report.frame["auc_low"].isna().all()
    for row in report.frame.itertuples(index=False):
        mine = seg == row.segment
        assert row.roc_auc == pytest.approx(roc_auc_score(y[mine], s[mine], sample_weight=w[mine]), abs=1e-12)
        assert row.roc_auc == pytest.approx(evaluate(y[mine], s[mine], sample_weight=w[mine]).roc_auc)


def test_bad_segment_input():
    with pytest.raises(ValueError):
        segment_tables([0, 1], {"m": [0.1, 0.2]}, ["a"])
    with pytest.raises(ValueError):
        evaluate_segments({}, level=1.5)
