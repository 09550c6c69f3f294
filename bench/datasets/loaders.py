"""One loader per set in ``shared/data`` (see its README): files -> :class:`~bench.datasets.Dataset`.

Texts are kept verbatim (only ``\\r\\n`` becomes ``\\n``, as the corpus loader does), so gold character
offsets index the document text the index is built from.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from bench.datasets import Dataset, Gold, Question, SourceDoc


def _jsonl(path: Path) -> list[dict]:
    # split at "\n" only: str.splitlines() also splits at U+2028 and friends inside JSON strings
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def squad(folder: Path, _root: Path) -> Dataset:
    """SQuAD 2.0 dev (CS224N half): 646 paragraphs as documents; answerable questions with every
    reference answer span; unanswerable ones (on-topic, no answer in the paragraph) for abstention."""
    data = json.loads((folder / "dev-v2.0-cs224n-half.json").read_text(encoding="utf-8"))["data"]
    docs: list[SourceDoc] = []
    questions: list[Question] = []
    unanswerable: list[Question] = []
    for ai, article in enumerate(data):
        title = article["title"].replace("_", " ")
        for pi, para in enumerate(article["paragraphs"]):
            doc_id = f"a{ai:02d}-p{pi:03d}"
            docs.append(SourceDoc(doc_id, title, para["context"]))
            for qa in para["qas"]:
                if qa.get("is_impossible"):
                    unanswerable.append(Question(qa["id"], qa["question"], (Gold(doc_id),)))
                    continue
                spans = {(a["answer_start"], a["answer_start"] + len(a["text"])) for a in qa["answers"]}
                gold = tuple(Gold(doc_id, s, e) for s, e in sorted(spans))
                answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"]))
                questions.append(Question(qa["id"], qa["question"], gold, answers))
    return Dataset("squad2-dev-cs224n", docs, questions, "answer span in its paragraph", unanswerable,
                   notes="646 paragraphs; questions written looking at the paragraph (high word overlap)")


def _repair_span(text: str, start: int, answer: str) -> tuple[int, int]:
    """COVID-QA offsets are off by a few characters in ~17 % of answers: take the nearest occurrence."""
    if text[start : start + len(answer)] == answer:
        return start, start + len(answer)
    hits = [m.start() for m in re.finditer(re.escape(answer), text)]
    if not hits:
        return start, start + len(answer)
    best = min(hits, key=lambda i: abs(i - start))
    return best, best + len(answer)


def covid_qa(folder: Path, _root: Path) -> Dataset:
    """COVID-QA (2020-04-23 batch): 98 whole CORD-19 articles (median 21k characters) as documents;
    1,380 questions, each with one answer span (offsets repaired to the nearest exact occurrence)."""
    data = json.loads((folder / "200423_covidQA.json").read_text(encoding="utf-8"))["data"]
    docs: list[SourceDoc] = []
    questions: list[Question] = []
    for article in data:
        for para in article["paragraphs"]:
            text = para["context"].replace("\r\n", "\n")
            doc_id = f"cord-{para['document_id']}"
            title = next(line for line in text.splitlines() if line.strip()).strip()
            docs.append(SourceDoc(doc_id, title[:200], text))
            for qa in para["qas"]:
                spans = {_repair_span(text, a["answer_start"], a["text"]) for a in qa["answers"]}
                gold = tuple(Gold(doc_id, s, e) for s, e in sorted(spans))
                answers = tuple(dict.fromkeys(a["text"].strip() for a in qa["answers"]))
                questions.append(Question(str(qa["id"]), qa["question"], gold, answers))
    return Dataset("covid-qa", docs, questions, "answer span in a long article",
                   notes="biomedical articles, long answers (often a whole sentence)")


def covid_faq(folder: Path, _root: Path) -> Dataset:
    """COVID FAQ matching: 213 FAQ entries (title = the FAQ question, text = its answer) as documents;
    query = a human paraphrase (``question_2`` of the positive pairs); gold = the entries whose question
    equals ``question_1`` (case-insensitive; a few questions occur twice). Document-level labels."""
    with (folder / "faq_covidbert.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    docs = [SourceDoc(f"faq-{i:03d}", " ".join(r["question"].split()), r["answer"].replace("\r\n", "\n").strip())
            for i, r in enumerate(rows)]
    by_question: dict[str, list[str]] = {}
    for doc, r in zip(docs, rows, strict=True):
        by_question.setdefault(" ".join(r["question"].split()).lower(), []).append(doc.doc_id)
    questions: list[Question] = []
    with (folder / "eval_question_similarity_en.csv").open(encoding="utf-8", newline="") as fh:
        for i, pair in enumerate(csv.DictReader(fh)):
            if pair["similar"].strip() != "1":
                continue
            gold_ids = by_question.get(" ".join(pair["question_1"].split()).lower(), [])
            if gold_ids:
                questions.append(Question(f"pair-{i:03d}", pair["question_2"].strip(), tuple(Gold(d) for d in gold_ids)))
    return Dataset("covid-qa-faq", docs, questions, "FAQ entry (document)",
                   notes="paraphrased user questions -> CDC/WHO/ECDC FAQ answers")


def msmarco(folder: Path, _root: Path) -> Dataset:
    """MS MARCO / TREC DL 2019 subset (BEIR format): 5,000 passages; 43 judged queries with graded
    qrels (1-3). Recall counts grade >= 2 (as the README's BM25 table); nDCG@10 uses the grades."""
    docs: list[SourceDoc] = []
    for rec in _jsonl(folder / "corpus.jsonl"):
        text = rec["text"].replace("\r\n", "\n").strip()
        if not text:
            continue
        title = rec.get("title", "").strip() or _first_words(text)
        docs.append(SourceDoc(f"p{rec['_id']}", title, text))
    known = {d.doc_id for d in docs}
    qrels: dict[str, list[Gold]] = {}
    for line in (folder / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines():
        qid, pid, grade = line.split("\t")[:3]
        if not qid.isdigit():
            continue  # a header line, in other BEIR copies
        if f"p{pid}" in known and int(grade) > 0:
            qrels.setdefault(qid, []).append(Gold(f"p{pid}", grade=int(grade)))
    questions = []
    for rec in _jsonl(folder / "queries.jsonl"):
        if rec["_id"] in qrels:
            questions.append(Question(rec["_id"], rec["text"], tuple(qrels[rec["_id"]])))
    return Dataset("msmarco-trecdl-subset", docs, questions, "passage (graded 1-3)", graded=True, relevant_grade=2,
                   notes="~82 % of passages are judged relevant to some query: a ranking sanity check")


def _first_words(text: str, n: int = 10) -> str:
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    words = first.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


def _rst_title(text: str) -> str | None:
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        under = lines[i + 1].strip()
        if line.strip() and len(under) >= 3 and len(set(under)) == 1 and under[0] in "=-~^*#":
            return line.strip()
    return None


def _md_title(text: str) -> str | None:
    for line in text.splitlines():
        m = re.match(r"#\s+(.*?)\s*(\{\s*#[^}]*\})?\s*$", line)
        if m:
            return m.group(1)
    return None


def django_faq(folder: Path, _root: Path) -> Dataset:
    """Django FAQ: the 10 FAQ / design pages (RST, verbatim) as documents; query = an FAQ heading;
    gold = the span of its answer section in its page (``answer_rst`` located in the page text)."""
    docs: list[SourceDoc] = []
    texts: dict[str, str] = {}
    for path in sorted(folder.glob("*.txt")):
        if path.name == "SOURCE.txt":
            continue
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        doc_id = f"django/{path.stem}"
        texts[path.name] = text
        docs.append(SourceDoc(doc_id, _rst_title(text) or path.stem, text, ".txt"))
    questions = []
    for rec in _jsonl(folder / "faq_pairs.jsonl"):
        text = texts[rec["file"]]
        answer = rec["answer_rst"].strip()
        start = text.find(answer)
        if start < 0:  # fall back to the heading's line: the section starts there
            lines = text.split("\n")
            start = sum(len(x) + 1 for x in lines[: rec["answer_start_line"] - 1])
        gold = Gold(f"django/{Path(rec['file']).stem}", start, start + len(answer))
        questions.append(Question(rec["id"], " ".join(rec["question"].split()), (gold,)))
    return Dataset("django-faq", docs, questions, "answer section in its FAQ page",
                   notes="54 FAQ headings as queries: expect about +-6 points of noise")


DOCS_CORPORA = ("fastapi-docs", "starlette-docs", "flask-docs")
# What each project's docs are about, as a user would say it in the folder's .meta.yml.
DOCS_SUBJECTS = {"fastapi-docs": "FastAPI", "starlette-docs": "Starlette", "flask-docs": "Flask", "quart-docs": "Quart"}


def docs_folders(corpora: tuple[str, ...] = DOCS_CORPORA) -> dict[str, dict[str, object]]:
    """Each docs folder's ``.meta.yml``: the project its pages are about, and the project's docs as their one
    publisher (a project's pages never disagree with each other)."""
    return {c: {"subjects": [DOCS_SUBJECTS[c]], "publisher": f"{DOCS_SUBJECTS[c]} documentation"}
            for c in corpora if c in DOCS_SUBJECTS}
EXCLUDED_PAGES = {"fastapi-docs/release-notes"}  # 700 KB of changelog that matches every query


def docs_corpus(root: Path, corpora: tuple[str, ...] = DOCS_CORPORA) -> list[SourceDoc]:
    """The framework docs corpora (verbatim .md / .rst pages), doc_id = path under the data root."""
    docs: list[SourceDoc] = []
    for corpus in corpora:
        for path in sorted((root / corpus).rglob("*")):
            if path.suffix not in (".md", ".rst") or not path.is_file():
                continue
            doc_id = path.relative_to(root).with_suffix("").as_posix()
            if doc_id in EXCLUDED_PAGES:
                continue
            text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
            if not text.strip():
                continue
            title = (_md_title(text) if path.suffix == ".md" else _rst_title(text)) or path.stem.replace("-", " ")
            docs.append(SourceDoc(doc_id, title, text, path.suffix))
    return docs


def github_questions(folder: Path, root: Path) -> Dataset:
    """Real user questions (GitHub issue titles) against the FastAPI + Starlette + Flask docs
    (``release-notes.md`` excluded); the 13 with a docs page linked in the thread are scored,
    page-level. The unlabelled 31 are kept out of the metrics."""
    docs = docs_corpus(root)
    known = {d.doc_id for d in docs}
    questions = []
    for rec in _jsonl(folder / "questions.jsonl"):
        gold = tuple(Gold(p.rsplit(".", 1)[0]) for p in rec.get("mapped_local_docs") or [])
        gold = tuple(g for g in gold if g.doc_id in known)
        if gold:
            questions.append(Question(rec["id"], rec["title"].strip(), gold))
    return Dataset("github-questions-fastapi-flask", docs, questions, "docs page (document)",
                   notes="13 labelled issue titles; weak labels (the page linked in the thread)",
                   folders=docs_folders())
