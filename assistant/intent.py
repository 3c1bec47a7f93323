"""Rules that read a visitor message: small talk, a request for a person, and the journey stage
a question points at (from its words and the page it was asked on)."""

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

# The first rule that matches decides; order runs from the most to the least specific.
_STAGE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "retention",
        re.compile(r"\b(renew|renewal|cancel|downgrade|contract end|notice period)", re.I),
    ),
    (
        "onboarding",
        re.compile(r"\b(set ?up|setup|configure|sso|saml|scim|invite|onboard|import)", re.I),
    ),
    (
        "adoption",
        re.compile(r"\b(how do i|how to|workflow|integration|api|error|not working|bug)", re.I),
    ),
    (
        "decision",
        re.compile(r"\b(quote|contract|dpa|security review|procurement|invoice|demo)", re.I),
    ),
    ("consideration", re.compile(r"\b(price|pricing|cost|plan|trial|compare|vs\.?|feature)", re.I)),
)
_PAGE_STAGES = (
    ("/pricing", "consideration"),
    ("/compare", "consideration"),
    ("/security", "decision"),
    ("/partners", "advocacy"),
    ("help.", "adoption"),
    ("app.", "adoption"),
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


def wants_person(text: str) -> bool:
    return bool(_HUMAN.search(text))


def sales_interest(text: str) -> bool:
    return bool(_SALES.search(text))


def infer_stage(text: str, page_url: str | None, known_stage: str | None) -> str | None:
    """A customer's own stage wins over what a question sounds like; for a prospect
    (no stage past decision), the question's words, then the page, decide."""
    customer_stages = {"onboarding", "adoption", "retention", "advocacy"}
    for stage, pattern in _STAGE_RULES:
        if pattern.search(text):
            if known_stage in customer_stages and stage in {"consideration", "decision"}:
                return "retention"  # a customer asking about plans is an expansion question
            if known_stage not in customer_stages and stage in {"adoption", "onboarding"}:
                return known_stage or "consideration"
            return stage
    for fragment, stage in _PAGE_STAGES:
        if page_url and fragment in page_url:
            return stage
    return known_stage
