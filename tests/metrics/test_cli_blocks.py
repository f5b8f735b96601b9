"""The command line's issue-25 blocks: --segment (both engines, equal to scikit-learn per segment),
--psi (equal to core.metrics.psi on the two files' scores), --bands, and Holm's p-value beside each
DeLong comparison."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from core.metrics import band_table, evaluate, holm, psi
from core.metrics._cli import main


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(7)
    frames = []
    for shift in (0.0, 0.4):
        n = 4000
        y = rng.random(n) < 0.3
        frames.append(
            pd.DataFrame(
                {
                    "label": y.astype(int),
                    "a": np.round(rng.normal(size=n) + y + shift, 3),
                    "b": np.round(rng.normal(size=n) + 0.5 * y, 3),
                    "c": np.round(rng.normal(size=n) + 0.8 * y, 2),
                    "month": rng.choice(["2024-01", "2024-02", "2024-03"], n),
                }
            )
        )
    paths = [tmp_path / "dev.csv", tmp_path / "recent.csv"]
    for frame, path in zip(frames, paths, strict=True):
        frame.to_csv(path, index=False)
    return frames, [str(p) for p in paths]


def run(capsys, *args):
    assert main(list(args)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_segment_psi_and_bands(capsys, files, engine):
    (dev, recent), (dev_path, recent_path) = files
    report = run(
        capsys, dev_path, "--engine", engine, "--score", "a", "b", "c", "--segment", "month",
        "--psi", recent_path, "--bands", "4",
    )  # fmt: skip
    block = report["segments"]
    assert block["column"] == "month" and block["segments"] == ["2024-01", "2024-02", "2024-03"]
    for model in ("a", "b", "c"):
        for row in block["models"][model]["segments"]:
            part = dev[dev["month"] == row["segment"]]
            assert row["roc_auc"] == pytest.approx(roc_auc_score(part["label"], part[model]), abs=1e-12)
            assert row["rows"] == len(part)
        value, _ = psi(dev[model], recent[model], bins=10)
        assert report["psi"]["models"][model]["psi"] == pytest.approx(value, rel=1e-12)
        bands = band_table(evaluate(dev["label"].to_numpy(), dev[model].to_numpy()), n_bands=4)
        assert [b["rows"] for b in report["models"][model]["bands"]] == bands["rows"].tolist()
    if engine == "memory":  # DeLong pairs rows: the memory engine compares the three models
        comparisons = report["comparisons"]
        assert len(comparisons) == 3
        expected = holm([c["p_value"] for c in comparisons])
        assert [c["p_holm"] for c in comparisons] == pytest.approx(expected.tolist(), abs=0)


def test_cli_block_errors(capsys, files):
    _, (dev_path, _) = files
    assert main([dev_path, "--bands", "0"]) == 2
    assert main([dev_path, "--segment", "nope"]) == 2
    assert "segment" in capsys.readouterr().err


def test_html_report_blocks_hold_the_band_table_and_holm():
    from ui.metrics.report_blocks import block_strings, blocks

    rng = np.random.default_rng(2)
    y = rng.random(500) < 0.4
    s = np.round(rng.normal(size=500) + y, 2)
    strings = block_strings(lambda key, **_: key)
    ((title, frame),) = blocks(evaluate(y, s), "m<1>", strings)
    assert title == "stability · m<1>"
    assert frame["col_rows"].tolist() == band_table(evaluate(y, s), n_bands=10)["rows"].tolist()
