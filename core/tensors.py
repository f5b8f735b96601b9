"""The documented contract path of DESIGN.md for the repeat-family index maps.

``core.tensors.repeat_map(shape, sizes)``, ``repeat_interleave_map(shape, repeats, dim=None)`` and
``tile_map(shape, reps)`` give, for every output cell, the flat index of the input cell it came from
(equal to torch's ``repeat`` / ``repeat_interleave`` / ``tile`` applied to an ``arange``). The code
lives in :mod:`core.pytorch_basics` (private module ``_index_maps``); this module only re-exports it so
the contract path stays stable.
"""

from core.pytorch_basics import expand_map, repeat_interleave_map, repeat_map, tile_map

__all__ = ["expand_map", "repeat_interleave_map", "repeat_map", "tile_map"]
