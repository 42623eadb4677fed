"""CSV and TSV files → :class:`Document` with one :class:`Grid`.

The encoding is UTF-8 (a byte-order mark allowed) or, failing that, GB18030 (what Excel on a
Chinese system writes). The delimiter is a comma, a tab or a semicolon, whichever most of the
first lines use (the comma, or the tab for ``.tsv``, when they tie). CSV has no merged cells: a
merged region exported from Excel is its first cell with text and empty cells after it, which the
form reader handles like the merged cells of a PDF conversion.
"""

from __future__ import annotations

import csv
from pathlib import Path

from indicator_rules.errors import FormError
from indicator_rules.forms.files import read_text
from indicator_rules.forms.grid import Cell, Document, Grid, clean_text
from indicator_rules.source import SourceRef

__all__ = ["parse_csv", "read_csv"]


def _delimiter(text: str, default: str) -> str:
    """The delimiter most of the first lines use; the suffix's default when none is used."""
    lines = text.split("\n")[:50]
    counts = {delimiter: sum(delimiter in line for line in lines) for delimiter in ",\t;"}
    best = max(counts.values())
    if best == 0 or counts[default] == best:
        return default
    return max(counts, key=lambda delimiter: counts[delimiter])


def parse_csv(text: str, *, file: str = "<string>", delimiter: str | None = None) -> Document:
    """Read CSV text; ``file`` names it in every ``SourceRef``."""
    text = text.removeprefix("\ufeff")
    chosen = delimiter or _delimiter(text, "\t" if file.lower().endswith(".tsv") else ",")
    cells: list[Cell] = []
    try:
        for row_number, record in enumerate(csv.reader(text.splitlines(keepends=True),
                                                       delimiter=chosen), start=1):
            for column_number, raw in enumerate(record, start=1):
                cell_text = clean_text(raw)
                if cell_text:
                    cells.append(Cell(text=cell_text, row=row_number, column=column_number,
                                      source=SourceRef(file=file, row=row_number,
                                                       column=column_number)))
    except csv.Error as error:
        raise FormError(f"not a valid CSV file: {error}", file=file) from error
    return Document(file=file, parts=(Grid(cells=tuple(cells), source=SourceRef(file=file)),))


def read_csv(path: str | Path) -> Document:
    """Read a CSV/TSV file; raises :class:`FormError` naming the file."""
    return parse_csv(read_text(path), file=str(path))
