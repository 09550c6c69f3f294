"""Word-level text helpers shared by BM25, query analysis and evidence scoring."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+(?:[.+#][a-z0-9]+)*")

# Function words only: generic English, nothing about any corpus.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself no
    nor not of off on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself yourselves
    also may might must shall s t d ll m re ve tell know get got use uses using used want need vs versus
    like something anything everything someone anyone everyone somebody anybody everybody much many""".split()
)

# Words saying that something holds now, not what holds: "The K1 now sells for $449", "Is Pylint 2.17 still the
# current release?"
NOW_WORDS = frozenset({"now", "still", "currently", "today", "then", "yet"})

# Words that say what kind of question it is, not what it is about.
QUESTION_WORDS = frozenset(
    """compare comparison compared comparing difference differences different differ better best good worse
    well choose choosing choice pick prefer recommend recommendation should which option options between one
    two framework frameworks tool tools library libraries main major primary biggest""".split()
)


# A name written with a dot between two parts of letters, the first capitalised: 'Node.js', 'ASP.NET', 'Socket.IO'
# (not an identifier in code, 'app.get', a file, 'hugo.toml', a version, 'e.g.', nor an address of three parts).
_DOTTED_NAME = re.compile(r"(?<![\w.])([A-Z][A-Za-z]+)\.([A-Za-z]{2,})(?![\w.])")


def name_parts(text: str) -> set[str]:
    """The words of the dotted names ``text`` writes, which a text may also write alone ('node' and 'js' of
    'Node.js'), in lower case."""
    return {part.lower() for m in _DOTTED_NAME.finditer(text) for part in m.groups()}


def words(text: str) -> list[str]:
    """Lower-cased word tokens, keeping dotted versions and names like ``3.10`` or ``node.js``."""
    return _WORD.findall(text.lower())


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """:func:`words`' tokens of ``text``, each with where it starts and ends in ``text``."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text.lower())]


def plain_letters(text: str) -> str:
    """``text`` with accents and other marks taken off its letters: 'Möngke' -> 'Mongke'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS]


def squash(text: str) -> str:
    """Lower case with every non-alphanumeric removed: 'Fast API' and 'fastapi' squash alike."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def clause(text: str, since: int, start: int, end: int) -> str:
    """The clause holding text[start:end], not before ``since``: back to the last clause break before it, on
    to the next after it ('FastAPI was created in 2018, and its community is not that big' -> 'and its
    community is not'; 'FastAPI has an inbuilt dependency injection that ensures classes are not ...' ->
    'FastAPI has an inbuilt dependency injection')."""
    first, last = clause_span(text, since, start, end)
    return text[first:last]


def clause_span(text: str, since: int, start: int, end: int) -> tuple[int, int]:
    """Where :func:`clause` of the same arguments begins and ends in ``text``."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, since, start) if not inside_markup(text, m.start())]
    after = next((m for m in _CLAUSE_BREAK.finditer(text, end) if not inside_markup(text, m.start())), None)
    return breaks[-1] if breaks else since, after.start() if after else len(text)


def inside_markup(text: str, at: int) -> bool:
    """Whether ``text[at]`` lies inside a code span, a link's syntax or an HTML tag, which a clause break
    would cut open ('[CORS with the `CORSMiddleware`](../tutorial/cors.md)', '<abbr title="a, b">')."""
    return any(m.start() < at < m.end() - 1 for m in _MARKUP.finditer(text) if m.start() <= at)


_MARKUP = re.compile(r"(`+).+?\1|!?\[[^\]\n]*\]\([^)\n]*\)|<[^<>\n]*>")
_CLAUSE_BREAK = re.compile(r"[,;:—–()]|\s-\s|\b(?:but|while|whereas|that|which|who|because|since|when|if)\b")
