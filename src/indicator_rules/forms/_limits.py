"""The input limits of the form readers, checked in one place.

Every form reader checks its input with these functions *before* it allocates for it: the text
readers (Markdown, text, CSV) and the Office readers (Excel, Word) today, the readers still to
come (HTML, PDF, .xls) tomorrow, so that one :class:`~indicator_rules.limits.InputLimits` means
the same for every kind of file. Input over a limit raises a
:class:`~indicator_rules.errors.FormError` naming the file, where in it (sheet or table, row,
column) and the setting that refused it (docs/forms.md, "Input limits").

- :func:`read_limited`, :func:`check_file_size`: the size of a file, before it is read;
- :func:`text_lines`: the lines of a text form, counted before the text is split, each measured;
- :func:`check_count`: a count (rows, columns, cells, merged cells) against its setting;
- :func:`check_text`: one cell or line of text;
- :func:`check_archive` (in :mod:`indicator_rules.forms._archive`): a zip-based file (``.xlsx``,
  ``.docx``) before its loader opens it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from indicator_rules.errors import FormError
from indicator_rules.limits import InputLimits, TooLarge, read_bounded
from indicator_rules.source import SourceRef

__all__ = [
    "check_count",
    "check_file_size",
    "check_text",
    "over_limit",
    "read_limited",
    "text_lines",
]

def over_limit(limits: InputLimits, setting: str, actual: str, where: SourceRef) -> FormError:
    """The error for input over ``setting``, found at ``where`` (``actual`` says what was found:
    ``a sheet reaching row 1,048,576``)."""
    return FormError(limits.exceeded(setting, actual), file=where.file or "", sheet=where.sheet,
                     row=where.row, column=where.column)


def check_count(count: int, setting: str, what: str, limits: InputLimits,
                where: SourceRef) -> None:
    """Refuse ``count`` over the setting: ``what`` is the phrase with ``{:,}`` where the count
    goes, ``a sheet reaching row {:,}`` (replaced, not formatted: ``what`` may quote the file's
    own text)."""
    if count > getattr(limits, setting):
        raise over_limit(limits, setting, what.replace("{:,}", f"{count:,}"), where)


def check_text(text: str, limits: InputLimits, where: SourceRef, what: str = "a cell") -> str:
    """``text`` (one cell or line of a form) when it is at most ``max_text_chars`` long."""
    check_count(len(text), "max_text_chars", what + " of {:,} characters", limits, where)
    return text


def check_file_size(path: str | Path, limits: InputLimits) -> None:
    """Refuse a file larger than ``max_file_bytes`` before anything reads it; a file that
    cannot be looked at is a :class:`FormError` too."""
    name = str(path)
    try:
        size = os.stat(path).st_size
    except OSError as error:
        raise FormError(f"cannot read the file: {error}", file=name) from error
    check_count(size, "max_file_bytes", "a file of {:,} bytes", limits, SourceRef(file=name))


def read_limited(path: str | Path, limits: InputLimits) -> bytes:
    """The bytes of the file, read only when it has at most ``max_file_bytes`` (counted while
    reading, so that a device or a growing file is bounded too)."""
    name = str(path)
    try:
        with open(path, "rb") as file:
            return read_bounded(file, limits.max_file_bytes)
    except TooLarge as error:
        raise over_limit(limits, "max_file_bytes", error.found, SourceRef(file=name)) from None
    except OSError as error:
        raise FormError(f"cannot read the file: {error}", file=name) from error


#: A line with its end (CR LF, CR or LF), or the last line without one.
_ANY_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def text_lines(text: str, limits: InputLimits, file: str, *, universal: bool = False
               ) -> list[str]:
    """The lines of a text form: split at ``\\n`` (as ``str.split``), or, when ``universal``,
    at ``\\r\\n``, ``\\r`` and ``\\n`` with each line keeping its end (what :mod:`csv` reads).

    A text form is one sheet and its lines are its rows: they are counted before the text is
    split (at most ``max_sheet_rows``), and each is measured (at most ``max_line_bytes`` in
    UTF-8), so that no reader goes on with a huge text.
    """
    count = text.count("\n") + 1
    if universal:
        count += text.count("\r") - text.count("\r\n")
    check_count(count, "max_sheet_rows", "a text of {:,} lines", limits, SourceRef(file=file))
    lines = _ANY_LINE.findall(text) if universal else text.split("\n")
    for number, line in enumerate(lines, start=1):
        if len(line) * 4 > limits.max_line_bytes:  # else it is short enough in any encoding
            size = len(line.encode("utf-8", "surrogatepass"))
            check_count(size, "max_line_bytes", "a line of {:,} bytes", limits,
                        SourceRef(file=file, row=number))
    return lines
