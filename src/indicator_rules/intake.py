"""Where declarations come from on the command line: files and folders, read one by one.

:func:`expand_paths` turns what the user named into the files to read (folders recursed, in
sorted order); :func:`read_inputs` reads them lazily — declaration files (JSON, JSON Lines,
YAML) through :mod:`indicator_rules.serialize`, forms through :mod:`indicator_rules.forms` —
and yields every good declaration with the file it came from, and an :class:`InputError` for
everything that could not be read, so that one bad file never stops the others and nothing is
dropped without a trace.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

from indicator_rules.errors import DeclarationError, FormError
from indicator_rules.forms import FORM_SUFFIXES, is_form_file, read_forms
from indicator_rules.limits import DEFAULT_LIMITS, InputLimits
from indicator_rules.model import Declaration
from indicator_rules.serialize import DECLARATION_SUFFIXES, failure_message, iter_declarations

__all__ = ["INPUT_SUFFIXES", "InputError", "InputItem", "expand_paths", "read_inputs"]

#: Every suffix the command line reads: declaration files, then forms.
INPUT_SUFFIXES = (*DECLARATION_SUFFIXES, *FORM_SUFFIXES)


@attrs.frozen(kw_only=True)
class InputError:
    """Something the user gave that could not be read: which file, where in it, and why.

    ``path`` is the JSON path inside a declaration file (``declarations[2].indicators[5]``);
    ``sheet``, ``row`` and ``column`` the position on a form; either may be empty.
    """

    file: str
    message: str
    path: str = ""
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        """``file:line:col: path: message`` for a declaration file, ``file 表1 第3行 第2列:
        message`` for a form — as the readers' own errors print."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        else:
            position = [*([self.sheet] if self.sheet else []),
                        *([f"第{self.row}行"] if self.row is not None else []),
                        *([f"第{self.column}列"] if self.column is not None else [])]
            where = " ".join([where, *position])
        if self.path:
            where += f": {self.path}"
        return f"{where}: {self.message}"


@attrs.frozen
class InputItem:
    """A declaration that was read, with the file it came from."""

    file: str
    declaration: Declaration


def expand_paths(paths: Iterable[str]) -> Iterator[str | InputError]:
    """The files to read: each file as named, each folder's readable files (by suffix, in
    sorted order, hidden files and folders left out), each file once however often it is
    named. A missing path, a file given by name whose suffix is not readable, a symbolic link
    that leads nowhere (broken, or a loop) and a folder that cannot be listed are each an
    :class:`InputError`. Symbolic links to files inside a folder are read; links to folders
    inside it are not followed (so that a link back up the tree cannot make the walk endless):
    name such a folder to read it."""
    seen: set[str] = set()
    for entry in _expanded(paths):
        if isinstance(entry, str):
            real = os.path.realpath(entry)
            if real in seen:  # named twice (a file and its folder): read once
                continue
            seen.add(real)
        yield entry


def _expanded(paths: Iterable[str]) -> Iterator[str | InputError]:
    for path in paths:
        if os.path.isdir(path):
            yield from _folder_entries(path)
        elif os.path.islink(path) and not os.path.exists(path):
            yield InputError(file=path, message=_dead_link_message(path))
        elif not os.path.exists(path):
            yield InputError(file=path, message="no such file or folder")
        elif not (Path(path).suffix.lower() in DECLARATION_SUFFIXES or is_form_file(path)):
            yield InputError(file=path, message="unknown file type "
                             f"{Path(path).suffix or '(none)'!r}; expected a declaration file "
                             f"({', '.join(DECLARATION_SUFFIXES)}) or a form "
                             f"({', '.join(FORM_SUFFIXES)})")
        else:
            yield path


def _folder_entries(folder: str) -> list[str | InputError]:
    """The readable files under ``folder`` and the problems met listing it, in sorted order.

    Walked without following links to folders; a link to a file counts as the file. A link
    with a readable suffix that leads nowhere, and a named pipe or device with one, is an
    :class:`InputError`."""
    found: list[tuple[str, str | InputError]] = []

    def cannot_list(error: OSError) -> None:
        where = error.filename or folder
        found.append((where, InputError(file=where, message=f"cannot read folder: "
                                        f"{error.strerror or error}")))

    for parent, folders, names in os.walk(folder, onerror=cannot_list):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in names:
            file = str(Path(parent) / name)
            if name.startswith(".") or Path(name).suffix.lower() not in INPUT_SUFFIXES:
                continue
            if os.path.isfile(file):
                found.append((file, file))
            elif os.path.islink(file) and not os.path.exists(file):
                found.append((file, InputError(file=file, message=_dead_link_message(file))))
            else:  # a named pipe, a socket, a device: reading it could wait for ever
                found.append((file, InputError(file=file, message="not a regular file (a named "
                                               "pipe or a device), not read")))
    if not found:
        return [InputError(file=folder, message="no declaration or form files in this "
                           "folder (expected " + ", ".join(INPUT_SUFFIXES) + ")")]
    return [entry for _, entry in sorted(found, key=lambda pair: pair[0])]


def _dead_link_message(link: str) -> str:
    """Why the symbolic link ``link`` gives no file: it loops, or what it names is missing."""
    try:
        os.stat(link)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop: following it leads back to it, to no file"
    try:
        target = os.readlink(link)
    except OSError:  # gone meanwhile
        return "broken symbolic link"
    return f"broken symbolic link: it points to {target!r}, which does not exist"


def _errors_of(error: DeclarationError | FormError, file: str) -> Iterator[InputError]:
    if isinstance(error, FormError):
        yield InputError(file=file, message=error.message, sheet=error.sheet, row=error.row,
                         column=error.column)
        return
    for problem in error.problems:
        yield InputError(file=error.file or file, message=problem.message, path=problem.path,
                         line=problem.line, column=problem.column)


def read_inputs(paths: Iterable[str], *, limits: InputLimits = DEFAULT_LIMITS
                ) -> Iterator[InputItem | InputError]:
    """Every declaration of the files and folders named, in order, and every problem met.

    Files are read one at a time, and a JSON Lines file line by line, so memory does not grow
    with the number of declarations (a JSON, YAML or form file is read whole), each within
    ``limits``. Whatever a reader fails with, that file (or that line of JSON Lines) gives an
    :class:`InputError` and the next is read. A declaration whose id was already read (the
    same form twice, a form and its copy) is an :class:`InputError`, so that a batch never
    counts one form twice.
    """
    first_file: dict[str, str] = {}  # declaration id → the file it was first read from
    for item in _read_entries(paths, limits):
        if isinstance(item, InputItem):
            declaration = item.declaration
            if declaration.id in first_file:
                yield InputError(
                    file=item.file,
                    message=f"申报表「{declaration.name}」（id {declaration.id}）已在 "
                    f"{first_file[declaration.id]} 中读过，这一份未再检查：同一批中重复的申报表"
                    "会让跨表规则重复计算 (this declaration was already read)")
                continue
            first_file[declaration.id] = item.file
        yield item


def _read_entries(paths: Iterable[str], limits: InputLimits
                  ) -> Iterator[InputItem | InputError]:
    for entry in expand_paths(paths):
        if isinstance(entry, InputError):
            yield entry
        else:
            yield from _read_file(entry, limits)


def _read_file(file: str, limits: InputLimits) -> Iterator[InputItem | InputError]:
    """What one file gives; a failure of its reader that the reader does not report itself (a
    bug, ``RecursionError``, ``MemoryError``) ends the file with an :class:`InputError` that
    names the exception, after whatever the file gave before it."""
    items = _file_items(file, limits)
    while True:
        try:
            item: InputItem | InputError = next(items)
        except StopIteration:
            return
        except Exception as error:  # whatever its type: this file's error, not the batch's
            failure = InputError(file=file, message=failure_message(error))
            break
        yield item
    yield failure


def _file_items(file: str, limits: InputLimits) -> Iterator[InputItem | InputError]:
    if not is_form_file(file):
        for item in iter_declarations(file, limits=limits):  # JSON Lines line by line
            if isinstance(item, DeclarationError):
                yield from _errors_of(item, file)
            else:
                yield InputItem(file, item)
        return
    try:
        declarations = read_forms(file, limits=limits)
    except FormError as form_error:
        yield from _errors_of(form_error, file)
        return
    for declaration in declarations:
        yield InputItem(file, declaration)
