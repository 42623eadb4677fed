"""Output forms of a parsed 指标值: canonical target text, one-line description, JSON."""

from __future__ import annotations

from decimal import Decimal

from indicator_rules.values._result import (
    Comparator,
    DateRange,
    ParsedValue,
    PartialDate,
    Target,
)
from indicator_rules.values._units import UnitKind

_SYMBOLS = {
    Comparator.GE: "≥",
    Comparator.LE: "≤",
    Comparator.EQ: "=",
    Comparator.GT: ">",
    Comparator.LT: "<",
    Comparator.APPROX: "≈",
}
_PERIOD_PREFIX = {
    "年": "全年",
    "半年": "每半年",
    "季度": "每季度",
    "月": "每月",
    "周": "每周",
    "日": "每日",
}
_RATIO_KINDS = (UnitKind.PERCENT, UnitKind.PERMILLE)


def decimal_text(number: Decimal) -> str:
    """A Decimal as plain digits, never with an exponent (1E+3 → 1000)."""
    return format(number, "f")


def render_target(target: Target) -> str:
    """Canonical text of a target (每季度≥1次, 约20万元, 90%-95%, 1000余个, ≤-5%, -5至-3次)
    that parses back to it.

    ``parse_value(render_target(t)).targets`` is ``(t',)`` where ``t'`` equals ``t`` apart
    from ``span``, ``subject`` and ``implied``.
    """
    unit = target.unit or ""
    number = decimal_text(target.number)
    if target.upper is not None:
        low_unit = unit if target.unit_kind in _RATIO_KINDS else ""
        # -5至-3次: with a minus sign, 至 keeps the range apart from the sign
        separator = "至" if target.number < 0 or target.upper < 0 else "-"
        quantity = f"{number}{low_unit}{separator}{decimal_text(target.upper)}{unit}"
    elif target.comparator is Comparator.GT and target.approx:
        quantity = f"{number}余{unit}"
    else:
        quantity = f"{number}{unit}"
    return f"{_PERIOD_PREFIX[target.period] if target.period else ''}{_lead(target)}{quantity}"


def _lead(target: Target) -> str:
    """The words before the number: 约, a comparator symbol, or nothing for = and 余."""
    if target.comparator is Comparator.APPROX:
        return "约"
    approx = "约" if target.approx else ""
    if target.upper is not None:
        return ("" if target.comparator is Comparator.GE else _SYMBOLS[target.comparator]) + approx
    if target.comparator is Comparator.GT and target.approx:
        return ""  # written 1000余个
    if target.comparator is Comparator.EQ and not target.approx:
        return ""
    return _SYMBOLS[target.comparator] + approx


def _describe_target(target: Target) -> str:
    unit = f" {target.unit}" if target.unit else ""
    per = f"/{target.period}" if target.period else ""
    if target.upper is not None:
        text = f"{decimal_text(target.number)}–{decimal_text(target.upper)}{unit}{per}"
        if target.comparator is not Comparator.GE:
            text = f"{_SYMBOLS[target.comparator]} {text}"
    else:
        text = f"{_SYMBOLS[target.comparator]} {decimal_text(target.number)}{unit}{per}"
    notes: list[str] = []
    if target.approx and target.comparator is not Comparator.APPROX:
        notes.append("约数")
    if target.yearly is not None and target.period not in (None, "年"):
        notes.append(f"折合每年 {_SYMBOLS[target.comparator]} {decimal_text(target.yearly)}{unit}")
    if target.implied:
        notes.append("由文字推断")
    return text + (f"（{'；'.join(notes)}）" if notes else "")


def _describe_date(date: PartialDate) -> str:
    if date.year is not None:
        year = f"{date.year}年"
    else:
        year = {0: "", 1: "次年"}.get(date.year_offset, f"（项目年度{date.year_offset:+d}年）")
    month = f"{date.month}月" if date.month is not None else ""
    day = f"{date.day}日" if date.day is not None else ("底" if date.end_of_month else "")
    return f"{year}{month}{day}"


def describe_value(parsed: ParsedValue) -> str:
    """One readable line for the CLI, e.g. ``≥ 1 次/季度（折合每年 ≥ 4 次）`` or ``未量化：…``."""
    parts = [_describe_target(target) for target in parsed.targets]
    if parsed.grade is not None:
        parts.append(f"等级：{parsed.grade}")
    if parsed.deadline is not None:
        parts.append(f"截止：{_describe_date(parsed.deadline)}前")
    if parsed.date_range is not None:
        start, end = parsed.date_range.start, parsed.date_range.end
        parts.append(f"期间：{_describe_date(start)}至{_describe_date(end)}")
    if parsed.frequency is not None and not any(t.period for t in parsed.targets):
        parts.append(f"频次：每{parsed.frequency}")
    if not parsed.targets:
        parts.insert(0, f"未量化：{parsed.reason}" if parsed.reason else "未量化")
    parts.extend(f"疑似识别错误：{note}" for note in parsed.suspected)
    return "；".join(parts)


def _optional_decimal(number: Decimal | None) -> str | None:
    return None if number is None else decimal_text(number)


def _target_json(target: Target) -> dict[str, object]:
    return {
        "comparator": target.comparator.value,
        "number": decimal_text(target.number),
        "upper": _optional_decimal(target.upper),
        "unit": target.unit,
        "unit_kind": target.unit_kind.value,
        "period": target.period,
        "yearly": _optional_decimal(target.yearly),
        "approx": target.approx,
        "implied": target.implied,
        "subject": target.subject,
        "span": list(target.span),
    }


def _date_json(date: PartialDate | None) -> dict[str, object] | None:
    if date is None:
        return None
    return {
        "year": date.year,
        "month": date.month,
        "day": date.day,
        "end_of_month": date.end_of_month,
        "year_offset": date.year_offset,
    }


def _range_json(date_range: DateRange | None) -> dict[str, object] | None:
    if date_range is None:
        return None
    return {"start": _date_json(date_range.start), "end": _date_json(date_range.end)}


def value_to_json(parsed: ParsedValue) -> dict[str, object]:
    """The JSON form of a parsed value (``indicator-rules parse-value TEXT --json``).

    Keys in a fixed order; numbers are decimal strings ("95", "0.5"), never floats.
    """
    return {
        "text": parsed.text,
        "targets": [_target_json(target) for target in parsed.targets],
        "grade": parsed.grade,
        "quantified": parsed.quantified,
        "graded": parsed.graded,
        "dated": parsed.dated,
        "deadline": _date_json(parsed.deadline),
        "date_range": _range_json(parsed.date_range),
        "frequency": parsed.frequency,
        "years": list(parsed.years),
        "suspected": list(parsed.suspected),
        "reason": parsed.reason,
    }
