"""Every baseline rule has a property: it fires on its mutation, at the mutated place and
nowhere else, and no rule outside the mutation's ``also`` fires anew. (That no baseline rule
fires on a clean declaration is test_strategies.test_every_drawn_declaration_is_clean….)"""

from __future__ import annotations

import pytest
from hypothesis import Phase, find, settings

from indicator_rules import Ruleset
from indicator_rules.testing import (
    MUTATIONS,
    NOT_MUTATED,
    Mutation,
    check_mutation,
    mutation,
    mutation_test,
)

from .conftest import mutation_examples


@pytest.mark.parametrize("kind", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_the_mutation_is_caught_by_its_rules(baseline: Ruleset, kind: Mutation):
    mutation_test(baseline, kind, settings=settings(max_examples=mutation_examples()))()


def test_every_baseline_rule_is_targeted_or_listed_with_a_reason(baseline: Ruleset):
    targeted = {rule_id for m in MUTATIONS for rule_id in m.rule_ids}
    rules = {info.rule_id for info in baseline.rules}
    assert rules - targeted == set(NOT_MUTATED)
    assert all(reason.strip() for reason in NOT_MUTATED.values())
    assert targeted <= rules  # no mutation names a rule the baseline lacks
    assert {rule_id for m in MUTATIONS for rule_id in m.also} <= rules | {"HY01"}


def test_mutation_names_are_unique_and_looked_up():
    names = [m.name for m in MUTATIONS]
    assert len(set(names)) == len(names)
    assert mutation("blank-value").rule_ids == ("V01",)
    with pytest.raises(KeyError, match="known: blank-name"):
        mutation("no-such-defect")


def test_a_disabled_rule_misses_its_mutation(hengyang: Ruleset):
    """Under hunan-hengyang (C04 disabled) the C04 mutation of a mof2021 form goes unreported:
    the property is false, and hypothesis finds a small counterexample."""
    kind = mutation("irregular-cost-level2")
    mutated = find(kind.examples(year=2021),
                   lambda m: not check_mutation(hengyang, kind, m).ok,
                   settings=settings(max_examples=50, database=None,
                                     phases=[Phase.generate, Phase.shrink]))
    result = check_mutation(hengyang, kind, mutated)
    assert result.missing == ("C04",)
    assert "did not fire at the defect: C04" in result.explain()
    # shrinking: one activity, its 4 rows, one benefit and one satisfaction row
    assert len(mutated.declaration.indicators) == 6


def test_shrinking_reports_a_small_declaration(hengyang: Ruleset):
    """A failing property prints the smallest declaration hypothesis could find."""
    quick = settings(max_examples=30, database=None, phases=[Phase.generate, Phase.shrink])
    test = mutation_test(hengyang, mutation("irregular-cost-level2"), year=2021,
                         settings=quick)
    with pytest.raises(AssertionError) as failure:
        test()
    text = str(failure.value)
    assert "did not fire at the defect: C04" in text
    assert text.count('"level1"') == 6  # the smallest declaration: six indicator rows
