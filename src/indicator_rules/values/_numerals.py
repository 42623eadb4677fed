"""Text normalisation and numerals: full-width forms, Arabic and Chinese numbers."""

from __future__ import annotations

import re
from decimal import Decimal


def _normalisation_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII ０-９ ％ ＞ ｍ …
        if chr(code) != "，":  # keep the Chinese comma apart from the thousands separator
            table[code] = chr(code - 0xFEE0)
    for code in range(0x3001):
        char = chr(code)
        if char.isspace():
            table[code] = "\n" if char in "\n\r\x0b\x0c\x1c\x1d\x1e\x85" else " "
    for code in (0x2028, 0x2029):
        table[code] = "\n"
    table[ord("\u3000")] = " "
    # fmt: off
    for source, target in {
        "≧": "≥", "⩾": "≥", "≦": "≤", "⩽": "≤", "〜": "~", "∼": "~",
        "—": "-", "–": "-", "―": "-", "‐": "-", "‑": "-", "﹣": "-", "﹪": "%", "﹤": "<",
        "﹥": ">", "﹦": "=", "−": "-", "µ": "μ",
    }.items():
    # fmt: on
        table[ord(source)] = target
    return table


_NORMALISATION = _normalisation_table()


def normalise(text: str) -> str:
    """Map full-width and look-alike characters to one form, one character for one character.

    The result has exactly the length of *text*, so offsets found in it are offsets in *text*.
    The Chinese comma ``，`` is kept (only ``,`` separates thousands).
    """
    return text.translate(_NORMALISATION)


def arabic_to_decimal(digits: str) -> Decimal:
    """Convert ``1,000.5`` style digits (already half-width) to a Decimal, keeping the scale."""
    return Decimal(digits.replace(",", ""))


CHINESE_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

#: A magnitude written alone as a number (千余人, 近万人, 上千人).
_BARE_MAGNITUDES: dict[str, int] = {"百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}

_D = "[一二两三四五六七八九]"
_SECTION = re.compile(
    rf"[零〇]?(?:(?P<qian>{_D})千)?[零〇]?(?:(?P<bai>{_D})百)?[零〇]?"
    rf"(?:(?P<shi_digit>{_D})?(?P<shi>十))?(?P<unit>{_D})?"
)


def _section_value(section: str, *, leading: bool) -> int | None:
    """Value of a section below 一万 (一千二百零五), or None when malformed."""
    match = _SECTION.fullmatch(section)
    if match is None or not section:
        return None
    if match["shi"] and not match["shi_digit"] and not leading and (match["qian"] or match["bai"]):
        return None  # 一百十 is not written; 一百一十 is
    value = 0
    if match["qian"]:
        value += CHINESE_DIGITS[match["qian"]] * 1000
    if match["bai"]:
        value += CHINESE_DIGITS[match["bai"]] * 100
    if match["shi"]:
        value += (CHINESE_DIGITS[match["shi_digit"]] if match["shi_digit"] else 1) * 10
    if match["unit"]:
        value += CHINESE_DIGITS[match["unit"]]
    if value == 0 and set(section) - {"零", "〇"}:
        return None
    return value


def chinese_to_int(numeral: str) -> int | None:
    """Value of a Chinese numeral (十五, 三百, 一千二百, 一万二千, 零), or None when malformed.

    Digit-by-digit strings (二〇二一, 十四五) are not quantities and give None.
    """
    if numeral in ("零", "〇"):
        return 0
    if numeral in _BARE_MAGNITUDES:
        return _BARE_MAGNITUDES[numeral]  # 千余人, 近万人: the magnitude alone is 1 of it
    total = 0
    rest = numeral
    for big, factor in (("亿", 100_000_000), ("万", 10_000)):
        if big in rest:
            head, _, rest = rest.partition(big)
            if big in rest or not head:
                return None
            head_value = _section_value(head, leading=total == 0)
            if head_value is None:
                return None
            total += head_value * factor
    if rest:
        rest_value = _section_value(rest, leading=total == 0)
        if rest_value is None:
            return None
        total += rest_value
    if total == 0 and numeral.strip("零〇"):
        return None
    return total
