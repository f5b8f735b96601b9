"""The attention page, section "score-playground": one attention step in torch.

A query q attends over keys k_1..k_S (the values are the keys). The score e_s is Bahdanau's additive
v^T tanh(W_q q + W_k k_s), Luong's dot q^T k_s or general q^T W_a k_s (concat is the additive form with
[q; k_s] through one matrix, i.e. the same function); the weights are softmax(e) and the context is
sum_s alpha_s k_s. The parameter matrices are the page's (one decimal, drawn from the page's seed).
"""

import torch
import torch.nn.functional as F

PARAMS = {
    "score": "additive",
    "query": [1.0, 0.0, -1.0],
    "keys": [[1.0, 2.0, 0.0]],
    "W_q": [[0.1, 0.2, 0.3]],
    "W_k": [[0.1, 0.2, 0.3]],
    "v": [[1.0]],
    "W_a": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
}
EXPECTED = {"scores": [0.0], "weights": [1.0], "context": [1.0, 2.0, 0.0]}
TOLERANCE = 1e-12  # float64 throughout: the page's hand working and torch differ only in rounding

q = torch.tensor(PARAMS["query"], dtype=torch.float64)
keys = torch.tensor(PARAMS["keys"], dtype=torch.float64)  # (S, d): one key per row
W_q, W_k, v, W_a = (torch.tensor(PARAMS[name], dtype=torch.float64) for name in ("W_q", "W_k", "v", "W_a"))

if PARAMS["score"] in ("additive", "concat"):
    scores = (torch.tanh(q @ W_q.T + keys @ W_k.T) @ v.T).squeeze(-1)  # e_s = v^T tanh(W_q q + W_k k_s)
elif PARAMS["score"] == "dot":
    scores = keys @ q  # e_s = q^T k_s
else:
    scores = keys @ W_a.T @ q  # e_s = q^T W_a k_s
weights = F.softmax(scores, dim=0)
context = weights @ keys

if PARAMS["score"] == "dot":  # the dot score is torch's scaled dot-product attention without the 1/sqrt(d)
    sdpa = F.scaled_dot_product_attention(q[None, None], keys[None], keys[None], scale=1.0)[0, 0]
    assert torch.allclose(sdpa, context, rtol=0, atol=TOLERANCE)

print(f"score: {PARAMS['score']}")
print(f"{'s':>2} {'e_s':>12} {'alpha_s':>10}")
for s, (e, a) in enumerate(zip(scores.tolist(), weights.tolist(), strict=True), start=1):
    print(f"{s:>2} {e:>12.6f} {a:>10.6f}")
print("context c =", [round(c, 6) for c in context.tolist()])

for name, ours in (("scores", scores), ("weights", weights), ("context", context)):
    page = torch.tensor(EXPECTED[name], dtype=torch.float64)
    assert torch.allclose(ours, page, rtol=0, atol=TOLERANCE), (name, ours, page)
print("matches the page's figures")
