"""The optimizers page, section "amsgrad": Adam and AMSGrad on Reddi et al. (2018)'s counterexample,
with torch.optim.Adam.

The online losses are f_t(x) = C x when t mod 3 = 1 and -x otherwise, x in [-1, 1]: over three steps they
sum to (C - 2) x, so for C > 2 the best point is x* = -1. With beta1 = 0 and beta2 = 1 / (1 + C^2) Adam's
second moment forgets the rare large gradient, so it drifts to x = +1, the worst point; AMSGrad
(amsgrad=True) keeps the largest second moment and goes to -1. After each step x is projected back onto
[-1, 1]. Prints where each ends and its average regret (1/T) sum_t f_t(x_t) - f_t(x*).
"""

import torch

PARAMS = {"C": 3.0, "lr": 0.02, "steps": 1500}
EXPECTED = {"adam_end": 1.0, "amsgrad_end": -1.0, "adam_regret": 1.0, "amsgrad_regret": 0.0}
TOLERANCE = 1e-9  # float64; the page runs the same algorithm in numpy

C, steps = PARAMS["C"], PARAMS["steps"]
betas = (0.0, 1.0 / (1.0 + C * C))


def run(amsgrad: bool) -> tuple[float, float]:
    """The last x and the average regret."""
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([x], lr=PARAMS["lr"], betas=betas, amsgrad=amsgrad)
    regret = 0.0
    for t in range(1, steps + 1):
        weight = C if t % 3 == 1 else -1.0
        loss = weight * x.sum()  # f_t(x)
        regret += weight * (x.item() - (-1.0))  # f_t(x_t) - f_t(x*)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            x.clamp_(-1.0, 1.0)  # the projection onto [-1, 1]
    return x.item(), regret / steps


adam_end, adam_regret = run(amsgrad=False)
ams_end, ams_regret = run(amsgrad=True)
ours = {
    "adam_end": adam_end,
    "amsgrad_end": ams_end,
    "adam_regret": adam_regret,
    "amsgrad_regret": ams_regret,
}
print(f"C = {C:g}, beta2 = 1 / (1 + C^2) = {betas[1]:.4g}, lr = {PARAMS['lr']:g}, {steps} steps; x* = -1")
print(f"{'':<8} {'last x':>8} {'average regret':>15}")
print(f"{'Adam':<8} {adam_end:>8.4f} {adam_regret:>15.4f}")
print(f"{'AMSGrad':<8} {ams_end:>8.4f} {ams_regret:>15.4f}")
for name, value in ours.items():
    assert abs(value - EXPECTED[name]) <= TOLERANCE, (name, value, EXPECTED[name])
print("matches the page's figures")
