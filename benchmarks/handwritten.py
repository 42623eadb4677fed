"""The benchmark subset of the ``mof-2021`` rules written by hand in plain Python.

This is the honest lower bound the compiled rules are measured against: each function does
exactly what the rule's text in ``rulesets/mof-2021.rules`` says (same conditions, same null
handling, same order of work where it matters, e.g. S10 filters the whole table for every
indicator just as the rule does), using the library's own helpers wherever the rule calls a
function or reads a computed field (``normalize_text``, ``canonical_level1/2``, the parsed
指标值). What the DSL machinery adds on top — environments, closures per node, three-valued
logic, evaluation budgets, evidence formatting — is what the benchmark measures.

Each function returns the findings of one rule for one declaration: rule id, severity, title,
a message and the path, as the engine would locate them (``indicators[4].value``). Evidence is
not built (a hand-written checker would not). Params, base severities and whether a rule's
``severity … if`` cases apply are read from the loaded ruleset once (:class:`Params`), so a
bureau's param override is honoured; the logic itself is written out below.

The harness asserts that, on every declaration of the corpus, the hand-written findings equal
the compiled ruleset's (rule id, path and severity); when a rule's text changes this module
must follow, and the harness exits 1 until it does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from indicator_rules import Declaration, Finding, Report, Ruleset, Severity
from indicator_rules.dsl.functions import normalize_text
from indicator_rules.model import MONEY_UNITS, IndicatorValue
from indicator_rules.taxonomy import canonical_level1, canonical_level2
from indicator_rules.values import UnitKind

__all__ = ["RULES", "SHARED", "SUBSET", "Params", "check", "check_subset"]

#: The rules of the benchmark subset, in the order of the ruleset.
SUBSET = ("S07", "S10", "V01", "V02", "V03", "V10", "T02", "F01", "F03", "C02", "M01", "M02")
#: The smaller subset also written for rule-engine and cel-python.
SHARED = ("S07", "V01", "F01", "M02")

_PLACEHOLDER = re.compile(r"^(无|待定|待填|暂无|NA|N/A|na|n/a|略)$")  # V01
_RATE_NAME = re.compile(r"率|比例|及时|按时|准时|按期|如期")  # T02
_TIME_TEXT = re.compile(  # T02
    r"第?[一二三四1-4１-４]季度|上半年|下半年|当年|年内|年底|年末|月底|月末|日前|之前"
)
_SATISFACTION_LEVEL2 = "服务对象满意度指标"
_SATISFACTION_LEVEL1 = "满意度指标"


@attrs.frozen
class Params:
    """What the hand-written checks read from the ruleset: params and severities."""

    max_indicators: Decimal
    vague_words: tuple[str, ...]
    vague_unless_measured: tuple[str, ...]
    approximation_words: tuple[str, ...]
    tolerance: Decimal
    cost_gap: Decimal
    satisfaction_words: tuple[str, ...]
    min_satisfaction: Decimal
    severity: dict[str, Severity]
    conditional: frozenset[str]  # rules whose ``severity … if`` cases apply
    title: dict[str, str]

    @classmethod
    def of(cls, ruleset: Ruleset) -> Params:
        """The params of ``ruleset`` (normally the benchmark subset of ``mof-2021``)."""
        value = {name: info.value for name, info in ruleset.params.items()}

        def words(name: str) -> tuple[str, ...]:
            return tuple(str(word) for word in value[name])

        return cls(
            max_indicators=Decimal(value["max_indicators"]),
            vague_words=words("vague_words"),
            vague_unless_measured=words("vague_unless_measured"),
            approximation_words=words("approximation_words"),
            tolerance=Decimal(value["tolerance"]),
            cost_gap=Decimal(value["cost_gap"]),
            satisfaction_words=words("satisfaction_words"),
            min_satisfaction=Decimal(value["min_satisfaction"]),
            severity={rule.rule_id: rule.severity for rule in ruleset.compiled},
            conditional=frozenset(rule.rule_id for rule in ruleset.compiled
                                  if rule.severity_cases),
            title={rule.rule_id: rule.title for rule in ruleset.compiled},
        )


def _finding(p: Params, rule_id: str, declaration: Declaration, message: str, path: str = "",
             severity: Severity | None = None) -> Finding:
    return Finding(rule_id=rule_id, severity=severity or p.severity[rule_id],
                   title=p.title[rule_id], message=message, declaration_id=declaration.id,
                   path=path, source=declaration.source)


def _money(amount: Decimal | None) -> str:
    return "（空）" if amount is None else f"{amount:.2f} 万元"


def _percent_of(value: IndicatorValue) -> Decimal | None:
    """The DSL's ``value.percent``: the first target given in %."""
    for target in value.parsed.targets:
        if target.unit_kind is UnitKind.PERCENT:
            return target.number
    return None


def _amount(funding: Any, name: str, factor: Decimal) -> Decimal | None:
    amount: Decimal | None = getattr(funding, name, None)
    return None if amount is None else amount * factor


# ---------------------------------------------------------------------------------- the rules


def s07(d: Declaration, p: Params) -> list[Finding]:
    """S07 三级指标过多: more than ``max_indicators`` named indicators."""
    total = sum(1 for i in d.indicators if normalize_text(i.name).strip())
    if total <= p.max_indicators:
        return []
    return [_finding(p, "S07", d, f"三级指标共 {total} 个，超过 {p.max_indicators} 个，"
                                  "建议精简为核心指标")]


def s10(d: Declaration, p: Params) -> list[Finding]:
    """S10 三级指标重复: another indicator has the same normalized name."""
    found = []
    indicators = d.indicators
    for index, i in enumerate(indicators):
        if not normalize_text(i.name).strip():
            continue
        same = [j for j in indicators if normalize_text(j.name) == normalize_text(i.name)]
        if len(same) != 1:
            where = "、".join(j.level2 for j in same)
            found.append(_finding(p, "S10", d, f"三级指标「{i.name}」重复：同名指标共 {len(same)} "
                                               f"个，分别在{where}下", f"indicators[{index}].name"))
    return found


def v01(d: Declaration, p: Params) -> list[Finding]:
    """V01 指标值为空: a named indicator with a blank or placeholder value and no target."""
    found = []
    for index, i in enumerate(d.indicators):
        if not i.name.strip():
            continue
        text = normalize_text(i.value.text)
        if (text.strip() and not _PLACEHOLDER.search(text)) or i.value.parsed.targets:
            continue
        found.append(_finding(p, "V01", d, f"「{i.name}」（{i.level1}/{i.level2}）未填写指标值",
                              f"indicators[{index}].value"))
    return found


def v02(d: Declaration, p: Params) -> list[Finding]:
    """V02 指标值未量化: no number, grade, date or frequency (satisfaction rows left out)."""
    found = []
    for index, i in enumerate(d.indicators):
        if not normalize_text(i.value.text).strip():
            continue
        subcategory = canonical_level2(i.level2) or ""
        if (subcategory == _SATISFACTION_LEVEL2 or (canonical_level1(i.level1) or "")
                == _SATISFACTION_LEVEL1 or "满意度" in i.name):
            continue
        parsed = i.value.parsed
        if parsed.quantified or parsed.graded or parsed.dated or parsed.frequency is not None:
            continue
        severity = (Severity.ERROR if "V02" in p.conditional
                    and subcategory in ("数量指标", "时效指标") else None)
        found.append(_finding(p, "V02", d, f"「{i.name}」的指标值「{i.value.text}」没有可考核的"
                                           "数值、等级、日期或频次", f"indicators[{index}].value",
                              severity))
    return found


def v03(d: Declaration, p: Params) -> list[Finding]:
    """V03 指标值含模糊用语: vague words, trend words only when nothing is measured."""
    found = []
    vague = p.vague_words
    for index, i in enumerate(d.indicators):
        text = normalize_text(i.value.text)
        if not any(word in text for word in vague):
            continue
        parsed = i.value.parsed
        measured = parsed.quantified or parsed.dated
        grade = parsed.grade
        words = [word for word in vague if word in text
                 and (word not in p.vague_unless_measured or not measured)
                 and (grade is None or word == grade or word not in grade)]
        if words:
            found.append(_finding(p, "V03", d, f"「{i.name}」的指标值「{i.value.text}」含模糊用语："
                                               f"{'、'.join(words)}",
                                  f"indicators[{index}].value"))
    return found


def v10(d: Declaration, p: Params) -> list[Finding]:
    """V10 近似值: an approximate target written with an approximation word."""
    found = []
    for index, i in enumerate(d.indicators):
        if not any(target.approx for target in i.value.parsed.targets):
            continue
        words = [word for word in p.approximation_words if word in i.value.text]
        if words:
            found.append(_finding(p, "V10", d, f"「{i.name}」的指标值「{i.value.text}」是近似值"
                                               f"（{'、'.join(words)}），考核时无法判定是否达成",
                                  f"indicators[{index}].value"))
    return found


def t02(d: Declaration, p: Params) -> list[Finding]:
    """T02 时效指标值非时间要素: a 时效指标 with no deadline, period, frequency or rate."""
    found = []
    for index, i in enumerate(d.indicators):
        value = i.value
        if canonical_level2(i.level2) != "时效指标" or not value.text.strip():
            continue
        parsed = value.parsed
        if (parsed.dated or parsed.frequency is not None
                or (_percent_of(value) is not None and _RATE_NAME.search(normalize_text(i.name)))
                or any(target.unit_kind is UnitKind.TIME for target in parsed.targets)
                or _TIME_TEXT.search(value.text)):
            continue
        found.append(_finding(p, "T02", d, f"时效指标「{i.name}」的指标值「{value.text}」不是时间"
                                           "要素（时限、期间、频次或及时率）",
                              f"indicators[{index}].value"))
    return found


def f01(d: Declaration, p: Params) -> list[Finding]:
    """F01 项目资金构成不平: 资金总额 ≠ 财政拨款 + 其他资金 (a project form)."""
    if d.kind != "project":
        return []
    factor = MONEY_UNITS[d.money_unit]
    total = _amount(d.funding, "total", factor)
    fiscal = _amount(d.funding, "fiscal", factor)
    other = _amount(d.funding, "other", factor)
    if fiscal is None and other is None:
        return []
    fiscal_or_0 = Decimal(0) if fiscal is None else fiscal
    if total is not None and other is None and total > fiscal_or_0 + p.tolerance:
        return []
    parts = fiscal_or_0 + (Decimal(0) if other is None else other)
    if total is not None and abs(total - parts) <= p.tolerance:
        return []
    return [_finding(p, "F01", d, f"资金总额 {_money(total)} 不等于财政拨款 {_money(fiscal)} + "
                                  f"其他资金 {_money(other)}（合计 {_money(parts)}）")]


def f03(d: Declaration, p: Params) -> list[Finding]:
    """F03 部门支出构成不平: 资金总额 ≠ 基本支出 + 项目支出 (a department form)."""
    if d.kind != "department":
        return []
    factor = MONEY_UNITS[d.money_unit]
    total = _amount(d.funding, "total", factor)
    if total is None:
        return []
    basic = _amount(d.funding, "basic", factor)
    project = _amount(d.funding, "project", factor)
    if basic is None and project is None:
        return []
    parts = (Decimal(0) if basic is None else basic) + (Decimal(0) if project is None
                                                        else project)
    if abs(total - parts) <= p.tolerance:
        return []
    return [_finding(p, "F03", d, f"资金总额 {_money(total)} 不等于基本支出 {_money(basic)} + "
                                  f"项目支出 {_money(project)}（合计 {_money(parts)}）")]


def c02(d: Declaration, p: Params) -> list[Finding]:
    """C02 成本合计与资金不符: the cost indicators do not add up to the budget."""
    unit = d.money_unit
    costs = []
    for i in d.indicators:
        subcategory = canonical_level2(i.level2)
        if ((canonical_level1(i.level1) == "成本指标" or subcategory == "成本指标")
                and subcategory is not None
                and subcategory not in ("社会成本指标", "生态环境成本指标")
                and i.value.parsed.amount_in_wan(unit) is not None):
            costs.append(i)
    if not costs:
        return []
    cost = sum((amount for i in costs if (amount := i.value.parsed.amount_in_wan(unit))
                is not None), Decimal(0))
    factor = MONEY_UNITS[unit]
    total = _amount(d.funding, "total", factor)
    project = _amount(d.funding, "project", factor)
    budget = total if project is None else project
    if budget is None:
        return []
    tolerance = p.tolerance
    if ((budget - p.cost_gap - tolerance <= cost <= budget + tolerance)
            or (total is not None and abs(cost - total) <= tolerance)):
        return []
    against = total if total is not None else budget
    severity = (Severity.WARNING if "C02" in p.conditional
                and not cost > against + tolerance else None)
    compared_with = "项目支出" if project is not None else "资金总额"
    names = "、".join(i.name for i in costs)
    return [_finding(p, "C02", d, f"成本指标（{names}）金额合计 {_money(cost)}，与{compared_with} "
                                  f"{_money(budget)} 不符", severity=severity)]


def m01(d: Declaration, p: Params) -> list[Finding]:
    """M01 缺少满意度指标: no satisfaction indicator with a name or a value."""
    for i in d.indicators:
        if ((canonical_level2(i.level2) == _SATISFACTION_LEVEL2
             or canonical_level1(i.level1) == _SATISFACTION_LEVEL1
             or any(word in i.name for word in p.satisfaction_words))
                and (i.name.strip() or i.value.text.strip())):
            return []
    return [_finding(p, "M01", d, "没有满意度指标（如「服务对象满意度 ≥90%」）")]


def m02(d: Declaration, p: Params) -> list[Finding]:
    """M02 满意度目标偏低: a satisfaction target below ``min_satisfaction``."""
    found = []
    for index, i in enumerate(d.indicators):
        name = i.name
        if not (any(word in name for word in p.satisfaction_words)
                or canonical_level2(i.level2) == _SATISFACTION_LEVEL2
                or canonical_level1(i.level1) == _SATISFACTION_LEVEL1) or "不满意" in name:
            continue
        percent = _percent_of(i.value)
        if percent is None or percent >= p.min_satisfaction:
            continue
        found.append(_finding(p, "M02", d, f"「{name}」的指标值「{i.value.text}」只有 {percent}%，"
                                           f"低于满意度目标下限 {p.min_satisfaction}%",
                              f"indicators[{index}].value"))
    return found


Check = Callable[[Declaration, Params], list[Finding]]

#: Every hand-written rule, by id.
RULES: dict[str, Check] = {
    "S07": s07, "S10": s10, "V01": v01, "V02": v02, "V03": v03, "V10": v10, "T02": t02,
    "F01": f01, "F03": f03, "C02": c02, "M01": m01, "M02": m02,
}


def check_subset(declaration: Declaration, p: Params, rules: Sequence[Check]) -> Report:
    """The report of ``rules`` on one declaration, built as the engine builds one."""
    findings: list[Finding] = []
    for rule in rules:
        findings += rule(declaration, p)
    return Report(declaration_id=declaration.id, declaration_kind=declaration.kind,
                  declaration_name=declaration.name, findings=tuple(findings),
                  rules_run=len(rules))


def check(declaration: Declaration, p: Params) -> Report:
    """The report of the whole benchmark subset (:data:`SUBSET`) on one declaration."""
    return check_subset(declaration, p, [RULES[rule_id] for rule_id in SUBSET])
