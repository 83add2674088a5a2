"""Regenerate the download fixtures of ``tests/test_fetch.py`` from the bundled history.

Run from the repository root::

    python tests/data/fetch/make_fixtures.py

Inputs: ``tle_data/iss_25544_2022-09-03_2023-12-30.tle`` (real ISS element sets).
Outputs, in this folder:

* ``celestrak_gp_25544.json``: the last element set of the file (epoch 2023-12-30),
  laid out as CelesTrak's ``gp.php?CATNR=25544&FORMAT=JSON`` answer (a JSON array of
  OMM records whose numeric fields are JSON numbers);
* ``spacetrack_gp_history_25544.json``: every element set with an epoch in
  September and October 2022, laid out as Space-Track's ``gp_history`` JSON answer
  (every value a string, plus the ``TLE_LINE0/1/2`` fields).

The orbital fields are copied digit for digit from the TLE columns (no float round
trip); the epoch is converted exactly with decimal arithmetic and cross-checked against
sgp4's own conversion. Fields a TLE does not carry (``CREATION_DATE``, ``GP_ID``,
``FILE``, derived ``PERIOD``/``APOAPSIS``...) are left out.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sgp4.api import Satrec
from sgp4.conveniences import sat_epoch_datetime

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
SOURCE = REPO / "tle_data" / "iss_25544_2022-09-03_2023-12-30.tle"
OBJECT_NAME = "ISS (ZARYA)"
HISTORY_WINDOW = (datetime(2022, 9, 1), datetime(2022, 11, 1))  # [start, end)


def _implied(field: str) -> Decimal:
    """TLE 'implied decimal point' field such as ' 59194-4' -> 0.59194e-4."""
    field = field.strip()
    sign = -1 if field.startswith("-") else 1
    field = field.lstrip("+-")
    mantissa, exponent = field[:-2], field[-2:]
    return sign * Decimal("0." + mantissa) * Decimal(10) ** int(exponent)


def _epoch(line1: str) -> datetime:
    year = int(line1[18:20])
    year += 1900 if year >= 57 else 2000  # TLE two-digit year rule (57-99 -> 19xx)
    day = Decimal(line1[20:32])
    whole = int(day)
    micro = int((day - whole) * 86_400_000_000 + Decimal("0.5"))
    return datetime(year, 1, 1) + timedelta(days=whole - 1, microseconds=micro)


def _fields(line1: str, line2: str) -> dict:
    intl = line1[9:17].strip()
    launch_year = int(intl[:2])
    launch_year += 1900 if launch_year >= 57 else 2000
    return {
        "OBJECT_ID": f"{launch_year}-{intl[2:]}",
        "EPOCH": _epoch(line1),
        "MEAN_MOTION": Decimal(line2[52:63]),
        "ECCENTRICITY": Decimal("0." + line2[26:33].strip()),
        "INCLINATION": Decimal(line2[8:16]),
        "RA_OF_ASC_NODE": Decimal(line2[17:25]),
        "ARG_OF_PERICENTER": Decimal(line2[34:42]),
        "MEAN_ANOMALY": Decimal(line2[43:51]),
        "EPHEMERIS_TYPE": int(line1[62]),
        "CLASSIFICATION_TYPE": line1[7],
        "NORAD_CAT_ID": int(line1[2:7]),
        "ELEMENT_SET_NO": int(line1[64:68]),
        "REV_AT_EPOCH": int(line2[63:68]),
        "BSTAR": _implied(line1[53:61]),
        "MEAN_MOTION_DOT": Decimal(line1[33:43].strip()),
        "MEAN_MOTION_DDOT": _implied(line1[44:52]),
    }


def _check_epoch(line1: str, line2: str, epoch: datetime) -> None:
    sgp4_epoch = sat_epoch_datetime(Satrec.twoline2rv(line1, line2)).replace(tzinfo=None)
    if abs(sgp4_epoch - epoch) > timedelta(milliseconds=1):
        raise SystemExit(f"epoch mismatch for {line1!r}: {epoch} vs sgp4 {sgp4_epoch}")


def celestrak_record(line1: str, line2: str) -> dict:
    f = _fields(line1, line2)
    record = {"OBJECT_NAME": OBJECT_NAME, "OBJECT_ID": f["OBJECT_ID"],
              "EPOCH": f["EPOCH"].strftime("%Y-%m-%dT%H:%M:%S.%f")}
    for key in ("MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
                "ARG_OF_PERICENTER", "MEAN_ANOMALY", "EPHEMERIS_TYPE",
                "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH",
                "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT"):
        value = f[key]
        record[key] = float(value) if isinstance(value, Decimal) else value
    return record


def spacetrack_record(line1: str, line2: str) -> dict:
    f = _fields(line1, line2)
    return {
        "CCSDS_OMM_VERS": "2.0",
        "COMMENT": "GENERATED VIA SPACE-TRACK.ORG API",
        "ORIGINATOR": "18 SPCS",
        "OBJECT_NAME": OBJECT_NAME,
        "OBJECT_ID": f["OBJECT_ID"],
        "CENTER_NAME": "EARTH",
        "REF_FRAME": "TEME",
        "TIME_SYSTEM": "UTC",
        "MEAN_ELEMENT_THEORY": "SGP4",
        "EPOCH": f["EPOCH"].strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "MEAN_MOTION": f"{f['MEAN_MOTION']:.8f}",
        "ECCENTRICITY": f"{f['ECCENTRICITY']:.8f}",
        "INCLINATION": f"{f['INCLINATION']:.4f}",
        "RA_OF_ASC_NODE": f"{f['RA_OF_ASC_NODE']:.4f}",
        "ARG_OF_PERICENTER": f"{f['ARG_OF_PERICENTER']:.4f}",
        "MEAN_ANOMALY": f"{f['MEAN_ANOMALY']:.4f}",
        "EPHEMERIS_TYPE": str(f["EPHEMERIS_TYPE"]),
        "CLASSIFICATION_TYPE": f["CLASSIFICATION_TYPE"],
        "NORAD_CAT_ID": str(f["NORAD_CAT_ID"]),
        "ELEMENT_SET_NO": str(f["ELEMENT_SET_NO"]),
        "REV_AT_EPOCH": str(f["REV_AT_EPOCH"]),
        "BSTAR": f"{f['BSTAR']:.14f}",
        "MEAN_MOTION_DOT": f"{f['MEAN_MOTION_DOT']:.8f}",
        "MEAN_MOTION_DDOT": f"{f['MEAN_MOTION_DDOT']:.13f}",
        "TLE_LINE0": "0 " + OBJECT_NAME,
        "TLE_LINE1": line1,
        "TLE_LINE2": line2,
    }


def main() -> None:
    lines = [ln.rstrip("\n") for ln in SOURCE.read_text().splitlines() if ln.strip()]
    pairs = list(zip(lines[0::2], lines[1::2]))
    for line1, line2 in pairs:
        _check_epoch(line1, line2, _epoch(line1))

    current = [celestrak_record(*pairs[-1])]
    (HERE / "celestrak_gp_25544.json").write_text(json.dumps(current) + "\n")

    start, end = HISTORY_WINDOW
    history = [spacetrack_record(l1, l2) for l1, l2 in pairs if start <= _epoch(l1) < end]
    history.sort(key=lambda r: r["EPOCH"])
    (HERE / "spacetrack_gp_history_25544.json").write_text(
        json.dumps(history, indent=1) + "\n")
    print(f"wrote 1 CelesTrak record and {len(history)} Space-Track records")


if __name__ == "__main__":
    main()
