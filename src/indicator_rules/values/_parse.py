"""Reading a 指标值 cell: scan for dates, implied words and targets, then grades and notes."""

from __future__ import annotations

import bisect
import calendar
import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import attrs

from indicator_rules.values._grammar import (
    DATE_START,
    LEAD_APPROX,
    LEAD_AT_LEAST_ABOUT,
    LEAD_COMPARATORS,
    SUFFIX_COMPARATORS,
    SYMBOL_COMPARATORS,
    TARGET_START,
    YEAR,
    date_mention,
    target,
)
from indicator_rules.values._matcher import Found, matcher
from indicator_rules.values._numerals import (
    CHINESE_DIGITS,
    arabic_to_decimal,
    chinese_to_int,
    normalise,
)
from indicator_rules.values._result import (
    Comparator,
    DateRange,
    ParsedValue,
    PartialDate,
    Target,
)
from indicator_rules.values._units import (
    BARE_MONEY_UNITS,
    PER_PERIOD_SUFFIXES,
    PERIOD_WORDS,
    WRITTEN_UNITS,
)

#: The grammar's two located productions, matched as pyparsing matches them (``_matcher``).
_TARGET = matcher(target)
_DATE_MENTION = matcher(date_mention)

#: How many distinct cell texts ``parse_value`` remembers (a batch of forms repeats many values).
CACHE_SIZE = 8192

#: The longest stretch of text one target or date may cover (longer input is scanned piecewise).
WINDOW = 80

_T = TypeVar("_T")
_Getter = Callable[[str], "str | None"]
_BLANK = "\x1f"  # replaces text already claimed by a date or an implied phrase
_SEGMENT_BREAK = re.compile(r"[，,；;。!?！？\n\x1f]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOT_A_COUNT_AFTER = frozenset("号级届版楼栋路期代类型")
_OPENING_BRACKETS = frozenset("〔[【(")
_CLOSING_BRACKETS = frozenset("〕]】)")
_POWERS_OF_TEN = {"百": 2, "千": 3, "万": 4, "亿": 8}
_BARE_MAGNITUDES = frozenset(_POWERS_OF_TEN)
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")

_FREQUENCY_WORDS = {word: period for word, period in PERIOD_WORDS.items() if word[0] in "每按"}
_FREQUENCY = re.compile("|".join(sorted(_FREQUENCY_WORDS, key=len, reverse=True)))
_PERIOD = re.compile("|".join(sorted(PERIOD_WORDS, key=len, reverse=True)))

#: Words that imply a number (REFERENCE §c1 "all / none"), read only when their clause has no
#: explicit number: full coverage → = 100 %, nothing happening → = 0.
_IMPLIED = re.compile(
    r"(?P<all>全覆盖|全部覆盖|应保尽保|应发尽发|应享尽享|一个不落|无一遗漏|"
    r"不落\s*(?:\d+|一)\s*[个人户家]|不漏\s*(?:\d+|一)\s*[个人户家])"
    r"|(?P<none>不发生|未发生|零事故|零投诉|零差错|零发生|零伤亡|零失误|无事故)"
)

#: Qualitative grades (REFERENCE §c5); multi-character ones may follow a short label.
_GRADES_WITH_LABEL = (
    "全部达成",
    "部分达成",
    "未达成",
    "未通过验收",
    "通过验收",
    "未通过",
    "不通过",
    "不达标",
    "不合格",
    "不显著",
    "较显著",
    "较好",
    "较差",
    "一般",
    "优良",
    "达标",
    "合格",
    "显著",
    "通过",
)
_GRADES_ALONE = ("好", "差", "优", "良", "中", "高", "低", "是", "否")
_GRADE = re.compile(
    rf"(?P<label>[\u4e00-\u9fff]{{0,8}}?)(?P<grade>{'|'.join(_GRADES_WITH_LABEL)})"
    rf"|(?P<alone>{'|'.join(_GRADES_ALONE)})"
)
_GRADE_NOISE = re.compile(r"[\s，,。.；;:：!！?？、()（）\[\]【】“”\"'‘’《》<>…·\-_/]+")

_VAGUE_AMOUNT = re.compile("一批|若干|多个|几个|几次|部分|大量|一定|[数几][十百千万]")
#: Clause breaks for implied words: punctuation and spaces (“全覆盖,不落 1 个 实现…”).
_CLAUSE_BREAK = re.compile(r"[，,；;。!?！？、：:\s]")
#: 1，200万元: a Chinese comma between 1–3 digits and exactly 3 digits separates thousands.
_FULL_WIDTH_THOUSANDS = re.compile(r"(?<![\d.,，])\d{1,3}(?:，\d{3})+(?!\d|，\d)")
#: A number with its unit right before a dash (3次-5人): the dash is not a minus sign.
_NUMBER_BEFORE = re.compile(rf"\d\s*(?:{'|'.join(map(re.escape, WRITTEN_UNITS))}|[万亿千百])?\s*$")
_COMMA_BETWEEN_DIGITS = re.compile(r"(?<![\d.])\d++(?:\.\d++)?，\d++(?:\.\d++)?")
_OCR_EQUALS = re.compile(r"(?<![零〇一二两三四五六七八九十百千万亿])二\s*(?=\d)(\d+(?:\.\d+)?%?)")
_WHOLE_YEAR = re.compile(r"^(?P<y>(?:19|20)\d{2})年度?(?:完成|内|前)?$")


def _scan(
    match: Callable[[str], Found | None],
    start: re.Pattern[str],
    work: str,
    accept: Callable[[int, int, Found], _T | None],
) -> list[_T]:
    """Match a production at the candidate starts in *work*, left to right, without overlaps.

    Candidates come from the regex *start*, so the grammar is tried only where a match can
    begin; *match* is the production's matcher (``_matcher``: what ``parse_string`` of the
    pyparsing production finds, or None), given the window of text from the candidate on.
    *accept* turns a match (start, end, what matched) into a result or rejects it with
    ``None``; candidates inside an accepted match are skipped.
    """
    found: list[_T] = []
    resume = 0
    for candidate in start.finditer(work):
        loc = candidate.start()
        if loc < resume:
            continue
        located = match(work[loc : loc + WINDOW])
        if located is None:
            continue
        begin, end = loc + located.begin, loc + located.end
        result = accept(begin, end, located)
        if result is not None:
            found.append(result)
            resume = end
    return found


# --- dates ---------------------------------------------------------------------------------


def _small_number(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isdigit():
        return int(text)
    return chinese_to_int(text) if all(c in CHINESE_DIGITS or c == "十" for c in text) else None


def _group(match: re.Match[str], name: str) -> str | None:
    """A named group of *match*, or None when the pattern has no such group or it did not match."""
    return match.group(name) if name in match.re.groupindex else None


def _partial_date(match: re.Match[str], tag: str, default_year: int | None) -> PartialDate:
    year_text = _group(match, f"{tag}y")
    year = int(year_text) if year_text else default_year
    month = _small_number(_group(match, f"{tag}m"))
    day = _small_number(_group(match, f"{tag}d"))
    end_of_month = False
    xun = _group(match, f"{tag}xun")
    if _group(match, f"{tag}eom") or xun == "下旬":
        day, end_of_month = _last_day(year, month)
    elif xun:
        day = 10 if xun == "上旬" else 20
    return PartialDate(year=year, month=month, day=day, end_of_month=end_of_month)


def _last_day(year: int | None, month: int | None) -> tuple[int | None, bool]:
    """Last day of the month; unknown (None, True) for February of an unknown year."""
    if month is None:
        return None, True
    if year is None:
        return (None, True) if month == 2 else (calendar.monthrange(2001, month)[1], False)
    return calendar.monthrange(year, month)[1], False


def _deadline(match: re.Match[str]) -> PartialDate | None:
    """The deadline of a date match, or None when the day does not exist (2.30前)."""
    date = _deadline_as_written(match)
    if (
        date.month is not None
        and date.day is not None
        and date.day > calendar.monthrange(date.year or 2000, date.month)[1]
    ):
        return None  # 2000 is a leap year: 2月29日 of an unknown year is allowed
    if _group(match, "next"):
        return attrs.evolve(date, year_offset=1)  # 次年3月: the year after the project year
    return date


def _deadline_as_written(match: re.Match[str]) -> PartialDate:
    year_text = _group(match, "y")
    year = int(year_text) if year_text else None
    if _group(match, "yearend") or _group(match, "current") or _group(match, "half") == "下半年":
        return PartialDate(year=year, month=12, day=31)
    if _group(match, "half") == "上半年":
        return PartialDate(year=year, month=6, day=30)
    quarter = _group(match, "quarter")
    if quarter:
        month = 3 * (int(quarter) if quarter.isdigit() else CHINESE_DIGITS[quarter])
        return PartialDate(year=year, month=month, day=_last_day(year, month)[0])
    date = _partial_date(match, "", None)
    if date.day is None and not date.end_of_month:
        day, end_of_month = _last_day(date.year, date.month)
        return PartialDate(date.year, date.month, day, end_of_month)
    return date


def _date_range(match: re.Match[str]) -> DateRange:
    start = _partial_date(match, "s", None)
    if _group(match, "ey") and not _group(match, "em"):
        start_year = PartialDate(year=start.year, month=1, day=1)
        return DateRange(start_year, PartialDate(year=int(match["ey"]), month=12, day=31))
    end = _partial_date(match, "e", start.year)
    if start.month is None:
        start = PartialDate(start.year, 1, 1)
    if start.day is None and not start.end_of_month:
        start = PartialDate(start.year, start.month, 1)
    if end.day is None and not end.end_of_month:
        day, end_of_month = _last_day(end.year, end.month)
        end = PartialDate(end.year, end.month, day, end_of_month)
    return DateRange(start, end)


#: A written date in Arabic digits, checked before the date grammar: 2021年13月32日前,
#: 2021年2月30日, 13月5日, 2021-02-30. Month and day are read loosely (any 1–2 digits) so that a
#: date that cannot exist is blanked out whole, not read as quantities (2 月, 30 日).
_LOOSE_DATE = re.compile(
    rf"(?:(?P<y>{YEAR})\s*年\s*(?P<m>\d{{1,2}})\s*月(?:\s*(?P<d>\d{{1,2}})\s*[日号])?"
    r"|(?<![\d.])(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*[日号])"
    r"(?!\d)(?:\s*(?:之前|以前|前|为止|止|底|末))?"
)
_LOOSE_DOTTED_DATE = re.compile(
    rf"(?<![\d.])(?P<y3>{YEAR})(?P<sep>[./-])(?P<m3>\d{{1,2}})(?P=sep)(?P<d3>\d{{1,2}})"
    r"(?![\d.])(?:\s*(?:之前|以前|前|为止|止))?"
)


def _impossible_date(match: re.Match[str]) -> str | None:
    """Why the loosely read date *match* cannot exist, or None when it is a real date."""
    year_text = _group(match, "y") or _group(match, "y3")
    month = int(_group(match, "m") or _group(match, "m2") or _group(match, "m3") or 0)
    day_text = _group(match, "d") or _group(match, "d2") or _group(match, "d3")
    if not 1 <= month <= 12:
        return f"没有{month}月"
    if day_text is None:
        return None
    day = int(day_text)
    # 2000 is a leap year: 2月29日 of an unknown year is allowed
    last = calendar.monthrange(int(year_text) if year_text else 2000, month)[1]
    if 1 <= day <= last:
        return None
    prefix = f"{year_text}年" if year_text else ""
    return f"{prefix}{month}月没有{day}日" if day else "没有0日"


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each of ``spans`` (begin, end) blanked out, in one pass (a cell of
    100,000 characters may hold 20,000 dates)."""
    if not spans:
        return text
    chars = list(text)
    for begin, end in spans:
        chars[begin:end] = _BLANK * (end - begin)
    return "".join(chars)


class _Dates:
    """Dates found in a cell, and the cell text with them blanked out.

    ``impossible`` lists (written date, why) for dates that cannot exist (2021年2月30日前):
    they are blanked out too, so their digits are not read as quantities.
    """

    def __init__(self, work: str) -> None:
        self.deadline: PartialDate | None = None
        self.date_range: DateRange | None = None
        self.years: list[int] = []
        self.impossible: list[tuple[str, str]] = []
        self.notes: list[str] = []  # suspected notes on dates read (a reversed range)
        loose: list[re.Match[str]] = []
        if "月" in work:
            loose.extend(_LOOSE_DATE.finditer(work))
        if "-" in work or "." in work or "/" in work:
            loose.extend(_LOOSE_DOTTED_DATE.finditer(work))
        impossible: list[tuple[int, int]] = []
        for match in loose:
            why = _impossible_date(match)
            if why is not None:
                impossible.append(match.span())
                self.impossible.append((match.group(0), why))
                year = _group(match, "y") or _group(match, "y3")
                if year:
                    self.years.append(int(year))
        work = _blanked(work, impossible)
        self.work = _blanked(work, _scan(_DATE_MENTION, DATE_START, work, self._add))

    def _add(self, begin: int, end: int, found: Found) -> tuple[int, int] | None:
        return (begin, end) if self._read(found) else None

    def _read(self, found: Found) -> bool:
        """Record a date match; False when it is not a real date (2.30前)."""
        (token,) = found.tokens  # each date production is one regex
        if "range" in found.names:
            date_range = _date_range(token)
            start, end = date_range.start, date_range.end
            if None not in (start.year, end.year) and (start.year, start.month or 1) > (
                end.year,
                end.month or 12,
            ):
                self.notes.append(f"“{token.group(0)}”的日期范围起止颠倒，请核对")
            self.years.extend(y for y in (date_range.start.year, date_range.end.year) if y)
            if self.date_range is None:
                self.date_range = date_range
        elif "deadline" in found.names:
            deadline = _deadline(token)
            if deadline is None:
                return False
            if deadline.year is not None:
                self.years.append(deadline.year)
            if self.deadline is None:
                self.deadline = deadline
        else:
            self.years.append(int(token["y"]))
        return True


# --- targets -------------------------------------------------------------------------------


def _number(get: _Getter, tag: str) -> Decimal | None:
    arabic: str | None = get(f"{tag}_arabic")
    if arabic is not None:
        number = arabic_to_decimal(arabic)
        return -number if get(f"{tag}_sign") and number else number  # -0 is 0
    value = chinese_to_int(get(f"{tag}_chinese") or "")
    return None if value is None else Decimal(value)


def _times_power_of_ten(number: Decimal, multiplier: str) -> Decimal:
    """Exact *number* × 百/千/万/亿 (1.2万 = 12000, not 12000.0; no rounding, no exponent)."""
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite: the grammar only reads digits
    return Decimal(format(Decimal((sign, digits, exponent + _POWERS_OF_TEN[multiplier])), "f"))


def _unit(get: _Getter, tag: str) -> str | None:
    unit: str | None = get(f"{tag}_unit") or get(f"{tag}_unit2")
    return unit


def _scaled(get: _Getter, tag: str, number: Decimal) -> tuple[Decimal, str | None]:
    """Apply a magnitude (万, 千…) and return the number with its unit."""
    unit = _unit(get, tag)
    magnitude = get(f"{tag}_magnitude")
    if magnitude is None:
        return number, unit
    if unit is None and magnitude in BARE_MONEY_UNITS:
        return number, magnitude  # 250万: the money unit 万
    return _times_power_of_ten(number, magnitude), unit


def _range_ends(
    get: _Getter, low: Decimal, high: Decimal
) -> tuple[Decimal, Decimal, str | None] | None:
    """Both ends of a range in one unit; a magnitude written on one end only is shared.

    3万至5万元 → 3–5 万元 (万 of 万元), 1万-2万人次 → 10000–20000 人次, 1-2万人次 →
    10000–20000 人次 (unless the scaled low end would exceed the high end: 500-2万人次).
    """
    low_magnitude, low_unit = get("low_magnitude"), _unit(get, "low")
    high_magnitude, high_unit = get("high_magnitude"), _unit(get, "high")
    if low_magnitude is not None and low_unit is None and high_unit is not None:
        if high_magnitude is None and high_unit.startswith(low_magnitude):
            return low, high, high_unit  # 3万至5万元, 5千至8千元: the magnitude is the unit's
        low = _times_power_of_ten(low, low_magnitude)
    else:
        low, low_unit = _scaled(get, "low", low)
    shared = high_magnitude if low_magnitude is None and low_unit is None else None
    high, high_unit = _scaled(get, "high", high)
    if shared is not None and high_unit != shared:
        scaled_low = _times_power_of_ten(low, shared)
        if scaled_low <= high:
            low = scaled_low  # 1-2万人次: the 万 applies to both ends
    if low_unit is not None and high_unit is not None and low_unit != high_unit:
        return None
    return low, high, high_unit if high_unit is not None else low_unit


def _with_tolerance(
    get: _Getter, number: Decimal, unit: str | None, tolerance: Decimal
) -> tuple[Decimal, Decimal, str | None] | None:
    """50%±5% → 45–55 %; 100万元±10% → 90–110 万元 (a % tolerance on another unit is relative)."""
    tolerance, tolerance_unit = _scaled(get, "tol", tolerance)
    if tolerance_unit in (None, unit) or unit == f"{tolerance_unit}元":
        pass  # 50%±5%, 100±5, 100万元±5万
    elif unit is None:
        unit = tolerance_unit  # 50±5%
    elif tolerance_unit == "%":
        tolerance = abs(number) * tolerance / _HUNDRED  # 100万元±10%
    else:
        return None  # 100人±5次: the units disagree
    return number - tolerance, number + tolerance, unit


def _ratio(get: _Getter) -> tuple[Decimal, str, bool] | None:
    """百分之九十五 → 95 %, 千分之五 → 5 ‰, 三分之一 / 1/3 → 33.33 % (rounded: True)."""
    word = get("percent_word")
    if word is None:
        numerator, denominator = Decimal(get("afrac_num") or 0), Decimal(get("afrac_den") or 0)
    else:
        numerator_or_none = Decimal(100) if get("pct_chinese") == "百" else _number(get, "pct")
        if numerator_or_none is None:
            return None
        numerator = numerator_or_none
        if word == "百分之":
            return numerator, "%", False
        if word == "千分之":
            return numerator, "‰", False
        if word == "万分之":
            return numerator / _HUNDRED, "%", False
        denominator = Decimal(chinese_to_int(get("fraction_den") or "") or 0)
    if not 0 < numerator < denominator:
        return None  # 5/3, 三分之五: not a share of a whole
    exact = numerator * _HUNDRED / denominator
    rounded = exact.quantize(_CENT)
    return (exact, "%", False) if rounded == exact else (rounded, "%", True)


class _Reading:
    """One target match turned into plain fields, before the acceptance checks."""

    def __init__(self, tokens: tuple[re.Match[str], ...]) -> None:
        self.parts: dict[str, str] = {
            name: part
            for token in tokens
            for name, part in token.groupdict().items()
            if part is not None
        }
        self.chinese = self.has("low_chinese") or self.has("pct_chinese")
        self.ratio = self.has("percent_word") or self.has("afrac_num")
        self.rounded = False  # set by ``numbers`` for a ratio rounded to 0.01 % (1/3)
        self.reversed = False  # set by ``numbers`` for a range written high end first (5-3次)
        self.has_lead = any(self.has(name) for name in ("lead1", "lead2", "period", "symbol"))
        self.has_unit = any(
            self.has(name) for name in ("low_unit", "low_unit2", "high_unit", "high_unit2")
        )
        self.more = (
            any(self.has(name) for name in ("more", "high_more", "low_more2", "high_more2"))
            or self.get("suffix") == "余"
        )
        self.ranged = self.has("range") or self.has("plus_minus")

    def get(self, name: str) -> str | None:
        """A named group of the target's productions, or None when it did not match."""
        return self.parts.get(name)

    def has(self, name: str) -> bool:
        """True when the named part was matched."""
        return name in self.parts

    def comparator_and_approx(self) -> tuple[Comparator, bool]:
        explicit: Comparator | None = None
        approx = self.more or self.rounded
        for name in ("lead1", "lead2"):
            word = self.get(name)
            if word is None:
                continue
            if word in LEAD_APPROX:
                approx = True
            elif word == LEAD_AT_LEAST_ABOUT:  # 上千人: at least about a thousand
                approx = True
                explicit = explicit or Comparator.GE
            elif explicit is None:
                explicit = LEAD_COMPARATORS[word]
        symbol = self.get("symbol")
        if symbol is not None:
            explicit = SYMBOL_COMPARATORS[symbol]
        suffix = self.get("suffix")
        if suffix is not None and suffix != "余":
            suffix_comparator = SUFFIX_COMPARATORS[suffix.rpartition(")")[2]]
            if suffix_comparator is Comparator.APPROX:
                approx = True
            elif explicit is None:
                explicit = suffix_comparator
        if explicit is not None:
            return explicit, approx
        if self.ranged:
            return Comparator.GE, approx
        if self.more:
            return Comparator.GT, True
        return (Comparator.APPROX if approx else Comparator.EQ), approx

    def period(self) -> str | None:
        per = self.get("per")
        if per is not None:
            return PER_PERIOD_SUFFIXES[per]
        word = self.get("period")
        return None if word is None else PERIOD_WORDS[word]

    def numbers(self) -> tuple[Decimal, Decimal | None, str | None] | None:
        get = self.get
        if self.ratio:
            ratio = _ratio(get)
            if ratio is None:
                return None
            number, unit, self.rounded = ratio
            return number, None, unit
        low = _number(get, "low")
        if low is None:
            return None
        if self.has("percent_first"):
            return low, None, "%"
        if self.has("range"):
            high = _number(get, "high")
            ends = None if high is None else _range_ends(get, low, high)
            if ends is None:
                return None
            low, high, range_unit = ends
            self.reversed = low > high  # 5-3次: read as 3–5 次, noted as suspected
            return min(low, high), max(low, high), range_unit
        low, low_unit = _scaled(get, "low", low)
        if self.has("plus_minus"):
            tolerance = _number(get, "tol")
            return None if tolerance is None else _with_tolerance(get, low, low_unit, tolerance)
        return low, None, low_unit


def _chinese_acceptable(reading: _Reading, work: str, end: int) -> bool:
    """Be conservative with Chinese numerals: 一般, 统一, 十分, 一次性, 两个维护 are words."""
    numeral = reading.get("low_chinese") or ""
    if reading.has("percent_word"):
        return True
    if numeral in _BARE_MAGNITUDES:
        # 千余人, 近千人, 上千人 are amounts; 百姓, 千家万户, 百万元 alone are not read
        return reading.more or reading.has("lead1")
    if reading.has_lead:
        return True
    if not reading.has_unit:
        return False
    if numeral == "一" and _unit(reading.get, "low") in ("批", "批次"):
        return False  # 一批 is a vague amount, never 1 batch
    if len(numeral) > 1 or reading.more or reading.ranged or reading.has("suffix"):
        return True
    return end >= len(work) or not _CJK.match(work[end])


def _arabic_acceptable(reading: _Reading, work: str, begin: int, end: int) -> bool:
    """Reject numbers that are names or references: 5G, 101号, 〔2021〕, 8:30."""
    if reading.has_unit or reading.has_lead or reading.ratio:
        return True
    after = work[end] if end < len(work) else ""
    before = work[begin - 1] if begin > 0 else ""
    if after.isascii() and (after.isalpha() or after == ":"):
        return False
    if after in _NOT_A_COUNT_AFTER:
        return False
    return not (before in _OPENING_BRACKETS and after in _CLOSING_BRACKETS)


def _subject_and_period(
    work: str, text: str, segment_start: int, begin: int
) -> tuple[str | None, str | None]:
    prefix = work[segment_start:begin]
    periods = _PERIOD.findall(prefix)
    period = PERIOD_WORDS[periods[-1]] if periods else None
    chunks = text[segment_start:begin].split()
    subject = chunks[-1].strip(" :：") if chunks else None
    return subject or None, period


class _TargetReader:
    """Accepts or rejects target matches and builds ``Target`` objects with subject and period."""

    def __init__(self, work: str, text: str) -> None:
        self.work = work
        self.text = text
        self.previous_end = 0
        self.notes: list[str] = []  # suspected notes found while reading targets

    def __call__(self, begin: int, end: int, found: Found) -> Target | None:
        work = self.work
        if work[begin] == "-" and _NUMBER_BEFORE.search(work, max(0, begin - 12), begin):
            return None  # 3次-5人: a dash right after a number is not a minus sign
        reading = _Reading(found.tokens)
        if reading.chinese:
            if not _chinese_acceptable(reading, work, end):
                return None
        elif not _arabic_acceptable(reading, work, begin, end):
            return None
        numbers = reading.numbers()
        if numbers is None:
            return None
        number, upper, unit = numbers
        if reading.reversed:
            self.notes.append(
                f"“{self.text[begin:end]}”的范围上下限颠倒，已按 {number}–{upper} 读取，请核对"
            )
        comparator, approx = reading.comparator_and_approx()
        breaks = [m.end() for m in _SEGMENT_BREAK.finditer(work, self.previous_end, begin)]
        segment_start = breaks[-1] if breaks else self.previous_end
        subject, prefix_period = _subject_and_period(work, self.text, segment_start, begin)
        self.previous_end = end
        return Target(
            comparator=comparator,
            number=number,
            upper=upper,
            unit=unit,
            period=reading.period() or prefix_period,
            approx=approx,
            subject=subject,
            span=(begin, end),
        )


def _targets(work: str, text: str) -> tuple[list[Target], list[str]]:
    """The explicit targets of *work*, and suspected notes on them (a reversed range)."""
    reader = _TargetReader(work, text)
    return _scan(_TARGET, TARGET_START, work, reader), reader.notes


def _standalone_implied(implied: list[Target], targets: list[Target], work: str) -> list[Target]:
    """Implied targets whose clause holds no explicit target, neighbours of one kind merged.

    A clause runs up to the nearest punctuation or space. “全覆盖,不落 1 个 实现 1000 余个…”
    keeps one = 100 % (全覆盖 and 不落 1 个 say the same thing); in “控制 100%不发生” the
    不发生 shares its clause with 100 % and is dropped.
    """
    if not implied:
        return []
    breaks = [match.start() for match in _CLAUSE_BREAK.finditer(work)]
    target_ends = [found.span[1] for found in targets]  # spans are ordered and disjoint
    kept: list[Target] = []
    for candidate in implied:
        begin, end = candidate.span
        index = bisect.bisect_left(breaks, begin)
        clause_start = breaks[index - 1] + 1 if index else 0
        index = bisect.bisect_left(breaks, end)
        clause_end = breaks[index] if index < len(breaks) else len(work)
        first_after = bisect.bisect_right(target_ends, clause_start)
        if first_after < len(targets) and targets[first_after].span[0] < clause_end:
            continue  # an explicit number in the same clause: 控制 100%不发生
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and (previous.number, previous.unit) == (candidate.number, candidate.unit)
            and not _CLAUSE_BREAK.sub("", work[previous.span[1] : begin])
        ):
            kept[-1] = attrs.evolve(previous, span=(previous.span[0], end))
        else:
            kept.append(candidate)
    return kept


def _implied(work: str) -> tuple[list[Target], str]:
    """Targets implied by words, and *work* with those words blanked out."""
    implied: list[Target] = []
    chars = list(work)
    for match in _IMPLIED.finditer(work):
        begin, end = match.span()
        if match["all"]:
            implied.append(
                Target(Comparator.EQ, Decimal(100), unit="%", implied=True, span=(begin, end))
            )
        else:
            implied.append(Target(Comparator.EQ, Decimal(0), implied=True, span=(begin, end)))
        chars[begin:end] = _BLANK * (end - begin)
    return implied, "".join(chars)


# --- grades, notes, reasons ----------------------------------------------------------------


def _grade(text: str) -> str | None:
    """The grade when the cell is just a grade word, optionally after a short label (质量达标)."""
    compact = _GRADE_NOISE.sub("", text)
    match = _GRADE.fullmatch(compact)
    if match is None:
        return None
    return match["grade"] or match["alone"]


def _suspicions(work: str, targets: list[Target]) -> list[str]:
    notes: list[str] = []
    for target_found in targets:
        written = work[target_found.span[0] : target_found.span[1]]
        if (
            target_found.unit == "%"
            and target_found.comparator is Comparator.EQ
            and target_found.upper is None
            and written[:1] == "2"
            and (
                Decimal(290) <= target_found.number < Decimal(300)
                or target_found.number == Decimal(2100)
            )
        ):
            meant = target_found.number - (200 if target_found.number < 300 else 2000)
            notes.append(f"“{written}”疑为“≥{meant}%”的识别错误（“≥”被识别为“2”）")
    for match in _OCR_EQUALS.finditer(work):
        notes.append(f"“{match.group(0)}”疑为“={match.group(1)}”的识别错误（“=”被识别为“二”）")
    for match in _COMMA_BETWEEN_DIGITS.finditer(work):
        notes.append(
            f"“{match.group(0)}”中的“，”紧挨数字，可能是千位分隔符，也可能分隔两个数值；"
            "已按两个数值读取，请核对"
        )
    return notes


def _impossible_date_note(written: str, why: str) -> str:
    return f"“{written}”不是有效日期（{why}），未按日期读取，请核对"


def _reason(text: str, work: str, impossible: list[tuple[str, str]]) -> str:
    if not text.strip():
        return "指标值为空"
    if impossible:
        return f"“{impossible[0][0]}”不是有效日期"
    vague = _VAGUE_AMOUNT.search(work)
    if vague is not None:
        return f"“{vague.group(0)}”不是数值"
    return "未找到数值、等级、日期或频次"


def _ascii_commas(match: re.Match[str]) -> str:
    return match.group(0).replace("，", ",")


@functools.lru_cache(maxsize=CACHE_SIZE)
def parse_value(text: str) -> ParsedValue:
    """Read a 指标值 cell: numeric targets, grade, deadline or date range, frequency.

    Never raises for a ``str``; text that holds nothing usable gives an unquantified
    result with a ``reason``. Results are cached (``CACHE_SIZE`` distinct texts, LRU).
    """
    work = _FULL_WIDTH_THOUSANDS.sub(_ascii_commas, normalise(text))
    dates = _Dates(work)
    implied, work_without_implied = _implied(dates.work)
    targets, target_notes = _targets(work_without_implied, text)
    standalone = _standalone_implied(implied, targets, work_without_implied)
    if standalone:
        targets = sorted([*targets, *standalone], key=lambda found: found.span)
    grade = _grade(work)
    deadline = dates.deadline
    whole_year = _WHOLE_YEAR.match(_GRADE_NOISE.sub("", work))
    if deadline is None and dates.date_range is None and whole_year is not None:
        deadline = PartialDate(year=int(whole_year["y"]), month=12, day=31)
    frequency_match = _FREQUENCY.search(dates.work)
    frequency = _FREQUENCY_WORDS[frequency_match.group(0)] if frequency_match else None
    readable = targets or grade or deadline or dates.date_range or frequency
    return ParsedValue(
        text=text,
        targets=tuple(targets),
        grade=grade,
        deadline=deadline,
        date_range=dates.date_range,
        frequency=frequency,
        years=tuple(dates.years),
        suspected=(
            *(_impossible_date_note(written, why) for written, why in dates.impossible),
            *dates.notes,
            *target_notes,
            *_suspicions(work, targets),
        ),
        reason=None if readable else _reason(text, dates.work, dates.impossible),
    )
