"""Aspects: what the corpus compares subjects on, read from its headings and table rows, and the cells of a
Markdown table row.

Nothing here knows any subject or aspect name: aspects come from the corpus's headings and row labels.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from qa.chunking import SIMPLE_TABLE_BORDER, strip_span
from qa.text import QUESTION_WORDS, STOPWORDS, words

# Words that name a kind of section rather than an aspect.
GENERIC_WORDS = frozenset(
    """vs overview introduction conclusion summary analysis pros cons key features feature when what why how
    frequently asked questions faq wrapping final verdict matrix comparison table choose choosing use using
    support supports supported dimension score scores rating ratings overall alternatives people also related
    explore code patterns unique only work works still good great well really much many lots
    things thing stuff terms reason reasons""".split()
)


# Endings taken off a word before its stem is taken, where four letters or more stay (a final 'e' too, which
# the word drops before some of them): 'scale', 'scales', 'scaling', 'scalable' and 'scalability' meet.
_ENDINGS = ("ability", "able", "ings", "ing", "ers", "er", "es", "ed", "e")


# Three letters a final 'e' was dropped from before an ending: a consonant, a vowel (or y), a consonant but w, x
# or y ('typ' of 'typed', 'cod' of 'coding'; not 'fix', 'say' nor 'str' of 'string').
_SHORT_ROOT = re.compile(r"[^aeiou][aeiouy][^aeiouwxy]")


# Cached: answers take the stems of the same few hundred words again and again (a tenth of an answer's time
# before); bounded, as questions bring words without end.
@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude, language-agnostic stem: the first five letters ('asynchronous' and 'async' meet) of the word
    less an ending (:data:`_ENDINGS`, or a final 's' but for 'ss'), so 'test' meets 'tests' and 'testing'; a
    final 'y' after a consonant is an 'i', as before those endings, so 'query' meets 'queries' and 'queried'.
    Three letters left that lost an 'e' before the ending (:data:`_SHORT_ROOT`) get it back."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            break
        if word.endswith(ending) and _SHORT_ROOT.fullmatch(root := word[: -len(ending)]):
            word = root + "e"  # 'typed', 'typing', 'types' and 'type' meet; 'living' and 'live'
            break
    else:
        if word.endswith("s") and not word.endswith("ss") and len(word) >= 5:
            word = word[:-1]
    if len(word) >= 4 and word[-1] == "y" and word[-2] not in "aeiouy":
        word = word[:-1] + "i"
    return word[:5]


def held_form(word: str) -> str:
    """The form a question's word is looked for in a text's words: its stem from four letters on, else the word
    itself (the rule of :meth:`qa.snapshot.Snapshot.holds`)."""
    return stem(word) if len(word) >= 4 else word


def generic(word: str) -> bool:
    """A word that names no aspect of anything: a function word, a question word, or one of :data:`GENERIC_WORDS`
    ('support', 'work', 'use')."""
    return word in STOPWORDS or word in GENERIC_WORDS or word in QUESTION_WORDS


def aspect_stems(text: str, exclude: frozenset[str] = frozenset()) -> list[str]:
    """The stems of the words of ``text`` that may name an aspect: four letters or more, no generic word, none of
    ``exclude``; and of a word hyphenated from shorter parts, its parts joined ('wifi' of 'Wi-Fi', 'ebike' of
    'e-bike'), which its parts alone are too short to name."""
    out = [stem(w) for w in words(text) if len(w) >= 4 and not generic(w) and w not in exclude and not w.isdigit()]
    return out + joined_stems(text, exclude)


def joined_stems(text: str, exclude: frozenset[str] = frozenset()) -> list[str]:
    """The stems of the words of ``text`` hyphenated from parts some of which are shorter than four letters, their
    parts joined ('wifi' of 'Wi-Fi'), but those of ``exclude``."""
    out = []
    for m in HYPHENATED.finditer(text):
        parts = m.group().lower().split("-")
        if any(len(p) < 4 for p in parts) and len(joined := "".join(parts)) >= 4 and joined not in exclude \
                and not set(parts) <= exclude:
            out.append(stem(joined))
    return out


HYPHENATED = re.compile(r"(?<![\w-])[A-Za-z]+(?:-[A-Za-z]+)+(?![\w-])")  # a word of parts joined by hyphens


@dataclass(frozen=True, slots=True)
class Aspect:
    name: str
    stems: frozenset[str]
    weight: int  # how many headings/rows name it (how much the corpus talks about it)
    labels: tuple[str, ...] = field(default=(), compare=False)  # every heading and row label grouped in it


_PARENS = re.compile(r"\([^()]*\)")  # what a label adds in brackets: 'Community Size (GitHub stars)'
_AND = re.compile(r"\s+(?:and|&)\s+", re.I)
AND_WORDS = 5  # a label of at most this many words joining two with 'and' is on either


def _most_shared(held: list[frozenset[str]]) -> frozenset[str]:
    """The words most of the sets hold."""
    counts = Counter(w for words_of in held for w in words_of)
    return frozenset(w for w, c in counts.items() if c == max(counts.values(), default=0))


def build_aspects(labels: list[tuple[str | None, str]], subject_words: frozenset[str]) -> list[Aspect]:
    """Group (source, label) pairs from headings and row labels into aspects: labels that share a
    distinctive word stem (one used by at most three labels) and enough of their words are one aspect. An
    aspect's weight is how many sources name it (a source of None counts for none); the most widely named come
    first."""
    by_label: dict[str, set[str | None]] = defaultdict(set)
    for source, label in labels:
        label = label.strip()
        if ":" in label and aspect_stems(label.split(":")[0], subject_words):
            label = label.split(":")[0].strip()
        if label and not label.endswith("?") and len(label) <= 70 and aspect_stems(label, subject_words):
            by_label[label].add(source)
    names = sorted(by_label)
    stems_of = {n: frozenset(aspect_stems(n, subject_words)) for n in names}
    label_freq = Counter(s for n in names for s in stems_of[n])
    distinctive = {n: frozenset(s for s in stems_of[n] if label_freq[s] <= 3) or stems_of[n] for n in names}
    # Each label, fewest words first, joins the aspect that shares a distinctive word of it, at least half the
    # aspect's words and a third of its own ('Drift detection' and 'Hosted drift detection'), less what it adds in
    # brackets ('Community Size (GitHub stars)' is on 'Community'); not one word of several ('Native state
    # encryption' and 'Native test command'), nor one of many. A label naming two aspects joins one: 'The license
    # question still affects cost' joins neither 'Cost' nor 'License' to the other, nor does 'Backups and
    # replication' join 'Backups' to 'Replication'.
    own = {n: frozenset(aspect_stems(_PARENS.sub("", n), subject_words)) or stems_of[n] for n in names}
    # ... each side of an 'and' of a short heading on its own too: 'JSON and semi-structured data' is on 'JSON
    # support' (not a title's "What It Really Costs to Buy and Run a Cooktop")
    parts = {n: [own[n], *(frozenset(aspect_stems(side, subject_words)) for side in _AND.split(_PARENS.sub("", n))
                           if _AND.search(n) and len(n.split()) <= AND_WORDS)] for n in names}
    groups: dict[str, list[str]] = {}
    held: dict[str, frozenset[str]] = {}  # an aspect's words: its first label's, and those two of its labels hold
    for n in sorted(names, key=lambda n: (len(own[n]), -len(by_label[n]), n)):
        fits = [(len(part & words_of), first) for first, words_of in held.items() for part in parts[n]
                if part & words_of & distinctive[n]
                and 2 * len(part & words_of) >= len(words_of) and 3 * len(part & words_of) >= len(part)]
        if fits:
            first = max(fits, key=lambda f: (f[0], f[0] / len(held[f[1]])))[1]  # most shared, of fewest words
            groups[first].append(n)
            counts = Counter(w for m in groups[first] for w in own[m])
            held[first] = own[first] | {w for w, c in counts.items() if c >= 2}
        else:
            groups[n], held[n] = [n], own[n]
    aspects = []
    for members in groups.values():
        sources = set().union(*(by_label[m] for m in members))
        # What the members share names the aspect; a lone label keeps all its distinctive stems. Its name is a
        # member's that holds them ('Replication', not 'Backups', of 'Backups and replication' and 'Replication').
        stems = distinctive[members[0]] if len(members) == 1 else (
            _most_shared([own[m] for m in members]) & frozenset().union(*(distinctive[m] for m in members))
            or _most_shared([distinctive[m] for m in members]))  # 'valid', not 'data', of 'Data Validation'
        name = min(members, key=lambda m: (-len(stems & distinctive[m]), -len(by_label[m]), "(" in m, len(m)))
        aspects.append(Aspect(name, stems or distinctive[name], len(sources - {None}), tuple(sorted(members))))
    aspects.sort(key=lambda a: (-a.weight, a.name))
    return aspects


def row_cells(header: str | None, row: str) -> tuple[str, dict[str, tuple[int, int]]]:
    """A table row as (label, {column header: (start, end) of the cell within ``row``}): a Markdown row's cells
    between its '|'s; a reStructuredText simple table's (``header`` its header line and the border under it) in
    the border's columns, each to the next one's start."""
    if not header:
        return row, {}
    if (cells := simple_cells(header, row)) is not None:
        heads = simple_cells(header, header.rpartition("\n")[0]) or []
        label = row[slice(*cells[0])]
        return label, {h: c for (a, b), c in zip(heads[1:], cells[1:], strict=True) if (h := header[a:b])}
    heads = [h.strip() for h in header.strip().strip("|").split("|")]
    spans: list[tuple[int, int]] = []
    pos = row.find("|") + 1 if row.lstrip().startswith("|") else 0
    while pos <= len(row):
        nxt = row.find("|", pos)
        end = len(row) if nxt < 0 else nxt
        spans.append(strip_span(row, pos, end))
        if nxt < 0:
            break
        pos = nxt + 1
    if spans and spans[-1][0] == spans[-1][1]:
        spans.pop()
    if len(spans) != len(heads):
        return row, {}
    label = row[spans[0][0] : spans[0][1]]
    return label, {h: s for h, s in zip(heads[1:], spans[1:], strict=True)}


def simple_cells(header: str, line: str) -> list[tuple[int, int]] | None:
    """The spans of ``line``'s cells in a reStructuredText simple table whose ``header`` is its header line and
    the border under it, or the border alone (a table without a header): each from where a run of '=' starts to
    where the next does, its white space left out. None when ``header`` is no such table's."""
    border = header.rpartition("\n")[2]
    if not SIMPLE_TABLE_BORDER.match(border):
        return None
    indent = len(border) - len(border.lstrip())
    starts = [m.start() - indent for m in re.finditer(r"=+", border)]
    return [strip_span(line, min(a, len(line)), min(b, len(line))) for a, b in zip(starts, [*starts[1:], 10**6], strict=True)]

