"""The assertion helpers say what went wrong."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator_rules import Indicator, IndicatorValue, ProjectDeclaration, Ruleset, Severity
from indicator_rules.testing import (
    assert_clean,
    assert_fires,
    check_mutation,
    located_at,
    mutation,
)


def test_located_at():
    assert located_at("indicators[4].value", "indicators[4].value")
    assert located_at("indicators[4]", "indicators[4].value")
    assert located_at("indicators[4].value", "indicators[4]")
    assert located_at("", "indicators[4].value")  # a finding about the whole form
    assert not located_at("indicators[4].value", "indicators[1].value")
    assert not located_at("indicators[41]", "indicators[4]")
    assert not located_at("goal", "")


BLANK = ProjectDeclaration(
    name="培训经费", year=2021, indicators=(Indicator(level1="产出指标", level2="数量指标",
                                                     name="培训期数", value=IndicatorValue()),))


def test_assert_fires_finds_the_rule_at_its_path(baseline: Ruleset):
    [hit] = assert_fires(baseline, "V01", BLANK, path="indicators[0].value")
    assert hit.path == "indicators[0].value"
    with pytest.raises(AssertionError, match="V01 did not fire at indicators"):
        assert_fires(baseline, "V01", BLANK, path="indicators[3]")
    with pytest.raises(AssertionError, match="M02 did not fire"):
        assert_fires(baseline, "M02", BLANK)


def test_assert_clean_lists_the_findings(baseline: Ruleset):
    with pytest.raises(AssertionError, match=r"V01 \[error\] at indicators\[0\]\.value"):
        assert_clean(baseline, BLANK)
    with pytest.raises(AssertionError, match="A01"):
        assert_clean(baseline, BLANK, at_least=Severity.INFO)


@settings(max_examples=10)
@given(data=st.data())
def test_check_mutation_names_unexpected_rules(baseline: Ruleset, data):
    """A mutation that claims the wrong rule fails, naming the rule that did fire."""
    kind = mutation("blank-value")
    wrong = attrs.evolve(kind, name="claims-m02", rule_ids=("M02",))
    example = data.draw(kind.examples())
    result = check_mutation(baseline, wrong, example)
    assert not result.ok
    assert result.missing == ("M02",)
    assert "V01" in {finding.rule_id for finding in result.unexpected}
