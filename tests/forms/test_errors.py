"""A file that is not a form, or cannot be read, is a FormError naming the file and why."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from indicator_rules import FormError, IndicatorRulesError, load_declarations, read_forms
from indicator_rules.cli import main
from indicator_rules.forms import is_form_file, read_document
from tests.forms.helpers import expected
from tests.forms.hostile import base_xlsx
from tests.forms.layout import layouts, write_docx, write_xlsx


def test_an_unrecognisable_file_names_the_file_and_what_was_expected(tmp_path: Path):
    path = tmp_path / "minutes.md"
    path.write_text("# 会议纪要\n\n| 时间 | 地点 |\n|--|--|\n| 3月1日 | 会议室 |\n", "utf-8")
    with pytest.raises(FormError) as caught:
        read_forms(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: no 绩效目标申报表 found: expected a title such as "
                              "项目绩效目标申报表 or 部门整体支出绩效目标申报表, or labels such "
                              "as 项目名称 or 部门名称")
    assert "(the file has 1 table(s) and 1 line(s) of text outside them)" in message
    assert caught.value.file == str(path)


def test_form_errors_share_the_root_and_are_value_errors():
    assert issubclass(FormError, IndicatorRulesError)
    assert issubclass(FormError, ValueError)
    error = FormError("expected an amount", file="a.xlsx", sheet="3-1", row=7, column=3)
    assert str(error) == "a.xlsx 3-1 第7行 第3列: expected an amount"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.rtf", b"x", "unknown form file type '.rtf'; expected one of .md"),
        ("old.xls", b"x", "the old binary format .xls cannot be read; save the file as .xlsx"),
        ("old.doc", b"x", "save the file as .docx"),
        ("broken.xlsx", b"not a zip", "cannot read the file as an Excel workbook (.xlsx)"),
        ("broken.docx", b"not a zip", "cannot read the file as a Word document (.docx)"),
        ("bad.md", b"\xff\xfe\x00bad", "cannot read the file"),
    ],
)
def test_unreadable_files_are_errors_naming_the_file(
    tmp_path: Path, name: str, content: bytes, message: str
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FormError) as caught:
        read_document(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_missing_file_is_an_error(tmp_path: Path):
    for suffix in (".md", ".xlsx", ".docx", ".csv"):
        with pytest.raises(FormError, match="cannot read"):
            read_document(tmp_path / f"missing{suffix}")


def test_form_files_are_told_by_their_suffix():
    names = ("a.md", "b.XLSX", "c.docx", "d.csv", "e.xls", "f.txt")
    assert all(is_form_file(name) for name in names)
    assert not any(is_form_file(name) for name in ("a.json", "b.yaml", "c.jsonl"))


def _damage(source: Path, target: Path, part: str) -> None:
    """``source`` with the XML of ``part`` cut off in the middle: still a valid zip."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as damaged:
        for name in original.namelist():
            data = original.read(name)
            damaged.writestr(name, data[: len(data) // 2] if name == part else data)


@pytest.mark.parametrize(
    ("suffix", "part", "message"),
    [
        ("xlsx", "xl/worksheets/sheet1.xml", "cannot read the file as an Excel workbook (.xlsx)"),
        ("xlsx", "xl/workbook.xml", "cannot read the file as an Excel workbook (.xlsx)"),
        ("xlsx", "xl/styles.xml", "cannot read the file as an Excel workbook (.xlsx)"),
        ("docx", "word/document.xml", "cannot read the file as a Word document (.docx)"),
        ("docx", "word/styles.xml", "cannot read the file as a Word document (.docx)"),
    ],
)
def test_cut_off_xml_inside_an_office_file_is_a_form_error(
    tmp_path: Path, suffix: str, part: str, message: str
):
    forms = layouts(expected())
    good = tmp_path / f"good.{suffix}"
    write_xlsx(forms, good) if suffix == "xlsx" else write_docx(forms, good)
    bad = tmp_path / f"bad.{suffix}"
    _damage(good, bad, part)
    with pytest.raises(FormError) as caught:
        read_document(bad)
    assert str(caught.value).startswith(f"{bad}: {message}: ")
    assert caught.value.__cause__ is not None  # the loader's error is chained


def test_an_unexpected_loader_failure_names_it_and_is_chained(tmp_path: Path, monkeypatch):
    import openpyxl

    def fail(*_args: object, **_kwargs: object) -> None:
        raise IndexError("list index out of range")

    path = tmp_path / "odd.xlsx"
    path.write_bytes(base_xlsx())  # a good workbook: the checks before the load pass
    monkeypatch.setattr(openpyxl, "load_workbook", fail)
    with pytest.raises(FormError) as caught:
        read_document(path)
    assert str(caught.value) == (
        f"{path}: cannot read the file as an Excel workbook (.xlsx): the reader failed with "
        "IndexError: list index out of range (the file is probably damaged; the original error "
        "is chained)")
    assert isinstance(caught.value.__cause__, IndexError)


def test_a_damaged_file_in_a_batch_does_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    good = tmp_path / "good.docx"
    write_docx(layouts(expected()), good)
    bad = tmp_path / "bad.docx"
    _damage(good, bad, "word/document.xml")
    assert main(["import", str(bad), str(good), "-o", str(tmp_path / "out.json")]) == 2
    assert capsys.readouterr().err.startswith(f"{bad}: cannot read the file as a Word document")
    assert len(load_declarations(tmp_path / "out.json")) == 3
