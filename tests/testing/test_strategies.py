"""The strategies draw clean, realistic declarations; their knobs work and are checked."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from indicator_rules import (
    DepartmentDeclaration,
    Funding,
    ProjectDeclaration,
    Ruleset,
    Severity,
    parse_value,
)
from indicator_rules.taxonomy import PROFILES, canonical_level1, canonical_level2, guess_profile
from indicator_rules.testing import (
    PROFILE_NAMES,
    ValueSample,
    assert_clean,
    declarations,
    department_declarations,
    indicator_values,
    indicators,
    project_declarations,
    register_type_strategies,
)


@given(declarations())
def test_every_drawn_declaration_is_clean_for_the_baseline(baseline: Ruleset, declaration):
    """No false positive of any baseline rule (not even info) on a clean declaration."""
    assert_clean(baseline, declaration, at_least=Severity.INFO)


@given(declarations(year=2021))
def test_the_bureau_finds_only_its_profile_in_2021_forms(hengyang: Ruleset, declaration):
    """hunan-hengyang forces the hunan profile: on a hunan form of its budget year it finds
    nothing; on the others only where the profiles differ (S04, S03, C01)."""
    [report] = hengyang.check_batch([declaration])
    rules = {finding.rule_id for finding in report.active}
    if guess_profile([(i.level1, i.level2) for i in declaration.indicators]) == "hunan":
        assert rules == set()
    else:
        assert rules <= {"S04", "S03", "C01"}


@pytest.mark.parametrize("profile", PROFILE_NAMES)
@settings(max_examples=30)
@given(data=st.data())
def test_levels_are_the_profiles_real_names(profile, data):
    declaration = data.draw(declarations(profile=profile))
    tree = PROFILES[profile].tree
    pairs = [(i.level1, i.level2) for i in declaration.indicators]
    for level1, level2 in pairs:
        assert canonical_level2(level2) in tree[canonical_level1(level1) or ""]
    assert guess_profile(pairs) == profile


@given(project_declarations(funding=Funding(total=Decimal("40.00"), fiscal=Decimal("30.00"),
                                            other=Decimal("10.00")), year=2023, min_activities=2))
def test_fixed_parts_are_kept_and_the_costs_add_up(declaration: ProjectDeclaration):
    assert declaration.funding.total == Decimal("40.00")
    assert declaration.year == 2023
    costs = [i for i in declaration.indicators if "成本" in i.level1 + i.level2]
    assert len(costs) >= 2
    assert sum(i.value.parsed.amount_in_wan() or 0 for i in costs) == Decimal("40.00")


@given(department_declarations(max_activities=1))
def test_a_department_form_has_its_tasks_goals_and_contact(declaration: DepartmentDeclaration):
    assert len(declaration.tasks) == 1 == len(declaration.goals)
    assert declaration.funding.project == declaration.tasks[0].funding.total
    assert declaration.contact.head
    assert declaration.duties


@given(indicator_values())
def test_indicator_values_parse_to_what_they_say(sample: ValueSample):
    parsed = parse_value(sample.text)
    if sample.kind == "grade":
        assert parsed.grade == sample.grade
    elif sample.kind == "deadline":
        assert parsed.deadline == sample.deadline
        assert not parsed.targets
    else:
        [target] = parsed.targets
        assert (target.comparator, target.number, target.unit, target.period) == (
            sample.comparator, sample.number, sample.unit, sample.period)


@given(indicators())
def test_single_indicators_are_measurable(indicator):
    parsed = indicator.value.parsed
    assert parsed.quantified or parsed.graded or parsed.dated
    assert canonical_level1(indicator.level1)
    assert canonical_level2(indicator.level2)


@pytest.mark.parametrize("strategy", [
    lambda: project_declarations(profile="mof2099"),  # type: ignore[arg-type]
    lambda: project_declarations(year=21),
    lambda: project_declarations(min_activities=3, max_activities=2),
    lambda: project_declarations(funding=Funding(total=Decimal(40), fiscal=Decimal(30))),
    lambda: department_declarations(max_activities=9),
    lambda: declarations(kind="batch"),  # type: ignore[arg-type]
    lambda: indicator_values(kind="colour"),  # type: ignore[arg-type]
    lambda: indicators(role="input"),  # type: ignore[arg-type]
])
def test_bad_arguments_raise_when_drawn_not_when_built(strategy):
    built = strategy()  # building never raises

    @given(built)
    def draw(_):
        pass

    with pytest.raises(InvalidArgument):
        draw()


def test_from_type_draws_clean_declarations(baseline: Ruleset):
    register_type_strategies()

    @settings(max_examples=10)
    @given(st.from_type(ProjectDeclaration), st.from_type(DepartmentDeclaration))
    def check(project, department):
        assert_clean(baseline, project)
        assert_clean(baseline, department)

    check()
