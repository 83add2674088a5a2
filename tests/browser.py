"""Test helper: serve a folder on 127.0.0.1 and load pages in headless Chromium.

No Python dependency beyond the standard library: the pages are served by
:mod:`http.server` in a thread on an ephemeral loopback port, and Chromium is run as a
subprocess with ``--dump-dom`` (the DOM after the page's scripts ran) or
``--screenshot``. Host names other than the loopback address do not resolve in the
browser, so a page that needs anything from outside shows it.

The binary is the one named by ``IMPACTRISK_CHROMIUM`` (a path or a command name),
else the first of ``chromium``, ``chromium-browser`` and ``google-chrome`` on PATH;
:func:`find_chromium` returns None when there is none, for tests to skip.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

__all__ = ["CHROMIUM_NAMES", "capture", "dump_dom", "find_chromium", "screenshot", "serve_directory"]

#: Commands looked up on PATH, in order, when ``IMPACTRISK_CHROMIUM`` is not set.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: Seconds one browser run may take.
TIMEOUT_S = 120.0


def find_chromium() -> str | None:
    """Path of the Chromium binary to use, or None when none is found.

    ``IMPACTRISK_CHROMIUM`` wins when set (a path, or a command on PATH); an unusable
    value gives None rather than silently falling back to another browser.
    """
    named = os.environ.get("IMPACTRISK_CHROMIUM", "").strip()
    if named:
        if os.path.isfile(named) and os.access(named, os.X_OK):
            return named
        return shutil.which(named)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@contextlib.contextmanager
def serve_directory(directory: str | os.PathLike):
    """Serve ``directory`` over HTTP on 127.0.0.1 (ephemeral port) while in the block.

    Yields
    ------
    str
        The base URL, ending in '/'.
    """
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _run(binary: str, url: str, extra: list[str], timeout: float) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="impactrisk-chromium-",
                                     ignore_cleanup_errors=True) as profile:
        args = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--disable-breakpad", "--mute-audio",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--user-data-dir={profile}", "--virtual-time-budget=5000", *extra, url,
        ]
        result = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                                stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{binary} exited with {result.returncode} on {url}:\n"
                           f"{result.stderr[-4000:]}")
    return result


def dump_dom(binary: str, url: str, *, timeout: float = TIMEOUT_S) -> str:
    """The serialized DOM of ``url`` after its scripts ran (``--dump-dom``)."""
    return _run(binary, url, ["--dump-dom"], timeout).stdout


def screenshot(binary: str, url: str, path: str | os.PathLike, *,
               window_size: tuple[int, int] = (1280, 4000), timeout: float = TIMEOUT_S) -> Path:
    """Save a PNG screenshot of ``url`` at ``window_size`` to ``path``."""
    path = Path(path).resolve()
    _run(binary, url, [f"--screenshot={path}", f"--window-size={window_size[0]},{window_size[1]}",
                       "--hide-scrollbars"], timeout)
    if not path.is_file():
        raise RuntimeError(f"{binary} wrote no screenshot to {path}")
    return path


def capture(binary: str, folder: str | os.PathLike, page: str, *, window_size: tuple[int, int] = (1280, 4000),
            keep_as: str = "screenshot.png") -> tuple[str, Path]:
    """Serve ``folder``, load ``page`` in Chromium: ``(DOM after load, screenshot path)``.

    With ``IMPACTRISK_REPORT_ARTIFACTS`` set, the page and the screenshot (as ``keep_as``)
    are copied there for a person to look at.
    """
    folder = Path(folder)
    with serve_directory(folder) as url:
        dom = dump_dom(binary, url + page)
        shot = screenshot(binary, url + page, folder / "screenshot.png", window_size=window_size)
    keep = os.environ.get("IMPACTRISK_REPORT_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / page, Path(keep) / page)
        shutil.copy2(shot, Path(keep) / keep_as)
    return dom, shot
