"""Fixtures of the web layer's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app
from app.container import Container


@pytest.fixture
def app_client(container: Container, engine: Engine) -> Iterator[TestClient]:
    """Ingestion writes in its own transactions, so this app commits for real (to the run's
    scratch database) instead of sharing the rolled-back test session."""
    with TestClient(create_app(container)) as test_client:
        yield test_client
