"""Themes of the feedback, for CX managers and agents."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends

from api.deps import SessionDep, require_role
from feedback.theme_report import ThemeSummary, theme_summaries

router = APIRouter(tags=["analysis"], dependencies=[Depends(require_role("agent"))])


@router.get("/themes")
def list_themes(
    session: SessionDep,
    stage: str | None = None,
    touchpoint: str | None = None,
    since: datetime | None = None,
) -> list[ThemeSummary]:
    """Themes with their items in the stage, touchpoint and period asked for, biggest first:
    counts, share negative, mean sentiment, monthly trend and the most negative quotes."""
    return theme_summaries(session, stage=stage, touchpoint=touchpoint, since=since)
