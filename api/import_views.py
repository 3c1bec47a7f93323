"""File imports over HTTP: the same imports as `journey import ...`, for an uploaded file."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, UploadFile
from pydantic import BaseModel, ConfigDict

from api.deps import JourneyDep, ServicesDep, SessionDep, require_role
from api.routing import UnitOfWorkRoute
from ingestion import events_import, feedback_items
from ingestion.feedback_import import import_feedback
from ingestion.imports import ImportReport
from journey.db import after_commit
from journey.errors import AppError, InvalidInput

router = APIRouter(
    route_class=UnitOfWorkRoute, tags=["imports"], dependencies=[Depends(require_role("manager"))]
)


class RowsRejected(AppError):
    """A strict import with rejected rows: nothing was written; the detail is the report."""

    code = "rows_rejected"
    status_code = 422


class RowErrorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line: int
    reason: str


class ImportReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    rows: int
    accepted: int
    duplicates: int
    near_duplicates: int
    without_event: int
    rejected: list[RowErrorOut]
    written: bool


@router.post("/imports/{kind}")
def import_file(
    kind: Literal["events", "tickets", "reviews", "surveys"],
    file: UploadFile,
    session: SessionDep,
    journey: JourneyDep,
    container: ServicesDep,
    preset: Annotated[str | None, Form(description="helpdesk, review-site or survey")] = None,
    source: Annotated[str, Form(description="source system of the rows")] = "import",
    strict: Annotated[bool, Form(description="write nothing if any row is rejected")] = False,
    fmt: Annotated[
        str | None, Form(alias="format", description="csv, json or jsonl (default: by name)")
    ] = None,
    mapping: Annotated[list[str] | None, Form(alias="map", description="FIELD=COLUMN")] = None,
) -> ImportReportOut:
    """Import a CSV, JSON or JSONL file of events, tickets, reviews or survey answers.

    Replays add nothing; rejected rows come back with their line and reason. With `strict`,
    any rejected row means nothing is written and the answer is a 422 carrying the report.
    """
    pairs = mapping or []
    name = display_name(file.filename)
    with tempfile.TemporaryDirectory(prefix="journey-import-") as tmp:
        # The client's name only names the file in messages (and says its format unless
        # told): as a path it could be too long, or anything else.
        path = Path(tmp) / "upload"
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        report: ImportReport
        if kind == "events":
            if preset:
                raise InvalidInput("preset: presets are for tickets, reviews and surveys")
            report = events_import.import_events(
                session,
                journey,
                path,
                fmt=fmt,
                name=name,
                mapping=events_import.parse_mapping(pairs),
                source=source,
                strict=strict,
            )
        else:
            report = import_feedback(
                session,
                journey,
                kind,
                path,
                fmt=fmt,
                name=name,
                mapping=feedback_items.parse_mapping(kind, pairs),
                preset=preset,
                source=source,
                strict=strict,
            )
    answer = ImportReportOut.model_validate(report)
    if not report.written:
        raise RowsRejected(answer.model_dump())
    if kind != "events":
        after_commit(session, container.request_analysis)
    return answer


def display_name(filename: str | None, limit: int = 80) -> str:
    """The upload's own file name, fit for a message: no folders (browsers on Windows send
    some), no control characters, and long names cut in the middle so the suffix stays."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()) or "upload"
    if len(name) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    if dot and len(suffix) <= 10:
        return f"{stem[: limit - len(suffix) - 2]}….{suffix}"
    return name[: limit - 1] + "…"
