"""A seeded synthetic corpus of declarations for the benchmarks.

Realistic rather than random: the 一级/二级 names of the three frameworks, Chinese 三级 names,
指标值 texts in the notations seen on real forms with varied numbers (so the value cache sees
repeats at about the rate a bureau's intake has), funding that mostly adds up, and defects at a
realistic rate (blank and vague values, costs that do not match, wrong years, missing
satisfaction, rows about another activity than the project's). ``declarations(count, seed)``
is deterministic.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from decimal import Decimal

from indicator_rules import (
    Contact,
    DepartmentDeclaration,
    DepartmentFunding,
    Funding,
    Indicator,
    IndicatorValue,
    ProjectDeclaration,
    Task,
)
from indicator_rules.model import Declaration

__all__ = ["declarations"]

ACTIVITIES = ("培训", "宣传活动", "督查检查", "道路养护", "设备购置", "文体活动", "慰问帮扶",
              "课题调研", "信息化建设", "档案整理", "党建活动", "志愿服务", "技能竞赛", "健康体检",
              "农田改造", "污水管网改造", "校舍维修", "图书采购", "展览", "巡查")
UNITS = ("市交通运输局", "市教育局", "市文化旅游广电体育局", "市农业农村局", "市卫生健康委员会",
         "市直机关工委", "市人力资源和社会保障局", "市住房和城乡建设局")
QUANTITY = ("全年{n}次", "≥{n}次", "不少于{n}场", "{n}人次", "培训{n}人次", "≥{n}公里", "{n}个",
            "1.{k}万人次", "约{n}次", "{n}余个", "一批", "若干", "")
QUALITY = ("合格率≥{p}%", "验收合格", "达标率100%", "覆盖率≥{p}%", "优良", "参训率{p}%以上",
           "按要求执行", "进一步提升", "")
TIMELINESS = ("{y}年12月底前", "{mo}月底前完成", "每季度至少1次", "每半年至少1次", "及时率100%",
              "年底前", "按时完成", "")
COST = ("≤{m}万元", "{m}万元", "{m}.00", "约{m}万元", "≤{c}元/人")
BENEFIT = ("覆盖率提高{q}%", "群众知晓率≥{p}%", "事故率下降{q}%", "≥{n}户受益", "长期坚持",
           "有效促进经济社会发展", "100%执行", "")
SATISFACTION = ("≥{p}%", "满意度{p}%以上", "≥{low}%", "满意", "")
#: What the rows of each 二级指标 measure, so that the names in one table differ
ASPECTS = {"数量指标": ("次数", "人次", "覆盖人数", "完成数量"),
           "质量指标": ("合格率", "达标率", "验收质量"),
           "时效指标": ("完成时间", "及时率", "按期完成率"),
           "经济效益指标": ("带动效益",), "社会效益指标": ("社会效益",),
           "生态效益指标": ("环境改善",), "可持续影响指标": ("长效机制",)}
#: The share of a project's indicator rows about the project's own activity; the others are
#: about another activity, as when rows are copied from another form (rule X05).
_ON_TOPIC = 0.9


def _fill(template: str, rng: random.Random, year: int) -> str:
    return template.format(n=rng.randint(2, 400), k=rng.randint(1, 9), p=rng.randint(85, 99),
                           low=rng.randint(60, 84), q=rng.randint(3, 30),
                           m=rng.randint(5, 300), c=rng.randint(100, 900),
                           mo=rng.randint(3, 12), y=year if rng.random() < 0.9 else year - 1)


def _indicator(level1: str, level2: str, name: str, value: str) -> Indicator:
    return Indicator(level1=level1, level2=level2, name=name, value=IndicatorValue(text=value))


def _indicators(rng: random.Random, year: int, profile: str, cost: Decimal,
                main: str | None = None) -> list[Indicator]:
    """The indicator table; ``main``: the project's own activity, which most rows are about
    (a row about another activity is a defect that X05 reports)."""
    output = "完成指标" if rng.random() < 0.2 else "产出指标"
    rows = []

    def about() -> str:
        return main if main is not None and rng.random() < _ON_TOPIC else rng.choice(ACTIVITIES)

    for level2, templates in (("数量指标", QUANTITY), ("质量指标", QUALITY),
                              ("时效指标", TIMELINESS)):
        for aspect in rng.sample(ASPECTS[level2], rng.randint(1, 3)):  # rows named apart
            rows.append(_indicator(output, level2, f"{about()}{aspect}",
                                   _fill(rng.choice(templates), rng, year)))
    cost_level = ("成本指标", "经济成本指标") if profile == "mof2021" else (output, "成本指标")
    costs = rng.randint(1, 3)
    for index in range(costs):
        share = (cost / costs).quantize(Decimal("0.01")) if rng.random() < 0.8 else None
        text = f"≤{share}万元" if share is not None else _fill(rng.choice(COST), rng, year)
        rows.append(_indicator(*cost_level, f"{about()}经费{index + 1}", text))
    for level2 in ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"):
        if rng.random() < 0.6:
            rows.append(_indicator("效益指标", level2, f"{about()}{ASPECTS[level2][0]}",
                                   _fill(rng.choice(BENEFIT), rng, year)))
    if rng.random() < 0.9:
        level = ("效益指标", "社会公众或服务对象满意度指标") if profile == "hunan" else \
            ("满意度指标", "服务对象满意度指标")
        rows.append(_indicator(*level, "服务对象满意度", _fill(rng.choice(SATISFACTION), rng,
                                                              year)))
    return rows


def _contact(rng: random.Random, year: int) -> Contact:
    """Who filled in the form: mostly complete (a form without is what A01 reports)."""
    if rng.random() < 0.1:
        return Contact()
    return Contact(filled_by=rng.choice(("张敏", "李强", "王芳", "刘洋")),
                   phone=f"0734-{rng.randint(8000000, 8999999)}",
                   filled_on=datetime.date(year - 1, rng.randint(9, 12), rng.randint(1, 28)),
                   head=rng.choice(("陈刚", "周丽", "赵伟")))


def _project(rng: random.Random, index: int, year: int) -> ProjectDeclaration:
    profile = rng.choice(("hunan", "mof2015", "mof2021"))
    total = Decimal(rng.randint(10, 2000))
    fiscal = total if rng.random() < 0.8 else total - Decimal(rng.randint(1, 9))
    activity = rng.choice(ACTIVITIES)
    return ProjectDeclaration(
        id=f"p{index}", year=year, name=f"{year}年{activity}项目{index}",
        budget_unit=rng.choice(UNITS), filing_unit=rng.choice(UNITS),
        funding=Funding(total=total, fiscal=fiscal,
                        other=None if fiscal == total else total - fiscal),
        goal=f"开展{activity}{rng.randint(2, 50)}次，完成率达到{rng.randint(90, 100)}%",
        indicators=tuple(_indicators(rng, year, profile, total, activity)),
        contact=_contact(rng, year),
    )


def _department(rng: random.Random, index: int, year: int) -> DepartmentDeclaration:
    basic = Decimal(rng.randint(100, 5000))
    project = Decimal(rng.randint(10, 1000))
    tasks = []
    left = project
    for number in range(rng.randint(2, 5)):
        amount = left if number == 4 else (left / 2).quantize(Decimal("1"))
        left -= amount
        tasks.append(Task(name=f"{rng.choice(ACTIVITIES)}任务", content="按计划组织实施",
                          funding=Funding(total=amount, fiscal=amount)))
    unit = rng.choice(UNITS)
    return DepartmentDeclaration(
        id=f"d{index}", year=year, name=unit, filing_unit=unit,
        funding=DepartmentFunding(total=basic + project, public_finance=basic + project,
                                  basic=basic, project=project),
        duties="负责全市相关工作的统筹协调和组织实施。",
        goals=(f"完成{rng.choice(ACTIVITIES)}{rng.randint(2, 20)}项", "保障机关正常运转"),
        tasks=tuple(tasks),
        indicators=tuple(_indicators(rng, year, "hunan", project)),
        contact=_contact(rng, year),
    )


def declarations(count: int, *, seed: int = 20210101) -> Iterator[Declaration]:
    """``count`` declarations, about one department form for nine project forms."""
    rng = random.Random(seed)
    for index in range(count):
        year = 2021
        yield _department(rng, index, year) if index % 10 == 9 else _project(rng, index, year)
