"""Rules that read a visitor message: small talk, a request for a person, buying intent, a
reply that carries the conversation on. The stage a text points at is `journey.stages`."""

from __future__ import annotations

import re

_GREETING = re.compile(
    r"^\s*(hi|hello|hey|hallo|bonjour|hola|good (morning|afternoon|evening))\b[\s!.,]*$", re.I
)
_THANKS = re.compile(
    r"^\s*(thanks?|thank you|cheers|great,? thanks?|danke|merci|gracias)\b.*$", re.I
)
_BYE = re.compile(r"^\s*(bye|goodbye|see you|that'?s all)\b.*$", re.I)
_HUMAN = re.compile(
    r"\b(human|real person|a person|an agent|live agent|someone from|speak to|talk to|"
    r"call me|representative|support team)\b",
    re.I,
)
_SALES = re.compile(
    r"\b(quote|talk to sales|sales team|book a demo|demo call|discount|negotiat)", re.I
)


def small_talk(text: str) -> str | None:
    """A polite reply to a greeting, thanks or goodbye; None for anything else."""
    if _GREETING.match(text):
        return "Hello! Ask me anything about our product, plans or your account."
    if _THANKS.match(text) and len(text.split()) <= 6:
        return "You're welcome! Is there anything else I can help with?"
    if _BYE.match(text):
        return "Thanks for chatting. Have a good day!"
    return None


# A visitor answering the assistant ("yes", "no, I haven't") or carrying on ("and for
# Enterprise?", "what about refunds?"): only the conversation says what it is about.
_CONTINUATION = re.compile(
    r"^\s*(?:yes|yeah|yep|no|nope|not|ok(?:ay)?|sure|right|correct|great|alright|"
    r"i(?:'m| am| do| did| have| was)(?: not)?|we(?:'re| are| do| have)(?: not)?|"
    r"i (?:don'?t|haven'?t|didn'?t)|not yet|and|but|so|also|then|what about|how about)\b",
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


def opens_new_topic(text: str) -> bool:
    return bool(_NEW_TOPIC.match(text))


def points_back(text: str) -> bool:
    return bool(_POINTS_BACK.search(text))


def wants_person(text: str) -> bool:
    return bool(_HUMAN.search(text))


def sales_interest(text: str) -> bool:
    return bool(_SALES.search(text))
