"""core.scores: hostile score files, each checked for the exact table or the clear message.

Files are built here as bytes. Reference values are written out by hand, or, for the larger generated
files, read back with pandas.read_csv (C engine).
"""

import io
import pickle
import re

import numpy as np
import pandas as pd
import pytest

from core.metrics import _csv_parser as csv_parser_module
from core.scores import EXAMPLES, ScoreFileError, ScoreTable, detect_columns, load_scores


def _check(table: ScoreTable, y: list[int], score: dict[str, list[float]], weight=None) -> None:
    np.testing.assert_array_equal(table.y_true, np.array(y, dtype=bool))
    assert table.y_true.dtype == bool
    assert list(table.scores) == list(score)
    for name, values in score.items():
        assert table.scores[name].dtype == np.float64
        np.testing.assert_array_equal(table.scores[name], np.array(values, dtype=np.float64))
    if weight is None:
        assert table.weight is None
    else:
        np.testing.assert_array_equal(table.weight, np.array(weight, dtype=np.float64))
    assert table.n_rows == len(y)


def _message(text: str) -> str:
    return re.escape(text)


# ---------------------------------------------------------------------------------------------------
# Encodings, delimiters, layout


def test_plain_utf8():
    table = load_scores(b"label,score\n1,0.9\n0,0.2\n1,0.7\n0,0.4\n")
    _check(table, [1, 0, 1, 0], {"score": [0.9, 0.2, 0.7, 0.4]})
    assert (table.label_column, table.pos_label, table.neg_label) == ("label", "1", "0")
    assert (table.encoding, table.delimiter, table.decimal, table.n_dropped) == ("utf-8", ",", ".", 0)
    assert table.columns == ["label", "score"]


def test_utf8_with_bom():
    table = load_scores(b"\xef\xbb\xbflabel,score\r\n1,0.9\r\n0,0.2\r\n")
    _check(table, [1, 0], {"score": [0.9, 0.2]})
    assert table.encoding == "utf-8-sig"
    assert table.columns == ["label", "score"]  # the BOM is not part of the first column's name


def test_gbk_chinese_header():
    data = "标签,分数,权重\n1,0.9,2\n0,0.2,1\n0,0.5,3\n".encode("gbk")
    table = load_scores(data)
    _check(table, [1, 0, 0], {"分数": [0.9, 0.2, 0.5]}, weight=[2, 1, 3])
    assert (table.encoding, table.label_column, table.weight_column) == ("gbk", "标签", "权重")


def test_gbk_chinese_labels_are_transcoded():
    data = "真实值,预测概率\n是,0.9\n否,0.2\n是,0.6\n".encode("gbk")
    table = load_scores(data)
    _check(table, [1, 0, 1], {"预测概率": [0.9, 0.2, 0.6]})
    assert (table.encoding, table.pos_label, table.neg_label) == ("gbk", "是", "否")


def test_utf8_chinese_is_not_mistaken_for_gbk():
    table = load_scores("标签,分数\n是,0.9\n否,0.2\n".encode())
    assert table.encoding == "utf-8"
    _check(table, [1, 0], {"分数": [0.9, 0.2]})


def test_utf16_from_excel_unicode_text():
    table = load_scores("label\tscore\r\n1\t0.5\r\n0\t0.25\r\n".encode("utf-16"))
    _check(table, [1, 0], {"score": [0.5, 0.25]})
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")


def test_semicolon_with_decimal_comma():
    table = load_scores(b"label;score;other\n1;0,75;1,5e-3\n0;0,25;2\n1;1;-0,5\n")
    _check(table, [1, 0, 1], {"score": [0.75, 0.25, 1.0], "other": [1.5e-3, 2.0, -0.5]})
    assert (table.delimiter, table.decimal) == (";", ",")


def test_excel_sep_line():
    table = load_scores(b"sep=;\nlabel;score\n1;0,5\n0;0,25\n")
    _check(table, [1, 0], {"score": [0.5, 0.25]})
    assert table.delimiter == ";"


def test_tab_separated():
    table = load_scores(b"label\tscore\n1\t0.75\n0\t0.25\n")
    _check(table, [1, 0], {"score": [0.75, 0.25]})
    assert table.delimiter == "\t"


def test_quoted_fields_with_commas_and_newlines():
    data = (
        b'"id","label","comment","score"\n'
        b'1,"yes","short",0.9\n'
        b'2,"no","has, a comma",0.1\n'
        b'3,"no","spans\ntwo lines",0.4\n'
        b'4,"yes","say ""hi""","0.7"\n'
    )
    table = load_scores(data)
    _check(table, [1, 0, 0, 1], {"score": [0.9, 0.1, 0.4, 0.7]})  # id and comment are not scores


def test_blank_lines_spaces_and_old_mac_line_ends():
    table = load_scores(b"\n label , score \n\n1, 0.5\n0 ,0.25 \n\n")
    _check(table, [1, 0], {"score": [0.5, 0.25]})
    assert table.columns == ["label", "score"]
    _check(load_scores(b"label,score\r1,0.5\r0,0.25\r"), [1, 0], {"score": [0.5, 0.25]})


# ---------------------------------------------------------------------------------------------------
# Labels


@pytest.mark.parametrize(
    ("pos", "neg"),
    [
        ("1", "0"),
        ("1", "-1"),
        ("+1", "-1"),
        ("1.0", "0.0"),
        ("True", "False"),
        ("TRUE", "false"),
        ("yes", "no"),
        ("Y", "N"),
        ("t", "f"),
        ("pos", "neg"),
        ("Positive", "Negative"),
        ("是", "否"),
    ],
)
def test_obvious_label_pairs(pos, neg):
    data = f"label,score\n{neg},0.1\n{pos},0.8\n{pos},0.6\n{neg},0.3\n".encode()
    table = load_scores(data)
    _check(table, [0, 1, 1, 0], {"score": [0.1, 0.8, 0.6, 0.3]})
    assert (table.pos_label, table.neg_label) == (pos, neg)


def test_two_arbitrary_values_need_pos_label():
    data = b"outcome,prob\ncat,0.3\ndog,0.1\ncat,0.8\n"
    expected = (
        "The label column 'outcome' takes values {'cat', 'dog'}: pass pos_label to say which one is positive."
    )
    with pytest.raises(ScoreFileError, match=_message(expected)):
        load_scores(data)
    table = load_scores(data, pos_label="Dog")  # case is ignored
    _check(table, [0, 1, 0], {"prob": [0.3, 0.1, 0.8]})
    assert (table.label_column, table.pos_label, table.neg_label) == ("outcome", "dog", "cat")
    with pytest.raises(ScoreFileError, match=_message("pos_label 'bird' is not one of the values")):
        load_scores(data, pos_label="bird")


def test_one_two_labels_are_not_obvious():
    data = b"label,score\n1,0.3\n2,0.1\n"
    with pytest.raises(ScoreFileError, match=_message("takes values {'1', '2'}: pass pos_label")):
        load_scores(data)
    _check(load_scores(data, pos_label=2), [0, 1], {"score": [0.3, 0.1]})


def test_pos_label_overrides_an_obvious_pair_and_accepts_bools():
    data = b"label,score\nyes,0.3\nno,0.1\n"
    _check(load_scores(data, pos_label="no"), [0, 1], {"score": [0.3, 0.1]})
    _check(load_scores(b"y,s\n1,0.3\n0,0.1\n", pos_label=False), [0, 1], {"s": [0.3, 0.1]})
    _check(load_scores(b"y,s\ntrue,0.3\nfalse,0.1\n", pos_label=True), [1, 0], {"s": [0.3, 0.1]})


def test_label_found_by_its_two_values_when_not_named():
    data = b"row_id,model,verdict\n7,0.3,spam\n8,0.9,ham\n9,0.5,spam\n"
    table = load_scores(data, pos_label="spam")
    _check(table, [1, 0, 1], {"model": [0.3, 0.9, 0.5]})
    assert table.label_column == "verdict"


def test_three_classes():
    data = b"label,score\na,0.3\nb,0.1\nc,0.2\na,0.5\n"
    with pytest.raises(ScoreFileError, match=_message("takes 3 different values ('a': 2 rows, 'b': 1 row")):
        load_scores(data)


def test_one_class():
    data = b"label,score\n1,0.3\n1.0,0.1\n"  # 1 and 1.0 are the same value
    with pytest.raises(ScoreFileError, match=_message("has only one value, '1' (2 rows)")):
        load_scores(data)


def test_label_column_with_many_values():
    data = b"label,score\n" + b"".join(f"{k},0.5\n".encode() for k in range(150))
    with pytest.raises(ScoreFileError, match="takes more than 100 different values"):
        load_scores(data)


def test_missing_label_names_the_row_or_is_dropped():
    data = b"label,score\n1,0.5\nNA,0.25\n0,0.1\n,0.3\n"
    with pytest.raises(ScoreFileError, match=_message("'label' is missing in row 2 (line 3 of the file)")):
        load_scores(data)
    table = load_scores(data, drop_invalid=True)
    _check(table, [1, 0], {"score": [0.5, 0.1]})
    assert table.n_dropped == 2


# ---------------------------------------------------------------------------------------------------
# Scores and weights


@pytest.mark.parametrize(
    ("cell", "what"),
    [
        ("abc", "has 'abc', which is not a number,"),
        ("", "is empty"),
        ("NaN", "is missing ('NaN')"),
        ("NA", "is missing ('NA')"),
        ("inf", "is infinite ('inf')"),
        ("-Infinity", "is infinite ('-Infinity')"),
    ],
)
def test_bad_score_names_column_and_first_bad_row(cell, what):
    # row 3 is bad; the blank line before it makes it line 5 of the file
    data = f"label,score\n1,0.5\n0,0.2\n\n1,{cell}\n0,xyz\n0,0.3\n".encode()
    expected = f"The score column 'score' {what} in row 3 (line 5 of the file)"
    with pytest.raises(ScoreFileError, match=_message(expected)):
        load_scores(data)


def test_drop_invalid_drops_and_counts():
    data = b"label,m1,m2\n1,0.5,0.4\n0,abc,0.2\n1,0.7,inf\n0,0.1,\n1,0.9,0.8\n0,0.3,0.1\n"
    table = load_scores(data, drop_invalid=True)
    _check(table, [1, 1, 0], {"m1": [0.5, 0.9, 0.3], "m2": [0.4, 0.8, 0.1]})
    assert table.n_dropped == 3


def test_decimal_comma_in_a_comma_file_says_how_to_fix_it():
    with pytest.raises(
        ScoreFileError, match=_message("Line 2 of the file has 3 fields where the header has 2")
    ):
        load_scores(b"label,score\n1,0,75\n0,0,25\n")


def test_pre_aggregated_counts_table():
    # SELECT label, score, COUNT(*) AS cnt ... GROUP BY label, score
    data = b"label,score,cnt\n1,0.9,120\n0,0.9,30\n1,0.2,5\n0,0.2,845\n0,0.5,0\n"
    table = load_scores(data)
    _check(table, [1, 0, 1, 0, 0], {"score": [0.9, 0.9, 0.2, 0.2, 0.5]}, weight=[120, 30, 5, 845, 0])
    assert table.weight_column == "cnt"


def test_negative_weight():
    data = b"label,score,weight\n1,0.3,2\n0,0.1,1.5\n0,0.4,-1\n"
    expected = "The weight column 'weight' is negative (-1) in row 3 (line 4 of the file)"
    with pytest.raises(ScoreFileError, match=_message(expected)):
        load_scores(data)
    with pytest.raises(ScoreFileError, match="is negative"):  # not an "invalid row" to drop
        load_scores(data, drop_invalid=True)


def test_missing_weight_is_invalid_like_a_score():
    data = b"label,score,n\n1,0.3,2\n0,0.1,\n0,0.4,1\n"
    with pytest.raises(ScoreFileError, match=_message("The weight column 'n' is empty in row 2")):
        load_scores(data)
    _check(load_scores(data, drop_invalid=True), [1, 0], {"score": [0.3, 0.4]}, weight=[2, 1])


def test_zero_weight_for_a_whole_class():
    with pytest.raises(ScoreFileError, match=_message("Every row with label '1' has weight 0")):
        load_scores(b"label,score,count\n1,0.3,0\n0,0.1,4\n")


def test_several_score_columns_and_id_columns_left_out():
    data = b",user_id,label,model_a,model_b,comment\n0,u1,1,0.9,0.7,x\n1,u2,0,0.2,0.4,y\n"
    table = load_scores(data)
    _check(table, [1, 0], {"model_a": [0.9, 0.2], "model_b": [0.7, 0.4]})
    assert table.columns == ["column 1", "user_id", "label", "model_a", "model_b", "comment"]
    assert table.score_columns == ["model_a", "model_b"]
    chosen = load_scores(data, score=["model_b"], label="LABEL")  # names match case-insensitively
    _check(chosen, [1, 0], {"model_b": [0.7, 0.4]})


def test_missing_explicit_column_lists_the_columns():
    data = b"label,score\n1,0.3\n0,0.1\n"
    expected = "There is no score column 'prob' in the file; its columns are: 'label', 'score'."
    with pytest.raises(ScoreFileError, match=_message(expected)):
        load_scores(data, score="prob")
    with pytest.raises(ScoreFileError, match="There is no label column 'y'"):
        load_scores(data, label="y")
    with pytest.raises(ScoreFileError, match="There is no weight column 'w'"):
        load_scores(data, weight="w")


def test_a_column_named_like_a_weight_can_be_chosen_as_the_score():
    data = b"label,n\n1,0.3\n0,0.1\n"
    _check(load_scores(data, score="n"), [1, 0], {"n": [0.3, 0.1]})
    assert detect_columns(data, score="n").weight is None
    with pytest.raises(ScoreFileError, match="cannot be the weight: it is the label or a score"):
        load_scores(data, weight="label")


def test_label_used_as_score_is_refused():
    with pytest.raises(ScoreFileError, match="is the label; it cannot also be a score"):
        load_scores(b"label,score\n1,0.3\n0,0.1\n", score="label")


# ---------------------------------------------------------------------------------------------------
# Files that are not score files


def test_empty_file():
    for data in (b"", b"\n\n  \n", b"\xef\xbb\xbf"):
        with pytest.raises(ScoreFileError, match="The file is empty"):
            load_scores(data)


def test_header_only():
    with pytest.raises(ScoreFileError, match=_message("has a header (label, score) but no data rows")):
        load_scores(b"label,score\n")


def test_binary_junk():
    junk = np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes()
    with pytest.raises(ScoreFileError, match="This does not look like a CSV text file"):
        load_scores(junk)
    with pytest.raises(ScoreFileError, match="looks like an Excel workbook"):
        load_scores(b"PK\x03\x04" + junk)
    with pytest.raises(ScoreFileError, match="neither UTF-8 nor GBK"):
        load_scores(b"label,score\n\xff\xfe\xfd,0.3\n")


def test_bytes_that_are_not_utf8_deep_in_the_file():
    rows = b"".join("是,0.3\n否,0.6\n".encode() for _ in range(20_000))  # UTF-8, beyond the sample
    data = b"label,score\n" + rows + b"\xff\xfe,0.4\n"
    with pytest.raises(ScoreFileError, match=_message("line 40,002 has bytes that are not UTF-8 text")):
        load_scores(data)


def test_no_header_line():
    with pytest.raises(ScoreFileError, match="looks like data, not column names"):
        load_scores(b"1,0.5\n0,0.25\n")


def test_single_column_and_duplicate_names():
    with pytest.raises(ScoreFileError, match="only one column"):
        load_scores(b"score\n0.5\n0.25\n")
    with pytest.raises(ScoreFileError, match="two columns named 'score'"):
        load_scores(b"label,score,score\n1,0.5,0.4\n0,0.25,0.3\n")


def test_no_label_column_found():
    with pytest.raises(ScoreFileError, match="No label column found"):
        load_scores(b"a,b\n0.1,0.5\n0.2,0.25\n0.3,0.7\n")


def test_bad_arguments():
    with pytest.raises(ValueError, match="source must be a path"):
        load_scores(42)
    with pytest.raises(ValueError, match="score must be a column name"):
        load_scores(b"label,score\n1,0.3\n", score=[])
    with pytest.raises(ScoreFileError, match="Cannot read the file"):
        load_scores("/nonexistent/scores.csv")


# ---------------------------------------------------------------------------------------------------
# Sources


def test_path_bytes_and_file_objects_give_the_same_table(tmp_path):
    text = "标签,score\nyes,0.25\nno,0.5\nyes,0.75\n"
    path = tmp_path / "s.csv"
    path.write_bytes(text.encode())
    tables = [
        load_scores(path),
        load_scores(str(path)),
        load_scores(text.encode()),
        load_scores(bytearray(text.encode())),
        load_scores(io.BytesIO(text.encode())),
        load_scores(io.StringIO(text)),
        load_scores(io.BufferedReader(io.BytesIO(text.encode()))),
    ]
    for table in tables:
        _check(table, [1, 0, 1], {"score": [0.25, 0.5, 0.75]})
    assert tables[5].encoding == "text"
    with open(path, encoding="utf-8") as handle:
        _check(load_scores(handle), [1, 0, 1], {"score": [0.25, 0.5, 0.75]})


def test_file_object_is_read_from_its_position():
    stream = io.BytesIO(b"junk line\nlabel,score\n1,0.5\n0,0.25\n")
    stream.readline()
    _check(load_scores(stream), [1, 0], {"score": [0.5, 0.25]})


def test_table_pickles():
    table = load_scores(b"label,score,w\n1,0.5,1\n0,0.25,2\n")
    again = pickle.loads(pickle.dumps(table))
    _check(again, [1, 0], {"score": [0.5, 0.25]}, weight=[1, 2])
    assert again.pos_label == "1"


# ---------------------------------------------------------------------------------------------------
# Larger files, parsed in several slices (slices made tiny so a small file spans many of them)


@pytest.fixture
def tiny_slices(monkeypatch):
    monkeypatch.setattr(csv_parser_module, "_SEGMENT_BYTES", 4096)
    monkeypatch.setattr(csv_parser_module, "_BLOCK_BYTES", 1024)


def _generated(n: int, seed: int = 0) -> tuple[bytes, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "label": rng.integers(0, 2, n),
            "score": rng.random(n).round(6),
            "weight": rng.integers(1, 5, n),
        }
    )
    return frame.to_csv(index=False).encode(), frame


def test_many_slices_match_pandas(tiny_slices):
    data, _ = _generated(20_000)
    reference = pd.read_csv(io.BytesIO(data), engine="c")
    table = load_scores(data)
    _check(
        table,
        reference["label"].tolist(),
        {"score": reference["score"].tolist()},
        weight=reference["weight"].tolist(),
    )


def test_bad_row_deep_in_the_file(tiny_slices):
    data, frame = _generated(20_000, seed=1)
    lines = data.decode().split("\n")
    lines[15_001] = lines[15_001].split(",")[0] + ",oops,1"  # data row 15,001
    lines.insert(40, "")  # a blank line before it: the row is on line 15,003
    bad = "\n".join(lines).encode()
    expected = (
        "The score column 'score' has 'oops', which is not a number, in row 15,001 (line 15,003 of the file)"
    )
    with pytest.raises(ScoreFileError, match=_message(expected)):
        load_scores(bad)
    table = load_scores(bad, drop_invalid=True)
    keep = np.ones(len(frame), dtype=bool)
    keep[15_000] = False
    _check(
        table,
        frame["label"][keep].tolist(),
        {"score": frame["score"][keep].tolist()},
        weight=frame["weight"][keep].tolist(),
    )
    assert table.n_dropped == 1


def test_quoted_multiline_rows_across_slices(tiny_slices):
    rng = np.random.default_rng(2)
    n = 3000
    labels = rng.integers(0, 2, n)
    values = rng.random(n).round(5)
    rows = [
        f'{y},"note {k}\nsecond line, with comma",{s}'
        for k, (y, s) in enumerate(zip(labels, values, strict=True))
    ]
    rows[2500] = '1,"bad\nrow",'
    data = ("label,note,score\n" + "\n".join(rows) + "\n").encode()
    # each row spans two lines: data row 2,501 starts on line 1 + 2 * 2500 + 1
    with pytest.raises(ScoreFileError, match=_message("is empty in row 2,501 (line 5,002 of the file)")):
        load_scores(data)
    table = load_scores(data, drop_invalid=True)
    keep = np.arange(n) != 2500
    _check(table, labels[keep].tolist(), {"score": values[keep].tolist()})


def test_sorted_file_label_guessed_from_the_tail_sample():
    # all negatives first: the head sample alone shows one value; the middle and tail show the other
    n = 30_000
    data = b"verdict,model\n" + b"".join(
        (b"ham," if k < n // 2 else b"spam,") + f"{k / n:.5f}\n".encode() for k in range(n)
    )
    guess = detect_columns(data)
    assert guess.label == "verdict"
    assert set(guess.label_values) == {"ham", "spam"}
    assert guess.pos_label is None and "pass pos_label" in guess.notes[0]


# ---------------------------------------------------------------------------------------------------
# detect_columns


def test_detect_columns_guess():
    data = "id;标签;model_a;model_b;数量\n1;yes;0,9;0,7;3\n2;no;0,2;0,4;5\n".encode("gbk")
    guess = detect_columns(data)
    assert guess.columns == ("id", "标签", "model_a", "model_b", "数量")
    assert (guess.label, guess.scores, guess.weight) == ("标签", ("model_a", "model_b"), "数量")
    assert guess.label_values == ("yes", "no")
    assert (guess.pos_label, guess.neg_label) == ("yes", "no")
    assert (guess.encoding, guess.delimiter, guess.decimal, guess.notes) == ("gbk", ";", ",", ())


def test_detect_columns_reports_what_it_cannot_guess_and_checks_explicit_names():
    guess = detect_columns(b"outcome,prob\ncat,0.3\ndog,0.1\n")
    assert guess.label == "outcome" and guess.pos_label is None
    assert guess.notes == (
        "The label column 'outcome' takes values {'cat', 'dog'}: "
        "pass pos_label to say which one is positive.",
    )
    assert detect_columns(b"outcome,prob\ncat,0.3\ndog,0.1\n", pos_label="cat").pos_label == "cat"
    with pytest.raises(ScoreFileError, match="There is no label column 'y'"):
        detect_columns(b"outcome,prob\ncat,0.3\n", label="y")
    with pytest.raises(ScoreFileError, match="This does not look like a CSV text file"):
        detect_columns(b"\x00\x01\x02binary")


def test_detect_columns_leaves_file_objects_where_they_were(tmp_path):
    data, _ = _generated(30_000)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with open(path, "rb") as handle:
        handle.seek(0)
        guess = detect_columns(handle)
        assert handle.tell() == 0
        assert guess.weight == "weight"
        _check(load_scores(handle), *_reference(data))
    stream = io.BytesIO(data)
    assert detect_columns(stream) == detect_columns(path) == detect_columns(data)
    assert stream.tell() == 0


def _reference(data: bytes):
    frame = pd.read_csv(io.BytesIO(data))
    return frame["label"].tolist(), {"score": frame["score"].tolist()}, frame["weight"].tolist()


# ---------------------------------------------------------------------------------------------------
# Bundled examples


@pytest.mark.parametrize("example", ["balanced", "imbalanced", "two_models"])
def test_every_bundled_example_loads(example):
    path = EXAMPLES[example]
    table = load_scores(path)
    reference = pd.read_csv(path)
    assert table.label_column == "label" and (table.pos_label, table.neg_label) == ("1", "0")
    np.testing.assert_array_equal(table.y_true, reference["label"].to_numpy() == 1)
    # every numeric column but the label (two_models also has two text segment columns)
    assert table.score_columns == [c for c in reference.select_dtypes("number").columns if c != "label"]
    for name, values in table.scores.items():
        np.testing.assert_array_equal(values, reference[name].to_numpy())
    assert 0 < table.n_positive < table.n_rows
    guess = detect_columns(path)
    assert (guess.label, list(guess.scores), guess.pos_label) == ("label", table.score_columns, "1")


def test_examples_are_what_their_readme_says():
    assert set(EXAMPLES) == {"balanced", "imbalanced", "two_models"}
    shares = {name: load_scores(path).y_true.mean() for name, path in EXAMPLES.items()}
    assert 0.3 < shares["balanced"] < 0.5
    assert shares["imbalanced"] < 0.07
    assert len(load_scores(EXAMPLES["two_models"]).scores) == 2


@pytest.mark.parametrize(
    "data",
    [
        b"label,score\n1,0.9\n0,0.2\n",
        "标签,分数,权重\n1,0.9,2\n0,0.2,1\n".encode("gbk"),
        b"y;m1;m2\nyes;0,5;0,1\nno;0,25;0,3\n",
        b"row_id\tverdict\tmodel\n7\tpositive\t0.3\n8\tnegative\t0.9\n",
        "label\tscore\r\n1\t0.5\r\n0\t0.25\r\n".encode("utf-16"),
        b",label,score,cnt\n0,1,0.5,3\n1,0,0.25,4\n",
    ],
)
def test_detect_columns_agrees_with_load_scores(data):
    guess, table = detect_columns(data), load_scores(data)
    assert (guess.label, list(guess.scores), guess.weight) == (
        table.label_column,
        table.score_columns,
        table.weight_column,
    )
    assert (guess.pos_label, guess.neg_label) == (table.pos_label, table.neg_label)
    assert (guess.encoding, guess.delimiter, guess.decimal) == (
        table.encoding,
        table.delimiter,
        table.decimal,
    )
    assert list(guess.columns) == table.columns


def test_detect_columns_on_text_and_unseekable_streams():
    text = "label,score\nyes,0.25\nno,0.5\n"

    class Unseekable(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            return self._inner.readinto(buffer)

    stream = io.StringIO(text)
    assert detect_columns(stream).pos_label == "yes"
    assert stream.tell() == 0
    assert detect_columns(Unseekable(text.encode())).encoding == "utf-8"
    _check(load_scores(Unseekable(text.encode())), [1, 0], {"score": [0.25, 0.5]})


def test_lone_carriage_returns_split_rows_as_arrow_does():
    # Arrow ends a row at a lone \r too: this file has more rows than \n characters
    _check(load_scores(b"label,score\n1,0.5\r0,0.2\r1,0.7\n"), [1, 0, 1], {"score": [0.5, 0.2, 0.7]})


def test_mutated_files_raise_only_score_file_errors():
    """Random byte edits of valid files: either a table or a ScoreFileError, never another exception."""
    seeds = [
        b"label,score,weight\n1,0.5,2\n0,0.25,1\n1,0.75,3\n0,0.1,1\n",
        "标签;分数\n是;0,5\n否;0,25\n是;0,75\n".encode("gbk"),
        b'"y","p"\n"yes","0.5"\n"no","0.1"\n"yes","0.7"\n',
        "label\tscore\n1\t0.5\n0\t0.2\n".encode("utf-16"),
    ]
    alphabet = b',;\t"\n\r 01.-abcNAinf\xef\xbb\xbf\xe6\x98\xaf\xc7\xf1\x00'
    rng = np.random.default_rng(7)
    for _ in range(300):
        data = bytearray(seeds[rng.integers(len(seeds))])
        for _ in range(rng.integers(1, 5)):
            pos = int(rng.integers(len(data)))
            data[pos : pos + int(rng.integers(0, 2))] = bytes([alphabet[rng.integers(len(alphabet))]])
        for call in (load_scores, detect_columns, lambda d: load_scores(d, drop_invalid=True)):
            try:
                call(bytes(data))
            except ScoreFileError:
                pass
