"""The README's warehouse recipe cannot rot: its SQL blocks, exactly as written there, run in DuckDB on a
generated table, and their output read as a score file gives the figures of the rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from core.metrics import counts_from_table, evaluate, evaluate_counts, load_scores, score_counts
from core.metrics._cli import main

ROOT = Path(__file__).resolve().parents[2]


def readme_sql_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Warehouses and Spark") :]
    section = section[: section.index("\n## ")]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def test_the_readme_has_the_two_recipes():
    blocks = readme_sql_blocks()
    assert len(blocks) == 2
    assert "GROUP BY score, label" in blocks[0] and "ROUND(score, 4)" in blocks[1]


@pytest.fixture(scope="module")
def rows():
    rng = np.random.default_rng(14)
    n = 50_000
    label = (rng.random(n) < 0.2).astype(np.int64)
    score = rng.normal(size=n) * 0.2 + 0.3 * label
    score = np.where(rng.random(n) < 0.3, np.round(score, 2), score)  # many ties, many distinct
    frame = pd.DataFrame({"score": score, "label": label})
    frame.loc[rng.choice(n, 40, replace=False), "score"] = np.nan  # rows the WHERE leaves out
    return frame


def run_recipe(sql: str, frame: pd.DataFrame) -> pd.DataFrame:
    connection = duckdb.connect()
    connection.register("scores", frame)
    try:
        return connection.execute(sql).df()
    finally:
        connection.close()


def test_exact_recipe_gives_the_rows_figures(rows, tmp_path, capsys):
    aggregated = run_recipe(readme_sql_blocks()[0], rows)
    valid = rows.dropna()
    expected = evaluate(valid["label"].to_numpy(), valid["score"].to_numpy(), threshold=0.1)
    # the table, as the page and the command line build it: identical to the rows
    table = counts_from_table(aggregated["score"], aggregated["label"], aggregated["count"])
    got = evaluate_counts(table, threshold=0.1)
    assert got.to_dict() == expected.to_dict()
    # the exported file, read as a score file: count is the weight column, the figures are the rows'
    path = tmp_path / "scores_counts.csv"
    aggregated.to_csv(path, index=False)
    file = load_scores(path)
    assert file.weight_column == "count"
    weighted = evaluate(file.y_true, file.scores["score"], threshold=0.1, sample_weight=file.weight)
    for name in ("roc_auc", "average_precision", "ks", "gini", "n_pos", "n_neg"):
        assert getattr(weighted, name) == pytest.approx(getattr(expected, name), rel=1e-12, abs=1e-15)
    assert (weighted.ks_threshold, weighted.ks_direction) == (expected.ks_threshold, expected.ks_direction)
    # and on the command line (both engines): DeLong's interval from the whole-number counts is the rows'
    low, high, se = expected.delong_interval()
    for engine in ("memory", "duckdb"):
        assert main([str(path), "--ci", "delong", "--engine", engine, "--threshold", "0.1"]) == 0
        model = json.loads(capsys.readouterr().out)["models"]["score"]
        assert model["roc_auc"] == pytest.approx(expected.roc_auc, rel=1e-12)
        assert model["ci"]["se"] == pytest.approx(se, rel=1e-9)
        assert (model["ci"]["low"], model["ci"]["high"]) == pytest.approx((low, high), rel=1e-9)


def test_rounded_recipe_and_its_bound(rows):
    aggregated = run_recipe(readme_sql_blocks()[1], rows)
    valid = rows.dropna()
    y, s = valid["label"].to_numpy(), valid["score"].to_numpy()
    table = counts_from_table(aggregated["score"], aggregated["label"], aggregated["count"])
    # the SQL's ROUND and ours group the same rows
    ours = score_counts(y, s).rounded(4)
    np.testing.assert_array_equal(table.scores, ours.scores)
    np.testing.assert_array_equal(table.positives, ours.positives)
    np.testing.assert_array_equal(table.negatives, ours.negatives)
    # the true AUC of the unrounded rows lies within the bound computed from the rounded table
    bounded = table.rounded(4)
    assert bounded.auc_bound == ours.auc_bound > 0
    assert abs(evaluate_counts(bounded).roc_auc - evaluate(y, s).roc_auc) <= bounded.auc_bound
