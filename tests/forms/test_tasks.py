"""The 年度主要任务 table: the header's columns decide where a cell belongs."""

from __future__ import annotations

from decimal import Decimal

from indicator_rules import DepartmentDeclaration
from indicator_rules.forms import FormReader, parse_markdown

HEADER = """部门整体支出绩效目标申报表
| | | | | | |
|--|--|--|--|--|--|
| 部门名称 | 测试局 | | | | |
"""


def _department(text: str) -> DepartmentDeclaration:
    (declaration,) = FormReader().read(parse_markdown(HEADER + text, file="form.md"))
    assert isinstance(declaration, DepartmentDeclaration)
    return declaration


def _tasks(declaration: DepartmentDeclaration) -> list[tuple[str, str, Decimal | None,
                                                              Decimal | None]]:
    return [(task.name, task.content, task.funding.total, task.funding.fiscal)
            for task in declaration.tasks]


def test_a_row_number_column_is_read_as_the_row_number():
    declaration = _department("""\
| 年度主要任务 | 序号 | 任务名称 | 主要内容 | 预算金额 | |
| | 1 | 任务一 | 做甲 | 30 | |
| | 2 | 任务二 | 做乙 | 10 | |
| | | 合计 | | 40 | |
""")
    assert _tasks(declaration) == [("任务一", "做甲", Decimal(30), None),
                                   ("任务二", "做乙", Decimal(10), None)]
    assert declaration.tasks_total is not None
    assert declaration.tasks_total.total == Decimal(40)
    assert declaration.notes == ()


def test_text_in_the_row_number_column_is_kept_in_a_note():
    declaration = _department("""\
| 年度主要任务 | 序号 | 任务名称 | 主要内容 | 预算金额 | |
| | 重点 | 任务一 | 做甲 | 30 | |
""")
    assert _tasks(declaration) == [("任务一", "做甲", Decimal(30), None)]
    assert [(note.text, note.reason) for note in declaration.notes] == [
        ("重点", "序号列中的内容不是序号，未能归入任何字段")]


def test_a_number_in_the_name_column_is_the_name_not_an_amount():
    declaration = _department("""\
| 年度主要任务 | 任务名称 | 主要内容 | 预算金额 | | |
| | | | 总额 | 财政拨款 | 其他资金 |
| | 2022 | 做丙 | 5 | 5 | |
| | 任务二 | 2023 | 10 | 10 | |
""")
    assert _tasks(declaration) == [("2022", "做丙", Decimal(5), Decimal(5)),
                                   ("任务二", "2023", Decimal(10), Decimal(10))]
    assert declaration.notes == ()


def test_text_in_an_amount_column_is_a_note_not_the_content():
    declaration = _department("""\
| 年度主要任务 | 任务名称 | 主要内容 | 预算金额 | | |
| | | | 总额 | 财政拨款 | 其他资金 |
| | 任务一 | 做甲 | 10 | — | 10 |
""")
    (task,) = declaration.tasks
    assert (task.funding.total, task.funding.fiscal, task.funding.other) == (
        Decimal(10), None, Decimal(10))
    assert [(note.text, note.reason) for note in declaration.notes] == [
        ("—", "金额无法识别（应为 40.00 这样的数字）")]


def test_goals_numbered_in_brackets_are_split_without_spaces():
    declaration = _department("| 年度总体目标 | （1）完成甲（2）完成乙 | | | | |\n")
    assert declaration.goals == ("完成甲", "完成乙")
