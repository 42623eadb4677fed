"""Input limits of the form readers (#19): the settings reach every reader, what a real form
holds still reads, and input over a limit or odd in a way the loaders do not expect is a
:class:`FormError` with its place. The huge cases are in tests/hostile/test_forms.py."""

from __future__ import annotations

import inspect
import io
import zipfile
from pathlib import Path

import pytest

from indicator_rules import FormError, InputLimits, read_forms
from indicator_rules.forms import (
    parse_csv,
    parse_markdown,
    read_csv,
    read_document,
    read_docx,
    read_markdown,
    read_xlsx,
)
from tests.forms.helpers import SAMPLE_MD, bare, expected
from tests.forms.hostile import (
    DOCUMENT,
    WORD_NS,
    base_docx,
    base_xlsx,
    docx_with_body,
    replace_member,
    text_cell,
    word_cell,
    word_table,
    xlsx_with_sheet,
)

EXCEL_CELL_MAX = 32_767  # characters Excel allows in one cell


@pytest.mark.parametrize("reader", [read_forms, read_document, read_markdown, read_csv,
                                    read_xlsx, read_docx, parse_markdown, parse_csv])
def test_every_reader_takes_limits_by_keyword_only(reader):
    parameter = inspect.signature(reader).parameters["limits"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default == InputLimits()


def test_limits_given_to_read_forms_reach_the_reader():
    with pytest.raises(FormError) as caught:
        read_forms(SAMPLE_MD, limits=InputLimits(max_sheet_rows=50))
    assert caught.value.file == str(SAMPLE_MD)
    lines = SAMPLE_MD.read_text(encoding="utf-8").count("\n") + 1
    assert f"a text of {lines} lines (at most 50; the limit is InputLimits.max_sheet_rows" in \
        str(caught.value)
    assert [bare(d) for d in read_forms(SAMPLE_MD, limits=InputLimits())] == expected()


def test_a_file_over_max_file_bytes_is_refused_before_it_is_read(tmp_path: Path):
    path = tmp_path / "form.md"
    path.write_text("| 项目名称 | 甲 |\n" * 100, encoding="utf-8")
    with pytest.raises(FormError) as caught:
        read_forms(path, limits=InputLimits(max_file_bytes=1_000))
    assert str(caught.value) == (
        f"{path}: input over the limit: a file of 2,300 bytes (at most 1,000; the limit is "
        "InputLimits.max_file_bytes, which can be raised for input that really is this large)")


def _long(count: int) -> str:
    return ("甲乙丙丁戊己庚辛壬癸" * (count // 10 + 1))[:count]


def _forms_with_cell(tmp_path: Path, text: str) -> dict[str, Path]:
    """A project form's name cell holding ``text``, in each format."""
    md = tmp_path / "form.md"
    md.write_text(f"项目绩效目标申报表\n| 项目名称 | {text} |\n", encoding="utf-8")
    csv = tmp_path / "form.csv"
    csv.write_text(f"项目绩效目标申报表\n项目名称,{text}\n", encoding="utf-8")
    xlsx = xlsx_with_sheet(tmp_path / "form.xlsx", '<row r="1">'
                           + text_cell("A1", "项目绩效目标申报表") + '</row><row r="2">'
                           + text_cell("A2", "项目名称") + text_cell("B2", text) + "</row>")
    docx = docx_with_body(tmp_path / "form.docx", "<w:p><w:r><w:t>项目绩效目标申报表</w:t></w:r>"
                          "</w:p>" + word_table(["<w:tr>" + word_cell("项目名称")
                                                 + word_cell(text) + "</w:tr>"]))
    return {"md": md, "csv": csv, "xlsx": xlsx, "docx": docx}


def test_a_cell_as_long_as_excel_allows_still_reads(tmp_path: Path):
    text = _long(EXCEL_CELL_MAX)
    for kind, path in _forms_with_cell(tmp_path, text).items():
        (declaration,) = read_forms(path)
        assert declaration.name == text, kind


@pytest.mark.parametrize(("kind", "sheet", "row", "column"), [
    ("md", None, 2, 2), ("csv", None, 2, 2), ("xlsx", "Sheet", 2, 2), ("docx", "表1", 1, 2)])
def test_a_cell_over_max_text_chars_is_refused_with_its_place(tmp_path: Path, kind: str,
                                                              sheet: str | None, row: int,
                                                              column: int):
    path = _forms_with_cell(tmp_path, _long(EXCEL_CELL_MAX + 1))[kind]
    with pytest.raises(FormError) as caught:
        read_forms(path, limits=InputLimits(max_text_chars=EXCEL_CELL_MAX))
    error = caught.value
    assert (error.file, error.sheet, error.row, error.column) == (str(path), sheet, row, column)
    assert error.message.startswith("input over the limit: a cell of 32,768 characters (at most "
                                    "32,767; the limit is InputLimits.max_text_chars")


def test_text_lines_rows_and_cells_are_bounded_in_text_forms():
    with pytest.raises(FormError, match=r"第1行: input over the limit: a table row of 6 cells "
                                        r"or more \(at most 4;"):
        parse_markdown("| a | b | c | d | e | f |", limits=InputLimits(max_sheet_columns=4))
    with pytest.raises(FormError, match=r"第2行 第3列: input over the limit: a file of 3 "
                                        r"non-empty cells \(at most 2;"):
        parse_markdown("| a |\n| b | | c |", limits=InputLimits(max_sheet_cells=2))
    with pytest.raises(FormError, match=r"第1行: input over the limit: a record of 3 fields"):
        parse_csv("a,b,c\n", limits=InputLimits(max_sheet_columns=2))
    with pytest.raises(FormError, match=r"<string>: input over the limit: a text of 4 lines"):
        parse_csv("a\rb\r\nc\nd", limits=InputLimits(max_sheet_rows=3))
    with pytest.raises(FormError, match=r"第2行: input over the limit: a line of 12 bytes"):
        parse_markdown("ok\n甲乙丙丁", limits=InputLimits(max_line_bytes=11))


def test_csv_records_end_only_at_line_ends():
    # str.splitlines also ends lines at \x1c, \x0b, \x85 …: a cell holding one stays one cell
    document = parse_csv("项目名称,甲\x1c乙\r丙,丁\n")
    assert [(cell.row, cell.text) for cell in document.grids[0].cells] == \
        [(1, "项目名称"), (1, "甲\x1c乙"), (2, "丙"), (2, "丁")]


def test_a_word_vertical_merge_of_many_rows_is_one_cell(tmp_path: Path):
    # python-docx follows a continued merge up its column recursively, again for every row
    rows = ["<w:tr>" + word_cell("项目名称", vmerge="restart") + word_cell("甲") + "</w:tr>"]
    rows += ["<w:tr>" + word_cell(vmerge="") + word_cell("乙") + "</w:tr>"] * 1_500
    path = docx_with_body(tmp_path / "merge.docx", word_table(rows))
    grid = read_document(path).grids[0]
    label = next(cell for cell in grid.cells if cell.text == "项目名称")
    assert (label.row, label.column, label.row_span, label.column_span) == (1, 1, 1_501, 1)
    assert len(grid.cells) == 1 + 1_501


def test_a_word_merge_continued_with_nothing_above_is_a_cell_of_its_own(tmp_path: Path):
    rows = ["<w:tr>" + word_cell("项目名称", vmerge="continue") + word_cell("甲") + "</w:tr>"]
    path = docx_with_body(tmp_path / "merge.docx", word_table(rows))
    assert [(cell.text, cell.row, cell.column, cell.row_span) for cell in
            read_document(path).grids[0].cells] == [("项目名称", 1, 1, 1), ("甲", 1, 2, 1)]


@pytest.mark.parametrize(("properties", "message"), [
    ('<w:gridSpan w:val="two"/>', "w:gridSpan is 'two', not a whole number"),
    ('<w:gridSpan w:val="-3"/>', "w:gridSpan is '-3', not a whole number"),
])
def test_a_word_span_that_is_no_number_is_an_error_with_its_place(tmp_path: Path,
                                                                  properties: str, message: str):
    row = f"<w:tr>{word_cell('甲')}<w:tc><w:tcPr>{properties}</w:tcPr><w:p/></w:tc></w:tr>"
    path = docx_with_body(tmp_path / "span.docx", word_table([word_cell("项目名称").join(
        ["<w:tr>", "</w:tr>"]), row]))
    with pytest.raises(FormError) as caught:
        read_document(path)
    assert (caught.value.sheet, caught.value.row, caught.value.message) == ("表1", 2, message)


def test_a_table_nested_in_a_word_cell_reads_each_cell_once(tmp_path: Path):
    inner = word_table(["<w:tr>" + word_cell("甲", span=2) + word_cell("乙", vmerge="restart")
                        + "</w:tr>", "<w:tr>" + word_cell("丙") + word_cell("丁")
                        + word_cell(vmerge="") + "</w:tr>"], grid_columns=3)
    outer = word_table([f"<w:tr>{word_cell('项目名称')}<w:tc>{inner}<w:p/></w:tc></w:tr>"])
    path = docx_with_body(tmp_path / "nested.docx", outer)
    cell = next(cell for cell in read_document(path).grids[0].cells if cell.column == 2)
    assert cell.text == "甲 乙\n丙 丁"


def test_an_excel_formula_reads_its_cached_result_or_else_its_text(tmp_path: Path):
    path = xlsx_with_sheet(tmp_path / "formulas.xlsx", '<row r="1"><c r="A1"><v>1</v></c>'
                           '<c r="B1"><f>A1+1</f><v>2</v></c><c r="C1"><f>A1*3</f></c></row>')
    assert [cell.text for cell in read_document(path).grids[0].cells] == ["1", "2", "=A1*3"]


def test_a_workbook_without_formulas_is_loaded_once(tmp_path: Path, monkeypatch):
    import openpyxl

    loads: list[bool] = []
    load = openpyxl.load_workbook

    def counted(*args: object, **kwargs: bool) -> object:
        loads.append(kwargs["data_only"])
        return load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(openpyxl, "load_workbook", counted)
    read_document(xlsx_with_sheet(tmp_path / "plain.xlsx", '<row r="1"><c r="A1"><v>1</v></c>'
                                  "</row>"))
    assert loads == [True]


@pytest.mark.parametrize(("change", "message"), [
    ("bzip2", "the member 'xl/styles.xml' is compressed with method 12 (Office files are "
              "stored or deflated)"),
    ("cut", "the part 'xl/styles.xml' is not well-formed XML: "),
    ("gb2312", "the part 'xl/styles.xml' is not well-formed XML: multi-byte encodings are not "
               "supported"),
])
def test_an_archive_member_office_files_do_not_have_is_damage(tmp_path: Path, change: str,
                                                             message: str):
    path = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(io.BytesIO(base_xlsx())) as source:
        styles = source.read("xl/styles.xml")
    if change == "bzip2":
        with zipfile.ZipFile(io.BytesIO(base_xlsx())) as source, \
                zipfile.ZipFile(path, "w") as archive:
            for info in source.infolist():
                method = zipfile.ZIP_BZIP2 if info.filename == "xl/styles.xml" \
                    else zipfile.ZIP_DEFLATED
                archive.writestr(info.filename, source.read(info), compress_type=method)
    elif change == "cut":
        replace_member(base_xlsx(), path, "xl/styles.xml", styles[: len(styles) // 2])
    else:
        declared = b'<?xml version="1.0" encoding="GB2312"?>' + styles
        replace_member(base_xlsx(), path, "xl/styles.xml", declared)
    with pytest.raises(FormError) as caught:
        read_document(path)
    assert caught.value.message.startswith("cannot read the file as an Excel workbook (.xlsx): "
                                           + message)


@pytest.mark.parametrize(("document", "message"), [
    (f'<w:fldChar xmlns:w="{WORD_NS}"/>', "the reader failed with AttributeError"),
    (f'<w:document xmlns:w="{WORD_NS}"/>', "its document has no body (w:body)"),
])
def test_a_word_document_part_without_a_body_is_an_error(tmp_path: Path, document: str,
                                                         message: str):
    path = replace_member(base_docx(), tmp_path / "nobody.docx", DOCUMENT, document.encode())
    with pytest.raises(FormError) as caught:
        read_document(path)
    assert caught.value.message.startswith("cannot read the file as a Word document (.docx): ")
    assert message in caught.value.message
