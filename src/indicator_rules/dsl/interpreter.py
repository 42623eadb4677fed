"""The reference interpreter: evaluates the checked tree by walking it.

Slow and plain on purpose: it is the oracle that property tests compare the compiler with. Both
share the operators' meaning (:mod:`indicator_rules.dsl.semantics`); what differs is the
structure — Python source generated once per rule against a recursive walk every time.
"""

from __future__ import annotations

from typing import Any

from indicator_rules.dsl import checked as c
from indicator_rules.dsl.compiler import CONTEXT
from indicator_rules.dsl.semantics import (
    arithmetic,
    compare,
    conjunction,
    contains,
    disjunction,
    negation,
    spend,
    spend_text,
)

__all__ = ["evaluate"]


def evaluate(node: c.Node, env: dict[str, Any]) -> Any:
    """The value of ``node`` in ``env``."""
    if isinstance(node, c.Const):
        return node.value
    if isinstance(node, c.Memo):  # remembering is the compiler's business
        return evaluate(node.inner, env)
    if isinstance(node, c.Var):
        return env[node.name]
    if isinstance(node, c.Field):
        target = evaluate(node.target, env)
        if target is None:
            return None
        if not node.project:
            return node.spec.get(target, env[CONTEXT])
        values = [None if item is None else node.spec.get(item, env[CONTEXT]) for item in target]
        if node.flatten:
            return tuple(inner for value in values if value is not None for inner in value)
        return tuple(values)
    if isinstance(node, c.Apply):
        arguments = [evaluate(argument, env) for argument in node.arguments]
        if not node.function.null_safe and any(argument is None for argument in arguments):
            return None
        result = node.function.implementation(*arguments)
        return spend_text(env, result) if node.function.grows else result
    if isinstance(node, c.Negate):
        value = evaluate(node.operand, env)
        return None if value is None else -value
    if isinstance(node, c.Arithmetic):
        return arithmetic(node.operator, evaluate(node.left, env), evaluate(node.right, env))
    if isinstance(node, c.Default):
        value = evaluate(node.left, env)
        return evaluate(node.right, env) if value is None else value
    if isinstance(node, c.Compare):
        tolerance = None if node.tolerance is None else evaluate(node.tolerance, env)
        return compare(node.operator, evaluate(node.left, env), evaluate(node.right, env),
                       tolerance)
    if isinstance(node, c.IsNull):
        return (evaluate(node.operand, env) is None) != node.negated
    if isinstance(node, c.In):
        found = contains(evaluate(node.item, env), evaluate(node.collection, env), node.substring)
        return negation(found) if node.negated else found
    if isinstance(node, c.Not):
        return negation(evaluate(node.operand, env))
    if isinstance(node, c.And):
        return conjunction(evaluate(node.left, env), lambda: evaluate(node.right, env))
    if isinstance(node, c.Or):
        return disjunction(evaluate(node.left, env), lambda: evaluate(node.right, env))
    if isinstance(node, c.Filter):
        items = evaluate(node.collection, env)
        if items is None:
            return None
        spend(env, len(items))
        return tuple(item for item in items
                     if evaluate(node.condition, {**env, node.element: item}) is True)
    if isinstance(node, c.Map):
        items = evaluate(node.collection, env)
        if items is None:
            return None
        spend(env, len(items))
        values = [evaluate(node.expression, {**env, node.element: item}) for item in items]
        if not node.flatten:
            return tuple(values)
        flat = tuple(inner for value in values if value is not None for inner in value)
        spend(env, len(flat))  # the elements made count as visits
        return flat
    return tuple(evaluate(item, env) for item in node.items)
