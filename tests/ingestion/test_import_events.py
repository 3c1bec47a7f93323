import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ingestion.events_import import import_events, parse_mapping
from journey.models import JourneyEvent
from journey.service import JourneyService

CSV = """when,event,email,plan,note
2026-01-05T10:00:00Z,content_downloaded,ann@acme.io,growth,
2026-01-09T10:00:00Z,demo_booked,ann@acme.io,growth,"multi
line note"
not-a-date,login,ann@acme.io,growth,
2026-02-01T10:00:00Z,contract_signed,ann@acme.io,growth,
2026-02-02T10:00:00Z,teleported,ann@acme.io,growth,
"""

MAPPING = parse_mapping(["occurred_at=when", "type=event", "contact_email=email"])


def events(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(JourneyEvent)) or 0


def test_bad_rows_are_reported_and_the_rest_kept(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(CSV)
    report = import_events(session, journey, path, mapping=MAPPING)
    assert report.rows == 5
    assert report.accepted == 3
    # Line numbers are those of the file; the quoted newline makes the third record start on 5.
    assert [(e.line, e.reason.split(":")[0]) for e in report.rejected] == [
        (5, "occurred_at"),
        (7, "type"),
    ]
    assert "unknown event type 'teleported'" in report.rejected[1].reason
    stored = session.scalars(select(JourneyEvent).order_by(JourneyEvent.occurred_at)).all()
    assert stored[0].properties == {"plan": "growth"}  # unmapped columns become properties
    assert stored[1].properties["note"] == "multi\nline note"
    contact = journey.contacts.by_email("ann@acme.io")
    assert contact is not None and contact.stage == "onboarding"


def test_same_file_twice_gives_the_same_rows(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(CSV)
    import_events(session, journey, path, mapping=MAPPING)
    before = events(session)
    again = import_events(session, journey, path, mapping=MAPPING)
    assert again.accepted == 0 and again.duplicates == 3
    assert events(session) == before == 3


def test_strict_mode_writes_nothing(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(CSV)
    report = import_events(session, journey, path, mapping=MAPPING, strict=True)
    assert not report.written and report.accepted == 0 and len(report.rejected) == 2
    assert events(session) == 0


def test_jsonl_and_json_report_their_lines(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    good = {"type": "login", "occurred_at": "2026-03-01T08:00:00", "visitor_id": "v1"}
    jsonl = tmp_path / "events.jsonl"
    jsonl.write_text(json.dumps(good) + "\n{broken\n\n" + json.dumps({"type": "login"}) + "\n")
    report = import_events(session, journey, jsonl)
    assert report.accepted == 1
    assert [e.line for e in report.rejected] == [2, 4]
    assert report.rejected[0].reason.startswith("invalid JSON")

    as_json = tmp_path / "events.json"
    as_json.write_text(
        json.dumps({"events": [good, {"type": "login", "visitor_id": "v2"}]}, indent=2)
    )
    report = import_events(session, journey, as_json)
    assert report.duplicates == 1  # the same event as in the JSONL file
    assert len(report.rejected) == 1 and report.rejected[0].line > 2


def test_unknown_contact_id_is_rejected_not_fatal(
    tmp_path: Path, session: Session, journey: JourneyService
) -> None:
    path = tmp_path / "e.jsonl"
    rows = [
        {"type": "login", "occurred_at": "2026-03-01T08:00:00Z", "contact_id": 987654},
        {"type": "login", "occurred_at": "2026-03-01T08:00:00Z", "visitor_id": "v"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    report = import_events(session, journey, path)
    assert report.accepted == 1
    assert report.rejected[0].line == 1 and "unknown contact 987654" in report.rejected[0].reason
