"""Reading real forms (申报表) — Markdown, Excel, Word and CSV tables — into typed declarations.

:func:`read_document` reads a file into a :class:`Document` (tables as :class:`Grid` s of
:class:`Cell` s, and the text around them); :class:`FormReader` finds the forms in it and builds
one declaration per form; :func:`read_forms` does both. What the reader cannot place is kept in
each declaration's ``notes`` (:class:`~indicator_rules.model.ImportNote`) with its position; a file
that holds no recognisable form raises :class:`~indicator_rules.errors.FormError`. See
``docs/forms.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

from indicator_rules.errors import FormError
from indicator_rules.forms.csv import parse_csv, read_csv
from indicator_rules.forms.docx import read_docx
from indicator_rules.forms.grid import Cell, Document, Grid, Part, TextLine, clean_text
from indicator_rules.forms.markdown import parse_markdown, read_markdown
from indicator_rules.forms.reader import FormReader
from indicator_rules.forms.xlsx import read_xlsx
from indicator_rules.limits import DEFAULT_LIMITS, InputLimits
from indicator_rules.model import Declaration

__all__ = [
    "FORM_SUFFIXES",
    "Cell",
    "Document",
    "FormReader",
    "Grid",
    "Part",
    "TextLine",
    "clean_text",
    "is_form_file",
    "parse_csv",
    "parse_markdown",
    "read_csv",
    "read_document",
    "read_docx",
    "read_forms",
    "read_markdown",
    "read_xlsx",
]

_READERS: Final[dict[str, Callable[..., Document]]] = {  # each: (path, *, limits) -> Document
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".txt": read_markdown,  # text converted from PDF: pipe tables and lines around them
    ".xlsx": read_xlsx,
    ".xlsm": read_xlsx,
    ".docx": read_docx,
    ".csv": read_csv,
    ".tsv": read_csv,
}
_OLD_FORMATS: Final = {".xls": ".xlsx", ".doc": ".docx", ".wps": ".docx", ".et": ".xlsx"}

#: The file suffixes read as forms (anything else is for :mod:`indicator_rules.serialize`).
FORM_SUFFIXES: Final = tuple(_READERS)


def is_form_file(path: str | Path) -> bool:
    """True when ``path`` names a form file by its suffix (``.md``, ``.xlsx``, ``.docx``, ``.csv``
    …), or an old binary office format that must be saved in a newer one first."""
    suffix = Path(path).suffix.lower()
    return suffix in _READERS or suffix in _OLD_FORMATS


def read_document(path: str | Path, *, limits: InputLimits = DEFAULT_LIMITS) -> Document:
    """Read a form file into a :class:`Document`; the reader follows the suffix.

    Raises :class:`FormError` naming the file when it cannot be read, its type is not one of
    :data:`FORM_SUFFIXES`, or it is over ``limits`` (checked before the reader allocates for
    it; see ``docs/forms.md``).
    """
    suffix = Path(path).suffix.lower()
    if suffix in _OLD_FORMATS:
        raise FormError(f"the old binary format {suffix} cannot be read; save the file as "
                        f"{_OLD_FORMATS[suffix]} and import that", file=str(path))
    reader = _READERS.get(suffix)
    if reader is None:
        raise FormError(f"unknown form file type {suffix or '(none)'!r}; expected one of "
                        + ", ".join(FORM_SUFFIXES), file=str(path))
    return reader(path, limits=limits)


def read_forms(path: str | Path, *, limits: InputLimits = DEFAULT_LIMITS) -> list[Declaration]:
    """The declarations of every form in a file (see :class:`FormReader`).

    Raises :class:`FormError` naming the file when it cannot be read, holds no form or is over
    ``limits``.
    """
    return FormReader().read(read_document(path, limits=limits))
