"""The coverage matrix: the baseline catches every kind of defect; the bureau's disabled C04
shows as a kind nobody catches; the command prints it."""

from __future__ import annotations

import pytest

from indicator_rules import Ruleset
from indicator_rules.cli import main
from indicator_rules.testing import MUTATIONS, coverage_matrix, mutation, render_coverage


def test_the_baseline_catches_every_kind_of_defect(baseline: Ruleset):
    rows = coverage_matrix(baseline, examples=3)
    assert [row.mutation for row in rows] == list(MUTATIONS)
    assert [row.mutation.name for row in rows if row.caught < row.examples] == []
    assert [row.mutation.name for row in rows if row.targets_caught < row.examples] == []
    text = render_coverage(baseline, rows)
    assert "没有任何规则检出的缺陷类型（uncaught）：无" in text


def test_the_bureau_loses_c04(hengyang: Ruleset):
    kinds = [mutation("irregular-cost-level2"), mutation("low-satisfaction")]
    rows = coverage_matrix(hengyang, examples=3, mutations=kinds)
    lost, kept = rows
    assert (lost.caught, lost.rules) == (0, {})
    assert kept.caught == 3
    assert kept.rules["M02"] == 3
    text = render_coverage(hengyang, rows)
    uncaught = text.split("（uncaught）：", 1)[1]
    assert "irregular-cost-level2" in uncaught
    assert "C04(停用)" in uncaught
    assert "low-satisfaction" not in uncaught


def test_the_matrix_is_the_same_on_every_run(baseline: Ruleset):
    kinds = [mutation("two-targets"), mutation("placeholder-name")]
    first = coverage_matrix(baseline, examples=4, mutations=kinds)
    again = coverage_matrix(baseline, examples=4, mutations=kinds)
    assert first == again


def test_the_coverage_command(capsys: pytest.CaptureFixture[str]):
    assert main(["coverage", "hunan-hengyang", "--examples", "1", "--year", "2021"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("规则集 hunan-hengyang：")
    assert "irregular-cost-level2 成本二级指标不规范（目标 C04(停用)）" in out
    assert main(["coverage", "mof-2021", "--examples", "0"]) == 2
    assert "--examples must be at least 1" in capsys.readouterr().err
