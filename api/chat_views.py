"""Chat for visitors (the conversation id is their credential) and its staff side."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from api.deps import ContainerDep, CurrentUser, SessionDep, SettingsDep, require_role
from assistant.engine import Reply
from assistant.schemas import (
    CitationOut,
    ConversationIn,
    ConversationOut,
    MessageIn,
    MessageOut,
    ReplyOut,
    TranscriptOut,
)
from assistant.service import ConversationService
from journey.errors import AppError

router = APIRouter(prefix="/chat", tags=["chat"])
staff = [Depends(require_role("agent"))]


def get_conversations(
    session: SessionDep, settings: SettingsDep, container: ContainerDep
) -> ConversationService:
    return ConversationService(session, settings.vocabulary, container.answer_engine)


ConversationsDep = Annotated[ConversationService, Depends(get_conversations)]


def reply_out(conversation_id: str, status: str, reply: Reply) -> ReplyOut:
    return ReplyOut(
        conversation_id=conversation_id,
        status=status,
        kind=reply.kind,
        text=reply.text,
        language=reply.language,
        citations=[CitationOut(**asdict(c)) for c in reply.citations],
        groundedness=reply.groundedness,
        handoff_reason=reply.handoff_reason,
    )


@router.post("/conversations", status_code=201)
def start_conversation(body: ConversationIn, chats: ConversationsDep) -> ConversationOut:
    """Open a conversation; keep its id: it is needed to post and read messages."""
    conversation = chats.start(body.visitor_id, page_url=body.page_url, touchpoint=body.touchpoint)
    return ConversationOut.model_validate(conversation)


@router.post("/conversations/{conversation_id}/messages")
def post_message(
    conversation_id: str, body: MessageIn, chats: ConversationsDep, container: ContainerDep
) -> ReplyOut:
    """Send a visitor message and get the assistant's reply (kind `silent` once a person
    has taken the conversation over)."""
    container.request_analysis()
    reply = None
    for kind, value in chats.ask(conversation_id, body.text):
        if kind == "done":
            reply = value
    assert reply is not None
    return reply_out(conversation_id, chats.get(conversation_id).status, reply)


@router.post(
    "/conversations/{conversation_id}/messages/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def stream_message(
    conversation_id: str, body: MessageIn, chats: ConversationsDep, container: ContainerDep
) -> StreamingResponse:
    """The same as posting a message, streamed as server-sent events: `token` events with
    text, one `sources` event, then `done` with the whole reply (or `error`)."""
    chats.get(conversation_id)  # a wrong id is a 404 before the stream starts
    container.request_analysis()
    return StreamingResponse(
        _events(chats, conversation_id, body.text),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _events(chats: ConversationService, conversation_id: str, text: str) -> Iterator[str]:
    # The endpoint's unit of work ended when it returned the stream; the stream is its own.
    session = chats.session
    try:
        for kind, value in chats.ask(conversation_id, text):
            if kind == "token":
                yield _sse("token", {"text": value})
            elif kind == "sources":
                yield _sse("sources", [asdict(c) for c in value])
            else:
                status = chats.get(conversation_id).status
                session.commit()
                yield _sse("done", reply_out(conversation_id, status, value).model_dump())
    except AppError as exc:
        session.rollback()
        yield _sse("error", {"error": exc.code, "detail": exc.detail})
    except Exception:
        session.rollback()
        yield _sse("error", {"error": "internal_error", "detail": "the reply failed"})
        raise
    finally:
        session.close()


@router.get("/conversations/{conversation_id}")
def transcript(conversation_id: str, chats: ConversationsDep) -> TranscriptOut:
    """The conversation and its messages (for the widget to restore itself)."""
    conversation = chats.get(conversation_id)
    return TranscriptOut(
        conversation=ConversationOut.model_validate(conversation),
        messages=[MessageOut.model_validate(m) for m in conversation.messages],
    )


@router.post("/conversations/{conversation_id}/handoff")
def request_person(conversation_id: str, chats: ConversationsDep) -> ConversationOut:
    """The visitor asks for a person (the widget's button)."""
    conversation = chats.get(conversation_id)
    chats.hand_off(conversation, "customer_request")
    return ConversationOut.model_validate(conversation)


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
