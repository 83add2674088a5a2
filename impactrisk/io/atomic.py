"""Writing files so that a reader (or a crash) never sees half of one.

The data go to a temporary file in the same folder, are flushed to disk, and the file is
renamed over the target (``os.replace``, atomic on POSIX and Windows for files on one
file system). A run killed at any moment leaves either the old file, the new file or a
stray ``.NAME.*.tmp`` that nothing reads.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: str | Path, data: str | bytes, *, overwrite: bool = True, durable: bool = True) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically.

    Parameters
    ----------
    path : str or pathlib.Path
        Target file; its folder must exist.
    data : str or bytes
        Content.
    durable : bool, default True
        Flush the data to the disk before the rename (``fsync``); caches that can be
        recomputed skip it.
    overwrite : bool, default True
        Replace an existing file. With False an existing file is left alone and
        :class:`FileExistsError` is raised (the new file is linked into place, which
        fails instead of replacing).

    Returns
    -------
    pathlib.Path
        The target.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    # A fresh name opened exclusively with mode 0o666, so that the user's umask sets the
    # permissions as for any new file (mkstemp would make it private).
    tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links
                if target.exists():
                    raise FileExistsError(str(target)) from None
                os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
