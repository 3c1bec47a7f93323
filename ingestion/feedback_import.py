"""`journey import tickets|reviews|surveys FILE`: support tickets (with their comments),
reviews and survey answers (NPS 0-10, CSAT 1-5) from CSV, JSON or JSONL.

Fields (a column of the same name is used as it is; `--map FIELD=COLUMN` names another):

- every kind: `external_id` (required), `contact_email`, `contact_external_id`,
  `contact_name`, `stage`, `language`;
- tickets: `subject` (required), `body`, `status`, `priority`, `channel`, `touchpoint`, `tags`,
  `created_at` (required), `first_response_at`, `resolved_at`, `comments`;
- reviews: `body` (required), `rating`, `title`, `posted_at` (required), `company`, `platform`;
- surveys: `kind` (nps or csat), `score`, `answered_at` (all required), `comment`,
  `touchpoint`, `ticket_external_id`.

A preset knows a common export (its columns tried in order, the first found wins):

- `--preset helpdesk` (Zendesk/Freshdesk-like tickets): `id`, `subject`, `description`,
  `status`, `priority`, `via` or `channel` (`via.channel` in JSON), `requester_email`,
  `requester_name`, `created_at`, `solved_at`, `tags` (space or comma separated), and
  `comments`: a JSON list (a JSON-encoded cell in CSV) of
  `{"author_role": "customer"|"agent", "body": "...", "created_at": "..."}`.
- `--preset review-site` (G2/Capterra/Trustpilot-like): `review_id`, `rating` (1-5, half
  stars round up), `title`, `review_text` (or `body`), `date`, `reviewer_email`,
  `reviewer_name`, `company`, `platform` (the source, else `--source`).
- `--preset survey` (NPS/CSAT export): `response_id`, `survey_type` (nps or csat), `score`,
  `comment`, `email`, `date`, `ticket_id` (a CSAT's ticket, linked when imported).

Rows are matched to contacts by `contact_external_id` or email; an unknown email creates the
contact, linked to the account owning its email domain. Tickets and survey answers need a
person, reviews may be anonymous (matched to an account by `company` when one has that name).

A row whose (source, external_id) is stored already adds nothing (a duplicate). A review whose
text repeats an earlier one, or a ticket the same person sent again within days (another
channel, say), is stored with `duplicate_of_id` pointing at the first and gets no journey
event. Every other item becomes a journey event (`ticket_opened`, `review_posted`,
`survey_answered`) whose stage is the row's own, else the contact's current one, else guessed
from the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ingestion import imports
from ingestion.duplicates import NearDuplicates
from ingestion.feedback_items import ReviewIn, SurveyIn, TicketIn, columns_for
from ingestion.feedback_pipeline import FeedbackImport, Pending
from ingestion.imports import ImportReport
from journey.errors import InvalidInput
from journey.models import Review, SurveyResponse, Ticket, TicketComment
from journey.repository import AccountRepository
from journey.service import JourneyService
from journey.text import content_hash

# How far apart a copy may come: a ticket re-sent on another channel, a review re-posted.
TICKET_WINDOW = timedelta(days=3)
REVIEW_WINDOW = timedelta(days=30)
# Help desk channel names as journey channels; names that are channels already pass as they are.
TICKET_CHANNELS = {
    "mail": "email",
    "web_form": "web",
    "portal": "web",
    "chat": "web",
    "messaging": "web",
    "phone": "voice",
    "twitter": "social",
    "facebook": "social",
    "mobile": "product",
}


class TicketImport(FeedbackImport):
    kind, model, event_type, subject_type = "tickets", Ticket, "ticket_opened", "ticket"

    def when(self, item: TicketIn) -> datetime:
        return item.created_at

    def text(self, item: TicketIn) -> str:
        return f"{item.subject} {item.body}"  # what the Ticket.content_hash column covers

    def near_duplicates(self) -> NearDuplicates:
        return NearDuplicates(TICKET_WINDOW, per_person=True)

    def stored(self, batch: list[Pending]) -> Iterable[tuple[Any, str, datetime, Any]]:
        contact_ids = sorted({p.contact_id for p in batch if p.contact_id})
        for row in self.items.tickets_between(contact_ids, *self._window(batch, TICKET_WINDOW)):
            yield row, f"{row.subject} {row.body}", row.created_at, row.contact_id

    def build(self, p: Pending) -> Ticket:
        item: TicketIn = p.item
        touchpoint = (
            item.touchpoint
            or self.vocabulary.event_type[self.event_type].touchpoint
            or "support_ticket"
        )
        return Ticket(
            source=p.source,
            external_id=item.external_id,
            contact_id=p.contact_id,
            account_id=p.account_id,
            subject=item.subject,
            body=item.body,
            status=item.status,
            priority=item.priority,
            channel=item.channel or self.vocabulary.channel_of.get(touchpoint, "email"),
            touchpoint=touchpoint,
            stage=p.stage,
            tags=item.tags,
            language=item.language,
            created_at=item.created_at,
            first_response_at=item.first_response_at,
            resolved_at=item.resolved_at,
            comments=[
                TicketComment(
                    author_role=c.author_role,
                    body=c.body,
                    created_at=c.created_at or item.created_at,
                )
                for c in item.comments
            ],
        )

    def event_details(self, p: Pending) -> dict[str, Any]:
        channels = {c.key for c in self.vocabulary.channels}
        channel = TICKET_CHANNELS.get(p.row.channel, p.row.channel)
        return {
            "touchpoint": p.row.touchpoint,
            "channel": channel if channel in channels else None,
            "properties": {
                "external_id": p.item.external_id,
                "status": p.row.status,
                "priority": p.row.priority,
                "ticket_channel": p.row.channel,
            },
        }


class ReviewImport(FeedbackImport):
    kind, model, event_type, subject_type = "reviews", Review, "review_posted", "review"
    likely_stage = "advocacy"  # the vocabulary's stage of "referrals, reviews, references"

    def when(self, item: ReviewIn) -> datetime:
        return item.posted_at

    def text(self, item: ReviewIn) -> str:
        return item.body

    def source_of(self, item: ReviewIn) -> str:
        return item.platform or self.source

    def near_duplicates(self) -> NearDuplicates:
        return NearDuplicates(REVIEW_WINDOW, exact_any_time=True)

    def prepare(self, batch: list[Pending]) -> None:
        """An anonymous review naming a known company belongs to that account."""
        anonymous = [p for p in batch if not p.contact_id and p.item.company]
        if anonymous:
            by_name = AccountRepository(self.session).ids_by_name(
                [p.item.company for p in anonymous]
            )
            for p in anonymous:
                p.account_id = by_name.get(p.item.company.lower())

    def stored(self, batch: list[Pending]) -> Iterable[tuple[Any, str, datetime, Any]]:
        hashes = sorted({content_hash(p.item.body) for p in batch})
        for row in self.items.reviews_between(*self._window(batch, REVIEW_WINDOW), hashes):
            yield row, row.body, row.posted_at, row.contact_id

    def build(self, p: Pending) -> Review:
        item: ReviewIn = p.item
        return Review(
            source=p.source,
            external_id=item.external_id,
            contact_id=p.contact_id,
            account_id=p.account_id,
            rating=item.rating,
            title=item.title,
            body=item.body,
            language=item.language,
            posted_at=item.posted_at,
        )

    def event_details(self, p: Pending) -> dict[str, Any]:
        return {
            "properties": {
                "external_id": p.item.external_id,
                "platform": p.source,
                "rating": p.item.rating,
            }
        }


class SurveyImport(FeedbackImport):
    kind, model = "surveys", SurveyResponse
    event_type, subject_type = "survey_answered", "survey_response"

    def when(self, item: SurveyIn) -> datetime:
        return item.answered_at

    def text(self, item: SurveyIn) -> str:
        return item.comment or ""

    def prepare(self, batch: list[Pending]) -> None:
        """Link a CSAT to its ticket: one from the same source, else any with that id."""
        wanted = sorted({p.item.ticket_external_id for p in batch if p.item.ticket_external_id})
        tickets = self.items.ticket_ids(wanted) if wanted else {}
        any_source = {external_id: id_ for (_, external_id), id_ in sorted(tickets.items())}
        for p in batch:
            ref = p.item.ticket_external_id
            p.extra["ticket_id"] = (
                tickets.get((p.source, ref), any_source.get(ref)) if ref else None
            )

    def build(self, p: Pending) -> SurveyResponse:
        item: SurveyIn = p.item
        touchpoint = item.touchpoint
        if (
            not touchpoint
            and item.ticket_external_id
            and "support_ticket" in self.vocabulary.channel_of
        ):
            touchpoint = "support_ticket"  # a CSAT sent after a ticket
        return SurveyResponse(
            source=p.source,
            external_id=item.external_id,
            kind=item.kind,
            score=item.score,
            comment=item.comment,
            contact_id=p.contact_id,
            account_id=p.account_id,
            stage=p.stage,
            touchpoint=touchpoint or self.vocabulary.event_type[self.event_type].touchpoint,
            ticket_id=p.extra["ticket_id"],
            answered_at=item.answered_at,
        )

    def event_details(self, p: Pending) -> dict[str, Any]:
        return {
            "touchpoint": p.row.touchpoint,
            "properties": {
                "external_id": p.item.external_id,
                "kind": p.item.kind,
                "score": p.item.score,
            },
        }


IMPORTS: dict[str, type[FeedbackImport]] = {
    "tickets": TicketImport,
    "reviews": ReviewImport,
    "surveys": SurveyImport,
}


def import_feedback(
    session: Session,
    journey: JourneyService,
    kind: str,
    path: Path,
    *,
    fmt: str | None = None,
    name: str | None = None,
    mapping: dict[str, str] | None = None,
    preset: str | None = None,
    source: str = "import",
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    columns = columns_for(kind, mapping or {}, preset)
    if not source or len(source) > 64:
        raise InvalidInput("--source: give a name of 1 to 64 characters")
    importer = IMPORTS[kind](session, journey, columns, source)
    return imports.run_import(
        session,
        path,
        importer.parse,
        importer.write,
        fmt=fmt,
        name=name,
        strict=strict,
        progress=progress,
    )
