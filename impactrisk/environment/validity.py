"""The validity-range policy shared by every environment model.

Each model function with a validity range takes one keyword ``on_range``:

* ``"raise"`` (the default everywhere): inputs outside the range raise
  :class:`~impactrisk.errors.ModelRangeError`, which carries the boolean mask of the
  offending inputs and the valid range;
* ``"nan"``: those points are returned as NaN and one
  :class:`~impactrisk.errors.ModelRangeWarning` is issued per call.

No model ever extrapolates silently (docs/design.md, "Validity ranges").
"""

from __future__ import annotations

import warnings

import numpy as np

from impactrisk.errors import InputError, ModelRangeError, ModelRangeWarning

__all__ = ["ON_RANGE_CHOICES", "apply_range_policy"]

#: Accepted values of every ``on_range`` keyword.
ON_RANGE_CHOICES = ("raise", "nan")


def apply_range_policy(values, low: float, high: float, on_range: str, *, model: str,
                       quantity: str, units: str, reduce_axis: int | None = None,
                       stacklevel: int = 3) -> np.ndarray:
    """Apply the project's validity-range policy to ``values``.

    Parameters
    ----------
    values : array_like
        Quantity to check.
    low, high : float
        Inclusive valid range, in ``units``.
    on_range : {"raise", "nan"}
        ``"raise"``: raise :class:`~impactrisk.errors.ModelRangeError` if any value is
        outside ``[low, high]``. ``"nan"``: issue one :class:`ModelRangeWarning` and
        return the mask; the caller sets those points to NaN.
    model, quantity, units : str
        Used in the message, e.g. ``"grun_1985_flux"``, ``"mass_g"``, ``"g"``.
    reduce_axis : int, optional
        If given, the returned (and raised) mask is ``any`` over this axis, so that it
        matches the shape of the model output.
    stacklevel : int
        Passed to :func:`warnings.warn`.

    Returns
    -------
    numpy.ndarray of bool
        True where a value is outside the range (NaN values are not).

    Raises
    ------
    InputError
        If ``on_range`` is not one of :data:`ON_RANGE_CHOICES`.
    ModelRangeError
        With ``on_range="raise"`` and at least one value outside the range.
    """
    if on_range not in ON_RANGE_CHOICES:
        raise InputError(f"on_range must be one of {ON_RANGE_CHOICES}, got {on_range!r}")
    x = np.asarray(values, dtype=float)
    bad = (x < low) | (x > high)
    if not bad.any():
        return bad if reduce_axis is None else bad.any(axis=reduce_axis)
    example = x[bad].flat[0]
    message = (f"{model}: {quantity} outside the validity range [{low:g}, {high:g}] {units} "
               f"at {int(bad.sum())} of {x.size} values (e.g. {example:g} {units})")
    mask = bad if reduce_axis is None else bad.any(axis=reduce_axis)
    if on_range == "raise":
        raise ModelRangeError(message, mask=mask, valid_range=(low, high))
    warnings.warn(message + "; those results are NaN", ModelRangeWarning,
                  stacklevel=stacklevel)
    return mask
