"""Excel workbooks (``.xlsx``, ``.xlsm``) → :class:`Document`, one :class:`Grid` per worksheet.

Loaded with openpyxl, after :func:`~indicator_rules.forms._archive.check_archive` has checked
the archive and scanned every worksheet's XML against the limits
(:mod:`indicator_rules.forms._sheets`: rows, columns, cells and merged ranges, refused before
openpyxl makes an object for any of them). Only the cells the sheet holds are walked, never the
rectangle up to its last cell, and each cell's text is checked (``max_text_chars``).

Merged ranges become spans on their top-left cell. A cell's text is what the sheet shows: a
number keeps the decimals its number format shows (``40`` formatted ``0.00`` reads ``40.00``)
and is never a ``float`` on the way; a date reads ``2021-01-05``; a formula gives its cached
result, or the formula itself when the file has none (files written by scripts often have
none), so that it is reported rather than lost; a workbook is loaded a second time, for the
formulas' text, only when it has formulas.

Hidden worksheets (the drop-down lists of a template, say) are not part of the form and are not
read; each leaves a note in :attr:`Document.notes` with its name.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from indicator_rules.forms._archive import check_archive
from indicator_rules.forms._limits import check_text
from indicator_rules.forms._sheets import WorkbookScan
from indicator_rules.forms.grid import Cell, Document, Grid, clean_text
from indicator_rules.forms.office import load_office_file
from indicator_rules.limits import DEFAULT_LIMITS, InputLimits
from indicator_rules.model import ImportNote
from indicator_rules.source import SourceRef

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["read_xlsx"]

_DECIMALS_FORMAT = re.compile(r"^[#,]*0(?:\.(0+))?(?P<percent>%)?(?:_.*)?$")
#: Parts of a number format that only decorate the number: "¥", \- , [Red], [$-804], _) …
_FORMAT_DECORATION = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
_FLOAT_NOISE = Decimal("1e-9")


def _number_text(number: int | float | Decimal, number_format: str) -> str:
    # str() of a float is its shortest exact-enough spelling (40.0, 539.42), never binary noise
    exact = Decimal(number) if isinstance(number, int) else Decimal(str(number))
    section = _FORMAT_DECORATION.sub("", number_format.split(";")[0]).strip()
    match = _DECIMALS_FORMAT.match(section)
    if match is None:
        if isinstance(number, float) and exact == exact.to_integral_value():
            return format(exact.to_integral_value(), "f")  # 40.0 shows as 40, as Excel does
        return format(exact, "f")
    percent = "%" if match.group("percent") else ""
    if percent:
        exact = exact.scaleb(2)  # 0.955 shown as a percentage is 95.5%, exactly
    places = len(match.group(1) or "")
    shown = exact.quantize(Decimal(1).scaleb(-places))
    # show the decimals the format shows; round only a float's last-digit noise away, so that
    # a value with more digits than its format shows keeps them (0.955 in 0% reads 95.5%)
    if abs(shown - exact) < _FLOAT_NOISE:
        return format(shown, "f") + percent
    return format(exact.normalize(), "f") + percent


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


def read_xlsx(path: str | Path, *, limits: InputLimits = DEFAULT_LIMITS) -> Document:
    """Read the visible worksheets of a workbook; raises :class:`FormError` naming the file,
    also for input over ``limits``."""
    import openpyxl  # a heavy import, needed only for Excel files
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path)
    what = "an Excel workbook (.xlsx)"
    scan = WorkbookScan(limits, name)
    check_archive(path, limits, what=what, scan=scan.part, order=scan.order)
    scan.check_loads()
    shown = load_office_file(lambda: openpyxl.load_workbook(path, data_only=True), path, what,
                             (InvalidFileException,))
    formulas = load_office_file(lambda: openpyxl.load_workbook(path, data_only=False), path,
                                what, (InvalidFileException,)) if scan.has_formulas else None
    grids: list[Grid] = []
    notes: list[ImportNote] = []
    for sheet in shown.worksheets:
        grid = _grid(sheet, formulas[sheet.title] if formulas is not None else None, name,
                     limits)
        if sheet.sheet_state == "visible":
            grids.append(grid)
        elif grid.cells:
            notes.append(ImportNote(
                text=sheet.title, source=grid.source,
                reason=f"隐藏的工作表（{len(grid.cells)} 个非空单元格），未读取"))
    return Document(file=name, parts=tuple(grids), notes=tuple(notes))


def _grid(sheet: Worksheet, formula_sheet: Worksheet | None, file: str,
          limits: InputLimits) -> Grid:
    """One worksheet as a grid; ``formula_sheet`` is the same sheet read with its formulas
    (None when the workbook has none). Only the cells the sheet holds are visited (openpyxl's
    ``iter_rows`` would make one for every position up to the last), in order; the positions a
    merged range covers hold openpyxl's ``MergedCell`` s and are skipped."""
    from openpyxl.cell.cell import MergedCell

    spans = {
        (merged.min_row, merged.min_col): (merged.max_row - merged.min_row + 1,
                                           merged.max_col - merged.min_col + 1)
        for merged in sheet.merged_cells.ranges
    }
    formula_cells = formula_sheet._cells if formula_sheet is not None else {}
    cells: list[Cell] = []
    for (row_number, column_number), cell in sorted(sheet._cells.items()):
        if isinstance(cell, MergedCell):
            continue
        value = cell.value
        if value is None and (row_number, column_number) in formula_cells:
            value = formula_cells[row_number, column_number].value
        source = SourceRef(file=file, sheet=sheet.title, row=row_number, column=column_number)
        text = check_text(_value_text(value, cell.number_format), limits, source)
        if not text:
            continue
        row_span, column_span = spans.get((row_number, column_number), (1, 1))
        cells.append(Cell(text=text, row=row_number, column=column_number, row_span=row_span,
                          column_span=column_span, source=source))
    return Grid(cells=tuple(cells), name=sheet.title,
                source=SourceRef(file=file, sheet=sheet.title), is_worksheet=True)
