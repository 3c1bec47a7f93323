"""The actions a contact may be offered next, and when: a catalogue in configuration.

Each action says whom it fits (stages, segments), the signals that make a contact eligible
(all of `when`, and at least one of `when_any`), the channel it goes out on, its business value
and how long to wait before offering it again. The default B2B catalogue ships beside this
module (`default_actions.yaml`); a company names its own in `journey.toml`
(`[next_steps] actions_file`). A file that does not validate is refused with the key at fault.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.next_steps.automations import Automations, Rule
from journey.errors import InvalidInput
from journey.vocabulary import Vocabulary

Channel = Literal["chat", "agent_task", "email", "sales_handover", "webhook"]
Scope = Literal["contact", "account"]


class _Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _Bar(_Condition):
    """A figure below or above a bar: one of the two is given."""

    below: float | None = None
    above: float | None = None

    @model_validator(mode="after")
    def _one_bar(self) -> _Bar:
        if (self.below is None) == (self.above is None):
            raise ValueError("give one of below or above")
        return self


class Events(_Condition):
    """At least (or at most) N events of these types within D days: "3 pricing-page visits in
    7 days", "no demo booked" (`at_most: 0`, no window: ever)."""

    signal: Literal["events"]
    types: list[str] = Field(min_length=1)
    url_contains: list[str] = Field(default_factory=list)  # page views of these pages only
    within_days: int | None = Field(default=None, gt=0)
    at_least: int = Field(default=1, ge=0)
    at_most: int | None = Field(default=None, ge=0)
    scope: Scope = "account"

    @model_validator(mode="after")
    def _none_is_enough(self) -> Events:
        if self.at_most is not None and "at_least" not in self.model_fields_set:
            self.at_least = 0  # "at_most: 0" alone: none at all
        return self


class Stalled(_Condition):
    """No event of a type within N days after the first event of another: "no first value 30
    days after signing"."""

    signal: Literal["stalled"]
    after: str
    type: str
    days: int = Field(gt=0)
    scope: Scope = "account"


class Tickets(_Condition):
    """Tickets with one of these tags opened within D days ("SSO or SAML errors")."""

    signal: Literal["tickets"]
    tags: list[str] = Field(min_length=1)
    within_days: int = Field(default=30, gt=0)
    at_least: int = Field(default=1, ge=1)
    scope: Scope = "account"


class Sentiment(_Bar):
    """The mean sentiment (-1..1) of what was written within D days is below or above a bar."""

    signal: Literal["sentiment"]
    within_days: int = Field(default=30, gt=0)
    below: float | None = Field(default=None, ge=-1, le=1)
    above: float | None = Field(default=None, ge=-1, le=1)
    at_least_texts: int = Field(default=2, ge=1)
    scope: Scope = "account"


class Nps(_Condition):
    """The latest NPS answer within D days scored at most (a detractor) or at least (a
    promoter) this."""

    signal: Literal["nps"]
    within_days: int = Field(default=180, gt=0)
    at_most: int | None = Field(default=None, ge=0, le=10)
    at_least: int | None = Field(default=None, ge=0, le=10)
    scope: Scope = "contact"

    @model_validator(mode="after")
    def _one_bar(self) -> Nps:
        if (self.at_most is None) == (self.at_least is None):
            raise ValueError("give one of at_most or at_least")
        return self


class OpenFlags(_Condition):
    """A moment of truth for the account still open, for one of these reasons (any, if none
    is given)."""

    signal: Literal["open_flags"]
    reasons: list[str] = Field(default_factory=list)
    scope: Scope = "account"


class Handoff(_Condition):
    """A chat handed to a person for one of these reasons within D days."""

    signal: Literal["handoff"]
    reasons: list[str] = Field(min_length=1)
    within_days: int = Field(default=30, gt=0)
    scope: Scope = "contact"


class Renewal(_Condition):
    """The account renews within D days."""

    signal: Literal["renewal"]
    within_days: int = Field(gt=0)


class UsageTrend(_Bar):
    """The account's use (logins, features used) in the last D days against the D days before,
    as a relative change: -0.3 is a drop of 30%."""

    signal: Literal["usage_trend"]
    types: list[str] = Field(default_factory=lambda: ["login", "feature_used"])
    days: int = Field(default=30, gt=0)


class Usage(_Bar):
    """How much the account's active people use the product: their logins (or other use) in
    the last D days, per person who used it at all. "14 logins a person in 90 days" is an
    account that has adopted the product; the trend says where it is heading, this how far."""

    signal: Literal["usage"]
    types: list[str] = Field(default_factory=lambda: ["login"])
    days: int = Field(default=90, gt=0)
    below: float | None = Field(default=None, ge=0)
    above: float | None = Field(default=None, ge=0)


class AccountField(_Condition):
    """The account's plan, segment, status, industry or country is one of these."""

    signal: Literal["account"]
    field: Literal["plan", "segment", "status", "industry", "country"]
    values: list[str] = Field(alias="in", min_length=1)


class Consent(_Condition):
    """The contact agreed to marketing messages (for an email)."""

    signal: Literal["consent"]
    marketing: bool = True


class FitRule(BaseModel):
    """Points for who the contact is: an account field among values, employees at least N, or
    a job title containing a word."""

    model_config = ConfigDict(extra="forbid")

    field: Literal["segment", "industry", "country", "plan", "employees", "job_title"]
    values: list[str] = Field(default_factory=list)
    at_least: int | None = None  # employees
    contains: list[str] = Field(default_factory=list)  # job title words
    points: float


class LearnedScoring(BaseModel):
    """When the history holds enough leads that signed and that did not (`min_each` of both),
    a logistic regression trained on them decides who qualifies: a lead as likely as
    `qualify_at` to sign within 90 days. Otherwise the points do."""

    model_config = ConfigDict(extra="forbid")

    min_each: int = Field(default=20, ge=2)
    qualify_at: float = Field(default=0.5, gt=0, lt=1)


class LeadScoring(BaseModel):
    """Lead scores: fit rules, points per event type halved every `half_life_days`, and the
    score at which a contact becomes a marketing-qualified lead."""

    model_config = ConfigDict(extra="forbid")

    mql_threshold: float = Field(default=60, gt=0)
    half_life_days: float = Field(default=30, gt=0)
    fit: list[FitRule] = Field(default_factory=list)
    engagement: dict[str, float] = Field(default_factory=dict)  # event type: points
    learned: LearnedScoring = Field(default_factory=LearnedScoring)


class LeadScore(_Condition):
    """The contact's lead score (fit and decayed engagement) reached a bar; `mql`: the
    catalogue's MQL threshold."""

    signal: Literal["lead_score"]
    at_least: float | None = None
    mql: bool = False

    @model_validator(mode="after")
    def _one_bar(self) -> LeadScore:
        if (self.at_least is None) == (not self.mql):
            raise ValueError("give one of at_least or mql: true")
        return self


Condition = Annotated[
    Events
    | Stalled
    | Tickets
    | Sentiment
    | Nps
    | OpenFlags
    | Handoff
    | Renewal
    | UsageTrend
    | Usage
    | AccountField
    | Consent
    | LeadScore,
    Field(discriminator="signal"),
]


class Action(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    label: str | None = None  # what a visitor's button says, for a `chat` step
    stages: list[str] = Field(default_factory=list)  # none: any stage
    segments: list[str] = Field(default_factory=list)  # none: any segment
    when: list[Condition] = Field(default_factory=list)
    when_any: list[Condition] = Field(default_factory=list)
    channel: Channel
    value: float = Field(gt=0)
    cooldown_days: int = Field(default=14, ge=0)


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actions: list[Action] = Field(min_length=1)
    lead_scoring: LeadScoring = Field(default_factory=LeadScoring)
    automations: Automations = Field(default_factory=Automations)

    @model_validator(mode="after")
    def _unique(self) -> Catalogue:
        keys = [a.key for a in self.actions]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"action {twice[0]!r} is defined twice")
        return self

    def check(self, vocabulary: Vocabulary, where: str) -> Catalogue:
        """Stages and event types named must be the company's own."""
        stages = {s.key for s in vocabulary.stages}
        types = {e.key for e in vocabulary.event_types}
        for n, action in enumerate(self.actions):
            for stage in action.stages:
                if stage not in stages:
                    raise CatalogueError(f"{where}: actions[{n}].stages: unknown stage {stage!r}")
            for group in ("when", "when_any"):
                for m, condition in enumerate(getattr(action, group)):
                    named = [*getattr(condition, "types", []), getattr(condition, "type", ""),
                             getattr(condition, "after", "")]  # fmt: skip
                    unknown = [t for t in named if t and t not in types]
                    if unknown:
                        raise CatalogueError(
                            f"{where}: actions[{n}].{group}[{m}]: unknown event type {unknown[0]!r}"
                        )
        for n, rule in enumerate(self.automations.rules):
            self.check_rule(rule, vocabulary, f"{where}: automations.rules[{n}]")
        for kind in self.lead_scoring.engagement:
            if kind not in types:
                raise CatalogueError(
                    f"{where}: lead_scoring.engagement: unknown event type {kind!r}"
                )
        return self

    def check_rule(self, rule: Rule, vocabulary: Vocabulary, where: str) -> None:
        """The event types, steps and e-mail templates a rule names must exist."""
        types = {e.key for e in vocabulary.event_types}
        for name in (rule.trigger.event, *rule.trigger.unless):
            if name and name not in types:
                raise CatalogueError(f"{where}.trigger: unknown event type {name!r}")
        for step in rule.actions:
            if step.step is not None and self.get(step.step) is None:
                raise CatalogueError(f"{where}: unknown step {step.step!r}")
            if step.email is not None and step.email not in self.automations.emails:
                raise CatalogueError(f"{where}: no e-mail template {step.email!r}")

    def get(self, key: str) -> Action | None:
        return next((a for a in self.actions if a.key == key), None)


class CatalogueError(InvalidInput):
    code = "invalid_actions"


def load_catalogue(path: Path | None, vocabulary: Vocabulary) -> Catalogue:
    """The company's actions from a YAML file, or the default catalogue."""
    if path is None:
        text = resources.files(__package__).joinpath("default_actions.yaml").read_text("utf-8")
        where = "default_actions.yaml"
    else:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogueError(f"{path}: cannot read it ({exc.__class__.__name__})") from exc
        where = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{where}: not YAML ({exc.__class__.__name__})") from exc
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        at = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
        raise CatalogueError(f"{where}: {at.lstrip('.') or 'top'}: {error['msg']}") from exc
    return catalogue.check(vocabulary, where)
