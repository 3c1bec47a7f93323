"""Units of work for tests that run inside one test's connection."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from journey.db import UnitsOfWork


def units_on(session: Session) -> UnitsOfWork:
    """Units of work inside a test session's connection: their commits become savepoints, so
    what they write is seen by the test and rolled back after it."""
    factory = sessionmaker(
        bind=session.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    return UnitsOfWork(write=factory, read=factory)
