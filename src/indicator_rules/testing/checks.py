"""Assertions for rule tests, and the check behind every mutation property.

- :func:`assert_fires` — a rule reports a declaration (at a path, when given);
- :func:`assert_clean` — nothing at or above a severity is reported;
- :func:`check_mutation` — after a mutation, its rules fire at the mutated place and nowhere
  else, and no rule outside the mutation's ``also`` fires anew; returns a
  :class:`MutationCheck` whose ``ok`` says so and whose ``explain()`` says why not;
- :func:`mutation_test` — the hypothesis test of that for every clean declaration.

Declarations are checked as a batch of one (:meth:`Ruleset.check_batch`), so a batch rule's
single-declaration part (B02's boilerplate) runs too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs
import hypothesis
from hypothesis import given

from indicator_rules.findings import Finding, Severity
from indicator_rules.model import Declaration
from indicator_rules.ruleset import Ruleset
from indicator_rules.serialize import dumps_declarations
from indicator_rules.testing.mutations import Mutated, Mutation

__all__ = [
    "MutationCheck",
    "assert_clean",
    "assert_fires",
    "check_mutation",
    "findings_of",
    "located_at",
    "mutation_test",
    "new_findings",
]

_INDEXED = re.compile(r"^(indicators|tasks)\[(\d+)\]")


def findings_of(ruleset: Ruleset, declaration: Declaration) -> tuple[Finding, ...]:
    """Every unwaived finding of ``ruleset`` on ``declaration`` (checked as a batch of one)."""
    [report] = ruleset.check_batch([declaration])
    return report.active


def located_at(finding_path: str, defect_path: str) -> bool:
    """Whether a finding at ``finding_path`` points at a defect at ``defect_path``.

    The same path, or one inside the other (a finding at ``indicators[4]`` is at a defect in
    ``indicators[4].value``, and the other way round). A finding about the whole declaration
    (``""``) is at every defect: such a rule cannot say more.
    """
    if not finding_path or finding_path == defect_path:
        return True
    inner, outer = sorted((finding_path, defect_path), key=len, reverse=True)
    return inner.startswith(outer) and inner[len(outer)] in ".["


def _describe(findings: tuple[Finding, ...]) -> str:
    return "\n".join(f"  {f.rule_id} [{f.severity.name.lower()}] at {f.path or '(form)'}: "
                     f"{f.message}" for f in findings) or "  (none)"


def assert_fires(ruleset: Ruleset, rule_id: str, declaration: Declaration,
                 path: str | None = None) -> tuple[Finding, ...]:
    """Assert that rule ``rule_id`` reports ``declaration`` (at ``path``, when given, in the
    sense of :func:`located_at`); returns its findings there."""
    found = findings_of(ruleset, declaration)
    hits = tuple(f for f in found if f.rule_id == rule_id
                 and (path is None or located_at(f.path, path)))
    if not hits:
        where = f" at {path}" if path is not None else ""
        raise AssertionError(f"{rule_id} did not fire{where}; findings:\n{_describe(found)}")
    return hits


def assert_clean(ruleset: Ruleset, declaration: Declaration,
                 at_least: Severity = Severity.WARNING) -> None:
    """Assert that no unwaived finding at ``at_least`` or worse (and no rule error) is
    reported; the message lists what was, and the declaration as JSON."""
    found = tuple(f for f in findings_of(ruleset, declaration)
                  if f.severity >= at_least or f.kind == "rule-error")
    if found:
        raise AssertionError(f"{len(found)} finding(s) on a declaration expected clean:\n"
                             f"{_describe(found)}\n{dumps_declarations([declaration])}")


def _locations(declaration: Declaration) -> Callable[[Finding], tuple[str, str, object]]:
    """A key of a finding that survives rows being added or removed around it: the path with
    its indicator or task index replaced by the identity of that row object (a mutation
    rebuilds only the rows it changes)."""
    def key(finding: Finding) -> tuple[str, str, object]:
        match = _INDEXED.match(finding.path)
        if match is None:
            return (finding.rule_id, finding.item, finding.path)
        rows = getattr(declaration, match.group(1))
        index = int(match.group(2))
        row = id(rows[index]) if index < len(rows) else match.group(0)
        return (finding.rule_id, finding.item, (row, finding.path[match.end():]))

    return key


def new_findings(ruleset: Ruleset, mutated: Mutated) -> tuple[Finding, ...]:
    """The findings on the mutated declaration that the original did not have.

    A finding is old when the original had one of the same rule and item at the same row
    object (so that rows moved by an inserted or deleted row do not count as new) or at the
    same path (so that a row the mutation rebuilt, still reported for what it was reported
    before, does not count as new either).
    """
    before_key, after_key = _locations(mutated.original), _locations(mutated.declaration)
    original = findings_of(ruleset, mutated.original)
    before = {before_key(f) for f in original} | {(f.rule_id, f.item, f.path) for f in original}
    return tuple(f for f in findings_of(ruleset, mutated.declaration)
                 if after_key(f) not in before and (f.rule_id, f.item, f.path) not in before)


@attrs.frozen(kw_only=True)
class MutationCheck:
    """What the ruleset made of a mutated declaration.

    ``at_defect`` are the findings of the mutation's rules at the defect; ``missing`` the rules
    of the mutation that did not fire there (disabled ones included); ``elsewhere`` findings of
    the mutation's rules at other places; ``unexpected`` new findings of rules outside the
    mutation's rules and ``also``; ``errors`` rule errors.
    """

    mutation: Mutation
    mutated: Mutated
    at_defect: tuple[Finding, ...]
    missing: tuple[str, ...]
    elsewhere: tuple[Finding, ...]
    unexpected: tuple[Finding, ...]
    errors: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """Every rule of the mutation fired at the defect, and nothing else went wrong."""
        return not (self.missing or self.elsewhere or self.unexpected or self.errors)

    def explain(self) -> str:
        """Why the check failed (or ``ok``), with the mutated declaration as JSON."""
        if self.ok:
            return "ok"
        lines = [f"mutation {self.mutation.name} ({self.mutation.title}) at "
                 f"{', '.join(p or '(form)' for p in self.mutated.paths)}"]
        if self.missing:
            lines.append(f"did not fire at the defect: {', '.join(self.missing)}")
        for label, found in (("fired elsewhere", self.elsewhere),
                             ("unexpected new findings", self.unexpected),
                             ("rule errors", self.errors)):
            if found:
                lines += [f"{label}:", _describe(found)]
        lines.append(dumps_declarations([self.mutated.declaration]))
        return "\n".join(lines)


def check_mutation(ruleset: Ruleset, mutation: Mutation, mutated: Mutated) -> MutationCheck:
    """Check ``mutated`` (made by ``mutation``) with ``ruleset``; see :class:`MutationCheck`."""
    fresh = new_findings(ruleset, mutated)
    targeted = set(mutation.rule_ids)

    def at_defect(finding: Finding) -> bool:
        return any(located_at(finding.path, path) for path in mutated.paths)

    hits = tuple(f for f in fresh if f.rule_id in targeted and at_defect(f))
    return MutationCheck(
        mutation=mutation, mutated=mutated, at_defect=hits,
        missing=tuple(r for r in mutation.rule_ids if r not in {f.rule_id for f in hits}),
        elsewhere=tuple(f for f in fresh if f.rule_id in targeted and not at_defect(f)),
        unexpected=tuple(f for f in fresh if f.rule_id not in targeted | mutation.also
                         and f.kind == "finding"),
        errors=tuple(f for f in fresh if f.kind == "rule-error"),
    )


def mutation_test(ruleset: Ruleset | Callable[[], Ruleset], mutation: Mutation, *,
                  year: int | None = None,
                  settings: hypothesis.settings | None = None) -> Callable[[], None]:
    """The hypothesis test "for every clean declaration, after ``mutation``, its rules fire at
    the mutated place and nowhere else": call the result (it is a test function).

    ``ruleset`` may be a callable (a fixture's loader), called once when the test runs.
    ``year`` fixes the drawn declarations' 年度 (a bureau's ruleset may accept one budget year
    only); ``settings`` (e.g. ``settings(max_examples=20)``) apply on top of the active
    profile. A failure shows the smallest mutated declaration hypothesis found, as JSON, with
    what fired and what did not.
    """
    def run() -> None:
        loaded = ruleset() if callable(ruleset) else ruleset

        @given(mutation.examples(year=year))
        def prop(mutated: Mutated) -> None:
            result = check_mutation(loaded, mutation, mutated)
            assert result.ok, result.explain()

        if settings is not None:
            prop = settings(prop)
        prop()

    run.__name__ = f"test_mutation_{mutation.name.replace('-', '_')}"
    return run
