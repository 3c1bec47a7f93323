"""The shapes of imported tickets, reviews and survey answers, and how a file's columns map
onto them: by field name, by `--map FIELD=COLUMN`, or by a preset for a common export.

Column names match exactly, then ignoring case, spaces and punctuation ("Ticket ID" finds
`ticket_id`); in JSON a dotted name reaches into nested objects (`via.channel`).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ingestion import imports
from ingestion.records import parse_json
from journey.errors import InvalidInput
from journey.schemas import as_utc

Timestamp = Annotated[datetime, AfterValidator(as_utc)]
SCORE_RANGE = {"nps": (0, 10), "csat": (1, 5)}


def _number(value: Any) -> Any:
    """Numbers in a CSV cell are text: '4' and '4.0' are read as 4.0; 'inf', 'nan' and
    '1e309' are not numbers anyone rated with."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise PydanticCustomError(
                "number", "not a number: {value}", {"value": _quoted(value)}
            ) from None
        if not math.isfinite(number):
            raise PydanticCustomError(
                "finite", "not a finite number: {value}", {"value": _quoted(value)}
            )
        return number
    return value


def _quoted(cell: str) -> str:
    return cell.strip()[:40]


def _lowered(value: Any, space: str = " ") -> Any:
    """Lowercased before the length is checked: some letters lowercase to two ("İ")."""
    return value.strip().lower().replace(" ", space) if isinstance(value, str) else value


def _json_cell(value: Any) -> Any:
    """A CSV cell holding JSON (a list of tags or comments)."""
    if isinstance(value, str):
        try:
            return parse_json(value)
        except ValueError as exc:
            raise PydanticCustomError("json", "{problem}", {"problem": str(exc)}) from None
    return value


def _cut(limit: int) -> AfterValidator:
    # Long subjects and titles are shortened rather than losing the row.
    return AfterValidator(lambda value: value[:limit] if isinstance(value, str) else value)


class FeedbackItem(BaseModel):
    """What every kind has: its id in the source system and the person behind it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: str = Field(min_length=1, max_length=100)
    contact_email: EmailStr | None = None
    contact_external_id: str | None = Field(default=None, max_length=100)
    contact_name: Annotated[str | None, _cut(200)] = None
    stage: str | None = Field(default=None, max_length=32)
    language: str | None = Field(default=None, max_length=8)

    @field_validator("external_id", "contact_external_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator(
        "contact_email", "stage", "touchpoint", "platform", mode="before", check_fields=False
    )
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return _lowered(value)

    @property
    def person(self) -> bool:
        return bool(self.contact_email or self.contact_external_id)

    def check(self) -> None:
        """Rules across fields; raises ValueError('field: reason')."""


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    body: str = Field(min_length=1, validation_alias=AliasChoices("body", "plain_body", "text"))
    author_role: str = Field(
        default="unknown",
        max_length=16,
        validation_alias=AliasChoices("author_role", "role", "author_type"),
    )
    created_at: Timestamp | None = None

    @field_validator("author_role", mode="before")
    @classmethod
    def _role(cls, value: Any) -> Any:
        value = _lowered(value)
        if value in {"end-user", "end_user", "enduser", "requester", "user", "contact"}:
            return "customer"
        return "agent" if value in {"admin", "staff", "support"} else value


class TicketIn(FeedbackItem):
    subject: Annotated[str, Field(min_length=1), _cut(500)]
    body: str = ""
    status: str = Field(default="open", max_length=16)
    priority: str = Field(default="normal", max_length=16)
    channel: str | None = Field(default=None, max_length=32)
    touchpoint: str | None = Field(default=None, max_length=32)
    tags: list[str] = Field(default_factory=list)
    created_at: Timestamp
    first_response_at: Timestamp | None = None
    resolved_at: Timestamp | None = None
    comments: list[CommentIn] = Field(default_factory=list)

    @field_validator("status", "priority", "channel", mode="before")
    @classmethod
    def _lower_words(cls, value: Any) -> Any:
        return _lowered(value, space="_")

    @field_validator("tags", mode="before")
    @classmethod
    def _tag_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return _json_cell(value)
            # Zendesk separates tags with spaces, Freshdesk with commas.
            return [t for t in re.split(r"[,\s]+" if "," in value else r"\s+", value) if t]
        return value

    @field_validator("comments", mode="before")
    @classmethod
    def _comment_list(cls, value: Any) -> Any:
        return _json_cell(value)

    def check(self) -> None:
        if not self.person:
            raise ValueError("contact_email: a ticket needs the requester's email or id")


class ReviewIn(FeedbackItem):
    rating: int | None = Field(default=None, ge=1, le=5)
    title: Annotated[str | None, _cut(500)] = None
    body: str = Field(min_length=1)
    posted_at: Timestamp
    company: str | None = Field(default=None, max_length=200)
    platform: str | None = Field(default=None, max_length=64)

    @field_validator("rating", mode="before")
    @classmethod
    def _stars(cls, value: Any) -> Any:
        value = _number(value)
        # Half stars (4.5) round to the nearest whole star, half up.
        return int(value + 0.5) if isinstance(value, float) else value


class SurveyIn(FeedbackItem):
    kind: Literal["nps", "csat"]
    score: int
    comment: str | None = None
    answered_at: Timestamp
    touchpoint: str | None = Field(default=None, max_length=32)
    ticket_external_id: str | None = Field(default=None, max_length=100)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        text = str(value).strip().lower()
        if text in {"nps", "net promoter score", "net_promoter_score", "relationship"}:
            return "nps"
        if text in {"csat", "customer satisfaction", "satisfaction", "ticket"}:
            return "csat"
        return text

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, value: Any) -> Any:
        value = _number(value)
        if isinstance(value, float):
            if not value.is_integer():
                raise PydanticCustomError("whole", "not a whole number: {value}", {"value": value})
            return int(value)
        return value

    @field_validator("ticket_external_id", mode="before")
    @classmethod
    def _ticket_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    def check(self) -> None:
        if not self.person:
            raise ValueError("contact_email: a survey answer needs the respondent's email or id")
        low, high = SCORE_RANGE[self.kind]
        if not low <= self.score <= high:
            raise ValueError(f"score: {self.score} is out of range for {self.kind} ({low}-{high})")


SCHEMAS: dict[str, type[FeedbackItem]] = {
    "tickets": TicketIn,
    "reviews": ReviewIn,
    "surveys": SurveyIn,
}

# Preset: the kind it is for, and per field the columns to try, first found wins.
PRESETS: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "helpdesk": (
        "tickets",
        {
            "external_id": ("id", "ticket_id"),
            "subject": ("subject",),
            "body": ("description", "description_text", "body"),
            "channel": ("via.channel", "via", "channel"),
            "contact_email": ("requester_email", "requester.email", "email"),
            "contact_name": ("requester_name", "requester.name", "name"),
            "created_at": ("created_at", "created_time", "created"),
            "resolved_at": ("solved_at", "resolved_at", "resolved_time"),
        },
    ),
    "review-site": (
        "reviews",
        {
            "external_id": ("review_id", "id"),
            "rating": ("rating", "stars", "star_rating", "score"),
            "title": ("title", "review_title", "headline"),
            "body": ("review_text", "body", "review", "text", "content"),
            "posted_at": ("date", "published_at", "review_date", "created_at", "submitted_at"),
            "contact_email": ("reviewer_email", "email"),
            "contact_name": ("reviewer_name", "reviewer", "author", "name"),
            "company": ("company", "reviewer_company", "company_name", "organization"),
            "platform": ("platform", "site", "source"),
        },
    ),
    "survey": (
        "surveys",
        {
            "external_id": ("response_id", "id"),
            "kind": ("survey_type", "type", "survey"),
            "score": ("score", "rating"),
            "comment": ("comment", "feedback", "reason", "text"),
            "contact_email": ("email", "respondent_email"),
            "answered_at": ("date", "answered_at", "submitted_at", "responded_at", "created_at"),
            "ticket_external_id": ("ticket_id",),
        },
    ),
}


def columns_for(
    kind: str, mapping: dict[str, str], preset: str | None
) -> dict[str, tuple[str, ...]]:
    """Per field, the columns to read it from: `--map` first, then the preset, then its name."""
    if kind not in SCHEMAS:
        raise InvalidInput(f"unknown import {kind!r}; use one of {', '.join(SCHEMAS)}")
    preset_columns: dict[str, tuple[str, ...]] = {}
    if preset is not None:
        if preset not in PRESETS:
            raise InvalidInput(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
        preset_kind, preset_columns = PRESETS[preset]
        if preset_kind != kind:
            raise InvalidInput(f"preset {preset!r} is for {preset_kind}, not {kind}")
    columns = {}
    for name in SCHEMAS[kind].model_fields:
        mapped = mapping.get(name)
        columns[name] = (mapped,) if mapped else (*preset_columns.get(name, ()), name)
    return columns


def parse_mapping(kind: str, pairs: list[str]) -> dict[str, str]:
    if kind not in SCHEMAS:
        raise InvalidInput(f"unknown import {kind!r}; use one of {', '.join(SCHEMAS)}")
    return imports.parse_mapping(pairs, SCHEMAS[kind].model_fields, f"a field of {kind}")


def to_item(kind: str, record: dict[str, Any], columns: dict[str, tuple[str, ...]]) -> FeedbackItem:
    normalised = {_header(k): v for k, v in record.items() if k is not None}
    data = {}
    for name, candidates in columns.items():
        for column in candidates:
            value = _lookup(record, normalised, column)
            if value is not None and value != "":
                data[name] = value
                break
    item = SCHEMAS[kind].model_validate(data)
    item.check()
    return item


def _header(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def _lookup(record: dict[str, Any], normalised: dict[str, Any], column: str) -> Any:
    if column in record:
        return record[column]
    value: Any = record
    for part in column.split("."):  # nested JSON: via.channel
        value = value.get(part) if isinstance(value, dict) else None
    return value if value is not None else normalised.get(_header(column))
