"""Hypothesis properties of the 指标值 parser: round trip, never raising, spans, caching."""

from __future__ import annotations

from decimal import Decimal

import attrs
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from indicator_rules.values import (
    Comparator,
    Target,
    describe_value,
    parse_value,
    render_target,
    value_to_json,
)
from indicator_rules.values._units import UNIT_KINDS, UnitKind

PERIODS = ("年", "半年", "季度", "月", "周", "日")
UNITS = (None, *sorted(UNIT_KINDS))


def decimals() -> st.SearchStrategy[Decimal]:
    """Decimals as people write them: up to 9 digits, up to 4 decimal places, either sign."""
    return st.builds(
        lambda number, negative: -number if negative and number else number,
        non_negative_decimals(),
        st.booleans(),
    )


def non_negative_decimals() -> st.SearchStrategy[Decimal]:
    """Non-negative decimals: up to 9 digits, up to 4 decimal places."""
    return st.builds(
        lambda integer, places, fraction: (
            Decimal(f"{integer}.{fraction:0{places}d}") if places else Decimal(integer)
        ),
        st.integers(min_value=0, max_value=999_999_999),
        st.integers(min_value=0, max_value=4),
        st.integers(min_value=0, max_value=9999),
    ).filter(lambda number: len(str(number).partition(".")[2]) <= 4)


@st.composite
def targets(draw: st.DrawFn) -> Target:
    """Targets the parser can produce: ≈ always comes with approx=True, ranges are ordered."""
    comparator = draw(st.sampled_from(Comparator))
    approx = True if comparator is Comparator.APPROX else draw(st.booleans())
    number = draw(decimals())
    upper = None
    if comparator is not Comparator.APPROX and draw(st.booleans()):
        upper = number + draw(non_negative_decimals())
    unit = draw(st.sampled_from(UNITS))
    if unit == "年" and upper is None:
        # 2021年 is a year, not a count of years (and -2021年 is a minus sign before a year)
        assume(not (number == number.to_integral_value() and 1900 <= abs(number) <= 2099))
    if unit == "年" and upper is not None:
        assume(not (1900 <= abs(number) <= 2099 and 1900 <= abs(upper) <= 2099))
    period = draw(st.sampled_from((None, *PERIODS)))
    return Target(
        comparator=comparator, number=number, upper=upper, unit=unit, period=period, approx=approx
    )


def _comparable(target: Target) -> Target:
    return attrs.evolve(target, span=(0, 0), subject=None)


@given(targets())
@example(Target(Comparator.LE, Decimal(-5), unit="%"))
@example(Target(Comparator.GE, Decimal("-5.5"), upper=Decimal(-3), unit="次", period="季度"))
@example(Target(Comparator.GT, Decimal(-1000), unit="个", approx=True))
@example(Target(Comparator.APPROX, Decimal(-20), unit="万元", approx=True, period="年"))
def test_rendered_target_parses_back(target: Target) -> None:
    text = render_target(target)
    parsed = parse_value(text)
    assert tuple(_comparable(found) for found in parsed.targets) == (_comparable(target),), text


@given(targets())
def test_rendered_target_span_covers_the_whole_text(target: Target) -> None:
    text = render_target(target)
    (found,) = parse_value(text).targets
    assert found.span == (0, len(text))


FRAGMENTS = (
    "0",
    "1",
    "2",
    "9",
    "95",
    "100",
    "1,000",
    "0.5",
    "１２",
    "．",
    "一",
    "二",
    "两",
    "十",
    "百",
    "千",
    "万",
    "亿",
    "零",
    "〇",
    "五",
    "次",
    "人次",
    "个",
    "万元",
    "元",
    "%",
    "％",
    "‰",
    "年",
    "月",
    "日",
    "底",
    "前",
    "季度",
    "每",
    "按",
    "全年",
    "每季度",
    "≥",
    "≤",
    "＞＝",
    ">",
    "<",
    "=",
    "≈",
    "约",
    "余",
    "多",
    "左右",
    "以上",
    "以内",
    "内",
    "不少",
    "不少于",
    "至少",
    "达到",
    "控制在",
    "超过",
    "低于",
    "为",
    "-",
    "~",
    "～",
    "至",
    "到",
    "/",
    ".",
    ",",
    "，",
    "、",
    " ",
    "\u3000",
    "\t",
    "\n",
    "(",
    "（",
    "含",
    "）",
    "百分之",
    "全覆盖",
    "不落",
    "不发生",
    "零事故",
    "合格",
    "达标",
    "显著",
    "一般",
    "一批",
    "若干",
    "2021",
    "2023.07",
    "年度",
    "第",
    "号",
    "G",
    "km",
    "m²",
    "㎡",
    "元/人·月",
    "二100",
    "292%",
    "-5%",
    "-",
    "±",
    "/",
    "2/3",
    "三分之一",
    "千分之",
    "千余",
    "近千",
    "上千",
    "数千",
    "次年",
    "12.31前",
    "2021-12-31",
    "2022-06",
    "1，200",
    "99999999999999999999",
    "0.000000001",
    "\x00",
    "\x1f",
    "\ud7ff",
    "𠀀",
)


def value_like_text() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join)


def _check_invariants(text: str) -> None:
    parsed = parse_value(text)
    assert parsed.text == text
    previous_end = 0
    for target in parsed.targets:
        start, end = target.span
        assert previous_end <= start < end <= len(text)
        previous_end = end
        assert target.upper is None or target.upper >= target.number
    assert parsed.quantified is bool(parsed.targets)
    assert (parsed.reason is None) is bool(
        parsed.targets or parsed.grade or parsed.dated or parsed.frequency
    )
    describe_value(parsed)
    value_to_json(parsed)


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    _check_invariants(text)


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_never_raises_on_control_and_surrogate_characters(text: str) -> None:
    _check_invariants(text)


@given(value_like_text())
@settings(max_examples=300)
def test_never_raises_on_value_like_text(text: str) -> None:
    _check_invariants(text)


@given(st.lists(value_like_text(), min_size=50, max_size=200).map(" ".join))
@settings(max_examples=10)
def test_never_raises_on_long_text(text: str) -> None:
    _check_invariants(text)


def test_very_long_inputs() -> None:
    for text in (
        "9" * 40 + "万人",
        "9" * 79 + ".5亿人次/日",
        "0." + "0" * 70 + "1万",
        "9" * 100_000,
        "一" * 20_000,
        "≥" * 10_000 + "95%",
        "95%以上 " * 5_000,
    ):
        _check_invariants(text)


@given(value_like_text())
def test_result_is_deterministic_and_cached(text: str) -> None:
    first = parse_value(text)
    again = parse_value(text)
    assert again is first
    parse_value.cache_clear()
    fresh = parse_value(text)
    assert fresh == first
    assert fresh is not first


def test_cache_is_bounded() -> None:
    assert parse_value.cache_info().maxsize is not None


@given(targets())
def test_unit_kind_and_yearly_are_consistent(target: Target) -> None:
    if target.unit is None:
        assert target.unit_kind is UnitKind.NONE
    if target.period is None or target.unit_kind in (UnitKind.PERCENT, UnitKind.PERMILLE):
        assert target.yearly is None
    else:
        assert target.yearly is not None
        assert abs(target.yearly) >= abs(target.number)
