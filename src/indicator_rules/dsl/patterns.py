"""The regular expressions of rules (``matches(text, "…")``): checked at load, never a hang.

Python's :mod:`re` backtracks: ``^(a+)+$`` takes exponential time, and even ``\\d+x`` searched
in a long run of digits takes quadratic time (every start position scans the run again), and a
match in progress cannot be interrupted. So a pattern runs on one of two engines, chosen when
the ruleset loads from the pattern's parse tree (Python's own parser, the one ``re.compile``
uses):

* **bounded** patterns run on :mod:`re` (the fastest): patterns whose work at one position of
  the text is bounded by the pattern alone — no unbounded repetition (``*``, ``+``, ``{n,}``)
  and no back-reference, so a search costs at most a constant per character — and patterns
  whose unbounded repetitions are all possessive (``\\s*+``, ``[…]++``: they never give
  characters back) and either anchored at the start of the text (``^``, ``\\A``, without the
  ``m`` flag: tried at one position only) or starting with one of a few characters that none of
  those repetitions takes (``[%％]\\s*+…``: a run of spaces is scanned from the % before it, not
  from every position). In all, the number of ways the pattern can try to match at one
  position (alternatives × repetition counts, times its bounded width) is at most
  :data:`MAX_WAYS`;
* **guarded** patterns — every other one — run on the ``regex`` library (a well-kept
  drop-in for ``re``: the same syntax, lookarounds included, and the same Unicode meaning of
  ``\\d``, ``\\s`` and ``\\w``) with a timeout: the time the rule has left of its budget. A search
  that runs out of time is an :class:`~indicator_rules.dsl.semantics.EvaluationError` (a
  ``rule-error`` finding), never a hang.

A linear engine such as RE2 was not chosen: it refuses lookarounds (the baseline's V12 uses
one), and its ``\\d``, ``\\s``, ``\\w`` and ``$`` differ from Python's (no full-width spaces or
digits), so existing rulesets would silently change meaning. The two tiers keep the common
patterns at ``re``'s speed (``regex`` with a timeout costs a few microseconds a search).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import regex

from indicator_rules.dsl.semantics import RULE_SECONDS, EvaluationError

if TYPE_CHECKING:  # typeshed describes re's parser under its old, deprecated names
    import sre_constants as sre
    import sre_parse
else:  # the parse tree's opcodes, as re itself uses them (the old names warn when imported)
    from re import _constants as sre
    from re import _parser as sre_parse

__all__ = ["MAX_PATTERN_CHARS", "MAX_WAYS", "GuardedPattern", "PatternError", "RulePattern",
           "compile_pattern"]

#: The longest regular expression a rule may write (characters).
MAX_PATTERN_CHARS = 10_000
#: The most ways a bounded pattern may try to match at one position of the text (product of
#: its alternatives and repetition counts, times its width); a pattern over this is guarded.
MAX_WAYS = 10_000


class PatternError(Exception):
    """A rule's regular expression that cannot be used; ``position`` is the index of the
    offending character in the pattern, when known."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


class GuardedPattern:
    """A pattern run on the ``regex`` library with a timeout (see the module's docstring).

    It compares, hashes and pickles by its text, like a compiled ``re`` pattern does.
    """

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled = regex.compile(pattern)

    def found(self, text: str, deadline: float | None) -> bool:
        """Whether the pattern matches part of ``text``, searched until ``deadline`` (a
        :func:`time.monotonic` time; None: for :data:`RULE_SECONDS` from now)."""
        left = RULE_SECONDS if deadline is None else deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError
            return self._compiled.search(text, timeout=left) is not None
        except TimeoutError:
            raise EvaluationError(
                f"out of time: the rule ran out of its time budget in matches(…, "
                f"{_shown(self.pattern)}) over a text of {len(text):,} characters") from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GuardedPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(("guarded", self.pattern))

    def __reduce__(self) -> tuple[Any, ...]:
        return GuardedPattern, (self.pattern,)

    def __repr__(self) -> str:
        return f"GuardedPattern({self.pattern!r})"


#: What ``matches()`` is given as its compiled pattern.
RulePattern = re.Pattern[str] | GuardedPattern


def _shown(pattern: str) -> str:
    return repr(pattern if len(pattern) <= 60 else pattern[:60] + "…")


def compile_pattern(pattern: str) -> RulePattern:
    """The pattern compiled for the engine that runs it safely (see the module's docstring);
    raises :class:`PatternError` for a pattern that is invalid or too long."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"regular expression too long: {len(pattern):,} characters (at "
                           f"most {MAX_PATTERN_CHARS:,})", MAX_PATTERN_CHARS)
    try:
        compiled = re.compile(pattern)
        tree = sre_parse.parse(pattern)
    except re.error as error:
        raise PatternError(f"invalid regular expression: {error.msg}", error.pos or 0) from None
    except (OverflowError, RecursionError) as error:
        raise PatternError(f"regular expression too large: {error}") from None
    if _bounded(tree):
        return compiled
    try:
        return GuardedPattern(pattern)
    except regex.error as error:  # what re accepts and regex does not (none known)
        raise PatternError(f"invalid regular expression: {error}") from None


def _bounded(tree: sre_parse.SubPattern) -> bool:
    """Whether ``re`` searches with the pattern in time linear in the text."""
    shape = _Shape()
    ways = shape.ways(tree.data)
    if ways is None:
        return False
    if not shape.scans:
        return ways * max(1, _width(tree)) <= MAX_WAYS
    if _anchored(tree.data) and not tree.state.flags & re.MULTILINE:
        return ways <= MAX_WAYS  # tried at the start only, each run scanned once a way
    return ways * (_reach(tree.data) + 1) <= MAX_WAYS and _scans_stop_at_starts(tree, shape)


def _scans_stop_at_starts(tree: sre_parse.SubPattern, shape: _Shape) -> bool:
    """Whether no possessive run can take a character a match may start with
    (``[%％]\\s*+…``: a run of spaces never holds a %): then a stretch of text is scanned from
    at most as many starts as the pattern's other parts are wide, and the search is linear."""
    if tree.state.flags & re.IGNORECASE:
        return False
    starts = _first_characters(tree.data)
    return starts is not None and not any(
        _takes(op, argument, char) for op, argument in shape.scans for char in starts)


class _Shape:
    """What a parse tree allows: the ways it may try to match at one position, and whether
    it repeats without bound (possessively: ``possessive``)."""

    def __init__(self) -> None:
        #: what each possessive unbounded repetition takes: one character's item, or
        #: (None, None) when it repeats more than one
        self.scans: list[tuple[Any, Any]] = []

    def ways(self, items: Iterable[tuple[Any, Any]]) -> int | None:
        """The number of ways ``items`` (in sequence) may try to match at one position (an
        upper bound, capped just above :data:`MAX_WAYS`), or None when it is not bounded."""
        total = 1
        for op, argument in items:
            ways = self._item(op, argument)
            if ways is None:
                return None
            total = min(total * ways, MAX_WAYS + 1)
        return total

    def _item(self, op: Any, argument: Any) -> int | None:
        if op is sre.BRANCH:
            counts = [self.ways(branch.data) for branch in argument[1]]
            return None if None in counts else sum(count or 0 for count in counts)
        if op is sre.SUBPATTERN:
            return self.ways(argument[3].data)
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            return self.ways(argument[1].data)
        if op is sre.ATOMIC_GROUP:
            return self.ways(argument.data)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            return self._repeat(op, *argument)
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS, sre.GROUPREF_IGNORE, sre.GROUPREF_LOC_IGNORE,
                  sre.GROUPREF_UNI_IGNORE):
            return None  # a back-reference: matching may take exponential time
        return 1  # a character, a class, an anchor

    def _repeat(self, op: Any, least: int, most: int, body: sre_parse.SubPattern) -> int | None:
        inner = self.ways(body.data)
        if inner is None:
            return None
        if most is sre.MAXREPEAT:
            if op is not sre.POSSESSIVE_REPEAT:
                return None
            self.scans += body.data if len(body.data) == 1 else [(None, None)]
            return inner  # scans once and keeps what it took
        total, power = 0, 1
        for count in range(most + 1):
            if count >= least:
                total += power
            power = min(power * inner, MAX_WAYS + 1)
            if total > MAX_WAYS:
                break
        return min(total, MAX_WAYS + 1)


def _width(tree: sre_parse.SubPattern) -> int:
    """The most characters the pattern matches (capped; unbounded: large)."""
    try:
        widest: int = tree.getwidth()[1]
    except OverflowError:
        return MAX_WAYS + 1
    return min(widest, MAX_WAYS + 1)


def _reach(items: Iterable[tuple[Any, Any]]) -> int:
    """The most characters the pattern's parts other than its possessive runs take (and its
    lookarounds look at), capped."""
    total = 0
    for op, argument in items:
        if op is sre.BRANCH:
            width = max(_reach(branch.data) for branch in argument[1])
        elif op is sre.SUBPATTERN:
            width = _reach(argument[3].data)
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            width = _reach(argument[1].data)
        elif op is sre.ATOMIC_GROUP:
            width = _reach(argument.data)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            most, body = argument[1], argument[2]
            width = 0 if most is sre.MAXREPEAT else most * _reach(body.data)
        else:
            width = 0 if op is sre.AT else 1
        total = min(total + width, MAX_WAYS + 1)
    return total


def _first_characters(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The characters every match starts with (a few literals), or None when not known."""
    for op, argument in items:
        if op is sre.AT:
            continue  # takes no character
        if op is sre.LITERAL:
            return {chr(argument)}
        if op is sre.SUBPATTERN:
            return _first_characters(argument[3].data)
        if op is sre.BRANCH:
            found: set[str] = set()
            for branch in argument[1]:
                more = _first_characters(branch.data)
                if more is None:
                    return None
                found |= more
            return found
        if op is sre.IN and all(kind is sre.LITERAL for kind, _ in argument):
            return {chr(code) for _, code in argument}
        if op in (sre.MAX_REPEAT, sre.POSSESSIVE_REPEAT, sre.MIN_REPEAT) and argument[0] >= 1:
            return _first_characters(argument[2].data)
        return None
    return None


_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_NOT_DIGIT: r"\D",
               sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_NOT_SPACE: r"\S",
               sre.CATEGORY_WORD: r"\w", sre.CATEGORY_NOT_WORD: r"\W"}


def _takes(op: Any, argument: Any, char: str) -> bool:
    """Whether the one-character item (``op``, ``argument``) may take ``char`` (when not sure:
    yes)."""
    if op is sre.LITERAL:
        return bool(ord(char) == argument)
    if op is sre.NOT_LITERAL:
        return bool(ord(char) != argument)
    if op is not sre.IN:
        return True
    negated = bool(argument) and argument[0][0] is sre.NEGATE
    hit = False
    for kind, value in argument:
        if kind is sre.LITERAL:
            hit |= ord(char) == value
        elif kind is sre.RANGE:
            hit |= value[0] <= ord(char) <= value[1]
        elif kind is sre.CATEGORY:
            category = _CATEGORIES.get(value)
            hit |= category is None or re.match(category, char) is not None
        elif kind is not sre.NEGATE:
            return True
    return hit != negated


def _anchored(items: list[tuple[Any, Any]]) -> bool:
    """Whether every way of matching starts at the beginning of the text."""
    if not items:
        return False
    op, argument = items[0]
    if op is sre.AT:
        return argument in (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)
    if op is sre.SUBPATTERN:
        return _anchored(argument[3].data)
    if op is sre.BRANCH:
        return all(_anchored(branch.data) for branch in argument[1])
    return False
