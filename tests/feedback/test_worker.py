"""The background analysis worker: a request makes one run that analyses committed texts."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, select

from app.container import Container
from feedback.analysis import AnalysisReport
from feedback.worker import AnalysisWorker
from journey.db import transaction
from journey.models import Flag, Review, TextAnalysis


def test_requests_coalesce_into_one_run_that_analyses_new_texts(
    container: Container, engine: Engine
) -> None:
    with transaction(container.sessions) as session:
        review = Review(
            source="worker-test",
            external_id=uuid.uuid4().hex,
            rating=1,
            title="Billing chaos",
            body="We were charged twice and nobody answers our emails. Unacceptable.",
            posted_at=datetime.now(UTC),
        )
        session.add(review)
    worker = AnalysisWorker(container.analyse_new_texts, delay_seconds=0.5)
    worker.start()
    try:
        for _ in range(3):  # a burst of requests
            worker.request()
        assert worker.wait_idle(timeout=300)
        assert worker.runs == 1
        with container.sessions() as session:
            analysis = session.scalar(
                select(TextAnalysis).where(
                    TextAnalysis.item_type == "review", TextAnalysis.item_id == str(review.id)
                )
            )
        assert analysis is not None and analysis.label == "negative"
        assert "billing" in analysis.aspects

        worker.request()  # nothing new: a run that analyses nothing
        assert worker.wait_idle(timeout=300)
        assert worker.runs == 2 and worker.last is not None and worker.last.analysed == 0
    finally:
        worker.stop()
        with transaction(container.sessions) as session:
            # Committed for real: leave nothing behind for the other tests' queries.
            session.execute(delete(Flag).where(Flag.evidence_key == f"review:{review.id}"))
            session.execute(delete(TextAnalysis).where(TextAnalysis.item_id == str(review.id)))
            session.delete(session.get(Review, review.id))


def test_a_stop_during_the_pause_still_stops_the_worker() -> None:
    started = threading.Event()

    def run() -> AnalysisReport:
        started.set()
        return AnalysisReport()

    worker = AnalysisWorker(run, delay_seconds=0.5)
    worker.start()
    worker.request()
    time.sleep(0.1)  # the worker is in its pause now
    begun = time.monotonic()
    worker.stop()
    assert time.monotonic() - begun < 5  # it waited the whole join timeout (60 s) before
    assert started.is_set()  # the requested run still happened
