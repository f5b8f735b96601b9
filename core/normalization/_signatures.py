"""The notes' two constructor signatures, argument by argument, beside PyTorch's (read from the installed
torch) and MXNet Gluon's (1.x, from its documentation: MXNet is not installed, and retired).

The notes' LayerNorm line is Gluon's ``nn.LayerNorm`` with typos and an invented first argument; the
BatchNorm line is PyTorch's ``nn.BatchNorm2d`` with three of Gluon's arguments appended. No library has
either signature.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from core._validation import check_choice
from core.lazy import LazyModule

torch = LazyModule("torch")  # imported when first used (core/lazy.py)

#: for each of the notes' lines: the torch.nn class it names, then (argument as the notes write it,
#: torch's nearest parameter or None, Gluon 1.x's argument or None)
NOTES_SIGNATURES: dict[str, tuple[str, tuple[tuple[str, str | None, str | None], ...]]] = {
    "layer": (
        "LayerNorm",
        (
            ("num_features=data.shape(axis=-1)", "normalized_shape", "axis=-1"),
            ("epsilon= 1e-05", "eps", "epsilon=1e-05"),
            ("center-True", "bias", "center=True"),
            ("scale= True", "elementwise_affine", "scale=True"),
            ("beta _initializer=zeros", None, "beta_initializer='zeros'"),
            ("gamma_initializer='ones", None, "gamma_initializer='ones'"),
            ("in_channels=O", None, "in_channels=0"),
            ("prefix=None", None, "prefix=None"),
            ("params=None", None, "params=None"),
        ),
    ),
    "batch": (
        "BatchNorm2d",
        (
            ("num_features=data.shape(axis=1)=channel", "num_features", "axis=1"),
            ("eps=1e-05", "eps", "epsilon=1e-05"),
            ("momentum=0.1", "momentum", "momentum=0.9"),
            ("affine=True", "affine", "center=True, scale=True"),
            ("track_running_stats=True", "track_running_stats", None),
            ("in_channels=O", None, "in_channels=0"),
            ("prefix=None", None, "prefix=None"),
            ("params=None", None, "params=None"),
        ),
    ),
}


@dataclass(frozen=True)
class SignatureRow:
    notes: str  # the argument as the notes write it
    torch: str | None  # torch's nearest parameter with its default, from the installed torch
    gluon: str | None  # MXNet Gluon 1.x's argument with its default, from its documentation


@dataclass(frozen=True)
class SignatureComparison:
    torch_name: str  # e.g. 'LayerNorm'
    torch_signature: str  # the installed torch's constructor: 'LayerNorm(normalized_shape, eps=1e-05, ...)'
    rows: tuple[SignatureRow, ...]
    missing: tuple[str, ...]  # torch parameters named in NOTES_SIGNATURES that the installed torch lacks
    torch_version: str


def torch_parameters(name: str) -> dict[str, str | None]:
    """The constructor parameters of ``torch.nn.<name>`` in order, each with its default as code
    (``None`` for a required parameter)."""
    params = inspect.signature(getattr(torch.nn, name)).parameters
    return {
        p.name: None if p.default is inspect.Parameter.empty else repr(p.default)
        for p in params.values()
        if p.name != "self"
    }


def compare_signature(which: str) -> SignatureComparison:
    """The notes' ``which`` ('layer' or 'batch') signature beside torch's and Gluon's."""
    check_choice("which", which, tuple(NOTES_SIGNATURES))
    name, table = NOTES_SIGNATURES[which]
    live = torch_parameters(name)
    rows, missing = [], []
    for notes, torch_name, gluon in table:
        cell = None
        if torch_name is not None:
            if torch_name not in live:
                missing.append(torch_name)
            else:
                default = live[torch_name]
                cell = torch_name if default is None else f"{torch_name}={default}"
        rows.append(SignatureRow(notes, cell, gluon))
    text = ", ".join(k if v is None else f"{k}={v}" for k, v in live.items())
    return SignatureComparison(name, f"{name}({text})", tuple(rows), tuple(missing), str(torch.__version__))
