"""The PyTorch basics page, section "sequential": the shape after each layer of an nn.Sequential chain.

The chain is built from the page's layers, run in eval mode on zeros of the input shape, and a forward hook
on each layer records its output shape. A chain that breaks raises torch's own error at the first layer
whose input it cannot take; the script prints where and why.
"""

import torch
from torch import nn

PARAMS = {"layers": [["Linear", [64, 32]], ["ReLU", []]], "input_shape": [8, 64], "seed": 0}
EXPECTED = {"shapes": [[8, 32], [8, 32]], "failed_at": None, "error_type": None}


def build(name: str, args: list) -> nn.Module:
    if name == "Softmax":
        return nn.Softmax(dim=int(args[0]))
    return getattr(nn, name)(*args)


torch.manual_seed(PARAMS["seed"])
model = nn.Sequential(*(build(name, args) for name, args in PARAMS["layers"]))
model.eval()
shapes = []
for layer in model:
    layer.register_forward_hook(lambda module, inputs, output: shapes.append(list(output.shape)))

error = None
try:
    with torch.no_grad():
        model(torch.zeros(PARAMS["input_shape"]))
except Exception as exc:  # torch's own error: where the chain breaks
    error = exc

print("input", tuple(PARAMS["input_shape"]))
for layer, shape in zip(model, shapes, strict=False):
    print(f"{layer!s:<40} -> {tuple(shape)}")
failed_at = None if error is None else len(shapes)
if error is not None:
    print(f"breaks at layer {failed_at + 1}, {model[failed_at]}: {type(error).__name__}: {error}")
assert shapes == EXPECTED["shapes"], (shapes, EXPECTED["shapes"])
assert failed_at == EXPECTED["failed_at"], (failed_at, EXPECTED["failed_at"])
assert (error and type(error).__name__) == EXPECTED["error_type"], (error, EXPECTED["error_type"])
print("matches the page's figures")
