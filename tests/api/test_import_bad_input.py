"""File imports fed what testers and spreadsheets really send: Excel's encoding, binary files,
huge fields, deep JSON, non-finite numbers, long file names, empty files. None is a 500, and a
bad row never costs the good rows of a non-strict import."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from app.cli import app
from journey.models import JourneyEvent, Review, SurveyResponse, Ticket

REVIEW_HEADER = "external_id,rating,body,posted_at\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
DEEP = 100_000

runner = CliRunner()


@pytest.fixture
def post(client: TestClient, staff_token: Callable[[str], str]) -> Callable[..., Any]:
    headers = {"Authorization": f"Bearer {staff_token('manager')}"}

    def send(kind: str, name: str, content: bytes, **data: str) -> Any:
        files = {"file": (name, content, "application/octet-stream")}
        return client.post(f"/imports/{kind}", files=files, data=data, headers=headers)

    return send


def last_line(result: Any) -> str:
    """The CLI's answer after the progress bar's last state."""
    return str(result.output).strip().splitlines()[-1]


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def reasons(answer: Any) -> list[tuple[int, str]]:
    assert answer.status_code == 200, answer.text
    return [(r["line"], r["reason"]) for r in answer.json()["rejected"]]


def test_excel_latin1_and_utf8_bom_files_are_read(
    post: Callable[..., Any], session: Session
) -> None:
    rows = "r1,5,Très bien – le café est servi,2026-04-01\n"
    latin = post("reviews", "excel.csv", (REVIEW_HEADER + rows).encode("cp1252"))
    assert latin.status_code == 200, latin.text
    assert latin.json()["accepted"] == 1
    stored = session.scalars(select(Review)).one()
    assert stored.body == "Très bien – le café est servi"  # the en dash is cp1252's 0x96

    bom = post("reviews", "bom.csv", (REVIEW_HEADER + rows.replace("r1", "r2")).encode("utf-8-sig"))
    assert bom.json()["accepted"] == 1 and not bom.json()["rejected"]  # BOM not in "external_id"


def test_binary_upload_is_one_readable_error(post: Callable[..., Any], env: Path) -> None:
    for name in ("logo.csv", "logo.json", "logo.jsonl"):
        answer = post("reviews", name, PNG)
        assert answer.status_code == 422
        assert answer.json() == {
            "error": "unreadable_file",
            "detail": f"{name}: not a text file (binary content)",
        }
    # Not UTF-8 and not Windows-1252 either (0x81 is undefined there).
    odd = post("events", "odd.csv", b"type,occurred_at\n\x81\x8d,2026-01-01\n")
    assert odd.status_code == 422 and "not a text file" in odd.json()["detail"]

    (env / "logo.csv").write_bytes(PNG)
    result = runner.invoke(app, ["import", "reviews", str(env / "logo.csv")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert last_line(result) == "error: logo.csv: not a text file (binary content)"


def test_a_field_over_the_limit_rejects_only_its_row(
    post: Callable[..., Any], session: Session
) -> None:
    big = "word " * 60_000  # 300 KB: more than the csv module's default 128 KB
    huge = "x" * (1024 * 1024 + 1)
    content = (
        REVIEW_HEADER
        + f'r1,4,"{big}",2026-04-01\n'
        + f'r2,4,"{huge}\nacross lines, with a ""quote""",2026-04-01\n'
        + f"r3,4,{huge},2026-04-01\n"
        + "r4,4,Short and sweet,2026-04-01\n"
    )
    answer = post("reviews", "big.csv", content.encode())
    assert reasons(answer) == [
        (3, "body: longer than 1,048,576 characters"),
        (5, "body: longer than 1,048,576 characters"),
    ]
    assert answer.json()["accepted"] == 2
    assert sorted(r.external_id for r in session.scalars(select(Review))) == ["r1", "r4"]


def test_deeply_nested_json_is_refused_not_a_crash(
    post: Callable[..., Any], session: Session
) -> None:
    whole = post("events", "deep.json", b"[" * DEEP + b"]" * DEEP)
    assert whole.status_code == 422 and whole.json()["error"] == "unreadable_file"
    assert whole.json()["detail"] == "deep.json: invalid JSON: nested too deeply"

    good = {"type": "login", "occurred_at": "2026-03-01T08:00:00Z", "visitor_id": "v1"}
    lines = [
        json.dumps(good),
        '{"type": "login", "properties": {"a": ' + "[" * DEEP + "]" * DEEP + "}}",
        json.dumps({**good, "visitor_id": "v2", "properties": {"a": _nested(40)}}),
        json.dumps({**good, "visitor_id": "v3", "properties": {"a": _nested(30)}}),
    ]
    answer = post("events", "deep.jsonl", "\n".join(lines).encode())
    assert reasons(answer) == [
        (2, "invalid JSON: nested too deeply"),
        (3, "properties: nested more than 32 levels deep"),
    ]
    assert answer.json()["accepted"] == 2

    # A CSV cell holding JSON is held to the same bounds.
    cell = "[" * DEEP + "]" * DEEP
    csv = "type,occurred_at,visitor_id,properties\n"
    csv += f"login,2026-03-01,v9,{cell}\nlogin,2026-03-01,v8,\n"
    answer = post("events", "deep.csv", csv.encode())
    assert reasons(answer) == [(2, "properties: invalid JSON: nested too deeply")]
    tickets = (
        "external_id,subject,contact_email,created_at,tags,comments\n"
        f"t1,Help,a@b.io,2026-03-01,{cell},\nt2,Help,a@b.io,2026-03-01,,{cell}\n"
    )
    answer = post("tickets", "deep.csv", tickets.encode())
    assert [(line, reason.split(":")[0]) for line, reason in reasons(answer)] == [
        (2, "tags"),
        (3, "comments"),
    ]


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("rating", ["inf", "nan", "-inf", "1e309", "Infinity"])
def test_non_finite_rating_rejects_its_row_and_keeps_the_others(
    post: Callable[..., Any], session: Session, rating: str
) -> None:
    content = (
        REVIEW_HEADER + f"r1,5,Great,2026-04-01\nr2,{rating},Odd,2026-04-01\nr3,4,Fine,2026-04-01\n"
    )
    answer = post("reviews", "reviews.csv", content.encode())
    assert reasons(answer) == [(3, f"rating: not a finite number: {rating}")]
    assert answer.json()["accepted"] == 2 and count(session, Review) == 2

    strict = post("reviews", "reviews.csv", content.replace("r", "s").encode(), strict="true")
    assert strict.status_code == 422 and strict.json()["error"] == "rows_rejected"
    assert count(session, Review) == 2


def test_non_finite_numbers_in_json_and_surveys(post: Callable[..., Any], session: Session) -> None:
    base = '{"external_id": "%s", "body": "Good", "posted_at": "2026-04-01", "rating": %s}'
    lines = [
        base % ("j1", "NaN"),
        base % ("j2", "-Infinity"),
        base % ("j3", "1e309"),
        base % ("j4", 5),
    ]
    answer = post("reviews", "reviews.jsonl", "\n".join(lines).encode())
    assert reasons(answer) == [(n, "rating: not a finite number") for n in (1, 2, 3)]
    as_array = post("reviews", "reviews.json", ("[" + ",\n".join(lines) + "]").encode())
    assert [line for line, _ in reasons(as_array)] == [1, 2, 3]
    assert as_array.json()["duplicates"] == 1

    # Non-finite numbers would not even be storable as JSON properties of an event.
    event = '{"type": "login", "occurred_at": "2026-03-01", "visitor_id": "v", "properties": %s}'
    answer = post("events", "e.jsonl", (event % '{"score": NaN}').encode())
    assert reasons(answer) == [(1, "properties: not a finite number")]

    surveys = (
        "external_id,kind,score,contact_email,answered_at\n"
        "s1,nps,inf,a@b.io,2026-05-01\ns2,nps,9,a@b.io,2026-05-01\n"
    )
    answer = post("surveys", "s.csv", surveys.encode())
    assert reasons(answer) == [(2, "score: not a finite number: inf")]
    assert count(session, SurveyResponse) == 1


def test_text_a_database_cannot_store_rejects_its_row(
    post: Callable[..., Any], session: Session
) -> None:
    base = '{"external_id": "%s", "body": "%s", "posted_at": "2026-04-01"}'
    lines = [base % ("n1", "a\\u0000b"), base % ("n2", "lone \\ud800"), base % ("n3", "fine")]
    answer = post("reviews", "r.jsonl", "\n".join(lines).encode())
    assert [(line, reason.split(":")[0]) for line, reason in reasons(answer)] == [
        (1, "body"),
        (2, "body"),
    ]
    assert count(session, Review) == 1


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("x." + "a" * 300, 422),
        ("a" * 300 + ".csv", 200),
        ("a" * 300 + "." + "b" * 300, 422),
        ("../../etc/" + "c" * 250 + ".csv", 200),
        ("C:\\fakepath\\reviews.csv", 200),
    ],
)
def test_long_or_odd_file_names(post: Callable[..., Any], name: str, status: int) -> None:
    answer = post("reviews", name, (REVIEW_HEADER + "r1,5,Good,2026-04-01\n").encode())
    assert answer.status_code == status, answer.text
    if status == 422:
        assert answer.json()["error"] == "invalid_input"
        assert "unknown format" in answer.json()["detail"] and len(answer.json()["detail"]) < 250
    # The format can always be given when the name says nothing useful.
    named = post("reviews", name, (REVIEW_HEADER + "r2,5,Good,2026-04-01\n").encode(), format="csv")
    assert named.status_code == 200 and named.json()["accepted"] == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", b""),
        ("header.csv", REVIEW_HEADER.encode()),
        ("blank.csv", b" \n\r\n\t\n"),
        ("blank.jsonl", b"\n  \n"),
        ("empty.json", b"[]"),
        ("wrapped.json", b'{"reviews": []}'),
    ],
)
def test_empty_upload_is_an_error_naming_the_file(
    post: Callable[..., Any], name: str, content: bytes
) -> None:
    answer = post("reviews", name, content)
    assert answer.status_code == 422
    assert answer.json() == {"error": "empty_file", "detail": f"{name}: no rows to import"}
    strict = post("reviews", name, content, strict="true")
    assert strict.json()["error"] == "empty_file"


def test_cli_bad_files_are_one_line_each(env: Path) -> None:
    (env / "empty.csv").write_bytes(b"")
    (env / "deep.json").write_text("[" * DEEP + "]" * DEEP)
    (env / "excel.csv").write_bytes((REVIEW_HEADER + "r1,x,Très bon,2026-04-01\n").encode("cp1252"))
    (env / "markup.csv").write_text(REVIEW_HEADER + "r2,[/bold],Good,2026-04-01\n")
    empty = runner.invoke(app, ["import", "reviews", str(env / "empty.csv")])
    assert (empty.exit_code, last_line(empty)) == (1, "error: empty.csv: no rows to import")
    deep = runner.invoke(app, ["import", "events", str(env / "deep.json")])
    assert deep.exit_code == 1 and "Traceback" not in deep.output
    assert last_line(deep) == "error: deep.json: invalid JSON: nested too deeply"
    excel = runner.invoke(app, ["import", "reviews", str(env / "excel.csv")])
    assert excel.exit_code == 0, excel.output
    assert "line 2: rating: not a number: x" in excel.output
    # A cell that looks like console markup is printed as it is.
    markup = runner.invoke(app, ["import", "reviews", str(env / "markup.csv")])
    assert markup.exit_code == 0, markup.output
    assert "line 2: rating: not a number: [/bold]" in markup.output


def test_cli_unreadable_file_is_one_line(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = env / "locked.csv"
    locked.write_text(REVIEW_HEADER)
    real_open = Path.open

    def open_(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path == locked:  # as chmod 000 would, for a user other than root
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    result = runner.invoke(app, ["import", "reviews", str(locked)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert last_line(result) == f"error: {locked}: cannot be read (Permission denied)"


def test_events_properties_cell_must_be_a_json_object(
    post: Callable[..., Any], session: Session
) -> None:
    csv = (
        "type,occurred_at,visitor_id,properties\n"
        'login,2026-03-01,v1,"[1, 2]"\nlogin,2026-03-01,v2,"{""plan"": ""pro""}"\n'
    )
    answer = post("events", "e.csv", csv.encode())
    assert reasons(answer) == [(2, "properties: not a JSON object")]
    stored = session.scalars(select(JourneyEvent)).one()
    assert stored.properties == {"plan": "pro"}
    as_list = '{"type": "login", "occurred_at": "2026-03-01", "visitor_id": "v", "properties": 5}'
    assert reasons(post("events", "e.jsonl", as_list.encode())) == [
        (1, "properties: not a JSON object")
    ]


def test_text_longer_once_lowercased_still_fits_its_column(
    post: Callable[..., Any], session: Session
) -> None:
    # "İ" lowercases to two characters: 64 of them would not fit a 64-character column.
    dotted = "İ" * 64
    reviews = REVIEW_HEADER.replace("\n", ",platform\n") + f"r1,5,Good,2026-04-01,{dotted}\n"
    assert reasons(post("reviews", "r.csv", reviews.encode()))[0][1].startswith("platform:")
    tickets = (
        "external_id,subject,contact_email,created_at,status,priority,channel\n"
        f"t1,Help,a@b.io,2026-03-01,{'İ' * 16},,\n"
        f"t2,Help,a@b.io,2026-03-01,,{'İ' * 16},\n"
        f"t3,Help,a@b.io,2026-03-01,,,{'İ' * 32}\n"
        f"t4,Help,a@b.io,2026-03-01, Pending Customer ,,Web Form\n"
    )
    answer = post("tickets", "t.csv", tickets.encode())
    assert [(line, reason.split(":")[0]) for line, reason in reasons(answer)] == [
        (2, "status"),
        (3, "priority"),
        (4, "channel"),
    ]
    (ticket,) = session.scalars(select(Ticket))
    assert (ticket.status, ticket.channel) == ("pending_customer", "web_form")
