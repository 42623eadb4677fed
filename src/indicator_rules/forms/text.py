"""Reading the small things in form cells: amounts, years, dates, money units, placeholders.

Pure functions over text; the form reader decides where each applies.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

import attrs

from indicator_rules.model import MONEY_UNITS, MoneyUnit
from indicator_rules.taxonomy import canonical_level1, canonical_level2

__all__ = [
    "Amount",
    "compact",
    "convert_amount",
    "has_indicator_prefix",
    "is_attachment_line",
    "is_category",
    "is_row_number",
    "is_template_text",
    "money_unit_in",
    "parse_amount",
    "parse_date",
    "strip_placeholders",
    "title_kind",
    "year_in_title",
    "year_line",
]

_WHITESPACE = re.compile(r"\s+")
_FULL_WIDTH = str.maketrans("（）：，．０１２３４５６７８９", "():,.0123456789")
#: Marks of a blank template: (盖章), (签名), a date left as 年 月 日.
_PLACEHOLDERS = re.compile(
    r"[(（]\s*(?:盖\s*章|签\s*名|签\s*字|签\s*章|公\s*章)\s*[)）]"
    r"|(?<![0-9０-９])\s*年\s+月\s+日\s*$|^\s*年\s+月\s+日(?![0-9])"
)
#: Sub-headings of a template that carry no data of their own.
_TEMPLATE_TEXT = frozenset({"按收入性质分", "按支出性质分", "其中", "其中:", "(盖章)", "(签名)"})
_ATTACHMENT = re.compile(
    r"^附件\s*[0-9０-９一二三四五六七八九十]*(?:\s*[-－—.．]\s*[0-9０-９]+)*\s*[:：]?$"
)
_YEAR_LINE = re.compile(r"^[(（]?\s*((?:19|20)\d{2})\s*年\s*度?\s*[)）]?$")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年\s*度?")
_AMOUNT = re.compile(
    r"^(?P<number>[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[-−]?\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|千元|元)?$"
)
_MONEY_UNIT_IN_TEXT = re.compile(
    r"(?:金额)?单位\s*[:：]\s*(亿元|万元|千元|元)|[(（]\s*(亿元|万元|千元|元)\s*[)）]"
)
_DATE = re.compile(
    r"^((?:19|20)\d{2})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?$"
)
#: A title ends with the form's name, or with a bracketed remark or the year after it.
_TITLE = re.compile(r"绩效目标(?:申报|审核|批复)?表(?:\([^()]*\)|(?:19|20)\d{2}年度?)?$")
#: A note or a remark names a form without being its title: 注：本表随…表一并报送。
_NOT_A_TITLE = re.compile(r"^(?:注|说明|备注|填表说明)\d*[:：]")
_ROW_NUMBER = re.compile(r"\(?(?:[0-9]{1,4}|[一二三四五六七八九十]{1,3})[).、．]?")
_INDICATOR_PREFIX = re.compile(r"^指标\s*[0-9０-９一二三四五六七八九十]+\s*[:：、.．]")


def compact(text: str) -> str:
    """``text`` without whitespace and with full-width brackets, colons and digits made ASCII:
    the form in which labels are compared (``年度预算 申请（万元）`` → ``年度预算申请(万元)``)."""
    return _WHITESPACE.sub("", text).translate(_FULL_WIDTH)


def strip_placeholders(text: str) -> str:
    """``text`` without the marks of a blank template: ``(盖章) 年 月 日`` → ``""``."""
    return _PLACEHOLDERS.sub("", text).strip()


def is_template_text(text: str) -> bool:
    """True for a template's own sub-headings (按收入性质分, 其中:, (盖章) …): they hold no data."""
    return compact(text) in _TEMPLATE_TEXT or not strip_placeholders(text)


def is_attachment_line(text: str) -> bool:
    """True for a line such as ``附件 3-1:`` that numbers the form in its report."""
    return bool(_ATTACHMENT.match(text.strip()))


def year_line(text: str) -> int | None:
    """The year of a line that states only it: ``(2021 年度)``, ``2021年度`` → 2021."""
    match = _YEAR_LINE.match(text.strip())
    return int(match.group(1)) if match else None


def title_kind(text: str) -> str | None:
    """``"project"`` or ``"department"`` when ``text`` is the title of a form, else None.

    部门整体 / 单位整体 titles are department forms; other 绩效目标申报表 titles are project forms.
    A text that merely mentions a form is not a title: a title ends with the form's name (or a
    bracketed remark or year after it), is at most 40 characters long and is no note (``注：``,
    ``说明：``, ``备注：``), so ``注：本表随部门整体支出绩效目标表一并报送。`` and
    ``项目绩效目标申报表填表说明`` are not titles.
    """
    key = compact(text)
    if len(key) > 40 or not _TITLE.search(key) or _NOT_A_TITLE.match(key):
        return None
    return "department" if "整体" in key else "project"


def year_in_title(text: str) -> int | None:
    """The year a title states, as in ``2021年度项目绩效目标申报表``."""
    match = _YEAR_IN_TITLE.search(text)
    return int(match.group(1)) if match else None


@attrs.frozen
class Amount:
    """An amount read from a cell: the number as written and the money unit written with it."""

    number: Decimal
    unit: MoneyUnit | None = None


def parse_amount(text: str) -> Amount | None:
    """An amount written plainly: ``40.00``, ``1,234.5``, ``539.42 万元``; None otherwise.

    Full-width digits are read; the number keeps its written precision (``40.00`` stays
    ``Decimal('40.00')``).
    """
    match = _AMOUNT.match(compact(text).replace("−", "-"))
    if not match:
        return None
    try:
        number = Decimal(match.group("number").replace(",", ""))
    except InvalidOperation:  # the pattern admits only plain decimals; kept for safety
        return None
    unit = match.group("unit")
    return Amount(number, _money_unit(unit) if unit else None)


def convert_amount(number: Decimal, unit: MoneyUnit, to: MoneyUnit) -> Decimal:
    """``number`` in ``unit`` expressed in ``to``, exactly (``400000`` 元 → ``40`` 万元): the
    units differ by powers of ten, so only the decimal point moves; trailing zeros it leaves
    after the point are dropped."""
    converted = number.scaleb((MONEY_UNITS[unit] / MONEY_UNITS[to]).adjusted())
    if _exponent(converted) < 0:
        converted = converted.normalize()
    return converted.quantize(Decimal(1)) if _exponent(converted) > 0 else converted


def _exponent(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0  # 'n', 'N', 'F': not a finite number


def _money_unit(text: str) -> MoneyUnit | None:
    for unit in MONEY_UNITS:
        if unit == text:
            return unit
    return None


def money_unit_in(text: str) -> MoneyUnit | None:
    """The money unit a text states: ``金额单位:万元``, ``单位：元``, ``项目资金 (万元)``."""
    match = _MONEY_UNIT_IN_TEXT.search(text)
    if not match:
        return None
    return _money_unit(match.group(1) or match.group(2))


def parse_date(text: str) -> datetime.date | None:
    """A date written ``2021年1月5日``, ``2021-01-05``, ``2021/1/5`` or ``2021.1.5``; else None."""
    match = _DATE.match(compact(text))
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:  # 2021-02-30: not a date; the caller keeps the text in a note
        return None


def is_category(text: str) -> bool:
    """True when ``text`` is a known 一级 or 二级 name (aliases included)."""
    return canonical_level1(text) is not None or canonical_level2(text) is not None


def is_row_number(text: str) -> bool:
    """True for what a 序号 column holds: a whole number (``1``, ``12``, ``一``, ``(3)``,
    ``4.``)."""
    return bool(_ROW_NUMBER.fullmatch(compact(text)))


def has_indicator_prefix(text: str) -> bool:
    """True for a 三级 name written with its number: ``指标 1: 模范机关创建``."""
    return bool(_INDICATOR_PREFIX.match(text.strip()))

