from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, Field

from api.deps import CurrentUser, JourneyDep, UnitsOfWorkDep, audit_read, require_role
from api.routing import UnitOfWorkRoute
from journey.schemas import (
    ContactOut,
    EventIn,
    EventOut,
    IdentifyIn,
    Instant,
    RecordResult,
    RowId,
    Timeline,
)

router = APIRouter(
    route_class=UnitOfWorkRoute, tags=["journey"], dependencies=[Depends(require_role("agent"))]
)

MAX_BATCH = 10_000


class EventBatchIn(BaseModel):
    events: list[EventIn] = Field(max_length=MAX_BATCH)


@router.post("/events", status_code=status.HTTP_201_CREATED)
def record_event(event: EventIn, journey: JourneyDep, response: Response) -> EventOut:
    """Record one event. A replay (same idempotency key) answers 200 with the stored event."""
    stored, created = journey.record(event)
    if not created:
        response.status_code = status.HTTP_200_OK
    return EventOut.model_validate(stored)


@router.post("/events/batch")
def record_events(batch: EventBatchIn, journey: JourneyDep) -> RecordResult:
    """Record up to 10,000 events at once; all or nothing, replays counted as duplicates."""
    return journey.record_many(batch.events)


@router.get("/contacts/{contact_id}/timeline")
def contact_timeline(
    contact_id: RowId,
    journey: JourneyDep,
    user: CurrentUser,
    units: UnitsOfWorkDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Instant | None = None,
) -> Timeline:
    """A contact's events, newest first, with the stage derived from them (the read is
    audited: it is personal data)."""
    timeline = journey.timeline(contact_id, limit=limit, before=before)
    audit_read(units, user.email, "contact.read", "contact", contact_id, what="timeline")
    return timeline


@router.post("/identify")
def identify(body: IdentifyIn, journey: JourneyDep, user: CurrentUser) -> ContactOut:
    """Bind an anonymous visitor id to a contact, moving its history onto the contact."""
    consent = {"consent_analytics": body.consent_analytics,
               "consent_marketing": body.consent_marketing}  # fmt: skip
    contact = journey.identify(body.visitor_id, body.email, body.name, body.job_title, consent)
    return ContactOut.model_validate(contact)
