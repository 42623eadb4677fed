"""The typed declaration model: frozen attrs classes for the two kinds of 绩效目标申报表.

A declaration is either a project form (项目绩效目标申报表, :class:`ProjectDeclaration`) or a
whole-department form (部门整体支出绩效目标申报表, :class:`DepartmentDeclaration`). Both carry
their funding, goals and the indicator table (一级指标 › 二级指标 › 三级指标 › 指标值).

Inside the library a declaration is always well-formed: validation happens where data enters
(:mod:`indicator_rules.serialize`, the form readers). Money is :class:`decimal.Decimal` in the
unit the form states (``money_unit``, 万元 by default); a blank amount is ``None``, never 0, so
that rules can tell "blank" from "zero". The Chinese label of every field is in
:mod:`indicator_rules.labels`.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
from decimal import Decimal
from typing import ClassVar, Literal, TypeAlias, get_args

import attrs

from indicator_rules.source import SourceRef
from indicator_rules.values import MONEY_TO_WAN, Comparator, ParsedValue, Target, parse_value

__all__ = [
    "MONEY_UNITS",
    "Contact",
    "Declaration",
    "DeclarationKind",
    "DepartmentDeclaration",
    "DepartmentFunding",
    "Funding",
    "ImportNote",
    "Indicator",
    "IndicatorValue",
    "MoneyUnit",
    "ProjectDeclaration",
    "Task",
    "ValueType",
    "Waiver",
    "derive_id",
]

#: A money unit a form may state in its 金额单位 line.
MoneyUnit: TypeAlias = Literal["元", "千元", "万元", "亿元"]

#: Each money unit a form may state, with its size in 万元 (from the 指标值 parser's table).
MONEY_UNITS: dict[MoneyUnit, Decimal] = {unit: MONEY_TO_WAN[unit] for unit in get_args(MoneyUnit)}

#: ``"project"`` (项目) or ``"department"`` (部门整体).
DeclarationKind: TypeAlias = Literal["project", "department"]


class ValueType(enum.Enum):
    """指标值类型: whether an indicator is marked 定量 (quantitative) or 定性 (qualitative)."""

    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"


@attrs.frozen(kw_only=True)
class IndicatorValue:
    """指标值: the target of one indicator as written, plus what the parser reads in it.

    ``text`` is the cell as written. Budget systems often give the target in separate columns;
    ``comparator`` (指标性质), ``number`` and ``unit`` (计量单位) keep those when present, and
    ``value_type`` keeps a 定量/定性 column. ``parsed`` is computed on first use and cached:

    - blank ``text`` and a structured ``number``: one target built from the structured parts;
    - otherwise the text is parsed, and the columns fill in what it leaves open: ``unit`` is
      given to targets written without one, ``comparator`` to targets written as a bare number.
      When text and column both give a unit, the text's is kept (rule V05 compares the two).
    """

    text: str = ""
    comparator: Comparator | None = None
    number: Decimal | None = None
    unit: str | None = None
    value_type: ValueType | None = None
    source: SourceRef | None = None
    #: ``parsed`` once it was asked for (a plain slot, so that reading any field of a value
    #: stays a plain slot read: a ``cached_property`` on a slotted class makes attrs give it a
    #: ``__getattr__``, which slows every attribute read; compiled rules read this slot first)
    _parsed: ParsedValue | None = attrs.field(default=None, init=False, eq=False, repr=False)

    @property
    def parsed(self) -> ParsedValue:
        """The parsed 指标值 (see :func:`indicator_rules.values.parse_value`), computed on
        first use and kept."""
        parsed = self._parsed
        if parsed is None:
            parsed = self._parse()
            object.__setattr__(self, "_parsed", parsed)  # frozen: a cache, not a change
        return parsed

    def __getstate__(self) -> dict[str, object]:
        """The fields given, without the kept parse (made again where the copy is read)."""
        return {field.name: getattr(self, field.name) for field in _VALUE_FIELDS}

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_parsed", None)

    def _parse(self) -> ParsedValue:
        if not self.text.strip() and self.number is not None:
            target = Target(self.comparator or Comparator.EQ, self.number, unit=self.unit)
            return ParsedValue(self.text, targets=(target,))
        parsed = parse_value(self.text)
        if self.unit is None and self.comparator is None:
            return parsed
        return attrs.evolve(parsed, targets=tuple(map(self._with_columns, parsed.targets)))

    def _with_columns(self, target: Target) -> Target:
        bare = target.comparator is Comparator.EQ and not target.approx and not target.implied
        return Target(
            self.comparator if bare and self.comparator is not None else target.comparator,
            target.number,
            upper=target.upper,
            unit=target.unit or self.unit,
            period=target.period,
            approx=target.approx,
            implied=target.implied,
            subject=target.subject,
            span=target.span,
        )

    @property
    def blank(self) -> bool:
        """True when neither text nor a structured number was given."""
        return not self.text.strip() and self.number is None


_VALUE_FIELDS = tuple(field for field in attrs.fields(IndicatorValue) if field.init)


@attrs.frozen(kw_only=True)
class Indicator:
    """One row of the indicator table: 一级指标 › 二级指标 › 三级指标 and its 指标值.

    ``level1`` (一级指标) and ``level2`` (二级指标) are the category names as written (a form may
    use 完成指标 for 产出指标; rules resolve such aliases through a taxonomy profile). ``name`` is
    the 三级指标. The optional columns some templates have are kept: ``explanation`` (指标解释),
    ``standard`` (绩效标准 / 指标标准或依据), ``weight`` (分值) and ``remark`` (备注).
    """

    level1: str = ""
    level2: str = ""
    name: str = ""
    value: IndicatorValue = IndicatorValue()
    explanation: str = ""
    standard: str = ""
    weight: Decimal | None = None
    remark: str = ""
    source: SourceRef | None = None


@attrs.frozen(kw_only=True)
class Funding:
    """Amounts split by source: 资金总额 = 财政拨款 + 其他资金.

    Used for a project's 项目资金, for each 年度主要任务's 预算金额 and for their 合计 row.
    """

    total: Decimal | None = None
    fiscal: Decimal | None = None
    other: Decimal | None = None
    source: SourceRef | None = None


@attrs.frozen(kw_only=True)
class DepartmentFunding:
    """A department's 年度预算申请, split by income (按收入性质) and by use (按支出性质).

    ``total`` (资金总额) = ``public_finance`` (公共财政拨款) + ``government_fund`` (政府性基金拨款)
    + ``special_account`` (纳入专户管理的非税收入拨款) + ``other`` (其他资金)
    = ``basic`` (基本支出) + ``project`` (项目支出).
    """

    total: Decimal | None = None
    public_finance: Decimal | None = None
    government_fund: Decimal | None = None
    special_account: Decimal | None = None
    other: Decimal | None = None
    basic: Decimal | None = None
    project: Decimal | None = None
    source: SourceRef | None = None


@attrs.frozen(kw_only=True)
class Task:
    """年度主要任务: one main task of a department, with its 预算金额."""

    name: str = ""
    content: str = ""
    funding: Funding = Funding()
    source: SourceRef | None = None


@attrs.frozen(kw_only=True)
class Contact:
    """Who filled in the form: 填报人/填表人, 联系电话, 填报日期; 单位负责人 on department forms."""

    filled_by: str = ""
    phone: str = ""
    filled_on: datetime.date | None = None
    head: str = ""
    source: SourceRef | None = None


@attrs.frozen(kw_only=True)
class Waiver:
    """A reviewed exception: findings of ``rule`` (at ``path``, or anywhere when empty) are kept in
    the report but marked waived with ``reason``. ``until_year`` is the last fiscal year it holds.
    """

    rule: str
    reason: str
    path: str = ""
    until_year: int | None = None


@attrs.frozen(kw_only=True)
class ImportNote:
    """导入备注: text a form reader found on the form but could not place in a field.

    Nothing on a form is dropped silently: what the reader cannot place is kept here with
    ``source`` (where it was on the form) and ``reason`` (why it was not placed, in Chinese for
    the reviewer). A declaration typed by hand or loaded from JSON usually has none.
    """

    text: str
    source: SourceRef | None = None
    reason: str = ""


def derive_id(kind: str, year: int | None, unit: str, name: str) -> str:
    """A stable id from what identifies a form: kind, year, unit and name.

    The same form gets the same id wherever its file lives and whatever else changes in it, e.g.
    ``project-2021-1f3a9c0b``. Two forms of one unit, year and name share an id; give ids
    explicitly when that can happen.
    """
    digest = hashlib.sha256(f"{kind}\x1f{year}\x1f{unit}\x1f{name}".encode()).hexdigest()
    return f"{kind}-{year if year is not None else 'unknown'}-{digest[:8]}"


def _set_derived_id(declaration: ProjectDeclaration | DepartmentDeclaration, unit: str) -> None:
    if not declaration.id:
        derived = derive_id(declaration.kind, declaration.year, unit, declaration.name)
        object.__setattr__(declaration, "id", derived)  # frozen: set once, during __init__


@attrs.frozen(kw_only=True)
class ProjectDeclaration:
    """项目绩效目标申报表: the performance targets of one project.

    ``year`` is the 年度 (budget year) and may be ``None`` when the form does not state it (a
    rule reports that); ``id`` is derived by :func:`derive_id` when not given. ``goal`` is the
    年度目标; ``budget_unit`` (预算单位), ``filing_unit`` (填报单位) and ``department``
    (主管部门) name the units; ``period`` is the 实施期 as written. ``notes`` are the
    :class:`ImportNote` s of a form reader: text of the form it could not place.
    """

    kind: ClassVar[DeclarationKind] = "project"

    id: str = ""
    year: int | None = None
    name: str = ""
    budget_unit: str = ""
    filing_unit: str = ""
    department: str = ""
    period: str = ""
    money_unit: MoneyUnit = "万元"
    funding: Funding = Funding()
    goal: str = ""
    indicators: tuple[Indicator, ...] = ()
    contact: Contact = Contact()
    review_opinion: str = ""
    waivers: tuple[Waiver, ...] = ()
    notes: tuple[ImportNote, ...] = ()
    source: SourceRef | None = None

    def __attrs_post_init__(self) -> None:
        _set_derived_id(self, self.budget_unit or self.filing_unit)


@attrs.frozen(kw_only=True)
class DepartmentDeclaration:
    """部门整体支出绩效目标申报表: the performance targets of a department's whole spending.

    ``name`` is the 部门名称; ``duties`` the 部门职能职责概述; ``tasks`` the 年度主要任务 and
    ``tasks_total`` their 合计 row as written on the form (not recomputed); ``goals`` the
    numbered 年度总体目标; ``notes`` the :class:`ImportNote` s of a form reader.
    """

    kind: ClassVar[DeclarationKind] = "department"

    id: str = ""
    year: int | None = None
    name: str = ""
    filing_unit: str = ""
    money_unit: MoneyUnit = "万元"
    funding: DepartmentFunding = DepartmentFunding()
    duties: str = ""
    tasks: tuple[Task, ...] = ()
    tasks_total: Funding | None = None
    goals: tuple[str, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    contact: Contact = Contact()
    review_opinion: str = ""
    waivers: tuple[Waiver, ...] = ()
    notes: tuple[ImportNote, ...] = ()
    source: SourceRef | None = None

    def __attrs_post_init__(self) -> None:
        _set_derived_id(self, self.name or self.filing_unit)


#: Either kind of declaration; ``declaration.kind`` tells which.
Declaration: TypeAlias = ProjectDeclaration | DepartmentDeclaration
