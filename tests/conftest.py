"""Shared test fixtures and constants.

Tests run against the installed package, never touch the network (anything that would
is marked ``remote_data`` and is not part of the default run), and skip cleanly when
the project's sibling ``shared/`` folder (local cross-check data) is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
DATA_DIR = TESTS_DIR / "data"
REPO_DIR = TESTS_DIR.parent
#: Local cross-check data beside the repository; optional.
SHARED_DATA_DIR = REPO_DIR.parent / "shared" / "data"


@pytest.fixture
def data_dir() -> Path:
    """Folder of the small fixtures committed with the tests."""
    return DATA_DIR


@pytest.fixture
def shared_data_dir() -> Path:
    """The optional shared data folder; skips the test when it is absent."""
    if not SHARED_DATA_DIR.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA_DIR} not present")
    return SHARED_DATA_DIR


@pytest.fixture(scope="session")
def chromium() -> str:
    """The headless Chromium binary for the browser tests (:mod:`browser`); skips the
    test when there is none."""
    import browser

    binary = browser.find_chromium()
    if binary is None:
        pytest.skip("no Chromium binary found: set IMPACTRISK_CHROMIUM, or put chromium, "
                    "chromium-browser or google-chrome on PATH (Debian: apt-get install -y chromium)")
    return binary
