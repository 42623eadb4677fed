"""Writing a file all at once or not at all: the temporary file beside it, renamed on success.

Every file the tool writes (reports, imported declarations, catalog pages) goes through
:func:`atomic_write`: the content is written to a temporary file in the target's folder, flushed
to disk, and renamed over the target only when the ``with`` block ends without an error. A full
disk, an I/O error, a crash or an interrupt in the middle leave the previous file as it was and
no temporary file behind. The rename is atomic on POSIX and on Windows (``os.replace``) because
both names are in one folder.

A target that is not a regular file — a terminal, ``/dev/stdout``, a named pipe — cannot be
replaced by a rename and is written directly. A symbolic link is followed, so that the file it
points to is replaced and the link is kept. A rename makes a new file: other hard links to the
old one keep the old content, and a read-only target is replaced like any other (as editors
that save safely do).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["atomic_write"]


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A text handle (UTF-8, ``\\n`` line ends) on a temporary file that replaces ``path`` when
    the block ends without error.

    On an error (or ``KeyboardInterrupt``) inside the block the temporary file is removed and
    ``path`` is left untouched; the error propagates. The new file takes the permissions of the
    file it replaces, or the umask's default for a new file. ``OSError`` s of creating, writing
    and renaming propagate as they are (the caller says "cannot write").
    """
    target = Path(os.path.realpath(path))  # a symbolic link: replace what it points to
    if _writes_in_place(target):
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
        return
    descriptor, temporary = _create_beside(target)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):  # keep the replaced file's permissions
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _writes_in_place(target: Path) -> bool:
    """Whether ``target`` exists and is not a regular file (a device, a pipe, a socket)."""
    try:
        return not stat.S_ISREG(os.stat(target).st_mode)
    except OSError:  # missing (or unreadable: the rename reports it)
        return False


def _create_beside(target: Path) -> tuple[int, Path]:
    """A new, empty file ``.NAME.<random>.part`` in ``target``'s folder, opened for writing,
    with the permissions a new file gets (0666 less the umask, applied by the system)."""
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temporary
        except FileExistsError:
            continue
