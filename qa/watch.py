"""Watch the corpus directory and rebuild when its files change (``qa index watch``). Stdlib polling only.

A change is any difference in the set of article files or in one's (inode, size, mtime): cheap to poll,
and an editor that saves by renaming a new file into place changes the inode. Bursts are debounced:
the rebuild waits until nothing has changed for ``quiet`` seconds. Whether the *content* changed is
decided by content hashes against the live index, so touching a file costs one look, not a rebuild.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from qa.documents import corpus_files
from qa.errors import QAError
from qa.status import corpus_changes

if TYPE_CHECKING:
    from qa.build import BuildReport, Progress
    from qa.engine import Engine

Signature = dict[str, tuple[int, int, int]]


def corpus_signature(corpus_dir: Path) -> Signature:
    """(inode, size, mtime in ns) of every article file and folder metadata file; empty when the directory is
    missing."""
    try:
        paths = corpus_files(corpus_dir, folder_meta=True)
    except QAError:
        return {}
    sig: Signature = {}
    for p in paths:
        try:
            st = p.stat()
        except OSError:  # deleted between listing and stat: the next poll sees it gone
            continue
        sig[os.fspath(p.relative_to(corpus_dir))] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return sig


class CorpusWatcher:
    """Polls ``corpus_dir`` every ``interval`` seconds; :meth:`wait` returns after a change once the
    corpus has been quiet for ``quiet`` seconds."""

    def __init__(self, corpus_dir: Path, *, interval: float = 0.5, quiet: float = 1.0) -> None:
        self.corpus_dir = corpus_dir
        self.interval = interval
        self.quiet = quiet
        self.baseline = corpus_signature(corpus_dir)

    def wait(self, stop: threading.Event) -> bool:
        """Block until the corpus changed and then stayed unchanged for ``quiet`` seconds (True), or
        until ``stop`` is set (False). The new state becomes the baseline."""
        while not stop.wait(self.interval):
            sig = corpus_signature(self.corpus_dir)
            if sig == self.baseline:
                continue
            while not stop.wait(self.quiet):  # debounce: wait for a quiet period
                again = corpus_signature(self.corpus_dir)
                if again == sig:
                    self.baseline = sig
                    return True
                sig = again
            return False
        return False


def watch(
    watcher: CorpusWatcher,
    rebuild: Callable[[], object],
    stop: threading.Event,
    *,
    on_error: Callable[[Exception], None],
) -> None:
    """Call ``rebuild()`` after every debounced change until ``stop`` is set. A :class:`QAError` (an
    unreadable corpus, a build holding the lock) is reported and watching goes on."""
    while watcher.wait(stop):
        try:
            rebuild()
        except QAError as exc:
            on_error(exc)


def rebuild_if_changed(engine: Engine, *, progress: Progress | None = None, lock_wait: float = 600.0) -> BuildReport | None:
    """Rebuild incrementally unless the corpus content matches the live index (then None)."""
    s = engine.settings
    try:
        changes = corpus_changes(s.corpus_dir, s.index_dir)
    except QAError:  # no readable index or corpus: let the build say what is wrong
        changes = None
    if changes is not None and not any(changes.values()):
        return None
    return engine.rebuild(progress=progress, lock_wait=lock_wait)


def watch_corpus(
    engine: Engine,
    stop: threading.Event,
    *,
    on_rebuild: Callable[[BuildReport | None], None],
    on_error: Callable[[Exception], None],
    interval: float = 0.5,
    quiet: float = 1.0,
    progress: Progress | None = None,
    lock_wait: float = 600.0,
) -> None:
    """``qa index watch``: catch up with the corpus once, then rebuild after every debounced change until
    ``stop`` is set. ``on_rebuild`` gets each build's report, or None when the content had not changed."""
    watcher = CorpusWatcher(engine.settings.corpus_dir, interval=interval, quiet=quiet)  # baseline before catching up

    def once() -> None:
        on_rebuild(rebuild_if_changed(engine, progress=progress, lock_wait=lock_wait))

    try:
        once()
    except QAError as exc:
        on_error(exc)
    watch(watcher, once, stop, on_error=on_error)
