"""Build flux_tables/debris_inclination_mix_iss.csv: the inclination mix of catalogued
objects in an altitude shell, weighted by the time each spends in the shell.

Usage (from the repository root)::

    python builders/build_debris_inclination_mix.py \\
        --catalog ../shared/data/catalog/3le_2023-09-05_zigcloud-Engine.txt \\
        --alt-min 400 --alt-max 430 --out flux_tables/debris_inclination_mix_iss.csv

Method
------
1. Read the catalogue (Space-Track 3LE layout) with :func:`impactrisk.io.tle.read_tle`
   (every line validated) and build one SGP4 satellite per element set with the WGS-72
   constants. Each object's mean semi-major axis a (SGP4's un-Kozai'd value,
   ``Satrec.a`` x 6378.135 km), eccentricity e and inclination i are SGP4 mean elements.
2. The shell is ``R + alt_min <= r <= R + alt_max`` with R = 6378.137 km, the radius of
   the spherical Earth the environment models use (physics brief, convention 3).
3. Each object is weighted by the fraction of its orbital period spent in the shell.
   Derivation: with the eccentric anomaly E, ``r = a (1 - e cos E)``, and the mean
   anomaly ``M = E - e sin E`` grows uniformly in time (Kepler's equation). On
   0 <= E <= pi, r grows monotonically from a(1 - e) to a(1 + e), so
   ``r1 <= r <= r2`` is ``E1 <= E <= E2`` with
   ``E1 = arccos(clip((1 - r1/a)/e, -1, 1))``, ``E2 = arccos(clip((1 - r2/a)/e, -1, 1))``;
   the interval pi ... 2 pi mirrors it. The time fraction is therefore
   ``[M(E2) - M(E1)] / pi``. For e = 0 it is 1 if r1 <= a <= r2, else 0 (the limit of
   the same formula). The spatial density an object adds to the shell is its time
   fraction divided by the shell volume, so the weights add up to the shell's share of
   objects by inclination (random node and argument of perigee assumed).
4. Objects docked or berthed to the ISS are excluded together with the ISS (catalogue
   number 25544): they share its orbit and position, so they never cross it. They are
   found, not listed by hand: every object within ``--docked-km`` (default 5 km) of the
   ISS at the ISS's element-set epoch, both propagated with SGP4. (In the 2023-09-05
   snapshot these are Nauka and the visiting vehicles, whose element sets are copies of
   one ISS element set.) Objects released from the ISS that fly freely are kept.
5. Objects are classed by name: ``deb`` (the name contains the word DEB), ``rb``
   (contains R/B), ``other`` (payloads and unidentified objects). The histogram is built
   in ``--bin-width`` degree bins of inclination over 0 ... 180 deg (last bin closed),
   with the weight per class and the weight-weighted mean inclination inside each bin.

The output holds the histogram only, never the catalogue, with a provenance header.
Rerunning the builder on the same catalogue reproduces the table byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np
from sgp4.api import WGS72, Satrec

from impactrisk.constants import R_EARTH_KM
from impactrisk.io.tle import read_tle

#: Catalogue number of the ISS (Zarya).
ISS_CATALOG_NUMBER = 25544
#: Distance from the ISS within which an object counts as docked or berthed [km].
DOCKED_KM = 5.0
#: Eccentricity above which an object is reported as eccentric in the header [-].
ECCENTRIC = 0.01
CLASSES = ("deb", "rb", "other")
#: Provenance of the catalogue files this builder has been run on, by sha256 (from
#: ../shared/data/catalog/PROVENANCE.md); any other file is marked as unrecorded.
KNOWN_CATALOGS = {
    "349abe0bbe4b433f294ad480a3b4380826a065f7bfad3eae150cf23522f7552e": (
        "copied byte for byte from GitHub repository zigcloud/Engine, file 3le.txt, commit "
        "8eb73e73bb19f63ece393d272af9ae986a7c0f7d (2023-09-20); original authority "
        "Space-Track.org (layout and content; its ISS entry is byte-identical to the "
        "same-epoch Space-Track gp_history record); no licence stated upstream."
    ),
}


def shell_time_fraction(a_km, e, r_min_km: float, r_max_km: float) -> np.ndarray:
    """Fraction of the orbital period spent at radius r_min ... r_max.

    Parameters
    ----------
    a_km : array_like
        Semi-major axis [km].
    e : array_like
        Eccentricity [-], 0 <= e < 1.
    r_min_km, r_max_km : float
        Shell radii [km], r_min < r_max.

    Returns
    -------
    numpy.ndarray
        Time fraction [-], 0 ... 1: ``[M(E2) - M(E1)] / pi`` (see the module notes).
    """
    a = np.asarray(a_km, dtype=float)
    ecc = np.asarray(e, dtype=float)
    a, ecc = np.broadcast_arrays(a, ecc)
    circular = ecc <= 0.0
    safe_e = np.where(circular, 1.0, ecc)
    e1 = np.arccos(np.clip((1.0 - r_min_km / a) / safe_e, -1.0, 1.0))
    e2 = np.arccos(np.clip((1.0 - r_max_km / a) / safe_e, -1.0, 1.0))
    fraction = ((e2 - safe_e * np.sin(e2)) - (e1 - safe_e * np.sin(e1))) / np.pi
    inside = ((a >= r_min_km) & (a <= r_max_km)).astype(float)
    return np.where(circular, inside, fraction)


def object_class(name: str | None) -> str:
    """``deb``, ``rb`` or ``other`` from a catalogue name."""
    text = (name or "").upper()
    if "DEB" in text.replace("(", " ").replace(")", " ").split():
        return "deb"
    if "R/B" in text:
        return "rb"
    return "other"


def _epoch_text(jd: float) -> str:
    """Calendar date of a Julian date, YYYY-MM-DD (proleptic Gregorian)."""
    z = int(jd + 0.5)
    alpha = int((z - 1867216.25) / 36524.25)
    b = z + 1 + alpha - alpha // 4 + 1524
    c = int((b - 122.1) / 365.25)
    d = int(365.25 * c)
    month_index = int((b - d) / 30.6001)
    day = b - d - int(30.6001 * month_index)
    month = month_index - 1 if month_index < 14 else month_index - 13
    year = c - 4716 if month > 2 else c - 4715
    return f"{year:04d}-{month:02d}-{day:02d}"


def build_table(catalog: str | Path, alt_min_km: float = 400.0, alt_max_km: float = 430.0,
                bin_width_deg: float = 2.0, docked_km: float = DOCKED_KM) -> str:
    """The table text (header and CSV) for a catalogue file."""
    catalog = Path(catalog)
    if not alt_min_km < alt_max_km:
        raise SystemExit(f"expected --alt-min < --alt-max, got {alt_min_km} and {alt_max_km}")
    n_bins = 180.0 / bin_width_deg
    if bin_width_deg <= 0 or abs(n_bins - round(n_bins)) > 1e-9:
        raise SystemExit(f"expected a bin width that divides 180 deg, got {bin_width_deg}")
    n_bins = int(round(n_bins))
    digest = hashlib.sha256(catalog.read_bytes()).hexdigest()
    records = read_tle(catalog)
    sats = [Satrec.twoline2rv(rec.line1, rec.line2, WGS72) for rec in records]
    numbers = np.array([sat.satnum for sat in sats])
    names = [rec.name for rec in records]
    failed = np.array([sat.error != 0 for sat in sats])
    a_km = np.array([sat.a * sat.radiusearthkm for sat in sats])
    ecc = np.array([sat.ecco for sat in sats])
    inc_deg = np.degrees([sat.inclo for sat in sats])
    epoch_jd = np.array([sat.jdsatepoch + sat.jdsatepochF for sat in sats])

    r_min, r_max = R_EARTH_KM + alt_min_km, R_EARTH_KM + alt_max_km
    weight = np.where(failed, 0.0, shell_time_fraction(a_km, ecc, r_min, r_max))

    iss = np.flatnonzero(numbers == ISS_CATALOG_NUMBER)
    excluded = np.zeros(len(sats), dtype=bool)
    if iss.size:
        ref = sats[iss[0]]
        _, r_iss, _ = ref.sgp4(ref.jdsatepoch, ref.jdsatepochF)
        for index in np.flatnonzero(weight > 0):
            err, r_obj, _ = sats[index].sgp4(ref.jdsatepoch, ref.jdsatepochF)
            if err == 0 and np.linalg.norm(np.subtract(r_obj, r_iss)) <= docked_km:
                excluded[index] = True
        excluded[iss] = True
    weight = np.where(excluded, 0.0, weight)
    used = weight > 0
    classes = np.array([object_class(name) for name in names])

    edges = np.linspace(0.0, 180.0, n_bins + 1)
    index = np.clip(np.searchsorted(edges, inc_deg, side="right") - 1, 0, n_bins - 1)
    w_all = np.bincount(index, weights=weight, minlength=n_bins)
    w_inc = np.bincount(index, weights=weight * inc_deg, minlength=n_bins)
    n_obj = np.bincount(index, weights=used.astype(float), minlength=n_bins)
    w_cls = {c: np.bincount(index, weights=np.where(classes == c, weight, 0.0),
                            minlength=n_bins) for c in CLASSES}
    total = w_all.sum()

    retro = inc_deg > 90.0
    eccentric = ecc > ECCENTRIC
    excl_text = "; ".join(f"{numbers[i]} {names[i] or ''}".strip()
                          for i in np.flatnonzero(excluded))
    counts = {c: int((used & (classes == c)).sum()) for c in CLASSES}
    wsum = {c: float(weight[classes == c].sum()) for c in CLASSES}
    lines = [
        f"# title: Inclination mix of catalogued objects in the {alt_min_km:g}-{alt_max_km:g} km "
        "shell (time-weighted), for the debris crossing geometry at ISS altitude",
        f"# source: {catalog.name} (sha256 {digest}), a full public-catalogue element-set "
        "dump in Space-Track 3LE layout,",
        "# source: " + KNOWN_CATALOGS.get(digest, "provenance of this file not recorded."),
        f"# source: {len(records)} element sets, epochs "
        f"{_epoch_text(epoch_jd.min())} .. {_epoch_text(epoch_jd.max())}, catalogued (tracked) objects only, larger than about 10 cm.",
        "# source: only this derived histogram is distributed, not the catalogue.",
        "# reference: zigcloud_engine_3le; spacetrack_tle_format; hoots1980; kessler1981",
        "# units: inc_lo_deg=deg; inc_hi_deg=deg; inc_mean_deg=deg; n_objects=1; weight=1; "
        "fraction=1; weight_deb=1; weight_rb=1; weight_other=1",
        "# basis: weight = sum over objects of the fraction of the orbital period spent in the "
        "shell (object-equivalents permanently in the shell, proportional to the spatial "
        "density); fraction = weight / total weight;",
        "# basis: inc_mean_deg is the weight-weighted mean inclination inside the bin (empty "
        "for empty bins); n_objects counts objects with a non-zero weight; bins are "
        "[inc_lo_deg, inc_hi_deg), the last one closed.",
        f"# alt_min_km: {alt_min_km:g}",
        f"# alt_max_km: {alt_max_km:g}",
        f"# shell: {r_min:.3f} <= r <= {r_max:.3f} km (altitude above a spherical Earth of "
        f"radius {R_EARTH_KM} km, physics brief convention 3).",
        "# weighting: time fraction in the shell from SGP4 mean elements (WGS-72): "
        "[M(E2) - M(E1)] / pi with r = a (1 - e cos E), M = E - e sin E, "
        "E1,2 = arccos((1 - r1,2 / a) / e); 1 or 0 for e = 0 (derivation in the builder).",
        f"# selection: excluded the ISS and the objects within {docked_km:g} km of it at its "
        f"element-set epoch (docked or berthed, sharing its orbit, so never crossing it): "
        f"{excl_text}.",
        f"# selection: {int(failed.sum())} element sets failed SGP4 initialisation and were "
        "skipped.",
        f"# counts: {int(used.sum())} objects with a non-zero weight (deb {counts['deb']}, "
        f"rb {counts['rb']}, other {counts['other']}); total weight {total:.6f} (deb "
        f"{wsum['deb']:.6f}, rb {wsum['rb']:.6f}, other {wsum['other']:.6f}).",
        f"# counts: retrograde (i > 90 deg) {int((used & retro).sum())} objects, "
        f"{weight[retro].sum() / total:.4f} of the weight; eccentric (e > {ECCENTRIC:g}) "
        f"{int((used & eccentric).sum())} objects, {weight[eccentric].sum() / total:.4f} of "
        "the weight.",
        "# classes: deb = name contains the word DEB; rb = name contains R/B; other = "
        "payloads and unidentified objects (active satellites included).",
        "# assumption: using the inclination mix of CATALOGUED objects (> ~10 cm) for "
        "millimetre and sub-millimetre debris is an ASSUMPTION, not a measurement: small "
        "debris comes mostly from fragmentations, solid rocket motors and surface "
        "degradation and may have another mix;",
        "# assumption: the crossing model treats every object as circular at the shell "
        "radius with a random node; eccentric objects (GTO stages and tanks) in fact cross "
        "the shell with out-of-plane and faster relative velocities.",
        "# builder: builders/build_debris_inclination_mix.py "
        f"--catalog {catalog.name} --alt-min {alt_min_km:g} --alt-max {alt_max_km:g} "
        f"--bin-width {bin_width_deg:g} --docked-km {docked_km:g}",
        "# use: impactrisk.io.flux_tables.load_debris_inclination_mix() -> "
        "impactrisk.environment.crossing.DebrisInclinationMix",
        "inc_lo_deg,inc_hi_deg,inc_mean_deg,n_objects,weight,fraction,"
        "weight_deb,weight_rb,weight_other",
    ]
    for b in range(n_bins):
        mean = f"{w_inc[b] / w_all[b]:.3f}" if w_all[b] > 0 else ""
        lines.append(
            f"{edges[b]:g},{edges[b + 1]:g},{mean},{int(n_obj[b])},{w_all[b]:.6f},"
            f"{w_all[b] / total:.6f},{w_cls['deb'][b]:.6f},{w_cls['rb'][b]:.6f},"
            f"{w_cls['other'][b]:.6f}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", required=True, type=Path,
                        help="3LE/TLE catalogue file")
    parser.add_argument("--alt-min", type=float, default=400.0,
                        help="lower shell altitude [km] (default 400)")
    parser.add_argument("--alt-max", type=float, default=430.0,
                        help="upper shell altitude [km] (default 430)")
    parser.add_argument("--bin-width", type=float, default=2.0,
                        help="inclination bin width [deg], divides 180 (default 2)")
    parser.add_argument("--docked-km", type=float, default=DOCKED_KM,
                        help="distance from the ISS that counts as docked [km] (default 5)")
    parser.add_argument("--out", required=True, type=Path, help="output CSV")
    args = parser.parse_args(argv)
    text = build_table(args.catalog, args.alt_min, args.alt_max, args.bin_width,
                       args.docked_km)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
