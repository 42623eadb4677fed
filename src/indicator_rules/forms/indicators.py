"""Placing the cells of the indicator table (绩效指标) by what they say, not only where they sit.

PDF conversions shift rows one column left, spread a merged 一级/二级 cell over rows and break
the table across pages. Each row is therefore read by meaning:

1. Cells naming a known 一级 or 二级 (with the alias table of :mod:`indicator_rules.taxonomy`:
   完成指标, 环境效益指标 …) at the start of the row are the categories. 成本指标 and 满意度指标
   can be either: such a name is the 一级 when another category follows it in the row or when it
   sits in the 一级 column with the 二级 column left empty, else the 二级 (成本 under 产出).
2. The other cells are the 三级 name, the 指标值 and any further columns (指标解释, 绩效标准 …)
   in order. When a row has fewer of them than the header has columns, each goes to the header
   column it lines up with once the row's shift is known from its category cells; a name with
   its ``指标 N:`` number is always the 三级, and a lone cell with a written number or a grade
   (``3次``, ``95%``, ``好``) is the 指标值.
3. A merged 一级/二级 is filled down: a row without one keeps the last one above it. A 二级 with
   nothing under it becomes an indicator with a blank name, as the form shows it.
4. The first row of a table after a page break that holds one plain piece of text continues the
   longest text of the indicator above (a cell cut by the page end), when that text is long
   (≥ 15 characters) and does not end a sentence.

A number in the header's 序号 column is the row's number and is not read; anything else there
(a category a PDF conversion shifted left, say) is read like any other cell. Cells that fit
nowhere become :class:`~indicator_rules.model.ImportNote` s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from indicator_rules.forms.grid import Cell
from indicator_rules.forms.labelled import ROW_NUMBER
from indicator_rules.forms.text import (
    compact,
    has_indicator_prefix,
    is_category,
    is_row_number,
    parse_amount,
)
from indicator_rules.model import ImportNote, Indicator, IndicatorValue, ValueType
from indicator_rules.taxonomy import canonical_level1, canonical_level2
from indicator_rules.values import Comparator, parse_value

__all__ = ["IndicatorTable", "continues_text", "join_continued"]

_TEXT_ROLES = ("name", "value", "explanation", "standard", "weight", "remark",
               "value.comparator", "value.number", "value.unit", "value.value_type")
_SENTENCE_END = tuple("。！？；;.!?")
_CUT_TEXT_LENGTH = 15
_COMPARATORS = {
    "≥": Comparator.GE, ">=": Comparator.GE, "大于等于": Comparator.GE, "不低于": Comparator.GE,
    "≤": Comparator.LE, "<=": Comparator.LE, "小于等于": Comparator.LE, "不高于": Comparator.LE,
    ">": Comparator.GT, "大于": Comparator.GT, "<": Comparator.LT, "小于": Comparator.LT,
    "=": Comparator.EQ, "等于": Comparator.EQ, "≈": Comparator.APPROX, "约等于": Comparator.APPROX,
}
_VALUE_TYPES = {"定量": ValueType.QUANTITATIVE, "定性": ValueType.QUALITATIVE}


def continues_text(previous: str, fragment: str) -> bool:
    """True when ``fragment`` (the first text after a page break) can continue ``previous``:
    a long text cut before the end of its sentence."""
    stripped = previous.rstrip()
    return (len(stripped) >= _CUT_TEXT_LENGTH and not stripped.endswith(_SENTENCE_END)
            and bool(fragment.strip()))


def join_continued(previous: str, fragment: str) -> str:
    """``previous`` and the ``fragment`` that continues it after a page break, joined as one
    text: directly between Chinese characters, with a space between two Latin letters or
    digits."""
    if previous[-1:].isascii() and previous[-1:].isalnum() and fragment[:1].isascii() \
            and fragment[:1].isalnum():
        return f"{previous} {fragment}"
    return previous + fragment


def _category_text(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _explicit_number(text: str) -> bool:
    """A 指标值 with a written number (not one read from words such as 全覆盖), or a grade."""
    parsed = parse_value(text)
    return any(not target.implied for target in parsed.targets) or parsed.grade is not None


@attrs.define
class _Draft:
    level1: str
    level2: str
    cells: dict[str, Cell]
    texts: dict[str, str]
    source_cell: Cell


class IndicatorTable:
    """Reads the rows of one form's indicator table, across page breaks, into indicators.

    ``columns`` maps the header's columns to fields (``level1``, ``level2``, ``name``,
    ``value``, ``explanation``, ``value.unit`` …).
    """

    def __init__(self, columns: Mapping[int, str]) -> None:
        self._columns: dict[int, str] = {}
        self._column_of: dict[str, int] = {}
        self._text_roles: list[str] = []
        self.set_columns(columns)
        self._level1 = ""
        self._level2 = ""
        self._pending: tuple[str, str, Cell] | None = None
        self._drafts: list[_Draft] = []
        self.notes: list[ImportNote] = []

    def set_columns(self, columns: Mapping[int, str]) -> None:
        """Use the columns of a (repeated) header row from here on; a field named by two
        columns keeps the first, the other column is read by meaning."""
        self._columns = {}
        for column, role in sorted(columns.items()):
            if role not in self._columns.values():
                self._columns[column] = role
        self._column_of = {role: column for column, role in sorted(self._columns.items())}
        roles = [role for _, role in sorted(self._columns.items()) if role in _TEXT_ROLES]
        if "name" not in roles or "value" not in roles:
            roles = ["name", "value", *(role for role in roles if role not in ("name", "value"))]
        self._text_roles = roles

    # -- rows ----------------------------------------------------------------------------------

    def add(self, cells: Sequence[Cell], *, after_page_break: bool) -> bool:
        """Place one row's non-empty cells; ``after_page_break`` when it opens a new table.

        False when the row is no part of the table: it starts left of the table's columns
        (where the form's labels are) and has nothing of an indicator — no category, no
        numbered 三级 name (``指标 1:``), no value with a written number. A row a PDF conversion
        shifted left has one of them; ``备注说明 | 这是一段额外说明`` is a label the reader does
        not know, for the caller to keep.
        """
        number_column = self._column_of.get(ROW_NUMBER)
        cells = [cell for cell in cells
                 if cell.column != number_column or not is_row_number(cell.text)]
        if not cells:
            return True
        if after_page_break and self._continue_cut_text(cells):
            return True
        if self._is_foreign(cells):
            return False
        self._place_row(cells)
        return True

    def _is_foreign(self, cells: Sequence[Cell]) -> bool:
        if not self._columns or cells[0].column >= min(self._columns):
            return False
        return not any(is_category(cell.text) or has_indicator_prefix(cell.text)
                       or _explicit_number(cell.text) for cell in cells)

    def _place_row(self, cells: Sequence[Cell]) -> None:
        categories, texts = self._split_categories(cells)
        level1, level2 = self._assign_categories(categories, texts)
        self._update_context(level1, level2)
        if not texts:
            if categories:
                self._pending = (self._level1, self._level2, categories[0])
            return
        self._pending = None
        self._drafts.append(self._draft(texts, categories, self._shift(level1, level2)))

    def _continue_cut_text(self, cells: Sequence[Cell]) -> bool:
        if len(cells) != 1 or not self._drafts:
            return False
        (cell,) = cells
        text = cell.text
        if is_category(text) or has_indicator_prefix(text) or _explicit_number(text):
            return False
        draft = self._drafts[-1]
        role = max(draft.texts, key=lambda name: len(draft.texts[name]), default=None)
        if role is None or not continues_text(draft.texts[role], text):
            return False
        draft.texts[role] = join_continued(draft.texts[role], text)
        return True

    def _split_categories(self, cells: Sequence[Cell]) -> tuple[list[Cell], list[Cell]]:
        """The category cells at the start of the row, and the rest. A cell in the header's
        三级 column or right of it is never a category: ``服务对象满意度`` there is a name."""
        name_column = self._column_of.get("name")
        categories: list[Cell] = []
        index = 0
        while index < len(cells) and is_category(cells[index].text) \
                and (name_column is None or cells[index].column < name_column):
            categories.append(cells[index])
            index += 1
        return categories, list(cells[index:])

    def _assign_categories(
        self, categories: Sequence[Cell], texts: Sequence[Cell]
    ) -> tuple[Cell | None, Cell | None]:
        level1: Cell | None = None
        level2: Cell | None = None
        for index, cell in enumerate(categories):
            one = canonical_level1(cell.text) is not None
            two = canonical_level2(cell.text) is not None
            if one and two:  # 成本指标, 满意度指标: 一级 under mof2021, 二级 elsewhere
                one = index + 1 < len(categories) or self._leaves_level2_empty(cell, texts)
            if one and level1 is None and level2 is None:
                level1 = cell
            elif not one and level2 is None:
                level2 = cell
            else:
                self.notes.append(ImportNote(text=cell.text, source=cell.source,
                                             reason="同一行出现多个一级或二级指标名称，未采用"))
        return level1, level2

    def _leaves_level2_empty(self, cell: Cell, texts: Sequence[Cell]) -> bool:
        level1_column = self._column_of.get("level1")
        level2_column = self._column_of.get("level2")
        if level1_column is None or level2_column is None or cell.column != level1_column:
            return False
        return not texts or texts[0].column > level2_column

    def _update_context(self, level1: Cell | None, level2: Cell | None) -> None:
        pending = self._pending
        if pending is not None and (level1 is not None or (pending[1] and level2 is not None)):
            self._emit_empty(*pending)
            self._pending = None
        if level1 is not None:
            self._level1 = _category_text(level1.text)
            self._level2 = ""
        if level2 is not None:
            self._level2 = _category_text(level2.text)

    def _emit_empty(self, level1: str, level2: str, cell: Cell) -> None:
        self._drafts.append(_Draft(level1, level2, {}, {}, cell))

    def _draft(self, texts: Sequence[Cell], categories: Sequence[Cell], shift: int) -> _Draft:
        placed = self._place_texts(texts, shift)
        name_cell = placed.get("name")
        source_cell = name_cell or (categories[0] if categories else texts[0])
        return _Draft(self._level1, self._level2, placed,
                      {role: cell.text for role, cell in placed.items()}, source_cell)

    def _place_texts(self, texts: Sequence[Cell], shift: int) -> dict[str, Cell]:
        roles = self._text_roles
        prefixed = next((index for index, cell in enumerate(texts)
                         if has_indicator_prefix(cell.text)), None)
        if prefixed:
            for cell in texts[:prefixed]:
                self._note_extra(cell)
            return self._in_order(texts[prefixed:], roles)
        if len(texts) >= len(roles) or prefixed == 0:
            return self._in_order(texts, roles)
        if len(texts) == 1 and _explicit_number(texts[0].text):
            return {"value": texts[0]}
        placed: dict[str, Cell] = {}
        next_index = 0
        for cell in texts:
            wanted = self._columns.get(cell.column - shift)
            index = roles.index(wanted) if wanted in roles else -1
            if index < next_index:
                index = next_index
            if index >= len(roles):
                self._note_extra(cell)
                continue
            placed[roles[index]] = cell
            next_index = index + 1
        return placed

    def _in_order(self, texts: Sequence[Cell], roles: Sequence[str]) -> dict[str, Cell]:
        for cell in texts[len(roles):]:
            self._note_extra(cell)
        return dict(zip(roles, texts, strict=False))

    def _shift(self, level1: Cell | None, level2: Cell | None) -> int:
        """How far left of the header's columns the row sits, told by its category cells."""
        for cell, role in ((level2, "level2"), (level1, "level1")):
            column = self._column_of.get(role)
            if cell is not None and column is not None:
                return cell.column - column
        return 0

    def _note_extra(self, cell: Cell) -> None:
        self.notes.append(ImportNote(text=cell.text, source=cell.source,
                                     reason="指标表中多出的单元格，无法对应到任何一列"))

    # -- result --------------------------------------------------------------------------------

    def indicators(self) -> tuple[Indicator, ...]:
        """The indicators read so far, in the order of the form."""
        if self._pending is not None:
            self._emit_empty(*self._pending)
            self._pending = None
        return tuple(self._indicator(draft) for draft in self._drafts)

    def _indicator(self, draft: _Draft) -> Indicator:
        texts, cells = draft.texts, draft.cells
        value_cell = cells.get("value")
        comparator_cell = cells.get("value.comparator")
        type_cell = cells.get("value.value_type")
        if type_cell is None and comparator_cell is not None \
                and compact(comparator_cell.text) in _VALUE_TYPES:
            # 财预〔2021〕101号: 指标性质 is ≥ / ≤ / = for a 定量 indicator, or 定性
            type_cell, comparator_cell = comparator_cell, None
        value = IndicatorValue(
            text=texts.get("value", ""),
            comparator=self._comparator(comparator_cell),
            number=self._decimal(cells.get("value.number")),
            unit=texts.get("value.unit") or None,
            value_type=self._value_type(type_cell),
            source=value_cell.source if value_cell is not None else None,
        )
        return Indicator(
            level1=draft.level1, level2=draft.level2, name=texts.get("name", ""), value=value,
            explanation=texts.get("explanation", ""), standard=texts.get("standard", ""),
            weight=self._decimal(cells.get("weight")), remark=texts.get("remark", ""),
            source=draft.source_cell.source,
        )

    def _decimal(self, cell: Cell | None) -> Decimal | None:
        if cell is None:
            return None
        amount = parse_amount(cell.text)
        if amount is None:
            self.notes.append(ImportNote(text=cell.text, source=cell.source,
                                         reason="应为数字，无法识别"))
            return None
        return amount.number

    def _comparator(self, cell: Cell | None) -> Comparator | None:
        if cell is None:
            return None
        comparator = _COMPARATORS.get(compact(cell.text))
        if comparator is None:
            self.notes.append(ImportNote(text=cell.text, source=cell.source,
                                         reason="指标性质无法识别（应为 ≥、≤、=、>、<、≈）"))
        return comparator

    def _value_type(self, cell: Cell | None) -> ValueType | None:
        if cell is None:
            return None
        value_type = _VALUE_TYPES.get(compact(cell.text))
        if value_type is None:
            self.notes.append(ImportNote(text=cell.text, source=cell.source,
                                         reason="指标值类型无法识别（应为 定量 或 定性）"))
        return value_type


