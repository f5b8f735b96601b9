"""core.normalization's layers against torch.nn in float64: forward, backward (autograd), running
statistics over several batches, train and eval, every option. Tolerance 1e-10 throughout."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.normalization import BatchNorm, GroupNorm, InstanceNorm, LayerNorm, RMSNorm

TOL = 1e-10


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64)


def _randomize_params(ours, theirs, rng) -> None:
    """Give both layers the same random weight/bias (not ones/zeros, so the affine part is tested)."""
    for name in ("weight", "bias"):
        mine = getattr(ours, name)
        if mine is None:
            assert getattr(theirs, name, None) is None
            continue
        value = rng.normal(size=mine.shape)
        setattr(ours, name, value.copy())
        with torch.no_grad():
            getattr(theirs, name).copy_(_t(value))


def _compare_step(ours, theirs, x: np.ndarray, rng) -> None:
    """One forward + backward of both, with a random upstream gradient; everything equal to 1e-10."""
    xt = _t(x).requires_grad_(True)
    yt = theirs(xt)
    dy = rng.normal(size=yt.shape)
    yt.backward(_t(dy))
    y = ours(x)
    grads = ours.backward(dy)
    assert y.shape == tuple(yt.shape)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(grads.input, xt.grad.numpy(), rtol=0, atol=TOL)
    for name, ours_grad in (("weight", grads.weight), ("bias", grads.bias)):
        param = getattr(theirs, name, None)
        if param is None:
            assert ours_grad is None
        else:
            np.testing.assert_allclose(ours_grad, param.grad.numpy(), rtol=0, atol=TOL)
            param.grad = None


def _compare_running(ours, theirs) -> None:
    if theirs.running_mean is None:
        assert ours.running_mean is None and ours.running_var is None
        return
    np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=0, atol=TOL)
    assert ours.num_batches_tracked == int(theirs.num_batches_tracked)


BN_SHAPES = [(5, 3), (4, 3, 7), (3, 3, 4, 5), (2, 3, 1, 1)]


@pytest.mark.parametrize("shape", BN_SHAPES, ids=str)
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("track", [True, False])
def test_batchnorm_train_then_eval_over_several_batches(shape, momentum, affine, track):
    rng = np.random.default_rng(0)
    cls = {2: torch.nn.BatchNorm1d, 3: torch.nn.BatchNorm1d, 4: torch.nn.BatchNorm2d}[len(shape)]
    theirs = cls(shape[1], eps=1e-3, momentum=momentum, affine=affine, track_running_stats=track).double()
    ours = BatchNorm(shape[1], eps=1e-3, momentum=momentum, affine=affine, track_running_stats=track)
    _randomize_params(ours, theirs, rng)
    for _ in range(4):  # several training batches: running statistics accumulate
        x = rng.normal(2.0, 3.0, size=shape)
        _compare_step(ours, theirs, x, rng)
        _compare_running(ours, theirs)
    theirs.eval()
    ours.eval()
    for batch in (shape[0], 1):  # eval mode; a batch of one is fine when running statistics are used
        x = rng.normal(2.0, 3.0, size=(batch, *shape[1:]))
        if not track and x.size // shape[1] == 1:
            continue  # batch statistics of one value: both refuse (tested below)
        _compare_step(ours, theirs, x, rng)
        _compare_running(ours, theirs)


def test_batchnorm_running_variance_is_unbiased_and_normalizes_with_biased():
    x = np.array([[1.0], [2.0], [6.0]])
    bn = BatchNorm(1, momentum=1.0, eps=0.0)
    y = bn(x)
    assert bn.running_var[0] == pytest.approx(np.var(x, ddof=1))  # 7.0
    np.testing.assert_allclose(y[:, 0], (x[:, 0] - 3.0) / np.sqrt(np.var(x)), atol=1e-15)


def test_batchnorm_cumulative_average_with_momentum_none():
    rng = np.random.default_rng(1)
    bn = BatchNorm(2, momentum=None)
    batches = [rng.normal(size=(6, 2)) for _ in range(5)]
    for b in batches:
        bn(b)
    np.testing.assert_allclose(bn.running_mean, np.mean([b.mean(0) for b in batches], axis=0), atol=1e-14)
    np.testing.assert_allclose(
        bn.running_var, np.mean([b.var(0, ddof=1) for b in batches], axis=0), atol=1e-14
    )


@pytest.mark.parametrize("shape", [(1, 3), (1, 3, 1), (1, 3, 1, 1)], ids=str)
def test_batchnorm_one_value_per_channel_in_training_raises_like_torch(shape):
    x = np.ones(shape)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        BatchNorm(3)(x)
    cls = torch.nn.BatchNorm1d if len(shape) < 4 else torch.nn.BatchNorm2d
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        cls(3).double()(_t(x))
    # eval mode with running statistics takes it
    assert BatchNorm(3).eval()(x).shape == shape
    with pytest.raises(ValueError, match="more than 1 value per channel"):  # eval without running stats
        BatchNorm(3, track_running_stats=False).eval()(x)
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        cls(3, track_running_stats=False).double().eval()(_t(x))


def test_batchnorm_starts_like_torch():
    ours, theirs = BatchNorm(4), torch.nn.BatchNorm1d(4)
    assert ours.training and theirs.training
    np.testing.assert_array_equal(ours.running_mean, theirs.running_mean.numpy())
    np.testing.assert_array_equal(ours.running_var, theirs.running_var.numpy())
    np.testing.assert_array_equal(ours.weight, theirs.weight.detach().numpy())
    np.testing.assert_array_equal(ours.bias, theirs.bias.detach().numpy())
    assert ours.num_batches_tracked == 0


@pytest.mark.parametrize(
    ("shape", "normalized"),
    [((4, 6), 6), ((3, 5, 8), (8,)), ((2, 3, 4, 5), (4, 5)), ((2, 3, 4, 5), (3, 4, 5)), ((7,), 7)],
    ids=str,
)
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("bias", [True, False])
def test_layernorm(shape, normalized, affine, bias):
    rng = np.random.default_rng(2)
    theirs = torch.nn.LayerNorm(normalized, eps=1e-4, elementwise_affine=affine, bias=bias).double()
    ours = LayerNorm(normalized, eps=1e-4, elementwise_affine=affine, bias=bias)
    _randomize_params(ours, theirs, rng)
    for mode in (True, False):  # no running statistics: train and eval agree
        ours.train(mode)
        theirs.train(mode)
        _compare_step(ours, theirs, rng.normal(-1.0, 2.0, size=shape), rng)


@pytest.mark.parametrize("shape", [(3, 6), (2, 6, 5), (2, 6, 3, 4), (1, 6, 1, 1), (2, 6)], ids=str)
@pytest.mark.parametrize("groups", [1, 2, 3, 6])
@pytest.mark.parametrize("affine", [True, False])
def test_groupnorm(shape, groups, affine):
    rng = np.random.default_rng(3)
    theirs = torch.nn.GroupNorm(groups, 6, eps=1e-5, affine=affine).double()
    ours = GroupNorm(groups, 6, eps=1e-5, affine=affine)
    _randomize_params(ours, theirs, rng)
    x = rng.normal(0.5, 1.5, size=shape)
    if x.size // groups == 1:  # torch refuses one sample whose groups hold one value each; so do we
        with pytest.raises(ValueError, match="more than 1 value"):
            theirs(_t(x))
        with pytest.raises(ValueError, match="more than 1 value"):
            ours(x)
        return
    _compare_step(ours, theirs, x, rng)


def test_groupnorm_refuses_groups_that_do_not_divide_channels():
    with pytest.raises(ValueError, match="divisible"):
        GroupNorm(4, 6)
    with pytest.raises(ValueError, match="divisible"):
        torch.nn.GroupNorm(4, 6)


@pytest.mark.parametrize("shape", [(3, 4, 6), (2, 4, 3, 5)], ids=str)
@pytest.mark.parametrize("affine", [False, True])
@pytest.mark.parametrize("track", [False, True])
@pytest.mark.parametrize("momentum", [0.1, 0.7, None])
def test_instancenorm_train_then_eval(shape, affine, track, momentum):
    rng = np.random.default_rng(4)
    cls = torch.nn.InstanceNorm1d if len(shape) == 3 else torch.nn.InstanceNorm2d
    theirs = cls(4, eps=1e-5, momentum=momentum, affine=affine, track_running_stats=track).double()
    ours = InstanceNorm(4, eps=1e-5, momentum=momentum, affine=affine, track_running_stats=track)
    _randomize_params(ours, theirs, rng)
    for _ in range(3):
        _compare_step(ours, theirs, rng.normal(1.0, 2.0, size=shape), rng)
        _compare_running(ours, theirs)
    ours.eval()
    theirs.eval()
    _compare_step(ours, theirs, rng.normal(1.0, 2.0, size=shape), rng)


def test_instancenorm_one_spatial_element_raises_like_torch():
    x = np.ones((2, 3, 1))
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        InstanceNorm(3)(x)
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        torch.nn.InstanceNorm1d(3)(_t(x))


@pytest.mark.parametrize(
    ("shape", "normalized"), [((4, 6), 6), ((2, 5, 8), 8), ((2, 3, 4, 5), (4, 5))], ids=str
)
@pytest.mark.parametrize("eps", [None, 1e-6])
@pytest.mark.parametrize("affine", [True, False])
def test_rmsnorm(shape, normalized, eps, affine):
    rng = np.random.default_rng(5)
    theirs = torch.nn.RMSNorm(normalized, eps=eps, elementwise_affine=affine).double()
    ours = RMSNorm(normalized, eps=eps, elementwise_affine=affine)
    _randomize_params(ours, theirs, rng)
    _compare_step(ours, theirs, rng.normal(0.3, 1.0, size=shape), rng)


def test_rmsnorm_default_eps_is_the_dtype_epsilon_on_tiny_inputs():
    # with x ~ 1e-9, mean(x^2) ~ 1e-18 is below float64's eps 2.2e-16: the eps choice is visible
    x = np.full((1, 4), 1e-9)
    theirs = torch.nn.RMSNorm(4).double()(_t(x)).detach().numpy()
    np.testing.assert_allclose(RMSNorm(4)(x), theirs, rtol=1e-12)
    assert abs(RMSNorm(4, eps=1e-5)(x)[0, 0] - theirs[0, 0]) > 1e-3


@pytest.mark.parametrize(
    "make",
    [
        lambda: BatchNorm(0),
        lambda: BatchNorm(3, momentum=1.5),
        lambda: BatchNorm(3, eps=-1.0),
        lambda: LayerNorm(0),
        lambda: GroupNorm(0, 4),
        lambda: InstanceNorm(-2),
        lambda: RMSNorm((4, 0)),
    ],
)
def test_bad_hyperparameters_raise_value_error(make):
    with pytest.raises(ValueError):
        make()


def test_bad_shapes_name_the_shape():
    with pytest.raises(ValueError, match="channels"):
        BatchNorm(3)(np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"\(4, 5\)"):
        LayerNorm(6)(np.zeros((4, 5)))
    with pytest.raises(ValueError, match="num_channels"):
        GroupNorm(2, 4)(np.zeros((4, 6, 2)))
    with pytest.raises(ValueError, match="forward"):
        LayerNorm(3).backward(np.zeros((1, 3)))
    ln = LayerNorm(3)
    ln(np.ones((2, 3)))
    with pytest.raises(ValueError, match="grad_output"):
        ln.backward(np.zeros((3, 3)))


@pytest.mark.parametrize("kind", ["batch", "group", "instance", "layer"])
def test_group_ids_are_the_elements_that_share_statistics(kind):
    """Adding a constant to one group of the input leaves every output unchanged (its mean absorbs it),
    while adding it to a set that straddles two groups does not: the ids are exactly the groups."""
    shape = (2, 4, 3)
    layer = {
        "batch": BatchNorm(4, affine=False),
        "group": GroupNorm(2, 4, affine=False),
        "instance": InstanceNorm(4),
        "layer": LayerNorm(3, elementwise_affine=False),
    }[kind]
    ids = layer.group_ids(shape)
    x = np.random.default_rng(6).normal(size=shape)
    base = layer(x)
    for g in np.unique(ids):
        shifted = layer(x + 5.0 * (ids == g))
        np.testing.assert_allclose(shifted, base, atol=1e-9)
    n, c, _ = np.indices(shape)
    expected = {"batch": c, "group": n * 2 + c // 2, "instance": n * 4 + c, "layer": n * 4 + c}[kind]
    assert (ids == expected).all()
    # a shift of one single element changes its group's outputs only
    one = np.zeros(shape)
    one[0, 0, 0] = 3.0
    changed = ~np.isclose(layer(x + one), base, atol=1e-12)
    assert set(np.unique(ids[changed])) == {ids[0, 0, 0]}
