"""Work the server repeats in the background (webhook delivery, automated journeys): one
thread per job, each pass its own unit of work; a failing pass is logged, not fatal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from journey.db import transaction

log = logging.getLogger(__name__)


class Periodic:
    def __init__(
        self, name: str, sessions: sessionmaker[Session], interval: float,
        work: Callable[[Session], object],
    ) -> None:  # fmt: skip
        self.name = name
        self.sessions = sessions
        self.interval = interval
        self.work = work
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                with transaction(self.sessions) as session:
                    self.work(session)
            except Exception:  # one bad pass must not stop the job for good
                log.exception("%s: a pass failed", self.name)
