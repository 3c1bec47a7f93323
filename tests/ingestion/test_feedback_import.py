import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app
from ingestion.feedback_import import import_feedback
from ingestion.feedback_items import parse_mapping
from journey.errors import InvalidInput
from journey.models import Account, Contact, JourneyEvent, Review, SurveyResponse, Ticket
from journey.schemas import EventIn
from journey.service import JourneyService

HELPDESK_HEADER = [
    "id", "subject", "description", "status", "priority", "via", "requester_email",
    "requester_name", "created_at", "tags", "comments",
]  # fmt: skip
SSO_BODY = (
    "We configured SAML single sign-on yesterday but every login ends with an audience "
    "mismatch error. Could you check our settings before Monday, please?"
)


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def events(session: Session, kind: str) -> list[JourneyEvent]:
    stmt = select(JourneyEvent).where(JourneyEvent.type == kind).order_by(JourneyEvent.id)
    return list(session.scalars(stmt))


def helpdesk_rows() -> list[list[Any]]:
    comments = [
        {"author_role": "end-user", "body": SSO_BODY, "created_at": "2026-03-02T09:00:00Z"},
        {"author_role": "agent", "body": "Looking into it.", "created_at": "2026-03-02T11:00:00Z"},
    ]
    return [
        ["101", "SSO login fails", SSO_BODY, "open", "high", "web", "Ann@Acme.io", "Ann Lee",
         "2026-03-02T09:00:00Z", "sso saml", json.dumps(comments)],
        ["102", "Invoice copy", "Please send the March invoice again.", "solved", "low", "email",
         "bob@acme.io", "", "yesterday", "", ""],
        ["103", "Export question", "How do I export the dashboard?", "open", "normal", "chat",
         "", "", "2026-03-04T09:00:00Z", "", ""],
        ["104", "Broken comments", "x", "open", "normal", "email", "cy@acme.io", "",
         "2026-03-04T09:00:00Z", "", "[not json"],
    ]  # fmt: skip


@pytest.fixture
def acme(session: Session) -> Account:
    account = Account(name="Acme", domain="acme.io")
    session.add(account)
    session.flush()
    return account


def test_helpdesk_csv_tickets_with_comments(
    tmp_path: Path, session: Session, journey: JourneyService, acme: Account
) -> None:
    path = write_csv(tmp_path / "tickets.csv", HELPDESK_HEADER, helpdesk_rows())
    report = import_feedback(session, journey, "tickets", path, preset="helpdesk", source="zd")
    assert (report.rows, report.accepted, report.duplicates) == (4, 1, 0)
    assert [(e.line, e.reason.split(":")[0]) for e in report.rejected] == [
        (3, "created_at"),
        (4, "contact_email"),
        (5, "comments"),
    ]
    ticket = session.scalars(select(Ticket)).one()
    assert (ticket.source, ticket.external_id, ticket.channel) == ("zd", "101", "web")
    assert ticket.tags == ["sso", "saml"] and ticket.priority == "high"
    assert [(c.author_role, c.body[:7]) for c in ticket.comments] == [
        ("customer", "We conf"),
        ("agent", "Looking"),
    ]
    contact = session.get(Contact, ticket.contact_id)
    assert contact is not None and contact.email == "ann@acme.io" and contact.name == "Ann Lee"
    assert contact.account_id == acme.id == ticket.account_id  # linked by email domain
    # A new contact has no stage yet: the text decides (SSO set-up is onboarding).
    assert ticket.stage == "onboarding"
    (event,) = events(session, "ticket_opened")
    assert (event.stage, event.touchpoint, event.channel) == ("onboarding", "support_ticket", "web")
    assert (event.contact_id, event.account_id) == (contact.id, acme.id)
    assert (event.subject_type, event.subject_id) == ("ticket", str(ticket.id))
    assert event.occurred_at == datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_nested_helpdesk_jsonl_and_the_contacts_stage(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    journey.record(
        EventIn(type="contract_signed", occurred_at=datetime(2026, 1, 5, tzinfo=UTC),
                contact_email="dee@globex.com")
    )  # fmt: skip
    rows = [
        {"id": 7, "subject": "Where is the export?", "description": "How do I export reports?",
         "via": {"channel": "email"}, "requester": {"email": "dee@globex.com"},
         "created_at": "2026-02-01T10:00:00Z",
         "comments": [{"plain_body": "Any news?", "author_type": "requester"}]},
        {"id": 8, "subject": "Renewal", "description": "About our renewal",
         "requester": {"email": "dee@globex.com"}, "created_at": "2026-02-03T10:00:00Z",
         "stage": "Retention"},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "tickets.jsonl", rows)
    report = import_feedback(session, journey, "tickets", path, preset="helpdesk")
    assert report.accepted == 2 and not report.rejected
    first, second = session.scalars(select(Ticket).order_by(Ticket.id))
    assert first.channel == "email" and first.comments[0].author_role == "customer"
    assert first.comments[0].created_at == first.created_at  # a comment without a time
    # The contact's stage wins over the text ("how do I" sounds like adoption).
    assert (first.stage, second.stage) == ("onboarding", "retention")
    assert [e.stage for e in events(session, "ticket_opened")] == ["onboarding", "retention"]


def test_contacts_found_by_external_id_or_created_by_email(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    crm = Contact(email="old@acme.io", external_id="crm-1")
    session.add(crm)
    session.flush()
    base = {"subject": "Help", "created_at": "2026-03-02T09:00:00Z"}
    rows = [
        {**base, "external_id": "1", "contact_external_id": "crm-1"},
        {**base, "external_id": "2", "contact_external_id": "crm-404"},
        {**base, "external_id": "3", "contact_external_id": "crm-2", "contact_email": "n@x.io"},
        {**base, "external_id": "4", "contact_external_id": "crm-2", "subject": "Other"},
    ]
    path = write_jsonl(tmp_path / "t.jsonl", rows)
    report = import_feedback(session, journey, "tickets", path)
    assert report.accepted == 3
    assert [(e.line, e.reason) for e in report.rejected] == [
        (2, "contact_external_id: unknown contact 'crm-404'")
    ]
    owners = {t.external_id: t.contact_id for t in session.scalars(select(Ticket))}
    created = journey.contacts.by_email("n@x.io")
    assert created is not None and created.external_id == "crm-2"
    assert owners == {"1": crm.id, "3": created.id, "4": created.id}


def test_ticket_copied_across_channels_is_linked(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    base = {"subject": "SSO login fails", "requester_email": "ann@acme.io"}
    rows = [
        {**base, "id": "1", "description": SSO_BODY, "via": "email",
         "created_at": "2026-03-02T09:00:00Z"},
        # The same message through the web form a day later, typed slightly differently.
        {**base, "id": "2", "description": SSO_BODY.replace("Monday, please?", "Monday please!!"),
         "via": "web", "subject": "sso login FAILS", "created_at": "2026-03-03T09:00:00Z"},
        # The same words from someone else, or ten days later, are new tickets.
        {**base, "id": "3", "description": SSO_BODY, "requester_email": "bo@acme.io",
         "created_at": "2026-03-03T10:00:00Z"},
        {**base, "id": "4", "description": SSO_BODY, "created_at": "2026-03-13T09:00:00Z"},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "t.jsonl", rows)
    report = import_feedback(session, journey, "tickets", path, preset="helpdesk")
    assert (report.accepted, report.near_duplicates) == (3, 1)
    tickets = {t.external_id: t for t in session.scalars(select(Ticket))}
    assert tickets["2"].duplicate_of_id == tickets["1"].id
    assert {tickets[k].duplicate_of_id for k in "134"} == {None}
    assert sorted(e.properties["external_id"] for e in events(session, "ticket_opened")) == [
        "1",
        "3",
        "4",
    ]
    # A copy arriving in a later import is linked to the stored ticket.
    later = write_jsonl(
        tmp_path / "later.jsonl",
        [{**rows[0], "id": "5", "via": "chat", "created_at": "2026-03-14T08:00:00Z"}],
    )
    again = import_feedback(session, journey, "tickets", later, preset="helpdesk")
    assert (again.accepted, again.near_duplicates) == (0, 1)
    copy = session.scalars(select(Ticket).where(Ticket.external_id == "5")).one()
    assert copy.duplicate_of_id == tickets["4"].id


REVIEW = (
    "We moved our whole sales team to Brightloop last spring and the pipeline reports alone "
    "save every manager an hour a week. Support answers quickly."
)


def test_review_site_csv_exact_and_near_duplicates(
    tmp_path: Path, session: Session, journey: JourneyService, acme: Account
) -> None:
    header = ["review_id", "rating", "title", "review_text", "date", "reviewer_email",
              "reviewer_name", "company", "platform"]  # fmt: skip
    rows = [
        ["g1", "5", "Great", REVIEW, "2026-04-01", "ann@acme.io", "Ann", "", "G2"],
        # The same review on another site: case, spacing and punctuation differ.
        ["c1", "5", "Great!", REVIEW.upper().replace(".", " ").replace("  ", " "), "2026-04-03",
         "", "Ann L.", "", "capterra"],
        # Near-identical: one word changed.
        ["t1", "4.5", "", REVIEW.replace("quickly", "fast"), "2026-04-05", "", "", "",
         "trustpilot"],
        # Anonymous, but the company is a known account.
        ["t2", "2", "Meh", "Too expensive since the price change.", "2026-04-06", "", "Zed",
         "ACME", "trustpilot"],
        # Anonymous and unknown: kept without a journey event.
        ["t3", "3", "", "Fine for small teams, reports could be faster.", "2026-04-07", "",
         "Kim", "Initech", "trustpilot"],
        ["t4", "6", "", "Six stars!", "2026-04-08", "", "", "", "trustpilot"],
        ["t5", "", "", "", "2026-04-08", "", "", "", "trustpilot"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "reviews.csv", header, rows)
    report = import_feedback(session, journey, "reviews", path, preset="review-site")
    assert (report.accepted, report.near_duplicates, report.without_event) == (3, 2, 1)
    assert [(e.line, e.reason.split(":")[0]) for e in report.rejected] == [
        (7, "rating"),
        (8, "body"),
    ]
    reviews = {r.external_id: r for r in session.scalars(select(Review))}
    assert reviews["g1"].source == "g2" and reviews["t1"].rating == 5  # half stars round up
    assert reviews["c1"].duplicate_of_id == reviews["g1"].id
    assert reviews["t1"].duplicate_of_id == reviews["g1"].id
    assert reviews["c1"].content_hash == reviews["g1"].content_hash
    assert reviews["t2"].contact_id is None and reviews["t2"].account_id == acme.id
    assert reviews["t3"].contact_id is None and reviews["t3"].account_id is None
    posted = events(session, "review_posted")
    assert [(e.properties["platform"], e.touchpoint, e.channel) for e in posted] == [
        ("g2", "review_portal", "web"),
        ("trustpilot", "review_portal", "web"),
    ]
    assert posted[1].account_id == acme.id and posted[1].contact_id is None
    # A review without a stage or known contact stage: the advocacy stage of reviews,
    # unless the text points elsewhere (price: a customer's renewal question).
    assert [e.stage for e in posted] == ["advocacy", "retention"]


def test_exact_copy_is_found_at_any_distance(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    rows = [
        {"external_id": "a", "body": REVIEW, "posted_at": "2026-01-01", "platform": "g2"},
        {"external_id": "b", "body": REVIEW + "!", "posted_at": "2026-09-01", "platform": "g2"},
        {"external_id": "c", "body": REVIEW.replace("quickly", "fast"), "posted_at": "2026-09-02",
         "platform": "g2", "contact_email": "x@y.io"},
        {"external_id": "d", "body": "Great tool!", "posted_at": "2026-09-03"},
        {"external_id": "e", "body": "great tool", "posted_at": "2026-09-04"},
    ]  # fmt: skip
    path = write_jsonl(tmp_path / "r.jsonl", rows)
    report = import_feedback(session, journey, "reviews", path)
    reviews = {r.external_id: r for r in session.scalars(select(Review))}
    assert reviews["b"].duplicate_of_id == reviews["a"].id  # exact, eight months later
    # "c" is near "b" (a day before), itself a copy of "a": it links to the first.
    assert reviews["c"].duplicate_of_id == reviews["a"].id
    # Short texts are copies only from the same person.
    assert reviews["e"].duplicate_of_id is None
    assert (report.accepted, report.near_duplicates) == (3, 2)


SURVEY_HEADER = ["response_id", "survey_type", "score", "comment", "email", "date", "ticket_id"]


def survey_rows() -> list[list[Any]]:
    return [
        ["s1", "NPS", "9", "Love the reports", "ann@acme.io", "2026-05-01T08:00:00Z", ""],
        ["s2", "csat", "2", "Slow answer", "ann@acme.io", "2026-05-02T08:00:00Z", "101"],
        ["s3", "nps", "11", "", "bo@acme.io", "2026-05-03T08:00:00Z", ""],
        ["s4", "csat", "0", "", "bo@acme.io", "2026-05-03T08:00:00Z", ""],
        ["s5", "pulse", "3", "", "bo@acme.io", "2026-05-03T08:00:00Z", ""],
        ["s6", "nps", "8.5", "", "bo@acme.io", "2026-05-03T08:00:00Z", ""],
        ["s7", "nps", "7", "", "", "2026-05-03T08:00:00Z", ""],
        ["s8", "nps", "7", "", "bo@acme.io", "2026-05-03T08:00:00Z", ""],
    ]


def test_survey_csv_with_scores_checked(
    tmp_path: Path, session: Session, journey: JourneyService, acme: Account
) -> None:
    tickets = write_csv(tmp_path / "t.csv", HELPDESK_HEADER, helpdesk_rows()[:1])
    import_feedback(session, journey, "tickets", tickets, preset="helpdesk", source="zd")
    path = write_csv(tmp_path / "surveys.csv", SURVEY_HEADER, survey_rows())
    report = import_feedback(session, journey, "surveys", path, preset="survey", source="zd")
    assert report.accepted == 3
    assert [(e.line, e.reason) for e in report.rejected] == [
        (4, "score: 11 is out of range for nps (0-10)"),
        (5, "score: 0 is out of range for csat (1-5)"),
        (6, "kind: Input should be 'nps' or 'csat'"),
        (7, "score: not a whole number: 8.5"),
        (8, "contact_email: a survey answer needs the respondent's email or id"),
    ]
    answers = {s.external_id: s for s in session.scalars(select(SurveyResponse))}
    ticket = session.scalars(select(Ticket)).one()
    assert (answers["s1"].kind, answers["s1"].score, answers["s1"].touchpoint) == (
        "nps",
        9,
        "email",
    )
    assert answers["s2"].ticket_id == ticket.id and answers["s2"].touchpoint == "support_ticket"
    assert answers["s1"].account_id == acme.id
    answered = events(session, "survey_answered")
    assert [(e.touchpoint, e.channel, e.properties["score"]) for e in answered] == [
        ("email", "email", 9),
        ("support_ticket", "email", 2),
        ("email", "email", 7),
    ]
    assert all(e.stage == s.stage for e, s in zip(answered, answers.values(), strict=False))


def test_surveys_jsonl_with_a_mapping(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    rows = [
        {"rid": "1", "type": "csat", "value": 5, "who": "kim@initech.com", "at": "2026-05-01",
         "stage": "onboarding", "touchpoint": "in_product"},
        {"rid": "2", "type": "nps", "value": 3, "who": "kim@initech.com", "at": "2026-05-01",
         "stage": "nirvana"},
        {"rid": "3", "type": "nps", "value": 3, "who": "kim@initech.com", "at": "2026-05-01",
         "touchpoint": "carrier_pigeon"},
    ]  # fmt: skip
    mapping = parse_mapping(
        "surveys",
        ["external_id=rid", "kind=type", "score=value", "contact_email=who", "answered_at=at"],
    )
    path = write_jsonl(tmp_path / "s.jsonl", rows)
    report = import_feedback(session, journey, "surveys", path, mapping=mapping)
    assert report.accepted == 1
    assert [e.reason for e in report.rejected] == [
        "stage: unknown stage 'nirvana'",
        "touchpoint: unknown touchpoint 'carrier_pigeon'",
    ]
    (event,) = events(session, "survey_answered")
    assert (event.stage, event.touchpoint, event.channel) == ("onboarding", "in_product", "product")
    with pytest.raises(InvalidInput, match="'colour' is not a field of surveys"):
        parse_mapping("surveys", ["colour=x"])
    with pytest.raises(InvalidInput, match="preset 'helpdesk' is for tickets, not surveys"):
        import_feedback(session, journey, "surveys", path, preset="helpdesk")


def test_replayed_file_adds_nothing(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    path = write_csv(tmp_path / "tickets.csv", HELPDESK_HEADER, helpdesk_rows())
    import_feedback(session, journey, "tickets", path, preset="helpdesk")
    surveys = write_csv(tmp_path / "s.csv", SURVEY_HEADER, survey_rows())
    import_feedback(session, journey, "surveys", surveys, preset="survey")
    before = [count(session, m) for m in (Ticket, SurveyResponse, JourneyEvent, Contact)]
    again = import_feedback(session, journey, "tickets", path, preset="helpdesk")
    assert (again.accepted, again.duplicates, len(again.rejected)) == (0, 1, 3)
    again = import_feedback(session, journey, "surveys", surveys, preset="survey")
    assert (again.accepted, again.duplicates) == (0, 3)
    after = [count(session, m) for m in (Ticket, SurveyResponse, JourneyEvent, Contact)]
    assert after == before


def test_strict_mode_writes_nothing(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    path = write_csv(tmp_path / "tickets.csv", HELPDESK_HEADER, helpdesk_rows())
    report = import_feedback(session, journey, "tickets", path, preset="helpdesk", strict=True)
    assert not report.written and report.accepted == 0 and len(report.rejected) == 3
    assert count(session, Ticket) == count(session, JourneyEvent) == count(session, Contact) == 0


runner = CliRunner()


def test_cli_imports_each_kind(env: Path) -> None:
    tickets = write_csv(env / "tickets.csv", HELPDESK_HEADER, helpdesk_rows())
    args = ["import", "tickets", str(tickets), "--preset", "helpdesk"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "4 rows: 1 accepted, 0 duplicates (already stored), 3 rejected." in first.output
    assert "line 3: created_at:" in first.output
    second = runner.invoke(app, args)
    assert "4 rows: 0 accepted, 1 duplicates (already stored), 3 rejected." in second.output
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == 1 and "Strict mode: nothing written." in strict.output

    reviews = write_jsonl(
        env / "reviews.jsonl",
        [
            {"review_id": "1", "review_text": REVIEW, "date": "2026-04-01", "site": "g2"},
            {"review_id": "2", "review_text": REVIEW, "date": "2026-04-02", "site": "capterra"},
        ],
    )
    result = runner.invoke(app, ["import", "reviews", str(reviews), "--preset", "review-site"])
    assert "2 rows: 1 accepted, 0 duplicates (already stored), 1 near-duplicates linked, " in (
        result.output
    )
    assert "1 stored without a journey event" in result.output

    surveys = write_csv(env / "s.csv", SURVEY_HEADER, survey_rows()[:2])
    result = runner.invoke(app, ["import", "surveys", str(surveys), "--preset", "survey"])
    assert "2 rows: 2 accepted" in result.output
    wrong = runner.invoke(app, ["import", "surveys", str(surveys), "--preset", "review-site"])
    assert wrong.exit_code == 1 and "preset 'review-site' is for reviews" in wrong.output


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_import_needs_a_manager_and_answers_the_report(
    client: TestClient, staff_token: Callable[[str], str], tmp_path: Path, session: Session
) -> None:
    content = write_csv(tmp_path / "s.csv", SURVEY_HEADER, survey_rows()).read_bytes()
    upload = {"file": ("answers.csv", content, "text/csv")}
    assert client.post("/imports/surveys", files=upload).status_code == 401
    agent = client.post("/imports/surveys", files=upload, headers=auth(staff_token("agent")))
    assert agent.status_code == 403 and agent.json()["error"] == "forbidden"

    manager = auth(staff_token("manager"))
    good = client.post("/imports/surveys", files=upload, data={"preset": "survey"}, headers=manager)
    assert good.status_code == 200, good.text
    body = good.json()
    assert (body["rows"], body["accepted"], body["duplicates"], body["near_duplicates"]) == (
        8,
        3,
        0,
        0,
    )
    assert body["rejected"][0] == {"line": 4, "reason": "score: 11 is out of range for nps (0-10)"}
    assert count(session, SurveyResponse) == 3

    strict = client.post(
        "/imports/surveys",
        files=upload,
        data={"preset": "survey", "strict": "true", "source": "other"},
        headers=manager,
    )
    assert strict.status_code == 422
    assert strict.json()["error"] == "rows_rejected"
    assert strict.json()["detail"]["written"] is False
    assert count(session, SurveyResponse) == 3

    bad = client.post(
        "/imports/reviews",
        files={"file": ("reviews.xlsx", b"PK\x03\x04", "application/octet-stream")},
        headers=manager,
    )
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_input"
    assert "unknown format 'xlsx'" in bad.json()["detail"]

    events_file = {"file": ("e.jsonl", b'{"type": "login", "occurred_at": "2026-01-01", '
                   b'"contact_email": "ann@acme.io"}\n', "application/x-ndjson")}  # fmt: skip
    imported = client.post("/imports/events", files=events_file, headers=manager)
    assert imported.json()["accepted"] == 1
    unknown = client.post("/imports/things", files=events_file, headers=manager)
    assert unknown.status_code == 422
