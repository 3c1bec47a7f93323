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
