"""Engine, sessions, column types shared by every domain's models, and migrations."""

from __future__ import annotations

import importlib
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    create_engine,
    event,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# The package that defines every table; alembic and create_all need it imported.
MODEL_MODULES = ("journey.models",)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a real bigint.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")
# The largest id either backend stores (a signed 64-bit integer): ids at the edge stay below.
MAX_ID = 2**63 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


def import_all_models() -> None:
    for module in MODEL_MODULES:
        importlib.import_module(module)


# Sessions that may write take SQLite's write lock when they begin (BEGIN IMMEDIATE): a
# transaction that read first and only then wrote cannot upgrade its lock once another
# connection has committed, and fails at once instead of waiting out the busy timeout. Other
# transactions begin deferred and never wait for a writer (WAL).
SQLITE_BEGIN = "journey_sqlite_begin"
# Enough connections for the server's worker threads (anyio's default is 40), so a request
# waits for the database, not for the pool.
POOL_SIZE, POOL_OVERFLOW = 10, 30


def make_engine(url: str, echo: bool = False, busy_timeout_seconds: float = 20.0) -> Engine:
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, "pool_timeout": 10}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        in_memory = not path or path == ":memory:"
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_seconds},
            **({} if in_memory else pool),
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN.
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # psycopg prepares a statement after a few runs, and PostgreSQL's generic plan for a
    # long IN list is a sequential scan: key look-ups went from 15 ms to 600 ms. No preparing.
    connect_args = {"prepare_threshold": None} if url.startswith("postgresql+psycopg") else {}
    return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args, **pool)


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_connection.isolation_level = None


def begin_reading(session: Session) -> None:
    """Begin a writing session's transaction as a read (deferred on SQLite): for a long scan,
    committed before the session writes, so other writers do not wait for the scan."""
    session.connection(execution_options={SQLITE_BEGIN: "DEFERRED"})


def make_session_factory(engine: Engine, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions for units of work. Writing ones take SQLite's write lock as they begin;
    `read_only` ones never do, so they must not write (a write there fails at once if another
    writer committed meanwhile)."""
    bind = engine if read_only else engine.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
    return sessionmaker(bind, expire_on_commit=False)


# PostgreSQL's SQLSTATEs for a conflict that a retry resolves: serialization failure,
# deadlock, too many connections, the server starting up or shutting down.
_TRANSIENT_SQLSTATES = {"40001", "40P01", "53300", "57P03"}


def is_overloaded(exc: BaseException) -> bool:
    """The database was too busy for this request (a lock or a connection not had in time): a
    retry will do, so the client gets a 503, not a 500."""
    if isinstance(exc, PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    return (
        exc.connection_invalidated
        or "database is locked" in str(exc.orig)
        or getattr(exc.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES
    )


_AFTER_COMMIT = "journey_after_commit"


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Call back once the session's transaction has committed, never if it rolls back: work
    for others (the background analysis) is asked for only when the rows it needs stand."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


@event.listens_for(Session, "after_commit")
def _call_back(session: Session) -> None:
    for callback in session.info.pop(_AFTER_COMMIT, []):
        callback()


@event.listens_for(Session, "after_rollback")
def _forget_callbacks(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


@dataclass(frozen=True)
class UnitsOfWork:
    """Where a job that needs several short transactions (a chat reply: store the question,
    answer it without holding the write lock, store the answer) opens them."""

    write: sessionmaker[Session]
    read: sessionmaker[Session]


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def scratch_database(server_url: str | None, prefix: str = "journey_scratch") -> Iterator[str]:
    """A throw-away database: a new PostgreSQL database on that server (dropped afterwards),
    or, without a server URL, a SQLite file in a temporary directory."""
    if not server_url:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            yield f"sqlite:///{tmp}/scratch.db"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
