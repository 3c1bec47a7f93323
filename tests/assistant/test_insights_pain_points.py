"""Pain points and points of delight: touchpoints and themes far from their stage's sentiment,
by a margin and by more than chance, with the texts that say it."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from assistant.insights.pain_points import pain_points
from assistant.insights.service import InsightsService
from journey.models import TextAnalysis, Theme, Ticket
from journey.vocabulary import Vocabulary

AS_OF = date(2026, 6, 30)
NUMBERS = itertools.count()


def texts(session: Session, touchpoint: str, scores: list[float], theme: Theme | None = None,
          stage: str = "onboarding", words: str = "fine") -> None:  # fmt: skip
    for score in scores:
        ticket = Ticket(source="t", external_id=str(next(NUMBERS)), subject=words,
                        body=f"{score}", channel="email",
                        created_at=datetime(2026, 5, 1, tzinfo=UTC))  # fmt: skip
        session.add(ticket)
        session.flush()
        session.add(TextAnalysis(item_type="ticket", item_id=str(ticket.id),
                                 content_hash=f"h{ticket.id}", score=score,
                                 label="negative" if score < 0 else "positive", confidence=0.9,
                                 model="t", occurred_at=datetime(2026, 5, 1, tzinfo=UTC),
                                 stage=stage, touchpoint=touchpoint,
                                 theme_id=theme.id if theme else None))  # fmt: skip
    session.flush()


def test_far_below_and_above_the_stage_are_found_small_or_slight_ones_are_not(
    session: Session,
) -> None:
    sso = Theme(label="sso, saml", terms=["sso"], centroid=[0.0])
    praise = Theme(label="great support", terms=["great"], centroid=[0.0])
    session.add_all([sso, praise])
    session.flush()
    texts(session, "support_ticket", [0.1, 0.0, 0.2, 0.1, 0.0] * 6)  # the stage's bulk
    texts(session, "chat_widget", [-0.7, -0.6, -0.8, -0.5, -0.6] * 2, sso, words="SSO fails")
    texts(session, "email", [0.8, 0.7, 0.9, 0.8, 0.6] * 2, praise, words="Great support")
    texts(session, "phone", [-0.9] * 5)  # too few to say anything
    texts(session, "in_product", [0.1, 0.0, 0.1, 0.05, 0.05] * 2, stage="adoption")
    spots = pain_points(session, Vocabulary(), AS_OF)
    found = {(s.side, s.kind, s.name) for s in spots}
    assert found == {
        ("pain", "touchpoint", "Chat widget"),
        ("pain", "theme", "sso, saml"),
        ("delight", "touchpoint", "Email"),
        ("delight", "theme", "great support"),
    }
    assert spots[0].side == "pain" and spots[-1].side == "delight"
    assert all(s.quotes for s in spots)
    assert spots[0].quotes[0].startswith("SSO fails")
    assert all(s.stage == "onboarding" for s in spots)
    # asked in plain language, for one stage
    answer = InsightsService(session, Vocabulary()).ask(
        "what are the pain points in onboarding?", AS_OF
    )
    assert answer.columns[:4] == ["stage", "side", "kind", "name"]
    assert {row[3] for row in answer.rows} == {"Chat widget", "sso, saml"}
    assert answer.answer and answer.answer.startswith("The clearest pain points in Onboarding")
    assert answer.sql and "GROUP BY" in answer.sql
    assert (
        InsightsService(session, Vocabulary())
        .ask("what do customers love in adoption?", AS_OF)
        .rows
        == []
    )
