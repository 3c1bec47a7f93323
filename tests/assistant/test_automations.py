"""Automated journeys: rules start on an event, on days of inactivity or before a renewal; they
run once per contact and triggering fact however often they are run; a dry run does nothing;
e-mails go to a real SMTP server the test starts, only with consent when they are marketing."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.next_steps.automations import Automations, due, run
from assistant.next_steps.catalogue import CatalogueError, load_catalogue
from journey.models import Account, Contact, JourneyEvent, NextStepSuggestion, WebhookDelivery
from journey.settings import SmtpSettings
from journey.vocabulary import Vocabulary
from journey.webhooks import subscribe

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)


class Mailbox:
    """A local SMTP server keeping what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        box = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                box.messages.append(envelope)
                return "250 OK"

        with socket.socket() as probe:  # a free port: the controller checks it by connecting
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    yield box
    box.controller.stop()


def world(session: Session) -> dict[str, Contact]:
    """A customer who signed two days ago (and agreed to marketing), one quiet for 31 days, one
    renewing in 60 days, one who just answered NPS 3."""
    firm = Account(name="Acme", segment="smb", renewal_date=date(2027, 1, 14))
    people = {key: Contact(email=f"{key}@example.test", name=key.title(), account=firm,
                           consent_marketing=key != "quiet")
              for key in ("signed", "quiet", "detractor")}  # fmt: skip
    session.add_all([firm, *people.values()])
    session.flush()
    n = iter(range(100))

    def event(who: str, event_type: str, when: datetime, **properties: Any) -> None:
        session.add(JourneyEvent(idempotency_key=f"a{next(n)}", type=event_type, occurred_at=when,
                                 contact_id=people[who].id, account_id=firm.id,
                                 properties=properties))  # fmt: skip

    event("signed", "contract_signed", NOW - timedelta(days=2))
    event("quiet", "login", NOW - timedelta(days=31))
    event("detractor", "survey_answered", NOW - timedelta(hours=3), kind="nps", score=3)
    event("detractor", "survey_answered", NOW - timedelta(hours=2), kind="nps", score=9)
    session.flush()
    return people


def automations() -> Automations:
    return load_catalogue(None, Vocabulary()).automations


def test_each_default_rule_finds_its_contacts_and_a_dry_run_does_nothing(session: Session) -> None:
    people = world(session)
    found = due(session, automations(), NOW)
    reached = sorted((d.rule.key, d.contact.email) for d in found)
    renewing = [("renewal_reminder", c.email) for c in people.values()]
    assert reached == sorted([
        ("onboarding_series", "signed@example.test"),  # a day's wait after signing: due
        ("re_engagement", "quiet@example.test"),
        ("recovery_after_detractor", "detractor@example.test"),  # the 3, not the 9
        *renewing,  # every contact of the account renewing on 14 January
    ])  # fmt: skip
    ran = session.scalar(select(func.count()).where(JourneyEvent.type == "automation_ran"))
    assert ran == 0


def test_rules_run_once_per_contact_and_fact(session: Session, mailbox: Mailbox) -> None:
    people = world(session)
    subscribe(session, "https://crm.example.test/hooks", ["automation.ran"])
    smtp = SmtpSettings(host="127.0.0.1", port=mailbox.port, sender="cx@brightloop.test")
    first = run(session, Vocabulary(), automations(), smtp, NOW)
    assert (len(first.done), first.failed) == (6, [])
    assert run(session, Vocabulary(), automations(), smtp, NOW + timedelta(minutes=5)).done == []
    steps = sorted((s.action, s.contact_id) for s in session.scalars(select(NextStepSuggestion)))
    assert ("onboarding_call", people["signed"].id) in steps
    assert ("recovery_outreach", people["detractor"].id) in steps
    assert sum(a == "renewal_checkin" for a, _ in steps) == 3
    # the welcome (not marketing) went out; the quiet contact gave no consent to marketing
    assert [m.rcpt_tos for m in mailbox.messages] == [["signed@example.test"]]
    assert b"Welcome aboard, Signed" in mailbox.messages[0].content
    told = session.scalar(
        select(func.count()).where(WebhookDelivery.event_type == "automation.ran")
    )
    assert told == 4  # three renewal reminders and the recovery outreach
    runs = session.scalar(select(func.count()).where(JourneyEvent.type == "automation_ran"))
    assert runs == 6


def test_an_email_the_server_refuses_is_retried_without_holding_up_the_other_rules(
    session: Session, mailbox: Mailbox
) -> None:
    people = world(session)
    with socket.socket() as probe:  # a port nothing listens on: the server is down
        probe.bind(("127.0.0.1", 0))
        down = SmtpSettings(host="127.0.0.1", port=probe.getsockname()[1])
    ran = run(session, Vocabulary(), automations(), down, NOW)
    assert [(d.rule.key, d.contact.email) for d, _ in ran.failed] == [
        ("onboarding_series", "signed@example.test")
    ]
    assert "e-mail not sent (ConnectionRefusedError" in ran.failed[0][1]
    assert len(ran.done) == 5  # the others ran
    steps = session.scalars(select(NextStepSuggestion.action).where(
        NextStepSuggestion.contact_id == people["signed"].id)).all()  # fmt: skip
    assert "onboarding_call" not in steps  # the failed run's step was undone with it
    up = SmtpSettings(host="127.0.0.1", port=mailbox.port, sender="cx@brightloop.test")
    again = run(session, Vocabulary(), automations(), up, NOW + timedelta(minutes=5))
    assert [(d.rule.key, d.contact.email) for d in again.done] == [
        ("onboarding_series", "signed@example.test")
    ]
    assert [m.rcpt_tos for m in mailbox.messages] == [["signed@example.test"]]


def test_without_an_email_server_rules_run_and_say_what_was_not_sent(session: Session) -> None:
    world(session)
    ran = run(session, Vocabulary(), automations(), SmtpSettings(), NOW)
    assert (len(ran.done), ran.failed) == (6, [])
    notes = {e.properties["rule"]: e.properties["notes"] for e in session.scalars(
        select(JourneyEvent).where(JourneyEvent.type == "automation_ran"))}  # fmt: skip
    assert notes["onboarding_series"] == [
        "e-mail onboarding_welcome not sent: no e-mail server ([smtp] host in journey.toml)"
    ]
    assert notes["re_engagement"] == ["e-mail we_miss_you not sent: no consent to marketing"]
    assert notes["renewal_reminder"] == []


def test_a_rule_naming_an_unknown_step_or_template_is_refused(tmp_path: Any) -> None:
    path = tmp_path / "actions.yaml"
    rule = "automations:\n  rules:\n    - {key: r, title: R, trigger: {inactive_days: 3}, "
    base = "actions:\n  - {key: x, title: X, channel: chat, value: 1}\n" + rule
    path.write_text(base + "actions: [{step: nothing}]}\n", "utf-8")
    with pytest.raises(CatalogueError, match="unknown step 'nothing'"):
        load_catalogue(path, Vocabulary())
    path.write_text(base + "actions: [{email: hello}]}\n", "utf-8")
    with pytest.raises(CatalogueError, match="no e-mail template 'hello'"):
        load_catalogue(path, Vocabulary())


def test_a_rule_adjusts_the_lead_score_and_tells_of_the_steps_it_suggests(
    session: Session,
) -> None:
    from assistant.next_steps.automations import Rule, Step, Trigger
    from assistant.next_steps.catalogue import LeadScoring
    from assistant.next_steps.lead_score import scores

    people = world(session)
    subscribe(session, "https://crm.example.test/hooks", ["next_step.suggested"])
    rules = Automations(rules=[Rule(
        key="warm", title="Warm after signing", trigger=Trigger(event="contract_signed"),
        actions=[Step(lead_score=25), Step(step="onboarding_call")],
    )])  # fmt: skip
    assert [d.rule.key for d in due(session, rules, NOW)] == ["warm"]
    run(session, Vocabulary(), rules, SmtpSettings(), NOW)
    run(session, Vocabulary(), rules, SmtpSettings(), NOW)  # once
    signed = people["signed"]
    score = scores(session, LeadScoring(), [signed], NOW.date())[signed.id]
    assert (score.adjusted, score.total) == (25, 25) and "adjusted by rules +25" in score.reasons
    told = session.scalars(select(WebhookDelivery)).all()
    assert [(d.event_type, d.payload["data"]["action"]) for d in told] == [
        ("next_step.suggested", "onboarding_call")
    ]


def test_no_first_value_a_month_after_signing_puts_a_task_in_the_queue_unless_it_came(
    session: Session,
) -> None:
    from journey.models import Flag

    signed = NOW - timedelta(days=30, hours=2)
    stuck, started = Account(name="Stuck"), Account(name="Started")
    buyers = [Contact(email=f"buyer@{a.name.lower()}.test", account=a) for a in (stuck, started)]
    session.add_all([stuck, started, *buyers])
    session.flush()
    for n, buyer in enumerate(buyers):
        session.add(JourneyEvent(idempotency_key=f"s{n}", type="contract_signed",
                                 occurred_at=signed, contact_id=buyer.id,
                                 account_id=buyer.account_id))  # fmt: skip
    # first value reached by someone else at the second account: the rule is called off there
    session.add(
        JourneyEvent(
            idempotency_key="fv",
            type="first_value_reached",
            occurred_at=signed + timedelta(days=9),
            account_id=started.id,
        )
    )
    session.flush()
    rules = automations()
    assert [d.contact.email for d in due(session, rules, NOW, only="no_first_value")] == [
        "buyer@stuck.test"
    ]
    assert due(session, rules, NOW - timedelta(days=1), only="no_first_value") == []  # waiting
    for _ in range(2):
        run(session, Vocabulary(), rules, SmtpSettings(), NOW)
    tasks = session.scalars(select(Flag).where(Flag.contact_id == buyers[0].id)).all()
    assert [(f.reasons, f.severity, f.status) for f in tasks] == [(["automation_task"], 60, "open")]
    assert "no first value" in (tasks[0].suggested_step or "")
    assert tasks[0].evidence[0]["rule"] == "no_first_value"


def test_admins_read_the_rules_and_who_they_would_reach(
    client: Any, session: Session, staff_token: Any
) -> None:
    world(session)
    admin = {"Authorization": f"Bearer {staff_token('admin')}"}
    listed = client.get("/admin/automations", headers=admin)
    assert listed.status_code == 200, listed.text
    assert [r["key"] for r in listed.json()] == [
        "onboarding_series", "no_first_value", "re_engagement", "renewal_reminder",
        "recovery_after_detractor",
    ]  # fmt: skip
    reached = client.get("/admin/automations/re_engagement/dry-run",
                         params={"as_of": NOW.date().isoformat()}, headers=admin)  # fmt: skip
    assert reached.status_code == 200, reached.text
    assert [(r["email"], r["actions"]) for r in reached.json()] == [
        ("quiet@example.test", ["e-mail we_miss_you"])
    ]
    assert client.get("/admin/automations/nothing/dry-run", headers=admin).status_code == 404
    agent = {"Authorization": f"Bearer {staff_token('agent')}"}
    assert client.get("/admin/automations", headers=agent).status_code == 403


def test_admins_change_pause_add_and_remove_rules_over_the_configured_ones(
    client: Any, session: Session, staff_token: Any
) -> None:
    from journey.models import AuditLog

    world(session)
    admin = {"Authorization": f"Bearer {staff_token('admin')}"}

    def reached(rule: str) -> list[str]:
        answer = client.get(f"/admin/automations/{rule}/dry-run",
                            params={"as_of": NOW.date().isoformat()}, headers=admin)  # fmt: skip
        assert answer.status_code == 200, answer.text
        return [r["email"] for r in answer.json()]

    def listed() -> dict[str, tuple[str, bool]]:
        rules = client.get("/admin/automations", headers=admin).json()
        return {r["key"]: (r["source"], r["enabled"]) for r in rules}

    assert reached("re_engagement") == ["quiet@example.test"]
    paused = client.patch("/admin/automations/re_engagement", json={"enabled": False},
                          headers=admin)  # fmt: skip
    assert paused.status_code == 200, paused.text
    assert listed()["re_engagement"] == ("changed", False)
    assert reached("re_engagement") == []
    assert not [d for d in due(session, _in_force(session), NOW) if d.rule.key == "re_engagement"]
    # a rule of their own: a task for the agents when a detractor answers
    mine = {"key": "detractor_call", "title": "Call detractors",
            "trigger": {"event": "survey_answered", "where": {"kind": "nps"},
                        "at_most": {"score": 6}},
            "actions": [{"task": "Call them today", "severity": 80}]}  # fmt: skip
    added = client.put("/admin/automations/detractor_call", json=mine, headers=admin)
    assert added.status_code == 200, added.text
    assert added.json()["source"] == "added"
    assert reached("detractor_call") == ["detractor@example.test"]
    # refused with the field at fault, nothing stored
    bad = {**mine, "actions": [{"step": "nothing"}]}
    refused = client.put("/admin/automations/detractor_call", json=bad, headers=admin)
    assert refused.status_code == 422 and "unknown step 'nothing'" in refused.json()["detail"]
    other = client.put("/admin/automations/another", json=mine, headers=admin)
    assert other.status_code == 422 and other.json()["error"] == "invalid_input"
    unknown = {**mine, "trigger": {"event": "no_such_event"}}
    assert client.put("/admin/automations/detractor_call", json=unknown,
                      headers=admin).status_code == 422  # fmt: skip
    assert reached("detractor_call") == ["detractor@example.test"]
    # removing: the admin's version goes, the configured rule is back; their own rule is gone
    back = client.delete("/admin/automations/re_engagement", headers=admin)
    assert back.status_code == 200 and back.json()["now"]["source"] == "configured"
    assert reached("re_engagement") == ["quiet@example.test"]
    gone = client.delete("/admin/automations/detractor_call", headers=admin)
    assert gone.status_code == 200 and gone.json()["now"] is None
    assert "detractor_call" not in listed()
    configured = client.delete("/admin/automations/renewal_reminder", headers=admin)
    assert configured.status_code == 422 and "pause it" in configured.json()["detail"]
    audited = session.scalars(select(AuditLog.action).where(
        AuditLog.target_type == "automation_rule")).all()  # fmt: skip
    assert sorted(audited) == ["automation_rule.removed"] * 2 + ["automation_rule.saved"] * 2
    agent = {"Authorization": f"Bearer {staff_token('agent')}"}
    assert client.put("/admin/automations/x", json=mine, headers=agent).status_code == 403


def _in_force(session: Session) -> Automations:
    from assistant.next_steps.rules import automations_in_force

    catalogue = load_catalogue(None, Vocabulary())
    return automations_in_force(session, catalogue, Vocabulary())
