"""The multiclass report: ``python -m core.metrics FILE`` on a multiclass file (JSON, ``--html``), the HTML
report (escaped), and the page's two downloads; binary files keep their report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from core.metrics import MULTICLASS_EXAMPLES, evaluate_multiclass, multiclass_report, multiclass_report_html
from core.metrics._cli import main
from tests.apptest import open_link

ROOT = Path(__file__).resolve().parents[2]


def test_the_command_line_prints_the_multiclass_report_and_writes_html(tmp_path):
    out = tmp_path / "report.html"
    done = subprocess.run(
        [sys.executable, "-m", "core.metrics", str(MULTICLASS_EXAMPLES["digits"]), "--html", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    frame = pd.read_csv(MULTICLASS_EXAMPLES["digits"])
    y, p = frame["digit"].to_numpy(), frame[[str(d) for d in range(10)]].to_numpy()
    assert report["task"] == "multiclass" and report["label_column"] == "digit"
    assert abs(report["roc_auc"]["ovr_macro"] - sk.roc_auc_score(y, p, multi_class="ovr")) <= 1e-12
    assert (
        abs(report["roc_auc"]["ovo_weighted"] - sk.roc_auc_score(y, p, multi_class="ovo", average="weighted"))
        <= 1e-12
    )
    assert abs(report["log_loss"] - sk.log_loss(y, p)) <= 1e-12
    assert abs(report["top_k_accuracy"]["2"] - sk.top_k_accuracy_score(y, p, k=2)) <= 1e-12
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Confusion matrix" in text


def test_a_binary_file_keeps_its_report(capsys):
    assert main([str(ROOT / "data" / "examples" / "balanced.csv")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "models" in report and "task" not in report


def test_score_columns_must_be_one_per_class(tmp_path, capsys):
    assert main([str(MULTICLASS_EXAMPLES["digits"]), "--score", "0", "1"]) == 2
    assert "one score column per class" in capsys.readouterr().err


def test_the_html_report_escapes_the_files_names():
    rng = np.random.default_rng(1)
    y = rng.choice(["<b>a</b>", "b&c", "d"], size=60)
    p = rng.dirichlet([1, 1, 1], size=60)
    e = evaluate_multiclass(y, p, classes=["<b>a</b>", "b&c", "d"])
    text = multiclass_report_html(multiclass_report(e, name="<script>x</script>.csv"))
    assert "<script>" not in text and "&lt;b&gt;a&lt;/b&gt;" in text and "b&amp;c" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_offers_both_downloads(lang):
    at = open_link("app_pages/metrics.py", lang, params={"metrics_example": "digits"})
    keys = {b.key for b in at.get("download_button")}
    assert {"metrics_mc_download_json", "metrics_mc_download_html"} <= keys
