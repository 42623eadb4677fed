"""Property tests of the baseline's batch rules, which compare forms with each other (a single
mutation changes one declaration, so these draw a whole batch): no finding on a clean batch,
and the rule fires on the declaration the defect is about."""

from __future__ import annotations

from decimal import Decimal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator_rules import (
    Declaration,
    DepartmentDeclaration,
    Funding,
    ProjectDeclaration,
    Report,
    Ruleset,
)
from indicator_rules.testing import department_declarations, project_declarations, themes
from tests.testing.conftest import mutation_examples


@st.composite
def _unit_batches(draw: st.DrawFn) -> list[Declaration]:
    """A department form and two project forms (of two kinds of project: forms of one kind are
    written alike) of the same unit and year, clean together: the projects add up to at most
    the department's 项目支出."""
    department = draw(department_declarations(profile="hunan", year=2021))
    spending = department.funding.project
    assert spending is not None
    projects = []
    kinds = draw(st.lists(themes(), min_size=2, max_size=2, unique_by=lambda t: t.project))
    for share, theme in zip((Decimal("0.4"), Decimal("0.3")), kinds, strict=True):
        total = (spending * share).quantize(Decimal("0.01"))
        project = draw(project_declarations(profile="hunan", year=2021, theme=theme,
                                            funding=Funding(total=total, fiscal=total)))
        projects.append(attrs.evolve(project, budget_unit=department.name))
    return [department, *projects]


def _found(reports: list[Report], rule_id: str) -> list[tuple[int, str]]:
    return [(index, f.rule_id) for index, report in enumerate(reports) for f in report.findings
            if f.rule_id == rule_id]


@settings(max_examples=mutation_examples())
@given(_unit_batches())
def test_x07_is_quiet_on_a_clean_batch_and_fires_when_the_projects_exceed(
        baseline: Ruleset, batch: list[Declaration]):
    assert _found(baseline.check_batch(batch), "X07") == []
    department, first, second = batch
    assert isinstance(department, DepartmentDeclaration)
    assert isinstance(first, ProjectDeclaration)
    spending = department.funding.project
    assert spending is not None
    over = attrs.evolve(first, funding=Funding(total=spending, fiscal=spending))
    reports = baseline.check_batch([department, over, second])
    assert _found(reports, "X07") == [(0, "X07")]  # in the department's report


@settings(max_examples=mutation_examples())
@given(_unit_batches())
def test_b02_fires_on_both_forms_when_one_copies_the_others_goal(
        baseline: Ruleset, batch: list[Declaration]):
    _, first, second = batch  # two projects of two kinds (a department shares rows with them)
    assert isinstance(first, ProjectDeclaration)
    assert isinstance(second, ProjectDeclaration)
    assert _found(baseline.check_batch([first, second]), "B02") == []
    copied = attrs.evolve(second, goal=first.goal)
    assert _found(baseline.check_batch([first, copied]), "B02") == [(0, "B02"), (1, "B02")]
