"""Parquet read typed (``load_scores`` on a Parquet file) against its CSV form (``parquet_as_csv``, the
definition of what a Parquet file holds for the score reader): the same table for every column type,
the same label decisions, the same invalid rows and errors (a row named by its number)."""

from __future__ import annotations

import decimal
import io

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.metrics import load_scores
from core.metrics._parquet_parser import parquet_as_csv
from core.scores import ScoreFileError, detect_columns


def parquet_bytes(table: pa.Table, row_group_size: int | None = None) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out, row_group_size=row_group_size)
    return out.getvalue()


def assert_same(a, b) -> None:
    assert (a.label_column, a.weight_column, a.pos_label, a.neg_label) == (
        b.label_column,
        b.weight_column,
        b.pos_label,
        b.neg_label,
    )
    assert (a.n_rows, a.n_dropped, a.columns) == (b.n_rows, b.n_dropped, b.columns)
    np.testing.assert_array_equal(a.y_true, b.y_true)
    assert list(a.scores) == list(b.scores)
    for name in a.scores:
        np.testing.assert_array_equal(a.scores[name], b.scores[name])
    if a.weight is None:
        assert b.weight is None
    else:
        np.testing.assert_array_equal(a.weight, b.weight)


def both(table: pa.Table, **options):
    data = parquet_bytes(table, row_group_size=700)  # several row groups and batches
    typed = load_scores(data, **options)
    assert typed.encoding == "parquet"
    return typed, load_scores(parquet_as_csv(data), **options)


rng = np.random.default_rng(4)
N = 2_000
Y = rng.random(N) < 0.3
P = np.round(rng.random(N), 4)

LABELS = {
    "int": pa.array(Y.astype(np.int64)),
    "int8": pa.array(Y.astype(np.int8)),
    "bool": pa.array(Y),
    "float": pa.array(Y.astype(float)),
    "text": pa.array(np.where(Y, "Churn", "stay")),
    "category": pa.array(np.where(Y, "yes", "no")).dictionary_encode(),
    "large_string": pa.array(np.where(Y, "pos", "neg"), pa.large_string()),
    "minus_one": pa.array(np.where(Y, 1, -1)),
}
SCORES = {
    "float64": pa.array(P),
    "int": pa.array((P * 1000).astype(np.int64)),
    "decimal": pa.array([decimal.Decimal(f"{p:.4f}") for p in P], pa.decimal128(9, 4)),
    "text": pa.array([f"{p:.4f}" for p in P]),
    "float16": pa.array(P.astype(np.float16)),
}


@pytest.mark.parametrize("label", list(LABELS))
def test_every_label_type_reads_as_its_csv_form(label):
    table = pa.table({"label": LABELS[label], "score": SCORES["float64"]})
    pos = {"text": "Churn"}.get(label)
    typed, csv = both(table, pos_label=pos)
    assert_same(typed, csv)
    np.testing.assert_array_equal(typed.y_true, Y)


@pytest.mark.parametrize("score", list(SCORES))
def test_every_score_type_reads_as_its_csv_form(score):
    table = pa.table({"y": LABELS["int"], "s": SCORES[score], "count": pa.array(rng.integers(0, 4, N))})
    typed, csv = both(table, label="y", score="s", weight="count")
    assert_same(typed, csv)


def test_float32_scores_keep_their_exact_value():
    # The CSV form writes a float32 in its shortest form (0.1), which reads back as the float64 0.1; the
    # typed read keeps the float32's own value, as DuckDB does. The order, hence every figure, is the same.
    values = rng.random(N).astype(np.float32)
    table = pa.table({"label": LABELS["int"], "score": pa.array(values)})
    typed, csv = both(table)
    np.testing.assert_array_equal(typed.scores["score"], values.astype(np.float64))
    np.testing.assert_array_equal(np.argsort(typed.scores["score"]), np.argsort(csv.scores["score"]))


def invalid_table() -> pa.Table:
    label = pa.array([1, 0, None, 1, 0, 1, 0, 1], pa.int64())
    score = pa.array([0.9, 0.1, 0.5, None, 0.3, float("inf"), 0.2, 0.8])
    text = pa.array(["0.9", "0.1", "0.5", "0.4", "abc", "0.7", "", "0.8"])
    return pa.table({"label": label, "score": score, "other": text})


@pytest.mark.parametrize("column", ["score", "other"])
def test_invalid_rows_are_dropped_as_in_the_csv_form(column):
    typed, csv = both(invalid_table(), score=column, drop_invalid=True)
    assert_same(typed, csv)
    assert typed.n_dropped == 3


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"score": "score"}, r"The label column 'label' is missing in row 3 of the file"),
        ({"score": "other"}, r"The label column 'label' is missing in row 3 of the file"),
    ],
)
def test_the_first_invalid_row_is_named(columns, message):
    with pytest.raises(ScoreFileError, match=message):
        load_scores(parquet_bytes(invalid_table()), **columns)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (slice(3, None), r"The score column 'score' is empty in row 1 of the file"),
        (slice(5, None), r"The score column 'score' is infinite \('inf'\) in row 1 of the file"),
    ],
)
def test_missing_and_infinite_scores_are_named(rows, message):
    with pytest.raises(ScoreFileError, match=message):
        load_scores(parquet_bytes(invalid_table().slice(rows.start)), score="score")


def test_text_scores_and_negative_weights_are_named():
    table = invalid_table().slice(3)
    with pytest.raises(
        ScoreFileError, match=r"'other' has 'abc', which is not a number, in row 2 of the file"
    ):
        load_scores(parquet_bytes(table), score="other")
    weighted = pa.table({"label": [1, 0, 1], "score": [0.2, 0.4, 0.6], "weight": [1.0, -2.0, 1.0]})
    with pytest.raises(ScoreFileError, match=r"'weight' is negative \(-2\) in row 2 of the file"):
        load_scores(parquet_bytes(weighted))


def test_only_the_needed_columns_are_read_and_others_may_be_anything():
    table = pa.table(
        {
            "id": pa.array([str(i) for i in range(N)]),
            "nested": pa.array([[i, i] for i in range(N)]),
            "blob": pa.array([b"\x00\xff"] * N),
            "label": LABELS["bool"],
            "score": SCORES["float64"],
        }
    )
    typed, csv = both(table)
    assert_same(typed, csv)
    assert detect_columns(parquet_bytes(table)).scores == ("score",)


def test_a_boolean_forced_as_score_is_not_a_number_as_in_the_csv_form():
    table = pa.table({"label": LABELS["int"], "flag": LABELS["bool"], "score": SCORES["float64"]})
    for read in (
        lambda d: load_scores(d, score="flag"),
        lambda d: load_scores(parquet_as_csv(d), score="flag"),
    ):
        with pytest.raises(ScoreFileError, match=r"'flag' has 'false', which is not a number, in row 1"):
            read(parquet_bytes(table))


def test_no_rows_and_a_broken_file_are_sentences():
    empty = pa.table({"label": pa.array([], pa.int64()), "score": pa.array([], pa.float64())})
    with pytest.raises(ScoreFileError, match="no data rows"):
        load_scores(parquet_bytes(empty))
    data = parquet_bytes(pa.table({"label": LABELS["int"], "score": SCORES["float64"]}))
    broken = data[:200] + b"\x00" * 500 + data[700:]  # the column data damaged, the footer intact
    with pytest.raises(ScoreFileError, match="Parquet"):
        load_scores(broken)


def test_every_kind_of_source_reads_every_row(tmp_path):
    # more rows than the sample the columns are guessed on, from bytes, a BytesIO (the page's upload),
    # an open file and a path
    n = 50_000
    y = rng.random(n) < 0.4
    table = pa.table({"label": pa.array(y.astype(np.int64)), "score": pa.array(rng.random(n))})
    data = parquet_bytes(table, row_group_size=16_384)
    path = tmp_path / "s.parquet"
    path.write_bytes(data)
    with path.open("rb") as handle:
        tables = [load_scores(data), load_scores(io.BytesIO(data)), load_scores(handle), load_scores(path)]
    for read in tables:
        assert (read.n_rows, read.encoding) == (n, "parquet")
        np.testing.assert_array_equal(read.y_true, y)
        assert_same(read, tables[0])


def test_binary_and_unusual_columns_read_as_their_csv_form():
    y = LABELS["int"]
    binary_label = pa.array([b"1" if v else b"0" for v in Y])
    table = pa.table(
        {
            "label": y,
            "blob": binary_label,
            "coded_blob": binary_label.dictionary_encode(),
            "view": pa.array([str(p) for p in P], pa.string_view()),
        }
    )
    # a binary column, plain or dictionary-encoded, is missing values in the CSV form: as a label, every
    # label is missing
    for blob in ("blob", "coded_blob"):
        for data in (parquet_bytes(table), parquet_as_csv(parquet_bytes(table))):
            with pytest.raises(ScoreFileError, match=rf"The label column '{blob}' is missing in row 1"):
                load_scores(data, label=blob, score="view")
    # a string view is text: the same numbers either way
    typed, csv = both(table, label="label", score="view")
    assert_same(typed, csv)
    np.testing.assert_array_equal(typed.scores["view"], P)
