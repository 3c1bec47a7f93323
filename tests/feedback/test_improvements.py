"""The improvement board: suggestions from themes and kinds of moments of truth, their impact
(volume × how bad × account value, the biggest 100), what the manager sets kept over a refresh,
the impact × effort grid, and its API and page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback.improvements import ImprovementBoard, quadrant
from journey.auth import AuthService
from journey.db import utcnow
from journey.errors import InvalidInput
from journey.models import Account, AuditLog, Flag, Improvement, TextAnalysis, Theme


def world(session: Session) -> dict[str, Any]:
    """Theme "SSO errors": 8 texts, 6 negative, from a big account; "Nice dashboards": 6
    positive texts; "Export": 3 negative texts (too few); 10 churn-intent flags (severity 90)
    and 6 slow-response ones (severity 40); and a theme's texts from before the window."""
    big, small = Account(name="Big", arr=200_000), Account(name="Small", arr=10_000)
    session.add_all([big, small])
    session.flush()
    now, n = utcnow(), iter(range(1000))
    themes = {label: Theme(label=label, terms=[], centroid=[0.0])
              for label in ("SSO errors", "Nice dashboards", "Export", "Old")}  # fmt: skip
    session.add_all(themes.values())
    session.flush()
    for label, scores, account, days in [
        ("SSO errors", [-0.8] * 6 + [0.1] * 2, big, 3),
        ("Nice dashboards", [0.7] * 6, small, 3),
        ("Export", [-0.9] * 3, small, 3),
        ("Old", [-0.9] * 9, small, 120),
    ]:
        for score in scores:
            session.add(TextAnalysis(
                item_type="ticket", item_id=str(next(n)), content_hash="h", score=score,
                label="negative" if score < 0 else "positive", confidence=0.9, model="t",
                theme_id=themes[label].id, occurred_at=now - timedelta(days=days),
                account_id=account.id,
            ))  # fmt: skip
    for reason, severity, count in [("churn_intent", 90, 10), ("slow_response", 40, 6)]:
        for _ in range(count):
            session.add(Flag(evidence_key=f"k{next(n)}", reasons=[reason], severity=severity,
                             evidence=[], account_id=small.id,
                             created_at=now - timedelta(days=2)))  # fmt: skip
    session.flush()
    return {"themes": themes}


def test_suggestions_come_from_themes_and_moments_of_truth_weighed_by_impact(
    session: Session,
) -> None:
    world(session)
    board = ImprovementBoard(session).refresh()
    by_title = {i.title: i for i in board}
    assert set(by_title) == {
        "Fix what customers write about: SSO errors",
        "Prevent the moments of truth: churn intent",
        "Prevent the moments of truth: slow response",
    }  # positive, too few and too old themes are no improvements
    impacts = [i.impact for i in board]
    assert impacts == sorted(impacts, reverse=True) and impacts[0] == 100.0
    churn = by_title["Prevent the moments of truth: churn intent"]
    slow = by_title["Prevent the moments of truth: slow response"]
    assert churn.impact > slow.impact  # more flags, and more severe
    assert churn.evidence == {"flags": 10, "mean_severity": 90, "value_factor": 1.0}
    sso = by_title["Fix what customers write about: SSO errors"]
    assert sso.evidence["negative_share"] == 0.75 and sso.evidence["value_factor"] > 1.0
    assert all(quadrant(i) == "to_estimate" for i in board)


def test_what_the_manager_sets_is_kept_over_a_refresh_and_places_the_card(
    session: Session,
) -> None:
    world(session)
    manager = AuthService(session).create_user("m@x.test", "Morgan", "manager", None)
    board = ImprovementBoard(session)
    top = board.refresh()[0]
    board.update(top.id, manager, effort=1, owner_id=manager.id, status="planned")
    again = {i.id: i for i in board.refresh()}[top.id]
    assert (again.effort, again.owner_id, again.status, again.impact) == (
        1, manager.id, "planned", 100.0)  # fmt: skip
    assert quadrant(again) == "quick_wins"
    board.update(top.id, manager, effort=5)
    assert quadrant(again) == "big_bets"
    with pytest.raises(InvalidInput, match="effort"):
        board.update(top.id, manager, effort=6)
    with pytest.raises(InvalidInput, match="status"):
        board.update(top.id, manager, status="someday")
    with pytest.raises(InvalidInput, match="only for improvements added by hand"):
        board.update(top.id, manager, impact=10)
    mine = board.add("Rewrite the SSO guide", manager)
    board.update(mine.id, manager, impact=30, effort=2)
    assert quadrant(mine) == "fill_ins"
    board.update(top.id, manager, status="dismissed")
    assert top.id not in {i.id for i in board.board()}
    audited = session.scalars(select(AuditLog.action).where(
        AuditLog.target_type == "improvement")).all()  # fmt: skip
    assert audited.count("improvement.updated") == 4 and "improvement.added" in audited


def test_the_board_over_the_api_and_its_page(
    client: TestClient, session: Session, staff_token: Callable[[str], str]
) -> None:
    world(session)
    manager = {"Authorization": f"Bearer {staff_token('manager')}"}
    agent = {"Authorization": f"Bearer {staff_token('agent')}"}
    assert client.get("/improvements", headers=agent).status_code == 403
    refreshed = client.post("/improvements/refresh", headers=manager)
    assert refreshed.status_code == 200, refreshed.text
    top = refreshed.json()[0]
    assert (top["impact"], top["quadrant"]) == (100.0, "to_estimate")
    changed = client.patch(f"/improvements/{top['id']}", json={"effort": 2, "status": "planned"},
                           headers=manager)  # fmt: skip
    assert changed.json()["quadrant"] == "quick_wins"
    bad = client.patch(f"/improvements/{top['id']}", json={"status": "someday"}, headers=manager)
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_input"
    assert client.post("/improvements", json={"title": "Call every churned account"},
                       headers=manager).status_code == 201  # fmt: skip

    auth = AuthService(session)
    auth.create_user("boss@x.test", "Boss", "manager", "s3cret-pass")
    session.commit()
    client.post("/login", data={"email": "boss@x.test", "password": "s3cret-pass"})
    client.headers["Origin"] = "http://testserver"  # what the app's own pages send
    page = client.get("/dashboard/improvements")
    assert page.status_code == 200
    quick = page.text.split('id="q-quick_wins"')[1].split("</section>")[0]
    assert top["title"] in quick
    form = {"item": top["id"], "effort": "4", "owner": "", "status": "planned"}
    saved = client.post("/dashboard/improvements/save", data=form, follow_redirects=False)
    assert saved.status_code == 303
    session.expire_all()
    assert session.get(Improvement, top["id"]).effort == 4  # type: ignore[union-attr]
