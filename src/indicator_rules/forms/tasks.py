"""Reading the 年度主要任务 table of a department form: 任务名称, 主要内容, 预算金额.

The header row names the columns (任务名称 | 主要内容 | 预算金额) and a second header row may
split 预算金额 into 总额 | 财政拨款 | 其他资金; a 序号 column holds the row's number. A cell under a
header column belongs to that column whatever it looks like (a task named ``2022`` is a name, not
an amount); a cell the header does not place is read by meaning: text goes to the name, then the
content; a plain amount to 总额, 财政拨款, 其他资金 in turn. A row named 合计 / 金额合计 / 小计 /
总计 is the total row. The first row after a page break continues the content above when it is
one piece of plain text and the content was cut mid-sentence. Amounts are kept as cells here;
the form reader reads them in the form's money unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from indicator_rules.forms.grid import Cell
from indicator_rules.forms.indicators import continues_text, join_continued
from indicator_rules.forms.labelled import ROW_NUMBER
from indicator_rules.forms.text import compact, is_row_number, parse_amount
from indicator_rules.model import ImportNote

__all__ = ["AMOUNT_ROLES", "TaskDraft", "TaskTable"]

#: The amount columns of a task, in the order amounts without a header fill them.
AMOUNT_ROLES = ("total", "fiscal", "other")
_TEXT_ROLES = ("name", "content")
_TOTAL_NAMES = frozenset({"合计", "金额合计", "小计", "总计"})


@attrs.define
class TaskDraft:
    """One task row as read: its name and content (with their cells), its amount cells by role.

    ``source`` is the row's first cell.
    """

    name: str = ""
    content: str = ""
    amounts: dict[str, Cell] = attrs.Factory(dict)
    source: Cell | None = None
    text_cells: list[Cell] = attrs.Factory(list)

    def cells(self) -> list[Cell]:
        """Every cell of the row that holds something, in column order."""
        return sorted([*self.text_cells, *self.amounts.values()], key=lambda cell: cell.column)


class TaskTable:
    """Reads the rows of a 年度主要任务 table into :class:`TaskDraft` s and the total row.

    ``columns`` maps header columns to ``name``, ``content`` and amount roles (``total``,
    ``fiscal``, ``other``).
    """

    def __init__(self, columns: Mapping[int, str]) -> None:
        self._columns = dict(columns)
        self.tasks: list[TaskDraft] = []
        self.total: TaskDraft | None = None
        self.notes: list[ImportNote] = []

    def add_amount_header(self, columns: Mapping[int, str]) -> None:
        """Columns named by the second header row (总额 | 财政拨款 | 其他资金)."""
        self._columns.update(columns)

    def add(self, cells: Sequence[Cell], *, after_page_break: bool) -> None:
        """Read one row's non-empty cells; ``after_page_break`` when it opens a new table."""
        if after_page_break and self._continue_cut_text(cells):
            return
        draft = TaskDraft(source=cells[0])
        free_texts = list(_TEXT_ROLES)
        free_amounts = list(AMOUNT_ROLES)
        for cell in cells:
            role = self._columns.get(cell.column)
            if role == ROW_NUMBER:
                self._row_number(cell)
                continue
            if role not in (*free_texts, *free_amounts):  # no header over it: by meaning
                role = self._by_meaning(cell, free_texts, free_amounts)
            if role is None:
                self.notes.append(ImportNote(text=cell.text, source=cell.source,
                                             reason="年度主要任务表中多出的单元格"))
            elif role in free_amounts:
                free_amounts.remove(role)
                draft.amounts[role] = cell
            else:
                free_texts.remove(role)
                setattr(draft, role, cell.text)
                draft.text_cells.append(cell)
        if compact(draft.name) not in _TOTAL_NAMES:
            self.tasks.append(draft)
            return
        if self.total is not None:
            for cell in draft.cells():
                self.notes.append(ImportNote(text=cell.text, source=cell.source,
                                             reason="年度主要任务表中有多个合计行，只采用第一个"))
            return
        for cell in draft.text_cells[1:]:  # a total row has a name and amounts only
            self.notes.append(ImportNote(text=cell.text, source=cell.source,
                                         reason="合计行中的文字，未能归入任何字段"))
        self.total = draft

    @staticmethod
    def _by_meaning(cell: Cell, free_texts: Sequence[str],
                    free_amounts: Sequence[str]) -> str | None:
        """A cell the header does not place: an amount to the next free amount, a text to
        the next free text column."""
        free = free_amounts if parse_amount(cell.text) is not None else free_texts
        return free[0] if free else None

    def _row_number(self, cell: Cell) -> None:
        """A 序号 cell: the row's number, which the model has no field for; anything else
        written there is kept as a note."""
        if not is_row_number(cell.text):
            self.notes.append(ImportNote(text=cell.text, source=cell.source,
                                         reason="序号列中的内容不是序号，未能归入任何字段"))

    def _continue_cut_text(self, cells: Sequence[Cell]) -> bool:
        if len(cells) != 1 or not self.tasks or parse_amount(cells[0].text) is not None:
            return False
        task = self.tasks[-1]
        if not continues_text(task.content, cells[0].text):
            return False
        task.content = join_continued(task.content, cells[0].text)
        return True
