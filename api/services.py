"""What the web layer needs from the application: the composition root (`app.container`) builds
it from settings; tests may hand in their own. A protocol, so the web layer never imports the
shell that sits above it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from journey.db import UnitsOfWork
from journey.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.engine import AnswerEngine
    from assistant.next_steps.catalogue import Catalogue
    from ingestion.knowledge import KnowledgeBase
    from ingestion.knowledge_sources import KnowledgeSources


class Services(Protocol):
    settings: Settings

    @property
    def engine(self) -> Engine: ...

    @property
    def sessions(self) -> sessionmaker[Session]: ...

    @property
    def units_of_work(self) -> UnitsOfWork: ...

    @property
    def knowledge(self) -> KnowledgeBase: ...

    @property
    def knowledge_sources(self) -> KnowledgeSources: ...

    @property
    def answer_engine(self) -> AnswerEngine: ...

    @property
    def next_steps_catalogue(self) -> Catalogue: ...

    @property
    def chat_model(self) -> BaseChatModel | None:
        """The configured language model, or None: answers are extractive, questions about
        the journey are read by rules."""

    def request_analysis(self) -> None:
        """New texts arrived: analyse them soon, in the background."""

    def stop_background_work(self) -> None:
        """The server is stopping: let a running analysis finish its batch."""
