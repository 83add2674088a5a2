"""Plots of flux results, drawn on a :class:`matplotlib.figure.Figure` with the Agg
canvas (no pyplot, no global state). matplotlib is imported inside the functions."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from impactrisk.report import GROUP_ORDER, face_flux_m2_yr, face_label, group_label

__all__ = ["flux_size_figure", "save_figure"]

_COLOURS = {"meteoroid": "C0", "shower": "C2", "debris": "C3"}


def _positive(values: np.ndarray) -> np.ndarray:
    """Zero or non-finite fluxes cannot sit on a log axis: leave them out."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (values > 0), values, np.nan)


def flux_size_figure(summary, *, face: str = "random", groups: tuple[str, ...] = GROUP_ORDER,
                     other_debris=None):
    """Log-log cumulative flux against particle diameter, one line per population.

    Parameters
    ----------
    summary : FluxSummary
        The result to draw (:func:`impactrisk.chain.flux_summary`).
    face : str
        A cube face, ``"random"`` (tumbling plate) or ``"cube"`` (mean of six faces).
    groups : tuple of str
        Populations to draw (``"meteoroid"``, ``"shower"``, ``"debris"``); their total
        is added when there are several.
    other_debris : FluxSummary, optional
        The same window with the other debris model, drawn dashed.

    Returns
    -------
    matplotlib.figure.Figure
        With an Agg canvas attached; save it with :func:`save_figure`.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 5.0))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    d_mm = 10.0 * np.asarray(summary.sizes_cm, dtype=float)
    shown = [g for g in GROUP_ORDER if g in groups]
    for group in shown:
        ax.loglog(d_mm, _positive(face_flux_m2_yr(summary, face, (group,))),
                  "-", marker=".", color=_COLOURS[group], label=group_label(summary, group))
    if other_debris is not None and "debris" in shown:
        ax.loglog(10.0 * np.asarray(other_debris.sizes_cm, dtype=float),
                  _positive(face_flux_m2_yr(other_debris, face, ("debris",))),
                  "--", color=_COLOURS["debris"], label=group_label(other_debris, "debris"))
    if len(shown) > 1:
        ax.loglog(d_mm, _positive(face_flux_m2_yr(summary, face, tuple(shown))),
                  "-", color="black", linewidth=2.0, label="total")
    ax.set_xlabel("Particle diameter d [mm]")
    ax.set_ylabel("Flux of particles ≥ d [m⁻² yr⁻¹]")
    ax.set_title(f"Cumulative flux on the {face_label(face)}\n"
                 f"{summary.start} .. {summary.end}, {Path(summary.orbit).name}", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def save_figure(fig, path: str | os.PathLike) -> Path:
    """Write ``fig`` to ``path`` atomically (temporary file in the same folder, then
    rename), in the format named by the file's extension.

    Raises
    ------
    InputError
        The extension names no format matplotlib can write.
    OSError
        The folder cannot be written.
    """
    from impactrisk.errors import InputError

    path = Path(path)
    fmt = path.suffix[1:].lower()
    supported = fig.canvas.get_supported_filetypes()
    if fmt not in supported:
        raise InputError(f"plot file {str(path)!r}: expected an extension among "
                         f"{', '.join('.' + k for k in sorted(supported))}, got {path.suffix or 'none'!r}")
    from impactrisk.io.atomic import write_atomic

    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    return write_atomic(path, buffer.getvalue())
