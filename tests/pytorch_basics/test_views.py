"""ui.pytorch_basics' views: what the page draws is torch's own result (the call it shows, run by torch,
gives the grid it draws), and bad sizes become sentences, not missing rows without a word."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from core.pytorch_basics import build_model
from ui import pytorch_basics as w
from ui.i18n import load_strings

STRINGS = load_strings("en")
SIZES = {"repeat": "2, 1, 2", "tile": "2", "repeat_interleave": "1, 0, 2", "expand": "2, 2, 3"}


def _run_call(call: str, shape: tuple[int, ...]) -> torch.Tensor:
    """The call exactly as the page shows it, evaluated by torch on x = arange(numel).reshape(shape)."""
    x = torch.arange(math.prod(shape)).reshape(shape)
    return eval(call, {"torch": torch, "x": x})  # the page's own text, nothing from a user


@pytest.mark.parametrize("shape", [(2, 3), (2, 1, 3), (3,)])
def test_every_shown_call_gives_the_grid_and_the_layout_shown(shape):
    view = w.maps_view(shape, SIZES, -1)
    assert set(view.ops) | set(view.problems) == set(w.OPERATIONS)
    for shown in view.ops.values():
        out = _run_call(shown.call, shape)
        np.testing.assert_array_equal(shown.result.ours, out.numpy(), err_msg=shown.call)
        assert shown.result.predicted.shape == tuple(out.shape)
        assert shown.result.predicted.strides == out.stride()
        grid = shown.grid()
        if out.numel():
            assert sorted(grid.frame["source"]) == sorted(out.flatten().tolist())
        else:
            assert grid.info == STRINGS["pytorch_basics.empty_output"]
    assert view.check is not None and view.check.max_abs_diff == 0.0 and view.check.tolerance == 0.0
    assert view.check.label == ", ".join(shown.call for shown in view.ops.values())
    assert len(view.memory) == len(view.ops) and not view.mismatches
    assert sorted(view.input_grid.frame["source"]) == list(range(math.prod(shape)))


def test_bad_sizes_are_left_out_with_their_sentence():
    view = w.maps_view((2, 3), {**SIZES, "repeat": "2"}, -1)  # fewer sizes than dimensions
    assert set(view.problems) == {"repeat"} and "repeat" not in view.ops
    assert "at least one size per dimension" in str(view.problems["repeat"])
    # a static table: each call is shown as code
    assert list(view.memory[STRINGS["pytorch_basics.col_call"]]) == [f"`{v.call}`" for v in view.ops.values()]
    assert view.other_problems("repeat") == []  # the shown operation gets an error box instead
    (warning,) = view.other_problems("tile")
    assert warning.startswith("`repeat` is left out of the table below: ")
    flat = w.maps_view((2, 3), SIZES, None)  # without dim: one count per element of the flattened x
    assert set(flat.problems) == {"repeat_interleave"}
    assert (
        "dim=None"
        in w.maps_view((2, 3), {**SIZES, "repeat_interleave": "2"}, None).ops["repeat_interleave"].call
    )


def test_sizes_beyond_the_dimensions_are_explained():
    view = w.maps_view((3,), {**SIZES, "tile": "3, 1, 2"}, 0)
    assert view.ops["repeat"].notes and view.ops["tile"].notes
    assert "(1, 1, 3)" in view.ops["tile"].notes[0]  # x treated as shape (1, 1, 3)
    assert w.maps_view((2, 3), SIZES, -1).ops["tile"].notes == (
        STRINGS["pytorch_basics.tile_padded"].format(k=1),
    )


def test_a_grid_too_large_to_draw_says_so():
    grid = w.grid_view(np.zeros((40, 40), dtype=np.int64), 1)
    assert grid.chart is None and "1,600" in grid.warning
    assert w.dim_options((2, 3)) == ["None", "-2", "-1", "0", "1"]
    assert w.dim_options(None) == ["None", "-3", "-2", "-1", "0", "1", "2"]


def test_the_broken_chain_shows_torchs_error_and_why():
    view = w.flow_view(w.BROKEN_CHAIN, w.BROKEN_INPUT)
    net = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(31, 10))
    with pytest.raises(RuntimeError) as raised:
        net(torch.zeros(w.BROKEN_INPUT))
    assert view.error == f"RuntimeError: {raised.value}"
    assert view.holds is None and "Linear(31, 10)" in view.broken and "(8, 32)" in view.why
    assert view.check.max_abs_diff == 0.0
    assert list(view.frame["status"]) == ["ok", "ok", "ok", "broken"]
    ok = w.flow_view(w.DEFAULT_CHAIN, (8, 64))
    assert ok.holds == STRINGS["pytorch_basics.chain_ok"].format(shape="(8, 10)") and ok.broken is None


def test_the_facts_table_is_read_from_torch():
    table = w.facts_table()
    assert list(table.columns) == list(w.kind_labels().values())
    cell = STRINGS["pytorch_basics.n_tensors"].format
    for kind, shown in zip(w.kind_labels(), table.iloc[0], strict=True):
        params = list(build_model(kind, 64, 32, 10).parameters())
        assert shown == cell(n=len(params), count=f"{sum(p.numel() for p in params):,}")
