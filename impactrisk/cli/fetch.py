"""``impactrisk tle fetch``: download element sets from CelesTrak or Space-Track."""

from __future__ import annotations

import sys
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from impactrisk.cli._common import fail, handle_errors


class Source(str, Enum):
    """Element-set providers."""

    celestrak = "celestrak"
    spacetrack = "spacetrack"


def _parse_when(text: str, option: str) -> date | datetime:
    """Parse ``YYYY-MM-DD`` (a date) or an ISO 8601 date-time (UTC if no offset)."""
    from impactrisk.errors import InputError

    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: expected a date YYYY-MM-DD or an ISO 8601 time "
                         f"(e.g. 2022-09-01T06:00:00Z), got {text!r}") from None


@handle_errors
def fetch(
    norad: Annotated[
        str, typer.Option("--norad", help="NORAD catalogue number, e.g. 25544 (ISS).")
    ],
    source: Annotated[Source, typer.Option("--source", help="Provider.")] = Source.celestrak,
    start: Annotated[
        Optional[str], typer.Option("--start", help="First epoch, YYYY-MM-DD (spacetrack only).")
    ] = None,
    end: Annotated[
        Optional[str],
        typer.Option("--end", help="Last epoch, YYYY-MM-DD, whole day included (spacetrack only)."),
    ] = None,
    cache_dir: Annotated[
        Optional[Path],
        typer.Option("--cache-dir", help="Download folder; default: $IMPACTRISK_DATA_DIR/tle or "
                     "the user data folder."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Download even if a recent download can be reused.")
    ] = False,
    url: Annotated[
        Optional[str], typer.Option("--url", help="Provider base URL (mirrors and tests only).")
    ] = None,
) -> None:
    """Download element sets as OMM JSON into a date-stamped file and print its path.

    CelesTrak gives the current element set; a download younger than 2 h is reused
    (CelesTrak updates no more often). Space-Track gives the history between --start
    and --end and needs a free account: set SPACETRACK_IDENTITY and
    SPACETRACK_PASSWORD in the environment.
    """
    from impactrisk.io import fetch as io_fetch

    started = datetime.now().astimezone()
    if source is Source.celestrak:
        if start is not None or end is not None:
            fail("--start/--end apply to --source spacetrack only; CelesTrak serves the "
                 "current element set")
        kwargs = {"base_url": url} if url else {}
        path = io_fetch.fetch_celestrak(norad, cache_dir=cache_dir, force=force, **kwargs)
    else:
        if start is None or end is None:
            fail("--source spacetrack needs --start and --end (YYYY-MM-DD)")
        path = io_fetch.fetch_spacetrack(
            norad, _parse_when(start, "--start"), _parse_when(end, "--end"),
            base_url=url, cache_dir=cache_dir, force=force)

    summary = io_fetch.summarize_download(path)
    if summary.fetched_at < started.replace(microsecond=0):
        print(f"note: reused the download of {summary.fetched_at:%Y-%m-%d %H:%M:%S} UTC "
              "(use --force to download again)", file=sys.stderr)
    typer.echo(str(path))
    names = ", ".join(summary.object_names)
    sets = "element set" if summary.n_element_sets == 1 else "element sets"
    if summary.first_epoch == summary.last_epoch:
        epochs = f"epoch {summary.first_epoch.isoformat()}"
    else:
        epochs = (f"epochs {summary.first_epoch.isoformat()} .. "
                  f"{summary.last_epoch.isoformat()}")
    label = f"{norad.strip()} {names}".rstrip()
    typer.echo(f"{label}: {summary.n_element_sets} {sets}, {epochs}")
