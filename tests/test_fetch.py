"""Tests of the optional element-set downloads (impactrisk.io.fetch, cli.fetch).

Nothing here touches the internet: a real HTTP server on 127.0.0.1 plays CelesTrak's
GP endpoint and Space-Track's login/modeldef/query API, serving the fixtures in
``tests/data/fetch/`` (built from the bundled ISS history by ``make_fixtures.py``).
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
import uuid
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import typer
from typer.testing import CliRunner

from impactrisk.cli.fetch import fetch as fetch_command
from impactrisk.errors import FetchError, InputError
from impactrisk.io import fetch as io_fetch
from impactrisk.io.datafiles import default_tle_path

FIXTURES = Path(__file__).resolve().parent / "data" / "fetch"
CELESTRAK_FIXTURE = FIXTURES / "celestrak_gp_25544.json"
HISTORY_FIXTURE = FIXTURES / "spacetrack_gp_history_25544.json"

ISS = 25544
#: Catalogue numbers for which the fake CelesTrak misbehaves in one documented way.
NO_DATA_ID = 99999  # CelesTrak's plain-text "No GP data found" (HTTP 200)
SERVER_ERROR_ID = 55555  # HTTP 500
THROTTLED_ID = 44444  # HTTP 403 with CelesTrak's "has not updated" text
EMPTY_ID = 33333  # an empty JSON array
HTML_ID = 22222  # an HTML page with HTTP 200 (e.g. a maintenance page)
REDIRECT_ID = 11111  # HTTP 301 (CelesTrak: wrong domain or legacy URL)
BAD_RECORD_ID = 66666  # a JSON record whose MEAN_MOTION is not a number
WRONG_OBJECT_ID = 77777  # the ISS record, i.e. another object than asked for

IDENTITY = "orbit.tester+7f3a@example.org"
PASSWORD = "pw-S3cr3t-9c1e!%&="
SESSION_COOKIE = "chocolatechip"

NOW = datetime(2026, 11, 22, 2, 32, 0, tzinfo=timezone.utc)
#: Timing tolerance of the epoch cross-check: one millisecond (TLE epochs carry
#: 1e-8 day = 0.864 ms resolution).
ONE_MILLISECOND = timedelta(milliseconds=1)


# ----------------------------------------------------------------- fake providers


class ProviderState:
    """What the fake providers serve and what they saw."""

    def __init__(self):
        self.celestrak_body = CELESTRAK_FIXTURE.read_bytes()
        self.history = json.loads(HISTORY_FIXTURE.read_text())
        self.requests: list[tuple[str, str]] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.token = "session-0d9b2e"
        self.base = ""

    @property
    def celestrak_url(self) -> str:
        return f"{self.base}/NORAD/elements/gp.php"

    @property
    def spacetrack_url(self) -> str:
        return f"{self.base}/"

    def count(self, prefix: str = "") -> int:
        with self.lock:
            return sum(1 for _, path in self.requests if path.startswith(prefix))

    def modeldef(self) -> dict:
        """A gp_history field list in Space-Track's modeldef layout."""
        types = {"EPOCH": "datetime(6)", "NORAD_CAT_ID": "int(10) unsigned",
                 "ELEMENT_SET_NO": "smallint(5) unsigned", "REV_AT_EPOCH": "mediumint(8)",
                 "EPHEMERIS_TYPE": "tinyint(4)"}
        fields = []
        for key in self.history[0]:
            if key in types:
                type_ = types[key]
            elif key in ("MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
                         "ARG_OF_PERICENTER", "MEAN_ANOMALY", "BSTAR", "MEAN_MOTION_DOT",
                         "MEAN_MOTION_DDOT"):
                type_ = "decimal(20,13)"
            else:
                type_ = "varchar(100)"
            fields.append({"Field": key, "Type": type_, "Null": "YES", "Key": "",
                           "Default": None, "Extra": ""})
        return {"controller": "basicspacedata", "data": fields}


def _make_handler(state: ProviderState):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # keep the test output clean
            pass

        def _send(self, status: int, body: bytes | str, ctype: str = "application/json",
                  headers: tuple = ()) -> None:
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> None:
            with state.lock:
                state.requests.append((self.command, self.path))
                state.headers.append(dict(self.headers.items()))

        def _logged_in(self) -> bool:
            return f"{SESSION_COOKIE}={state.token}" in self.headers.get("Cookie", "")

        def do_POST(self):
            self._record()
            length = int(self.headers.get("Content-Length", 0))
            form = parse_qs(self.rfile.read(length).decode())
            if self.path != "/ajaxauth/login":
                return self._send(404, '{"error":"not found"}')
            if form.get("identity") == [IDENTITY] and form.get("password") == [PASSWORD]:
                return self._send(200, '""', headers=(
                    ("Set-Cookie", f"{SESSION_COOKIE}={state.token}; path=/; HttpOnly"),))
            return self._send(200, '{"Login":"Failed"}')

        def do_GET(self):
            self._record()
            parts = urlsplit(self.path)
            if parts.path == "/NORAD/elements/gp.php":
                return self._celestrak(parse_qs(parts.query))
            if parts.path == "/ajaxauth/logout":
                return self._send(200, '"Successfully logged out"')
            if parts.path.startswith("/basicspacedata/"):
                if not self._logged_in():
                    return self._send(
                        401, '{"error":"You must be logged in to complete this action"}')
                if parts.path == "/basicspacedata/modeldef/class/gp_history":
                    return self._send(200, json.dumps(state.modeldef()))
                prefix = "/basicspacedata/query/class/gp_history/"
                if parts.path.startswith(prefix):
                    return self._gp_history(parts.path[len(prefix):])
            return self._send(404, "Not Found", "text/plain")

        def _celestrak(self, query: dict) -> None:
            if query.get("FORMAT") != ["JSON"]:
                return self._send(400, "Invalid query", "text/plain")
            catnr = int(query["CATNR"][0])
            if catnr == ISS:
                return self._send(200, state.celestrak_body)
            if catnr == NO_DATA_ID:
                return self._send(200, "No GP data found", "text/plain")
            if catnr == SERVER_ERROR_ID:
                return self._send(500, "<html><body>Internal Server Error</body></html>",
                                  "text/html")
            if catnr == THROTTLED_ID:
                return self._send(
                    403, f"GP data has not updated since your last successful download of "
                    f"CATNR={catnr} at 2026-11-22 01:00:00 UTC.\nData is updated once every "
                    "2 hours.", "text/plain")
            if catnr == EMPTY_ID:
                return self._send(200, "[]")
            if catnr == HTML_ID:
                return self._send(200, "<!DOCTYPE html><html><p>Maintenance</p></html>",
                                  "text/html")
            if catnr == BAD_RECORD_ID:
                record = dict(json.loads(state.celestrak_body)[0], NORAD_CAT_ID=catnr,
                              MEAN_MOTION="fast")
                return self._send(200, json.dumps([record]))
            if catnr == WRONG_OBJECT_ID:
                return self._send(200, state.celestrak_body)
            if catnr == REDIRECT_ID:
                return self._send(301, "", "text/plain", headers=(
                    ("Location", "https://celestrak.org/NORAD/elements/gp.php"),))
            return self._send(200, "No GP data found", "text/plain")

        def _gp_history(self, rest: str) -> None:
            segments = [unquote(s) for s in rest.strip("/").split("/")]
            predicates = {k.lower(): v for k, v in zip(segments[0::2], segments[1::2])}
            if predicates.get("format") != "json" or "epoch" not in predicates:
                return self._send(400, '{"error":"bad query"}')
            low, high = (datetime.fromisoformat(x) for x in predicates["epoch"].split("--"))
            norad = predicates.get("norad_cat_id")
            rows = [r for r in state.history if r["NORAD_CAT_ID"] == norad
                    and low <= datetime.fromisoformat(r["EPOCH"]) <= high]
            rows.sort(key=lambda r: r["EPOCH"],
                      reverse=predicates.get("orderby", "").lower().endswith("desc"))
            return self._send(200, json.dumps(rows))

    return Handler


@pytest.fixture(scope="module")
def _provider_server():
    """One fake CelesTrak + Space-Track server on 127.0.0.1 for this module."""
    state = ProviderState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(state))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def provider(_provider_server, monkeypatch):
    """The fake providers with an empty request log and a fresh session token."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    # Each test starts with an empty Space-Track rate-limit store (impactrisk's own
    # module state); every test stays far below the provider's 30 requests/minute.
    monkeypatch.setattr(io_fetch, "_spacetrack_rate_store", None)
    state = _provider_server
    with state.lock:
        state.requests.clear()
        state.headers.clear()
        state.token = f"session-{uuid.uuid4().hex[:12]}"
    return state


@pytest.fixture
def no_credentials(monkeypatch):
    monkeypatch.delenv(io_fetch.SPACETRACK_IDENTITY_ENV, raising=False)
    monkeypatch.delenv(io_fetch.SPACETRACK_PASSWORD_ENV, raising=False)


def _iss_epochs_from_bundled_history() -> list[datetime]:
    """Epochs of the bundled ISS TLE history, computed by sgp4 (independent of fetch)."""
    from sgp4.api import Satrec
    from sgp4.conveniences import sat_epoch_datetime

    lines = [ln for ln in default_tle_path().read_text().splitlines() if ln.strip()]
    return [sat_epoch_datetime(Satrec.twoline2rv(l1, l2)).replace(tzinfo=None)
            for l1, l2 in zip(lines[0::2], lines[1::2])]


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


# ------------------------------------------------------------------------ CelesTrak


def test_celestrak_writes_a_stamped_file_that_parses(provider, tmp_path):
    path = io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url,
                                    cache_dir=tmp_path, now=NOW)

    assert path == tmp_path / "celestrak_25544_20261122T023200Z.json"
    assert path.read_bytes() == provider.celestrak_body  # stored exactly as sent
    records = json.loads(path.read_text())
    assert [r["NORAD_CAT_ID"] for r in records] == [ISS]
    # The served element set is the last one of the bundled history (make_fixtures.py).
    expected_epoch = _iss_epochs_from_bundled_history()[-1]
    assert abs(datetime.fromisoformat(records[0]["EPOCH"]) - expected_epoch) < ONE_MILLISECOND
    assert _files(tmp_path) == [path]  # no temporary file left behind

    method, target = provider.requests[0]
    assert method == "GET"
    assert parse_qs(urlsplit(target).query) == {"CATNR": ["25544"], "FORMAT": ["JSON"]}
    assert provider.headers[0]["User-Agent"].startswith("impactrisk/")

    summary = io_fetch.summarize_download(path)
    assert summary.n_element_sets == 1
    assert summary.first_epoch == summary.last_epoch == datetime.fromisoformat(
        records[0]["EPOCH"])
    assert summary.object_names == ("ISS (ZARYA)",)
    assert summary.fetched_at == NOW
    assert io_fetch.fetched_at(path) == NOW


def test_celestrak_answer_parses_with_the_omm_reader(provider, tmp_path):
    from impactrisk.io import omm

    path = io_fetch.fetch_celestrak(str(ISS), base_url=provider.celestrak_url,
                                    cache_dir=tmp_path, now=NOW)
    records = omm.parse_omm_json(path.read_text(), source=str(path))
    assert len(records) == 1


def test_celestrak_two_hour_rule_avoids_a_second_request(provider, tmp_path):
    first = io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url,
                                     cache_dir=tmp_path, now=NOW)
    again = io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url,
                                     cache_dir=tmp_path,
                                     now=NOW + timedelta(hours=1, minutes=59))
    assert again == first
    assert provider.count() == 1

    later = io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url,
                                     cache_dir=tmp_path,
                                     now=NOW + io_fetch.CELESTRAK_MIN_INTERVAL)
    assert later != first
    assert provider.count() == 2
    assert later.name == "celestrak_25544_20261122T043200Z.json"
    assert first.read_bytes() == provider.celestrak_body  # never overwritten


def test_celestrak_cache_is_per_catalogue_number(provider, tmp_path):
    io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url, cache_dir=tmp_path,
                             now=NOW)
    with pytest.raises(FetchError):
        io_fetch.fetch_celestrak(NO_DATA_ID, base_url=provider.celestrak_url,
                                 cache_dir=tmp_path, now=NOW + timedelta(minutes=1))
    assert provider.count() == 2


def test_celestrak_force_refetches(provider, tmp_path):
    first = io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url,
                                     cache_dir=tmp_path, now=NOW)
    forced = io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url,
                                      cache_dir=tmp_path, force=True,
                                      now=NOW + timedelta(minutes=1))
    assert provider.count() == 2
    assert forced != first and first.exists() and forced.exists()
    assert forced.name == "celestrak_25544_20261122T023300Z.json"


def test_celestrak_never_overwrites_a_download(provider, tmp_path):
    io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url, cache_dir=tmp_path,
                             now=NOW)
    with pytest.raises(FetchError, match="never overwritten"):
        io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url,
                                 cache_dir=tmp_path, force=True, now=NOW)


@pytest.mark.parametrize(("catalog_id", "expected"), [
    (NO_DATA_ID, "has no GP data for catalogue number 99999"),
    (SERVER_ERROR_ID, "answered HTTP 500"),
    (THROTTLED_ID, "answered HTTP 403 Forbidden: GP data has not updated"),
    (EMPTY_ID, "has no element sets for 33333"),
    (HTML_ID, "text instead of OMM JSON"),
    (REDIRECT_ID, "answered HTTP 301"),
    (BAD_RECORD_ID, "do not parse: record 1 of 1: field MEAN_MOTION"),
    (WRONG_OBJECT_ID, "record 1 for NORAD_CAT_ID 25544; expected 77777"),
])
def test_celestrak_bad_answers_raise_one_line_fetch_errors(provider, tmp_path, catalog_id,
                                                           expected):
    with pytest.raises(FetchError) as info:
        io_fetch.fetch_celestrak(catalog_id, base_url=provider.celestrak_url,
                                 cache_dir=tmp_path, now=NOW)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message
    assert "?CATNR" not in message and "FORMAT=" not in message  # no query string
    assert provider.count() == 1  # no retry: CelesTrak asks clients to stop
    assert _files(tmp_path) == []  # nothing stored


def test_celestrak_unreachable_host(tmp_path):
    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match="could not reach CelesTrak at 127.0.0.1"):
        io_fetch.fetch_celestrak(ISS, base_url=f"http://127.0.0.1:{port}/gp.php",
                                 cache_dir=tmp_path, timeout_s=2.0, now=NOW)


@pytest.mark.parametrize("bad", ["ISS", "", "25544x", -1, 0, 10**9, True, 2.5])
def test_catalogue_number_is_validated(tmp_path, bad):
    with pytest.raises(InputError, match="NORAD catalogue number"):
        io_fetch.fetch_celestrak(bad, base_url="http://127.0.0.1:9/", cache_dir=tmp_path)


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(io_fetch.DATA_DIR_ENV, str(tmp_path / "data"))
    assert io_fetch.default_cache_dir() == tmp_path / "data" / "tle"


def test_environment_data_dir_receives_downloads(provider, monkeypatch, tmp_path):
    monkeypatch.setenv(io_fetch.DATA_DIR_ENV, str(tmp_path))
    path = io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url, now=NOW)
    assert path.parent == tmp_path / "tle"


# ---------------------------------------------------------------------- Space-Track


def _fetch_history(provider, tmp_path, **kwargs):
    options = dict(identity=IDENTITY, password=PASSWORD,
                   base_url=provider.spacetrack_url, cache_dir=tmp_path, now=NOW)
    options.update(kwargs)
    return io_fetch.fetch_spacetrack(ISS, date(2022, 9, 1), date(2022, 9, 30), **options)


def test_spacetrack_history_with_good_credentials(provider, tmp_path):
    path = _fetch_history(provider, tmp_path)

    assert path.name == "spacetrack_25544_2022-09-01_2022-09-30_20261122T023200Z.json"
    records = json.loads(path.read_text())
    epochs = [datetime.fromisoformat(r["EPOCH"]) for r in records]
    # Independent count: epochs of the bundled history within 1-30 September 2022,
    # the last day included.
    window = [e for e in _iss_epochs_from_bundled_history()
              if datetime(2022, 9, 1) <= e < datetime(2022, 10, 1)]
    assert len(records) == len(window) > 0
    assert all(abs(a - b) < ONE_MILLISECOND for a, b in zip(epochs, sorted(window)))
    assert epochs == sorted(epochs)
    assert any(e.date() == date(2022, 9, 30) for e in epochs)  # end day included
    assert {r["NORAD_CAT_ID"] for r in records} == {"25544"}
    from impactrisk.io.omm import read_omm

    assert len(read_omm(path)) == len(records)

    paths = [p for _, p in provider.requests]
    assert paths[0] == "/ajaxauth/login"
    assert "/basicspacedata/modeldef/class/gp_history" in paths
    query = next(p for p in paths if p.startswith("/basicspacedata/query/"))
    assert "/norad_cat_id/25544/" in query and "/format/json" in query
    assert paths[-1] == "/ajaxauth/logout"


def test_spacetrack_past_window_is_cached_permanently(provider, tmp_path):
    first = _fetch_history(provider, tmp_path)
    requests = provider.count()
    again = _fetch_history(provider, tmp_path, now=NOW + timedelta(days=400))
    assert again == first
    assert provider.count() == requests

    forced = _fetch_history(provider, tmp_path, force=True,
                            now=NOW + timedelta(days=400))
    assert forced != first
    assert provider.count("/basicspacedata/query/") == 2


def test_spacetrack_open_window_is_refetched_after_an_hour(provider, tmp_path):
    inside = datetime(2022, 9, 20, tzinfo=timezone.utc)  # the window is not over yet
    first = _fetch_history(provider, tmp_path, now=inside)
    again = _fetch_history(provider, tmp_path, now=inside + timedelta(minutes=59))
    assert again == first
    later = _fetch_history(provider, tmp_path,
                           now=inside + io_fetch.SPACETRACK_MIN_INTERVAL)
    assert later != first
    assert provider.count("/basicspacedata/query/") == 2


def test_spacetrack_bad_credentials(provider, tmp_path):
    with pytest.raises(FetchError, match="^Space-Track rejected the credentials"):
        _fetch_history(provider, tmp_path, password="wrong-" + PASSWORD)
    assert provider.count("/basicspacedata/") == 0
    assert not list(tmp_path.glob("spacetrack_*"))


def test_spacetrack_missing_credentials_name_the_variables(provider, tmp_path,
                                                           no_credentials):
    with pytest.raises(FetchError) as info:
        io_fetch.fetch_spacetrack(ISS, date(2022, 9, 1), date(2022, 9, 30),
                                  base_url=provider.spacetrack_url, cache_dir=tmp_path)
    assert "SPACETRACK_IDENTITY" in str(info.value)
    assert "SPACETRACK_PASSWORD" in str(info.value)
    assert provider.count() == 0


def test_spacetrack_credentials_from_the_environment(provider, tmp_path, monkeypatch):
    monkeypatch.setenv(io_fetch.SPACETRACK_IDENTITY_ENV, IDENTITY)
    monkeypatch.setenv(io_fetch.SPACETRACK_PASSWORD_ENV, PASSWORD)
    path = io_fetch.fetch_spacetrack(ISS, date(2022, 9, 1), date(2022, 9, 30),
                                     base_url=provider.spacetrack_url, cache_dir=tmp_path,
                                     now=NOW)
    assert path.exists()


def test_spacetrack_without_the_package(provider, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacetrack", None)  # as if not installed
    with pytest.raises(FetchError, match=r"pip install impactrisk\[spacetrack\]"):
        _fetch_history(provider, tmp_path)


def test_spacetrack_window_must_be_ordered(tmp_path):
    with pytest.raises(InputError, match="expected end after start"):
        io_fetch.fetch_spacetrack(ISS, date(2022, 9, 30), date(2022, 9, 1),
                                  identity=IDENTITY, password=PASSWORD, cache_dir=tmp_path)


def test_credentials_never_leak(provider, tmp_path, monkeypatch, capfd, caplog):
    caplog.set_level(logging.DEBUG)
    texts = []
    _fetch_history(provider, tmp_path)
    with pytest.raises(FetchError) as info:
        _fetch_history(provider, tmp_path, password=PASSWORD + "x", force=True)
    texts += [str(info.value), repr(info.value)]

    monkeypatch.setenv(io_fetch.SPACETRACK_IDENTITY_ENV, IDENTITY)
    monkeypatch.setenv(io_fetch.SPACETRACK_PASSWORD_ENV, PASSWORD)
    result = CliRunner().invoke(_cli_app(), [
        "fetch", "--norad", "25544", "--source", "spacetrack", "--start", "2022-10-01",
        "--end", "2022-10-31", "--url", provider.spacetrack_url,
        "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    texts += [result.stdout, result.stderr]

    captured = capfd.readouterr()
    texts += [captured.out, captured.err, caplog.text]
    for path in _files(tmp_path):
        texts += [str(path.relative_to(tmp_path)), path.read_text(errors="replace")]
    for secret in (IDENTITY, PASSWORD):
        assert not any(secret in text for text in texts)


# ------------------------------------------------------------------------------ CLI


def _cli_app() -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                      rich_markup_mode=None)

    @app.callback()
    def _root() -> None:
        """Test shell."""

    app.command("fetch")(fetch_command)
    return app


def test_cli_celestrak_prints_path_and_summary(provider, tmp_path):
    result = CliRunner().invoke(_cli_app(), [
        "fetch", "--norad", "25544", "--url", provider.celestrak_url,
        "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    path = Path(lines[0])
    assert path.parent == tmp_path and path.exists()
    epoch = json.loads(path.read_text())[0]["EPOCH"]
    assert lines[1] == f"25544 ISS (ZARYA): 1 element set, epoch {epoch}"

    again = CliRunner().invoke(_cli_app(), [
        "fetch", "--norad", "25544", "--url", provider.celestrak_url,
        "--cache-dir", str(tmp_path)])
    assert again.exit_code == 0
    assert again.stdout.splitlines()[0] == lines[0]
    assert provider.count() == 1


def test_cli_notes_a_reused_download_on_stderr(provider, tmp_path):
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    cached = io_fetch.fetch_celestrak(ISS, base_url=provider.celestrak_url,
                                      cache_dir=tmp_path, now=an_hour_ago)
    result = CliRunner().invoke(_cli_app(), [
        "fetch", "--norad", "25544", "--url", provider.celestrak_url,
        "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == str(cached)
    assert result.stderr.startswith("note: reused the download of ")
    assert provider.count() == 1


def test_cli_spacetrack_history_summary(provider, tmp_path, monkeypatch):
    monkeypatch.setenv(io_fetch.SPACETRACK_IDENTITY_ENV, IDENTITY)
    monkeypatch.setenv(io_fetch.SPACETRACK_PASSWORD_ENV, PASSWORD)
    result = CliRunner().invoke(_cli_app(), [
        "fetch", "--norad", "25544", "--source", "spacetrack", "--start", "2022-09-01",
        "--end", "2022-09-30", "--url", provider.spacetrack_url,
        "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path_line, summary_line = result.stdout.splitlines()
    n = len(json.loads(Path(path_line).read_text()))
    assert summary_line.startswith(f"25544 ISS (ZARYA): {n} element sets, epochs 2022-09-")


@pytest.mark.parametrize(("args", "expected"), [
    (["--norad", str(NO_DATA_ID)], "error: CelesTrak has no GP data"),
    (["--norad", "ISS"], "error: expected a NORAD catalogue number"),
    (["--norad", "25544", "--source", "spacetrack", "--start", "2022-13-01",
      "--end", "2022-12-31"], "error: --start: expected a date YYYY-MM-DD"),
    (["--norad", "25544", "--source", "spacetrack"], "error: --source spacetrack needs"),
    (["--norad", "25544", "--start", "2022-09-01"], "error: --start/--end apply to"),
])
def test_cli_errors_are_one_line_and_exit_1(provider, tmp_path, no_credentials, args,
                                            expected):
    result = CliRunner().invoke(_cli_app(), [
        "fetch", *args, "--url", provider.celestrak_url, "--cache-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(expected)
    assert len(result.stderr.strip().splitlines()) == 1
