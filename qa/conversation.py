"""Conversations: turns kept in the database, and follow-ups resolved against them without a language model."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from qa.cues import WANTS_MAKER, WANTS_NAME, definition_term, subject_releases
from qa.query import ASKED_OF, SubjectCatalog, analyse
from qa.storage import Database
from qa.storage.schema import TOKENS
from qa.text import QUESTION_WORDS, STOPWORDS, content_words, word_spans, words

_LEAD = re.compile(
    r"^\s*(?:and|but|also|ok(?:ay)?|so|then)?\s*,?\s*(?:what|how)\s+about\s+|^\s*(?:and|but|also)\s+|"
    r"^\s*(?:same|ditto)\s+(?:for|with)\s+|^\s*what\s+of\s+",
    re.I,
)
_PRONOUNS = re.compile(r"\b(it|its|it's|they|them|their|theirs|this one|that one|the former|the latter|each|both)\b", re.I)
_DEMONSTRATIVE = re.compile(r"\b(?:that|this|those|these)\b", re.I)
# What sets itself against, or picks from, what was just asked ("what should I use instead?", "which ones?").
_BACK_TO_ASKED = re.compile(r"\b(?:instead|otherwise|alternatives?|ones)\b", re.I)
# ... and what "what extension would I use?", "which library should we pick?" are for (naming no subject).
_WHAT_TO_USE = re.compile(r"^\s*(?:which|what)\s+[\w-]+\s+(?:should|would|do|does|can|could|shall|must)\s+"
                          r"(?:i|we|you|one)\s+(?:use|need|install|pick|choose|add|try|get)\b", re.I)
_ONE = re.compile(r"\bone\b", re.I)  # one of what was asked about: "is there one for auth?"
# A question ending with a possessive whose noun it never says ("is it as good as FastAPI's?"): its noun is what
# was asked before; not "is its community bigger than Flask's?", which says it.
_ELIDED = re.compile(r"^(?!.*(?:['’]s|\bits)\s+[a-z]).*['’]s\s*[?.!]*\s*$", re.I | re.S)
# Like what was asked about, named nowhere else ("something similar", "an equivalent"; not "similar to Flask").
_SIMILAR = re.compile(r"\b(?:(?:something|anything)\s+(?:similar|like\s+(?:that|this|it))|(?:an?|the)\s+(?:equivalent|counterpart))"
                      r"\b(?!\s+(?:to|of|for)\b)", re.I)
_IT = re.compile(r"\b(?:it|its|it's)\b", re.I)  # one thing, which two subjects are not
_THAT = re.compile(r"\b(?:that|those)\b", re.I)  # what was just said ('this' may point at what follows)
_PLURAL = re.compile(r"\b(?:they|them|their|theirs|both|each)\b", re.I)
_THEY = re.compile(r"\b(?:they|them)\b", re.I)  # which may stand for things as well as for subjects
_THEIR = re.compile(r"\b(?:they|them|their|theirs)\b", re.I)
_PLURAL_NOUN = re.compile(r"[^su']s$")  # 'websockets', 'tasks'; not 'process', 'status', 'its'
_QUESTION = re.compile(r"^\s*(what|who|whom|whose|when|where|why|how|which|is|are|does|do|can|should|will)\b", re.I)
_ONE_AFTER = re.compile(r"\s+ones?\b", re.I)  # 'one' after a subject's name: the subject's
_FILLER = frozenset("and but also what how about for with in the then ok okay so same ditto of".split())
_OPENER = r"^\s*(?:(?:and|but|so|ok(?:ay)?|really|hm+)\s*,?\s*)?"
# "ok", "thanks!", "cool, got it": an acknowledgement, no question to resolve; one opening a question ("ok and for
# validation?", "Great, what about Flask?") is left off it.
_ACK = (r"(?:ok(?:ay)?|alright|all\s+right|cool|great|nice|perfect|thanks|thank\s+you|thx|got\s+it|i\s+see|hm+|right|"
        r"sure|yes|yeah|no|nope)")
_ACKNOWLEDGEMENT = re.compile(rf"^\s*{_ACK}(?:\s*[,.!]*\s*(?:{_ACK}|a\s+lot|very\s+much))*\s*[.!?]*\s*$", re.I)
_GREETING = re.compile(r"^\s*(?:hi+|hello|hey|hiya|howdy|greetings|good\s+(?:morning|afternoon|evening|day))"
                       r"(?:\s+(?:there|all|everyone|folks|team|bot))?\s*[,.!?]*\s*$", re.I)
_ACK_LEAD = re.compile(rf"^\s*{_ACK}\s*(?:[,.!]+\s*|\s(?=\s*(?:and|but|so|then|what|how|which)\b))", re.I)
# "why?", "how so?": asks for the reasons behind the previous answer.
_WHY = re.compile(
    _OPENER + r"(?:why(?:\s+(?:so|not|exactly))?|why\s+(?:is|was|would|does)\s+(?:that|this|it)(?:\s+so)?|why'?s\s+that|"
    r"how\s+(?:so|come|exactly)|how\s+(?:is|was)\s+(?:that|this)|in\s+what\s+way|what\s+makes\s+(?:you\s+say\s+that|it\s+so))"
    r"\s*[?.!]*\s*$",
    re.I,
)
# "tell me more", "go on", "what else?", "can you elaborate?": more of the answer to the previous question.
_MORE = re.compile(
    _OPENER + r"(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:tell\s+me\s+more|(?:say|show)\s+(?:me\s+)?more|more|"
    r"go\s+on|keep\s+going|continue|elaborate(?:\s+on\s+(?:that|this|it))?|expand\s+on\s+(?:that|this|it)|"
    r"(?:what|anything|something)\s+else(?:\s+(?:is\s+there|do\s+(?:the\s+sources|they)\s+say))?)"
    r"(?:\s+(?:please|about\s+(?:that|this|it)))?\s*[?.!]*\s*$",
    re.I,
)
# "when?", "and where?", "since when?", "by how much?", "since which version?": asks the previous question's when
# (where, who, how, how much, which version) too.
_WH = re.compile(_OPENER + r"((?:since\s+)?when|where|who|how(?:\s+(?:much|many|long|often))?|by\s+how\s+much|"
                 r"(?:(?:since|from|in|with)\s+)?(?:which|what)\s+(?:version|release|year))\s*[?.!]*\s*$", re.I)
# "give me some examples", "like what?", "such as?": examples of what was just asked about.
_EXAMPLES = re.compile(
    _OPENER + r"(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:(?:give|show|list|name)\s+(?:me\s+|us\s+)?"
    r"(?:some|a\s+few|an?|any)?\s*examples?|(?:any|some)\s+examples?|examples?|like\s+what|such\s+as|"
    r"for\s+(?:example|instance)|e\.g\.?)(?:\s+please)?\s*[?.!]*\s*$", re.I)
# "and the other one?": the previous question about the subject it did not name.
_OTHER = re.compile(
    _OPENER + r"(?:(?:what|how)\s+about\s+|(?:same\s+)?(?:for|with|in)\s+)?the\s+other(?:\s+\w+)?\s*[?.!]*\s*$", re.I
)
# How a question asking which one closes after what it asks: "..., then?", "?!". Possessive ('++', '*+'): with the
# lazy body before it, a plain '\s*[?.!]*\s*$' tried every split of a run of spaces at every place the body might
# end (a 2,000-character question of spaces took seconds in each pattern below).
_CLOSING = r"(?:,?\s++(?:then|now|though|anyway))?[\s?.!]*+$"
# "which is faster then?", "which one wins?": a comparison of the conversation's subjects (not "which Python
# version ...": a bare "which" takes a verb that says so).
_WHICH = re.compile(
    _OPENER + r"(which(?:(?:\s+one|\s+of\s+(?:them|the\s+two|these|those|the\s+\w+))\s+\w|"
    r"\s+(?:is|'s|are|was|were|has|have|does|do|did|should|would|will|can|could)\b).*?)"
    + _CLOSING,
    re.I,
)
# "What should we choose?", "what would you pick for a beginner?": which of the two, in other words. (The verb may
# come in the corpus's form: typos and other forms are corrected first, 'suggest' to 'suggested'.)
_WHAT_CHOOSE = re.compile(
    _OPENER + r"(what\s+(?:should|would|shall|do|can|could)\s+(?:i|we|you|they|one)\s+"
    r"(?:choose|pick|use|go\s+(?:with|for)|adopt|prefer|select|take|recommend|suggest)(?:ed|d|s)?\b.*?)"
    + _CLOSING, re.I)
# A comparison or a choice asked of no one in particular: "What's better for a REST API?", "what is more popular?",
# "best framework for a REST API?", "what's the better choice for a small team?"; of the conversation's subjects,
# as "which one ...?" is. Not "the best way to deploy", "best practices"; nor "Which framework has more
# extensions?", "What is the fastest?", which the corpus may answer as asked; nor "What is better than nothing?",
# which names what it compares.
_COMPARATIVE = (r"(?:better|worse|faster|slower|quicker|easier|harder|simpler|lighter|heavier|safer|cheaper|newer|"
                r"older|smaller|bigger|larger|stronger|(?:more|less)\s+\w+)")
_UNNAMED_CHOICE = re.compile(
    _OPENER + r"(?!.*\bthan\b)((?:what(?:'s|\s+is|\s+are|\s+was|\s+would\s+be)\s+" + _COMPARATIVE + r"\b"
    r"|(?:(?:what(?:'s|\s+is|\s+are)\s+)?the\s+)?(?:best|better)\s+(?!(?:ways?|practices?|approach(?:es)?|methods?|times?|"
    r"places?|parts?|things?)\b)\w+\s+(?:for|to|if|when|in|with)\b).*?)"
    + _CLOSING, re.I)
_LAST_SENTENCE = re.compile(r"^(.*[.!?]\s+)?(.*)$", re.S)  # what a paragraph ends with, after what it tells
# A question naming neither subject but the pair: "the two", "both", "each framework" (of a corpus comparing two).
_PAIR = re.compile(
    r"\b(?:the\s+two|both|either|one\s+or\s+the\s+other|between\s+them|each(?=\s+(?:has|have|had|does|do|did|is|are|"
    r"offers?|provides?|supports?|handles?|uses?|needs?|ships?|comes?|gives?|lets?|makes?)\b)|(?:of|for|in)\s+each(?=\s*[?.!]*\s*$)|each\s+(?:one|side|of\s+(?:them|the\s+two|these|those)|"
    r"framework|library|tool|option|language|database|product|platform|service|technology|approach))\b", re.I)
# ... or asking how they differ, naming no two things: "How does error handling differ?" (not "How do WSGI and
# ASGI differ?").
_COMPARES = re.compile(r"\b(?:differ|differs|difference|differences|compare|compares|comparison|contrast)\b", re.I)
_NAMES_TWO = re.compile(r"\b(?:and|or|vs|versus|between|than)\b", re.I)
# An aspect that starts with a preposition ("for beginners", "in production") follows the subjects as it is.
_PREP_ASPECT = re.compile(r"^(?:for|with|in|on|at|under|without|when|if|during)\b", re.I)
# "and compared to Flask?", "vs Flask?", "how about against Flask?": the previous question, set against another.
_COMPARED = re.compile(r"\b(?:compared?|comparison|vs\.?|versus|against)\b", re.I)
_COMPARING = frozenset("compared compare comparison against".split())
_COMPARE_THEM = re.compile(r"\W*(?:(?:please|can\s+you|could\s+you)\s+)?compare\b", re.I)  # asked to compare what follows
MAX_HISTORY = 20


@dataclass(frozen=True, slots=True)
class Turn:
    question: str
    resolved: str  # the standalone question as shown to the asker (typos fixed, real words as typed)
    subjects: tuple[str, ...]
    qtype: str
    answer: str | None = field(default=None, compare=False)  # the answer's text, as stored (None: not answered)


def _of_the_pair(q: str, catalog: SubjectCatalog) -> str:
    """``q`` asked of the corpus's two subjects, named in brackets: "Which is more mature (FastAPI and Flask)?"."""
    return f"{q.rstrip(' ?.!')} ({_join(catalog.names)})?"


def _join(names: list[str] | tuple[str, ...]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _join_or(names: list[str] | tuple[str, ...]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def resolve(question: str, history: list[Turn], catalog: SubjectCatalog) -> tuple[str, str | None]:
    """Rewrite a follow-up into a standalone question. Returns (resolved, inherited question type)."""
    q = question.strip()
    if _ACKNOWLEDGEMENT.match(q):
        return q, None
    q = _unacknowledged(q)
    if not (history and history[-1].subjects) and len(catalog.names) == 2 and not catalog.find(q):
        # Of a corpus comparing exactly two things, a question naming neither asks about the pair:
        # "Where did each of the two frameworks come from?", "How does error handling differ?", "Which is more
        # mature?".
        if _PAIR.search(q) or (_COMPARES.search(q) and not _NAMES_TWO.search(q)):
            return _of_the_pair(q, catalog), None
        # The question a paragraph about the asker's situation ends with ("We are a small startup ... What
        # should we choose?"), or the whole question.
        situation, last = _LAST_SENTENCE.match(q).groups()
        if m := _choice(last):
            return f"{situation or ''}{m.group(1)[0].upper()}{m.group(1)[1:]}, {_join_or(catalog.names)}?", None
        if not history and _THEIR.search(last):
            # 'they' in the question opening a conversation ("Compare their performance and ecosystem"); not in
            # what a paragraph tells ("... They need to expose a model as an API. Which framework?")
            return _of_the_pair(q, catalog), None
    if not history:
        # A subject's name alone ("fastapi?", "Flask") asks what it is.
        named = catalog.find(q)
        if len(named) == 1 and not re.search(r"\w", q[: named[0][1]] + q[named[0][2] :]):
            return f"What is {named[0][0]}?", None
        return q, None
    prev = history[-1]
    if bare := _resolve_bare(q, history, catalog):
        return bare
    if _PERSONAL.search(q) and (person := _person(prev, catalog)):
        # "where does he live?" after "Who created FastAPI?": the person its answer named.
        return _PERSONAL.sub(lambda m: _as_person(m, person), q), None
    if not prev.subjects and _THING.search(q) and (term := definition_term(prev.resolved)):
        # "does Flask support it?" after "What is ASGI?": the thing the previous question asked what it is.
        return _THING.sub(lambda m: f"{term}'s" if m.group(0).lower() == "its" else term, q, count=1), None
    mentioned = catalog.find(q)
    subjects = [name for name, _, _ in mentioned]
    rest = q
    for _name, s, e in reversed(mentioned):
        # ("and the zigbee one?" after "how much does a z-wave motion sensor cost": Zigbee, as "and zigbee?")
        rest = rest[:s] + " " + rest[one.end() if (one := _ONE_AFTER.match(q, e)) else e:]
    leftover = [w for w in content_words(rest) if w not in _FILLER]

    # "Quart vs Litestar?" and "Compare Quart and Sanic" set the two against each other, not the previous
    # question against them.
    between = len(mentioned) >= 2 and (_COMPARED.search(q, mentioned[0][2], mentioned[-1][1]) is not None
                                       or _COMPARE_THEM.match(q) is not None)
    if subjects and prev.resolved and prev.subjects and _COMPARED.search(rest) and set(leftover) <= _COMPARING \
            and not between:
        # "and compared to Flask?" after "How fast is FastAPI?" -> "How fast is FastAPI compared to Flask?"
        if new := [s for s in dict.fromkeys(subjects) if s not in prev.subjects]:
            return f"{prev.resolved.strip().rstrip(' ?.!')} compared to {_join(new)}?", None
    if subjects and not leftover and prev.resolved:
        # "And Flask?" -> the previous question about Flask instead.
        new = list(dict.fromkeys(subjects))
        if len(new) >= 2 and set(new) == set(prev.subjects):
            return q, None  # "Flask vs FastAPI" after "Is Flask faster than FastAPI?": the pair, asked anew
        if prev.subjects:
            return _swap_subjects(prev.resolved, prev.subjects, new, catalog), prev.qtype
        return f"{prev.resolved.rstrip(' ?.')} for {_join(new)}?", prev.qtype

    if subjects and prev.subjects and _THAT.search(q) and not set(subjects) <= set(prev.subjects):
        # "how is that different in FastAPI?" after "How does Flask handle validation?": 'that' is what was asked.
        return _with_asked(q, prev), None
    if subjects and len(prev.subjects) == 1 and prev.subjects[0] not in subjects \
            and (it_named := _name_it(q, prev.subjects[0])) is not None:
        # "how is it different from Flask?" after "What is Quart?": 'it' where a subject stands is the one asked
        # about before, set against the one named now (not in "does Flask support it?": a thing)
        # "is it as good as FastAPI's?" after "Does Flask support async?": FastAPI's what was asked
        return (_with_asked(it_named, prev), None) if _ELIDED.search(q) else (it_named, prev.qtype)
    if subjects and _ELIDED.search(q):
        # "Is Flask as good as FastAPI's?" after "Does Flask support async?"
        return _with_asked(q, prev), None
    if _SIMILAR.search(q):
        # "does FastAPI have something similar?" after "What is a blueprint?": like what was asked about
        return _with_asked(q, prev), None
    if len(set(subjects)) == 1 and _THEY.search(q) and not _COMPARES.search(q) and (things := _things(prev, catalog)):
        # "how would I add them to Flask then?" after "does Flask support websockets?": 'them' are the things
        # asked about, with one subject named ("Flask and FastAPI: do they ...?" names the two it stands for)
        return _THEY.sub(" and ".join(things), q, count=1), None
    if not subjects and prev.resolved and (other := _other_name(q, prev.resolved, catalog)):
        # "and the Outlander?" after "How many kWh ... did the Bolts use in winter?": the question before, of the
        # name given now in place of the one it named (no subject of the corpus)
        return other, prev.qtype
    if not subjects and not prev.subjects and (how_much := _HOW_MUCH_MORE.match(q)) \
            and (winner := _winner(prev, how_much.group(1), catalog)) is not None:
        # "how much faster?" after "which tracker is fastest" (answered "Linear was the fastest in every test."):
        # of the subject the answer named first
        return f"How much {how_much.group(1)} is {winner}?", None
    if not subjects and not prev.subjects and prev.resolved:
        # Of a question naming no subject, "and on the flat?" after "how much range on hills", "what about 9
        # speed?" after "chain wear limit 12 speed": the question before with the part it gives in place of its
        # own; "how can I reduce that?", "which one lasts longer?" after "direct drive vs geared hub", "how do i
        # size it?" after "tankless gas flow rate in winter": what was asked, though it named no subject.
        if _LEAD.match(q) and (instead := _in_place(_LEAD.sub("", q).strip().rstrip("?.! "), _asked(prev))):
            return instead, prev.qtype
        if (_THAT.search(q) and len(content_words(q)) <= 2) or _LEAD.match(q) or _ONE.search(q) or _IT.search(q):
            return _with_asked(q, prev), None
    if subjects or not prev.subjects:
        return q, None
    # "what about X?", a pronoun, or a bare fragment ("performance?") continues the conversation;
    # a complete new question ("What is the capital of Australia?") does not.
    fragment = len(content_words(q)) <= 2 and not _QUESTION.match(q)
    follow_up = bool(_LEAD.match(q)) or bool(_PRONOUNS.search(q)) or fragment
    if not follow_up:
        if _DEMONSTRATIVE.search(q) or _BACK_TO_ASKED.search(q) or _ONE.search(q) or _WHAT_TO_USE.match(q) \
                or len(words(q)) <= 2:
            # "is that native?" after "Does Flask support WebSockets?": 'that' is what was asked, not a subject;
            # after another such follow-up, what that one was asked of. So is what "what should I use instead?"
            # sets itself against, "which ones?" picks from, "is there one for auth?" (after "What are Flask
            # extensions?") asks for, "what extension would I use?" is for, and "what library?" asks of it.
            return _with_asked(q, prev), None
        return q, None
    if _PRONOUNS.search(q):
        subjects = prev.subjects
        if len(subjects) >= 2 and _IT.search(q) and not _PRONOUNS.search(_IT.sub("", q)):
            # "how long did it take?" after "how to migrate dashboards from Datadog to Grafana": 'it' is not the
            # two subjects but what was asked of them
            return _with_asked(q, prev), None
        if len(subjects) == 1 and _THEY.search(q) and not _COMPARES.search(q) and _things(prev, catalog):
            # "how do I test them?" after "Does Starlette support websockets?": 'them' is the things asked
            # about, not the one subject ("can they fail?" after "... background tasks ..." and "what about
            # Quart?" too; "how do they differ?" compares the subjects)
            return _with_asked(q, prev), None
        if len(subjects) == 1 and _PLURAL.search(q):
            # "how do they differ?" after "Does Flask support websockets?" and "and FastAPI?": both of them,
            # on what was asked of them (not on everything)
            subjects = tuple(reversed(_conversation_subjects(history, catalog)))  # in the order they came
            if _COMPARES.search(q) and _asked_words(prev, catalog):
                return _with_asked(_replace_pronouns(q, subjects), prev), None
        if len(subjects) == 1 and (release := _release_asked(prev.resolved, subjects[0], catalog)):
            subjects = (release,)  # "what changed in it?" after "when was traefik v3 released": in Traefik v3
        return _replace_pronouns(q, subjects), prev.qtype
    aspect = _LEAD.sub("", q).strip().rstrip("?.! ")
    if _PREP_ASPECT.match(aspect):
        # "what about for beginners?" -> "What about A and B for beginners?", not "Compare A and B on for
        # beginners" (nor "Which is better for beginners, A or B?", whose evidence changed with the order).
        # Its type is its own: a comparison table per aspect would hide the sentences about that audience.
        return f"What about {_join(prev.subjects)} {aspect}?", None
    if len(prev.subjects) >= 2 and prev.qtype == "comparison":
        return f"Compare {_join(prev.subjects)} on {aspect}", "comparison"
    return f"What about {aspect} for {_join(prev.subjects)}?", prev.qtype


def of_subjects_before(question: str, history: list[Turn], catalog: SubjectCatalog) -> str | None:
    """A question naming no subject, read as asked of the subjects the turn before asked about ("which part
    usually fails?" after "and a gas furnace?": "which part usually fails for Gas furnace?"); None when there
    were none, or it names one. For a question the corpus does not answer as it stands: a new question in a
    conversation is its own ("What is a WIP limit?" after a question on Scrum asks no more of Scrum)."""
    if not history or not history[-1].subjects or catalog.find(question):
        return None
    return f"{question.strip().rstrip(' ?.!')} for {_join(history[-1].subjects)}?"


def small_talk(question: str) -> bool:
    """Whether ``question`` is no question at all: an acknowledgement ("thanks!", "ok") or a greeting ("hi
    there")."""
    return bool(_ACKNOWLEDGEMENT.match(question) or _GREETING.match(question))


def _unacknowledged(question: str) -> str:
    """``question`` less an acknowledgement it opens with ("Great, what about Flask?" -> "what about Flask?")."""
    return _ACK_LEAD.sub("", question.strip(), count=1)


def asks_more(question: str, history: list[Turn]) -> str | None:
    """What the answers to the previous question said (itself and each "more" after it), when ``question``
    asks for more of them ("tell me more", "what else?"): the answer to it quotes what those did not. None for
    any other question, or with no answer before."""
    if not (history and history[-1].answer and history[-1].resolved and _MORE.match(_unacknowledged(question))):
        return None
    asked = history[-1].resolved
    said = []
    for turn in reversed(history):
        if turn.resolved != asked:
            break
        said.append(turn.answer or "")
    return "\n".join(said)


# "according to PennyWise, ...", "What does the Weekly Ledger say about ...?", and a follow-up naming a source
# alone ("> and the Weekly Ledger?"). Group 'src': up to four words naming it.
_ACCORDING = re.compile(r"\baccording\s+to\s+(?:the\s+)?(?P<src>[\w'’&.-]+(?:\s+[\w'’&.-]+){0,3})", re.I)
_WHAT_SAYS = re.compile(r"\bwhat\s+(?:does|do|did)\s+(?:the\s+)?(?P<src>[\w'’&.-]+(?:\s+[\w'’&.-]+){0,3}?)\s+"
                        r"(?:say|says|think|recommend|write|claim)\b", re.I)
_SOURCE_ALONE = re.compile(r"^\W*(?:(?:and|but|what\s+about|how\s+about)\s+)?(?:(?:in|from|at)\s+)?(?:the\s+)?"
                           r"(?P<src>[\w'’&.-]+(?:\s+[\w'’&.-]+){0,3})\W*$", re.I)


def publisher_words(publishers: dict[str, str]) -> dict[str, frozenset[str]]:
    """Of ``publishers`` (doc_id -> publisher), each word of their names -> the documents whose publisher's name
    holds it ('the' aside): what :func:`named_source` looks a question's words up in."""
    out: dict[str, set[str]] = {}
    for doc, name in publishers.items():
        for w in set(words(name)) - {"the"}:
            out.setdefault(w, set()).add(doc)
    return {w: frozenset(docs) for w, docs in out.items()}


def named_source(question: str, publishers: dict[str, frozenset[str]], before: Callable[[], str],
                 catalog: SubjectCatalog) -> tuple[frozenset[str], str] | None:
    """The documents a question asks to hear from ("according to PennyWise, how long until buying pays off?")
    and the question asked of them, less the naming: of ``publishers`` (:func:`publisher_words`), those whose name
    holds every word named ('PennyWise' of 'PennyWise Money', 'Weekly Ledger' of 'The Weekly Ledger'), when they
    name no subject ("and FastAPI?" of a corpus holding 'FastAPI documentation' asks of FastAPI). A
    follow-up naming a source and asking nothing else ("> according to PennyWise?", "> and the Weekly Ledger?")
    asks the question before it again (``before()``: the conversation's last, '' for none). None when no source
    is named (or nothing is asked)."""
    for pattern in (_ACCORDING, _WHAT_SAYS, _SOURCE_ALONE):
        if not (m := pattern.search(question)):
            continue
        said = words(m.group("src"))
        # The longest run of the words named that a publisher's name holds, at least one of them no function word.
        for n in range(len(said), 0, -1):
            run = set(said[:n])
            docs = frozenset.intersection(*(publishers.get(w, frozenset()) for w in run))
            if docs and any(w not in STOPWORDS for w in run):
                break
        else:
            continue
        if (pattern is _SOURCE_ALONE and n < len(said)) or catalog.find(" ".join(said[:n])):
            continue  # "and the Outlander?" names no source
        # where the n-th word named ends (words() reads the words: 'Nest & Key' is two)
        end = m.start("src") + word_spans(m.group("src"))[n - 1][2] if pattern is not _WHAT_SAYS else m.end()
        rest = (question[:m.start()] + " " + question[end:]).strip(" ,;:?.!")
        if not content_words(rest) or pattern is _SOURCE_ALONE:
            rest = before()
        return (docs, rest) if rest else None
    return None


def publisher_named(question: str, publishers: dict[str, frozenset[str]], catalog: SubjectCatalog,
                    common: Callable[[str], bool]) -> tuple[frozenset[str], str] | None:
    """The documents of a publisher a question names anywhere ("how much did Hollis & Grey pay for each R6
    body?", "who is the lead data scientist at Quillmark?": a team's case study says "we" and "our", never its
    name) and the question less the name; None when it names none. A name is a run of the question's words
    (:func:`qa.text.words`, as :func:`publisher_words` reads names) that one publisher's name holds ('and' between
    them), one of them no ``common`` word ('quillmark') or two or more typed with capitals ('Hollis & Grey'; a name
    of common words typed in lower case, 'weekly ledger', is heard only with "according to"), none of a subject's
    name, and not every document's publisher."""
    spans = word_spans(question)
    subjects = [(s, e) for _name, s, e in catalog.find(question)]
    for i, (low, start, _end) in enumerate(spans):
        if low in STOPWORDS or low not in publishers or any(s <= start < e for s, e in subjects):
            continue
        docs, first, last = publishers[low], i, i
        for step in (-1, 1):  # the run's other words, either side, as long as one publisher's name holds them
            j = i + step
            while 0 <= j < len(spans):
                k = j + step if spans[j][0] == "and" else j  # "Hollis and Grey" ('&' is no word)
                w = spans[k][0] if 0 <= k < len(spans) else ""
                if w in STOPWORDS or not docs & publishers.get(w, frozenset()):
                    break
                docs &= publishers[w]
                first, last = min(first, k), max(last, k)
                j = k + step
        named = [question[a:b] for w, a, b in spans[first:last + 1] if w != "and"]
        if all(common(w.lower()) for w in named) and not (len(named) >= 2 and all(w[0].isupper() for w in named)):
            continue  # common words, unless typed as a name of two or more ('Hollis & Grey')
        if docs == frozenset.union(*publishers.values()):
            return None  # every document is its: naming it asks nothing of whose
        before, after = question[:spans[first][1]], _POSSESSIVE_AFTER.sub("", question[spans[last][2]:], count=1)
        if last == len(spans) - 1 or _CLAUSE_END.match(after):
            # and a word that led to it left at the end of a clause ("... scientist at Quillmark?", "40 sites on
            # Nimbus Static, most of them Jekyll")
            before = _DANGLING.sub("", before)
        rest = " ".join((before + after).split())
        return (docs, rest) if content_words(rest) else None
    return None


_DANGLING = re.compile(r"\s+(?:at|for|from|by|of|in|with|on)\s*$", re.I)
_CLAUSE_END = re.compile(r"\s*[,;:.!?)]")
_POSSESSIVE_AFTER = re.compile(r"^['’]s\b")  # "what did Quillmark's lead data scientist propose?"


_NAME_INSTEAD = re.compile(r"^\W*(?:and|but|what\s+about|how\s+about)\s+(?:the\s+)?"
                           r"(?P<name>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,2})\W*$")
_TITLED = re.compile(r"(?<=\s)[A-Z][a-z][\w-]*(?:\s+[A-Z][a-z][\w-]*)*")  # 'Bolts', 'Ioniq Long' past the first word


def _other_name(question: str, before: str, catalog: SubjectCatalog) -> str | None:
    """``before`` asked of the name ``question`` gives alone ("and the Outlander?") in place of the last name it
    holds that is no subject of the corpus (capitalised past its first word: 'Bolt' of "How much did Northfield
    pay for each Bolt?"); None when ``question`` is no such follow-up, or ``before`` holds no such name."""
    if not (m := _NAME_INSTEAD.match(question)) or catalog.find(m.group("name")):
        return None
    named = [t.group() for t in _TITLED.finditer(before) if not catalog.find(t.group())]
    if not named:
        return None
    return re.sub(rf"\b{re.escape(named[-1])}\b", m.group("name"), before)


_AMOUNT_OF = re.compile(r"(?:\$\s?)?\d[\d,.]*\s*(?P<unit>[A-Za-z][\w-]*)?")


def _in_place(part: str, before: str) -> str | None:
    """``before`` with ``part`` in place of its like: a phrase opening with the same preposition ("on the flat" for
    "on hills"; "for $3000" for "for under 1500 dollars"), to its end; or an amount of the same unit ("9 speed" for
    "12 speed"). None when ``before`` holds no such part."""
    if (m := _PREP_ASPECT.match(part)) and (at := before.lower().rfind(f" {m.group().lower()} ")) >= 0:
        return f"{before[:at + 1]}{part}?"
    if (amount := _AMOUNT_OF.fullmatch(part)) and (unit := amount.group("unit")):
        like = re.compile(rf"(?:\$\s?)?\d[\d,.]*\s*{re.escape(unit)}\b", re.I)
        if len(like.findall(before)) == 1:
            return f"{like.sub(lambda _m: part, before)}?"
    return None


# "how much faster?", "by how much cheaper": how much more of what a "which" question asked the best of
_HOW_MUCH_MORE = re.compile(r"^\s*(?:and\s+|so\s+)?(?:by\s+)?how\s+much\s+((?:more|less)\s+[a-z]+|[a-z]+er)\s*\??\s*$", re.I)
_WHICH_OPENS = re.compile(r"^\s*which\b", re.I)


def _winner(prev: Turn, more: str, catalog: SubjectCatalog) -> str | None:
    """The subject the previous answer names first, when its question asked which one is the most of what
    ``more`` is more of ("which tracker is fastest" for 'faster', "which is the most reliable" for 'more
    reliable': 'Linear' of "Linear was the fastest in every test.")."""
    low = more.lower()
    most = rf"(?:most|least)\s+{re.escape(low.split()[-1])}" if " " in low else rf"{re.escape(low[:-2])}i?est"
    if not prev.answer or not _WHICH_OPENS.match(prev.resolved) or not re.search(rf"\b{most}\b", prev.resolved, re.I):
        return None
    return next((name for name, _s, _e in catalog.find(prev.answer)), None)


def _person(prev: Turn, catalog: SubjectCatalog) -> str | None:
    """The person the previous answer names first, when its question asked who: a name of two or more
    capitalised words that is no subject of the corpus ('Armin Ronacher' of "Flask was created by Armin
    Ronacher, an Austrian developer ..."); or the person the previous question was about in its turn ("what
    else did he build?" after "where is he from?", read as "where is Armin Ronacher from?")."""
    if _PERSONAL.search(prev.question) and (named := [m.group(0) for m in _PERSON_NAME.finditer(prev.resolved)
                                                     if m.group(0) not in prev.question]):
        return named[0]
    if not prev.answer or not (WANTS_NAME.search(prev.resolved) or WANTS_MAKER.search(prev.resolved)):
        return None
    return next((m.group(0) for m in _PERSON_NAME.finditer(prev.answer) if not catalog.find(m.group(0))), None)


def _as_person(m: re.Match[str], person: str) -> str:
    """'he', 'him' -> the person; 'his', and 'her' before a word, -> the person's."""
    word = m.group(1).lower()
    return f"{person}'s" if word in ("his", "hers") or (word == "her" and m.group(2)) else person


# 'he', 'she', 'him', 'his', 'her' (and whether a word follows 'her', which makes it a possessive).
_PERSONAL = re.compile(r"\b(he|she|him|his|hers|her)\b(?=(\s+[a-z]\w*)?)", re.I)
_THING = re.compile(r"\b(?:it|its)\b", re.I)  # a thing, not a person nor the pair ('they', 'both')
# 'it' where a question's subject stands ("is it", "how does it"), or 'its' anywhere.
_IT_SUBJECT = re.compile(r"\b(?:is|was|does|did|do|can|could|will|would|should|has|had)\s+(it)\b|\b(its)\b", re.I)
# A person's name in an answer: two capitalised words or more ('Armin Ronacher', 'Sebastián Ramírez').
_PERSON_NAME = re.compile(r"\b[A-Z][a-zß-öø-ÿ]+(?:\s+[A-Z][a-zß-öø-ÿ]+)+\b")


def _name_it(q: str, subject: str) -> str | None:
    """``q`` with its first 'it' where a subject stands, or 'its', as ``subject`` ("Quart's"); None without."""
    if (m := _IT_SUBJECT.search(q)) is None:
        return None
    at = 1 if m.group(1) else 2
    return q[: m.start(at)] + (subject if at == 1 else f"{subject}'s") + q[m.end(at) :]


def _asked_words(prev: Turn, catalog: SubjectCatalog) -> list[str]:
    """The content words of what the previous turn asked, past its subjects' names ('support', 'websockets')."""
    asked = _asked(prev)
    for _name, s, e in reversed(catalog.find(asked)):
        asked = asked[:s] + " " + asked[e:]
    return [w for w in content_words(asked) if w not in QUESTION_WORDS]


def _things(prev: Turn, catalog: SubjectCatalog) -> list[str]:
    """The plural nouns of what the previous turn asked, past its subjects' names ('websockets', 'tasks')."""
    return [w for w in _asked_words(prev, catalog) if len(w) >= 4 and _PLURAL_NOUN.search(w)]


def _with_asked(q: str, prev: Turn) -> str:
    """``q`` carrying what the previous turn asked, in brackets: "is that native? (Does Flask support
    WebSockets?)"; :data:`qa.query.ASKED_OF` reads it back."""
    return f"{q.rstrip(' ?.!')}? ({_asked(prev)}?)"


def _asked(prev: Turn) -> str:
    """What the previous turn asked, for a follow-up pointing at it with 'that': its question, or after another
    such follow-up, the question that one pointed at."""
    return m.group(2) if (m := ASKED_OF.match(prev.resolved)) else prev.resolved.rstrip(" ?.!")


def _resolve_bare(q: str, history: list[Turn], catalog: SubjectCatalog) -> tuple[str, str | None] | None:
    """Follow-ups that name nothing and only make sense against the previous turn: "why?", "and the other
    one?", "which is faster then?". None when ``q`` is none of these (or the conversation cannot fill it in)."""
    prev = history[-1]
    if not prev.resolved or catalog.find(q):
        return None
    if _MORE.match(q):
        return prev.resolved, prev.qtype
    if _EXAMPLES.match(q):
        # "give me some examples" after "What are Flask extensions?" asks which there are (a list: not the
        # sentences saying "examples", "Django and Ruby on Rails are examples of frameworks"); after another
        # question, what it asked, with the asker's words.
        if (term := definition_term(_asked(prev) + "?")) is not None and _PLURAL_NOUN.search(term):
            return f"Which {term} are there?", None
        return _with_asked(q, prev), prev.qtype
    if _WHY.match(q):
        base = prev.resolved.strip().rstrip(" ?.!")
        if base.endswith(", and why"):  # "why?" twice asks the same
            return prev.resolved, prev.qtype
        # Neutral about the previous answer ("Does X have an ORM, and why?" presupposes neither yes nor no);
        # a previous instruction ("Compare A and B on speed") cannot take the clause.
        if _QUESTION.match(base):
            return f"{base}, and why?", prev.qtype
        if len(prev.subjects) >= 2:
            aspect = " ".join(analyse(base, catalog).aspect_terms)
            return f"Why do {_join(prev.subjects)} differ{f' on {aspect}' if aspect else ''}?", prev.qtype
        return f"Why: {base}?", prev.qtype
    if (m := _WH.match(q)) and _QUESTION.match(base := prev.resolved.strip().rstrip(" ?.!")):
        wh = m.group(1).lower()
        return (prev.resolved if base.lower().endswith(f", and {wh}") else f"{base}, and {wh}?"), prev.qtype
    if _OTHER.match(q):
        other = _other_subject(history, catalog)
        if other is None:
            return None
        return _swap_subjects(prev.resolved, prev.subjects, [other], catalog), prev.qtype
    if m := _choice(q):
        subjects = _conversation_subjects(history, catalog)
        if len(subjects) < 2:
            return None
        body = m.group(1)
        if len(prev.subjects) == 1 and _THEY.search(body) and _things(prev, catalog):
            return None  # "which of them handle auth?" after "What extensions does Flask have?": of the things
        which = f"{body[0].upper()}{body[1:]}, {_join_or(subjects)}?"
        # "which one is better for that?": 'that' is what was asked before, carried in brackets as for "is that
        # native?", as is what "instead" sets itself against (not "which is faster then?", which asks it of its
        # own).
        return (f"{which} ({_asked(prev)}?)" if _DEMONSTRATIVE.search(body) or _BACK_TO_ASKED.search(body) else which), None
    return None


def _choice(question: str) -> re.Match[str] | None:
    """A question asking which of some subjects it names none of ("which one is faster?", "What should we
    choose?", "What's better for a REST API?"); its group 1, the question without its closing mark."""
    return _WHICH.match(question) or _WHAT_CHOOSE.match(question) or _UNNAMED_CHOICE.match(question)


def _conversation_subjects(history: list[Turn], catalog: SubjectCatalog) -> list[str]:
    """The subjects a comparison follow-up is about: the previous turn's when it named two or more, else
    with those of the latest earlier turn that adds one; a corpus that compares exactly two things fills in
    the rest."""
    seen = list(history[-1].subjects)
    for t in reversed(history[:-1]):
        if len(seen) >= 2:
            break
        seen.extend(s for s in t.subjects if s not in seen)
    if len(seen) < 2 and len(catalog.names) == 2:
        seen.extend(s for s in catalog.names if s not in seen)
    return seen


def _other_subject(history: list[Turn], catalog: SubjectCatalog) -> str | None:
    """"The other one" after a turn about one subject: the one an earlier turn named beside it, or the
    corpus's other subject when it compares exactly two; None when that is not one subject."""
    prev = history[-1].subjects
    if len(prev) != 1:
        return None
    for t in reversed(history[:-1]):
        others = [s for s in t.subjects if s not in prev]
        if others:
            return others[0] if len(others) == 1 else None
    others = [s for s in catalog.names if s not in prev]
    return others[0] if len(others) == 1 else None


def _swap_subjects(text: str, old: tuple[str, ...], new: list[str], catalog: SubjectCatalog) -> str:
    """``text`` about ``new`` instead: one new subject replaces the first one ``text`` names ("And Flask?"); as
    many new subjects as it names replace them in turn ("Quart vs Litestar?" after "Is Flask faster than
    FastAPI?" -> "Is Quart faster than Litestar?")."""
    found = [f for f in catalog.find(text) if f[0] in old]
    if not found:
        return f"{text.rstrip(' ?.')} for {_join(new)}?"
    named = list(dict.fromkeys(name for name, _, _ in found))
    pairwise = len(new) == len(named) > 1
    replacement = {name: new[i] for i, name in enumerate(named)} if pairwise else {named[0]: _join(new)}
    out = text
    for name, s, e in reversed(found):
        if name in replacement:
            suffix = "'s" if text[s:e].lower().endswith("'s") else ""
            out = out[:s] + replacement[name] + suffix + out[e:]
    return out


def _release_asked(question: str, subject: str, catalog: SubjectCatalog) -> str | None:
    """``subject`` with the release of it ``question`` names, as typed ('Traefik v3' of "when was traefik v3
    released"); None when it names none."""
    return next((f"{name} {m.group().strip()}" for name, m in subject_releases(question, catalog.find(question))
                 if name == subject), None)


def _replace_pronouns(q: str, subjects: tuple[str, ...]) -> str:
    one = subjects[0] if len(subjects) == 1 else _join(subjects)

    def sub(m: re.Match[str]) -> str:
        word = m.group(0).lower()
        if word in ("its", "their", "theirs"):
            return f"{one}'s"
        if word in ("it's",):
            return f"{one} is"
        if word in ("the former",):
            return subjects[0]
        if word in ("the latter",):
            return subjects[-1]
        if word in ("each", "both"):
            return f"{m.group(0)} of {_join(subjects)}" if len(subjects) > 1 else one
        return one

    return _PRONOUNS.sub(sub, q, count=2)


class ConversationStore:
    """Turns per conversation in the deployment's database (:mod:`qa.storage`): every thread, process and
    replica using it sees the same conversations."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def new_id() -> str:
        return f"c-{uuid.uuid4().hex[:12]}"

    def history(self, conversation_id: str) -> list[Turn]:
        rows = self.db.fetchall(
            "SELECT question, resolved, subjects, qtype, answer FROM turns WHERE conversation_id = ? "
            f"ORDER BY created DESC, {TOKENS[self.db.kind]['seq']} DESC LIMIT ?",
            (conversation_id, MAX_HISTORY),
        )
        return [Turn(q, r, tuple(json.loads(s)), t, a) for q, r, s, t, a in reversed(rows)]

    def add(self, conversation_id: str, turn: Turn, answer: str | None) -> None:
        """Store a turn and the answer text given to it (None: recorded without being answered)."""
        self.db.execute(
            "INSERT INTO turns (conversation_id, created, question, resolved, subjects, qtype, answer) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (conversation_id, time.time(), turn.question, turn.resolved, json.dumps(list(turn.subjects)), turn.qtype, answer),
        )
