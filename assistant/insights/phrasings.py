"""The words managers use for the metrics layer's metrics, dimensions and values: what the
rule-based reader (`assistant.insights.parser`) knows. Data only, most specific first where
order matters."""

from __future__ import annotations

import re

# Phrasings of each metric, most specific first: the first that matches wins.
METRIC_WORDS: list[tuple[str, str]] = [
    (r"\bnps\b|net promoter|\b(?:promoters?|detractors?)\b(?! (?:flags?|moments?))", "nps"),
    (r"\bcsat\b|satisf|how happy", "csat"),
    (r"(?:wait\w*|sat|sitting|took|taking|open)\s+(?:for\s+)?(?:more than|over|longer than|>)\s*\d"
     r"|(?:more than|over|longer than|>)\s*\d+\s*(?:h|hrs?|hours?|days?)\b (?:to|for|until|before) "
     r"(?:a |the )?(?:first )?(?:response|reply)"
     r"|(?:first )?(?:response|reply)(?: times?)? (?:of |took )?"
     r"(?:over|more than|longer than|above|>)\s*\d",
     "tickets_waiting"),
    (r"first[- ](?:response|reply|answer)|(?:response|reply) times?\b|time to (?:first )?respon"
     r"|respond",
     "first_response_time"),
    (r"\b(?:bot|assistant|self[- ]service)(?:'s)? (?:resolution|resolved|containment)|"
     r"resolved by the (?:bot|assistant)|(?:bot|assistant) resolv", "bot_resolution"),
    (r"resolution time|time to resol|resolve|resolution|\bfix\w*\b|\bsolv\w*\b"
     r"|\bclos(?:e|ed|ing)(?: out)?\b.*\btickets?\b|\btickets?\b.*\bclos(?:e|ed|ing)\b",
     "resolution_time"),
    (r"\b(?:slow|fast|quick)(?:er|est)?\b(?![- ]response)|\bspeed\b"
     r"|\bhow (?:long|quickly|fast) (?:do|does|did) we (?:answer|reply|respond)",
     "first_response_time"),
    # "how many reviews below 3 stars"; not "how many stars do we average on each review site"
    (r"^(?!.*\b(?:average|avg|mean)\b).*\b(?:how many|number of|count of)\b.*\breviews?\b",
     "reviews"),
    (r"average rating|\bratings?\b|\bstars?\b|\brated\b|\b(?:worst|best|poorest) reviews\b",
     "average_rating"),
    (r"how many (?:[\w-]+ ){0,2}(?:conversations|chats)\b", "conversations"),
    (r"\bhand[- ]?offs\b(?! rates?)"
     r"|\breasons?\b.*\b(?:hand[- ]?off|hands? off|handed[- ](?:over|off|to))\b"
     r"|\bhands? off\b.*\breasons?\b", "conversations"),
    (r"^(?!.*\brates?\b).*\bhandoff_reason\b", "conversations"),  # "top 2 hand-off reasons"
    (r"^(?!.*(?:%|\bpercent|\bshare\b|proportion|fraction|how often|\brates?\b))"
     r".*\b(?:chats?|conversations?) (?:that |which )?(?:got |were |was |have been )?"
     r"(?:handed|escalated|passed|transferred)\b", "conversations"),
    (r"\bhanded[- ](?:off|over) (?:chats?|conversations?)\b", "conversations"),
    (r"hand[- ]?offs?|hands? off|handed[- ](?:over|off|to)|escalat|to an? (?:human|person)|"
     r"\bhandovers?\b|"
     r"human agent", "handoff_rate"),
    (r"severity|\bsevere\b|\bserious\b", "average_severity"),
    (r"moments? of truth|\bmots?\b|\bflags?\b|flagged|\bmoments\b", "moments_of_truth"),
    (r"(?:share|percent|%|proportion|fraction) of negative|(?:%|percent|pct)\s*negative\b"
     r"|\bnegative\s*(?:%|percent|share)", "negative_share"),
    (r"(?:share|percent|%|proportion|fraction) of positive", "positive_share"),
    (r"\b(?:negative|positive|neutral|unhappy|angry|upset|happy) (?:\w+ )?tickets\b"
     r"|\b(?:how many|number of|count of)\b.*\btickets?\b.*\b(?:negative|positive|neutral)\b",
     "tickets"),
    (r"(?:most|more) negative sentiment|(?:worst|lowest|highest|best) sentiment|"
     r"\b(?:most|least) (?:positive|negative)\b(?! (?:share|%|percent))|"
     r"how (?:positive|negative)|sentiment scores?", "sentiment"),
    (r"\bnegative\b|\b(?:unhappy|dissatisfied|upset|angry)\b", "negative_share"),
    (r"\bpositive\b", "positive_share"),
    (r"sentiment|mood|feel", "sentiment"),
    (r"\b(?:average|avg|mean|worst|best|lowest|highest) (?:review )?scores?\b", "average_rating"),
    (r"how long|\b(?:time|days|gap|delay|lag)\b.{0,30}?\b(?:from|between)\b"
     r"|\bhow many days\b.*\b(?:take|takes|took|pass|go|goes)\b"
     r"|\b(?:median|average|typical) (?:time|days|number of days)\b", "time_between"),
    (r"renewal rate|\brenew\w* (?:rate|%|percent|ratio)\b"
     r"|(?:share|percent|%|proportion|rate) of (?:\w+ ){0,2}renew"
     r"|\brenew\w* (?:vs\.?|versus|or|and) (?:cancel|churn)"
     r"|\b(?:cancel|churn)\w* (?:vs\.?|versus|or|and) renew",
     "renewal_rate"),
    (r"(?:accounts?|companies|customers) (?:that |which |who )?(?:have |has )?(?:signed|reach\w*|"
     r"had|made|got|gets|getting|booked|started|enter\w*)\b", "accounts_reaching"),
    (r"drop(?:-| )?off|drop out|fall out|"
     r"(?:los(?:e|es|ing)|costs? us) (?:the most |most |more )?(?:them|accounts|customers|people)|"
     r"where .*\blost\b", "dropoff"),
    (r"conver(?:sion|t)|(?:go|goes|went|move|moves|moved|progress|progressed|advance|advanced)"
     r"(?: on)? (?:to|until|till|into)\b|(?:made|make|makes|making) it (?:on )?from \w+ to\b"
     r"|^(?!.*\b(?:number|how many|count)\b).*\b(?:made|make|makes|making) it (?:on )?to\b",
     "conversion"),
    (r"\btickets?\b|support requests?", "tickets"),
    (r"\breviews?\b", "reviews"),
    (r"conversations?|\bchats?\b(?![- ]tickets?)", "conversations"),  # not "chat tickets"
    (r"\barr\b|annual recurring|revenue", "arr"),
    (r"\bcontacts?\b|\bpeople\b", "contacts"),
    (r"\bactivit(?:y|ies)\b|\binteract\w*|\bengagements?\b|\btouches\b", "events"),
    (r"\baccounts?\b|\bcustomers?\b|\bcompanies\b|\bprospects?\b", "accounts"),
    (r"\bevents?\b", "events"),
]  # fmt: skip
# Metrics shown together when one is asked: "NPS" comes with its promoters and detractors.
COMPANIONS = {"nps": ["nps", "promoters", "detractors"]}
# Figures the metrics layer does not hold: refused, not answered with the nearest one.
UNKNOWN = re.compile(
    r"\b(?:cac|acquisition costs?|ltv|lifetime value|margins?|profit|bounce rate|predict|"
    r"forecast|will churn|salesperson|sales reps?|quota|stock price|per employee|open rate|"
    r"handle time|per agent|likely to churn|churn risk|propensity|effort score|ces|"
    r"going to churn|right now on|deal sizes?|contract values?|acv|mrr|churn rate|win rate|"
    r"pipeline value|per \d+ \w+|how (?:much|many) will|if we|handling time|"
    # what the data cannot know: the future, money spent, people inside the company
    r"next (?:week|month|quarter|year)|projected|projections?|anticipate\w*|"
    r"(?:will|going to) (?:we|our|it|they|nps|csat|churn|renew|grow|drop|rise|increase|decrease)|"
    r"costs?(?! us)|spend(?:ing)?|budget|roi|return on|salar\w*|headcount|payroll|wages?|enps|"
    r"employees?|(?:by|per|which|each|top \d+) (?:support )?(?:agents?|reps?)|session duration|"
    r"time on (?:site|page)|traffic sources?|utm)\b"
)
# Several words naming one dimension, read as one: "by item type", "by hand-off reason".
PHRASES = {r"\b(?:item|source) types?\b|\b(?:kind|type)s? of feedback\b": "item_type",
           r"\b(?:type|kind)s? of (?:customers?|accounts?|compan(?:y|ies))\b": "segment",
           r"\bwhere (?:they|it|the \w+) (?:is|are) in the journey\b|\bjourney stages?\b": "stage",
           r"\bhand-?off reasons?\b": "handoff_reason",
           r"\baccount status(?:es)?\b": "account_status"}  # fmt: skip
# Words that make a dimension word a figure: "negative sentiment", "average rating".
FIGURE_WORDS = {"negative", "positive", "average", "avg", "mean", "median", "total"}
# Accounts counted, not only said whose figures are asked for.
COUNTED_ACCOUNTS = re.compile(
    r"\b(?:how many|number of|count of|# of|total)\s+"
    r"(?:(?!events|tickets|reviews|conversations|contacts|answers|from|for|at|among|with|by|in|on)"
    r"[\w-]+\s+){0,3}"
    r"(?:accounts|customers|companies|prospects)\b|^(?:accounts|customers)\b|\bcustomer count\b"
)
# Whose figures are asked for: "for enterprise accounts", "of our customers in Germany".
WHOSE = re.compile(
    r"\b(?:for|(?<!number )(?<!count )of|from|at|among|with)\s+(?:our\s+|the\s+)?"
    r"(?:[\w-]+\s+){0,2}(?:accounts|customers)\b"
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
    "rating_value": "rating",
    "kinds": "type",
}  # fmt: skip
GROUPING = (
    r"(?:kind of|most common|commonest|main|by|per|for each|for every|in every|across|split by|"
    r"broken down by|each|which|what|for some|for different|between different)"
)
SEGMENTS = {"smb": "smb", "small business": "smb", "small businesses": "smb",
            "mid-market": "mid_market", "mid market": "mid_market", "midmarket": "mid_market",
            "mid-mkt": "mid_market", "mid mkt": "mid_market",
            "enterprise": "enterprise"}  # fmt: skip
COUNTRIES = {"germany": "DE", "german": "DE", "netherlands": "NL", "dutch": "NL", "france": "FR",
             "french": "FR", "spain": "ES", "spanish": "ES", "united states": "US", "usa": "US",
             "us": "US", "american": "US", "united kingdom": "GB", "uk": "GB", "britain": "GB",
             "british": "GB", "ireland": "IE", "irish": "IE", "austria": "AT", "canada": "CA",
             "denmark": "DK", "sweden": "SE", "switzerland": "CH", "belgium": "BE",
             "swiss": "CH", "austrian": "AT", "canadian": "CA", "danish": "DK", "swedish": "SE",
             "belgian": "BE"}  # fmt: skip
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
    r"^\s*(?:(?:please|kindly|can you|could you|would you|i need you to|i want you to|"
    r"go ahead and)\s+)*(?:delete|remove|drop(?![- ]?off)|update|insert|change|set|reset|"
    r"erase|truncate|alter|create|add|rename|merge|close|resolve all|assign|reassign|move|"
    r"archive|mark|send|notify|email(?=\s+(?:the|all|every\w*|an?|me|us|them|customers?|"
    r"accounts?|contacts?|people|our|this|these|those)\b))\b|\b(?:delete|drop table|truncate)\b",
    re.I,
)

PAINS = re.compile(
    r"\bpain ?points?\b|\bpains?\b|friction|frustrat|struggl|annoy|(?:hate|dislike)s?\b"
    r"|\bcomplain(?:ing)? about\b|\b(?:biggest|main|top|most common) complaints?\b"
)
DELIGHTS = re.compile(
    r"delight|bright spots?|\blove\b|\b(?:like|liked) (?:most|best)\b|works? (?:really )?well"
)

SHORTHANDS = {
    "qoq": "quarter over quarter", "mom": "month over month", "wow": "week over week",
    "yoy": "year over year", "prio": "priority", "prios": "priorities",
    "frt": "first response time", "hrs": "hours", "avg": "average", "mot": "moment of truth",
    "mots": "moments of truth", "convos": "conversations", "convo": "conversation",
    "pct": "percent", "yr": "year", "yrs": "years", "qtr": "quarter", "qtrs": "quarters",
    "wk": "week", "wks": "weeks", "tix": "tickets", "tkts": "tickets", "tkt": "ticket",
    "wkly": "weekly", "mthly": "monthly", "qtrly": "quarterly", "ent": "enterprise",
    "mm": "mid-market", "acct": "account", "accts": "accounts", "cust": "customer",
    "custs": "customers", "conv": "conversion", "rt": "rate", "btwn": "between",
    "resp": "response", "pls": "please", "plz": "please",
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

KEYWORDS |= {
    word
    for source in [
        *(pattern for pattern, _ in METRIC_WORDS),
        *DIMENSION_WORDS, *SEGMENTS, *COUNTRIES, *CHANNELS, *PRIORITIES, *STATUSES,
        *SHORTHANDS, *SHORTHANDS.values(), "csat nps arr ytd mtd qtd",
    ]
    for word in re.findall(r"[a-z]{3,}", source)
}  # fmt: skip

# Event types named by a word of their own: "signed", "trial", "demos", "hooked up".
EVENT_WORDS = {
    "sign": "contract_signed", "contract": "contract_signed", "valu": "first_value_reached",
    "trial": "trial_started", "demo": "demo_attended", "propos": "proposal_sent",
    "lead": "lead_qualified", "renew": "renewal_signed", "cancel": "contract_cancelled",
    "referr": "referral_made", "refer": "referral_made", "hook": "integration_connected",
    "webinar": "webinar_attended", "case": "case_study_published", "deal": "contract_signed",
    "signatur": "contract_signed", "won": "contract_signed", "win": "contract_signed",
}  # fmt: skip
# Words that say nothing about the figure asked for, though the reader has no use for them.
HARMLESS = set(
    "qbr kpi kpis chatbot bot dashboard deck pls plz thx btw fyi asap summarise summarize "
    "ballpark rundown recap".split()
)
# "The second quarter": Q2.
QUARTER_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
                    "fourth": 4, "4th": 4}  # fmt: skip
# Nouns for accounts that ask for a row each after "which", "by", "top 5"...
ACCOUNT_NOUNS = {"account", "accounts", "customer", "customers", "company", "companies",
                 "client", "clients"}  # fmt: skip
PER_ACCOUNT = re.compile(r"which|by|per|each|for each|for every|(?:top|bottom) \w+")
# Legal forms a company's name is said without: "Quarry Properties" for Quarry Properties SAS.
LEGAL_FORMS = set(
    "gmbh llc ltd inc sas sa sl bv nv ag plc oy ab srl spa corp co kg ug limited".split()
)
