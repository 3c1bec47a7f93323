"""Next best steps against the demo company's planted fates.

    python bench/next_steps.py [--seed 7]

The demo company is generated (and analysed, for its moments of truth) in a temporary data
directory; the generator says which accounts it made to get stuck on SSO in onboarding, which
enterprise renewals after the price change it made to cancel, and which customers it made
promoters who go on to refer. For each, the matching step is asked for as of a date before
the outcome, for every account of the pattern's population; an account counts as suggested
when the step is among the top three of any of its contacts. Precision and recall of the
suggestions against the planted accounts, one row a pattern.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.container import Container
from app.demo.generator import generate
from app.demo.world import NPS_WAVES, PRICE_CHANGE, Company
from assistant.next_steps.service import NextStepsService
from feedback.analysis import analyze
from journey.db import transaction
from journey.models import Account, Contact
from journey.settings import Settings


@dataclass
class Case:
    """One account of a pattern's population, the day it is asked about, and whether it is
    one the pattern planted."""

    company: Company
    as_of: date
    planted: bool


def sso_onboarding(fates: list[Company], end: date) -> list[Case]:
    """SMB accounts that signed for Growth, three weeks into onboarding (or the day before
    they cancel): the stuck ones need SSO help."""
    cases = []
    for c in fates:
        if c.kind == "new" and c.segment == "smb" and c.plan == "Growth" and c.signed_at:
            day = (c.signed_at + timedelta(days=21)).date()
            if c.churned_at:
                day = min(day, (c.churned_at - timedelta(days=1)).date())
            if day <= end:
                cases.append(Case(c, day, c.sso_blocked))
    return cases


def renewals_at_risk(fates: list[Company], end: date) -> list[Case]:
    """Enterprise customers renewing after the price change, six weeks before the renewal
    (the leavers give notice a month before it): the ones that will cancel need a check-in."""
    return [
        Case(c, (c.renewal_at - timedelta(days=45)).date(), not c.renewed)
        for c in fates
        if c.kind == "legacy" and c.segment == "enterprise" and c.renewal_at
        and c.renewal_at >= PRICE_CHANGE and c.renewal_at.date() <= end
    ]  # fmt: skip


def promoters(fates: list[Company], end: date) -> list[Case]:
    """Enterprise and mid-market customers a week after an NPS wave: the ones the generator
    made promoters (who go on to refer) should be asked for a review or referral. Each account
    is asked once: after its promoter wave, or after the last wave it was a customer in."""
    cases = []
    for c in fates:
        if not c.is_customer or c.segment == "smb":
            continue
        wave = c.promoter_wave if c.advocate else _last_wave(c, end)
        if wave is not None:
            cases.append(Case(c, (wave + timedelta(days=7)).date(), c.advocate))
    return cases


def _last_wave(c: Company, end: date) -> object:
    live = [w for w in NPS_WAVES if w.date() <= end - timedelta(days=7)
            and (c.signed_at is None or w >= c.signed_at + timedelta(days=30))
            and (c.churned_at is None or w < c.churned_at)]  # fmt: skip
    return live[-1] if live else None


PATTERNS: list[tuple[str, str, Callable[[list[Company], date], list[Case]]]] = [
    ("SMB stuck on SSO in onboarding", "sso_setup_help", sso_onboarding),
    ("enterprise renewals lost after the price change", "renewal_checkin", renewals_at_risk),
    ("promoters who go on to refer", "ask_review_or_referral", promoters),
]


def suggested(service: NextStepsService, session: Session, case: Case, action: str) -> bool:
    account = session.get(Account, case.company.row.id)
    assert account is not None
    for contact in account.contacts:
        top = service.for_contact(contact, case.as_of).steps[:3]
        if any(step.action == action for step in top):
            return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        container = Container(Settings(data_dir=Path(tmp)))
        container.init()
        started = time.perf_counter()
        with transaction(container.sessions) as session:
            summary = generate(session, container.settings.vocabulary, seed=args.seed)
        with transaction(container.sessions) as session:
            analyze(session, container.sentiment, flag_window=timedelta(
                days=container.settings.analysis.flag_window_days))  # fmt: skip
        console.print(f"demo company (seed {args.seed}) in {time.perf_counter() - started:.0f} s")
        end = max(c.sales_until for c in summary.fates).date()
        table = Table("pattern", "action", "accounts", "planted", "suggested", "precision",
                      "recall", title="Next steps against the planted fates")  # fmt: skip
        with transaction(container.sessions) as session:
            service = NextStepsService(
                session, container.settings.vocabulary, container.next_steps_catalogue
            )
            for name, action, population in PATTERNS:
                cases = population(summary.fates, end)
                hits = [suggested(service, session, case, action) for case in cases]
                planted = sum(case.planted for case in cases)
                right = sum(h and case.planted for h, case in zip(hits, cases, strict=True))
                precision = right / sum(hits) if any(hits) else 0.0
                recall = right / planted if planted else 0.0
                table.add_row(name, action, str(len(cases)), str(planted), str(sum(hits)),
                              f"{precision:.2f}", f"{recall:.2f}")  # fmt: skip
            took = []
            for contact in session.scalars(select(Contact)):
                started = time.perf_counter()
                service.for_contact(contact, end)
                took.append((time.perf_counter() - started) * 1000)
        container.close()
    console.print(table)
    took.sort()
    median, p95 = statistics.median(took), took[int(len(took) * 0.95)]
    console.print(f"next steps for each of {len(took)} contacts as of {end}: "
                  f"median {median:.1f} ms, p95 {p95:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
