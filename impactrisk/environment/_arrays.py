"""Small array helper shared by the environment's frozen table records."""

from __future__ import annotations

import numpy as np


def read_only_array(values) -> np.ndarray:
    """A float copy of ``values`` that cannot be written to (tables stay as loaded)."""
    array = np.array(values, dtype=float)
    array.setflags(write=False)
    return array
