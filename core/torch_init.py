r"""Build torch modules from an explicit ``torch.Generator``, never from the process's global one.

``torch.random.manual_seed(s)`` then ``Module(...)`` draws the initial weights from the one global generator
that every thread of the process shares, so two threads building models at once interleave their draws
(and ``fork_rng`` cannot keep them apart). :func:`seeded_module` builds the module on the ``meta``
device (no memory, no draws), allocates it on the CPU and redraws every parameter from
``torch.Generator().manual_seed(seed)`` with torch's own default rules, module by module in the order
the modules were registered. A ``torch.Generator().manual_seed(s)`` yields the same stream as the global
CPU generator after ``torch.random.manual_seed(s)``, so the weights are bit for bit those of the old
``torch.random.manual_seed(s); Module(...)`` (the tests compare them), while the global state is never
read nor written.

Default rules (``reset_parameters`` of torch 2.x):

- ``Linear``, ``Conv*``: :math:`W \sim \text{kaiming\_uniform}(a=\sqrt 5)`, i.e.
  :math:`U(-1/\sqrt{\text{fan\_in}}, 1/\sqrt{\text{fan\_in}})`, then :math:`b \sim U(-1/\sqrt{\text{fan\_in}},
  1/\sqrt{\text{fan\_in}})`;
- ``Embedding``: :math:`N(0, 1)`, the padding row set to 0;
- ``GRU``/``LSTM``/``RNN`` and their cells: every parameter, in order, :math:`U(-1/\sqrt{h}, 1/\sqrt{h})`;
- normalization layers: weight 1, bias 0, running mean 0, running variance 1 (no draws).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import torch
from torch import nn

__all__ = ["generator_from", "init_module", "seeded_module"]

M = TypeVar("M", bound=nn.Module)

#: modules without parameters or buffers of their own that need no initialisation
_NOTHING_TO_DRAW = (
    nn.ReLU,
    nn.Tanh,
    nn.Sigmoid,
    nn.GELU,
    nn.Softmax,
    nn.Dropout,
    nn.Flatten,
    nn.Identity,
    nn.MaxPool2d,
    nn.Sequential,
    nn.ModuleList,
    nn.ModuleDict,
)
_NORMS = (nn.modules.batchnorm._NormBase, nn.GroupNorm, nn.LayerNorm)


def generator_from(seed: int | None = None, generator: torch.Generator | None = None) -> torch.Generator:
    """``generator`` if given, else a new CPU generator seeded with ``seed`` (the stream the global
    generator gives after ``torch.random.manual_seed(seed)``)."""
    if generator is not None:
        return generator
    return torch.Generator().manual_seed(int(seed if seed is not None else 0))


@torch.no_grad()
def _linear_like(module: nn.Module, generator: torch.Generator) -> None:
    # W ~ kaiming_uniform(a = sqrt 5): bound = gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in)
    nn.init.kaiming_uniform_(module.weight, a=math.sqrt(5), generator=generator)
    if module.bias is not None:
        fan_in, _ = nn.init._calculate_fan_in_and_fan_out(module.weight)
        # b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        nn.init.uniform_(module.bias, -bound, bound, generator=generator)


@torch.no_grad()
def _init_own(module: nn.Module, generator: torch.Generator) -> None:
    """Redraw the parameters and reset the buffers that ``module`` itself holds (not its children's)."""
    if isinstance(module, nn.Linear | nn.modules.conv._ConvNd):
        _linear_like(module, generator)
    elif isinstance(module, nn.Embedding):
        nn.init.normal_(module.weight, generator=generator)
        if module.padding_idx is not None:
            module.weight[module.padding_idx].fill_(0)
    elif isinstance(module, nn.RNNBase | nn.RNNCellBase):
        # every parameter in order ~ U(-1/sqrt(h), 1/sqrt(h))
        std = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
        for weight in module.parameters():
            nn.init.uniform_(weight, -std, std, generator=generator)
    elif isinstance(module, _NORMS):
        module.reset_parameters()  # ones and zeros (and running statistics 0 / 1): no draws
    elif list(module.parameters(recurse=False)) or list(module.buffers(recurse=False)):
        if not isinstance(module, _NOTHING_TO_DRAW):
            raise TypeError(f"no explicit initialisation known for {type(module).__name__}.")


def init_module(module: M, generator: torch.Generator) -> M:
    """Redraw every parameter of ``module`` (in place, returned) from ``generator`` with torch's default
    rules, in the order the modules were registered."""
    for sub in module.modules():
        _init_own(sub, generator)
    return module


def seeded_module(
    build: Callable[[], M], seed: int | None = 0, *, generator: torch.Generator | None = None
) -> M:
    """``build()`` with its initial weights drawn from ``generator`` (default: a new generator seeded with
    ``seed``): bit for bit what ``torch.random.manual_seed(seed); build()`` gives, without touching the global
    random state. ``build`` must create the modules in the order it registers them."""
    with torch.device("meta"):
        module = build()
    module = module.to_empty(device="cpu")
    return init_module(module, generator_from(seed, generator))
