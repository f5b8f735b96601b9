"""The work one visitor's input may ask of the server, checked before the work starts.

A public app's inputs (widgets and the URL, which anyone can write) are checked not only for their own
size but for the work they imply: the elements of every intermediate tensor, the multiply-adds of a
forward pass, training steps x parameters. Each limit is far above what a learner meets
on the pages (README lists them) and far below what would hold a core for minutes or take the memory of
a small server (Community Cloud gives all visitors together about 1-3 GB).

:func:`check_budget` raises :class:`OverBudget`, a ``ValueError`` that carries the input's name, the
quantity, the amount and the limit, so a page can say it in its own language.
"""

from __future__ import annotations

__all__ = ["LIMITS", "OverBudget", "check_budget"]

#: the server's limits, per computation one visitor's input asks for
LIMITS: dict[str, float] = {
    # elements of the largest tensor (float32: 4 bytes each -> 80 MB)
    "elements": 20_000_000,
    # multiply-adds of one forward pass over the whole input
    "multiply_adds": 2_000_000_000,
    # training steps x trainable parameters (one step of a small model costs a few x its parameters)
    "step_parameters": 5_000_000_000,
    # optimizer steps of one training replayed step by step in torch.optim (the optimizers page's model:
    # ~0.25 ms a step whatever the parameters, so steps x parameters does not bound its time): 12,000 is
    # about 3.5 s; a learner's batch of 8 for 30 epochs with all seven optimizers is 10,500
    "optimizer_steps": 12_000,
}


class OverBudget(ValueError):
    """An input asks for more work than the server's limit allows.

    ``input_name`` names the input as code does (``shape``, ``steps``: a page may show its own label),
    ``quantity`` is a key of :data:`LIMITS`, ``amount`` what the input asks for and ``limit`` the limit.
    """

    def __init__(self, input_name: str, quantity: str, amount: float, limit: float) -> None:
        self.input_name = input_name
        self.quantity = quantity
        self.amount = float(amount)
        self.limit = float(limit)
        words = quantity.replace("_", " ")
        super().__init__(
            f"{input_name} asks for {self.amount:,.0f} {words}, more than this server's limit of "
            f"{self.limit:,.0f}: make it smaller."
        )


def check_budget(input_name: str, quantity: str, amount: float) -> None:
    """Raise :class:`OverBudget` if ``amount`` of ``quantity`` (a key of :data:`LIMITS`) is over its
    limit; ``amount`` is computed from the inputs *before* any of the work is done."""
    limit = LIMITS[quantity]
    if not amount <= limit:  # NaN is over budget too
        raise OverBudget(input_name, quantity, amount, limit)
