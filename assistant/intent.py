"""Rules that read a visitor message: small talk, what a message asks a person for (the
hand-off policy), a reply that carries the conversation on or opens a new topic. The stage a
text points at is `journey.stages`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from feedback.moments import CHURN, ESCALATION
from journey.text import STOPWORDS, asking_sentences, content_words, sentences

# What a visitor may take the assistant for: "a bot", "a real human or a bot", "automated".
_ANSWERER = (
    r"(?:a |an )?(?:real |actual |live )?(?:bot|robot|ai|human(?: being)?|person|machine|chatbot|"
    r"chatgpt|gpt|automated|real)"
)
_WHAT_ANSWERS = rf"{_ANSWERER}(?: or (?:a |an )?{_ANSWERER})?"
# Small talk: a message made only of these phrases (and the filler words below), in the
# languages the assistant speaks.
_SMALL_TALK = {
    "identity": (
        rf"(?:are|r) (?:you|u) {_WHAT_ANSWERS}|(?:you'?re|ur) (?:a |an )?(?:bot|robot|ai|human)"
        rf"(?: right)?|(?:am i|are we) (?:talking|chatting|speaking) (?:to|with) {_WHAT_ANSWERS}|"
        r"(?:who|what) am i (?:talking|chatting|speaking) (?:to|with)|what are you|"
        rf"is this {_WHAT_ANSWERS}|(?:talk|talking|chat|chatting) to a bot|"
        r"bist du (?:ein )?(?:bot|mensch)|êtes-vous (?:un )?(?:robot|humain)|"
        r"eres (?:un )?(?:bot|robot|humano)|ben je (?:een )?(?:bot|mens)"
    ),
    "bye": (
        r"bye(?: bye| for now)?|goodbye|see (?:you|ya)|cya|ttyl|later|take care|"
        r"(?:no,? |nope,? )?that'?s (?:all|it)(?: i needed)?|have a (?:nice|good|great) "
        r"(?:day|one|weekend)|tschüss?|auf wiedersehen|au revoir|à bientôt|adi[oó]s|ciao|"
        r"hasta luego|doei|tot ziens"
    ),
    "thanks": (
        r"(?:thank (?:you|u)|thanks?)(?: (?:so|very) much| a lot| a ton| again)?"
        r"(?: for (?:your|the|all the|all your) help)?|thx|ty|tysm|cheers|many thanks|"
        r"appreciate it|much appreciated|all good|dank (?:je|u)(?: wel)?|"
        r"(?:vielen )?dank(?:e)?(?: schön| sehr)?(?: für (?:die|ihre|deine) hilfe)?|dankeschön|"
        r"merci(?: beaucoup)?(?: pour (?:votre|ton) aide)?|(?:muchas )?gracias(?: por (?:la|tu|su) "
        r"ayuda)?|(?:hartelijk )?bedankt(?: voor (?:de|je|uw) hulp)?|grazie"
    ),
    "greeting": (
        r"(?:(?:hi|hello|hey|hiya|howdy|yo|greetings)|good (?:morning|afternoon|evening|day)|"
        r"morning)(?: (?:there|team|all|everyone|again|guys|folks))?|hallo(?: zusammen)?|"
        r"guten (?:tag|morgen|abend)|moin|servus|bonjour|salut|bonsoir|hola|"
        r"buen(?:os|as) (?:d[ií]as|tardes|noches)|buenas|hoi|goedemorgen|goedemiddag|"
        r"goedenavond|dag|can (?:you|u) help(?: me| us)?|i have a (?:quick )?question|"
        r"quick question|(?:is )?(?:anyone|anybody|someone) (?:here|there)|are you there|"
        r"how are you"
    ),
}
_FILLER = re.compile(
    r"\b(?:ok(?:ay)?|kk|cool|great|perfect|awesome|nice(?: one)?|super|alright|fine|good|oh|"
    r"brilliant|lovely|excellent|wonderful|amazing|fantastic|sweet|splendid|ace|grand|"
    r"(?:that'?s |this is )?(?:exactly )?what i (?:needed|was looking for)|"
    r"well|so|yes|"
    r"yeah|yep|sure|got it|understood|that helps|that'?s (?:helpful|great)|very helpful|ja|"
    r"oui|s[ií]|vale|prima|genial|parfait|top|bien|perfecto|perfekt|gut|mooi|fijn|for now)\b",
    re.IGNORECASE,
)
_SMALL_TALK_PARTS = {
    kind: re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE) for kind, pattern in _SMALL_TALK.items()
}


def small_talk(text: str) -> str | None:
    """Which small talk the message is (identity, bye, thanks, greeting), or None when it
    says anything more. A message of several kinds is answered by the first of that order:
    "ok cool, thx, bye!" is a goodbye, "hi, are you a bot?" a question about the assistant."""
    if len(text) > 160:
        return None
    rest, kinds = text, []
    for kind, pattern in _SMALL_TALK_PARTS.items():
        rest, found = pattern.subn(" ", rest)
        if found:
            kinds.append(kind)
    if not kinds or re.search(r"\w", _FILLER.sub(" ", rest)):
        return None
    return kinds[0]


_HUMAN = re.compile(
    r"\b(?:human|(?:real|actual|live) (?:person|agent|human)|(?:talk|speak|chat) (?:to|with) "
    r"(?:a |an |your |one of your |a real |an actual )?(?:person|someone|somebody|agent|"
    r"representative|rep|support|team|colleague|manager)|connect me|call me|representative|"
    r"someone from (?:your|the) team|"
    r"(?:get|find|put|pass|transfer|send) me (?:through )?(?:to |over to )?(?:a |an |one of your )?"
    r"(?:person|human|someone|somebody|agent|colleague)|"
    # ... in the other languages the assistant speaks
    r"(?:hablar|habla) con (?:una persona|alguien|un humano|un agente)|pas(?:ar|arme|ame) con "
    r"alguien|mit (?:einem menschen|einer person|jemandem|einem mitarbeiter)|"
    r"parler (?:à|a|avec) (?:un humain|une personne|quelqu'un|un conseiller)|"
    r"(?:met|spreken met|praten met) (?:een mens|iemand|een medewerker))\b",
    re.IGNORECASE,
)
# Asking the assistant to commit to what only a person may: a special price, an exception,
# a refund outside the policy, a promise in writing.
_COMMITMENT = re.compile(
    r"\b(?:make|grant|give (?:us|me)) (?:an? )?exception|\bexception (?:this|for)\b|"
    r"\b(?:can|could|would|will) you (?:just |please )?(?:do|give|offer|make|confirm|promise|"
    r"guarantee|waive|match|agree|approve|extend|refund|drop|lower|beat)\b[^.?!]*"
    r"(?:discount|exception|price|pricing|€|\$|£|%|refund|deal|free|waive|fee|per (?:user|seat))|"
    r"\bconfirm (?:it|this|that)?\s*(?:here|in (?:the )?chat|in writing)|"
    r"\b\d+ ?% (?:discount|off)\b|\bif (?:i|we) sign (?:today|this week|now|by)\b|"
    r"\brefund (?:us|me)? ?anyway\b|\bgoodwill\b|\bas a (?:gesture|favou?r)\b|"
    r"\bjust (?:refund|waive|credit|give (?:us|me))\b|"
    r"\byou can (?:approve|authori[sz]e|sign off) (?:that|this|it)\b",
    re.IGNORECASE,
)
# Anger and leaving, beyond what the feedback analysis already reads as churn or escalation.
_ANGER = re.compile(
    r"\b(?:this is (?:a joke|ridiculous|absurd|insane)|fed up|sick (?:and tired )?of|furious|"
    r"angry|annoyed|frustrated|disappointed|unhappy|not happy|outrageous|useless|"
    r"waste of (?:time|money)|never again|bait[- ]and[- ]switch|rip-?off|scam|"
    r"(?:seriously |really )?(?:thinking about|considering) (?:cancell?ing|leaving|switching))\b",
    re.IGNORECASE,
)
# Buying intent worth a salesperson: a large team, a proposal, a quote.
SALES_TEAM_SIZE = 50  # where the demo company's Enterprise plan starts; small teams buy online
_TEAM_SIZE = re.compile(
    r"\b(\d[\d,.]*|hundreds?|thousands?) (?:of )?(?:people|users|seats|employees|staff|"
    r"licen[cs]es|colleagues|agents)\b",
    re.IGNORECASE,
)
# (A buying process a question only mentions, "our procurement needs the PO number on every
# invoice, possible?", asks for an answer; with a large team it goes to sales by its size.)
_BUYING = re.compile(
    r"\b(?:proposal|quote|quotation|custom (?:contract|pricing|terms)|rfp|company-?wide|"
    r"(?:talk|speak) (?:to|with) (?:sales|your sales)|sales (?:team|rep|person)|book a demo|"
    r"demo call|volume (?:discount|pricing))\b",
    re.IGNORECASE,
)


def handoff_request(text: str) -> str | None:
    """The hand-off reason a message calls for before any answer: a person asked for, a
    commitment only a person may make, anger or leaving, buying intent; None for a question."""
    if _COMMITMENT.search(text):
        return "policy_restriction"
    if _ANGER.search(text) or _leaving(text) or ESCALATION.search(text):
        return "negative_sentiment"
    if _BUYING.search(text) or any(_large(size) for size in _TEAM_SIZE.findall(text)):
        return "sales_opportunity"
    if _HUMAN.search(text):
        return "customer_request"
    return None


# What makes talk of cancelling a question about the policy, not a threat: "if I cancel
# today, do we get the rest of the month back?", "how do we cancel?".
_SUPPOSING = re.compile(
    r"\b(?:if|when|whether|once|after|how|can|could|what happens)\b", re.IGNORECASE
)


def _leaving(text: str) -> bool:
    """Whether the message says the visitor is leaving, rather than asking how leaving works,
    and asks nothing else: "we're not renewing. how do I export everything?" is answered (the
    analysis still flags it for the team)."""
    said = sentences(text)
    leaving = any(
        not _SUPPOSING.search(sentence[: match.start()])
        for sentence in said
        for match in CHURN.finditer(sentence)
    )
    return leaving and all(CHURN.search(asked) for asked in asking_sentences(text))


def _large(size: str) -> bool:
    digits = re.sub(r"\D", "", size)
    return int(digits) >= SALES_TEAM_SIZE if digits else True  # "hundreds of users"


# "Yes" to the assistant's offer of a person.
_ACCEPTS = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|please(?: do)?|go ahead|do it|why not|ja|oui|s[ií]|"
    r"graag|bitte|claro|d'accord|volontiers|that would be (?:great|nice|good))\b(?!.*\?)",
    re.IGNORECASE,
)


def accepts(text: str) -> bool:
    return len(text.split()) <= 8 and bool(_ACCEPTS.match(text))


# A visitor answering the assistant ("yes", "no, I haven't") or carrying on ("and for
# Enterprise?", "what about refunds?"): only the conversation says what it is about.
_CONTINUATION = re.compile(
    r"^\s*(?:(?:oh|ah|actually|well|hmm)\W+)?"  # "Actually, yes.", "Oh yeah, I am."
    r"(?:yes|yeah|yea|ya|yep|no|nope|not|ok(?:ay)?|sure|right|correct|great|alright|"
    r"i(?:'m| am| do| did| have| was)(?: not)?|we(?:'re| are| do| have)(?: not)?|"
    r"i (?:don'?t|haven'?t|didn'?t)|not yet|and|but|so|also|then|what about|how about|"
    # "Tell me more about it.", "give me an example", "what else?", "neither"
    r"neither|all of (?:it|them)|nothing (?:more|else)|"
    r"tell me more|give me (?:an example|more|the details)|go on|(?:what|anything) else|"
    r"more (?:details|info|information)|can you (?:explain|elaborate)|please (?:explain|go on))\b",
    re.IGNORECASE,
)


def continues_conversation(text: str) -> bool:
    return len(text.split()) <= 20 and bool(_CONTINUATION.match(text))


# A visitor saying the next question is about something else.
_NEW_TOPIC = re.compile(
    r"^\W*(?:(?:totally|completely|something|quite)\s+)?(?:unrelated|different|new|separate|"
    r"another|other)\b(?:\s+(?:question|topic|thing|subject))?|"
    r"^\W*(?:one more(?: thing| question)?|on another note|changing the subject|"
    r"switching topics?|different topic|by the way|btw)\b",
    re.IGNORECASE,
)
# Words that point back at what was said: "is it included?", "how much is that?".
_POINTS_BACK = re.compile(
    r"\b(?:it|its|they|them|their|those|these|the same|(?:that|this|which) one)\b|"
    r"\b(?:does|do|did|is|was|are|about|with|for|of|on|to|from|like)\s+(?:that|this)\b|"
    r"\b(?:that|this)\W*$",
    re.IGNORECASE,
)
# Asking for something other than what was just said: "is there anything faster?", "another
# way?", "what else can I try?"; a comparison with nothing to compare to points back too.
_ANOTHER = re.compile(
    r"\b(?:anything|something|any|a|an)\s+(?:\w+\s+)?(?:faster|quicker|easier|simpler|"
    r"cheaper|better|shorter|safer)\b(?!\s+than\b)|\b(?:another|other|different) "
    r"(?:way|option|solution|fix)s?\b|\b(?:what|anything) else\b|\balternatives?\b",
    re.IGNORECASE,
)


def asks_for_another(text: str) -> bool:
    return bool(_ANOTHER.search(text))


def opens_new_topic(text: str) -> bool:
    return bool(_NEW_TOPIC.match(text))


def points_back(text: str) -> bool:
    return bool(_POINTS_BACK.search(text) or _ANOTHER.search(text))


# A question of its own, however short: "What are the plans?" (not "pricing?").
_ASKS = re.compile(
    r"^\W*(?:what|which|who|where|when|why|how|do|does|did|is|are|can|could|will|would|should|"
    r"was|were|have|has)\b",
    re.IGNORECASE,
)


def asks(text: str) -> bool:
    return bool(_ASKS.match(text))


# Where one sentence asks a second thing: "How long is the trial, and do you need my card?"
_SECOND_QUESTION = re.compile(
    r",?\s+(?:and|also|plus)\s+(?=(?:do|does|did|is|are|can|could|will|would|how|what|where|"
    r"when|which|who|why)\b)",
    re.IGNORECASE,
)
# Fewer content words than this, and a sentence cannot be asked alone ("And why?").
_ASKED_ALONE_WORDS = 2


def questions(text: str) -> list[str]:
    """The questions a message asks, each as it can be searched alone; a message asking one
    thing is itself. (What it says besides, "We're a 6-person agency.", would pull each
    question's search towards itself.)"""
    asked: list[str] = []
    # (A message with no question mark is asked by all it says.)
    for sentence in asking_sentences(text) or [text]:
        first, *more = _SECOND_QUESTION.split(sentence)
        if len(content_words(first)) >= _ASKED_ALONE_WORDS:
            asked.append(first)
        # A second question has its question word: one more word is enough ("and how do i
        # auth").
        asked += [piece for piece in more if content_words(piece)]
    return asked if len(asked) > 1 else [text]


# How a visitor wants to be answered, and laughter, which say nothing of what is asked: "so
# what does it actually do, in plain english? lol".
_MANNER = re.compile(
    r"\b(?:in (?:plain|simple|layman'?s?|normal|everyday) (?:english|terms|words|language)|"
    r"in a nutshell|in (?:a )?few words|in one sentence|in short|tl;?dr|eli5|"
    r"lol|lmao|haha+|hehe)\b",
    re.IGNORECASE,
)


def without_manner(text: str) -> str:
    return " ".join(_MANNER.sub(" ", text).split())


# What people call the tools a B2B product connects to, and their names.
_NICKNAMES = {
    "SF": "Salesforce", "SFDC": "Salesforce", "HS": "HubSpot", "AAD": "Azure AD",
    "M365": "Microsoft 365", "O365": "Microsoft 365", "GWS": "Google Workspace",
    "gdrive": "Google Drive", "GDrive": "Google Drive", "MS Teams": "Microsoft Teams",
}  # fmt: skip
_NICKNAME = re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, _NICKNAMES))})(?![\w-])")


def by_full_names(text: str) -> str:
    """The text with the full names of tools it calls by a nickname: "field updates back to SF
    keep failing" is about Salesforce."""
    return _NICKNAME.sub(lambda match: _NICKNAMES[match[0]], text)


# "and for Enterprise?", "what about HubSpot?": the last question asked again of another name.
_ANOTHER_NAME = re.compile(
    r"^\W*(?i:and|but|what about|how about|and what about|same for|and how about)\s+"
    r"(?i:(?:for|on|with|in|the|about)\s+)*(?P<name>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?)\s*\??\W*$"
)


_NAME_RUN = re.compile(r"(?<![\w-])[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*")


def asked_of_another_name(question: str, earlier: Sequence[str]) -> str | None:
    """The visitor's last question that named something, with the name a message like "and
    for Enterprise?" gives in its place: "What's the first response time on Growth?" becomes
    "... on Enterprise?". None when the message is not of that form or nothing was named."""
    match = _ANOTHER_NAME.match(question)
    if not match:
        return None
    for message in reversed(earlier):
        if _ANOTHER_NAME.match(message):
            continue
        named = names(message)
        if named:
            # The name with the capitalised words next to it: "Entity ID", not "Entity".
            runs = [run for run in _NAME_RUN.finditer(message) if named[-1] in run[0].split()]
            start, end = runs[-1].span()
            return f"{message[:start]}{match['name']}{message[end:]}"
    return None


# "the Plus plan", "premium tier": what a question calls a plan. The words before "plan" that
# describe one rather than name it are not names.
KINDS = ("plan", "tier", "edition", "package")  # what a product's levels are called
_NAMED_KIND = re.compile(rf"\b([A-Za-z][\w-]{{1,30}})\s+({'|'.join(KINDS)})s?\b", re.I)
_DESCRIBING = frozenset(
    "a an the this that these those my our your their its which what each every any other "
    "how when where who why "
    "same new old current next previous right best cheapest cheaper lowest highest higher "
    "lower bigger smaller biggest smallest top entry paid free trial annual yearly monthly "
    "month year team company payment price pricing billing upgrade downgrade cancel change "
    "choose pick select existing whole full one two three any no "
    # "ningún plan", "kein Plan", "aucun plan", "geen plan": no plan at all, in a question of
    # another language whose other words were put in English.
    "ningún ningun ninguno ninguna algún algun un una el la kein keinen keine einen ein den "
    "der die das aucun aucune le une geen een het de".split()
)


def named_kinds(text: str) -> list[tuple[str, str]]:
    """The plans, tiers, editions or packages a message names: ("Plus", "plan")."""
    return [
        (match[1], match[2].lower())
        for match in _NAMED_KIND.finditer(text)
        if match[1].casefold() not in _DESCRIBING or _capitalised_inside(text, match.start())
    ]


def _capitalised_inside(text: str, start: int) -> bool:
    """Whether the word at `start` is written with a capital inside a sentence: a name ("the
    Team plan"), though the same word may describe ("our team plan")."""
    before = text[:start].rstrip()
    return text[start].isupper() and bool(before) and before[-1] not in ".?!"


# (Not the domain of an e-mail address: "onboarding@acme-legal.com" names no product.)
_WEB_NAME = re.compile(r"(?<![\w.@-])[\w-]+\.(?:com|io|net|org|ai|co|app|dev)\b", re.IGNORECASE)
# A word as a name is written: "2FA" whole (not its "FA"), "Okta", "e-mail".
_WORD = re.compile(r"(?<![\w-])[^\W_][\w-]*")


# An acronym with an English ending is the acronym: "POSTing", "PDFs", "URLs", "SSO'd".
_INFLECTED_ACRONYM = re.compile(r"^([A-Z]{2,})(?:s|es|ing|ed|'s|'d)$")


# Who a visitor works with, never a product: "our DPO wants written proof".
_JOB_TITLES = frozenset("CEO CFO CTO COO CIO CISO CMO CRO CPO DPO VP HR IT PM QA".split())


def names(text: str) -> list[str]:
    """What a message names: web addresses, and words written with a capital inside a
    sentence (products, companies, standards: "monday.com", "OpenID")."""
    found = _WEB_NAME.findall(text)
    for sentence in sentences(_WEB_NAME.sub(" ", text)):
        for word in _WORD.findall(sentence)[1:]:
            # Not a letter ("Class D") nor a word of a sentence written with capitals
            # ("Look, If...", "information about How").
            word = _INFLECTED_ACRONYM.sub(r"\1", word)
            if (
                len(word) > 1
                and word.casefold() not in STOPWORDS
                and word not in _JOB_TITLES
                and any(map(str.isupper, word))
            ):
                found.append(word)
    return list(dict.fromkeys(found))


def names_asked_about(text: str, language: str = "en") -> list[str]:
    """The names in the sentences of a message that ask: what a visitor says of themselves
    ("my colleague Priya", "our contract runs until 31 December") is not what they ask about.
    German writes every noun with a capital: there, only acronyms and words with a digit or a
    capital inside are names ("SOC" of "den SOC-2-Bericht", not "Bericht")."""
    asking = asking_sentences(text)
    found = names(" ".join(asking) if asking else text)
    if language != "de":
        return found
    parts = [part for name in found for part in name.split("-")]
    return [p for p in parts if len(p) > 1 and (not p[1:].islower() or not p.isalpha())]
