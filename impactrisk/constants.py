"""Physical and numerical constants, each with its source.

Every constant is a plain float (the core is unit-free; the unit is in the name) and
is listed in :data:`CONSTANTS` with its reference key in ``references.bib``.

Orbit-related constants are those of WGS-72, the geopotential SGP4 uses
(``sgp4.api.WGS72``), so that quantities derived from SGP4 states stay consistent
with the propagator; WGS-84 values are used only for geodetic (display) altitude.
"""

from __future__ import annotations

from typing import NamedTuple


class Constant(NamedTuple):
    value: float
    units: str
    reference: str
    note: str = ""


#: Earth equatorial radius of WGS-72 [km] (Hoots & Roehrich 1980; Vallado et al. 2006 Table 1).
R_EARTH_WGS72_KM = 6378.135
#: Earth gravitational parameter of WGS-72 [km^3/s^2] (same sources).
MU_EARTH_WGS72_KM3_S2 = 398600.8
#: WGS-84 semi-major axis [km] (NIMA TR8350.2, 3rd ed., Table 3.1).
WGS84_A_KM = 6378.137
#: WGS-84 flattening [-] (NIMA TR8350.2, Table 3.1).
WGS84_F = 1.0 / 298.257223563
#: Mean Earth radius used for "altitude above a spherical Earth" [km]: the WGS-84
#: equatorial radius, as the ECSS shielding formula and the crossing-geometry oracle
#: in the physics brief use (ECSS-E-ST-10-04C Annex C.1.3.1 uses 6378 km).
R_EARTH_KM = WGS84_A_KM
#: Julian year [s] (IAU 2009 system of astronomical constants).
SECONDS_PER_YEAR = 365.25 * 86400.0
#: Day [s].
SECONDS_PER_DAY = 86400.0
#: Julian date of J2000.0 (2000-01-01 12:00 TT) [d] (IAU).
JD_J2000 = 2451545.0

CONSTANTS: dict[str, Constant] = {
    "R_EARTH_WGS72_KM": Constant(R_EARTH_WGS72_KM, "km", "hoots1980"),
    "MU_EARTH_WGS72_KM3_S2": Constant(MU_EARTH_WGS72_KM3_S2, "km3/s2", "hoots1980"),
    "WGS84_A_KM": Constant(WGS84_A_KM, "km", "nima2000"),
    "WGS84_F": Constant(WGS84_F, "1", "nima2000"),
    "R_EARTH_KM": Constant(R_EARTH_KM, "km", "nima2000",
                           "radius of the spherical Earth for model altitudes"),
    "SECONDS_PER_YEAR": Constant(SECONDS_PER_YEAR, "s", "iau2009", "Julian year"),
    "SECONDS_PER_DAY": Constant(SECONDS_PER_DAY, "s", "iau2009"),
    "JD_J2000": Constant(JD_J2000, "d", "iau2009"),
}
