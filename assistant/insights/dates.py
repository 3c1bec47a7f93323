"""Dates and periods as a question writes them: "last quarter", "YTD", "since 1 May",
"in August", "1-7 November 2026", "Q2 vs Q3", "before and after 1 May"; all counted from the
as-of date, none reaching past it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from assistant.insights.periods import Period, add_months, calendar, last_days, to_date

NO_MILESTONES: Mapping[str, date] = {}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]  # fmt: skip
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # fmt: skip


def period_in(
    text: str, as_of: date, milestones: Mapping[str, date] = NO_MILESTONES
) -> tuple[Period, str | None]:
    """The period a question names, and the grain it asks figures per ("per month in 2026")."""
    grain = None
    per = re.search(
        r"\b(?:per|by|each|every)\s+(day|week|month|quarter|year)\b"
        r"|\b(daily|weekly|monthly|quarterly|yearly)\b",
        text,
    )
    if per:
        word = per.group(1) or per.group(2)
        grain = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
                 "yearly": "year"}.get(word, word)  # fmt: skip
    over = re.search(r"\b(day|week|month|quarter|year) (?:over|by|on|to) (?:the )?\1\b", text)
    if over:  # "month over month", "quarter by quarter"
        grain = over.group(1)
    to_date_ = re.search(r"\b(ytd|year to date|mtd|month to date|qtd|quarter to date)\b", text)
    if to_date_:
        unit = {"y": "year", "m": "month", "q": "quarter"}[to_date_.group(1)[0]]
        return to_date(unit, as_of), grain  # type: ignore[arg-type]
    quarter_of = re.search(r"\bq([1-4])\s+(?:of\s+)?(this|last) year\b", text)
    if quarter_of:  # "Q3 this year"
        year = as_of.year - (1 if quarter_of.group(2) == "last" else 0)
        first = date(year, 3 * int(quarter_of.group(1)) - 2, 1)
        return Period(start=first, end=add_months(first, 3)), grain
    relative = re.search(
        r"\b(last|previous|this|current|past)\s+(day|week|month|quarter|year)\b", text
    )
    if relative:
        unit = relative.group(2)
        if relative.group(1) in ("this", "current"):
            return to_date(unit, as_of), grain  # type: ignore[arg-type]
        return calendar(unit, as_of, -1), grain  # type: ignore[arg-type]
    days = re.search(r"\b(?:last|past)\s+(\d+)\s+(days|weeks|months)\b", text)
    if days:
        n = int(days.group(1))
        unit = days.group(2)
        if unit == "months":
            return Period(start=_months_back(as_of, n), end=as_of), grain
        return last_days(n * (7 if unit == "weeks" else 1), as_of), grain
    if re.search(r"\b(?:last|past) fortnight\b", text):
        return last_days(14, as_of), grain
    if re.search(r"\byesterday\b", text):
        return calendar("day", as_of, -1), grain
    if re.search(r"\btoday\b", text):
        return calendar("day", as_of), grain
    days_of = re.search(
        rf"\b(\d{{1,2}})\s*(?:-|–|to)\s*(\d{{1,2}})\s+{_MONTH}(?:\s+(\d{{4}}))?", text
    )
    if days_of:
        number = _month_number(days_of.group(3))
        year = int(days_of.group(4)) if days_of.group(4) else _latest_year(number, as_of)
        first = date(year, number, int(days_of.group(1)))
        last = date(year, number, int(days_of.group(2)))
        if last >= first:
            return Period(start=first, end=last + timedelta(days=1)), grain
    windows = _windows(text, as_of, milestones)
    if windows:
        return windows[0], grain
    ends = _ends(text, as_of, milestones)
    if ends and (grain or not _changed(text, milestones)):
        return Period(start=ends[0].start, end=ends[1].end), grain
    for since in re.finditer(
        r"\b(?:since|from|after)\s+(?:the\s+)?(?=(.+?)(?:$|[?,]| by | per | for | in (?=\D)))",
        text,
    ):
        start = _day(since.group(1), as_of, milestones)
        if start:
            return Period(start=start), grain
    before = re.search(r"\b(?:before|until|up to)\s+(?:the\s+)?(.+?)(?:$|[?,])", text)
    if before:
        end = _day(before.group(1), as_of, milestones)
        if end:
            return Period(end=end), grain
    half = re.search(r"\b(?:h([12])|(first|second|1st|2nd) half)(?:\s+(?:of\s+)?(\d{4}))?\b", text)
    if half:
        year = int(half.group(3) or as_of.year)
        first = date(year, 1 if (half.group(1) or half.group(2)[0]) in ("1", "f") else 7, 1)
        return Period(start=first, end=add_months(first, 6)), grain
    quarter = re.search(r"\bq([1-4])(?:\s*(?:of\s+)?(\d{4}))?\b", text)
    if quarter:
        year = int(quarter.group(2) or as_of.year)
        first = date(year, 3 * int(quarter.group(1)) - 2, 1)
        return Period(start=first, end=add_months(first, 3)), grain
    month = re.search(rf"\b(?:in|during|for)\s+{_MONTH}(?:\s+(\d{{4}}))?\b", text)
    if month:
        number = _month_number(month.group(1))
        year = int(month.group(2)) if month.group(2) else _latest_year(number, as_of)
        first = date(year, number, 1)
        return Period(start=first, end=add_months(first, 1)), grain
    # A month named on its own ("October activity"); not May, which is more often a verb.
    named = re.search(rf"\b(?!may\b){_MONTH}\b(?:\s+(\d{{4}}))?", text)
    if named and len(named.group(1)) > 3:
        number = _month_number(named.group(1))
        year = int(named.group(2)) if named.group(2) else _latest_year(number, as_of)
        first = date(year, number, 1)
        return Period(start=first, end=add_months(first, 1)), grain
    # "in 2026", and a year said on its own: "CSAT by channel, 2026"
    whole_year = re.search(r"(?<![\d/-])\b(20\d\d)\b(?![-/]\d)", text)
    if whole_year:
        y = int(whole_year.group(1))
        return Period(start=date(y, 1, 1), end=date(y + 1, 1, 1)), grain
    return Period(), grain


def capped(period: Period, as_of: date) -> Period:
    """A period reaching past the as-of date ends there: "November" asked on 15 November is
    1 to 15 November, and its label says so."""
    last = as_of + timedelta(days=1)
    if period.end and period.end > last and (period.start is None or period.start < last):
        return Period(start=period.start, end=last)
    return period


def compared_periods(
    text: str, as_of: date, milestones: Mapping[str, date] = NO_MILESTONES
) -> list[Period]:
    """Periods set side by side: "before and after 1 May", "Q2 vs Q3", "this month compared
    to last month"."""
    windows = _windows(text, as_of, milestones)
    if len(windows) == 2:  # "the three months before 1 May compared with the three after"
        return windows
    around = re.search(
        r"\bbefore (?:and|&|vs\.?|versus|or|compared (?:to|with)) after\b(?: (?:the )?(.+?)"
        r"(?:$|[?,]| by | per | for ))?",
        text,
    )
    # "NPS before the price change versus after it", "the rate before 1 May compared with after"
    split = re.search(r"\bbefore\b.*\b(?:after|since)\b(?! \d)", text)
    if around or split:
        day = _day(around.group(1), as_of, milestones) if around and around.group(1) else None
        said = period_in(text, as_of, milestones)[0]
        day = day or said.start or said.end
        if day:
            return [Period(end=day), Period(start=day)]
    grain = period_in(text, as_of, milestones)[1]
    changed = _changed(text, milestones) and not grain  # "moved quarter by quarter between..."
    ends = _ends(text, as_of, milestones) if changed else None
    if ends:
        return [capped(ends[0], as_of), capped(ends[1], as_of)]
    joiner = r"vs\.?|versus|compared? (?:to|with)|against" + (
        r"|with|to" if text.startswith("compare") else ""
    )
    sides = re.split(rf"\s+(?:{joiner})\s+", text, maxsplit=1)
    if len(sides) == 2:
        left, right = (period_in(side, as_of, milestones)[0] for side in sides)
        if left != Period() and right != Period() and left != right:
            return [left, right]
    return []


NUMBERS = {"the": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "twelve": 12}


def _windows(text: str, as_of: date, milestones: Mapping[str, date]) -> list[Period]:
    """ "The three months before 1 May", "the 30 days after the price change": a window on one
    side of a day; "... compared with the three months after" puts the other beside it."""
    found: list[tuple[date, date, date]] = []
    for said in re.finditer(
        r"\b(\d+|one|two|three|four|five|six|twelve|the) (day|week|month)s? "
        r"(before|after|following|prior to)\b(?: (?:the )?(.+?)(?=$|[?,.(]| compared| vs\b"
        r"| versus| and | by | per | for ))?",
        text,
    ):
        count = int(NUMBERS.get(said.group(1), said.group(1)))  # "the week before": one
        words = said.group(4)
        day = _day(words, as_of, milestones) if words else None
        day = day or (found[0][2] if found else None)
        if day is None:
            continue
        if said.group(2) == "month":
            other = add_months(day, count if said.group(3) in ("after", "following") else -count)
        else:
            days = count * (7 if said.group(2) == "week" else 1)
            other = day + timedelta(days=days if said.group(3) in ("after", "following") else -days)
        found.append((min(day, other), max(day, other), day))
    return [capped(Period(start=start, end=end), as_of) for start, end, _ in found]


def _ends(text: str, as_of: date, milestones: Mapping[str, date]) -> tuple[Period, Period] | None:
    """The two ends of "between March and May", "from Q2 to Q3", "from 1 May until 30 June":
    each a day, or a month or quarter as a whole."""
    said = re.search(
        r"\b(?:between\s+(.+?)\s+and|from\s+(.+?)\s+(?:to|until|till|through|thru))\s+"
        r"(.+?)(?:$|[?,.]| by | per | for )",
        text,
    )
    if not said:
        return None
    first = _span(said.group(1) or said.group(2), as_of, milestones)
    last = _span(said.group(3), as_of, milestones)
    return (first, last) if first and last else None


def _span(words: str, as_of: date, milestones: Mapping[str, date]) -> Period | None:
    """A day ("1 May", "2026-05-01", "the price change"), else the month, quarter or year
    the words name as a whole."""
    words = words.strip()
    if re.match(rf"\d|{_MONTH}\s+\d{{1,2}}\b(?!\d)", words) or not re.match(
        rf"{_MONTH}|q\d|h\d|20", words
    ):
        day = _day(words, as_of, milestones)
        if day:
            return Period(start=day, end=day + timedelta(days=1))
    month = re.fullmatch(rf"{_MONTH}(?:\s+(\d{{4}}))?", words)
    if month:  # May too, which period_in reads as a verb when it stands alone
        number = _month_number(month.group(1))
        year = int(month.group(2)) if month.group(2) else _latest_year(number, as_of)
        return Period(start=date(year, number, 1), end=add_months(date(year, number, 1), 1))
    whole = period_in(words, as_of, milestones)[0]
    return whole if whole.start and whole.end else None


def _changed(text: str, milestones: Mapping[str, date]) -> bool:
    """ "How did CSAT change from Q2 to Q3?" sets the two side by side; "the price change"
    names a day."""
    for name in milestones:
        text = text.replace(name.lower(), " ")
    return (
        re.search(
            r"\b(?:chang|mov|shift|evolv|develop|improv|wors|go|went|trend|compar|differ)\w*\b",
            text,
        )
        is not None
    )


def _months_back(as_of: date, months: int) -> date:
    back = add_months(as_of.replace(day=1), -months)
    return back.replace(day=min(as_of.day, 28))


def _month_number(word: str) -> int:
    return next(n for n, name in enumerate(MONTHS, start=1) if name.startswith(word[:3]))


def _latest_year(month: int, as_of: date) -> int:
    """A month named without a year is its latest one up to the as-of date."""
    return as_of.year if month <= as_of.month else as_of.year - 1


def _day(words: str, as_of: date, milestones: Mapping[str, date] = NO_MILESTONES) -> date | None:
    """The day words name: a date in any usual form, or a milestone of the company's ("the
    price change") as the settings date it."""
    words = words.strip()
    for name, day in milestones.items():
        if re.match(rf"(?:the\s+)?{re.escape(name.lower())}\b", words):
            return day
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", words)
    if iso:
        return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    day_month = re.match(
        rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:\s+(\d{{4}}))?", words
    )
    month_day = re.match(rf"{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?", words)
    month_only = re.match(rf"{_MONTH}(?:\s+(\d{{4}}))?\b", words)
    if day_month:
        number = _month_number(day_month.group(2))
        year = int(day_month.group(3)) if day_month.group(3) else _latest_year(number, as_of)
        return date(year, number, int(day_month.group(1)))
    if month_day:
        number = _month_number(month_day.group(1))
        year = int(month_day.group(3)) if month_day.group(3) else _latest_year(number, as_of)
        return date(year, number, int(month_day.group(2)))
    if month_only:
        number = _month_number(month_only.group(1))
        year = int(month_only.group(2)) if month_only.group(2) else _latest_year(number, as_of)
        return date(year, number, 1)
    just_year = re.match(r"(20\d\d)\b", words)
    if just_year:
        return date(int(just_year.group(1)), 1, 1)
    # "the price change on 1 May 2026": the day it names
    dated = re.search(r"\bon (.+)", words)
    return _day(dated.group(1), as_of) if dated else None
