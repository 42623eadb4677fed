"""Result classes of the 指标值 parser: targets, dates and the parsed cell."""

from __future__ import annotations

import calendar
import datetime
import enum
from decimal import Decimal

import attrs

from indicator_rules.values._units import (
    PERIODS_PER_YEAR,
    UnitKind,
    money_factor,
    unit_kind_of,
)


class Comparator(enum.Enum):
    """How a target compares: its value is one of ``>= <= = > < ≈``."""

    GE = ">="
    LE = "<="
    EQ = "="
    GT = ">"
    LT = "<"
    APPROX = "≈"


def implied_yearly(number: Decimal, period: str | None, unit_kind: UnitKind) -> Decimal | None:
    """Return the yearly figure implied by *number* per *period* (每季度 1 次 → 4).

    ``None`` when there is no period, or for ratios (a percentage is not summed over a year).
    """
    if period is None or unit_kind in (UnitKind.PERCENT, UnitKind.PERMILLE):
        return None
    return number * PERIODS_PER_YEAR[period]


def _default_unit_kind(target: Target) -> UnitKind:
    return unit_kind_of(target.unit)


def _default_yearly(target: Target) -> Decimal | None:
    return implied_yearly(target.number, target.period, target.unit_kind)


@attrs.frozen
class Target:
    """One numeric target read from a 指标值 cell, e.g. 每季度至少1次 or 约20万元.

    ``number`` is the value as written (the lower bound of a range, ``upper`` the upper
    bound, both inclusive). ``unit_kind`` and ``yearly`` are derived from the other fields
    unless given. ``span`` points into ``ParsedValue.text``; ``subject`` is the label just
    before the target (best effort); ``implied`` marks numbers read from words (全覆盖 → 100%).
    """

    comparator: Comparator
    number: Decimal
    upper: Decimal | None = None
    unit: str | None = None
    period: str | None = None
    approx: bool = False
    implied: bool = False
    subject: str | None = None
    span: tuple[int, int] = (0, 0)
    unit_kind: UnitKind = attrs.field(default=attrs.Factory(_default_unit_kind, takes_self=True))
    yearly: Decimal | None = attrs.field(default=attrs.Factory(_default_yearly, takes_self=True))

    def amount_in_wan(self, form_money_unit: str = "万元") -> Decimal | None:
        """Return the money amount in 万元, or ``None`` when the target is not money.

        A target without a unit counts as money in *form_money_unit* (the form's 金额单位).
        A range counts with its upper bound (the most the target allows to spend).
        Raises ``ValueError`` when *form_money_unit* is not one of ``MONEY_TO_WAN``, whatever
        the target.
        """
        form_factor = money_factor(form_money_unit)
        if self.unit_kind is UnitKind.MONEY and self.unit is not None:
            factor = money_factor(self.unit)
        elif self.unit_kind is UnitKind.NONE:
            factor = form_factor
        else:
            return None
        amount = self.upper if self.upper is not None else self.number
        return amount * factor


@attrs.frozen
class PartialDate:
    """A date of which the year, month or day may be unknown (12月31日前 has no year).

    ``end_of_month`` is set for 月底/月末 when the day cannot be resolved because the month's
    length depends on an unknown year (2月底); otherwise the last day is filled in.
    ``year_offset`` places a date without a year relative to the project year: 次年3月 is
    ``PartialDate(month=3, day=31, year_offset=1)``. It is ignored when ``year`` is known.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    end_of_month: bool = False
    year_offset: int = 0

    def latest(self, default_year: int) -> datetime.date:
        """Return the last day this date allows.

        An unknown year is *default_year* (the project year) plus ``year_offset``.
        """
        year = self.year if self.year is not None else default_year + self.year_offset
        month = self.month if self.month is not None else 12
        last_day = calendar.monthrange(year, month)[1]
        day = min(self.day, last_day) if self.day is not None else last_day
        return datetime.date(year, month, day)


@attrs.frozen
class DateRange:
    """A period from ``start`` to ``end`` (实施期 2023.07-2024.01), both inclusive."""

    start: PartialDate
    end: PartialDate


@attrs.frozen
class ParsedValue:
    """Everything read from one 指标值 cell.

    ``targets`` are the numeric targets in order of appearance; ``grade`` the qualitative
    grade (合格, 优良…) when the cell is essentially just a grade; ``deadline`` and
    ``date_range`` the first deadline and period found; ``frequency`` a 每…/按… word
    (按月发放 → 月); ``years`` every year mentioned; ``suspected`` notes on likely OCR slips;
    ``reason`` says why nothing usable could be read (``None`` otherwise).
    """

    text: str
    targets: tuple[Target, ...] = ()
    grade: str | None = None
    deadline: PartialDate | None = None
    date_range: DateRange | None = None
    frequency: str | None = None
    years: tuple[int, ...] = ()
    suspected: tuple[str, ...] = ()
    reason: str | None = None

    # quantified, graded and dated are written out in compiled rules too (dsl/types.py): a
    # change here is a change there
    @property
    def quantified(self) -> bool:
        """True when at least one numeric target was read (a grade alone is not quantified)."""
        return bool(self.targets)

    @property
    def graded(self) -> bool:
        """True when the cell is a qualitative grade (已分级)."""
        return self.grade is not None

    @property
    def dated(self) -> bool:
        """True when the cell holds a deadline or a date range."""
        return self.deadline is not None or self.date_range is not None

    def amount_in_wan(self, form_money_unit: str = "万元") -> Decimal | None:
        """Return the SUM of the cell's money amounts in 万元, or ``None`` without any.

        Money targets and unit-less targets (read in *form_money_unit*) count; implied targets
        (全覆盖, 不发生) do not. Summing is deliberate: a cost cell may list several cost items
        (全年拿出 20 万… 拿出约 20 万元… → 40). Raises ``ValueError`` when *form_money_unit*
        is not one of ``MONEY_TO_WAN``, also for a cell without money.
        """
        money_factor(form_money_unit)
        amounts = [
            amount
            for target in self.targets
            if not target.implied and (amount := target.amount_in_wan(form_money_unit)) is not None
        ]
        if not amounts:
            return None
        return sum(amounts, Decimal(0))
