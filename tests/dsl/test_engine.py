"""Evaluation: findings, locations, evidence, null semantics, isolation, waivers."""

from __future__ import annotations

from decimal import Decimal

from indicator_rules import (
    Funding,
    Indicator,
    IndicatorValue,
    ProjectDeclaration,
    SourceRef,
    Waiver,
)
from indicator_rules.dsl.functions import FunctionRegistry
from indicator_rules.dsl.types import BOOL, TEXT
from indicator_rules.findings import Severity
from indicator_rules.ruleset import Ruleset, load_ruleset_text


def _ruleset(text: str, functions: FunctionRegistry | None = None) -> Ruleset:
    return load_ruleset_text(text, name="t.rules", functions=functions)


def _indicator(name: str, value: str, level2: str = "数量指标", row: int | None = None):
    source = SourceRef(file="form.xlsx", sheet="表1", row=row) if row else None
    return Indicator(level1="产出指标", level2=level2, name=name,
                     value=IndicatorValue(text=value), source=source)


COSTS = '''param tolerance = 0.01万元
rule C02 "成本合计与资金不符"
  severity error
  applies to project
  let costs = indicators where level2 == "成本指标"
  when count(costs) > 0
  let cost = sum(costs.value.amount)
  require cost == funding.total within tolerance
  message "成本指标合计 {cost}，与资金总额 {funding.total} 不符"
'''


def test_money_is_compared_in_wan_and_shown_with_its_unit():
    declaration = ProjectDeclaration(
        id="p", money_unit="元", funding=Funding(total=Decimal(800000)),
        indicators=(_indicator("培训", "30万元", "成本指标"),
                    _indicator("活动", "100000", "成本指标")),
    )
    (finding,) = _ruleset(COSTS).check(declaration).findings
    # the bare 100000 is money in the form's unit (元): 10 万元
    assert finding.message == "成本指标合计 40.00 万元，与资金总额 80.00 万元 不符"
    assert finding.evidence == (
        ("costs", "「培训」、「活动」"), ("cost", "40.00 万元"),
        ("funding.total", "80.00 万元"),
    )
    assert finding.path == ""
    assert finding.rule_source == "t.rules:2"


def test_no_cost_indicator_means_not_applicable():
    report = _ruleset(COSTS).check(ProjectDeclaration(id="p"))
    assert report.findings == ()
    assert (report.rules_run, report.rules_skipped) == (0, 1)


def test_findings_point_at_the_element_and_its_form_row():
    ruleset = _ruleset('rule V01 "空"\n  severity error\n  for each i in indicators\n'
                       '  at i.value\n  require not blank(i.value.text)\n'
                       '  message "「{i.name}」"\n')
    declaration = ProjectDeclaration(id="p", indicators=(
        _indicator("a", "1次"), _indicator("b", "", row=7), _indicator("c", " ")))
    findings = ruleset.check(declaration).findings
    assert [(f.path, f.message) for f in findings] == [
        ("indicators[1].value", "「b」"), ("indicators[2].value", "「c」")]
    assert str(findings[0].source) == "form.xlsx 表1 第7行"
    assert findings[0].fingerprint != findings[1].fingerprint


def test_a_rule_without_require_reports_every_match():
    ruleset = _ruleset('param words = ["一批", "若干"]\nrule V03 "模糊"\n  severity warning\n'
                       '  for each i in indicators where contains_any(i.value.text, words)\n'
                       '  message "{words_in(i.value.text, words)}"\n')
    declaration = ProjectDeclaration(id="p", indicators=(
        _indicator("a", "一批"), _indicator("b", "3次"), _indicator("c", "若干一批")))
    assert [(f.path, f.message) for f in ruleset.check(declaration).findings] == [
        ("indicators[0]", "一批"), ("indicators[2]", "一批、若干")]


def test_null_is_never_silently_true():
    ruleset = _ruleset('rule M02 "满意度"\n  severity warning\n  for each i in indicators\n'
                       '  require i.value.percent >= 85%\n  message "{i.value.percent}"\n'
                       'rule W01 "when null"\n  severity info\n  when funding.total > 0\n'
                       '  applies to project\n  require false\n  message "never"\n')
    declaration = ProjectDeclaration(id="p", indicators=(_indicator("满意度", "满意"),
                                                         _indicator("b", "95%")))
    report = ruleset.check(declaration)
    (finding,) = report.findings
    assert finding.message == "（空）"
    assert ("条件", "无法判定（含空值）") in finding.evidence
    assert report.rules_skipped == 1  # W01: the when on a null total is not true


def test_a_failing_rule_becomes_a_finding_and_the_others_still_run():
    functions = FunctionRegistry()

    def explode(text: str) -> bool:
        raise RuntimeError(f"plugin failed on {text}")

    functions.register("explode", [TEXT], BOOL, explode, "always fails")
    ruleset = _ruleset('rule X01 "坏插件"\n  severity info\n  require explode(name)\n'
                       '  message "m"\nrule X02 "好"\n  severity warning\n  require false\n'
                       '  message "ok"\n', functions)
    report = ruleset.check(ProjectDeclaration(id="p", name="n"))
    assert [(f.rule_id, f.kind) for f in report.findings] == [("X01", "rule-error"),
                                                              ("X02", "finding")]
    assert report.findings[0].message == "规则 X01 执行出错：RuntimeError: plugin failed on n"
    assert report.findings[0].severity is Severity.ERROR
    assert report.rules_errored == 1
    assert not report.ok


def test_division_by_zero_is_a_rule_error():
    report = _ruleset('rule X01 "d"\n  severity info\n  require count(indicators) / 0 > 1\n'
                      '  message "m"\n').check(ProjectDeclaration(id="p"))
    assert report.findings[0].kind == "rule-error"
    assert "division by zero" in report.findings[0].message


def test_waivers_mark_findings_and_unused_or_expired_ones_are_reported():
    ruleset = _ruleset('rule V01 "空"\n  severity error\n  for each i in indicators\n'
                       '  require not blank(i.value.text)\n  message "「{i.name}」"\n')
    used = Waiver(rule="V01", path="indicators[0]", reason="待补充")
    unused = Waiver(rule="V01", path="indicators[5]", reason="无")
    expired = Waiver(rule="V01", path="indicators[1]", reason="去年", until_year=2020)
    declaration = ProjectDeclaration(id="p", year=2021, waivers=(used, unused, expired),
                                     indicators=(_indicator("a", ""), _indicator("b", "")))
    report = ruleset.check(declaration)
    assert [(f.path, f.waived) for f in report.findings] == [("indicators[0]", "待补充"),
                                                             ("indicators[1]", None)]
    assert report.unused_waivers == (unused, expired)
    assert report.count(Severity.ERROR) == 1
    assert not report.ok
    assert _ruleset('rule V01 "空"\n  severity error\n  for each i in indicators\n'
                    '  require false\n  message "m"\n').check(
        ProjectDeclaration(id="q", indicators=(_indicator("a", ""),),
                           waivers=(Waiver(rule="V01", reason="全部豁免"),))).ok


def test_empty_collections_and_all():
    ruleset = _ruleset('rule A01 "all"\n  severity info\n'
                       '  require all(indicators.value.quantified)\n'
                       '  message "m"\nrule A02 "nonempty"\n  severity info\n'
                       '  require all_nonempty(indicators.value.quantified)\n  message "m"\n')
    report = ruleset.check(ProjectDeclaration(id="p"))
    assert [f.rule_id for f in report.findings] == ["A02"]


def test_checking_is_deterministic_and_streams():
    ruleset = _ruleset(COSTS)
    declarations = [ProjectDeclaration(id=f"p{n}", funding=Funding(total=Decimal(n)),
                                       indicators=(_indicator("c", "1万元", "成本指标"),))
                    for n in range(5)]
    first = list(ruleset.check_many(declarations))
    assert first == list(ruleset.check_many(iter(declarations)))
    assert [len(report.findings) for report in first] == [1, 0, 1, 1, 1]


def test_comparing_with_the_null_literal_tests_for_null():
    ruleset = _ruleset('rule F06 "资金来源不明"\n  severity warning\n  applies to project\n'
                       '  require funding.other != null or funding.total == funding.fiscal\n'
                       '  message "其他资金未填"\n')
    blank_other = ProjectDeclaration(id="a", funding=Funding(total=Decimal(164),
                                                             fiscal=Decimal(132)))
    filled = ProjectDeclaration(id="b", funding=Funding(total=Decimal(164), fiscal=Decimal(132),
                                                        other=Decimal(32)))
    assert [f.rule_id for f in ruleset.check(blank_other).findings] == ["F06"]
    assert ruleset.check(filled).findings == ()


def test_loops_over_filtered_and_computed_lists_locate_findings_correctly():
    ruleset = _ruleset(
        'rule C05 "成本方向"\n  severity warning\n'
        '  for each i in (indicators where level2 == "成本指标")\n'
        '  require i.value.comparator != ">="\n  message "「{i.name}」"\n'
        'rule X01 "单位"\n  severity warning\n  applies to project\n'
        "  for each unit in organisations(goal)\n  message \"{unit}\"\n"
    )
    declaration = ProjectDeclaration(
        id="p", goal="保障市委办和市财政局",
        indicators=(_indicator("a", "3次"), _indicator("b", "≥20万元", "成本指标")),
    )
    findings = ruleset.check(declaration).findings
    assert [(f.rule_id, f.path, f.item) for f in findings] == [
        ("C05", "indicators[1]", ""), ("X01", "", "市委办"), ("X01", "", "市财政局")]
    assert len({f.fingerprint for f in findings}) == 3


def test_rule_errors_cannot_be_waived_and_unknown_years_do_not_expire_waivers():
    ruleset = _ruleset('rule X01 "d"\n  severity info\n  require count(indicators) / 0 > 1\n'
                       '  message "m"\nrule X02 "y"\n  severity info\n  require false\n'
                       '  message "m"\n')
    declaration = ProjectDeclaration(id="p", waivers=(
        Waiver(rule="X01", reason="试图豁免"),
        Waiver(rule="X02", reason="有期限", until_year=2021),
    ))
    report = ruleset.check(declaration)
    assert [(f.rule_id, f.waived) for f in report.findings] == [("X01", None), ("X02", None)]
    assert len(report.unused_waivers) == 2


def test_numbers_in_messages_are_rounded_to_two_decimals():
    ruleset = _ruleset('rule X01 "r"\n  severity info\n  require false\n'
                       '  message "{1 / 3} {100% / 3} {2 / 4} {10万元 / 3}"\n')
    (finding,) = ruleset.check(ProjectDeclaration(id="p")).findings
    assert finding.message == "0.33 33.33% 0.5 3.33 万元"
