"""The normalization page, section "transformers": why transformers normalize each token (LayerNorm,
RMSNorm) and not over the batch (BatchNorm), with torch.nn.

One sentence of 4 tokens (8 features each) is put in a batch with a second sentence of 4, 8, 16 or 32
tokens, zero-padded to the longer one: shape (2, L, D). LayerNorm and RMSNorm normalize each token alone,
so the sentence's outputs do not change with its companion; BatchNorm (training mode) averages over the
batch and every position, padding included, so they do. Prints, per companion length, how far the
sentence's outputs moved from the first batch's, per layer.
"""

import numpy as np
import torch
from torch import nn

PARAMS = {"sentence_length": 4, "others": [4, 8, 16, 32], "features": 8, "seed": 0}
EXPECTED = {"layer": [0.0], "batch": [0.0], "rms": [0.0], "rms_vs_layer": 0.5}
TOLERANCE = 1e-12  # float64 throughout

D, n = PARAMS["features"], PARAMS["sentence_length"]
rng = np.random.default_rng(PARAMS["seed"])
sentence = rng.normal(1.0, 2.0, size=(n, D))
layers = {
    "layer": nn.LayerNorm(D, dtype=torch.float64),
    "rms": nn.RMSNorm(D, eps=1e-5, dtype=torch.float64),
    "batch": nn.BatchNorm1d(D, dtype=torch.float64),  # training mode: the batch's statistics
}
outputs = {name: [] for name in layers}
with torch.no_grad():
    for other in PARAMS["others"]:
        batch = np.zeros((2, max(n, other), D))  # zero padding
        batch[0, :n] = sentence
        batch[1, :other] = rng.normal(1.0, 2.0, size=(other, D))
        x = torch.from_numpy(batch)
        outputs["layer"].append(layers["layer"](x)[0, :n])
        outputs["rms"].append(layers["rms"](x)[0, :n])
        # BatchNorm1d wants the features on axis 1: (N, D, L)
        outputs["batch"].append(layers["batch"](x.transpose(1, 2)).transpose(1, 2)[0, :n])

ours = {name: [(o - outs[0]).abs().max().item() for o in outs] for name, outs in outputs.items()}
ours["rms_vs_layer"] = (outputs["rms"][0] - outputs["layer"][0]).abs().max().item()
print(f"max |change| of the sentence's outputs vs its first batch ({n} tokens, {D} features)")
print(f"{'companion':>9} {'LayerNorm':>10} {'BatchNorm':>10} {'RMSNorm':>10}")
for i, other in enumerate(PARAMS["others"]):
    print(f"{other:>9} {ours['layer'][i]:>10.1e} {ours['batch'][i]:>10.1e} {ours['rms'][i]:>10.1e}")
print(f"max |RMSNorm - LayerNorm| on the sentence: {ours['rms_vs_layer']:.4f} (RMSNorm keeps the mean)")
for name in ("layer", "batch", "rms"):
    assert np.allclose(ours[name], EXPECTED[name], rtol=0, atol=TOLERANCE), (name, ours[name], EXPECTED)
assert abs(ours["rms_vs_layer"] - EXPECTED["rms_vs_layer"]) <= TOLERANCE, (ours["rms_vs_layer"], EXPECTED)
print("matches the page's figures")
