"""The small CNN, the five fine-tuning strategies and the per-layer bookkeeping (parameter counts,
learning rates, how far each layer moved from the pretrained weights)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import torch
from torch import nn

from core._validation import check_choice, check_number, check_whole
from core.finetune._settings import (  # the light part (no torch), re-exported
    BACKBONE_LAYERS as BACKBONE_LAYERS,
)
from core.finetune._settings import (
    DISCRIMINATIVE_DECAY as DISCRIMINATIVE_DECAY,
)
from core.finetune._settings import (
    FEATURES as FEATURES,
)
from core.finetune._settings import (
    LAYERS as LAYERS,
)
from core.finetune._settings import (
    STRATEGIES as STRATEGIES,
)
from core.finetune._settings import (
    LayerRow as LayerRow,
)
from core.torch_init import seeded_module

WEIGHTS_PATH = Path(__file__).resolve().parents[2] / "data" / "finetune" / "source.pt"


class DigitNet(nn.Module):
    """Two 3x3 convolutions and one hidden layer (the backbone), then a linear head.

    Shape: ``(N, 1, 8, 8)`` -> conv1 ``(N, 16, 8, 8)`` -> pool ``(N, 16, 4, 4)`` -> conv2
    ``(N, 32, 4, 4)`` -> pool ``(N, 32, 2, 2)`` -> flatten ``(N, 128)`` -> fc ``(N, 64)`` -> head
    ``(N, num_classes)``. No batch norm and no dropout: the model behaves the same in train and eval
    mode, so a frozen backbone computes exactly the same features throughout training.
    """

    def __init__(self, num_classes: int) -> None:
        super().__init__()
        self.backbone = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(1, 16, kernel_size=3, padding=1),
                relu1=nn.ReLU(),
                pool1=nn.MaxPool2d(2),
                conv2=nn.Conv2d(16, 32, kernel_size=3, padding=1),
                relu2=nn.ReLU(),
                pool2=nn.MaxPool2d(2),
                flatten=nn.Flatten(),
                fc=nn.Linear(32 * 2 * 2, FEATURES),
                relu3=nn.ReLU(),
            )
        )
        self.head = nn.Linear(FEATURES, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x))

    def layer(self, name: str) -> nn.Module:
        """The module of one of :data:`LAYERS`."""
        return self.head if name == "head" else getattr(self.backbone, name)


def new_model(num_classes: int, seed: int, *, generator: torch.Generator | None = None) -> DigitNet:
    """A randomly initialised :class:`DigitNet` (torch's default initialisation) drawn from ``generator``
    (default: ``torch.Generator().manual_seed(seed)``, the weights ``torch.random.manual_seed(seed)`` gave),
    without touching the global random state."""
    return seeded_module(lambda: DigitNet(num_classes), seed, generator=generator)


def _check_positive(name: str, value: float) -> float:
    return check_number(name, value, low=0.0, low_open=True)


def layer_learning_rates(
    strategy: str, lr: float, head_lr_mult: float = 10.0, *, backbone_layers: Sequence[str] = BACKBONE_LAYERS
) -> dict[str, float]:
    r"""The learning rate of each layer that trains under ``strategy`` (frozen layers are absent).

    With base rate :math:`\eta`, head multiplier :math:`m` and decay :math:`d = 2.6`:

    - ``scratch``, ``full``: every layer :math:`\eta`;
    - ``linear_probe``: only the head, at :math:`m\eta`;
    - ``head_lr``: backbone :math:`\eta`, head :math:`m\eta` (d2l's recipe);
    - ``discriminative``: head :math:`m\eta`, the top backbone layer :math:`\eta`, and each layer
      below it :math:`d` times slower: layer :math:`l` (counted from the top, :math:`l = 0` for
      ``fc``) at :math:`\eta / d^{l}`.

    ``backbone_layers`` names the copied layers from the input up (default the CNN's ``conv1 conv2 fc``;
    the dates experiment passes ``embed rnn``); the result lists them in that order, then ``head``.

    Raises
    ------
    ValueError
        For an unknown ``strategy`` or a non-positive ``lr`` / ``head_lr_mult``.
    """
    check_choice("strategy", strategy, STRATEGIES)
    lr = _check_positive("lr", lr)
    head_lr_mult = _check_positive("head_lr_mult", head_lr_mult)
    layers = (*backbone_layers, "head")
    if strategy in ("scratch", "full"):
        return dict.fromkeys(layers, lr)
    # head: m * eta
    rates = {"head": head_lr_mult * lr}
    if strategy == "head_lr":
        rates.update(dict.fromkeys(backbone_layers, lr))
    elif strategy == "discriminative":
        for depth, name in enumerate(reversed(backbone_layers)):
            # eta_l = eta / d^l, l = 0 for the top backbone layer
            rates[name] = lr / DISCRIMINATIVE_DECAY**depth
    return {name: rates[name] for name in layers if name in rates}


def finetune_model(
    pretrained: nn.Module,
    strategy: str,
    num_classes: int,
    *,
    lr: float,
    head_lr_mult: float = 10.0,
    seed: int = 0,
) -> tuple[DigitNet, list[dict]]:
    r"""A new target model for ``strategy`` and the parameter groups to give ``torch.optim``.

    The recipe: copy every layer of ``pretrained`` except its output layer, put a new, randomly
    initialised head with ``num_classes`` outputs on top, and train. ``scratch`` keeps the architecture
    but starts from random weights (the baseline); the others copy the backbone. For the same ``seed``
    every strategy gets the same new head. ``pretrained`` is left untouched (its tensors are copied).

    Parameters
    ----------
    pretrained : a :class:`DigitNet` (e.g. :func:`load_pretrained`).
    strategy : one of ``scratch linear_probe full head_lr discriminative``.
    num_classes : outputs of the new head.
    lr : the base learning rate :math:`\eta` (see :func:`layer_learning_rates`).
    head_lr_mult : :math:`m`, the head's rate is :math:`m\eta` in ``linear_probe``, ``head_lr`` and
        ``discriminative``.
    seed : draws the new head (and, for ``scratch``, the whole model).

    Returns
    -------
    model : the new model in training mode; under ``linear_probe`` every backbone parameter has
        ``requires_grad=False``.
    param_groups : one group per training layer, ``{"params": [...], "lr": ..., "name": layer}``; frozen
        layers have no group.

    Raises
    ------
    ValueError
        For an unknown strategy, a ``num_classes`` below 1, a non-positive rate, or a ``pretrained``
        model that is not a :class:`DigitNet`.
    """
    rates = layer_learning_rates(strategy, lr, head_lr_mult)
    check_whole("num_classes", num_classes, low=1)
    if not isinstance(pretrained, DigitNet):
        raise ValueError(
            f"pretrained must be a DigitNet (see load_pretrained), got {type(pretrained).__name__}."
        )
    model = new_model(num_classes, int(seed))
    if strategy != "scratch":
        # copy all but the output layer
        model.backbone.load_state_dict(pretrained.backbone.state_dict())
    if strategy == "linear_probe":
        model.backbone.requires_grad_(False)
    model.train()
    groups = [
        {"params": list(model.layer(name).parameters()), "lr": rate, "name": name}
        for name, rate in rates.items()
    ]
    return model, groups


def formula_count(module: nn.Module) -> int:
    r"""Parameters of a layer from its shape: a convolution has :math:`c_{out}(c_{in}k_hk_w + 1)`
    (weights and one bias per output channel), a linear layer :math:`n_{out}(n_{in} + 1)`."""
    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        # c_out (c_in k_h k_w + 1)
        return module.out_channels * (module.in_channels * kh * kw + 1)
    if isinstance(module, nn.Linear):
        # n_out (n_in + 1)
        return module.out_features * (module.in_features + 1)
    raise ValueError(f"module must be a Conv2d or Linear layer, got {type(module).__name__}.")


def layer_table(model: DigitNet, param_groups: list[dict]) -> list[LayerRow]:
    """Per layer: its parameter count (formula and torch), whether it trains, and its learning rate
    as read back from ``param_groups``."""
    rate_of = {id(p): g["lr"] for g in param_groups for p in g["params"]}
    rows = []
    for name in LAYERS:
        module = model.layer(name)
        params = list(module.parameters())
        trainable = all(p.requires_grad for p in params) and all(id(p) in rate_of for p in params)
        if isinstance(module, nn.Conv2d):
            shape = (
                f"{module.in_channels}→{module.out_channels}, {module.kernel_size[0]}×{module.kernel_size[1]}"
            )
        else:
            shape = f"{module.in_features}→{module.out_features}"
        rows.append(
            LayerRow(
                name,
                shape,
                formula_count(module),
                sum(p.numel() for p in params),
                trainable,
                rate_of[id(params[0])] if trainable else None,
            )
        )
    return rows


def parameter_counts(model: nn.Module) -> tuple[int, int]:
    """(trainable, frozen) parameter counts, by ``requires_grad``."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    return trainable, frozen


def backbone_drift(pretrained: DigitNet, model: DigitNet) -> dict[str, float]:
    r"""How far each backbone layer moved from the pretrained weights, relative to their size:

    .. math:: \frac{\lVert \theta_l - \theta_l^{(0)} \rVert_2}{\lVert \theta_l^{(0)} \rVert_2}

    over the layer's weights and biases together (exactly 0 for a layer that did not change)."""
    drift = {}
    for name in BACKBONE_LAYERS:
        now = torch.cat([p.detach().flatten() for p in model.layer(name).parameters()]).double()
        before = torch.cat([p.detach().flatten() for p in pretrained.layer(name).parameters()]).double()
        # ||theta - theta0|| / ||theta0||
        drift[name] = float(torch.linalg.vector_norm(now - before) / torch.linalg.vector_norm(before))
    return drift


def save_weights(model: DigitNet, path: Path) -> None:
    """The state dict in float16 (half the bytes; the shipped accuracy is measured after the cast)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({k: v.detach().to(torch.float16) for k, v in model.state_dict().items()}, path)


def load_weights(path: Path) -> DigitNet:
    """A :class:`DigitNet` from :func:`save_weights`' file (``weights_only=True``), float32, eval mode."""
    state = torch.load(path, map_location="cpu", weights_only=True)
    model = DigitNet(int(state["head.weight"].shape[0]))
    model.load_state_dict({k: v.to(torch.float32) for k, v in state.items()})
    return model.eval()


def round_to_float16(model: DigitNet) -> DigitNet:
    """The model with its weights rounded through float16, as they ship (in place, returned)."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(torch.float16).to(torch.float32))
    return model
