"""Next best steps for a contact, and what became of them, for agents and the systems they use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from pydantic import BaseModel

from api.deps import CurrentUser, NextStepsDep, UnitsOfWorkDep, audit_read, require_role
from api.routing import UnitOfWorkRoute
from assistant.next_steps.service import NextSteps, Outcome
from journey.schemas import Day, Instant, RowId

router = APIRouter(
    route_class=UnitOfWorkRoute,
    tags=["next steps"],
    dependencies=[Depends(require_role("agent"))],
)


class OutcomeIn(BaseModel):
    outcome: Outcome
    at: Instant | None = None


class OutcomeOut(BaseModel):
    event_id: int


@router.get("/contacts/{contact_id}/next-steps")
def next_steps(
    contact_id: RowId,
    service: NextStepsDep,
    user: CurrentUser,
    units: UnitsOfWorkDep,
    as_of: Annotated[
        Day | None, Query(description="only what was known then; today if not given")
    ] = None,
) -> NextSteps:
    """The actions the contact is eligible for, best first, each with the signals that made
    it eligible (the reason), its score (propensity × value × context weight) and channel.
    The read is audited: it is about a person."""
    steps = service.for_contact(service.contact(contact_id), as_of)
    audit_read(units, user.email, "contact.read", "contact", contact_id, what="next steps")
    return steps


@router.post(
    "/contacts/{contact_id}/next-steps/{action}/outcome", status_code=status.HTTP_201_CREATED
)
def record_outcome(
    contact_id: RowId, action: str, body: OutcomeIn, service: NextStepsDep, user: CurrentUser
) -> OutcomeOut:
    """A suggestion shown, accepted, dismissed or converted: a journey event of the contact's,
    with who recorded it, which the ranking's acceptance rates learn from."""
    contact = service.contact(contact_id)
    return OutcomeOut(
        event_id=service.record(contact, action, body.outcome, body.at, by=user.email)
    )
