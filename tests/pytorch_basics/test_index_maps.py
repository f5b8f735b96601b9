"""The repeat-family index maps against torch itself, on many shapes (exact: these are integers)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

import core.tensors
from core.pytorch_basics import (
    contiguous_strides,
    expand_map,
    expand_strides,
    parse_sizes,
    predicted_layout,
    repeat_interleave_map,
    repeat_map,
    tile_map,
    torch_layout,
    torch_map,
)

SHAPES = [(), (1,), (4,), (0,), (2, 3), (3, 1), (1, 4), (2, 0), (2, 3, 4), (1, 2, 1), (3, 1, 2)]


def _arange(shape):
    return torch.arange(math.prod(shape), dtype=torch.int64).reshape(shape)


def _sizes_for(ndim, extra, rng):
    return tuple(int(s) for s in rng.integers(0, 4, size=ndim + extra))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_repeat_map_equals_torch_repeat(shape):
    rng = np.random.default_rng(len(shape) * 10 + sum(shape))
    for extra in range(3):  # as many sizes as dims, then one or two new leading dimensions
        for _ in range(6):
            sizes = _sizes_for(len(shape), extra, rng)
            expected = _arange(shape).repeat(*sizes) if sizes else _arange(shape).repeat(())
            got = repeat_map(shape, sizes)
            assert got.shape == tuple(expected.shape), (shape, sizes)
            np.testing.assert_array_equal(got, expected.numpy())


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_tile_map_equals_torch_tile_for_fewer_and_more_reps(shape):
    rng = np.random.default_rng(7 + len(shape))
    for n_reps in range(len(shape) + 3):
        for _ in range(4):
            reps = tuple(int(s) for s in rng.integers(0, 4, size=n_reps))
            expected = torch.tile(_arange(shape), reps)
            np.testing.assert_array_equal(tile_map(shape, reps), expected.numpy(), err_msg=str((shape, reps)))


@pytest.mark.parametrize("shape", [s for s in SHAPES if s], ids=str)
def test_repeat_interleave_map_equals_torch_every_dim_and_per_element_repeats(shape):
    rng = np.random.default_rng(100 + sum(shape))
    x = _arange(shape)
    ndim = len(shape)
    for dim in [None, *range(-ndim, ndim)]:
        length = x.numel() if dim is None else shape[dim]
        cases = [2, 0, 1, [3], [int(r) for r in rng.integers(0, 4, size=length)]]
        for repeats in cases:
            if isinstance(repeats, int):
                expected = x.repeat_interleave(repeats, dim=dim)
            else:
                expected = x.repeat_interleave(torch.tensor(repeats, dtype=torch.int64), dim=dim)
            got = repeat_interleave_map(shape, repeats, dim)
            assert got.shape == tuple(expected.shape), (shape, repeats, dim)
            np.testing.assert_array_equal(got, expected.numpy(), err_msg=str((shape, repeats, dim)))


def test_repeat_interleave_zero_counts_drop_elements():
    got = repeat_interleave_map((2, 3), [1, 0, 2], dim=-1)
    assert got.tolist() == [[0, 2, 2], [3, 5, 5]]


@pytest.mark.parametrize("shape", [(1,), (3,), (2, 1), (1, 3), (1, 1), (2, 1, 3)], ids=str)
def test_expand_map_and_strides_equal_torch_expand(shape):
    x = _arange(shape)
    for extra in range(3):
        for stretch in itertools.product([None, 4], repeat=len(shape)):
            sizes = [2] * extra + [
                (-1 if s is None else (4 if d == 1 else d)) for d, s in zip(shape, stretch, strict=True)
            ]
            view = x.expand(*sizes)
            np.testing.assert_array_equal(expand_map(shape, sizes), view.numpy(), err_msg=str((shape, sizes)))
            assert expand_strides(shape, sizes) == view.stride(), (shape, sizes)


@pytest.mark.parametrize("shape", [(2, 3), (3,), (1, 2, 1), (4, 1)], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int8"])
def test_predicted_layout_equals_torch_layout(shape, dtype):
    itemsize = torch.empty((), dtype=getattr(torch, dtype)).element_size()
    ndim = len(shape)
    cases = [
        ("repeat", (2,) + (2,) * ndim, None),
        ("repeat", (1,) * ndim, None),  # all ones: still a copy
        ("tile", (3,), None),
        ("repeat_interleave", (2,), -1),
        ("repeat_interleave", (2,), None),
        ("expand", (3, *[4 if s == 1 else s for s in shape]), None),
    ]
    for op, sizes, dim in cases:
        ours = predicted_layout(op, shape, sizes, dim, itemsize)
        theirs = torch_layout(op, shape, sizes, dim, dtype)
        assert ours == theirs, (op, shape, sizes, dim)
    assert predicted_layout("expand", shape, (5, *shape)).shares_memory
    assert predicted_layout("expand", shape, (5, *shape)).bytes_allocated == 0


def test_torch_map_is_torch_and_agrees_with_ours():
    for op, sizes, dim in [("repeat", (2, 1, 2), None), ("tile", (2,), None), ("expand", (2, 2, 3), None)]:
        np.testing.assert_array_equal(
            torch_map(op, (2, 3), sizes, dim),
            {
                "repeat": _arange((2, 3)).repeat(2, 1, 2),
                "tile": torch.tile(_arange((2, 3)), (2,)),
                "expand": _arange((2, 3)).expand(2, 2, 3),
            }[op].numpy(),
        )
    np.testing.assert_array_equal(
        torch_map("repeat_interleave", (2, 3), (1, 0, 2), -1), repeat_interleave_map((2, 3), (1, 0, 2), -1)
    )


def test_contiguous_strides_equal_torch():
    for shape in [(2, 3, 4), (5,), (1, 1), (3, 0, 2), ()]:
        assert contiguous_strides(shape) == torch.empty(shape).stride(), shape


def test_sizes_align_from_the_right_more_sizes_add_leading_dims():
    # the notes' "from the last dimension to the first": the last size goes with the last dimension
    got = repeat_map((3,), (2, 1))
    assert got.shape == (2, 3)
    assert got.tolist() == [[0, 1, 2], [0, 1, 2]]
    assert repeat_map((2, 3), (1, 2, 1)).shape == (1, 4, 3)


def test_contract_path_reexports_the_same_functions():
    assert core.tensors.repeat_map is repeat_map
    assert core.tensors.repeat_interleave_map is repeat_interleave_map
    assert core.tensors.tile_map is tile_map


def test_bad_arguments_raise_clear_value_errors_where_torch_raises():
    x = _arange((2, 3))
    with pytest.raises(RuntimeError):
        x.repeat(2)
    with pytest.raises(ValueError, match=r"at least one size per dimension: the input has 2"):
        repeat_map((2, 3), (2,))
    with pytest.raises(ValueError, match=r"sizes\[1\] must be at least 0, got -1"):
        repeat_map((2, 3), (2, -1))
    with pytest.raises(ValueError, match="whole number"):
        repeat_map((2, 3), (2, 1.5))
    with pytest.raises(RuntimeError):
        x.repeat_interleave(torch.tensor([1, 2]), dim=1)
    with pytest.raises(ValueError, match="repeats has 2 entries but the input has 3 elements along dim 1"):
        repeat_interleave_map((2, 3), [1, 2], dim=1)
    with pytest.raises(ValueError, match=r"dim=2 is out of range for an input with 2 dimensions: use -2..1"):
        repeat_interleave_map((2, 3), 2, dim=2)
    with pytest.raises(ValueError, match="0-dimensional"):
        repeat_interleave_map((), 2, dim=0)
    with pytest.raises(RuntimeError):
        x.expand(2, 4)
    with pytest.raises(ValueError, match="dimension 1 has size 3 and cannot become 4"):
        expand_map((2, 3), (2, 4))
    with pytest.raises(ValueError, match="new leading dimension"):
        expand_map((2, 3), (-1, 2, 3))
    with pytest.raises(ValueError, match="operation must be one of"):
        predicted_layout("gather", (2,), (2,))


def test_parse_sizes_reads_commas_and_names_the_bad_item():
    assert parse_sizes("2, 1, 2", name="sizes") == (2, 1, 2)
    assert parse_sizes("(3,)", name="reps") == (3,)
    assert parse_sizes("2, -1", name="sizes", minimum=-1) == (2, -1)
    with pytest.raises(ValueError, match="sizes '2, x' has 'x', which is not a whole number"):
        parse_sizes("2, x", name="sizes")
    with pytest.raises(ValueError, match="has 9: use whole numbers from 0 to 8"):
        parse_sizes("9", name="sizes")
    with pytest.raises(ValueError, match="needs 1 to 5 whole numbers"):
        parse_sizes("", name="sizes")
