r"""The five normalization layers in numpy, each with the forward pass and the backward pass.

Every layer computes

.. math::

    y = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} \, \gamma + \beta

(RMSNorm: :math:`y = x / \sqrt{\operatorname{mean}(x^2) + \epsilon} \, \gamma`), and they differ only in
*which elements share* :math:`\mu` and :math:`\sigma^2` (the "group" of an element) and in the shape of
:math:`\gamma, \beta`. :math:`\sigma^2` is the biased variance (divide by the group's size :math:`M`).

The backward pass of a group of :math:`M` elements with :math:`\hat x = (x - \mu)/s`,
:math:`s = \sqrt{\sigma^2 + \epsilon}` and
:math:`g = \partial L / \partial \hat x = \gamma \, \partial L / \partial y`:

.. math::

    \frac{\partial L}{\partial x} = \frac{1}{s}\Big(g - \operatorname{mean}(g) - \hat x \,
    \operatorname{mean}(g \hat x)\Big)

(the two means over the group), and for RMSNorm with :math:`r = 1/\sqrt{\operatorname{mean}(x^2) + \epsilon}`:
:math:`\partial L / \partial x = r\,(g - \hat x \operatorname{mean}(g \hat x))`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.errors import InputError


@dataclass(frozen=True)
class Gradients:
    """What a backward pass returns: dL/dx, and dL/dweight, dL/dbias (None without those parameters)."""

    input: np.ndarray
    weight: np.ndarray | None
    bias: np.ndarray | None


def _as_float_array(x: object, name: str = "x") -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "fiu":
        raise ValueError(f"{name} must be a numeric array, got dtype {arr.dtype}.")
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    return arr


def _check_eps(eps: float) -> float:
    if not np.isfinite(eps) or eps < 0:
        raise ValueError(f"eps must be a finite number >= 0, got {eps}.")
    return float(eps)


def _normalize(x: np.ndarray, axes: tuple[int, ...], eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x_hat, mean, inverse std) over ``axes`` (kept as size-1 axes), with the biased variance."""
    # mu = mean(x) over the group (two passes: the variance is taken around the mean, stable)
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    # sigma^2 = mean((x - mu)^2)   (biased: divide by M)
    var = (centred * centred).mean(axis=axes, keepdims=True)
    # 1 / sqrt(sigma^2 + eps)     (epsilon inside the square root, as torch)
    inv_std = 1.0 / np.sqrt(var + eps)
    return centred * inv_std, mean, inv_std


def _normalize_backward(g: np.ndarray, x_hat: np.ndarray, inv_std: np.ndarray, axes: tuple[int, ...]):
    # dL/dx = (1/s) (g - mean(g) - x_hat mean(g x_hat))
    return inv_std * (
        g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)
    )


class _Layer:
    """Shared parts: ``m(x)`` calls :meth:`forward`; ``train()`` / ``eval()`` as torch's Module."""

    training: bool = True
    weight: np.ndarray | None
    bias: np.ndarray | None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def train(self, mode: bool = True) -> _Layer:
        self.training = bool(mode)
        return self

    def eval(self) -> _Layer:
        return self.train(False)

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - every layer defines it
        raise NotImplementedError

    def backward(self, grad_output: np.ndarray) -> Gradients:
        """Gradients of a loss L w.r.t. the input and the parameters of the last :meth:`forward`, given
        ``grad_output`` = dL/dy (same shape as y). Equal to torch's autograd."""
        if getattr(self, "_saved", None) is None:
            raise ValueError("backward needs a forward pass first: call the layer on an input.")
        grad_output = _as_float_array(grad_output, "grad_output")
        if grad_output.shape != self._saved["shape"]:
            raise ValueError(
                f"grad_output must have the output's shape {self._saved['shape']}, got {grad_output.shape}."
            )
        return self._backward(grad_output)

    def _backward(self, grad_output: np.ndarray) -> Gradients:  # pragma: no cover
        raise NotImplementedError

    # --- what the axis explorer draws ---------------------------------------------------------------------
    def group_ids(self, shape: Sequence[int]) -> np.ndarray:
        """For every element of an input of ``shape``, the index of the group whose mean and variance
        normalize it (elements with the same id share their statistics)."""
        raise NotImplementedError  # pragma: no cover

    def statistics_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        """Shape of the mean and variance computed from an input of ``shape`` (as torch's native kernels
        save them)."""
        raise NotImplementedError  # pragma: no cover


def _affine_backward(grad_output, x_hat, weight, sum_axes, param_shape):
    """dL/dgamma = sum(dL/dy * x_hat), dL/dbeta = sum(dL/dy), summed over every axis but the parameter's."""
    grad_weight = (grad_output * x_hat).sum(axis=sum_axes).reshape(param_shape)
    grad_bias = grad_output.sum(axis=sum_axes).reshape(param_shape)
    return grad_weight, grad_bias


class _RunningStatsNorm(_Layer):
    """What BatchNorm and InstanceNorm share, as torch's ``_NormBase``: one statistic per channel, an
    optional per-channel affine, and optional running statistics (their defaults differ: the subclasses
    set them)."""

    def __init__(
        self,
        num_features: int,
        eps: float,
        momentum: float | None,
        affine: bool,
        track_running_stats: bool,
    ) -> None:
        if int(num_features) != num_features or num_features < 1:
            raise ValueError(f"num_features must be a positive integer, got {num_features}.")
        if momentum is not None and not (0.0 <= momentum <= 1.0):
            raise ValueError(f"momentum must be in [0, 1] or None (cumulative average), got {momentum}.")
        self.num_features = int(num_features)
        self.eps = _check_eps(eps)
        self.momentum = None if momentum is None else float(momentum)
        self.affine = bool(affine)
        self.track_running_stats = bool(track_running_stats)
        self.weight = np.ones(self.num_features) if affine else None
        self.bias = np.zeros(self.num_features) if affine else None
        if track_running_stats:
            self.running_mean: np.ndarray | None = np.zeros(self.num_features)
            self.running_var: np.ndarray | None = np.ones(self.num_features)
            self.num_batches_tracked: int | None = 0
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None
        self.training = True
        self._saved = None


class BatchNorm(_RunningStatsNorm):
    r"""Batch normalization (torch.nn.BatchNorm1d / BatchNorm2d in one class).

    For an input of shape (N, C), (N, C, L) or (N, C, H, W), channel :math:`c` is normalized with the
    mean and variance of all its :math:`M = N \cdot L` (or :math:`N H W`) values in the batch:

    .. math::

        y = \frac{x - \mu_c}{\sqrt{\sigma_c^2 + \epsilon}} \gamma_c + \beta_c

    In training mode :math:`\mu_c, \sigma_c^2` are the batch's (biased variance) and the running
    statistics are updated with the *unbiased* variance :math:`\sigma_c^2 M / (M - 1)`:

    .. math::

        \hat\mu \leftarrow (1 - m)\hat\mu + m \mu_c, \qquad
        \hat\sigma^2 \leftarrow (1 - m)\hat\sigma^2 + m \frac{M}{M-1}\sigma_c^2

    with :math:`m` = ``momentum``, or :math:`m = 1/t` after the t-th batch when ``momentum=None`` (the
    cumulative average). In eval mode the running statistics are used (when tracked).

    Parameters
    ----------
    num_features : int
        C, the number of channels.
    eps : float, default 1e-5
        Added to the variance inside the square root.
    momentum : float or None, default 0.1
        Weight of the new batch in the running statistics; None for the cumulative average.
    affine : bool, default True
        Learnable ``weight`` (ones) and ``bias`` (zeros) of shape (C,).
    track_running_stats : bool, default True
        Keep ``running_mean`` (zeros), ``running_var`` (ones) and ``num_batches_tracked``; without them
        the batch's statistics are used in eval mode too.

    Raises
    ------
    ValueError
        In training mode, when a channel has only one value (N = 1 and no spatial axes), like torch.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats)

    def _check(self, x: np.ndarray) -> None:
        if x.ndim not in (2, 3, 4):
            raise ValueError(f"BatchNorm takes (N, C), (N, C, L) or (N, C, H, W); got shape {x.shape}.")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"the input has {x.shape[1]} channels (axis 1); num_features is {self.num_features}."
            )

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _as_float_array(x)
        self._check(x)
        axes = (0, *range(2, x.ndim))  # every axis but the channel
        per_channel = x.size // x.shape[1]
        use_batch = self.training or not self.track_running_stats
        if use_batch and per_channel == 1:  # torch checks whenever batch statistics are used
            raise InputError(
                "normalization.one_value_per_channel",
                f"Expected more than 1 value per channel when training, got input size {tuple(x.shape)}: "
                "BatchNorm's variance of a single value is 0 (use eval mode, or a batch of 2 or more).",
                shape=str(tuple(x.shape)),
            )
        bshape = (1, -1) + (1,) * (x.ndim - 2)
        if use_batch:
            x_hat, mean, inv_std = _normalize(x, axes, self.eps)
            if self.training and self.track_running_stats:
                self.num_batches_tracked += 1
                # m = 1/t for the cumulative average, else the momentum
                m = 1.0 / self.num_batches_tracked if self.momentum is None else self.momentum
                # unbiased variance: sigma^2 * M / (M - 1)
                var = (1.0 / inv_std**2 - self.eps).reshape(-1)
                unbiased = var * per_channel / (per_channel - 1)
                # running <- (1 - m) running + m batch
                self.running_mean = (1 - m) * self.running_mean + m * mean.reshape(-1)
                self.running_var = (1 - m) * self.running_var + m * unbiased
        else:
            mean = self.running_mean.reshape(bshape)
            # 1 / sqrt(running_var + eps)
            inv_std = 1.0 / np.sqrt(self.running_var.reshape(bshape) + self.eps)
            x_hat = (x - mean) * inv_std
        out = x_hat
        if self.affine:
            out = x_hat * self.weight.reshape(bshape) + self.bias.reshape(bshape)
        self._saved = {"shape": x.shape, "x_hat": x_hat, "inv_std": inv_std, "batch": use_batch, "axes": axes}
        return out

    def _backward(self, grad_output: np.ndarray) -> Gradients:
        s = self._saved
        bshape = (1, -1) + (1,) * (grad_output.ndim - 2)
        g = grad_output * self.weight.reshape(bshape) if self.affine else grad_output
        if s["batch"]:
            grad_input = _normalize_backward(g, s["x_hat"], s["inv_std"], s["axes"])
        else:  # running statistics are constants: dL/dx = g / sqrt(running_var + eps)
            grad_input = g * s["inv_std"]
        gw = gb = None
        if self.affine:
            gw, gb = _affine_backward(grad_output, s["x_hat"], self.weight, s["axes"], (-1,))
        return Gradients(grad_input, gw, gb)

    def group_ids(self, shape: Sequence[int]) -> np.ndarray:
        shape = tuple(shape)
        channel = np.arange(shape[1]).reshape((1, -1) + (1,) * (len(shape) - 2))
        return np.broadcast_to(channel, shape).copy()

    def statistics_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return (shape[1],)


class LayerNorm(_Layer):
    r"""Layer normalization (torch.nn.LayerNorm): each sample is normalized over its last
    ``len(normalized_shape)`` axes, which must equal ``normalized_shape``.

    .. math::

        y = \frac{x - \operatorname{E}[x]}{\sqrt{\operatorname{Var}[x] + \epsilon}} \gamma + \beta

    with the mean and biased variance over those trailing axes, and :math:`\gamma, \beta` of shape
    ``normalized_shape`` (elementwise, not per channel). No running statistics: train and eval agree.

    Parameters
    ----------
    normalized_shape : int or tuple of int
        The trailing shape to normalize over (torch's name; the notes' ``num_features`` is neither torch's nor
        MXNet Gluon's, whose LayerNorm takes ``axis=-1``).
    eps : float, default 1e-5
    elementwise_affine : bool, default True
        Learnable ``weight`` (ones) and ``bias`` (zeros) of shape ``normalized_shape``.
    bias : bool, default True
        Whether the affine part has a bias (torch >= 2.1).
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
    ) -> None:
        shape = (normalized_shape,) if np.isscalar(normalized_shape) else tuple(normalized_shape)
        if not shape or any(int(s) != s or s < 1 for s in shape):
            raise ValueError(f"normalized_shape must be positive integers, got {normalized_shape}.")
        self.normalized_shape = tuple(int(s) for s in shape)
        self.eps = _check_eps(eps)
        self.elementwise_affine = bool(elementwise_affine)
        self.weight = np.ones(self.normalized_shape) if elementwise_affine else None
        self.bias = np.zeros(self.normalized_shape) if (elementwise_affine and bias) else None
        self.training = True
        self._saved = None

    def _axes(self, ndim: int) -> tuple[int, ...]:
        return tuple(range(ndim - len(self.normalized_shape), ndim))

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _as_float_array(x)
        k = len(self.normalized_shape)
        if x.ndim < k or x.shape[-k:] != self.normalized_shape:
            raise ValueError(
                f"LayerNorm normalizes over the last axes of shape {self.normalized_shape}; "
                f"the input's shape is {x.shape}."
            )
        axes = self._axes(x.ndim)
        x_hat, _, inv_std = _normalize(x, axes, self.eps)
        out = x_hat
        if self.weight is not None:
            out = out * self.weight
        if self.bias is not None:
            out = out + self.bias
        self._saved = {"shape": x.shape, "x_hat": x_hat, "inv_std": inv_std, "axes": axes}
        return out

    def _backward(self, grad_output: np.ndarray) -> Gradients:
        s = self._saved
        g = grad_output * self.weight if self.weight is not None else grad_output
        grad_input = _normalize_backward(g, s["x_hat"], s["inv_std"], s["axes"])
        lead = tuple(range(grad_output.ndim - len(self.normalized_shape)))
        gw = (grad_output * s["x_hat"]).sum(axis=lead) if self.weight is not None else None
        gb = grad_output.sum(axis=lead) if self.bias is not None else None
        return Gradients(grad_input, gw, gb)

    def group_ids(self, shape: Sequence[int]) -> np.ndarray:
        shape = tuple(shape)
        lead = shape[: len(shape) - len(self.normalized_shape)]
        ids = np.arange(int(np.prod(lead))).reshape(lead + (1,) * len(self.normalized_shape))
        return np.broadcast_to(ids, shape).copy()

    def statistics_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return tuple(shape[: len(shape) - len(self.normalized_shape)]) + (1,) * len(self.normalized_shape)


class GroupNorm(_Layer):
    r"""Group normalization (torch.nn.GroupNorm): the C channels of each sample are split into
    ``num_groups`` groups of C/G consecutive channels, and each (sample, group) is normalized over its
    channels and all spatial positions. ``weight``/``bias`` are per channel, shape (C,).

    .. math::

        y_{n,c} = \frac{x_{n,c} - \mu_{n,g(c)}}{\sqrt{\sigma^2_{n,g(c)} + \epsilon}} \gamma_c + \beta_c

    G = 1 is LayerNorm over (C, H, W) with per-channel parameters; G = C is InstanceNorm.
    Input (N, C, *).
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True) -> None:
        if int(num_groups) != num_groups or num_groups < 1:
            raise ValueError(f"num_groups must be a positive integer, got {num_groups}.")
        if int(num_channels) != num_channels or num_channels < 1:
            raise ValueError(f"num_channels must be a positive integer, got {num_channels}.")
        if num_channels % num_groups:
            raise InputError(
                "normalization.groups_divide",
                "num_channels must be divisible by num_groups: "
                f"{num_channels} channels, {num_groups} groups.",
                channels=int(num_channels),
                groups=int(num_groups),
            )
        self.num_groups = int(num_groups)
        self.num_channels = int(num_channels)
        self.eps = _check_eps(eps)
        self.affine = bool(affine)
        self.weight = np.ones(self.num_channels) if affine else None
        self.bias = np.zeros(self.num_channels) if affine else None
        self.training = True
        self._saved = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _as_float_array(x)
        if x.ndim < 2 or x.shape[1] != self.num_channels:
            raise ValueError(
                f"GroupNorm takes (N, C, *) with C = num_channels = {self.num_channels}; got shape {x.shape}."
            )
        n = x.shape[0]
        # torch's check (F.group_norm): N * C/G * spatial must exceed 1
        if n * (self.num_channels // self.num_groups) * int(np.prod(x.shape[2:])) == 1:
            raise InputError(
                "normalization.group_one_value",
                f"Expected more than 1 value per channel when training, got input size {tuple(x.shape)}: "
                "torch's GroupNorm refuses a single sample whose groups hold one value each.",
                shape=str(tuple(x.shape)),
            )
        # (N, G, C/G * spatial): each row of the last axis is one group
        grouped = x.reshape(n, self.num_groups, -1)
        x_hat_g, _, inv_std = _normalize(grouped, (2,), self.eps)
        x_hat = x_hat_g.reshape(x.shape)
        bshape = (1, -1) + (1,) * (x.ndim - 2)
        out = x_hat * self.weight.reshape(bshape) + self.bias.reshape(bshape) if self.affine else x_hat
        self._saved = {"shape": x.shape, "x_hat": x_hat, "inv_std": inv_std}
        return out

    def _backward(self, grad_output: np.ndarray) -> Gradients:
        s = self._saved
        bshape = (1, -1) + (1,) * (grad_output.ndim - 2)
        g = grad_output * self.weight.reshape(bshape) if self.affine else grad_output
        n = grad_output.shape[0]
        grad_g = _normalize_backward(
            g.reshape(n, self.num_groups, -1), s["x_hat"].reshape(n, self.num_groups, -1), s["inv_std"], (2,)
        )
        gw = gb = None
        if self.affine:
            axes = (0, *range(2, grad_output.ndim))
            gw, gb = _affine_backward(grad_output, s["x_hat"], self.weight, axes, (-1,))
        return Gradients(grad_g.reshape(grad_output.shape), gw, gb)

    def group_ids(self, shape: Sequence[int]) -> np.ndarray:
        shape = tuple(shape)
        per = shape[1] // self.num_groups
        n = np.arange(shape[0]).reshape((-1, 1) + (1,) * (len(shape) - 2))
        c = np.arange(shape[1]).reshape((1, -1) + (1,) * (len(shape) - 2))
        return np.broadcast_to(n * self.num_groups + c // per, shape).copy()

    def statistics_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return (shape[0], self.num_groups)


class InstanceNorm(_RunningStatsNorm):
    r"""Instance normalization (torch.nn.InstanceNorm1d / InstanceNorm2d): each (sample, channel) is
    normalized over its spatial positions only. Input (N, C, L) or (N, C, H, W).

    torch's defaults differ from BatchNorm's: ``affine=False`` and ``track_running_stats=False``. With
    ``track_running_stats=True`` the running statistics are the batch averages of the per-instance
    statistics (unbiased variance), updated with ``momentum`` like BatchNorm, and used in eval mode;
    unlike BatchNorm, ``momentum=None`` leaves them unchanged (torch passes 0) and
    ``num_batches_tracked`` stays 0.

    Raises
    ------
    ValueError
        In training mode when there is only one spatial element, like torch.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
    ) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _as_float_array(x)
        if x.ndim not in (3, 4) or x.shape[1] != self.num_features:
            raise ValueError(
                f"InstanceNorm takes (N, C, L) or (N, C, H, W) with C = num_features = {self.num_features}; "
                f"got shape {x.shape}."
            )
        axes = tuple(range(2, x.ndim))
        spatial = int(np.prod(x.shape[2:]))
        use_instance = self.training or not self.track_running_stats
        if use_instance and spatial == 1:
            raise InputError(
                "normalization.one_spatial_element",
                f"Expected more than 1 spatial element when training, got input size {tuple(x.shape)}.",
                shape=str(tuple(x.shape)),
            )
        bshape = (1, -1) + (1,) * (x.ndim - 2)
        if use_instance:
            x_hat, mean, inv_std = _normalize(x, axes, self.eps)
            if self.training and self.track_running_stats:
                # torch's InstanceNorm never counts batches, and momentum=None means 0 (no update)
                m = 0.0 if self.momentum is None else self.momentum
                var = 1.0 / inv_std**2 - self.eps
                # batch averages of each instance's mean and unbiased variance
                batch_mean = mean.reshape(x.shape[0], -1).mean(axis=0)
                batch_var = (var.reshape(x.shape[0], -1) * spatial / (spatial - 1)).mean(axis=0)
                self.running_mean = (1 - m) * self.running_mean + m * batch_mean
                self.running_var = (1 - m) * self.running_var + m * batch_var
        else:
            mean = self.running_mean.reshape(bshape)
            inv_std = 1.0 / np.sqrt(self.running_var.reshape(bshape) + self.eps)
            x_hat = (x - mean) * inv_std
        out = x_hat * self.weight.reshape(bshape) + self.bias.reshape(bshape) if self.affine else x_hat
        self._saved = {
            "shape": x.shape,
            "x_hat": x_hat,
            "inv_std": inv_std,
            "inst": use_instance,
            "axes": axes,
        }
        return out

    def _backward(self, grad_output: np.ndarray) -> Gradients:
        s = self._saved
        bshape = (1, -1) + (1,) * (grad_output.ndim - 2)
        g = grad_output * self.weight.reshape(bshape) if self.affine else grad_output
        if s["inst"]:
            grad_input = _normalize_backward(g, s["x_hat"], s["inv_std"], s["axes"])
        else:
            grad_input = g * s["inv_std"]
        gw = gb = None
        if self.affine:
            axes = (0, *range(2, grad_output.ndim))
            gw, gb = _affine_backward(grad_output, s["x_hat"], self.weight, axes, (-1,))
        return Gradients(grad_input, gw, gb)

    def group_ids(self, shape: Sequence[int]) -> np.ndarray:
        shape = tuple(shape)
        ids = np.arange(shape[0] * shape[1]).reshape(shape[:2] + (1,) * (len(shape) - 2))
        return np.broadcast_to(ids, shape).copy()

    def statistics_shape(self, shape: Sequence[int]) -> tuple[int, ...]:
        return (shape[0], shape[1])


class RMSNorm(_Layer):
    r"""Root-mean-square normalization (torch.nn.RMSNorm): like LayerNorm over the last axes, without
    subtracting the mean and without a bias.

    .. math::

        y = \frac{x}{\sqrt{\operatorname{mean}(x^2) + \epsilon}} \gamma

    ``eps=None`` (torch's default) means ``np.finfo(x.dtype).eps`` of the input.
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float | None = None,
        elementwise_affine: bool = True,
    ) -> None:
        shape = (normalized_shape,) if np.isscalar(normalized_shape) else tuple(normalized_shape)
        if not shape or any(int(s) != s or s < 1 for s in shape):
            raise ValueError(f"normalized_shape must be positive integers, got {normalized_shape}.")
        self.normalized_shape = tuple(int(s) for s in shape)
        self.eps = None if eps is None else _check_eps(eps)
        self.elementwise_affine = bool(elementwise_affine)
        self.weight = np.ones(self.normalized_shape) if elementwise_affine else None
        self.bias = None
        self.training = True
        self._saved = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = _as_float_array(x)
        k = len(self.normalized_shape)
        if x.ndim < k or x.shape[-k:] != self.normalized_shape:
            raise ValueError(
                f"RMSNorm normalizes over the last axes of shape {self.normalized_shape}; "
                f"the input's shape is {x.shape}."
            )
        eps = np.finfo(x.dtype).eps if self.eps is None else self.eps
        axes = tuple(range(x.ndim - k, x.ndim))
        # r = 1 / sqrt(mean(x^2) + eps)
        inv_rms = 1.0 / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
        x_hat = x * inv_rms
        out = x_hat * self.weight if self.weight is not None else x_hat
        self._saved = {"shape": x.shape, "x_hat": x_hat, "inv_rms": inv_rms, "axes": axes}
        return out

    def _backward(self, grad_output: np.ndarray) -> Gradients:
        s = self._saved
        g = grad_output * self.weight if self.weight is not None else grad_output
        # dL/dx = r (g - x_hat mean(g x_hat))
        grad_input = s["inv_rms"] * (g - s["x_hat"] * (g * s["x_hat"]).mean(axis=s["axes"], keepdims=True))
        lead = tuple(range(grad_output.ndim - len(self.normalized_shape)))
        gw = (grad_output * s["x_hat"]).sum(axis=lead) if self.weight is not None else None
        return Gradients(grad_input, gw, None)

    group_ids = LayerNorm.group_ids
    statistics_shape = LayerNorm.statistics_shape
