"""The dates fine-tuning experiment (core.finetune._dates) against torch, brute-force versions and the
shipped sweep: the task's split, the head's attention pooling, each strategy's trainable set and
optimizer groups, the copied encoder, the drift, the errors, and runs reproduced bit for bit."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score

from core.attention import MAX_DATE_INPUT, PAD, DateTask, is_heldout, read_date
from core.finetune import (
    DATES_BACKBONE_LAYERS,
    DATES_LAYERS,
    DATES_POOL_PER_CLASS,
    DATES_TEST_PER_FORMAT,
    DISCRIMINATIVE_DECAY,
    MONTH_NAMES,
    STRATEGIES,
    TARGET_FORMATS,
    AttentionPoolHead,
    DateReader,
    TrainPlan,
    accuracy,
    date_features,
    date_finetune_model,
    date_formula_count,
    date_labelled_subset,
    date_layer_table,
    dates_drift,
    dates_target_task,
    encode_dates,
    load_date_source,
    ordinal_words,
    parameter_counts,
    predict,
    run_date_strategy,
    train,
)

LR = 3e-3
MULT = 10.0
SHORT = TrainPlan(steps=6, batch_size=16, eval_every=3)


@pytest.fixture(scope="module")
def source():
    return load_date_source()


@pytest.fixture(scope="module")
def task():
    return dates_target_task()


def _state(model) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


# --- the target task ------------------------------------------------------------------------------------


def test_ordinal_words_by_hand():
    expected = {1: "first", 2: "second", 3: "third", 9: "ninth", 12: "twelfth", 19: "nineteenth"}
    expected |= {20: "twentieth", 21: "twenty-first", 27: "twenty-seventh", 30: "thirtieth"}
    expected |= {31: "thirty-first"}
    for n, words in expected.items():
        assert ordinal_words(n) == words
    assert len({ordinal_words(n) for n in range(1, 32)}) == 31
    for bad in (0, 32, 2.0, True):
        with pytest.raises(ValueError, match="n must be a whole number from 1 to 31"):
            ordinal_words(bad)


def test_formats_examples_and_tables():
    examples = {fmt.name: fmt.example() for fmt in TARGET_FORMATS}
    assert examples == {
        "fr": "27 novembre 2026",
        "de": "27. november 2026",
        "es": "27 de noviembre de 2026",
        "it": "27 novembre 2026",
        "roman": "27.xi.2026",
        "dd-mm-yyyy": "27-11-2026",
        "yyyy mm dd": "2026 11 27",
        "words": "the twenty-seventh of november, 2026",
    }
    for names in MONTH_NAMES.values():
        assert len(names) == len(set(names)) == 12
        assert all(re.fullmatch(r"[a-z]+", name) for name in names)  # ASCII only


def _month_by_brute_force(text: str, fmt_name: str) -> int:
    """The month (1-12) of a target string, read back with the format's own table."""
    if fmt_name in MONTH_NAMES:
        words = re.findall(r"[a-z]+", text)
        return [i + 1 for i, name in enumerate(MONTH_NAMES[fmt_name]) if name in words][-1]
    if fmt_name == "words":
        names = "january february march april may june july august september october november december"
        return names.split().index(text.split(" of ")[1].split(",")[0]) + 1
    numbers = re.findall(r"\d+", text)
    return int(numbers[1])  # dd-mm-yyyy and yyyy mm dd: the month is the middle number


def _date_of(text: str, fmt_name: str) -> dt.date:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    year = max(numbers)
    month = _month_by_brute_force(text, fmt_name)
    if fmt_name == "words":
        day = next(n for n in range(1, 32) if f"the {ordinal_words(n)} of" in text)
    elif fmt_name == "yyyy mm dd":
        day = numbers[2]
    else:
        day = numbers[0]
    return dt.date(year, month, day)


def test_task_labels_split_and_balance(task):
    names = [fmt.name for fmt in TARGET_FORMATS]
    for texts, labels, formats, held in (
        (task.texts_test, task.y_test, task.format_test, True),
        (task.texts_train, task.y_train, task.format_train, False),
    ):
        for text, label, f in zip(texts, labels.tolist(), formats.tolist(), strict=True):
            # every label is the month the string writes, read back by brute force
            assert _month_by_brute_force(text, names[f]) == label + 1, text
            # test strings are dates the source held out; pool strings are dates it trained on
            assert is_heldout(_date_of(text, names[f])) == held, text
            # and the source never read this way of writing a date
            assert read_date(text) is None, text
    per_month_format = np.zeros((12, len(TARGET_FORMATS)), dtype=int)
    np.add.at(per_month_format, (task.y_test.numpy(), task.format_test), 1)
    assert (per_month_format == DATES_TEST_PER_FORMAT).all()
    assert task.pool_per_class().tolist() == [DATES_POOL_PER_CLASS] * 12
    assert not set(task.texts_test) & set(task.texts_train)
    assert len(set(task.texts_test)) == len(task.texts_test)


def test_encode_dates_round_trips_through_the_source_vocabulary(task):
    vocab = DateTask.src_vocab
    ids = encode_dates(list(task.texts_test[:50]))
    assert ids.shape == (50, MAX_DATE_INPUT) and ids.dtype == torch.long
    for row, text in zip(ids.tolist(), task.texts_test[:50], strict=True):
        assert vocab.decode(row) == text
        assert row[len(text) :] == [PAD] * (MAX_DATE_INPUT - len(text))
    assert torch.equal(encode_dates(list(task.texts_test)), task.x_test)
    with pytest.raises(ValueError, match="never seen"):
        encode_dates(["27 août 2026"])
    with pytest.raises(ValueError, match="1 to 40 characters"):
        encode_dates(["1" * 41])
    with pytest.raises(ValueError, match="texts is empty"):
        encode_dates([])


def test_labelled_subsets_are_balanced_fixed_and_checked(task):
    x, y = date_labelled_subset(task, 5, seed=0)
    assert np.bincount(y.numpy()).tolist() == [5] * 12
    x2, _ = date_labelled_subset(task, 5, seed=0)
    x3, _ = date_labelled_subset(task, 5, seed=1)
    assert torch.equal(x, x2) and not torch.equal(x, x3)
    pool = {tuple(row) for row in task.x_train.tolist()}
    assert all(tuple(row) in pool for row in x.tolist())
    assert len(date_labelled_subset(task, "all", seed=0)[0]) == 12 * DATES_POOL_PER_CLASS
    for bad in (0, DATES_POOL_PER_CLASS + 1, 2.5, "ten", True):
        with pytest.raises(ValueError, match="per_class must be a whole number from 1 to 200"):
            date_labelled_subset(task, bad, seed=0)
    with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
        date_labelled_subset(task, 5, seed=-1)


# --- the model ------------------------------------------------------------------------------------------


def test_the_copied_encoder_computes_the_source_encoder_states(source, task):
    model, _ = date_finetune_model(source, "full", lr=LR, seed=0)
    ids = task.x_test[:40]
    lengths = (ids != PAD).sum(dim=1)
    with torch.no_grad():
        ours = model.encode(ids)
        theirs = source.encoder(ids, lengths)
    assert torch.equal(ours.states, theirs.states)
    np.testing.assert_array_equal(date_features(model, ids), date_features(source, ids))


def test_attention_pool_head_against_a_brute_force_loop(source, task):
    model, _ = date_finetune_model(source, "head_lr", lr=LR, seed=2)
    model.eval()
    ids = task.x_test[::37]
    with torch.no_grad():
        logits = model(ids).double().numpy()
        states = model.encode(ids).states.double().numpy()
    w = model.head.score.weight.detach().double().numpy()[0]
    b_e = float(model.head.score.bias.detach())
    W = model.head.out.weight.detach().double().numpy()
    b = model.head.out.bias.detach().double().numpy()
    for i, row in enumerate(ids.tolist()):
        n = sum(1 for t in row if t != PAD)
        h = states[i, :n]  # the real positions only
        e = np.array([w @ h_s + b_e for h_s in h])
        alpha = np.exp(e - e.max()) / np.exp(e - e.max()).sum()
        c = sum(a * h_s for a, h_s in zip(alpha, h, strict=True))
        np.testing.assert_allclose(logits[i], W @ c + b, rtol=1e-5, atol=1e-5)
        # one string alone, without any padding, gives the same logits as in the padded batch
        with torch.no_grad():
            alone = model(torch.tensor([row[:n]])).double().numpy()[0]
        np.testing.assert_allclose(alone, logits[i], rtol=1e-5, atol=1e-5)


def test_date_features_are_the_mean_and_max_of_the_real_states(source, task):
    ids = task.x_train[::101]
    z = date_features(source, ids)
    with torch.no_grad():
        enc = source.encoder(ids, (ids != PAD).sum(dim=1))
    states = enc.states.double().numpy()
    for i, row in enumerate(ids.tolist()):
        n = sum(1 for t in row if t != PAD)
        expected = np.concatenate([states[i, :n].mean(axis=0), states[i, :n].max(axis=0)])
        np.testing.assert_allclose(z[i], expected, rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="DateReader or a Seq2Seq"):
        date_features(torch.nn.Linear(2, 2), ids)


EXPECTED_RATES = {
    "scratch": {"embed": LR, "rnn": LR, "head": LR},
    "full": {"embed": LR, "rnn": LR, "head": LR},
    "linear_probe": {"head": MULT * LR},
    "head_lr": {"embed": LR, "rnn": LR, "head": MULT * LR},
    "discriminative": {"embed": LR / DISCRIMINATIVE_DECAY, "rnn": LR, "head": MULT * LR},
}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_trainable_set_and_optimizer_groups_read_back_from_torch(source, strategy):
    model, groups = date_finetune_model(source, strategy, lr=LR, head_lr_mult=MULT, seed=3)
    optimizer = torch.optim.Adam(groups)
    expected = EXPECTED_RATES[strategy]
    assert [g["name"] for g in optimizer.param_groups] == list(expected)
    for group in optimizer.param_groups:
        assert group["lr"] == pytest.approx(expected[group["name"]], rel=1e-12)
        assert [id(p) for p in group["params"]] == [id(p) for p in model.layer(group["name"]).parameters()]
    in_optimizer = {id(p) for g in optimizer.param_groups for p in g["params"]}
    for name, p in model.named_parameters():
        assert p.requires_grad == (id(p) in in_optimizer), name
    encoder = sum(p.numel() for p in model.encoder.parameters())
    trainable, frozen = parameter_counts(model)
    assert frozen == (encoder if strategy == "linear_probe" else 0)
    assert trainable + frozen == sum(p.numel() for p in model.parameters())
    rows = {r.name: r for r in date_layer_table(model, groups)}
    assert list(rows) == list(DATES_LAYERS)
    for name in DATES_LAYERS:
        assert rows[name].trainable == (name in expected)
        assert rows[name].lr == (pytest.approx(expected[name]) if name in expected else None)
        assert rows[name].formula_count == rows[name].torch_count


def test_formula_counts_by_hand(source):
    model, _ = date_finetune_model(source, "full", lr=LR)
    v, e, h = DateTask.src_vocab.size, 24, 32
    assert date_formula_count(model.layer("embed")) == v * e == 64 * 24
    assert date_formula_count(model.layer("rnn")) == 2 * 3 * h * (e + h + 2) == 11_136
    assert date_formula_count(model.layer("head")) == (2 * h + 1) * 13 == 845
    with pytest.raises(ValueError, match="Embedding, a GRU or an AttentionPoolHead"):
        date_formula_count(torch.nn.ReLU())
    assert isinstance(model.head, AttentionPoolHead) and isinstance(model, DateReader)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_encoder_copied_head_new_and_source_untouched(source, task, strategy):
    before = _state(source)
    model, groups = date_finetune_model(source, strategy, lr=LR, seed=7)
    copied = all(
        torch.equal(a, b)
        for a, b in zip(model.encoder.parameters(), source.encoder.parameters(), strict=True)
    )
    assert copied == (strategy != "scratch")
    train(model, groups, task.x_train[:40], task.y_train[:40], plan=SHORT, seed=0)
    after = source.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    # one seed, one new head for every strategy
    reference, _ = date_finetune_model(source, "scratch", lr=LR, seed=7)
    fresh, _ = date_finetune_model(source, strategy, lr=LR, seed=7)
    assert all(
        torch.equal(a, b) for a, b in zip(fresh.head.parameters(), reference.head.parameters(), strict=True)
    )


def test_linear_probe_leaves_the_encoder_bit_identical_and_drift_is_relative_distance(source):
    probe = run_date_strategy(source, "linear_probe", 2, seed=1, plan=SHORT)
    for a, b in zip(probe.model.encoder.parameters(), source.encoder.parameters(), strict=True):
        assert torch.equal(a, b)
    assert probe.drift == dict.fromkeys(DATES_BACKBONE_LAYERS, 0.0)
    full = run_date_strategy(source, "discriminative", 2, seed=1, plan=SHORT)
    for name in DATES_BACKBONE_LAYERS:
        now = np.concatenate([p.detach().numpy().ravel() for p in full.model.layer(name).parameters()])
        then = np.concatenate(
            [p.detach().numpy().ravel() for p in getattr(source.encoder, name).parameters()]
        )
        expected = np.linalg.norm(now.astype(np.float64) - then) / np.linalg.norm(then.astype(np.float64))
        assert full.drift[name] == pytest.approx(expected, rel=1e-9)
        assert full.drift[name] > 1e-4
    assert dates_drift(source, probe.model) == dict.fromkeys(DATES_BACKBONE_LAYERS, 0.0)


def test_accuracy_per_format_and_predictions_match_sklearn(source, task):
    result = run_date_strategy(source, "head_lr", 1, seed=0, plan=SHORT)
    y_hat = predict(result.model, task.x_test).numpy()
    assert result.accuracy == pytest.approx(accuracy_score(task.y_test.numpy(), y_hat), abs=1e-15)
    assert result.accuracy == accuracy(result.model, task.x_test, task.y_test)
    for f, fmt in enumerate(TARGET_FORMATS):
        rows = task.format_test == f
        expected = accuracy_score(task.y_test.numpy()[rows], y_hat[rows])
        assert result.per_format[fmt.name] == pytest.approx(expected, abs=1e-15)
    assert result.log.steps == [0, 3, 6]


def test_bad_input_raises_clear_errors(source):
    with pytest.raises(ValueError, match="strategy must be one of"):
        date_finetune_model(source, "freeze_all", lr=LR)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        date_finetune_model(source, "full", lr=0.0)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        date_finetune_model(source, "full", lr=float("nan"))
    with pytest.raises(ValueError, match="head_lr_mult"):
        date_finetune_model(source, "head_lr", lr=LR, head_lr_mult=-1.0)
    with pytest.raises(ValueError, match="num_classes"):
        date_finetune_model(source, "full", 0, lr=LR)
    with pytest.raises(ValueError, match="pretrained must be a Seq2Seq"):
        date_finetune_model(torch.nn.Linear(2, 2), "full", lr=LR)
    with pytest.raises(ValueError, match="strategy must be one of"):
        run_date_strategy(source, "all", 5)
    with pytest.raises(ValueError, match="per_class"):
        run_date_strategy(source, "full", 0)
    with pytest.raises(ValueError, match="model must be a DateReader"):
        date_layer_table(torch.nn.Linear(2, 2), [])


def test_progress_is_reported_and_changes_nothing(source):
    seen = []
    a = run_date_strategy(source, "full", 1, seed=2, plan=SHORT, progress=lambda *args: seen.append(args))
    b = run_date_strategy(source, "full", 1, seed=2, plan=SHORT)
    assert [s[:2] for s in seen] == [(k, SHORT.steps) for k in range(1, SHORT.steps + 1)]
    assert a.log.test_accuracy == b.log.test_accuracy
    assert all(torch.equal(p, q) for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True))
