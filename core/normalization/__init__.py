"""Normalization layers in numpy, equal to torch.nn in float64, forward and backward.

``BatchNorm``, ``LayerNorm``, ``GroupNorm``, ``InstanceNorm``, ``RMSNorm`` (``m(x)``, ``m.backward(dy)``),
plus the computations the normalization page shows (``core.normalization.demos``) and the batch-size
experiment (``core.normalization.experiment``, torch).
"""

from core.normalization._layers import (
    BatchNorm,
    Gradients,
    GroupNorm,
    InstanceNorm,
    LayerNorm,
    RMSNorm,
)

__all__ = ["BatchNorm", "Gradients", "GroupNorm", "InstanceNorm", "LayerNorm", "RMSNorm"]
