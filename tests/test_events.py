"""The 2022-2023 leaks: reconstruction, the Geminids on the Soyuz MS-22 radiator facets,
the fleet, and the coincidence analysis over a sweep of assumptions."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from impactrisk import events

#: Sums of the same float contributions in another order.
ROUNDING = 1e-12
#: A coarse step keeps the reconstructions short; every comparison uses one step.
STEP = "600s"


@pytest.fixture(scope="module")
def reconstruction():
    return events.reconstruct(step=STEP)


def test_each_event_ends_at_its_leak(reconstruction):
    assert [e["module"] for e in reconstruction] == list(events.EVENT_MODULES)
    for e in reconstruction:
        assert e["end"][:16] == e["event"]["time"][:16]
        assert e["n"] == pytest.approx(sum(e["n_by_group"].values()), rel=ROUNDING)
        assert e["n"] == pytest.approx(sum(e["n_by_source"].values()), rel=ROUNDING)
        assert 0.0 < e["pnp"] < 1.0 and e["pnp"] == pytest.approx(math.exp(-e["n"]))
        p = e["p_debris_given_speed_band"]
        assert 0.0 <= p <= 1.0
        # The speed band's counts are a part of each group's N.
        for g, n in e["n_in_speed_band"].items():
            assert 0.0 <= n <= e["n_by_group"][g] * (1 + ROUNDING)


def test_slow_penetrators_are_mostly_debris(reconstruction):
    # Debris crosses at up to 2 v0 = 15.3 km/s, meteoroids at 11-72 km/s plus the
    # station's motion (physics brief §3): among penetrators at 6-10 km/s debris must
    # dominate whenever debris contributes a comparable N.
    ms22 = reconstruction[0]
    assert ms22["n_by_group"]["debris"] > 0.3 * ms22["n"]
    assert ms22["p_debris_given_speed_band"] > 0.5
    assert ms22["share_in_speed_band"]["shower"] == 0.0  # the showers are all faster


def test_rtod_stowed_years_are_a_switch():
    with_stowed = events.reconstruct(step="1h", include_optional=True)[2]
    without = events.reconstruct(step="1h", include_optional=False)[2]
    assert with_stowed["exposure_days"] > 4000 > 200 > without["exposure_days"]
    assert with_stowed["orbit"]["stand_in_days"] > 4000
    assert without["orbit"]["stand_in_days"] == 0.0
    assert any(s["kind"] == "circular" and "mean altitude" in s["note"]
               for s in with_stowed["orbit"]["segments"])


# ------------------------------------------------------------------------ Geminids


@pytest.fixture(scope="module")
def geminids():
    return events.geminid_facets(step="120s")


def test_geminid_fluence_only_on_facets_the_radiant_reaches(geminids):
    before = np.array(geminids["before"]["n_by_facet"])
    assert before.sum() == pytest.approx(geminids["before"]["n_shower"], rel=ROUNDING)
    assert before.sum() > 0.0
    reached = _reachable_facets(np.array(geminids["azimuth_deg"]), geminids["leak"], geminids["hours"])
    # A facet gets Geminids exactly when some visible Geminid arrives from in front of
    # it (independent geometry: radiant, station velocity, facet normal).
    assert np.all(before[~reached] == 0.0)
    assert np.all(before[reached] > 0.0)
    assert (~reached).any() and reached.any()


def _reachable_facets(azimuth_deg, leak, hours):
    """Facets of the vertical band (normal horizontal at azimuth a in the station body
    frame) that a Geminid arriving from the radiant can hit at some sample."""
    from datetime import timedelta

    from impactrisk.api import TimeGrid, propagate, station_orbit
    from impactrisk.astro import icrs_to_teme_rotation
    from impactrisk.environment.parameters import ECSS_NEAR_EARTH
    from impactrisk.environment.showers import activity_zhr, radiant_radec_deg
    from impactrisk.geometry import lvlh_to_body
    from impactrisk.io.flux_tables import load_environment_inputs
    from impactrisk.timegrid import parse_utc

    gem = next(s for s in load_environment_inputs().showers if s.code == "GEM")
    t0 = parse_utc(leak) - timedelta(hours=hours)
    eph = propagate(station_orbit().segments[-1].orbit, TimeGrid.from_range(t0, parse_utc(leak), "120s"))
    ra, dec = radiant_radec_deg(gem, eph.solar_longitude_deg)
    ra, dec = np.radians(ra), np.radians(dec)
    radiant = np.column_stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)])
    radiant = radiant @ icrs_to_teme_rotation(float(eph.jd_utc.mean())).T
    active = np.asarray(activity_zhr(gem, eph.solar_longitude_deg)) > 0
    arrival_teme = gem.v_entry_km_s * radiant + eph.v_teme_km_s   # from where the particle comes
    arrival = np.einsum("tij,tj->ti", eph.lvlh_teme, arrival_teme)
    r_lvlh = np.einsum("tij,tj->ti", eph.lvlh_teme, radiant)
    sin_eta = (ECSS_NEAR_EARTH.r_earth_km + ECSS_NEAR_EARTH.atmosphere_km) / eph.radius_km
    visible = active & (r_lvlh[:, 2] < np.sqrt(1 - sin_eta**2))
    body = arrival[visible] @ lvlh_to_body(-4.0, -3.0, 0.0).T
    a = np.radians(azimuth_deg)
    normals = np.column_stack([np.cos(a), np.sin(a), np.zeros_like(a)])
    return (body @ normals.T > 0).any(axis=0)


def test_no_geminids_outside_their_activity():
    june = events.geminid_facets(step="600s", hours=6.0, around="2023-06-15T00:00:00Z")
    assert june["before"]["n_shower"] == 0.0 and june["after"]["n_shower"] == 0.0
    assert all(n == 0.0 for n in june["before"]["n_by_facet"])
    assert june["visibility"]["zhr_range"] == [0.0, 0.0]


def test_geminid_visibility_and_staleness_are_reported(geminids):
    vis = geminids["visibility"]
    assert 0.0 < vis["share_blocked_by_earth"] < 1.0
    assert vis["share_visible"] == pytest.approx(1.0 - vis["share_blocked_by_earth"])
    assert vis["stalest_element_set_days"] < 5.0
    assert geminids["before"]["stalest_element_set_days"] is not None


# --------------------------------------------------------------------------- fleet


def test_fleet_members_cover_every_docked_vehicle():
    from impactrisk.io.modules import load_fleet

    members = events.fleet_members()
    names = {m.vehicle for m in members}
    docked = {s.vehicle for s in load_fleet() if " MS-" in s.vehicle}
    assert docked <= names and "Nauka RTOd" in names
    templated = [m for m in members if m.template]
    assert templated and all(m.event_time is None for m in templated)
    leaked = {m.vehicle: m for m in members if m.event_time is not None}
    assert set(leaked) == {"Soyuz MS-22", "Progress MS-21", "Nauka RTOd"}
    for m in leaked.values():
        last = max(s.end_jd for s in m.model.stays if s.end_jd is not None)
        from impactrisk.timegrid import datetime_to_jd

        assert last == pytest.approx(sum(datetime_to_jd(m.event_time)), abs=1e-9)


@pytest.fixture(scope="module")
def small_sweep():
    # The bundled element-set years only: short enough for a test, and they hold the
    # three leaks.
    return events.coincidence("2022-09-03T17:00", "2023-12-30", walls_mm=(1.0, 2.0), facesheets_mm=(0.0,),
                              fractions=(0.05, 0.15), debris=("kessler-1991", "kessler-1991 x3"), step="1h")


def test_observed_leaks_and_their_span(small_sweep):
    obs = small_sweep["observed"]
    assert obs["count"] == 3 and obs["k"] == 3
    assert [x["vehicle"] for x in obs["leaks"]] == ["Soyuz MS-22", "Progress MS-21", "Nauka RTOd"]
    assert obs["span_days"] == pytest.approx(298.7, abs=0.1)  # 15 Dec 2022 00:45 -> 9 Oct 2023 17:00


def test_thicker_walls_lower_n_and_the_scan_probability(small_sweep):
    rows = small_sweep["rows"]

    def pick(wall, fraction, debris="kessler-1991"):
        return next(r for r in rows if r["wall_mm"] == wall and r["channel_fraction"] == fraction
                    and r["debris"] == debris)

    for fraction in (0.05, 0.15):
        thin, thick = pick(1.0, fraction), pick(2.0, fraction)
        assert thick["n_expected"] < thin["n_expected"]
        assert thick["p_scan"] <= thin["p_scan"]
        assert thick["p_none_before_first_leak"] >= thin["p_none_before_first_leak"]
    # N is proportional to the channels' share of the radiator (exactly, by construction).
    assert pick(1.0, 0.15)["n_expected"] == pytest.approx(3.0 * pick(1.0, 0.05)["n_expected"], rel=ROUNDING)
    # The published debris factor multiplies only the debris part.
    a, b = pick(1.0, 0.15), pick(1.0, 0.15, "kessler-1991 x3")
    assert b["n_debris"] == pytest.approx(3.0 * a["n_debris"], rel=ROUNDING)
    assert b["n_meteoroid_and_showers"] == pytest.approx(a["n_meteoroid_and_showers"], rel=ROUNDING)
    for r in rows:
        assert 0.0 <= r["p_scan"] <= min(1.0, r["p_scan_upper_bound"]) + 1e-9
        assert r["p_scan"] <= r["p_count_at_least_observed"] + 1e-12  # 3 in a window => 3 in all


def test_the_paragraph_reads_the_table(small_sweep):
    text = small_sweep["paragraph"]
    assert "not which is true" in text and "3 were recorded" in text
    n = [r["n_expected"] for r in small_sweep["rows"]]
    assert f"{min(n):.2g}" in text and f"{max(n):.2g}" in text


@pytest.mark.parametrize(("p_scan", "p_most", "p_none", "verdicts"), [
    (0.2, 0.9, 0.5, {events.FINE}),
    (events.PLAUSIBLE, events.PLAUSIBLE, events.PLAUSIBLE, {events.FINE}),  # at the threshold
    (1e-4, 0.9, 0.5, {events.TOO_FEW}),
    (0.2, 1e-4, 0.5, {events.TOO_MANY}),
    (0.2, 0.9, 1e-4, {events.TOO_MANY}),
    (1e-4, 1e-4, 0.5, {events.TOO_FEW, events.TOO_MANY}),
    (0.01, 0.9, 0.5, set()),  # in between
    (0.2, None, 0.5, None),
    (math.nan, 0.9, 0.5, None),
])
def test_classify_reads_one_sweep_row(p_scan, p_most, p_none, verdicts):
    row = {"p_scan": p_scan, "p_count_at_most_observed": p_most, "p_none_before_first_leak": p_none}
    got = events.classify(row)
    assert (got is None) if verdicts is None else (got == frozenset(verdicts))


def test_cli_events_json_and_text():
    from impactrisk.cli import app
    from impactrisk.cli.events import format_analysis

    result = CliRunner().invoke(app, ["events", "--quick", "--step", "1h", "--fleet-step", "3h", "--workers", "1",
                                      "--quiet", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"reconstruction", "geminids", "coincidence", "version"}
    assert {r["wall_mm"] for r in data["coincidence"]["rows"]} == {1.0, 3.0}
    text = format_analysis(data)
    for fragment in ("1. Each leak", "2. Soyuz MS-22 and the GEM", "3. Three leaks within a year",
                     "not which is true"):
        assert fragment in text


def test_cli_events_bad_input():
    from impactrisk.cli import app

    result = CliRunner().invoke(app, ["events", "--workers", "0"])
    assert result.exit_code == 1 and result.stderr.startswith("error: ")
    result = CliRunner().invoke(app, ["events", "--html", "/nonexistent/folder/x.html"])
    assert result.exit_code == 1 and "does not exist" in result.stderr
