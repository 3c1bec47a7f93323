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
