"""core.attention: batches, the decoders' equations, decoding, training and checkpoints."""

import numpy as np
import pytest
import torch

from core.attention import (
    BOS,
    EOS,
    PAD,
    VARIANTS,
    DateTask,
    Example,
    LocalAttention,
    ModelConfig,
    SequenceTask,
    Vocab,
    accuracy_by_length,
    build_model,
    evaluate,
    load_model,
    make_batch,
    save_model,
    train_model,
)

TINY = {"embed_size": 8, "encoder_size": 8, "decoder_size": 16, "attention_size": 8, "window": 2}
TASK = DateTask()


@pytest.fixture(scope="module")
def batch():
    examples = TASK.sample(np.random.default_rng(0), 6)
    return make_batch(examples, TASK.src_vocab, TASK.tgt_vocab)


def _model(variant, seed=0):
    return build_model(ModelConfig(variant, **TINY), TASK, seed).double()


# ----------------------------------------------------------------------------- vocabularies and batches


def test_vocab_round_trip_and_unknown_characters():
    vocab = Vocab("abc")
    assert vocab.size == 6
    assert vocab.encode("cab") == [5, 3, 4]
    assert vocab.decode([5, 3, EOS, 4]) == "ca"
    assert vocab.token(BOS) == "<s>" and vocab.token(3) == "a"
    with pytest.raises(ValueError, match=r"never seen the character\(s\) '!', 'x'"):
        vocab.encode("ax!")
    with pytest.raises(ValueError, match="unique"):
        Vocab("aa")


def test_make_batch_pads_and_shifts_the_target():
    b = make_batch([Example("ab", "12"), Example("a", "3")], Vocab("ab"), Vocab("123"))
    assert b.source.tolist() == [[3, 4], [3, PAD]]
    assert b.lengths.tolist() == [2, 1]
    assert b.target_in.tolist() == [[BOS, 3, 4], [BOS, 5, PAD]]
    assert b.target_out.tolist() == [[3, 4, EOS], [5, EOS, PAD]]
    with pytest.raises(ValueError, match="an input is empty"):
        make_batch([Example("", "1")], Vocab("ab"), Vocab("123"))
    with pytest.raises(ValueError, match="at least one example"):
        make_batch([], Vocab("ab"), Vocab("123"))


def test_sequence_task():
    task = SequenceTask("reverse", 5, 9)
    rng = np.random.default_rng(0)
    batches = [task.sample(rng, 20) for _ in range(100)]
    for examples in batches:
        assert all(e.target == e.source[::-1] for e in examples)
        assert len({len(e.source) for e in examples}) == 1  # one length per batch
    assert {len(b[0].source) for b in batches} == set(range(5, 10))
    copy = SequenceTask("copy").examples_of_length(12, 3, np.random.default_rng(0))
    assert all(e.target == e.source and len(e.source) == 12 for e in copy)
    with pytest.raises(ValueError, match="kind must be 'copy' or 'reverse'"):
        SequenceTask("sort")
    with pytest.raises(ValueError, match="min_length <= max_length"):
        SequenceTask("copy", 10, 5)


def test_model_config_validates():
    with pytest.raises(ValueError, match="variant must be one of"):
        ModelConfig("transformer")
    with pytest.raises(ValueError, match="window must be a positive whole number, got 0"):
        ModelConfig("local-m", window=0)
    assert ModelConfig.from_dict(ModelConfig("local-p", window=4).to_dict()) == ModelConfig(
        "local-p", window=4
    )


# ----------------------------------------------------------------------------- the models


@pytest.mark.parametrize("variant", VARIANTS)
def test_teacher_forcing_equals_decoding_fed_its_own_outputs(batch, variant):
    """forward() on the tokens that decode() produced gives decode()'s probabilities step by step."""
    model = _model(variant).eval()
    decoded = model.decode(batch.source, batch.lengths, 11)
    target_in = torch.cat([torch.full((6, 1), BOS), decoded.tokens[:, :-1]], dim=1)
    with torch.no_grad():
        logits = model(batch.source, batch.lengths, target_in)
    assert torch.allclose(torch.softmax(logits, -1), decoded.probabilities, atol=1e-12, rtol=0)


@pytest.mark.parametrize("variant", VARIANTS)
def test_decoded_shapes_weights_and_padding(batch, variant):
    model = _model(variant).eval()
    out = model.decode(batch.source, batch.lengths, 11)
    S = batch.source.shape[1]
    assert out.tokens.shape == (6, 11)
    assert out.probabilities.shape == (6, 11, TASK.tgt_vocab.size)
    assert out.contexts.shape == (6, 11, 2 * TINY["encoder_size"])
    assert len(out.texts) == 6
    if variant == "none":
        assert out.weights is None and out.queries is None
        return
    assert out.weights.shape == (6, 11, S)
    padding = ~(torch.arange(S) < batch.lengths.unsqueeze(1))
    assert torch.all(out.weights.masked_select(padding.unsqueeze(1)) == 0)
    sums = out.weights.sum(-1)
    if variant == "local-p":
        assert torch.all(sums <= 1 + 1e-12) and torch.all(sums > 0)
        assert out.centers.shape == (6, 11)
        assert torch.all(out.centers <= (batch.lengths - 1).unsqueeze(1))
    else:
        assert torch.allclose(sums, torch.ones_like(sums), atol=1e-12, rtol=0)
    # the context is the weighted average of the encoder states
    enc = model.encoder(batch.source, batch.lengths)
    assert torch.allclose(out.contexts, torch.bmm(out.weights, enc.states), atol=1e-12, rtol=0)


def test_the_query_is_s_t_minus_1_for_bahdanau_and_h_t_for_luong(batch):
    for variant, uses_previous in [("bahdanau", True), ("luong-general", False)]:
        model = _model(variant).eval()
        out = model.decode(batch.source, batch.lengths, 5)
        enc = model.encoder(batch.source, batch.lengths)
        state = model.decoder.start(enc)
        with torch.no_grad():
            step = model.decoder.step(torch.full((6,), BOS), state, enc, model.decoder.prepare(enc), 0)
        new_state = step.state[0]
        expected = state[0] if uses_previous else new_state
        assert torch.equal(out.queries[:, 0], expected), variant


def test_local_m_window_follows_the_step(batch):
    model = _model("local-m").eval()
    out = model.decode(batch.source, batch.lengths, 11)
    D = TINY["window"]
    for t in range(11):
        # p_t = t, clamped to the last real position
        centre = torch.minimum(torch.full((6,), float(t), dtype=torch.float64), (batch.lengths - 1).double())
        assert torch.equal(out.centers[:, t], centre)
        pos = torch.arange(batch.source.shape[1])
        outside = (pos.unsqueeze(0) - centre.unsqueeze(1)).abs() > D
        assert torch.all(out.weights[:, t][outside] == 0)


@pytest.mark.parametrize("hard", ["argmax", "sample"])
def test_hard_decoding_attends_to_one_position(batch, hard):
    model = _model("bahdanau").eval()
    out = model.decode(batch.source, batch.lengths, 11, hard=hard, generator=torch.Generator().manual_seed(0))
    assert torch.all(out.weights.sum(-1) == 1) and torch.all((out.weights == 0) | (out.weights == 1))
    enc = model.encoder(batch.source, batch.lengths)
    chosen = out.weights.argmax(-1)
    assert torch.equal(out.contexts, enc.states[torch.arange(6).unsqueeze(1), chosen])


def test_window_override_changes_local_attention_only(batch):
    model = _model("local-m").eval()
    narrow = model.decode(batch.source, batch.lengths, 11, window=1).weights
    assert torch.all((narrow > 0).sum(-1) <= 3)
    assert isinstance(model.decoder.attention, LocalAttention) and model.decoder.attention.window == 2


@pytest.mark.parametrize("variant", VARIANTS)
def test_gradients_reach_every_parameter(batch, variant):
    model = _model(variant).train()
    model.loss(batch).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name


# ----------------------------------------------------------------------------- training, evaluation, files


def test_a_short_training_run_reduces_the_loss():
    torch.set_num_threads(1)
    model = build_model(ModelConfig("bahdanau", **TINY), TASK, seed=0)
    calls = []
    log = train_model(
        model, TASK, steps=40, batch_size=32, learning_rate=1e-2, progress=lambda *a: calls.append(a)
    )
    assert log.steps == 40 and len(log.losses) == 40
    assert np.mean(log.losses[-5:]) < 0.8 * np.mean(log.losses[:5])
    assert calls[-1][:2] == (40, 40) and len(calls) == 4
    assert not model.training


def test_training_is_reproducible_with_a_seed():
    runs = []
    for _ in range(2):
        model = build_model(ModelConfig("luong-dot", **TINY), TASK, seed=3)
        runs.append(train_model(model, TASK, steps=3, batch_size=8, seed=5).losses)
    assert runs[0] == runs[1]


def test_train_model_validates():
    model = build_model(ModelConfig("none", **TINY), TASK)
    with pytest.raises(ValueError, match="steps must be a positive whole number"):
        train_model(model, TASK, steps=0)
    with pytest.raises(ValueError, match="learning_rate must be a number strictly between 0 and 1"):
        train_model(model, TASK, steps=1, learning_rate=2.0)


def test_evaluate_and_accuracy_by_length():
    task = SequenceTask("copy", 3, 6)
    model = build_model(ModelConfig("bahdanau", **TINY), task)
    examples = task.examples_of_length(4, 10, np.random.default_rng(0))
    result = evaluate(model, examples, batch_size=4)
    assert len(result.predictions) == 10
    exact = np.mean([p == e.target for p, e in zip(result.predictions, examples, strict=True)])
    assert result.exact_match == exact
    rows = accuracy_by_length(model, task, [3, 6], per_length=5)
    assert [r["length"] for r in rows] == [3, 6]
    assert all(0 <= r["exact_match"] <= r["char_accuracy"] or r["exact_match"] == 0 for r in rows)


def test_checkpoint_round_trip_in_float16(tmp_path, batch):
    model = build_model(ModelConfig("luong-concat", **TINY), TASK)
    path = tmp_path / "m.pt"
    save_model(model, path, "dates")
    loaded = load_model(path, TASK)
    for (name, a), (_, b) in zip(model.state_dict().items(), loaded.state_dict().items(), strict=True):
        assert torch.equal(a.to(torch.float16).to(torch.float32), b), name
    with pytest.raises(ValueError, match="another vocabulary"):
        load_model(path, SequenceTask("copy"))
