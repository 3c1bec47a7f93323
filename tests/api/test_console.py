"""The agent console: the inbox's views, counts and filters; one conversation with what an agent
needs around it; the pages' forms (take over, reply, hand back, close; note and resolve a
flag), each audited; the live stream's pulse."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from builders import Items
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.service import ConversationService
from journey.auth import AuthService
from journey.db import utcnow
from journey.models import (
    AuditLog,
    Conversation,
    Flag,
    JourneyEvent,
    Message,
    ReviewedAnswer,
    TextAnalysis,
)
from journey.vocabulary import Vocabulary


def chats(session: Session) -> dict[str, Conversation]:
    """A customer who asked for a person (waiting), with an analysed angry message, a cited
    answer and a recent detractor answer; and an anonymous visitor the bot is serving."""
    items = Items(session)
    firm = items.account("Riverbend Law", arr=48_000, plan="Growth")
    robin = items.contact(firm, "Robin")
    now = utcnow()
    items.survey(robin, "nps", 3, "Too slow", at=now - timedelta(days=2))
    waiting = items.chat(robin, [("visitor", "Your export is broken again, this is useless"),
                                 ("bot", "You can export from Reports → Export.")],
                         at=now - timedelta(minutes=5))  # fmt: skip
    angry, answer = session.scalars(
        select(Message).where(Message.conversation_id == waiting.id).order_by(Message.id)
    ).all()
    answer.groundedness = 0.92
    answer.meta = {"citations": [{"number": 1, "title": "Exports", "url": "https://help.test/x",
                                  "section": "Reports", "passage_id": "p1"}]}  # fmt: skip
    analysed = TextAnalysis(
        item_type="message",
        item_id=str(angry.id),
        content_hash="h",
        label="negative",
        score=-0.81,
        confidence=0.9,
        model="test",
    )
    session.add(analysed)
    ConversationService(session, Vocabulary()).hand_off(waiting, "customer_request", [angry])
    serving = items.chat(None, [("visitor", "Do you have a free trial?")], at=now)
    session.flush()
    return {"waiting": waiting, "serving": serving}


def agent(session: Session, name: str = "Avery") -> tuple[Any, str]:
    auth = AuthService(session)
    user = auth.create_user(f"{name.lower()}@staff.test", name, "agent", "s3cret-pass")
    token = auth.issue_token(user)
    session.commit()
    return user, token


def test_the_inbox_has_views_with_counts_and_filters(client: TestClient, session: Session) -> None:
    found = chats(session)
    _, token = agent(session)
    headers = {"Authorization": f"Bearer {token}"}

    def ids(**params: str) -> tuple[list[str], dict[str, int]]:
        answer = client.get("/chat/conversations", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return [item["id"] for item in body["items"]], body["counts"]

    listed, counts = ids(view="waiting")
    assert listed == [found["waiting"].id]
    assert (counts["all"], counts["waiting"], counts["mine"], counts["closed"]) == (2, 1, 0, 0)
    assert ids()[0] == [found["serving"].id, found["waiting"].id]  # newest activity first
    assert ids(reason="customer_request")[0] == [found["waiting"].id]
    assert ids(reason="sales_opportunity")[0] == []
    item = client.get("/chat/conversations", params={"view": "waiting"},
                      headers=headers).json()["items"][0]  # fmt: skip
    assert (item["contact"], item["account"], item["arr"]) == ("Robin", "Riverbend Law", 48_000)
    assert item["waiting_since"] and item["reasons"] == ["handoff_customer_request"]
    assert item["last_text"] == "You can export from Reports → Export."

    waiting = found["waiting"].id
    assert client.post(f"/chat/conversations/{waiting}/takeover", headers=headers).is_success
    assert ids(view="mine")[0] == [waiting] and ids(view="taken_over")[0] == [waiting]
    assert ids(view="waiting")[0] == []
    assert client.post(f"/chat/conversations/{waiting}/close", headers=headers).is_success
    assert ids(view="closed")[0] == [waiting] and ids(view="mine")[0] == []
    assert client.get("/chat/conversations").status_code == 401
    assert (
        client.get("/chat/conversations", params={"view": "x"}, headers=headers).status_code == 422
    )


def test_one_conversation_comes_with_what_an_agent_needs(
    client: TestClient, session: Session
) -> None:
    found = chats(session)
    _, token = agent(session)
    answer = client.get(f"/chat/conversations/{found['waiting'].id}/workspace",
                        headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    view = answer.json()
    angry, bot = view["messages"]
    assert (angry["sentiment"], angry["sentiment_label"], angry["flagged"]) == (
        -0.81, "negative", True)  # fmt: skip
    assert bot["groundedness"] == 0.92 and bot["citations"][0]["title"] == "Exports"
    assert not bot["flagged"]
    assert [f["reasons"] for f in view["flags"]] == [["handoff_customer_request"]]
    assert view["flags"][0]["suggested_step"].startswith("Join the conversation")
    assert view["contact"]["name"] == "Robin" and view["account"]["plan"] == "Growth"
    assert "Survey answered" in [e["label"] for e in view["timeline"]]
    # the detractor answer two days ago: the step to recover the relationship, with why
    steps = {s["action"]: s["reason"] for s in view["next_steps"]}
    assert "NPS 3 (detractor)" in steps["recovery_outreach"]
    anonymous = client.get(f"/chat/conversations/{found['serving'].id}/workspace",
                           headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
    assert (anonymous["contact"], anonymous["next_steps"], anonymous["timeline"]) == (None, [], [])


def test_an_agent_takes_up_or_dismisses_a_next_step_from_the_page(
    client: TestClient, session: Session, signed_in: Callable[[str], Any]
) -> None:
    user = signed_in("Avery")
    waiting = chats(session)["waiting"]
    here = f"/console/conversations/{waiting.id}"
    page = client.get(here).text
    assert "Reach out to recover the relationship" in page and "Take it up" in page
    contact = waiting.contact_id
    steps = f"/console/contacts/{contact}/next-steps"
    taken = client.post(f"{steps}/recovery_outreach", data={"back": here, "outcome": "accepted"},
                        follow_redirects=False)  # fmt: skip
    assert (taken.status_code, taken.headers["location"]) == (303, here)
    event = session.scalars(
        select(JourneyEvent).where(JourneyEvent.type == "next_step_accepted")
    ).one()
    assert event.contact_id == contact
    assert event.properties == {**event.properties, "action": "recovery_outreach", "by": user.email}
    # taken up, it waits out its cool-down: no longer offered on the page
    assert "Reach out to recover the relationship" not in client.get(here).text
    unknown = client.post(f"{steps}/fly_to_the_moon", data={"back": here, "outcome": "dismissed"},
                          follow_redirects=False)  # fmt: skip
    assert "unknown+action" in unknown.headers["location"]


def test_a_contact_has_a_page_with_what_is_open_and_what_to_do(
    client: TestClient, session: Session, signed_in: Callable[[str], Any]
) -> None:
    waiting = chats(session)["waiting"]
    contact = waiting.contact_id
    assert client.get(f"/console/contacts/{contact}", follow_redirects=False).status_code == 303
    user = signed_in("Avery")
    here = f"/console/contacts/{contact}"
    page = client.get(here).text
    assert '<h1 id="contact-title">Robin</h1>' in page
    assert f'href="/console/conversations/{waiting.id}"' in page  # the contact's chats
    assert "handoff customer request" in page  # the open moment of truth
    assert "Reach out to recover the relationship" in page  # the next step, to act on here
    assert f'name="back" value="{here}"' in page
    read = session.scalars(select(AuditLog).where(AuditLog.action == "contact.read")).all()
    assert [(a.actor, a.target_id) for a in read] == [(user.email, str(contact))]
    # from the conversation and the review queue, the contact is a link away
    assert f'href="{here}"' in client.get(f"/console/conversations/{waiting.id}").text
    assert f'href="{here}"' in client.get("/console/queue").text
    assert client.get("/console/contacts/999999").status_code == 404


@pytest.fixture
def signed_in(client: TestClient, session: Session) -> Callable[[str], Any]:
    """Sign in through the login form: the pages then ride on the session cookie."""

    def sign_in(name: str = "Avery") -> Any:
        user, _ = agent(session, name)
        answer = client.post("/login", data={"email": user.email, "password": "s3cret-pass"},
                             follow_redirects=False)  # fmt: skip
        assert answer.status_code == 303
        client.headers["Origin"] = "http://testserver"  # what the app's own pages send
        return user

    return sign_in


def test_an_agent_works_a_conversation_from_the_pages(
    client: TestClient, session: Session, signed_in: Callable[[str], Any]
) -> None:
    found = chats(session)
    assert client.get("/console", follow_redirects=False).headers["location"] == "/login"
    user = signed_in("Avery")
    inbox = client.get("/console", params={"view": "waiting"})
    assert inbox.status_code == 200 and "Robin · Riverbend Law" in inbox.text
    assert "Your export is broken" not in inbox.text  # the list shows the last message
    waiting = found["waiting"].id
    here = f"/console/conversations/{waiting}"
    page = client.get(here)
    assert page.status_code == 200
    assert "negative -0.81" in page.text and "grounded 92%" in page.text
    client.get(here, headers={"Journey-Refresh": "1"})  # the page refreshing itself
    reads = session.scalars(select(AuditLog.actor).where(
        AuditLog.action == "conversation.read", AuditLog.target_id == waiting)).all()  # fmt: skip
    assert reads == [user.email]  # one read by a person, not one per refresh
    assert 'href="https://help.test/x"' in page.text and "Take over" in page.text

    sent = client.post(f"{here}/reply", data={"text": "Hi Robin, Avery here."},
                       follow_redirects=False)  # fmt: skip
    assert (sent.status_code, sent.headers["location"]) == (303, here)
    session.expire_all()
    conversation = session.get(Conversation, waiting)
    assert conversation is not None
    assert (conversation.status, conversation.assigned_agent_id) == ("human", user.id)
    assert "Hand back to the assistant" in client.get(here).text

    empty = client.post(f"{here}/reply", data={"text": "   "}, follow_redirects=False)
    assert "error=text" in empty.headers["location"]  # said on the page, nothing stored
    assert "the message is empty" in client.get(empty.headers["location"]).text

    flag = session.scalars(select(Flag).where(Flag.conversation_id == waiting)).one()
    noted = client.post(f"/console/flags/{flag.id}/note",
                        data={"back": here, "text": "Export fix is in the next release"},
                        follow_redirects=False)  # fmt: skip
    assert noted.status_code == 303
    solved = {"back": here, "outcome": "solved"}
    resolved = client.post(f"/console/flags/{flag.id}/resolve", data=solved,
                           follow_redirects=False)  # fmt: skip
    assert resolved.headers["location"] == here
    session.refresh(flag)
    assert (flag.status, flag.outcome) == ("resolved", "solved")
    elsewhere = client.post(f"/console/flags/{flag.id}/note",
                            data={"back": "https://evil.example/", "text": "x"})  # fmt: skip
    assert elsewhere.status_code == 422  # never sent off the console

    bot = session.scalars(select(Message).where(Message.conversation_id == waiting,
                                                Message.role == "bot")).one()  # fmt: skip
    fix = {"back": here, "answer": "Exports: Reports → Export → CSV."}
    corrected = client.post(f"/console/messages/{bot.id}/correct", data=fix,
                            follow_redirects=False)  # fmt: skip
    assert corrected.headers["location"] == here
    reviewed = session.scalars(select(ReviewedAnswer)).one()
    assert (reviewed.question, reviewed.corrects_message_id) == (
        "Your export is broken again, this is useless", bot.id)  # fmt: skip

    assert client.post(f"{here}/hand-back", follow_redirects=False).status_code == 303
    assert client.post(f"{here}/close", follow_redirects=False).status_code == 303
    session.expire_all()
    assert session.get(Conversation, waiting).status == "closed"  # type: ignore[union-attr]
    audited = session.scalars(select(AuditLog.action).where(
        AuditLog.actor == user.email).order_by(AuditLog.id)).all()  # fmt: skip
    assert "answer.reviewed" in audited
    changes = [a for a in audited if a.startswith("conversation.") and a != "conversation.read"]
    assert changes == [
        "conversation.taken_over", "conversation.replied", "conversation.handed_back",
        "conversation.closed",
    ]  # fmt: skip
    assert {"flag.claimed", "flag.noted", "flag.resolved"} <= set(audited)


def test_the_console_stream_pulses_with_what_changed(client: TestClient, session: Session) -> None:
    chats(session)
    _, token = agent(session)
    with client.stream("GET", "/console/stream",
                       headers={"Authorization": f"Bearer {token}"}) as stream:  # fmt: skip
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        event = next(line for line in lines if line.startswith("event:"))
        data = json.loads(next(lines).removeprefix("data: "))
    assert event == "event: pulse"
    assert (data["waiting_for_human"], data["bot"], data["flags_open"]) == (1, 1, 1)
    assert client.get("/console/stream").status_code == 401


def test_the_review_queue_page_filters_and_claims(
    client: TestClient, session: Session, signed_in: Callable[[str], Any]
) -> None:
    chats(session)
    session.add(Flag(evidence_key="other", reasons=["churn_intent"], severity=90, evidence=[],
                     stage="retention", touchpoint="email",
                     created_at=utcnow() - timedelta(days=3, hours=2)))  # fmt: skip
    session.commit()
    signed_in("Avery")

    def listed(**params: Any) -> str:
        page = client.get("/console/queue", params=params)
        assert page.status_code == 200
        return page.text.split('id="flags"')[1]  # the list, not the filters' options

    everything = listed()
    assert "churn intent" in everything and "handoff customer request" in everything
    assert everything.index("churn intent") < everything.index("handoff customer")  # severity
    assert "waiting 3 days" in everything  # in words, not in hours
    churn = listed(reason="churn_intent")
    assert "churn intent" in churn and "handoff customer request" not in churn
    assert "1 to review" in client.get("/console/queue", params={"min_severity": 80}).text
    # The form's "any" severity is sent empty, as every filter left alone is.
    form = {"reason": "", "stage": "", "touchpoint": "", "min_severity": "", "owner": ""}
    assert "churn intent" in client.get("/console/queue", params=form).text
    assert client.get("/console/queue", params={"min_severity": 101}).status_code == 422
    assert "0 to review" in client.get("/console/queue", params={"owner": "me"}).text
    flag = session.scalars(select(Flag).where(Flag.evidence_key == "other")).one()
    claimed = client.post(f"/console/flags/{flag.id}/claim", data={"back": "/console/queue"},
                          follow_redirects=False)  # fmt: skip
    assert claimed.headers["location"] == "/console/queue"
    assert "1 to review" in client.get("/console/queue", params={"owner": "me"}).text
    assert client.get("/console/queue", params={"owner": "x"}).status_code == 422
