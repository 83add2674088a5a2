"""Exceptions and warnings of impactrisk.

Three kinds of problems are handled three ways (docs/design.md, "Errors"):

* malformed input raises at once, as a ``ValueError`` subclass whose message shows
  what was expected next to what was received (:class:`TLEFormatError`, ...);
* numeric failures inside arrays become NaN plus an error code, never an exception
  (see :data:`impactrisk.propagation.SGP4_ERRORS`);
* validity-range problems raise :class:`ModelRangeError` or warn.

The command-line interface catches :class:`ImpactriskError` only, prints its
message and exits with code 1.
"""

from __future__ import annotations


class ImpactriskError(Exception):
    """Base class of every error impactrisk raises on purpose."""


class InputError(ImpactriskError, ValueError):
    """A value given by the user cannot be used (bad date, bad orbit spec, ...)."""


class ElementsFormatError(InputError):
    """An element set (TLE or OMM) is malformed.

    Parameters
    ----------
    message : str
        What is wrong, in one line.
    source : str, optional
        File name (or ``"<string>"``) the element set came from.
    line : int, optional
        1-based line number in ``source`` (for OMM CSV, the row's line).
    detail : str, optional
        Further lines, e.g. the expected column layout above the line received.
    """

    def __init__(self, message: str, source: str | None = None,
                 line: int | None = None, detail: str = ""):
        self.reason = message
        self.source = source
        self.line = line
        self.detail = detail
        where = source if source is not None else "<input>"
        if line is not None:
            where = f"{where}, line {line}"
        text = f"{where}: {message}"
        if detail:
            text = f"{text}\n{detail}"
        super().__init__(text)


class TLEFormatError(ElementsFormatError):
    """A two-line element set is malformed (length, columns, checksum, ids, epoch)."""


class OMMFormatError(ElementsFormatError):
    """An OMM record (CSV or JSON) is malformed or misses a required field."""


class CoverageError(InputError):
    """A time window lies entirely outside the element-set coverage."""


class FetchError(ImpactriskError):
    """A download failed (network, HTTP status, provider message, credentials)."""


class ModelRangeError(ImpactriskError, ValueError):
    """Inputs outside a model's validity range.

    Parameters
    ----------
    message : str
        Explanation naming the model and the quantity.
    mask : numpy.ndarray of bool
        True where the input is outside the valid range.
    valid_range : tuple of float
        ``(low, high)`` of the valid range, in the units of the quantity.
    """

    def __init__(self, message: str, mask=None, valid_range=None):
        super().__init__(message)
        self.mask = mask
        self.valid_range = valid_range


class ImpactriskWarning(UserWarning):
    """Base class of impactrisk's warnings."""


class StaleElementsWarning(ImpactriskWarning):
    """Samples were propagated from element sets older than the user's limit."""


class ExtrapolationWarning(ImpactriskWarning):
    """Samples lie outside the element-set coverage and were extrapolated."""


class ModelRangeWarning(ImpactriskWarning):
    """Inputs outside a model's validity range were replaced by NaN (``on_range="nan"``)."""


class PropagationWarning(ImpactriskWarning):
    """SGP4 reported errors for some samples (they are NaN in the ephemeris)."""
