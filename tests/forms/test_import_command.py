"""``indicator-rules import``, and ``check`` / ``show`` reading forms on the fly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indicator_rules import load_declarations, loads_declarations, read_forms
from indicator_rules.cli import main
from tests.forms.helpers import SAMPLE_MD, bare, expected

RULES = '''ruleset "forms-demo"

rule V01 "三级指标须填写指标值"
  severity error
  for each i in indicators where not blank(i.name)
  at i.value
  require not blank(i.value.text)
  message "「{i.name}」未填写指标值"
'''

STRAY = """项目绩效目标申报表
| | |
|--|--|
| 项目名称 | 培训经费 |
| 项目属性 | 延续项目 |
"""


def test_import_writes_json_to_standard_output(capsys: pytest.CaptureFixture[str]):
    assert main(["import", str(SAMPLE_MD)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    declarations = loads_declarations(captured.out)
    assert declarations == read_forms(SAMPLE_MD)
    assert json.loads(captured.out)["declarations"][0]["funding"]["total"] == "40.00"


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_import_to_a_file_round_trips_through_show(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / f"declarations{suffix}"
    assert main(["import", str(SAMPLE_MD), "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert [bare(declaration) for declaration in load_declarations(out)] == expected()
    assert load_declarations(out) == read_forms(SAMPLE_MD)  # sources included
    assert main(["show", str(out)]) == 0
    from_file = capsys.readouterr().out
    assert main(["show", str(SAMPLE_MD)]) == 0
    assert capsys.readouterr().out == from_file
    assert "「党员活动经费」 资金总额 40.00 万元" in from_file


def test_import_prints_the_notes_with_their_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    form = tmp_path / "stray.md"
    form.write_text(STRAY, "utf-8")
    assert main(["import", str(form)]) == 0  # notes are kept, not errors
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"{form} 表1 第5行 第1列: 导入备注（未能归入任何字段）：项目属性",
        f"{form} 表1 第5行 第2列: 导入备注（未能归入任何字段）：延续项目",
    ]
    (declaration,) = loads_declarations(captured.out)
    assert [note.text for note in declaration.notes] == ["项目属性", "延续项目"]


def test_one_bad_file_never_stops_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "minutes.md"
    bad.write_text("会议纪要\n", "utf-8")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    out = tmp_path / "out.json"
    assert main(["import", str(bad), str(SAMPLE_MD), str(broken), "-o", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{bad}: no 绩效目标申报表 found")
    assert err[1].startswith(f"{broken}: cannot read the file as an Excel workbook")
    assert len(load_declarations(out)) == 3


def test_an_unknown_output_type_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["import", str(SAMPLE_MD), "-o", str(tmp_path / "out.txt")]) == 2
    assert "unknown file type '.txt'" in capsys.readouterr().err


def test_check_reads_a_form_directly(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    rules = tmp_path / "demo.rules"
    rules.write_text(RULES, "utf-8")
    assert main(["check", str(SAMPLE_MD), "--ruleset", str(rules)]) == 1
    out = capsys.readouterr().out
    assert f"项目「党员活动经费」（{SAMPLE_MD}）：4 错误" in out
    assert "「指标 2: 自选党建活动」未填写指标值" in out
    assert f"[{SAMPLE_MD} 表1 第24行 第4列]" in out  # the finding points at the form
    assert f"部门整体「中共衡阳市直属机关工作委员会」（{SAMPLE_MD}）：未发现问题" in out


def test_check_and_show_report_a_bad_form_and_go_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    bad = tmp_path / "empty.docx"
    bad.write_bytes(b"")
    assert main(["show", str(bad), str(SAMPLE_MD)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"{bad}: cannot read the file as a Word document")
    assert "「市直机关工会工作经费」" in captured.out
