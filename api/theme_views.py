"""Themes of the feedback, for CX managers and agents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import SessionDep, require_role
from api.routing import UnitOfWorkRoute
from feedback.theme_report import ThemeSummary, theme_summaries
from journey.schemas import Instant, Text

router = APIRouter(
    route_class=UnitOfWorkRoute, tags=["analysis"], dependencies=[Depends(require_role("agent"))]
)


@router.get("/themes")
def list_themes(
    session: SessionDep,
    stage: Annotated[Text | None, Query(max_length=32)] = None,
    touchpoint: Annotated[Text | None, Query(max_length=32)] = None,
    since: Instant | None = None,
) -> list[ThemeSummary]:
    """Themes with their items in the stage, touchpoint and period asked for, biggest first:
    counts, share negative, mean sentiment, monthly trend and the most negative quotes."""
    return theme_summaries(session, stage=stage, touchpoint=touchpoint, since=since)
