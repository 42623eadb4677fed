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
``~/.cache/indicator_rules``), trusted as Python trusts its own ``__pycache__``. Set
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
import tempfile
import types
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import pyparsing

from indicator_rules.dsl import nodes as n

__all__ = ["cache_directory", "clear_memory", "code_of", "package_fingerprint", "parsed",
           "read_entry", "write_entry"]

_VERSION = "1"  # bump when the syntax tree's classes change shape
_MEMORY: OrderedDict[str, n.RulesetNode] = OrderedDict()
_MEMORY_SIZE = 64


def cache_directory() -> Path | None:
    """Where parsed rulesets are kept on disk, or None when the disk cache is off."""
    if os.environ.get("INDICATOR_RULES_CACHE", "1") == "0":
        return None
    explicit = os.environ.get("INDICATOR_RULES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "indicator_rules"


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
    try:
        with path.open("rb") as handle:
            node = pickle.load(handle)  # our own tree, written by _to_disk
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
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


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` atomically; a disk that refuses only costs the next process the work."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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
    try:
        data = path.read_bytes()
        # the entry names its key: a file copied or renamed into the folder is not used
        code = marshal.loads(data[len(key):]) if data.startswith(key) else None
    except (OSError, EOFError, ValueError, TypeError):
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
    try:
        data = path.read_bytes()
    except OSError:
        return None
    mark = key.encode() + b"\0"
    if not data.startswith(mark):
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
