"""The self-contained HTML report (:mod:`impactrisk.report.html`).

Unit tests check the document's text; the browser tests load it in real headless
Chromium (served from 127.0.0.1, every other host unresolvable) and check the rendered
page: every plot image decoded, every section there, the command shown, and a
screenshot that is a real picture. They skip when no Chromium binary is found
(``IMPACTRISK_CHROMIUM``, else ``chromium``, ``chromium-browser`` or ``google-chrome``
on PATH). Set ``IMPACTRISK_REPORT_ARTIFACTS`` to a folder to keep the rendered
report.html and screenshot.png there for a look.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import math
import re
import subprocess
import sys

import browser
import numpy as np
import pytest
from html_doc import HtmlDoc, outside_command

from impactrisk.report.html import PLOT_NAMES, SECTION_IDS, format_number, render_report_html




# ------------------------------------------------------------------ fixture

WINDOWS = [("2021-06-01T00:00:00Z", "2021-07-01T00:00:00Z", 30.0),
           ("2021-07-01T00:00:00Z", "2021-08-01T00:00:00Z", 31.0),
           ("2021-08-01T00:00:00Z", "2021-09-01T00:00:00Z", 31.0)]
#: Expected penetrations per day of each module, and its meteoroid/shower/debris shares.
RATES = {"us-lab": 1.1e-5, "columbus": 7.0e-6, "nauka": 1.6e-5}
SHARES = {"meteoroid": 0.42, "shower": 0.08, "debris": 0.50}
SURFACES = {
    "us-lab": [("ram-endcone", "stuffed whipple", 9.6), ("port-barrel", "whipple", 18.4),
               ("starboard-barrel", "whipple", 18.4), ("zenith-barrel", "mli-covered whipple", 18.4),
               ("nadir-barrel", "mli-covered whipple", 18.4), ("window-shutter", "window", 0.5)],
    "columbus": [("ram-barrel", "stuffed whipple", 16.0), ("zenith-barrel", "whipple", 16.0),
                 ("nadir-barrel", "whipple", 16.0), ("endcone", "whipple", 11.0)],
    "nauka": [("ram-barrel", "whipple", 21.0), ("zenith-barrel", "whipple", 21.0),
              ("radiator", "radiator", 12.0), ("nadir-barrel", "whipple", 21.0)],
}
COMMAND = ("impactrisk report --modules us-lab,columbus,nauka --start 2021-06-01 "
           "--end 2021-09-01 --every 1mo --criterion leak --out out/summer-2021")
FAIL_REASON = "no TLE within the stale limit: gap of 6.2 d > 5 d before 2021-08-14"


def _row(module, start, end, status, exposed, n, *, reason=""):
    total_area = sum(a for *_, a in SURFACES[module])
    ok = status == "ok"
    return {
        "module": module, "vehicle": "ISS", "window_start": start, "window_end": end,
        "status": status, "reason": reason, "exposed_days": exposed if ok else math.nan,
        "n": n, "pnp": math.exp(-n) if ok else math.nan,
        "n_by_group": {g: n * s for g, s in SHARES.items()} if ok else {},
        "n_by_source": ({"sporadic-meteoroids": n * 0.42, "perseids": n * 0.08,
                         "kessler-nasa91": n * 0.5} if ok else {}),
        "n_by_surface": ({name: n * area / total_area for name, _, area in SURFACES[module]}
                         if ok else {}),
        "criterion": "leak", "task_key": f"{module}:{start}",
    }


def make_rows() -> list[dict]:
    """3 modules x 3 monthly windows: Nauka not yet attached in June (and only three
    days in July), Columbus's August window failed."""
    rows = []
    for module, rate in RATES.items():
        for i, (start, end, days) in enumerate(WINDOWS):
            if module == "nauka" and i == 0:
                rows.append(_row(module, start, end, "not-present", 0.0, math.nan,
                                 reason="module not attached (docked 2021-07-29)"))
            elif module == "columbus" and i == 2:
                rows.append(_row(module, start, end, "failed", math.nan, math.nan,
                                 reason=FAIL_REASON))
            else:
                exposed = 3.0 if (module == "nauka" and i == 1) else days
                rows.append(_row(module, start, end, "ok", exposed, rate * exposed * (1 + 0.1 * i)))
    return rows


def make_summary(rows: list[dict]) -> dict:
    modules = []
    for name in RATES:
        modules.append({
            "name": name, "vehicle": "ISS",
            "description": {"us-lab": "Destiny laboratory module",
                            "columbus": "Columbus laboratory module (ESA)",
                            "nauka": "Nauka multipurpose laboratory module (MLM)"}[name],
            "module_hash": "sha256:" + hashlib.sha256(name.encode()).hexdigest()[:16],
            "assumptions": [
                {"key": "wall", "value": "2.5 mm Al 2219-T87 rear wall",
                 "reasoning": "rear wall of the pressure shell as built"},
                {"key": "bumper_standoff_cm", "value": 11.4,
                 "reasoning": "typical bumper to wall spacing"},
                {"key": "attitude", "value": "+XVV LVLH",
                 "reasoning": "nominal ISS flight attitude over the range"},
            ],
            "surfaces": [{"name": s, "role": r, "area_m2": a} for s, r, a in SURFACES[name]],
        })
    totals = {}
    for name in RATES:
        ok = [r for r in rows if r["module"] == name and r["status"] == "ok"]
        n = math.fsum(r["n"] for r in ok)
        totals[name] = {"n": n, "pnp": math.exp(-n),
                        "n_by_group": {g: math.fsum(r["n_by_group"][g] for r in ok) for g in SHARES}}
    return {
        "command": COMMAND, "version": "0.1.0", "created": "2026-05-10T12:00:00Z",
        "range": {"start": "2021-06-01T00:00:00Z", "end": "2021-09-01T00:00:00Z", "every": "1mo"},
        "criterion": "leak",
        "modules": modules,
        "models": {"debris": "Kessler NASA-90/91 (Kessler 1991), 2021 solar flux",
                   "meteoroids": "Grün et al. 1985 interplanetary flux, Taylor 1995 speeds",
                   "showers": "Jenniskens 2006 annual shower list, ZHR-scaled"},
        "orbit": {"source": "bundled ISS TLE history (25544), latest-before selection",
                  "staleness": "largest TLE age 6.2 d (2021-08-14); limit 5 d"},
        "tasks": {"total": 9, "ok": 7, "not_present": 1, "failed": 1, "reused": 2},
        "failures": [{"module": "columbus", "window_start": WINDOWS[2][0],
                      "window_end": WINDOWS[2][1], "reason": FAIL_REASON}],
        "totals": totals,
        "notes": ["Shielding by other ISS elements is not modelled.",
                  "Secondary ejecta are not modelled.",
                  "Attitude excursions away from +XVV are not modelled."],
    }


@pytest.fixture
def rows():
    return make_rows()


@pytest.fixture
def summary(rows):
    return make_summary(rows)


# ------------------------------------------------------------------ unit tests


@pytest.mark.parametrize(("value", "text"), [
    (0.0012345, "1.234 × 10⁻³"), (0.012345, "0.01235"), (12.3456, "12.35"), (0, "0"), (1.2345e-5, "1.234 × 10⁻⁵"),
    (2.5e7, "2.500 × 10⁷"), (None, "—"), (math.nan, "—"), ("abc", "—"), (math.inf, "∞"),
])
def test_format_number(value, text):
    assert format_number(value) == text


def test_document_is_self_contained(summary, rows):
    summary["command"] = COMMAND + " --tle https://example.invalid/iss.tle"
    text = render_report_html(summary, rows)
    assert text.startswith("<!DOCTYPE html>")
    lowered = text.lower()
    assert "<link" not in lowered
    assert not re.search(r"<script[^>]*\bsrc\s*=", lowered)
    assert not re.search(r"\b(src|href)\s*=\s*[\"']?(https?:)?//", lowered)
    assert "@import" not in lowered and "url(" not in lowered and "@font-face" not in lowered
    assert lowered.count("<style>") == 1
    rest = outside_command(text)
    assert "http://" not in rest and "https://" not in rest
    assert "https://example.invalid/iss.tle" in text  # the command block keeps it
    images = HtmlDoc(text).images()
    assert len(images) == 4
    for image in images:
        assert image["src"].startswith("data:image/png;base64,")
        png = base64.b64decode(image["src"].split(",", 1)[1], validate=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_sections_figures_and_plots(summary, rows):
    text = render_report_html(summary, rows)
    doc = HtmlDoc(text)
    section_ids = [a["id"] for t, a, _ in doc.elements if t == "section"]
    assert section_ids == list(SECTION_IDS)
    for sid in SECTION_IDS:  # each section opens with a heading
        tags = [t for t, _, s in doc.elements if s == sid]
        assert tags and tags[0] == "h2", sid
    images = doc.images()
    assert [i["data-plot"] for i in images] == list(PLOT_NAMES)
    for image in images:
        assert len(image["alt"]) > 40
    plot_sections = [s for t, _, s in doc.elements if t == "img"]
    assert plot_sections == ["timeline", "cumulative", "split", "surfaces"]
    assert text.count("<figure>") == 4 and text.count("<figcaption>") == 4
    assert re.search(r"<figure><img [^>]*data-plot=\"timeline\"[^>]*>"
                     r"<figcaption>[^<]+", text)


def test_summary_totals_tasks_and_failures(summary, rows):
    doc = HtmlDoc(render_report_html(summary, rows))
    text = doc.section("summary")
    for name, total in summary["totals"].items():
        n = total["n"]
        assert f"{name}" in text
        assert format_number(n) in text
        assert f"1 in {float(f'{1.0 / -math.expm1(-n):.3g}'):,.0f}" in text
        # PNP with enough decimals to show 1 - PNP to three significant digits
        decimals = max(4, math.floor(-math.log10(-math.expm1(-n))) + 3)
        assert f"{math.exp(-n):.{decimals}f}" in text
        for group in ("meteoroid", "shower", "debris"):
            assert format_number(total["n_by_group"][group]) in text
    all_n = math.fsum(t["n"] for t in summary["totals"].values())
    assert "All modules" in text and format_number(all_n) in text
    assert FAIL_REASON in text
    assert "Reused from an earlier run 2" in text and "Failed 1" in text
    assert "2021-06-01T00:00:00Z to 2021-09-01T00:00:00Z" in text and "leak" in text
    assert "1 not present" in text and "1 failed" in text


def test_assumptions_models_orbit_and_notes(summary, rows):
    doc = HtmlDoc(render_report_html(summary, rows))
    text = doc.section("assumptions")
    for module in summary["modules"]:
        assert module["module_hash"] in text and module["description"] in text
        for a in module["assumptions"]:
            assert a["key"] in text and str(a["value"]) in text and a["reasoning"] in text
    for description in summary["models"].values():
        assert description in text
    assert summary["orbit"]["source"] in text and summary["orbit"]["staleness"] in text
    for note in summary["notes"]:
        assert note in text
    assert "0.1.0" in text


def test_reproduce_block(summary, rows):
    text = render_report_html(summary, rows)
    doc = HtmlDoc(text)
    assert "".join(doc.code_text) == COMMAND
    assert "<pre><code>impactrisk report --modules" in text
    assert "0.1.0" in doc.section("reproduce") and "2026-05-10T12:00:00Z" in doc.section("reproduce")


def test_text_is_escaped(summary, rows):
    evil = "<x>&"
    for row in rows:
        if row["module"] == "us-lab":
            row["module"] = evil
    summary["modules"][0]["name"] = evil
    summary["totals"][evil] = summary["totals"].pop("us-lab")
    summary["modules"][0]["assumptions"][0]["value"] = "<b>thick</b>"
    summary["notes"].append('quotes " and \' and <script>alert(1)</script>')
    summary["command"] = "impactrisk report --modules '<x>&' --out \"a&b\""
    summary["models"]["debris"] = "$\\frac{a}{b}$ not mathtext"  # and not for matplotlib
    text = render_report_html(summary, rows)
    assert "<x>" not in text and "<b>thick" not in text and "<script>alert" not in text
    assert "&lt;x&gt;&amp;" in text and "&lt;b&gt;thick&lt;/b&gt;" in text
    doc = HtmlDoc(text)
    assert evil in doc.section("summary") and evil in doc.section("assumptions")
    assert "".join(doc.code_text) == summary["command"]
    assert len([t for t, _, _ in doc.elements if t == "script"]) == 1


def test_nan_none_and_missing_values(summary, rows):
    rows[0]["n"] = math.nan
    rows[1]["n"] = None
    rows[1]["n_by_group"] = {"meteoroid": None, "shower": math.nan}
    rows[1]["exposed_days"] = "n/a"
    rows[2]["n_by_surface"] = {"ram-endcone": math.nan}
    del summary["totals"]
    summary["tasks"] = {}
    summary["orbit"] = {"source": None}
    summary["models"] = {}
    text = render_report_html(summary, rows)
    doc = HtmlDoc(text)
    assert "—" in doc.section("summary")
    words = set(re.findall(r"[a-z]+", doc.all_text().lower()))
    assert "nan" not in words and "none" not in words
    assert len(doc.images()) == 4


def test_all_missing_numbers_and_empty_input():
    text = render_report_html({}, [])
    doc = HtmlDoc(text)
    assert [a["id"] for t, a, _ in doc.elements if t == "section"] == list(SECTION_IDS)
    assert [i["data-plot"] for i in doc.images()] == list(PLOT_NAMES)
    assert "No task failed." in doc.section("summary")
    rows = make_rows()
    for row in rows:
        row["n"] = math.nan
        row["n_by_group"] = {}
        row["n_by_surface"] = {}
    text = render_report_html(make_summary(make_rows()) | {"totals": {}}, rows)
    assert len(HtmlDoc(text).images()) == 4


def test_single_module_single_window():
    rows = [r for r in make_rows() if r["module"] == "us-lab"][:1]
    summary = make_summary(make_rows())
    summary["modules"] = summary["modules"][:1]
    summary["totals"] = {"us-lab": {"n": rows[0]["n"], "pnp": rows[0]["pnp"],
                                    "n_by_group": rows[0]["n_by_group"]}}
    summary["failures"] = []
    doc = HtmlDoc(render_report_html(summary, rows))
    assert [i["data-plot"] for i in doc.images()] == list(PLOT_NAMES)
    text = doc.section("summary")
    assert "All modules" not in text and format_number(rows[0]["n"]) in text
    assert "No task failed." in text
    assert "ram-endcone" in doc.section("surfaces") or "us-lab" in doc.section("surfaces")


def test_module_never_present_and_failed_windows(summary, rows):
    for row in rows:
        if row["module"] == "nauka":
            row.update(status="not-present", n=math.nan, n_by_group={}, n_by_surface={},
                       reason="module not attached")
    summary["totals"]["nauka"] = {"n": None, "pnp": None, "n_by_group": {}}
    for row in rows:
        if row["module"] == "columbus":
            row.update(status="failed", n=math.nan, reason=FAIL_REASON)
    summary["totals"]["columbus"] = {"n": math.nan}
    doc = HtmlDoc(render_report_html(summary, rows))
    text = doc.section("summary")
    assert "not present in any window" in text and "3 not present" in text
    assert "3 failed" in text
    # The riskiest module is the one left with a number.
    assert "us-lab" in doc.section("surfaces")
    assert "module not attached" in doc.section("timeline")


def test_riskiest_module_drives_the_surfaces_plot(summary, rows):
    totals = {name: t["n"] for name, t in summary["totals"].items()}
    riskiest = max(totals, key=totals.get)
    assert riskiest == "us-lab"
    text = render_report_html(summary, rows)
    caption = re.search(r'data-plot="surfaces" alt="([^"]*)"><figcaption>(.*?)</figcaption>', text)
    assert f"<strong>{riskiest}</strong>" in caption.group(2)
    assert f"of {riskiest}, the module with the largest total" in caption.group(1)


def test_renderer_is_pure(summary, rows):
    before = copy.deepcopy(rows), copy.deepcopy(summary)
    first = render_report_html(summary, rows)
    assert (rows, summary) == before or _nan_equal((rows, summary), before)
    assert render_report_html(summary, rows) == first  # deterministic


def _nan_equal(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_nan_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_nan_equal(x, y) for x, y in zip(a, b))
    return a == b


def test_matplotlib_imported_lazily_and_pyplot_untouched():
    code = ("import sys\n"
            "import impactrisk.report.html as h\n"
            "assert 'matplotlib' not in sys.modules, 'imported at module level'\n"
            "h.render_report_html({}, [])\n"
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n")
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr


def test_docstring_examples_run():
    import doctest

    import impactrisk.report.html

    result = doctest.testmod(impactrisk.report.html)
    assert result.attempted > 0 and result.failed == 0


# ------------------------------------------------------------------ in a real browser


@pytest.fixture(scope="module")
def rendered(chromium, tmp_path_factory):
    """The fixture's report served from 127.0.0.1: (DOM after load, screenshot path)."""
    folder = tmp_path_factory.mktemp("report")
    rows = make_rows()
    (folder / "report.html").write_text(render_report_html(make_summary(rows), rows),
                                        encoding="utf-8")
    return browser.capture(chromium, folder, "report.html", window_size=(1280, 4000), keep_as="screenshot.png")


@pytest.mark.slow
def test_browser_decodes_every_plot_and_shows_every_section(rendered):
    dom, _ = rendered
    doc = HtmlDoc(dom)
    assert doc.body_attrs.get("data-images-total") == "4", doc.body_attrs
    assert doc.body_attrs.get("data-images-ok") == "4", doc.body_attrs
    assert "4 of 4 images decoded" in doc.all_text()
    ids = doc.ids()
    for sid in SECTION_IDS:
        assert sid in ids, sid
    assert sorted(i["data-plot"] for i in doc.images()) == sorted(PLOT_NAMES)
    assert "".join(doc.code_text) == COMMAND
    assert FAIL_REASON in doc.section("summary")
    assert "Kessler NASA-90/91" in doc.section("assumptions")


@pytest.mark.slow
def test_browser_screenshot_is_a_real_picture(rendered):
    from matplotlib.image import imread

    _, shot = rendered
    assert shot.stat().st_size > 20_000
    pixels = imread(shot)
    assert pixels.shape[1] == 1280 and pixels.shape[0] >= 2000
    rgb = pixels[..., :3].reshape(-1, 3)
    assert np.ptp(rgb, axis=0).max() > 0.5  # not one colour
    colours = np.unique(np.round(rgb[:: 97] * 255).astype(np.uint8), axis=0)
    assert len(colours) > 50  # plots, text and tables, not a blank or error page
    # Some of every plot colour family made it onto the page: blue bars, red debris.
    assert ((rgb[:, 2] > 0.6) & (rgb[:, 0] < 0.3)).any()
    assert ((rgb[:, 0] > 0.7) & (rgb[:, 1] < 0.3) & (rgb[:, 2] < 0.3)).any()

