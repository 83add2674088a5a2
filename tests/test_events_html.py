"""The self-contained HTML report of the 2022-2023 coolant leaks
(:mod:`impactrisk.report.events_html`, ``impactrisk events --html``).

The input is built here (:func:`make_analysis`: the schema of
:func:`impactrisk.events.analyse`, small and realistic); when a real analysis is at
``IMPACTRISK_EVENTS_SAMPLE`` (the JSON of ``impactrisk events --json``) it is
rendered too. Unit tests check the document's text; the browser tests load it in headless
Chromium (served from 127.0.0.1, every other host unresolvable) and check that every
plot decoded and every section is in the DOM; they skip without a Chromium binary. Set
``IMPACTRISK_REPORT_ARTIFACTS`` to a folder to keep events.html and its screenshot.
"""

from __future__ import annotations

import base64
import copy
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import browser
import numpy as np
import pytest
from html_doc import HtmlDoc, outside_command

from impactrisk.report.events_html import PLOT_NAMES, SECTION_IDS, render_events_html
from impactrisk.report.html import format_number

#: A real analysis to render as well, when one is named.
SAMPLE = Path(os.environ["IMPACTRISK_EVENTS_SAMPLE"]) if os.environ.get("IMPACTRISK_EVENTS_SAMPLE") else None

# ------------------------------------------------------------------ the input

COMMAND = "impactrisk events --html report.html --quick"
PARAGRAPH = ("Across the 32 combinations of unpublished inputs swept here, MMOD would have caused "
             "between 0.16 and 9.97 radiator leaks over the fleet's history; 3 were recorded, all "
             "within 12 months and none before December 2022.")
LEAKS = [("Soyuz MS-22", "soyuz-ms-22", "2022-12-15T00:45:00Z", "2022-09-21T17:06:34Z", 84.3184),
         ("Progress MS-21", "progress-ms-21", "2023-02-11T09:40:00Z", "2022-10-28T02:48:53Z", 106.2855),
         ("Nauka RTOd", "nauka-rtod", "2023-10-09T17:00:00Z", "2023-04-19T09:34:59Z", 173.309)]
STAND_IN_NOTE = "circular 415 km stand-in before the bundled element sets begin"
EDGES = [2.0 * i for i in range(41)]


def _speeds(n_by_group: dict) -> dict:
    """Per 2 km/s bin: debris around 10-14 km/s, meteoroids around 20 km/s, showers at 36."""
    centres = np.array(EDGES[:-1]) + 1.0
    shapes = {"debris": np.exp(-0.5 * ((centres - 12.0) / 3.0) ** 2) * (centres < 16),
              "meteoroid": np.exp(-0.5 * ((centres - 20.0) / 7.0) ** 2),
              "shower": np.exp(-0.5 * ((centres - 36.0) / 1.5) ** 2)}
    return {g: (n_by_group[g] * s / s.sum()).tolist() for g, s in shapes.items()}


def _reconstruction(vehicle, module, leak, start, days, *, stand_in: bool) -> dict:
    groups = {"meteoroid": 0.0007 * days, "shower": 3e-6 * days, "debris": 0.0007 * days}
    n = sum(groups.values())
    speeds = _speeds(groups)
    in_band = {g: float(sum(v[3:5])) for g, v in speeds.items()}
    exposure = [{"port": "rassvet-nadir" if "soyuz" in module else "poisk-zenith", "start": start,
                 "end": leak, "days": days, "source": "docking and leak times, press reports",
                 "uncertain": module == "nauka-rtod", "optional": False,
                 "note": "Coolant leak; returned uncrewed." if "soyuz" in module else "Leak seen."}]
    segments = [{"start": start, "end": leak, "kind": "tle", "source": "tle_data/iss_25544.tle",
                 "note": "bundled ISS element-set history", "days": days}]
    if stand_in:
        segments = [{"start": start, "end": "2022-09-23T20:15:48Z", "kind": "circular",
                     "source": "stand-in", "note": STAND_IN_NOTE, "days": 2.13},
                    dict(segments[0], start="2022-09-23T20:15:48Z", days=days - 2.13)]
    return {
        "module": module, "vehicle": vehicle,
        "event": {"kind": "coolant leak", "time": leak, "source": "press reports",
                  "observed_hole_mm": ({"value": 0.8, "unit": "mm", "assumption": None,
                                        "source": "TASS 2022-12-19"} if "soyuz" in module else None),
                  "uncertain": "progress" in module, "note": f"Leak of the {vehicle} radiator."},
        "start": start, "end": leak, "exposure_days": days, "exposure": exposure,
        "n": n, "pnp": math.exp(-n), "n_by_group": groups,
        "n_by_source": {"sporadic meteoroids": groups["meteoroid"], "GEM": groups["shower"],
                        "debris": groups["debris"]},
        "mean_speed_km_s": {"meteoroid": 24.7, "shower": 36.0, "debris": 12.3},
        "speed_band_km_s": [6.0, 10.0],
        "n_in_speed_band": in_band,
        "share_in_speed_band": {g: in_band[g] / groups[g] for g in groups},
        "p_debris_given_speed_band": in_band["debris"] / sum(in_band.values()),
        "speed_edges_km_s": EDGES, "speed_by_group": speeds,
        "orbit": {"source": "tle_data/iss_25544.tle", "kind": "tle", "element_sets_used": 32,
                  "first_epoch_used": start, "last_epoch_used": leak, "segments": segments,
                  "stand_in_days": 2.13 if stand_in else 0,
                  "staleness": {"applicable": True, "max_age_days": 5.34, "mean_age_days": 1.32,
                                "threshold_days": 3.0, "fraction_older_than_threshold": 0.106,
                                "fraction_outside_coverage": 0.0}},
        "assumptions": [{"key": "shield.radiator.wall", "value": "1 mm",
                         "reasoning": "AMg6 channel wall, not published"},
                        {"key": "shield.radiator.channel_fraction", "value": 0.15,
                         "reasoning": "share of the radiator the channels take"},
                        {"key": "surface.rtod.normal", "value": [0, 1, 0],
                         "reasoning": "orientation on Nauka not published"}],
        "notes": ["Shadowing by the station's other modules is not modelled."],
        "include_optional": True,
    }


def _geminids() -> dict:
    az = [5.0 + 10.0 * i for i in range(36)]
    shape = [max(0.0, math.cos(math.radians(a - 290.0))) for a in az]
    before = [3e-6 * s for s in shape]
    after = [1.2e-6 * s for s in shape]
    return {
        "module": "soyuz-ms-22", "shower": "GEM", "leak": LEAKS[0][2], "hours": 24.0,
        "azimuth_deg": az, "criterion": "leak", "version": "0.1.0",
        "facet_area_m2": [0.0524] * 36,
        "before": {"start": "2022-12-14T00:45:00Z", "end": LEAKS[0][2], "n_by_facet": before,
                   "n_shower": sum(before), "n_all_sources": 0.00152,
                   "n_by_group": {"meteoroid": 7.4e-4, "shower": 4.8e-5, "debris": 7.3e-4},
                   "stalest_element_set_days": 0.958, "element_sets_used": 1},
        "after": {"start": LEAKS[0][2], "end": "2022-12-16T00:45:00Z", "n_by_facet": after,
                  "n_shower": sum(after), "n_all_sources": 0.00148,
                  "n_by_group": {"meteoroid": 7.4e-4, "shower": 1.9e-5, "debris": 7.3e-4},
                  "stalest_element_set_days": 0.970, "element_sets_used": 2},
        "visibility": {"share_visible": 0.6795, "share_blocked_by_earth": 0.3205,
                       "radiant_elevation_from_orbit_plane_deg": [-60.3, -50.96],
                       "zhr_range": [30.3, 150.0], "stalest_element_set_days": 0.970},
    }


def _sweep_row(wall, face, fraction, debris) -> dict:
    factor = {"kessler-1991": 1.0, "kessler-1991 /3": 1 / 3, "kessler-1991 x3": 3.0,
              "ordem2000-handbook": 0.6}[debris]
    natural = 10.0 * fraction / 0.15 / wall ** 2 / (1.0 + 3.0 * face)
    debris_n = 0.4 * natural * factor
    n = natural + debris_n
    before = 0.88 * n
    p_scan = -math.expm1(-(n / 8.0) ** 3)
    return {"wall_mm": wall, "facesheet_mm": face, "channel_fraction": fraction, "debris": debris,
            "n_expected": n, "n_meteoroid_and_showers": natural, "n_debris": debris_n,
            "n_before_first_leak": before,
            "p_count_at_least_observed": 1.0 - math.exp(-n) * (1 + n + n * n / 2),
            "p_count_at_most_observed": math.exp(-n) * (1 + n + n * n / 2 + n ** 3 / 6),
            "p_count_exactly_observed": math.exp(-n) * n ** 3 / 6,
            "p_none_before_first_leak": math.exp(-before),
            "p_scan": p_scan, "p_scan_upper_bound": 1.3 * p_scan, "scan_method": "dp"}


def _members() -> list[dict]:
    out = []
    for i in range(1, 9):
        out.append({"vehicle": f"Soyuz MS-{i:02d}", "module": f"soyuz-ms-{i:02d}",
                    "template": "soyuz-ms-22", "exposure_days": 180.0 + i, "event": None,
                    "n": 0.9 + 0.1 * i})
    out.append({"vehicle": "Soyuz MS-22", "module": "soyuz-ms-22", "template": "",
                "exposure_days": 84.3, "event": LEAKS[0][2], "n": 0.84})
    for i in range(1, 7):
        out.append({"vehicle": f"Progress MS-{i:02d}", "module": f"progress-ms-{i:02d}",
                    "template": "progress-ms-21", "exposure_days": 190.0, "event": None,
                    "n": 1.5 - 0.1 * i})
    out.append({"vehicle": "Progress MS-21", "module": "progress-ms-21", "template": "",
                "exposure_days": 106.3, "event": LEAKS[1][2], "n": 1.04})
    out.append({"vehicle": "Nauka RTOd", "module": "nauka-rtod", "template": "",
                "exposure_days": 173.3, "event": LEAKS[2][2], "n": 1.17})
    return out


def make_analysis() -> dict:
    """A small analysis with the schema of :func:`impactrisk.events.analyse`: 17 fleet
    members, a sweep of walls 1 and 3 mm x facesheets 0 and 0.28 mm x channel fractions
    5 % and 50 % x the four debris variants (32 rows); the Soyuz MS-22 orbit starts on a
    circular stand-in."""
    rows = [_sweep_row(w, f, c, d) for w in (1.0, 3.0) for f in (0.0, 0.28)
            for d in ("kessler-1991 /3", "kessler-1991", "kessler-1991 x3", "ordem2000-handbook")
            for c in (0.05, 0.5)]
    return {
        "command": COMMAND, "version": "0.1.0", "created": "2026-12-03T16:56:32Z",
        "reconstruction": [_reconstruction(*leak, stand_in=(i == 0)) for i, leak in enumerate(LEAKS)],
        "geminids": _geminids(),
        "coincidence": {
            "history": {"start": "2015-12-23T10:27:00Z", "end": "2023-12-30T17:29:25Z",
                        "members": _members(), "members_at": {"wall_mm": 1.0, "facesheet_mm": 0.0},
                        "step": "600s", "include_stowed": False},
            "observed": {"leaks": [{"vehicle": v, "time": t} for v, _, t, _, _ in LEAKS],
                         "count": 3, "span_days": 298.677, "window_days": 365.25, "k": 3},
            "rows": rows,
            "paragraph": PARAGRAPH,
        },
    }


@pytest.fixture
def analysis():
    return make_analysis()


@pytest.fixture(scope="module")
def default_text():
    """The builder's document, rendered once for the read-only tests."""
    return render_events_html(make_analysis())


def _sample() -> dict:
    if SAMPLE is None or not SAMPLE.is_file():
        pytest.skip(f"no real analysis at {SAMPLE}" if SAMPLE else
                    "no real analysis: set IMPACTRISK_EVENTS_SAMPLE to the JSON of impactrisk events --json")
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ checks


def _check_self_contained(text: str) -> None:
    assert text.startswith("<!DOCTYPE html>")
    lowered = text.lower()
    assert "<link" not in lowered and "<iframe" not in lowered and "<object" not in lowered
    assert not re.search(r"<script[^>]*\bsrc\s*=", lowered)
    assert not re.search(r"\b(src|href|action|poster|srcset)\s*=\s*[\"']?\s*(https?:|ftp:)?//", lowered)
    for href in re.findall(r"\bhref\s*=\s*\"([^\"]*)\"", text):
        assert href.startswith("#"), href  # only in-page links
    for src in re.findall(r"\bsrc\s*=\s*\"([^\"]*)\"", text):
        assert src.startswith("data:image/png;base64,"), src[:60]
    assert "@import" not in lowered and "url(" not in lowered and "@font-face" not in lowered
    assert lowered.count("<style>") == 1 and lowered.count("<script") == 1
    doc = HtmlDoc(text)
    images = doc.images()
    assert len(images) == len(PLOT_NAMES)
    for image in images:
        png = base64.b64decode(image["src"].split(",", 1)[1], validate=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def _check_structure(text: str) -> HtmlDoc:
    doc = HtmlDoc(text)
    assert doc.section_ids() == list(SECTION_IDS)
    for sid in SECTION_IDS:  # each section opens with a heading
        tags = [t for t, _, s in doc.elements if s == sid]
        assert tags and tags[0] == "h2", sid
    images = doc.images()
    assert [i["data-plot"] for i in images] == list(PLOT_NAMES)
    assert [s for t, _, s in doc.elements if t == "img"] == list(PLOT_NAMES)  # each in its section
    for image in images:
        assert len(image.get("alt", "")) > 40
    assert text.count("<figure>") == len(PLOT_NAMES) and text.count("<figcaption>") == len(PLOT_NAMES)
    for name in PLOT_NAMES:
        assert re.search(rf"<figure><img [^>]*data-plot=\"{name}\"[^>]*><figcaption>[^<]+", text), name
    return doc


def _no_nan_words(doc: HtmlDoc) -> None:
    text = re.sub(r"\bnone before\b", "", doc.all_text().lower())  # the words, not a None
    words = set(re.findall(r"[a-z]+", text))
    assert "nan" not in words and "none" not in words and "null" not in words


# ------------------------------------------------------------------ unit tests


def test_document_is_self_contained(analysis):
    analysis["command"] = COMMAND + " --tle https://example.invalid/iss.tle"
    text = render_events_html(analysis)
    _check_self_contained(text)
    rest = outside_command(text)
    assert "http://" not in rest and "https://" not in rest
    assert "https://example.invalid/iss.tle" in text  # the command block keeps it
    assert "document.body.dataset.imagesOk" in text and "imagesTotal" in text


def test_sections_figures_and_plots(default_text):
    doc = _check_structure(default_text)
    nav = [a["href"] for t, a, _ in doc.elements if t == "a" and a.get("href", "").startswith("#")]
    for sid in SECTION_IDS:
        assert f"#{sid}" in nav


def test_answer_paragraph_leaks_and_compact_table(default_text, analysis):
    doc = HtmlDoc(default_text)
    text = doc.section("answer")
    assert PARAGRAPH in text
    assert re.search(r'<p class="answer">Across the 32 combinations', default_text)
    for vehicle, _, leak, _, _ in LEAKS:
        assert vehicle in text
    for when in ("2022-12-15 00:45 UTC", "2023-02-11 09:40 UTC", "2023-10-09 17:00 UTC"):
        assert when in text
    assert "298.7 d" in text and "365.2 d" in text  # span and the scan window
    tables = doc.section_tables("answer")
    compact = tables[-1]
    main = [r for r in analysis["coincidence"]["rows"] if r["debris"] == "kessler-1991"]
    assert len(compact) == len(main) == 8
    walls = sorted({r["wall_mm"] for r in main})
    assert {row[0] for row in compact} == {f"{w:g} mm" for w in walls}
    for r in main:  # every kessler-1991 row is there, N to 3 digits
        assert format_number(r["n_expected"], 3) in [row[3] for row in compact]
    assert "P(≥ 3 in 12 months)" in default_text and "P(none before the first leak)" in default_text
    assert 'href="#sweep"' in default_text.split('<section id="timeline">')[0]
    readings = {row[-1] for row in compact}
    assert "unsurprising as chance" in readings or any("very unlikely" in r for r in readings)


def test_timeline_and_fleet_members(default_text, analysis):
    doc = HtmlDoc(default_text)
    text = doc.section("timeline")
    caption = re.search(r'data-plot="timeline" alt="([^"]*)"><figcaption>(.*?)</figcaption>',
                        default_text)
    assert "12-month window" in caption.group(1) and "1 mm wall" in caption.group(1)
    assert "1 mm channel wall" in caption.group(2)
    members = analysis["coincidence"]["history"]["members"]
    assert f"Fleet members ({len(members)})" in text
    for m in members:
        assert m["vehicle"] in text


def test_events_section(default_text, analysis):
    doc = HtmlDoc(default_text)
    text = doc.section("events")
    for rec in analysis["reconstruction"]:
        assert rec["vehicle"] in text and rec["module"] in text
        assert format_number(rec["n"], 3) in text
        assert f"{100 * rec['p_debris_given_speed_band']:.3g} %" in text
        for a in rec["assumptions"]:
            assert a["key"] in text and a["reasoning"] in text
    assert "[0, 1, 0]" in text  # a list value
    assert "Stand-in orbit" in text and STAND_IN_NOTE in text and "2.13 d" in text
    assert "circular stand-in" in text
    assert "Element sets all the way" in text
    assert "0.8 mm — TASS 2022-12-19" in text
    assert "6–10 km/s" in text


def test_geminids_section(default_text):
    doc = HtmlDoc(default_text)
    text = doc.section("geminids")
    assert "32 %" in text or "32.1 %" in text  # blocked by the Earth
    assert "-60.3° to -51.0°" in text
    assert "0.97 d" in text  # stalest element set
    assert "shifts every facet's azimuth by c" in text
    assert re.search(r"Facets no Geminid reaches \d+ of 36", text)


def test_sweep_full_table(default_text, analysis):
    doc = HtmlDoc(default_text)
    rows = analysis["coincidence"]["rows"]
    full = doc.section_tables("sweep")[-1]
    assert len(full) == len(rows)
    assert {row[3] for row in full} == {"kessler-1991", "kessler-1991 /3", "kessler-1991 x3",
                                        "ordem2000-handbook"}
    assert f"All {len(rows)} combinations" in doc.section("sweep")
    alt = re.search(r'data-plot="sweep" alt="([^"]*)"', default_text).group(1)
    assert "0.05 and 0.001" in alt


def test_reproduce_block(default_text):
    doc = HtmlDoc(default_text)
    assert "".join(doc.code_text) == COMMAND
    text = doc.section("reproduce")
    assert "0.1.0" in text and "2026-12-03T16:56:32Z" in text


def test_text_is_escaped(analysis):
    evil = "<x>&"
    analysis["coincidence"]["paragraph"] = "P < 0.05 & <b>bold</b>"
    analysis["reconstruction"][0]["vehicle"] = evil
    analysis["coincidence"]["observed"]["leaks"][0]["vehicle"] = evil
    analysis["coincidence"]["history"]["members"][0]["vehicle"] = evil
    analysis["reconstruction"][1]["assumptions"][0]["value"] = "<b>thick</b>"
    analysis["reconstruction"][2]["notes"].append('quotes " and \' and <script>alert(1)</script>')
    analysis["reconstruction"][2]["exposure"][0]["note"] = "$\\frac{a}{b}$ not mathtext"
    analysis["geminids"]["module"] = "$x^2$ <i>"
    analysis["command"] = "impactrisk events --html '<x>&' \"a&b\""
    text = render_events_html(analysis)
    assert "<x>" not in text and "<b>" not in text and "<script>alert" not in text and "<i>" not in text
    assert "&lt;x&gt;&amp;" in text and "&lt;b&gt;thick&lt;/b&gt;" in text
    assert "P &lt; 0.05 &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    doc = HtmlDoc(text)
    assert evil in doc.section("answer") and evil in doc.section("events")
    assert evil in doc.section("timeline")
    assert "".join(doc.code_text) == analysis["command"]
    assert len([t for t, _, _ in doc.elements if t == "script"]) == 1
    assert len(doc.images()) == len(PLOT_NAMES)


def test_none_and_nan_values(analysis):
    rec = analysis["reconstruction"][0]
    rec.update(n=None, pnp=math.nan, exposure_days=None, p_debris_given_speed_band=None,
               speed_edges_km_s=None, mean_speed_km_s={"meteoroid": None})
    rec["n_by_group"]["debris"] = None
    rec["speed_by_group"]["meteoroid"][3] = None
    rec["orbit"]["staleness"] = None
    rec["exposure"][0]["start"] = None
    rec["event"]["time"] = None
    analysis["reconstruction"][1]["speed_by_group"] = None
    for row in analysis["coincidence"]["rows"][::3]:
        row.update(p_scan=None, n_expected=math.nan, p_none_before_first_leak=None)
    analysis["coincidence"]["history"]["members"][2]["n"] = None
    analysis["coincidence"]["observed"]["span_days"] = None
    analysis["coincidence"]["paragraph"] = None
    gem = analysis["geminids"]
    gem["before"]["n_by_facet"][4] = None
    gem["visibility"] = {"share_blocked_by_earth": None, "radiant_elevation_from_orbit_plane_deg": [None, None]}
    gem["hours"] = None
    analysis["version"] = None
    text = render_events_html(analysis)
    doc = _check_structure(text)
    assert "—" in doc.section("events") and "—" in doc.section("sweep")
    _no_nan_words(doc)


def test_empty_and_skeleton_inputs():
    for value in ({}, {"reconstruction": None, "geminids": None, "coincidence": None},
                  {"reconstruction": [{}], "geminids": {"azimuth_deg": []},
                   "coincidence": {"rows": [{}], "history": {"members": [{}]}, "observed": {}}}):
        text = render_events_html(value)
        _check_self_contained(text)
        doc = _check_structure(text)
        _no_nan_words(doc)


def test_single_sweep_row(analysis):
    rows = analysis["coincidence"]["rows"]
    analysis["coincidence"]["rows"] = [r for r in rows if r["debris"] == "kessler-1991"][:1]
    doc = _check_structure(render_events_html(analysis))
    assert len(doc.section_tables("sweep")[-1]) == 1
    assert len(doc.section_tables("answer")[-1]) == 1
    assert "All 1 combinations" in doc.section("sweep")
    # one row of another debris model only: the compact table says which
    analysis["coincidence"]["rows"] = [r for r in rows if r["debris"] == "ordem2000-handbook"][:1]
    doc = _check_structure(render_events_html(analysis))
    assert "debris ordem2000-handbook" in doc.section("answer")
    assert len(doc.section_tables("answer")[-1]) == 1


def test_zero_geminid_fluence_everywhere(analysis):
    gem = analysis["geminids"]
    for label in ("before", "after"):
        gem[label]["n_by_facet"] = [0.0] * 36
        gem[label]["n_shower"] = 0.0
    doc = _check_structure(render_events_html(analysis))
    assert "Facets no Geminid reaches 36 of 36" in doc.section("geminids")


def test_renderer_is_pure_and_deterministic(analysis, default_text):
    before = copy.deepcopy(analysis)
    first = render_events_html(analysis)
    assert analysis == before
    assert first == default_text


def test_matplotlib_imported_lazily_and_pyplot_untouched():
    code = ("import sys\n"
            "import impactrisk.report.events_html as h\n"
            "assert 'matplotlib' not in sys.modules, 'imported at module level'\n"
            "h.render_events_html({})\n"
            "assert 'matplotlib' in sys.modules\n"
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n")
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr


def test_real_sample_renders():
    sample = _sample()
    text = render_events_html(sample)
    _check_self_contained(text)
    doc = _check_structure(text)
    _no_nan_words(doc)
    assert sample["coincidence"]["paragraph"] in doc.section("answer")
    rows = sample["coincidence"]["rows"]
    assert len(doc.section_tables("sweep")[-1]) == len(rows)
    main = [r for r in rows if r["debris"] == "kessler-1991"]
    assert len(doc.section_tables("answer")[-1]) == len(main)
    for rec in sample["reconstruction"]:
        assert rec["vehicle"] in doc.section("events")
    assert "".join(doc.code_text) == sample["command"]


# ------------------------------------------------------------------ in a real browser


@pytest.fixture(scope="module")
def rendered(chromium, tmp_path_factory):
    """The report (of the real sample when there is one) served from 127.0.0.1:
    (DOM after load, screenshot path)."""
    folder = tmp_path_factory.mktemp("events-report")
    analysis = json.loads(SAMPLE.read_text(encoding="utf-8")) if SAMPLE and SAMPLE.is_file() else make_analysis()
    (folder / "events.html").write_text(render_events_html(analysis), encoding="utf-8")
    return browser.capture(chromium, folder, "events.html", window_size=(1280, 6000), keep_as="events-screenshot.png")


@pytest.mark.slow
def test_browser_decodes_every_plot_and_shows_every_section(rendered):
    dom, _ = rendered
    doc = HtmlDoc(dom)
    total = str(len(PLOT_NAMES))
    assert doc.body_attrs.get("data-images-total") == total, doc.body_attrs
    assert doc.body_attrs.get("data-images-ok") == total, doc.body_attrs
    assert f"{total} of {total} images decoded" in doc.all_text()
    ids = doc.ids()
    for sid in SECTION_IDS:
        assert sid in ids, sid
    assert sorted(i["data-plot"] for i in doc.images()) == sorted(PLOT_NAMES)
    assert doc.section("answer") and doc.section("sweep")


@pytest.mark.slow
def test_browser_screenshot_is_a_real_picture(rendered):
    from matplotlib.image import imread

    _, shot = rendered
    assert shot.stat().st_size > 20_000
    pixels = imread(shot)
    assert pixels.shape[1] == 1280 and pixels.shape[0] >= 3000
    rgb = pixels[..., :3].reshape(-1, 3)
    assert np.ptp(rgb, axis=0).max() > 0.5
    colours = np.unique(np.round(rgb[::97] * 255).astype(np.uint8), axis=0)
    assert len(colours) > 50  # plots, text and tables, not a blank or error page
    assert ((rgb[:, 2] > 0.6) & (rgb[:, 0] < 0.3)).any()  # blue bars
    assert ((rgb[:, 0] > 0.7) & (rgb[:, 1] < 0.3) & (rgb[:, 2] < 0.3)).any()  # red leaks, debris
