"""Next best steps: the default catalogue's actions fit the contacts whose signals call for
them, as of a date; the ranking learns from recorded outcomes with a prior; a step acted on
waits out its cool-down; a catalogue that does not validate names the key at fault. Over HTTP
and the CLI too."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from builders import NEXT_STEPS_AS_OF, next_steps_world
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from assistant.next_steps.catalogue import CatalogueError, load_catalogue
from assistant.next_steps.service import PRIOR_RATE, PRIOR_WEIGHT, NextStepsService
from journey.db import utcnow
from journey.vocabulary import Vocabulary

ACTIONS = [
    ("book_demo", "3 × page view of pricing or compare pages in 14 days"),
    ("start_trial", "3 × page view or content downloaded or webinar attended in 30 days"),
    ("sales_handover", "chat handed over (sales opportunity) on 01 Nov 2026"),
    ("sso_setup_help", "1 ticket about sso or saml in 30 days"),
    ("onboarding_call", "no first value reached 75 days after contract signed"),
    ("renewal_checkin", "use down 85%: 2 in the last 30 days, 13 in the 30 before"),
    ("recovery_outreach", "NPS 3 (detractor) on 01 Oct 2026"),
    ("ask_review_or_referral", "NPS 10 (promoter) on 01 Sep 2026"),
]


def service(session: Session) -> NextStepsService:
    vocabulary = Vocabulary()
    return NextStepsService(session, vocabulary, load_catalogue(None, vocabulary))


@pytest.mark.parametrize(("action", "why"), ACTIONS)
def test_each_default_action_fits_the_contact_whose_signals_call_for_it(
    session: Session, action: str, why: str
) -> None:
    people = next_steps_world(session)
    steps = service(session).for_contact(people[action], NEXT_STEPS_AS_OF).steps
    assert steps and steps[0].action == action, steps
    assert why in steps[0].reason and steps[0].reason.endswith("SMB")
    # the prospect reading pricing pages may also be offered a trial, after the demo
    assert {s.action for s in steps} <= {action, "start_trial"}


def test_a_colleague_stands_where_the_account_stands(session: Session) -> None:
    """A B2B journey is the account's: the colleague who only came to the demo is in
    onboarding once the buyer signed, and is offered the onboarding call too."""
    from datetime import UTC, datetime

    from journey.models import Contact, JourneyEvent

    buyer = next_steps_world(session)["onboarding_call"]
    colleague = Contact(email="colleague@example.test", stage="decision", account=buyer.account)
    session.add(colleague)
    session.flush()
    session.add(JourneyEvent(idempotency_key="colleague-demo", type="demo_attended",
                             occurred_at=datetime(2026, 8, 20, tzinfo=UTC), stage="decision",
                             contact_id=colleague.id, account_id=buyer.account_id))  # fmt: skip
    session.flush()
    steps = service(session).for_contact(colleague, NEXT_STEPS_AS_OF).steps
    assert [s.action for s in steps] == ["onboarding_call"]
    assert steps[0].reason == service(session).for_contact(buyer, NEXT_STEPS_AS_OF).steps[0].reason


def test_sales_get_the_lead_that_qualified_not_each_colleague(session: Session) -> None:
    from datetime import UTC, datetime

    from journey.models import Account, Contact, JourneyEvent

    firm = Account(name="Keen firm", segment="smb", stage="decision", status="prospect")
    lead, colleague = (Contact(email=f"{who}@keen.test", stage="decision", account=firm)
                       for who in ("lead", "colleague"))  # fmt: skip
    session.add_all([firm, lead, colleague])
    session.flush()
    for n, (who, kind) in enumerate([(colleague, "demo_attended"), (lead, "lead_qualified")]):
        session.add(JourneyEvent(idempotency_key=f"keen{n}", type=kind, stage="decision",
                                 occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
                                 contact_id=who.id, account_id=firm.id))  # fmt: skip
    session.flush()
    offered = {who.email: [s.action for s in service(session).for_contact(who,
               NEXT_STEPS_AS_OF).steps] for who in (lead, colleague)}  # fmt: skip
    assert "sales_handover" in offered["lead@keen.test"], offered
    assert "sales_handover" not in offered["colleague@keen.test"], offered


def test_only_what_was_known_on_the_as_of_date_counts(session: Session) -> None:
    demo = next_steps_world(session)["book_demo"]
    steps = service(session)

    def offered(day: date) -> list[str]:
        return [s.action for s in steps.for_contact(demo, day).steps]

    assert offered(NEXT_STEPS_AS_OF)[0] == "book_demo"
    # the demo booked on 20 November makes the offer moot from then on
    assert "book_demo" not in offered(date(2026, 11, 21))
    # and before the second pricing visit there was only one
    assert offered(date(2026, 11, 6)) == []


def test_outcomes_feed_the_propensity_from_the_prior(session: Session) -> None:
    people = next_steps_world(session)
    steps = service(session)
    action = steps.catalogue.get("recovery_outreach")
    assert action is not None
    prior = steps.propensity(action, "adoption", "smb", NEXT_STEPS_AS_OF)
    assert prior == pytest.approx(PRIOR_RATE)
    someone = people["recovery_outreach"]
    before = utcnow() - timedelta(days=400)
    for n, outcome in enumerate(["shown", "accepted", "shown", "accepted", "shown", "dismissed"]):
        steps.record(someone, "recovery_outreach", outcome, before + timedelta(minutes=n))
    learnt = steps.propensity(action, "adoption", "smb", NEXT_STEPS_AS_OF)
    assert learnt == pytest.approx((2 + PRIOR_RATE * PRIOR_WEIGHT) / (3 + PRIOR_WEIGHT))
    # another segment learnt nothing
    assert steps.propensity(action, "adoption", "enterprise", NEXT_STEPS_AS_OF) == prior
    # outcomes recorded after the as-of date are not known then
    assert steps.propensity(action, "adoption", "smb", before.date() - timedelta(days=1)) == prior
    # the same outcome sent twice (a retry) counts once
    steps.record(someone, "recovery_outreach", "accepted", before + timedelta(minutes=1))
    assert steps.propensity(action, "adoption", "smb", NEXT_STEPS_AS_OF) == learnt


def test_a_step_acted_on_waits_out_its_cool_down(session: Session) -> None:
    from builders import _at

    someone = next_steps_world(session)["recovery_outreach"]
    steps = service(session)
    steps.record(someone, "recovery_outreach", "dismissed", _at("2026-11-10"))
    assert steps.for_contact(someone, NEXT_STEPS_AS_OF).steps == []
    # the cool-down is 30 days; the detractor's answer of 1 October is still recent then
    again = steps.for_contact(someone, date(2026, 12, 11)).steps
    assert [s.action for s in again] == ["recovery_outreach"]


def test_the_ranking_puts_the_step_taken_up_more_often_first(session: Session) -> None:
    from builders import _at

    from journey.models import SurveyResponse

    someone = next_steps_world(session)["renewal_checkin"]
    # the renewing account's contact has just become a detractor too: two steps of equal value
    session.add(SurveyResponse(source="s", external_id="late", kind="nps", score=2,
                               answered_at=_at("2026-11-01"), contact_id=someone.id,
                               account_id=someone.account_id))  # fmt: skip
    session.flush()
    steps = service(session)
    tied = steps.for_contact(someone, NEXT_STEPS_AS_OF).steps
    assert {s.action for s in tied} == {"recovery_outreach", "renewal_checkin"}
    assert tied[0].score == tied[1].score
    # a year earlier, in the same stage and segment, check-ins were taken up and outreach not
    for n in range(4):
        for action, outcome in (
            ("renewal_checkin", "accepted"),
            ("recovery_outreach", "dismissed"),
        ):
            steps.record(someone, action, "shown", _at("2025-06-01", 9 + n))
            steps.record(someone, action, outcome, _at("2025-06-02", 9 + n))
    ranked = steps.for_contact(someone, NEXT_STEPS_AS_OF).steps
    assert [s.action for s in ranked] == ["renewal_checkin", "recovery_outreach"]
    assert ranked[0].score > tied[0].score > ranked[1].score


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("actions: []", "actions: List should have at least 1 item"),
        ("actions:\n  - {key: x, title: X, channel: fax, value: 1}", "actions[0].channel"),
        ("actions:\n  - {key: x, title: X, channel: chat, value: 1, stages: [moon]}",
         "actions[0].stages: unknown stage 'moon'"),
        ("actions:\n  - {key: x, title: X, channel: chat, value: 1,\n"
         "     when: [{signal: events, types: [teleported]}]}",
         "actions[0].when[0]: unknown event type 'teleported'"),
        ("actions:\n  - {key: x, title: X, channel: chat, value: 1,\n"
         "     when: [{signal: nps, within_days: 30}]}", "give one of at_most or at_least"),
        ("actions:\n  - {key: x, title: X, channel: chat, value: 1}\n"
         "  - {key: x, title: Y, channel: chat, value: 1}", "'x' is defined twice"),
        ("actions: [unclosed", "not YAML"),
    ],
)  # fmt: skip
def test_a_catalogue_that_does_not_validate_names_the_key_at_fault(
    tmp_path: Path, text: str, says: str
) -> None:
    path = tmp_path / "actions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=says.replace("[", r"\[").replace("]", r"\]")):
        load_catalogue(path, Vocabulary())
    with pytest.raises(CatalogueError, match="cannot read it"):
        load_catalogue(tmp_path / "missing.yaml", Vocabulary())


def test_agents_get_next_steps_and_record_outcomes_over_http(
    client: TestClient, session: Session, staff_token: Callable[[str], str]
) -> None:
    people = next_steps_world(session)
    agent = {"Authorization": f"Bearer {staff_token('agent')}"}
    someone = people["sso_setup_help"]
    url = f"/contacts/{someone.id}/next-steps"
    got = client.get(url, params={"as_of": NEXT_STEPS_AS_OF.isoformat()}, headers=agent)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["contact_id"] == someone.id and body["as_of"] == "2026-11-15"
    assert [(s["action"], s["channel"]) for s in body["steps"]] == [
        ("sso_setup_help", "agent_task")
    ]
    done = client.post(f"{url}/sso_setup_help/outcome", json={"outcome": "accepted"}, headers=agent)
    assert done.status_code == 201, done.text
    timeline = client.get(f"/contacts/{someone.id}/timeline", headers=agent).json()
    assert timeline["events"][0]["type"] == "next_step_accepted"
    wrong = client.post(f"{url}/sso_setup_help/outcome", json={"outcome": "loved"}, headers=agent)
    assert wrong.status_code == 422 and wrong.json()["error"]
    unknown = client.post(f"{url}/teleport/outcome", json={"outcome": "shown"}, headers=agent)
    assert unknown.status_code == 422 and "unknown action" in unknown.json()["detail"]
    assert client.get("/contacts/999999/next-steps", headers=agent).status_code == 404
    assert client.get(url).status_code == 401


def test_the_cli_gives_next_steps_by_id_or_email_and_for_a_file(env: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from app.cli import app
    from app.container import Container
    from journey.db import transaction

    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    container = Container()
    with transaction(container.sessions) as session:
        ids = {k: c.id for k, c in next_steps_world(session).items()}
    container.close()
    one = runner.invoke(
        app, ["next-steps", "book_demo@example.test", "--as-of", "2026-11-15", "--json"]
    )
    assert one.exit_code == 0, one.output
    assert json.loads(one.output)["steps"][0]["action"] == "book_demo"
    listed = tmp_path / "contacts.txt"
    listed.write_text(
        f"{ids['start_trial']}\n\nbook_demo@example.test,2026-11-21\n", encoding="utf-8"
    )
    many = runner.invoke(app, ["next-steps", "--file", str(listed), "--as-of", "2026-11-15"])
    assert many.exit_code == 0, many.output
    lines = [json.loads(line) for line in many.output.splitlines()]
    assert [line["contact_id"] for line in lines] == [ids["start_trial"], ids["book_demo"]]
    assert [s["action"] for s in lines[0]["steps"]] == ["start_trial"]
    assert "book_demo" not in [s["action"] for s in lines[1]["steps"]]  # the demo was booked
    missing = runner.invoke(app, ["next-steps", "nobody@example.test"])
    assert missing.exit_code != 0 and "no contact 'nobody@example.test'" in missing.output


def test_engagement_halves_every_half_life_and_fit_adds_its_points(session: Session) -> None:
    from assistant.next_steps.catalogue import FitRule, LeadScoring
    from assistant.next_steps.lead_score import scores

    someone = next_steps_world(session)["book_demo"]  # three pricing visits, 10, 6 and 3 days back
    scoring = LeadScoring(
        half_life_days=7,
        engagement={"page_view": 8},
        fit=[FitRule(field="segment", values=["smb"], points=5)],
    )
    got = scores(session, scoring, [someone], NEXT_STEPS_AS_OF)[someone.id]
    # each visit at 09:00; the as-of day ends at midnight: 10.625, 6.625 and 3.625 days back
    expected = sum(8 * 0.5 ** (days / 7) for days in (10.625, 6.625, 3.625))
    assert got.fit == 5 and got.engagement == pytest.approx(expected, abs=0.05)
    # what weighed most comes first (a step's reason shows three)
    assert got.reasons[0].startswith("page view +13") and got.reasons[1] == "segment smb +5"
    # before any visit, only the fit counts
    assert scores(session, scoring, [someone], date(2026, 11, 1))[someone.id].total == 5


def test_a_lead_crossing_the_threshold_is_qualified_once_and_handed_to_sales(
    session: Session,
) -> None:
    from sqlalchemy import func, select

    from assistant.next_steps.catalogue import LeadScoring
    from assistant.next_steps.lead_score import qualify
    from journey.models import JourneyEvent, WebhookDelivery
    from journey.webhooks import subscribe

    someone = next_steps_world(session)["book_demo"]
    subscribe(session, "https://crm.example.test/hooks", ["lead.qualified"])
    scoring = LeadScoring(mql_threshold=10, half_life_days=30, engagement={"page_view": 4})
    vocabulary = Vocabulary()
    assert [s.contact_id for s in qualify(session, vocabulary, scoring, date(2026, 11, 6))] == []
    crossed = qualify(session, vocabulary, scoring, NEXT_STEPS_AS_OF)
    assert [s.contact_id for s in crossed] == [someone.id]
    assert qualify(session, vocabulary, scoring, NEXT_STEPS_AS_OF) == []  # run twice: one event
    qualified = session.scalar(
        select(func.count()).where(JourneyEvent.type == "lead_qualified",
                                   JourneyEvent.contact_id == someone.id)
    )  # fmt: skip
    assert qualified == 1
    told = session.scalars(select(WebhookDelivery)).all()  # queued once, for the CRM
    assert [(d.event_type, d.payload["data"]["contact_id"]) for d in told] == [
        ("lead.qualified", someone.id)
    ]
    steps = service(session).for_contact(someone, NEXT_STEPS_AS_OF).steps
    assert "sales_handover" in [s.action for s in steps]  # the event qualifies it


def test_the_lead_score_signal_reads_the_catalogues_threshold(session: Session) -> None:
    from assistant.next_steps.catalogue import LeadScore, LeadScoring
    from assistant.next_steps.signals import ContactFacts

    someone = next_steps_world(session)["book_demo"]
    scoring = LeadScoring(mql_threshold=10, engagement={"page_view": 4})
    facts = ContactFacts(session, Vocabulary(), someone, NEXT_STEPS_AS_OF, scoring)
    said = facts.evidence(LeadScore(signal="lead_score", mql=True))
    assert said is not None and said.startswith("lead score 1")
    assert facts.evidence(LeadScore(signal="lead_score", at_least=50)) is None


def test_lead_scores_are_measured_against_contracts_signed_after_the_cut_off(
    session: Session,
) -> None:
    from builders import _at

    from assistant.next_steps.catalogue import LeadScoring, LearnedScoring
    from assistant.next_steps.lead_score import evaluate, qualify
    from journey.models import Account, Contact, JourneyEvent

    n = iter(range(10_000))
    keen_now: set[int] = set()
    for cutoff in (date(2026, 2, 1), date(2026, 5, 2)):  # the training cut-off, then the test's
        for i in range(12):
            keen = i % 2 == 0  # a demo a week before the cut-off, and a contract after it
            firm = Account(name=f"lead {cutoff} {i}", segment="smb")
            person = Contact(email=f"lead{cutoff}{i}@example.test", account=firm)
            session.add_all([firm, person])
            session.flush()
            if keen and cutoff.month == 5:
                keen_now.add(person.id)
            seen = cutoff - timedelta(days=7 if keen else 60 + i)
            kinds = [("demo_booked", seen)] if keen else [("page_view", seen)]
            if keen:
                kinds.append(("contract_signed", cutoff + timedelta(days=20)))
            for kind, day in kinds:
                session.add(JourneyEvent(idempotency_key=f"lead{next(n)}", type=kind,
                                         occurred_at=_at(day.isoformat()), contact_id=person.id,
                                         account_id=firm.id))  # fmt: skip
    session.flush()
    scoring = LeadScoring(engagement={"page_view": 1, "demo_booked": 20},
                          learned=LearnedScoring(min_each=6))  # fmt: skip
    report = evaluate(session, scoring, date(2026, 5, 2))
    assert (report["leads"], report["converted"]) == (12, 6)
    assert report["trained_on"] >= 12  # the February leads, and some at earlier cut-offs
    measured = {s["name"]: s for s in report["scores"]}
    assert set(measured) == {"points", "learned", "recency (baseline)"}
    assert measured["points"]["auc"] == 1.0 and measured["recency (baseline)"]["auc"] == 1.0
    assert measured["learned"]["auc"] > 0.9
    # the product qualifies by the learned score once it has history enough: the keen leads
    crossed = qualify(session, Vocabulary(), scoring, date(2026, 5, 2))
    assert {s.contact_id for s in crossed} == keen_now
    assert all(s.likelihood and "likely to sign" in s.reasons[0] for s in crossed)
    too_short = LeadScoring(engagement=scoring.engagement, learned=LearnedScoring(min_each=7))
    with pytest.raises(ValueError, match="at least 7 of each"):
        evaluate(session, too_short, date(2026, 5, 2))


def test_a_promoter_is_asked_for_a_referral_only_where_the_product_is_used(
    session: Session,
) -> None:
    from builders import _at
    from sqlalchemy import delete

    from journey.models import JourneyEvent

    promoter = next_steps_world(session)["ask_review_or_referral"]
    steps = service(session).for_contact(promoter, NEXT_STEPS_AS_OF).steps
    assert "10 login events per person in 90 days (1 active person)" in steps[0].reason
    later = JourneyEvent.occurred_at >= _at("2026-10-15")
    session.execute(delete(JourneyEvent).where(JourneyEvent.contact_id == promoter.id, later))
    steps = service(session).for_contact(promoter, NEXT_STEPS_AS_OF).steps
    assert "ask_review_or_referral" not in [s.action for s in steps]  # 5 logins: not enough


def test_a_renewal_due_and_not_yet_signed_counts_on_any_date(session: Session) -> None:
    """Looking back, the account's stored renewal date is its next one: the renewal that came
    due then is read from the journey."""
    from builders import _at

    from assistant.next_steps.catalogue import Renewal
    from assistant.next_steps.signals import ContactFacts
    from journey.models import JourneyEvent

    someone = next_steps_world(session)["recovery_outreach"]
    for kind, day in (("renewal_due", "2026-05-01"), ("renewal_signed", "2026-06-20")):
        session.add(JourneyEvent(idempotency_key=f"r{kind}", type=kind, occurred_at=_at(day),
                                 account_id=someone.account_id))  # fmt: skip
    session.flush()
    soon = Renewal(signal="renewal", within_days=90)

    def read(day: date) -> str | None:
        return ContactFacts(session, Vocabulary(), someone, day).evidence(soon)

    assert read(date(2026, 6, 1)) == "renewal due since 01 May 2026, not signed yet"
    assert read(date(2026, 6, 25)) is None  # signed by then
    assert read(date(2026, 4, 1)) is None  # not due yet
