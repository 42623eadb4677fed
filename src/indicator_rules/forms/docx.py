"""Word documents (``.docx``) → :class:`Document`: body paragraphs and tables, in order.

Read with python-docx. A merged cell (``gridSpan`` across, ``vMerge`` down) becomes one
:class:`Cell` at its top-left corner with its spans; rows that start late (``gridBefore``) keep
their columns. A cell's text is its paragraphs, one per line; a table nested in a cell adds its
rows as lines (cells separated by a space), so that nothing in it is lost. Headers, footers,
text boxes and comments are not read.

Content controls (``w:sdt``, the fill-in fields of many templates) and the other elements that
wrap text without being a paragraph, run or cell themselves (``w:customXml``, ``w:smartTag``,
tracked insertions ``w:ins``, ``w:moveTo``, ``w:fldSimple``) are unwrapped before reading, so
their text reads like any other; python-docx alone skips it. A content control still showing
its placeholder (``w:showingPlcHdr``, 单击或点击此处输入文字) holds no data and is dropped.

Positions: a table cell is ``表N`` with its row and grid column in that table; a paragraph outside
the tables is ``正文`` with its number among the body's paragraphs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from indicator_rules.forms.grid import Cell, Document, Grid, Part, TextLine, clean_text
from indicator_rules.forms.office import load_office_file
from indicator_rules.source import SourceRef

if TYPE_CHECKING:
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.table import Table, _Cell

__all__ = ["read_docx"]


def _cell_lines(cell: _Cell) -> Iterator[str]:
    from docx.text.paragraph import Paragraph

    for block in cell.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        else:
            for row in block.rows:
                yield " ".join(_cell_text(inner) for inner in row.cells)


def _cell_text(cell: _Cell) -> str:
    return clean_text("\n".join(_cell_lines(cell)))


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


def _grid(table: Table, name: str, file: str) -> Grid:
    # python-docx repeats a merged cell at every grid position it covers (a vMerge continuation
    # gives the cell above): gather the positions of each underlying <w:tc> element.
    places: dict[int, list[tuple[int, int]]] = {}
    anchors: dict[int, _Cell] = {}
    for row_number, row in enumerate(table.rows, start=1):
        for offset, cell in enumerate(row.cells):
            key = id(cell._tc)  # the same element for every position a merged cell covers
            anchors.setdefault(key, cell)
            places.setdefault(key, []).append((row_number, row.grid_cols_before + offset + 1))
    cells: list[Cell] = []
    for key, positions in places.items():
        text = _cell_text(anchors[key])
        if not text:
            continue
        rows = sorted({row for row, _ in positions})
        columns = sorted({column for _, column in positions})
        cells.append(Cell(
            text=text, row=rows[0], column=columns[0], row_span=len(rows),
            column_span=len(columns),
            source=SourceRef(file=file, sheet=name, row=rows[0], column=columns[0]),
        ))
    cells.sort(key=lambda cell: (cell.row, cell.column))
    return Grid(cells=tuple(cells), name=name, source=SourceRef(file=file, sheet=name))


def read_docx(path: str | Path) -> Document:
    """Read the body of a Word document; raises :class:`FormError` naming the file."""
    import docx  # a heavy import, needed only for Word files
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import PackageNotFoundError
    from docx.text.paragraph import Paragraph

    name = str(path)
    document = load_office_file(lambda: docx.Document(name), path, "a Word document (.docx)",
                                (PackageNotFoundError, PythonDocxError))
    _unwrap(document.element.body)
    parts: list[Part] = []
    paragraphs = tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs += 1
            text = clean_text(block.text)
            if text:
                parts.append(TextLine(text=text, source=SourceRef(file=name, sheet="正文",
                                                                  row=paragraphs)))
        else:
            tables += 1
            parts.append(_grid(block, f"表{tables}", name))
    return Document(file=name, parts=tuple(parts))
