"""Shared plumbing of the command-line interface: error handling and output.

Only this package prints. Library errors (:class:`~impactrisk.errors.ImpactriskError`)
become one message on stderr and exit code 1, never a traceback; impactrisk's own
warnings are shown as single ``warning:`` lines on stderr.
"""

from __future__ import annotations

import functools
import json
import sys
import warnings
from typing import Any, Callable, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])


def _show_warning(message, category, filename, lineno, file=None, line=None):
    from impactrisk.errors import ImpactriskWarning

    if issubclass(category, ImpactriskWarning):
        text = f"warning: {message}"
    else:
        text = warnings.formatwarning(message, category, filename, lineno, line).rstrip()
    print(text, file=sys.stderr)


def handle_errors(func: F) -> F:
    """Decorate a command: ImpactriskError -> message on stderr and exit 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from impactrisk.errors import ImpactriskError

        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            try:
                return func(*args, **kwargs)
            except ImpactriskError as exc:
                print(f"error: {exc}", file=sys.stderr)
                raise typer.Exit(code=1) from None

    return wrapper  # type: ignore[return-value]


def fail(message: str) -> None:
    """Print an error for a bad command-line value and exit with code 1."""
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(code=1)


def echo_json(obj: Any) -> None:
    """Write ``obj`` as indented JSON to stdout."""
    typer.echo(json.dumps(obj, indent=2, sort_keys=False, default=_json_default))


def _json_default(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


# Options shared by every command that propagates an orbit ---------------------------
from pathlib import Path  # noqa: E402
from typing import Annotated, Optional  # noqa: E402

TleOption = Annotated[
    Optional[Path],
    typer.Option("--tle", help="TLE or OMM (CSV/JSON) file; default: the bundled ISS history."),
]
OrbitOption = Annotated[
    Optional[str],
    typer.Option("--orbit", help="Design orbit instead of TLEs: circular:ALT_KM:INC_DEG[:RAAN_DEG[:EPOCH]]."),
]
NoradOption = Annotated[
    Optional[str],
    typer.Option("--norad", help="Catalogue number to use when the file holds several objects."),
]
StartOption = Annotated[Optional[str], typer.Option("--start", help="Window start, UTC (YYYY-MM-DD[THH:MM[:SS]]).")]
EndOption = Annotated[Optional[str], typer.Option("--end", help="Window end, UTC.")]
StepOption = Annotated[str, typer.Option("--step", help="Time step, e.g. 60s, 10min, 1h.")]
SelectOption = Annotated[
    str,
    typer.Option("--select", help="Element set per sample: nearest (epoch) or latest-before."),
]
ExtrapolateOption = Annotated[
    bool,
    typer.Option("--extrapolate", help="Allow a window entirely outside the element-set coverage."),
]
StaleLimitOption = Annotated[
    float,
    typer.Option("--stale-limit", help="Warn when a sample is served by a set older than this [days]."),
]
StaleThresholdOption = Annotated[
    float,
    typer.Option("--stale-threshold", help="Age counted as old in the staleness share [days]."),
]
