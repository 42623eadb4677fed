"""A condition specialised for one known value of a variable, folded where that decides it.

The rules pick the reasons of a finding from a list written out in the rule::

    let reasons = ["一整句话", "只有数值"] where (it == "一整句话" and long_name)
                                           or (it == "只有数值" and bare_number)

Evaluated as written, the whole condition runs for every element. With ``it`` replaced by each
constant in turn (:func:`specialize`), ``it == "一整句话"`` is true or false before the rule
runs, and the three-valued ``and`` / ``or`` around it fold away: what is left for "一整句话" is
``long_name``, for "只有数值" ``bare_number``. The compiler then writes one test per constant
(see its ``_filter``) instead of a loop over the list.

Folding keeps the meaning exactly, errors included: it drops only what the evaluation would
have skipped anyway (the right side of ``false and …`` or ``true or …``) or what cannot fail
(a constant), and it evaluates nothing the original would not.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from indicator_rules.dsl import checked as c
from indicator_rules.dsl.semantics import compare, contains
from indicator_rules.dsl.types import Kind

__all__ = ["NOT_CONSTANT", "constant_value", "size", "specialize"]

_evolve: Any = attrs.evolve  # fields found by name, so typed loosely
#: value types whose comparisons fold (what literals and params hold)
_FOLDABLE = (str, Decimal, bool)


def specialize(node: c.Node, name: str, value: c.Const) -> c.Node:
    """``node`` with the variable ``name`` replaced by ``value`` where it is free, folded."""
    if isinstance(node, c.Var):
        return c.Const(value.value, node.type, node.span) if node.name == name else node
    if isinstance(node, c.Const | c.Memo):
        # a Memo holds only what stays the same for the whole run (see the hoister): never an
        # element's variable, so nothing in it changes
        return node
    changes: dict[str, Any] = {}
    for field_name in c.CHILD_FIELDS[type(node)]:
        child = getattr(node, field_name)
        if (isinstance(node, c.Filter | c.Map) and field_name != "collection"
                and node.element == name):
            continue  # the filter binds its own element of that name
        if isinstance(child, tuple):
            rebuilt = tuple(specialize(item, name, value) for item in child)
            if any(new is not old for new, old in zip(rebuilt, child, strict=True)):
                changes[field_name] = rebuilt
        elif child is not None:
            new = specialize(child, name, value)
            if new is not child:
                changes[field_name] = new
    if not changes:
        return node
    return _fold(_evolve(node, **changes))


#: What :func:`constant_value` gives for a node that is not a constant.
NOT_CONSTANT: Any = object()


def constant_value(node: c.Node) -> Any:
    """The value of a constant (a literal, a param, a list of those), else ``NOT_CONSTANT``."""
    if isinstance(node, c.Const):
        return node.value
    if isinstance(node, c.MakeList) and all(isinstance(item, c.Const) for item in node.items):
        return tuple(item.value for item in node.items)  # type: ignore[union-attr]
    return NOT_CONSTANT


def _truth(node: c.Node, value: bool | None) -> c.Const:
    return c.Const(value, node.type, node.span)


def _fold(node: c.Node) -> c.Node:
    """``node`` (whose children are folded) as a constant or a smaller node when its constant
    children decide it."""
    if isinstance(node, c.Compare) and node.tolerance is None:
        left, right = constant_value(node.left), constant_value(node.right)
        if isinstance(left, _FOLDABLE) and type(left) is type(right):
            return _truth(node, compare(node.operator, left, right))
        if node.operator in ("==", "!="):
            # true == x is x, false == x is not x, for a condition x (null stays null)
            for known, other in ((left, node.right), (right, node.left)):
                if isinstance(known, bool) and other.type.kind is Kind.BOOL:
                    same = known == (node.operator == "==")
                    return other if same else _fold(c.Not(other, node.type, node.span))
    elif isinstance(node, c.IsNull) and isinstance(node.operand, c.Const):
        return _truth(node, (node.operand.value is None) != node.negated)
    elif isinstance(node, c.In) and not node.substring:
        item = constant_value(node.item)
        members = constant_value(node.collection)
        if isinstance(item, _FOLDABLE) and isinstance(members, tuple):
            found = contains(item, members, substring=False)
            return _truth(node, (not found) if node.negated else found)
    elif isinstance(node, c.Not):
        operand = constant_value(node.operand)
        if isinstance(operand, bool):
            return _truth(node, not operand)
    elif isinstance(node, c.And | c.Or):
        decides = isinstance(node, c.Or)  # true decides an or, false an and
        left, right = constant_value(node.left), constant_value(node.right)
        if left is decides:
            return _truth(node, decides)  # the right side is never evaluated
        if left is (not decides):
            return node.right  # true and x, false or x: x
        if right is (not decides):
            return node.left  # x and true, x or false: x (three-valued, x is a condition)
    return node


def size(node: c.Node) -> int:
    """How many nodes ``node`` is made of (the work of evaluating it, roughly)."""
    total = 1
    for field_name in c.CHILD_FIELDS[type(node)]:
        child = getattr(node, field_name)
        if isinstance(child, tuple):
            total += sum(size(item) for item in child)
        elif child is not None:
            total += size(child)
    return total
