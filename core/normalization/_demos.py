r"""What the normalization page computes: the axis explorer, epsilon's placement, running statistics,
train vs eval mode, padded sequences; each with a check against torch.nn in float64.

Everything here is numpy on top of the layers of :mod:`core.normalization`; torch is used only as the
reference (:func:`torch_twin`, :func:`compare_with_torch`).
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

from core._validation import check_choice, check_whole
from core.budget import check_budget
from core.errors import InputError
from core.lazy import LazyModule
from core.normalization._layers import BatchNorm, GroupNorm, InstanceNorm, LayerNorm, RMSNorm, _Layer

torch = LazyModule("torch")  # imported when first used (core/lazy.py)

KINDS = ("batch", "layer", "group", "instance", "rms")
LAYOUTS = ("image", "sequence")  # (N, C, H, W) and (N, L, D)


def _t(a: np.ndarray) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64)


# --- torch reference -------------------------------------------------------------------------------------
def torch_twin(layer: _Layer, ndim: int) -> torch.nn.Module:
    """The torch.nn module equal to ``layer`` (same options, parameters and running statistics) for an
    input with ``ndim`` axes, in float64 and in the same mode."""
    if isinstance(layer, BatchNorm):
        cls = torch.nn.BatchNorm2d if ndim == 4 else torch.nn.BatchNorm1d
        twin = cls(layer.num_features, layer.eps, layer.momentum, layer.affine, layer.track_running_stats)
    elif isinstance(layer, InstanceNorm):
        cls = torch.nn.InstanceNorm2d if ndim == 4 else torch.nn.InstanceNorm1d
        twin = cls(layer.num_features, layer.eps, layer.momentum, layer.affine, layer.track_running_stats)
    elif isinstance(layer, GroupNorm):
        twin = torch.nn.GroupNorm(layer.num_groups, layer.num_channels, layer.eps, layer.affine)
    elif isinstance(layer, LayerNorm):
        twin = torch.nn.LayerNorm(
            layer.normalized_shape, layer.eps, layer.elementwise_affine, bias=layer.bias is not None
        )
    elif isinstance(layer, RMSNorm):
        twin = torch.nn.RMSNorm(layer.normalized_shape, layer.eps, layer.elementwise_affine)
    else:
        raise ValueError(f"no torch twin for {type(layer).__name__}.")
    twin = twin.double().train(layer.training)
    with torch.no_grad():
        for name in ("weight", "bias", "running_mean", "running_var"):
            value = getattr(layer, name, None)
            if value is not None:
                getattr(twin, name).copy_(_t(value))
        if getattr(layer, "num_batches_tracked", None) is not None:
            twin.num_batches_tracked.fill_(layer.num_batches_tracked)
    return twin


def compare_with_torch(layer: _Layer, x: np.ndarray, grad_output: np.ndarray | None = None) -> float:
    """Run ``layer`` (a copy: the caller's is left as it was) and its torch twin on ``x``, forward and
    backward with ``grad_output`` (random if None); the max |diff| over the output, the gradients
    w.r.t. input, weight and bias, and the running statistics afterwards."""
    ours = copy.deepcopy(layer)
    twin = torch_twin(ours, x.ndim)
    xt = _t(x).requires_grad_(True)
    yt = twin(xt)
    if grad_output is None:
        grad_output = np.random.default_rng(0).normal(size=tuple(yt.shape))
    yt.backward(_t(grad_output))
    y = ours(x)
    grads = ours.backward(grad_output)
    diffs = [np.abs(y - yt.detach().numpy()).max(), np.abs(grads.input - xt.grad.numpy()).max()]
    for name, g in (("weight", grads.weight), ("bias", grads.bias)):
        if g is not None:
            diffs.append(np.abs(g - getattr(twin, name).grad.numpy()).max())
    for name in ("running_mean", "running_var"):
        if getattr(ours, name, None) is not None:
            diffs.append(np.abs(getattr(ours, name) - getattr(twin, name).numpy()).max())
    return float(max(diffs))


# --- the axis explorer -----------------------------------------------------------------------------------
@dataclass
class Explored:
    """One normalization applied to one tensor, as the explorer draws it (all in the layout's axes)."""

    kind: str
    x: np.ndarray  # input, in the layout's shape
    y: np.ndarray  # output (weight 1, bias 0), same shape
    groups: np.ndarray  # for every element, the index of the group that shares its mean and variance
    statistics_shape: tuple[int, ...]  # shape of the mean / variance torch computes
    parameter_shape: tuple[int, ...] | None  # shape of weight (and bias)
    group_mean: np.ndarray  # per group, after normalization: ~0 (RMSNorm: not centred)
    group_var: np.ndarray  # per group, after normalization (biased): ~1
    group_mean_square: np.ndarray  # per group, mean(y^2) after: ~1 (what RMSNorm makes 1)
    group_mean_before: np.ndarray  # per group, before
    group_var_before: np.ndarray
    group_size: int  # elements per group
    torch_diff: float  # forward + backward + parameters' gradients vs torch.nn


def make_layer(kind: str, layout: str, shape: tuple[int, ...], num_groups: int) -> _Layer:
    """The layer ``kind`` as it is used on a tensor of ``layout``: on images (N, C, H, W) BatchNorm /
    GroupNorm / InstanceNorm work per channel C, LayerNorm and RMSNorm over (C, H, W); on sequences
    (N, L, D) every layer has D features: BatchNorm / GroupNorm / InstanceNorm see the tensor as
    (N, D, L) (torch's channel axis is 1), LayerNorm and RMSNorm normalize each token over D."""
    check_choice("kind", kind, KINDS)
    check_choice("layout", layout, LAYOUTS)
    channels = shape[1] if layout == "image" else shape[2]
    trailing = tuple(shape[1:]) if layout == "image" else (shape[2],)
    if kind == "batch":
        return BatchNorm(channels)
    if kind == "group":
        return GroupNorm(num_groups, channels)
    if kind == "instance":
        return InstanceNorm(channels, affine=True)
    if kind == "layer":
        return LayerNorm(trailing)
    return RMSNorm(trailing, eps=1e-5)


def _channels_first(kind: str, layout: str) -> bool:
    """Whether the layer sees a sequence (N, L, D) transposed to (N, D, L)."""
    return layout == "sequence" and kind in ("batch", "group", "instance")


def explore(kind: str, layout: str, shape: tuple[int, ...], num_groups: int = 2, seed: int = 0) -> Explored:
    """Normalize a random tensor of ``shape`` (values with a different offset and scale per channel, so
    the effect shows) with ``kind``; raises ValueError for impossible sizes (e.g. groups that do not
    divide the channels, or BatchNorm on one value per channel)."""
    check_choice("layout", layout, LAYOUTS)
    expected = 4 if layout == "image" else 3
    if (
        len(shape) != expected
        or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in shape)
        or min(shape) < 1
    ):
        raise InputError(
            "normalization.tensor_sizes",
            f"a {layout} tensor needs {expected} positive sizes, got {tuple(shape)}.",
            expected=expected,
            got=repr(tuple(shape)),
        )
    shape = tuple(int(s) for s in shape)
    check_whole("num_groups", num_groups, low=1)
    check_budget("shape", "elements", math.prod(shape))
    layer = make_layer(kind, layout, shape, num_groups)
    rng = np.random.default_rng(seed)
    channel_axis = 1 if layout == "image" else 2
    c = shape[channel_axis]
    view = [1] * len(shape)
    view[channel_axis] = c
    # x = offset_c + scale_c * z: every channel its own mean and spread
    x = rng.uniform(-3, 3, size=c).reshape(view) + rng.uniform(0.5, 3, size=c).reshape(view) * rng.normal(
        size=shape
    )
    flip = _channels_first(kind, layout)
    xin = x.transpose(0, 2, 1) if flip else x
    y = layer(xin)  # ours first: an impossible size is refused with our coded error, not torch's
    torch_diff = compare_with_torch(layer, xin)
    groups = layer.group_ids(xin.shape)
    stats = layer.statistics_shape(xin.shape)
    if flip:
        y, groups = y.transpose(0, 2, 1), groups.transpose(0, 2, 1)
    ids = groups.reshape(-1)
    count = np.bincount(ids)

    def mean_var(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # per group: mean(v) and mean((v - mean)^2)
        flat = values.reshape(-1)
        mean = np.bincount(ids, flat) / count
        return mean, np.bincount(ids, (flat - mean[ids]) ** 2) / count

    mean, var = mean_var(y)
    mean_before, var_before = mean_var(x)
    # mean(y^2) per group
    mean_square = np.bincount(ids, y.reshape(-1) ** 2) / count
    param = None if layer.weight is None else tuple(layer.weight.shape)
    return Explored(
        kind,
        x,
        y,
        groups,
        stats,
        param,
        mean,
        var,
        mean_square,
        mean_before,
        var_before,
        int(count[0]),
        torch_diff,
    )


# --- epsilon inside or outside the square root ------------------------------------------------------------
@dataclass
class EpsilonCurves:
    variance: np.ndarray  # the group's variance before normalization
    torch_std: np.ndarray  # std of the output with (x - mu) / sqrt(var + eps)
    notes_std: np.ndarray  # std of the output with (x - mu) / (sqrt(var) + eps)
    torch_diff: float  # our LayerNorm vs torch.nn.functional.layer_norm over every point


def epsilon_curves(
    eps: float = 1e-5, low: float = -14.0, high: float = 2.0, points: int = 161
) -> EpsilonCurves:
    r"""Normalize one vector scaled to variances :math:`10^{low} ... 10^{high}` with torch's formula
    :math:`(x-\mu)/\sqrt{\sigma^2+\epsilon}` (our LayerNorm) and the notes' :math:`(x-\mu)/(\sigma+\epsilon)`,
    and measure the output's standard deviation (1 when the normalization did its job)."""
    if not (np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive number, got {eps}.")
    if not (np.isfinite(low) and np.isfinite(high) and low < high) or not 2 <= points <= 2000:
        raise ValueError(f"need low < high and 2..2000 points, got {low}, {high}, {points}.")
    z = np.random.default_rng(0).normal(size=32)
    z = (z - z.mean()) / z.std()  # mean 0, variance 1
    variance = np.logspace(low, high, points)
    x = np.sqrt(variance)[:, None] * z[None, :]  # one row per variance: var(row) = variance
    ln = LayerNorm(32, eps=eps, elementwise_affine=False)
    ours = ln(x)
    theirs = torch.nn.functional.layer_norm(_t(x), (32,), eps=eps).numpy()
    mu = x.mean(axis=1, keepdims=True)
    sigma = x.std(axis=1, keepdims=True)
    # the notes: (x - mu) / (sqrt(Var) + eps)
    notes = (x - mu) / (sigma + eps)
    return EpsilonCurves(variance, ours.std(axis=1), notes.std(axis=1), float(np.abs(ours - theirs).max()))


# --- running statistics ----------------------------------------------------------------------------------
TRUE_MEAN, TRUE_STD = 3.0, 2.0  # the feature's distribution in the running-statistics demo


@dataclass
class RunningStats:
    batch_mean: np.ndarray  # per batch
    batch_var_biased: np.ndarray  # used to normalize the batch
    batch_var_unbiased: np.ndarray  # what goes into running_var
    running_mean: np.ndarray  # after each batch
    running_var: np.ndarray
    running_var_if_biased: np.ndarray  # what running_var would be if it stored the biased variance
    torch_diff: float  # running statistics and outputs vs torch.nn.BatchNorm1d, all batches


def running_statistics(momentum: float | None, batches: int, batch_size: int, seed: int = 0) -> RunningStats:
    """Feed ``batches`` batches of ``batch_size`` values of one feature drawn from N(3, 2^2) through a
    BatchNorm in training mode, and record what it normalizes with and what it stores."""
    check_whole("batches", batches, low=1, high=2000)
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size < 2:
        raise InputError(
            "normalization.training_batch_size",
            f"batch_size must be an integer of at least 2 in training mode, got {batch_size!r}: "
            "BatchNorm cannot train on one value per channel.",
            got=repr(batch_size),
        )
    check_budget("batch_size", "elements", batches * batch_size)
    rng = np.random.default_rng(seed)
    bn = BatchNorm(1, momentum=momentum, affine=False)
    twin = torch_twin(bn, 2)
    rows = []
    diff = 0.0
    if_biased = 1.0  # running_var starts at 1
    for _ in range(batches):
        x = rng.normal(TRUE_MEAN, TRUE_STD, size=(batch_size, 1))
        y = bn(x)
        with torch.no_grad():
            yt = twin(_t(x)).numpy()
        diff = max(
            diff,
            np.abs(y - yt).max(),
            abs(bn.running_mean[0] - float(twin.running_mean[0])),
            abs(bn.running_var[0] - float(twin.running_var[0])),
        )
        m = 1.0 / bn.num_batches_tracked if momentum is None else momentum
        # the same update fed with the biased variance: (1 - m) v + m sigma_B^2
        if_biased = (1 - m) * if_biased + m * x.var()
        rows.append((x.mean(), x.var(), x.var(ddof=1), bn.running_mean[0], bn.running_var[0], if_biased))
    a = np.array(rows)
    return RunningStats(a[:, 0], a[:, 1], a[:, 2], a[:, 3], a[:, 4], a[:, 5], float(diff))


@dataclass
class ModeEffect:
    eval_output: float  # the sample's output in eval mode: one value, whatever the batch
    train_outputs: np.ndarray  # its output in train mode, batched with random companions
    batch_of_one_error: str  # our ValueError for a training batch of one value per channel, (1, 1)
    torch_error: str  # torch's
    image_shape: tuple[int, ...]  # one image: a batch of one sample with H x W values per channel
    image_diff: float  # BatchNorm in training mode on that one image vs torch.nn.BatchNorm2d (it trains)


def train_mode_effect(batch_size: int, trials: int = 200, seed: int = 0) -> ModeEffect:
    """After running statistics have converged (500 batches, momentum 0.1), pass the same sample x = 5
    through BatchNorm: in eval mode alone, and in train mode with ``batch_size - 1`` random companions."""
    check_whole("batch_size", batch_size, low=2, high=1024)
    check_whole("trials", trials, low=1, high=10_000)
    rng = np.random.default_rng(seed)
    bn = BatchNorm(1, affine=False)
    for _ in range(500):
        bn(rng.normal(TRUE_MEAN, TRUE_STD, size=(32, 1)))
    sample = 5.0
    bn.eval()
    eval_output = float(bn(np.array([[sample]]))[0, 0])
    bn.train()
    outs = []
    for _ in range(trials):
        batch = np.concatenate([[[sample]], rng.normal(TRUE_MEAN, TRUE_STD, size=(batch_size - 1, 1))])
        outs.append(bn(batch)[0, 0])
    try:
        bn(np.array([[sample]]))
        ours = ""
    except ValueError as error:
        ours = str(error)
    try:
        torch.nn.BatchNorm1d(1)(torch.tensor([[sample]]))
        theirs = ""
    except ValueError as error:
        theirs = str(error)
    # one image is a batch of one sample, yet each channel has H x W values: BatchNorm2d trains on it
    image = rng.normal(TRUE_MEAN, TRUE_STD, size=(1, 3, 4, 4))
    image_diff = compare_with_torch(BatchNorm(3), image)
    return ModeEffect(eval_output, np.array(outs), ours, theirs, image.shape, image_diff)


# --- transformers: padded sequences ----------------------------------------------------------------------
@dataclass
class PaddingEffect:
    lengths: tuple[int, ...]  # the other sequences' lengths in each batch
    layer_change: np.ndarray  # per batch: max |change| of the first sentence's outputs vs batch 0, LayerNorm
    batch_change: np.ndarray  # the same with BatchNorm over (batch, positions), padding included
    rms_change: np.ndarray  # RMSNorm
    rms_vs_layer: float  # max |RMSNorm - LayerNorm| on the first sentence (they differ by the mean)
    token_mean: float  # mean |per-token mean| of the sentence: what LayerNorm subtracts and RMSNorm keeps
    torch_diff: float  # every layer vs torch.nn on the last batch


def padding_effect(
    sentence_length: int = 4, others: tuple[int, ...] = (4, 8, 16, 32), features: int = 8, seed: int = 0
) -> PaddingEffect:
    """Put one sentence (``sentence_length`` tokens of ``features`` features) in batches with a second
    sentence of each length in ``others``, zero-padded to the longer one, shape (2, L, D). LayerNorm and
    RMSNorm normalize each token alone; BatchNorm averages over the batch and all positions, padding
    included, so the sentence's outputs change with its companions."""
    if not 1 <= sentence_length <= 64 or not others or min(others) < 1 or max(others) > 256:
        raise ValueError("sentence lengths must be from 1 to 256 tokens.")
    rng = np.random.default_rng(seed)
    sentence = rng.normal(1.0, 2.0, size=(sentence_length, features))
    ln, rms, bn = LayerNorm(features), RMSNorm(features, eps=1e-5), BatchNorm(features)
    outs: dict[str, list[np.ndarray]] = {"layer": [], "batch": [], "rms": []}
    diff = 0.0
    for other in others:
        length = max(sentence_length, other)
        batch = np.zeros((2, length, features))  # zero padding
        batch[0, :sentence_length] = sentence
        batch[1, :other] = rng.normal(1.0, 2.0, size=(other, features))
        outs["layer"].append(ln(batch)[0, :sentence_length])
        outs["rms"].append(rms(batch)[0, :sentence_length])
        as_channels = batch.transpose(0, 2, 1)  # (N, D, L): torch's BatchNorm1d wants the features on axis 1
        outs["batch"].append(bn(as_channels).transpose(0, 2, 1)[0, :sentence_length])
        diff = max(diff, compare_with_torch(ln, batch), compare_with_torch(rms, batch))
        diff = max(diff, compare_with_torch(bn, as_channels))
    change = {k: np.array([np.abs(o - v[0]).max() for o in v]) for k, v in outs.items()}
    return PaddingEffect(
        tuple(others),
        change["layer"],
        change["batch"],
        change["rms"],
        float(np.abs(outs["rms"][0] - outs["layer"][0]).max()),
        float(np.abs(sentence.mean(axis=1)).mean()),
        float(diff),
    )
