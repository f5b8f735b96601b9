"""core.attention against its equations computed by hand, against torch's attention, and for shapes."""

import math

import pytest
import torch

from core.attention import (
    AdditiveAttention,
    LocalAttention,
    LuongAttention,
    count_parameters,
    hard_attention,
    masked_softmax,
)

TOL = 1e-12  # float64 throughout


@pytest.fixture
def data():
    g = torch.Generator().manual_seed(0)
    query = torch.randn(3, 4, generator=g, dtype=torch.float64)
    keys = torch.randn(3, 6, 4, generator=g, dtype=torch.float64)
    values = torch.randn(3, 6, 5, generator=g, dtype=torch.float64)
    mask = torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0], [1, 0, 0, 0, 0, 0]], dtype=torch.bool)
    return query, keys, values, mask


def _module(cls, *args, **kwargs):
    torch.manual_seed(1)
    return cls(*args, **kwargs).double()


def _w(linear):
    return linear.weight.detach().tolist()


def _matvec(w, x):
    return [sum(w[i][j] * x[j] for j in range(len(x))) for i in range(len(w))]


def _softmax(scores):
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    return [e / sum(exps) for e in exps]


# ----------------------------------------------------------------------------- scores by hand


def test_additive_score_is_v_tanh_of_wq_q_plus_wk_k(data):
    query, keys, _, _ = data
    att = _module(AdditiveAttention, 4, 4, 3)
    got = att.score(query, keys).detach()
    for b in range(3):
        q = query[b].tolist()
        for s in range(6):
            k = keys[b, s].tolist()
            # e = v^T tanh(W_a q + U_a k)
            hidden = [
                a + c
                for a, c in zip(_matvec(_w(att.query_proj), q), _matvec(_w(att.key_proj), k), strict=True)
            ]
            expected = sum(v * math.tanh(h) for v, h in zip(_w(att.score_proj)[0], hidden, strict=True))
            assert abs(float(got[b, s]) - expected) < TOL


@pytest.mark.parametrize("score", ["dot", "general", "concat"])
def test_luong_scores_follow_the_paper(data, score):
    query, keys, _, _ = data
    att = _module(LuongAttention, 4, 4, score, hidden_size=3 if score == "concat" else None)
    got = att.score(query, keys).detach()
    for b in range(3):
        q = query[b].tolist()
        for s in range(6):
            k = keys[b, s].tolist()
            if score == "dot":
                # h_t^T h_s
                expected = sum(x * y for x, y in zip(q, k, strict=True))
            elif score == "general":
                # h_t^T W_a h_s
                expected = sum(x * y for x, y in zip(q, _matvec(_w(att.key_proj), k), strict=True))
            else:
                # v_a^T tanh(W_a [h_t; h_s]) with W_a = [W_q W_k]
                w_a = [
                    row_q + row_k for row_q, row_k in zip(_w(att.query_proj), _w(att.key_proj), strict=True)
                ]
                expected = sum(
                    v * math.tanh(h) for v, h in zip(_w(att.score_proj)[0], _matvec(w_a, q + k), strict=True)
                )
            assert abs(float(got[b, s]) - expected) < TOL, (score, b, s)


def test_weights_are_softmax_of_scores_and_context_is_their_average(data):
    query, keys, values, _ = data
    att = _module(AdditiveAttention, 4, 4, 3)
    context, weights = att(query, keys, values)
    scores = att.score(query, keys)
    for b in range(3):
        expected = _softmax(scores[b].tolist())
        assert max(abs(x - y) for x, y in zip(weights[b].tolist(), expected, strict=True)) < TOL
        c = [sum(expected[s] * values[b, s, j].item() for s in range(6)) for j in range(5)]
        assert max(abs(x - y) for x, y in zip(context[b].tolist(), c, strict=True)) < TOL


def test_dot_attention_equals_torch_scaled_dot_product_attention_with_scale_1(data):
    query, keys, values, mask = data
    context, _ = LuongAttention(4, 4, "dot")(query, keys, values, mask)
    reference = torch.nn.functional.scaled_dot_product_attention(
        query.unsqueeze(1), keys, values, attn_mask=mask.unsqueeze(1), scale=1.0
    ).squeeze(1)
    assert torch.allclose(context, reference, atol=TOL, rtol=0)


# ----------------------------------------------------------------------------- masks, sums, shapes


ALL_MODULES = [
    ("additive", lambda: _module(AdditiveAttention, 4, 4, 3), {}),
    ("dot", lambda: _module(LuongAttention, 4, 4, "dot"), {}),
    ("general", lambda: _module(LuongAttention, 4, 4, "general"), {}),
    ("concat", lambda: _module(LuongAttention, 4, 4, "concat", 3), {}),
    ("local-m", lambda: _module(LocalAttention, 4, 4, 2, "monotonic"), {"position": 2}),
    ("local-p", lambda: _module(LocalAttention, 4, 4, 2, "predictive"), {}),
]


@pytest.mark.parametrize(("name", "make", "extra"), ALL_MODULES, ids=[m[0] for m in ALL_MODULES])
def test_masked_positions_get_exactly_zero_weight_and_shapes(data, name, make, extra):
    query, keys, values, mask = data
    context, weights = make()(query, keys, values, mask, **extra)
    assert context.shape == (3, 5)
    assert weights.shape == (3, 6)
    assert torch.all(weights[~mask] == 0)
    assert torch.all(weights >= 0)
    if name != "local-p":  # local-p multiplies by a Gaussian: its weights sum to less than 1
        assert torch.allclose(weights.sum(-1), torch.ones(3, dtype=torch.float64), atol=TOL, rtol=0)
    else:
        assert torch.all(weights.sum(-1) <= 1 + TOL)


@pytest.mark.parametrize(("name", "make", "extra"), ALL_MODULES, ids=[m[0] for m in ALL_MODULES])
def test_values_default_to_keys(data, name, make, extra):
    query, keys, _, mask = data
    module = make()
    context, weights = module(query, keys, None, mask, **extra)
    assert torch.allclose(context, torch.bmm(weights.unsqueeze(1), keys).squeeze(1), atol=TOL, rtol=0)


@pytest.mark.parametrize(("name", "make", "extra"), ALL_MODULES, ids=[m[0] for m in ALL_MODULES])
def test_gradients_reach_every_parameter(data, name, make, extra):
    query, keys, values, mask = data
    module = make()
    query = query.clone().requires_grad_()
    keys = keys.clone().requires_grad_()
    context, _ = module(query, keys, values, mask, **extra)
    (context**2).sum().backward()
    for pname, p in module.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, pname
    assert query.grad.abs().sum() > 0 and keys.grad.abs().sum() > 0


def test_prepared_keys_give_the_same_result(data):
    query, keys, values, mask = data
    for make, extra in [(m[1], m[2]) for m in ALL_MODULES]:
        module = make()
        a = module(query, keys, values, mask, **extra)
        b = module(query, keys, values, mask, **extra, prepared_keys=module.prepare_keys(keys))
        assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])


def test_masked_softmax_rows_sum_to_one_and_masked_are_zero():
    scores = torch.tensor([[1000.0, 0.0, -1000.0], [3.0, 2.0, 1.0]], dtype=torch.float64)
    mask = torch.tensor([[False, True, True], [True, True, False]])
    w = masked_softmax(scores, mask)
    assert w[0, 0] == 0 and w[1, 2] == 0
    assert torch.allclose(w.sum(-1), torch.ones(2, dtype=torch.float64), atol=TOL, rtol=0)
    assert abs(w[1, 0].item() - math.exp(3) / (math.exp(3) + math.exp(2))) < TOL


def test_masked_softmax_rejects_a_row_with_nothing_kept():
    with pytest.raises(ValueError, match="hides every position of row 1"):
        masked_softmax(torch.zeros(2, 3), torch.tensor([[True, False, False], [False, False, False]]))
    with pytest.raises(ValueError, match="bool"):
        masked_softmax(torch.zeros(2, 3), torch.ones(2, 3))


# ----------------------------------------------------------------------------- hard attention


def test_hard_attention_argmax_is_one_hot_at_the_largest_weight():
    w = torch.tensor([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]])
    hard = hard_attention(w)
    assert torch.equal(hard, torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]))


def test_hard_attention_samples_follow_the_weights():
    w = torch.tensor([[0.1, 0.6, 0.3]]).expand(20000, 3)
    hard = hard_attention(w, "sample", torch.Generator().manual_seed(0))
    assert torch.all(hard.sum(-1) == 1) and set(hard.unique().tolist()) == {0.0, 1.0}
    # 20000 draws: the standard error of each frequency is below 0.0035; allow 5 of them
    assert torch.allclose(hard.mean(0), w[0], atol=0.0175, rtol=0)


def test_hard_attention_rejects_bad_input():
    with pytest.raises(ValueError, match="mode must be"):
        hard_attention(torch.ones(1, 2), "max")
    with pytest.raises(ValueError, match="non-negative"):
        hard_attention(torch.tensor([[0.5, -0.1]]))
    with pytest.raises(ValueError, match="positive total"):
        hard_attention(torch.zeros(1, 3))


# ----------------------------------------------------------------------------- local attention


def test_local_m_scores_only_the_window_around_t(data):
    query, keys, values, _ = data
    local = _module(LocalAttention, 4, 4, 1, "monotonic")
    _, weights = local(query, keys, values, position=3)
    assert torch.all(weights[:, [0, 1, 5]] == 0)
    # inside the window: softmax of the general score over positions 2, 3, 4 only
    scores = local.align.score(query, keys)
    for b in range(3):
        expected = _softmax(scores[b, 2:5].tolist())
        assert max(abs(x - y) for x, y in zip(weights[b, 2:5].tolist(), expected, strict=True)) < TOL


def test_local_m_clamps_the_centre_to_the_last_real_position(data):
    query, keys, values, mask = data
    local = _module(LocalAttention, 4, 4, 1, "monotonic")
    out = local.attend(query, keys, values, mask, position=9)
    assert out.center.tolist() == [5.0, 2.0, 0.0]
    assert torch.all(out.weights[1, :1] == 0) and out.weights[1, 1:3].sum() > 0.999


def test_local_p_follows_the_gaussian_of_the_paper(data):
    query, keys, values, mask = data
    D = 2
    local = _module(LocalAttention, 4, 4, D, "predictive")
    out = local.attend(query, keys, values, mask)
    scores = local.align.score(query, keys)
    lengths = mask.sum(1).tolist()
    for b in range(3):
        q = query[b].tolist()
        # p_t = (S - 1) sigmoid(v_p^T tanh(W_p h_t))
        z = sum(
            v * math.tanh(h)
            for v, h in zip(_w(local.position_score)[0], _matvec(_w(local.position_proj), q), strict=True)
        )
        p = (lengths[b] - 1) / (1 + math.exp(-z))
        assert abs(out.center[b].item() - p) < TOL
        window = [s for s in range(round(p) - D, round(p) + D + 1) if 0 <= s < lengths[b]]
        align = _softmax([scores[b, s].item() for s in window])
        sigma = D / 2
        for s in range(6):
            expected = 0.0
            if s in window:
                # a_t(s) = align(h_t, h_s) exp(-(s - p_t)^2 / (2 sigma^2)), sigma = D / 2
                expected = align[window.index(s)] * math.exp(-((s - p) ** 2) / (2 * sigma**2))
            assert abs(out.weights[b, s].item() - expected) < TOL, (b, s)


def test_local_attention_saves_computation_not_parameters():
    global_general = LuongAttention(8, 8, "general")
    local_m = LocalAttention(8, 8, 2, "monotonic")
    local_p = LocalAttention(8, 8, 2, "predictive")
    assert count_parameters(local_m) == count_parameters(global_general) == 64
    # local-p adds W_p (8 x 8) and v_p (8)
    assert count_parameters(local_p) == 64 + 64 + 8


def test_local_window_override(data):
    query, keys, values, _ = data
    local = _module(LocalAttention, 4, 4, 1, "monotonic")
    wide = local.attend(query, keys, values, position=3, window=3).weights
    assert torch.all(wide > 0)
    with pytest.raises(ValueError, match="window must be a positive whole number"):
        local.attend(query, keys, values, position=3, window=0)


# ----------------------------------------------------------------------------- validation


def test_constructor_errors_name_the_parameter():
    with pytest.raises(ValueError, match="dot score needs query_size == key_size"):
        LuongAttention(4, 6, "dot")
    with pytest.raises(ValueError, match="concat score needs hidden_size"):
        LuongAttention(4, 4, "concat")
    with pytest.raises(ValueError, match="hidden_size is only used by the concat score"):
        LuongAttention(4, 4, "general", hidden_size=3)
    with pytest.raises(ValueError, match="score must be one of"):
        LuongAttention(4, 4, "cosine")
    with pytest.raises(ValueError, match="hidden_size must be a positive whole number, got 0"):
        AdditiveAttention(4, 4, 0)
    with pytest.raises(ValueError, match="window must be a positive whole number, got 0"):
        LocalAttention(4, 4, 0)
    with pytest.raises(ValueError, match="mode must be 'monotonic'"):
        LocalAttention(4, 4, 2, "fixed")


def test_forward_errors_name_the_shape(data):
    query, keys, values, mask = data
    att = AdditiveAttention(4, 4, 3).double()
    with pytest.raises(ValueError, match="query has size 3 but query_size is 4"):
        att(query[:, :3], keys)
    with pytest.raises(ValueError, match="keys must have shape"):
        att(query, keys[0])
    with pytest.raises(ValueError, match="batch 3 but keys have batch 2"):
        att(query, keys[:2])
    with pytest.raises(ValueError, match="mask must have shape"):
        att(query, keys, values, mask[:, :3])
    with pytest.raises(ValueError, match="needs position=t"):
        LocalAttention(4, 4, 1).double()(query, keys)


# ----------------------------------------------------------------------------- the playground's hand working


@pytest.mark.parametrize("score", ["additive", "dot", "general", "concat"])
@pytest.mark.parametrize("seed", [0, 3, 11])
def test_hand_working_equals_the_module(score, seed):
    from core.attention import (
        attend_by_hand,
        attend_with_module,
        max_difference,
        playground_parameters,
    )

    g = torch.Generator().manual_seed(seed)
    q = torch.randn(3, generator=g, dtype=torch.float64).tolist()
    keys = torch.randn(5, 3, generator=g, dtype=torch.float64).tolist()
    params = playground_parameters(seed)
    hand = attend_by_hand(score, q, keys, params)
    module = attend_with_module(score, q, keys, params)
    assert max_difference(hand, module) < 1e-12
    assert abs(sum(hand.weights) - 1) < 1e-12
    if score in ("additive", "concat"):
        assert hand.activated == [[math.tanh(h) for h in row] for row in hand.hidden]


def test_additive_and_concat_are_the_same_function_with_the_same_parameters():
    from core.attention import attend_by_hand, playground_parameters

    params = playground_parameters(5)
    q, keys = [1.0, -2.0, 0.5], [[0.0, 1.0, 2.0], [3.0, -1.0, 0.0]]
    assert (
        attend_by_hand("additive", q, keys, params).scores == attend_by_hand("concat", q, keys, params).scores
    )


def test_playground_inputs_are_validated():
    from core.attention import attend_by_hand, parse_vector, playground_parameters, vector_problem

    assert parse_vector("1, -0.5 2", 3) == [1.0, -0.5, 2.0]
    assert vector_problem("1, x, 2", 3) == ("not_numbers", {"text": "1, x, 2"})
    assert vector_problem("1, 2", 3) == ("count", {"size": 3, "got": 2})
    assert vector_problem("1, 2, 1e9", 3) == ("range", {})
    assert vector_problem("1, 2, nan", 3) == ("range", {})
    with pytest.raises(ValueError, match="the query needs exactly 3 numbers, got 2"):
        parse_vector("1 2", 3, name="the query")
    assert playground_parameters(4) == playground_parameters(4)
    with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
        playground_parameters(-1)
    with pytest.raises(ValueError, match="score must be one of"):
        attend_by_hand("cosine", [1.0], [[1.0]], playground_parameters(0))
    with pytest.raises(ValueError, match="every key must have the query's size 3"):
        attend_by_hand("dot", [1.0, 2.0, 3.0], [[1.0, 2.0]], playground_parameters(0))


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("letters", "attention.vector_not_numbers"),
        ("two numbers", "attention.vector_count"),
        ("too large", "attention.vector_range"),
        ("unknown characters", "attention.unknown_chars"),
        ("empty input", "attention.empty_input"),
    ],
)
def test_a_bad_input_raises_a_coded_error_a_page_can_say_in_either_language(case, code):
    from core.attention import DateTask, Example, make_batch, parse_vector
    from core.errors import InputError
    from ui.i18n import load_strings

    calls = {
        "letters": lambda: parse_vector("1, x, 3", 3, "the query"),
        "two numbers": lambda: parse_vector("1, 2", 3, "key 2"),
        "too large": lambda: parse_vector("1, 2, 1e9", 3),
        "unknown characters": lambda: DateTask.src_vocab.encode("27 Nov 2026!"),
        "empty input": lambda: make_batch([Example("", "1")], DateTask.src_vocab, DateTask.tgt_vocab),
    }
    with pytest.raises(InputError) as info:
        calls[case]()
    assert info.value.code == code
    # the English sentence is core's message; the Chinese one has the same values
    assert load_strings("en")[info.value.locale_key].format(**info.value.values) == str(info.value)
    assert load_strings("zh")[info.value.locale_key].format(**info.value.values)
