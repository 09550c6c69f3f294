"""Question analysis without a language model: subjects (from the corpus), question type, terms."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from qa.documents import Document
from qa.text import NOW_WORDS, QUESTION_WORDS, STOPWORDS, content_words, squash, words

_TITLE_VS = re.compile(r"\s+(?:vs\.?|versus)\s+", re.IGNORECASE)
_TITLE_SEPARATORS = re.compile(r"\s*(?:[:|?!()\[\]]|\s[-–—]\s)\s*")
_TITLE_CHOICE = re.compile(r"[^,]+(?:,\s*[^,]+)+,?\s+or\s+[^,]+")  # "Zigbee, Z-Wave or Thread"
# What a title tells of a name past it: "Zigbee vs Z-Wave in 2023", "... vs Asana for a 40-Person Product Team"
# (not "Ruby on Rails": a capital goes on with the name)
_TITLE_TAIL = re.compile(r"\s+(?:in|for|on|at|with|from|to|of|by|after|since)\s+(?=[a-z\d]).*$")

# Question types, recognised by generic English phrasing only.
_TYPE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("comparison", re.compile(r"\b(compare|comparison|compared|vs\.?|versus|differ(?:s|ences?|ent)?|distinguish|"
                              r"side[- ]by[- ]side|pros and cons|trade-?offs?)\b", re.I)),
    ("recommendation", re.compile(r"\b(should i|should we|which (?:one|is|framework|library|tool|should)|"
                                  r"should (?:a|an|my|our|the|your|their) [\w-]+(?: [\w-]+)? (?:use|adopt|learn|"
                                  r"switch to|move to|migrate to)|"
                                  r"better|best|recommend|choose|choice|pick|go with|worth|prefer|"
                                  r"when (?:to|should|would) (?:i |we )?use|right for|suited|suitable|ideal)\b", re.I)),
    ("howto", re.compile(r"\b(how (?:do|can|should|would|to)|steps? to|example of|show me|write a|"
                         r"set ?up|install|configure)\b", re.I)),
]


@dataclass(frozen=True, slots=True)
class Subject:
    name: str
    pattern: re.Pattern[str]


_NOT_PER = r"(?<!\bper\s)"  # what an amount is counted per ("up to 10 oz per press") is no thing named


def _name_pattern(name: str, aliases: Sequence[str] = ()) -> str:
    """'FastAPI' -> fast[\\s-]*api ; 'Ruby on Rails' -> ruby[\\s-]*on[\\s-]*rails (case-insensitive); ``aliases``,
    shorter names it goes by, name it too ('Ibex KV' and 'Ibex' -> (?:ibex[\\s-]*kv|ibex)), but a common noun one
    ('press' of 'French press') not after 'per'; a name ending in a word in lower case, a common noun, or an
    abbreviation, names it in the plural too ('heat pumps', 'PHEVs')."""
    def pattern(part: str) -> str:
        found = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+", part)
        return r"[\s\-_.]*".join(re.escape(p.lower()) for p in [p for p in found if p] or [part])

    def plural(part: str) -> str:  # a common noun's plural: 'heat pumps' of 'Heat pump', 'PHEVs'; not 'goes' of 'Go'
        common = part.split()[-1].islower() or (part.isupper() and part.isalpha())
        return f"{pattern(part)}(?:e?s)?" if common else pattern(part)

    def alias(part: str) -> str:  # a common noun alone is no name of what an amount is per: "10 oz per press"
        return f"{_NOT_PER}{plural(part)}" if part.islower() and part in name.split() else plural(part)

    body = "|".join([plural(name), *(alias(n) for n in sorted(aliases, key=len, reverse=True))])
    return rf"(?<![a-z0-9])(?<![a-z0-9]-)(?:{body})(?:'s)?(?![a-z0-9]|-[a-z0-9])"


# A subject's name of several words goes by a shorter run of them ("how does ibex store data?" of 'Ibex KV',
# 'Bambino Plus', 'Classic Pro' and 'Gaggia' of 'Breville Bambino Plus' and 'Gaggia Classic Pro'): a run holding a
# word of at least this many letters, in no other subject's name, that the corpus never writes in lower case (where
# it would be words: 'spring' of "in spring 2024" is no 'Spring Boot'); a word alone only the first (the maker,
# 'Gaggia') or one no dictionary lists ('Paperwhite' of 'Kindle Paperwhite'; not 'Classic', 'Plus', 'Bambino').
SHORT_NAME_LETTERS = 4
CLIPPED_LETTERS = 5  # the fewest letters of a name of one word clipped ('postg' of 'PostgreSQL' is none)
# A model code: one word of letters and digits, signs aside ('DS923+', 'TS-464', 'DXP4800'; not 'S8', 'X10'),
# names its product alone as a long word does ("the TS-464 ships with 8 GB" of 'QNAP TS-464').
_MODEL_CODE = re.compile(r"(?=[\w+\-.]*[A-Za-z])(?=[\w+\-.]*\d)[A-Za-z0-9][\w+\-.]*")


def _long(word: str) -> bool:
    """A word that may make a shorter run of a name its name: of :data:`SHORT_NAME_LETTERS` letters or more, or a
    model code (:data:`_MODEL_CODE`) as long, signs aside."""
    return (len(word) >= SHORT_NAME_LETTERS and word.isalpha()) \
        or (_MODEL_CODE.fullmatch(word) is not None and len(squash(word)) >= SHORT_NAME_LETTERS)


def _aliases(names: Sequence[str], texts: Iterable[str], is_word: Callable[[str], bool]) -> dict[str, list[str]]:
    """Per name, the shorter names it goes by: of several words, a shorter run of them
    (:data:`SHORT_NAME_LETTERS`); ending in a common noun, that noun; of one long word, its clipped forms
    (:data:`CLIPPED_LETTERS`)."""
    spelled = {name: name.split() for name in names}
    lowered_names = {name.lower() for name in names}

    def runs(ws: list[str]) -> Iterator[tuple[str, ...]]:
        for i in range(len(ws)):
            for j in range(i + 1, len(ws) + 1):
                if j - i < len(ws):
                    yield tuple(ws[i:j])

    def held(run: tuple[str, ...], ws: list[str]) -> bool:
        low, n = [squash(w) for w in ws], len(run)
        return any(tuple(low[i:i + n]) == tuple(squash(w) for w in run) for i in range(len(low) - n + 1))

    def elsewhere(run: tuple[str, ...], name: str) -> bool:  # another subject's name holds the run, signs aside
        # ('Roborock S8' of 'Roborock S8 Pro Ultra' is 'Roborock S8+', another subject)
        return any(held(run, other) for o, other in spelled.items() if o != name)

    found: dict[str, list[tuple[str, ...]]] = {}
    called: dict[str, list[str]] = {}  # dictionary words the corpus calls the name by ('Swarm' of 'Docker Swarm')
    texts = list(texts)
    for name, ws in spelled.items():
        for run in runs(ws):
            if run[0].islower() or run[-1].islower() \
                    or not all(w.isalnum() or _MODEL_CODE.fullmatch(w) for w in run) \
                    or not any(_long(w) for w in run) or elsewhere(run, name):
                continue
            if len(run) == 1 and run[0] != ws[0] and is_word(run[0].lower()):
                if _called(run[0], ws[ws.index(run[0]) - 1], texts):
                    called.setdefault(name, []).append(run[0])
                continue
            found.setdefault(name, []).append(run)
    out: dict[str, list[str]] = {}
    if found:
        lowered = {" ".join(run).lower() for fits in found.values() for run in fits}
        apart = re.compile(r"(?<![\w-])(" + "|".join(re.escape(r).replace(r"\ ", r"[\s-]+") for r in lowered)
                           + r")(?![\w-])")
        written = {" ".join(m.group(1).replace("-", " ").split()) for text in texts for m in apart.finditer(text)}
        for name, fits in found.items():
            out[name] = [" ".join(run) for run in fits if " ".join(run).lower() not in written]
    for name, alone in called.items():
        out.setdefault(name, []).extend(alone)
    for name in names:
        # A name of one word in two capitalised parts goes by its first where the corpus calls it so, alone, as
        # often as by the whole name ('Borg' of 'BorgBackup'; not 'Java' of 'JavaScript' in a corpus naming Java
        # now and then, nor 'Kopia' of 'KopiaUI', another subject's name).
        # (In lower case it may be the name of its command: `borg prune`.)
        if (head := _CAMEL_HEAD.match(name)) and head.group().lower() not in lowered_names \
                and (alone := _written_alone(head.group(), "", texts)[0]) >= CALLED_TIMES \
                and alone >= sum(text.count(name) for text in texts):
            out.setdefault(name, []).append(head.group())
    for name, ws in spelled.items():
        # A name ending in a common noun ('Gas furnace', 'Heat pump') goes by that noun ("heat pump vs furnace").
        if len(ws) > 1 and ws[-1].islower() and ws[-1].isalpha() and len(ws[-1]) >= SHORT_NAME_LETTERS \
                and not elsewhere((ws[-1],), name):
            out.setdefault(name, []).append(ws[-1])
        # A name of one long word goes by the first two thirds of it and more, when that is no word of a
        # dictionary: 'postgres' and 'postgre' of 'PostgreSQL' (not 'fast' of 'FastAPI', nor 'starlet' of
        # 'Starlette'), nor another subject's name ('kopia' of 'KopiaUI' is 'Kopia'); in lower case: 'FastA' is
        # no 'fast a'.
        if len(ws) == 1 and name.isalpha():
            out.setdefault(name, []).extend(
                name[:n].lower() for n in range(max(CLIPPED_LETTERS, -(-2 * len(name) // 3)), len(name))
                if not is_word(name[:n].lower()) and name[:n].lower() not in lowered_names)
    return out


_CAMEL_HEAD = re.compile(r"[A-Z][a-z]{3,}(?=[A-Z][a-z])")  # 'Borg' of 'BorgBackup' (not 'Kopia' of 'KopiaUI')
CALLED_TIMES = 3  # how often (and how many times more often than in lower case) a word is written as a name alone


def _called(word: str, before: str, texts: Sequence[str]) -> bool:
    """Whether the corpus calls a subject by ``word``, a dictionary word of its name after ``before``: it writes
    it with its capital alone, mid-sentence, :data:`CALLED_TIMES` times or more and that many times as often as in
    lower case ("Swarm has no official ceiling ... in our experience Swarm assumes ..." of 'Docker Swarm', beside
    "a single swarm across"); not 'Classic' of 'Gaggia Classic Pro', written only within the name."""
    named, lowered = _written_alone(word, before, texts)
    return named >= CALLED_TIMES and named >= CALLED_TIMES * lowered


def _written_alone(word: str, before: str, texts: Sequence[str]) -> tuple[int, int]:
    """How often the corpus writes ``word`` with its capital alone, mid-sentence (after a word in lower case
    other than ``before``), and how often in lower case."""
    alone = re.compile(rf"(?<![\w-])(?:(\w+)(\s+))?{re.escape(word)}(?![\w-])")
    low = re.compile(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])")
    named = lowered = 0
    for text in texts:
        if word in text:
            named += sum(1 for m in alone.finditer(text) if m.group(1) and m.group(1) != before
                         and m.group(1)[0].islower())  # mid-sentence, after a word in lower case
        if word.lower() in text:
            lowered += len(low.findall(text))
    return named, lowered


# An abbreviation the corpus defines: "plug-in hybrid electric vehicles (PHEVs)", read over the words before it.
_DEFINED = re.compile(r"\s\(([A-Z]{2,6})s?\)")
_WORDS_BEFORE = re.compile(r"(?:[\w'-]+\s+){0,4}[\w'-]+$")


def _abbreviations(names: Sequence[str], texts: Iterable[str], is_word: Callable[[str], bool]) -> dict[str, list[str]]:
    """Per name, the abbreviations the corpus defines for it: one in brackets after the fewest words whose
    initials it holds in order, from the first ('PHEV' of "plug-in hybrid electric vehicles", 'BEV' of "battery
    electric vehicles"; 'SSE' of "FastAPI: Server-Sent Events" is of the last three), when those words hold the
    name whole, or else its first word and no other name's ('COPD' of "chronic obstructive pulmonary disease" is
    no 'Coronavirus disease'). No dictionary word, and none another name already is."""
    wholes = {name: re.compile(_name_pattern(name), re.I) for name in names}
    firsts = {name: first for name in names if len(first := re.split(r"[\s-]+", name)[0].lower()) >= SHORT_NAME_LETTERS}
    taken = {name.lower() for name in names}
    out: dict[str, list[str]] = {}
    for text in texts:
        for m in _DEFINED.finditer(text):
            abbr = m.group(1)
            if abbr.lower() in taken or (before := _WORDS_BEFORE.search(text, max(0, m.start() - 80), m.start())) is None:
                continue
            parts = [p for p in re.split(r"[\s-]+", before.group().lower()) if p]
            # The fewest words before it whose initials it holds in order, the first one first.
            meant = next((parts[j:] for j in range(len(parts) - 1, -1, -1)
                          if parts[j][0] == abbr[0].lower() and _initials_hold(parts[j:], abbr.lower())), None)
            if meant is None or is_word(abbr.lower()):
                continue
            owners = [n for n, pattern in wholes.items() if pattern.search(" ".join(meant))] \
                or [n for n, first in firsts.items() if first in meant]
            if len(owners) == 1 and abbr not in out.get(owners[0], []):
                out.setdefault(owners[0], []).append(abbr)
    return out


def _initials_hold(words_: list[str], letters: str) -> bool:
    initials = iter(w[0] for w in words_)
    return all(c in initials for c in letters)


def subjects_from_title(title: str, is_word: Callable[[str], bool] = lambda _w: False) -> list[str]:
    """The names of an "X vs Y (vs Z)" title, e.g. "Litestar vs. Sanic: which to pick?" -> [Litestar, Sanic],
    "Zigbee vs Z-Wave in 2023: Which Mesh Should Run Your Sensors?" -> [Zigbee, Z-Wave], or of a title choosing
    from three or more names when at least half of them are written as no word of a dictionary (``is_word``) is:
    "Zigbee, Z-Wave or Thread? A 2025 Buyer's Guide", not "Electric Tank, Heat Pump or Tankless Gas?" (kinds of
    things, which the corpus may compare as well as not), "Local Files or a Cloud Database?" nor "Hubs, Border
    Routers and Security"."""
    def named(name: str) -> bool:  # 'Zigbee', 'Z-Wave' (a capital inside), 'Next.js'; not 'Heat Pump', 'Thread'
        return any(not is_word(w.lower()) or any(c.isupper() or c.isdigit() or c == "." for c in w[1:])
                   for w in re.split(r"[\s-]+", name))

    for segment in _TITLE_SEPARATORS.split(title):
        names = [_TITLE_TAIL.sub("", n).strip(" .,;'\"") for n in _TITLE_VS.split(segment)]
        if len(names) < 2 and _TITLE_CHOICE.fullmatch(segment):
            names = [n for n in re.split(r",\s*(?:or\s+)?|\s+or\s+", segment) if n]
            if not all(n[0].isupper() or n[0].isdigit() for n in names) or 2 * sum(map(named, names)) < len(names):
                names = []
        if len(names) >= 2 and all(1 <= len(n.split()) <= 3 for n in names):
            return names
    return []


def _ends_with(name: str, tail: str) -> bool:
    """Whether ``name`` is more words than ``tail`` and ends with them: 'Amazon S3' ends with 'S3'."""
    ws, tails = name.lower().split(), tail.lower().split()
    return len(ws) > len(tails) and ws[-len(tails):] == tails


class SubjectCatalog:
    """The subjects a corpus compares: from front matter ``subjects`` and titles such as 'X vs Y'."""

    def __init__(self, names: Iterable[str], texts: Iterable[str] = (),
                 is_word: Callable[[str], bool] = lambda _w: True) -> None:
        """``texts``: the corpus's, and ``is_word``, a dictionary's, for the shorter names a name of several words
        goes by (:func:`_aliases`)."""
        by_key: dict[str, Counter[str]] = {}
        for name in names:
            name = name.strip()
            if name and squash(name):
                by_key.setdefault(squash(name), Counter())[name] += 1
        chosen = [c.most_common(1)[0][0] for c in by_key.values()]
        # A name that is the last words of one other is that one's, named without its maker: 'S3' of 'Amazon S3'
        # (a title's "S3 vs R2 vs B2" beside front matters' full names); not 'Docker' of 'Docker Swarm'.
        self._merged = {short: longs[0] for short in chosen
                        if len(longs := [n for n in chosen if _ends_with(n, short)]) == 1}
        chosen = [name for name in chosen if name not in self._merged]
        texts = list(texts)
        aliases = _aliases(chosen, texts, is_word)
        for short, name in self._merged.items():
            aliases.setdefault(name, []).append(short)
        for name, abbrs in _abbreviations(chosen, texts, is_word).items():
            aliases.setdefault(name, []).extend(abbrs)
        self.subjects = [Subject(name, re.compile(_name_pattern(name, aliases.get(name, ())), re.I)) for name in chosen]
        # Longest names first, so 'Ruby on Rails' wins over 'Rails'.
        self.subjects.sort(key=lambda s: -len(s.name))

    @classmethod
    def from_documents(cls, docs: Iterable[Document], is_word: Callable[[str], bool] = lambda _w: True) -> SubjectCatalog:
        docs = list(docs)
        names: list[str] = []
        for doc in docs:
            names.extend(doc.subjects)
            if not doc.subjects:
                names.extend(subjects_from_title(doc.title, is_word))
        return cls(names, (doc.text for doc in docs), is_word)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.subjects]

    def canonical(self, name: str) -> str:
        """The subject ``name`` is one of the names of: 'Amazon S3' for 'S3' (see above), else ``name``."""
        return self._merged.get(name, name)

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """Subjects mentioned in ``text`` as (name, start, end), in order of appearance."""
        found: list[tuple[str, int, int]] = []
        taken: list[tuple[int, int]] = []
        for subj in self.subjects:
            for m in subj.pattern.finditer(text):
                if not any(m.start() < e and s < m.end() for s, e in taken):
                    found.append((subj.name, m.start(), m.end()))
                    taken.append((m.start(), m.end()))
        return sorted(found, key=lambda f: f[1])

    def masked(self, text: str) -> str:
        """``text`` with each subject named in it blanked out, offsets kept: 'VS Code' in "Who led the VS Code
        migration?" is no 'vs' of a comparison."""
        for _name, s, e in self.find(text):
            text = f"{text[:s]}{'_' * (e - s)}{text[e:]}"
        return text

    def mentioned(self, text: str) -> list[str]:
        seen: list[str] = []
        for name, _, _ in self.find(text):
            if name not in seen:
                seen.append(name)
        return seen


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    subjects: tuple[str, ...]
    qtype: str  # comparison | recommendation | howto | fact
    terms: tuple[str, ...]  # content words, subject mentions written canonically
    aspect_terms: tuple[str, ...] = field(default_factory=tuple)  # content words that are not subjects


# A follow-up resolved against what was asked before carries it in brackets: "is that native? (Does Flask support
# WebSockets?)". Group 1 is its own question, group 2 the one before.
ASKED_OF = re.compile(r"^(.*?\?) \((.*)\?\)$")


def question_type(text: str, n_subjects: int) -> str:
    for name, pattern in _TYPE_PATTERNS:
        if pattern.search(text):
            if name == "comparison" and n_subjects < 2 and not re.search(r"\bcompare|vs\b|versus", text, re.I):
                continue
            return name
    if n_subjects >= 2 and re.search(r"\bor\b", text, re.I):
        return "recommendation"
    return "fact"


def analyse(text: str, catalog: SubjectCatalog) -> Query:
    found = catalog.find(text)
    subjects: list[str] = []
    for name, _, _ in found:
        if name not in subjects:
            subjects.append(name)
    # BM25 and evidence matching see each subject in its canonical spelling ('fast api' -> 'fastapi').
    canon, pos = [], 0
    for name, s, e in found:
        canon.append(text[pos:s])
        canon.append(f" {name} ")
        pos = frame.end() if (frame := COUNTERPART.match(text, e)) else e  # "the X version of Y" asks of Y in X
    canon.append(text[pos:])
    asking = _MAKER_MANNER.sub(" ", _PHRASAL_VERB.sub(" ", "".join(canon)))
    terms = tuple(content_words(_WORKINGS.sub(r"\1", _MEANING.sub(" ", asking))))
    subject_words = {w for name in subjects for w in content_words(name)}
    request = m.group(1).lower() if (m := REQUEST.match(text)) else None
    if request in terms and len(terms) > 1:  # "Summarize FastAPI" asks of FastAPI: 'summarize' is no word to match
        at = terms.index(request)
        terms = terms[:at] + terms[at + 1 :]
    # The kind of answer is the question's own: "what extension would I use? (How do I validate data in Flask?)"
    # wants a name, not the how-to in brackets, which says what it is for.
    asked = m.group(1) if (m := ASKED_OF.match(text)) else text
    # 'VS Code' is no versus ("vs" is what a subject's name may hold that a question type reads)
    qtype = question_type(catalog.masked(asked) if "vs" in asked.lower() else asked, len(subjects))
    if qtype in ("comparison", "recommendation") and len(subjects) >= 2:
        # "Flask or FastAPI in 2026?" asks for a choice now: the year is its time, no topic to match ("Flask 3.1.3
        # shipped in February 2026" is no reason to choose). ("What did the report in 1973 recommend?" asks of it.)
        years = {m.group(1) for m in _TIME_FRAME.finditer(text)}
        terms = tuple(t for t in terms if t not in years)
    aspect = tuple(t for t in terms if t not in subject_words and t not in QUESTION_WORDS and t != request)
    return Query(text, tuple(subjects), qtype, terms, aspect)


_TIME_FRAME = re.compile(r"\b(?:in|for|as\s+of|during|by|around)\s+((?:19|20)\d\d)\b", re.I)


# The verbs of making something ("Who made X?" asks for its maker: qa.cues.WANTS_MAKER).
MAKING = (r"(?:made|makes?|creat(?:ed|es?)|wr(?:ote|ites?|itten)|develop(?:ed|s)?|found(?:ed|s)?|buil[dt]s?|"
          r"design(?:ed|s)?|invent(?:ed|s)?|authored|start(?:ed|s)?|launch(?:ed|es)?|establish(?:ed|es)?|"
          r"discover(?:ed|s)?|compos(?:ed|es?)|direct(?:ed|s)?|paint(?:ed|s)?|produc(?:ed|es?))")
# "Who originally wrote X?" asks who wrote it: the manner is the asking's, no word the answer holds ("FastAPI was
# created by Sebastian Ramirez").
_MAKER_MANNER = re.compile(rf"(?<=\bwho\s)\s*\w+ly(?=\s+{MAKING}\b)", re.I)


# A name's counterpart of another thing: "the Litestar version of Depends", "Litestar's answer to Depends" (right
# after the name; analyse drops the word, which a text saying what the counterpart is does not hold, and
# cues.versioned asks no version). "version of 3.x" is a version. Not 'equivalent': texts write it of counterparts
# ("Flask has no built-in equivalent").
COUNTERPART = re.compile(r"(?:['’]s)?\s+(?:counterpart|version|analogue|analog|answer)\s+(?:of|to)\s+(?![\d.]+\b)",
                         re.I)


# A verb a particle follows means what the two mean together, not what the verb does alone: 'come' of "When did
# FastAPI come out?" is no word its answer holds ("FastAPI comes with ...", "you will come across ..." are not it).
_PHRASAL_VERB = re.compile(r"\b(?:come|comes|came|coming|go|goes|went|gone|going|turn|turns|turned|bring|brings|"
                           r"brought|find|finds|found|figure|figured|carry|carries|carried|take|takes|took|taken|"
                           r"make|makes|made|give|gives|gave|given|put|puts)(?=\s+(?:out|up|about|across|along|off|"
                           r"over|back|down|away|around)\b)|\b(?:come|comes|came|coming)(?=\s+from\b)", re.I)


# "What does X stand for?", "What does X mean?": the words asking for a meaning are none a text that gives it holds
# ("Server-Sent Events (SSE)").
_MEANING = re.compile(r"\b(?:stands?|stood)\s+for(?=\s*[?.!]*\s*$)|\bmean(?:s|t)?(?=\s*[?.!]*\s*$)", re.I)


# "How do lifespan events work (in X)?" asks how they are made and used: 'work' is no word a text that says so
# holds ("Litestar accepts one or more async context managers through `lifespan`").
_WORKINGS = re.compile(r"^(\s*how\b.*?)\s+work(?:s)?(?=(?:\s+(?:in|with|under|inside)\s+\S+(?:\s+\S+)?)?\s*[?.!]*\s*$)",
                       re.I)


# How short or plain the answer should be is no part of what is asked: "What's the difference between X and Y in one
# sentence?", "Briefly, ...", "In a nutshell, ...", "tl;dr X vs Y", "ELI5 ...", "Explain in simple terms ...", "a
# short summary of X". (Not 'quickly': "How quickly can I build an API?" asks how quick.)
_ANSWER_FORM = re.compile(
    r"\b(?:in\s+(?:(?:just|only)\s+)?(?:one|a|two|three|a\s+few|few|\d+)\s+(?:short\s+)?(?:sentences?|words?|lines?|"
    r"paragraphs?|bullet(?:\s+points?)?)|in\s+(?:brief|short|a\s+nutshell)|"
    # 'briefly' of the asking, not of what is asked ("Which city was briefly the capital?")
    r"(?:^\s*|,\s*|(?<=explain\s)|(?<=describe\s)|(?<=summarize\s)|(?<=summarise\s))(?:briefly|concisely)|"
    r"(?:briefly|concisely)(?=\s+(?:explain|describe|summari[sz]e|compare|tell|say|list)\b|\s*[?.!]*\s*$)|"
    r"in\s+(?:simple|plain|layman'?s?|easy)\s+(?:terms|words|english|language)|simply\s+put|tl;?\s?dr|eli5|"
    r"like\s+(?:i'?m|i\s+am)\s+(?:five|5)|(?<=\ba\s)(?:short|quick|brief)(?=\s+(?:summary|overview|"
    r"explanation|answer|description|comparison|intro(?:duction)?)\b))\b[\s,:;-]*", re.I)
_LEFT_OVER = re.compile(r"^[\s,:;-]+|[\s,:;-]+(?=[?.!]*\s*$)")


def without_answer_form(question: str) -> str:
    """``question`` without what it says of the answer's form ("Briefly, what is X?" -> "What is X?"); as it
    is when that is all it says."""
    plain, n = _ANSWER_FORM.subn("", question)
    plain = _LEFT_OVER.sub("", plain)
    if not n or not words(plain):
        return question
    return plain[:1].upper() + plain[1:] if question[:1].isupper() else plain


# A request a question opens with says what kind of answer it wants, not what it is about: 'give' and 'list' are
# no aspect of "Give me the pros and cons of Flask" or "List the cons of FastAPI". ('Name the ...' asks for names.)
REQUEST = re.compile(r"\s*(?:please\s+|(?:can|could|would)\s+you\s+)?(give|list|show|describe|explain|summari[sz]e|"
                      r"outline|enumerate)\b", re.I)


# A question against a subject asks for its bad points, not for the advice to choose it: "When should I not use
# X?", "Why shouldn't we pick X?", "When to avoid X?", "When is X a bad choice?", "When is X not the right fit?".
_USE = r"(?:use|using|choose|choosing|pick|picking|go\s+(?:with|for)|adopt|adopting)"
_AGAINST_BEFORE = re.compile(
    rf"(?:(?:\bnot|n't|\bnever)(?:\s+(?:to|i|we|you|one|they|people|teams?|everyone|\w+body))?\s+{_USE}"
    rf"|\bavoid(?:s|ed|ing)?(?:\s+{_USE})?)\s+$", re.I)
# ... and so does one asking what is bad about it ("What's wrong with X?", "What do people dislike about X?"), where
# one asking what is good about it asks for its good points ("What do people like about X?", "What's great about X?").
_OF_POINTS = r"(?:what(?:'s|\s+is)\s+(?:so\s+)?{}\s+(?:about|with)|what\s+do(?:es)?\s+(?:\w+\s+){{0,2}}?{}\s+about)\s+$"
_BAD_BEFORE = re.compile(_OF_POINTS.format(r"(?:bad|wrong)", r"(?:dislike|hate)"), re.I)
_GOOD_BEFORE = re.compile(_OF_POINTS.format(r"(?:good|great|nice)", r"(?:like|love|enjoy|appreciate)"), re.I)
_AGAINST_AFTER = re.compile(
    r"\s+(?:is\s+|be\s+|would\s+be\s+)?(?:(?:a|the)\s+)?(?:(?:bad|poor|wrong)\s+(?:choice|fit|idea|option|pick)"
    r"|not\s+(?:(?:a|the)\s+)?(?:good|right|best|great|suitable|ideal|recommended)\b(?:\s+(?:choice|fit|idea|option|pick))?)",
    re.I)


def points_asked(text: str, catalog: SubjectCatalog, bad_points: str = "cons", good_points: str = "pros") -> str | None:
    """The question a question against one subject asks, "What are the cons of X?" (``bad_points``: the word the
    corpus heads such lists with), or one asking what is good about it, "What are the pros of X?"
    (``good_points``), keeping what follows the subject ("When should I not use X for ML?" -> "What are the cons
    of X for ML?"). None for any other question, or one naming several subjects ("When should I use X and not
    Y?" is advice)."""
    found = catalog.find(text)
    if len({name for name, _, _ in found}) != 1:
        return None
    name, start, end = found[0]
    if re.search(r"['’]s$", text[start:end]) or re.match(r"['’]s\b", text[end:]):
        return None  # "Can I not use Flask's dev server?" is about the server
    points = bad_points
    if _AGAINST_BEFORE.search(text[:start]) or _BAD_BEFORE.search(text[:start]):
        rest = text[end:]
    elif _GOOD_BEFORE.search(text[:start]):
        points, rest = good_points, text[end:]
    elif m := _AGAINST_AFTER.match(text, end):
        rest = text[m.end():]
    else:
        return None
    rest = rest.strip().rstrip("?.! ")
    return f"What are the {points} of {name}{' ' + rest if rest else ''}?"


# "Which is older, X or Y?", "Which came first?", "Is X newer than Y?", "How old is X?": when each began.
_AGE = re.compile(r"^\s*(?:(?:which|what)\b(?:\s+(?!(?:release|version)s?\b)\w+){0,3}?\s+(?:is|was|are|were|came|come|appeared)\s+(?:out\s+)?"
                  r"(?:the\s+)?(?:older|oldest|newer|newest|younger|youngest|first|earlier|more\s+recent)\b"
                  # not "What is the newest Ibex KV release?", "which nomad version was the first under the bsl license"
                  r"(?!(?:\s+\S+){0,3}\s+(?:release|version)s?\b)"
                  r"|(?:is|was|are|were)\b.*\b(?:older|newer|younger)\s+than\b|how\s+old\s+(?:is|are)\b)", re.I)


_NAMES_ONE = re.compile(r"(?<=\S )[A-Z]")  # a capital past a question's first word: it names something


def ages(text: str, catalog: SubjectCatalog) -> str | None:
    """The question an age question about the corpus's subjects asks: "Which is older, X or Y?" -> "When were X
    and Y first released?" (what the corpus says of each one's beginning), "How old is X?" -> "When was X first
    released?"; naming none, of a corpus comparing two, it asks of those ("Which framework is older?"). None for
    any other question, or one naming more than two."""
    names = catalog.mentioned(text) or (catalog.names if len(catalog.names) == 2 and not _NAMES_ONE.search(text) else [])
    if not _AGE.match(text) or not 1 <= len(names) <= 2:
        return None
    return f"When were {names[0]} and {names[1]} first released?" if len(names) == 2 else \
        f"When was {names[0]} first released?"


# Two subjects set in a relation, one going to or into the other ("from X to Y", "X with Y", "X inside Y"): a
# question about the two together, not one to answer for each in turn.
_RELATION = re.compile(r"\s*(?:(?!(?:compared?|similar|close|equal|equivalent|comparable|superior|inferior|preferable|"
                       r"better|worse|faster|slower)\b)\w+\s+)?"
                       r"(?:to|into|with|within|inside|in|on|onto|alongside|behind|beside)\s*$", re.I)


def relates(text: str, catalog: SubjectCatalog) -> bool:
    """Whether ``text`` names two subjects in a relation rather than side by side: "How do I migrate from X to
    Y?", "Can I mount an X app inside Y?", "Can X run alongside Y?" (not "X or Y", "X and Y", "X vs Y", "X than
    Y", "X similar to Y")."""
    found = catalog.find(text)
    return any(a[0] != b[0] and _RELATION.match(text[a[2] : b[1]]) for a, b in zip(found, found[1:], strict=False))


_NOW = NOW_WORDS | {"earlier", "previously", "later", "formerly", "originally"}
_VS = re.compile(r"([\w.+#'-]+(?:\s+[\w.+#'-]+){0,2})\s+(?:vs\.?|versus)\s+([\w.+#'-]+(?:\s+[\w.+#'-]+){0,2})", re.I)


def foreign_comparison(text: str, catalog: SubjectCatalog) -> tuple[str, str] | None:
    """'Django vs Rails?' in a corpus that compares other things: the two sides, when neither is a
    subject of the corpus (so the corpus cannot answer the comparison)."""
    low = text.lower()
    m = _VS.search(catalog.masked(text)) if "vs" in low or "versus" in low else None  # the pattern is slow to fail
    if not m:
        return None
    left, right = text[m.start(1):m.end(1)].strip(" ?.,:"), text[m.start(2):m.end(2)].strip(" ?.,:")
    if catalog.mentioned(left) or catalog.mentioned(right):
        return None
    # Times set against each other are no things: "what does it cost now vs before?"
    if {(words(left) or [""])[-1], (words(right) or [""])[0]} & (STOPWORDS | _NOW):
        return None
    return left, right


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
FOCUS_MIN_WORDS = 25


def focus(text: str, catalog: SubjectCatalog) -> str | None:
    """The question a long, several-sentence question asks, apart from the situation it describes: its
    sentences ending in "?" (else its last one), naming the subjects the rest named. None for a question
    of one sentence or few words, which is its own focus."""
    sentences = _SENTENCE_END.split(text.strip())
    if len(sentences) < 2 or len(text.split()) < FOCUS_MIN_WORDS:
        return None
    asked = [s for s in sentences if s.rstrip().endswith("?")] or sentences[-1:]
    out = " ".join(asked)
    missing = [n for n in catalog.mentioned(text) if n not in catalog.mentioned(out)]
    if missing:
        out = f"{out.rstrip(' ?.!')} ({', '.join(missing)})?"
    return out
