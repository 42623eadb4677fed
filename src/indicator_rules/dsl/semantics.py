"""The meaning of the operators, shared by the compiler and the reference interpreter.

Null (``None``) propagates: arithmetic, comparison and membership with a null operand give null,
and so does ``not null``. (Comparing with the ``null`` literal, ``x == null`` or ``x != null``,
is a null test, always true or false; the checker turns it into ``IsNull``.) ``and`` and ``or``
are three-valued: false and anything is false, true or anything is true, otherwise null.
Conditions treat null as "not true": ``where`` and ``when`` skip, ``require`` fails. Nothing null
is ever silently true.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

__all__ = [
    "BUDGET",
    "CLOCK_EVERY",
    "MAX_STEPS",
    "MAX_TEXT_CHARS",
    "RULE_SECONDS",
    "Budget",
    "EvaluationError",
    "arithmetic",
    "compare",
    "conjunction",
    "contains",
    "disjunction",
    "negation",
    "spend",
    "spend_text",
]


class EvaluationError(Exception):
    """A rule could not be evaluated (division by zero, a plugin function failing …)."""


#: The variable holding the :class:`Budget` of one rule's run over one declaration.
BUDGET = "$budget"
#: Most list elements one rule may visit (in ``for each``, ``where`` and ``select``, and the
#: elements ``select`` makes by flattening lists) while it checks one declaration (or, times the
#: number of declarations, one batch). Filters nest at most 3 deep, so without a bound a
#: declaration with a huge indicator table could make a rule run for hours.
MAX_STEPS = 1_000_000
#: Most characters of text one run of a rule may make with the functions that build text
#: longer than their arguments (``join``, ``listing``, ``text``): doubling a text forty times
#: would otherwise take terabytes. About 40 MB at most; a batch: times its declarations.
MAX_TEXT_CHARS = 10_000_000
#: Most seconds one run of a rule over one declaration may take (a batch rule: this times the
#: declarations of the batch). Real rules take microseconds; the bound turns a rule that would
#: run for hours (an expensive function over a huge form, a regular expression that
#: backtracks) into a ``rule-error`` finding.
RULE_SECONDS = 5.0
#: A compiled rule reads the clock about once every this many list visits, and in its
#: ``for each`` at the 16th, 32nd and 64th element, then every this many: often enough to
#: stop within about the time budget again, rarely enough to cost little.
CLOCK_EVERY = 64

_clock = time.monotonic


class Budget:
    """What a rule's run may still spend: list visits, characters of text made, and time.

    Running out of any is an :class:`EvaluationError` (a ``rule-error`` finding for that rule
    and declaration).

    The reference interpreter spends from ``remaining`` and ``chars_left`` and reads the
    clock at every :meth:`spend` (from the first). A compiled rule's run only reads ``limit``,
    ``chars`` and ``seconds``: it counts its own visits and characters in local variables and
    keeps its own deadline (so one budget in the environment serves every rule of a
    declaration), reads the clock at :meth:`tick` and :meth:`check_clock` and calls
    :meth:`exhausted` / :meth:`too_much_text` when a count runs out. What the run had left of
    its visits goes on, as one budget, to the messages, evidence and severities of its
    findings, which spend from ``remaining`` (with a clock of their own, in ``deadline``).
    """

    __slots__ = ("chars", "chars_left", "deadline", "limit", "remaining", "seconds")

    def __init__(self, steps: int = MAX_STEPS, remaining: int | None = None, *,
                 chars: int = MAX_TEXT_CHARS, seconds: float = RULE_SECONDS,
                 deadline: float | None = None) -> None:
        self.limit = steps
        self.remaining = steps if remaining is None else remaining
        self.chars = self.chars_left = chars
        self.seconds = seconds
        self.deadline = deadline

    def spend(self, steps: int) -> None:
        """Count ``steps`` visits; raise when the budget is exhausted or the time is up."""
        self.remaining -= steps
        if self.remaining < 0:
            self.exhausted()
        self.deadline = self.check_clock(self.deadline)

    def spend_text(self, text: str | None) -> str | None:
        """Count the characters of ``text`` (just made); raise when too many were made."""
        if text is not None:
            self.chars_left -= len(text)
            if self.chars_left < 0:
                self.too_much_text()
        return text

    def tick(self, steps: int, deadline: float | None) -> tuple[int, float]:
        """A compiled rule's check, every :data:`CLOCK_EVERY` visits: raise when ``steps``
        (the visits it has left) is negative or ``deadline`` has passed; else the count of
        visits left at which to check again, and the deadline (see :meth:`check_clock`)."""
        if steps < 0:
            self.exhausted()
        return max(steps - CLOCK_EVERY, 0), self.check_clock(deadline)

    def check_clock(self, deadline: float | None) -> float:
        """Raise when ``deadline`` has passed; the deadline — set now, when there is none yet:
        a compiled rule starts its clock at its first check, so a run too short to reach one
        never reads the clock."""
        now = _clock()
        if deadline is None:
            return now + self.seconds
        if now > deadline:
            self.out_of_time()
        return deadline

    def exhausted(self) -> None:
        """Raise the error of a rule that visited more than :attr:`limit` list elements (a
        compiled rule counts its visits itself and calls this when it runs out)."""
        raise EvaluationError(f"evaluation budget exceeded: the rule visited more than "
                              f"{self.limit} list elements")

    def too_much_text(self) -> None:
        """Raise the error of a rule that made more than :attr:`chars` characters of text."""
        raise EvaluationError(f"evaluation budget exceeded: the rule made more than "
                              f"{self.chars} characters of text (join, listing, text)")

    def out_of_time(self) -> None:
        """Raise the error of a rule that ran longer than :attr:`seconds`."""
        raise EvaluationError(f"out of time: the rule ran longer than its time budget of "
                              f"{self.seconds:g} seconds")


def spend(env: dict[str, Any], steps: int) -> None:
    """Charge ``steps`` to the budget in ``env`` (environments without one are unbounded:
    params, and tests of single expressions)."""
    budget = env.get(BUDGET)
    if budget is not None:
        budget.spend(steps)


def spend_text(env: dict[str, Any], text: str | None) -> str | None:
    """Charge the characters of ``text`` to the budget in ``env``, if any; ``text``."""
    budget = env.get(BUDGET)
    return text if budget is None else budget.spend_text(text)


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
