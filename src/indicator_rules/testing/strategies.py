"""Hypothesis strategies for 指标值 text, indicators and whole declarations.

Everything drawn is **clean by default**: the baseline ruleset ``mof-2021`` reports no finding
at all on a drawn declaration (no error, no warning, no info). Declarations are realistic: one
of a few kinds of local project (党员教育, 工会, 农村公路养护, 校舍维修 …) with its department,
the real 一级/二级 names of the chosen taxonomy profile (REFERENCE §a1), Chinese 三级 names, and
amounts in 万元 that add up (资金总额 = 财政拨款 + 其他资金 = the cost indicators).

Every strategy is a function returning a :class:`~hypothesis.strategies.SearchStrategy`, with
keyword-only knobs; bad arguments raise :class:`hypothesis.errors.InvalidArgument` when a test
draws from the strategy, not when it is built.

>>> from hypothesis import given
>>> @given(project_declarations(profile="hunan", year=2021))
... def test_clean(declaration): ...
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal, TypeAlias, get_args

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from indicator_rules.model import (
    Contact,
    Declaration,
    DeclarationKind,
    DepartmentDeclaration,
    DepartmentFunding,
    Funding,
    Indicator,
    IndicatorValue,
    ProjectDeclaration,
    Task,
)
from indicator_rules.taxonomy import ProfileName
from indicator_rules.testing._vocabulary import (
    BENEFIT_WORDS,
    PEOPLE,
    QUALITY_WORDS,
    THEMES,
    Activity,
    Theme,
)
from indicator_rules.values import Comparator, PartialDate

__all__ = [
    "PROFILE_NAMES",
    "ValueKind",
    "ValueSample",
    "declarations",
    "department_declarations",
    "indicator_values",
    "indicators",
    "project_declarations",
    "register_type_strategies",
    "themes",
]

#: The taxonomy profiles a declaration can be drawn for.
PROFILE_NAMES: tuple[ProfileName, ...] = get_args(ProfileName)

#: What kind of 指标值 :func:`indicator_values` draws.
ValueKind: TypeAlias = Literal["count", "percent", "money", "deadline", "frequency", "grade"]
VALUE_KINDS: tuple[ValueKind, ...] = get_args(ValueKind)

#: An indicator's role in the table: which 一级/二级 it sits under.
Role: TypeAlias = Literal["quantity", "quality", "timeliness", "cost", "benefit", "satisfaction"]
ROLES: tuple[Role, ...] = get_args(Role)

CENT = Decimal("0.01")
_OUTPUT_ROLES: tuple[Role, ...] = ("quantity", "quality", "timeliness")
_OUTCOME_ROLES: tuple[Role, ...] = ("benefit", "satisfaction")


@attrs.frozen(kw_only=True)
class ValueSample:
    """A 指标值 text with what :func:`~indicator_rules.values.parse_value` should read in it.

    A numeric sample has ``comparator``, ``number``, ``unit`` (None for a bare number) and
    ``period`` (年, 季度 … or None); a date sample has ``deadline``; a grade sample ``grade``.
    """

    text: str
    kind: ValueKind
    comparator: Comparator | None = None
    number: Decimal | None = None
    unit: str | None = None
    period: str | None = None
    deadline: PartialDate | None = None
    grade: str | None = None


# ---------------------------------------------------------------- 指标值


def _check_range(name: str, low: int, high: int, floor: int = 0) -> None:
    if not (isinstance(low, int) and isinstance(high, int)) or low < floor or low > high:
        raise InvalidArgument(f"{name}: expected whole numbers {floor} <= low <= high, "
                              f"got {low!r}, {high!r}")


@st.composite
def _counts(draw: st.DrawFn, unit: str, low: int, high: int) -> ValueSample:
    number = draw(st.integers(low, high))
    forms: list[tuple[str, Comparator, str | None]] = [
        (f"≥{number}{unit}", Comparator.GE, None),
        (f"不少于{number}{unit}", Comparator.GE, None),
        (f"至少{number}{unit}", Comparator.GE, None),
        (f"{number}{unit}以上", Comparator.GE, None),
        (f"全年{number}{unit}", Comparator.EQ, "年"),
        (f"{number}{unit}", Comparator.EQ, None),
    ]
    text, comparator, period = draw(st.sampled_from(forms))
    return ValueSample(text=text, kind="count", comparator=comparator, number=Decimal(number),
                       unit=unit, period=period)


@st.composite
def _percents(draw: st.DrawFn, low: int, high: int) -> ValueSample:
    number = draw(st.integers(low, high))
    forms = [(f"≥{number}%", Comparator.GE), (f"{number}%以上", Comparator.GE),
             (f"不低于{number}%", Comparator.GE), (f"达到{number}%", Comparator.GE),
             (f"{number}%", Comparator.EQ)]
    text, comparator = draw(st.sampled_from(forms))
    return ValueSample(text=text, kind="percent", comparator=comparator,
                       number=Decimal(number), unit="%")


def _money_sample(draw: st.DrawFn, amount: Decimal, bare: bool) -> ValueSample:
    forms: list[tuple[str, Comparator, str | None]] = [
        (f"≤{amount}万元", Comparator.LE, "万元"), (f"不超过{amount}万元", Comparator.LE, "万元"),
        (f"{amount}万元以内", Comparator.LE, "万元"), (f"{amount}万元", Comparator.EQ, "万元"),
    ]
    if bare:
        forms.append((f"{amount}", Comparator.EQ, None))
    text, comparator, unit = draw(st.sampled_from(forms))
    return ValueSample(text=text, kind="money", comparator=comparator, number=amount, unit=unit)


@st.composite
def _money(draw: st.DrawFn, low: Decimal, high: Decimal, bare: bool) -> ValueSample:
    cents = draw(st.integers(int(low / CENT), int(high / CENT)))
    return _money_sample(draw, Decimal(cents) * CENT, bare)


@st.composite
def _deadlines(draw: st.DrawFn, year: int | None) -> ValueSample:
    month = draw(st.integers(6, 12))
    last = calendar.monthrange(year or 2021, month)[1]
    forms: list[tuple[str, PartialDate]] = [
        (f"{month}月底前", PartialDate(None, month, last)),
        ("年底前", PartialDate(None, 12, 31)),
    ]
    if year is not None:
        forms += [(f"{year}年{month}月底前", PartialDate(year, month, last)),
                  (f"{year}年12月31日前", PartialDate(year, 12, 31))]
    text, deadline = draw(st.sampled_from(forms))
    return ValueSample(text=text, kind="deadline", deadline=deadline)


@st.composite
def _frequencies(draw: st.DrawFn) -> ValueSample:
    times = draw(st.integers(1, 3))
    period, word = draw(st.sampled_from([("季度", "每季度"), ("半年", "每半年"), ("月", "每月")]))
    text, comparator = draw(st.sampled_from([(f"{word}至少{times}次", Comparator.GE),
                                             (f"{word}不少于{times}次", Comparator.GE)]))
    return ValueSample(text=text, kind="frequency", comparator=comparator,
                       number=Decimal(times), unit="次", period=period)


def indicator_values(
    *, kind: ValueKind | None = None, unit: str = "次", low: int = 2, high: int = 50,
    year: int | None = None,
) -> st.SearchStrategy[ValueSample]:
    """指标值 texts, each a :class:`ValueSample` with what it should parse to.

    ``kind`` chooses what is drawn (every kind when None): ``count`` (``≥12人次``, ``全年5场``:
    a number from ``low`` to ``high`` in ``unit``), ``percent`` (``95%以上``, between ``low``
    and ``high`` clipped to 0–100), ``money`` (``≤12.50万元``, ``low``–``high`` 万元),
    ``deadline`` (``2021年10月底前``, ``年底前``; with ``year`` the year may be written),
    ``frequency`` (``每季度至少1次``) and ``grade`` (``达标``, ``合格``). Each is a value a
    reviewer accepts: quantified, without vague words, with its unit.
    """
    @st.composite
    def build(draw: st.DrawFn) -> ValueSample:
        if kind is not None and kind not in VALUE_KINDS:
            raise InvalidArgument(f"kind must be one of {VALUE_KINDS} or None, got {kind!r}")
        _check_range("indicator_values(low, high)", low, high)
        if year is not None and not 2000 <= year <= 2099:
            raise InvalidArgument(f"year must be a 4-digit year 2000-2099, got {year!r}")
        chosen = kind or draw(st.sampled_from(VALUE_KINDS))
        if chosen == "count":
            return draw(_counts(unit, max(low, 1), high))
        if chosen == "percent":
            return draw(_percents(min(max(low, 0), 100), min(high, 100)))
        if chosen == "money":
            return draw(_money(Decimal(max(low, 1)), Decimal(high), bare=False))
        if chosen == "deadline":
            return draw(_deadlines(year))
        if chosen == "frequency":
            return draw(_frequencies())
        grade = draw(st.sampled_from(["达标", "合格"]))
        return ValueSample(text=grade, kind="grade", grade=grade)

    return build()


# ---------------------------------------------------------------- indicators


def _level1(role: Role, profile: ProfileName, kind: DeclarationKind) -> str:
    output = "完成指标" if profile == "hunan" and kind == "department" else "产出指标"
    if role == "cost":
        return "成本指标" if profile == "mof2021" else output
    if role in ("quantity", "quality", "timeliness"):
        return output
    if role == "satisfaction" and profile != "hunan":
        return "满意度指标"
    return "效益指标"


def _level2(role: Role, profile: ProfileName) -> str:
    if role == "cost":
        return "经济成本指标" if profile == "mof2021" else "成本指标"
    if role == "satisfaction":
        return "社会公众或服务对象满意度指标" if profile == "hunan" else "服务对象满意度指标"
    return {"quantity": "数量指标", "quality": "质量指标", "timeliness": "时效指标",
            "benefit": "社会效益指标"}[role]


def _row(role: Role, profile: ProfileName, kind: DeclarationKind, name: str,
         value: ValueSample) -> Indicator:
    return Indicator(level1=_level1(role, profile, kind), level2=_level2(role, profile),
                     name=name, value=IndicatorValue(text=value.text))


@st.composite
def _indicator(draw: st.DrawFn, role: Role, profile: ProfileName, kind: DeclarationKind,
               activity: Activity, theme: Theme, year: int | None,
               amount: Decimal | None = None, number: int | None = None) -> Indicator:
    if role == "quantity":
        low, high = (number, number) if number is not None else (activity.low, activity.high)
        value = draw(_counts(activity.unit, low, high))
        return _row(role, profile, kind, activity.quantity_name, value)
    if role == "quality":
        word = draw(st.sampled_from(QUALITY_WORDS))
        return _row(role, profile, kind, activity.name + word, draw(_percents(85, 100)))
    if role == "timeliness":
        shape = draw(st.sampled_from(["deadline", "frequency", "rate"]))
        if shape == "deadline":
            return _row(role, profile, kind, activity.name + "完成时间", draw(_deadlines(year)))
        if shape == "frequency":
            return _row(role, profile, kind, activity.name + "频次", draw(_frequencies()))
        return _row(role, profile, kind, activity.name + "及时率", draw(_percents(95, 100)))
    if role == "cost":
        word = draw(st.sampled_from(["经费", "费用", "成本"]))
        if amount is None:
            value = draw(_money(Decimal(1), Decimal(100), bare=True))
        else:
            value = _money_sample(draw, amount, bare=True)
        return _row(role, profile, kind, activity.name + word, value)
    if role == "benefit":
        word = draw(st.sampled_from(BENEFIT_WORDS))
        return _row(role, profile, kind, theme.beneficiary + word, draw(_percents(80, 100)))
    return _row(role, profile, kind, theme.beneficiary + "满意度", draw(_percents(90, 99)))


def _check_profile(profile: str | None) -> None:
    if profile is not None and profile not in PROFILE_NAMES:
        raise InvalidArgument(f"profile must be one of {PROFILE_NAMES} or None, got {profile!r}")


def indicators(
    *, role: Role | None = None, profile: ProfileName | None = None,
    kind: DeclarationKind = "project", year: int | None = None,
) -> st.SearchStrategy[Indicator]:
    """Single indicator rows (一级 › 二级 › 三级 › 指标值), each acceptable on its own.

    ``role`` is where the row sits: ``quantity``, ``quality``, ``timeliness`` (under 产出, or
    完成指标 on a hunan department form), ``cost`` (一级 成本指标 › 经济成本指标 under mof2021,
    产出 › 成本指标 otherwise), ``benefit`` (效益 › 社会效益指标) or ``satisfaction`` (满意度 ›
    服务对象满意度指标, or 效益 › 社会公众或服务对象满意度指标 under hunan); every role when None.
    ``profile`` is the taxonomy profile (any when None), ``kind`` the kind of form it is for.
    """
    @st.composite
    def build(draw: st.DrawFn) -> Indicator:
        if role is not None and role not in ROLES:
            raise InvalidArgument(f"role must be one of {ROLES} or None, got {role!r}")
        _check_profile(profile)
        if kind not in ("project", "department"):
            raise InvalidArgument(f"kind must be 'project' or 'department', got {kind!r}")
        theme = draw(st.sampled_from(THEMES))
        activity = draw(st.sampled_from(theme.activities))
        chosen_profile: ProfileName = (profile if profile is not None
                                        else draw(st.sampled_from(PROFILE_NAMES)))
        chosen_role: Role = role if role is not None else draw(st.sampled_from(ROLES))
        return draw(_indicator(chosen_role, chosen_profile, kind, activity, theme, year))

    return build()


# ---------------------------------------------------------------- declarations


def themes() -> st.SearchStrategy[Theme]:
    """The kinds of project declarations are drawn from (党员教育活动经费, 农村公路养护 …)."""
    return st.sampled_from(THEMES)


def _split(draw: st.DrawFn, total: Decimal, parts: int) -> list[Decimal]:
    """``total`` cut into ``parts`` positive amounts (to the cent) that add up exactly."""
    cents = int(total / CENT)
    if parts == 1:
        return [total]
    weights = draw(st.lists(st.integers(1, 9), min_size=parts, max_size=parts))
    shares = [max(1, cents * weight // sum(weights)) for weight in weights[:-1]]
    shares.append(cents - sum(shares))
    return [Decimal(share) * CENT for share in shares]


def _check_size(min_activities: int, max_activities: int) -> None:
    _check_range("min_activities, max_activities", min_activities, max_activities, floor=1)
    if max_activities > 3:
        raise InvalidArgument(f"max_activities is at most 3 (each theme has 3-4 activities), "
                              f"got {max_activities!r}")


def _check_year(year: int | None) -> None:
    if year is not None and (not isinstance(year, int) or not 2000 <= year <= 2099):
        raise InvalidArgument(f"year must be a 4-digit year 2000-2099 or None, got {year!r}")


@st.composite
def _contact(draw: st.DrawFn, year: int, head: bool) -> Contact:
    filled_on = draw(st.dates(datetime.date(year - 1, 10, 1), datetime.date(year, 3, 31)))
    phone = f"0734-{draw(st.integers(2000000, 8999999))}"
    people = draw(st.lists(st.sampled_from(PEOPLE), min_size=2, max_size=2, unique=True))
    return Contact(filled_by=people[0], phone=phone, filled_on=filled_on,
                   head=people[1] if head else "")


def _goal_text(theme: Theme, chosen: Sequence[Activity], year: int, with_year: bool) -> str:
    lead = f"{year}年" if with_year else "全年"
    return (f"{lead}组织开展{'、'.join(activity.name for activity in chosen)}，"
            f"{theme.effect}，服务{theme.beneficiary}。")


def _project_funding(draw: st.DrawFn, funding: Funding | None) -> Funding:
    if funding is not None:
        if funding.total is None or funding.total <= 0:
            raise InvalidArgument(f"funding.total must be a positive amount, got {funding!r}")
        parts = (funding.fiscal or Decimal(0)) + (funding.other or Decimal(0))
        if parts != funding.total or (funding.other is None and funding.fiscal != funding.total):
            raise InvalidArgument(f"funding must balance (资金总额 = 财政拨款 + 其他资金, a part "
                                  f"other than 财政拨款 written out), got {funding!r}")
        return funding
    total = Decimal(draw(st.integers(500, 50000))) * CENT
    if draw(st.booleans()):
        return Funding(total=total, fiscal=total)
    other = Decimal(draw(st.integers(1, int(total / CENT) - 1))) * CENT
    return Funding(total=total, fiscal=total - other, other=other)


@st.composite
def _form_basics(draw: st.DrawFn, profile: ProfileName | None, year: int | None,
                 theme: Theme | None, min_activities: int, max_activities: int,
                 ) -> tuple[ProfileName, int, Theme, list[Activity]]:
    """What both kinds of form draw first: the profile, the year, the theme and its activities
    (the knobs checked here, so that bad ones raise when drawing)."""
    _check_profile(profile)
    _check_year(year)
    _check_size(min_activities, max_activities)
    chosen_profile: ProfileName = (profile if profile is not None
                                   else draw(st.sampled_from(PROFILE_NAMES)))
    chosen_year = year if year is not None else draw(st.integers(2020, 2025))
    chosen_theme = theme or draw(themes())
    count = draw(st.integers(min_activities, min(max_activities, len(chosen_theme.activities))))
    return (chosen_profile, chosen_year, chosen_theme,
            list(draw(st.permutations(chosen_theme.activities))[:count]))


def project_declarations(
    *, profile: ProfileName | None = None, year: int | None = None,
    funding: Funding | None = None, theme: Theme | None = None,
    min_activities: int = 1, max_activities: int = 3,
) -> st.SearchStrategy[ProjectDeclaration]:
    """Clean 项目绩效目标申报表: the baseline ruleset finds nothing in them.

    Each is one project of a :func:`themes` theme (or the given ``theme``), budget unit its
    department, with 1–3 activities (``min_activities``–``max_activities``). Per activity the
    table has a 数量, 质量 and 时效 indicator and a cost indicator; then a social benefit and a
    satisfaction indicator (≥90 %, so the 90 % floor of a bureau passes too). The 一级/二级
    follow ``profile`` (``mof2015``, ``mof2021``, ``hunan``; any when None). ``year`` fixes the
    年度 (2020–2025 when None). ``funding`` fixes the 项目资金 (it must balance); the cost
    indicators always add up to 资金总额. The goal names every activity; the contact is filled.
    """
    @st.composite
    def build(draw: st.DrawFn) -> ProjectDeclaration:
        chosen_profile, chosen_year, chosen_theme, chosen = draw(
            _form_basics(profile, year, theme, min_activities, max_activities))
        count = len(chosen)
        money = _project_funding(draw, funding)
        assert money.total is not None  # checked by _project_funding
        amounts = _split(draw, money.total, count)
        rows: list[Indicator] = []
        for activity in chosen:
            for role in _OUTPUT_ROLES:
                rows.append(draw(_indicator(role, chosen_profile, "project", activity,
                                            chosen_theme, chosen_year)))
        for activity, amount in zip(chosen, amounts, strict=True):
            rows.append(draw(_indicator("cost", chosen_profile, "project", activity,
                                        chosen_theme, chosen_year, amount=amount)))
        for role in _OUTCOME_ROLES:
            rows.append(draw(_indicator(role, chosen_profile, "project", chosen[0],
                                        chosen_theme, chosen_year)))
        return ProjectDeclaration(
            year=chosen_year, name=chosen_theme.project, budget_unit=chosen_theme.department,
            filing_unit=chosen_theme.department, period=f"{chosen_year}年",
            funding=money, goal=_goal_text(chosen_theme, chosen, chosen_year, draw(st.booleans())),
            indicators=tuple(rows), contact=draw(_contact(chosen_year, head=False)),
        )

    return build()


def _department_funding(draw: st.DrawFn, funding: DepartmentFunding | None
                        ) -> DepartmentFunding:
    if funding is not None:
        parts = [funding.public_finance, funding.government_fund, funding.special_account,
                 funding.other]
        income = sum((part or Decimal(0) for part in parts), Decimal(0))
        spending = (funding.basic or Decimal(0)) + (funding.project or Decimal(0))
        if funding.total is None or funding.project is None or funding.project <= 0 or \
                income != funding.total or spending != funding.total:
            raise InvalidArgument(
                "funding must give total and a positive project, and balance by income "
                f"(the four parts) and by use (basic + project), got {funding!r}")
        return funding
    basic = Decimal(draw(st.integers(5000, 300000))) * CENT
    project = Decimal(draw(st.integers(1000, 60000))) * CENT
    total = basic + project
    if draw(st.booleans()):
        return DepartmentFunding(total=total, public_finance=total, basic=basic,
                                 project=project)
    other = Decimal(draw(st.integers(1, int(total / CENT) - 1))) * CENT
    return DepartmentFunding(total=total, public_finance=total - other, other=other,
                             basic=basic, project=project)


def department_declarations(
    *, profile: ProfileName | None = None, year: int | None = None,
    funding: DepartmentFunding | None = None, theme: Theme | None = None,
    min_activities: int = 1, max_activities: int = 3,
) -> st.SearchStrategy[DepartmentDeclaration]:
    """Clean 部门整体支出绩效目标申报表: the baseline ruleset finds nothing in them.

    The department of a theme, with its 职能职责, one 年度主要任务 per activity (1–3; their
    amounts add up to 项目支出 and to the 合计 row), one 年度总体目标 per task naming the
    task's yearly count, and per activity a 数量, 质量, 时效 and cost indicator (the costs add
    up to 项目支出), then a social benefit and a satisfaction indicator. Under ``hunan`` the
    output 一级 is written 完成指标. ``funding`` fixes the 年度预算申请 (it must balance both
    ways); other knobs as in :func:`project_declarations`.
    """
    @st.composite
    def build(draw: st.DrawFn) -> DepartmentDeclaration:
        chosen_profile, chosen_year, chosen_theme, chosen = draw(
            _form_basics(profile, year, theme, min_activities, max_activities))
        count = len(chosen)
        money = _department_funding(draw, funding)
        assert money.project is not None  # checked by _department_funding
        amounts = _split(draw, money.project, count)
        numbers = [draw(st.integers(activity.low, activity.high)) for activity in chosen]
        rows: list[Indicator] = []
        for activity, number in zip(chosen, numbers, strict=True):
            rows.append(draw(_indicator("quantity", chosen_profile, "department", activity,
                                        chosen_theme, chosen_year, number=number)))
            for role in _OUTPUT_ROLES[1:]:
                rows.append(draw(_indicator(role, chosen_profile, "department", activity,
                                            chosen_theme, chosen_year)))
        for activity, amount in zip(chosen, amounts, strict=True):
            rows.append(draw(_indicator("cost", chosen_profile, "department", activity,
                                        chosen_theme, chosen_year, amount=amount)))
        for role in _OUTCOME_ROLES:
            rows.append(draw(_indicator(role, chosen_profile, "department", chosen[0],
                                        chosen_theme, chosen_year)))
        tasks = tuple(
            Task(name=activity.name,
                 content=f"按年度计划组织{activity.name}，加强过程管理和质量把关",
                 funding=Funding(total=amount, fiscal=amount))
            for activity, amount in zip(chosen, amounts, strict=True)
        )
        goals = tuple(f"全年开展{activity.name}{number}{activity.unit}"
                      for activity, number in zip(chosen, numbers, strict=True))
        written_total = draw(st.sampled_from([None, Funding(total=money.project,
                                                            fiscal=money.project)]))
        return DepartmentDeclaration(
            year=chosen_year, name=chosen_theme.department, filing_unit=chosen_theme.department,
            funding=money, duties=chosen_theme.duties, tasks=tasks, tasks_total=written_total,
            goals=goals, indicators=tuple(rows),
            contact=draw(_contact(chosen_year, head=True)),
        )

    return build()


def declarations(
    *, kind: DeclarationKind | None = None, profile: ProfileName | None = None,
    year: int | None = None, min_activities: int = 1, max_activities: int = 3,
) -> st.SearchStrategy[Declaration]:
    """Clean declarations of either kind (``kind`` None), or of the ``kind`` given."""
    @st.composite
    def build(draw: st.DrawFn) -> Declaration:
        if kind not in (None, "project", "department"):
            raise InvalidArgument(f"kind must be 'project', 'department' or None, got {kind!r}")
        chosen = kind or draw(st.sampled_from(["project", "department"]))
        if chosen == "project":
            return draw(project_declarations(profile=profile, year=year,
                                             min_activities=min_activities,
                                             max_activities=max_activities))
        return draw(department_declarations(profile=profile, year=year,
                                            min_activities=min_activities,
                                            max_activities=max_activities))

    return build()


def register_type_strategies() -> None:
    """Let ``st.from_type(ProjectDeclaration)`` (and ``DepartmentDeclaration``) draw clean
    declarations. Idempotent; a ``hypothesis`` entry point can call it for every test run."""
    st.register_type_strategy(ProjectDeclaration, project_declarations())
    st.register_type_strategy(DepartmentDeclaration, department_declarations())
