"""The automated journeys' rules, who they would reach, and admins' changes to them."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict

from api.deps import CurrentUser, ServicesDep, SessionDep, require_role
from api.routing import UnitOfWorkRoute
from assistant.next_steps.automations import Rule, due
from assistant.next_steps.rules import (
    RuleInForce,
    automations_in_force,
    remove_rule,
    rules_in_force,
    save_rule,
    set_enabled,
)
from journey.errors import InvalidInput, NotFound
from journey.schemas import Day

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/admin/automations",
    tags=["automations"],
    dependencies=[Depends(require_role("admin"))],
)


class RuleOut(Rule):
    source: Literal["configured", "changed", "added"]  # an admin's version, or their own rule

    @classmethod
    def of(cls, found: RuleInForce) -> RuleOut:
        return cls(**found.rule.model_dump(), source=found.source)


class Enabled(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool


class Reached(BaseModel):
    rule: str
    contact_id: int
    email: str | None
    why: str
    actions: list[str]


@router.get("")
def rules(session: SessionDep, services: ServicesDep) -> list[RuleOut]:
    """The rules in force: as configured (`automations:` in the actions file), with the
    admins' changes and their own rules."""
    catalogue, vocabulary = services.next_steps_catalogue, services.settings.vocabulary
    return [RuleOut.of(r) for r in rules_in_force(session, catalogue, vocabulary)]


@router.put("/{key}")
def put_rule(
    key: str, rule: Rule, session: SessionDep, services: ServicesDep, user: CurrentUser
) -> RuleOut:
    """Add a rule, or replace the one of this key; it runs from the next pass on."""
    if rule.key != key:
        raise InvalidInput(f"key: the body says {rule.key!r}, the address {key!r}")
    return RuleOut.of(save_rule(session, services.next_steps_catalogue,
                                services.settings.vocabulary, rule, user.email))  # fmt: skip


@router.patch("/{key}")
def pause_or_resume(
    key: str, change: Enabled, session: SessionDep, services: ServicesDep, user: CurrentUser
) -> RuleOut:
    """`{"enabled": false}` pauses a rule (configured or added), `true` lets it run again."""
    return RuleOut.of(set_enabled(session, services.next_steps_catalogue,
                                  services.settings.vocabulary, key, change.enabled,
                                  user.email))  # fmt: skip


class Removed(BaseModel):
    key: str
    now: RuleOut | None  # the configured rule in force again, or none: the rule is gone


@router.delete("/{key}")
def delete_rule(key: str, session: SessionDep, services: ServicesDep, user: CurrentUser) -> Removed:
    """Drop an admin's rule, or an admin's version of a configured rule (which is then as
    configured again)."""
    back = remove_rule(session, services.next_steps_catalogue, key, user.email)
    return Removed(key=key, now=RuleOut.of(back) if back else None)


@router.get("/{key}/dry-run")
def dry_run(
    key: str,
    session: SessionDep,
    services: ServicesDep,
    as_of: Annotated[Day | None, Query(description="as at noon that day; now if not given")] = None,
) -> list[Reached]:
    """Who the rule would reach now (or on a day), and why; nothing is done."""
    automations = automations_in_force(
        session, services.next_steps_catalogue, services.settings.vocabulary
    )
    if automations.get(key) is None:
        raise NotFound(f"no rule {key!r}")
    moment = datetime.combine(as_of, time(12), tzinfo=UTC) if as_of else datetime.now(UTC)
    return [
        Reached(rule=d.rule.key, contact_id=d.contact.id, email=d.contact.email, why=d.why,
                actions=[s.said() for s in d.rule.actions])
        for d in due(session, automations, moment, only=key)
    ]  # fmt: skip
