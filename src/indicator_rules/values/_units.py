"""Unit and period tables for 指标值 (indicator values): what a unit measures, how it converts."""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping
from decimal import Decimal


class UnitKind(enum.Enum):
    """What a unit measures (计量单位的类别)."""

    COUNT = "count"
    TIME = "time"
    LENGTH = "length"
    AREA = "area"
    VOLUME = "volume"
    WEIGHT = "weight"
    MONEY = "money"
    UNIT_COST = "unit_cost"
    PERCENT = "percent"
    PERMILLE = "permille"
    CONCENTRATION = "concentration"
    OTHER = "other"
    NONE = "none"


# fmt: off
_COUNT_UNITS = (
    "次", "场次", "场", "期", "批次", "批", "轮", "人次", "人", "名", "户次", "户", "家次", "家",
    "个", "项", "件", "份", "套", "台", "辆", "种", "门", "篇", "起", "所", "处", "条", "册",
    "本", "张", "座", "栋", "间", "位", "只", "头", "株", "棵", "块", "首", "幅", "架次", "批人",
    "盏", "床位", "床", "部", "部门", "艘", "根", "箱", "袋", "匹", "口", "眼", "支", "把", "枚",
    "颗", "剂次", "剂", "尾", "羽",
)
_TIME_UNITS = (
    "个工作日", "工作日", "个月", "小时", "学时", "课时", "分钟", "天", "日", "月", "年", "周",
)
_LENGTH_UNITS = (
    "米", "延米", "m", "M", "公里", "km", "KM", "Km", "千米", "厘米", "cm", "毫米", "mm",
)
_AREA_UNITS = ("平方米", "㎡", "m²", "m2", "平方公里", "km²", "亩", "公顷")
_VOLUME_UNITS = ("立方米", "m³", "m3", "㎥", "立方")
_WEIGHT_UNITS = ("吨", "千克", "公斤", "kg", "KG", "克", "毫克", "微克")
_CONCENTRATION_UNITS = (
    "微克/立方米", "毫克/立方米", "μg/m³", "μg/m3", "ug/m³", "ug/m3", "mg/m³", "mg/m3",
    "毫克/升", "微克/升", "mg/L", "mg/l", "μg/L", "μg/l",
)
_MONEY_UNITS = ("元", "万元", "亿元", "千元")
_PERCENT_UNITS = ("%", "个百分点", "百分点")
_PERMILLE_UNITS = ("‰",)
_OTHER_UNITS = ("分", "分贝", "dB", "dB(A)", "倍", "℃", "周岁", "岁")
_COST_DENOMINATORS = (
    "人", "人次", "户", "人·月", "人/月", "人月", "人·年", "人/年", "人·天", "人/天", "人·日",
    "次", "个", "件", "台", "套", "项", "公里", "km", "千米", "米", "m", "平方米", "㎡", "m²", "亩",
    "吨", "床", "生",
)
# fmt: on

#: The bare multipliers 万 and 亿 (250万) read as money units when no other unit follows.
BARE_MONEY_UNITS = ("万", "亿")


def _unit_table() -> dict[str, UnitKind]:
    table: dict[str, UnitKind] = {}
    groups = (
        (_COUNT_UNITS, UnitKind.COUNT),
        (_TIME_UNITS, UnitKind.TIME),
        (_LENGTH_UNITS, UnitKind.LENGTH),
        (_AREA_UNITS, UnitKind.AREA),
        (_VOLUME_UNITS, UnitKind.VOLUME),
        (_WEIGHT_UNITS, UnitKind.WEIGHT),
        (_CONCENTRATION_UNITS, UnitKind.CONCENTRATION),
        (_MONEY_UNITS + BARE_MONEY_UNITS, UnitKind.MONEY),
        (_PERCENT_UNITS, UnitKind.PERCENT),
        (_PERMILLE_UNITS, UnitKind.PERMILLE),
        (_OTHER_UNITS, UnitKind.OTHER),
    )
    for units, kind in groups:
        for unit in units:
            table[unit] = kind
    for money in _MONEY_UNITS:
        for denominator in _COST_DENOMINATORS:
            table[f"{money}/{denominator}"] = UnitKind.UNIT_COST
    return table


#: Every unit the parser recognises after a number, with its kind (bare 万/亿 included).
UNIT_KINDS: dict[str, UnitKind] = _unit_table()

#: Units written directly after a number, longest first (万 and 亿 alone are multipliers).
WRITTEN_UNITS: tuple[str, ...] = tuple(
    sorted((unit for unit in UNIT_KINDS if unit not in BARE_MONEY_UNITS), key=len, reverse=True)
)

#: Units that are not units when the next character makes a word (3支部, 一部分, 5把关).
UNIT_NOT_BEFORE: dict[str, str] = {"支": "部", "部": "分署", "把": "关握", "口": "径岸号"}

#: The size in 万元 of one of each money unit (元 → 0.0001, 亿元 → 10000); read-only.
MONEY_TO_WAN: Mapping[str, Decimal] = types.MappingProxyType(
    {
        "元": Decimal("0.0001"),
        "千元": Decimal("0.1"),
        "万元": Decimal(1),
        "万": Decimal(1),
        "亿元": Decimal(10000),
        "亿": Decimal(10000),
    }
)

#: Period and frequency words (周期/频次), normalised to 年, 半年, 季度, 月, 周 or 日.
# fmt: off
PERIOD_WORDS: dict[str, str] = {
    "全年": "年", "年度": "年", "每年": "年", "本年": "年", "本年度": "年", "每一年": "年",
    "按年": "年", "每半年": "半年", "按半年": "半年", "每季度": "季度", "按季度": "季度",
    "每季": "季度", "按季": "季度", "每个季度": "季度", "每月": "月", "按月": "月", "每个月": "月",
    "每周": "周", "按周": "周", "每星期": "周",
    "每日": "日", "每天": "日", "按日": "日", "按天": "日",
}

#: Frequency written after a unit (1次/季度).
PER_PERIOD_SUFFIXES: dict[str, str] = {
    "/年": "年", "/半年": "半年", "/季度": "季度", "/季": "季度", "/月": "月", "/周": "周",
    "/日": "日", "/天": "日",
}
# fmt: on

#: How many times a period fits in a year (每季度 → 4).
PERIODS_PER_YEAR: dict[str, Decimal] = {
    "年": Decimal(1),
    "半年": Decimal(2),
    "季度": Decimal(4),
    "月": Decimal(12),
    "周": Decimal(52),
    "日": Decimal(365),
}


def unit_kind_of(unit: str | None) -> UnitKind:
    """Return the kind of a unit as written after a number; ``None`` gives ``UnitKind.NONE``."""
    if unit is None:
        return UnitKind.NONE
    return UNIT_KINDS.get(unit, UnitKind.OTHER)


def money_factor(money_unit: str) -> Decimal:
    """Return the factor converting *money_unit* (元, 千元, 万元, 万, 亿元, 亿) to 万元.

    Surrounding spaces are ignored. Raises ``ValueError`` for anything else, e.g. a form's
    金额单位 that is not money, or a value that is not a ``str``.
    """
    factor = MONEY_TO_WAN.get(money_unit.strip()) if isinstance(money_unit, str) else None
    if factor is None:
        known = "、".join(MONEY_TO_WAN)
        raise ValueError(f"not a money unit: {money_unit!r} (expected one of {known})")
    return factor
