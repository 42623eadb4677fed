"""Opening Excel and Word files: every failure of the third-party loader becomes a
:class:`~indicator_rules.errors.FormError` naming the file.

An ``.xlsx`` or ``.docx`` file is a zip archive of XML parts. A damaged one fails in many ways
inside openpyxl and python-docx: not a zip, a cut-off deflate stream, cut-off or garbled XML
(``xml.etree.ElementTree.ParseError``, ``lxml.etree.XMLSyntaxError``), a missing part
(``KeyError``), attribute values of the wrong type (``ValueError``, ``TypeError``), indexes into
tables the file does not have (``IndexError``) … :func:`load_office_file` turns the known ones
into a plain message and, around the load call only (no code of ours runs inside it), any other
one into a message that names the loader's exception, with the original chained.

Before the load, the readers check the archive against the input limits
(:func:`~indicator_rules.forms._archive.check_archive`): what reaches the loader is bounded.
"""

from __future__ import annotations

import importlib
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from xml.etree.ElementTree import ParseError

from indicator_rules.errors import FormError

__all__ = ["DAMAGED_CONTENT", "load_office_file"]

T = TypeVar("T")


def _lxml_errors() -> tuple[type[Exception], ...]:
    try:
        etree = importlib.import_module("lxml.etree")
    except ImportError:  # openpyxl works without lxml; python-docx requires it
        return ()
    base: type[Exception] = etree.LxmlError  # XMLSyntaxError and the other lxml errors
    return (base,)


#: What openpyxl and python-docx raise on a damaged archive or damaged XML inside it.
DAMAGED_CONTENT: tuple[type[Exception], ...] = (
    OSError, EOFError, zipfile.BadZipFile, zlib.error, ParseError, *_lxml_errors(), KeyError,
    ValueError,
)


def load_office_file(load: Callable[[], T], path: str | Path, what: str,
                     known: tuple[type[Exception], ...] = ()) -> T:
    """``load()`` (the third-party call that opens ``path``), or a :class:`FormError` saying
    the file cannot be read as ``what`` (``an Excel workbook (.xlsx)``).

    ``known`` adds the loader's own exception classes to :data:`DAMAGED_CONTENT`.
    """
    name = str(path)
    try:
        return load()
    except (*DAMAGED_CONTENT, *known) as error:
        raise FormError(f"cannot read the file as {what}: {error}", file=name) from error
    except Exception as error:  # the loader's own failure on odd content: nothing of ours runs
        raise FormError(
            f"cannot read the file as {what}: the reader failed with {type(error).__name__}: "
            f"{error} (the file is probably damaged; the original error is chained)",
            file=name,
        ) from error
