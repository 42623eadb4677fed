"""What a form file holds once read: tables of cells (``Grid``) and the text around them.

Every reader (Markdown, Excel, Word, CSV) turns its file into a :class:`Document`: the tables as
:class:`Grid` s of :class:`Cell` s, with row and column spans kept, and the lines of text outside
the tables (titles such as 附件 3-1, ``(2021 年度)``, ``金额单位:万元``, 填报人/联系电话) as
:class:`TextLine` s, in the order they appear. Every cell and line carries its
:class:`~indicator_rules.source.SourceRef`. Nothing here knows what a form means; that is
:mod:`indicator_rules.forms.reader`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TypeAlias

import attrs

from indicator_rules.model import ImportNote
from indicator_rules.source import SourceRef

__all__ = ["Cell", "Document", "Grid", "Part", "TextLine", "clean_text"]

_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009\u200b]+")


def clean_text(text: str) -> str:
    """The text of a cell as shown: runs of spaces collapsed, each line stripped, blank lines
    dropped, lines joined with ``\\n``. Nothing else is changed (no space is removed between
    Chinese characters, even where a PDF converter put one at a line wrap)."""
    lines = (_SPACES.sub(" ", line).strip() for line in re.split(r"\r\n|\r|\n", text))
    return "\n".join(line for line in lines if line)


@attrs.frozen(kw_only=True)
class Cell:
    """One cell of a table: its text and its place.

    ``row`` and ``column`` (1-based) are the cell's place in its grid, counted over the table's
    layout (a Markdown separator line is not a row); a merged cell sits at its top-left corner and
    covers ``row_span`` rows and ``column_span`` columns. ``source`` is its place in the file.
    """

    text: str
    row: int
    column: int
    row_span: int = 1
    column_span: int = 1
    source: SourceRef = attrs.field(factory=SourceRef)

    @property
    def last_row(self) -> int:
        """The last grid row the cell covers."""
        return self.row + self.row_span - 1


@attrs.frozen(kw_only=True)
class Grid:
    """One table: its non-empty cells, placed by row and column, with their spans.

    ``name`` is the table's name in the file (the worksheet title, or ``表2``); ``source`` where
    the table starts. ``is_worksheet`` is true for an Excel worksheet: a table of its own, not
    the next page of the table before it.
    """

    cells: tuple[Cell, ...]
    name: str = ""
    source: SourceRef = attrs.field(factory=SourceRef)
    is_worksheet: bool = False

    def rows(self) -> Iterator[tuple[Cell, ...]]:
        """The cells of each row that has any, top to bottom, each row left to right."""
        by_row: dict[int, list[Cell]] = {}
        for cell in self.cells:
            by_row.setdefault(cell.row, []).append(cell)
        for row in sorted(by_row):
            yield tuple(sorted(by_row[row], key=lambda cell: cell.column))


@attrs.frozen(kw_only=True)
class TextLine:
    """A line (or paragraph) of text outside the tables."""

    text: str
    source: SourceRef = attrs.field(factory=SourceRef)


#: One part of a document: a table or a line of text.
Part: TypeAlias = Grid | TextLine


@attrs.frozen(kw_only=True)
class Document:
    """A form file as read: its tables and the text around them, in order.

    ``notes`` say what the file reader left out on purpose (a hidden worksheet), so that the form
    reader can pass them on to the declarations.
    """

    file: str
    parts: tuple[Part, ...]
    notes: tuple[ImportNote, ...] = ()

    @property
    def grids(self) -> tuple[Grid, ...]:
        """The tables only."""
        return tuple(part for part in self.parts if isinstance(part, Grid))
