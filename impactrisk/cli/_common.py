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


# Options shared by the assessment commands (risk, report, flux, events, modules) ----

CriterionOption = Annotated[
    str,
    typer.Option("--criterion", help="leak (channel wall perforated), spall, perforation (panel), "
                                     "or hole>=D (e.g. hole>=0.8mm)."),
]
OptionalExposureOption = Annotated[
    bool,
    typer.Option("--optional/--no-optional", help="Include exposure rows marked optional (assumed), e.g. "
                                                  "the RTOd's stowed years on Rassvet."),
]
ShowersOption = Annotated[bool, typer.Option("--showers/--no-showers", help="Model the annual meteor showers.")]
MeteoroidSpeedsOption = Annotated[
    str,
    typer.Option("--meteoroid-speeds", help="Meteoroid speeds: ssp30425 (near-Earth, default), ecss-c1 (ECSS "
                                            "Table C-1 free-space speeds focused bin by bin) or a free-space "
                                            "table file."),
]


def set_option(detail: str = "") -> Any:
    """The repeatable ``--set PATH=VALUE`` option; ``detail`` is appended to its help."""
    text = "Override a module parameter, e.g. radiator.wall=1.5mm (repeatable)."
    return Annotated[
        Optional[list[str]],
        typer.Option("--set", metavar="PATH=VALUE", help=f"{text} {detail}" if detail else text),
    ]


def debris_model_option(note: str = "") -> Any:
    """The debris-model ``--model`` option; ``note`` is added in parentheses to its help."""
    text = "Debris size model: kessler-1991 or ordem2000-handbook"
    return Annotated[str, typer.Option("--model", help=f"{text} ({note})." if note else f"{text}.")]


def workers_option(what: str = "Worker processes") -> Any:
    """The ``--workers N`` option (default: the number of cores); ``what`` starts its help."""
    return Annotated[Optional[int], typer.Option("--workers", help=f"{what} (default: the number of cores).")]


SetOption = set_option()


def check_workers(workers: Optional[int]) -> None:
    """Refuse ``--workers`` below 1 (``None`` means the number of cores)."""
    if workers is not None and workers < 1:
        fail(f"--workers: expected at least 1, got {workers}")


def check_debris_model(model: str) -> None:
    """Refuse a ``--model`` that is not one of the debris models."""
    from impactrisk.environment.model import DEBRIS_MODELS

    if model not in DEBRIS_MODELS:
        fail(f"--model: expected one of {', '.join(DEBRIS_MODELS)}, got {model!r}")


def command_line(name: str) -> str:
    """The command line as typed, to reproduce the run (recorded in reports); just
    ``impactrisk NAME`` when the process was not started as ``impactrisk NAME ...``."""
    import shlex

    if len(sys.argv) > 1 and sys.argv[1] == name:
        return "impactrisk " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    return f"impactrisk {name}"
