"""The dates experiment's shipped sweep (data/finetune/dates/results.json, written by
scripts/train_finetune_dates.py): complete, in the digits file's schema, and reproduced bit for bit by
the function the page runs live."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.finetune import (
    DATES_BACKBONE_LAYERS,
    DATES_RESULTS_PATH,
    DATES_SIZES,
    STRATEGIES,
    TARGET_FORMATS,
    load_date_results,
    load_date_source,
    run_date_strategy,
)


@pytest.fixture(scope="module")
def source():
    return load_date_source()


def test_shipped_sweep_is_complete_and_has_the_digits_schema():
    results = load_date_results()
    seeds = results["plan"]["seeds"]
    assert len(seeds) >= 5
    assert results["plan"]["strategies"] == list(STRATEGIES)
    assert results["plan"]["sizes"] == list(DATES_SIZES)
    keys = {(r["strategy"], str(r["per_class"]), r["seed"]) for r in results["runs"]}
    assert keys == {(s, str(n), seed) for s in STRATEGIES for n in DATES_SIZES for seed in seeds}
    assert len(results["runs"]) == len(keys)
    for run in results["runs"]:
        assert {"strategy", "per_class", "seed", "accuracy", "cpu_seconds", "drift", "per_format"} <= set(run)
        assert 0.0 <= run["accuracy"] <= 1.0
        assert set(run["drift"]) == set(DATES_BACKBONE_LAYERS)
        assert set(run["per_format"]) == {fmt.name for fmt in TARGET_FORMATS}
        # the overall accuracy is the mean over the formats (each has the same number of test strings)
        assert run["accuracy"] == pytest.approx(np.mean(list(run["per_format"].values())), abs=1e-12)
    probe = [r for r in results["runs"] if r["strategy"] == "linear_probe"]
    assert all(v == 0.0 for r in probe for v in r["drift"].values())
    assert DATES_RESULTS_PATH.parent.name == "dates"
    assert results["environment"]["threads"] == 1


@pytest.mark.parametrize(("strategy", "per_class", "seed"), [("scratch", 2, 1), ("discriminative", 10, 3)])
def test_a_live_run_reproduces_the_shipped_run(source, strategy, per_class, seed):
    shipped = {(r["strategy"], str(r["per_class"]), r["seed"]): r for r in load_date_results()["runs"]}
    run = shipped[(strategy, str(per_class), seed)]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the script ran
    try:
        result = run_date_strategy(source, strategy, per_class, seed)
    finally:
        torch.set_num_threads(threads)
    assert result.accuracy == run["accuracy"]
    assert result.per_format == run["per_format"]
    assert result.drift == pytest.approx(run["drift"], abs=1e-6)  # the file keeps 6 decimals
