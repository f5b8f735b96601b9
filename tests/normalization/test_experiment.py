"""The batch-size experiment: the model, a short training run, the shipped results file."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from core import normalization as nz
from core.normalization import BatchNorm, GroupNorm, LayerNorm


@pytest.fixture(scope="module")
def data():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny model: one thread, as the script and the page train it
    yield nz.digits_split()
    torch.set_num_threads(threads)


def test_split_is_fixed_and_stratified(data):
    x_tr, _, x_te, y_te = data
    assert x_tr.shape == (1347, 64) and x_te.shape == (450, 64)
    assert set(np.unique(y_te.numpy())) == set(range(10))
    again = nz.digits_split()
    assert torch.equal(again[0], x_tr) and torch.equal(again[3], y_te)


@pytest.mark.parametrize("norm", nz.NORMS)
def test_models_and_their_norm_layers_agree_with_ours(norm):
    model = nz.build_model(norm).double()
    layer = model[1]
    x = np.random.default_rng(0).normal(size=(5, 64))
    ours = {"batch": BatchNorm(64), "group": GroupNorm(nz.GROUPS, 64), "layer": LayerNorm(64)}.get(norm)
    if ours is None:
        assert isinstance(layer, torch.nn.Identity)
        return
    with torch.no_grad():
        theirs = layer(torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours(x), theirs, atol=1e-10)


def test_train_cell_is_reproducible_and_reports_progress(data):
    config = nz.TrainConfig(epochs=2)
    seen = []
    a = nz.train_cell("group", 64, 0, config, progress=lambda s, n: seen.append((s, n)), data=data)
    b = nz.train_cell("group", 64, 0, config, data=data)
    assert a.test_accuracy == b.test_accuracy and a.train_loss == b.train_loss
    assert a.steps == 2 * (1347 // 64 + 1)  # the last batch of 1347 % 64 = 3 samples is kept
    assert seen[-1] == (a.steps, a.steps)
    assert 0.5 < a.test_accuracy <= 1.0  # chance is 0.1
    # GroupNorm has no running statistics: train mode gives the eval-mode accuracy (float32 mean vs exact)
    assert a.train_mode_accuracy == pytest.approx(a.test_accuracy, abs=1e-6)


def test_batch_statistics_accuracy_uses_test_batches_and_leaves_the_model_alone(data):
    _, _, x_te, y_te = data
    torch.manual_seed(0)
    model = nz.build_model("batch")
    with torch.no_grad():
        model[1].running_mean.fill_(100.0)  # absurd running statistics: eval mode ignores the batch
    model.eval()
    before = model[1].running_mean.clone()
    acc = nz.batch_statistics_accuracy(model, x_te, y_te, 8)
    assert torch.equal(model[1].running_mean, before) and not model.training
    # brute force: the same batches through a train-mode copy
    probe = nz.build_model("batch")
    probe.load_state_dict(model.state_dict())
    probe.train()
    parts = len(x_te) // 8
    with torch.no_grad():
        hits = sum(
            int((probe(xb).argmax(1) == yb).sum())
            for xb, yb in zip(torch.tensor_split(x_te, parts), torch.tensor_split(y_te, parts), strict=True)
        )
    assert acc == hits / len(x_te)
    assert min(len(xb) for xb in torch.tensor_split(x_te, parts)) >= 8


def test_train_cell_refuses_bad_input(data):
    with pytest.raises(ValueError, match="norm"):
        nz.train_cell("weight", 8, 0, data=data)
    with pytest.raises(ValueError, match="batch_size"):
        nz.train_cell("batch", 1, 0, data=data)


def test_shipped_sweep_is_complete_and_shows_the_effect():
    record = json.loads(nz.SWEEP_PATH.read_text(encoding="utf-8"))
    cells = {(c["norm"], c["batch_size"], c["seed"]) for c in record["cells"]}
    assert cells == {(n, b, s) for n in nz.NORMS for b in nz.BATCH_SIZES for s in nz.SEEDS}
    assert record["config"] == nz.TrainConfig().__dict__
    summary = {(r["norm"], r["batch_size"]): r["mean"] for r in nz.summarize(record)}
    # the paper's result in miniature: BatchNorm collapses at batch size 2, GroupNorm and LayerNorm do not
    assert summary[("batch", 2)] < summary[("group", 2)] - 0.2
    assert summary[("batch", 2)] < summary[("layer", 2)] - 0.2
    assert summary[("batch", 32)] > 0.9
    rows = {(r["norm"], r["batch_size"]): r for r in nz.summarize(record)}
    # forgetting model.eval() hurts BatchNorm most at small batches, and nothing else
    assert rows[("batch", 2)]["train_mode_mean"] < rows[("batch", 2)]["mean"] - 0.1
    for cell in record["cells"]:
        if cell["norm"] != "batch":
            assert cell["train_mode_accuracy"] == pytest.approx(cell["test_accuracy"], abs=1e-6)


def test_a_shipped_cell_is_reproduced(data):
    """Retraining a shipped cell gives its accuracy (same code, seed and data; torch on one CPU)."""
    record = json.loads(nz.SWEEP_PATH.read_text(encoding="utf-8"))
    cell = next(c for c in record["cells"] if (c["norm"], c["batch_size"], c["seed"]) == ("layer", 64, 1))
    result = nz.train_cell("layer", 64, 1, nz.TrainConfig(**record["config"]), data=data)
    assert result.test_accuracy == pytest.approx(cell["test_accuracy"], abs=1 / 450 + 1e-9)
    np.testing.assert_allclose(result.train_loss, cell["train_loss"], rtol=1e-4)
