"""The rule coverage matrix: which rules of a ruleset catch which kinds of defect.

Every mutation of :data:`~indicator_rules.testing.mutations.MUTATIONS` is applied to clean
declarations drawn deterministically (hypothesis with ``derandomize=True``, no database), and
the rules that newly fire on each mutated declaration are counted. A defect kind no rule
catches is what a ruleset's customisations lost (a disabled rule, a raised threshold), or a gap
in the baseline. ``indicator-rules coverage RULESET`` prints :func:`render_coverage`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import attrs
from hypothesis import HealthCheck, Phase, given, settings

from indicator_rules.ruleset import Ruleset
from indicator_rules.testing.checks import new_findings
from indicator_rules.testing.mutations import MUTATIONS, NOT_MUTATED, Mutated, Mutation

__all__ = ["CoverageRow", "coverage_matrix", "render_coverage"]


@attrs.frozen(kw_only=True)
class CoverageRow:
    """One mutation kind: how many of its ``examples`` some rule caught (``caught``), and how
    often each rule fired anew on them (``rules``, rule id → examples)."""

    mutation: Mutation
    examples: int
    caught: int
    rules: dict[str, int]

    @property
    def targets_caught(self) -> int:
        """Examples on which one of the mutation's own rules fired anew."""
        return max((self.rules.get(rule_id, 0) for rule_id in self.mutation.rule_ids),
                   default=0)


def _draw(mutation: Mutation, examples: int, year: int | None) -> list[Mutated]:
    drawn: list[Mutated] = []

    @settings(max_examples=examples, database=None, derandomize=True, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(mutation.examples(year=year))
    def collect(mutated: Mutated) -> None:
        drawn.append(mutated)

    collect()
    return drawn


def coverage_matrix(ruleset: Ruleset, *, examples: int = 20, year: int | None = None,
                    mutations: Sequence[Mutation] = MUTATIONS) -> list[CoverageRow]:
    """Apply each mutation to ``examples`` clean declarations (the same ones on every run) and
    count the rules of ``ruleset`` that fire anew. ``year`` fixes the declarations' 年度."""
    rows = []
    for mutation in mutations:
        fired: Counter[str] = Counter()
        caught = 0
        drawn = _draw(mutation, examples, year)
        for mutated in drawn:
            rule_ids = {f.rule_id for f in new_findings(ruleset, mutated) if f.kind == "finding"}
            fired.update(rule_ids)
            caught += bool(rule_ids)
        rows.append(CoverageRow(mutation=mutation, examples=len(drawn), caught=caught,
                                rules=dict(sorted(fired.items()))))
    return rows


def render_coverage(ruleset: Ruleset, rows: Sequence[CoverageRow]) -> str:
    """The matrix as a text table: each defect kind, the rules it targets (marked when disabled
    or absent), how many examples were caught, and by which rules; then the uncaught kinds and
    the enabled rules that caught nothing."""
    enabled = {info.rule_id for info in ruleset.rules if not info.disabled}
    disabled = {info.rule_id: info.disabled for info in ruleset.rules if info.disabled}

    def target(rule_id: str) -> str:
        if rule_id in disabled:
            return f"{rule_id}(停用)"
        return rule_id if rule_id in enabled else f"{rule_id}(无)"

    table = [("缺陷类型 mutation", "目标规则", "检出", "由哪些规则检出（次数）")]
    for row in rows:
        by = "  ".join(f"{rule_id}×{times}" for rule_id, times in row.rules.items()) or "—"
        table.append((f"{row.mutation.name} {row.mutation.title}",
                      ",".join(target(rule_id) for rule_id in row.mutation.rule_ids),
                      f"{row.caught}/{row.examples}", by))
    widths = [max(_width(line[column]) for line in table) for column in range(3)]
    lines = [f"规则集 {ruleset.name}：{len(rows)} 种缺陷，每种 {rows[0].examples if rows else 0} "
             f"份申报表（固定种子）", ""]
    for line in table:
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(line[:3]))
                     + "  " + line[3])
    uncaught = [row for row in rows if row.caught == 0]
    missed = [row for row in rows if row.targets_caught < row.examples and row.caught]
    lines += ["", "没有任何规则检出的缺陷类型（uncaught）："
              + ("无" if not uncaught else "")]
    lines += [f"  {row.mutation.name} {row.mutation.title}（目标 "
              f"{','.join(target(r) for r in row.mutation.rule_ids)}）" for row in uncaught]
    if missed:
        lines.append("目标规则未全部检出、由其他规则检出的缺陷类型：")
        lines += [f"  {row.mutation.name}：目标规则检出 {row.targets_caught}/{row.examples}"
                  for row in missed]
    firing = {rule_id for row in rows for rule_id in row.rules}
    idle = sorted(enabled - firing)
    lines.append("没有检出任何缺陷的启用规则：" + ("无" if not idle else "、".join(
        f"{rule_id}（{NOT_MUTATED[rule_id]}）" if rule_id in NOT_MUTATED else rule_id
        for rule_id in idle)))
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
