"""Reading ESA MASTER-2009 "3D flux distribution vs. Object Diameter and Impact Velocity" output.

The layout (physics brief §5.5, seen in a real MASTER v7.02 file): ``#`` comment header
(version line, banner, run title, diameter thresholds, ``Sources selected:`` list,
simulation period, target orbit, title block with the global flux, discretisation of
the diameter and speed classes, a column header whose names contain spaces), then one
block of rows per diameter class (blocks separated by a blank line), one row per speed
class, 19 whitespace-separated numbers per row, then a footer with the number of
events and the total flux. Each row is the flux **in that cell** [1/m²/yr], not
cumulative. A sphere target gives flux per m² of cross-section.

:func:`parse_master_flux` works on lines, :func:`read_master_flux` on a path; both
return a :class:`MasterFluxTable` (the file's content, nothing inferred), whose
:meth:`MasterFluxTable.to_flux_table` builds the
:class:`~impactrisk.environment.tabulated.FluxTable` the environment works with, one
source per column, each with its density and direction model (:data:`MASTER2009_SOURCES`,
user-overridable). :func:`impactrisk.io.tabulated_io.write_flux_table` saves it in the
project's own format with the provenance copied.

Columns are mapped **by position** (the header names "Paint Flks", "Cloud 1" contain
spaces); the header text is checked against the known MASTER-2009 layout so that a file
with another column order (later MASTER versions add and reorder columns) is refused
instead of being read into the wrong sources. The header's global flux and the
footer's total are both kept and not required to agree (11.50 vs 11.60 in the real
file; the cells sum to 11.49).

Malformed files raise :class:`~impactrisk.io.tabulated_io.FluxTableFormatError` naming
the file, the line and, for a bad value, the column, e.g.
``total_flux.txt, line 57, column 7 (SRM-Slag): expected a number, found 'x.5'``.

References
----------
.. [1] ESA MASTER-2009 (Meteoroid and Space Debris Terrestrial Environment Reference),
   v7.02 output format as described in the project's physics brief §5.5
   (``esa_master2009``).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from impactrisk.environment.tabulated import (CROSS_SECTIONAL, CROSSING_GEOMETRY, DEBRIS,
                                              METEOROID, METEOROID_FIELD, STREAMS, BASES,
                                              FluxTable, SourceInfo,
                                              crossing_speed_limit_km_s)
from impactrisk.errors import InputError
from impactrisk.io.tabulated_io import FluxTableFormatError

__all__ = [
    "FluxTableFormatError",
    "MASTER2009_COLUMNS",
    "MASTER2009_SOURCES",
    "MASTER_TITLE",
    "MasterFluxTable",
    "parse_master_flux",
    "read_master_flux",
]

#: The 19 columns of a MASTER-2009 diameter x impact-velocity flux table, by position.
MASTER2009_COLUMNS = ("Diameter", "ImpVelocity", "Expl-Fragm", "Coll-Fragm", "Launch/Mis",
                      "NaK-Drops", "SRM-Slag", "SRM-Dust", "Paint Flks", "Ejecta", "MLI",
                      "Meteoroids", "Streams", "Cloud 1", "Cloud 2", "Cloud 3", "Cloud 4",
                      "Cloud 5", "Total")
#: Title of the MASTER output this module reads.
MASTER_TITLE = "3D flux distribution vs. Object Diameter and Impact Velocity"

_HANDBOOK_DEBRIS = ("NASA MMOD Handbook §2.6.2 convention for orbital debris "
                    "(aluminium, 2.8 g/cm3), MASTER's own value for this source not found")


def _debris(name: str, label: str, note: str, rho: float = 2.8,
            status: str = "assumption", ref: str = "christiansen2009handbook") -> SourceInfo:
    return SourceInfo(name=name, label=label, group=DEBRIS, density_g_cm3=rho,
                      direction_model=CROSSING_GEOMETRY, density_status=status,
                      density_reference=ref, density_note=note)


#: The 16 source columns of MASTER-2009 output, in file order, with the density and
#: direction model each is paired with (physics brief, convention 9). No MASTER
#: document giving per-source densities could be consulted: every value is labelled
#: with how it is known; override with ``MasterFluxTable.to_flux_table(densities=...)``.
MASTER2009_SOURCES: tuple[SourceInfo, ...] = (
    _debris("expl_fragm", "Expl-Fragm", "explosion fragments. " + _HANDBOOK_DEBRIS),
    _debris("coll_fragm", "Coll-Fragm", "collision fragments. " + _HANDBOOK_DEBRIS),
    _debris("launch_mission", "Launch/Mis",
            "launch- and mission-related objects. " + _HANDBOOK_DEBRIS),
    _debris("nak_drops", "NaK-Drops",
            "eutectic sodium-potassium reactor coolant, 866 kg/m3 as used for this "
            "column by the public AracneTeam reader of MASTER output (flux_conversion.m) "
            "[third-party], close to liquid NaK-78 near room temperature [recalled]",
            rho=0.866, status="third-party", ref="aracneteam2019"),
    _debris("srm_slag", "SRM-Slag",
            "solid-rocket-motor slag, Al2O3: 3.5 g/cm3 chosen at the low end of the "
            "alumina range (corundum 3.98 g/cm3, LASL Hugoniot data as quoted by the "
            "AracneTeam reader [third-party]) because slag is porous and holds unburnt "
            "aluminium (assumption)", rho=3.5, ref="aracneteam2019"),
    _debris("srm_dust", "SRM-Dust",
            "solid-rocket-motor Al2O3 dust: 3.5 g/cm3 (quenched alumina is mostly the "
            "lighter transition phases, corundum 3.98 is the upper bound) (assumption)",
            rho=3.5, ref="aracneteam2019"),
    _debris("paint_flakes", "Paint Flks",
            "paint flakes (pigment in binder), no cited value: the Handbook debris "
            "convention 2.8 g/cm3 is kept (the AracneTeam reader used rubber, 1.37) "
            "(assumption)"),
    _debris("ejecta", "Ejecta", "impact ejecta from spacecraft surfaces. " + _HANDBOOK_DEBRIS),
    _debris("mli", "MLI",
            "multi-layer insulation: metallised polyimide/polyester film, about "
            "1.4 g/cm3 (assumption, the AracneTeam reader used Al 1100, 2.71)",
            rho=1.4, ref=""),
    SourceInfo(name="meteoroids", label="Meteoroids", group=METEOROID, density_g_cm3=2.5,
               direction_model=METEOROID_FIELD, density_status="recalled",
               density_reference="ecss2008",
               density_note="sporadic meteoroids (MASTER uses the Divine-Staubach model), "
                            "2.5 g/cm3 single mean density attributed to ECSS-E-ST-10-04C "
                            "and to Divine-Staubach in the physics brief §1.3, not verified"),
    SourceInfo(name="streams", label="Streams", group=STREAMS, density_g_cm3=1.0,
               direction_model=METEOROID_FIELD, density_status="convention",
               density_reference="",
               density_note="annual meteor streams, all showers of the run summed, "
                            "project convention 6: 1 g/cm3 unless a source gives a "
                            "density per shower"),
    *(_debris(f"cloud_{k}", f"Cloud {k}",
              f"population cloud {k} (fragments of a user-selected event). "
              + _HANDBOOK_DEBRIS) for k in range(1, 6)),
)

_SEPARATOR = re.compile(r"^-{5,}$")
_VERSION = re.compile(r"output file of\s+(.+?)\s*(<[^>]*>)?\s*$")
_MODEL = re.compile(r"REFERENCE MODEL\s+(\d{4})\s*$")
_POPULATION = re.compile(r"^\((.+)\)$")
_THRESHOLD = re.compile(r"^(\S+)\s+D\s+-\s+\[m\]\s*:\s*(lower|upper) diameter threshold")
_PERIOD = re.compile(r"^simulation between\s+(\S+)\s+and\s+(\S+)")
_TARGET = re.compile(r"^orbiting target \(([^)]*)\) with parameters\s+(.*)$")
_FIELD = re.compile(r"^(Title|Scale|x Data|y Data|z Data|Global Flux):\s*(.*)$")
_DISCRETISATION = re.compile(
    r"^(?:Discretisation:\s*)?(\d+)\s+classes from\s+(\S+)\s+(m|km/s)\s+to\s+(\S+)\s+"
    r"(m|km/s),\s*(\S+)\s+(logarithmic|km/s|m)\s+class width")
_EVENTS = re.compile(r"^Events:\s*(\d+)")
_TOTAL = re.compile(r"^Total flux in this spectrum is\s+(\S+)\s+1/m\^2/yr"
                    r"(?:\s+resulting from\s+(\d+))?")
_TARGET_UNITS = ("km", "", "deg", "deg", "deg")


@dataclass(frozen=True, eq=False)
class MasterFluxTable:
    """Content of a MASTER-2009 flux vs diameter and impact velocity file.

    Attributes
    ----------
    source : str
        File name (or ``"<string>"``).
    version : str
        Program version, e.g. ``"MASTER v7.02"``; ``""`` if the line is missing.
    model : str
        ``"MASTER-<year>"`` from the banner, e.g. ``"MASTER-2009"``.
    population : str
        Population tag of the banner, e.g. ``"EKF/2009_sc1 1.00"``.
    run_title : str
        The user's run title.
    d_threshold_m : tuple of float
        Lower and upper diameter thresholds of the run [m] (NaN if absent).
    sources_selected : tuple of str
        The ``Sources selected:`` list, as printed.
    period : tuple of str
        Start and end of the simulation, as printed (``"2019/10/20.99"``: year, month,
        day with decimals).
    target_shape : str
        ``"sphere"`` for cross-sectional flux.
    target_sma_km, target_ecc, target_inc_deg, target_raan_deg, target_aop_deg : float
        Target orbit [km], [-], [deg], [deg], [deg].
    options : tuple of str
        Option lines printed under the target line.
    title : str
        Output title (:data:`MASTER_TITLE`).
    global_flux_m2_yr : float
        Header ``Global Flux`` [m^-2 yr^-1] (NaN if absent).
    footer_total_flux_m2_yr : float
        Footer total flux [m^-2 yr^-1] (NaN if absent); need not equal the header's.
    events : int
        Footer number of simulated cell passage events (-1 if absent).
    d_edges_m : numpy.ndarray, shape (n_d + 1,)
        Diameter class edges from the discretisation line [m].
    v_edges_km_s : numpy.ndarray, shape (n_v + 1,)
        Impact-speed class edges [km/s].
    columns_m2_yr : dict of str to numpy.ndarray
        The 16 source columns by printed label, each shape (n_d, n_v) [m^-2 yr^-1 per
        cell].
    total_m2_yr : numpy.ndarray, shape (n_d, n_v)
        The printed ``Total`` column.
    basis : str
        ``"cross_sectional"`` for a sphere target.
    sha256 : str
        SHA-256 of the file bytes (set by :func:`read_master_flux`).
    """

    source: str
    version: str
    model: str
    population: str
    run_title: str
    d_threshold_m: tuple[float, float]
    sources_selected: tuple[str, ...]
    period: tuple[str, str]
    target_shape: str
    target_sma_km: float
    target_ecc: float
    target_inc_deg: float
    target_raan_deg: float
    target_aop_deg: float
    options: tuple[str, ...]
    title: str
    global_flux_m2_yr: float
    footer_total_flux_m2_yr: float
    events: int
    d_edges_m: np.ndarray
    v_edges_km_s: np.ndarray
    columns_m2_yr: Mapping[str, np.ndarray] = field(repr=False)
    total_m2_yr: np.ndarray = field(repr=False)
    basis: str = CROSS_SECTIONAL
    sha256: str = ""

    @property
    def d_edges_cm(self) -> np.ndarray:
        """Diameter class edges [cm]."""
        return self.d_edges_m * 100.0

    @property
    def debris_speed_limit_km_s(self) -> float:
        """2 v0 at the target's semi-major axis [km/s]: the fastest impact of debris on
        circular orbits (physics brief §5.3)."""
        return float(crossing_speed_limit_km_s(self.target_sma_km))

    def provenance(self) -> dict[str, str]:
        """Header keys for the project's table format (all values text)."""
        name = os.path.basename(self.source)
        meta = {
            "title": f"{self.model} flux per diameter and impact-speed class, run "
                     f"'{self.run_title}', {self.period[0]} to {self.period[1]}",
            "source": f"ESA {self.model} ({self.version}) output '{self.title}', "
                      f"run '{self.run_title}', file {name}",
            "reference": "esa_master2009",
            "builder": "impactrisk.io.master.read_master_flux, then "
                       "impactrisk.io.tabulated_io.write_flux_table",
            "basis_note": ("(MASTER sphere target: flux per m2 of cross-section)"
                           if self.target_shape.lower() == "sphere" else
                           f"(MASTER {self.target_shape} target, basis set by the user)"),
            "model": self.model,
            "model.version": self.version,
            "model.population": self.population,
            "model.run_title": self.run_title,
            "model.sources_selected": "; ".join(self.sources_selected),
            "model.options": "; ".join(self.options),
            "model.global_flux_m2_yr": repr(self.global_flux_m2_yr),
            "model.footer_total_flux_m2_yr": repr(self.footer_total_flux_m2_yr),
            "model.events": str(self.events),
            "model.d_threshold_m": f"{self.d_threshold_m[0]!r} {self.d_threshold_m[1]!r}",
            "epoch.start": self.period[0],
            "epoch.end": self.period[1],
            "epoch.format": "yyyy/mm/dd.dd as printed by MASTER",
            "target.shape": self.target_shape,
            "target.sma_km": repr(self.target_sma_km),
            "target.ecc": repr(self.target_ecc),
            "target.inc_deg": repr(self.target_inc_deg),
            "target.raan_deg": repr(self.target_raan_deg),
            "target.aop_deg": repr(self.target_aop_deg),
            "original.file": name,
        }
        if self.sha256:
            meta["original.sha256"] = self.sha256
        return meta

    def to_flux_table(self, densities: Mapping[str, float] | None = None) -> FluxTable:
        """The :class:`~impactrisk.environment.tabulated.FluxTable` of this output.

        Parameters
        ----------
        densities : mapping of str to float, optional
            Densities [g/cm³] replacing those of :data:`MASTER2009_SOURCES`, by source
            key, printed label or group (e.g. ``{"srm_slag": 3.9, "debris": 2.8}``).

        Returns
        -------
        FluxTable
            Diameters in [cm]; all 16 sources in file order. Its metadata also records
            ``debris.speed_limit_km_s`` (2 v0 at the target's semi-major axis) and
            ``debris.share_above_speed_limit``: the share of the debris flux (whole
            table) in speed classes above it, which circular-orbit crossing geometry
            cannot produce. Those cells are kept as printed, not removed.
        """
        flux = np.stack([self.columns_m2_yr[s.label] for s in MASTER2009_SOURCES])
        table = FluxTable(d_edges_cm=self.d_edges_cm, v_edges_km_s=self.v_edges_km_s,
                          flux_m2_yr=flux, sources=MASTER2009_SOURCES, basis=self.basis,
                          metadata=self.provenance())
        if densities:
            table = table.with_densities(densities)
        limit = self.debris_speed_limit_km_s
        share = table.speed_share_above(limit, "debris")
        return table.with_metadata(**{
            "debris.speed_limit_km_s": f"{limit!r} (2 v0 at the target semi-major axis)",
            "debris.share_above_speed_limit": (
                f"{float(share)!r} (share of the debris flux, whole table, above 2 v0: "
                "eccentric or non-orbital sources; kept as printed)"),
        })


# --------------------------------------------------------------------------- parsing


def _half_ulp(token: str) -> float:
    """Half a unit in the last printed digit of a number token (0 for an exact zero)."""
    mantissa, _, exponent = token.upper().partition("E")
    if float(token) == 0.0:
        return 0.0
    digits = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 0.5 * 10.0 ** (int(exponent or 0) - digits)


def _number(text: str, what: str, source: str, line: int, column: str | None = None) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FluxTableFormatError(f"expected a number {what}, found {text!r}", source,
                                   line, column) from None
    if not math.isfinite(value):
        raise FluxTableFormatError(f"expected a finite number {what}, found {text!r}",
                                   source, line, column)
    return value


def _column_name(index: int) -> str:
    return f"{index + 1} ({MASTER2009_COLUMNS[index]})"


class _Header:
    """Mutable collector of header facts while the lines are read."""

    def __init__(self):
        self.version = ""
        self.model = ""
        self.population = ""
        self.run_title = ""
        self.thresholds = {"lower": math.nan, "upper": math.nan}
        self.sources: list[str] = []
        self.period = ("", "")
        self.target: tuple[str, list[float]] | None = None
        self.target_line = 0
        self.options: list[str] = []
        self.fields: dict[str, tuple[str, int]] = {}
        self.discretisation: list[tuple[re.Match, int]] = []
        self.column_header_line = 0
        self.events = -1
        self.footer_total = math.nan


def _parse_target(body: str, match: re.Match, source: str, line: int):
    items = [item.strip() for item in match.group(2).split(",")]
    if len(items) != 5:
        raise FluxTableFormatError(
            "expected 5 target parameters 'sma km, ecc, inc deg, RAAN deg, AoP deg', found "
            f"{len(items)}: {match.group(2)!r}", source, line)
    values = []
    for item, unit in zip(items, _TARGET_UNITS):
        parts = item.split()
        if not parts or (unit and parts[1:] != [unit]) or (not unit and len(parts) != 1):
            raise FluxTableFormatError(f"expected a target parameter like "
                                       f"'1.0{(' ' + unit) if unit else ''}', found {item!r}",
                                       source, line)
        values.append(_number(parts[0], "for the target orbit", source, line))
    return match.group(1).strip(), values


def _read_comment(body: str, number: int, header: _Header, state: dict, source: str):
    """Interpret one comment line (``body`` without the leading ``#`` characters)."""
    if _SEPARATOR.match(body):
        state["section"] += 1
        state["in_sources"] = False
        return
    if not body:
        return
    if state["in_sources"]:
        header.sources.append(body)
        return
    if (m := _VERSION.search(body)) and not header.version:
        header.version = m.group(1)
    elif m := _MODEL.search(body):
        header.model = f"MASTER-{m.group(1)}"
    elif (m := _POPULATION.match(body)) and state["section"] == 0:
        header.population = m.group(1).strip()
    elif m := _THRESHOLD.match(body):
        header.thresholds[m.group(2)] = _number(m.group(1), f"for the {m.group(2)} "
                                                "diameter threshold [m]", source, number)
    elif body.startswith("Sources selected:"):
        state["in_sources"] = True
    elif m := _PERIOD.match(body):
        header.period = (m.group(1), m.group(2))
    elif m := _TARGET.match(body):
        header.target = _parse_target(body, m, source, number)
        header.target_line = number
    elif body.startswith("- ") and header.target is not None and not header.fields:
        header.options.append(body[2:].strip())
    elif m := _FIELD.match(body):
        header.fields[m.group(1)] = (m.group(2).strip(), number)
    elif m := _DISCRETISATION.match(body):
        header.discretisation.append((m, number))
    elif body.startswith("Diameter"):
        expected = " ".join(MASTER2009_COLUMNS)
        if " ".join(body.split()) != expected:
            raise FluxTableFormatError(
                f"unsupported column layout: expected the MASTER-2009 columns "
                f"'{expected}', found '{' '.join(body.split())}'", source, number)
        header.column_header_line = number
    elif m := _EVENTS.match(body):
        header.events = int(m.group(1))
    elif m := _TOTAL.match(body):
        header.footer_total = _number(m.group(1), "for the footer total flux [1/m^2/yr]", source,
                                      number)
    elif state["section"] == 1 and not header.run_title:
        header.run_title = body


def _edges(header: _Header, source: str):
    """Diameter [m] and speed [km/s] class edges from the two discretisation lines."""
    if len(header.discretisation) != 2:
        raise FluxTableFormatError(
            "expected two discretisation lines ('N classes from A m to B m, W logarithmic "
            "class width' and 'N classes from A km/s to B km/s, W km/s class width'), found "
            f"{len(header.discretisation)}", source,
            header.discretisation[-1][1] if header.discretisation else None)
    (dm, dline), (vm, vline) = header.discretisation
    if dm.group(3) != "m" or dm.group(5) != "m" or dm.group(7) != "logarithmic":
        raise FluxTableFormatError("expected diameter classes 'from A m to B m, W "
                                   "logarithmic class width' (only logarithmic diameter "
                                   f"classes are supported), found {dm.group(0)!r}",
                                   source, dline)
    if vm.group(3) != "km/s" or vm.group(5) != "km/s" or vm.group(7) != "km/s":
        raise FluxTableFormatError("expected speed classes 'from A km/s to B km/s, W km/s "
                                   f"class width', found {vm.group(0)!r}", source, vline)
    out = []
    for m, line, log in ((dm, dline, True), (vm, vline, False)):
        n = int(m.group(1))
        lo = _number(m.group(2), "for the class range start", source, line)
        hi = _number(m.group(4), "for the class range end", source, line)
        width = _number(m.group(6), "for the class width", source, line)
        if n < 1 or not hi > lo or (log and lo <= 0) or width <= 0:
            raise FluxTableFormatError(f"invalid classes {m.group(0)!r}: expected N >= 1 and "
                                       "0 <= A < B (A > 0 for logarithmic classes)",
                                       source, line)
        span = math.log10(hi / lo) if log else hi - lo
        # The range and the width are printed to 5 significant digits.
        if abs(n * width - span) > 1e-4 * span + 1e-5 * width * n:
            raise FluxTableFormatError(f"inconsistent classes: {n} x {width:g} "
                                       f"{'in log10 d' if log else 'km/s'} does not span "
                                       f"{m.group(2)} to {m.group(4)}", source, line)
        out.append(np.logspace(math.log10(lo), math.log10(hi), n + 1) if log
                   else np.linspace(lo, hi, n + 1))
        out.append(line)
    return out


def parse_master_flux(lines: Iterable[str], source: str = "<string>", *,
                      basis: str | None = None) -> MasterFluxTable:
    """Parse MASTER-2009 "flux vs. object diameter and impact velocity" output.

    Parameters
    ----------
    lines : iterable of str
        The file's lines.
    source : str
        Name used in error messages.
    basis : {"cross_sectional", "random_plate"}, optional
        Flux basis for a target that is not a sphere (a sphere target always gives
        ``"cross_sectional"``).

    Returns
    -------
    MasterFluxTable

    Raises
    ------
    FluxTableFormatError
        With file, line and column: a row without 19 fields, a field that is not a
        finite number, a negative flux, a Total that differs from the sum of the source
        columns by more than their printed rounding, diameter or speed classes out of
        order or not at the centres of the discretisation's classes, missing blocks or
        rows, an unknown column layout or title, or no target orbit line.
    """
    header = _Header()
    state = {"section": 0, "in_sources": False}
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.rstrip("\r\n")
        if number == 1:
            text = text.lstrip("\ufeff")
        stripped = text.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            _read_comment(stripped.lstrip("#").strip(), number, header, state, source)
            continue
        if not header.column_header_line:
            raise FluxTableFormatError(
                "data row before the column header line "
                f"('# {' '.join(MASTER2009_COLUMNS[:3])} ...'): is this MASTER flux vs "
                f"diameter and impact velocity output? Found {stripped[:60]!r}", source,
                number)
        rows.append((number, stripped.split()))

    title = header.fields.get("Title", ("", 0))
    if title[0] and " ".join(title[0].split()) != MASTER_TITLE:
        raise FluxTableFormatError(f"unsupported MASTER output: expected title "
                                   f"'{MASTER_TITLE}', found {title[0]!r}", source, title[1])
    for key, expected in (("x Data", "Object Diameter [m]"),
                          ("y Data", "Impact Velocity [km/s]"),
                          ("z Data", "Object Flux [1/m^2/yr]")):
        if key in header.fields and " ".join(header.fields[key][0].split()) != expected:
            raise FluxTableFormatError(f"expected '{key}: {expected}', found "
                                       f"{header.fields[key][0]!r}", source,
                                       header.fields[key][1])
    if header.target is None:
        raise FluxTableFormatError("no '# orbiting target (sphere) with parameters ...' "
                                   "line: only target-orbit flux analyses can be read",
                                   source)
    shape, elements = header.target
    if shape.lower() == "sphere":
        if basis not in (None, CROSS_SECTIONAL):
            raise InputError(f"{source}: a sphere target gives cross-sectional flux; "
                             f"basis={basis!r} contradicts it")
        basis = CROSS_SECTIONAL
    elif basis is None:
        raise FluxTableFormatError(f"target {shape!r} is not a sphere, so the flux basis is "
                                   f"unknown: pass basis= one of {BASES}", source,
                                   header.target_line)
    elif basis not in BASES:
        raise InputError(f"basis must be one of {BASES}, got {basis!r}")
    d_edges_m, dline, v_edges, vline = _edges(header, source)
    flux = _parse_rows(rows, d_edges_m, v_edges, dline, vline, source)

    gflux = header.fields.get("Global Flux")
    global_flux = math.nan
    if gflux is not None:
        token = gflux[0].split()[0] if gflux[0].split() else ""
        global_flux = _number(token, "for the global flux [1/m^2/yr]", source, gflux[1])
    return MasterFluxTable(
        source=source, version=header.version, model=header.model or "MASTER",
        population=header.population, run_title=header.run_title,
        d_threshold_m=(header.thresholds["lower"], header.thresholds["upper"]),
        sources_selected=tuple(header.sources), period=header.period,
        target_shape=shape, target_sma_km=elements[0], target_ecc=elements[1],
        target_inc_deg=elements[2], target_raan_deg=elements[3], target_aop_deg=elements[4],
        options=tuple(header.options), title=" ".join(title[0].split()) or MASTER_TITLE,
        global_flux_m2_yr=global_flux, footer_total_flux_m2_yr=header.footer_total,
        events=header.events, d_edges_m=d_edges_m, v_edges_km_s=v_edges,
        columns_m2_yr={label: flux[k] for k, label in enumerate(MASTER2009_COLUMNS[2:-1])},
        total_m2_yr=flux[-1], basis=basis)


def _parse_rows(rows: list[tuple[int, list[str]]], d_edges_m: np.ndarray,
                v_edges: np.ndarray, dline: int, vline: int, source: str) -> np.ndarray:
    """Check the data rows and return the 17 flux columns, shape (17, n_d, n_v)."""
    n_cols = len(MASTER2009_COLUMNS)
    d_centres = np.sqrt(d_edges_m[:-1] * d_edges_m[1:])
    v_centres = 0.5 * (v_edges[:-1] + v_edges[1:])
    n_d, n_v = d_centres.size, v_centres.size
    if not rows:
        raise FluxTableFormatError("no data rows after the column header", source)
    out = np.zeros((n_cols - 2, n_d, n_v))
    block, row_in_block = -1, n_v - 1
    previous: tuple[float, float, str, str] | None = None
    for number, tokens in rows:
        if len(tokens) != n_cols:
            raise FluxTableFormatError(
                f"expected {n_cols} fields (Diameter, ImpVelocity, 16 sources, Total), "
                f"found {len(tokens)}", source, number)
        values = [_number(tok, "[m]" if k == 0 else "[km/s]" if k == 1 else "[1/m^2/yr]",
                          source, number, _column_name(k)) for k, tok in enumerate(tokens)]
        for k in range(2, n_cols):
            if values[k] < 0:
                raise FluxTableFormatError(f"negative flux {tokens[k]!r}", source, number,
                                           _column_name(k))
        parts = sum(values[2:-1])
        tolerance = sum(_half_ulp(t) for t in tokens[2:]) + 1e-12 * max(parts, values[-1])
        if abs(parts - values[-1]) > tolerance:
            raise FluxTableFormatError(
                f"Total {tokens[-1]} differs from the sum of the 16 source columns "
                f"({parts:.6g}) by more than their printed rounding ({tolerance:.2g})",
                source, number, _column_name(n_cols - 1))
        d, v = values[0], values[1]
        if previous is not None and d == previous[0]:
            if v <= previous[1]:
                raise FluxTableFormatError(f"speed classes must increase within a diameter "
                                           f"block: {tokens[1]} after {previous[2]}",
                                           source, number, _column_name(1))
            row_in_block += 1
            if row_in_block >= n_v:
                raise FluxTableFormatError(f"more than the {n_v} speed classes of line "
                                           f"{vline} in the block of diameter {tokens[0]} m",
                                           source, number)
        else:
            if previous is not None and d < previous[0]:
                raise FluxTableFormatError(f"diameter classes must increase: {tokens[0]} "
                                           f"after {previous[3]}", source, number,
                                           _column_name(0))
            if row_in_block != n_v - 1:
                raise FluxTableFormatError(f"the block of diameter {previous[3]} m has "
                                           f"{row_in_block + 1} rows, expected the {n_v} "
                                           f"speed classes of line {vline}", source, number)
            block += 1
            row_in_block = 0
            if block >= n_d:
                raise FluxTableFormatError(f"more than the {n_d} diameter classes of line "
                                           f"{dline}", source, number)
        for k, value, centre, unit, what, line in (
                (0, d, d_centres[block], "m", f"diameter class {block + 1} of {n_d}", dline),
                (1, v, v_centres[row_in_block], "km/s",
                 f"speed class {row_in_block + 1} of {n_v}", vline)):
            if abs(value - centre) > _half_ulp(tokens[k]) + 1e-9 * centre:
                raise FluxTableFormatError(f"expected the centre {centre:.6g} {unit} of "
                                           f"{what} (line {line}), found {tokens[k]}",
                                           source, number, _column_name(k))
        out[:, block, row_in_block] = values[2:]
        previous = (d, v, tokens[1], tokens[0])
    if block != n_d - 1 or row_in_block != n_v - 1:
        raise FluxTableFormatError(f"table ends after {block + 1} diameter blocks, the last "
                                   f"with {row_in_block + 1} rows; lines {dline}-{vline} "
                                   f"announce {n_d} x {n_v}", source, rows[-1][0])
    return out


def read_master_flux(path: str | os.PathLike, *, basis: str | None = None
                     ) -> MasterFluxTable:
    """Read MASTER-2009 flux vs diameter and impact velocity output from ``path``.

    Parameters
    ----------
    path : str or path-like
        The MASTER output file (text, any line ends).
    basis : str, optional
        As :func:`parse_master_flux`.

    Returns
    -------
    MasterFluxTable
        With ``sha256`` of the file bytes, for provenance.

    Raises
    ------
    FluxTableFormatError
        If the file is missing or malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise FluxTableFormatError(f"MASTER output file {str(path)!r} not found")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    table = parse_master_flux(text.splitlines(), source=str(path), basis=basis)
    return replace(table, sha256=hashlib.sha256(data).hexdigest())
