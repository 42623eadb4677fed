"""The sample forms typed into Excel and Word, with merged cells as real templates have them,
import to the same declarations as the Markdown conversion."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from indicator_rules import DepartmentDeclaration, SourceRef
from indicator_rules.forms import Grid, read_document, read_forms
from tests.forms.helpers import SAMPLE_MD, bare, expected
from tests.forms.layout import Placed, layouts, write_docx, write_xlsx


@pytest.fixture(scope="module")
def office_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office")
    forms = layouts(expected())
    files = {"xlsx": folder / "hengyang-2021.xlsx", "docx": folder / "hengyang-2021.docx"}
    write_xlsx(forms, files["xlsx"])
    write_docx(forms, files["docx"])
    return files


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_office_forms_import_to_the_expected_declarations(office_files, kind):
    declarations = read_forms(office_files[kind])
    assert [bare(declaration) for declaration in declarations] == expected()
    assert [note for declaration in declarations for note in declaration.notes] == []


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_office_forms_match_the_markdown_conversion(office_files, kind):
    assert [bare(d) for d in read_forms(office_files[kind])] == \
        [bare(d) for d in read_forms(SAMPLE_MD)]


def test_a_sheet_that_starts_in_another_column_reads_the_same(tmp_path: Path):
    path = tmp_path / "offset.xlsx"
    write_xlsx(layouts(expected()), path, first_column=3)
    assert [bare(declaration) for declaration in read_forms(path)] == expected()


def test_excel_positions_name_the_sheet_row_and_column(office_files):
    first, _, department = read_forms(office_files["xlsx"])
    assert isinstance(department, DepartmentDeclaration)
    file = str(office_files["xlsx"])
    assert first.source == SourceRef(file=file, sheet="3-1", row=2, column=1)
    # rows 1-4 are titles and 填报单位 | 金额单位; then 项目名称 5, 预算单位 6, 项目资金 7-9,
    # 总体目标 10-11, the indicator header 12
    assert first.funding.source == SourceRef(file=file, sheet="3-1", row=7, column=1)
    assert first.indicators[0].value.source == SourceRef(file=file, sheet="3-1", row=13,
                                                         column=5)
    assert department.tasks[0].source == SourceRef(file=file, sheet="3-3", row=13, column=2)


def test_word_positions_name_the_table_row_and_column(office_files):
    first, _, department = read_forms(office_files["docx"])
    file = str(office_files["docx"])
    assert first.source == SourceRef(file=file, sheet="正文", row=2)
    assert first.indicators[0].value.source == SourceRef(file=file, sheet="表1", row=9,
                                                         column=5)
    assert department.indicators[0].source is not None
    assert department.indicators[0].source.sheet == "表3"


def test_merged_cells_become_spans(office_files):
    for kind in ("xlsx", "docx"):
        grid = read_document(office_files[kind]).grids[0]
        funding_label = next(cell for cell in grid.cells if cell.text == "项目资金（万元）")
        assert (funding_label.row_span, funding_label.column_span) == (3, 1), kind
        name = next(cell for cell in grid.cells if cell.text == "党员活动经费")
        assert name.column_span == 4, kind
        output = next(cell for cell in grid.cells if cell.text == "产出指标")
        assert output.row_span == 8, kind
        assert not any(cell.column == output.column and output.row < cell.row <= output.last_row
                       for cell in grid.cells), kind  # nothing under a merged cell


def test_excel_numbers_keep_the_decimals_they_show(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    values = [(40.0, "0.00"), (539.42, "#,##0.00"), (10, "General"), (26.0, "General"),
              (0.1 + 0.2, "0.00"), (1.125, "0.00")]
    for row, (value, number_format) in enumerate(values, start=1):
        sheet.cell(row=row, column=1, value=value).number_format = number_format
    sheet.cell(row=1, column=2, value="=A1+A2")  # a formula without a cached result
    path = tmp_path / "numbers.xlsx"
    workbook.save(path)
    grid = read_document(path).grids[0]
    assert isinstance(grid, Grid)
    texts = {(cell.row, cell.column): cell.text for cell in grid.cells}
    assert [texts[(row, 1)] for row in range(1, 7)] == [
        "40.00", "539.42", "10", "26", "0.30", "1.125"]
    assert texts[(1, 2)] == "=A1+A2"  # kept, not lost
    assert Decimal(texts[(2, 1)]) == Decimal("539.42")


def test_layout_cells_are_well_formed():
    for form in layouts(expected()):
        assert all(isinstance(cell, Placed) and cell.row >= 1 for cell in form.table)


def _workbook_with_lists(path: Path, *, hidden: bool) -> None:
    """A form on its first sheet and, after it, the drop-down lists of the template."""
    import openpyxl

    workbook = openpyxl.Workbook()
    form = workbook.active
    assert form is not None
    form.title = "申报表"
    for row in (["项目绩效目标申报表"], ["项目名称", "测试项目"],
                ["一级指标", "二级指标", "三级指标", "指标值"],
                ["产出指标", "数量指标", "培训人次", "500人次"]):
        form.append(row)
    lists = workbook.create_sheet("下拉列表")
    categories: list[list[str | None]] = [["一级指标", "二级指标"], ["产出指标", "数量指标"],
                                          [None, "质量指标"]]
    for categories_row in categories:
        lists.append(categories_row)
    if hidden:
        lists.sheet_state = "hidden"
    workbook.save(path)


def test_a_hidden_sheet_is_not_read_but_named_in_a_note(tmp_path: Path):
    path = tmp_path / "lists.xlsx"
    _workbook_with_lists(path, hidden=True)
    (declaration,) = read_forms(path)
    assert [(i.level2, i.name) for i in declaration.indicators] == [("数量指标", "培训人次")]
    assert [(note.text, note.source, note.reason) for note in declaration.notes] == [
        ("下拉列表", SourceRef(file=str(path), sheet="下拉列表"),
         "隐藏的工作表（5 个非空单元格），未读取")]


def test_a_sheet_without_a_form_header_does_not_continue_the_indicators(tmp_path: Path):
    path = tmp_path / "lists.xlsx"
    _workbook_with_lists(path, hidden=False)
    (declaration,) = read_forms(path)
    assert [(i.level2, i.name) for i in declaration.indicators] == [("数量指标", "培训人次")]
    assert [(note.text, note.source.sheet if note.source else None, note.reason)
            for note in declaration.notes] == [
        (text, "下拉列表", "未能归入任何字段")
        for text in ("一级指标", "二级指标", "产出指标", "数量指标", "质量指标")]


def _wrap_in_content_control(element: Any, *, placeholder: bool = False) -> None:
    """Put ``element`` (a paragraph, run or row) inside a Word content control (``w:sdt``)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    shown = "<w:showingPlcHdr/>" if placeholder else ""
    control = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr>{shown}</w:sdtPr>"
                        "<w:sdtContent/></w:sdt>")
    element.addprevious(control)
    control[1].append(element)


def _wrap_in_tracked_insertion(run: Any) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    insertion = parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="甲"/>')
    run.addprevious(insertion)
    insertion.append(run)


def test_word_content_controls_are_read(tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_paragraph("项目绩效目标申报表")
    table = document.add_table(rows=3, cols=4)
    for row, texts in enumerate((("项目名称", "测试项目"),
                                 ("一级指标", "二级指标", "三级指标", "指标值"),
                                 ("产出指标", "数量指标", "培训人次", "500人次"))):
        for column, text in enumerate(texts):
            table.cell(row, column).text = text
    _wrap_in_content_control(table.cell(0, 1).paragraphs[0]._p)  # a fill-in field in a cell
    _wrap_in_content_control(table.rows[2]._tr)  # a repeating-section row
    filled_by = document.add_paragraph("填报人：")
    _wrap_in_content_control(filled_by.add_run("张三")._r)  # a field inside a paragraph
    phone = document.add_paragraph("联系电话：")
    _wrap_in_content_control(phone._p)  # a whole paragraph
    _wrap_in_tracked_insertion(phone.add_run("0734-1")._r)
    hint = document.add_paragraph("填报日期：")
    _wrap_in_content_control(hint.add_run("单击或点击此处输入日期。")._r, placeholder=True)
    path = tmp_path / "controls.docx"
    document.save(str(path))
    (declaration,) = read_forms(path)
    assert declaration.name == "测试项目"
    assert [(i.level2, i.name, i.value.text) for i in declaration.indicators] == [
        ("数量指标", "培训人次", "500人次")]
    assert (declaration.contact.filled_by, declaration.contact.phone,
            declaration.contact.filled_on) == ("张三", "0734-1", None)
    assert declaration.notes == ()  # the placeholder is no data


def test_excel_percentages_and_currency_formats_read_as_shown(tmp_path: Path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    values = [(0.95, "0%"), (0.955, "0.0%"), (0.955, "0%"), (1, "0.00%"), (0.1 + 0.2, "0%"),
              (40, '"¥"#,##0.00'), (12.5, "#,##0.00_);[Red](#,##0.00)")]
    for row, (value, number_format) in enumerate(values, start=1):
        sheet.cell(row=row, column=1, value=value).number_format = number_format
    path = tmp_path / "percent.xlsx"
    workbook.save(path)
    texts = [cell.text for cell in read_document(path).grids[0].cells]
    # 0.955 in 0%: Excel shows 96%; the reader keeps the digits the format hides, never rounds
    assert texts == ["95%", "95.5%", "95.5%", "100.00%", "30%", "40.00", "12.50"]


def test_each_sheet_that_starts_with_the_form_name_field_is_a_form(tmp_path: Path):
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for number, (name, total) in enumerate((("项目一", 10), ("项目二", 20)), start=1):
        sheet = workbook.create_sheet(f"项目{number}")
        for row in (["项目名称", name], ["项目资金", f"资金总额: {total}"],
                    ["一级指标", "二级指标", "三级指标", "指标值"],
                    ["产出指标", "数量指标", "人次", "5人次"]):
            sheet.append(row)
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    first, second = read_forms(path)
    assert (first.name, first.funding.total, len(first.indicators)) == ("项目一", Decimal(10), 1)
    assert (second.name, second.funding.total, len(second.indicators)) == (
        "项目二", Decimal(20), 1)
    assert first.notes == second.notes == ()
