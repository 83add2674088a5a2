"""Published parameter sets of the size-spectrum and near-Earth models, each with its source.

Every set is a small immutable record carrying ``reference`` (a BibTeX key of
``impactrisk/references.bib``) and ``status``, the verification tag of the physics
brief: ``"primary"`` (seen in the primary document), ``"third-party"`` (seen only in a
public transcription or code), ``"recalled"`` (not verified at any source; a
placeholder to be checked before it is relied on). Successive releases of a model are
separate sets, never edited in place.

Nothing here does any computation; the models in :mod:`.meteoroid` and
:mod:`.debris_spectra` read these records.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "DensityClass",
    "TM4527_DENSITY_CLASSES",
    "TM4527_DENSITY_CLASSES_REFERENCE",
    "GRUN_1985",
    "GrunParameters",
    "ECSS_NEAR_EARTH",
    "EcssNearEarthParameters",
    "ECSS_TABLE_J6",
    "EcssTableJ6",
    "SSP30425_SPEED_DISTRIBUTION",
    "PiecewiseSpeedDistribution",
    "KESSLER_NASA91",
    "KesslerParameters",
]


# --------------------------------------------------------------------------- meteoroids


class GrunParameters(NamedTuple):
    """Validity range of the Grün et al. (1985) interplanetary flux fit."""

    mass_min_g: float
    mass_max_g: float
    reference: str
    status: str
    note: str


#: Grün et al. (1985) fit, as adopted by ECSS-E-ST-10-04C §10.2.4.1. The mass range
#: 1e-18 g ... 1e2 g is the range of the fit as commonly quoted; physics brief §1.1
#: tags it [C1/R] (the Icarus paper was not read). ECSS Table J-5 tabulates
#: 1e-12 ... 5e2 g [C1].
GRUN_1985 = GrunParameters(
    mass_min_g=1.0e-18,
    mass_max_g=1.0e2,
    reference="grun1985",
    status="third-party",
    note="range of the fit as quoted by public implementations; not read in Grün et al.",
)


class DensityClass(NamedTuple):
    """One meteoroid mass class with its bulk density.

    The class holds masses ``mass_lo_g <= m < mass_hi_g`` [g] (the inclusion of the end
    points does not matter for cumulative fluxes, which are continuous in mass).
    """

    mass_lo_g: float
    mass_hi_g: float
    rho_g_cm3: float


#: NASA TM-4527 three-step meteoroid density model: 2 g/cm^3 below 1e-6 g, 1 g/cm^3
#: from 1e-6 g to 0.01 g, 0.5 g/cm^3 above 0.01 g. Sources: NASA MEO, *MEM 3 Web App
#: User Guide* §1.1 (describing TM 4527) and NASA/TM-2009-214785 §2.6.1 (primary text
#: seen, physics brief §1.3). SSP 30425 is believed to use the same steps [R].
TM4527_DENSITY_CLASSES: tuple[DensityClass, ...] = (
    DensityClass(0.0, 1.0e-6, 2.0),
    DensityClass(1.0e-6, 1.0e-2, 1.0),
    DensityClass(1.0e-2, float("inf"), 0.5),
)
#: BibTeX key of the TM-4527 density steps (NASA TM-4527, Anderson & Smith 1994).
TM4527_DENSITY_CLASSES_REFERENCE = "anderson1994"


class EcssNearEarthParameters(NamedTuple):
    """Constants of the ECSS near-Earth corrections (Annex C.1.2 and C.1.3)."""

    r_earth_km: float
    atmosphere_km: float
    mu_km3_s2: float
    reference: str


#: ECSS-E-ST-10-04C Annex C.1.3.1: "Re is the Earth radius = 6 378 km; ... 100 km
#: accounts for the atmosphere"; Annex C.1.2: mu = 3,986 10^5 km^3 s^-2 (text seen,
#: physics brief §2.1-2.2).
ECSS_NEAR_EARTH = EcssNearEarthParameters(
    r_earth_km=6378.0,
    atmosphere_km=100.0,
    mu_km3_s2=3.986e5,
    reference="ecss2008",
)


class EcssTableJ6(NamedTuple):
    """ECSS Table J-6: mean focusing Ḡ, shielding sf and spacecraft-motion K by altitude."""

    alt_km: tuple[float, ...]
    focusing: tuple[float, ...]
    shielding: tuple[float, ...]
    motion_k: tuple[float, ...]
    reference: str
    status: str
    note: str


#: ECSS-E-ST-10-04C Rev.1, Table J-6 (p. 195), flux enhancement and shielding factors
#: for sporadic meteoroids in circular Earth orbits. Third-party transcription [C1]:
#: taken from one public Python module that cites the table (physics brief §2.4); the
#: table itself was not seen. Its sf column is 0.01-0.02 below (1 + cos eta)/2 at every
#: altitude (unexplained). Reference data for tests and cross-checks only: a
#: directional model must not multiply by sf or K (convention 2).
ECSS_TABLE_J6 = EcssTableJ6(
    alt_km=(100.0, 200.0, 400.0, 800.0, 1000.0, 2000.0, 4000.0, 10000.0, 20000.0,
            35790.0, 100000.0),
    focusing=(2.04, 2.03, 2.00, 1.94, 1.92, 1.81, 1.65, 1.41, 1.26, 1.16, 1.06),
    shielding=(0.50, 0.58, 0.63, 0.70, 0.72, 0.79, 0.87, 0.95, 0.98, 0.99, 1.00),
    motion_k=(1.09, 1.09, 1.09, 1.08, 1.08, 1.08, 1.07, 1.05, 1.04, 1.03, 1.01),
    reference="ecss2020",
    status="third-party",
    note="transcription of ECSS-E-ST-10-04C Rev.1 Table J-6 in public code; table not seen",
)


class PiecewiseSpeedDistribution(NamedTuple):
    """A three-segment speed density n(v): constant, power law, constant.

    ``n(v) = level_low`` on [v0, v1), ``coefficient * v**exponent`` on [v1, v2),
    ``level_high`` on [v2, v3]; zero elsewhere [(km/s)^-1, v in km/s].
    """

    v0_km_s: float
    v1_km_s: float
    v2_km_s: float
    v3_km_s: float
    level_low: float
    coefficient: float
    exponent: float
    level_high: float
    reference: str
    status: str
    note: str


#: NASA TM-4527 / SSP 30425 near-Earth meteoroid speed distribution. The coefficients
#: are RECALLED (physics brief §3.1, tag [R]); a search of the public material reachable
#: here found no copy of TM-4527 or SSP 30425 giving them (see
#: :func:`impactrisk.environment.meteoroid.ssp30425_speed_distribution`).
SSP30425_SPEED_DISTRIBUTION = PiecewiseSpeedDistribution(
    v0_km_s=11.1,
    v1_km_s=16.3,
    v2_km_s=55.0,
    v3_km_s=72.2,
    level_low=0.112,
    coefficient=3.328e5,
    exponent=-5.34,
    level_high=1.695e-4,
    reference="anderson1994",
    status="recalled",
    note="coefficients recalled, not seen in TM-4527 or SSP 30425; weighting unverified",
)


# ------------------------------------------------------------------------------ debris


class KesslerParameters(NamedTuple):
    """Growth and inclination parameters of the Kessler NASA-90/91 debris model."""

    epoch_year: float
    alt_max_km: float
    q: float
    q_prime: float
    q_switch_year: float
    p: float
    psi_inc_deg: tuple[float, ...]
    psi: tuple[float, ...]
    reference: str
    psi_reference: str
    psi_status: str
    note: str


#: Kessler NASA-90/91 (SSP 30425 family), physics brief §5.1. q = 0.02 before 2011,
#: q' = 0.04 from 2011, p = 0.05, epoch 1988: identical in three independent public
#: implementations [C2]. The inclination table psi(i) is RECALLED [R]; only two points
#: are confirmed by public course scripts (psi(45 deg) = 0.990, psi(52 deg) = 1.030)
#: and linear interpolation of the recalled table reproduces both.
#: The altitude limit of 2000 km is RECALLED [R] (the model is described as a
#: low-Earth-orbit model below 2000 km; not seen in TM-100471 or SSP 30425).
KESSLER_NASA91 = KesslerParameters(
    epoch_year=1988.0,
    alt_max_km=2000.0,
    q=0.02,
    q_prime=0.04,
    q_switch_year=2011.0,
    p=0.05,
    psi_inc_deg=(28.5, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0),
    psi=(0.91, 0.92, 0.96, 1.02, 1.09, 1.26, 1.71, 1.37),
    reference="kessler1989",
    psi_reference="ssp30425b",
    psi_status="recalled",
    note="psi(i) recalled; consistent with psi(45)=0.990 and psi(52)=1.030 from public scripts",
)
