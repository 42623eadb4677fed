"""The constructs added for the catalog: select, conditional severity, batch rules, ``at`` paths,
the evaluation budget, and inline examples run with their own file's params."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from indicator_rules import (
    DepartmentDeclaration,
    DepartmentFunding,
    Funding,
    Indicator,
    IndicatorValue,
    ProjectDeclaration,
    RulesetLoadError,
    load_ruleset,
)
from indicator_rules.dsl.semantics import MAX_STEPS
from indicator_rules.findings import Severity
from indicator_rules.ruleset import Ruleset, load_ruleset_text


def _ruleset(text: str) -> Ruleset:
    return load_ruleset_text(text, name="t.rules")


def _errors(text: str) -> list[str]:
    with pytest.raises(RulesetLoadError) as caught:
        _ruleset(text)
    return [f"{error.where.line}:{error.where.column}: {error.message}" if error.where
            else error.message for error in caught.value.errors]


def _indicator(name: str, value: str = "", level2: str = "数量指标", unit: str | None = None):
    return Indicator(level1="产出指标", level2=level2, name=name,
                     value=IndicatorValue(text=value, unit=unit))


# --- select -------------------------------------------------------------------------------


def test_select_maps_and_finds_duplicates_after_normalising():
    ruleset = _ruleset(
        'rule S10 "三级指标重复"\n  severity warning\n'
        "  let names = indicators where not blank(name) select normalize(name)\n"
        "  let repeated = duplicates(names)\n  require count(repeated) == 0\n"
        '  message "重复：{repeated}"\n'
    )
    declaration = ProjectDeclaration(id="p", indicators=(
        _indicator("指标 1: 支部“五化”建设"), _indicator("指标2:支部五化建设"), _indicator("培训"),
        _indicator(""),
    ))
    (finding,) = ruleset.check(declaration).findings
    assert finding.message == "重复：支部五化建设"
    assert ("names", "支部五化建设、支部五化建设、培训") in finding.evidence


def test_select_flattens_list_results_and_keeps_scalar_nulls():
    ruleset = _ruleset(
        'rule X01 "提及其他单位"\n  severity warning\n'
        "  let orgs = indicators select organisations(name)\n"
        "  let percents = indicators select value.percent\n"
        "  require count(orgs) == 0\n"
        '  message "{orgs} / {count(percents)} / {percents}"\n'
    )
    declaration = ProjectDeclaration(id="p", indicators=(
        _indicator("保障市委办正常运转", "95%"), _indicator("市财政局和市委办培训", "3次"),
    ))
    (finding,) = ruleset.check(declaration).findings
    assert finding.message == "市委办、市财政局、市委办 / 2 / 95%、（空）"


def test_select_is_typed_and_counts_as_a_filter_level():
    (error,) = _errors('rule R1 "t"\n  severity info\n'
                       '  require count(indicators select name + 1) > 0\n  message "m"\n')
    assert error.startswith("3:35: cannot compute text + number")
    deep = ("indicators where count(indicators where count(indicators select "
            "count(indicators select name)) > 0) > 0")
    (error,) = _errors(f'rule R1 "t"\n  severity info\n  require count({deep}) > 0\n'
                       '  message "m"\n')
    assert "filters nested more than 3 deep" in error


# --- severity … if ----------------------------------------------------------------------------


V02 = '''rule V02 "指标值未量化"
  severity warning
  severity error if i.subcategory in ["数量指标", "时效指标"]
  severity info if i.level2 == "可持续影响指标"
  for each i in indicators where not blank(i.value.text)
  require i.value.quantified or i.value.graded
  message "「{i.name}」未量化"
'''


def test_conditional_severity_picks_the_first_case_that_holds():
    declaration = ProjectDeclaration(id="p", indicators=(
        _indicator("创建", "按要求执行", level2="数量"),
        _indicator("效果", "提升", level2="社会效益指标"),
        _indicator("长效", "长期坚持", level2="可持续影响指标"),
        _indicator("培训", "3次"),
    ))
    findings = _ruleset(V02).check(declaration).findings
    assert [(f.path, f.severity) for f in findings] == [
        ("indicators[0]", Severity.ERROR), ("indicators[1]", Severity.WARNING),
        ("indicators[2]", Severity.INFO),
    ]


def test_a_child_remapping_the_severity_overrides_the_cases(tmp_path: Path):
    (tmp_path / "base.rules").write_text(V02, encoding="utf-8")
    (tmp_path / "child.rules").write_text('extends "base.rules"\nseverity V02 info\n',
                                          encoding="utf-8")
    declaration = ProjectDeclaration(id="p", indicators=(_indicator("创建", "按要求执行"),))
    (finding,) = load_ruleset(tmp_path / "child.rules").check(declaration).findings
    assert finding.severity is Severity.INFO


def test_severity_conditions_are_checked_and_the_plain_severity_stays_required():
    errors = _errors('rule R1 "t"\n  severity error if 3\n  require true\n  message "m"\n')
    assert errors == ["1:1: rule R1 has no severity",
                      "2:21: expected a condition (true or false), got number"]


def test_a_when_after_severity_is_still_a_when():
    ruleset = _ruleset('rule R1 "t"\n  severity info\n  when count(indicators) > 5\n'
                       '  require false\n  message "m"\n')
    report = ruleset.check(ProjectDeclaration(id="p"))
    assert report.findings == ()
    assert report.rules_skipped == 1


# --- batch rules ----------------------------------------------------------------------------


X07 = '''param tolerance = 0.01万元
rule X07 "项目资金超出部门项目支出"
  severity warning
  applies to batch
  for each d in departments where d.funding.project != null
  let own = projects where year == d.year and budget_unit == d.name
  let total = sum(own.funding.total)
  require total <= d.funding.project within tolerance
  message "{d.name}的项目合计 {total}，超过项目支出 {d.funding.project}"
  example fail """[{"kind": "department", "year": 2021, "name": "市直工委",
                    "funding": {"project": "50"}},
                   {"year": 2021, "budget_unit": "市直工委", "funding": {"total": "40"}},
                   {"year": 2021, "budget_unit": "市直工委", "funding": {"total": "26"}}]"""
  example pass """[{"kind": "department", "year": 2021, "name": "市直工委",
                    "funding": {"project": "90"}},
                   {"year": 2021, "budget_unit": "市直工委", "funding": {"total": "40"}},
                   {"year": 2020, "budget_unit": "市直工委", "funding": {"total": "400"}}]"""
'''


def _batch(project_total: str,
           unit: str = "万元") -> list[ProjectDeclaration | DepartmentDeclaration]:
    return [
        ProjectDeclaration(id="p1", year=2021, budget_unit="市直工委",
                           funding=Funding(total=Decimal("40"))),
        DepartmentDeclaration(id="d", year=2021, name="市直工委",
                              funding=DepartmentFunding(project=Decimal("50"))),
        ProjectDeclaration(id="p2", year=2021, budget_unit="市直工委", money_unit=unit,  # type: ignore[arg-type]
                           funding=Funding(total=Decimal(project_total))),
    ]


def test_batch_findings_go_to_the_report_of_the_declaration_they_are_about():
    reports = _ruleset(X07).check_batch(_batch("26"))
    assert [report.declaration_id for report in reports] == ["p1", "d", "p2"]
    assert [len(report.findings) for report in reports] == [0, 1, 0]
    (finding,) = reports[1].findings
    assert finding.message == "市直工委的项目合计 66.00 万元，超过项目支出 50.00 万元"
    assert finding.declaration_id == "d"
    assert all(report.rules_run == 1 for report in reports)


def test_a_batch_compares_money_in_wan_whatever_each_form_states():
    assert _ruleset(X07).check_batch(_batch("100000", unit="元"))[1].findings == ()  # 10 万元
    assert len(_ruleset(X07).check_batch(_batch("200000", unit="元"))[1].findings) == 1


def test_checking_one_declaration_skips_batch_rules_and_check_many_batches():
    ruleset = _ruleset(X07)
    report = ruleset.check(_batch("26")[1])
    assert (report.findings, report.rules_run, report.rules_skipped) == ((), 0, 1)
    assert ruleset.has_batch_rules
    reports = list(ruleset.check_many(iter(_batch("26"))))
    assert [len(report.findings) for report in reports] == [0, 1, 0]


def test_batch_examples_are_lists_of_declarations():
    results = _ruleset(X07).run_examples()
    assert [(result.expect, result.ok) for result in results] == [("fail", True), ("pass", True)]


def test_a_batch_rule_needs_for_each_over_the_batch_and_has_no_single_declaration():
    errors = _errors('rule X1 "t"\n  severity info\n  applies to batch\n'
                     '  require count(projects) < 9\n  message "m"\n')
    assert errors == ["1:1: batch rule X1 needs 'for each' over projects, departments or "
                      "declarations"]
    with pytest.raises(RulesetLoadError) as caught:
        _ruleset('rule X1 "t"\n  severity info\n  applies to batch\n'
                 '  for each p in projects\n  require goal != ""\n  message "m"\n')
    (error,) = caught.value.errors
    assert error.message == "unknown name 'goal'"
    assert error.hint == ("a batch rule has no single declaration: read fields through the "
                          "variable of 'for each', e.g. d.goal")


def test_a_failing_batch_rule_is_a_rule_error_in_every_report():
    ruleset = _ruleset('rule X1 "t"\n  severity info\n  applies to batch\n'
                       '  for each p in projects\n  require 1 / count(departments) > 0\n'
                       '  message "m"\n')
    reports = ruleset.check_batch([ProjectDeclaration(id="a"), ProjectDeclaration(id="b")])
    assert [[f.kind for f in report.findings] for report in reports] == [["rule-error"]] * 2
    assert all(report.rules_errored == 1 for report in reports)


# --- at -----------------------------------------------------------------------------------


def test_at_accepts_chinese_labels_and_points_at_the_json_field():
    ruleset = _ruleset('rule V05 "单位不符"\n  severity error\n  for each i in indicators\n'
                       '  at i.指标值.计量单位\n  require i.value.declared_unit == "%"\n'
                       '  message "m"\n')
    declaration = ProjectDeclaration(id="p", indicators=(_indicator("满意度", "95%", unit="次"),))
    (finding,) = ruleset.check(declaration).findings
    assert finding.path == "indicators[0].value.unit"


def test_at_refuses_computed_fields_and_computed_lists():
    errors = _errors('rule R1 "t"\n  severity error\n  for each i in indicators\n'
                     '  at i.value.percent\n  require true\n  message "m"\n')
    assert errors == ["4:3: 'at' cannot point at 'percent': it is computed, not a field of "
                      "the form"]
    errors = _errors('rule R1 "t"\n  severity error\n  for each w in distinct(indicators.name)\n'
                     '  at w.name\n  require true\n  message "m"\n')
    assert errors == ["4:3: 'at w…' must start with the variable of 'for each' over a list of "
                      "the declaration"]


# --- budget -------------------------------------------------------------------------------


def test_a_rule_that_visits_too_many_elements_is_a_rule_error():
    ruleset = _ruleset('rule R1 "t"\n  severity info\n  for each i in indicators\n'
                       "  let n = count(indicators where count(indicators where "
                       "name == i.name) > 0)\n  require n >= 0\n  message \"m\"\n")
    size = 110  # 110 ** 3 > MAX_STEPS visits
    assert size**3 > MAX_STEPS > size**2
    declaration = ProjectDeclaration(id="p", indicators=tuple(
        _indicator(f"n{index}") for index in range(size)))
    (finding,) = ruleset.check(declaration).findings
    assert finding.kind == "rule-error"
    assert "evaluation budget exceeded" in finding.message
    small = ProjectDeclaration(id="p", indicators=declaration.indicators[:20])
    assert ruleset.check(small).findings == ()


# --- inline examples run with their own file's params --------------------------------------


def test_inherited_examples_run_with_the_params_of_the_file_that_wrote_them(tmp_path: Path):
    (tmp_path / "base.rules").write_text(
        'param floor = 85%\nrule M02 "满意度偏低"\n  severity warning\n'
        '  for each i in indicators where "满意" in i.name\n'
        "  require (i.value.percent ?? 0) >= floor\n  message \"m\"\n"
        '  example pass """{"indicators": [{"name": "满意度", "value": "88%"}]}"""\n'
        '  example fail """{"indicators": [{"name": "满意度", "value": "80%"}]}"""\n',
        encoding="utf-8")
    (tmp_path / "child.rules").write_text('extends "base.rules"\nparam floor = 90%\n',
                                          encoding="utf-8")
    child = load_ruleset(tmp_path / "child.rules")
    assert all(result.ok for result in child.run_examples())
    declaration = ProjectDeclaration(id="p", indicators=(_indicator("满意度", "88%"),))
    assert len(child.check(declaration).findings) == 1  # the child's floor applies to checks


# --- fields both kinds of form have, read the same way --------------------------------------


EITHER_KIND = (
    'param own = []\n'
    'rule X09 "either kind"\n  severity info\n'
    '  let texts = goals\n  let spent = funding.project ?? funding.total\n'
    '  require false\n'
    '  message "{unit}|{texts}|{spent}|{count(tasks)}|{period}|{count(own)}"\n'
)


def test_a_rule_for_either_kind_reads_unit_goals_funding_tasks_and_period():
    from indicator_rules import Task

    ruleset = _ruleset(EITHER_KIND)
    project = ProjectDeclaration(id="p", budget_unit="市直工委", goal="开展培训3次",
                                 period="2021年", funding=Funding(total=Decimal("40")))
    department = DepartmentDeclaration(
        id="d", name="市直工委", goals=("目标一", "目标二"), tasks=(Task(name="培训"),),
        funding=DepartmentFunding(total=Decimal("539.42"), project=Decimal("90")))
    (on_project,) = ruleset.check(project).findings
    assert on_project.message == "市直工委|开展培训3次|40.00 万元|0|2021年|0"
    (on_department,) = ruleset.check(department).findings
    assert on_department.message == "市直工委|目标一、目标二|90.00 万元|1||0"
    blank_goal = ProjectDeclaration(id="p2", budget_unit="市直工委")
    assert ruleset.check(blank_goal).findings[0].message.split("|")[1] == "（无）"


def test_an_empty_list_param_is_a_word_list_or_takes_the_inherited_type(tmp_path: Path):
    base = tmp_path / "base.rules"
    base.write_text('param limits = [1, 2]\nparam words = []\n', "utf-8")
    child = tmp_path / "child.rules"
    child.write_text('extends "base.rules"\nparam limits = []\nparam words += ["一批"]\n'
                     'rule Z01 "t"\n  severity info\n'
                     '  require count(limits) == 0 and contains_any("打造一批", words)\n'
                     '  message "m"\n', "utf-8")
    ruleset = load_ruleset(child)
    assert ruleset.check(ProjectDeclaration(id="p")).findings == ()
    assert str(ruleset.params["limits"].type) == "list of number"
    assert ruleset.format_param("words") == "一批"


# --- lets before 'for each': computed once, visible in the loop -----------------------------


def test_lets_before_for_each_are_shared_by_every_element():
    ruleset = _ruleset(
        'rule B09 "t"\n  severity info\n'
        '  let names = indicators select normalize(name)\n'
        '  let repeated = duplicates(names)\n'
        '  for each i in indicators where normalize(i.name) in repeated\n'
        '  let key = join([normalize(i.name), i.value.text], "|")\n'
        '  message "{key} of {count(names)}"\n'
    )
    declaration = ProjectDeclaration(id="p", indicators=(
        _indicator("培训", "3次"), _indicator("指标2: 培训", "5次"), _indicator("活动", "1次")))
    findings = ruleset.check(declaration).findings
    assert [(f.path, f.message) for f in findings] == [
        ("indicators[0]", "培训|3次 of 3"), ("indicators[1]", "培训|5次 of 3")]
    assert [name for name, _ in findings[0].evidence] == ["key"]  # the shared lets are not


def test_a_batch_rule_computes_its_shared_lets_once_for_the_batch():
    ruleset = _ruleset(
        'rule B08 "t"\n  severity info\n  applies to batch\n'
        '  let shared = duplicates(declarations select distinct(it.goals))\n'
        '  for each d in declarations where count(d.goals where it in shared) > 0\n'
        '  message "{d.name}"\n'
    )
    forms = [ProjectDeclaration(id=f"p{k}", name=f"项目{k}", goal=goal)
             for k, goal in enumerate(["开展培训3次", "开展培训3次", "修路5公里"])]
    reports = ruleset.check_batch(forms)
    assert [[f.message for f in report.findings] for report in reports] == [
        ["项目0"], ["项目1"], []]


def test_only_lets_may_come_before_for_each():
    assert _errors('rule B07 "t"\n  severity info\n  when count(indicators) > 0\n'
                   '  for each i in indicators\n  message "m"\n') == [
        "4:3: 'for each' must come first in a rule (only 'let' may come before it)"]


# --- invariant work inside loops is done once per run ----------------------------------------


def _counting_registry(calls: list[str]):
    from indicator_rules import TEXT, FunctionRegistry

    registry = FunctionRegistry()

    def frame(name: str) -> str:
        calls.append(name)
        if name == "boom":
            raise ValueError("boom")
        return "hunan"
    registry.register("frame", [TEXT], TEXT, frame, "counts its calls")
    return registry


def test_a_call_that_does_not_depend_on_the_element_runs_once_per_declaration():
    calls: list[str] = []
    ruleset = load_ruleset_text(
        'rule S04 "t"\n  severity info\n  for each i in indicators\n'
        '  let frame = frame(declaration.name)\n  require frame == "hunan" and i.name != "x"\n'
        '  message "{i.name} {frame}"\n', name="t.rules", functions=_counting_registry(calls))
    declaration = ProjectDeclaration(id="p", name="培训", indicators=tuple(
        _indicator(name) for name in ("a", "x", "c", "x")))
    findings = ruleset.check(declaration).findings
    assert [f.path for f in findings] == ["indicators[1]", "indicators[3]"]
    assert calls == ["培训"]
    ruleset.check(declaration)
    assert calls == ["培训", "培训"]  # remembered for one run only


def test_a_remembered_call_is_still_only_made_when_reached():
    calls: list[str] = []
    ruleset = load_ruleset_text(
        'rule S04 "t"\n  severity info\n  for each i in indicators where false and '
        'frame(declaration.name) == "x"\n  message "{i.name}"\n',
        name="t.rules", functions=_counting_registry(calls))
    report = ruleset.check(ProjectDeclaration(id="p", name="boom",
                                              indicators=(_indicator("a"),)))
    assert report.findings == ()
    assert calls == []
