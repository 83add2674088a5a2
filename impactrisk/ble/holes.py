"""Projectile-size thresholds for "a hole of at least D" in a thin metallic wall.

No validated hole-diameter law exists for thin metallic walls near the
perforation threshold: the published thin-plate hole equations are bumper
equations fitted at t/d ≲ 1, where the hole is larger than the projectile, and
they cannot reproduce a barely perforated wall (hole → 0 as d → d_c). The NASA
MMOD documents give hole-diameter equations only for RCC and tiles. This module
therefore does not predict a hole size. It brackets the projectile size that makes
a hole of at least D between two explicit assumptions, so that a risk computed
with each end shows how much the unknown hole law matters (typically a factor of
tens to hundreds in the flux for a ~1 mm wall).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from impactrisk.ble.single_wall import _non_negative, _out

__all__ = ["HoleSizeBracket", "hole_size_bracket_cm"]


class HoleSizeBracket(NamedTuple):
    """Two threshold diameters for "hole of at least D" [cm].

    Attributes
    ----------
    every_perforation_cm : numpy.ndarray
        d* = d_c: every perforation counts (upper bound on the risk).
    hole_equals_projectile_cm : numpy.ndarray
        d* = max(d_c, D): the hole is as wide as the projectile (lower end of the
        bracket; not a strict bound, see :func:`hole_size_bracket_cm`).
    """

    every_perforation_cm: np.ndarray
    hole_equals_projectile_cm: np.ndarray


def hole_size_bracket_cm(d_crit_cm, hole_diameter_cm) -> HoleSizeBracket:
    r"""Bracket the projectile diameter that makes a hole of at least D.

    Parameters
    ----------
    d_crit_cm : array_like
        Perforation limit of the wall from a ballistic limit equation [cm] (e.g.
        :func:`impactrisk.ble.single_wall.cour_palais_christiansen` with the
        perforation criterion, or
        :func:`impactrisk.ble.single_wall.fish_summers`); ``inf`` allowed.
    hole_diameter_cm : array_like
        Hole diameter D of interest [cm], >= 0.

    Returns
    -------
    HoleSizeBracket
        ``every_perforation_cm`` = d_c and ``hole_equals_projectile_cm`` =
        max(d_c, D), broadcast; NaN in either input gives NaN.

    Raises
    ------
    impactrisk.errors.InputError
        Negative diameters.

    Notes
    -----
    **No validated thin-wall hole-size law exists near the perforation
    threshold**, so no single hole-size answer is given. The two ends:

    * every perforation counts, :math:`d^* = d_c` — the upper bound on the risk;
    * the hole equals the projectile diameter, :math:`d^* = \max(d_c, D)`. Bumper
      data at t/d ≤ 1 show holes larger than the projectile, while near the
      threshold the hole is smaller, so this is the lower end of a plausible range
      rather than a strict bound.

    Use each in N = ∫ F(≥ m(d*)) dA dt and report both probabilities.

    References
    ----------
    .. [1] B. G. Cour-Palais, Int. J. Impact Eng. 5 (1987) 221-237
       (``courpalais1987``): hole-size equations are bumper equations.
    .. [2] S. Ryan and E. L. Christiansen, NASA/TM-2009-214789, 2010
       (``ryan2010blap``), eq (112): the only hole equation there, for RCC.

    Examples
    --------
    >>> b = hole_size_bracket_cm(0.02472, 0.08)
    >>> float(b.every_perforation_cm), float(b.hole_equals_projectile_cm)
    (0.02472, 0.08)
    """
    d_c = _non_negative(d_crit_cm, "d_crit_cm")
    hole = _non_negative(hole_diameter_cm, "hole_diameter_cm")
    d_c, hole = np.broadcast_arrays(d_c, hole)
    # np.maximum (not fmax) so that NaN propagates.
    return HoleSizeBracket(_out(np.array(d_c, dtype=float)),
                           _out(np.maximum(d_c, hole)))
