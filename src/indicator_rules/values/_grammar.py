"""pyparsing grammar of 指标值 notation: one numeric target, and dates/deadlines/ranges.

The productions run over text already passed through ``normalise`` (half-width digits and
symbols). Each production is one named ``Regex`` built from the word tables below and yields its
``re.Match`` (``as_match``); parse actions are not used: ``_parse`` reads the named groups.
Few, regex-backed productions keep pyparsing's per-element cost (results merging, failed
``Opt`` exceptions) low: the parser reads ~20k cells/s instead of ~5k with one element per word.

BNF (``[]`` optional, ``|`` first match wins)::

    target        := lead quantity tail | percent_first
    lead          := [period_word] [lead_word] [lead_word]     (每季度 至少, 全年 约)
    lead_word     := comparator_word | approx_word              (至少, ≥, 不少于, 约 …)
    quantity      := "百分之" number
                   | number [more] [measure] [range_sep number [more] [measure]]
    tail          := [per_period] [suffix_word]                 (/季度, 以上, 以内, 左右, 余)
    percent_first := "%" symbol number                          (the "%=99" export order)
    number        := arabic_number | chinese_number
    measure       := unit | magnitude [more] [unit]             (万元 | 万 人次)
    date_mention  := date_range | deadline | bare_year
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyparsing as pp

from indicator_rules.values._result import Comparator
from indicator_rules.values._units import (
    PER_PERIOD_SUFFIXES,
    PERIOD_WORDS,
    UNIT_NOT_BEFORE,
    WRITTEN_UNITS,
)

#: Comparator words written before the number.
# fmt: off
LEAD_COMPARATORS: dict[str, Comparator] = {
    "≥": Comparator.GE, ">=": Comparator.GE, "=>": Comparator.GE, "不低于": Comparator.GE,
    "不少于": Comparator.GE, "不小于": Comparator.GE, "大于等于": Comparator.GE,
    "大于或等于": Comparator.GE, "至少": Comparator.GE, "达到": Comparator.GE,
    "不少": Comparator.GE, "达": Comparator.GE,
    "≤": Comparator.LE, "<=": Comparator.LE, "=<": Comparator.LE, "不超过": Comparator.LE,
    "不高于": Comparator.LE, "不多于": Comparator.LE, "不大于": Comparator.LE,
    "小于等于": Comparator.LE, "小于或等于": Comparator.LE, "控制在": Comparator.LE,
    "最多": Comparator.LE, "不超": Comparator.LE,
    ">": Comparator.GT, "超过": Comparator.GT, "大于": Comparator.GT, "高于": Comparator.GT,
    "多于": Comparator.GT,
    "<": Comparator.LT, "低于": Comparator.LT, "小于": Comparator.LT, "少于": Comparator.LT,
    "=": Comparator.EQ, "为": Comparator.EQ, "等于": Comparator.EQ,
}

#: Approximation words written before the number (约20万元); they give ``≈``.
LEAD_APPROX = ("约为", "大约", "大概", "约", "近", "≈")

#: 上 before a bare magnitude (上千人, 上万元): at least about that many (``>=``, approx).
LEAD_AT_LEAST_ABOUT = "上"

#: Words written after the number and unit.
SUFFIX_COMPARATORS: dict[str, Comparator] = {
    "及以上": Comparator.GE, "或以上": Comparator.GE, "以上": Comparator.GE,
    "及以下": Comparator.LE, "或以下": Comparator.LE, "以下": Comparator.LE,
    "以内": Comparator.LE, "之内": Comparator.LE, "内": Comparator.LE,
    "左右": Comparator.APPROX, "上下": Comparator.APPROX,
}
# fmt: on

#: The symbols of the "%=99" order.
SYMBOL_COMPARATORS: dict[str, Comparator] = {
    key: value for key, value in LEAD_COMPARATORS.items() if not key[0].isalpha()
}


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of *words*, longest first, so 人次 wins over 人."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


ARABIC_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:\.\d+)?"
CHINESE_NUMBER = (
    "(?:[零〇一二两三四五六七八九十百千]+(?:[万亿][零〇一二两三四五六七八九十百千]+)*|[万亿])"
)
PERIOD_ALTERNATION = _alternation(PERIOD_WORDS)
LEAD_ALTERNATION = (
    _alternation([*LEAD_COMPARATORS, *LEAD_APPROX]) + f"|{LEAD_AT_LEAST_ABOUT}(?=[百千万亿])"
)


def _regex(pattern: str, name: str) -> pp.ParserElement:
    return pp.Regex(pattern).set_name(name)


def _match(pattern: str, name: str) -> pp.ParserElement:
    """A production whose token is the ``re.Match`` itself: its named groups are read directly,
    which is much faster than pyparsing copying every group into the results."""
    return pp.Regex(pattern, as_match=True).set_name(name)


def _number(tag: str, *, signed: bool = True) -> str:
    """Arabic digits or a Chinese numeral, as named groups ``{tag}_arabic`` / ``{tag}_chinese``.

    A minus sign written directly before the digits is group ``{tag}_sign`` (-5%, ≤-5%).
    """
    sign = rf"(?P<{tag}_sign>-)?" if signed else ""
    return rf"(?:{sign}(?P<{tag}_arabic>{ARABIC_NUMBER})|(?P<{tag}_chinese>{CHINESE_NUMBER}))"


def _unit_alternation() -> str:
    """Every written unit, longest first; a unit of ``UNIT_NOT_BEFORE`` not before its words."""
    units = sorted(WRITTEN_UNITS, key=len, reverse=True)
    return "|".join(
        re.escape(unit) + (f"(?![{UNIT_NOT_BEFORE[unit]}])" if unit in UNIT_NOT_BEFORE else "")
        for unit in units
    )


UNIT = _unit_alternation()


def _measure(tag: str) -> str:
    """A unit (人次, 万元), or a magnitude (万, 千) with an optional 余/多 and unit (1.2万人次)."""
    unit = UNIT
    return (
        rf"(?:(?P<{tag}_unit>{unit})"
        rf"|(?P<{tag}_magnitude>[万亿千百])(?:\s*(?P<{tag}_more2>余|多))?"
        rf"(?:\s*(?P<{tag}_unit2>{unit}))?)"
    )


_MORE = "余|多"
_RANGE_SEP = "-|~|至|到"
_PLUS_MINUS = r"±|\+/?-"
_SUFFIX = (
    r"(?:\((?:含|包含)\))?(?:"
    + _alternation(k for k in SUFFIX_COMPARATORS if k != "内")
    + r"|内(?![容部涵外在])|余)"
)

#: 每季度 至少 约: an optional period word, then up to two comparator or approximation words.
LEAD = (
    rf"(?:(?P<period>{PERIOD_ALTERNATION})\s*)?"
    rf"(?:(?P<lead1>{LEAD_ALTERNATION})\s*)?(?:(?P<lead2>{LEAD_ALTERNATION})\s*)?"
)

#: 3-5次, 90%-95%, 1000余个, 1.2万人次, 20 万元, 50%±5%: a number with its unit, or a range;
#: 百分之九十五, 千分之五, 三分之一, 2/3: a ratio.
QUANTITY = (
    rf"(?:(?P<percent_word>百分之|千分之|万分之|(?P<fraction_den>[二三四五六七八九十])分之)"
    rf"\s*{_number('pct', signed=False)}"
    r"|(?P<afrac_num>[1-9])/(?P<afrac_den>10|[1-9])(?![\d./])"
    rf"|{_number('low')}(?:\s*(?P<more>{_MORE}))?(?:\s*{_measure('low')})?"
    rf"(?:\s*(?P<range>{_RANGE_SEP})\s*{_number('high')}"
    rf"(?:\s*(?P<high_more>{_MORE}))?(?:\s*{_measure('high')})?"
    rf"|\s*(?P<plus_minus>{_PLUS_MINUS})\s*{_number('tol', signed=False)}"
    rf"(?:\s*{_measure('tol')})?)?)"
)

#: /季度 以上: an optional frequency after the unit, then an optional 以上/以内/左右/余.
TAIL = rf"(?:\s*(?P<per>{_alternation(PER_PERIOD_SUFFIXES)}))?(?:\s*(?P<suffix>{_SUFFIX}))?"

#: The "%=99" order some system exports produce.
PERCENT_FIRST = (
    rf"(?P<percent_first>%)\s*(?P<symbol>{_alternation(SYMBOL_COMPARATORS)})\s*{_number('low')}"
)

lead = _match(LEAD, "lead words")
quantity = _match(QUANTITY, "quantity")
tail = _match(TAIL, "tail words").leave_whitespace()
percent_first = _match(PERCENT_FIRST, "percent-first target")

#: One numeric target, located: results ``locn_start``, ``value`` (``re.Match`` tokens of
#: the productions), ``locn_end``.
target = pp.Located((lead + quantity + tail) | percent_first).set_name("target").parse_with_tabs()

#: Where a target may start: a lead word, a period word, %, 百分之, or the first digit of a number.
TARGET_START = re.compile(
    "|".join(
        (
            PERIOD_ALTERNATION,
            LEAD_ALTERNATION,
            "[百千万]分之",
            r"%(?=\s*[≥≤=<>])",
            r"(?<![0-9A-Za-z.第%‰/])(?<!\d,)(?<!\d:)-(?=\d)",
            r"(?<![0-9A-Za-z.第/])(?<!\d,)(?<!\d:)\d",
            "(?<![零〇一二两三四五六七八九十百千万亿第数几])[零〇一二两三四五六七八九十百千]",
            "(?<![零〇一二两三四五六七八九十百千万亿第数几])[万亿](?=\\s*[余多])",
        )
    )
)

# --- dates -------------------------------------------------------------------------------

YEAR = r"(?:19|20)\d{2}"
MONTH = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
DAY = (
    r"3[01]|[12]\d|0?[1-9]"
    r"|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
)
_SEP = r"\s*(?:-|~|至|到)\s*"
_MARKER = r"(?:\s*(?P<marker>之前|以前|前|为止|止|以内|内))?"
_BEFORE = r"(?P<marker>之前|以前|前|为止|止)"
_NEXT_YEAR = r"(?P<next>次年|翌年|明年|下一年|第二年)"
#: 年底/年末/年内 without a year are deadlines only when no number comes before: 2年内 is a
#: duration (≤ 2 年), not "before the end of the year".
_NO_COUNT_BEFORE = r"(?<![\d零〇一二两三四五六七八九十百千半几数])"
#: 一季度 (the first quarter) without 第: not inside a numeral or after 每 (每一季度), and not
#: 一季度一次 (once a quarter, a frequency).
_NO_NUMERAL_BEFORE = r"(?<![\d零〇一二两三四五六七八九十百千万每连续近])"
_NOT_PER_QUARTER = r"(?!\s*(?:[\d零〇一二两三四五六七八九十]+\s*次|至少|不少|不低于))"
#: 当年 is a deadline (the budget year's end) only as a time phrase: 当年完成, or the whole cell
#: (当年内, 当年底前 are read by the 年内/年底 productions); 当年新增就业500人 and 当年完成率 are
#: labels.
_CURRENT_YEAR_END = r"(?=\s*(?:完成|结束)(?!率)|\s*$)"


def _cn_date(tag: str) -> str:
    """年月日 date with group names prefixed by *tag*; month needed, day optional."""
    return (
        rf"(?:(?P<{tag}y>{YEAR})\s*年\s*)?(?P<{tag}m>{MONTH})\s*月\s*"
        rf"(?:(?P<{tag}d>{DAY})\s*[日号]|(?P<{tag}eom>底|末)|(?P<{tag}xun>上旬|中旬|下旬))?"
    )


def _dotted_date(tag: str) -> str:
    """2023.07, 2023.7.1, 2023/07/01, 2023-07-01 (ISO-style dates of system exports)."""
    return (
        rf"(?P<{tag}y>{YEAR})[./-](?P<{tag}m>1[0-2]|0[1-9]|[1-9])"
        rf"(?:[./-](?P<{tag}d>3[01]|[12]\d|0?[1-9]))?(?![\d万元亿%])"
    )


date_range = (
    _match(rf"{_dotted_date('s')}{_SEP}{_dotted_date('e')}", "dotted date range")
    | _match(rf"{_cn_date('s')}{_SEP}{_cn_date('e')}", "date range")
    | _match(rf"(?P<sy>{YEAR})\s*年\s*(?P<sm>{MONTH}){_SEP}(?P<em>{MONTH})\s*月", "month range")
    | _match(rf"(?P<sy>{YEAR})\s*年?{_SEP}(?P<ey>{YEAR})\s*年度?", "year range")
)("range")

deadline = (
    _match(
        rf"(?P<y>{YEAR})\s*年\s*(?P<m>{MONTH})\s*月\s*"
        rf"(?:(?P<d>{DAY})\s*[日号]|(?P<eom>底|末)|(?P<xun>上旬|中旬|下旬))?" + _MARKER,
        "date",
    )
    | _match(
        rf"(?P<m>{MONTH})\s*月\s*(?:(?P<d>{DAY})\s*[日号]|(?P<eom>底|末)|(?P<xun>上旬|中旬|下旬))"
        + _MARKER,
        "month day",
    )
    | _match(rf"(?P<m>{MONTH})\s*月\s*(?P<marker>之前|以前|前|为止|止)", "month")
    | _match(
        rf"(?P<y>{YEAR})[./-](?P<m>1[0-2]|0?[1-9])[./-](?P<d>3[01]|[12]\d|0?[1-9])(?![\d.])"
        + _MARKER,
        "dotted date",
    )
    | _match(rf"(?P<y>{YEAR})[./-](?P<m>1[0-2]|0?[1-9])\s*{_BEFORE}", "dotted month")
    | _match(rf"(?P<y>{YEAR})-(?P<m>1[0-2]|0[1-9])(?![\d.万元亿%])" + _MARKER, "iso month")
    | _match(
        rf"(?<![\d.])(?P<m>1[0-2]|0?[1-9])[./](?P<d>3[01]|[12]\d|0?[1-9])\s*{_BEFORE}",
        "dotted month day",
    )
    | _match(
        rf"{_NEXT_YEAR}\s*(?:(?P<m>{MONTH})\s*月\s*"
        rf"(?:(?P<d>{DAY})\s*[日号]|(?P<eom>底|末)|(?P<xun>上旬|中旬|下旬))?"
        rf"|年?\s*(?P<yearend>底|末))" + _MARKER,
        "next year",
    )
    | _match(rf"(?P<y>{YEAR})\s*年\s*(?P<yearend>底|末|内)" + _MARKER, "year end")
    | _match(rf"{_NO_COUNT_BEFORE}年\s*(?P<yearend>底|末|内)" + _MARKER, "year end")
    | _match(rf"(?:(?P<y>{YEAR})\s*年\s*)?(?P<half>上半年|下半年)" + _MARKER, "half year")
    | _match(rf"(?P<current>当年)度?{_CURRENT_YEAR_END}", "this year")
    | _match(rf"{_NO_COUNT_BEFORE}年度\s*(?P<yearend>内)" + _MARKER, "within the year")
    | _match(
        rf"(?:(?P<y>{YEAR})\s*年度?\s*)?第?\s*(?P<quarter>[一二三四1-4])\s*季度\s*(?:末|底)"
        + _MARKER,
        "quarter end",
    )
    | _match(
        rf"(?:(?P<y>{YEAR})\s*年度?\s*(?:第\s*)?|第\s*)(?P<quarter>[一二三四1-4])\s*季度" + _MARKER,
        "quarter",
    )
    | _match(
        rf"{_NO_NUMERAL_BEFORE}(?P<quarter>[一二三四])季度{_NOT_PER_QUARTER}" + _MARKER, "quarter"
    )
    | _match(
        rf"(?:(?P<y>{YEAR})\s*(?:年度?)?\s*-?\s*|(?<![0-9A-Za-z]))[Qq](?P<quarter>[1-4])"
        r"(?![0-9A-Za-z])" + _MARKER,
        "Q quarter",
    )
)("deadline")

bare_year = _match(rf"(?P<y>{YEAR})\s*年度?", "year")("year")

#: A date range, a deadline or a year, located like ``target``.
date_mention = pp.Located(date_range | deadline | bare_year).set_name("date").parse_with_tabs()

#: Where a date may start.
DATE_START = re.compile(
    "|".join(
        (
            rf"(?<![\d.]){YEAR}(?=\s*[年./\-~至到Qq])",
            rf"(?<![\d十.])(?:{MONTH})\s*月",
            rf"{_NO_COUNT_BEFORE}年\s*[底末内]",
            r"[上下]半年",
            r"第?[一二三四1-4]\s*季度",
            r"(?<![0-9A-Za-z])[Qq][1-4](?![0-9A-Za-z])",
            r"当年(?!度?\s*[底末内])|(?<![\d零〇一二两三四五六七八九十百千半几数])年度\s*内",
            r"(?<![\d.])(?:1[0-2]|0?[1-9])[./]\d{1,2}\s*(?:之前|以前|前|为止|止)",
            r"次年|翌年|明年|下一年|第二年",
        )
    )
)
