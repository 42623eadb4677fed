"""The rules language's syntax tree: frozen attrs nodes, each with the span it was parsed from.

The grammar builds these and nothing later touches pyparsing. Expressions are :data:`Expr`;
a rule is a :class:`RuleNode` of metadata plus :data:`Statement` s in source order; a file is a
:class:`RulesetNode`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, TypeAlias

import attrs

__all__ = [
    "Attribute",
    "Binary",
    "Call",
    "Compare",
    "Constant",
    "DisableNode",
    "ExampleNode",
    "Expr",
    "Filter",
    "ForEach",
    "Let",
    "ListLiteral",
    "LiteralKind",
    "Logical",
    "Map",
    "Membership",
    "Name",
    "Not",
    "ParamNode",
    "ParamRef",
    "Require",
    "RuleNode",
    "RulesetNode",
    "SeverityCase",
    "SeverityNode",
    "Span",
    "Statement",
    "Template",
    "Unary",
    "When",
]


@attrs.frozen
class Span:
    """Where a node was written: file, 1-based line and column, and character offsets."""

    file: str
    line: int
    column: int
    start: int
    end: int


LiteralKind: TypeAlias = Literal["number", "percent", "money", "text", "bool", "null"]


@attrs.frozen
class Constant:
    """A literal: ``3``, ``85%``, ``20万元`` (value in 万元), ``"一批"``, ``true``, ``null``."""

    kind: LiteralKind
    value: Decimal | str | bool | None
    span: Span = attrs.field(eq=False)


@attrs.frozen
class ListLiteral:
    """``[a, b, c]``."""

    items: tuple[Expr, ...]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Name:
    """A bare name: a variable, a field of the element in scope, of the declaration, or a param."""

    name: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class ParamRef:
    """``param.NAME``: a ruleset parameter, explicitly."""

    name: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Attribute:
    """``target.name``: a field; over a list it maps over the elements (projection)."""

    target: Expr
    name: str
    span: Span = attrs.field(eq=False)  # the span of ``name``


@attrs.frozen
class Call:
    """``function(arguments)``."""

    function: str
    arguments: tuple[Expr, ...]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Unary:
    """``-operand``."""

    operator: Literal["-"]
    operand: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Binary:
    """Arithmetic ``+ - * /`` and the null default ``??``."""

    operator: Literal["+", "-", "*", "/", "??"]
    left: Expr
    right: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Compare:
    """``left OP right [within tolerance]``."""

    operator: Literal["==", "!=", "<", "<=", ">", ">="]
    left: Expr
    right: Expr
    tolerance: Expr | None
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Membership:
    """``item in collection`` / ``item not in collection`` (a list, or text for substrings)."""

    item: Expr
    collection: Expr
    negated: bool
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Not:
    """``not operand``."""

    operand: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Logical:
    """``left and right`` / ``left or right``."""

    operator: Literal["and", "or"]
    left: Expr
    right: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Filter:
    """``collection where condition``: the fields of each element are names in ``condition``."""

    collection: Expr
    condition: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Map:
    """``collection select expression``: ``expression`` for each element (its fields are names
    there, as in ``where``); list results are flattened."""

    collection: Expr
    expression: Expr
    span: Span = attrs.field(eq=False)


Expr: TypeAlias = (
    Constant | ListLiteral | Name | ParamRef | Attribute | Call | Unary | Binary | Compare
    | Membership | Not | Logical | Filter | Map
)


@attrs.frozen
class Template:
    """A message: literal text and ``{expression}`` parts, in order."""

    parts: tuple[str | Expr, ...]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class ForEach:
    """``for each NAME in COLLECTION [where CONDITION]``: one finding per failing element."""

    variable: str
    collection: Expr
    condition: Expr | None
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Let:
    """``let NAME = EXPR``: a binding, shown as evidence in findings."""

    name: str
    value: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class When:
    """``when CONDITION``: the rule does not apply (no finding) unless it is true."""

    condition: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Require:
    """``require CONDITION``: a finding when it is not true (false or null)."""

    condition: Expr
    span: Span = attrs.field(eq=False)


Statement: TypeAlias = ForEach | Let | When | Require


@attrs.frozen
class SeverityCase:
    """``severity LEVEL if condition``: the level of a finding for which the condition holds."""

    level: str
    condition: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class ExampleNode:
    """``example pass|fail "declaration fragment"`` (JSON or YAML text)."""

    expect: Literal["pass", "fail"]
    text: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class RuleNode:
    """``rule ID "title"`` and its clauses."""

    rule_id: str
    title: str
    severity: str | None
    applies_to: str | None
    name: str | None
    tags: tuple[str, ...]
    doc: str
    fix: str
    at: tuple[str, ...]
    statements: tuple[Statement, ...]
    message: Template | None
    examples: tuple[ExampleNode, ...]
    span: Span = attrs.field(eq=False)
    severity_span: Span | None = attrs.field(eq=False, default=None)
    at_span: Span | None = attrs.field(eq=False, default=None)
    severity_cases: tuple[SeverityCase, ...] = ()


@attrs.frozen
class ParamNode:
    """``param NAME = EXPR`` or ``param NAME += EXPR`` (append to an inherited list)."""

    name: str
    value: Expr
    append: bool
    doc: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class SeverityNode:
    """``severity ID LEVEL``: re-map an inherited rule's severity (``*`` for every rule)."""

    rule_id: str
    level: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class DisableNode:
    """``disable ID because "reason"``."""

    rule_id: str
    reason: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class RulesetNode:
    """A whole ``.rules`` file."""

    name: str | None
    title: str
    version: str
    source: str
    extends: tuple[tuple[str, Span], ...]
    params: tuple[ParamNode, ...]
    severities: tuple[SeverityNode, ...]
    disables: tuple[DisableNode, ...]
    rules: tuple[RuleNode, ...]
    span: Span = attrs.field(eq=False)
