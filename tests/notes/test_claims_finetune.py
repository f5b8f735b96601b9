"""The notes' "finetune" part, claim by claim, settled against torch, scikit-learn and the shipped sweep.

Each test is named by a claim of ``data/notes/claims.json`` (ids ``ft-...``). The source model is the one
the app ships (``data/finetune/source.pt``, digits 0-4); the target is digits 5-9.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.neighbors import NearestCentroid

import core.finetune as ft

RANDOM_SEEDS = range(20)  # the random backbones the page's text quotes


@pytest.fixture(scope="module")
def pretrained() -> ft.DigitNet:
    return ft.load_pretrained()


def _state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


@pytest.mark.parametrize("strategy", [s for s in ft.STRATEGIES if s != "scratch"])
def test_the_target_copies_every_parameter_but_the_output_layer(pretrained, strategy):
    """ft-copy-all-but-output: every backbone tensor of the target equals the source's bit for bit;
    the output layer is not the source's."""
    model, _ = ft.finetune_model(pretrained, strategy, 5, lr=1e-3, seed=0)
    source, target = _state(pretrained.backbone), _state(model.backbone)
    assert source.keys() == target.keys()
    assert all(torch.equal(source[k], target[k]) for k in source)
    assert not torch.equal(model.head.weight, pretrained.head.weight)


def test_the_source_head_would_fit_but_answers_for_the_source_classes(pretrained):
    """ft-drop-source-head: here both tasks have five classes, so the source head's shape would fit the
    target; it is dropped for what its outputs mean (digits 0-4), not for its shape. Its output k read
    as the target's class k (digit 5 + k) is mostly wrong."""
    model, _ = ft.finetune_model(pretrained, "head_lr", 5, lr=1e-3, seed=0)
    assert pretrained.head.weight.shape == model.head.weight.shape == (5, ft.FEATURES)
    task = ft.target_task()
    kept = ft.predict(pretrained, task.x_test)  # the source model as it is: its head's argmax
    assert float((kept == task.y_test).float().mean()) < 0.5


def test_the_new_head_is_random_with_the_targets_number_of_classes(pretrained):
    """ft-new-head-random: the new output layer has one output per target class, and its weights are
    torch's default draw for a Linear: uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)], a new draw for each
    seed."""
    heads = [
        ft.finetune_model(pretrained, "head_lr", n, lr=1e-3, seed=s)[0].head for n, s in ((3, 0), (3, 1))
    ]
    assert all(h.out_features == 3 and h.in_features == ft.FEATURES for h in heads)
    bound = 1 / math.sqrt(ft.FEATURES)
    assert all(
        float(h.weight.detach().abs().max()) <= bound and float(h.bias.detach().abs().max()) <= bound
        for h in heads
    )
    assert not torch.equal(heads[0].weight, heads[1].weight)


def test_pretrained_features_are_worse_for_the_target_than_random_ones(pretrained):
    """ft-knowledge-assumption: the nearest class mean of the backbone's 64 features (the pool's class
    means, the fixed test set) scores 75% through the pretrained backbone and 78% to 91.5% through twenty
    random ones (seeds 0 to 19), each figure equal to scikit-learn's NearestCentroid."""
    task = ft.target_task()
    y_pool, y_test = task.y_train.numpy(), task.y_test.numpy()

    def score(model: torch.nn.Module) -> float:
        pool, test = ft.features(model.eval(), task.x_train), ft.features(model, task.x_test)
        ours = ft.nearest_centroid_accuracy(pool, y_pool, test, y_test)
        with warnings.catch_warnings():  # dead ReLU units have no spread: sklearn warns, harmlessly
            warnings.simplefilter("ignore", UserWarning)
            assert ours == pytest.approx(NearestCentroid().fit(pool, y_pool).score(test, y_test), abs=1e-12)
        return ours

    copied = score(pretrained)
    random = [score(ft.new_model(task.num_classes, seed)) for seed in RANDOM_SEEDS]
    assert copied == pytest.approx(0.75, abs=1e-12)
    assert min(random) == pytest.approx(0.78, abs=1e-12) and max(random) == pytest.approx(0.915, abs=1e-12)


def test_scratch_wins_or_ties_at_every_size_in_the_shipped_comparison():
    """ft-head-scratch-rest-finetuned: in the shipped sweep (5 seeds per cell) training from scratch has
    the best mean test accuracy at every number of labels per class; with every label it ties with full
    fine-tuning and the head rate (all 96.4%), and the frozen backbone stays behind (85.3%)."""
    runs = pd.DataFrame(ft.load_results()["runs"])
    runs["size"] = runs["per_class"].astype(str)
    mean = runs.groupby(["size", "strategy"])["accuracy"].mean().unstack()
    best_other = mean.drop(columns="scratch").max(axis=1)
    assert (mean["scratch"] >= best_other - 1e-9).all(), (mean["scratch"] - best_other).to_dict()
    assert mean.loc["all", ["scratch", "full", "head_lr"]].tolist() == pytest.approx([0.964] * 3, abs=1e-9)
    assert mean.loc["all", "linear_probe"] == pytest.approx(0.853, abs=1e-9)


def test_fine_tuning_moves_every_copied_layer_and_the_probe_none(pretrained):
    """ft-head-scratch-rest-finetuned: under the notes' recipe (full: every layer trains) every copied
    layer moves away from its pretrained value; under the linear probe none moves by a single bit."""
    plan = ft.TrainPlan(steps=20, batch_size=64, eval_every=10)
    full = ft.run_strategy(pretrained, "full", 5, 0, plan=plan)
    probe = ft.run_strategy(pretrained, "linear_probe", 5, 0, plan=plan)
    for layer in ft.BACKBONE_LAYERS:
        now = np.concatenate([p.detach().numpy().ravel() for p in full.model.layer(layer).parameters()])
        then = np.concatenate([p.detach().numpy().ravel() for p in pretrained.layer(layer).parameters()])
        assert full.drift[layer] == pytest.approx(np.linalg.norm(now - then) / np.linalg.norm(then), rel=1e-6)
        assert full.drift[layer] > 0
        assert probe.drift[layer] == 0.0
