"""Aspect-level sentiment for the common B2B aspects.

A text is cut into clauses (sentences, then at "but", "however", ";"...), each clause that
names an aspect is scored on its own, so "love the product, hate the billing" counts as
positive for product quality and negative for billing.
"""

from __future__ import annotations

import re
from collections import defaultdict

from feedback.sentiment import SentimentModel
from journey.text import feedback_sentences

ASPECT_WORDS: dict[str, tuple[str, ...]] = {
    "pricing": ("price", "pricing", "priced", "expensive", "cheap", "cost", "costs", "per seat",
                "plan", "plans", "value for money", "discount", "quote", "affordable", "fee"),
    "onboarding": ("onboarding", "onboard", "setup", "set up", "setting up", "getting started",
                   "implementation", "migration", "migrate", "training", "kickoff", "go-live"),
    "support": ("support", "agent", "help desk", "helpdesk", "customer service", "response time",
                "responded", "reply", "replied", "answer", "ticket", "csm", "account manager"),
    "product_quality": ("product", "feature", "features", "dashboard", "ui", "interface",
                        "workflow", "workflows", "usability", "easy to use", "design", "tool",
                        "app", "reporting", "reports"),
    "reliability": ("outage", "down", "downtime", "crash", "crashes", "bug", "bugs", "error",
                    "errors", "slow", "lag", "unstable", "reliable", "reliability", "uptime",
                    "broken", "fails", "failed", "failing"),
    "integrations": ("integration", "integrations", "salesforce", "hubspot", "slack", "api",
                     "webhook", "zapier", "connector", "sync", "oauth", "disconnected"),
    "billing": ("billing", "invoice", "invoices", "charged", "charge", "refund", "payment",
                "credit card", "overcharged", "receipt", "vat", "renewal fee"),
    "security": ("security", "sso", "saml", "2fa", "mfa", "gdpr", "soc 2", "soc2", "encryption",
                 "permissions", "data protection", "breach", "password", "compliance"),
}  # fmt: skip
ASPECTS = tuple(ASPECT_WORDS)

_PATTERNS = {
    aspect: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    for aspect, words in ASPECT_WORDS.items()
}
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|,?\s+\b(?:but|however|although|though|whereas|while|yet)\b,?)\s+", re.IGNORECASE
)


_LIST_BREAK = re.compile(r"\s*(?:,|\band\b)\s+", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """Sentences cut at contrasts; a piece naming several aspects is cut at commas and "and"
    too, so each aspect keeps its own opinion."""
    out = []
    for sentence in feedback_sentences(text):
        for clause in _CLAUSE_BREAK.split(sentence):
            parts = _LIST_BREAK.split(clause) if len(mentioned(clause)) > 1 else [clause]
            out += [p.strip() for p in parts if len(p.strip()) > 2]
    return out


def mentioned(clause: str) -> list[str]:
    return [aspect for aspect, pattern in _PATTERNS.items() if pattern.search(clause)]


def aspect_sentiments(texts: list[str], model: SentimentModel) -> list[dict[str, float]]:
    """Per text, {aspect: mean score of the clauses naming it}; one batch for all clauses."""
    owners: list[tuple[int, list[str]]] = []
    pieces: list[str] = []
    for i, text in enumerate(texts):
        for clause in clauses(text):
            aspects = mentioned(clause)
            if aspects:
                owners.append((i, aspects))
                pieces.append(clause)
    scores: list[dict[str, list[float]]] = [defaultdict(list) for _ in texts]
    for (i, aspects), result in zip(owners, model.analyze(pieces), strict=True):
        for aspect in aspects:
            scores[i][aspect].append(result.score)
    return [{a: round(sum(v) / len(v), 3) for a, v in per_text.items()} for per_text in scores]
