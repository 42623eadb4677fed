"""The engine: evaluates compiled rules over declarations and builds reports.

A rule that fails at run time (a plugin function raising, a division by zero) gives a finding of
kind ``rule-error`` for that rule and declaration; the other rules still run. Evaluation is
bounded: rules have no loops but ``for each``, ``where`` and ``select`` over finite lists, no
recursion, expressions are nested at most :data:`~indicator_rules.dsl.grammar.MAX_NESTING` deep,
and each run of a rule may visit at most :data:`~indicator_rules.dsl.semantics.MAX_STEPS` list
elements, make at most :data:`~indicator_rules.dsl.semantics.MAX_TEXT_CHARS` characters of text
and take at most :data:`~indicator_rules.dsl.semantics.RULE_SECONDS` seconds (a batch rule: each
times the declarations of the batch); regular expressions run linear or under that time budget
(:mod:`indicator_rules.dsl.patterns`). Running out of any is a ``rule-error`` finding.

Batch rules (``applies to batch``) run once over a batch of declarations (:func:`run_batch`);
each of their findings belongs to the declaration it is about and goes into that report.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from indicator_rules.dsl import checked as c
from indicator_rules.dsl.checker import BATCH_LISTS
from indicator_rules.dsl.compiler import (
    CONTEXT,
    Compiled,
    CompiledParts,
    Failure,
    Generated,
    Resolve,
    RulePlan,
    RuleRun,
    compile_rule_function,
    rebuild_rule_function,
)
from indicator_rules.dsl.hoister import hoist, new_slots
from indicator_rules.dsl.patterns import GuardedPattern
from indicator_rules.dsl.semantics import BUDGET, Budget
from indicator_rules.dsl.types import DslType, Kind, RuntimeContext
from indicator_rules.findings import Finding, Report, Severity
from indicator_rules.model import (
    MONEY_UNITS,
    Declaration,
    DepartmentDeclaration,
    Indicator,
    Waiver,
)
from indicator_rules.source import SourceRef

__all__ = ["DEFAULT_BUDGET", "CompiledRule", "RuleBlueprint", "compile_rule", "format_value",
           "rebuild_rule", "run_batch", "run_rules"]

_EVIDENCE_ITEMS = 5
_EVIDENCE_TEXT = 200


def format_value(value: Any, value_type: DslType) -> str:
    """A value as a reviewer reads it: money ``80.00 万元``, percent ``95%``, null ``（空）``."""
    return formatter(value_type)(value)


@functools.cache
def formatter(value_type: DslType) -> Callable[[Any], str]:
    """:func:`format_value` for values of one static type, chosen once per type (a compiled
    rule's findings format their message and evidence with these)."""
    kind = value_type.kind
    if kind is Kind.LIST and value_type.item is not None:
        item = formatter(value_type.item)

        def items(value: Any) -> str:
            if value is None:
                return "（空）"
            shown = [item(element) for element in value[:_EVIDENCE_ITEMS]]
            more = f" 等{len(value)}项" if len(value) > _EVIDENCE_ITEMS else ""
            return "、".join(shown) + more if shown else "（无）"
        return items
    if kind is Kind.RECORD:
        def record(value: Any) -> str:
            if value is None:
                return "（空）"
            name = getattr(value, "name", None) or getattr(value, "text", None)
            return f"「{name}」" if name else str(value_type)
        return record
    return _FORMATTERS.get(kind, _text)


def _money(value: Any) -> str:
    if value is None:
        return "（空）"
    text = f"{value:.2f}"
    return ("0.00" if text == "-0.00" else text) + " 万元"  # -0.004 rounds to 0


def _percent(value: Any) -> str:
    return "（空）" if value is None else f"{_plain(value)}%"


def _number(value: Any) -> str:
    return "（空）" if value is None else _plain(value)


def _bool(value: Any) -> str:
    return "（空）" if value is None else "是" if value else "否"


def _date(value: Any) -> str:
    return str(value.isoformat()) if isinstance(value, datetime.date) else _text(value)


def _text(value: Any) -> str:
    if value is None:
        return "（空）"
    text: str = value if value.__class__ is str else (
        str(value.pattern) if isinstance(value, re.Pattern | GuardedPattern) else str(value))
    return text if len(text) <= _EVIDENCE_TEXT else text[:_EVIDENCE_TEXT] + "…"


_FORMATTERS: dict[Kind, Callable[[Any], str]] = {
    Kind.MONEY: _money, Kind.PERCENT: _percent, Kind.NUMBER: _number, Kind.BOOL: _bool,
    Kind.DATE: _date,
}


def _plain(number: Decimal) -> str:
    """At most two decimals (half up), without trailing zeros: 1/3 → 0.33, 95.0 → 95; what
    rounds to zero is 0, never -0."""
    text = format(number, "f")  # as many decimals as the exponent says (none for a count)
    point = text.find(".")
    if point >= 0:
        if len(text) - point > 3:  # more than two decimals
            text = format(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text  # -0.004 rounds to 0


_UNDECIDED = (("条件", "无法判定（含空值）"),)  # the evidence of a condition that was null


@attrs.frozen(eq=False)
class _RuleFacts:
    """What a compiled rule and its blueprint both hold: what its findings say and where."""

    rule_id: str
    title: str
    severity: Severity
    applies_to: str | None
    rule_source: str
    at: tuple[str, ...]
    loop_type: DslType | None  # the type of the elements of the rule's loop; None: no loop
    loop_path: str | None


@attrs.frozen(eq=False)
class CompiledRule(_RuleFacts):
    """A rule ready to run: its generated function plus what findings need (id, severity,
    title, message …)."""

    run: RuleRun  # the failures in an environment (see dsl/compiler.py)
    #: by the number of the failing ``require`` (-1: a rule without one), what its finding
    #: shows: the ``let`` s bound before it, then the operands of the failed comparison
    shows: dict[int, Callable[[dict[str, Any]], tuple[tuple[str, str], ...]]]
    message_in: Callable[[dict[str, Any]], str]  # the message, placeholders filled from env
    severity_cases: tuple[tuple[Severity, Compiled], ...] = ()  # ``severity LEVEL when …``
    #: what makes this rule again without its tree (the compiled-ruleset cache)
    blueprint: RuleBlueprint | None = attrs.field(default=None, repr=False)

    @property
    def batch(self) -> bool:
        """Whether the rule checks a batch of declarations together (``applies to batch``)."""
        return self.applies_to == "batch"

    def applies(self, declaration: Declaration) -> bool:
        """Whether ``applies to`` admits this kind of declaration (batch rules never do)."""
        return self.applies_to is None or self.applies_to == declaration.kind

    def severity_in(self, env: dict[str, Any]) -> Severity:
        """The severity of a finding made in ``env``: the first ``severity … if`` that holds,
        else the rule's."""
        for severity, condition in self.severity_cases:
            if condition(env) is True:
                return severity
        return self.severity

    def evidence(self, step: int, value: Any, env: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        """What a finding shows: the ``let`` s bound before the failing ``require`` (number
        ``step``; -1: every ``let``), then the operands of the failed comparison, and a note
        when the condition was null."""
        evidence = self.shows[step](env)
        return evidence + _UNDECIDED if value is None and step >= 0 else evidence


@attrs.frozen(eq=False)
class RuleBlueprint(_RuleFacts):
    """A compiled rule as plain data: what :class:`CompiledRule` holds besides its functions,
    and the generated code they are made from (:func:`rebuild_rule`). It pickles."""

    evidence_steps: tuple[int, ...]  # the keys of CompiledRule.shows, in order
    case_levels: tuple[Severity, ...]  # the severities of the ``severity … if`` cases
    generated: Generated


_FACTS = tuple(field.name for field in attrs.fields(_RuleFacts))


def _assemble(blueprint: RuleBlueprint, made: CompiledParts) -> CompiledRule:
    return CompiledRule(
        **{fact: getattr(blueprint, fact) for fact in _FACTS},
        run=made.run,
        shows=dict(zip(blueprint.evidence_steps, made.evidence, strict=True)),
        message_in=made.message,
        severity_cases=tuple(zip(blueprint.case_levels, made.expressions, strict=True)),
        blueprint=blueprint,
    )


def rebuild_rule(blueprint: RuleBlueprint, resolve: Resolve) -> CompiledRule:
    """The rule of ``blueprint`` made again (in another process, say): its generated code run
    with each namespace value made from its recipe by ``resolve``."""
    return _assemble(blueprint, rebuild_rule_function(blueprint.generated, resolve))


def compile_rule(rule: c.CheckedRule, severity: Severity, *, flat: bool = False) -> CompiledRule:
    """Compile a checked rule with its severity; ``flat``: a ruleset re-mapped the severity, so
    the rule's ``severity … if`` cases no longer apply."""
    node = rule.node
    loop = rule.loop
    # names whose value stays the same for a whole run of the rule over one declaration (or
    # batch): what reads only these is computed once per run (see dsl/hoister.py)
    # batch: the batch's lists; before the loop: its lets. A name the loop or its lets bind
    # anew for each element is never invariant, even when it shadows one of those.
    invariant = frozenset({c.DECLARATION, CONTEXT, BUDGET,
                           *(BATCH_LISTS if node.applies_to == "batch" else ()),
                           *(bind.name for bind in rule.prelude)})
    if loop is None:  # each let is computed once, before what reads it
        invariant |= {step.name for step in rule.steps if isinstance(step, c.Bind)}
    else:
        invariant -= {loop.variable, *(name for name, _ in loop.conditions),
                      *(step.name for step in rule.steps if isinstance(step, c.Bind))}
    slots = new_slots()

    def hoisted(expression: c.Node, *, once: bool = False) -> c.Node:
        return hoist(expression, invariant, slots, repeated=loop is not None and not once)

    plan_steps: list[tuple[str, str, c.Node]] = []
    lets: list[tuple[str, c.Node]] = []  # bound so far, as evidence
    evidence: dict[int, list[tuple[str, c.Node]]] = {}
    for number, step in enumerate(rule.steps):
        if isinstance(step, c.Bind):
            plan_steps.append(("let", step.name, hoisted(step.value)))
            lets.append((step.name, c.Var(step.name, step.value.type, step.span)))
        elif isinstance(step, c.Guard):
            plan_steps.append(("when", "", hoisted(step.condition)))
        else:
            plan_steps.append(("require", "", hoisted(step.condition)))
            shown = {label for label, _ in lets}
            evidence[number] = [*lets, *((label, operand) for label, operand in step.operands
                                         if label not in shown)]
    every_match = not evidence
    if every_match:
        evidence[-1] = lets
    cases = () if flat else rule.severity_cases
    plan = RulePlan(
        label=f"rule {node.rule_id} {node.span.file}:{node.span.line}",
        prelude=tuple((bind.name, hoisted(bind.value, once=True)) for bind in rule.prelude),
        loop_base=hoisted(loop.base, once=True) if loop else None,
        loop_names=tuple(dict.fromkeys([loop.variable, *(name for name, _ in loop.conditions)]))
        if loop else (),
        loop_conditions=tuple(hoisted(cond) for _, cond in loop.conditions) if loop else (),
        steps=tuple(plan_steps),
        reports_every_match=every_match,
        model_list=loop is not None and (loop.base_path is not None or loop.over_declarations),
    )
    made = compile_rule_function(plan, rule.message, [condition for _, condition in cases],
                                 list(evidence.values()), format=formatter)
    blueprint = RuleBlueprint(
        rule_id=node.rule_id,
        title=node.title,
        severity=severity,
        applies_to=node.applies_to,
        rule_source=f"{node.span.file}:{node.span.line}",
        at=rule.at,
        loop_type=(loop.base.type.item or loop.base.type) if loop else None,
        loop_path=loop.base_path if loop else None,
        evidence_steps=tuple(evidence),
        case_levels=tuple(Severity.parse(level) for level, _ in cases),
        generated=made.generated,
    )
    return _assemble(blueprint, made)


def _source_of(obj: Any, fallback: SourceRef | None) -> SourceRef | None:
    source = getattr(obj, "source", None)
    return source if isinstance(source, SourceRef) else fallback


def _findings(rule: CompiledRule, declaration: Declaration, failures: Sequence[Failure],
              budget: Budget) -> list[Finding]:
    """The findings of one run: their messages, evidence and severities spend, together, what
    the run left of its budget (so a message cannot multiply the work by the findings)."""
    left = _left(budget, failures)
    return [_finding(rule, declaration, failure, left) for failure in failures]


def _left(budget: Budget, failures: Sequence[Failure]) -> Budget:
    """What the findings of a run may spend, together: the visits the run left, and the text
    and time of a run."""
    return Budget(budget.limit, failures[-1][2][BUDGET], chars=budget.chars,
                  seconds=budget.seconds)


def _finding(rule: CompiledRule, declaration: Declaration, failure: Failure,
             budget: Budget) -> Finding:
    step, value, env, index, item = failure
    env[BUDGET] = budget
    path, source, shown = "", declaration.source, ""
    if rule.loop_type is not None and rule.applies_to != "batch":  # a batch: the declaration
        if rule.loop_path is None:  # a computed list: the finding is about the declaration
            shown = format_value(item, rule.loop_type)
        else:
            path = f"{rule.loop_path}[{index}]"
            source = _source_of(item, source)
            if rule.at:
                located: Any = item
                for field_name in rule.at:
                    path += f".{field_name}"
                    located = getattr(located, field_name, None)
                source = _source_of(located, source)
    # severity, message, evidence: in this order, as they spend one budget (which error a
    # finding that fails twice reports must not depend on how it is made)
    severity = rule.severity_in(env) if rule.severity_cases else rule.severity
    message = rule.message_in(env)
    return Finding(
        rule_id=rule.rule_id, severity=severity, title=rule.title, message=message,
        declaration_id=declaration.id, path=path, source=source,
        evidence=rule.evidence(step, value, env), rule_source=rule.rule_source, item=shown,
    )


def _rule_error(rule: CompiledRule, declaration: Declaration, error: Exception) -> Finding:
    return Finding(
        rule_id=rule.rule_id, severity=Severity.ERROR, title=rule.title,
        message=f"规则 {rule.rule_id} 执行出错：{type(error).__name__}: {error}",
        declaration_id=declaration.id, source=declaration.source, rule_source=rule.rule_source,
        kind="rule-error",
    )


def _waiver_for(finding: Finding, waivers: Sequence[Waiver], year: int | None) -> Waiver | None:
    """The waiver covering ``finding``; a rule that failed to run cannot be waived, and a waiver
    with a last year does not apply when the declaration's year is unknown."""
    if finding.kind == "rule-error":
        return None
    for waiver in waivers:
        if waiver.rule != finding.rule_id:
            continue
        if waiver.path and waiver.path != finding.path and not finding.path.startswith(
            waiver.path + "."
        ):
            continue
        if waiver.until_year is not None and (year is None or year > waiver.until_year):
            continue
        return waiver
    return None


@attrs.define
class _Tally:
    """A declaration's findings and counts in a batch, which the batch rules add to."""

    findings: list[Finding] = attrs.field(factory=list)
    run: int = 0
    skipped: int = 0
    errored: int = 0

    def counts(self) -> tuple[list[Finding], int, int, int]:
        """What :func:`_report` takes."""
        return self.findings, self.run, self.skipped, self.errored


#: The budget of one rule's run over one declaration, with the default limits (compiled code
#: only reads it, so one serves every rule and declaration).
DEFAULT_BUDGET = Budget()
_context_of = functools.lru_cache(maxsize=None)(RuntimeContext.of)


def _check_one(rules: Sequence[CompiledRule], declaration: Declaration,
               budget: Budget) -> tuple[list[Finding], int, int, int]:
    """The findings of ``rules`` on ``declaration``, and how many rules ran, were skipped and
    failed (a plain tuple: it is made for every declaration)."""
    # one environment for all the rules: a rule's function only reads it (each run counts its
    # own visits against the budget's limit)
    env = {c.DECLARATION: declaration, CONTEXT: _context_of(declaration.money_unit),
           BUDGET: budget}
    kind = declaration.kind
    findings: list[Finding] = []
    skipped = errored = 0
    for rule in rules:
        applies_to = rule.applies_to  # rule.applies(declaration), without the call
        if applies_to is not None and applies_to != kind:
            skipped += 1
            continue
        try:
            failures = rule.run(env)
            if failures is None:
                skipped += 1
                continue
            if failures:
                findings += _findings(rule, declaration, failures, budget)
        except Exception as error:
            findings.append(_rule_error(rule, declaration, error))
            errored += 1
    return findings, len(rules) - skipped - errored, skipped, errored


def run_rules(rules: Sequence[CompiledRule], declaration: Declaration, *,
              budget: Budget = DEFAULT_BUDGET) -> Report:
    """Run ``rules`` over one declaration (batch rules are counted as skipped); ``budget``:
    the limits of each rule's run (its visits, text and time are counted from its limits)."""
    return _report(declaration, *_check_one(rules, declaration, budget))


def run_batch(rules: Sequence[CompiledRule], declarations: Sequence[Declaration], *,
              budget: Budget = DEFAULT_BUDGET) -> list[Report]:
    """Run ``rules`` over a batch: each declaration's own rules, then the batch rules once over
    all of them. One report per declaration, in order; each batch finding is in the report of
    the declaration it is about. A batch rule that fails gives a ``rule-error`` in every report.
    ``budget``: the limits of a rule's run over one declaration; a batch rule's are these
    times the declarations of the batch.
    """
    own = [rule for rule in rules if not rule.batch]
    batch_rules = [rule for rule in rules if rule.batch]
    if not batch_rules:  # nothing to add to: each declaration's report as it is made
        return [run_rules(own, declaration, budget=budget) for declaration in declarations]
    tallies = [_Tally(*_check_one(own, declaration, budget)) for declaration in declarations]
    in_wan = [_in_wan(declaration) for declaration in declarations]
    position = {id(view): index for index, view in enumerate(in_wan)}
    lists = {
        "declarations": tuple(in_wan),
        "projects": tuple(d for d in in_wan if d.kind == "project"),
        "departments": tuple(d for d in in_wan if d.kind == "department"),
    }
    assert set(lists) == set(BATCH_LISTS)
    for rule in batch_rules:
        # the budget of a batch grows with it: the budget of one declaration for each
        size = max(1, len(declarations))
        batch_budget = Budget(budget.limit * size, chars=budget.chars * size,
                              seconds=budget.seconds * size)
        env: dict[str, Any] = {**lists, CONTEXT: RuntimeContext(), BUDGET: batch_budget}
        try:
            found = _run_batch_rule(rule, env, declarations, position)
        except Exception as error:
            for declaration, tally in zip(declarations, tallies, strict=True):
                tally.findings.append(_rule_error(rule, declaration, error))
                tally.errored += 1
            continue
        for tally in tallies:
            tally.run += 1
        for index, finding in found:
            tallies[index].findings.append(finding)
    return [_report(d, *tally.counts())
            for d, tally in zip(declarations, tallies, strict=True)]


def _run_batch_rule(rule: CompiledRule, env: dict[str, Any],
                    declarations: Sequence[Declaration],
                    position: dict[int, int]) -> list[tuple[int, Finding]]:
    failures = rule.run(env) or []
    if not failures:
        return []
    left = _left(env[BUDGET], failures)
    found = []
    for failure in failures:
        index = position[id(failure[4])]  # the element: one of the batch's declarations
        found.append((index, _finding(rule, declarations[index], failure, left)))
    return found


def _in_wan(declaration: Declaration) -> Declaration:
    """The declaration with its amounts in 万元, so that a batch compares like with like.

    Funding amounts are converted; an 指标值 keeps its text and gets the form's unit as its
    计量单位 when it has none, so a bare number still reads as money in the form's unit.
    """
    unit = declaration.money_unit
    if unit == "万元":
        return declaration
    factor = MONEY_UNITS[unit]

    def scaled(funding: Any) -> Any:
        if funding is None:
            return None
        names = [field.name for field in attrs.fields(type(funding)) if field.name != "source"]
        return attrs.evolve(funding, **{
            name: None if getattr(funding, name) is None else getattr(funding, name) * factor
            for name in names
        })

    def with_unit(indicator: Indicator) -> Indicator:
        if indicator.value.unit is not None:
            return indicator
        return attrs.evolve(indicator, value=attrs.evolve(indicator.value, unit=unit))

    changes: dict[str, Any] = {
        "money_unit": "万元",
        "funding": scaled(declaration.funding),
        "indicators": tuple(map(with_unit, declaration.indicators)),
    }
    if isinstance(declaration, DepartmentDeclaration):
        changes["tasks"] = tuple(attrs.evolve(task, funding=scaled(task.funding))
                                 for task in declaration.tasks)
        changes["tasks_total"] = scaled(declaration.tasks_total)
    return attrs.evolve(declaration, **changes)


def _report(declaration: Declaration, findings: list[Finding], run: int, skipped: int,
            errored: int) -> Report:
    waivers = declaration.waivers
    unused: tuple[Waiver, ...] = ()
    if waivers:  # most declarations have none
        used: set[int] = set()
        marked = []
        for finding in findings:
            waiver = _waiver_for(finding, waivers, declaration.year)
            if waiver is not None:
                used.add(id(waiver))
                finding = attrs.evolve(finding, waived=waiver.reason)
            marked.append(finding)
        findings = marked
        unused = tuple(waiver for waiver in waivers if id(waiver) not in used)
    return Report(
        declaration_id=declaration.id, declaration_kind=declaration.kind,
        declaration_name=declaration.name, findings=tuple(findings), rules_run=run,
        rules_skipped=skipped, rules_errored=errored, unused_waivers=unused,
    )
