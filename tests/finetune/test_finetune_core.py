"""core.finetune against torch and scikit-learn: trainable sets, optimizer groups, the frozen backbone,
the shipped weights and results, the PCA, the errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from sklearn.metrics import accuracy_score

from core.finetune import (
    BACKBONE_LAYERS,
    DISCRIMINATIVE_DECAY,
    LAYERS,
    RESULTS_PATH,
    SIZES,
    STRATEGIES,
    TEST_PER_CLASS,
    WEIGHTS_PATH,
    TrainPlan,
    accuracy,
    backbone_drift,
    features,
    finetune_model,
    formula_count,
    labelled_subset,
    layer_learning_rates,
    layer_table,
    load_pretrained,
    load_results,
    nearest_centroid_accuracy,
    new_model,
    parameter_counts,
    pca_2d,
    predict,
    run_strategy,
    source_task,
    target_task,
    train,
)

LR = 1e-3
MULT = 10.0
SHORT = TrainPlan(steps=15, batch_size=16, eval_every=5)


@pytest.fixture(scope="module")
def pretrained():
    return load_pretrained()


def _state(model) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


# what each strategy must train, at which rate (written out by hand, not computed by the code under test)
EXPECTED_RATES = {
    "scratch": {"conv1": LR, "conv2": LR, "fc": LR, "head": LR},
    "full": {"conv1": LR, "conv2": LR, "fc": LR, "head": LR},
    "linear_probe": {"head": MULT * LR},
    "head_lr": {"conv1": LR, "conv2": LR, "fc": LR, "head": MULT * LR},
    "discriminative": {
        "conv1": LR / DISCRIMINATIVE_DECAY**2,
        "conv2": LR / DISCRIMINATIVE_DECAY,
        "fc": LR,
        "head": MULT * LR,
    },
}


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_trainable_set_and_optimizer_groups_read_back_from_torch(pretrained, strategy):
    model, groups = finetune_model(pretrained, strategy, 5, lr=LR, head_lr_mult=MULT, seed=3)
    optimizer = torch.optim.Adam(groups)
    expected = EXPECTED_RATES[strategy]
    # the optimizer's own groups: one per training layer, with the expected rate
    assert [g["name"] for g in optimizer.param_groups] == list(expected)
    for group in optimizer.param_groups:
        assert group["lr"] == pytest.approx(expected[group["name"]], rel=1e-12)
        layer_params = list(model.layer(group["name"]).parameters())
        assert [id(p) for p in group["params"]] == [id(p) for p in layer_params]
    # requires_grad: exactly the parameters the optimizer holds
    in_optimizer = {id(p) for g in optimizer.param_groups for p in g["params"]}
    for name, p in model.named_parameters():
        assert p.requires_grad == (id(p) in in_optimizer), name
    if strategy == "linear_probe":
        assert not any(p.requires_grad for p in model.backbone.parameters())
    frozen_expected = sum(p.numel() for p in model.backbone.parameters()) if strategy == "linear_probe" else 0
    trainable, frozen = parameter_counts(model)
    assert frozen == frozen_expected
    assert trainable + frozen == sum(p.numel() for p in model.parameters())
    # the layer table reads the same rates back
    rows = {r.name: r for r in layer_table(model, groups)}
    for name in LAYERS:
        assert rows[name].trainable == (name in expected)
        assert rows[name].lr == (pytest.approx(expected[name]) if name in expected else None)
        assert rows[name].formula_count == rows[name].torch_count


def test_layer_learning_rates_match_finetune_model():
    for strategy in STRATEGIES:
        rates = layer_learning_rates(strategy, LR, MULT)
        assert rates == pytest.approx(EXPECTED_RATES[strategy])


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_backbone_copied_head_new_and_pretrained_untouched(pretrained, strategy):
    before = _state(pretrained)
    model, groups = finetune_model(pretrained, strategy, 3, lr=LR, seed=7)
    assert model.head.out_features == 3
    copied = all(
        torch.equal(a, b)
        for a, b in zip(model.backbone.parameters(), pretrained.backbone.parameters(), strict=True)
    )
    assert copied == (strategy != "scratch")
    # the copy owns its tensors: training it leaves the pretrained model as it was
    task = target_task()
    x, y = task.x_train[:30], task.y_train[:30] % 3
    train(model, groups, x, y, plan=SHORT, seed=0)
    after = pretrained.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    # the same seed gives every strategy the same new head
    other, _ = finetune_model(pretrained, "full", 3, lr=LR, seed=7)
    reference, _ = finetune_model(pretrained, "scratch", 3, lr=LR, seed=7)
    assert torch.equal(other.head.weight, reference.head.weight)


def test_linear_probe_leaves_the_backbone_bit_identical(pretrained):
    result = run_strategy(pretrained, "linear_probe", 5, seed=1, plan=SHORT)
    for a, b in zip(result.model.backbone.parameters(), pretrained.backbone.parameters(), strict=True):
        assert torch.equal(a, b)
    assert result.drift == dict.fromkeys(BACKBONE_LAYERS, 0.0)
    fresh, _ = finetune_model(pretrained, "linear_probe", 5, lr=LR, seed=1)
    assert not torch.equal(result.model.head.weight, fresh.head.weight)  # the head did train
    # and the other strategies do move the backbone
    full = run_strategy(pretrained, "full", 5, seed=1, plan=SHORT)
    assert all(v > 1e-4 for v in full.drift.values())


def test_drift_is_the_relative_frobenius_distance(pretrained):
    result = run_strategy(pretrained, "head_lr", 2, seed=0, plan=SHORT)
    for name in BACKBONE_LAYERS:
        now = np.concatenate([p.detach().numpy().ravel() for p in result.model.layer(name).parameters()])
        then = np.concatenate([p.detach().numpy().ravel() for p in pretrained.layer(name).parameters()])
        expected = np.linalg.norm(now.astype(np.float64) - then) / np.linalg.norm(then.astype(np.float64))
        assert result.drift[name] == pytest.approx(expected, rel=1e-9)
    assert backbone_drift(pretrained, pretrained) == dict.fromkeys(BACKBONE_LAYERS, 0.0)


def test_runs_are_reproducible(pretrained):
    a = run_strategy(pretrained, "discriminative", 2, seed=4, plan=SHORT)
    b = run_strategy(pretrained, "discriminative", 2, seed=4, plan=SHORT)
    assert a.log.test_accuracy == b.log.test_accuracy
    assert all(torch.equal(p, q) for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True))
    assert a.log.steps == [0, 5, 10, 15]


def test_shipped_weights_load_and_reproduce_the_shipped_source_accuracy(pretrained):
    assert WEIGHTS_PATH.stat().st_size < 1_000_000
    state = torch.load(WEIGHTS_PATH, map_location="cpu", weights_only=True)
    assert all(v.dtype == torch.float16 for v in state.values())
    assert not pretrained.training
    results = load_results()
    src = source_task()
    assert accuracy(pretrained, src.x_test, src.y_test) == results["source"]["accuracy"]
    assert results["source"]["accuracy"] >= 0.97
    assert results["source"]["test_size"] == len(src.x_test) == 5 * TEST_PER_CLASS


def test_shipped_sweep_is_complete():
    results = json.loads(RESULTS_PATH.read_text(encoding="utf-8"))
    seeds = results["plan"]["seeds"]
    assert len(seeds) >= 3
    keys = {(r["strategy"], str(r["per_class"]), r["seed"]) for r in results["runs"]}
    assert keys == {(s, str(n), seed) for s in STRATEGIES for n in SIZES for seed in seeds}
    assert all(0.0 <= r["accuracy"] <= 1.0 for r in results["runs"])
    probe = [r for r in results["runs"] if r["strategy"] == "linear_probe"]
    assert all(v == 0.0 for r in probe for v in r["drift"].values())


def test_accuracy_and_predictions_match_sklearn(pretrained):
    src = source_task()
    y_hat = predict(pretrained, src.x_test).numpy()
    assert accuracy(pretrained, src.x_test, src.y_test) == pytest.approx(
        accuracy_score(src.y_test.numpy(), y_hat), abs=1e-15
    )


def test_formula_counts_match_torch(pretrained):
    for name in LAYERS:
        module = pretrained.layer(name)
        assert formula_count(module) == sum(p.numel() for p in module.parameters())
    with pytest.raises(ValueError, match="Conv2d or Linear"):
        formula_count(torch.nn.ReLU())


def test_pca_matches_sklearn(pretrained):
    data = features(pretrained, target_task().x_test)
    scores, explained = pca_2d(data)
    reference = PCA(n_components=2, svd_solver="full").fit(data)
    expected = reference.transform(data)
    # a principal component is defined up to its sign
    signs = np.sign((scores * expected).sum(axis=0))
    np.testing.assert_allclose(scores * signs, expected, atol=1e-9)
    np.testing.assert_allclose(explained, reference.explained_variance_ratio_, rtol=1e-9)
    with pytest.raises(ValueError, match="finite"):
        pca_2d(np.ones((1, 4)))


def test_tasks_are_disjoint_balanced_and_fixed():
    src, tgt = source_task(), target_task()
    assert src.digits == (0, 1, 2, 3, 4) and tgt.digits == (5, 6, 7, 8, 9)
    for task in (src, tgt):
        assert np.bincount(task.y_test.numpy()).tolist() == [TEST_PER_CLASS] * 5
        # pool and test set together are every image of the task's digits, each once
        from sklearn.datasets import load_digits

        digits = load_digits()
        per_digit = np.bincount(digits.target, minlength=10)[list(task.digits)]
        assert (task.pool_per_class() + TEST_PER_CLASS).tolist() == per_digit.tolist()
    x, y = labelled_subset(tgt, 5, seed=0)
    assert np.bincount(y.numpy()).tolist() == [5] * 5
    x2, _ = labelled_subset(tgt, 5, seed=0)
    x3, _ = labelled_subset(tgt, 5, seed=1)
    assert torch.equal(x, x2) and not torch.equal(x, x3)
    assert len(labelled_subset(tgt, "all", seed=0)[0]) == len(tgt.x_train)


def test_bad_input_raises_clear_errors(pretrained):
    with pytest.raises(ValueError, match="strategy must be one of"):
        finetune_model(pretrained, "freeze_all", 5, lr=LR)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        finetune_model(pretrained, "full", 5, lr=0.0)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        finetune_model(pretrained, "full", 5, lr=float("nan"))
    with pytest.raises(ValueError, match="head_lr_mult"):
        finetune_model(pretrained, "head_lr", 5, lr=LR, head_lr_mult=-1.0)
    with pytest.raises(ValueError, match="num_classes"):
        finetune_model(pretrained, "full", 0, lr=LR)
    with pytest.raises(ValueError, match="pretrained must be a DigitNet"):
        finetune_model(torch.nn.Linear(2, 2), "full", 5, lr=LR)
    smallest = int(target_task().pool_per_class().min())
    for bad in (0, smallest + 1, 2.5, "ten"):
        with pytest.raises(ValueError, match="per_class must be 'all' or a whole number from 1 to"):
            labelled_subset(target_task(), bad, seed=0)


# dead ReLU units have zero spread within a class: sklearn warns about it, harmlessly
@pytest.mark.filterwarnings("ignore:self.within_class_std_dev_:UserWarning")
def test_nearest_centroid_matches_sklearn(pretrained):
    from sklearn.neighbors import NearestCentroid

    task = target_task()
    for model in (pretrained, new_model(5, 0).eval()):
        pool, test = features(model, task.x_train), features(model, task.x_test)
        ours = nearest_centroid_accuracy(pool, task.y_train.numpy(), test, task.y_test.numpy())
        reference = NearestCentroid().fit(pool, task.y_train.numpy()).score(test, task.y_test.numpy())
        assert ours == pytest.approx(reference, abs=1e-12)
    # a hand-checkable case: centroids 0 and 10 on a line
    assert nearest_centroid_accuracy(
        [[0.0], [10.0]], [0, 1], [[4.0], [6.0], [9.0]], [0, 1, 0]
    ) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="one width"):
        nearest_centroid_accuracy(np.ones((2, 2)), [0, 1], np.ones((2, 3)), [0, 1])


@pytest.mark.parametrize(
    ("strategy", "per_class", "seed"), [("linear_probe", 2, 1), ("discriminative", 5, 3)]
)
def test_a_rerun_reproduces_the_shipped_sweep(pretrained, strategy, per_class, seed):
    shipped = {(r["strategy"], str(r["per_class"]), r["seed"]): r for r in load_results()["runs"]}
    run = shipped[(strategy, str(per_class), seed)]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the script ran
    try:
        result = run_strategy(pretrained, strategy, per_class, seed)
    finally:
        torch.set_num_threads(threads)
    assert result.accuracy == run["accuracy"]
    assert result.drift == pytest.approx(run["drift"], abs=1e-6)  # the file keeps 6 decimals
