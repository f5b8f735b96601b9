"""The command line's decision flags (issue 24): --cost-*, --min-recall/--min-precision/--max-fpr/--top and
--bootstrap add their blocks to each model, equal to core.metrics' contracts (and to a brute force over
the file's rows for the confusion matrices), on every engine; bad flags exit 2 with one line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix

from core.metrics import bootstrap, evaluate, evaluate_counts, min_cost_threshold, score_counts, threshold_for
from core.metrics._cli import main
from core.scores import EXAMPLES


def run(capsys, *args: str) -> dict:
    assert main([*args]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_cost_constraint_and_bootstrap_blocks(capsys):
    frame = pd.read_csv(EXAMPLES["balanced"])
    y, s = frame["label"].to_numpy() == 1, frame["score"].to_numpy()
    report = run(
        capsys,
        str(EXAMPLES["balanced"]),
        "--cost-fp", "1", "--cost-fn", "20", "--cost-tp", "-0.5",
        "--min-recall", "0.95",
        "--bootstrap", "300", "--seed", "3", "--threshold", "0.4",
    )  # fmt: skip
    entry = report["models"]["score"]
    ev = evaluate(y, s, threshold=0.4)
    threshold, cost = min_cost_threshold(ev, cost_fp=1.0, cost_fn=20.0, cost_tp=-0.5)
    assert entry["cost"]["threshold"] == threshold and entry["cost"]["mean_cost"] == pytest.approx(
        cost, abs=1e-15
    )
    assert entry["cost"] | {} == entry["cost"] and entry["cost"]["cost_tn"] == 0.0
    tn, fp, fn, tp = confusion_matrix(y, s >= threshold).ravel()
    c = entry["cost"]["confusion"]
    assert (c["tp"], c["fp"], c["fn"], c["tn"]) == (tp, fp, fn, tn)
    # the constraint: threshold_for's answer and scikit-learn's confusion matrix on the rows there
    best, _ = threshold_for(ev, min_recall=0.95)
    block = entry["constraint"]
    assert (block["name"], block["value"], block["threshold"]) == ("min_recall", 0.95, best)
    tn, fp, fn, tp = confusion_matrix(y, s >= best).ravel()
    assert (block["confusion"]["tp"], block["confusion"]["fp"]) == (tp, fp)
    assert block["confusion"]["recall"] >= 0.95
    # the bootstrap: core.metrics.bootstrap's intervals with the same seed, at --threshold
    expected = bootstrap(ev, n_boot=300, seed=3).intervals
    boot = entry["bootstrap"]
    assert (boot["n_boot"], boot["seed"], boot["level"], boot["threshold"]) == (300, 3, 0.95, 0.4)
    for metric, (low, high) in expected.items():
        assert (boot["intervals"][metric]["low"], boot["intervals"][metric]["high"]) == (low, high)


def test_no_threshold_meets_is_a_block_not_a_failure(tmp_path, capsys):
    path = tmp_path / "noise.csv"
    path.write_text("label,score\n0,0.9\n1,0.8\n0,0.7\n1,0.6\n0,0.5\n0,0.4\n")
    entry = run(capsys, str(path), "--min-precision", "0.9")["models"]["score"]
    assert entry["constraint"]["error"].startswith("no threshold meets min_precision = 0.9")
    assert "threshold" not in entry["constraint"]
    entry = run(capsys, str(path), "--max-fpr", "0", "--cost-fp", "100", "--cost-fn", "1")["models"]["score"]
    assert entry["constraint"]["predict_none"] is True and entry["constraint"]["threshold"] is None
    assert entry["cost"]["predict_none"] is True and entry["cost"]["threshold"] is None


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_a_count_table_gives_the_blocks_of_its_rows(tmp_path, capsys, engine):
    rng = np.random.default_rng(0)
    y = rng.random(2000) < 0.3
    s = np.round(rng.normal(size=2000) + y, 1)
    table = score_counts(y, s)
    rows = [(sc, 1, p) for sc, p in zip(table.scores, table.positives, strict=True) if p]
    rows += [(sc, 0, n) for sc, n in zip(table.scores, table.negatives, strict=True) if n]
    path = tmp_path / "counts.csv"
    pd.DataFrame(rows, columns=["score", "label", "count"]).to_csv(path, index=False)
    args = (str(path), "--engine", engine, "--weight", "count", "--top", "0.1", "--bootstrap", "200")
    entry = run(capsys, *args, "--cost-fp", "1", "--cost-fn", "3")["models"]["score"]
    ev = evaluate_counts(table)
    assert entry["constraint"]["threshold"] == threshold_for(ev, top_fraction=0.1)[0]
    assert entry["cost"]["threshold"] == min_cost_threshold(ev, cost_fp=1.0, cost_fn=3.0)[0]
    expected = bootstrap(ev, n_boot=200, seed=0).intervals["roc_auc"]
    assert tuple(entry["bootstrap"]["intervals"]["roc_auc"].values()) == pytest.approx(expected, abs=1e-12)


def test_fractional_weights_say_why_there_is_no_bootstrap(tmp_path, capsys):
    path = tmp_path / "weighted.csv"
    path.write_text("label,score,w\n0,0.1,0.5\n1,0.8,1.5\n0,0.4,2.25\n1,0.35,1\n")
    entry = run(capsys, str(path), "--weight", "w", "--bootstrap", "50")["models"]["score"]
    assert "fractional weights" in entry["bootstrap"]["error"]


@pytest.mark.parametrize(
    "flags, words",
    [
        (["--cost-fp", "1"], "go together"),
        (["--cost-fp", "1", "--cost-fn", "inf"], "finite"),
        (["--min-recall", "1.5"], "from 0 to 1"),
        (["--top", "nan"], "from 0 to 1"),
        (["--bootstrap", "1"], "at least 2"),
        (["--bootstrap", "10", "--seed", "-1"], "--seed"),
    ],
)
def test_bad_decision_flags_exit_2_with_one_line(capsys, flags, words):
    assert main([str(EXAMPLES["balanced"]), *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err and err.count("\n") == 1


def test_two_constraints_are_refused_by_the_parser(capsys):
    assert main([str(EXAMPLES["balanced"]), "--min-recall", "0.9", "--max-fpr", "0.1"]) == 2
    assert "not allowed with" in capsys.readouterr().err


def test_a_bootstrap_over_the_budget_says_what_to_do(tmp_path, capsys):
    rng = np.random.default_rng(1)
    y = rng.random(30_000) < 0.5
    s = rng.random(30_000)  # 30,000 distinct scores: 1,000 replicates are 3e7 cells
    path = tmp_path / "many.csv"
    pd.DataFrame({"label": y.astype(int), "score": s}).to_csv(path, index=False)
    entry = run(capsys, str(path), "--bootstrap", "1000")["models"]["score"]
    assert "--decimals" in entry["bootstrap"]["error"] and "intervals" not in entry["bootstrap"]
    entry = run(capsys, str(path), "--bootstrap", "1000", "--decimals", "3")["models"]["score"]
    assert set(entry["bootstrap"]["intervals"]) == {
        "roc_auc", "average_precision", "ks", "accuracy", "precision", "recall", "f1", "specificity", "mcc"
    }  # fmt: skip
