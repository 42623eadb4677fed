"""The taxonomy profiles and the alias table (REFERENCE.md §a1)."""

from __future__ import annotations

import pytest

from indicator_rules.taxonomy import (
    LEVEL1_NAMES,
    PROFILES,
    canonical_level1,
    canonical_level2,
    guess_profile,
    missing_level1,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("完成指标", "产出指标"), ("产出指标", "产出指标"), ("产出", "产出指标"),
     (" 成本指标 ", "成本指标"), ("满意度", "满意度指标"), ("党建指标", None), ("", None)],
)
def test_level1_aliases(written, expected):
    assert canonical_level1(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("环境效益指标", "生态效益指标"), ("环境效益", "生态效益指标"),
     ("社会公众或服务对象满意度指标", "服务对象满意度指标"),
     ("服务对象满意度", "服务对象满意度指标"),
     ("数量", "数量指标"), ("可持续影响", "可持续影响指标"), ("经济成本指标", "经济成本指标"),
     ("指标 1: 培训", None)],
)
def test_level2_aliases(written, expected):
    assert canonical_level2(written) == expected


def test_every_profile_child_is_a_known_level2_and_every_parent_a_known_level1():
    for profile in PROFILES.values():
        for level1, children in profile.tree.items():
            assert level1 in LEVEL1_NAMES
            assert all(canonical_level2(child) == child for child in children)
            assert all(level1 in profile.parents_of(child) for child in children)


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("产出指标", "数量指标"), ("成本指标", "经济成本指标")], "mof2021"),
        ([("完成指标", "数量指标")], "hunan"),
        ([("效益指标", "社会公众或服务对象满意度指标")], "hunan"),
        ([("产出指标", "成本指标"), ("满意度指标", "服务对象满意度指标")], "mof2015"),
        ([("产出指标", "数量指标")], "mof2021"),
    ],
)
def test_guess_profile(pairs, expected):
    assert guess_profile(pairs) == expected


def test_missing_level1_counts_satisfaction_under_benefit_only_in_hunan():
    pairs = [("产出指标", "数量指标"), ("效益指标", "社会公众或服务对象满意度指标")]
    assert missing_level1(PROFILES["hunan"], "project", pairs) == []
    assert missing_level1(PROFILES["mof2015"], "project", pairs) == ["满意度指标"]
    assert missing_level1(PROFILES["mof2021"], "project", pairs) == ["成本指标", "满意度指标"]
    assert missing_level1(PROFILES["hunan"], "department", [("完成指标", "数量指标")]) == [
        "效益指标"
    ]


def test_hunan_allows_satisfaction_under_benefit_and_as_its_own_level1():
    assert PROFILES["hunan"].parents_of("服务对象满意度指标") == ("效益指标", "满意度指标")
    assert PROFILES["mof2021"].parents_of("服务对象满意度指标") == ("满意度指标",)
    assert PROFILES["mof2021"].parents_of("成本指标") == ()
