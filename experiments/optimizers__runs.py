"""The optimizers page, section "runs": torch.optim on a 2-D test surface.

Every optimizer starts at the same point and takes PARAMS["steps"] steps on f(x, y) with the gradient from
autograd (float64). The script prints f - f* at the last step and the first step where f - f* <= 1e-3,
the figures of the page's table, and checks them against the page's values (EXPECTED).
"""

import math

import torch

PARAMS = {
    "surface": "rosenbrock",
    "steps": 500,
    "start": (-1.5, 2.0),
    "optimizers": {"Adam": {"lr": 0.1}},
}
EXPECTED = {"Adam": {"gap_end": 1e-6, "reached": 100}}
# the same algorithm, another order of floating-point operations (autograd vs hand-written gradients):
# small relative differences, amplified a little along a path; a path that stops 1e-3 away from the
# threshold step may cross it one step earlier or later
RTOL, ATOL, STEP_SLACK = 1e-5, 1e-12, 1
# torch.optim.NAdam keeps its running product of momentum factors in float32 even for float64 parameters
# (the page's NAdam keeps it in float64): its steps differ by about 1e-8 relative, more along a long path
RTOL_NADAM = 1e-3
DIVERGED = 1e4  # a coordinate beyond this (or not a number) means the run diverged

A = 10.0  # Rastrigin's amplitude
PHI = math.pi / 6  # the quadratic valley's angle, condition number 25
SURFACES = {  # f(x, y) and its lowest value f*
    "rosenbrock": (lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, 0.0),
    "beale": (
        lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2,
        0.0,
    ),
    "himmelblau": (lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, 0.0),
    "saddle": (lambda x, y: 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2, -0.25),
    "quadratic": (
        lambda x, y: (
            0.5
            * (
                (math.cos(PHI) * (x - 1) + math.sin(PHI) * (y - 1)) ** 2
                + 25 * (-math.sin(PHI) * (x - 1) + math.cos(PHI) * (y - 1)) ** 2
            )
        ),
        0.0,
    ),
    "rastrigin": (
        lambda x, y: 2 * A + x**2 - A * torch.cos(2 * math.pi * x) + y**2 - A * torch.cos(2 * math.pi * y),
        0.0,
    ),
}


def run(name: str, hyperparameters: dict, f, f_star: float, start, steps: int) -> list[float] | None:
    """f - f* after 0, 1, ..., steps steps of torch.optim.<name>; None if the run diverged."""
    xy = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = getattr(torch.optim, name)([xy], **hyperparameters)
    gaps = []
    for step in range(steps + 1):
        loss = f(xy[0], xy[1])
        if not (torch.isfinite(loss) and xy.detach().abs().max() <= DIVERGED):
            return None
        gaps.append(loss.item() - f_star)
        if step == steps:
            break
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return gaps


f, f_star = SURFACES[PARAMS["surface"]]
print(f"{PARAMS['surface']}, start {PARAMS['start']}, {PARAMS['steps']} steps")
print(f"{'optimizer':<10} {'f - f* at the end':>18} {'first step <= 1e-3':>19}")
for name, hyperparameters in PARAMS["optimizers"].items():
    gaps = run(name, hyperparameters, f, f_star, PARAMS["start"], PARAMS["steps"])
    expected = EXPECTED[name]
    if gaps is None:
        print(f"{name:<10} {'diverged':>18}")
        assert expected["gap_end"] is None, f"{name}: diverged, the page did not"
        continue
    reached = next((step for step, gap in enumerate(gaps) if gap <= 1e-3), None)
    print(f"{name:<10} {gaps[-1]:>18.6g} {reached if reached is not None else '-':>19}")
    assert expected["gap_end"] is not None, f"{name}: the page's run diverged"
    rtol = RTOL_NADAM if name == "NAdam" else RTOL
    assert math.isclose(gaps[-1], expected["gap_end"], rel_tol=rtol, abs_tol=ATOL), (name, gaps[-1], expected)
    if expected["reached"] is None or reached is None:
        assert expected["reached"] == reached, (name, reached, expected)
    else:
        assert abs(reached - expected["reached"]) <= STEP_SLACK, (name, reached, expected)
print("matches the page's figures")
