"""Defect injectors: each :class:`Mutation` puts one kind of defect into a clean declaration.

A mutation is tied to the catalog rules it should trigger (``rule_ids``) and names the rules
that may also, legitimately, fire on it (``also``: blanking a cost 指标值 also breaks the cost
sum). Applying it returns a :class:`Mutated` — the declaration with the defect and the
``paths`` where the defect is (``indicators[4].value``, ``funding``, ``""`` for the declaration
as a whole). Mutations need random choices (which indicator, which vague word), so they are
hypothesis strategies too: ``mutation.apply(declaration)`` is a strategy of :class:`Mutated`,
``mutation.examples()`` draws a clean declaration the mutation fits and mutates it.

``MUTATIONS`` holds one mutation per baseline rule where the defect can be made on one
declaration; ``NOT_MUTATED`` lists the rules left out, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeAlias

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from indicator_rules.model import (
    Declaration,
    DeclarationKind,
    DepartmentDeclaration,
    Funding,
    Indicator,
    IndicatorValue,
    ProjectDeclaration,
    ValueType,
)
from indicator_rules.taxonomy import ProfileName, canonical_level1, canonical_level2
from indicator_rules.testing.strategies import (
    PROFILE_NAMES,
    department_declarations,
    project_declarations,
)
from indicator_rules.values import parse_value

__all__ = [
    "MUTATIONS",
    "NOT_MUTATED",
    "Mutated",
    "Mutation",
    "mutation",
    "mutations",
]

#: What a mutation's body does: draw its random choices, return the defective declaration and
#: where the defect is.
Apply: TypeAlias = Callable[[st.DrawFn, Declaration], tuple[Declaration, tuple[str, ...]]]
KINDS: tuple[DeclarationKind, ...] = ("project", "department")


@attrs.frozen(kw_only=True)
class Mutated:
    """A declaration with one injected defect: ``original`` is the clean one, ``paths`` where
    the defect is (JSON paths as findings give them; ``""`` is the declaration itself)."""

    mutation: str
    original: Declaration
    declaration: Declaration
    paths: tuple[str, ...]


class NotApplicable(Exception):
    """Raised by a mutation body when the declaration has nothing to mutate (hypothesis then
    rejects the example)."""


@attrs.frozen(kw_only=True)
class Mutation:
    """One kind of defect (``name``, kebab-case; ``title`` in Chinese) and how to inject it.

    ``rule_ids`` should all fire at the defect; ``also`` may fire besides; ``kinds`` and
    ``profiles`` are the declarations the mutation applies to.
    """

    name: str
    title: str
    rule_ids: tuple[str, ...]
    body: Apply = attrs.field(repr=False)
    also: frozenset[str] = frozenset()
    kinds: tuple[DeclarationKind, ...] = KINDS
    profiles: tuple[ProfileName, ...] = PROFILE_NAMES

    def apply(self, declaration: Declaration) -> st.SearchStrategy[Mutated]:
        """The ``declaration`` with this defect injected (random choices drawn)."""
        @st.composite
        def build(draw: st.DrawFn) -> Mutated:
            if declaration.kind not in self.kinds:
                raise InvalidArgument(f"mutation {self.name} applies to {self.kinds} forms, "
                                      f"not to a {declaration.kind} form")
            try:
                mutated, paths = self.body(draw, declaration)
            except NotApplicable:
                from hypothesis import reject
                reject()
            return Mutated(mutation=self.name, original=declaration, declaration=mutated,
                           paths=paths)

        return build()

    def declarations(self, *, year: int | None = None) -> st.SearchStrategy[Declaration]:
        """Clean declarations this mutation applies to (its kinds and profiles)."""
        choices: list[st.SearchStrategy[Declaration]] = []
        for profile in self.profiles:
            if "project" in self.kinds:
                choices.append(project_declarations(profile=profile, year=year))
            if "department" in self.kinds:
                choices.append(department_declarations(profile=profile, year=year))
        return st.one_of(choices)

    def examples(self, *, year: int | None = None) -> st.SearchStrategy[Mutated]:
        """A clean declaration of :meth:`declarations`, mutated."""
        return self.declarations(year=year).flatmap(self.apply)


# ---------------------------------------------------------------- helpers


def _rows(declaration: Declaration, keep: Callable[[Indicator], bool]) -> list[int]:
    return [index for index, row in enumerate(declaration.indicators) if keep(row)]


def _pick(draw: st.DrawFn, declaration: Declaration,
          keep: Callable[[Indicator], bool]) -> int:
    rows = _rows(declaration, keep)
    if not rows:
        raise NotApplicable
    return draw(st.sampled_from(rows))


def _category(row: Indicator) -> str | None:
    return canonical_level1(row.level1)


def _subcategory(row: Indicator) -> str | None:
    return canonical_level2(row.level2)


def _is_cost(row: Indicator) -> bool:
    return _category(row) == "成本指标" or _subcategory(row) == "成本指标"


def _is_satisfaction(row: Indicator) -> bool:
    return _subcategory(row) == "服务对象满意度指标" or _category(row) == "满意度指标"


def _is(level2: str) -> Callable[[Indicator], bool]:
    return lambda row: _subcategory(row) == level2


def _is_benefit(row: Indicator) -> bool:
    return _category(row) == "效益指标" and not _is_satisfaction(row)


def _replace_rows(declaration: Declaration, rows: Iterable[Indicator]) -> Declaration:
    return attrs.evolve(declaration, indicators=tuple(rows))


def _set_row(declaration: Declaration, index: int, **changes: Any) -> Declaration:
    rows = list(declaration.indicators)
    rows[index] = attrs.evolve(rows[index], **changes)
    return _replace_rows(declaration, rows)


def _set_value(declaration: Declaration, index: int, text: str,
               **columns: Any) -> Declaration:
    value = attrs.evolve(declaration.indicators[index].value, text=text, **columns)
    return _set_row(declaration, index, value=value)


def _drop(declaration: Declaration, keep: Callable[[Indicator], bool]
          ) -> tuple[Declaration, tuple[str, ...]]:
    """The declaration without the rows ``keep`` refuses; the defect is the declaration."""
    if all(keep(row) for row in declaration.indicators):
        raise NotApplicable
    return _replace_rows(declaration, (row for row in declaration.indicators if keep(row))), ("",)


def _append(declaration: Declaration, *rows: Indicator) -> tuple[Declaration, tuple[str, ...]]:
    start = len(declaration.indicators)
    paths = tuple(f"indicators[{start + offset}]" for offset in range(len(rows)))
    return _replace_rows(declaration, (*declaration.indicators, *rows)), paths


def _number(row: Indicator) -> Decimal:
    targets = row.value.parsed.targets
    if not targets:
        raise NotApplicable
    return targets[0].number


def _unit(row: Indicator) -> str:
    targets = row.value.parsed.targets
    if not targets or targets[0].unit is None:
        raise NotApplicable
    return targets[0].unit


def _activity(row: Indicator) -> str:
    """The activity a generated 三级 name is built on (党务干部培训期数 → 党务干部培训)."""
    for end in ("期数", "次数", "人次", "场次", "里程", "数量", "处数", "学校数", "人数", "个数",
                "册数"):
        if row.name.endswith(end) and len(row.name) > len(end):
            return row.name[: -len(end)]
    return row.name


def _project(declaration: Declaration) -> ProjectDeclaration:
    if not isinstance(declaration, ProjectDeclaration):
        raise NotApplicable
    return declaration


def _department(declaration: Declaration) -> DepartmentDeclaration:
    if not isinstance(declaration, DepartmentDeclaration):
        raise NotApplicable
    return declaration


MUTATIONS_BY_NAME: dict[str, Mutation] = {}


def _mutation(name: str, title: str, rule_ids: tuple[str, ...], *, also: Iterable[str] = (),
              kinds: tuple[DeclarationKind, ...] = KINDS,
              profiles: tuple[ProfileName, ...] = PROFILE_NAMES) -> Callable[[Apply], Apply]:
    def register(body: Apply) -> Apply:
        MUTATIONS_BY_NAME[name] = Mutation(name=name, title=title, rule_ids=rule_ids, body=body,
                                           also=frozenset(also), kinds=kinds, profiles=profiles)
        return body

    return register


# ---------------------------------------------------------------- structure


@_mutation("blank-name", "名称未填写", ("S01",), also=["X05"])
def _blank_name(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    return attrs.evolve(declaration, name=draw(st.sampled_from(["", " "]))), ("name",)


@_mutation("blank-year", "年度未填写或不是四位年份", ("S01",), also=["T03", "HY01"])
def _blank_year(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    year = draw(st.sampled_from([None, (declaration.year or 2021) % 100]))
    return attrs.evolve(declaration, year=year), ("year",)


@_mutation("boilerplate-goal", "年度目标只有套话", ("S02",), also=["X05"], kinds=("project",))
def _boilerplate_goal(draw: st.DrawFn, declaration: Declaration
                      ) -> tuple[Declaration, tuple[str, ...]]:
    goal = draw(st.sampled_from(["保障机关正常运转，做好各项工作", "按要求完成全年目标任务",
                                 "", "做好日常工作，确保项目顺利实施"]))
    return attrs.evolve(_project(declaration), goal=goal), ("goal",)


@_mutation("drop-benefit-level1", "缺少效益指标（一级）", ("S03",),
           profiles=("mof2015", "mof2021"))
def _drop_benefits(draw: st.DrawFn, declaration: Declaration
                   ) -> tuple[Declaration, tuple[str, ...]]:
    return _drop(declaration, lambda row: _category(row) != "效益指标")


@_mutation("misplaced-level2", "二级指标放在别的一级下", ("S04",), also=["S05"])
def _misplace(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("数量指标"))
    return _set_row(declaration, index, level1="效益指标"), (f"indicators[{index}]",)


@_mutation("drop-timeliness", "产出指标缺少时效指标", ("S05",))
def _drop_timeliness(draw: st.DrawFn, declaration: Declaration
                     ) -> tuple[Declaration, tuple[str, ...]]:
    return _drop(declaration, lambda row: _subcategory(row) != "时效指标")


@_mutation("empty-level1", "一级指标下只有空行", ("S06",), also=["S09", "B01"],
           profiles=("mof2015", "mof2021"))
def _empty_level1(draw: st.DrawFn, declaration: Declaration
                  ) -> tuple[Declaration, tuple[str, ...]]:
    rows = _rows(declaration, lambda row: _category(row) == "效益指标")
    if not rows:
        raise NotApplicable
    blanked = declaration
    for index in rows:
        blanked = _set_row(blanked, index, name="", value=IndicatorValue())
    return blanked, tuple(f"indicators[{index}]" for index in rows)


_PLACES = ("雁峰区", "石鼓区", "蒸湘区", "珠晖区", "南岳区", "衡阳县", "衡南县", "衡山县",
           "衡东县", "祁东县", "耒阳", "常宁", "高新区", "综保区", "松木园区", "白沙园区")


@_mutation("too-many-indicators", "三级指标过多", ("S07",))
def _too_many(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("数量指标"))
    row = declaration.indicators[index]
    activity, unit = _activity(row), _unit(row)
    extra = []
    for place in _PLACES:
        extra.append(attrs.evolve(row, name=f"{place}{row.name}",
                                  value=IndicatorValue(text=f"≥{draw(st.integers(2, 9))}{unit}")))
        extra.append(attrs.evolve(row, level2="质量指标", name=f"{place}{activity}完成率",
                                  value=IndicatorValue(text=f"≥{draw(st.integers(85, 99))}%")))
    mutated, _ = _append(declaration, *extra)
    return mutated, ("",)


@_mutation("placeholder-name", "三级指标名称是占位符", ("S08",),
           also=["X05", "S05", "S06", "X03", "S11"])
def _placeholder(draw: st.DrawFn, declaration: Declaration
                 ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, lambda row: _subcategory(row) in ("数量指标", "质量指标"))
    name = draw(st.sampled_from(["指标1:", "XX", "……", "2、", "指标二", "待定"]))
    return _set_row(declaration, index, name=name), (f"indicators[{index}].name",)


@_mutation("empty-level2-row", "二级指标空行", ("S09",))
def _empty_level2(draw: st.DrawFn, declaration: Declaration
                  ) -> tuple[Declaration, tuple[str, ...]]:
    present = {(row.level1, row.level2) for row in declaration.indicators}
    level1 = next(row.level1 for row in declaration.indicators if _is_benefit(row))
    choices = [level2 for level2 in ("经济效益指标", "生态效益指标", "可持续影响指标")
               if (level1, level2) not in present]
    row = Indicator(level1=level1, level2=draw(st.sampled_from(choices)))
    return _append(declaration, row)


@_mutation("duplicate-indicator", "三级指标重复", ("S10",))
def _duplicate(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, lambda row: not _is_cost(row) and not _is_satisfaction(row))
    copy = attrs.evolve(declaration.indicators[index])
    mutated, paths = _append(declaration, copy)
    return mutated, (f"indicators[{index}]", *paths)


@_mutation("sentence-as-name", "三级指标栏是一整句话", ("S11",))
def _sentence(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("数量指标"))
    activity = _activity(declaration.indicators[index])
    tail = draw(st.sampled_from(["切实增强干部群众的获得感，推动年度任务落地见效",
                                 "建立健全工作机制，形成上下联动、齐抓共管的良好工作格局"]))
    return _set_row(declaration, index, name=f"通过组织实施{activity}，{tail}"), \
        (f"indicators[{index}].name",)


@_mutation("blank-contact", "填报信息不全", ("A01",))
def _blank_contact(draw: st.DrawFn, declaration: Declaration
                   ) -> tuple[Declaration, tuple[str, ...]]:
    field = draw(st.sampled_from(["filled_by", "phone", "filled_on"]))
    blank: Any = None if field == "filled_on" else ""
    contact = attrs.evolve(declaration.contact, **{field: blank})
    return attrs.evolve(declaration, contact=contact), ("contact",)


# ---------------------------------------------------------------- 指标值


def _plain_row(row: Indicator) -> bool:
    """A row whose value only it reads: no cost, satisfaction or benefit."""
    return not (_is_cost(row) or _is_satisfaction(row) or _is_benefit(row))


@_mutation("blank-value", "指标值为空", ("V01",), also=["X03", "V02", "T02"])
def _blank_value(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _plain_row)
    text = draw(st.sampled_from(["", "  ", "/", "——", "无", "待定"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("unquantified-value", "指标值未量化", ("V02",), also=["X03"])
def _unquantified(draw: st.DrawFn, declaration: Declaration
                  ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, lambda row: _plain_row(row)
                  and _subcategory(row) != "时效指标")
    text = draw(st.sampled_from(["认真组织实施", "扎实开展", "规范运行", "落到实处"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("vague-value", "指标值只有模糊用语", ("V02", "V03"), also=["X03", "T02"])
def _vague_only(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _plain_row)
    text = draw(st.sampled_from(["逐步提升", "进一步加强", "明显改善", "有效促进", "稳步推进"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("vague-words-added", "指标值夹带模糊用语", ("V03",))
def _vague_added(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _plain_row)
    words = draw(st.sampled_from(["并打造一批示范点", "长期坚持", "助推高质量发展", "若干"]))
    text = f"{declaration.indicators[index].value.text}，{words}"
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("unit-dropped", "数值缺少单位", ("V04",))
def _unit_dropped(draw: st.DrawFn, declaration: Declaration
                  ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("数量指标"))
    number = _number(declaration.indicators[index])
    text = draw(st.sampled_from([f"{number}", f"≥{number}", f"不少于{number}"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("wrong-unit", "比率指标填了计数单位", ("V05",))
def _wrong_unit(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("质量指标"))
    text = f"≥{draw(st.integers(2, 90))}{draw(st.sampled_from(['人', '次', '个', '万元']))}"
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("percent-over-100", "百分比超过100%", ("V06",))
def _percent_over(draw: st.DrawFn, declaration: Declaration
                  ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("质量指标"))
    text = f"{draw(st.integers(101, 400))}%"
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("two-targets", "一格写两个目标值", ("V07",))
def _two_targets(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("数量指标"))
    row = declaration.indicators[index]
    number, unit = _number(row), _unit(row)
    place = draw(st.sampled_from(_PLACES))
    part = max(2, int(number) // 2)
    text = f"{row.value.text}，其中{place}不少于{part}{unit}"
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("wrong-value-type", "定量/定性标注不符", ("V08",))
def _wrong_type(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, lambda row: _plain_row(row)
                  and bool(row.value.parsed.targets))
    value = attrs.evolve(declaration.indicators[index].value, value_type=ValueType.QUALITATIVE)
    return _set_row(declaration, index, value=value), (f"indicators[{index}].value",)


@_mutation("vacuous-threshold", "阈值形同虚设", ("V09",))
def _vacuous(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("质量指标"))
    text = draw(st.sampled_from(["≥0%", "≤100%", "不低于0%"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("approximate-value", "指标值是约数", ("V10",))
def _approximate(draw: st.DrawFn, declaration: Declaration
                 ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("数量指标"))
    row = declaration.indicators[index]
    number, unit = _number(row), _unit(row)
    text = draw(st.sampled_from([f"约{number}{unit}", f"{number}{unit}左右", f"{number}余{unit}"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("value-copies-name", "指标值照抄描述", ("V11", "V02"))
def _copies(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("质量指标"))
    name = declaration.indicators[index].name
    text = draw(st.sampled_from([f"确保{name}符合规定", f"按照年度工作计划组织做好{name}的统计"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("percent-slogan", "百分比修饰口号", ("V12",), also=["V03"])
def _slogan(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("质量指标"))
    text = draw(st.sampled_from(["100%落实", "100%执行", "100%长期坚持", "控制 100%不发生"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


# ---------------------------------------------------------------- time


@_mutation("past-year", "指标写了往年的年份", ("T01",))
def _past_year(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    if declaration.year is None:
        raise NotApplicable
    index = _pick(draw, declaration, _is("时效指标"))
    year = declaration.year - draw(st.integers(1, 3))
    text = f"{year}年{draw(st.integers(6, 12))}月底前"
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("timeliness-not-time", "时效指标值不是时间", ("T02", "V02"))
def _not_time(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("时效指标"))
    text = draw(st.sampled_from(["认真组织实施", "扎实开展", "规范运行"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("beyond-year", "完成时限在次年", ("T03",))
def _beyond_year(draw: st.DrawFn, declaration: Declaration
                 ) -> tuple[Declaration, tuple[str, ...]]:
    if declaration.year is None:
        raise NotApplicable
    index = _pick(draw, declaration, _is("时效指标"))
    month = draw(st.integers(1, 6))
    text = draw(st.sampled_from([f"次年{month}月底前", f"{declaration.year + 1}年{month}月底前"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("frequency-conflict", "时效频次与数量矛盾", ("T04",), also=["X03"])
def _frequency_conflict(draw: st.DrawFn, declaration: Declaration
                        ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, lambda row: _subcategory(row) == "数量指标"
                  and row.value.parsed.targets[0].unit_kind.value == "count")
    row = declaration.indicators[index]
    unit = _unit(row)
    planned = draw(st.integers(2, 6))
    per_quarter = draw(st.integers(2, 3))
    counted = _set_value(declaration, index, f"全年{planned}{unit}")
    timeliness = attrs.evolve(row, level2="时效指标", name=f"{row.name}频次",
                              value=IndicatorValue(text=f"每季度至少{per_quarter}{unit}"))
    mutated, paths = _append(counted, timeliness)
    return mutated, (f"indicators[{index}].value", *(path + ".value" for path in paths))


# ---------------------------------------------------------------- funding


def _cents(draw: st.DrawFn, low: int = 100, high: int = 2000) -> Decimal:
    return Decimal(draw(st.integers(low, high))) / 100


@_mutation("project-funding-unbalanced", "项目资金构成不平", ("F01",), kinds=("project",))
def _project_unbalanced(draw: st.DrawFn, declaration: Declaration
                        ) -> tuple[Declaration, tuple[str, ...]]:
    project = _project(declaration)
    funding = project.funding
    extra = _cents(draw)
    broken = attrs.evolve(funding, other=(funding.other or Decimal(0)) + extra)
    return attrs.evolve(project, funding=broken), ("funding",)


@_mutation("department-income-unbalanced", "部门收入构成不平", ("F02",), kinds=("department",))
def _income_unbalanced(draw: st.DrawFn, declaration: Declaration
                       ) -> tuple[Declaration, tuple[str, ...]]:
    department = _department(declaration)
    funding = department.funding
    shifted = (funding.public_finance or Decimal(0)) - _cents(draw)
    return attrs.evolve(department, funding=attrs.evolve(funding, public_finance=shifted)), \
        ("funding",)


@_mutation("department-spending-unbalanced", "部门支出构成不平", ("F03",),
           kinds=("department",))
def _spending_unbalanced(draw: st.DrawFn, declaration: Declaration
                         ) -> tuple[Declaration, tuple[str, ...]]:
    department = _department(declaration)
    funding = department.funding
    shifted = (funding.basic or Decimal(0)) + _cents(draw)
    return attrs.evolve(department, funding=attrs.evolve(funding, basic=shifted)), ("funding",)


@_mutation("task-total-unbalanced", "年度任务金额之和与项目支出不符", ("F04",),
           kinds=("department",))
def _tasks_unbalanced(draw: st.DrawFn, declaration: Declaration
                      ) -> tuple[Declaration, tuple[str, ...]]:
    department = _department(declaration)
    if not department.tasks:
        raise NotApplicable
    index = draw(st.integers(0, len(department.tasks) - 1))
    task = department.tasks[index]
    extra = _cents(draw)
    total = (task.funding.total or Decimal(0)) + extra
    funding = Funding(total=total, fiscal=total)
    tasks = list(department.tasks)
    tasks[index] = attrs.evolve(task, funding=funding)
    return attrs.evolve(department, tasks=tuple(tasks)), (f"tasks[{index}].funding",)


@_mutation("task-funding-unbalanced", "任务资金构成不平", ("F05",), kinds=("department",))
def _task_funding(draw: st.DrawFn, declaration: Declaration
                  ) -> tuple[Declaration, tuple[str, ...]]:
    department = _department(declaration)
    if not department.tasks:
        raise NotApplicable
    index = draw(st.integers(0, len(department.tasks) - 1))
    task = department.tasks[index]
    fiscal = (task.funding.fiscal or Decimal(0)) - _cents(draw, 2, 99)
    tasks = list(department.tasks)
    tasks[index] = attrs.evolve(task, funding=attrs.evolve(task.funding, fiscal=fiscal))
    return attrs.evolve(department, tasks=tuple(tasks)), (f"tasks[{index}].funding",)


@_mutation("unexplained-source", "资金来源不明", ("F06",), kinds=("project",))
def _unexplained(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    project = _project(declaration)
    total = project.funding.total or Decimal(0)
    fiscal = draw(st.sampled_from([None, total - min(_cents(draw), total / 2)]))
    funding = attrs.evolve(project.funding, fiscal=fiscal, other=None)
    return attrs.evolve(project, funding=funding), ("funding",)


@_mutation("bare-wan", "金额只写“万”", ("F07",))
def _bare_wan(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is_cost)
    amount = declaration.indicators[index].value.parsed.amount_in_wan()
    if amount is None:
        raise NotApplicable
    text = draw(st.sampled_from([f"{amount}万", f"≤{amount}万"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


# ---------------------------------------------------------------- cost


@_mutation("drop-cost", "没有成本指标", ("C01",), profiles=("hunan",))
def _drop_cost(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    return _drop(declaration, lambda row: not _is_cost(row))


@_mutation("drop-cost-department", "部门整体表没有成本指标", ("C01",), kinds=("department",),
           profiles=("mof2015", "mof2021"))
def _drop_cost_department(draw: st.DrawFn, declaration: Declaration
                          ) -> tuple[Declaration, tuple[str, ...]]:
    return _drop(declaration, lambda row: not _is_cost(row))


@_mutation("cost-sum-broken", "成本合计与资金不符", ("C02",))
def _cost_sum(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is_cost)
    amount = declaration.indicators[index].value.parsed.amount_in_wan()
    if amount is None:
        raise NotApplicable
    changed = amount + _cents(draw) if draw(st.booleans()) else amount / 2
    changed = changed.quantize(Decimal("0.01"))
    if abs(changed - amount) <= Decimal("0.01"):
        raise NotApplicable
    return _set_value(declaration, index, f"≤{changed}万元"), (f"indicators[{index}].value",)


@_mutation("cost-not-money", "成本指标不是金额", ("C03",), also=["C02", "V05", "V02"])
def _cost_not_money(draw: st.DrawFn, declaration: Declaration
                    ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is_cost)
    text = draw(st.sampled_from(["100%", "不超预算", "控制在预算范围内"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("irregular-cost-level2", "成本二级指标不规范", ("C04",), also=["S04"],
           profiles=("mof2021",))
def _irregular_cost(draw: st.DrawFn, declaration: Declaration
                    ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, lambda row: _category(row) == "成本指标")
    level2 = draw(st.sampled_from(["成本指标", "成本"]))
    return _set_row(declaration, index, level2=level2), (f"indicators[{index}].level2",)


@_mutation("cost-as-floor", "成本写成下限", ("C05",))
def _cost_floor(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is_cost)
    amount = declaration.indicators[index].value.parsed.amount_in_wan()
    if amount is None:
        raise NotApplicable
    text = draw(st.sampled_from([f"≥{amount}万元", f"不少于{amount}万元", f"{amount}万元以上"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


# ---------------------------------------------------------------- satisfaction and benefit


@_mutation("drop-satisfaction", "没有满意度指标", ("M01",), also=["S03"])
def _drop_satisfaction(draw: st.DrawFn, declaration: Declaration
                       ) -> tuple[Declaration, tuple[str, ...]]:
    return _drop(declaration, lambda row: not _is_satisfaction(row))


@_mutation("low-satisfaction", "满意度目标偏低", ("M02",))
def _low_satisfaction(draw: st.DrawFn, declaration: Declaration
                      ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is_satisfaction)
    percent = draw(st.integers(50, 84))
    text = draw(st.sampled_from([f"≥{percent}%", f"{percent}%以上", f"不低于{percent}%"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("satisfaction-not-percent", "满意度不是百分比", ("M03",))
def _satisfaction_words(draw: st.DrawFn, declaration: Declaration
                        ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is_satisfaction)
    text = draw(st.sampled_from(["满意", "较满意", "群众评价好", "90%以下", "≤95%"]))
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


@_mutation("satisfaction-under-benefit", "效益指标下又设满意度", ("M04",))
def _satisfaction_twice(draw: st.DrawFn, declaration: Declaration
                        ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is_benefit)
    row = declaration.indicators[index]
    satisfaction = next(row for row in declaration.indicators if _is_satisfaction(row))
    name = satisfaction.name.replace("满意度", "满意程度")
    percent = draw(st.integers(90, 99))
    extra = attrs.evolve(row, name=name, value=IndicatorValue(text=f"≥{percent}%"))
    return _append(declaration, extra)


@_mutation("unmeasurable-benefits", "效益指标都是口号", ("B01",), also=["V02", "V11"])
def _unmeasurable(draw: st.DrawFn, declaration: Declaration
                  ) -> tuple[Declaration, tuple[str, ...]]:
    rows = _rows(declaration, _is_benefit)
    if not rows:
        raise NotApplicable
    mutated = declaration
    for index in rows:
        text = draw(st.sampled_from(["取得实效", "发挥示范带动作用", "群众得到实惠"]))
        mutated = _set_value(mutated, index, text)
    return mutated, ("", *(f"indicators[{index}].value" for index in rows))


@_mutation("boilerplate-indicator", "指标套用模板套话", ("B02",))
def _boilerplate_indicator(draw: st.DrawFn, declaration: Declaration
                           ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _plain_row)
    words = draw(st.sampled_from(["保障正常运转", "做好各项工作", "按要求完成"]))
    text = f"{declaration.indicators[index].value.text}，{words}"
    return _set_value(declaration, index, text), (f"indicators[{index}].value",)


# ---------------------------------------------------------------- consistency

_OTHER_UNITS = ("市委办", "市政府办", "市财政局", "县教育局", "市人社局", "区卫健局")


@_mutation("other-unit-named", "目标照抄了其他单位", ("X01",))
def _other_unit(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    other = draw(st.sampled_from(_OTHER_UNITS))
    clause = f"，保障{other}年度重点任务落地"
    if isinstance(declaration, ProjectDeclaration):
        return attrs.evolve(declaration, goal=declaration.goal + clause), ("goal",)
    goals = list(declaration.goals) or [""]
    goals[0] += clause
    return attrs.evolve(declaration, goals=tuple(goals)), ("goals[0]",)


@_mutation("input-as-output", "投入类指标充当产出", ("X02",), also=["X05"])
def _input_as_output(draw: st.DrawFn, declaration: Declaration
                     ) -> tuple[Declaration, tuple[str, ...]]:
    index = _pick(draw, declaration, _is("质量指标"))
    name = draw(st.sampled_from(["预算执行率", "资金到位率", "资金拨付率"]))
    return _set_row(declaration, index, name=name), (f"indicators[{index}]",)


@_mutation("goal-without-indicator", "年度总体目标的数字没有指标衡量", ("X03",),
           kinds=("department",))
def _goal_without_indicator(draw: st.DrawFn, declaration: Declaration
                            ) -> tuple[Declaration, tuple[str, ...]]:
    department = _department(declaration)
    numbers = {target.number for row in department.indicators
               for target in row.value.parsed.targets}
    number = draw(st.integers(2, 500).filter(lambda n: Decimal(n) not in numbers))
    goal = f"全年新建基层服务站点{number}个"
    if parse_value(goal).targets[0].number != number:
        raise NotApplicable
    return attrs.evolve(department, goals=(*department.goals, goal)), \
        (f"goals[{len(department.goals)}]",)


@_mutation("generic-department-goal", "整体目标只有套话", ("X04",), kinds=("department",))
def _generic_goal(draw: st.DrawFn, declaration: Declaration
                  ) -> tuple[Declaration, tuple[str, ...]]:
    department = _department(declaration)
    goal = draw(st.sampled_from(["保障机关正常运转，做好各项工作", "维护正常办公秩序",
                                 "完成上级交办的其他任务"]))
    return attrs.evolve(department, goals=(*department.goals, goal)), \
        (f"goals[{len(department.goals)}]",)


@_mutation("unrelated-indicator", "指标与项目无关", ("X05",), kinds=("project",))
def _unrelated(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    level1 = next(row.level1 for row in declaration.indicators if _is_benefit(row))
    name, text = draw(st.sampled_from([("破坏生态环境事件", "0起"), ("森林火灾发生次数", "0次"),
                                       ("水土流失治理面积", "≥50亩")]))
    row = Indicator(level1=level1, level2="生态效益指标", name=name,
                    value=IndicatorValue(text=text))
    return _append(declaration, row)


@_mutation("repeated-paragraph", "职能职责段落重复", ("X06",), kinds=("department",))
def _repeated(draw: st.DrawFn, declaration: Declaration) -> tuple[Declaration, tuple[str, ...]]:
    department = _department(declaration)
    if len(department.duties) < 40:
        raise NotApplicable
    return attrs.evolve(department, duties=department.duties + "\n" + department.duties), \
        ("duties",)


#: Every mutation, in catalog order of the rules they target.
MUTATIONS: tuple[Mutation, ...] = tuple(MUTATIONS_BY_NAME.values())

#: Baseline rules no mutation targets, with the reason.
NOT_MUTATED: dict[str, str] = {
    "X07": "批量规则，比较部门整体支出表与其各项目表：缺陷涉及多张申报表，而一次变异只改一张"
           "（见 tests/testing/test_batch_rules.py）",
}


def mutation(name: str) -> Mutation:
    """The mutation called ``name`` (``KeyError`` naming the known ones when unknown)."""
    try:
        return MUTATIONS_BY_NAME[name]
    except KeyError:
        raise KeyError(f"no mutation {name!r}; known: {', '.join(MUTATIONS_BY_NAME)}") from None


def mutations(*, rule_id: str | None = None) -> st.SearchStrategy[Mutation]:
    """The mutations (those targeting ``rule_id`` when given)."""
    @st.composite
    def build(draw: st.DrawFn) -> Mutation:
        chosen = [m for m in MUTATIONS if rule_id is None or rule_id in m.rule_ids]
        if not chosen:
            raise InvalidArgument(f"no mutation targets rule {rule_id!r}")
        return draw(st.sampled_from(chosen))

    return build()
