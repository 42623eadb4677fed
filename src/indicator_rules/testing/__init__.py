"""Property-testing rulesets: hypothesis strategies, defect mutators and a coverage matrix.

- :mod:`~indicator_rules.testing.strategies` — clean declarations and their parts:
  :func:`project_declarations`, :func:`department_declarations`, :func:`declarations`,
  :func:`indicators`, :func:`indicator_values` (指标值 text with what it should parse to);
- :mod:`~indicator_rules.testing.mutations` — :class:`Mutation` s that inject one defect each,
  tied to the catalog rules that should catch it (:data:`MUTATIONS`, :func:`mutation`);
- :mod:`~indicator_rules.testing.checks` — :func:`assert_fires`, :func:`assert_clean`,
  :func:`check_mutation` and :func:`mutation_test`;
- :mod:`~indicator_rules.testing.coverage` — :func:`coverage_matrix`, the table behind
  ``indicator-rules coverage``.

Needs hypothesis (a test extra). See docs/testing.md.
"""

from __future__ import annotations

from indicator_rules.testing.checks import (
    MutationCheck,
    assert_clean,
    assert_fires,
    check_mutation,
    findings_of,
    located_at,
    mutation_test,
    new_findings,
)
from indicator_rules.testing.coverage import CoverageRow, coverage_matrix, render_coverage
from indicator_rules.testing.mutations import (
    MUTATIONS,
    NOT_MUTATED,
    Mutated,
    Mutation,
    mutation,
    mutations,
)
from indicator_rules.testing.strategies import (
    PROFILE_NAMES,
    ValueSample,
    declarations,
    department_declarations,
    indicator_values,
    indicators,
    project_declarations,
    register_type_strategies,
    themes,
)

__all__ = [
    "MUTATIONS",
    "NOT_MUTATED",
    "PROFILE_NAMES",
    "CoverageRow",
    "Mutated",
    "Mutation",
    "MutationCheck",
    "ValueSample",
    "assert_clean",
    "assert_fires",
    "check_mutation",
    "coverage_matrix",
    "declarations",
    "department_declarations",
    "findings_of",
    "indicator_values",
    "indicators",
    "located_at",
    "mutation",
    "mutation_test",
    "mutations",
    "new_findings",
    "project_declarations",
    "register_type_strategies",
    "render_coverage",
    "themes",
]

