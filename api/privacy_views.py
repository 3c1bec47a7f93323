"""A person's data for admins: everything stored about a contact (the right of access), and
its erasure (the right to be forgotten)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from api.deps import CurrentUser, SessionDep, UnitsOfWorkDep, audit_read, require_role
from api.routing import UnitOfWorkRoute
from journey.privacy import audit_entries, erase_contact, export_contact, find_contact
from journey.schemas import Instant

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/admin",
    tags=["privacy"],
    dependencies=[Depends(require_role("admin"))],
)


@router.get("/contacts/{contact}/export")
def export(
    contact: str, session: SessionDep, user: CurrentUser, units: UnitsOfWorkDep
) -> dict[str, Any]:
    """Everything stored about the contact (an id or an email), as JSON; the export is
    audited."""
    found = find_contact(session, contact)
    data = export_contact(session, found)
    audit_read(units, user.email, "contact.exported", "contact", found.id)
    return data


@router.delete("/contacts/{contact}")
def erase(contact: str, session: SessionDep, user: CurrentUser) -> dict[str, int]:
    """Erase the contact (an id or an email) and everything that is theirs; returns what was
    erased, table by table. Their account stays."""
    return erase_contact(session, find_contact(session, contact), user.email)


@router.get("/audit")
def audit_log(
    session: SessionDep,
    since: Annotated[Instant | None, Query(description="entries at or after this time")] = None,
    action: Annotated[
        str | None, Query(max_length=64, description="e.g. contact. or user.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
) -> list[dict[str, Any]]:
    """The audit log, oldest first: staff reads and writes of personal data (contact.read,
    conversation.read, contact.exported, contact.erased...), changes to users, flags, rules."""
    return audit_entries(session, since, action, limit)
