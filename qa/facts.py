"""Facts: what a unit states as the value of one aspect of one subject, read from its wording alone, so that
sources can be compared on the same aspect whatever a question calls it.

Five kinds, all generic English, nothing about any corpus:

- a measured quantity with its measure as written ('15,000 to 20,000+ requests per second', '94,000 GitHub
  stars', a table cell '~120k' under a row 'Performance (requests per second)');
- a version of something named ('requires Python 3.10 or higher'), never of a subject itself (a subject's
  releases are a history, not a disagreement);
- what a subject 'is built on' / 'is based on' ('FastAPI is built on ASGI ...');
- the release of a subject something happened in ("KRaft was declared production-ready in Kafka 3.3");
- when a release of a subject came out ("Poetry 2.0, released in January 2025, ...").

Each fact has an aspect key (what two facts must share to be compared: the measure's head noun and its 'per'
word, the versioned name, the relation), a label as the corpus writes it, and a value to compare.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from qa.aspects import stem
from qa.cues import WANTS_YEAR, subject_releases
from qa.query import SubjectCatalog
from qa.text import NOW_WORDS, STOPWORDS, clause, words

# Amounts in figures, and the small ones written in words ("seven years", "Two weeks.").
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split(), 1)}
_NUMBER_WORDS |= {w: 10 * n for n, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)}
_SIGNS = "$\u20ac\u00a3\u00a5"  # currency signs: $, €, £, ¥
CURRENCY = f"[{_SIGNS}]"  # one currency sign
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
# A number in words is one whole: 'twenty-five', never the 'five' of it nor the 'one' of "one-off"; joined to a
# unit of time it is one as a figure is ("a three-year warranty" as "a 3-year warranty"), not to more ('two-year-old').
_JOINED_TIME = r"-(?:second|minute|hour|day|week|month|year)\b(?!-)"
_AMOUNT = (r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|(?<!-)(?i:(?:" + _TENS + r")-(?:one|two|three|four|five|six|seven|"
           r"eight|nine)|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + rf")\b(?!-(?!{_JOINED_TIME[1:]})))")
_QUANTITY = re.compile(
    rf"(?<![\w.,/])~?(?P<lo>{_AMOUNT})(?P<lo_mult>\s?(?:k|K|M|million|thousand|billion)\b)?\+?"
    rf"(?:\s*(?:to|-|–)\s*{CURRENCY}?~?(?P<hi>{_AMOUNT})(?P<hi_mult>\s?(?:k|K|M|million|thousand|billion)\b)?\+?)?"
    r"(?P<glued>[A-Za-z]+)?(?![\d.,]\d|/\d)"
)
# Up to two words of measure after a number, and a 'per' word: 'GitHub stars', 'requests per second'.
_MEASURE = re.compile(r"^\s+(?P<words>[A-Za-z][\w-]*(?:\s+(?!per\b)[A-Za-z][\w-]*)?)(?P<per>\s+per\s+[A-Za-z]+|/[A-Za-z]+)?")
_JOINED = re.compile(r"-([A-Za-z]+)\b(?!-)")  # a measure joined to its number by a hyphen ('40-amp'; not '15-year-old')
# What a measure is of: 'MB of RAM', 'minutes of downtime', 'MB of resident memory' (a second word, no function word
# or verb form: not 'downtime each').
_OF = re.compile(r"\s+of\s+(?P<what>[A-Za-z][\w-]*)(?:\s+(?P<what2>[A-Za-z][\w-]*))?")
# Units of time, in seconds: a duration is one aspect whatever unit states it ("about 5 minutes", "about 90 seconds").
_IN_SECONDS = {"ms": 0.001, "msec": 0.001, "millisecond": 0.001, "s": 1.0, "sec": 1.0, "second": 1.0, "min": 60.0,
               "minute": 60.0, "h": 3600.0, "hr": 3600.0, "hour": 3600.0, "day": 86400.0, "week": 604800.0,
               "month": 2629800.0, "year": 31557600.0}
DURATION = stem("duration")  # the aspect key of every duration, which "What is its duration?" names
# Units of data, power, energy, metric length and mass, in the dimension's base unit: like a duration, an amount of
# one is one aspect whatever unit states it ("281 TB" and "about 140 terabytes" of a database's size). Only units of
# one system, by exact factors: '30 miles' and '48 km' would differ by rounding alone.
_IN_BASE = {
    stem("bytes"): {"byte": 1.0, "kb": 1e3, "kilobyte": 1e3, "mb": 1e6, "megabyte": 1e6, "gb": 1e9, "gigabyte": 1e9,
                    "tb": 1e12, "terabyte": 1e12, "pb": 1e15, "petabyte": 1e15},
    stem("watts"): {"w": 1.0, "watt": 1.0, "kw": 1e3, "kilowatt": 1e3},
    stem("wh"): {"wh": 1.0, "kwh": 1e3},
    stem("metres"): {"mm": 1e-3, "millimetre": 1e-3, "millimeter": 1e-3, "cm": 1e-2, "centimetre": 1e-2,
                     "centimeter": 1e-2, "metre": 1.0, "meter": 1.0, "km": 1e3, "kilometre": 1e3, "kilometer": 1e3},
    stem("grams"): {"g": 1.0, "gram": 1.0, "kg": 1e3, "kilogram": 1e3, "kilo": 1e3},
    stem("litres"): {"ml": 1e-3, "millilitre": 1e-3, "milliliter": 1e-3, "cl": 1e-2, "l": 1.0, "litre": 1.0,
                     "liter": 1.0, "gallon": 3.785},
}
_SCALES = {unit: (DURATION, factor) for unit, factor in _IN_SECONDS.items()} | {
    unit: (key, factor) for key, units in _IN_BASE.items() for unit, factor in units.items()}
_VERSION = re.compile(r"(?P<name>\b[A-Za-z][\w.+#-]*)\s+(?P<version>\d+\.\d+(?:\.\d+)?)\+?(?![\d.]\d)")
_RELATION = re.compile(r"\b(?:is|are|was|were)\s+(?P<rel>built\s+on(?:\s+top\s+of)?|built\s+upon|based\s+on)\s+"
                       r"(?P<value>[^.;:!?,]+)")
_PAREN = re.compile(r"\(([^()]+)\)")
_MONEY = re.compile(CURRENCY + r"\s?\d")  # '$499', '€ 12'; a currency sign before a number
_SIGN_BEFORE = re.compile(CURRENCY + r"\s?$")  # ... right before where a number starts
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
    kind: str  # quantity | version | relation | release (the release of the subject something happened in) | date
    value: tuple[float, float] | str  # a range (lo, hi) for quantities, a date 'YYYY-MM' or 'YYYY', else a normalised string
    span: tuple[int, int]  # what states it, in document offsets (a table cell or the whole unit)
    stems: frozenset[str]  # the words a question may use for the aspect (measure, row label, relation)
    context: str = ""  # the aspect as written where it is stated (a row label, else the label)
    money: bool = False  # an amount of money ('$11.95'), never the same aspect as a count ('350 paper filters')

    def topic(self) -> str:
        """A readable heading: 'Requests per second (FastAPI)', 'Python version (FastAPI)', 'What FastAPI is
        built on'."""
        if self.kind == "relation":
            return f"What {self.subject} is {self.label}"
        if self.kind in ("release", "date"):
            return self.label
        label = f"{self.label} version" if self.kind == "version" else self.measure()
        return f"{label} ({self.subject})"

    def measure(self) -> str:
        """What it measures, capitalised, a unit's symbol spelled out: 'Watts', not 'W' (:meth:`named`)."""
        label = self.named()
        label = _SYMBOLS[label.lower()].split()[0] if label.lower() in _SYMBOLS else label
        return f"{label[:1].upper()}{label[1:]}"

    def named(self) -> str:
        """The aspect in the most words the corpus gives it: a row's label when it names the measure ('Years to
        break even' for '7 years') or the measure is a duration ('Startup time' for '~15 ms'), else the label."""
        head = self.key.split("/")[0]
        if self.kind == "quantity" and "(" not in self.context and self.context != self.label \
                and (head == DURATION or head in _IN_BASE or head in {stem(w) for w in words(self.context)}):
            return self.context
        return self.label


RELEASE_STEMS = frozenset({stem("version"), stem("release")})  # 'released', 'releases' stem as 'release' does
# A subject's newest release, however it is called: one event of its history ("Pylint 2.17.4 is the current release",
# in 2023; "The latest Pylint release is 3.3.7", in 2025).
LATEST = frozenset(stem(w) for w in ("latest", "newest", "current"))  # (not "most recent major version, Jekyll 4.0")
CURRENT = stem("current")
# A subject's release said after its name: "The current Pylint release is 3.3.7", "Kafka's latest version is 3.7".
_RELEASE_IS = re.compile(r"(?:'s)?(?:\s+(?:latest|newest|current|stable|recent))?\s+(?:release|version)\s+(?:is|was)\s+"
                         r"(?:now\s+)?v?(?P<version>\d+\.\d+(?:\.\d+)?)(?![\d.]\d)", re.I)


def version_key(name: str) -> str:
    """The aspect key of the versions of ``name`` ('Python' of "requires Python 3.10")."""
    return f"version:{stem(name.lower())}"


def releases_named(text: str) -> dict[str, str]:
    """The releases a statement names, name -> version ('julia' -> '1.10' of "on Julia 1.10 the first plot ...").
    A name is no function word, and written with a capital unless its version has three parts ('uv 0.4.18'):
    "hits 60 mph in 3.1 seconds" and "takes 2.5 seconds" name no release."""
    return {m.group("name").lower(): m.group("version") for m in _VERSION.finditer(text)
            if m.group("name").lower() not in STOPWORDS
            and (m.group("name")[0].isupper() or m.group("version").count(".") == 2)}


def other_releases(a: dict[str, str], b: dict[str, str]) -> bool:
    """Whether two statements naming these releases (:func:`releases_named`) are of other releases of one name:
    "On Julia 1.6, ... about 40 seconds" and "on Julia 1.10 ... 11 seconds"."""
    return any(b.get(name, version) != version for name, version in a.items())


# A model's or a test's code: a letter, then letters and digits with a digit among them ('C2M', 'R6', 'D750', 'gp3'),
# not an amount with its unit ('10ms', '4K').
_MODEL = re.compile(r"\b[A-Za-z][A-Za-z]*\d[A-Za-z\d]*\b")


# A plan, tier or edition by its name ('Individual' of "The Individual plan comes with 30 GB"), or as a list item
# names it in bold first ("- **Basic** costs $3 per month ...").
_PLAN = re.compile(r"\b([A-Z][\w+-]*)\s+(?:plan|tier|edition)\b|^\s*\*\*([^*]{1,30})\*\*")


def models_named(text: str) -> frozenset[str]:
    """The models' or tests' codes a statement names ('c1m' of "The C1M challenge (2016) scheduled ..."), and the
    plans ('individual' of "The Individual plan comes with 30 GB of storage")."""
    return frozenset(m.group().lower() for m in _MODEL.finditer(text)) | frozenset(
        (m.group(1) or m.group(2)).lower() for m in _PLAN.finditer(text))


# How a subject's name goes on to name one of its variants: words in capitals, or codes ('Long Range AWD' of "the
# Model 3 Long Range AWD starts at", 'Rear-Wheel Drive' of '| Tesla Model 3 Rear-Wheel Drive |', 'Combo j9+').
_VARIANT = re.compile(r"(?:[ \t]+(?:[A-Z][\w+-]*|[a-z]+\d[\w+-]*))+")


def variants_named(text: str, found: list[tuple[str, int, int]], subject: str) -> frozenset[str]:
    """The words of the variants of ``subject`` a text names right after its name (``found``: where the catalog
    finds the subjects' names in ``text``): {'long', 'range', 'awd'} of "The Model 3 Long Range AWD starts at"."""
    return frozenset(w for name, _s, e in found if name == subject and (m := _VARIANT.match(text, e))
                     for w in words(m.group()) if w not in STOPWORDS)


def other_variants(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two statements naming these variants of one subject (:func:`variants_named`) are of other variants:
    'Rear-Wheel Drive' and 'Long Range'; not 'Long Range' and 'Long Range AWD'."""
    return bool(a and b and not (a <= b or b <= a))


def other_models(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two statements naming these models' codes (:func:`models_named`) are of other models or tests:
    "The C1M challenge ... one million" and "C2M ... two million"; "Shimano 105 R7000 mechanical" and "Di2 ...
    105 with the R7100 groupset"."""
    return bool(a and b and not a & b)


def differ(facts: list[Fact]) -> bool:
    """Whether facts on one aspect state different values: amounts that cannot both hold, different versions;
    for what a subject is built on, two that share no word ('ASGI (...)' and 'Flask'; not 'ASGI' and 'ASGI
    through Starlette')."""
    if facts[0].kind == "quantity":  # ranges that share no amount ("two weeks" is within "one to four weeks")
        ranges = [f.value for f in facts]
        return min(r[1] for r in ranges) < max(r[0] for r in ranges)
    if facts[0].kind in ("version", "release"):
        return len({f.value for f in facts}) >= 2
    if facts[0].kind == "date":  # 'June 2024' is within '2024'
        return dates_differ([str(f.value) for f in facts])
    said = [set(words(str(f.value))) - STOPWORDS for f in facts]
    return any(not (a & b) for i, a in enumerate(said) for b in said[i + 1 :])


def _amount(raw: str, mult: str | None) -> float:
    if raw[0].isdigit():
        n = float(raw.replace(",", ""))
    else:  # in words: 'seven', 'twenty-five'
        n = float(sum(_NUMBER_WORDS[w] for w in raw.lower().split("-")))
    return n * _MULT.get((mult or "").strip().lower(), 1.0)


def measure_key(measure: str) -> tuple[str, str] | None:
    """'GitHub stars' -> ('stars', 'GitHub stars'); 'requests per second' -> ('reque/secon', ...); 'MB of RAM' ->
    ('mb', ...); 'minutes', 'ms' -> (:data:`DURATION`, ...): the head noun (the last word before 'per' or 'of')
    and the 'per' word, as stems, or a duration; None for no measure."""
    head, _, per = measure.partition(" per ")
    noun = _unit_product(head) or _head_noun(head)
    if noun is None:
        return None
    if not per.strip() and (scaled := scale(measure)) is not None:
        return scaled[0], measure.strip()
    key = (noun if "-" in noun else stem(noun)) + (f"/{stem(per.split()[0].lower())}" if per.strip() else "")
    return key, measure.strip()


_HYPHENED = re.compile(r"([A-Za-z]+)-([A-Za-z]+)\s*$")


def _unit_product(measure: str) -> str | None:
    """'gb-month' of 'GB-month of storage': units of two dimensions joined, an amount of neither (10 GB-month is no
    duration); None for any other measure ('man-hours' is a duration)."""
    m = _HYPHENED.search(measure.partition(" per ")[0].partition(" of ")[0])
    if m is None:
        return None
    a, b = (_SCALES.get(w.lower()) or _SCALES.get(w.lower()[:-1]) for w in m.groups())
    return f"{stem(m.group(1).lower())}-{stem(m.group(2).lower())}" if a and b and a[0] != b[0] else None


# A unit's symbol, in the words a question may use for it: "dual boiler power draw watts" asks the 'W' of "2,800 W".
_SYMBOLS = {
    "w": "watts", "kw": "kilowatts watts", "kwh": "kilowatt hours", "mw": "megawatts watts", "kb": "kilobytes",
    "mb": "megabytes", "gb": "gigabytes", "tb": "terabytes", "kg": "kilograms kilos", "lb": "pounds",
    "lbs": "pounds", "mm": "millimetres millimeters", "cm": "centimetres centimeters", "km": "kilometres kilometers",
    "ml": "millilitres milliliters", "l": "litres liters", "mph": "miles hour", "hz": "hertz", "mhz": "megahertz",
    "ghz": "gigahertz", "db": "decibels",
}
_SPELLED = {stem(symbol): {stem(w) for w in spelled.split()} for symbol, spelled in _SYMBOLS.items()}


def unit_symbols(word: str) -> frozenset[str]:
    """The symbols of the units ``word`` spells out ('decibels' -> 'db'; 'watts' -> 'w', 'kw', 'mw')."""
    return frozenset(symbol for symbol, spelled in _SYMBOLS.items() if word in spelled.split())
# A dimension by the word a question may name it with: "the max volume in ml" asks an amount in litres.
_DIMENSION_NAMES = {stem("litres"): {stem("volume")}, "db": {stem(w) for w in ("loud", "quiet", "noise", "noisy")}}


def _head_noun(measure: str) -> str | None:
    """The last word of a measure before 'per' or 'of' ('MB' of 'MB of RAM'), or None for none."""
    toks = [w for w in words(measure.partition(" per ")[0].partition(" of ")[0]) if not w.isdigit()]
    return toks[-1] if toks else None


def scale(measure: str) -> tuple[str, float] | None:
    """The dimension a measure's unit is of and how many of its base unit the unit stands for ('minutes' ->
    (:data:`DURATION`, 60), 'ms of downtime' -> (..., 0.001), 'TB' -> ('byte', 1e12)), or None for a measure in no
    unit of one."""
    if _unit_product(measure):
        return None
    low = _head_noun(measure) or ""
    return _SCALES.get(low, _SCALES.get(low[:-1]) if low.endswith("s") and len(low) > 2 else None)


def unit_scale(measure: str) -> tuple[str, float] | None:
    """:func:`scale` of the measure's last word, else of its first, a unit written right after the number before
    what it measures ("a 4 GB module", "a 16 GB one": amounts of data, whatever holds them); None for neither."""
    return scale(measure) or (scale(first[0]) if (first := measure.split()[:1]) else None)


# How far a length reaches, said after its unit ("4 kilometres away", "9 metres apart", "2 metres long")
_EXTENT = frozenset("away apart long wide high deep tall thick across".split())


def _measure_after(text: str, end: int) -> str | None:
    """The measure written right after a number: up to two words (stopping at function words and verb
    forms), and a 'per' word."""
    m = _MEASURE.match(text[end:])
    if not m:
        # joined to the number: "a dedicated 40-amp, 240-volt circuit", "a 30-inch range"
        joined = _JOINED.match(text, end)
        if joined and (low := joined.group(1).lower()) not in STOPWORDS and low not in _NUMBER_WORDS \
                and not _DONE.search(low):
            return joined.group(1)
        return None
    first = m.group("words").split()[0]
    if first in _IN_SECONDS and first.lower() in STOPWORDS:  # '~4 s', '15 s': a unit of time, not a word
        return first
    kept: list[str] = []
    said = m.group("words").split()
    for i, w in enumerate(said):
        low = w.lower()
        # A verb form ends it; right after the number it is what is done, not a measure ("$10,000 installed"),
        # unless a noun follows it, which it says what kind of ("100 million registered users").
        # So does a word saying how far a unit reaches: "4 kilometres away" is 4 km, not 4 of 'away'.
        if low in STOPWORDS or low == "per" or (_VERB_END.search(low) if kept else _DONE.search(low) and not (
                i + 1 < len(said) and said[i + 1].isalpha() and said[i + 1].lower() not in STOPWORDS
                and not _VERB_END.search(said[i + 1].lower()))) \
                or (kept and low in _EXTENT and scale(" ".join(kept)) is not None):
            break
        kept.append(w)
    if not kept:
        return None
    per = m.group("per") if len(kept) == len(m.group("words").split()) else None
    if per and per.startswith("/"):  # '100 GB/month'
        per = " per " + per[1:]
    if per is None:
        said = re.match(r"\s+" + r"\s+".join(map(re.escape, kept)), text[end:])
        of = _OF.match(text, end + said.end()) if said else None
        if of and of.group("what").lower() not in STOPWORDS:
            more = of.group("what2")
            if more and (more.lower() in STOPWORDS or _VERB_END.search(more.lower())):
                more = None
            return " ".join(kept) + " of " + of.group("what") + (f" {more}" if more else "")
    return " ".join(kept) + (per or "")


_SET_AGAINST_NAME = re.compile(r"\b(?:than|with|against|versus|vs\.?)\s+$", re.I)  # "... even with renting"


def _owns(text: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` is written as an owner: "Quokka DB's", its "'s" found with it or not."""
    return text[start:end].endswith(("'s", "’s")) or text.startswith(("'s", "’s"), end)


# An amount, the words it measures and a preposition before the name they are of: '281 TB ceiling for '
_OF_NAME = re.compile(r"[\d.,]+[^\s.,;:!?]*(?:\s+[^\s.,;:!?]+){0,3}?\s+(?:for|of|in|on)\s+")


def _subject_at(text: str, found: list[tuple[str, int, int]], pos: int, default: str | None) -> str | None:
    """The subject a statement at ``pos`` in ``text`` is about: the nearest one named before it, else
    ``default``. A name something is set against is not it, when another is named before: "buying breaks even
    with renting after about seven years" is said of buying ("compared with Flask's 2,000" of Flask)."""
    before = [(name, s, e) for name, s, e in found if s < pos]
    while len(before) > 1 and _SET_AGAINST_NAME.search(text, 0, before[-1][1]) and not _owns(text, *before[-1][1:]):
        before.pop()
    if before:
        return before[-1][0]
    # "The 281 TB ceiling for SQLite is theoretical": the name the amount's own words go on to
    after = next(((name, s) for name, s, _e in found if s > pos), None)
    return after[0] if after and _OF_NAME.fullmatch(text, pos, after[1]) else default


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
    # A unit naming several of its subjects' releases says what happened in each in its own clause: "Terraform
    # 1.7 added mock providers for tests, and Terraform 1.8 added provider-defined functions."
    named = [(m, bool(catalog.mentioned(m.group("name"))) or m.group("name").lower() in subject_words)
             for m in _VERSION.finditer(text)]
    several = sum(of_subject for _m, of_subject in named) > 1
    for m, of_subject in named:
        name = m.group("name")
        if name.lower() in STOPWORDS:
            continue
        if of_subject:
            # A subject's own release ('Flask 2.0', 'Ibex KV 3.3'), not a requirement: the release something
            # happened in ("KRaft was declared production-ready in Kafka 3.3"), what happened said in the unit's
            # other words.
            own = [subject for subject, _s, e in found if text[e : m.start("version")].isspace()]
            if len(own) == 1:
                said = clause(text, 0, m.start(), m.end()) if several else text
                out.append(_release(own[0], m.group("version"), said, whole, subject_words))
            continue
        if not name[0].isupper():
            continue
        subject = _subject_at(text, found, m.start(), default)
        if subject is not None:
            out.append(Fact(subject, version_key(name), name, "version", m.group("version"), whole,
                            frozenset({stem(name.lower()), "versi"}), f"{name} version"))
    # (what happened in it said in its clause: not "but GitHub's built-in builder has never moved to the 4.x
    # series" after "The latest Jekyll release is 4.4.1, published in January 2025")
    out += [_release(subject, m.group("version"), clause(text, 0, s, m.end()), whole, subject_words)
            for subject, s, e in found if (m := _RELEASE_IS.match(text, e))]
    out += _release_dates(text, whole, found)
    out += _prices(text, whole, found, default)
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


_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# A date: 'January 2025', 'Oct. 3, 2024', '19 October 2024', '2024-06' or '2024-06-11', 'in 2024'.
_DATE = re.compile(rf"\b(?:(?P<month>{_MONTH})\.?\s+(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?|"
                   rf"(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH})\s+|(?:in|on)\s+)(?P<year>(?:19|20)\d\d)\b(?!-\d)|"
                   rf"\b(?P<iso>(?:19|20)\d\d-[01]\d(?:-[0-3]\d)?)\b", re.I)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
# Words saying a release came out, between it and its date ("Poetry 2.0, which arrived in October 2024").
_CAME_OUT = re.compile(r"\b(?:released|arrived|shipped|launched|landed|debuted|came\s+out|general\s+availability|"
                       r"went\s+GA|became\s+available|was\s+published|ships|arrives|launches|lands|debuts)\b", re.I)
# ... or before it, right after the subject's name: "Obsidian reached version 1.0 in October 2022".
_REACHED = re.compile(r"\s+(?:reached|hit|got\s+to|released|shipped|launched)\s+(?:version\s+|v)?(\d+(?:\.\d+)+)(?![\w.]*\w)", re.I)
_SENTENCE_END = re.compile(r"[.;:!?](?:\s|$)")
CAME_OUT_WORDS = 10  # at most this many words from a release to its date
ASKS_DATE = re.compile(r"\bdates?\b", re.I)  # as the corpus writes it: "release dates"


# What something costs, as a sentence says it: "Obsidian Sync costs $8 per month", "the Plus plan costs $10 per seat
# per month", "Ibex Cloud is priced at $29 a month", "The Model 3 Long Range AWD starts at $47,490": the thing (up to
# four words before the verb), the price, what it is per.
_PRICED = re.compile(
    r"(?P<thing>(?:[\w-]+\s+){0,3}[\w-]+)\s+(?:costs?|(?:is|was)(?:\s+(?:priced|billed)\s+at)?|sells\s+for"
    r"|starts?\s+at|retails\s+(?:for|at)|lists\s+(?:for|at))\s+"
    r"(?:(?:about|around|roughly|just|only|still|now)\s+)?(?P<price>" + CURRENCY + r"\s?\d[\d,]*(?:\.\d+)?)"
    r"(?:\s*(?:to|-|\u2013)\s*(?P<high>" + CURRENCY + r"?\s?\d[\d,]*(?:\.\d+)?))?"  # '$8,000 to $10,000'
    r"(?P<per>(?:\s*(?:per\s+|/\s*)[a-z]+\b|\s+an?\s+(?:month|year|week|day|user|seat)\b)*)", re.I)
PRICE_KEY = "price:"  # the key of a price said of a thing of a subject's: 'price:sync/month'
# ... and its price per another time after 'or': "Super Duolingo costs $12.99 per month or $84.99 per year".
_OR_PRICED = re.compile(r",?\s+or\s+(?P<price>" + CURRENCY + r"\s?\d[\d,]*(?:\.\d+)?)"
                        r"(?P<per>(?:\s*(?:per\s+|/\s*)[a-z]+\b|\s+an?\s+(?:month|year|week|day|user|seat)\b)+)", re.I)
_PER_PRICE = re.compile(r"(?:\bper|\ban?|/)\s*([a-z]+)", re.I)


_THING_PRICE = re.compile(r"\s*([A-Za-z]{3,})\s+(?:price|cost)s?\b", re.I)  # 'Card price': a thing's price


def thing_priced(head: str, heads: Iterable[str]) -> str | None:
    """The thing a price column's header names before 'price' or 'cost' when another column of its table opens
    with it too ('card' of 'Card price' beside 'Card we used': each row's card, priced), else None. Its cells are
    that thing's prices, not the row's subject's: "| QNAP TS-464 | ... | QNAP QXG-10G1T | $139 |" says nothing of
    what the TS-464 costs."""
    m = _THING_PRICE.match(head)
    if m is None:
        return None
    thing = m.group(1).lower()
    return thing if any(h != head and (h.split() or [""])[0].lower() == thing for h in heads) else None



def _prices(text: str, whole: tuple[int, int], found: list[tuple[str, int, int]], default: str | None) -> list[Fact]:
    """The prices a sentence says things of a subject cost (see above), each an aspect of its own: the thing's
    words but the subject's name, and what the price is per ('Sync price per month' of Obsidian). The subject
    is the one the thing names, else the one named last before it, else ``default``."""
    out = []
    for m in _PRICED.finditer(text):
        thing = m.group("thing")
        words_of = [w for w in words(thing) if w not in STOPWORDS]
        named = [name for name, s, e in found if m.start("thing") <= s < m.end("thing")]
        before = [name for name, s, _e in found if s < m.start("thing")]
        subject = named[-1] if named else before[-1] if before else default
        if subject is None:
            continue
        own = [w for w in words_of if w not in set(words(subject)) and w not in NOW_WORDS]
        stems = frozenset(stem(w) for w in own) | {stem("price"), stem("cost")}
        priced = [m] + ([alt] if (alt := _OR_PRICED.match(text, m.end())) and m.group("per").strip() else [])
        for n, p in enumerate(priced):
            per = [w.lower() for w in _PER_PRICE.findall(p.group("per"))]
            price = float(p.group("price").lstrip(_SIGNS + " ").replace(",", ""))
            high = float(p.group("high").lstrip(_SIGNS + " ").replace(",", "")) if not n and p.group("high") else price
            value = (price, max(price, high))
            if not own and not per:  # "The Creality K1 costs $599": the subject's own price, as a 'Price' row states it
                out.append(Fact(subject, stem("price"), "price", "quantity", value, whole, stems, "price", True))
            if not own or any(w[0].isdigit() or w in _NUMBER_WORDS for w in own):
                continue  # "Obsidian costs $8 a month": which of its prices is not said; "ten editors cost $1,200": a sum
            label = " ".join(own) + " price" + "".join(f" per {w}" for w in per)
            key = PRICE_KEY + "-".join(stem(w) for w in own) + "".join(f"/{stem(w)}" for w in per)
            out.append(Fact(subject, key, label, "quantity", value, whole, stems, label, True))
    return out


def _release(subject: str, version: str, said: str, whole: tuple[int, int], subject_words: set[str]) -> Fact:
    """A release of a subject, with what happened in it in ``said``'s other words (the newest release as
    :data:`CURRENT`, whatever word says it)."""
    event = frozenset(stem(w) for w in words(said) if len(w) >= 4 and w not in STOPWORDS and w not in NOW_WORDS
                      and w not in subject_words and not w[0].isdigit()) - RELEASE_STEMS
    if event & LATEST:
        event = event - LATEST | {CURRENT}
    return Fact(subject, f"release:{stem(subject.lower())}", f"{subject} release", "release", version, whole, event,
                f"{subject} release")


def release_key(subject: str, release: str) -> str:
    """The aspect key of when ``subject``'s ``release`` came out, the same for '3', '3.0' and 'v3.0'."""
    return f"date:{stem(subject.lower())}:{re.sub(r'(?:[.]0)+$', '', release)}"


def _release_dates(text: str, whole: tuple[int, int], found: list[tuple[str, int, int]]) -> list[Fact]:
    """When a release of a subject came out, as a sentence says it right after naming it: "Poetry 2.0, released
    in January 2025, ...", "Traefik v3.0 was released in April 2024", "Traefik 3.0 reached general availability
    in June 2024", "Obsidian 1.0 ships in December 2022", "Obsidian reached version 1.0 in October 2022". Not a date
    before the release, nor one past the sentence."""
    out = []
    reached = [(name, m) for name, _start, end in found if (m := _REACHED.match(text, end)) is not None]
    for subject, m in subject_releases(text, found) + reached:
        if (d := _DATE.search(text, m.end())) is None:
            continue
        between = text[m.end() : d.start()]
        if len(between.split()) > CAME_OUT_WORDS or _SENTENCE_END.search(between) or not (
                _CAME_OUT.search(between) or _REACHED.match(m.group())):
            continue
        label = f"{subject} {m.group(1)} release date"
        out.append(Fact(subject, release_key(subject, m.group(1)), label, "date", _date_value(d), whole,
                        frozenset({stem("release"), stem("date")}), label))
    return out


def _date_value(d: re.Match[str]) -> str:
    """A date :data:`_DATE` found, as 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY': as precise as written (February 2 and
    February 15, 2024 cannot both hold)."""
    if d.group("iso"):
        return d.group("iso")
    month = d.group("month") or d.group("month2")
    day = d.group("day") or d.group("day2")
    return d.group("year") + (f"-{_MONTHS[month[:3].lower()]:02d}" if month else "") + (f"-{int(day):02d}" if day else "")


def dates_said(text: str) -> dict[str, int]:
    """The dates a text states ('2024-07' of "in July 2024", '2015' of "in 2015"), each where it first does."""
    out: dict[str, int] = {}
    for d in _DATE.finditer(text):
        out.setdefault(_date_value(d), d.start())
    return out


def dates_differ(dates: Sequence[str]) -> bool:
    """Whether dates cannot all hold ('2024-07' and '2024-10'; not '2024' and '2024-10')."""
    return any(not (a.startswith(b) or b.startswith(a)) for i, a in enumerate(dates) for b in dates[i + 1 :])


def asked_release_dates(question: str, catalog: SubjectCatalog) -> frozenset[str]:
    """The keys (:func:`release_key`) of the releases a question asks the date of ("when was traefik v3 released",
    "poetry 2.0 release date"); empty for any other."""
    if not (WANTS_YEAR.search(question) or ASKS_DATE.search(question)):
        return frozenset()
    return frozenset(release_key(subject, m.group(1)) for subject, m in subject_releases(question, catalog.find(question)))


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
    """A cell's fact, which the row's label also names ('Performance (requests per second)'); a cell's amount is
    per what the label says it is ('110 pods' in 'Pods per node': pods a node, not pods in all)."""
    key = f.key
    if "/" not in key and key != DURATION and (rate := PER_WORD.search(row_label)):
        key = f"{key}/{stem(rate.group(1).lower())}"
    return dataclasses.replace(f, key=key, stems=f.stems | stems, context=row_label or f.context)


_PER = re.compile(r"\bper\s+$", re.I)
# An amount a statement says its value changed from: no value it states ("about 4 seconds, down from well over 30
# seconds"; "fell from 6.1 s to 3.4 s").
_FORMER = re.compile(r"\b(?:down|up|fell|dropped|rose|grew|went|increased|decreased|improved|reduced|cut)\s+from"
                     r"(?:\s+(?:well|about|around|roughly|nearly|almost|over|under|just))*\s+$", re.I)
PER_WORD = re.compile(r"\bper\s+([A-Za-z]+)", re.I)  # what an amount is per: 'node' of "Pods per node"
_PER_AFTER = re.compile(r"\s*" + PER_WORD.pattern, re.I)  # ... right after an amount ("$1,300 per year")
# Once a time: "per year", "each month", "a day" (what a rate is per).
EVERY = re.compile(r"\b(?:per|each|every|a|an)\s+(second|minute|hour|day|week|month|year)\b", re.I)
# ... or a time after its measure: "5,000 km a year", "0.5 percent of their output per year"
_EVERY_AFTER = re.compile(r"\s*(?:[A-Za-z][\w-]*\s+){0,4}?" + EVERY.pattern, re.I)
# A price per unit, then the bound of the usage it is charged for: "$0.09 per GB for the first 10 TB".
_TIER = re.compile(rf"{CURRENCY}\s?[\d.,]+\s+per\s+[\w-]+\b[^{_SIGNS}]*?\b(?:first|next)\s+$", re.I)
_WISH = re.compile(r"\b(?:should|ought to) (?:offer|have|add|include|ship|come with|support|provide|fit|get)\b", re.I)


def _after_last(text: str, pos: int, marks: Iterable[str]) -> int:
    """Just after the last of ``marks`` before ``pos`` in ``text`` (0 for none): where a clause there opens."""
    return max(text.rfind(mark, 0, pos) for mark in marks) + 1


def _quantities(
    text: str, start: int, catalog: SubjectCatalog, default: str | None, fallback: str | None, *,
    cell_mode: bool, found: list[tuple[str, int, int]] | None = None, whole: tuple[int, int] | None = None,
    every: bool = False,
) -> list[Fact]:
    """Numbers with a measure: in a table cell, the cell's own measure or the row's; in prose, the measure
    written after the number, or (for a number of another subject later in the sentence: "FastAPI at 15,000
    requests per second compared to Flask's 2,000") the measure of the number before it. A measure per what
    follows it ('requests per second', "$1,300 per year") is a rate; ``every``: one followed by 'a', 'each' or
    'every' and a time too ("5,000 km a year")."""
    out: list[Fact] = []
    found = found if found is not None else []
    last: tuple[str, str, str] | None = None  # (subject, key, label) of the previous measured number
    for m in _QUANTITY.finditer(text):
        lo_raw, hi_raw = m.group("lo"), m.group("hi")
        if _YEAR.match(lo_raw) and not m.group("lo_mult") and (hi_raw is None or _YEAR.match(hi_raw)):
            continue  # a year, not an amount
        if any(s <= m.start() < e for _name, s, e in found):
            continue  # a subject's name: "the Model 3 Long Range", "Ioniq 6 Limited AWD"
        before = text[: m.start()].rstrip()
        if before and before.split()[-1][:1].isupper() and "." in lo_raw and not cell_mode:
            continue  # 'Python 3.10': a version (see _VERSION)
        if _PER.search(text, 0, m.start()):
            continue  # what a rate is per ('17.2 kWh per 100 km'), no amount of its own
        if not cell_mode and _FORMER.search(text, 0, m.start()):
            continue
        if _TIER.search(text, _after_last(text, m.start(), (". ", "; ")), m.start()):
            continue  # what a price is for: "$0.09 per GB for the first 10 TB", "$23 per TB-month (first 50 TB)"
        if not cell_mode and _WISH.search(text, _after_last(text, m.start(), ".;:"), m.start()):
            continue  # an amount wished for is not what it has: "Breville should offer a 58 mm portafilter"
        lo = _amount(lo_raw, m.group("lo_mult"))
        hi = _amount(hi_raw, m.group("hi_mult")) if hi_raw else lo
        if lo == 0 or hi < lo:
            continue
        # A word glued to a number ('3rd', '68300Winner') is no measure: a cell takes its row's.
        measure = None if m.group("glued") else _measure_after(text, m.end())
        subject = default if cell_mode else _subject_at(text, found, m.start(), default)
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
        if key == DURATION and m.start() and text[m.start() - 1] in _SIGNS:
            continue  # a price: "$5 month to month"
        if "/" not in key and (rate := _PER_AFTER.match(text, m.end()) or every and _EVERY_AFTER.match(text, m.end())):
            key = f"{key}/{stem(rate.group(1).lower())}"  # '$1,300 per year' under 'Running cost': a rate
        if (scaled := scale(label)) is not None and scaled[0] == key:  # in the base unit, whatever unit states it
            lo, hi = lo * scaled[1], hi * scaled[1]
        last = (subject, key, label)
        span = (start, start + len(text)) if cell_mode else (whole or (start, start + len(text)))
        stems = frozenset(stem(w) for w in words(label) if len(w) >= 4 and w not in STOPWORDS)
        head = key.split("/")[0]
        unit = stem(_head_noun(label) or head) if scaled is not None and head != DURATION else head  # 'tb' of 'byte'
        per = key.partition("/")[2]  # what a rate is per, in the words a question may spell it in ('terabyte' of 'tb')
        out.append(Fact(subject, key, label, "quantity", (lo, hi), span,
                        stems | {head, unit} | _SPELLED.get(unit, set()) | _SPELLED.get(per, set())
                        | _DIMENSION_NAMES.get(head, set()), label,
                        _SIGN_BEFORE.search(text, max(0, m.start() - 2), m.start()) is not None))
    return out


_NO_CATALOG = SubjectCatalog(())
_HOW_MANY = re.compile(r"\bhow many\b|\bnumber of\b", re.I)
# What kind of amount a question asks for, by the words it asks with, and what states one: the aspect keys of the
# amounts that do (:func:`measure_key`: a measure's head noun, a dimension's base unit), or the way it is written.
# "How much does a mid-drive motor weigh?" wants a mass ('3–4 kg'), not where the weight sits; "how fast does a
# class 2 e-bike go" a speed ('20 mph'), "How fast is X?" one per second ('15,000 requests per second').
# a price asked, or what a thing is "How much is ...?" ("How much is Duolingo Max?", "how much are replacement filters")
ASKS_PRICE = re.compile(r"\b(?:costs?|price[sd]?|pricing|expensive|cheap(?:er|est)?|fees?)\b|\bhow much (?:is|are)\b", re.I)
_ASKED_AMOUNTS: tuple[tuple[re.Pattern[str], frozenset[str], re.Pattern[str] | None], ...] = (
    (re.compile(r"\bweigh(?:s|t|ts|ed|ing)?\b|\bhow heavy\b|\bheavier\b", re.I),
     frozenset({stem("grams"), stem("pounds"), "lb", "lbs", stem("ounces"), "oz", stem("tons"), stem("tonnes")}), None),
    (re.compile(r"\b(?:watts?|wattage|kilowatts?|horsepower)\b|\bhow (?:much power|powerful)\b|\bpower (?:draw|limit|output|rating)\b", re.I),
     frozenset({stem("watts"), "hp", stem("horsepower")}), None),
    (re.compile(r"\bhow (?:fast|quick)\b|\btop speed\b", re.I), frozenset({"mph", "kph"}),
     re.compile(r"\d\s?(?:km/h|m/s)|\bper (?:second|sec|minute|hour)\b|/s(?:ec)?\b", re.I)),
    # (a warranty, a lifespan, a payback period are durations: "string inverter warranty" asks '10-year')
    (re.compile(r"\bhow long\b|\bhow far\b|\bdistance\b|\bwarrant(?:y|ies)\b|\blife\s?spans?\b|\blifetimes?\b|"
                r"\bpayback\b", re.I),
     frozenset({DURATION, stem("metres"), stem("miles"), stem("feet"), "ft", stem("yards"), stem("inches")}), None),
    (re.compile(r"\bmemory\b|\bram\b", re.I), frozenset({stem("bytes")}), None),
    (re.compile(r"\bsizes?\b|\bhow (?:big|large)\b|\bgzipped\b|\bvolumes?\b", re.I),
     frozenset({stem("bytes"), stem("wh"), stem("metres"), stem("inches"), stem("feet"), stem("litres")}),
     re.compile(r"\d\s?(?:L|ml|litres?|liters?|gallons?)\b")),
    (ASKS_PRICE, frozenset(),
     # ('38, 77 and 88 a year in your local currency')
     re.compile(_MONEY.pattern + r"|\d\s?(?:\u00a2|USD\b|EUR\b|GBP\b|dollars?\b|euros?\b|cents?\b)|\d.*\bcurrency\b")),
    (re.compile(r"\bpercent(?:age)?\b|\bwhat share\b", re.I), frozenset({stem("percent")}), re.compile(r"\d\s?(?:%|percent\b|per cent\b)", re.I)),
    # "how often should i get my solar system inspected": a frequency ('every five years', 'twice a year',
    # 'annually'), not "Plan to be home for the inspection"
    (re.compile(r"\bhow (?:often|frequently)\b|\bfrequency\b", re.I), frozenset(),
     re.compile(r"\bevery\s+(?:\w+\s+){0,2}?(?:years?|months?|weeks?|days?|hours?|km|miles|kilometres|kilometers|"
                r"shots?|uses?|runs?)\b|\b(?:once|twice|\w+\s+times)\s+(?:a|an|per|each)\s+\w+|"
                r"\b(?:annually|yearly|monthly|weekly|daily|nightly|hourly)\b", re.I)),
    # "notion api rate limit": how many per second, minute ...
    (re.compile(r"\brate[\s-]+limit(?:s|ed|ing)?\b", re.I), frozenset(),
     re.compile(rf"(?:\d|\b(?:{'|'.join(_NUMBER_WORDS)}))\s*"
                r"(?:\w+\s+){0,2}?(?:per|a|an|each|/)\s*(?:second|sec|s|minute|min|hour|hr|day)\b", re.I)),
)


# A unit a question names to ask in: "how many years is the warranty", "mid-drive chain lifespan km", "battery
# capacity in kwh" (after "how many", "in", or last in a few words typed as a search).
# (Not what a rate is per: "degradation percent per year".)
_UNIT_ASKED = re.compile(r"\bhow\s+many\s+([a-z]+)\b|\bin\s+([a-z]+)\s*\??\s*$|"
                         r"^[^?]*(?<!\bper)(?<!\beach)(?<!\bevery)(?<!\ba)\s([a-z]+)\s*$", re.I)
_SEARCH_WORDS = 6  # a question of at most this many words and no question mark may be typed as a search


def _units_asked(question: str) -> frozenset[str]:
    """The aspect keys of the units ``question`` names to ask in (see above): a duration or a dimension's base
    unit (:func:`scale`); empty for none."""
    m = _UNIT_ASKED.search(question)
    if m is None or m.group(3) and len(question.split()) > _SEARCH_WORDS:
        return frozenset()
    word = next(g for g in m.groups() if g)
    return frozenset({scaled[0]}) if (scaled := scale(word)) is not None else frozenset()


def asked_amount(question: str) -> Callable[[str], bool] | None:
    """Whether a text states the kind of amount ``question`` asks for, or None when it asks for none this reads:
    a mass, a power, a speed, a duration or length, a size, a price, a share, a frequency, a rate limit, or a
    count of what "how many" names ('212 applications' for "How many applications did the ad get?")."""
    kinds = [(keys, written) for asks, keys, written in _ASKED_AMOUNTS if asks.search(question)]
    if units := _units_asked(question):
        kinds.append((units, None))
    if many := _HOW_MANY.search(question):
        # what it counts, after a figure ('212 applications'; not "under fifty engineers" for how many a cluster
        # needs, "$250 per access point", nor a name's number, "a Wi-Fi 7 access point"), by any of its words:
        # 'swarm' or 'managers'
        things = list(itertools.takewhile(lambda w: w not in STOPWORDS, words(question[many.end() :])))
        if things:
            kinds.append((frozenset(), re.compile(rf"(?<![{_SIGNS}\d.,])"
                                                  r"(?-i:(?<![A-Z][\w-]\s)(?<![A-Z][\w-]{2}\s)"
                                                  r"(?<![A-Z][\w-]{3}\s)(?<![A-Z][\w-]{4}\s))\d[\d,.]*\+?\s+"
                                                  r"(?:(?!per\b)[A-Za-z-]+\s+){0,2}?(?:"
                                                  + "|".join(re.escape(stem(w)) for w in things) + ")", re.I)))
    if not kinds:
        return None
    keys = frozenset().union(*(k for k, _w in kinds))
    written = [w for _k, w in kinds if w is not None]

    def states(text: str) -> bool:
        return any(w.search(text) for w in written) or bool(keys) and any(
            f.key.split("/")[0] in keys for f in amounts_stated(text))
    return states


def asked_measures(question: str) -> frozenset[str]:
    """The aspect keys of the measured amounts a question asks for (:func:`asked_amount`'s kinds with a unit: a
    mass, a power, a speed, a duration or length, a size); empty for none ("How much does X cost?" asks a price,
    which a corpus states of many things at once: no one amount to weigh sources on)."""
    return frozenset().union(_units_asked(question), *(keys for asks, keys, _w in _ASKED_AMOUNTS if asks.search(question)))


def amounts_stated(text: str, *, restated: bool = True) -> list[Fact]:
    """The measured amounts a text states, as facts of no subject, in the order written; ``restated=False``: not
    an amount with the same amount in other units after it in brackets ("20 ounces (595 ml)"), one measurement
    written twice."""
    return _quantities(text if restated else _RESTATED.sub(" ", text), 0, _NO_CATALOG, "", None, cell_mode=False,
                       every=True)


_RESTATED = re.compile(rf"{_AMOUNT}\s?[^\W\d_][\w-]*\.?\s*\(\s*(?:about\s|roughly\s|around\s|~|\u2248)?\s*"
                       rf"{_AMOUNT}\s?[^\W\d_][^()]*\)")
