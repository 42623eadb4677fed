"""Loop-invariant work, found at compile time and done once per run.

A rule that runs ``for each i in indicators`` evaluates its body once per indicator, and a
``where`` or ``select`` its condition once per element. A subexpression in there that reads none
of the names that change from one element to the next — ``taxonomy(declaration, profile)`` in
a ``for each``, ``normalize(declaration.name)`` in a ``where`` — gives the same value every
time. :func:`hoist` wraps each largest such subexpression (when it does real work: a call, a
filter, a map or a projection) in a :class:`~indicator_rules.dsl.checked.Memo`, which the
compiler turns into "compute the first time it is reached, then remember for this run".
Computing it only when first reached keeps the meaning exactly: a guarded subexpression that
would fail is still never computed, and nothing is computed that the rule would not compute.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import attrs

from indicator_rules.dsl import checked as c

__all__ = ["free_names", "hoist"]

_WORTH_REMEMBERING = (c.Apply, c.Filter, c.Map)
_evolve: Any = attrs.evolve  # fields found by name, so typed loosely


def free_names(node: c.Node, memo: dict[int, frozenset[str]] | None = None) -> frozenset[str]:
    """The variables ``node`` reads that it does not bind itself (filters bind their element);
    ``memo`` remembers them by node for repeated questions about one tree."""
    if memo is not None:
        known = memo.get(id(node))
        if known is not None:
            return known
    if isinstance(node, c.Var):
        found = frozenset({node.name})
    elif isinstance(node, c.Filter):
        found = free_names(node.collection, memo) | (free_names(node.condition, memo)
                                                     - {node.element})
    elif isinstance(node, c.Map):
        found = free_names(node.collection, memo) | (free_names(node.expression, memo)
                                                     - {node.element})
    else:
        found = frozenset()
        for child in _children(node):
            found |= free_names(child, memo)
    if memo is not None:
        memo[id(node)] = found  # the tree outlives the memo, so ids stay unique
    return found


def _children(node: c.Node) -> Iterator[c.Node]:
    for name in c.CHILD_FIELDS[type(node)]:
        value = getattr(node, name)
        if isinstance(value, tuple):
            yield from value
        elif value is not None:
            yield value


def _may_repeat(node: c.Node, memo: dict[int, bool]) -> bool:
    """Whether ``node`` holds a ``where`` or ``select`` (whose body is evaluated repeatedly)."""
    known = memo.get(id(node))
    if known is None:
        known = memo[id(node)] = isinstance(node, c.Filter | c.Map) or any(
            _may_repeat(child, memo) for child in _children(node))
    return known


def _worth_it(node: c.Node) -> bool:
    return isinstance(node, _WORTH_REMEMBERING) or (isinstance(node, c.Field) and node.project)


@attrs.define
class _Memos:
    """What :func:`hoist` learns about one tree, by node (the tree outlives it)."""

    free: dict[int, frozenset[str]] = attrs.field(factory=dict)
    repeats: dict[int, bool] = attrs.field(factory=dict)


def hoist(node: c.Node, invariant: frozenset[str], slots: Iterator[int], *,
          repeated: bool, memos: _Memos | None = None) -> c.Node:
    """``node`` with its invariant subexpressions remembered; ``invariant`` are the names that
    keep their value for the whole run, ``repeated`` whether ``node`` itself is evaluated
    again and again in a run (the body of a loop)."""
    if memos is None:
        memos = _Memos()
    if not repeated and not _may_repeat(node, memos.repeats):
        return node  # nothing below is evaluated again and again: nothing to remember
    if repeated and _worth_it(node) and free_names(node, memos.free) <= invariant:
        return c.Memo(node, next(slots), node.type, node.span)

    def inner(child: c.Node, *, again: bool = repeated) -> c.Node:
        return hoist(child, invariant, slots, repeated=again, memos=memos)

    changes: dict[str, Any] = {}
    for name in c.CHILD_FIELDS[type(node)]:
        value = getattr(node, name)
        again = repeated or (isinstance(node, c.Filter | c.Map) and name != "collection")
        if isinstance(value, tuple):
            rebuilt = tuple(inner(item, again=again) for item in value)
            if any(new is not old for new, old in zip(rebuilt, value, strict=True)):
                changes[name] = rebuilt
        elif value is not None:
            new = inner(value, again=again)
            if new is not value:
                changes[name] = new
    if not changes:
        return node
    result: c.Node = _evolve(node, **changes)
    return result


def new_slots() -> Iterator[int]:
    """Slot numbers for the memos of one compiled rule."""
    return itertools.count()
