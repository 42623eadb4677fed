"""The meaning of the operators, shared by the compiler and the reference interpreter.

Null (``None``) propagates: arithmetic, comparison and membership with a null operand give null,
and so does ``not null``. (Comparing with the ``null`` literal, ``x == null`` or ``x != null``,
is a null test, always true or false; the checker turns it into ``IsNull``.) ``and`` and ``or``
are three-valued: false and anything is false, true or anything is true, otherwise null.
Conditions treat null as "not true": ``where`` and ``when`` skip, ``require`` fails. Nothing null
is ever silently true.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

__all__ = [
    "BUDGET",
    "MAX_STEPS",
    "Budget",
    "EvaluationError",
    "arithmetic",
    "compare",
    "conjunction",
    "contains",
    "disjunction",
    "negation",
    "spend",
]


class EvaluationError(Exception):
    """A rule could not be evaluated (division by zero, a plugin function failing …)."""


#: The variable holding the :class:`Budget` of one rule's run over one declaration.
BUDGET = "$budget"
#: Most list elements one rule may visit (in ``for each``, ``where`` and ``select``) while it
#: checks one declaration (or one batch). Filters nest at most 3 deep, so without a bound a
#: declaration with a huge indicator table could make a rule run for hours.
MAX_STEPS = 1_000_000


class Budget:
    """How many more list elements a rule may visit; running out is an :class:`EvaluationError`
    (a ``rule-error`` finding for that rule and declaration).

    The reference interpreter spends from ``remaining``. A compiled rule's run only reads
    ``limit``: it counts its own visits in a local variable (so one budget in the environment
    serves every rule of a declaration) and calls :meth:`exhausted` when the count passes the
    limit. What the run had left goes on, as one budget, to the messages, evidence and
    severities of its findings, which spend from ``remaining``."""

    __slots__ = ("limit", "remaining")

    def __init__(self, steps: int = MAX_STEPS, remaining: int | None = None) -> None:
        self.limit = steps
        self.remaining = steps if remaining is None else remaining

    def spend(self, steps: int) -> None:
        """Count ``steps`` visits; raise when the budget is exhausted."""
        self.remaining -= steps
        if self.remaining < 0:
            self.exhausted()

    def exhausted(self) -> None:
        """Raise the error of a rule that visited more than :attr:`limit` list elements (a
        compiled rule counts its visits itself and calls this when it runs out)."""
        raise EvaluationError(f"evaluation budget exceeded: the rule visited more than "
                              f"{self.limit} list elements")


def spend(env: dict[str, Any], steps: int) -> None:
    """Charge ``steps`` to the budget in ``env`` (environments without one are unbounded:
    params, and tests of single expressions)."""
    budget = env.get(BUDGET)
    if budget is not None:
        budget.spend(steps)


def arithmetic(operator: str, left: Decimal | None, right: Decimal | None) -> Decimal | None:
    """``left operator right``; null if either side is null."""
    if left is None or right is None:
        return None
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    try:
        return left / right
    except (DivisionByZero, InvalidOperation):
        raise EvaluationError(f"division by zero: {left} / {right}") from None


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def compare(operator: str, left: Any, right: Any, tolerance: Decimal | None = None) -> bool | None:
    """``left operator right [within tolerance]``; null if either side is null.

    With a tolerance ``t``: ``==`` is ``|a - b| <= t``, ``!=`` its opposite; ``<=`` is
    ``a <= b + t``, ``<`` is ``a < b - t``, ``>=`` is ``a >= b - t``, ``>`` is ``a > b + t``.
    """
    if left is None or right is None:
        return None
    if tolerance is None:
        return _ORDER[operator](left, right)
    if operator == "==":
        return bool(abs(left - right) <= tolerance)
    if operator == "!=":
        return bool(abs(left - right) > tolerance)
    if operator == "<=":
        return bool(left <= right + tolerance)
    if operator == "<":
        return bool(left < right - tolerance)
    if operator == ">=":
        return bool(left >= right - tolerance)
    return bool(left > right + tolerance)


def contains(item: Any, collection: Any, substring: bool) -> bool | None:
    """``item in collection``: membership in a list, or text inside text; null if either is."""
    if item is None or collection is None:
        return None
    if substring:
        return item in collection
    return any(element == item for element in collection)


def negation(value: bool | None) -> bool | None:
    """``not value``; null stays null."""
    return None if value is None else not value


def conjunction(left: bool | None, right: Callable[[], bool | None]) -> bool | None:
    """``left and right()``, three-valued; ``right`` is evaluated only when needed."""
    if left is False:
        return False
    value = right()
    if value is False:
        return False
    return None if left is None or value is None else True


def disjunction(left: bool | None, right: Callable[[], bool | None]) -> bool | None:
    """``left or right()``, three-valued; ``right`` is evaluated only when needed."""
    if left is True:
        return True
    value = right()
    if value is True:
        return True
    return None if left is None or value is None else False
