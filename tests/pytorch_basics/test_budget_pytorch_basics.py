"""Issue 20: the work a visitor's chain, shapes and sizes ask for is checked before torch runs."""

from __future__ import annotations

import math

import pytest
import torch

import core.pytorch_basics._containers as containers
from core.budget import LIMITS, OverBudget
from core.pytorch_basics import (
    OPERATIONS,
    chain_cost,
    operation_map,
    output_elements,
    parse_layers,
    torch_map,
    torch_shape_flow,
    train_containers,
)
from tests.apptest import assert_clean, open_link
from ui.i18n import load_strings

PAGE = "app_pages/pytorch_basics.py"


HOSTILE_CHAIN = "Linear(1, 4096)\nLinear(4096, 4096)"
HOSTILE_INPUT = "1000, 1000, 1"


def _brute_force(chain: str, shape: tuple[int, ...]) -> tuple[int, int, int]:
    """(largest tensor, parameters, multiply-adds) counted on torch's own run: every tensor the hooks see,
    every parameter torch allocated, and a Linear's rows x in x out from its real input."""
    layers = parse_layers(chain)
    model = torch.nn.Sequential(*(layer.build() for layer in layers))
    largest, macs = [math.prod(shape)], [0]

    def hook(module, inputs, out):
        largest.append(out.numel())
        x = inputs[0]
        if isinstance(module, torch.nn.Linear):
            macs[0] += x.numel() // x.shape[-1] * module.in_features * module.out_features
        else:
            macs[0] += x.numel()

    for module in model:
        module.register_forward_hook(hook)
    try:
        with torch.no_grad():
            model(torch.zeros(shape))
    except RuntimeError:
        pass
    parameters = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers())
    parameters -= sum(1 for m in model if isinstance(m, torch.nn.BatchNorm1d))  # num_batches_tracked
    return max(largest), parameters, macs[0]


@pytest.mark.parametrize(
    ("chain", "shape"),
    [
        ("Linear(64, 32)\nReLU\nLinear(32, 16)\nReLU\nLinear(16, 10)\nSoftmax(-1)", (8, 64)),
        ("Flatten\nLinear(12, 7)\nLayerNorm(7)\nGELU\nDropout(0.5)", (3, 4, 3)),
        ("BatchNorm1d(5)\nLinear(9, 40)\nTanh\nLinear(40, 2)", (6, 5, 9)),
        ("Linear(64, 32)\nReLU\nLinear(31, 10)\nLinear(10, 3)", (8, 64)),  # breaks at layer 3
        ("Linear(5, 300)\nSigmoid\nLinear(300, 2)", (2, 3, 4, 5)),
    ],
)
def test_chain_cost_equals_what_torch_allocates_and_computes(chain, shape):
    cost = chain_cost(parse_layers(chain), shape)
    assert (cost.largest, cost.parameters, cost.multiply_adds) == _brute_force(chain, shape)


def test_hostile_chain_is_refused_before_torch_allocates(monkeypatch):
    def no_torch(*args, **kwargs):
        raise AssertionError("torch ran on a chain over budget")

    monkeypatch.setattr(containers.torch, "zeros", no_torch)
    monkeypatch.setattr(containers, "seeded_module", no_torch)
    layers = parse_layers(HOSTILE_CHAIN)
    with pytest.raises(OverBudget) as caught:
        torch_shape_flow(layers, (1000, 1000, 1))
    assert caught.value.quantity == "elements"
    assert caught.value.amount == 1000 * 1000 * 4096
    # many multiply-adds on a small tensor: Linear(4096, 4096) on 200 rows
    with pytest.raises(OverBudget) as caught:
        torch_shape_flow(parse_layers("Linear(4096, 4096)"), (200, 4096))
    assert caught.value.quantity == "multiply_adds"
    # parameters in all: two 4096 x 4096 layers hold more than the limit even on one row
    with pytest.raises(OverBudget) as caught:
        torch_shape_flow(parse_layers("Linear(4096, 4096)\nLinear(4096, 4096)"), (1, 4096))
    assert caught.value.amount > LIMITS["elements"]


def test_chain_text_is_bounded_at_the_door():
    with pytest.raises(ValueError, match="characters"):
        parse_layers("ReLU\n" * 1000)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hostile_chain_link_shows_the_budget_sentence_and_the_page_stays_usable(lang, monkeypatch):
    strings = load_strings(lang)
    at = open_link(PAGE, lang, pb_chain=HOSTILE_CHAIN, pb_chain_input=HOSTILE_INPUT)
    assert_clean(at, errors=1)
    error = at.error[0].value
    assert strings["pytorch_basics.chain"] in error
    assert "20,000,000" in error and "4,096,000,000" in error
    assert strings["common.quantity_elements"] in error
    # the rest of the page ran: the broken example and the maps' checks are there
    assert at.warning and any(strings["pytorch_basics.check_sample_same"] in s.value for s in at.success)
    # nothing the visitor had is lost, and a smaller input works again
    assert at.text_area(key="pb_chain").value == HOSTILE_CHAIN
    at.text_input(key="pb_chain_input").set_value("2, 1").run()
    assert_clean(at)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_output_elements_equal_torch_and_big_outputs_are_refused(operation):
    shape, sizes = (
        (2, 1, 3),
        {"expand": (2, 2, 4, 3), "repeat_interleave": (2, 0, 3)}.get(operation, (2, 3, 1, 2)),
    )
    dim = 2 if operation == "repeat_interleave" else None
    assert output_elements(operation, shape, sizes, dim) == torch_map(operation, shape, sizes, dim).size
    big = (10_000, 10_000) if operation != "repeat_interleave" else (10_000_000,)
    with pytest.raises(OverBudget):
        operation_map(operation, (3,) if operation == "repeat_interleave" else (1, 1), big)
    with pytest.raises(OverBudget):
        torch_map(operation, (3,) if operation == "repeat_interleave" else (1, 1), big)


def test_training_steps_times_parameters_are_checked(monkeypatch):
    monkeypatch.setitem(LIMITS, "step_parameters", 1000)
    with pytest.raises(OverBudget) as caught:
        train_containers("breast_cancer", epochs=1)
    # five models of 30 -> 32 -> 2
    assert caught.value.amount == 5 * (30 * 32 + 32 + 32 * 2 + 2)
