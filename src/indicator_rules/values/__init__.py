"""指标值 (indicator value) notation: parse a cell into targets, grades and dates.

``parse_value("每季度至少1次")`` gives one ``Target`` (``>=``, 1, 次, period 季度, yearly 4).
See ``docs/values.md`` for the notation understood and every reading decision.
"""

from __future__ import annotations

from indicator_rules.values._parse import CACHE_SIZE, parse_value
from indicator_rules.values._render import describe_value, render_target, value_to_json
from indicator_rules.values._result import (
    Comparator,
    DateRange,
    ParsedValue,
    PartialDate,
    Target,
)
from indicator_rules.values._units import MONEY_TO_WAN, UnitKind

__all__ = [
    "CACHE_SIZE",
    "MONEY_TO_WAN",
    "Comparator",
    "DateRange",
    "ParsedValue",
    "PartialDate",
    "Target",
    "UnitKind",
    "describe_value",
    "parse_value",
    "render_target",
    "value_to_json",
]
