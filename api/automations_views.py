"""The automated journeys' rules and who they would reach, for admins."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.deps import ServicesDep, SessionDep, require_role
from api.routing import UnitOfWorkRoute
from assistant.next_steps.automations import Rule, due
from journey.errors import NotFound
from journey.schemas import Day

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/admin/automations",
    tags=["automations"],
    dependencies=[Depends(require_role("admin"))],
)


class Reached(BaseModel):
    rule: str
    contact_id: int
    email: str | None
    why: str
    actions: list[str]


@router.get("")
def rules(services: ServicesDep) -> list[Rule]:
    """The rules in force, as configured (`automations:` in the actions file)."""
    return services.next_steps_catalogue.automations.rules


@router.get("/{rule}/dry-run")
def dry_run(
    rule: str,
    session: SessionDep,
    services: ServicesDep,
    as_of: Annotated[Day | None, Query(description="as at noon that day; now if not given")] = None,
) -> list[Reached]:
    """Who the rule would reach now (or on a day), and why; nothing is done."""
    automations = services.next_steps_catalogue.automations
    if automations.get(rule) is None:
        raise NotFound(f"no rule {rule!r}")
    moment = datetime.combine(as_of, time(12), tzinfo=UTC) if as_of else datetime.now(UTC)
    return [
        Reached(rule=d.rule.key, contact_id=d.contact.id, email=d.contact.email, why=d.why,
                actions=[s.said() for s in d.rule.actions])
        for d in due(session, automations, moment, only=rule)
    ]  # fmt: skip
