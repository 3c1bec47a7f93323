"""The review queue for support agents: moments of truth to claim, annotate and resolve."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import CurrentUser, SessionDep, require_role
from api.openapi import errors
from api.routing import UnitOfWorkRoute
from feedback.queue import FlagQueue
from feedback.schemas import (
    FlagDetail,
    FlagPage,
    FlagQuery,
    NoteIn,
    QueueStats,
    ReopenIn,
    ResolveIn,
)
from journey.schemas import RowId

router = APIRouter(
    route_class=UnitOfWorkRoute,
    prefix="/flags",
    tags=["review queue"],
    dependencies=[Depends(require_role("agent"))],
)


def get_queue(session: SessionDep) -> FlagQueue:
    return FlagQueue(session)


QueueDep = Annotated[FlagQueue, Depends(get_queue)]


@router.get("")
def list_flags(
    query: Annotated[FlagQuery, Query()], queue: QueueDep, user: CurrentUser
) -> FlagPage:
    """Open and claimed flags by default, most severe first, then longest waiting.
    `status` may be repeated; `owner` is `me`, `unassigned` or a staff user id."""
    return queue.list(query, user)


@router.get("/stats")
def queue_stats(queue: QueueDep, user: CurrentUser) -> QueueStats:
    """Counts for the queue page's header and the outcomes a flag can be resolved with."""
    return queue.stats(user)


@router.get("/{flag_id}")
def get_flag(flag_id: RowId, queue: QueueDep) -> FlagDetail:
    return queue.get(flag_id)


# Each change answers with the flag as it now is, notes included.


@router.post("/{flag_id}/claim", responses=errors(409))
def claim_flag(
    flag_id: RowId, queue: QueueDep, user: CurrentUser, force: bool = False
) -> FlagDetail:
    """Claim a flag; with `force=true` a manager takes over one another agent holds."""
    queue.claim(flag_id, user, force=force)
    return queue.get(flag_id)


@router.post("/{flag_id}/release", responses=errors(409))
def release_flag(flag_id: RowId, queue: QueueDep, user: CurrentUser) -> FlagDetail:
    queue.release(flag_id, user)
    return queue.get(flag_id)


@router.post("/{flag_id}/notes", status_code=status.HTTP_201_CREATED)
def add_note(flag_id: RowId, body: NoteIn, queue: QueueDep, user: CurrentUser) -> FlagDetail:
    queue.add_note(flag_id, user, body.text)
    return queue.get(flag_id)


@router.post("/{flag_id}/resolve", responses=errors(409))
def resolve_flag(flag_id: RowId, body: ResolveIn, queue: QueueDep, user: CurrentUser) -> FlagDetail:
    queue.resolve(flag_id, user, body.outcome, body.note)
    return queue.get(flag_id)


@router.post("/{flag_id}/reopen", responses=errors(409))
def reopen_flag(
    flag_id: RowId, queue: QueueDep, user: CurrentUser, body: ReopenIn | None = None
) -> FlagDetail:
    queue.reopen(flag_id, user, body.reason if body else None)
    return queue.get(flag_id)
