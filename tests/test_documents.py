"""qa/documents.py: corpus files -> Document (front matter, dates, subjects, bad files skipped)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from qa.documents import Document, corpus_files, load_corpus, parse_document
from qa.errors import CorpusError

FULL = """---
title: "Zephyr DB vs Quokka DB: Two Embedded Databases"
publisher: DB Weekly
author: Ana Ortiz
url: https://dbweekly.example/zephyr-vs-quokka
published: 2025-03-10
subjects: [Zephyr DB, Quokka DB]
---

# Zephyr DB vs Quokka DB

Zephyr DB sustains 48,000 writes per second.
"""


def write(directory: Path, name: str, text: str | bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- parse_document -------------------------------------------------------------------------------


def test_front_matter_fields_and_body() -> None:
    doc = parse_document("zq", FULL)
    assert doc.doc_id == "zq"
    assert doc.title == "Zephyr DB vs Quokka DB: Two Embedded Databases"
    assert doc.publisher == "DB Weekly"
    assert doc.author == "Ana Ortiz"
    assert doc.url == "https://dbweekly.example/zephyr-vs-quokka"
    assert doc.published == "2025-03-10"
    assert doc.subjects == ("Zephyr DB", "Quokka DB")
    # The text is the body after the front matter: citations index into it.
    assert not doc.text.startswith("---")
    assert "title:" not in doc.text
    assert doc.text.lstrip().startswith("# Zephyr DB vs Quokka DB")
    assert doc.text.endswith("48,000 writes per second.\n")


def test_meta_is_everything_but_the_text() -> None:
    meta = parse_document("zq", FULL).meta()
    assert meta == {
        "doc_id": "zq",
        "title": "Zephyr DB vs Quokka DB: Two Embedded Databases",
        "publisher": "DB Weekly",
        "author": "Ana Ortiz",
        "url": "https://dbweekly.example/zephyr-vs-quokka",
        "published": "2025-03-10",
        "subjects": ["Zephyr DB", "Quokka DB"],
        "body_line": 9,  # the file's line where the text starts, after the 8 lines of front matter
    }


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-03-10", "2025-03-10"),  # YAML date
        ("'2025-03-10'", "2025-03-10"),  # quoted string
        ("2025-03-10T08:30:00", "2025-03-10"),  # YAML datetime
        ("'2025-03'", "2025-03-01"),
        ("2025", "2025-01-01"),
        ("''", None),
    ],
)
def test_published_dates_normalise_to_iso(value: str, iso: str | None) -> None:
    doc = parse_document("d", f"---\ntitle: T\npublished: {value}\n---\nBody text.\n")
    assert doc.published == iso


@pytest.mark.parametrize("value", ["March 10, 2025", "2025-02-30", "10/03/2025"])
def test_unreadable_dates_are_rejected(value: str) -> None:
    with pytest.raises(ValueError):
        parse_document("d", f"---\ntitle: T\npublished: {value}\n---\nBody text.\n")


@pytest.mark.parametrize(
    ("line", "subjects"),
    [
        ("subjects: [Zephyr DB, Quokka DB]", ("Zephyr DB", "Quokka DB")),
        ("subjects:\n  - Zephyr DB\n  - Quokka DB", ("Zephyr DB", "Quokka DB")),
        ("subjects: Zephyr DB, Quokka DB", ("Zephyr DB", "Quokka DB")),
        ("subjects: ' Zephyr DB ,Quokka DB, '", ("Zephyr DB", "Quokka DB")),
        ("subjects: Zephyr DB", ("Zephyr DB",)),
        ("subjects: []", ()),
        ("title: no subjects at all", ()),
    ],
)
def test_subjects_as_list_or_comma_string(line: str, subjects: tuple[str, ...]) -> None:
    assert parse_document("d", f"---\n{line}\n---\nBody text.\n").subjects == subjects


def test_subjects_of_another_type_are_rejected() -> None:
    with pytest.raises(ValueError, match="subjects"):
        parse_document("d", "---\nsubjects: {a: 1}\n---\nBody text.\n")


def test_plain_markdown_without_front_matter_takes_first_line_as_title() -> None:
    doc = parse_document("notes", "\n\n## Quokka DB in one page  \n\nQuokka DB flushes every write.\n")
    assert doc.title == "Quokka DB in one page"
    assert doc.published is None
    assert doc.subjects == ()
    assert doc.publisher is None and doc.url is None
    assert doc.text.startswith("\n\n## Quokka DB")  # nothing is cut from a file without front matter


def test_front_matter_without_title_takes_first_body_line() -> None:
    doc = parse_document("d", "---\npublished: 2024-01-15\n---\n\nA Year With Quokka DB\n\nIt was fine.\n")
    assert doc.title == "A Year With Quokka DB"
    assert doc.published == "2024-01-15"


def test_empty_front_matter_is_allowed() -> None:
    doc = parse_document("d", "---\n---\nTitle line\n\nBody.\n")
    assert doc.title == "Title line"
    assert doc.text == "Title line\n\nBody.\n"


def test_crlf_and_bom_are_normalised() -> None:
    raw = "\ufeff" + FULL.replace("\n", "\r\n")
    doc = parse_document("zq", raw)
    assert doc == parse_document("zq", FULL)
    assert "\r" not in doc.text


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("---\ntitle: [unclosed\n---\nBody.\n", None),  # broken YAML (yaml.YAMLError)
        ("---\ntitle: T\nBody without an end to the front matter.\n", "never ends"),
        ("---\n- a\n- b\n---\nBody.\n", "not a mapping"),
        ("---\ntitle: T\n---\n\n   \n", "no text"),
        ("", "no text"),
        ("  \n\t\n", "no text"),
    ],
)
def test_unusable_files_raise(raw: str, reason: str | None) -> None:
    import yaml

    with pytest.raises((ValueError, yaml.YAMLError)) as info:
        parse_document("d", raw)
    if reason:
        assert reason in str(info.value)


def test_content_hash_changes_with_text_and_each_metadata_field() -> None:
    base = parse_document("zq", FULL)
    assert base.content_hash == parse_document("zq", FULL).content_hash  # stable
    variants = [
        FULL.replace("48,000", "49,000"),
        FULL.replace("publisher: DB Weekly", "publisher: DB Monthly"),
        FULL.replace("author: Ana Ortiz", "author: Ana Ortis"),
        FULL.replace("url: https://dbweekly.example/zephyr-vs-quokka", "url: https://dbweekly.example/zq"),
        FULL.replace("published: 2025-03-10", "published: 2025-03-11"),
        FULL.replace("subjects: [Zephyr DB, Quokka DB]", "subjects: [Zephyr DB]"),
        FULL.replace('title: "Zephyr DB vs Quokka DB: Two Embedded Databases"', "title: Another title"),
    ]
    hashes = {base.content_hash}
    for raw in variants:
        assert raw != FULL
        hashes.add(parse_document("zq", raw).content_hash)
    assert len(hashes) == len(variants) + 1


def test_content_hash_tells_field_boundaries_apart() -> None:
    a = Document("d", "T", "text", publisher="ab", author="c")
    b = Document("d", "T", "text", publisher="a", author="bc")
    assert a.content_hash != b.content_hash


# -- corpus directories ---------------------------------------------------------------------------


def test_load_corpus_skips_bad_files_with_a_warning_naming_each(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path, "good.md", FULL)
    write(tmp_path, "plain.txt", "Quokka DB notes\n\nQuokka DB flushes every write.\n")
    bad = {
        "broken-yaml.md": "---\ntitle: [unclosed\nsubjects: x\n---\nBody.\n",
        "unterminated.md": "---\ntitle: T\nBody.\n",
        "empty-body.md": "---\ntitle: Only front matter\n---\n",
        "latin1.md": "Caf\xe9 culture\n".encode("latin-1"),
        "bad-date.md": "---\npublished: sometime\n---\nBody.\n",
    }
    for name, raw in bad.items():
        write(tmp_path, name, raw)
    with caplog.at_level(logging.WARNING, logger="qa.documents"):
        docs, warnings = load_corpus(tmp_path)
    assert sorted(d.doc_id for d in docs) == ["good", "plain"]
    assert len(warnings) == len(bad)
    for name in bad:
        mine = [w for w in warnings if name in w]
        assert len(mine) == 1, (name, warnings)
        assert mine[0].startswith("skipped ")
        assert "\n" not in mine[0]  # one line each
        assert any(name in r.getMessage() for r in caplog.records), name
    assert not any("good.md" in w or "plain.txt" in w for w in warnings)


def test_doc_id_is_the_file_stem_relative_to_the_corpus(tmp_path: Path) -> None:
    write(tmp_path, "zq.md", FULL)
    write(tmp_path, "reviews/quokka.markdown", "Quokka review\n\nGood.\n")
    write(tmp_path, "guides/setup.rst", "Setup guide\n===========\n\nInstall it.\n")
    docs, warnings = load_corpus(tmp_path)
    assert warnings == []
    assert [d.doc_id for d in docs] == ["guides/setup", "reviews/quokka", "zq"]


def test_duplicate_doc_ids_keep_the_first_and_warn(tmp_path: Path) -> None:
    write(tmp_path, "zq.md", FULL)
    write(tmp_path, "zq.txt", "Another Zephyr article\n\nText.\n")
    docs, warnings = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["zq"]
    assert docs[0].title.startswith("Zephyr DB vs Quokka DB")  # zq.md sorts first and wins
    assert len(warnings) == 1
    assert "zq.txt" in warnings[0] and "zq.md" in warnings[0]


def test_hidden_files_readme_and_other_suffixes_are_not_articles(tmp_path: Path) -> None:
    write(tmp_path, "zq.md", FULL)
    write(tmp_path, "README.md", "# About this corpus\n\nNot an article.\n")
    write(tmp_path, "sub/readme.txt", "Not an article either.\n")
    write(tmp_path, ".draft.md", "Draft\n\nHidden.\n")
    write(tmp_path, ".git/notes.md", "Git internals\n\nHidden dir.\n")
    write(tmp_path, "data.json", '{"title": "not an article"}')
    write(tmp_path, "image.png", b"\x89PNG\r\n\x1a\n")
    assert [p.name for p in corpus_files(tmp_path)] == ["zq.md"]
    docs, warnings = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["zq"]
    assert warnings == []


def test_a_folder_meta_file_gives_its_documents_subjects_and_the_rest(tmp_path: Path) -> None:
    """A folder of documentation pages has no front matter: ``.meta.yml`` says what they all are about, for
    the folder and those below it; a nearer folder's file wins, and a page's own front matter wins over both,
    key by key."""
    write(tmp_path, "zephyr/.meta.yml", "subjects: [Zephyr DB]\npublisher: Zephyr docs\npublished: 2025-01-02\n")
    write(tmp_path, "zephyr/install.md", "# Installing\n\nRun the installer.\n")
    write(tmp_path, "zephyr/guides/.meta.yml", "publisher: Zephyr guides\n")
    write(tmp_path, "zephyr/guides/tuning.rst", "Tuning\n======\n\nRaise the cache.\n")
    write(tmp_path, "zephyr/vs.md", "---\nsubjects: [Zephyr DB, Quokka DB]\n---\n# Zephyr or Quokka\n\nText.\n")
    write(tmp_path, "other.md", "# Elsewhere\n\nNo folder metadata.\n")
    docs, warnings = load_corpus(tmp_path)
    assert warnings == []
    by_id = {d.doc_id: d for d in docs}
    assert set(by_id) == {"zephyr/install", "zephyr/guides/tuning", "zephyr/vs", "other"}  # no article of its own
    install, tuning, vs = by_id["zephyr/install"], by_id["zephyr/guides/tuning"], by_id["zephyr/vs"]
    assert (install.subjects, install.publisher, install.published) == (("Zephyr DB",), "Zephyr docs", "2025-01-02")
    assert (tuning.subjects, tuning.publisher, tuning.title) == (("Zephyr DB",), "Zephyr guides", "Tuning")
    assert (vs.subjects, vs.publisher) == (("Zephyr DB", "Quokka DB"), "Zephyr docs")
    assert (by_id["other"].subjects, by_id["other"].publisher) == ((), None)


@pytest.mark.parametrize(("meta", "warned"), [
    ("subjects: [Zephyr DB\n", ".meta.yml ignored: .meta.yml is not valid YAML at line 2"),
    ("- Zephyr DB\n", ".meta.yml ignored: .meta.yml is not a mapping"),
    ("subjects: {a: 1}\n", ".meta.yml ignored: subjects must be a list"),
    ("published: someday\n", ".meta.yml ignored: published date 'someday' is not YYYY-MM-DD"),
])
def test_an_unusable_folder_meta_file_is_ignored_with_one_warning_and_its_documents_kept(
        tmp_path: Path, meta: str, warned: str) -> None:
    write(tmp_path, "zephyr/.meta.yml", meta)
    write(tmp_path, "zephyr/a.md", "# A\n\nText.\n")
    write(tmp_path, "zephyr/b.md", "# B\n\nText.\n")
    docs, warnings = load_corpus(tmp_path)
    assert [(d.doc_id, d.subjects) for d in docs] == [("zephyr/a", ()), ("zephyr/b", ())]
    assert len(warnings) == 1 and warned in warnings[0] and str(tmp_path / "zephyr") in warnings[0], warnings


def test_a_folder_meta_file_sets_only_what_documents_share(tmp_path: Path) -> None:
    write(tmp_path, "zephyr/.meta.yml", "title: Everything\nurl: https://zephyr.example/\nsubjects: [Zephyr DB]\n")
    write(tmp_path, "zephyr/a.md", "# A\n\nText.\n")
    docs, warnings = load_corpus(tmp_path)
    assert [(d.title, d.url, d.subjects) for d in docs] == [("A", None, ("Zephyr DB",))]
    assert len(warnings) == 1 and "title, url ignored: a folder sets only subjects" in warnings[0], warnings


def test_missing_corpus_directory_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_seed_corpus_loads_cleanly() -> None:
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    docs, warnings = load_corpus(corpus)
    assert warnings == []
    assert len(docs) >= 4
    for doc in docs:
        assert doc.title and doc.text.strip()
        assert doc.subjects, doc.doc_id
        assert not doc.text.startswith("---")


@pytest.mark.parametrize("url", ["https://[abc", "javascript:alert(1)", "https://"])
def test_a_bad_url_is_dropped_with_a_warning_and_the_article_kept(url: str) -> None:
    warnings: list[str] = []
    doc = parse_document("a", f'---\nurl: "{url}"\n---\n# Ibex\n\nIbex KV is a store.\n', warnings.append)
    assert doc.url is None and doc.title == "Ibex"
    assert len(warnings) == 1 and "dropped" in warnings[0] and url[:12] in warnings[0], warnings
