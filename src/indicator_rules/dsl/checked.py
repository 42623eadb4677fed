"""The checked tree: what the checker makes of the syntax tree, and what the evaluators consume.

Every name is resolved (a variable, a field with its getter, a param folded to its value, a
function), every node has its static type. Nothing here refers back to pyparsing or to
unresolved names, so the compiler and the reference interpreter stay small.
"""

from __future__ import annotations

from typing import Any, Literal, TypeAlias, get_args

import attrs

from indicator_rules.dsl.functions import Function
from indicator_rules.dsl.nodes import RuleNode, Span
from indicator_rules.dsl.types import DslType, FieldSpec

__all__ = [
    "CHILD_FIELDS",
    "DECLARATION",
    "NODE_TYPES",
    "And",
    "Apply",
    "Arithmetic",
    "Bind",
    "Check",
    "CheckedRule",
    "Compare",
    "Const",
    "Default",
    "Field",
    "Filter",
    "Guard",
    "In",
    "IsNull",
    "Loop",
    "MakeList",
    "Map",
    "Negate",
    "Node",
    "Not",
    "Or",
    "Step",
    "Var",
]

#: The variable that holds the declaration being checked.
DECLARATION = "$declaration"


@attrs.frozen(eq=False)
class Const:
    """A constant (a literal, or a param's value)."""

    value: Any
    type: DslType
    span: Span
    label: str = ""  # e.g. "param.tolerance", for explanations


@attrs.frozen(eq=False)
class Var:
    """A variable: the declaration, a loop variable, a ``let``, a filter's element."""

    name: str
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Field:
    """A field read; with ``project`` the target is a list and the field is read from each item
    (``flatten``: the field is itself a list and the results are concatenated)."""

    target: Node
    name: str
    spec: FieldSpec
    project: bool
    flatten: bool
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Apply:
    """A function call."""

    function: Function
    arguments: tuple[Node, ...]
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Negate:
    """``-operand``."""

    operand: Node
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Arithmetic:
    """``left + - * / right`` on decimals."""

    operator: Literal["+", "-", "*", "/"]
    left: Node
    right: Node
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Default:
    """``left ?? right``: ``left`` unless it is null."""

    left: Node
    right: Node
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Compare:
    """``left OP right [within tolerance]``."""

    operator: Literal["==", "!=", "<", "<=", ">", ">="]
    left: Node
    right: Node
    tolerance: Node | None
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class IsNull:
    """``operand == null`` (or ``!= null`` with ``negated``): true or false, never null."""

    operand: Node
    negated: bool
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class In:
    """Membership in a list, or (``substring``) text inside text."""

    item: Node
    collection: Node
    negated: bool
    substring: bool
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Not:
    """``not operand`` (null stays null)."""

    operand: Node
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class And:
    """``left and right``, three-valued."""

    left: Node
    right: Node
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Or:
    """``left or right``, three-valued."""

    left: Node
    right: Node
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Filter:
    """``collection where condition``: keeps the items for which the condition is true."""

    collection: Node
    element: str
    condition: Node
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Map:
    """``collection select expression``: the expression for each item (``flatten``: the
    expression is a list, and the results are concatenated)."""

    collection: Node
    element: str
    expression: Node
    flatten: bool
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class MakeList:
    """``[items]``."""

    items: tuple[Node, ...]
    type: DslType
    span: Span


@attrs.frozen(eq=False)
class Memo:
    """A subexpression that does not change while a rule runs over one declaration (or batch),
    although it sits where it would be evaluated again and again (in the body of ``for each``,
    ``where`` or ``select``): computed the first time it is needed, then remembered under
    ``slot`` for the rest of the run. Made by :mod:`indicator_rules.dsl.hoister`."""

    inner: Node
    slot: int
    type: DslType
    span: Span


Node: TypeAlias = (
    Const | Var | Field | Apply | Negate | Arithmetic | Default | Compare | IsNull | In | Not
    | And | Or | Filter | Map | MakeList | Memo
)
#: Every kind of node, for code that handles each (the compiler, the hoister).
NODE_TYPES: tuple[type, ...] = get_args(Node)
#: The fields of each kind of node that may hold nodes (or tuples of nodes), for code that
#: walks or rebuilds a tree.
CHILD_FIELDS: dict[type, tuple[str, ...]] = {
    node_type: tuple(field.name for field in attrs.fields(node_type) if field.name not in (
        "type", "span", "label", "name", "spec", "project", "flatten", "operator", "negated",
        "substring", "element", "function", "slot", "value"))
    for node_type in NODE_TYPES
}


@attrs.frozen(eq=False)
class Loop:
    """``for each variable in collection [where condition]``.

    ``base`` is the collection before any ``where`` (``conditions`` are those filters, innermost
    first, each with the variable its element is bound to); ``base_path`` is its path in the
    declaration (such as ``indicators``) when it is a field of the declaration, so findings point
    at ``indicators[4]``; for a computed list it is None and findings point at the declaration.
    In a batch rule the elements are declarations (``over_declarations``): each finding belongs
    to its element.
    """

    variable: str
    base: Node
    base_path: str | None
    conditions: tuple[tuple[str, Node], ...]
    span: Span
    over_declarations: bool = False


@attrs.frozen(eq=False)
class Bind:
    """``let name = value``."""

    name: str
    value: Node
    span: Span


@attrs.frozen(eq=False)
class Guard:
    """``when condition``."""

    condition: Node
    span: Span


@attrs.frozen(eq=False)
class Check:
    """``require condition``; ``operands`` are what a failed comparison is shown with."""

    condition: Node
    operands: tuple[tuple[str, Node], ...]
    span: Span


Step: TypeAlias = Bind | Guard | Check


@attrs.frozen(eq=False)
class CheckedRule:
    """A rule whose names and types are all resolved."""

    node: RuleNode
    loop: Loop | None
    steps: tuple[Step, ...]
    message: tuple[str | Node, ...]
    declaration_type: DslType
    severity_cases: tuple[tuple[str, Node], ...] = ()  # (level, condition), first true wins
    at: tuple[str, ...] = ()  # the model attributes of the ``at`` path, after the variable
    #: ``let`` s written before ``for each``: evaluated once per declaration (or batch), before
    #: the loop, and visible in its ``where`` and body
    prelude: tuple[Bind, ...] = ()
