"""The losses page, section "cross-entropy": torch's cross_entropy taken apart on a batch of logits.

F.cross_entropy(logits, target) = nll_loss(log_softmax(logits), target): for each example,
-log softmax(z)_y = -z_y + log sum_j exp(z_j), then the reduction; a class weight w_y weighs each example
(and the mean divides by the sum of the weights used), ignore_index drops examples, label_smoothing mixes
the one-hot target with the uniform distribution. Prints each step and checks the result against the page.
"""

import torch
import torch.nn.functional as F

PARAMS = {
    "logits": [[2.0, 1.0, 0.1]],
    "target": [0],
    "weight": None,
    "reduction": "mean",
    "label_smoothing": 0.0,
    "ignore_index": -100,
}
EXPECTED = {"result": 0.4170299470}  # a list for reduction="none"; None where torch gives NaN
TOLERANCE = 1e-12  # float64 throughout

logits = torch.tensor(PARAMS["logits"], dtype=torch.float64)
target = torch.tensor(PARAMS["target"])
weight = None if PARAMS["weight"] is None else torch.tensor(PARAMS["weight"], dtype=torch.float64)

# the steps, for the examples whose target is a class
usable = (target >= 0) & (target < logits.shape[1])
log_p = F.log_softmax(logits[usable], dim=1)  # z_y - log sum_j exp(z_j), computed stably
per_example = -log_p.gather(1, target[usable, None])[:, 0]
print(f"{'example':>7} {'target':>6} {'softmax p_y':>12} {'-log p_y':>10}")
for i, (y, loss) in enumerate(zip(target[usable].tolist(), per_example.tolist(), strict=True)):
    print(f"{i:>7} {y:>6} {torch.exp(-torch.tensor(loss)).item():>12.6f} {loss:>10.6f}")
if usable.any():
    print(f"plain mean of -log p_y: {per_example.mean().item():.8f}")

result = F.cross_entropy(
    logits,
    target,
    weight=weight,
    ignore_index=PARAMS["ignore_index"],
    reduction=PARAMS["reduction"],
    label_smoothing=PARAMS["label_smoothing"],
)
values = result.tolist() if result.dim() else [result.item()]
print(f"F.cross_entropy(reduction={PARAMS['reduction']!r}, ...) = {result.tolist()}")

page = EXPECTED["result"] if isinstance(EXPECTED["result"], list) else [EXPECTED["result"]]
assert len(values) == len(page), (values, page)
for ours, theirs in zip(values, page, strict=True):
    if theirs is None:  # every target ignored: the mean is 0 / 0
        assert ours != ours, (ours, theirs)  # NaN
    else:
        assert abs(ours - theirs) <= TOLERANCE * max(1.0, abs(theirs)), (ours, theirs)
print("matches the page's figures")
