"""The agent console: the inbox of conversations and the review queue, one conversation with
everything around it, and the actions on it (take over, reply as a person, hand back, close;
note, claim and resolve its flags). Server-rendered pages whose forms work without script; a
little script refreshes them live from `/console/stream` (server-sent events)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session

from api.deps import (
    CurrentUser,
    NextStepsDep,
    ServicesDep,
    SessionDep,
    SettingsDep,
    UnitsOfWorkDep,
    audit_read,
    staff_or_none,
)
from api.pages import templates
from api.routing import UnitOfWorkRoute
from assistant.inbox import VIEW_LABELS, VIEWS, Inbox, View
from assistant.reviewed import ReviewedAnswers
from assistant.service import SEVERITY, ConversationService
from feedback.queue import FlagQueue
from feedback.schemas import OUTCOMES, FlagQuery
from journey.db import transaction
from journey.errors import AppError

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/console", include_in_schema=False)
PULSE_SECONDS = 1.5  # how often the stream looks for news
STREAM_SECONDS = 300  # then the browser reconnects (EventSource does): no endless workers
REFRESH = "Journey-Refresh"  # console.js's own fetches: no new read by a person
BACK = r"^/console(/[A-Za-z0-9_/-]*)?$"  # where a form returns to: the console, nowhere else


def back_to(url: str, error: str | None = None) -> RedirectResponse:
    return RedirectResponse(url + (f"?{urlencode({'error': error})}" if error else ""), 303)


def form_done(session: Session, page: str, work: Callable[[], object] | None) -> RedirectResponse:
    """Do a form's work and go back to its page; a refusal is said there and nothing kept."""
    if work is None:
        return back_to(page, "no such action")
    try:
        work()
    except AppError as exc:
        session.rollback()
        return back_to(page, exc.detail)
    return back_to(page)


@router.get("", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    units: UnitsOfWorkDep,
    view: View = "all",
    reason: Annotated[str | None, Query(max_length=32)] = None,
    stage: Annotated[str | None, Query(max_length=32)] = None,
    touchpoint: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    user = staff_or_none(request, settings, units)
    if user is None:
        return RedirectResponse("/login", 303)
    page = Inbox(session).page(user, view, reason or None, stage or None, touchpoint or None)
    queue = FlagQueue(session).list(FlagQuery(limit=20), user)
    vocabulary = settings.vocabulary
    return templates.TemplateResponse(request, "console.html", {
        "user": user, "page": page, "views": [(v, VIEW_LABELS[v]) for v in VIEWS],
        "filters": {"reason": reason or "", "stage": stage or "", "touchpoint": touchpoint or ""},
        "reasons": list(SEVERITY), "stages": [s.key for s in vocabulary.stages],
        "touchpoints": sorted(vocabulary.channel_of), "queue": queue,
    })  # fmt: skip


@router.get("/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    units: UnitsOfWorkDep,
    reason: Annotated[str | None, Query(max_length=64)] = None,
    stage: Annotated[str | None, Query(max_length=32)] = None,
    touchpoint: Annotated[str | None, Query(max_length=32)] = None,
    # (the form's "any" sends it empty)
    min_severity: Annotated[
        Annotated[int, Field(ge=0, le=100)] | None,
        BeforeValidator(lambda value: value or None),
        Query(),
    ] = None,
    owner: Annotated[str | None, Query(pattern=r"^(me|unassigned)?$")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    error: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """The review queue, most urgent first, filtered by reason, stage, touchpoint, severity
    and owner."""
    user = staff_or_none(request, settings, units)
    if user is None:
        return RedirectResponse("/login", 303)
    query = FlagQuery(
        reason=reason or None, stage=stage or None, touchpoint=touchpoint or None,
        min_severity=min_severity, owner=owner or None, cursor=cursor, limit=50,
    )  # fmt: skip
    queue = FlagQueue(session)
    vocabulary = settings.vocabulary
    filters = {"reason": reason or "", "stage": stage or "", "touchpoint": touchpoint or "",
               "min_severity": min_severity, "owner": owner or ""}  # fmt: skip
    stats = queue.stats(user)
    return templates.TemplateResponse(request, "queue.html", {
        "user": user, "page": queue.list(query, user), "stats": stats,
        "reason_options": [(r, f"{r} ({n})") for r, n in stats.by_reason.items()],
        "filters": filters, "stages": [s.key for s in vocabulary.stages],
        "touchpoints": sorted(vocabulary.channel_of), "error": error,
        "more": urlencode({k: v for k, v in filters.items() if v}),
    })  # fmt: skip


@router.get("/conversations/{conversation_id}", response_class=HTMLResponse)
def conversation_page(
    conversation_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    units: UnitsOfWorkDep,
    container: ServicesDep,
    error: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    user = staff_or_none(request, settings, units)
    if user is None:
        return RedirectResponse("/login", 303)
    view = Inbox(session).conversation(
        conversation_id, settings.vocabulary, container.next_steps_catalogue
    )
    if REFRESH not in request.headers:  # opened by a person, not refreshed by the page itself
        audit_read(units, user.email, "conversation.read", "conversation", conversation_id)
    return templates.TemplateResponse(request, "conversation.html", {
        "user": user, "c": view, "outcomes": OUTCOMES, "error": error,
        "mine": view.item.status == "human" and view.item.agent == user.name,
    })  # fmt: skip


@router.post("/conversations/{conversation_id}/{action}")
def conversation_action(
    conversation_id: str,
    action: str,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    text: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """take-over, reply, hand-back or close, from the conversation page's forms."""
    chats = ConversationService(session, settings.vocabulary)
    actions = {
        "take-over": lambda: chats.take_over(conversation_id, user),
        "reply": lambda: chats.agent_reply(conversation_id, user, text),
        "hand-back": lambda: chats.hand_back(conversation_id, user),
        "close": lambda: chats.close(conversation_id, user),
    }
    return form_done(session, f"/console/conversations/{conversation_id}", actions.get(action))


@router.post("/messages/{message_id}/correct")
def correct_answer(
    message_id: int,
    session: SessionDep,
    container: ServicesDep,
    user: CurrentUser,
    back: Annotated[str, Form(pattern=BACK, max_length=200)],
    answer: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Save the agent's answer in place of a bad answer of the assistant's."""
    reviewed = ReviewedAnswers(session, container.knowledge.embedder)
    return form_done(session, back, lambda: reviewed.correct(message_id, answer, user))


@router.post("/flags/{flag_id}/{action}")
def flag_action(
    flag_id: int,
    action: str,
    session: SessionDep,
    user: CurrentUser,
    back: Annotated[str, Form(pattern=BACK, max_length=200)],
    text: Annotated[str, Form(max_length=4000)] = "",
    outcome: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """claim, note or resolve a flag; `back` is the console page to return to."""
    queue = FlagQueue(session)
    actions = {
        "claim": lambda: queue.claim(flag_id, user),
        "note": lambda: queue.add_note(flag_id, user, text),
        "resolve": lambda: queue.resolve(flag_id, user, outcome, text or None),
    }
    return form_done(session, back, actions.get(action))


@router.get("/contacts/{contact_id}", response_class=HTMLResponse)
def contact_page(
    contact_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    units: UnitsOfWorkDep,
    container: ServicesDep,
    error: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """A person outside a chat: their account, open moments of truth, conversations, journey
    and next steps, which can be taken up or dismissed here too."""
    user = staff_or_none(request, settings, units)
    if user is None:
        return RedirectResponse("/login", 303)
    view = Inbox(session).contact(contact_id, settings.vocabulary, container.next_steps_catalogue)
    audit_read(units, user.email, "contact.read", "contact", contact_id, what="contact page")
    return templates.TemplateResponse(
        request, "contact.html", {"user": user, "p": view, "error": error}
    )


@router.post("/contacts/{contact_id}/next-steps/{action}")
def next_step_outcome(
    contact_id: int,
    action: str,
    session: SessionDep,
    steps: NextStepsDep,
    user: CurrentUser,
    back: Annotated[str, Form(pattern=BACK, max_length=200)],
    outcome: Annotated[Literal["accepted", "dismissed"], Form()],
) -> Response:
    """An agent taking up or dismissing a suggested next step from the conversation page."""
    return form_done(session, back, lambda: steps.record(
        steps.contact(contact_id), action, outcome, by=user.email))  # fmt: skip


@router.get("/stream")
async def stream(request: Request, units: UnitsOfWorkDep, user: CurrentUser) -> StreamingResponse:
    """`pulse` events whenever a message, a flag or a conversation's state is new: the pages
    refresh what they show. The first event comes at once."""

    def pulse() -> dict[str, int]:
        with transaction(units.read) as session:
            return Inbox(session).pulse()

    async def events() -> AsyncIterator[str]:
        last: dict[str, int] | None = None
        until = time.monotonic() + STREAM_SECONDS
        yield "retry: 2000\n\n"
        while time.monotonic() < until and not await request.is_disconnected():
            now = await run_in_threadpool(pulse)
            if now != last:
                yield f"event: pulse\ndata: {json.dumps(now)}\n\n"
                last = now
            await asyncio.sleep(PULSE_SECONDS)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
