"""The composition root: builds every backend from settings, once per process.

Each backend imports its modules as it is built, so a process loads only what it uses (an
import never loads the chat's models)."""

from __future__ import annotations

import os
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.backends import (
    EMBEDDER_RUNTIMES,
    GENERATORS,
    SENTIMENT_MODELS,
    VECTOR_INDEXES,
    builder,
)
from assistant.next_steps.catalogue import Catalogue, load_catalogue
from journey.db import (
    UnitsOfWork,
    make_engine,
    make_session_factory,
    migrate,
    transaction,
    utcnow,
)
from journey.periodic import Periodic
from journey.settings import Settings
from journey.webhooks import deliver_due

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.engine import AnswerEngine
    from assistant.next_steps.automations import Automations
    from feedback.analysis import AnalysisReport
    from feedback.sentiment import HeadSentiment
    from feedback.worker import AnalysisWorker
    from ingestion.embeddings import Embedder
    from ingestion.knowledge import KnowledgeBase
    from ingestion.knowledge_sources import KnowledgeSources

KNOWLEDGE_COLLECTION = "knowledge"


class Container:
    """Every backend, built from settings on first use and kept for the process.

    `overrides` hands in ready-made backends by name (`embedder=...`, `knowledge=...`): tests
    share one loaded model across many containers this way. What was handed in belongs to the
    caller: `close` leaves it open."""

    def __init__(self, settings: Settings | None = None, **overrides: object) -> None:
        self.settings = settings or Settings()
        self._handed_in = set(overrides)
        for name, backend in overrides.items():
            if not isinstance(getattr(type(self), name, None), cached_property):
                raise TypeError(f"Container has no backend {name!r} to override")
            self.__dict__[name] = backend  # where cached_property keeps what it built

    @cached_property
    def engine(self) -> Engine:
        database = self.settings.database
        return make_engine(self.settings.database_url, database.echo, database.busy_timeout_seconds)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """Units of work that write."""
        return make_session_factory(self.engine)

    @cached_property
    def read_sessions(self) -> sessionmaker[Session]:
        """Units of work that only read: they never wait for a writer."""
        return make_session_factory(self.engine, read_only=True)

    @property
    def units_of_work(self) -> UnitsOfWork:
        return UnitsOfWork(write=self.sessions, read=self.read_sessions)

    @cached_property
    def embedder(self) -> Embedder:
        runtime = self.settings.embeddings.runtime
        return builder(EMBEDDER_RUNTIMES, "embeddings.runtime", runtime)(self.settings)

    @cached_property
    def analysis_embedder(self) -> Embedder:
        """Feedback analysis embeds every sentence of every ticket: it takes the int8 copy of
        the ONNX model."""
        from ingestion.onnx_embedder import OnnxEmbedder

        exact = self.embedder
        if self.settings.analysis.quantized_embedder and isinstance(exact, OnnxEmbedder):
            folder = exact.exact_file.parent
            return OnnxEmbedder(exact.name, folder, exact.batch_size, quantized=True)
        return exact

    @cached_property
    def knowledge(self) -> KnowledgeBase:
        from ingestion.keyword_index import KeywordIndex
        from ingestion.knowledge import KnowledgeBase

        settings = self.settings
        vectors = builder(VECTOR_INDEXES, "vectors.backend", settings.vectors.backend)
        return KnowledgeBase(
            embedder=self.embedder,
            vectors=vectors(settings, KNOWLEDGE_COLLECTION, self.embedder),
            keywords=KeywordIndex(settings.data_dir / "keywords.db", KNOWLEDGE_COLLECTION),
        )

    @cached_property
    def knowledge_sources(self) -> KnowledgeSources:
        from ingestion.knowledge_sources import KnowledgeSources

        uploads = self.settings.data_dir / "uploads"
        return KnowledgeSources(self.units_of_work, self.knowledge, uploads)

    @cached_property
    def next_steps_catalogue(self) -> Catalogue:
        """The actions contacts may be offered, read and checked once."""
        return load_catalogue(self.settings.next_steps.actions_file, self.settings.vocabulary)

    @cached_property
    def chat_model(self) -> BaseChatModel | None:
        """The model that writes answers, or None for extractive answers."""
        generator = self.settings.generator
        return builder(GENERATORS, "generator.backend", generator.backend)(generator)

    @cached_property
    def answer_engine(self) -> AnswerEngine:
        from assistant.engine import AnswerEngine
        from assistant.retrieval import HybridRetriever

        settings = self.settings
        remote = settings.generator.backend == "openai"
        concurrency = settings.assistant.answer_concurrency or (16 if remote else os.cpu_count())
        return AnswerEngine(
            HybridRetriever(self.knowledge), self.chat_model, settings.assistant, concurrency or 1
        )

    @cached_property
    def sentiment(self) -> HeadSentiment:
        model = self.settings.analysis.sentiment_model
        build = builder(SENTIMENT_MODELS, "analysis.sentiment_model", model)
        return build(self.settings, self.analysis_embedder)

    @cached_property
    def analysis_worker(self) -> AnalysisWorker:
        from feedback.worker import AnalysisWorker

        worker = AnalysisWorker(self.analyse_new_texts)
        worker.start()
        return worker

    def analyse_new_texts(self) -> AnalysisReport:
        """One background analysis run; it commits batch by batch, so writers never wait long."""
        from feedback.analysis import analyze

        with transaction(self.sessions) as session:
            return analyze(
                session,
                self.sentiment,
                flag_window=timedelta(days=self.settings.analysis.flag_window_days),
                commit_batches=True,
            )

    @cached_property
    def background_jobs(self) -> list[Periodic]:
        """What the server repeats while it runs: webhook delivery every 10 s, the automated
        journeys every 5 minutes, lead qualification every hour, and, with a retention period
        set, the deletion of older conversations every hour."""
        from assistant.next_steps.automations import run
        from assistant.next_steps.lead_score import qualify
        from journey.privacy import forget_old_conversations

        settings, scoring = self.settings, self.next_steps_catalogue.lead_scoring
        jobs = [
            Periodic("webhooks", self.sessions, 10, deliver_due),
            Periodic("automations", self.sessions, 300,
                     lambda s: run(s, settings.vocabulary, self.automations(s), settings.smtp)),
            Periodic("lead qualification", self.sessions, 3600,
                     lambda s: qualify(s, settings.vocabulary, scoring, utcnow().date())),
        ]  # fmt: skip
        days = settings.privacy.retention_days
        if days is not None:
            jobs.append(Periodic("retention", self.sessions, 3600,
                                 lambda s: forget_old_conversations(s, days)))  # fmt: skip
        for job in jobs:
            job.start()
        return jobs

    def automations(self, session: Session) -> Automations:
        """The automated journeys' rules in force: as configured, with the admins' changes."""
        from assistant.next_steps.rules import automations_in_force

        return automations_in_force(session, self.next_steps_catalogue, self.settings.vocabulary)

    def stop_background_work(self) -> None:
        if self.built("analysis_worker"):  # started only once analysis was asked for
            self.analysis_worker.stop()
        if self.built("background_jobs"):
            for job in self.background_jobs:
                job.stop()

    def request_analysis(self) -> None:
        """New texts arrived (chat, import): analyse them soon, in the background."""
        if self.settings.analysis.background:
            self.analysis_worker.request()

    def init(self) -> None:
        """Create the data directory and bring the schema to the newest revision."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        migrate(self.engine)

    def built(self, backend: str) -> bool:
        """Whether this container built the backend (and so closes it)."""
        return backend in self.__dict__ and backend not in self._handed_in

    def close(self) -> None:
        self.stop_background_work()
        if self.built("knowledge"):
            self.knowledge.keywords.close()
        if self.built("engine"):
            self.engine.dispose()
