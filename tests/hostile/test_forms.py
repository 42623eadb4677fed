"""Tiny form files, huge memory (#19): each is refused early, with the file, the place and the
setting, in bounded time and memory.

Every file is made at test time (a few MB at most on disk) and read by ``read_forms`` in one
child process whose address space is capped (3 GiB), so that the code before these checks
(which took up to 4 GB and minutes on them) fails the test instead of the machine. Each case
then checks what was refused and where, that it took under 20 s, and that the child's peak
memory stayed under 400 MB. The numbers are blow-up guards, not speed targets: the checked
reader takes a second or so for each.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.forms.hostile import (
    DOCUMENT,
    SHEET,
    SHEET_NS,
    WORD_NS,
    RawMember,
    base_docx,
    base_xlsx,
    bomb,
    docx_with_body,
    many_rows,
    read_in_child,
    text_cell,
    with_raw_member,
    word_cell,
    word_table,
    write_raw_zip,
    xlsx_with_sheet,
    xlsx_with_sheet_named,
)

_PEAK_MB = 400
_SECONDS = 20
_TITLE_ROW = '<row r="1">' + text_cell("A1", "项目绩效目标申报表") + "</row>"


def _far_cell(folder: Path) -> Path:  # one cell at XFD1048576: 5 KB
    return xlsx_with_sheet(folder / "far-cell.xlsx", _TITLE_ROW + '<row r="1048576">'
                           + text_cell("XFD1048576", "x") + "</row>",
                           dimension="A1:XFD1048576")


def _far_column(folder: Path) -> Path:
    return xlsx_with_sheet(folder / "far-column.xlsx", '<row r="1">'
                           + text_cell("A1", "项目名称") + text_cell("XFD1", "x") + "</row>")


def _whole_sheet_merge(folder: Path) -> Path:
    return xlsx_with_sheet(folder / "merge.xlsx", _TITLE_ROW, merges=["A1:XFD1048576"])


def _many_merges(folder: Path) -> Path:  # 2,000 merges of 1,000 cells each: 2 million
    merges = [f"A{row}:ALL{row}" for row in range(2, 2002)]
    return xlsx_with_sheet(folder / "many-merges.xlsx", _TITLE_ROW, merges=merges)


def _hyperlink_range(folder: Path) -> Path:  # openpyxl makes a cell for each of its positions
    return xlsx_with_sheet(folder / "hyperlink.xlsx", _TITLE_ROW, after='<hyperlinks><hyperlink '
                           'ref="A1:XFD1048576" location="Sheet!A1"/></hyperlinks>')


def _many_ranges(folder: Path) -> Path:  # 12,000 merged ranges of 2 cells
    return xlsx_with_sheet(folder / "ranges.xlsx", _TITLE_ROW,
                           merges=[f"A{row}:B{row}" for row in range(2, 12_002)])


def _many_sheets(folder: Path) -> Path:  # one sheet part named by 3,000 sheets
    return xlsx_with_sheet_named(folder / "sheets.xlsx", 3_000, _TITLE_ROW)


def _sheet_loaded_often(folder: Path) -> Path:  # 900 sheets × a part of 1,300 elements
    cells = "".join(f'<row r="{row}"><c r="A{row}"><v>{row}</v></c></row>' for row in range(2, 435))
    return xlsx_with_sheet_named(folder / "loaded.xlsx", 900, _TITLE_ROW + cells)


def _million_rows(folder: Path) -> Path:
    return xlsx_with_sheet(folder / "rows.xlsx", many_rows(1_000_000))


def _grid_span(folder: Path) -> Path:
    row = "<w:tr>" + word_cell("项目名称", span=100_000_000) + "</w:tr>"
    return docx_with_body(folder / "span.docx", word_table([row]))


def _grid_before(folder: Path) -> Path:
    row = ('<w:tr><w:trPr><w:gridBefore w:val="50000000"/></w:trPr>' + word_cell("项目名称")
           + "</w:tr>")
    return docx_with_body(folder / "before.docx", word_table([row]))


def _grid_columns(folder: Path) -> Path:
    row = "<w:tr>" + word_cell("项目名称") + "</w:tr>"
    return docx_with_body(folder / "grid.docx", word_table([row], grid_columns=5_000))


def _table_rows(folder: Path) -> Path:
    rows = ["<w:tr>" + word_cell("项目名称") + "</w:tr>"] * 30_000
    return docx_with_body(folder / "table-rows.docx", word_table(rows))


def _paragraphs(folder: Path) -> Path:
    return docx_with_body(folder / "paragraphs.docx", "<w:p><w:r><w:t>甲</w:t></w:r></w:p>"
                          * 30_000)


def _elements(folder: Path) -> Path:  # 1.2 million elements that do not compress much
    generator = random.Random(19)
    # 2,400 elements of random ids, 60 KB: deflate looks back 32 KB only, so repeating them
    # compresses little
    chunk = "".join(f'<w:r w:rsidR="{generator.getrandbits(32):08X}"/>' for _ in range(2_400))
    return docx_with_body(folder / "elements.docx", f"<w:p>{chunk * 500}</w:p>")


def _docx_bomb(folder: Path) -> Path:  # 4 MB that inflate to 3.9 GB
    head = f'<w:document xmlns:w="{WORD_NS}"><w:body>'.encode()
    member = bomb(head, b" ", 3_900, b"</w:body></w:document>")
    return with_raw_member(base_docx(), folder / "bomb.docx", attrs.evolve(member, name=DOCUMENT))


def _xlsx_bomb(folder: Path) -> Path:
    head = f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode()
    member = bomb(head, b" ", 3_900, b"</sheetData></worksheet>")
    return with_raw_member(base_xlsx(), folder / "bomb.xlsx", attrs.evolve(member, name=SHEET))


def _ratio_bomb(folder: Path) -> Path:  # 200 MB of spaces, under max_archive_bytes
    head = f'<w:document xmlns:w="{WORD_NS}"><w:body>'.encode()
    member = bomb(head, b" ", 200, b"</w:body></w:document>")
    return with_raw_member(base_docx(), folder / "ratio.docx", attrs.evolve(member, name=DOCUMENT))


def _lying_header(folder: Path) -> Path:  # declares 1,000 bytes, inflates to 900 MB
    head = f'<w:document xmlns:w="{WORD_NS}"><w:body>'.encode()
    member = bomb(head, b" ", 900, b"</w:body></w:document>")
    return with_raw_member(base_docx(), folder / "lying.docx",
                           attrs.evolve(member, name=DOCUMENT, file_size=1_000))


def _many_members(folder: Path) -> Path:  # 200,000 directory entries, 47 bytes each
    empty = RawMember("a", b"", 0, 0, zipfile.ZIP_STORED)
    path = write_raw_zip(folder / "members.xlsx", [empty])
    data = path.read_bytes()
    entry_end = data.index(b"PK\x05\x06")
    entry_start = data.index(b"PK\x01\x02")
    entry = data[entry_start:entry_end]
    directory = entry * 200_000
    end = bytearray(data[entry_end:])
    end[10:12] = end[8:10] = (0xFFFF).to_bytes(2, "little")
    end[12:16] = len(directory).to_bytes(4, "little")
    path.write_bytes(data[:entry_start] + directory + bytes(end))
    return path


def _long_cell(folder: Path) -> Path:
    return xlsx_with_sheet(folder / "long-cell.xlsx", _TITLE_ROW + '<row r="2">'
                           + text_cell("B2", "甲" * 200_000) + "</row>")


def _long_line(folder: Path) -> Path:  # one Markdown line of 20 MB
    path = folder / "line.md"
    path.write_text("| " + "甲 " * 5_000_000 + "|\n", encoding="utf-8")
    return path


def _many_lines(folder: Path) -> Path:
    path = folder / "lines.md"
    path.write_text("| 甲 |\n" * 1_300_000, encoding="utf-8")
    return path


def _csv_separators(folder: Path) -> Path:  # 10 MB of U+001C, a line end to str.splitlines
    path = folder / "separators.csv"
    path.write_text("项目名称,甲\n" + "\x1c" * 10_000_000 + "\n", encoding="utf-8")
    return path


def _unclosed_tags(folder: Path) -> Path:  # cells of "<p <p <p …" (a tag never closed)
    row = "| 项目名称 | " + "<p " * 33_000 + " |\n"
    path = folder / "tags.md"
    path.write_text("项目绩效目标申报表\n" + row * 20, encoding="utf-8")
    return path


@attrs.frozen
class Case:
    """A hostile file and what the reader must say about it."""

    build: Callable[[Path], Path]
    message: str  # a part of the error's message, or "" when the file may be read
    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    limits: dict[str, int] | None = None  # settings raised for this case


_OVER = "input over the limit: "
CASES = {
    "far-cell": Case(_far_cell, _OVER + "a sheet reaching row 1,048,576 (at most 20,000; the "
                     "limit is InputLimits.max_sheet_rows", "Sheet", 1_048_576),
    "far-column": Case(_far_column, "a sheet reaching column 16,384 (at most 1,000; the limit "
                       "is InputLimits.max_sheet_columns", "Sheet", 1, 16_384),
    "whole-sheet-merge": Case(_whole_sheet_merge, "merged ranges covering 17,179,869,183 cells "
                              "(the last A1:XFD1048576) (at most 1,000,000; the limit is "
                              "InputLimits.max_merged_cells", "Sheet", 1, 1),
    "many-merges": Case(_many_merges, "merged ranges covering 1,000,998 cells (the last "
                        "A1003:ALL1003)", "Sheet", 1003, 1),
    "hyperlink-range": Case(_hyperlink_range, "a sheet of 17,179,869,185 cells with its hyperlinks "
                            "(the last A1:XFD1048576) (at most 100,000; the limit is "
                            "InputLimits.max_sheet_cells", "Sheet", 1, 1),
    "many-ranges": Case(_many_ranges, "a workbook of 10,001 merged ranges and hyperlinks or more "
                        "(at most 10,000"),
    "many-sheets": Case(_many_sheets, "a workbook of 1,001 sheets or more (at most 1,000"),
    "sheet-loaded-often": Case(_sheet_loaded_often, "elements as openpyxl loads them (the part "
                               "'xl/worksheets/sheet1.xml' 900 times)"),
    "million-rows": Case(_million_rows, "a sheet of 20,001 rows (at most 20,000; the limit is "
                         "InputLimits.max_sheet_rows", "Sheet", 20_001),
    "grid-span": Case(_grid_span, "a row reaching grid column 100,000,000 (w:gridBefore, "
                      "w:gridSpan) (at most 1,000; the limit is InputLimits.max_sheet_columns",
                      "表1", 1, 1),
    "grid-before": Case(_grid_before, "a row reaching grid column 50,000,001", "表1", 1,
                        50_000_001),
    "grid-columns": Case(_grid_columns, "a table grid of 5,000 columns (w:gridCol)", "表1"),
    "table-rows": Case(_table_rows, "a table of 30,000 rows (at most 20,000; the limit is "
                       "InputLimits.max_sheet_rows", "表1", 20_001),
    "paragraphs": Case(_paragraphs, "a body of 30,000 paragraphs and tables (at most 20,000",
                       "正文"),
    "elements": Case(_elements, "XML parts of 1,000,001 elements or more (at most 1,000,000"),
    "docx-bomb": Case(_docx_bomb, "bytes (at most 268,435,456; the limit is "
                      "InputLimits.max_archive_bytes"),
    "xlsx-bomb": Case(_xlsx_bomb, "bytes (at most 268,435,456; the limit is "
                      "InputLimits.max_archive_bytes"),
    "ratio-bomb": Case(_ratio_bomb, "the member 'word/document.xml' inflating to "),
    "lying-header": Case(_lying_header, "cannot read the file as a Word document (.docx): the "
                         "member 'word/document.xml' inflates to more than the 1,000 bytes its "
                         "header declares"),
    "many-members": Case(_many_members, "a zip archive of 65,535 members (at most 10,000"),
    "long-cell": Case(_long_cell, "a cell of 200,000 characters (at most 100,000; the limit is "
                      "InputLimits.max_text_chars", "Sheet", 2, 2),
    "long-line": Case(_long_line, "a line of 20,000,003 bytes (at most 16,777,216; the limit "
                      "is InputLimits.max_line_bytes", None, 1),
    "many-lines": Case(_many_lines, "a text of 1,300,001 lines (at most 20,000"),
    "csv-separators": Case(_csv_separators, "not a valid CSV file: field larger than field "
                           "limit", None, 2),
    "unclosed-tags": Case(_unclosed_tags, ""),
    # raised limits let the far cell through: only the cells the sheet holds are walked
    "far-cell-allowed": Case(_far_cell, "", limits={"max_sheet_rows": 1_048_576,
                                                     "max_sheet_columns": 16_384}),
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every case's file read in one child process: what came out of each."""
    folder = tmp_path_factory.mktemp("hostile-forms")
    paths = {}
    for name, case in CASES.items():
        (folder / name).mkdir()
        paths[name] = case.build(folder / name)
    # small on disk: at most the 20 MB of a text line over max_line_bytes
    assert all(path.stat().st_size < 24 << 20 for path in paths.values())
    by_path = read_in_child([(path, CASES[name].limits) for name, path in paths.items()],
                            timeout=240)
    return {name: by_path.get(str(path), {}) for name, path in paths.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_form_is_refused_early_with_its_place(name: str,
                                                      outcomes: dict[str, dict[str, Any]]):
    case, outcome = CASES[name], outcomes[name]
    assert outcome, f"{name}: the reader never finished (killed after the child's time)"
    assert "crash" not in outcome, outcome["crash"]
    if case.message:
        assert case.message in outcome.get("error", ""), outcome
        assert (outcome["sheet"], outcome["row"], outcome["column"]) == \
            (case.sheet, case.row, case.column), outcome
        assert outcome["cause"] not in ("MemoryError", "RecursionError"), outcome
    assert outcome["seconds"] < _SECONDS, outcome
    assert outcome["peak_mb"] < _PEAK_MB, outcome
