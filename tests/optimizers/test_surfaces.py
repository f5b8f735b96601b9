"""core.optimizers: exact gradients (against torch autograd), minima, grids and the trajectory runner."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.optimizers import OPTIMIZERS, SURFACES, RunSpec, decimate_indices, grid_values, run_trajectories


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_gradient_equals_torch_autograd(key):
    surface = SURFACES[key]
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = surface.x_range, surface.y_range
    points = np.column_stack([rng.uniform(x0, x1, 400), rng.uniform(y0, y1, 400)])
    tensor = torch.tensor(points, requires_grad=True)
    surface.value(tensor, torch).sum().backward()
    expected = tensor.grad.numpy()
    atol = 1e-12 * np.abs(expected).max()
    np.testing.assert_allclose(surface.gradient(points), expected, rtol=1e-12, atol=atol)
    # the value itself, numpy vs torch
    torch_value = surface.value(tensor, torch).detach().numpy()
    np.testing.assert_allclose(surface.value(points), torch_value, rtol=1e-14)


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_minima_are_stationary_and_lowest(key):
    surface = SURFACES[key]
    minima = np.array(surface.minima)
    np.testing.assert_allclose(surface.gradient(minima), 0.0, atol=1e-12)
    np.testing.assert_allclose(surface.value(minima), surface.min_value, atol=1e-12)
    _, _, gap = grid_values(surface, 201)
    assert gap.shape == (201, 201)
    assert gap.min() >= -1e-12  # nothing on the plotted grid is lower than the minimum
    (x0, x1), (y0, y1) = surface.x_range, surface.y_range
    assert x0 <= surface.start[0] <= x1 and y0 <= surface.start[1] <= y1
    assert np.all((minima[:, 0] >= x0) & (minima[:, 0] <= x1) & (minima[:, 1] >= y0) & (minima[:, 1] <= y1))


def test_gradient_keeps_any_leading_shape_and_writes_into_out():
    surface = SURFACES["beale"]
    points = np.random.default_rng(1).normal(size=(4, 3, 2))
    out = np.empty_like(points)
    result = surface.gradient(points, out=out)
    assert result is out
    np.testing.assert_array_equal(out[2, 1], surface.gradient(points[2, 1]))


def test_runner_shapes_start_and_names():
    specs = [RunSpec(name) for name in OPTIMIZERS] + [RunSpec("Adam", {"lr": 0.1}, label="Adam fast")]
    result = run_trajectories(SURFACES["himmelblau"], specs, 50, start=(0.5, -0.5))
    assert result.positions.shape == (51, len(specs), 2)
    assert result.gap.shape == (51, len(specs))
    np.testing.assert_array_equal(result.positions[0], np.tile([0.5, -0.5], (len(specs), 1)))
    assert result.names[-1] == "Adam fast" and result.names[0] == "SGD"
    np.testing.assert_allclose(result.gap, SURFACES["himmelblau"].gap(result.positions))


def test_runner_validates_its_input():
    surface = SURFACES["rosenbrock"]
    with pytest.raises(ValueError, match="choose at least one optimizer"):
        run_trajectories(surface, [], 10)
    with pytest.raises(ValueError, match="steps must be a positive whole number, got 0"):
        run_trajectories(surface, [RunSpec("SGD")], 0)
    with pytest.raises(ValueError, match="start must be two finite numbers"):
        run_trajectories(surface, [RunSpec("SGD")], 10, start=(np.nan, 1.0))
    with pytest.raises(ValueError, match=r"Invalid learning rate: -1\.0"):
        run_trajectories(surface, [RunSpec("Adam", {"lr": -1.0})], 10)


def test_grid_needs_two_points():
    with pytest.raises(ValueError, match="n must be at least 2"):
        grid_values(SURFACES["saddle"], 1)


@pytest.mark.parametrize(("n", "cap"), [(5, 10), (10, 10), (5001, 2000), (2001, 2000)])
def test_decimate_indices(n, cap):
    idx = decimate_indices(n, cap)
    assert len(idx) <= cap and idx[0] == 0 and idx[-1] == n - 1
    assert np.all(np.diff(idx) > 0)
