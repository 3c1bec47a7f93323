"""The CX manager's dashboard: KPIs with their trend, the journey map and what lies behind each
of its cells, themes, pain points and points of delight, and the question box (the sentence,
the table, a chart and the query that was run; the table as CSV)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from api.console_views import form_done
from api.deps import (
    ServicesDep,
    SessionDep,
    SettingsDep,
    UnitsOfWorkDep,
    require_role,
    staff_or_none,
)
from api.pages import templates
from api.routing import UnitOfWorkRoute
from assistant.insights.dashboard import (
    PERIODS,
    Kpi,
    behind_cell,
    by_segment,
    dashboard,
    journey_map,
)
from assistant.insights.pain_points import Spot, pain_points
from assistant.insights.periods import Period
from assistant.insights.service import Answer, InsightsService
from feedback.improvements import STATUSES as IMPROVEMENT_STATUSES
from feedback.improvements import ImprovementBoard, quadrant
from feedback.theme_report import theme_summaries
from journey.auth import ROLES
from journey.errors import InvalidInput
from journey.models import Account, StaffUser
from journey.schemas import Day

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
Days = Annotated[int, Query(description="the days looked back")]
ManagerDep = Annotated[StaffUser, Depends(require_role("manager"))]


def _manager(request: Request, settings: Any, units: Any) -> StaffUser | Response:
    """The signed-in manager (or admin); else the page to sign in, or a refusal."""
    user = staff_or_none(request, settings, units)
    if user is None:
        return RedirectResponse("/login", 303)
    if ROLES.index(user.role) < ROLES.index("manager"):
        return templates.TemplateResponse(
            request, "forbidden.html", {"user": user, "needs": "manager"}, status_code=403
        )
    return user


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    units: UnitsOfWorkDep,
    services: ServicesDep,
    days: Days = 90,
    segment: Annotated[str | None, Query(max_length=32)] = None,
    channel: Annotated[str | None, Query(max_length=32)] = None,
    q: Annotated[str | None, Query(max_length=500)] = None,
    as_of: Annotated[Day | None, Query()] = None,
) -> Response:
    user = _manager(request, settings, units)
    if isinstance(user, Response):
        return user
    days = days if days in PERIODS else 90
    day = as_of or date.today()
    board = dashboard(session, settings.vocabulary, day, days, segment or None, channel or None)
    start = Period(start=board.start)
    answer = _ask(session, services, q, day) if q else None
    return templates.TemplateResponse(request, "dashboard.html", {
        "user": user, "board": board, "periods": PERIODS, "q": q or "", "answer": answer,
        "segments": sorted(s for s in session.scalars(select(Account.segment).distinct()) if s),
        "channels": sorted({c for c in settings.vocabulary.channel_of.values()}),
        "themes": theme_summaries(session, since=None)[:8],
        "spots": _strongest(pain_points(session, settings.vocabulary, day, start)),
        "lines": {k.key: _sparkline(k) for k in board.kpis},
        "as_of": as_of.isoformat() if as_of else "",
        "scope": _scope(days, board.segment, board.channel, as_of),
    })  # fmt: skip


def _scope(days: int, segment: str | None, channel: str | None, as_of: date | None) -> str:
    """The dashboard's filters as a query string: a cell opened, a question asked, the way
    back keep them."""
    given = {"days": days, "segment": segment, "channel": channel, "as_of": as_of}
    return urlencode({name: str(value) for name, value in given.items() if value})


@router.get("/dashboard/cell", response_class=HTMLResponse)
def cell_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    units: UnitsOfWorkDep,
    stage: Annotated[str, Query(max_length=32)],
    touchpoint: Annotated[str, Query(max_length=32)],
    days: Days = 90,
    as_of: Annotated[Day | None, Query()] = None,
    segment: Annotated[str | None, Query(max_length=32)] = None,
    channel: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    user = _manager(request, settings, units)
    if isinstance(user, Response):
        return user
    day, days = as_of or date.today(), days if days in PERIODS else 90
    start = day - timedelta(days=days - 1)
    segment, channel = segment or None, channel or None
    # The journey map alone, not the KPIs: the page shows one of its cells, as the dashboard
    # it was opened from was filtered.
    journey = journey_map(
        session, settings.vocabulary, day, start, by_segment(segment), channel, []
    )
    labels = {s.key: s.label for s in settings.vocabulary.stages}
    labels.update({t.key: t.label for t in settings.vocabulary.touchpoints})
    return templates.TemplateResponse(request, "cell.html", {
        "user": user, "items": behind_cell(session, stage, touchpoint, start, day, segment),
        "stage": labels.get(stage, stage), "touchpoint": labels.get(touchpoint, touchpoint),
        "days": days, "start": start, "as_of": day, "cell": journey.cell(stage, touchpoint),
        "segment": segment, "scope": _scope(days, segment, channel, as_of),
    })  # fmt: skip


QUADRANTS = [("quick_wins", "Quick wins", "high impact, little effort"),
             ("big_bets", "Big bets", "high impact, much effort"),
             ("fill_ins", "Fill-ins", "less impact, little effort"),
             ("reconsider", "Reconsider", "less impact, much effort")]  # fmt: skip
EFFORTS = {1: "hours", 2: "days", 3: "weeks", 4: "a month", 5: "months"}


@router.get("/dashboard/improvements", response_class=HTMLResponse)
def improvements_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    units: UnitsOfWorkDep,
    error: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    user = _manager(request, settings, units)
    if isinstance(user, Response):
        return user
    cards = ImprovementBoard(session).board()
    staff = list(
        session.scalars(select(StaffUser).where(StaffUser.active).order_by(StaffUser.name))
    )
    return templates.TemplateResponse(request, "improvements.html", {
        "user": user, "error": error, "quadrants": QUADRANTS, "efforts": EFFORTS,
        "statuses": IMPROVEMENT_STATUSES, "staff": staff, "names": {u.id: u.name for u in staff},
        "by_quadrant": {q: [c for c in cards if quadrant(c) == q]
                        for q in [*(k for k, _, _ in QUADRANTS), "to_estimate"]},
    })  # fmt: skip


@router.post("/dashboard/improvements/{action}")
def improvements_action(
    action: str,
    session: SessionDep,
    user: ManagerDep,
    item: Annotated[int | None, Form()] = None,
    title: Annotated[str, Form(max_length=300)] = "",
    effort: Annotated[str, Form(max_length=2)] = "",
    owner: Annotated[str, Form(max_length=20)] = "",
    status: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """refresh, add (a title) or save (a card's effort, owner and status), from the board."""
    board = ImprovementBoard(session)
    actions = {
        "refresh": lambda: board.refresh(),
        "add": lambda: board.add(title, user),
        "save": lambda: board.update(
            item or 0, user, int(effort) if effort.isdigit() else None,
            int(owner) if owner.isdigit() else None, status or None,
        ),
    }  # fmt: skip
    return form_done(session, "/dashboard/improvements", actions.get(action))


@router.get("/insights/answer.csv", dependencies=[Depends(require_role("manager"))])
def answer_csv(
    session: SessionDep,
    services: ServicesDep,
    question: Annotated[str, Query(min_length=1, max_length=500)],
    as_of: Annotated[Day | None, Query()] = None,
) -> Response:
    """The answer's table as CSV, for a spreadsheet."""
    answer = _ask(session, services, question, as_of or date.today())
    if not answer.columns:
        raise InvalidInput(answer.clarification or "that question has no table")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(answer.columns)
    writer.writerows(answer.rows)
    headers = {"Content-Disposition": 'attachment; filename="journey-answer.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _ask(session: Any, services: Any, question: str, day: date) -> Answer:
    settings = services.settings
    insights = InsightsService(
        session, settings.vocabulary, services.chat_model, settings.insights.milestones
    )
    return insights.ask(question, day)


def _strongest(spots: list[Spot], each: int = 5) -> list[Spot]:
    """The five worst pain points and the five best points of delight."""
    pains = [s for s in spots if s.side == "pain"][:each]
    delights = sorted((s for s in spots if s.side == "delight"), key=lambda s: -s.gap)[:each]
    return pains + delights


def _sparkline(kpi: Kpi, width: int = 120, height: int = 32) -> str:
    """The KPI's trend as the points of an SVG polyline; periods without a value are skipped."""
    known = [(i, v) for i, v in enumerate(kpi.trend) if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(v for _, v in known), max(v for _, v in known)
    span = (high - low) or 1.0
    step = width / max(1, len(kpi.trend) - 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}" for i, v in known
    )
