"""JSON form, one-line description, canonical text and money amounts of parsed values."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

import indicator_rules.values as values
from indicator_rules.values import (
    Comparator,
    ParsedValue,
    PartialDate,
    Target,
    UnitKind,
    describe_value,
    parse_value,
    render_target,
    value_to_json,
)

# fmt: off
TARGET_KEYS = [
    "comparator", "number", "upper", "unit", "unit_kind", "period", "yearly", "approx",
    "implied", "subject", "span",
]
VALUE_KEYS = [
    "text", "targets", "grade", "quantified", "graded", "dated", "deadline", "date_range",
    "frequency", "years", "suspected", "reason",
]
# fmt: on


def test_every_public_name_is_importable_and_documented() -> None:
    # ruff's RUF022 order: CONSTANTS, then Classes, then functions, each alphabetical
    assert values.__all__ == sorted(
        values.__all__, key=lambda name: (not name.isupper(), not name[0].isupper(), name)
    )
    for name in values.__all__:
        assert getattr(values, name).__doc__ or name in ("CACHE_SIZE", "MONEY_TO_WAN")


def _targets_of(data: dict[str, object]) -> list[dict[str, object]]:
    targets = data["targets"]
    assert isinstance(targets, list)
    return targets


def test_json_keys_and_types() -> None:
    data = value_to_json(parse_value("每季度至少 1 次"))
    assert list(data) == VALUE_KEYS
    (target,) = _targets_of(data)
    assert list(target) == TARGET_KEYS
    assert target == {
        "comparator": ">=",
        "number": "1",
        "upper": None,
        "unit": "次",
        "unit_kind": "count",
        "period": "季度",
        "yearly": "4",
        "approx": False,
        "implied": False,
        "subject": None,
        "span": [0, 9],
    }
    assert data["quantified"] is True
    assert data["grade"] is None
    assert data["frequency"] == "季度"


def test_json_numbers_are_plain_decimal_strings() -> None:
    data = value_to_json(parse_value("0.5万元 90%-95% 26.00"))
    numbers = [(t["number"], t["upper"]) for t in _targets_of(data)]
    assert numbers == [("0.5", None), ("90", "95"), ("26.00", None)]
    assert _targets_of(value_to_json(parse_value("1.2万人次")))[0]["number"] == "12000"


@pytest.mark.parametrize(
    "text",
    ["", "合格", "2023.07-2024.01", "2021年12月底前", "292%", "全年约 5 次", "按月发放", "一批"],
)
def test_json_dumps_with_the_stdlib(text: str) -> None:
    data = value_to_json(parse_value(text))
    dumped = json.dumps(data, ensure_ascii=False)
    assert json.loads(dumped) == data
    assert "Decimal" not in dumped


def test_json_of_dates_grade_and_reason() -> None:
    ranged = value_to_json(parse_value("2023.07-2024.01"))
    assert ranged["date_range"] == {
        "start": {"year": 2023, "month": 7, "day": 1, "end_of_month": False, "year_offset": 0},
        "end": {"year": 2024, "month": 1, "day": 31, "end_of_month": False, "year_offset": 0},
    }
    assert ranged["dated"] is True
    assert ranged["years"] == [2023, 2024]
    graded = value_to_json(parse_value("合格"))
    assert (graded["grade"], graded["graded"], graded["quantified"]) == ("合格", True, False)
    unread = value_to_json(parse_value("长期坚持"))
    assert unread["quantified"] is False
    assert unread["reason"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("每季度至少1次", "≥ 1 次/季度（折合每年 ≥ 4 次）"),
        ("满意度 95%以上", "≥ 95 %"),
        ("约20万元", "≈ 20 万元"),
        ("1000余个", "> 1000 个（约数）"),
        ("90%-95%", "90–95 %"),
        ("全覆盖", "= 100 %（由文字推断）"),
        ("合格", "未量化；等级：合格"),
        ("2021年12月底前", "未量化；截止：2021年12月31日前"),
        ("按月发放", "未量化；频次：每月"),
        ("长期坚持", "未量化：未找到数值、等级、日期或频次"),
        ("≤-5%", "≤ -5 %"),
        ("50%±5%", "45–55 %"),
        ("2/3以上", "≥ 66.67 %（约数）"),
        ("三分之一", "≈ 33.33 %"),
        ("次年3月", "未量化；截止：次年3月31日前"),
        ("数千人", "未量化：“数千”不是数值"),
    ],
)
def test_describe_value(text: str, line: str) -> None:
    assert describe_value(parse_value(text)) == line


def test_json_of_a_next_year_deadline() -> None:
    data = value_to_json(parse_value("次年3月"))
    assert data["deadline"] == {
        "year": None,
        "month": 3,
        "day": 31,
        "end_of_month": False,
        "year_offset": 1,
    }


def test_next_year_deadline_is_after_the_project_year() -> None:
    deadline = parse_value("次年3月底前").deadline
    assert deadline == PartialDate(month=3, day=31, year_offset=1)
    assert deadline.latest(2021).isoformat() == "2022-03-31"
    assert PartialDate(year=2021, month=3, year_offset=1).latest(2030).isoformat() == "2021-03-31"


def test_describe_mentions_suspicions() -> None:
    assert "疑似识别错误" in describe_value(parse_value("292%"))


@pytest.mark.parametrize(
    ("target", "text"),
    [
        (Target(Comparator.GE, Decimal(1), unit="次", period="季度"), "每季度≥1次"),
        (Target(Comparator.APPROX, Decimal(20), unit="万元", approx=True), "约20万元"),
        (Target(Comparator.GE, Decimal(90), upper=Decimal(95), unit="%"), "90%-95%"),
        (Target(Comparator.GE, Decimal(3), upper=Decimal(5), unit="次"), "3-5次"),
        (Target(Comparator.GT, Decimal(1000), unit="个", approx=True), "1000余个"),
        (Target(Comparator.EQ, Decimal("26.00")), "26.00"),
        (Target(Comparator.LE, Decimal(65), unit="万元"), "≤65万元"),
        (Target(Comparator.LT, Decimal(5), unit="%", period="年"), "全年<5%"),
        (Target(Comparator.LE, Decimal(-5), unit="%"), "≤-5%"),
        (Target(Comparator.EQ, Decimal("-3.5"), unit="%"), "-3.5%"),
        (Target(Comparator.GE, Decimal(-5), upper=Decimal(-3), unit="次"), "-5至-3次"),
        (Target(Comparator.GE, Decimal(-5), upper=Decimal(3), unit="%"), "-5%至3%"),
    ],
)
def test_render_target(target: Target, text: str) -> None:
    assert render_target(target) == text


def _amount(text: str, form_money_unit: str = "万元") -> Decimal | None:
    return parse_value(text).amount_in_wan(form_money_unit)


@pytest.mark.parametrize(
    ("text", "form_money_unit", "amount"),
    [
        ("30万元", "万元", "30"),
        ("250万", "万元", "250"),
        ("5000元", "万元", "0.5"),
        ("1.5亿元", "万元", "15000"),
        ("5千元", "万元", "0.5"),
        ("26.00", "万元", "26.00"),
        ("26.00", "元", "0.0026"),
        ("≤65万元", "元", "65"),
        (
            "全年拿出 20 万开展相关活动 拿出约 20 万元打造一批全省、全市示范性“五化”支部",
            "万元",
            "40",
        ),
        ("20-30万元", "万元", "30"),
    ],
)
def test_amount_in_wan(text: str, form_money_unit: str, amount: str) -> None:
    assert _amount(text, form_money_unit) == Decimal(amount)


@pytest.mark.parametrize("text", ["100%", "3次", "200元/人·月", "合格", "", "全覆盖", "零事故"])
def test_amount_in_wan_is_none_without_money(text: str) -> None:
    assert _amount(text) is None


def test_amount_ignores_non_money_targets_next_to_money() -> None:
    assert _amount("培训3次，经费10万元") == Decimal(10)


def test_target_amount_in_wan() -> None:
    assert Target(Comparator.EQ, Decimal(3), unit="次").amount_in_wan() is None
    assert Target(Comparator.EQ, Decimal(8)).amount_in_wan("千元") == Decimal("0.8")
    assert Target(Comparator.EQ, Decimal(8)).amount_in_wan(" 元 ") == Decimal("0.0008")
    with pytest.raises(ValueError, match="not a money unit"):
        Target(Comparator.EQ, Decimal(8)).amount_in_wan("个")


@pytest.mark.parametrize("unit", ["个", "", "美元", "万元/人", "wan"])
@pytest.mark.parametrize(
    "owner",
    [
        Target(Comparator.EQ, Decimal(8)),
        Target(Comparator.EQ, Decimal(8), unit="万元"),
        Target(Comparator.EQ, Decimal(8), unit="次"),
        parse_value("30万元"),
        parse_value("3次"),
        parse_value("合格"),
    ],
    ids=["bare", "money", "count", "value-money", "value-count", "value-grade"],
)
def test_unknown_form_money_unit_always_raises(owner: Target | ParsedValue, unit: str) -> None:
    with pytest.raises(ValueError, match=r"not a money unit: .*expected one of 元、千元、万元"):
        owner.amount_in_wan(unit)


def test_non_text_form_money_unit_raises_value_error() -> None:
    bad: object = None
    with pytest.raises(ValueError, match="not a money unit: None"):
        parse_value("30万元").amount_in_wan(bad)  # type: ignore[arg-type]


def test_money_to_wan_is_exported_and_read_only() -> None:
    assert dict(values.MONEY_TO_WAN) == {
        "元": Decimal("0.0001"),
        "千元": Decimal("0.1"),
        "万元": Decimal(1),
        "万": Decimal(1),
        "亿元": Decimal(10000),
        "亿": Decimal(10000),
    }
    with pytest.raises(TypeError):
        values.MONEY_TO_WAN["美元"] = Decimal(1)  # type: ignore[index]


def test_unit_kinds() -> None:
    kinds = {
        text: parse_value(text).targets[0].unit_kind
        for text in (
            "3次",
            "5天",
            "12公里",
            "500㎡",
            "200m³",
            "50吨",
            "30万元",
            "200元/人",
            "95%",
            "2‰",
            "90分",
            "26",
        )
    }
    assert kinds == {
        "3次": UnitKind.COUNT,
        "5天": UnitKind.TIME,
        "12公里": UnitKind.LENGTH,
        "500㎡": UnitKind.AREA,
        "200m³": UnitKind.VOLUME,
        "50吨": UnitKind.WEIGHT,
        "30万元": UnitKind.MONEY,
        "200元/人": UnitKind.UNIT_COST,
        "95%": UnitKind.PERCENT,
        "2‰": UnitKind.PERMILLE,
        "90分": UnitKind.OTHER,
        "26": UnitKind.NONE,
    }


def test_comparator_values_are_the_six_strings() -> None:
    assert {c.value for c in Comparator} == {">=", "<=", "=", ">", "<", "≈"}
