"""impactrisk: how likely is it that micrometeoroids or orbital debris punch a hole in
this part of this spacecraft over these dates?

The package namespace is kept light on purpose (``impactrisk --help`` must not import
numpy); the public library interface lives in :mod:`impactrisk.api`. Its main entry
points are also reachable from here (``impactrisk.assess(...)``), loaded on first use.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("impactrisk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

#: Names re-exported from :mod:`impactrisk.api`, imported only when first touched.
_API_NAMES = ("assess", "flux", "load_orbit", "propagate", "sensitivity", "station_orbit",
              "TimeGrid")

__all__ = ["__version__", *_API_NAMES]


def __getattr__(name: str):
    if name in _API_NAMES:
        from impactrisk import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'impactrisk' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API_NAMES))
