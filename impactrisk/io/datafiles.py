"""Access to the data shipped with impactrisk (``tle_data/``, ``flux_tables/``).

The two folders sit at the repository root and are mapped into the wheel as
``impactrisk/_data/tle_data`` and ``impactrisk/_data/flux_tables`` at build time
(``pyproject.toml``). They are located lazily, never at import time. In a source
checkout installed in editable mode the build-time mapping does not exist, so the
folders are taken from the repository root instead (docs/design.md, "Packaged data").
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from impactrisk.errors import InputError

#: The ISS element-set history every command uses by default.
DEFAULT_TLE_FILE = "iss_25544_2022-09-03_2023-12-30.tle"

_FOLDERS = ("tle_data", "flux_tables")


@lru_cache(maxsize=None)
def data_dir(folder: str) -> Path:
    """Return the directory of a packaged data folder (``tle_data`` or ``flux_tables``)."""
    if folder not in _FOLDERS:
        raise ValueError(f"unknown data folder {folder!r}; expected one of {_FOLDERS}")
    packaged = files("impactrisk").joinpath("_data", folder)
    if packaged.is_dir():
        return Path(str(packaged))
    package_dir = Path(str(files("impactrisk")))
    source_tree = package_dir.parent / folder
    if source_tree.is_dir() and (package_dir.parent / "pyproject.toml").is_file():
        return source_tree
    raise InputError(
        f"packaged data folder {folder!r} not found (looked in {packaged} and "
        f"{source_tree}); reinstall impactrisk"
    )


def data_path(folder: str, name: str) -> Path:
    """Return the path of one packaged data file, with a clear error if it is missing."""
    path = data_dir(folder) / name
    if not path.is_file():
        available = sorted(p.name for p in data_dir(folder).iterdir() if p.is_file())
        raise InputError(
            f"packaged data file {name!r} not found in {folder}/; available: "
            + ", ".join(available)
        )
    return path


def default_tle_path() -> Path:
    """Path of the bundled ISS element-set history (the default orbit)."""
    return data_path("tle_data", DEFAULT_TLE_FILE)
