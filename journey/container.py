"""The composition root: builds every backend from settings, once per process."""

from __future__ import annotations

from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from journey.db import make_engine, make_session_factory, migrate
from journey.settings import Settings


class Container:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url, echo=self.settings.database.echo)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    def init(self) -> None:
        """Create the data directory and bring the schema to the newest revision."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        migrate(self.engine)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
