"""CSV input: an Excel form saved as CSV (merged cells become a text and empty cells)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from indicator_rules import SourceRef
from indicator_rules.forms import FormReader, parse_csv, read_forms
from tests.forms.helpers import bare, expected
from tests.forms.layout import FormLayout, grid_rows, layouts


def _csv_text(form: FormLayout) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(grid_rows(form))
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_forms_import_to_the_expected_declarations(tmp_path: Path, encoding: str):
    declarations = expected()
    for number, (form, wanted) in enumerate(zip(layouts(declarations), declarations,
                                                strict=True), start=1):
        path = tmp_path / f"3-{number}.csv"
        path.write_bytes(_csv_text(form).encode(encoding))
        (read,) = read_forms(path)
        assert bare(read) == wanted
        assert read.notes == ()


def test_csv_positions_are_record_and_column():
    document = parse_csv("项目名称,培训经费\n\n\"资金总额\",\"40.00\"\n", file="a.csv")
    (grid,) = document.grids
    assert [(cell.text, cell.source) for cell in grid.cells] == [
        ("项目名称", SourceRef(file="a.csv", row=1, column=1)),
        ("培训经费", SourceRef(file="a.csv", row=1, column=2)),
        ("资金总额", SourceRef(file="a.csv", row=3, column=1)),
        ("40.00", SourceRef(file="a.csv", row=3, column=2)),
    ]


def test_semicolons_and_tabs_are_recognised():
    for text in ("项目名称;培训经费\n资金总额;40.00\n", "项目名称\t培训经费\n资金总额\t40.00\n"):
        (grid,) = parse_csv("项目绩效目标申报表\n" + text, file="a.csv").grids
        assert [cell.text for cell in grid.cells][1:] == ["项目名称", "培训经费", "资金总额",
                                                          "40.00"]
    (declaration,) = FormReader().read(
        parse_csv("项目绩效目标申报表\n项目名称;培训经费\n资金总额;40.00\n", file="a.csv"))
    assert declaration.funding.total == Decimal("40.00")
