"""The manager's dashboard: KPIs against the period before, the journey map's cells (events,
sentiment, moments of truth per stage and touchpoint), a segment filter, and the texts behind a
cell, the most negative first; and its pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from builders import _at
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.insights.dashboard import behind_cell, dashboard
from journey.models import Account, Flag, JourneyEvent, SurveyResponse, TextAnalysis, Ticket
from journey.vocabulary import Vocabulary

AS_OF = date(2026, 6, 30)


def world(session: Session) -> dict[str, Any]:
    """An SMB account: in the last 30 days, three onboarding tickets read -0.6 and -0.2 and one
    moment of truth there (another before), two website visits, NPS 10 and 3; in the 30 days
    before, NPS 10 and 10."""
    firm = Account(name="Alder", segment="smb")
    session.add(firm)
    session.flush()
    n = iter(range(1000))
    day = lambda back: _at((AS_OF - timedelta(days=back)).isoformat())  # noqa: E731
    for back, kind, stage, touchpoint in [
        (3, "ticket_opened", "onboarding", "support_ticket"),
        (5, "ticket_opened", "onboarding", "support_ticket"),
        (9, "ticket_opened", "onboarding", "support_ticket"),
        (2, "page_view", "awareness", "website"),
        (4, "page_view", "awareness", "website"),
        (45, "page_view", "awareness", "website"),
    ]:
        session.add(JourneyEvent(idempotency_key=f"d{next(n)}", type=kind, stage=stage,
                                 touchpoint=touchpoint, occurred_at=day(back),
                                 account_id=firm.id))  # fmt: skip
    tickets = []
    for score, subject in [(-0.2, "Slow import"), (-0.6, "SSO keeps failing")]:
        ticket = Ticket(source="t", external_id=f"t{next(n)}", subject=subject, body="help",
                        channel="email", created_at=day(3), account_id=firm.id)  # fmt: skip
        session.add(ticket)
        session.flush()
        tickets.append(ticket)
        session.add(TextAnalysis(item_type="ticket", item_id=str(ticket.id), model="t",
                                 content_hash=f"h{score}", label="negative", score=score,
                                 confidence=0.9, occurred_at=day(3), stage="onboarding",
                                 touchpoint="support_ticket", account_id=firm.id))  # fmt: skip
    for back in (4, 40):
        session.add(Flag(evidence_key=f"f{back}", reasons=["onboarding_at_risk"], severity=60,
                         evidence=[], created_at=day(back), account_id=firm.id,
                         stage="onboarding", touchpoint="support_ticket"))  # fmt: skip
    for score, back in [(10, 1), (3, 2), (10, 35), (10, 36)]:
        session.add(SurveyResponse(source="t", external_id=f"s{next(n)}", kind="nps", score=score,
                                   answered_at=day(back), account_id=firm.id))  # fmt: skip
    session.flush()
    return {"firm": firm, "tickets": tickets}


def test_kpis_come_with_the_period_before_and_a_trend(session: Session) -> None:
    world(session)
    board = dashboard(session, Vocabulary(), AS_OF, days=30)
    nps = next(k for k in board.kpis if k.key == "nps")
    assert (nps.value, nps.previous, nps.change, nps.improved) == (0.0, 100.0, -100.0, False)
    assert nps.trend[-2:] == [100.0, 0.0] and len(nps.trend) == 6
    assert nps.shown == "0.0" and nps.change_shown == "-100.0"
    moments = next(k for k in board.kpis if k.key == "moments_of_truth")
    assert (moments.value, moments.previous, moments.improved) == (1, 1, None)
    assert board.start == date(2026, 6, 1) and board.queries  # the SQL is there to check


def test_the_journey_map_counts_reads_and_flags_each_stage_and_touchpoint(
    session: Session,
) -> None:
    world(session)
    journey = dashboard(session, Vocabulary(), AS_OF, days=30).journey
    cell = journey.cell("onboarding", "support_ticket")
    assert (cell.events, cell.sentiment, cell.texts, cell.moments) == (3, -0.4, 2, 1)
    assert journey.cell("awareness", "website").events == 2  # the visit 45 days ago is out
    assert [key for key, _ in journey.touchpoints] == ["website", "support_ticket"]
    assert [key for key, _ in journey.stages][:3] == ["awareness", "consideration", "decision"]
    other = dashboard(session, Vocabulary(), AS_OF, days=30, segment="enterprise").journey
    assert other.cell("onboarding", "support_ticket").events == 0


def test_behind_a_cell_are_its_texts_the_most_negative_first(session: Session) -> None:
    built = world(session)
    found = behind_cell(session, "onboarding", "support_ticket", date(2026, 6, 1), AS_OF)
    assert [(b.item_id, b.sentiment) for b in found] == [
        (str(built["tickets"][1].id), -0.6), (str(built["tickets"][0].id), -0.2)
    ]  # fmt: skip
    assert found[0].text.startswith("SSO keeps failing")
    assert behind_cell(session, "onboarding", "support_ticket", date(2026, 6, 29), AS_OF) == []
    # Of one segment's accounts: the dashboard's filter holds in the cell it opens.
    assert behind_cell(session, "onboarding", "support_ticket", date(2026, 6, 1), AS_OF, "smb")
    assert not behind_cell(
        session, "onboarding", "support_ticket", date(2026, 6, 1), AS_OF, "enterprise"
    )


def test_the_dashboard_pages_for_a_manager(client: TestClient, session: Session) -> None:
    from journey.auth import AuthService

    world(session)
    auth = AuthService(session)
    for role in ("manager", "agent"):
        auth.create_user(f"{role}@dash.test", role.title(), role, "s3cret-pass")
    session.commit()

    def sign_in(role: str) -> None:
        client.cookies.clear()
        signing = {"email": f"{role}@dash.test", "password": "s3cret-pass"}
        assert client.post("/login", data=signing, follow_redirects=False).status_code == 303
        client.headers["Origin"] = "http://testserver"  # what the app's own pages send

    sign_in("agent")
    assert client.get("/dashboard").status_code == 403  # a manager's page
    sign_in("manager")
    page = client.get("/dashboard", params={"days": 30, "as_of": AS_OF.isoformat()})
    assert page.status_code == 200
    assert "Journey map" in page.text and "NPS" in page.text
    said = "Onboarding, Support ticket: 3 events, sentiment -0.40 over 2 texts, 1 moments of truth"
    assert f'aria-label="{said}"' in page.text
    where = {"stage": "onboarding", "touchpoint": "support_ticket", "days": 30,
             "as_of": AS_OF.isoformat()}  # fmt: skip
    cell = client.get("/dashboard/cell", params=where)
    assert cell.status_code == 200 and "SSO keeps failing" in cell.text
    # A filtered dashboard opens its cells, takes its questions and is gone back to, filtered.
    filtered = {"days": 30, "segment": "smb", "as_of": AS_OF.isoformat()}
    page = client.get("/dashboard", params=filtered)
    assert "touchpoint=website&amp;days=30&amp;segment=smb&amp;as_of=2026-06-30" in page.text
    assert '<input type="hidden" name="segment" value="smb">' in page.text
    cell = client.get("/dashboard/cell", params={**where, "segment": "enterprise"})
    assert "SSO keeps failing" not in cell.text and "0 events" in cell.text
    assert 'href="/dashboard?days=30&amp;segment=enterprise&amp;as_of=2026-06-30"' in cell.text

    question = {"q": "events by stage", "as_of": AS_OF.isoformat()}
    asked = client.get("/dashboard", params=question)
    assert "The query that was run" in asked.text and '<th scope="col">stage</th>' in asked.text
    assert 'id="answer-data"' in asked.text  # the chart's data, for the vendored Chart.js
    table = client.get("/insights/answer.csv",
                       params={"question": question["q"], "as_of": question["as_of"]})  # fmt: skip
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    assert table.text.splitlines() == ["stage,events", "awareness,3", "onboarding,3"]
    unclear = client.get("/insights/answer.csv", params={"question": "what is the weather"})
    assert unclear.status_code == 422 and unclear.json()["error"] == "invalid_input"


def test_a_chat_the_assistant_resolved_is_answered_not_handed_over_nor_rated_down(
    session: Session,
) -> None:
    from builders import Items

    from assistant.insights.query import run
    from assistant.insights.spec import QuerySpec
    from journey.models import Message

    items = Items(session)
    answered = [("visitor", "Is there a trial?"), ("bot", "Yes, 14 days.")]
    resolved = items.chat(None, answered)
    thumbs_down = items.chat(None, answered)
    rated_low = items.chat(None, answered)
    handed = items.chat(None, answered)
    unanswered = items.chat(None, [("visitor", "hello?")])
    bot = session.scalars(select(Message).where(Message.conversation_id == thumbs_down.id,
                                                Message.role == "bot")).one()  # fmt: skip
    bot.meta = {"helpful": False}
    session.add(SurveyResponse(source="chat", external_id=rated_low.id, kind="csat", score=2,
                               answered_at=_at("2026-03-02")))  # fmt: skip
    handed.handoff_reason = "customer_request"
    session.flush()
    spec = QuerySpec(metrics=["bot_resolution", "conversations"], as_of=date(2026, 12, 31))
    # of the five (the unanswered one too), only the first: `resolved`
    assert run(session, spec, Vocabulary()).rows == [[20.0, 5]]
    assert resolved.handoff_reason is None and unanswered.handoff_reason is None
