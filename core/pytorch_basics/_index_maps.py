r"""Where every output cell of ``repeat`` / ``repeat_interleave`` / ``tile`` / ``expand`` comes from.

Each map answers one question for every cell of the output: which cell of the input was copied there?
The answer is the input cell's *flat* (row-major) index, so an input of shape ``(2, 3)`` has cells
0..5 and the map of ``x.repeat(2, 2)`` is a ``(4, 6)`` integer array. Applying torch's operation to
``torch.arange(n).reshape(shape)`` gives the same array (the tests and the page check that), but the
maps here are computed from the index arithmetic alone, with numpy, so the rule is written down:

- ``repeat(sizes)`` / ``tile(reps)``: the shape is padded with leading 1s to ``len(sizes)`` and sizes
  are matched to dimensions **right-aligned**; output index :math:`o_d` reads input index
  :math:`i_d = o_d \bmod s_d` (the whole block is copied, block after block).
- ``repeat_interleave(repeats, dim)``: along ``dim``, output index :math:`o` reads the input index
  :math:`i` with :math:`C_{i-1} \le o < C_i`, where :math:`C` is the cumulative sum of ``repeats``
  (each element is copied ``repeats[i]`` times before the next one).
- ``expand(sizes)``: the same cells as ``repeat`` would give for a size-1 dimension, but as a *view*:
  no copy, stride 0 along every expanded or new dimension.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.budget import check_budget
from core.errors import InputError

OPERATIONS = ("repeat", "repeat_interleave", "tile", "expand")


def _as_int(value: object, name: str, *, minimum: int = 0) -> int:
    """``value`` as an int >= ``minimum`` or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {int(value)}.")
    return int(value)


def _check_shape(shape: Sequence[int]) -> tuple[int, ...]:
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    return tuple(_as_int(s, f"shape[{d}]") for d, s in enumerate(shape))


def _check_sizes(sizes: Sequence[int] | int, name: str) -> tuple[int, ...]:
    if isinstance(sizes, (int, np.integer)) and not isinstance(sizes, bool):
        sizes = (sizes,)
    return tuple(_as_int(s, f"{name}[{d}]") for d, s in enumerate(sizes))


def _flat_index(index: Sequence[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    """Row-major flat index of the multi-index ``index`` into ``shape``."""
    # flat = sum_d i_d * stride_d, with the row-major strides stride_d = prod_{k>d} shape_k
    strides = contiguous_strides(shape)
    flat = np.zeros(np.broadcast_shapes(*(i.shape for i in index)) if index else (), dtype=np.int64)
    for i, stride in zip(index, strides, strict=True):
        flat = flat + i.astype(np.int64) * stride
    return flat


def contiguous_strides(shape: Sequence[int]) -> tuple[int, ...]:
    r"""Row-major strides in elements: :math:`\text{stride}_d = \prod_{k > d} \text{shape}_k`.

    torch gives a size-0 or size-1 dimension the same stride formula (with sizes of 0 counted as 1).
    """
    strides = []
    step = 1
    for size in reversed(tuple(shape)):
        strides.append(step)
        # stride_{d-1} = stride_d * max(shape_d, 1)
        step *= max(int(size), 1)
    return tuple(reversed(strides))


def _block_copy_map(shape: tuple[int, ...], sizes: tuple[int, ...]) -> np.ndarray:
    """The map of repeat/tile once ``len(sizes) >= len(shape)``: block after block, right-aligned."""
    # the input seen with len(sizes) dimensions: leading new dimensions of size 1
    padded = (1,) * (len(sizes) - len(shape)) + shape
    out_shape = tuple(p * s for p, s in zip(padded, sizes, strict=True))
    grids = np.indices(out_shape, dtype=np.int64, sparse=True)
    # i_d = o_d mod shape_d (a padded dimension has size 1, so it always reads index 0)
    source = [g % max(p, 1) for g, p in zip(grids, padded, strict=True)]
    return _flat_index(source, padded).reshape(out_shape)


def repeat_map(shape: Sequence[int], sizes: Sequence[int]) -> np.ndarray:
    r"""Flat input index of every output cell of ``x.repeat(*sizes)`` for ``x`` of shape ``shape``.

    Sizes are matched to dimensions from the right; extra sizes add new leading dimensions:

    .. math::
        \text{out.shape}_d = s_d \cdot \text{shape}'_d, \qquad
        \text{out}[o_0, \dots, o_{k-1}] = x'[o_0 \bmod \text{shape}'_0, \dots, o_{k-1} \bmod
        \text{shape}'_{k-1}]

    where :math:`x'` is ``x`` reshaped to :math:`k = \text{len(sizes)}` dimensions with leading 1s.

    Parameters
    ----------
    shape : sequence of int
        The input's shape (sizes >= 0).
    sizes : sequence of int
        One size >= 0 per dimension of the output; at least as many as ``shape`` has dimensions
        (torch's rule: ``repeat`` never drops or guesses a dimension).

    Returns
    -------
    numpy.ndarray of int64
        The output's shape; each entry is the row-major index of the input cell copied there.

    Examples
    --------
    >>> repeat_map((3,), (2,)).tolist()
    [0, 1, 2, 0, 1, 2]
    """
    shape = _check_shape(shape)
    sizes = _check_sizes(sizes, "sizes")
    if len(sizes) < len(shape):
        raise InputError(
            "pytorch_basics.repeat_too_few_sizes",
            f"repeat needs at least one size per dimension: the input has {len(shape)} dimensions "
            f"but sizes={sizes} gives {len(sizes)} (torch raises a RuntimeError here; tile would "
            "pad the sizes with 1s instead).",
            ndim=len(shape),
            sizes=str(sizes),
            count=len(sizes),
        )
    return _block_copy_map(shape, sizes)


def tile_map(shape: Sequence[int], reps: Sequence[int]) -> np.ndarray:
    r"""Flat input index of every output cell of ``torch.tile(x, reps)``.

    ``tile`` is ``repeat`` after padding the shorter of ``shape`` and ``reps`` with leading 1s:
    fewer ``reps`` than dimensions repeat only the last dimensions (``repeat`` would refuse).

    .. math::
        \text{reps}' = (1, \dots, 1, \text{reps}) \text{ if len(reps)} < \text{ndim}, \qquad
        \text{tile}(x, \text{reps}) = x.\text{repeat}(\text{reps}')

    Parameters
    ----------
    shape : sequence of int
        The input's shape.
    reps : sequence of int
        Repetitions per dimension, right-aligned with ``shape``.

    Returns
    -------
    numpy.ndarray of int64
        The output's shape; each entry is the row-major index of the input cell copied there.
    """
    shape = _check_shape(shape)
    reps = _check_sizes(reps, "reps")
    # reps' = (1, ..., 1, reps) when reps is shorter than the shape
    reps = (1,) * (len(shape) - len(reps)) + reps
    return _block_copy_map(shape, reps)


def _normalize_dim(dim: int, ndim: int) -> int:
    dim = _as_int(dim, "dim", minimum=-(10**9))
    if ndim == 0:
        raise ValueError(f"dim={dim} is not allowed for a 0-dimensional input: use dim=None.")
    if not -ndim <= dim < ndim:
        raise InputError(
            "pytorch_basics.dim_range",
            f"dim={dim} is out of range for an input with {ndim} dimensions: use {-ndim}..{ndim - 1}.",
            dim=dim,
            ndim=ndim,
            low=-ndim,
            high=ndim - 1,
        )
    # a negative dim counts from the end: dim + ndim
    return dim % ndim


def repeat_interleave_map(
    shape: Sequence[int], repeats: int | Sequence[int], dim: int | None = None
) -> np.ndarray:
    r"""Flat input index of every output cell of ``x.repeat_interleave(repeats, dim=dim)``.

    Each element along ``dim`` is copied ``repeats[i]`` times before the next element; with
    ``dim=None`` the input is flattened first and the output is 1-D. With cumulative sums
    :math:`C_i = \sum_{j \le i} r_j` (and :math:`C_{-1} = 0`):

    .. math::
        \text{out}[\dots, o, \dots] = x[\dots, i, \dots] \quad\text{where}\quad C_{i-1} \le o < C_i

    Parameters
    ----------
    shape : sequence of int
        The input's shape.
    repeats : int or sequence of int
        One count for every element (an int or a sequence of length 1 is used for all), or one per
        element along ``dim`` (per-element repeats; 0 drops that element).
    dim : int or None
        The dimension to repeat along (negative counts from the end); None flattens the input first.

    Returns
    -------
    numpy.ndarray of int64
        The output; each entry is the row-major index of the input cell copied there.
    """
    shape = _check_shape(shape)
    numel = math.prod(shape)
    if dim is None:
        axis_len, out_lead, out_trail, axis = numel, (), (), 0
        work_shape: tuple[int, ...] = (numel,)
    else:
        axis = _normalize_dim(dim, len(shape))
        work_shape = shape
        axis_len = work_shape[axis]
        out_lead, out_trail = work_shape[:axis], work_shape[axis + 1 :]
    if isinstance(repeats, (int, np.integer)) and not isinstance(repeats, bool):
        counts = np.full(axis_len, _as_int(repeats, "repeats"), dtype=np.int64)
    else:
        given = _check_sizes(repeats, "repeats")
        if len(given) == 1:
            counts = np.full(axis_len, given[0], dtype=np.int64)  # torch broadcasts a 1-element repeats
        elif len(given) == axis_len:
            counts = np.asarray(given, dtype=np.int64)
        else:
            where = "elements" if dim is None else f"elements along dim {dim}"
            message = (
                f"repeats has {len(given)} entries but the input has {axis_len} {where}: give one count "
                "per element, or a single count for all."
            )
            if dim is None:
                raise InputError("pytorch_basics.repeats_count", message, count=len(given), n=axis_len)
            raise InputError(
                "pytorch_basics.repeats_count_dim", message, count=len(given), n=axis_len, dim=dim
            )
    # C_i = r_0 + ... + r_i; output index o reads the i with C_{i-1} <= o < C_i
    cumulative = np.cumsum(counts)
    total = int(cumulative[-1]) if counts.size else 0
    source_along = np.searchsorted(cumulative, np.arange(total, dtype=np.int64), side="right")
    out_shape = (*out_lead, total, *out_trail)
    grids = list(np.indices(out_shape, dtype=np.int64, sparse=True))
    grids[axis] = source_along.reshape([-1 if d == axis else 1 for d in range(len(out_shape))])
    return _flat_index(grids, work_shape).reshape(out_shape)


def _expand_shape(shape: tuple[int, ...], sizes: Sequence[int]) -> tuple[int, ...]:
    """Output shape of ``x.expand(*sizes)`` (``-1`` keeps a size), or a ValueError saying why not."""
    sizes = tuple(sizes)
    for d, s in enumerate(sizes):
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < -1:
            raise ValueError(f"sizes[{d}] must be a whole number >= -1 (-1 keeps the size), got {s!r}.")
    if len(sizes) < len(shape):
        raise InputError(
            "pytorch_basics.expand_too_few_sizes",
            f"expand needs at least one size per dimension: the input has {len(shape)} dimensions but "
            f"sizes={sizes} gives {len(sizes)}.",
            ndim=len(shape),
            sizes=str(sizes),
            count=len(sizes),
        )
    new = len(sizes) - len(shape)
    out = []
    for d, s in enumerate(sizes):
        if d < new:
            if s == -1:
                raise InputError(
                    "pytorch_basics.expand_new_minus_one",
                    f"sizes[{d}] = -1 is not allowed for a new leading dimension.",
                    index=d,
                )
            out.append(int(s))
            continue
        old = shape[d - new]
        if s == -1 or s == old:
            out.append(old)
        elif old == 1:
            out.append(int(s))
        else:
            raise InputError(
                "pytorch_basics.expand_stretch",
                f"expand can only stretch a dimension of size 1: dimension {d - new} has size {old} and "
                f"cannot become {s} (use repeat, which copies).",
                dim=d - new,
                size=old,
                got=int(s),
            )
    return tuple(out)


def expand_map(shape: Sequence[int], sizes: Sequence[int]) -> np.ndarray:
    r"""Flat input index seen at every cell of the view ``x.expand(*sizes)``.

    A size-1 dimension may be stretched to any size and new leading dimensions may be added; every
    cell along a stretched dimension reads input index 0:

    .. math::
        \text{out}[o_0, \dots, o_{k-1}] = x'[o_0 \cdot [\text{shape}'_0 \ne 1], \dots]

    ``-1`` keeps a dimension's size.
    """
    shape = _check_shape(shape)
    out_shape = _expand_shape(shape, sizes)
    padded = (1,) * (len(out_shape) - len(shape)) + shape
    grids = np.indices(out_shape, dtype=np.int64, sparse=True)
    # a stretched (or new) dimension reads index 0: i_d = o_d if shape'_d == out_d else 0
    source = [g if p == o else np.zeros_like(g) for g, p, o in zip(grids, padded, out_shape, strict=True)]
    return _flat_index(source, padded).reshape(out_shape)


@dataclass(frozen=True)
class Layout:
    """What one operation gives back: the output's shape and strides (in elements), whether it is a
    view sharing the input's memory, and the bytes it allocates."""

    operation: str
    shape: tuple[int, ...]
    strides: tuple[int, ...]
    shares_memory: bool
    bytes_allocated: int


def expand_strides(shape: Sequence[int], sizes: Sequence[int]) -> tuple[int, ...]:
    r"""Strides of ``x.expand(*sizes)`` for a contiguous ``x``: 0 on every stretched or new dimension.

    .. math::
        \text{stride}'_d = \begin{cases} 0 & \text{new or stretched dimension} \\
        \text{stride}_d & \text{otherwise} \end{cases}
    """
    shape = _check_shape(shape)
    out_shape = _expand_shape(shape, sizes)
    new = len(out_shape) - len(shape)
    base = contiguous_strides(shape)
    strides = []
    for d, out in enumerate(out_shape):
        if d < new:
            strides.append(0)  # new leading dimension: the same cells again, stride 0
        elif shape[d - new] != out:
            strides.append(0)  # stretched size-1 dimension: stride 0
        else:
            strides.append(base[d - new])
    return tuple(strides)


def output_elements(
    operation: str, shape: Sequence[int], sizes: Sequence[int], dim: int | None = None
) -> int:
    """The output's cells of ``operation``, from the shape and sizes alone (sizes that do not fit the
    shape, which the map refuses, give an upper bound): checked against the budget before any map or
    tensor is built."""
    shape = _check_shape(shape)
    if isinstance(sizes, (int, np.integer)) and not isinstance(sizes, bool):
        sizes = (sizes,)
    counts = [_as_int(s, f"sizes[{d}]", minimum=-1) for d, s in enumerate(sizes)]
    numel = math.prod(shape)
    if operation == "repeat_interleave":
        # along dim (the flattened input when dim is None): one count for all, or one per index
        length = numel if dim is None or not -len(shape) <= dim < len(shape) else shape[dim]
        if len(counts) == length and length:
            return numel // length * sum(max(c, 0) for c in counts)
        return numel * max([0, *counts])
    if operation == "expand":
        padded = (1,) * max(len(counts) - len(shape), 0) + shape
        return math.prod(p if s == -1 else s for p, s in zip(padded, counts, strict=False))
    return numel * math.prod(max(s, 0) for s in counts)


def operation_map(
    operation: str, shape: Sequence[int], sizes: Sequence[int], dim: int | None = None
) -> np.ndarray:
    """The map of ``operation`` (one of :data:`OPERATIONS`); ``sizes`` are its sizes / reps / repeats.
    An :class:`core.budget.OverBudget` (input ``sizes``) when the output would have more elements than
    the server's limit."""
    if operation in OPERATIONS:
        check_budget("sizes", "elements", output_elements(operation, shape, sizes, dim))
    if operation == "repeat":
        return repeat_map(shape, sizes)
    if operation == "tile":
        return tile_map(shape, sizes)
    if operation == "expand":
        return expand_map(shape, sizes)
    if operation == "repeat_interleave":
        return repeat_interleave_map(shape, sizes, dim)
    raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}, got {operation!r}.")


def predicted_layout(
    operation: str,
    shape: Sequence[int],
    sizes: Sequence[int],
    dim: int | None = None,
    itemsize: int = 4,
) -> Layout:
    r"""Shape, strides, memory sharing and allocation of ``operation``, from the index arithmetic alone.

    ``expand`` is a view: it allocates nothing and shares the input's storage, with stride 0 on the
    stretched dimensions. ``repeat``, ``tile`` and ``repeat_interleave`` always copy into a new
    contiguous tensor of :math:`\text{numel} \cdot \text{itemsize}` bytes (even when every count is 1).
    """
    itemsize = _as_int(itemsize, "itemsize", minimum=1)
    out = operation_map(operation, shape, sizes, dim)
    if operation == "expand":
        return Layout(operation, out.shape, expand_strides(shape, sizes), True, 0)
    # a copy: contiguous strides, numel * itemsize new bytes
    return Layout(operation, out.shape, contiguous_strides(out.shape), False, out.size * itemsize)


def torch_map(
    operation: str, shape: Sequence[int], sizes: Sequence[int], dim: int | None = None
) -> np.ndarray:
    """The reference: torch's own ``operation`` applied to ``arange(numel).reshape(shape)``."""
    import torch

    check_budget("sizes", "elements", output_elements(operation, shape, sizes, dim))
    shape = _check_shape(shape)
    x = torch.arange(math.prod(shape), dtype=torch.int64).reshape(shape)
    sizes = list(sizes) if not isinstance(sizes, (int, np.integer)) else [int(sizes)]
    if operation == "repeat":
        out = x.repeat(*sizes) if sizes else x.repeat(())
    elif operation == "tile":
        out = torch.tile(x, tuple(sizes))
    elif operation == "expand":
        out = x.expand(*sizes) if sizes else x.expand(())
    elif operation == "repeat_interleave":
        counts = torch.tensor(sizes, dtype=torch.int64)
        out = x.repeat_interleave(counts, dim=dim)
    else:
        raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}, got {operation!r}.")
    return out.contiguous().numpy().copy()


def torch_layout(
    operation: str, shape: Sequence[int], sizes: Sequence[int], dim: int | None = None, dtype: str = "float32"
) -> Layout:
    """The same facts read from torch: strides, ``data_ptr``/storage sharing and the new storage's bytes."""
    import torch

    check_budget("sizes", "elements", output_elements(operation, shape, sizes, dim))
    shape = _check_shape(shape)
    torch_dtype = getattr(torch, dtype)
    x = torch.zeros(shape, dtype=torch_dtype)
    sizes = [int(s) for s in sizes]
    if operation == "repeat":
        out = x.repeat(*sizes) if sizes else x.repeat(())
    elif operation == "tile":
        out = torch.tile(x, tuple(sizes))
    elif operation == "expand":
        out = x.expand(*sizes) if sizes else x.expand(())
    elif operation == "repeat_interleave":
        out = x.repeat_interleave(torch.tensor(sizes, dtype=torch.int64), dim=dim)
    else:
        raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}, got {operation!r}.")
    if x.numel() and out.numel():
        shares = out.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    else:  # empty tensors have no storage address to compare: ask whether torch made a view
        shares = out._base is x
    allocated = 0 if shares else out.untyped_storage().nbytes()
    return Layout(operation, tuple(out.shape), tuple(out.stride()), shares, allocated)


def parse_sizes(
    text: str, *, name: str, minimum: int = 0, maximum: int = 8, max_items: int = 5
) -> tuple[int, ...]:
    """``"2, 1, 2"`` -> ``(2, 1, 2)``: 1 to ``max_items`` whole numbers in ``[minimum, maximum]``."""
    items = [s.strip() for s in str(text).replace("(", "").replace(")", "").split(",")]
    items = [s for s in items if s]
    if not 1 <= len(items) <= max_items:
        raise InputError(
            "pytorch_basics.sizes_count",
            f"{name} needs 1 to {max_items} whole numbers separated by commas, got {text!r}.",
            name=name,
            high=max_items,
            got=repr(text),
        )
    values = []
    for s in items:
        try:
            value = int(s)
        except ValueError:
            raise InputError(
                "pytorch_basics.sizes_not_whole",
                f"{name} {text!r} has {s!r}, which is not a whole number.",
                name=name,
                text=repr(text),
                item=repr(s),
            ) from None
        if not minimum <= value <= maximum:
            raise InputError(
                "pytorch_basics.sizes_range",
                f"{name} {text!r} has {value}: use whole numbers from {minimum} to {maximum}.",
                name=name,
                text=repr(text),
                value=value,
                low=minimum,
                high=maximum,
            )
        values.append(value)
    return tuple(values)
