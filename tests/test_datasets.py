"""core.datasets: the bundled data sets are read once and shared read-only; every split is a fresh copy
equal to scikit-learn's own loader and split."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.model_selection import train_test_split

from core import datasets


@pytest.mark.parametrize(("name", "loader"), [("digits", load_digits), ("breast_cancer", load_breast_cancer)])
def test_load_is_sklearns_data_read_only(name, loader):
    x, y = datasets.load(name)
    want_x, want_y = loader(return_X_y=True)
    assert np.array_equal(x, want_x) and np.array_equal(y, want_y) and y.dtype == np.int64
    assert not x.flags.writeable and not y.flags.writeable
    with pytest.raises(ValueError, match="dataset must be one of"):
        datasets.load("iris")


def test_splits_are_fresh_and_equal_to_sklearns():
    x_tr, y_tr, x_te, y_te = datasets.digits_split(0.25, 0)
    assert len(x_tr) == len(y_tr) == 1347 and len(x_te) == 450
    x, y = load_digits(return_X_y=True)
    want = train_test_split((x / 16.0).astype(np.float32), y, test_size=0.25, random_state=0, stratify=y)
    assert np.array_equal(x_tr.numpy(), want[0]) and np.array_equal(y_te.numpy(), want[3])
    x_tr[0, 0] = 99.0  # the caller owns its copy: the next split is untouched
    assert datasets.digits_split(0.25, 0)[0][0, 0] != 99.0
    images, labels = datasets.digit_images()
    assert (
        images.shape == (1797, 8, 8) and images.dtype == np.float32 and 0 <= images.min() <= images.max() <= 1
    )
    assert images.flags.writeable and labels.flags.writeable


def test_standardized_split_uses_the_training_statistics():
    x_tr, y_tr, x_te, _, classes = datasets.standardized_split("breast_cancer", seed=3)
    assert classes == 2 and x_tr.dtype == torch.float32 and y_tr.dtype == torch.int64
    # standardised with the training split's mean and std: the training columns have mean 0, std 1
    assert torch.allclose(x_tr.double().mean(0), torch.zeros(x_tr.shape[1], dtype=torch.float64), atol=1e-6)
    assert torch.allclose(
        x_tr.double().std(0, unbiased=False), torch.ones(30, dtype=torch.float64), atol=1e-5
    )
    assert len(x_te) == 143


def test_held_out_per_class():
    _, y = datasets.load("digits")
    train, test = datasets.held_out_per_class(y, (3, 7), 10, seed=1)
    assert [len(t) for t in test] == [10, 10]
    for c, tr, te in zip((3, 7), train, test, strict=True):
        assert set(tr).isdisjoint(te) and (y[tr] == c).all() and (y[te] == c).all()
        assert len(tr) + len(te) == int((y == c).sum())
