"""impactrisk: how likely is it that micrometeoroids or orbital debris punch a hole in
this part of this spacecraft over these dates?

The package namespace is kept light on purpose (``impactrisk --help`` must not import
numpy); the public library interface lives in :mod:`impactrisk.api`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("impactrisk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
