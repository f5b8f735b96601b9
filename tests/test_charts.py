"""ui.charts.grey_png (a heat map as one image): the PNG it writes, decoded by Pillow, holds the greys the
formula gives; and the optimizers' heat map places it over the grid's cells with the legend's range."""

from __future__ import annotations

import base64
import io

import altair as alt
import numpy as np
import pytest
from PIL import Image

from core.optimizers import SURFACES
from ui.charts import grey_png
from ui.optimizers import live
from ui.optimizers.charts import HEAT_RANGE, heat_map


def _decode(uri: str) -> np.ndarray:
    head, data = uri.split(",", 1)
    assert head == "data:image/png;base64"
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    assert image.mode == "L"  # 8-bit grey
    return np.asarray(image)


@pytest.mark.parametrize("shape", [(1, 2), (3, 5), (60, 60), (100, 37)])
def test_the_png_holds_the_linear_greys_row_by_row(shape):
    values = np.random.default_rng(shape[1]).normal(size=shape)
    pixels = _decode(grey_png(values, 250, 95))
    lo, hi = values.min(), values.max()
    expected = np.rint(250 + (values - lo) / (hi - lo) * (95 - 250))
    assert pixels.shape == shape
    np.testing.assert_array_equal(pixels, expected)
    assert pixels[values == lo].item() == 250 and pixels[values == hi].item() == 95


def test_a_flat_array_is_drawn_light():
    np.testing.assert_array_equal(_decode(grey_png(np.full((2, 3), 7.0), 250, 95)), np.full((2, 3), 250))


@pytest.mark.parametrize("surface", ["rosenbrock", "rastrigin"])
def test_the_heat_map_covers_the_grid_cells_top_row_largest_y(surface):
    grid = live.surface_grid(surface)
    n = SURFACES[surface].grid_points
    assert grid.level.shape == (n, n)
    spec = heat_map(grid, alt.Scale(), alt.Scale())
    # the grid's cells, edge to edge: half a cell beyond the first and last centres
    data = spec.layer[0].data
    half_x, half_y = (grid.xs[1] - grid.xs[0]) / 2, (grid.ys[1] - grid.ys[0]) / 2
    assert data["x"][0] == pytest.approx(grid.xs[0] - half_x) and data["x2"][0] == pytest.approx(
        grid.xs[-1] + half_x
    )
    assert data["y"][0] == pytest.approx(grid.ys[0] - half_y) and data["y2"][0] == pytest.approx(
        grid.ys[-1] + half_y
    )
    pixels = _decode(data["url"][0])
    light, dark = (int(colour[1:3], 16) for colour in HEAT_RANGE)
    # the image's first row is the grid's last (largest y); its greys follow the level
    level = grid.level[::-1]
    expected = np.rint(light + (level - level.min()) / (level.max() - level.min()) * (dark - light))
    np.testing.assert_array_equal(pixels, expected)
    # the legend's layer spans the same levels with the same greys, interpolated as the image's are
    assert spec.layer[1].data["level"].tolist() == [grid.level.min(), grid.level.max()]
    scale = spec.layer[1].to_dict()["encoding"]["color"]["scale"]
    assert scale == {"range": list(HEAT_RANGE), "interpolate": "rgb"}
