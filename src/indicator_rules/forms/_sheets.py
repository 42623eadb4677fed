"""The worksheet checks of an Excel file, made while its XML is scanned, before openpyxl loads it.

openpyxl's normal load parses every row of every sheet and makes an object for every cell, and
for every cell a merged range covers, before anything can look at the sheet: a sheet of a
million rows takes minutes, a merge over the whole sheet gigabytes. :class:`WorkbookScan` sees
each part's elements as :func:`~indicator_rules.forms._archive.check_archive` parses it and
refuses, at the first element over a limit:

- a row or cell beyond ``max_sheet_rows`` / ``max_sheet_columns`` (its row and column, as given
  by its ``r`` attribute, or counted on from the one before as openpyxl does); the rows and
  cells of a sheet counted as elements too (``max_sheet_rows``, ``max_sheet_cells``);
- merged ranges covering more than ``max_merged_cells`` cells in one sheet, or reaching beyond
  the sheet's limits.

The sheet's ``<dimension>`` is not trusted (it may say anything); the cells are. The scan also
notes whether any cell has a formula (``<f>``): only then is the workbook loaded a second time
for the formulas' text. Errors name the sheet by its title, found in the workbook part and its
relationships (scanned first), or by the part's name when the workbook does not say.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections import Counter
from typing import Final

from indicator_rules.forms._limits import check_count
from indicator_rules.limits import InputLimits
from indicator_rules.source import SourceRef

__all__ = ["WorkbookScan"]

_MAIN: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_RELATIONSHIPS: Final = "http://schemas.openxmlformats.org/package/2006/relationships "
_RELATIONSHIP_ID: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships id"
_ROW, _CELL, _MERGE, _HYPERLINK, _FORMULA, _SHEET = (
    _MAIN + name for name in ("row", "c", "mergeCell", "hyperlink", "f", "sheet"))
_RELATIONSHIP: Final = _RELATIONSHIPS + "Relationship"
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,9})\$?([0-9]{1,12})")


def _range(reference: str) -> tuple[int, int, int, int] | None:
    """``A1:C2`` (or ``B7``) → (top, left, bottom, right); None if it is no range."""
    first, _, last = reference.partition(":")
    start, end = _reference(first), _reference(last or first)
    if start is None or end is None:
        return None
    return min(start[0], end[0]), min(start[1], end[1]), max(start[0], end[0]), \
        max(start[1], end[1])


def _reference(text: str) -> tuple[int, int] | None:
    """``B7`` → (7, 2): the row and column of an A1 reference; None if it is none."""
    match = _REFERENCE.fullmatch(text)
    if match is None:
        return None
    return int(match.group(2)), _column(match.group(1))


@functools.lru_cache(maxsize=4096)
def _column(letters: str) -> int:
    """``AB`` → 28."""
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return column


class WorkbookScan:
    """The checks of every part of one workbook: :meth:`part` gives a member's scan, to pass
    to :func:`~indicator_rules.forms._archive.check_archive` with :meth:`order`; after it,
    :meth:`check_loads`."""

    def __init__(self, limits: InputLimits, file: str) -> None:
        self.limits = limits
        self.file = file
        self.has_formulas = False
        self._parts: list[_SheetPart] = []
        self._relationships: dict[tuple[str, str], str] = {}  # (source, id) → target part
        self._references: list[tuple[str, str]] = []  # (part, relationship id) of each r:id
        self._titles: dict[tuple[str, str], str] = {}  # (workbook part, id) → sheet title
        self._sheets = self._ranges = 0

    @staticmethod
    def order(member: str) -> int:
        """Relationships first (what a ``<sheet>`` names is found through them), then the
        workbook part (the sheets' titles, for the messages), then the rest."""
        return 0 if member.endswith(".rels") else 1 if member.endswith("workbook.xml") else 2

    def part(self, member: str) -> _SheetPart:
        """The scan of the member ``member``."""
        scan = _SheetPart(self, member)
        self._parts.append(scan)
        return scan

    def title(self, member: str) -> str:
        """The sheet title of a worksheet part, or the part's name."""
        for reference, title in self._titles.items():
            if self._relationships.get(reference) == member:
                return title
        return member

    def note_sheet(self, member: str, attributes: dict[str, str]) -> None:
        """A ``<sheet>`` of the workbook part ``member``: its title and relationship."""
        self._sheets += 1
        check_count(self._sheets, "max_sheets", "a workbook of {:,} sheets or more", self.limits,
                    SourceRef(file=self.file))
        relationship = attributes.get(_RELATIONSHIP_ID)
        if relationship is not None:
            self._titles.setdefault((member, relationship), attributes.get("name", ""))

    def note_relationship(self, member: str, attributes: dict[str, str]) -> None:
        """A ``<Relationship>`` of the relationships part ``member`` (``x/_rels/y.xml.rels``
        holds those of ``x/y.xml``): its id and the part it names, if inside the file."""
        if attributes.get("TargetMode") == "External":
            return
        folder, _, name = member.rpartition("_rels/")
        source = folder + name.removesuffix(".rels")
        target = attributes.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
        self._relationships.setdefault((source, attributes.get("Id", "")), path)

    def note_range(self) -> None:
        """A merged range or a hyperlink: openpyxl makes objects for each (and looks through
        the merged ranges for each hyperlink on a merged cell)."""
        self._ranges += 1
        check_count(self._ranges, "max_ranges", "a workbook of {:,} merged ranges and "
                    "hyperlinks or more", self.limits, SourceRef(file=self.file))

    def note_reference(self, member: str, relationship: str) -> None:
        """An ``r:id`` in the part ``member``: openpyxl loads what it names, once for each."""
        self._references.append((member, relationship))

    def check_loads(self) -> None:
        """Refuse a workbook whose parts, counted once for every reference (``r:id``) or
        relationship that makes openpyxl load them (a sheet part named by 3,000 ``<sheet>`` s
        is parsed 3,000 times), have more elements together than ``max_xml_elements``."""
        loads = Counter(self._relationships.get(reference) for reference in self._references)
        loads |= Counter(self._relationships.values())  # the larger of the two counts
        total = sum(part.elements * max(1, loads[part.member]) for part in self._parts)
        if total > self.limits.max_xml_elements:
            member, times = max(((part.member, loads[part.member]) for part in self._parts),
                                key=lambda loaded: loaded[1])
            check_count(total, "max_xml_elements", "XML parts of {:,} elements as openpyxl "
                        f"loads them (the part {member!r} {times:,} times)", self.limits,
                        SourceRef(file=self.file))


class _SheetPart:
    """The checks of one part: rows, cells and merged ranges, as they come (the limits are
    compared first; the error, with the sheet's title, is made only for input over one)."""

    def __init__(self, workbook: WorkbookScan, member: str) -> None:
        self.workbook = workbook
        self.limits = limits = workbook.limits
        self.max_rows, self.max_columns = limits.max_sheet_rows, limits.max_sheet_columns
        self.max_cells = limits.max_sheet_cells
        self.member = member
        self.rows = self.cells = self.merged = self.elements = 0
        self.row = self.column = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        """Check an element of the part."""
        self.elements += 1
        if attributes:
            relationship = attributes.get(_RELATIONSHIP_ID)
            if relationship is not None:
                self.workbook.note_reference(self.member, relationship)
        if name == _CELL:
            self._cell(attributes.get("r"))
        elif name == _ROW:
            self._row(attributes.get("r"))
        elif name == _FORMULA:
            self.workbook.has_formulas = True
        elif name == _MERGE:
            self._merge(attributes.get("ref", ""))
        elif name == _HYPERLINK:
            self._hyperlink(attributes.get("ref", ""))
        elif name == _SHEET:
            self.workbook.note_sheet(self.member, attributes)
        elif name == _RELATIONSHIP:
            self.workbook.note_relationship(self.member, attributes)

    def _row(self, number: str | None) -> None:
        self.rows += 1
        self.row = int(number) if number is not None and number.isdigit() and len(number) < 13 \
            else self.row + 1
        self.column = 0
        if self.rows > self.max_rows or self.row > self.max_rows:
            where = self._where(self.row)
            self._check(self.rows, "max_sheet_rows", "a sheet of {:,} rows", where)
            self._check(self.row, "max_sheet_rows", "a sheet reaching row {:,}", where)

    def _cell(self, reference: str | None) -> None:
        self.cells += 1
        place = _reference(reference) if reference is not None else None
        if place is None:
            self.column += 1
        else:
            self.row, self.column = place
        if self.cells > self.max_cells or self.row > self.max_rows \
                or self.column > self.max_columns:
            where = self._where(self.row, self.column)
            self._check(self.cells, "max_sheet_cells", "a sheet of {:,} cells", where)
            self._check(self.row, "max_sheet_rows", "a sheet reaching row {:,}", where)
            self._check(self.column, "max_sheet_columns", "a sheet reaching column {:,}", where)

    def _merge(self, reference: str) -> None:
        self.workbook.note_range()
        bounds = _range(reference)
        if bounds is None:
            return  # not a range: openpyxl refuses it when it loads the sheet
        top, left, bottom, right = bounds
        self.merged += (bottom - top + 1) * (right - left + 1) - 1
        if self.merged <= self.limits.max_merged_cells and bottom <= self.max_rows \
                and right <= self.max_columns:
            return
        where = self._where(top, left)
        self._check(self.merged, "max_merged_cells",
                    f"merged ranges covering {{:,}} cells (the last {reference})", where)
        self._check_extent(f"a merged range ({reference})", bottom, right, where)

    def _hyperlink(self, reference: str) -> None:
        """A hyperlink: openpyxl makes a cell for every position of its range."""
        self.workbook.note_range()
        bounds = _range(reference)
        if bounds is None:
            return
        top, left, bottom, right = bounds
        self.cells += (bottom - top + 1) * (right - left + 1)
        if self.cells <= self.max_cells and bottom <= self.max_rows \
                and right <= self.max_columns:
            return
        where = self._where(top, left)
        self._check(self.cells, "max_sheet_cells",
                    f"a sheet of {{:,}} cells with its hyperlinks (the last {reference})", where)
        self._check_extent(f"a hyperlink ({reference})", bottom, right, where)

    def _check_extent(self, what: str, bottom: int, right: int, where: SourceRef) -> None:
        self._check(bottom, "max_sheet_rows", what + " reaching row {:,}", where)
        self._check(right, "max_sheet_columns", what + " reaching column {:,}", where)

    def _where(self, row: int, column: int | None = None) -> SourceRef:
        return SourceRef(file=self.workbook.file, sheet=self.workbook.title(self.member),
                         row=row, column=column)

    def _check(self, count: int, setting: str, what: str, where: SourceRef) -> None:
        check_count(count, setting, what, self.limits, where)
