"""Markdown pipe tables (what PDF→Markdown converters produce) → :class:`Document`.

A table is a run of lines starting with ``|``. Separator lines (``|---|:--:|``, each cell at
least two dashes or colons) are skipped wherever they appear (converters repeat them at page
ends); a row of lone ``-`` cells (``| - | - |``, a form's "none") is data. In a cell, ``<br>``
and paragraph tags (``<p>…</p>``) become line breaks, other inline HTML tags are dropped,
entities are decoded and ``\\|`` is a literal bar. Rows may have fewer cells than the table has
columns. Lines outside the tables become :class:`TextLine` s, without heading marks (``#``) or
emphasis (``**``).

Limits (checked before the text is split, and as each line is read): the file's size, its
lines (``max_sheet_rows``) and each line's length (``max_line_bytes``); the cells of a row
(``max_sheet_columns``, counted before the row is split), the non-empty cells of the file
(``max_sheet_cells``) and each cell's or line's text (``max_text_chars``).

Positions: a table cell's ``SourceRef`` is ``表N``, the line of the file and the cell's place in
its row; a text line's is its line.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from indicator_rules.forms._limits import check_count, check_text, text_lines
from indicator_rules.forms.files import read_text
from indicator_rules.forms.grid import Cell, Document, Grid, Part, TextLine, clean_text
from indicator_rules.limits import DEFAULT_LIMITS, InputLimits
from indicator_rules.source import SourceRef

__all__ = ["parse_markdown", "read_markdown"]

#: A cell of a separator line: dashes with optional colons, at least two characters (``--``,
#: ``:-``, ``---:``); a lone ``-`` is a form's mark for "none", i.e. data.
_SEPARATOR_CELL = re.compile(r"(?=[-:]{2}):?-+:?")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_BREAK_TAGS = re.compile(r"<br\s*/?>|</p\s*>|</div\s*>|</li\s*>", re.IGNORECASE)
_OTHER_TAGS = re.compile(  # [^<>]: a "<p" never closed stops at the next "<" (no rescans)
    r"</?(?:p|div|span|b|i|u|em|strong|sup|sub|font|ul|ol|li|td|th|tr)\b[^<>]*>", re.IGNORECASE
)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_HEADING = re.compile(r"^#{1,6}\s+")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _cell_text(raw: str) -> str:
    text = _BREAK_TAGS.sub("\n", raw)
    text = _OTHER_TAGS.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    return clean_text(html.unescape(text))


def _split_row(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return _CELL_SPLIT.split(body)


def _is_separator(line: str) -> bool:
    return all(_SEPARATOR_CELL.fullmatch(cell.strip()) for cell in _split_row(line))


def _line_text(line: str) -> str:
    text = _HEADING.sub("", line.strip())
    text = _EMPHASIS.sub(r"\2", text)
    return _cell_text(text)


def parse_markdown(text: str, *, file: str = "<string>",
                   limits: InputLimits = DEFAULT_LIMITS) -> Document:
    """Read Markdown text; ``file`` names it in every ``SourceRef``. Raises :class:`FormError`
    for text over ``limits``."""
    parts: list[Part] = []
    table: list[Cell] = []
    table_start = 0
    table_row = 0
    tables = 0
    filled = 0

    def close_table() -> None:
        nonlocal table, tables
        if table_start:
            tables += 1
            name = f"表{tables}"
            cells = tuple(
                Cell(text=cell.text, row=cell.row, column=cell.column,
                     source=SourceRef(file=file, sheet=name, row=cell.source.row,
                                      column=cell.column))
                for cell in table
            )
            parts.append(Grid(cells=cells, name=name,
                              source=SourceRef(file=file, sheet=name, row=table_start)))
        table = []

    lines = text_lines(text.removeprefix("\ufeff"), limits, file)
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        where = SourceRef(file=file, row=number)
        if stripped.startswith("|"):
            if not table_start:
                table_start, table_row = number, 0
            # the cells of the row, counted before it is split: every | not escaped opens one
            check_count(stripped.count("|") - stripped.count("\\|") - 1, "max_sheet_columns",
                        "a table row of {:,} cells or more", limits, where)
            if _is_separator(stripped):
                continue
            table_row += 1
            for column, raw in enumerate(_split_row(stripped), start=1):
                place = SourceRef(file=file, row=number, column=column)
                cell_text = check_text(_cell_text(raw), limits, place)
                if cell_text:
                    filled += 1
                    check_count(filled, "max_sheet_cells", "a file of {:,} non-empty cells",
                                limits, place)
                    table.append(Cell(text=cell_text, row=table_row, column=column,
                                      source=SourceRef(row=number)))
            continue
        close_table()
        table_start = 0
        line_text = check_text(_line_text(line), limits, where, "a line")
        if line_text:
            parts.append(TextLine(text=line_text, source=where))
    close_table()
    return Document(file=file, parts=tuple(parts))


def read_markdown(path: str | Path, *, limits: InputLimits = DEFAULT_LIMITS) -> Document:
    """Read a Markdown file: UTF-8 (a byte-order mark allowed) or, failing that, GB18030 (what
    Chinese Windows tools write), as CSV files are read; raises :class:`FormError`, also for a
    file over ``limits`` (its size is checked before it is read)."""
    return parse_markdown(read_text(path, limits), file=str(path), limits=limits)
