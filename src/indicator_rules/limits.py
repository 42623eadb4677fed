"""Input limits: how big, deep and long input may be before a reader refuses it.

Every reader — declaration files (JSON, JSON Lines, YAML) and forms (text, Markdown, CSV, Excel,
Word, and the readers to come) — checks its input against one :class:`InputLimits` *before* it
allocates for it: the size of the file before reading it, the inflated size of an archive before
inflating it, a sheet's dimensions and merged ranges before walking them, the depth of nesting
before recursing. Input over a limit is refused with a located error (file, and the line, JSON
path, sheet or cell) that names the setting, so that a user who really has such input can raise
it (``read_inputs(paths, limits=InputLimits(max_sheet_rows=50_000))``).

The defaults are far above anything a real 申报表 reaches (the largest real forms seen have a few
hundred rows, cells of a few thousand characters and archives of a few megabytes) and low enough
that a hostile file costs at most a few seconds and a few hundred megabytes. docs/security.md
lists them with what each guards against.
"""

from __future__ import annotations

import os
from typing import BinaryIO, Final

import attrs

__all__ = ["DEFAULT_LIMITS", "InputLimits", "TooLarge", "read_bounded"]

_MB: Final = 1 << 20


@attrs.frozen(kw_only=True)
class InputLimits:
    """The limits every reader checks, each a named setting with a safe default.

    - ``max_file_bytes``: a file read whole (JSON, YAML, a form), checked before reading;
    - ``max_line_bytes``: one line of a JSON Lines file (read line by line, any length in all)
      or of a text form, in UTF-8;
    - ``max_nesting``: lists and objects inside each other in a declaration file;
    - ``max_alias_expansion``: nodes and characters of text that YAML aliases (``*name``) and
      merge keys (``<<``) may add to a document, each alias counted as a copy of what it names
      (a "billion laughs" adds billions of nodes, a long text aliased thousands of times
      billions of characters);
    - ``max_number_digits``: digits of one number written in a declaration file (Python itself
      refuses integers of over 4,300 digits, with an error of its own);
    - ``max_text_chars``: one string of a declaration file or one cell of a form (Excel allows
      32,767 characters a cell);
    - ``max_sheet_rows``, ``max_sheet_columns``, ``max_sheet_cells``: a worksheet's or table's
      extent (rows × columns) as the file declares it, and its filled cells;
    - ``max_merged_cells``: the cells covered by merged ranges (spans) of one sheet or table;
    - ``max_sheets``: worksheets of one workbook (each costs milliseconds, however small);
    - ``max_ranges``: merged ranges and hyperlinks of one workbook (its loader spends a third of
      a millisecond on each merged range and looks through them all for each hyperlink);
    - ``max_archive_bytes``: the inflated size of every member of an Office (zip) file together;
    - ``max_compression_ratio``: inflated to compressed size of one member larger than 1 MB (a
      zip bomb compresses thousands of times; real XML about ten times);
    - ``max_archive_members``: members of one Office file (real ones have a few dozen; each
      costs memory before anything else can be checked);
    - ``max_xml_elements``: XML elements in all the parts of an Office file together (each
      becomes one of the loader's objects), a part counted as often as its loader loads it.
    """

    max_file_bytes: int = 64 * _MB
    max_line_bytes: int = 16 * _MB
    max_nesting: int = 64
    max_alias_expansion: int = 1_000_000
    max_number_digits: int = 64
    max_text_chars: int = 100_000
    max_sheet_rows: int = 20_000
    max_sheet_columns: int = 1_000
    max_sheet_cells: int = 100_000
    max_merged_cells: int = 1_000_000
    max_sheets: int = 1_000
    max_ranges: int = 10_000
    max_archive_bytes: int = 256 * _MB
    max_compression_ratio: int = 200
    max_archive_members: int = 10_000
    max_xml_elements: int = 1_000_000

    def exceeded(self, setting: str, actual: int | str) -> str:
        """The message for input over the limit ``setting`` (an attribute name): what was
        found, the limit, and how to raise it."""
        limit = getattr(self, setting)
        return (f"input over the limit: {actual} (at most {limit:,}; the limit is "
                f"InputLimits.{setting}, which can be raised for input that really is this large)")


#: The limits readers use when they are given none.
DEFAULT_LIMITS: Final = InputLimits()


class TooLarge(Exception):
    """Raised by :func:`read_bounded`: the file holds more bytes than allowed; ``found`` says
    what was found (``a file of 3,000,000 bytes``)."""

    def __init__(self, found: str) -> None:
        self.found = found
        super().__init__(found)


def read_bounded(handle: BinaryIO, max_bytes: int) -> bytes:
    """The bytes of the open file ``handle``, refused (:class:`TooLarge`) over ``max_bytes``: by
    its size before anything is read, then by what is read, never more than one byte over the
    limit (a file that grows, a pipe or a ``/proc`` file, which say less than they hold)."""
    size = os.fstat(handle.fileno()).st_size
    if size > max_bytes:
        raise TooLarge(f"a file of {size:,} bytes")
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(f"a file of more than {max_bytes:,} bytes")
    return data
