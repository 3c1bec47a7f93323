"""Load the demo company into a data directory: staff users, data, knowledge, analyses."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app.container import Container
from journey.auth import AuthService
from journey.db import transaction
from journey.models import Account, StaffUser

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"
DEMO_COMPANY = "Brightloop"

# Demo sign-ins, printed by `journey demo`; they exist only in demo data directories.
DEMO_USERS = (
    ("admin@brightloop.demo", "Alex Admin", "admin", "demo-admin-pass"),
    ("manager@brightloop.demo", "Morgan Manager", "manager", "demo-manager-pass"),
    ("agent@brightloop.demo", "Avery Agent", "agent", "demo-agent-pass"),
)


@dataclass
class DemoOutcome:
    generated: bool
    message: str


def load_demo(
    container: Container,
    seed: int = 7,
    scale: float = 1.0,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoOutcome:
    from app.demo.generator import generate
    from ingestion.knowledge import ingest

    settings = container.settings
    with transaction(container.sessions) as session:
        auth = AuthService(session, settings.auth.token_ttl_days)
        for email, name, role, password in DEMO_USERS:
            if session.scalar(select(StaffUser).where(StaffUser.email == email)) is None:
                auth.create_user(email, name, role, password)
        already = session.scalar(select(Account.id).limit(1)) is not None
        if not already:
            summary = generate(
                session,
                settings.vocabulary,
                seed=seed,
                scale=scale,
                progress=(lambda step, n: progress(step, n, n)) if progress else None,
            )
    knowledge = settings.data_dir / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, knowledge, dirs_exist_ok=True)
    indexed = ingest(
        container.sessions,
        container.knowledge,
        knowledge,
        "help-centre",
        progress=(lambda done, total: progress("knowledge chunks", done, total))
        if progress
        else None,
    )

    from feedback.analysis import analyze

    with transaction(container.sessions) as session:
        analysis = analyze(
            session,
            container.sentiment,
            flag_window=timedelta(days=settings.analysis.flag_window_days),
            progress=(lambda done, total: progress("analysis", done, total)) if progress else None,
        )

    lines = []
    if already:
        lines.append(f"The data directory {settings.data_dir} already holds data; kept it as is.")
    else:
        lines.append(
            f"Demo company generated (seed {seed}): {summary.accounts} accounts, "
            f"{summary.contacts} contacts, {summary.events} events, {summary.tickets} tickets, "
            f"{summary.reviews} reviews, {summary.conversations} conversations."
        )
    lines.append(
        f"Knowledge base: {indexed.files} pages, {indexed.chunks} chunks indexed ({knowledge})."
    )
    lines.append(
        f"Analysis: {analysis.analysed} new texts scored, {analysis.themes or 'existing'} themes, "
        f"{analysis.flags} moments of truth in the review queue."
    )
    lines.append("Sign in with:")
    lines += [
        f"  {role:8} {email}  password: {password}" for email, _, role, password in DEMO_USERS
    ]
    return DemoOutcome(generated=not already, message="\n".join(lines))
