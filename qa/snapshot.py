"""The snapshot: a loaded index version plus the per-unit features derived from it once at load (words,
stems, subjects, aspects, cues, table cells, freshness), which retrieval and answering read per question."""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any, TypeVar
from urllib.parse import urlsplit

import numpy as np
from numpy.typing import NDArray

from qa.aspects import Aspect, aspect_stems, build_aspects, row_cells, stem
from qa.coverage import Vocabulary, english_word, kept
from qa.cues import (
    ADVICE,
    BACK_REFERENCE,
    HOWTO,
    LIST_GAP,
    LIST_LABEL_WORDS,
    MID_NAME,
    NUMBER,
    POINTS_BACK,
    RELEASE_HEADING,
    YEAR,
    points_away,
    reading_list,
    speaks_of_itself,
)
from qa.display import clean_heading, topic_label
from qa.documents import Document
from qa.facts import (
    CURRENT,
    DURATION,
    PRICE_KEY,
    Fact,
    amounts_stated,
    differ,
    models_named,
    other_models,
    other_releases,
    other_variants,
    releases_named,
    scale,
    thing_priced,
    unit_facts,
    unit_scale,
    variants_named,
)
from qa.index import IndexVersion
from qa.query import SubjectCatalog
from qa.text import QUESTION_WORDS, STOPWORDS, content_words, name_parts, plain_letters, words

T = TypeVar("T")
MEMO_SIZE = 10_000  # entries of each kind a snapshot keeps (see Snapshot.memo)
# A phrase opening a sentence that sets what it says against another thing, up to its comma: "When compared to
# FastAPI, ...", "Unlike Flask, ...".
_SET_AGAINST = re.compile(r"\W*(?:when\s+|if\s+)?(?:compared\s+(?:to|with)|unlike|in\s+contrast\s+(?:to|with)|"
                          r"as\s+opposed\s+to|relative\s+to|next\s+to)\s+[^,.;]{1,60},", re.I)
_POSSESSIVE = re.compile(r"\w['’]s?\b")  # "Starlette's", "Pydantic models'" (a name found may hold its "'s")
# What may come before a sentence's subject: nothing, or an opening phrase set off by a comma ("On the mid-tier
# plans, Linear's Business plan costs ...").
_SUBJECT_OPENS = re.compile(r"\W*(?:[^,;:.]{1,60},\s*)?")
_BRACKETED = re.compile(r"\([^)]*\)")  # a note in brackets: 'Z-Wave (classic)'
# How near in meaning (cosine of all-MiniLM-L6-v2) two statements of a figure in the same measure are to be on
# one aspect: the planted disagreements of eight corpora written for it come 0.56 to 0.99 ("buying breaks even
# ... after about seven years" against "Buying only pays off if you stay ... at least five years"; "typically 65
# km on electricity" against '| Electric-only range | ... | 40 km |'), figures of other things 0.11 to 0.53.
SAME_ASPECT = 0.55
# ... when stated in other units of one dimension: "about 5 minutes" and "about 90 seconds" for a clean build come 0.78, "three
# hours for a one-month sprint" and "Sprints, usually two to four weeks" 0.55.
SAME_ASPECT_OTHER_UNIT = 0.65
# A sentence of at most this many words opening with one of these is a bare answer ("Yes.", "Much easier."), which
# its next sentence goes on with.
BARE_ANSWER_WORDS = 3
BARE_ANSWER = re.compile(r"\W*(?:yes|no|not|mostly|partly|partially|usually|often|sometimes|rarely|never|always|"
                         r"much|far|slightly|somewhat|absolutely|definitely|probably|maybe|possibly|only|it depends)\b",
                         re.I)
# A quote runs on over at most this many sentences that continue its sentence's thought (Snapshot.quote_span).
CONTINUING_SENTENCES = 2
# The cosine of a comparison's aspect words with the name of an aspect they mean (all-MiniLM-L6-v2, on the seed
# corpus's aspects: 'speed' 0.62 with 'Performance', 'docs' 0.50 with 'Documentation Support', 'templates' 0.50
# with 'Templating ...'; 'popular' 0.39 with 'Community', 'security' 0.35 with it, 'ml model serving' 0.28).
MEANS_ROW = 0.45
# A quote holds its sentence whole over at most this many pieces of it a hard line wrap cut off, before and
# after it (Snapshot.wraps_on).
WRAPPED_PIECES = 6
# The end of a sentence: terminal punctuation, then perhaps closing quotes and brackets.
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")


_TIME = frozenset({stem("time")})
HEAD_NOUN_SHARE = 0.15  # of a subject's mentions followed by the noun its name qualifies
_NEXT_WORD = re.compile(r"\s+([A-Za-z][A-Za-z-]*)")


_PRONOUN_OPENS = re.compile(r"(?:It|Its|They|Their)\b(?!'s)")


def _head_nouns(after: dict[str, Counter[str]], mentions: Counter[str]) -> frozenset[str]:
    """The stem of the word two or more subjects are named with as the noun their names qualify ('machine' of "a heat
    exchanger machine", "dual boiler machines"): of the stems of the words right after each subject's name
    (``after``), its commonest, when it follows :data:`HEAD_NOUN_SHARE` of its ``mentions`` or more. A heading naming
    a subject with it ("Dual boiler machines") is about that subject, no aspect of all of them."""
    tops = Counter(top for name, counts in after.items() for top, n in counts.most_common(1)
                   if n >= HEAD_NOUN_SHARE * mentions[name])
    return frozenset(top for top, subjects in tops.items() if subjects >= 2)


class Snapshot:
    """A loaded index version plus what is derived from it once at load (subjects, unit words, IDF).
    Immutable: the engine swaps whole snapshots, and a request keeps the one it started with."""

    def __init__(self, version: IndexVersion) -> None:
        self.version = version
        self.catalog = SubjectCatalog.from_documents(version.docs.values(), english_word)
        docs = version.docs
        self.doc_order = list(docs)
        self.unit_text: list[str] = []
        self.unit_words: list[frozenset[str]] = []
        # Which units hold a word, or (words of 4+ letters) a word's stem: 'beginner' finds 'beginners'; and
        # per unit, the stems of its words of 4+ letters (the same, one unit at a time: see holds).
        word_units: dict[str, list[int]] = {}
        stem_units: dict[str, list[int]] = {}
        self._unit_word_stems: list[frozenset[str]] = []
        self.unit_nwords: list[int] = []
        # The words of accented names as written without their accents ('mongke' of 'Möngke'): the word
        # tokens are ASCII, so 'Möngke' itself is no word of the corpus.
        plain: set[str] = set()
        advice: list[bool] = []  # worded as advice ("choose X when ...")
        howto: list[bool] = []  # worded as instructions
        self.unit_subjects: list[frozenset[str]] = []
        self.unit_lead_subject: list[str | None] = []  # the subject a unit names first is what it is about
        # Per unit, whether it goes on the paragraph of the unit before it (same document and section, nothing
        # but spaces and one line break between them), and what the sentence before it in its paragraph is about
        # (the subjects the nearest one naming any names): "You need Flask-SocketIO for WebSockets" after
        # "Flask does not support WebSockets."
        same_paragraph = np.zeros(len(version.units), dtype=bool)
        same_line = np.zeros(len(version.units), dtype=bool)  # unit u goes on the line unit u - 1 ends
        self.unit_context_subjects: list[frozenset[str]] = []
        # Per subject, how often it is named and the stems of the words right after its name (_head_nouns).
        mentions: Counter[str] = Counter()
        after: dict[str, Counter[str]] = {}
        df: dict[str, int] = {}
        for u, (ci, start, end) in enumerate(version.units):
            doc_text = docs[version.chunks[ci].doc_id].text
            text = doc_text[start:end]
            # A dotted name says its words too: "Eleventy 3.0 requires Node.js 18" is on the node version.
            toks = frozenset(words(text)) | name_parts(text)
            self.unit_text.append(text)
            if not text.isascii():
                plain.update(words(plain_letters(text)))
            self.unit_words.append(toks)
            for t in toks:
                word_units.setdefault(t, []).append(u)
            stems = frozenset(stem(t) for t in toks if len(t) >= 4)
            self._unit_word_stems.append(stems)
            for st in stems:
                stem_units.setdefault(st, []).append(u)
            self.unit_nwords.append(len(text.split()))
            advice.append(bool(ADVICE.search(text)))
            howto.append(bool(HOWTO.search(text)))
            found = self.catalog.find(text)
            for name, _start, name_end in found:
                mentions[name] += 1
                if (nxt := _NEXT_WORD.match(text, name_end)) and len(w := nxt.group(1).lower()) >= 4 and w not in STOPWORDS:
                    after.setdefault(name, Counter())[stem(w)] += 1
            named = list(dict.fromkeys(name for name, _start, _end in found))
            self.unit_subjects.append(frozenset(named))
            self.unit_lead_subject.append(self._lead_subject(text, named, found))
            before: frozenset[str] = frozenset()
            if u:
                prev = version.chunks[int(version.units[u - 1][0])]
                gap = doc_text[int(version.units[u - 1][2]):start]
                same_section = prev.doc_id == version.chunks[ci].doc_id and prev.section == version.chunks[ci].section
                same_paragraph[u] = same_section and not gap.strip() and "\n\n" not in gap
                same_line[u] = same_paragraph[u] and "\n" not in gap
                if same_paragraph[u]:
                    before = self.unit_subjects[u - 1] or self.unit_context_subjects[u - 1]
                elif same_section and version.unit_kinds[u] == "item" and LIST_GAP.fullmatch(gap):
                    # A list's items are of the subject its short lead-in line names ("**Gaggia Classic Pro**",
                    # then "- + Proper 58 mm portafilter"), or its paragraph does ("Fastmail has no free plan ...
                    # After that you pick a plan:"), item after item.
                    lead_in = version.unit_kinds[u - 1] != "item" and len(words(self.unit_text[u - 1])) <= LIST_LABEL_WORDS
                    before = self.unit_subjects[u - 1] or self.unit_context_subjects[u - 1] if lead_in \
                        else self.unit_context_subjects[u - 1]
            # A sentence opening with a pronoun of the one subject the sentence before it is about is said of that
            # subject, whatever other it names: "Its default isolation level is REPEATABLE READ, while PostgreSQL
            # defaults to READ COMMITTED." after "MySQL's default storage engine, InnoDB, also uses MVCC".
            if same_paragraph[u] and len(before) == 1 and self.unit_subjects[u] and not before & self.unit_subjects[u] \
                    and _PRONOUN_OPENS.match(text):
                self.unit_subjects[u] |= before
                self.unit_lead_subject[u] = next(iter(before))
            self.unit_context_subjects.append(before)
            for t in toks:
                df[t] = df.get(t, 0) + 1
        # Headings and titles are the corpus's words too: a FAQ's question is its document's title. So are its
        # tables' header rows and the subjects its front matter names (a feature table may name them nowhere else).
        headings = ({h for chunk in version.chunks for h in chunk.section} | {d.title for d in docs.values()}
                    | {c for c in version.unit_contexts if c} | set(self.catalog.names))
        for heading in headings:
            for t in set(words(heading)):
                df[t] = df.get(t, 0) + 1
        n = max(len(self.unit_words), 1)
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.plain_words = frozenset(plain - df.keys())
        self.max_idf = math.log(1 + n)
        # Words of subject names: never aspects ("FastAPI" is what is compared, not what about it).
        self.subject_words = subject_words = frozenset(w for name in self.catalog.names for w in content_words(name))
        # Aspects: the corpus's own headings and table-row labels, weighed by how many sources that compare name
        # them (the pages of one documentation site, one publisher, are one source: see unit_source; a page
        # about one subject compares nothing: its "Testing" is a topic of its own, no aspect to lay others by).
        labels: list[tuple[str | None, str]] = []
        source_of = {d: _source_key(doc) for d, doc in docs.items()}  # see unit_source
        label_source = {d: None if len(doc.subjects) == 1 else source_of[d] for d, doc in docs.items()}
        for chunk in version.chunks:
            labels.extend((label_source[chunk.doc_id], head) for head in chunk.section)
        # Per unit: the aspect stems it speaks to (its words, its section, its row label) and, for table
        # rows, the span of each subject's cell.
        self.unit_stems: list[frozenset[str]] = []
        self.unit_cells: list[dict[str, tuple[int, int]]] = []
        # ... and for a row of a table with its subjects down the side ('| Nginx | 1.24.0 | 9 MB |' under '| Proxy |
        # Version tested | Idle memory (RSS) |': a first cell naming one subject, a header naming none), that subject.
        self.row_subject: list[str | None] = []
        for u, (ci, start, _end) in enumerate(version.units):
            chunk = version.chunks[ci]
            stems = set(aspect_stems(self.unit_text[u], subject_words))
            cells: dict[str, tuple[int, int]] = {}
            down_the_side = None
            if version.unit_kinds[u] == "row":
                # A table row speaks to its own label, not to the section the table sits in.
                label, by_head = row_cells(version.unit_contexts[u], self.unit_text[u])
                labels.append((label_source[chunk.doc_id], label))
                # (Of two columns of one subject, '| Z-Wave (classic) | Z-Wave Long Range |', the one its name heads
                # alone or with a note in brackets, else the first: not the Long Range's 'n/a' for Z-Wave's range.)
                qualified: dict[str, int] = {}
                for head, (a, b) in by_head.items():
                    for name in self.catalog.mentioned(head):
                        rest = len(words(_BRACKETED.sub("", head))) - len(words(name))
                        if name not in cells or rest < qualified[name]:
                            cells[name], qualified[name] = (int(start) + a, int(start) + b), rest
                if not cells and len(named := self.catalog.mentioned(label)) == 1:
                    # It speaks to its columns' headers ('time' aside: every duration's word, as below, no aspect
                    # of 'Recovery time between shots' and 'Warm-up times').
                    down_the_side = named[0]
                    stems |= set(aspect_stems(" ".join(by_head), subject_words)) - _TIME
            else:
                stems |= set(aspect_stems(" ".join(chunk.section), subject_words))
            self.unit_stems.append(frozenset(stems))
            self.unit_cells.append(cells)
            self.row_subject.append(down_the_side)
        heads = _head_nouns(after, mentions)
        self.aspects: list[Aspect] = build_aspects(
            labels, subject_words | {w for _s, label in labels for w in words(label) if stem(w) in heads})
        # The aspects a comparison may mean in other words ("on speed": 'Performance'), by their labels: those
        # naming no subject, where a question can name two ('Flask Version' is no aspect of both). Vectors set
        # by the engine (:meth:`embed_wordings`).
        row_aspects = [a for a in self.aspects if not self.catalog.mentioned(a.name)] if len(self.catalog.names) >= 2 else []
        labelled = {label: a for a in row_aspects for label in a.labels}
        self.aspect_texts = list(labelled)
        self._aspect_of_text = list(labelled.values())
        self.aspect_vecs: NDArray[np.float32] | None = None
        # Document ordinal of every unit, and each document's freshness in [0, 1] (newest 1, undated 0).
        order = {d: i for i, d in enumerate(self.doc_order)}
        self.unit_doc = [order[version.chunks[int(ci)].doc_id] for ci in version.units[:, 0]]
        dates = sorted({d.published for d in docs.values() if d.published})
        rank = {p: (i + 1) / len(dates) for i, p in enumerate(dates)}
        self.freshness = [rank.get(docs[d].published or "", 0.0) for d in self.doc_order]
        # Per unit, the source it comes from, as a disagreement counts them: its document's publisher, else its
        # url's host, else the document. Two pages of one project's documentation are one source.
        sources: dict[str, int] = {}
        of_doc = [sources.setdefault(source_of[d], len(sources)) for d in self.doc_order]
        self.unit_source = [of_doc[d] for d in self.unit_doc]
        self.chunk_subjects: list[frozenset[str]] = []
        self.section_subjects: list[frozenset[str]] = []
        # Per chunk, whether its deepest heading (else its document's title) asks a question: an FAQ entry,
        # whose units answer the heading and do not restate it (qa.evidence.rerank reads it).
        heads = [clean_heading(c.section[-1] if c.section else docs[c.doc_id].title or "").strip() for c in version.chunks]
        self.chunk_heads = heads  # (what an FAQ entry's answer answers: qa.comparison reads it)
        self.chunk_asks = np.array([h.endswith("?") for h in heads], dtype=bool)
        # ... and the question it asks, which a question may restate (qa.retrieval's 'ask_or_cos'), unless it
        # asks only what one subject is: any question naming the subject is near "What is Flask?" or "When to use
        # FastAPI?" (0.815 for "Who created Flask?"). An index into ask_texts, -1: none; their vectors are set
        # by the engine, which holds the model (:meth:`embed_wordings`).
        asked: dict[str, int] = {}
        self.chunk_ask = np.array([asked.setdefault(h, len(asked)) if ask and self._specific(h) else -1
                                   for h, ask in zip(heads, self.chunk_asks, strict=True)], dtype=np.int64)
        self.ask_texts = list(asked)
        self.ask_vecs: NDArray[np.float32] | None = None
        for chunk in version.chunks:
            subs: set[str] = set()
            for u in range(chunk.unit_lo, chunk.unit_hi):
                subs |= self.unit_subjects[u]
            self.chunk_subjects.append(frozenset(subs))
            self.section_subjects.append(self._heading_subjects(chunk.section, docs[chunk.doc_id].subjects))
        # Per unit, the part that speaks about each subject: asked per question of hundreds of units.
        self.unit_spans = [self._spans(u) for u in range(len(version.units))]
        # What units state as values of aspects (qa.facts), and per (subject, aspect key) the units that state
        # one, in corpus order: where sources disagree is read from these, whatever a question calls it.
        self.unit_facts = [self._facts(u) for u in range(len(version.units))]
        self._affixed: dict[str, frozenset[str]] = {}  # see words_around
        self._memo: dict[str, dict[Hashable, Any]] = {}  # see memo
        facts: dict[tuple[str, str], list[tuple[int, Fact]]] = {}
        for u, found in enumerate(self.unit_facts):
            for fact in found:
                facts.setdefault((fact.subject, fact.key), []).append((u, fact))
        self.fact_aspects = frozenset(facts)  # (subject, aspect key) of every fact stated
        self.stating = {aspect: tuple(dict.fromkeys(u for u, _f in stated)) for aspect, stated in facts.items()}
        # Where sources differ: per subject and aspect, one (unit, fact) per source, when two sources' values
        # differ. Question-independent, so read here once.
        self._word_units = {t: np.array(us, dtype=np.int64) for t, us in word_units.items()}
        self._stem_units = {t: np.array(us, dtype=np.int64) for t, us in stem_units.items()}
        self.differing: list[list[tuple[int, Fact]]] = []
        for stated in facts.values():
            self.differing += self._differing(stated)
        # Their aspects, one for each of them, written out as the corpus writes it (its longest wording:
        # 'Performance (requests per second)'), for matching a question's meaning to them ("How fast is ...?"):
        # vectors set by the engine, which holds the model (:meth:`embed_wordings`).
        self.fact_key_texts = [max((fact.context for _u, fact in said), key=len) for said in self.differing]
        self.fact_key_vecs: NDArray[np.float32] | None = None

        # Per-unit features as arrays, so a question's evidence is scored in a few vector operations.
        kinds = np.array(version.unit_kinds, dtype=object)
        self.unit_short = (np.array(self.unit_nwords) < 5) & (kinds != "row")  # a fragment, not a claim
        # A bare answer to a yes/no question (an FAQ's "Yes.", "Not directly.", "Mostly, with caveats."), not a
        # short claim ("WSGI is synchronous.", "Rust uses ownership.")
        self.unit_bare = np.array([kind == "sentence" and n <= BARE_ANSWER_WORDS and BARE_ANSWER.match(text) is not None
                                   for kind, n, text in zip(kinds, self.unit_nwords, self.unit_text, strict=True)],
                                  dtype=bool)
        # The pieces of a sentence too long for a chunk, which chunking split at words: each is a sentence that
        # does not end and goes on in the next unit, on the same line ('Sources referenced ... added in FastAPI' |
        # '0.135.0), PyPI BigQuery ...'). No claim: a quote opening or ending mid-sentence says nothing whole.
        open_end = np.array([k == "sentence" and not _SENTENCE_END.search(t) for k, t in zip(kinds, self.unit_text,
                                                                                             strict=True)], dtype=bool)
        cut = np.zeros(len(kinds), dtype=bool)
        cut[:-1] = open_end[:-1] & same_line[1:]  # unit u goes on in unit u + 1
        self.unit_piece = cut.copy()
        self.unit_piece[1:] |= cut[:-1]
        # The rest of a sentence a code block interrupted opens in lower case after the block ("with the ``if``
        # ensuring that this code only runs if the file is run directly, i.e." | code | "which ensures that it
        # doesn't run in production."): no claim either.
        for u in np.flatnonzero((kinds[1:] == "sentence") & (kinds[:-1] == "code")).tolist():
            if self.unit_doc[u] == self.unit_doc[u + 1] and self.unit_text[u + 1][:1].islower():
                self.unit_piece[u + 1] = True
        self.unit_is_code = kinds == "code"
        self.unit_points_away = np.array([points_away(t) for t in self.unit_text], dtype=bool)
        self.unit_on_itself = np.array([speaks_of_itself(t) for t in self.unit_text], dtype=bool)
        for u in np.flatnonzero((kinds[:-1] == "sentence") & (kinds[1:] == "item")).tolist():
            end = u + 1
            while end < len(kinds) and kinds[end] == "item" and self.unit_doc[end] == self.unit_doc[u]:
                end += 1
            if reading_list(self.unit_text[u], self.unit_text[u + 1 : end]):
                self.unit_points_away[u:end] = True  # the lead-in and its links
        self.unit_advice = np.array(advice, dtype=bool)
        self.unit_howto = np.array(howto, dtype=bool)
        self.unit_has_lead = np.array([s is not None for s in self.unit_lead_subject], dtype=bool)
        self.subject_units = {
            name: np.array([name in subs for subs in self.unit_subjects], dtype=bool) for name in self.catalog.names
        }
        # What the learned evidence ranker reads of each unit (qa.ranker).
        self.unit_row = kinds == "row"
        self.unit_item = kinds == "item"
        self.unit_log_words = np.log1p(np.array(self.unit_nwords, dtype=np.float64))
        self.unit_chunk = version.units[:, 0].astype(np.int64)
        unit_lo = np.array([c.unit_lo for c in version.chunks], dtype=np.int64)
        self.unit_first = np.arange(len(self.unit_chunk)) == unit_lo[self.unit_chunk] if len(unit_lo) else self.unit_row
        self.unit_number, self.unit_year = (
            np.array([bool(cue.search(t)) for t in self.unit_text], dtype=bool) for cue in (NUMBER, YEAR))
        # Someone or something named other than what the corpus compares: 'FastAPI' in every sentence of a
        # corpus about FastAPI says nothing about who made it.
        self.unit_name = np.array([self._names_other(t) for t in self.unit_text], dtype=bool)
        self.unit_points_back = np.array([bool(POINTS_BACK.match(t)) for t in self.unit_text], dtype=bool)
        self.unit_same_paragraph = same_paragraph  # the unit goes on the paragraph of the unit before it
        self.quote_first, self.quote_last = self._quote_spans(same_paragraph)
        self.unit_ncontent = np.array([len(ws - STOPWORDS) for ws in self.unit_words], dtype=np.float64)
        self.section_words = [frozenset(words(" ".join(c.section))) for c in version.chunks]
        # A unit under a release's heading ('0.33.0 (December 1, 2023) > Added') says what changed then.
        noted = np.array([any(RELEASE_HEADING.match(h) for h in c.section) for c in version.chunks], dtype=bool)
        self.unit_release_note = noted[self.unit_chunk] if len(noted) else np.zeros(len(self.unit_text), dtype=bool)
        prose = [t for t, code in zip(self.unit_text, self.unit_is_code, strict=True) if not code]
        # The names a mistyped name is read against: those written beside a subject of the corpus (a corpus naming
        # none, a set of encyclopedia pages, leaves names as typed).
        beside = [t for t, code, named in zip(self.unit_text, self.unit_is_code, self.unit_subjects, strict=True)
                  if named and not code]
        self.vocabulary = Vocabulary({w: len(us) for w, us in word_units.items()},
                                     frozenset(w for h in headings for w in words(h)), prose, names_from=beside)

    def _quote_spans(self, same_paragraph: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Per unit, the first and the last unit its quote runs over (:meth:`quote_span`). Its own sentence
        whole, where a hard line wrap cut it into pieces (:meth:`wraps_on`: up to :data:`WRAPPED_PIECES` before
        and after it); then up to :data:`CONTINUING_SENTENCES` sentences after it in its paragraph that each
        open by pointing back ("This suggests ...", "It ...", "However, ...") and so continue its thought,
        naming no subject of the corpus that it does not; after a bare answer (an FAQ's "Yes." or "Not
        directly.": :data:`BARE_ANSWER_WORDS`), the next one whatever it opens with."""
        version = self.version
        n = len(version.units)
        kinds = version.unit_kinds
        continued = np.zeros(n, dtype=bool)  # unit u + 1 continues unit u
        wrapped = np.zeros(n, dtype=bool)  # unit u + 1 is the rest of unit u's sentence
        for v in range(1, n):
            u = v - 1
            wrapped[u] = same_paragraph[v] and self.wraps_on(u)
            if kinds[v] != "sentence" or kinds[u] != "sentence":
                continue
            if self.unit_bare[u] and same_paragraph[v]:
                continued[u] = True  # a bare answer ("Yes.", "Not directly.") goes on in the sentence after it
                continue
            if not BACK_REFERENCE.match(self.unit_text[v]):
                continue
            # not "On the other hand, Flask ...": the other side, not more of the same
            continued[u] = same_paragraph[v] and not self.unit_subjects[v] - self.unit_subjects[u]
        self.unit_wraps_on = wrapped
        ends_on = np.roll(wrapped, 1)  # unit u is the rest of unit u - 1's sentence
        ends_on[0] = False
        first = np.arange(n, dtype=np.int64)
        last = np.arange(n, dtype=np.int64)

        def whole(last: NDArray[np.int64]) -> NDArray[np.int64]:
            for _ in range(WRAPPED_PIECES):
                last = np.where(wrapped[last], last + 1, last)
            return last

        for _ in range(WRAPPED_PIECES):
            first = np.where(ends_on[first], first - 1, first)
        last = whole(last)
        for _ in range(CONTINUING_SENTENCES):
            last = whole(np.where(continued[last], last + 1, last))
        return first, last

    def wraps_on(self, unit: int) -> bool:
        """Whether the next unit may be the rest of ``unit``'s sentence, cut off by a hard line wrap (the
        chunker ends a sentence at a short line, as in text taken from a PDF's narrow columns): ``unit``, a
        sentence or list item, ends with no terminal punctuation, and the next, a sentence, opens in lower
        case or ``unit`` ends with a hyphen, a comma or a function word ("Total deaths were estimated at" /
        "50 million ..."). Whether the two share a paragraph is the caller's to check."""
        kinds = self.version.unit_kinds
        if unit + 1 >= len(kinds) or kinds[unit] not in ("sentence", "item") or kinds[unit + 1] != "sentence":
            return False
        text, after = self.unit_text[unit].rstrip(), self.unit_text[unit + 1].lstrip()
        if not text or not after or _SENTENCE_END.search(text):
            return False
        tail = words(text[-30:])
        return after[0].islower() or text[-1] in "-,\u2013" or bool(tail and tail[-1] in STOPWORDS)

    def sentence_units(self, unit: int) -> range:
        """The units of ``unit``'s sentence: itself, and the pieces a hard line wrap cut off before and after it."""
        last = unit
        while last - unit < WRAPPED_PIECES and self.unit_wraps_on[last]:
            last += 1
        return range(int(self.quote_first[unit]), last + 1)

    def _differing(self, stated: list[tuple[int, Fact]]) -> list[list[tuple[int, Fact]]]:
        """The statements of one subject's aspect (one measure) that say the same thing differently: from its
        first statement on, each not yet placed gathers the first of every other source's that is, on average, as
        near in meaning as :data:`SAME_ASPECT` to those it gathered (a measure alone is no aspect: "For five years
        I drove a Volt" and "a battery warranty of 8 years" are both in years), and they differ when their values
        do. A version of a name or what a subject is built on is one aspect: its first statement of each source."""
        release = stated[0][1].kind == "release"
        if stated[0][1].kind not in ("quantity", "release"):
            per_source: dict[int, tuple[int, Fact]] = {}
            for u, fact in stated:
                per_source.setdefault(self.unit_source[u], (u, fact))
            said = list(per_source.values())
            # (not of other releases of the subject: "Celery 5.2 supports Python 3.7" and "Celery 5.5 ... supports
            # Python 3.8")
            own = set(words(stated[0][1].subject))
            named = [{n: v for n, v in releases_named(self.unit_text[u]).items() if n in own} for u, _f in said]
            if any(other_releases(a, b) for a in named for b in named):
                return []
            return [said] if len(said) >= 2 and differ([f for _u, f in said]) else []
        # A unit stating several values of it states no one value ("ready after about five minutes, but the group
        # head needs closer to 20 minutes"; "one month or less; ... most teams settle on two weeks"), in its unit
        # whatever each measures ("16 GB of ECC RAM (I swapped the stock 4 GB module for a 16 GB one)"). Amounts of
        # data, power or length in other units are of other things ("a database file can grow to about 140
        # terabytes, and a single string or BLOB can hold up to 1 billion bytes").
        def measured(u: int, fact: Fact) -> tuple[int, object]:
            return u, None if fact.key == DURATION else scale(fact.label)

        values: dict[tuple[int, object], set[object]] = {}
        for u, fact in stated:
            written_in = unit_scale(fact.label) if fact.key != DURATION else None  # its unit of measure, if any
            values.setdefault(measured(u, fact), set()).update(
                f.value for f in self.unit_facts[u] if f.subject == fact.subject
                and (f.key == fact.key and measured(u, f) == measured(u, fact)
                     or written_in is not None and not f.money and unit_scale(f.label) == written_in))
        stated = [(u, fact) for u, fact in stated if len(values[measured(u, fact)]) == 1]
        if not stated:
            return []
        vecs = self.version.unit_vecs[[u for u, _f in stated]]
        near = vecs @ vecs.T
        # Rows of tables look alike whatever they state: two are on one aspect when their labels share a word
        # ('Heat-up time' and 'Heat-up time we measured'; not 'Lifespan' and 'Installation time').
        # ('time' is every duration's: 'Heat-up time from cold' and 'Recovery time between shots' share no aspect.)
        labels = [frozenset(aspect_stems(self.row_label(u) if self.unit_cells[u] else f.context))
                  - (_TIME if f.key == DURATION else frozenset())
                  if self.version.unit_kinds[u] == "row" else None for u, f in stated]
        units = [scale(f.label) for _u, f in stated]
        releases = [releases_named(self.unit_text[u]) for u, _f in stated]
        # What a statement says is of a model or a test it names by code: a cell's own code, else its unit's.
        models = [models_named(self.doc_of(u).text[f.span[0] : f.span[1]] if self.unit_cells[u] else self.unit_text[u])
                  for u, f in stated]
        # ... and the variant of the subject it names: 'Rear-Wheel Drive' of a row '| Tesla Model 3 Rear-Wheel Drive |
        # ... | 170 kW |' beside '| Tesla Model 3 Long Range | 250 kW |'.
        variants = [variants_named(named := self._naming(u, f.subject), self.catalog.find(named), f.subject)
                    for u, f in stated]
        # The amounts a measurement is taken at, as its own words state them (a row's label, a sentence, a subject's
        # row): "Median build time, 5,000 pages", "a benchmark of 4,000 Markdown files", "my 640 posts"; not the
        # measurement itself in other units ("20 ounces (595 ml)").
        taken_at = [frozenset(a.value for a in amounts_stated(f.context if self.unit_cells[u] else self.unit_text[u],
                                                              restated=False)
                              if a.key != f.key)
                    for u, f in stated]

        def margin(i: int, j: int) -> float:  # how much nearer than needed; -inf for rows labelled apart
            a, b = labels[i], labels[j]
            if a is not None and b is not None and not a & b:
                return -np.inf
            # A row and a sentence are on one aspect when the sentence says a word of the row's label: "Copying 6 TB
            # out of S3 is billed" says nothing of '| Maximum object size | 5 TB |'; "The K1 costs $599" says a price.
            if (a is None) != (b is None) and (a or b or frozenset()).isdisjoint(
                    self.unit_stems[(said := stated[i if a is None else j])[0]] | said[1].stems):
                return -np.inf
            if release:  # on one event of the subject's history: its words are shared ('kraft', 'production'), two
                # when both say two: "the Ruby-based generator's ... Jekyll 4.0, came out in August 2019" is not the
                # event of "Jekyll 4.4 needs Ruby 2.7.0 or higher"
                # (the newest release is one event, whatever else each says of it: "As I write this, Pylint 2.17.4
                # is the current release" and "The current Pylint release is 3.3.7, which is what we tested")
                a_said, b_said = stated[i][1].stems, stated[j][1].stems
                if len(a_said & b_said) < max(1, min(2, len(a_said), len(b_said))) \
                        and CURRENT not in a_said & b_said:  # (a bare version, none)
                    return -np.inf
            elif other_releases(releases[i], releases[j]):
                return -np.inf
            if other_models(models[i], models[j]) or other_variants(variants[i], variants[j]) \
                    or stated[i][1].money != stated[j][1].money:
                return -np.inf
            if not release and taken_at[i] and taken_at[j] and taken_at[i].isdisjoint(taken_at[j]):
                return -np.inf  # measured at other amounts: another test ('640 posts' beside '5,000 pages')
            return float(near[i, j]) - (SAME_ASPECT if units[i] == units[j] else SAME_ASPECT_OTHER_UNIT)

        placed: set[int] = set()
        out = []
        for i, (u, _fact) in enumerate(stated):
            if i in placed:
                continue
            group_source = self.unit_source[u]
            group = {group_source: i}
            # Of a release something happened in, each source's statement sharing the most of what happened first
            # ("production-ready in Kafka 3.5" beside "declared production-ready in Kafka 3.3", not "Kafka 4.0 ...
            # removed ZooKeeper"); of a table's row, the rows sharing the most words of its label first ('Install
            # dependencies, warm cache' beside 'Install from lock file, warm', not '..., cold'); else in the corpus's
            # order.
            def shared(j: int, i: int = i) -> float:
                if release:  # the rarer the words, the more what happened: 'current stable' over 'supports Python'
                    return sum(self._rarity(t) for t in stated[i][1].stems & stated[j][1].stems)
                return len(a & b) if (a := labels[i]) is not None and (b := labels[j]) is not None else 0

            # A statement joins the group only when its first is, of that source's statements not yet placed, the
            # one it is nearest to: "restic needed roughly 1.5 GB of RAM" is on the memory of "restic's memory use
            # ... settles at roughly 600 MB", not on the size of '| Repository size after first backup | 84 GB |'
            # of the same source, met first.
            ours = [k for k in range(len(stated)) if k not in placed and self.unit_source[stated[k][0]] == group_source]

            order = sorted(range(len(stated)), key=lambda j: -shared(j))
            for j in order:
                v = stated[j][0]
                if j not in placed and self.unit_source[v] not in group \
                        and np.mean([margin(k, j) for k in group.values()]) >= 0 \
                        and max(ours, key=lambda k: (shared(j, k), margin(k, j)) if release else margin(k, j)) == i:
                    group[self.unit_source[v]] = j
            said = [stated[j] for j in group.values()]
            if len(said) >= 2 and differ([f for _v, f in said]):
                placed.update(group.values())
                out.append(said)
        return out

    def _rarity(self, stem_: str) -> float:
        """How rare a stem is among the units: the log of the units over those holding it."""
        return math.log(1 + len(self.unit_text) / max(1, len(self._stem_units.get(stem_, ()))))

    def quote_span(self, unit: int, through: tuple[int, int] | None = None) -> tuple[int, int]:
        """What a citation of ``unit`` quotes, as a span of its document's text: the unit's sentence whole and
        the sentences that continue its thought (:meth:`_quote_spans`), or, with ``through``, the units from
        its first to its last (a claim's quote, which the question may lengthen: ``qa.evidence.claim_units``)."""
        units = self.version.units
        first, last = through or (int(self.quote_first[unit]), int(self.quote_last[unit]))
        return int(units[first][1]), int(units[last][2])

    def _names_other(self, text: str) -> bool:
        """Whether ``text`` names something mid-sentence (:data:`MID_NAME`) that is none of the subjects."""
        names = [m.start() for m in MID_NAME.finditer(text)]
        if not names:
            return False
        subjects = [(a, b) for _, a, b in self.catalog.find(text)]
        return any(not any(a <= at < b for a, b in subjects) for at in names)

    def _heading_subjects(self, section: tuple[str, ...], of_document: tuple[str, ...]) -> frozenset[str]:
        """The subjects a section is about: those its deepest heading naming any names ("Unique to Fastapi"
        under "Fastapi vs Flask" is about FastAPI alone), else the one subject its document's front matter
        names (a project's own page, "Python version support" in Quart's documentation)."""
        for heading in reversed(section):
            if named := self.catalog.mentioned(heading):
                return frozenset(named)
        return frozenset({self.catalog.canonical(of_document[0])}) if len(of_document) == 1 else frozenset()

    def _spans(self, unit: int) -> dict[str, tuple[int, int]]:
        """Subject -> the part of ``unit`` that speaks about it: a table row's cells, else the whole unit
        for the subject it leads with, for the subject of its section when it names none, and (list items)
        for the one subject of its section whatever else it names ("Cons" of X compares X to others)."""
        if cells := self.unit_cells[unit]:
            return cells
        ci, start, end = (int(x) for x in self.version.units[unit])
        section = self.section_subjects[ci]
        whole = (start, end)
        if len(section) == 1 and self.version.unit_kinds[unit] == "item":
            return dict.fromkeys(section, whole)
        spans: dict[str, tuple[int, int]] = {}
        if (lead := self.unit_lead_subject[unit]) is not None:
            spans[lead] = whole
        if not self.unit_subjects[unit] and len(section) == 1:
            spans.update(dict.fromkeys(section, whole))
        return spans

    def words_around(self, word: str) -> frozenset[str]:
        """The corpus's longer words that start or end with ``word`` ('auth' -> 'authentication', 'built' ->
        'inbuilt'), but the words of subjects' names ('fast' is no 'FastAPI'); cached per word, the cache
        bounded."""
        found = self._affixed.get(word)
        if found is None:
            found = frozenset(w for w in self._word_units if len(w) > len(word) and (w.startswith(word) or w.endswith(word))
                              and w not in self.subject_words)
            if len(self._affixed) < 10_000:
                self._affixed[word] = found
        return found

    def list_label(self, unit: int) -> bool:
        """Whether ``unit`` is a short line ending in a colon, the label a list may follow ("Cons:", "Strengths of
        MySQL:")."""
        return self.unit_text[unit].rstrip().endswith(":") and self.unit_nwords[unit] <= LIST_LABEL_WORDS

    def list_lead(self, unit: int) -> int | None:
        """The unit a list item's list follows in its section (its lead-in line, "Cons:"); None for a unit that is no
        item, or a list right under its heading."""
        kinds, chunks = self.version.unit_kinds, self.version.chunks
        section = chunks[int(self.unit_chunk[unit])].section

        def same_section(u: int) -> bool:
            return self.unit_doc[u] == self.unit_doc[unit] and chunks[int(self.unit_chunk[u])].section == section

        lead = unit
        while kinds[lead] == "item" and lead > 0 and same_section(lead - 1) and unit - lead < 50:
            lead -= 1
        return lead if lead != unit and kinds[lead] != "item" else None

    def memo(self, kind: str, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, made once per snapshot for ``(kind, key)``: for what answering derives from the index alone
        (a unit's citation as displayed), which questions ask for again and again. Bounded per kind; a full
        kind makes anew each time."""
        return kept(self._memo.setdefault(kind, {}), key, make, MEMO_SIZE)

    def _lead_subject(self, text: str, named: list[str], found: list[tuple[str, int, int]]) -> str | None:
        """The subject a unit names first, past a phrase that sets it against another ("When compared to FastAPI,
        Flask is somehow slower." is about Flask), and past one named only as the owner of a thing when another
        is named plainly ("Middleware built on Starlette's BaseHTTPMiddleware does not port: use
        litestar.middleware.ASGIMiddleware" is about Litestar; "Flask's ecosystem is larger than FastAPI's" is
        Flask's). ``named``: the subjects ``found`` (:meth:`SubjectCatalog.find`) names, in order."""
        if len(named) >= 2:
            if m := _SET_AGAINST.match(text):
                if after := [name for name, start, _end in found if start >= m.end()]:
                    return after[0]
            # (an owner opening the sentence is its subject: "On the mid-tier plans, Linear's Business plan costs
            # $14 ..., still below Jira Premium" is Linear's)
            plain = [name for name, start, end in found
                     if not _POSSESSIVE.search(text, start, end + 2) or _SUBJECT_OPENS.fullmatch(text, 0, start)]
            if plain and named[0] not in plain:
                return plain[0]
        return named[0] if named else None

    def _specific(self, heading: str) -> bool:
        """Whether a heading asks more than what one subject is: it holds a word other than the subjects' and
        question words, or names two subjects ("Should I use FastAPI or Flask?")."""
        return (len(self.catalog.mentioned(heading)) >= 2
                or any(w not in self.subject_words and w not in QUESTION_WORDS for w in content_words(heading)))

    # The wordings embedded at load: (texts, their vectors) attribute names.
    _WORDINGS = (("fact_key_texts", "fact_key_vecs"), ("ask_texts", "ask_vecs"), ("aspect_texts", "aspect_vecs"))

    def embed_wordings(self, embed: Callable[[list[str]], NDArray[np.float32]], previous: Snapshot | None = None) -> None:
        """Set the vectors of :attr:`fact_key_texts`, :attr:`ask_texts` and :attr:`aspect_texts` (once, at load;
        a snapshot without them matches a question to aspects by words only, and to the headings that ask one
        not at all). The texts the ``previous`` snapshot holds keep its vectors: a reload after a rebuild embeds
        only new ones (an FAQ's hundreds of headings take about 2 ms each)."""
        known = previous._wording_vectors() if previous is not None else {}
        texts = [t for names, _vecs in self._WORDINGS for t in getattr(self, names)]
        new = list(dict.fromkeys(t for t in texts if t not in known))
        if new:
            known = {**known, **dict(zip(new, np.asarray(embed(new), dtype=np.float32), strict=True))}
        for names, vecs in self._WORDINGS:
            if wordings := getattr(self, names):
                setattr(self, vecs, np.vstack([known[t] for t in wordings]))

    def _wording_vectors(self) -> dict[str, NDArray[np.float32]]:
        out: dict[str, NDArray[np.float32]] = {}
        for names, vecs in self._WORDINGS:
            if (got := getattr(self, vecs)) is not None:
                out.update(zip(getattr(self, names), got, strict=True))
        return out

    def meant_aspect(self, wvec: NDArray[np.float32]) -> Aspect | None:
        """The aspect whose label (of :attr:`aspect_texts`) is nearest in meaning to the words a comparison asks
        about (their vector ``wvec``: 'speed' -> 'Performance', 'docs' -> 'Documentation Support'), when it is
        :data:`MEANS_ROW` near; None otherwise ('security' is no 'Community')."""
        if self.aspect_vecs is None:
            return None
        sims = self.aspect_vecs @ wvec
        best = int(np.argmax(sims))
        return self._aspect_of_text[best] if sims[best] >= MEANS_ROW else None

    def ask_cos(self, chunks: NDArray[np.int64], qvec: NDArray[np.float32]) -> NDArray[np.float64]:
        """Per chunk, the cosine of the question with the question its heading asks; 0 where it asks none
        (or the snapshot has no vectors for them)."""
        out = np.zeros(len(chunks))
        if self.ask_vecs is None or not len(chunks):
            return out
        ask = self.chunk_ask[chunks]
        mine = ask >= 0
        out[mine] = self.ask_vecs[ask[mine]] @ qvec
        return out

    def _facts(self, unit: int) -> tuple[Fact, ...]:
        ci, start, _end = (int(x) for x in self.version.units[unit])
        text = self.unit_text[unit]
        if self.version.unit_kinds[unit] == "code":
            return ()  # values in code are examples, not claims
        if cells := self.unit_cells[unit]:
            return tuple(unit_facts(text, start, self.catalog, None, cells, self.row_label(unit)))
        if (subject := self.row_subject[unit]) is not None:
            # Each cell is the subject's, under its column's header as a row's label ('Recovery time between shots:
            # about 20 seconds'), not the row's whole text.
            # A price column of a thing another column names ('Card price' beside 'Card we used') prices that thing.
            _label, by_head = row_cells(self.version.unit_contexts[unit], text)
            out: list[Fact] = []
            for head, (a, b) in by_head.items():
                thing = thing_priced(head, by_head)
                out += [dataclasses.replace(f, key=PRICE_KEY + stem(thing)) if f.money and thing else f
                        for f in unit_facts(text, start, self.catalog, None, {subject: (start + a, start + b)}, head)]
            return tuple(out)
        section = self.section_subjects[ci]
        if len(section) != 1 and self.version.unit_kinds[unit] == "item" and not self.unit_subjects[unit]:
            section = self.unit_context_subjects[unit]  # an item of a list of one subject's (see __init__)
        default = next(iter(section)) if len(section) == 1 else None
        return tuple(unit_facts(text, start, self.catalog, default))

    def units_with(self, term: str) -> NDArray[np.int64] | None:
        """The units (ascending) whose words include ``term`` or, for 4+ letters, its stem (which covers
        the word itself: a unit holding the word holds its stem); None when there are none."""
        return self._stem_units.get(stem(term)) if len(term) >= 4 else self._word_units.get(term)

    def units_writing(self, word: str) -> NDArray[np.int64] | None:
        """The units (ascending) whose words include ``word`` as written, in lower case; None when there are
        none."""
        return self._word_units.get(word)

    def _naming(self, unit: int, subject: str) -> str:
        """What names ``subject`` for a statement of ``unit``: its column's header for a cell, the row's label for
        a row of a table with its subjects down the side, else the unit's text."""
        if span := self.unit_cells[unit].get(subject):
            start = int(self.version.units[unit][1])
            _label, by_head = row_cells(self.version.unit_contexts[unit], self.unit_text[unit])
            return next((head for head, (a, b) in by_head.items() if (start + a, start + b) == span), "")
        return self.row_label(unit) if self.row_subject[unit] is not None else self.unit_text[unit]

    def row_label(self, unit: int) -> str:
        """A table row's label (its first cell, read against its header row); '' for any other unit."""
        if self.version.unit_kinds[unit] != "row":
            return ""
        return row_cells(self.version.unit_contexts[unit], self.unit_text[unit])[0]

    def holds(self, unit: int, term: str) -> bool:
        """Whether one unit holds ``term`` (as :meth:`units_with` counts): one set look-up, where
        :meth:`holding` pays a binary search's array calls for each unit asked about."""
        return stem(term) in self._unit_word_stems[unit] if len(term) >= 4 else term in self.unit_words[unit]

    def holding(self, ids: NDArray[np.int64], term: str) -> NDArray[np.bool_]:
        """For each unit of ``ids``, whether it holds ``term`` (as :meth:`units_with` counts): a binary search
        in the posting list, so the cost grows with ``len(ids)``, not with how common the word is."""
        holders = self.units_with(term)
        if holders is None:
            return np.zeros(len(ids), dtype=bool)
        at = np.minimum(holders.searchsorted(ids), len(holders) - 1)
        return holders[at] == ids

    @cached_property
    def topics(self) -> dict[str, str]:
        """Every section as an abstention names it among the nearest topics (``qa.display.topic_label``) ->
        its heading: asking a named topic is asking about that heading, whatever words it holds."""
        out: dict[str, str] = {}
        for chunk in self.version.chunks:
            if chunk.section:
                label = topic_label(chunk.section[-1], self.version.docs[chunk.doc_id].title)
                out.setdefault(" ".join(label.split()), clean_heading(chunk.section[-1]))
        return out

    @property
    def name(self) -> str:
        return self.version.name

    def doc_of(self, unit: int) -> Document:
        """The document evidence unit ``unit`` is in."""
        return self.version.docs[self.doc_order[self.unit_doc[unit]]]

    def idf_of(self, term: str) -> float:
        return self.idf.get(term, self.max_idf)


def _source_key(doc: Document) -> str:
    """What identifies a document's source (see ``Snapshot.unit_source``)."""
    if doc.publisher and doc.publisher.strip():
        return "publisher:" + doc.publisher.strip().casefold()
    if doc.url and (host := urlsplit(doc.url).hostname):
        return "host:" + host.removeprefix("www.")
    return "doc:" + doc.doc_id
