"""The fine-tuning page, section "recipe": copy all but the output layer, add a new head, choose what trains.

The page's small CNN (two 3x3 convolutions, one hidden layer, a linear head) pretrained on the digits 0-4
is fine-tuned on the digits 5-9. Here the source model is a freshly initialised one (load your own
pretrained weights instead: torch.load + load_state_dict); the recipe and its counts do not depend on the
weights. Strategies: scratch (nothing copied), linear_probe (backbone frozen, only the head trains), full
(everything at lr), head_lr (head at mult * lr), discriminative (each backbone layer below the top one 2.6x
slower). Prints each layer's parameter count, whether it trains and its learning rate, checks one Adam step
moves exactly the layers that train, and compares the table with the page's.
"""

from collections import OrderedDict

import torch
from sklearn.datasets import load_digits
from torch import nn

PARAMS = {"strategy": "head_lr", "lr": 0.003, "head_lr_mult": 10.0, "num_classes": 5, "seed": 0}
EXPECTED = {
    "layers": {"head": {"numel": 325, "trains": True, "lr": 0.03}},
    "trainable": 325,
    "frozen": 0,
    "groups": 1,
}
DISCRIMINATIVE_DECAY = 2.6  # ULMFiT's factor between a layer's rate and the one above it


class DigitNet(nn.Module):
    def __init__(self, num_classes: int):
        super().__init__()
        self.backbone = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(1, 16, kernel_size=3, padding=1),  # (N, 1, 8, 8) -> (N, 16, 8, 8)
                relu1=nn.ReLU(),
                pool1=nn.MaxPool2d(2),
                conv2=nn.Conv2d(16, 32, kernel_size=3, padding=1),  # -> (N, 32, 4, 4)
                relu2=nn.ReLU(),
                pool2=nn.MaxPool2d(2),
                flatten=nn.Flatten(),
                fc=nn.Linear(32 * 2 * 2, 64),
                relu3=nn.ReLU(),
            )
        )
        self.head = nn.Linear(64, num_classes)

    def forward(self, x):
        return self.head(self.backbone(x))


BACKBONE = ("conv1", "conv2", "fc")  # from the input up
strategy, lr, mult = PARAMS["strategy"], PARAMS["lr"], PARAMS["head_lr_mult"]

source = DigitNet(5)  # stands for the pretrained source model (its head knows the digits 0-4)
torch.manual_seed(PARAMS["seed"])
model = DigitNet(PARAMS["num_classes"])  # a new random head (and backbone, for scratch)
if strategy != "scratch":
    model.backbone.load_state_dict(source.backbone.state_dict())  # copy all but the output layer
if strategy == "linear_probe":
    model.backbone.requires_grad_(False)

if strategy in ("scratch", "full"):
    rates = dict.fromkeys((*BACKBONE, "head"), lr)
elif strategy == "linear_probe":
    rates = {"head": mult * lr}
elif strategy == "head_lr":
    rates = {**dict.fromkeys(BACKBONE, lr), "head": mult * lr}
else:  # discriminative: eta / 2.6^depth, depth 0 for the top backbone layer
    rates = {name: lr / DISCRIMINATIVE_DECAY**depth for depth, name in enumerate(reversed(BACKBONE))}
    rates["head"] = mult * lr


def layer(name: str) -> nn.Module:
    return model.head if name == "head" else getattr(model.backbone, name)


groups = [{"params": list(layer(name).parameters()), "lr": rate} for name, rate in rates.items()]
optimizer = torch.optim.Adam(groups)

# one step on a batch of real digits 5-9 (labels 0-4): the layers that train move, the others do not
X, y = load_digits(return_X_y=True)
target = y >= 5
images = torch.tensor(X[target][:64] / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
labels = torch.tensor(y[target][:64] - 5)
before = {name: [p.detach().clone() for p in layer(name).parameters()] for name in (*BACKBONE, "head")}
optimizer.zero_grad()
nn.functional.cross_entropy(model(images), labels).backward()
optimizer.step()

print(f"strategy {strategy}: lr {lr:g}, head x{mult:g}")
print(f"{'layer':<6} {'numel':>6} {'trains':>7} {'lr':>10} {'moved':>6}")
table = {}
for name in (*BACKBONE, "head"):
    params = list(layer(name).parameters())
    trains = name in rates and all(p.requires_grad for p in params)
    moved = any(not torch.equal(a, p) for a, p in zip(before[name], params, strict=True))
    assert moved == trains, (name, moved, trains)
    table[name] = {"numel": sum(p.numel() for p in params), "trains": trains, "lr": rates.get(name)}
    shown = f"{table[name]['lr']:.3g}" if trains else "-"
    print(f"{name:<6} {table[name]['numel']:>6} {trains!s:>7} {shown:>10} {moved!s:>6}")
trainable = sum(row["numel"] for row in table.values() if row["trains"])
frozen = sum(row["numel"] for row in table.values() if not row["trains"])
print(f"trainable {trainable:,}, frozen {frozen:,}, parameter groups {len(groups)}")

assert table.keys() == EXPECTED["layers"].keys()
for name, row in table.items():
    page = EXPECTED["layers"][name]
    assert row["numel"] == page["numel"] and row["trains"] == page["trains"], (name, row, page)
    if row["trains"]:
        assert abs(row["lr"] - page["lr"]) <= 1e-15 * page["lr"], (name, row, page)
assert (trainable, frozen, len(groups)) == (EXPECTED["trainable"], EXPECTED["frozen"], EXPECTED["groups"])
print("matches the page's figures")
