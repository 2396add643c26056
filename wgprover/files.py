"""Output files for proofs and traces: checked before any work, written
atomically where that is safe, with the permissions the user's umask gives.

``check_output`` runs before proving so a bad ``-o`` costs nothing and the
message names the path the user gave. ``write_output`` writes a regular-file
path through a temporary file in the same directory and a rename, so a reader
never sees half a file; any other existing path (a device such as /dev/null,
a FIFO) is written directly, because renaming over it would replace the
special file with a regular one.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


class OutputPathError(ValueError):
    """The output path cannot be written (one line naming the user's path)."""


def _is_special(path: Path) -> bool:
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return False


def check_output(path: str | os.PathLike) -> None:
    """Raise OutputPathError unless ``path`` can be created or overwritten."""
    p = Path(path)
    if p.is_dir():
        raise OutputPathError(f"{path}: is a directory")
    if p.exists():
        if not os.access(p, os.W_OK):
            raise OutputPathError(f"{path}: permission denied")
        if _is_special(p):
            return  # written directly
    parent = p.parent
    if not parent.is_dir():
        raise OutputPathError(f"{path}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(f"{path}: directory {str(parent)!r} is not writable")


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_output(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> None:
    """Write a file through ``write(f)``: atomically for regular files (see module doc)."""
    p = Path(path)
    try:
        if _is_special(p):
            with open(p, "wb") as f:
                write(f)
            return
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.")
    except OSError as e:
        raise OutputPathError(f"{path}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), _umask_mode())  # mkstemp creates 0600
            write(f)
        os.replace(tmp, p)
    except BaseException as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise OutputPathError(f"{path}: {e.strerror or e}") from None
        raise
