"""The productions' matcher finds what pyparsing's ``parse_string`` finds, everywhere.

``parse_value`` matches the grammar's two located productions through
``indicator_rules.values._matcher`` instead of ``parse_string`` (the same compiled patterns
without pyparsing's per-call machinery). Here both are run at every position of the value-table
texts and the generated 指标值 (as written and normalised, as ``parse_value`` reads them) and of
drawn text over the grammar's own characters and the whitespace pyparsing skips, and must
agree on where a match begins and ends, which patterns matched with which groups, and the
results names.
"""

from __future__ import annotations

import re
from typing import Any

import pyparsing as pp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicator_rules.testing.strategies import indicator_values
from indicator_rules.values._grammar import date_mention, target
from indicator_rules.values._matcher import Found, matcher
from indicator_rules.values._numerals import normalise
from indicator_rules.values._parse import WINDOW
from tests.values.test_value_table import CASES

PRODUCTIONS = {"target": target, "date": date_mention}
MATCHERS = {name: matcher(production) for name, production in PRODUCTIONS.items()}
#: what the grammar is written in: digits, units, comparator and date words, spaces, dashes
ALPHABET = ("0123456789.%-~至年月日底前内季度第上下半每全约≥≤<>=不少于超过以上以内左右余多"
            "个次人万元亿百分之一二三四五六七八九十两 \t\n\r\u3000\x1f，,（）()/：:Qq")


def _described(found: Found | None) -> Any:
    if found is None:
        return None
    return (found.begin, found.end, [(token.re.pattern, token.span(), token.groupdict())
                                     for token in found.tokens], found.names)


def _by_pyparsing(production: pp.ParserElement, text: str) -> Any:
    try:
        located = production.parse_string(text)
    except pp.ParseBaseException:
        return None
    value = located["value"]
    tokens = [token for token in value if isinstance(token, re.Match)]
    assert len(tokens) == len(value)  # every token is a match: nothing else to compare
    return (located["locn_start"], located["locn_end"],
            [(token.re.pattern, token.span(), token.groupdict()) for token in tokens],
            frozenset(value.keys()))


def _agree_everywhere(text: str) -> int:
    """Compare at every position of ``text`` and of its normalised form, on the window
    ``_scan`` gives from there; the matches found."""
    found = 0
    for work in (text, normalise(text)):
        for position in range(len(work)):
            window = work[position: position + WINDOW]
            for name, production in PRODUCTIONS.items():
                expected = _by_pyparsing(production, window)
                assert _described(MATCHERS[name](window)) == expected, (name, window)
                found += expected is not None
    return found


def test_the_matchers_agree_with_pyparsing_on_the_value_table():
    matched = sum(_agree_everywhere(case.text) for case in CASES)
    assert matched > len(CASES)  # the comparison saw matches, not only failures


@given(indicator_values())
def test_the_matchers_agree_with_pyparsing_on_generated_values(sample: Any):
    _agree_everywhere(sample.text)


@given(st.text(ALPHABET, max_size=24))
def test_the_matchers_agree_with_pyparsing_on_drawn_text(text: str):
    _agree_everywhere(text)


def test_whitespace_is_skipped_where_pyparsing_skips_it():
    # between the lead words and the number (skipped, newline included), never before the tail
    assert _agree_everywhere("至少\n3 次 以上；\t≥ 95%") > 0


def test_a_production_the_matcher_cannot_follow_is_refused():
    with pytest.raises(TypeError, match="Located"):
        matcher(pp.Regex("a", as_match=True))
    with pytest.raises(TypeError, match="as_match"):
        matcher(pp.Located(pp.Regex("a")))
    with pytest.raises(TypeError, match="only Regex"):
        matcher(pp.Located(pp.Opt(pp.Regex("a", as_match=True))))
    with pytest.raises(TypeError, match="parse actions"):
        matcher(pp.Located(pp.Regex("a", as_match=True).add_parse_action(lambda t: t)))
    with pytest.raises(TypeError, match="named Located"):
        matcher(pp.Located(pp.Regex("a", as_match=True))("x"))
