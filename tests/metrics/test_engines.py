"""Parquet and the DuckDB engine (issue 14): the same JSON from CSV and Parquet, from the memory and the
DuckDB engines, for one file, several files and a glob; invalid rows; --decimals on both engines."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from core.metrics import evaluate, evaluate_counts, load_scores
from core.metrics._cli import main
from core.metrics._duckdb import aggregate_files
from core.scores import ScoreFileError, detect_columns

# header fields that name the file or how it was stored, not what it holds
STORAGE = ("file", "encoding", "delimiter")


def frame(n: int = 20_000, seed: int = 0, weighted: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.25
    data = {
        "id": np.arange(n),
        "target": np.where(y, "Yes", "no"),
        # probabilities with ties (3 decimals) and an inverted model with raw floats
        "model_a": np.round(1 / (1 + np.exp(-(rng.normal(size=n) + 1.2 * y))), 3),
        "model_b": -(rng.normal(size=n) + 0.8 * y),
    }
    if weighted:
        data["weight"] = rng.integers(0, 4, size=n).astype(float)
    return pd.DataFrame(data)


def report(capsys, *args: str) -> dict:
    status = main(list(args))
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return json.loads(captured.out)


def without(document: dict, *keys: str) -> dict:
    return {k: v for k, v in document.items() if k not in keys}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scores")
    data = frame()
    data.to_csv(folder / "all.csv", index=False)
    data.to_parquet(folder / "all.parquet")
    # the same rows in three parts, both formats
    for i, start in enumerate((0, 7000, 13000)):
        part = data.iloc[start : (7000, 13000, len(data))[i]]
        part.to_csv(folder / f"part-{i}.csv", index=False)
        part.to_parquet(folder / f"part-{i}.parquet")
    weighted = frame(weighted=True, seed=1)
    weighted.to_csv(folder / "weighted.csv", index=False)
    return folder


def test_parquet_and_csv_give_the_same_json(files, capsys):
    csv = report(capsys, str(files / "all.csv"), "--engine", "memory", "--ci", "delong")
    parquet = report(capsys, str(files / "all.parquet"), "--engine", "memory", "--ci", "delong")
    assert parquet["encoding"] == "parquet"
    assert without(csv, *STORAGE) == without(parquet, *STORAGE)
    assert csv["models"]["model_b"]["ks_direction"] == -1
    assert "calibration" in csv["models"]["model_a"] and "calibration" not in csv["models"]["model_b"]


def test_parquet_upload_bytes_and_detect_columns(files):
    data = (files / "all.parquet").read_bytes()
    table = load_scores(data)
    csv = load_scores(files / "all.csv")
    assert (table.label_column, table.pos_label, table.score_columns) == (
        "target",
        "Yes",
        ["model_a", "model_b"],
    )
    for name in table.scores:
        np.testing.assert_array_equal(table.scores[name], csv.scores[name])
    np.testing.assert_array_equal(table.y_true, csv.y_true)
    guess = detect_columns(files / "all.parquet")
    assert (guess.label, guess.scores, guess.encoding) == ("target", ("model_a", "model_b"), "parquet")


@pytest.mark.parametrize("name", ["all.csv", "all.parquet"])
def test_duckdb_engine_equals_memory_engine(files, capsys, name):
    memory = report(capsys, str(files / name), "--engine", "memory", "--ci", "delong", "--threshold", "0.4")
    duck = report(capsys, str(files / name), "--engine", "duckdb", "--ci", "delong", "--threshold", "0.4")
    # identical but for the DeLong comparison of the two models (it pairs rows: memory engine only)
    assert "comparisons" in memory and "comparisons" not in duck
    assert without(duck, "notes") == without(memory, "comparisons")
    assert "DeLong comparisons" in duck["notes"][0]


@pytest.mark.parametrize("pattern", ["part-*.csv", "part-*.parquet"])
def test_a_glob_of_parts_equals_the_whole_file(files, capsys, pattern):
    whole = report(capsys, str(files / "all.csv"), "--engine", "memory")
    for engine in ("duckdb", "memory", "auto"):
        parts = report(capsys, str(files / pattern), "--engine", engine, "--score", "model_a")
        assert parts["models"]["model_a"] == whole["models"]["model_a"]
        assert parts["rows"] == whole["rows"]
    listed = report(capsys, *(str(files / f"part-{i}.csv") for i in range(3)), "--engine", "duckdb")
    assert (
        listed["models"]
        == without(report(capsys, str(files / "all.csv"), "--engine", "duckdb"), "x")["models"]
    )


def test_weighted_file_on_both_engines(files, capsys):
    memory = report(capsys, str(files / "weighted.csv"), "--engine", "memory", "--ci", "delong")
    duck = report(capsys, str(files / "weighted.csv"), "--engine", "duckdb", "--ci", "delong")
    assert memory["weight_column"] == duck["weight_column"] == "weight"
    for name in ("model_a", "model_b"):
        a, b = memory["models"][name], duck["models"][name]
        assert a["weighted"] and b["weighted"] and a["n"] == b["n"]
        for key in ("roc_auc", "average_precision", "ks", "gini", "n_pos", "n_neg"):
            assert b[key] == pytest.approx(a[key], rel=1e-12)
        assert b["ks_threshold"] == a["ks_threshold"]
        assert b["confusion"] == pytest.approx(a["confusion"], rel=1e-12)
        for key in ("low", "high", "se"):
            assert b["ci"][key] == pytest.approx(a["ci"][key], rel=1e-9)


def test_decimals_give_the_same_table_on_both_engines(files, capsys):
    memory = report(capsys, str(files / "all.csv"), "--engine", "memory", "--decimals", "2")
    duck = report(capsys, str(files / "all.parquet"), "--engine", "duckdb", "--decimals", "2")
    assert without(memory, *STORAGE, "notes") == without(duck, *STORAGE, "notes")
    exact = report(capsys, str(files / "all.csv"), "--engine", "memory")
    for name in ("model_a", "model_b"):
        model = memory["models"][name]
        assert model["decimals"] == 2 and model["auc_bound"] > 0
        assert abs(model["roc_auc"] - exact["models"][name]["roc_auc"]) <= model["auc_bound"]


def test_invalid_rows_error_or_dropped_as_in_memory(tmp_path, capsys):
    data = frame(2000).astype({"model_a": object})
    data.loc[[5, 17], "model_a"] = "n/a"
    data.loc[40, "target"] = ""
    data.loc[41, "model_b"] = np.inf
    path = tmp_path / "bad.csv"
    data.to_csv(path, index=False)
    for engine in ("memory", "duckdb"):
        assert main([str(path), "--engine", engine]) == 2
        error = capsys.readouterr().err
        assert error.startswith("error: ") and error.count("\n") == 1
    memory = report(capsys, str(path), "--engine", "memory", "--drop-invalid")
    duck = report(capsys, str(path), "--engine", "duckdb", "--drop-invalid")
    assert memory["dropped_rows"] == duck["dropped_rows"] == 4
    assert without(memory, "comparisons") == without(duck, "notes")


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_cell_that_is_not_a_number_is_one_sentence_or_dropped_as_in_memory(tmp_path, kind):
    data = pd.DataFrame({"label": [1, 0, 1, 0, 1], "score": ["0.5", "abc", "0.7", "0.1", "0.9"]})
    path = tmp_path / f"s.{kind}"
    data.to_csv(path, index=False) if kind == "csv" else data.to_parquet(path)
    where = ", in line 3 of 's.csv'" if kind == "csv" else ""  # named inside the data folder only
    sentence = (
        f"The column 'score' has 'abc', which is not a number{where}: fix it, or drop invalid rows "
        "(drop_invalid=True, --drop-invalid) to skip every such row."
    )
    with pytest.raises(ScoreFileError, match=f"^{re.escape(sentence)}$"):
        aggregate_files(path.name, root=tmp_path)
    duck, memory = aggregate_files(path, drop_invalid=True), load_scores(path, drop_invalid=True)
    assert (duck.n_rows, duck.n_dropped) == (memory.n_rows, memory.n_dropped) == (4, 1)
    expected = evaluate(memory.y_true, memory.scores["score"]).to_dict()
    assert evaluate_counts(duck.counts["score"]).to_dict() == expected


def test_duckdbs_other_errors_are_cut_to_their_first_paragraph():
    from core.metrics._duckdb import _read_error

    message = "IO Error: No files found that match the pattern\n\n  file = x.csv\n  delimiter = ,\n"
    assert str(_read_error(message, None)) == (
        "DuckDB cannot read the files: IO Error: No files found that match the pattern"
    )
    assert "--duckdb-memory" in str(_read_error("Out of Memory Error: failed to allocate", None))


def test_engine_errors(tmp_path, capsys):
    assert main([str(tmp_path / "missing-*.csv"), "--engine", "duckdb"]) == 2
    assert "No file matches" in capsys.readouterr().err
    assert main(["-", "--engine", "duckdb"]) == 2
    assert "standard input" in capsys.readouterr().err
    frame(100).to_csv(tmp_path / "a.csv", index=False)
    frame(100).to_parquet(tmp_path / "b.parquet")
    assert main([str(tmp_path / "a.csv"), str(tmp_path / "b.parquet"), "--engine", "duckdb"]) == 2
    assert "mix CSV and Parquet" in capsys.readouterr().err
    assert main([str(tmp_path / "a.csv"), "--decimals", "16"]) == 2
    assert "--decimals" in capsys.readouterr().err
    (tmp_path / "c.csv").write_text("label,score,weight\n1,0.5,1\n0,0.2,-2\n")
    with pytest.raises(ScoreFileError, match="negative"):
        aggregate_files(tmp_path / "c.csv")


def test_aggregate_files_tables_are_the_rows_tables(files):
    aggregated = aggregate_files(files / "all.parquet", threads=1)
    rows = load_scores(files / "all.csv")
    assert (aggregated.n_rows, aggregated.n_positive) == (rows.n_rows, rows.n_positive)
    for name, table in aggregated.counts.items():
        assert evaluate_counts(table).to_dict() == evaluate(rows.y_true, rows.scores[name]).to_dict()


@pytest.mark.parametrize("decimals", [0, 1, 2, 3, 6])
def test_round_scores_equals_duckdb_round(decimals):
    import duckdb

    from core.metrics import round_scores

    rng = np.random.default_rng(decimals)
    values = np.concatenate(
        (
            np.round(np.linspace(-3, 3, 6001), decimals + 1),  # exact and inexact halves
            rng.normal(size=20_000) * 10.0 ** rng.integers(-3, 4, 20_000),
            [1.865, -1.865, 0.125, 2.675, 0.49999999999999994, 1e300, -0.0],
        )
    )
    connection = duckdb.connect()
    connection.register("t", pd.DataFrame({"x": values}))
    expected = connection.execute(f"SELECT round(x, {decimals}) AS r FROM t").df()["r"].to_numpy()
    connection.close()
    np.testing.assert_array_equal(round_scores(values, decimals), expected)


@pytest.mark.parametrize("decimals", [None, 2])
def test_one_score_column_fast_path_with_invalid_rows(tmp_path, capsys, decimals):
    # one score column and no weight: DuckDB only counts (label, score) groups
    data = frame(3000)[["target", "model_a"]].astype({"model_a": object})
    data.loc[[3, 30], "model_a"] = ""
    data.loc[31, "model_a"] = "inf"
    data.loc[32, "model_a"] = "abc"
    data.loc[50, "target"] = ""
    path = tmp_path / "one.csv"
    data.to_csv(path, index=False)
    extra = [] if decimals is None else ["--decimals", str(decimals)]
    assert main([str(path), "--engine", "duckdb", *extra]) == 2
    assert "--drop-invalid" in capsys.readouterr().err
    memory = report(capsys, str(path), "--engine", "memory", "--drop-invalid", *extra)
    duck = report(capsys, str(path), "--engine", "duckdb", "--drop-invalid", *extra)
    assert memory["dropped_rows"] == duck["dropped_rows"] == 5
    assert duck == memory


def test_a_broken_parquet_file_is_one_clear_error(tmp_path, capsys):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    with pytest.raises(ScoreFileError, match="cannot be read as Parquet"):
        load_scores(path)
    with pytest.raises(ScoreFileError, match="cannot be read as Parquet"):
        detect_columns(path.read_bytes())
    assert main([str(path), "--engine", "memory"]) == 2
    assert capsys.readouterr().err.startswith("error: The file starts like Parquet")


def test_data_folder_confines_paths_and_globs(tmp_path):
    from core.metrics import expand_sources

    root = tmp_path / "data"
    (root / "scores").mkdir(parents=True)
    (root / "scores" / "a.csv").write_text("label,score\n1,0.5\n0,0.2\n")
    (root / "scores" / "b.csv").write_text("label,score\n1,0.7\n0,0.1\n")
    outside = tmp_path / "secret.csv"
    outside.write_text("label,score\n1,0.5\n0,0.2\n")
    (root / "link.csv").symlink_to(outside)
    real = str(root.resolve())

    assert expand_sources("scores/*.csv", root=root) == [f"{real}/scores/a.csv", f"{real}/scores/b.csv"]
    assert expand_sources("scores/b.csv", root=root) == [f"{real}/scores/b.csv"]
    assert expand_sources(f"{root}/scores/a.csv", root=root) == [f"{real}/scores/a.csv"]  # absolute, inside
    # the glob's link leading out is left out; named, it is refused
    assert expand_sources("**/*.csv", root=root) == [f"{real}/scores/a.csv", f"{real}/scores/b.csv"]
    for escaping in (
        "../secret.csv",
        str(outside),
        "link.csv",
        "../*.csv",
        "/**/*.csv",
        "scores/../../x.csv",
    ):
        with pytest.raises(ScoreFileError, match="inside the data folder") as error:
            expand_sources(escaping, root=root)
        assert "secret" not in str(error.value), "a file outside the folder is never named"
    with pytest.raises(ScoreFileError, match=r"No file in the data folder matches '\*\.csv'"):
        expand_sources("*.csv", root=root)  # only the link, left out
    with pytest.raises(ScoreFileError, match=r"No file in the data folder matches 'scores/\*\.parquet'"):
        expand_sources("scores/*.parquet", root=root)
    with pytest.raises(ScoreFileError, match=r"'scores/c\.csv': no such file"):
        expand_sources("scores/c.csv", root=root)
    with pytest.raises(
        ScoreFileError, match=r"'scores' is a folder: name its files, e\.g\. 'scores/\*\.parquet'"
    ):
        expand_sources("scores", root=root)
    with pytest.raises(ScoreFileError, match=r"'~/x\.csv': no such file"):
        expand_sources("~/x.csv", root=root)  # no home folder: a name in the data folder
    with pytest.raises(ScoreFileError, match="does not exist"):
        expand_sources("a.csv", root=tmp_path / "missing")
    # without a root, any path (the command line's user names their own files)
    assert expand_sources(str(outside)) == [str(outside)]


@pytest.mark.parametrize(
    ("name", "pattern"), [("scores[1].csv", "scores*.csv"), ("a?.csv", "a[?].csv"), ("*.csv", "[*].csv")]
)
def test_file_names_with_duckdbs_glob_characters_are_refused(tmp_path, name, pattern):
    # DuckDB globs '*', '?' and '[' even in the name of a file that exists: such a name would read the
    # files it matches as a pattern (here scores1.csv, a1.csv), links leading out of the folder included
    real = str(tmp_path.resolve())
    for other in ("scores1.csv", "a1.csv"):
        (tmp_path / other).write_text("label,score\n1,0.9\n0,0.2\n1,0.4\n")
    (tmp_path / name).write_text("label,score\n0,0.8\n1,0.3\n")
    from core.metrics import expand_sources

    assert f"{real}/{name}" in expand_sources(pattern, root=tmp_path)  # the file itself, not globbed again
    with pytest.raises(ScoreFileError, match=re.escape(f"The file '{name}' has '*', '?' or '[' in its path")):
        aggregate_files(pattern, root=tmp_path)
    # the memory engine opens the file by its name
    assert load_scores(tmp_path / name).n_rows == 2


def test_a_file_reached_twice_is_read_once(tmp_path):
    # a linked folder (latest -> the newest day) that '**' walks into, and a file named twice
    day = tmp_path / "2024-05-01"
    day.mkdir()
    (day / "part-0.csv").write_text("label,score\n1,0.9\n0,0.2\n1,0.4\n0,0.3\n")
    (tmp_path / "latest").symlink_to(day)
    (tmp_path / "loop").symlink_to(tmp_path)
    from core.metrics import expand_sources

    real = str(tmp_path.resolve())
    assert expand_sources("**/*.csv", root=tmp_path) == [f"{real}/2024-05-01/part-0.csv"]
    assert expand_sources(["latest/part-0.csv", "2024-05-01/*.csv"], root=tmp_path) == [
        f"{real}/latest/part-0.csv"
    ]
    assert aggregate_files("**/*.csv", root=tmp_path).n_rows == 4
    assert expand_sources([str(day / "part-0.csv"), str(tmp_path / "latest" / "part-0.csv")]) == [
        str(day / "part-0.csv")
    ]


def test_empty_parts_are_skipped(tmp_path):
    # a folder of parts whose first part is empty: the columns are guessed on the next one
    parts = tmp_path / "parts"
    parts.mkdir()
    frame().iloc[:0].to_parquet(parts / "part-0.parquet")
    frame().to_parquet(parts / "part-1.parquet")
    (parts / "part-2.csv").write_text("")
    assert aggregate_files(parts / "*.parquet").n_rows == len(frame())
    from core.metrics import first_with_rows

    assert first_with_rows([str(parts / "part-2.csv"), str(parts / "part-1.parquet")]).endswith(
        "part-1.parquet"
    )


@pytest.mark.parametrize(("weights", "whole"), [([1.0, 2.0, 0.0, 3.0], True), ([0.5, 0.5, 1.0, 2.0], False)])
def test_whole_weights_tell_a_count_column(tmp_path, weights, whole):
    # the two 0.5s are one (score, label) group whose sum is 1: only the rows tell fractional weights
    data = pd.DataFrame({"label": [1, 1, 0, 0], "score": [0.9, 0.9, 0.2, 0.1], "count": weights})
    data.to_csv(tmp_path / "t.csv", index=False)
    aggregated = aggregate_files(tmp_path / "t.csv", weight="count")
    assert aggregated.whole_weights is whole
    assert aggregated.counts["score"].weighted
    (tmp_path / "plain.csv").write_text("label,score\n1,0.9\n0,0.2\n")
    assert aggregate_files(tmp_path / "plain.csv").whole_weights  # no weight column: rows
