"""What of a question the corpus covers: its words as the corpus writes them (other word forms, typos of one
or two letters) and the names it mentions only in passing."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache, lru_cache, partial
from typing import TYPE_CHECKING, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from qa.aspects import GENERIC_WORDS, generic, held_form, stem
from qa.cues import (
    HOWTO,
    RELEASE_AFTER,
    RELEASE_NUMBER,
    asks_quantity,
    counted,
    defines,
    definition_term,
    out_of_scope,
    said_of,
    same_side,
    subject_releases,
    versioned,
)
from qa.facts import unit_symbols, version_key
from qa.query import REQUEST, focus, question_type
from qa.text import QUESTION_WORDS, STOPWORDS, words

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from qa.query import Query
    from qa.snapshot import Snapshot

_TOKEN = re.compile(r"[A-Za-z][\w.+#-]*[\w+#]|[A-Za-z]")
# 'k8s', 'i18n', 'a11y': five letters or more counted ('e2e', 'p2p', 'b2b' are no numeronyms of words)
_NUMERONYM = re.compile(r"([a-z])([5-9]|[1-9]\d)([a-z])")
_NUMBER_BEFORE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\Z")  # the number a token is written on: '10' of '10GbE'
_SLASH_RELEASE = re.compile(r"/\d+(?:\.\d+)*\b")  # 'HTTP/2', 'HTTP/1.1': one name with its release
# A name with its release after a slash ('HTTP/3', 'HTTP/1.1'), or one or two letters and a word joined by a hyphen
# ('e-bike', 'e-mail', 'X-ray', 'Wi-Fi'): written with a mark a question may leave out.
_MARKED = re.compile(r"\b([A-Za-z]{2,})/(\d+(?:\.\d+)?)\b|(?<![\w-])([A-Za-z]{1,2})-([A-Za-z]{2,})\b(?!-)")
MARKED_LETTERS = 4  # the fewest letters a word written with a hyphen is read by when typed without ('wifi', 'ebike')
_GLUED = re.compile(r"([a-z]{3,})(\d+[a-z]?)")  # a word and a number typed as one: 'wifi6', 'wifi6e'

_VERSION = re.compile(rf"(?<![\w.]){RELEASE_NUMBER}")  # '0.135', '3.1'; not a date or an amount
_SENTENCE_START = re.compile(r"[.!?:;]\s+\W*$")  # a later sentence's start (a question's first word may be a name)
_QUESTION_START = frozenset("how what which who whom whose when why where compare should does do is are can will".split())
# A name held by at most this many evidence units (or this share of them) is mentioned in passing.
PASSING_UNITS = 3
PASSING_SHARE = 0.005
# "Who wrote X?", "When was X released?": its words name a relation ('wrote'), not a topic said of the subject.
_ASKS_WHO_WHEN_WHERE = re.compile(r"\s*(?:who|whom|whose|when|where)\b", re.I)
# A first claim this close to the question may answer it in other words than it asks in (:func:`unsaid`):
# chosen on nine questions written for the rule (the first claims of four it should keep were 0.44 to 0.56,
# of the one it should not 0.75), none of any evaluation set.
OTHER_WORDS_COS = 0.7
# Names the corpus never mentions decide a question alone when they are this share of its content words: what
# "Does Quart support websockets?" is about, not "the CPU" in a paragraph about a team's Flask API.
CENTRAL_SHARE = 0.15
# A name of at least this many letters that the corpus holds but for one letter left out or typed twice
# ('Goverment', 'Dusquesne') is a misspelling of what it mentions, not news that it lacks. Shorter names, and
# names a letter other than the corpus's word, are too often other names ('Deno' and 'demo', 'Bottle' and
# 'battle', 'Spring' and 'string').
TYPO_NAME_LETTERS = 6
# A name typed with its dots where the corpus writes none, or the other way round, has at least this many letters
# ('Node.js' and 'NodeJS'; not 'U.S.' and 'us').
DOTTED_NAME_LETTERS = 4
# A clipped word ('auth', 'req') lacks at least this many letters of the corpus word it stands for.
CLIPPED_LETTERS = 3
# Each of two words written as one ('realtime') has at least this many letters (:meth:`Vocabulary.joined`; at
# three, 'instal' was 'ins tal').
JOINED_LETTERS = 4
# Endings that make another form of a word ('authentic' + 'ate', 'valid' + 'ating', 'cache' + 'ing').
FORM_ENDINGS = ("s", "es", "d", "ed", "ing", "er", "ers", "ly", "ate", "ated", "ating", "ize", "ized", "izing",
                "ise", "ised", "ising", "ion", "ions", "ment", "able")
# Verbs whose forms no ending makes, each form to the others ("who wrote dramatiq?" of a corpus writing "written by
# Bogdan Popa"); not those whose forms are other words too ('found', 'left', 'led', 'saw'), nor light verbs
# ('take', 'make', 'give': "the biggest single object S3 will take" asks nothing that 'took 38 seconds').
_IRREGULAR = {form: tuple(f for f in forms.split() if f != form) for forms in """write writes wrote written writing;
    build builds built building; begin begins began begun beginning; choose chooses chose chosen choosing;
    buy buys bought buying; sell sells sold selling;
    know knows knew known knowing; drive drives drove driven driving; break breaks broke broken breaking;
    speak speaks spoke spoken speaking; grow grows grew grown growing; bring brings brought bringing;
    think thinks thought thinking; teach teaches taught teaching; pay pays paid paying; send sends sent sending;
    spend spends spent spending; tell tells told telling;
    forget forgets forgot forgotten forgetting; steal steals stole stolen stealing; throw throws threw thrown;
    draw draws drew drawn drawing; run runs ran running""".split(";")
    for form in forms.split()}


def _names(prose: Sequence[str]) -> dict[str, str]:
    """The words ``prose`` writes as names, lower-cased, with their commonest spelling: with a capital inside
    ('FastAPI', 'GitHub'), or after a lower-case word ('Starlette', 'Python') more often than in lower case there
    ('Given' opening a clause is no name); not an acronym's spelling ('HERV'), nor one in lower case ('pagA')."""
    capital: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for text in prose:
        for m in _TOKEN.finditer(text):
            tok = m.group()
            if not tok.isalpha():
                continue
            if any(c.isupper() for c in tok[1:]):
                capital[tok] += 2  # a name however it is placed
            elif (at := m.start()) >= 2 and text[at - 1] == " " and "a" <= text[at - 2] <= "z":  # after a word
                (capital if tok[0].isupper() else lower)[tok] += 1
    names: dict[str, str] = {}
    for spelling, n in capital.most_common():
        if n > lower[spelling.lower()] and spelling[0].isupper() and not spelling.isupper():
            names.setdefault(spelling.lower(), spelling)
    return names


def max_edits(word: str) -> int:
    """Typos tolerated in a word: none below four letters, one up to seven, two from eight."""
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


# The language check: a corpus's function words are its most common short words (found, not listed, so any
# language's corpus has its own). A question written in another script needs at least this many letters of it.
FUNCTION_WORDS = 50
FUNCTION_WORD_LETTERS = 4
LANGUAGE_MIN_WORDS = 3
# Words of its own a question is judged on (names aside): two, as a German question's nouns are capitalised
# and set aside as names ('Welche Firmen nutzen Flask?').
QUESTION_MIN_WORDS = 2
_LETTERS = re.compile(r"[^\W\d_]+")
_BY_DIGIT = re.compile(r"\d")
_VOWEL = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]")
_DOTTED = re.compile(r"\w+(?:\.\w+)+")
FOREIGN_NOTICE = ("This question does not seem to be written in the language of the corpus, so the matches may "
                  "miss what you mean: asking in the corpus's language works best.")


# A language whose stopword list holds at least this share of what the best list holds of the corpus's
# function words is a language of the corpus (a corpus may be written in two).
OWN_LANGUAGE_SHARE = 0.5


@lru_cache(maxsize=1)
def _stopword_lists() -> dict[str, frozenset[str]]:
    """Function words of 58 languages (the stopwords-iso lists), by ISO 639-1 code."""
    import stopwordsiso

    return {lang: frozenset(w.lower() for w in stopwordsiso.stopwords(lang)) for lang in sorted(stopwordsiso.langs())}


def other_function_words(function_words: frozenset[str]) -> frozenset[str]:
    """Function words of the languages the corpus is not written in: the stopword lists of every language but
    those holding most of the corpus's own function words (found, not assumed), less the words of those."""
    lists = _stopword_lists()
    held = {lang: len(function_words & listed) for lang, listed in lists.items()}
    best = max(held.values(), default=0)
    own = {lang for lang, n in held.items() if best and n >= OWN_LANGUAGE_SHARE * best}
    theirs = frozenset().union(*(listed for lang, listed in lists.items() if lang not in own))
    return theirs.difference(*(lists[lang] for lang in own))


# An abbreviation the corpus never writes ('DI') stands for the words its letters open that the corpus writes
# most often in a row ('dependency injection'): in at least this many units, this many times as many as any
# other such words, and in at least this share of the units holding the rarest of them: a term, not words
# that meet by chance ('every request' is no reading of 'ER', nor 'template system' of 'TS').
SPELLED_OUT_MIN = 3
SPELLED_OUT_LEAD = 2
SPELLED_OUT_SHARE = 0.5
# ... and the model reads the abbreviation and the words at least this close in meaning: 'DI' and 'dependency
# injection' 0.27, 'FK' and 'foreign key' 0.33, where 'HA' and 'handles accept' are 0.12, 'ER' and 'every
# request' 0.21. Chosen on 23 such pairs written for the rule (true readings 0.27 to 0.86 but two, 'ORM' and
# 'SSR' spelled out, 0.20 and 0.15; chance ones 0.07 to 0.21), none of any evaluation set.
ABBREVIATION_COS = 0.25
ABBREVIATION_LETTERS = (2, 5)


def _initials_run(letters: str) -> str:
    """A pattern of words in a row (apart by spaces or hyphens), of three letters or more each, whose first letters
    are ``letters``, each word a group: 'dependency injection' of 'di', 'first-hour rating' of 'fhr'."""
    return r"[\s-]+".join(rf"({c}[a-z]{{2,}})" for c in letters)


class Vocabulary:
    """The corpus's words with how many evidence units hold each, for word-form and typo look-ups."""

    def __init__(self, unit_count: dict[str, int], headings: frozenset[str] = frozenset(),
                 prose: Sequence[str] = (), names_from: Sequence[str] | None = None) -> None:
        self.count = unit_count
        self.headings = headings  # the words of its headings and titles
        self._prose = prose  # the texts of its units but code, where abbreviations are spelled out
        self._spelled: dict[str, str | None] = {}
        self._defined: dict[str, str | None] = {}
        self._joined: dict[str, str | None] = {}
        # The names a mistyped name may be (:meth:`name_slip`), from the texts ``names_from`` (default: ``prose``);
        # made with the snapshot, not by the first question mistyping a name.
        self.names = _names(prose if names_from is None else names_from)
        # What the corpus writes with a mark (:data:`_MARKED`), by its letters and digits alone: 'http3': 'HTTP/3',
        # 'http11': 'HTTP/1.1', 'ebike': 'e-bike' (which the corpus's words hold as two, 'e' and 'bike', that no typo
        # look-up joins), 'wifi': 'wi-fi'.
        self.unmarked = {key: m.group() if m.group(1) else m.group().lower() for text in prose for m in _MARKED.finditer(text)
                         if len(key := "".join(m.group(1, 2) if m.group(1) else m.group(3, 4)).lower().replace(".", ""))
                         >= MARKED_LETTERS}
        common = sorted((w for w in unit_count if w.isalpha() and 1 < len(w) <= FUNCTION_WORD_LETTERS),
                        key=lambda w: (-unit_count[w], w))
        self.function_words = frozenset(common[:FUNCTION_WORDS])
        self._other_function_words: frozenset[str] | None = None
        self.stems = {stem(w) for w in unit_count if len(w) >= 4}
        # Names the corpus writes with a version number: 'jinja2', 'python3' are mentions of 'Jinja', 'Python'.
        self.versioned = {w.rstrip("0123456789") for w in unit_count if w[-1:].isdigit() and w[:1].isalpha()}
        # Typo candidates by first letter and length: a word's are the few lengths within its edits.
        by_start: dict[tuple[str, int], list[str]] = defaultdict(list)
        for w in unit_count:
            if len(w) >= 3 and w.isalpha():
                by_start[w[0], len(w)].append(w)
        self._by_start = dict(by_start)
        # Release numbers, of its text and of its headings (release notes head each: '## 0.33.0 (December 1, 2023)').
        self._versions = [w for w in dict.fromkeys((*unit_count, *headings))
                          if w[:1].isdigit() and "." in w and not w.strip("0123456789.x")]
        self._longest = max((n for _, n in by_start), default=0)
        # Dotted names by their letters alone ('nodejs': 'node.js'): the corpus's 'Node.js' is a question's 'NodeJS'.
        self.dotted = {w.replace(".", ""): w for w in (*unit_count, *headings) if "." in w}

    @property
    def other_function_words(self) -> frozenset[str]:
        """Function words of other languages than the corpus's (:func:`other_function_words`), found once."""
        if self._other_function_words is None:
            self._other_function_words = other_function_words(self.function_words)
        return self._other_function_words

    def writes(self, word: str) -> bool:
        """Whether the corpus writes ``word`` as typed, in its text or its headings."""
        return word in self.count or word in self.headings

    def known(self, word: str) -> bool:
        """In the corpus as written, or (four letters or more) as another form of the same stem."""
        return word in self.count or (len(word) >= 4 and stem(word) in self.stems)

    def correction(self, word: str) -> str | None:
        """The corpus word ``word`` is most likely a typo of: within :func:`max_edits` edits (a swap of two
        letters is one), the same first letter; None when the corpus has the word as
        written or nothing is close."""
        edits = max_edits(word)
        if not edits or word in self.count or not word.isalpha():
            return None
        found = self._nearest(word, edits)
        if not found:
            return None
        # On ties, the same letters (two swapped: 'waht' is 'what' rather than 'want'), then the word less a letter
        # typed twice ('runnes' is 'runes' rather than 'runners'), then a word the typed one is a subsequence of (a
        # letter left out: 'creatd' is 'created' rather than 'create'), then the commonest.
        best = min(found, key=lambda f: (f[1], sorted(f[0]) != sorted(word), not _doubled(word, f[0]),
                                         not _subsequence(word, f[0]), -self.count[f[0]], f[0]))
        return best[0]

    def numeronym(self, word: str) -> str | None:
        """The corpus word a numeronym the corpus does not write stands for: its first letter, as many letters as
        its number, its last letter ('k8s' is 'kubernetes', 'i18n' 'internationalization'); the one most units
        hold, when no other as many do."""
        m = _NUMERONYM.fullmatch(word)
        if m is None or word in self.count:
            return None
        fits = sorted((w for w in self._by_start.get((m.group(1), int(m.group(2)) + 2), ()) if w[-1] == m.group(3)),
                      key=lambda w: -self.count[w])
        if not fits or (len(fits) > 1 and self.count[fits[1]] == self.count[fits[0]]):
            return None
        return fits[0]

    def dots(self, word: str) -> str | None:
        """The corpus's spelling of a name typed with its dots where it writes none, or the other way round
        ('nodejs' for 'node.js' of a corpus writing 'NodeJS', 'node.js' for 'nodejs' of one writing 'Node.js').
        None when the corpus has ``word`` as typed, or it is no name of :data:`DOTTED_NAME_LETTERS` letters or
        more ('U.S.', 'e.g.')."""
        if self.writes(word):
            return None
        bare = word.replace(".", "")
        if len(bare) < DOTTED_NAME_LETTERS or not bare.isalpha():
            return None
        if bare != word:
            return bare if bare in self.count else None
        return self.dotted.get(word)

    def name_slip(self, word: str) -> str | None:
        """The name the corpus writes (:attr:`names`, as it writes it) that ``word`` is one slip from: a letter
        more, less or changed, or two swapped, the same first letter; the commonest on a tie. None when the
        corpus has ``word`` or no such name."""
        if word in self.count:
            return None
        near = [w for w, _dist in self._nearest(word, 1) if w in self.names]
        return self.names[min(near, key=lambda w: (-self.count[w], w))] if near else None

    def _nearest(self, word: str, edits: int) -> list[tuple[str, int]]:
        """The corpus words within ``edits`` edits of ``word`` (a swap of two letters is one) that start with its
        letter, with their distances."""
        pool = [w for n in range(len(word) - edits, len(word) + edits + 1) for w in self._by_start.get((word[0], n), ())]
        return [(w, int(d)) for w, d, _ in process.extract(word, pool, scorer=DamerauLevenshtein.distance,
                                                            score_cutoff=edits, limit=None)]

    def form_correction(self, word: str, is_word: Callable[[str], bool]) -> str | None:
        """The real word (one ``is_word`` knows) ``word`` is a typo of, of those the corpus writes only in
        another form: 'fster' is 'faster' of a corpus saying only 'fast'. ``word`` less a common ending
        (:data:`FORM_ENDINGS`) within :func:`max_edits` edits of a corpus word (the same first letter), the
        ending put back; None when nothing is. No table of forms: a look-up costs what a typo's does."""
        edits = max_edits(word)
        if not edits or word in self.count or not word.isalpha():
            return None
        found = []
        for ending in FORM_ENDINGS:
            base = word[: -len(ending)]
            if not word.endswith(ending) or len(base) < 2:
                continue
            for near, dist in self._nearest(base, edits):
                for form in (near + ending, near[:-1] + ending if near.endswith("e") and ending[0] in "aeiou" else ""):
                    if form and form not in self.count and is_word(form):
                        found.append((dist, not _subsequence(word, form), form))
        return min(found)[2] if found else None

    def list_word(self, word: str) -> str | None:
        """The corpus's word for the same side of a list of good or bad points (:data:`PROS_CONS`) as ``word``,
        when the corpus does not write ``word``: 'cons' of 'disadvantages'. A word of its headings first (what
        it heads such lists with), then the commonest in its text."""
        if self.writes(word):
            return None
        held = [w for w in same_side(word) if self.writes(w)]
        return min(held, key=lambda w: (w not in self.headings, -self.count.get(w, 0), w)) if held else None

    def form_of(self, word: str) -> str | None:
        """The commonest corpus word that is ``word`` with a common ending (:data:`FORM_ENDINGS`; before one
        opening with a vowel, less a final 'e'), or another form of an irregular verb: 'caching' of 'cache',
        'standardized' of 'standardize', 'written' of 'wrote'. None when the corpus has the word as written, it is
        shorter than four letters, or no such word."""
        if len(word) < 4 or word in self.count or not word.isalpha():
            return None
        if irregular := [w for w in _IRREGULAR.get(word, ()) if w in self.count]:  # 'wrote' of 'written'
            return min(irregular, key=lambda w: (-self.count[w], w))
        bases = (word, word[:-1]) if word.endswith("e") else (word,)
        found = [w for ending in FORM_ENDINGS for base in bases
                 if (base is word or ending[0] in "aeiou") and (w := base + ending) in self.count]
        return min(found, key=lambda w: (-self.count[w], w)) if found else None

    def release(self, version: str) -> str | None:
        """The corpus's commonest fuller version number of ``version`` ('0.135.0', '3.1.x' of '0.135', '3.1'),
        when the corpus does not write it as asked."""
        if self.writes(version):
            return None
        fuller = [w for w in self._versions if w.startswith(version + ".")]
        return min(fuller, key=lambda w: (-self.count.get(w, 0), w)) if fuller else None

    def base_of(self, word: str) -> str | None:
        """The corpus word ``word`` is with a common ending (:data:`FORM_ENDINGS`; before one opening with a
        vowel, less a final 'e'): 'cache' of 'caching', 'validate' of 'validating'. None when no such word."""
        for ending in FORM_ENDINGS:
            base = word[: -len(ending)]
            if not word.endswith(ending) or len(base) < 3:
                continue
            for w in (base, base + "e") if ending[0] in "aeiou" else (base,):
                if w in self.count:
                    return w
        return None

    def spelled_out(self, abbreviation: str) -> str | None:
        """The words the corpus's prose writes in a row whose first letters spell ``abbreviation`` (one word a
        letter, each of three letters or more and no function word), when the corpus does not write it and one
        such run of words is common enough (:data:`SPELLED_OUT_MIN`, :data:`SPELLED_OUT_LEAD`): 'dependency
        injection' of 'DI'. Found once per word: a look-up scans the corpus's prose."""
        low = abbreviation.lower()
        shortest, longest = ABBREVIATION_LETTERS
        if not (shortest <= len(low) <= longest and low.isalpha()) or low in self.count:
            return None
        def find() -> str | None:
            run = re.compile(r"\b" + _initials_run(low) + r"\b", re.I)
            found: Counter[str] = Counter()  # units writing each run
            for text in self._prose:
                found.update(run_words for run_words in {" ".join(m.groups()).lower() for m in run.finditer(text)}
                             if not STOPWORDS.intersection(run_words.split()))
            (best, n), (_, second) = [*found.most_common(2), ("", 0), ("", 0)][:2]
            term = n >= SPELLED_OUT_SHARE * min(self.count.get(w, 0) for w in best.split()) if best else False
            return best if term and n >= SPELLED_OUT_MIN and n >= SPELLED_OUT_LEAD * second else None

        return kept(self._spelled, low, find, LOOKUPS_KEPT)

    def defined(self, abbreviation: str) -> str | None:
        """The words the corpus's prose spells ``abbreviation`` out with where it defines it, right before it in
        brackets (:func:`_initials_run`: "A heat pump water heater (HPWH) looks like ..."), when that is the one
        unit writing the abbreviation: the corpus goes on in the words. 'heat pump water heater' of 'hpwh' ('OIDC',
        written in three units, is a term of the corpus's own)."""
        low = abbreviation.lower()
        shortest, longest = ABBREVIATION_LETTERS
        if not (shortest <= len(low) <= longest and low.isalpha()) or self.count.get(low, 0) != 1:
            return None

        def find() -> str | None:
            defining = re.compile(r"\b" + _initials_run(low) + rf"\s*\(\s*{low}\s*\)", re.I)
            for text in self._prose:
                if (m := defining.search(text)) is not None:
                    return text[m.start(1):m.end(len(low))].lower()
            return None

        return kept(self._defined, low, find, LOOKUPS_KEPT)

    def joined(self, word: str, is_word: Callable[[str], bool]) -> str | None:
        """Two words ``word`` is written as one ('realtime', each of :data:`JOINED_LETTERS` letters or more and a
        word ``is_word`` knows), as the corpus's prose writes them apart ('real-time', 'real time'): no typo to
        correct ('realtime' was 'relative'). None when ``word`` is no two words or the corpus writes them apart
        nowhere: then it may well be a typo ('knowedge', 'canonballs'). Found once per word: a look-up scans
        the corpus's prose."""
        if word in self.count:
            return None
        splits = [(word[:i], word[i:]) for i in range(JOINED_LETTERS, len(word) - JOINED_LETTERS + 1)
                  if is_word(word[:i]) and is_word(word[i:])]
        if not splits:
            return None
        def find() -> str | None:
            apart = re.compile(r"\b(" + "|".join(rf"{a}[\s-]{b}" for a, b in splits) + r")\b", re.I)
            found = Counter(m.group(1).lower() for text in self._prose for m in apart.finditer(text))
            return " ".join(found.most_common(1)[0][0].split()) if found else None

        return kept(self._joined, word, find, LOOKUPS_KEPT)

    def completion(self, word: str) -> str | None:
        """The corpus word ``word`` is a clipping of ('auth' of 'authentication', 'req' of 'requests'): the
        commonest one it starts, at least :data:`CLIPPED_LETTERS` letters longer; None when the corpus has the
        word as written or no word starts with it."""
        if len(word) < 3 or word in self.count or not word.isalpha():
            return None
        longer = [w for n in range(len(word) + CLIPPED_LETTERS, self._longest + 1)
                  for w in self._by_start.get((word[0], n), ()) if w.startswith(word)]
        return min(longer, key=lambda w: (-self.count[w], w)) if longer else None


K = TypeVar("K")
V = TypeVar("V")
# The words whose look-up over the corpus's prose a vocabulary keeps: questions bring new words without end, and a
# server answers them for as long as a snapshot is live.
LOOKUPS_KEPT = 10_000


def kept(cache: dict[K, V], key: K, make: Callable[[], V], limit: int) -> V:
    """``cache[key]``, made by ``make()`` when missing and kept while the cache holds fewer than ``limit``: a
    bounded memo (a full one makes anew each time). ``Snapshot.memo`` is one per kind."""
    if key in cache:
        return cache[key]
    value = make()
    if len(cache) < limit:
        cache[key] = value
    return value


def _subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(c in letters for c in short)


def _name_slip(word: str, names: frozenset[str]) -> bool:
    """Whether ``word``, of four letters or more, is one slip (a letter more, less or changed, or two swapped) from
    one of ``names``, with the same first letter."""
    return len(word) >= 4 and any(n[:1] == word[:1] and abs(len(n) - len(word)) <= 1
                                  and DamerauLevenshtein.distance(word, n, score_cutoff=1) <= 1 for n in names)


def foreign_language(question: str, vocab: Vocabulary, names: frozenset[str] = frozenset(),
                     is_word: Callable[[str], bool] = lambda _w: False) -> bool:
    """Whether ``question`` seems written in another language than the corpus. Cheap and model-free, judged
    on the question's own words (names aside: the corpus's subjects, words written with capitals past the
    first) when it has at least two: fewer than half are words the corpus holds in any form, and more of
    its words that look like another language's (short, unknown to the corpus and no word the model holds whole,
    ``is_word``: 'pros' and 'cons' are; or on another language's stopword list and held by the corpus at most in
    passing: 'quelles', 'welche', 'la'; or unknown and written with a mark: 'código') than are the corpus's
    function words; or most of its letters lie outside the corpus's alphabet. A keyword query of long words in
    the corpus's language is not flagged."""
    toks = []
    question = _DOTTED.sub(" ", question)  # 'MixedModels.jl', 'next.js': names, whatever their parts look like
    for i, m in enumerate(_LETTERS.finditer(question)):
        tok = m.group(0)
        low = tok.lower()
        if len(tok) < 2 or low in names or any(c.isupper() for c in tok[1:]) or (i and tok[0].isupper()) \
                or _BY_DIGIT.match(question, m.end()) or (m.start() and _BY_DIGIT.match(question, m.start() - 1)) \
                or _name_slip(low, names):
            continue  # ('di' of 'di2', 'r' of 'r7100': a model's code; 'busu' of 'Busuu', "babel vs busu")
        toks.append(low)
    if not vocab.function_words:
        return False
    # The corpus's words are ASCII letters and digits (qa.text.words): a question written mostly in letters
    # outside them (Cyrillic, kana, Han: scripts that may not even space their words) cannot match them.
    letters = "".join(toks)
    other = sum(not c.isascii() for c in letters)
    if other >= LANGUAGE_MIN_WORDS and other * 2 > len(letters):
        return True
    if len(toks) < QUESTION_MIN_WORDS:
        return False
    ours = sum(t in vocab.function_words for t in toks)
    others = vocab.other_function_words

    def borrowed(t: str) -> bool:
        """Another language's function word that the corpus writes as it is at most in passing ('la' in a
        Spanish contributor's name), or not at all ('quali' is not 'quality'); not a longer English word that
        happens to be on a list ('proton', on Malay's)."""
        return t in others and vocab.count.get(t, 0) <= PASSING_UNITS \
            and not (len(t) > FUNCTION_WORD_LETTERS and english_word(t))

    def known(t: str) -> bool:  # 'wifi' of a corpus writing 'Wi-Fi' too
        return vocab.known(t) or t in vocab.unmarked

    # (a word with a mark the corpus's letters lack, unknown to it however read, is another language's too: 'código')
    # (no function word is all consonants: 'xtr' and 'xx' of "shimano xtr vs sram xx eagle" are codes)
    theirs = sum(borrowed(t) or (t not in others and len(t) <= FUNCTION_WORD_LETTERS and not known(t)
                                 and not is_word(t) and _VOWEL.search(t) is not None)
                 or (not t.isascii() and not any(known(w) for w in words(t)))
                 for t in toks)
    return theirs > ours and sum(known(t) and not borrowed(t) for t in toks) * 2 < len(toks)


# Contractions typed without their apostrophe, as in chat ("whats faster", "doesnt flask do async"): only those
# that are no English word without it (not 'its', 'were', 'ill', 'id', 'lets': "we're" is no entry).
_UNAPOSTROPHED = {
    w.replace("'", ""): w
    for w in """what's how's who's where's when's why's that's there's isn't aren't wasn't weren't doesn't don't
    didn't hasn't haven't hadn't shouldn't wouldn't couldn't can't won't i'm i've you're they're""".split()
}


# A question word typed one edit off ('wen', 'wat', 'hw', 'whay') opening a question before an auxiliary verb (or
# 'about': "wat about FastAPI?"): a real word ('wen') or none, it is the question word there. In this order on a
# tie ('hwo' is 'how').
_INTERROGATIVES = ("what", "how", "when", "where", "which", "who", "why")
_AFTER_HOW = re.compile(r"\bhow\s+$", re.I)  # "how long", "how big": the word asks, as 'how' does
_ASKING_ON = re.compile(r"\s+(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have|had|about)\b", re.I)


def _shortened() -> dict[str, str]:
    """A function word of four letters or more typed with a letter left out ('realy', 'wich', 'shoud'): language,
    not the corpus's words, which may lack it and hold a word one edit away ('realy' is no 'real'). By the
    shortened form; one two words shorten to ('thn': 'than', 'then') is neither's."""
    forms: dict[str, set[str]] = {}
    for w in STOPWORDS | QUESTION_WORDS | GENERIC_WORDS:
        if len(w) >= 4:
            for i in range(len(w)):
                forms.setdefault(w[:i] + w[i + 1:], set()).add(w)
    return {short: next(iter(full)) for short, full in forms.items() if len(full) == 1}


_SHORTENED = _shortened()


def _interrogative(typed: str, rest: str) -> str | None:
    """The question word ``typed`` (a question's first word, ``rest`` what follows it) is one edit from, when an
    auxiliary verb or 'about' follows it; None otherwise. On a tie, one ``typed`` is a subsequence of ('wha' is 'what')."""
    if typed in _INTERROGATIVES or typed in STOPWORDS or not _ASKING_ON.match(rest):
        return None
    near = [w for w in _INTERROGATIVES if DamerauLevenshtein.distance(typed, w, score_cutoff=1) <= 1]
    return min(near, key=lambda w: not _subsequence(typed, w), default=None)


# A question typed in capitals alone, of at least this many words, is read in lower case (:func:`unshouted`).
SHOUTED_WORDS = 3


def unshouted(text: str, vocab: Vocabulary, is_word: Callable[[str], bool]) -> str:
    """``text`` with its words in lower case when it is written in capitals alone, in at least
    :data:`SHOUTED_WORDS` words ("HOW DO I ADD AUTH TO FASTAPI"): there its capitals mark no names, so a word
    the corpus holds (in some form), a typo and a clipped word ('auth') are read as typed in lower case. A real
    word the corpus does not hold keeps its capitals, as it may be a name ('EXPRESS' of "IS EXPRESS FASTER THAN
    FLASK?")."""
    letters = _LETTERS.findall(text)
    if len(letters) < SHOUTED_WORDS or not "".join(letters).isupper():
        return text

    def lower(m: re.Match[str]) -> str:
        low = m.group(0).lower()
        held = low in vocab.count or vocab.form_of(low) is not None or vocab.base_of(low) is not None
        return low if held or low in STOPWORDS or not is_word(low) else m.group(0)

    return _TOKEN.sub(lower, text)


def correct_question(text: str, vocab: Vocabulary, is_word: Callable[[str], bool],
                     alike: Callable[[str, str], float] | None = None) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with each word the corpus does not hold as written replaced by the corpus word it is another
    form of (:meth:`Vocabulary.form_of`), a clipping or a typo of (and each version number the corpus writes
    only in full, :meth:`Vocabulary.release`), and the (typed, corrected) pairs. An abbreviation in capitals
    the corpus does not write is the words it spells out (:meth:`Vocabulary.spelled_out`), when ``alike`` (the
    cosine of two texts' vectors) finds them :data:`ABBREVIATION_COS` close. Left alone:
    capitalised words mid-sentence (names: a name the corpus lacks is news to report, not a typo to guess at)
    and, but for their other forms, words ``is_word`` knows (the model's vocabulary holds them whole: real
    words, which the corpus may just not use). A contraction typed without its apostrophe gets it back."""
    fixes: list[tuple[str, str]] = []

    def fix(m: re.Match[str]) -> str:
        tok = m.group(0)
        low = tok.lower()

        def as_typed(full: str) -> str:  # a function word for the one typed, its first letter's case kept
            full = tok[0] + full[1:]
            fixes.append((tok, full))
            return full

        if (full := _UNAPOSTROPHED.get(low)) is not None:
            return as_typed(full)
        if not text[: m.start()].strip() and (asking := _interrogative(low, text[m.end():])) is not None:
            asking = asking.capitalize() if tok[0].isupper() else asking
            fixes.append((tok, asking))
            return asking
        if alike is not None and tok.isupper() and (full := vocab.spelled_out(low)) is not None \
                and alike(tok, full) >= ABBREVIATION_COS:
            fixes.append((tok, full))  # 'DI' of a corpus writing 'dependency injection' but never 'DI'
            return full
        if (tok.isupper() or tok == low and not is_word(low)) and (full := vocab.defined(low)) is not None \
                and definition_term(text) is None:  # (what it is: its definition holds it as typed)
            fixes.append((tok, full))  # 'hpwh' of a corpus writing "a heat pump water heater (HPWH)" once
            return full
        if (right := vocab.unmarked.get(low.replace(".", ""))) is not None and not vocab.writes(low):
            fixes.append((tok, right))  # 'http3' of a corpus writing 'HTTP/3', 'ebike' of one writing 'e-bike'
            return right
        if (glued := _GLUED.fullmatch(low)) is not None and not vocab.writes(low) and (
                word := vocab.unmarked.get(glued[1])) is not None:
            fixes.append((tok, right := f"{word} {glued[2]}"))  # 'wifi6' of a corpus writing 'Wi-Fi 6'
            return right
        if (right := vocab.dots(low) or vocab.numeronym(low)) is not None:
            right = vocab.names.get(right, right)  # as the corpus writes it beside its subjects ('NodeJS')
            fixes.append((tok, right))
            return right
        if low in STOPWORDS or not tok.isalpha():
            return tok
        if (tok == low or (m.start() == 0 and not tok.isupper())) and (full := _SHORTENED.get(low)) is not None \
                and not is_word(low) and low not in vocab.count:  # not a name ('CNS' is no 'cons')
            return as_typed(full)
        if tok != low and m.start() > 0:
            # A name: left as typed, unless it is one slip (a letter more, less, changed or two swapped) from a
            # name the corpus writes (beside its subjects: :attr:`Vocabulary.names`) and no word itself ('FastAIP',
            # 'Starltete', 'GitHuub' of "How many GitHuub stars ...?"; not 'Bottle', nor 'Starlite', two from
            # 'Starlette'), nor an acronym ('CHIKF' is no slip of 'Chief').
            # (Of four letters, only a letter left out: 'Busu' of 'Busuu'.)
            if len(low) < TYPO_NAME_LETTERS - 2 or tok.isupper() or is_word(low) or (right := vocab.name_slip(low)) is None \
                    or len(low) < TYPO_NAME_LETTERS - 1 and len(right) != len(low) + 1:
                return tok
            fixes.append((tok, right))
            return right
        # a word saying what kind of question it is ('compare', the 'long' of "how long") is no word of what it
        # is about ('comparable', 'longer')
        asking = low in QUESTION_WORDS or _AFTER_HOW.search(text, 0, m.start()) is not None
        form = None if asking else vocab.form_of(low) or vocab.list_word(low)
        # (a form corrected to is a word of the dictionary, as the model's vocabulary also holds 'parter', and never
        # in place of one the dictionary lists: "eleventy markdown parser" is no question on parters nor passers)
        right = form or (None if is_word(low) else _typo_or_clipping(low, vocab) or (None if listed_word(low) else (
            vocab.form_correction(low, lambda w: is_word(w) and english_word(w)))))
        if right is None:
            return tok
        if form is None and (apart := vocab.joined(low, is_word)) is not None:
            # Two words written as one are no typo: 'realtime' is 'real-time', not 'relative'. Only in place of a
            # correction: a word left as typed ('lifecycle' of a corpus writing 'life-cycle') reads as before.
            right = apart
        fixes.append((tok, right))
        return right

    def fix_version(m: re.Match[str]) -> str:
        if (right := vocab.release(m.group(0))) is None:
            return m.group(0)
        fixes.append((m.group(0), right))
        return right

    def fix_unit(m: re.Match[str]) -> str:  # '10TB' of a corpus writing '10 TB'
        whole, unit = m.group(0), m.group(2)
        if unit.lower() in _ORDINAL or vocab.writes(whole.lower()) or not vocab.writes(unit.lower()):
            return whole
        fixes.append((whole, right := f"{m.group(1)} {unit}"))
        return right

    out = _NUMBER_UNIT.sub(fix_unit, _VERSION.sub(fix_version, _TOKEN.sub(fix, text)))
    return out, fixes


_NUMBER_UNIT = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)?)([A-Za-z]{2,5})\b")  # a number and its unit typed as one
_ORDINAL = frozenset({"st", "nd", "rd", "th"})


def _doubled(typed: str, word: str) -> bool:
    """Whether ``word`` is ``typed`` with one of two same letters in a row left out ('runes' of 'runnes')."""
    return len(typed) == len(word) + 1 and any(
        typed[i] == typed[i - 1] and typed[:i] + typed[i + 1:] == word for i in range(1, len(typed)))


def _typo_or_clipping(word: str, vocab: Vocabulary) -> str | None:
    """The corpus word ``word`` is a typo of, else a clipping of; a clipping first when the typo would be ``word``
    less its last letters: 'perf' is 'performance', not 'per' with a letter too many."""
    typo = vocab.correction(word)
    if typo is not None and not word.startswith(typo):
        return typo
    return vocab.completion(word) or typo


def word_form(word: str, pieces: Callable[[str], int]) -> bool:
    """Whether ``word`` is a word the model's WordPiece vocabulary holds whole (of four letters or more) with a
    common ending: 'authenticate', 'standardize', 'validating' are real words the corpus writes in another form
    ('authenticated'), where 'creatd' and 'fastpi' are typos."""
    low = word.lower()
    for ending in FORM_ENDINGS:
        base = low[: -len(ending)]
        # an 'e' goes before an ending that opens with a vowel: 'caching' is 'cache', 'creatd' no 'create'
        if low.endswith(ending) and len(base) >= 4 and (
                pieces(base) == 1 or (ending[0] in "aeiou" and pieces(base + "e") == 1)):
            return True
    return False


def as_typed(text: str, fixes: list[tuple[str, str]], keep: Callable[[str], bool]) -> str:
    """``text`` (a corrected question) with the corrections of the typed words ``keep`` holds undone: a question
    is shown as understood with its typos fixed, not with its real words turned into the corpus's forms."""
    for typed, right in fixes:
        if keep(typed):
            text = re.sub(rf"(?<!\w){re.escape(right)}(?!\w)", lambda _m, typed=typed: typed, text, count=1)
    return text


def _known(snap: Snapshot, word: str, *, any_form: bool) -> bool:
    """In the corpus as written, with a common suffix, without its accents, with or without a name's dots
    ('node.js', 'nodejs'), misspelt (:func:`_misspelt`) or as a unit's symbol ('decibels' of '56 dB'); ``any_form``: or as
    any word of the same stem (for plain words: 'standardize' of 'standardized', where a name such as 'Quart'
    is not 'quarter'). Found once per snapshot and word: questions ask of the same words."""
    return snap.memo("known", (word, any_form), lambda: _known_now(snap, word, any_form=any_form))


def _known_now(snap: Snapshot, word: str, *, any_form: bool) -> bool:
    forms = {word, word.rstrip("s")}
    for suffix in ("es", "ing", "ed", "er", "ers"):
        if word.endswith(suffix):
            forms.add(word[: -len(suffix)])
    vocab = snap.vocabulary
    return (any(f in snap.idf for f in forms) or word in vocab.versioned or (any_form and _another_form(vocab, word))
            or word in snap.plain_words or word.replace(".", "") in snap.idf or word in vocab.dotted
            or _misspelt(vocab, word) or _name_cut(snap, word) or any(vocab.writes(u) for u in unit_symbols(word)))


NAME_CUT = (5, 2)  # a name of at least this many letters, typed without at most this many of its last


def _name_cut(snap: Snapshot, word: str) -> bool:
    """Whether the corpus writes ``word`` with a letter or two more at its end, as names are cut short: 'argon2'
    of 'Argon2id', 'postgres' of 'PostgreSQL', 'mongo' of 'MongoDB'."""
    least, more = NAME_CUT
    return len(word) >= least and any(w.startswith(word) and len(w) <= len(word) + more for w in snap.words_around(word))


def _another_form(vocab: Vocabulary, word: str) -> bool:
    """Whether the corpus writes ``word`` in another form: with or without a common ending, or whole where it
    is clipped ('auth'). Not merely a word of the same stem: 'graphql' is no form of 'graph'."""
    return any(f(word) is not None for f in (vocab.form_of, vocab.base_of, vocab.completion))


def _misspelt(vocab: Vocabulary, word: str) -> bool:
    """Whether the corpus holds ``word`` (:data:`TYPO_NAME_LETTERS` or more) with one letter more or less."""
    if len(word) < TYPO_NAME_LETTERS or (right := vocab.correction(word)) is None:
        return False
    short, long = sorted((word, right), key=len)
    return len(long) == len(short) + 1 and _subsequence(short, long)


def unknown_names(snap: Snapshot, question: str, pieces: Callable[[str], int], *, foreign: bool = False) -> list[str]:
    """Names in the question that the corpus never mentions ('Express.js', 'MongoDB', 'kotlin').

    A word counts as a name when it is written like one (capitalised mid-sentence, inner capitals,
    digits or dots) or when the model's own WordPiece vocabulary does not know it whole (so it is
    jargon or a proper noun rather than a common English word). In a question written in another language
    than the corpus (``foreign``) only the first: the vocabulary knows nothing of that language's words, and
    its first word is capitalised as any sentence's is ('Quelles entreprises ...')."""
    out = []
    request = REQUEST.match(question)  # "Summarize the differences": a request, no name
    # where each release of a subject the question names ends, and its number ('v2' of "marten store v2 ...")
    released = cache(lambda: {r.end(): r.group(1) for _n, r in subject_releases(question, snap.catalog.find(question))})
    for i, m in enumerate(_TOKEN.finditer(question)):
        tok, low = m.group(0), m.group(0).lower()
        if low in STOPWORDS or low in _QUESTION_START or len(low) < 2 or (request and m.start() == request.start(1)):
            continue
        if foreign and not (i and written_as_name(tok)):
            continue
        if _SENTENCE_START.search(question, 0, m.start()) and tok[1:] == low[1:] \
                and (pieces(low) < 2 or english_word(low)):
            continue  # '... async Python. Half of the team ...', '... Realistically how long': a plain word
        if low[:1] == "v" and (number := released().get(m.end())) is not None \
                and (snap.vocabulary.writes(number) or snap.vocabulary.release(number) is not None):
            continue  # 'v2' of "marten store v2 release date": the subject's release, as the corpus writes '2.0'
        if release := _SLASH_RELEASE.match(question, m.end()):
            # 'HTTP/2' is known where the corpus writes it, not where it writes 'HTTP' and '2'
            if not any(low + release.group(0) in doc.text.lower() for doc in snap.version.docs.values()):
                out.append(tok + release.group(0))
            continue
        # (a publisher only its front matter names, 'Tidewater'; a subject's name typed as one word, 'lemonsqueezy';
        # a unit after its number, 'GbE' of '10GbE', as the corpus's words hold it: '10gbe')
        number = _NUMBER_BEFORE.search(question, 0, m.start())
        if all(_known(snap, w, any_form=tok.islower() and tok.isalpha()) for w in words(low)) \
                or (number and all(_known(snap, w, any_form=False) for w in words(number.group().lower() + low))) \
                or low in _topic_words(snap) or snap.catalog.find(tok):
            continue
        if _looks_named(tok, pieces):
            out.append(tok)
    return out


def central_names(question: str, names: list[str], aspect_terms: Sequence[str] = ()) -> list[str]:
    """``names`` written as names (:func:`written_as_name`) or, no English word, typed in lower case to open the
    question ('splunk' of "splunk observability cloud pricing"; not 'distro' of "which kubernetes distro ships
    traefik"), when together they are at least :data:`CENTRAL_SHARE` of the question's content words; else the
    names, however written, that are all the question asks about (its ``aspect_terms`` but generic ones: 'Does
    FastAPI support mongodb?'); else none."""
    opening = words(question)[:1]
    named = [n for n in names if written_as_name(n) or ([n.lower()] == opening and not english_word(n))]
    content = [w for w in words(question) if w not in STOPWORDS]
    if named and len(named) >= CENTRAL_SHARE * len(content):
        return named
    asked = [t for t in aspect_terms if not generic(t)]
    lows = {n.lower(): n for n in names}
    return [lows[t] for t in asked] if asked and all(t in lows for t in asked) else []


def written_as_name(tok: str) -> bool:
    """Capitalised, with inner capitals, digits or dots: 'Quart', 'MongoDB', 'Express.js', 'Vue3'."""
    return tok[0].isupper() or any(c.isupper() for c in tok[1:]) or any(c.isdigit() or c == "." for c in tok)


# pyspellchecker's English word list counts its rarest words 50 times, and misspellings sit there too
# ('dependancy'): a word counted more is a word ('deviates' 213, 'logically' 913, 'overkill' 463).
ENGLISH_FLOOR = 50


@cache
def _listed() -> tuple[frozenset[str], frozenset[str]]:
    """The words pyspellchecker's English list counts over its floor (57,325 of its 160,572), and all it lists, kept
    alone (the counts are not needed), found once (about 0.15 s)."""
    from spellchecker import SpellChecker

    counts = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return frozenset(w for w, n in counts.items() if n > ENGLISH_FLOOR), frozenset(counts)


def listed_word(word: str) -> bool:
    """Whether pyspellchecker's English list holds ``word`` at all, at its floor too ('parser', and misspellings
    such as 'dependancy'): no typo of another word of the dictionary's."""
    return word.lower() in _listed()[1]


def english_word(word: str) -> bool:
    """Whether ``word`` is an English word, as a dictionary lists it: 'deviates' and 'complexities' are, though
    the model's vocabulary holds them in pieces ('complexities' was read as a typo of the corpus's
    'complexitys', 'logically' of 'locally'); 'flsk', 'pydantc' and 'dependancy' are not."""
    return word.lower() in _listed()[0]


def whole_word(word: str, pieces: Callable[[str], int]) -> bool:
    """Whether the model's WordPiece vocabulary holds ``word`` whole, its singular ('payloads') or, of a
    comparative or superlative, its adjective ('speedier', 'greenest', 'nicest', 'bigger'): a real word, not a
    typo or jargon."""
    return (pieces(word) == 1 or (word.endswith("s") and pieces(word[:-1]) == 1)
            or any(pieces(base) == 1 for base in _compared(word)))


def _compared(word: str) -> Iterator[str]:
    """The adjectives a comparative or superlative may be formed from: 'speedier' -> 'speedy', 'nicest' ->
    'nic' or 'nice', 'bigger' -> 'bigg', 'bigge' or 'big'; none for a word of under six letters."""
    if len(word) < 6:
        return
    for end, tail in (("iest", "y"), ("ier", "y"), ("est", ""), ("er", "")):
        if word.endswith(end):
            base = word[: -len(end)]
            yield base + tail
            if not tail:
                yield base + "e"
                if base[-1] == base[-2] and base[-1] not in "aeiou":
                    yield base[:-1]
            return


def _looks_named(tok: str, pieces: Callable[[str], int]) -> bool:
    """Written like a name, or jargon the model's WordPiece vocabulary does not hold whole (nor as two whole
    words: 'downsides', 'drawbacks', 'pitfalls' are words, 'django', 'mongodb', 'graphql' are names; nor as
    whole words of three letters or more joined by hyphens: 'two-person', 'server-rendered', not 'e-commerce')."""
    low = tok.lower()
    return written_as_name(tok) or not (whole_word(low, pieces) or compound(low, pieces) or (
        "-" in low and all(len(part) >= COMPOUND_PART_LETTERS and whole_word(part, pieces) for part in low.split("-"))))


COMPOUND_PART_LETTERS = 3  # 'pit' + 'falls'; shorter parts make names compounds ('red' + 'is', 'mongo' + 'db')


def compound(word: str, pieces: Callable[[str], int]) -> bool:
    """Whether ``word`` is two words the model's vocabulary holds whole, each of three letters or more
    ('down' + 'sides')."""
    n = COMPOUND_PART_LETTERS
    return word.isalpha() and any(pieces(word[:i]) == 1 and whole_word(word[i:], pieces)
                                  for i in range(n, len(word) - n + 1))


def _joined(snap: Snapshot, units: Iterable[int], name: str, subject_words: set[str]) -> bool:
    """Whether one of ``units`` writes ``name`` joined to a word of a subject the question names: 'Flask-CORS'
    is the subject's own way of doing CORS, which "How do I handle CORS in Flask?" asks about."""
    if not subject_words:
        return False
    joined = re.compile(rf"\b(?:{'|'.join(map(re.escape, subject_words))})[-_]{re.escape(name)}\b", re.I)
    return any(joined.search(snap.unit_text[u]) for u in units)


# Between a subject and a name after it, what sets the name against the subject as the other side of a comparison
# or a choice: "Flask vs Django", "Flask or Django?", "Is Flask faster than Django?", "Flask, FastAPI and Django".
# A heading naming a subject may set another name against it: "How does FastAPI compare to Django?", "Flask vs
# Django", "Alternatives to Jenkins", "Jenkins or Tekton?".
_SETS_AGAINST = re.compile(r"\b(?:vs\.?|versus|compar\w*|than|or|and|instead|alternatives?|against|like|over|from|to)\b",
                           re.I)
_COMPARES = re.compile(r"\b(?:whereas|while|unlike|than|compar\w*|versus|vs\.?|but|instead|rather|like|alike|"
                       r"similar\w*|both|either|neither|differ\w*|same)\b", re.I)  # a sentence comparing two things
_SIDE = re.compile(r"\s*(?:,|vs\.?|versus|or|and|against|compared?\s+(?:to|with)|(?:[\w-]+\s+){0,2}than)\s*", re.I)


# The one pronoun no stop word, as 'US' is a name: typed in lower case it is the pronoun ("the safest choice for us").
_US = "us"


def passing_name(snap: Snapshot, question: str, pieces: Callable[[str], int]) -> str | None:
    """The name a question asks about when the corpus mentions it only in passing: written like a name (a
    capital past the question's first word; one the model knows whole, 'Sinatra', as well as one it splits),
    no subject of the corpus, held by a few evidence units, none of which holds anything else the question
    asks ("Does Django support async?" of a corpus comparing two other frameworks, which names Django once);
    set against a subject, whatever they hold; asked of alone, unless the question asks what it is and one of
    them says so (:func:`qa.cues.said_of`). A
    question naming a subject of the corpus first is about that subject, unless it sets the name against it
    as the other side (:data:`_SIDE`: "Should I use Flask or Django?" asks of Django as much as of Flask).
    Neither a name a document's title holds (the document is about it) nor, in a question choosing between
    subjects of the corpus, one it is chosen for ("a CRUD app", :data:`_SITUATION`) is in passing."""
    named = snap.catalog.find(question)
    choosing = _choosing(question, named)
    tokens = list(_TOKEN.finditer(question))
    subject_end = None  # where the subject named last ends, once one is named

    def before_side(end: int) -> bool:  # a name ending with token end - 1 is set against a subject after it
        return any(_SIDE.fullmatch(question, tokens[end - 1].end(), s) for _name, s, _e in named)

    for i, m in enumerate(tokens):
        tok, low = m.group(), m.group().lower()
        if low in STOPWORDS or low in _QUESTION_START or len(low) < 2 or tok == _US:
            continue
        if any(s <= m.start() < e for _name, s, e in named):  # a word of a subject's name ('Ibex' of 'Ibex KV')
            subject_end = max(e for _name, s, e in named if s <= m.start() < e)
            continue
        if subject_end is not None and not _SIDE.fullmatch(question, subject_end, m.start()):
            continue  # after a subject, only a name set against it as the other side is asked about
        side_here = subject_end is not None or before_side(i + 1)
        # (written only to open sentences, a name set against a subject or in a question naming none: "gumroad
        # fees", "what is crossplane"; not "Why is oversizing a heat pump bad?")
        if not (_capital(tok) or _written_as_name(snap, tok, pieces, set_against=side_here)
                or (side_here or not named) and _opening_name(snap, low, set_against=side_here)) \
                or low in _topic_words(snap):
            continue  # a title or a heading names it: the page or section is about it ('CORS (Cross-Origin ...)')
        if choosing and _SITUATION.search(question, 0, m.start()):
            continue  # "For a CRUD app, Flask or FastAPI?": the choice is between the subjects, for a CRUD app
        # A name of several words ('Django REST Framework') is one: its units hold them all, and its own words
        # are not what the question asks of it. Only common words join it (:func:`_common_word`): with a
        # person's surname ('Sebastian Ramirez') the question's other words are read as before.
        end = i + 1
        while end < len(tokens) and _capital(nxt := tokens[end].group()) and _common_word(snap, nxt) \
                and question[tokens[end - 1].end():tokens[end].start()] == " " \
                and not any(s <= tokens[end].start() < e for _name, s, e in named):
            end += 1
        holders = snap.units_writing(low)  # as written: 'chargebee' is no 'charges'
        if holders is None or len(holders) > max(PASSING_UNITS, PASSING_SHARE * len(snap.unit_text)):
            continue  # the name's own first word is no rare one ('HTTP' of 'HTTP API')

        # Set against a subject, a name runs on as far as the corpus writes it so, up to a subject's name: "Is Flask
        # faster than Ruby on Rails?" asks nothing of 'rails'. (Not a name asked about alone: "When did the Siege of
        # Antioch take place?" of a corpus writing "the Siege of Antioch took place in ..." asks of 'antioch'.)
        # (In any case: "rancilio silvia vs gaggia classic pro" typed in lower case runs on as "Rancilio Silvia".)
        texts = [snap.unit_text[u].lower() for u in holders.tolist()]

        def written(first: int, last: int, added: int, texts: list[str] = texts) -> bool:
            """Whether the units naming it write tokens first..last as one run, the token added no subject's."""
            return not any(s <= tokens[added].start() < e for _name, s, e in named) \
                and any(question[tokens[first].start():tokens[last].end()].lower() in text for text in texts)

        longer = end
        while named and longer < len(tokens) and written(i, longer, longer):
            longer += 1
        # The words it runs on over that the corpus writes only as names are the name's own, whatever it is set
        # against: "the Rancilio Silvia" asks nothing of 'silvia', which the one unit naming it holds (a common word
        # is still asked: "the April Fools' joke" asks of 'joke').
        run_on = {t.group().lower() for t in tokens[end:longer] if not _common_word(snap, t.group())}
        if longer > end and (subject_end is not None or before_side(longer)):
            end = longer
        # A question's first word is written with a capital whatever it is: it is a name when set against a
        # subject ("Django vs Flask", "Ruby on Rails vs Flask"), or when the corpus writes it only as one
        # ("gumroad fees", "Chargebee pricing").
        if not i and not before_side(end) and not (_written_as_name(snap, low, pieces) or _opening_name(snap, low)):
            continue
        # ... and back over the words before it that the corpus writes with it ('amazon' of "amazon ecs vs
        # kubernetes", of a corpus writing "Amazon ECS")
        start = i
        while start > 0 and tokens[start - 1].group().lower() not in STOPWORDS and written(start - 1, end - 1, start - 1):
            start -= 1
        own = {t.group().lower() for t in tokens[start:end]}
        for other in own - {low} - STOPWORDS:
            holders = holders[snap.holding(holders, other)]
        if not len(holders) or any(low in words(snap.row_label(u)) for u in holders.tolist()):
            continue  # a table row labelled with it is about it ('| JWT | yes | no |')
        asked = _as_written(snap, holders, question[tokens[start].start():tokens[end - 1].end()])
        if all(out_of_scope(snap.unit_text[u]) for u in holders.tolist()):
            return asked  # each mention says its page leaves it out, whatever else it says of it
        subject_words = {w for name in snap.catalog.mentioned(question) for w in words(name)}
        rest = [w for w in words(question) if w not in STOPWORDS and w not in _QUESTION_START
                and w not in own and w not in run_on and w not in subject_words and len(w) > 2]
        # Asked what it is (or named alone) and nothing else, a name is asked what a passing mention may say
        # ("Django is a full-stack framework" for "What is Django?", "SQLModel (...) combines SQLAlchemy with
        # Pydantic" for "What is SQLModel?"; not "We briefly looked at Preact as well" for "what is preact", nor
        # "Crossplane, which ..., is not covered here"; nothing for "Should we use Angular instead?"); set
        # against a subject, it is compared, which a passing mention does not, whatever else it says ("Flask vs
        # Django"; "Angular remains common in large enterprises" for "angular vs react for enterprise").
        side = subject_end is not None or before_side(end)
        if not rest and not side:
            alone = start == 0 and end == len(tokens)  # "litestream": what it is
            if named or run_on or (alone or definition_term(question)) and any(
                    said_of(snap.unit_text[u], asked) for u in holders.tolist()):
                continue  # of a subject it names, a question asks of that ("Which Python does Ibex KV need?")
            return asked
        # ... unless the corpus does compare them: for each subject it is set against, a unit naming it names
        # the subject too, in a table or in words that compare ("FastAPI is a micro-framework ..., whereas Django
        # is a full-stack framework" for "FastAPI vs Django"; not for "FastAPI vs Flask vs Django", nor "Before
        # Prometheus, the company used Zabbix for host checks" for "zabbix vs prometheus").
        compared = side and all(any(name in snap.unit_subjects[u] and (
            snap.version.unit_kinds[u] == "row" or bool(snap.unit_cells[u]) or _COMPARES.search(snap.unit_text[u]))
            for u in holders.tolist()) for name, _s, _e in named)
        if not compared and (side or not any(snap.holding(holders, w).any() for w in rest)) \
                and not _joined(snap, holders, low, subject_words):
            return asked
    return None


def _as_written(snap: Snapshot, holders: NDArray[np.intp], asked: str) -> str:
    """A name as the units mentioning it write it ('Zabbix' for "zabbix vs prometheus"), as asked when none writes
    its words together."""
    pattern = re.compile(rf"(?<!\w){re.escape(asked)}(?!\w)", re.I)
    for u in holders.tolist():
        if m := pattern.search(snap.unit_text[u]):
            return m.group()
    return asked


def compares_apart(snap: Snapshot, sides: tuple[str, str]) -> bool:
    """Whether the corpus sets the two sides of a comparison naming none of its subjects against each other:
    each is one of its topics (held by more units than a name in passing, :data:`PASSING_UNITS`), and a passage
    names both ("ASGI is the async counterpart to WSGI" for "ASGI vs WSGI"; a section weighing a single router
    against a mesh in its sentences for "mesh vs single router"; not "Django and Ruby on Rails are examples of
    frameworks" for "Django vs Rails", nor two topics it never sets side by side)."""
    held = []
    for side in sides:
        # A side may run on into what is compared ("sveltekit vs next.js ssr"): its name is its longest first
        # words the corpus holds together in more units than a name in passing.
        side_words = [w for w in words(side) if w not in STOPWORDS]
        found = None
        units = snap.units_with(side_words[0]) if side_words else None
        for w in side_words[1:]:
            if units is None or len(units) <= PASSING_UNITS:
                break
            found = units
            units = units[snap.holding(units, w)]
        if units is not None and len(units) > PASSING_UNITS:
            found = units
        if found is None:
            return False
        held.append(found)
    return not set(snap.unit_chunk[held[0]].tolist()).isdisjoint(snap.unit_chunk[held[1]].tolist())


# A name right after an indefinite article or a possessive (an adjective between): "a CRUD app", "our React
# frontend". In a question choosing between subjects of the corpus, such a name is what they are chosen for.
_SITUATION = re.compile(r"\b(?:a|an|my|our|your|their)\s+(?:[a-z][\w-]*\s+)?$", re.I)


# Asking whether one subject suits something, beside the words of a recommendation (:func:`question_type`):
# "Is Flask good for a blog?", "Is FastAPI a good fit for our backend?".
_SUITS = re.compile(r"\b(?:good|great|fit|fine|okay|enough)\s+(?:(?:choice|option|pick)\s+)?for\b", re.I)


def _choosing(question: str, named: list[tuple[str, int, int]]) -> bool:
    """Whether a question naming ``named`` (:meth:`SubjectCatalog.find`) chooses a subject: between two or more,
    or whether to take the one it names ("Should a startup pick FastAPI?", "Is Flask good for a blog?")."""
    subjects = {name for name, _s, _e in named}
    return len(subjects) >= 2 or (len(subjects) == 1 and (
        question_type(question, 1) == "recommendation" or _SUITS.search(question) is not None))


def situation_names(snap: Snapshot, question: str, names: list[str]) -> list[str]:
    """Of ``names`` (the question's names the corpus never mentions, or the words the corpus says nothing on of
    the subjects: :func:`unsaid`), those a question choosing a subject of the corpus (:func:`_choosing`) names
    as what it is chosen for, after an article or a possessive (:data:`_SITUATION`): 'MVP' of "Flask vs FastAPI
    for a startup MVP", 'blog' of "Flask or FastAPI for a blog?", 'startup' of "Should a startup pick FastAPI?".
    Its answer is what the corpus says on the subjects, with a notice that it says nothing on these."""
    if not _choosing(question, snap.catalog.find(question)):
        return []
    return [name for name in names
            if any(_SITUATION.search(question, 0, m.start()) for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", question))]


def described(asked: str | None, names: list[str]) -> list[str]:
    """Of ``names``, those only the situation of a long question names, not the question it asks (``asked``,
    :func:`qa.query.focus`): 'Minnesota' of "We're a family of five in Minnesota ... Our 40 gallon electric tank
    just died ... What should we replace it with, and what size?". Its answer is what the corpus says on the
    question asked: the situation is the asker's, not the corpus's."""
    if asked is None:
        return []
    return [name for name in names if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", asked)]


def situation_notice(names: list[str], subjects: Sequence[str]) -> str:
    choosing = f"choosing {subjects[0]}" if len(subjects) == 1 else "choosing between the subjects you name"
    return f"The corpus says nothing on {', '.join(names)}: this is what it says on {choosing}."


def source_notice(snap: Snapshot, docs: frozenset[str]) -> str:
    """What an answer asked of named sources says it is: "From PennyWise Money only."."""
    names = sorted({snap.version.docs[d].publisher or snap.version.docs[d].title for d in docs})
    return f"From {' and '.join(names)} only."


def _topic_words(snap: Snapshot) -> frozenset[str]:
    """The words of the corpus's document titles, publishers and authors, and of its headings that set nothing
    against one of its subjects, found once per snapshot: a document or a section is about what they name ('CORS
    preflight requests' in Starlette's docs, "Does Jenkins support OIDC for cloud credentials?"; not "How does
    FastAPI compare to Django?"), and a case study tells what its publisher did ("How long did the Tidewater
    migration take?")."""
    def find() -> frozenset[str]:
        headings = {h for chunk in snap.version.chunks for h in chunk.section}
        return frozenset(
            [w for doc in snap.version.docs.values()
             for w in words(" ".join(x or "" for x in (doc.title, doc.publisher, doc.author)))]
            + [w for h in headings if not (snap.catalog.find(h) and _SETS_AGAINST.search(h)) for w in words(h)])
    return snap.memo("topic_words", None, find)


# What may stand before a sentence's first word: nothing but markup, or the end of a sentence before it.
_OPENS = re.compile(r"(?:^|[.!?:])[\s*_`>#|\d.)(-]*$")


def _written_as_name(snap: Snapshot, tok: str, pieces: Callable[[str], int], *, set_against: bool = False) -> bool:
    """Whether ``tok``, typed in lower case ('django'), is jargon (no word the model's vocabulary holds whole,
    :func:`_looks_named`, or none of English: 'chargebee') that the corpus writes, always with a capital: a name,
    however typed; ``set_against`` a subject ("angular vs react"), any word it writes so is. Not a word the
    corpus capitalises in titles ('act' of an "Infection Protection Act"); or an acronym the corpus writes only
    in capitals ('ecs' of "Amazon ECS"), whatever the model holds."""
    if not tok.islower() or not tok.replace(".", "").isalpha():  # (a domain's dot too: 'monday.com')
        return False
    spellings = _spellings(snap, tok)
    if len(tok) >= 2 and spellings and all(s.isupper() for s in spellings):
        return True
    return (set_against or _looks_named(tok, pieces) or not english_word(tok)) and bool(spellings) and tok not in spellings


def _opening_name(snap: Snapshot, low: str, *, set_against: bool = False) -> bool:
    """Whether ``low`` (in lower case, no English word unless ``set_against`` a subject: "angular vs react") is one
    the corpus writes only with a capital, each time as its sentence's first word ("Pipenv, which introduced ...,
    still has users."): a name, which :func:`_spellings` (past a sentence's first word) cannot tell."""
    if (english_word(low) and not set_against) or _spellings(snap, low):
        return False
    found = [m.group() for _text, m in _written(snap, low)]
    return bool(found) and all(_capital(w) for w in found)


def ordinary_word(snap: Snapshot, word: str) -> bool:
    """Whether ``word`` (lower case) is no name of its own: a dictionary's word ('atlas'), or one the corpus's text
    writes in more units than a name in passing ('backend', of a publisher 'Backend Atlas')."""
    holders = snap.units_with(word)
    return english_word(word) or (holders is not None and len(holders) > PASSING_UNITS)


def _common_word(snap: Snapshot, word: str) -> bool:
    """An acronym ('REST') or a word the corpus writes in lower case somewhere ('framework'): a word of a
    product's name, not a person's surname ('Ramirez', 'Christie')."""
    return word.isupper() or word.lower() in _spellings(snap, word.lower())


def _spellings(snap: Snapshot, low: str) -> frozenset[str]:
    """How the corpus writes the word ``low`` (in lower case) whole, in any case, past a sentence's first word:
    {'Django'}, {'framework', 'Framework'}; "Oversizing is the number one mistake." writes no 'Oversizing'.
    Found once per snapshot and word."""
    return snap.memo("spellings", low, lambda: frozenset(
        m.group() for text, m in _written(snap, low) if not _OPENS.search(text, 0, m.start())))


def _written(snap: Snapshot, low: str) -> Iterator[tuple[str, re.Match[str]]]:
    """Each place the corpus writes the word ``low`` whole, in any case: the unit's text and the match."""
    holders = snap.units_with(low)
    written = re.compile(rf"(?<![\w-]){re.escape(low)}(?![\w-])", re.I)
    for u in [] if holders is None else holders.tolist():
        text = snap.unit_text[u]
        for m in written.finditer(text):
            yield text, m


def _capital(tok: str) -> bool:
    """Written with a capital: a name, past a sentence's first word."""
    return tok[0].isupper() or any(c.isupper() for c in tok[1:])


# Verbs a how-to question asks to do something with, beside :data:`qa.cues.HOWTO`'s: "How do I enable CORS?"
_DOING = re.compile(r"(?:enable|configure|handle|implement|integrate|allow|turn|get|make|do)", re.I)


def unsaid(snap: Snapshot, query: Query, units: Sequence[int], lead_cos: float,
           embed: Callable[[str], NDArray[np.float32]] | None = None) -> str | None:
    """What a question asks of its subject, when the corpus writes it but none of the units to be cited holds it
    in any form, nor does the heading any stands under ("Does FastAPI support caching?", "What does FastAPI use
    for sessions?" of a corpus whose words on caching and sessions are said of Flask: the nearest evidence on
    FastAPI is on other support); or when the corpus writes none of its words in any form and their meaning,
    read from the vector ``embed`` gives them, is no aspect the corpus heads or labels ("Is Flask cheaper than
    FastAPI?"; 'speedier' means 'Performance'). None when a unit says it, the question names no subject, or the
    first unit is close enough to the question (``lead_cos``, its cosine) to say it in other words ("Is FastAPI
    still maintained?": 'FastAPI is still in development', where 'maintained' is said of Flask)."""
    if not query.subjects or lead_cos >= OTHER_WORDS_COS or _ASKS_WHO_WHEN_WHERE.match(query.text):
        return None
    # Of a how-to question, what it asks to do it with or to ('cors' of "How do I add CORS to FastAPI?"), not
    # the doing ('add', 'enable': a claim about enabling anything does not answer it).
    howto = query.qtype == "howto"
    asked = list(dict.fromkeys(w for w in query.aspect_terms if len(w) >= 3 and not generic(w)
                               and not (howto and (HOWTO.fullmatch(w) or _DOING.fullmatch(w)))))
    if not asked:
        return None
    written = [snap.units_with(w) is not None for w in asked]
    # A word only headings write ("Is Docker Swarm dead?" heads the entry that answers it) is said by the units
    # under a heading holding it that names the subjects asked or none (not of Kubernetes).
    headed = {held_form(w) for w, yes in zip(asked, written, strict=True) if not yes}
    if headed and any(headed & {held_form(t) for t in words(h)}
                      and (not (named := snap.catalog.mentioned(h)) or not set(named).isdisjoint(query.subjects))
                      for u in units for h in snap.version.chunks[int(snap.unit_chunk[u])].section):
        return None
    if not any(written):
        # Words the corpus never writes may be said in other words: of an aspect it has, they are the abstention
        # model's to weigh, and so is an amount asked of a corpus stating amounts ("How quick is Ibex KV?": its
        # reads per second); of neither, the nearest evidence is on something else.
        if embed is None or snap.aspect_vecs is None or (asks_quantity(query.text) and snap.fact_key_vecs is not None):
            return None
        if snap.meant_aspect(embed(" ".join(asked))) is not None:
            return None
        return " ".join(asked)
    # A word the corpus writes only of other things is news the answer would bury.
    if not all(written):
        return None
    # The heading's words compared as a unit's are (Snapshot.holds): by stem from four letters on. A word of a
    # two-word term the corpus writes (:func:`compound_terms`) without the other, and only in another two-word term,
    # is the word in another sense: 'learning' of "Is Flask good for machine learning?" in "Excellent as a learning
    # tool" (not 'admin' of "Does FastAPI have an admin panel?" in "... with batteries-included ORM, admin, and
    # templating").
    asked_forms = {held_form(w) for w in asked}
    paired = {w: (a if w == b else b) for a, b in compound_terms(snap, query) for w in (a, b)}

    def says(u: int, w: str) -> bool:
        if not snap.holds(u, w) or not _outside_links(snap.unit_text[u], w):
            return False
        other = paired.get(w)
        return other is None or snap.holds(u, other) or not _in_other_terms(snap.unit_text[u], w)

    for u in units:
        # ... or the line its list follows ("Strengths of Ibex KV:" of "- Snapshots take seconds.")
        lead = snap.list_lead(u)
        if any(says(u, w) or (lead is not None and says(lead, w)) for w in asked) or heading_holds(snap, u, asked_forms):
            return None
    return " ".join(asked)


_LINK_TARGET = re.compile(r"\]\([^)\s]*\)|<?\b(?:https?://|www\.)[^\s>)]+>?", re.I)


def _outside_links(text: str, word: str) -> bool:
    """Whether ``text`` holds ``word`` (a word it holds) outside the addresses it links to: 'django' of
    '[Daphne](https://github.com/django/daphne)' is no word on Django."""
    if "://" not in text and "www." not in text and "](" not in text:
        return True
    return stem(word) in {stem(w) for w in words(_LINK_TARGET.sub(" ", text))} if len(word) >= 4 \
        else word in words(_LINK_TARGET.sub(" ", text))


def heading_holds(snap: Snapshot, unit: int, forms: set[str]) -> bool:
    """Whether the headings ``unit`` stands under hold a word of one of ``forms`` (:func:`held_form`'s)."""
    return any(held_form(t) in forms for t in snap.section_words[int(snap.unit_chunk[unit])])


_WORD_OR_MARK = re.compile(r"[^\W\d_][\w'-]*|[^\w\s]")


def _in_other_terms(text: str, word: str) -> bool:
    """Whether each time ``text`` writes ``word`` (in any form of its stem) a content word stands right beside it,
    no mark between: it is a word of another two-word term there ('programming background', 'learning curve')."""
    tokens = [t.lower() for t in _WORD_OR_MARK.findall(text)]
    form = held_form(word)
    found = False
    for i, t in enumerate(tokens):
        if held_form(t) != form:
            continue
        found = True
        beside = tokens[max(i - 1, 0):i] + tokens[i + 1:i + 2]
        if not any(b[0].isalpha() and b not in STOPWORDS and len(b) > 2 for b in beside):
            return False
    return found


def compound_terms(snap: Snapshot, query: Query) -> list[tuple[str, str]]:
    """The question's two-word terms: two aspect words in a row ("background tasks") that some unit of the
    corpus writes in a row too."""
    toks = words(query.text)
    aspect = {t for t in query.aspect_terms if t not in STOPWORDS and not generic(t)}
    pairs = dict.fromkeys((a, b) for a, b in zip(toks, toks[1:], strict=False) if a in aspect and b in aspect and a != b)
    return [p for p in pairs if snap.memo("phrase_units", p, partial(phrase_holders, snap, *p))]


def phrase_holders(snap: Snapshot, first: str, second: str) -> tuple[int, ...]:
    """The units holding the words ``first second`` one after the other, ascending: made once per snapshot
    (their texts are split into words again for it), as questions ask the same phrases."""
    holders = snap.units_with(first)
    if holders is None:
        return ()
    out = []
    for u in holders[snap.holding(holders, second)].tolist():
        ut = words(snap.unit_text[u])
        if any(x == first and y == second for x, y in zip(ut, ut[1:], strict=False)):
            out.append(u)
    return tuple(out)


def labelled_row(snap: Snapshot, query: Query, unit: int, asked: list[str] | None = None) -> bool:
    """Whether ``unit`` (the first claim) is a table row labelled with every word the question asks that the
    corpus writes, with a cell for each subject it names: the corpus's own answer, however few its words
    ("Does Quart support sessions?": '| Sessions | yes | Client-side | ... |', which the model reads as far
    from the question). ``asked``: :func:`asked_words`, when the caller has them (it looks at many rows)."""
    cells = snap.unit_cells[unit]
    if not cells or not all(s in cells for s in query.subjects):
        return False
    stems = {stem(w) for w in (asked_words(snap, query) if asked is None else asked)}
    return bool(stems) and stems <= {stem(w) for w in words(snap.row_label(unit))}


def names_held(snap: Snapshot, query: Query, unit: int) -> bool:
    """Whether a question asks only of names (no English word: "litestream", "What is CrossGuard?") and ``unit``
    (the first claim) holds them all: the corpus's words on them, however far the model reads a rare name from
    the sentence naming it."""
    asked = asked_words(snap, query)
    return bool(asked) and all(not english_word(w) and w in snap.unit_words[unit] for w in asked)


def defines_asked(snap: Snapshot, query: Query, unit: int) -> bool:
    """Whether a question asks what a term is and ``unit`` (the first claim) says it ("what is anti-islanding":
    "This is a safety rule, known as anti-islanding: the inverter must stop exporting power ..."), however little
    the model reads of a term of its own trade."""
    term = definition_term(query.text)
    return term is not None and defines(snap.unit_text[unit], term)


def asked_words(snap: Snapshot, query: Query) -> list[str]:
    """The words a question asks about that the corpus writes: its aspect words less generic ones ('support'),
    the subjects' names and the kind of thing a "which" question asks for ('frameworks' of "Which frameworks
    support CSRF?")."""
    kind = m.group(1).lower() if (m := _WHICH_KIND.match(query.text)) else None
    return [w for w in query.aspect_terms
            if not generic(w) and w not in snap.subject_words and w != kind and snap.units_with(w) is not None]


_WHICH_KIND = re.compile(r"\s*(?:which|what)\s+(?:of\s+(?:the|these|those)\s+)?([\w-]+)", re.I)


def unversioned(snap: Snapshot, query: Query) -> str | None:
    """What a "which version" question asks the version of, with its subjects, when the corpus states no
    version of it for any of them ("What Python version does Flask need?", where only FastAPI's Python versions
    are stated, or none is written: 'Python version for Flask'); None otherwise. A subject's own version ("What
    version of Flask ...?") is left to the rest."""
    if not query.subjects:
        return None
    subject_words = {w for subject in query.subjects for w in words(subject)}
    # (of a long question, what it asks, not the situation it tells: "We run ... ElastiCache for Redis OSS 7.1 ...
    # Should we move to Valkey?" asks no version of 'OSS')
    for name in versioned(focus(query.text, snap.catalog) or query.text):
        low = name.lower()
        # a subject's own, its name whole or its first word ('Ibex' of "the first version of Ibex KV")
        if snap.catalog.find(name) or low in subject_words or low in STOPWORDS:
            continue
        if not any((subject, version_key(name)) in snap.fact_aspects for subject in query.subjects) \
                and not _numbered_for(snap, name, query.subjects):
            return f"{name} version for {' or '.join(query.subjects)}"
    return None


def _numbered_for(snap: Snapshot, name: str, subjects: tuple[str, ...]) -> bool:
    """Whether a unit about one of ``subjects`` says it needs ``name`` at a whole number, a version no fact reads
    ('| Jenkins | LTS 2.479.1, Java 17 required |' for "what java version does jenkins need"; not "its Python 3
    revision"; a dotted one, 'Python 3.10', is a fact's, of the subject it is said of)."""
    holders = snap.units_writing(name.lower())
    version = rf"{re.escape(name)}(?:\.[a-z]{{2,}})?\s+v?\d+\b(?![.,]\d)"  # ('Node.js 18' of 'node')
    numbered = re.compile(rf"\b{version}\+?\s*(?:\+|required|or\s+(?:later|newer|higher|above)|and\s+(?:later|newer|up|above))|"
                          rf"\b(?:requires?|required|needs?|runs?\s+on|supports?)\s+{version}", re.I)
    return holders is not None and any(
        set(subjects) & snap.unit_subjects[u] and numbered.search(snap.unit_text[u]) for u in holders.tolist())


# What asks about a release itself: when it came, what it brought.
_ASKS_RELEASE = re.compile(r"\bwhen\b|\bwhat (?:year|date|month)\b|\b(?:new|changes?|changed|released?)\b", re.I)


def unwritten_release(snap: Snapshot, question: str) -> str | None:
    """A subject's release that the question asks about ("When was Flask 2.3 released?", "What's new in FastAPI
    0.100?") when the corpus never writes its number, nor a fuller one ('0.135.0' of '0.135'): what the corpus
    says of another release is no answer ('Flask 3.1 (released late 2024)'). None otherwise. A release asked
    about otherwise ("Does Flask 2.3 support async?") is left to the rest: another release's may answer it."""
    question = focus(question, snap.catalog) or question  # what a long question asks, not its situation
    if not _ASKS_RELEASE.search(question):
        return None
    vocab = snap.vocabulary
    for name, _start, end in snap.catalog.find(question):
        if (m := RELEASE_AFTER.match(question, end)) and not vocab.writes(m.group(1)) and vocab.release(m.group(1)) is None:
            return f"{name} {m.group(1)}"
    return None


def uncounted(snap: Snapshot, question: str) -> str | None:
    """What a "how many" question counts, when the corpus never writes it, nor with a common ending more or less
    (a stem is too loose: 'contribute' is no count of 'contributors'): no count of it can be in the corpus
    ("How many contributors does FastAPI have?", where the nearest numbers are its stars); None otherwise."""
    vocab = snap.vocabulary
    for word in counted(question):
        if word not in STOPWORDS and not generic(word) and word not in vocab.count \
                and vocab.base_of(word) is None and vocab.form_of(word) is None:
            return word
    return None
