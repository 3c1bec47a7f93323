"""Property tests: whatever bytes a file holds, the readers give records or rejected records
with their lines, or one readable InvalidInput; whatever a record holds, parsing it gives an
item or a row rejection; and whatever rows an upload holds, the answer is a report or a 422,
on SQLite and PostgreSQL. Never another exception (a 500 over HTTP)."""

import json
import string
import tempfile
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ingestion.events_import import EVENT_FIELDS, to_event
from ingestion.feedback_items import SCHEMAS, columns_for, to_item
from ingestion.records import BadRecord, read_records
from journey.errors import InvalidInput

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Bytes that look like the files people send, and bytes that do not.
csv_like = st.lists(
    st.sampled_from(
        ["a,b,c\n", "1,2,3\n", '"x\n"', '""', ",", "\r\n", "\n", " ", "\ufeff", "é", "–", "[", "{"]
    )
    | st.text(max_size=8),
    max_size=30,
).map(lambda parts: "".join(parts).encode("utf-8"))
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
).map(lambda value: json.dumps(value).encode())  # NaN and Infinity included
deep = st.tuples(st.integers(0, 5000), st.sampled_from([b"[", b'{"a":', b'[{"a":'])).map(
    lambda pair: b'{"p": ' + pair[1] * pair[0]
)
raw = st.binary(max_size=300)
any_bytes = (
    raw
    | csv_like
    | json_like
    | deep
    | raw.map(lambda b: b"\xef\xbb\xbf" + b)
    | raw.map(lambda b: b.decode("latin-1").encode("cp1252", "ignore"))
)


def read_all(content: bytes, fmt: str) -> list[tuple[int, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"file.{fmt}"
        path.write_bytes(content)
        return list(read_records(path))


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
@BOUNDED
@given(content=any_bytes)
def test_any_bytes_give_records_or_one_readable_error(fmt: str, content: bytes) -> None:
    try:
        pairs = read_all(content, fmt)
    except InvalidInput as exc:
        assert isinstance(exc.detail, str) and exc.detail.startswith("file.")
        assert "\n" not in exc.detail
        return
    assert pairs
    lines = [line for line, _ in pairs]
    assert all(line >= 1 for line in lines) and lines == sorted(lines)
    for line, record in pairs:
        assert isinstance(record, dict | BadRecord)
        if isinstance(record, BadRecord):
            assert record.line == line and record.reason


# Values a JSON record may hold in any field.
# What a CSV cell or a JSON field may hold: numbers and dates as text, JSON in a cell (tags,
# comments, properties), and any JSON value.
number_cells = st.sampled_from(
    ["inf", "nan", "-inf", "1e309", "Infinity", "4.5", "-0", "11", "3", "1e5000", "9" * 400]
)
other_cells = st.sampled_from(
    ["2026-04-01", "0001-01-01T00:00:00+05:00", "a@b.io", "[1]", "{}", "\x00", "\ud800",
     '[{"body": "hi", "created_at": "x"}]', '{"plan": "pro"}', "[1, 2]", "İ" * 40,
     "x@" + "İ" * 60 + ".io", 2**31, 2**63, -1, 0]
) | st.integers(0, 3000).map(lambda n: "[" * n + "]" * n)  # fmt: skip
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)  # the reader rejects the others
    | st.text(alphabet=string.printable + "é–\u2028İ", max_size=12)
    | st.text(min_size=30, max_size=300),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
field_values = number_cells | other_cells | json_values


def records(fields: set[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(st.sampled_from(sorted(fields)), field_values, max_size=len(fields))


ROW_ERRORS = (ValidationError, InvalidInput, ValueError)  # what an import reports as a row


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
@BOUNDED
@given(data=st.data())
def test_any_record_is_an_item_or_a_row_rejection(kind: str, data: st.DataObject) -> None:
    record = data.draw(records(set(SCHEMAS[kind].model_fields)))
    try:
        item = to_item(kind, record, columns_for(kind, {}, None))
    except ROW_ERRORS:
        return
    assert isinstance(item, SCHEMAS[kind])


@BOUNDED
@given(record=records(EVENT_FIELDS))
def test_any_record_is_an_event_or_a_row_rejection(record: dict[str, Any]) -> None:
    try:
        event = to_event(record, {}, "import")
    except ROW_ERRORS:
        return
    assert event.occurred_at.tzinfo == UTC


# The least a row needs to get past validation, so that the drawn fields reach the database.
VALID = {
    "events": {"type": "login", "occurred_at": "2026-03-01", "contact_email": "a@b.io"},
    "tickets": {"external_id": "1", "subject": "s", "created_at": "2026-03-01",
                "contact_email": "a@b.io"},
    "reviews": {"external_id": "1", "body": "b", "posted_at": "2026-03-01"},
    "surveys": {"external_id": "1", "kind": "nps", "score": 5, "answered_at": "2026-03-01",
                "contact_email": "a@b.io"},
}  # fmt: skip
FIELDS = {"events": EVENT_FIELDS, **{kind: set(s.model_fields) for kind, s in SCHEMAS.items()}}


@pytest.fixture
def manager(staff_token: Callable[[str], str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff_token('manager')}"}


@pytest.mark.parametrize("kind", sorted(VALID))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_upload_is_a_report_or_a_422(
    kind: str, data: st.DataObject, client: TestClient, manager: dict[str, str]
) -> None:
    rows = data.draw(st.lists(records(FIELDS[kind]), min_size=1, max_size=3))
    content = "\n".join(json.dumps({**VALID[kind], **row}) for row in rows).encode()
    files = {"file": ("rows.jsonl", content)}
    answer = client.post(f"/imports/{kind}", files=files, headers=manager)
    assert answer.status_code in (200, 422), answer.text
