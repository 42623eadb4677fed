"""Reading a long 指标值 takes time in proportion to its length (issue #19).

A cell may hold 100,000 characters (``InputLimits.max_text_chars``; Excel allows 32,767). Each
date found used to be blanked out by copying the whole text again, so a cell of 20,000 dates
took time growing as the square of its length (6.5 s for 200,000 characters, 20 s for
400,000)."""

from __future__ import annotations

import time

import pytest

from indicator_rules.values import parse_value


@pytest.mark.parametrize(("unit", "years"), [("2020年", 1), ("2021年2月30日前", 1),
                                           ("12月底前完成，", 0)])
def test_a_long_value_full_of_dates_is_read_in_linear_time(unit: str, years: int):
    count = 400_000 // len(unit)
    started = time.monotonic()
    parsed = parse_value(unit * count)
    assert time.monotonic() - started < 15  # a guard against the square, not a speed target
    assert len(parsed.years) == years * count  # every date was read (and blanked out)
    assert parsed.dated == (years == 0)
