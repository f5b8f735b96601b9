r"""One model, four containers: a Python list, ``nn.ModuleList``, ``nn.Sequential``, ``nn.ModuleDict``.

The model is the same everywhere: a hidden block :math:`h = \mathrm{ReLU}(W_1 x + b_1)` kept in the
container, and an output layer :math:`\hat y = W_2 h + b_2` registered directly as ``self.head``
(the usual shape of the bug: the head is an attribute, the hidden layers sit in a list). Built from
the same seed, the four start with the same weights bit for bit.

``nn.Module.__setattr__`` registers a value only when it is a ``Module`` (or ``Parameter``); a Python
list is stored as a plain attribute, so everything that walks the registered children skips its
layers: ``parameters()``, ``state_dict()``, ``.to()``, ``.train()/.eval()``, and an optimizer built
from ``model.parameters()``. :func:`container_facts` reads each of these from torch itself, and
:func:`train_containers` trains the four models on real data to show the consequence: the list
model's hidden layer keeps its random initial weights.

:func:`torch_shape_flow` runs an ``nn.Sequential`` described in text on an input of a given shape and
reports the shape after every layer, or the layer where the chain breaks with torch's own error text;
:func:`predict_shape_flow` predicts the same from each layer's shape rule, without torch.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core._validation import check_whole
from core.budget import check_budget
from core.datasets import DATASETS, standardized_split
from core.errors import InputError
from core.lazy import LazyModule

torch = LazyModule("torch")  # imported when a model is built or run (core/lazy.py)
nn = LazyModule("torch.nn")
_models = LazyModule("core.pytorch_basics._models")
_torch_init = LazyModule("core.torch_init")
_training = LazyModule("core.training")


def seeded_module(*args, **kwargs):  # core.torch_init's, imported at the first call
    return _torch_init.seeded_module(*args, **kwargs)


def generator_from(*args, **kwargs):  # core.torch_init's
    return _torch_init.generator_from(*args, **kwargs)


def run_steps(*args, **kwargs):  # core.training's
    return _training.run_steps(*args, **kwargs)


KINDS = ("list", "modulelist", "sequential", "moduledict")
MAX_LAYERS = 12
MAX_SIZE = 4096
MAX_ELEMENTS = 1_000_000
MAX_CHAIN_CHARS = 2_000  # a chain's text (12 layers of a few words each fit many times over)
MAX_SHAPE_CHARS = 100


# the four models: ``_models`` (torch.nn classes, imported when a model is built)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}.")


def build_model(kind: str, in_features: int, hidden: int, out_features: int, *, seed: int = 0) -> nn.Module:
    """The two-layer model with its hidden block in container ``kind`` (one of :data:`KINDS`).

    The layers are drawn in the same order from ``torch.Generator().manual_seed(seed)`` (the weights
    ``torch.random.manual_seed(seed)`` gave; the global random state is untouched): every kind starts with the
    same weights.
    """
    _check_kind(kind)
    for name, value in (("in_features", in_features), ("hidden", hidden), ("out_features", out_features)):
        if not isinstance(value, (int, np.integer)) or not 1 <= value <= MAX_SIZE:
            raise ValueError(f"{name} must be a whole number from 1 to {MAX_SIZE}, got {value!r}.")
    sizes = (int(in_features), int(hidden), int(out_features))
    first, head = seeded_module(lambda: nn.ModuleList([nn.Linear(*sizes[:2]), nn.Linear(*sizes[1:])]), seed)
    return _models.CLASSES[kind](first, head)


def hidden_layer(model: nn.Module) -> nn.Linear:
    """The hidden ``nn.Linear`` of a model from :func:`build_model`, whatever its container."""
    body = model.body
    return body["linear"] if isinstance(body, nn.ModuleDict) else body[0]


# --- what torch sees --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ContainerFacts:
    """What torch's machinery sees of one model (every field read from torch itself)."""

    kind: str
    parameter_tensors: int  # len(list(model.parameters()))
    parameter_count: int  # sum of numel over model.parameters()
    state_dict_keys: tuple[str, ...]
    hidden_dtype_after_to: str  # hidden weight's dtype after model.to(torch.float64)
    forward_after_to_error: str | None  # torch's error for a float64 input after .to(float64), or None
    hidden_training_after_eval: bool  # hidden layer's .training after model.eval()
    optimizer_tensors: int  # tensors an optimizer built from model.parameters() holds
    hidden_in_optimizer: bool  # is the hidden weight among them
    optimizer_error: str | None  # torch's error when the optimizer gets nothing, else None
    container_call_error: str | None  # torch's / Python's error calling the container itself, or None
    children: tuple[str, ...]  # names of model.named_children()


def _error_text(call: Callable[[], object]) -> str | None:
    try:
        call()
    except Exception as error:  # torch's own exception, shown as the user would see it
        return f"{type(error).__name__}: {error}"
    return None


def container_facts(
    kind: str, in_features: int = 64, hidden: int = 32, out_features: int = 10
) -> ContainerFacts:
    """Ask torch what it sees of the model with its hidden block in container ``kind``."""
    model = build_model(kind, in_features, hidden, out_features)
    params = list(model.parameters())
    keys = tuple(model.state_dict())
    children = tuple(name for name, _ in model.named_children())
    weight = hidden_layer(model).weight
    optimizer_error = _error_text(lambda: torch.optim.SGD(model.parameters(), lr=0.1))
    if optimizer_error is None:
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        held = [p for group in optimizer.param_groups for p in group["params"]]
        optimizer_tensors = len(held)
        in_optimizer = any(p is weight for p in held)
    else:
        optimizer_tensors, in_optimizer = 0, False
    x = torch.zeros(2, in_features)
    container_error = _error_text(lambda: model.body(x))
    model.eval()
    training_after_eval = hidden_layer(model).training
    model.to(torch.float64)
    dtype_after = str(hidden_layer(model).weight.dtype).removeprefix("torch.")
    forward_error = _error_text(lambda: model(torch.zeros(2, in_features, dtype=torch.float64)))
    return ContainerFacts(
        kind=kind,
        parameter_tensors=len(params),
        parameter_count=sum(p.numel() for p in params),
        state_dict_keys=keys,
        hidden_dtype_after_to=dtype_after,
        forward_after_to_error=forward_error,
        hidden_training_after_eval=training_after_eval,
        optimizer_tensors=optimizer_tensors,
        hidden_in_optimizer=in_optimizer,
        optimizer_error=optimizer_error,
        container_call_error=container_error,
        children=children,
    )


# --- training on real data --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Dataset:
    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    classes: int


def load_dataset(name: str, *, seed: int = 0, test_fraction: float = 0.25) -> Dataset:
    r"""scikit-learn's bundled ``digits`` (1797 x 64, 10 classes) or ``breast_cancer`` (569 x 30, 2),
    split stratified and standardised with the training split's statistics:
    :math:`x' = (x - \mu_{train}) / \sigma_{train}` (a constant column keeps :math:`\sigma = 1`)."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, got {name!r}.")
    x_tr, y_tr, x_te, y_te, classes = standardized_split(name, seed=seed, test_fraction=test_fraction)
    return Dataset(name, x_tr, y_tr, x_te, y_te, classes)


@dataclass(frozen=True)
class TrainingRun:
    """One container's training: losses and accuracies per epoch (entry 0 = before training)."""

    kind: str
    train_loss: np.ndarray
    test_accuracy: np.ndarray
    hidden_before: np.ndarray
    hidden_after: np.ndarray
    hidden_unchanged: bool  # torch.equal(before, after): bit for bit
    hidden_max_change: float
    head_max_change: float


@dataclass(frozen=True)
class TrainingResult:
    dataset: str
    epochs: int
    lr: float
    hidden: int
    runs: dict[str, TrainingRun]
    # the list model against a registered model whose hidden layer is frozen on purpose
    # (requires_grad_(False), optimizer over the trainable parameters): max |diff| of the losses
    frozen_reference_diff: float
    # the three registered containers against one another: max |diff| of their losses
    registered_spread: float
    train_size: int = 0
    test_size: int = 0


def _train_one(
    model: nn.Module, data: Dataset, epochs: int, lr: float, on_epoch: Callable[[], None] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch Adam on cross-entropy; returns the training loss and test accuracy per epoch."""
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = np.empty(epochs + 1)
    accuracy = np.empty(epochs + 1)

    def measure(epoch: int) -> None:
        model.eval()
        with torch.no_grad():
            losses[epoch] = loss_fn(model(data.x_train), data.y_train).item()
            predicted = model(data.x_test).argmax(dim=1)
            accuracy[epoch] = (predicted == data.y_test).double().mean().item()
        model.train()

    def after_epoch(epoch: int, _loss: float) -> None:
        measure(epoch)
        if on_epoch is not None:
            on_epoch()

    measure(0)
    # one step per epoch: the whole training set
    run_steps(optimizer, lambda _: loss_fn(model(data.x_train), data.y_train), epochs, after_step=after_epoch)
    return losses, accuracy


def train_containers(
    dataset: str = "digits",
    *,
    hidden: int = 32,
    epochs: int = 60,
    lr: float = 0.01,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> TrainingResult:
    r"""Train the four models (same seed, same data, full-batch Adam on cross-entropy) and compare.

    The optimizer is built the way everyone builds it, ``Adam(model.parameters(), lr)``: for the list
    model that is the head only, so its hidden layer keeps its initial weights. Each run keeps the
    hidden weight before and after training (compared bit for bit with ``torch.equal``).

    Two live references come with it: the list model equals, loss for loss, a ``ModuleList`` model
    whose hidden layer is frozen on purpose with ``requires_grad_(False)``; and the three registered
    containers give the same losses as one another (they compute the same thing).
    """
    if not isinstance(epochs, (int, np.integer)) or not 1 <= epochs <= 1000:
        raise ValueError(f"epochs must be a whole number from 1 to 1000, got {epochs!r}.")
    if not (isinstance(lr, (int, float)) and math.isfinite(lr) and 0 < lr <= 10):
        raise ValueError(f"lr must be a number in (0, 10], got {lr!r}.")
    check_whole("hidden", hidden, low=1, high=MAX_SIZE)
    data = load_dataset(dataset, seed=seed)
    # five models (the four containers and the frozen reference), one full-batch step per epoch
    n_in = int(data.x_train.shape[1])
    parameters = n_in * hidden + hidden + hidden * data.classes + data.classes
    check_budget("epochs", "step_parameters", (len(KINDS) + 1) * epochs * parameters)
    total = (len(KINDS) + 1) * epochs
    done = [0]

    def tick() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0] / total)

    runs: dict[str, TrainingRun] = {}
    for kind in KINDS:
        model = build_model(kind, data.x_train.shape[1], hidden, data.classes, seed=seed)
        before = hidden_layer(model).weight.detach().clone()
        head_before = model.head.weight.detach().clone()
        losses, accuracy = _train_one(model, data, epochs, lr, tick)
        after = hidden_layer(model).weight.detach().clone()
        runs[kind] = TrainingRun(
            kind=kind,
            train_loss=losses,
            test_accuracy=accuracy,
            hidden_before=before.numpy(),
            hidden_after=after.numpy(),
            hidden_unchanged=bool(torch.equal(before, after)),
            hidden_max_change=float((after - before).abs().max()),
            head_max_change=float((model.head.weight.detach() - head_before).abs().max()),
        )
    frozen = build_model("modulelist", data.x_train.shape[1], hidden, data.classes, seed=seed)
    hidden_layer(frozen).requires_grad_(False)
    frozen_losses, _ = _train_one(frozen, data, epochs, lr, tick)
    registered = [runs[k].train_loss for k in KINDS if k != "list"]
    spread = max(float(np.max(np.abs(a - registered[0]))) for a in registered)
    return TrainingResult(
        dataset=dataset,
        epochs=int(epochs),
        lr=float(lr),
        hidden=int(hidden),
        runs=runs,
        frozen_reference_diff=float(np.max(np.abs(runs["list"].train_loss - frozen_losses))),
        registered_spread=spread,
        train_size=int(data.x_train.shape[0]),
        test_size=int(data.x_test.shape[0]),
    )


# --- nn.Sequential: the chain of shapes -------------------------------------------------------------------
#: layer name -> (its class in torch.nn, number of required arguments, number of optional arguments)
LAYERS: dict[str, tuple[str, int, int]] = {
    "Linear": ("Linear", 2, 0),
    "ReLU": ("ReLU", 0, 0),
    "Tanh": ("Tanh", 0, 0),
    "Sigmoid": ("Sigmoid", 0, 0),
    "GELU": ("GELU", 0, 0),
    "Dropout": ("Dropout", 0, 1),
    "Flatten": ("Flatten", 0, 0),
    "LayerNorm": ("LayerNorm", 1, 0),
    "BatchNorm1d": ("BatchNorm1d", 1, 0),
    "Softmax": ("Softmax", 1, 0),
}
_LAYER_RE = re.compile(r"^\s*(?:nn\.)?([A-Za-z][A-Za-z0-9]*)\s*(?:\((.*)\))?\s*$")


@dataclass(frozen=True)
class LayerSpec:
    name: str
    args: tuple[float, ...]

    @property
    def text(self) -> str:
        return f"{self.name}({', '.join(_fmt_arg(a) for a in self.args)})"

    def build(self) -> nn.Module:
        cls = getattr(nn, LAYERS[self.name][0])
        if self.name == "Softmax":
            return cls(dim=int(self.args[0]))
        return cls(*self.args)


def _fmt_arg(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _not_numbers(number: int, part: str) -> InputError:
    return InputError(
        "pytorch_basics.layer_not_numbers",
        f"Layer {number} ({part!r}): the arguments must be numbers.",
        number=number,
        part=repr(part),
    )


def parse_layers(text: str) -> list[LayerSpec]:
    """Layers written one per line (or separated by ``->``), e.g. ``Linear(64, 32)``, ``ReLU``.

    Known layers: the keys of :data:`LAYERS`; sizes are whole numbers from 1 to 4096.
    """
    if not isinstance(text, str):
        raise ValueError(f"The chain must be text, got {type(text).__name__}.")
    if len(text) > MAX_CHAIN_CHARS:
        raise InputError(
            "pytorch_basics.chain_too_long",
            f"The chain has {len(text):,} characters; at most {MAX_CHAIN_CHARS:,}.",
            chars=f"{len(text):,}",
            limit=f"{MAX_CHAIN_CHARS:,}",
        )
    parts = [p for line in text.replace("->", "\n").splitlines() for p in [line.strip().rstrip(",")] if p]
    if not parts:
        raise InputError(
            "pytorch_basics.chain_empty", "Write at least one layer, for example Linear(64, 32)."
        )
    if len(parts) > MAX_LAYERS:
        raise InputError(
            "pytorch_basics.chain_too_many_layers",
            f"At most {MAX_LAYERS} layers, got {len(parts)}.",
            limit=MAX_LAYERS,
            got=len(parts),
        )
    layers = []
    for number, part in enumerate(parts, start=1):
        match = _LAYER_RE.match(part)
        if not match or match.group(1) not in LAYERS:
            known = ", ".join(LAYERS)
            raise InputError(
                "pytorch_basics.layer_unknown",
                f"Layer {number} ({part!r}) is not one of the known layers: {known}.",
                number=number,
                part=repr(part),
                known=known,
            )
        name, raw = match.group(1), (match.group(2) or "").strip()
        try:
            args = ast.literal_eval(f"({raw},)") if raw else ()
        except (ValueError, SyntaxError):
            raise _not_numbers(number, part) from None
        required, optional = LAYERS[name][1:]
        if not required <= len(args) <= required + optional:
            want = str(required) if not optional else f"{required} to {required + optional}"
            message = f"Layer {number} ({part!r}): {name} takes {want} argument(s), got {len(args)}."
            if not optional:
                raise InputError(
                    "pytorch_basics.layer_arg_count",
                    message,
                    number=number,
                    part=repr(part),
                    layer=name,
                    want=required,
                    got=len(args),
                )
            raise InputError(
                "pytorch_basics.layer_arg_range",
                message,
                number=number,
                part=repr(part),
                layer=name,
                low=required,
                high=required + optional,
                got=len(args),
            )
        for a in args:
            if isinstance(a, bool) or not isinstance(a, (int, float)):
                raise _not_numbers(number, part)
        if name == "Dropout":
            if args and not 0 <= args[0] <= 1:
                raise InputError(
                    "pytorch_basics.layer_dropout",
                    f"Layer {number} ({part!r}): the dropout probability must be in [0, 1].",
                    number=number,
                    part=repr(part),
                )
        elif name == "Softmax":
            if not float(args[0]).is_integer() or not -4 <= args[0] <= 3:
                raise InputError(
                    "pytorch_basics.layer_softmax_dim",
                    f"Layer {number} ({part!r}): dim must be a whole number from -4 to 3.",
                    number=number,
                    part=repr(part),
                )
        else:
            for a in args:
                if not float(a).is_integer() or not 1 <= a <= MAX_SIZE:
                    raise InputError(
                        "pytorch_basics.layer_sizes",
                        f"Layer {number} ({part!r}): sizes must be whole numbers from 1 to {MAX_SIZE}.",
                        number=number,
                        part=repr(part),
                        high=MAX_SIZE,
                    )
        layers.append(LayerSpec(name, tuple(int(a) if float(a).is_integer() else float(a) for a in args)))
    return layers


def parse_shape(
    text: str, *, name: str = "shape", max_dims: int = 4, max_size: int = MAX_SIZE
) -> tuple[int, ...]:
    """``"8, 64"`` -> ``(8, 64)``: 1 to ``max_dims`` whole numbers from 1 to ``max_size``."""
    if not isinstance(text, str) or len(text) > MAX_SHAPE_CHARS:
        raise InputError(
            "pytorch_basics.shape_text",
            f"The {name} needs 1 to {max_dims} sizes separated by commas (a short text).",
            name=name,
            high=max_dims,
        )
    items = [s.strip() for s in text.replace("(", "").replace(")", "").replace("x", ",").split(",")]
    items = [s for s in items if s]
    if not 1 <= len(items) <= max_dims:
        raise InputError(
            "pytorch_basics.shape_count",
            f"The {name} needs 1 to {max_dims} sizes separated by commas, got {text!r}.",
            name=name,
            high=max_dims,
            got=repr(text),
        )
    sizes = []
    for s in items:
        if not re.fullmatch(r"\d+", s) or not 1 <= int(s) <= max_size:
            raise InputError(
                "pytorch_basics.shape_size",
                f"The {name} {text!r} has {s!r}: sizes are whole numbers from 1 to {max_size}.",
                name=name,
                text=repr(text),
                item=repr(s),
                high=max_size,
            )
        sizes.append(int(s))
    if math.prod(sizes) > MAX_ELEMENTS:
        raise InputError(
            "pytorch_basics.shape_elements",
            f"The {name} {text!r} has more than {MAX_ELEMENTS:,} elements.",
            name=name,
            text=repr(text),
            limit=f"{MAX_ELEMENTS:,}",
        )
    return tuple(sizes)


@dataclass(frozen=True)
class Break:
    """Where a chain of shapes breaks: layer ``index`` (0-based) wants ``expected`` of ``what`` of its
    input (``what``: ``"features"`` = last dimension, ``"channels"`` = dimension 1, ``"ndim"`` = number of
    dimensions) and gets ``got``."""

    index: int
    what: str
    expected: str
    got: str


@dataclass(frozen=True)
class ShapeFlow:
    input_shape: tuple[int, ...]
    shapes: list[tuple[int, ...]]  # output shape of each layer that ran
    broken: Break | None  # predicted break (predict_shape_flow); None when the chain holds
    error: str | None = None  # torch's own error text (torch_shape_flow)
    failed_at: int | None = None  # index of the layer whose forward raised (torch_shape_flow)


def _layer_rule(
    layer: LayerSpec, index: int, shape: tuple[int, ...]
) -> tuple[tuple[int, ...] | None, Break | None]:
    """One layer's shape rule: its output shape, or why it cannot take ``shape``."""
    ndim = len(shape)
    if layer.name == "Linear":
        # (*, in_features) -> (*, out_features)
        in_f, out_f = layer.args
        if ndim == 0 or shape[-1] != in_f:
            return None, Break(index, "features", str(in_f), str(shape[-1]) if ndim else "0-d")
        return (*shape[:-1], out_f), None
    if layer.name == "LayerNorm":
        # normalized over the last dimension: it must equal normalized_shape
        if ndim == 0 or shape[-1] != layer.args[0]:
            return None, Break(index, "features", str(layer.args[0]), str(shape[-1]) if ndim else "0-d")
        return shape, None
    if layer.name == "BatchNorm1d":
        # (N, C) or (N, C, L) with C = num_features
        if ndim not in (2, 3):
            return None, Break(index, "ndim", "2 or 3", str(ndim))
        if shape[1] != layer.args[0]:
            return None, Break(index, "channels", str(layer.args[0]), str(shape[1]))
        return shape, None
    if layer.name == "Flatten":
        # (N, d1, ..., dk) -> (N, d1 * ... * dk) (start_dim=1): needs at least 2 dimensions
        if ndim < 2:
            return None, Break(index, "ndim", ">= 2", str(ndim))
        return (shape[0], math.prod(shape[1:])), None
    if layer.name == "Softmax":
        dim = int(layer.args[0])
        if not -max(ndim, 1) <= dim < max(ndim, 1):
            # dim d needs d + 1 dimensions (d >= 0) or -d dimensions (d < 0)
            return None, Break(index, "ndim", f">= {dim + 1 if dim >= 0 else -dim}", str(ndim))
        return shape, None
    return shape, None  # elementwise layers keep the shape


def predict_shape_flow(layers: Sequence[LayerSpec], input_shape: Sequence[int]) -> ShapeFlow:
    """Every layer's output shape from the layers' shape rules (no torch), up to the first break."""
    shape = tuple(int(s) for s in input_shape)
    shapes: list[tuple[int, ...]] = []
    for index, layer in enumerate(layers):
        out, broken = _layer_rule(layer, index, shape)
        if broken is not None:
            return ShapeFlow(tuple(input_shape), shapes, broken)
        shape = out
        shapes.append(shape)
    return ShapeFlow(tuple(input_shape), shapes, None)


@dataclass(frozen=True)
class ChainCost:
    """The work of running a chain on an input, predicted from the layers' shape rules (no torch).

    ``largest``: elements of the largest tensor the forward pass holds (the input, every layer's output
    up to the first break); ``parameters``: elements of all the layers' parameters (torch allocates them
    all, even those after a break); ``multiply_adds``: a ``Linear`` on ``(*, in)`` costs
    ``prod(*) * in * out``, every other layer about one per element of its input.
    """

    largest: int
    parameters: int
    multiply_adds: int


def _layer_parameters(layer: LayerSpec) -> int:
    if layer.name == "Linear":
        in_f, out_f = (int(a) for a in layer.args)
        return in_f * out_f + out_f  # weight and bias
    if layer.name in ("LayerNorm", "BatchNorm1d"):
        # weight and bias (BatchNorm1d also keeps running mean and variance)
        return (4 if layer.name == "BatchNorm1d" else 2) * int(layer.args[0])
    return 0


def chain_cost(layers: Sequence[LayerSpec], input_shape: Sequence[int]) -> ChainCost:
    """What :func:`torch_shape_flow` would allocate and compute, from :func:`predict_shape_flow`."""
    flow = predict_shape_flow(layers, input_shape)
    shape = tuple(int(s) for s in input_shape)
    largest = math.prod(shape)
    multiply_adds = 0
    for layer, out in zip(layers, flow.shapes, strict=False):  # the layers that run
        if layer.name == "Linear":
            multiply_adds += math.prod(shape[:-1]) * int(layer.args[0]) * int(layer.args[1])
        else:
            multiply_adds += math.prod(shape)
        largest = max(largest, math.prod(out))
        shape = out
    return ChainCost(largest, sum(_layer_parameters(layer) for layer in layers), multiply_adds)


def check_chain_budget(layers: Sequence[LayerSpec], input_shape: Sequence[int]) -> ChainCost:
    """Raise :class:`core.budget.OverBudget` (input ``chain``) when running the chain on the input would
    hold a tensor, or parameters in all, over the elements limit, or cost more multiply-adds than the
    limit; checked before torch allocates anything."""
    cost = chain_cost(layers, input_shape)
    check_budget("chain", "elements", cost.largest)
    check_budget("chain", "elements", cost.parameters)
    check_budget("chain", "multiply_adds", cost.multiply_adds)
    return cost


def torch_shape_flow(layers: Sequence[LayerSpec], input_shape: Sequence[int], *, seed: int = 0) -> ShapeFlow:
    """Run ``nn.Sequential(*layers)`` (eval mode, no grad) on zeros of ``input_shape``: the shape after
    each layer from forward hooks, and if it fails, torch's own error text and the failing layer.

    The work is checked first (:func:`check_chain_budget`): an :class:`core.budget.OverBudget` before
    torch allocates anything."""
    check_chain_budget(layers, input_shape)
    model = seeded_module(lambda: nn.Sequential(*(layer.build() for layer in layers)), seed)
    model.eval()
    shapes: list[tuple[int, ...]] = []
    for module in model:
        module.register_forward_hook(lambda _m, _i, out: shapes.append(tuple(out.shape)))
    x = torch.zeros(tuple(input_shape))
    try:
        with torch.no_grad():
            model(x)
    except Exception as error:  # torch's own exception text is what the page shows
        return ShapeFlow(tuple(input_shape), shapes, None, f"{type(error).__name__}: {error}", len(shapes))
    return ShapeFlow(tuple(input_shape), shapes, None)


# --- the notes' code sample -------------------------------------------------------------------------------
@dataclass(frozen=True)
class NotesSampleCheck:
    """The notes' two ``testNet`` classes (Linear(100, 50) then Linear(50, 25), no activation)."""

    sequential_vs_modulelist: float  # max |diff| of the two classes' outputs with the same weights
    collapsed_vs_sequential: float  # max |diff| of one merged Linear against the two-layer Sequential


def notes_sample_check(*, batch: int = 16, seed: int = 0) -> NotesSampleCheck:
    r"""Run the notes' Sequential and ModuleList versions with the same weights, and merge the two
    Linear layers into one (no activation between them):

    .. math::
        W_2 (W_1 x + b_1) + b_2 = (W_2 W_1) x + (W_2 b_1 + b_2)
    """
    # the draws torch.random.manual_seed(seed) gave: the two layers, then x
    generator = generator_from(seed)
    pair = seeded_module(lambda: nn.ModuleList([nn.Linear(100, 50), nn.Linear(50, 25)]), generator=generator)
    first, second = pair
    x = torch.randn(batch, 100, dtype=torch.float64, generator=generator)
    first, second = first.double(), second.double()
    sequential = nn.Sequential(first, second)
    modulelist = nn.ModuleList([first, second])
    with torch.no_grad():
        out_sequential = sequential(x)
        out_list = x
        for layer in modulelist:  # the ModuleList version's own forward
            out_list = layer(out_list)
        # W = W_2 W_1, b = W_2 b_1 + b_2
        merged_weight = second.weight @ first.weight
        merged_bias = second.weight @ first.bias + second.bias
        out_merged = x @ merged_weight.T + merged_bias
    return NotesSampleCheck(
        sequential_vs_modulelist=float((out_sequential - out_list).abs().max()),
        collapsed_vs_sequential=float((out_sequential - out_merged).abs().max()),
    )


def shape_flow_diff(predicted: ShapeFlow, measured: ShapeFlow) -> float:
    """Max |difference| between predicted and measured shapes, layer by layer: 0 when the rules agree
    with torch everywhere, ``inf`` when a layer count, a number of dimensions or the break differs."""
    if len(predicted.shapes) != len(measured.shapes):
        return math.inf
    predicted_break = predicted.broken.index if predicted.broken is not None else None
    if predicted_break != measured.failed_at:
        return math.inf
    worst = 0.0
    for ours, theirs in zip(predicted.shapes, measured.shapes, strict=True):
        if len(ours) != len(theirs):
            return math.inf
        # max_d |ours_d - theirs_d|
        worst = max([worst, *(abs(a - b) for a, b in zip(ours, theirs, strict=True))])
    return float(worst)
