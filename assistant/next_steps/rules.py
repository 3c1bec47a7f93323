"""The automated journeys' rules in force: the configured ones (`automations:` in the actions
file) with the admins' changes over them, kept in the database so they outlive a restart and
need no file edit. An admin's version of a rule replaces the configured one of its key; rules
admins added come after the configured ones. Every change leaves an audit log entry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.next_steps.automations import Automations, Rule
from assistant.next_steps.catalogue import Catalogue, CatalogueError
from journey.db import utcnow
from journey.errors import InvalidInput, NotFound
from journey.models import AutomationRule
from journey.service import audit
from journey.vocabulary import Vocabulary

log = logging.getLogger(__name__)

Source = Literal["configured", "changed", "added"]


@dataclass
class RuleInForce:
    rule: Rule
    source: Source  # as configured, an admin's version of a configured rule, or an admin's own


def rules_in_force(
    session: Session, catalogue: Catalogue, vocabulary: Vocabulary
) -> list[RuleInForce]:
    configured = catalogue.automations.rules
    newest_last = select(AutomationRule).order_by(AutomationRule.updated_at, AutomationRule.key)
    saved = {row.key: row for row in session.scalars(newest_last)}
    found = []
    for rule in configured:
        row = saved.pop(rule.key, None)
        mine = _readable(row, catalogue, vocabulary) if row else None
        found.append(RuleInForce(mine, "changed") if mine else RuleInForce(rule, "configured"))
    for row in saved.values():
        mine = _readable(row, catalogue, vocabulary)
        if mine:
            found.append(RuleInForce(mine, "added"))
    return found


def automations_in_force(
    session: Session, catalogue: Catalogue, vocabulary: Vocabulary
) -> Automations:
    """What the runner and the dry run use."""
    return Automations.model_construct(
        rules=[r.rule for r in rules_in_force(session, catalogue, vocabulary)],
        emails=catalogue.automations.emails,
    )


def save_rule(
    session: Session, catalogue: Catalogue, vocabulary: Vocabulary, rule: Rule, actor: str
) -> RuleInForce:
    """Add a rule, or replace the one of its key (configured or added)."""
    catalogue.check_rule(rule, vocabulary, f"rule {rule.key!r}")
    row = session.get(AutomationRule, rule.key)
    if row is None:
        row = AutomationRule(key=rule.key, definition={}, updated_by=actor)
        session.add(row)
    row.definition, row.updated_at, row.updated_by = rule.model_dump(), utcnow(), actor
    audit(session, actor, "automation_rule.saved", "automation_rule", rule.key,
          rule=rule.model_dump())  # fmt: skip
    session.flush()
    return _in_force(session, catalogue, vocabulary, rule.key)


def set_enabled(
    session: Session, catalogue: Catalogue, vocabulary: Vocabulary, key: str, enabled: bool,
    actor: str,
) -> RuleInForce:  # fmt: skip
    """Pause a rule or let it run again; a configured rule is paused by an admin's copy."""
    current = _in_force(session, catalogue, vocabulary, key)
    return save_rule(
        session, catalogue, vocabulary, current.rule.model_copy(update={"enabled": enabled}),
        actor,
    )  # fmt: skip


def remove_rule(session: Session, catalogue: Catalogue, key: str, actor: str) -> RuleInForce | None:
    """Drop the admins' version of a rule: a configured rule is as configured again (returned),
    an added one is gone (None). A configured rule with no changes cannot be removed here."""
    row = session.get(AutomationRule, key)
    if row is None:
        if catalogue.automations.get(key) is not None:
            raise InvalidInput(
                f"rule {key!r} is configured in the actions file: pause it (enabled: false) "
                "or change it there"
            )
        raise NotFound(f"no rule {key!r}")
    session.delete(row)
    audit(session, actor, "automation_rule.removed", "automation_rule", key)
    session.flush()
    configured = catalogue.automations.get(key)
    return RuleInForce(configured, "configured") if configured else None


def _in_force(
    session: Session, catalogue: Catalogue, vocabulary: Vocabulary, key: str
) -> RuleInForce:
    rules = rules_in_force(session, catalogue, vocabulary)
    found = next((r for r in rules if r.rule.key == key), None)
    if found is None:
        raise NotFound(f"no rule {key!r}")
    return found


def _readable(row: AutomationRule, catalogue: Catalogue, vocabulary: Vocabulary) -> Rule | None:
    """A saved rule that no longer fits the catalogue (a step or template since removed from
    the file) is left out and logged, rather than stopping every other rule."""
    try:
        rule = Rule.model_validate(row.definition)
        catalogue.check_rule(rule, vocabulary, f"saved rule {row.key!r}")
    except (ValidationError, CatalogueError) as exc:
        log.warning("automation rule %r left out: %s", row.key, exc)
        return None
    return rule
