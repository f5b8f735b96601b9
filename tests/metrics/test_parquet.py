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


# ---------------------------------------------------------------------------------------------------
# Columns guessed from the schema and the first typed rows (no CSV text)


def guess_both(table: pa.Table, **options):
    """detect_columns on the Parquet file and on its CSV form (which must agree but for the encoding)."""
    data = parquet_bytes(table, row_group_size=700)
    typed, csv = detect_columns(data, **options), detect_columns(parquet_as_csv(data), **options)
    assert (typed.encoding, csv.encoding) == ("parquet", "utf-8")
    return typed, csv


def same_guess(typed, csv) -> None:
    for field in ("columns", "numeric_columns", "label", "scores", "weight", "label_values", "pos_label"):
        assert getattr(typed, field) == getattr(csv, field), field
    assert (typed.neg_label, typed.delimiter, typed.decimal, typed.notes) == (
        csv.neg_label,
        csv.delimiter,
        csv.decimal,
        csv.notes,
    )


@pytest.fixture
def no_csv_text(monkeypatch):
    """Fails the test if the reader writes a CSV rendering of the file."""

    def refuse(*args, **kwargs):
        raise AssertionError("the Parquet reader wrote CSV text")

    monkeypatch.setattr(pa.csv, "write_csv", refuse)


@pytest.mark.parametrize("label", list(LABELS))
def test_an_unnamed_label_column_is_found_by_its_typed_values(label, no_csv_text):
    # "truth_value" is not a label name: the label is the only column with two distinct values
    table = pa.table(
        {"truth_value": LABELS[label], "model": SCORES["float64"], "uid": pa.array(np.arange(N))}
    )
    pos = {"text": "Churn"}.get(label)
    guess = detect_columns(parquet_bytes(table), pos_label=pos)
    assert (guess.label, guess.scores, guess.weight, guess.notes) == ("truth_value", ("model",), None, ())
    assert len(guess.label_values) == 2
    read = load_scores(parquet_bytes(table), pos_label=pos)
    np.testing.assert_array_equal(read.y_true, Y)


@pytest.mark.parametrize("label", list(LABELS))
def test_the_guess_equals_the_csv_forms_for_every_label_type(label):
    table = pa.table(
        {"truth_value": LABELS[label], "model": SCORES["float64"], "weight": pa.array(np.ones(N))}
    )
    same_guess(*guess_both(table))


@pytest.mark.parametrize("score", [*SCORES, "float32", "dictionary"])
def test_the_guess_equals_the_csv_forms_for_every_score_type(score):
    column = {
        "float32": pa.array(P.astype(np.float32)),
        "dictionary": pa.array(np.round(P, 1)).dictionary_encode(),
    }.get(score, SCORES.get(score))
    table = pa.table({"label": LABELS["int"], "s": column, "count": pa.array(rng.integers(0, 4, N))})
    typed, csv = guess_both(table)
    same_guess(typed, csv)
    assert (typed.scores, typed.weight, typed.numeric_columns) == (("s",), "count", ("label", "s", "count"))


def test_typed_bool_labels_read_as_true_and_false(no_csv_text):
    table = pa.table({"label": LABELS["bool"], "score": SCORES["float64"]})
    guess = detect_columns(parquet_bytes(table))
    assert (guess.label_values, guess.pos_label, guess.neg_label) == (("false", "true"), "true", "false")
    # a boolean is not a number: not a score, not numeric
    assert guess.numeric_columns == ("score",)


def test_int_and_string_labels_and_float32_scores(no_csv_text):
    table = pa.table(
        {
            "y": pa.array(np.where(Y, 1, -1).astype(np.int8)),
            "churned": pa.array(np.where(Y, "Churn", "stay")),
            "p32": pa.array(P.astype(np.float32)),
        }
    )
    guess = detect_columns(parquet_bytes(table))
    assert (guess.label, guess.pos_label, guess.neg_label, guess.scores) == ("y", "1", "-1", ("p32",))
    # the string column, chosen, needs its positive value
    guess = detect_columns(parquet_bytes(table), label="churned")
    assert guess.pos_label is None and "pass pos_label" in guess.notes[0]
    read = load_scores(parquet_bytes(table), label="churned", pos_label="Churn")
    np.testing.assert_array_equal(read.y_true, Y)
    np.testing.assert_array_equal(read.scores["p32"], P.astype(np.float32).astype(np.float64))


def test_dictionary_encoded_columns(no_csv_text):
    table = pa.table(
        {
            "outcome": pa.array(np.where(Y, "yes", "no")).dictionary_encode(),
            "bucket": pa.array(np.round(P, 1)).dictionary_encode(),
            "name": pa.array(np.where(Y, "a", "b")).dictionary_encode(),
        }
    )
    guess = detect_columns(parquet_bytes(table), label="outcome")
    assert (guess.label, guess.pos_label, guess.scores, guess.numeric_columns) == (
        "outcome",
        "yes",
        ("bucket",),
        ("bucket",),
    )
    # unnamed: two two-valued text columns, so the label must be chosen
    guess = detect_columns(parquet_bytes(table))
    assert guess.label is None and "'outcome' and 'name' each take two values" in guess.notes[0]
    read = load_scores(parquet_bytes(table), label="outcome")
    np.testing.assert_array_equal(read.y_true, Y)
    np.testing.assert_array_equal(read.scores["bucket"], np.round(P, 1))


def test_a_float_column_whose_first_rows_are_null_is_a_score_by_its_type(no_csv_text):
    # 25,000 null scores, more than the rows the columns are guessed on: the CSV form's sample shows no
    # number in that column (its guess finds no score), the schema says float64
    n, blank = 30_000, 25_000
    y = rng.random(n) < 0.5
    score = np.where(np.arange(n) < blank, np.nan, rng.random(n))
    table = pa.table({"label": pa.array(y.astype(np.int64)), "score": pa.array(score, from_pandas=True)})
    assert table.column("score").null_count == blank
    data = parquet_bytes(table, row_group_size=10_000)
    guess = detect_columns(data)
    assert (guess.label, guess.scores, guess.numeric_columns, guess.notes) == (
        "label",
        ("score",),
        ("label", "score"),
        (),
    )
    with pytest.raises(ScoreFileError, match=r"The score column 'score' is empty in row 1 of the file"):
        load_scores(data)
    read = load_scores(data, drop_invalid=True)
    assert (read.n_rows, read.n_dropped) == (n - blank, blank)
    np.testing.assert_array_equal(read.y_true, y[blank:])
    np.testing.assert_array_equal(read.scores["score"], score[blank:])


def test_a_label_whose_first_rows_are_null(no_csv_text):
    n, blank = 30_000, 25_000
    y = rng.random(n) < 0.5
    label = pa.array([None if i < blank else int(v) for i, v in enumerate(y)], pa.int64())
    data = parquet_bytes(pa.table({"target": label, "score": pa.array(rng.random(n))}), row_group_size=10_000)
    guess = detect_columns(data)
    assert (guess.label, guess.scores, guess.label_values) == ("target", ("score",), ())
    assert guess.notes == ("The label column 'target' has no values: every label is missing.",)
    with pytest.raises(ScoreFileError, match=r"The label column 'target' is missing in row 1 of the file"):
        load_scores(data)
    read = load_scores(data, drop_invalid=True)
    assert (read.n_rows, read.pos_label) == (n - blank, "1")
    np.testing.assert_array_equal(read.y_true, y[blank:])


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"label": LABELS["int"]}, r"only one column \('label' on its first line\)"),
        ({"0": LABELS["int"], "1": SCORES["float64"]}, r"The first line \('\"0\",\"1\"'\) looks like data"),
        ({"label": LABELS["int"], " label ": SCORES["float64"]}, "two columns named 'label'"),
    ],
)
def test_header_errors_are_the_csv_forms(columns, message):
    data = parquet_bytes(pa.table(columns))
    for source in (data, parquet_as_csv(data)):
        for read in (load_scores, detect_columns):
            with pytest.raises(ScoreFileError, match=message):
                read(source)
