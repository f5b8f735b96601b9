"""The four containers of the PyTorch basics page as torch.nn models (``_containers`` builds them)."""

from __future__ import annotations

import torch
from torch import nn


# --- the four models --------------------------------------------------------------------------------------
class ListModel(nn.Module):
    """Hidden block in a plain Python list: torch never sees its layers."""

    def __init__(self, hidden: nn.Linear, head: nn.Linear) -> None:
        super().__init__()
        self.body = [hidden, nn.ReLU()]  # a list: not registered
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.body:
            x = layer(x)
        return self.head(x)


class ModuleListModel(nn.Module):
    """Hidden block in ``nn.ModuleList``: registered, but the forward loop is ours."""

    def __init__(self, hidden: nn.Linear, head: nn.Linear) -> None:
        super().__init__()
        self.body = nn.ModuleList([hidden, nn.ReLU()])
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.body:  # ModuleList keeps insertion order; calling it is our job
            x = layer(x)
        return self.head(x)


class SequentialModel(nn.Module):
    """Hidden block in ``nn.Sequential``: registered, and ``self.body(x)`` chains the layers."""

    def __init__(self, hidden: nn.Linear, head: nn.Linear) -> None:
        super().__init__()
        self.body = nn.Sequential(hidden, nn.ReLU())
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


class ModuleDictModel(nn.Module):
    """Hidden block in ``nn.ModuleDict``: registered under names, the forward picks them by name."""

    def __init__(self, hidden: nn.Linear, head: nn.Linear) -> None:
        super().__init__()
        self.body = nn.ModuleDict({"linear": hidden, "act": nn.ReLU()})
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body["act"](self.body["linear"](x)))


CLASSES: dict[str, type[nn.Module]] = {
    "list": ListModel,
    "modulelist": ModuleListModel,
    "sequential": SequentialModel,
    "moduledict": ModuleDictModel,
}
