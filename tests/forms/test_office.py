"""The sample forms typed into Excel and Word, with merged cells as real templates have them,
import to the same declarations as the Markdown conversion."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

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
