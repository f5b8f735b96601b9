"""The PyTorch basics page, section "repeat": repeat, repeat_interleave, tile and expand on one tensor.

The input holds each cell's own index (0, 1, 2, ... in row-major order), so every output cell shows which
input cell it came from. For each operation the script prints that map, the output's shape and strides,
whether it is a view sharing the input's memory (expand) or a copy (the others), and the bytes it
allocates (float32), and checks them against the page's.
"""

import torch

PARAMS = {
    "shape": [2, 3],
    "repeat": [2, 1, 2],
    "tile": [2],
    "repeat_interleave": [1, 0, 2],
    "dim": -1,
    "expand": [2, 2, 3],
}
EXPECTED = {"expand": {"map": [[0, 1, 2]], "shape": [1, 3], "strides": [0, 1], "shares": True, "bytes": 0}}

x = torch.arange(torch.Size(PARAMS["shape"]).numel(), dtype=torch.float32).reshape(PARAMS["shape"])
calls = {
    "repeat": lambda: x.repeat(*PARAMS["repeat"]),
    "tile": lambda: torch.tile(x, tuple(PARAMS["tile"])),
    "repeat_interleave": lambda: x.repeat_interleave(
        torch.tensor(PARAMS["repeat_interleave"]), dim=PARAMS["dim"]
    ),
    "expand": lambda: x.expand(*PARAMS["expand"]),
}
print("x =", x.long().tolist())
for op, page in EXPECTED.items():
    out = calls[op]()
    if x.numel() and out.numel():
        shares = out.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    else:  # an empty tensor has no storage address: ask whether torch made a view
        shares = out._base is x
    ours = {
        "map": out.long().tolist(),
        "shape": list(out.shape),
        "strides": list(out.stride()),
        "shares": shares,
        "bytes": 0 if shares else out.untyped_storage().nbytes(),
    }
    print(f"\n{op}: shape {tuple(out.shape)}, strides {out.stride()}, view of x: {shares}")
    print(f"allocates {ours['bytes']} bytes")
    print(ours["map"])
    for name, value in ours.items():
        assert value == page[name], (op, name, value, page[name])
print("\nmatches the page's figures")
