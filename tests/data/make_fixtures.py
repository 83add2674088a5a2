"""Regenerate the TLE/OMM fixtures of this folder from the bundled ISS history.

Run from the repository root::

    python tests/data/make_fixtures.py

Element sets are copied byte for byte from ``tle_data/iss_25544_2022-09-03_2023-12-30.tle``;
the OMM files carry the same element sets with each TLE field converted to its OMM
keyword, using exact decimal arithmetic (no value is rounded except the epoch, which is
written to the microsecond as CelesTrak and Space-Track do). Only the standard library
is used, so the conversion is independent of impactrisk's own readers.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
HISTORY = HERE.parents[1] / "tle_data" / "iss_25544_2022-09-03_2023-12-30.tle"

#: Line numbers (1-based, line 1 of each set) in the bundled history.
TWO_LINE_SETS = (83, 85, 87, 89)        # 2023-01-01 .. 2023-01-02
THREE_LINE_SETS = (1215, 1217, 1219)    # 2023-04-19, Nauka radiator relocation day
SPACETRACK_SETS = (71, 73, 75)          # 2022-12-05 .. 2022-12-16, Soyuz MS-22 leak
NAME = "ISS (ZARYA)"

OMM_KEYS = ("OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY",
            "INCLINATION", "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY",
            "EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO",
            "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")
#: WGS-72 constants for the derived Space-Track keys (Hoots & Roehrich 1980).
MU_KM3_S2 = 398600.8
RE_KM = 6378.135


def sets(lines, starts):
    return [(lines[n - 1], lines[n]) for n in starts]


def exp_field(text: str) -> Decimal:
    """TLE ' 12345-4' -> 0.12345e-4 (leading decimal point assumed)."""
    mantissa = Decimal(text[0].replace(" ", "") + "0." + text[1:6])
    return mantissa.scaleb(int(text[6:8]))


def fields(l1: str, l2: str) -> dict:
    yy = int(l1[18:20])
    year = yy + (1900 if yy >= 57 else 2000)
    day = Decimal(l1[20:32])
    micro = (day - 1) * 86400 * 10**6
    epoch = datetime(year, 1, 1) + timedelta(microseconds=int(micro.to_integral_value()))
    intl = l1[9:17].strip()
    launch_year = int(intl[:2]) + (1900 if int(intl[:2]) >= 57 else 2000)
    return {
        "OBJECT_NAME": NAME,
        "OBJECT_ID": f"{launch_year}-{intl[2:]}",
        "EPOCH": epoch.strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "MEAN_MOTION": Decimal(l2[52:63]),
        "ECCENTRICITY": Decimal("0." + l2[26:33]),
        "INCLINATION": Decimal(l2[8:16].strip()),
        "RA_OF_ASC_NODE": Decimal(l2[17:25].strip()),
        "ARG_OF_PERICENTER": Decimal(l2[34:42].strip()),
        "MEAN_ANOMALY": Decimal(l2[43:51].strip()),
        "EPHEMERIS_TYPE": int(l1[62]),
        "CLASSIFICATION_TYPE": l1[7],
        "NORAD_CAT_ID": int(l1[2:7]),
        "ELEMENT_SET_NO": int(l1[64:68]),
        "REV_AT_EPOCH": int(l2[63:68]),
        "BSTAR": exp_field(l1[53:61]),
        "MEAN_MOTION_DOT": Decimal(l1[33:43].replace(" ", "")),
        "MEAN_MOTION_DDOT": exp_field(l1[44:52]),
    }


#: Keys CelesTrak's CSV writes in E notation (".28903E-3"); others plain, with no
#: leading zero (".0005204").
E_NOTATION = ("BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")


def celestrak_text(key: str, value) -> str:
    """One CSV cell in CelesTrak's style."""
    if not isinstance(value, Decimal):
        return str(value)
    if value == 0:
        return "0"
    if key in E_NOTATION:
        sign = "-" if value < 0 else ""
        digits = abs(value).normalize()
        exponent = digits.adjusted() + 1
        mantissa = format(digits.scaleb(-exponent), "f")  # 0.NNNNN
        return f"{sign}{mantissa[1:]}E{exponent}"
    text = format(value, "f")
    return text[1:] if text.startswith("0.") else text


def main() -> None:
    lines = HISTORY.read_text().splitlines()

    two = sets(lines, TWO_LINE_SETS)
    (HERE / "iss_2line.tle").write_text("".join(f"{a}\n{b}\n" for a, b in two))

    three = sets(lines, THREE_LINE_SETS)
    (HERE / "iss_3line.tle").write_text(
        "".join(f"{NAME:<24}\n{a}\n{b}\n" for a, b in three))

    st = sets(lines, SPACETRACK_SETS)
    (HERE / "iss_spacetrack.3le").write_text(
        "".join(f"0 {NAME}\n{a}\n{b}\n" for a, b in st))

    rows = [fields(a, b) for a, b in three]
    csv_lines = [",".join(OMM_KEYS)]
    csv_lines += [",".join(celestrak_text(k, r[k]) for k in OMM_KEYS) for r in rows]
    (HERE / "iss_gp_celestrak.csv").write_text("\r\n".join(csv_lines) + "\r\n")

    def as_json_number(value):
        if isinstance(value, Decimal):
            # JSON numbers, as CelesTrak sends them (a zero as the integer 0)
            return 0 if value == 0 else float(value)
        return value

    celestrak_json = [{k: as_json_number(r[k]) for k in OMM_KEYS} for r in rows]
    (HERE / "iss_gp_celestrak.json").write_text(json.dumps(celestrak_json, indent=1) + "\n")

    st_records = []
    for a, b in st:
        r = fields(a, b)
        n_rad_s = float(r["MEAN_MOTION"]) * 2 * math.pi / 86400.0
        sma = (MU_KM3_S2 / n_rad_s ** 2) ** (1.0 / 3.0)
        ecc = float(r["ECCENTRICITY"])
        record = {
            "CCSDS_OMM_VERS": "2.0",
            "COMMENT": "GENERATED VIA SPACE-TRACK.ORG API",
            "ORIGINATOR": "18 SPCS",
            "OBJECT_NAME": NAME,
            "OBJECT_ID": r["OBJECT_ID"],
            "CENTER_NAME": "EARTH",
            "REF_FRAME": "TEME",
            "TIME_SYSTEM": "UTC",
            "MEAN_ELEMENT_THEORY": "SGP4",
            "EPOCH": r["EPOCH"],
            "MEAN_MOTION": f"{r['MEAN_MOTION']:.8f}",
            "ECCENTRICITY": f"{r['ECCENTRICITY']:.8f}",
            "INCLINATION": f"{r['INCLINATION']:.4f}",
            "RA_OF_ASC_NODE": f"{r['RA_OF_ASC_NODE']:.4f}",
            "ARG_OF_PERICENTER": f"{r['ARG_OF_PERICENTER']:.4f}",
            "MEAN_ANOMALY": f"{r['MEAN_ANOMALY']:.4f}",
            "EPHEMERIS_TYPE": str(r["EPHEMERIS_TYPE"]),
            "CLASSIFICATION_TYPE": r["CLASSIFICATION_TYPE"],
            "NORAD_CAT_ID": str(r["NORAD_CAT_ID"]),
            "ELEMENT_SET_NO": str(r["ELEMENT_SET_NO"]),
            "REV_AT_EPOCH": str(r["REV_AT_EPOCH"]),
            "BSTAR": f"{r['BSTAR']:.14f}",
            "MEAN_MOTION_DOT": f"{r['MEAN_MOTION_DOT']:.8f}",
            "MEAN_MOTION_DDOT": f"{r['MEAN_MOTION_DDOT']:.13f}",
            "SEMIMAJOR_AXIS": f"{sma:.3f}",
            "PERIOD": f"{1440.0 / float(r['MEAN_MOTION']):.3f}",
            "APOAPSIS": f"{sma * (1 + ecc) - RE_KM:.3f}",
            "PERIAPSIS": f"{sma * (1 - ecc) - RE_KM:.3f}",
            "OBJECT_TYPE": "PAYLOAD",
            "RCS_SIZE": "LARGE",
            "COUNTRY_CODE": "ISS",
            "LAUNCH_DATE": "1998-11-20",
            "SITE": "TTMTR",
            "DECAY_DATE": None,
            "TLE_LINE0": f"0 {NAME}",
            "TLE_LINE1": a,
            "TLE_LINE2": b,
        }
        st_records.append(record)
    (HERE / "iss_gp_history_spacetrack.json").write_text(
        json.dumps(st_records, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
