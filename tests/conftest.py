"""Fixtures every layer's tests share: a migrated database per run (SQLite, or PostgreSQL when
JOURNEY_TEST_DATABASE_URL is set), a session rolled back after each test, the loaded models,
the container and the app. Fixtures of one layer live in its folder's conftest.py; what tests
build their cases from is in builders.py."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from builders import units_on
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.app import create_app
from api.deps import get_session, get_units_of_work
from app.container import Container
from ingestion.onnx_embedder import OnnxEmbedder
from journey.auth import AuthService
from journey.db import UnitsOfWork, make_engine, migrate, scratch_database
from journey.service import JourneyService
from journey.settings import AnalysisSettings, DatabaseSettings, Settings
from journey.vocabulary import Vocabulary


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    # A fresh database per run (and per xdist worker), dropped at the end.
    with scratch_database(os.environ.get("JOURNEY_TEST_DATABASE_URL"), "journey_test") as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one outer transaction rolled back after."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def units(session: Session) -> UnitsOfWork:
    return units_on(session)


@pytest.fixture
def vocabulary() -> Vocabulary:
    return Vocabulary()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, analysis_embedder: OnnxEmbedder) -> Path:
    """For CLI tests: their own data directory (SQLite), no config file, no model overrides,
    and the models already exported there (as a first run leaves them)."""
    monkeypatch.setenv("JOURNEY_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("JOURNEY_CONFIG_FILE", str(tmp_path / "journey.toml"))
    monkeypatch.delenv("JOURNEY_DATABASE__URL", raising=False)
    monkeypatch.delenv("JOURNEY_ANALYSIS__SENTIMENT_HEAD", raising=False)
    models = tmp_path / "var" / "models"
    models.mkdir(parents=True)
    analysis_embedder.embed(["export and quantize once per run"])
    for exported in (analysis_embedder.exact_file, analysis_embedder.file):
        os.link(exported, models / exported.name)
    return tmp_path


@pytest.fixture
def journey(session: Session, vocabulary: Vocabulary) -> JourneyService:
    return JourneyService(session, vocabulary)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # No background analysis: it would write beside the rolled-back test session.
    return Settings(
        data_dir=tmp_path / "var",
        database=DatabaseSettings(url=database_url),
        analysis=AnalysisSettings(background=False),
    )


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> OnnxEmbedder:
    """The real packaged model in the default (ONNX) runtime, exported and loaded once."""
    return OnnxEmbedder("all-MiniLM-L6-v2", tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def analysis_embedder(embedder: OnnxEmbedder) -> OnnxEmbedder:
    """Its int8 copy, which feedback analysis uses, derived once from the same export."""
    return OnnxEmbedder("all-MiniLM-L6-v2", embedder.exact_file.parent, quantized=True)


@pytest.fixture
def container(
    settings: Settings, embedder: OnnxEmbedder, analysis_embedder: OnnxEmbedder
) -> Iterator[Container]:
    # The loaded models are shared.
    built = Container(settings, embedder=embedder, analysis_embedder=analysis_embedder)
    yield built
    built.close()


@pytest.fixture
def client(container: Container, session: Session) -> Iterator[TestClient]:
    """The real app over the test session: the request's commit becomes a savepoint."""
    app = create_app(container)

    def test_session() -> Iterator[Session]:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    app.dependency_overrides[get_session] = test_session
    app.dependency_overrides[get_units_of_work] = lambda: units_on(session)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def staff_token(session: Session) -> Callable[[str], str]:
    def make(role: str = "agent") -> str:
        auth = AuthService(session)
        user = auth.create_user(
            f"{role}-{uuid.uuid4().hex[:6]}@staff.test", role, role, "s3cret-pass"
        )
        token = auth.issue_token(user)
        session.commit()  # a savepoint: survives a later request's rollback
        return token

    return make
