"""The operators' meaning, written out as tables independent of the implementation.

The compiler and the reference interpreter share :mod:`indicator_rules.dsl.semantics`, so the
differential test cannot catch a wrong operator in it. These tables are the documented semantics
(docs/dsl.md, *Null and empty lists* and *Expressions*) typed by hand, checked through the whole
language: each row is a rule whose ``require`` holds the expression, run on one declaration.
A rule passes only when its condition is true, so each row says what the result is: true, false,
or null (reported as a finding whose evidence says the condition could not be decided).
"""

from __future__ import annotations

import pytest

from indicator_rules import ProjectDeclaration
from indicator_rules.ruleset import load_ruleset_text

T, F, N = "true", "false", "null"

# Kleene's three-valued logic, as docs/dsl.md states it.
AND = {(T, T): T, (T, F): F, (T, N): N, (F, T): F, (F, F): F, (F, N): F,
       (N, T): N, (N, F): F, (N, N): N}
OR = {(T, T): T, (T, F): T, (T, N): T, (F, T): T, (F, F): F, (F, N): N,
      (N, T): T, (N, F): N, (N, N): N}
NOT = {T: F, F: T, N: N}

# A null boolean: comparing with a null amount (the declaration's blank 资金总额).
NULL_BOOL = "(funding.total > 0)"
WRITE = {T: "true", F: "false", N: NULL_BOOL}

EXPRESSIONS: list[tuple[str, str]] = [
    *[(f"({WRITE[a]}) and ({WRITE[b]})", result) for (a, b), result in AND.items()],
    *[(f"({WRITE[a]}) or ({WRITE[b]})", result) for (a, b), result in OR.items()],
    *[(f"not ({WRITE[a]})", result) for a, result in NOT.items()],
    # arithmetic and comparison with a null operand are null; == null tests for null
    ("funding.total + 1万元 > 0", N),
    ("funding.total == null", T),
    ("funding.total != null", F),
    ("(funding.total ?? 5万元) == 5万元", T),
    # tolerance: == is |a-b| <= t; <= is a <= b + t; >= is a >= b - t; < is a < b - t; > a > b + t
    ("10.01万元 == 10万元 within 0.01万元", T),
    ("10.02万元 == 10万元 within 0.01万元", F),
    ("10.02万元 != 10万元 within 0.01万元", T),
    ("10.01万元 <= 10万元 within 0.01万元", T),
    ("10.02万元 <= 10万元 within 0.01万元", F),
    ("9.99万元 >= 10万元 within 0.01万元", T),
    ("9.98万元 >= 10万元 within 0.01万元", F),
    ("9.98万元 < 10万元 within 0.01万元", T),
    ("9.99万元 < 10万元 within 0.01万元", F),
    ("10.02万元 > 10万元 within 0.01万元", T),
    ("10.01万元 > 10万元 within 0.01万元", F),
    # exact decimals, percents and money kept apart only by type
    ("0.1 + 0.2 == 0.3", T),
    ("1 / 3 * 3 == 1", F),
    ("85% + 5% == 90%", T),
    ("20万元 / 4 == 5万元", T),
    ("-3 + 3 == 0", T),
    # membership, substrings, empty lists
    ('"一批" in "打造一批有影响力的品牌"', T),
    ('"若干" in ["一批", "若干"]', T),
    ('"若干" not in ["一批"]', T),
    ("funding.total in [1万元, 2万元]", N),
    ("all([])", T),
    ("all_nonempty([])", F),
    ("any([])", F),
    (f"all([true, {NULL_BOOL}])", N),
    (f"any([true, {NULL_BOOL}])", T),
    ("count([1, null, 3]) == 3", T),
    ("sum([1, null, 3]) == 4", T),
    ("sum([]) == 0", T),
    ("min([]) == null", T),
    ("max([2, null, 7]) == 7", T),
]


def _result(expression: str) -> str:
    ruleset = load_ruleset_text(
        f'rule R01 "t"\n  severity error\n  applies to project\n  require {expression}\n'
        '  message "m"\n', name="t.rules")
    (report,) = [ruleset.check(ProjectDeclaration(id="p"))]
    if not report.findings:
        return T
    (finding,) = report.findings
    assert finding.kind == "finding", finding.message
    undecided = any("含空值" in value for _, value in finding.evidence)
    return N if undecided else F


@pytest.mark.parametrize(("expression", "expected"), EXPRESSIONS)
def test_operators_mean_what_the_reference_says(expression: str, expected: str):
    assert _result(expression) == expected
