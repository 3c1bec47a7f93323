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


def _default_stage(text: str, page_url: str | None, known_stage: str | None) -> str | None:
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
