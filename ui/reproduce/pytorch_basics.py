"""The PyTorch basics page's sections as scripts' PARAMS / EXPECTED (see :mod:`ui.reproduce`)."""

from __future__ import annotations

from typing import Any

from ui.compute import shared
from ui.reproduce import register


def _training(dataset: str, epochs: int, lr: float):
    from ui.pytorch_basics import train, training_view

    shared(train, dataset, epochs, lr)  # computed first without a progress bar (no browser is waiting)
    return training_view(dataset, epochs, lr), {"dataset": dataset, "epochs": epochs, "lr": lr}


def _training_default():
    from ui.pytorch_basics import DATASET_DEFAULT, EPOCHS, LR_DEFAULT

    return _training(DATASET_DEFAULT, EPOCHS[2], LR_DEFAULT)


@register(
    "pytorch_basics",
    "training",
    default=_training_default,
    other=lambda: _training("breast_cancer", 30, 0.03),
)
def training(view: Any, *, dataset: str, epochs: int, lr: float):
    """``view``: the section's :class:`ui.pytorch_basics.TrainingView`; EXPECTED: each container's final
    training loss and test accuracy and whether its hidden weight is unchanged, from the same shared result
    the view was built from (``ui.compute.shared`` hands back the stored one)."""
    from ui.pytorch_basics import HIDDEN, train

    result = shared(train, dataset, int(epochs), float(lr))
    params = {"dataset": dataset, "epochs": int(epochs), "lr": float(lr), "hidden": HIDDEN, "seed": 0}
    expected = {
        kind: {
            "train_loss": float(run.train_loss[-1]),
            "test_accuracy": float(run.test_accuracy[-1]),
            "hidden_unchanged": bool(run.hidden_unchanged),
        }
        for kind, run in result.runs.items()
    }
    return params, expected


def _flow(chain_text: str, shape: tuple[int, ...]):
    from ui.pytorch_basics import flow_view

    return flow_view(chain_text, shape), {"chain_text": chain_text, "shape": shape}


def _flow_default():
    from ui.pytorch_basics import DEFAULT_CHAIN, DEFAULT_CHAIN_INPUT, parse_chain_input

    return _flow(DEFAULT_CHAIN, parse_chain_input(DEFAULT_CHAIN_INPUT))


@register(
    "pytorch_basics",
    "sequential",
    default=_flow_default,
    other=lambda: _flow("Linear(10, 6)\nTanh\nLayerNorm(6)\nLinear(5, 2)", (3, 10)),
)
def sequential(view: Any, *, chain_text: str, shape: tuple[int, ...]):
    """``view``: the section's :class:`ui.pytorch_basics.FlowView`; EXPECTED: the shape after each layer
    and where the chain broke, from the shared result the view was built from."""
    from ui.pytorch_basics import flow

    layers, _, measured = shared(flow, chain_text, tuple(shape))
    params = {
        "layers": [[layer.name, list(layer.args)] for layer in layers],
        "input_shape": list(shape),
        "seed": 0,
    }
    error_type = None if measured.error is None else measured.error.split(":", 1)[0]
    expected = {
        "shapes": [list(s) for s in measured.shapes],
        "failed_at": measured.failed_at,
        "error_type": error_type,
    }
    return params, expected


def _maps(shape_text: str, texts: dict[str, str], dim: int | None):
    from ui.pytorch_basics import maps_view, parse_input_shape

    shape = parse_input_shape(shape_text)
    return maps_view(shape, texts, dim), {"in_shape": shape, "texts": texts, "dim": dim}


def _maps_default():
    from ui.pytorch_basics import MAP_DEFAULTS as d

    texts = {"repeat": d["pb_repeat"], "tile": d["pb_tile"], "expand": d["pb_expand"]}
    texts["repeat_interleave"] = d["pb_ri_repeats"]
    return _maps(d["pb_in_shape"], texts, int(d["pb_ri_dim"]))


@register(
    "pytorch_basics",
    "repeat",
    default=_maps_default,
    other=lambda: _maps(
        "3, 1, 2",
        {"repeat": "1, 2, 1", "tile": "2, 1", "repeat_interleave": "2", "expand": "2, 3, 4, 2"},
        None,
    ),
)
def repeat(view: Any, *, in_shape: tuple[int, ...], texts: dict[str, str], dim: int | None):
    """``view``: the section's :class:`ui.pytorch_basics.MapsView`; EXPECTED: each operation's index map,
    shape, strides, memory sharing and bytes (the layout the page predicts, checked there against torch);
    the operations whose sizes the page refused are left out."""
    from ui.pytorch_basics import MAX_COUNT, SMALLEST_SIZE, parse_sizes

    ops = view.ops
    params: dict[str, Any] = {"shape": list(in_shape)}
    for op in ("repeat", "tile", "repeat_interleave", "expand"):
        if op in ops:  # the sizes as the view read them
            sizes = parse_sizes(texts[op], name=op, minimum=SMALLEST_SIZE[op], maximum=MAX_COUNT)
            params[op] = [int(v) for v in sizes]
    params["dim"] = dim
    expected = {
        op: {
            "map": ops[op].result.ours.tolist(),
            "shape": list(ops[op].result.predicted.shape),
            "strides": list(ops[op].result.predicted.strides),
            "shares": bool(ops[op].result.predicted.shares_memory),
            "bytes": int(ops[op].result.predicted.bytes_allocated),
        }
        for op in ops
    }
    return params, expected
