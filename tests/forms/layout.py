"""Typing declarations into office files the way real templates lay them out.

The layouts follow the 衡阳 2021 templates: a label column whose cells are merged down over
their rows (项目资金, 总体目标, 绩效指标 …), 一级 and 二级 merged down over their indicators,
values merged across the remaining columns, 预算金额 merged over 总额 | 财政拨款 | 其他资金. Titles
and the 填报人 lines are rows of the sheet in Excel and paragraphs in Word. Used only by the
tests: the reader must read these files back into the declarations they were made from.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from itertools import groupby
from pathlib import Path

import attrs
from openpyxl.worksheet.worksheet import Worksheet

from indicator_rules import Declaration, DepartmentDeclaration, Indicator, ProjectDeclaration


@attrs.frozen
class Placed:
    """A cell of the layout: 1-based row and column, with its spans."""

    row: int
    column: int
    text: str | Decimal
    rows: int = 1
    columns: int = 1


@attrs.frozen
class FormLayout:
    """One form: lines above the table, the table, lines below it, and the table's width."""

    before: tuple[tuple[str, ...], ...]  # each line: one text, or several cells of one row
    table: tuple[Placed, ...]
    after: tuple[tuple[str, ...], ...]
    width: int


def _money(amount: Decimal | None) -> str | Decimal:
    return "" if amount is None else amount


def _amount_text(amount: Decimal | None) -> str:
    return "" if amount is None else str(amount)


class _Table:
    def __init__(self, width: int) -> None:
        self.width = width
        self.row = 0
        self.cells: list[Placed] = []

    def add(self, row: int, column: int, text: str | Decimal, rows: int = 1,
            columns: int = 1) -> None:
        self.cells.append(Placed(row, column, text, rows, columns))

    def labelled(self, label: str, value: str | Decimal) -> None:
        self.row += 1
        self.add(self.row, 1, label)
        self.add(self.row, 2, value, columns=self.width - 1)

    def indicators(self, label: str, indicators: Sequence[Indicator]) -> None:
        """The header row and one row per indicator, 一级 and 二级 merged down."""
        self.row += 1
        top = self.row
        self.add(top, 1, label, rows=len(indicators) + 1)
        value_columns = self.width - 4
        for column, text in enumerate(("一级指标", "二级指标", "三级指标"), start=2):
            self.add(top, column, text)
        self.add(top, 5, "指标值（包含数字及文字描述）", columns=value_columns)
        row = top + 1
        for level1, in_level1 in groupby(indicators, key=lambda i: i.level1):
            group1 = list(in_level1)
            self.add(row, 2, level1, rows=len(group1))
            for level2, in_level2 in groupby(group1, key=lambda i: i.level2):
                group2 = list(in_level2)
                self.add(row, 3, level2, rows=len(group2))
                for indicator in group2:
                    self.add(row, 4, indicator.name)
                    self.add(row, 5, indicator.value.text, columns=value_columns)
                    row += 1
        self.row = row - 1


def project_layout(declaration: ProjectDeclaration, attachment: str) -> FormLayout:
    """The 项目绩效目标申报表 of ``declaration`` in five columns."""
    table = _Table(5)
    table.labelled("项目名称", declaration.name)
    table.labelled("预算单位", declaration.budget_unit)
    table.row += 1
    funding = declaration.funding
    table.add(table.row, 1, "项目资金（万元）", rows=3)
    for offset, (label, amount) in enumerate(
        (("资金总额", funding.total), ("其中：财政拨款", funding.fiscal),
         ("其他资金", funding.other))
    ):
        table.add(table.row + offset, 2, label)
        table.add(table.row + offset, 3, _money(amount), columns=3)
    table.row += 3
    table.add(table.row, 1, "总体目标", rows=2)
    table.add(table.row, 2, "年度目标", columns=4)
    table.add(table.row + 1, 2, declaration.goal, columns=4)
    table.row += 1
    table.indicators("绩效指标", declaration.indicators)
    table.labelled("预算部门、财政部门审核意见", "（盖章）\n年  月  日")
    return FormLayout(
        before=((attachment,), ("项目绩效目标申报表",), (f"（{declaration.year}年度）",),
                (f"填报单位（盖章）{declaration.filing_unit}", "", "", "", "金额单位：万元")),
        table=tuple(table.cells),
        after=(("填报人：", "", "联系电话：", "", "填报日期："),),
        width=5,
    )


def department_layout(declaration: DepartmentDeclaration, attachment: str) -> FormLayout:
    """The 部门整体支出绩效目标申报表 of ``declaration`` in six columns."""
    table = _Table(6)
    table.labelled("部门名称", declaration.name)
    funding = declaration.funding
    table.row += 1
    top = table.row
    table.add(top, 1, "年度预算申请（万元）", rows=3)
    table.add(top, 2, "资金总额")
    table.add(top, 3, _money(funding.total), columns=4)
    table.add(top + 1, 2, "按收入性质分", columns=2)
    table.add(top + 1, 4, "按支出性质分", columns=3)
    income = (f"其中：公共财政拨款：{_amount_text(funding.public_finance)}\n"
              f"政府性基金拨款：{_amount_text(funding.government_fund)}\n"
              f"纳入专户管理的非税收入拨款：{_amount_text(funding.special_account)}\n"
              f"其他资金：{_amount_text(funding.other)}")
    table.add(top + 2, 2, income, columns=2)
    table.add(top + 2, 4, f"其中：基本支出：{_amount_text(funding.basic)}\n"
              f"项目支出：{_amount_text(funding.project)}", columns=3)
    table.row = top + 2
    table.labelled("部门职能职责概述", declaration.duties)
    table.row += 1
    top = table.row
    table.add(top, 1, "年度主要任务", rows=len(declaration.tasks) + 3)
    table.add(top, 2, "任务名称", rows=2)
    table.add(top, 3, "主要内容", rows=2)
    table.add(top, 4, "预算金额", columns=3)
    for column, label in enumerate(("总额", "财政拨款", "其他资金"), start=4):
        table.add(top + 1, column, label)
    row = top + 2
    assert declaration.tasks_total is not None
    for name, content, task_funding in (
        *((task.name, task.content, task.funding) for task in declaration.tasks),
        ("金额合计", "", declaration.tasks_total),
    ):
        table.add(row, 2, name)
        table.add(row, 3, content)
        for column, amount in enumerate(
            (task_funding.total, task_funding.fiscal, task_funding.other), start=4
        ):
            table.add(row, column, _money(amount))
        row += 1
    table.row = row - 1
    goals = "\n".join(f"目标{number}：{goal}"
                      for number, goal in enumerate(declaration.goals, start=1))
    table.labelled("年度总体目标", goals)
    table.indicators("部门整体支出年度绩效指标", declaration.indicators)
    return FormLayout(
        before=((attachment,), ("部门整体支出绩效目标申报表",), (f"（{declaration.year}年度）",),
                (f"填报单位（盖章）：{declaration.filing_unit}",), ("单位负责人（签名）：",)),
        table=tuple(table.cells),
        after=(("填表人（签名）：",), ("联系电话：",), ("填表日期：    年  月  日",)),
        width=6,
    )


def layouts(declarations: Sequence[Declaration]) -> list[FormLayout]:
    """Each declaration's layout, numbered 附件3-1, 3-2 …"""
    result = []
    for number, declaration in enumerate(declarations, start=1):
        attachment = f"附件3-{number}"
        if isinstance(declaration, ProjectDeclaration):
            result.append(project_layout(declaration, attachment))
        else:
            result.append(department_layout(declaration, attachment))
    return result


def grid_rows(form: FormLayout) -> list[list[str]]:
    """The form as plain rows, as a PDF conversion or a CSV export gives it: a merged cell's text
    in its first row and column, empty cells for the rest of its area."""
    rows: list[list[str]] = [[*line, *[""] * (form.width - len(line))] for line in form.before]
    top = len(rows)
    height = max(placed.row + placed.rows - 1 for placed in form.table)
    rows += [[""] * form.width for _ in range(height)]
    for placed in form.table:
        rows[top + placed.row - 1][placed.column - 1] = str(placed.text)
    rows += [[*line, *[""] * (form.width - len(line))] for line in form.after]
    return rows


def write_markdown(forms: Sequence[FormLayout]) -> str:
    """The forms as a PDF→Markdown conversion writes them: lines, then a pipe table."""
    parts: list[str] = []
    for form in forms:
        parts += ["    ".join(text for text in line if text) for line in form.before]
        rows = grid_rows(form)[len(form.before):len(grid_rows(form)) - len(form.after)]
        table = ["| " + " | ".join([""] * form.width) + " |", "|" + "--|" * form.width]
        table += ["| " + " | ".join(cell.replace("\n", "<br>") for cell in row) + " |"
                  for row in rows]
        parts.append("\n".join(table))
        parts += ["    ".join(text for text in line if text) for line in form.after]
    return "\n\n".join(parts) + "\n"


def write_xlsx(forms: Sequence[FormLayout], path: Path, *, first_column: int = 1) -> None:
    """One worksheet per form, starting at ``first_column``; money as numbers shown with their
    decimals."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for number, form in enumerate(forms, start=1):
        sheet = workbook.create_sheet(f"3-{number}")
        row = 0
        for line in form.before:
            row += 1
            if len(line) == 1:
                _put(sheet, Placed(1, 1, line[0], columns=form.width), row - 1, first_column)
            else:
                for column, text in enumerate(line, start=1):
                    if text:
                        _put(sheet, Placed(1, column, text), row - 1, first_column)
        for placed in form.table:
            _put(sheet, placed, row, first_column)
        row += max(placed.row + placed.rows - 1 for placed in form.table)
        for line in form.after:
            row += 1
            for column, text in enumerate(line, start=1):
                if text:
                    _put(sheet, Placed(1, column, text), row - 1, first_column)
    workbook.save(path)


def _put(sheet: Worksheet, placed: Placed, top: int, first_column: int) -> None:
    placed = attrs.evolve(placed, column=placed.column + first_column - 1)
    cell = sheet.cell(row=top + placed.row, column=placed.column)
    if isinstance(placed.text, Decimal):
        exponent = placed.text.as_tuple().exponent
        assert isinstance(exponent, int)
        cell.value = float(placed.text) if exponent < 0 else int(placed.text)
        cell.number_format = "0." + "0" * -exponent if exponent < 0 else "General"
    elif placed.text:
        cell.value = placed.text
    if placed.rows > 1 or placed.columns > 1:
        sheet.merge_cells(
            start_row=top + placed.row, start_column=placed.column,
            end_row=top + placed.row + placed.rows - 1,
            end_column=placed.column + placed.columns - 1,
        )


def write_docx(forms: Sequence[FormLayout], path: Path) -> None:
    """All forms in one document: lines as paragraphs, each table a Word table, page breaks
    between the forms."""
    import docx

    document = docx.Document()
    for index, form in enumerate(forms):
        if index:
            document.add_page_break()  # type: ignore[no-untyped-call]
        for line in form.before:
            document.add_paragraph("    ".join(text for text in line if text))
        rows = max(placed.row + placed.rows - 1 for placed in form.table)
        table = document.add_table(rows=rows, cols=form.width)
        for placed in form.table:
            cell = table.cell(placed.row - 1, placed.column - 1)
            if placed.rows > 1 or placed.columns > 1:
                cell = cell.merge(table.cell(placed.row + placed.rows - 2,
                                             placed.column + placed.columns - 2))
            cell.text = str(placed.text)
        for line in form.after:
            document.add_paragraph("    ".join(text for text in line if text))
    document.save(str(path))
