"""Disagreements by aspect and value (qa/facts.py, qa/comparison.py ``conflicts``), end to end with the real
model: on the seed corpus, two wordings of one question show the same disagreement and questions whose sources
agree show none; on a made-up corpus about two other subjects, the same holds (nothing assumes the seed's
subjects)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa.answer import Answer, Conflict
from qa.build import build_index
from qa.comparison import _fact_disagreements, question_stems
from qa.documents import Document, load_corpus
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from qa.facts import thing_priced
from qa.query import analyse
from tests.conftest import engine_over, make_settings
from tests.contract import NUMBER, check_contract
from tests.fakes import HashingEmbedder


def claimed(answer: Answer, conflict: Conflict) -> set[tuple[str, str]]:
    """What a disagreement shows: (source, claim text) pairs."""
    return {(answer.citations[c.citation - 1].doc_id, c.text) for c in conflict.claims}


def figures(answer: Answer, conflict: Conflict) -> set[str]:
    """The figures the disagreeing claims state, each checked to be in its cited quote."""
    out = set()
    for claim in conflict.claims:
        quote = answer.citations[claim.citation - 1].quote
        for num in NUMBER.findall(claim.text):
            assert num in quote
            out.add(num)
    return out


def claims_said(conflict: Conflict) -> str:
    """The texts of a disagreement's claims, one line (a claim may run over a paragraph break)."""
    return " ".join(" ".join(c.text.split()) for c in conflict.claims)


def only_conflict(answer: Answer, subject: str) -> Conflict:
    about = [c for c in answer.conflicts if subject in c.topic]
    assert len(about) == 1, (answer.answer, [c.topic for c in answer.conflicts])
    return about[0]


def module_engine(name: str, docs: dict[str, str]) -> Any:
    """A fixture ``name``: an engine over a real index of ``docs`` (file name -> text), built once per module."""

    @pytest.fixture(scope="module", name=name)
    def engine(tmp_path_factory: pytest.TempPathFactory, embedder: OnnxEmbedder) -> Engine:
        return engine_over(tmp_path_factory.mktemp(name), docs, embedder)

    return engine


# -- the seed corpus ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wordings", "subject", "measure"),
    [
        (("How fast is FastAPI?", "How many requests per second can FastAPI handle?"), "FastAPI", "requests per second"),
        # 'throughput' is the sources' own word for it
        (("What is FastAPI's throughput?", "How many requests per second can FastAPI handle?"), "FastAPI",
         "requests per second"),
        (("How popular is Flask on GitHub?", "how many github stars does flask have"), "Flask", "github stars"),
        # a word the sources do not use, read with the subject unnamed ("How quick is it?")
        (("How quick is Flask?", "How many requests per second can Flask handle?"), "Flask", "requests per second"),
    ],
)
def test_two_wordings_show_the_same_disagreement(engine: Engine, wordings: tuple[str, str], subject: str,
                                                 measure: str) -> None:
    first, second = (only_conflict(engine.ask(q), subject) for q in wordings)
    answers = [engine.ask(q) for q in wordings]
    assert first.topic == second.topic
    assert claimed(answers[0], first) == claimed(answers[1], second)
    # The heading names the aspect as the corpus writes it, not the question's words.
    assert measure in first.topic.lower() and first.topic.endswith(f"({subject})"), first.topic
    assert not re.search(r"\b(handle|fast|popular|many)\b", first.topic, re.I)
    assert len({doc for doc, _ in claimed(answers[0], first)}) == len(first.claims) >= 2
    assert len(figures(answers[0], first)) >= 2


def test_what_a_subject_is_built_on_reads_as_a_heading(engine: Engine) -> None:
    answer = engine.ask("What is FastAPI built on?")
    conflict = only_conflict(answer, "FastAPI")
    assert conflict.topic == "What FastAPI is built on"
    assert len({doc for doc, _ in claimed(answer, conflict)}) >= 2


@pytest.mark.parametrize(
    "question",
    [
        "Does FastAPI produce API docs automatically?",
        "Does Flask validate incoming data out of the box?",
        "Is Flask a WSGI or an ASGI framework?",
        "What does FastAPI validate request bodies with?",
        "Who created Flask?",
        # another measure than the sources' differing ones: not the nearest of those in meaning
        "How many downloads does Flask get?",
        "How much memory does a Flask worker use?",
        # "... create APIs even with limited programming knowledge" is a yes, as "for building APIs" is
        "Is FastAPI good for machine learning APIs?",
        # 'FastAPI' is no form of 'fast': "... cannot be used directly in FastAPI" is no "no"
        "Is Flask fast?",
        # nor does its name make a question about it one of speed: popularity is no amount of requests per second
        "Is FastAPI more popular than Flask?",
        "Which is more popular, FastAPI or Flask?",
        # a comparison of two things that are no subjects asks nothing of the subjects' figures ("pandas vs
        # data.table groupby benchmark seconds" showed Julia's and Python's time-to-first-plot disagreements)
        "ASGI vs WSGI requests per second",
    ],
)
def test_no_disagreement_where_the_sources_agree(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert not answer.abstained
    assert answer.conflicts == (), [(c.topic, [cl.text for cl in c.claims]) for c in answer.conflicts]


# -- a made-up corpus about two other subjects -----------------------------------------------------

KV = {
    "ibex-vs-marten.md": """---
title: "Ibex KV vs Marten Store"
publisher: Storage Notes
published: 2025-05-01
subjects: [Ibex KV, Marten Store]
---

# Ibex KV vs Marten Store

## Read throughput

In our lab Ibex KV served 80,000 reads per second on a single node.
Marten Store served 30,000 reads per second on the same node.

## Internals

Ibex KV is built on LMDB, a memory-mapped B-tree.
Marten Store keeps its data in append-only segment files.

## Replication

Ibex KV replicates every write to two followers.
Marten Store has no replication; operators copy segment files by hand.

## Documentation

Marten Store lacks automatic documentation.

## Security

Marten Store lacks an inbuilt security system but uses a plugin.
""",
    "kv-matrix.md": """---
title: Key-Value Store Matrix
publisher: Bench Weekly
published: 2023-02-01
subjects: [Ibex KV, Marten Store]
---

# Key-Value Store Matrix

| Feature | Ibex KV | Marten Store |
|---|---|---|
| Throughput (reads per second) | ~55k | 30,000 |
| Licence | MIT | MIT |
| Replication | Built in, to followers | Built in, primary to replica |

Ibex KV is built on RocksDB, which it embeds.
Marten Store is highly documented, with a guide for every command.
Marten Store speaks JSON to every client.
Marten Store has built-in checks of tokens for authentication.
""",
}


@pytest.fixture(scope="module")
def kv_engine(tmp_path_factory: pytest.TempPathFactory, embedder: OnnxEmbedder) -> Engine:
    root = tmp_path_factory.mktemp("kv")
    (root / "corpus").mkdir()
    for name, text in KV.items():
        (root / "corpus" / name).write_text(text, encoding="utf-8")
    build_index(root / "corpus", root / "index", embedder)
    return Engine(make_settings(corpus_dir=root / "corpus", index_dir=root / "index", data_dir=root / "var"), embedder)


def test_a_subject_asked_of_by_its_first_word_is_that_subject(kv_engine: Engine) -> None:
    """"how does ibex store data?" led with Marten Store's "keeps its data in append-only segment files" (the
    question's words, the other side); "and marten?" after it was no question of Marten Store."""
    answer = kv_engine.ask("how does ibex store data?", "first-word")
    assert answer.subjects == ("Ibex KV",) and answer.citations and "LMDB" in answer.citations[0].quote, answer.answer
    answer = kv_engine.ask("and marten?", "first-word")
    assert answer.subjects == ("Marten Store",) and "segment files" in answer.citations[0].quote, answer.answer


def test_a_word_only_in_a_link_address_says_nothing_of_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"does quart support the django orm" (over Quart's docs) was answered at 0.95 with "Alongside
    [Daphne](https://github.com/django/daphne), ... are available ASGI servers that work with Quart": the
    address held 'django'. A word the cited units hold only in a link's address is not said."""
    servers = ("---\ntitle: Deploying Ibex KV\nsubjects: [Ibex KV]\n---\n# Servers\n\nAlongside "
               "[Hypercorn](https://github.com/pgjones/hypercorn) and [Daphne](https://github.com/django/daphne), Ibex KV "
               "runs on other ASGI servers that work with it.\n\n# Models\n\nMarten Store ships an ORM for its "
               "records.\n")
    engine = engine_over(tmp_path, {**KV, "deploy.md": servers}, embedder)
    answer = engine.ask("does ibex kv support the django orm")
    assert answer.abstained and "django orm" in answer.answer, answer.answer
    assert not engine.ask("which servers does ibex kv run on").abstained


@pytest.fixture(scope="module")
def kv_docs(kv_engine: Engine) -> dict[str, Document]:
    docs, warnings = load_corpus(kv_engine.settings.corpus_dir)
    assert warnings == []
    return {d.doc_id: d for d in docs}


@pytest.mark.parametrize("question", ["How many reads per second does Ibex KV serve?", "How quick is Ibex KV?"])
def test_other_subjects_differing_figures_are_a_disagreement(kv_engine: Engine, kv_docs: dict[str, Document],
                                                             question: str) -> None:
    answer = kv_engine.ask(question)
    check_contract(answer, kv_docs)
    conflict = only_conflict(answer, "Ibex KV")
    assert conflict.topic.lower() == "reads per second (ibex kv)", conflict.topic
    assert {"80,000", "55k"} <= figures(answer, conflict)
    # Newest source first.
    dates = [answer.citations[c.citation - 1].published for c in conflict.claims]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("question", ["How many reads per second does Marten Store serve?", "How fast is Marten Store?"])
def test_other_subjects_agreeing_figures_are_none(kv_engine: Engine, question: str) -> None:
    answer = kv_engine.ask(question)
    assert not answer.abstained
    assert "30,000" in answer.answer  # both sources' figure, shown once as the answer
    assert not [c for c in answer.conflicts if "Marten Store" in c.topic], answer.answer


def test_other_subjects_built_on_disagreement(kv_engine: Engine) -> None:
    answer = kv_engine.ask("What is Ibex KV built on?")
    conflict = only_conflict(answer, "Ibex KV")
    assert conflict.topic == "What Ibex KV is built on"
    said = " ".join(c.text for c in conflict.claims)
    assert "LMDB" in said and "RocksDB" in said


def test_other_subjects_yes_and_no_is_a_disagreement_and_two_yeses_are_not(kv_engine: Engine) -> None:
    answer = kv_engine.ask("Does Marten Store support replication?")
    conflict = only_conflict(answer, "Marten Store")
    assert conflict.topic == "Replication (Marten Store)"
    said = [c.text for c in conflict.claims]
    assert any("no replication" in t for t in said) and any("Built in" in t for t in said), said
    answer = kv_engine.ask("Does Ibex KV support replication?")
    assert not answer.abstained
    assert answer.conflicts == (), [(c.topic, [cl.text for cl in c.claims]) for c in answer.conflicts]


@pytest.mark.parametrize("question", ["does it have replication built in", "do i get replication built in"])
def test_a_yes_and_a_no_are_read_of_a_subject_the_question_names(kv_engine: Engine, question: str) -> None:
    """"Can I keep my old furnace as a backup?" showed "Keep or backup (Heat pump) — sources disagree" from two
    sentences on a heat pump's backup heat: a yes/no question naming no subject (of a corpus on several) is no
    question whether one of them has it."""
    answer = kv_engine.ask(question)
    assert not answer.abstained and "eplicat" in answer.citations[0].quote, answer.answer
    assert answer.conflicts == (), [(c.topic, [cl.text for cl in c.claims]) for c in answer.conflicts]


def test_telling_the_reader_what_to_do_is_no_yes(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Is Go easier to learn than Rust?" showed "Learning curve (Rust) — sources disagree": "Rust has a much
    steeper learning curve" against "If you do go ahead with Rust, start with a small service ... and budget time
    for the learning curve", which tells the reader what to do, and says no yes."""
    docs = {"a.md": "---\npublisher: Storage Weekly\npublished: 2024-01-01\nsubjects: [Ibex KV, Marten Store]\n---\n"
                    "# Notes\n\nMarten Store has a much steeper learning curve than Ibex KV.\n",
            "b.md": "---\npublisher: KV Monthly\npublished: 2022-01-01\nsubjects: [Ibex KV, Marten Store]\n---\n"
                    "# Advice\n\nIf you do go ahead with Marten Store, start with one node and budget time for the "
                    "learning curve.\n"}
    answer = engine_over(tmp_path, docs, embedder).ask("Is Marten Store easy to learn?")
    assert not answer.abstained and "steeper" in answer.answer, answer.answer
    assert answer.conflicts == (), [(c.topic, [cl.text for cl in c.claims]) for c in answer.conflicts]


def test_denying_a_kind_of_the_aspect_is_no_no(kv_engine: Engine) -> None:
    """"Marten Store lacks automatic documentation" denies automatic documentation, not documentation: no
    disagreement with "Marten Store is highly documented" for "Is Marten Store well documented?"."""
    answer = kv_engine.ask("Is Marten Store well documented?")
    assert not answer.abstained and "highly documented" in answer.answer
    assert answer.conflicts == (), [(c.topic, [cl.text for cl in c.claims]) for c in answer.conflicts]


def test_a_yes_and_a_no_on_different_words_of_the_question_are_no_disagreement(kv_engine: Engine) -> None:
    """"Marten Store speaks JSON" and "Marten Store lacks automatic documentation" each hold one word of "Does
    Marten Store return JSON automatically?", not the same one: they do not answer the same thing."""
    answer = kv_engine.ask("Does Marten Store return JSON automatically?")
    assert not answer.abstained and "speaks JSON" in answer.answer
    assert answer.conflicts == (), [(c.topic, [cl.text for cl in c.claims]) for c in answer.conflicts]


def test_a_no_as_near_in_meaning_as_the_yes_takes_a_side(kv_engine: Engine) -> None:
    """"lacks an inbuilt security system" holds one word of "Does Marten Store ship with auth built in?", "has
    built-in checks of tokens for authentication" two, but the model reads it nearly as near the question: a
    no and a yes on the word they share."""
    answer = kv_engine.ask("Does Marten Store ship with auth built in?")
    conflict = only_conflict(answer, "Marten Store")
    said = [c.text for c in conflict.claims]
    assert any("lacks an inbuilt security" in t for t in said) and any("built-in checks" in t for t in said), said


def test_other_subjects_comparison_in_other_words_is_that_row(kv_engine: Engine) -> None:
    """'speed' is no word of 'Read throughput' nor of 'Throughput (reads per second)', one aspect: it means it
    (the label nearer in meaning counts), and 'copies' means 'Replication'."""
    for question, aspect in (("How do Ibex KV and Marten Store compare on speed?", "Read throughput"),
                             ("Compare Ibex KV and Marten Store copies", "Replication")):
        answer = kv_engine.ask(question)
        assert answer.comparison is not None, answer.answer
        assert [r.aspect for r in answer.comparison.rows] == [aspect], answer.answer
        assert "no source in the corpus says" not in answer.answer, answer.answer


# A project's own documentation, page by page: each page is about the one subject its front matter names, and
# its pages are one source; a review from another publisher is another.
IBEX_DOCS = {
    "install.md": "---\npublisher: Ibex docs\nsubjects: [Ibex KV]\n---\n# Python version support\n\n"
                  "Releases from 3.0 on only support Python\n3.11 or greater.\n",
    "cli.md": "---\npublisher: Ibex docs\nsubjects: [Ibex KV]\n---\n# The command line\n\n"
              "The ibex-cli tool needs Python 3.9 or newer to run the shell.\n",
}
IBEX_REVIEW = {
    "review.md": "---\npublisher: Storage Weekly\npublished: 2026-01-10\nsubjects: [Ibex KV]\n---\n# Ibex KV reviewed\n\n"
                 "We ran Ibex KV on Python 3.8 without trouble.\n",
}


def test_a_project_page_speaks_of_its_one_subject_and_its_pages_are_one_source(
        tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Python version support" names no subject: on a page whose front matter names Ibex KV alone, it is Ibex
    KV's (the question is answered, not declined as "nothing on Python version"). Two pages of the same
    publisher are no disagreement; a review from another publisher stating another version is."""
    docs = engine_over(tmp_path / "docs", IBEX_DOCS, embedder)
    answer = docs.ask("Does Ibex KV support Python 3.8?")
    assert not answer.abstained and "3.11" in answer.answer, answer.answer
    assert answer.conflicts == (), [(c.topic, [cl.text for cl in c.claims]) for c in answer.conflicts]
    both = engine_over(tmp_path / "both", {**IBEX_DOCS, **IBEX_REVIEW}, embedder)
    answer = both.ask("Does Ibex KV support Python 3.8?")
    conflict = only_conflict(answer, "Ibex KV")
    publishers = [answer.citations[c.citation - 1].publisher for c in conflict.claims]
    assert sorted(publishers) == ["Ibex docs", "Storage Weekly"], publishers


def test_an_aspect_weighs_as_many_comparing_sources_as_name_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """Pages of two projects' documentation, each about its one subject, with 'Testing' sections, compare
    nothing: 'Testing' is no aspect to lay a comparison by. Two reviews of both with a 'Replication' row are two
    sources naming it, however many pages a site has."""
    docs = {f"{slug}{i}.md": f"---\npublisher: {name} docs\nsubjects: [{name}]\n---\n# Guide {i}\n\n## Testing\n\n"
                             f"{name} ships a test client for suite {i}.\n"
            for slug, name in (("ibex", "Ibex KV"), ("marten", "Marten Store")) for i in range(3)}
    for name, publisher in (("review1.md", "Storage Weekly"), ("review2.md", "KV Monthly")):
        docs[name] = (f"---\npublisher: {publisher}\nsubjects: [Ibex KV, Marten Store]\n---\n# Ibex KV vs Marten Store\n\n"
                      "| Aspect | Ibex KV | Marten Store |\n|---|---|---|\n| Replication | To followers | None |\n")
    engine = engine_over(tmp_path, docs, embedder)
    weights = {a.name: a.weight for a in engine.snapshot().aspects}
    assert weights["Testing"] == 0 and weights["Replication"] == 2, weights
    answer = engine.ask("Ibex KV vs Marten Store")
    assert answer.comparison is not None
    assert [row.aspect for row in answer.comparison.rows] == ["Replication"]


def heater_review(title: str, publisher: str, published: str, cost: str, life: str, prose: str) -> str:
    """A review of two made-up heaters with a spec table ('Installed cost', 'Lifespan') and some prose."""
    return (f'---\ntitle: "{title}"\npublisher: {publisher}\npublished: {published}\n'
            f"subjects: [Heron Pump, Kestrel Burner]\n---\n\n# {title}\n\n"
            "| Spec | Heron Pump | Kestrel Burner |\n|---|---|---|\n"
            f"| Installed cost | {cost} | $4,000 to $6,000 |\n| Lifespan | {life} | 20 to 25 years |\n\n{prose}\n")


HEATERS = {
    "home-notes.md": heater_review(
        "Heron Pump vs Kestrel Burner", "Home Notes", "2021-03-15", "$8,000 to $10,000", "about 15 years",
        "A Heron Pump costs $8,000 to $10,000 installed, about twice the price of a Kestrel Burner.\n"
        "A Heron Pump lasts about 15 years.\n"
        "Older homes may need a panel upgrade, which adds $1,500 to $3,000 to the job."),
    "fitter-guide.md": heater_review(
        "Fitting a Heron Pump or a Kestrel Burner", "Fitter Guide", "2024-06-05", "$14,000 to $18,000", "about 20 years",
        "A well-kept Heron Pump lasts about 20 years.\n"
        "A Heron Pump costs $14,000 to $18,000 installed, with its outdoor unit.\n"
        "Installing a Heron Pump takes two to three days; a Kestrel Burner takes one."),
}


heaters = module_engine("heaters", HEATERS)


@pytest.mark.parametrize("question", ["How long does a Heron Pump last?", "Heron Pump lifespan",
                                      "how many years does a heron pump last"])
def test_a_duration_asked_or_an_aspect_named_shows_its_disagreement(heaters: Engine, question: str) -> None:
    """"How long does a heat pump last?" and "heat pump lifespan" showed no disagreement where "how many years
    will a heat pump last" did: the question named no measure ('years'), and only a question asking an amount
    was read by its label's words."""
    conflict = only_conflict(heaters.ask(question), "Heron Pump")
    assert conflict.topic in ("Lifespan (Heron Pump)", "Years (Heron Pump)"), conflict.topic  # the rows' or the prose's
    assert {"15", "20"} <= {n for c in conflict.claims for n in NUMBER.findall(c.text)}


@pytest.mark.parametrize("question", ["How much does a Heron Pump cost?", "heron pump cost installed"])
def test_a_range_of_money_is_one_amount_and_one_disagreement(heaters: Engine, question: str) -> None:
    """"$8,000 to $10,000" was two amounts, and "$10,000 installed" a measure of its own ('installed'): the cost
    disagreement was shown twice, under 'Installed cost' and 'Installed'."""
    answer = heaters.ask(question)
    conflict = only_conflict(answer, "Heron Pump")
    assert conflict.topic == "Installed cost (Heron Pump)", conflict.topic
    said = [c.text for c in conflict.claims]
    assert len(said) == 2 and {"$8,000 to $10,000", "$14,000 to $18,000"} == {t.split(": ")[-1] for t in said}, said


@pytest.mark.parametrize("question", ["How much does a panel upgrade cost?",
                                      "How long does it take to install a Heron Pump?",
                                      "How long does installation take for a Heron Pump?"])
def test_another_thing_or_another_kind_of_amount_is_not_the_aspect(heaters: Engine, question: str) -> None:
    """The installed-cost disagreement led "How much does a panel upgrade cost?" (a cost, but of another thing,
    which its statements never name) and "How long does installation take?" (a time, not money)."""
    answer = heaters.ask(question)
    assert not answer.abstained, answer.answer
    assert answer.conflicts == (), [(c.topic, [cl.text for cl in c.claims]) for c in answer.conflicts]


BUILDS = {
    "alpha.md": "---\npublisher: Alpha Notes\npublished: 2022-05-18\nsubjects: [Ibex KV]\n---\n# Running Ibex KV\n\n"
                "A clean build of Ibex KV takes about 5 minutes on a developer laptop.\n\n"
                "We have run Ibex KV in production for three years across four data centres, and it has not lost a "
                "single write in that time.\n",
    "beta.md": "---\npublisher: Beta Weekly\npublished: 2024-02-10\nsubjects: [Ibex KV]\n---\n# Ibex KV in practice\n\n"
               "On our build servers, a clean build of Ibex KV takes about 90 seconds.\n\n"
               "Every paid licence of Ibex KV comes with a hardware support warranty of 8 years, covering parts and "
               "labour for the appliance.\n",
}


@pytest.mark.slow
def test_figures_on_one_aspect_disagree_whatever_their_unit_and_others_do_not(tmp_path: Path,
                                                                           embedder: OnnxEmbedder) -> None:
    """A measure alone is no aspect: "For five years I drove a Volt" was set against "a battery warranty of 8
    years" (both in years), while "about 5 minutes" and "about 90 seconds" for a clean build were never compared
    (minutes, seconds). Figures are on one aspect when their sentences are near in meaning, and a duration is one
    measure in seconds."""
    engine = engine_over(tmp_path, BUILDS, embedder)
    conflict = only_conflict(engine.ask("How long does a clean build of Ibex KV take?"), "Ibex KV")
    assert {"5 minutes", "90 seconds"} <= {m.group() for c in conflict.claims
                                          for m in re.finditer(r"\d+ (?:minutes|seconds)", c.text)}
    for question in ("How many years has Ibex KV been in production?", "how many years of warranty does ibex kv have",
                     "ibex kv support time"):
        assert not engine.ask(question).conflicts, question
    # "dc fast charging time" asks a duration as "how long" does, of statements whose own words hold the rest
    assert only_conflict(engine.ask("ibex kv clean build time"), "Ibex KV")
    # A duration is matched by meaning only by what it is a duration of, not by its unit: "How much faster is Rust
    # than Go?" came near the 'milliseconds' of two sentences on Go's pauses (the Go vs Rust set). Read here with
    # the question's meaning set to its unit's, as near as it can be.
    snap = engine.snapshot()
    unit = engine.embedder.embed(["minutes"])[0]
    query = analyse("How much faster is Ibex KV?", snap.catalog)
    assert not _fact_disagreements(snap, query, unit, lambda: unit, question_stems(snap, query), ("Ibex KV",))
    assert _fact_disagreements(snap, query, unit, lambda: unit, frozenset({"durat"}), ("Ibex KV",))  # named: asked


@pytest.mark.slow
def test_life_asks_a_duration_as_time_does(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"sram axs battery life" showed "about 60 hours of riding per charge" and "lasts about 35 hours of riding" as
    two quotes, no disagreement: 'battery life' is a term the corpus writes, and its statements never say 'life'.
    A duration's statements say what 'life', 'lifespan' or 'time' asks by being one."""
    engine = engine_over(tmp_path, {
        "alpha.md": "---\npublisher: Alpha Notes\npublished: 2022-05-18\nsubjects: [Ibex Shifter]\n---\n# Ibex "
                    "Shifter\n\nThe maker quotes roughly 60 hours of riding per charge for the Ibex Shifter battery.\n\n"
                    "Battery life matters most on long tours.\n",
        "beta.md": "---\npublisher: Beta Weekly\npublished: 2024-02-10\nsubjects: [Ibex Shifter]\n---\n# Ibex "
                   "Shifter in winter\n\nThe small Ibex Shifter battery lasts about 35 hours of riding, less in "
                   "winter.\n"}, embedder)
    for question in ("ibex shifter battery life", "Ibex Shifter battery lifespan"):
        conflict = only_conflict(engine.ask(question), "Ibex Shifter")
        assert {"60", "35"} <= {n for c in conflict.claims for n in NUMBER.findall(c.text)}, question


@pytest.mark.slow
def test_a_statement_is_set_against_the_nearest_of_another_sources(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"restic needed roughly 1.5 GB of RAM" was set against '| Repository size after first backup | 84 GB |', the
    other source's first statement in bytes near enough, not against its "memory use ... settles at roughly
    600 MB" (a planted disagreement never shown; the false one led "wat chunk size does restic use")."""
    engine = engine_over(tmp_path, {
        "alpha.md": "---\npublisher: Alpha Notes\npublished: 2025-06-23\nsubjects: [Ibex KV]\n---\n# Ibex KV "
                    "measured\n\n| Measure | Ibex KV |\n|---|---|\n| Repository size after first backup | 84 GB |\n\n"
                    "## Memory use over time\n\nWe kept a second Ibex KV repository that has grown to about 1 TB. For "
                    "a repository of that size, the memory use of Ibex KV during a backup settles at roughly 600 MB.\n",
        "beta.md": "---\npublisher: Beta Weekly\npublished: 2023-04-18\nsubjects: [Ibex KV]\n---\n# Ibex KV on "
                   "servers\n\nOn our largest host, with a 1 TB repository, Ibex KV needed roughly 1.5 GB of RAM during "
                   "a backup.\n"}, embedder)
    snap = engine.snapshot()
    said = [sorted(f.value[0] for _u, f in group) for group in snap.differing]
    assert [6e8, 1.5e9] in said and not any(84e9 in values for values in said), said


@pytest.mark.slow
def test_sides_of_other_models_are_no_disagreement(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"mechanical or electronic shifting?" led with "Mechanical or electronic (105) — sources disagree": "Best on a
    tight budget: Shimano 105 R7000 mechanical" and "Shimano brought Di2 to 105 with the R7100 groupset", two
    models of the line. Sides naming other models' codes are not one thing said two ways; naming one, they are."""
    def corpus(first: str, second: str) -> dict[str, str]:
        return {"alpha.md": "---\npublisher: Alpha Notes\npublished: 2025-02-03\nsubjects: [Ibex 105]\n---\n# Picks"
                            f"\n\n**Best on a tight budget:** Ibex 105 {first} mechanical.\n",
                "beta.md": "---\npublisher: Beta Weekly\npublished: 2024-09-17\nsubjects: [Ibex 105]\n---\n# History"
                           f"\n\nIbex made the 105 line electronic with the Ibex 105 {second} groupset in 2022.\n"}
    question = "Is the Ibex 105 mechanical or electronic?"
    assert not engine_over(tmp_path / "apart", corpus("R7000", "R7100"), embedder).ask(question).conflicts
    conflict = only_conflict(engine_over(tmp_path / "one", corpus("R7100", "R7100"), embedder).ask(question), "Ibex 105")
    assert conflict.topic == "Mechanical or electronic (Ibex 105)", conflict.topic


SHELLS = {
    "alpha.md": "---\npublisher: Alpha Notes\npublished: 2021-11-09\nsubjects: [Ibex KV]\n---\n# Moving to Ibex KV\n\n"
                "On Ibex KV 1.6, loading the shell and running the first query took about 40 seconds on our laptops.\n\n"
                "Ibex KV does not support running queries in parallel because of its global lock.\n\n"
                "Cold starts of the shell were longer than anyone liked.\n\n## Installing the shell\n\n"
                "Installing the shell takes an afternoon. A well-kept Ibex KV shell host lasts about 3 years.\n",
    "beta.md": "---\npublisher: Beta Reference\npublished: 2024-02-27\nsubjects: [Ibex KV]\n---\n# Ibex KV at a glance\n\n"
               "On Ibex KV 1.10, loading the shell and running the first query takes about 4 seconds, down from well "
               "over 30 seconds on releases before 1.9.\n",
    "gamma.md": "---\npublisher: Gamma Review\npublished: 2025-04-15\nsubjects: [Ibex KV]\n---\n# A year of Ibex KV\n\n"
                "On my laptop, on Ibex KV 1.10 the first query from the shell still took about 11 seconds.\n\n"
                "Ibex KV has supported running queries truly in parallel since version 1.9, through its sharded "
                "executor.\n\n## Installing the shell\n\nAn Ibex KV shell host lasts about 6 years.\n",
}


shells = module_engine("shells", SHELLS)


def test_figures_of_another_release_or_a_figure_changed_from_are_no_side(shells: Engine) -> None:
    """"On Julia 1.6, ... about 40 seconds" was set against "on Julia 1.10 ... about 11 seconds", and "takes about
    4 seconds, down from well over 30 seconds" stated two values, so none: the 1.10 figures were never set
    against each other."""
    answer = shells.ask("how many seconds does the first query take on ibex kv 1.10")
    conflict = only_conflict(answer, "Ibex KV")
    assert figures(answer, conflict) >= {"4", "11"} and "40" not in figures(answer, conflict), conflict


def test_how_long_asks_a_duration_though_the_corpus_writes_its_words_in_other_forms(shells: Engine) -> None:
    """"how long does it take a react developer to become productive in svelte?" showed the two sources' 2 and 6
    weeks side by side, undisputed: the corpus writing 'longer' and 'takes' but never 'long' or 'take', the
    question was read as "how longer does it takes ...", which asks no duration."""
    answer = shells.ask("how long does the first query take on ibex kv 1.10")
    assert figures(answer, only_conflict(answer, "Ibex KV")) >= {"4", "11"}
    # The statements' own words hold what the question asks, not their sections': "How long does installation
    # take for a heat pump?" showed the lifespans of an installer's guide
    assert only_conflict(shells.ask("how long does an ibex kv shell host last"), "Ibex KV")
    assert not shells.ask("How long does installation take for an Ibex KV shell?").conflicts


def test_a_no_to_running_what_the_question_runs_is_a_no(shells: Engine) -> None:
    """"does not support running threads in parallel" was read as denying a kind of threads ('running' ones, as
    "no API documentation" denies a kind of documentation) for "can python run threads in parallel": no
    disagreement with "has supported running threads truly in parallel since version 3.13"."""
    answer = shells.ask("can ibex kv run queries in parallel")
    conflict = only_conflict(answer, "Ibex KV")
    said = " ".join(c.text for c in conflict.claims)
    assert "does not support" in said and "has supported" in said, said


LIMITS = {
    "alpha.md": "---\npublisher: Alpha Notes\npublished: 2022-09-27\nsubjects: [Ibex KV, Marten Store]\n---\n"
                "# How far Ibex KV scales\n\nAccording to its thresholds, a single Ibex KV cluster is supported up to "
                "15,000 nodes, as long as you stay within these limits:\n\n- no more than 110 shards per node,\n"
                "- no more than 150,000 total shards.\n\n## Load tests\n\n"
                "1. The **T1K test** (2016) loaded one million keys across 5,000 hosts in under five minutes.\n"
                "2. The **T2K test** (2020) loaded two million keys across more than 6,100 hosts.\n\n"
                "Marten Store is developed by a small team in Oslo.\n\n## Power\n\nEach Ibex KV appliance needs a "
                "dedicated 50-amp, 240-volt circuit. An Ibex KV appliance draws around 2,800 W at peak.\n\nOn our hosts Ibex "
                "KV idles around 15 MB of resident memory.\n\n## Storage\n\nAn Ibex KV database file can grow to "
                "about 140 terabytes, and a single value can hold up to 1 billion bytes.\n\n## FAQ\n\n### Is Ibex KV dead?\n\n"
                "No. Its maintainers have publicly committed to supporting it, and it still ships every quarter.\n",
    "beta.md": "---\npublisher: Beta Reference\npublished: 2024-02-19\nsubjects: [Ibex KV, Marten Store]\n---\n"
               "# Ibex KV and Marten Store in operation\n\n| Limit | Ibex KV | Marten Store |\n|---|---|---|\n"
               "| Shards per node | 110 shards | no fixed limit |\n| Total shards | 150,000 shards | not published |\n\n"
               "Ibex KV officially supports clusters of up to 5,000 nodes, and beyond that the recommendation is to "
               "split the data across several clusters. Ibex KV's well-known \"T2K\" test loaded two million keys "
               "across thousands of client nodes.\n\nMarten Store replicates every write to three nodes.\n\n"
               "## Power\n\nFor an Ibex KV appliance, plan on a dedicated 40-amp, 240-volt circuit. Peak power draw for "
               "an Ibex KV appliance is about 1,800 W.\n\nIbex KV idled at about 40 MB of resident memory in our "
               "tests.\n\n| Limit | Ibex KV | Marten Store |\n|---|---|---|\n| Maximum database size | 281 TB | "
               "64 TB |\n",
}


limits = module_engine("limits", LIMITS)


@pytest.mark.parametrize("question", ["ibex kv total shards limit", "how many shards can ibex kv hold in all"])
def test_an_amount_per_what_a_row_names_is_not_an_amount_in_all(limits: Engine, question: str) -> None:
    """"kubernetes pods total limit" was answered "sources disagree": the row 'Pods / tasks per node: 110 pods'
    against "no more than 150,000 total pods", the row's 'per node' being read of no cell."""
    answer = limits.ask(question)
    assert not answer.abstained and not answer.conflicts, [c.topic for c in answer.conflicts]


def test_figures_of_tests_named_by_other_codes_are_no_side(limits: Engine) -> None:
    """"how many containers did nomad schedule in the c2m challenge" set "The C1M challenge (2016) scheduled one
    million containers" against C2M's two million: two tests, not two sources on one."""
    answer = limits.ask("how many keys did ibex kv load in the t2k test")
    assert not answer.abstained and not answer.conflicts, [c.topic for c in answer.conflicts]
    # ... where one statement naming no code is still compared: the nodes a cluster is supported up to
    nodes = limits.ask("max nodes in an ibex kv cluster")
    assert figures(nodes, only_conflict(nodes, "Ibex KV")) >= {"5,000", "15,000"}


def test_what_an_amount_asked_is_per_is_not_counted(limits: Engine) -> None:
    """"max pods per node k8s" showed the disagreement on how many nodes a cluster has."""
    answer = limits.ask("max shards per node ibex kv")
    assert not answer.abstained and not answer.conflicts, [c.topic for c in answer.conflicts]
    assert "110" in answer.citations[0].quote


@pytest.mark.parametrize("question", ["how many amps does an ibex kv appliance need", "ibex kv amps"])
def test_a_measure_joined_to_its_number_is_read(limits: Engine, question: str) -> None:
    """"how many amps does an induction range need" showed the 40-amp of one source and the 50-amp of another
    without saying they differ: "a dedicated 40-amp, 240-volt circuit" stated no amount (its measure is joined to
    the number), and 'amps' of the question was no 'amp'."""
    answer = limits.ask(question)
    assert figures(answer, only_conflict(answer, "Ibex KV")) >= {"40", "50"}


def test_an_amount_the_question_gives_that_no_statement_states_asks_of_another_thing(limits: Engine) -> None:
    """"what if my panel is only 100 amps" showed the 40 and 50 amps a range's circuit needs."""
    assert not limits.ask("what if my ibex kv panel is only 100 amps").conflicts
    assert only_conflict(limits.ask("are 40 amps enough for an ibex kv appliance"), "Ibex KV")  # one stated: asked


@pytest.mark.parametrize("question", ["how many watts does an ibex kv appliance draw", "ibex kv power draw watts"])
def test_a_unit_symbol_is_its_name(limits: Engine, question: str) -> None:
    """"dual boiler power draw watts" showed 2,800 W and never the other source's 1,800 W ('W' was no 'watts'), and
    "how many watts does a dual boiler use" was declined: the corpus never writes 'watts'."""
    answer = limits.ask(question)
    conflict = only_conflict(answer, "Ibex KV")
    assert figures(answer, conflict) >= {"2,800", "1,800"}
    assert conflict.topic == "Watts (Ibex KV)"


@pytest.mark.parametrize("question", ["how much memory does ibex kv use", "ibex kv idle memory"])
def test_what_a_measure_is_of_is_its_noun_after_an_adjective(limits: Engine, question: str) -> None:
    """"how much memory does caddy use" showed no disagreement between "15 MB of resident memory" and "40 MB of
    resident memory": their measure was 'MB of resident'."""
    answer = limits.ask(question)
    assert figures(answer, only_conflict(answer, "Ibex KV")) >= {"15", "40"}


@pytest.mark.parametrize("question", ["ibex kv max database size", "how big can an ibex kv database get"])
def test_amounts_of_data_in_other_units_are_one_aspect(limits: Engine, question: str) -> None:
    """"sqlite max database size" showed the one source's '281 TB' and never the other's "about 140 terabytes":
    'TB' and 'terabytes' were two measures. (The sentence's "1 billion bytes" of a single value is no second value
    of the file's size.)"""
    answer = limits.ask(question)
    assert figures(answer, only_conflict(answer, "Ibex KV")) >= {"281", "140"}


RELEASES = {
    "alpha.md": "---\npublisher: Alpha Notes\npublished: 2022-11-03\nsubjects: [Ibex KV, Marten Store]\n---\n"
                "# Running Ibex KV\n\nThe big change this year is Raft mode. Raft mode was declared production-ready "
                "in Ibex KV 3.3, released in October 2022, for new clusters.\n\nIbex KV 1.0 came out in 2016.\n\n"
                "Marten Store 2.0, released in January 2025, added snapshots. Marten Store 1.0 was released in March "
                "2019.\n",
    "beta.md": "---\npublisher: Beta Reference\npublished: 2025-10-02\nsubjects: [Ibex KV, Marten Store]\n---\n"
               "# Choosing a store in 2025\n\nIbex KV 4.0, released in March 2025, removed the old coordinator "
               "entirely; every cluster now runs in Raft mode. Raft mode itself only became production-ready in Ibex "
               "KV 3.5, so teams that upgraded from older releases had to plan a migration.\n\nFor license terms, Ibex "
               "KV 2.1 was the first release under the new license.\n\nMarten Store 2.0, which arrived in October "
               "2024, brought snapshots to every plan; Marten Store v1.0 shipped in 2019.\n",
}


releases = module_engine("releases", RELEASES)


@pytest.mark.parametrize("question", ["when did raft mode become production ready in ibex kv",
                                      "which ibex kv version made raft mode production-ready?"])
def test_the_release_something_happened_in_is_a_disagreement(releases: Engine, question: str) -> None:
    """"when did kraft become production ready" quoted "KRaft was declared production-ready in Kafka 3.3" and
    never the other source's "KRaft itself only became production-ready in Kafka 3.5": a subject's own release
    was read as no value (only a requirement's, 'Python 3.10')."""
    answer = releases.ask(question)
    conflict = only_conflict(answer, "Ibex KV")
    said = " ".join(c.text for c in conflict.claims)
    assert "Ibex KV 3.3" in said and "KV 3.5" in said, said
    assert conflict.topic == "Ibex KV release (Raft mode production-ready)"  # what happened, as the corpus says it


@pytest.mark.parametrize("question", ["when was ibex kv 4.0 released", "when was ibex kv first released",
                                      "which ibex kv version was the first under the new license"])
def test_releases_of_other_happenings_are_no_disagreement(releases: Engine, question: str) -> None:
    """Statements naming different releases of a subject disagree only on one happening, asked of."""
    assert not releases.ask(question).conflicts


@pytest.mark.parametrize("question", ["when was marten store 2.0 released", "marten store v2 release date"])
def test_when_a_release_came_out_is_a_disagreement(releases: Engine, question: str) -> None:
    """"when was poetry 2.0 released" quoted "Poetry 2.0, released in January 2025" and never the other source's
    "Poetry 2.0, which arrived in October 2024": a date was the value of nothing. ('v2', typed after the subject,
    was a name the corpus never writes.)"""
    conflict = only_conflict(releases.ask(question), "Marten Store")
    said = " ".join(c.text for c in conflict.claims)
    assert "January 2025" in said and "October 2024" in said, said
    assert conflict.topic == "Marten Store 2.0 release date"


@pytest.mark.parametrize("question", ["when was marten store 1.0 released", "what did marten store 2.0 add"])
def test_dates_that_agree_or_are_not_asked_are_no_disagreement(releases: Engine, question: str) -> None:
    """March 2019 is within 2019; a question not asking when shows no dates."""
    assert not releases.ask(question).conflicts


def test_the_release_an_event_happened_in_shares_two_of_its_words(tmp_path: Path) -> None:
    """"Jekyll 4.4 needs Ruby 2.7.0 or higher" was set against "the Ruby-based generator's most recent major version,
    Jekyll 4.0, came out in August 2019" (sharing 'ruby' alone), and a build timed "on Jekyll 4.3" against "GitHub
    Pages builds sites with Jekyll 3.9.0" (sharing 'build'), which hid the other source's 3.10.0 for GitHub Pages."""
    snap = engine_over(tmp_path, {
        "a.md": "---\npublisher: Alpha Notes\nsubjects: [Ibex KV]\n---\n# Notes\n\nA full build of my blog took 48 "
                "seconds on Ibex KV 4.3.\n\nGitHub Pages builds sites with Ibex KV 3.9.0.\n",
        "b.md": "---\npublisher: Beta Reference\nsubjects: [Ibex KV]\n---\n# FAQ\n\nGitHub Pages currently builds "
                "sites with Ibex KV 3.10.0.\n",
    }, _AllAlike()).snapshot()
    said = [sorted(str(f.value) for _u, f in group) for group in snap.differing if group[0][1].kind == "release"]
    assert said == [["3.10.0", "3.9.0"]], said


def test_measurements_taken_at_other_amounts_are_other_tests(tmp_path: Path) -> None:
    """"how long did hugo take in the 4000 file benchmark" showed 'Median build time, 5,000 pages — sources disagree':
    "a benchmark of 4,000 Markdown files ... 0.68 seconds" against a row '| Median build time, 5,000 pages | 1.9 s |'
    of another source. A measurement stating the amounts it was taken at is of another test than one stating
    others; stating the same, or none, it is of the same."""
    row = "| Test | Ibex KV |\n|---|---|\n| Median build time, 5,000 pages | 1.9 s |"
    for n, (sentence, said) in enumerate([
        ("In a benchmark of 4,000 Markdown files, Ibex KV's median build time was 0.68 seconds.", []),
        ("With 5,000 pages, the median build time of Ibex KV was 2.4 seconds.", [[1.9, 2.4]]),
        ("The median build time of Ibex KV was 2.4 seconds.", [[1.9, 2.4]]),
    ]):
        assert differing_values(tmp_path / str(n), row, sentence) == said, sentence


def test_a_measurement_restated_in_other_units_is_one_measurement(tmp_path: Path) -> None:
    """The planted AeroPress XL capacity (20 ounces against 16) showed as two plain quotes: "20 ounces (595 ml) in
    one press" and "16 ounces (473 ml) per press" each stated another amount beside the one compared (the other
    unit's), so they read as measured at other amounts. An amount restated in brackets in other units is the same
    measurement; one in litres is of the volume asked in any unit of it."""
    said = differing_values(tmp_path, "The Ibex KV XL brews up to 20 ounces (595 ml) in one press.",
                            "The Ibex KV XL tops out at 16 ounces (473 ml) per press.")
    assert [[round(v, 3) for v in values] for values in said] == [[16.0, 20.0], [0.473, 0.595]], said
    # other amounts beside it, not in brackets after it, are still what it was measured at
    assert differing_values(tmp_path / "apart", "In a 4 ounce test, the Ibex KV XL held 595 ml.",
                            "In a 5 ounce test, the Ibex KV XL held 473 ml.") == []


@pytest.mark.slow
def test_a_volume_asked_is_an_amount_in_litres(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"what's the max volume of the aeropress xl in ml?" showed no disagreement: 'volume' asked no amount and named
    no aspect. A volume is an amount in litres, whatever unit states it ('ml', 'gallons'), and 'max' asks one."""
    engine = engine_over(tmp_path, {
        "a.md": "---\npublisher: Alpha Notes\npublished: 2024-01-05\nsubjects: [Ibex KV]\n---\n# Lineup\n\n"
                "The Ibex KV XL brews up to 20 ounces (595 ml) in one press and suits two people.\n",
        "b.md": "---\npublisher: Beta Reference\npublished: 2026-01-05\nsubjects: [Ibex KV]\n---\n# Buying\n\n"
                "Note that the Ibex KV XL tops out at 16 ounces (473 ml) per press.\n",
    }, embedder)
    for question in ("what's the max volume of the ibex kv xl in ml?", "ibex kv xl max volume"):
        answer = engine.ask(question)
        assert figures(answer, only_conflict(answer, "Ibex KV")) >= {"595", "473"}, question


def _asked_of_two(folder: Path, embedder: OnnxEmbedder, question: str, first: str, second: str) -> Answer:
    """The answer to ``question`` of two dated sources on Ibex KV, ``first`` (the older) and ``second``."""
    return engine_over(folder, _two_dated(first, second), embedder).ask(question)


def _two_dated(first: str, second: str, subjects: str = "[Ibex KV]") -> dict[str, str]:
    return {"a.md": f"---\npublisher: Alpha Notes\npublished: 2024-01-05\nsubjects: {subjects}\n---\n# One\n\n{first}\n",
            "b.md": f"---\npublisher: Beta Reference\npublished: 2025-01-05\nsubjects: {subjects}\n---\n# Two\n\n{second}\n"}


def test_a_list_after_a_paragraph_on_one_subject_is_of_it_and_plans_are_apart(tmp_path: Path) -> None:
    """The planted Fastmail Individual storage (30 GB in 2021, 50 GB in 2025) showed as 50 GB against the Family
    plan's 200 GB: "The Individual plan comes with 30 GB of storage." sat in a list after "Fastmail has no free
    plan ... After that you pick a plan:", of no subject, and a plan's name kept no statement apart. A list's items
    are of the one subject their lead-in's paragraph names, and plans by name ('**Basic**' leading an item) are
    other things, as models are."""
    listed = ("Ibex KV has no free plan, but it has a trial. After that you pick a plan:\n\n"
              "- **Basic** costs $3 per month and includes 2 GB of storage.\n"
              "- **Solo** costs $5 per month. The Solo plan comes with 30 GB of storage.")
    assert differing_values(tmp_path / "a", listed, "The Ibex KV Solo plan includes 50 GB of storage.") == [
        [30e9, 50e9]]
    assert differing_values(tmp_path / "b", "The Ibex KV Family plan covers six people with 200 GB of storage.",
                            "The Ibex KV Solo plan includes 50 GB of storage.") == []


def test_a_subjects_own_price_in_a_sentence_is_the_price_its_row_states(tmp_path: Path) -> None:
    """"how much is the creality k1?" showed no disagreement between "The Creality K1 costs $599." (2023) and "The
    Creality K1 now sells for $449 ..." with its row '| Creality K1 | $449 |' under 'Price' (2025): a price said of
    a subject itself was no fact ("Obsidian costs $8 a month" does not say which of its prices). One of no time is
    its own price, on the aspect of a 'Price' column."""
    row = "| Store | Price (March 2025) |\n|---|---|\n| Ibex KV | $449 |"
    assert differing_values(tmp_path / "row", "The Ibex KV costs $599.", row) == [[449.0, 599.0]]
    assert differing_values(tmp_path / "said", "The Ibex KV costs $599.", "Ibex KV now sells for $449.") == [
        [449.0, 599.0]]
    assert differing_values(tmp_path / "monthly", "The Ibex KV costs $5 a month.", row) == []


@pytest.mark.slow
def test_loudness_asked_is_an_amount_in_decibels(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """The planted P1S noise (48 dB, 56 dB) showed for none of "how loud is the p1s?" (no amount asked), "is the p1s
    quieter than 50 dB?" (an amount the question gives, no statement states, read as of something else) and "how
    many decibels ...?" (declined: the corpus writes 'dB'). Loudness asked is an amount in decibels; an amount after
    'than' is a bound the question sets."""
    engine = engine_over(tmp_path, _two_dated(
        "The Ibex KV runs at about 48 dB in its standard mode, measured one metre away.",
        "Members measured the Ibex KV at 56 dB in standard mode at one metre, averaged over five units."), embedder)
    for question in ("how loud is the ibex kv?", "is the ibex kv quieter than 50 dB?",
                     "how many decibels is the ibex kv?"):
        answer = engine.ask(question)
        assert figures(answer, only_conflict(answer, "Ibex KV")) >= {"48", "56"}, question


@pytest.mark.slow
def test_a_hyphenated_word_of_short_parts_is_one_word_of_the_aspect(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """The planted MK4 Wi-Fi printing ("does not support Wi-Fi printing yet", then "supports Wi-Fi printing out of
    the box") showed no disagreement for "can I send prints to the MK4 over wifi?": 'Wi-Fi' was two words too short
    to name an aspect, so the no read as denying only a kind of printing ('fi'). Its parts joined ('wifi') are a
    word of the aspect, and the heading of another subject ('Marten Store printing') none of it."""
    engine = engine_over(tmp_path, _two_dated(
        "The Ibex KV does not support Wi-Fi printing yet; at launch you send jobs over the Ethernet port.\n\n"
        "## Marten Store printing\n\nMarten Store prints from a USB stick.",
        "The Ibex KV supports Wi-Fi printing out of the box, and I send every job over Wi-Fi.",
        "[Ibex KV, Marten Store]"), embedder)
    answer = engine.ask("can I send prints to the Ibex KV over wifi?")
    conflict = only_conflict(answer, "Ibex KV")
    assert "Marten" not in conflict.topic and len(conflict.claims) == 2, conflict.topic


@pytest.mark.slow
def test_the_latest_release_is_the_one_sources_call_current(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """The planted Celery current release (5.2 in 2021, 5.5 in 2025) showed for neither question aimed at it: the 2025
    statement had joined "Celery 5.2 supports Python 3.7 ..." (two common words shared, 'supports Python', where
    "the current stable release" shares two rarer ones), and "the latest version" asked nothing the statements say.
    Other releases' Python versions are no disagreement ("which python versions does celery 5.5 support?" showed
    one)."""
    engine = engine_over(tmp_path, _two_dated(
        "Ibex KV 5.2 is now the current stable release of Ibex KV, and the maintainers recommend an upgrade.\n\n"
        "**Python support:** Ibex KV 5.2 supports Python 3.7, 3.8, 3.9 and 3.10.\n\n"
        "Its client supports Python type hints. Its worker supports Python's asyncio.",
        "The current stable release is Ibex KV 5.5, which shipped in March 2025 and supports Python 3.8 through 3.13.\n\n"
        "The admin tool supports Python scripts, and the docs support Python examples."),
        embedder)
    for question in ("what's the latest version of ibex kv?", "is ibex kv 5.2 still the current release?"):
        answer = engine.ask(question)
        assert figures(answer, only_conflict(answer, "Ibex KV")) >= {"5.5", "5.2"}, question
    assert not engine.ask("which python versions does ibex kv 5.5 support?").conflicts


@pytest.mark.slow
def test_an_amount_of_memory_asked_is_no_rate(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"how much memory does an rq worker use?" led with 'Jobs per second (RQ) — sources disagree', whose statements
    say 'memory' too ("... but it also had the smallest memory footprint at 38 MB"): memory asked is an amount of
    bytes, and an aspect of another kind is not read as meant by the question's meaning."""
    engine = engine_over(tmp_path, _two_dated(
        "Ibex KV managed about 350 jobs per second with four workers, but it also had the smallest memory footprint "
        "at 38 MB per worker process.",
        "In our throughput test, Ibex KV processed about 900 jobs per second with four workers."), embedder)
    # read with the question's meaning set to the aspect's wording, as near as it can be (the RQ question was the
    # nearest of its corpus's aspects to it)
    snap = engine.snapshot()
    near = engine.embedder.embed(["jobs per second"])[0]
    query = analyse("how much memory does an ibex kv worker use?", snap.catalog)
    assert not _fact_disagreements(snap, query, near, lambda: near, question_stems(snap, query), ("Ibex KV",))
    query = analyse("how much does an ibex kv worker manage?", snap.catalog)
    assert _fact_disagreements(snap, query, near, lambda: near, question_stems(snap, query), ("Ibex KV",))
    answer = engine.ask("how many jobs per second can ibex kv run?")
    assert figures(answer, only_conflict(answer, "Ibex KV")) >= {"350", "900"}


# Names said often, as a comparison's are: what a question asks beside them weighs the more.
_MENTIONS = " ".join(f"Ibex KV and Marten Store both handle case {i} well." for i in range(8))


@pytest.mark.slow
def test_a_date_is_of_the_subject_its_paragraph_names_and_when_may_ask_none(
        tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"when was Fastmail founded?" showed 'When: Fastmail founded — sources disagree' between Tutanota's and
    Proton's founding ("Tutanota is made by Tutao GmbH ... It was founded in 2011 ..."): a date said in a sentence
    naming no subject is of the one its paragraph names before it. "is dramatiq better than celery when it comes to
    reliability?" showed 'When: ...': 'when' joining a clause asks no date."""
    engine = engine_over(tmp_path, _two_dated(
        "Marten Store is made by Marten GmbH, a small company. It was founded in 2011 by two engineers.\n\n"
        "Our pick in 2025 is Ibex KV, with Marten Store as the safe choice.\n\n" + _MENTIONS,
        "Ibex KV comes from Ibex AG, a company in Geneva. It was founded in 2014 by scientists.\n\n"
        "Marten Store's competition in 2021 is mostly Ibex KV.\n\n" + _MENTIONS, "[Ibex KV, Marten Store]"), embedder)
    assert not engine.ask("when was ibex kv founded?").conflicts
    assert not engine.ask("is ibex kv better than marten store when it comes to reliability?").conflicts


@pytest.mark.slow
def test_without_after_the_aspect_denies_what_follows_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Is the P1S better than the MK4 for multicolor prints?" showed 'Multi-colour (P1S) — sources disagree': "They
    want multi-colour prints without assembling anything" read as a no. 'without' after the aspect's word denies what
    follows it; before it, or with another word of lack, the aspect."""
    question = "can the ibex kv do multi-colour prints?"
    yes = "Choose the Ibex KV if you want multi-colour prints."
    assert not _asked_of_two(tmp_path / "agree", embedder, question, yes,
                             "Ibex KV owners get multi-colour prints without assembling anything.").conflicts
    assert only_conflict(_asked_of_two(tmp_path / "differ", embedder, question, yes,
                                       "The Ibex KV cannot do multi-colour prints without an add-on."), "Ibex KV")


@pytest.mark.slow
def test_a_time_asked_is_no_count_of_times(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"What's Dramatiq's default time limit for an actor?" led with 'Times (Dramatiq) — sources disagree' (retries:
    "10 times by default" against 20): how many times something is done is asked with 'times', not 'time'."""
    engine = engine_over(tmp_path, _two_dated(
        "Ibex KV retries a failed job 20 times by default, each try within the time limit.",
        "Ibex KV retries a failed job 10 times by default. Every job has a 10-minute time limit by default."), embedder)
    assert not engine.ask("what's ibex kv's default time limit for a job?").conflicts
    answer = engine.ask("how many times does ibex kv retry a failed job?")
    assert figures(answer, only_conflict(answer, "Ibex KV")) >= {"10", "20"}


@pytest.mark.slow
def test_a_yes_says_the_kind_the_question_asks(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"does fastmail do end-to-end encryption?" showed 'Encryption (Fastmail) — sources disagree' where every source
    said no: "encrypts mail in transit and at rest, but not end to end" was read as a yes (its first clause on
    encryption). A yes must say the kind a question asks by a hyphenated word; a clause denying it is a no."""
    question = "does ibex kv do end-to-end encryption?"
    not_end_to_end = "Ibex KV encrypts data in transit and at rest, but not end to end, so the vendor can read it."
    assert not _asked_of_two(tmp_path / "agree", embedder, question, not_end_to_end,
                             "The one real trade-off: Ibex KV does not do end-to-end encryption.").conflicts
    assert only_conflict(_asked_of_two(tmp_path / "differ", embedder, question, not_end_to_end,
                                       "Since version 3, Ibex KV offers end-to-end encryption for every database."),
                         "Ibex KV")


@pytest.mark.slow
def test_a_yes_or_no_is_asked_of_the_subject_set_against_another(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"does dramatiq have a built-in periodic scheduler like celery beat?" led with 'Periodic or beat (Celery) —
    sources disagree': the question asks of Dramatiq, as "Is X harder than Y?" asks of X; what sources say of the
    subject it is likened to is no yes or no to it."""
    engine = engine_over(tmp_path, _two_dated(
        "Ibex KV has no built-in scheduler. Marten Store ships a built-in scheduler.",
        "Ibex KV lacks a built-in scheduler. Marten Store has no built-in scheduler, only cron recipes.",
        "[Ibex KV, Marten Store]"), embedder)
    assert not engine.ask("does ibex kv have a built-in scheduler like marten store?").conflicts
    assert only_conflict(engine.ask("does marten store have a built-in scheduler?"), "Marten Store")


@pytest.mark.slow
def test_a_question_offering_two_amounts_asks_which_not_whether(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"is the first 100 GB of S3 egress free or is it only 1 GB?" showed 'First or free — sources disagree' (a
    yes and a no), sides a free tier for new accounts and "only the first 1 GB ... for free": the question asks
    which amount is free, which the sources' quotes answer, not whether anything is."""
    engine = engine_over(tmp_path, {
        "a.md": "---\npublisher: Alpha Notes\npublished: 2021-09-29\nsubjects: [Ibex Store]\n---\n# Egress\n\n"
                "Ibex Store customers get only the first 1 GB of egress each month for free.\n",
        "b.md": "---\npublisher: Beta Weekly\npublished: 2025-05-20\nsubjects: [Ibex Store]\n---\n# Egress\n\n"
                "Ibex Store egress is not free: every GB is billed.\n"}, embedder)
    assert engine.ask("Does Ibex Store give free egress?").conflicts  # a yes and a no, asked whether
    answer = engine.ask("is the first 100 GB of Ibex Store egress free or is it only 1 GB?")
    assert not answer.conflicts and not answer.abstained, answer.answer


STATES = {
    "alpha.md": "---\npublisher: Alpha Notes\npublished: 2025-03-14\nsubjects: [Ibex KV, Marten Store]\n---\n"
                "# Choosing a store\n\nBoth stores keep their state in one file.\n\n## FAQ\n\n"
                "### Does Ibex KV encrypt state files natively?\n\nYes.\n\nSince Ibex KV 1.7, state files can be "
                "encrypted client-side before they are written, using keys from a KMS or a passphrase.\n",
    "beta.md": "---\npublisher: Beta Reference\npublished: 2026-01-22\nsubjects: [Ibex KV, Marten Store]\n---\n"
               "# Testing and state\n\nIbex KV does not offer native state encryption; like Marten Store, it relies on "
               "the disk, for example full-disk encryption, to protect state at rest.\n",
    "gamma.md": "---\npublisher: Gamma Weekly\npublished: 2024-09-05\nsubjects: [Ibex KV, Marten Store]\n---\n"
                "# One year on\n\nThe two have drifted apart. For example, Ibex KV's state encryption has no equivalent "
                "in Marten Store, and Ibex KV's own files are ignored by Marten Store.\n",
}


states = module_engine("states", STATES)


def test_a_no_of_what_is_offered_is_a_no(states: Engine) -> None:
    """"does opentofu encrypt state natively" showed no disagreement: "OpenTofu does not offer native state
    encryption" was read as denying a kind of state encryption, 'offer' taken for the kind."""
    conflict = only_conflict(states.ask("does ibex kv encrypt state natively"), "Ibex KV")
    said = " ".join(c.text for c in conflict.claims)
    assert "does not offer" in said and "can be encrypted" in said, said


def test_a_no_said_of_another_subject_is_no_side(states: Engine) -> None:
    """"does opentofu support state encryption" set "Since OpenTofu 1.7, state ... can be encrypted" against
    "OpenTofu's state encryption has no equivalent in Terraform", which says OpenTofu has it."""
    answer = states.ask("does ibex kv support state encryption")
    assert not any("no equivalent" in c.text for conflict in answer.conflicts for c in conflict.claims), answer.answer


BOILERS = {
    "brew.md": "---\npublisher: Brew Notes\npublished: 2023-02-09\nsubjects: [Single Boiler, Heat Exchanger, Dual Boiler]\n"
               "---\n# Boiler types\n\n## Heat exchanger machines\n\nA heat exchanger machine keeps one large steam boiler "
               "and flashes brew water through a tube. Heat exchanger machines can be descaled at home too, with a "
               "citric acid solution.\n\n## Dual boiler machines\n\nA dual boiler machine has two boilers. Dual boiler "
               "machines can be descaled at home as well. The dual boiler machine we tested came from an office supply "
               "catalogue.\n\n### Can a heat exchanger machine steam while brewing?\n\nYes. It steams "
               "from its big boiler while the tube heats brew water. A small heat exchanger machine cannot steam "
               "while brewing at full pressure, though.\n\n## Single boiler machines\n\nA single boiler machine "
               "keeps one small boiler at brew temperature. In our test the single boiler could not: switching to "
               "steam mode heated the boiler, and it took a minute of flushing to come back to brew temperature.\n\n"
               "### Can a single boiler machine steam while brewing?\n\nNo. It has one boiler, at brew temperature or "
               "at steam temperature, never both.\n",
    "cup.md": "---\npublisher: Cup Weekly\npublished: 2025-03-14\nsubjects: [Single Boiler, Heat Exchanger, Dual Boiler]\n"
              "---\n# Looking after your machine\n\n## Descaling\n\nScale is the first reason machines end up on a "
              "repair bench.\n\n### Can I descale a heat exchanger machine myself?\n\nNo. We do not recommend "
              "chemically descaling a heat exchanger machine at home.\n\n### Is a heat exchanger machine easier to "
              "descale at home than a dual boiler machine?\n\nNo. A dual boiler machine is descaled at home the same "
              "way, with two boilers to flush.\n\n### Is a dual boiler machine too slow for a busy office?\n\nNo. A dual "
              "boiler machine recovers between shots in seconds.\n\n## Brewing and steaming\n\nA single boiler "
              "machine cannot steam milk while it is brewing. A heat exchanger machine steams milk while it brews.\n",
}


boilers = module_engine("boilers", BOILERS)


def test_an_faq_answer_opening_with_no_is_a_no(boilers: Engine) -> None:
    """"can i descale a heat exchanger machine at home" quoted the FAQ's "No. We do not recommend ..." and the other
    source's "... can be descaled at home too" without saying they differ: the "No." answers the heading, and its
    sentence names the subject only after the words it denies. The disagreement is headed by what is asked, not by
    'Heat exchanger machines', the noun every subject's name goes with."""
    conflict = only_conflict(boilers.ask("can i descale a heat exchanger machine at home"), "Heat Exchanger")
    said = " ".join(c.text for c in conflict.claims)
    assert "We do not recommend" in said and "descaled at home too" in said, said
    assert conflict.topic == "Descaling (Heat Exchanger)"
    assert not [a for a in boilers.snapshot().aspects if "machines" in a.name.lower()]


def test_a_source_whose_faq_says_no_says_no(boilers: Engine) -> None:
    """"The single boiler could not: switching to steam mode ... brew temperature" read as a yes beside the other
    source's no: its own FAQ's "No." is its side."""
    assert not boilers.ask("can a single boiler steam while brewing").conflicts


def test_a_source_whose_faq_says_yes_says_yes(boilers: Engine) -> None:
    """... and "Yes." as much as "No.": its "cannot steam while brewing at full pressure" is no side."""
    assert not boilers.ask("can a heat exchanger machine steam while brewing").conflicts


def test_an_faq_answer_is_said_of_the_subject_its_heading_asks_of(boilers: Engine) -> None:
    """"Is a heat exchanger machine easier to descale ... than a dual boiler machine? No." says nothing of whether a
    dual boiler machine can be descaled at home."""
    assert not boilers.ask("can i descale a dual boiler machine at home").conflicts


def test_an_faq_answers_other_side_is_as_near_as_its_heading(boilers: Engine) -> None:
    """"is traefik too slow for production" set the FAQ's "No. It was the slowest in our benchmark, ..." against
    "Traefik Labs sells Traefik Hub, an API gateway and API management product": a sentence naming the subject with
    a word of the question, far from the question the FAQ's heading asks, is no other side of its answer."""
    assert not boilers.ask("is a dual boiler machine too slow for a busy office").conflicts



def test_an_faq_answer_not_naming_its_subject_is_a_side(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"does grafana cloud free tier include oncall" quoted the FAQ's "Yes. The free tier includes Grafana IRM, ..."
    and the other source's "... does not include on-call scheduling" without saying they differ: the answer names
    its heading's subject no more, so it was no claim on it. The disagreement is headed by the FAQ's question,
    and the "Yes." alone before the sentence is quoted with it."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: A year on\nsubjects: [Ibex Cloud, Marten Metrics]\npublished: 2025-02-20\n---\n# A year "
                "on\n\n## Alerting\n\nMarten Metrics routes alerts through its own alert manager.\n\n## FAQ\n\n"
                "### Does Ibex Cloud's free tier include on-call?\n\nYes.\n\nThe free tier includes Ibex Pager, the "
                "on-call and incident tool, for up to 3 users.\n",
        "b.md": "---\ntitle: Moving over\nsubjects: [Ibex Cloud, Marten Metrics]\npublished: 2024-09-05\n---\n# Moving "
                "over\n\n## Paging\n\nWe planned to drop our old pager. Ibex Cloud's free tier does not include on-call "
                "scheduling, so we only switched once we were on the Pro plan.\n",
    }, embedder)
    [conflict] = engine.ask("does ibex cloud free tier include oncall").conflicts
    said = claims_said(conflict)
    assert "Yes. The free tier includes Ibex Pager" in said and "does not include on-call" in said, said
    assert conflict.topic == "Does Ibex Cloud's free tier include on-call?"


def test_a_side_holds_the_other_subject_a_yes_or_no_asks_of(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"does grafana cloud support datadog queries" set the FAQ's "No. Grafana can display data from a Datadog data
    source ..." against "Grafana Cloud stores metrics in Mimir and queries them with PromQL": 'queries' was all the
    question asked once the subjects' names were set aside, but it asks of Datadog's queries."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Query languages\nsubjects: [Ibex Cloud, Marten Metrics]\npublished: 2025-11-03\n---\n"
                "# Query languages\n\n## FAQ\n\n### Does Ibex Cloud support Marten Metrics queries?\n\nNo. Ibex Cloud "
                "can display data from a Marten Metrics source through a plugin, but it does not translate queries.\n",
        "b.md": "---\ntitle: Moving over\nsubjects: [Ibex Cloud, Marten Metrics]\npublished: 2024-09-05\n---\n# Moving "
                "over\n\n## Storage\n\nIbex Cloud stores metrics in its own store and queries them with PromQL, logs "
                "with LogQL.\n",
    }, embedder)
    assert engine.ask("does ibex cloud support marten metrics queries").conflicts == ()


def test_faq_answers_apart_disagree_in_a_corpus_without_subjects(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"can i use pvc to vent a condensing tankless" showed no disagreement though two sources' FAQs answer that
    question "Yes." and "No.": with no subject to read a yes or a no of, none was looked for. A question near
    neither heading shows none."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Buying guide\npublished: 2023-02-21\n---\n# Buying guide\n\n## Venting\n\nEvery gas "
                "heater needs a vent.\n\n### Can a condensing heater be vented with PVC?\n\nYes.\n\nIts exhaust is "
                "cool enough that standard Schedule 40 PVC is approved by most makers.\n",
        "b.md": "---\ntitle: Cold climates\npublished: 2022-11-03\n---\n# Cold climates\n\n## Heaters in the cold\n\n"
                "### Can a condensing heater be vented with PVC?\n\nNo. Inspectors require CPVC or polypropylene vent "
                "pipe for condensing heaters, not standard PVC.\n\n### Does a heater need a dedicated circuit?\n\nNo. "
                "A gas heater only needs a standard outlet for its controls.\n",
    }, embedder)
    [conflict] = engine.ask("can i use pvc to vent a condensing heater").conflicts
    said = claims_said(conflict)
    assert "Yes. Its exhaust is cool enough" in said and "No. Inspectors require CPVC" in said, said
    assert conflict.topic == "Can a condensing heater be vented with PVC?"
    assert engine.ask("does a heater need a dedicated circuit").conflicts == ()


INSTALLS = {
    "alpha.md": "---\npublisher: Alpha Notes\npublished: 2025-09-18\nsubjects: [Ibex KV, Marten Store]\n---\n"
                "# Moving to Ibex KV\n\n| Step on a typical service | Marten Store | Ibex KV |\n|---|---|---|\n"
                "| Install dependencies, warm cache | 75 s | 48 s |\n| Install dependencies, cold cache | 200 s | 130 s |\n\n"
                "The cache is restored from the lock file before each job.\n",
    "beta.md": "---\npublisher: Beta Reference\npublished: 2026-01-27\nsubjects: [Ibex KV, Marten Store]\n---\n"
               "# Ibex KV in CI\n\n| Operation | Ibex KV | Marten Store |\n|---|---|---|\n"
               "| Install from lock file, cold | 96 s | 180 s |\n| Install from lock file, warm | 27 s | 60 s |\n\n"
               "The restored cache was about 450 MB.\n",
}


installs = module_engine("installs", INSTALLS)


def test_a_row_is_set_against_the_row_sharing_most_of_its_label(installs: Engine) -> None:
    """"poetry lock slow" set 'Install dependencies, warm cache: 48 s' against 'Install from lock file, cold: 96 s'
    (the first row of the other source whose label shares a word) rather than '..., warm: 27 s'."""
    answer = installs.ask("ibex kv warm install time")
    assert figures(answer, only_conflict(answer, "Ibex KV")) == {"48", "27"}


@pytest.mark.parametrize("question", ["what is the ibex kv lock file", "does ibex kv support a lock file",
                                      "how big is the ibex kv cache"])
def test_a_word_of_a_rows_label_asks_no_amount_of_a_question_asking_something_else(installs: Engine,
                                                                                   question: str) -> None:
    """"what is uv.lock", "does dependabot support uv.lock" and "how big is the uv cache in ci" showed install times
    as a disagreement: 'lock' and 'cache' are words of the rows' labels, but a question asking what a thing is, or
    whether, asks no amount by naming them, and one asking how big asks no duration."""
    assert not installs.ask(question).conflicts


WARMUPS = {
    "lab.md": "---\npublisher: Alpha Notes\npublished: 2024-06-18\nsubjects: [Ibex KV, Marten Store]\n---\n"
              "# Stability tested\n\n| Machine type | Average deviation from setpoint | Recovery time between shots | "
              "Steam while brewing |\n|---|---|---|---|\n| Ibex KV (PID) | ±0.3 °C | about 20 seconds | Yes |\n"
              "| Marten Store | ±1.8 °C | about 30 seconds | Yes |\n",
    "guide.md": "---\npublisher: Beta Reference\npublished: 2023-02-09\nsubjects: [Ibex KV, Marten Store]\n---\n"
                "# Buying guide\n\n| Step | Marten Store | Ibex KV |\n|---|---|---|\n"
                "| Heat-up time from cold | about 20 min | about 25 min |\n| Steam while brewing | Yes | Yes |\n",
    "kitchen.md": "---\npublisher: Gamma Review\npublished: 2022-11-03\nsubjects: [Ibex KV, Marten Store]\n---\n"
                  "# Warm-up times\n\n| Machine | Ready to brew from cold |\n|---|---|\n| Ibex KV | about 40 minutes |\n"
                  "| Marten Store | about 20 minutes |\n",
}


warmups = module_engine("warmups", WARMUPS)


def test_a_row_with_its_subject_down_the_side_states_each_cell_under_its_column(warmups: Engine) -> None:
    """"dual boiler heat up time" set '| Dual boiler (PID) | ±0.3 °C | about 20 seconds | Yes |' (its recovery time
    between shots) beside the 25 and 40 minutes to heat up: a row naming a subject in its first cell was read as
    one statement, measured by nothing. Each cell is now stated under its column's header; and 'time' is every
    duration's word, no aspect two labels share ('Heat-up time from cold', 'Recovery time between shots')."""
    answer = warmups.ask("ibex kv heat up time")
    assert figures(answer, only_conflict(answer, "Ibex KV")) == {"25", "40"}
    assert not warmups.ask("ibex kv recovery time between shots").conflicts
    assert not warmups.ask("how long does marten store take to heat up").conflicts  # 20 minutes each


class _AllAlike(HashingEmbedder):
    """Every text the same vector: which statements are on one aspect is left to their labels alone."""

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        out[:, 0] = 1.0
        return out


def differing_values(folder: Path, first: str, second: str) -> list[list[float]]:
    """The values of each group of statements that differ, of a corpus of two sources on Ibex KV (``first`` and
    ``second``, their bodies) whose texts are all alike in meaning: which are on one aspect is left to the rules."""
    snap = engine_over(folder, {
        "a.md": f"---\npublisher: Alpha Notes\nsubjects: [Ibex KV]\n---\n# One\n\n{first}\n",
        "b.md": f"---\npublisher: Beta Reference\nsubjects: [Ibex KV]\n---\n# Two\n\n{second}\n",
    }, _AllAlike()).snapshot()
    return [sorted(f.value[0] for _u, f in said) for said in snap.differing]


def test_time_is_no_word_two_duration_labels_share(tmp_path: Path) -> None:
    """Labels share a word to be on one aspect; 'time' is every duration's ('Heat-up time from cold', 'Recovery
    time between shots'), however alike the rows read."""
    snap = engine_over(tmp_path, {
        "a.md": "---\npublisher: Alpha Notes\nsubjects: [Ibex KV, Marten Store]\n---\n# Guide\n\n"
                "| Step | Ibex KV | Marten Store |\n|---|---|---|\n| Heat-up time from cold | about 25 min | about 10 min |\n"
                "| Warm-up time | about 25 min | about 10 min |\n",
        "b.md": "---\npublisher: Beta Reference\nsubjects: [Ibex KV, Marten Store]\n---\n# Test\n\n"
                "| Machine | Recovery time between shots |\n|---|---|\n| Ibex KV | about 20 seconds |\n\n"
                "| Machine | Warm-up time |\n|---|---|\n| Ibex KV | about 40 minutes |\n",
    }, _AllAlike()).snapshot()
    stated = [{snap.unit_text[u].split("|")[2].strip() for u, _f in said} for said in snap.differing
              if said[0][1].subject == "Ibex KV"]
    assert stated == [{"about 25 min", "about 40 minutes"}], stated  # warm-up against warm-up, no recovery time


def test_an_amount_of_money_is_no_count_of_the_same_thing(tmp_path: Path) -> None:
    """"Paper filters (AeroPress) — sources disagree" led eight questions on filters: '350 papers for $11.95' under a
    column 'Filters' (its price, measured by what the column names) was set against "its stack of 350 paper
    filters" of another source, a count. Money and counts are never one aspect; two counts or two prices are."""
    costs = "| Brewer | Upfront price | Filters |\n|---|---|---|\n| Ibex KV | $39.95 | 350 papers for $11.95 |"
    assert differing_values(tmp_path / "a", costs, "The Ibex KV comes with a stack of 350 paper filters.") == []
    assert differing_values(tmp_path / "b", costs, "| Brewer | Filters |\n|---|---|\n| Ibex KV | $14.95 |") \
        == [[11.95, 14.95]]


def test_a_row_and_a_sentence_are_on_one_aspect_when_the_sentence_says_its_label(tmp_path: Path) -> None:
    """"Copying 6 TB out of S3 is itself billed as data transfer out" was set against '| Maximum object size | 5 TB |'
    of another source, as near in meaning as rows and sentences on one topic are."""
    row = "| Limit | Ibex KV |\n|---|---|\n| Maximum object size | 5 TB |"
    assert differing_values(tmp_path / "a", row, "Copying 6 TB out of Ibex KV is billed as data transfer out.") == []
    assert differing_values(tmp_path / "b", row, "An Ibex KV object can be at most 6 TB in size.") == [[5e12, 6e12]]


@pytest.mark.slow
def test_an_amount_asked_per_a_unit_is_a_rate_in_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"How much per terabyte is Backblaze B2 these days?" showed "GB of storage — sources disagree" (a free tier
    against a month's downloads), not the planted "$5 per TB-month" against "$6 per TB-month": 'terabyte' was no
    word of the rate's 'TB', and an amount of data was asked though it is what the price is per."""
    engine = engine_over(tmp_path, {
        "a.md": "---\npublisher: Alpha Notes\npublished: 2022-03-15\nsubjects: [Ibex Store]\n---\n# Prices\n\n"
                "| Item | Ibex Store |\n|---|---|\n| Storage price | $5 per TB-month |\n\nIbex Store gives the first 10 GB "
                "of storage for free.\n",
        "b.md": "---\npublisher: Beta Weekly\npublished: 2025-01-18\nsubjects: [Ibex Store]\n---\n# My bill\n\n"
                "| Item | Ibex Store |\n|---|---|\n| Storage price | $6 per TB-month |\n\nIbex Store kept 5 TB of my "
                "storage, well under its free allowance.\n"}, embedder)
    conflict = only_conflict(engine.ask("How much per terabyte is Ibex Store these days?"), "Ibex Store")
    assert "price" in conflict.topic.lower() and {"$5", "$6"} <= set(re.findall(r"\$\d+", claims_said(conflict)))


# -- when something happened -----------------------------------------------------------------------

dated_engine = module_engine("dated_engine", {
    "ledger.md": "---\ntitle: Payments in review\nsubjects: [Ibex Pay, Marten Checkout]\npublished: 2024-11-02\n---\n"
                 "# Payments in review\n\n## History\n\nIbex Pay acquired Marten Checkout in July 2024, and the product "
                 "keeps running as a separate service.\n\nIbex Pay was founded in 2010 by two brothers.\n\n"
                 "Marten Checkout ended support for its v1 API on February 15, 2024.\n",
    "lab.md": "---\ntitle: Checkout lab notes\nsubjects: [Ibex Pay, Marten Checkout]\npublished: 2026-01-22\n---\n"
              "# Checkout lab notes\n\n## A short history\n\nIbex Pay acquired Marten Checkout in October 2024, its first "
              "acquisition of a checkout business.\n\nIbex Pay launched publicly in 2011 with a payments API.\n\n"
              "Marten Checkout stopped supporting its older v1 API on February 2, 2024, so v2 is the only one left.\n",
})


@pytest.mark.parametrize("question", ["when did ibex pay buy marten checkout", "marten checkout acquisition date"])
def test_two_sources_dating_one_event_differently_disagree(dated_engine: Engine, question: str) -> None:
    """"when did stripe buy lemon squeezy" cited the July source under the October sentence as one claim, with no
    disagreement: one source says July 2024, the other October 2024."""
    answer = dated_engine.ask(question)
    [conflict] = answer.conflicts
    assert conflict.topic.startswith("When: "), conflict.topic
    assert {c.text for c in conflict.claims} == {
        "Ibex Pay acquired Marten Checkout in October 2024, its first acquisition of a checkout business.",
        "Ibex Pay acquired Marten Checkout in July 2024, and the product keeps running as a separate service.",
    }


def test_two_days_of_one_month_disagree(dated_engine: Engine) -> None:
    """"when did jira server end of support" quoted "... on February 15, 2024" and "... on February 2, 2024" with
    no disagreement: dates were read to the month."""
    [conflict] = dated_engine.ask("when did marten checkout end support for the v1 api").conflicts
    assert {re.search(r"February \d+", c.text)[0] for c in conflict.claims} == {"February 15", "February 2"}


def test_two_events_dated_differently_are_no_disagreement(dated_engine: Engine) -> None:
    """Founded in 2010 and launched in 2011 are two events, not two dates of one: "launched" is not the founding
    asked about."""
    answer = dated_engine.ask("When was Ibex Pay founded?")
    assert not answer.abstained and "2010" in answer.citations[0].quote, answer.answer
    assert answer.conflicts == ()


# -- how much, asked in other words than the facts' -----------------------------------------------------------

measured_engine = module_engine("measured_engine", {
    "home.md": "---\ntitle: Wi-Fi for a large house\npublished: 2024-06-11\n---\n# Wi-Fi for a large house\n\n"
               "## Placement\n\nAs a rule, mesh nodes should be placed no more than 9 metres (30 feet) apart, with "
               "as few walls as possible between them.\n\nA mesh router weighs about 600 g.\n",
    "setup.md": "---\ntitle: Setting up a mesh\npublished: 2025-02-20\n---\n# Setting up a mesh\n\n"
                "## How far apart should the nodes be?\n\nAs a rule of thumb, keep each satellite within 15 metres "
                "(50 feet) of the node it connects to.\n\n## Hardware\n\nEach mesh router weighs about 600 g.\n",
})


def test_two_sources_measuring_one_thing_differently_disagree(measured_engine: Engine) -> None:
    """"how far apart should mesh nodes be" quoted 9 metres and 15 metres with no disagreement: a corpus comparing
    no subjects states no facts to weigh sources on. The same weight twice is none."""
    answer = measured_engine.ask("how far apart should mesh nodes be")
    [conflict] = answer.conflicts
    assert conflict.topic.startswith("Metres: "), conflict.topic
    assert figures(answer, conflict) >= {"9", "15"}
    assert measured_engine.ask("how much does a mesh router weigh").conflicts == ()


def test_a_unit_a_question_asks_in_asks_that_measure(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"how many years is the warranty on a string inverter?" quoted 10 years alone (12 in another source): 'how
    many years' asks a duration as "how long" does. "microinverter warranty years" is no disagreement between "10
    years of labor" and a 25-year warranty: the labor is another thing measured."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Inverters\npublished: 2023-05-09\n---\n# Inverters\n\n## Warranties\n\nString inverters "
                "typically come with a 10-year warranty.\n\nMicroinverters are usually covered for 25 years, matching "
                "the panels. Ask whether the installer's warranty covers the labor; some cover 10 years of labor.\n",
        "b.md": "---\ntitle: Maintenance\npublished: 2022-10-17\n---\n# Maintenance\n\n## Over 25 years\n\nMost string "
                "inverters now ship with a 12-year warranty.\n\nMicroinverters carry 25-year warranties, like the "
                "panels themselves.\n",
    }, embedder)
    for question in ("how many years is the warranty on a string inverter?", "string inverter warranty years"):
        answer = engine.ask(question)
        [conflict] = answer.conflicts
        assert figures(answer, conflict) >= {"10", "12"}, answer.answer
        assert "years" not in conflict.topic.lower().split(": ", 1)[1], conflict.topic  # the unit is the label's
    assert engine.ask("microinverter warranty years").conflicts == ()


def test_a_word_of_what_a_row_measures_of_is_no_name_of_its_measure(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"poetry lock file" led with the sources' disagreement on 'Install from lock file, warm' (27 s against 48 s):
    the question held words of the rows' labels, but only of what the install is from, not the install timed."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Timings\nsubjects: [Ibex Pack, Marten Pack]\npublished: 2026-01-27\n---\n# Timings\n\n"
                "| Step | Ibex Pack | Marten Pack |\n|---|---|---|\n| Install from lock file, warm | 27 s | 9 s |\n\n"
                "The lock file is platform-independent: one file covers Linux, macOS and Windows.\n",
        "b.md": "---\ntitle: Benchmarks\nsubjects: [Ibex Pack, Marten Pack]\npublished: 2025-09-18\n---\n# Benchmarks\n\n"
                "| Step | Ibex Pack | Marten Pack |\n|---|---|---|\n| Install from lock file, warm | 48 s | 9 s |\n",
    }, embedder)
    assert engine.ask("ibex pack lock file").conflicts == ()
    [conflict] = engine.ask("ibex pack install from lock file time").conflicts
    assert conflict.topic.startswith("Install from lock file"), conflict.topic


def test_a_no_said_with_the_subject_after_the_aspect_is_a_side(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"is io threading enabled by default in valkey 8" quoted "Valkey 8.0 enables multi-threaded I/O by default"
    and "Note that multi-threaded I/O is not on by default in Valkey 8.0: ..." with no disagreement: a clause was
    read as said of the subject only when it named the subject first."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Benchmark\nsubjects: [Ibex KV, Marten Store]\npublished: 2024-10-08\n---\n# Benchmark\n\n"
                "## Setup\n\nIbex KV 8.0 enables multi-threaded I/O by default, so the default row already uses its "
                "threads.\n",
        "b.md": "---\ntitle: Choosing\nsubjects: [Ibex KV, Marten Store]\npublished: 2025-01-20\n---\n# Choosing\n\n"
                "## Threading\n\nNote that multi-threaded I/O is not on by default in Ibex KV 8.0: you still have to "
                "set `io-threads` to a value above 1.\n",
    }, embedder)
    [conflict] = engine.ask("is io threading enabled by default in ibex kv 8").conflicts
    assert {c.text[:14] for c in conflict.claims} == {"Ibex KV 8.0 en", "Note that mult"}, conflict.claims


def test_a_share_asked_in_percent_is_a_measure(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"how much of the heat does an hrv actually recover, percent?" quoted 75 and 90 percent from two sources
    with no disagreement: a question asking a percentage asked no measure."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Balanced ventilation\npublished: 2022-10-05\n---\n# Balanced ventilation\n\n## How "
                "heat recovery works\n\nA typical recovery ventilator recovers about 75 percent of the heat from the "
                "outgoing air.\n\nAbout 20 percent of new homes are built with one.\n",
        "b.md": "---\ntitle: Two winters\npublished: 2024-01-22\n---\n# Two winters\n\n## What changed\n\nModern "
                "recovery ventilators recover about 90 percent of the heat from the exhaust air.\n",
    }, embedder)
    for question in ("how much of the heat does a recovery ventilator recover, percent?",
                     "recovery ventilator heat recovery percentage"):
        answer = engine.ask(question)
        [conflict] = answer.conflicts
        assert figures(answer, conflict) == {"75", "90"}, answer.answer
        assert "percent" not in conflict.topic.lower().split(": ", 1)[1], conflict.topic  # the unit is the label's


def test_two_sources_pricing_one_thing_differently_disagree(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"obsidian sync price" quoted $4 and $8 a month from two sources with no disagreement: no price in prose was
    a fact. A price of another thing of the subject's is not asked by it ("obsidian publish cost"), nor is one by
    "how long"."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Notes apps\nsubjects: [Ibex Notes, Marten Wiki]\npublished: 2024-05-21\n---\n# Notes apps\n\n"
                "## Pricing\n\nIbex Notes Sync costs $4 per month when billed annually, or $5 month to month. Ibex Notes "
                "Publish costs $8 per month per site.\n",
        "b.md": "---\ntitle: Privacy\nsubjects: [Ibex Notes, Marten Wiki]\npublished: 2022-09-14\n---\n# Privacy\n\n"
                "## Sync\n\nAt the time of writing, Ibex Notes Sync costs $8 per month billed annually. Sync also keeps "
                "version history for each file for twelve months.\n",
    }, embedder)
    for question in ("ibex notes sync price", "how much is ibex notes sync"):
        answer = engine.ask(question)
        [conflict] = answer.conflicts
        assert figures(answer, conflict) >= {"4", "8"}, answer.answer
    assert engine.ask("ibex notes publish cost").conflicts == ()
    assert engine.ask("ibex notes sync version history how long").conflicts == ()  # a duration, not a price


def test_two_sources_stating_a_rate_per_year_differently_disagree(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"how much output do panels lose each year as they age" quoted 0.8 percent a year alone, and another source
    says 0.5: "each year" asks an amount a year, of whatever kind ("0.5 percent of their output per year"), and a
    share is measured in percent, no other thing."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Inverters and panels\npublished: 2023-05-09\n---\n# Inverters and panels\n\n## Degradation"
                "\n\nModern panels lose about 0.5 percent of their output per year, so after 25 years a panel still "
                "produces roughly 88 percent of its original rating.\n",
        "b.md": "---\ntitle: Payback\npublished: 2025-08-03\n---\n# Payback\n\n## Long-term output\n\nPanels slowly "
                "produce less as they age. Plan for panels losing around 0.8 percent of their output each year.\n",
    }, embedder)
    answer = engine.ask("how much output do panels lose each year as they age")
    [conflict] = answer.conflicts
    assert figures(answer, conflict) >= {"0.5", "0.8"}, answer.answer


def test_an_faq_answer_answers_only_a_question_near_its_heading(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"does gitlab runner update itself" showed a disagreement between the "No." of "Is the GitLab CI cache shared
    between runners?" (a word of the question, 'runners', in another question) and a sentence on runner versions;
    "is nginx harder to configure than caddy" one of Caddy alone, which it asks nothing of. The cache question
    still shows its own."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Runners\nsubjects: [Ibex CI, Marten CI]\npublished: 2024-02-21\n---\n# Runners\n\n"
                "## Caching\n\nIbex CI shares the cache between all runners of a project by default, so a cache "
                "written by one runner is picked up by the next job.\n\n## Upgrades\n\nIbex CI recommends keeping the "
                "runner's major version in step with the server.\n\n## Which to choose\n\nChoose Ibex CI if a short "
                "configuration file matters most. Marten CI is harder to configure, with a longer file.\n",
        "b.md": "---\ntitle: Security\nsubjects: [Ibex CI, Marten CI]\npublished: 2025-08-12\n---\n# Security\n\n## FAQ\n\n"
                "### Is the Ibex CI cache shared between runners?\n\nNo. By default an Ibex CI cache is stored locally on "
                "the runner that created it.\n\n## Configuration\n\nChanges are applied with `ibex reload`, which loads "
                "the new Ibex CI configuration gracefully without dropping connections.\n",
    }, embedder)
    assert engine.ask("does ibex ci runner update itself").conflicts == ()
    assert engine.ask("is marten ci harder to configure than ibex ci").conflicts == ()
    [conflict] = engine.ask("is the ibex ci cache shared between runners").conflicts
    assert "Ibex CI" in conflict.topic, conflict.topic


def test_one_claim_never_cites_two_sources_dating_it_differently(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"is stripe a merchant of record" quoted "Stripe acquired Lemon Squeezy in October 2024 ..." citing both
    sources ("... [3][4]"), one of which says July 2024: near-duplicates stating the same numbers ('2024') were one
    claim."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Payments\nsubjects: [Ibex Pay, Marten Checkout]\n---\n# Payments\n\nIbex Pay acquired Marten "
                "Checkout in July 2024, and the checkout keeps running on its own.\n",
        "b.md": "---\ntitle: Checkout notes\nsubjects: [Ibex Pay, Marten Checkout]\n---\n# Checkout notes\n\nIbex Pay "
                "acquired Marten Checkout in October 2024, and the checkout keeps running on its own.\n",
    }, embedder)
    answer = engine.ask("Did Ibex Pay acquire Marten Checkout?")
    assert not answer.abstained, answer.answer
    for run in re.findall(r"(?:\[\d+\]){2,}", answer.answer):
        quotes = [answer.citations[int(n) - 1].quote for n in re.findall(r"\d+", run)]
        assert not (any("July" in q for q in quotes) and any("October" in q for q in quotes)), answer.answer
    # 'February 2014' is within '2014': the two agree, one claim citing both
    agreeing = engine_over(tmp_path / "agree", {
        "a.md": "---\ntitle: Payments\nsubjects: [Ibex Pay, Marten Checkout]\n---\n# Payments\n\nMarten Checkout was "
                "created by Anna Larsen and first released in February 2014.\n",
        "b.md": "---\ntitle: Checkout notes\nsubjects: [Ibex Pay, Marten Checkout]\n---\n# Checkout notes\n\nMarten "
                "Checkout was created by Anna Larsen and first released in 2014.\n",
    }, embedder).ask("Who created Marten Checkout?")
    assert re.search(r"(?:\[\d+\]){2}", agreeing.answer), agreeing.answer


TRIMS = {
    "alpha.md": "---\npublisher: Alpha Motors Review\npublished: 2021-08-19\nsubjects: [Vela 5]\n---\n"
                "# Vela 5 Performance first drive\n\nThe maker says the Vela 5 Performance hits 60 mph in 3.1 seconds, "
                "and on a prepped surface our car came within a tenth of that.\n\nThe Vela 5 Long Range AWD currently "
                "starts at $57,990 before destination, after several price increases this year.\n",
    "beta.md": "---\npublisher: Beta Buyer's Guide\npublished: 2025-02-14\nsubjects: [Vela 5]\n---\n"
               "# Vela 5 buyer's guide\n\nThe Vela 5 Long Range AWD starts at $47,490, and it's the trim we'd buy.\n\n"
               "## Charging\n\n| Trim | Starting price | Peak DC charging |\n|---|---|---|\n"
               "| Vela 5 Rear-Wheel Drive | $38,990 | 170 kW |\n\n"
               "The maker says the Vela 5 Performance does 0-60 mph in 2.9 seconds, and we have no reason to doubt "
               "it.\n",
    "gamma.md": "---\npublisher: Gamma Charging Blog\npublished: 2025-09-23\nsubjects: [Vela 5]\n---\n"
                "# We plugged a Vela 5 into our new dispensers\n\n| Car | Peak DC charging | 10-80% time |\n"
                "|---|---|---|\n| Vela 5 Long Range | 250 kW | about 25 minutes |\n\n## Other networks\n\n"
                "Vela 5 owners can now use Orbit fast chargers with an adapter.\n",
    "delta.md": "---\npublisher: Delta Owners Forum\npublished: 2024-05-02\nsubjects: [Vela 5]\n---\n"
                "# Charging FAQ\n\n## Can I use Orbit fast chargers?\n\nBecause Orbit chargers run at around 400 volts, "
                "Vela 5 sessions on Orbit fast chargers will be slower.\n",
}


trims = module_engine("trims", TRIMS)


def test_a_figure_said_in_seconds_names_no_release(trims: Engine) -> None:
    """"hits 60 mph in 3.1 seconds" and "does 0-60 mph in 2.9 seconds" were read as of the releases 'in 3.1' and
    'in 2.9', so the two were never set against each other."""
    answer = trims.ask("Vela 5 Performance 0-60 time?")
    assert figures(answer, only_conflict(answer, "Vela 5")) >= {"3.1", "2.9"}


def test_what_a_thing_starts_at_is_its_price(trims: Engine) -> None:
    """"The Model 3 Long Range AWD starts at $47,490" beside "... currently starts at $57,990": no price was read."""
    answer = trims.ask("How much is a Vela 5 Long Range AWD?")
    assert figures(answer, only_conflict(answer, "Vela 5")) >= {"47,490", "57,990"}
    # ... asked by two of the thing's words: "how much range does that one get? (what's the cheapest of the three?)"
    # is no question of the Long Range AWD's price
    answer = trims.ask("how much range does the cheapest Vela 5 get?")
    assert not [c for c in answer.conflicts if "47,490" in claims_said(c)], [c.topic for c in answer.conflicts]


def test_figures_of_other_variants_of_a_subject_are_no_disagreement(trims: Engine) -> None:
    """'| Tesla Model 3 Rear-Wheel Drive | ... | 170 kW |' was set against '| Tesla Model 3 Long Range | 250 kW |':
    two trims of one car, under "Peak DC charging (Tesla Model 3) — sources disagree"."""
    for question in ("How fast does the Vela 5 charge?", "vela 5 peak dc charging"):
        answer = trims.ask(question)
        assert not [c for c in answer.conflicts if "170" in claims_said(c)], [c.topic for c in answer.conflicts]


RULES = {
    "alpha.md": "---\npublisher: Alpha Python Weekly\npublished: 2023-03-14\nsubjects: [Zephyr Lint]\n---\n"
                "# Zephyr Lint grows up\n\nZephyr Lint now implements more than 500 rules, including its own versions "
                "of many popular plugins.\n\nZephyr Lint is written in Rust. As I write this, Zephyr Lint 2.17.4 is the "
                "current release.\n",
    "beta.md": "---\npublisher: Beta Reviews\npublished: 2025-06-10\nsubjects: [Zephyr Lint]\n---\n"
               "# Zephyr Lint reviewed\n\nZephyr Lint now ships more than 800 rules.\n\n## Configuring\n\n"
               "Zephyr Lint's default rule selection is `[\"E4\", \"E7\", \"F\"]`, the pyflakes rules and a few error "
               "rules. To ignore a rule in tests only, use the `per-file-ignores` table.\n\n## How we tested\n\n"
               "The current Zephyr Lint release is 3.3.7, which is what we tested.\n",
}


rules = module_engine("rules", RULES)


@pytest.mark.parametrize("question", ["how many rules does zephyr lint have?", "zephyr lint rules",
                                      "how big is zephyr lint's rule set nowadays?"])
def test_a_count_named_is_asked_by_an_amount_or_alone(rules: Engine, question: str) -> None:
    answer = rules.ask(question)
    assert figures(answer, only_conflict(answer, "Zephyr Lint")) >= {"500", "800"}


@pytest.mark.parametrize("question", ["what rules does zephyr lint turn on by default?",
                                      "how do i make zephyr lint ignore a rule only in tests"])
def test_a_count_named_beside_other_words_asks_no_count(rules: Engine, question: str) -> None:
    """"what rules does ruff turn on by default?" and "how do i configure ruff to ignore a rule only in tests" led
    with the disagreement on how many rules Ruff has: 'rules' named what the statements count."""
    assert not rules.ask(question).conflicts


def test_an_amount_the_question_gives_that_a_statement_states_asks_whether_it_holds(trims: Engine) -> None:
    """"can the combo j9+ clean for two hours on one charge?" quoted "runs for up to 120 minutes" and another
    source's "up to 90 minutes" one after the other, undisputed: asking no amount, it asked for no aspect."""
    answer = trims.ask("can the Vela 5 Performance get to 60 mph in 3.1 seconds?")
    assert figures(answer, only_conflict(answer, "Vela 5")) >= {"3.1", "2.9"}
    assert not trims.ask("can the Vela 5 Performance get to 60 mph in 9 seconds?").conflicts  # stated by none


@pytest.mark.parametrize("question", ["what's the latest version of zephyr lint?",
                                      "Is Zephyr Lint 2.17 still the current release?"])
def test_the_current_release_said_after_the_name_is_one_event(rules: Engine, question: str) -> None:
    """"As I write this, Pylint 2.17.4 is the current release." (2023) beside "The current Pylint release is 3.3.7,
    which is what we tested." (2025) showed the old one alone: a release named after the word 'release' was none,
    two statements of the current release shared one word, and "still" and the version asked were read as what
    happened in it."""
    said = claims_said(only_conflict(rules.ask(question), "Zephyr Lint"))
    assert "2.17.4" in said and "3.3.7" in said, said


def test_a_quality_said_lacking_is_no_no_to_whether_it_can(trims: Engine) -> None:
    """"Can the Ioniq 6 charge at Tesla Superchargers?" showed 'Charging — sources disagree': "sessions there
    will be slower" was read as a no."""
    answer = trims.ask("Can the Vela 5 charge at Orbit fast chargers?")
    assert not answer.conflicts, [claims_said(c) for c in answer.conflicts]
    assert "adapter" in answer.answer


@pytest.mark.slow
def test_a_sentence_stating_several_amounts_in_one_unit_is_no_side(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"For about eighteen months my home server was a Synology DS923+ with ... 16 GB of ECC RAM (I swapped the stock
    4 GB module for a 16 GB one)" was set against the stock 4 GB as "GB of ECC RAM (Synology DS923+) — sources
    disagree": it states three amounts of memory, each measured by another word, so no one of it."""
    docs = {
        "spec.md": "---\npublished: 2023-01-10\nsubjects: [Zephyr NAS, Quokka NAS]\n---\n# Zephyr NAS review\n\n"
                   "The Zephyr NAS ships with 4 GB of ECC RAM, which is enough for most homes.\n",
        "blog.md": "---\npublished: 2025-06-01\nsubjects: [Zephyr NAS, Quokka NAS]\n---\n# My home server\n\n"
                   "For a year my server was a Zephyr NAS with 16 GB of ECC RAM (I swapped the stock 4 GB module for a "
                   "16 GB one).\n\nThe Quokka NAS is louder.\n",
    }
    snap = engine_over(tmp_path, docs, embedder).snapshot()
    stated = [(u, f) for u, facts in enumerate(snap.unit_facts) for f in facts
              if f.subject == "Zephyr NAS" and f.key == "byte"]
    assert len(stated) == 2 and snap._differing(stated) == []
    # ... but one amount each is a disagreement
    other = engine_over(tmp_path / "alone", {**docs, "blog.md": docs["blog.md"].replace(
        " (I swapped the stock 4 GB module for a 16 GB one)", "")}, embedder).snapshot()
    stated = [(u, f) for u, facts in enumerate(other.unit_facts) for f in facts
              if f.subject == "Zephyr NAS" and f.key == "byte"]
    assert len(other._differing(stated)) == 1


@pytest.mark.slow
def test_a_price_column_of_a_thing_another_column_names_is_that_things(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"which 10 gig card works in the TS-464?" opened with 'Card price (QNAP TS-464) — sources disagree': the
    NAS's $549 against the $139 of the card in the row '| QNAP TS-464 | ... | QNAP QXG-10G1T | $139 |' under
    'Card we used' and 'Card price'. A price column naming a thing another column opens with prices that thing."""
    docs = {
        "cards.md": "---\npublished: 2024-03-01\nsubjects: [Zephyr NAS, Quokka NAS]\n---\n# Adding 10GbE\n\n"
                    "| NAS | Card we used | Card price | Street price |\n|---|---|---|---|\n"
                    "| Zephyr NAS | Ibex X10 | $139 | $549 |\n| Quokka NAS | Ibex X20 | $159 | $599 |\n",
        "review.md": "---\npublished: 2022-05-01\nsubjects: [Zephyr NAS, Quokka NAS]\n---\n# Zephyr NAS review\n\n"
                     "The Zephyr NAS costs $549.\n",
    }
    snap = engine_over(tmp_path, docs, embedder).snapshot()
    keys = {(f.context, f.key) for facts in snap.unit_facts for f in facts if f.subject == "Zephyr NAS" and f.money}
    assert keys == {("Card price", "price:card"), ("Street price", "pric"), ("price", "pric")}
    assert thing_priced("Street price", ["NAS", "Street price", "Street address"]) == "street"
    assert thing_priced("Price", ["NAS", "Price"]) is None and thing_priced("Street price", ["Street price"]) is None


@pytest.mark.slow
def test_neither_and_nor_deny_what_is_said_of_the_names_after_them(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Do I need a cookie consent banner if I use Plausible?" opened with 'Cookies (Plausible) — sources disagree':
    "Plausible does not use cookies." against "Neither Fathom nor Plausible sets cookies, ...", read as a yes."""
    docs = _two_dated("Neither Marten Store nor Ibex KV sets cookies, and neither stores full IP addresses.",
                      "Ibex KV does not use cookies.", "[Ibex KV, Marten Store]")
    assert not engine_over(tmp_path / "agree", docs, embedder).ask("does ibex kv set cookies?").conflicts
    docs = _two_dated("Neither Marten Store nor Ibex KV sets cookies, and neither stores full IP addresses.",
                      "Ibex KV now sets cookies for its login page.", "[Ibex KV, Marten Store]")
    assert only_conflict(engine_over(tmp_path / "differ", docs, embedder).ask("does ibex kv set cookies?"), "Ibex KV")
