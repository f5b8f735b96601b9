r"""PyTorch basics: containers (list / ModuleList / Sequential / ModuleDict) and the repeat family.

Public API (the page and the tests import from here; the code lives in the private modules):

Containers (:mod:`._containers`)
    :data:`KINDS`, :func:`build_model`, :func:`hidden_layer`, :func:`container_facts` (what
    ``parameters()``, ``state_dict()``, ``.to()``, ``.train()/.eval()`` and an optimizer see, read from
    torch), :func:`load_dataset`, :func:`train_containers` (the four models trained on scikit-learn's
    bundled digits or breast cancer; the list model's hidden layer compared bit for bit),
    :func:`parse_layers`, :func:`parse_shape`, :func:`predict_shape_flow` and
    :func:`torch_shape_flow` (``nn.Sequential``'s chain of shapes and where it breaks; its work,
    :func:`chain_cost`, checked against :mod:`core.budget` first),
    :func:`notes_sample_check` (the notes' code sample run, and its two Linear layers merged into one).

Index maps (:mod:`._index_maps`; the contract path of DESIGN.md is :mod:`core.tensors`)
    :func:`repeat_map`, :func:`repeat_interleave_map`, :func:`tile_map`, :func:`expand_map`: for every
    output cell the flat index of the input cell it came from; :func:`predicted_layout` /
    :func:`torch_layout` (strides, memory sharing, bytes allocated) and :func:`torch_map` (torch applied
    to an ``arange``, the reference).
"""

from typing import TYPE_CHECKING

from core.lazy import lazy_exports

if TYPE_CHECKING:  # imported when first read (core/lazy.py): a page's default view needs none of torch
    from core.pytorch_basics._containers import (
        DATASETS,
        KINDS,
        LAYERS,
        Break,
        ChainCost,
        ContainerFacts,
        Dataset,
        LayerSpec,
        NotesSampleCheck,
        ShapeFlow,
        TrainingResult,
        TrainingRun,
        build_model,
        chain_cost,
        check_chain_budget,
        container_facts,
        hidden_layer,
        load_dataset,
        notes_sample_check,
        parse_layers,
        parse_shape,
        predict_shape_flow,
        shape_flow_diff,
        torch_shape_flow,
        train_containers,
    )
    from core.pytorch_basics._index_maps import (
        OPERATIONS,
        Layout,
        contiguous_strides,
        expand_map,
        expand_strides,
        operation_map,
        output_elements,
        parse_sizes,
        predicted_layout,
        repeat_interleave_map,
        repeat_map,
        tile_map,
        torch_layout,
        torch_map,
    )

__all__ = [
    "DATASETS",
    "KINDS",
    "LAYERS",
    "OPERATIONS",
    "Break",
    "ChainCost",
    "ContainerFacts",
    "Dataset",
    "LayerSpec",
    "Layout",
    "NotesSampleCheck",
    "ShapeFlow",
    "TrainingResult",
    "TrainingRun",
    "build_model",
    "chain_cost",
    "check_chain_budget",
    "container_facts",
    "contiguous_strides",
    "expand_map",
    "expand_strides",
    "hidden_layer",
    "load_dataset",
    "notes_sample_check",
    "operation_map",
    "output_elements",
    "parse_layers",
    "parse_shape",
    "parse_sizes",
    "predict_shape_flow",
    "predicted_layout",
    "repeat_interleave_map",
    "repeat_map",
    "shape_flow_diff",
    "tile_map",
    "torch_layout",
    "torch_map",
    "torch_shape_flow",
    "train_containers",
]

__getattr__, __dir__ = lazy_exports(__name__)
