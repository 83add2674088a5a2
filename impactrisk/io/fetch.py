"""Optional download of element sets (OMM JSON) from CelesTrak and Space-Track.

Nothing else in impactrisk touches the network: the bundled history in ``tle_data/``
is enough for every default job. These functions download, validate and store one
provider answer and return the path of the stored file; reading it is the job of
the OMM reader (:mod:`impactrisk.io.omm`).

Stored files
------------
Downloads go to a cache folder (see :func:`default_cache_dir`) under date-stamped
names that are never overwritten, e.g. ::

    celestrak_25544_20261122T023200Z.json
    spacetrack_25544_2022-09-01_2022-12-31_20261122T023200Z.json

The stamp is the download time in UTC. Each file is first written to a temporary
file in the same folder and then linked into place, so a reader never sees half a
file and an existing file is never replaced.

Provider rules
--------------
CelesTrak updates its GP data no more often than every 2 hours and asks clients not
to download the same data more often, and to stop (not retry) on any answer other
than HTTP 200 [1]_ [2]_. Space-Track allows fewer than 30 API requests per minute and
300 per hour [3]_; the ``spacetrack`` package enforces these limits itself (it sleeps
when needed) and this module does not work around it. Space-Track also asks for
element sets to be fetched at most once per hour [4]_, and history that is complete
needs fetching only once. The caching rules of :func:`fetch_celestrak` and
:func:`fetch_spacetrack` follow from these.

References
----------
.. [1] T. S. Kelso, "TLE Errors - CelesTrak data now at https://celestrak.org",
   CelesTrak notice of 2022-07-19: "CelesTrak does not update any data more often
   than every 2 hours", https://github.com/shashwatak/satellite-js/issues/105
.. [2] T. S. Kelso, "CelesTrak Usage Policy", https://celestrak.org/usage-policy.php
   (2026): "M2M software should immediately stop querying when it receives any
   non-HTTP 200 responses"; and "A New Way to Obtain GP Data (aka TLEs)",
   https://celestrak.org/NORAD/documentation/gp-data-formats.php
.. [3] Space-Track.org, "API Use Guidelines", https://www.space-track.org/documentation
   ("Limit API queries to less than 30 requests per minute / 300 requests per
   hour", as quoted in the ``spacetrack`` package, ``spacetrack/base.py``).
.. [4] Space-Track.org, "API Use Guidelines": "Once every hour for TLEs",
   https://www.space-track.org/documentation (wording of an earlier version of the
   page, which then allowed 20 requests per minute).
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from impactrisk.errors import FetchError, InputError, OMMFormatError

__all__ = [
    "CELESTRAK_GP_URL",
    "CELESTRAK_MIN_INTERVAL",
    "DATA_DIR_ENV",
    "DownloadSummary",
    "SPACETRACK_IDENTITY_ENV",
    "SPACETRACK_MIN_INTERVAL",
    "SPACETRACK_PASSWORD_ENV",
    "SPACETRACK_URL",
    "default_cache_dir",
    "fetch_celestrak",
    "fetch_spacetrack",
    "fetched_at",
    "summarize_download",
]

#: CelesTrak's GP query endpoint (``?CATNR=<id>&FORMAT=JSON``) [1]_.
CELESTRAK_GP_URL = "https://celestrak.org/NORAD/elements/gp.php"
#: Space-Track's API root (the ``spacetrack`` package's default).
SPACETRACK_URL = "https://www.space-track.org/"

#: Shortest time between two CelesTrak downloads of the same catalogue number:
#: CelesTrak updates GP data no more often than every 2 hours (module references [1]).
CELESTRAK_MIN_INTERVAL = timedelta(hours=2)
#: Shortest time between two Space-Track downloads of a history window that was not
#: complete when last fetched: "Once every hour for TLEs" (module references [4]).
SPACETRACK_MIN_INTERVAL = timedelta(hours=1)

#: Environment variable that replaces the user data directory (downloads go to
#: ``$IMPACTRISK_DATA_DIR/tle``).
DATA_DIR_ENV = "IMPACTRISK_DATA_DIR"
#: Environment variables holding the Space-Track login.
SPACETRACK_IDENTITY_ENV = "SPACETRACK_IDENTITY"
SPACETRACK_PASSWORD_ENV = "SPACETRACK_PASSWORD"

_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
_STAMP_RE = r"(\d{8}T\d{6}Z)"
_MAX_CATALOG_NUMBER = 999_999_999  # OMM NORAD_CAT_ID holds up to 9 digits [2]
_SNIPPET_CHARS = 160  # longest provider text quoted in an error message

# One rate-limit store for every Space-Track client of this process, so that the
# package's per-minute and per-hour limits also hold across successive calls.
_spacetrack_rate_store: Any = None


# --------------------------------------------------------------------------- paths


def default_cache_dir() -> Path:
    """Folder where downloads are stored when no ``cache_dir`` is given.

    Returns
    -------
    pathlib.Path
        ``$IMPACTRISK_DATA_DIR/tle`` if that environment variable is set, else
        ``platformdirs.user_data_dir("impactrisk")/tle`` (e.g.
        ``~/.local/share/impactrisk/tle`` on Linux). The folder may not exist yet.
    """
    base = os.environ.get(DATA_DIR_ENV)
    if base:
        return Path(base).expanduser() / "tle"
    import platformdirs

    return Path(platformdirs.user_data_dir("impactrisk")) / "tle"


def fetched_at(path: str | os.PathLike) -> datetime:
    """Download time (UTC) encoded in the name of a stored download.

    Parameters
    ----------
    path : path-like
        A file written by :func:`fetch_celestrak` or :func:`fetch_spacetrack`.

    Returns
    -------
    datetime.datetime
        Timezone-aware UTC time of the download.

    Raises
    ------
    InputError
        If the file name carries no ``YYYYMMDDTHHMMSSZ`` stamp.
    """
    name = Path(path).name
    match = re.search(_STAMP_RE + r"\.json$", name)
    if match is None:
        raise InputError(
            f"expected a download name ending in _YYYYMMDDTHHMMSSZ.json, got {name!r}")
    return _parse_stamp(match.group(1))


# ------------------------------------------------------------------------ CelesTrak


def fetch_celestrak(catalog_id: str | int, *, base_url: str = CELESTRAK_GP_URL,
                    cache_dir: str | os.PathLike | None = None, force: bool = False,
                    timeout_s: float = 30.0, now: datetime | None = None) -> Path:
    """Download the current GP element set of one object from CelesTrak as OMM JSON.

    Parameters
    ----------
    catalog_id : str or int
        NORAD catalogue number, e.g. ``25544`` for the ISS.
    base_url : str, optional
        GP query endpoint; the query ``?CATNR=<id>&FORMAT=JSON`` is appended. Change
        it only for a mirror or a test server.
    cache_dir : path-like, optional
        Folder for downloads; default :func:`default_cache_dir`.
    force : bool, optional
        Download even if a download younger than 2 h exists (default False).
    timeout_s : float, optional
        Network timeout [s] (default 30).
    now : datetime.datetime, optional
        Current time (default: the system clock, UTC). Naive values are taken as UTC.

    Returns
    -------
    pathlib.Path
        The stored file ``celestrak_<id>_<YYYYMMDDTHHMMSSZ>.json``: a JSON array with
        one OMM record, exactly as CelesTrak sent it.

    Raises
    ------
    InputError
        If ``catalog_id`` is not a catalogue number.
    FetchError
        On a network failure, any HTTP status other than 200 (including redirects,
        which are not followed), a plain-text answer such as "No GP data found", or
        an answer that is not a non-empty OMM JSON array for ``catalog_id``.

    Notes
    -----
    Provider rule: CelesTrak updates GP data no more often than every 2 hours and
    asks clients not to download the same data more often [1]_. Unless ``force`` is
    true, a stored download of the same catalogue number younger than
    :data:`CELESTRAK_MIN_INTERVAL` is returned without any network access. CelesTrak
    also asks machine clients to stop querying on any non-200 answer and report it to
    a human [2]_, so there are no retries: the error is raised at once.

    References
    ----------
    .. [1] T. S. Kelso, CelesTrak notice of 2022-07-19, "CelesTrak does not update
       any data more often than every 2 hours",
       https://github.com/shashwatak/satellite-js/issues/105
    .. [2] T. S. Kelso, "CelesTrak Usage Policy", https://celestrak.org/usage-policy.php
    """
    norad = _catalog_number(catalog_id)
    now_utc = _as_utc(now, "now") if now is not None else _utcnow()
    folder = _resolve_cache_dir(cache_dir)
    pattern = re.compile(rf"^celestrak_{norad}_{_STAMP_RE}\.json$")

    if not force:
        cached = _newest_download(folder, pattern)
        if cached is not None and now_utc - cached[1] < CELESTRAK_MIN_INTERVAL:
            return cached[0]

    query = urllib.parse.urlencode({"CATNR": norad, "FORMAT": "JSON"})
    url = f"{base_url}{'&' if '?' in base_url else '?'}{query}"
    text = _http_get(url, timeout_s=timeout_s, provider="CelesTrak")
    _check_omm_answer(text, norad, provider="CelesTrak")
    return _store(folder, f"celestrak_{norad}_{_stamp(now_utc)}.json", text)


# ---------------------------------------------------------------------- Space-Track


def fetch_spacetrack(catalog_id: str | int, start: date | datetime,
                     end: date | datetime, *, identity: str | None = None,
                     password: str | None = None, base_url: str | None = None,
                     cache_dir: str | os.PathLike | None = None, force: bool = False,
                     timeout_s: float = 60.0, now: datetime | None = None) -> Path:
    """Download the element-set history of one object from Space-Track ``gp_history``.

    Parameters
    ----------
    catalog_id : str or int
        NORAD catalogue number, e.g. ``25544`` for the ISS.
    start, end : datetime.date or datetime.datetime
        Epoch window. A date ``end`` includes that whole day; datetimes are exact.
        Naive datetimes are taken as UTC.
    identity, password : str, optional
        Space-Track login; default: the environment variables ``SPACETRACK_IDENTITY``
        and ``SPACETRACK_PASSWORD``. They are sent to Space-Track only, and never
        printed, logged, stored or put in messages or file names.
    base_url : str, optional
        API root (default :data:`SPACETRACK_URL`); change it only for a test server.
    cache_dir : path-like, optional
        Folder for downloads; default :func:`default_cache_dir`. The ``spacetrack``
        package keeps its one-day cache of Space-Track's field list in the
        ``.spacetrack`` subfolder.
    force : bool, optional
        Download even if a stored download can be reused (default False).
    timeout_s : float, optional
        Network timeout of the history query [s] (default 60).
    now : datetime.datetime, optional
        Current time (default: the system clock, UTC). Naive values are taken as UTC.

    Returns
    -------
    pathlib.Path
        The stored file ``spacetrack_<id>_<start>_<end>_<YYYYMMDDTHHMMSSZ>.json``: the
        JSON array of OMM records exactly as Space-Track sent it, oldest epoch first.

    Raises
    ------
    InputError
        If ``catalog_id`` or the window is invalid.
    FetchError
        If the ``spacetrack`` package is missing, credentials are missing or
        rejected ("Space-Track rejected the credentials"), on a network or HTTP
        failure, or when the answer holds no element set for the object and window.

    Notes
    -----
    Provider rules: Space-Track allows fewer than 30 requests per minute and 300
    per hour [1]_. The ``spacetrack`` package enforces both limits itself, sleeping
    when needed, and one rate-limit store is shared by every call in this process.
    A download is reused, without network access unless ``force`` is true, when it
    was made after the end of its window (history that was complete then does not
    change, so it is kept for good) or less than :data:`SPACETRACK_MIN_INTERVAL` ago
    ("Once every hour for TLEs" [2]_).

    One call sends the login (``POST ajaxauth/login``), the field list of
    ``gp_history`` (``modeldef``, cached by the package for a day), the query
    ``gp_history/norad_cat_id/<id>/epoch/<start>--<end>/orderby/epoch asc/format/json``
    and a logout; the package counts the field list and the query against the rate
    limits.

    References
    ----------
    .. [1] Space-Track.org, "API Use Guidelines",
       https://www.space-track.org/documentation
    .. [2] Space-Track.org, "API Use Guidelines", recommended retrieval rates
       ("Once every hour for TLEs"), https://www.space-track.org/documentation
       (wording of an earlier version of the page).
    """
    norad = _catalog_number(catalog_id)
    start_q, start_utc, start_label = _window_bound(start, "start", is_end=False)
    end_q, end_utc, end_label = _window_bound(end, "end", is_end=True)
    if end_utc <= start_utc:
        raise InputError(
            f"expected end after start, got start={start_label} and end={end_label}")
    now_utc = _as_utc(now, "now") if now is not None else _utcnow()
    folder = _resolve_cache_dir(cache_dir)
    prefix = f"spacetrack_{norad}_{start_label}_{end_label}_"
    pattern = re.compile(rf"^{re.escape(prefix)}{_STAMP_RE}\.json$")

    if not force:
        cached = _newest_download(folder, pattern)
        if cached is not None:
            path, stamp = cached
            if stamp >= end_utc or now_utc - stamp < SPACETRACK_MIN_INTERVAL:
                return path

    identity = identity if identity is not None else os.environ.get(SPACETRACK_IDENTITY_ENV)
    password = password if password is not None else os.environ.get(SPACETRACK_PASSWORD_ENV)
    if not identity or not password:
        raise FetchError(
            "Space-Track needs a login: set the environment variables "
            f"{SPACETRACK_IDENTITY_ENV} and {SPACETRACK_PASSWORD_ENV} "
            "(free account at https://www.space-track.org)")

    text = _spacetrack_gp_history(
        norad, start_q, end_q, identity=identity, password=password,
        base_url=base_url or SPACETRACK_URL, state_dir=folder / ".spacetrack",
        timeout_s=timeout_s, window=f"{start_label} to {end_label}")
    _check_omm_answer(text, norad, provider="Space-Track",
                      window=f" between {start_label} and {end_label}")
    return _store(folder, f"{prefix}{_stamp(now_utc)}.json", text)


def _spacetrack_gp_history(norad: int, start_q, end_q, *, identity: str, password: str,
                           base_url: str, state_dir: Path, timeout_s: float,
                           window: str) -> str:
    """Run the login + gp_history query; return the raw JSON text (never the login)."""
    try:
        import spacetrack
        import spacetrack.operators as st_op
        import httpx2
        from rush.stores.dictionary import DictionaryStore
    except ImportError:
        raise FetchError(
            "Space-Track downloads need the optional 'spacetrack' package (version 2.1 "
            "or later): pip install impactrisk[spacetrack]") from None

    global _spacetrack_rate_store
    if _spacetrack_rate_store is None:
        _spacetrack_rate_store = DictionaryStore()

    host = urllib.parse.urlsplit(base_url).netloc or base_url
    secrets = (identity, password)
    client = spacetrack.SpaceTrackClient(
        identity, password, base_url=base_url, rush_store=_spacetrack_rate_store,
        cache_path=state_dir)
    problem: str | None = None
    try:
        text = client.gp_history(
            norad_cat_id=norad, epoch=st_op.inclusive_range(start_q, end_q),
            orderby="epoch asc", format="json", timeout=timeout_s)
    except spacetrack.AuthenticationError:
        problem = ("Space-Track rejected the credentials (check "
                   f"{SPACETRACK_IDENTITY_ENV} and {SPACETRACK_PASSWORD_ENV})")
    except httpx2.HTTPStatusError as exc:
        status = exc.response.status_code
        if status == 401:
            problem = ("Space-Track rejected the credentials (check "
                       f"{SPACETRACK_IDENTITY_ENV} and {SPACETRACK_PASSWORD_ENV})")
        else:
            problem = (f"Space-Track ({host}) answered HTTP {status} "
                       f"{exc.response.reason_phrase} to the gp_history query for "
                       f"{norad} ({window})")
    except (httpx2.HTTPError, httpx2.InvalidURL) as exc:
        problem = f"could not reach Space-Track at {host}: {type(exc).__name__}"
    except ValueError:  # e.g. a login or field-list answer that is not JSON
        problem = f"Space-Track ({host}) sent an answer that could not be read"
    finally:
        try:
            client.close()
        except httpx2.HTTPError:
            pass  # the logout failed; the session expires on its own
    if problem is not None:
        raise FetchError(_redact(problem, secrets))
    return text


# ------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class DownloadSummary:
    """What a stored download holds.

    Attributes
    ----------
    n_element_sets : int
        Number of OMM records.
    first_epoch, last_epoch : datetime.datetime
        Earliest and latest ``EPOCH`` (UTC, naive as in OMM).
    object_names : tuple of str
        Distinct ``OBJECT_NAME`` values, in order of appearance.
    fetched_at : datetime.datetime
        Download time (UTC) from the file name.
    """

    n_element_sets: int
    first_epoch: datetime
    last_epoch: datetime
    object_names: tuple[str, ...]
    fetched_at: datetime


def summarize_download(path: str | os.PathLike) -> DownloadSummary:
    """Count the element sets of a stored download and give their epoch range.

    Parameters
    ----------
    path : path-like
        A file written by :func:`fetch_celestrak` or :func:`fetch_spacetrack`.

    Returns
    -------
    DownloadSummary

    Raises
    ------
    InputError
        If the file cannot be read or is not a non-empty OMM JSON array.
    """
    path = Path(path)
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read download {path}: {exc}") from None
    if not isinstance(records, list) or not records or not all(
            isinstance(r, dict) and "EPOCH" in r for r in records):
        raise InputError(f"{path}: expected a non-empty JSON array of OMM records")
    try:
        epochs = [datetime.fromisoformat(str(r["EPOCH"])) for r in records]
    except ValueError as exc:
        raise InputError(f"{path}: unreadable EPOCH ({exc})") from None
    names: list[str] = []
    for record in records:
        name = str(record.get("OBJECT_NAME", ""))
        if name and name not in names:
            names.append(name)
    return DownloadSummary(len(records), min(epochs), max(epochs), tuple(names),
                           fetched_at(path))


# ----------------------------------------------------------------------- internals


def _catalog_number(catalog_id: str | int) -> int:
    """Validate a NORAD catalogue number given as int or digit string."""
    if isinstance(catalog_id, bool):
        raise InputError(f"expected a NORAD catalogue number, got {catalog_id!r}")
    if isinstance(catalog_id, int):
        number = catalog_id
    elif isinstance(catalog_id, str) and catalog_id.strip().isdigit() \
            and catalog_id.strip().isascii():
        number = int(catalog_id.strip())
    else:
        raise InputError(
            f"expected a NORAD catalogue number (digits, e.g. 25544), got {catalog_id!r}")
    if not 1 <= number <= _MAX_CATALOG_NUMBER:
        raise InputError(
            f"expected a NORAD catalogue number between 1 and {_MAX_CATALOG_NUMBER}, "
            f"got {number}")
    return number


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _as_utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise InputError(f"expected a datetime for {name}, got {type(value).__name__}")
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _window_bound(value: date | datetime, name: str, *, is_end: bool):
    """Return (query value, aware UTC datetime, file-name label) for a window bound.

    A date ``end`` covers that whole day, so the query and the comparison use the
    next midnight; the label keeps the date the user gave.
    """
    if isinstance(value, datetime):
        utc = _as_utc(value, name)
        return utc.replace(tzinfo=None), utc, utc.strftime("%Y-%m-%dT%H%M%SZ")
    if isinstance(value, date):
        day = value + timedelta(days=1) if is_end else value
        utc = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        return day, utc, value.isoformat()
    raise InputError(f"expected a date or datetime for {name}, got {value!r}")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(_STAMP_FORMAT)


def _parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, _STAMP_FORMAT).replace(tzinfo=timezone.utc)


def _resolve_cache_dir(cache_dir: str | os.PathLike | None) -> Path:
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"cannot create the download folder {folder}: "
                         f"{exc.strerror or exc}") from None
    return folder


def _newest_download(folder: Path, pattern: re.Pattern) -> tuple[Path, datetime] | None:
    """Newest stored download whose name matches ``pattern`` (stamp in group 1)."""
    best: tuple[Path, datetime] | None = None
    for path in folder.iterdir():
        match = pattern.match(path.name)
        if match is None or not path.is_file():
            continue
        stamp = _parse_stamp(match.group(1))
        if best is None or stamp > best[1]:
            best = (path, stamp)
    return best


def _store(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``folder/name`` atomically; never replace an existing file."""
    from impactrisk.io.atomic import write_atomic

    final = folder / name
    try:
        return write_atomic(final, text, overwrite=False)
    except FileExistsError:
        raise FetchError(f"{final} already exists and downloads are never overwritten; "
                         "try again in a second") from None
    except OSError as exc:
        raise FetchError(f"cannot store the download in {folder}: "
                         f"{exc.strerror or exc}") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Turn redirects into errors: CelesTrak asks clients to stop on any non-200."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _user_agent() -> str:
    from impactrisk import __version__

    return f"impactrisk/{__version__}"


def _http_get(url: str, *, timeout_s: float, provider: str) -> str:
    """GET ``url``; return the body as text or raise a one-line FetchError."""
    host = urllib.parse.urlsplit(url).netloc or url
    request = urllib.request.Request(url, headers={
        "User-Agent": _user_agent(), "Accept": "application/json"})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout_s) as response:
            status = response.status
            body = response.read()
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as exc:
        with exc:
            first = _first_line(_safe_read(exc))
        where = ""
        if 300 <= exc.code < 400 and exc.headers.get("Location"):
            where = f" (redirect to {urllib.parse.urlsplit(exc.headers['Location']).netloc})"
        detail = f": {first}" if first and not first.startswith("<") else ""
        raise FetchError(f"{provider} ({host}) answered HTTP {exc.code} {exc.reason}"
                         f"{where}{detail}; not retrying") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"could not reach {provider} at {host}: {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"no answer from {provider} at {host} within {timeout_s:g} s") \
            from None
    except OSError as exc:
        raise FetchError(f"could not reach {provider} at {host}: "
                         f"{exc.strerror or type(exc).__name__}") from None
    if status != 200:  # other 2xx answers carry no element sets
        raise FetchError(f"{provider} ({host}) answered HTTP {status}; expected 200")
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise FetchError(f"{provider} ({host}) answered with undecodable text") from None


def _safe_read(response) -> str:
    try:
        return response.read(4096).decode("utf-8", "replace")
    except OSError:
        return ""


def _first_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:_SNIPPET_CHARS]
    return ""


def _redact(message: str, secrets) -> str:
    for secret in secrets:
        if secret:
            message = message.replace(secret, "***")
    return message


def _check_omm_answer(text: str, norad: int, *, provider: str, window: str = "") -> None:
    """Raise FetchError unless ``text`` is a non-empty OMM JSON array for ``norad``."""
    stripped = text.strip()
    if not stripped:
        raise FetchError(f"{provider} sent an empty answer for {norad}{window}")
    if stripped.startswith("No GP data found"):
        raise FetchError(f"{provider} has no GP data for catalogue number {norad}")
    if stripped[0] not in "[{":
        raise FetchError(f"{provider} answered with text instead of OMM JSON for "
                         f"{norad}: {_first_line(stripped)}")
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise FetchError(f"{provider} sent malformed JSON for {norad}: {exc.msg} at "
                         f"line {exc.lineno} column {exc.colno}") from None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        raise FetchError(f"{provider} answered: {_first_line(data['error'])}")
    if not isinstance(data, list):
        raise FetchError(f"{provider} sent a JSON {type(data).__name__} for {norad}; "
                         "expected an array of OMM records")
    if not data:
        raise FetchError(f"{provider} has no element sets for {norad}{window}")

    from impactrisk.io.omm import parse_omm_json  # imports numpy/sgp4: only when used

    try:
        records = parse_omm_json(data, source=f"{provider} answer for {norad}")
    except OMMFormatError as exc:
        raise FetchError(f"{provider} sent element sets for {norad} that do not parse: "
                         f"{_first_line(exc.reason)}") from None
    for index, record in enumerate(records, start=1):
        if record["NORAD_CAT_ID"] != norad:
            raise FetchError(f"{provider} sent record {index} for NORAD_CAT_ID "
                             f"{record['NORAD_CAT_ID']}; expected {norad}")
