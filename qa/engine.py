"""``Engine``: the only object adapters see. ``ask()``, ``rebuild()``, ``status()``."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import itertools
import logging
import threading
import time

import numpy as np

from qa.ann import AnnParams
from qa.answer import Answer
from qa.build import BuildReport, Progress, build_index
from qa.comparison import advice, comparison_rows, conflicts
from qa.compose import ComposeParams, Evidence, compose, named_sections, no_question, unit_display
from qa.conversation import (
    ConversationStore,
    Turn,
    asks_more,
    named_source,
    of_subjects_before,
    publisher_named,
    publisher_words,
    resolve,
    small_talk,
)
from qa.coverage import (
    FOREIGN_NOTICE,
    as_typed,
    central_names,
    compares_apart,
    correct_question,
    defines_asked,
    described,
    english_word,
    foreign_language,
    labelled_row,
    names_held,
    ordinary_word,
    passing_name,
    situation_names,
    situation_notice,
    source_notice,
    uncounted,
    unknown_names,
    unsaid,
    unshouted,
    unversioned,
    unwritten_release,
    whole_word,
    word_form,
)
from qa.embedding import CachedQueryEmbedder, Embedder, create_embedder
from qa.errors import InvalidQuestionError, QAError
from qa.evidence import CLAIM_MARGIN, abstains, confidence, rerank, score_units, select_claims, subject_among_all
from qa.gaps import Gap, find_gaps
from qa.index import IndexVersion
from qa.layout import build_lock, live_version_dir
from qa.query import Query, ages, analyse, focus, foreign_comparison, points_asked, without_answer_form
from qa.querylog import Origin, QueryLog
from qa.ranker import shipped_models
from qa.reload import Reloader
from qa.retrieval import retrieve, score_aware
from qa.settings import Settings
from qa.snapshot import Snapshot
from qa.status import EncoderStatus, IndexStatus, ReloaderStatus, index_status
from qa.storage import Database, open_database

log = logging.getLogger(__name__)


def _configure_threads() -> None:
    """One FAISS thread in the request path: its OpenMP pool and torch's fight over 2 cores otherwise."""
    import faiss

    faiss.omp_set_num_threads(1)


class Turns:
    """At most ``n`` holders at once, the others served in the order they came. ``threading.Semaphore`` is not
    fair: the thread that just released takes the slot again before a waiter wakes, so one busy asker could
    starve the rest; here a release hands the slot straight to the longest waiter."""

    def __init__(self, n: int) -> None:
        self._free = n
        self._waiting: collections.deque[threading.Event] = collections.deque()
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            turn = threading.Event()
            self._waiting.append(turn)
        try:
            turn.wait()  # set by the release that hands this thread its slot
        except BaseException:  # interrupted while waiting: leave the queue, or pass on a slot just handed over
            with self._lock:
                if turn.is_set():
                    self._release()
                else:
                    self._waiting.remove(turn)
            raise

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._release()

    def _release(self) -> None:  # under self._lock
        if self._waiting:
            self._waiting.popleft().set()
        else:
            self._free += 1


class Engine:
    """Answers questions from the live index version; a background reloader swaps in new versions."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder: Embedder = embedder or create_embedder(settings)
        self._queries = CachedQueryEmbedder(self.embedder, settings.query_cache_size)
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._reloader: Reloader | None = None
        self._conversations: ConversationStore | None = None
        self._query_log: QueryLog | None = None
        self._pieces: dict[str, int] = {}
        # QA_ASK_CONCURRENCY questions at a time in this process, whoever asks (HTTP, Slack's listener threads,
        # the CLI): threads sharing one interpreter lock and two cores only slow each other down.
        self._asking = Turns(settings.ask_concurrency)

    def _word_pieces(self, word: str) -> int:
        """How many WordPiece tokens the model splits a word into (cached; words repeat)."""
        n = self._pieces.get(word)
        if n is None:
            n = self.embedder.count_tokens([word])[0]
            if len(self._pieces) < 100_000:
                self._pieces[word] = n
        return n

    # -- index -----------------------------------------------------------------------------------
    def load(self) -> Snapshot:
        """Make the live index version the one served, loading it in the caller's thread if it is not
        loaded yet. Requests never call this once a snapshot exists (see :meth:`snapshot`); startup, the
        reloader and an in-process rebuild do. On failure the served snapshot stays as it was."""
        _configure_threads()
        live = live_version_dir(self.settings.index_dir)
        snap = self._snapshot
        if snap is not None and live is not None and snap.version.path == live:
            return snap
        with self._lock:  # one load at a time; requests do not take this lock
            live = live_version_dir(self.settings.index_dir)
            snap = self._snapshot
            if snap is not None and live is not None and snap.version.path == live:
                return snap
            version = IndexVersion.load(self.settings.index_dir, model_id=self.embedder.model_id, dim=self.embedder.dim)
            new = Snapshot(version)
            new.embed_wordings(self.embedder.embed, previous=snap)
            subject_among_all(new)  # made here, not by the first question
            self._snapshot = new  # one reference swap: in-flight requests keep the snapshot they hold
            log.info("loaded index version %s (%d chunks)", version.name, len(version.chunks))
            return new

    def warm_up(self) -> None:
        """Load index and model and run one query, so the first real question is fast."""
        self.load()
        self._queries.embed_query("warm up")
        english_word("warm")  # the dictionary of real words, loaded before the first question

    def warm_up_model(self) -> None:
        """Load the model and run it once, without an index (the first answer after a build is fast too)."""
        self.embedder.embed(["warm up"])

    @property
    def loaded_version(self) -> str | None:
        return self._snapshot.name if self._snapshot else None

    def snapshot(self) -> Snapshot:
        """The snapshot a request works on. Only the very first load happens here (synchronously);
        after that a request never loads: newer versions are swapped in by :meth:`start_reloader`'s
        thread or by :meth:`rebuild`, and a request keeps the snapshot it got for its whole life."""
        snap = self._snapshot
        return snap if snap is not None else self.load()

    def start_reloader(self, interval: float = 1.0) -> None:
        """Watch ``index/CURRENT`` in a daemon thread and swap in each new live version once loaded.
        Call once per process (each server worker, the Slack bot); idempotent."""
        if self._reloader is None:
            self._reloader = Reloader(
                self.settings.index_dir,
                lambda: self._snapshot.version.path if self._snapshot else None,
                self.load,
                interval=interval,
            )
        self._reloader.start()

    def stop_reloader(self) -> None:
        if self._reloader is not None:
            self._reloader.stop()

    def rebuild(
        self,
        *,
        full: bool = False,
        progress: Progress | None = None,
        show_progress: bool = False,
        lock_wait: float = 600.0,
    ) -> BuildReport:
        """Build a new index version and make it live. When this engine is serving (a snapshot is
        loaded), it also loads the new version before returning; questions are answered from the old
        one meanwhile. ``lock_wait``: how long to wait for another build (then :class:`BuildLockedError`)."""
        report = build_index(
            self.settings.corpus_dir,
            self.settings.index_dir,
            self.embedder,
            max_tokens=self.settings.chunk_max_tokens,
            full=full,
            progress=progress,
            show_progress=show_progress,
            lock_wait=lock_wait,
            # Replicas share the database: its lock makes one build at a time among them. Alone, the index
            # folder's file lock does, and a build need not create the SQLite file.
            lock=self.database.build_lock if self.settings.database_url else build_lock,
            index_type=self.settings.index_type,
            ann=AnnParams.from_settings(self.settings),
        )
        if self._snapshot is not None:
            try:
                self.load()
            except QAError as exc:  # the build is live on disk; this process keeps what it serves
                report.warnings.append(f"still serving {self.loaded_version}: {exc}")
                log.error("new index version %s not loaded, keeping %s: %s", report.version, self.loaded_version, exc)
        return report

    def status(self) -> IndexStatus:
        """The live index against the corpus and settings, and what this process serves
        (:class:`IndexNotBuiltError` when nothing was built)."""
        rel = self._reloader
        return index_status(
            self.settings.corpus_dir, self.settings.index_dir, self.embedder, self.settings.chunk_max_tokens,
            loaded_version=self.loaded_version,
            encoder=EncoderStatus(self.settings.embedding_backend, getattr(self.embedder, "threads", None),
                                  getattr(self.embedder, "spin", None)),
            reloader=ReloaderStatus(bool(rel and rel.running), rel.reloads if rel else 0,
                                    rel.last_error if rel else None),
        )

    # -- asking ----------------------------------------------------------------------------------
    @property
    def database(self) -> Database:
        """Conversations, the query log (and the Slack bot's tables): SQLite under QA_DATA_DIR, or the
        PostgreSQL of QA_DATABASE_URL that replicas share. Opened (and migrated) on first use."""
        return open_database(self.settings)

    @property
    def conversations(self) -> ConversationStore:
        if self._conversations is None:
            self._conversations = ConversationStore(self.database)
        return self._conversations

    @property
    def query_log(self) -> QueryLog:
        if self._query_log is None:
            s = self.settings
            self._query_log = QueryLog(self.database, s.query_log_days, s.query_log_slack_users)
        return self._query_log

    def gaps(self, since_seconds: float, *, limit: int = 20) -> list[Gap]:
        """The questions of the last ``since_seconds`` the corpus did not serve, grouped by meaning with this
        engine's embeddings (:mod:`qa.gaps`)."""
        if self._query_log is not None:
            self._query_log.flush()  # this process's questions of a moment ago count too
        return find_gaps(self.database, self.embedder, since_seconds, limit=limit)

    def check_question(self, question: object) -> str:
        if not isinstance(question, str):
            raise InvalidQuestionError("the question must be text")
        q = " ".join(question.split())
        if not q:
            raise InvalidQuestionError("the question is empty")
        if len(question) > self.settings.max_question_chars:
            raise InvalidQuestionError(
                f"the question is {len(question)} characters long; the limit is {self.settings.max_question_chars}"
            )
        return q

    def ask(self, question: str, conversation_id: str | None = None, *, mode: str = "hybrid",
            origin: Origin | None = None) -> Answer:
        """Answer one question (a follow-up when ``conversation_id`` has earlier turns); waits while
        ``QA_ASK_CONCURRENCY`` other questions are being answered (the wait is not in ``timings_ms``).
        With ``origin`` (an adapter answering a person, not an evaluation), the question goes into the query log."""
        t0 = time.perf_counter()
        with self._asking:
            answer = self._ask(question, conversation_id, mode)
        if origin is not None and self.settings.query_log_days and not small_talk(question):  # "thanks!" asks nothing
            try:
                self.query_log.record(answer, origin, (time.perf_counter() - t0) * 1000)
            except Exception:  # the answer matters more than its log line
                log.exception("query log: could not record a question")
        return answer

    def record_turn(self, question: str, conversation_id: str) -> None:
        """Make ``question`` a turn of the conversation without answering it (a Slack thread's first message,
        asked before the bot was there), so that later follow-ups resolve against it."""
        q = self.check_question(question)
        snap = self.snapshot()
        _resolved, query, shown, _said = self._understand(without_answer_form(q), conversation_id, snap)
        self.conversations.add(conversation_id, Turn(q, shown, query.subjects, query.qtype), None)

    def _is_word(self, word: str) -> bool:
        """Whether the model's vocabulary holds ``word`` whole (or its singular), or a dictionary lists it: a real
        word, not a typo."""
        return whole_word(word, self._word_pieces) or english_word(word)

    def corrected(self, question: str, snap: Snapshot) -> tuple[str, list[tuple[str, str]]]:
        """``question`` with its words as the corpus writes them, and the (typed, corrected) pairs
        (:func:`correct_question`; a question in capitals alone read in lower case first, :func:`unshouted`)."""
        return correct_question(unshouted(question, snap.vocabulary, self._is_word), snap.vocabulary, self._is_word,
                                self._alike)

    def _alike(self, a: str, b: str) -> float:
        """The cosine of two short texts' vectors, as the model reads them ('DI' and 'dependency injection')."""
        return float(self._queries.embed_query(a) @ self._queries.embed_query(b))

    @property
    def abstain_threshold(self) -> float:
        """QA_ABSTAIN_THRESHOLD when set, else the shipped abstention model's own."""
        s = self.settings.abstain_threshold
        return shipped_models().abstention.threshold if s is None else s

    def _understand(self, q: str, conversation_id: str | None, snap: Snapshot, *,
                    correct: bool = True) -> tuple[str, Query, str, str | None]:
        """The question as a standalone one (a follow-up resolved against the conversation, typos of corpus
        words corrected unless ``correct`` is false), its analysis, the standalone question as shown to the
        asker (its real words as typed where the corpus writes them in another form: 'authenticate' is
        searched as 'authenticated', and shown as asked), and, when it asks for more of the previous answer
        ("tell me more"), that answer's text."""
        history = self.conversations.history(conversation_id) if conversation_id else []
        said = asks_more(q, history)
        fixes: list[tuple[str, str]] = []
        if correct:
            q, fixes = self.corrected(q, snap)
        resolved, inherited = resolve(q, history, snap.catalog)
        if correct and resolved != q:
            # What a follow-up carries from earlier turns comes as they were shown, in the words typed ('deploy',
            # which the corpus writes 'deployment'): read in the corpus's, shown as typed.
            resolved, carried = self.corrected(resolved, snap)
            fixes += carried
        vocab = snap.vocabulary
        resolved = points_asked(resolved, snap.catalog, vocab.list_word("cons") or "cons",
                                vocab.list_word("pros") or "pros") or \
            ages(resolved, snap.catalog) or resolved
        query = analyse(resolved, snap.catalog)
        if inherited and query.qtype == "fact":
            query = dataclasses.replace(query, qtype=inherited)
        shown = as_typed(resolved, fixes, lambda w: self._is_word(w.lower()) or word_form(w, self._word_pieces))
        return resolved, query, shown, said

    def _ask(self, question: str, conversation_id: str | None, mode: str, *, again: bool = False) -> Answer:
        """``again``: ``question`` is one the conversation's last turn declined, asked of the subjects before it."""
        t0 = time.perf_counter()
        q = self.check_question(question)
        snap = self.snapshot()
        if small_talk(q):
            # "thanks!", "hi": nothing to look up, and no turn of the conversation (a follow-up after "thanks"
            # follows the question before it)
            answer = no_question(snap, q)
            total = round((time.perf_counter() - t0) * 1000, 2)
            return dataclasses.replace(answer, question=question, conversation_id=conversation_id,
                                       timings_ms={"embed": 0.0, "retrieve": 0.0, "compose": 0.0, "total": total})
        # A nearest topic an abstention offered, asked as is (a click in the page): a question about its
        # heading, whose own words ("Native vs Not Really") are no comparison the corpus lacks.
        topic = snap.topics.get(" ".join(q.split()))
        q = without_answer_form(q)  # "Briefly, ...", "... in one sentence?": the answer is as short as it can be
        # "according to PennyWise, ...", "> and the Weekly Ledger?": the question, asked of those documents alone
        heard = None if topic else named_source(q, _publishers(snap), lambda: self._last_asked(conversation_id),
                                                snap.catalog) or publisher_named(q, _publishers(snap), snap.catalog,
                                                                                 lambda w: ordinary_word(snap, w))
        from_docs, q = heard if heard else (None, q)
        # A question in another language than the corpus's: its words are no typos of the corpus's.
        other_language = foreign_language(q, snap.vocabulary, snap.subject_words, self._is_word)
        resolved, query, shown, said = self._understand(topic or q, conversation_id, snap, correct=not other_language)
        qvec = self._queries.embed_query(resolved)
        if (asked := focus(resolved, snap.catalog)) is not None:
            # A paragraph's vector is the situation's as much as the question's: the question counts as much.
            both = qvec + self._queries.embed_query(asked)
            qvec = (both / np.linalg.norm(both)).astype(np.float32)
        t1 = time.perf_counter()
        s = self.settings
        if from_docs is None:
            cands = retrieve(snap, qvec, query, top_k=s.top_k, rrf_k=s.rrf_k, mode=mode, rrf_weight=s.fusion_rrf_weight)
        else:  # their chunks in the order of all the corpus's, as many as are searched
            cands = [c for c in retrieve(snap, qvec, query, top_k=len(snap.version.chunks), rrf_k=s.rrf_k, mode=mode,
                                         rrf_weight=s.fusion_rrf_weight)
                     if snap.version.chunks[c.chunk].doc_id in from_docs][:s.top_k]
        t2 = time.perf_counter()
        ranking = score_units(snap, qvec, query, cands)
        if from_docs is not None:  # the pool reaches past the candidates (a phrase's units, a small corpus's nearest)
            keep = [i for i, x in enumerate(ranking.scored) if snap.doc_of(x.unit).doc_id in from_docs]
            ranking = dataclasses.replace(ranking, scored=[ranking.scored[i] for i in keep], units=ranking.units[keep],
                                          logits=ranking.logits[keep] if len(ranking.logits) else ranking.logits)
        if score_aware(mode, s.fusion_rrf_weight):
            cands = rerank(snap, cands, ranking)  # the chunks in the order of the evidence drawn from them
        if said is not None:
            # "tell me more": the evidence the previous answer did not quote, and nothing it showed beside it
            # (its table, disagreements, advice) again.
            claims = select_claims(snap, [x for x in ranking.scored if unit_display(snap, x.unit, context=False) not in said],
                                   query, s.max_claims)
        else:
            claims = select_claims(snap, ranking.scored, query, s.max_claims, ranking.asked_chunk)
        unknown = unknown_names(snap, resolved, self._word_pieces, foreign=other_language)
        # "Flask vs FastAPI for a startup MVP": what the corpus says on choosing, with a notice that it says nothing on MVP
        situation = situation_names(snap, resolved, unknown)
        lacking = list(situation)  # what the corpus has nothing on, if the answer abstains all the same
        # ('Minnesota' of "We're a family of five in Minnesota ... What should we replace it with?": no notice)
        told = described(asked, unknown)
        unknown = [name for name in unknown if name not in situation and name not in told]
        conf = confidence(ranking, unknown)
        passing = None
        if not topic and (foreign := foreign_comparison(resolved, snap.catalog)) and snap.catalog.names \
                and not compares_apart(snap, foreign):
            conf = 0.0  # the corpus compares other things; a passing mention is no answer
            unknown = [f"a comparison of {foreign[0]} and {foreign[1]}"]
        elif central_names(resolved, unknown, query.aspect_terms):
            conf = 0.0  # 'Express.js', 'Quart': the corpus has nothing on what the question is about
        elif not unknown and snap.catalog.names and (passing := passing_name(snap, asked or resolved, self._word_pieces)):
            conf = 0.0  # the question is about something the corpus only names
        elif (count := uncounted(snap, resolved)) is not None:
            conf, unknown = 0.0, [count]
        elif (release := unversioned(snap, query) or unwritten_release(snap, resolved)) is not None:
            conf, unknown = 0.0, [release]
        elif claims and not other_language and (unsaid_of := unsaid(
                snap, query, [c.units[0] for c in claims], claims[0].cos, self._queries.embed_query)):
            nothing_on = f"{unsaid_of} for {' or '.join(query.subjects)}"
            if chosen_for := situation_names(snap, resolved, [unsaid_of]):
                # "Flask or FastAPI for a blog?": what it says on the choice, with a notice (once: a name the corpus
                # never writes is in both, "for a hackathon")
                situation += [name for name in chosen_for if name not in situation]
                lacking.append(nothing_on)
            else:
                conf, unknown = 0.0, [nothing_on]
        rows, disagreements, when, rows_asked = {}, [], {}, False
        threshold = self.abstain_threshold
        scores = {x.unit: x.score for x in ranking.scored}
        alone = said is not None or from_docs is not None  # no table, disagreement or advice of all the sources
        named = named_sections(snap, query, scores) if not alone else {}
        if conf < threshold and not unknown and passing is None \
                and (named or (claims and (labelled_row(snap, query, claims[0].units[0])
                                           or names_held(snap, query, claims[0].units[0])
                                           or defines_asked(snap, query, claims[0].units[0])))):
            # Sections about each subject headed by every word asked ("Weaknesses of Marten Store"), a table row
            # labelled with them, or a sentence holding every name asked, cover the question, whatever the model
            # reads of their sentences ("This makes failover manual."), cells ('| Sessions | yes | Client-side |')
            # or rare names ("Litestream, an open-source tool that continuously streams WAL changes"), or a
            # sentence saying what the term asked is.
            conf = threshold
        if situation and not unknown and conf < threshold:
            unknown = lacking  # "Should a startup pick FastAPI?", declined: it has nothing on startup for FastAPI
        if not abstains(conf, claims, threshold) and not alone:  # an abstention shows none of these
            if query.qtype == "comparison" and len(query.subjects) >= 2:
                rows, rows_asked = comparison_rows(snap, qvec, query, cands, self._queries.embed_query)
            elif query.qtype == "recommendation" and len(query.subjects) >= 2:
                # "Which one has better documentation?" names what to weigh them on: its rows, not advice. Named in
                # the question a long one asks, not in its situation ("I drink mostly flat whites, I've never made
                # espresso ... Which of these two should I get?" names no 'Drinks made').
                chooser = query if asked is None else dataclasses.replace(
                    query, text=asked, aspect_terms=analyse(asked, snap.catalog).aspect_terms)
                rows, rows_asked = comparison_rows(snap, qvec, chooser, cands, self._queries.embed_query,
                                                    named_whole=True)
            # (what the claims quote, then the units as near in score as a claim must be: best first)
            floor = ranking.scored[0].score - CLAIM_MARGIN
            ranked = [*(u for c in claims for u in c.units),
                      *(x.unit for x in itertools.takewhile(lambda x: x.score >= floor, ranking.scored))]
            disagreements = conflicts(snap, query, qvec, cands, self._queries.embed_query, list(dict.fromkeys(ranked)))
            if query.qtype == "recommendation" and len(query.subjects) >= 2 and not rows:
                when = advice(snap, qvec, query, cands)
        evidence = Evidence(claims, conf, scores, cands, unknown, passing, rows, disagreements, when, named, rows_asked,
                            more=said is not None)
        params = ComposeParams(threshold, s.stale_after_days, dt.date.today())
        answer = compose(snap, query, q, evidence, params)
        t3 = time.perf_counter()
        if answer.abstained and conversation_id and not again and not query.subjects and said is None and (
                of_before := of_subjects_before(resolved, self.conversations.history(conversation_id), snap.catalog)):
            # "which part usually fails?" after a question on gas furnaces: declined as a question of its own, it
            # may be one more about them. Its total time is both answers'; its stages the second's.
            retried = self._ask(of_before, conversation_id, mode, again=True)
            if not retried.abstained:
                total = round((time.perf_counter() - t0) * 1000, 2)
                return dataclasses.replace(retried, question=question, timings_ms={**retried.timings_ms, "total": total})
        if conversation_id:
            self.conversations.add(conversation_id, Turn(q, shown, query.subjects, query.qtype), answer.answer)
        timings = {
            "embed": round((t1 - t0) * 1000, 2),
            "retrieve": round((t2 - t1) * 1000, 2),
            "compose": round((t3 - t2) * 1000, 2),
            "total": round((time.perf_counter() - t0) * 1000, 2),
        }
        notices = ((FOREIGN_NOTICE,) if other_language else ()) + (
            (situation_notice(situation, query.subjects),) if situation and not answer.abstained else ()) + (
            (source_notice(snap, from_docs),) if from_docs else ())
        return dataclasses.replace(answer, question=question, resolved_question=shown, conversation_id=conversation_id,
                                   timings_ms=timings, notices=notices)

    def _last_asked(self, conversation_id: str | None) -> str:
        """The standalone question the conversation's last turn asked ('' for none)."""
        history = self.conversations.history(conversation_id) if conversation_id else []
        return history[-1].resolved if history else ""

    def retrieve_chunks(self, question: str, *, k: int = 5, mode: str = "hybrid") -> list[tuple[str, int, int]]:
        """The top ``k`` chunks for a standalone question as (doc_id, start, end): for evaluation."""
        snap = self.snapshot()
        query = analyse(self.check_question(question), snap.catalog)
        qvec = self._queries.embed_query(query.text)
        s = self.settings
        cands = retrieve(snap, qvec, query, top_k=s.top_k, rrf_k=s.rrf_k, mode=mode, rrf_weight=s.fusion_rrf_weight)
        if score_aware(mode, s.fusion_rrf_weight):  # as Engine.ask orders them
            cands = rerank(snap, cands, score_units(snap, qvec, query, cands))
        chunks = snap.version.chunks
        return [(chunks[c.chunk].doc_id, chunks[c.chunk].start, chunks[c.chunk].end) for c in cands[:k]]


def _publishers(snap: Snapshot) -> dict[str, frozenset[str]]:
    """The words of the corpus's publishers, each -> the documents it names (:func:`publisher_words`), found once
    per snapshot: every question is read for a source it names."""
    return snap.memo("publishers", None, lambda: publisher_words(
        {d.doc_id: d.publisher or "" for d in snap.version.docs.values()}))
