"""CSV and TSV files → :class:`Document` with one :class:`Grid`.

The encoding is UTF-8 (a byte-order mark allowed) or, failing that, GB18030 (what Excel on a
Chinese system writes). The delimiter is a comma, a tab or a semicolon, whichever most of the
first lines use (the comma, or the tab for ``.tsv``, when they tie). CSV has no merged cells: a
merged region exported from Excel is its first cell with text and empty cells after it, which the
form reader handles like the merged cells of a PDF conversion.

Records end at a line break (``\\r\\n``, ``\\r`` or ``\\n``) outside quotes. Limits: the
file's size (before it is read), its lines (``max_sheet_rows``, counted before the text is split)
and each line's length (``max_line_bytes``: what bounds the fields of one record before the
:mod:`csv` module makes them); the fields of a record (``max_sheet_columns``), the non-empty
cells (``max_sheet_cells``) and each cell's text (``max_text_chars``). Python's :mod:`csv`
refuses a field over 131,072 characters itself (an error with the record's line).
"""

from __future__ import annotations

import csv
from pathlib import Path

from indicator_rules.errors import FormError
from indicator_rules.forms._limits import check_count, check_text, text_lines
from indicator_rules.forms.files import read_text
from indicator_rules.forms.grid import Cell, Document, Grid, clean_text
from indicator_rules.limits import DEFAULT_LIMITS, InputLimits
from indicator_rules.source import SourceRef

__all__ = ["parse_csv", "read_csv"]


def _delimiter(text: str, default: str) -> str:
    """The delimiter most of the first lines use; the suffix's default when none is used."""
    lines = text.split("\n", 50)[:50]
    counts = {delimiter: sum(delimiter in line for line in lines) for delimiter in ",\t;"}
    best = max(counts.values())
    if best == 0 or counts[default] == best:
        return default
    return max(counts, key=lambda delimiter: counts[delimiter])


def parse_csv(text: str, *, file: str = "<string>", delimiter: str | None = None,
              limits: InputLimits = DEFAULT_LIMITS) -> Document:
    """Read CSV text; ``file`` names it in every ``SourceRef``. Raises :class:`FormError` for
    text that is no CSV or is over ``limits``."""
    text = text.removeprefix("\ufeff")
    chosen = delimiter or _delimiter(text, "\t" if file.lower().endswith(".tsv") else ",")
    records = csv.reader(text_lines(text, limits, file, universal=True), delimiter=chosen)
    cells: list[Cell] = []
    try:
        for row_number, record in enumerate(records, start=1):
            where = SourceRef(file=file, row=row_number)
            check_count(len(record), "max_sheet_columns", "a record of {:,} fields", limits,
                        where)
            for column_number, raw in enumerate(record, start=1):
                source = SourceRef(file=file, row=row_number, column=column_number)
                cell_text = check_text(clean_text(raw), limits, source)
                if cell_text:
                    cells.append(Cell(text=cell_text, row=row_number, column=column_number,
                                      source=source))
                    check_count(len(cells), "max_sheet_cells", "a file of {:,} non-empty cells",
                                limits, source)
    except csv.Error as error:
        raise FormError(f"not a valid CSV file: {error}", file=file,
                        row=records.line_num) from error
    return Document(file=file, parts=(Grid(cells=tuple(cells), source=SourceRef(file=file)),))


def read_csv(path: str | Path, *, limits: InputLimits = DEFAULT_LIMITS) -> Document:
    """Read a CSV/TSV file; raises :class:`FormError` naming the file, also for a file over
    ``limits`` (its size is checked before it is read)."""
    return parse_csv(read_text(path, limits), file=str(path), limits=limits)
