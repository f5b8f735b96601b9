"""The fine-tuning page's sections as scripts' PARAMS / EXPECTED (see :mod:`ui.reproduce`)."""

from __future__ import annotations

from typing import Any

from ui.reproduce import register


def _recipe(strategy: str, lr: float, mult: float):
    from ui.finetune import recipe_view

    return recipe_view(strategy, lr, mult), {"strategy": strategy, "lr": lr, "mult": mult}


def _recipe_default():
    from ui.finetune import DEFAULTS

    return _recipe(DEFAULTS["ft_strategy"], DEFAULTS["ft_lr"], DEFAULTS["ft_mult"])


@register("finetune", "recipe", default=_recipe_default, other=lambda: _recipe("discriminative", 0.01, 3.0))
def recipe(view: Any, *, strategy: str, lr: float, mult: float):
    """``view``: the digits experiment's :class:`ui.finetune.RecipeView`; EXPECTED: each layer's count,
    whether it trains and its rate (the rows the view's table was built from), and the view's totals."""
    from ui.finetune import layer_rows

    rows = layer_rows(strategy, lr, mult)
    params = {"strategy": strategy, "lr": float(lr), "head_lr_mult": float(mult), "num_classes": 5, "seed": 0}
    expected = {
        "layers": {r.name: {"numel": r.torch_count, "trains": r.trainable, "lr": r.lr} for r in rows},
        "trainable": int(view.trainable.replace(",", "")),
        "frozen": int(view.frozen.replace(",", "")),
        "groups": int(view.groups),
    }
    return params, expected
