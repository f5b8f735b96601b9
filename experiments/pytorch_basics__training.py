"""The PyTorch basics page, section "training": a hidden layer kept in a plain Python list is invisible to
torch.

The same two-layer model (Linear -> ReLU in a container, then a Linear head) is built four ways, each
from the same seed, and trained by full-batch Adam on cross-entropy, the optimizer built the usual way from
model.parameters(). The list model's optimizer never sees the hidden layer: its weights stay exactly as
initialised and its accuracy stays lower. Prints each model's final training loss and test accuracy.
"""

import torch
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split
from torch import nn

PARAMS = {"dataset": "digits", "epochs": 60, "lr": 0.01, "hidden": 32, "seed": 0}
EXPECTED = {"list": {"train_loss": 1.0, "test_accuracy": 0.5, "hidden_unchanged": True}}
# float32: on another machine or torch build sums may round differently, so losses agree to about 1e-6 and
# an accuracy may differ by one test example at most
LOSS_ATOL, ACCURACY_SLACK = 1e-4, 1
torch.set_num_threads(1)  # a model this small trains fastest on one thread (the page trains on one too)

# --- data: scikit-learn's bundled set, a stratified split, standardised with the training statistics ----
load = {"digits": load_digits, "breast_cancer": load_breast_cancer}[PARAMS["dataset"]]
X, y = load(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, random_state=PARAMS["seed"], stratify=y
)
mean, std = X_train.mean(axis=0), X_train.std(axis=0)
std[std == 0] = 1.0
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
X_test = torch.tensor((X_test - mean) / std, dtype=torch.float32)
y_train, y_test = torch.tensor(y_train), torch.tensor(y_test)
n_classes = int(y.max()) + 1


# --- the four containers -----------------------------------------------------------------------------------
class ListModel(nn.Module):
    def __init__(self, hidden: nn.Linear, head: nn.Linear):
        super().__init__()
        self.body = [hidden, nn.ReLU()]  # a plain list: not registered, torch never sees these layers
        self.head = head

    def forward(self, x):
        for layer in self.body:
            x = layer(x)
        return self.head(x)


class ModuleListModel(nn.Module):
    def __init__(self, hidden: nn.Linear, head: nn.Linear):
        super().__init__()
        self.body = nn.ModuleList([hidden, nn.ReLU()])  # registered; the forward loop is ours
        self.head = head

    def forward(self, x):
        for layer in self.body:
            x = layer(x)
        return self.head(x)


class SequentialModel(nn.Module):
    def __init__(self, hidden: nn.Linear, head: nn.Linear):
        super().__init__()
        self.body = nn.Sequential(hidden, nn.ReLU())  # registered and chained
        self.head = head

    def forward(self, x):
        return self.head(self.body(x))


class ModuleDictModel(nn.Module):
    def __init__(self, hidden: nn.Linear, head: nn.Linear):
        super().__init__()
        self.body = nn.ModuleDict({"linear": hidden, "act": nn.ReLU()})  # registered under names
        self.head = head

    def forward(self, x):
        return self.head(self.body["act"](self.body["linear"](x)))


MODELS = {
    "list": ListModel,
    "modulelist": ModuleListModel,
    "sequential": SequentialModel,
    "moduledict": ModuleDictModel,
}


def train(kind: str) -> tuple[float, float, bool]:
    """Final training loss, test accuracy, and whether the hidden weight is bit for bit unchanged."""
    torch.manual_seed(PARAMS["seed"])  # every container starts from the same weights
    hidden = nn.Linear(X_train.shape[1], PARAMS["hidden"])
    head = nn.Linear(PARAMS["hidden"], n_classes)
    model = MODELS[kind](hidden, head)
    before = hidden.weight.detach().clone()
    optimizer = torch.optim.Adam(model.parameters(), lr=PARAMS["lr"])
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(PARAMS["epochs"]):  # one full-batch step per epoch
        optimizer.zero_grad()
        loss_fn(model(X_train), y_train).backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        loss = loss_fn(model(X_train), y_train).item()
        accuracy = (model(X_test).argmax(dim=1) == y_test).double().mean().item()
    return loss, accuracy, torch.equal(before, hidden.weight.detach())


print(
    f"{PARAMS['dataset']}: {len(X_train)} training and {len(X_test)} test examples, {PARAMS['epochs']} epochs"
)
print(f"{'container':<11} {'train loss':>10} {'test accuracy':>14} {'hidden weight unchanged':>24}")
for kind in MODELS:
    loss, accuracy, unchanged = train(kind)
    print(f"{kind:<11} {loss:>10.4f} {accuracy:>14.1%} {unchanged!s:>24}")
    page = EXPECTED[kind]
    assert abs(loss - page["train_loss"]) <= LOSS_ATOL, (kind, loss, page)
    assert abs(accuracy - page["test_accuracy"]) * len(X_test) <= ACCURACY_SLACK + 1e-9, (
        kind,
        accuracy,
        page,
    )
    assert unchanged == page["hidden_unchanged"], (kind, unchanged, page)
print("matches the page's figures")
