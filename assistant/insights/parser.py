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
from datetime import date
from functools import cached_property, partial
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein
from wordfreq import zipf_frequency

from assistant.insights.dates import capped, compared_periods, period_in
from assistant.insights.metrics import METRICS
from assistant.insights.periods import (
    GRAINS,
    Period,
)
from assistant.insights.phrasings import (
    ACCOUNT_NOUNS,
    ALIASES,
    CHANGES,
    CHANNELS,
    COMPANIONS,
    COUNTED_ACCOUNTS,
    COUNTRIES,
    DELIGHTS,
    DIMENSION_WORDS,
    EVENT_WORDS,
    FIGURE_WORDS,
    GROUPING,
    HARMLESS,
    ITEM_TYPES,
    KEYWORDS,
    LEGAL_FORMS,
    METRIC_WORDS,
    PAINS,
    PER_ACCOUNT,
    PHRASES,
    PRIORITIES,
    QUARTER_ORDINALS,
    SEGMENTS,
    SHORTHANDS,
    SLIP_ZIPF,
    STATUSES,
    UNKNOWN,
    WHOSE,
)
from assistant.insights.spec import Filter, QuerySpec
from journey.text import stem
from journey.vocabulary import Vocabulary


@dataclass
class SpotsAsked:
    """A question for pain points or points of delight: which, in which stages, when."""

    sides: list[str]
    stages: list[str]
    period: Period


# Shorthands of people who ask for figures every day.
class Unclear(Exception):
    """The question cannot be read into a query; `str()` says what can be asked."""


class AskedBack(Unclear):
    """The question names something several ways: which one is meant is asked back."""


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
    milestones: dict[str, date] = field(default_factory=dict)  # "the price change": its day
    accounts: list[str] = field(default_factory=list)  # their names
    ticket_statuses: list[str] = field(default_factory=list)

    @cached_property
    def words(self) -> set[str]:
        """The words of the data's own names: a slip is never mended away from one."""
        names = [*self.plans, *self.industries, *self.platforms, *self.themes, *self.tags,
                 *self.flag_reasons, *self.handoff_reasons, *self.milestones,
                 *(t.label for t in self.vocabulary.touchpoints),
                 *(e.label for e in self.vocabulary.event_types)]  # fmt: skip
        return {w for name in names for w in re.findall(r"[a-z]+", name.lower())}

    @cached_property
    def account_forms(self) -> dict[str, str]:
        """Each account's name as a question may write it, in full or without its legal form,
        lower case, words only: the name it stands for."""
        forms: dict[str, str] = {}
        for name in self.accounts:
            words = re.findall(r"[a-z0-9]+", name.lower())
            while len(words) > 1 and words[-1] in LEGAL_FORMS:
                forms.setdefault(" ".join(words), name)
                words = words[:-1]
            if len(words) > 1 or (words and words[0] not in KEYWORDS):
                forms.setdefault(" ".join(words), name)
        return forms

    @cached_property
    def account_words(self) -> dict[str, list[str]]:
        """The accounts each rare word of their names belongs to: "Riverbend" alone names
        Riverbend Law when no other account's name has it."""
        found: dict[str, list[str]] = {}
        for name in self.accounts:
            for word in set(re.findall(r"[a-z]+", name.lower())):
                if word not in LEGAL_FORMS and zipf_frequency(word, "en") < SLIP_ZIPF:
                    found.setdefault(word, []).append(name)
        return found


def normalised(question: str, known: Known | None = None) -> str:
    """The question in lower case, its shorthands written out ("QoQ", "FRT", "h/o") and its
    slips mended ("tickts", "lst month"): a word one edit from a word the reader knows, and
    not itself an English word, is read as that word."""
    text = " ".join(question.lower().replace("’", "'").split())
    text = re.sub(r"#\s*(?:of\b)?", "number of ", text).replace("h/o", "handoff")
    text = re.sub(r"\bw/(?=\s|$)", "with", text).replace("w/o", "without")
    text = text.replace(" & ", " and ")
    ordinal = "|".join(QUARTER_ORDINALS)
    text = re.sub(rf"\b({ordinal}) quarter(?: of)?\b",
                  lambda m: f"q{QUARTER_ORDINALS[m.group(1)]}", text)  # fmt: skip
    text = re.sub(r"(?<=[a-z])'s\b", "", text)  # "which country's accounts", "this month's"
    text = re.sub(r"\s*(?:->|→|=>|>>)\s*", " to ", text)  # "proposal sent -> contract signed"
    text = re.sub(r"\b(than|over|>)\s+(?:a|an|one)\s+(day|hour|week)\b", r"\1 1 \2", text)
    text = re.sub(r"\b[a-z]+\b", lambda m: SHORTHANDS.get(m.group(), m.group()), text)
    known_words = KEYWORDS | (known.words | set(known.account_words) if known else set())

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
    text = _the_question(normalised(question, known))
    text, accounts = _accounts_named(text, known)
    text, themes = _themes_named(text, known)
    _no_unknown_names(text, known, question)
    for phrase, token in PHRASES.items():
        text = re.sub(phrase, token, text)
    text = _lists_as_groupings(text, known)
    text = _ratings_as_grouping(text)
    types = _event_types(text, known)
    if re.search(r"\bchurn\b", text) and "contract_cancelled" not in types:
        types.append("contract_cancelled")  # "our churn this year"; not "churned accounts"
    if re.search(r"\bon (?:a )?trial\b|\bin trial\b|\btrialing\b", text):
        types = [t for t in types if t != "trial_started"]  # a status, not the event
    # Whose figure it is ("for enterprise accounts") names no figure, unless nothing else does.
    asked = re.sub(r"\([^)]*/[^)]*\)", "", text)  # "(negative / neutral / positive)" lists values
    named = _metrics(WHOSE.sub("", _without_groupings(asked)))
    metrics = named or _metrics(asked)
    metric = metrics[0] if metrics else None
    if types and metric in (None, "events", "accounts", "accounts_reaching", "contacts"):
        # "demos attended in August", "accounts starting a trial": events of those types;
        # "logins from SMB accounts" are events too, the accounts only say whose.
        counted = named or COUNTED_ACCOUNTS.search(text)
        reaching = metric in ("accounts", "accounts_reaching") and counted
        metric = "accounts_reaching" if reaching else "events"
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
    period, grain = period_in(text, as_of, known.milestones)
    period = capped(period, as_of)
    compared = [capped(p, as_of) for p in compared_periods(text, as_of, known.milestones)]
    spec["period"] = Period() if compared else period
    spec["compare"] = compared
    filters = _filters(text, known, metric, question)
    if metric == "average_rating" and any(f.dimension == "rating" for f in filters):
        metric, spec["metrics"] = "reviews", ["reviews"]  # "5-star reviews" are counted
    if accounts:
        filters.append(Filter(dimension="account", values=accounts))
    if themes:
        filters.append(Filter(dimension="theme", values=themes))
    if types and metric in ("events", "accounts_reaching"):
        filters.append(Filter(dimension="type", values=types))
    dimensions = [_fitted(d, metric) for d in _dimensions(text, metric)]
    filters = [f.model_copy(update={"dimension": _fitted(f.dimension, metric)}) for f in filters]
    if not grain and re.search(r"\bover time\b|\btrend(?:s|ed|ing)?\b", text):
        grain = "month"
    if grain and not any(d in GRAINS for d in dimensions):
        dimensions.append(grain)
    # "compare email and chat": the values compared are the rows.
    either = re.search(r"\bor\b", text) and not re.search(
        r"\b(?:vs|versus|compar\w*|which|each|better|worse|higher|lower|faster|slower|more|less)\b",
        text,
    )
    for f in filters:
        # Not a list the question only implies: every tag a word starts, every hand-off reason;
        # nor "email or chat", either of them, nor the ratings "below 3 stars" keeps.
        implied = (f.dimension in ("tag", "rating") or f.values == known.handoff_reasons
                   or either)  # fmt: skip
        if len(f.values) > 1 and f.dimension not in dimensions and not implied:
            dimensions.insert(0, f.dimension)
    # "do churned accounts raise tickets? tickets by account status": every status is a row
    filters = [f for f in filters if f.dimension not in dimensions or len(f.values) > 1]
    spec["filters"] = filters
    spec["dimensions"] = dimensions[:2]
    spec.update(_order(text, metric))
    if spec.get("order") and not dimensions:
        # "Of all the flag reasons, which one carries the highest severity?"
        named = [DIMENSION_WORDS[w] for w in re.findall(r"[a-z_]+", text) if w in DIMENSION_WORDS]
        named = [_fitted(d, metric) for d in named if d not in GRAINS]
        if named and re.search(r"\bwhich (?:one|of them|is|has)\b", text):
            spec["dimensions"] = named[:1]
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


def _accounts_named(text: str, known: Known) -> tuple[str, list[str]]:
    """The accounts a question names ("tickets from Riverbend Law", "Quarry Properties' NPS",
    "Riverbend" when one account's name has that rare word), and the question without their
    names, so no word of a name is read as anything else."""
    forms, tokens = known.account_forms, list(re.finditer(r"[a-z0-9]+", text))
    ordinary = KEYWORDS | known.words
    longest = max((form.count(" ") + 1 for form in forms), default=0)
    named: list[str] = []
    spans: list[tuple[int, int]] = []
    place = 0
    while place < len(tokens):
        for size in range(min(longest, len(tokens) - place), 0, -1):
            name = forms.get(" ".join(t.group() for t in tokens[place : place + size]))
            if name:
                named.append(name)
                spans.append((tokens[place].start(), tokens[place + size - 1].end()))
                place += size
                break
        else:
            word = tokens[place].group()
            accounts = [] if word in ordinary else known.account_words.get(word, [])
            if len(accounts) > 1:
                listed = ", ".join(sorted(accounts)[:5]) + (" …" if len(accounts) > 5 else "")
                raise AskedBack(f"Which account do you mean by '{word}': {listed}?")
            if accounts:
                named.append(accounts[0])
                spans.append((tokens[place].start(), tokens[place].end()))
            place += 1
    for start, end in reversed(spans):
        text = text[:start] + " " + text[end:]
    return text, list(dict.fromkeys(named))


def _the_question(text: str) -> str:
    """The question without the context said before it: "The board wants to know whether the
    new pricing hurt loyalty. Can you give me our NPS before and after it?", "Now that we're
    six months past the change, how many tickets...". What a figure is asked of ("For the
    enterprise segment, ...", "Enterprise: ...") stays."""
    # A statement of four words or more, ended by a full stop or a semicolon; not a
    # question, which the next sentence may go on ("... last year? split by segment").
    pieces = re.split(r"(?<=[.;!])\s+", text)
    for place, piece in enumerate(pieces[:-1]):
        words = piece.split()
        if len(words) < 4 or words[-1].rstrip(".;!") in ("incl", "excl", "approx", "vs", "etc"):
            break
        rest = " ".join(pieces[place + 1 :])
        if _metrics(rest) or refusal(rest):
            text = rest
    context = (r"^(?:now that|given that|because|since we|we|we're|i|i'm|our board|"
               r"the board)\b[^,]*,\s*")  # fmt: skip
    return re.sub(context, "", text)


def _lists_as_groupings(text: str, known: Known) -> str:
    """Values of a dimension listed ("split into positive / neutral / negative", "open,
    pending, resolved and closed") ask for the breakdown by it; two joined by "or" ("open or
    pending") are one filter. "Priority mix", "channel split": by that dimension."""
    text = re.sub(r"\([^)]*[/,][^)]*\)", " ", text)  # "per status (active/churned/trial)" explains
    dimensions = "|".join(map(re.escape, DIMENSION_WORDS))
    text = re.sub(rf"\b({dimensions}) (?:mix|split|distribution|breakdown)\b", r"by \1", text)
    for dimension, values in (("sentiment", ["positive", "neutral", "negative"]),
                              ("status", known.ticket_statuses)):  # fmt: skip
        value = "|".join(re.escape(v) for v in values)
        listed = rf"\b(?:{value})(?:\s*(?:/|,|\band\b|\bor\b|&)\s*(?:{value})\b)+"
        if value:
            text = re.sub(listed, partial(_listed, by=f"by {dimension}"), text)
    return text


def _listed(said: re.Match[str], by: str) -> str:
    """ "open or pending": either of two, kept as said; a longer list asks for a row each."""
    words = said.group()
    either = re.search(r"\bor\b", words) and len(re.findall(r"[/,&]|\band\b|\bor\b", words)) < 2
    return words if either else by


def _ratings_as_grouping(text: str) -> str:
    """ "Reviews by star rating": a row per rating; "countries by rating" ranks by it."""
    if not re.search(r"\breviews?\b", text) or re.search(
        r"\b(?:average|avg|mean|best|worst)\b", text
    ):
        return text
    grouped = (r"\b(?:by|per|each) (?:star )?(?:ratings?|stars?|scores?)\b"
               r"|\b(?:distribution|breakdown|spread) of (?:star )?ratings?\b"
               r"|\b(?:star )?ratings? (?:distribution|breakdown)\b")  # fmt: skip
    return re.sub(grouped, " by rating_value", text)


def _themes_named(text: str, known: Known) -> tuple[str, list[str]]:
    """Themes named by their label ("the 'invoice, billing, finance' theme"), and the question
    without them, so their words are not read as tags or figures."""
    named = []
    for theme in known.themes:
        words = re.findall(r"[a-z0-9]+", theme.lower())
        label = r"\W+".join(re.escape(w) for w in words)
        said = re.search(rf"\b{label}\b", text) if words else None
        if said:
            named.append(theme)
            text = text[: said.start()] + " " + text[said.end() :]
    return text, named


def _no_unknown_names(text: str, known: Known, question: str) -> None:
    """A name the reader does not know ("tickets from Acme", "NPS in DACH") is not dropped
    from the question, which would answer another one: it is asked about. A name is written
    as one: capitalised inside a sentence that is not in title case, or in capitals."""
    familiar = KEYWORDS | HARMLESS | known.words
    for word in dict.fromkeys(_written_as_names(question)):
        if len(word) < 2 or word in familiar or stem(word) in familiar:
            continue
        if word in text and zipf_frequency(word, "en") < SLIP_ZIPF:
            raise Unclear(
                f"I do not know '{word}': it is not an account, plan, country, theme or other "
                "name in the data."
            )


def _written_as_names(question: str) -> list[str]:
    words = list(re.finditer(r"[A-Za-z]+", question))
    title_case = sum(w.group()[0].isupper() for w in words) * 2 > len(words)
    names = []
    for place, word in enumerate(words):
        said = word.group()
        opening = place == 0 or re.search(r"[.?!:]\s*$", question[: word.start()]) is not None
        capitalised = said[0].isupper() and not opening and not title_case
        if len(said) > 1 and (said.isupper() or capitalised):
            names.append(said.lower())
    return names


def spots_asked(question: str, vocabulary: Vocabulary, as_of: date) -> SpotsAsked | None:
    """ "What are the pain points in onboarding?", "what do customers love in adoption?"."""
    text = normalised(question)
    sides = [side for side, words in (("pain", PAINS), ("delight", DELIGHTS)) if words.search(text)]
    if not sides:
        return None
    stages = [s.key for s in vocabulary.stages if re.search(rf"\b{s.key}\b", text)]
    return SpotsAsked(sides, stages, period_in(text, as_of)[0])


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
    if len(found) > 1 and not COUNTED_ACCOUNTS.search(text):
        found = [f for f in found if f[1] != "accounts"]  # "Healthcare accounts' events": whose
    # "and" joining periods or dimensions ("by reason and stage") joins no figures
    dimensions = "|".join(re.escape(d) for d in DIMENSION_WORDS if d != "sentiment")
    joined = re.sub(rf"\bbefore (?:and|&) after\b|\bbetween .+? and\b"
                    rf"|\b(?:by|per) (?:{dimensions}) and\b|\band (?:{dimensions})\b",
                    " ", text)  # fmt: skip
    if not re.search(r"\b(?:and|plus|as well as|along with)\b|&", joined):
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


FELT = {"unhappy": "negative", "angry": "negative", "upset": "negative", "happy": "positive"}
RELATIVE = {"this", "last", "next", "previous", "current", "past"}


def _dimensions(text: str, metric: str) -> list[str]:
    """What the question groups by: a dimension word among the three after "by", "per",
    "which", "top 5"... ("which review platform", "by chatbot handoff reason"), and one
    joined to it by "and" ("by priority and status"). "By sentiment score" ranks; it does
    not group."""
    found: list[str] = []
    ranked = (r"(?:top|bottom|the) (?:\d+|three|five|ten)(?! (?:days|weeks|months|hours))"
              r"|(?:\d+|three|five|ten)(?= [a-z_]+ (?:with|by|that|which|having)\b)"
              r"|(?:\d+|three|five|ten) (?:most|least|biggest|largest|worst|best|highest"
              r"|lowest)")  # fmt: skip
    for start in re.finditer(rf"\b(?:{GROUPING}|{ranked})\s+", text):
        following = re.findall(r"[a-z0-9_'-]+", text[start.end() :])
        while following and following[0] in ("the", "a", "our", "your", "their"):
            following = following[1:]
        following = following[:5]
        if _per_account(start.group().strip(), following):
            found.extend(k for k in ["account"] if k not in found)
            continue
        for place, word in enumerate(following[:3]):
            key = DIMENSION_WORDS.get(word)
            scored = following[place + 1 : place + 2] in (["score"], ["scores"])
            if key in GRAINS and place > 0 and following[place - 1] in RELATIVE:
                continue  # "the NPS this year" asks for a period, not one row a year
            # "by negative sentiment", "by average ticket sentiment" rank by a figure about the
            # word; they do not group
            before = following[max(0, place - 2) : place]
            qualified = (
                key == "sentiment"
                and bool(before)
                and (
                    before[-1] in FIGURE_WORDS
                    or (before[0] in FIGURE_WORDS and before[-1] in ("ticket", "review", "survey"))
                )
            )
            if key and not scored and not qualified:
                found.extend(k for k in [key] if k not in found)
                joined = following[place + 1 : place + 3]
                if len(joined) == 2 and joined[0] == "and" and DIMENSION_WORDS.get(joined[1]):
                    found.extend(k for k in [DIMENSION_WORDS[joined[1]]] if k not in found)
                break
    return found


def _per_account(grouping: str, following: list[str]) -> bool:
    """ "Which accounts opened the most tickets", "top 5 customers by ARR": a row per account;
    not "for each customer segment" or "by customer ARR", whose noun only says whose."""
    if following[:1] and re.fullmatch(r"\d+|three|five|ten", following[0]):
        following = following[1:]  # "which 5 customers"
    if not PER_ACCOUNT.fullmatch(grouping) or not following or following[0] not in ACCOUNT_NOUNS:
        return False
    after = following[1:2]
    return not after or (after[0] not in DIMENSION_WORDS and not _metrics(after[0]))


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
    # "on Growth" names a plan; "on enterprise accounts" the segment
    whose = r"(?![ -](?:accounts?|customers?|compan\w+|clients?|segment))"
    plans = [p for p in known.plans if said(p, r"(?=[ -]plans?\b)") or said(f"on {p}", whose)]
    plans += [p for p in known.plans if said(p) and p.lower() not in SEGMENTS and p not in plans]
    others = "|".join(re.escape(p.lower()) for p in plans)
    listed = r"\s*(?:,|/|&|\band\b|\bor\b|\bvs\.?|\bversus\b)\s*"
    plans += [p for p in known.plans if p not in plans and others and said(p) and re.search(
        rf"\b(?:{others}){listed}{re.escape(p.lower())}\b|\b{re.escape(p.lower())}{listed}(?:{others})\b",
        text)]  # "Starter, Growth and Enterprise": a plan among plans  # fmt: skip
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
        # a ticket's state: "open", "pending"; "resolved" alone is as often what happened
        states = [s for s in known.ticket_statuses if said(s) and (s != "open" or _open_said(text))]
        add("status", [s for s in states if len(states) > 1 or s not in ("resolved", "closed")])
        felt = re.findall(
            r"\b(negative|positive|neutral|unhappy|angry|upset|happy) (?:\w+ )?tickets\b"
            r"|\btickets?\b.*\b(?:with|having|of|had)\s+(?:an?\s+)?(negative|positive|neutral)\b",
            text,
        )
        felt = [a or b for a, b in felt]
        add("sentiment", [FELT.get(word, word) for word in felt])
    if metric in ("sentiment", "negative_share", "positive_share"):
        add("item_type", [v for w, v in ITEM_TYPES.items() if re.search(w, text)])
    source = METRICS[metric].source
    if "reason" in source.dimensions:  # "churn-intent moments", "slow-response flags"
        add("reason", [r for r in known.flag_reasons if said(r.replace("_", "[ _-]"), raw=True)])
        add("status", [v for v in ("open", "claimed", "resolved") if said(v)])
    if "handoff_reason" in source.dimensions:
        handoffs = [r for r in known.handoff_reasons if said(r.replace("_", "[ _-]"), raw=True)]
        # "top 2 hand-off reasons" are of hand-offs; "conversations by hand-off reason" of all
        reasons = "handoff_reason" in text and not re.search(r"\b(?:conversations?|chats?)\b", text)
        handing = reasons or re.search(
            r"\bhand[- ]?offs\b|\bhands? off\b|\bhanded[- ](?:off|over|to)\b|escalat"
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
    if "rating" in source.dimensions:
        add("rating", _ratings(text))
    if metric not in ("dropoff", "conversion", "time_between"):
        stages = [s.key for s in known.vocabulary.stages if re.search(rf"\b{s.key}\b", text)]
        add("stage", stages)
    return filters


def _ratings(text: str) -> list[str]:
    """The star ratings a question keeps: "5-star reviews", "reviews below 3 stars", "rated
    4 or more"."""
    said = re.search(
        r"\b(?:(below|under|less than|fewer than|above|over|more than|at least|at most)\s+)?"
        r"([1-5])(?:\s*(or (?:more|higher|above|less|lower|below)|\+))?[- ]?stars?\b"
        r"|\brated\s+(?:(below|under|above|over|at least|at most)\s+)?([1-5])"
        r"(?:\s+(or (?:more|higher|above|less|lower|below)))?",
        text,
    )
    if not said:
        return []
    bound = said.group(1) or said.group(4) or ""
    stars = int(said.group(2) or said.group(5))
    tail = said.group(3) or said.group(6) or ""
    if bound in ("below", "under", "less than", "fewer than"):
        kept = range(1, stars)
    elif bound in ("above", "over", "more than"):
        kept = range(stars + 1, 6)
    elif bound == "at least" or tail == "+" or re.search(r"more|higher|above", tail):
        kept = range(stars, 6)
    elif bound == "at most" or re.search(r"less|lower|below", tail):
        kept = range(1, stars + 1)
    else:
        kept = range(stars, stars + 1)
    return [str(n) for n in kept]


def _open_said(text: str) -> bool:
    """ "Open tickets", "tickets that are still open"; not "how many tickets did they open"."""
    return (
        re.search(
            r"\bopen (?:tickets?|ones?|or|and|vs|,|/)|\b(?:are|is|still|currently|remain\w*) open\b"
            r"|\bopen\W*$",
            text,
        )
        is not None
    )


def _status_said(word: str, text: str) -> bool:
    """An account status said of accounts: "churned accounts", "accounts that have churned",
    "prospects", "on a trial"; not "churned vs renewed contracts" or "accounts active in the
    decision stage"."""
    nouns = r"(?:accounts?|customers?|companies|organi[sz]ations|clients|ones)"
    if word in ("prospects", "on a trial", "on trial", "in trial", "trialing"):
        return re.search(rf"\b{word}\b", text) is not None
    statuses = "|".join(STATUSES)
    # "churned enterprise accounts", "churned vs active accounts"
    between = rf"(?:(?:vs\.?|versus|and|or)\s+(?:{statuses})\s+|[\w-]+\s+)?"
    before = rf"\b{word}\s+{between}{nouns}\b"
    # "accounts that have churned", "accounts have we lost"; not "accounts active in"
    linking = r"(?:that\s+|which\s+|who\s+)?(?:have\s+|has\s+|are\s+)?(?:we\s+)?"
    after = rf"\b{nouns}\s+{linking}{word}\b(?!\s+in\b)"
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


def _order(text: str, metric: str) -> dict[str, Any]:
    top = re.search(
        r"\b(?:top|best|worst|bottom|which|what|the)\s+(\d+|three|five|ten)\b"
        r"(?! (?:days|weeks|months|hours))"
        r"|\b(\d+|three|five|ten) (?=[a-z_]+ (?:with|by|that|which|having)\b)"
        r"(?!(?:days|weeks|months|hours|years) )"
        r"|\b(\d+|three|five|ten) (?:most|least|biggest|largest|top|worst|best|highest|lowest)\b",
        text,
    )
    numbers = {"three": 3, "five": 5, "ten": 10}
    # "the most negative theme" has the lowest sentiment; "the most negative tickets", the most
    negative = "|most negative" if METRICS[metric].unit == "sentiment" else ""
    low = (r"lowest|least|fewest|worst|slowest|bottom|smallest|weakest|shortest"
           rf"|the (?:less|fewer){negative}")  # fmt: skip
    high = r"highest|most|biggest|largest|best|fastest|top|strongest|longest"
    if re.search(rf"\b(?:{low})\b", text):
        order, limit = "asc", 1
    elif re.search(rf"\b(?:{high})\b", text):
        order, limit = "desc", 1
    else:
        return {}
    if re.search(r"\b(?:slowest|longest)\b", text):
        order = "desc"  # the slowest response is the longest time
    if re.search(r"\b(?:fastest|shortest|quickest)\b", text):
        order = "asc"
    if METRICS[metric].unit in ("hours", "days") and re.search(r"\b(?:worst|best)\b", text):
        order = "desc" if re.search(r"\bworst\b", text) else "asc"  # the worst wait is the longest
    if top:
        count = top.group(1) or top.group(2) or top.group(3)
        limit = int(numbers.get(count, count))
    return {"order": order, "limit": limit}


def _parameters(text: str, known: Known, metric: str) -> dict[str, Any]:
    if metric == "tickets_waiting":
        # the wait said after "more than"; not the "last 30 days" of the period
        amount = r"(\d+(?:\.\d+)?)\s*(h\b|hours?|days?|weeks?)"
        waited = rf"(?:more than|over|longer than|above|>)\s*{amount}"
        hours = re.search(waited, text) or re.search(amount, text)
        if hours:
            value = float(hours.group(1)) * {"d": 24, "w": 168}.get(hours.group(2)[0], 1)
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
        # "from demo to signature": each side names one; "first value after signing": the
        # one named after "after" comes first.
        sides = re.search(r"\bfrom (.+?) (?:to|until|till) (.+)", text)
        if sides:
            first, then = _event_types(sides.group(1), known), _event_types(sides.group(2), known)
            if first and then:
                return {"from_event": first[0], "to_event": then[0]}
        mentions = _event_mentions(text, known)
        after = re.search(r"\b(?:after|following)\b", text)
        if len(mentions) >= 2 and after and mentions[0][0] < after.start() < mentions[1][0]:
            mentions = [mentions[1], mentions[0]]
        if len(mentions) >= 2:
            return {"from_event": mentions[0][1], "to_event": mentions[1][1]}
    return {}


def _event_types(text: str, known: Known) -> list[str]:
    return [key for _, key in _event_mentions(text, known)]


def _event_mentions(text: str, known: Known) -> list[tuple[int, str]]:
    """The event types a question names, where, in its order: by all the words of a type's
    label near each other ("booked a demo": Demo booked; "email clicks": Email clicked), else
    by a word of its own ("signed", "trials")."""
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
    said = {t for _, t in tokens}
    for event in known.vocabulary.event_types:
        # "demos booked vs attended": the second shares the first one's noun
        words = {stem(w) for w in re.findall(r"[a-z]+", event.label.lower())}
        named = [at for at, t in tokens if t in words and at not in covered]
        if len(words) > 1 and words <= said and named and event.key not in {k for _, k in found}:
            found.append((named[0], event.key))
            covered.update(named)
    for at, token in tokens:
        key = EVENT_WORDS.get(token)
        if key and at not in covered:
            found.append((at, key))
    first: dict[str, int] = {}
    for at, key in sorted(found):  # each type where it is first named
        first.setdefault(key, at)
    return sorted((at, key) for key, at in first.items())


def what_can_be_asked() -> str:
    names = sorted({m.label for m in METRICS.values()})
    return (
        "You can ask for: " + ", ".join(names) + "; by segment, plan, industry, country, "
        "channel, stage, touchpoint, theme and more; for a period such as last quarter, "
        "since 1 May or per month in 2026."
    )
