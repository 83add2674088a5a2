"""The :class:`RiskResult`: what an assessment returns, with everything needed to
trust and reproduce it (inputs, assumptions, models, element-set staleness, version)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["RiskResult", "json_safe"]


def json_safe(value):
    """A JSON-safe copy: numpy arrays and scalars as Python lists and numbers, non-finite
    floats as None, dict keys as strings."""
    if isinstance(value, np.ndarray):
        return [json_safe(v) for v in value.tolist()]
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


@dataclass
class RiskResult:
    """Expected penetrations of one module over a window.

    Attributes
    ----------
    module, vehicle : str
    criterion : str
        ``leak`` (perforation of the coolant-channel wall), ``perforation``, ``spall``
        or ``hole>=D`` (bracketed; see ``hole_bracket``).
    start, end : str
        Requested window (UTC).
    exposure : list of dict
        The pieces of the window during which the module was exposed: port, start, end,
        days, source, whether the row is uncertain or optional.
    n_expected : float
        Expected number of failures (vulnerable surfaces, all sources).
    n_by_source : dict
        source -> {"group", "model", "n", "n_by_surface": {surface: n}}.
    n_by_group : dict
        ``meteoroid`` / ``shower`` / ``debris`` -> n.
    surfaces : list of dict
        name, role (``vulnerable`` counts towards ``n_expected``; ``reported`` is shown
        beside it), area_m2, shield description, criterion, and n (all sources).
    daily : dict
        ``date`` (list of YYYY-MM-DD) and ``n_by_group`` (group -> list), vulnerable
        surfaces.
    penetrators : dict
        Speed distribution (``speed_edges_km_s``, ``by_group``), mean speed and mean
        arrival direction (LVLH unit vector, from where they come) per group.
    impacts_above : dict
        ``sizes_mm`` and ``n`` (expected impacts of particles at least that large on the
        vulnerable surfaces, whatever their effect).
    hole_bracket : dict or None
        For ``hole>=D``: ``every_perforation`` (upper end of the risk) and
        ``hole_equals_particle`` (lower end), appendix A1 of the physics brief.
    band : dict
        Uncertainty band: ``low``/``high`` of ``n_expected`` and how it was formed.
    sensitivity : list of dict
        One row per varied assumption and value: n.
    inverse : list of dict
        Which value of an assumption gives a chosen N.
    assumptions : list of dict
        Every assumed parameter of the module (key, value, reasoning).
    models : dict
        Environment models, ballistic limits, attitude.
    orbit : dict
        Element-set source, epochs used, staleness.
    notes : list of str
        Plain statements about what is not modelled.
    version : str
        impactrisk version.
    module_hash : str
        Content hash of the module specification with overrides.
    """

    module: str
    vehicle: str
    criterion: str
    start: str
    end: str
    exposure: list
    n_expected: float
    n_by_source: dict
    n_by_group: dict
    surfaces: list
    daily: dict
    penetrators: dict
    impacts_above: dict
    assumptions: list
    models: dict
    orbit: dict
    notes: list
    version: str
    module_hash: str
    hole_bracket: dict | None = None
    band: dict = field(default_factory=dict)
    sensitivity: list = field(default_factory=list)
    inverse: list = field(default_factory=list)
    event: dict | None = None

    @property
    def pnp(self) -> float:
        """Probability of no failure, exp(-N) (NASA/TM-2009-214785 eq 2-2)."""
        return math.exp(-self.n_expected)

    @property
    def one_in(self) -> float:
        """1 / (1 - PNP): 'a one-in-X chance' [-]."""
        risk = -math.expm1(-self.n_expected)
        return math.inf if risk == 0.0 else 1.0 / risk

    def to_dict(self) -> dict:
        data = {k: json_safe(v) for k, v in self.__dict__.items()}
        data["pnp"] = self.pnp
        data["probability_of_failure"] = -math.expm1(-self.n_expected)
        data["one_in"] = json_safe(self.one_in)
        return data

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **{"indent": 2, **kwargs})
