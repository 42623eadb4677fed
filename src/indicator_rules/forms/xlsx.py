"""Excel workbooks (``.xlsx``, ``.xlsm``) → :class:`Document`, one :class:`Grid` per worksheet.

Read with openpyxl. Merged ranges become spans on their top-left cell. A cell's text is what the
sheet shows: a number keeps the decimals its number format shows (``40`` formatted ``0.00`` reads
``40.00``) and is never a ``float`` on the way; a date reads ``2021-01-05``; a formula gives its
cached result, or the formula itself when the file has none (files written by scripts often have
none), so that it is reported rather than lost. Hidden sheets are read like the others.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from indicator_rules.errors import FormError
from indicator_rules.forms.grid import Cell, Document, Grid, clean_text
from indicator_rules.source import SourceRef

__all__ = ["read_xlsx"]

_DECIMALS_FORMAT = re.compile(r"^[#,]*0(?:\.(0+))?(?:_.*)?$")
_FLOAT_NOISE = Decimal("1e-9")


def _number_text(number: int | float | Decimal, number_format: str) -> str:
    # str() of a float is its shortest exact-enough spelling (40.0, 539.42), never binary noise
    exact = Decimal(number) if isinstance(number, int) else Decimal(str(number))
    match = _DECIMALS_FORMAT.match(number_format.split(";")[0].strip())
    if match:
        places = len(match.group(1) or "")
        shown = exact.quantize(Decimal(1).scaleb(-places))
        # show the decimals the format shows; round only a float's last-digit noise away
        if abs(shown - exact) < _FLOAT_NOISE:
            return format(shown, "f")
    if isinstance(number, float) and exact == exact.to_integral_value():
        return format(exact.to_integral_value(), "f")  # 40.0 shows as 40, as Excel does
    return format(exact, "f")


def _value_text(value: object, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return _number_text(value, number_format)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return clean_text(str(value))


def read_xlsx(path: str | Path) -> Document:
    """Read every worksheet of an Excel workbook; raises :class:`FormError` naming the file."""
    import openpyxl  # a heavy import, needed only for Excel files
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path)
    try:
        shown = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise FormError(f"cannot read the file as an Excel workbook (.xlsx): {error}",
                        file=name) from error
    grids: list[Grid] = []
    for sheet in shown.worksheets:
        spans = {
            (merged.min_row, merged.min_col): (merged.max_row - merged.min_row + 1,
                                               merged.max_col - merged.min_col + 1)
            for merged in sheet.merged_cells.ranges
        }
        covered = {
            (row, column)
            for merged in sheet.merged_cells.ranges
            for row in range(merged.min_row, merged.max_row + 1)
            for column in range(merged.min_col, merged.max_col + 1)
            if (row, column) != (merged.min_row, merged.min_col)
        }
        formula_sheet = formulas[sheet.title]
        cells: list[Cell] = []
        for row in sheet.iter_rows():
            for cell in row:
                row_number, column_number = cell.row, cell.column
                if row_number is None or column_number is None:
                    continue
                if (row_number, column_number) in covered:
                    continue
                value = cell.value
                if value is None:
                    value = formula_sheet.cell(row=row_number, column=column_number).value
                text = _value_text(value, cell.number_format)
                if not text:
                    continue
                row_span, column_span = spans.get((row_number, column_number), (1, 1))
                cells.append(Cell(
                    text=text, row=row_number, column=column_number, row_span=row_span,
                    column_span=column_span,
                    source=SourceRef(file=name, sheet=sheet.title, row=row_number,
                                     column=column_number),
                ))
        grids.append(Grid(cells=tuple(cells), name=sheet.title,
                          source=SourceRef(file=name, sheet=sheet.title)))
    return Document(file=name, parts=tuple(grids))
