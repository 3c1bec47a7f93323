"""Periods of time for the metrics: a half-open range of days, relative periods computed from an
"as of" date (so a report can be reproduced), and the SQL that buckets a timestamp by a grain.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, model_validator
from sqlalchemy import Integer, case, cast, func
from sqlalchemy.sql.elements import ColumnElement

from journey.schemas import Day

Grain = Literal["day", "week", "month", "quarter", "year"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")


class Period(BaseModel):
    """Days from `start` up to, not including, `end`; either side may be open."""

    start: Day | None = None
    end: Day | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.start and self.end and self.end <= self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        return self

    def label(self, as_of: date | None = None) -> str:
        """ "01 Apr 2026 to 30 Jun 2026"; "since 01 Nov 2026" when it runs up to the as-of
        date; "until 30 Apr 2026"."""
        last = self.end - timedelta(days=1) if self.end else None
        if as_of and last and last >= as_of:
            last = None
        if self.start and last:
            return f"{self.start:%d %b %Y} to {last:%d %b %Y}"
        if self.start:
            return f"since {self.start:%d %b %Y}"
        return f"until {last:%d %b %Y}" if last else "all time"


def moment(day: date) -> datetime:
    """Midnight UTC at the start of `day`: where a period's edge falls."""
    return datetime.combine(day, time(), tzinfo=UTC)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def calendar(grain: Grain, day: date, offset: int = 0) -> Period:
    """The calendar day, week (Monday first), month, quarter or year holding `day`, moved by
    `offset` of them ("last quarter" is offset -1)."""
    if grain == "day":
        start = day + timedelta(days=offset)
        return Period(start=start, end=start + timedelta(days=1))
    if grain == "week":
        start = day - timedelta(days=day.weekday()) + timedelta(weeks=offset)
        return Period(start=start, end=start + timedelta(weeks=1))
    if grain == "year":
        return Period(start=date(day.year + offset, 1, 1), end=date(day.year + offset + 1, 1, 1))
    months = 3 if grain == "quarter" else 1
    first = quarter_start(day) if grain == "quarter" else month_start(day)
    start = add_months(first, offset * months)
    return Period(start=start, end=add_months(start, months))


def to_date(grain: Grain, as_of: date) -> Period:
    """This month, quarter or year so far, the as-of day included."""
    return Period(start=calendar(grain, as_of).start, end=as_of + timedelta(days=1))


def last_days(days: int, as_of: date) -> Period:
    """The `days` days before the as-of date ("last 90 days"); the as-of day is not counted."""
    return Period(start=as_of - timedelta(days=days), end=as_of)


def bucket(column: Any, grain: Grain, dialect: str) -> ColumnElement[str]:
    """A timestamp's period as a sortable label: 2026-11-30 (day), 2026-11-30 (the Monday of
    its week), 2026-11 (month), 2026-Q4 (quarter), 2026 (year)."""
    if dialect == "postgresql":
        formats = {"day": "YYYY-MM-DD", "week": "YYYY-MM-DD", "month": "YYYY-MM",
                   "quarter": 'YYYY-"Q"Q', "year": "YYYY"}  # fmt: skip
        return func.to_char(func.date_trunc(grain, func.timezone("UTC", column)), formats[grain])
    if grain == "week":
        return func.date(column, "weekday 0", "-6 days")
    # SQLite keeps a timestamp as ISO text ('2026-11-30 12:00:00...'): its leading characters
    # are the day, month and year, read a fifth faster than by strftime over a million rows.
    if grain == "quarter":
        month = cast(func.substr(column, 6, 2), Integer)
        quarter = case((month <= 3, "1"), (month <= 6, "2"), (month <= 9, "3"), else_="4")
        return func.substr(column, 1, 5).concat("Q").concat(quarter)
    return func.substr(column, 1, {"day": 10, "month": 7, "year": 4}[grain])
