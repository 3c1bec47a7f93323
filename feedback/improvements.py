"""The improvement board: what to fix, suggested from the themes customers write about and the
kinds of moments of truth agents handle, each with an impact worked out from how often it comes
up, how negatively, and how much revenue the accounts concerned hold. The manager sets the
effort, an owner and a status; the board is the impact × effort grid.

Impact: for each candidate, volume (texts or flags in the window) × how bad (the share of
negative texts, or the mean severity) × (1 + the accounts' ARR against the median account's),
then scaled so the biggest candidate is 100. A refresh updates the impact and evidence of what
is on the board and adds what is new; what the manager set is kept.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, get_args

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from journey.db import utcnow
from journey.errors import InvalidInput, NotFound
from journey.models import Account, Flag, Improvement, StaffUser, TextAnalysis, Theme
from journey.service import audit

Status = Literal["proposed", "planned", "in_progress", "done", "dismissed"]
STATUSES: tuple[str, ...] = get_args(Status)
WINDOW = timedelta(days=90)
MIN_ITEMS = 5  # fewer texts or flags than this are not a pattern yet
HIGH_IMPACT = 50.0
LOW_EFFORT = 2  # 1 hours, 2 days, 3 weeks, 4 a month, 5 months


@dataclass
class Candidate:
    source: str
    key: str
    title: str
    weight: float
    evidence: dict[str, Any]


def quadrant(item: Improvement) -> str:
    """Where the card sits on the grid."""
    if item.effort is None:
        return "to_estimate"
    high = item.impact >= HIGH_IMPACT
    easy = item.effort <= LOW_EFFORT
    return {(True, True): "quick_wins", (True, False): "big_bets",
            (False, True): "fill_ins", (False, False): "reconsider"}[(high, easy)]  # fmt: skip


class ImprovementBoard:
    def __init__(self, session: Session) -> None:
        self.session = session

    def refresh(self, now: datetime | None = None) -> list[Improvement]:
        """Suggest from the last 90 days; returns the board."""
        since = (now or utcnow()) - WINDOW
        candidates = self._themes(since) + self._moments(since)
        top = max((c.weight for c in candidates), default=0.0) or 1.0
        known = {(i.source, i.source_key): i for i in self.session.scalars(select(Improvement))}
        for candidate in candidates:
            item = known.get((candidate.source, candidate.key))
            if item is None:
                item = Improvement(title=candidate.title, source=candidate.source,
                                   source_key=candidate.key, status="proposed")  # fmt: skip
                self.session.add(item)
            item.impact = round(100 * candidate.weight / top, 1)
            item.evidence, item.updated_at = candidate.evidence, utcnow()
        self.session.flush()
        return self.board()

    def board(self) -> list[Improvement]:
        """Every improvement but the dismissed, the most impact first."""
        return list(self.session.scalars(
            select(Improvement).where(Improvement.status != "dismissed")
            .order_by(Improvement.impact.desc(), Improvement.id)
        ))  # fmt: skip

    def add(self, title: str, actor: StaffUser) -> Improvement:
        text = title.strip()
        if not text or len(text) > 300:
            raise InvalidInput("title: 1 to 300 characters")
        item = Improvement(title=text, source="manual", source_key=None, impact=0.0,
                           status="proposed", evidence={"added_by": actor.name})  # fmt: skip
        self.session.add(item)
        self.session.flush()
        audit(self.session, actor.email, "improvement.added", "improvement", item.id)
        return item

    def update(
        self,
        item_id: int,
        actor: StaffUser,
        effort: int | None = None,
        owner_id: int | None = None,
        status: str | None = None,
        impact: float | None = None,
    ) -> Improvement:
        """Set what the manager decides: the effort (1-5), an owner, the status; the impact of
        an improvement added by hand."""
        item = self.session.get(Improvement, item_id)
        if item is None:
            raise NotFound(f"improvement {item_id} not found")
        changed: dict[str, Any] = {}
        if effort is not None:
            if not 1 <= effort <= 5:
                raise InvalidInput("effort: from 1 (hours) to 5 (months)")
            item.effort = changed["effort"] = effort
        if owner_id is not None:
            if self.session.get(StaffUser, owner_id) is None:
                raise InvalidInput(f"owner_id: no staff user {owner_id}")
            item.owner_id = changed["owner_id"] = owner_id
        if status is not None:
            if status not in STATUSES:
                raise InvalidInput(f"status: one of {', '.join(STATUSES)}")
            item.status = changed["status"] = status
        if impact is not None:
            if item.source != "manual" or not 0 <= impact <= 100:
                raise InvalidInput("impact: 0 to 100, and only for improvements added by hand")
            item.impact = changed["impact"] = impact
        item.updated_at = utcnow()
        audit(self.session, actor.email, "improvement.updated", "improvement", item.id, **changed)
        return item

    # -- candidates ---------------------------------------------------------------------------

    def _themes(self, since: datetime) -> list[Candidate]:
        rows = self.session.execute(
            select(Theme.id, Theme.label, func.count(), func.avg(TextAnalysis.score),
                   func.sum(case((TextAnalysis.label == "negative", 1), else_=0)))
            .join(TextAnalysis, TextAnalysis.theme_id == Theme.id)
            .where(Theme.active, TextAnalysis.occurred_at >= since)
            .group_by(Theme.id, Theme.label)
        ).all()  # fmt: skip
        values = self._value_of(
            select(TextAnalysis.theme_id, TextAnalysis.account_id)
            .where(TextAnalysis.occurred_at >= since, TextAnalysis.theme_id.is_not(None))
        )  # fmt: skip
        found = []
        for theme_id, label, n, mean, negative in rows:
            share = (negative or 0) / n
            if n < MIN_ITEMS or share == 0:
                continue
            found.append(Candidate(
                "theme", str(theme_id), f"Fix what customers write about: {label}",
                n * share * values.get(theme_id, 1.0),
                {"texts": n, "negative_share": round(share, 2), "sentiment": round(mean, 2),
                 "value_factor": round(values.get(theme_id, 1.0), 2)},
            ))  # fmt: skip
        return found

    def _moments(self, since: datetime) -> list[Candidate]:
        by_reason: dict[str, list[Flag]] = {}
        for flag in self.session.scalars(select(Flag).where(Flag.created_at >= since)):
            for reason in flag.reasons:
                by_reason.setdefault(reason, []).append(flag)
        accounts = self._arr()
        typical = statistics.median(accounts.values()) if accounts else 0.0
        found = []
        for reason, flags in by_reason.items():
            if len(flags) < MIN_ITEMS:
                continue
            severity = sum(f.severity for f in flags) / len(flags) / 100
            value = _value_factor([accounts.get(f.account_id or 0, 0.0) for f in flags], typical)
            said = reason.removeprefix("handoff_").replace("_", " ")
            found.append(Candidate(
                "moment", reason, f"Prevent the moments of truth: {said}",
                len(flags) * severity * value,
                {"flags": len(flags), "mean_severity": round(100 * severity),
                 "value_factor": round(value, 2)},
            ))  # fmt: skip
        return found

    def _arr(self) -> dict[int, float]:
        rows = self.session.execute(select(Account.id, Account.arr).where(Account.arr > 0))
        return {account: float(arr or 0) for account, arr in rows}

    def _value_of(self, pairs: Any) -> dict[int, float]:
        """Per theme: the value factor of the accounts whose texts it holds."""
        accounts = self._arr()
        typical = statistics.median(accounts.values()) if accounts else 0.0
        held: dict[int, list[float]] = {}
        for theme_id, account_id in self.session.execute(pairs):
            held.setdefault(theme_id, []).append(accounts.get(account_id or 0, 0.0))
        return {theme: _value_factor(arrs, typical) for theme, arrs in held.items()}


def _value_factor(arrs: list[float], typical: float) -> float:
    """1 plus the log of the accounts' mean ARR against the typical account's: a theme of the
    biggest customers weighs more, without one account drowning the rest."""
    mean = sum(arrs) / len(arrs) if arrs else 0.0
    if not typical or not mean:
        return 1.0
    return 1.0 + max(0.0, math.log2(mean / typical)) / 4
