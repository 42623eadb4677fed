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
no one else could have written it, since loading a pickle or code runs what it says: the folder
is created private (0700), a folder of this user's that is not is made so, another user's is
not used (a :class:`CacheWarning` says so); entries are written private (0600) and an entry is
read only when it is a regular file of this user's that no one else may write. Set
``INDICATOR_RULES_CACHE=0`` to switch the disk cache off; a cache that cannot be read or written
is ignored (and rebuilt), never an error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import marshal
import os
import pickle
import stat
import tempfile
import types
import warnings
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pyparsing

from indicator_rules.dsl import nodes as n

__all__ = ["CacheWarning", "cache_directory", "clear_memory", "code_of", "package_fingerprint",
           "parsed", "read_entry", "write_entry"]

_VERSION = "1"  # bump when the syntax tree's classes change shape
_MEMORY: OrderedDict[str, n.RulesetNode] = OrderedDict()
_MEMORY_SIZE = 64


#: Who may have written what the cache reads: this process's user (None where the system has
#: no user ids, and nothing is checked)
_OWNER: int | None = os.geteuid() if hasattr(os, "geteuid") else None
_PRIVATE = 0o700
#: Folders checked in this process: folder → whether it may be used
_CHECKED: dict[str, bool] = {}


class CacheWarning(UserWarning):
    """The disk cache folder, or an entry in it, is not used: someone else could have written
    it."""


def cache_directory() -> Path | None:
    """Where parsed rulesets are kept on disk, or None when the disk cache is off — switched
    off, or the folder belongs to another user (a :class:`CacheWarning` says so)."""
    if os.environ.get("INDICATOR_RULES_CACHE", "1") == "0":
        return None
    explicit = os.environ.get("INDICATOR_RULES_CACHE_DIR")
    if explicit:
        folder = Path(explicit)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"),
                                                                ".cache")
        folder = Path(base) / "indicator_rules"
    if str(folder) not in _CHECKED:
        _CHECKED[str(folder)] = _usable(folder)
    return folder if _CHECKED[str(folder)] else None


def _usable(folder: Path) -> bool:
    """Whether the existing ``folder`` may hold the cache: it does not exist yet (it is created
    private), or it is this user's (made private when it is not); another user's is not."""
    try:
        status = folder.stat()
    except OSError:
        return True  # created private when first written
    if _OWNER is None:
        return True
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != _OWNER:
        warnings.warn(f"not using the cache folder {folder}: it is not a folder of this user's "
                      "(delete it, or choose another with INDICATOR_RULES_CACHE_DIR)",
                      CacheWarning, stacklevel=3)
        return False
    if status.st_mode & 0o077:
        try:
            folder.chmod(_PRIVATE)
        except OSError as error:
            warnings.warn(f"not using the cache folder {folder}: others may use it and it "
                          f"cannot be made private ({error.strerror})", CacheWarning,
                          stacklevel=3)
            return False
    return True


def _own_bytes(path: Path) -> bytes | None:
    """The bytes of the cache entry ``path``, or None when it cannot be read or someone else
    could have written it: a regular file (not a link) of this user's that no one else may
    write."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                             | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with open(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return None
        if _OWNER is not None and (status.st_uid != _OWNER or status.st_mode & 0o022):
            warnings.warn(f"not using the cache entry {path}: someone else could have written "
                          "it", CacheWarning, stacklevel=4)
            return None
        try:
            return handle.read()
        except OSError:
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


def _from_disk(path: Path) -> n.RulesetNode | None:
    data = _own_bytes(path)
    if data is None:
        return None
    try:
        node = pickle.loads(data)  # our own tree, written by _to_disk
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError, RecursionError):
        return None
    return node if isinstance(node, n.RulesetNode) else None


def _to_disk(path: Path, node: n.RulesetNode) -> None:
    """Write the tree; a read-only or full disk, or a tree too deep to pickle, only costs the
    next process a parse."""
    try:
        data = pickle.dumps(node, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, RecursionError):
        return
    _write(path, data)


def parsed(file: str, text: str, parse: Callable[[str, str], n.RulesetNode]) -> n.RulesetNode:
    """The syntax tree of ``text`` (named ``file``): remembered, or ``parse(text, file)``.

    Syntax errors are not cached: ``parse`` raises them every time.
    """
    key = _key(file, text)
    node = _MEMORY.get(key)
    if node is not None:
        _MEMORY.move_to_end(key)
        return node
    folder = cache_directory()
    disk = None if folder is None else folder / f"{key}.pickle"
    node = None if disk is None else _from_disk(disk)
    if node is None:
        node = parse(text, file)
        if disk is not None:
            _to_disk(disk, node)
    _MEMORY[key] = node
    if len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)
    return node


def _private_folder(folder: Path, root: Path) -> bool:
    """Make ``folder`` (``root`` or a folder in it) and its parents up to ``root``, private;
    whether it is a folder of this user's, as a cache folder must be."""
    if folder != root and (root not in folder.parents
                           or not _private_folder(folder.parent, root)):
        return False
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=_PRIVATE, exist_ok=True)
        status = folder.stat()
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and (_OWNER is None or status.st_uid == _OWNER)


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` atomically, private, in a private folder; a disk that refuses only costs
    the next process the work."""
    root = cache_directory()
    if root is None or not _private_folder(path.parent, root):
        return
    try:
        handle = tempfile.NamedTemporaryFile(dir=path.parent, delete=False)  # noqa: SIM115
    except OSError:
        return
    try:
        with handle:
            handle.write(data)
        os.replace(handle.name, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)


def code_of(source: str, filename: str) -> types.CodeType:
    """``compile(source, filename, "exec")``, remembered on disk beside the parsed trees.

    This is for the Python source the compiler generates from its own templates (see
    :mod:`indicator_rules.dsl.compiler`), as Python keeps the code of modules in
    ``__pycache__``: keyed by a SHA-256 of the source, the file name and this interpreter's
    bytecode magic number, so other source or another Python simply misses.
    """
    folder = cache_directory()
    if folder is None:
        return compile(source, filename, "exec")
    digest = hashlib.sha256(importlib.util.MAGIC_NUMBER)
    digest.update(filename.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(source.encode("utf-8", "surrogatepass"))
    key = digest.digest()
    path = folder / "code" / f"{digest.hexdigest()}.marshal"
    data = _own_bytes(path)
    try:
        # the entry names its key: a file copied or renamed into the folder is not used
        code = marshal.loads(data[len(key):]) if data and data.startswith(key) else None
    except (EOFError, ValueError, TypeError):
        code = None
    if isinstance(code, types.CodeType) and code.co_filename == filename:
        return code
    code = compile(source, filename, "exec")
    _write(path, key + marshal.dumps(code))
    return code


def _entry_path(kind: str, key: str) -> Path | None:
    folder = cache_directory()
    return None if folder is None else folder / kind / f"{key}.pickle"


def read_entry(kind: str, key: str) -> bytes | None:
    """The bytes stored under ``key`` (a hex digest) among the entries of ``kind``, or None
    (no such entry, the disk cache off or unreadable, or damaged). The entry starts with its
    key, so a file copied or renamed into the folder is not used, and then the digest of what
    follows."""
    path = _entry_path(kind, key)
    if path is None:
        return None
    data = _own_bytes(path)
    mark = key.encode() + b"\0"
    if data is None or not data.startswith(mark):
        return None
    digest, payload = data[len(mark):len(mark) + 32], data[len(mark) + 32:]
    # a damaged file (a disk error, a copy cut short) is not read
    return payload if hashlib.sha256(payload).digest() == digest else None


def write_entry(kind: str, key: str, data: bytes) -> None:
    """Store ``data`` under ``key`` with its SHA-256 (atomically; a disk that refuses costs
    only the work)."""
    path = _entry_path(kind, key)
    if path is not None:
        _write(path, key.encode() + b"\0" + hashlib.sha256(data).digest() + data)
