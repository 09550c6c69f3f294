"""Incremental builds, the change report, full-rebuild triggers, the build lock, debris and pruning.

Mechanics only, so the hashing fake embedder stands in for the model (answers are checked with the real
model in test_updates.py). Every test works on copies of the corpus in tmp_path.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from integrations.cli import main as cli_main
from qa.build import build_index
from qa.chunking import chunk_document
from qa.documents import load_corpus, parse_document
from qa.errors import BuildLockedError, CorpusError
from qa.index import IndexVersion
from qa.layout import CURRENT, VERSIONS, build_lock, live_version_dir, read_manifest
from qa.status import settings_changes
from tests.conftest import CORPUS, LITESTAR_PAGE, ROOT
from tests.fakes import HashingEmbedder, posing_as_the_default_model

EDITED = "flask-vs-fastapi-2026"
OLD_SENTENCE = "a Colombian software developer living in Berlin"
NEW_SENTENCE = "a Colombian software developer living in Lisbon"


class RecordingEmbedder(HashingEmbedder):
    """The hashing fake, keeping every text it was asked to embed."""

    def __init__(self, dim: int = 64, model_id: str = "test/hashing-64") -> None:
        super().__init__(dim, model_id)
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        self.texts.extend(texts)
        return super().embed(texts, show_progress=show_progress)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture
def index(tmp_path: Path, corpus: Path) -> Path:
    """An index of the corpus copy, built with the hashing embedder."""
    index_dir = tmp_path / "index"
    build_index(corpus, index_dir, HashingEmbedder())
    return index_dir


def edit(corpus: Path) -> None:
    path = corpus / f"{EDITED}.md"
    text = path.read_text(encoding="utf-8")
    assert OLD_SENTENCE in text
    path.write_text(text.replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")


def texts_of(doc_path: Path, doc_id: str, embedder: HashingEmbedder) -> tuple[set[str], set[str]]:
    """The chunk and unit texts the build embeds for one document (same recipe as qa.build)."""
    doc = parse_document(doc_id, doc_path.read_text(encoding="utf-8"))
    chunks = chunk_document(doc, embedder.count_tokens, 256)
    units = {(f"{u.context}\n" if u.context else "") + doc.text[u.start : u.end] for c in chunks for u in c.units}
    return {c.embed_text(doc.title) for c in chunks}, units


def version_files(index_dir: Path) -> dict[str, object]:
    d = live_version_dir(index_dir)
    assert d is not None
    return {
        "docs": (d / "docs.jsonl").read_text(encoding="utf-8"),
        "chunks": [{k: v for k, v in json.loads(x).items()} for x in (d / "chunks.jsonl").read_text().splitlines()],
        "units": (d / "units.jsonl").read_text(encoding="utf-8"),
        "chunk_vecs": np.load(d / "chunk_vecs.npy"),
        "unit_vecs": np.load(d / "unit_vecs.npy"),
    }


def test_first_build_adds_every_document_and_embeds_everything(tmp_path: Path, corpus: Path) -> None:
    emb = RecordingEmbedder()
    report = build_index(corpus, tmp_path / "index", emb)
    docs, _ = load_corpus(corpus)
    assert sorted(report.documents_added) == sorted(d.doc_id for d in docs)
    assert report.full and report.full_reason == "no previous index"
    assert report.chunks_embedded == report.chunks_total > 0
    assert report.units_embedded == report.units_total > report.chunks_total
    assert report.chunks_reused == report.units_reused == report.chunks_dropped == 0
    manifest = read_manifest(live_version_dir(tmp_path / "index"))  # type: ignore[arg-type]
    assert manifest["counts"] == {"documents": len(docs), "chunks": report.chunks_total, "units": report.units_total}
    assert {d.doc_id: d.content_hash for d in docs} == {k: v["hash"] for k, v in manifest["documents"].items()}


def test_the_report_names_the_subjects_or_says_how_to_name_them(tmp_path: Path, corpus: Path) -> None:
    """A corpus naming no subjects answers no question on whose page is whose: the build says so, and how."""
    report = build_index(corpus, tmp_path / "index", RecordingEmbedder())
    assert sorted(report.subjects) == ["FastAPI", "Flask"] and "subjects: " in report.summary()
    docs = tmp_path / "docs"
    (docs / "zephyr").mkdir(parents=True)
    (docs / "zephyr" / "cache.md").write_text("# Cache size\n\nSet `cache_mb` in `zephyr.toml`.\n")
    report = build_index(docs, tmp_path / "docs-index", RecordingEmbedder())
    assert report.subjects == [] and "subjects: none (name them in front matter, or in a folder's .meta.yml" in \
        report.summary()
    (docs / "zephyr" / ".meta.yml").write_text("subjects: [Zephyr DB]\n")
    report = build_index(docs, tmp_path / "docs-index", RecordingEmbedder())
    assert report.subjects == ["Zephyr DB"] and report.documents_changed == ["zephyr/cache"]


def test_rebuild_with_nothing_changed_embeds_nothing(corpus: Path, index: Path) -> None:
    emb = RecordingEmbedder()
    before = version_files(index)
    report = build_index(corpus, index, emb)
    assert emb.texts == []
    assert not report.full and report.full_reason is None
    assert report.documents_added == report.documents_changed == report.documents_removed == []
    assert len(report.documents_unchanged) == 4
    assert report.chunks_reused == report.chunks_total and report.chunks_embedded == report.chunks_dropped == 0
    after = version_files(index)
    assert before["chunks"] == after["chunks"] and before["units"] == after["units"] and before["docs"] == after["docs"]


def test_editing_one_article_embeds_only_its_new_texts(corpus: Path, index: Path) -> None:
    emb = RecordingEmbedder()
    old_chunks, old_units = texts_of(corpus / f"{EDITED}.md", EDITED, emb)
    edit(corpus)
    new_chunks, new_units = texts_of(corpus / f"{EDITED}.md", EDITED, emb)
    before = version_files(index)

    report = build_index(corpus, index, emb)

    assert report.documents_changed == [EDITED]
    assert report.documents_added == report.documents_removed == []
    assert len(report.documents_unchanged) == 3
    # Exactly the texts that are new in the edited article were embedded: one chunk, one sentence.
    assert set(emb.texts) == (new_chunks - old_chunks) | (new_units - old_units)
    assert len(new_chunks - old_chunks) == 1 and len(new_units - old_units) == 1
    assert all(NEW_SENTENCE in t for t in emb.texts)
    assert report.chunks_embedded == 1 and report.units_embedded == 1
    assert report.chunks_reused == report.chunks_total - 1
    assert report.chunks_dropped == 1  # the chunk with the old sentence
    assert report.chunks_total == len(before["chunks"])  # type: ignore[arg-type]


def test_incremental_build_equals_a_full_build_of_the_same_corpus(tmp_path: Path, corpus: Path, index: Path) -> None:
    """Reusing records and vectors must give what building from scratch gives: edit, delete and add."""
    edit(corpus)
    (corpus / "codesea-fastapi-vs-flask.md").unlink()
    shutil.copyfile(LITESTAR_PAGE, corpus / "litestar.rst")
    incremental = build_index(corpus, index, HashingEmbedder())
    fresh = build_index(corpus, tmp_path / "fresh", HashingEmbedder())
    assert not incremental.full and fresh.full
    a, b = version_files(index), version_files(tmp_path / "fresh")
    assert a["docs"] == b["docs"] and a["chunks"] == b["chunks"] and a["units"] == b["units"]
    np.testing.assert_allclose(a["chunk_vecs"], b["chunk_vecs"], atol=1e-6)  # type: ignore[arg-type]
    np.testing.assert_allclose(a["unit_vecs"], b["unit_vecs"], atol=1e-6)  # type: ignore[arg-type]
    assert incremental.documents_added == ["litestar"]
    assert incremental.chunks_embedded < fresh.chunks_embedded


def test_an_incremental_build_reads_a_split_table_into_bm25_as_a_full_build(tmp_path: Path) -> None:
    """A table split over chunks gives its later chunks its header row (their embedded text); a document reused by
    an incremental build gave BM25 its chunks without it, so BM25 differed from a full build's (the words of a
    header, 'Spec' and 'Item', were missing) and so did answers, by the build's history alone."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = "".join(f"| Option {i} | value {i} for the long table row number {i} | more words {i} |\n" for i in range(60))
    (corpus / "table.md").write_text("---\ntitle: Specs\n---\n# Specs\n\n| Spec | Ibex KV | Marten Store |\n"
                                     "|---|---|---|\n" + rows, encoding="utf-8")
    (corpus / "other.md").write_text("---\ntitle: Other\n---\n# Other\n\nIbex KV keeps one file.\n", encoding="utf-8")
    build_index(corpus, tmp_path / "index", HashingEmbedder())
    (corpus / "other.md").write_text("---\ntitle: Other\n---\n# Other\n\nIbex KV keeps two files.\n", encoding="utf-8")
    incremental = build_index(corpus, tmp_path / "index", HashingEmbedder())
    assert build_index(corpus, tmp_path / "fresh", HashingEmbedder()).full
    assert not incremental.full and incremental.chunks_reused > 1  # the table, split, was reused
    a, b = live_version_dir(tmp_path / "index"), live_version_dir(tmp_path / "fresh")
    assert a is not None and b is not None
    assert version_files(tmp_path / "index")["chunks"] == version_files(tmp_path / "fresh")["chunks"]
    for name in sorted(p.name for p in (b / "bm25").iterdir()):
        assert (a / "bm25" / name).read_bytes() == (b / "bm25" / name).read_bytes(), name


def test_deleting_an_article_drops_all_of_it(corpus: Path, index: Path) -> None:
    manifest = read_manifest(live_version_dir(index))  # type: ignore[arg-type]
    n_chunks = manifest["documents"]["codesea-fastapi-vs-flask"]["chunks"]
    (corpus / "codesea-fastapi-vs-flask.md").unlink()
    emb = RecordingEmbedder()
    report = build_index(corpus, index, emb)
    assert report.documents_removed == ["codesea-fastapi-vs-flask"]
    assert emb.texts == []
    assert report.chunks_dropped == n_chunks
    version = IndexVersion.load(index)
    assert "codesea-fastapi-vs-flask" not in version.docs
    assert all(c.doc_id != "codesea-fastapi-vs-flask" for c in version.chunks)
    assert version.faiss.ntotal == len(version.chunks) == report.chunks_total


@pytest.mark.parametrize(
    ("embedder", "max_tokens", "reason"),
    [
        (HashingEmbedder(model_id="test/other-model"), 256, "embedding model changed ('test/hashing-64' -> 'test/other-model')"),
        (HashingEmbedder(dim=32), 256, "embedding dimension changed (64 -> 32)"),
        (HashingEmbedder(precision="int8"), 256, "embedding precision changed ('fp32' -> 'int8')"),
    ],
    ids=["model", "dim", "precision"],
)
def test_model_dimension_or_precision_change_rebuilds_everything(
    corpus: Path, index: Path, embedder: HashingEmbedder, max_tokens: int, reason: str
) -> None:
    report = build_index(corpus, index, embedder, max_tokens=max_tokens)
    assert report.full and report.full_reason == reason
    assert report.chunks_embedded == report.chunks_total and report.units_embedded == report.units_total
    assert report.documents_unchanged  # the documents are the same; their vectors are not reusable
    IndexVersion.load(index, model_id=embedder.model_id, dim=embedder.dim)


def test_precision_is_recorded_and_an_older_manifest_counts_as_fp32(corpus: Path, index: Path) -> None:
    manifest = IndexVersion.load(index).manifest
    assert manifest["precision"] == "fp32"
    older = {k: v for k, v in manifest.items() if k != "precision"}  # written before the key existed
    assert settings_changes(older, HashingEmbedder(), 256) == []
    assert settings_changes(older, HashingEmbedder(precision="int8"), 256) == ["embedding precision changed ('fp32' -> 'int8')"]


def test_chunking_change_rechunks_everything_and_reuses_identical_texts(corpus: Path, index: Path) -> None:
    report = build_index(corpus, index, HashingEmbedder(), max_tokens=128)
    assert report.full and report.full_reason == "chunking settings changed (max_tokens 256 -> 128)"
    assert report.chunks_embedded > 0
    assert report.units_reused > 0  # a sentence is the same text under either chunk size
    assert report.chunks_total > report.chunks_reused


def test_full_flag_reembeds_everything(corpus: Path, index: Path) -> None:
    emb = RecordingEmbedder()
    report = build_index(corpus, index, emb, full=True)
    assert report.full and report.full_reason == "--full requested"
    assert report.chunks_embedded == report.chunks_total and len(emb.texts) > 0


def test_unreadable_corpus_fails_and_keeps_the_live_version(tmp_path: Path, corpus: Path, index: Path) -> None:
    live = live_version_dir(index)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CorpusError, match="no readable article"):
        build_index(empty, index, HashingEmbedder())
    assert live_version_dir(index) == live
    IndexVersion.load(index)


HOLD_LOCK = """
import sys
from pathlib import Path
from qa.layout import build_lock
with build_lock(Path(sys.argv[1]), 0):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_second_build_refuses_clearly_while_another_holds_the_lock(corpus: Path, index: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(index)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        live = live_version_dir(index)
        with pytest.raises(BuildLockedError, match=rf"another build \(pid {holder.pid}\) holds .*LOCK") as err:
            build_index(corpus, index, HashingEmbedder(), lock_wait=0)
        assert "--wait" in str(err.value)
        assert live_version_dir(index) == live
        # The CLI says the same in one line and exits 1.
        rc = cli_main(["--corpus-dir", str(corpus), "--index-dir", str(index), "index", "build", "--wait", "0"])
        assert rc == 1
    finally:
        holder.send_signal(signal.SIGKILL)  # a killed holder: the kernel releases the lock
        holder.wait()
    report = build_index(corpus, index, HashingEmbedder(), lock_wait=0)
    assert live_version_dir(index) == index / VERSIONS / report.version


def test_second_build_waits_for_the_first(corpus: Path, index: Path) -> None:
    waiting = threading.Event()
    result: dict[str, object] = {}

    def second() -> None:
        def progress(msg: str) -> None:
            if msg.startswith("waiting"):
                waiting.set()

        try:
            result["report"] = build_index(corpus, index, HashingEmbedder(), lock_wait=60, progress=progress)
        except Exception as exc:  # surfaced by the assertion below
            result["error"] = exc

    with build_lock(index, 0):
        t = threading.Thread(target=second)
        t.start()
        assert waiting.wait(30), "the second build never reported waiting"
        assert "report" not in result  # it is still waiting while the lock is held
    t.join(60)
    assert "error" not in result and "report" in result


def test_debris_of_killed_builds_is_removed_and_orphans_pruned(corpus: Path, index: Path) -> None:
    versions = index / VERSIONS
    live = live_version_dir(index)
    assert live is not None
    (versions / ".tmp-20990101T000000-deadbeef").mkdir()
    (versions / ".tmp-20990101T000000-deadbeef" / "chunks.jsonl").write_text("{half a line")
    (versions / ".trash-20000101T000000-cafecafe").mkdir()
    shutil.copytree(live, versions / "20990101T000000-0rphan00")  # renamed, but CURRENT never replaced
    (index / ".CURRENT.tmp").write_text("20990101T000000-0rphan00")

    report = build_index(corpus, index, HashingEmbedder())

    assert sorted(p.name for p in versions.iterdir()) == sorted([live.name, report.version])
    assert not (index / ".CURRENT.tmp").exists()
    assert (index / CURRENT).read_text().strip() == report.version


def test_only_the_live_and_previous_versions_are_kept(corpus: Path, index: Path) -> None:
    names = [build_index(corpus, index, HashingEmbedder()).version for _ in range(3)]
    kept = sorted(p.name for p in (index / VERSIONS).iterdir())
    assert kept == sorted(names[-2:])
    assert read_manifest(index / VERSIONS / names[-1])["previous"] == names[-2]
    IndexVersion.load(index)


def test_cli_build_json_reports_the_changes(corpus: Path, index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The CLI uses the real model's id; rebuild the copy with it first so the next build is incremental.
    build_index(corpus, index, posing_as_the_default_model())
    (corpus / "codesea-fastapi-vs-flask.md").unlink()
    capsys.readouterr()
    rc = cli_main(["--corpus-dir", str(corpus), "--index-dir", str(index), "index", "build", "--json"])
    assert rc == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents_removed"] == ["codesea-fastapi-vs-flask"]
    assert report["chunks_embedded"] == 0 and report["full"] is False
    assert {"documents_added", "documents_changed", "documents_unchanged", "chunks_reused", "chunks_dropped",
            "seconds", "version"} <= set(report)


def test_an_edit_of_the_chunker_rechunks_every_document(corpus: Path, index: Path) -> None:
    """Chunk records are only reused under the same chunker code; its digest is in the manifest."""
    live = live_version_dir(index)
    assert live is not None
    manifest = read_manifest(live)
    manifest["chunking"]["code"] = "0" * 16  # as if built by another qa/chunking.py
    (live / "manifest.json").write_text(json.dumps(manifest))
    emb = RecordingEmbedder()
    report = build_index(corpus, index, emb)
    assert report.full and report.full_reason == "chunking settings changed (qa/chunking.py edited)"
    assert emb.texts == []  # same chunks, same texts: every vector is still reused
    assert report.chunks_reused == report.chunks_total


def test_an_edit_of_how_words_are_read_rebuilds_bm25_and_reuses_every_vector(corpus: Path, index: Path) -> None:
    """BM25's words depend on qa/text.py (stop words): an index made under another one is read again, and a
    manifest written before its digest was recorded counts as another."""
    live = live_version_dir(index)
    assert live is not None
    manifest = read_manifest(live)
    del manifest["lexical"]  # as written before the digest was recorded
    (live / "manifest.json").write_text(json.dumps(manifest))
    emb = RecordingEmbedder()
    report = build_index(corpus, index, emb)
    assert report.full and report.full_reason.startswith("BM25 word reading (qa/text.py) changed (None -> ")
    assert emb.texts == [] and report.chunks_reused == report.chunks_total
    again = build_index(corpus, index, emb)  # the new digest is recorded
    assert not again.full and again.full_reason is None
