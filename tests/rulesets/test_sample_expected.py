"""The national baseline over the three sample forms finds what a careful reviewer finds.

The rows below are the **must** and **must not** rows of ``shared/seed/EXPECTED.md``: the forms
are read straight from ``examples/hengyang-2021.md`` through the importer and checked as one batch
with ``mof-2021`` and its default params (the profile is guessed: hunan). A row names the form
(0 = 附件3-1, 1 = 附件3-2, 2 = 附件3-3), the rule ids of which one must (or none may) fire, and
where: words of the indicator's 二级指标 and 三级指标, a task's name, or nowhere in particular.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from indicator_rules import Declaration, Finding, Report, load_ruleset, read_forms

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hengyang-2021.md"


@attrs.frozen
class Where:
    """Where a finding must (not) be: words in the 二级 and the 三级 of its indicator, or in the
    name of its task; all None means anywhere in the declaration."""

    level2: str | None = None
    name: str | None = None
    task: str | None = None

    def holds(self, finding: Finding, declaration: Declaration) -> bool:
        if self.level2 is None and self.name is None and self.task is None:
            return True
        indicator = re.match(r"indicators\[(\d+)\]", finding.path)
        if indicator and self.task is None:
            item = declaration.indicators[int(indicator.group(1))]
            return ((self.level2 is None or self.level2 in (item.level2 or ""))
                    and (self.name is None or self.name in item.name))
        if self.task is None:
            return False
        task = re.match(r"tasks\[(\d+)\]", finding.path)
        if task and hasattr(declaration, "tasks"):
            return self.task in declaration.tasks[int(task.group(1))].name
        # a rule over the form's texts names the task in the element it reports
        return "年度主要任务「" in finding.item and self.task in finding.item


MUST: list[tuple[int, tuple[str, ...], Where]] = [
    # 附件 3-1 党员活动经费
    (0, ("V01",), Where("数量", "自选党建活动")),
    (0, ("V01",), Where("质量", "五化")),
    (0, ("V01",), Where("时效", "党建活动时效")),
    (0, ("V01",), Where("成本", "五化")),
    (0, ("V07",), Where("成本", "模范机关创建")),
    (0, ("V03",), Where("成本", "模范机关创建")),
    (0, ("V12",), Where("经济效益")),
    (0, ("V12",), Where("生态效益", "破坏生态环境事件")),
    (0, ("V02", "V03"), Where("社会效益")),
    (0, ("V02", "V03"), Where("可持续影响", "机关执行力提升")),
    (0, ("B01",), Where()),
    (0, ("S10",), Where()),
    (0, ("S11",), Where("经济效益")),
    (0, ("S11",), Where("社会效益")),
    # 附件 3-2 市直机关工会工作经费
    (1, ("V01",), Where("数量", "机关工会干部业务培训")),
    (1, ("V01",), Where("质量", "机关工会干部业务培训")),
    (1, ("V07",), Where("质量", "文体活动")),
    (1, ("V12",), Where("可持续影响", "提升机关执行力")),
    (1, ("V12",), Where("生态效益", "破坏生态环境事件")),
    (1, ("B01",), Where()),
    (1, ("S10",), Where()),
    # 附件 3-3 部门整体支出
    (2, ("F04",), Where()),
    (2, ("T01",), Where(task="五化")),
    (2, ("X01",), Where()),
    (2, ("M01",), Where()),
    (2, ("V03",), Where("质量", "各类教育培训后")),
    (2, ("V02", "V03"), Where("社会效益", "严肃了党内政治生活")),
    (2, ("X04",), Where()),
    (2, ("C02",), Where()),
]

MUST_NOT: list[tuple[int, tuple[str, ...], Where]] = [
    (0, ("F01", "C02", "M01", "M02"), Where()),
    (0, ("T02",), Where("时效", "模范机关创建时效")),
    (1, ("C02", "M02"), Where()),
    (1, ("V04",), Where("成本", "总成本")),
    (1, ("T02",), Where("时效", "文体活动")),
    (2, ("F02", "F03", "F05", "S03"), Where()),
    # across the three forms: 40 + 26 ≤ the department's 项目支出 90
    (0, ("X07",), Where()),
    (1, ("X07",), Where()),
    (2, ("X07",), Where()),
]


@pytest.fixture(scope="module")
def checked() -> list[tuple[Declaration, Report]]:
    declarations = read_forms(SAMPLE)
    reports = load_ruleset("mof-2021").check_batch(declarations)
    return list(zip(declarations, reports, strict=True))


def _shown(report: Report) -> str:
    return "\n".join(f"  {f.rule_id} {f.path} {f.message}" for f in report.findings)


@pytest.mark.parametrize(("form", "rule_ids", "where"), MUST)
def test_the_baseline_finds_every_must_row(checked, form: int, rule_ids: tuple[str, ...],
                                           where: Where):
    declaration, report = checked[form]
    hits = [f for f in report.findings if f.rule_id in rule_ids and where.holds(f, declaration)]
    assert hits, f"no {'/'.join(rule_ids)} at {where} in {declaration.name}:\n{_shown(report)}"


@pytest.mark.parametrize(("form", "rule_ids", "where"), MUST_NOT)
def test_the_baseline_reports_no_must_not_row(checked, form: int, rule_ids: tuple[str, ...],
                                              where: Where):
    declaration, report = checked[form]
    hits = [f for f in report.findings if f.rule_id in rule_ids and where.holds(f, declaration)]
    assert not hits, f"unexpected in {declaration.name}:\n" + "\n".join(
        f"  {f.rule_id} {f.path} {f.message}" for f in hits)


def test_the_department_cost_gap_is_a_warning(checked):
    _, report = checked[2]
    (finding,) = [f for f in report.findings if f.rule_id == "C02"]
    assert finding.severity.name == "WARNING"
    assert "40.00 万元" in finding.message
    assert "90.00 万元" in finding.message


def test_no_rule_fails_to_evaluate_on_the_sample(checked):
    errors = [f for _, report in checked for f in report.findings if f.kind == "rule-error"]
    assert not errors, "\n".join(f"{f.rule_id}: {f.message}" for f in errors)
