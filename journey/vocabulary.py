"""The journey vocabulary: stages (ordered), channels, touchpoints and event types.

The B2B defaults below can be renamed, extended or trimmed in `journey.toml` under
`[vocabulary]`; stored data keeps the keys, so a label change never rewrites history.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, Field, model_validator

StageRule = Literal["advance", "set", "none"]


class Stage(BaseModel):
    key: str
    label: str
    description: str = ""


class Channel(BaseModel):
    key: str
    label: str


class Touchpoint(BaseModel):
    key: str
    label: str
    channel: str


class EventType(BaseModel):
    key: str
    label: str
    stage: str | None = Field(
        default=None, description="stage given to an event of this type that names none"
    )
    stage_rule: StageRule = Field(
        default="none",
        description="advance: moves the contact forward to `stage`; set: puts it there; "
        "none: does not move the contact",
    )
    touchpoint: str | None = None


def _stages() -> list[Stage]:
    return [
        Stage(key="awareness", label="Awareness", description="first contact with the brand"),
        Stage(key="consideration", label="Consideration", description="evaluating, trialling"),
        Stage(key="decision", label="Decision", description="demos, proposals, negotiation"),
        Stage(key="onboarding", label="Onboarding", description="signed, setting up"),
        Stage(key="adoption", label="Adoption", description="getting value, daily use"),
        Stage(key="retention", label="Retention", description="renewal and expansion"),
        Stage(key="advocacy", label="Advocacy", description="referrals, reviews, references"),
    ]


def _channels() -> list[Channel]:
    return [
        Channel(key="web", label="Web"),
        Channel(key="email", label="Email"),
        Channel(key="voice", label="Voice"),
        Channel(key="social", label="Social"),
        Channel(key="in_person", label="In person"),
        Channel(key="product", label="Product"),
    ]


def _touchpoints() -> list[Touchpoint]:
    return [
        Touchpoint(key="website", label="Website page", channel="web"),
        Touchpoint(key="chat_widget", label="Chat widget", channel="web"),
        Touchpoint(key="email", label="Email", channel="email"),
        Touchpoint(key="phone", label="Phone", channel="voice"),
        Touchpoint(key="social_media", label="Social media", channel="social"),
        Touchpoint(key="review_portal", label="Review portal", channel="web"),
        Touchpoint(key="event_webinar", label="Event / webinar", channel="in_person"),
        Touchpoint(key="sales_call", label="Sales call / demo", channel="voice"),
        Touchpoint(key="support_ticket", label="Support ticket", channel="email"),
        Touchpoint(key="in_product", label="In-product", channel="product"),
        Touchpoint(key="community", label="Community", channel="web"),
        Touchpoint(key="direct_mail", label="Direct mail", channel="in_person"),
    ]


def _event_types() -> list[EventType]:
    def et(
        key: str,
        stage: str | None = None,
        rule: StageRule = "none",
        touchpoint: str | None = None,
        label: str | None = None,
    ) -> EventType:
        return EventType(
            key=key,
            label=label or key.replace("_", " ").capitalize(),
            stage=stage,
            stage_rule=rule,
            touchpoint=touchpoint,
        )

    return [
        et("page_view", touchpoint="website"),
        et("ad_click", "awareness", "advance", "social_media"),
        et("social_engagement", "awareness", "advance", "social_media"),
        et("email_opened", touchpoint="email"),
        et("email_clicked", touchpoint="email"),
        et("webinar_attended", "consideration", "advance", "event_webinar"),
        et("content_downloaded", "consideration", "advance", "website"),
        et("form_submitted", "consideration", "advance", "website"),
        et("trial_started", "consideration", "advance", "in_product"),
        et("lead_qualified", "decision", "advance"),
        et("demo_booked", "decision", "advance", "sales_call"),
        et("demo_attended", "decision", "advance", "sales_call"),
        et("proposal_sent", "decision", "advance", "email"),
        et("contract_signed", "onboarding", "advance"),
        et("user_invited", "onboarding", touchpoint="in_product"),
        et("sso_configured", "onboarding", touchpoint="in_product", label="SSO configured"),
        et("integration_connected", "onboarding", touchpoint="in_product"),
        et("first_value_reached", "adoption", "advance", "in_product"),
        et("login", "adoption", touchpoint="in_product"),
        et("feature_used", "adoption", touchpoint="in_product"),
        et("renewal_due", "retention", "advance"),
        et("renewal_signed", "retention", "advance"),
        et("expansion_signed", "retention", "advance"),
        et("contract_cancelled", "retention", "set"),
        et("referral_made", "advocacy", "advance"),
        et("case_study_published", "advocacy", "advance"),
        et("chat_message", touchpoint="chat_widget"),
        et("chat_handoff", touchpoint="chat_widget"),
        et("chat_answer_rated", touchpoint="chat_widget"),
        et("ticket_opened", touchpoint="support_ticket"),
        et("ticket_resolved", touchpoint="support_ticket"),
        et("review_posted", touchpoint="review_portal"),
        et("survey_answered", touchpoint="email"),
        et("call_logged", touchpoint="phone"),
        et("community_post", touchpoint="community"),
        et("direct_mail_sent", "awareness", touchpoint="direct_mail"),
        # What became of a suggested next step: the acceptance rates next steps learn from.
        et("next_step_shown"),
        et("next_step_accepted"),
        et("next_step_dismissed"),
        et("next_step_converted"),
        et("automation_ran"),  # an automated journey's rule ran for the contact
        et("lead_score_adjusted"),  # points added to (or taken from) the lead score by a rule
    ]


def _detach(event_type: EventType, stages: set[str], touchpoints: set[str]) -> EventType:
    changes: dict[str, object] = {}
    if event_type.stage is not None and event_type.stage not in stages:
        changes.update(stage=None, stage_rule="none")
    if event_type.touchpoint is not None and event_type.touchpoint not in touchpoints:
        changes["touchpoint"] = None
    return event_type.model_copy(update=changes) if changes else event_type


class VocabularyError(ValueError):
    """A vocabulary that does not hold together; the message names the offending key."""


class Vocabulary(BaseModel):
    stages: list[Stage] = Field(default_factory=_stages)
    channels: list[Channel] = Field(default_factory=_channels)
    touchpoints: list[Touchpoint] = Field(default_factory=_touchpoints)
    event_types: list[EventType] = Field(default_factory=_event_types)

    @model_validator(mode="after")
    def _check_references(self) -> Vocabulary:
        for name in ("stages", "channels", "touchpoints", "event_types"):
            keys = [item.key for item in getattr(self, name)]
            duplicates = sorted({k for k in keys if keys.count(k) > 1})
            if duplicates:
                raise VocabularyError(f"vocabulary.{name}: duplicate key {duplicates[0]!r}")
        if not self.stages:
            raise VocabularyError("vocabulary.stages: at least one stage is needed")
        channels = {c.key for c in self.channels}
        stages = {s.key for s in self.stages}
        touchpoints = {t.key for t in self.touchpoints}
        if "event_types" not in self.model_fields_set:
            # Default event types follow a company's own stages and touchpoints: a reference
            # to a dropped stage or touchpoint is let go instead of failing the config.
            self.event_types = [_detach(ev, stages, touchpoints) for ev in self.event_types]
        for tp in self.touchpoints:
            if tp.channel not in channels:
                raise VocabularyError(
                    f"vocabulary.touchpoints.{tp.key}.channel: unknown channel {tp.channel!r}"
                )
        for ev in self.event_types:
            if ev.stage is not None and ev.stage not in stages:
                raise VocabularyError(
                    f"vocabulary.event_types.{ev.key}.stage: unknown stage {ev.stage!r}"
                )
            if ev.stage_rule != "none" and ev.stage is None:
                raise VocabularyError(
                    f"vocabulary.event_types.{ev.key}.stage_rule: {ev.stage_rule!r} needs a stage"
                )
            if ev.touchpoint is not None and ev.touchpoint not in touchpoints:
                raise VocabularyError(
                    f"vocabulary.event_types.{ev.key}.touchpoint: "
                    f"unknown touchpoint {ev.touchpoint!r}"
                )
        return self

    @cached_property
    def stage_order(self) -> dict[str, int]:
        return {s.key: i for i, s in enumerate(self.stages)}

    @cached_property
    def channel_of(self) -> dict[str, str]:
        return {t.key: t.channel for t in self.touchpoints}

    @cached_property
    def event_type(self) -> dict[str, EventType]:
        return {e.key: e for e in self.event_types}

    def fold_stage(self, current: str | None, event_type: str) -> str | None:
        """The stage after an event of `event_type`, given the stage before it."""
        rule = self.event_type.get(event_type)
        if rule is None or rule.stage_rule == "none" or rule.stage is None:
            return current
        if rule.stage_rule == "set" or current is None:
            return rule.stage
        order = self.stage_order
        # A stage dropped from the config keeps its place at the start of the journey.
        return rule.stage if order[rule.stage] > order.get(current, -1) else current
