"""Rule regular expressions: each runs on the engine that keeps it linear or guarded
(dsl/patterns.py), and means what it means to Python's ``re``."""

from __future__ import annotations

import pickle
import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicator_rules.dsl.patterns import (
    MAX_PATTERN_CHARS,
    GuardedPattern,
    PatternError,
    compile_pattern,
)
from indicator_rules.dsl.semantics import EvaluationError


@pytest.mark.parametrize("pattern", [
    r"[，,；;。]", r"(率|比例|比率|比重|占比|满意度)$", r"^(无|待定|待填|暂无|NA|N/A|na|n/a|略)$",
    r"第?[一二三四1-4１-４]季度|上半年", r"\d{1,3}", r"^\s*+[（(]?(\d{1,3})[)）]?\s*+$",
    r"^(?:[xX×＊]++|某某++|待定)$", r"\A\s*+x",
    # not anchored, but no run of spaces takes the % a match starts with
    r"[%％]\s*+(?:[的地]\s*+)?(?:坚持|执行)(?![\u4e00-\u9fff]{0,4}率)|(?:确保|实现)\s*+100",
])
def test_bounded_patterns_run_on_re(pattern: str):
    assert isinstance(compile_pattern(pattern), re.Pattern)


@pytest.mark.parametrize("pattern", [
    r"^(a+)+$",  # nested unbounded repetition
    r"\d+x",  # unanchored: every start position scans the run of digits again
    r"(\w)\1",  # a back-reference
    r"\s*+x",  # possessive but not anchored: still a scan from every position
    r"(?m)^\s*+x",  # ^ of every line
    r"(?:a|a){0,40}b",  # bounded, but 2**40 ways to try
    r"[%％]\s*(?:的|地)?\s*(?:坚持)(?![\u4e00-\u9fff]{0,4}率)",
    r"x[^y]*+z",  # possessive, but the run may hold the x a match starts with
    r"1\d*+x",
    r"(?i)a\s*+b",
])
def test_patterns_that_may_backtrack_are_guarded(pattern: str):
    assert isinstance(compile_pattern(pattern), GuardedPattern)


def test_a_guarded_search_that_runs_out_of_time_is_an_evaluation_error():
    pattern = compile_pattern(r"^(a|aa)+$")
    assert isinstance(pattern, GuardedPattern)
    started = time.monotonic()
    with pytest.raises(EvaluationError, match=r"out of time.*matches\(…, '\^\(a\|aa\)\+\$'\)"):
        pattern.found("a" * 60 + "b", time.monotonic() + 0.2)
    assert time.monotonic() - started < 5
    with pytest.raises(EvaluationError, match="out of time"):  # no time left: not even tried
        pattern.found("a", time.monotonic() - 1)


def test_guarded_patterns_compare_and_pickle_by_their_text():
    pattern = compile_pattern(r"\d+x")
    again = pickle.loads(pickle.dumps(pattern))
    assert again == pattern
    assert hash(again) == hash(pattern)
    assert again is not pattern
    assert isinstance(again, GuardedPattern)
    assert again.found("12x", None)
    assert not again.found("12", None)


def test_too_long_or_invalid_patterns_are_refused_with_their_position():
    with pytest.raises(PatternError, match="too long"):
        compile_pattern("a" * (MAX_PATTERN_CHARS + 1))
    with pytest.raises(PatternError, match="invalid regular expression") as caught:
        compile_pattern("ab(c")
    assert caught.value.position == 2


_PIECES = ["a", "b", "aa", " ", "\u3000", "１", "1", "%", "率", "中", "\n", "x"]
_PATTERNS = [r"\s+x", r"\d+", r"\w+率", r"(a|aa)+b", r"%\s*(?!率)", r"^\s*\d+\s*$", r"(a)\1",
             r"[^\d\s]{1,3}$"]


@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join),
       st.sampled_from(_PATTERNS))
def test_guarded_patterns_mean_what_re_means(text: str, pattern: str):
    """The regex library with a timeout finds what re finds, Unicode classes included (a
    full-width space is a space, a full-width digit a digit, a Chinese character a letter)."""
    guarded = GuardedPattern(pattern)
    assert guarded.found(text, None) == (re.search(pattern, text) is not None)
