"""The 指标值 productions matched as pyparsing matches them, without its per-call machinery.

The grammar (``_grammar``) is written in pyparsing, and every production in it is a ``Regex``
yielding its ``re.Match``, combined with ``+`` (``And``), ``|`` (``MatchFirst``) and
``Located``. For that subset pyparsing's meaning is simple: a ``Regex`` matches its compiled
pattern where it stands (no backtracking into it afterwards), ``And`` matches its parts one after
the other, ``MatchFirst`` takes the first alternative that matches, and an element skips its
whitespace characters first unless told not to. Called through ``parse_string``, though, each
attempt builds results objects and raises an exception per failed alternative: about 25 µs a
target, against 2–5 µs for the same patterns matched directly.

:func:`matcher` walks a ``Located`` production once and returns a function doing the same
matching with the same compiled patterns, reading each element's own settings (whitespace
characters, ``leave_whitespace``, results names). It refuses any other kind of element (a parse
action, an ``Opt``, a ``Regex`` without ``as_match``), so a grammar change it cannot follow is an
error at import, not a silent difference; tests/values/test_matcher.py compares it with
``parse_string`` on the sample values and on drawn text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs
import pyparsing as pp

__all__ = ["Found", "matcher"]


@attrs.frozen
class Found:
    """A match of a ``Located`` production at the start of a text: where it begins (its
    ``locn_start``: 0 for these productions, whose ``Located`` skips no whitespace) and ends,
    the ``re.Match`` of each regex matched, in order, and the results names of the elements that
    matched (``"range"``, ``"deadline"`` …)."""

    begin: int
    end: int
    tokens: tuple[re.Match[str], ...]
    names: frozenset[str]


#: An element's matcher: at ``loc`` of the text (skipping whitespace first when the flag says
#: so, as pyparsing's pre-parse does), the end, the matches and the names; None: no match.
_Step = Callable[[str, int, bool], "tuple[int, list[re.Match[str]], set[str]] | None"]


def matcher(production: pp.ParserElement) -> Callable[[str], Found | None]:
    """A function matching ``production`` (a ``Located`` element) at the start of a text, as
    ``production.parse_string(text)`` does, or giving None where that raises."""
    if type(production) is not pp.Located:
        raise TypeError(f"expected a Located production, got {type(production).__name__}")
    if production.resultsName:  # pyparsing would wrap the located results in a list
        raise TypeError(f"{production!r}: a named Located production is not supported")
    _plain(production)
    inner = _compile(production.expr)
    skip = _skipper(production)

    def match(text: str) -> Found | None:
        begin = skip(text, 0)
        found = inner(text, begin, False)  # Located does not pre-parse its expression
        if found is None:
            return None
        end, tokens, names = found
        return Found(begin, end, tuple(tokens), frozenset(names))

    return match


def _plain(element: pp.ParserElement) -> None:
    """Refuse what would make pyparsing's matching differ from the patterns' own."""
    if (element.parseAction or element.ignoreExprs or element.failAction or element.debug
            or getattr(element, "callDuringTry", False)):
        raise TypeError(f"{element!r}: parse actions, fail actions, debugging and ignored "
                        "expressions are not supported")


def _skipper(element: pp.ParserElement) -> Callable[[str, int], int]:
    """What the element's pre-parse does: skip its whitespace characters, if it skips any."""
    if not (element.skipWhitespace and element.callPreparse):
        return lambda text, loc: loc
    white = element.whiteChars

    def skip(text: str, loc: int) -> int:
        end = len(text)
        while loc < end and text[loc] in white:
            loc += 1
        return loc

    return skip


def _compile(element: pp.ParserElement) -> _Step:
    _plain(element)
    exact = type(element) in (pp.Regex, pp.And, pp.MatchFirst)  # a subclass may match otherwise
    if exact and isinstance(element, pp.Regex):
        return _regex(element)
    if exact and isinstance(element, pp.And):
        return _and(element)
    if exact and isinstance(element, pp.MatchFirst):
        return _first(element)
    raise TypeError(f"{element!r}: only Regex (as_match), And and MatchFirst are supported")


def _regex(element: pp.Regex) -> _Step:
    if not element.asMatch:
        raise TypeError(f"{element!r}: a Regex must yield its re.Match (as_match=True)")
    pattern: re.Pattern[str] = element.re
    skip = _skipper(element)
    name = element.resultsName

    def step(text: str, loc: int, pre: bool) -> tuple[int, list[re.Match[str]], set[str]] | None:
        if pre:
            loc = skip(text, loc)
        found = pattern.match(text, loc)  # past the end (never here) it does not match
        if found is None:
            return None
        return found.end(), [found], {name} if name else set()

    return step


def _and(element: pp.And) -> _Step:
    first, *rest = (_compile(part) for part in element.exprs)
    skip = _skipper(element)
    name = element.resultsName

    def step(text: str, loc: int, pre: bool) -> tuple[int, list[re.Match[str]], set[str]] | None:
        if pre:
            loc = skip(text, loc)
        found = first(text, loc, False)  # And pre-parses for its first part
        if found is None:
            return None
        loc, tokens, names = found
        for part in rest:
            more = part(text, loc, True)
            if more is None:
                return None
            loc = more[0]
            tokens += more[1]
            names |= more[2]
        if name:
            names.add(name)
        return loc, tokens, names

    return step


def _first(element: pp.MatchFirst) -> _Step:
    alternatives = [_compile(part) for part in element.exprs]
    skip = _skipper(element)
    name = element.resultsName

    def step(text: str, loc: int, pre: bool) -> tuple[int, list[re.Match[str]], set[str]] | None:
        if pre:
            loc = skip(text, loc)
        for alternative in alternatives:
            found = alternative(text, loc, True)
            if found is not None:
                if name:
                    found[2].add(name)
                return found
        return None

    return step
