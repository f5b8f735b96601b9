"""python -m core.metrics FILE.csv prints the report as JSON; bad files exit 2 with one line.

The end-to-end tests run the real command in a subprocess and compare its ROC AUCs with
scikit-learn's roc_auc_score on the same file; the error-path tests call main() directly.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from core.metrics import comparison_frame, evaluate, file_fields, model_entry, report_json
from core.metrics._cli import main
from core.scores import EXAMPLES, load_scores

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "core.metrics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_report_matches_sklearn_on_an_example():
    result = _run(str(EXAMPLES["balanced"]), "--threshold", "0.3")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    frame = pd.read_csv(EXAMPLES["balanced"])
    assert (report["rows"], report["positives"]) == (len(frame), int(frame["label"].sum()))
    assert (report["label_column"], report["pos_label"], report["threshold"]) == ("label", "1", 0.3)
    assert list(report["models"]) == ["score"]
    expected = roc_auc_score(frame["label"], frame["score"])
    assert report["models"]["score"]["roc_auc"] == pytest.approx(expected, rel=0, abs=1e-12)


def test_two_models_with_confidence_intervals_and_delong():
    result = _run(str(EXAMPLES["two_models"]), "--ci", "delong")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    frame = pd.read_csv(EXAMPLES["two_models"])
    aucs = {}
    for name in ("logistic_regression", "naive_bayes"):
        aucs[name] = roc_auc_score(frame["label"], frame[name])
        entry = report["models"][name]
        assert entry["roc_auc"] == pytest.approx(aucs[name], rel=0, abs=1e-12)
        assert entry["ci"]["method"] == "delong" and entry["ci"]["level"] == 0.95
        assert entry["ci"]["low"] < aucs[name] < entry["ci"]["high"]
    (comparison,) = report["comparisons"]
    assert (comparison["model_a"], comparison["model_b"]) == ("logistic_regression", "naive_bayes")
    assert comparison["auc_a"] == pytest.approx(aucs["logistic_regression"], rel=0, abs=1e-12)
    assert comparison["auc_b"] == pytest.approx(aucs["naive_bayes"], rel=0, abs=1e-12)
    assert comparison["difference"] == pytest.approx(
        aucs["logistic_regression"] - aucs["naive_bayes"], abs=1e-12
    )
    assert 0 <= comparison["p_value"] <= 1


def test_the_command_line_and_the_page_download_share_one_json_schema():
    """The page's JSON download is built by core.metrics.model_entry / report_document; so is this."""
    result = _run(str(EXAMPLES["two_models"]), "--ci", "delong")
    report = json.loads(result.stdout)
    table = load_scores(EXAMPLES["two_models"])
    evaluations = {name: evaluate(table.y_true, score) for name, score in table.scores.items()}
    page = json.loads(
        report_json(
            {name: model_entry(ev) for name, ev in evaluations.items()},
            comparison_frame(table.y_true, table.scores),
            **file_fields(table, str(EXAMPLES["two_models"]), 0.5),
        )
    )
    assert page.keys() == report.keys()
    assert {k: v for k, v in page.items() if k not in ("models", "comparisons")} == {
        k: v for k, v in report.items() if k not in ("models", "comparisons")
    }
    for ours, theirs in zip(page["comparisons"], report["comparisons"], strict=True):
        assert ours.keys() == theirs.keys()
        assert (ours["model_a"], ours["model_b"]) == (theirs["model_a"], theirs["model_b"])
        for key in ("auc_a", "auc_b", "difference", "se", "z", "p_value"):
            assert ours[key] == pytest.approx(theirs[key], rel=1e-12, abs=1e-15)
    for name, score in table.scores.items():
        ev = evaluate(table.y_true, score)
        page_entry = json.loads(report_json({name: model_entry(ev, ev.confusion, ev.delong_interval())}))
        entry = report["models"][name]
        assert entry.keys() == page_entry["models"][name].keys()
        assert entry["confusion"] == page_entry["models"][name]["confusion"]
        for key in ("roc_auc", "average_precision", "ks", "gini"):
            assert entry[key] == pytest.approx(page_entry["models"][name][key], rel=0, abs=1e-15)
        for key in ("low", "high", "se"):  # DeLong from the rows vs from the tie-group counts
            assert entry["ci"][key] == pytest.approx(page_entry["models"][name]["ci"][key], rel=1e-9)


def test_counts_table_gives_the_auc_of_the_expanded_rows(tmp_path):
    path = tmp_path / "grouped.csv"
    path.write_text(
        "标签,分数,数量\n1,0.9,12\n0,0.9,3\n1,0.4,2\n0,0.4,20\n1,0.1,1\n0,0.1,9\n", encoding="gbk"
    )
    result = _run(str(path), "--ci", "delong")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    counts = np.array([12, 3, 2, 20, 1, 9])
    y = np.repeat([1, 0, 1, 0, 1, 0], counts)
    s = np.repeat([0.9, 0.9, 0.4, 0.4, 0.1, 0.1], counts)
    assert report["weight_column"] == "数量" and report["encoding"] == "gbk"
    assert report["models"]["分数"]["roc_auc"] == pytest.approx(roc_auc_score(y, s), rel=0, abs=1e-12)
    assert "ci" in report["models"]["分数"]


def test_bad_file_exits_2_with_one_line_and_no_traceback(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_bytes(b"label,score\n1,0.9\n0,n/a?\n")
    result = _run(str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: The score column 'score' has 'n/a?', which is not a number")


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"\x00\x01binary", [], "error: This does not look like a CSV text file"),
        (b"label,score\n", [], "error: The file has a header (label, score) but no data rows"),
        (b"outcome,prob\ncat,0.1\ndog,0.8\n", [], "pass pos_label to say which one is positive"),
        (b"label,score\n1,0.1\n0,0.8\n", ["--score", "prob"], "There is no score column 'prob'"),
        (b"label,score\n1,0.1\n0,0.8\n", ["--level", "2"], "error: --level must be between 0 and 1"),
    ],
)
def test_main_reports_bad_input_on_one_line(tmp_path, capsys, content, args, message):
    path = tmp_path / "scores.csv"
    path.write_bytes(content)
    assert main([str(path), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err and captured.err.count("\n") == 1


def test_main_missing_file_and_usage_errors(tmp_path, capsys):
    assert main([str(tmp_path / "nope.csv")]) == 2
    assert "error: Cannot read the file" in capsys.readouterr().err
    assert main([]) == 2  # argparse prints the usage and the missing argument
    assert "usage: python -m core.metrics" in capsys.readouterr().err
