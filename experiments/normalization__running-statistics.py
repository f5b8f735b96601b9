"""The normalization page, section "running-statistics": what BatchNorm stores and what it normalizes with.

Batches of one feature drawn from N(3, 2^2) go through torch.nn.BatchNorm1d in training mode. Each batch
is normalized with its own biased variance, but running_var is updated with the unbiased one:
running = (1 - m) running + m statistic, with m = momentum, or m = 1 / (batches seen) when momentum is None
(a cumulative average). Prints the final running mean and variance, the average biased and unbiased batch
variances, and what running_var would be had it been fed the biased variance.
"""

import numpy as np
import torch

PARAMS = {"momentum": 0.1, "batches": 100, "batch_size": 8, "mean": 3.0, "std": 2.0, "seed": 0}
EXPECTED = {
    "running_mean": 3.0,
    "running_var": 4.0,
    "mean_biased_var": 3.5,
    "running_var_if_biased": 3.5,
    "mean_unbiased_var": 4.0,
}
TOLERANCE = 1e-12  # float64 throughout

rng = np.random.default_rng(PARAMS["seed"])
bn = torch.nn.BatchNorm1d(1, momentum=PARAMS["momentum"], affine=False, dtype=torch.float64)
bn.train()
if_biased = 1.0  # running_var starts at 1
biased, unbiased = [], []
for _ in range(PARAMS["batches"]):
    x = rng.normal(PARAMS["mean"], PARAMS["std"], size=(PARAMS["batch_size"], 1))
    y = bn(torch.from_numpy(x))
    # the batch is normalized with its biased variance
    assert np.allclose(y.detach().numpy(), (x - x.mean()) / np.sqrt(x.var() + bn.eps), rtol=0, atol=1e-12)
    m = 1.0 / int(bn.num_batches_tracked) if PARAMS["momentum"] is None else PARAMS["momentum"]
    if_biased = (1 - m) * if_biased + m * x.var()
    biased.append(x.var())
    unbiased.append(x.var(ddof=1))

ours = {
    "running_mean": float(bn.running_mean[0]),
    "running_var": float(bn.running_var[0]),
    "mean_biased_var": float(np.mean(biased)),
    "running_var_if_biased": if_biased,
    "mean_unbiased_var": float(np.mean(unbiased)),
}
n = PARAMS["batch_size"]
source = f"N({PARAMS['mean']:g}, {PARAMS['std']:g}^2)"
print(f"{PARAMS['batches']} batches of {n} from {source}, momentum {PARAMS['momentum']}")
for name, value in ours.items():
    print(f"{name:<22} {value:.6f}")
print(f"Bessel's factor n / (n - 1) = {n / (n - 1):.3f}")
for name, value in ours.items():
    assert abs(value - EXPECTED[name]) <= TOLERANCE, (name, value, EXPECTED[name])
print("matches the page's figures")
