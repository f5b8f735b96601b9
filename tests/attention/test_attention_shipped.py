"""The weights the repository ships load and reach the accuracy recorded in data/attention/results.json."""

import pytest

from core.attention import (
    VARIANTS,
    WEIGHTS_DIR,
    DateTask,
    SequenceTask,
    accuracy_by_length,
    evaluate,
    load_results,
    load_shipped,
)

RESULTS = load_results()
TASK = DateTask()


def test_every_variant_ships_and_the_files_stay_small():
    files = sorted(WEIGHTS_DIR.glob("*.pt"))
    assert {f.stem for f in files} >= {f"dates-{v}" for v in VARIANTS}
    assert sum(f.stat().st_size for f in files) < 3_000_000
    assert set(RESULTS["dates"]) == set(VARIANTS)


@pytest.mark.parametrize("variant", VARIANTS)
def test_shipped_date_model_reaches_its_reported_accuracy(variant):
    reported = RESULTS["dates"][variant]
    model = load_shipped(TASK, variant)
    subset = TASK.heldout_examples()[: reported["subset_size"]]
    measured = evaluate(model, subset).exact_match
    # the same greedy decoding of the same 500 held-out dates; allow one flip from float rounding
    assert abs(measured - reported["subset_exact_match"]) <= 1 / reported["subset_size"] + 1e-12


def test_attention_models_reach_the_target_on_held_out_dates():
    # local-m is not held to the target: its window sits at p_t = t, but a date reorders its parts
    # ("Friday, November 27, 2026" -> 2026-11-27), so the window misses the year; it reaches about 94%
    # and the page shows where it fails (Local attention tab, per-format table).
    for variant in ("bahdanau", "luong-dot", "luong-general", "luong-concat", "local-p"):
        assert RESULTS["dates"][variant]["heldout_exact_match"] >= 0.99, variant


@pytest.mark.parametrize("kind", ["reverse", "copy"])
def test_shipped_long_models_reproduce_their_first_lengths(kind):
    task = SequenceTask(kind)
    for variant, reported in RESULTS["long"][kind].items():
        model = load_shipped(task, variant)
        rows = accuracy_by_length(model, task, [5, 10, 15], per_length=100, seed=1)
        for got, want in zip(rows, reported["by_length"][:3], strict=True):
            assert got["length"] == want["length"]
            assert abs(got["exact_match"] - want["exact_match"]) <= 0.01 + 1e-12, (variant, got, want)
