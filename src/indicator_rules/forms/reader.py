"""From a :class:`Document` to typed declarations: find each form, tell its kind, read its fields.

A document may hold several forms. Each starts at its title (项目绩效目标申报表 →
:class:`ProjectDeclaration`; 部门整体支出绩效目标申报表 → :class:`DepartmentDeclaration`),
together with the ``附件 3-1`` line just above it, and runs to the next title. A document without
any title is one form when its labels tell the kind (项目名称 / 部门名称 …); otherwise it is a
:class:`FormError`.

Inside a form, rows (of tables and text lines alike) are read in order:

- the title, ``附件`` lines and a line stating the year (``(2021 年度)``) set what they say;
- a header row (一级指标 | 二级指标 | …, or 任务名称 | 主要内容 | 预算金额) starts the indicator
  table (:mod:`indicator_rules.forms.indicators`) or the task table
  (:mod:`indicator_rules.forms.tasks`);
- a row whose first cell starts with a label of the form (:mod:`indicator_rules.labels`) fills
  that field, and its other cells fill the labels they start with or add to the last label —
  ``资金总额: 40.00`` in one cell and ``资金总额 | 40.00`` in two read the same;
- any other row continues the section above: the next indicator or task, or more of a labelled
  field whose label cell is merged down (the row's label column is empty). A text cut by a page
  break is joined to its start.

What is left over becomes an :class:`ImportNote` with its position: nothing is dropped silently,
except a template's own marks (``(盖章)``, ``年 月 日``, 按收入性质分), which are not data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

import attrs

from indicator_rules.errors import FormError
from indicator_rules.forms.grid import Cell, Document, Grid, TextLine
from indicator_rules.forms.indicators import IndicatorTable, continues_text, join_continued
from indicator_rules.forms.labelled import LabelFinder, Segment, column_role
from indicator_rules.forms.tasks import AMOUNT_ROLES, TaskDraft, TaskTable
from indicator_rules.forms.text import (
    compact,
    convert_amount,
    is_attachment_line,
    is_template_text,
    money_unit_in,
    parse_amount,
    parse_date,
    strip_placeholders,
    title_kind,
    year_in_title,
    year_line,
)
from indicator_rules.model import (
    Contact,
    Declaration,
    DeclarationKind,
    DepartmentDeclaration,
    DepartmentFunding,
    Funding,
    ImportNote,
    Indicator,
    MoneyUnit,
    ProjectDeclaration,
    Task,
)
from indicator_rules.source import SourceRef

__all__ = ["FormReader"]

_SKIPPED: Final = ("source", "waivers", "notes", "contact", "tasks_total")
_FINDERS: Final[dict[DeclarationKind, LabelFinder]] = {
    "project": LabelFinder(ProjectDeclaration, skip=_SKIPPED),
    "department": LabelFinder(DepartmentDeclaration, skip=_SKIPPED),
}
_INDICATOR_COLUMNS: Final = LabelFinder(Indicator)
_TASK_COLUMNS: Final = LabelFinder(Task)
_INDICATOR_ROLES: Final = ("level1", "level2", "name", "value")
_FUNDING_COLUMNS: Final = LabelFinder(Funding)
#: Labels that only one kind of form has, to tell the kind of a form without a title.
_KIND_LABELS: Final[dict[DeclarationKind, frozenset[str]]] = {
    "project": frozenset({"项目名称", "预算单位", "项目资金", "年度目标", "总体目标"}),
    "department": frozenset({"部门名称", "单位名称", "年度预算申请", "部门职能职责概述",
                             "年度主要任务", "年度总体目标"}),
}
#: Text fields that may run over several rows or cells (joined with line breaks).
_LONG_TEXT: Final = frozenset({"goal", "duties", "review_opinion", "goals"})
_SHORT_TEXT: Final = frozenset({"id", "name", "budget_unit", "filing_unit", "department", "period",
                                "contact.filled_by", "contact.phone", "contact.head",
                                "contact.filled_on"})
#: 目标1： / 1、 at the start, after a space or a sentence; （1） anywhere (its brackets delimit it)
_GOAL_MARK = re.compile(
    r"(?:^|(?<=\s)|(?<=[。；;]))(?:目标\s*[0-9０-９一二三四五六七八九十]+\s*[:：、.．]"
    r"|[0-9０-９]+\s*[、.．](?![0-9]))|[（(]\s*[0-9０-９一二三四五六七八九十]+\s*[)）]"
)


@attrs.frozen
class _Row:
    """One row to read: a table row's non-empty cells, or a text line as a one-cell row."""

    cells: tuple[Cell, ...]
    grid: Grid | None
    opens_table: bool  # the first row with text of its table (after a page break, say)
    opens_sheet: bool = False  # the first row of a worksheet: nothing above goes on into it


def _rows(document: Document) -> list[_Row]:
    rows: list[_Row] = []
    for part in document.parts:
        if isinstance(part, TextLine):
            line = Cell(text=part.text, row=1, column=1, source=part.source)
            rows.append(_Row((line,), None, opens_table=False))
            continue
        for index, cells in enumerate(part.rows()):
            rows.append(_Row(cells, part, opens_table=index == 0,
                             opens_sheet=index == 0 and part.is_worksheet))
    return rows


def _title_kind(row: _Row) -> DeclarationKind | None:
    for cell in row.cells:
        kind = title_kind(cell.text)
        if kind == "project":
            return "project"
        if kind == "department":
            return "department"
    return None


def _sheet_opening_kind(row: _Row) -> DeclarationKind | None:
    """The kind of form a worksheet opens when its first row is the form's name field
    (项目名称 / 部门名称 …): a form without a title on a sheet of its own."""
    if not row.opens_sheet:
        return None
    for kind, finder in _FINDERS.items():
        segments = finder.split(row.cells[0].text)
        if segments and segments[0].path == "name":
            return kind
    return None


def _has_label(row: _Row) -> bool:
    return any(finder.split(cell.text) for finder in _FINDERS.values() for cell in row.cells)


def _kind_by_labels(rows: Sequence[_Row]) -> DeclarationKind | None:
    counts: dict[DeclarationKind, int] = {"project": 0, "department": 0}
    for row in rows:
        for cell in row.cells:
            for kind, finder in _FINDERS.items():
                segments = finder.split(cell.text)
                if segments and segments[0].label in _KIND_LABELS[kind]:
                    counts[kind] += 1
    if counts["project"] == counts["department"]:
        return None
    return "project" if counts["project"] > counts["department"] else "department"


@attrs.frozen
class _FormRows:
    kind: DeclarationKind
    rows: tuple[_Row, ...]


def _split(rows: Sequence[_Row], file: str) -> tuple[list[_Row], list[_FormRows]]:
    """The rows before the first form, and each form's rows."""
    starts: list[tuple[int, DeclarationKind]] = []
    for index, row in enumerate(rows):
        kind = _title_kind(row) or _sheet_opening_kind(row)
        if kind is None:
            continue
        # a second title with no labelled row since the first is a subtitle of the same form
        if starts and not any(_has_label(between) for between in rows[starts[-1][0]:index]):
            continue
        starts.append((index, kind))
    if not starts:
        kind = _kind_by_labels(rows)
        if kind is None:
            tables = sum(1 for row in rows if row.opens_table)
            lines = sum(1 for row in rows if row.grid is None)
            raise FormError(
                "no 绩效目标申报表 found: expected a title such as 项目绩效目标申报表 or "
                "部门整体支出绩效目标申报表, or labels such as 项目名称 or 部门名称 "
                f"(the file has {tables} table(s) and {lines} line(s) of text outside them)",
                file=file,
            )
        return [], [_FormRows(kind, tuple(rows))]
    begins: list[int] = []
    previous_end = 0
    for index, _kind in starts:
        begin = index
        while begin > previous_end and len(rows[begin - 1].cells) == 1 \
                and is_attachment_line(rows[begin - 1].cells[0].text):
            begin -= 1
        begins.append(begin)
        previous_end = index + 1
    ends = [*begins[1:], len(rows)]
    forms = [_FormRows(kind, tuple(rows[begin:end]))
             for (_, kind), begin, end in zip(starts, begins, ends, strict=True)]
    return list(rows[:begins[0]]), forms


def _labels_over_values(cells: Sequence[Cell],
                        found: Sequence[Sequence[Segment]]) -> dict[int, str]:
    """The fields by column of a row of labels without values, such as ``项目资金 | 资金总额 |
    财政拨款 | 其他资金``: every cell one label and nothing else, at least two after the first."""
    if len(cells) < 3 or any(len(segments) != 1 or segments[0].value for segments in found):
        return {}
    return {cell.column: segments[0].path for cell, segments in zip(cells, found, strict=True)}


def _columns_after(label: Cell, roles: Sequence[str]) -> dict[int, str]:
    return {label.column + label.column_span - 1 + offset: role
            for offset, role in enumerate(roles, start=1)}


def _split_goals(text: str) -> tuple[str, ...]:
    """年度总体目标 as a list: split at 目标1： / 1、 / （1） marks when the text starts with one,
    else one goal per line."""
    text = text.strip()
    if not text:
        return ()
    marks = list(_GOAL_MARK.finditer(text))
    if marks and marks[0].start() == 0:
        ends = [mark.start() for mark in marks[1:]] + [len(text)]
        goals = [text[mark.end():end].strip() for mark, end in zip(marks, ends, strict=True)]
        return tuple(goal for goal in goals if goal)
    return tuple(line.strip() for line in text.split("\n") if line.strip())


class _FormBuilder:
    """Reads the rows of one form and builds its declaration; owns the reading state."""

    def __init__(self, kind: DeclarationKind, file: str) -> None:
        self._kind: DeclarationKind = kind
        self._file = file
        self._labels = _FINDERS[kind]
        self._texts: dict[str, str] = {}
        self._amounts: dict[str, tuple[str, Cell]] = {}
        self._group_cells: dict[str, Cell] = {}
        self._year: int | None = None
        self._money_unit: MoneyUnit | None = None
        self._unit_hint: MoneyUnit | None = None
        self._indicators: IndicatorTable | None = None
        self._tasks: TaskTable | None = None
        self._section: str | IndicatorTable | TaskTable | None = None
        self._section_cell: Cell | None = None
        self._section_grid: Grid | None = None
        self._label_column: int | None = None  # where the form's labels are, once seen
        self._title: Cell | None = None
        self._first: Cell | None = None
        self._labels_over_values: dict[int, str] = {}  # a row of labels, values below
        self._in_heading = True  # no field, table or other text read yet: 附件 3-1 is a heading
        self._notes: list[ImportNote] = []

    # -- notes ---------------------------------------------------------------------------------

    def note(self, cell: Cell, reason: str, text: str | None = None) -> None:
        """Keep a piece of the form that was not placed, with its position and why."""
        self._notes.append(ImportNote(text=cell.text if text is None else text,
                                      source=cell.source, reason=reason))

    def add_notes(self, notes: Sequence[ImportNote]) -> None:
        """Notes of the file reader (a hidden worksheet not read)."""
        self._notes.extend(notes)

    def _note_row(self, cells: Sequence[Cell], reason: str) -> None:
        for cell in cells:
            self.note(cell, reason)

    # -- rows ----------------------------------------------------------------------------------

    def add(self, row: _Row) -> None:
        """Read one row of the form."""
        if self._first is None and row.cells:
            self._first = row.cells[0]
        if row.opens_sheet:  # a worksheet is a page of its own: no table or field goes on
            self._section = None
            self._label_column = None
        cells = [cell for cell in row.cells if not self._take_title(cell)]
        if len(cells) == 1 and self._take_header_line(cells[0]):
            return
        cells = [cell for cell in cells if not is_template_text(cell.text)]
        if not cells:
            return
        self._in_heading = False
        if self._take_table_header(cells):
            return
        if self._take_labelled(cells, row):
            return
        self._continue_section(cells, row)

    def _take_title(self, cell: Cell) -> bool:
        if title_kind(cell.text) is None:
            return False
        if self._title is None:
            self._title = cell
            year = year_in_title(cell.text)
            if year is not None:
                self._set_year(year, cell)
        else:
            self.note(cell, "重复的表名")
        return True

    def _take_header_line(self, cell: Cell) -> bool:
        """The ``附件 3-1`` line of the form's heading (before its fields), or a line stating the
        year (``(2021 年度)``), outside the tables: in a table such a cell is table content."""
        if isinstance(self._section, IndicatorTable | TaskTable):
            return False
        if is_attachment_line(cell.text):
            return self._in_heading
        year = year_line(cell.text)
        if year is None:
            return False
        self._set_year(year, cell)
        return True

    def _set_year(self, year: int, cell: Cell) -> None:
        if self._year is None:
            self._year = year
        elif self._year != year:
            self.note(cell, f"年度与前面的 {self._year} 不一致，未采用")

    def _take_table_header(self, cells: Sequence[Cell]) -> bool:
        return self._take_indicator_header(cells) or self._take_task_header(cells) \
            or self._take_amount_header(cells)

    def _take_indicator_header(self, cells: Sequence[Cell]) -> bool:
        """一级指标 | 二级指标 | 三级指标 | 指标值 …: the indicator table starts (or goes on)."""
        roles = [column_role(_INDICATOR_COLUMNS, cell.text) for cell in cells]
        named = {"name", "value"} & set(roles)
        if named != {"name", "value"} and not ("level1" in roles and named):
            return False  # 一级指标 | 二级指标 alone is a list of categories, not the table
        columns = {cell.column: role for cell, role in zip(cells, roles, strict=True)
                   if role is not None}
        self._check_header_rest(cells, roles, "indicators")
        if self._indicators is None:
            self._indicators = IndicatorTable(columns)
        else:  # the header repeated on a new page: the table goes on
            self._indicators.set_columns(columns)
        self._section = self._indicators
        return True

    def _take_task_header(self, cells: Sequence[Cell]) -> bool:
        """任务名称 | 主要内容 | 预算金额: the 年度主要任务 table starts."""
        roles = [column_role(_TASK_COLUMNS, cell.text) for cell in cells]
        if "name" not in roles or not {"content", "funding"} & set(roles):
            return False
        columns: dict[int, str] = {}
        for cell, role in zip(cells, roles, strict=True):
            if role == "funding":  # 预算金额, over 总额 | 财政拨款 | 其他资金 when merged across
                for offset, amount_role in enumerate(AMOUNT_ROLES[:cell.column_span]):
                    columns[cell.column + offset] = amount_role
            elif role is not None:
                columns[cell.column] = role
        self._check_header_rest(cells, roles, "tasks")
        if self._tasks is None:
            self._tasks = TaskTable(columns)
        self._section = self._tasks
        return True

    def _take_amount_header(self, cells: Sequence[Cell]) -> bool:
        """总额 | 财政拨款 | 其他资金 under 预算金额, in the task table."""
        if not isinstance(self._section, TaskTable):
            return False
        roles = [column_role(_FUNDING_COLUMNS, cell.text) for cell in cells]
        if not all(role in AMOUNT_ROLES for role in roles):
            return False
        self._section.add_amount_header({
            cell.column: role for cell, role in zip(cells, roles, strict=True) if role is not None
        })
        return True

    def _check_header_rest(self, cells: Sequence[Cell], roles: Sequence[str | None],
                           table: str) -> None:
        """A header row's cells without a column role: the table's own label, or a note."""
        for cell, role in zip(cells, roles, strict=True):
            if role is not None:
                continue
            segments = self._labels.split(cell.text)
            own_label = (segments and segments[0].path == table) or \
                (table == "indicators" and compact(cell.text).endswith("指标"))
            if not own_label:
                self.note(cell, "表头中无法识别的列名，该列内容按含义归入")

    def _take_labelled(self, cells: Sequence[Cell], row: _Row) -> bool:
        first = cells[0]
        in_table = isinstance(self._section, IndicatorTable | TaskTable)
        label_column = self._label_column
        if in_table and row.grid is not None and label_column is not None \
                and first.column > label_column:
            return False  # inside a table only the label column can start a new field
        segments = self._labels.split(first.text)
        if not segments:
            return False
        if row.grid is not None:
            self._label_column = first.column if label_column is None \
                else min(label_column, first.column)
        path = segments[0].path
        if path in ("indicators", "tasks"):
            self._start_table(path, first, cells[1:])
            return True
        self._section, self._section_cell = self._group(path), first
        self._section_grid = row.grid
        self._read_labelled_cells(cells, row, segments)
        return True

    def _start_table(self, path: str, label: Cell, rest: Sequence[Cell]) -> None:
        """A table labelled 绩效指标 or 年度主要任务 without a header row: the usual columns
        follow the label's."""
        if path == "indicators":
            if self._indicators is None:
                self._indicators = IndicatorTable(_columns_after(label, _INDICATOR_ROLES))
            self._section = self._indicators
        else:
            if self._tasks is None:
                self._tasks = TaskTable(_columns_after(label, ("name", "content",
                                                               *AMOUNT_ROLES)))
            self._section = self._tasks
        if rest:
            self._section.add(rest, after_page_break=False)

    def _group(self, path: str) -> str:
        return path.split(".")[0] if path.startswith("funding") else path

    def _read_labelled_cells(self, cells: Sequence[Cell], row: _Row,
                             first_segments: Sequence[Segment] = ()) -> None:
        current: str | None = self._section if isinstance(self._section, str) else None
        found = [list(first_segments) if index == 0 and first_segments
                 else self._labels.split(cell.text) for index, cell in enumerate(cells)]
        if self._take_values_under_labels(cells, found):
            return
        self._labels_over_values = _labels_over_values(cells, found)
        for cell, segments in zip(cells, found, strict=True):
            if not segments:
                if current is None:
                    self.note(cell, "未能归入任何字段")
                else:
                    self._put(current, cell.text, cell, after_page_break=row.opens_table)
                continue
            for segment in segments:
                current = self._put_labelled(segment, cell)

    def _take_values_under_labels(self, cells: Sequence[Cell],
                                  found: Sequence[Sequence[Segment]]) -> bool:
        """A row of bare values under a row of labels (资金总额 | 财政拨款 | 其他资金 over
        40.00 | 30.00 | 10.00): each value fills the label above it."""
        columns, self._labels_over_values = self._labels_over_values, {}
        if not columns or any(found) or any(cell.column not in columns for cell in cells):
            return False
        for cell in cells:
            self._put(columns[cell.column], cell.text, cell, after_page_break=False)
        return True

    def _continue_section(self, cells: Sequence[Cell], row: _Row) -> None:
        section = self._section
        if isinstance(section, IndicatorTable | TaskTable):
            if row.grid is None:
                self._note_row(cells, "表格之间的文字，未能归入任何字段")
                return
            if isinstance(section, TaskTable):
                section.add(cells, after_page_break=row.opens_table)
            elif not section.add(cells, after_page_break=row.opens_table):
                self._section = None  # an unknown label after the table: the table has ended
                self._note_row(cells, "未能归入任何字段")
            return
        if isinstance(section, str) and self._continues_field(cells[0], row):
            self._read_labelled_cells(cells, row)
            return
        self._section = None
        self._note_row(cells, "未能归入任何字段")

    def _continues_field(self, first: Cell, row: _Row) -> bool:
        """A table row goes on with the labelled field above when the column of that field's
        label is empty in it, or covered by the label cell merged down."""
        label = self._section_cell
        if row.grid is None or label is None or self._section_grid is None:
            return False
        if first.column > label.column:
            return True
        return row.grid is self._section_grid and label.column == first.column \
            and label.row < first.row <= label.last_row

    # -- fields --------------------------------------------------------------------------------

    def _put_labelled(self, segment: Segment, cell: Cell) -> str:
        """Fill a labelled field; returns the field that further bare cells of the row fill."""
        path = segment.path
        hint = money_unit_in(segment.annotation)
        if hint is not None and self._unit_hint is None:
            self._unit_hint = hint
        if path.startswith("funding"):
            self._group_cells.setdefault("funding", cell)
        if path.startswith("contact."):
            self._group_cells.setdefault("contact", cell)
        if segment.value:
            self._put(path, segment.value, cell, after_page_break=False)
        return path

    def _put(self, path: str, text: str, cell: Cell, *, after_page_break: bool) -> None:
        value = strip_placeholders(text)
        if not value:
            return
        if path == "year":
            self._put_year(value, cell)
        elif path == "money_unit":
            self._put_money_unit(value, cell)
        elif path == "funding":
            self._put_amount("funding.total", value, cell)
        elif path.startswith("funding."):
            self._put_amount(path, value, cell)
        elif path in _LONG_TEXT:
            self._append_text(path, value, after_page_break=after_page_break)
        elif path in _SHORT_TEXT:
            self._put_short_text(path, value, cell)
        else:  # 绩效指标 or 年度主要任务 in the middle of a row
            self.note(cell, f"「{self._labels.label_of(path)}」的内容无法在此读取", value)

    def _put_year(self, value: str, cell: Cell) -> None:
        year = year_line(value) or (int(value) if value.isdigit() and len(value) == 4 else None)
        if year is None:
            self.note(cell, "年度无法识别（应为 2021 这样的年份）", value)
            return
        self._set_year(year, cell)

    def _put_money_unit(self, value: str, cell: Cell) -> None:
        unit = money_unit_in(f"单位:{compact(value)}")
        if unit is None:
            self.note(cell, "金额单位无法识别（应为 元、千元、万元 或 亿元）", value)
        elif self._money_unit is None:
            self._money_unit = unit
        elif self._money_unit != unit:
            self.note(cell, f"金额单位与前面的 {self._money_unit} 不一致，未采用", value)

    def _put_amount(self, path: str, value: str, cell: Cell) -> None:
        if path in self._amounts:
            self.note(cell, f"「{self._labels.label_of(path)}」已有值，未采用", value)
            return
        self._amounts[path] = (value, cell)

    def _put_short_text(self, path: str, value: str, cell: Cell) -> None:
        if path.startswith("contact."):
            self._group_cells.setdefault("contact", cell)
        current = self._texts.get(path, "")
        if not current:
            self._texts[path] = value
        elif current != value:
            self.note(cell, f"「{self._labels.label_of(path)}」已有值，未采用", value)

    def _append_text(self, path: str, value: str, *, after_page_break: bool) -> None:
        current = self._texts.get(path, "")
        if not current:
            self._texts[path] = value
        elif after_page_break and continues_text(current, value):
            self._texts[path] = join_continued(current, value)
        else:
            self._texts[path] = f"{current}\n{value}"

    # -- the declaration -----------------------------------------------------------------------

    def build(self, leading: Sequence[Cell] = ()) -> Declaration:
        """The declaration read; ``leading`` are cells before the form, kept as notes."""
        for cell in leading:
            self.note(cell, "位于申报表之前，未能归入任何字段")
        money_unit = self._decide_money_unit()
        indicators: tuple[Indicator, ...] = ()
        if self._indicators is not None:
            indicators = self._indicators.indicators()
            self._notes.extend(self._indicators.notes)
        contact = self._contact()
        anchor = self._title or self._first
        source = anchor.source if anchor is not None else SourceRef(file=self._file)
        text = self._texts.get
        if self._kind == "project":
            self._note_tasks_of_a_project()
            funding = Funding(total=self._money("funding.total", money_unit),
                              fiscal=self._money("funding.fiscal", money_unit),
                              other=self._money("funding.other", money_unit),
                              source=self._group_source("funding"))
            return ProjectDeclaration(
                id=text("id", ""), year=self._year, name=text("name", ""),
                budget_unit=text("budget_unit", ""), filing_unit=text("filing_unit", ""),
                department=text("department", ""), period=text("period", ""),
                money_unit=money_unit, funding=funding, goal=text("goal", ""),
                indicators=indicators, contact=contact,
                review_opinion=text("review_opinion", ""), notes=tuple(self._notes),
                source=source,
            )
        department_funding = DepartmentFunding(
            total=self._money("funding.total", money_unit),
            public_finance=self._money("funding.public_finance", money_unit),
            government_fund=self._money("funding.government_fund", money_unit),
            special_account=self._money("funding.special_account", money_unit),
            other=self._money("funding.other", money_unit),
            basic=self._money("funding.basic", money_unit),
            project=self._money("funding.project", money_unit),
            source=self._group_source("funding"),
        )
        tasks, tasks_total = self._task_list(money_unit)
        return DepartmentDeclaration(
            id=text("id", ""), year=self._year, name=text("name", ""),
            filing_unit=text("filing_unit", ""), money_unit=money_unit,
            funding=department_funding, duties=text("duties", ""), tasks=tasks,
            tasks_total=tasks_total, goals=_split_goals(text("goals", "")),
            indicators=indicators, contact=contact, review_opinion=text("review_opinion", ""),
            notes=tuple(self._notes), source=source,
        )

    def _note_tasks_of_a_project(self) -> None:
        """A project form has no 年度主要任务: keep such a table's cells as notes."""
        if self._tasks is None:
            return
        self._notes.extend(self._tasks.notes)
        drafts = [*self._tasks.tasks, *([self._tasks.total] if self._tasks.total else [])]
        for draft in drafts:
            for cell in draft.cells():
                self.note(cell, "项目申报表中的年度主要任务表，未能归入任何字段")

    def _decide_money_unit(self) -> MoneyUnit:
        if self._money_unit is not None:
            return self._money_unit
        if self._unit_hint is not None:
            return self._unit_hint
        for text, _cell in self._amounts.values():
            amount = parse_amount(text)
            if amount is not None and amount.unit is not None:
                return amount.unit
        return "万元"

    def _group_source(self, group: str) -> SourceRef | None:
        cell = self._group_cells.get(group)
        return cell.source if cell is not None else None

    def _money(self, path: str, money_unit: MoneyUnit) -> Decimal | None:
        entry = self._amounts.get(path)
        if entry is None:
            return None
        text, cell = entry
        return self._read_amount(text, cell, money_unit)

    def _read_amount(self, text: str, cell: Cell, money_unit: MoneyUnit) -> Decimal | None:
        value = strip_placeholders(text)
        if not value:
            return None
        amount = parse_amount(value)
        if amount is None:
            self.note(cell, "金额无法识别（应为 40.00 这样的数字）", value)
            return None
        if amount.unit is None or amount.unit == money_unit:
            return amount.number
        converted = convert_amount(amount.number, amount.unit, money_unit)
        self.note(cell, f"金额写明的单位 {amount.unit} 与表的金额单位 {money_unit} 不一致，"
                        f"已换算为 {converted} {money_unit}", value)
        return converted

    def _contact(self) -> Contact:
        filled_on = None
        written = self._texts.get("contact.filled_on", "")
        if written:
            filled_on = parse_date(written)
            if filled_on is None:
                cell = self._group_cells.get("contact")
                self._notes.append(ImportNote(
                    text=written, source=cell.source if cell is not None else None,
                    reason="填报日期无法识别（应为 2021年1月5日 或 2021-01-05）"))
        return Contact(
            filled_by=self._texts.get("contact.filled_by", ""),
            phone=self._texts.get("contact.phone", ""),
            filled_on=filled_on,
            head=self._texts.get("contact.head", ""),
            source=self._group_source("contact"),
        )

    def _task_list(self, money_unit: MoneyUnit) -> tuple[tuple[Task, ...], Funding | None]:
        if self._tasks is None:
            return (), None
        self._notes.extend(self._tasks.notes)
        tasks = tuple(
            Task(name=draft.name, content=draft.content,
                 funding=self._task_funding(draft, money_unit),
                 source=draft.source.source if draft.source is not None else None)
            for draft in self._tasks.tasks
        )
        total = self._tasks.total
        return tasks, self._task_funding(total, money_unit) if total is not None else None

    def _task_funding(self, draft: TaskDraft, money_unit: MoneyUnit) -> Funding:
        def amount(role: str) -> Decimal | None:
            cell = draft.amounts.get(role)
            return self._read_amount(cell.text, cell, money_unit) if cell is not None else None

        first = next(iter(draft.amounts.values()), None)
        return Funding(total=amount("total"), fiscal=amount("fiscal"), other=amount("other"),
                       source=first.source if first is not None else None)


class FormReader:
    """Finds the forms (申报表) of a :class:`Document` and reads each into a declaration.

    Text before the first form, and the notes of the file reader (:attr:`Document.notes`), are
    kept in the first declaration's notes. Raises
    :class:`FormError` when the document holds no form it can recognise.
    """

    def read(self, document: Document) -> list[Declaration]:
        """The declarations of ``document``, in the order of its forms."""
        leading, forms = _split(_rows(document), document.file)
        declarations: list[Declaration] = []
        for index, form in enumerate(forms):
            builder = _FormBuilder(form.kind, document.file)
            for row in form.rows:
                builder.add(row)
            if index == 0:
                builder.add_notes(document.notes)
            before = [cell for row in leading for cell in row.cells] if index == 0 else []
            declarations.append(builder.build(before))
        return declarations

