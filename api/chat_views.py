"""Chat for visitors (the conversation id is their credential) and its staff side."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from api.deps import (
    CurrentUser,
    ServicesDep,
    SessionDep,
    SettingsDep,
    UnitsOfWorkDep,
    audit_read,
    require_role,
)
from api.routing import UnitOfWorkRoute
from api.services import Services
from api.throttle import rate_limited
from api.visitors import (
    COOKIE,
    is_staff,
    new_visitor_id,
    site_of,
    still_valid,
    tokens,
    visitor_access,
)
from assistant.engine import Event
from assistant.inbox import ConversationView, Inbox, InboxPage, View
from assistant.next_steps.service import Suggestion, accept_chat_suggestion, chat_suggestions
from assistant.reviewed import ReviewedAnswers
from assistant.schemas import (
    CitationOut,
    ConversationIn,
    ConversationOut,
    CsatIn,
    MessageIn,
    MessageOut,
    RatingIn,
    ReplyOut,
    TranscriptOut,
)
from assistant.service import (
    TRANSCRIPT_PAGE,
    Answered,
    ConversationService,
    Turn,
    answer_message,
    receive_message,
)
from journey.db import MAX_ID, UnitsOfWork
from journey.errors import AppError
from journey.schemas import RowId, Text
from journey.settings import Settings

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/chat", tags=["chat"])
# A visitor's message counts for its conversation (one person typing), then for the address:
# one refused for the conversation leaves the address's other visitors their share.
A_MESSAGE = [
    Depends(visitor_access),
    Depends(rate_limited("conversation_messages", "messages in this conversation",
                         per="conversation_id")),
    Depends(rate_limited("messages", "messages")),
]  # fmt: skip
staff = [Depends(require_role("agent"))]


def get_conversations(session: SessionDep, settings: SettingsDep) -> ConversationService:
    return ConversationService(session, settings.vocabulary)


ConversationsDep = Annotated[ConversationService, Depends(get_conversations)]


def received(units: UnitsOfWork, settings: Settings, conversation_id: str, text: str) -> Turn:
    """The visitor's message stored: within the conversation's cap, and without personal
    data where the company asks for that."""
    privacy = settings.privacy
    return receive_message(units, settings.vocabulary, conversation_id, text,
                           settings.limits.messages_per_conversation,
                           privacy.redact_patterns if privacy.redact_stored else None)  # fmt: skip


def reply_out(
    conversation_id: str, answered: Answered, suggestions: list[Suggestion] | None = None
) -> ReplyOut:
    reply = answered.reply
    return ReplyOut(
        conversation_id=conversation_id,
        message_id=answered.message_id,
        status=answered.status,
        kind=reply.kind,
        text=reply.text,
        language=reply.language,
        citations=[CitationOut(**asdict(c)) for c in reply.citations],
        groundedness=reply.groundedness,
        handoff_reason=reply.handoff_reason,
        suggestions=suggestions if answered.status == "bot" else [],
    )


def suggestions_for(
    units: UnitsOfWork, container: Services, conversation_id: str
) -> list[Suggestion]:
    catalogue = container.next_steps_catalogue
    return chat_suggestions(units, container.settings.vocabulary, catalogue, conversation_id)


@router.post(
    "/conversations",
    status_code=201,
    dependencies=[Depends(rate_limited("conversations", "conversations opened"))],
)
def start_conversation(
    body: ConversationIn,
    chats: ConversationsDep,
    request: Request,
    response: Response,
    settings: SettingsDep,
    units: UnitsOfWorkDep,
) -> ConversationOut:
    """Open a conversation. The answer carries the visitor's token (`visitor_token`): send it
    as the `Journey-Visitor` header to post and read messages. A visitor who sends their token
    stays the same visitor; the visitor id is the server's, not the client's (staff may name
    one, for an integration)."""
    staff = is_staff(request, settings, units)
    visitor_id = (body.visitor_id if staff and body.visitor_id else None) or (
        None if staff else still_valid(request)
    ) or new_visitor_id()  # fmt: skip
    conversation = chats.start(visitor_id, page_url=body.page_url, touchpoint=body.touchpoint)
    token = tokens(request).issue(visitor_id, site_of(request))
    # For the app's own pages: another site's page never sends it (strict).
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https",
                        max_age=settings.server.visitor_token_days * 86400)  # fmt: skip
    out = ConversationOut.model_validate(conversation)
    return out.model_copy(update={"visitor_token": token})


@router.post(
    "/conversations/{conversation_id}/messages",
    dependencies=A_MESSAGE,
)
def post_message(
    conversation_id: str,
    body: MessageIn,
    units: UnitsOfWorkDep,
    settings: SettingsDep,
    container: ServicesDep,
) -> ReplyOut:
    """Send a visitor message and get the assistant's reply (kind `silent` once a person
    has taken the conversation over)."""
    turn = received(units, settings, conversation_id, body.text)
    container.request_analysis()
    answered = None
    for kind, value in answer_message(units, settings.vocabulary, container.answer_engine, turn):
        if kind == "done":
            answered = value
    assert answered is not None
    return reply_out(conversation_id, answered, suggestions_for(units, container, conversation_id))


@router.post(
    "/conversations/{conversation_id}/messages/stream",
    dependencies=A_MESSAGE,
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_message(
    conversation_id: str,
    body: MessageIn,
    units: UnitsOfWorkDep,
    settings: SettingsDep,
    container: ServicesDep,
) -> StreamingResponse:
    """The same as posting a message, streamed as server-sent events: `token` events with
    text, one `sources` event, then `done` with the whole reply (or `error`)."""
    # Stored before the stream starts: a wrong id or empty text is an HTTP error, not an event.
    turn = received(units, settings, conversation_id, body.text)
    container.request_analysis()
    events = answer_message(units, settings.vocabulary, container.answer_engine, turn)
    suggestions = suggestions_for(units, container, conversation_id)
    return StreamingResponse(
        _sse_events(conversation_id, events, suggestions),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _sse_events(
    conversation_id: str, events: Iterator[Event], suggestions: list[Suggestion]
) -> Iterator[str]:
    try:
        for kind, value in events:
            if kind == "token":
                yield _sse("token", {"text": value})
            elif kind == "sources":
                yield _sse("sources", [asdict(c) for c in value])
            else:
                yield _sse("done", reply_out(conversation_id, value, suggestions).model_dump())
    except AppError as exc:
        yield _sse("error", {"error": exc.code, "detail": exc.detail})
    except Exception:
        yield _sse("error", {"error": "internal_error", "detail": "the reply failed"})
        raise


@router.get("/conversations/{conversation_id}", dependencies=[Depends(visitor_access)])
def transcript(
    conversation_id: str,
    chats: ConversationsDep,
    after: Annotated[
        int | None, Query(ge=0, le=MAX_ID, description="only messages after this message id")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = TRANSCRIPT_PAGE,
) -> TranscriptOut:
    """The conversation and a page of its messages: the newest ones (for the widget to restore
    itself), or with `after` the ones it has not seen yet (for polling)."""
    conversation, messages, has_more = chats.transcript(conversation_id, after, limit)
    return TranscriptOut(
        conversation=ConversationOut.model_validate(conversation),
        messages=[MessageOut.model_validate(m) for m in messages],
        has_more=has_more,
    )


@router.post("/conversations/{conversation_id}/handoff", dependencies=[Depends(visitor_access)])
def request_person(conversation_id: str, chats: ConversationsDep) -> ConversationOut:
    """The visitor asks for a person (the widget's button)."""
    conversation = chats.get(conversation_id)
    chats.hand_off(conversation, "customer_request")
    return ConversationOut.model_validate(conversation)


@router.post(
    "/conversations/{conversation_id}/suggestions/{action}",
    status_code=201,
    dependencies=[Depends(visitor_access)],
)
def accept_suggestion(
    conversation_id: str, action: str, units: UnitsOfWorkDep, container: ServicesDep
) -> dict[str, int]:
    """The visitor pressed a suggested step's button: recorded as accepted (once)."""
    event = accept_chat_suggestion(
        units,
        container.settings.vocabulary,
        container.next_steps_catalogue,
        conversation_id,
        action,
    )
    return {"event_id": event}


@router.post(
    "/conversations/{conversation_id}/messages/{message_id}/rating",
    dependencies=[Depends(visitor_access)],
)
def rate_answer(
    conversation_id: str, message_id: RowId, body: RatingIn, chats: ConversationsDep
) -> dict[str, Any]:
    """The visitor's thumbs up or down on one of the assistant's answers."""
    rated = chats.rate_answer(conversation_id, message_id, body.helpful)
    return {"message_id": rated.id, "helpful": body.helpful}


@router.post(
    "/conversations/{conversation_id}/csat", status_code=201, dependencies=[Depends(visitor_access)]
)
def rate_chat(conversation_id: str, body: CsatIn, chats: ConversationsDep) -> dict[str, int]:
    """The visitor's rating of the whole chat, 1 to 5, when it ends; the chat is closed."""
    answer = chats.rate_chat(conversation_id, body.score, body.comment)
    return {"survey_response_id": answer.id}


@router.post("/conversations/{conversation_id}/takeover", dependencies=staff)
def take_over(conversation_id: str, chats: ConversationsDep, user: CurrentUser) -> ConversationOut:
    """An agent takes the conversation over; the bot stays silent until handed back."""
    return ConversationOut.model_validate(chats.take_over(conversation_id, user))


@router.post("/conversations/{conversation_id}/handback", dependencies=staff)
def hand_back(conversation_id: str, chats: ConversationsDep, user: CurrentUser) -> ConversationOut:
    return ConversationOut.model_validate(chats.hand_back(conversation_id, user))


@router.post("/conversations/{conversation_id}/agent-messages", dependencies=staff)
def agent_message(
    conversation_id: str, body: MessageIn, chats: ConversationsDep, user: CurrentUser
) -> MessageOut:
    return MessageOut.model_validate(chats.agent_reply(conversation_id, user, body.text))


@router.post("/conversations/{conversation_id}/close", dependencies=staff)
def close(conversation_id: str, chats: ConversationsDep, user: CurrentUser) -> ConversationOut:
    """An agent closes the conversation: the visitor's next message starts a new one."""
    return ConversationOut.model_validate(chats.close(conversation_id, user))


@router.get("/conversations", dependencies=staff)
def inbox(
    session: SessionDep,
    user: CurrentUser,
    view: View = "all",
    reason: Annotated[str | None, Query(max_length=32, description="a hand-off reason")] = None,
    stage: Annotated[str | None, Query(max_length=32)] = None,
    touchpoint: Annotated[str | None, Query(max_length=32)] = None,
    before: Annotated[datetime | None, Query(description="next_before of the last page")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> InboxPage:
    """The agents' inbox: `all`, `waiting` (for a person, longest waiting first), `mine`,
    `taken_over` or `closed`, with each view's count; newest activity first."""
    return Inbox(session).page(user, view, reason, stage, touchpoint, before, limit)


@router.get("/conversations/{conversation_id}/workspace", dependencies=staff)
def workspace(
    conversation_id: str, session: SessionDep, container: ServicesDep, user: CurrentUser,
    units: UnitsOfWorkDep,
) -> ConversationView:  # fmt: skip
    """Everything an agent needs on one conversation: the transcript with each message's
    sentiment and each answer's citations and groundedness, its flags, the contact's journey
    and account, and their next steps."""
    view = Inbox(session).conversation(
        conversation_id, container.settings.vocabulary, container.next_steps_catalogue
    )
    audit_read(units, user.email, "conversation.read", "conversation", conversation_id)
    return view


class CorrectionIn(BaseModel):
    answer: Text = Field(min_length=1, max_length=4000)


class ReviewedAnswerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    question: str
    answer: str
    language: str | None
    conversation_id: str | None
    corrects_message_id: int | None
    active: bool
    created_at: datetime


@router.post("/messages/{message_id}/reviewed-answer", dependencies=staff, status_code=201)
def correct_answer(
    message_id: RowId, body: CorrectionIn, session: SessionDep, container: ServicesDep,
    user: CurrentUser,
) -> ReviewedAnswerOut:  # fmt: skip
    """An agent's answer in place of the assistant's message: given as written the next time
    the question it answered is asked, in those words or others."""
    reviewed = ReviewedAnswers(session, container.knowledge.embedder)
    return ReviewedAnswerOut.model_validate(reviewed.correct(message_id, body.answer, user))


@router.get("/reviewed-answers", dependencies=staff)
def reviewed_answers(session: SessionDep, container: ServicesDep) -> list[ReviewedAnswerOut]:
    """The reviewed answers in use, newest first."""
    reviewed = ReviewedAnswers(session, container.knowledge.embedder)
    return [ReviewedAnswerOut.model_validate(r) for r in reviewed.active()]


@router.delete("/reviewed-answers/{answer_id}", dependencies=staff)
def retire_reviewed_answer(
    answer_id: int, session: SessionDep, container: ServicesDep, user: CurrentUser
) -> ReviewedAnswerOut:
    """No longer given: the assistant answers that question from the knowledge again."""
    reviewed = ReviewedAnswers(session, container.knowledge.embedder)
    return ReviewedAnswerOut.model_validate(reviewed.retire(answer_id, user))
