"""Types of the rules language and the schema of the model as rules see it.

Values at run time are plain Python: ``bool``, ``Decimal`` (number, percent and money alike — the
static type says which, so a percent is never compared with money), ``str``,
``datetime.date``, ``tuple`` (lists), model objects (records) and ``None`` (null).

Money is always in 万元 inside rules: a money field is converted from its declaration's
``money_unit`` when it is read. A percent is the number before the % sign (85% is 85).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from indicator_rules.labels import labels_of
from indicator_rules.model import (
    MONEY_UNITS,
    Contact,
    DepartmentDeclaration,
    DepartmentFunding,
    Funding,
    Indicator,
    IndicatorValue,
    MoneyUnit,
    ProjectDeclaration,
    Task,
)
from indicator_rules.taxonomy import canonical_level1, canonical_level2
from indicator_rules.values import Target, UnitKind

__all__ = [
    "BOOL",
    "DATE",
    "MONEY",
    "NULL",
    "NUMBER",
    "PERCENT",
    "RECORDS",
    "TEXT",
    "DslType",
    "FieldSpec",
    "Kind",
    "Record",
    "RuntimeContext",
    "list_of",
    "record",
]


class Kind(enum.Enum):
    """The kinds of values."""

    BOOL = "bool"
    NUMBER = "number"
    PERCENT = "percent"
    MONEY = "money"
    TEXT = "text"
    DATE = "date"
    NULL = "null"
    LIST = "list"
    RECORD = "record"


NUMERIC = frozenset({Kind.NUMBER, Kind.PERCENT, Kind.MONEY})


@attrs.frozen
class DslType:
    """A static type: a kind, the item type of a list, the name of a record; maybe null."""

    kind: Kind
    item: DslType | None = None
    record: str | None = None
    nullable: bool = False

    def __str__(self) -> str:
        if self.kind is Kind.LIST:
            text = f"list of {self.item}"
        elif self.kind is Kind.RECORD:
            text = str(self.record)
        else:
            text = self.kind.value
        return f"{text} or null" if self.nullable and self.kind is not Kind.NULL else text

    def or_null(self) -> DslType:
        """The same type, nullable."""
        return attrs.evolve(self, nullable=True)

    def not_null(self) -> DslType:
        """The same type, not nullable."""
        return attrs.evolve(self, nullable=False)

    @property
    def numeric(self) -> bool:
        """Number, percent or money."""
        return self.kind in NUMERIC

    def same_kind(self, other: DslType) -> bool:
        """Comparable: the same kind (lists: items of the same kind), or one side is null."""
        if Kind.NULL in (self.kind, other.kind):
            return True
        if self.kind is not other.kind:
            return False
        if self.kind is Kind.LIST:
            assert self.item is not None
            assert other.item is not None
            return self.item.same_kind(other.item)
        return self.kind is not Kind.RECORD or self.record == other.record


BOOL = DslType(Kind.BOOL)
NUMBER = DslType(Kind.NUMBER)
PERCENT = DslType(Kind.PERCENT)
MONEY = DslType(Kind.MONEY)
TEXT = DslType(Kind.TEXT)
DATE = DslType(Kind.DATE)
NULL = DslType(Kind.NULL, nullable=True)


def list_of(item: DslType) -> DslType:
    """The type of a list of ``item``."""
    return DslType(Kind.LIST, item=item)


def record(name: str) -> DslType:
    """The type of a record (a model object) named ``name``."""
    return DslType(Kind.RECORD, record=name)


@attrs.frozen
class RuntimeContext:
    """What field getters need besides the object: the declaration's money unit."""

    money_unit: MoneyUnit = "万元"
    money_unit_in_wan: Decimal = Decimal(1)

    @classmethod
    def of(cls, money_unit: MoneyUnit) -> RuntimeContext:
        """The context for a declaration whose money unit is ``money_unit``."""
        return cls(money_unit, MONEY_UNITS[money_unit])


Getter = Callable[[Any, RuntimeContext], Any]


@attrs.frozen
class FieldSpec:
    """A field of a record: its type, how to read it, and what it is (for docs and errors)."""

    type: DslType
    get: Getter
    doc: str = ""

    @property
    def attribute(self) -> str | None:
        """The model attribute (= JSON field) this field reads, or None for a computed field."""
        return _ATTRIBUTE_OF.get(self.get)


@attrs.frozen
class Record:
    """A record type: named fields, plus Chinese aliases (field label → field path)."""

    name: str
    fields: Mapping[str, FieldSpec]
    aliases: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    doc: str = ""


#: Getters that read a model attribute as it is, by the attribute's name.
_ATTRIBUTE_OF: dict[Getter, str] = {}


def _reads(name: str, getter: Getter) -> Getter:
    _ATTRIBUTE_OF[getter] = name
    return getter


#: Getters that are a plain ``getattr`` of the model attribute (the compiler inlines them).
PLAIN_ATTRIBUTE: dict[Getter, str] = {}


def _attr(name: str) -> Getter:
    getter = _reads(name, lambda obj, _context: getattr(obj, name))
    PLAIN_ATTRIBUTE[getter] = name
    return getter


#: Getters the compiler writes out in the generated code instead of calling them: a Python
#: expression of this module's own, over ``{obj}`` (never null), ``{context}`` and ``{helper}``
#: (the function :data:`INLINE_HELPER` gives for the getter).
INLINE_READ: dict[Getter, str] = {}
INLINE_HELPER: dict[Getter, Callable[..., Any]] = {}


def _inline(template: str, getter: Getter, helper: Callable[..., Any] | None = None) -> Getter:
    INLINE_READ[getter] = template
    if helper is not None:
        INLINE_HELPER[getter] = helper
    return getter


def _money(name: str) -> Getter:
    def get(obj: Any, context: RuntimeContext) -> Decimal | None:
        amount: Decimal | None = getattr(obj, name)
        return None if amount is None else amount * context.money_unit_in_wan

    return _inline(f"(None if {{obj}}.{name} is None else {{obj}}.{name} * "
                   "{context}.money_unit_in_wan)", _reads(name, get))


def _tuple(name: str) -> Getter:
    return _inline(f"tuple({{obj}}.{name})",
                   _reads(name, lambda obj, _context: tuple(getattr(obj, name))))


#: The parsed 指标值 of ``{obj}`` in generated code: the value's slot once it holds the parse
#: (a plain slot read), else the ``parsed`` property, which parses and fills it. A
#: ``ParsedValue`` is always true. (``{obj}`` is an ``IndicatorValue``: the model's records
#: hold nothing else.)
_PARSED = "({obj}._parsed or {obj}.parsed)"


def _parsed_field(name: str, written: str = "{parsed}.{name}") -> Getter:
    """A field of the parsed 指标值 as it is (``written``: how generated code reads it, over
    ``{parsed}``, when it is a property of ``ParsedValue`` written out)."""
    return _inline(written.format(parsed=_PARSED, name=name),
                   lambda value, _context: getattr(value.parsed, name))


def _enum_value(name: str) -> Getter:
    # ``_value_`` is where an enum member keeps its value: a plain attribute, where ``.value``
    # goes through a descriptor
    return _inline(f"{{obj}}.{name}._value_", lambda obj, _context: getattr(obj, name).value)


def _first_target(select: Callable[[Target], Any]) -> Getter:
    def get(value: IndicatorValue, _context: RuntimeContext) -> Any:
        for target in value.parsed.targets:
            found = select(target)
            if found is not None:
                return found
        return None

    return get


def _percent_of(target: Target) -> Decimal | None:
    return target.number if target.unit_kind is UnitKind.PERCENT else None


def _amount(value: IndicatorValue, context: RuntimeContext) -> Decimal | None:
    return value.parsed.amount_in_wan(context.money_unit)


def _target_amount(target: Target, context: RuntimeContext) -> Decimal | None:
    return target.amount_in_wan(context.money_unit)


def _aliases(*owners: type) -> dict[str, tuple[str, ...]]:
    aliases: dict[str, tuple[str, ...]] = {}
    for owner in owners:
        for path, labels in labels_of(owner).items():
            for label in labels:
                aliases.setdefault(label, tuple(path.split(".")))
    return aliases


_OPTIONAL_TEXT = TEXT.or_null()
_OPTIONAL_NUMBER = NUMBER.or_null()

_TARGET = Record(
    "Target",
    {
        "comparator": FieldSpec(TEXT, _enum_value("comparator"), ">=, <=, =, >, < or ≈"),
        "number": FieldSpec(NUMBER, _attr("number"), "the number (lower bound of a range)"),
        "upper": FieldSpec(_OPTIONAL_NUMBER, _attr("upper"), "upper bound of a range"),
        "unit": FieldSpec(_OPTIONAL_TEXT, _attr("unit"), "unit as written"),
        "unit_kind": FieldSpec(TEXT, _enum_value("unit_kind"), "count, money, percent …"),
        "period": FieldSpec(_OPTIONAL_TEXT, _attr("period"), "年, 半年, 季度, 月, 周 or 日"),
        "yearly": FieldSpec(_OPTIONAL_NUMBER, _attr("yearly"), "implied yearly figure"),
        "approx": FieldSpec(BOOL, _attr("approx"), "约, 左右, 余 …"),
        "implied": FieldSpec(BOOL, _attr("implied"), "read from a word such as 全覆盖"),
        "subject": FieldSpec(_OPTIONAL_TEXT, _attr("subject"), "the words before the number"),
        "percent": FieldSpec(PERCENT.or_null(), lambda t, _c: _percent_of(t), "when in %"),
        "amount": FieldSpec(MONEY.or_null(), _target_amount, "money amount in 万元"),
    },
    doc="one target read in a 指标值",
)

_VALUE = Record(
    "Value",
    {
        "text": FieldSpec(TEXT, _attr("text"), "指标值 as written"),
        # ParsedValue's properties, written out as what they compute (tests/dsl/
        # test_differential.py holds them to the properties)
        "quantified": FieldSpec(BOOL, _parsed_field("quantified", "(len({parsed}.targets) > 0)"),
                                "has a number"),
        "graded": FieldSpec(BOOL, _parsed_field("graded", "({parsed}.grade is not None)"),
                            "is a grade (好, 达标 …)"),
        "dated": FieldSpec(BOOL, _parsed_field("dated", "({parsed}.deadline is not None or "
                                         "{parsed}.date_range is not None)"),
                           "has a deadline or date range"),
        "targets": FieldSpec(list_of(record("Target")), _parsed_field("targets"),
                             "every target read, in order"),
        "grade": FieldSpec(_OPTIONAL_TEXT, _parsed_field("grade"), "the grade word"),
        "number": FieldSpec(_OPTIONAL_NUMBER, _first_target(lambda t: t.number),
                            "the first target's number"),
        "percent": FieldSpec(PERCENT.or_null(), _first_target(_percent_of),
                             "the first percentage"),
        "amount": FieldSpec(MONEY.or_null(), _amount,
                            "sum of the money amounts, in 万元 (a bare number counts as money "
                            "in the form's unit)"),
        "unit": FieldSpec(_OPTIONAL_TEXT, _first_target(lambda t: t.unit),
                          "the first unit written"),
        "comparator": FieldSpec(_OPTIONAL_TEXT, _first_target(lambda t: t.comparator.value),
                                "the first target's comparator"),
        "frequency": FieldSpec(_OPTIONAL_TEXT, _parsed_field("frequency"),
                               "每…/按… period word"),
        "years": FieldSpec(list_of(NUMBER),
                           lambda v, _c: tuple(Decimal(y) for y in v.parsed.years),
                           "years mentioned"),
        "suspected": FieldSpec(list_of(TEXT), _parsed_field("suspected"),
                               "suspected OCR slips"),
        "reason": FieldSpec(_OPTIONAL_TEXT, _parsed_field("reason"),
                            "why nothing could be read"),
        "declared_unit": FieldSpec(_OPTIONAL_TEXT, _attr("unit"), "计量单位 column"),
        "declared_type": FieldSpec(
            _OPTIONAL_TEXT,
            lambda v, _c: None if v.value_type is None else
            ("定量" if v.value_type.value == "quantitative" else "定性"),
            "指标值类型 column: 定量 or 定性",
        ),
    },
    aliases=_aliases(IndicatorValue) | {"计量单位": ("declared_unit",),
                                       "指标值类型": ("declared_type",)},
    doc="an 指标值 and what was read in it",
)

_INDICATOR = Record(
    "Indicator",
    {
        "level1": FieldSpec(TEXT, _attr("level1"), "一级指标"),
        "level2": FieldSpec(TEXT, _attr("level2"), "二级指标"),
        "name": FieldSpec(TEXT, _attr("name"), "三级指标"),
        "value": FieldSpec(record("Value"), _attr("value"), "指标值"),
        "explanation": FieldSpec(TEXT, _attr("explanation"), "指标解释"),
        "standard": FieldSpec(TEXT, _attr("standard"), "绩效标准"),
        "weight": FieldSpec(_OPTIONAL_NUMBER, _attr("weight"), "分值"),
        "remark": FieldSpec(TEXT, _attr("remark"), "备注"),
        "category": FieldSpec(_OPTIONAL_TEXT, _inline(
            "{helper}({obj}.level1)", lambda i, _c: canonical_level1(i.level1), canonical_level1),
            "一级指标 by canonical name (完成指标 → 产出指标)"),
        "subcategory": FieldSpec(_OPTIONAL_TEXT, _inline(
            "{helper}({obj}.level2)", lambda i, _c: canonical_level2(i.level2), canonical_level2),
            "二级指标 by its canonical name (环境效益指标 → 生态效益指标)"),
    },
    aliases={k: v for k, v in _aliases(Indicator).items() if v[0] != "value" or len(v) == 1}
    | {"计量单位": ("value", "declared_unit"), "指标值类型": ("value", "declared_type")},
    doc="one row of the indicator table",
)

_FUNDING = Record(
    "Funding",
    {
        "total": FieldSpec(MONEY.or_null(), _money("total"), "资金总额"),
        "fiscal": FieldSpec(MONEY.or_null(), _money("fiscal"), "财政拨款"),
        "other": FieldSpec(MONEY.or_null(), _money("other"), "其他资金"),
    },
    aliases=_aliases(Funding),
    doc="资金总额 = 财政拨款 + 其他资金",
)

_DEPARTMENT_FUNDING = Record(
    "DepartmentFunding",
    {
        name: FieldSpec(MONEY.or_null(), _money(name), label)
        for name, label in (
            ("total", "资金总额"), ("public_finance", "公共财政拨款"),
            ("government_fund", "政府性基金拨款"),
            ("special_account", "纳入专户管理的非税收入拨款"),
            ("other", "其他资金"), ("basic", "基本支出"), ("project", "项目支出"),
        )
    },
    aliases=_aliases(DepartmentFunding),
    doc="a department's budget by income and by use",
)

_TASK = Record(
    "Task",
    {
        "name": FieldSpec(TEXT, _attr("name"), "任务名称"),
        "content": FieldSpec(TEXT, _attr("content"), "主要内容"),
        "funding": FieldSpec(record("Funding"), _attr("funding"), "预算金额"),
    },
    aliases=_aliases(Task),
    doc="年度主要任务",
)

_CONTACT = Record(
    "Contact",
    {
        "filled_by": FieldSpec(TEXT, _attr("filled_by"), "填报人"),
        "phone": FieldSpec(TEXT, _attr("phone"), "联系电话"),
        "filled_on": FieldSpec(DATE.or_null(), _attr("filled_on"), "填报日期"),
        "head": FieldSpec(TEXT, _attr("head"), "单位负责人"),
    },
    aliases=_aliases(Contact),
    doc="who filled in the form",
)

def _money_if_any(name: str) -> Getter:
    def get(obj: Any, context: RuntimeContext) -> Decimal | None:
        amount: Decimal | None = getattr(obj, name, None)
        return None if amount is None else amount * context.money_unit_in_wan

    return _reads(name, get)


_FUNDING_LABELS = (
    ("total", "资金总额"), ("fiscal", "财政拨款"), ("public_finance", "公共财政拨款"),
    ("government_fund", "政府性基金拨款"), ("special_account", "纳入专户管理的非税收入拨款"),
    ("other", "其他资金"), ("basic", "基本支出"), ("project", "项目支出"),
)

_ANY_FUNDING = Record(
    "AnyFunding",
    {name: FieldSpec(MONEY.or_null(), _money_if_any(name), label)
     for name, label in _FUNDING_LABELS},
    aliases=_aliases(Funding) | _aliases(DepartmentFunding),
    doc="the funding of either kind of form: an amount the form's kind does not have is null",
)


def _unit(declaration: Any, _context: RuntimeContext) -> str:
    unit: str = declaration.budget_unit if declaration.kind == "project" else declaration.name
    return unit


def _goals(declaration: Any, _context: RuntimeContext) -> tuple[str, ...]:
    if declaration.kind == "project":
        return (declaration.goal,) if declaration.goal.strip() else ()
    return tuple(declaration.goals)


_UNIT = FieldSpec(TEXT, _unit, "the unit the form is for: 预算单位 of a project, 部门名称 of a "
                  "department")

_COMMON_FIELDS: dict[str, FieldSpec] = {
    "id": FieldSpec(TEXT, _attr("id"), "the declaration's id"),
    "kind": FieldSpec(TEXT, lambda d, _c: d.kind, "project or department"),
    "year": FieldSpec(_OPTIONAL_NUMBER,
                      lambda d, _c: None if d.year is None else Decimal(d.year), "年度"),
    "name": FieldSpec(TEXT, _attr("name"), "项目名称 or 部门名称"),
    "filing_unit": FieldSpec(TEXT, _attr("filing_unit"), "填报单位"),
    "money_unit": FieldSpec(TEXT, _attr("money_unit"), "金额单位"),
    "indicators": FieldSpec(list_of(record("Indicator")), _tuple("indicators"), "绩效指标"),
    "contact": FieldSpec(record("Contact"), _attr("contact"), "填报人, 联系电话 …"),
    "review_opinion": FieldSpec(TEXT, _attr("review_opinion"), "审核意见"),
}

_DECLARATION = Record(
    "Declaration",
    _COMMON_FIELDS | {
        "unit": _UNIT,
        "funding": FieldSpec(record("AnyFunding"), _attr("funding"),
                             "资金: 资金总额 of both kinds, the other amounts of the form's kind "
                             "(null where the kind has no such amount)"),
        "goals": FieldSpec(list_of(TEXT), _goals, "年度目标 of a project (one text; none when "
                           "blank) or 年度总体目标 of a department"),
        "tasks": FieldSpec(list_of(record("Task")),
                           _reads("tasks", lambda d, _c: tuple(getattr(d, "tasks", ()))),
                           "年度主要任务 (none on a project form)"),
        "period": FieldSpec(TEXT, _reads("period", lambda d, _c: getattr(d, "period", "")),
                            "实施期 (blank on a department form)"),
    },
    aliases=dict(_aliases(ProjectDeclaration).items() & _aliases(DepartmentDeclaration).items()),
    doc="either kind of declaration: the fields both kinds have, and unit, funding, goals, "
        "tasks and period read the same way on both",
)

_PROJECT = Record(
    "ProjectDeclaration",
    _COMMON_FIELDS | {
        "budget_unit": FieldSpec(TEXT, _attr("budget_unit"), "预算单位"),
        "department": FieldSpec(TEXT, _attr("department"), "主管部门"),
        "period": FieldSpec(TEXT, _attr("period"), "实施期"),
        "funding": FieldSpec(record("Funding"), _attr("funding"), "项目资金"),
        "goal": FieldSpec(TEXT, _attr("goal"), "年度目标"),
        "goals": FieldSpec(list_of(TEXT), _goals, "年度目标 as a list: one text, none when blank"),
        "unit": _UNIT,
    },
    aliases=_aliases(ProjectDeclaration),
    doc="项目绩效目标申报表",
)

_DEPARTMENT = Record(
    "DepartmentDeclaration",
    _COMMON_FIELDS | {
        "funding": FieldSpec(record("DepartmentFunding"), _attr("funding"), "年度预算申请"),
        "duties": FieldSpec(TEXT, _attr("duties"), "部门职能职责概述"),
        "tasks": FieldSpec(list_of(record("Task")), _tuple("tasks"), "年度主要任务"),
        "tasks_total": FieldSpec(record("Funding").or_null(), _attr("tasks_total"), "合计"),
        "goals": FieldSpec(list_of(TEXT), _tuple("goals"), "年度总体目标"),
        "unit": _UNIT,
    },
    aliases=_aliases(DepartmentDeclaration),
    doc="部门整体支出绩效目标申报表",
)

def _resolvable(records: dict[str, Record]) -> dict[str, Record]:
    """The records with only the aliases whose paths lead to fields the rules can read."""

    def resolves(record_name: str, path: tuple[str, ...]) -> bool:
        fields = records[record_name].fields
        if path[0] not in fields:
            return False
        if len(path) == 1:
            return True
        field_type = fields[path[0]].type
        inner = field_type.item if field_type.kind is Kind.LIST else field_type
        return bool(inner and inner.record) and resolves(str(inner and inner.record), path[1:])

    return {
        name: attrs.evolve(record_type, aliases={
            label: path for label, path in record_type.aliases.items() if resolves(name, path)
        })
        for name, record_type in records.items()
    }


#: Every record type, by name.
RECORDS: dict[str, Record] = _resolvable({
    record_type.name: record_type
    for record_type in (_TARGET, _VALUE, _INDICATOR, _FUNDING, _DEPARTMENT_FUNDING,
                        _ANY_FUNDING, _TASK, _CONTACT, _DECLARATION, _PROJECT, _DEPARTMENT)
})
