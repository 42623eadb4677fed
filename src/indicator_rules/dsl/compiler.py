"""The compiler: checked tree → Python closures, evaluated many times after compiling once.

Each node becomes a closure taking the environment (a dict of variables, with the declaration
under ``$declaration`` and the run-time context under ``$context``). No ruleset text is ever
passed to ``eval`` or ``exec``: closures only call the model's field getters, the registered
functions and :mod:`indicator_rules.dsl.semantics`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from indicator_rules.dsl import checked as c
from indicator_rules.dsl.semantics import (
    arithmetic,
    compare,
    contains,
    negation,
    spend,
)
from indicator_rules.dsl.types import PLAIN_ATTRIBUTE

__all__ = ["CONTEXT", "MEMO", "Compiled", "compile_node"]

#: The variable holding the :class:`~indicator_rules.dsl.types.RuntimeContext`.
CONTEXT = "$context"
#: The variable holding the values remembered during one run of a rule (see ``Memo``).
MEMO = "$memo"

Compiled = Callable[[dict[str, Any]], Any]


def compile_node(node: c.Node) -> Compiled:
    """A closure computing ``node`` in an environment."""
    compiler: Callable[[Any], Compiled] = _COMPILERS[type(node)]
    return compiler(node)


def _const(node: c.Const) -> Compiled:
    value = node.value
    return lambda _env: value


def _var(node: c.Var) -> Compiled:
    name = node.name
    return lambda env: env[name]


def _field(node: c.Field) -> Compiled:
    target = compile_node(node.target)
    get = node.spec.get
    attribute = PLAIN_ATTRIBUTE.get(get)
    if not node.project and attribute is not None:
        if isinstance(node.target, c.Var):  # the commonest shape: i.name, declaration.year
            variable = node.target.name

            def read_variable(env: dict[str, Any]) -> Any:
                obj = env[variable]
                return None if obj is None else getattr(obj, attribute)
            return read_variable

        def read_attribute(env: dict[str, Any]) -> Any:
            obj = target(env)
            return None if obj is None else getattr(obj, attribute)
        return read_attribute
    if not node.project:
        def read(env: dict[str, Any]) -> Any:
            obj = target(env)
            return None if obj is None else get(obj, env[CONTEXT])
        return read
    flatten = node.flatten

    def project(env: dict[str, Any]) -> Any:
        items = target(env)
        if items is None:
            return None
        context = env[CONTEXT]
        values = [None if item is None else get(item, context) for item in items]
        if flatten:
            return tuple(inner for value in values if value is not None for inner in value)
        return tuple(values)
    return project


def _apply(node: c.Apply) -> Compiled:
    arguments = tuple(compile_node(argument) for argument in node.arguments)
    implementation = node.function.implementation
    if node.function.null_safe:
        return lambda env: implementation(*(argument(env) for argument in arguments))

    if len(arguments) == 1:
        (only,) = arguments

        def call_one(env: dict[str, Any]) -> Any:
            value = only(env)
            return None if value is None else implementation(value)
        return call_one
    if len(arguments) == 2:
        first, second = arguments

        def call_two(env: dict[str, Any]) -> Any:
            a = first(env)
            if a is None:
                return None
            b = second(env)
            return None if b is None else implementation(a, b)
        return call_two

    def call(env: dict[str, Any]) -> Any:
        values = [argument(env) for argument in arguments]
        if any(value is None for value in values):
            return None
        return implementation(*values)
    return call


def _negate(node: c.Negate) -> Compiled:
    operand = compile_node(node.operand)

    def negate(env: dict[str, Any]) -> Any:
        value = operand(env)
        return None if value is None else -value
    return negate


def _arithmetic(node: c.Arithmetic) -> Compiled:
    left, right, operator = compile_node(node.left), compile_node(node.right), node.operator
    return lambda env: arithmetic(operator, left(env), right(env))


def _default(node: c.Default) -> Compiled:
    left, right = compile_node(node.left), compile_node(node.right)

    def default(env: dict[str, Any]) -> Any:
        value = left(env)
        return right(env) if value is None else value
    return default


_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}


def _compare(node: c.Compare) -> Compiled:
    left, right, operator_name = compile_node(node.left), compile_node(node.right), node.operator
    if node.tolerance is None:
        order = _ORDER[operator_name]
        if isinstance(node.right, c.Const) and node.right.value is not None:
            constant = node.right.value

            def compare_constant(env: dict[str, Any]) -> Any:  # i.level2 == "时效指标"
                a = left(env)
                return None if a is None else bool(order(a, constant))
            return compare_constant

        def compare_plain(env: dict[str, Any]) -> Any:
            a = left(env)
            if a is None:
                return None
            b = right(env)
            return None if b is None else bool(order(a, b))
        return compare_plain
    operator_ = operator_name
    tolerance = compile_node(node.tolerance)
    return lambda env: compare(operator_, left(env), right(env), tolerance(env))


def _is_null(node: c.IsNull) -> Compiled:
    operand = compile_node(node.operand)
    if node.negated:
        return lambda env: operand(env) is not None
    return lambda env: operand(env) is None


def _in(node: c.In) -> Compiled:
    item, collection = compile_node(node.item), compile_node(node.collection)
    substring = node.substring
    members = _constant_members(node)
    if members is not None:  # x in ["数量指标", "时效指标"]: a set, built once
        negated = node.negated

        def member(env: dict[str, Any]) -> Any:
            value = item(env)
            return None if value is None else (value in members) != negated
        return member
    if node.negated:
        return lambda env: negation(contains(item(env), collection(env), substring))
    return lambda env: contains(item(env), collection(env), substring)


def _constant_members(node: c.In) -> frozenset[Any] | None:
    """The members of a constant list of texts (or numbers) without nulls, else None."""
    collection = node.collection
    if node.substring:
        return None
    if isinstance(collection, c.MakeList) and all(isinstance(item, c.Const)
                                                  for item in collection.items):
        values: Any = tuple(item.value for item in collection.items  # type: ignore[union-attr]
                            )
    elif isinstance(collection, c.Const):
        values = collection.value
    else:
        return None
    if not isinstance(values, tuple) or any(value is None for value in values):
        return None
    try:
        return frozenset(values)
    except TypeError:  # records are not hashable
        return None


def _not(node: c.Not) -> Compiled:
    operand = compile_node(node.operand)

    def opposite(env: dict[str, Any]) -> Any:
        value = operand(env)
        return None if value is None else not value
    return opposite


def _and(node: c.And) -> Compiled:
    left, right = compile_node(node.left), compile_node(node.right)

    def both(env: dict[str, Any]) -> Any:  # three-valued, right side only when needed
        a = left(env)
        if a is False:
            return False
        b = right(env)
        if b is False:
            return False
        return None if a is None or b is None else True
    return both


def _or(node: c.Or) -> Compiled:
    left, right = compile_node(node.left), compile_node(node.right)

    def either(env: dict[str, Any]) -> Any:
        a = left(env)
        if a is True:
            return True
        b = right(env)
        if b is True:
            return True
        return None if a is None or b is None else False
    return either


def _filter(node: c.Filter) -> Compiled:
    collection, condition, element = (
        compile_node(node.collection), compile_node(node.condition), node.element
    )

    def keep(env: dict[str, Any]) -> Any:
        items = collection(env)
        if items is None:
            return None
        spend(env, len(items))
        scope = dict(env)
        kept = []
        for item in items:
            scope[element] = item
            if condition(scope) is True:
                kept.append(item)
        return tuple(kept)
    return keep


def _map(node: c.Map) -> Compiled:
    collection, expression, element, flatten = (
        compile_node(node.collection), compile_node(node.expression), node.element, node.flatten
    )

    def map_items(env: dict[str, Any]) -> Any:
        items = collection(env)
        if items is None:
            return None
        spend(env, len(items))
        scope = dict(env)
        values = []
        for item in items:
            scope[element] = item
            value = expression(scope)
            if not flatten:
                values.append(value)
            elif value is not None:
                values.extend(value)
        return tuple(values)
    return map_items


def _make_list(node: c.MakeList) -> Compiled:
    if all(isinstance(item, c.Const) for item in node.items):  # a literal: built once
        constant = tuple(item.value for item in node.items)  # type: ignore[union-attr]
        return lambda _env: constant
    items = tuple(compile_node(item) for item in node.items)
    return lambda env: tuple(item(env) for item in items)


def _memo(node: c.Memo) -> Compiled:
    inner, slot = compile_node(node.inner), node.slot

    def remembered(env: dict[str, Any]) -> Any:
        memory = env.get(MEMO)
        if memory is None:  # an expression evaluated on its own, outside a rule's run
            return inner(env)
        if slot in memory:
            return memory[slot]
        value = memory[slot] = inner(env)
        return value
    return remembered


_COMPILERS: dict[type, Callable[[Any], Compiled]] = {
    c.Const: _const, c.Var: _var, c.Field: _field, c.Apply: _apply, c.Negate: _negate,
    c.Arithmetic: _arithmetic, c.Default: _default, c.Compare: _compare, c.IsNull: _is_null,
    c.In: _in,
    c.Not: _not, c.And: _and, c.Or: _or, c.Filter: _filter, c.Map: _map,
    c.MakeList: _make_list, c.Memo: _memo,
}
