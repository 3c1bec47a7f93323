"""The composition root: builds every backend from settings, once per process."""

from __future__ import annotations

import os
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from journey.db import UnitsOfWork, make_engine, make_session_factory, migrate, transaction
from journey.settings import Settings

if TYPE_CHECKING:
    from assistant.engine import AnswerEngine
    from feedback.analysis import AnalysisReport
    from feedback.sentiment import HeadSentiment
    from feedback.worker import AnalysisWorker
    from ingestion.embeddings import Embedder
    from ingestion.knowledge import KnowledgeBase

KNOWLEDGE_COLLECTION = "knowledge"


class Container:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

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
        from ingestion.embeddings import SentenceTransformerEmbedder, resolve_model_path
        from ingestion.onnx_embedder import OnnxEmbedder, is_mean_pooled

        config = self.settings.embeddings
        if config.runtime == "onnx" and is_mean_pooled(resolve_model_path(config.model)):
            models = self.settings.data_dir / "models"
            return OnnxEmbedder(config.model, models, batch_size=config.batch_size)
        return SentenceTransformerEmbedder(config.model, batch_size=config.batch_size)

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
        from ingestion.vector_index import ChromaIndex

        settings = self.settings
        return KnowledgeBase(
            embedder=self.embedder,
            vectors=ChromaIndex(
                KNOWLEDGE_COLLECTION,
                self.embedder,
                path=settings.chroma_dir,
                server_url=settings.vectors.server_url,
            ),
            keywords=KeywordIndex(settings.data_dir / "keywords.db", KNOWLEDGE_COLLECTION),
        )

    @cached_property
    def answer_engine(self) -> AnswerEngine:
        from assistant.engine import AnswerEngine
        from assistant.generation import build_chat_model
        from assistant.retrieval import HybridRetriever

        settings = self.settings
        remote = settings.generator.backend == "openai"
        concurrency = settings.assistant.answer_concurrency or (16 if remote else os.cpu_count())
        return AnswerEngine(
            HybridRetriever(self.knowledge),
            build_chat_model(settings.generator),
            settings.assistant,
            concurrency or 1,
        )

    @cached_property
    def sentiment(self) -> HeadSentiment:
        from feedback.sentiment import HeadSentiment

        return HeadSentiment(self.analysis_embedder, self.settings.analysis.sentiment_head)

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

    def stop_background_work(self) -> None:
        if "analysis_worker" in self.__dict__:  # started only once analysis was asked for
            self.analysis_worker.stop()

    def request_analysis(self) -> None:
        """New texts arrived (chat, import): analyse them soon, in the background."""
        if self.settings.analysis.background:
            self.analysis_worker.request()

    def init(self) -> None:
        """Create the data directory and bring the schema to the newest revision."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        migrate(self.engine)

    def close(self) -> None:
        self.stop_background_work()
        if "knowledge" in self.__dict__:
            self.knowledge.keywords.close()
        if "engine" in self.__dict__:
            self.engine.dispose()
