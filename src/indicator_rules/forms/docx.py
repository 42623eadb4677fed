"""Word documents (``.docx``) → :class:`Document`: body paragraphs and tables, in order.

Loaded with python-docx, after :func:`~indicator_rules.forms._archive.check_archive` has checked
the archive. The tables are walked here, over their XML, one ``<w:tc>`` at a time (python-docx
makes an object for every grid position a merged cell covers, and follows a vertical merge up
its column again for every row, recursively): a merged cell (``gridSpan`` across, ``vMerge``
down) becomes one :class:`Cell` at its top-left corner with its spans; rows that start late
(``gridBefore``) keep their columns. The walk checks each table's rows, grid columns, cells and
merged cells against the limits before it goes on, and each cell's text. A cell's text is its
paragraphs, one per line; a table nested in a cell adds its rows as lines (each cell once,
separated by a space), so that nothing in it is lost. Headers, footers, text boxes and comments
are not read.

Content controls (``w:sdt``, the fill-in fields of many templates) and the other elements that
wrap text without being a paragraph, run or cell themselves (``w:customXml``, ``w:smartTag``,
tracked insertions ``w:ins``, ``w:moveTo``, ``w:fldSimple``) are unwrapped before reading, so
their text reads like any other; python-docx alone skips it. A content control still showing
its placeholder (``w:showingPlcHdr``, 单击或点击此处输入文字) holds no data and is dropped.

Positions: a table cell is ``表N`` with its row and grid column in that table; a paragraph outside
the tables is ``正文`` with its number among the body's paragraphs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from indicator_rules.errors import FormError
from indicator_rules.forms._archive import check_archive
from indicator_rules.forms._limits import check_count, check_text, over_limit
from indicator_rules.forms.grid import Cell, Document, Grid, Part, TextLine, clean_text
from indicator_rules.forms.office import load_office_file
from indicator_rules.limits import DEFAULT_LIMITS, InputLimits
from indicator_rules.source import SourceRef

if TYPE_CHECKING:
    from docx.oxml.table import CT_Tbl, CT_Tc
    from docx.oxml.xmlchemy import BaseOxmlElement

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: What a run's text is made of (python-docx's ``CT_R.text``), each element giving its own.
_RUN_TEXT = tuple(f"{_W}{tag}" for tag in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))
_WRAPPERS = ("sdt", "customXml", "smartTag", "ins", "moveTo", "fldSimple")


def _unwrap(body: BaseOxmlElement) -> None:
    """Replace each wrapping element (a content control …) in ``body`` by its content."""
    from docx.oxml.ns import qn

    wrappers = [element for name in _WRAPPERS for element in body.iter(qn(f"w:{name}"))]
    for wrapper in wrappers:
        parent = wrapper.getparent()
        if parent is None:
            continue
        content = wrapper.find(qn("w:sdtContent")) if wrapper.tag == qn("w:sdt") else wrapper
        properties = wrapper.find(qn("w:sdtPr"))
        showing_placeholder = properties is not None \
            and properties.find(qn("w:showingPlcHdr")) is not None
        index = parent.index(wrapper)
        if content is not None and not showing_placeholder:
            for offset, child in enumerate(
                    [child for child in content if not str(child.tag).endswith("Pr")]):
                parent.insert(index + offset, child)
        parent.remove(wrapper)


@attrs.define
class _Anchor:
    """A ``<w:tc>`` that starts a cell: its place, its width and the rows it covers so far."""

    tc: CT_Tc
    row: int
    column: int
    span: int
    rows: int = 1


@attrs.frozen
class _TableWalk:
    """Walking the tables of one file: its name and limits."""

    file: str
    limits: InputLimits

    def where(self, name: str, row: int | None = None, column: int | None = None) -> SourceRef:
        return SourceRef(file=self.file, sheet=name, row=row, column=column)

    def grid(self, table: CT_Tbl, name: str) -> Grid:
        """The table as a grid of its non-empty cells."""
        cells = [Cell(text=text, row=anchor.row, column=anchor.column, row_span=anchor.rows,
                      column_span=anchor.span,
                      source=self.where(name, anchor.row, anchor.column))
                 for anchor, text in self.cells(table, name) if text]
        cells.sort(key=lambda cell: (cell.row, cell.column))
        return Grid(cells=tuple(cells), name=name, source=self.where(name))

    def cells(self, table: CT_Tbl, name: str) -> list[tuple[_Anchor, str]]:
        """Each cell of the table (by its top-left ``<w:tc>``) with its text."""
        return [(anchor, self.text(anchor, name)) for anchor in self.anchors(table, name)]

    def anchors(self, table: CT_Tbl, name: str) -> list[_Anchor]:
        """The cells of the table, each with its place and spans, checked against the limits
        row by row: a continued vertical merge (``vMerge``) extends the cell above it."""
        limits = self.limits
        rows = table.tr_lst
        check_count(len(rows), "max_sheet_rows", "a table of {:,} rows", limits,
                    self.where(name, limits.max_sheet_rows + 1))
        grid_columns = len(table.findall(f"{_W}tblGrid/{_W}gridCol"))
        check_count(grid_columns, "max_sheet_columns", "a table grid of {:,} columns (w:gridCol)",
                    limits, self.where(name))
        anchors: list[_Anchor] = []
        above: dict[int, _Anchor] = {}
        count = merged = 0
        for row_number, row in enumerate(rows, start=1):
            column = 1 + self._number(row, f"{_W}trPr/{_W}gridBefore", 0, name, row_number)
            here: dict[int, _Anchor] = {}
            for tc in row.tc_lst:
                span = max(1, self._number(tc, f"{_W}tcPr/{_W}gridSpan", 1, name, row_number))
                anchor = above.get(column) if _continues(tc) else None
                if anchor is None:
                    anchor = _Anchor(tc, row_number, column, span)
                    anchors.append(anchor)
                    merged += span - 1
                else:
                    anchor.rows = row_number - anchor.row + 1
                    merged += span
                count += 1
                if count > limits.max_sheet_cells or merged > limits.max_merged_cells \
                        or column + span - 1 > limits.max_sheet_columns:
                    self._refuse_cell(count, merged, column + span - 1,
                                      self.where(name, row_number, column))
                here[column] = anchor
                column += span
            after = self._number(row, f"{_W}trPr/{_W}gridAfter", 0, name, row_number)
            check_count(column - 1 + after, "max_sheet_columns",
                        "a row reaching grid column {:,} (w:gridAfter)", limits,
                        self.where(name, row_number))
            above = here
        return anchors

    def text(self, anchor: _Anchor, name: str) -> str:
        """The text of a cell: its paragraphs, and the rows of a table inside it, as lines."""
        where = self.where(name, anchor.row, anchor.column)
        lines: list[str] = []
        for block in anchor.tc.iterchildren(f"{_W}p", f"{_W}tbl"):
            if block.tag == f"{_W}p":
                lines.append(_paragraph_text(block))
                continue
            inner = f"{name} 第{anchor.row}行 第{anchor.column}列 内的表"
            by_row: dict[int, list[str]] = {}
            for cell, text in self.cells(block, inner):
                by_row.setdefault(cell.row, []).append(text)
            lines += (" ".join(texts) for _, texts in sorted(by_row.items()))
        return check_text(clean_text("\n".join(lines)), self.limits, where)

    def _refuse_cell(self, count: int, merged: int, last_column: int, where: SourceRef) -> None:
        """Raise the error of the limit a cell goes over."""
        check_count(last_column, "max_sheet_columns",
                    "a row reaching grid column {:,} (w:gridBefore, w:gridSpan)", self.limits,
                    where)
        check_count(merged, "max_merged_cells", "merged cells covering {:,} cells", self.limits,
                    where)
        check_count(count, "max_sheet_cells", "a table of {:,} cells", self.limits, where)

    def _number(self, element: BaseOxmlElement, path: str, default: int, name: str,
                row: int) -> int:
        """The whole number ``w:val`` of the element at ``path`` under ``element``."""
        found = element.find(path)
        value = None if found is None else found.get(f"{_W}val")
        if value is None:
            return default
        where = self.where(name, row)
        if not value.isdigit() or not value.isascii():
            tag = path.rpartition("}")[2]
            raise FormError(f"w:{tag} is {value[:40]!r}, not a whole number", file=self.file,
                            sheet=name, row=row)
        if len(value) > 9:  # more grid columns than any limit: no int() of a huge number
            raise over_limit(self.limits, "max_sheet_columns",
                             f"a row of {value[:30]}… grid columns", where)
        return int(value)


def _paragraph_text(paragraph: BaseOxmlElement) -> str:
    """The text of a ``<w:p>``, as python-docx's ``CT_P.text`` gives it (each run's text
    elements, each as its ``str``), without compiling an XPath for every run."""
    pieces: list[str] = []
    for child in paragraph.iterchildren(f"{_W}r", f"{_W}hyperlink"):
        runs = child.iterchildren(f"{_W}r") if child.tag == f"{_W}hyperlink" else (child,)
        for run in runs:
            pieces += (str(element) for element in run.iterchildren(*_RUN_TEXT))
    return "".join(pieces)


def _continues(tc: CT_Tc) -> bool:
    """True for a cell that continues the vertical merge above it (``<w:vMerge/>`` or
    ``w:val="continue"``)."""
    merge = tc.find(f"{_W}tcPr/{_W}vMerge")
    return merge is not None and merge.get(f"{_W}val", "continue") == "continue"


def read_docx(path: str | Path, *, limits: InputLimits = DEFAULT_LIMITS) -> Document:
    """Read the body of a Word document; raises :class:`FormError` naming the file, also for
    input over ``limits``."""
    import docx  # a heavy import, needed only for Word files
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import PackageNotFoundError

    name = str(path)
    what = "a Word document (.docx)"
    check_archive(path, limits, what=what)
    # the body is python-docx's too: a main part that is no <w:document> fails here
    body = load_office_file(lambda: docx.Document(name).element.body, path, what,
                            (PackageNotFoundError, PythonDocxError))
    if body is None:
        raise FormError(f"cannot read the file as {what}: its document has no body (w:body)",
                        file=name)
    _unwrap(body)
    walk = _TableWalk(name, limits)
    # the body is one sheet: its paragraphs and tables are its rows
    blocks = sum(1 for _ in body.iterchildren(f"{_W}p", f"{_W}tbl"))
    check_count(blocks, "max_sheet_rows", "a body of {:,} paragraphs and tables", limits,
                SourceRef(file=name, sheet="正文"))
    parts: list[Part] = []
    paragraphs = tables = 0
    for block in body.iterchildren(f"{_W}p", f"{_W}tbl"):
        if block.tag == f"{_W}p":
            paragraphs += 1
            where = SourceRef(file=name, sheet="正文", row=paragraphs)
            text = check_text(clean_text(_paragraph_text(block)), limits, where,
                              "a paragraph")
            if text:
                parts.append(TextLine(text=text, source=where))
        else:
            tables += 1
            parts.append(walk.grid(block, f"表{tables}"))
    return Document(file=name, parts=tuple(parts))
