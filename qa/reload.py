"""Hot reload: notice a new live index version and load it in the background.

A :class:`Reloader` polls ``index/CURRENT`` (one small read a second) in a daemon thread. When it names
another version than the one being served, the thread loads it (checksums, FAISS, BM25, derived data)
and the engine swaps one reference. Requests never wait: they keep using the snapshot they started
with, and the next request gets the new one. A version that fails to load is logged once and the old
one stays in service; the reloader tries again when ``CURRENT`` names another version.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from qa.errors import QAError
from qa.index import live_version_dir

log = logging.getLogger(__name__)


class Reloader:
    """Polls ``index_dir/CURRENT`` every ``interval`` seconds; calls ``load()`` when it names a version
    other than ``loaded()``. ``load`` loads the live version and swaps it in (``Engine.load``)."""

    def __init__(
        self,
        index_dir: Path,
        loaded: Callable[[], Path | None],
        load: Callable[[], object],
        *,
        interval: float = 1.0,
    ) -> None:
        self.index_dir = index_dir
        self.interval = interval
        self._loaded = loaded
        self._load = load
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failed: Path | None = None  # the live version that failed to load; not retried
        self.last_error: str | None = None
        self.reloads = 0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="qa-index-reloader", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop polling; waits for a load in progress to finish (up to ``timeout`` seconds)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # the thread must survive anything; the old version stays in service
                log.exception("index reloader: unexpected error")

    def check(self) -> bool:
        """One poll: load the live version if it is new. True when a new version was swapped in."""
        try:
            live = live_version_dir(self.index_dir)
        except QAError as exc:
            self._fail(None, str(exc))
            return False
        if live is None or live == self._loaded() or live == self._failed:
            return False
        try:
            self._load()
        except Exception as exc:  # QAError mostly; anything else must not kill the server either
            try:
                now = live_version_dir(self.index_dir)
            except QAError:
                now = None
            if now is not None and now != live:  # superseded (and maybe pruned) while loading: not an error
                log.info("index version %s superseded by %s while loading", live.name, now.name)
                return False
            self._fail(live, str(exc) if isinstance(exc, QAError) else repr(exc))
            return False
        self._failed = None
        self.last_error = None
        self.reloads += 1
        return True

    def _fail(self, live: Path | None, message: str) -> None:
        if message != self.last_error:
            served = self._loaded()
            log.error("index version %s not loaded; still serving %s: %s",
                      live.name if live else "?", served.name if served else "nothing", message)
        self._failed = live
        self.last_error = message
