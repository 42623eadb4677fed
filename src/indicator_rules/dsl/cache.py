"""Parsed rulesets remembered by their content, so that loading a ruleset again is cheap.

Parsing is the slow part of loading (about a second for the 1,000-line baseline); checking and
compiling the tree take a few hundred milliseconds. :func:`parsed` keeps the syntax tree of each
(file name, text) it has parsed — in this process, and in a cache folder on disk so that the next
process finds it too. The key is a SHA-256 of the file name, the text and
:func:`package_fingerprint` (this package's and pyparsing's versions and its modules' sizes and
times), so an edited file, an edited checkout or an upgrade simply misses the cache.
:func:`code_of` keeps the code compiled from generated source; :func:`read_entry` and
:func:`write_entry` store other entries by key (the compiled rulesets of
:mod:`indicator_rules.ruleset`).

The disk cache holds our own syntax trees pickled, in the user's cache folder
(``$INDICATOR_RULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/indicator_rules``, else
``~/.cache/indicator_rules``), trusted as Python trusts its own ``__pycache__`` — and only when
no one else could have written it, since loading a pickle or code runs what it says. The cache
folder is created private (0700) when it is not there, and a folder the cache did not create is
never changed: when the cache folder is not a private folder of this user's (a folder shared
with others, such as ``/tmp``, or another user's), the entries go in a private folder
``indicator_rules-<uid>`` made in it, which must then be a private folder of this user's and
not a link, or the disk cache is off (a :class:`CacheWarning` says why). These folders are
checked once opened, and the entries opened in them, so that a folder swapped after the check
is not used. Entries are written private (0600); an entry is read only when it is a regular
file of this user's that no one else may write, of at most :data:`MAX_ENTRY_BYTES`. Set
``INDICATOR_RULES_CACHE=0`` to switch the disk cache off; a cache that cannot be read or
written is ignored (and rebuilt), never an error.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import importlib.util
import marshal
import os
import pickle
import secrets
import stat
import types
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import attrs
import pyparsing

from indicator_rules.dsl import nodes as n
from indicator_rules.limits import TooLarge, read_bounded

__all__ = ["CacheWarning", "cache_directory", "clear_memory", "code_of", "package_fingerprint",
           "parsed", "read_entry", "write_entry"]

_VERSION = "1"  # bump when the syntax tree's classes change shape
_MEMORY: OrderedDict[str, n.RulesetNode] = OrderedDict()
_MEMORY_SIZE = 64


#: Who may have written what the cache reads: this process's user (None where the system has
#: no user ids, and nothing is checked)
_OWNER: int | None = os.geteuid() if hasattr(os, "geteuid") else None
_PRIVATE = 0o700
#: Biggest cache entry written or read (the tree of the largest ruleset, 1 MB of one long
#: list, pickles to about 40 MB): a bigger file in the folder is damage, and is not read
MAX_ENTRY_BYTES = 64 << 20
#: Whether files can be opened relative to an open folder (not on Windows): the folder is then
#: checked once opened, and its entries opened in it, so that it cannot be swapped meanwhile
_IN_FOLDER = ({os.open, os.mkdir, os.rename, os.unlink} <= os.supports_dir_fd
              and hasattr(os, "O_DIRECTORY") and hasattr(os, "O_NOFOLLOW"))
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class CacheWarning(UserWarning):
    """The disk cache folder, or an entry in it, is not used: someone else could have written
    it."""


def cache_directory() -> Path | None:
    """The cache folder as configured, or None when the disk cache is switched off
    (``INDICATOR_RULES_CACHE=0``): ``$INDICATOR_RULES_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/indicator_rules`` or ``~/.cache/indicator_rules``. It is created private
    (0700) when it is not there. The entries are kept in it when it is a private folder of this
    user's; otherwise (a folder shared with others, such as ``/tmp``, or another user's) in a
    private folder ``indicator_rules-<uid>`` made in it: a folder the cache did not make is
    never changed."""
    if os.environ.get("INDICATOR_RULES_CACHE", "1") == "0":
        return None
    explicit = os.environ.get("INDICATOR_RULES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "indicator_rules"


def _own_folder_name() -> str:
    """The name of the private folder the cache makes in a cache folder that is not private:
    ``indicator_rules-<uid>``, this user's id in it."""
    return f"indicator_rules-{_OWNER}"


@attrs.frozen
class _Folder:
    """The folder the entries are kept in, open and checked: ``descriptor`` where entries are
    opened relative to it, else None (entries named by their path in ``path``)."""

    path: Path
    descriptor: int | None

    def at(self, name: str) -> str:
        """What to give ``os`` functions (with ``dir_fd=self.descriptor``) for the entry
        ``name`` (a path relative to the folder)."""
        return name if self.descriptor is not None else str(self.path / name)


@contextlib.contextmanager
def _opened() -> Iterator[_Folder | None]:
    """The folder the entries are kept in (see :func:`cache_directory`), open; None when the
    disk cache is off, the cache folder cannot be made (a read-only disk only costs time), or
    there is no private folder of this user's to use (a :class:`CacheWarning` says why).
    Everything is decided on the folders as opened, so that swapping one for another (or for
    a link) after the check changes nothing."""
    folder = cache_directory()
    if folder is None:
        yield None
        return
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=_PRIVATE)
    except OSError:
        yield None
        return
    if not _IN_FOLDER or _OWNER is None:  # Windows: nothing to check, nothing to open
        yield _Folder(folder, None)
        return
    with contextlib.ExitStack() as descriptors:
        yield _private_folder(folder, descriptors)


def _private_folder(folder: Path, descriptors: contextlib.ExitStack) -> _Folder | None:
    """``folder`` when it is a private folder of this user's, else its private folder
    ``indicator_rules-<uid>`` (made when it is not there), opened (the descriptors closed with
    ``descriptors``); or None, and a :class:`CacheWarning` says why."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        _warn(folder, f"it cannot be opened ({error.strerror})")
        return None
    descriptors.callback(os.close, descriptor)
    shared = _not_private(os.fstat(descriptor))
    if shared is None:
        return _Folder(folder, descriptor)
    own = _own_folder_name()
    try:
        with contextlib.suppress(FileExistsError):
            os.mkdir(own, _PRIVATE, dir_fd=descriptor)
        inner = os.open(own, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=descriptor)
    except OSError as error:
        why = ("it is not a folder (a symbolic link?)" if error.errno in (
            errno.ELOOP, errno.ENOTDIR) else f"it cannot be made ({error.strerror})")
        _warn(folder / own, f"{why}, and {folder} is not private ({shared})")
        return None
    descriptors.callback(os.close, inner)
    unusable = _not_private(os.fstat(inner))
    if unusable is not None:
        _warn(folder / own, unusable)
        return None
    return _Folder(folder / own, inner)


def _not_private(status: os.stat_result) -> str | None:
    """Why the folder of ``status`` is not a private folder of this user's (another user's, or
    open to others), or None."""
    if status.st_uid != _OWNER:
        return f"it belongs to another user (user id {status.st_uid})"
    if stat.S_IMODE(status.st_mode) & 0o077:
        return f"others may use it (its mode is {stat.S_IMODE(status.st_mode):04o})"
    return None


def _warn(folder: Path, why: str) -> None:
    warnings.warn(f"not using the cache folder {folder}: {why}; the cache is off (delete that "
                  "folder, or choose another place with INDICATOR_RULES_CACHE_DIR)",
                  CacheWarning, stacklevel=2)


def _own_bytes(name: str) -> bytes | None:
    """The bytes of the cache entry ``name`` (relative to the cache folder), or None when the
    folder is not used, the entry is not there, cannot be read, is larger than
    :data:`MAX_ENTRY_BYTES`, or someone else could have written it: an entry is read only when
    it is a regular file (not a link) of this user's that no one else may write."""
    with _opened() as folder:
        if folder is None:
            return None
        try:
            descriptor = os.open(folder.at(name), os.O_RDONLY | _NOFOLLOW
                                 | getattr(os, "O_NONBLOCK", 0), dir_fd=folder.descriptor)
        except OSError:
            return None  # not there (or a link): the entry is made again
        with open(descriptor, "rb") as handle:
            return _entry_bytes(folder.path / name, handle)


def _entry_bytes(path: Path, handle: BinaryIO) -> bytes | None:
    status = os.fstat(handle.fileno())
    if not stat.S_ISREG(status.st_mode):
        return None
    if _OWNER is not None and (status.st_uid != _OWNER or status.st_mode & 0o022):
        warnings.warn(f"not using the cache entry {path}: someone else could have written "
                      "it", CacheWarning, stacklevel=2)
        return None
    try:
        return read_bounded(handle, MAX_ENTRY_BYTES)
    except TooLarge as error:
        warnings.warn(f"not using the cache entry {path}: {error.found} (at most "
                      f"{MAX_ENTRY_BYTES:,}); it is damaged", CacheWarning, stacklevel=2)
    except OSError:
        pass  # an unreadable entry is made again
    return None


@functools.cache
def package_fingerprint() -> str:
    """What changes with this package's code: its version, pyparsing's, this interpreter's
    bytecode magic number, and the size and modification time of each of the package's
    modules (so an edited checkout or a reinstall misses the caches, even without a new
    version number). Computed once per process."""
    from indicator_rules import __version__

    digest = hashlib.sha256()
    for part in (_VERSION, __version__, pyparsing.__version__):
        digest.update(part.encode() + b"\0")
    digest.update(importlib.util.MAGIC_NUMBER)
    package = Path(__file__).resolve().parent.parent
    for module in sorted(package.rglob("*.py")):
        with contextlib.suppress(OSError):
            status = module.stat()
            digest.update(f"{module.relative_to(package)}:{status.st_size}:"
                          f"{status.st_mtime_ns}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _key(file: str, text: str) -> str:
    digest = hashlib.sha256()
    for part in (package_fingerprint(), file, text):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def clear_memory() -> None:
    """Forget the rulesets parsed in this process (the disk cache stays)."""
    _MEMORY.clear()


def _from_disk(name: str) -> n.RulesetNode | None:
    data = _own_bytes(name)
    if data is None:
        return None
    try:
        node = pickle.loads(data)  # our own tree, written by _to_disk
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError, RecursionError):
        return None
    return node if isinstance(node, n.RulesetNode) else None


def _to_disk(name: str, node: n.RulesetNode) -> None:
    """Write the tree; a read-only or full disk, or a tree too deep to pickle, only costs the
    next process a parse."""
    try:
        data = pickle.dumps(node, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, RecursionError):
        return
    _write(name, data)


def parsed(file: str, text: str, parse: Callable[[str, str], n.RulesetNode]) -> n.RulesetNode:
    """The syntax tree of ``text`` (named ``file``): remembered, or ``parse(text, file)``.

    Syntax errors are not cached: ``parse`` raises them every time.
    """
    key = _key(file, text)
    node = _MEMORY.get(key)
    if node is not None:
        _MEMORY.move_to_end(key)
        return node
    disk = f"{key}.pickle"
    node = _from_disk(disk)
    if node is None:
        node = parse(text, file)
        _to_disk(disk, node)
    _MEMORY[key] = node
    if len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)
    return node


def _write(name: str, data: bytes) -> None:
    """Write the entry ``name`` (relative to the cache folder) atomically and private: to a new
    file beside it, renamed once written. An entry over :data:`MAX_ENTRY_BYTES` is not written,
    and a disk that refuses only costs the next process the work."""
    if len(data) > MAX_ENTRY_BYTES:
        return
    with _opened() as folder:
        if folder is None:
            return
        inner, temporary = os.path.dirname(name), f"{name}.{secrets.token_hex(8)}.new"
        try:
            if inner:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(folder.at(inner), _PRIVATE, dir_fd=folder.descriptor)
            descriptor = os.open(folder.at(temporary), _NEW_ENTRY, 0o600,
                                 dir_fd=folder.descriptor)
        except OSError:
            return
        try:
            with open(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(folder.at(temporary), folder.at(name), src_dir_fd=folder.descriptor,
                       dst_dir_fd=folder.descriptor)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(folder.at(temporary), dir_fd=folder.descriptor)


_NEW_ENTRY = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0))


def code_of(source: str, filename: str) -> types.CodeType:
    """``compile(source, filename, "exec")``, remembered on disk beside the parsed trees.

    This is for the Python source the compiler generates from its own templates (see
    :mod:`indicator_rules.dsl.compiler`), as Python keeps the code of modules in
    ``__pycache__``: keyed by a SHA-256 of the source, the file name and this interpreter's
    bytecode magic number, so other source or another Python simply misses.
    """
    if cache_directory() is None:
        return compile(source, filename, "exec")
    digest = hashlib.sha256(importlib.util.MAGIC_NUMBER)
    digest.update(filename.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(source.encode("utf-8", "surrogatepass"))
    key = digest.digest()
    name = f"code/{digest.hexdigest()}.marshal"
    data = _own_bytes(name)
    try:
        # the entry names its key: a file copied or renamed into the folder is not used
        code = marshal.loads(data[len(key):]) if data and data.startswith(key) else None
    except (EOFError, ValueError, TypeError):
        code = None
    if isinstance(code, types.CodeType) and code.co_filename == filename:
        return code
    code = compile(source, filename, "exec")
    _write(name, key + marshal.dumps(code))
    return code


def read_entry(kind: str, key: str) -> bytes | None:
    """The bytes stored under ``key`` (a hex digest) among the entries of ``kind``, or None
    (no such entry, the disk cache off or unreadable, or damaged). The entry starts with its
    key, so a file copied or renamed into the folder is not used, and then the digest of what
    follows."""
    data = _own_bytes(f"{kind}/{key}.pickle")
    mark = key.encode() + b"\0"
    if data is None or not data.startswith(mark):
        return None
    digest, payload = data[len(mark):len(mark) + 32], data[len(mark) + 32:]
    # a damaged file (a disk error, a copy cut short) is not read
    return payload if hashlib.sha256(payload).digest() == digest else None


def write_entry(kind: str, key: str, data: bytes) -> None:
    """Store ``data`` under ``key`` with its SHA-256 (atomically; a disk that refuses costs
    only the work)."""
    _write(f"{kind}/{key}.pickle", key.encode() + b"\0" + hashlib.sha256(data).digest() + data)
