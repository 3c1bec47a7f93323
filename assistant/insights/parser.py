"""A manager's question in plain language, read into a `QuerySpec` by rules, with no model.

The words are the metrics layer's: each metric, dimension and filter value has the phrasings a
manager uses ("how many tickets", "first response time", "by segment", "SMB", "Germany", "G2",
"urgent"), the values of the company's own data (plans, themes, tags) are read from the
database, and dates are read relative to the as-of date ("last quarter", "since 1 May",
"in August", "per month in 2026"). What cannot be read is not guessed: the reader says what
can be asked instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from assistant.insights.metrics import METRICS
from assistant.insights.periods import (
    GRAINS,
    Period,
    add_months,
    calendar,
    last_days,
    to_date,
)
from assistant.insights.spec import Filter, QuerySpec
from journey.vocabulary import Vocabulary

# Phrasings of each metric, most specific first: the first that matches wins.
METRIC_WORDS: list[tuple[str, str]] = [
    (r"\bpromoters?\b(?!.*\bdetractors?\b)", "promoters"),
    (r"\bdetractors?\b(?!.*\bpromoters?\b)", "detractors"),
    (r"\bnps\b|net promoter", "nps"),
    (r"\bcsat\b|satisf", "csat"),
    (r"(?:waiting|waited|wait)\s+(?:more than|over|longer than|>)\s*\d", "tickets_waiting"),
    (r"first[- ]response|response times?\b|time to (?:first )?respon|respond",
     "first_response_time"),
    (r"resolution time|time to resol|resolve|resolution", "resolution_time"),
    (r"average rating|\bratings?\b|\bstars?\b|rated", "average_rating"),
    (r"hand-?offs?|handed (?:over|off)|escalat", "handoff_rate"),
    (r"moments? of truth|\bflags?\b|flagged", "moments_of_truth"),
    (r"severity", "average_severity"),
    (r"\bnegative\b", "negative_share"),
    (r"\bpositive\b", "positive_share"),
    (r"sentiment|mood|feel", "sentiment"),
    (r"renewal rate|renew", "renewal_rate"),
    (r"drop(?:-| )?off|drop out|fall out|lose them|where .*\blost\b", "dropoff"),
    (r"conver(?:sion|t)|go on to|move on to|progress(?:es)? to", "conversion"),
    (r"how long|time (?:from|between)|days (?:from|between)", "time_between"),
    (r"\btickets?\b", "tickets"),
    (r"\breviews?\b", "reviews"),
    (r"conversations?|\bchats?\b", "conversations"),
    (r"\barr\b|annual recurring|revenue", "arr"),
    (r"\bcontacts?\b|\bpeople\b", "contacts"),
    (r"accounts? (?:that |which |who )?(?:signed|reached|had|made|got|booked|started)",
     "accounts_reaching"),
    (r"\baccounts?\b|\bcustomers?\b|\bcompanies\b", "accounts"),
    (r"\bevents?\b", "events"),
]  # fmt: skip
# Metrics shown together when one is asked: "NPS" comes with its promoters and detractors.
COMPANIONS = {"nps": ["nps", "promoters", "detractors"], "tickets_waiting": ["tickets_waiting"]}

# Words naming a dimension to group by: "by segment", "per channel", "which plan".
DIMENSION_WORDS: dict[str, str] = {
    "segment": "segment", "segments": "segment", "plan": "plan", "plans": "plan",
    "industry": "industry", "industries": "industry", "country": "country",
    "countries": "country", "channel": "channel", "channels": "channel", "priority": "priority",
    "priorities": "priority", "stage": "stage", "stages": "stage", "touchpoint": "touchpoint",
    "touchpoints": "touchpoint", "tag": "tag", "tags": "tag", "theme": "theme",
    "themes": "theme", "topic": "theme", "topics": "theme", "platform": "platform",
    "platforms": "platform", "site": "platform", "sites": "platform", "reason": "reason",
    "reasons": "reason", "type": "type", "types": "type", "status": "status",
    "day": "day", "daily": "day", "week": "week", "weekly": "week", "month": "month",
    "monthly": "month", "quarter": "quarter", "quarterly": "quarter", "year": "year",
    "yearly": "year", "sentiment": "sentiment", "item": "item_type",
}  # fmt: skip
# Words before a dimension that only say whose it is: "by ticket channel", "by account plan".
QUALIFIERS = r"(?:ticket|account|customer|review|contact|journey|item|their|its)"
GROUPING = r"(?:by|per|for each|for every|across|split by|broken down by|each|which|what)"
SEGMENTS = {"smb": "smb", "small business": "smb", "small businesses": "smb",
            "mid-market": "mid_market", "mid market": "mid_market", "midmarket": "mid_market",
            "enterprise": "enterprise"}  # fmt: skip
COUNTRIES = {"germany": "DE", "german": "DE", "netherlands": "NL", "dutch": "NL", "france": "FR",
             "french": "FR", "spain": "ES", "spanish": "ES", "united states": "US", "usa": "US",
             "us": "US", "american": "US", "united kingdom": "GB", "uk": "GB", "britain": "GB",
             "british": "GB", "ireland": "IE", "irish": "IE", "austria": "AT", "canada": "CA",
             "denmark": "DK", "sweden": "SE", "switzerland": "CH", "belgium": "BE"}  # fmt: skip
CHANNELS = {"email": "email", "e-mail": "email", "chat": "chat", "phone": "phone",
            "web": "web", "web form": "web"}  # fmt: skip
PRIORITIES = {"urgent": "urgent", "high": "high", "high-priority": "high", "normal": "normal",
              "low": "low"}  # fmt: skip
ITEM_TYPES = {"tickets": "ticket", "reviews": "review", "survey comments": "survey_response",
              "chat messages": "message"}  # fmt: skip
CHANGES = re.compile(
    r"^\s*(?:delete|remove|drop|update|insert|change|set|reset|erase|truncate|alter|create|"
    r"add|rename|merge|close|resolve all|assign)\b|\b(?:delete|drop table|truncate)\b",
    re.I,
)
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]  # fmt: skip
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # fmt: skip


class Unclear(Exception):
    """The question cannot be read into a query; `str()` says what can be asked."""


@dataclass
class Known:
    """What the company's data holds, for the values a question may name."""

    vocabulary: Vocabulary
    plans: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def parse(question: str, known: Known, as_of: date) -> QuerySpec:
    text = " ".join(question.lower().replace("’", "'").split())
    if CHANGES.search(text):
        raise Unclear("I only read figures; I cannot change data.")
    metric = _metric(text)
    if metric is None:
        raise Unclear("I could not tell which figure you are asking for.")
    spec: dict[str, Any] = {"metrics": COMPANIONS.get(metric, [metric]), "as_of": as_of}
    period, grain = _period(text, as_of)
    spec["period"] = period
    filters = _filters(text, known, metric)
    dimensions = _dimensions(text, metric)
    if grain and grain not in dimensions:
        dimensions.append(grain)
    # "compare email and chat": the values compared are the rows.
    for f in filters:
        if len(f.values) > 1 and f.dimension not in dimensions and f.dimension != "tag":
            dimensions.insert(0, f.dimension)
    spec["filters"] = filters
    spec["dimensions"] = dimensions[:2]
    spec.update(_order(text))
    spec.update(_parameters(text, known, metric))
    customers = metric == "accounts" and re.search(r"\bcustomers?\b", text)
    if customers and not any(f.dimension == "status" for f in filters):
        spec["filters"] = [*filters, Filter(dimension="status", values=["active"])]
    try:
        return QuerySpec(**spec)
    except ValueError as exc:
        raise Unclear(first_error(exc)) from exc


def first_error(exc: ValueError) -> str:
    """The first of a validation error's messages, as a person reads it."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        message = str(errors()[0].get("msg", exc))
        return message.removeprefix("Value error, ")
    return str(exc)


def _metric(text: str) -> str | None:
    for pattern, metric in METRIC_WORDS:
        if re.search(pattern, text):
            return metric
    return None


def _dimensions(text: str, metric: str) -> list[str]:
    found: list[str] = []
    pattern = (
        rf"\b(?:{GROUPING}|top \d+|top (?:three|five|ten))\s+(?:the\s+)?(?:{QUALIFIERS}\s+)?"
        r"([a-z-]+)"
    )
    for match in re.finditer(pattern, text):
        for word in match.groups():
            key = DIMENSION_WORDS.get(word or "")
            if key:
                if key not in found:
                    found.append(key)
                break
    if re.search(r"\bover time\b|\btrend\b", text) and not any(k in GRAINS for k in found):
        found.append("month")
    return found


def _filters(text: str, known: Known, metric: str) -> list[Filter]:
    filters: list[Filter] = []

    def add(dimension: str, values: list[str]) -> None:
        values = list(dict.fromkeys(values))
        if values:
            filters.append(Filter(dimension=dimension, values=values))

    def said(words: str, after: str = "") -> bool:
        return re.search(rf"\b{re.escape(words.lower())}\b{after}", text) is not None

    # A plan is named as one ("the Growth plan", "on Growth"): "enterprise accounts" are a
    # segment, though Enterprise is a plan too.
    plans = [p for p in known.plans if said(p, r"(?= plans?\b)") or said(f"on {p}")]
    plans += [p for p in known.plans if said(p) and p.lower() not in SEGMENTS and p not in plans]
    add("plan", plans)
    segment_text = text
    for plan in plans:
        segment_text = segment_text.replace(plan.lower(), " ")
    segments = [v for w, v in SEGMENTS.items() if re.search(rf"\b{re.escape(w)}\b", segment_text)]
    add("segment", segments)
    add("country", [v for w, v in COUNTRIES.items() if said(w)])
    add("industry", [i for i in known.industries if i.lower() in text])
    add("platform", [p for p in known.platforms if said(p)])
    if metric in ("tickets", "first_response_time", "resolution_time", "tickets_waiting", "csat"):
        add("channel", [v for w, v in CHANNELS.items() if said(w)])
        add("priority", [v for w, v in PRIORITIES.items() if said(w, r"(?! (?:nps|csat))")])
        add("tag", _tags(text, known.tags))
    if metric in ("sentiment", "negative_share", "positive_share"):
        add("item_type", [v for w, v in ITEM_TYPES.items() if w in text])
    if metric not in ("dropoff", "conversion", "time_between"):
        stages = [s.key for s in known.vocabulary.stages if re.search(rf"\b{s.key}\b", text)]
        add("stage", stages)
    return filters


def _tags(text: str, tags: list[str]) -> list[str]:
    """Tags the question names: whole ("billing", "integration disconnected"), or by the word
    they start with before "tickets" ("integration tickets": every integration_* tag)."""
    named = [t for t in tags if re.search(rf"\b{re.escape(t.replace('_', ' '))}\b", text)]
    if named:
        return named
    before = re.search(r"\b([a-z]+)\s+(?:tickets|issues|requests)\b", text)
    if not before:
        return []
    return [t for t in tags if t.split("_")[0] == before.group(1)]


def _order(text: str) -> dict[str, Any]:
    top = re.search(r"\b(?:top|best|worst|bottom)\s+(\d+|three|five|ten)\b", text)
    numbers = {"three": 3, "five": 5, "ten": 10}
    if re.search(r"\b(?:lowest|least|fewest|worst|slowest|bottom|smallest)\b", text):
        order, limit = "asc", 1
    elif re.search(r"\b(?:highest|most|biggest|largest|best|fastest|top)\b", text):
        order, limit = "desc", 1
    else:
        return {}
    if re.search(r"\bslowest\b", text):
        order = "desc"  # the slowest response is the longest time
    if re.search(r"\bfastest\b", text):
        order = "asc"
    if top:
        limit = int(numbers.get(top.group(1), top.group(1)))
    return {"order": order, "limit": limit}


def _parameters(text: str, known: Known, metric: str) -> dict[str, Any]:
    if metric == "tickets_waiting":
        hours = re.search(r"(\d+(?:\.\d+)?)\s*(h\b|hours?|days?)", text)
        if hours:
            value = float(hours.group(1)) * (24 if hours.group(2).startswith("d") else 1)
            return {"hours": value}
    stages = [s.key for s in known.vocabulary.stages]
    if metric in ("conversion", "dropoff"):
        places = [(m.start(), s) for s in stages for m in re.finditer(rf"\b{s}\b", text)]
        named = [s for _, s in sorted(places)]
        if metric == "conversion" and len(named) >= 2:
            return {"from_stage": named[0], "to_stage": named[1]}
        if metric == "conversion" and len(named) == 1:
            following = stages.index(named[0]) + 1
            if following < len(stages):
                return {"from_stage": named[0], "to_stage": stages[following]}
        if metric == "dropoff" and len(named) == 1:
            return {"from_stage": named[0]}
    if metric == "time_between":
        types = _event_types(text, known)
        if len(types) >= 2:
            return {"from_event": types[0], "to_event": types[1]}
    return {}


def _event_types(text: str, known: Known) -> list[str]:
    words = {
        "signed": "contract_signed", "signing": "contract_signed", "contract": "contract_signed",
        "first value": "first_value_reached", "value": "first_value_reached",
        "trial": "trial_started", "demo": "demo_attended", "proposal": "proposal_sent",
        "qualified": "lead_qualified", "lead": "lead_qualified", "renewal": "renewal_signed",
        "cancel": "contract_cancelled", "sso": "sso_configured", "referral": "referral_made",
    }  # fmt: skip
    for e in known.vocabulary.event_types:
        words.setdefault(e.label.lower(), e.key)
        words.setdefault(e.key.replace("_", " "), e.key)
    found = [
        (m.start(), key)
        for w, key in words.items()
        for m in re.finditer(rf"\b{re.escape(w)}", text)
    ]
    ordered: list[str] = []
    for _, key in sorted(found):
        if key not in ordered:
            ordered.append(key)
    return ordered


def _period(text: str, as_of: date) -> tuple[Period, str | None]:
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
    if re.search(r"\byesterday\b", text):
        return calendar("day", as_of, -1), grain
    if re.search(r"\btoday\b", text):
        return calendar("day", as_of), grain
    between = re.search(r"\bbetween\s+(.+?)\s+and\s+(.+?)(?:$|[?,.])", text)
    if between:
        start, end = _day(between.group(1), as_of), _day(between.group(2), as_of)
        if start and end:
            return Period(start=start, end=end + timedelta(days=1)), grain
    since = re.search(
        r"\b(?:since|from|after)\s+(?:the\s+)?(.+?)(?:$|[?,]| by | per | for | in (?=\D))", text
    )
    if since:
        if "price change" in since.group(1) or "pricing change" in since.group(1):
            return Period(start=_price_change(as_of)), grain
        start = _day(since.group(1), as_of)
        if start:
            return Period(start=start), grain
    before = re.search(r"\b(?:before|until|up to)\s+(?:the\s+)?(.+?)(?:$|[?,])", text)
    if before:
        end = _day(before.group(1), as_of)
        if end:
            return Period(end=end), grain
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
    whole_year = re.search(r"\b(?:in|during|for|of)\s+(20\d\d)\b", text)
    if whole_year:
        y = int(whole_year.group(1))
        return Period(start=date(y, 1, 1), end=date(y + 1, 1, 1)), grain
    return Period(), grain


def _price_change(as_of: date) -> date:
    """The demo company's price change, 1 May: the latest one up to the as-of date."""
    return date(_latest_year(5, as_of), 5, 1)


def _months_back(as_of: date, months: int) -> date:
    back = add_months(as_of.replace(day=1), -months)
    return back.replace(day=min(as_of.day, 28))


def _month_number(word: str) -> int:
    return next(n for n, name in enumerate(MONTHS, start=1) if name.startswith(word[:3]))


def _latest_year(month: int, as_of: date) -> int:
    """A month named without a year is its latest one up to the as-of date."""
    return as_of.year if month <= as_of.month else as_of.year - 1


def _day(words: str, as_of: date) -> date | None:
    words = words.strip()
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", words)
    if iso:
        return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    day_month = re.match(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+(\d{{4}}))?", words)
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
    return date(int(just_year.group(1)), 1, 1) if just_year else None


def what_can_be_asked() -> str:
    names = sorted({m.label for m in METRICS.values()})
    return (
        "You can ask for: " + ", ".join(names) + "; by segment, plan, industry, country, "
        "channel, stage, touchpoint, theme and more; for a period such as last quarter, "
        "since 1 May or per month in 2026."
    )
