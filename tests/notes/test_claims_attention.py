"""The notes' attention section, claim by claim (data/notes/claims.json, ids ``att-*``): the verdicts a
number settles, against torch and the trained models the attention page shows.

Each test names what it settles; tolerances are explicit (float64 modules: 1e-12; the shipped float32
models replayed step by step: 1e-5).
"""

from __future__ import annotations

import functools

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from core.attention import (
    BOS,
    AdditiveAttention,
    DateTask,
    Example,
    LocalAttention,
    LuongAttention,
    Seq2Seq,
    count_parameters,
    hard_attention,
    load_results,
    load_shipped,
    make_batch,
    normalize_text,
)

DATE = "Friday, November 27, 2026"  # the English page's default input
TIGHT = 1e-12  # float64 modules against the same formula
REPLAY = 1e-5  # a trained (float32) model's steps replayed by hand


@functools.cache
def _model(variant: str) -> Seq2Seq:
    return load_shipped(DateTask(), variant)


def _replay(variant: str, text: str = DATE, steps: int = 11) -> tuple[Seq2Seq, object, list[tuple]]:
    """Greedy decoding of ``text`` step by step: the model, the encoder's output, and for each step the
    state it started from, the token it read and what ``decoder.step`` returned."""
    model = _model(variant)
    batch = make_batch([Example(normalize_text(text), "")], model.src_vocab, model.tgt_vocab)
    with torch.no_grad():
        enc = model.encoder(batch.source, batch.lengths)
        prepared = model.decoder.prepare(enc)
        state = model.decoder.start(enc)
        y = torch.full((1,), BOS, dtype=torch.long)
        rows = []
        for t in range(steps):
            out = model.decoder.step(y, state, enc, prepared, t)
            rows.append((state, y, out))
            state, y = out.state, out.logits.argmax(dim=-1)
    return model, enc, rows


def _random(*shape: int, seed: int) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def _double(module: nn.Module, seed: int) -> nn.Module:
    """``module`` in float64 with random weights drawn from ``seed``."""
    module = module.double()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64) * 0.5)
    return module


# --- attention: keys and values ----------------------------------------------------------------------------


def test_without_separate_values_the_keys_are_the_values():
    """att-key-equals-value: an attention given no values uses its keys as values."""
    q, keys = _random(2, 6, seed=1), _random(2, 5, 6, seed=2)
    for module in (
        _double(AdditiveAttention(6, 6, 4), 3),
        _double(LuongAttention(6, 6, "general"), 4),
        _double(LuongAttention(6, 6, "dot"), 5),
    ):
        alone, weights = module(q, keys)
        again, _ = module(q, keys, keys)
        assert torch.allclose(alone, again, rtol=0, atol=TIGHT)
        assert torch.allclose(alone, torch.einsum("bt,btd->bd", weights, keys), rtol=0, atol=TIGHT)


@pytest.mark.parametrize("variant", ["bahdanau", "luong-general"])
def test_the_context_is_the_weighted_average_of_the_encoder_states(variant):
    """att-key-value-encoder, att-context-not-output, att-encoder-keys-values,
    att-context-called-attention: in the trained models every c_t is sum_s alpha_ts h_s over the ENCODER's
    states (the keys and values), and it is not the decoder's state or output."""
    _, enc, rows = _replay(variant)
    states = enc.states[0]  # (S, 64): the bidirectional GRU's outputs
    for _, _, out in rows:
        weights, context = out.weights[0], out.context[0]
        assert abs(float(weights.sum()) - 1) <= REPLAY and bool((weights >= 0).all())
        assert torch.allclose(context, weights @ states, rtol=0, atol=REPLAY)
        decoder_state = out.state[-1][0]  # s_t (Bahdanau) or h~_t (Luong), what the output is read from
        assert float((context - decoder_state).abs().max()) > 0.1
        assert context.shape != out.logits[0].shape  # the decoder's output is a distribution over tokens


def test_a_transformer_projects_keys_and_values_differently():
    """att-other-frameworks: torch.nn.MultiheadAttention given one sequence as key and value projects it
    twice, with different weights (K = X W^K, V = X W^V)."""
    mha = nn.MultiheadAttention(8, 2, batch_first=True, dtype=torch.float64)
    x = _random(1, 5, 8, seed=6)
    w_q, w_k, w_v = mha.in_proj_weight.chunk(3)
    b_q, b_k, b_v = mha.in_proj_bias.chunk(3)
    keys, values = (x @ w_k.T + b_k).detach(), (x @ w_v.T + b_v).detach()
    assert float((keys - values).abs().max()) > 0.1
    # and those are what the module attends with: rebuild its output from them
    q = (x @ w_q.T + b_q).view(1, 5, 2, 4).transpose(1, 2)
    k, v = keys.view(1, 5, 2, 4).transpose(1, 2), values.view(1, 5, 2, 4).transpose(1, 2)
    heads = torch.softmax(q @ k.transpose(-1, -2) / 2.0, dim=-1) @ v
    rebuilt = mha.out_proj(heads.transpose(1, 2).reshape(1, 5, 8))
    output, _ = mha(x, x, x)
    assert torch.allclose(output, rebuilt, rtol=0, atol=TIGHT)


# --- Bahdanau ----------------------------------------------------------------------------------------------


def test_the_baseline_feeds_its_one_context_at_every_step():
    """att-context-initial-state: the page's baseline starts from s_0 = tanh(W_init c) AND gives the same
    c = [->h_S; <-h_1] to every step (Cho et al. 2014), not only as the initial state."""
    model, enc, rows = _replay("none")
    c = enc.final
    first_state = rows[0][0][0]
    assert torch.allclose(first_state, torch.tanh(model.decoder.init(c)), rtol=0, atol=REPLAY)
    for _, _, out in rows:
        assert torch.equal(out.context, c)


def test_one_fixed_vector_fails_on_long_inputs_where_attention_does_not():
    """att-one-vector-bottleneck: the shipped results of the long-input experiment (same sizes, same data):
    the baseline collapses from 30 digits on, the attention models do not."""
    results = load_results()["long"]
    for kind in ("copy", "reverse"):
        exact = {
            v: {r["length"]: r["exact_match"] for r in res["by_length"]} for v, res in results[kind].items()
        }
        assert exact["none"][5] >= 0.9
        assert max(exact["none"][n] for n in exact["none"] if n >= 30) <= 0.01
        for variant in ("bahdanau", "luong-general"):
            assert exact[variant][30] >= 0.95 and exact[variant][60] >= 0.5


def test_the_additive_score_is_a_two_layer_network():
    """att-two-layer-network, att-bahdanau-additive: e_j = v^T tanh([W_a U_a][s; h_j]) is
    Linear(no bias) -> tanh -> Linear(width 1), applied to the query joined with each key."""
    attention = _double(AdditiveAttention(5, 7, 4), 7)
    network = nn.Sequential(nn.Linear(12, 4, bias=False), nn.Tanh(), nn.Linear(4, 1, bias=False)).double()
    with torch.no_grad():
        network[0].weight.copy_(torch.cat([attention.query_proj.weight, attention.key_proj.weight], dim=1))
        network[2].weight.copy_(attention.score_proj.weight)
    s, keys = _random(3, 5, seed=8), _random(3, 9, 7, seed=9)
    joined = torch.cat([s.unsqueeze(1).expand(-1, 9, -1), keys], dim=-1)  # [s; h_j] for every j
    scores = attention.score(s, keys)
    assert torch.allclose(scores, network(joined).squeeze(-1), rtol=0, atol=TIGHT)
    _, weights = attention(s, keys)
    assert torch.allclose(weights, torch.softmax(scores, dim=-1), rtol=0, atol=TIGHT)


def test_the_additive_score_is_not_linear_in_the_key():
    """att-not-linear-combination: the alignment score is no linear combination (tanh in between); only
    the context is, a convex one of the encoder outputs."""
    attention = _double(AdditiveAttention(4, 4, 6), 10)
    s, keys = _random(1, 4, seed=11), _random(1, 2, 4, seed=12)
    both = (keys[:, 0] + keys[:, 1]).unsqueeze(1)
    with torch.no_grad():
        separate = attention.score(s, keys).sum()
        assert abs(float(attention.score(s, both).sum() - separate)) > 0.01
        context, weights = attention(s, keys)
    assert torch.allclose(context, weights @ keys[0], rtol=0, atol=TIGHT) and bool((weights >= 0).all())


def test_a_bahdanau_step_is_a_gru_of_the_previous_output_and_the_context():
    """att-decoder-state, att-bahdanau-decoder-input: s_t = GRU([e(y_{t-1}); c_t], s_{t-1}): the RNN's
    input is the previous output's embedding joined with the context; s_{t-1} is the recurrent state."""
    model, _, rows = _replay("bahdanau")
    decoder = model.decoder
    assert decoder.cell.input_size == model.config.embed_size + 2 * model.config.encoder_size
    assert decoder.cell.hidden_size == model.config.decoder_size
    with torch.no_grad():
        for (s_prev,), y_prev, out in rows:
            replayed = decoder.cell(torch.cat([decoder.embed(y_prev), out.context], dim=-1), s_prev)
            assert torch.allclose(out.state[0], replayed, rtol=0, atol=REPLAY)


def test_bahdanau_scores_with_the_previous_state_luong_with_the_current():
    """att-state-time-index, att-bahdanau-previous-state, att-luong-current-state: the query of step t is
    s_{t-1} (the state the step starts from) for Bahdanau, the new h_t for Luong."""
    _, _, rows = _replay("bahdanau")
    for (s_prev,), _, out in rows:
        assert torch.equal(out.query, s_prev)
        assert not torch.allclose(out.query, out.state[0], rtol=0, atol=1e-3)
    _, _, rows = _replay("luong-general")
    for (h_prev, _), _, out in rows:
        assert torch.equal(out.query, out.state[0])  # h_t
        assert not torch.allclose(out.query, h_prev, rtol=0, atol=1e-3)


def test_the_notes_row_vector_formula_gives_the_module_weights():
    """att-notes-formula: softmax(tanh(s W_decoder + X W_encoder) W_alignment), computed as written with
    row vectors, gives the additive module's weights, and c_t = sum_i alpha_ti x_i its context."""
    attention = _double(AdditiveAttention(6, 8, 5), 13)
    w_decoder, w_encoder = attention.query_proj.weight.T, attention.key_proj.weight.T
    w_alignment = attention.score_proj.weight.T  # (5, 1)
    s, x = _random(1, 6, seed=14), _random(7, 8, seed=15)  # one row s_{t-1}, X with one row per position
    alpha = torch.softmax((torch.tanh(s @ w_decoder + x @ w_encoder) @ w_alignment).squeeze(-1), dim=0)
    context, weights = attention(s, x.unsqueeze(0))
    assert torch.allclose(weights[0], alpha, rtol=0, atol=TIGHT)
    assert torch.allclose(context[0], (alpha.unsqueeze(1) * x).sum(dim=0), rtol=0, atol=TIGHT)


def test_attention_reaches_input_positions_after_the_output_step():
    """att-x-every-position: writing "Friday, November 27, 2026" as 2026-11-27, the year's last two digits
    (output steps 3 and 4) attend to the last two input characters, 20 positions later: X holds every
    position, not only earlier ones."""
    _, _, rows = _replay("bahdanau")
    last = len(normalize_text(DATE)) - 1
    for step, position in ((2, last - 1), (3, last)):
        weights = rows[step][2].weights[0]
        assert float(weights[position]) > 0.95 and position > step + 20


# --- Luong ---------------------------------------------------------------------------------------------


def test_luong_concat_is_bahdanau_additive_score():
    """att-luong-multiplicative: Luong's concat score with W_a = [W_q W_k] is Bahdanau's additive score:
    not every Luong score is multiplicative."""
    concat = _double(LuongAttention(5, 5, "concat", hidden_size=4), 16)
    additive = AdditiveAttention(5, 5, 4).double()
    additive.load_state_dict(concat.state_dict())
    q, keys = _random(2, 5, seed=17), _random(2, 6, 5, seed=18)
    for a, b in zip(concat(q, keys), additive(q, keys), strict=True):
        assert torch.allclose(a, b, rtol=0, atol=TIGHT)


def test_luong_general_scores_are_a_product_then_softmax_then_average():
    """att-product-gives-scores: the general score's matrix product gives one score per position
    (h^T W_a h_s); the context needs a softmax and a weighted average after it."""
    general = _double(LuongAttention(4, 6, "general"), 19)
    h, keys = _random(1, 4, seed=20), _random(1, 5, 6, seed=21)
    scores = (keys[0] @ general.key_proj.weight.T) @ h[0]  # (5,): h^T W_a h_s for each s
    assert torch.allclose(general.score(h, keys)[0], scores, rtol=0, atol=TIGHT)
    context, weights = general(h, keys)
    assert torch.allclose(weights[0], torch.softmax(scores, dim=0), rtol=0, atol=TIGHT)
    assert torch.allclose(context[0], weights[0] @ keys[0], rtol=0, atol=TIGHT)
    assert scores.shape != context[0].shape


def test_luong_attentional_layer_and_input_feeding():
    """att-luong-attentional-layer: h~_t = tanh(W_c [c_t; h_t]) gives the output (W_s h~_t), and h~_t is
    part of the next step's input (input feeding)."""
    model, _, rows = _replay("luong-general")
    decoder = model.decoder
    with torch.no_grad():
        for (h_prev, feed), y_prev, out in rows:
            h_t, h_tilde = out.state
            assert torch.allclose(
                h_t,
                decoder.cell(torch.cat([decoder.embed(y_prev), feed], dim=-1), h_prev),
                rtol=0,
                atol=REPLAY,
            )
            combined = torch.tanh(decoder.combine(torch.cat([out.context, h_t], dim=-1)))
            assert torch.allclose(h_tilde, combined, rtol=0, atol=REPLAY)
            assert torch.allclose(out.logits, decoder.out(h_tilde), rtol=0, atol=REPLAY)


# --- soft / hard ---------------------------------------------------------------------------------------


def test_soft_weights_are_a_distribution_over_the_input():
    """att-soft-probabilities: soft weights are in [0, 1] and sum to 1 at every step, and the context's
    gradient reaches every score (it trains by backpropagation)."""
    for variant in ("bahdanau", "luong-dot", "luong-concat"):
        for _, _, out in _replay(variant)[2]:
            w = out.weights[0]
            assert bool((w >= 0).all() and (w <= 1).all()) and abs(float(w.sum()) - 1) <= REPLAY
    scores = _random(1, 6, seed=22).requires_grad_()
    values = _random(1, 6, 3, seed=23)
    torch.einsum("bt,btd->bd", torch.softmax(scores, dim=-1), values).sum().backward()
    assert bool((scores.grad != 0).all())


def test_hard_attention_samples_one_position_from_alpha_without_a_gradient():
    """att-hard-sampled: hard attention's weights are one-hot; Xu et al.'s position is drawn from alpha
    (frequencies within 0.01 of alpha over 40,000 draws); the choice carries no gradient."""
    alpha = torch.tensor([[0.1, 0.6, 0.05, 0.25]], dtype=torch.float64)
    generator = torch.Generator().manual_seed(0)
    draws = torch.cat([hard_attention(alpha, "sample", generator) for _ in range(40_000)])
    assert bool(((draws == 0) | (draws == 1)).all()) and bool((draws.sum(dim=1) == 1).all())
    assert torch.allclose(draws.mean(dim=0), alpha[0], rtol=0, atol=0.01)
    assert torch.equal(
        hard_attention(alpha, "argmax")[0], torch.tensor([0.0, 1.0, 0.0, 0.0], dtype=torch.float64)
    )
    scores = torch.log(alpha).requires_grad_()
    chosen = hard_attention(torch.softmax(scores, dim=-1), "argmax")
    assert not chosen.requires_grad  # no gradient flows back to the scores through the choice


# --- local ---------------------------------------------------------------------------------------------


def test_the_local_window_holds_2d_plus_1_positions():
    """att-local-window: the window is [p_t - D, p_t + D], 2D+1 positions (D a half-width); local-m's
    centre is p_t = t; local-p's weights carry a Gaussian with sigma = D/2, so they sum to less than 1."""
    q, keys = _random(1, 6, seed=24), _random(1, 30, 6, seed=25)
    D = 3
    monotonic = _double(LocalAttention(6, 6, D, "monotonic"), 26)
    out = monotonic.attend(q, keys, position=12)
    nonzero = torch.nonzero(out.weights[0]).flatten().tolist()
    assert nonzero == list(range(12 - D, 12 + D + 1)) and float(out.center[0]) == 12.0
    assert abs(float(out.weights.detach().sum()) - 1) <= TIGHT
    predictive = _double(LocalAttention(6, 6, D, "predictive"), 27)
    out = predictive.attend(q, keys)
    window = torch.nonzero(out.weights[0]).flatten()
    centre = round(float(out.center[0].detach()))
    assert len(window) <= 2 * D + 1 and int(window.min()) >= centre - D and int(window.max()) <= centre + D
    assert float(out.weights.detach().sum()) < 1


def test_local_attention_saves_computation_not_parameters():
    """att-local-computation: local-m has exactly the global general score's parameters, local-p more
    (W_p, v_p), also in the shipped models; per output step the local score costs (2D+1)/S of the global
    one (floating-point operations counted by torch: 2D+1 scores instead of S)."""
    size, D, S = 64, 5, 200
    general = count_parameters(LuongAttention(size, size, "general"))
    assert count_parameters(LocalAttention(size, size, D, "monotonic")) == general
    assert count_parameters(LocalAttention(size, size, D, "predictive")) == general + size * size + size
    assert count_parameters(_model("local-m").decoder.attention) == general
    assert count_parameters(_model("local-p").decoder.attention) > general

    def flops(module: nn.Module, **kwargs) -> int:
        q, keys = _random(1, size, seed=28), _random(1, S, size, seed=29)
        prepared = module.prepare_keys(keys)  # once per input, shared by every output step
        with FlopCounterMode(display=False) as counter:
            module.attend(q, keys, prepared_keys=prepared, **kwargs)
        return counter.get_total_flops()

    # attend = the scores, then a weighted sum over the S positions (zeros outside local's window)
    average = 2 * S * size
    global_scores = flops(_double(LuongAttention(size, size, "general"), 30)) - average
    local_scores = flops(_double(LocalAttention(size, size, D, "monotonic"), 31), position=100) - average
    assert global_scores == 2 * S * size  # S dot products h_t . (W_a h_s)
    assert local_scores == pytest.approx(global_scores * (2 * D + 1) / S, rel=0.01)
