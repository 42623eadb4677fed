"""A file that is not a form, or cannot be read, is a FormError naming the file and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicator_rules import FormError, IndicatorRulesError, read_forms
from indicator_rules.forms import is_form_file, read_document


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
