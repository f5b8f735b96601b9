"""The normalization page, section "epsilon": where epsilon goes changes what a normalization does to
small variances.

One vector of 32 values (mean 0, variance 1) is scaled to variances 1e-14 ... 1e2 and normalized by torch's
formula (x - mean) / sqrt(var + eps) (torch.nn.functional.layer_norm) and by the notes' (x - mean) /
(sqrt(var) + eps). The output's standard deviation should be 1; with a variance near eps torch's is
1/sqrt(2), and below it torch's output shrinks (a gain of at most 1/sqrt(eps)) while the notes' stays
near 1 down to a variance near eps^2 (a gain up to 1/eps). Prints both at variance = eps and eps^2.
"""

import numpy as np
import torch
import torch.nn.functional as F

PARAMS = {"eps": 1e-05, "size": 32, "low": -14.0, "high": 2.0, "points": 161, "seed": 0}
EXPECTED = {"torch_at_eps": 0.7, "notes_at_eps": 1.0, "torch_at_eps2": 0.003, "notes_at_eps2": 0.5}
TOLERANCE = 1e-12  # float64 throughout

eps = PARAMS["eps"]
z = np.random.default_rng(PARAMS["seed"]).normal(size=PARAMS["size"])
z = (z - z.mean()) / z.std()  # mean 0, variance 1
variance = np.logspace(PARAMS["low"], PARAMS["high"], PARAMS["points"])
x = np.sqrt(variance)[:, None] * z[None, :]  # one row per variance

torch_out = F.layer_norm(torch.from_numpy(x), (PARAMS["size"],), eps=eps).numpy()
notes_out = (x - x.mean(axis=1, keepdims=True)) / (x.std(axis=1, keepdims=True) + eps)
torch_std, notes_std = torch_out.std(axis=1), notes_out.std(axis=1)

# the grid's points nearest to variance = eps and eps^2 (nearest on a log scale)
at_eps = int(np.argmin(np.abs(np.log(variance / eps))))
at_eps2 = int(np.argmin(np.abs(np.log(variance / eps**2))))
ours = {
    "torch_at_eps": torch_std[at_eps],
    "notes_at_eps": notes_std[at_eps],
    "torch_at_eps2": torch_std[at_eps2],
    "notes_at_eps2": notes_std[at_eps2],
}
print(f"eps = {eps:.0e}: output std (1 = normalized)")
print(f"{'variance':>10} {'torch':>10} {'notes':>10}")
for i in (at_eps, at_eps2):
    print(f"{variance[i]:>10.1e} {torch_std[i]:>10.4g} {notes_std[i]:>10.4g}")
print(f"largest gain: torch 1/sqrt(eps) = {1 / np.sqrt(eps):.3g}, notes 1/eps = {1 / eps:.3g}")
for name, value in ours.items():
    assert abs(value - EXPECTED[name]) <= TOLERANCE * max(1.0, abs(EXPECTED[name])), (name, value, EXPECTED)
print("matches the page's figures")
