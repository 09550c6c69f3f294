"""Facts: what a unit states as the value of one aspect of one subject, read from its wording alone, so that
sources can be compared on the same aspect whatever a question calls it.

Three kinds, all generic English, nothing about any corpus:

- a measured quantity with its measure as written ('15,000 to 20,000+ requests per second', '94,000 GitHub
  stars', a table cell '~120k' under a row 'Performance (requests per second)');
- a version of something named ('requires Python 3.10 or higher'), never of a subject itself (a subject's
  releases are a history, not a disagreement);
- what a subject 'is built on' / 'is based on' ('FastAPI is built on ASGI ...').

Each fact has an aspect key (what two facts must share to be compared: the measure's head noun and its 'per'
word, the versioned name, the relation), a label as the corpus writes it, and a value to compare.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from qa.aspects import stem
from qa.query import SubjectCatalog
from qa.text import STOPWORDS, words

_AMOUNT = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_QUANTITY = re.compile(
    rf"(?<![\w.,/])~?(?P<lo>{_AMOUNT})(?P<lo_mult>\s?(?:k|K|M|million|thousand|billion)\b)?\+?"
    rf"(?:\s*(?:to|-|–)\s*[$\u20ac\u00a3\u00a5]?~?(?P<hi>{_AMOUNT})(?P<hi_mult>\s?(?:k|K|M|million|thousand|billion)\b)?\+?)?"
    r"(?P<glued>[A-Za-z]+)?(?![\d.,]\d|/\d)"
)
# Up to two words of measure after a number, and a 'per' word: 'GitHub stars', 'requests per second'.
_MEASURE = re.compile(r"^\s+(?P<words>[A-Za-z][\w-]*(?:\s+(?!per\b)[A-Za-z][\w-]*)?)(?P<per>\s+per\s+[A-Za-z]+)?")
_VERSION = re.compile(r"(?P<name>\b[A-Za-z][\w.+#-]*)\s+(?P<version>\d+\.\d+(?:\.\d+)?)\+?(?![\d.]\d)")
_RELATION = re.compile(r"\b(?:is|are|was|were)\s+(?P<rel>built\s+on(?:\s+top\s+of)?|built\s+upon|based\s+on)\s+"
                       r"(?P<value>[^.;:!?,]+)")
_PAREN = re.compile(r"\(([^()]+)\)")
_MONEY = re.compile(r"[$\u20ac\u00a3\u00a5]\s?\d")  # '$499', '€ 12'; a currency sign before a number
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "billion": 1e9}
_PRONOUNS = frozenset({"it", "them", "this", "that"})
_VERB_END = re.compile(r"(?:ing|ed)$")
_DONE = re.compile(r"^(?!hundred$)\w{4,}ed$")  # a past participle ('installed'), not 'speed' or 'hundred'


@dataclass(frozen=True, slots=True)
class Fact:
    """One unit's statement of the value of one aspect of one subject."""

    subject: str
    key: str  # what two facts must share to be compared ('reque/secon', 'version:pytho', 'rel:built')
    label: str  # the aspect as the corpus writes it ('requests per second', 'Python', 'built on')
    kind: str  # quantity | version | relation
    value: tuple[float, float] | str  # a range (lo, hi) for quantities, else a normalised string
    span: tuple[int, int]  # what states it, in document offsets (a table cell or the whole unit)
    stems: frozenset[str]  # the words a question may use for the aspect (measure, row label, relation)
    context: str = ""  # the aspect as written where it is stated (a row label, else the label)

    def topic(self) -> str:
        """A readable heading: 'Requests per second (FastAPI)', 'Python version (FastAPI)', 'What FastAPI is
        built on'."""
        if self.kind == "relation":
            return f"What {self.subject} is {self.label}"
        label = f"{self.label} version" if self.kind == "version" else self.label
        return f"{label[:1].upper()}{label[1:]} ({self.subject})"


def version_key(name: str) -> str:
    """The aspect key of the versions of ``name`` ('Python' of "requires Python 3.10")."""
    return f"version:{stem(name.lower())}"


def differ(facts: list[Fact]) -> bool:
    """Whether facts on one aspect state different values: different amounts or versions; for what a subject
    is built on, two that share no word ('ASGI (...)' and 'Flask'; not 'ASGI' and 'ASGI through Starlette')."""
    if facts[0].kind != "relation":
        return len({f.value for f in facts}) >= 2
    said = [set(words(str(f.value))) - STOPWORDS for f in facts]
    return any(not (a & b) for i, a in enumerate(said) for b in said[i + 1 :])


def _amount(raw: str, mult: str | None) -> float:
    return float(raw.replace(",", "")) * _MULT.get((mult or "").strip().lower(), 1.0)


def measure_key(measure: str) -> tuple[str, str] | None:
    """'GitHub stars' -> ('stars', 'GitHub stars'); 'requests per second' -> ('reque/secon', ...): the head
    noun (the last word before 'per') and the 'per' word, as stems; None for no measure."""
    head, _, per = measure.partition(" per ")
    toks = [w for w in words(head) if not w.isdigit()]
    if not toks:
        return None
    key = stem(toks[-1]) + (f"/{stem(per.split()[0].lower())}" if per.strip() else "")
    return key, measure.strip()


def _measure_after(text: str, end: int) -> str | None:
    """The measure written right after a number: up to two words (stopping at function words and verb
    forms), and a 'per' word."""
    m = _MEASURE.match(text[end:])
    if not m:
        return None
    kept: list[str] = []
    for w in m.group("words").split():
        low = w.lower()
        # A verb form ends it; right after the number it is what is done, not a measure ("$10,000 installed").
        if low in STOPWORDS or low == "per" or (_VERB_END if kept else _DONE).search(low):
            break
        kept.append(w)
    if not kept:
        return None
    per = m.group("per") if len(kept) == len(m.group("words").split()) else None
    return " ".join(kept) + (per or "")


def _subject_at(found: list[tuple[str, int, int]], pos: int, default: str | None) -> str | None:
    """The subject a statement at ``pos`` is about: the nearest one named before it, else ``default``."""
    before = [name for name, s, _e in found if s < pos]
    return before[-1] if before else default


def unit_facts(
    text: str, start: int, catalog: SubjectCatalog, default: str | None,
    cells: dict[str, tuple[int, int]] | None = None, row_label: str | None = None,
) -> list[Fact]:
    """The facts a unit states. ``text`` starts at document offset ``start``; ``default`` is the subject the
    unit is about when it names none before a statement (its section's); a table row gives its ``cells``
    (subject -> document span) and ``row_label``, whose parenthesised part or whole is the measure of cells
    that write none."""
    out: list[Fact] = []
    if cells:
        label = (row_label or "").strip()
        inner = _PAREN.search(label)
        row_measure = (inner.group(1) if inner else label).strip()
        label_stems = frozenset(stem(w) for w in words(label) if len(w) >= 4 and w not in STOPWORDS)
        named = _PAREN.sub("", label).strip()
        for subject, (a, b) in cells.items():
            cell = text[a - start : b - start]
            # An amount of money is measured by what the row names, not by its note: 'Price (MSRP)' and 'List
            # price' both state a price.
            measure = named if named and _MONEY.search(cell) else row_measure
            for f in _quantities(cell, a, catalog, subject, measure, cell_mode=True):
                out.append(_in_row(f, label_stems, label))
        return out
    whole = (start, start + len(text))
    found = catalog.find(text)
    out += _quantities(text, start, catalog, default, None, cell_mode=False, found=found, whole=whole)
    subject_words = {w for name in catalog.names for w in words(name)}
    for m in _VERSION.finditer(text):
        name = m.group("name")
        if name.lower() in STOPWORDS or catalog.mentioned(name) or name.lower() in subject_words:
            continue  # a subject's own release ('Flask 2.0'), not a requirement
        if not name[0].isupper():
            continue
        subject = _subject_at(found, m.start(), default)
        if subject is not None:
            out.append(Fact(subject, version_key(name), name, "version", m.group("version"), whole,
                            frozenset({stem(name.lower()), "versi"}), f"{name} version"))
    for m in _RELATION.finditer(text):
        subject = _relation_subject(text, m.start(), found, default)
        if subject is None:
            continue
        value = m.group("value").strip()
        if value.split()[0].lower() in _PRONOUNS:  # 'FastAPI is built on it': what 'it' stands for
            others = [name for name, s, _e in found if s < m.start() and name != subject]
            if not others:
                continue
            value = others[-1]
        rel = " ".join(m.group("rel").split())
        rel_stems = frozenset(stem(w) for w in words(rel) if len(w) >= 4) | {"build", "found"}
        out.append(Fact(subject, f"rel:{stem(rel.split()[0])}", rel, "relation", value, whole, rel_stems, rel))
    return out


RELATION_SUBJECT_WORDS = 4  # how near before 'is built on' a subject is named to be what is built on it


def _relation_subject(text: str, pos: int, found: list[tuple[str, int, int]], default: str | None) -> str | None:
    """The subject said to be built on (or based on) something by the relation at ``pos``: the one named among
    the few words before it ("As FastAPI is based on Starlette", "Starlette (and FastAPI) are based on AnyIO"),
    else ``default`` when the relation's subject is 'it'; None when it is something else ("The TestClient is
    based on HTTPX" in FastAPI's documentation: a part, not the subject)."""
    before = list(re.finditer(r"\w+", text[:pos]))[-RELATION_SUBJECT_WORDS:]
    if not before:
        return None
    near = [name for name, s, _e in found if s >= before[0].start() and s < pos]
    if near:
        return near[-1]
    return default if before[-1].group().lower() == "it" else None


def _in_row(f: Fact, stems: frozenset[str], row_label: str) -> Fact:
    """A cell's fact, which the row's label also names ('Performance (requests per second)')."""
    return dataclasses.replace(f, stems=f.stems | stems, context=row_label or f.context)


_WISH = re.compile(r"\b(?:should|ought to) (?:offer|have|add|include|ship|come with|support|provide|fit|get)\b", re.I)


def _quantities(
    text: str, start: int, catalog: SubjectCatalog, default: str | None, fallback: str | None, *,
    cell_mode: bool, found: list[tuple[str, int, int]] | None = None, whole: tuple[int, int] | None = None,
) -> list[Fact]:
    """Numbers with a measure: in a table cell, the cell's own measure or the row's; in prose, the measure
    written after the number, or (for a number of another subject later in the sentence: "FastAPI at 15,000
    requests per second compared to Flask's 2,000") the measure of the number before it."""
    out: list[Fact] = []
    found = found if found is not None else []
    last: tuple[str, str, str] | None = None  # (subject, key, label) of the previous measured number
    for m in _QUANTITY.finditer(text):
        lo_raw, hi_raw = m.group("lo"), m.group("hi")
        if _YEAR.match(lo_raw) and not m.group("lo_mult") and (hi_raw is None or _YEAR.match(hi_raw)):
            continue  # a year, not an amount
        before = text[: m.start()].rstrip()
        if before and before.split()[-1][:1].isupper() and "." in lo_raw and not cell_mode:
            continue  # 'Python 3.10': a version (see _VERSION)
        if not cell_mode and _WISH.search(text, max(text.rfind(p, 0, m.start()) for p in ".;:") + 1, m.start()):
            continue  # an amount wished for is not what it has: "Breville should offer a 58 mm portafilter"
        lo = _amount(lo_raw, m.group("lo_mult"))
        hi = _amount(hi_raw, m.group("hi_mult")) if hi_raw else lo
        if lo == 0 or hi < lo:
            continue
        # A word glued to a number ('3rd', '68300Winner') is no measure: a cell takes its row's.
        measure = None if m.group("glued") else _measure_after(text, m.end())
        subject = default if cell_mode else _subject_at(found, m.start(), default)
        if subject is None:
            continue
        keyed = measure_key(measure) if measure else None
        if keyed is None and cell_mode and fallback:
            keyed = measure_key(fallback)
        if keyed is None and not cell_mode and last is not None and last[0] != subject:
            keyed = last[1], last[2]  # the measure of the number before it, for another subject
        if keyed is None:
            continue
        key, label = keyed
        last = (subject, key, label)
        span = (start, start + len(text)) if cell_mode else (whole or (start, start + len(text)))
        stems = frozenset(stem(w) for w in words(label) if len(w) >= 4 and w not in STOPWORDS)
        out.append(Fact(subject, key, label, "quantity", (lo, hi), span, stems | {key.split("/")[0]}, label))
    return out
