"""A person's data: consent recorded as given, never assumed; everything stored about a contact
exported for their right of access (API and CLI), and nothing of anybody else's."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from builders import Items
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from journey.models import AuditLog, Contact, Flag, NextStepSuggestion, TextAnalysis


def test_consent_is_recorded_as_given_not_assumed(
    client: TestClient, session: Session, staff_token: Callable[[str], str]
) -> None:
    headers = {"Authorization": f"Bearer {staff_token('agent')}"}
    asked = client.post("/identify", json={"visitor_id": "v-1", "email": "noor@acme.io"},
                        headers=headers).json()  # fmt: skip
    assert (asked["consent_analytics"], asked["consent_marketing"]) == (False, False)
    given = {"visitor_id": "v-1", "email": "noor@acme.io", "consent_analytics": True}
    agreed = client.post("/identify", json=given, headers=headers).json()
    assert (agreed["consent_analytics"], agreed["consent_marketing"]) == (True, False)
    contact = session.get(Contact, agreed["id"])
    assert contact is not None and contact.consent_updated_at is not None
    said = session.scalars(select(AuditLog.details).where(AuditLog.action == "contact.consent"))
    assert list(said) == [{"consent_analytics": True}]


def test_everything_about_a_contact_and_nothing_else(
    client: TestClient, session: Session, staff_token: Callable[[str], str], tmp_path: Path
) -> None:
    items = Items(session)
    firm = items.account("Riverbend")
    robin, other = items.contact(firm, "Robin"), items.contact(firm, "Sasha")
    for who in (robin, other):
        items.ticket(who, f"Export broken for {who.name}", "It fails every time.")
        items.review(who, 2, f"Slow support, says {who.name}")
        items.survey(who, "nps", 3, f"{who.name} is unhappy")
        items.chat(who, [("visitor", f"I am {who.name} and I want a refund"), ("bot", "Sorry.")])
    ticket = items.ticket(robin, "SSO fails", "SAML error")
    session.add(TextAnalysis(item_type="ticket", item_id=str(ticket.id), content_hash="h",
                             label="negative", score=-0.7, confidence=0.9, model="t"))  # fmt: skip
    session.add(Flag(evidence_key="robin", reasons=["churn_intent"], severity=90,
                     evidence=[{"quote": "refund"}], contact_id=robin.id))  # fmt: skip
    session.add(NextStepSuggestion(contact_id=robin.id, action="recovery_outreach", reason="NPS 3"))
    session.commit()
    admin = {"Authorization": f"Bearer {staff_token('admin')}"}

    exported = client.get(f"/admin/contacts/{robin.email}/export", headers=admin)
    assert exported.status_code == 200, exported.text
    data = exported.json()
    assert data["contact"]["email"] == robin.email and data["account"]["name"] == "Riverbend"
    assert [t["subject"] for t in data["tickets"]] == ["Export broken for Robin", "SSO fails"]
    assert [r["body"] for r in data["reviews"]] == ["Slow support, says Robin"]
    assert [a["comment"] for a in data["survey_answers"]] == ["Robin is unhappy"]
    assert [m["text"] for c in data["conversations"] for m in c["messages"]] == [
        "I am Robin and I want a refund", "Sorry."]  # fmt: skip
    assert [a["item_id"] for a in data["text_analyses"]] == [str(ticket.id)]
    assert [f["reasons"] for f in data["moments_of_truth"]] == [["churn_intent"]]
    assert [s["action"] for s in data["next_steps"]] == ["recovery_outreach"]
    assert len(data["journey_events"]) >= 4  # the ticket, review, answer and chat each logged
    assert "Sasha" not in json.dumps(data)  # nobody else's
    assert client.get("/admin/contacts/nobody@x.test/export", headers=admin).status_code == 404
    agent = {"Authorization": f"Bearer {staff_token('agent')}"}
    assert client.get(f"/admin/contacts/{robin.id}/export", headers=agent).status_code == 403
    exported_by = session.scalars(select(AuditLog.actor).where(
        AuditLog.action == "contact.exported")).all()  # fmt: skip
    assert len(exported_by) == 1 and exported_by[0].startswith("admin-")
    # Staff reads of personal data are audited too, and the audit log can be taken out.
    assert client.get(f"/contacts/{robin.id}/timeline", headers=agent).status_code == 200
    log = client.get("/admin/audit", params={"action": "contact."}, headers=admin).json()
    assert [(e["action"], e["actor"][:6]) for e in log] == [
        ("contact.exported", "admin-"), ("contact.read", "agent-")]  # fmt: skip
    assert client.get("/admin/audit", headers=agent).status_code == 403


def test_erasure_leaves_nothing_of_the_person_anywhere(
    client: TestClient, session: Session, staff_token: Callable[[str], str]
) -> None:
    from journey.db import Base
    from journey.models import Conversation, ReviewedAnswer, WebhookDelivery
    from journey.webhooks import emit, subscribe

    items = Items(session)
    firm = items.account("Riverbend")
    robin, sasha = items.contact(firm, "Robinia"), items.contact(firm, "Sasha")
    for who in (robin, sasha):
        items.ticket(who, f"Export broken for {who.name}", f"Write to {who.email}")
        items.review(who, 2, f"Slow support, says {who.name}")
        items.survey(who, "nps", 3, f"{who.name} is unhappy")
        chat = items.chat(who, [("visitor", f"I am {who.name}, {who.email}"), ("bot", "Sorry.")])
        session.add(Flag(evidence_key=f"k-{who.id}", reasons=["churn_intent"], severity=90,
                         evidence=[{"quote": who.name}], contact_id=who.id,
                         conversation_id=chat.id))  # fmt: skip
        session.add(NextStepSuggestion(contact_id=who.id, action="recovery_outreach", reason="x"))
        session.add(ReviewedAnswer(question=f"{who.name} asks", answer="a", embedding=[0.0],
                                   conversation_id=chat.id))  # fmt: skip
    subscribe(session, "https://crm.example.test/hooks", ["lead.qualified"])
    emit(session, "lead.qualified", {"contact_id": robin.id, "email": robin.email})
    session.commit()
    robin_id, email, name = robin.id, robin.email or "", robin.name or ""
    admin = {"Authorization": f"Bearer {staff_token('admin')}"}
    erased = client.delete(f"/admin/contacts/{email}", headers=admin)
    assert erased.status_code == 200, erased.text
    assert erased.json()["tickets"] == 1 and erased.json()["webhook_deliveries"] == 1

    session.expire_all()
    # Every table, every row: neither the email, nor the name, nor the id as a contact.
    for table in Base.metadata.sorted_tables:
        for row in session.execute(table.select()).mappings():
            said = " ".join(str(v) for v in row.values())
            assert email not in said and name not in said, (table.name, dict(row))
            assert row.get("contact_id") != robin_id, (table.name, dict(row))
    assert session.get(Contact, sasha.id) is not None  # nobody else's
    assert session.scalar(select(Conversation.id).where(Conversation.contact_id == sasha.id))
    assert session.scalar(select(WebhookDelivery.id)) is None
    said = session.scalars(select(AuditLog.details).where(AuditLog.action == "contact.erased"))
    assert [d["erased"]["contacts"] for d in said] == [1]
    assert client.delete(f"/admin/contacts/{email}", headers=admin).status_code == 404


def test_conversations_quiet_past_the_retention_period_are_deleted(session: Session) -> None:
    from datetime import timedelta

    from journey.db import utcnow
    from journey.models import Conversation, Message
    from journey.privacy import forget_old_conversations

    items = Items(session)
    now = utcnow()
    old = items.chat(None, [("visitor", "an old question")], at=now - timedelta(days=400))
    fresh = items.chat(None, [("visitor", "a new one")], at=now - timedelta(days=10))
    revived = items.chat(None, [("visitor", "long ago")], at=now - timedelta(days=400))
    session.add(Message(conversation_id=revived.id, role="visitor", text="and today",
                        created_at=now - timedelta(days=1)))  # fmt: skip
    said = session.scalars(select(Message.id).where(Message.conversation_id == old.id)).one()
    session.add(TextAnalysis(item_type="message", item_id=str(said), content_hash="h",
                             label="neutral", score=0.0, confidence=0.9, model="t"))  # fmt: skip
    session.flush()
    assert forget_old_conversations(session, days=365, now=now) == 1
    left = set(session.scalars(select(Conversation.id)))
    assert left == {fresh.id, revived.id}  # the last message counts, not the first
    assert session.scalar(select(TextAnalysis.id).where(TextAnalysis.item_id == str(said))) is None
    assert forget_old_conversations(session, days=365, now=now) == 0


def test_with_redaction_on_a_visitors_personal_data_is_never_stored(client: TestClient) -> None:
    from journey.settings import PrivacySettings

    settings = client.app.state.container.settings  # type: ignore[attr-defined]
    settings.privacy = PrivacySettings(redact_stored=True, redact_patterns=[r"CUST-\d+"])
    conversation = client.post("/chat/conversations", json={}).json()["id"]
    said = "I'm kim@acme.io, customer CUST-4711, card 4111 1111 1111 1111"
    assert client.post(f"/chat/conversations/{conversation}/messages",
                       json={"text": said}).status_code == 200  # fmt: skip
    stored = client.get(f"/chat/conversations/{conversation}").json()["messages"][0]["text"]
    assert stored == "I'm [email], customer [redacted], card [card]"
