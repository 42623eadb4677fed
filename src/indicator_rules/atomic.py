"""Writing a file all at once or not at all: the temporary file beside it, renamed on success.

Every file the tool writes (reports, imported declarations, catalog pages) goes through
:func:`atomic_write`: the content is written to a temporary file in the target's folder, flushed
to disk, and renamed over the target only when the ``with`` block ends without an error. A full
disk, an I/O error, a crash or an interrupt in the middle leave the previous file as it was and
no temporary file behind. The rename is atomic on POSIX and on Windows (``os.replace``) because
both names are in one folder.

A target that is not a regular file — a terminal, ``/dev/stdout``, a named pipe — cannot be
replaced by a rename and is written directly. A symbolic link is followed, so that the file it
points to is replaced and the link is kept.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

__all__ = ["atomic_write", "atomic_write_bytes"]


def atomic_write(path: str | os.PathLike[str]) -> contextlib.AbstractContextManager[TextIO]:
    """A text handle (UTF-8, ``\\n`` line ends) on a temporary file that replaces ``path`` when
    the block ends without error.

    On an error (or ``KeyboardInterrupt``) inside the block the temporary file is removed and
    ``path`` is left untouched; the error propagates. The new file takes the permissions of the
    file it replaces, or the umask's default for a new file. ``OSError`` s of creating, writing
    and renaming propagate as they are (the caller says "cannot write").
    """
    return _atomic(Path(path), "w", "utf-8", "\n")  # type: ignore[return-value]


def atomic_write_bytes(path: str | os.PathLike[str]
                       ) -> contextlib.AbstractContextManager[BinaryIO]:
    """Like :func:`atomic_write`, for bytes (a workbook, say)."""
    return _atomic(Path(path), "wb", None, None)  # type: ignore[return-value]


def _writes_in_place(target: Path) -> bool:
    """Whether ``target`` exists and is not a regular file (a device, a pipe, a socket)."""
    try:
        return not stat.S_ISREG(os.stat(target).st_mode)
    except OSError:  # missing (or unreadable: the rename reports it)
        return False


def _new_file_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def _atomic(path: Path, mode: str, encoding: str | None,
            newline: str | None) -> Iterator[IO[Any]]:
    target = Path(os.path.realpath(path))  # a symbolic link: replace what it points to
    if _writes_in_place(target):
        with open(target, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        return
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                             dir=target.parent)
    try:
        with os.fdopen(descriptor, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        try:
            permissions = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            permissions = _new_file_mode()
        os.chmod(temporary, permissions)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
