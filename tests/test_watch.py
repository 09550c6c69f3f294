"""``qa index watch``: corpus changes trigger one debounced incremental rebuild; Ctrl-C exits cleanly."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from qa.build import BuildReport, build_index
from qa.errors import QAError
from qa.index import IndexVersion
from qa.watch import CorpusWatcher, corpus_signature, watch
from tests.conftest import CORPUS, LITESTAR_PAGE
from tests.fakes import HashingEmbedder, posing_as_the_default_model
from tests.servers import QA, child_env


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return tmp_path / "corpus"


class Rebuilds:
    """Runs the watcher in a thread; every rebuild's report lands in ``reports``."""

    def __init__(self, corpus: Path, index: Path, quiet: float) -> None:
        self.reports: list[BuildReport] = []
        self.errors: list[Exception] = []
        self.built = threading.Event()
        self.stop = threading.Event()
        watcher = CorpusWatcher(corpus, interval=0.05, quiet=quiet)

        def rebuild() -> None:
            self.reports.append(build_index(corpus, index, HashingEmbedder()))
            self.built.set()

        self.thread = threading.Thread(target=watch, args=(watcher, rebuild, self.stop),
                                       kwargs={"on_error": self.errors.append})
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive()


def test_an_edit_triggers_an_incremental_rebuild(tmp_path: Path, corpus: Path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index, HashingEmbedder())
    w = Rebuilds(corpus, index, quiet=0.2)
    try:
        path = corpus / "geekflare-fastapi-vs-flask.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nFlask now ships a tea kettle.\n", encoding="utf-8")
        assert w.built.wait(60)
    finally:
        w.close()
    assert w.reports[0].documents_changed == ["geekflare-fastapi-vs-flask"] and not w.reports[0].full
    assert w.errors == []


def test_a_burst_of_changes_is_debounced_into_one_rebuild(tmp_path: Path, corpus: Path) -> None:
    index = tmp_path / "index"
    build_index(corpus, index, HashingEmbedder())
    w = Rebuilds(corpus, index, quiet=1.0)
    try:
        (corpus / "codesea-fastapi-vs-flask.md").unlink()
        shutil.copyfile(LITESTAR_PAGE, corpus / "litestar.rst")
        path = corpus / "geekflare-fastapi-vs-flask.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        assert w.built.wait(60)
    finally:
        w.close()
    assert len(w.reports) == 1
    r = w.reports[0]
    assert (r.documents_added, r.documents_changed, r.documents_removed) == (
        ["litestar"], ["geekflare-fastapi-vs-flask"], ["codesea-fastapi-vs-flask"])


def test_errors_are_reported_and_watching_goes_on(corpus: Path) -> None:
    stop = threading.Event()
    failed = threading.Event()
    seen: list[Exception] = []
    calls: list[int] = []

    def rebuild() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise QAError("corpus unreadable")
        stop.set()

    def on_error(exc: Exception) -> None:
        seen.append(exc)
        failed.set()

    watcher = CorpusWatcher(corpus, interval=0.05, quiet=0.1)
    t = threading.Thread(target=watch, args=(watcher, rebuild, stop), kwargs={"on_error": on_error})
    t.start()
    try:
        (corpus / "a.md").write_text("# A\n\nFirst change.\n")
        assert failed.wait(60)
        (corpus / "a.md").write_text("# A\n\nSecond change, a little longer.\n")
        t.join(60)
    finally:
        stop.set()
        t.join(30)
    assert [str(e) for e in seen] == ["corpus unreadable"]
    assert len(calls) == 2  # kept watching after the error


def test_signature_sees_articles_and_folder_metadata_only_and_atomic_replaces(corpus: Path) -> None:
    before = corpus_signature(corpus)
    assert set(before) == {p.name for p in CORPUS.glob("*.md") if p.stem.lower() != "readme"}
    (corpus / ".hidden.md").write_text("# hidden\n\ntext\n")
    (corpus / "image.png").write_bytes(b"\x89PNG")
    assert corpus_signature(corpus) == before
    target = corpus / "geekflare-fastapi-vs-flask.md"
    st = target.stat()
    replacement = corpus / ".tmp-save"
    replacement.write_bytes(target.read_bytes())
    os.utime(replacement, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only the inode differs
    os.replace(replacement, target)
    assert corpus_signature(corpus) != before
    assert corpus_signature(corpus / "missing") == {}
    # A folder's metadata is every document's in it: a change to it is a change to them.
    before = corpus_signature(corpus)
    (corpus / ".meta.yml").write_text("publisher: Someone\n")
    assert corpus_signature(corpus) != before


def test_cli_watch_rebuilds_and_stops_cleanly_on_ctrl_c(tmp_path: Path, corpus: Path) -> None:
    index = tmp_path / "index"
    # Same model id, dimension and precision as the CLI's model, so the rebuild is incremental; a deletion embeds
    # nothing, so the model is never loaded in the child.
    build_index(corpus, index, posing_as_the_default_model())
    env = child_env()
    proc = subprocess.Popen(
        [str(QA), "--corpus-dir", str(corpus), "--index-dir", str(index), "index", "watch", "--interval", "0.1",
         "--quiet", "0.3"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # Ctrl-C as a terminal sends it, whatever started the tests: a shell's background job ignores SIGINT,
        # and its children inherit that (the watcher then never stops).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:  # a thread, so that every wait for a line below is bounded
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        assert lines.get(timeout=60).startswith("watching ")
        assert lines.get(timeout=60).strip() == "corpus content unchanged; index is up to date"
        (corpus / "codesea-fastapi-vs-flask.md").unlink()
        out = [lines.get(timeout=60)]
        while not out[-1].startswith("documents:"):
            out.append(lines.get(timeout=60))
        assert "0 added, 0 changed, 1 removed, 3 unchanged" in "".join(out)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped watching" in err and "Traceback" not in err
    assert "codesea-fastapi-vs-flask" not in IndexVersion.load(index).docs
