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

from rapidfuzz.distance import DamerauLevenshtein
from wordfreq import zipf_frequency

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
from journey.text import stem
from journey.vocabulary import Vocabulary

# Phrasings of each metric, most specific first: the first that matches wins.
METRIC_WORDS: list[tuple[str, str]] = [
    (r"\bnps\b|net promoter|\b(?:promoters?|detractors?)\b(?! (?:flags?|moments?))", "nps"),
    (r"\bcsat\b|satisf", "csat"),
    (r"(?:wait\w*|sat|sitting|took|taking|open)\s+(?:for\s+)?(?:more than|over|longer than|>)\s*\d",
     "tickets_waiting"),
    (r"first[- ](?:response|reply)|(?:response|reply) times?\b|time to (?:first )?respon|respond",
     "first_response_time"),
    (r"resolution time|time to resol|resolve|resolution"
     r"|\bclos(?:e|ed|ing)(?: out)?\b.*\btickets?\b|\btickets?\b.*\bclos(?:e|ed|ing)\b",
     "resolution_time"),
    (r"\b(?:slow|fast|quick)(?:er|est)?\b(?![- ]response)|\bspeed\b"
     r"|\bhow (?:long|quickly|fast) (?:do|does|did) we (?:answer|reply|respond)",
     "first_response_time"),
    (r"average rating|\bratings?\b|\bstars?\b|\brated\b", "average_rating"),
    (r"how many (?:[\w-]+ ){0,2}(?:conversations|chats)\b", "conversations"),
    (r"\bhand[- ]?offs\b(?! rates?)"
     r"|\breasons?\b.*\b(?:hand[- ]?off|hands? off|handed (?:over|off|to))\b"
     r"|\bhands? off\b.*\breasons?\b", "conversations"),
    (r"hand[- ]?offs?|hands? off|handed (?:over|off|to)|escalat|to an? (?:human|person)|"
     r"human agent", "handoff_rate"),
    (r"severity|\bsevere\b", "average_severity"),
    (r"moments? of truth|\bmots?\b|\bflags?\b|flagged|\bmoments\b", "moments_of_truth"),
    (r"(?:share|percent|%|proportion|fraction) of negative", "negative_share"),
    (r"(?:share|percent|%|proportion|fraction) of positive", "positive_share"),
    (r"\b(?:negative|positive|neutral) (?:\w+ )?tickets\b", "tickets"),
    (r"(?:most|more) negative sentiment|(?:worst|lowest|highest|best) sentiment|"
     r"how (?:positive|negative)|sentiment scores?", "sentiment"),
    (r"\bnegative\b", "negative_share"),
    (r"\bpositive\b", "positive_share"),
    (r"sentiment|mood|feel", "sentiment"),
    (r"\b(?:average|avg|mean|worst|best|lowest|highest) (?:review )?scores?\b", "average_rating"),
    (r"how long|\b(?:time|days|gap|delay|lag)\b.{0,30}?\b(?:from|between)\b", "time_between"),
    (r"renewal rate|renew", "renewal_rate"),
    (r"accounts? (?:that |which |who )?(?:have |has )?(?:signed|reach\w*|had|made|got|gets|"
     r"getting|booked|started|enter\w*)\b", "accounts_reaching"),
    (r"drop(?:-| )?off|drop out|fall out|los(?:e|ing) (?:them|accounts|customers|people)|"
     r"where .*\blost\b", "dropoff"),
    (r"conver(?:sion|t)|(?:go|goes|went|move|moves|moved|progress|progressed|advance|advanced)"
     r"(?: on)? to\b|made it (?:on )?to\b", "conversion"),
    (r"\btickets?\b", "tickets"),
    (r"\breviews?\b", "reviews"),
    (r"conversations?|\bchats?\b", "conversations"),
    (r"\barr\b|annual recurring|revenue", "arr"),
    (r"\bcontacts?\b", "contacts"),
    (r"\bactivit(?:y|ies)\b", "events"),
    (r"\baccounts?\b|\bcustomers?\b|\bcompanies\b|\bprospects?\b", "accounts"),
    (r"\bevents?\b", "events"),
]  # fmt: skip
# Metrics shown together when one is asked: "NPS" comes with its promoters and detractors.
COMPANIONS = {"nps": ["nps", "promoters", "detractors"]}
# Figures the metrics layer does not hold: refused, not answered with the nearest one.
UNKNOWN = re.compile(
    r"\b(?:cac|acquisition costs?|ltv|lifetime value|margins?|profit|bounce rate|predict|"
    r"forecast|will churn|salesperson|sales reps?|quota|stock price|per employee|open rate|"
    r"handle time|per agent|likely to churn|churn risk|propensity|effort score|ces)\b"
    r"|\bwill\b.*\bbe\b.*\bnext (?:week|month|quarter|year)\b"
)
# Several words naming one dimension, read as one: "by item type", "by hand-off reason".
PHRASES = {r"\b(?:item|source) types?\b": "item_type",
           r"\bhand-?off reasons?\b": "handoff_reason",
           r"\baccount status(?:es)?\b": "account_status"}  # fmt: skip
# Words that make a dimension word a figure: "negative sentiment", "average rating".
FIGURE_WORDS = {"negative", "positive", "average", "avg", "mean", "median", "total"}
# Accounts counted, not only said whose figures are asked for.
COUNTED_ACCOUNTS = re.compile(
    r"\b(?:how many|number of|count of|# of|total)\s+"
    r"(?:(?!events|tickets|reviews|conversations|contacts|answers)[\w-]+\s+){0,3}"
    r"(?:accounts|customers|companies|prospects)\b|^(?:accounts|customers)\b|\bcustomer count\b"
)
# Whose figures are asked for: "for enterprise accounts", "of our customers in Germany".
WHOSE = re.compile(
    r"\b(?:for|of|from|at|among|with)\s+(?:our\s+|the\s+)?(?:[\w-]+\s+){0,2}(?:accounts|customers)\b"
)
# A dimension word that names another dimension where the metric has not got the first.
ALIASES = {"status": "account_status", "reason": "handoff_reason", "type": "item_type"}

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
    "yearly": "year", "sentiment": "sentiment", "item_type": "item_type",
    "handoff_reason": "handoff_reason", "account_status": "account_status", "kind": "type",
    "kinds": "type",
}  # fmt: skip
# Words before a dimension that only say whose it is: "by ticket channel", "by account plan".
QUALIFIERS = r"(?:ticket|account|customer|review|contact|journey|event|support|their|its)"
GROUPING = (
    r"(?:kind of|most common|commonest|main|by|per|for each|for every|across|split by|"
    r"broken down by|each|which|what)"
)
SEGMENTS = {"smb": "smb", "small business": "smb", "small businesses": "smb",
            "mid-market": "mid_market", "mid market": "mid_market", "midmarket": "mid_market",
            "mid-mkt": "mid_market", "mid mkt": "mid_market",
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
ITEM_TYPES = {r"\btickets?\b": "ticket", r"\breviews?\b": "review",
              r"\bsurveys?\b|\bsurvey comments?\b": "survey_response",
              r"\bchat messages?\b|\bchats?\b": "message"}  # fmt: skip
STATUSES = {"churned": "churned", "lost": "churned", "prospects": "prospect",
            "in trial": "trial", "trialing": "trial", "on a trial": "trial", "on trial": "trial",
            "active": "active"}  # fmt: skip
CHANGES = re.compile(
    r"^\s*(?:please\s+)?(?:delete|remove|drop(?![- ]?off)|update|insert|change|set|reset|"
    r"erase|truncate|alter|create|add|rename|merge|close|resolve all|assign|reassign|move|"
    r"archive|mark|send|notify|email(?!\s+(?:clicks?|opens?|opened|clicked|tickets?|support|"
    r"channel|volume|response|campaigns?)))\b|\b(?:delete|drop table|truncate)\b",
    re.I,
)
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]  # fmt: skip
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # fmt: skip


PAINS = re.compile(
    r"\bpain ?points?\b|\bpains?\b|friction|frustrat|struggl|annoy|(?:hate|dislike)s?\b"
)
DELIGHTS = re.compile(
    r"delight|bright spots?|\blove\b|\b(?:like|liked) (?:most|best)\b|works? (?:really )?well"
)


@dataclass
class SpotsAsked:
    """A question for pain points or points of delight: which, in which stages, when."""

    sides: list[str]
    stages: list[str]
    period: Period


# Shorthands of people who ask for figures every day.
SHORTHANDS = {
    "qoq": "quarter over quarter", "mom": "month over month", "wow": "week over week",
    "yoy": "year over year", "prio": "priority", "prios": "priorities",
    "frt": "first response time", "hrs": "hours", "avg": "average", "mot": "moment of truth",
    "mots": "moments of truth", "convos": "conversations", "convo": "conversation",
    "pct": "percent",
}  # fmt: skip
SLIP_ZIPF = 3.0  # a word rarer than this in English may be a slip ("lst": 2.9, "last": 5.9)
# The words questions are made of, for mending slips; the data's own names are added.
KEYWORDS = set(
    "tickets ticket reviews review conversations conversation accounts account customers "
    "customer contacts events event quarter quarters month months week weeks year years day "
    "days last which what when where priority priorities channel channels segment segments "
    "stage stages touchpoint touchpoints sentiment satisfaction resolution response average "
    "median rating ratings handoff handoffs moments moment severity renewal renewals "
    "conversion activity attendance between since compared versus negative positive "
    "promoters detractors industry industries country countries platform platforms theme "
    "themes reason reasons status daily weekly monthly quarterly yearly number share rate "
    "volume count many much highest lowest fewest most least top bottom trend previous "
    "january february march april june july august september october november december "
    "awareness consideration decision onboarding adoption retention advocacy".split()
)


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
    flag_reasons: list[str] = field(default_factory=list)
    handoff_reasons: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # as the data writes them: DE, US...
    event_channels: list[str] = field(default_factory=list)

    def words(self) -> set[str]:
        """The words of the data's own names: a slip is never mended away from one."""
        names = [*self.plans, *self.industries, *self.platforms, *self.themes, *self.tags,
                 *self.flag_reasons, *self.handoff_reasons,
                 *(t.label for t in self.vocabulary.touchpoints),
                 *(e.label for e in self.vocabulary.event_types)]  # fmt: skip
        return {w for name in names for w in re.findall(r"[a-z]+", name.lower())}


KEYWORDS |= {
    word
    for source in [
        *(pattern for pattern, _ in METRIC_WORDS),
        *DIMENSION_WORDS, *SEGMENTS, *COUNTRIES, *CHANNELS, *PRIORITIES, *STATUSES,
        *SHORTHANDS, *SHORTHANDS.values(), "csat nps arr ytd mtd qtd",
    ]
    for word in re.findall(r"[a-z]{3,}", source)
}  # fmt: skip


def normalised(question: str, known: Known | None = None) -> str:
    """The question in lower case, its shorthands written out ("QoQ", "FRT", "h/o") and its
    slips mended ("tickts", "lst month"): a word one edit from a word the reader knows, and
    not itself an English word, is read as that word."""
    text = " ".join(question.lower().replace("’", "'").split())
    text = re.sub(r"#\s*(?:of\b)?", "number of ", text).replace("h/o", "handoff")
    text = re.sub(r"(?<=[a-z])'s\b", "", text)  # "which country's accounts", "this month's"
    text = re.sub(r"\b[a-z]+\b", lambda m: SHORTHANDS.get(m.group(), m.group()), text)
    known_words = KEYWORDS | (known.words() if known else set())

    def mended(match: re.Match[str]) -> str:
        word = match.group()
        if len(word) < 3 or word in known_words or zipf_frequency(word, "en") >= SLIP_ZIPF:
            return word
        near = [k for k in known_words if abs(len(k) - len(word)) <= 1
                and DamerauLevenshtein.distance(word, k) == 1]  # fmt: skip
        return min(near, key=lambda k: (-zipf_frequency(k, "en"), k)) if near else word

    return re.sub(r"\b[a-z]+\b", mended, text)


def refusal(question: str) -> str | None:
    """Why the question is not answered whoever reads it: it asks to change data, or for a
    figure the layer does not hold."""
    text = normalised(question)
    if CHANGES.search(text):
        return "I only read figures; I cannot change data."
    if UNKNOWN.search(text):
        return "That is not a figure I hold."
    return None


def parse(question: str, known: Known, as_of: date) -> QuerySpec:
    why = refusal(question)
    if why:
        raise Unclear(why)
    text = normalised(question, known)
    for phrase, token in PHRASES.items():
        text = re.sub(phrase, token, text)
    types = _event_types(text, known)
    if re.search(r"\bon (?:a )?trial\b|\bin trial\b|\btrialing\b", text):
        types = [t for t in types if t != "trial_started"]  # a status, not the event
    # Whose figure it is ("for enterprise accounts") names no figure, unless nothing else does.
    asked = re.sub(r"\([^)]*/[^)]*\)", "", text)  # "(negative / neutral / positive)" lists values
    metrics = _metrics(WHOSE.sub("", _without_groupings(asked))) or _metrics(asked)
    metric = metrics[0] if metrics else None
    if types and metric in (None, "events", "accounts", "accounts_reaching"):
        # "demos attended in August", "accounts starting a trial": events of those types.
        metric = "accounts_reaching" if metric in ("accounts", "accounts_reaching") else "events"
        metrics = [metric]
    if metric is None:
        raise Unclear("I could not tell which figure you are asking for.")
    source = METRICS[metric].source
    together = [
        m
        for m in metrics
        if METRICS[m].source is source and METRICS[m].kind in ("aggregate", "median")
    ]
    shown = together if metric in together and len(together) > 1 else [metric]
    spec: dict[str, Any] = {"metrics": COMPANIONS.get(metric, shown), "as_of": as_of}
    period, grain = _period(text, as_of)
    period = _capped(period, as_of)
    compared = [_capped(p, as_of) for p in _compared(text, as_of)]
    spec["period"] = Period() if compared else period
    spec["compare"] = compared
    filters = _filters(text, known, metric, question)
    if types and metric in ("events", "accounts_reaching"):
        filters.append(Filter(dimension="type", values=types))
    dimensions = [_fitted(d, metric) for d in _dimensions(text, metric)]
    filters = [f.model_copy(update={"dimension": _fitted(f.dimension, metric)}) for f in filters]
    if not grain and re.search(r"\bover time\b|\btrend(?:s|ed|ing)?\b", text):
        grain = "month"
    if grain and not any(d in GRAINS for d in dimensions):
        dimensions.append(grain)
    # "compare email and chat": the values compared are the rows.
    for f in filters:
        # Not a list the question only implies: every tag a word starts, every hand-off reason.
        implied = f.dimension == "tag" or f.values == known.handoff_reasons
        if len(f.values) > 1 and f.dimension not in dimensions and not implied:
            dimensions.insert(0, f.dimension)
    spec["filters"] = filters
    spec["dimensions"] = dimensions[:2]
    spec.update(_order(text))
    ranked = re.search(r"\b(?:top|bottom|best|worst)\b.*\bby\s+(.+)$", text)
    if spec.get("order") and ranked and len(spec["metrics"]) > 1:
        by = _metrics(ranked.group(1))  # "customer count and ARR, top 5 countries by ARR"
        if by and by[0] in spec["metrics"]:
            spec["order_by"] = by[0]
    spec.update(_parameters(text, known, metric))
    customers = metric in ("accounts", "arr") and re.search(r"\bcustomers?\b", text)
    if customers and not any(f.dimension == "status" for f in filters):
        spec["filters"] = [*filters, Filter(dimension="status", values=["active"])]
    try:
        return QuerySpec(**spec)
    except ValueError as exc:
        raise Unclear(first_error(exc)) from exc


def spots_asked(question: str, vocabulary: Vocabulary, as_of: date) -> SpotsAsked | None:
    """ "What are the pain points in onboarding?", "what do customers love in adoption?"."""
    text = normalised(question)
    sides = [side for side, words in (("pain", PAINS), ("delight", DELIGHTS)) if words.search(text)]
    if not sides:
        return None
    stages = [s.key for s in vocabulary.stages if re.search(rf"\b{s.key}\b", text)]
    return SpotsAsked(sides, stages, _period(text, as_of)[0])


def first_error(exc: ValueError) -> str:
    """The first of a validation error's messages, as a person reads it."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        message = str(errors()[0].get("msg", exc))
        return message.removeprefix("Value error, ")
    return str(exc)


def _metrics(text: str) -> list[str]:
    """The metrics a question names, the most specific first, then the others it names in
    the order it names them ("number of reviews and average rating")."""
    found: list[tuple[int, str]] = []
    for pattern, metric in METRIC_WORDS:
        match = re.search(pattern, text)
        if match and all(metric != m for _, m in found):
            found.append((match.start(), metric))
    if not found:
        return []
    if found[0][1] == "accounts" and len(found) > 1 and not COUNTED_ACCOUNTS.search(text):
        found = found[1:]  # "Healthcare accounts' events": the accounts only say whose
    if not re.search(r"\b(?:and|plus|as well as|along with)\b|&", text):
        return [found[0][1]]  # "tickets waited more than 2 days" names tickets: one figure
    ordered = [m for _, m in sorted(found)]
    if re.match(r"(?:the\s+)?(?:count|number|volume)\b", text):
        # "count and average severity of moments of truth": the count first
        counts = [m for m in ordered if METRICS[m].unit == "count"]
        ordered = counts[:1] + [m for m in ordered if m not in counts[:1]]
    return ordered


def _without_groupings(text: str) -> str:
    """The question without what it groups by: in "tickets by sentiment" the figure asked
    for is tickets, not sentiment."""

    def dropped(match: re.Match[str]) -> str:
        return "" if DIMENSION_WORDS.get(match.group(1)) else match.group(0)

    # "by sentiment score" ranks by a figure; it does not group.
    grouping = r"\b(?:by|per|split by|broken down by)\s+(?:the\s+)?([a-z_-]+)(?!\s+scores?\b)"
    return re.sub(grouping, dropped, text)


def _fitted(dimension: str, metric: str) -> str:
    """'status' of an NPS answer is its account's; the 'reason' of a conversation its
    hand-off's: a dimension word read as the one the metric has."""
    source = METRICS[metric].source
    alias = ALIASES.get(dimension)
    if dimension not in source.dimensions and alias and alias in source.dimensions:
        return alias
    return dimension


def _dimensions(text: str, metric: str) -> list[str]:
    """What the question groups by: a dimension word among the three after "by", "per",
    "which", "top 5"... ("which review platform", "by chatbot handoff reason"), and one
    joined to it by "and" ("by priority and status"). "By sentiment score" ranks; it does
    not group."""
    found: list[str] = []
    for start in re.finditer(rf"\b(?:{GROUPING}|(?:top|bottom) (?:\d+|three|five|ten))\s+", text):
        following = re.findall(r"[a-z0-9_'-]+", text[start.end() :])
        while following and following[0] in ("the", "a", "our", "your", "their"):
            following = following[1:]
        following = following[:5]
        for place, word in enumerate(following[:3]):
            key = DIMENSION_WORDS.get(word)
            scored = following[place + 1 : place + 2] in (["score"], ["scores"])
            # "by negative sentiment" ranks by a figure about the word; it does not group
            qualified = place > 0 and following[place - 1] in FIGURE_WORDS
            if key and not scored and not qualified:
                found.extend(k for k in [key] if k not in found)
                joined = following[place + 1 : place + 3]
                if len(joined) == 2 and joined[0] == "and" and DIMENSION_WORDS.get(joined[1]):
                    found.extend(k for k in [DIMENSION_WORDS[joined[1]]] if k not in found)
                break
    return found


def _filters(text: str, known: Known, metric: str, question: str) -> list[Filter]:
    filters: list[Filter] = []

    def add(dimension: str, values: list[str]) -> None:
        values = list(dict.fromkeys(values))
        if values:
            filters.append(Filter(dimension=dimension, values=values))

    def said(words: str, after: str = "", raw: bool = False) -> bool:
        pattern = words if raw else re.escape(words.lower())
        return re.search(rf"\b{pattern}\b{after}", text) is not None

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
    # "us" is a word before it is a country: the country is written US, or the US.
    countries = [v for w, v in COUNTRIES.items() if said(w) and (w != "us" or _us(question))]
    countries += [code for code in re.findall(r"\b[A-Z]{2}\b", question) if code in known.countries]
    add("country", countries)
    statuses = [v for w, v in STATUSES.items() if _status_said(w, text)]
    add("status" if metric in ("accounts", "arr") else "account_status", statuses)
    add("industry", [i for i in known.industries if i.lower() in text])
    add("platform", [p for p in known.platforms if said(p)])
    if metric in ("events", "accounts_reaching"):
        add("channel", [c for c in known.event_channels if said(c.replace("_", " "))])
    if metric in ("tickets", "first_response_time", "resolution_time", "tickets_waiting", "csat"):
        add("channel", [v for w, v in CHANNELS.items() if said(w)])
        add("priority", [v for w, v in PRIORITIES.items() if said(w, r"(?! (?:nps|csat))")])
        add("tag", _tags(text, known.tags))
    if metric == "tickets":
        add("sentiment", re.findall(r"\b(negative|positive|neutral) (?:\w+ )?tickets\b", text))
    if metric in ("sentiment", "negative_share", "positive_share"):
        add("item_type", [v for w, v in ITEM_TYPES.items() if re.search(w, text)])
    source = METRICS[metric].source
    if "reason" in source.dimensions:  # "churn-intent moments", "slow-response flags"
        add("reason", [r for r in known.flag_reasons if said(r.replace("_", "[ _-]"), raw=True)])
        add("status", [v for v in ("open", "claimed", "resolved") if said(v)])
    if "handoff_reason" in source.dimensions:
        handoffs = [r for r in known.handoff_reasons if said(r.replace("_", "[ _-]"), raw=True)]
        handing = re.search(
            r"\bhand[- ]?offs\b|\bhands? off\b|\bhanded (?:off|over|to)\b|escalat"
            r"|to an? (?:human|person)\b",
            text,
        )
        if not handoffs and metric == "conversations" and handing:
            handoffs = known.handoff_reasons  # "handoffs by reason": the ones handed off
        add("handoff_reason", handoffs)
    if "touchpoint" in METRICS[metric].source.dimensions:
        # A word already read as a channel ("email channel only") names no touchpoint too.
        channels = {v for f in filters if f.dimension == "channel" for v in f.values}
        touchpoints = known.vocabulary.touchpoints
        add("touchpoint", [t.key for t in touchpoints if _names(t, text) and t.key not in channels])
    if metric not in ("dropoff", "conversion", "time_between"):
        stages = [s.key for s in known.vocabulary.stages if re.search(rf"\b{s.key}\b", text)]
        add("stage", stages)
    return filters


def _status_said(word: str, text: str) -> bool:
    """An account status said of accounts: "churned accounts", "accounts that have churned",
    "prospects", "on a trial"; not "churned vs renewed contracts" or "accounts active in the
    decision stage"."""
    nouns = r"(?:accounts?|customers?|companies|organi[sz]ations|clients|ones)"
    if word in ("prospects", "on a trial", "on trial", "in trial", "trialing"):
        return re.search(rf"\b{word}\b", text) is not None
    statuses = "|".join(STATUSES)
    between = rf"(?:(?:vs\.?|versus|and|or)\s+(?:{statuses})\s+|[\w-]+\s+)?"  # "churned enterprise"
    before = rf"\b{word}\s+{between}{nouns}\b"
    after = (
        rf"\b{nouns}\s+(?:that\s+|which\s+|who\s+)?(?:have\s+|has\s+|are\s+)?{word}\b(?!\s+in\b)"
    )
    return re.search(f"{before}|{after}", text) is not None


def _us(question: str) -> bool:
    """The United States written as a country: "US", "U.S.", "the us"."""
    return re.search(r"\bUS\b|\bU\.S\.", question) is not None or "the us" in question.lower()


def _names(touchpoint: Any, text: str) -> bool:
    """A touchpoint named by its label or key, singular or plural: "from support tickets"."""
    words = {touchpoint.label.lower(), touchpoint.key.replace("_", " ")}
    return any(re.search(rf"\b{re.escape(w)}s?\b", text) for w in words if len(w) > 3)


def _tags(text: str, tags: list[str]) -> list[str]:
    """Tags the question names: whole ("billing", "integration disconnected"), or by the word
    they start with before "tickets" ("integration tickets": every integration_* tag)."""
    named = [
        t
        for t in tags
        if re.search(rf"\b(?:{re.escape(t)}|{re.escape(t.replace('_', ' '))})\b", text)
    ]
    if named:
        return named
    before = re.search(r"\b([a-z]+)\s+(?:tickets|issues|requests)\b", text)
    ordinary = {*CHANNELS, *PRIORITIES, "negative", "positive", "neutral", "support", "new", "open"}
    if not before or before.group(1) in ordinary:
        return []
    return [t for t in tags if t.split("_")[0] == before.group(1)]


def _order(text: str) -> dict[str, Any]:
    top = re.search(r"\b(?:top|best|worst|bottom|which|what)\s+(\d+|three|five|ten)\b", text)
    numbers = {"three": 3, "five": 5, "ten": 10}
    if re.search(r"\b(?:lowest|least|fewest|worst|slowest|bottom|smallest|most negative)\b", text):
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


# Event types named by a word of their own: "signed", "trial", "demos", "hooked up".
EVENT_WORDS = {
    "sign": "contract_signed", "contract": "contract_signed", "valu": "first_value_reached",
    "trial": "trial_started", "demo": "demo_attended", "propos": "proposal_sent",
    "lead": "lead_qualified", "renew": "renewal_signed", "cancel": "contract_cancelled",
    "referr": "referral_made", "refer": "referral_made", "hook": "integration_connected",
    "webinar": "webinar_attended", "case": "case_study_published",
}  # fmt: skip


def _event_types(text: str, known: Known) -> list[str]:
    """The event types a question names, in its order: by all the words of a type's label
    near each other ("booked a demo": Demo booked; "email clicks": Email clicked), else by a
    word of its own ("signed", "trials")."""
    tokens = [(m.start(), stem(m.group())) for m in re.finditer(r"[a-z]+", text)]
    found: list[tuple[int, str]] = []
    covered: set[int] = set()
    for event in known.vocabulary.event_types:
        label = [stem(w) for w in re.findall(r"[a-z]+", event.label.lower())]
        for place in range(len(tokens)):
            window = tokens[place : place + len(label) + 2]
            if window[0][1] in label and set(label) <= {t for _, t in window}:
                found.append((window[0][0], event.key))
                covered.update(at for at, t in window if t in label)
                break
    for at, token in tokens:
        key = EVENT_WORDS.get(token)
        if key and at not in covered and all(k != key for _, k in found):
            found.append((at, key))
    return [key for _, key in sorted(found)]


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
    over = re.search(r"\b(day|week|month|quarter|year) (?:over|by|on) (?:the )?\1\b", text)
    if over:  # "month over month", "quarter by quarter"
        grain = over.group(1)
    to_date_ = re.search(r"\b(ytd|year to date|mtd|month to date|qtd|quarter to date)\b", text)
    if to_date_:
        unit = {"y": "year", "m": "month", "q": "quarter"}[to_date_.group(1)[0]]
        return to_date(unit, as_of), grain  # type: ignore[arg-type]
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
    between = re.search(r"\bbetween\s+(.+?)\s+and\s+(.+?)(?:$|[?,.])", text)
    if between:
        start, end = _day(between.group(1), as_of), _day(between.group(2), as_of)
        if start and end:
            return Period(start=start, end=end + timedelta(days=1)), grain
    for since in re.finditer(
        r"\b(?:since|from|after)\s+(?:the\s+)?(?=(.+?)(?:$|[?,]| by | per | for | in (?=\D)))",
        text,
    ):
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
    # A month named on its own ("October activity"); not May, which is more often a verb.
    named = re.search(rf"\b(?!may\b){_MONTH}\b(?:\s+(\d{{4}}))?", text)
    if named and len(named.group(1)) > 3:
        number = _month_number(named.group(1))
        year = int(named.group(2)) if named.group(2) else _latest_year(number, as_of)
        first = date(year, number, 1)
        return Period(start=first, end=add_months(first, 1)), grain
    whole_year = re.search(r"\b(?:in|during|for|of|across|throughout)\s+(20\d\d)\b", text)
    if whole_year:
        y = int(whole_year.group(1))
        return Period(start=date(y, 1, 1), end=date(y + 1, 1, 1)), grain
    return Period(), grain


def _capped(period: Period, as_of: date) -> Period:
    """A period reaching past the as-of date ends there: "November" asked on 15 November is
    1 to 15 November, and its label says so."""
    last = as_of + timedelta(days=1)
    if period.end and period.end > last and (period.start is None or period.start < last):
        return Period(start=period.start, end=last)
    return period


def _compared(text: str, as_of: date) -> list[Period]:
    """Periods set side by side: "before and after 1 May", "Q2 vs Q3", "this month compared
    to last month"."""
    around = re.search(r"\bbefore and after (?:the )?(.+?)(?:$|[?,]| by | per | for )", text)
    if around:
        words = around.group(1)
        day = _price_change(as_of) if "price change" in words else _day(words, as_of)
        if day:
            return [Period(end=day), Period(start=day)]
    joiner = r"vs\.?|versus|compared (?:to|with)|against" + (
        r"|with|to" if text.startswith("compare") else ""
    )
    sides = re.split(rf"\s+(?:{joiner})\s+", text, maxsplit=1)
    if len(sides) == 2:
        left, right = (_period(side, as_of)[0] for side in sides)
        if left != Period() and right != Period() and left != right:
            return [left, right]
    return []


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
