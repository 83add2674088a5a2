"""The ``impactrisk`` command: a thin typer shell over one library call per command.

Heavy modules (numpy, sgp4, skyfield) are imported inside the commands, so that
``impactrisk --help`` stays fast.
"""

from __future__ import annotations

import typer

from impactrisk.cli import ble as _ble
from impactrisk.cli import events as _events
from impactrisk.cli import flux as _flux
from impactrisk.cli import modules as _modules
from impactrisk.cli import orbit as _orbit
from impactrisk.cli import report as _report
from impactrisk.cli import risk as _risk
from impactrisk.cli import tle as _tle

app = typer.Typer(
    name="impactrisk",
    help="Micrometeoroid and orbital-debris penetration risk from real TLE history.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(_tle.app, name="tle")
app.command("orbit")(_orbit.orbit)
app.command("risk")(_risk.risk)
app.command("ble")(_ble.ble)
app.command("flux")(_flux.flux)
app.command("report")(_report.report)
app.command("events")(_events.events)
app.add_typer(_modules.app, name="modules")


def _version_callback(value: bool) -> None:
    if value:
        from impactrisk import __version__

        typer.echo(f"impactrisk {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """Micrometeoroid and orbital-debris penetration risk from real TLE history."""


def main() -> None:
    """Entry point of the console script.

    Command-line usage errors (unknown option, bad choice) exit with code 1 like every
    other bad input, rather than click's conventional 2.
    """
    try:
        app()
    except SystemExit as exc:
        if exc.code == 2:
            raise SystemExit(1) from None
        raise
