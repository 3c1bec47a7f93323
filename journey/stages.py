"""The journey stage a text points at, from its words and the page it was written on: chat
messages and imported tickets or reviews without a stage of their own get one this way."""

from __future__ import annotations

import re
from collections.abc import Collection


def guess_stage(
    text: str, page_url: str | None, known_stage: str | None, stages: Collection[str]
) -> str | None:
    """The rules speak of the default stages; a company's vocabulary may have dropped some, so
    only a stage it holds comes back (else the known stage, if it holds that)."""
    guess = _default_stage(text, page_url, known_stage)
    if guess in stages:
        return guess
    return known_stage if known_stage in stages else None


# The first rule that matches decides; order runs from the most to the least specific.
_STAGE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "advocacy",
        re.compile(
            r"\b(referr?al|refer (?:a|other|clients|customers)|partner program|affiliate|"
            r"case study|(?:write|leave) (?:you |us )?a review|review (?:you|brightloop)|g2|"
            r"capterra|recommend (?:you|it|your product))",
            re.I,
        ),
    ),
    # What a visitor says of where they are: not bought yet, whatever they ask about.
    (
        "decision",
        re.compile(r"\bbefore (?:we|i) (?:sign|buy|purchase|commit)", re.I),
    ),
    (
        "consideration",
        re.compile(
            r"\b(?:we'?re|we are|i'?m|i am|currently) (?:\w+ )?(?:evaluating|considering|"
            r"comparing|trialing|trialling)\b|\b(?:évaluons|evaluamos|evalueren|evaluieren)\b",
            re.I,
        ),
    ),
    (
        "retention",
        re.compile(
            r"\b(renew|renewal|cancel|downgrade|contract end|notice period|refund|money back|"
            r"invoices?|billing|card payment|payment (?:failed|fails)|overage|usage cap|"
            r"fewer (?:seats|users|licen[cs]es)|seat count|(?:term|contract) ends|"
            r"résili|kündig|rechnung|factur|cancelar|opzeggen|"
            # A customer's anger is a risk to keeping them.
            r"fed up|annoyed|frustrat\w*|unacceptable|ridiculous|this is a joke|bait and switch|"
            r"(?:price|pricing) (?:increase|rise|hike)|increase)",
            re.I,
        ),
    ),
    (
        # Setting something up, even when it fails on the way.
        "onboarding",
        re.compile(
            # (Inviting someone, not the invitation e-mail that never arrived.)
            r"\b(set ?up|setting up|setup|configur\w*|invit(?!\w* (?:e-?mails?|links?))\w*|"
            r"onboard\w*|import|"
            r"getting started|first workflow|template|verify\w* (?:our |your |the )?domain)",
            re.I,
        ),
    ),
    (
        # Something broke: whatever it is about, the customer is using the product.
        "adoption",
        re.compile(
            r"\b(fail\w*|error|not working|broken|doesn'?t work|isn'?t (?:working|triggering)|"
            r"disconnected|too slow|super slow|slow|expired|bug|troubleshoot\w*|status|outage|"
            r"stuck|locked out|redirect loop|can'?t (?:log|sign) ?in|"
            r"(?:not|never) rec(?:ei|ie)v\w*|never (?:got|get|arrive\w*)|"
            r"störung|panne|caído)",
            re.I,
        ),
    ),
    (
        # Trying it out is evaluating it, whatever feature is tried; so is asking which plan
        # has a feature.
        "consideration",
        re.compile(
            r"\b(trial|prueba|essai|testversion|testphase|proefperiode|(?:included|available) "
            r"(?:in|on|with) (?:the |all |every |our |your )?(?:\w+ )?(?:plans?|tiers?)\b|"
            r"(?:which|what) (?:plans?|tiers?)\b)",
            re.I,
        ),
    ),
    (
        # What the product is and does, and whom it is for.
        "awareness",
        re.compile(
            r"\b(what (?:is|does) (?:\w+ ){0,2}(?:do|offer)\b|what is \w+\W*$|what do you "
            r"(?:do|offer)\b|how does it work\b|who (?:is|are) (?:you|it) for\b|use cases?\b|"
            r"what kind of (?:\w+ )?(?:do|does|is|are) (?:people|companies|teams|ppl))",
            re.I,
        ),
    ),
    (
        "onboarding",
        re.compile(r"\b(sso|saml|scim|entity id|name id|metadata|acs url)", re.I),
    ),
    (
        "decision",
        re.compile(
            r"\b(quote|contract|dpa|security review|procurement|proposal|purchase|buy|"
            r"sign(?:ed|ing)? (?:the |a |our )?(?:contract|deal|order|today|this week|now)|"
            r"pick a plan|data residency|keep (?:all )?our data|eu hosting|hosting|discount|"
            # Due diligence before buying, and asking for sales.
            r"gdpr|subprocessors?|soc ?2|iso ?27001|hipaa|complian\w*|questionnaire|"
            r"penetration test|pen test|your sales (?:team|rep)|talk numbers|"
            r"(?:talk|speak) to sales)",
            re.I,
        ),
    ),
    (
        "adoption",
        re.compile(
            r"\b(how do i|how to|where do i|workflow|integrat\w*|api|sync|webhook|slack|teams|"
            r"dashboard|insights|permission|who(?:'s| is)? (?:allowed|can))",
            re.I,
        ),
    ),
    (
        "consideration",
        re.compile(
            r"\b(price|pricing|cost|plan|trial|prueba|essai|testversion|compare|vs\.?|feature|"
            r"cheaper)",
            re.I,
        ),
    ),
    (
        "awareness",
        re.compile(
            r"\b(who are you|what (?:is|does) your (?:company|product)|founded|based|"
            r"headquarter\w*|gevestigd|office|company)",
            re.I,
        ),
    ),
)
_PAGE_STAGES = (
    ("/pricing", "consideration"),
    ("/compare", "consideration"),
    ("/security", "decision"),
    ("/partners", "advocacy"),
    ("help.", "adoption"),
    ("app.", "adoption"),
)


CUSTOMER_STAGES = {"onboarding", "adoption", "retention", "advocacy"}
# Pages only customers use: the help centre and the product itself.
_CUSTOMER_PAGES = ("help.", "app.", "/help", "/docs", "/support")


def _default_stage(text: str, page_url: str | None, known_stage: str | None) -> str | None:
    """The question's words decide, read in the light of who asks: a known customer asking
    about plans is expanding (retention); a prospect (no stage past decision, not on the help
    centre) asking how something works is still evaluating. Else the page decides."""
    customer = known_stage in CUSTOMER_STAGES
    prospect = not customer and not any(p in (page_url or "") for p in _CUSTOMER_PAGES)
    for stage, pattern in _STAGE_RULES:
        if pattern.search(text):
            if customer and stage in {"consideration", "decision"}:
                return "retention"
            if prospect and stage in {"adoption", "onboarding"}:
                return known_stage or "consideration"
            return stage
    for fragment, stage in _PAGE_STAGES:
        if page_url and fragment in page_url:
            return stage
    return known_stage
