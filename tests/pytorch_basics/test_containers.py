"""Container facts read from torch, the training run (frozen list weights), Sequential's shape chain."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from core.pytorch_basics import (
    KINDS,
    build_model,
    container_facts,
    hidden_layer,
    notes_sample_check,
    parse_layers,
    parse_shape,
    predict_shape_flow,
    shape_flow_diff,
    torch_shape_flow,
    train_containers,
)

IN, HIDDEN, OUT = 64, 32, 10
HEAD_PARAMS = HIDDEN * OUT + OUT
ALL_PARAMS = IN * HIDDEN + HIDDEN + HEAD_PARAMS


def test_every_kind_starts_from_the_same_weights_bit_for_bit():
    models = [build_model(k, IN, HIDDEN, OUT, seed=3) for k in KINDS]
    for m in models[1:]:
        assert torch.equal(hidden_layer(m).weight, hidden_layer(models[0]).weight)
        assert torch.equal(m.head.weight, models[0].head.weight)
    x = torch.randn(5, IN)
    outs = [m(x) for m in models]
    for o in outs[1:]:
        assert torch.equal(o, outs[0])


def test_build_model_leaves_the_callers_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    build_model("sequential", IN, HIDDEN, OUT)
    assert torch.equal(torch.rand(3), expected)


def test_the_plain_list_is_invisible_to_torch():
    facts = container_facts("list", IN, HIDDEN, OUT)
    assert facts.parameter_tensors == 2
    assert facts.parameter_count == HEAD_PARAMS
    assert facts.state_dict_keys == ("head.weight", "head.bias")
    assert facts.children == ("head",)
    assert facts.hidden_dtype_after_to == "float32"  # .to(float64) never reached it
    assert "must have the same dtype" in facts.forward_after_to_error
    assert facts.hidden_training_after_eval is True  # .eval() never reached it
    assert facts.optimizer_tensors == 2 and not facts.hidden_in_optimizer
    assert facts.container_call_error == "TypeError: 'list' object is not callable"


@pytest.mark.parametrize("kind", ["modulelist", "sequential", "moduledict"])
def test_registered_containers_are_seen_everywhere(kind):
    facts = container_facts(kind, IN, HIDDEN, OUT)
    assert facts.parameter_tensors == 4
    assert facts.parameter_count == ALL_PARAMS
    prefix = "body.linear" if kind == "moduledict" else "body.0"
    assert facts.state_dict_keys == (f"{prefix}.weight", f"{prefix}.bias", "head.weight", "head.bias")
    assert facts.hidden_dtype_after_to == "float64"
    assert facts.forward_after_to_error is None
    assert facts.hidden_training_after_eval is False
    assert facts.optimizer_tensors == 4 and facts.hidden_in_optimizer
    if kind == "sequential":
        assert facts.container_call_error is None  # Sequential has a forward
    else:
        name = "ModuleList" if kind == "modulelist" else "ModuleDict"
        assert facts.container_call_error == (
            f'NotImplementedError: Module [{name}] is missing the required "forward" function'
        )


def test_facts_agree_with_torch_read_directly():
    for kind in KINDS:
        model = build_model(kind, IN, HIDDEN, OUT)
        facts = container_facts(kind, IN, HIDDEN, OUT)
        assert facts.state_dict_keys == tuple(model.state_dict())
        assert facts.parameter_count == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("dataset", ["digits", "breast_cancer"])
def test_training_leaves_the_list_models_hidden_layer_untouched(dataset):
    threads = torch.get_num_threads()
    result = train_containers(dataset, hidden=16, epochs=40, lr=0.02, seed=1)
    assert torch.get_num_threads() == threads
    listed = result.runs["list"]
    assert listed.hidden_unchanged
    np.testing.assert_array_equal(listed.hidden_before, listed.hidden_after)  # bit for bit
    assert listed.hidden_max_change == 0.0
    assert listed.head_max_change > 0  # the head did train
    for kind in ("modulelist", "sequential", "moduledict"):
        run = result.runs[kind]
        assert not run.hidden_unchanged and run.hidden_max_change > 1e-3
        assert run.train_loss[-1] < listed.train_loss[-1]
        assert run.test_accuracy[-1] > listed.test_accuracy[-1]
        np.testing.assert_array_equal(run.train_loss, result.runs["modulelist"].train_loss)
    assert result.registered_spread == 0.0
    # the list model is exactly a model whose hidden layer was frozen on purpose
    assert result.frozen_reference_diff == 0.0
    # every model starts at the same loss (same weights), and the training loss falls
    starts = {r.train_loss[0] for r in result.runs.values()}
    assert len(starts) == 1
    assert all(r.train_loss[-1] < r.train_loss[0] for r in result.runs.values())


def test_training_rejects_bad_settings():
    with pytest.raises(ValueError, match="dataset must be one of digits, breast_cancer"):
        train_containers("mnist", epochs=2)
    with pytest.raises(ValueError, match="epochs must be a whole number from 1 to 1000"):
        train_containers(epochs=0)
    with pytest.raises(ValueError, match=r"lr must be a number in \(0, 10\]"):
        train_containers(lr=-1.0, epochs=2)


CHAINS = [
    "Linear(64, 32)\nReLU\nLinear(32, 10)",
    "Linear(64, 32)\nReLU\nLinear(31, 10)",
    "Flatten\nLinear(12, 5)\nSoftmax(-1)",
    "Flatten\nLinear(4, 5)",
    "BatchNorm1d(3)\nLinear(4, 2)",
    "BatchNorm1d(4)\nTanh\nLayerNorm(4)",
    "LayerNorm(7) -> GELU",
    "Linear(4, 8) -> Dropout(0.5) -> Sigmoid -> Linear(8, 3) -> Softmax(1)",
    "Softmax(2)",
    "Softmax(-3)",
]
SHAPES = [(8, 64), (2, 3, 4), (5, 4), (4,), (2, 7), (6, 3, 4), (3, 2, 2, 3)]


@pytest.mark.parametrize("text", CHAINS)
def test_predicted_shape_flow_equals_torch_for_every_chain_and_input(text):
    layers = parse_layers(text)
    for shape in SHAPES:
        ours = predict_shape_flow(layers, shape)
        theirs = torch_shape_flow(layers, shape)
        assert ours.shapes == theirs.shapes, (text, shape)
        if ours.broken is None:
            assert theirs.error is None, (text, shape, theirs.error)
        else:
            assert theirs.error is not None, (text, shape)
            assert theirs.failed_at == ours.broken.index, (text, shape)


def test_broken_chain_is_located_with_torchs_text():
    layers = parse_layers("Linear(64, 32)\nReLU\nLinear(31, 10)")
    flow = torch_shape_flow(layers, (8, 64))
    assert flow.failed_at == 2
    assert flow.shapes == [(8, 32), (8, 32)]
    assert flow.error == "RuntimeError: mat1 and mat2 shapes cannot be multiplied (8x32 and 31x10)"
    broken = predict_shape_flow(layers, (8, 64)).broken
    assert (broken.index, broken.what, broken.expected, broken.got) == (2, "features", "31", "32")


def test_parse_layers_and_shapes_explain_bad_input():
    assert [layer.text for layer in parse_layers("nn.Linear(3, 4),\n relu".replace("relu", "ReLU"))] == [
        "Linear(3, 4)",
        "ReLU()",
    ]
    assert isinstance(parse_layers("Dropout(0.25)")[0].build(), nn.Dropout)
    with pytest.raises(ValueError, match="Write at least one layer"):
        parse_layers("  \n")
    with pytest.raises(ValueError, match=r"Layer 2 \('Conv9\(3\)'\) is not one of the known layers"):
        parse_layers("ReLU\nConv9(3)")
    with pytest.raises(ValueError, match="Linear takes 2 argument"):
        parse_layers("Linear(3)")
    with pytest.raises(ValueError, match="the arguments must be numbers"):
        parse_layers("Linear(3, __import__('os'))")
    with pytest.raises(ValueError, match="sizes must be whole numbers from 1 to 4096"):
        parse_layers("Linear(3, 0)")
    with pytest.raises(ValueError, match="dropout probability"):
        parse_layers("Dropout(2)")
    assert parse_shape("8, 64") == (8, 64)
    assert parse_shape("(2, 3, 4)") == (2, 3, 4)
    with pytest.raises(ValueError, match="has 'a'"):
        parse_shape("8, a")
    with pytest.raises(ValueError, match="1 to 4 sizes"):
        parse_shape("")
    with pytest.raises(ValueError, match="more than 1,000,000 elements"):
        parse_shape("4096, 4096")


def test_shape_flow_diff_is_zero_only_when_rules_and_torch_agree():
    layers = parse_layers("Linear(4, 3)\nReLU")
    ours, theirs = predict_shape_flow(layers, (2, 4)), torch_shape_flow(layers, (2, 4))
    assert shape_flow_diff(ours, theirs) == 0.0
    wrong = type(ours)(ours.input_shape, [(2, 5), (2, 3)], None)
    assert shape_flow_diff(wrong, theirs) == 2.0
    broken = predict_shape_flow(parse_layers("Linear(5, 3)"), (2, 4))
    assert shape_flow_diff(broken, theirs) == float("inf")


def test_the_notes_sample_versions_agree_and_two_linears_collapse_into_one():
    check = notes_sample_check()
    assert check.sequential_vs_modulelist == 0.0
    assert check.collapsed_vs_sequential < 1e-12  # float64: W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)
    # with an activation between them the merge would not hold: ReLU breaks linearity
    torch.manual_seed(0)
    first, second = nn.Linear(100, 50).double(), nn.Linear(50, 25).double()
    x = torch.randn(16, 100, dtype=torch.float64)
    merged = x @ (second.weight @ first.weight).T + second.weight @ first.bias + second.bias
    assert (second(torch.relu(first(x))) - merged).abs().max() > 1e-3
