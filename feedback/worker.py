"""Analysis in the background of the server: after chat messages and imports, new texts get
their sentiment, theme and moment-of-truth flags without anyone running `journey analyze`.

One thread; requests coalesce: a run waits a moment after the first request, so a burst of chat
messages makes one run. Requests are made after the asking request's rows are committed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from feedback.analysis import AnalysisReport

log = logging.getLogger(__name__)


class AnalysisWorker:
    def __init__(self, run: Callable[[], AnalysisReport], delay_seconds: float = 0.5) -> None:
        self.run = run
        self.delay_seconds = delay_seconds
        self.last: AnalysisReport | None = None
        self.runs = 0
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="analysis", daemon=True)
            self._thread.start()

    def request(self) -> None:
        self._idle.clear()
        self._wanted.set()

    def wait_idle(self, timeout: float) -> bool:
        """True once every requested run has finished (for tests and shutdown)."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        self._stopping = True
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None

    def _loop(self) -> None:
        # Checked on every turn, not only after a wake-up: a stop that came during the pause
        # below has its wake-up cleared with the requests', and the thread would wait forever.
        while not self._stopping:
            self._wanted.wait()
            if self._stopping:
                return
            time.sleep(self.delay_seconds)  # gather the rest of a burst into this run
            self._wanted.clear()
            try:
                self._run()
            except Exception:  # a failed run must not stop later ones
                log.exception("background analysis failed")
            if not self._wanted.is_set():
                self._idle.set()

    def _run(self) -> None:
        self.last = self.run()
        self.runs += 1
