"""`analyze` over a real database: which items it reads, incremental runs by content hash,
the sentiment on each item's journey event, theme discovery, stable ids and new items joining
themes; and `journey analyze` from the command line."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from builders import BILLING, DASHBOARD, NOW, SSO, Items, analysis_of
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app
from app.container import Container
from feedback.analysis import TextItem, analyze, text_items
from feedback.sentiment import HeadSentiment
from feedback.themes import choose_k, label_clusters
from journey.db import transaction
from journey.models import (
    Conversation,
    JourneyEvent,
    Message,
    Review,
    SurveyResponse,
    TextAnalysis,
    Theme,
    Ticket,
)
from journey.settings import Settings


@dataclass
class Filled:
    export: Ticket
    copy: Ticket
    thanks: Ticket
    review: Review
    survey: SurveyResponse
    chat: Conversation

    def visitor_messages(self) -> list[Message]:
        return [m for m in self.chat.messages if m.role == "visitor"]


def fill(items: Items) -> Filled:
    """One of each kind of text item, plus copies and texts that are no items."""
    account = items.account("Northwind", arr=40_000)
    ann, bo = items.contact(account, "Ann"), items.contact(account, "Bo")
    export = items.ticket(
        ann,
        "Export fails",
        "The monthly CSV export stops halfway with an error.",
        comments=(
            ("agent", "Thanks, we are looking into it."),
            ("customer", "Any news? Our finance team is waiting for it."),
        ),
        at=NOW - timedelta(days=3),
    )
    copy = items.ticket(
        ann, "Export fails", "The monthly CSV export stops halfway with an error.",
        duplicate_of=export, at=NOW - timedelta(days=3),
    )  # fmt: skip
    thanks = items.ticket(bo, "Thank you", "The new dashboard is great, thanks for the quick fix.")
    review = items.review(bo, 5, "Our team loves the reporting.", title="Great tool")
    items.review(bo, 5, "Our team loves the reporting.", title="Great tool", duplicate_of=review)
    survey = items.survey(ann, "nps", 9, "Reliable product and a helpful team.")
    items.survey(ann, "csat", 4, None)
    items.survey(ann, "csat", 5, "")
    chat = items.chat(
        bo,
        [
            ("visitor", "How do I add a user to our workspace?"),
            ("bot", "Go to Settings, then Users, then Invite."),
            ("visitor", "Great, thanks!"),
        ],
    )
    return Filled(export, copy, thanks, review, survey, chat)


def test_text_items_are_tickets_reviews_surveys_and_visitor_messages(
    session: Session, items: Items
) -> None:
    made = fill(items)
    found = {(i.item_type, i.item_id): i for i in text_items(session)}
    visitor_ids = [str(m.id) for m in made.visitor_messages()]
    assert sorted(found) == sorted(
        [
            ("ticket", str(made.export.id)),
            ("ticket", str(made.thanks.id)),
            ("review", str(made.review.id)),
            ("survey_response", str(made.survey.id)),
            *[("message", i) for i in visitor_ids],
        ]
    )
    export = found["ticket", str(made.export.id)]
    # The customer's follow-up is part of the ticket, the agent's reply is not.
    assert export.text == (
        "Export fails. The monthly CSV export stops halfway with an error.\n\n"
        "Any news? Our finance team is waiting for it."
    )
    assert export.stage == "adoption" and export.account_id is not None
    review = found["review", str(made.review.id)]
    assert review.text == "Great tool. Our team loves the reporting."
    assert review.stage == "advocacy"  # from its review_posted event
    message = found["message", visitor_ids[0]]
    assert message.conversation_id == made.chat.id
    assert message.account_id == made.export.account_id


def test_analyze_is_incremental_by_content_hash(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    made = fill(items)
    seen: list[tuple[int, int]] = []
    first = analyze(session, head, progress=lambda done, total: seen.append((done, total)))
    assert (first.items, first.analysed, first.unchanged) == (6, 6, 0)
    assert seen == [(6, 6)]
    assert session.scalar(select(TextAnalysis.id).where(TextAnalysis.item_id == "")) is None
    stored = set(session.execute(select(TextAnalysis.item_type, TextAnalysis.item_id)))
    assert len(stored) == 6
    assert ("ticket", str(made.copy.id)) not in stored

    again = analyze(session, head)
    assert (again.items, again.analysed, again.unchanged) == (6, 0, 6)

    export = made.export
    before = analysis_of(session, "ticket", export.id)
    old_hash, old_id = before.content_hash, before.id
    export.comments[-1].body = "Never mind, it works now. Thanks a lot!"
    session.flush()
    edited = analyze(session, head)
    assert (edited.items, edited.analysed, edited.unchanged) == (6, 1, 5)
    after = analysis_of(session, "ticket", export.id)
    assert after.id == old_id and after.content_hash != old_hash


def test_a_new_model_rescores_everything() -> None:
    item = TextItem("ticket", "1", "Export fails.", NOW, None, None, None, None)
    assert item.content_hash("head:corpus-v1") != item.content_hash("head:mine")
    assert item.content_hash("head:mine") == item.content_hash("head:mine")


def test_analysis_stores_sentiment_aspects_and_context(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    made = fill(items)
    analyze(session, head)
    export = analysis_of(session, "ticket", made.export.id)
    thanks = analysis_of(session, "ticket", made.thanks.id)
    assert export.label == "negative" and export.score < 0
    assert thanks.label == "positive" and thanks.score > 0.5
    assert "product_quality" in thanks.aspects and thanks.aspects["product_quality"] > 0
    assert export.model == head.name
    assert export.occurred_at == NOW - timedelta(days=3)
    assert export.stage == "adoption" and export.touchpoint == "support_ticket"
    assert export.contact_id == made.export.contact_id
    assert export.embedding is not None
    short = analysis_of(session, "message", made.visitor_messages()[1].id)
    assert short.touchpoint == "chat_widget"
    assert short.embedding is None  # "Great, thanks!" has no topic to cluster


def test_each_item_event_carries_its_sentiment(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    made = fill(items)
    analyze(session, head)

    def event_sentiment(kind: str, subject_type: str, subject_id: object) -> float | None:
        return session.scalar(
            select(JourneyEvent.sentiment).where(
                JourneyEvent.type == kind,
                JourneyEvent.subject_type == subject_type,
                JourneyEvent.subject_id == str(subject_id),
            )
        )

    for kind, item_type, item_id in (
        ("ticket_opened", "ticket", made.export.id),
        ("ticket_opened", "ticket", made.thanks.id),
        ("review_posted", "review", made.review.id),
        ("survey_answered", "survey_response", made.survey.id),
    ):
        score = analysis_of(session, item_type, item_id).score
        assert event_sentiment(kind, item_type, item_id) == pytest.approx(score)
    assert event_sentiment("ticket_opened", "ticket", made.copy.id) is None
    for message in made.chat.messages:
        event = session.scalar(
            select(JourneyEvent).where(JourneyEvent.idempotency_key == f"chat:{message.id}")
        )
        assert event is not None
        if message.role == "visitor":
            score = analysis_of(session, "message", message.id).score
            assert event.sentiment == pytest.approx(score)
        else:
            assert event.sentiment is None


# -- themes -----------------------------------------------------------------------------------

TOPICS = {"sso": SSO, "billing": BILLING, "dashboard": DASHBOARD}
TOPIC_WORDS = {"sso": {"sso", "saml", "login"}, "billing": {"invoice", "billing", "charged"},
               "dashboard": {"dashboard", "dashboards"}}  # fmt: skip


def fill_topics(items: Items) -> dict[tuple[str, str], str]:
    """Twenty items per topic, as tickets, reviews, survey comments and chat messages; returns
    (item_type, item_id) -> topic."""
    account = items.account("Contoso", arr=60_000)
    people = [items.contact(account, f"P{i}") for i in range(6)]
    topic_of: dict[tuple[str, str], str] = {}
    for topic, texts in TOPICS.items():
        for n, text in enumerate(texts):
            person, at = people[n % len(people)], NOW - timedelta(days=n, hours=len(topic))
            kind = n % 4
            if kind in (0, 1) or topic == "sso":
                row = items.ticket(person, text.split(",")[0][:60], text, at=at)
                topic_of["ticket", str(row.id)] = topic
            elif kind == 2:
                review = items.review(person, 5 if topic == "dashboard" else 2, text, at=at)
                topic_of["review", str(review.id)] = topic
            else:
                survey = items.survey(person, "csat", 5 if topic == "dashboard" else 2, text, at=at)
                topic_of["survey_response", str(survey.id)] = topic
    return topic_of


def themes_of(session: Session, topic_of: dict[tuple[str, str], str]) -> dict[int, list[str]]:
    """theme id -> the topics of its members."""
    rows = session.execute(
        select(TextAnalysis.item_type, TextAnalysis.item_id, TextAnalysis.theme_id)
    )
    members: dict[int, list[str]] = defaultdict(list)
    for kind, item_id, theme_id in rows:
        assert theme_id is not None, f"{kind} {item_id} has no theme"
        members[theme_id].append(topic_of[kind, item_id])
    return members


def test_choose_k_makes_six_to_forty_themes() -> None:
    assert choose_k(19) == 0  # too few items to name themes
    assert choose_k(20) == 6 and choose_k(900) == 6
    assert choose_k(3000) == 20
    assert choose_k(100_000) == 40


def test_labels_are_the_distinctive_phrases_of_each_cluster() -> None:
    texts = [
        "saml error at login", "saml error again today", "saml error for all users",
        "invoice total wrong", "invoice total doubled", "invoice total missing vat",
    ]  # fmt: skip
    labels = label_clusters(texts, np.array([0, 0, 0, 1, 1, 1]), 2)
    # "saml error" is chosen; "saml" and "error" alone would repeat it.
    assert labels == [["saml error"], ["invoice total"]]
    assert label_clusters(["the and", "of the", "and of"], np.array([0, 0, 0]), 1) == [[]]
    # Nor does a theme get its name from another language's small words ("en, el, wir").
    spoken = [
        "wir haben die rechnung", "wir und die rechnung", "die rechnung wir",
        "el sso error en el login", "en el sso error", "el sso error en",
    ]  # fmt: skip
    assert label_clusters(spoken, np.array([0, 0, 0, 1, 1, 1]), 2) == [["rechnung"], ["sso error"]]


def test_themes_gather_one_topic_each_and_are_named_by_it(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    topic_of = fill_topics(items)
    report = analyze(session, head)
    assert report.rediscovered and report.themes == 6  # choose_k never makes fewer than 6
    members = themes_of(session, topic_of)
    assert sum(len(m) for m in members.values()) == 60
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.active))}
    assert set(themes) == set(members)
    covered = set()
    for theme_id, topics in members.items():
        assert len(set(topics)) == 1, f"theme {themes[theme_id].label!r} mixes {topics}"
        topic = topics[0]
        covered.add(topic)
        theme = themes[theme_id]
        words = set(re.findall(r"[a-z-]+", theme.label))
        assert words & TOPIC_WORDS[topic], f"{theme.label!r} names no {topic} word"
        assert theme.size == len(topics) and theme.terms and len(theme.terms) <= 3
        assert theme.label == ", ".join(theme.terms)
    assert covered == set(TOPICS)


def test_rediscovery_keeps_theme_ids_and_new_items_join_their_theme(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    topic_of = fill_topics(items)
    analyze(session, head)
    before = {t.id: t.label for t in session.scalars(select(Theme).where(Theme.active))}
    assignments = dict(session.execute(select(TextAnalysis.id, TextAnalysis.theme_id)).all())

    again = analyze(session, head, rediscover=True)
    assert again.rediscovered and again.analysed == 0 and again.themes == len(before)
    after = {t.id: t.label for t in session.scalars(select(Theme).where(Theme.active))}
    assert after == before
    assert dict(session.execute(select(TextAnalysis.id, TextAnalysis.theme_id)).all()) == (
        assignments
    )
    assert session.scalar(select(Theme.id).where(Theme.active.is_(False))) is None

    members = themes_of(session, topic_of)
    sizes = {t.id: t.size for t in session.scalars(select(Theme))}
    person = items.contact(None, "Newcomer")
    ticket = items.ticket(
        person, "Cannot log in", "Every login through SSO fails with a SAML error for our admins."
    )
    chat = items.chat(person, [("visitor", "ok")])  # too short to have a topic
    joined = analyze(session, head)
    assert not joined.rediscovered and joined.analysed == 2 and joined.themed == 1
    theme_id = analysis_of(session, "ticket", ticket.id).theme_id
    assert theme_id is not None and set(members[theme_id]) == {"sso"}
    assert session.get(Theme, theme_id).size == sizes[theme_id] + 1  # type: ignore[union-attr]
    message = chat.messages[0]
    assert analysis_of(session, "message", message.id).theme_id is None


def test_an_off_topic_item_joins_no_theme(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    fill_topics(items)
    analyze(session, head)
    stray = items.ticket(
        None, "Parking", "Where should our visitors park their bicycles during the offsite?"
    )
    report = analyze(session, head)
    assert report.analysed == 1 and report.themed == 0
    assert analysis_of(session, "ticket", stray.id).theme_id is None


def test_fewer_than_twenty_items_make_no_themes(
    session: Session, items: Items, head: HeadSentiment
) -> None:
    fill(items)
    report = analyze(session, head)
    assert report.rediscovered and report.themes == 0
    assert session.scalar(select(Theme.id)) is None


# -- the command line -------------------------------------------------------------------------

runner = CliRunner()


def test_journey_analyze_prints_counts_and_is_incremental(env: Path) -> None:
    container = Container(Settings())
    container.init()
    with transaction(container.sessions) as session:
        fill(Items(session))
    container.close()
    first = runner.invoke(app, ["analyze"])
    assert first.exit_code == 0, first.output
    assert re.search(
        r"6 items: 6 analysed, 0 unchanged; 0 themes discovered; \d+ moments", first.output
    )
    second = runner.invoke(app, ["analyze"])
    assert second.exit_code == 0, second.output
    assert "6 items: 0 analysed, 6 unchanged;" in second.output
    assert "0 moments of truth flagged." in second.output


def test_themes_api_reports_counts_trend_and_quotes(
    session: Session,
    items: Items,
    head: HeadSentiment,
    client: TestClient,
    staff_token: Callable[[str], str],
) -> None:
    fill_topics(items)
    analyze(session, head)
    session.commit()
    headers = {"Authorization": f"Bearer {staff_token('agent')}"}
    themes = client.get("/themes", headers=headers).json()
    assert sum(t["items"] for t in themes) == 60
    assert [t["items"] for t in themes] == sorted((t["items"] for t in themes), reverse=True)
    sso = next(t for t in themes if {"sso", "saml"} & set(re.findall(r"[a-z]+", t["label"])))
    assert sso["by_touchpoint"] == {"support_ticket": sso["items"]}
    assert sum(sso["trend"].values()) == sso["items"] and all(k[:4] == "2026" for k in sso["trend"])
    assert 1 <= len(sso["quotes"]) <= 3 and "SAML" in " ".join(q["text"] for q in sso["quotes"])
    quotes = [q["sentiment"] for q in sso["quotes"]]
    assert quotes == sorted(quotes)  # the most negative first
    later = client.get("/themes", params={"since": "2030-01-01T00:00:00Z"}, headers=headers)
    assert later.json() == []
    assert client.get("/themes").status_code == 401
